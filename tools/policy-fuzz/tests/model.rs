// SPDX-License-Identifier: GPL-2.0

//! An independent model of the controller's rules, written from
//! `Documentation/admin-guide/cgroup-v1/syscalls.rst` (sections 3, 4, 6, 7
//! and 11.1) and section 5 of `Documentation/admin-guide/cgroup-v2-syscalls.rst`
//! (the administrators' rules beside everyone's), not from the code under
//! test: sets are vectors of booleans per ABI, the write grammar is
//! tokenised and checked item by item, a cgroup keeps its two sets of
//! rules side by side, and its effective set and the fate of a call are
//! found by walking its path from the root, with no precomputation.
//!
//! The only thing it shares with the modules is data: the names of the
//! kernel's system call tables and errno headers, as `asm/gen_tables.sh`
//! generated them. Namesakes are found here by comparing names.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::abi::tables;

/// The ABIs with numbers of their own, in read order: x86_64, then ia32.
pub(crate) const X86_64: usize = 0;
/// The 32-bit ABI.
pub(crate) const IA32: usize = 1;
/// Both ABIs.
pub(crate) const ABIS: [usize; 2] = [X86_64, IA32];
/// The prefixes that select an ABI in a write (section 3).
const PREFIXES: [&str; 2] = ["x86_64", "ia32"];

/// The names of `abi`'s table by number; holes are empty.
pub(crate) fn names(abi: usize) -> &'static [&'static str] {
    [&tables::X86_64_NAMES[..], &tables::IA32_NAMES[..]][abi]
}

/// The number of entries of `abi`'s table, holes included.
pub(crate) fn size(abi: usize) -> usize {
    names(abi).len()
}

/// The errnos a write can fail with (section 7, and 11.1 for `ENOSPC`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Errno {
    /// Bad syntax, an unknown name or prefix, a bad mode or action.
    Inval,
    /// A number past its table, or too large to represent.
    Range,
    /// An allow of a call that the parent's effective set denies.
    Perm,
    /// A ninth action for particular calls.
    NoSpc,
}

/// A set of system calls: a flag per number of each table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Calls {
    /// `member[abi][nr]`: whether the call is in the set.
    pub(crate) member: [Vec<bool>; 2],
}

impl Calls {
    /// No call.
    pub(crate) fn empty() -> Calls {
        Calls {
            member: [vec![false; size(X86_64)], vec![false; size(IA32)]],
        }
    }

    /// Every number of every table.
    pub(crate) fn all() -> Calls {
        Calls {
            member: [vec![true; size(X86_64)], vec![true; size(IA32)]],
        }
    }

    pub(crate) fn contains(&self, abi: usize, nr: usize) -> bool {
        self.member[abi].get(nr).copied().unwrap_or(false)
    }

    pub(crate) fn insert(&mut self, abi: usize, nr: usize) {
        self.member[abi][nr] = true;
    }

    pub(crate) fn remove(&mut self, abi: usize, nr: usize) {
        self.member[abi][nr] = false;
    }

    /// Every call of the set, x86_64 first, in increasing numbers.
    pub(crate) fn calls(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        ABIS.into_iter().flat_map(move |abi| {
            (0..size(abi))
                .filter(move |&nr| self.member[abi][nr])
                .map(move |nr| (abi, nr))
        })
    }

    /// The pairs of flags of both sets, call by call.
    fn pairs<'a>(&'a self, other: &'a Calls) -> impl Iterator<Item = (bool, bool)> + 'a {
        ABIS.into_iter().flat_map(move |abi| {
            self.member[abi]
                .iter()
                .copied()
                .zip(other.member[abi].iter().copied())
        })
    }

    pub(crate) fn add_all(&mut self, other: &Calls) {
        for abi in ABIS {
            for (x, &y) in self.member[abi].iter_mut().zip(&other.member[abi]) {
                *x |= y;
            }
        }
    }

    pub(crate) fn remove_all(&mut self, other: &Calls) {
        for abi in ABIS {
            for (x, &y) in self.member[abi].iter_mut().zip(&other.member[abi]) {
                *x &= !y;
            }
        }
    }

    pub(crate) fn meets(&self, other: &Calls) -> bool {
        self.pairs(other).any(|(x, y)| x && y)
    }

    pub(crate) fn includes(&self, other: &Calls) -> bool {
        self.pairs(other).all(|(x, y)| x || !y)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.calls().next().is_none()
    }

