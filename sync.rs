// SPDX-License-Identifier: GPL-2.0

//! Locks that the 6.12 `kernel` crate lacks: a sequence lock for the data
//! the system call path reads, and a mutex that lives in a static.
//!
//! C headers: [`include/linux/seqlock.h`](srctree/include/linux/seqlock.h),
//! [`include/linux/mutex.h`](srctree/include/linux/mutex.h)

use core::marker::PhantomPinned;
use core::sync::atomic::{fence, AtomicBool, AtomicU32, Ordering};

use kernel::{bindings, prelude::*, str::CStr, types::Opaque};

/// A `seqlock_t`: writers serialise on its spinlock, readers retry.
///
/// The data it protects lives beside it as atomics, since a reader may see
/// them change under its feet before it retries.
///
/// # Invariants
///
/// `inner` was initialised by `seqlock_init()` and has not moved since.
#[pin_data]
pub(crate) struct SeqLock {
    #[pin]
    inner: Opaque<bindings::seqlock_t>,
    #[pin]
    _pin: PhantomPinned,
}

// SAFETY: A `seqlock_t` may be used from any thread; that is what it is for.
unsafe impl Sync for SeqLock {}
// SAFETY: A `seqlock_t` is not tied to the thread that initialised it.
unsafe impl Send for SeqLock {}

impl SeqLock {
    /// Initialises a sequence lock in place.
    pub(crate) fn new() -> impl PinInit<Self> {
        pin_init!(Self {
            // SAFETY: `seqlock_init()` initialises the `seqlock_t` it is
            // given, which `ffi_init` pins in its final place.
            inner <- Opaque::ffi_init(|sl| unsafe { bindings::seqlock_init(sl) }),
            _pin: PhantomPinned,
        })
    }

    /// The sequence count of the lock.
    #[inline]
    fn sequence(&self) -> &AtomicU32 {
        // SAFETY: By the type invariant the seqlock is initialised and does
        // not move; its sequence is an aligned `unsigned int` that writers
        // change with plain stores between barriers, which atomics may read.
        unsafe { AtomicU32::from_ptr(&raw mut (*self.inner.get()).seqcount.seqcount.sequence) }
    }

    /// Runs `read` until it ran without a writer in between, and returns
    /// what that run returned. `read` must only load atomics.
    ///
    /// This is `read_seqbegin()` and `read_seqretry()` inline, as the system
    /// call path needs them: two loads and a compare, no calls. It leaves
    /// out lockdep's annotation of readers (writers keep theirs), and it
    /// spins on an odd count, which PREEMPT_RT forbids: Kconfig excludes it.
    #[inline]
    pub(crate) fn read<R>(&self, read: impl Fn() -> R) -> R {
        let sequence = self.sequence();
        loop {
            let start = sequence.load(Ordering::Acquire);
            if start & 1 != 0 {
                core::hint::spin_loop();
                continue;
            }
            let value = read();
            // The loads of `read` come before the second load of the count,
            // as `smp_rmb()` orders them in `read_seqretry()`.
            fence(Ordering::Acquire);
            if sequence.load(Ordering::Relaxed) == start {
                return value;
            }
        }
    }

    /// Runs `write` as the only writer, while readers retry.
    pub(crate) fn write<R>(&self, write: impl FnOnce() -> R) -> R {
        // SAFETY: By the type invariant, `inner` is an initialised seqlock.
        unsafe { bindings::write_seqlock(self.inner.get()) };
        let value = write();
        // SAFETY: This thread took the lock just above.
        unsafe { bindings::write_sequnlock(self.inner.get()) };
        value
    }
}

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
            kernel::pr_warn!("syscalls cgroup: lock used before init\n");
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

/// Whether `rcu_read_lock()` is no more than a compiler barrier here: no
/// preemptible RCU, no preemption count, no lockdep (`rcupdate.h`).
const RCU_READ_LOCK_IS_A_BARRIER: bool = cfg!(not(any(
    CONFIG_PREEMPT_RCU,
    CONFIG_PREEMPT_COUNT,
    CONFIG_DEBUG_LOCK_ALLOC
)));

/// An RCU read-side critical section, from creation to drop.
///
/// Where `rcu_read_lock()` is only a compiler barrier, so is this, without
/// a call: the system call path enters one on every check.
pub(crate) struct RcuGuard {
    // Not `Send`: the section must end on the thread that began it.
    _not_send: core::marker::PhantomData<*mut ()>,
}

impl RcuGuard {
    /// Enters an RCU read-side critical section.
    #[inline]
    pub(crate) fn new() -> Self {
        if RCU_READ_LOCK_IS_A_BARRIER {
            core::sync::atomic::compiler_fence(Ordering::SeqCst);
        } else {
            // SAFETY: `rcu_read_lock()` may be called anywhere; the matching
            // `rcu_read_unlock()` is in `drop`, on this thread.
            unsafe { bindings::rcu_read_lock() };
        }
        Self {
            _not_send: core::marker::PhantomData,
        }
    }
}

impl Drop for RcuGuard {
    #[inline]
    fn drop(&mut self) {
        if RCU_READ_LOCK_IS_A_BARRIER {
            core::sync::atomic::compiler_fence(Ordering::SeqCst);
        } else {
            // SAFETY: `new` entered the section that this leaves.
            unsafe { bindings::rcu_read_unlock() };
        }
    }
}

/// A full memory barrier, `smp_mb()`.
#[inline]
pub(crate) fn smp_mb() {
    // SAFETY: A barrier has no preconditions.
    unsafe { bindings::smp_mb() };
}
