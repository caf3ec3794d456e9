// SPDX-License-Identifier: GPL-2.0

//! Who wrote a delegatee's rules, and whether they have power over a task.
//!
//! A rule that a delegatee wrote judges only the tasks the delegatee has
//! power over, by the standard of ptrace and of seccomp's `no_new_privs`:
//! the task runs as the delegatee (its real, effective and saved user and
//! group IDs are the delegatee's effective ones, in the delegatee's user
//! namespace, with no capability the delegatee lacks), or the delegatee
//! holds `CAP_SYS_PTRACE` in the task's user namespace (it owns the
//! namespace of a rootless container, say). A set-user-ID program or one
//! with file capabilities is outside that power once it has gained what
//! the delegatee lacks, and is judged by the administrators' rules alone.
//!
//! C headers: [`include/linux/cred.h`](srctree/include/linux/cred.h),
//! [`include/linux/security.h`](srctree/include/linux/security.h) (`security_capable()`)

use core::ptr::NonNull;
use core::sync::atomic::{AtomicPtr, Ordering};

use kernel::{bindings, types::Opaque};

use crate::cgroup::OpenFile;
use crate::sync::RcuGuard;

/// How many delegatees with different powers may write rules in one
/// cgroup.
pub(crate) const MAX_DELEGATEES: usize = 4;

/// A counted reference to a `struct cred`.
///
/// # Invariants
///
/// `0` points to a live `struct cred` of which this value owns one
/// reference. A cred that was ever referenced through `get_cred()` is
/// freed only after an RCU grace period, so a pointer to it read under RCU
/// stays valid until the section ends even if this reference goes.
pub(crate) struct Cred(NonNull<bindings::cred>);

// SAFETY: A cred is immutable once published, and its reference count is
// atomic: it may be used and released from any thread.
unsafe impl Send for Cred {}
// SAFETY: A shared `Cred` only reads the cred, which is immutable once
// published, and takes references atomically.
unsafe impl Sync for Cred {}

impl Cred {
    /// A new reference to `cred`.
    ///
    /// # Safety
    ///
    /// `cred` points to a live `struct cred`.
    unsafe fn get(cred: *const bindings::cred) -> Cred {
        // SAFETY: By the safety requirements `cred` is live; `get_cred()`
        // takes a reference, and clears `non_rcu` so that the cred is freed
        // after a grace period.
        unsafe { bindings::get_cred(cred) };
        // INVARIANT: the reference was just taken.
        // SAFETY: A live cred is not at address zero.
        Cred(unsafe { NonNull::new_unchecked(cred.cast_mut()) })
    }

    /// The subjective credentials of current: those it writes with.
    pub(crate) fn current() -> Cred {
        // SAFETY: `get_current()` is alive, and only current changes its
        // own `cred`, which is never null.
        unsafe { Cred::get((*bindings::get_current()).cred) }
    }

    /// The credentials that opened `file`.
    ///
    /// # Safety
    ///
    /// `file` points to an open file.
    pub(crate) unsafe fn of_opener(file: *mut bindings::file) -> Cred {
        // SAFETY: An open file holds a reference to its `f_cred`.
        unsafe { Cred::get((*file).f_cred) }
    }

    /// Gives the reference up, as the raw cred: [`Cred::from_raw`] takes
    /// it back.
    fn into_raw(self) -> *mut bindings::cred {
        core::mem::ManuallyDrop::new(self).0.as_ptr()
    }

    /// Takes back a reference that [`Cred::into_raw`] gave up.
    ///
    /// # Safety
    ///
    /// `cred` came from [`Cred::into_raw`], and is taken back once.
    unsafe fn from_raw(cred: *mut bindings::cred) -> Cred {
        // INVARIANT: the reference `into_raw` gave up comes back.
        // SAFETY: `into_raw` gave a non-null pointer.
        Cred(unsafe { NonNull::new_unchecked(cred) })
    }

    /// Whether `self` and `other` have the same power over every task:
    /// the same effective IDs, user namespace and capabilities.
    pub(crate) fn is_like(&self, other: &Cred) -> bool {
        // SAFETY: Both are live by the type invariant.
        let (a, b) = unsafe { (self.0.as_ref(), other.0.as_ref()) };
        a.euid.val == b.euid.val
            && a.egid.val == b.egid.val
            && a.user_ns == b.user_ns
            && a.cap_effective.val == b.cap_effective.val
            && a.cap_permitted.val == b.cap_permitted.val
    }
}

impl Clone for Cred {
    fn clone(&self) -> Cred {
        // SAFETY: `self` holds a reference, so the cred is live.
        unsafe { Cred::get(self.0.as_ptr()) }
    }
}

impl Drop for Cred {
    fn drop(&mut self) {
        // SAFETY: By the type invariant `self` owns one reference.
        unsafe { bindings::put_cred(self.0.as_ptr()) };
    }
}

/// A `struct cred` borrowed for `'a`: a task's, while it runs, or one
/// that a holder published and RCU keeps.
#[repr(transparent)]
pub(crate) struct CredRef(Opaque<bindings::cred>);

impl CredRef {
    /// The cred at `cred`.
    ///
    /// # Safety
    ///
    /// `cred` points to a `struct cred` that stays alive for `'a`.
    pub(crate) unsafe fn from_ptr<'a>(cred: *const bindings::cred) -> &'a CredRef {
        // SAFETY: `CredRef` is transparent over the C structure, alive for
        // `'a` by the safety requirements; a cred is immutable once
        // published.
        unsafe { &*cred.cast::<CredRef>() }
    }

