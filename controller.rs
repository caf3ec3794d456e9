// SPDX-License-Identifier: GPL-2.0

//! What the controller does when a cgroup comes or goes, and when one of
//! its files is written: safe Rust over [`crate::group`]. What reads print
//! is in [`crate::subsys`].

use kernel::prelude::*;

use kernel::sync::Arc;

use crate::action::{Arm, Decision};
use crate::cgroup::CssState;
use crate::cond::{Condition, MAX_CONDITIONS};
use crate::cred::Identity;
use crate::grammar::{self, ActionWrite};
use crate::group::{Group, Writer};
use crate::judge::{Level, Tests};
use crate::policy::{self, Author, Rule, Rules};
use crate::subsys::File;

/// A new cgroup starts with its parent's effective set and no rules. It
/// takes no global lock: creating cgroups never waits for a writer.
pub(crate) fn css_online(group: &Group) -> Result {
    match group.parent() {
        Some(parent) => group.inherit(parent)?,
        // The root denies nothing at first: it only goes online.
        None => {
            let mut w = Writer::lock();
            publish(&mut w, group);
            group.inherit_nothing();
        }
    }
    Ok(())
}

/// Recomputes the group's effective set and decisions from its rules and
/// its parent's, and publishes them; returns whether the group was
/// filtering before.
fn publish(w: &mut Writer, group: &Group) -> bool {
    let parent = group.parent();
    group.with_own(|rules, learn| {
        let eff = policy::effective(&rules.all.denied, parent.map(|p| w.effective(p)).as_ref());
        let delegated = rules.delegated() || parent.is_some_and(|p| w.delegated(p));
        let own_conditions =
            !rules.all.conditions.is_empty() || !rules.trusted.conditions.is_empty();
        // The writer publishes parents first: the parent's decisions are
        // final.
        let decide = |bit: usize| {
            let (all, trusted) = parent.map_or((Decision::Allow, Decision::Allow), |p| {
                (p.decision(bit), p.trusted_decision(bit))
            });
            (
                policy::combine(all, rules.all.decision(bit)),
                policy::combine(trusted, rules.trusted.decision(bit)),
            )
        };
        w.publish(group, &eff, own_conditions, delegated, learn, decide)
    })
}

/// The conditions that judge the tasks of a cgroup with rules `rules`
/// under a parent judged by `parent_tests`, where the levels above decide
/// `above(bit, trusted)` by number on a call (by the administrators' rules
/// when `trusted`): the parent's, shared, when the cgroup has none of its
/// own.
fn build_tests(
    parent_tests: Option<Arc<Tests>>,
    rules: &Rules,
    above: &dyn Fn(usize, bool) -> Decision,
) -> Result<Option<Arc<Tests>>> {
    if rules.all.conditions.is_empty() && rules.trusted.conditions.is_empty() {
        return Ok(parent_tests);
    }
    let tests = Tests::new(
        parent_tests.as_deref(),
        Level {
            conditions: &rules.all.conditions,
            denial: &|bit| rules.all.denial(bit),
            above: &|bit| above(bit, false),
        },
        Level {
            conditions: &rules.trusted.conditions,
            denial: &|bit| rules.trusted.denial(bit),
            above: &|bit| above(bit, true),
        },
    )?;
    Ok(Some(Arc::new(tests, GFP_KERNEL_ACCOUNT)?))
}

/// What `level`, in the subtree of `group`, will decide by number on the
/// call of bit `bit` once `rules` are `group`'s (by the administrators'
/// rules when `trusted`): the published decisions above `group`, then each
/// level's own rules down to `level`.
fn decision_after(
    level: &Group,
    group: &Group,
    rules: &Rules,
    bit: usize,
    trusted: bool,
) -> Decision {
    let own = |r: &Rules| {
        if trusted {
            r.trusted.decision(bit)
        } else {
            r.all.decision(bit)
        }
    };
    let (above, mine) = if core::ptr::eq(level, group) {
        (published_decision(group.parent(), bit, trusted), own(rules))
    } else {
        let above = level.parent().map_or(Decision::Allow, |p| {
            decision_after(p, group, rules, bit, trusted)
        });
        (above, level.with_own(|r, _| own(r)))
    };
    policy::combine(above, mine)
}

/// What `group` decides by number on the call of bit `bit`, as published;
/// `Allow` above the root.
fn published_decision(group: Option<&Group>, bit: usize, trusted: bool) -> Decision {
    match group {
        Some(g) if trusted => g.trusted_decision(bit),
        Some(g) => g.decision(bit),
        None => Decision::Allow,
    }
}

