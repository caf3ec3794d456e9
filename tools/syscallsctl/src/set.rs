// SPDX-License-Identifier: GPL-2.0

//! Sets of system calls per ABI, the write grammar of `syscalls.deny` and
//! `syscalls.allow` (which also parses what their reads print), and the
//! exact item lists syscallsctl writes.

use std::fmt;

use crate::cond::{Cond, CondItem};
use crate::table::{self, Abi};

/// The most a single write may hold: the kernel takes one page per write.
pub const WRITE_MAX: usize = 4096;

/// A set of system calls: numbers of each ABI's table.
#[derive(Clone, PartialEq, Eq)]
pub struct SyscallSet {
    bits: [Vec<bool>; 2],
}

fn slot(abi: Abi) -> usize {
    match abi {
        Abi::X86_64 => 0,
        Abi::Ia32 => 1,
    }
}

impl SyscallSet {
    pub fn empty() -> Self {
        SyscallSet {
            bits: [
                vec![false; Abi::X86_64.size()],
                vec![false; Abi::Ia32.size()],
            ],
        }
    }

    /// Every number of every table, as `all` writes it (the calls outside
    /// the rules included: see [`SyscallSet::without_outside_rules`]).
    pub fn all() -> Self {
        let mut set = Self::empty();
        for b in &mut set.bits {
            b.fill(true);
        }
        set
    }

    pub fn insert(&mut self, abi: Abi, nr: usize) {
        self.bits[slot(abi)][nr] = true;
    }

    pub fn remove(&mut self, abi: Abi, nr: usize) {
        self.bits[slot(abi)][nr] = false;
    }

    pub fn contains(&self, abi: Abi, nr: usize) -> bool {
        self.bits[slot(abi)].get(nr).copied().unwrap_or(false)
    }

    /// The numbers of `abi` in the set, in order.
    pub fn iter(&self, abi: Abi) -> impl Iterator<Item = usize> + '_ {
        self.bits[slot(abi)]
            .iter()
            .enumerate()
            .filter(|(_, &b)| b)
            .map(|(nr, _)| nr)
    }

    pub fn len(&self) -> usize {
        self.bits.iter().flatten().filter(|&&b| b).count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn union(&self, other: &Self) -> Self {
        self.zip(other, |a, b| a || b)
    }

    pub fn minus(&self, other: &Self) -> Self {
        self.zip(other, |a, b| a && !b)
    }

    pub fn intersect(&self, other: &Self) -> Self {
        self.zip(other, |a, b| a && b)
    }

    pub fn complement(&self) -> Self {
        Self::all().minus(self)
    }

    fn zip(&self, other: &Self, f: impl Fn(bool, bool) -> bool) -> Self {
        let mut out = self.clone();
        for (o, b) in out.bits.iter_mut().zip(&other.bits) {
            for (x, &y) in o.iter_mut().zip(b) {
                *x = f(*x, y);
            }
        }
        out
    }

    /// The set less the calls no rule names, as the kernel would hold it.
    pub fn without_outside_rules(&self) -> Self {
        let mut out = self.clone();
        for abi in Abi::ALL {
            for nr in self.iter(abi) {
                if table::outside_rules(abi, nr) {
                    out.remove(abi, nr);
                }
            }
        }
        out
    }

    /// Maximal runs `(lo, hi)` of `abi` numbers in the set.
    pub fn ranges(&self, abi: Abi) -> Vec<(usize, usize)> {
        let mut out: Vec<(usize, usize)> = Vec::new();
        for nr in self.iter(abi) {
            match out.last_mut() {
                Some((_, hi)) if *hi + 1 == nr => *hi = nr,
                _ => out.push((nr, nr)),
            }
        }
        out
    }

    /// Items naming exactly this set, each behind its ABI prefix, so that
    /// no namesake rule widens them: `x86_64:0-3`, `ia32:39`.
    pub fn exact_items(&self) -> Vec<String> {
        let mut items = Vec::new();
        for abi in Abi::ALL {
            for (lo, hi) in self.ranges(abi) {
                items.push(match lo == hi {
                    true => format!("{}:{lo}", abi.prefix()),
                    false => format!("{}:{lo}-{hi}", abi.prefix()),
                });
            }
        }
        items
    }

    /// Items naming exactly this set by name where the tables allow: a bare
    /// name for a call of both ABIs (or of the only table that has it), a
    /// prefixed name for one ABI's, a prefixed number for a hole:
    /// `clone3`, `x86_64:mkdir`, `ia32:socketcall`.
    pub fn named_items(&self) -> Vec<String> {
        let mut items = Vec::new();
        let mut done = Self::empty();
        let named = |abi: Abi, nr: usize| abi.name(nr).filter(|n| abi.lookup(n) == Some(nr));
        for nr in self.iter(Abi::X86_64) {
            let Some(name) = named(Abi::X86_64, nr) else {
                items.push(format!("x86_64:{nr}"));
                continue;
            };
            match Abi::Ia32.lookup(name) {
                None => items.push(name.to_string()),
                Some(m) if self.contains(Abi::Ia32, m) => {
                    done.insert(Abi::Ia32, m);
                    items.push(name.to_string());
                }
                Some(_) => items.push(format!("x86_64:{name}")),
            }
        }
        for nr in self
            .iter(Abi::Ia32)
            .filter(|&nr| !done.contains(Abi::Ia32, nr))
        {
            match named(Abi::Ia32, nr) {
                Some(name) => items.push(format!("ia32:{name}")),
                None => items.push(format!("ia32:{nr}")),
            }
        }
        items
    }

    /// Parses a list in the write grammar without conditions (what
    /// `syscalls.used` and the call lists of `syscalls.action` hold).
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut set = Self::empty();
        for item in split_items(text) {
            if item.contains('(') {
                return Err(format!("`{item}`: no argument condition is taken here"));
            }
            parse_item(item, &mut set)?;
        }
        Ok(set)
    }
}

