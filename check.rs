// SPDX-License-Identifier: GPL-2.0

//! The system call check, past its allowed path.
//!
//! `syscalls_cgroup_enter()` in the C header tests a call of a task that
//! carries the work bit against its cgroup's bitmap and returns at once
//! when the call is allowed. Every other call comes here, to
//! [`__syscalls_cgroup_slow`]: a denied call (which fails with its errno,
//! kills, or in log mode runs, and is counted and reported), a call the
//! learning cgroup has not recorded yet, `restart_syscall` (allowed
//! exactly when the cgroup allows the call it continues), an x32 call, a
//! number of no call, or a task whose cgroup no longer checks anything
//! (its work bit is stale, and is dropped). `set_restart_fn()` calls
//! [`syscalls_cgroup_note_restart`] to record which call a restart continues.
//!
//! C headers: [`include/linux/syscalls_cgroup.h`](srctree/include/linux/syscalls_cgroup.h),
//! [`include/linux/restart_block.h`](srctree/include/linux/restart_block.h)

use kernel::bindings;
use kernel::ffi::c_long;
use kernel::task::Task;

use crate::abi::{self, Abi};
use crate::action::Decision;
use crate::cgroup::CssState;
use crate::cond;
use crate::cred::CredRef;
use crate::denial::{self, Denial};
use crate::group::{self, Group};
use crate::judge;
use crate::names;
use crate::sync::{smp_mb, RcuGuard};
use crate::task;

/// What becomes of a call of a task that carries the work bit.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// The call runs.
    Run,
    /// The call fails with this errno without running.
    Fail(u16),
    /// The process dies with `SIGSYS`; the call does not run.
    Kill,
}

/// The task making a system call.
///
/// # Invariants
///
/// `task` is current, in a system call.
#[derive(Clone, Copy)]
struct Current {
    task: *mut bindings::task_struct,
}

impl Current {
    fn task(&self) -> &Task {
        // SAFETY: current is alive while it runs this code; `Task` is a
        // transparent wrapper of `task_struct`.
        unsafe { &*self.task.cast::<Task>() }
    }

    /// Whether the call came through the ia32 ABI: `in_ia32_syscall()`,
    /// read here rather than through a helper call (the denied path is
    /// hot in a storm).
    fn in_ia32(&self) -> bool {
        // SAFETY: By the type invariant `task` is current, whose thread
        // info only it changes; x86 keeps it in the task (THREAD_INFO_IN_TASK).
        cfg!(CONFIG_IA32_EMULATION)
            && unsafe { (*self.task).thread_info.status } & bindings::TS_COMPAT != 0
    }

    /// Whether current is armed: it made an `execve()` in a cgroup that
    /// waits for one, or descends from a task that did (`syscalls.arm`).
    fn armed(&self) -> bool {
        task::is_armed(self.task())
    }

    /// Arms current: the cgroups that wait for an exec judge it from now on.
    fn arm(&self) {
        task::arm(self.task());
    }

    /// The objective credentials of current, valid while it runs.
    fn objective(&self) -> &CredRef {
        // SAFETY: By the type invariant `task` is current, which is alive;
        // only current changes its own `real_cred`, and holds a reference
        // to it while the call runs.
        unsafe { CredRef::from_ptr((*self.task).real_cred) }
    }

    /// The ABI and index of system call `nr`, as the entry code finds it.
    #[inline]
    fn classify(&self, nr: i64, ia32: bool) -> Option<(Abi, usize)> {
        abi::classify(nr, ia32, |index, size| {
            // SAFETY: `array_index_nospec()` computes a value and nothing else.
            unsafe { bindings::array_index_nospec(index, size) }
        })
    }

