// SPDX-License-Identifier: GPL-2.0

//! The properties: the controller's modules against the model of
//! [`crate::model`], on random writes and random hierarchies.
//!
//! Each property runs `PROPTEST_CASES` cases (100,000 unless set) from the
//! seed `PROPTEST_RNG_SEED` (random unless set). A failure prints the
//! seed, the minimal failing input proptest shrank it to, and what was
//! expected and what happened.

use std::collections::hash_map::RandomState;
use std::collections::{BTreeMap, BTreeSet};
use std::hash::BuildHasher;
use std::rc::Rc;
use std::sync::OnceLock;

use kernel::error::Error;
use kernel::prelude::*;
use proptest::prelude::*;
use proptest::sample::{select, Index};
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestError, TestRunner};

use crate::abi::{tables, Abi, ARG_SLOTS};
use crate::action::{self, Action, Decision, Mode};
use crate::cond::{self, Condition, Conditions, Sense};
use crate::format;
use crate::grammar::{self, ActionWrite};
use crate::judge::{self, Level, Tests};
use crate::model::{self, Act, Calls, Cond, Errno, Fate, Pair, Tree, IA32, X86_64};
use crate::names;
use crate::policy::{self, Author, OwnRules, Rule, Rules};
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

/// The words of `struct pt_regs` of a call of `abi` made with `args`, as
/// the entry code saves them: each argument in its ABI's register, the
/// other words a filler no condition of the pool meets by chance.
fn regs(abi: Abi, args: &[u64; cond::ARGS]) -> [u64; ARG_SLOTS] {
    let mut regs = [0x5a5a_5a5a_5a5a_5a5a; ARG_SLOTS];
    for (arg, &value) in args.iter().enumerate() {
        regs[abi.arg_slot(arg)] = value;
    }
    regs
}

/// `controller::held_above()`: whether the tests of the parent (`None`
/// for the root) hold condition `cond` on the call of bit `bit`.
fn held_above(
    tests: &[Option<Rc<Tests>>],
    parent: Option<usize>,
) -> impl Fn(usize, &Condition) -> bool + '_ {
    let above = parent.and_then(|p| tests[p].as_deref());
    move |bit, cond| {
        above.is_some_and(|t| {
            t.all
                .iter()
                .any(|test| usize::from(test.bit) == bit && test.cond == *cond)
        })
    }
}

// The hierarchy as the controller composes the modules (controller.rs):
// parse, write the rules against the parent's effective set, then
// recompute the subtree, parents first; decisions and trusted decisions
// combine the parent's with the own, from `all` and from `trusted`.

#[derive(Clone, PartialEq, Eq)]
struct Real {
    parent: Vec<Option<usize>>,
    rules: Vec<Rules>,
    effective: Vec<SyscallSet>,
    /// Whether a cgroup's rules or an ancestor's are delegated.
    delegated: Vec<bool>,
}

fn author(delegatee: bool) -> Author {
    if delegatee {
        Author::Delegatee
    } else {
        Author::Admin
    }
}

impl Real {
    fn new() -> Real {
        Real {
            parent: vec![None],
            rules: vec![Rules::EMPTY],
            effective: vec![SyscallSet::EMPTY],
            delegated: vec![false],
        }
    }

    fn len(&self) -> usize {
        self.parent.len()
    }

    /// `css_online()`: a new cgroup below `parent`.
    fn mkdir(&mut self, parent: usize) {
        self.parent.push(Some(parent));
        self.rules.push(Rules::EMPTY);
        self.effective.push(SyscallSet::EMPTY);
        self.delegated.push(false);
        self.propagate();
    }

    /// `publish()` for every cgroup: parents have smaller indices than
    /// their children.
    fn propagate(&mut self) {
        for g in 0..self.len() {
            let parent = self.parent[g];
            self.effective[g] = policy::effective(
                &self.rules[g].all.denied,
                parent.map(|p| self.effective[p]).as_ref(),
            );
            self.delegated[g] =
                self.rules[g].delegated() || parent.is_some_and(|p| self.delegated[p]);
        }
    }

    /// `controller::write()`: parsed, then written to a copy of the rules
    /// against the parent's effective set and the conditions above.
    fn write_rules(&mut self, g: usize, rule: Rule, author: Author, input: &[u8]) -> Result {
        let request = grammar::parse_rules(input)?;
        let mut rules = self.rules[g];
        let parent = self.parent[g].map(|p| self.effective[p]);
        let tests = self.tests();
        rules.write_request(
            parent.as_ref(),
            held_above(&tests, self.parent[g]),
            rule,
            author,
            &request,
        )?;
        self.rules[g] = rules;
        self.propagate();
        Ok(())
    }

    /// `controller::build_tests()` for every cgroup, parents first: the
    /// parent's tests, shared, for a cgroup without conditions of its own.
    /// A cgroup's levels carry what the levels above it decide by number,
    /// as `controller::prepare()` gives it: the parent's combined decision
    /// (`published_decision()` of the parent for the cgroup written,
    /// `decision_after()` of the parent, with the rules written, for those
    /// below it, which are the same once the write is made), by everyone's
    /// rules or by the administrators', `Allow` at the root. The tests are
    /// built anew after every write, as the controller rebuilds every test
    /// below a write while any cgroup has conditions.
    fn tests(&self) -> Vec<Option<Rc<Tests>>> {
        let mut all: Vec<Option<Rc<Tests>>> = Vec::with_capacity(self.len());
        for g in 0..self.len() {
            let parent = self.parent[g].and_then(|p| all[p].clone());
            let rules = &self.rules[g];
            if rules.all.conditions.is_empty() && rules.trusted.conditions.is_empty() {
                all.push(parent);
                continue;
            }
            let above = |bit: usize, trusted: bool| self.above(g, bit, trusted);
            let tests = Tests::new(
                parent.as_deref(),
                Level {
                    conditions: &rules.all.conditions,
                    denial: &|bit| rules.all.denial(bit),
                    above: &|bit| above(bit, false),
                },
                Level {
                    conditions: &rules.trusted.conditions,
                    denial: &|bit| rules.trusted.denial(bit),
                    above: &|bit| above(bit, true),
                },
            )
            .expect("the stand-in's allocations never fail");
            all.push(Some(Rc::new(tests)));
        }
        all
    }

    /// What the levels above `g` decide by number on the call of bit
    /// `bit`, by the administrators' rules when `trusted`: the parent's
    /// decision, `Allow` above the root (`controller::published_decision()`).
    fn above(&self, g: usize, bit: usize, trusted: bool) -> Decision {
        match (self.parent[g], trusted) {
            (None, _) => Decision::Allow,
            (Some(p), false) => self.decision(p, bit),
            (Some(p), true) => self.trusted_decision(p, bit),
        }
    }

    /// The decision on call `nr` of `abi` made in `g` with `args`, as
    /// `check.rs` makes it: by number, then by the conditions of the path,
    /// for a trusted task (`trusted`) by the administrators' alone.
    fn decide(
        &self,
        tests: &[Option<Rc<Tests>>],
        g: usize,
        (abi, nr): (Abi, usize),
        args: &[u64; cond::ARGS],
        trusted: bool,
    ) -> (Decision, Option<judge::Denied>) {
        let bit = abi.first_bit() + nr;
        let by_number = match trusted {
            false => self.decision(g, bit),
            true => self.trusted_decision(g, bit),
        };
        let regs = regs(abi, args);
        let read = |slot: usize| regs[slot];
        match (&tests[g], trusted) {
            (Some(t), false) => judge::judge(&t.all, bit, read, by_number),
            (Some(t), true) => judge::judge(&t.trusted, bit, read, by_number),
            (None, _) => (by_number, None),
        }
    }

    /// `controller::write_setting()` for `syscalls.mode`.
    fn write_mode(&mut self, g: usize, author: Author, input: &[u8]) -> Result {
        self.rules[g].set_mode(grammar::parse_mode(input)?, author);
        self.propagate();
        Ok(())
    }

    /// `controller::write_setting()` for `syscalls.action`.
    fn write_action(&mut self, g: usize, author: Author, input: &[u8]) -> Result {
        let mut rules = self.rules[g];
        match grammar::parse_action_write(input)? {
            ActionWrite::Default(action) => rules.set_action(Some(action), None, author)?,
            ActionWrite::Calls(action, calls) => rules.set_action(action, Some(&calls), author)?,
        }
        self.rules[g] = rules;
        self.propagate();
        Ok(())
    }

    /// A write of `input` to `file` of `g` by `by`.
    fn write(&mut self, g: usize, file: File, by: Author, input: &str) -> Result {
        match file {
            File::Rules(rule) => self.write_rules(g, rule, by, input.as_bytes()),
            File::Mode => self.write_mode(g, by, input.as_bytes()),
            File::Action => self.write_action(g, by, input.as_bytes()),
        }
    }

    /// Runs `op`, whatever its result; returns the cgroup written or made.
    fn run(&mut self, op: &Op) -> (usize, Result) {
        let n = self.len();
        match op {
            Op::Mkdir(parent) => {
                self.mkdir(parent.index(n));
                (n, Ok(()))
            }
            Op::Rules {
                group,
                allow,
                delegatee,
                input,
            } => {
                let g = group.index(n);
                let rule = if *allow { Rule::Allow } else { Rule::Deny };
                (
                    g,
                    self.write_rules(g, rule, author(*delegatee), input.as_bytes()),
                )
            }
            Op::Mode {
                group,
                delegatee,
                input,
            } => {
                let g = group.index(n);
                (g, self.write_mode(g, author(*delegatee), input.as_bytes()))
            }
            Op::Action {
                group,
                delegatee,
                input,
            } => {
                let g = group.index(n);
                (
                    g,
                    self.write_action(g, author(*delegatee), input.as_bytes()),
                )
            }
        }
    }

    fn decision(&self, g: usize, bit: usize) -> Decision {
        policy::combine(
            self.parent[g].map_or(Decision::Allow, |p| self.decision(p, bit)),
            self.rules[g].all.decision(bit),
        )
    }

