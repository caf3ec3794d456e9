// SPDX-License-Identifier: GPL-2.0

//! The `syscalls` controller's `struct cgroup_subsys` and its files: the C
//! callbacks, each turning its arguments into references for
//! [`crate::controller`] and [`crate::group`].
//!
//! The cgroup core calls every callback here with valid arguments of this
//! subsystem, under the locking that `cgroup-defs.h` describes.
//!
//! C headers: [`include/linux/cgroup-defs.h`](srctree/include/linux/cgroup-defs.h),
//! [`include/linux/cgroup.h`](srctree/include/linux/cgroup.h)

use core::cell::UnsafeCell;
use core::mem::MaybeUninit;

use kernel::ffi::{c_char, c_int, c_void};
use kernel::{bindings, prelude::*, task::Task};

use crate::controller;
use crate::group::{self, Group, Writer};
use crate::policy::{Author, Rule};
use crate::sync::{smp_mb, RcuGuard};

/// `css_alloc`: allocates the group of a new cgroup.
///
/// # Safety
///
/// Only the cgroup core calls it, as `struct cgroup_subsys` documents.
unsafe extern "C" fn css_alloc(
    _parent: *mut bindings::cgroup_subsys_state,
) -> *mut bindings::cgroup_subsys_state {
    // The root's css is allocated in cgroup_init(), before anything else
    // of this subsystem can run: the time to set up the writers' mutex.
    Writer::init();
    match KBox::pin_init(Group::new(), GFP_KERNEL) {
        Ok(group) => {
            // SAFETY: The group is never moved out of its box: `css_free`
            // turns this pointer back into the box.
            let group = unsafe { Pin::into_inner_unchecked(group) };
            KBox::leak(group).css()
        }
        Err(e) => e.to_ptr(),
    }
}

