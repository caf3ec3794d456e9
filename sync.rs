// SPDX-License-Identifier: GPL-2.0

//! The controller's locking, on what the `kernel` crate offers: the
//! writers' mutex in a static, RCU read-side sections and grace periods,
//! the full barrier, [`SeqLock`] (a `seqlock_t` that C code embeds and
//! reads too), and the workqueue its notifications go to.
//!
//! One source serves two kernels. Linux 7.x has `global_lock!`,
//! `rcu::Guard`, `synchronize_rcu()` and `barrier::smp_mb()`, and the
//! controller takes them from there, and queues unbound work on
//! `system_dfl_wq`, which 7.x has in place of `system_wq`. The 6.12
//! `kernel` crate has none of
//! them: the `linux_6_12` cfg (the Kbuild sets it when it builds for
//! 6.12) brings in [`lts`], the same names made by hand on the same C
//! functions. Nothing else of the controller knows which kernel it runs on.
//!
//! C headers: [`include/linux/mutex.h`](srctree/include/linux/mutex.h),
//! [`include/linux/rcupdate.h`](srctree/include/linux/rcupdate.h),
//! [`include/linux/seqlock.h`](srctree/include/linux/seqlock.h)

#[cfg(not(any(CONFIG_PREEMPT_RT, CONFIG_DEBUG_LOCK_ALLOC)))]
use core::sync::atomic::{fence, AtomicU32, Ordering};

use kernel::{bindings, types::Opaque};

use crate::cgroup::adapter::FirstCall;

// `global_lock!` names `Pin` unqualified.
#[cfg(not(linux_6_12))]
use core::pin::Pin;

#[cfg(not(linux_6_12))]
pub(crate) use kernel::sync::rcu::{synchronize_rcu, Guard as RcuGuard};

// Serialises every writer of rules and effective sets, and the coming and
// going of cgroups, so that a change reaches the whole subtree at once.
#[cfg(not(linux_6_12))]
kernel::sync::global_lock! {
    // SAFETY: `init_writers` initialises it from the root's `css_alloc`,
    // before anything of the controller can take it.
    pub(crate) unsafe(uninit) static WRITERS: Mutex<()> = ();
}

/// Proof that the current thread holds [`WRITERS`].
#[cfg(not(linux_6_12))]
pub(crate) type WritersGuard = kernel::sync::GlobalGuard<WRITERS>;

/// A `T` that only the holder of [`WRITERS`] reaches.
#[cfg(not(linux_6_12))]
pub(crate) type WritersLockedBy<T> = kernel::sync::GlobalLockedBy<T, WRITERS>;

/// A full memory barrier, `smp_mb()`.
#[cfg(not(linux_6_12))]
#[inline(always)]
pub(crate) fn smp_mb() {
    kernel::sync::barrier::smp_mb(kernel::sync::barrier::Full);
}

/// The system's workqueue for work that need not run on the CPU that
/// queued it.
#[cfg(not(linux_6_12))]
pub(crate) fn unbound_wq() -> *mut bindings::workqueue_struct {
    // SAFETY: The workqueue is set up at boot and never freed; reading the
    // pointer has no other precondition.
    unsafe { bindings::system_dfl_wq }
}

#[cfg(linux_6_12)]
pub(crate) use lts::{
    smp_mb, synchronize_rcu, unbound_wq, RcuGuard, WritersGuard, WritersLockedBy, WRITERS,
};

/// Initialises [`WRITERS`], from the subsystem's first callback.
pub(crate) fn init_writers(_first: &FirstCall) {
    // SAFETY: A `FirstCall` exists only during the root's `css_alloc`,
    // which `cgroup_init()` makes once, before any other callback: before
    // anything can lock the mutex.
    unsafe { WRITERS.init() };
}

/// On Linux 6.12, what 7.x's `kernel` crate has and 6.12's lacks, by hand:
/// a mutex in a static with `global_lock!`'s `init` and infallible `lock`,
/// `rcu::Guard`, `synchronize_rcu()` and `smp_mb()`.
#[cfg(linux_6_12)]
mod lts {
    use kernel::{bindings, types::Opaque};

    /// A sleeping `struct mutex` in a static, initialised once at boot.
    ///
    /// # Invariants
    ///
    /// Once [`StaticMutex::init`] ran, `inner` is an initialised mutex
    /// with `key` as its lockdep class; its safety requirements make every
    /// `lock` come after that.
    pub(crate) struct StaticMutex {
        inner: Opaque<bindings::mutex>,
        key: Opaque<bindings::lock_class_key>,
    }