    /// What becomes of call `nr`, whose registers are `regs`, in the cgroup
    /// current is in now. `again` says that a stale work bit was dropped
    /// already: a second one means that the cgroup stopped filtering once
    /// more meanwhile.
    ///
    /// # Safety
    ///
    /// `regs` are the registers of current's system call.
    unsafe fn decide(&self, regs: *const bindings::pt_regs, nr: i64, again: bool) -> Outcome {
        let Some((abi, idx)) = self.classify(nr, self.in_ia32()) else {
            return Outcome::Run;
        };
        let rcu = RcuGuard::new();
        let group = Group::of_task(self.task(), &rcu);
        let task = self.objective();
        let look = group.look(abi, idx, task, &rcu);
        if !look.filtering {
            drop(rcu);
            return if again {
                Outcome::Run
            } else {
                // SAFETY: By the safety requirements.
                unsafe { self.drop_stale_bit(regs, nr) }
            };
        }
        let restart = names::is_restart(abi, idx);
        // A task that is not armed yet is judged by the levels above those
        // that wait for its exec (`syscalls.arm`): its denials are theirs,
        // and the group does not learn from it.
        let (judge, look) = if group::any_waits_for_exec() && !self.armed() {
            match group.judge_of_unarmed() {
                Some(judge) if core::ptr::eq(judge, group) => (group, look),
                Some(judge) => (judge, judge.look_again(abi, idx, task, &rcu)),
                None => return Outcome::Run,
            }
        } else {
            (group, look)
        };
        if look.learning && !restart && core::ptr::eq(judge, group) {
            group.learn(abi, idx);
        }
        // A restart is judged as the call it continues, in that call's ABI.
        let (abi, idx, made, look) = if restart {
            match self.restarted() {
                Some((abi, idx, made)) => {
                    let look = judge.look_again(abi, idx, task, &rcu);
                    (abi, idx, made, look)
                }
                None => return Outcome::Run,
            }
        } else {
            // The number as the entry code reads it: its low 32 bits.
            (abi, idx, nr as u32, look)
        };
        // Conditions judge a call by its arguments; a restart was judged so
        // when it was made, and its arguments are gone.
        let (decision, denied) = match look.conditions() {
            // SAFETY: By the safety requirements.
            Some(tests) if !restart => unsafe {
                judge_arguments(tests, regs, nr, abi.first_bit() + idx, look.decision)
            },
            _ => (look.decision, None),
        };
        if decision == Decision::Allow {
            return Outcome::Run;
        }
        if judge.count_denial(abi, idx) {
            denial::queue_notification(judge);
        }
        let denial = Denial::new(judge, abi, idx, made, decision).map(|d| d.with_argument(denied));
        drop(rcu);
        if let Some(denial) = denial {
            denial.emit();
        }
        match decision {
            Decision::Allow | Decision::Log => Outcome::Run,
            Decision::Errno(errno) => Outcome::Fail(errno),
            Decision::Kill => Outcome::Kill,
        }
    }

    /// Drops the work bit of a task whose cgroup filters nothing, then
    /// decides on call `nr` anew, in case a writer or a migration set the
    /// bit meanwhile: the barrier orders the clearing before the reading,
    /// as writers publish before they set bits.
    ///
    /// # Safety
    ///
    /// `regs` are the registers of current's system call.
    unsafe fn drop_stale_bit(&self, regs: *const bindings::pt_regs, nr: i64) -> Outcome {
        // SAFETY: Clears a bit of current's own thread info.
        unsafe { bindings::syscalls_cgroup_clear_work() };
        smp_mb();
        let filtering = {
            let rcu = RcuGuard::new();
            Group::of_task(self.task(), &rcu).is_filtering()
        };
        if !filtering {
            return Outcome::Run;
        }
        task::mark_task(self.task());
        // SAFETY: By the safety requirements.
        unsafe { self.decide(regs, nr, true) }
    }

    /// Whether system call `nr` (of the ia32 ABI if `ia32`) is
    /// `restart_syscall`, which continues a call rather than being one.
    fn is_restart(&self, nr: i64, ia32: bool) -> bool {
        self.classify(nr, ia32)
            .is_some_and(|(abi, idx)| names::is_restart(abi, idx))
    }

