#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: builds the benchmark kernel of $KERNEL (lib.sh) and the
# initramfs, boots the kernel under QEMU with -icount shift=0,sleep=off,
# where the guest clock
# advances one nanosecond per instruction executed, runs
# selftests/syscalls_bench in it and prints its table: instructions (not
# cycles) per system call and per policy write, the same from run to run.
# Then it boots the same kernel again and runs the benchmark on cgroup v2
# (SYSCALLS_CGROUP_V2=1), with the same expectations and one more: a task
# where the controller was disabled costs what the root's tasks cost.
#
#   bench.sh [--baseline] [--no-build] [--update-doc]
#
#   --baseline    also builds and boots the same kernel without
#                 CONFIG_CGROUP_SYSCALLS, and checks that the root cgroup's
#                 getpid() costs the same on both (within 0.5 %): tasks that
#                 are not filtered pay nothing for the controller
#   --no-build    builds no kernel and no initramfs, boots those built
#                 already; only the benchmark program is compiled (seconds),
#                 and run from /overlay, so that the program measured is the
#                 one in the tree
#   --update-doc  rewrites BENCHMARKS.md with this run's table
#
# Everything lands in $CACHE/bench/: results.json and results.csv (every
# figure), table.txt (what is printed), the raw outputs and console logs.
# That is a link to this run's own directory, $CACHE/runs/bench-DATE-XXXXXX/
# (the newest 5 are kept), so that two runs at once keep apart; each boots
# copies of the kernels and initramfs taken under $CACHE/build.lock
# (lib.sh), which its build holds. Exits non-zero if a run fails or an
# expectation does not hold.
source "$(dirname "$0")/lib.sh"
S=$REPO/scripts
start=$SECONDS
cmdline="scripts/bench.sh${*:+ $*}"

baseline=0 build=1 update_doc=0
while [ $# -gt 0 ]; do
	case $1 in
	--baseline) baseline=1 ;;
	--no-build) build=0 ;;
	--update-doc) update_doc=1 ;;
	*) die "usage: bench.sh [--baseline] [--no-build] [--update-doc]" ;;
	esac
	shift
done

out=$(new_run bench)
exec {hold}<"$out"
flock -s "$hold"
link_latest bench "$out"
prune_runs 'bench-*' 5
# This run's copies of the kernels and the initramfs it boots.
boot=$out/boot
mkdir -p "$boot"
trap 'rm -rf "$boot"' EXIT
kinds=(bench)
[ $baseline -eq 0 ] || kinds+=(baseline)
# The runs, each named for its output: the bench kernel on v1 and on v2.
runs=(bench bench-v2)
[ $baseline -eq 0 ] || runs+=(baseline)

if [ $build -eq 1 ]; then
	cache_lock build
	"$S/setup.sh"
	"$S/fetch-kernel.sh"
	"$S/graft.sh"
	for kind in "${kinds[@]}"; do
		"$S/build-kernel.sh" "$kind" >/dev/null
	done
	"$S/initramfs.sh" >/dev/null
	prog=/selftests/syscalls_bench
	overlay=()
else
	# Only read, but under the lock: no build may rewrite them meanwhile.
	cache_lock -s build
	for kind in "${kinds[@]}"; do
		[ -f "$(build_dir "$kind")/arch/x86/boot/bzImage" ] ||
			die "no $kind kernel: run scripts/bench.sh without --no-build"
	done
	[ -f "$KCACHE/initramfs.cpio" ] && [ -d "$KCACHE/uapi/include" ] ||
		die "no initramfs: run scripts/bench.sh without --no-build"
	make -s -C "$REPO/selftests" KSRC="$KSRC" KHDR="$KCACHE/uapi/include" \
		OUTPUT="$out/overlay" "$out/overlay/syscalls_bench" >&2
	prog=/overlay/syscalls_bench
	overlay=(--overlay "$out/overlay")
fi
for kind in "${kinds[@]}"; do
	cp "$(build_dir "$kind")/arch/x86/boot/bzImage" "$boot/bzImage-$kind"
done
cp "$KCACHE/initramfs.cpio" "$boot/initramfs.cpio"
cache_unlock build
log "built in $((SECONDS - start)) s"

