#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Real container profiles with argument rules, applied by syscallsctl
# (no --args) to the real controller, whose argument conditions then judge
# real calls: Docker's default profile (moby's, from Debian's
# golang-github-docker-docker-dev), Podman's (containers-common's, from
# Debian's golang-github-containers-common-dev) and the AF_ALG fixture of
# tools/syscallsctl/testdata (af-alg.json). For each: a cgroup, the
# profile applied, the conditions read back from syscalls.deny, then a
# shell moved in runs arg_probe (socket, personality, clone with chosen
# arguments, high bits included) and busybox. Then syscallsctl block and
# lift on a parent with two children, in both layouts. Prints TAP.
#
# On cgroup v1, or on v2 with SYSCALLS_CGROUP_V2=1 (as the C tests). Runs
# in the VM as root: syscallsctl in /bin, arg_probe beside this script and
# the profiles in /selftests/syscallsctl/ (scripts/initramfs.sh puts them
# there). Elsewhere SYSCALLSCTL names the binary, ARG_PROBE the probe and
# SYSCALLSCTL_TESTDATA the directory of the three profiles
# (docker-default.json, podman-default.json, af-alg.json). It mounts what
# it needs (v2: cgroup2 at /sys/fs/cgroup and +syscalls at its root; v1: a
# tmpfs there and the syscalls hierarchy at /sys/fs/cgroup/syscalls) unless
# it is there, and leaves the system as it found it: no test cgroup, and
# neither the mounts nor the +syscalls it made (the other version's tests
# need the controller free).

HERE=$(cd "$(dirname "$0")" && pwd)
CTL=${SYSCALLSCTL:-$(command -v syscallsctl || echo "$HERE/bin/syscallsctl")}
PROBE=${ARG_PROBE:-$HERE/arg_probe}
DATA=${SYSCALLSCTL_TESTDATA:-$HERE/syscallsctl}
W=/tmp/profiles-test
n=0
failed=0
if [ "${SYSCALLS_CGROUP_V2:-}" = 1 ]; then
	V=v2
	MNT=/sys/fs/cgroup
else
	V=v1
	MNT=/sys/fs/cgroup/syscalls
fi
T=$MNT/profiles-test

echo "TAP version 13"

ok() { n=$((n + 1)); echo "ok $n $V: $*"; }
nok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n $V: $*"
	# What the last command printed, for the log.
	for f in "$W/out" "$W/err"; do
		[ -s "$f" ] && sed "s|^|# ${f##*/}: |" "$f" | head -n 30
	done
	return 0
}
# result DESCRIPTION: ok when $why is empty, else not ok with the reason.
result() {
	if [ -z "$why" ]; then ok "$1"; else nok "$1: $why"; fi
}
# run CMD...: runs CMD; its stdout in $W/out, stderr in $W/err, status in rc.
run() {
	"$@" > "$W/out" 2> "$W/err"
	rc=$?
}
# want FILE TEXT: adds to $why unless FILE (out or err) has the fixed TEXT.
want() {
	grep -qF -- "$2" "$W/$1" || why="${why}no '$2' in its std$1; "
}
# inside CG 'COMMAND': a busybox shell that moves itself into CG, then
# execs a busybox shell for COMMAND, so that COMMAND runs wholly in CG.
inside() {
	busybox sh -c 'echo $$ > "$1/cgroup.procs" && exec busybox sh -c "$2"' inside "$1" "$2"
}
# probe CG ARGS... EXPECT: arg_probe ARGS in CG must print EXPECT ("ok",
# "EPERM (1)", ...); "allowed" takes ok or an errno other than EPERM and
# ENOSYS (the family may be missing from this kernel: EAFNOSUPPORT).
probe() {
	cg=$1 expect=$4
	run inside "$cg" "$PROBE $2 $3"
	got=$(cat "$W/out")
	case $expect in
	allowed)
		case $got in
		"EPERM (1)" | "ENOSYS (38)" | "") why="${why}$2 $3: '$got', expected to run; " ;;
		esac
		;;
	*) [ "$got" = "$expect" ] || why="${why}$2 $3: '$got', expected '$expect'; " ;;
	esac
}
# denied CG: the cgroup's count of denied calls (syscalls.events).
denied() {
	sed -n 's/^denied //p' "$1/syscalls.events" 2>/dev/null | grep . || echo -1
}
# has_items CG ITEM...: adds to $why for every ITEM that CG's syscalls.deny
# does not read (as a whole item).
has_items() {
	cg=$1
	shift
	tr ' ' '\n' < "$cg/syscalls.deny" > "$W/items"
	for item in "$@"; do
		grep -qxF -- "$item" "$W/items" || why="${why}$cg/syscalls.deny lacks $item ($(cat "$cg/syscalls.deny" | cut -c1-200)...); "
	done
}