    /// The call that `restart_syscall` would continue, in the ABI it was
    /// made in, with its number as it was made; `None` when there is
    /// nothing to continue, and the restart runs as on a kernel without the
    /// controller, failing with `EINTR`.
    fn restarted(&self) -> Option<(Abi, usize, u32)> {
        // SAFETY: By the type invariant `task` is current, and only current
        // changes its own restart block.
        let restart = unsafe { &(*self.task).restart_block };
        // Compared as addresses: `do_no_restart_syscall` is one function of
        // the kernel image.
        let nothing = bindings::do_no_restart_syscall as *const () as usize;
        match restart.fn_ {
            Some(f) if f as *const () as usize != nothing => (),
            _ => return None,
        }
        let made = restart.syscall_nr as i64;
        self.classify(made, restart.syscall_compat)
            .map(|(abi, idx)| (abi, idx, made as u32))
    }
}

/// The check of current's system call `nr`, with registers `regs`, when
/// `syscalls_cgroup_enter()` found in the `tested`
/// bitmap of its cgroup's state `sc`, in the read side of its seqlock that
/// began at sequence `seq`, that argument conditions alone decide on the
/// call, of bit `bit`. The call runs at once when none of them denies it
/// and no writer began meanwhile; anything else goes on to
/// [`__syscalls_cgroup_slow`]. So does every call while a cgroup waits for
/// an exec, as a task may then be judged by an ancestor. It ends the RCU
/// read-side critical section that the caller began.
///
/// # Safety
///
/// Current is in a system call whose registers are `regs` and whose number
/// has bit `bit`; `sc` is the state of its cgroup, and the caller holds
/// `rcu_read_lock()`, which this releases. (Current is not an argument: the
/// fewer registers the allowed path keeps, the fewer it saves.)
#[no_mangle]
pub unsafe extern "C" fn __syscalls_cgroup_args(
    regs: *mut bindings::pt_regs,
    nr: c_long,
    sc: *const bindings::syscalls_cgroup,
    bit: u32,
    seq: u32,
) -> c_long {
    let allowed = !group::any_waits_for_exec() && {
        // SAFETY: By the safety requirements `sc` is alive under the
        // caller's RCU; its css is a css of the subsystem.
        let group = unsafe { Group::from_css((&raw const (*sc).css).cast_mut()) };
        // SAFETY: By the safety requirements `regs` are current's; `slot`
        // is below `ARG_SLOTS`, within them (see `abi::Abi::arg_slot`).
        let read = |slot: usize| unsafe { *regs.cast::<u64>().add(slot) };
        group.arguments_allow(seq, bit as usize, read)
    };
    // SAFETY: The caller holds the read lock, and nothing here uses `sc`
    // after this.
    unsafe { bindings::rcu_read_unlock() };
    if allowed {
        return nr;
    }
    // SAFETY: `get_current()` has no preconditions; the rest is by the
    // safety requirements.
    unsafe { __syscalls_cgroup_slow(regs, nr, bindings::get_current()) }
}

// The registers of `pt_regs`, as `abi::Abi::arg_slot` counts them: words.
const _: () = {
    use core::mem::{offset_of, size_of};
    type R = bindings::pt_regs;
    const fn slot(off: usize) -> usize {
        off / size_of::<u64>()
    }
    assert!(size_of::<R>() == abi::ARG_SLOTS * size_of::<u64>());
    let native = [
        offset_of!(R, di),
        offset_of!(R, si),
        offset_of!(R, dx),
        offset_of!(R, r10),
        offset_of!(R, r8),
        offset_of!(R, r9),
    ];
    let ia32 = [
        offset_of!(R, bx),
        offset_of!(R, cx),
        offset_of!(R, dx),
        offset_of!(R, si),
        offset_of!(R, di),
        offset_of!(R, bp),
    ];
    let mut i = 0;
    while i < cond::ARGS {
        assert!(slot(native[i]) == Abi::X86_64.arg_slot(i));
        assert!(slot(ia32[i]) == Abi::Ia32.arg_slot(i));
        i += 1;
    }
};

