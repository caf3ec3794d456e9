// SPDX-License-Identifier: GPL-2.0

//! How a call is judged by its arguments: the conditions of every level on
//! a cgroup's path, published as [`Tests`] for the system call path, and
//! the decision they come to ([`judge`]).

use kernel::prelude::*;

use crate::abi::Abi;
use crate::action::Decision;
use crate::cond::{Condition, Conditions, Sense, MAX_VALUES};
use crate::set::SyscallSet;

/// A condition of some level on the path, as the system call path tests
/// it: with the call's bit, the register that holds the argument, and the
/// mask and values cut to the argument's width, worked out when the test is
/// made, and what the level decides when it denies.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Test {
    /// The bit of the call.
    pub(crate) bit: u16,
    /// The word of `struct pt_regs` that holds the argument.
    slot: u8,
    /// Whether the test denies when the argument is one of the values.
    deny_in: bool,
    /// How many values it has.
    len: u8,
    /// The bits of the argument's width.
    width: u64,
    /// The mask, cut to the width.
    mask: u64,
    /// The values, cut to the width.
    values: [u64; MAX_VALUES],
    /// The level's decision on the call when the condition denies it.
    pub(crate) decision: Decision,
    /// What the levels above it decide on the call by number: whether an
    /// errno of theirs comes before the level's own.
    above: Decision,
    /// The condition as it was written, for reads.
    pub(crate) cond: Condition,
}

impl Test {
    /// The test of `cond` on the call of bit `bit`, which its level decides
    /// `decision` when it denies it, and the levels above it `above` by
    /// number; `None` for a bit of no call.
    fn new(bit: usize, decision: Decision, above: Decision, cond: &Condition) -> Option<Test> {
        let (abi, nr) = Abi::of_bit(bit)?;
        let bits = abi.arg_width(nr, cond.arg());
        let width = if bits >= 64 {
            u64::MAX
        } else {
            (1u64 << bits) - 1
        };
        let mut values = [0; MAX_VALUES];
        for (cut, v) in values.iter_mut().zip(cond.values()) {
            *cut = v & width;
        }
        Some(Test {
            bit: bit as u16,
            slot: abi.arg_slot(cond.arg()) as u8,
            deny_in: cond.sense() == Sense::In,
            len: cond.values().len() as u8,
            width,
            mask: cond.mask() & width,
            values,
            decision,
            above,
            cond: *cond,
        })
    }

    /// Whether the test denies its call when the register of its argument
    /// holds `word`, as [`Condition::denies`] decides.
    #[inline]
    fn denies(&self, word: u64) -> bool {
        let seen = word & self.mask;
        // The values' slice bounded once, not at every value (`len` is never
        // past `MAX_VALUES`; were it, the test would deny).
        let Some(values) = self.values.get(..usize::from(self.len)) else {
            return true;
        };
        // A plain loop: the values are few, and this is the system call path.
        for value in values {
            if *value == seen {
                return self.deny_in;
            }
        }
        !self.deny_in
    }
}

/// The conditions that judge the tasks of a cgroup: those of every level
/// from the root down, by bit, with the subset that the administrators
/// wrote. Published whole and never changed after. Two are equal when
/// they test the same.
#[derive(PartialEq, Eq)]
pub(crate) struct Tests {
    /// Every author's conditions: what judges most tasks.
    pub(crate) all: KVec<Test>,
    /// The administrators' alone: what judges a task that a delegatee on
    /// the path has no power over.
    pub(crate) trusted: KVec<Test>,
    /// The calls that `all` tests: the system call path sends them to the
    /// slow path.
    pub(crate) calls: SyscallSet,
    /// Where the tests of each call start in `all`, by bit, and where the
    /// last call's end: so that the system call path finds them at once.
    first: KVec<u16>,
}

impl Tests {
    /// The tests of a cgroup under a parent tested by `parent`, with the
    /// own conditions of `all` (every author's) and `trusted` (the
    /// administrators').
    pub(crate) fn new(parent: Option<&Tests>, all: Level<'_>, trusted: Level<'_>) -> Result<Tests> {
        let mut tests = Tests {
            all: KVec::new(),
            trusted: KVec::new(),
            calls: SyscallSet::EMPTY,
            first: KVec::new(),
        };
        if let Some(parent) = parent {
            tests
                .all
                .extend_from_slice(&parent.all, GFP_KERNEL_ACCOUNT)?;
            tests
                .trusted
                .extend_from_slice(&parent.trusted, GFP_KERNEL_ACCOUNT)?;
            tests.calls = parent.calls;
        }
        for (bit, cond) in all.conditions.iter() {
            insert_test(
                &mut tests.all,
                bit,
                (all.denial)(bit),
                (all.above)(bit),
                cond,
            )?;
            tests.calls.insert_bit(bit);
        }
        for (bit, cond) in trusted.conditions.iter() {
            let (denial, above) = ((trusted.denial)(bit), (trusted.above)(bit));
            insert_test(&mut tests.trusted, bit, denial, above, cond)?;
        }
        let mut at = 0;
        for bit in 0..=crate::set::BITS {
            while tests.all.get(at).is_some_and(|t| usize::from(t.bit) < bit) {
                at += 1;
            }
            tests.first.push(at as u16, GFP_KERNEL_ACCOUNT)?;
        }
        Ok(tests)
    }

