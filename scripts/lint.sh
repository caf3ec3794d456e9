#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The project's lints: the controller built with CLIPPY=1 (rustc and clippy
# warnings are errors, see Makefile), rustfmt with the kernel's settings,
# and checkpatch --strict on patches/$KERNEL/ (less its ENOSYS warning: a denied
# call fails exactly as a call that does not exist, on purpose). --no-build skips the clippy build
# (make test has just done it).
source "$(dirname "$0")/lib.sh"

# --fix: format the Rust files instead of checking them.
if [ "${1:-}" = --fix ]; then
	cd "$REPO" && exec /usr/bin/rustfmt --edition 2021 --config-path "$KSRC/.rustfmt.toml" \
		syscalls_cgroup.rs ./*.rs asm/*.rs
fi
if [ "${1:-}" != --no-build ]; then
	# One hold of the build lock for both: the tree built is this graft.
	cache_lock build
	"$REPO/scripts/graft.sh"
	"$REPO/scripts/build-kernel.sh" test CLIPPY=1 >/dev/null
fi

bad=0
cd "$REPO"
if ! /usr/bin/rustfmt --check --edition 2021 --config-path "$KSRC/.rustfmt.toml" \
	syscalls_cgroup.rs ./*.rs asm/*.rs; then
	echo "rustfmt: the files above are not formatted (run scripts/lint.sh --fix)" >&2
	bad=1
fi
for p in "$PATCHES"/*.patch; do
	if ! (cd "$KSRC" && perl scripts/checkpatch.pl --strict --quiet \
		--no-tree --ignore FILE_PATH_CHANGES,ENOSYS "$p"); then
		echo "checkpatch: $p" >&2
		bad=1
	fi
done
[ $bad -eq 0 ] && echo "lint: clean"
exit $bad
