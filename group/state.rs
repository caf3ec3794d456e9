// SPDX-License-Identifier: GPL-2.0

//! The part of a group that C reads: `struct syscalls_cgroup`, with the
//! css, the seqlock, the `checked` bitmap and the `tested` pointer that
//! `syscalls_cgroup_enter()` reads on the system call path, the events
//! files and the work that notifies them.
//!
//! C header: [`include/linux/syscalls_cgroup.h`](srctree/include/linux/syscalls_cgroup.h)

use core::mem::{offset_of, MaybeUninit};
use core::sync::atomic::{AtomicPtr, AtomicU64, Ordering};

use kernel::{bindings, container_of, prelude::*, types::Opaque};

use super::Group;
use crate::cgroup::{Css, CssState};
use crate::set::WORDS;
use crate::sync::{unbound_wq, SeqLock};

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

/// The offset from the css of `syscalls.events`'s handle, for its cftype.
pub(crate) const EVENTS_FILE: usize =
    offset_of!(bindings::syscalls_cgroup, events_file) - offset_of!(bindings::syscalls_cgroup, css);
/// The same for `syscalls.events.local`.
pub(crate) const EVENTS_LOCAL_FILE: usize =
    offset_of!(bindings::syscalls_cgroup, events_local_file)
        - offset_of!(bindings::syscalls_cgroup, css);

/// A group's `struct syscalls_cgroup`.
///
/// # Invariants
///
/// `inner` was zeroed, but for `checked`, all set, and its seqlock and work
/// initialised by [`EntryState::new`], and it has not moved since. Its
/// `checked` words and `tested` pointer are stored to only atomically.
#[pin_data]
pub(crate) struct EntryState {
    #[pin]
    inner: Opaque<bindings::syscalls_cgroup>,
}

// SAFETY: The cgroup core changes the css and the files under its own
// locks; the seqlock serialises its writers; the bitmap and the pointer
// are stored to atomically, and the work is queued through the workqueue
// API, which any thread may call.
unsafe impl Sync for EntryState {}
// SAFETY: Nothing in it is tied to a thread.
unsafe impl Send for EntryState {}

impl EntryState {
    /// A state that checks every call (`checked` all set, as in a group
    /// that filters nothing), its seqlock and work ready: the work is
    /// [`crate::denial::notify_events`].
    pub(crate) fn new() -> impl PinInit<Self> {
        pin_init!(Self {
            // INVARIANT: zeroed, `checked` set, then the seqlock and the
            // delayed work initialised in the pinned, final place.
            // SAFETY: All-zero is a valid `struct syscalls_cgroup` for the
            // core to fill in the css and the files of, and so is any
            // `checked`; the two functions initialise what they are given.
            inner <- Opaque::ffi_init(|state: *mut bindings::syscalls_cgroup| unsafe {
                state.write_bytes(0, 1);
                (&raw mut (*state).checked).write_bytes(0xff, 1);
                bindings::seqlock_init(&raw mut (*state).seqlock);
                bindings::syscalls_cgroup_init_notify(state, Some(crate::denial::notify_events));
            }),
        })
    }

    fn raw(&self) -> *mut bindings::syscalls_cgroup {
        self.inner.get()
    }

    /// The css.
    pub(crate) fn css(&self) -> &Css {
        // SAFETY: The css is a field of the live state, which the core
        // initialises before any callback can reach it.
        unsafe { Css::from_raw(&raw mut (*self.raw()).css) }
    }

    /// The seqlock that the system call path reads the group under.
    pub(crate) fn seqlock(&self) -> &SeqLock {
        // SAFETY: By the type invariant the seqlock is initialised, and it
        // lives in place with `self`.
        unsafe { SeqLock::from_raw(&raw mut (*self.raw()).seqlock) }
    }

    /// Word `i` of the `checked` bitmap; `None` past its end.
    pub(crate) fn checked_word(&self, i: usize) -> Option<&AtomicU64> {
        if i >= WORDS {
            return None;
        }
        // SAFETY: `checked` is an array of `WORDS` aligned 64-bit words (the
        // assertions above) that lives as long as `self`, and `i` is below
        // `WORDS`; it is stored to only atomically (type invariant).
        Some(unsafe { AtomicU64::from_ptr((&raw mut (*self.raw()).checked).cast::<u64>().add(i)) })
    }