rm -rf "$W"
mkdir -p "$W"

# The hierarchy, mounted unless it is.
mounted=
enabled=0
if [ $V = v2 ]; then
	if ! grep -q " $MNT cgroup2 " /proc/mounts; then
		mkdir -p $MNT
		mount -t cgroup2 none $MNT && mounted=$MNT
	fi
	if ! grep -qw syscalls $MNT/cgroup.subtree_control 2>/dev/null; then
		echo +syscalls > $MNT/cgroup.subtree_control && enabled=1
	fi
elif [ ! -f $MNT/syscalls.deny ]; then
	if ! grep -q " /sys/fs/cgroup tmpfs " /proc/mounts; then
		mkdir -p /sys/fs/cgroup
		mount -t tmpfs cgroup_root /sys/fs/cgroup && tmpfs=1
	fi
	mkdir -p $MNT
	# Right after the v2 tests the controller may be busy a moment, while
	# their cgroups go away.
	for i in $(seq 50); do
		mount -t cgroup -o syscalls syscalls $MNT 2> /dev/null && mounted=$MNT && break
		sleep 0.2
	done
fi
# mkcg CG: a cgroup that has the controller's files (on v2, enabled in its
# parent).
mkcg() {
	[ $V = v1 ] || grep -qw syscalls "${1%/*}/cgroup.subtree_control" ||
		echo +syscalls > "${1%/*}/cgroup.subtree_control"
	mkdir "$1"
}
rmdir $T/fleet/c1 $T/fleet/c2 $T/fleet $T/docker $T/podman $T/afalg $T 2> /dev/null
mkcg $T && mkcg $T/docker && mkcg $T/podman && mkcg $T/afalg
DOCKER=$DATA/docker-default.json
PODMAN=$DATA/podman-default.json
AFALG=$DATA/af-alg.json
# The real profiles, not stand-ins: their rules for other machines tell.
grep -q '"s390_runtime_instr"' "$DOCKER" 2>/dev/null && docker_ok=1 || docker_ok=0
grep -q '"SCMP_ARCH_S390X"' "$PODMAN" 2>/dev/null && grep -q '"AF_VSOCK\|"value": 40' "$PODMAN" &&
	podman_ok=1 || podman_ok=0
if [ -x "$CTL" ] && [ -x "$PROBE" ] && [ $docker_ok = 1 ] && [ $podman_ok = 1 ] &&
	[ -f "$AFALG" ] && [ -f $T/afalg/syscalls.deny ]; then
	ok "setup: $CTL, $PROBE, Docker's and Podman's real profiles and af-alg.json in $DATA, the controller in $T/*"
else
	nok "setup: $CTL, $PROBE, Docker's and Podman's real profiles and af-alg.json in $DATA, the controller in $T/* (docker $docker_ok, podman $podman_ok)"
	echo "1..$n"
	exit 1
fi

# ---- Docker's default profile.
why=
run "$CTL" apply "$DOCKER" $T/docker
[ $rc -eq 0 ] || why="${why}apply exited with $rc; "
want err "argument rules translated to conditions"
grep -q "cannot check" "$W/err" && why="${why}an argument rule was approximated; "
has_items $T/docker "x86_64:56(arg0&0x7e020000!=0)" "ia32:120(arg0&0x7e020000!=0)" \
	"x86_64:135(arg0!=0|8|131072|131080|4294967295)" "ia32:136(arg0!=0|8|131072|131080|4294967295)"
result "apply of Docker's profile (no --args): clone and personality get their argument conditions exactly, read back from syscalls.deny"

why=
probe $T/docker clone 0 ok
probe $T/docker clone 0x10000000 "EPERM (1)"
probe $T/docker clone 0x20000 "EPERM (1)"
result "under Docker's profile, a plain fork (clone 0) works; clone(CLONE_NEWUSER) and clone(CLONE_NEWNS) fail with EPERM"

why=
probe $T/docker personality 0xffffffff ok
probe $T/docker personality 8 ok
probe $T/docker personality 0x0040000 "EPERM (1)"
result "under Docker's profile, personality(0xffffffff) and personality(8) work, personality(ADDR_NO_RANDOMIZE) fails with EPERM"

