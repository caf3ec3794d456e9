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
//! Argument conditions follow section 11.8: a condition is a set of
//! values compared with the argument cut to its width by plain integer
//! casts, a cgroup's own conditions a set of pairs of a call and a
//! condition, and a level that a condition denies a call in is a level that
//! denies it, as by number.
//!
//! The only thing it shares with the modules is data: the names of the
//! kernel's system call tables and errno headers, as `asm/gen_tables.sh`
//! generated them, and the widths of the arguments, as `asm/gen_widths.sh`
//! did. Namesakes are found here by comparing names.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use crate::abi::tables;

/// The widths of the arguments, as `asm/gen_widths.sh` generated them for
/// `asm/abi.rs` (`build.rs`): data, decoded here on their own.
mod widths {
    include!(env!("SYSCALLS_CGROUP_WIDTHS"));
}

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
    /// A ninth action for particular calls, a 33rd condition.
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

/// Parses a call list of `syscalls.action` (sections 3, 6, 7 and 11.1):
/// the calls it names, or the error of its first bad item; an item with a
/// condition is a bad item there (section 11.8).
pub(crate) fn parse(input: &[u8]) -> Result<Calls, Errno> {
    parse_list(input, false).map(|write| write.calls)
}

/// Parses a write to `syscalls.allow` or `syscalls.deny` (sections 3, 6,
/// 7 and 11.8): the calls it names plainly and those it names with a
/// condition, or the error of its first bad item.
pub(crate) fn parse_rules(input: &[u8]) -> Result<Write, Errno> {
    parse_list(input, true)
}

/// A parsed write to a rule file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Write {
    /// The calls named without a condition, less those no rule names.
    pub(crate) calls: Calls,
    /// The pairs of a call and a condition it names: each once.
    pub(crate) conds: BTreeSet<Pair>,
}

/// Parses a list of items, with conditions where `conditions` says.
fn parse_list(input: &[u8], conditions: bool) -> Result<Write, Errno> {
    #[derive(PartialEq)]
    enum Last {
        Nothing,
        Item,
        Comma,
    }
    let mut set = Calls::empty();
    let mut conds = BTreeSet::new();
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
            let item = &input[start..i];
            match item.iter().position(|&b| b == b'(') {
                None => parse_item(item, &mut set)?,
                Some(_) if !conditions => return Err(Errno::Inval),
                Some(open) => parse_conditional(item, open, &mut conds)?,
            }
            last = Last::Item;
        }
    }
    // `1,` is bad, but only once every item before it was good.
    if last == Last::Comma {
        return Err(Errno::Inval);
    }
    set.remove_all(never_named());
    Ok(Write { calls: set, conds })
}

/// The most values a condition compares with (section 11.8).
pub(crate) const MAX_VALUES: usize = 8;

/// The most conditions a cgroup holds of its own, each on one call of one
/// ABI (section 11.8).
pub(crate) const MAX_CONDITIONS: usize = 32;

/// A condition on one argument (section 11.8).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Cond {
    /// The argument, 0 to 5.
    pub(crate) arg: usize,
    /// The mask, all ones by default.
    pub(crate) mask: u64,
    /// `!=`: it denies when the argument is none of the values.
    pub(crate) ne: bool,
    /// The values: a set, as order and repetition do not matter.
    pub(crate) values: BTreeSet<u64>,
}

/// A call and a condition on it.
pub(crate) type Pair = ((usize, usize), Cond);

/// `x` cut to `width` bits, as the parameter's declared type reads it.
pub(crate) fn cut(x: u64, width: u32) -> u64 {
    match width {
        8 => u64::from(x as u8),
        16 => u64::from(x as u16),
        32 => u64::from(x as u32),
        64 => x,
        _ => panic!("no argument is {width} bits wide"),
    }
}

impl Cond {
    /// Whether it denies a call whose argument is `raw`, read at `width`
    /// bits: the argument, the mask and the values are cut to the width.
    pub(crate) fn denies(&self, raw: u64, width: u32) -> bool {
        let seen = cut(raw, width) & cut(self.mask, width);
        let found = self.values.iter().any(|&v| cut(v, width) == seen);
        found != self.ne
    }

    /// The condition as a read prints it, without its call:
    /// `(arg0&0xff!=1|2)`, values ascending in decimal, a mask other than
    /// all ones in hexadecimal.
    pub(crate) fn format(&self) -> String {
        let mask = match self.mask {
            u64::MAX => String::new(),
            m => format!("&{m:#x}"),
        };
        let values: Vec<String> = self.values.iter().map(u64::to_string).collect();
        let op = if self.ne { "!=" } else { "=" };
        format!("(arg{}{mask}{op}{})", self.arg, values.join("|"))
    }
}

