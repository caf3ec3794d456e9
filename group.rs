// SPDX-License-Identifier: GPL-2.0

//! The per-cgroup state and its one writer.
//!
//! A [`Group`] wraps the C `struct syscalls_cgroup` that the system call
//! path reads (the css, a seqlock and the bitmap of calls to check) and
//! adds whether the cgroup is filtering and the rules that only writers
//! touch. A [`Writer`] holds the mutex that serialises every change of
//! rules and publishes new sets.
//!
//! C header: [`include/linux/syscalls_cgroup.h`](srctree/include/linux/syscalls_cgroup.h)

use core::cell::UnsafeCell;
use core::mem::MaybeUninit;
use core::sync::atomic::{
    AtomicBool, AtomicPtr, AtomicU16, AtomicU64, AtomicU8, AtomicUsize, Ordering,
};

use kernel::alloc::flags::GFP_KERNEL_ACCOUNT;
use kernel::alloc::{flags, KVBox};
use kernel::sync::{Arc, Mutex};
use kernel::{bindings, container_of, new_mutex, prelude::*, task::Task, types::Opaque};

use crate::abi::Abi;
use crate::cond::{Test, Tests};
use crate::cred::{self, Identity};
use crate::names;
use crate::policy::{self, Arm, Decision, Rules};
use crate::report::RateLimit;
use crate::set::{SyscallSet, BITS, WORDS};
use crate::sync::{
    init_writers, seqlock_read, seqlock_unchanged, seqlock_write, smp_mb, synchronize_rcu,
    RcuGuard, WritersGuard, WRITERS,
};

// The C bitmap and the Rust sets have the same layout: the same tables,
// and `WORDS` 64-bit words.
const _: () = {
    const fn len<T, const N: usize>(_: &[T; N]) -> usize {
        N
    }
    const C: bindings::syscalls_cgroup =
        // SAFETY: All-zero is a valid `struct syscalls_cgroup` value.
        unsafe { MaybeUninit::zeroed().assume_init() };
    assert!(bindings::SYSCALLS_CGROUP_X86_64_NR as usize == crate::abi::tables::X86_64_NR);
    assert!(bindings::SYSCALLS_CGROUP_IA32_NR as usize == crate::abi::tables::IA32_NR);
    assert!(len(&C.checked) == WORDS && core::mem::size_of::<kernel::ffi::c_ulong>() == 8);
};

/// How many cgroups say `exec` in `syscalls.arm`: while none does, no task
/// is judged as unarmed, and neither the denied path nor an exec looks
/// further.
static WAITING_FOR_EXEC: AtomicUsize = AtomicUsize::new(0);

/// How many online cgroups put conditions on calls in their own rules:
/// while none does, nothing is tested, and a write builds no tests.
static CONDITIONED: AtomicUsize = AtomicUsize::new(0);

/// One cgroup less puts conditions on calls; never below none, should a
/// cgroup go offline while a writer drops its conditions.
fn forget_conditioned() {
    let _ = CONDITIONED.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1));
}

/// Whether a cgroup says `exec` in `syscalls.arm`.
#[inline]
pub(crate) fn any_waits_for_exec() -> bool {
    WAITING_FOR_EXEC.load(Ordering::Relaxed) != 0
}

/// How many delegatees with different powers may write rules in one
/// cgroup.
pub(crate) const MAX_DELEGATEES: usize = 4;

/// The delegatees who wrote a cgroup's rules, each once.
type Delegatees = [Option<Identity>; MAX_DELEGATEES];

/// What a group's files show of its own settings: written by a [`Writer`],
/// read by anyone, under the group's own lock.
struct Own {
    /// The rules of this cgroup itself; `None` until it has any, so that a
    /// cgroup without rules does not pay for their room.
    rules: Option<KBox<Rules>>,
    /// Whether `syscalls.learn` is on.
    learn: bool,
}

/// What only writers touch, under [`WRITERS`].
struct WriterState {
    /// The delegatees who made `rules` stricter than the administrators'.
    delegatees: Delegatees,
    /// Whether this cgroup or an ancestor has delegatees.
    delegated: bool,
    /// The tests a write prepared for the group, which [`Writer::publish`]
    /// then publishes (`Some(None)`: none).
    pending: Option<Option<Arc<Tests>>>,
    /// The tests last unpublished, dropped once no reader can hold them.
    retired: Option<Arc<Tests>>,
    /// Whether the group's own rules put conditions on calls.
    conditioned: bool,
    /// Whether the group's `tested` bitmap has a bit set.
    tested_any: bool,
}

