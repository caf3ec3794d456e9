#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Builds syscallsctl as a static release binary (it runs in the test VM,
# whose initramfs has only static programs) and copies it to OUTDIR:
#
#   tools/syscallsctl/build.sh [--test] [OUTDIR]
#
# --test first runs the unit tests, rustfmt --check, clippy -D warnings and
# gen-tables.sh --check (when the kernel tree is there). OUTDIR defaults to
# ${XDG_CACHE_HOME:-~/.cache}/syscalls-cgroup/bin. The cargo target dir is
# ${XDG_CACHE_HOME:-~/.cache}/syscalls-cgroup/syscallsctl-target, outside the
# checkout. Prints the path of the binary.

set -e

here=$(cd "$(dirname "$0")" && pwd)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/syscalls-cgroup
export CARGO_TARGET_DIR="$cache/syscallsctl-target"
target=x86_64-unknown-linux-gnu

test=
if [ "$1" = "--test" ]; then
	test=1
	shift
fi
out=${1:-$cache/bin}

cd "$here"
if [ -n "$test" ]; then
	cargo fmt --check
	cargo clippy --locked --all-targets -- -D warnings
	cargo test --locked
	status=0
	./gen-tables.sh --check || status=$?
	case $status in
	0) ;;
	2) echo "build.sh: no kernel tree: the tables were not compared" >&2 ;;
	*) exit 1 ;;
	esac
fi

# A static glibc program: syscallsctl needs no NSS (no user or host lookups).
RUSTFLAGS="${RUSTFLAGS:+$RUSTFLAGS }-C target-feature=+crt-static" \
	cargo build --locked --release --target "$target" >&2
mkdir -p "$out"
cp "$CARGO_TARGET_DIR/$target/release/syscallsctl" "$out/syscallsctl"
echo "$out/syscallsctl"
