// SPDX-License-Identifier: GPL-2.0

//! KUnit tests of the policy logic: the tables and the ABI glue, the write
//! grammar, the read format and the hierarchy rules. They run at boot.

use kernel::prelude::*;

use crate::abi::{classify, Abi};
use crate::grammar::{format_set, parse};
use crate::kunit::{kunit_suite, Test};
use crate::names;
use crate::policy::{apply, checked, effective, Author, OwnRules, Rule};
use crate::set::SyscallSet;

/// Shorthand: the number of `name` in `abi`, or a value past every table.
fn nr(abi: Abi, name: &str) -> usize {
    names::lookup(abi, name).unwrap_or(usize::MAX)
}

/// The index clamp of `classify` where nothing speculates: the index.
fn no_clamp(index: usize, _size: usize) -> usize {
    index
}

/// Own rules that an administrator wrote: a deny of `text`.
fn own_of(text: &str) -> OwnRules {
    OwnRules {
        denied: set_of(text),
        by_delegatee: SyscallSet::EMPTY,
    }
}

/// The set a write of `text` gives, or the empty set.
fn set_of(text: &str) -> SyscallSet {
    parse(text.as_bytes()).unwrap_or(SyscallSet::EMPTY)
}

/// The errno a write of `text` fails with, 0 if it parses.
fn errno_of(text: &str) -> i32 {
    match parse(text.as_bytes()) {
        Ok(_) => 0,
        Err(e) => -e.to_errno(),
    }
}

/// What a read of `set` prints, newline included.
fn read_of(set: &SyscallSet) -> KVec<u8> {
    format_set(set).unwrap_or_default()
}

/// What a read of `set` prints, without the newline, as text.
fn text_of(read: &KVec<u8>) -> &str {
    let text = read
        .as_slice()
        .strip_suffix(b"\n")
        .unwrap_or(b"(no newline)");
    core::str::from_utf8(text).unwrap_or("(not UTF-8)")
}

fn tables_come_from_the_kernel(t: &mut Test) {
    t.check(
        nr(Abi::X86_64, "mkdir") == 83,
        format_args!(
            "x86_64 mkdir: expected 83, got {}",
            nr(Abi::X86_64, "mkdir")
        ),
    );
    t.check(
        nr(Abi::Ia32, "mkdir") == 39,
        format_args!("ia32 mkdir: expected 39, got {}", nr(Abi::Ia32, "mkdir")),
    );
    t.check(
        nr(Abi::X86_64, "getpid") == 39,
        format_args!("x86_64 getpid: expected 39"),
    );
    t.check(
        nr(Abi::Ia32, "socketcall") == 102,
        format_args!("ia32 socketcall: expected 102"),
    );
    t.check(
        names::lookup(Abi::X86_64, "socketcall").is_none(),
        format_args!("x86_64 has no socketcall"),
    );
    t.check(
        names::lookup(Abi::X86_64, "").is_none(),
        format_args!("holes have no name"),
    );
    t.check(
        Abi::X86_64.size() > 400 && Abi::Ia32.size() > 400,
        format_args!("tables have their sizes"),
    );
    t.check(
        names::ia32_namesake(83) == Some(39),
        format_args!("mkdir 83 pairs with ia32 39"),
    );
    t.check(
        names::ia32_namesake(nr(Abi::X86_64, "arch_prctl"))
            == names::lookup(Abi::Ia32, "arch_prctl"),
        format_args!("namesakes follow the names"),
    );
}

fn classify_follows_the_entry_code(t: &mut Test) {
    type Case = (i64, bool, Option<(Abi, usize)>);
    let cases: [Case; 10] = [
        (83, false, Some((Abi::X86_64, 83))),
        (39, true, Some((Abi::Ia32, 39))),
        // The entry code truncates to int: high bits of %rax do not count.
        (0x1_0000_0053, false, Some((Abi::X86_64, 83))),
        (0x1_0000_0027, true, Some((Abi::Ia32, 39))),
        // x32: a common number is the x86_64 call of that number...
        (0x4000_0053, false, Some((Abi::X86_64, 83))),
        // ...and an x32-only number the x86_64 call of the same name.
        (
            0x4000_0200,
            false,
            Some((Abi::X86_64, nr(Abi::X86_64, "rt_sigaction"))),
        ),
        (-1, false, None),
        (-1, true, None),
        (Abi::X86_64.size() as i64, false, None),
        (Abi::Ia32.size() as i64, true, None),
    ];
    for (i, (n, ia32, want)) in cases.into_iter().enumerate() {
        let got = classify(n, ia32, no_clamp);
        t.check(
            got == want,
            format_args!("case {i}: classify({n:#x}, {ia32}): expected {want:?}, got {got:?}"),
        );
    }
}

