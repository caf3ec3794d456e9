// SPDX-License-Identifier: GPL-2.0

//! cgroup subsystems in Rust: the css, the walks of a hierarchy and of a
//! cgroup's tasks, and, in [`adapter`], a `struct cgroup_subsys` and its
//! interface files made from a [`CgroupSubsys`] implementation.
//!
//! A controller keeps its state of one cgroup in a type that embeds the
//! css and implements [`CssState`]; the cgroup core's callbacks reach the
//! controller as references to that type, through the trampolines of
//! [`adapter::Adapter`]. The controller's own code needs no `unsafe`.
//!
//! C headers: [`include/linux/cgroup-defs.h`](srctree/include/linux/cgroup-defs.h),
//! [`include/linux/cgroup.h`](srctree/include/linux/cgroup.h)

pub mod adapter;
pub(crate) mod file;

use core::mem::MaybeUninit;
use core::ptr::NonNull;

use kernel::ffi::c_char;
use kernel::{bindings, prelude::*, task::Task, types::Opaque};

use crate::sync::RcuGuard;

pub(crate) use adapter::{Adapter, CgroupSubsys};
pub(crate) use file::{FileSpec, OpenFile};

/// A cgroup subsystem state, `struct cgroup_subsys_state`.
///
/// # Invariants
///
/// Only references to it exist, to a css that the cgroup core initialised
/// and keeps alive while they are.
#[repr(transparent)]
pub(crate) struct Css(Opaque<bindings::cgroup_subsys_state>);

impl Css {
    /// The css at `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` is a css that the cgroup core keeps alive for `'a`.
    pub(crate) unsafe fn from_raw<'a>(ptr: *mut bindings::cgroup_subsys_state) -> &'a Css {
        // INVARIANT: By the safety requirements.
        // SAFETY: `Css` is transparent over the C structure.
        unsafe { &*ptr.cast::<Css>() }
    }

    /// The C structure, for the functions that take it.
    pub(crate) fn as_raw(&self) -> *mut bindings::cgroup_subsys_state {
        self.0.get()
    }

    /// Whether the css is on the default hierarchy, cgroup v2.
    pub(crate) fn on_dfl(&self) -> bool {
        // SAFETY: By the type invariant the css is alive; the core sets its
        // cgroup before any callback can reach it, and a cgroup never
        // changes hierarchy; `cgrp_dfl_root` is a static of the core.
        unsafe { (*(*self.as_raw()).cgroup).root == &raw mut bindings::cgrp_dfl_root }
    }

    /// Writes the path of the css's cgroup, from the root of its hierarchy,
    /// into `buf`, cut to fit with its terminating NUL; returns its length.
    pub(crate) fn path(&self, buf: &mut [u8]) -> usize {
        // SAFETY: By the type invariant the css is alive, and so its cgroup
        // and the cgroup's kernfs node; `buf` is writable for its length,
        // which the function does not exceed.
        let len = unsafe {
            bindings::kernfs_path_from_node(
                (*(*self.as_raw()).cgroup).kn,
                core::ptr::null_mut(),
                buf.as_mut_ptr().cast::<c_char>(),
                buf.len(),
            )
        };
        usize::try_from(len).map_or(0, |n| n.min(buf.len().saturating_sub(1)))
    }

    /// A reference that keeps the css alive until it is dropped.
    pub(crate) fn get(&self) -> CssRef {
        // SAFETY: By the type invariant the css is alive.
        unsafe { bindings::css_get(self.as_raw()) };
        // INVARIANT: the reference was just taken.
        CssRef(NonNull::from(self))
    }
}

/// A counted reference to a css: `css_get()`, and `css_put()` when it is
/// dropped.
///
/// # Invariants
///
/// The pointer holds one reference to the css.
pub(crate) struct CssRef(NonNull<Css>);

