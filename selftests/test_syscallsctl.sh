#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# syscallsctl (tools/syscallsctl) against the real controller, on cgroup v2:
# apply of Docker's real default seccomp profile (moby's
# profiles/seccomp/default.json, from Debian's golang-github-docker-docker-dev)
# with its --dry-run notes, its clone3 rule's ENOSYS as an action of
# clone3's own in syscalls.action beside the default EPERM, busybox at work
# under it (ls, mkdir and rmdir, cat, a pipe, sh -c), calls the profile
# forbids (swapon, unshare, mount, chroot) failing with EPERM and counted by
# name in syscalls.events and syscalls.stat; the compact Docker-style
# fixture of testdata; bad input, record (and its --oci profile applied
# back), show, groups, deny of a @group and the action verb with calls.
# Prints TAP.
#
# Runs in the VM as root: the base initramfs has syscallsctl in /bin and, in
# /selftests/syscallsctl/ (next to this script), the fixtures of
# tools/syscallsctl/testdata (docker-style.json) and Docker's profile as
# docker-default.json (scripts/profiles.sh fetches it; scripts/initramfs.sh
# copies it). Elsewhere, SYSCALLSCTL names the binary (without it, a
# syscallsctl on PATH or in bin/ next to this script is used),
# SYSCALLSCTL_TESTDATA the directory of the profiles and
# SYSCALLSCTL_DOCKER_PROFILE Docker's profile, if it is elsewhere; e.g. from
# an overlay: SYSCALLSCTL=/overlay/bin/syscallsctl
# SYSCALLSCTL_TESTDATA=/overlay/syscallsctl sh /overlay/test_syscallsctl.sh. Mounts cgroup2 at /sys/fs/cgroup unless it is mounted,
# enables the controller at the root unless it is enabled, and leaves the
# system as it found it: no test cgroup, and neither the mount nor the
# +syscalls at the root if it made them (the v1 tests need the controller
# free).

HERE=$(cd "$(dirname "$0")" && pwd)
CTL=${SYSCALLSCTL:-$(command -v syscallsctl || echo "$HERE/bin/syscallsctl")}
DATA=${SYSCALLSCTL_TESTDATA:-$HERE/syscallsctl}
# Docker's real default profile, and the compact fixture in its image.
PROFILE=${SYSCALLSCTL_DOCKER_PROFILE:-$DATA/docker-default.json}
STYLE=$DATA/docker-style.json
MNT=/sys/fs/cgroup
T=$MNT/syscallsctl-test
W=/tmp/syscallsctl-test
n=0
failed=0

echo "TAP version 13"

ok() { n=$((n + 1)); echo "ok $n $*"; }
nok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n $*"
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
# want_rc 0|fail: adds to $why unless the last run's status matches.
want_rc() {
	case $1 in
	0) [ "$rc" -eq 0 ] || why="${why}exit status $rc, expected 0; " ;;
	fail) [ "$rc" -ne 0 ] || why="${why}exit status 0, expected a failure; " ;;
	esac
}
# want FILE TEXT: adds to $why unless FILE (out or err) has the fixed TEXT.
want() {
	grep -qF -- "$2" "$W/$1" || why="${why}no '$2' in its std$1; "
}
# want_re FILE RE: the same for a basic regular expression.
want_re() {
	grep -q -- "$2" "$W/$1" || why="${why}nothing matches '$2' in its std$1; "
}
# denied_x86_64: the x86_64 calls show (its output in $W/out) lists as
# denied, one a line (a policy that allows most calls, as Docker's does, is
# shown as "N denied: ...").
denied_x86_64() {
	sed -n 's/^  x86_64  [0-9]* denied: //p' "$W/out" | tr ' ' '\n'
}
# snap CG: the files a failed command must leave as they were.
snap() {
	for f in deny mode action learn; do
		printf '%s: %s\n' "$f" "$(cat "$1/syscalls.$f" 2>&1)"
	done
}
# unchanged CG BEFORE: adds to $why unless CG's files are as in BEFORE.
unchanged() {
	snap "$1" > "$W/after"
	cmp -s "$2" "$W/after" || why="${why}$1 changed: $(tr '\n' ' ' < "$W/after"); "
}
# inside CG 'COMMAND': a busybox shell that moves itself into CG, then
# execs a busybox shell for COMMAND, so that COMMAND runs wholly in CG.
inside() {
	busybox sh -c 'echo $$ > "$1/cgroup.procs" && exec busybox sh -c "$2"' inside "$1" "$2"
}
# denied CG: the cgroup's count of denied calls (syscalls.events).
denied() {
	sed -n 's/^denied //p' "$1/syscalls.events" 2>/dev/null | grep . || echo -1
}
# stat_of CG CALL: how often CALL was denied in CG (syscalls.stat), 0 if
# never.
stat_of() {
	sed -n "s/^$2 //p" "$1/syscalls.stat" 2>/dev/null | grep . || echo 0
}

