// SPDX-License-Identifier: GPL-2.0

//! The grammar of the controller's writes: `syscalls.allow` and
//! `syscalls.deny` below, and the one-word settings, `syscalls.action` and
//! `syscalls.policy`. What reads print is in [`crate::format`].
//!
//! A write is a list of items separated by commas or white space. An item is
//! a number (`83`), a range (`0-99`), a name (`mkdir`) or `all`, each
//! optionally behind an ABI prefix (`ia32:39`, `x86_64:0-10`). Without a
//! prefix, a number is an x86_64 number and reaches its namesakes in the
//! other ABIs, and a name reaches every ABI whose table has it.
//!
//! A read prints the x86_64 part in the kernel's bitmap list format, then
//! the ia32 items, each behind its prefix: `0-3,83 ia32:3-6,ia32:39`. When
//! bare x86_64 numbers would pull in ia32 calls that are not in the set,
//! the x86_64 items carry their `x86_64:` prefix too, so that whatever is
//! read can be written back and gives the same set.

use core::fmt::{self, Write};

use kernel::prelude::*;

use crate::abi::Abi;
use crate::action::{Action, Arm, Mode, MAX_ERRNO};
use crate::cond::{Condition, Sense, MAX_VALUES};
use crate::format::{write_conditions, write_set};
use crate::names;
use crate::set::SyscallSet;

/// A parsed write to `syscalls.deny` or `syscalls.allow`: the calls it
/// names plainly, and the conditions it puts on calls.
pub(crate) struct Request {
    /// The calls named without a condition.
    pub(crate) calls: SyscallSet,
    /// The conditions it puts on calls, each with the bit of its call, in
    /// the order written (a pair may come twice); empty for plain writes,
    /// which allocate nothing.
    pub(crate) conditions: KVec<(usize, Condition)>,
}

impl Request {
    /// The conditions it puts on calls.
    pub(crate) fn conditions(&self) -> &[(usize, Condition)] {
        &self.conditions
    }
}

impl fmt::Debug for Request {
    /// The read format, as KUnit messages show a request.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_set(f, &self.calls)?;
        if !self.conditions.is_empty() {
            f.write_char(' ')?;
            write_conditions(f, self.conditions.iter().map(|(bit, cond)| (*bit, cond)))?;
        }
        Ok(())
    }
}

/// Parses a whole write into the set of calls it names, refusing
/// conditions (`EINVAL`): the grammar of the call lists of
/// `syscalls.action`.
pub(crate) fn parse(input: &[u8]) -> Result<SyscallSet> {
    parse_items(input, false).map(|request| request.calls)
}

/// Parses a whole write to `syscalls.deny` or `syscalls.allow`: the calls
/// it names, and those it names with a condition.
///
/// The first bad item decides the error: `EINVAL` for bad syntax and unknown
/// names or prefixes, `ERANGE` for a number past its table or too large for
/// any table. The calls of [`names::outside_rules`] are never in the result,
/// and take no condition. A blank write gives the empty set.
pub(crate) fn parse_rules(input: &[u8]) -> Result<Request> {
    parse_items(input, true)
}

/// Parses a list of items, with conditions where `conditional` says so
/// (`EINVAL` for an item with one where it does not).
fn parse_items(input: &[u8], conditional: bool) -> Result<Request> {
    let mut set = SyscallSet::EMPTY;
    let mut conditions = KVec::new();
    // Whether the last thing seen was an item (and not a comma).
    let mut after_item = false;
    // Whether a comma is waiting for the item that must follow it.
    let mut open_comma = false;
    let mut rest = input;
    loop {
        rest = skip_space(rest);
        match rest.first() {
            None => break,
            Some(b',') => {
                if !after_item {
                    return Err(EINVAL);
                }
                after_item = false;
                open_comma = true;
                rest = &rest[1..];
            }
            Some(_) => {
                let len = rest
                    .iter()
                    .position(|&b| b == b',' || is_space(b))
                    .unwrap_or(rest.len());
                let item = &rest[..len];
                match item.iter().position(|&b| b == b'(') {
                    None => parse_item(item, &mut set)?,
                    Some(_) if !conditional => return Err(EINVAL),
                    Some(open) => {
                        let (calls, cond) = parse_conditional(&item[..open], &item[open..])?;
                        for bit in calls.bits() {
                            conditions.push((bit, cond), GFP_KERNEL_ACCOUNT)?;
                        }
                    }
                }
                after_item = true;
                open_comma = false;
                rest = &rest[len..];
            }
        }
    }
    if open_comma {
        return Err(EINVAL);
    }
    set.subtract(&names::outside_rules());
    Ok(Request {
        calls: set,
        conditions,
    })
}

