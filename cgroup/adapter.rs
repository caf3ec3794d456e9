// SPDX-License-Identifier: GPL-2.0

//! A `struct cgroup_subsys` from a [`CgroupSubsys`] implementation: the
//! trampolines that the cgroup core calls, each turning its arguments into
//! references for the implementation and its result into what C expects.
//!
//! The core calls them with valid arguments of the subsystem, under the
//! locking that `cgroup-defs.h` describes.
//!
//! C header: [`include/linux/cgroup-defs.h`](srctree/include/linux/cgroup-defs.h)

use core::cell::UnsafeCell;
use core::marker::PhantomData;
use core::mem::MaybeUninit;

use kernel::error::from_result;
use kernel::ffi::{c_char, c_int, c_void};
use kernel::{bindings, prelude::*, task::Task};

use super::file::{FileSpec, OpenFile};
use super::{CssState, Taskset};

/// A cgroup subsystem: its state of one cgroup, its files and what it does
/// when the core calls.
pub(crate) trait CgroupSubsys: 'static {
    /// The subsystem's state of one cgroup.
    type State: CssState;
    /// The subsystem's name of each of its files.
    type File: Copy;
    /// The interface files.
    const FILES: &'static [FileSpec<Self::File>];
    /// Whether threads of one process may be in different cgroups of a
    /// threaded subtree.
    const THREADED: bool;

    /// Sets up what the subsystem needs before anything else runs: called
    /// once, at boot, from the `css_alloc` of the root, the first callback
    /// (v1 hierarchies rebind the root, they do not allocate another).
    fn init(first: &FirstCall);
    /// `css_alloc`: the state of a new cgroup, whose parent's state is
    /// `parent` (`None`: the root).
    fn css_alloc(parent: Option<&Self::State>) -> Result<Pin<KBox<Self::State>>>;
    /// `css_online`: the cgroup becomes visible.
    fn css_online(state: &Self::State) -> Result;
    /// `css_offline`: the cgroup is being removed.
    fn css_offline(state: &Self::State);
    /// `bind`: the root moves to another hierarchy.
    fn bind(root: &Self::State);
    /// `attach`: tasks moved into cgroups of the hierarchy.
    fn attach(tasks: &Taskset<'_, Self::State>);
    /// `fork`: a new task, linked to its cgroups already.
    fn fork(task: &Task);
    /// What a read of `file` of the cgroup of `state` shows.
    fn show(state: &Self::State, file: Self::File) -> Result<KVec<u8>>;
    /// A write of `input` to `file` of the cgroup of `state`, through `of`.
    fn write(state: &Self::State, file: Self::File, input: &[u8], of: &OpenFile<'_>) -> Result;
}

/// Proof that the subsystem's first callback is running: only
/// [`Adapter`] makes one, for [`CgroupSubsys::init`].
pub(crate) struct FirstCall(());

/// The trampolines of `T`.
pub(crate) struct Adapter<T>(PhantomData<T>);

impl<T: CgroupSubsys> Adapter<T> {
    /// # Safety
    ///
    /// Only the cgroup core calls it, as `struct cgroup_subsys` documents.
    unsafe extern "C" fn css_alloc(
        parent: *mut bindings::cgroup_subsys_state,
    ) -> *mut bindings::cgroup_subsys_state {
        if parent.is_null() {
            // The root's `css_alloc` is the first callback, and runs once.
            T::init(&FirstCall(()));
        }
        // SAFETY: A parent is a css of this subsystem, alive while its
        // child is made.
        let parent = (!parent.is_null()).then(|| unsafe { T::State::from_css(parent) });
        match T::css_alloc(parent) {
            Ok(state) => {
                // SAFETY: The state is never moved out of its box: `css_free`
                // turns its css back into the box.
                let state = unsafe { Pin::into_inner_unchecked(state) };
                KBox::leak(state).css().as_raw()
            }
            Err(e) => e.to_ptr(),
        }
    }

    /// # Safety
    ///
    /// As for [`Adapter::css_alloc`].
    unsafe extern "C" fn css_online(css: *mut bindings::cgroup_subsys_state) -> c_int {
        // SAFETY: The core passes a css this subsystem allocated, alive.
        from_result(|| T::css_online(unsafe { T::State::from_css(css) }).map(|()| 0))
    }

    /// # Safety
    ///
    /// As for [`Adapter::css_alloc`].
    unsafe extern "C" fn css_offline(css: *mut bindings::cgroup_subsys_state) {
        // SAFETY: The core passes a css this subsystem allocated, alive.
        T::css_offline(unsafe { T::State::from_css(css) });
    }

    /// # Safety
    ///
    /// As for [`Adapter::css_alloc`].
    unsafe extern "C" fn css_free(css: *mut bindings::cgroup_subsys_state) {
        // SAFETY: The core passes a css of this subsystem for the last time;
        // its state came from the box leaked in `css_alloc`.
        let state = core::ptr::from_ref(unsafe { T::State::from_css(css) });
        // SAFETY: The state came from `KBox::leak` in `css_alloc`, and this
        // last callback gives it back once.
        drop(unsafe { KBox::from_raw(state.cast_mut()) });
    }

    /// # Safety
    ///
    /// As for [`Adapter::css_alloc`].
    unsafe extern "C" fn bind(root: *mut bindings::cgroup_subsys_state) {
        // SAFETY: The core passes the root's css, which this subsystem
        // allocated, alive.
        T::bind(unsafe { T::State::from_css(root) });
    }

    /// # Safety
    ///
    /// As for [`Adapter::css_alloc`].
    unsafe extern "C" fn attach(tset: *mut bindings::cgroup_taskset) {
        // INVARIANT: the core passes the taskset of this attach.
        T::attach(&Taskset(tset, PhantomData));
    }

    /// # Safety
    ///
    /// As for [`Adapter::css_alloc`].
    unsafe extern "C" fn fork(task: *mut bindings::task_struct) {
        // SAFETY: The new task is alive; `Task` is transparent.
        T::fork(unsafe { &*task.cast::<Task>() });
    }

    /// The description of the file `of` is open on.
    ///
    /// # Safety
    ///
    /// `of` is an open file of one of this subsystem's tables.
    unsafe fn spec(of: *mut bindings::kernfs_open_file) -> Option<&'static FileSpec<T::File>> {
        // SAFETY: The kernfs node of a cgroup file holds its cftype, of a
        // table that `Cftypes::new::<T>` made: `private` indexes `FILES`.
        let index = unsafe { (*(*(*of).kn).priv_.cast::<bindings::cftype>()).private };
        // `c_ulong` is `usize` on 7.x and `u64` on 6.12.
        #[allow(clippy::unnecessary_cast)]
        T::FILES.get(index as usize)
    }

    /// `seq_show` of every file of `T`.
    ///
    /// # Safety
    ///
    /// Only the cgroup core calls it, as `struct cftype` documents.
    pub(super) unsafe extern "C" fn seq_show(
        sf: *mut bindings::seq_file,
        _v: *mut c_void,
    ) -> c_int {
        // SAFETY: cgroup files keep their `kernfs_open_file` in `private`.
        let of = unsafe { (*sf).private.cast::<bindings::kernfs_open_file>() };
        // SAFETY: The core shows one of our files, open.
        let Some(spec) = (unsafe { Self::spec(of) }) else {
            return EINVAL.to_errno();
        };
        // SAFETY: The css of the file is one of ours, alive while the file
        // is shown.
        let state = unsafe { T::State::from_css(bindings::of_css(of)) };
        match T::show(state, spec.file) {
            Ok(text) => {
                // SAFETY: `sf` is the seq_file being shown; `text` is
                // readable. When the text overflows its buffer, the seq_file
                // core sees that by itself and calls again with a larger
                // one: the error `seq_write()` returns then is not ours to
                // pass on.
                unsafe { bindings::seq_write(sf, text.as_ptr().cast(), text.len()) };
                0
            }
            Err(e) => e.to_errno(),
        }
    }

    /// `write` of every writable file of `T`.
    ///
    /// # Safety
    ///
    /// Only the cgroup core calls it, as `struct cftype` documents.
    pub(super) unsafe extern "C" fn write(
        of: *mut bindings::kernfs_open_file,
        buf: *mut c_char,
        len: usize,
        _off: bindings::loff_t,
    ) -> isize {
        // SAFETY: The core writes one of our files, open.
        let Some(spec) = (unsafe { Self::spec(of) }) else {
            return EINVAL.to_errno() as isize;
        };
        // SAFETY: The css of the file is one of ours, alive while it is
        // written; `buf` holds `len` bytes; `of` is the open file of this
        // write.
        let (state, input, open) = unsafe {
            (
                T::State::from_css(bindings::of_css(of)),
                core::slice::from_raw_parts(buf.cast::<u8>(), len),
                OpenFile::new(of),
            )
        };
        from_result(|| {
            T::write(state, spec.file, input, &open)?;
            Ok(len as isize)
        })
    }
}