    /// Whether no test of every author denies the call of bit `bit`, whose
    /// registers `read` gives, word by word of `struct pt_regs`.
    #[inline]
    pub(crate) fn allows(&self, bit: usize, read: impl Fn(usize) -> u64) -> bool {
        let (Some(&from), Some(&to)) = (self.first.get(bit), self.first.get(bit + 1)) else {
            return false;
        };
        self.all
            .get(usize::from(from)..usize::from(to))
            .is_some_and(|tests| tests.iter().all(|t| !t.denies(read(usize::from(t.slot)))))
    }
}

/// A level's own conditions, as [`Tests::new`] makes tests of them.
pub(crate) struct Level<'a> {
    /// The conditions.
    pub(crate) conditions: &'a Conditions,
    /// What the level does to a call it denies.
    pub(crate) denial: &'a dyn Fn(usize) -> Decision,
    /// What the levels above it decide on a call by number.
    pub(crate) above: &'a dyn Fn(usize) -> Decision,
}

/// Inserts a test into `tests`, kept by bit, and after the tests of the
/// levels above on the same call.
fn insert_test(
    tests: &mut KVec<Test>,
    bit: usize,
    decision: Decision,
    above: Decision,
    cond: &Condition,
) -> Result {
    let Some(test) = Test::new(bit, decision, above, cond) else {
        return Ok(());
    };
    let at = tests.partition_point(|t| usize::from(t.bit) <= bit);
    tests.push(test, GFP_KERNEL_ACCOUNT)?;
    // Moved into place from the end: the vector is short.
    let len = tests.len();
    tests[at..len].rotate_right(1);
    Ok(())
}

/// What a condition decided on a call: the argument it tested, as
/// compared, for the log line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Denied {
    /// The argument, 0 to 5.
    pub(crate) arg: u8,
    /// Its value, cut to its width.
    pub(crate) value: u64,
}

/// The tests of `tests`, which are by bit, on the call of bit `bit`.
#[inline]
fn tests_of(tests: &[Test], bit: usize) -> impl Iterator<Item = &Test> {
    let from = tests.partition_point(|t| usize::from(t.bit) < bit);
    tests[from..]
        .iter()
        .take_while(move |t| usize::from(t.bit) == bit)
}

/// How strict a decision is, whatever its errno.
fn rank(decision: Decision) -> u8 {
    match decision {
        Decision::Allow => 0,
        Decision::Log => 1,
        Decision::Errno(_) => 2,
        Decision::Kill => 3,
    }
}

/// The decision on the call of bit `bit`, whose registers `read` gives,
/// which its number rules decide `by_number`, under the conditions
/// `tests`: as [`policy::combine`] makes it along the path, so the
/// strictest decision of the levels that deny the call, by number or by
/// condition, and of two errnos the one of the higher level; with the
/// argument of the condition whose decision it is.
pub(crate) fn judge(
    tests: &[Test],
    bit: usize,
    read: impl Fn(usize) -> u64,
    by_number: Decision,
) -> (Decision, Option<Denied>) {
    judge_with(tests, bit, by_number, |test| {
        let word = read(usize::from(test.slot));
        test.denies(word).then_some(word)
    })
}

/// As [`judge`], for a call whose arguments the tests cannot read where
/// they look for them (an x32-only entry, whose compat prototype puts them
/// at other widths or places than its x86_64 namesake's): every test of the
/// call denies it, so that a condition fails closed.
pub(crate) fn judge_unreadable(tests: &[Test], bit: usize, by_number: Decision) -> Decision {
    judge_with(tests, bit, by_number, |_| Some(0)).0
}

/// [`judge`] with `denies` saying whether a test denies the call, and with
/// what register word.
fn judge_with(
    tests: &[Test],
    bit: usize,
    by_number: Decision,
    denies: impl Fn(&Test) -> Option<u64>,
) -> (Decision, Option<Denied>) {
    let mut decision = by_number;
    let mut denied = None;
    // The tests of a call come from the top down: once one decided, a
    // later one (of the same level or below) wins only by being stricter.
    for test in tests_of(tests, bit) {
        let Some(word) = denies(test) else {
            continue;
        };
        let wins = match rank(test.decision).cmp(&rank(decision)) {
            core::cmp::Ordering::Greater => true,
            core::cmp::Ordering::Less => false,
            // Two errnos, the numbers' and the first test's: the numbers'
            // comes first only if the levels above the test's deny the
            // call with an errno.
            core::cmp::Ordering::Equal => {
                matches!(decision, Decision::Errno(_))
                    && denied.is_none()
                    && !matches!(test.above, Decision::Errno(_))
            }
        };
        if wins {
            decision = test.decision;
            denied = Some(Denied {
                arg: test.cond.arg() as u8,
                value: word & test.width,
            });
        }
    }
    (decision, denied)
}
