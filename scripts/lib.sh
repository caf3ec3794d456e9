# SPDX-License-Identifier: GPL-2.0
# Shared settings of the tooling scripts; sourced, not run.

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/syscalls-cgroup
NPROC=$(nproc)

# The kernel: KERNEL=7.3, the primary one and the default, or KERNEL=6.12,
# the LTS kernel the controller is backported to. Each has its own patches
# (patches/$KERNEL/), its own source package, toolchain and cache
# ($KCACHE: the tree, the build directories, the uapi headers and the
# initramfs); the Rust source is one. Paths are resolved (realpath), so a
# cache entry may be a link to one kept from an older layout.
KERNEL=${KERNEL:-7.3}
KERNELS=(7.3 6.12)
case $KERNEL in
7.3)
	# Debian's linux-source-7.3 is in trixie-backports, which the
	# machine's own apt sources do not list: it comes through a list of
	# its own (private_apt). 7.3 wants LLVM >= 17 and bindgen >= 0.71.1;
	# clang 22 is the LLVM of rustc-web 1.96, and with libclang 22
	# bindgen 0.72.1 (rust-bindgen#3278).
	KERNEL_PKG=linux-source-7.3 KERNEL_VERSION=7.3.4-1~bpo13+1
	KERNEL_SUITE=trixie-backports
	LLVM_PACKAGES=(clang-22 lld-22 llvm-22 libclang-22-dev)
	KLLVM=-22 LIBCLANG_PATH=/usr/lib/llvm-22/lib BINDGEN_VERSION=0.72.1
	;;
6.12)
	# Debian's own 6.12 (bookworm's), with bookworm's LLVM 14.
	KERNEL_PKG=linux-source-6.12 KERNEL_VERSION=
	KERNEL_SUITE=
	LLVM_PACKAGES=(clang lld llvm libclang-dev)
	KLLVM=1 LIBCLANG_PATH=/usr/lib/llvm-14/lib BINDGEN_VERSION=0.70.1
	;;
*) printf 'error: KERNEL=%s: the kernels are %s\n' "$KERNEL" "${KERNELS[*]}" >&2; exit 1 ;;
esac
KCACHE=$CACHE/$KERNEL
KSRC=$(realpath -m "$KCACHE/linux")
PATCHES=$REPO/patches/$KERNEL
export LIBCLANG_PATH

# The Debian toolchain of DESIGN.md section 1. rustup's rustc comes first on
# PATH but has no rust-src, so every Rust tool is named explicitly; the host
# compiler of the `macros` crate must be the same rustc that loads it. Each
# kernel has its own bindgen, from crates.io, in $CACHE/tools.
BINDGEN=${BINDGEN:-$CACHE/tools/bindgen-$BINDGEN_VERSION/bin/bindgen}
KMAKE=(make -C "$KSRC" ARCH=x86_64 LLVM="$KLLVM" OBJCOPY=objcopy
	RUSTC=/usr/bin/rustc HOSTRUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc
	CLIPPY_DRIVER=/usr/bin/clippy-driver RUSTFMT=/usr/bin/rustfmt
	BINDGEN="$BINDGEN")

