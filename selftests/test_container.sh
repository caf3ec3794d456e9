#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A real container runtime on cgroup v2: Debian's crun runs an OCI bundle
# with a busybox rootfs in the cgroup /box/ctr; while the container runs,
# syscallsctl denies mkdir in its cgroup and the container's next mkdir fails
# with ENOSYS; with the cgroup's action set to errno EPERM, it fails with
# EPERM; allowed again, its mkdir works, and the container never restarted.
# Then Docker's profile at creation, through the bundle's
# linux.resources.unified: with syscalls.arm=exec crun's own setup runs and
# the program's first call is judged; with syscalls.arm=now the container
# cannot start. Then the emergency of CVE-2026-31431: two crun containers
# under one parent, /fleet, whose socket(AF_ALG) syscallsctl blocks in both
# at once and lifts in one, while they run, in the two layouts (fanned out
# to each container, and a locked baseline at the parent that no container
# can lift). Prints TAP, and between the results "# " lines that tell the
# story; with the argument --demo (`make demo-container`) these lines go
# without the "# ".
#
# Runs in the VM as root with the overlay of scripts/container.sh at
# /overlay: crun and its libraries in /overlay/crun, the bundle in
# /overlay/bundle; syscallsctl (tools/syscallsctl) from PATH (the base
# initramfs has it in /bin), else /overlay/syscallsctl. The container's
# process prints one numbered line per
# mkdir attempt ("N mkdir ok" or "N mkdir failed: ERROR"), every 0.2 s.
# Leaves the system as it found it: no container, no cgroup, no mount.

O=${CONTAINER_OVERLAY:-/overlay}
MNT=/sys/fs/cgroup
CG=$MNT/box/ctr
ID=ctr
LOG=/tmp/container.log
WAIT=60 # seconds a step may take, for TCG
n=0
failed=0
P='# '
[ "${1-}" != --demo ] || P=

