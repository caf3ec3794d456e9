// SPDX-License-Identifier: GPL-2.0

//! KUnit tests of argument conditions: their grammar and read format, the
//! width rule, and how the conditions of the levels of a hierarchy compose.
//! They run at boot.

use core::fmt::Write;

use kernel::prelude::*;

use crate::abi::Abi;
use crate::action::Decision;
use crate::cond::{Condition, Sense, MAX_CONDITIONS};
use crate::format::{write_conditions, TextBuf};
use crate::grammar::parse_rules;
use crate::judge::{judge, Level, Tests};
use crate::kunit::{kunit_suite, Test};
use crate::policy::{Author, Rule, Rules};
use crate::tests::nr;

const EPERM_: u16 = kernel::bindings::EPERM as u16;
const ENOSYS_: u16 = kernel::bindings::ENOSYS as u16;

/// The conditions a write of `text` puts on calls, as a read prints them.
fn read_back(text: &str) -> KVec<u8> {
    let mut buf = TextBuf { bytes: KVec::new() };
    if let Ok(request) = parse_rules(text.as_bytes()) {
        let conds = request.conditions().iter().map(|(bit, cond)| (*bit, cond));
        let _ = write_conditions(&mut buf, conds);
    }
    buf.bytes
}

/// The errno a write of `text` fails with, 0 if it parses.
fn errno_of(text: &str) -> i32 {
    match parse_rules(text.as_bytes()) {
        Ok(_) => 0,
        Err(e) => -e.to_errno(),
    }
}

/// The registers of an x86_64 call whose first argument is `arg0`, as
/// `judge` reads them.
fn args(arg0: u64) -> impl Fn(usize) -> u64 {
    move |slot| {
        if slot == Abi::X86_64.arg_slot(0) {
            arg0
        } else {
            0
        }
    }
}

fn a_condition_reads_as_it_was_meant(t: &mut Test) {
    let socket = nr(Abi::X86_64, "socket");
    let socket32 = nr(Abi::Ia32, "socket");
    let mut want = TextBuf { bytes: KVec::new() };
    let _ = write!(
        want,
        "x86_64:{socket}(arg0=38|40) ia32:{socket32}(arg0=38|40)"
    );
    for text in ["socket(arg0=40|38|40)", "socket(arg0=0x26|0x28)"] {
        let got = read_back(text);
        t.check(
            got == want.bytes,
            format_args!(
                "'{text}': expected {:?}, got {:?}",
                kernel::str::BStr::from_bytes(&want.bytes),
                kernel::str::BStr::from_bytes(&got)
            ),
        );
    }
    let mut want = TextBuf { bytes: KVec::new() };
    let clone = nr(Abi::X86_64, "clone");
    let _ = write!(want, "x86_64:{clone}(arg0&0x7e020000!=0)");
    let got = read_back("x86_64:clone(arg0&2114060288!=0)");
    t.check(
        got == want.bytes,
        format_args!(
            "a mask reads in hex: expected {:?}, got {:?}",
            kernel::str::BStr::from_bytes(&want.bytes),
            kernel::str::BStr::from_bytes(&got)
        ),
    );
    // What a read prints writes back to the same conditions.
    let text = core::str::from_utf8(&got).unwrap_or("");
    let again = read_back(text);
    t.check_eq(
        &again,
        &got,
        format_args!("'{text}' must write back to itself"),
    );
}

fn bad_conditions_are_refused(t: &mut Test) {
    for (text, errno) in [
        ("socket(arg6=1)", EINVAL),
        ("socket(arg=1)", EINVAL),
        ("socket(arg0)", EINVAL),
        ("socket(arg0=)", EINVAL),
        ("socket(arg0=1|)", EINVAL),
        ("socket(arg0==1)", EINVAL),
        ("socket(arg0&=1)", EINVAL),
        ("socket(arg0&0=0)", EINVAL),
        ("socket(arg0=0x)", EINVAL),
        ("socket(arg0=1a)", EINVAL),
        ("socket(arg0=1|2|3|4|5|6|7|8|9)", EINVAL),
        ("socket(arg0=1", EINVAL),
        ("socket(arg0=1)(arg1=2)", EINVAL),
        ("all(arg0=1)", EINVAL),
        ("ia32:all(arg0=1)", EINVAL),
        ("1-3(arg0=1)", EINVAL),
        ("exit(arg0=1)", EINVAL),
        ("nosuchcall(arg0=1)", EINVAL),
        ("socket(arg0=18446744073709551616)", ERANGE),
        ("socket(arg0&0xff=0x100)", ERANGE),
        ("socket(arg0&0xff!=1|0x1ff)", ERANGE),
    ] {
        let got = errno_of(text);
        let want = -errno.to_errno();
        t.check_eq(got, want, format_args!("'{text}'"));
    }
    t.check(
        errno_of("socket(arg5&0xffffffffffffffff!=18446744073709551615)") == 0
            && errno_of("ia32:359(arg0=1|2|3|4|5|6|7|8)") == 0,
        format_args!("the largest values and eight of them must parse"),
    );
}

