// SPDX-License-Identifier: GPL-2.0

//! KUnit tests of the tables and the ABI glue, the write grammar and the
//! read format, and the helpers that [`crate::policy_tests`] shares. They
//! run at boot.

use core::fmt::Write;

use kernel::prelude::*;

use crate::abi::{classify, Abi};
use crate::format::{self, TextBuf};
use crate::grammar::parse;
use crate::kunit::{kunit_suite, Test};
use crate::names;
use crate::policy::{effective, OwnRules};
use crate::set::SyscallSet;

/// Shorthand: the number of `name` in `abi`, or a value past every table.
pub(crate) fn nr(abi: Abi, name: &str) -> usize {
    names::lookup(abi, name).unwrap_or(usize::MAX)
}

/// The index clamp of `classify` where nothing speculates: the index.
fn no_clamp(index: usize, _size: usize) -> usize {
    index
}

/// Own rules that an administrator wrote: a deny of `text`.
pub(crate) fn own_of(text: &str) -> OwnRules {
    OwnRules {
        denied: set_of(text),
        ..OwnRules::EMPTY
    }
}

/// A heap copy of `value`, or `None` (a failed check) without memory. A
/// [`crate::policy::Rules`] is 8 KiB: a test that keeps a few of them on
/// its stack overflows the 16 KiB kernel stack it runs on. The build
/// refuses a frame over 8 KiB (`scripts/build-kernel.sh`).
pub(crate) fn boxed<T: Copy>(t: &mut Test, value: &T) -> Option<KBox<T>> {
    match KBox::new_uninit(GFP_KERNEL) {
        Ok(b) => Some(KBox::write(b, *value)),
        Err(_) => {
            t.check(false, format_args!("no memory for a copy of the rules"));
            None
        }
    }
}

/// [`own_of`] on the heap, built there: an `OwnRules` is 4 KiB.
pub(crate) fn own_boxed(t: &mut Test, text: &str) -> Option<KBox<OwnRules>> {
    let mut own = boxed(t, &OwnRules::EMPTY)?;
    own.denied = set_of(text);
    Some(own)
}

/// The set a write of `text` gives, or the empty set.
pub(crate) fn set_of(text: &str) -> SyscallSet {
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
    format::set(set).unwrap_or_default()
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
    t.check_eq(nr(Abi::X86_64, "getpid"), 39, format_args!("x86_64 getpid"));
    t.check_eq(
        nr(Abi::Ia32, "socketcall"),
        102,
        format_args!("ia32 socketcall"),
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
    t.check_eq(
        names::ia32_namesake(83),
        Some(39),
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
        t.check_eq(
            got,
            want,
            format_args!("case {i}: classify({n:#x}, {ia32})"),
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
        t.check_eq(got, want, format_args!("'{text}'"));
    }
    let mut ia32 = SyscallSet::EMPTY;
    ia32.insert(Abi::Ia32, 39);
    t.check_eq(
        set_of("ia32:39"),
        ia32,
        format_args!("ia32:39 is ia32 only"),
    );
    t.check_eq(
        set_of("ia32:mkdir"),
        ia32,
        format_args!("ia32:mkdir is ia32 only"),
    );
    let mut only = SyscallSet::EMPTY;
    only.insert(Abi::Ia32, 102);
    t.check_eq(
        set_of("socketcall"),
        only,
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
    t.check_eq(
        all,
        want,
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
        ("99999999999999999999999", erange),
        ("1 abc 99999", einval),
        ("99999 abc", erange),
    ];
    for (text, want) in cases {
        let got = errno_of(text);
        t.check_eq(got, want, format_args!("'{text}'"));
    }
    // The first number past each table, whichever kernel's it is.
    let (x86_64, ia32) = (Abi::X86_64.size(), Abi::Ia32.size());
    for args in [
        format_args!("{x86_64}"),
        format_args!("ia32:{ia32}"),
        format_args!("0-{x86_64}"),
    ] {
        let mut text = TextBuf { bytes: KVec::new() };
        let _ = text.write_fmt(args);
        let got = parse(&text.bytes).map_or_else(|e| -e.to_errno(), |_| 0);
        t.check_eq(got, erange, format_args!("'{args}'"));
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
        t.check_eq(
            got,
            want,
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
        t.check_eq(
            again,
            set,
            format_args!("'{write}' does not round-trip: {set:?} became {again:?}"),
        );
        let allowed = set.complement();
        let mut back = set_of(text_of(&read_of(&allowed)));
        back.union_with(&names::outside_rules());
        t.check_eq(
            back,
            allowed,
            format_args!("the allow read of '{write}' does not round-trip"),
        );
    }
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

fn restart_syscall_is_known_in_every_abi(t: &mut Test) {
    for abi in Abi::ALL {
        for nr in 0..abi.size() {
            t.check(
                names::is_restart(abi, nr) == names::RESTART_SYSCALL.contains(abi, nr),
                format_args!("is_restart({}{nr}) disagrees with the set", abi.prefix()),
            );
        }
    }
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
            classify(nr, ia32, no_clamp).is_some_and(|(abi, idx)| names::is_restart(abi, idx))
                == want,
            format_args!("is_restart({nr:#x}, ia32 {ia32}): expected {want}"),
        );
    }
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
        restart_syscall_is_in_no_rule,
        restart_syscall_is_known_in_every_abi,
    ]
);