rm -rf "$W"
mkdir -p "$W"

mounted=0
if ! grep -q " $MNT cgroup2 " /proc/mounts; then
	mkdir -p $MNT
	mount -t cgroup2 none $MNT && mounted=1
fi
enabled=0
if ! grep -qw syscalls $MNT/cgroup.subtree_control 2>/dev/null; then
	echo +syscalls > $MNT/cgroup.subtree_control && enabled=1
fi
# $T holds no policy and no task; its children are the test's cgroups.
mkdir $T && echo +syscalls > $T/cgroup.subtree_control &&
	mkdir $T/box $T/nar $T/sty $T/par $T/rec $T/grp
# Docker's profile, not the stand-in: its rules for other machines tell.
grep -q '"SCMP_ARCH_S390X"' "$PROFILE" 2>/dev/null &&
	grep -q '"s390_runtime_instr"' "$PROFILE" && docker_ok=1 || docker_ok=0
if [ -x "$CTL" ] && [ $docker_ok -eq 1 ] && [ -f "$STYLE" ] && [ -f $T/box/syscalls.deny ]; then
	ok "setup: $CTL, $PROFILE (Docker's default profile), $STYLE, cgroup2 with the controller in $T/*"
else
	nok "setup: $CTL, $PROFILE (Docker's default profile), $STYLE, cgroup2 with the controller in $T/*"
	echo "1..$n"
	exit 1
fi

# groups: the @groups and their members.
why=
run "$CTL" groups
want_rc 0
want out "@file-system"
want out "@swap"
want out "swapon"
run "$CTL" groups mount
want_rc 0
want out "umount2"
result "groups lists the @groups with their members, groups NAME one"

# apply --dry-run: the writes are printed, nothing is written, and the
# notes say what the translation of Docker's profile does with its argument
# rules: clone's (no namespace flags) and personality's (five personas)
# become argument conditions, exactly, without --args.
why=
snap $T/box > "$W/before"
run "$CTL" apply --dry-run "$PROFILE" $T/box
want_rc 0
want err "argument rules translated to conditions"
want out "x86_64:56(arg0&0x7e020000!=0)"
want out "x86_64:135(arg0!=0|8|131072|131080|4294967295)"
grep -q 'cannot check' "$W/err" && why="${why}an argument rule is approximated; "
unchanged $T/box "$W/before"
result "apply --dry-run of Docker's profile: its clone and personality rules become argument conditions, exactly, and nothing is written"