    /// Every call not in the set.
    pub(crate) fn complement(&self) -> Calls {
        let mut set = Calls::all();
        set.remove_all(self);
        set
    }
}

/// The calls of the name `name` in every ABI listed in `abis`.
fn named(name: &str, abis: &[usize]) -> Calls {
    let mut set = Calls::empty();
    for &abi in abis {
        for (nr, &n) in names(abi).iter().enumerate() {
            if !name.is_empty() && n == name {
                set.insert(abi, nr);
            }
        }
    }
    set
}

/// The calls no rule names (section 6.4): `exit`, `exit_group`,
/// `rt_sigreturn`, ia32's `sigreturn`, and `restart_syscall` (section 5).
pub(crate) fn never_named() -> &'static Calls {
    static NEVER: OnceLock<Calls> = OnceLock::new();
    NEVER.get_or_init(|| {
        let mut set = Calls::empty();
        for name in [
            "exit",
            "exit_group",
            "rt_sigreturn",
            "sigreturn",
            "restart_syscall",
        ] {
            set.add_all(&named(name, &ABIS));
        }
        set
    })
}

/// The numbers of the ia32 calls of the same name as x86_64 `nr`
/// (section 6.2).
pub(crate) fn ia32_namesakes(nr: usize) -> &'static [usize] {
    // Found once for every number: reads ask for every call of a set.
    static NAMESAKES: OnceLock<Vec<Vec<usize>>> = OnceLock::new();
    &NAMESAKES.get_or_init(|| {
        (0..size(X86_64))
            .map(|nr| {
                named(names(X86_64)[nr], &[IA32])
                    .calls()
                    .map(|(_, m)| m)
                    .collect()
            })
            .collect()
    })[nr]
}

/// White space as `isspace()` has it (section 3).
pub(crate) fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// Parses a write to `syscalls.allow` or `syscalls.deny` (sections 3, 6
/// and 7): the calls it names, or the error of its first bad item.
pub(crate) fn parse(input: &[u8]) -> Result<Calls, Errno> {
    #[derive(PartialEq)]
    enum Last {
        Nothing,
        Item,
        Comma,
    }
    let mut set = Calls::empty();
    let mut last = Last::Nothing;
    let mut i = 0;
    while i < input.len() {
        let b = input[i];
        if is_space(b) {
            i += 1;
        } else if b == b',' {
            // A comma separates two items: `,1`, `1,,2` are bad.
            if last != Last::Item {
                return Err(Errno::Inval);
            }
            last = Last::Comma;
            i += 1;
        } else {
            let start = i;
            while i < input.len() && input[i] != b',' && !is_space(input[i]) {
                i += 1;
            }
            parse_item(&input[start..i], &mut set)?;
            last = Last::Item;
        }
    }
    // `1,` is bad, but only once every item before it was good.
    if last == Last::Comma {
        return Err(Errno::Inval);
    }
    set.remove_all(never_named());
    Ok(set)
}

/// Adds the calls of one item to `set`.
fn parse_item(item: &[u8], set: &mut Calls) -> Result<(), Errno> {
    let (abi, body) = match item.iter().position(|&b| b == b':') {
        Some(colon) => {
            let prefix = &item[..colon];
            let abi = ABIS
                .into_iter()
                .find(|&abi| PREFIXES[abi].as_bytes() == prefix)
                .ok_or(Errno::Inval)?;
            (Some(abi), &item[colon + 1..])
        }
        None => (None, item),
    };
    let abis: Vec<usize> = match abi {
        Some(abi) => vec![abi],
        None => ABIS.to_vec(),
    };
    if body == b"all" {
        for &abi in &abis {
            for nr in 0..size(abi) {
                set.insert(abi, nr);
            }
        }
        return Ok(());
    }
    match body.first() {
        None => Err(Errno::Inval),
        Some(b) if b.is_ascii_digit() => {
            // Numbers are those of the prefix's ABI, bare ones x86_64's.
            let numbers = abi.unwrap_or(X86_64);
            let (lo, hi) = match body.iter().position(|&b| b == b'-') {
                Some(dash) => (&body[..dash], &body[dash + 1..]),
                None => (body, body),
            };
            let lo = number(lo, numbers)?;
            let hi = number(hi, numbers)?;
            if lo > hi {
                return Err(Errno::Inval);
            }
            for nr in lo..=hi {
                set.insert(numbers, nr);
                if abi.is_none() {
                    for &m in ia32_namesakes(nr) {
                        set.insert(IA32, m);
                    }
                }
            }
            Ok(())
        }
        Some(_) => {
            let name = std::str::from_utf8(body).map_err(|_| Errno::Inval)?;
            let calls = named(name, &abis);
            if calls.is_empty() {
                return Err(Errno::Inval);
            }
            set.add_all(&calls);
            Ok(())
        }
    }
}

