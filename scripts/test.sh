#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make test`: installs what is missing, builds the test kernel (with
# clippy) and the initramfs, checks the harness, the series, the lints,
# the docs, the syscallsctl tool (its unit tests) and the policy code's
# property tests (scripts/fuzz.sh), runs KUnit, the kselftests and
# seccomp_bpf in the VM, then the container test (crun on cgroup v2),
# then KUnit and the enforcement kselftests on the PREEMPT_RT kernel, all
# on Linux 7.3; then the same controller on Linux 6.12, the LTS kernel: its
# patches' series, KUnit, the enforcement kselftests on v2 and v1 and
# seccomp_bpf. Prints "N passed, N failed, N skipped", for both kernels.
#
# Once the 7.3 test kernel is built and its harness checked, the rest runs
# in two lanes beside the host's own checks, so that both cores stay busy:
# the builds (6.12's test kernel, then the PREEMPT_RT kernel, at a lower
# priority) and the VM runs, one at a time (7.3's kselftests, the
# container test, then 6.12's and PREEMPT_RT's, each waiting for the
# kernel it boots). The VM
# lane writes its TAP and its own results to files, which are printed, in
# that order, when both lanes have finished.
#
# Each run has its own results directory, $CACHE/runs/test-DATE-XXXXXX/
# (the newest 5 are kept), to which $CACHE/results links from the moment
# the run starts. Two runs at once build one after the other (each holds
# $CACHE/build.lock for its graft and builds, lib.sh) and each boots the
# copies of its own kernels and initramfs, taken before it let go of the
# lock; so each tests what it built, whatever the other builds meanwhile.
source "$(dirname "$0")/lib.sh"
S=$REPO/scripts
start=$SECONDS
# What runs on the PREEMPT_RT kernel: the programs that make system calls
# in filtering cgroups.
RT_PROGRAMS="test_enforce test_tasks test_abi test_abi32 test_security test_actions test_policy test_arm test_conditions test_conditions32 test_events test_learn"

out=$(new_run test)
exec {hold}<"$out"
flock -s "$hold"
link_latest results "$out"
prune_runs 'test-*' 5
log "results in $out"
# This run's copies of what it built, and its container overlay.
boot=$out/boot
mkdir -p "$boot"
# Should make test stop early, its lanes stop with it. The trap runs
# under errexit, and kill with no job left fails: it must not turn a
# green run's status into kill's.
stop_lanes() {
	local pids
	pids=$(jobs -p)
	[ -z "$pids" ] || kill $pids 2>/dev/null || true
	rm -rf "$boot"
}
trap stop_lanes EXIT

LTS=6.12

# 7.3's toolchain first; then, in the background and at a lower priority,
# 6.12's (its bindgen builds from crates.io) and its source's download,
# on the core that the 7.3 build leaves idle while its Rust crates
# compile one at a time. The build lane waits for it.
"$S/setup.sh"
( KERNEL=$LTS nice -n 10 "$S/setup.sh" &&
	KERNEL=$LTS nice -n 10 "$S/fetch-kernel.sh" --download ) > "$out/prepare-$LTS.log" 2>&1 &
prepare=$!

# The 7.3 test kernel and initramfs, and the series check of that graft,
# under one hold of the build lock: the series is of the tree just built.
cache_lock build
"$S/kernel.sh" CLIPPY=1 >/dev/null
cp "$(build_dir test)/arch/x86/boot/bzImage" "$boot/bzImage-test"
cp "$KCACHE/initramfs.cpio" "$boot/initramfs.cpio"
cp "$(build_dir test)/include/generated/utsversion.h" "$boot/utsversion-test.h"
series=0
"$S/series.sh" --check > "$out/series.log" 2>&1 || series=$?
cache_unlock build
log "built in $((SECONDS - start)) s"
# vm_run ARGS...: vm-run.sh on this run's test kernel and initramfs.
vm_run() {
	"$S/vm-run.sh" --kernel "$boot/bzImage-test" --initramfs "$boot/initramfs.cpio" "$@"
}

tap=$out/host.tap
n=0
result() { # result OK|FAIL DESCRIPTION
	n=$((n + 1))
	if [ "$1" = OK ]; then echo "ok $n $2"; else echo "not ok $n $2"; fi | tee -a "$tap"
}

# The harness itself: the guest's exit status reaches the host, and the
# kernel that boots is the one just built.
rc=0
vm_run --timeout 120 --console "$out/console-harness.log" 'exit 7' || rc=$?
[ $rc -eq 7 ] && result OK "harness: the guest's exit status reaches the host" ||
	result FAIL "harness: the guest's exit status reaches the host (expected 7, got $rc)"