fn a_condition_compares_at_the_argument_width(t: &mut Test) {
    let Ok(alg) = Condition::new(0, u64::MAX, Sense::In, &[38]) else {
        t.check(false, format_args!("socket(arg0=38) must build"));
        return;
    };
    let socket = nr(Abi::X86_64, "socket");
    let width = Abi::X86_64.arg_width(socket, 0);
    t.check_eq(width, 32, format_args!("socket's family is an int"));
    let (denied, seen) = alg.denies(0x1_0000_0026, width);
    t.check(
        denied && seen == 38,
        format_args!("high bits must not hide AF_ALG: denied {denied}, seen {seen:#x}"),
    );
    let clone = nr(Abi::X86_64, "clone");
    let width = Abi::X86_64.arg_width(clone, 0);
    t.check(
        width == 64 && Abi::Ia32.arg_width(nr(Abi::Ia32, "clone"), 0) == 32,
        format_args!("clone's flags: 64 bits natively, 32 on ia32; got {width}"),
    );
    let Ok(high) = Condition::new(0, u64::MAX, Sense::In, &[(1 << 32) | 5]) else {
        t.check(
            false,
            format_args!("the condition on 0x100000005 must build"),
        );
        return;
    };
    t.check(
        high.denies((1 << 32) | 5, 64).0 && !high.denies(5, 64).0 && high.denies(5, 32).0,
        format_args!("a 64-bit argument compares its high bits; at 32 bits they are cut"),
    );
    let mkdir = nr(Abi::X86_64, "mkdir");
    t.check(
        Abi::X86_64.arg_width(mkdir, 1) == 16 && Abi::X86_64.arg_width(mkdir, 0) == 64,
        format_args!("mkdir's mode is a umode_t (16 bits), its path a pointer"),
    );
    let Ok(not_in) = Condition::new(0, u64::MAX, Sense::NotIn, &[0, 8]) else {
        t.check(false, format_args!("personality(arg0!=0|8) must build"));
        return;
    };
    t.check(
        !not_in.denies(8, 32).0 && not_in.denies(0x0040000, 32).0 && !not_in.denies(1 << 35, 32).0,
        format_args!("!= denies what is none of the values, at the width"),
    );
}

fn conditions_compose_down_the_hierarchy(t: &mut Test) {
    let (Ok(parent_write), Ok(child_write)) = (
        parse_rules(b"socket(arg0=38)"),
        parse_rules(b"socket(arg0=40) personality(arg0!=0)"),
    ) else {
        t.check(false, format_args!("the writes must parse"));
        return;
    };
    let (Ok(mut parent), Ok(mut child)) = (
        KBox::new(Rules::EMPTY, GFP_KERNEL),
        KBox::new(Rules::EMPTY, GFP_KERNEL),
    ) else {
        t.check(false, format_args!("no memory for the rules"));
        return;
    };
    let none = |_: usize, _: &Condition| false;
    let r1 = parent.write_request(None, none, Rule::Deny, Author::Admin, &parent_write);
    let r2 = parent.set_action(
        Some(crate::action::Action::Errno(EPERM_)),
        None,
        Author::Admin,
    );
    let r3 = child.write_request(None, none, Rule::Deny, Author::Delegatee, &child_write);
    t.check(
        r1.is_ok() && r2.is_ok() && r3.is_ok(),
        format_args!("the denies must apply"),
    );
    // Neither level denies anything by number here.
    let build = |parent_tests: Option<&Tests>, rules: &Rules| {
        Tests::new(
            parent_tests,
            Level {
                conditions: &rules.all.conditions,
                denial: &|bit| rules.all.denial(bit),
                above: &|_| Decision::Allow,
            },
            Level {
                conditions: &rules.trusted.conditions,
                denial: &|bit| rules.trusted.denial(bit),
                above: &|_| Decision::Allow,
            },
        )
    };
    let (Ok(top), socket) = (build(None, &parent), nr(Abi::X86_64, "socket")) else {
        t.check(false, format_args!("no memory for the tests"));
        return;
    };
    let Ok(below) = build(Some(&top), &child) else {
        t.check(false, format_args!("no memory for the tests"));
        return;
    };
    let x86 = Abi::X86_64;
    for (family, want) in [
        (38, Decision::Errno(EPERM_)),
        (40, Decision::Errno(ENOSYS_)),
        (2, Decision::Allow),
    ] {
        let (got, denied) = judge(
            &below.all,
            x86.first_bit() + socket,
            args(family),
            Decision::Allow,
        );
        t.check(
            got == want && (denied.is_some() == (want != Decision::Allow)),
            format_args!("socket({family}) below: expected {want:?}, got {got:?}"),
        );
    }
    let (got, _) = judge(
        &top.all,
        x86.first_bit() + socket,
        args(40),
        Decision::Allow,
    );
    t.check_eq(
        got,
        Decision::Allow,
        format_args!("the child's condition must not reach its parent: got {got:?}"),
    );
    // A delegatee's conditions do not judge the tasks it has no power over.
    let (got, _) = judge(
        &below.trusted,
        x86.first_bit() + socket,
        args(40),
        Decision::Allow,
    );
    let (admin, _) = judge(
        &below.trusted,
        x86.first_bit() + socket,
        args(38),
        Decision::Allow,
    );
    t.check(
        got == Decision::Allow && admin == Decision::Errno(EPERM_),
        format_args!("trusted: the delegatee's socket(40) got {got:?}, the admin's {admin:?}"),
    );
    // A call denied by number stays denied whatever its arguments.
    let (got, _) = judge(
        &below.all,
        x86.first_bit() + socket,
        args(2),
        Decision::Kill,
    );
    t.check_eq(
        got,
        Decision::Kill,
        format_args!("a deny by number stands: got {got:?}"),
    );
    // The child denies socket by number with its ENOSYS: the parent's
    // condition is higher, and its EPERM comes first.
    let (got, denied) = judge(
        &below.all,
        x86.first_bit() + socket,
        args(38),
        Decision::Errno(ENOSYS_),
    );
    t.check(
        got == Decision::Errno(EPERM_) && denied.is_some(),
        format_args!("the ancestor's condition errno over the child's deny: got {got:?}"),
    );
    let personality = nr(Abi::X86_64, "personality");
    let (got, denied) = judge(
        &below.all,
        x86.first_bit() + personality,
        args(8),
        Decision::Allow,
    );
    t.check(
        got == Decision::Errno(ENOSYS_) && denied.is_some_and(|d| d.arg == 0 && d.value == 8),
        format_args!("personality(8) must be denied, with its argument: got {got:?}"),
    );
}