why=
probe $T/docker socket 1 ok
probe $T/docker socket 2 allowed
probe $T/docker socket 38 allowed
result "under Docker's profile, socket(AF_UNIX) works and socket(AF_INET) and socket(AF_ALG) are not denied (its socket rule has no arguments)"

why=
before=$(denied $T/docker)
run inside $T/docker 'ls / > /dev/null && echo hi | cat && sh -c "echo nested"'
[ $rc -eq 0 ] || why="${why}exit status $rc; "
want out hi
want out nested
[ "$(denied $T/docker)" -eq "$before" ] ||
	why="${why}a call was denied: $(tr '\n' ' ' < $T/docker/syscalls.stat); "
result "under Docker's profile, busybox runs (ls, a pipe, sh -c) with no call denied: its forks pass clone's condition"

# ---- Podman's default profile: ENOSYS by default, EPERM for its errno
# rules; AF_VSOCK denied with EPERM; its NETLINK_AUDIT rules test two
# arguments, narrowed to AF_NETLINK on arg0 alone.
why=
run "$CTL" apply "$PODMAN" $T/podman
[ $rc -eq 0 ] || why="${why}apply exited with $rc; "
want err "tests arg2 besides arg0 of socket"
want err "socket: the profile gives errno 22 for some arguments; a call has one action here: errno 1"
has_items $T/podman "x86_64:41(arg0=16|40)" "ia32:359(arg0=16|40)" \
	"x86_64:135(arg0!=0|8|131072|131080|4294967295)" "ia32:136(arg0!=0|8|131072|131080|4294967295)"
grep -q '^errno ENOSYS$' $T/podman/syscalls.action || why="${why}the default action is not ENOSYS; "
grep -q '^errno EPERM .*41' $T/podman/syscalls.action || why="${why}socket has not EPERM as its own action; "
result "apply of Podman's profile: socket's and personality's conditions read back, socket's own action EPERM beside the default ENOSYS, the two-argument rule noted"

why=
probe $T/podman socket 1 ok
probe $T/podman socket 1:1 ok
probe $T/podman socket 2 allowed
probe $T/podman socket 40 "EPERM (1)"
probe $T/podman socket 40:1 "EPERM (1)"
probe $T/podman socket 40:0xffffffff "EPERM (1)"
probe $T/podman socket 16 "EPERM (1)"
result "under Podman's profile, socket(AF_UNIX) and socket(AF_INET) run; socket(AF_VSOCK) fails with EPERM, high bits set or not (the kernel reads an int); socket(AF_NETLINK) too (narrowed)"

why=
probe $T/podman personality 0xffffffff ok
probe $T/podman personality 0x0040000 "ENOSYS (38)"
probe $T/podman clone 0 ok
result "under Podman's profile, personality(0xffffffff) works and personality(ADDR_NO_RANDOMIZE) fails with its default ENOSYS; a fork works"

why=
before=$(denied $T/podman)
run inside $T/podman 'ls / > /dev/null && echo hi | cat'
[ $rc -eq 0 ] || why="${why}exit status $rc; "
want out hi
[ "$(denied $T/podman)" -eq "$before" ] ||
	why="${why}a call was denied: $(tr '\n' ' ' < $T/podman/syscalls.stat); "
result "under Podman's profile, busybox runs (ls, a pipe) with no call denied"

# ---- The AF_ALG rule: socket allowed below 38, at 39 and above 40.
why=
run "$CTL" apply "$AFALG" $T/afalg
[ $rc -eq 0 ] || why="${why}apply exited with $rc; "
want err "socket(arg0=38|40)"
has_items $T/afalg "x86_64:41(arg0=38|40)" "ia32:359(arg0=38|40)"
[ "$(cat $T/afalg/syscalls.action)" = "errno EPERM" ] ||
	why="${why}syscalls.action reads '$(tr '\n' '|' < $T/afalg/syscalls.action)'; "
result "apply of af-alg.json: socket(arg0=38|40) read back, with the profile's EPERM"

why=
calls=$(sed -n 's/^socket //p' $T/afalg/syscalls.stat | grep . || echo 0)
probe $T/afalg socket 1 ok
probe $T/afalg socket 2 allowed
probe $T/afalg socket 37 allowed
probe $T/afalg socket 39 allowed
probe $T/afalg socket 41 allowed
probe $T/afalg socket 38 "EPERM (1)"
probe $T/afalg socket 38:1 "EPERM (1)"
probe $T/afalg socket 40 "EPERM (1)"
probe $T/afalg socket 40:1 "EPERM (1)"
now=$(sed -n 's/^socket //p' $T/afalg/syscalls.stat | grep . || echo 0)
[ "$now" -eq $((calls + 4)) ] || why="${why}syscalls.stat counts $now socket denials, expected $((calls + 4)); "
result "under af-alg.json, socket(AF_ALG) and socket(40) fail with EPERM, also with high bits set, each counted; families 1, 2, 37, 39 and 41 are not denied"