want=$(sed -n 's/^#define UTS_VERSION "\(.*\)"/\1/p' "$boot/utsversion-test.h")
got=$(vm_run --timeout 120 --console "$out/console-harness.log" 'cat /proc/version' || true)
case $got in
*"$want"*) result OK "harness: the kernel booted is the one just built" ;;
*) result FAIL "harness: the kernel booted is the one just built (want '$want' in '$got')" ;;
esac
# Two VM runs at once, each with its default console: each gets its own
# exit status, output and console file (vm-run.sh prints its path when the
# status is not 0).
desc="harness: two VM runs at once get their own exit status, output and console"
vm_run --timeout 120 'echo run 3; exit 3' > "$out/harness-3.out" 2> "$out/harness-3.err" &
pid3=$!
vm_run --timeout 120 'echo run 5; exit 5' > "$out/harness-5.out" 2> "$out/harness-5.err" &
pid5=$!
rc3=0 rc5=0
wait "$pid3" || rc3=$?
wait "$pid5" || rc5=$?
c3=$(sed -n 's/^vm-run: exit status 3 (console: \(.*\))$/\1/p' "$out/harness-3.err")
c5=$(sed -n 's/^vm-run: exit status 5 (console: \(.*\))$/\1/p' "$out/harness-5.err")
if [ $rc3 -eq 3 ] && [ $rc5 -eq 5 ] &&
	[ "$(cat "$out/harness-3.out")" = "run 3" ] && [ "$(cat "$out/harness-5.out")" = "run 5" ] &&
	[ -n "$c3" ] && [ -n "$c5" ] && [ "$c3" != "$c5" ] &&
	grep -q '^syscalls-vm: exit status 3[^0-9]*$' "$c3" &&
	grep -q '^syscalls-vm: exit status 5[^0-9]*$' "$c5"; then
	result OK "$desc"
else
	for i in 3 5; do sed "s/^/# run $i: /" "$out/harness-$i.out" "$out/harness-$i.err"; done
	result FAIL "$desc (statuses $rc3 and $rc5, consoles '$c3' and '$c5')"
fi

# The series for upstream: checkpatch-clean, and git am of it onto the
# pristine tree gives the tree just built.
desc="series: git am of make series onto pristine $KERNEL gives the tree make test builds, checkpatch-clean"
if [ $series -eq 0 ]; then
	result OK "$desc"
else
	cat "$out/series.log"
	result FAIL "$desc"
fi

# The lanes (see the top). note OK|FAIL DESCRIPTION records a lane's own
# result in $out/LANE.results ("#" lines are shown with them), which
# make test numbers with the rest when the lanes are done.
note() { echo "$1 $2" >> "$out/$lane.results"; }
# shown FILE: FILE's last lines, as "#" lines for a lane's results.
shown() { tail -n 40 "$1" | sed 's/^/# /' >> "$out/$lane.results"; }
# await NAME: waits for the build lane's $out/NAME.ready (its statuses),
# or for the lane's end; prints the statuses, "1 1" if it left none.
await() {
	while [ ! -s "$out/$1.ready" ] && kill -0 "$builds" 2>/dev/null; do
		sleep 2
	done
	cat "$out/$1.ready" 2>/dev/null || echo "1 1"
}

# The build lane: 6.12's toolchain, tree, test kernel and initramfs, and
# its series check; then the PREEMPT_RT kernel (grafted again: another
# run may have grafted its own checkout since), whose VM run is the
# shortest, to come last. At a lower priority than the VM runs: on a new
# machine it builds while they run, and their timing tests (seccomp_bpf's
# among them) must not starve.
(
	rc=0 src=0
	# The early preparation (above) is not this subshell's child: it is
	# waited for by its pid. Had it failed ($out/prepare-6.12.log says
	# why), kernel.sh installs and fetches again.
	while kill -0 "$prepare" 2>/dev/null; do sleep 2; done
	cache_lock build
	{ built=$(KERNEL=$LTS nice -n 10 "$S/kernel.sh" CLIPPY=1) &&
		cp "$(sed -n 1p <<< "$built")" "$boot/bzImage-$LTS" &&
		cp "$(sed -n 2p <<< "$built")" "$boot/initramfs-$LTS.cpio"; } \
		> "$out/build-$LTS.log" 2>&1 || rc=$?
	[ $rc -ne 0 ] || KERNEL=$LTS "$S/series.sh" --check > "$out/series-$LTS.log" 2>&1 || src=$?
	cache_unlock build
	echo "$rc $src" > "$out/$LTS.ready"
	rc=0
	cache_lock build
	{ "$S/graft.sh" && nice -n 10 "$S/build-kernel.sh" rt CLIPPY=1 >/dev/null &&
		cp "$(build_dir rt)/arch/x86/boot/bzImage" "$boot/bzImage-rt"; } \
		> "$out/build-rt.log" 2>&1 || rc=$?
	cache_unlock build
	echo "$rc" > "$out/rt.ready"
) &
builds=$!

