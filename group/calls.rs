// SPDX-License-Identifier: GPL-2.0

//! What a group publishes for the system call path beside the C state:
//! its record of calls, allocated once, and its conditions, an `Arc`
//! swapped under the seqlock and read under RCU.

use core::sync::atomic::{AtomicPtr, AtomicU16, AtomicU64, Ordering};

use kernel::alloc::flags::GFP_KERNEL_ACCOUNT;
use kernel::alloc::{flags, KVBox};
use kernel::prelude::*;
use kernel::sync::Arc;

use crate::judge::Tests;
use crate::set::{BITS, WORDS};

/// What a group keeps per system call: too large for the group itself, it
/// has an allocation of its own (`kvmalloc`), zeroed.
pub(super) struct Calls {
    /// The [`crate::action::Decision`] on each call, encoded. Stored to only inside the
    /// seqlock's write side, by a [`super::Writer`].
    pub(super) decisions: [AtomicU16; BITS],
    /// The same, by the administrators' rules alone: for the tasks that a
    /// delegatee on the path has no power over.
    pub(super) trusted: [AtomicU16; BITS],
    /// Denials of each call by tasks of the subtree.
    pub(super) denials: [AtomicU64; BITS],
    /// The calls that tasks of the group made while it was learning.
    pub(super) used: [AtomicU64; WORDS],
    /// The `tested` bitmap of the C state, which points here once the
    /// record exists. Stored to only inside the seqlock's write side.
    pub(super) tested: [AtomicU64; WORDS],
}

impl Calls {
    /// A zeroed record: every call allowed, nothing counted or used.
    pub(super) fn new() -> Result<KVBox<Calls>> {
        // The task that makes the cgroup filter pays, in its memory cgroup.
        let calls = KVBox::<Calls>::new_uninit(GFP_KERNEL_ACCOUNT | flags::__GFP_ZERO)?;
        // SAFETY: `__GFP_ZERO` zeroed the memory, and all-zero atomics are
        // valid values.
        Ok(unsafe { calls.assume_init() })
    }
}

/// A group's [`Calls`], allocated when the group first filters or learns
/// (a cgroup that denies, counts and learns nothing never has them), then
/// kept until the group goes.
///
/// # Invariants
///
/// `0` is null or comes from `KVBox::into_raw` of a `Calls` that this value
/// owns; once non-null it never changes.
pub(super) struct LazyCalls(AtomicPtr<Calls>);

impl LazyCalls {
    pub(super) const fn new() -> LazyCalls {
        LazyCalls(AtomicPtr::new(core::ptr::null_mut()))
    }

    pub(super) fn get(&self) -> Option<&Calls> {
        let calls = self.0.load(Ordering::Acquire);
        // SAFETY: By the type invariant a non-null pointer is a live `Calls`
        // owned by `self`, which it outlives.
        (!calls.is_null()).then(|| unsafe { &*calls })
    }

    /// The record, allocated first if there is none: `ENOMEM` then.
    pub(super) fn get_or_alloc(&self) -> Result<&Calls> {
        if let Some(calls) = self.get() {
            return Ok(calls);
        }
        let new = KVBox::into_raw(Calls::new()?);
        // INVARIANT: the pointer goes from null to an owned `Calls` once.
        match self.0.compare_exchange(
            core::ptr::null_mut(),
            new,
            Ordering::AcqRel,
            Ordering::Acquire,
        ) {
            Ok(_) => (),
            // SAFETY: `new` came from `into_raw` above and was not stored.
            Err(_) => drop(unsafe { KVBox::from_raw(new) }),
        }
        self.get().ok_or(ENOMEM)
    }
}

impl Drop for LazyCalls {
    fn drop(&mut self) {
        let calls = *self.0.get_mut();
        if !calls.is_null() {
            // SAFETY: By the type invariant `self` owns it.
            drop(unsafe { KVBox::from_raw(calls) });
        }
    }
}