/// The decision on call `nr`, of bit `bit`, whose registers are `regs` and
/// which its number rules decide `by_number`, under the conditions
/// `tests`. Out of line, so that the denied path of calls without
/// conditions does not carry it.
///
/// # Safety
///
/// `regs` are the registers of current's system call.
#[inline(never)]
unsafe fn judge_arguments(
    tests: &[judge::Test],
    regs: *const bindings::pt_regs,
    nr: i64,
    bit: usize,
    by_number: Decision,
) -> (Decision, Option<judge::Denied>) {
    // An x32-only entry's arguments are not where the conditions look:
    // they deny it whatever its arguments. (An ia32 call with the x32 bit
    // runs no entry, and was let through before this.)
    if abi::is_x32_only(nr as u32) {
        return (judge::judge_unreadable(tests, bit, by_number), None);
    }
    // SAFETY: By the safety requirements `regs` are current's; `slot` is
    // below `ARG_SLOTS`, within them.
    let read = |slot: usize| unsafe { *regs.cast::<u64>().add(slot) };
    judge::judge(tests, bit, read, by_number)
}

/// Called by current once its `execve()` succeeded: it is armed if its
/// cgroup waits for an exec, and stays so for life, wherever it moves, and
/// so do the tasks it creates (they copy `atomic_flags`).
#[no_mangle]
pub extern "C" fn syscalls_cgroup_execve() {
    if !group::any_waits_for_exec() {
        return;
    }
    // SAFETY: `get_current()` has no preconditions.
    let task = unsafe { bindings::get_current() };
    // INVARIANT: `get_current()` is current, which made a system call.
    let current = Current { task };
    if current.armed() {
        return;
    }
    let waits = {
        let rcu = RcuGuard::new();
        Group::of_task(current.task(), &rcu).waits_for_exec()
    };
    if waits {
        current.arm();
    }
}

/// The check of system call `nr` of `task`, which is current, with
/// registers `regs`, when `syscalls_cgroup_enter()` did not allow it at
/// once: returns `nr`, or -1 after making the call return an error (or
/// sending the fatal `SIGSYS`).
///
/// # Safety
///
/// `task` is current, in a system call whose registers are `regs`.
#[no_mangle]
pub unsafe extern "C" fn __syscalls_cgroup_slow(
    regs: *mut bindings::pt_regs,
    nr: c_long,
    task: *mut bindings::task_struct,
) -> c_long {
    // INVARIANT: the caller passes current, in a system call.
    let current = Current { task };
    // SAFETY: By the safety requirements, `regs` are current's.
    let errno = match unsafe { current.decide(regs, nr as i64, false) } {
        Outcome::Run => return nr,
        Outcome::Fail(errno) => errno,
        Outcome::Kill => {
            // As seccomp's SECCOMP_RET_KILL_PROCESS: a SIGSYS that cannot
            // be caught, blocked or ignored, and dumps core.
            // SAFETY: Signals current, which is in a system call.
            unsafe { bindings::force_sig_seccomp(nr as i32, 0, true) };
            bindings::ENOSYS as u16
        }
    };
    // The return value of the call, as `syscall_set_return_value()` sets
    // it on x86: the negative errno in `ax`.
    // SAFETY: `regs` are the registers of current's system call, which
    // only current changes.
    unsafe { (*regs).ax = 0usize.wrapping_sub(usize::from(errno)) };
    // The number of no call: the entry code skips it.
    -1
}

/// Records in `restart` the system call it continues: the one current is
/// making, unless that is `restart_syscall` itself, which continues the
/// call recorded already.
///
/// # Safety
///
/// `restart` is current's restart block, and current is in a system call.
#[no_mangle]
pub unsafe extern "C" fn syscalls_cgroup_note_restart(restart: *mut bindings::restart_block) {
    // SAFETY: current is in a system call: `current_pt_regs()` gives its
    // registers, whose `orig_ax` holds the number (the low 32 bits count).
    let nr = unsafe { (*bindings::current_pt_regs()).orig_ax } as i64;
    // SAFETY: `get_current()` has no preconditions.
    let task = unsafe { bindings::get_current() };
    // INVARIANT: `get_current()` is current, in a system call.
    let current = Current { task };
    let ia32 = current.in_ia32();
    if !current.is_restart(nr, ia32) {
        // SAFETY: By the safety requirements `restart` is current's, which
        // only current changes.
        unsafe {
            (*restart).syscall_nr = nr as c_long;
            (*restart).syscall_compat = ia32;
        }
    }
}
