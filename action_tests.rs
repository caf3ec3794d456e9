// SPDX-License-Identifier: GPL-2.0

//! KUnit tests of what a denied call does: the modes and actions, their
//! grammar, the rule that the strictest decision on the path wins, and the
//! formats of the counters. They run at boot.

use core::fmt::Write;

use kernel::prelude::*;

use crate::abi::Abi;
use crate::action::{unarmed_judge, Action, Arm, Decision, Mode, Overrides, MAX_OVERRIDES};
use crate::format::{self, TextBuf};
use crate::grammar::{parse_action_write, parse_arm, parse_mode, parse_switch, ActionWrite};
use crate::kunit::{kunit_suite, Test};
use crate::policy::{combine, replace, Author, OwnRules, Rules};
use crate::tests::{boxed, nr, own_of, set_of};

const EPERM_: u16 = 1;
const EACCES_: u16 = 13;
const ENOSYS_: u16 = 38;

fn the_strictest_decision_wins(t: &mut Test) {
    use Decision::*;
    let cases = [
        // (parent, own, result)
        (Allow, Allow, Allow),
        (Allow, Log, Log),
        (Log, Allow, Log),
        (Allow, Errno(EACCES_), Errno(EACCES_)),
        (Log, Errno(EACCES_), Errno(EACCES_)),
        (Errno(EPERM_), Log, Errno(EPERM_)),
        (Errno(EPERM_), Errno(EACCES_), Errno(EPERM_)),
        (Errno(EPERM_), Kill, Kill),
        (Kill, Errno(EACCES_), Kill),
        (Kill, Log, Kill),
        (Log, Kill, Kill),
    ];
    for (parent, own, want) in cases {
        let got = combine(parent, own);
        t.check_eq(got, want, format_args!("{parent:?} over {own:?}"));
    }
}

fn own_rules_decide_by_mode_then_action(t: &mut Test) {
    let mkdir = Abi::X86_64.first_bit() + nr(Abi::X86_64, "mkdir");
    let rmdir = Abi::X86_64.first_bit() + nr(Abi::X86_64, "rmdir");
    let mut own = own_of("mkdir");
    t.check_eq(
        own.decision(mkdir),
        Decision::Errno(ENOSYS_),
        format_args!("the default must be errno ENOSYS"),
    );
    t.check_eq(
        own.decision(rmdir),
        Decision::Allow,
        format_args!("a call the rules do not deny is allowed"),
    );
    own.action = Action::Kill;
    t.check(own.decision(mkdir) == Decision::Kill, format_args!("kill"));
    own.mode = Mode::Log;
    t.check_eq(
        own.decision(mkdir),
        Decision::Log,
        format_args!("log mode must log whatever the action"),
    );
    t.check_eq(
        OwnRules::EMPTY.mode,
        Mode::Enforce,
        format_args!("a new cgroup must enforce"),
    );
}

