#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Fetches Debian's linux-source-6.12 and unpacks it to $CACHE/linux, once,
# holding $CACHE/build.lock (lib.sh).
source "$(dirname "$0")/lib.sh"

[ -f "$KSRC/.syscalls-source" ] && exit 0
cache_lock build
# Again: another run may have unpacked it while this one waited.
[ -f "$KSRC/.syscalls-source" ] && exit 0

deb=$(kernel_deb)
log "unpacking $(basename "$deb")"
rm -rf "$KSRC" "$KCACHE/unpack"
mkdir -p "$KCACHE/unpack"
dpkg-deb --fsys-tarfile "$deb" | tar -C "$KCACHE/unpack" -x --wildcards "$KERNEL_TARBALL"
tar -C "$KCACHE/unpack" -xf "$KCACHE/unpack/$KERNEL_TARBALL"
mv "$KCACHE/unpack/$KERNEL_PKG" "$KSRC"
rm -rf "$KCACHE/unpack"
basename "$deb" > "$KSRC/.syscalls-source"
