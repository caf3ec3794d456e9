#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Regenerates src/tables_generated.rs, syscallsctl's system call tables (and
# errno names), with the controller's own generator (asm/gen_tables.sh, the one the kernel build
# uses), so that the tool and the controller read the same tables:
#
#   tools/syscallsctl/gen-tables.sh            # rewrite the checked-in copy
#   tools/syscallsctl/gen-tables.sh --check    # fail if it differs
#
# The tables are those of the primary kernel, Linux 7.3 (src/table.rs's
# TABLES_KERNEL, which the tool's messages name). They come from
# $SYSCALLS_TBL_DIR (a directory holding syscall_64.tbl and syscall_32.tbl),
# by default arch/x86/entry/syscalls of the 7.3 tree that `make test`
# fetches into ${XDG_CACHE_HOME:-~/.cache}/syscalls-cgroup/7.3/linux; the
# errno names from $SYSCALLS_ERRNO_DIR (errno-base.h and errno.h), by
# default include/uapi/asm-generic of the same tree.
#
# src/widths_generated.rs, the width at which the kernel reads each
# argument of each call (what an argument condition compares), is the
# output of the controller's asm/gen_widths.sh for the same tables,
# $SYSCALLS_SRC_DIR's include/linux/syscalls.h and the x86 sources the
# controller's Makefile gives it (the tree above $SYSCALLS_TBL_DIR by
# default), so that the tool translates a profile at the widths the kernel
# compares at.

set -e

mode=${1:-}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/syscalls-cgroup
# The tables' kernel, src/table.rs's TABLES_KERNEL (one line to change when
# the primary kernel moves): the header lines name it, and its tree is the
# default.
kernel=$(sed -n 's/^pub const TABLES_KERNEL: &str = "\([0-9.]*\)";$/\1/p' "$here/src/table.rs")
if [ -z "$kernel" ]; then
	echo "gen-tables.sh: no TABLES_KERNEL in $here/src/table.rs" >&2
	exit 1
fi
dir=${SYSCALLS_TBL_DIR:-$cache/$kernel/linux/arch/x86/entry/syscalls}
edir=${SYSCALLS_ERRNO_DIR:-$cache/$kernel/linux/include/uapi/asm-generic}
out=$here/src/tables_generated.rs
wout=$here/src/widths_generated.rs
src=${SYSCALLS_SRC_DIR:-$(cd "$dir/../../../.." 2>/dev/null && pwd)}
# The x86 sources of the calls syscalls.h does not declare, as the
# controller's Makefile passes them to asm/gen_widths.sh: those of them
# that the tree has, in this order (arch_prctl is in process_64.c on 6.12,
# in process.c on 7.x).
arch_sources="process.c process_64.c sys_x86_64.c ldt.c ioport.c signal_64.c"

if [ ! -f "$dir/syscall_64.tbl" ] || [ ! -f "$dir/syscall_32.tbl" ] ||
	[ ! -f "$edir/errno-base.h" ] || [ ! -f "$edir/errno.h" ]; then
	echo "gen-tables.sh: no syscall_64.tbl and syscall_32.tbl in $dir, or no errno-base.h and errno.h in $edir" >&2
	echo "gen-tables.sh: set SYSCALLS_TBL_DIR and SYSCALLS_ERRNO_DIR, or fetch the kernel (scripts/fetch-kernel.sh)" >&2
	exit 2
fi

tmp=$(mktemp)
{
	echo "// SPDX-License-Identifier: GPL-2.0"
	echo "// Checked-in output of asm/gen_tables.sh for Linux $kernel, written by"
	echo "// tools/syscallsctl/gen-tables.sh (which --check compares it with)."
	sh "$repo/asm/gen_tables.sh" "$dir/syscall_64.tbl" "$dir/syscall_32.tbl" \
		"$edir/errno-base.h" "$edir/errno.h"
} > "$tmp"

wtmp=$(mktemp)
trap 'rm -f "$tmp" "$wtmp"' EXIT
widths=1
if [ ! -f "$repo/asm/gen_widths.sh" ] || [ ! -f "$src/include/linux/syscalls.h" ]; then
	echo "gen-tables.sh: no asm/gen_widths.sh or no $src/include/linux/syscalls.h: the widths were not generated" >&2
	widths=
else
	{
		echo "// SPDX-License-Identifier: GPL-2.0"
		echo "// Checked-in output of asm/gen_widths.sh for Linux $kernel, written by"
		echo "// tools/syscallsctl/gen-tables.sh (which --check compares it with)."
		# Those of the sources the tree has, as the Makefile's $(wildcard).
		set --
		for f in $arch_sources; do
			if [ -f "$src/arch/x86/kernel/$f" ]; then
				set -- "$@" "$src/arch/x86/kernel/$f"
			fi
		done
		sh "$repo/asm/gen_widths.sh" "$dir/syscall_64.tbl" "$dir/syscall_32.tbl" \
			"$src/include/linux/syscalls.h" "$@"
	} > "$wtmp"
fi

if [ "$mode" = "--check" ]; then
	status=0
	if cmp -s "$tmp" "$out"; then
		echo "gen-tables.sh: $out matches $dir"
	else
		echo "gen-tables.sh: $out differs from the tables in $dir: run gen-tables.sh" >&2
		status=1
	fi
	if [ -n "$widths" ] && cmp -s "$wtmp" "$wout"; then
		echo "gen-tables.sh: $wout matches $src"
	elif [ -n "$widths" ]; then
		echo "gen-tables.sh: $wout differs from asm/gen_widths.sh's output for $src: run gen-tables.sh" >&2
		status=1
	fi
	exit $status
else
	cp "$tmp" "$out"
	echo "gen-tables.sh: wrote $out"
	if [ -n "$widths" ]; then
		cp "$wtmp" "$wout"
		echo "gen-tables.sh: wrote $wout"
	fi
fi