    // SAFETY: A `struct mutex` may be locked and unlocked from any thread.
    unsafe impl Sync for StaticMutex {}

    /// The writers' mutex: see the 7.x definition beside it.
    pub(crate) static WRITERS: StaticMutex = StaticMutex {
        inner: Opaque::uninit(),
        key: Opaque::uninit(),
    };

    impl StaticMutex {
        /// Initialises the mutex.
        ///
        /// # Safety
        ///
        /// Called once, before anything locks it.
        pub(crate) unsafe fn init(&'static self) {
            // SAFETY: `self` is static, so the mutex and its key never
            // move and lockdep accepts the key; by the safety requirements
            // nothing uses the mutex yet.
            unsafe {
                bindings::__mutex_init(
                    self.inner.get(),
                    kernel::c_str!("WRITERS").as_char_ptr(),
                    self.key.get(),
                )
            };
        }

        /// Locks the mutex, sleeping if need be, until the guard is dropped.
        pub(crate) fn lock(&'static self) -> WritersGuard {
            // SAFETY: By the type invariant, `inner` is initialised.
            unsafe { bindings::mutex_lock(self.inner.get()) };
            WritersGuard { mutex: self }
        }
    }

    /// Proof that the current thread holds the [`StaticMutex`].
    pub(crate) struct WritersGuard {
        mutex: &'static StaticMutex,
    }

    impl Drop for WritersGuard {
        fn drop(&mut self) {
            // SAFETY: The guard exists only while this thread holds the
            // mutex.
            unsafe { bindings::mutex_unlock(self.mutex.inner.get()) };
        }
    }

    /// A `T` that only the holder of [`WRITERS`] reaches: 7.x's
    /// `GlobalLockedBy<T, WRITERS>`.
    pub(crate) struct WritersLockedBy<T> {
        value: core::cell::UnsafeCell<T>,
    }

    // SAFETY: Only the holder of `WRITERS`, one thread at a time, reaches
    // the value, which may move between threads.
    unsafe impl<T: Send> Sync for WritersLockedBy<T> {}

    impl<T> WritersLockedBy<T> {
        /// `value`, from now on reached under `WRITERS`.
        pub(crate) fn new(value: T) -> Self {
            Self {
                value: core::cell::UnsafeCell::new(value),
            }
        }

        /// The value, for the holder of `WRITERS`.
        pub(crate) fn as_ref<'a>(&'a self, _guard: &'a WritersGuard) -> &'a T {
            // SAFETY: The mutex is one, so there is one guard at a time; it
            // is borrowed shared, so no `as_mut` borrow is alive.
            unsafe { &*self.value.get() }
        }

        /// The value, for the holder of `WRITERS`, exclusively.
        pub(crate) fn as_mut<'a>(&'a self, _guard: &'a mut WritersGuard) -> &'a mut T {
            // SAFETY: The mutex is one, so there is one guard at a time, and
            // it is borrowed exclusively: this is the only borrow.
            unsafe { &mut *self.value.get() }
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
            // SAFETY: `rcu_read_lock()` may be called anywhere; the
            // matching `rcu_read_unlock()` is in `drop`, on this thread.
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

    /// Waits for a grace period: every RCU read-side critical section
    /// that began before it has ended. It sleeps.
    pub(crate) fn synchronize_rcu() {
        // SAFETY: Called from process context, by a writer that may sleep.
        unsafe { bindings::synchronize_rcu() };
    }

    /// A full memory barrier, `smp_mb()`.
    pub(crate) fn smp_mb() {
        // SAFETY: A barrier has no preconditions.
        unsafe { bindings::smp_mb() };
    }

    /// `system_wq`, 6.12's name for 7.x's `system_dfl_wq`.
    pub(crate) fn unbound_wq() -> *mut bindings::workqueue_struct {
        // SAFETY: The workqueue is set up at boot and never freed; reading
        // the pointer has no other precondition.
        unsafe { bindings::system_wq }
    }
}

/// A `seqlock_t` that C code embeds and reads too: writers serialise on
/// its spinlock, and readers retry a section that a writer overlapped.
///
/// Only references to it exist, made by [`SeqLock::from_raw`] from the C
/// structure that holds it.
///
/// # Invariants
///
/// The seqlock is initialised (`seqlock_init()`).
#[repr(transparent)]
pub(crate) struct SeqLock(Opaque<bindings::seqlock_t>);

impl SeqLock {
    /// The seqlock at `ptr`.
    ///
    /// # Safety
    ///
    /// `ptr` points to an initialised `seqlock_t` that stays alive and in
    /// place for `'a`.
    pub(crate) unsafe fn from_raw<'a>(ptr: *mut bindings::seqlock_t) -> &'a SeqLock {
        // INVARIANT: By the safety requirements the seqlock is initialised.
        // SAFETY: `SeqLock` is transparent over `Opaque<seqlock_t>`, itself
        // transparent; by the safety requirements `ptr` is valid for `'a`.
        unsafe { &*ptr.cast::<SeqLock>() }
    }

