#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# /init of the test VM. Mounts /proc, /sys, /dev and a tmpfs /tmp (no cgroup
# hierarchy), then runs /cmd with its output on the second serial port and
# reports its exit status on the console, or, booted with
# syscalls.interactive, gives a shell on the console.
/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/bin:/usr/sbin:/selftests
mkdir -p /proc /sys /dev /tmp
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp

if grep -q syscalls.interactive /proc/cmdline; then
	mkdir -p /sys/fs/cgroup
	mount -t tmpfs cgroup_root /sys/fs/cgroup
	mkdir /sys/fs/cgroup/syscalls
	mount -t cgroup -o syscalls syscalls /sys/fs/cgroup/syscalls
	cat <<'HINT'
syscalls hierarchy: /sys/fs/cgroup/syscalls. Try: cd /sys/fs/cgroup/syscalls; mkdir box; echo $$ > box/tasks; echo mkdir > box/syscalls.deny; mkdir /tmp/x
/selftests/demo.sh replays the classic session; exit (or Ctrl-A x) leaves the VM.
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