# --args widen: the notes of every approximation, and the writes.
why=
run "$CTL" apply --dry-run --args widen "$PROFILE" $T/box
want_rc 0
# One write of the whole policy: deny all, the allows, the mode, the
# default action and clone3's own.
want out "echo 'deny all"
want_re out "^allow x86_64:0-"
want out "mode enforce"
want out "action errno 1"
want_re out "^action errno 38 .*435"
want out "' > $T/box/syscalls.policy"
want out "x86_64:56(arg0&0x7e020000!=0)"
want err "(SCMP_ACT_ALLOW bpf clone clone3 fanotify_init ...): applies only to a workload with CAP_SYS_ADMIN; skipped"
want err "(SCMP_ACT_ALLOW reboot): applies only to a workload with CAP_SYS_BOOT; skipped"
want err "(SCMP_ACT_ERRNO clone3): applies only to a workload without CAP_SYS_ADMIN; applied"
grep -q 'errno 38' "$W/err" && why="${why}clone3's errno 38 is noted as approximated; "
# The tables' kernel: tools/syscallsctl/src/table.rs's TABLES_KERNEL.
want err "not in the x86 tables of Linux 7.3, skipped: recv"
grep -q 'does not cover' "$W/err" && why="${why}an ABI is not covered; "
grep -q 's390\|arm_fadvise64_64' "$W/err" && why="${why}names of other machines' rules in the notes; "
unchanged $T/box "$W/before"
result "apply --dry-run --args widen of Docker's profile prints the one write of syscalls.policy (clone3's own errno 38 and clone's condition in it) and its notes (caps, unknown names) and changes nothing"

# apply: Docker's default profile (deny by default, EPERM: it has no
# defaultErrnoRet, which runc and crun take as EPERM) with --args widen,
# which a busybox shell needs: the profile allows clone only by a rule
# with an argument condition (no namespace flags in the clone flags),
# which the controller cannot check. Narrowed, clone stays denied and the
# shell cannot fork (a pipe, a command that is not the last); widened,
# clone is allowed with any flags (personality too, which its rules allow
# for some personas), while unshare(2), setns(2) and clone3 stay denied.
# clone3 with its own action, ENOSYS (435 in both tables), as the profile
# says, so that glibc's pthread_create falls back to clone.
why=
run "$CTL" apply --args widen "$PROFILE" $T/box
want_rc 0
want err "syscallsctl: note:"
printf 'errno EPERM\nerrno ENOSYS 435 ia32:435\n' > "$W/action"
cmp -s "$W/action" $T/box/syscalls.action ||
	why="${why}syscalls.action reads '$(tr '\n' '|' < $T/box/syscalls.action)'; "
[ "$(cat $T/box/syscalls.mode)" = enforce ] || why="${why}syscalls.mode is not enforce; "
run "$CTL" show $T/box
want_re out "^  x86_64  [0-9]* denied: "
denied_x86_64 > "$W/denied"
for c in read write execve clone rmdir geteuid; do
	grep -qx "$c" "$W/denied" && why="${why}$c shows as denied; "
done
for c in clone3 unshare setns mount swapon chroot sethostname reboot kexec_load; do
	grep -qx "$c" "$W/denied" || why="${why}$c shows as allowed; "
done
result "apply --args widen of Docker's profile: action errno EPERM, clone3's errno ENOSYS; read, execve, clone, ... allowed; mount, unshare, reboot, ... denied"

# apply replaces a policy in one write (syscalls.policy): a task looping
# on getppid, read, write and futex while Docker's profile and a
# kill-by-default allowlist of those calls are applied in turn, ROUNDS
# times each. Both allow the four calls, so none may fail and the task may
# not die (a deny of all before the allows would kill it or fail its
# calls: the loop, on the other CPU, makes several calls in the time of
# any one write, so a gap between two writes would show in the first
# round). Each apply takes about 0.8 s under TCG beside the loop.
ROUNDS=30
why=
cat > "$W/kill-list.json" <<'JSON'
{"defaultAction":"SCMP_ACT_KILL_PROCESS",
 "architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86"],
 "syscalls":[{"names":["getppid","read","write","futex","rt_sigreturn",
  "exit_group"],"action":"SCMP_ACT_ALLOW"}]}
JSON
mkdir $T/live
# (A subshell that execs: $! is the loop itself.)
(exec busybox sh -c 'echo $$ > "$1/cgroup.procs" && exec "$2" --loop' \
	loop $T/live "$HERE/test_policy") > "$W/loop" 2>&1 &
loop=$!
# The loop runs once its exec is done: its cgroup holds it.
for i in $(seq 50); do
	grep -qx "$loop" $T/live/cgroup.procs 2>/dev/null && break
	sleep 0.1