# at: how long the test has run, after each result (each step starts
# containers, which TCG makes slow: this says which).
T0=$(date +%s)
at() { [ -z "$P" ] || echo "${P}at $(($(date +%s) - T0)) s"; }
ok() { n=$((n + 1)); echo "ok $n $*"; at; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $*"; at; }
check() { # check DESCRIPTION CMD...: one result, CMD's status
	d=$1
	shift
	if "$@"; then ok "$d"; else nok "$d"; fi
}
say() { printf '\n%s%s\n' "$P" "$*"; }
show() { sed "s/^/$P  /" "$@"; }
run() { # run CMD...: prints "$ CMD" and its output, returns its status
	printf '%s$ %s\n' "$P" "$*"
	"$@" > /tmp/container.out 2>&1
	rc=$?
	show /tmp/container.out
	return $rc
}
runsh() { # runsh 'SHELL COMMAND': the same for a command with redirections
	printf '%s$ %s\n' "$P" "$1"
	eval "$1" > /tmp/container.out 2>&1
	rc=$?
	show /tmp/container.out
	return $rc
}

CTL=$(command -v syscallsctl || echo "$O/syscallsctl")
syscallsctl() { "$CTL" "$@"; }

# control VERB ARGS...: the one kind of step that changes the policy of the
# container's cgroup: syscallsctl deny|allow|action on it.
control() {
	v=$1
	shift
	runsh "syscallsctl $v $CG $*"
}

crun() {
	LD_LIBRARY_PATH=$O/crun/lib "$O/crun/bin/crun" --root /run/crun --cgroup-manager=cgroupfs "$@"
}
runc() {
	LD_LIBRARY_PATH=$O/crun/lib "$O/runc/bin/runc" --root /run/runc "$@"
}

# last: the number of the container's last attempt (0 if none yet).
last() {
	l=$(sed -n 's/^\([0-9][0-9]*\) mkdir.*/\1/p' "$LOG" | tail -n 1)
	echo "${l:-0}"
}

# attempt N: waits for the container's attempt N and prints its line.
attempt() {
	t=0
	while [ "$(last)" -lt "$1" ]; do
		t=$((t + 1))
		[ $t -le $((WAIT * 5)) ] || return 1
		sleep 0.2
	done
	grep "^$1 mkdir" "$LOG"
}

# after: the line of the first attempt that began after now (the one
# after the attempt that may be under way), in /tmp/container.line; shows
# the container's lines up to it.
after() {
	b=$(($(last) + 1))
	a=$((b + 1))
	rm -f /tmp/container.line
	line=$(attempt $a) || return 1
	echo "$line" > /tmp/container.line
	sed -n "/^$b mkdir/,/^$a mkdir/p" "$LOG" | sed "s/^/${P}container> /"
}

state() { # state FIELD: the field of crun state, e.g. pid or status
	crun state "$ID" 2>/dev/null |
		sed -n "s/^ *\"$1\": *\"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}$/\1/p"
}

# The C library of crun, where its loader looks for it (unless the
# system has one).
links=
if [ ! -e /lib64/ld-linux-x86-64.so.2 ]; then
	mkdir -p /lib64 /lib
	ln -sfn "$O/crun/lib/ld-linux-x86-64.so.2" /lib64/ld-linux-x86-64.so.2
	ln -sfn "$O/crun/lib" /lib/x86_64-linux-gnu
	links="/lib64/ld-linux-x86-64.so.2 /lib/x86_64-linux-gnu"
fi
mounted_run=0
if ! grep -q ' /run ' /proc/mounts; then
	mkdir -p /run
	mount -t tmpfs run /run && mounted_run=1
fi

say "Debian's $(crun --version | head -n 1), on cgroup v2"
mounted=0
if ! grep -q " $MNT cgroup2 " /proc/mounts; then
	mkdir -p $MNT
	mount -t cgroup2 none $MNT && mounted=1
fi
run cat $MNT/cgroup.controllers
say "Enable the controller for the children of /box, the container's parent."
enabled=0
grep -qw syscalls $MNT/cgroup.subtree_control || enabled=1
runsh "echo +syscalls > $MNT/cgroup.subtree_control"
run mkdir $MNT/box
runsh "echo +syscalls > $MNT/box/cgroup.subtree_control"

say "Run the bundle detached in the cgroup /box/ctr (crun creates it)."
rm -f "$LOG"
printf '%s$ crun run --no-pivot -d --bundle %s %s\n' "$P" "$O/bundle" "$ID"
crun run --no-pivot -d --bundle "$O/bundle" "$ID" > "$LOG" 2>&1
rc=$?
pid=$(state pid)
run crun list
check "crun runs the bundle (status running, init pid ${pid:-none})" \
	[ $rc -eq 0 -a "$(state status)" = running -a -n "$pid" ]
if grep -qx "${pid:-none}" $CG/cgroup.procs && [ -f $CG/syscalls.deny ]; then
	ok "the container is in $CG, where the controller is enabled"
else
	nok "the container is in $CG, where the controller is enabled"
fi
run cat /proc/"$pid"/cgroup
run cat $CG/syscalls.deny

say "The container's mkdir works."
if after && grep -q 'mkdir ok$' /tmp/container.line; then
	ok "the container's mkdir works"
else
	nok "the container's mkdir works: $(cat /tmp/container.line 2>/dev/null)"
fi

say "Deny mkdir in the container's cgroup: its next mkdir fails with ENOSYS."
control deny mkdir
run cat $CG/syscalls.deny
if after && grep -q 'mkdir failed: .*Function not implemented' /tmp/container.line; then
	ok "after the deny, the container's next mkdir fails with ENOSYS"
else
	nok "after the deny, the container's next mkdir fails with ENOSYS: $(cat /tmp/container.line 2>/dev/null)"
fi

say "Make denied calls fail with EPERM instead: its next mkdir fails so."
control action errno EPERM
run cat $CG/syscalls.action
if after && grep -q 'mkdir failed: .*Operation not permitted' /tmp/container.line; then
	ok "with the action errno EPERM, the container's next mkdir fails with EPERM"
else
	nok "with the action errno EPERM, the container's next mkdir fails with EPERM: $(cat /tmp/container.line 2>/dev/null)"
fi

say "Allow it again: the same container's mkdir works at once."
control allow mkdir
run cat $CG/syscalls.deny
if after && grep -q 'mkdir ok$' /tmp/container.line; then
	ok "after the allow, the container's mkdir works again"
else
	nok "after the allow, the container's mkdir works again: $(cat /tmp/container.line 2>/dev/null)"
fi

run crun list
now=$(state pid)
starts=$(grep -c '^container: pid' "$LOG")
check "the container's init (pid ${pid:-none}) never restarted" \
	[ -n "$pid" -a "$now" = "$pid" -a "$starts" -eq 1 -a "$(state status)" = running ]

# at_creation RUNTIME ID ARM [EXTRA]: a bundle in /tmp/ID like the first, whose process is
# /first_unshare, in the cgroup /box/ID, with Docker's profile (translated
# by syscallsctl policy) and syscalls.arm=ARM in linux.resources.unified
# (and the JSON members EXTRA, with a trailing comma, before them):
# the runtime writes both into the cgroup it creates, before the
# container's process goes on from joining it. Runs it detached with
# RUNTIME (crun or runc); its output in /tmp/ID.log.
at_creation() {
	rt=$1
	shift
	b=/tmp/$1
	rm -rf "$b"
	mkdir -p "$b"
	# The policy as a JSON string, and escaped for sed's replacement: its
	# conditions hold "|" and "&" (socket(arg0=40), clone(arg0&0x7e020000!=0)).
	text=$(syscallsctl policy --args widen "$PROFILE" 2>/dev/null |
		awk '{ printf "%s\\\\n", $0 }' | sed 's/[#&]/\\&/g')
	sed -e 's|"args": \[.*\],|"args": [ "/first_unshare" ],|' \
		-e "s|\"path\": \"rootfs\"|\"path\": \"$O/bundle/rootfs\"|" \
		-e "s|\"hostname\": \"box\"|\"hostname\": \"$1\"|" \
		-e "s#\"cgroupsPath\": \"/box/ctr\",#\"cgroupsPath\": \"/box/$1\", \"resources\": { \"unified\": { ${3:-}\"syscalls.arm\": \"$2\", \"syscalls.policy\": \"$text\" } },#" \
		"$O/bundle/config.json" > "$b/config.json"
	printf '%s$ %s run --no-pivot -d --bundle %s %s   # unified: syscalls.arm=%s, syscalls.policy=<Docker'"'"'s profile>\n' \
		"$P" "$rt" "$b" "$1" "$2"
	$rt run --no-pivot -d --bundle "$b" "$1" > "/tmp/$1.log" 2>&1 < /dev/null
}

# first_line ID: waits for the first line of container ID's process.
first_line() {
	t=0
	while ! grep -q '^unshare: ' "/tmp/$1.log" 2>/dev/null; do
		t=$((t + 1))
		[ $t -le $((WAIT * 5)) ] || return 1
		sleep 0.2
	done
	grep '^unshare: ' "/tmp/$1.log"
}

# gone RUNTIME ID: kills and deletes container ID.
gone() {
	$1 kill "$2" KILL > /dev/null 2>&1
	t=0
	while $1 state "$2" 2>/dev/null | grep -q '"running"' && [ $t -lt $((WAIT * 5)) ]; do
		t=$((t + 1))
		sleep 0.2
	done
	$1 delete -f "$2" > /dev/null 2>&1
	# A runtime that refused a bundle may leave its empty cgroup.
	rmdir "$MNT/box/$2" 2>/dev/null
	rm -rf "/tmp/$2" "/tmp/$2.log"
}

# created RUNTIME ID RC: the results of a container made with Docker's
# profile and syscalls.arm=exec, whose start returned RC.
created() {
	line=$(first_line "$2")
	show "/tmp/$2.log"
	run cat $MNT/box/$2/syscalls.arm $MNT/box/$2/syscalls.stat $MNT/box/$2/syscalls.unarmed
	check "$1 starts a container whose cgroup gets Docker's profile and syscalls.arm=exec through linux.resources.unified" \
		[ "$3" -eq 0 -a "$(cat $MNT/box/$2/syscalls.arm 2>/dev/null)" = exec ]
	check "$1: the program's first system call, unshare(0), fails with the profile's EPERM (${line:-no line})" \
		[ "$line" = "unshare: -1" ]
	check "$1: syscalls.stat of its cgroup shows that one denial only, none of $1's setup before the exec, and no task waits" \
		[ "$(cat $MNT/box/$2/syscalls.stat 2>/dev/null)" = "unshare 1" -a \
		-z "$(cat $MNT/box/$2/syscalls.unarmed 2>/dev/null)" ]
}

PROFILE=${SYSCALLSCTL_DOCKER_PROFILE:-/selftests/syscallsctl/docker-default.json}
say "A profile at creation. Docker's profile denies mount, sethostname and
${P}unshare; crun mounts and sets the host name in the container's cgroup
${P}before it executes the container's program. With syscalls.arm=exec the
${P}profile judges from that exec on: the program's first call, unshare(0),
${P}fails with the profile's EPERM, and nothing was denied before."
at_creation crun ctr2 exec
created crun ctr2 $?
gone crun ctr2
say "The same bundle with Debian's $(runc --version | head -n 1)."
at_creation runc ctr4 exec
created runc ctr4 $?
gone runc ctr4

say "runc too: the first bundle in /box/ctr5, its policy changed while it runs."
b=/tmp/ctr5
rm -rf "$b"
mkdir -p "$b"
sed -e "s|\"path\": \"rootfs\"|\"path\": \"$O/bundle/rootfs\"|" \
	-e 's|"cgroupsPath": "/box/ctr",|"cgroupsPath": "/box/ctr5",|' \
	"$O/bundle/config.json" > "$b/config.json"
LOG=/tmp/ctr5.log
printf '%s$ runc run --no-pivot -d --bundle %s ctr5\n' "$P" "$b"
runc run --no-pivot -d --bundle "$b" ctr5 > "$LOG" 2>&1 < /dev/null
rpid=$(runc state ctr5 2>/dev/null | sed -n 's/^ *"pid": *\([0-9]*\),*$/\1/p')
if after && grep -q 'mkdir ok$' /tmp/container.line; then
	ok "runc runs the bundle (init pid ${rpid:-none}) and its mkdir works"
else
	nok "runc runs the bundle and its mkdir works: $(cat /tmp/container.line 2>/dev/null)"
fi
runsh "syscallsctl deny $MNT/box/ctr5 mkdir"
runsh "syscallsctl action $MNT/box/ctr5 errno EPERM"
if after && grep -q 'mkdir failed: .*Operation not permitted' /tmp/container.line; then
	ok "runc: after the deny with errno EPERM, the container's next mkdir fails with EPERM"
else
	nok "runc: after the deny with errno EPERM, the container's next mkdir fails with EPERM: $(cat /tmp/container.line 2>/dev/null)"
fi
runsh "syscallsctl allow $MNT/box/ctr5 mkdir"
if after && grep -q 'mkdir ok$' /tmp/container.line; then
	ok "runc: after the allow, the container's mkdir works again"
else
	nok "runc: after the allow, the container's mkdir works again: $(cat /tmp/container.line 2>/dev/null)"
fi
now=$(runc state ctr5 2>/dev/null | sed -n 's/^ *"pid": *\([0-9]*\),*$/\1/p')
check "runc: the container's init (pid ${rpid:-none}) never restarted" \
	[ -n "$rpid" -a "$now" = "$rpid" -a "$(grep -c '^container: pid' "$LOG")" -eq 1 ]
[ $failed -eq 0 ] || show "$LOG"
gone runc ctr5
LOG=/tmp/container.log

say "The same with syscalls.arm=now: the profile judges crun's own setup at once,
${P}and the container does not start."
at_creation crun ctr3 now
rc=$?
show /tmp/ctr3.log
check "with syscalls.arm=now, crun's setup (mounts, sethostname) is denied and the container fails to start" \
	[ $rc -ne 0 ]
gone crun ctr3

say "A key the controller does not have: the runtime cannot write it, and
${P}the container does not start."
at_creation crun ctr6 exec '\"syscalls.bogus\": \"1\", '
rc=$?
show /tmp/ctr6.log
refused() { [ "$1" -ne 0 ] && grep -q 'syscalls.bogus' /tmp/ctr6.log; }
check "a unified key the controller lacks (syscalls.bogus) makes crun refuse the container" \
	refused $rc
gone crun ctr6

# The emergency: two running containers under /fleet, each asking for an
# AF_ALG socket every 0.2 s (selftests/alg_loop.c). This kernel has no
# AF_ALG, so an allowed call fails with EAFNOSUPPORT ("Address family not
# supported by protocol"); a blocked one fails with the cgroup's action,
# ENOSYS ("Function not implemented"), before it runs.
FLEET=$MNT/fleet
BLOCK='socket(arg0=38)'
# alg_after ID: the line of container ID's first attempt that began after
# now, in /tmp/ID.line.
alg_last() {
	l=$(sed -n 's/^\([0-9][0-9]*\) alg.*/\1/p' "/tmp/$1.log" | tail -n 1)
	echo "${l:-0}"
}
alg_after() {
	a=$(($(alg_last "$1") + 2))
	t=0
	while [ "$(alg_last "$1")" -lt $a ]; do
		t=$((t + 1))
		[ $t -le $((WAIT * 5)) ] || return 1
		sleep 0.2
	done
	grep "^$a alg" "/tmp/$1.log" > "/tmp/$1.line"
	sed "s/^/${P}$1> /" "/tmp/$1.line"
}
# alg ID WANT: whether container ID's next attempt fails with WANT
# (blocked: ENOSYS; open: EAFNOSUPPORT).
alg() {
	case $2 in
	blocked) m='Function not implemented' ;;
	open) m='Address family not supported' ;;
	esac
	alg_after "$1" && grep -q "alg failed: $m" "/tmp/$1.line"
}
# fleet_start ID: runs the first bundle with alg_loop as its process in
# /fleet/ID.
fleet_start() {
	b=/tmp/$1
	rm -rf "$b"
	mkdir -p "$b"
	sed -e 's|"args": \[.*\],|"args": [ "/alg_loop" ],|' \
		-e "s|\"path\": \"rootfs\"|\"path\": \"$O/bundle/rootfs\"|" \
		-e "s|\"hostname\": \"box\"|\"hostname\": \"$1\"|" \
		-e "s|\"cgroupsPath\": \"/box/ctr\",|\"cgroupsPath\": \"/fleet/$1\",|" \
		"$O/bundle/config.json" > "$b/config.json"
	printf '%s$ crun run --no-pivot -d --bundle %s %s\n' "$P" "$b" "$1"
	crun run --no-pivot -d --bundle "$b" "$1" > "/tmp/$1.log" 2>&1 < /dev/null
}
fleet_pid() {
	crun state "$1" 2>/dev/null | sed -n 's/^ *"pid": *\([0-9]*\),*$/\1/p'
}