# run NAME KIND [ENV]: boots kernel KIND and runs the benchmark, with
# ENV (VAR=VALUE) in its environment if given; its output goes to
# $out/NAME.out. Returns the program's exit status.
run() {
	local name=$1 kind=$2 env=${3:-} rc=0 t=$SECONDS
	log "running the benchmark on the $kind kernel${env:+ with $env} (TCG, -icount shift=0,sleep=off)"
	"$S/vm-run.sh" --kernel "$boot/bzImage-$kind" --initramfs "$boot/initramfs.cpio" \
		--icount --timeout 1800 \
		--console "$out/console-$name.log" "${overlay[@]}" "${env:+$env }$prog" \
		> "$out/$name.out" || rc=$?
	log "the $name run took $((SECONDS - t)) s"
	return $rc
}

# table NAME: prints a run's table (the machine-readable lines go to
# results.json) and adds it to table.txt; returns 1 if the run failed.
table() {
	local name=$1 rc=$2
	grep -v -e '^# bench: ' -e '^# bench-info: denied_400 ' "$out/$name.out" |
		sed 's/[[:space:]]*$//' | tee -a "$out/table.txt"
	[ $rc -eq 0 ] || [ ! -s "$out/$name.out" ] ||
		echo "# the benchmark exited with status $rc" | tee -a "$out/table.txt"
	[ -s "$out/$name.out" ] || echo "# no output from the $name run: see $out/console-$name.log" |
		tee -a "$out/table.txt"
	[ $rc -eq 0 ]
}

# figure FILE KEY: a "# bench: KEY VALUE" figure of a run's output.
figure() {
	sed -n "s/^# bench: $2 \([-0-9.]*\)\$/\1/p" "$1" | tail -n 1
}

status=0
: > "$out/table.txt"
rc=0
run bench bench || rc=$?
table bench $rc || status=1
rc=0
run bench-v2 bench SYSCALLS_CGROUP_V2=1 || rc=$?
printf '%s\n' "#" "# The same kernel booted again, the benchmark on cgroup v2 (SYSCALLS_CGROUP_V2=1):" |
	tee -a "$out/table.txt"
table bench-v2 $rc || status=1

if [ $baseline -eq 1 ]; then
	rc=0
	run baseline baseline || rc=$?
	# Status 4 is kselftest's skip: no controller, the root figure only.
	[ $rc -eq 0 ] || [ $rc -eq 4 ] || status=1
	with=$(figure "$out/bench.out" root)
	without=$(figure "$out/baseline.out" root)
	what="the root cgroup's getpid costs the same with and without the controller"
	if [ -n "$with" ] && [ -n "$without" ]; then
		read -r diff ok < <(awk -v a="$with" -v b="$without" 'BEGIN {
			d = 100 * (a - b) / b
			printf "%+.3f %d\n", d, (d <= 0.5 && d >= -0.5)
		}')
		line=$(printf '#   root getpid()  %.1f with, %.1f without the controller (%s %%)' \
			"$with" "$without" "$diff")
		if [ "$ok" = 1 ]; then
			verdict="ok 1 $what ($with vs $without, within 0.5 %)"
		else
			verdict="not ok 1 $what ($with vs $without, within 0.5 %)"
		fi
	else
		line="#   no root figure from one of the kernels: see $out/baseline.out"
		verdict="not ok 1 $what (no figure)"
	fi
	printf '%s\n' "#" \
		"# Without the controller (the same kernel, CONFIG_CGROUP_SYSCALLS off):" \
		"$line" "$verdict" | tee -a "$out/table.txt"
fi
grep -q '^not ok ' "$out/table.txt" && status=1

