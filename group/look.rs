// SPDX-License-Identifier: GPL-2.0

//! What the system call path reads of a group: the decision on a call for
//! a task, the conditions on its arguments, and what learning records.
//! Each read is consistent: one read side of the group's seqlock.

use core::sync::atomic::Ordering;

use kernel::sync::Arc;

use super::Group;
use crate::abi::Abi;
use crate::action::Decision;
use crate::cgroup::CssState;
use crate::cred::CredRef;
use crate::judge::{Test, Tests};
use crate::names;
use crate::sync::RcuGuard;

/// What the system call path reads of a group for one call, consistent.
#[derive(Clone, Copy)]
pub(crate) struct Look<'a> {
    /// Whether the group checks calls at all (denies or learns).
    pub(crate) filtering: bool,
    /// Whether the group is learning.
    pub(crate) learning: bool,
    /// The decision on the call for the task, by number.
    pub(crate) decision: Decision,
    /// The conditions on the path, `None` when there are none.
    pub(crate) tests: Option<&'a Tests>,
    /// Whether the administrators' rules alone judge the task: a delegatee
    /// on the path has no power over it.
    pub(crate) trusted: bool,
}

impl<'a> Look<'a> {
    /// The conditions that judge the task's calls, by bit.
    pub(crate) fn conditions(&self) -> Option<&'a [Test]> {
        self.tests.map(|t| {
            if self.trusted {
                &t.trusted[..]
            } else {
                &t.all[..]
            }
        })
    }
}

impl Group {
    /// Whether the group denies any system call.
    pub(crate) fn is_filtering(&self) -> bool {
        self.state
            .seqlock()
            .read(|| self.filtering.load(Ordering::Relaxed))
    }

