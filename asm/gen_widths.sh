#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Generates the widths at which the kernel reads each system call's
# arguments, as Rust, from the prototypes the calls are declared with:
#
#   gen_widths.sh arch/x86/entry/syscalls/syscall_64.tbl \
#                 arch/x86/entry/syscalls/syscall_32.tbl \
#                 include/linux/syscalls.h ARCH_SOURCES... > syscalls_widths.rs
#
# A SYSCALL_DEFINE wrapper casts each register to the parameter's declared
# type, so an `int` parameter sees the low 32 bits of its register, a
# `umode_t` the low 16: an argument condition compares at that width.
# Prototypes come from `asmlinkage long sys_NAME(...)` in syscalls.h and,
# for the x86 calls it does not declare, from `SYSCALL_DEFINEn(NAME, ...)`
# in ARCH_SOURCES. Where syscalls.h declares a call once per configuration
# (`clone`, `fanotify_mark`), the last declaration is the generic one,
# which x86_64 uses. Every x86_64 entry point must have a prototype and
# every parameter type must be known here, or the build fails: a width
# guessed wrong would let an argument slip past a condition. ia32 reads
# 32-bit registers: its widths are those of the call's namesake in
# syscalls.h, at most 32, and 32 where there is none.
#
# A call's widths are one u16: two bits an argument, argument 0 lowest,
# 0 for 64 bits, 1 for 32, 2 for 16, 3 for 8.

set -e

