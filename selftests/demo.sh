#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The classic session of the syscalls cgroup, replayed: each command is
# printed as "$ command", followed by its output, and each outcome is
# checked. `make demo` runs it in the VM as root (busybox sh, /proc, /sys,
# /dev and /tmp mounted); it mounts the hierarchy itself unless it is
# mounted already, and leaves the system as it found it.
#
# Exits 0 only if every step behaved as expected.

MNT=/sys/fs/cgroup
ROOT=$MNT/syscalls
OUT=/tmp/syscalls-demo.$$
steps=0
failed=0

# step WANT CMD [EXPECT]: prints and runs CMD in this shell, then checks it.
# WANT is "ok" (exit status 0) or "fails" (non-zero). EXPECT, if given, is
# "=TEXT" for an output of exactly TEXT, or "~TEXT" for an output that
# contains TEXT.
step() {
	want=$1 cmd=$2 expect=${3-}
	steps=$((steps + 1))
	printf '$ %s\n' "$cmd"
	eval "$cmd" >"$OUT" 2>&1
	rc=$?
	cat "$OUT"
	out=$(cat "$OUT")
	why=
	case $want in
	ok) [ "$rc" -eq 0 ] || why="expected success, got exit status $rc" ;;
	fails) [ "$rc" -ne 0 ] || why="expected a failure, got exit status 0" ;;
	esac
	case $expect in
	=*) [ "$out" = "${expect#=}" ] ||
		why="${why:+$why; }expected the output '${expect#=}', got '$out'" ;;
	~*) case $out in
		*"${expect#\~}"*) ;;
		*) why="${why:+$why; }expected '${expect#\~}' in the output, got '$out'" ;;
		esac ;;
	esac
	if [ -n "$why" ]; then
		failed=$((failed + 1))
		echo "demo: step $steps ($cmd): $why" >&2
	fi
}

note() {
	printf '\n# %s\n' "$*"
}

premounted=0
if [ -f "$ROOT/syscalls.deny" ]; then
	premounted=1
	note "The syscalls hierarchy is already mounted at $ROOT."
else
	note "Mount the cgroup v1 hierarchy of the syscalls controller."
	mkdir -p "$MNT"
	step ok "mount -t tmpfs cgroup_root $MNT"
	step ok "mkdir $ROOT"
	step ok "mount -t cgroup -o syscalls syscalls $ROOT"
	if [ ! -f "$ROOT/syscalls.deny" ]; then
		echo "demo: no $ROOT/syscalls.deny: is CONFIG_CGROUP_SYSCALLS set?" >&2
		rm -f "$OUT"
		exit 1
	fi
fi
step ok "cd $ROOT"
step ok "ls" "~syscalls.deny"
step ok "cat syscalls.deny" "="

note "A cgroup for this shell."
# What an interrupted run may have left would change what follows.
rmdir box/inner box /tmp/x 2>/dev/null
step ok "mkdir box"
step ok "echo \$\$ > box/tasks"
step ok "cat /proc/self/cgroup" "~:syscalls:/box"

note "Deny mkdir: the call fails with ENOSYS, without running."
step ok "echo mkdir > box/syscalls.deny"
step fails "mkdir /tmp/x" "~Function not implemented"
step ok "cat box/syscalls.deny" "=83 ia32:39"
step fails "test -d /tmp/x"

note "Allow it again: the same shell can mkdir at once."
step ok "echo mkdir > box/syscalls.allow"
step ok "cat box/syscalls.deny" "="
step ok "mkdir /tmp/x"
step ok "test -d /tmp/x"

note "A child cgroup can only restrict: it cannot allow what its parent denies."
step ok "mkdir box/inner"
step ok "echo mkdir > box/syscalls.deny"
step ok "cat box/inner/syscalls.deny" "=83 ia32:39"
step fails "echo mkdir > box/inner/syscalls.allow" "~Operation not permitted"
step ok "cat box/inner/syscalls.deny" "=83 ia32:39"

note "Clean up: re-allowing at the parent reopens the child; move back."
step ok "echo mkdir > box/syscalls.allow"
step ok "cat box/inner/syscalls.deny" "="
step ok "echo \$\$ > tasks"
step ok "rmdir box/inner box"
step ok "rmdir /tmp/x"
step ok "cd /"
if [ "$premounted" -eq 0 ]; then
	step ok "umount $ROOT"
	step ok "umount $MNT"
fi

rm -f "$OUT"
echo
if [ "$failed" -eq 0 ]; then
	echo "demo: all $steps steps behaved as expected"
	exit 0
fi
echo "demo: $failed of $steps steps did not behave as expected"
exit 1