/// Parses an item with a condition: `target` is a name or a number, with
/// an optional ABI prefix (no range, no `all`), `cond` the condition in
/// parentheses: `(arg0&0xff=38|40)`, `(arg0!=0)`.
fn parse_conditional(target: &[u8], cond: &[u8]) -> Result<(SyscallSet, Condition)> {
    let body = match target.iter().position(|&b| b == b':') {
        Some(colon) => &target[colon + 1..],
        None => target,
    };
    if body == b"all" || body.contains(&b'-') {
        return Err(EINVAL);
    }
    let mut calls = SyscallSet::EMPTY;
    parse_item(target, &mut calls)?;
    if calls.intersects(&names::outside_rules()) {
        return Err(EINVAL);
    }
    let inner = cond
        .strip_prefix(b"(")
        .and_then(|c| c.strip_suffix(b")"))
        .and_then(|c| c.strip_prefix(b"arg"))
        .ok_or(EINVAL)?;
    let (&digit, rest) = inner.split_first().ok_or(EINVAL)?;
    if !digit.is_ascii_digit() {
        return Err(EINVAL);
    }
    let arg = usize::from(digit - b'0');
    let eq = rest.iter().position(|&b| b == b'=').ok_or(EINVAL)?;
    let (lhs, values) = (&rest[..eq], &rest[eq + 1..]);
    let (lhs, sense) = match lhs.strip_suffix(b"!") {
        Some(lhs) => (lhs, Sense::NotIn),
        None => (lhs, Sense::In),
    };
    let mask = match lhs {
        b"" => u64::MAX,
        _ => parse_value(lhs.strip_prefix(b"&").ok_or(EINVAL)?)?,
    };
    let mut parsed = [0u64; MAX_VALUES];
    let mut len = 0;
    for value in values.split(|&b| b == b'|') {
        let value = parse_value(value)?;
        if len == MAX_VALUES {
            return Err(EINVAL);
        }
        parsed[len] = value;
        len += 1;
    }
    Ok((calls, Condition::new(arg, mask, sense, &parsed[..len])?))
}

/// Parses an argument value or mask: decimal, or hexadecimal after `0x`,
/// up to 2^64 - 1 (`ERANGE` past it).
fn parse_value(text: &[u8]) -> Result<u64> {
    let (digits, radix) = match text.strip_prefix(b"0x") {
        Some(hex) => (hex, 16),
        None => (text, 10),
    };
    // Malformed before too large: every digit is checked first.
    if digits.is_empty() || !digits.iter().all(|&d| char::from(d).is_digit(radix)) {
        return Err(EINVAL);
    }
    let mut value: u64 = 0;
    for &d in digits {
        let digit = char::from(d).to_digit(radix).ok_or(EINVAL)?;
        value = value
            .checked_mul(u64::from(radix))
            .and_then(|v| v.checked_add(u64::from(digit)))
            .ok_or(ERANGE)?;
    }
    Ok(value)
}

/// White space as the kernel's `isspace()` has it, vertical tab included.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

fn skip_space(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|&&b| is_space(b)).count();
    &s[n..]
}

