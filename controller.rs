// SPDX-License-Identifier: GPL-2.0

//! The controller's behaviour, in safe Rust over the cgroup binding: what
//! a write, a read, a new cgroup and a system call do.

use kernel::prelude::*;

use crate::abi;
use crate::cgroup::{self, Group, Verdict, Writer};
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
/// denies system call `nr`, entered through the ia32 ABI or not.
#[inline]
pub(crate) fn denied(nr: i64, ia32: bool) -> bool {
    let Some((abi, idx)) = abi::classify(nr, ia32) else {
        return false;
    };
    match cgroup::with_current_group(|group| group.verdict(abi, idx)) {
        Verdict::Denied => true,
        Verdict::Allowed => false,
        Verdict::Unfiltered => {
            // The bit is stale: drop it, then look again, at the css current
            // is in now, in case a writer or a migration set it meanwhile.
            cgroup::clear_current_work();
            let again = cgroup::with_current_group(|group| group.verdict(abi, idx));
            if again != Verdict::Unfiltered {
                cgroup::set_current_work();
            }
            again == Verdict::Denied
        }
    }
}