# The VM lane, one VM at a time. First KUnit, every kselftest on v2 and v1,
# seccomp_bpf and the demo. Then the container test: Debian's crun runs a
# container on cgroup v2 whose policy changes while it runs
# (selftests/test_container.sh), "container:" prefixed. Then Linux 6.12:
# its series, KUnit, the enforcement kselftests on v2 and v1 and
# seccomp_bpf, "6.12:". Last KUnit and the enforcement kselftests on the
# PREEMPT_RT kernel (sleeping spinlocks, preemptible RCU, lockdep on),
# "PREEMPT_RT:".
lane=vm
for f in console-container console-rt console-$LTS; do : > "$out/$f.log"; done
for f in container selftests-rt selftests-$LTS; do : > "$out/$f.tap"; done
: > "$out/$lane.results"
(
	vm_run --timeout 2400 --console "$out/console.log" /selftests/run.sh \
		> "$out/selftests.tap" || true
	if overlay=$("$S/container.sh" "$boot/overlay-container" 2> "$out/container-prepare.log"); then
		rc=0
		vm_run --timeout 600 --overlay "$overlay" \
			--console "$out/console-container.log" 'sh /overlay/test_container.sh' \
			> "$out/container.out" || rc=$?
		sed -E 's/^((not )?ok [0-9]+ )/\1container: /' "$out/container.out" > "$out/container.tap"
		if [ $rc -ne 0 ] && ! grep -q '^not ok' "$out/container.tap"; then
			note FAIL "container: the test exited with status $rc and no failure reported"
		fi
	else
		shown "$out/container-prepare.log"
		note FAIL "container: crun and the OCI bundle are prepared (scripts/container.sh)"
	fi

	read -r rc src < <(await "$LTS")
	if [ "$rc" -ne 0 ]; then
		shown "$out/build-$LTS.log"
		note FAIL "$LTS: the test kernel and its initramfs build"
	else
		desc="$LTS: series: git am of make series onto pristine $LTS gives the tree make test builds, checkpatch-clean"
		if [ "$src" -eq 0 ]; then note OK "$desc"; else shown "$out/series-$LTS.log"; note FAIL "$desc"; fi
		lts_programs="$(for p in $RT_PROGRAMS; do printf 'v2:%s ' "$p"; done)$RT_PROGRAMS seccomp_bpf"
		"$S/vm-run.sh" --kernel "$boot/bzImage-$LTS" --initramfs "$boot/initramfs-$LTS.cpio" \
			--timeout 1800 --console "$out/console-$LTS.log" \
			"/selftests/run.sh $lts_programs" |
			sed -E "s/^((not )?ok [0-9]+ )/\1$LTS: /" > "$out/selftests-$LTS.tap" || true
	fi

	read -r rc < <(await rt)
	if [ "$rc" -eq 0 ]; then
		"$S/vm-run.sh" --kernel "$boot/bzImage-rt" --initramfs "$boot/initramfs.cpio" \
			--timeout 1800 --console "$out/console-rt.log" \
			"/selftests/run.sh $RT_PROGRAMS" |
			sed -E 's/^((not )?ok [0-9]+ )/\1PREEMPT_RT: /' > "$out/selftests-rt.tap" || true
	else
		shown "$out/build-rt.log"
		note FAIL "PREEMPT_RT: the kernel builds"
	fi
) &
vms=$!
log "the lanes run: the $LTS and PREEMPT_RT builds, and the VM runs"
# The host's checks below take no timing: they run at the builds'
# priority, below the VM lane (at the same priority as it, their cargo
# builds and checkpatch ran beside a 7.3 seccomp_bpf test that timed out).
renice -n 10 -p $$ > /dev/null

# Lints: clippy ran in the build (-Dwarnings); rustfmt and checkpatch here.
if "$S/lint.sh" --no-build > "$out/lint.log" 2>&1; then
	result OK "lint: rustfmt and checkpatch are clean"
else
	cat "$out/lint.log"
	result FAIL "lint: rustfmt and checkpatch are clean"
fi

