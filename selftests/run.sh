#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs the kselftests in the VM, one after another, each printing TAP. A
# program that dies without reporting a failure gets a "not ok" line here.
#
# Without arguments: first the cgroup v2 programs (test_cgroup2,
# test_delegation, and the enforcement programs in v2 mode, whose TAP names
# start with "v2: "), then a check that they left the controller free for
# v1, then the v1 programs and the demo. With arguments, runs only the
# programs named, on v1 (test_cgroup2 and test_delegation are v2 always),
# or on v2 for a name written v2:PROGRAM.
# test_log runs last on v1: its audit test turns audit on, and every task
# forked after that carries an audit context.
cd "$(dirname "$0")" || exit 1
V2_PROGS="test_cgroup2 test_delegation test_enforce test_tasks test_abi test_abi32 test_security test_races test_actions test_policy test_arm test_conditions test_conditions32 test_events test_learn test_syscallsctl.sh test_profiles.sh test_log"
V1_PROGS="test_interface test_grammar test_hierarchy test_enforce test_tasks test_abi test_abi32 test_races test_security test_actions test_policy test_arm test_conditions test_conditions32 test_events test_learn seccomp_bpf test_log"
status=0

# run NAME PROGRAM [ENV]: runs one program, with ENV (VAR=VALUE) if given,
# and says how long it took, "# ---- NAME: N s".
run() {
	echo "# ---- $1"
	t0=$(date +%s)
	if [ -n "$3" ]; then
		env "$3" "./$2" > "/tmp/$1.out" 2>&1
	else
		"./$2" > "/tmp/$1.out" 2>&1
	fi
	rc=$?
	cat "/tmp/$1.out"
	echo "# ---- $1: $(($(date +%s) - t0)) s"
	if [ $rc -ne 0 ] && [ $rc -ne 4 ]; then
		status=1
		grep -q '^not ok' "/tmp/$1.out" ||
			echo "not ok 1 $1 exited with status $rc and no failure reported"
	fi
}

if [ -n "$*" ]; then
	for p in "$@"; do
		case $p in
		v2:*) run "v2-${p#v2:}" "${p#v2:}" SYSCALLS_CGROUP_V2=1 ;;
		*) run "$p" "$p" ;;
		esac
	done
	exit $status
fi

for p in $V2_PROGS; do
	run "v2-$p" "$p" SYSCALLS_CGROUP_V2=1
done
# Each v2 program leaves v2 as it found it: unmounted, the controller
# enabled nowhere. Were it left enabled, v1 could not have it.
if grep -q ' cgroup2 ' /proc/mounts; then
	echo "not ok 1 v2: the programs leave no cgroup2 mount behind"
	grep ' cgroup2 ' /proc/mounts | sed 's/^/# /'
	status=1
else
	echo "ok 1 v2: the programs leave no cgroup2 mount behind"
fi

for p in $V1_PROGS; do
	run "$p" "$p"
done
# The classic session of README.md and the admin guide, as `make demo`
# shows it: one result.
echo "# ---- demo.sh"
if sh ./demo.sh > /tmp/demo.out 2>&1; then
	echo "ok 1 demo: the classic session behaves as documented"
else
	cat /tmp/demo.out
	echo "not ok 1 demo: the classic session behaves as documented"
	status=1
fi
exit $status
