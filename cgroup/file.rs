// SPDX-License-Identifier: GPL-2.0

//! A subsystem's interface files: the `struct cftype` tables made from a
//! plain description of each file, and the open file a write comes
//! through.
//!
//! Every file of a subsystem shares one `seq_show` and one `write`
//! trampoline ([`super::Adapter`]): the entry's `private` is the index of
//! its description in [`super::CgroupSubsys::FILES`], which gives the
//! subsystem's own name of the file.
//!
//! C header: [`include/linux/cgroup-defs.h`](srctree/include/linux/cgroup-defs.h)

use core::cell::UnsafeCell;
use core::mem::MaybeUninit;

use kernel::bindings;
use kernel::ffi::{c_char, c_int};

use super::{Adapter, CgroupSubsys};

/// The description of one interface file, `<subsystem>.<name>`.
pub(crate) struct FileSpec<F> {
    /// The name after the subsystem's prefix.
    pub(crate) name: &'static str,
    /// The subsystem's name of the file, which its `show` and `write` get.
    pub(crate) file: F,
    /// Whether the file takes writes (it is read-only otherwise).
    pub(crate) writable: bool,
    /// The offset, from the css, of the `struct cgroup_file` by which the
    /// subsystem notifies the file (`cgroup_file_notify()`), if it does.
    pub(crate) notified: Option<usize>,
    /// Whether the file exists on the default hierarchy (cgroup v2) only.
    pub(crate) dfl_only: bool,
}

/// How many files of `T` a table of the default hierarchy (`dfl`) or of
/// the legacy ones lists.
pub(crate) const fn count<T: CgroupSubsys>(dfl: bool) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < T::FILES.len() {
        if dfl || !T::FILES[i].dfl_only {
            n += 1;
        }
        i += 1;
    }
    n
}

/// A table of `N - 1` files and the empty entry the core stops at. The
/// core writes into the entries when it registers them.
#[repr(transparent)]
pub(crate) struct Cftypes<const N: usize>(UnsafeCell<[bindings::cftype; N]>);

// SAFETY: Only the cgroup core touches the entries, under its own locks.
unsafe impl<const N: usize> Sync for Cftypes<N> {}

impl<const N: usize> Cftypes<N> {
    /// The files of `T` on the default hierarchy (`dfl`), where they are
    /// not in the root cgroup, whose resources are the whole system's; or
    /// on the legacy hierarchies, where they are in every cgroup. `N` is
    /// one more than [`count`] of them: the build fails otherwise.
    pub(crate) const fn new<T: CgroupSubsys>(dfl: bool) -> Self {
        assert!(N == count::<T>(dfl) + 1);
        // SAFETY: All-zero is a valid `cftype` (null pointers, no
        // callbacks, no flags): the form the core expects for unset fields,
        // and the entry that ends the table.
        let empty: bindings::cftype = unsafe { MaybeUninit::zeroed().assume_init() };
        let mut table = [empty; N];
        let (mut i, mut n) = (0, 0);
        while i < T::FILES.len() {
            let spec = &T::FILES[i];
            if dfl || !spec.dfl_only {
                let cft = &mut table[n];
                let name = spec.name.as_bytes();
                // Leave room for the NUL of the zeroed entry.
                assert!(name.len() < cft.name.len());
                let mut b = 0;
                while b < name.len() {
                    cft.name[b] = name[b] as c_char;
                    b += 1;
                }
                cft.private = i as kernel::ffi::c_ulong;
                if dfl {
                    cft.flags = bindings::CFTYPE_NOT_ON_ROOT;
                }
                cft.seq_show = Some(Adapter::<T>::seq_show);
                if spec.writable {
                    cft.write = Some(Adapter::<T>::write);
                }
                if let Some(offset) = spec.notified {
                    cft.file_offset = offset as u32;
                }
                n += 1;
            }
            i += 1;
        }
        Cftypes(UnsafeCell::new(table))
    }
}

/// An open interface file, being written.
///
/// # Invariants
///
/// `0` is the open file of a `write` callback that is running.
pub(crate) struct OpenFile<'a>(
    *mut bindings::kernfs_open_file,
    core::marker::PhantomData<&'a ()>,
);

impl OpenFile<'_> {
    /// The open file of a write.
    ///
    /// # Safety
    ///
    /// `of` is the open file of a `write` callback, running while the
    /// result lives.
    pub(super) unsafe fn new<'a>(of: *mut bindings::kernfs_open_file) -> OpenFile<'a> {
        // INVARIANT: By the safety requirements.
        OpenFile(of, core::marker::PhantomData)
    }

    /// The VFS file, alive while the write runs.
    pub(crate) fn file(&self) -> *mut bindings::file {
        // SAFETY: By the type invariant the file is open.
        unsafe { (*self.0).file }
    }

    /// Whether the writer and the opener of the file both hold
    /// `CAP_SYS_ADMIN` in the initial user namespace. The opener counts: a
    /// file that an unprivileged user opened and handed to a set-user-ID
    /// program (as its standard output, say) must not make that program's
    /// output an administrator's write.
    pub(crate) fn by_admin(&self) -> bool {
        let cap = bindings::CAP_SYS_ADMIN as c_int;
        // SAFETY: `capable()` checks current's credentials; the file is
        // alive while the write runs; `init_user_ns` is never freed.
        unsafe {
            bindings::capable(cap)
                && bindings::file_ns_capable(self.file(), &raw mut bindings::init_user_ns, cap)
        }
    }
}
