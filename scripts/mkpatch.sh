#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# For developers: regenerates one patch of patches/ from the edited kernel
# tree and a pristine copy of the files it touches, kept in $CACHE/pristine
# (a file absent there is a new file).
#   scripts/mkpatch.sh NAME.patch "Subject line" "Body" FILE...
source "$(dirname "$0")/lib.sh"

name=$1 subject=$2 body=$3
shift 3
out=$REPO/patches/$name
{
	printf 'Subject: %s\n\n%s\n---\n' "$subject" "$body"
	for f in "$@"; do
		old=$CACHE/pristine/$f
		if [ -e "$old" ]; then
			diff -u --label "a/$f" --label "b/$f" "$old" "$KSRC/$f" || true
		else
			diff -u --label /dev/null --label "b/$f" /dev/null "$KSRC/$f" || true
		fi
	done
} > "$out"
cp "$out" "$KSRC/.syscalls-applied/$name"
log "wrote $out"