done
run "$CTL" apply --dry-run "$W/kill-list.json" $T/live
want out "echo 'deny all"
want out "/syscalls.policy"
applied=0
for i in $(seq $ROUNDS); do
	"$CTL" apply --args widen "$PROFILE" $T/live > /dev/null 2>&1 &&
		"$CTL" apply "$W/kill-list.json" $T/live > "$W/out" 2> "$W/err" &&
		applied=$((applied + 1))
done
[ $applied -eq $ROUNDS ] || why="${why}only $applied of $ROUNDS rounds of applies succeeded; "
grep -qx kill $T/live/syscalls.action || why="${why}the last apply did not stand; "
kill -USR1 $loop
wait $loop
rc=$?
[ $rc -eq 0 ] || why="${why}the looping task ended with status $rc ($(cat "$W/loop")); "
grep -q '^rounds [1-9][0-9]* failed 0$' "$W/loop" || why="${why}the loop says '$(cat "$W/loop")'; "
result "apply replaces the policy at once: $ROUNDS applies each of Docker's profile and a kill-by-default allowlist under a looping task, none of whose calls failed ($(cat "$W/loop"))"

rm -rf /tmp/syscallsctl-x
for c in "ls /" "mkdir /tmp/syscallsctl-x" "rmdir /tmp/syscallsctl-x" \
	"mkdir /tmp/syscallsctl-x" "cat /proc/self/status" "echo hi | cat" \
	"sh -c 'echo nested'; echo after" \
	"ls -l /tmp/syscallsctl-x/.."; do
	why=
	before=$(denied $T/box)
	run inside $T/box "$c"
	want_rc 0
	case $c in
	"ls /") want_re out "^proc$" ;;
	"cat /proc/self/status") want_re out "^Name:" ;;
	"echo hi | cat") want out "hi" ;;
	sh*) want out "nested"; want out "after" ;;
	esac
	[ "$(denied $T/box)" -eq "$before" ] ||
		why="${why}syscalls.events counted a denial: $(tr '\n' ' ' < $T/box/syscalls.stat); "
	result "under Docker's profile, busybox '$c' works, with no call denied"
done
[ -d /tmp/syscallsctl-x ] && ok "under Docker's profile, mkdir and rmdir made and removed the directory" ||
	nok "under Docker's profile, mkdir and rmdir made and removed the directory"

# Calls Docker's profile forbids a workload without capabilities: swapon
# (in none of its rules), unshare, mount, sethostname (allowed only to a
# workload with CAP_SYS_ADMIN, and apply had no --cap) and chroot
# (CAP_SYS_CHROOT). The shell is root: the kernel would let it make them
# (the test kernel has no swap, so its swapon would fail with ENOSYS); the
# EPERM, and the call named in syscalls.stat, tell it was the controller.
# busybox mount words EPERM (and EACCES) its own way: "permission denied
# (are you root?)".
mkdir -p /tmp/syscallsctl-mnt
host=$(hostname)
for c in "swapon /dev/null:swapon" "unshare -m true:unshare" \
	"mount -t tmpfs none /tmp/syscallsctl-mnt:mount" \
	"hostname syscallsctl-test:sethostname" "chroot / true:chroot"; do
	call=${c##*:}
	c=${c%:*}
	why=
	before=$(denied $T/box)
	calls=$(stat_of $T/box "$call")
	run inside $T/box "$c"
	want_rc fail
	case $call in
	mount) want err "permission denied (are you root?)" ;;
	*) want err "Operation not permitted" ;;
	esac
	[ "$(denied $T/box)" -gt "$before" ] || why="${why}syscalls.events did not count a denial; "
	[ "$(stat_of $T/box "$call")" -gt "$calls" ] ||
		why="${why}syscalls.stat did not count $call: $(tr '\n' ' ' < $T/box/syscalls.stat); "
	result "under Docker's profile, busybox '$c' fails with EPERM, its $call counted in syscalls.events and syscalls.stat"