/// A group's published [`Tests`]: read under RCU by the system call path,
/// swapped by writers.
///
/// # Invariants
///
/// `0` is null or comes from `Arc::into_raw` of a `Tests`, whose reference
/// this value owns. It changes only inside the group's seqlock write side
/// (or before the group is online), and a reference it gave up is dropped
/// only after an RCU grace period ([`super::Writer::release_retired`]).
pub(super) struct PublishedTests(AtomicPtr<Tests>);

impl PublishedTests {
    pub(super) const fn new() -> PublishedTests {
        PublishedTests(AtomicPtr::new(core::ptr::null_mut()))
    }

    /// The tests, for a reader inside an RCU read-side critical section (or
    /// a writer) while the group is alive.
    pub(super) fn get(&self) -> Option<&Tests> {
        let tests = self.0.load(Ordering::Acquire);
        // SAFETY: By the type invariant a non-null pointer is a live `Tests`
        // of which `self` holds a reference, or held one less than a grace
        // period ago: its readers are inside RCU, and a writer holds it.
        (!tests.is_null()).then(|| unsafe { &*tests })
    }

    /// A new reference to the tests, for a writer or a new child.
    pub(super) fn clone_arc(&self) -> Option<Arc<Tests>> {
        let tests = self.0.load(Ordering::Acquire);
        if tests.is_null() {
            return None;
        }
        // SAFETY: By the type invariant `tests` came from `into_raw` and
        // `self` holds a reference: taking another one is sound, and the
        // `ManuallyDrop` keeps `self`'s.
        let held = core::mem::ManuallyDrop::new(unsafe { Arc::from_raw(tests) });
        Some(Arc::clone(&held))
    }

    /// Makes `tests` the published ones; returns the reference to the
    /// previous ones, which the caller drops only after a grace period.
    ///
    /// # Safety
    ///
    /// The caller is inside the group's seqlock write side, or the group is
    /// not online.
    pub(super) unsafe fn swap(&self, tests: Option<Arc<Tests>>) -> Option<Arc<Tests>> {
        let new = tests.map_or(core::ptr::null_mut(), |t| Arc::into_raw(t).cast_mut());
        // INVARIANT: `new` came from `into_raw`, and the old reference goes
        // to the caller, who retires it.
        let old = self.0.swap(new, Ordering::AcqRel);
        // SAFETY: By the type invariant a non-null `old` came from
        // `into_raw`, and its reference was ours.
        (!old.is_null()).then(|| unsafe { Arc::from_raw(old) })
    }

    /// Makes `tests` the first published ones of a group that is not
    /// online yet, which has none: should it have some, they stay, and
    /// `tests` go, which no reader saw.
    pub(super) fn set_first(&self, tests: Option<Arc<Tests>>) {
        let Some(tests) = tests else {
            return;
        };
        let new = Arc::into_raw(tests).cast_mut();
        // INVARIANT: `new` came from `into_raw`, and replaces no reference.
        if self
            .0
            .compare_exchange(
                core::ptr::null_mut(),
                new,
                Ordering::AcqRel,
                Ordering::Relaxed,
            )
            .is_err()
        {
            // SAFETY: `new` came from `into_raw` above and was not stored.
            drop(unsafe { Arc::from_raw(new) });
        }
    }

    /// Whether there are tests, as a hint: the pointer is not followed.
    pub(super) fn is_set(&self) -> bool {
        !self.0.load(Ordering::Relaxed).is_null()
    }

    /// Whether `tests` are the published ones.
    pub(super) fn is(&self, tests: Option<&Arc<Tests>>) -> bool {
        let now = self.0.load(Ordering::Relaxed).cast_const();
        tests.map_or(core::ptr::null(), |t| &raw const **t) == now
    }
}

impl Drop for PublishedTests {
    fn drop(&mut self) {
        let tests = *self.0.get_mut();
        if !tests.is_null() {
            // SAFETY: By the type invariant `self` holds this reference; the
            // group goes after a grace period, so no reader holds it.
            drop(unsafe { Arc::from_raw(tests) });
        }
    }
}
