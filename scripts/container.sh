#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Prepares the overlay of the container test and demo: Debian's crun and runc with
# the shared libraries it needs (the VM's initramfs has no C library), an
# OCI bundle whose rootfs is busybox-static, and the test script, in
# OUTDIR (default $CACHE/container/overlay; make test and make
# demo-container give one of their own, so that two runs at once do not
# rewrite each other's). Prints the overlay directory; in the VM it is at
# /overlay:
#
#   container.sh [OUTDIR]
#
#   /overlay/crun/bin/crun      crun, run through /lib64/ld-linux-x86-64.so.2
#   /overlay/crun/lib/          its libraries, the loader among them
#   /overlay/runc/bin/runc      Debian's runc, with the same libraries
#   /overlay/bundle/            config.json and rootfs/
#   /overlay/test_container.sh  the test (selftests/test_container.sh)
#
# The .debs are downloaded once into $CACHE/container/dl (apt-get download
# needs no root); later runs only refresh the overlay. All of it holds
# $CACHE/container.lock (lib.sh).
source "$(dirname "$0")/lib.sh"
cache_lock container

DIR=$CACHE/container
DL=$DIR/dl
STAGE=$DIR/stage
OVL=$(realpath -m "${1:-$DIR/overlay}")
# crun and the closure of its Depends (libelogind0, the alternative to
# libsystemd0, left out), glibc included: nothing comes from the host.
DEBS=(crun libc6 libcap2 libseccomp2 libsystemd0 libyajl2 libgcrypt20
	libgpg-error0 liblz4-1 liblzma5 libzstd1 runc)

[ -x /bin/busybox ] || die "no /bin/busybox: install busybox-static (scripts/setup.sh)"
mkdir -p "$DL"

# download PACKAGE: its .deb in $DL unless one is there.
download() {
	ls "$DL/$1"_*.deb >/dev/null 2>&1 && return
	log "downloading Debian's $1"
	(cd "$DL" && { apt-get download "$1" >/dev/null 2>&1 ||
		{ apt-get update -qq && apt-get download "$1" >/dev/null 2>&1; }; }) ||
		die "apt-get download $1 failed"
}
for p in "${DEBS[@]}"; do download "$p"; done

# The staging tree: every .deb unpacked, rebuilt when a .deb is newer.
stamp=$STAGE/.stamp
if [ ! -f "$stamp" ] || [ -n "$(find "$DL" -name '*.deb' -newer "$stamp")" ]; then
	rm -rf "$STAGE"
	mkdir -p "$STAGE"
	for deb in "$DL"/*.deb; do dpkg-deb -x "$deb" "$STAGE"; done
	touch "$stamp"
fi

# OUTDIR is emptied first: only an empty one or an earlier overlay.
[ ! -e "$OVL" ] || [ -z "$(ls -A "$OVL")" ] || [ -e "$OVL/test_container.sh" ] ||
	die "$OVL is neither empty nor a container overlay: not emptying it"
rm -rf "$OVL"
mkdir -p "$OVL/crun/bin" "$OVL/crun/lib" "$OVL/runc/bin"
cp "$STAGE/usr/bin/crun" "$OVL/crun/bin/crun"
# runc, a Go program linked with the C library and libseccomp, which it
# finds in crun's libraries.
cp "$STAGE/usr/sbin/runc" "$OVL/runc/bin/runc"
# The libraries, flattened into one directory (dereferenced: the VM sees
# it at /lib/x86_64-linux-gnu through a symbolic link).
for d in "$STAGE/lib/x86_64-linux-gnu" "$STAGE/usr/lib/x86_64-linux-gnu"; do
	[ -d "$d" ] || continue
	find "$d" -maxdepth 1 -name '*.so*' -exec cp -L -t "$OVL/crun/lib" {} +
done
rm -rf "$OVL/crun/lib/gconv"
# Every library crun needs is one of these: ask the staged loader.
ld=$OVL/crun/lib/ld-linux-x86-64.so.2
[ -f "$ld" ] || die "no dynamic loader in libc6"
deps=$("$ld" --library-path "$OVL/crun/lib" --list "$OVL/crun/bin/crun")
if grep -q 'not found' <<<"$deps"; then
	die "crun needs a library not staged: $deps"
fi
if grep '=>' <<<"$deps" | grep -v "=> $OVL/crun/lib/" | grep -q .; then
	die "crun resolves a library outside the staged ones: $deps"
fi
rdeps=$("$ld" --library-path "$OVL/crun/lib" --list "$OVL/runc/bin/runc")
if grep -q 'not found' <<<"$rdeps"; then
	die "runc needs a library not staged: $rdeps"
fi
# Only the libraries crun and runc load.
keep=$(sed -n "s|.*=> $OVL/crun/lib/\([^ ]*\) .*|\1|p" <<<"$deps
$rdeps")
for f in "$OVL/crun/lib"/*; do
	case " $(echo $keep) ld-linux-x86-64.so.2 " in
	*" ${f##*/} "*) ;;
	*) rm -f "$f" ;;
	esac