impl CssRef {
    /// Gives the reference up to C, as the raw css: [`CssRef::from_raw`]
    /// takes it back.
    pub(crate) fn into_raw(self) -> *mut bindings::cgroup_subsys_state {
        let css = core::mem::ManuallyDrop::new(self);
        css.0.as_ptr().cast()
    }

    /// Takes back a reference that [`CssRef::into_raw`] gave up.
    ///
    /// # Safety
    ///
    /// `css` came from [`CssRef::into_raw`], and its reference is not
    /// taken back twice.
    pub(crate) unsafe fn from_raw(css: *mut bindings::cgroup_subsys_state) -> CssRef {
        // INVARIANT: by the safety requirements, the reference is given back.
        // SAFETY: `into_raw` gave a non-null pointer.
        CssRef(unsafe { NonNull::new_unchecked(css.cast()) })
    }
}

impl core::ops::Deref for CssRef {
    type Target = Css;

    fn deref(&self) -> &Css {
        // SAFETY: By the type invariant the reference keeps the css alive.
        unsafe { self.0.as_ref() }
    }
}

impl Drop for CssRef {
    fn drop(&mut self) {
        // SAFETY: By the type invariant this drops the reference it holds.
        unsafe { bindings::css_put(self.0.as_ptr().cast()) };
    }
}

// SAFETY: A css reference may be taken and put on any thread.
unsafe impl Send for CssRef {}
// SAFETY: A shared `CssRef` only gives a `&Css`, and a css is read and
// changed by the core under its own locks.
unsafe impl Sync for CssRef {}

/// A controller's state of one cgroup, around the css.
///
/// # Safety
///
/// Every css of the subsystem `ID` is embedded in a `Self`, the one that
/// [`CssState::from_css`] returns and [`CssState::css`] is the css of,
/// which the core keeps alive as long as the css.
pub(crate) unsafe trait CssState: Sized + Sync {
    /// The subsystem's `enum cgroup_subsys_id`.
    const ID: usize;

    /// The css of the state.
    fn css(&self) -> &Css;

    /// The state around `css`.
    ///
    /// # Safety
    ///
    /// `css` is a css of the subsystem that stays alive for `'a`.
    unsafe fn from_css<'a>(css: *mut bindings::cgroup_subsys_state) -> &'a Self;

    /// The state of the parent cgroup; `None` for the root.
    fn parent(&self) -> Option<&Self> {
        // SAFETY: The css is alive with `self`; the core sets its parent
        // before any callback can reach it and never changes it.
        let parent = unsafe { (*self.css().as_raw()).parent };
        // SAFETY: By the trait's safety requirements the parent is a css of
        // the subsystem, and a parent outlives its children: the core puts
        // it only when the child is released.
        (!parent.is_null()).then(|| unsafe { Self::from_css(parent) })
    }

