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