done

# The bundle: busybox-static and its applets as symbolic links, the
# mount points, and config.json.
R=$OVL/bundle/rootfs
mkdir -p "$R"/{bin,proc,sys,dev,tmp,etc}
cp /bin/busybox "$R/bin/busybox"
for a in $(/bin/busybox --list); do
	[ "$a" = busybox ] || ln -sf busybox "$R/bin/$a"
done
# The entrypoint of the test's bundles made at creation: its first system
# call is unshare(0) (selftests/first_unshare.c, without a C library).
gcc -O2 -static -nostdlib -fno-stack-protector -fno-builtin \
	-o "$R/first_unshare" "$REPO/selftests/first_unshare.c" ||
	die "cannot build selftests/first_unshare.c"
# The process of the emergency's two containers: socket(AF_ALG) every
# 0.2 s (selftests/alg_loop.c).
gcc -O2 -static -o "$R/alg_loop" "$REPO/selftests/alg_loop.c" ||
	die "cannot build selftests/alg_loop.c"
echo 'root:x:0:0:root:/:/bin/sh' > "$R/etc/passwd"
echo 'root:x:0:' > "$R/etc/group"

# The container's process: every 0.2 s a mkdir, and one line with its
# result and busybox mkdir's error message. The lines are numbered so that
# the test can wait for the first attempt that began after it acted.
loop='i=0; echo "container: pid $$"; while :; do i=$((i + 1)); if e=$(mkdir /tmp/d$i 2>&1); then echo "$i mkdir ok"; else echo "$i mkdir failed: $e"; fi; sleep 0.2; done'
# A hand-written spec (what `crun spec` gives, minus a terminal, the
# network namespace and the mounts the test kernel cannot do: no mqueue,
# no cgroup mount), its cgroup /box/ctr.
loop_json=${loop//\\/\\\\}
loop_json=${loop_json//\"/\\\"}
cat > "$OVL/bundle/config.json" <<EOF
{
	"ociVersion": "1.0.0",
	"process": {
		"terminal": false,
		"user": { "uid": 0, "gid": 0 },
		"args": [ "/bin/sh", "-c", "$loop_json" ],
		"env": [ "PATH=/bin", "HOME=/" ],
		"cwd": "/",
		"capabilities": {
			"bounding": [ "CAP_KILL", "CAP_AUDIT_WRITE", "CAP_NET_BIND_SERVICE" ],
			"effective": [ "CAP_KILL", "CAP_AUDIT_WRITE", "CAP_NET_BIND_SERVICE" ],
			"permitted": [ "CAP_KILL", "CAP_AUDIT_WRITE", "CAP_NET_BIND_SERVICE" ]
		},
		"noNewPrivileges": true
	},
	"root": { "path": "rootfs", "readonly": false },
	"hostname": "box",
	"mounts": [
		{ "destination": "/proc", "type": "proc", "source": "proc" },
		{ "destination": "/dev", "type": "tmpfs", "source": "tmpfs",
		  "options": [ "nosuid", "strictatime", "mode=755", "size=65536k" ] },
		{ "destination": "/dev/pts", "type": "devpts", "source": "devpts",
		  "options": [ "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620" ] },
		{ "destination": "/tmp", "type": "tmpfs", "source": "tmpfs",
		  "options": [ "nosuid", "nodev", "mode=1777" ] },
		{ "destination": "/sys", "type": "sysfs", "source": "sysfs",
		  "options": [ "nosuid", "noexec", "nodev", "ro" ] }
	],
	"linux": {
		"cgroupsPath": "/box/ctr",
		"namespaces": [
			{ "type": "pid" }, { "type": "ipc" }, { "type": "uts" },
			{ "type": "mount" }, { "type": "cgroup" }
		],
		"maskedPaths": [ "/proc/kcore", "/proc/timer_list", "/sys/firmware" ],
		"readonlyPaths": [ "/proc/sys", "/proc/sysrq-trigger" ]
	}
}
EOF

cp "$REPO/selftests/test_container.sh" "$OVL/test_container.sh"
chmod +x "$OVL/test_container.sh"
echo "$OVL"