    /// The state of `task`'s cgroup, which `rcu` keeps alive even if the
    /// task migrates.
    fn of_task<'a>(task: &Task, _rcu: &'a RcuGuard) -> &'a Self {
        let task = core::ptr::from_ref(task)
            .cast_mut()
            .cast::<bindings::task_struct>();
        // SAFETY: `task` is alive while borrowed (`Task` is transparent);
        // under RCU its `cgroups`, and their css of the subsystem, are:
        // what `task_css()` reads, here without a helper call.
        unsafe {
            let cset = core::ptr::read_volatile(&raw const (*task).cgroups);
            Self::from_css(core::ptr::read_volatile(
                &raw const (*cset).subsys[Self::ID],
            ))
        }
    }

    /// Calls `f` on the state and each of its descendants', parents before
    /// children, inside one RCU read-side critical section: `f` must not
    /// sleep.
    fn for_each_in_subtree(&self, mut f: impl FnMut(&Self)) {
        let _rcu = RcuGuard::new();
        let root = self.css().as_raw();
        // SAFETY: Under RCU, starting the walk at the state's css, alive.
        let mut pos = unsafe { bindings::css_next_descendant_pre(core::ptr::null_mut(), root) };
        while !pos.is_null() {
            // SAFETY: By the trait's safety requirements every css of the
            // walk is in a `Self`; RCU keeps it alive until `_rcu` goes.
            f(unsafe { Self::from_css(pos) });
            // SAFETY: Under RCU; the walk may continue from a removed css.
            pos = unsafe { bindings::css_next_descendant_pre(pos, root) };
        }
    }

    /// Calls `f` on the state and each of its descendants' that is still
    /// alive, parents before children, and stops at the first error. Each
    /// is held by a reference while `f` runs, outside RCU: `f` may sleep.
    fn for_each_held_in_subtree(&self, mut f: impl FnMut(&Self) -> Result) -> Result {
        let root = self.css().as_raw();
        let mut rcu = Some(RcuGuard::new());
        // SAFETY: Under RCU, starting the walk at the state's css, alive.
        let mut pos = unsafe { bindings::css_next_descendant_pre(core::ptr::null_mut(), root) };
        let mut result = Ok(());
        while !pos.is_null() {
            // SAFETY: `pos` came from the walk under RCU, so it is valid to
            // try; a reference keeps it alive once RCU is left.
            let held = unsafe { bindings::css_tryget(pos) };
            if held {
                drop(rcu.take());
                if result.is_ok() {
                    // SAFETY: By the trait's safety requirements the css is
                    // in a `Self`; the reference keeps it alive during `f`.
                    result = f(unsafe { Self::from_css(pos) });
                }
                rcu = Some(RcuGuard::new());
            }
            let cur = pos;
            // SAFETY: Under RCU; `cur` is alive (held, or still visible in
            // the walk), and the walk may continue from a removed css.
            pos = unsafe { bindings::css_next_descendant_pre(cur, root) };
            if held {
                // SAFETY: Drops the reference taken above.
                unsafe { bindings::css_put(cur) };
            }
        }
        drop(rcu);
        result
    }

    /// Calls `f` on each task of the cgroup itself (not of its
    /// descendants). `f` may sleep: the iterator holds a reference to the
    /// task, and no lock, between two calls.
    fn for_each_task(&self, mut f: impl FnMut(&Task)) {
        let mut it = MaybeUninit::<bindings::css_task_iter>::zeroed();
        // SAFETY: `it` is a task iterator for `css_task_iter_start()` to
        // fill; the css is alive while `self` is borrowed.
        unsafe { bindings::css_task_iter_start(self.css().as_raw(), 0, it.as_mut_ptr()) };
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
}

/// The tasks that an `attach` moved, with the state of the cgroup each
/// moved to: `struct cgroup_taskset`.
///
/// # Invariants
///
/// `0` is the taskset of an `attach` callback that is running.
pub(crate) struct Taskset<'a, S>(
    *mut bindings::cgroup_taskset,
    core::marker::PhantomData<&'a S>,
);

impl<S: CssState> Taskset<'_, S> {
    /// Calls `f` on each task with its destination's state.
    pub(crate) fn for_each(&self, mut f: impl FnMut(&Task, &S)) {
        let mut css = core::ptr::null_mut();
        // SAFETY: By the type invariant the taskset is valid; `css`
        // receives the destination css of each task.
        let mut task = unsafe { bindings::cgroup_taskset_first(self.0, &mut css) };
        while !task.is_null() {
            // SAFETY: The task is alive during the attach; `Task` is
            // transparent.
            let moved = unsafe { &*task.cast::<Task>() };
            // SAFETY: The destination css, one of the subsystem, is alive
            // during the attach.
            let to = unsafe { S::from_css(css) };
            f(moved, to);
            // SAFETY: By the type invariant the taskset is valid, and the
            // walk continues from the task `first` or `next` gave.
            task = unsafe { bindings::cgroup_taskset_next(self.0, &mut css) };
        }
    }
}