/// Whether an ancestor of `group` holds condition `cond` on the call of
/// bit `bit`, as the writer sees it.
fn held_above(w: &Writer, group: &Group) -> impl Fn(usize, &Condition) -> bool {
    let tests = group.parent().and_then(|p| w.tests(p));
    move |bit, cond| {
        tests.as_ref().is_some_and(|t| {
            t.all
                .iter()
                .any(|test| usize::from(test.bit) == bit && test.cond == *cond)
        })
    }
}

/// Allocates, before anything changes, what every cgroup of `group`'s
/// subtree needs once `rules` are the group's: its conditions, built anew
/// (they carry the decisions of the levels that wrote them), and its
/// record of calls when it starts filtering, as all of them do when the
/// group's effective set will deny anything or conditions test calls.
/// `ENOMEM`, and nothing changes, when one cannot be had.
fn prepare(w: &mut Writer, group: &Group, rules: &Rules) -> Result {
    let parent = group.parent().map(|p| w.effective(p));
    let denies = !policy::effective(&rules.all.denied, parent.as_ref()).is_empty();
    // Tests carry the decisions of the levels above them: where any cgroup
    // has conditions, every test below the group is built anew. Where none
    // has, nothing is tested, and only the records of calls may be needed.
    let before = group.with_own(|r, _| r.has_conditions());
    if !w.conditions_anywhere(before, rules.has_conditions())
        && group.parent().and_then(|p| w.tests(p)).is_none()
    {
        return if denies {
            w.for_each_descendant(group, |_, g| g.prepare_calls())
        } else {
            Ok(())
        };
    }
    let result = w.for_each_descendant(group, |w, g| {
        if !g.is_online() {
            return Ok(());
        }
        let next = if core::ptr::eq(g, group) {
            let above = |bit, trusted| published_decision(group.parent(), bit, trusted);
            build_tests(group.parent().and_then(|p| w.tests(p)), rules, &above)?
        } else if w.conditioned(g) {
            let parent = g.parent().and_then(|p| w.next_tests(p));
            // What the levels above decide on the calls of its conditions,
            // worked out before its lock is taken, as their locks are.
            let mut above = [(0usize, Decision::Allow, Decision::Allow); 2 * MAX_CONDITIONS];
            let mut len = 0;
            g.with_own(|own, _| {
                let conds = own.all.conditions.iter();
                for (bit, _) in Iterator::chain(conds, own.trusted.conditions.iter()) {
                    if len < above.len() && !above[..len].iter().any(|a| a.0 == bit) {
                        above[len].0 = bit;
                        len += 1;
                    }
                }
            });
            for entry in above[..len].iter_mut() {
                let decide = |trusted| {
                    g.parent().map_or(Decision::Allow, |p| {
                        decision_after(p, group, rules, entry.0, trusted)
                    })
                };
                (entry.1, entry.2) = (decide(false), decide(true));
            }
            let above = &above[..len];
            let lookup = |bit, trusted| {
                above
                    .iter()
                    .find(|a| a.0 == bit)
                    .map_or(Decision::Allow, |a| if trusted { a.2 } else { a.1 })
            };
            g.with_own(|own, _| build_tests(parent, own, &lookup))?
        } else {
            // Most cgroups have no conditions of their own: they share
            // their parent's tests, and need nothing prepared but their
            // record of calls.
            if denies || w.has_next_tests(g) {
                g.prepare_calls()?;
            }
            return Ok(());
        };
        let filters = denies || next.is_some();
        w.prepare_tests(g, Some(next));
        if filters {
            g.prepare_calls()?;
        }
        Ok(())
    });
    if result.is_err() {
        let _ = w.for_each_descendant(group, |w, g| {
            w.prepare_tests(g, None);
            Ok(())
        });
    }
    result
}

/// Makes `rules` the group's own, written by `author` as `who`, and
/// publishes the change to the subtree. A delegatee who makes the rules
/// stricter than the administrators' joins their delegatees; a group whose
/// rules no delegatee made stricter has none.
fn commit(
    w: &mut Writer,
    group: &Group,
    rules: KBox<Rules>,
    author: Author,
    who: Option<&Identity>,
) -> Result {
    let changed = group.with_own(|before, _| before.all != rules.all);
    let joins = match who {
        Some(who) if author != Author::Admin && changed && rules.delegated() => Some(who),
        _ => None,
    };
    if let Some(who) = joins {
        if !w.has_room_for(group, who) {
            return Err(ENOSPC);
        }
    }
    prepare(w, group, &rules)?;
    let delegated = rules.delegated();
    w.set_rules(group, rules);
    if delegated {
        if let Some(who) = joins {
            w.add_delegatee(group, who)?;
        }
        let result = propagate(w, group);
        w.release_retired(group);
        return result;
    }
    // The delegatees go last: while the subtree is republished, cgroups
    // not yet reached still hold their decisions, and the delegatees must
    // still judge who those decisions apply to. Then they are unpublished,
    // and dropped after that.
    let result = propagate(w, group);
    let _retired = w.take_delegatees(group);
    publish(w, group);
    w.release_retired(group);
    result
}

