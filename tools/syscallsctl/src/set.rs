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
mod tests {
    use super::*;

    fn set(text: &str) -> SyscallSet {
        SyscallSet::parse(text).unwrap()
    }

    #[test]
    fn parses_the_read_format() {
        let s = set("0-3,83 ia32:3-6,ia32:39\n");
        assert_eq!(s.iter(Abi::X86_64).collect::<Vec<_>>(), [0, 1, 2, 3, 83]);
        assert!(s.contains(Abi::Ia32, 39) && s.contains(Abi::Ia32, 3));
        // Bare x86_64 numbers reach their ia32 namesakes (read 0 -> ia32 3).
        assert_eq!(set("83"), set("mkdir"));
        assert_eq!(set("x86_64:0-3,x86_64:83 ia32:3-6").len(), 9);
        assert!(set("").is_empty() && set("\n").is_empty());
    }

    #[test]
    fn names_prefixes_and_all() {
        assert_eq!(set("ia32:socketcall").exact_items(), ["ia32:102"]);
        assert_eq!(set("mkdir").exact_items(), ["x86_64:83", "ia32:39"]);
        assert_eq!(set("x86_64:mkdir").exact_items(), ["x86_64:83"]);
        assert_eq!(set("all"), SyscallSet::all());
        // All of the table: 0 to its last number (472 on 7.3).
        let last = Abi::Ia32.size() - 1;
        assert_eq!(set("ia32:all").exact_items(), [format!("ia32:0-{last}")]);
    }

    #[test]
    fn errors_name_the_item() {
        let e = |t: &str| SyscallSet::parse(t).unwrap_err();
        assert!(e("bogus").contains("`bogus`: no such system call"));
        // The first number past the table (473 on 7.3).
        let n = Abi::X86_64.size();
        assert!(e(&n.to_string()).contains(&format!("past the x86_64 table ({n} entries)")));
        assert!(SyscallSet::parse(&(n - 1).to_string()).is_ok());
        assert!(e("5-3").contains("backwards"));
        assert!(e("x32:1").contains("unknown ABI prefix"));
        assert!(e("ia32:").contains("prefix without an item"));
        assert!(e("0x10").contains("not a decimal"));
        assert!(e("99999999999999999999999").contains("past the"));
    }

    #[test]
    fn exact_items_round_trip() {
        let s = set("x86_64:0-3,x86_64:83 ia32:3-6");
        assert_eq!(set(&s.exact_items().join(",")), s);
        let c = s.complement();
        assert_eq!(c.union(&s), SyscallSet::all());
        assert!(c.intersect(&s).is_empty());
    }

    #[test]
    fn outside_rules_are_dropped() {
        let s = set("all").without_outside_rules();
        assert!(!s.contains(Abi::X86_64, 60) && !s.contains(Abi::Ia32, 0));
        // Every entry of both tables (473 each on 7.3), holes included,
        // but x86_64's 4 calls outside the rules and ia32's 5.
        assert_eq!(s.len(), Abi::X86_64.size() + Abi::Ia32.size() - 4 - 5);
    }

    #[test]
    fn named_items_name_the_set_exactly() {
        for text in [
            "clone3",
            "x86_64:mkdir",
            "ia32:socketcall,ia32:mkdir",
            "mkdir,ia32:socketcall,arch_prctl",
            // x86_64:337 is a hole (as 336 was on 6.12; on 7.3 it is uprobe).
            "x86_64:337,ia32:400-402,read",
            "all",
        ] {
            let s = set(text);
            assert_eq!(set(&s.named_items().join(",")), s, "{text}");
        }
        assert_eq!(set("clone3").named_items(), ["clone3"]);
        assert_eq!(
            set("mkdir,x86_64:read,ia32:socketcall").named_items(),
            ["x86_64:read", "mkdir", "ia32:socketcall"]
        );
    }

    #[test]
    fn conditions_in_writes_and_reads() {
        let i = Items::parse("mkdir socket(arg0=40|38)").unwrap();
        assert_eq!(i.set, set("mkdir"));
        let shown: Vec<String> = i.conds.iter().map(|c| c.to_string()).collect();
        assert_eq!(shown, ["x86_64:41(arg0=38|40)", "ia32:359(arg0=38|40)"]);
        // The kernel's read gives the same back.
        let read = "83 ia32:39 x86_64:41(arg0=38|40) ia32:359(arg0=38|40)\n";
        assert_eq!(Items::parse(read).unwrap(), i);
        // A bare number reaches its ia32 namesake, a prefix one ABI only.
        assert_eq!(Items::parse("41(arg0=38|40)").unwrap().conds, i.conds);
        assert_eq!(Items::parse("ia32:socket(arg0=1)").unwrap().conds.len(), 1);
        // Only a read with conditions at its start and nothing else.
        let only = Items::parse("x86_64:56(arg0&0x7e020000!=0)").unwrap();
        assert!(only.set.is_empty() && only.conds.len() == 1);
        let e = |t: &str| Items::parse(t).unwrap_err();
        assert!(e("0-3(arg0=1)").contains("not on a range or all"));
        assert!(e("all(arg0=1)").contains("not on a range or all"));
        assert!(e("exit(arg0=1)").contains("always allowed"));
        assert!(e("socket(arg0=1").contains("ends with `)`"));
        assert!(e("socket(arg9=1)").contains("arg0 to arg5"));
        assert!(e("bogus(arg0=1)").contains("no such system call"));
        // Where no condition belongs, it is refused.
        assert!(SyscallSet::parse("socket(arg0=1)")
            .unwrap_err()
            .contains("no argument condition is taken here"));
    }

    #[test]
    fn chunks_stay_within_a_page() {
        let items: Vec<String> = (0..2000).map(|n| format!("x86_64:{n}")).collect();
        let chunks = chunk(&items);
        assert!(chunks.len() > 1);
        assert!(chunks.iter().all(|c| c.len() < WRITE_MAX));
        assert_eq!(chunks.join(",").split(',').count(), 2000);
        assert!(chunk(&[]).is_empty());
    }
}
