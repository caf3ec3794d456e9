#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Fetches Debian's linux-source-6.12 and unpacks it to $CACHE/linux, once.
source "$(dirname "$0")/lib.sh"

[ -f "$KSRC/.syscalls-source" ] && exit 0

mkdir -p "$CACHE/dl"
cd "$CACHE/dl"
if ! ls linux-source-6.12_*.deb >/dev/null 2>&1; then
	log "downloading Debian's linux-source-6.12"
	# apt-get download needs the package lists: refresh them if it fails.
	apt-get download linux-source-6.12 >/dev/null 2>&1 ||
		{ apt-get update -qq && apt-get download linux-source-6.12 >/dev/null 2>&1; } ||
		die "apt-get download linux-source-6.12 failed"
fi
deb=$(ls linux-source-6.12_*.deb | sort -V | tail -n 1)

log "unpacking $deb"
rm -rf "$KSRC" "$CACHE/unpack"
mkdir -p "$CACHE/unpack"
dpkg-deb --fsys-tarfile "$deb" | tar -C "$CACHE/unpack" -x --wildcards './usr/src/linux-source-6.12.tar.xz'
tar -C "$CACHE/unpack" -xf "$CACHE/unpack/usr/src/linux-source-6.12.tar.xz"
mv "$CACHE/unpack/linux-source-6.12" "$KSRC"
rm -rf "$CACHE/unpack"
echo "$deb" > "$KSRC/.syscalls-source"
