#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Fetches Docker's real default seccomp profile (moby's
# profiles/seccomp/default.json) from Debian's golang-github-docker-docker-dev
# into $CACHE/profiles/docker-default.json and prints that path, for the
# syscallsctl unit tests (scripts/test.sh) and test_syscallsctl.sh in the VM
# (scripts/initramfs.sh). The profile is upstream data: it is fetched, never
# kept in the repository. The .deb is downloaded once (apt-get download
# needs no root; the package lists are refreshed once if it fails); later
# runs only print the path. Nothing but the path goes to stdout. What it
# writes, it writes holding $CACHE/profiles.lock (lib.sh).
source "$(dirname "$0")/lib.sh"

PKG=golang-github-docker-docker-dev
MEMBER=./usr/share/gocode/src/github.com/docker/docker/profiles/seccomp/default.json
DIR=$CACHE/profiles
OUT=$DIR/docker-default.json

mkdir -p "$DIR"
# fresh: whether the profile is there and newer than its .deb.
fresh() {
	local deb
	deb=$(ls "$DIR/${PKG}"_*.deb 2>/dev/null | sort -V | tail -n 1 || true)
	[ -n "$deb" ] && [ -s "$OUT" ] && ! [ "$deb" -nt "$OUT" ]
}
if fresh; then echo "$OUT"; exit 0; fi
cache_lock profiles

deb=$(ls "$DIR/${PKG}"_*.deb 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$deb" ]; then
	log "downloading Debian's $PKG (Docker's default seccomp profile)"
	SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
	dl_log=$DIR/download.log
	(cd "$DIR" && { apt-get download "$PKG" > "$dl_log" 2>&1 ||
		{ $SUDO apt-get update -qq >> "$dl_log" 2>&1 &&
			apt-get download "$PKG" >> "$dl_log" 2>&1; }; }) ||
		{ cat "$dl_log" >&2; die "apt-get download $PKG failed"; }
	rm -f "$dl_log"
	deb=$(ls "$DIR/${PKG}"_*.deb | sort -V | tail -n 1)
fi

if [ ! -s "$OUT" ] || [ "$deb" -nt "$OUT" ]; then
	tmp=$(mktemp "$OUT.XXXXXX")
	trap 'rm -f "$tmp"' EXIT
	dpkg-deb --fsys-tarfile "$deb" | tar -xO "$MEMBER" > "$tmp" ||
		die "${deb##*/} has no $MEMBER"
	grep -q '"defaultAction"' "$tmp" || die "$MEMBER in ${deb##*/} is not a seccomp profile"
	chmod 644 "$tmp"
	mv -f "$tmp" "$OUT"
	log "Docker's default seccomp profile from ${deb##*/}: $OUT"
fi
echo "$OUT"