/// A decimal number of `abi`'s table.
fn number(digits: &[u8], abi: usize) -> Result<usize, Errno> {
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(Errno::Inval);
    }
    let significant: Vec<u8> = digits.iter().copied().skip_while(|&d| d == b'0').collect();
    // Far past any table, whatever it would overflow.
    if significant.len() > 9 {
        return Err(Errno::Range);
    }
    let value = significant
        .iter()
        .fold(0usize, |v, &d| v * 10 + usize::from(d - b'0'));
    if value >= size(abi) {
        return Err(Errno::Range);
    }
    Ok(value)
}

/// A set as a read prints it, without the newline (section 3, Reading).
pub(crate) fn format(set: &Calls) -> String {
    let runs = |abi: usize| {
        let mut runs = Vec::new();
        let mut nr = 0;
        while nr < size(abi) {
            if set.contains(abi, nr) {
                let first = nr;
                while nr < size(abi) && set.contains(abi, nr) {
                    nr += 1;
                }
                runs.push((first, nr - 1));
            } else {
                nr += 1;
            }
        }
        runs
    };
    // Bare x86_64 numbers would reach their ia32 namesakes too.
    let bare = (0..size(X86_64))
        .filter(|&nr| set.contains(X86_64, nr))
        .all(|nr| ia32_namesakes(nr).iter().all(|&m| set.contains(IA32, m)));
    let mut parts = Vec::new();
    for abi in ABIS {
        let prefix = if abi == X86_64 && bare {
            String::new()
        } else {
            format!("{}:", PREFIXES[abi])
        };
        let items: Vec<String> = runs(abi)
            .into_iter()
            .map(|(lo, hi)| match lo == hi {
                true => format!("{prefix}{lo}"),
                false => format!("{prefix}{lo}-{hi}"),
            })
            .collect();
        if !items.is_empty() {
            parts.push(items.join(","));
        }
    }
    parts.join(" ")
}

/// What an enforced deny does (section 11.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Act {
    Errno(u16),
    Kill,
}

/// The default action: `errno ENOSYS`.
pub(crate) const ENOSYS: Act = Act::Errno(38);

/// What happens to a call (section 11.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fate {
    Allow,
    Log,
    Errno(u16),
    Kill,
}

/// A write to `syscalls.action`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ActionWrite {
    /// `ACTION`: the cgroup's action.
    Default(Act),
    /// `ACTION CALLS`, or `default CALLS` (`None`).
    Calls(Option<Act>, Calls),
}

/// The first white-space-delimited word of `input` and what follows it.
fn first_word(input: &[u8]) -> Option<(&[u8], &[u8])> {
    let start = input.iter().position(|&b| !is_space(b))?;
    let rest = &input[start..];
    let len = rest.iter().position(|&b| is_space(b)).unwrap_or(rest.len());
    Some((&rest[..len], &rest[len..]))
}

/// An errno by name or decimal number, 1 to 4095 (section 11.1).
fn errno(word: &[u8]) -> Result<u16, Errno> {
    if word.iter().all(u8::is_ascii_digit) {
        // The documentation says only "by number". The controller takes at
        // most four digits, so `errno 00038` is `EINVAL` although
        // `errno 0038` is 38: the model follows it, and says so here.
        if word.len() > 4 {
            return Err(Errno::Inval);
        }
        let value = word.iter().fold(0u16, |v, &d| v * 10 + u16::from(d - b'0'));
        return match value {
            // The kernel's internal codes, `ERESTARTSYS` to `EIOCBQUEUED`.
            512..=529 => Err(Errno::Inval),
            1..=4095 => Ok(value),
            _ => Err(Errno::Inval),
        };
    }
    tables::ERRNO_NAMES
        .iter()
        .position(|&n| !n.is_empty() && n.as_bytes() == word)
        .map(|e| e as u16)
        .ok_or(Errno::Inval)
}