/// The items of a list: separated by commas or white space.
fn split_items(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c == ',' || c.is_ascii_whitespace() || c == '\x0b')
        .filter(|s| !s.is_empty())
}

/// What a list in the write grammar names: calls by number, and argument
/// conditions on calls (`socket(arg0=38|40)`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Items {
    pub set: SyscallSet,
    /// One a call of one ABI, in the kernel's order, without duplicates.
    pub conds: Vec<CondItem>,
}

impl Items {
    /// Parses a list in the write grammar, conditions included (and so
    /// every read of `syscalls.deny`).
    pub fn parse(text: &str) -> Result<Items, String> {
        let mut set = SyscallSet::empty();
        let mut conds = Vec::new();
        for item in split_items(text) {
            match item.split_once('(') {
                Some((target, rest)) => conds.extend(parse_cond_item(item, target, rest)?),
                None => parse_item(item, &mut set)?,
            }
        }
        crate::cond::normalize(&mut conds);
        Ok(Items { set, conds })
    }
}

/// A call with a condition, `target(rest`: the calls of `target` (a name or
/// a number, as without the condition; never a range or `all`), each with
/// the condition.
fn parse_cond_item(item: &str, target: &str, rest: &str) -> Result<Vec<CondItem>, String> {
    let inner = rest
        .strip_suffix(')')
        .ok_or_else(|| format!("`{item}`: a condition ends with `)`"))?;
    let cond = Cond::parse(inner).map_err(|e| format!("`{item}`: {e}"))?;
    let body = target.rsplit(':').next().unwrap_or(target);
    if body == "all" || body.contains('-') || body.is_empty() {
        return Err(format!(
            "`{item}`: a condition goes on a name or a number, not on a range or all"
        ));
    }
    let mut calls = SyscallSet::empty();
    parse_item(target, &mut calls)?;
    let mut out = Vec::new();
    for abi in Abi::ALL {
        for nr in calls.iter(abi) {
            if table::outside_rules(abi, nr) {
                return Err(format!(
                    "`{item}`: {} is always allowed and takes no condition",
                    abi.name(nr).unwrap_or("the call")
                ));
            }
            out.push(CondItem {
                abi,
                nr,
                cond: cond.clone(),
            });
        }
    }
    Ok(out)
}

impl fmt::Debug for SyscallSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{{}}}", self.exact_items().join(","))
    }
}

fn parse_item(item: &str, set: &mut SyscallSet) -> Result<(), String> {
    let (abi, body) = match item.split_once(':') {
        Some((prefix, body)) => {
            let abi = Abi::from_prefix(prefix).ok_or_else(|| {
                format!("`{item}`: unknown ABI prefix `{prefix}:` (x86_64: or ia32:)")
            })?;
            (Some(abi), body)
        }
        None => (None, item),
    };
    if body.is_empty() {
        return Err(format!("`{item}`: a prefix without an item"));
    }
    if body == "all" {
        for a in Abi::ALL {
            if abi.is_none_or(|abi| abi == a) {
                (0..a.size()).for_each(|nr| set.insert(a, nr));
            }
        }
        return Ok(());
    }
    if body.as_bytes()[0].is_ascii_digit() {
        let numbers_abi = abi.unwrap_or(Abi::X86_64);
        let (lo, hi) = body.split_once('-').unwrap_or((body, body));
        let lo = parse_number(item, lo, numbers_abi)?;
        let hi = parse_number(item, hi, numbers_abi)?;
        if lo > hi {
            return Err(format!("`{item}`: a range must not run backwards"));
        }
        for nr in lo..=hi {
            set.insert(numbers_abi, nr);
            if abi.is_none() {
                if let Some(m) = table::ia32_namesake(nr) {
                    set.insert(Abi::Ia32, m);
                }
            }
        }
        return Ok(());
    }
    let mut found = false;
    for a in Abi::ALL {
        if abi.is_none_or(|abi| abi == a) {
            if let Some(nr) = a.lookup(body) {
                set.insert(a, nr);
                found = true;
            }
        }
    }
    match found {
        true => Ok(()),
        false => Err(format!(
            "`{item}`: no such system call in the {} table of Linux {}",
            abi.map_or("x86_64 or ia32", Abi::prefix),
            table::TABLES_KERNEL
        )),
    }
}

fn parse_number(item: &str, digits: &str, abi: Abi) -> Result<usize, String> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("`{item}`: not a decimal number or range"));
    }
    match digits.parse::<usize>() {
        Ok(nr) if nr < abi.size() => Ok(nr),
        _ => Err(format!(
            "`{item}`: past the {} table ({} entries)",
            abi.prefix(),
            abi.size()
        )),
    }
}

/// Joins `items` into writes of at most [`WRITE_MAX`] bytes each, cut
/// between items.
pub fn chunk(items: &[String]) -> Vec<String> {
    chunk_within(items, WRITE_MAX)
}

/// Joins `items` into writes of less than `max` bytes each, cut between
/// items.
pub fn chunk_within(items: &[String], max: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    for item in items {
        if !cur.is_empty() && cur.len() + 1 + item.len() + 1 > max {
            out.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(',');
        }
        cur.push_str(item);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

#[cfg(test)]
#[path = "set_tests.rs"]
mod tests;
