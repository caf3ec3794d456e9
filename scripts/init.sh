#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# /init of the test VM. Mounts /proc, /sys, /dev and a tmpfs /tmp (no cgroup
# hierarchy), then runs /cmd with its output on the second serial port and
# reports its exit status on the console, or, booted with
# syscalls.interactive, mounts cgroup2 with the controller enabled and gives
# a shell on the console.
/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/bin:/usr/sbin:/selftests
mkdir -p /proc /sys /dev /tmp
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp

if grep -q syscalls.interactive /proc/cmdline; then
	# cgroup v2 with the controller enabled below the root; v1 is one
	# command away (the hint says which).
	mkdir -p /sys/fs/cgroup
	mount -t cgroup2 none /sys/fs/cgroup
	echo +syscalls > /sys/fs/cgroup/cgroup.subtree_control
	cat <<'HINT'
cgroup2 is at /sys/fs/cgroup with syscalls enabled. Try: cd /sys/fs/cgroup; mkdir box; echo mkdir > box/syscalls.deny; echo $$ > box/cgroup.procs; mkdir /tmp/x
For cgroup v1 instead: echo -syscalls > /sys/fs/cgroup/cgroup.subtree_control; mkdir /tmp/v1; mount -t cgroup -o syscalls none /tmp/v1
/selftests/demo.sh replays the classic v1 session; exit (or Ctrl-A x) leaves the VM.
HINT
	setsid cttyhack sh -l
else
	stty -F /dev/ttyS1 raw -echo 2>/dev/null
	cd /tmp
	sh /cmd </dev/null >/dev/ttyS1 2>&1
	rc=$?
	echo "syscalls-vm: exit status $rc" >/dev/console
fi
sync
reboot -f