/// Adds one item (no separators in it) to `set`.
fn parse_item(item: &[u8], set: &mut SyscallSet) -> Result {
    let (abi, body) = match item.iter().position(|&b| b == b':') {
        Some(colon) => {
            let abi = Abi::ALL
                .into_iter()
                .find(|abi| abi.prefix().as_bytes() == &item[..colon])
                .ok_or(EINVAL)?;
            (Some(abi), &item[colon + 1..])
        }
        None => (None, item),
    };
    if body.is_empty() {
        return Err(EINVAL);
    }

    if body == b"all" {
        match abi {
            Some(abi) => set.insert_range(abi, 0, abi.size() - 1),
            None => set.union_with(&SyscallSet::all()),
        }
        return Ok(());
    }

    if body[0].is_ascii_digit() {
        let (lo, hi) = match body.iter().position(|&b| b == b'-') {
            Some(dash) => (&body[..dash], &body[dash + 1..]),
            None => (body, body),
        };
        let numbers_abi = abi.unwrap_or(Abi::X86_64);
        let lo = parse_number(lo, numbers_abi)?;
        let hi = parse_number(hi, numbers_abi)?;
        if lo > hi {
            return Err(EINVAL);
        }
        for nr in lo..=hi {
            match abi {
                Some(abi) => set.insert(abi, nr),
                None => names::insert_x86_64_everywhere(set, nr),
            }
        }
        return Ok(());
    }

    let name = core::str::from_utf8(body).map_err(|_| EINVAL)?;
    if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Err(EINVAL);
    }
    let found = match abi {
        Some(abi) => names::lookup(abi, name)
            .map(|nr| set.insert(abi, nr))
            .is_some(),
        None => names::insert_name_everywhere(set, name),
    };
    if found {
        Ok(())
    } else {
        Err(EINVAL)
    }
}

/// Parses a decimal number of `abi`'s table.
fn parse_number(digits: &[u8], abi: Abi) -> Result<usize> {
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(EINVAL);
    }
    let mut value: usize = 0;
    for &d in digits {
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(usize::from(d - b'0')))
            .ok_or(ERANGE)?;
    }
    if value >= abi.size() {
        return Err(ERANGE);
    }
    Ok(value)
}

/// The words of a one-value write, between white space.
fn words(input: &[u8]) -> impl Iterator<Item = &[u8]> {
    input.split(|&b| is_space(b)).filter(|w| !w.is_empty())
}

/// The one word of a write, or `EINVAL`.
fn one_word(input: &[u8]) -> Result<&[u8]> {
    let mut it = words(input);
    match (it.next(), it.next()) {
        (Some(word), None) => Ok(word),
        _ => Err(EINVAL),
    }
}

/// Parses a write to `syscalls.mode`.
pub(crate) fn parse_mode(input: &[u8]) -> Result<Mode> {
    match one_word(input)? {
        b"enforce" => Ok(Mode::Enforce),
        b"log" => Ok(Mode::Log),
        _ => Err(EINVAL),
    }
}

/// A write to `syscalls.action`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ActionWrite {
    /// `ACTION`: the action of every denied call without one of its own.
    Default(Action),
    /// `ACTION CALLS`: the action of those calls; `default CALLS` (`None`)
    /// gives them the default one again.
    Calls(Option<Action>, SyscallSet),
}

/// The first word of `input` and what follows it, white space skipped.
fn split_word(input: &[u8]) -> Option<(&[u8], &[u8])> {
    let rest = skip_space(input);
    let len = rest.iter().position(|&b| is_space(b)).unwrap_or(rest.len());
    (len > 0).then(|| (&rest[..len], &rest[len..]))
}

/// Parses an action at the start of `input`: `kill` or `errno E`; the
/// action and what follows it.
fn parse_action_words(input: &[u8]) -> Result<(Action, &[u8])> {
    match split_word(input) {
        Some((b"kill", rest)) => Ok((Action::Kill, rest)),
        Some((b"errno", rest)) => {
            let (errno, rest) = split_word(rest).ok_or(EINVAL)?;
            Ok((Action::Errno(parse_errno(errno)?), rest))
        }
        _ => Err(EINVAL),
    }
}