# log MESSAGE: a step on standard error, with the time of day it began.
log() { printf '==> %s %s\n' "$(date +%T)" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Two runs at once (two `make test`, `make test` and `make vm-run`, ...)
# share $CACHE. What writes the kernel tree, the build directories, the
# initramfs and what goes into it (uapi, selftests, syscallsctl) holds
# $CACHE/build.lock exclusively (flock(1)); a VM run that boots the shared
# bzImage and initramfs holds it shared while it copies them. Other shared
# parts have their own lock ($CACHE/container.lock, profiles.lock). A lock
# held exclusively is inherited: the scripts a holder runs do not take it
# again (SYSCALLS_LOCKS lists those held). Order: build before the others.
declare -A cache_lock_fds=()
# cache_lock [-s] NAME: waits for and takes $CACHE/NAME.lock, exclusive
# unless -s; held until cache_unlock NAME or the end of the script.
cache_lock() {
	local mode=-x name file fd
	if [ "$1" = -s ]; then mode=-s; shift; fi
	name=$1 file=$CACHE/$1.lock
	case " ${SYSCALLS_LOCKS:-} " in *" $file "*) return 0 ;; esac
	[ -z "${cache_lock_fds[$name]:-}" ] || return 0
	mkdir -p "$CACHE"
	exec {fd}>>"$file"
	if ! flock -n "$mode" "$fd"; then
		log "waiting for $file: another run holds it"
		flock "$mode" "$fd"
	fi
	cache_lock_fds[$name]=$fd
	if [ "$mode" = -x ]; then export SYSCALLS_LOCKS="${SYSCALLS_LOCKS:-} $file"; fi
}
# cache_unlock NAME: releases what cache_lock NAME took (nothing if it
# was inherited). The unlock covers every process that inherited the
# descriptor, so nothing started under the lock keeps it.
cache_unlock() {
	local fd=${cache_lock_fds[$1]:-} file=$CACHE/$1.lock
	[ -n "$fd" ] || return 0
	flock -u "$fd"
	exec {fd}>&-
	unset 'cache_lock_fds[$1]'
	SYSCALLS_LOCKS=${SYSCALLS_LOCKS:-}
	SYSCALLS_LOCKS=${SYSCALLS_LOCKS// "$file"/}
}

# stage NAME PATH...: copies the checkout's PATHs (relative to $REPO, in
# their layout) into $CACHE/stage/NAME, and prints that directory. make and
# cargo rebuild by file times, and every file of a clean clone (CI's) is
# new; rsync rewrites only the files whose content differs from the last
# copy, so that a build from the copy redoes only what changed. The caller
# holds a lock that covers the copy and the build from it.
stage() {
	local dst=$CACHE/stage/$1
	shift
	mkdir -p "$dst"
	(cd "$REPO" && rsync -rlpR --checksum --delete "$@" "$dst/") ||
		die "copying $* to $dst failed"
	echo "$dst"
}

# Each run's own files are in $CACHE/runs/, named for the kind of run and
# its start time: a VM run's default console, console-KIND-DATE-XXXXXX.log,
# and make test's and make bench's results, test-DATE-XXXXXX/ and
# bench-DATE-XXXXXX/. A run holds a shared flock on its own file or
# directory while it runs; prune_runs leaves those alone.

# new_run NAME [SUFFIX]: creates $CACHE/runs/NAME-DATE-XXXXXX (a directory,
# or with a SUFFIX a file ending in it) and prints its path.
new_run() {
	mkdir -p "$CACHE/runs"
	local t f mode=777
	t="$CACHE/runs/$1-$(date +%Y%m%d-%H%M%S.%3N)-XXXXXX"
	if [ -n "${2:-}" ]; then
		f=$(mktemp --suffix="$2" "$t") mode=666
	else
		f=$(mktemp -d "$t")
	fi
	# mktemp's modes (0600, 0700) give way to the umask's, as for any file.
	chmod "$(printf '%o' $((8#$mode & ~8#$(umask))))" "$f"
	echo "$f"
}

# link_latest LINK RUN: makes $CACHE/LINK a symbolic link to RUN (in
# $CACHE/runs), atomically; a directory or file of that name goes first.
link_latest() {
	local link=$CACHE/$1 tmp
	[ -L "$link" ] || rm -rf "$link"
	tmp=$(mktemp -u "$link.XXXXXX")
	ln -s "runs/${2##*/}" "$tmp"
	mv -Tf "$tmp" "$link"
}

# prune_runs GLOB KEEP: removes all but the newest KEEP of $CACHE/runs/GLOB,
# except those that a run still holds.
prune_runs() {
	local f
	local -a all
	mapfile -t all < <(compgen -G "$CACHE/runs/$1" | LC_ALL=C sort -r)
	for f in "${all[@]:$2}"; do
		flock -n -x "$f" rm -rf -- "$f" || true
	done
}

# build_dir KIND: the kernel build directory of a kernel kind.
build_dir() { realpath -m "$KCACHE/build-$1"; }

# Where the controller goes in the kernel tree, and its administrator's
# guides, the reference (cgroup v2) first, then the page of what differs
# on v1 (graft.sh copies them, series.sh adds them to the series with the
# patch that lists the first in its directory's index,
# Documentation/admin-guide/index.rst).
GRAFT_DIR=kernel/cgroup/syscalls
ADMIN_GUIDES=(Documentation/admin-guide/cgroup-v2-syscalls.rst
	Documentation/admin-guide/cgroup-v1/syscalls.rst)
ADMIN_GUIDE=${ADMIN_GUIDES[0]}

# controller_files: the controller's files, relative to the repository and
# to $GRAFT_DIR alike. graft.sh and series.sh both take the list from here,
# so the tree that make test builds and the series cannot disagree.
controller_files() {
	local f
	for f in "$REPO"/Kbuild "$REPO"/Kconfig "$REPO"/.kunitconfig "$REPO"/*.rs "$REPO"/asm/* \
		"$REPO"/cgroup/*.rs "$REPO"/group/*.rs; do
		if [ -f "$f" ]; then echo "${f#"$REPO"/}"; fi
	done
}

# private_apt SUITE ARGS...: apt-get on a package list of its own for a
# Debian suite the machine's sources do not list, in $CACHE/apt/SUITE: its
# own sources.list and no sources.list.d, its own lists and cache, no dpkg
# status (nothing is installed from it) and no pinning; nothing of the
# machine's apt configuration but its keyring.
private_apt() {
	local suite=$1 dir=$CACHE/apt/$1
	shift
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
	local line="deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $suite main"
	if [ "$(cat "$dir/sources.list" 2>/dev/null)" != "$line" ]; then
		echo "$line" > "$dir/sources.list.tmp"
		mv -f "$dir/sources.list.tmp" "$dir/sources.list"
	fi
	apt-get -o Dir::Etc::sourcelist="$dir/sources.list" \
		-o Dir::Etc::sourceparts=- \
		-o Dir::Etc::preferences=/dev/null \
		-o Dir::Etc::preferencesparts=- \
		-o Dir::State::Lists="$dir/lists" \
		-o Dir::Cache="$dir/cache" \
		-o Dir::State::status=/dev/null \
		"$@"
}

# apt_download DIR SUITE PKG[=VERSION]: downloads a .deb into DIR, from the
# machine's own sources (SUITE empty) or a private list, refreshing the
# package lists once if the first try fails.
apt_download() {
	local dir=$1 suite=$2 pkg=$3 SUDO=
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	if [ -z "$suite" ]; then
		(cd "$dir" && { apt-get download "$pkg" >/dev/null 2>&1 ||
			{ $SUDO apt-get update -qq && apt-get download "$pkg" >/dev/null 2>&1; }; })
	else
		(cd "$dir" && { private_apt "$suite" download "$pkg" >/dev/null 2>&1 ||
			{ private_apt "$suite" update -qq &&
				private_apt "$suite" download "$pkg" >/dev/null 2>&1; }; })
	fi
}

# Debian's kernel source package: the .deb, the tarball inside it and the
# directory inside that.
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
		log "downloading Debian's $KERNEL_PKG${KERNEL_SUITE:+ from $KERNEL_SUITE}"
		apt_download "$CACHE/dl" "$KERNEL_SUITE" \
			"$KERNEL_PKG${KERNEL_VERSION:+=$KERNEL_VERSION}" ||
			die "apt-get download $KERNEL_PKG failed"
	fi
	ls "$CACHE/dl/${KERNEL_PKG}"_*.deb | sort -V | tail -n 1
}
