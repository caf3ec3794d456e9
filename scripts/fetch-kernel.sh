#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Fetches Debian's source package of $KERNEL (lib.sh) and unpacks it to
# $KSRC, $KCACHE/linux, once, holding $CACHE/build.lock (lib.sh). For 7.3,
# the default, that is linux-source-7.3 (7.3.4-1~bpo13+1) from
# trixie-backports, through the private apt list in
# $CACHE/apt/trixie-backports (private_apt), so that the machine's own apt
# sources are left alone; for KERNEL=6.12, linux-source-6.12 from the
# machine's own sources. The .deb is kept in $CACHE/dl (kernel_deb).
#
#   fetch-kernel.sh              download (unless kept) and unpack
#   fetch-kernel.sh --download   only download, holding $CACHE/dl.lock
#                                instead: nothing waits for a build
source "$(dirname "$0")/lib.sh"

if [ "${1:-}" = --download ]; then
	[ -f "$KSRC/.syscalls-source" ] && exit 0
	cache_lock dl
	kernel_deb > /dev/null
	exit 0
fi
[ -f "$KSRC/.syscalls-source" ] && exit 0
cache_lock build
# Again: another run may have unpacked it while this one waited.
[ -f "$KSRC/.syscalls-source" ] && exit 0

cache_lock dl
deb=$(kernel_deb)
cache_unlock dl
log "unpacking $(basename "$deb")"
rm -rf "$KSRC" "$KCACHE/unpack"
mkdir -p "$KCACHE/unpack"
dpkg-deb --fsys-tarfile "$deb" | tar -C "$KCACHE/unpack" -x --wildcards "$KERNEL_TARBALL"
tar -C "$KCACHE/unpack" -xf "$KCACHE/unpack/$KERNEL_TARBALL"
mv "$KCACHE/unpack/$KERNEL_PKG" "$KSRC"
rm -rf "$KCACHE/unpack"
basename "$deb" > "$KSRC/.syscalls-source"
