// SPDX-License-Identifier: GPL-2.0

//! The one writer of the hierarchy: it holds the writers' mutex, changes
//! rules, and publishes each group's new set, decisions, conditions and
//! delegatees inside the group's seqlock.

use core::sync::atomic::Ordering;

use kernel::alloc::flags::GFP_KERNEL_ACCOUNT;
use kernel::prelude::*;
use kernel::sync::Arc;

use super::{forget_conditioned, Delegatees, Group, CONDITIONED};
use crate::action::Decision;
use crate::cgroup::adapter::FirstCall;
use crate::cgroup::CssState;
use crate::cred::Identity;
use crate::judge::Tests;
use crate::policy::{self, Rules};
use crate::set::{SyscallSet, WORDS};
use crate::sync::{init_writers, smp_mb, synchronize_rcu, WritersGuard, WRITERS};
use crate::task;

/// What only writers touch, under [`WRITERS`].
pub(super) struct WriterState {
    /// The delegatees who made `rules` stricter than the administrators'.
    delegatees: Delegatees,
    /// The tests a write prepared for the group, which [`Writer::publish`]
    /// then publishes (`Some(None)`: none).
    pending: Option<Option<Arc<Tests>>>,
    /// The tests last unpublished, dropped once no reader can hold them.
    retired: Option<Arc<Tests>>,
    /// Whether the group's own rules put conditions on calls.
    conditioned: bool,
}

impl WriterState {
    /// The state of a new group: no delegatees, nothing pending.
    pub(super) fn new() -> WriterState {
        WriterState {
            delegatees: Default::default(),
            pending: None,
            retired: None,
            conditioned: false,
        }
    }
}

/// The one writer of the hierarchy: holds [`WRITERS`].
pub(crate) struct Writer {
    _guard: WritersGuard,
    /// Whether a group retired conditions since the writer last released
    /// them.
    retired: bool,
}

impl Writer {
    /// Sets up the writers' mutex, at boot, before anything can lock it.
    pub(crate) fn init(first: &FirstCall) {
        init_writers(first);
    }

    /// Waits to become the writer.
    pub(crate) fn lock() -> Writer {
        Writer {
            _guard: WRITERS.lock(),
            retired: false,
        }
    }

    fn state<'a>(&'a self, group: &'a Group) -> &'a WriterState {
        group.writer.as_ref(&self._guard)
    }

    fn state_mut<'a>(&'a mut self, group: &'a Group) -> &'a mut WriterState {
        group.writer.as_mut(&mut self._guard)
    }

    /// A copy of the rules the group set itself, on the heap: they are
    /// large for a kernel stack. The writer changes them there and gives
    /// them back with [`Writer::set_rules`].
    pub(crate) fn rules(&self, group: &Group) -> Result<KBox<Rules>> {
        let mut rules = KBox::new(Rules::EMPTY, GFP_KERNEL_ACCOUNT)?;
        if let Some(own) = group.own.lock().rules.as_deref() {
            *rules = *own;
        }
        Ok(rules)
    }

    /// Replaces the rules of the group; [`Writer::publish`] makes them
    /// count. A group whose rules become empty gives their room back.
    pub(crate) fn set_rules(&mut self, group: &Group, rules: KBox<Rules>) {
        let mut own = group.own.lock();
        let before = own.rules.as_ref().is_some_and(|r| r.has_conditions());
        if group.is_online() {
            match (before, rules.has_conditions()) {
                (false, true) => {
                    CONDITIONED.fetch_add(1, Ordering::Relaxed);
                }
                (true, false) => forget_conditioned(),
                _ => (),
            }
        }
        self.state_mut(group).conditioned = rules.has_conditions();
        own.rules = (*rules != Rules::EMPTY).then_some(rules);
    }

    /// Whether the group's own rules put conditions on calls, without its
    /// lock.
    pub(crate) fn conditioned(&self, group: &Group) -> bool {
        self.state(group).conditioned
    }

    /// Whether any cgroup will put conditions on calls once a group that
    /// has them `before` has them `after`.
    pub(crate) fn conditions_anywhere(&self, before: bool, after: bool) -> bool {
        CONDITIONED
            .load(Ordering::Relaxed)
            .saturating_sub(usize::from(before))
            + usize::from(after)
            != 0
    }