done
grep -q " /tmp/syscallsctl-mnt " /proc/mounts || [ "$(hostname)" != "$host" ] &&
	nok "under Docker's profile, the mount mounted nothing and the host name is unchanged" ||
	ok "under Docker's profile, the mount mounted nothing and the host name is unchanged"

# show: names, mode, action, counters and the per-call statistics.
why=
run "$CTL" show $T/box
want_rc 0
want out "mode    enforce"
want out "action  errno EPERM"
want out "  errno ENOSYS for clone3"
want out "events  denied $(denied $T/box)"
want out "learn   0"
want_re out "^  x86_64  [0-9]* denied: .* swapon "
want out "stat    denials per call"
want_re out "^  swapon [1-9]"
want_re out "^  unshare [1-9]"
want_re out "^  mount [1-9]"
want_re out "^  sethostname [1-9]"
want_re out "^  chroot [1-9]"
result "show gives the mode, the actions (clone3's own), the counters, the denied calls by name and syscalls.stat"

# Without --args, Docker's profile allows clone but for namespace flags
# (an argument condition): a busybox pipe forks, and no call is denied.
why=
run "$CTL" apply "$PROFILE" $T/nar
want_rc 0
before=$(denied $T/nar)
run inside $T/nar 'echo hi | cat'
want_rc 0
want out "hi"
[ "$(denied $T/nar)" -eq "$before" ] || why="${why}syscalls.events counted a denial; "
result "under Docker's profile without --args, a busybox pipe works: clone's condition lets its fork through"

# The compact Docker-style fixture (testdata/docker-style.json) still
# applies: it allows mkdir but not rmdir, which Docker's profile allows.
why=
rm -rf /tmp/syscallsctl-y
run "$CTL" apply --args widen "$STYLE" $T/sty
want_rc 0
run inside $T/sty 'mkdir /tmp/syscallsctl-y'
want_rc 0
calls=$(stat_of $T/sty rmdir)
run inside $T/sty 'rmdir /tmp/syscallsctl-y'
want_rc fail
want err "Operation not permitted"
[ "$(stat_of $T/sty rmdir)" -gt "$calls" ] || why="${why}syscalls.stat did not count rmdir; "
[ -d /tmp/syscallsctl-y ] || why="${why}the directory is gone; "
result "under the Docker-style fixture, mkdir works and rmdir fails with EPERM"

# Bad input: a non-zero exit, a message naming the file and the reason,
# and the cgroup as it was.
why=
snap $T/box > "$W/before"
echo '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [' > "$W/bad.json"
run "$CTL" apply "$W/bad.json" $T/box
want_rc fail
want err "syscallsctl: $W/bad.json: not a seccomp profile"
unchanged $T/box "$W/before"
result "apply of invalid JSON fails, naming the file, and changes nothing"

why=
run "$CTL" apply "$W/missing.json" $T/box
want_rc fail
want err "syscallsctl: $W/missing.json: No such file or directory"
unchanged $T/box "$W/before"
run "$CTL" apply "$W" $T/box
want_rc fail
want err "syscallsctl: $W: Is a directory"
unchanged $T/box "$W/before"
result "apply of a missing or unreadable profile fails, naming the file, and changes nothing"

why=
echo '{"defaultAction": "SCMP_ACT_BOGUS"}' > "$W/odd.json"
run "$CTL" apply "$W/odd.json" $T/box
want_rc fail
want err "$W/odd.json:"
want err "SCMP_ACT_BOGUS"
unchanged $T/box "$W/before"
result "apply of a profile with an unknown action fails, naming the file and the action"

why=
run "$CTL" apply "$PROFILE" $MNT
want_rc fail
want err "syscallsctl: $MNT: not a syscalls cgroup"
run "$CTL" deny /tmp mkdir
want_rc fail
want err "syscallsctl: /tmp: not a syscalls cgroup"
run "$CTL" show $T/nonesuch
want_rc fail
want err "syscallsctl: $T/nonesuch: No such file or directory"
result "a directory that is not a syscalls cgroup is refused by name (the v2 root, /tmp, a missing one)"