    fn as_raw(&self) -> *mut bindings::seqlock_t {
        self.0.get()
    }

    /// Runs `read` until it ran with no writer in between, and returns what
    /// that run returned: `read_seqbegin()` and `read_seqretry()`. `read`
    /// must only load atomics, since a writer may change what it reads
    /// under its feet before it retries.
    ///
    /// The system call path reads under it, so the sequence is read here as
    /// those functions read it, without a call: an acquire load (an even
    /// count: no writer), the reads, an acquire fence (`smp_rmb()`) and the
    /// count again. On PREEMPT_RT a reader that finds a writer at work must
    /// take the lock to let a preempted writer finish, which the C
    /// functions do: there they are called. So they are with
    /// `CONFIG_DEBUG_LOCK_ALLOC`, where they tell lockdep of every read, so
    /// that a debug kernel checks the readers (the system call path, fork,
    /// the reads of the files) as it checks C's: none may read inside a
    /// write on its own CPU.
    #[inline(always)]
    pub(crate) fn read<R>(&self, read: impl Fn() -> R) -> R {
        #[cfg(not(any(CONFIG_PREEMPT_RT, CONFIG_DEBUG_LOCK_ALLOC)))]
        loop {
            let start = self.sequence().load(Ordering::Acquire);
            if start & 1 != 0 {
                core::hint::spin_loop();
                continue;
            }
            let value = read();
            if self.unchanged_since(start) {
                return value;
            }
        }
        #[cfg(any(CONFIG_PREEMPT_RT, CONFIG_DEBUG_LOCK_ALLOC))]
        loop {
            // SAFETY: By the type invariant the seqlock is initialised.
            let start = unsafe { bindings::read_seqbegin(self.as_raw()) };
            let value = read();
            if self.unchanged_since(start) {
                return value;
            }
        }
    }

    /// Whether no writer began since a read side began at sequence `start`
    /// (`read_seqbegin()`, in C or in [`SeqLock::read`]), so that what was
    /// read meanwhile is consistent: `!read_seqretry()`.
    #[inline(always)]
    pub(crate) fn unchanged_since(&self, start: u32) -> bool {
        #[cfg(not(any(CONFIG_PREEMPT_RT, CONFIG_DEBUG_LOCK_ALLOC)))]
        {
            fence(Ordering::Acquire);
            self.sequence().load(Ordering::Relaxed) == start
        }
        #[cfg(any(CONFIG_PREEMPT_RT, CONFIG_DEBUG_LOCK_ALLOC))]
        // SAFETY: By the type invariant the seqlock is initialised.
        unsafe {
            bindings::read_seqretry(self.as_raw(), start) == 0
        }
    }

    /// The sequence count, as the inline read side loads it.
    #[cfg(not(any(CONFIG_PREEMPT_RT, CONFIG_DEBUG_LOCK_ALLOC)))]
    #[inline(always)]
    fn sequence(&self) -> &AtomicU32 {
        // SAFETY: The sequence is an aligned `unsigned int` of the live
        // seqlock, which writers change with plain stores between barriers,
        // and which an atomic load may race.
        unsafe { AtomicU32::from_ptr(&raw mut (*self.as_raw()).seqcount.seqcount.sequence) }
    }

    /// Runs `write` as the only writer, while readers retry:
    /// `write_seqlock()` and `write_sequnlock()`. It must not sleep.
    pub(crate) fn write<R>(&self, write: impl FnOnce() -> R) -> R {
        // SAFETY: By the type invariant the seqlock is initialised.
        unsafe { bindings::write_seqlock(self.as_raw()) };
        let value = write();
        // SAFETY: This thread took the lock just above.
        unsafe { bindings::write_sequnlock(self.as_raw()) };
        value
    }
}