if [ $# -lt 3 ]; then
	echo "usage: $0 syscall_64.tbl syscall_32.tbl syscalls.h [arch sources...]" >&2
	exit 1
fi

awk '
# The width in bits of one declared parameter, "" when it is unknown.
function width_of(decl,    t, n, w, i, last) {
	if (decl ~ /\*/)
		return 64
	t = " " decl " "
	gsub(/[ \t]+/, "  ", t)
	gsub(/ (const|volatile|__user) /, " ", t)
	gsub(/[ \t]+/, " ", t)
	sub(/^ /, "", t); sub(/ $/, "", t)
	if (t in W)
		return W[t]
	# An enum is an int.
	if (t ~ /^enum [a-z0-9_]+( [a-z0-9_]+)?$/)
		return 32
	# A parameter name after the type.
	n = split(t, w, " ")
	if (n < 2)
		return ""
	last = w[1]
	for (i = 2; i < n; i++)
		last = last " " w[i]
	return (last in W) ? W[last] : ""
}
function code_of(bits) {
	return bits == 64 ? 0 : bits == 32 ? 1 : bits == 16 ? 2 : 3
}
# Records the parameters of call `name` (a comma-separated list).
function record(name, params, from,    n, p, i, b, codes) {
	gsub(/[ \t\n]+/, " ", params)
	sub(/^ /, "", params); sub(/ $/, "", params)
	codes = 0
	if (params != "" && params != "void") {
		n = split(params, p, ",")
		if (n > 6) {
			printf "gen_widths.sh: %s has %d parameters\n", name, n > "/dev/stderr"
			failed = 1
			exit 1
		}
		for (i = 1; i <= n; i++) {
			b = width_of(p[i])
			if (b == "") {
				printf "gen_widths.sh: unknown type \"%s\" of %s (%s)\n",
				       p[i], name, from > "/dev/stderr"
				failed = 1
				exit 1
			}
			codes += code_of(b) * (4 ^ (i - 1))
		}
	}
	proto[name] = codes
}
BEGIN {
	t64 = "long|unsigned long|size_t|ssize_t|loff_t|off_t|aio_context_t"
	t64 = t64 "|cap_user_header_t|cap_user_data_t|u64|__u64|unsigned long long"
	t64 = t64 "|long long|old_sigset_t|__kernel_old_time_t|__sighandler_t"
	split(t64, a, "|")
	for (i in a) W[a[i]] = 64
	t32 = "int|unsigned int|unsigned|u32|__u32|uint32_t|s32|__s32|pid_t|uid_t"
	t32 = t32 "|gid_t|clockid_t|timer_t|mqd_t|key_t|key_serial_t|rwf_t|qid_t"
	t32 = t32 "|old_time32_t"
	split(t32, a, "|")
	for (i in a) W[a[i]] = 32
	split("umode_t|old_uid_t|old_gid_t|unsigned short|short|u16|__u16", a, "|")
	for (i in a) W[a[i]] = 16
	split("unsigned char|char|u8|__u8", a, "|")
	for (i in a) W[a[i]] = 8
}
FNR == 1 { file++; pending = "" }
# A declaration or definition spans lines until its closing parenthesis.
pending != "" {
	pending = pending " " $0
	if (pending ~ /\)/)
		finish()
	next
}
file == 1 && !/^[ \t]*#/ && NF >= 4 && ($2 == "common" || $2 == "64") {
	ent64[$1] = $4
	if ($1 + 1 > nr64) nr64 = $1 + 1
	next
}
file == 2 && !/^[ \t]*#/ && NF >= 4 && $2 == "i386" {
	ent32[$1] = $4
	if ($1 + 1 > nr32) nr32 = $1 + 1
	next
}
file == 3 && /^asmlinkage long sys_[a-z0-9_]+\(/ {
	pending = $0; kind = "h"
	if (pending ~ /\)/) finish()
	next
}
file >= 4 && /^SYSCALL_DEFINE[0-6]\(/ {
	pending = $0; kind = "c"
	if (pending ~ /\)/) finish()
	next
}
function finish(    s, name, rest, n, p, i, params) {
	s = pending; pending = ""
	if (kind == "h") {
		sub(/^asmlinkage long sys_/, "", s)
		name = s; sub(/\(.*/, "", name)
		rest = s; sub(/^[^(]*\(/, "", rest); sub(/\).*/, "", rest)
		record(name, rest, "syscalls.h")
		return
	}
	# SYSCALL_DEFINEn(name, type, arg, type, arg, ...)
	sub(/^SYSCALL_DEFINE[0-6]\(/, "", s); sub(/\).*/, "", s)
	n = split(s, p, ",")
	name = p[1]; gsub(/[ \t]/, "", name)
	if (name in proto)
		return
	params = ""
	for (i = 2; i < n; i += 2)
		params = params (params == "" ? "" : ",") p[i]
	record(name, params, FILENAME)
}
# The u16 of widths of an x86_64 entry point.
function entry64(e,    name) {
	name = e; sub(/^sys_/, "", name)
	if (name == "ni_syscall")
		return 0
	if (!(name in proto)) {
		printf "gen_widths.sh: no prototype for x86_64 %s\n", e > "/dev/stderr"
		exit 1
	}
	return proto[name]
}
# The u16 of widths of an ia32 entry point: its namesake, at most 32 bits.
function entry32(e,    name, c, out, i, k) {
	name = e; sub(/^(compat_)?sys_(ia32_)?/, "", name)
	c = (name in proto) ? proto[name] : 1365
	out = 0
	for (i = 0; i < 6; i++) {
		k = int(c / (4 ^ i)) % 4
		if (k == 0) k = 1
		out += k * (4 ^ i)
	}
	return out
}
END {
	if (failed)
		exit 1
	if (nr64 == 0 || nr32 == 0) {
		print "gen_widths.sh: unexpected table format" > "/dev/stderr"
		exit 1
	}
	print "// Generated by asm/gen_widths.sh from arch/x86/entry/syscalls/"
	print "// syscall_64.tbl and syscall_32.tbl, include/linux/syscalls.h and"
	print "// the x86 SYSCALL_DEFINEs. Do not edit."
	print ""
	print "/// The widths of the arguments of each x86_64 call, by number: two bits"
	print "/// an argument, argument 0 lowest (0: 64 bits, 1: 32, 2: 16, 3: 8)."
	printf "pub(crate) static X86_64_WIDTHS: [u16; %d] = [\n", nr64
	for (i = 0; i < nr64; i++)
		printf "    %d,\n", (i in ent64) ? entry64(ent64[i]) : 0
	print "];"
	print ""
	print "/// The same for the ia32 calls: never more than 32 bits."
	printf "pub(crate) static IA32_WIDTHS: [u16; %d] = [\n", nr32
	for (i = 0; i < nr32; i++)
		printf "    %d,\n", (i in ent32) ? entry32(ent32[i]) : 1365
	print "];"
}
' "$@"