say "The emergency: socket(AF_ALG) must stop in every running container, now.
${P}Two containers run under /fleet; each asks for an AF_ALG socket every 0.2 s.
${P}This kernel has no AF_ALG: while the call is open it fails with EAFNOSUPPORT."
run mkdir $FLEET
runsh "echo +syscalls > $FLEET/cgroup.subtree_control"
fleet_start alga
fleet_start algb
pa=$(fleet_pid alga)
pb=$(fleet_pid algb)
if alg alga open && alg algb open; then
	ok "two crun containers run under /fleet, socket(AF_ALG) open in both"
else
	nok "two crun containers run under /fleet, socket(AF_ALG) open in both"
fi

say "Block it in both at once, fanned out: a rule in each container's cgroup."
runsh "syscallsctl block --layout fanout $FLEET '$BLOCK'"
grep -q 'fanned out' /tmp/container.out; fanned=$?
run cat $FLEET/alga/syscalls.policy
if [ $fanned -eq 0 ] && alg alga blocked && alg algb blocked; then
	ok "syscallsctl block --layout fanout blocks socket(AF_ALG) in both running containers, and says it fanned out"
else
	nok "syscallsctl block --layout fanout blocks socket(AF_ALG) in both running containers, and says it fanned out"
fi

say "A workload broke: lift the block for alga alone; algb stays blocked."
runsh "syscallsctl lift $FLEET/alga '$BLOCK'"
if alg alga open && alg algb blocked; then
	ok "syscallsctl lift opens socket(AF_ALG) in alga again while algb stays blocked"
