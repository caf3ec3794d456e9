// SPDX-License-Identifier: GPL-2.0

//! What the controller does when a cgroup comes or goes, and when one of
//! its files is read or written: safe Rust over [`crate::group`].

use kernel::prelude::*;

use crate::grammar;
use crate::group::{Group, Writer};
use crate::policy::{self, Rule};

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

/// A write of `input` to the file of `rule`, by a writer that `permitted`
/// says may change rules: all or nothing.
pub(crate) fn write(group: &Group, rule: Rule, input: &[u8], permitted: bool) -> Result {
    if !permitted {
        return Err(EPERM);
    }
    let request = grammar::parse(input)?;
    let mut w = Writer::lock()?;
    let mut own = w.own(group);
    let parent = group.parent().map(Group::effective);
    policy::apply(&mut own, parent.as_ref(), rule, &request)?;
    w.set_own(group, own);
    propagate(&mut w, group)
}

/// Recomputes the effective sets of `root`'s subtree, parents first, and
/// marks the tasks of each cgroup that starts filtering.
fn propagate(w: &mut Writer, root: &Group) -> Result {
    w.for_each_descendant(root, |w, group| {
        if !w.online(group) {
            return Ok(());
        }
        let parent = group.parent().map(Group::effective);
        let eff = policy::effective(&w.own(group), parent.as_ref());
        // Tasks of a group that was filtering already all carry the bit:
        // attach, fork and earlier writes saw to it.
        if !w.publish(group, &eff) && !eff.is_empty() {
            w.mark_tasks(group);
        }
        Ok(())
    })
}

/// What a read of the file of `rule` prints: the effective set for
/// `syscalls.deny`, its complement for `syscalls.allow`.
pub(crate) fn show(group: &Group, rule: Rule) -> Result<KVec<u8>> {
    let denied = group.effective();
    grammar::format_set(&match rule {
        Rule::Deny => denied,
        Rule::Allow => denied.complement(),
    })
}
