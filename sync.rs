// SPDX-License-Identifier: GPL-2.0

//! What the 6.12 `kernel` crate lacks for the controller's locking: a
//! mutex that lives in a static, RCU read-side sections, and the reader
//! and writer of a `seqlock_t` that C code embeds.
//!
//! C headers: [`include/linux/mutex.h`](srctree/include/linux/mutex.h),
//! [`include/linux/rcupdate.h`](srctree/include/linux/rcupdate.h),
//! [`include/linux/seqlock.h`](srctree/include/linux/seqlock.h)

use core::sync::atomic::{AtomicBool, Ordering};

use kernel::{bindings, prelude::*, str::CStr, types::Opaque};

/// A sleeping `struct mutex` in a static, initialised once at boot.
///
/// # Invariants
///
/// Once `ready` is true, `inner` is an initialised mutex with `key` as its
/// lockdep class.
pub(crate) struct StaticMutex {
    inner: Opaque<bindings::mutex>,
    key: Opaque<bindings::lock_class_key>,
    ready: AtomicBool,
}

// SAFETY: A `struct mutex` may be locked and unlocked from any thread.
unsafe impl Sync for StaticMutex {}

impl StaticMutex {
    /// A mutex that [`StaticMutex::init`] must initialise before use.
    pub(crate) const fn new() -> Self {
        Self {
            inner: Opaque::uninit(),
            key: Opaque::uninit(),
            ready: AtomicBool::new(false),
        }
    }

    /// Initialises the mutex; later calls do nothing.
    ///
    /// Must be called before anything can lock it, from one thread.
    pub(crate) fn init(&'static self, name: &'static CStr) {
        if self.ready.load(Ordering::Acquire) {
            return;
        }
        // SAFETY: `self` is static, so the mutex and its key never move and
        // lockdep accepts the key; nothing else uses the mutex before
        // `ready` is set.
        unsafe { bindings::__mutex_init(self.inner.get(), name.as_char_ptr(), self.key.get()) };
        // INVARIANT: the mutex was just initialised.
        self.ready.store(true, Ordering::Release);
    }

    /// Locks the mutex, sleeping if need be, until the guard is dropped.
    ///
    /// A call before [`StaticMutex::init`] is a bug: it warns and fails.
    pub(crate) fn lock(&'static self) -> Result<StaticMutexGuard> {
        if !self.ready.load(Ordering::Acquire) {
            kernel::pr_warn!("lock used before init\n");
            return Err(EBUSY);
        }
        // SAFETY: By the type invariant, `inner` is an initialised mutex.
        unsafe { bindings::mutex_lock(self.inner.get()) };
        Ok(StaticMutexGuard { mutex: self })
    }
}

/// Proof that the current thread holds a [`StaticMutex`].
pub(crate) struct StaticMutexGuard {
    mutex: &'static StaticMutex,
}

impl Drop for StaticMutexGuard {
    fn drop(&mut self) {
        // SAFETY: The guard exists only while this thread holds the mutex.
        unsafe { bindings::mutex_unlock(self.mutex.inner.get()) };
    }
}

/// An RCU read-side critical section, from creation to drop.
pub(crate) struct RcuGuard {
    // Not `Send`: the section must end on the thread that began it.
    _not_send: core::marker::PhantomData<*mut ()>,
}

impl RcuGuard {
    /// Enters an RCU read-side critical section.
    pub(crate) fn new() -> Self {
        // SAFETY: `rcu_read_lock()` may be called anywhere; the matching
        // `rcu_read_unlock()` is in `drop`, on this thread.
        unsafe { bindings::rcu_read_lock() };
        Self {
            _not_send: core::marker::PhantomData,
        }
    }
}

impl Drop for RcuGuard {
    fn drop(&mut self) {
        // SAFETY: `new` entered the section that this leaves.
        unsafe { bindings::rcu_read_unlock() };
    }
}