/// `css_online`: the cgroup becomes visible; it takes its parent's set.
///
/// # Safety
///
/// Only the cgroup core calls it, as `struct cgroup_subsys` documents.
unsafe extern "C" fn css_online(css: *mut bindings::cgroup_subsys_state) -> c_int {
    // SAFETY: The core passes a css this subsystem allocated, alive.
    match controller::css_online(unsafe { Group::from_css(css) }) {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

/// `css_offline`: the cgroup is being removed.
///
/// # Safety
///
/// Only the cgroup core calls it, as `struct cgroup_subsys` documents.
unsafe extern "C" fn css_offline(css: *mut bindings::cgroup_subsys_state) {
    // SAFETY: As in `css_online`.
    controller::css_offline(unsafe { Group::from_css(css) });
}

/// `css_free`: frees the group.
///
/// # Safety
///
/// Only the cgroup core calls it, as `struct cgroup_subsys` documents.
unsafe extern "C" fn css_free(css: *mut bindings::cgroup_subsys_state) {
    // SAFETY: The core passes a css of this subsystem for the last time;
    // its group came from the box leaked in `css_alloc`.
    drop(unsafe { KBox::from_raw((Group::from_css(css) as *const Group).cast_mut()) });
}

/// `attach`: tasks moved into cgroups of this hierarchy.
///
/// # Safety
///
/// Only the cgroup core calls it, as `struct cgroup_subsys` documents.
unsafe extern "C" fn attach(tset: *mut bindings::cgroup_taskset) {
    // The core moved the tasks before calling: order that before the bits,
    // which a task clearing its own bit checks against its css.
    smp_mb();
    let mut css = core::ptr::null_mut();
    // SAFETY: The core passes a valid taskset; `css` receives the
    // destination css of each task.
    let mut task = unsafe { bindings::cgroup_taskset_first(tset, &mut css) };
    while !task.is_null() {
        // SAFETY: The destination css is alive during the attach, and so is
        // the task; `Task` is transparent.
        if unsafe { Group::from_css(css) }.is_filtering() {
            // SAFETY: As above.
            group::mark_task(unsafe { &*task.cast::<Task>() });
        }
        // SAFETY: As above.
        task = unsafe { bindings::cgroup_taskset_next(tset, &mut css) };
    }
}

/// `fork`: a new task, already linked to its cgroups.
///
/// # Safety
///
/// Only the cgroup core calls it, as `struct cgroup_subsys` documents.
unsafe extern "C" fn fork(task: *mut bindings::task_struct) {
    smp_mb();
    // SAFETY: The new task is alive; `Task` is transparent.
    let task = unsafe { &*task.cast::<Task>() };
    let _rcu = RcuGuard::new();
    // SAFETY: `_rcu` keeps the task's css alive even if it migrates.
    if unsafe { Group::of_task(task) }.is_filtering() {
        group::mark_task(task);
    }
}

/// The group of an open `syscalls.*` file.
///
/// # Safety
///
/// `of` is an open file of one of this subsystem's cftypes.
unsafe fn file_group<'a>(of: *mut bindings::kernfs_open_file) -> &'a Group {
    // SAFETY: By the safety requirements the css of the file is one of
    // ours, alive while the file is being read or written.
    unsafe { Group::from_css(bindings::of_css(of)) }
}

/// `seq_show` of the file of `rule`.
///
/// # Safety
///
/// `sf` is a seq_file of one of this subsystem's files, being shown.
unsafe fn show(sf: *mut bindings::seq_file, rule: Rule) -> c_int {
    // SAFETY: cgroup files keep their `kernfs_open_file` in `private`.
    let group = unsafe { file_group((*sf).private.cast()) };
    match controller::show(group, rule) {
        Ok(text) => {
            // SAFETY: `sf` is the seq_file being shown; `text` is readable.
            // When the text overflows its buffer, the seq_file core sees
            // that by itself and calls again with a larger one: the error
            // `seq_write()` returns then is not ours to pass on.
            unsafe { bindings::seq_write(sf, text.as_ptr().cast(), text.len()) };
            0
        }
        Err(e) => e.to_errno(),
    }
}

/// `write` of the file of `rule`: `len` bytes at `buf`.
///
/// # Safety
///
/// `of` is an open file of this subsystem, being written, and `buf` holds
/// `len` bytes.
unsafe fn write(
    of: *mut bindings::kernfs_open_file,
    buf: *mut c_char,
    len: usize,
    rule: Rule,
) -> isize {
    let cap = bindings::CAP_SYS_ADMIN as c_int;
    // An administrator holds CAP_SYS_ADMIN in the initial user namespace
    // both as the writer and as the opener of the file. The opener counts:
    // a file an unprivileged user opened and handed to a set-user-ID
    // program (as its standard output, say) must not make that program's
    // output an administrator's rule.
    // SAFETY: `capable()` checks current's credentials; `of` is open, so
    // its file is alive; `init_user_ns` is never freed.
    let admin = unsafe {
        bindings::capable(cap)
            && bindings::file_ns_capable((*of).file, &raw mut bindings::init_user_ns, cap)
    };
    // SAFETY: The core passes one of our files and `len` bytes at `buf`.
    let (group, input) = unsafe {
        (
            file_group(of),
            core::slice::from_raw_parts(buf.cast::<u8>(), len),
        )
    };
    let author = if admin {
        Author::Admin
    } else {
        Author::Delegatee
    };
    match controller::write(group, rule, input, author) {
        Ok(()) => len as isize,
        Err(e) => e.to_errno() as isize,
    }
}

/// `seq_show` of `syscalls.allow`.
///
/// # Safety
///
/// Only the cgroup core calls it, as `struct cftype` documents.
unsafe extern "C" fn allow_show(sf: *mut bindings::seq_file, _v: *mut c_void) -> c_int {
    // SAFETY: The core shows one of our files.
    unsafe { show(sf, Rule::Allow) }
}

/// `seq_show` of `syscalls.deny`.
///
/// # Safety
///
/// Only the cgroup core calls it, as `struct cftype` documents.
unsafe extern "C" fn deny_show(sf: *mut bindings::seq_file, _v: *mut c_void) -> c_int {
    // SAFETY: The core shows one of our files.
    unsafe { show(sf, Rule::Deny) }
}

/// `write` of `syscalls.allow`.
///
/// # Safety
///
/// Only the cgroup core calls it, as `struct cftype` documents.
unsafe extern "C" fn allow_write(
    of: *mut bindings::kernfs_open_file,
    buf: *mut c_char,
    len: usize,
    _off: bindings::loff_t,
) -> isize {
    // SAFETY: The core writes one of our files.
    unsafe { write(of, buf, len, Rule::Allow) }
}

/// `write` of `syscalls.deny`.
///
/// # Safety
///
/// Only the cgroup core calls it, as `struct cftype` documents.
unsafe extern "C" fn deny_write(
    of: *mut bindings::kernfs_open_file,
    buf: *mut c_char,
    len: usize,
    _off: bindings::loff_t,
) -> isize {
    // SAFETY: The core writes one of our files.
    unsafe { write(of, buf, len, Rule::Deny) }
}

type ShowFn = unsafe extern "C" fn(*mut bindings::seq_file, *mut c_void) -> c_int;
type WriteFn = unsafe extern "C" fn(
    *mut bindings::kernfs_open_file,
    *mut c_char,
    usize,
    bindings::loff_t,
) -> isize;

/// A file `syscalls.NAME` of the cgroups `flags` says.
const fn cftype(name: &str, flags: u32, show: ShowFn, write: WriteFn) -> bindings::cftype {
    // SAFETY: All-zero is a valid `cftype` (null pointers, no callbacks,
    // no flags): the form the core expects for unset fields.
    let mut cft: bindings::cftype = unsafe { MaybeUninit::zeroed().assume_init() };
    let bytes = name.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        cft.name[i] = bytes[i] as c_char;
        i += 1;
    }
    cft.flags = flags;
    cft.seq_show = Some(show);
    cft.write = Some(write);
    cft
}

/// The files, ending with the empty entry the core stops at. The core
/// writes into them when it registers them.
#[repr(transparent)]
struct Files(UnsafeCell<[bindings::cftype; 3]>);

// SAFETY: Only the cgroup core touches the entries, under its own locks.
unsafe impl Sync for Files {}

/// The files on cgroup v1: in every cgroup, the root included.
static V1_FILES: Files = Files(UnsafeCell::new([
    cftype("allow", 0, allow_show, allow_write),
    cftype("deny", 0, deny_show, deny_write),
    // SAFETY: The zeroed entry terminates the array.
    unsafe { MaybeUninit::zeroed().assume_init() },
]));

/// The files on cgroup v2: as v1 has them, but not in the root, as every
/// v2 controller does.
static V2_FILES: Files = Files(UnsafeCell::new([
    cftype(
        "allow",
        bindings::CFTYPE_NOT_ON_ROOT,
        allow_show,
        allow_write,
    ),
    cftype("deny", bindings::CFTYPE_NOT_ON_ROOT, deny_show, deny_write),
    // SAFETY: The zeroed entry terminates the array.
    unsafe { MaybeUninit::zeroed().assume_init() },
]));

/// The subsystem, under the name `include/linux/cgroup_subsys.h` gives it.
#[repr(transparent)]
pub struct Subsys(UnsafeCell<bindings::cgroup_subsys>);

// SAFETY: The cgroup core owns the structure after boot and serialises
// its own changes to it.
unsafe impl Sync for Subsys {}

const fn subsys() -> bindings::cgroup_subsys {
    // SAFETY: All-zero is a valid `cgroup_subsys`: no callbacks, no files,
    // and the fields the core fills in itself.
    let mut ss: bindings::cgroup_subsys = unsafe { MaybeUninit::zeroed().assume_init() };
    ss.css_alloc = Some(css_alloc);
    ss.css_online = Some(css_online);
    ss.css_offline = Some(css_offline);
    ss.css_free = Some(css_free);
    ss.attach = Some(attach);
    ss.fork = Some(fork);
    ss.legacy_cftypes = (&raw const V1_FILES).cast::<bindings::cftype>().cast_mut();
    ss.dfl_cftypes = (&raw const V2_FILES).cast::<bindings::cftype>().cast_mut();
    // `threaded`, the third bit of the `early_init`, `implicit_on_dfl`,
    // `threaded` bit-field (bindgen has no const setter): threads of one
    // process may be in different cgroups of a threaded subtree. KUnit
    // checks the bit through bindgen's getter.
    ss._bitfield_1 = bindings::__BindgenBitfieldUnit::new([1 << 2]);
    ss
}

/// Whether the subsystem says it is threaded, as the cgroup core reads it.
#[cfg(CONFIG_CGROUP_SYSCALLS_KUNIT_TEST)]
pub(crate) fn is_threaded() -> bool {
    // SAFETY: The core changes other fields of the subsystem, under its
    // locks; the bit-field is set at build time and only read.
    unsafe { (*syscalls_cgrp_subsys.0.get()).threaded() }
}

/// Whether an exec by current gains no privileges, as under
/// `no_new_privs`, because a delegatee wrote a deny that applies to it.
/// `check_unsafe_exec()` calls it.
#[no_mangle]
pub extern "C" fn syscalls_cgroup_no_new_privs() -> bool {
    // SAFETY: `get_current()` has no preconditions and returns a live task;
    // `Task` is transparent.
    let task = unsafe { &*bindings::get_current().cast::<Task>() };
    let _rcu = RcuGuard::new();
    // SAFETY: `_rcu` keeps current's css alive while it is used here.
    unsafe { Group::of_task(task) }.imposes_no_new_privs()
}

/// The `syscalls` cgroup subsystem.
#[no_mangle]
#[allow(non_upper_case_globals)]
pub static syscalls_cgrp_subsys: Subsys = Subsys(UnsafeCell::new(subsys()));