# results.json and results.csv: every figure and fact of every run.
commit=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -z "$(git -C "$REPO" status --porcelain 2>/dev/null)" ] || commit="$commit (with uncommitted changes)"
date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
elapsed=$((SECONDS - start))
{
	echo "kernel,key,value"
	for name in "${runs[@]}"; do
		[ -f "$out/$name.out" ] || continue
		sed -n "s/^# bench: \([^ ]*\) \(.*\)\$/$name,\1,\2/p" "$out/$name.out"
	done
} > "$out/results.csv"
awk -v date="$date" -v cmd="$cmdline" -v commit="$commit" -v secs="$elapsed" '
function esc(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return s }
FNR == 1 {
	kind = FILENAME; sub(/.*\//, "", kind); sub(/\.out$/, "", kind)
	kinds[++nk] = kind
}
/^# bench: / { fig[kind] = fig[kind] sprintf("%s\n        \"%s\": %s", fig[kind] ? "," : "", $3, $4 + 0) }
/^# bench-info: / {
	key = $3; val = $0; sub(/^# bench-info: [^ ]* /, "", val)
	info[kind] = info[kind] sprintf("%s\n        \"%s\": \"%s\"", info[kind] ? "," : "", key, esc(val))
}
/^ok [0-9]/ { pass[kind]++ }
/^not ok [0-9]/ { fail[kind]++ }
END {
	printf "{\n  \"date\": \"%s\",\n  \"command\": \"%s\",\n  \"commit\": \"%s\",\n", date, esc(cmd), esc(commit)
	printf "  \"unit\": \"instructions executed (guest ns under -icount shift=0,sleep=off)\",\n"
	printf "  \"wall_seconds\": %d,\n  \"kernels\": {", secs
	for (i = 1; i <= nk; i++) {
		k = kinds[i]
		printf "%s\n    \"%s\": {\n      \"passed\": %d,\n      \"failed\": %d,\n", (i > 1 ? "," : ""), k, pass[k] + 0, fail[k] + 0
		printf "      \"info\": {%s\n      },\n      \"figures\": {%s\n      }\n    }", info[k], fig[k]
	}
	printf "\n  }\n}\n"
}' $(for name in "${runs[@]}"; do [ -f "$out/$name.out" ] && echo "$out/$name.out"; done) \
	> "$out/results.json"

echo "# figures: $out/results.json (and results.csv); table: $out/table.txt"
echo "# the suite took $elapsed s of wall time (TCG)"

if [ $update_doc -eq 1 ]; then
	# BENCHMARKS.md keeps its own prose; a run replaces only what lies
	# between the "begin run"/"end run" and "begin results"/"end results"
	# markers of its kernel ("<!-- begin run 7.3 -->"): the facts of the
	# run and its tables, v1's and v2's.
	kernel=$(sed -n 's/^# bench-info: kernel //p' "$out/bench.out" | head -n 1)
	{
		echo "- Date: $date"
		echo "- Command: \`$cmdline\` (\`make bench$([ $baseline -eq 1 ] && echo ' BASELINE=1')\` builds the kernels, then runs the same)"
		echo "- Wall time: $elapsed s under TCG$([ $build -eq 1 ] && echo ', builds included')"
		echo "- Commit: $commit"
		echo "- Kernel: $kernel, \`config/base.config\` + \`config/kernel-$KERNEL.config\` + \`config/bench.config\`"
		echo "- Machine: QEMU TCG, 2 vCPUs, \`-icount shift=0,sleep=off\`; the bench kernel booted twice, for cgroup v1 and for cgroup v2"
	} > "$out/run.md"
	{ echo '```'; cat "$out/table.txt"; echo '```'; } > "$out/results.md"
	awk -v run="$out/run.md" -v results="$out/results.md" -v k="$KERNEL" '
	function insert(file,    line) {
		while ((getline line < file) > 0)
			print line
		close(file)
	}
	$0 == "<!-- end run " k " -->" || $0 == "<!-- end results " k " -->" { skip = 0 }
	!skip { print }
	$0 == "<!-- begin run " k " -->" { insert(run); skip = 1 }
	$0 == "<!-- begin results " k " -->" { insert(results); skip = 1 }
	' "$REPO/BENCHMARKS.md" > "$out/BENCHMARKS.md"
	for m in "begin run" "end run" "begin results" "end results"; do
		grep -qxF "<!-- $m $KERNEL -->" "$out/BENCHMARKS.md" ||
			die "BENCHMARKS.md lacks its <!-- $m $KERNEL --> marker"
	done
	cp "$out/BENCHMARKS.md" "$REPO/BENCHMARKS.md"
	log "wrote $REPO/BENCHMARKS.md"
fi
exit $status
