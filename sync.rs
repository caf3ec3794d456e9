// SPDX-License-Identifier: GPL-2.0

//! Locks that the 6.12 `kernel` crate lacks: a sequence lock for the data
//! the system call path reads, and a mutex that lives in a static.
//!
//! C headers: [`include/linux/seqlock.h`](srctree/include/linux/seqlock.h),
//! [`include/linux/mutex.h`](srctree/include/linux/mutex.h)

use core::marker::PhantomPinned;
use core::sync::atomic::{AtomicBool, Ordering};

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

    /// Runs `read` until it ran without a writer in between, and returns
    /// what that run returned. `read` must only load atomics.
    #[inline]
    pub(crate) fn read<R>(&self, read: impl Fn() -> R) -> R {
        loop {
            // SAFETY: By the type invariant, `inner` is an initialised seqlock.
            let start = unsafe { bindings::read_seqbegin(self.inner.get()) };
            let value = read();
            // SAFETY: As above; `start` came from `read_seqbegin()` on it.
            if unsafe { bindings::read_seqretry(self.inner.get(), start) } == 0 {
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

/// An RCU read-side critical section, from creation to drop.
pub(crate) struct RcuGuard {
    // Not `Send`: the section must end on the thread that began it.
    _not_send: core::marker::PhantomData<*mut ()>,
}

impl RcuGuard {
    /// Enters an RCU read-side critical section.
    #[inline]
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
    #[inline]
    fn drop(&mut self) {
        // SAFETY: `new` entered the section that this leaves.
        unsafe { bindings::rcu_read_unlock() };
    }
}

/// A full memory barrier, `smp_mb()`.
#[inline]
pub(crate) fn smp_mb() {
    // SAFETY: A barrier has no preconditions.
    unsafe { bindings::smp_mb() };
}