else
	nok "syscallsctl lift opens socket(AF_ALG) in alga again while algb stays blocked"
fi

say "The other layout: a locked baseline at /fleet, which no container can lift."
runsh "syscallsctl block --layout baseline $FLEET '$BLOCK'"
grep -q 'baseline' /tmp/container.out; based=$?
run cat $FLEET/syscalls.policy $FLEET/alga/syscalls.deny
if [ $based -eq 0 ] && alg alga blocked && alg algb blocked; then
	ok "syscallsctl block --layout baseline blocks socket(AF_ALG) below /fleet, and says it wrote a baseline"
else
	nok "syscallsctl block --layout baseline blocks socket(AF_ALG) below /fleet, and says it wrote a baseline"
fi
runsh "syscallsctl lift $FLEET/alga '$BLOCK'"
refused=$rc
grep -q 'baseline' /tmp/container.out; named=$?
runsh "echo '$BLOCK' > $FLEET/alga/syscalls.allow"
kernel=$rc
if [ $refused -ne 0 ] && [ $named -eq 0 ] && [ $kernel -ne 0 ] && alg alga blocked; then
	ok "the baseline cannot be lifted in a container: syscallsctl names the baseline, the kernel refuses the allow (EPERM), alga stays blocked"
else
	nok "the baseline cannot be lifted in a container: syscallsctl names the baseline, the kernel refuses the allow (EPERM), alga stays blocked"