fn actions_for_particular_calls(t: &mut Test) {
    let clone3 = Abi::X86_64.first_bit() + nr(Abi::X86_64, "clone3");
    let mkdir = Abi::X86_64.first_bit() + nr(Abi::X86_64, "mkdir");
    let mut own = own_of("clone3,mkdir");
    own.action = Action::Errno(EPERM_);
    let w = parse_action_write(b"errno ENOSYS clone3\n");
    t.check(
        w == Ok(ActionWrite::Calls(
            Some(Action::Errno(ENOSYS_)),
            set_of("clone3"),
        )),
        format_args!("an action with calls: {w:?}"),
    );
    let _ = own
        .overrides
        .set(Some(Action::Errno(ENOSYS_)), &set_of("clone3"));
    t.check(
        own.decision(clone3) == Decision::Errno(ENOSYS_)
            && own.decision(mkdir) == Decision::Errno(EPERM_),
        format_args!("clone3 must take its own errno, mkdir the default"),
    );
    let read = format::actions(own.action, &own.overrides).unwrap_or_default();
    t.check(
        read.as_slice() == b"errno EPERM\nerrno ENOSYS 435 ia32:435\n",
        format_args!("the read: {:?}", kernel::str::BStr::from_bytes(&read)),
    );
    t.check(
        parse_action_write(b"default clone3") == Ok(ActionWrite::Calls(None, set_of("clone3")))
            && parse_action_write(b"default") == Err(EINVAL)
            && parse_action_write(b"errno EPERM bogus") == Err(EINVAL)
            && parse_action_write(b"kill") == Ok(ActionWrite::Default(Action::Kill)),
        format_args!("default, bad calls, a lone action"),
    );
    let _ = own.overrides.set(None, &set_of("clone3"));
    t.check(
        own.decision(clone3) == Decision::Errno(EPERM_) && own.overrides.iter().count() == 0,
        format_args!("default must give clone3 the default action again"),
    );
    let mut full = true;
    for errno in 1..=MAX_OVERRIDES as u16 {
        full &= own
            .overrides
            .set(Some(Action::Errno(errno)), &set_of("mkdir"))
            .is_ok();
    }
    // Each set moved mkdir: one action at a time, never full.
    t.check(
        full && own.overrides.iter().count() == 1,
        format_args!("moves"),
    );
    let names = [
        "read", "write", "open", "close", "stat", "fstat", "lstat", "poll",
    ];
    let mut ok = true;
    for (i, name) in names.iter().enumerate() {
        ok &= own
            .overrides
            .set(Some(Action::Errno(100 + i as u16)), &set_of(name))
            .is_ok();
    }
    let before = own.overrides;
    let r = own.overrides.set(Some(Action::Kill), &set_of("mmap"));
    t.check(
        !ok && r == Err(ENOSPC) && own.overrides == before,
        format_args!("more than MAX_OVERRIDES actions must be ENOSPC and change nothing"),
    );
}

fn decisions_survive_their_encoding(t: &mut Test) {
    use Decision::*;
    for d in [Allow, Log, Kill, Errno(1), Errno(ENOSYS_), Errno(4095)] {
        let back = Decision::decode(d.encode());
        t.check(back == d, format_args!("{d:?} came back as {back:?}"));
    }
}

fn mode_action_and_learn_grammar(t: &mut Test) {
    let good_actions: [(&[u8], Action); 7] = [
        (b"errno ENOSYS", Action::Errno(ENOSYS_)),
        (b"errno EPERM\n", Action::Errno(EPERM_)),
        (b"  errno\t13 ", Action::Errno(EACCES_)),
        (b"errno 4095", Action::Errno(4095)),
        (b"errno 0001", Action::Errno(1)),
        (b"kill", Action::Kill),
        (b"kill\n", Action::Kill),
    ];
    for (text, want) in good_actions {
        let got = parse_action_write(text);
        t.check(
            got == Ok(ActionWrite::Default(want)),
            format_args!(
                "{:?}: expected {want:?}",
                kernel::str::BStr::from_bytes(text)
            ),
        );
    }
    let bad_actions: [&[u8]; 9] = [
        b"",
        b"errno",
        b"errno 0",
        b"errno 4096",
        b"errno 99999",
        b"errno EFOO",
        b"kill bogus",
        b"errno EPERM x",
        b"KILL",
    ];
    for text in bad_actions {
        t.check(
            parse_action_write(text) == Err(EINVAL),
            format_args!("{:?} must be EINVAL", kernel::str::BStr::from_bytes(text)),
        );
    }
    t.check(
        parse_mode(b"log\n") == Ok(Mode::Log)
            && parse_mode(b"enforce") == Ok(Mode::Enforce)
            && parse_mode(b"logs") == Err(EINVAL)
            && parse_mode(b"") == Err(EINVAL),
        format_args!("modes"),
    );
    t.check(
        parse_switch(b"1\n") == Ok(true)
            && parse_switch(b"0") == Ok(false)
            && parse_switch(b"2") == Err(EINVAL)
            && parse_switch(b"1 1") == Err(EINVAL),
        format_args!("learn"),
    );
    let reads = [
        (Action::Errno(EPERM_), &b"errno EPERM\n"[..]),
        (Action::Errno(4000), &b"errno 4000\n"[..]),
        (Action::Kill, &b"kill\n"[..]),
    ];
    for (action, want) in reads {
        let got = format::actions(action, &Overrides::EMPTY).unwrap_or_default();
        t.check(
            got.as_slice() == want,
            format_args!("{action:?} reads {:?}", kernel::str::BStr::from_bytes(&got)),
        );
    }
}

