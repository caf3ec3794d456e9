#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Counts the results of a test run and prints the closing line
# "N passed, N failed, N skipped"; exits non-zero on any failure.
#   summarize.sh --console CONSOLE_LOG [--console CONSOLE_LOG...]
#                [--check-console CONSOLE_LOG...] TAP_FILE...
# From each console (one per kernel booted): the KUnit test cases (KTAP),
# and one result for the console itself, which fails on any kernel warning,
# BUG, lockdep report or panic, whatever the tests said. From each
# --check-console (another boot of a kernel whose KUnit results are counted
# already): only that one result. From each TAP file: its ok/not ok lines.
set -uo pipefail

consoles=() checked=()
while :; do
	case ${1:-} in
	--console) consoles+=("$2"); shift 2 ;;
	--check-console) checked+=("$2"); shift 2 ;;
	*) break ;;
	esac
done

pass=0 fail=0 skip=0
count() { # reads TAP result lines on stdin
	while IFS= read -r line; do
		case $line in
		"not ok "*) fail=$((fail + 1)); echo "FAIL: ${line#not ok }" ;;
		*"# SKIP"*|*"# skip"*) skip=$((skip + 1)) ;;
		"ok "*) pass=$((pass + 1)) ;;
		esac
	done
}

for tap in "$@"; do
	count < <(grep -E '^(not )?ok [0-9]+ ' "$tap")
done

bad='WARNING:|BUG:|Oops|Kernel panic|general protection fault|possible recursive locking|possible circular locking|inconsistent lock state|suspicious RCU usage|INFO: task .* blocked|Call Trace:|UBSAN|kernel BUG'
# The console less the reports of memory cgroup OOM kills: a delegatee
# that meets its memory.max is expected to (test_delegation makes cgroups
# until it does), and the report's stack trace is no trouble.
without_memcg_oom() {
	awk '/ invoked oom-killer: / { skip = 1 }
	     !skip { print }
	     skip && /^Memory cgroup out of memory: Killed process / { skip = 0 }' "$1"
}
trouble() { # trouble CONSOLE: one result, the console's
	if without_memcg_oom "$1" | grep -Eq "$bad"; then
		echo "FAIL: the kernel console reports trouble ($1):"
		without_memcg_oom "$1" | grep -En -B2 -A20 "$bad" | head -n 60
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
}
for console in "${consoles[@]}"; do
	# KUnit test cases are the results nested one level in the suite.
	kunit=$(grep -E '^    (not )?ok [0-9]+ ' "$console" | sed 's/^    //')
	if [ -z "$kunit" ]; then
		kunit="not ok 1 kunit: no KUnit results on the console $console"
	fi
	count <<<"$kunit"
	trouble "$console"
done
for console in "${checked[@]}"; do
	trouble "$console"
done

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