/// Runs `read` until it ran with no writer of `seqlock` in between, and
/// returns what that run returned: `read_seqbegin()` and
/// `read_seqretry()`. `read` must only load atomics, since a writer may
/// change what it reads under its feet before it retries.
///
/// The system call path reads under it, so the sequence is read here as
/// those functions read it, without a call: an acquire load (an even
/// count: no writer), the reads, an acquire fence (`smp_rmb()`) and the
/// count again. On PREEMPT_RT a reader that finds a writer at work must
/// take the lock to let a preempted writer finish, which the C functions
/// do: there they are called. So they are with `CONFIG_DEBUG_LOCK_ALLOC`,
/// where they tell lockdep of every read, so that a debug kernel checks
/// the readers (the system call path, fork, the reads of the files) as
/// it checks C's: none may read inside a write on its own CPU.
///
/// # Safety
///
/// `seqlock` is an initialised `seqlock_t` that stays alive during the call.
pub(crate) unsafe fn seqlock_read<R>(seqlock: *mut bindings::seqlock_t, read: impl Fn() -> R) -> R {
    #[cfg(not(any(CONFIG_PREEMPT_RT, CONFIG_DEBUG_LOCK_ALLOC)))]
    {
        use core::sync::atomic::{fence, AtomicU32};

        // SAFETY: By the safety requirements the seqlock is alive; its
        // sequence is an aligned `unsigned int` that writers change with
        // plain stores between barriers, which an atomic load may race.
        let sequence =
            unsafe { AtomicU32::from_ptr(&raw mut (*seqlock).seqcount.seqcount.sequence) };
        loop {
            let start = sequence.load(Ordering::Acquire);
            if start & 1 != 0 {
                core::hint::spin_loop();
                continue;
            }
            let value = read();
            fence(Ordering::Acquire);
            if sequence.load(Ordering::Relaxed) == start {
                return value;
            }
        }
    }
    #[cfg(any(CONFIG_PREEMPT_RT, CONFIG_DEBUG_LOCK_ALLOC))]
    loop {
        // SAFETY: By the safety requirements.
        let start = unsafe { bindings::read_seqbegin(seqlock) };
        let value = read();
        // SAFETY: By the safety requirements; `start` came from it.
        if unsafe { bindings::read_seqretry(seqlock, start) } == 0 {
            return value;
        }
    }
}

/// Whether no writer of `seqlock` began since a read side began at
/// sequence `start` (`read_seqbegin()`), so that what was read meanwhile is
/// consistent: `!read_seqretry()`.
///
/// # Safety
///
/// `seqlock` is an initialised `seqlock_t` that stays alive during the call.
pub(crate) unsafe fn seqlock_unchanged(seqlock: *mut bindings::seqlock_t, start: u32) -> bool {
    #[cfg(not(any(CONFIG_PREEMPT_RT, CONFIG_DEBUG_LOCK_ALLOC)))]
    {
        use core::sync::atomic::{fence, AtomicU32};

        fence(Ordering::Acquire);
        // SAFETY: As in `seqlock_read`.
        let sequence =
            unsafe { AtomicU32::from_ptr(&raw mut (*seqlock).seqcount.seqcount.sequence) };
        sequence.load(Ordering::Relaxed) == start
    }
    #[cfg(any(CONFIG_PREEMPT_RT, CONFIG_DEBUG_LOCK_ALLOC))]
    // SAFETY: By the safety requirements.
    unsafe {
        bindings::read_seqretry(seqlock, start) == 0
    }
}

/// Runs `write` as the only writer of `seqlock`, while readers retry:
/// `write_seqlock()` and `write_sequnlock()`.
///
/// # Safety
///
/// `seqlock` is an initialised `seqlock_t` that stays alive during the call.
pub(crate) unsafe fn seqlock_write<R>(
    seqlock: *mut bindings::seqlock_t,
    write: impl FnOnce() -> R,
) -> R {
    // SAFETY: By the safety requirements.
    unsafe { bindings::write_seqlock(seqlock) };
    let value = write();
    // SAFETY: This thread took the lock just above.
    unsafe { bindings::write_sequnlock(seqlock) };
    value
}

/// Waits for a grace period: every RCU read-side critical section that
/// began before it has ended. It sleeps.
pub(crate) fn synchronize_rcu() {
    // SAFETY: Called from process context, by a writer that may sleep.
    unsafe { bindings::synchronize_rcu() };
}

/// A full memory barrier, `smp_mb()`.
pub(crate) fn smp_mb() {
    // SAFETY: A barrier has no preconditions.
    unsafe { bindings::smp_mb() };
}