    /// Points `tested` to `words`, or to nothing: the system call path
    /// reads it with `READ_ONCE()` and follows it in the read side of the
    /// seqlock. The release orders the stores to `words` before.
    ///
    /// `words` lives as long as the group: it is in its record of calls.
    pub(crate) fn set_tested(&self, words: Option<&[AtomicU64; WORDS]>) {
        // SAFETY: `tested` is an aligned pointer in the live state.
        let tested =
            unsafe { AtomicPtr::from_ptr((&raw mut (*self.raw()).tested).cast::<*mut u64>()) };
        let to = words.map_or(core::ptr::null_mut(), |w| {
            w.as_ptr().cast::<u64>().cast_mut()
        });
        tested.store(to, Ordering::Release);
    }

    /// Whether `tested` points to a bitmap.
    pub(crate) fn has_tested(&self) -> bool {
        // SAFETY: `tested` is an aligned pointer in the live state.
        let tested =
            unsafe { AtomicPtr::from_ptr((&raw mut (*self.raw()).tested).cast::<*mut u64>()) };
        !tested.load(Ordering::Relaxed).is_null()
    }

    /// Queues the notification work to run in `delay` jiffies, holding a
    /// reference to the css until it has run; nothing when it is queued
    /// already (it holds one then).
    pub(crate) fn queue_notification(&self, delay: usize) {
        let held = self.css().get();
        // SAFETY: The work was initialised in `new` and lives with `self`,
        // which the reference keeps alive until the work has run; the
        // system workqueue is never freed.
        let queued = unsafe {
            bindings::queue_delayed_work_on(
                bindings::wq_misc_consts_WORK_CPU_UNBOUND as i32,
                unbound_wq(),
                &raw mut (*self.raw()).notify_work,
                delay,
            )
        };
        if queued {
            // The work drops it: see `Group::from_notification`.
            let _ = held.into_raw();
        }
    }

    /// Notifies the cgroup's `syscalls.events` file, and its
    /// `syscalls.events.local` if `local`; the core ignores a file it never
    /// created (the root's on v2, `events.local` on v1).
    pub(crate) fn notify_events(&self, local: bool) {
        // SAFETY: The files are in the live state.
        unsafe {
            if local {
                bindings::cgroup_file_notify(&raw mut (*self.raw()).events_local_file);
            }
            bindings::cgroup_file_notify(&raw mut (*self.raw()).events_file);
        }
    }
}

// SAFETY: Every css of the subsystem is that of the `EntryState` of a
// `Group`, which `css_alloc` boxes and `css_free` frees: the group is alive
// as long as the css.
unsafe impl CssState for Group {
    const ID: usize = bindings::cgroup_subsys_id_syscalls_cgrp_id as usize;

    fn css(&self) -> &Css {
        self.state.css()
    }

    unsafe fn from_css<'a>(css: *mut bindings::cgroup_subsys_state) -> &'a Group {
        // SAFETY: By the safety requirements `css` is the `css` field of the
        // `inner` of the `state` of a live `Group`; `Opaque` is transparent.
        // 7.x's `container_of!` keeps the pointer's mutability, 6.12's gives
        // a `*const`: cast to the same type on both.
        unsafe {
            let c: *const bindings::syscalls_cgroup =
                container_of!(css, bindings::syscalls_cgroup, css);
            let state: *const EntryState = container_of!(
                c.cast::<Opaque<bindings::syscalls_cgroup>>(),
                EntryState,
                inner
            );
            &*container_of!(state, Group, state)
        }
    }
}

impl Group {
    /// The group whose notification work is `work`, and the reference to
    /// its css that [`EntryState::queue_notification`] took, which keeps it
    /// alive: the caller drops it when done.
    ///
    /// # Safety
    ///
    /// `work` is the notification work of a group, running, queued by
    /// [`EntryState::queue_notification`].
    pub(crate) unsafe fn from_notification<'a>(
        work: *mut bindings::work_struct,
    ) -> (&'a Group, crate::cgroup::CssRef) {
        // SAFETY: By the safety requirements `work` is in the state of a
        // live group, whose css holds the reference the queueing took.
        unsafe {
            let c: *const bindings::syscalls_cgroup =
                container_of!(work, bindings::syscalls_cgroup, notify_work.work);
            let css = (&raw const (*c).css).cast_mut();
            (Group::from_css(css), crate::cgroup::CssRef::from_raw(css))
        }
    }
}
