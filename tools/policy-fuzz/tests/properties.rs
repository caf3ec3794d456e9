// SPDX-License-Identifier: GPL-2.0

//! The properties: the controller's modules against the model of
//! [`crate::model`], on random writes and random hierarchies.
//!
//! Each property runs `PROPTEST_CASES` cases (100,000 unless set) from the
//! seed `PROPTEST_RNG_SEED` (random unless set). A failure prints the
//! seed, the minimal failing input proptest shrank it to, and what was
//! expected and what happened.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;

use kernel::error::Error;
use kernel::prelude::*;
use proptest::prelude::*;
use proptest::sample::{select, Index};
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestError, TestRunner};

use crate::abi::{tables, Abi};
use crate::grammar::{self, ActionWrite};
use crate::model::{self, Act, Calls, Errno, Fate, Tree, IA32, X86_64};
use crate::names;
use crate::policy::{self, Action, Author, Decision, Mode, OwnRules, Rule};
use crate::set::SyscallSet;

// The runner.

/// The cases a property runs unless `PROPTEST_CASES` says otherwise.
const CASES: u32 = 100_000;

/// Runs `test` on `CASES` values of `strategy`; on a failure, panics with
/// the seed that reproduces it and the minimal failing input.
fn check<S: Strategy>(
    property: &str,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S::Value: std::fmt::Debug,
{
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(CASES);
    let seed = std::env::var("PROPTEST_RNG_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| RandomState::new().hash_one(property));
    let config = Config {
        cases,
        rng_seed: RngSeed::Fixed(seed),
        // Nothing is written into the checkout: the seed reproduces.
        failure_persistence: None,
        max_shrink_iters: 100_000,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    match runner.run(&strategy, test) {
        Ok(()) => {}
        Err(TestError::Fail(why, input)) => panic!(
            "{property}: failed with seed {seed} \
             (rerun: PROPTEST_RNG_SEED={seed} scripts/fuzz.sh)\n\
             {why}\nminimal failing input: {input:#?}"
        ),
        Err(e) => panic!("{property}: {e} (seed {seed})"),
    }
}

// Translations between the modules' types and the model's.

fn abi_of(abi: usize) -> Abi {
    [Abi::X86_64, Abi::Ia32][abi]
}

/// The model's set of the calls of `set`; fails if a bit past the tables
/// is set.
fn to_model(set: &SyscallSet) -> Result<Calls, TestCaseError> {
    prop_assert!(
        set.bits().all(|bit| Abi::of_bit(bit).is_some()),
        "a set has bits past the tables: {:?}",
        set.words
    );
    let mut calls = Calls::empty();
    for abi in model::ABIS {
        for nr in 0..model::size(abi) {
            if set.contains(abi_of(abi), nr) {
                calls.insert(abi, nr);
            }
        }
    }
    Ok(calls)
}

fn from_model(calls: &Calls) -> SyscallSet {
    let mut set = SyscallSet::EMPTY;
    for (abi, nr) in calls.calls() {
        set.insert(abi_of(abi), nr);
    }
    set
}

/// The documented errno of `e`; an undocumented one fails the case.
fn errno(e: Error) -> Errno {
    match e {
        EINVAL => Errno::Inval,
        ERANGE => Errno::Range,
        EPERM => Errno::Perm,
        ENOSPC => Errno::NoSpc,
        e => panic!("undocumented errno {e:?}"),
    }
}

fn act_of(action: Action) -> Act {
    match action {
        Action::Errno(e) => Act::Errno(e),
        Action::Kill => Act::Kill,
    }
}

fn fate_of(decision: Decision) -> Fate {
    match decision {
        Decision::Allow => Fate::Allow,
        Decision::Log => Fate::Log,
        Decision::Errno(e) => Fate::Errno(e),
        Decision::Kill => Fate::Kill,
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

// The hierarchy as the controller composes the modules (controller.rs):
// parse, apply against the parent's effective set, then recompute the
// subtree, parents first; decisions combine the parent's with the own.

#[derive(Clone, PartialEq, Eq)]
struct Real {
    parent: Vec<Option<usize>>,
    own: Vec<OwnRules>,
    effective: Vec<SyscallSet>,
    by_delegatee: Vec<SyscallSet>,
}

impl Real {
    fn new() -> Real {
        Real {
            parent: vec![None],
            own: vec![OwnRules::EMPTY],
            effective: vec![SyscallSet::EMPTY],
            by_delegatee: vec![SyscallSet::EMPTY],
        }
    }

    fn len(&self) -> usize {
        self.parent.len()
    }

    /// `css_online()`: a new cgroup below `parent`.
    fn mkdir(&mut self, parent: usize) {
        self.parent.push(Some(parent));
        self.own.push(OwnRules::EMPTY);
        self.effective.push(SyscallSet::EMPTY);
        self.by_delegatee.push(SyscallSet::EMPTY);
        self.propagate();
    }

    /// Parents have smaller indices than their children.
    fn propagate(&mut self) {
        for g in 0..self.len() {
            let parent = self.parent[g];
            self.effective[g] = policy::effective(
                &self.own[g].denied,
                parent.map(|p| self.effective[p]).as_ref(),
            );
            self.by_delegatee[g] = policy::effective(
                &self.own[g].by_delegatee,
                parent.map(|p| self.by_delegatee[p]).as_ref(),
            );
        }
    }

    /// `controller::write()`.
    fn write_rules(&mut self, g: usize, rule: Rule, author: Author, input: &[u8]) -> Result {
        let request = grammar::parse(input)?;
        let mut own = self.own[g];
        let parent = self.parent[g].map(|p| self.effective[p]);
        policy::apply(&mut own, parent.as_ref(), rule, author, &request)?;
        self.own[g] = own;
        self.propagate();
        Ok(())
    }

    /// `controller::write_setting()` for `syscalls.mode`.
    fn write_mode(&mut self, g: usize, input: &[u8]) -> Result {
        self.own[g].mode = grammar::parse_mode(input)?;
        self.propagate();
        Ok(())
    }

    /// `controller::write_setting()` for `syscalls.action`.
    fn write_action(&mut self, g: usize, input: &[u8]) -> Result {
        let mut own = self.own[g];
        match grammar::parse_action_write(input)? {
            ActionWrite::Default(action) => own.action = action,
            ActionWrite::Calls(action, calls) => own.overrides.set(action, &calls)?,
        }
        self.own[g] = own;
        self.propagate();
        Ok(())
    }

    fn decision(&self, g: usize, bit: usize) -> Decision {
        policy::combine(
            self.parent[g].map_or(Decision::Allow, |p| self.decision(p, bit)),
            self.own[g].decision(bit),
        )
    }
}

/// A write, as the generators make them.
#[derive(Clone, Debug)]
enum Op {
    Mkdir(Index),
    Rules {
        group: Index,
        allow: bool,
        delegatee: bool,
        input: String,
    },
    Mode {
        group: Index,
        input: String,
    },
    Action {
        group: Index,
        input: String,
    },
}

/// Runs `op` on both hierarchies; their results must agree. Returns the
/// cgroup written or made.
fn run_both(real: &mut Real, tree: &mut Tree, op: &Op) -> Result<usize, TestCaseError> {
    let n = real.len();
    let (g, what, got, want) = match op {
        Op::Mkdir(parent) => {
            let p = parent.index(n);
            real.mkdir(p);
            return Ok(tree.mkdir(p));
        }
        Op::Rules {
            group,
            allow,
            delegatee,
            input,
        } => {
            let g = group.index(n);
            let rule = if *allow { Rule::Allow } else { Rule::Deny };
            let author = if *delegatee {
                Author::Delegatee
            } else {
                Author::Admin
            };
            (
                g,
                format!("{rule:?} {input:?} by {author:?} in cgroup {g}"),
                real.write_rules(g, rule, author, input.as_bytes()),
                tree.write_rules(g, *allow, *delegatee, input.as_bytes()),
            )
        }
        Op::Mode { group, input } => {
            let g = group.index(n);
            (
                g,
                format!("mode {input:?} in cgroup {g}"),
                real.write_mode(g, input.as_bytes()),
                tree.write_mode(g, input.as_bytes()),
            )
        }
        Op::Action { group, input } => {
            let g = group.index(n);
            (
                g,
                format!("action {input:?} in cgroup {g}"),
                real.write_action(g, input.as_bytes()),
                tree.write_action(g, input.as_bytes()),
            )
        }
    };
    prop_assert_eq!(got.map_err(errno), want, "{}", what);
    Ok(g)
}

/// Compares one cgroup's own rules with the model's.
fn same_rules(real: &Real, tree: &Tree, g: usize) -> Result<(), TestCaseError> {
    let (own, want) = (&real.own[g], &tree.groups[g]);
    prop_assert_eq!(&to_model(&own.denied)?, &want.denied, "own denies of {}", g);
    prop_assert_eq!(
        &to_model(&own.by_delegatee)?,
        &want.by_delegatee,
        "own delegatee denies of {}",
        g
    );
    prop_assert_eq!(own.mode == Mode::Log, want.log, "mode of {}", g);
    prop_assert_eq!(act_of(own.action), want.action, "action of {}", g);
    let entries: Vec<(Action, SyscallSet)> = own.overrides.iter().copied().collect();
    prop_assert_eq!(
        entries.len(),
        want.actions().len(),
        "actions for particular calls of {}",
        g
    );
    for (action, calls) in &entries {
        let mut expected = Calls::empty();
        for (&call, &act) in &want.per_call {
            if act == act_of(*action) {
                expected.insert(call.0, call.1);
            }
        }
        prop_assert_eq!(
            &to_model(calls)?,
            &expected,
            "calls of {:?} in {}",
            action,
            g
        );
    }
    Ok(())
}

/// Compares one cgroup's own rules and effective sets with the model's.
fn same_state(real: &Real, tree: &Tree, g: usize) -> Result<(), TestCaseError> {
    same_rules(real, tree, g)?;
    prop_assert_eq!(
        &to_model(&real.effective[g])?,
        &tree.effective(g),
        "effective set of {}",
        g
    );
    prop_assert_eq!(
        &to_model(&real.by_delegatee[g])?,
        &tree.effective_by_delegatee(g),
        "effective delegatee denies of {}",
        g
    );
    Ok(())
}

// The generators.

/// The calls most writes name, so that writes meet: x86_64 0 to 11 and
/// their ia32 namesakes, the calls no rule names, and mkdir, ptrace,
/// mount and kexec_load.
fn pool_nr() -> impl Strategy<Value = usize> {
    prop_oneof![
        6 => 0usize..12,
        1 => select(vec![15usize, 39, 60, 83, 101, 119, 165, 173, 219, 231, 246, 252]),
    ]
}

fn number() -> BoxedStrategy<String> {
    prop_oneof![
        10 => pool_nr().prop_map(|n| n.to_string()),
        2 => (0..tables::X86_64_NR).prop_map(|n| n.to_string()),
        1 => select(vec![
            tables::X86_64_NR - 1,
            tables::X86_64_NR,
            tables::IA32_NR - 1,
            tables::IA32_NR,
            tables::X86_64_NR + 1,
            999,
            65_536,
        ])
        .prop_map(|n| n.to_string()),
        1 => "[1-9][0-9]{9,25}",
        1 => (1usize..30, pool_nr()).prop_map(|(zeros, n)| format!("{}{n}", "0".repeat(zeros))),
    ]
    .boxed()
}

/// Every non-empty name of both tables.
fn table_names() -> Vec<&'static str> {
    let mut all: Vec<&str> = tables::X86_64_NAMES
        .iter()
        .chain(tables::IA32_NAMES.iter())
        .copied()
        .filter(|n| !n.is_empty())
        .collect();
    all.sort_unstable();
    all.dedup();
    all
}

/// The names of the pool's calls in both tables.
fn pool_names() -> Vec<&'static str> {
    let mut pool: Vec<&str> = (0..12)
        .flat_map(|nr| [tables::X86_64_NAMES[nr], tables::IA32_NAMES[nr]])
        .chain([
            "mkdir",
            "ptrace",
            "mount",
            "kexec_load",
            "socketcall",
            "mmap2",
        ])
        .filter(|n| !n.is_empty())
        .collect();
    pool.sort_unstable();
    pool.dedup();
    pool
}

fn name() -> BoxedStrategy<String> {
    prop_oneof![
        6 => select(pool_names()).prop_map(String::from),
        3 => select(table_names()).prop_map(String::from),
        1 => select(vec!["exit", "exit_group", "rt_sigreturn", "sigreturn", "restart_syscall"])
            .prop_map(String::from),
        1 => select(vec!["bogus", "MKDIR", "mkdir2", "Mkdir", "mk-dir", "_", "é", "x"])
            .prop_map(String::from),
    ]
    .boxed()
}

/// Bodies that are wrong whatever the prefix.
fn garbage() -> BoxedStrategy<String> {
    select(vec![
        "-1", "5-", "-", "0x10", "1-2-3", "3-x", "a-b", "5:", "1:2", "+1", "1e3", "ALL", "al",
        "all1", "\u{0}", "\u{ff}",
    ])
    .prop_map(String::from)
    .boxed()
}

fn prefix() -> BoxedStrategy<&'static str> {
    prop_oneof![
        12 => Just(""),
        3 => Just("x86_64:"),
        4 => Just("ia32:"),
        1 => select(vec!["x32:", ":", "IA32:", "ia32:ia32:", "x86_64 :", "64:"]),
    ]
    .boxed()
}

/// One item of a rule write, good or bad.
fn item() -> BoxedStrategy<String> {
    let body = prop_oneof![
        4 => number(),
        3 => (pool_nr(), 0usize..5).prop_map(|(lo, w)| format!("{lo}-{}", lo + w)),
        1 => (number(), number()).prop_map(|(lo, hi)| format!("{lo}-{hi}")),
        4 => name(),
        1 => Just("all".to_string()),
        1 => garbage(),
    ];
    (prefix(), body)
        .prop_map(|(p, b)| format!("{p}{b}"))
        .boxed()
}

fn separator() -> BoxedStrategy<&'static str> {
    prop_oneof![
        4 => Just(","),
        4 => Just(" "),
        2 => select(vec!["\t", "\n", "\r", "\u{b}", "\u{c}", ", ", " ,", ",\n", "  "]),
        1 => Just(",,"),
        1 => Just(", ,"),
    ]
    .boxed()
}

/// Joins items with separators, as a write does: a head, the items, a
/// tail (usually the newline of `echo`).
fn join(head: &str, items: &[(String, &str)], tail: &str) -> String {
    let mut s = String::from(head);
    for (i, (item, sep)) in items.iter().enumerate() {
        if i > 0 {
            s.push_str(sep);
        }
        s.push_str(item);
    }
    s.push_str(tail);
    s
}

/// A write to `syscalls.allow` or `syscalls.deny`.
fn rule_write() -> BoxedStrategy<String> {
    let list = (
        prop_oneof![8 => Just(""), 1 => Just(","), 1 => Just(" \t")],
        prop::collection::vec((item(), separator()), 0..6),
        prop_oneof![6 => Just("\n"), 2 => Just(""), 1 => Just(","), 1 => Just(",\n")],
    )
        .prop_map(|(head, items, tail)| join(head, &items, tail));
    let bytes = prop::collection::vec(
        prop_oneof![
            4 => select(b"0123456789,-: \n\tabcdeilmrsx_".to_vec()),
            1 => any::<u8>(),
        ],
        0..24,
    )
    .prop_map(|b| text(&b));
    prop_oneof![9 => list, 1 => bytes].boxed()
}

/// An action, as `syscalls.action` takes it, good or bad.
fn action_text() -> BoxedStrategy<String> {
    let errnos = vec![1u16, 13, 38, 95, 4000];
    prop_oneof![
        2 => Just("kill".to_string()),
        5 => (select(errnos), 0..3).prop_map(|(e, how)| match (how, names::errno_name(e)) {
            (0, Some(name)) => format!("errno {name}"),
            (1, _) => format!("errno {e:04}"),
            _ => format!("errno {e}"),
        }),
        1 => select(vec![
            "errno 0", "errno 4096", "errno EFOO", "errno eperm", "errno", "Kill", "errno -1",
            "errno 00038", "errno 1x", "errno 99999", "errno\tEPERM", "errno ENOSYS\n",
        ])
        .prop_map(String::from),
    ]
    .boxed()
}

/// A write to `syscalls.action`.
fn action_write() -> BoxedStrategy<String> {
    prop_oneof![
        3 => action_text().prop_map(|a| format!("{a}\n")),
        4 => (action_text(), rule_write()).prop_map(|(a, calls)| format!("{a} {calls}")),
        2 => rule_write().prop_map(|calls| format!("default {calls}")),
        1 => select(vec!["", "\n", "default", "default \n", "kill bogus", "strict"])
            .prop_map(String::from),
    ]
    .boxed()
}

/// A write to `syscalls.mode`.
fn mode_write() -> BoxedStrategy<String> {
    prop_oneof![
        4 => select(vec!["enforce\n", "log\n", "log", " enforce ", "\tlog\n\n"]),
        1 => select(vec!["", "strict", "log log", "Log", "enforce,", "logg", "log\u{0}"]),
    ]
    .prop_map(String::from)
    .boxed()
}

fn op() -> BoxedStrategy<Op> {
    prop_oneof![
        2 => any::<Index>().prop_map(Op::Mkdir),
        8 => (any::<Index>(), any::<bool>(), prop::bool::weighted(0.2), rule_write()).prop_map(
            |(group, allow, delegatee, input)| Op::Rules {
                group,
                allow,
                delegatee,
                input,
            }
        ),
        1 => (any::<Index>(), mode_write()).prop_map(|(group, input)| Op::Mode { group, input }),
        2 => (any::<Index>(), action_write())
            .prop_map(|(group, input)| Op::Action { group, input }),
    ]
    .boxed()
}

/// A random small hierarchy (the initial `mkdir`s) and writes to it.
fn scenario() -> impl Strategy<Value = (Vec<Index>, Vec<Op>)> {
    (
        prop::collection::vec(any::<Index>(), 0..5),
        prop::collection::vec(op(), 1..12),
    )
}

/// The bits whose decisions are compared: the pool's calls in both ABIs
/// and a few random ones.
fn decision_bits(random: &[(bool, Index)]) -> Vec<usize> {
    let mut bits: Vec<usize> = (0..16)
        .flat_map(|nr| [Abi::X86_64.first_bit() + nr, Abi::Ia32.first_bit() + nr])
        .chain([83, 101, 165, 219, 246].map(|nr| Abi::X86_64.first_bit() + nr))
        .collect();
    for (ia32, i) in random {
        let abi = if *ia32 { Abi::Ia32 } else { Abi::X86_64 };
        bits.push(abi.first_bit() + i.index(abi.size()));
    }
    bits
}

fn call_of(bit: usize) -> (usize, usize) {
    match Abi::of_bit(bit) {
        Some((Abi::X86_64, nr)) => (X86_64, nr),
        Some((Abi::Ia32, nr)) => (IA32, nr),
        None => unreachable!("bit {bit} is past the tables"),
    }
}

/// A set of calls: runs of numbers, single calls, whole tables, and bare
/// x86_64 numbers with their namesakes.
fn calls() -> impl Strategy<Value = Calls> {
    let run = (0usize..2, any::<Index>(), 0usize..40);
    let bare = any::<Index>();
    (
        prop::collection::vec(run, 0..8),
        prop::collection::vec(bare, 0..8),
        prop::bool::weighted(0.05),
        prop::bool::weighted(0.05),
    )
        .prop_map(|(runs, bare, all, none_named)| {
            let mut set = if all { Calls::all() } else { Calls::empty() };
            for (abi, start, len) in runs {
                let lo = start.index(model::size(abi));
                for nr in lo..(lo + len).min(model::size(abi)) {
                    set.insert(abi, nr);
                }
            }
            for i in bare {
                let nr = i.index(model::size(X86_64));
                set.insert(X86_64, nr);
                for &m in model::ia32_namesakes(nr) {
                    set.insert(IA32, m);
                }
            }
            if none_named {
                set.remove_all(model::never_named());
            }
            set
        })
}

// The properties.

/// A read prints the set in the documented format: the x86_64 part in
/// bitmap list format, a space, the ia32 items behind their prefix, and
/// prefixed x86_64 items when bare ones would reach more.
#[test]
fn read_format_matches_model() {
    check("read_format_matches_model", calls(), |want| {
        let set = from_model(&want);
        prop_assert_eq!(&to_model(&set)?, &want);
        for (set, model) in [(set, want.clone()), (set.complement(), want.complement())] {
            let read =
                grammar::format_set(&set).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
            prop_assert_eq!(text(&read), format!("{}\n", model::format(&model)));
        }
        Ok(())
    });
}

/// Whatever is read can be written back and gives the same set, but for
/// the calls no rule names; the model parses the read the same way.
#[test]
fn read_back_round_trip() {
    check("read_back_round_trip", calls(), |calls| {
        let set = from_model(&calls);
        for set in [set, set.complement()] {
            let read =
                grammar::format_set(&set).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
            let mut want = set;
            want.subtract(&names::outside_rules());
            let back = grammar::parse(&read);
            prop_assert_eq!(back, Ok(want), "{}", text(&read));
            prop_assert_eq!(model::parse(&read), Ok(to_model(&want)?), "{}", text(&read));
            // And reading what was written back prints the same again.
            let again =
                grammar::format_set(&want).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
            let reparsed = grammar::parse(&again);
            prop_assert_eq!(reparsed, Ok(want), "{}", text(&again));
        }
        Ok(())
    });
}

/// A write to a rule file names the calls the model says, or fails with
/// the errno of its first bad item.
#[test]
fn parse_matches_model() {
    check("parse_matches_model", rule_write(), |input| {
        let got = grammar::parse(input.as_bytes());
        let want = model::parse(input.as_bytes());
        match (got, want) {
            (Ok(set), Ok(calls)) => prop_assert_eq!(to_model(&set)?, calls, "{:?}", input),
            (got, want) => prop_assert_eq!(
                got.map(|_| ()).map_err(errno),
                want.map(|_| ()),
                "{:?}",
                input
            ),
        }
        Ok(())
    });
}

/// Random writes of every file on a random hierarchy give the results,
/// rules, effective sets, reads and decisions of the model.
#[test]
fn hierarchy_matches_model() {
    let strategy = (
        scenario(),
        prop::collection::vec((any::<bool>(), any::<Index>()), 0..8),
    );
    check(
        "hierarchy_matches_model",
        strategy,
        |((mkdirs, ops), random)| {
            let (mut real, mut tree) = (Real::new(), Tree::new());
            for p in mkdirs {
                run_both(&mut real, &mut tree, &Op::Mkdir(p))?;
            }
            // Each write's result and the rules it changed; at the end, the
            // whole state.
            for op in &ops {
                let g = run_both(&mut real, &mut tree, op)?;
                same_rules(&real, &tree, g)?;
            }
            for g in 0..real.len() {
                same_state(&real, &tree, g)?;
                for rule in [Rule::Deny, Rule::Allow] {
                    let read = match rule {
                        Rule::Deny => real.effective[g],
                        Rule::Allow => real.effective[g].complement(),
                    };
                    let want = match rule {
                        Rule::Deny => tree.effective(g),
                        Rule::Allow => tree.effective(g).complement(),
                    };
                    let read = grammar::format_set(&read)
                        .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
                    prop_assert_eq!(
                        text(&read),
                        format!("{}\n", model::format(&want)),
                        "{:?} read of {}",
                        rule,
                        g
                    );
                }
                for bit in decision_bits(&random) {
                    let (abi, nr) = call_of(bit);
                    prop_assert_eq!(
                        fate_of(real.decision(g, bit)),
                        tree.fate(g, abi, nr),
                        "decision on {:?} in {}",
                        (abi, nr),
                        g
                    );
                }
            }
            Ok(())
        },
    );
}

/// How strict a decision is: allow, log, errno, kill.
fn rank(d: Decision) -> u8 {
    match d {
        Decision::Allow => 0,
        Decision::Log => 1,
        Decision::Errno(_) => 2,
        Decision::Kill => 3,
    }
}

/// Whether `child` is at least as strict as `parent`, the parent's errno
/// standing over the child's.
fn never_weaker(child: Decision, parent: Decision) -> bool {
    match parent {
        Decision::Allow => true,
        Decision::Log => child != Decision::Allow,
        Decision::Errno(_) => child == parent || child == Decision::Kill,
        Decision::Kill => child == Decision::Kill,
    }
}

/// After any writes, a child's effective set holds its parent's, and its
/// decision on every call is never weaker than its parent's; a call is
/// decided denied exactly when the effective set holds it.
#[test]
fn child_never_weaker() {
    let strategy = (
        scenario(),
        prop::collection::vec((any::<bool>(), any::<Index>()), 0..8),
    );
    check("child_never_weaker", strategy, |((mkdirs, ops), random)| {
        let mut real = Real::new();
        for p in mkdirs {
            real.mkdir(p.index(real.len()));
        }
        let bits = decision_bits(&random);
        for op in &ops {
            let n = real.len();
            // Errors are the other properties' business.
            let _ = match op {
                Op::Mkdir(p) => {
                    real.mkdir(p.index(n));
                    Ok(())
                }
                Op::Rules {
                    group,
                    allow,
                    delegatee,
                    input,
                } => real.write_rules(
                    group.index(n),
                    if *allow { Rule::Allow } else { Rule::Deny },
                    if *delegatee {
                        Author::Delegatee
                    } else {
                        Author::Admin
                    },
                    input.as_bytes(),
                ),
                Op::Mode { group, input } => real.write_mode(group.index(n), input.as_bytes()),
                Op::Action { group, input } => real.write_action(group.index(n), input.as_bytes()),
            };
            for g in 0..real.len() {
                for &bit in &bits {
                    let d = real.decision(g, bit);
                    prop_assert_eq!(
                        d != Decision::Allow,
                        real.effective[g].contains_bit(bit),
                        "decision {:?} on bit {} in {} against its effective set",
                        d,
                        bit,
                        g
                    );
                }
                let Some(p) = real.parent[g] else { continue };
                let mut missing = real.effective[p];
                missing.subtract(&real.effective[g]);
                prop_assert!(
                    missing.is_empty(),
                    "cgroup {} lacks its parent's denies {:?}",
                    g,
                    missing
                );
                let mut missing = real.by_delegatee[p];
                missing.subtract(&real.by_delegatee[g]);
                prop_assert!(
                    missing.is_empty(),
                    "cgroup {} lacks its parent's delegatee denies {:?}",
                    g,
                    missing
                );
                for &bit in &bits {
                    let (child, parent) = (real.decision(g, bit), real.decision(p, bit));
                    prop_assert!(
                        never_weaker(child, parent),
                        "cgroup {} decides {:?} on bit {} where its parent {} decides {:?}",
                        g,
                        child,
                        bit,
                        p,
                        parent
                    );
                }
            }
        }
        Ok(())
    });
}

fn decision() -> impl Strategy<Value = Decision> {
    prop_oneof![
        Just(Decision::Allow),
        Just(Decision::Log),
        (1..=policy::MAX_ERRNO).prop_map(Decision::Errno),
        Just(Decision::Kill),
    ]
}

/// The strictest decision wins (`combine`): kill over errno over log over
/// allow, the parent's errno over the child's; and a decision survives
/// its one-word encoding.
#[test]
fn combine_strictest_wins() {
    check(
        "combine_strictest_wins",
        (decision(), decision()),
        |(parent, own)| {
            let got = policy::combine(parent, own);
            prop_assert_eq!(rank(got), rank(parent).max(rank(own)));
            if let Decision::Errno(_) = got {
                let want = if let Decision::Errno(_) = parent {
                    parent
                } else {
                    own
                };
                prop_assert_eq!(got, want);
            }
            prop_assert!(never_weaker(got, parent));
            for d in [parent, own] {
                prop_assert_eq!(Decision::decode(d.encode()), d);
            }
            Ok(())
        },
    );
}

/// A rule item that is good in every ABI it names.
fn good_item() -> BoxedStrategy<String> {
    let x = tables::X86_64_NR;
    let i = tables::IA32_NR;
    prop_oneof![
        3 => (0..x).prop_map(|n| n.to_string()),
        3 => pool_nr().prop_map(|n| format!("x86_64:{n}")),
        2 => (0..i).prop_map(|n| format!("ia32:{n}")),
        2 => (0..x, 0usize..8).prop_map(move |(lo, w)| format!("{lo}-{}", (lo + w).min(x - 1))),
        2 => select(pool_names()).prop_map(String::from),
        1 => Just("all".to_string()),
        1 => Just("ia32:all".to_string()),
    ]
    .boxed()
}

/// A rule item that is bad, and the errno that it must give.
fn bad_item() -> BoxedStrategy<(String, Errno)> {
    let x = tables::X86_64_NR;
    let i = tables::IA32_NR;
    let range = vec![
        format!("{x}"),
        format!("ia32:{i}"),
        format!("0-{x}"),
        format!("{x}-{}", x + 5),
        format!("x86_64:{}", x + 100),
        format!("ia32:0-{}", i + 1),
        "99999999999999999999999".to_string(),
        "18446744073709551616".to_string(),
        format!("{x}-x"),
    ];
    let inval = vec![
        "5-3",
        "5-",
        "-1",
        "0x10",
        "bogus",
        "MKDIR",
        "x32:1",
        "ia32:",
        ":1",
        "1-2-3",
        "mkdir2",
        "ia32:read64",
        "x86_64:socketcall",
        "x86_64:mmap2",
        "é",
        "3-x",
        "ALL",
        "ia32:x86_64:1",
    ];
    prop_oneof![
        (select(range)).prop_map(|s| (s, Errno::Range)),
        (select(inval)).prop_map(|s| (s.to_string(), Errno::Inval)),
    ]
    .boxed()
}

/// A write with one bad part: an item, or two commas in a row, or a
/// comma at the start or end; and the errno it must give.
fn bad_list() -> BoxedStrategy<(String, Errno)> {
    let goods = prop::collection::vec(
        (
            good_item(),
            prop_oneof![Just(","), Just(" "), Just(" , "), Just("\n")],
        ),
        0..5,
    );
    (goods, bad_item(), any::<Index>(), 0..4)
        .prop_map(|(goods, (bad, errno), at, how)| {
            let mut items = goods;
            let at = at.index(items.len() + 1);
            match how {
                0 | 1 => {
                    items.insert(at, (bad, ","));
                    (join("", &items, "\n"), errno)
                }
                2 if items.len() >= 2 => {
                    // Two commas between good items (a separator goes before
                    // its item).
                    let last = items.len() - 1;
                    items[at.clamp(1, last)].1 = ",,";
                    (join("", &items, "\n"), Errno::Inval)
                }
                2 => (join("", &items, ",,\n"), Errno::Inval),
                _ => (join(",", &items, "\n"), Errno::Inval),
            }
        })
        .boxed()
}

/// A bad write to one of the files and the errno it must give.
#[derive(Clone, Debug)]
enum BadWrite {
    Rules {
        allow: bool,
        input: String,
        errno: Errno,
    },
    /// An allow of a call the parent denies, with good items: `EPERM`.
    Forbidden {
        denied: String,
        others: Vec<String>,
    },
    Mode(String),
    Action {
        input: String,
        errno: Errno,
    },
}

fn bad_write() -> BoxedStrategy<BadWrite> {
    prop_oneof![
        6 => (any::<bool>(), bad_list()).prop_map(|(allow, (input, errno))| BadWrite::Rules { allow, input, errno }),
        3 => (good_item(), prop::collection::vec(good_item(), 0..3))
            .prop_map(|(denied, others)| BadWrite::Forbidden { denied, others }),
        1 => select(vec!["", "strict", "log log", "Log", "enforce,", "2", "0", "\n"])
            .prop_map(|s| BadWrite::Mode(s.to_string())),
        1 => select(vec![
            "errno 0", "errno 4096", "errno EFOO", "kill bogus", "default", "strict", "errno",
            "errno eperm", "kill,", "", "default\n", "Kill", "errno -1", "errno 1 2-1",
        ])
        .prop_map(|s| BadWrite::Action { input: s.to_string(), errno: Errno::Inval }),
        2 => (select(vec!["kill", "errno EPERM", "errno 4095", "default"]), bad_list())
            .prop_map(|(a, (calls, errno))| BadWrite::Action { input: format!("{a} {calls}"), errno }),
    ]
    .boxed()
}

/// A rejected write fails with the documented errno of its bad part and
/// leaves every rule and effective set as it was.
#[test]
fn rejected_write_changes_nothing() {
    let strategy = (scenario(), any::<Index>(), any::<bool>(), bad_write());
    check(
        "rejected_write_changes_nothing",
        strategy,
        |((mkdirs, ops), group, delegatee, bad)| {
            let mut real = Real::new();
            for p in mkdirs {
                real.mkdir(p.index(real.len()));
            }
            for op in &ops {
                let n = real.len();
                let _ = match op {
                    Op::Mkdir(p) => {
                        real.mkdir(p.index(n));
                        Ok(())
                    }
                    Op::Rules {
                        group,
                        allow,
                        delegatee,
                        input,
                    } => real.write_rules(
                        group.index(n),
                        if *allow { Rule::Allow } else { Rule::Deny },
                        if *delegatee {
                            Author::Delegatee
                        } else {
                            Author::Admin
                        },
                        input.as_bytes(),
                    ),
                    Op::Mode { group, input } => real.write_mode(group.index(n), input.as_bytes()),
                    Op::Action { group, input } => {
                        real.write_action(group.index(n), input.as_bytes())
                    }
                };
            }
            let author = if delegatee {
                Author::Delegatee
            } else {
                Author::Admin
            };
            let mut g = group.index(real.len());
            let (result, want, what) = match &bad {
                BadWrite::Rules {
                    allow,
                    input,
                    errno,
                } => {
                    let rule = if *allow { Rule::Allow } else { Rule::Deny };
                    let before = real.clone();
                    let r = real.write_rules(g, rule, author, input.as_bytes());
                    (r, *errno, before)
                }
                BadWrite::Forbidden { denied, others } => {
                    if real.parent[g].is_none() {
                        real.mkdir(g);
                        g = real.len() - 1;
                    }
                    let parent = real.parent[g].unwrap_or(0);
                    let ok = real.write_rules(parent, Rule::Deny, Author::Admin, denied.as_bytes());
                    prop_assert_eq!(ok, Ok(()), "deny {:?}", denied);
                    // The deny reaches the parent's effective set unless it
                    // names only calls no rule names.
                    let mut request = grammar::parse(denied.as_bytes())
                        .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
                    request.subtract(&names::outside_rules());
                    prop_assume!(!request.is_empty());
                    let mut list = others.clone();
                    list.push(denied.clone());
                    list.rotate_right(others.len() / 2 + 1);
                    let before = real.clone();
                    let r = real.write_rules(g, Rule::Allow, author, list.join(",").as_bytes());
                    (r, Errno::Perm, before)
                }
                BadWrite::Mode(input) => {
                    let before = real.clone();
                    (real.write_mode(g, input.as_bytes()), Errno::Inval, before)
                }
                BadWrite::Action { input, errno } => {
                    let before = real.clone();
                    (real.write_action(g, input.as_bytes()), *errno, before)
                }
            };
            let before = what;
            prop_assert_eq!(result.map_err(errno), Err(want), "in cgroup {}", g);
            for c in 0..real.len() {
                prop_assert!(
                    real.own[c] == before.own[c],
                    "the rules of cgroup {} changed",
                    c
                );
                prop_assert!(
                    real.effective[c] == before.effective[c],
                    "the effective set of {} changed",
                    c
                );
                prop_assert!(
                    real.by_delegatee[c] == before.by_delegatee[c],
                    "the delegatee set of {} changed",
                    c
                );
            }
            Ok(())
        },
    );
}

/// An action for a few calls, from a pool of ten actions, so that a
/// cgroup fills its eight actions for particular calls.
fn pool_action_write() -> BoxedStrategy<String> {
    let act = prop_oneof![
        1 => Just("kill".to_string()),
        6 => (1u16..10, any::<bool>()).prop_map(|(e, by_name)| match (by_name, names::errno_name(e)) {
            (true, Some(name)) => format!("errno {name}"),
            _ => format!("errno {e}"),
        }),
        1 => Just("default".to_string()),
    ];
    let call = prop_oneof![
        6 => (0usize..6).prop_map(|n| n.to_string()),
        2 => (0usize..6).prop_map(|n| format!("ia32:{n}")),
        1 => (0usize..4, 0usize..3).prop_map(|(lo, w)| format!("{lo}-{}", lo + w)),
        1 => Just("exit".to_string()),
        1 => Just("all".to_string()),
        1 => Just("5-3".to_string()),
    ];
    prop_oneof![
        8 => (act.clone(), prop::collection::vec(call, 1..4))
            .prop_map(|(a, calls)| format!("{a} {}\n", calls.join(","))),
        1 => act.prop_map(|a| format!("{a}\n")),
    ]
    .boxed()
}

/// `syscalls.action` follows the model, up to eight actions for
/// particular calls and `ENOSPC` past them; what it reads writes back.
#[test]
fn actions_match_model() {
    let strategy = prop::collection::vec(pool_action_write(), 1..24);
    check("actions_match_model", strategy, |writes| {
        let (mut real, mut tree) = (Real::new(), Tree::new());
        for input in &writes {
            let got = real.write_action(0, input.as_bytes()).map_err(errno);
            let want = tree.write_action(0, input.as_bytes());
            prop_assert_eq!(got, want, "{:?}", input);
        }
        same_state(&real, &tree, 0)?;
        let own = &real.own[0];
        let read = grammar::format_actions(own.action, &own.overrides)
            .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        let read = text(&read);
        let lines: Vec<&str> = read.lines().collect();
        prop_assert_eq!(lines.len(), own.overrides.iter().count() + 1, "{}", read);
        let first = grammar::parse_action_write(lines[0].as_bytes());
        prop_assert_eq!(first, Ok(ActionWrite::Default(own.action)), "{}", read);
        prop_assert_eq!(
            model::parse_action(lines[0].as_bytes()),
            Ok(model::ActionWrite::Default(act_of(own.action)))
        );
        for (line, &(action, calls)) in lines[1..].iter().zip(own.overrides.iter()) {
            let back = grammar::parse_action_write(line.as_bytes());
            prop_assert_eq!(
                back,
                Ok(ActionWrite::Calls(Some(action), calls)),
                "{}",
                read
            );
            let want = model::ActionWrite::Calls(Some(act_of(action)), to_model(&calls)?);
            prop_assert_eq!(model::parse_action(line.as_bytes()), Ok(want), "{}", read);
        }
        Ok(())
    });
}

/// `syscalls.mode`, `syscalls.action` and `syscalls.learn` parse as the
/// model says, errors included.
#[test]
fn setting_grammar_matches_model() {
    let strategy = prop_oneof![
        (Just(0u8), mode_write()),
        (Just(1u8), action_write()),
        (
            Just(2u8),
            select(vec![
                "0",
                "1",
                " 1\n",
                "0 1",
                "2",
                "",
                "01",
                "1,",
                "\u{b}0\u{c}"
            ])
            .prop_map(String::from)
        ),
    ];
    check(
        "setting_grammar_matches_model",
        strategy,
        |(file, input)| {
            let b = input.as_bytes();
            match file {
                0 => prop_assert_eq!(
                    grammar::parse_mode(b)
                        .map(|m| m == Mode::Log)
                        .map_err(errno),
                    model::parse_mode(b),
                    "{:?}",
                    input
                ),
                1 => {
                    let got = grammar::parse_action_write(b).map_err(errno);
                    let got = match got {
                        Ok(ActionWrite::Default(a)) => Ok(model::ActionWrite::Default(act_of(a))),
                        Ok(ActionWrite::Calls(a, calls)) => {
                            Ok(model::ActionWrite::Calls(a.map(act_of), to_model(&calls)?))
                        }
                        Err(e) => Err(e),
                    };
                    prop_assert_eq!(got, model::parse_action(b), "{:?}", input);
                }
                _ => prop_assert_eq!(
                    grammar::parse_switch(b).map_err(errno),
                    model::parse_switch(b),
                    "{:?}",
                    input
                ),
            }
            Ok(())
        },
    );
}

/// The tables agree with the names, checked for every number rather than
/// sampled: each x86_64 call's ia32 namesake is the ia32 call of its name,
/// and the calls no rule names are those of section 6.4 and
/// `restart_syscall`.
#[test]
fn tables_match_names() {
    for nr in 0..tables::X86_64_NR {
        let mut want = Calls::empty();
        want.insert(X86_64, nr);
        for &m in model::ia32_namesakes(nr) {
            want.insert(IA32, m);
        }
        let mut set = SyscallSet::EMPTY;
        names::insert_x86_64_everywhere(&mut set, nr);
        assert_eq!(to_model(&set).ok(), Some(want), "x86_64 {nr}");
    }
    assert_eq!(
        to_model(&names::outside_rules()).ok(),
        Some(model::never_named().clone())
    );
}
