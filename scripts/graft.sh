#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Grafts the controller into the kernel tree at kernel/cgroup/syscalls/ and
# applies patches/. Idempotent, and it leaves unchanged files untouched so
# that kbuild rebuilds only what a change really affects. Holds
# $CACHE/build.lock (lib.sh).
source "$(dirname "$0")/lib.sh"
cache_lock build

[ -f "$KSRC/.syscalls-source" ] || die "no kernel tree at $KSRC: run scripts/fetch-kernel.sh"

# sync SRC DST: copy only when the content differs, so times stay put.
sync() {
	if ! cmp -s "$1" "$2"; then
		mkdir -p "$(dirname "$2")"
		cp "$1" "$2"
		log "grafted ${2#"$KSRC"/}"
	fi
}

dst=$KSRC/$GRAFT_DIR
cd "$REPO"
mapfile -t files < <(controller_files)
[ ${#files[@]} -gt 0 ] || die "no controller files in $REPO"
for f in "${files[@]}"; do
	sync "$f" "$dst/$f"
done
# The administrator's guide goes beside the other controllers' pages.
for guide in "${ADMIN_GUIDES[@]}"; do
	sync "$guide" "$KSRC/$guide"
done
# Files the repository no longer has (a renamed module) must go, too.
# (A lookup, not `printf | grep -q` under pipefail: grep's early exit can
# kill printf with SIGPIPE, and a starved graft removed set.rs so.)
declare -A wanted=()
for f in "${files[@]}"; do wanted[$f]=1; done
( cd "$dst" && find . -type f | sed 's|^\./||' ) | while read -r f; do
	[ -n "${wanted[$f]:-}" ] || { rm -f "$dst/$f"; log "removed ${dst#"$KSRC"/}/$f"; }
done

# Patches: $KSRC/.syscalls-applied holds a copy of each applied patch.
# When one changed (or went), it and every patch applied after it are
# reverted, last first, in their old form, since a later patch may touch
# the same files; the new forms are then applied in order.
applied=$KSRC/.syscalls-applied
mkdir -p "$applied"
mapfile -t old < <(ls "$applied" | grep '\.patch$' | LC_ALL=C sort)
first=${#old[@]}
for i in "${!old[@]}"; do
	if ! cmp -s "$applied/${old[$i]}" "$PATCHES/${old[$i]}"; then
		first=$i
		break
	fi
done
# The files those patches touch keep their times when their content comes
# out the same, so that kbuild rebuilds only what really changed.
keep=$(mktemp -d)
trap 'rm -rf "$keep"' EXIT
for ((i = first; i < ${#old[@]}; i++)); do
	git apply --numstat "$applied/${old[$i]}" | cut -f3
done | sort -u | while read -r f; do
	[ -f "$KSRC/$f" ] || continue
	mkdir -p "$keep/$(dirname "$f")"
	cp -p "$KSRC/$f" "$keep/$f"
done
for ((i = ${#old[@]} - 1; i >= first; i--)); do
	name=${old[$i]}
	log "reverting old $name"
	patch -d "$KSRC" -p1 -R -s -f --dry-run < "$applied/$name" >/dev/null ||
		die "cannot revert $name: the tree has changed under it"
	patch -d "$KSRC" -p1 -R -s -f --no-backup-if-mismatch < "$applied/$name" >/dev/null
	rm -f "$applied/$name"
done
for p in "$PATCHES"/*.patch; do
	name=$(basename "$p")
	[ -e "$applied/$name" ] && continue
	log "applying $name"
	patch -d "$KSRC" -p1 -N -s --no-backup-if-mismatch < "$p" || die "$name does not apply"
	cp "$p" "$applied/$name"
done
( cd "$keep" && find . -type f | sed 's|^\./||' ) | while read -r f; do
	if cmp -s "$keep/$f" "$KSRC/$f"; then touch -r "$keep/$f" "$KSRC/$f"; fi
done
