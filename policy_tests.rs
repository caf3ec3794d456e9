// SPDX-License-Identifier: GPL-2.0

//! KUnit tests of the hierarchy rules: what a deny and an allow do to a
//! cgroup and its descendants, the set the system call path checks, who
//! wrote a rule, and the subsystem's flags. They run at boot.

use kernel::prelude::*;

use crate::abi::Abi;
use crate::kunit::{kunit_suite, Test};
use crate::names;
use crate::policy::{apply, checked, effective, Author, OwnRules, Rule};
use crate::set::SyscallSet;
use crate::tests::{nr, own_of, set_of};

fn deny_reaches_descendants(t: &mut Test) {
    let mut parent_own = OwnRules::EMPTY;
    let child_own = SyscallSet::EMPTY;
    let r = apply(
        &mut parent_own,
        None,
        Rule::Deny,
        Author::Admin,
        &set_of("mkdir"),
    );
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
    let mut own = own_of("rmdir");
    let before = own;
    let r = apply(
        &mut own,
        Some(&parent),
        Rule::Allow,
        Author::Admin,
        &set_of("mkdir,rmdir"),
    );
    t.check(r == Err(EPERM), format_args!("expected EPERM"));
    t.check(
        own == before,
        format_args!("a failed allow changes nothing"),
    );
    let r = apply(
        &mut own,
        Some(&parent),
        Rule::Allow,
        Author::Delegatee,
        &set_of("rmdir"),
    );
    t.check(
        r.is_ok() && own == OwnRules::EMPTY,
        format_args!("an allow of what only the child denies works"),
    );
    let mut root = own_of("mkdir");
    t.check(
        apply(&mut root, None, Rule::Allow, Author::Admin, &set_of("all")).is_ok()
            && root == OwnRules::EMPTY,
        format_args!("the root can allow anything"),
    );
}

fn every_restart_takes_the_slow_path_where_anything_is_denied(t: &mut Test) {
    let restart = nr(Abi::X86_64, "restart_syscall");
    let restart32 = nr(Abi::Ia32, "restart_syscall");
    for text in ["mkdir", "ia32:all", "poll"] {
        let eff = effective(&set_of(text), None);
        let checked = checked(&eff);
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
        checked(&SyscallSet::EMPTY).is_empty(),
        format_args!("a cgroup that denies nothing must check nothing"),
    );
}

fn reallow_at_an_ancestor_reopens(t: &mut Test) {
    let mut parent_own = own_of("mkdir,rmdir");
    let child_own = set_of("rmdir");
    let _ = apply(
        &mut parent_own,
        None,
        Rule::Allow,
        Author::Admin,
        &set_of("mkdir,rmdir"),
    );
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

fn a_delegatee_deny_is_remembered_down_the_tree(t: &mut Test) {
    let mut own = OwnRules::EMPTY;
    let _ = apply(
        &mut own,
        None,
        Rule::Deny,
        Author::Delegatee,
        &set_of("setresuid,mkdir"),
    );
    t.check(
        own.by_delegatee == set_of("setresuid,mkdir") && own.denied == own.by_delegatee,
        format_args!("a delegatee's deny must be marked as the delegatee's"),
    );
    let child = effective(
        &SyscallSet::EMPTY,
        Some(&effective(&own.by_delegatee, None)),
    );
    t.check(
        child == own.by_delegatee,
        format_args!("a child must inherit the marks of its parent"),
    );
    let _ = apply(&mut own, None, Rule::Deny, Author::Admin, &set_of("mkdir"));
    t.check(
        own.by_delegatee == set_of("setresuid") && own.denied == set_of("setresuid,mkdir"),
        format_args!("an administrator's deny of the same call must take the mark away"),
    );
    let _ = apply(
        &mut own,
        None,
        Rule::Allow,
        Author::Delegatee,
        &set_of("setresuid"),
    );
    t.check(
        own.by_delegatee.is_empty() && own.denied == set_of("mkdir"),
        format_args!("an allow must take the call and its mark away"),
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
        a_delegatee_deny_is_remembered_down_the_tree,
        the_controller_is_threaded,
    ]
);