fi
runsh "syscallsctl lift $FLEET '$BLOCK'"
if alg alga open && alg algb blocked; then
	ok "lifted at /fleet, the baseline is gone: alga is open, algb keeps its own fanned-out block"
else
	nok "lifted at /fleet, the baseline is gone: alga is open, algb keeps its own fanned-out block"
fi
check "neither container restarted (init pids ${pa:-none} and ${pb:-none})" \
	[ -n "$pa" -a -n "$pb" -a "$(fleet_pid alga)" = "$pa" -a "$(fleet_pid algb)" = "$pb" -a \
	"$(grep -c '^container: pid' /tmp/alga.log)" -eq 1 -a \
	"$(grep -c '^container: pid' /tmp/algb.log)" -eq 1 ]
[ $failed -eq 0 ] || show /tmp/alga.log /tmp/algb.log
gone crun alga
gone crun algb
rmdir $MNT/fleet/alga $MNT/fleet/algb $FLEET 2>/dev/null

say "Stop and delete the container, then the cgroups."
run crun kill "$ID" KILL
t=0
while [ "$(state status)" = running ] && [ $t -lt $((WAIT * 5)) ]; do
	t=$((t + 1))
	sleep 0.2
done
run crun delete "$ID"
gone=1
[ ! -d $CG ] || gone=0
rmdir $MNT/box 2>/dev/null
[ ! -d $MNT/box ] || gone=0
[ $enabled -eq 0 ] || runsh "echo -syscalls > $MNT/cgroup.subtree_control"
check "cleanup leaves no container and no cgroup behind" \
	[ $gone -eq 1 -a -z "$(crun list -q 2>/dev/null)" -a \
	-z "$(ls -d $MNT/*/ 2>/dev/null)" ]
if [ $failed -ne 0 ]; then
	say "the container's output:"
	show "$LOG"
fi
[ $mounted -eq 0 ] || umount $MNT
[ $mounted_run -eq 0 ] || umount /run
[ -z "$links" ] || rm -f $links
rm -f /tmp/container.out /tmp/container.line
if [ -z "$P" ]; then
	echo
	echo "demo-container: $((n - failed)) of $n results as expected"
fi
[ $failed -eq 0 ]
