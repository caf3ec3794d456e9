# SPDX-License-Identifier: GPL-2.0
# Shared settings of the tooling scripts; sourced, not run.

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/syscalls-cgroup
KSRC=$CACHE/linux
NPROC=$(nproc)

# The Debian toolchain of DESIGN.md section 1. rustup's rustc comes first on
# PATH but has no rust-src, so every Rust tool is named explicitly; the host
# compiler of the `macros` crate must be the same rustc that loads it.
BINDGEN=${BINDGEN:-$(command -v bindgen 2>/dev/null || echo "$HOME/.cargo/bin/bindgen")}
KMAKE=(make -C "$KSRC" ARCH=x86_64 LLVM=1 OBJCOPY=objcopy
	RUSTC=/usr/bin/rustc HOSTRUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc
	CLIPPY_DRIVER=/usr/bin/clippy-driver RUSTFMT=/usr/bin/rustfmt
	BINDGEN="$BINDGEN")

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# build_dir KIND: the kernel build directory of a kernel kind.
build_dir() { echo "$CACHE/build-$1"; }

# Where the controller goes in the kernel tree, and its administrator's
# guides, v1 first (graft.sh copies them, series.sh adds them to the
# series with the patch that lists the first in its index).
GRAFT_DIR=kernel/cgroup/syscalls
ADMIN_GUIDES=(Documentation/admin-guide/cgroup-v1/syscalls.rst
	Documentation/admin-guide/cgroup-v2-syscalls.rst)
ADMIN_GUIDE=${ADMIN_GUIDES[0]}

# controller_files: the controller's files, relative to the repository and
# to $GRAFT_DIR alike. graft.sh and series.sh both take the list from here,
# so the tree that make test builds and the series cannot disagree.
controller_files() {
	local f
	for f in "$REPO"/Makefile "$REPO"/Kconfig "$REPO"/*.rs "$REPO"/asm/*; do
		if [ -f "$f" ]; then echo "${f#"$REPO"/}"; fi
	done
}

# Debian's kernel source package: the .deb, the tarball inside it and the
# directory inside that.
KERNEL_PKG=linux-source-6.12
KERNEL_TARBALL=./usr/src/$KERNEL_PKG.tar.xz

# kernel_deb: the path of the $KERNEL_PKG .deb in $CACHE/dl, downloaded
# first if there is none. The one the kernel tree was unpacked from wins.
kernel_deb() {
	local deb
	mkdir -p "$CACHE/dl"
	if [ -f "$KSRC/.syscalls-source" ]; then
		deb=$CACHE/dl/$(cat "$KSRC/.syscalls-source")
		if [ -f "$deb" ]; then echo "$deb"; return; fi
	fi
	if ! ls "$CACHE/dl/${KERNEL_PKG}"_*.deb >/dev/null 2>&1; then
		log "downloading Debian's $KERNEL_PKG"
		# apt-get download needs the package lists: refresh them if it fails.
		(cd "$CACHE/dl" && { apt-get download "$KERNEL_PKG" >/dev/null 2>&1 ||
			{ apt-get update -qq && apt-get download "$KERNEL_PKG" >/dev/null 2>&1; }; }) ||
			die "apt-get download $KERNEL_PKG failed"
	fi
	ls "$CACHE/dl/${KERNEL_PKG}"_*.deb | sort -V | tail -n 1
}