    /// The decision for a task judged by the administrators' rules alone.
    fn trusted_decision(&self, g: usize, bit: usize) -> Decision {
        policy::combine(
            self.parent[g].map_or(Decision::Allow, |p| self.trusted_decision(p, bit)),
            self.rules[g].trusted.decision(bit),
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
        delegatee: bool,
        input: String,
    },
    Action {
        group: Index,
        delegatee: bool,
        input: String,
    },
}

impl Op {
    /// The same write by an administrator.
    fn by_admin(&self) -> Op {
        let mut op = self.clone();
        match &mut op {
            Op::Mkdir(_) => {}
            Op::Rules { delegatee, .. }
            | Op::Mode { delegatee, .. }
            | Op::Action { delegatee, .. } => *delegatee = false,
        }
        op
    }
}

/// Runs `op` on both hierarchies; their results must agree. Returns the
/// cgroup written or made.
fn run_both(real: &mut Real, tree: &mut Tree, op: &Op) -> Result<usize, TestCaseError> {
    let (g, got) = real.run(op);
    let want = match op {
        Op::Mkdir(parent) => {
            let made = tree.mkdir(parent.index(g));
            prop_assert_eq!(made, g, "the new cgroup's index");
            return Ok(g);
        }
        Op::Rules {
            allow,
            delegatee,
            input,
            ..
        } => tree.write_rules(g, *allow, *delegatee, input.as_bytes()),
        Op::Mode {
            delegatee, input, ..
        } => tree.write_mode(g, *delegatee, input.as_bytes()),
        Op::Action {
            delegatee, input, ..
        } => tree.write_action(g, *delegatee, input.as_bytes()),
    };
    prop_assert_eq!(got.map_err(errno), want, "{:?} in cgroup {}", op, g);
    Ok(g)
}

/// Compares one of a cgroup's two sets of rules, `which`, with the
/// model's.
fn same_own(own: &OwnRules, want: &model::Own, which: &str) -> Result<(), TestCaseError> {
    prop_assert_eq!(
        &to_model(&own.denied)?,
        &want.denied,
        "own denies ({})",
        which
    );
    prop_assert_eq!(own.mode == Mode::Log, want.log, "mode ({})", which);
    prop_assert_eq!(act_of(own.action), want.action, "action ({})", which);
    let entries: Vec<(Action, SyscallSet)> = own.overrides.iter().copied().collect();
    prop_assert_eq!(
        entries.len(),
        want.actions().len(),
        "actions for particular calls ({})",
        which
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
            "calls of {:?} ({})",
            action,
            which
        );
    }
    let conds = pairs_of(own.conditions.iter())?;
    prop_assert!(
        conds == want.conds,
        "conditions ({}): expected {}, got {}",
        which,
        show(&want.conds),
        show(&conds)
    );
    Ok(())
}

/// Compares one cgroup's two sets of own rules with the model's.
fn same_rules(real: &Real, tree: &Tree, g: usize) -> Result<(), TestCaseError> {
    let (rules, want) = (&real.rules[g], &tree.groups[g]);
    same_own(&rules.all, &want.all, &format!("everyone's, of {g}"))?;
    same_own(&rules.trusted, &want.trusted, &format!("trusted, of {g}"))?;
    // Delegated exactly when the two sets mean different rules: equal
    // lists of actions compare equal in any order.
    prop_assert_eq!(
        rules.delegated(),
        want.delegated(),
        "cgroup {} delegated: the code says {}, the model {}",
        g,
        rules.delegated(),
        want.delegated()
    );
    Ok(())
}

/// Compares one cgroup's own rules, effective set and delegation with the
/// model's.
fn same_state(real: &Real, tree: &Tree, g: usize) -> Result<(), TestCaseError> {
    same_rules(real, tree, g)?;
    prop_assert_eq!(
        &to_model(&real.effective[g])?,
        &tree.effective(g),
        "effective set of {}",
        g
    );
    if tree.delegated(g) {
        prop_assert!(real.delegated[g], "the path of {} must be delegated", g);
    }
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
    // 512 to 529 are the kernel's internal codes, which are refused.
    let errnos = vec![1u16, 13, 38, 95, 511, 512, 520, 529, 530, 4000];
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
            "errno ERESTARTSYS", "errno 0512",
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
        3 => (any::<Index>(), prop::bool::weighted(0.3), prop::bool::weighted(0.2), cond_items_write())
            .prop_map(|(group, allow, delegatee, input)| Op::Rules {
                group,
                allow,
                delegatee,
                input,
            }),
        1 => (any::<Index>(), prop::bool::weighted(0.3), mode_write()).prop_map(
            |(group, delegatee, input)| Op::Mode {
                group,
                delegatee,
                input,
            }
        ),
        2 => (any::<Index>(), prop::bool::weighted(0.3), action_write()).prop_map(
            |(group, delegatee, input)| Op::Action {
                group,
                delegatee,
                input,
            }
        ),
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
            let read = format::set(&set).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
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
            let read = format::set(&set).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
            let mut want = set;
            want.subtract(&names::outside_rules());
            let back = grammar::parse(&read);
            prop_assert_eq!(back, Ok(want), "{}", text(&read));
            prop_assert_eq!(model::parse(&read), Ok(to_model(&want)?), "{}", text(&read));
            // And reading what was written back prints the same again.
            let again = format::set(&want).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
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

/// Random writes of every file by either author on a random hierarchy
/// give the results, both sets of rules, effective sets, reads, decisions
/// and trusted decisions of the model.
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
            let tests = real.tests();
            for g in 0..real.len() {
                same_state(&real, &tree, g)?;
                same_deny_read(&real, &tests, &tree, g)?;
                let read = format::set(&real.effective[g].complement())
                    .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
                prop_assert_eq!(
                    text(&read),
                    format!("{}\n", model::format(&tree.effective(g).complement())),
                    "allow read of {}",
                    g
                );
                for bit in decision_bits(&random) {
                    let (abi, nr) = call_of(bit);
                    prop_assert_eq!(
                        fate_of(real.decision(g, bit)),
                        tree.fate(g, abi, nr),
                        "decision on {:?} in {}",
                        (abi, nr),
                        g
                    );
                    prop_assert_eq!(
                        fate_of(real.trusted_decision(g, bit)),
                        tree.trusted_fate(g, abi, nr),
                        "trusted decision on {:?} in {}",
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
/// decision on every call, for any task, is never weaker than its
/// parent's; a call is decided denied exactly when the effective set
/// holds it.
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
            // Errors are the other properties' business.
            let _ = real.run(op);
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
                    let (child, parent) =
                        (real.trusted_decision(g, bit), real.trusted_decision(p, bit));
                    prop_assert!(
                        never_weaker(child, parent),
                        "cgroup {} decides {:?} on bit {} for trusted tasks where its \
                         parent {} decides {:?}",
                        g,
                        child,
                        bit,
                        p,
                        parent
                    );
                }
                prop_assert!(
                    real.delegated[g] || !real.delegated[p],
                    "cgroup {} is not delegated below its delegated parent {}",
                    g,
                    p
                );
            }
        }
        Ok(())
    });
}

fn decision() -> impl Strategy<Value = Decision> {
    prop_oneof![
        Just(Decision::Allow),
        Just(Decision::Log),
        (1..=action::MAX_ERRNO).prop_map(Decision::Errno),
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
    /// An allow of a call the parent denies, with good items: `EPERM`,
    /// whoever wrote the parent's deny (`by_delegatee`).
    Forbidden {
        denied: String,
        others: Vec<String>,
        by_delegatee: bool,
    },
    Mode(String),
    /// A rule write with one bad item with a condition among good items,
    /// plain and with conditions.
    Condition {
        allow: bool,
        input: String,
        errno: Errno,
    },
    Action {
        input: String,
        errno: Errno,
    },
    /// A ninth action for particular calls where eight are set
    /// (`by_delegatee` in everyone's rules only): `ENOSPC`. With `hidden`,
    /// an administrator set the eight, a delegatee cleared them from
    /// everyone's rules, and an administrator writes the ninth: the
    /// administrators' rules are full although everyone's are not.
    Full {
        by_delegatee: bool,
        hidden: bool,
    },
}

fn bad_write() -> BoxedStrategy<BadWrite> {
    prop_oneof![
        6 => (any::<bool>(), bad_list()).prop_map(|(allow, (input, errno))| BadWrite::Rules { allow, input, errno }),
        3 => (good_item(), prop::collection::vec(good_item(), 0..3), any::<bool>())
            .prop_map(|(denied, others, by_delegatee)| BadWrite::Forbidden { denied, others, by_delegatee }),
        2 => (
            any::<bool>(),
            prop::collection::vec(prop_oneof![good_item(), good_cond_item().prop_map(|(t, _)| t)], 0..4),
            bad_cond_item(),
            any::<Index>(),
        )
            .prop_map(|(allow, mut goods, (bad, errno), at)| {
                let at = at.index(goods.len() + 1);
                goods.insert(at, bad);
                BadWrite::Condition { allow, input: format!("{}\n", goods.join(" ")), errno }
            }),
        1 => select(vec!["", "strict", "log log", "Log", "enforce,", "2", "0", "\n"])
            .prop_map(|s| BadWrite::Mode(s.to_string())),
        1 => select(vec![
            "errno 0", "errno 4096", "errno EFOO", "kill bogus", "default", "strict", "errno",
            "errno eperm", "kill,", "", "default\n", "Kill", "errno -1", "errno 1 2-1",
            "errno 512", "errno 529\n", "errno 0516 1", "errno ERESTARTSYS",
        ])
        .prop_map(|s| BadWrite::Action { input: s.to_string(), errno: Errno::Inval }),
        2 => (select(vec!["kill", "errno EPERM", "errno 4095", "default"]), bad_list())
            .prop_map(|(a, (calls, errno))| BadWrite::Action { input: format!("{a} {calls}"), errno }),
        1 => (any::<bool>(), prop::bool::weighted(0.5))
            .prop_map(|(by_delegatee, hidden)| BadWrite::Full { by_delegatee, hidden }),
    ]
    .boxed()
}

/// A bad write, ready to be made.
struct Prepared {
    group: usize,
    by: Author,
    file: File,
    input: String,
    /// The errno it must fail with.
    errno: Errno,
}

/// Writes what `bad` needs to fail into cgroup `g` (which may then be a
/// new child of it), checking that it succeeds; returns the bad write,
/// `None` when `bad` cannot fail here.
fn prepare(
    real: &mut Real,
    mut g: usize,
    mut writer: Author,
    bad: &BadWrite,
) -> Result<Option<Prepared>, TestCaseError> {
    let (input, file, want) = match bad {
        BadWrite::Rules {
            allow,
            input,
            errno,
        } => {
            let rule = if *allow { Rule::Allow } else { Rule::Deny };
            (input.clone(), File::Rules(rule), *errno)
        }
        BadWrite::Forbidden {
            denied,
            others,
            by_delegatee,
        } => {
            if real.parent[g].is_none() {
                real.mkdir(g);
                g = real.len() - 1;
            }
            let parent = real.parent[g].unwrap_or(0);
            let by = author(*by_delegatee);
            setup(real, parent, File::Rules(Rule::Deny), by, denied)?;
            // The deny reaches the parent's effective set unless it names
            // only calls no rule names.
            let mut request = grammar::parse(denied.as_bytes())
                .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
            request.subtract(&names::outside_rules());
            if request.is_empty() {
                return Ok(None);
            }
            let mut list = others.clone();
            list.push(denied.clone());
            list.rotate_right(others.len() / 2 + 1);
            (list.join(","), File::Rules(Rule::Allow), Errno::Perm)
        }
        BadWrite::Mode(input) => (input.clone(), File::Mode, Errno::Inval),
        BadWrite::Condition {
            allow,
            input,
            errno,
        } => {
            let rule = if *allow { Rule::Allow } else { Rule::Deny };
            (input.clone(), File::Rules(rule), *errno)
        }
        BadWrite::Action { input, errno } => (input.clone(), File::Action, *errno),
        BadWrite::Full {
            by_delegatee,
            hidden,
        } => {
            let filler = author(*by_delegatee && !hidden);
            setup(real, g, File::Action, Author::Admin, "default all")?;
            for e in 1..=8 {
                setup(
                    real,
                    g,
                    File::Action,
                    filler,
                    &format!("errno {e} {}", e - 1),
                )?;
            }
            if *hidden {
                setup(real, g, File::Action, Author::Delegatee, "default all")?;
                writer = Author::Admin;
            }
            ("errno 100 8\n".to_string(), File::Action, Errno::NoSpc)
        }
    };
    Ok(Some(Prepared {
        group: g,
        by: writer,
        file,
        input,
        errno: want,
    }))
}

/// Writes `input` to `file` of `g` as `by`: a step that must succeed.
fn setup(
    real: &mut Real,
    g: usize,
    file: File,
    by: Author,
    input: &str,
) -> Result<(), TestCaseError> {
    let r = real.write(g, file, by, input);
    prop_assert_eq!(r, Ok(()), "{:?} by {:?} in {}: {:?}", file, by, g, input);
    Ok(())
}

/// The file of a write.
#[derive(Clone, Copy, Debug)]
enum File {
    Rules(Rule),
    Mode,
    Action,
}

/// A rejected write, by either author, fails with the documented errno of
/// its bad part and leaves both sets of rules of every cgroup, their
/// effective sets and their delegation as they were.
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
                let _ = real.run(op);
            }
            let g = group.index(real.len());
            let Some(Prepared {
                group: g,
                by,
                file,
                input,
                errno: want,
            }) = prepare(&mut real, g, author(delegatee), &bad)?
            else {
                return Ok(());
            };
            let before = real.clone();
            let result = real.write(g, file, by, &input);
            prop_assert_eq!(
                result.map_err(errno),
                Err(want),
                "{:?} by {:?} in cgroup {}: {:?}",
                file,
                by,
                g,
                input
            );
            for c in 0..real.len() {
                prop_assert!(
                    real.rules[c].all == before.rules[c].all,
                    "everyone's rules of cgroup {} changed",
                    c
                );
                prop_assert!(
                    real.rules[c].trusted == before.rules[c].trusted,
                    "the trusted rules of cgroup {} changed",
                    c
                );
                prop_assert!(
                    real.effective[c] == before.effective[c],
                    "the effective set of {} changed",
                    c
                );
                prop_assert_eq!(
                    real.delegated[c],
                    before.delegated[c],
                    "the delegation of {} changed",
                    c
                );
            }
            Ok(())
        },
    );
}