fn every_x32_call_is_checked_as_an_x86_64_call(t: &mut Test) {
    // An x32-only call without an x86_64 namesake would escape every rule,
    // `all` included: a kernel whose tables name one differently must fail
    // here rather than open a hole.
    for (i, &n) in crate::abi::tables::X32_TO_X86_64.iter().enumerate() {
        let x32 = crate::abi::tables::X32_FIRST + i;
        t.check(
            n != crate::abi::tables::NONE,
            format_args!("x32 call {x32} has no x86_64 namesake"),
        );
        let nr = 0x4000_0000 | x32 as i64;
        t.check(
            classify(nr, false, no_clamp).is_some(),
            format_args!("x32 call {x32} is not classified"),
        );
    }
}

fn bare_numbers_and_names_reach_every_abi(t: &mut Test) {
    let mut want = SyscallSet::EMPTY;
    want.insert(Abi::X86_64, 83);
    want.insert(Abi::Ia32, 39);
    for text in ["83", "mkdir", "x86_64:83 ia32:39", "mkdir\n"] {
        let got = set_of(text);
        t.check(
            got == want,
            format_args!("'{text}': expected {want:?}, got {got:?}"),
        );
    }
    let mut ia32 = SyscallSet::EMPTY;
    ia32.insert(Abi::Ia32, 39);
    t.check(
        set_of("ia32:39") == ia32,
        format_args!("ia32:39 is ia32 only"),
    );
    t.check(
        set_of("ia32:mkdir") == ia32,
        format_args!("ia32:mkdir is ia32 only"),
    );
    let mut only = SyscallSet::EMPTY;
    only.insert(Abi::Ia32, 102);
    t.check(
        set_of("socketcall") == only,
        format_args!("a name reaches the ABIs that have it"),
    );
}

fn ranges_lists_and_all(t: &mut Test) {
    let got = set_of("0-3, 5\t7,ia32:10-11");
    let mut want = SyscallSet::EMPTY;
    for n in [0, 1, 2, 3, 5, 7] {
        names::insert_x86_64_everywhere(&mut want, n);
    }
    want.insert(Abi::Ia32, 10);
    want.insert(Abi::Ia32, 11);
    t.check(got == want, format_args!("expected {want:?}, got {got:?}"));

    let all = set_of("all");
    let mut want = SyscallSet::all();
    want.subtract(&names::outside_rules());
    t.check(
        all == want,
        format_args!("all is every call but the always allowed and restart_syscall"),
    );
    let ia32_all = set_of("ia32:all");
    t.check(
        !ia32_all.contains(Abi::X86_64, 2) && ia32_all.contains(Abi::Ia32, 2),
        format_args!("ia32:all is the ia32 ABI only"),
    );
    t.check(
        set_of("").is_empty() && set_of(" \n").is_empty(),
        format_args!("blank writes are empty"),
    );
}

fn always_allowed_calls_are_skipped(t: &mut Test) {
    for name in ["exit", "exit_group", "rt_sigreturn"] {
        let nr64 = nr(Abi::X86_64, name);
        let nr32 = nr(Abi::Ia32, name);
        let all = set_of("all");
        t.check(
            !all.contains(Abi::X86_64, nr64) && !all.contains(Abi::Ia32, nr32),
            format_args!("all skips {name}"),
        );
        t.check(
            set_of(name).is_empty(),
            format_args!("'{name}' denies nothing"),
        );
    }
    t.check(
        set_of("ia32:sigreturn").is_empty(),
        format_args!("ia32 sigreturn is always allowed"),
    );
    t.check(
        !set_of("0-99").contains(Abi::X86_64, 60),
        format_args!("ranges skip exit (60)"),
    );
}