/// A `struct cgroup_subsys`, under the name that
/// `include/linux/cgroup_subsys.h` gives it.
#[repr(transparent)]
pub struct Subsystem(UnsafeCell<bindings::cgroup_subsys>);

// SAFETY: The cgroup core owns the structure after boot and serialises its
// own changes to it.
unsafe impl Sync for Subsystem {}

impl Subsystem {
    /// The subsystem `T`, with the file tables of the legacy hierarchies
    /// (`legacy`) and of the default one (`dfl`): see [`cgroup_subsys!`].
    pub(crate) const fn new<T: CgroupSubsys>(
        legacy: *mut bindings::cftype,
        dfl: *mut bindings::cftype,
    ) -> Subsystem {
        // SAFETY: All-zero is a valid `cgroup_subsys`: no callbacks, no
        // files, and the fields the core fills in itself.
        let mut ss: bindings::cgroup_subsys = unsafe { MaybeUninit::zeroed().assume_init() };
        ss.css_alloc = Some(Adapter::<T>::css_alloc);
        ss.css_online = Some(Adapter::<T>::css_online);
        ss.css_offline = Some(Adapter::<T>::css_offline);
        ss.css_free = Some(Adapter::<T>::css_free);
        ss.attach = Some(Adapter::<T>::attach);
        ss.bind = Some(Adapter::<T>::bind);
        ss.fork = Some(Adapter::<T>::fork);
        ss.legacy_cftypes = legacy;
        ss.dfl_cftypes = dfl;
        // `threaded`, the third bit of the `early_init`, `implicit_on_dfl`,
        // `threaded` bit-field (bindgen has no const setter). KUnit checks
        // the bit through bindgen's getter.
        if T::THREADED {
            ss._bitfield_1 = bindings::__BindgenBitfieldUnit::new([1 << 2]);
        }
        Subsystem(UnsafeCell::new(ss))
    }