fn stat_names_each_call(t: &mut Test) {
    let mkdir = Abi::X86_64.first_bit() + nr(Abi::X86_64, "mkdir");
    let socketcall = Abi::Ia32.first_bit() + nr(Abi::Ia32, "socketcall");
    // The first hole of the x86_64 table: a number without a name.
    let Some(hole) = Abi::X86_64.names().iter().position(|n| n.is_empty()) else {
        t.check(false, format_args!("the x86_64 table must have a hole"));
        return;
    };
    let got =
        format::stat([(mkdir, 3), (hole, 2), (socketcall, 1)].into_iter()).unwrap_or_default();
    let mut want = TextBuf { bytes: KVec::new() };
    let _ = write!(want, "mkdir 3\nx86_64:{hole} 2\nia32:socketcall 1\n");
    t.check(
        got == want.bytes,
        format_args!("stat reads {:?}", kernel::str::BStr::from_bytes(&got)),
    );
}

fn restart_errnos_are_refused(t: &mut Test) {
    for text in ["errno 512", "errno 529", "errno 516 mkdir"] {
        t.check(
            matches!(parse_action_write(text.as_bytes()), Err(e) if e == EINVAL),
            format_args!("'{text}' must be refused with EINVAL"),
        );
    }
    for (text, errno) in [("errno 511", 511), ("errno 530", 530)] {
        t.check(
            matches!(
                parse_action_write(text.as_bytes()),
                Ok(ActionWrite::Default(Action::Errno(e))) if e == errno
            ),
            format_args!("'{text}' must be errno {errno}"),
        );
    }
}

fn actions_compare_by_meaning(t: &mut Test) {
    let (kill, eperm) = (Some(Action::Kill), Some(Action::Errno(1)));
    let mut a = Overrides::EMPTY;
    let mut b = Overrides::EMPTY;
    let ok = a.set(kill, &set_of("mkdir")).is_ok()
        && a.set(eperm, &set_of("rmdir")).is_ok()
        && b.set(eperm, &set_of("rmdir")).is_ok()
        && b.set(kill, &set_of("mkdir")).is_ok();
    t.check(
        ok && a == b,
        format_args!("the same actions set in another order must compare equal"),
    );
    let _ = a.set(kill, &set_of("read"));
    let _ = a.set(None, &set_of("read"));
    t.check(
        a == b,
        format_args!("an action set and taken back must leave nothing behind"),
    );
    let _ = a.set(None, &set_of("mkdir,rmdir"));
    t.check(
        a == Overrides::EMPTY,
        format_args!("actions taken back from every call must leave none"),
    );
}