    fn as_ptr(&self) -> *const bindings::cred {
        self.0.get()
    }

    fn fields(&self) -> &bindings::cred {
        // SAFETY: The cred is alive while borrowed, and immutable.
        unsafe { &*self.as_ptr() }
    }

    /// Whether the delegatee of these credentials has power over the task
    /// of objective credentials `task`, as the module documentation
    /// defines it.
    pub(crate) fn has_power_over(&self, task: &CredRef) -> bool {
        if core::ptr::eq(self, task) {
            return true;
        }
        let (r, t) = (self.fields(), task.fields());
        let (uid, gid) = (r.euid.val, r.egid.val);
        let same_user = t.uid.val == uid
            && t.euid.val == uid
            && t.suid.val == uid
            && t.gid.val == gid
            && t.egid.val == gid
            && t.sgid.val == gid
            && t.user_ns == r.user_ns
            && t.cap_permitted.val & !r.cap_permitted.val == 0;
        same_user
            // SAFETY: `self` is live, and `t.user_ns` is held by the live
            // `task`; `security_capable()` only reads them.
            || unsafe {
                bindings::syscalls_cgroup_capable(
                    self.as_ptr(),
                    t.user_ns,
                    bindings::CAP_SYS_PTRACE as i32,
                )
            }
    }
}

/// The writer and opener creds of the delegatees of a group's own rules,
/// published for the system call path, which reads them under RCU.
///
/// # Invariants
///
/// Each non-null pointer holds a reference to its cred, which this value
/// owns: it is put only once the pointer is replaced, and a cred is freed
/// a grace period after its last put at the earliest, so the pointer stays
/// valid inside an RCU read-side critical section that read it.
#[derive(Default)]
pub(crate) struct Rulers([[AtomicPtr<bindings::cred>; 2]; MAX_DELEGATEES]);

/// What [`Rulers::load`] read.
#[derive(Clone, Copy)]
pub(crate) struct LoadedRulers([[*mut bindings::cred; 2]; MAX_DELEGATEES]);

impl Rulers {
    /// Publishes the creds of `delegatees` in place of those before, with
    /// references of its own.
    pub(crate) fn publish(&self, delegatees: &[Option<Identity>; MAX_DELEGATEES]) {
        for (slot, d) in self.0.iter().zip(delegatees.iter()) {
            let creds = d.as_ref().map(|d| [d.writer.clone(), d.opener.clone()]);
            let [w, o] = creds.map_or([core::ptr::null_mut(); 2], |[w, o]| {
                [w.into_raw(), o.into_raw()]
            });
            for (a, new) in slot.iter().zip([w, o]) {
                // INVARIANT: `new` holds the reference `into_raw` gave up;
                // the replaced one is put below.
                let old = a.swap(new, Ordering::Relaxed);
                if !old.is_null() {
                    // SAFETY: By the type invariant `old` held a reference,
                    // which nothing else will put.
                    drop(unsafe { Cred::from_raw(old) });
                }
            }
        }
    }

    /// The creds as published, with plain loads: inside the group's
    /// seqlock they are consistent with the rest.
    pub(crate) fn load(&self) -> LoadedRulers {
        LoadedRulers(
            self.0
                .each_ref()
                .map(|[w, o]| [w.load(Ordering::Relaxed), o.load(Ordering::Relaxed)]),
        )
    }
}

impl Drop for Rulers {
    fn drop(&mut self) {
        for cred in self.0.iter_mut().flatten() {
            let cred = *cred.get_mut();
            if !cred.is_null() {
                // SAFETY: By the type invariant the pointer holds a
                // reference, put once here.
                drop(unsafe { Cred::from_raw(cred) });
            }
        }
    }
}

impl LoadedRulers {
    /// Whether each of the creds has power over the task of objective
    /// credentials `task`. `_rcu` is the section in which they were loaded.
    pub(crate) fn have_power_over(&self, task: &CredRef, _rcu: &RcuGuard) -> bool {
        self.0.iter().flatten().filter(|c| !c.is_null()).all(|&c| {
            // SAFETY: By the type invariant of `Rulers`, a published cred
            // stays valid in the RCU section that loaded it.
            unsafe { CredRef::from_ptr(c) }.has_power_over(task)
        })
    }
}

/// A delegatee who wrote rules: the credentials of the writer and of the
/// opener of the file, both of which must have power over a task for the
/// rules to judge it (a set-user-ID program writing to a file that an
/// unprivileged user opened for it writes with that user's power).
#[derive(Clone)]
pub(crate) struct Identity {
    pub(crate) writer: Cred,
    pub(crate) opener: Cred,
}

impl Identity {
    /// The writer through `of`, which is current.
    pub(crate) fn of_write(of: &OpenFile<'_>) -> Identity {
        Identity {
            writer: Cred::current(),
            // SAFETY: The file is open while the write runs.
            opener: unsafe { Cred::of_opener(of.file()) },
        }
    }

    /// Whether `self` and `other` have the same power over every task.
    pub(crate) fn is_like(&self, other: &Identity) -> bool {
        self.writer.is_like(&other.writer) && self.opener.is_like(&other.opener)
    }
}