    /// Whether the subsystem says it is threaded, as the cgroup core reads
    /// it.
    #[cfg(CONFIG_CGROUP_SYSCALLS_KUNIT_TEST)]
    pub(crate) fn is_threaded(&self) -> bool {
        // SAFETY: The core changes other fields of the subsystem, under its
        // locks; the bit-field is set at build time and only read.
        unsafe { (*self.0.get()).threaded() }
    }
}

/// Defines `$name`, the `struct cgroup_subsys` of `$T`, under the name
/// that `include/linux/cgroup_subsys.h` gives it, and its file tables: on
/// the legacy hierarchies (cgroup v1) every file of [`CgroupSubsys::FILES`]
/// but those of the default hierarchy alone, in every cgroup; on the
/// default hierarchy (cgroup v2) all of them, but not in the root.
macro_rules! cgroup_subsys {
    ($(#[$meta:meta])* $name:ident: $T:ty) => {
        static LEGACY_FILES: $crate::cgroup::file::Cftypes<
            { $crate::cgroup::file::count::<$T>(false) + 1 },
        > = $crate::cgroup::file::Cftypes::new::<$T>(false);
        static DFL_FILES: $crate::cgroup::file::Cftypes<
            { $crate::cgroup::file::count::<$T>(true) + 1 },
        > = $crate::cgroup::file::Cftypes::new::<$T>(true);

        $(#[$meta])*
        #[no_mangle]
        #[allow(non_upper_case_globals)]
        pub static $name: $crate::cgroup::adapter::Subsystem =
            $crate::cgroup::adapter::Subsystem::new::<$T>(
                (&raw const LEGACY_FILES)
                    .cast::<::kernel::bindings::cftype>()
                    .cast_mut(),
                (&raw const DFL_FILES)
                    .cast::<::kernel::bindings::cftype>()
                    .cast_mut(),
            );
    };
}
pub(crate) use cgroup_subsys;
