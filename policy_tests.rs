// SPDX-License-Identifier: GPL-2.0

//! KUnit tests of the hierarchy rules: what a deny and an allow do to a
//! cgroup and its descendants, the set the system call path checks, who
//! wrote a rule, and the subsystem's flags. They run at boot.

use kernel::prelude::*;

use crate::abi::Abi;
use crate::action::{Action, Decision, Mode};
use crate::kunit::{kunit_suite, Test};
use crate::names;
use crate::policy::{apply, checked, combine, effective, Author, OwnRules, Rule, Rules};
use crate::set::SyscallSet;
use crate::tests::{boxed, nr, own_boxed, own_of, set_of};

fn deny_reaches_descendants(t: &mut Test) {
    let mut parent_own = OwnRules::EMPTY;
    let child_own = SyscallSet::EMPTY;
    let r = apply(&mut parent_own, None, Rule::Deny, &set_of("mkdir"));
    let parent = effective(&parent_own.denied, None);
    let child = effective(&child_own, Some(&parent));
    let grandchild = effective(&SyscallSet::EMPTY, Some(&child));
    t.check(
        r.is_ok() && grandchild.contains(Abi::X86_64, 83),
        format_args!("a deny reaches the grandchild"),
    );
}

fn allow_of_what_the_parent_denies_is_eperm(t: &mut Test) {
    let parent = set_of("mkdir");
    let Some(mut own) = own_boxed(t, "rmdir") else {
        return;
    };
    let Some(before) = own_boxed(t, "rmdir") else {
        return;
    };
    let r = apply(&mut own, Some(&parent), Rule::Allow, &set_of("mkdir,rmdir"));
    t.check(r == Err(EPERM), format_args!("expected EPERM"));
    t.check(
        *own == *before,
        format_args!("a failed allow changes nothing"),
    );
    let r = apply(&mut own, Some(&parent), Rule::Allow, &set_of("rmdir"));
    t.check(
        r.is_ok() && *own == OwnRules::EMPTY,
        format_args!("an allow of what only the child denies works"),
    );
    let Some(mut root) = own_boxed(t, "mkdir") else {
        return;
    };
    t.check(
        apply(&mut root, None, Rule::Allow, &set_of("all")).is_ok() && *root == OwnRules::EMPTY,
        format_args!("the root can allow anything"),
    );
}

fn every_restart_takes_the_slow_path_where_anything_is_denied(t: &mut Test) {
    let restart = nr(Abi::X86_64, "restart_syscall");
    let restart32 = nr(Abi::Ia32, "restart_syscall");
    for text in ["mkdir", "ia32:all", "poll"] {
        let eff = effective(&set_of(text), None);
        let checked = checked(&eff, None);
        t.check(
            checked.contains(Abi::X86_64, restart) && checked.contains(Abi::Ia32, restart32),
            format_args!("with '{text}' denied, the checked set must hold restart_syscall"),
        );
        let mut rest = checked;
        rest.subtract(&names::RESTART_SYSCALL);
        t.check(
            rest == eff,
            format_args!(
                "with '{text}' denied, the checked set must be the effective one and restart"
            ),
        );
    }
    t.check(
        checked(&SyscallSet::EMPTY, None).is_empty(),
        format_args!("a cgroup that denies nothing must check nothing"),
    );
}

fn reallow_at_an_ancestor_reopens(t: &mut Test) {
    let mut parent_own = own_of("mkdir,rmdir");
    let child_own = set_of("rmdir");
    let _ = apply(&mut parent_own, None, Rule::Allow, &set_of("mkdir,rmdir"));
    let child = effective(&child_own, Some(&effective(&parent_own.denied, None)));
    t.check(
        !child.contains(Abi::X86_64, 83),
        format_args!("mkdir reopens in the child"),
    );
    t.check(
        child.contains(Abi::X86_64, 84),
        format_args!("rmdir stays denied where the child denied it"),
    );
}

fn the_trusted_rules_are_the_administrators(t: &mut Test) {
    let Some(mut rules) = boxed(t, &Rules::EMPTY) else {
        return;
    };
    let deny = |r: &mut Rules, author, text| r.write(None, Rule::Deny, author, &set_of(text));
    let ok = deny(&mut rules, Author::Delegatee, "setresuid,mkdir").is_ok();
    t.check(
        ok && rules.all.denied == set_of("setresuid,mkdir") && rules.trusted.denied.is_empty(),
        format_args!("a delegatee's deny must count for every task but those beyond its power"),
    );
    t.check(
        rules.delegated(),
        format_args!("the rules must be delegated"),
    );
    let _ = deny(&mut rules, Author::Admin, "mkdir");
    t.check(
        rules.trusted.denied == set_of("mkdir") && rules.all.denied == set_of("setresuid,mkdir"),
        format_args!("an administrator's deny must count for every task"),
    );
    let _ = rules.write(
        None,
        Rule::Allow,
        Author::Delegatee,
        &set_of("setresuid,mkdir"),
    );
    t.check(
        *rules == Rules::EMPTY && !rules.delegated(),
        format_args!("an allow must take the call out of both, whoever writes it"),
    );
    let _ = deny(&mut rules, Author::Admin, "setresuid");
    rules.set_mode(Mode::Log, Author::Admin);
    rules.set_mode(Mode::Enforce, Author::Delegatee);
    let _ = rules.set_action(Some(Action::Kill), None, Author::Delegatee);
    let bit = nr(Abi::X86_64, "setresuid");
    t.check(
        rules.all.decision(bit) == Decision::Kill && rules.trusted.decision(bit) == Decision::Log,
        format_args!("a delegatee's mode and action must not reach the trusted rules"),
    );
    t.check(
        combine(Decision::Allow, rules.trusted.decision(bit)) == Decision::Log,
        format_args!(
            "an administrator's log-mode deny must stay logged for a task beyond the delegatee"
        ),
    );
    let Some(before) = boxed(t, &*rules) else {
        return;
    };
    let r = rules.write(
        Some(&set_of("mkdir")),
        Rule::Allow,
        Author::Admin,
        &set_of("mkdir"),
    );
    t.check(
        r == Err(EPERM) && *rules == *before,
        format_args!("a refused write must change neither set of rules"),
    );
}

fn the_controller_is_threaded(t: &mut Test) {
    t.check(
        crate::subsys::is_threaded(),
        format_args!("the subsystem must say it is threaded"),
    );
}

kunit_suite!(
    "syscalls_cgroup_policy",
    [
        deny_reaches_descendants,
        allow_of_what_the_parent_denies_is_eperm,
        every_restart_takes_the_slow_path_where_anything_is_denied,
        reallow_at_an_ancestor_reopens,
        the_trusted_rules_are_the_administrators,
        the_controller_is_threaded,
    ]
);