/// A pair as a read prints it: behind the call's ABI prefix and number.
pub(crate) fn format_pair(((abi, nr), cond): &Pair) -> String {
    format!("{}:{nr}{}", PREFIXES[*abi], cond.format())
}

/// The width in bits at which the kernel reads argument `arg` of call `nr`
/// of `abi`: two bits an argument of the generated table, argument 0
/// lowest, 0 for 64 bits, 1 for 32, 2 for 16, 3 for 8.
pub(crate) fn width(abi: usize, nr: usize, arg: usize) -> u32 {
    let table: &[u16] = [&widths::X86_64_WIDTHS[..], &widths::IA32_WIDTHS[..]][abi];
    match table.get(nr) {
        Some(&codes) => [64, 32, 16, 8][usize::from((codes >> (2 * arg)) & 3)],
        None => 64,
    }
}

/// Adds the pairs of an item with a condition (section 11.8): its call, a
/// name or a number with or without a prefix, never a range, `all` or a
/// call no rule names, and the condition in parentheses.
///
/// The documentation gives each fault its errno but not which of two
/// faults of one item decides; the model takes the controller's order:
/// the call, then the condition's form (`EINVAL`), the mask and the
/// values as they come, each `EINVAL` when malformed and `ERANGE` when too
/// large, a ninth value (`EINVAL`), then the argument's index (`EINVAL`),
/// a zero mask (`EINVAL`) and a value outside the mask (`ERANGE`).
fn parse_conditional(item: &[u8], open: usize, conds: &mut BTreeSet<Pair>) -> Result<(), Errno> {
    let (target, text) = item.split_at(open);
    let body = match target.iter().position(|&b| b == b':') {
        Some(colon) => &target[colon + 1..],
        None => target,
    };
    // A range is bad, whatever its numbers.
    if body == b"all" || body.contains(&b'-') {
        return Err(Errno::Inval);
    }
    let mut calls = Calls::empty();
    parse_item(target, &mut calls)?;
    if calls.meets(never_named()) {
        return Err(Errno::Inval);
    }
    let cond = parse_condition(text)?;
    for call in calls.calls() {
        conds.insert((call, cond.clone()));
    }
    Ok(())
}

/// Parses `(argN[&MASK]=V|V...)` or with `!=`.
fn parse_condition(text: &[u8]) -> Result<Cond, Errno> {
    // A byte that is not UTF-8 spoils only the number it is in.
    let text = String::from_utf8_lossy(text);
    let inner = text
        .strip_prefix("(arg")
        .and_then(|t| t.strip_suffix(')'))
        .ok_or(Errno::Inval)?;
    let mut chars = inner.chars();
    let index = chars
        .next()
        .and_then(|c| c.to_digit(10))
        .ok_or(Errno::Inval)?;
    let rest = chars.as_str();
    let (lhs, values) = rest.split_once('=').ok_or(Errno::Inval)?;
    let (lhs, ne) = match lhs.strip_suffix('!') {
        Some(lhs) => (lhs, true),
        None => (lhs, false),
    };
    let mask = match lhs {
        "" => u64::MAX,
        _ => value(lhs.strip_prefix('&').ok_or(Errno::Inval)?)?,
    };
    let mut set = BTreeSet::new();
    for (i, v) in values.split('|').enumerate() {
        let v = value(v)?;
        if i == MAX_VALUES {
            return Err(Errno::Inval);
        }
        set.insert(v);
    }
    if index > 5 || mask == 0 {
        return Err(Errno::Inval);
    }
    if set.iter().any(|v| v & !mask != 0) {
        return Err(Errno::Range);
    }
    Ok(Cond {
        arg: index as usize,
        mask,
        ne,
        values: set,
    })
}

/// A mask or a value: decimal, or hexadecimal after `0x`; `EINVAL` when
/// malformed, however long (as for call numbers), `ERANGE` for a number
/// past 2^64 - 1.
fn value(text: &str) -> Result<u64, Errno> {
    let (digits, radix) = match text.strip_prefix("0x") {
        Some(hex) => (hex, 16),
        None => (text, 10),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return Err(Errno::Inval);
    }
    u64::from_str_radix(digits, radix).map_err(|_| Errno::Range)
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
    /// Its conditions (section 11.8).
    pub(crate) conds: BTreeSet<Pair>,
}