/// Parses a write to `syscalls.action` (sections 7 and 11.1).
pub(crate) fn parse_action(input: &[u8]) -> Result<ActionWrite, Errno> {
    let (word, rest) = first_word(input).ok_or(Errno::Inval)?;
    let (act, rest) = match word {
        b"default" => (None, rest),
        b"kill" => (Some(Act::Kill), rest),
        b"errno" => {
            let (e, rest) = first_word(rest).ok_or(Errno::Inval)?;
            (Some(Act::Errno(errno(e)?)), rest)
        }
        _ => return Err(Errno::Inval),
    };
    let blank = rest.iter().all(|&b| is_space(b));
    match (act, blank) {
        (Some(act), true) => Ok(ActionWrite::Default(act)),
        (None, true) => Err(Errno::Inval),
        (act, false) => Ok(ActionWrite::Calls(act, parse(rest)?)),
    }
}

/// Parses a write to `syscalls.mode`: whether it is `log`.
pub(crate) fn parse_mode(input: &[u8]) -> Result<bool, Errno> {
    let words: Vec<&[u8]> = input
        .split(|&b| is_space(b))
        .filter(|w| !w.is_empty())
        .collect();
    match words[..] {
        [b"enforce"] => Ok(false),
        [b"log"] => Ok(true),
        _ => Err(Errno::Inval),
    }
}

/// Parses a write to `syscalls.learn`.
pub(crate) fn parse_switch(input: &[u8]) -> Result<bool, Errno> {
    let words: Vec<&[u8]> = input
        .split(|&b| is_space(b))
        .filter(|w| !w.is_empty())
        .collect();
    match words[..] {
        [b"0"] => Ok(false),
        [b"1"] => Ok(true),
        _ => Err(Errno::Inval),
    }
}

/// The most actions a cgroup holds for particular calls (section 11.1).
pub(crate) const MAX_ACTIONS: usize = 8;

/// One set of a cgroup's own rules: as everyone wrote them, or as the
/// administrators did (cgroup-v2-syscalls.rst, section 5).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Own {
    /// The calls written to its `syscalls.deny` and not since allowed.
    pub(crate) denied: Calls,
    /// `syscalls.mode` is `log`.
    pub(crate) log: bool,
    /// Its action.
    pub(crate) action: Act,
    /// The actions of particular calls.
    pub(crate) per_call: BTreeMap<(usize, usize), Act>,
}

impl Own {
    fn new() -> Own {
        Own {
            denied: Calls::empty(),
            log: false,
            action: ENOSYS,
            per_call: BTreeMap::new(),
        }
    }

    /// The distinct actions of particular calls.
    pub(crate) fn actions(&self) -> Vec<Act> {
        let mut acts: Vec<Act> = self.per_call.values().copied().collect();
        acts.sort();
        acts.dedup();
        acts
    }

    /// The rules after `write` to `syscalls.action`, or `ENOSPC` past
    /// [`MAX_ACTIONS`].
    fn with_action(&self, write: &ActionWrite) -> Result<Own, Errno> {
        let mut next = self.clone();
        match write {
            ActionWrite::Default(act) => next.action = *act,
            ActionWrite::Calls(act, calls) => {
                for call in calls.calls() {
                    match act {
                        Some(act) => next.per_call.insert(call, *act),
                        None => next.per_call.remove(&call),
                    };
                }
            }
        }
        if next.actions().len() > MAX_ACTIONS {
            return Err(Errno::NoSpc);
        }
        Ok(next)
    }
}

/// One cgroup's own state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Cgroup {
    pub(crate) parent: Option<usize>,
    /// Its rules as everyone wrote them: what judges most tasks.
    pub(crate) all: Own,
    /// Its rules as administrators wrote them, less what anyone allowed
    /// since: what judges a task that a delegatee who wrote rules on its
    /// path has no power over.
    pub(crate) trusted: Own,
}

impl Cgroup {
    fn new(parent: Option<usize>) -> Cgroup {
        Cgroup {
            parent,
            all: Own::new(),
            trusted: Own::new(),
        }
    }

    /// Whether a delegatee's write left the rules other than the
    /// administrators' (section 5: the delegatees are forgotten when they
    /// are the administrators' again).
    pub(crate) fn delegated(&self) -> bool {
        self.all != self.trusted
    }
}

/// A hierarchy of cgroups: the root is 0.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Tree {
    pub(crate) groups: Vec<Cgroup>,
}

impl Tree {
    /// A hierarchy with only its root.
    pub(crate) fn new() -> Tree {
        Tree {
            groups: vec![Cgroup::new(None)],
        }
    }

    /// A new cgroup below `parent`: no rules of its own (section 4).
    pub(crate) fn mkdir(&mut self, parent: usize) -> usize {
        self.groups.push(Cgroup::new(Some(parent)));
        self.groups.len() - 1
    }

