// SPDX-License-Identifier: GPL-2.0

//! What the controller does when a cgroup comes or goes, and when one of
//! its files is read or written: safe Rust over [`crate::group`].

use kernel::prelude::*;

use crate::grammar;
use crate::group::{Group, Writer};
use crate::policy::{self, Author, Rule};

/// A new cgroup starts with its parent's effective set and no rules.
pub(crate) fn css_online(group: &Group) -> Result {
    let mut w = Writer::lock()?;
    publish(&mut w, group);
    w.set_online(group, true);
    Ok(())
}

/// Recomputes the group's effective set from its rules and its parent's
/// set, and publishes it; returns whether the group was filtering before.
fn publish(w: &mut Writer, group: &Group) -> bool {
    let own = w.own(group);
    let parent = group.parent();
    let eff = policy::effective(&own.denied, parent.map(Group::effective).as_ref());
    let by_delegatee = policy::effective(
        &own.by_delegatee,
        parent.map(|p| w.effective_by_delegatee(p)).as_ref(),
    );
    w.publish(group, &eff, &by_delegatee)
}

/// A cgroup on its way out takes no more updates.
pub(crate) fn css_offline(group: &Group) {
    // Only a bug (the mutex used before boot set it up) can fail here, and
    // then the group is not online either.
    if let Ok(mut w) = Writer::lock() {
        w.set_online(group, false);
    }
}

/// A write of `input` to the file of `rule` by `author`: all or nothing.
///
/// On cgroup v1 only an administrator may change rules; on v2 whoever the
/// file's owner and mode let write may, as for every v2 controller.
pub(crate) fn write(group: &Group, rule: Rule, input: &[u8], author: Author) -> Result {
    if author != Author::Admin && !group.on_v2() {
        return Err(EPERM);
    }
    let request = grammar::parse(input)?;
    let mut w = Writer::lock()?;
    let mut own = w.own(group);
    let parent = group.parent().map(Group::effective);
    policy::apply(&mut own, parent.as_ref(), rule, author, &request)?;
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
        // Tasks of a group that was filtering already all carry the bit:
        // attach, fork and earlier writes saw to it.
        if !publish(w, group) && group.is_filtering() {
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
