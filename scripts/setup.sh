#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Installs what building, booting and testing need, with the toolchain of
# $KERNEL (lib.sh): its LLVM from Debian, its bindgen from crates.io into
# $CACHE/tools/bindgen-VERSION. Quick when all is there. Holds
# $CACHE/setup.lock (lib.sh): two runs at once install once, and one
# kernel's toolchain can install while another kernel builds (make test
# installs 6.12's while 7.3's test kernel builds).
source "$(dirname "$0")/lib.sh"

PACKAGES=(bc flex bison libelf-dev libssl-dev cpio busybox-static
	qemu-system-x86 gcc-multilib libcap-dev "${LLVM_PACKAGES[@]}"
	rustc-web rust-web-src rust-web-clippy rustfmt-web binutils
	python3-docutils xz-utils rsync)

# check: sets missing (the packages not installed) and bindgen (1 if
# $BINDGEN is not the version wanted).
check() {
	local p
	missing=() bindgen=0
	for p in "${PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	"$BINDGEN" --version 2>/dev/null | grep -qxF "bindgen $BINDGEN_VERSION" || bindgen=1
}

# Nothing to do: no lock (make test's kernel.sh for 7.3 must not wait
# while 6.12's bindgen builds). Otherwise again under it: another run may
# have installed it while this one waited.
check
[ ${#missing[@]} -gt 0 ] || [ $bindgen -ne 0 ] || exit 0
cache_lock setup
check

if [ ${#missing[@]} -gt 0 ]; then
	log "installing Debian packages: ${missing[*]}"
	SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ $bindgen -ne 0 ]; then
	log "installing bindgen-cli $BINDGEN_VERSION from crates.io (for Linux $KERNEL)"
	cargo install --locked bindgen-cli --version "$BINDGEN_VERSION" \
		--root "$CACHE/tools/bindgen-$BINDGEN_VERSION" >/dev/null
fi