/// Parses a write to `syscalls.action`: an action, alone or followed by
/// calls in the grammar of `syscalls.deny`, or `default` and calls.
pub(crate) fn parse_action_write(input: &[u8]) -> Result<ActionWrite> {
    let (action, rest) = match split_word(input) {
        Some((b"default", rest)) => (None, rest),
        _ => {
            let (action, rest) = parse_action_words(input)?;
            (Some(action), rest)
        }
    };
    match (action, skip_space(rest).is_empty()) {
        (Some(action), true) => Ok(ActionWrite::Default(action)),
        (None, true) => Err(EINVAL),
        (action, false) => Ok(ActionWrite::Calls(action, parse(rest)?)),
    }
}

/// An errno by name or decimal number, 1 to `MAX_ERRNO`, but for the
/// kernel's internal restart codes ([`RESTART_ERRNOS`]).
fn parse_errno(word: &[u8]) -> Result<u16> {
    if word.iter().all(u8::is_ascii_digit) {
        // At most four digits: anything longer is out of range anyway.
        if word.len() > 4 {
            return Err(EINVAL);
        }
        let value = word.iter().fold(0u16, |v, &d| v * 10 + u16::from(d - b'0'));
        return if (1..=MAX_ERRNO).contains(&value) && !RESTART_ERRNOS.contains(&value) {
            Ok(value)
        } else {
            Err(EINVAL)
        };
    }
    core::str::from_utf8(word)
        .ok()
        .and_then(names::errno_lookup)
        .ok_or(EINVAL)
}

/// The kernel's internal codes of `<linux/errno.h>` that the issue of a
/// call must never return: `ERESTARTSYS` (512) to `EIOCBQUEUED` (529). The
/// restart codes make the signal code restart the call; the others are
/// numbers the C library does not know.
pub(crate) const RESTART_ERRNOS: core::ops::RangeInclusive<u16> = 512..=529;

/// Parses a write to `syscalls.learn`.
pub(crate) fn parse_switch(input: &[u8]) -> Result<bool> {
    match one_word(input)? {
        b"0" => Ok(false),
        b"1" => Ok(true),
        _ => Err(EINVAL),
    }
}

/// A line of a write to `syscalls.policy`.
#[derive(Debug)]
pub(crate) enum PolicyLine {
    /// `deny CALLS`: as a write to `syscalls.deny`.
    Deny(Request),
    /// `allow CALLS`: as a write to `syscalls.allow`.
    Allow(Request),
    /// `mode MODE`: as a write to `syscalls.mode`.
    Mode(Mode),
    /// `action ...`: as a write to `syscalls.action`.
    Action(ActionWrite),
}

/// Parses a write to `syscalls.policy`, a cgroup's whole own policy: one
/// rule a line (`deny CALLS`, `allow CALLS`, `mode MODE`, `action ...`, each
/// in its own file's grammar), blank lines skipped. Calls `apply` on each
/// line in order, and stops at the first error, of the parse or of
/// `apply`: the first bad line decides (`EINVAL`, `ERANGE`).
pub(crate) fn parse_policy(input: &[u8], mut apply: impl FnMut(&PolicyLine) -> Result) -> Result {
    for line in input.split(|&b| b == b'\n') {
        let Some((keyword, rest)) = split_word(line) else {
            continue;
        };
        let line = match keyword {
            b"deny" => PolicyLine::Deny(parse_rules(rest)?),
            b"allow" => PolicyLine::Allow(parse_rules(rest)?),
            b"mode" => PolicyLine::Mode(parse_mode(rest)?),
            b"action" => PolicyLine::Action(parse_action_write(rest)?),
            _ => return Err(EINVAL),
        };
        apply(&line)?;
    }
    Ok(())
}

/// Parses a write to `syscalls.arm`.
pub(crate) fn parse_arm(input: &[u8]) -> Result<Arm> {
    match one_word(input)? {
        b"inherit" => Ok(Arm::Inherit),
        b"now" => Ok(Arm::Now),
        b"exec" => Ok(Arm::Exec),
        _ => Err(EINVAL),
    }
}
