// SPDX-License-Identifier: GPL-2.0

//! The controller's behaviour, in safe Rust over the cgroup binding: what
//! a write, a read, a new cgroup and a system call do.

use kernel::prelude::*;

use crate::abi;
use crate::cgroup::{Current, Group, WriteAccess, Writer};
use crate::names;
use crate::parse;
use crate::policy::{self, Verb};

/// A new cgroup starts with its parent's effective set and no rules.
pub(crate) fn css_online(group: &Group) -> Result {
    let mut w = Writer::lock()?;
    let eff = policy::effective(&w.own(group), group.parent().map(Group::effective).as_ref());
    w.publish(group, &eff);
    w.set_online(group, true);
    Ok(())
}

/// A cgroup on its way out takes no more updates.
pub(crate) fn css_offline(group: &Group) {
    // Only a bug (the mutex used before boot set it up) can fail here, and
    // then the group is not online either.
    if let Ok(mut w) = Writer::lock() {
        w.set_online(group, false);
    }
}

/// A write of `input` to `syscalls.allow` or `syscalls.deny`: all or
/// nothing.
pub(crate) fn write(group: &Group, verb: Verb, input: &[u8], access: &WriteAccess) -> Result {
    if !access.is_sys_admin() {
        return Err(EPERM);
    }
    let request = parse::parse(input)?;
    let mut w = Writer::lock()?;
    let mut own = w.own(group);
    let parent = group.parent().map(Group::effective);
    policy::apply(&mut own, parent.as_ref(), verb, &request)?;
    w.set_own(group, own);
    propagate(&mut w, group)
}

/// Recomputes the effective sets of `root`'s subtree, parents first, and
/// marks the tasks of each cgroup that starts to deny something.
fn propagate(w: &mut Writer, root: &Group) -> Result {
    w.for_each_descendant(root, |w, group| {
        if !w.online(group) {
            return Ok(());
        }
        let parent = group.parent().map(Group::effective);
        let eff = policy::effective(&w.own(group), parent.as_ref());
        // Tasks of a group that already denied something all carry the bit:
        // attach, fork and earlier writes saw to it.
        if !w.publish(group, &eff) && !eff.is_empty() {
            w.mark_tasks(group);
        }
        Ok(())
    })
}

/// What a read of `syscalls.deny` (the effective set) or `syscalls.allow`
/// (its complement) prints.
pub(crate) fn show(group: &Group, verb: Verb) -> Result<KVec<u8>> {
    let denied = group.effective();
    parse::format_set(&match verb {
        Verb::Deny => denied,
        Verb::Allow => denied.complement(),
    })
}

/// Whether tasks joining `group` need their system calls checked.
pub(crate) fn needs_work(group: &Group) -> bool {
    group.denies_any()
}

/// What the system call path does with a call of a task that carries the
/// work bit.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// The call runs.
    Allow,
    /// The call fails with `ENOSYS` without running.
    Deny,
    /// The call is `restart_syscall`: the call it would continue decides.
    Restart,
    /// The cgroup denies nothing: the work bit is stale.
    Stale,
}

/// The check of system call `nr` of a task that carries the work bit.
#[inline(always)]
pub(crate) fn verdict(current: Current, nr: i64) -> Verdict {
    let Some((abi, idx)) = abi::classify(nr, current.in_ia32()) else {
        return Verdict::Allow;
    };
    let (denied, any) = current.with_group(|group| group.check(abi, idx));
    if !denied {
        if any {
            Verdict::Allow
        } else {
            Verdict::Stale
        }
    } else if names::RESTART_SYSCALL.contains(abi, idx) {
        Verdict::Restart
    } else {
        Verdict::Deny
    }
}

/// The slow path of the check: whether a call that [`verdict`] did not
/// simply allow is denied.
pub(crate) fn denies(current: Current, nr: i64, verdict: Verdict) -> bool {
    match verdict {
        Verdict::Allow => false,
        Verdict::Deny => true,
        Verdict::Restart => denies_restart(current),
        Verdict::Stale => {
            // Drops the stale bit, then looks again, at the cgroup current
            // is in now, in case a writer or a migration set the bit
            // meanwhile.
            current.clear_work();
            match self::verdict(current, nr) {
                Verdict::Stale => false,
                again => {
                    current.set_work();
                    again == Verdict::Deny || (again == Verdict::Restart && denies_restart(current))
                }
            }
        }
    }
}

/// Whether `restart_syscall` is denied: it is when the cgroup denies the
/// call it would continue, in the ABI that call was made in. With nothing
/// to continue, it runs as on a kernel without the controller (and fails
/// with `EINTR`).
fn denies_restart(current: Current) -> bool {
    let Some((nr, ia32)) = current.interrupted_call() else {
        return false;
    };
    match abi::classify(nr, ia32) {
        Some((abi, idx)) => current.with_group(|group| group.check(abi, idx).0),
        None => false,
    }
}

/// Whether system call `nr` (of the ia32 ABI if `ia32`) is
/// `restart_syscall`, which continues a call rather than being one.
pub(crate) fn is_restart(nr: i64, ia32: bool) -> bool {
    abi::classify(nr, ia32).is_some_and(|(abi, idx)| names::RESTART_SYSCALL.contains(abi, idx))
}
