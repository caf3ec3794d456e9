#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Installs what building, booting and testing need, with the toolchain of
# $KERNEL (lib.sh): its LLVM from Debian, its bindgen from crates.io into
# $CACHE/tools/bindgen-VERSION. Quick when all is there. Holds
# $CACHE/build.lock (lib.sh): two runs at once install once.
source "$(dirname "$0")/lib.sh"
cache_lock build

PACKAGES=(bc flex bison libelf-dev libssl-dev cpio busybox-static
	qemu-system-x86 gcc-multilib libcap-dev "${LLVM_PACKAGES[@]}"
	rustc-web rust-web-src rust-web-clippy rustfmt-web binutils
	python3-docutils xz-utils rsync)

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	log "installing Debian packages: ${missing[*]}"
	SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! "$BINDGEN" --version 2>/dev/null | grep -qxF "bindgen $BINDGEN_VERSION"; then
	log "installing bindgen-cli $BINDGEN_VERSION from crates.io (for Linux $KERNEL)"
	cargo install --locked bindgen-cli --version "$BINDGEN_VERSION" \
		--root "$CACHE/tools/bindgen-$BINDGEN_VERSION" >/dev/null
fi
