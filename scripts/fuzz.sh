#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The policy code's property tests (tools/policy-fuzz): the controller's
# safe-Rust modules (grammar, policy, set, names, asm/abi) built as a
# userspace crate and tested with proptest against an independent model.
#
#   scripts/fuzz.sh
#
# Checks rustfmt and clippy -D warnings on the crate, then runs every
# property PROPTEST_CASES cases (100000 unless set) from one seed,
# PROPTEST_RNG_SEED (random unless set), and prints TAP: one result a
# property, the seed first, and for a failure the minimal failing input
# and the command that replays it. Exits non-zero if anything failed. The
# cargo target dir is ${XDG_CACHE_HOME:-~/.cache}/syscalls-cgroup/policy-fuzz-target,
# the full cargo log $CACHE/policy-fuzz.log.
source "$(dirname "$0")/lib.sh"

# From a copy of what the crate reads (lib.sh's stage): the policy modules
# at the top, asm/, syscallsctl's tables.
cache_lock policy-fuzz
src=$(stage policy-fuzz tools/policy-fuzz asm tools/syscallsctl/src \
	$(cd "$REPO" && echo *.rs)) || exit 1
crate=$src/tools/policy-fuzz
export CARGO_TARGET_DIR=$CACHE/policy-fuzz-target
export PROPTEST_CASES=${PROPTEST_CASES:-100000}
export PROPTEST_RNG_SEED=${PROPTEST_RNG_SEED:-$(od -An -N8 -tu8 /dev/urandom | tr -d ' ')}
log=$CACHE/policy-fuzz.log
mkdir -p "$CACHE"
cd "$crate"

echo "# policy-fuzz: seed $PROPTEST_RNG_SEED, $PROPTEST_CASES cases a property"
echo "# replay: PROPTEST_RNG_SEED=$PROPTEST_RNG_SEED scripts/fuzz.sh"
n=0
failed=0
tap() { # tap OK|FAIL DESCRIPTION
	n=$((n + 1))
	if [ "$1" = OK ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		failed=$((failed + 1))
	fi
}

if { cargo fmt --check && cargo clippy --locked --all-targets -- -D warnings; } > "$log" 2>&1; then
	tap OK "rustfmt and clippy -D warnings are clean"
else
	sed 's/^/# /' "$log" | tail -n 40
	tap FAIL "rustfmt and clippy -D warnings are clean"
fi

start=$SECONDS
rc=0
cargo test --locked >> "$log" 2>&1 || rc=$?
# The tables come from the kernel tree unless build.rs fell back.
grep -h 'warning: .*no kernel tables' "$log" | sed 's/^/# /' || true
props=0
while read -r name status; do
	props=$((props + 1))
	if [ "$status" = ok ]; then
		tap OK "$name"
	else
		# The property's own message: the seed, what differed, the
		# minimal failing input.
		sed -n "/^$name: failed/,/^stack backtrace:\|^note: /p" "$log" |
			grep -v '^stack backtrace:\|^note: ' | sed 's/^/# /'
		tap FAIL "$name"
	fi
done < <(sed -n 's/^test properties::\([^ ]*\) \.\.\. \([A-Za-z]*\)$/\1 \2/p' "$log")
if [ $props -eq 0 ] || { [ $rc -ne 0 ] && [ $failed -eq 0 ]; }; then
	sed 's/^/# /' "$log" | tail -n 40
	tap FAIL "the property tests build and run (cargo test exited with $rc)"
fi
echo "# policy-fuzz: $props tests in $((SECONDS - start)) s"
echo "1..$n"
[ $failed -eq 0 ]