if "$S/docs.sh" > "$out/docs.log" 2>&1; then
	result OK "docs: the admin guide renders without warnings"
else
	cat "$out/docs.log"
	result FAIL "docs: the admin guide renders without warnings"
fi

# The syscallsctl tool: rustfmt, clippy, its unit tests (one result each,
# from cargo's "test NAME ... ok" lines; an ignored one is a SKIP with its
# reason), the check of its system call tables against the kernel tree's,
# and its static build. SYSCALLS_DOCKER_PROFILE and SYSCALLS_PODMAN_PROFILE
# name Docker's and Podman's real default profiles (scripts/profiles.sh)
# for the unit tests that translate them; without one, its test is ignored.
if docker=$("$S/profiles.sh" 2> "$out/profiles.log"); then
	export SYSCALLS_DOCKER_PROFILE=$docker
else
	cat "$out/profiles.log"
	result FAIL "syscallsctl: Docker's default seccomp profile is fetched (scripts/profiles.sh)"
	unset SYSCALLS_DOCKER_PROFILE
fi
if podman=$("$S/profiles.sh" podman 2> "$out/profiles-podman.log"); then
	export SYSCALLS_PODMAN_PROFILE=$podman
else
	cat "$out/profiles-podman.log"
	result FAIL "syscallsctl: Podman's default seccomp profile is fetched (scripts/profiles.sh podman)"
	unset SYSCALLS_PODMAN_PROFILE
fi
rc=0
cache_lock syscallsctl
if ctl_src=$(stage syscallsctl tools/syscallsctl asm); then
	"$ctl_src/tools/syscallsctl/build.sh" --test "$CACHE/syscallsctl-test" \
		> "$out/syscallsctl.log" 2>&1 || rc=$?
else
	rc=1
fi
cache_unlock syscallsctl
units=0
while read -r name status why; do
	units=$((units + 1))
	case $status in
	ok) result OK "syscallsctl: $name" ;;
	ignored) result OK "syscallsctl: $name # SKIP ${why:-ignored}" ;;
	*) result FAIL "syscallsctl: $name" ;;
	esac
done < <(sed -n 's/^test \([^ ]*\) \.\.\. \([A-Za-z]*\)\(, \)\{0,1\}\(.*\)/\1 \2 \4/p' "$out/syscallsctl.log")
desc="syscallsctl: rustfmt, clippy -D warnings and the table check are clean, the static binary builds"
if [ $rc -eq 0 ] && [ $units -gt 0 ]; then
	result OK "$desc ($units unit tests)"
else
	sed 's/^/# /' "$out/syscallsctl.log" | tail -n 40
	[ $units -gt 0 ] || desc="$desc (no unit test ran)"
	result FAIL "$desc (build.sh --test exited with $rc)"
fi

# The policy code's property tests (scripts/fuzz.sh, tools/policy-fuzz):
# the safe-Rust modules in userspace against an independent model, 100,000
# cases a property from one random seed, one result a property (and one
# for rustfmt and clippy). A failure's seed, minimal input and replay
# command are in the log, and shown here. Below the VM runs' priority, as
# the builds are.
rc=0
nice -n 10 "$S/fuzz.sh" > "$out/policy-fuzz.log" 2>&1 || rc=$?
props=0
while read -r status name; do
	props=$((props + 1))
	result "$status" "policy-fuzz: $name"
done < <(sed -n -e 's/^ok [0-9]* /OK /p' -e 's/^not ok [0-9]* /FAIL /p' "$out/policy-fuzz.log")
if [ $rc -ne 0 ]; then
	grep '^#' "$out/policy-fuzz.log" | head -n 80
	if [ $props -eq 0 ] || ! grep -q '^not ok' "$out/policy-fuzz.log"; then
		result FAIL "policy-fuzz: scripts/fuzz.sh runs (exited with $rc)"
	fi
fi

log "waiting for the lanes"
wait "$vms" "$builds" || true
# What the lanes found, in a fixed order: their TAP and their own results.
for f in selftests container selftests-$LTS selftests-rt; do
	cat "$out/$f.tap"
done
while read -r status desc; do
	case $status in
	"#") echo "# $desc" ;;
	*) result "$status" "$desc" ;;
	esac
done < "$out/vm.results"

echo "# total time: $((SECONDS - start)) s"
"$S/summarize.sh" --console "$out/console.log" --console "$out/console-rt.log" \
	--console "$out/console-$LTS.log" --check-console "$out/console-container.log" \
	"$tap" "$out/selftests.tap" "$out/container.tap" "$out/selftests-rt.tap" \
	"$out/selftests-$LTS.tap"