    /// What the group decides on call `nr` of `abi` for the task of
    /// objective credentials `task`, with whether the group is filtering
    /// and learning, read together. Where delegatees wrote rules on the
    /// path, a task that one of them has no power over is judged by the
    /// administrators' rules alone; that is decided inside the same read
    /// section, so that a writer's change of the decisions or of the
    /// delegatees cannot fall between the two. `rcu` keeps the conditions
    /// and the delegatees' creds alive.
    ///
    /// Inline, as the system call path makes it on every call it decides
    /// out of line; [`Group::look_again`] is for the rarer second look.
    #[inline(always)]
    pub(crate) fn look<'a>(
        &'a self,
        abi: Abi,
        nr: usize,
        task: &CredRef,
        rcu: &'a RcuGuard,
    ) -> Look<'a> {
        let bit = abi.first_bit() + nr;
        self.state.seqlock().read(|| {
            let mut decision = self.decision(bit);
            let tests = self.tests.get();
            let mut trusted = false;
            if self.delegated.load(Ordering::Relaxed)
                && (decision != Decision::Allow || tests.is_some())
                && !self.rulers_have_power(task, rcu)
            {
                decision = self.trusted_decision(bit);
                trusted = true;
            }
            Look {
                filtering: self.filtering.load(Ordering::Relaxed),
                learning: self.learning.load(Ordering::Relaxed),
                decision,
                tests,
                trusted,
            }
        })
    }

    /// [`Group::look`], out of line: for the system call path's second look
    /// (at an unarmed task's judge, or at the call a restart continues).
    #[inline(never)]
    pub(crate) fn look_again<'a>(
        &'a self,
        abi: Abi,
        nr: usize,
        task: &CredRef,
        rcu: &'a RcuGuard,
    ) -> Look<'a> {
        self.look(abi, nr, task, rcu)
    }

    /// Whether no condition denies the call of bit `bit`, for the
    /// registers that `read` gives, in a read side of the seqlock that began
    /// at sequence `seq` and found the call in `tested`: `false` too when a
    /// writer began meanwhile, as what was read may then be a mix.
    #[inline]
    pub(crate) fn arguments_allow(
        &self,
        seq: u32,
        bit: usize,
        read: impl Fn(usize) -> u64,
    ) -> bool {
        let allowed = self.tests.get().is_some_and(|t| t.allows(bit, read));
        allowed && self.state.seqlock().unchanged_since(seq)
    }

    /// Whether the group's conditions test the call of bit `bit`, as last
    /// stored: consistent inside the seqlock.
    fn tests_call(&self, bit: usize) -> bool {
        self.tests.get().is_some_and(|t| t.calls.contains_bit(bit))
    }

    /// The conditions of the group and its ancestors, as reads show them:
    /// a reference of their own, so that a read may sleep (allocate) while
    /// it formats them. Taken under RCU, where the group's reference, or
    /// the one it retired less than a grace period ago, keeps them alive.
    pub(crate) fn tests_for_read(&self) -> Option<Arc<Tests>> {
        let _rcu = RcuGuard::new();
        self.tests.clone_arc()
    }

    /// The decision on the call of bit `bit`, as last stored: consistent
    /// with the rest of the group for its writer, or inside the seqlock.
    #[inline]
    pub(crate) fn decision(&self, bit: usize) -> Decision {
        match self.calls.get() {
            Some(calls) => calls.decisions.get(bit).map_or(Decision::Allow, |d| {
                Decision::decode(d.load(Ordering::Relaxed))
            }),
            None => self.absent_decision(bit, false),
        }
    }

    /// The decision on the call of bit `bit` by the administrators' rules
    /// alone, as [`Group::decision`] reads it.
    pub(crate) fn trusted_decision(&self, bit: usize) -> Decision {
        match self.calls.get() {
            Some(calls) => calls.trusted.get(bit).map_or(Decision::Allow, |d| {
                Decision::decode(d.load(Ordering::Relaxed))
            }),
            None => self.absent_decision(bit, true),
        }
    }

    /// The decision on the call of bit `bit` of a group without its record
    /// of calls. Such a group has no denies of its own (a writer prepares
    /// the record before it gives a group denies, and a new group that
    /// takes a filtering parent's set gets one first), so it decides as
    /// its nearest ancestor with a record does; the root without one
    /// allows everything. `trusted` asks for the administrators' decision.
    fn absent_decision(&self, bit: usize, trusted: bool) -> Decision {
        let mut group = self.parent();
        while let Some(g) = group {
            if let Some(calls) = g.calls.get() {
                let table = if trusted {
                    &calls.trusted
                } else {
                    &calls.decisions
                };
                return table.get(bit).map_or(Decision::Allow, |d| {
                    Decision::decode(d.load(Ordering::Relaxed))
                });
            }
            group = g.parent();
        }
        Decision::Allow
    }

    /// Whether every delegatee who wrote rules in the group or an ancestor
    /// has power over the task of objective credentials `task`.
    pub(crate) fn rulers_have_power(&self, task: &CredRef, rcu: &RcuGuard) -> bool {
        self.ancestors().all(|g| {
            g.state
                .seqlock()
                .read(|| g.rulers.load())
                .have_power_over(task, rcu)
        })
    }

    /// Records that a task of the group made call `nr` of `abi` while it
    /// learns. Once the call is recorded, and unless the group checks it for
    /// another reason, its bit leaves the bitmap: the call takes the allowed
    /// path from then on, and learning costs nothing more for it.
    pub(crate) fn learn(&self, abi: Abi, nr: usize) {
        let bit = abi.first_bit() + nr;
        let Some(calls) = self.calls.get() else {
            return;
        };
        let (Some(used), Some(word)) =
            (calls.used.get(bit / 64), self.state.checked_word(bit / 64))
        else {
            return;
        };
        let mask = 1u64 << (bit % 64);
        used.fetch_or(mask, Ordering::Relaxed);
        // Inside the write side, a writer's publication comes wholly before
        // or after: the bit goes only if the group still learns, the call is
        // still recorded (a new `learn` clears the record first) and still
        // allowed, and it is not `restart_syscall`, which is always checked.
        self.state.seqlock().write(|| {
            if self.learning.load(Ordering::Relaxed)
                && used.load(Ordering::Relaxed) & mask != 0
                && self.decision(bit) == Decision::Allow
                && !self.tests_call(bit)
                && !names::RESTART_SYSCALL.contains(abi, nr)
            {
                word.fetch_and(!mask, Ordering::Relaxed);
            }
        });
    }
}
