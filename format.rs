// SPDX-License-Identifier: GPL-2.0

//! The read format of the controller's files: what each read prints, and
//! the writers of sets, calls and conditions that the log line and KUnit
//! messages share. Whatever a read of `syscalls.allow`, `syscalls.deny`,
//! `syscalls.action` or `syscalls.policy` prints can be written back (see
//! [`crate::grammar`]) and gives the same rules.

use core::fmt::{self, Write};

use kernel::prelude::*;

use crate::abi::Abi;
use crate::action::{Action, Arm, Mode, Overrides};
use crate::cond::{Condition, Conditions, Sense};
use crate::judge::Test;
use crate::names;
use crate::set::SyscallSet;

/// Writes conditions in the read format, each an item behind its ABI's
/// prefix, separated by spaces: `x86_64:41(arg0=38|40) ia32:359(arg0=38|40)`.
/// A pair that comes again (two levels wrote it) is written once.
pub(crate) fn write_conditions<'a>(
    out: &mut impl Write,
    conds: impl Iterator<Item = (usize, &'a Condition)> + Clone,
) -> fmt::Result {
    let mut first = true;
    for (i, (bit, cond)) in conds.clone().enumerate() {
        if conds.clone().take(i).any(|(b, c)| b == bit && c == cond) {
            continue;
        }
        let Some((abi, nr)) = Abi::of_bit(bit) else {
            continue;
        };
        if !first {
            out.write_char(' ')?;
        }
        first = false;
        write!(out, "{}:{nr}(arg{}", abi.prefix(), cond.arg())?;
        if cond.mask() != u64::MAX {
            write!(out, "&{:#x}", cond.mask())?;
        }
        out.write_str(match cond.sense() {
            Sense::In => "=",
            Sense::NotIn => "!=",
        })?;
        for (j, value) in cond.values().iter().enumerate() {
            if j != 0 {
                out.write_char('|')?;
            }
            write!(out, "{value}")?;
        }
        out.write_char(')')?;
    }
    Ok(())
}

impl fmt::Debug for SyscallSet {
    /// The read format, as KUnit messages show a set.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_set(f, self)
    }
}

/// Writes `set` in the read format, without a trailing newline.
pub(crate) fn write_set(out: &mut impl Write, set: &SyscallSet) -> fmt::Result {
    let bare_x86_64 = names::closed_under_namesakes(set);
    let mut first_item = true;
    for abi in Abi::ALL {
        let prefixed = abi != Abi::X86_64 || !bare_x86_64;
        let mut first_in_abi = true;
        for (lo, hi) in set.ranges(abi) {
            if first_in_abi && !first_item {
                out.write_char(' ')?;
            } else if !first_in_abi {
                out.write_char(',')?;
            }
            if prefixed {
                write!(out, "{}:", abi.prefix())?;
            }
            if lo == hi {
                write!(out, "{lo}")?;
            } else {
                write!(out, "{lo}-{hi}")?;
            }
            first_in_abi = false;
            first_item = false;
        }
    }
    Ok(())
}

/// A growable text buffer for reads, on the kernel heap.
pub(crate) struct TextBuf {
    /// The text written so far.
    pub(crate) bytes: KVec<u8>,
}

impl Write for TextBuf {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.bytes
            .extend_from_slice(s.as_bytes(), GFP_KERNEL_ACCOUNT)
            .map_err(|_| fmt::Error)
    }
}

/// Formats `set` as a read prints it, newline included.
pub(crate) fn set(set: &SyscallSet) -> Result<KVec<u8>> {
    denied(set, [].iter())
}

/// What a read of `syscalls.deny` prints: the effective set, then the
/// conditions of `tests` (see [`write_conditions`]), newline included.
pub(crate) fn denied(set: &SyscallSet, tests: core::slice::Iter<'_, Test>) -> Result<KVec<u8>> {
    let mut buf = TextBuf { bytes: KVec::new() };
    write_set(&mut buf, set).map_err(|_| ENOMEM)?;
    let conds = tests.map(|t| (usize::from(t.bit), &t.cond));
    if conds.len() != 0 {
        if !set.is_empty() {
            buf.write_char(' ').map_err(|_| ENOMEM)?;
        }
        write_conditions(&mut buf, conds).map_err(|_| ENOMEM)?;
    }
    buf.bytes.push(b'\n', GFP_KERNEL_ACCOUNT)?;
    Ok(buf.bytes)
}