    /// The path from the root to `g`, root first.
    pub(crate) fn path(&self, g: usize) -> Vec<usize> {
        let mut path = vec![g];
        while let Some(p) = self.groups[*path.last().unwrap()].parent {
            path.push(p);
        }
        path.reverse();
        path
    }

    /// The calls `g`'s tasks are denied: every own deny on its path.
    pub(crate) fn effective(&self, g: usize) -> Calls {
        let mut set = Calls::empty();
        for c in self.path(g) {
            set.add_all(&self.groups[c].all.denied);
        }
        set
    }

    /// Whether a delegatee's rules hold anywhere on `g`'s path.
    pub(crate) fn delegated(&self, g: usize) -> bool {
        self.path(g).into_iter().any(|c| self.groups[c].delegated())
    }

    /// A write to `g`'s `syscalls.allow` (`allow`) or `syscalls.deny`. An
    /// allow is checked against the parent's effective set and counts in
    /// both sets; a deny counts in the administrators' only when one of
    /// them writes it.
    pub(crate) fn write_rules(
        &mut self,
        g: usize,
        allow: bool,
        delegatee: bool,
        input: &[u8],
    ) -> Result<(), Errno> {
        let calls = parse(input)?;
        if allow {
            if let Some(p) = self.groups[g].parent {
                if self.effective(p).meets(&calls) {
                    return Err(Errno::Perm);
                }
            }
            let c = &mut self.groups[g];
            c.all.denied.remove_all(&calls);
            c.trusted.denied.remove_all(&calls);
        } else {
            let c = &mut self.groups[g];
            c.all.denied.add_all(&calls);
            if !delegatee {
                c.trusted.denied.add_all(&calls);
            }
        }
        Ok(())
    }

    /// A write to `g`'s `syscalls.mode`: the administrators' too unless a
    /// delegatee writes it.
    pub(crate) fn write_mode(
        &mut self,
        g: usize,
        delegatee: bool,
        input: &[u8],
    ) -> Result<(), Errno> {
        let log = parse_mode(input)?;
        let c = &mut self.groups[g];
        c.all.log = log;
        if !delegatee {
            c.trusted.log = log;
        }
        Ok(())
    }

    /// A write to `g`'s `syscalls.action`: the administrators' too unless
    /// a delegatee writes it, and nothing if either set would pass
    /// [`MAX_ACTIONS`].
    pub(crate) fn write_action(
        &mut self,
        g: usize,
        delegatee: bool,
        input: &[u8],
    ) -> Result<(), Errno> {
        let write = parse_action(input)?;
        let c = &mut self.groups[g];
        let all = c.all.with_action(&write)?;
        let trusted = match delegatee {
            true => c.trusted.clone(),
            false => c.trusted.with_action(&write)?,
        };
        c.all = all;
        c.trusted = trusted;
        Ok(())
    }

    /// What happens to call `nr` of `abi` in `g` (section 11.1): a kill
    /// anywhere on the path, else the errno of the highest cgroup that
    /// enforces its deny, else a log, else it runs.
    pub(crate) fn fate(&self, g: usize, abi: usize, nr: usize) -> Fate {
        self.fate_by(g, abi, nr, |c| &c.all)
    }

    /// What happens to the call for a task judged by the administrators'
    /// rules alone (cgroup-v2-syscalls.rst, section 5), with their modes
    /// and actions.
    pub(crate) fn trusted_fate(&self, g: usize, abi: usize, nr: usize) -> Fate {
        self.fate_by(g, abi, nr, |c| &c.trusted)
    }

    fn fate_by(&self, g: usize, abi: usize, nr: usize, rules: fn(&Cgroup) -> &Own) -> Fate {
        let deniers: Vec<&Own> = self
            .path(g)
            .into_iter()
            .map(|c| rules(&self.groups[c]))
            .filter(|own| own.denied.contains(abi, nr))
            .collect();
        let act = |own: &Own| *own.per_call.get(&(abi, nr)).unwrap_or(&own.action);
        let enforcing: Vec<Act> = deniers
            .iter()
            .filter(|own| !own.log)
            .map(|own| act(own))
            .collect();
        if enforcing.contains(&Act::Kill) {
            return Fate::Kill;
        }
        if let Some(Act::Errno(e)) = enforcing.first() {
            return Fate::Errno(*e);
        }
        if !deniers.is_empty() {
            return Fate::Log;
        }
        Fate::Allow
    }
}
