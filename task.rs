// SPDX-License-Identifier: GPL-2.0

//! What the controller reads and sets of a task: its work bit, whether it
//! is a kernel thread, whether it is armed, and its thread ID.
//!
//! C headers: [`include/linux/sched.h`](srctree/include/linux/sched.h),
//! [`include/linux/syscalls_cgroup.h`](srctree/include/linux/syscalls_cgroup.h)

use core::sync::atomic::{AtomicUsize, Ordering};

use kernel::{bindings, task::Task};

/// Whether `task` is armed (see [`crate::check::syscalls_cgroup_execve`]).
pub(crate) fn is_armed(task: &Task) -> bool {
    let task = raw(task);
    // SAFETY: `task` is alive while borrowed; its `atomic_flags` is a word
    // that C changes with atomic bit operations only.
    let flags = unsafe { AtomicUsize::from_ptr(&raw mut (*task).atomic_flags) };
    flags.load(Ordering::Relaxed) & ARMED != 0
}

/// `PFA_SYSCALLS_ARMED` of `<linux/sched.h>`, as a mask of `atomic_flags`.
const ARMED: usize = 1 << bindings::PFA_SYSCALLS_ARMED;

/// Arms `task`: the cgroups that wait for an exec judge it from now on.
/// Only current arms itself, once its `execve()` succeeded.
pub(crate) fn arm(task: &Task) {
    // SAFETY: `task` is alive while borrowed; its `atomic_flags` is a word
    // that C changes with atomic bit operations only.
    let flags = unsafe { AtomicUsize::from_ptr(&raw mut (*raw(task)).atomic_flags) };
    flags.fetch_or(ARMED, Ordering::Relaxed);
}

/// Sets the work bit of `task` unless it is a kernel thread, which makes
/// no system calls of its own and is never filtered.
pub(crate) fn mark_task(task: &Task) {
    if !is_kthread(task) {
        // SAFETY: `task` is alive while borrowed; setting the bit is an
        // atomic operation.
        unsafe { bindings::syscalls_cgroup_set_work(raw(task)) };
    }
}

/// The thread ID of `task`, a user task, in current's PID namespace;
/// `None` for a kernel thread or a task not in that namespace.
pub(crate) fn user_thread_id(task: &Task) -> Option<i32> {
    if is_kthread(task) {
        return None;
    }
    // SAFETY: `task` is alive while borrowed; the kernel's own lookup reads
    // its pid in the namespace of current for a null namespace.
    let id = unsafe {
        bindings::__task_pid_nr_ns(
            raw(task),
            bindings::pid_type_PIDTYPE_PID,
            core::ptr::null_mut(),
        )
    };
    (id > 0).then_some(id)
}

/// Whether `task` is a kernel thread.
fn is_kthread(task: &Task) -> bool {
    // SAFETY: `task` is alive while borrowed; its flags are read once.
    let flags = unsafe { (*raw(task)).flags };
    flags & bindings::PF_KTHREAD != 0
}

/// The C structure of `task`.
fn raw(task: &Task) -> *mut bindings::task_struct {
    core::ptr::from_ref(task)
        .cast_mut()
        .cast::<bindings::task_struct>()
}