/// An action for a few calls, from a pool of sixteen actions, so that a
/// cgroup fills its eight actions for particular calls.
fn pool_action_write() -> BoxedStrategy<String> {
    let act = prop_oneof![
        1 => Just("kill".to_string()),
        6 => (1u16..16, any::<bool>()).prop_map(|(e, by_name)| match (by_name, names::errno_name(e)) {
            (true, Some(name)) => format!("errno {name}"),
            _ => format!("errno {e}"),
        }),
        1 => Just("default".to_string()),
    ];
    // Enough calls, and few writes of all of them (or bad ones), that the
    // cgroup often reaches its eight actions.
    let call = prop_oneof![
        12 => (0usize..16).prop_map(|n| n.to_string()),
        4 => (0usize..16).prop_map(|n| format!("ia32:{n}")),
        1 => (0usize..4, 0usize..3).prop_map(|(lo, w)| format!("{lo}-{}", lo + w)),
        1 => Just("exit".to_string()),
        1 => select(vec!["all", "5-3"]).prop_map(String::from),
    ];
    prop_oneof![
        8 => (act.clone(), prop::collection::vec(call, 1..3))
            .prop_map(|(a, calls)| format!("{a} {}\n", calls.join(","))),
        1 => act.prop_map(|a| format!("{a}\n")),
    ]
    .boxed()
}

