#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Fetches a real container runtime's default seccomp profile and prints its
# path, for the syscallsctl unit tests (scripts/test.sh) and the tests in
# the VM (scripts/initramfs.sh):
#
#   scripts/profiles.sh [docker]   # Docker's (moby's profiles/seccomp/default.json)
#   scripts/profiles.sh podman     # Podman's (containers-common's pkg/seccomp/seccomp.json)
#
# Docker's comes from Debian's golang-github-docker-docker-dev, of the
# machine's own release, into $CACHE/profiles/docker-default.json. Podman's
# comes from Debian's golang-github-containers-common-dev 0.67.1-3, which
# only sid has, into $CACHE/profiles/podman-default.json: through a package
# list of its own in $CACHE/apt/sid (its own sources.list, lists and cache),
# so that the machine's apt sources and lists are never touched.
# The profiles are upstream data: fetched, never kept in the repository.
# Each .deb is downloaded once (apt-get download needs no root; Docker's
# package list is refreshed once if it fails); later runs only print the
# path. Nothing but the path goes to stdout. What it writes, it writes
# holding $CACHE/profiles.lock (lib.sh), and each profile atomically.
source "$(dirname "$0")/lib.sh"

WHICH=${1:-docker}
DIR=$CACHE/profiles
case $WHICH in
docker)
	PKG=golang-github-docker-docker-dev
	VERSION=
	MEMBER=./usr/share/gocode/src/github.com/docker/docker/profiles/seccomp/default.json
	OUT=$DIR/docker-default.json
	WHAT="Docker's default seccomp profile"
	;;
podman)
	PKG=golang-github-containers-common-dev
	# Pinned: the profile the tests expect (its AF_VSOCK and NETLINK_AUDIT
	# socket rules), whatever sid moves on to.
	VERSION=0.67.1-3
	MEMBER=./usr/share/gocode/src/go.podman.io/common/pkg/seccomp/seccomp.json
	OUT=$DIR/podman-default.json
	WHAT="Podman's default seccomp profile"
	;;
*) die "usage: scripts/profiles.sh [docker|podman]" ;;
esac

mkdir -p "$DIR"
# newest_deb: the newest downloaded .deb of $PKG (of $VERSION if pinned).
newest_deb() {
	local pattern="$DIR/${PKG}_*.deb"
	[ -z "$VERSION" ] || pattern="$DIR/${PKG}_${VERSION//:/%3a}_*.deb"
	# (Unquoted: the pattern is a glob.)
	# shellcheck disable=SC2086
	ls $pattern 2>/dev/null | sort -V | tail -n 1 || true
}
# fresh: whether the profile is there and newer than its .deb.
fresh() {
	local deb
	deb=$(newest_deb)
	[ -n "$deb" ] && [ -s "$OUT" ] && ! [ "$deb" -nt "$OUT" ]
}
if fresh; then echo "$OUT"; exit 0; fi
cache_lock profiles

deb=$(newest_deb)
if [ -z "$deb" ]; then
	log "downloading Debian's $PKG${VERSION:+ $VERSION} ($WHAT)"
	dl_log=$DIR/download-$WHICH.log
	case $WHICH in
	docker)
		SUDO=; [ "$(id -u)" -eq 0 ] || SUDO=sudo
		(cd "$DIR" && { apt-get download "$PKG" > "$dl_log" 2>&1 ||
			{ $SUDO apt-get update -qq >> "$dl_log" 2>&1 &&
				apt-get download "$PKG" >> "$dl_log" 2>&1; }; }) ||
			{ cat "$dl_log" >&2; die "apt-get download $PKG failed"; }
		;;
	podman)
		# Through sid's private list (lib.sh, private_apt), refreshed
		# only when the pinned version is not in it.
		(cd "$DIR" && { private_apt sid download "$PKG=$VERSION" > "$dl_log" 2>&1 ||
			{ private_apt sid update -qq >> "$dl_log" 2>&1 &&
				private_apt sid download "$PKG=$VERSION" >> "$dl_log" 2>&1; }; }) ||
			{ cat "$dl_log" >&2; die "apt-get download $PKG=$VERSION from sid failed"; }
		;;
	esac
	rm -f "$dl_log"
	deb=$(newest_deb)
	[ -n "$deb" ] || die "apt-get download left no ${PKG}_${VERSION:-*}_*.deb in $DIR"
fi

if [ ! -s "$OUT" ] || [ "$deb" -nt "$OUT" ]; then
	tmp=$(mktemp "$OUT.XXXXXX")
	trap 'rm -f "$tmp"' EXIT
	dpkg-deb --fsys-tarfile "$deb" | tar -xO "$MEMBER" > "$tmp" ||
		die "${deb##*/} has no $MEMBER"
	grep -q '"defaultAction"' "$tmp" || die "$MEMBER in ${deb##*/} is not a seccomp profile"
	chmod 644 "$tmp"
	mv -f "$tmp" "$OUT"
	log "$WHAT from ${deb##*/}: $OUT"
fi
echo "$OUT"