/// What a read of `syscalls.policy` prints: the cgroup's own denies, its
/// conditions (a second `deny` line, when it has any), mode and actions as
/// lines that, written back, give the same policy.
pub(crate) fn policy(
    denied: &SyscallSet,
    conditions: &Conditions,
    mode: Mode,
    action: Action,
    overrides: &Overrides,
) -> Result<KVec<u8>> {
    let mut buf = TextBuf { bytes: KVec::new() };
    let mut write = || -> fmt::Result {
        buf.write_str("deny")?;
        if !denied.is_empty() {
            buf.write_char(' ')?;
            write_set(&mut buf, denied)?;
        }
        if !conditions.is_empty() {
            buf.write_str("\ndeny ")?;
            write_conditions(&mut buf, conditions.iter())?;
        }
        writeln!(buf, "\nmode {}", mode_name(mode))?;
        write_actions(&mut buf, "action ", action, overrides)
    };
    write().map_err(|_| ENOMEM)?;
    Ok(buf.bytes)
}

/// What a read of `syscalls.arm` prints.
pub(crate) fn arm(arm: Arm) -> Result<KVec<u8>> {
    text(format_args!(
        "{}\n",
        match arm {
            Arm::Inherit => "inherit",
            Arm::Now => "now",
            Arm::Exec => "exec",
        }
    ))
}

/// What a read of `syscalls.unarmed` prints: a thread ID a line.
pub(crate) fn ids(ids: impl Iterator<Item = i32>) -> Result<KVec<u8>> {
    let mut buf = TextBuf { bytes: KVec::new() };
    for id in ids {
        writeln!(buf, "{id}").map_err(|_| ENOMEM)?;
    }
    Ok(buf.bytes)
}

/// Formats `args` as a read prints them.
fn text(args: fmt::Arguments<'_>) -> Result<KVec<u8>> {
    let mut buf = TextBuf { bytes: KVec::new() };
    buf.write_fmt(args).map_err(|_| ENOMEM)?;
    Ok(buf.bytes)
}

/// What a read of `syscalls.mode` prints.
pub(crate) fn mode(mode: Mode) -> Result<KVec<u8>> {
    text(format_args!("{}\n", mode_name(mode)))
}

/// `mode` as `syscalls.mode` reads and takes it.
fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Enforce => "enforce",
        Mode::Log => "log",
    }
}

/// Writes `action` as `syscalls.action` reads: the errno by name when it
/// has one.
fn write_action(out: &mut impl Write, action: Action) -> fmt::Result {
    match action {
        Action::Kill => out.write_str("kill"),
        Action::Errno(errno) => match names::errno_name(errno) {
            Some(name) => write!(out, "errno {name}"),
            None => write!(out, "errno {errno}"),
        },
    }
}

/// What a read of `syscalls.action` prints: the default action, then a line
/// `ACTION CALLS` for each action set for particular calls.
pub(crate) fn actions(action: Action, overrides: &Overrides) -> Result<KVec<u8>> {
    let mut buf = TextBuf { bytes: KVec::new() };
    write_actions(&mut buf, "", action, overrides).map_err(|_| ENOMEM)?;
    Ok(buf.bytes)
}

/// Writes the default action, then `ACTION CALLS` for each action set for
/// particular calls, a line each, every line behind `prefix`.
fn write_actions(
    out: &mut impl Write,
    prefix: &str,
    action: Action,
    overrides: &Overrides,
) -> fmt::Result {
    out.write_str(prefix)?;
    write_action(out, action)?;
    out.write_char('\n')?;
    for &(action, ref calls) in overrides.iter() {
        out.write_str(prefix)?;
        write_action(out, action)?;
        out.write_char(' ')?;
        write_set(out, calls)?;
        out.write_char('\n')?;
    }
    Ok(())
}

/// What a read of `syscalls.learn` prints.
pub(crate) fn switch(on: bool) -> Result<KVec<u8>> {
    text(format_args!("{}\n", u8::from(on)))
}

/// What a read of `syscalls.events` or `syscalls.events.local` prints.
pub(crate) fn events(denied: u64) -> Result<KVec<u8>> {
    text(format_args!("denied {denied}\n"))
}

/// Writes the call of bit `bit` as `syscalls.stat` names it: the x86_64
/// name bare, others behind their prefix, a number where there is no name.
pub(crate) fn write_call(out: &mut impl Write, bit: usize) -> fmt::Result {
    match Abi::of_bit(bit) {
        Some((abi, nr)) => match (abi, abi.names().get(nr).filter(|n| !n.is_empty())) {
            (Abi::X86_64, Some(name)) => out.write_str(name),
            (abi, Some(name)) => write!(out, "{}:{name}", abi.prefix()),
            (abi, None) => write!(out, "{}:{nr}", abi.prefix()),
        },
        None => write!(out, "bit:{bit}"),
    }
}

/// What a read of `syscalls.stat` prints: a `call count` line for each
/// `(bit, count)` of `counts`.
pub(crate) fn stat(counts: impl Iterator<Item = (usize, u64)>) -> Result<KVec<u8>> {
    let mut buf = TextBuf { bytes: KVec::new() };
    for (bit, count) in counts {
        write_call(&mut buf, bit).map_err(|_| ENOMEM)?;
        writeln!(buf, " {count}").map_err(|_| ENOMEM)?;
    }
    Ok(buf.bytes)
}