fn an_allow_never_lifts_an_ancestors_condition(t: &mut Test) {
    let (Ok(deny), Ok(lift), Ok(plain)) = (
        parse_rules(b"socket(arg0=40)"),
        parse_rules(b"socket(arg0=38)"),
        parse_rules(b"socket"),
    ) else {
        t.check(false, format_args!("the writes must parse"));
        return;
    };
    let Ok(mut rules) = KBox::new(Rules::EMPTY, GFP_KERNEL) else {
        t.check(false, format_args!("no memory for the rules"));
        return;
    };
    let Ok(alg) = Condition::new(0, u64::MAX, Sense::In, &[38]) else {
        t.check(false, format_args!("the condition must build"));
        return;
    };
    // The parent holds socket(arg0=38).
    let held = |_: usize, cond: &Condition| *cond == alg;
    let admin = Author::Admin;
    let r = rules.write_request(None, held, Rule::Deny, admin, &deny);
    let got = rules.write_request(None, held, Rule::Allow, admin, &lift);
    t.check(
        r.is_ok() && got == Err(EPERM),
        format_args!("an allow of an ancestor's condition: expected EPERM, got {got:?}"),
    );
    let got = rules.write_request(None, held, Rule::Allow, admin, &plain);
    t.check(
        got.is_ok() && rules.all.conditions.is_empty() && rules.trusted.conditions.is_empty(),
        format_args!("a plain allow must drop the own conditions of the call: {got:?}"),
    );
}

fn more_conditions_than_a_cgroup_holds_is_enospc(t: &mut Test) {
    let Ok(mut rules) = KBox::new(Rules::EMPTY, GFP_KERNEL) else {
        t.check(false, format_args!("no memory for the rules"));
        return;
    };
    let none = |_: usize, _: &Condition| false;
    // Each write is two conditions: the x86_64 and the ia32 call.
    let mut last = Ok(());
    for value in 0..(MAX_CONDITIONS / 2) {
        let mut text = TextBuf { bytes: KVec::new() };
        let _ = write!(text, "socket(arg0={value})");
        if let Ok(request) = parse_rules(&text.bytes) {
            last = rules.write_request(None, none, Rule::Deny, Author::Admin, &request);
        }
    }
    let before = rules.all.conditions;
    let more = parse_rules(b"ia32:socket(arg1=1)");
    let got = more.map(|r| rules.write_request(None, none, Rule::Deny, Author::Admin, &r));
    t.check(
        last.is_ok() && matches!(got, Ok(Err(e)) if e == ENOSPC) && rules.all.conditions == before,
        format_args!("the condition past {MAX_CONDITIONS} must be ENOSPC and change nothing"),
    );
}

kunit_suite!(
    "syscalls_cgroup_conditions",
    [
        a_condition_reads_as_it_was_meant,
        bad_conditions_are_refused,
        a_condition_compares_at_the_argument_width,
        conditions_compose_down_the_hierarchy,
        an_allow_never_lifts_an_ancestors_condition,
        more_conditions_than_a_cgroup_holds_is_enospc,
    ]
);