impl Own {
    fn new() -> Own {
        Own {
            denied: Calls::empty(),
            log: false,
            action: ENOSYS,
            per_call: BTreeMap::new(),
            conds: BTreeSet::new(),
        }
    }

    /// Whether these rules deny call `nr` of `abi` made with `args`: by
    /// number, or by one of their conditions on it.
    fn denies(&self, abi: usize, nr: usize, args: Option<&[u64; 6]>) -> bool {
        self.denied.contains(abi, nr)
            || args.is_some_and(|args| {
                self.conds.iter().any(|((a, n), cond)| {
                    (*a, *n) == (abi, nr) && cond.denies(args[cond.arg], width(abi, nr, cond.arg))
                })
            })
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

    /// Every condition of `g`'s path, its own and its ancestors', each
    /// pair once: what a read of `syscalls.deny` prints after the set.
    pub(crate) fn effective_conds(&self, g: usize) -> BTreeSet<Pair> {
        let mut conds = BTreeSet::new();
        for c in self.path(g) {
            conds.extend(self.groups[c].all.conds.iter().cloned());
        }
        conds
    }

    /// A write to `g`'s `syscalls.allow` (`allow`) or `syscalls.deny`. An
    /// allow is checked against the parent's effective set, and its
    /// conditions against the ancestors' (whoever wrote them); it counts
    /// in both sets, and drops the cgroup's own conditions of the calls it
    /// names plainly as well as those it names. A deny counts in the
    /// administrators' only when one of them writes it, and fails with
    /// `ENOSPC` when everyone's rules would hold more than
    /// [`MAX_CONDITIONS`] conditions.
    pub(crate) fn write_rules(
        &mut self,
        g: usize,
        allow: bool,
        delegatee: bool,
        input: &[u8],
    ) -> Result<(), Errno> {
        let Write { calls, conds } = parse_rules(input)?;
        if allow {
            if let Some(p) = self.groups[g].parent {
                if self.effective(p).meets(&calls) {
                    return Err(Errno::Perm);
                }
                let above = self.effective_conds(p);
                if conds.iter().any(|pair| above.contains(pair)) {
                    return Err(Errno::Perm);
                }
            }
            let c = &mut self.groups[g];
            for own in [&mut c.all, &mut c.trusted] {
                own.denied.remove_all(&calls);
                own.conds
                    .retain(|pair| !calls.contains(pair.0 .0, pair.0 .1) && !conds.contains(pair));
            }
        } else {
            let c = &mut self.groups[g];
            if c.all.conds.union(&conds).count() > MAX_CONDITIONS {
                return Err(Errno::NoSpc);
            }
            c.all.denied.add_all(&calls);
            c.all.conds.extend(conds.iter().cloned());
            if !delegatee {
                c.trusted.denied.add_all(&calls);
                c.trusted.conds.extend(conds);
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

    /// What happens to call `nr` of `abi` in `g` (section 11.1) by the
    /// denies by number alone: a kill anywhere on the path, else the errno
    /// of the highest cgroup that enforces its deny, else a log, else it
    /// runs.
    pub(crate) fn fate(&self, g: usize, abi: usize, nr: usize) -> Fate {
        self.fate_by(g, abi, nr, None, |c| &c.all)
    }

    /// What happens to the call for a task judged by the administrators'
    /// rules alone (cgroup-v2-syscalls.rst, section 5), with their modes
    /// and actions.
    pub(crate) fn trusted_fate(&self, g: usize, abi: usize, nr: usize) -> Fate {
        self.fate_by(g, abi, nr, None, |c| &c.trusted)
    }

    /// What happens to the call made with arguments `args` (sections 11.1
    /// and 11.8): a level whose condition denies it is a level that denies
    /// it, with its mode and its action for the call; for a trusted task
    /// (`trusted`), by the administrators' rules alone.
    pub(crate) fn fate_with(
        &self,
        g: usize,
        abi: usize,
        nr: usize,
        args: &[u64; 6],
        trusted: bool,
    ) -> Fate {
        match trusted {
            false => self.fate_by(g, abi, nr, Some(args), |c| &c.all),
            true => self.fate_by(g, abi, nr, Some(args), |c| &c.trusted),
        }
    }

    fn fate_by(
        &self,
        g: usize,
        abi: usize,
        nr: usize,
        args: Option<&[u64; 6]>,
        rules: fn(&Cgroup) -> &Own,
    ) -> Fate {
        let deniers: Vec<&Own> = self
            .path(g)
            .into_iter()
            .map(|c| rules(&self.groups[c]))
            .filter(|own| own.denies(abi, nr, args))
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