    /// Adds `who` to the delegatees of the group's rules, unless one with
    /// the same power is there; `ENOSPC` when [`MAX_DELEGATEES`] are.
    /// [`Writer::publish`] makes it count.
    pub(crate) fn add_delegatee(&mut self, group: &Group, who: &Identity) -> Result {
        let delegatees = &mut self.state_mut(group).delegatees;
        if delegatees.iter().flatten().any(|d| d.is_like(who)) {
            return Ok(());
        }
        let free = delegatees.iter_mut().find(|d| d.is_none()).ok_or(ENOSPC)?;
        *free = Some(who.clone());
        Ok(())
    }

    /// Whether the group has a free place for a delegatee like `who`.
    pub(crate) fn has_room_for(&self, group: &Group, who: &Identity) -> bool {
        let delegatees = &self.state(group).delegatees;
        delegatees.iter().any(Option::is_none)
            || delegatees.iter().flatten().any(|d| d.is_like(who))
    }

    /// Takes the delegatees of the group away; [`Writer::publish`] then
    /// stops publishing them (the published creds are references of their
    /// own).
    pub(crate) fn take_delegatees(&mut self, group: &Group) -> Delegatees {
        core::mem::take(&mut self.state_mut(group).delegatees)
    }

    /// Whether delegatees wrote rules in the group or an ancestor.
    pub(crate) fn delegated(&self, group: &Group) -> bool {
        // Stored by writers alone once the group is online, so consistent
        // for the writer without the seqlock.
        group.delegated.load(Ordering::Relaxed)
    }

    /// The group's effective set: the calls it denies, in either mode.
    pub(crate) fn effective(&self, group: &Group) -> SyscallSet {
        // The writer stores it, so the plain loads are consistent for it.
        group.load_effective()
    }

    /// Turns learning on or off; [`Writer::publish`] makes it count. A
    /// group that starts learning starts a new record, for which it needs
    /// its record of calls: `ENOMEM` without, and nothing changes.
    pub(crate) fn set_learn(&mut self, group: &Group, learn: bool) -> Result {
        if learn {
            group.prepare_calls()?;
        }
        let mut own = group.own.lock();
        if learn && !own.learn {
            if let Some(calls) = group.calls.get() {
                for used in calls.used.iter() {
                    used.store(0, Ordering::Relaxed);
                }
            }
        }
        own.learn = learn;
        Ok(())
    }

    /// Makes `effective` the group's effective set, at once for every
    /// reader, with `delegated` whether delegatees wrote rules here or in an
    /// ancestor, and `decide` the decision on the call of each bit by every
    /// author's rules and by the administrators' alone. Only the decisions
    /// of the calls in the old or the new effective set can change, and
    /// only they are stored. The group's delegatees are published too.
    /// Returns whether the group was filtering before.
    ///
    /// The group's conditions are those a write prepared
    /// ([`Writer::prepare_tests`]); without, its parent's when it has no
    /// conditions of its own (`own_conditions`), or else those it has (its
    /// rules and its parent's did not change).
    pub(crate) fn publish(
        &mut self,
        group: &Group,
        effective: &SyscallSet,
        own_conditions: bool,
        delegated: bool,
        learning: bool,
        decide: impl Fn(usize) -> (Decision, Decision),
    ) -> bool {
        let tests = match self.state_mut(group).pending.take() {
            Some(tests) => tests,
            None if !own_conditions => group.parent().and_then(|p| p.tests.clone_arc()),
            None => group.tests.clone_arc(),
        };
        let mut touched = group.load_effective();
        touched.union_with(effective);
        // A group that starts filtering needs its record of calls. Writers
        // prepare it beforehand; one made meanwhile that cannot have it
        // decides as its parent (it has no denies of its own).
        let calls = if touched.is_empty() && tests.is_none() {
            group.calls.get()
        } else {
            group.calls_ready().ok()
        };
        let swap = !group.tests.is(tests.as_ref());
        if swap {
            self.make_room_to_retire(group);
        }
        let delegatees = &self.state(group).delegatees;
        // The bitmap sends to the slow path the calls to decide there, and,
        // while the group learns, those it has not recorded yet.
        // Without tests (most groups), the bitmap of tested calls is left
        // as it is when it is empty already.
        let tested = tests
            .as_deref()
            .map(|t| Group::tested_calls(Some(t), effective, delegated, learning));
        let store_tested = tested.is_some() || group.state.has_tested();
        let mut checked = policy::checked(effective, tests.as_deref().map(|t| &t.calls));
        if learning {
            checked.union_with(&group.used().complement());
        }
        // INVARIANT: the stores happen inside the write side.
        let (was_filtering, retired) = group.state.seqlock().write(|| {
            let retired = if swap {
                // SAFETY: Inside the write side; the writer keeps what it
                // retires until a grace period passed.
                unsafe { group.tests.swap(tests) }
            } else {
                None
            };
            for bit in touched.bits() {
                let Some(calls) = calls else {
                    break;
                };
                if let (Some(d), Some(t)) = (calls.decisions.get(bit), calls.trusted.get(bit)) {
                    let (all, trusted) = decide(bit);
                    d.store(all.encode(), Ordering::Relaxed);
                    t.store(trusted.encode(), Ordering::Relaxed);
                }
            }
            let was = group.store_checked(&checked);
            if let (true, Some(calls)) = (store_tested, calls) {
                group.store_tested(calls, tested.map_or([0; WORDS], |t| t.words));
            }
            for (a, w) in group.effective.iter().zip(effective.words) {
                a.store(w, Ordering::Relaxed);
            }
            group.rulers.publish(delegatees);
            group.delegated.store(delegated, Ordering::Relaxed);
            group.learning.store(learning, Ordering::Relaxed);
            (was, retired)
        });
        // Only what this publication retired goes to the slot (emptied by
        // `make_room_to_retire` above): a publication that swapped nothing
        // must not drop, without a grace period, what an earlier one of
        // the same write retired.
        if let Some(retired) = retired {
            self.retired = true;
            self.state_mut(group).retired = Some(retired);
        }
        // Order the new set before any work bit set after this: a task that
        // clears its own bit re-reads the set after a barrier too.
        smp_mb();
        was_filtering
    }