why=
before=$(denied $T/afalg)
run inside $T/afalg 'ls / > /dev/null && echo hi | cat'
[ $rc -eq 0 ] || why="${why}exit status $rc; "
want out hi
[ "$(denied $T/afalg)" -eq "$before" ] ||
	why="${why}a call was denied: $(tr '\n' ' ' < $T/afalg/syscalls.stat); "
result "under af-alg.json, busybox runs (ls, a pipe) with no call denied"

why=
run "$CTL" show $T/afalg
[ $rc -eq 0 ] || why="${why}show exited with $rc; "
want out "denied by argument (the call runs unless a condition holds)"
want out "  socket(arg0=38|40)"
result "show lists socket(arg0=38|40) among the calls denied by argument"

# ---- block and lift: a parent with two containers.
mkcg $T/fleet && mkcg $T/fleet/c1 && mkcg $T/fleet/c2
why=
run "$CTL" block $T/fleet 'socket(arg0=38)' --layout baseline
[ $rc -eq 0 ] || why="${why}block exited with $rc; "
want out "blocked in $T/fleet: socket(arg0=38)"
want out "baseline at $T/fleet: every cgroup below is blocked; no child can lift it"
probe $T/fleet/c1 socket 38 "ENOSYS (38)"
probe $T/fleet/c2 socket 38:1 "ENOSYS (38)"
probe $T/fleet/c2 socket 1 ok
run "$CTL" lift $T/fleet/c1 'socket(arg0=38)'
[ $rc -ne 0 ] || why="${why}a child's lift succeeded; "
want err "socket(arg0=38) is held by the baseline at $T/fleet: lift it there"
echo 'socket(arg0=38)' > $T/fleet/c1/syscalls.allow 2> "$W/err" &&
	why="${why}the kernel let a child allow its parent's exact condition; "
want err "Operation not permitted"
probe $T/fleet/c1 socket 38 "ENOSYS (38)"
run "$CTL" lift $T/fleet 'socket(arg0=38)'
[ $rc -eq 0 ] || why="${why}lift at the parent exited with $rc; "
probe $T/fleet/c1 socket 38 allowed
result "block --layout baseline: both children are blocked (ENOSYS, their action), a child's lift is refused naming the baseline (and the kernel's EPERM), a lift at the parent frees them"

why=
run "$CTL" block $T/fleet 'socket(arg0=38)' --layout fanout
[ $rc -eq 0 ] || why="${why}block exited with $rc; "
want out "blocked in $T/fleet/c1: socket(arg0=38)"
want out "blocked in $T/fleet/c2: socket(arg0=38)"
want out "fanned out to 2 cgroups: each can be lifted with syscallsctl lift"
has_items $T/fleet/c1 "x86_64:41(arg0=38)" "ia32:359(arg0=38)"
probe $T/fleet/c1 socket 38 "ENOSYS (38)"
run "$CTL" lift $T/fleet/c1 'socket(arg0=38)'
[ $rc -eq 0 ] || why="${why}lift of c1 exited with $rc; "
want out "lifted in $T/fleet/c1: socket(arg0=38)"
probe $T/fleet/c1 socket 38 allowed
probe $T/fleet/c2 socket 38 "ENOSYS (38)"
result "block --layout fanout: each child is blocked; lifting c1 frees c1 alone"

# Cleanup: every test cgroup (their tasks are gone), the +syscalls and the
# mounts if this test made them.
rmdir $T/fleet/c1 $T/fleet/c2 $T/fleet $T/docker $T/podman $T/afalg $T 2> /dev/null
why=
[ ! -d $T ] || why="$T is left; "
if [ $enabled -eq 1 ]; then
	echo -syscalls > $MNT/cgroup.subtree_control ||
		why="${why}cannot disable the controller at the root; "
fi
if [ -n "$mounted" ]; then
	umount "$mounted" || why="${why}cannot unmount $mounted; "
fi
if [ "${tmpfs:-0}" = 1 ]; then
	umount /sys/fs/cgroup || why="${why}cannot unmount /sys/fs/cgroup; "
fi
rm -rf "$W"
result "cleanup: no test cgroup left, and the root and the mounts as they were"

echo "1..$n"
[ $failed -eq 0 ]