/// The root moves to another hierarchy (from v1 to v2, or back): it starts
/// from no rules, no mode or action of its own and no learning, so that
/// rules written where the files were visible do not stay in force where
/// they are not (the v2 root has no `syscalls.*` files).
pub(crate) fn bind(root: &Group) {
    let mut w = Writer::lock();
    // Neither allocates when it empties.
    if let Ok(empty) = KBox::new(Rules::EMPTY, GFP_KERNEL) {
        w.set_rules(root, empty);
    }
    // Turning learning off allocates nothing, and cannot fail.
    let _ = w.set_learn(root, false);
    root.set_arm(Arm::Inherit);
    // The walk itself does not fail. The delegatees go last, as in
    // `commit`.
    let _ = propagate(&mut w, root);
    let _retired = w.take_delegatees(root);
    publish(&mut w, root);
    w.release_retired(root);
}

/// A cgroup on its way out takes no more updates, and its parent keeps
/// its counts. It takes no global lock.
pub(crate) fn css_offline(group: &Group) {
    group.set_offline();
    group.fold_into_parent();
}

/// A write of `input` to `file` by `author`: all or nothing, `EINVAL` for
/// a bad value, `EPERM` for a delegatee on cgroup v1.
///
/// On cgroup v1 only an administrator may change rules; on v2 whoever the
/// file's owner and mode let write may, as for every v2 controller.
///
/// `who` is the delegatee who writes, `None` for an administrator.
pub(crate) fn write(
    group: &Group,
    file: File,
    input: &[u8],
    author: Author,
    who: Option<&Identity>,
) -> Result {
    if author != Author::Admin && !group.on_v2() {
        return Err(EPERM);
    }
    match file {
        File::Allow => write_rules(group, Rule::Allow, input, author, who),
        File::Deny => write_rules(group, Rule::Deny, input, author, who),
        _ => write_setting(group, file, input, author, who),
    }
}

/// A write of `input` to the file of `rule`.
fn write_rules(
    group: &Group,
    rule: Rule,
    input: &[u8],
    author: Author,
    who: Option<&Identity>,
) -> Result {
    let request = grammar::parse_rules(input)?;
    let mut w = Writer::lock();
    let mut rules = w.rules(group)?;
    let parent = group.parent().map(|p| w.effective(p));
    rules.write_request(
        parent.as_ref(),
        held_above(&w, group),
        rule,
        author,
        &request,
    )?;
    commit(&mut w, group, rules, author, who)
}

/// A write of `input` to `file`, a file of settings.
fn write_setting(
    group: &Group,
    file: File,
    input: &[u8],
    author: Author,
    who: Option<&Identity>,
) -> Result {
    let mut w = Writer::lock();
    let mut rules = w.rules(group)?;
    match file {
        File::Mode => rules.set_mode(grammar::parse_mode(input)?, author),
        File::Action => match grammar::parse_action_write(input)? {
            ActionWrite::Default(action) => rules.set_action(Some(action), None, author)?,
            ActionWrite::Calls(action, calls) => rules.set_action(action, Some(&calls), author)?,
        },
        File::Learn => {
            let learn = grammar::parse_switch(input)?;
            w.set_learn(group, learn)?;
            let result = propagate(&mut w, group);
            w.release_retired(group);
            return result;
        }
        File::Arm => {
            let arm = grammar::parse_arm(input)?;
            // A delegatee may defer its own rules, never the
            // administrators' of the same cgroup.
            if arm == Arm::Exec
                && author != Author::Admin
                && (!rules.trusted.denied.is_empty() || !rules.trusted.conditions.is_empty())
            {
                return Err(EPERM);
            }
            group.set_arm(arm);
            return Ok(());
        }
        File::Policy => {
            let parent = group.parent().map(|p| w.effective(p));
            let held = held_above(&w, group);
            policy::replace(&mut rules, parent.as_ref(), held, author, input)?;
        }
        // Read-only files have no `write`; the rules' files come here not.
        _ => return Err(EINVAL),
    }
    commit(&mut w, group, rules, author, who)
}

/// Recomputes the effective sets of `root`'s subtree, parents first, and
/// marks the tasks of each cgroup that starts filtering.
fn propagate(w: &mut Writer, root: &Group) -> Result {
    w.for_each_descendant(root, |w, group| {
        if !group.is_online() {
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