fn a_policy_replaces_the_own_rules_in_one_write(t: &mut Test) {
    let bit = |name: &str| Abi::X86_64.first_bit() + nr(Abi::X86_64, name);
    let Some(mut rules) = boxed(t, &Rules::EMPTY) else {
        return;
    };
    let admin = Author::Admin;
    let old = b"deny mkdir,rmdir\nmode log\naction kill\n";
    t.check(
        replace(&mut rules, None, |_, _| false, admin, old).is_ok(),
        format_args!("a policy must apply"),
    );
    let policy = b"deny all\nallow read write\n\naction errno EPERM\naction kill ptrace\n";
    t.check(
        replace(&mut rules, None, |_, _| false, admin, policy).is_ok(),
        format_args!("a whole new policy must apply"),
    );
    let all = &rules.all;
    t.check(
        all.mode == Mode::Enforce
            && all.decision(bit("mkdir")) == Decision::Errno(EPERM_)
            && all.decision(bit("ptrace")) == Decision::Kill
            && all.decision(bit("read")) == Decision::Allow
            && all.decision(bit("write")) == Decision::Allow
            && all.decision(bit("getppid")) == Decision::Errno(EPERM_),
        format_args!("the new policy replaces the old one: no log mode, no kill of mkdir"),
    );
    t.check(
        rules.trusted == rules.all,
        format_args!("an administrator's policy is trusted"),
    );
    // What a read prints writes back to the same rules.
    let Some(before) = boxed(t, &*rules) else {
        return;
    };
    let text = format::policy(
        &all.denied,
        &all.conditions,
        all.mode,
        all.action,
        &all.overrides,
    );
    let round = text.map(|text| replace(&mut rules, None, |_, _| false, admin, &text));
    t.check(
        matches!(round, Ok(Ok(()))) && *rules == *before,
        format_args!("a read of the policy must write back to the same rules"),
    );
    // Bad input: the first bad line decides, syntax before permission, and
    // the caller keeps its rules (it works on a copy).
    let parent = set_of("write");
    for (text, errno) in [
        (&b"deny mkdir\npermit read\n"[..], EINVAL),
        (b"deny mkdir\nmode strict\n", EINVAL),
        (b"deny 99999\n", ERANGE),
        (b"allow write\ndeny bogus\n", EINVAL),
        (b"allow write\n", EPERM),
        (b"action errno 512\n", EINVAL),
    ] {
        let Some(mut copy) = boxed(t, &*before) else {
            return;
        };
        let got = replace(&mut copy, Some(&parent), |_, _| false, admin, text);
        t.check(
            got == Err(errno),
            format_args!(
                "{:?}: expected {errno:?}, got {got:?}",
                core::str::from_utf8(text)
            ),
        );
    }
    // A delegatee's policy: its denies are not the administrators', and
    // its allows are.
    let Some(mut own) = boxed(t, &Rules::EMPTY) else {
        return;
    };
    let _ = replace(&mut own, None, |_, _| false, admin, b"deny mkdir\n");
    let _ = replace(
        &mut own,
        None,
        |_, _| false,
        Author::Delegatee,
        b"deny rmdir\n",
    );
    t.check(
        own.all.decision(bit("rmdir")) != Decision::Allow
            && own.all.decision(bit("mkdir")) == Decision::Allow
            && own.trusted.decision(bit("rmdir")) == Decision::Allow
            && own.trusted.decision(bit("mkdir")) == Decision::Allow,
        format_args!(
            "a delegatee's policy drops the old denies for all and adds its own for its tasks"
        ),
    );
}

fn who_judges_a_task_that_is_not_armed(t: &mut Test) {
    use Arm::{Exec, Inherit, Now};
    let cases: [(&[Arm], Option<usize>); 9] = [
        (&[Inherit], Some(0)),
        (&[Now, Inherit], Some(0)),
        (&[Exec], None),
        (&[Exec, Inherit], Some(1)),
        (&[Inherit, Exec, Inherit], Some(2)),
        (&[Inherit, Exec, Now], Some(2)),
        (&[Now, Exec, Inherit], Some(0)),
        (&[Exec, Now, Exec, Inherit], Some(1)),
        (&[Inherit, Exec, Inherit, Exec, Inherit], Some(4)),
    ];
    for (arms, want) in cases {
        let got = unarmed_judge(arms.iter().copied());
        t.check_eq(got, want, format_args!("levels {arms:?}, nearest first"));
        // Never a level below one that says exec.
        if let (Some(up), Some(exec)) = (got, arms.iter().position(|&a| a == Exec)) {
            t.check(
                up > exec || arms[..=up].contains(&Now),
                format_args!("levels {arms:?}: {up} levels up judges below an exec"),
            );
        }
    }
    for (text, want) in [
        (&b"inherit"[..], Ok(Inherit)),
        (b"now\n", Ok(Now)),
        (b" exec ", Ok(Exec)),
        (b"Exec", Err(EINVAL)),
        (b"exec now", Err(EINVAL)),
        (b"", Err(EINVAL)),
    ] {
        let got = parse_arm(text);
        t.check_eq(got, want, format_args!("{text:?}"));
    }
    for arm in [Inherit, Now, Exec] {
        let back = format::arm(arm).map(|text| parse_arm(&text));
        t.check(
            matches!(back, Ok(Ok(a)) if a == arm) && Arm::decode(arm as u8) == arm,
            format_args!("{arm:?} must read back"),
        );
    }
}

kunit_suite!(
    "syscalls_cgroup_actions",
    [
        the_strictest_decision_wins,
        a_policy_replaces_the_own_rules_in_one_write,
        who_judges_a_task_that_is_not_armed,
        own_rules_decide_by_mode_then_action,
        actions_for_particular_calls,
        decisions_survive_their_encoding,
        mode_action_and_learn_grammar,
        stat_names_each_call,
        restart_errnos_are_refused,
        actions_compare_by_meaning,
    ]
);