why=
run "$CTL" deny $T/box mkdir bogus
want_rc fail
want err "syscallsctl: \`bogus\`: no such system call"
run "$CTL" deny $T/box @bogus
want_rc fail
unchanged $T/box "$W/before"
result "deny of an unknown name or @group fails before writing"

# A write the kernel refuses: par denies mount, so its child kid cannot
# allow it (EPERM).
why=
run "$CTL" deny $T/par mount
want_rc 0
echo +syscalls > $T/par/cgroup.subtree_control && mkdir $T/par/kid
run "$CTL" deny $T/par/kid mkdir
want_rc 0
snap $T/par/kid > "$W/before"
run "$CTL" allow $T/par/kid mkdir mount
want_rc fail
want err "syscallsctl: $T/par/kid/syscalls.allow: the kernel refused the write"
want err "Operation not permitted"
want err "the cgroup was left as it was"
unchanged $T/par/kid "$W/before"
result "allow of a call the parent denies: EPERM named with the file, and the cgroup unchanged"

# apply with --cap CAP_SYS_ADMIN allows mount; the parent denies it, so
# apply leaves it out with a note and it stays denied.
why=
run "$CTL" apply --args widen --cap CAP_SYS_ADMIN "$PROFILE" $T/par/kid
want_rc 0
want err "the parent cgroup denies calls the policy allows; they stay denied: mount"
run "$CTL" show $T/par/kid
want out "action  errno EPERM"
denied_x86_64 | grep -qx mount || why="${why}mount shows as allowed; "
denied_x86_64 | grep -qx umount2 && why="${why}umount2 (CAP_SYS_ADMIN) shows as denied; "
result "apply under a parent that denies a call the profile allows: noted, and it stays denied"

# record: learn what a workload calls. Its builtin redirection makes the
# shell save and restore a descriptor, as the shell of inside() does after
# it moved itself, so that the rerun under the learned profile needs no
# call the recording did not see.
WL='echo rec > /tmp/syscallsctl-rec.out; mkdir /tmp/syscallsctl-rec.d && ls / > /dev/null && cat /proc/self/status > /dev/null'
why=
rm -rf /tmp/syscallsctl-rec.d
run "$CTL" record $T/rec -- busybox sh -c "$WL"
want_rc 0
want out "x86_64:mkdir"
want out "x86_64:execve"
want out "x86_64:openat"
grep -q 'x86_64:swapon' "$W/out" && why="${why}swapon is in the record; "
[ "$(cat $T/rec/syscalls.learn)" = 0 ] || why="${why}learning is still on; "
[ -d /tmp/syscallsctl-rec.d ] || why="${why}the workload did not run; "
result "record -- busybox sh -c ... prints the workload's calls (mkdir among them) as an allow list"
cp "$W/out" "$W/record.txt"

why=
rm -rf /tmp/syscallsctl-rec.d
run "$CTL" record $T/rec --oci -- busybox sh -c "$WL"
want_rc 0
want out '"defaultAction": "SCMP_ACT_ERRNO"'
want out '"defaultErrnoRet": 38'
want out '"mkdir"'
cp "$W/out" "$W/record.json"
run "$CTL" apply "$W/record.json" $T/rec
want_rc 0
[ "$(cat $T/rec/syscalls.action)" = "errno ENOSYS" ] ||
	why="${why}syscalls.action reads '$(cat $T/rec/syscalls.action)'; "
result "record --oci prints a profile that apply takes"

why=
rm -rf /tmp/syscallsctl-rec.d
run inside $T/rec "$WL"
want_rc 0
[ -d /tmp/syscallsctl-rec.d ] || why="${why}no /tmp/syscallsctl-rec.d; "
result "under the recorded profile, the workload runs again"