/// What a group keeps per system call: too large for the group itself, it
/// has an allocation of its own (`kvmalloc`), zeroed.
pub(crate) struct Calls {
    /// The [`Decision`] on each call, encoded. Stored to only inside the
    /// seqlock's write side, by a [`Writer`].
    decisions: [AtomicU16; BITS],
    /// The same, by the administrators' rules alone: for the tasks that a
    /// delegatee on the path has no power over.
    trusted: [AtomicU16; BITS],
    /// Denials of each call by tasks of the subtree.
    denials: [AtomicU64; BITS],
    /// The calls that tasks of the group made while it was learning.
    used: [AtomicU64; WORDS],
    /// The `tested` bitmap of the C state, which points here once the
    /// record exists. Stored to only inside the seqlock's write side.
    tested: [AtomicU64; WORDS],
}

impl Calls {
    /// A zeroed record: every call allowed, nothing counted or used.
    fn new() -> Result<KVBox<Calls>> {
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
struct LazyCalls(AtomicPtr<Calls>);

impl LazyCalls {
    const fn new() -> LazyCalls {
        LazyCalls(AtomicPtr::new(core::ptr::null_mut()))
    }

    fn get(&self) -> Option<&Calls> {
        let calls = self.0.load(Ordering::Acquire);
        // SAFETY: By the type invariant a non-null pointer is a live `Calls`
        // owned by `self`, which it outlives.
        (!calls.is_null()).then(|| unsafe { &*calls })
    }

    /// The record, allocated first if there is none: `ENOMEM` then.
    fn get_or_alloc(&self) -> Result<&Calls> {
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
/// only after an RCU grace period ([`Writer::release_retired`]).
struct PublishedTests(AtomicPtr<Tests>);

impl PublishedTests {
    const fn new() -> PublishedTests {
        PublishedTests(AtomicPtr::new(core::ptr::null_mut()))
    }

    /// The tests, for a reader inside an RCU read-side critical section (or
    /// a writer) while the group is alive.
    fn get(&self) -> Option<&Tests> {
        let tests = self.0.load(Ordering::Acquire);
        // SAFETY: By the type invariant a non-null pointer is a live `Tests`
        // of which `self` holds a reference, or held one less than a grace
        // period ago: its readers are inside RCU, and a writer holds it.
        (!tests.is_null()).then(|| unsafe { &*tests })
    }

    /// A new reference to the tests, for a writer or a new child.
    fn clone_arc(&self) -> Option<Arc<Tests>> {
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
    unsafe fn swap(&self, tests: Option<Arc<Tests>>) -> Option<Arc<Tests>> {
        let new = tests.map_or(core::ptr::null_mut(), |t| Arc::into_raw(t).cast_mut());
        // INVARIANT: `new` came from `into_raw`, and the old reference goes
        // to the caller, who retires it.
        let old = self.0.swap(new, Ordering::AcqRel);
        // SAFETY: By the type invariant a non-null `old` came from
        // `into_raw`, and its reference was ours.
        (!old.is_null()).then(|| unsafe { Arc::from_raw(old) })
    }

    /// Whether there are tests, as a hint: the pointer is not followed.
    fn is_set(&self) -> bool {
        !self.0.load(Ordering::Relaxed).is_null()
    }

    /// Whether `tests` are the published ones.
    fn is(&self, tests: Option<&Arc<Tests>>) -> bool {
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
/// The controller's state of one cgroup.
///
/// # Invariants
///
/// `state` was zeroed, but for `checked`, all set, and its seqlock and
/// work initialised by [`Group::new`], and it has not moved since. Its `checked` bitmap is
/// stored to only inside the seqlock's write side, by a [`Writer`] or by
/// [`Group::learn`] (which only clears bits), and so are `filtering`,
/// `delegated`, `rulers`, `learning`, `effective` and the decisions of
/// `calls`, but
/// for the stores [`Group::inherit`] makes before the group is online,
/// when nothing reads them. `writer` is accessed only by the holder of
/// [`WRITERS`] once `online` is set, and before that only by
/// [`Group::inherit`], which sets it. Each non-null pointer of `rulers` is
/// a cred of an [`Identity`] in `writer`'s `delegatees`, published before
/// it is stored there and unpublished before it goes.
#[pin_data]
pub(crate) struct Group {
    #[pin]
    state: Opaque<bindings::syscalls_cgroup>,
    /// Whether the group checks calls at all (denies or learns); while it
    /// does not, every bit of `checked` is set. Stored to under the seqlock.
    filtering: AtomicBool,
    /// Whether delegatees wrote rules here or in an ancestor.
    delegated: AtomicBool,
    /// The writer and opener creds of the delegatees of the group's own
    /// rules, for the system call path to read under RCU.
    rulers: [[AtomicPtr<bindings::cred>; 2]; MAX_DELEGATEES],
    /// Whether the group is learning. Stored to under the seqlock.
    learning: AtomicBool,
    /// The effective set, as reads show it. Stored to under the seqlock.
    effective: [AtomicU64; WORDS],
    /// Denials by tasks of the group itself: `syscalls.events.local`.
    denied_local: AtomicU64,
    /// Denials by tasks of removed descendants, added when they went.
    denied_gone: AtomicU64,
    /// Whether `notify_work` is queued, holding a reference to the css.
    notify_pending: AtomicBool,
    /// When `notify_work` last ran, in jiffies.
    notified: AtomicUsize,
    /// The budget of the group's denial lines.
    log_limit: RateLimit,
    /// Between `css_online` and `css_offline`: updates must reach it.
    online: AtomicBool,
    /// `syscalls.arm`: an [`Arm`], encoded.
    arm: AtomicU8,
    calls: LazyCalls,
    /// The conditions on calls' arguments that judge the group's tasks.
    tests: PublishedTests,
    #[pin]
    own: Mutex<Own>,
    writer: UnsafeCell<WriterState>,
}

// SAFETY: `rules` is only reached through a `Writer`, which holds the
// global mutex; `state` is read under its seqlock and written by writers.
unsafe impl Sync for Group {}
// SAFETY: Nothing in a `Group` is tied to a thread.
unsafe impl Send for Group {}

impl Group {
    /// A group that denies nothing, its seqlock and work ready. `notify` is
    /// the work function that notifies its events files.
    pub(crate) fn new(
        notify: unsafe extern "C" fn(*mut bindings::work_struct),
    ) -> impl PinInit<Self> {
        pin_init!(Self {
            // SAFETY: All-zero is a valid `struct syscalls_cgroup` for the
            // core to fill in the css and the files of, and so is any
            // `checked`: all ones, as in a group that filters nothing;
            // `seqlock_init()` and `syscalls_cgroup_init_notify()` then
            // initialise the seqlock and the delayed work in the pinned,
            // final place.
            state <- Opaque::ffi_init(|state: *mut bindings::syscalls_cgroup| unsafe {
                state.write_bytes(0, 1);
                (&raw mut (*state).checked).write_bytes(0xff, 1);
                bindings::seqlock_init(&raw mut (*state).seqlock);
                bindings::syscalls_cgroup_init_notify(state, Some(notify));
            }),
            filtering: AtomicBool::new(false),
            delegated: AtomicBool::new(false),
            rulers: Default::default(),
            learning: AtomicBool::new(false),
            effective: Default::default(),
            denied_local: AtomicU64::new(0),
            denied_gone: AtomicU64::new(0),
            notify_pending: AtomicBool::new(false),
            notified: AtomicUsize::new(0),
            log_limit: RateLimit::new(),
            online: AtomicBool::new(false),
            arm: AtomicU8::new(Arm::Inherit as u8),
            calls: LazyCalls::new(),
            tests: PublishedTests::new(),
            own <- new_mutex!(
                Own {
                    rules: None,
                    learn: false,
                },
                "syscalls_cgroup_own"
            ),
            writer: UnsafeCell::new(WriterState {
                delegatees: Default::default(),
                delegated: false,
                pending: None,
                retired: None,
                conditioned: false,
                tested_any: false,
            }),
        })
    }

    /// The group around `css`.
    ///
    /// # Safety
    ///
    /// `css` points to the css of a `Group` that stays alive for `'a`.
    pub(crate) unsafe fn from_css<'a>(css: *mut bindings::cgroup_subsys_state) -> &'a Group {
        // SAFETY: By the safety requirements `css` is the `css` field of the
        // `state` of a live `Group`; `Opaque` is transparent.
        unsafe {
            let state = container_of!(css, bindings::syscalls_cgroup, css);
            &*container_of!(
                state.cast::<Opaque<bindings::syscalls_cgroup>>(),
                Group,
                state
            )
        }
    }

    /// The group whose `notify_work` is `work`.
    ///
    /// # Safety
    ///
    /// `work` is the `notify_work` of a `Group` that stays alive for `'a`.
    pub(crate) unsafe fn from_work<'a>(work: *mut bindings::work_struct) -> &'a Group {
        // SAFETY: By the safety requirements `work` is in the state of a
        // live group, whose css is alive with it.
        unsafe {
            // 7.x's `container_of!` keeps the pointer's mutability, 6.12's
            // gives a `*const`: the same type on both.
            let state: *const bindings::syscalls_cgroup =
                container_of!(work, bindings::syscalls_cgroup, notify_work.work);
            Group::from_css(&raw mut (*state.cast_mut()).css)
        }
    }

    /// The group of `task`.
    ///
    /// # Safety
    ///
    /// The caller is in an RCU read-side critical section for `'a`, which
    /// keeps the task's css alive even if the task migrates.
    pub(crate) unsafe fn of_task<'a>(task: &Task) -> &'a Group {
        let task = core::ptr::from_ref(task)
            .cast_mut()
            .cast::<bindings::task_struct>();
        // SAFETY: `task` is alive; under RCU its `cgroups` and their css
        // of this subsystem, which is inside a `Group`, are: what
        // `task_css()` reads, here without a helper call.
        unsafe {
            let cset = core::ptr::read_volatile(&raw const (*task).cgroups);
            Group::from_css(core::ptr::read_volatile(
                &raw const (*cset).subsys[bindings::cgroup_subsys_id_syscalls_cgrp_id as usize],
            ))
        }
    }

    /// The css of the group.
    pub(crate) fn css(&self) -> *mut bindings::cgroup_subsys_state {
        // SAFETY: Only a field address: `state` is alive with `self`.
        unsafe { &raw mut (*self.state.get()).css }
    }

    /// The parent's group; `None` for the root.
    pub(crate) fn parent(&self) -> Option<&Group> {
        // SAFETY: The core initialises the css before any callback can reach
        // this group, and never changes its parent.
        let parent = unsafe { (*self.css()).parent };
        if parent.is_null() {
            None
        } else {
            // SAFETY: Every css of this subsystem is in a `Group`, and a
            // parent outlives its children: the core puts the parent only
            // when the child is released.
            Some(unsafe { Group::from_css(parent) })
        }
    }

    fn seqlock(&self) -> *mut bindings::seqlock_t {
        // SAFETY: Only a field address: `state` is alive with `self`.
        unsafe { &raw mut (*self.state.get()).seqlock }
    }

    /// Word `i` of the `checked` bitmap; `None` past its end.
    fn checked_word(&self, i: usize) -> Option<&AtomicU64> {
        if i >= WORDS {
            return None;
        }
        // SAFETY: `checked` is an array of `WORDS` aligned 64-bit words (the
        // assertions above) that lives as long as `self`, and `i` is below
        // `WORDS`; writers store to them atomically (type invariant).
        Some(unsafe {
            AtomicU64::from_ptr((&raw mut (*self.state.get()).checked).cast::<u64>().add(i))
        })
    }

    /// Stores the calls to check, inside the seqlock's write side or before
    /// the group is online, and whether the group is filtering: it is when
    /// there are any. A group that is not sends every call to the slow path
    /// (all bits set), where a task with a stale work bit drops it: so the
    /// system call path needs no flag of its own. Returns whether the group
    /// was filtering before.
    fn store_checked(&self, checked: &SyscallSet) -> bool {
        let filtering = !checked.is_empty();
        let words = if filtering {
            checked.words
        } else {
            [!0; WORDS]
        };
        for (i, w) in words.into_iter().enumerate() {
            if let Some(a) = self.checked_word(i) {
                a.store(w, Ordering::Relaxed);
            }
        }
        self.filtering.swap(filtering, Ordering::Relaxed)
    }

    /// The group's record of calls, allocated first if there is none
    /// (`ENOMEM` then).
    fn calls_ready(&self) -> Result<&Calls> {
        self.calls.get_or_alloc()
    }

    /// Stores `words` into the `tested` bitmap of `calls`, the group's
    /// record, and points the C state's `tested` to it when a bit is set,
    /// or to nothing: so that a cgroup without tested calls costs its
    /// denied calls one load. Inside the seqlock's write side.
    fn store_tested(&self, calls: &Calls, words: [u64; WORDS]) {
        for (a, w) in calls.tested.iter().zip(words) {
            a.store(w, Ordering::Relaxed);
        }
        // SAFETY: `tested` is an aligned pointer in `state`, which lives as
        // long as `self`; the system call path reads it with `READ_ONCE()`.
        let tested = unsafe {
            AtomicPtr::from_ptr((&raw mut (*self.state.get()).tested).cast::<*mut u64>())
        };
        let to = if words.iter().any(|&w| w != 0) {
            calls.tested.as_ptr().cast::<u64>().cast_mut()
        } else {
            core::ptr::null_mut()
        };
        // The release orders the words before the pointer.
        tested.store(to, Ordering::Release);
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
        // SAFETY: As in `is_filtering`.
        allowed && unsafe { seqlock_unchanged(self.seqlock(), seq) }
    }

    /// The calls that argument conditions alone decide on, for the system
    /// call path to let through when they allow them: the calls `tests`
    /// test and `effective` does not deny, in a cgroup whose conditions
    /// judge every task alike (no delegatee wrote any on the path, as the
    /// one who could not judge a task would have to be found) and that
    /// does not learn (a learning cgroup records its calls on the slow
    /// path).
    fn tested_calls(
        tests: Option<&Tests>,
        effective: &SyscallSet,
        delegated: bool,
        learning: bool,
    ) -> SyscallSet {
        match tests {
            Some(tests) if !delegated && !learning => {
                let mut calls = tests.calls;
                calls.subtract(effective);
                calls
            }
            _ => SyscallSet::EMPTY,
        }
    }

    /// Whether the group is on the unified hierarchy, cgroup v2.
    pub(crate) fn on_v2(&self) -> bool {
        // SAFETY: The core sets the css's cgroup before any callback can
        // reach this group, and a cgroup never changes hierarchy;
        // `cgrp_dfl_root` is a static of the cgroup core.
        unsafe { (*(*self.css()).cgroup).root == &raw mut bindings::cgrp_dfl_root }
    }

    /// Whether the group denies any system call.
    pub(crate) fn is_filtering(&self) -> bool {
        // SAFETY: As in `effective`.
        unsafe { seqlock_read(self.seqlock(), || self.filtering.load(Ordering::Relaxed)) }
    }

    /// What the group decides on call `nr` of `abi` for the task of
    /// objective credentials `task`, with whether the group is filtering
    /// and learning, read together. Where delegatees wrote rules on the
    /// path, a task that one of them has no power over is judged by the
    /// administrators' rules alone; that is decided inside the same read
    /// section, so that a writer's change of the decisions or of the
    /// delegatees cannot fall between the two.
    ///
    /// # Safety
    ///
    /// The caller is in an RCU read-side critical section in which `task`
    /// is live, and which keeps the group alive.
    /// Inline, as the system call path makes it on every call it decides
    /// out of line; [`Group::look_again`] is for the rarer second look.
    #[inline(always)]
    pub(crate) unsafe fn look(&self, abi: Abi, nr: usize, task: *const bindings::cred) -> Look<'_> {
        let bit = abi.first_bit() + nr;
        // SAFETY: As in `is_filtering`.
        unsafe {
            seqlock_read(self.seqlock(), || {
                let mut decision = self.decision(bit);
                let tests = self.tests.get();
                let mut trusted = false;
                if self.delegated.load(Ordering::Relaxed)
                    && (decision != Decision::Allow || tests.is_some())
                    // SAFETY: By the safety requirements.
                    && !self.rulers_have_power(task)
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
    }

    /// [`Group::look`], out of line: for the system call path's second look
    /// (at an unarmed task's judge, or at the call a restart continues).
    ///
    /// # Safety
    ///
    /// As for [`Group::look`].
    #[inline(never)]
    pub(crate) unsafe fn look_again(
        &self,
        abi: Abi,
        nr: usize,
        task: *const bindings::cred,
    ) -> Look<'_> {
        // SAFETY: By the safety requirements.
        unsafe { self.look(abi, nr, task) }
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
    ///
    /// # Safety
    ///
    /// The caller is in an RCU read-side critical section in which `task`
    /// is live, and which keeps the group alive.
    pub(crate) unsafe fn rulers_have_power(&self, task: *const bindings::cred) -> bool {
        let mut group = Some(self);
        while let Some(g) = group {
            // SAFETY: As in `is_filtering`.
            let rulers = unsafe {
                seqlock_read(g.seqlock(), || {
                    g.rulers
                        .each_ref()
                        .map(|[w, o]| [w.load(Ordering::Relaxed), o.load(Ordering::Relaxed)])
                })
            };
            for cred in rulers.iter().flatten().filter(|c| !c.is_null()) {
                // SAFETY: A published cred is held by the group until it is
                // unpublished, and freed a grace period after its last put
                // (type invariant): the caller's RCU section keeps it.
                if !unsafe { cred::has_power(*cred, task) } {
                    return false;
                }
            }
            group = g.parent();
        }
        true
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
        let (Some(used), Some(word)) = (calls.used.get(bit / 64), self.checked_word(bit / 64))
        else {
            return;
        };
        let mask = 1u64 << (bit % 64);
        used.fetch_or(mask, Ordering::Relaxed);
        // Inside the write side, a writer's publication comes wholly before
        // or after: the bit goes only if the group still learns, the call is
        // still recorded (a new `learn` clears the record first) and still
        // allowed, and it is not `restart_syscall`, which is always checked.
        // SAFETY: As in `is_filtering`.
        unsafe {
            seqlock_write(self.seqlock(), || {
                if self.learning.load(Ordering::Relaxed)
                    && used.load(Ordering::Relaxed) & mask != 0
                    && self.decision(bit) == Decision::Allow
                    && !self.tests_call(bit)
                    && !names::RESTART_SYSCALL.contains(abi, nr)
                {
                    word.fetch_and(!mask, Ordering::Relaxed);
                }
            })
        };
    }

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

    /// Calls `f` on the group and each of its descendants, under RCU.
    fn for_each_in_subtree(&self, mut f: impl FnMut(&Group)) {
        let _rcu = RcuGuard::new();
        let root = self.css();
        // SAFETY: Under RCU, starting the walk at the group's css, alive.
        let mut pos = unsafe { bindings::css_next_descendant_pre(core::ptr::null_mut(), root) };
        while !pos.is_null() {
            // SAFETY: Every css of this subsystem is in a `Group`; RCU keeps
            // the css of the walk alive until `_rcu` goes.
            f(unsafe { Group::from_css(pos) });
            // SAFETY: Under RCU; the walk may continue from a removed css.
            pos = unsafe { bindings::css_next_descendant_pre(pos, root) };
        }
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

    /// Whether updates must reach the group.
    pub(crate) fn is_online(&self) -> bool {
        self.online.load(Ordering::Acquire)
    }

    /// The group leaves: updates need not reach it any more, and it no
    /// longer waits for an exec.
    pub(crate) fn set_offline(&self) {
        // Its conditions test nothing any more, whatever its rules say.
        if self.with_own(|rules, _| rules.has_conditions()) {
            forget_conditioned();
        }
        self.online.store(false, Ordering::Release);
        self.set_arm(Arm::Inherit);
    }

    /// The group's own `syscalls.arm`.
    pub(crate) fn arm(&self) -> Arm {
        Arm::decode(self.arm.load(Ordering::Acquire))
    }

    /// Sets the group's own `syscalls.arm`: in force for the next call of
    /// every task (the system call path reads it there).
    pub(crate) fn set_arm(&self, arm: Arm) {
        let was = Arm::decode(self.arm.swap(arm as u8, Ordering::AcqRel));
        match (was == Arm::Exec, arm == Arm::Exec) {
            (false, true) => WAITING_FOR_EXEC.fetch_add(1, Ordering::AcqRel),
            (true, false) => WAITING_FOR_EXEC.fetch_sub(1, Ordering::AcqRel),
            _ => 0,
        };
    }

    /// The group whose rules judge a task of this group that is not armed
    /// (has made no `execve()` in a cgroup that waits for one), by
    /// [`policy::unarmed_judge`]; `None` when every level waits.
    ///
    /// Under RCU or another reference that keeps the group alive, as its
    /// ancestors are with it.
    pub(crate) fn judge_of_unarmed(&self) -> Option<&Group> {
        let up = policy::unarmed_judge(self.ancestors().map(Group::arm))?;
        self.ancestors().nth(up)
    }

    /// The group, then its parent, and so on up to the root.
    fn ancestors(&self) -> impl Iterator<Item = &Group> {
        core::iter::successors(Some(self), |g| g.parent())
    }

    /// Whether a task of the group that is not armed is judged by other
    /// rules than the group's: the group waits for an exec.
    pub(crate) fn waits_for_exec(&self) -> bool {
        any_waits_for_exec()
            && !self
                .judge_of_unarmed()
                .is_some_and(|j| core::ptr::eq(j, self))
    }

    /// The group's effective set, as its files show it.
    pub(crate) fn effective_set(&self) -> SyscallSet {
        // SAFETY: As in `is_filtering`.
        unsafe { seqlock_read(self.seqlock(), || self.load_effective()) }
    }

    /// The effective set as last stored: consistent inside the seqlock.
    fn load_effective(&self) -> SyscallSet {
        let mut set = SyscallSet::EMPTY;
        for (w, a) in set.words.iter_mut().zip(self.effective.iter()) {
            *w = a.load(Ordering::Relaxed);
        }
        set
    }

    /// Calls `f` with the group's own rules and whether it learns, under
    /// the group's lock, without copying the rules.
    pub(crate) fn with_own<R>(&self, f: impl FnOnce(&Rules, bool) -> R) -> R {
        let own = self.own.lock();
        f(own.rules.as_deref().unwrap_or(&Rules::EMPTY), own.learn)
    }

    /// Makes sure the group has its record of calls: `ENOMEM` otherwise.
    pub(crate) fn prepare_calls(&self) -> Result {
        self.calls_ready().map(|_| ())
    }

    /// The root goes online; it has no parent to take a set from.
    pub(crate) fn inherit_nothing(&self) {
        self.online.store(true, Ordering::Release);
    }

    /// A new group, not online yet, takes its parent's effective set and
    /// decisions, and goes online: inside the parent's write side, so that
    /// a writer publishes the parent wholly before (this copies the new
    /// set) or after (the writer then finds this group online and publishes
    /// it too). No global lock: the writers' mutex is not taken.
    pub(crate) fn inherit(&self, parent: &Group) -> Result {
        // A parent that filters gives its child its decisions: allocated
        // first (it may sleep), and again should the parent start
        // filtering in between.
        loop {
            if !parent.effective_set().is_empty() || parent.tests.is_set() {
                self.prepare_calls()?;
            }
            if self.try_inherit(parent) {
                return Ok(());
            }
        }
    }

    /// [`Group::inherit`] once the record of calls is there if needed;
    /// `false` when the parent filters and the record is not.
    fn try_inherit(&self, parent: &Group) -> bool {
        // SAFETY: The seqlock was initialised in `new` and lives with
        // `parent`, which outlives its child.
        unsafe {
            seqlock_write(parent.seqlock(), || {
                let effective = parent.load_effective();
                let calls = self.calls.get();
                let tests = parent.tests.clone_arc();
                if calls.is_none() && (!effective.is_empty() || tests.is_some()) {
                    return false;
                }
                let delegated = parent.delegated.load(Ordering::Relaxed);
                // INVARIANT: the group is not online, so no writer touches
                // its writer state and no task reads its published state
                // yet: the stores below need neither the writers' mutex nor
                // its seqlock.
                // SAFETY: By the invariant above, nothing else reaches the
                // writer state of a group that is not online.
                let state = &mut *self.writer.get();
                state.delegated = delegated;
                if let Some(calls) = calls {
                    for bit in effective.bits() {
                        if let (Some(d), Some(t)) =
                            (calls.decisions.get(bit), calls.trusted.get(bit))
                        {
                            d.store(parent.decision(bit).encode(), Ordering::Relaxed);
                            t.store(parent.trusted_decision(bit).encode(), Ordering::Relaxed);
                        }
                    }
                }
                let checked = policy::checked(&effective, tests.as_deref().map(|t| &t.calls));
                let tested = Self::tested_calls(tests.as_deref(), &effective, delegated, false);
                state.tested_any = !tested.is_empty();
                // SAFETY: The group is not online.
                drop(self.tests.swap(tests));
                self.store_checked(&checked);
                if let Some(calls) = calls {
                    self.store_tested(calls, tested.words);
                }
                for (a, w) in self.effective.iter().zip(effective.words) {
                    a.store(w, Ordering::Relaxed);
                }
                self.delegated.store(delegated, Ordering::Relaxed);
                self.online.store(true, Ordering::Release);
                true
            })
        }
    }

    /// Calls `f` on each task of the group itself (not of its descendants).
    /// `f` may sleep: the iterator holds a reference to the task, and no
    /// lock, between two calls.
    fn for_each_task(&self, mut f: impl FnMut(&Task)) {
        let mut it = MaybeUninit::<bindings::css_task_iter>::zeroed();
        // SAFETY: `it` is a task iterator for `css_task_iter_start()` to
        // fill; the css is alive while its group is borrowed.
        unsafe { bindings::css_task_iter_start(self.css(), 0, it.as_mut_ptr()) };
        loop {
            // SAFETY: `it` was started above and is not ended yet.
            let task = unsafe { bindings::css_task_iter_next(it.as_mut_ptr()) };
            if task.is_null() {
                break;
            }
            // SAFETY: The iterator holds a reference to the task it returned
            // until the next call; `Task` is transparent.
            f(unsafe { &*task.cast::<Task>() });
        }
        // SAFETY: Ends the iteration started above.
        unsafe { bindings::css_task_iter_end(it.as_mut_ptr()) };
    }

    /// The thread IDs, in the reader's PID namespace, of the user tasks of
    /// the group that its rules do not judge yet: it waits for an exec and
    /// they are not armed. Empty when the group does not wait.
    pub(crate) fn unarmed_tasks(&self) -> Result<KVec<i32>> {
        let mut ids = KVec::new();
        if !self.waits_for_exec() {
            return Ok(ids);
        }
        let mut result = Ok(());
        self.for_each_task(|task| {
            let t = core::ptr::from_ref(task)
                .cast_mut()
                .cast::<bindings::task_struct>();
            // SAFETY: `t` is alive while borrowed; the flags are read once,
            // its pid through the kernel's own lookup, in the namespace of
            // the reader (current) for a null namespace.
            let (flags, id) = unsafe {
                (
                    (*t).flags,
                    bindings::__task_pid_nr_ns(
                        t,
                        bindings::pid_type_PIDTYPE_PID,
                        core::ptr::null_mut(),
                    ),
                )
            };
            if flags & bindings::PF_KTHREAD == 0
                && !crate::check::is_armed(task)
                && id > 0
                && result.is_ok()
            {
                result = ids.push(id, GFP_KERNEL_ACCOUNT).map_err(Error::from);
            }
        });
        result.map(|()| ids)
    }

    /// The delayed work that notifies the events files.
    pub(crate) fn notify_work(&self) -> *mut bindings::delayed_work {
        // SAFETY: Only a field address: `state` is alive with `self`.
        unsafe { &raw mut (*self.state.get()).notify_work }
    }

    /// `syscalls.events` and `syscalls.events.local` of the group.
    pub(crate) fn events_files(&self) -> (*mut bindings::cgroup_file, *mut bindings::cgroup_file) {
        // SAFETY: Only field addresses: `state` is alive with `self`.
        unsafe {
            (
                &raw mut (*self.state.get()).events_file,
                &raw mut (*self.state.get()).events_local_file,
            )
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
    /// Sets up the writers' mutex.
    ///
    /// # Safety
    ///
    /// Called once, before anything else of the controller runs: by the
    /// `css_alloc` of the root, at boot.
    pub(crate) unsafe fn init() {
        // SAFETY: By the safety requirements.
        unsafe { init_writers() };
    }

    /// Waits to become the writer.
    pub(crate) fn lock() -> Writer {
        Writer {
            _guard: WRITERS.lock(),
            retired: false,
        }
    }

    fn state<'a>(&'a self, group: &'a Group) -> &'a WriterState {
        // SAFETY: By the type invariant of `Group`, `writer` is only touched
        // under `WRITERS`, which `self` holds; no `&mut` to it is alive
        // while `self` is borrowed shared.
        unsafe { &*group.writer.get() }
    }

    fn state_mut<'a>(&'a mut self, group: &'a Group) -> &'a mut WriterState {
        // SAFETY: As in `state`; `self` is borrowed exclusively, so this is
        // the only reference to any group's writer state.
        unsafe { &mut *group.writer.get() }
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

    /// Takes the delegatees of the group away. The caller drops them only
    /// after [`Writer::publish`] unpublished them.
    pub(crate) fn take_delegatees(&mut self, group: &Group) -> Delegatees {
        core::mem::take(&mut self.state_mut(group).delegatees)
    }

    /// Whether delegatees wrote rules in the group or an ancestor.
    pub(crate) fn delegated(&self, group: &Group) -> bool {
        self.state(group).delegated
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
        let state = self.state_mut(group);
        state.delegated = delegated;
        let mut rulers = [[core::ptr::null_mut(); 2]; MAX_DELEGATEES];
        for (r, d) in rulers.iter_mut().zip(state.delegatees.iter()) {
            if let Some(d) = d {
                *r = [d.writer.as_ptr(), d.opener.as_ptr()];
            }
        }
        // The bitmap sends to the slow path the calls to decide there, and,
        // while the group learns, those it has not recorded yet.
        // Without tests (most groups), the bitmap of tested calls is left
        // as it is when it is empty already.
        let tested = tests
            .as_deref()
            .map(|t| Group::tested_calls(Some(t), effective, delegated, learning));
        let store_tested = tested.is_some() || state.tested_any;
        state.tested_any = tested.as_ref().is_some_and(|t| !t.is_empty());
        let mut checked = policy::checked(effective, tests.as_deref().map(|t| &t.calls));
        if learning {
            checked.union_with(&group.used().complement());
        }
        // INVARIANT: the stores happen inside the write side.
        // SAFETY: The seqlock was initialised in `new` and lives with `group`.
        let (was_filtering, retired) = unsafe {
            seqlock_write(group.seqlock(), || {
                // SAFETY: Inside the write side.
                let retired = if swap { group.tests.swap(tests) } else { None };
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
                for (a, r) in group.rulers.iter().zip(rulers) {
                    a[0].store(r[0], Ordering::Relaxed);
                    a[1].store(r[1], Ordering::Relaxed);
                }
                group.delegated.store(delegated, Ordering::Relaxed);
                group.learning.store(learning, Ordering::Relaxed);
                (was, retired)
            })
        };
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
        let root_css = root.css();
        let mut rcu = Some(RcuGuard::new());
        // SAFETY: Under RCU, starting the walk at `root_css`, which is alive.
        let mut pos = unsafe { bindings::css_next_descendant_pre(core::ptr::null_mut(), root_css) };
        let mut result = Ok(());
        while !pos.is_null() {
            // SAFETY: `pos` came from the walk under RCU, so it is valid to
            // try; a reference keeps it alive once RCU is left.
            let held = unsafe { bindings::css_tryget(pos) };
            if held {
                drop(rcu.take());
                if result.is_ok() {
                    // SAFETY: Every css of this subsystem is in a `Group`,
                    // and the reference keeps it alive during `f`.
                    result = f(self, unsafe { Group::from_css(pos) });
                }
                rcu = Some(RcuGuard::new());
            }
            let cur = pos;
            // SAFETY: Under RCU; `cur` is alive (held, or still visible in
            // the walk), and the walk may continue from a removed css.
            pos = unsafe { bindings::css_next_descendant_pre(cur, root_css) };
            if held {
                // SAFETY: Drops the reference taken above.
                unsafe { bindings::css_put(cur) };
            }
        }
        drop(rcu);
        result
    }

    /// Sets the work bit on every user task of the group, so that its next
    /// system call is checked.
    pub(crate) fn mark_tasks(&mut self, group: &Group) {
        group.for_each_task(mark_task);
    }
}

/// Sets the work bit of `task` unless it is a kernel thread, which makes
/// no system calls of its own and is never filtered.
pub(crate) fn mark_task(task: &Task) {
    let task = core::ptr::from_ref(task)
        .cast_mut()
        .cast::<bindings::task_struct>();
    // SAFETY: `task` is alive while borrowed; its flags are read once.
    if unsafe { (*task).flags } & bindings::PF_KTHREAD == 0 {
        // SAFETY: As above; setting the bit is an atomic operation.
        unsafe { bindings::syscalls_cgroup_set_work(task) };
    }
}
