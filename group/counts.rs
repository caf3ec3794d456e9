// SPDX-License-Identifier: GPL-2.0

//! A group's counts of denials and its record of the calls it learnt, and
//! the notification of its events files.

use core::sync::atomic::Ordering;

use kernel::alloc::flags::GFP_KERNEL_ACCOUNT;
use kernel::prelude::*;

use super::Group;
use crate::abi::Abi;
use crate::cgroup::CssState;
use crate::denial::RateLimit;
use crate::set::{SyscallSet, BITS};

impl Group {
    /// The calls that tasks of the group made while it was learning.
    pub(crate) fn used(&self) -> SyscallSet {
        let mut set = SyscallSet::EMPTY;
        if let Some(calls) = self.calls.get() {
            for (w, a) in set.words.iter_mut().zip(calls.used.iter()) {
                *w = a.load(Ordering::Relaxed);
            }
        }
        set
    }

    /// Counts a denial of call `nr` of `abi` by a task of the group, in the
    /// group alone: reads add up the subtree, so that a storm across sibling
    /// cgroups writes no line they share. Returns whether the events files
    /// need a notification that is not queued yet; in a storm, one load
    /// says no.
    pub(crate) fn count_denial(&self, abi: Abi, nr: usize) -> bool {
        let bit = abi.first_bit() + nr;
        self.denied_local.fetch_add(1, Ordering::Relaxed);
        if let Some(count) = self.calls.get().and_then(|c| c.denials.get(bit)) {
            count.fetch_add(1, Ordering::Relaxed);
        }
        !self.notify_pending.load(Ordering::Relaxed)
            && !self.notify_pending.swap(true, Ordering::AcqRel)
    }

    /// Denials by tasks of the subtree, and of the group alone.
    pub(crate) fn denials(&self) -> (u64, u64) {
        let mut subtree = 0u64;
        self.for_each_in_subtree(|g| {
            subtree = subtree
                .wrapping_add(g.denied_local.load(Ordering::Relaxed))
                .wrapping_add(g.denied_gone.load(Ordering::Relaxed));
        });
        (subtree, self.denied_local.load(Ordering::Relaxed))
    }

    /// Denials of each call by tasks of the subtree, indexed by bit.
    pub(crate) fn denials_by_call(&self) -> Result<KVec<u64>> {
        let mut counts = KVec::with_capacity(BITS, GFP_KERNEL_ACCOUNT)?;
        for _ in 0..BITS {
            counts.push(0u64, GFP_KERNEL_ACCOUNT)?;
        }
        self.for_each_in_subtree(|g| {
            if let Some(calls) = g.calls.get() {
                for (sum, c) in counts.iter_mut().zip(calls.denials.iter()) {
                    *sum = sum.wrapping_add(c.load(Ordering::Relaxed));
                }
            }
        });
        Ok(counts)
    }

    /// Adds the group's counts to its parent's, for good: the group goes.
    /// Its tasks are gone, so nothing counts here any more.
    pub(crate) fn fold_into_parent(&self) {
        let Some(parent) = self.parent() else {
            return;
        };
        let gone = self.denied_local.swap(0, Ordering::Relaxed)
            + self.denied_gone.swap(0, Ordering::Relaxed);
        parent.denied_gone.fetch_add(gone, Ordering::Relaxed);
        let Some(from) = self.calls.get() else {
            return;
        };
        // A parent without a record of calls never filtered: the per-call
        // counts go (the total stays). Allocating one here would publish
        // its zeroed decisions outside the write side.
        let Some(to) = parent.calls.get() else {
            return;
        };
        for (to, from) in to.denials.iter().zip(from.denials.iter()) {
            let n = from.swap(0, Ordering::Relaxed);
            if n != 0 {
                to.fetch_add(n, Ordering::Relaxed);
            }
        }
    }

    /// The budget of the group's denial lines.
    pub(crate) fn log_limit(&self) -> &RateLimit {
        &self.log_limit
    }

    /// Takes the pending notification: the work runs now, at `now`.
    pub(crate) fn take_notification(&self, now: usize) {
        self.notified.store(now, Ordering::Relaxed);
        self.notify_pending.store(false, Ordering::Release);
    }

    /// When the notification work last ran, in jiffies.
    pub(crate) fn last_notified(&self) -> usize {
        self.notified.load(Ordering::Relaxed)
    }

    /// Queues the notification of the events files, to run in `delay`
    /// jiffies; nothing when it is queued already.
    pub(crate) fn queue_notification(&self, delay: usize) {
        self.state.queue_notification(delay);
    }

    /// Notifies the group's `syscalls.events` and `syscalls.events.local`,
    /// and the `syscalls.events` of each ancestor, whose subtree counts
    /// changed too.
    pub(crate) fn notify_events_files(&self) {
        self.state.notify_events(true);
        for ancestor in self.ancestors().skip(1) {
            ancestor.state.notify_events(false);
        }
    }
}