why=
before=$(denied $T/rec)
run inside $T/rec 'rmdir /tmp/syscallsctl-rec.d'
want_rc fail
want err "Function not implemented"
[ "$(denied $T/rec)" -gt "$before" ] || why="${why}syscalls.events did not count a denial; "
[ -d /tmp/syscallsctl-rec.d ] || why="${why}the directory is gone; "
result "under the recorded profile, a call the workload did not make (rmdir) fails with ENOSYS"

# deny of a @group, and its effect.
why=
run "$CTL" deny $T/grp @swap
want_rc 0
run "$CTL" show $T/grp
want out "x86_64  2 denied: swapon swapoff"
# (The test kernel has no swap: swapon fails with ENOSYS anyway; the
# counter tells the controller denied it.)
before=$(denied $T/grp)
run inside $T/grp 'swapon /dev/null'
want_rc fail
want err "Function not implemented"
[ "$(denied $T/grp)" -gt "$before" ] || why="${why}syscalls.events did not count a denial; "
run inside $T/grp 'mkdir /tmp/syscallsctl-grp && rmdir /tmp/syscallsctl-grp'
want_rc 0
result "deny CG @swap denies swapon and swapoff there, and nothing else"

why=
run "$CTL" allow $T/grp @swap
want_rc 0
[ -z "$(cat $T/grp/syscalls.deny)" ] || why="${why}syscalls.deny reads '$(cat $T/grp/syscalls.deny)'; "
result "allow CG @swap takes it back"

# action with calls: mkdir's own errno (EACCES) beside the default
# (ENOSYS), then default mkdir gives it the default again.
why=
run "$CTL" action --dry-run $T/grp errno EACCES mkdir
want_rc 0
want out "echo 'errno 13 mkdir' > $T/grp/syscalls.action"
run "$CTL" deny $T/grp mkdir rmdir
want_rc 0
run "$CTL" action $T/grp errno EACCES mkdir
want_rc 0
printf 'errno ENOSYS\nerrno EACCES 83 ia32:39\n' > "$W/action"
cmp -s "$W/action" $T/grp/syscalls.action ||
	why="${why}syscalls.action reads '$(tr '\n' '|' < $T/grp/syscalls.action)'; "
run inside $T/grp 'mkdir /tmp/syscallsctl-grp'
want_rc fail
want err "Permission denied"
run inside $T/grp 'rmdir /tmp'
want_rc fail
want err "Function not implemented"
run "$CTL" show $T/grp
want out "action  errno ENOSYS"
want out "  errno EACCES for mkdir"
run "$CTL" action $T/grp default mkdir
want_rc 0
[ "$(cat $T/grp/syscalls.action)" = "errno ENOSYS" ] ||
	why="${why}after default mkdir, syscalls.action reads '$(tr '\n' '|' < $T/grp/syscalls.action)'; "
run inside $T/grp 'mkdir /tmp/syscallsctl-grp'
want_rc fail
want err "Function not implemented"
[ -d /tmp/syscallsctl-grp ] && why="${why}the directory was made; "
run "$CTL" action $T/grp default
want_rc fail
want err "not an action"
run "$CTL" allow $T/grp mkdir rmdir
want_rc 0
result "action CG errno EACCES mkdir gives mkdir its own errno, action CG default mkdir the default one again"

# Cleanup: every test cgroup (their tasks are gone), the +syscalls and the
# mount if this test made them.
rmdir $T/live $T/par/kid $T/par $T/box $T/nar $T/sty $T/rec $T/grp $T 2>/dev/null
why=
[ ! -d $T ] || why="$T is left; "
if [ $enabled -eq 1 ]; then
	echo -syscalls > $MNT/cgroup.subtree_control ||
		why="${why}cannot disable the controller at the root; "
fi
if [ $mounted -eq 1 ]; then
	umount $MNT || why="${why}cannot unmount $MNT; "
fi
rm -rf "$W" /tmp/syscallsctl-x /tmp/syscallsctl-y /tmp/syscallsctl-mnt \
	/tmp/syscallsctl-rec.d /tmp/syscallsctl-rec.out
result "cleanup: no test cgroup left, and the root and the mounts as they were"

echo "1..$n"
[ $failed -eq 0 ]
