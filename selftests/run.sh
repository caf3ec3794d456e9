#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs the kselftests in the VM, one after another, each printing TAP. A
# program that dies without reporting a failure gets a "not ok" line here.
# With arguments, runs only the programs named.
cd /selftests || exit 1
progs=${*:-"test_interface test_grammar test_hierarchy test_enforce test_tasks test_abi test_abi32 test_races test_security seccomp_bpf"}
status=0
for p in $progs; do
	echo "# ---- $p"
	./$p > /tmp/$p.out 2>&1
	rc=$?
	cat /tmp/$p.out
	if [ $rc -ne 0 ] && [ $rc -ne 4 ]; then
		status=1
		grep -q '^not ok' /tmp/$p.out ||
			echo "not ok 1 $p exited with status $rc and no failure reported"
	fi
done
# The classic session of README.md and the admin guide, as `make demo`
# shows it: one result.
if [ -z "$*" ]; then
	echo "# ---- demo.sh"
	if sh ./demo.sh > /tmp/demo.out 2>&1; then
		echo "ok 1 demo: the classic session behaves as documented"
	else
		cat /tmp/demo.out
		echo "not ok 1 demo: the classic session behaves as documented"
		status=1
	fi
fi
exit $status