/// `syscalls.action`, written by either author, follows the model, up to
/// eight actions for particular calls in each set of rules and `ENOSPC`
/// past them; what it reads writes back.
#[test]
fn actions_match_model() {
    let strategy = prop::collection::vec((prop::bool::weighted(0.3), pool_action_write()), 1..32);
    check("actions_match_model", strategy, |writes| {
        let (mut real, mut tree) = (Real::new(), Tree::new());
        for (delegatee, input) in &writes {
            let got = real
                .write_action(0, author(*delegatee), input.as_bytes())
                .map_err(errno);
            let want = tree.write_action(0, *delegatee, input.as_bytes());
            prop_assert_eq!(got, want, "{:?} by {:?}", input, author(*delegatee));
        }
        same_state(&real, &tree, 0)?;
        // A read shows everyone's rules.
        let own = &real.rules[0].all;
        let read = format::actions(own.action, &own.overrides)
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

// The administrators' rules beside everyone's (cgroup-v2-syscalls.rst,
// section 5).

/// A write to a rule file that names a few of the pool's calls, so that
/// the two authors' writes meet.
fn pool_rule_write() -> BoxedStrategy<String> {
    let item = prop_oneof![
        6 => (0usize..6).prop_map(|n| n.to_string()),
        2 => (0usize..6).prop_map(|n| format!("ia32:{n}")),
        2 => (0usize..4, 0usize..3).prop_map(|(lo, w)| format!("{lo}-{}", lo + w)),
        2 => select(vec!["setresuid", "mkdir", "ia32:setresuid32", "x86_64:read"])
            .prop_map(String::from),
        1 => Just("all".to_string()),
    ];
    prop_oneof![
        9 => prop::collection::vec(item, 1..4).prop_map(|items| format!("{}\n", items.join(","))),
        1 => rule_write(),
        3 => cond_items_write(),
    ]
    .boxed()
}

/// A write by an administrator or a delegatee, half and half, with modes
/// and actions written as often as rules.
fn delegation_op() -> BoxedStrategy<Op> {
    prop_oneof![
        1 => any::<Index>().prop_map(Op::Mkdir),
        6 => (any::<Index>(), prop::bool::weighted(0.4), any::<bool>(), pool_rule_write())
            .prop_map(|(group, allow, delegatee, input)| Op::Rules {
                group,
                allow,
                delegatee,
                input,
            }),
        2 => (any::<Index>(), any::<bool>(), prop_oneof![
            4 => select(vec!["log\n", "enforce\n"]).prop_map(String::from),
            1 => mode_write(),
        ])
            .prop_map(|(group, delegatee, input)| Op::Mode {
                group,
                delegatee,
                input,
            }),
        4 => (any::<Index>(), any::<bool>(), prop_oneof![
            3 => pool_action_write(),
            1 => action_write(),
        ])
            .prop_map(|(group, delegatee, input)| Op::Action {
                group,
                delegatee,
                input,
            }),
    ]
    .boxed()
}

/// A random small hierarchy and writes to it by both authors.
fn delegation_scenario() -> impl Strategy<Value = (Vec<Index>, Vec<Op>)> {
    (
        prop::collection::vec(any::<Index>(), 0..4),
        prop::collection::vec(delegation_op(), 1..24),
    )
}

/// Random writes of rules, modes and actions by administrators and
/// delegatees keep, in each cgroup, everyone's rules and the
/// administrators' as the model does: a delegatee's deny, mode and action
/// count in everyone's only, an allow by anyone (checked against
/// everyone's effective set) in both. Decisions and trusted decisions
/// follow.
#[test]
fn trusted_rules_match_model() {
    let strategy = (
        delegation_scenario(),
        prop::collection::vec((any::<bool>(), any::<Index>()), 0..4),
    );
    check(
        "trusted_rules_match_model",
        strategy,
        |((mkdirs, ops), random)| {
            let (mut real, mut tree) = (Real::new(), Tree::new());
            for p in mkdirs {
                run_both(&mut real, &mut tree, &Op::Mkdir(p))?;
            }
            for op in &ops {
                let g = run_both(&mut real, &mut tree, op)?;
                same_rules(&real, &tree, g)?;
            }
            for g in 0..real.len() {
                same_state(&real, &tree, g)?;
                for bit in decision_bits(&random) {
                    let (abi, nr) = call_of(bit);
                    prop_assert_eq!(
                        fate_of(real.decision(g, bit)),
                        tree.fate(g, abi, nr),
                        "decision on {:?} in {}",
                        (abi, nr),
                        g
                    );
                    prop_assert_eq!(
                        fate_of(real.trusted_decision(g, bit)),
                        tree.trusted_fate(g, abi, nr),
                        "trusted decision on {:?} in {}",
                        (abi, nr),
                        g
                    );
                }
            }
            Ok(())
        },
    );
}

/// After every write, the administrators' denies are some of everyone's,
/// so a call denied to a trusted task is denied to every task; and where
/// no delegatee's rules hold on the path, every task is judged alike.
#[test]
fn trusted_within_all() {
    let strategy = (
        prop_oneof![delegation_scenario(), scenario()],
        prop::collection::vec((any::<bool>(), any::<Index>()), 0..4),
    );
    check("trusted_within_all", strategy, |((mkdirs, ops), random)| {
        let mut real = Real::new();
        for p in mkdirs {
            real.mkdir(p.index(real.len()));
        }
        let bits = decision_bits(&random);
        for op in &ops {
            let _ = real.run(op);
            for g in 0..real.len() {
                let rules = &real.rules[g];
                let mut extra = rules.trusted.denied;
                extra.subtract(&rules.all.denied);
                prop_assert!(
                    extra.is_empty(),
                    "cgroup {} trusts denies {:?} that are not everyone's, after {:?}",
                    g,
                    extra,
                    op
                );
                let extra: Vec<(usize, Cond)> = rules
                    .trusted
                    .conditions
                    .iter()
                    .filter(|&(bit, c)| !rules.all.conditions.contains(bit, c))
                    .map(|(bit, c)| (bit, cond_of(c)))
                    .collect();
                prop_assert!(
                    extra.is_empty(),
                    "cgroup {} trusts conditions {:?} that are not everyone's, after {:?}",
                    g,
                    extra,
                    op
                );
                for &bit in &bits {
                    let (all, trusted) = (real.decision(g, bit), real.trusted_decision(g, bit));
                    prop_assert!(
                        trusted == Decision::Allow || all != Decision::Allow,
                        "cgroup {} decides {:?} on bit {} for trusted tasks but allows it \
                         to the others, after {:?}",
                        g,
                        trusted,
                        bit,
                        op
                    );
                    if !real.delegated[g] {
                        prop_assert_eq!(
                            trusted,
                            all,
                            "undelegated cgroup {} on bit {}, after {:?}",
                            g,
                            bit,
                            op
                        );
                    }
                }
            }
        }
        Ok(())
    });
}

/// What a read of `syscalls.policy` prints, written back by an
/// administrator to the same cgroup, gives the same rules (and replaces
/// them whole: a cleared copy comes to the same); a policy that fails
/// leaves the caller's copy to drop, and the real cgroup as it was.
#[test]
fn policy_read_writes_back() {
    let strategy = (
        prop_oneof![delegation_scenario(), scenario()],
        any::<Index>(),
    );
    check(
        "policy_read_writes_back",
        strategy,
        |((mkdirs, ops), pick)| {
            let mut real = Real::new();
            for p in mkdirs {
                real.mkdir(p.index(real.len()));
            }
            for op in &ops {
                let _ = real.run(op);
            }
            let g = pick.index(real.len());
            let own = real.rules[g].all;
            let read = format::policy(
                &own.denied,
                &own.conditions,
                own.mode,
                own.action,
                &own.overrides,
            )
            .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
            let parent = real.parent[g].map(|p| real.effective[p]);
            let tests = real.tests();
            for start in [real.rules[g], Rules::EMPTY] {
                let mut copy = start;
                let held = held_above(&tests, real.parent[g]);
                let got = policy::replace(&mut copy, parent.as_ref(), held, Author::Admin, &read);
                prop_assert_eq!(got, Ok(()), "cgroup {} policy {}", g, text(&read));
                prop_assert!(
                    copy.all == own && copy.trusted == own,
                    "cgroup {}: policy {} wrote back other rules",
                    g,
                    text(&read)
                );
            }
            Ok(())
        },
    );
}

/// Writes by administrators alone, of every file, leave the
/// administrators' rules equal to everyone's and no cgroup delegated.
#[test]
fn admin_only_is_trusted() {
    let strategy = (
        prop_oneof![delegation_scenario(), scenario()],
        prop::collection::vec((any::<bool>(), any::<Index>()), 0..4),
    );
    check(
        "admin_only_is_trusted",
        strategy,
        |((mkdirs, ops), random)| {
            let mut real = Real::new();
            for p in mkdirs {
                real.mkdir(p.index(real.len()));
            }
            let bits = decision_bits(&random);
            for op in &ops {
                let op = op.by_admin();
                let _ = real.run(&op);
                for g in 0..real.len() {
                    let rules = &real.rules[g];
                    prop_assert!(
                        rules.trusted == rules.all,
                        "cgroup {} trusts other rules than everyone's, after {:?}",
                        g,
                        op
                    );
                    prop_assert!(
                        !rules.delegated() && !real.delegated[g],
                        "cgroup {} is delegated, after {:?}",
                        g,
                        op
                    );
                    for &bit in &bits {
                        prop_assert_eq!(
                            real.trusted_decision(g, bit),
                            real.decision(g, bit),
                            "cgroup {} on bit {}, after {:?}",
                            g,
                            bit,
                            op
                        );
                    }
                }
            }
            Ok(())
        },
    );
}

/// The errnos of the kernel's internal codes, `ERESTARTSYS` (512) to
/// `EIOCBQUEUED` (529), are refused with `EINVAL` as an action, alone or
/// for particular calls, by name or number and by either author, and
/// change nothing; their neighbours 511 and 530 are accepted like any
/// errno from 1 to 4095.
#[test]
fn restart_errnos_refused() {
    let strategy = (
        prop_oneof![
            4 => 505u16..=535,
            1 => select(vec![511u16, 512, 529, 530]),
            1 => 0u16..=4100,
        ],
        0usize..3,
        any::<bool>(),
        any::<bool>(),
    );
    check(
        "restart_errnos_refused",
        strategy,
        |(e, how, per_call, delegatee)| {
            prop_assert_eq!(grammar::RESTART_ERRNOS, 512..=529);
            let word = match (how, names::errno_name(e)) {
                (0, Some(name)) => name.to_string(),
                (1, _) => format!("{e:04}"),
                _ => e.to_string(),
            };
            let calls = if per_call { " 0,ia32:1" } else { "" };
            let input = format!("errno {word}{calls}\n");
            let valid = (1..=4095).contains(&e) && !(512..=529).contains(&e);
            let got = grammar::parse_action_write(input.as_bytes()).map_err(errno);
            let want = model::parse_action(input.as_bytes());
            prop_assert_eq!(got.is_ok(), valid, "{:?}", input);
            prop_assert_eq!(
                want.is_ok(),
                valid,
                "{:?} in the model of the documentation",
                input
            );
            if !valid {
                prop_assert_eq!(got, Err(Errno::Inval), "{:?}", input);
                prop_assert_eq!(want, Err(Errno::Inval), "{:?}", input);
            }
            let mut real = Real::new();
            real.mkdir(0);
            let before = real.clone();
            let result = real.write_action(1, author(delegatee), input.as_bytes());
            if valid {
                prop_assert_eq!(result, Ok(()), "{:?}", input);
                let own = &real.rules[1].all;
                let read = format::actions(own.action, &own.overrides)
                    .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
                let shown = match names::errno_name(e) {
                    Some(name) => format!("errno {name}"),
                    None => format!("errno {e}"),
                };
                prop_assert!(
                    text(&read).contains(&shown),
                    "{:?} reads {:?}",
                    input,
                    text(&read)
                );
            } else {
                prop_assert_eq!(result.map_err(errno), Err(Errno::Inval), "{:?}", input);
                prop_assert!(real == before, "a refused {:?} changed the rules", input);
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

// Argument conditions (syscalls.rst, section 11.8).

/// The model's condition of `cond`.
fn cond_of(cond: &Condition) -> Cond {
    Cond {
        arg: cond.arg(),
        mask: cond.mask(),
        ne: cond.sense() == Sense::NotIn,
        values: cond.values().iter().copied().collect(),
    }
}

/// The model's pairs of `conds`; fails if a pair comes twice, a bit is
/// past the tables or a condition's values are not ascending and distinct.
fn pairs_of<'a>(
    conds: impl Iterator<Item = (usize, &'a Condition)>,
) -> Result<BTreeSet<Pair>, TestCaseError> {
    let mut pairs = BTreeSet::new();
    for (bit, c) in conds {
        prop_assert!(
            Abi::of_bit(bit).is_some(),
            "a condition is on bit {} past the tables",
            bit
        );
        prop_assert!(
            c.values().windows(2).all(|w| w[0] < w[1]),
            "expected ascending distinct values, got {:?}",
            c.values()
        );
        let pair = (call_of(bit), cond_of(c));
        let shown = model::format_pair(&pair);
        prop_assert!(pairs.insert(pair), "the pair {} is held twice", shown);
    }
    Ok(pairs)
}

/// Pairs as reads print them, for failure messages.
fn show(pairs: &BTreeSet<Pair>) -> String {
    let items: Vec<String> = pairs.iter().map(model::format_pair).collect();
    items.join(" ")
}

/// A number as a write may spell it: decimal, hexadecimal in either case,
/// with leading zeros.
fn spell(v: u64, how: u8) -> String {
    match how % 5 {
        0 | 1 => v.to_string(),
        2 => format!("{v:#x}"),
        3 => format!("0x{v:X}"),
        _ => format!("0{v}"),
    }
}

/// Values that meet: address families, flags, the images of small values
/// past 8, 16 and 32 bits, the extremes.
fn pool_value() -> BoxedStrategy<u64> {
    prop_oneof![
        8 => select(vec![
            0u64,
            1,
            8,
            38,
            40,
            0xff,
            0x126,
            0x1_0026,
            0x1_0000_0026,
            0x7e02_0000,
            0x2_0000,
            0x8000_0000,
            0xffff,
            0xffff_ffff,
            0x1_0000_0000,
            u64::MAX,
        ]),
        1 => 0u64..64,
        1 => any::<u64>(),
    ]
    .boxed()
}

/// Masks: all ones most often, the widths' masks, namespace flags, masks
/// past 32 bits, any.
fn pool_mask() -> BoxedStrategy<u64> {
    prop_oneof![
        6 => Just(u64::MAX),
        4 => select(vec![
            0xffu64,
            0xffff,
            0xffff_ffff,
            0x7e02_0000,
            0x1_0000_00ff,
            0xffff_ffff_0000_0000,
            1,
            0x26,
        ]),
        1 => (1u64..).boxed(),
    ]
    .boxed()
}

/// A good condition and how a write spells it: the model's condition and
/// the text in parentheses, values in any order, repeated, in any spelling.
#[derive(Clone, Debug)]
struct CondText {
    cond: Cond,
    text: String,
}

fn good_cond() -> BoxedStrategy<CondText> {
    (
        0usize..cond::ARGS,
        pool_mask(),
        any::<bool>(),
        prop::collection::vec((pool_value(), any::<u8>()), 1..=cond::MAX_VALUES),
        (any::<bool>(), any::<u8>()),
    )
        .prop_map(|(arg, mask, ne, values, (bare_mask, how))| {
            let values: Vec<(u64, u8)> = values.into_iter().map(|(v, h)| (v & mask, h)).collect();
            let mask_text = match (mask, bare_mask) {
                (u64::MAX, true) => String::new(),
                (m, _) => format!("&{}", spell(m, how)),
            };
            let tokens: Vec<String> = values.iter().map(|&(v, h)| spell(v, h)).collect();
            let op = if ne { "!=" } else { "=" };
            CondText {
                cond: Cond {
                    arg,
                    mask,
                    ne,
                    values: values.iter().map(|&(v, _)| v).collect(),
                },
                text: format!("(arg{arg}{mask_text}{op}{})", tokens.join("|")),
            }
        })
        .boxed()
}

/// Calls that take conditions, spelled as writes name them.
fn good_target() -> BoxedStrategy<&'static str> {
    select(vec![
        "socket",
        "ia32:socket",
        "x86_64:socket",
        "41",
        "x86_64:41",
        "ia32:359",
        "personality",
        "ia32:personality",
        "clone",
        "mkdir",
        "83",
        "ia32:39",
        "read",
        "0",
        "ia32:3",
        "mmap",
        "ia32:mmap2",
        "umask",
        "kill",
    ])
    .boxed()
}

/// A good item with a condition, the text and the model's condition.
fn good_cond_item() -> BoxedStrategy<(String, Cond)> {
    (good_target(), good_cond())
        .prop_map(|(t, c)| (format!("{t}{}", c.text), c.cond))
        .boxed()
}

/// A mask or value as a write may spell it, good or bad.
fn any_number() -> BoxedStrategy<String> {
    prop_oneof![
        6 => (pool_value(), any::<u8>()).prop_map(|(v, h)| spell(v, h)),
        2 => select(vec![
            "",
            "0x",
            "0X1",
            "1a",
            "0xg",
            "99999999999999999999x",
            "18446744073709551615",
            "18446744073709551616",
            "0xffffffffffffffff",
            "0x10000000000000000",
            "0x0000000000000000000000ff",
            "-1",
            "+1",
            "0b1",
            "1_0",
            "\u{967}",
            "0",
        ])
        .prop_map(String::from),
    ]
    .boxed()
}

/// A condition in parentheses, good or bad in any part.
fn any_cond() -> BoxedStrategy<String> {
    let index = prop_oneof![
        8 => (0usize..6).prop_map(|d| d.to_string()),
        1 => select(vec!["6", "9", "x", "", "05", "10", "00"]).prop_map(String::from),
    ];
    let mask = prop_oneof![
        4 => Just(String::new()),
        3 => any_number().prop_map(|m| format!("&{m}")),
        1 => Just("&".to_string()),
    ];
    let op = prop_oneof![
        4 => Just("="),
        3 => Just("!="),
        1 => select(vec!["==", "!", "=!", "<", "", "!!="]),
    ];
    let values = prop::collection::vec(any_number(), 0..11);
    let head =
        prop_oneof![8 => Just("(arg"), 1 => select(vec!["(Arg", "(ar", "(", "arg", "((arg"])];
    let tail = prop_oneof![8 => Just(")"), 1 => select(vec!["", "))", ")x", "|)"])];
    (head, index, mask, op, values, tail)
        .prop_map(|(head, index, mask, op, values, tail)| {
            format!("{head}{index}{mask}{op}{}{tail}", values.join("|"))
        })
        .boxed()
}

/// An item with a condition, good or bad in its call or its condition.
fn any_cond_item() -> BoxedStrategy<String> {
    let target = prop_oneof![
        6 => good_target().prop_map(String::from),
        2 => select(
            [
                "all", "ia32:all", "0-3", "ia32:0-1", "exit", "exit_group", "restart_syscall",
                "ia32:sigreturn", "rt_sigreturn", "60", "bogus", "x32:41", "",
                "99999999999999999999999", "socketcall", "x86_64:socketcall",
            ]
            .map(String::from)
            .into_iter()
            // The first numbers past the tables (473 on 7.3).
            .chain([
                tables::X86_64_NR.to_string(),
                format!("x86_64:{}", tables::X86_64_NR),
                format!("ia32:{}", tables::IA32_NR),
            ])
            .collect::<Vec<String>>()
        ),
        1 => select(table_names()).prop_map(String::from),
    ];
    prop_oneof![
        3 => good_cond_item().prop_map(|(t, _)| t),
        4 => (target, any_cond()).prop_map(|(t, c)| format!("{t}{c}")),
    ]
    .boxed()
}

/// A write to a rule file that mixes items with conditions, good or bad,
/// and plain items.
fn cond_rule_write() -> BoxedStrategy<String> {
    let item = prop_oneof![
        4 => any_cond_item(),
        2 => item(),
    ];
    (
        prop::collection::vec((item, separator()), 1..6),
        prop_oneof![4 => Just("\n"), 1 => Just("")],
    )
        .prop_map(|(items, tail)| join("", &items, tail))
        .boxed()
}

/// A parsed write's conditions as the model's pairs: the request keeps
/// them as written, so a pair written twice comes twice.
fn request_pairs(request: &grammar::Request) -> Result<BTreeSet<Pair>, TestCaseError> {
    let mut seen: Vec<(usize, &Condition)> = Vec::new();
    for (bit, cond) in request.conditions() {
        if !seen.iter().any(|&(b, c)| b == *bit && c == cond) {
            seen.push((*bit, cond));
        }
    }
    pairs_of(seen.into_iter())
}

/// Writes to a rule file with conditions, good or bad, parse to the
/// model's calls and pairs of a call and a condition (values a set, every
/// ABI the call's name or number reaches), however many, or fail with the
/// errno of the first bad item.
#[test]
fn condition_parse_matches_model() {
    check(
        "condition_parse_matches_model",
        cond_rule_write(),
        |input| {
            let got = grammar::parse_rules(input.as_bytes());
            let want = model::parse_rules(input.as_bytes());
            match (got, want) {
                (Ok(request), Ok(want)) => {
                    prop_assert_eq!(
                        &to_model(&request.calls)?,
                        &want.calls,
                        "plain calls of {:?}",
                        input
                    );
                    let got = request_pairs(&request)?;
                    prop_assert!(
                        got == want.conds,
                        "{:?}: expected the pairs {}, got {}",
                        input,
                        show(&want.conds),
                        show(&got)
                    );
                }
                (Ok(request), Err(e)) => {
                    prop_assert!(false, "{:?}: expected {:?}, got {:?}", input, e, request)
                }
                (Err(e), Ok(want)) => prop_assert!(
                    false,
                    "{:?}: expected calls {} and pairs {}, got {:?}",
                    input,
                    model::format(&want.calls),
                    show(&want.conds),
                    e
                ),
                (Err(got), Err(want)) => {
                    prop_assert_eq!(
                        errno(got),
                        want,
                        "{:?}: expected {:?}, got {:?}",
                        input,
                        want,
                        got
                    )
                }
            }
            Ok(())
        },
    );
}

/// A call list of `syscalls.action` takes no conditions: an item with one,
/// good or bad elsewhere (an `ERANGE` value), is a bad item there
/// (`EINVAL`), and the first bad item decides, as the model says; the
/// calls and the settings stay as they were.
#[test]
fn action_lists_refuse_conditions() {
    let strategy = (
        select(vec!["kill", "errno EPERM", "default"]),
        prop::collection::vec(good_item(), 0..3),
        prop_oneof![
            3 => good_cond_item().prop_map(|(t, _)| t),
            1 => bad_cond_item().prop_map(|(t, _)| t),
        ],
        prop::collection::vec(
            prop_oneof![3 => good_item(), 1 => bad_item().prop_map(|(b, _)| b)],
            0..3,
        ),
    );
    check(
        "action_lists_refuse_conditions",
        strategy,
        |(action, before, conditional, after)| {
            let mut items = before;
            items.push(conditional);
            items.extend(after);
            let input = format!("{action} {}\n", items.join(","));
            let want = model::parse_action(input.as_bytes());
            prop_assert_eq!(want.clone(), Err(Errno::Inval), "the model on {:?}", input);
            let got = grammar::parse_action_write(input.as_bytes()).map_err(errno);
            prop_assert_eq!(got, Err(Errno::Inval), "{:?}: expected EINVAL", input);
            let mut real = Real::new();
            let before = real.clone();
            let r = real.write_action(0, Author::Admin, input.as_bytes());
            prop_assert!(
                r.is_err() && real == before,
                "{:?} changed the rules",
                input
            );
            Ok(())
        },
    );
}

/// A parent's and a child's conditional writes, by either author: a small
/// hierarchy whose conditions are the subject.
#[derive(Clone, Debug)]
struct CondWrite {
    /// The cgroup written: 0, the root, or 1, its child.
    group: usize,
    allow: bool,
    delegatee: bool,
    items: Vec<String>,
}

/// Conditional writes to the root or its child, allows one time in ten
/// times `allow_weight`; plain calls in allows, and in denies too when
/// `plain_denies`.
fn cond_write(allow_weight: u32, plain_denies: bool) -> BoxedStrategy<CondWrite> {
    let item = prop_oneof![
        8 => good_cond_item().prop_map(|(t, _)| (t.clone(), t)),
        1 => (good_target(), good_cond_item()).prop_map(|(p, (t, _))| (p.to_string(), t)),
    ];
    (
        0usize..2,
        prop::bool::weighted(f64::from(allow_weight) / 10.0),
        any::<bool>(),
        prop::collection::vec(item, 1..4),
    )
        .prop_map(move |(group, allow, delegatee, items)| CondWrite {
            group,
            allow,
            delegatee,
            // An item, or in a deny without plain calls the conditional one.
            items: items
                .into_iter()
                .map(|(i, c)| if allow || plain_denies { i } else { c })
                .collect(),
        })
        .boxed()
}

/// The root and a child, and conditional writes to them, each run on the
/// modules and the model; the results must agree.
fn run_cond_writes(writes: &[CondWrite]) -> Result<(Real, Tree), TestCaseError> {
    let (mut real, mut tree) = (Real::new(), Tree::new());
    real.mkdir(0);
    tree.mkdir(0);
    for w in writes {
        let input = format!("{}\n", w.items.join(" "));
        let rule = if w.allow { Rule::Allow } else { Rule::Deny };
        let got = real.write_rules(w.group, rule, author(w.delegatee), input.as_bytes());
        let want = tree.write_rules(w.group, w.allow, w.delegatee, input.as_bytes());
        prop_assert_eq!(
            got.map_err(errno),
            want,
            "{:?} of {:?} in {}: expected {:?}",
            rule,
            input,
            w.group,
            want
        );
    }
    Ok((real, tree))
}

/// Arguments that meet the pool's conditions.
fn args() -> impl Strategy<Value = [u64; cond::ARGS]> {
    prop::array::uniform6(pool_value())
}

/// The calls of the pool's conditions, in both ABIs.
fn cond_calls() -> Vec<(Abi, usize)> {
    let mut calls = Vec::new();
    for name in [
        "socket",
        "personality",
        "clone",
        "mkdir",
        "read",
        "mmap",
        "mmap2",
        "umask",
        "kill",
    ] {
        for abi in Abi::ALL {
            if let Some(nr) = names::lookup(abi, name) {
                calls.push((abi, nr));
            }
        }
    }
    calls
}

fn model_call((abi, nr): (Abi, usize)) -> (usize, usize) {
    call_of(abi.first_bit() + nr)
}

/// The tests of a child hold its parent's (a child never removes an
/// ancestor's condition), and judged by them, with no deny by number, a
/// call is denied exactly when a condition of the parent or of the child
/// denies it, with the decision of the strictest level that denies, the
/// highest errno first; the trusted tests hold only the administrators'
/// conditions, never a delegatee's, and judge the same way by them alone.
#[test]
fn tests_compose_parent_and_child() {
    let strategy = (
        prop::collection::vec(cond_write(2, false), 1..10),
        prop::collection::vec(
            (
                0usize..2,
                select(vec!["kill", "errno EPERM", "errno 13", "default"]),
            ),
            0..3,
        ),
        prop::collection::vec(args(), 1..6),
    );
    check(
        "tests_compose_parent_and_child",
        strategy,
        |(writes, settings, argses)| {
            let (mut real, mut tree) = run_cond_writes(&writes)?;
            for (g, action) in settings {
                let input = format!("{action} all\n");
                let got = real.write_action(g, Author::Admin, input.as_bytes());
                let want = tree.write_action(g, false, input.as_bytes());
                prop_assert_eq!(got.map_err(errno), want, "{:?} in {}", input, g);
            }
            let tests = real.tests();
            let (parent, child) = (tests[0].as_deref(), tests[1].as_deref());
            if let (Some(p), Some(c)) = (parent, child) {
                for (which, above, below) in
                    [("all", &p.all, &c.all), ("trusted", &p.trusted, &c.trusted)]
                {
                    for t in above.iter() {
                        let kept = below.iter().any(|u| {
                            u.bit == t.bit && u.cond == t.cond && u.decision == t.decision
                        });
                        prop_assert!(
                            kept,
                            "the child's {} tests lack the parent's {:?} on bit {}",
                            which,
                            cond_of(&t.cond),
                            t.bit
                        );
                    }
                }
            }
            if let Some(c) = child {
                let path_all: BTreeSet<Pair> = tree.effective_conds(1);
                let mut path_trusted = tree.groups[0].trusted.conds.clone();
                path_trusted.extend(tree.groups[1].trusted.conds.iter().cloned());
                let all = pairs_of(dedup(&c.all).into_iter())?;
                let trusted = pairs_of(dedup(&c.trusted).into_iter())?;
                prop_assert!(
                    all == path_all,
                    "expected the child's tests {}, got {}",
                    show(&path_all),
                    show(&all)
                );
                prop_assert!(
                    trusted == path_trusted,
                    "expected the child's trusted tests {} (the administrators'), got {}",
                    show(&path_trusted),
                    show(&trusted)
                );
                for t in c.all.iter() {
                    prop_assert!(
                        c.calls.contains_bit(usize::from(t.bit)),
                        "the tests' calls lack bit {}",
                        t.bit
                    );
                }
            }
            for args in &argses {
                for call in cond_calls() {
                    for trusted in [false, true] {
                        let (got, _) = real.decide(&tests, 1, call, args, trusted);
                        let (abi, nr) = model_call(call);
                        let want = tree.fate_with(1, abi, nr, args, trusted);
                        prop_assert_eq!(
                            fate_of(got),
                            want,
                            "{:?} with {:x?} in the child (trusted {}): expected {:?}, got {:?}",
                            call,
                            args,
                            trusted,
                            want,
                            got
                        );
                        // The system call path's shortcut for every
                        // author's tests agrees.
                        if let (Some(c), false) = (child, trusted) {
                            let regs = regs(call.0, args);
                            let allows = c.allows(call.0.first_bit() + call.1, |s| regs[s]);
                            prop_assert_eq!(
                                allows,
                                want == Fate::Allow,
                                "Tests::allows on {:?} with {:x?}: expected {}, got {}",
                                call,
                                args,
                                want == Fate::Allow,
                                allows
                            );
                        }
                    }
                }
            }
            Ok(())
        },
    );
}

/// The pairs of `tests`, each once (two levels may hold the same).
fn dedup(tests: &[judge::Test]) -> Vec<(usize, &Condition)> {
    let mut seen: Vec<(usize, &Condition)> = Vec::new();
    for t in tests {
        let pair = (usize::from(t.bit), &t.cond);
        if !seen.iter().any(|&(b, c)| b == pair.0 && c == pair.1) {
            seen.push(pair);
        }
    }
    seen
}

/// What a read of `syscalls.deny` prints, written back as a deny, parses
/// to the effective set and every condition of the path, each pair once,
/// however many (the path may hold more than one cgroup can).
#[test]
fn condition_read_writes_back() {
    let strategy = (
        prop::collection::vec(cond_write(2, true), 1..8),
        prop::collection::vec(good_item(), 0..3),
    );
    check("condition_read_writes_back", strategy, |(writes, plain)| {
        let (mut real, tree) = run_cond_writes(&writes)?;
        if !plain.is_empty() {
            setup(
                &mut real,
                1,
                File::Rules(Rule::Deny),
                Author::Admin,
                &plain.join(","),
            )?;
        }
        let tests = real.tests();
        let Some(t) = tests[1].as_deref() else {
            return Ok(());
        };
        let read = format::denied(&real.effective[1], t.all.iter())
            .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        let back = grammar::parse_rules(&read)
            .map_err(|e| TestCaseError::fail(format!("{:?} reads back as {e:?}", text(&read))))?;
        prop_assert!(
            back.calls == real.effective[1],
            "{:?}: expected the calls {:?}, got {:?}",
            text(&read),
            real.effective[1],
            back.calls
        );
        // The levels of a path hold up to 32 conditions each, so a read
        // may name more than one cgroup can hold: it parses all the same.
        let want = tree.effective_conds(1);
        let got = request_pairs(&back)?;
        prop_assert!(
            got == want,
            "{:?}: expected the pairs {}, got {}",
            text(&read),
            show(&want),
            show(&got)
        );
        let modelled = model::parse_rules(&read);
        prop_assert_eq!(
            modelled.map(|w| w.conds),
            Ok(want),
            "the model parses {:?} otherwise",
            text(&read)
        );
        Ok(())
    });
}

/// Compares a read of `g`'s `syscalls.deny` with the model's: the
/// effective set in its documented format, then each condition of the
/// path once, in any order, as `model::format_pair` prints it, the items
/// one space apart.
fn same_deny_read(
    real: &Real,
    tests: &[Option<Rc<Tests>>],
    tree: &Tree,
    g: usize,
) -> Result<(), TestCaseError> {
    let read = match tests[g].as_deref() {
        Some(t) => format::denied(&real.effective[g], t.all.iter()),
        None => format::denied(&real.effective[g], [].iter()),
    }
    .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
    let read = text(&read);
    let line = read.strip_suffix('\n').unwrap_or(&read);
    let words: Vec<&str> = line.split(' ').filter(|w| !w.is_empty()).collect();
    let first_cond = words
        .iter()
        .position(|w| w.contains('('))
        .unwrap_or(words.len());
    let set_part = words[..first_cond].join(" ");
    prop_assert_eq!(
        &set_part,
        &model::format(&tree.effective(g)),
        "the set part of {:?}, the deny read of {}",
        read,
        g
    );
    let items: Vec<&str> = words[first_cond..].to_vec();
    let mut want: Vec<String> = tree
        .effective_conds(g)
        .iter()
        .map(model::format_pair)
        .collect();
    let mut got: Vec<String> = items.iter().map(|s| s.to_string()).collect();
    want.sort();
    got.sort();
    prop_assert_eq!(
        &got,
        &want,
        "the conditions of {:?}, the deny read of {}: expected each once as documented",
        read,
        g
    );
    let spaced = match (set_part.is_empty(), items.is_empty()) {
        (false, false) => format!("{set_part} {}\n", items.join(" ")),
        _ => format!("{set_part}{}\n", items.join(" ")),
    };
    prop_assert_eq!(&read, &spaced, "expected one space between items");
    Ok(())
}

/// A read of `syscalls.deny` prints the effective set as before, then
/// each condition of the path once, as documented: behind its ABI's prefix
/// and its number, values ascending in decimal, a mask other than all ones
/// in hexadecimal.
#[test]
fn condition_read_format_matches_model() {
    let strategy = (
        prop::collection::vec(cond_write(2, true), 1..8),
        prop::collection::vec(good_item(), 0..3),
    );
    check(
        "condition_read_format_matches_model",
        strategy,
        |(writes, plain)| {
            let (mut real, mut tree) = run_cond_writes(&writes)?;
            if !plain.is_empty() {
                let input = plain.join(",");
                setup(&mut real, 1, File::Rules(Rule::Deny), Author::Admin, &input)?;
                prop_assert_eq!(tree.write_rules(1, false, false, input.as_bytes()), Ok(()));
            }
            same_deny_read(&real, &real.tests(), &tree, 1)
        },
    );
}

/// The same condition spelled with its values in any order, repeated, in
/// decimal or hexadecimal, is one condition: `Condition::new` and a parse
/// give equal conditions, with the values ascending and distinct, and
/// reads print them alike.
#[test]
fn condition_values_order_free() {
    let strategy = (
        0usize..cond::ARGS,
        pool_mask(),
        any::<bool>(),
        prop::collection::btree_set(pool_value(), 1..=cond::MAX_VALUES),
        any::<u64>(),
        prop::collection::vec(any::<u8>(), cond::MAX_VALUES),
    );
    check(
        "condition_values_order_free",
        strategy,
        |(arg, mask, ne, values, shuffle, spellings)| {
            let values: Vec<u64> = values
                .into_iter()
                .map(|v| v & mask)
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            // Another order, with repetitions up to eight values.
            let mut other = values.clone();
            let n = other.len();
            other.rotate_left((shuffle as usize) % n);
            if (shuffle >> 8) & 1 == 1 {
                other.reverse();
            }
            while other.len() < cond::MAX_VALUES && (shuffle >> (16 + other.len())) & 1 == 1 {
                other.push(values[(shuffle >> 40) as usize % n]);
            }
            let sense = if ne { Sense::NotIn } else { Sense::In };
            let a = Condition::new(arg, mask, sense, &values);
            let b = Condition::new(arg, mask, sense, &other);
            let (Ok(a), Ok(b)) = (a, b) else {
                return Err(TestCaseError::fail(format!(
                    "expected conditions of {values:?} and {other:?}, got {a:?}, {b:?}",
                    a = a.map(|c| cond_of(&c)),
                    b = b.map(|c| cond_of(&c))
                )));
            };
            prop_assert!(
                a == b,
                "{:?} and {:?}: expected equal conditions, got {:?} and {:?}",
                values,
                other,
                cond_of(&a),
                cond_of(&b)
            );
            prop_assert_eq!(
                a.values(),
                &values[..],
                "expected the values ascending and distinct"
            );
            let mask_text = format!("&{}", spell(mask, spellings[0]));
            let op = if ne { "!=" } else { "=" };
            let spelled: Vec<String> = other
                .iter()
                .zip(&spellings)
                .map(|(&v, &h)| spell(v, h))
                .collect();
            let input = format!("socket(arg{arg}{mask_text}{op}{})", spelled.join("|"));
            let request = grammar::parse_rules(input.as_bytes())
                .map_err(|e| TestCaseError::fail(format!("{input:?}: {e:?}")))?;
            let mut reads = Vec::new();
            for &(bit, ref c) in request.conditions() {
                prop_assert!(
                    *c == a,
                    "{:?} on bit {}: expected {:?}, got {:?}",
                    input,
                    bit,
                    cond_of(&a),
                    cond_of(c)
                );
                let mut read = String::new();
                format::write_conditions(&mut read, [(bit, &a)].into_iter())
                    .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
                let mut again = String::new();
                format::write_conditions(&mut again, [(bit, c)].into_iter())
                    .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
                prop_assert_eq!(&read, &again, "reads of {:?}", input);
                reads.push(read);
            }
            prop_assert_eq!(reads.len(), 2, "{:?} names x86_64 and ia32 socket", input);
            Ok(())
        },
    );
}

/// A condition made of an argument, a mask, a sense and values exists
/// exactly when the model says (a non-zero mask, one to eight values, each
/// within the mask, else `EINVAL` or `ERANGE`); it denies an argument read
/// at 8, 16, 32 or 64 bits exactly when `(arg & mask & cut)` is (`=`) or
/// is not (`!=`) one of the values cut to the width, and reports the
/// argument cut to the width: `Condition::denies`, and the system call
/// path's `judge::judge` and `Tests::allows` on a call that reads the
/// argument at that width, its other registers holding other values.
#[test]
fn condition_denies_matches_model() {
    let raw = prop_oneof![
        4 => pool_value(),
        // A pool value with noise past a width.
        3 => (pool_value(), select(vec![8u32, 16, 32]), any::<u64>())
            .prop_map(|(v, w, noise)| v ^ (noise << w)),
        1 => any::<u64>(),
    ];
    let strategy = (
        0usize..cond::ARGS,
        prop_oneof![10 => pool_mask(), 1 => Just(0u64)],
        any::<bool>(),
        prop::collection::vec(pool_value(), 0..=cond::MAX_VALUES + 1),
        prop::bool::weighted(0.9),
        raw,
        select(vec![8u32, 16, 32, 64]),
    );
    check(
        "condition_denies_matches_model",
        strategy,
        |(arg, mask, ne, values, within, raw, width)| {
            let values: Vec<u64> = match within {
                true => values.iter().map(|v| v & mask).collect(),
                false => values,
            };
            let sense = if ne { Sense::NotIn } else { Sense::In };
            let got = Condition::new(arg, mask, sense, &values);
            let want = if mask == 0 || values.is_empty() || values.len() > cond::MAX_VALUES {
                Err(Errno::Inval)
            } else if values.iter().any(|v| v & !mask != 0) {
                Err(Errno::Range)
            } else {
                Ok(Cond {
                    arg,
                    mask,
                    ne,
                    values: values.iter().copied().collect(),
                })
            };
            let c = match (got, want) {
                (Ok(c), Ok(want)) => {
                    prop_assert_eq!(&cond_of(&c), &want, "the condition made");
                    (c, want)
                }
                (Err(got), Err(want)) => {
                    prop_assert_eq!(
                        errno(got),
                        want,
                        "arg {} mask {:#x} values {:x?}",
                        arg,
                        mask,
                        values
                    );
                    return Ok(());
                }
                (got, want) => {
                    return Err(TestCaseError::fail(format!(
                        "arg {arg} mask {mask:#x} values {values:x?}: expected {want:?}, got {:?}",
                        got.map(|c| cond_of(&c))
                    )))
                }
            };
            let (c, model) = c;
            let (denies, seen) = c.denies(raw, width);
            let expected = model.denies(raw, width);
            prop_assert_eq!(
                denies,
                expected,
                "{} on {:#x} at {} bits: expected denies {}, got {}",
                model.format(),
                raw,
                width,
                expected,
                denies
            );
            prop_assert_eq!(
                seen,
                model::cut(raw, width),
                "the argument reported for {:#x} at {} bits",
                raw,
                width
            );
            // The system call path, on a call that reads the argument at
            // that width (none reads one at 8 bits).
            let Some((abi, nr)) = call_of_width(arg, width) else {
                return Ok(());
            };
            let bit = abi.first_bit() + nr;
            let mut own = Conditions::EMPTY;
            own.add(&[(bit, c)])
                .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
            let deny = Decision::Errno(1);
            let (denial, above) = (|_| deny, |_| Decision::Allow);
            let level = || Level {
                conditions: &own,
                denial: &denial,
                above: &above,
            };
            let tests = Tests::new(None, level(), level())
                .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
            let mut args = [0x5a5a_5a5a_5a5a_5a5a; cond::ARGS];
            args[arg] = raw;
            let regs = regs(abi, &args);
            let got = judge::judge(&tests.all, bit, |s| regs[s], Decision::Allow);
            let want = match expected {
                true => (
                    deny,
                    Some(judge::Denied {
                        arg: arg as u8,
                        value: model::cut(raw, width),
                    }),
                ),
                false => (Decision::Allow, None),
            };
            prop_assert_eq!(
                got,
                want,
                "{} on {:?} {} with {:#x}: expected {:?}, got {:?}",
                model.format(),
                abi,
                nr,
                raw,
                want,
                got
            );
            let allows = tests.allows(bit, |s| regs[s]);
            prop_assert_eq!(
                allows,
                !expected,
                "Tests::allows, {} on {:?} {} with {:#x}: expected {}, got {}",
                model.format(),
                abi,
                nr,
                raw,
                !expected,
                allows
            );
            Ok(())
        },
    );
}

/// A rule write of a few items, most with good conditions, some plain,
/// some with any condition.
fn cond_items_write() -> BoxedStrategy<String> {
    prop::collection::vec(
        prop_oneof![
            6 => good_cond_item().prop_map(|(t, _)| t),
            2 => good_target().prop_map(String::from),
            1 => bad_cond_item().prop_map(|(t, _)| t),
        ],
        1..4,
    )
    .prop_map(|items| format!("{}\n", items.join(" ")))
    .boxed()
}

/// An item with a condition that has one fault, and the errno it must
/// give (section 11.8): a bad argument, mask, value or count, a range,
/// `all` or a call no rule names.
fn bad_cond_item() -> BoxedStrategy<(String, Errno)> {
    let inval = vec![
        "socket(arg6=1)",
        "socket(arg0&0=0)",
        "socket(arg0=)",
        "socket(arg0=1|2|3|4|5|6|7|8|9)",
        "socket(arg0=1||2)",
        "socket(arg0==1)",
        "socket(arg0<1)",
        "socket(arg0=0x)",
        "socket(arg0=1a)",
        "socket(arg0&=1)",
        "socket(arg0=1",
        "socket(arg0=1))",
        "socket(ARG0=1)",
        "socket()",
        "0-3(arg0=1)",
        "all(arg0=1)",
        "ia32:all(arg0=1)",
        "exit(arg0=1)",
        "ia32:sigreturn(arg0=0)",
        "bogus(arg0=1)",
        "(arg0=1)",
    ];
    let range = vec![
        "socket(arg0=18446744073709551616)",
        "socket(arg0=0x10000000000000000)",
        "socket(arg0&0xff=256)",
        "socket(arg0&0x7e020000!=1)",
        "socket(arg1&18446744073709551616=0)",
    ];
    let past = vec![
        format!("{}(arg0=1)", tables::X86_64_NR),
        format!("ia32:{}(arg0=1)", tables::IA32_NR),
    ];
    prop_oneof![
        4 => select(inval).prop_map(|s| (s.to_string(), Errno::Inval)),
        2 => select(range).prop_map(|s| (s.to_string(), Errno::Range)),
        1 => select(past).prop_map(|s| (s, Errno::Range)),
    ]
    .boxed()
}

/// A call of either ABI that reads argument `arg` at `width` bits, if
/// one does.
fn call_of_width(arg: usize, width: u32) -> Option<(Abi, usize)> {
    static CALLS: OnceLock<BTreeMap<(usize, u32), (Abi, usize)>> = OnceLock::new();
    CALLS
        .get_or_init(|| {
            let mut calls = BTreeMap::new();
            for abi in Abi::ALL {
                let m = if abi == Abi::X86_64 { X86_64 } else { IA32 };
                for nr in 0..abi.size() {
                    for a in 0..cond::ARGS {
                        calls
                            .entry((a, model::width(m, nr, a)))
                            .or_insert((abi, nr));
                    }
                }
            }
            calls
        })
        .get(&(arg, width))
        .copied()
}

/// A hierarchy whose writes mix conditions with denies by number, modes
/// and actions, by either author.
fn cond_op() -> BoxedStrategy<Op> {
    prop_oneof![
        1 => any::<Index>().prop_map(Op::Mkdir),
        6 => (any::<Index>(), prop::bool::weighted(0.3), any::<bool>(), cond_items_write())
            .prop_map(|(group, allow, delegatee, input)| Op::Rules {
                group,
                allow,
                delegatee,
                input,
            }),
        1 => (any::<Index>(), any::<bool>(), select(vec!["log\n", "enforce\n"]))
            .prop_map(|(group, delegatee, input)| Op::Mode {
                group,
                delegatee,
                input: input.to_string(),
            }),
        2 => (
            any::<Index>(),
            any::<bool>(),
            select(vec!["kill", "errno EPERM", "errno 13", "errno 4000", "default"]),
            select(vec!["", " socket", " mkdir,ia32:socket", " all"]),
        )
            .prop_map(|(group, delegatee, action, calls)| Op::Action {
                group,
                delegatee,
                input: format!("{action}{calls}\n"),
            }),
    ]
    .boxed()
}

/// A random small hierarchy and writes with conditions to it.
fn cond_scenario() -> impl Strategy<Value = (Vec<Index>, Vec<Op>)> {
    (
        prop::collection::vec(any::<Index>(), 0..4),
        prop::collection::vec(cond_op(), 1..16),
    )
}

/// After random writes of conditions, denies by number, modes and actions
/// by either author, a call made with random arguments meets the model's
/// fate, for every task and for a trusted one: a level that a condition
/// denies the call in is a level that denies it, with its mode and action,
/// and the strictest level wins, the highest errno first.
#[test]
fn condition_decisions_match_model() {
    let strategy = (cond_scenario(), prop::collection::vec(args(), 1..4));
    check(
        "condition_decisions_match_model",
        strategy,
        |((mkdirs, ops), argses)| {
            let (mut real, mut tree) = (Real::new(), Tree::new());
            for p in mkdirs {
                run_both(&mut real, &mut tree, &Op::Mkdir(p))?;
            }
            for op in &ops {
                run_both(&mut real, &mut tree, op)?;
            }
            let tests = real.tests();
            for g in 0..real.len() {
                for args in &argses {
                    for call in cond_calls() {
                        for trusted in [false, true] {
                            let (got, _) = real.decide(&tests, g, call, args, trusted);
                            let (abi, nr) = model_call(call);
                            let want = tree.fate_with(g, abi, nr, args, trusted);
                            prop_assert_eq!(
                                fate_of(got),
                                want,
                                "{:?} with {:x?} in {} (trusted {}): expected {:?}, got {:?}",
                                call,
                                args,
                                g,
                                trusted,
                                want,
                                got
                            );
                        }
                    }
                }
            }
            Ok(())
        },
    );
}

/// A cgroup's published tests: every author's, then the administrators'.
type Published = Vec<(u16, Decision, Cond)>;

/// Everything the rules of a hierarchy hold and publish, to compare
/// before and after a write that must change nothing.
fn snapshot(real: &Real) -> (Real, Vec<Option<Published>>) {
    let tests = real
        .tests()
        .iter()
        .map(|t| {
            t.as_ref().map(|t| {
                t.all
                    .iter()
                    .chain(t.trusted.iter())
                    .map(|x| (x.bit, x.decision, cond_of(&x.cond)))
                    .collect()
            })
        })
        .collect();
    (real.clone(), tests)
}

/// An allow of a condition that an ancestor holds (whoever wrote it there,
/// however the allow spells it, among other good items) fails with `EPERM`
/// and changes nothing: no rules, effective sets or tests anywhere.
#[test]
fn allow_of_held_condition_refused() {
    let strategy = (
        prop::collection::vec(good_cond_item(), 1..4),
        any::<Index>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(good_cond_item(), 0..3),
        any::<u64>(),
    );
    check(
        "allow_of_held_condition_refused",
        strategy,
        |(held, pick, grandparent, by_delegatee, allow_by_delegatee, others, how)| {
            // The root, its child 1 and grandchild 2; the holder is 0 or 1,
            // the writer 2.
            let mut real = Real::new();
            real.mkdir(0);
            real.mkdir(1);
            let holder = if grandparent { 0 } else { 1 };
            let items: Vec<&str> = held.iter().map(|(t, _)| t.as_str()).collect();
            setup(
                &mut real,
                holder,
                File::Rules(Rule::Deny),
                author(by_delegatee),
                &items.join(" "),
            )?;
            // The held condition, respelled: the values in another order.
            let (target, cond) = &held[pick.index(held.len())];
            let target = &target[..target.find('(').unwrap_or(target.len())];
            let mut values: Vec<u64> = cond.values.iter().copied().collect();
            let n = values.len();
            values.rotate_left(how as usize % n);
            let values: Vec<String> = values.iter().map(|&v| spell(v, (how >> 8) as u8)).collect();
            let mask = match cond.mask {
                u64::MAX if how & 1 == 0 => String::new(),
                m => format!("&{}", spell(m, (how >> 16) as u8)),
            };
            let op = if cond.ne { "!=" } else { "=" };
            let respelled = format!("{target}(arg{}{mask}{op}{})", cond.arg, values.join("|"));
            let mut list: Vec<String> = others.into_iter().map(|(t, _)| t).collect();
            let at = (how >> 24) as usize % (list.len() + 1);
            list.insert(at, respelled);
            let input = format!("{}\n", list.join(" "));
            let before = snapshot(&real);
            let got =
                real.write_rules(2, Rule::Allow, author(allow_by_delegatee), input.as_bytes());
            prop_assert_eq!(
                got.map_err(errno),
                Err(Errno::Perm),
                "allow {:?} under {:?} held by {}: expected EPERM",
                input,
                items,
                holder
            );
            prop_assert!(
                snapshot(&real) == before,
                "the refused allow {:?} changed the rules",
                input
            );
            Ok(())
        },
    );
}

/// A plain allow of a call drops the cgroup's own deny and conditions of
/// it and succeeds although an ancestor holds conditions on the call:
/// those keep applying, so the call is judged as in the parent.
#[test]
fn plain_allow_keeps_ancestor_conditions() {
    let strategy = (
        prop::collection::vec(good_cond_item(), 1..4),
        prop::collection::vec(good_cond_item(), 0..4),
        any::<bool>(),
        prop::collection::vec(args(), 1..4),
    );
    check(
        "plain_allow_keeps_ancestor_conditions",
        strategy,
        |(above, own, delegatee, argses)| {
            let mut real = Real::new();
            real.mkdir(0);
            let items: Vec<&str> = above.iter().map(|(t, _)| t.as_str()).collect();
            setup(
                &mut real,
                0,
                File::Rules(Rule::Deny),
                Author::Admin,
                &items.join(" "),
            )?;
            let mut mine: Vec<&str> = own.iter().map(|(t, _)| t.as_str()).collect();
            mine.extend(items.iter().map(|t| &t[..t.find('(').unwrap_or(t.len())]));
            let by = author(delegatee);
            setup(&mut real, 1, File::Rules(Rule::Deny), by, &mine.join(" "))?;
            // Allow every call the parent's conditions are on, plainly.
            let targets: Vec<&str> = items
                .iter()
                .map(|t| &t[..t.find('(').unwrap_or(t.len())])
                .collect();
            let input = targets.join(",");
            setup(&mut real, 1, File::Rules(Rule::Allow), by, &input)?;
            let mut calls = SyscallSet::EMPTY;
            for t in &targets {
                let request = grammar::parse_rules(t.as_bytes())
                    .map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
                calls.union_with(&request.calls);
            }
            let rules = &real.rules[1];
            for own in [&rules.all, &rules.trusted] {
                prop_assert!(
                    !own.denied.intersects(&calls),
                    "allow {:?} left its calls denied",
                    input
                );
                let left: Vec<usize> = own
                    .conditions
                    .iter()
                    .map(|(b, _)| b)
                    .filter(|&b| calls.contains_bit(b))
                    .collect();
                prop_assert!(
                    left.is_empty(),
                    "allow {:?} left own conditions on bits {:?}",
                    input,
                    left
                );
            }
            let tests = real.tests();
            for args in &argses {
                for bit in calls.bits() {
                    let call = Abi::of_bit(bit).expect("a call of the tables");
                    for trusted in [false, true] {
                        let (child, _) = real.decide(&tests, 1, call, args, trusted);
                        let (parent, _) = real.decide(&tests, 0, call, args, trusted);
                        prop_assert_eq!(
                            child,
                            parent,
                            "{:?} with {:x?} (trusted {}) after allow {:?}: expected the parent's {:?}, got {:?}",
                            call,
                            args,
                            trusted,
                            input,
                            parent,
                            child
                        );
                    }
                }
            }
            Ok(())
        },
    );
}

/// A write by either author fails with `ENOSPC`, and changes nothing,
/// exactly when it would leave the cgroup holding more than 32 conditions
/// of its own, each on one call of one ABI (a name of both ABIs counts
/// two); conditions already held take no more room, and an allow, which
/// never adds any, never fails so.
#[test]
fn condition_limit_matches_model() {
    let write = prop_oneof![
        6 => (prop::bool::weighted(0.1), any::<bool>(), prop::collection::vec(good_cond_item(), 1..6)),
        1 => (Just(true), any::<bool>(), prop::collection::vec(good_cond_item(), 17..30)),
        1 => (Just(false), any::<bool>(), prop::collection::vec(good_cond_item(), 17..30)),
    ];
    let strategy = (any::<bool>(), prop::collection::vec(write, 1..16));
    check(
        "condition_limit_matches_model",
        strategy,
        |(child, writes)| {
            let (mut real, mut tree) = (Real::new(), Tree::new());
            real.mkdir(0);
            tree.mkdir(0);
            let g = usize::from(child);
            for (allow, delegatee, items) in &writes {
                let input = {
                    let items: Vec<&str> = items.iter().map(|(t, _)| t.as_str()).collect();
                    format!("{}\n", items.join(" "))
                };
                let before = snapshot(&real);
                let rule = if *allow { Rule::Allow } else { Rule::Deny };
                let got = real
                    .write_rules(g, rule, author(*delegatee), input.as_bytes())
                    .map_err(errno);
                let want = tree.write_rules(g, *allow, *delegatee, input.as_bytes());
                let held = tree.groups[g].all.conds.len();
                prop_assert_eq!(
                    got,
                    want,
                    "{:?} of {:?} with {} conditions held: expected {:?}, got {:?}",
                    rule,
                    input,
                    held,
                    want,
                    got
                );
                if got.is_err() {
                    prop_assert!(
                        snapshot(&real) == before,
                        "the refused {:?} changed the rules",
                        input
                    );
                }
                let count = real.rules[g].all.conditions.iter().count();
                prop_assert_eq!(
                    count,
                    held,
                    "conditions held: expected {}, got {}",
                    held,
                    count
                );
                prop_assert!(count <= cond::MAX_CONDITIONS, "{} conditions held", count);
            }
            Ok(())
        },
    );
}

/// The widths of the generated table are those of the calls' declared
/// prototypes, checked on calls of every width, and no ia32 argument is
/// read wider than 32 bits; `Abi::arg_width` reads the table as the model
/// decodes it, for every argument of every call.
#[test]
fn arg_widths_match_prototypes() {
    // (name, [widths of x86_64's arguments 0 to 5]) from
    // include/linux/syscalls.h and the x86 SYSCALL_DEFINEs of 7.3 (the
    // same as 6.12's for these calls).
    let known: [(&str, [u32; 6]); 10] = [
        // int family, int type, int protocol
        ("socket", [32, 32, 32, 64, 64, 64]),
        // const char __user *pathname, umode_t mode
        ("mkdir", [64, 16, 64, 64, 64, 64]),
        // unsigned int fd, char __user *buf, size_t count
        ("read", [32, 64, 64, 64, 64, 64]),
        // unsigned int personality
        ("personality", [32, 64, 64, 64, 64, 64]),
        // unsigned long, unsigned long, int __user *, int __user *, unsigned long
        ("clone", [64, 64, 64, 64, 64, 64]),
        // pid_t pid, int sig
        ("kill", [32, 32, 64, 64, 64, 64]),
        // int mask
        ("umask", [32, 64, 64, 64, 64, 64]),
        // unsigned int fd, umode_t mode
        ("fchmod", [32, 16, 64, 64, 64, 64]),
        // unsigned long addr, len, prot, flags, fd, off (sys_x86_64.c)
        ("mmap", [64, 64, 64, 64, 64, 64]),
        // int code, unsigned long addr (process.c on 7.x, process_64.c on 6.12)
        ("arch_prctl", [32, 64, 64, 64, 64, 64]),
    ];
    for (name, widths) in known {
        let nr = names::lookup(Abi::X86_64, name).expect("an x86_64 call");
        for (arg, &w) in widths.iter().enumerate() {
            assert_eq!(
                Abi::X86_64.arg_width(nr, arg),
                w,
                "x86_64 {name} argument {arg}: expected {w} bits"
            );
        }
    }
    for abi in Abi::ALL {
        let m = [X86_64, IA32][abi as usize];
        for nr in 0..abi.size() {
            for arg in 0..cond::ARGS {
                let w = abi.arg_width(nr, arg);
                assert_eq!(w, model::width(m, nr, arg), "{abi:?} {nr} argument {arg}");
                assert!(
                    [8, 16, 32, 64].contains(&w),
                    "{abi:?} {nr} argument {arg}: {w} bits"
                );
                if abi == Abi::Ia32 {
                    assert!(
                        w <= 32,
                        "ia32 {nr} argument {arg}: expected at most 32 bits, got {w}"
                    );
                }
            }
        }
    }
    // ia32's socket reads its int family at 32 bits too.
    let socket = names::lookup(Abi::Ia32, "socket").expect("an ia32 call");
    assert_eq!(Abi::Ia32.arg_width(socket, 0), 32);
}