fn bad_writes_fail_with_the_right_errno(t: &mut Test) {
    let einval = EINVAL.to_errno().abs();
    let erange = ERANGE.to_errno().abs();
    let cases = [
        ("5-3", einval),
        ("5-", einval),
        ("-1", einval),
        ("1,,2", einval),
        (",1", einval),
        ("1,", einval),
        ("abc", einval),
        ("nosuchcall", einval),
        ("foo:1", einval),
        ("ia32:", einval),
        ("ia32:nosuchcall", einval),
        ("1-2-3", einval),
        ("mk-dir", einval),
        ("ia32:socketcall,x86_64:socketcall", einval),
        ("83 ~", einval),
        ("463", erange),
        ("ia32:463", erange),
        ("0-463", erange),
        ("99999999999999999999999", erange),
        ("1 abc 99999", einval),
        ("99999 abc", erange),
    ];
    for (text, want) in cases {
        let got = errno_of(text);
        t.check(
            got == want,
            format_args!("'{text}': expected errno {want}, got {got}"),
        );
    }
}

fn reads_use_the_list_format(t: &mut Test) {
    let cases = [
        ("83", "83 ia32:39"),
        ("", ""),
        ("0-3,83", "0-3,83 ia32:3-6,ia32:39"),
        ("ia32:1-2", "ia32:2"),
        ("x86_64:83", "x86_64:83"),
    ];
    for (write, want) in cases {
        let read = read_of(&set_of(write));
        let got = text_of(&read);
        t.check(
            got == want,
            format_args!("'{write}' reads as '{got}', expected '{want}'"),
        );
    }
}

fn what_is_read_writes_back_the_same(t: &mut Test) {
    for write in [
        "83",
        "0-99",
        "ia32:all",
        "all",
        "x86_64:83",
        "mkdir ia32:5 x86_64:7-9",
        "ia32:3-6",
    ] {
        let set = set_of(write);
        let again = set_of(text_of(&read_of(&set)));
        t.check(
            again == set,
            format_args!("'{write}' does not round-trip: {set:?} became {again:?}"),
        );
        let allowed = set.complement();
        let mut back = set_of(text_of(&read_of(&allowed)));
        back.union_with(&names::outside_rules());
        t.check(
            back == allowed,
            format_args!("the allow read of '{write}' does not round-trip"),
        );
    }
}

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

fn restart_syscall_is_in_no_rule(t: &mut Test) {
    let restart = nr(Abi::X86_64, "restart_syscall");
    let restart32 = nr(Abi::Ia32, "restart_syscall");
    for text in [
        "restart_syscall",
        "all",
        "ia32:all",
        "ia32:0",
        "200-230",
        "219",
    ] {
        let set = set_of(text);
        t.check(
            !set.contains(Abi::X86_64, restart) && !set.contains(Abi::Ia32, restart32),
            format_args!("a write of '{text}' must not name restart_syscall"),
        );
    }
    for name in ["poll", "nanosleep", "futex", "ia32:clock_nanosleep_time64"] {
        let eff = effective(&set_of(name), None);
        t.check(
            !eff.contains(Abi::X86_64, restart) && !eff.contains(Abi::Ia32, restart32),
            format_args!("denying {name} must not show restart_syscall as denied"),
        );
    }
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

fn restart_syscall_is_known_in_every_abi(t: &mut Test) {
    const X32: i64 = 0x4000_0000;
    for (nr, ia32, want) in [
        (219, false, true),
        (X32 | 219, false, true),
        (0, true, true),
        (0, false, false),
        (219, true, false),
        (7, false, false),
        (168, true, false),
    ] {
        t.check(
            classify(nr, ia32, no_clamp)
                .is_some_and(|(abi, idx)| names::RESTART_SYSCALL.contains(abi, idx))
                == want,
            format_args!("is_restart({nr:#x}, ia32 {ia32}): expected {want}"),
        );
    }
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
    "syscalls_cgroup",
    [
        tables_come_from_the_kernel,
        classify_follows_the_entry_code,
        every_x32_call_is_checked_as_an_x86_64_call,
        bare_numbers_and_names_reach_every_abi,
        ranges_lists_and_all,
        always_allowed_calls_are_skipped,
        bad_writes_fail_with_the_right_errno,
        reads_use_the_list_format,
        what_is_read_writes_back_the_same,
        deny_reaches_descendants,
        allow_of_what_the_parent_denies_is_eperm,
        reallow_at_an_ancestor_reopens,
        restart_syscall_is_in_no_rule,
        every_restart_takes_the_slow_path_where_anything_is_denied,
        restart_syscall_is_known_in_every_abi,
        a_delegatee_deny_is_remembered_down_the_tree,
        the_controller_is_threaded,
    ]
);
