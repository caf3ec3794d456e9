#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Builds the VM's base initramfs: busybox-static, /init and the statically
# linked selftests of selftests/ (and the kernel's seccomp_bpf), against the
# uapi headers of the test kernel, and the static syscallsctl
# (tools/syscallsctl) in /bin with its profiles in /selftests/syscallsctl/:
# the fixtures of tools/syscallsctl/testdata (docker-style.json, ...) and
# Docker's and Podman's real default profiles as docker-default.json and
# podman-default.json (fetched by scripts/profiles.sh, not kept in the
# repository). Prints the path of the
# cpio archive. It holds $CACHE/build.lock (lib.sh) and writes the archive
# atomically: into a temporary file beside it, then renamed over it, so
# that a VM run reads either the old archive or the new one, whole.
source "$(dirname "$0")/lib.sh"
cache_lock build

B=$(build_dir test)
HDR=$KCACHE/uapi
OUT=$KCACHE/initramfs.cpio
ROOT=$KCACHE/initramfs-root

if [ ! -f "$HDR/.stamp" ] || [ "$KSRC/.syscalls-applied" -nt "$HDR/.stamp" ]; then
	log "installing uapi headers"
	"${KMAKE[@]}" O="$B" -s headers_install INSTALL_HDR_PATH="$HDR" >&2
	touch "$HDR/.stamp"
fi

rm -rf "$ROOT"
mkdir -p "$ROOT"/{bin,selftests,proc,sys,dev,tmp,overlay}
cp /bin/busybox "$ROOT/bin/busybox"
cp "$REPO/scripts/init.sh" "$ROOT/init"
chmod +x "$ROOT/init"

# The selftests and syscallsctl build from a copy of the checkout
# (lib.sh's stage), under the build lock: a clean clone rebuilds nothing.
src=$(stage initramfs selftests tools/syscallsctl asm) || exit 1
make -s -j"$NPROC" -C "$src/selftests" KSRC="$KSRC" KHDR="$HDR/include" \
	OUTPUT="$KCACHE/selftests" >&2
cp -a "$KCACHE/selftests/." "$ROOT/selftests/"

# syscallsctl, for test_syscallsctl.sh and the container test. build.sh
# prints the binary's path on stdout, which is ours for the cpio path.
ctl=$("$src/tools/syscallsctl/build.sh" "$CACHE/syscallsctl-bin") ||
	die "tools/syscallsctl/build.sh failed"
cp "$ctl" "$ROOT/bin/syscallsctl"
mkdir -p "$ROOT/selftests/syscallsctl"
cp "$REPO"/tools/syscallsctl/testdata/*.json "$ROOT/selftests/syscallsctl/"
docker=$("$REPO/scripts/profiles.sh") ||
	die "scripts/profiles.sh failed: no Docker default seccomp profile"
cp "$docker" "$ROOT/selftests/syscallsctl/docker-default.json"
podman=$("$REPO/scripts/profiles.sh" podman) ||
	die "scripts/profiles.sh podman failed: no Podman default seccomp profile"
cp "$podman" "$ROOT/selftests/syscallsctl/podman-default.json"

tmp=$(mktemp "$OUT.XXXXXX")
trap 'rm -f "$tmp"' EXIT
(cd "$ROOT" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) > "$tmp"
chmod 644 "$tmp"
mv -f "$tmp" "$OUT"
echo "$OUT"
