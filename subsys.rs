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

use kernel::alloc::flags::GFP_KERNEL_ACCOUNT;
use kernel::ffi::{c_char, c_int, c_void};
use kernel::{bindings, prelude::*, task::Task};

use crate::controller::{self, Report, Setting};
use crate::cred::Identity;
use crate::group::{self, Group, Writer};
use crate::policy::{Author, Rule};
use crate::report;
use crate::sync::{smp_mb, RcuGuard};

/// `css_alloc`: allocates the group of a new cgroup.
///
/// # Safety
///
/// Only the cgroup core calls it, as `struct cgroup_subsys` documents.
unsafe extern "C" fn css_alloc(
    parent: *mut bindings::cgroup_subsys_state,
) -> *mut bindings::cgroup_subsys_state {
    // The root's css, the only one without a parent, is allocated once, in
    // cgroup_init(), before anything else of this subsystem can run (v1
    // hierarchies rebind it, they do not allocate another): the time to
    // set up the writers' mutex and the log's rate limit.
    if parent.is_null() {
        // SAFETY: This is that one call, before any other callback.
        unsafe { Writer::init() };
        report::init();
    }
    // The creator of the cgroup pays for it, in its memory cgroup; what it
    // needs per system call comes only when it filters.
    match KBox::pin_init(Group::new(report::notify_events), GFP_KERNEL_ACCOUNT) {
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
    drop(unsafe { KBox::from_raw(core::ptr::from_ref(Group::from_css(css)).cast_mut()) });
}

/// `bind`: the root moves to another hierarchy.
///
/// # Safety
///
/// Only the cgroup core calls it, as `struct cgroup_subsys` documents.
unsafe extern "C" fn bind(root: *mut bindings::cgroup_subsys_state) {
    // SAFETY: As in `css_online`.
    controller::bind(unsafe { Group::from_css(root) });
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

/// Who writes through the open file `of`.
///
/// # Safety
///
/// `of` is an open file of this subsystem, being written.
unsafe fn author(of: *mut bindings::kernfs_open_file) -> Author {
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
    if admin {
        Author::Admin
    } else {
        Author::Delegatee
    }
}

/// Writes `text`, a read's whole content, to `sf`.
///
/// # Safety
///
/// `sf` is a seq_file being shown.
unsafe fn put(sf: *mut bindings::seq_file, text: Result<KVec<u8>>) -> c_int {
    match text {
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

/// The group of the file `sf` shows.
///
/// # Safety
///
/// `sf` is a seq_file of one of this subsystem's files, being shown.
unsafe fn shown_group<'a>(sf: *mut bindings::seq_file) -> &'a Group {
    // SAFETY: cgroup files keep their `kernfs_open_file` in `private`.
    unsafe { file_group((*sf).private.cast()) }
}

/// Defines `$name`, the `seq_show` callback of `syscalls.$file`, which
/// shows what `$show(group, $what)` gives for the file's group.
macro_rules! show_fn {
    ($name:ident, $file:literal, $show:path, $what:expr) => {
        #[doc = concat!("`seq_show` of `syscalls.", $file, "`.")]
        ///
        /// # Safety
        ///
        /// Only the cgroup core calls it, as `struct cftype` documents.
        unsafe extern "C" fn $name(sf: *mut bindings::seq_file, _v: *mut c_void) -> c_int {
            // SAFETY: The core shows one of our files.
            let group = unsafe { shown_group(sf) };
            // SAFETY: As above.
            unsafe { put(sf, $show(group, $what)) }
        }
    };
}

/// Defines `$name`, the `write` callback of `syscalls.$file`, which applies
/// the bytes written with `$write(group, $what, input, author)`.
macro_rules! write_fn {
    ($name:ident, $file:literal, $write:path, $what:expr) => {
        #[doc = concat!("`write` of `syscalls.", $file, "`.")]
        ///
        /// # Safety
        ///
        /// Only the cgroup core calls it, as `struct cftype` documents.
        unsafe extern "C" fn $name(
            of: *mut bindings::kernfs_open_file,
            buf: *mut c_char,
            len: usize,
            _off: bindings::loff_t,
        ) -> isize {
            // SAFETY: The core writes one of our files: `of` is open and
            // `buf` holds `len` bytes.
            let (group, input, author) = unsafe {
                (
                    file_group(of),
                    core::slice::from_raw_parts(buf.cast::<u8>(), len),
                    author(of),
                )
            };
            let who = match author {
                Author::Admin => None,
                // SAFETY: `of` is open, and so is its file.
                Author::Delegatee => Some(unsafe { Identity::of_write((*of).file) }),
            };
            match $write(group, $what, input, author, who.as_ref()) {
                Ok(()) => len as isize,
                Err(e) => e.to_errno() as isize,
            }
        }
    };
}

show_fn!(allow_show, "allow", controller::show, Rule::Allow);
show_fn!(deny_show, "deny", controller::show, Rule::Deny);
show_fn!(mode_show, "mode", controller::show_setting, Setting::Mode);
show_fn!(
    action_show,
    "action",
    controller::show_setting,
    Setting::Action
);
show_fn!(
    learn_show,
    "learn",
    controller::show_setting,
    Setting::Learn
);
show_fn!(
    policy_show,
    "policy",
    controller::show_setting,
    Setting::Policy
);
show_fn!(arm_show, "arm", controller::show_setting, Setting::Arm);
show_fn!(
    unarmed_show,
    "unarmed",
    controller::show_report,
    Report::Unarmed
);
show_fn!(used_show, "used", controller::show_report, Report::Used);
show_fn!(
    events_show,
    "events",
    controller::show_report,
    Report::Events
);
show_fn!(
    local_show,
    "events.local",
    controller::show_report,
    Report::EventsLocal
);
show_fn!(stat_show, "stat", controller::show_report, Report::Stat);

write_fn!(allow_write, "allow", controller::write, Rule::Allow);
write_fn!(deny_write, "deny", controller::write, Rule::Deny);
write_fn!(mode_write, "mode", controller::write_setting, Setting::Mode);
write_fn!(
    action_write,
    "action",
    controller::write_setting,
    Setting::Action
);
write_fn!(arm_write, "arm", controller::write_setting, Setting::Arm);
write_fn!(
    policy_write,
    "policy",
    controller::write_setting,
    Setting::Policy
);
write_fn!(
    learn_write,
    "learn",
    controller::write_setting,
    Setting::Learn
);

type ShowFn = unsafe extern "C" fn(*mut bindings::seq_file, *mut c_void) -> c_int;
type WriteFn = unsafe extern "C" fn(
    *mut bindings::kernfs_open_file,
    *mut c_char,
    usize,
    bindings::loff_t,
) -> isize;

/// A file `syscalls.NAME` of the cgroups `flags` says, writable if it has
/// a `write`.
const fn cftype(name: &str, flags: u32, show: ShowFn, write: Option<WriteFn>) -> bindings::cftype {
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
    cft.write = write;
    cft
}

/// `cft`, with the `struct cgroup_file` at `offset` in the css's state as
/// its handle for `cgroup_file_notify()`.
const fn notified(mut cft: bindings::cftype, offset: usize) -> bindings::cftype {
    cft.file_offset = (offset - core::mem::offset_of!(bindings::syscalls_cgroup, css)) as u32;
    cft
}

/// The files, ending with the empty entry the core stops at. The core
/// writes into them when it registers them.
#[repr(transparent)]
struct Files<const N: usize>(UnsafeCell<[bindings::cftype; N]>);

// SAFETY: Only the cgroup core touches the entries, under its own locks.
unsafe impl<const N: usize> Sync for Files<N> {}

/// The files of both hierarchies, with the cftype flags `flags`; `local`
/// is `syscalls.events.local`, or the terminating entry.
const fn files<const N: usize>(flags: u32, local: bool) -> [bindings::cftype; N] {
    // SAFETY: The zeroed entry terminates the array.
    let end: bindings::cftype = unsafe { MaybeUninit::zeroed().assume_init() };
    let mut all = [end; N];
    let events = core::mem::offset_of!(bindings::syscalls_cgroup, events_file);
    let events_local = core::mem::offset_of!(bindings::syscalls_cgroup, events_local_file);
    all[0] = cftype("allow", flags, allow_show, Some(allow_write));
    all[1] = cftype("deny", flags, deny_show, Some(deny_write));
    all[2] = cftype("mode", flags, mode_show, Some(mode_write));
    all[3] = cftype("action", flags, action_show, Some(action_write));
    all[4] = cftype("learn", flags, learn_show, Some(learn_write));
    all[5] = cftype("used", flags, used_show, None);
    all[6] = cftype("stat", flags, stat_show, None);
    all[7] = notified(cftype("events", flags, events_show, None), events);
    all[8] = cftype("policy", flags, policy_show, Some(policy_write));
    all[9] = cftype("arm", flags, arm_show, Some(arm_write));
    all[10] = cftype("unarmed", flags, unarmed_show, None);
    if local {
        all[11] = notified(
            cftype("events.local", flags, local_show, None),
            events_local,
        );
    }
    all
}

/// The files on cgroup v1: in every cgroup, the root included.
static V1_FILES: Files<12> = Files(UnsafeCell::new(files(0, false)));

/// The files on cgroup v2: as v1 has them and `syscalls.events.local`, but
/// not in the root, as every v2 controller does.
static V2_FILES: Files<13> = Files(UnsafeCell::new(files(bindings::CFTYPE_NOT_ON_ROOT, true)));

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
    ss.bind = Some(bind);
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

/// The `syscalls` cgroup subsystem.
#[no_mangle]
#[allow(non_upper_case_globals)]
pub static syscalls_cgrp_subsys: Subsys = Subsys(UnsafeCell::new(subsys()));
