#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Grafts the controller into the kernel tree at kernel/cgroup/syscalls/ and
# applies patches/. Idempotent, and it leaves unchanged files untouched so
# that kbuild rebuilds only what a change really affects.
source "$(dirname "$0")/lib.sh"

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
( cd "$dst" && find . -type f | sed 's|^\./||' ) | while read -r f; do
	printf '%s\n' "${files[@]}" | grep -qxF "$f" || { rm -f "$dst/$f"; log "removed ${dst#"$KSRC"/}/$f"; }
done

# Patches: $KSRC/.syscalls-applied holds a copy of each applied patch. A
# patch that changed is reverted in its old form and applied anew.
applied=$KSRC/.syscalls-applied
mkdir -p "$applied"
for old in "$applied"/*.patch; do
	[ -e "$old" ] || continue
	name=$(basename "$old")
	if ! cmp -s "$old" "patches/$name"; then
		log "reverting old $name"
		patch -d "$KSRC" -p1 -R -s --no-backup-if-mismatch < "$old" || die "cannot revert $name"
		rm -f "$old"
	fi
done
for p in patches/*.patch; do
	name=$(basename "$p")
	[ -e "$applied/$name" ] && continue
	log "applying $name"
	patch -d "$KSRC" -p1 -N -s --no-backup-if-mismatch < "$p" || die "$name does not apply"
	cp "$p" "$applied/$name"
done
