#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Boots a built kernel with the initramfs under QEMU (TCG, 2 vCPUs) and runs
# a shell command in it as root.
#
#   vm-run.sh [--kind test|bench|baseline] [--kernel BZIMAGE]
#             [--initramfs CPIO] [--overlay DIR] [--icount]
#             [--timeout SECONDS] [--console FILE] [--interactive] [CMD]
#
# CMD's output reaches standard output and its exit status is ours; the
# kernel console goes to FILE, by default a file of this run's own,
# $CACHE/runs/console-KIND-DATE-XXXXXX.log (the newest 20 are kept), to
# which $CACHE/console-KIND.log links; its path is printed when the status
# is not 0. The content of DIR is at /overlay. --icount makes the guest
# clock count instructions (-icount shift=0,sleep=off). --kernel boots
# BZIMAGE instead of the kind's, --initramfs CPIO is the base archive
# instead of $CACHE/initramfs.cpio. Unless both are given (the caller's own
# copies), the shared ones are copied, with DIR, under a shared hold of
# $CACHE/build.lock, so that a concurrent build never gives this run a
# half-written or mismatched kernel (lib.sh). 124 means the time ran out,
# 125 that the guest died before reporting a status.
source "$(dirname "$0")/lib.sh"

kind=test kernel= initramfs= overlay= icount=0 timeout=600 console= interactive=0
while [ $# -gt 0 ]; do
	case $1 in
	--kind) kind=$2; shift 2 ;;
	--kernel) kernel=$2; shift 2 ;;
	--initramfs) initramfs=$2; shift 2 ;;
	--overlay) overlay=$2; shift 2 ;;
	--icount) icount=1; shift ;;
	--timeout) timeout=$2; shift 2 ;;
	--console) console=$2; shift 2 ;;
	--interactive) interactive=1; shift ;;
	--) shift; break ;;
	-*) die "unknown option $1" ;;
	*) break ;;
	esac
done
cmd=${1:-true}

# The shared kernel and initramfs are copied under the build lock: no
# build can be halfway through writing them meanwhile.
if [ -z "$kernel" ] || [ -z "$initramfs" ]; then cache_lock -s build; fi
kernel=${kernel:-$(build_dir "$kind")/arch/x86/boot/bzImage}
base=${initramfs:-$KCACHE/initramfs.cpio}
[ -f "$kernel" ] || die "no $kind kernel: run 'make kernel' first"
[ -f "$base" ] || die "no initramfs: run 'make kernel' first"

# The per-run part of the initramfs: /cmd and /overlay, appended to the base
# archive (the kernel unpacks concatenated archives in order).
run=$(mktemp -d "${TMPDIR:-/tmp}/syscalls-vm.XXXXXX")
trap 'rm -rf "$run"' EXIT
cp "$kernel" "$run/bzImage"
mkdir -p "$run/root/overlay"
printf '%s\n' "$cmd" > "$run/root/cmd"
[ -z "$overlay" ] || cp -a "$overlay/." "$run/root/overlay/"
(cd "$run/root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) > "$run/extra.cpio"
cat "$base" "$run/extra.cpio" > "$run/initrd"
cache_unlock build

# The test kernels run without 5-level paging. On 7.3 with LA57,
# pgtable_l5_enabled() reads the boot CPU's feature bits until the
# alternatives are patched, and identify_boot_cpu() clears them for a
# moment: an interrupt then finds KASAN's shadow bounds at 4 levels and
# reports a wild access in handle_edge_irq (seen once in a boot under
# load). The benchmark's kernel has no KASAN and keeps -cpu max, so that
# its figures stay comparable with the recorded runs.
cpu=max,la57=off
[ "$icount" -eq 0 ] || cpu=max
qemu=(qemu-system-x86_64 -machine pc -cpu "$cpu" -smp 2 -m 1024
	-kernel "$run/bzImage" -initrd "$run/initrd" -display none -no-reboot
	-monitor none)
# KUnit runs the controller's suites alone: 7.x's kernel crate registers
# suites of its own with KUnit (rust_spinlock_irq_condvar, ...), which are
# not this project's to test; 7.3.4's spinlock one warns on PREEMPT_RT.
append="console=ttyS0 panic=-1 oops=panic kunit.filter_glob=syscalls_cgroup*"
[ "$icount" -eq 0 ] || qemu+=(-icount shift=0,sleep=off)

if [ "$interactive" -eq 1 ]; then
	rc=0
	"${qemu[@]}" -append "$append syscalls.interactive" \
		-serial mon:stdio -serial null || rc=$?
	exit $rc
fi

# This run's own console unless one was named. The run holds it (a shared
# flock) so that another run's prune_runs leaves it alone.
if [ -z "$console" ]; then
	console=$(new_run "console-$kind" .log)
	exec {hold}<"$console"
	flock -s "$hold"
	link_latest "console-$kind.log" "$console"
	prune_runs "console-$kind-*.log" 20
else
	: > "$console"
fi
rc=0
timeout "$timeout" "${qemu[@]}" -append "$append" \
	-serial "file:$console" -serial stdio </dev/null || rc=$?
if [ $rc -eq 124 ]; then
	echo "vm-run: no result within ${timeout}s (console: $console)" >&2
	exit 124
fi
status=$(sed -n 's/^syscalls-vm: exit status \([0-9]*\).*/\1/p' "$console" | tail -n 1)
if [ -z "$status" ]; then
	echo "vm-run: the guest died before reporting (console: $console):" >&2
	tail -n 30 "$console" >&2
	exit 125
fi
[ "$status" -eq 0 ] || echo "vm-run: exit status $status (console: $console)" >&2
exit "$status"
