// SPDX-License-Identifier: GPL-2.0

//! The controller's behaviour, in safe Rust over the cgroup binding: what
//! a write, a read, a new cgroup and a system call do.

use kernel::prelude::*;

use crate::abi;
use crate::cgroup::{self, Current, Group, Writer};
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
pub(crate) fn write(group: &Group, verb: Verb, input: &[u8]) -> Result {
    if !cgroup::capable_sys_admin() {
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

/// The check of a task that carries the work bit: whether its cgroup
/// denies system call `nr`, or `None` when it denies nothing at all.
#[inline(always)]
pub(crate) fn verdict(current: Current, nr: i64) -> Option<bool> {
    let Some((abi, idx)) = abi::classify(nr, current.in_ia32()) else {
        return Some(false);
    };
    let (denied, filtered) = current.with_group(|group| group.check(abi, idx));
    (denied || filtered).then_some(denied)
}

/// The cgroup of current denies nothing: its work bit is stale. Drops it,
/// then looks again, at the cgroup current is in now, in case a writer or
/// a migration set the bit meanwhile; returns whether `nr` is denied.
pub(crate) fn drop_stale_work(current: Current, nr: i64) -> bool {
    current.clear_work();
    match verdict(current, nr) {
        Some(denied) => {
            current.set_work();
            denied
        }
        None => false,
    }
}
