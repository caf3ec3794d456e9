#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Configures and builds one kernel kind of $KERNEL (lib.sh), incrementally:
#   test      base.config + test.config: KUnit and lock/memory debugging;
#             on the primary kernel also full.config (KASAN, uprobes,
#             memory cgroups, cgroup BPF: what only its full run needs)
#   rt        test.config with PREEMPT_RT (rt.config)
#   bench     base.config + bench.config: what users run
#   baseline  bench without CONFIG_CGROUP_SYSCALLS, to show that
#             unfiltered tasks pay nothing
# Extra arguments go to the kernel's make (CLIPPY=1, for instance).
# Prints the path of the bzImage. Holds $CACHE/build.lock (lib.sh).
source "$(dirname "$0")/lib.sh"
cache_lock build

kind=${1:?usage: build-kernel.sh test|rt|bench|baseline [MAKEARGS...]}
shift
B=$(build_dir "$kind")
frags=("$REPO/config/base.config" "$REPO/config/kernel-$KERNEL.config")
case $kind in
test)
	frags+=("$REPO/config/test.config")
	[ "$KERNEL" != "${KERNELS[0]}" ] || frags+=("$REPO/config/full.config")
	;;
rt) frags+=("$REPO/config/test.config" "$REPO/config/rt.config") ;;
bench) frags+=("$REPO/config/bench.config") ;;
baseline)
	frags+=("$REPO/config/bench.config")
	mkdir -p "$B"
	echo "# CONFIG_CGROUP_SYSCALLS is not set" > "$B/baseline.config"
	frags+=("$B/baseline.config")
	;;
*) die "unknown kernel kind '$kind'" ;;
esac
mkdir -p "$B"

# Configure only when a fragment changed: a fresh .config would otherwise
# look like a change to kbuild.
sum=$(cat "${frags[@]}" | sha256sum | cut -d' ' -f1)
if [ ! -f "$B/.config" ] || [ "$(cat "$B/.syscalls-config" 2>/dev/null)" != "$sum" ]; then
	log "configuring the $kind kernel"
	"${KMAKE[@]}" O="$B" -s tinyconfig >/dev/null
	(cd "$B" && KCONFIG_CONFIG=.config "$KSRC/scripts/kconfig/merge_config.sh" \
		-m -O "$B" .config "${frags[@]}" >/dev/null)
	"${KMAKE[@]}" O="$B" -s olddefconfig >/dev/null
	# Kconfig drops what it cannot satisfy without a word: check it all.
	# A later fragment overrides an earlier one, as in merge_config.sh.
	bad=0
	while read -r opt want; do
		if [ "$want" = n ]; then
			grep -q "^$opt=" "$B/.config" && { echo "config: $opt is set" >&2; bad=1; }
		else
			grep -qxF "$opt=$want" "$B/.config" || { echo "config: wanted $opt=$want, got: $(grep "^$opt=\|# $opt is" "$B/.config" || echo unset)" >&2; bad=1; }
		fi
	done < <(cat "${frags[@]}" | sed -n \
		-e 's/^\(CONFIG_[A-Za-z0-9_]*\)=\(.*\)$/\1 \2/p' \
		-e 's/^# \(CONFIG_[A-Za-z0-9_]*\) is not set$/\1 n/p' |
		awk '{ v[$1] = $2; if (!($1 in o)) { o[$1] = n++; k[n - 1] = $1 } }
		     END { for (i = 0; i < n; i++) print k[i], v[k[i]] }')
	[ $bad -eq 0 ] || die "the $kind config lost options (see above)"
	echo "$sum" > "$B/.syscalls-config"
fi

log "building the $kind kernel in $B"
rc=0
"${KMAKE[@]}" O="$B" -j"$NPROC" "$@" bzImage 2>&1 | tee "$B/.syscalls-build.log" >&2 || rc=$?
[ $rc -eq 0 ] || die "the $kind kernel did not build"

# Rust has no -Wframe-larger-than: read each function's frame from its
# prologue. A frame over half the 16 KiB stack (the policy's Rules is
# 8 KiB) overflowed it in KUnit on PREEMPT_RT, where nothing guards the
# stack's end; it is refused like a compiler error. (The baseline kernel
# has no controller to check.)
grep -qx 'CONFIG_CGROUP_SYSCALLS=y' "$B/.config" || { echo "$B/arch/x86/boot/bzImage"; exit 0; }
frames=$(objdump -d --no-show-raw-insn "$B/kernel/cgroup/syscalls/syscalls_cgroup.o" | awk '
	function hex(s,  i, v) {
		v = 0
		for (i = 1; i <= length(s); i++)
			v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return v
	}
	/^[0-9a-f]+ <.*>:$/ { fn = substr($2, 2, length($2) - 3); next }
	/\tsub +\$0x[0-9a-f]+,%rsp$/ {
		n = $NF; sub(/^\$0x/, "", n); sub(/,%rsp$/, "", n)
		if (hex(n) > 8192)
			printf "%s: a frame of %d bytes\n", fn, hex(n)
	}')
[ -z "$frames" ] || { printf '%s\n' "$frames" >&2; die "the $kind kernel has stack frames over 8 KiB (see above)"; }
echo "$B/arch/x86/boot/bzImage"