    /// The conditions the group publishes now, for the writer to build on.
    pub(crate) fn tests(&self, group: &Group) -> Option<Arc<Tests>> {
        group.tests.clone_arc()
    }

    /// The conditions prepared for the group, or else those it publishes.
    ///
    /// A write prepares tests only for the group it writes and for those
    /// with conditions of their own: the others share their parent's.
    pub(crate) fn next_tests(&self, group: &Group) -> Option<Arc<Tests>> {
        let state = self.state(group);
        match state.pending {
            Some(ref tests) => tests.clone(),
            None if state.conditioned => group.tests.clone_arc(),
            None => group.parent().and_then(|p| self.next_tests(p)),
        }
    }

    /// Whether [`Writer::next_tests`] has tests for the group, without a
    /// reference to them.
    pub(crate) fn has_next_tests(&self, group: &Group) -> bool {
        let state = self.state(group);
        match state.pending {
            Some(ref tests) => tests.is_some(),
            None if state.conditioned => group.tests.is_set(),
            None => group.parent().is_some_and(|p| self.has_next_tests(p)),
        }
    }

    /// Prepares the conditions that [`Writer::publish`] then publishes for
    /// the group; `None` to drop what was prepared (a write that failed).
    pub(crate) fn prepare_tests(&mut self, group: &Group, tests: Option<Option<Arc<Tests>>>) {
        self.state_mut(group).pending = tests;
    }

    /// Drops the conditions the group retired before, once no reader can
    /// hold them, so that it can retire more.
    fn make_room_to_retire(&mut self, group: &Group) {
        if self.state(group).retired.is_some() {
            synchronize_rcu();
            self.state_mut(group).retired = None;
        }
    }

    /// Drops the conditions that `root` and its descendants retired, after
    /// one grace period for all: no reader holds them then.
    pub(crate) fn release_retired(&mut self, root: &Group) {
        if !core::mem::take(&mut self.retired) {
            return;
        }
        synchronize_rcu();
        let _ = self.for_each_descendant(root, |w, g| {
            w.state_mut(g).retired = None;
            Ok(())
        });
    }

    /// Calls `f` on `root` and each of its descendants, parents before
    /// children. `f` may sleep.
    pub(crate) fn for_each_descendant(
        &mut self,
        root: &Group,
        mut f: impl FnMut(&mut Writer, &Group) -> Result,
    ) -> Result {
        root.for_each_held_in_subtree(|g| f(self, g))
    }

    /// Sets the work bit on every user task of the group, so that its next
    /// system call is checked.
    pub(crate) fn mark_tasks(&mut self, group: &Group) {
        group.for_each_task(task::mark_task);
    }
}
