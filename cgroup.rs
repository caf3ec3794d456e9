// SPDX-License-Identifier: GPL-2.0

//! The cgroup binding: the `syscalls` controller's `struct cgroup_subsys`,
//! its files, the per-cgroup state the system call path reads, and the
//! task operations the policy needs. Every `unsafe` of the controller is
//! here but those of the other binding modules, [`crate::sync`] and
//! [`crate::kunit`], and the two of the x86 glue in [`crate::abi`].
//!
//! C headers: [`include/linux/cgroup-defs.h`](srctree/include/linux/cgroup-defs.h),
//! [`include/linux/cgroup.h`](srctree/include/linux/cgroup.h)

use core::cell::UnsafeCell;
use core::mem::MaybeUninit;
use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use kernel::ffi::{c_char, c_int, c_long, c_void};

use kernel::{bindings, c_str, container_of, prelude::*, types::Opaque};

use crate::abi::Abi;
use crate::controller::{self, Verdict};
use crate::names;
use crate::policy::{self, Verb};
use crate::set::{SyscallSet, IA32_WORDS, X86_64_WORDS};
use crate::sync::{RcuGuard, SeqLock, StaticMutex, StaticMutexGuard};

/// Serialises every writer of rules and effective sets, and the coming
/// and going of cgroups, so that a change reaches the whole subtree at once.
static WRITERS: StaticMutex = StaticMutex::new();

/// A cgroup's effective set as the system call path reads it: the denied
/// calls, as atomics written only under the group's seqlock.
struct AtomicSet {
    /// The x86_64 bitmap, then the ia32 one: one array, so that finding a
    /// word takes an addition rather than a choice of array.
    words: [AtomicU64; X86_64_WORDS + IA32_WORDS],
    /// Whether anything is denied at all.
    any: AtomicBool,
}

impl AtomicSet {
    const fn new() -> Self {
        Self {
            words: [const { AtomicU64::new(0) }; X86_64_WORDS + IA32_WORDS],
            any: AtomicBool::new(false),
        }
    }

    /// The index in `words` of the first word of `abi`'s bitmap.
    #[inline]
    const fn first_word(abi: Abi) -> usize {
        match abi {
            Abi::X86_64 => 0,
            Abi::Ia32 => X86_64_WORDS,
        }
    }
}

/// What only writers touch, under [`WRITERS`].
struct Rules {
    /// The calls this cgroup denies itself.
    own: SyscallSet,
    /// Between `css_online` and `css_offline`: updates must reach it.
    online: bool,
}

/// The controller's state of one cgroup: a `struct cgroup_subsys_state`
/// with the sets around it.
///
/// # Invariants
///
/// `rules` is accessed only by the holder of [`WRITERS`] (a [`Writer`]);
/// `effective` is stored to only inside `seqlock`'s write side, by a
/// [`Writer`].
#[pin_data]
pub(crate) struct Group {
    css: Opaque<bindings::cgroup_subsys_state>,
    #[pin]
    seqlock: SeqLock,
    effective: AtomicSet,
    rules: UnsafeCell<Rules>,
}

// SAFETY: `rules` is only reached through a `Writer`, which holds the
// global mutex; everything else is atomics and a seqlock.
unsafe impl Sync for Group {}
// SAFETY: Nothing in a `Group` is tied to a thread.
unsafe impl Send for Group {}

impl Group {
    fn new() -> impl PinInit<Self> {
        pin_init!(Self {
            css: Opaque::uninit(),
            seqlock <- SeqLock::new(),
            effective: AtomicSet::new(),
            rules: UnsafeCell::new(Rules {
                own: SyscallSet::EMPTY,
                online: false,
            }),
        })
    }

    /// The group around `css`.
    ///
    /// # Safety
    ///
    /// `css` points to the `css` field of a `Group` that stays alive for `'a`.
    unsafe fn from_css<'a>(css: *mut bindings::cgroup_subsys_state) -> &'a Group {
        // SAFETY: By the safety requirements, `css` is inside a live `Group`.
        unsafe { &*container_of!(css, Group, css) }
    }

    fn css_ptr(&self) -> *mut bindings::cgroup_subsys_state {
        self.css.get()
    }

    /// The parent's group; `None` for the root.
    pub(crate) fn parent(&self) -> Option<&Group> {
        // SAFETY: The css is initialised by the cgroup core before any
        // callback can reach this group.
        let parent = unsafe { (*self.css_ptr()).parent };
        if parent.is_null() {
            None
        } else {
            // SAFETY: Every css of this subsystem is in a `Group`, and a
            // parent outlives its children: the core puts the parent only
            // when the child is released.
            Some(unsafe { Group::from_css(parent) })
        }
    }

    /// A consistent copy of the effective set.
    pub(crate) fn effective(&self) -> SyscallSet {
        let mut set = self.seqlock.read(|| {
            let mut set = SyscallSet::EMPTY;
            let (x86_64, ia32) = self.effective.words.split_at(X86_64_WORDS);
            for (w, a) in set.x86_64.iter_mut().zip(x86_64) {
                *w = a.load(Ordering::Relaxed);
            }
            for (w, a) in set.ia32.iter_mut().zip(ia32) {
                *w = a.load(Ordering::Relaxed);
            }
            set
        });
        // The stored set is the checked one (`policy::checked`).
        set.subtract(&names::RESTART_SYSCALL);
        set
    }

    /// Whether the effective set denies anything.
    pub(crate) fn denies_any(&self) -> bool {
        self.seqlock
            .read(|| self.effective.any.load(Ordering::Relaxed))
    }

    /// Whether the group denies call `nr` of `abi`, and whether it denies
    /// anything at all; `nr` is below `abi.size()`.
    #[inline]
    pub(crate) fn check(&self, abi: Abi, nr: usize) -> (bool, bool) {
        let idx = crate::abi::index_nospec(nr, abi.size());
        let word = self
            .effective
            .words
            .get(AtomicSet::first_word(abi) + idx / 64);
        let bit = 1u64 << (idx % 64);
        self.seqlock.read(|| {
            (
                word.is_some_and(|w| w.load(Ordering::Relaxed) & bit != 0),
                self.effective.any.load(Ordering::Relaxed),
            )
        })
    }
}

/// The one writer of the hierarchy: holds [`WRITERS`].
pub(crate) struct Writer {
    _guard: StaticMutexGuard,
}

impl Writer {
    /// Waits to become the writer.
    pub(crate) fn lock() -> Result<Writer> {
        Ok(Writer {
            _guard: WRITERS.lock()?,
        })
    }

    fn rules<'a>(&'a self, group: &'a Group) -> &'a Rules {
        // SAFETY: By the type invariant of `Group`, `rules` is only touched
        // under `WRITERS`, which `self` holds; no `&mut` to it is alive
        // while `self` is borrowed shared.
        unsafe { &*group.rules.get() }
    }

    fn rules_mut<'a>(&'a mut self, group: &'a Group) -> &'a mut Rules {
        // SAFETY: As in `rules`; `self` is borrowed exclusively, so this is
        // the only reference to any group's rules.
        unsafe { &mut *group.rules.get() }
    }

    /// The rules the group set itself.
    pub(crate) fn own(&self, group: &Group) -> SyscallSet {
        self.rules(group).own
    }

    /// Replaces the rules of the group; [`Writer::publish`] makes them count.
    pub(crate) fn set_own(&mut self, group: &Group, own: SyscallSet) {
        self.rules_mut(group).own = own;
    }

    /// Whether updates must reach the group.
    pub(crate) fn online(&self, group: &Group) -> bool {
        self.rules(group).online
    }

    /// Marks the group as one that updates must reach, or not.
    pub(crate) fn set_online(&mut self, group: &Group, online: bool) {
        self.rules_mut(group).online = online;
    }

    /// Makes `effective` the group's effective set, at once for every
    /// reader. Returns whether the previous set denied anything.
    pub(crate) fn publish(&mut self, group: &Group, effective: &SyscallSet) -> bool {
        let set = policy::checked(effective);
        let e = &group.effective;
        // INVARIANT: stores to `effective` happen inside the write side.
        let had_any = group.seqlock.write(|| {
            let words = Iterator::chain(set.x86_64.iter(), set.ia32.iter());
            for (a, w) in e.words.iter().zip(words) {
                a.store(*w, Ordering::Relaxed);
            }
            e.any.swap(!set.is_empty(), Ordering::Relaxed)
        });
        // Order the new set before any work bit set after this: a task that
        // clears its own bit re-reads the set after a barrier too.
        crate::sync::smp_mb();
        had_any
    }

    /// Calls `f` on `root` and each of its descendants, parents before
    /// children. `f` may sleep.
    pub(crate) fn for_each_descendant(
        &mut self,
        root: &Group,
        mut f: impl FnMut(&mut Writer, &Group) -> Result,
    ) -> Result {
        let root_css = root.css_ptr();
        let mut rcu = Some(RcuGuard::new());
        // SAFETY: Under RCU, starting the walk at `root_css`, which is alive.
        let mut pos = unsafe { bindings::css_next_descendant_pre(core::ptr::null_mut(), root_css) };
        let mut result = Ok(());
        while !pos.is_null() {
            // SAFETY: `pos` came from the walk under RCU, so it is valid to
            // try; a reference keeps it alive once RCU is left.
            let held = unsafe { bindings::css_tryget(pos) };
            if held {
                drop(rcu.take());
                if result.is_ok() {
                    // SAFETY: Every css of this subsystem is in a `Group`,
                    // and the reference keeps it alive during `f`.
                    result = f(self, unsafe { Group::from_css(pos) });
                }
                rcu = Some(RcuGuard::new());
            }
            let cur = pos;
            // SAFETY: Under RCU; `cur` is alive (held, or still visible in
            // the walk), and the walk may continue from a removed css.
            pos = unsafe { bindings::css_next_descendant_pre(cur, root_css) };
            if held {
                // SAFETY: Drops the reference taken above.
                unsafe { bindings::css_put(cur) };
            }
        }
        drop(rcu);
        result
    }

    /// Sets the work bit on every user task of the group, so that its next
    /// system call is checked.
    pub(crate) fn mark_tasks(&mut self, group: &Group) {
        let mut it = MaybeUninit::<bindings::css_task_iter>::zeroed();
        // SAFETY: `it` is a task iterator for `css_task_iter_start()` to
        // fill; the css is alive while its group is borrowed.
        unsafe { bindings::css_task_iter_start(group.css_ptr(), 0, it.as_mut_ptr()) };
        loop {
            // SAFETY: `it` was started above and is not ended yet.
            let task = unsafe { bindings::css_task_iter_next(it.as_mut_ptr()) };
            if task.is_null() {
                break;
            }
            mark_task(task);
        }
        // SAFETY: Ends the iteration started above.
        unsafe { bindings::css_task_iter_end(it.as_mut_ptr()) };
    }
}

/// Sets the work bit of `task` unless it is a kernel thread, which makes
/// no system calls of its own and is never filtered.
fn mark_task(task: *mut bindings::task_struct) {
    // SAFETY: Callers pass a live task (iterated, forked or attached).
    if unsafe { (*task).flags } & bindings::PF_KTHREAD == 0 {
        // SAFETY: As above; setting the bit is an atomic operation.
        unsafe { bindings::syscalls_cgroup_set_work(task) };
    }
}

/// Who is behind a write to one of the files: the task writing, and the
/// one that opened the file.
///
/// # Invariants
///
/// `of` is an open file of this subsystem, being written.
pub(crate) struct WriteAccess {
    of: *mut bindings::kernfs_open_file,
}

impl WriteAccess {
    /// Whether both the writer and the opener of the file hold
    /// `CAP_SYS_ADMIN` in the initial user namespace. The opener counts:
    /// a file opened by an unprivileged user and handed to a privileged
    /// program (as its standard output, say) must not let that program's
    /// output change the policy.
    pub(crate) fn is_sys_admin(&self) -> bool {
        let cap = bindings::CAP_SYS_ADMIN as c_int;
        // SAFETY: `capable()` checks the credentials of current.
        let writer = unsafe { bindings::capable(cap) };
        // SAFETY: By the type invariant `of` is open, so its `file` is
        // alive; `init_user_ns` is a static of the kernel, never freed.
        writer && unsafe { bindings::file_ns_capable((*self.of).file, &raw mut bindings::init_user_ns, cap) }
    }
}

/// The group of `task`.
///
/// # Safety
///
/// `task` is alive, and the caller is in an RCU read-side critical section
/// for as long as it uses the group.
#[inline]
unsafe fn task_group<'a>(task: *mut bindings::task_struct) -> &'a Group {
    // SAFETY: `task` is alive; its `cgroups` is RCU-protected and read
    // once, as `rcu_dereference()` does, and the css set it points to stays
    // alive under RCU with its `subsys` array fixed.
    let css = unsafe {
        let cset = core::ptr::read_volatile(&raw const (*task).cgroups);
        (*cset).subsys[bindings::cgroup_subsys_id_syscalls_cgrp_id as usize]
    };
    // SAFETY: Every css of this subsystem is in a `Group`, alive under RCU.
    unsafe { Group::from_css(css) }
}

/// The task making a system call, as the check sees it.
///
/// # Invariants
///
/// `task` is current.
#[derive(Clone, Copy)]
pub(crate) struct Current {
    task: *mut bindings::task_struct,
}

impl Current {
    /// Whether current entered the kernel through the ia32 ABI.
    #[inline]
    pub(crate) fn in_ia32(&self) -> bool {
        // SAFETY: By the type invariant `task` is current, whose status
        // only current itself changes.
        crate::abi::entered_ia32(unsafe { (*self.task).thread_info.status })
    }

    /// Calls `f` with the group current is in now, under RCU.
    #[inline]
    pub(crate) fn with_group<R>(&self, f: impl FnOnce(&Group) -> R) -> R {
        let _rcu = RcuGuard::new();
        // SAFETY: current is alive, and `_rcu` covers the use of the group.
        f(unsafe { task_group(self.task) })
    }

    /// Clears current's work bit, then orders that before later loads.
    pub(crate) fn clear_work(&self) {
        // SAFETY: Clears a bit of current's own thread info, atomically.
        unsafe { bindings::syscalls_cgroup_clear_work() };
        crate::sync::smp_mb();
    }

    /// Sets current's work bit.
    pub(crate) fn set_work(&self) {
        mark_task(self.task);
    }

    /// The system call that `restart_syscall` would continue now, as its
    /// number and whether it was an ia32 call; `None` when there is
    /// nothing to continue.
    pub(crate) fn interrupted_call(&self) -> Option<(i64, bool)> {
        // SAFETY: By the type invariant `task` is current, and only current
        // changes its own restart block.
        let restart = unsafe { &(*self.task).restart_block };
        // Function addresses: `do_no_restart_syscall` is one function, in
        // the kernel image, with one address.
        let nothing = bindings::do_no_restart_syscall as *const () as usize;
        match restart.fn_ {
            Some(f) if f as *const () as usize != nothing => Some((restart.syscall_nr as i64, restart.syscall_compat)),
            _ => None,
        }
    }
}

// The `struct cgroup_subsys` callbacks. The cgroup core calls them with
// valid arguments of this subsystem, under the locking cgroup-defs.h
// describes; each turns them into references and calls the policy.

/// `css_alloc`: allocates the group of a new cgroup.
///
/// # Safety
///
/// Only the cgroup core calls it, through `syscalls_cgrp_subsys`, with
/// arguments of this subsystem as `struct cgroup_subsys` documents them.
unsafe extern "C" fn css_alloc(
    _parent: *mut bindings::cgroup_subsys_state,
) -> *mut bindings::cgroup_subsys_state {
    // The root's css is allocated in cgroup_init(), before anything else
    // of this subsystem can run: the time to set up the writers' mutex.
    WRITERS.init(c_str!("syscalls_cgroup_writers"));
    match KBox::pin_init(Group::new(), GFP_KERNEL) {
        Ok(group) => {
            // SAFETY: The group is never moved out of its box: `css_free`
            // turns this pointer back into the pinned box.
            let group = unsafe { Pin::into_inner_unchecked(group) };
            let group = KBox::into_raw(group);
            // SAFETY: `group` points to a live, initialised `Group`.
            unsafe { (*group).css_ptr() }
        }
        Err(e) => e.to_ptr(),
    }
}

/// `css_online`: the cgroup becomes visible; it takes its parent's set.
///
/// # Safety
///
/// Only the cgroup core calls it, through `syscalls_cgrp_subsys`, with
/// arguments of this subsystem as `struct cgroup_subsys` documents them.
unsafe extern "C" fn css_online(css: *mut bindings::cgroup_subsys_state) -> c_int {
    // SAFETY: The core passes a css this subsystem allocated, alive.
    let group = unsafe { Group::from_css(css) };
    match controller::css_online(group) {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

/// `css_offline`: the cgroup is being removed.
///
/// # Safety
///
/// Only the cgroup core calls it, through `syscalls_cgrp_subsys`, with
/// arguments of this subsystem as `struct cgroup_subsys` documents them.
unsafe extern "C" fn css_offline(css: *mut bindings::cgroup_subsys_state) {
    // SAFETY: As in `css_online`.
    let group = unsafe { Group::from_css(css) };
    controller::css_offline(group);
}

/// `css_free`: frees the group.
///
/// # Safety
///
/// Only the cgroup core calls it, through `syscalls_cgrp_subsys`, with
/// arguments of this subsystem as `struct cgroup_subsys` documents them.
unsafe extern "C" fn css_free(css: *mut bindings::cgroup_subsys_state) {
    // SAFETY: The core passes a css of this subsystem for the last time;
    // it came from `KBox::into_raw` in `css_alloc`.
    drop(unsafe { KBox::from_raw(container_of!(css, Group, css).cast_mut()) });
}

/// `attach`: tasks moved into cgroups of this hierarchy.
///
/// # Safety
///
/// Only the cgroup core calls it, through `syscalls_cgrp_subsys`, with
/// arguments of this subsystem as `struct cgroup_subsys` documents them.
unsafe extern "C" fn attach(tset: *mut bindings::cgroup_taskset) {
    // The core moved the tasks before calling: order that before the bits,
    // which a task clearing its own bit checks against its css.
    crate::sync::smp_mb();
    let mut css = core::ptr::null_mut();
    // SAFETY: The core passes a valid taskset; `css` receives the
    // destination css of each task.
    let mut task = unsafe { bindings::cgroup_taskset_first(tset, &mut css) };
    while !task.is_null() {
        // SAFETY: The destination css is alive during the attach.
        if controller::needs_work(unsafe { Group::from_css(css) }) {
            mark_task(task);
        }
        // SAFETY: As above.
        task = unsafe { bindings::cgroup_taskset_next(tset, &mut css) };
    }
}

/// `fork`: a new task, already linked to its cgroups.
///
/// # Safety
///
/// Only the cgroup core calls it, through `syscalls_cgrp_subsys`, with
/// arguments of this subsystem as `struct cgroup_subsys` documents them.
unsafe extern "C" fn fork(task: *mut bindings::task_struct) {
    crate::sync::smp_mb();
    let _rcu = RcuGuard::new();
    // SAFETY: The new task is alive and linked to its css set; `_rcu`
    // keeps its css alive even if it migrates meanwhile.
    let group = unsafe { task_group(task) };
    if controller::needs_work(group) {
        mark_task(task);
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

/// Shows the file `verb` names.
///
/// # Safety
///
/// `sf` is a seq_file of one of this subsystem's files, being shown.
unsafe fn seq_show(sf: *mut bindings::seq_file, verb: Verb) -> c_int {
    // SAFETY: cgroup files keep their `kernfs_open_file` in `private`.
    let group = unsafe { file_group((*sf).private.cast()) };
    match controller::show(group, verb) {
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

/// Writes `len` bytes at `buf` to the file `verb` names.
///
/// # Safety
///
/// `of` is an open file of this subsystem and `buf` holds `len` bytes.
unsafe fn write(
    of: *mut bindings::kernfs_open_file,
    buf: *mut c_char,
    len: usize,
    verb: Verb,
) -> isize {
    // SAFETY: The core passes one of our files.
    let group = unsafe { file_group(of) };
    // SAFETY: kernfs hands over `len` readable bytes at `buf`.
    let input = unsafe { core::slice::from_raw_parts(buf.cast::<u8>(), len) };
    // INVARIANT: `of` is one of our files, being written.
    let access = WriteAccess { of };
    match controller::write(group, verb, input, &access) {
        Ok(()) => len as isize,
        Err(e) => e.to_errno() as isize,
    }
}

/// `seq_show` of `syscalls.allow`.
///
/// # Safety
///
/// Only the cgroup core calls it, through `syscalls_cgrp_subsys`, with
/// arguments of this subsystem as `struct cgroup_subsys` documents them.
unsafe extern "C" fn allow_show(sf: *mut bindings::seq_file, _v: *mut c_void) -> c_int {
    // SAFETY: The core shows one of our files.
    unsafe { seq_show(sf, Verb::Allow) }
}

/// `seq_show` of `syscalls.deny`.
///
/// # Safety
///
/// Only the cgroup core calls it, through `syscalls_cgrp_subsys`, with
/// arguments of this subsystem as `struct cgroup_subsys` documents them.
unsafe extern "C" fn deny_show(sf: *mut bindings::seq_file, _v: *mut c_void) -> c_int {
    // SAFETY: The core shows one of our files.
    unsafe { seq_show(sf, Verb::Deny) }
}

/// `write` of `syscalls.allow`.
///
/// # Safety
///
/// Only the cgroup core calls it, through `syscalls_cgrp_subsys`, with
/// arguments of this subsystem as `struct cgroup_subsys` documents them.
unsafe extern "C" fn allow_write(
    of: *mut bindings::kernfs_open_file,
    buf: *mut c_char,
    len: usize,
    _off: bindings::loff_t,
) -> isize {
    // SAFETY: The core writes one of our files.
    unsafe { write(of, buf, len, Verb::Allow) }
}

/// `write` of `syscalls.deny`.
///
/// # Safety
///
/// Only the cgroup core calls it, through `syscalls_cgrp_subsys`, with
/// arguments of this subsystem as `struct cgroup_subsys` documents them.
unsafe extern "C" fn deny_write(
    of: *mut bindings::kernfs_open_file,
    buf: *mut c_char,
    len: usize,
    _off: bindings::loff_t,
) -> isize {
    // SAFETY: The core writes one of our files.
    unsafe { write(of, buf, len, Verb::Deny) }
}

type ShowFn = unsafe extern "C" fn(*mut bindings::seq_file, *mut c_void) -> c_int;
type WriteFn = unsafe extern "C" fn(
    *mut bindings::kernfs_open_file,
    *mut c_char,
    usize,
    bindings::loff_t,
) -> isize;

/// A file of every cgroup, `syscalls.NAME` on v1.
const fn cftype(name: &str, show: ShowFn, write: WriteFn) -> bindings::cftype {
    // SAFETY: All-zero is a valid `cftype` (null pointers, no callbacks,
    // no flags): the form the core expects for unset fields.
    let mut cft: bindings::cftype = unsafe { MaybeUninit::zeroed().assume_init() };
    let bytes = name.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        cft.name[i] = bytes[i] as c_char;
        i += 1;
    }
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

static FILES: Files = Files(UnsafeCell::new([
    cftype("allow", allow_show, allow_write),
    cftype("deny", deny_show, deny_write),
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
    // Files on cgroup v1 only: without `dfl_cftypes` the core keeps the
    // controller off the unified hierarchy.
    ss.legacy_cftypes = (&raw const FILES).cast::<bindings::cftype>().cast_mut();
    ss
}

/// The `syscalls` cgroup subsystem.
#[no_mangle]
#[allow(non_upper_case_globals)]
pub static syscalls_cgrp_subsys: Subsys = Subsys(UnsafeCell::new(subsys()));

/// The check of system call `nr` of `task`, which is current, with
/// registers `regs`: returns `nr`, or -1 after making the call return
/// `-ENOSYS` when the cgroup of `task` denies it. `syscalls_cgroup_enter()`
/// of `include/linux/syscalls_cgroup.h` calls it.
///
/// # Safety
///
/// `task` is current and `regs` the registers of its system call.
#[no_mangle]
pub unsafe extern "C" fn __syscalls_cgroup_enter(
    regs: *mut bindings::pt_regs,
    nr: c_long,
    task: *mut bindings::task_struct,
) -> c_long {
    // INVARIANT: the caller passes current.
    let current = Current { task };
    match controller::verdict(current, nr as i64) {
        Verdict::Allow => nr,
        // SAFETY: As for this function.
        verdict => unsafe { enter_slow(regs, nr, task, verdict) },
    }
}

/// [`__syscalls_cgroup_enter`] for a call it did not simply allow: a denied
/// call, a restart, or a task whose cgroup denies nothing. Out of line and
/// called last, so that the allowed path saves no registers.
///
/// # Safety
///
/// As for [`__syscalls_cgroup_enter`].
#[cold]
#[inline(never)]
unsafe fn enter_slow(
    regs: *mut bindings::pt_regs,
    nr: c_long,
    task: *mut bindings::task_struct,
    verdict: Verdict,
) -> c_long {
    // INVARIANT: the caller passes current.
    if controller::denies(Current { task }, nr as i64, verdict) {
        // SAFETY: The caller passes current's registers.
        unsafe { crate::abi::fail_with_enosys(regs) };
        // The number of no call: the entry code skips it.
        -1
    } else {
        nr
    }
}

/// Records in `restart` the system call it continues: the one current is
/// making, unless that is `restart_syscall` itself, which continues the
/// call recorded already. `set_restart_fn()` calls it.
///
/// # Safety
///
/// `restart` is current's restart block, and current is in a system call.
#[no_mangle]
pub unsafe extern "C" fn syscalls_cgroup_note_restart(restart: *mut bindings::restart_block) {
    // SAFETY: current is alive, and in a system call, whose registers
    // `current_pt_regs()` gives; only the low 32 bits of `orig_ax` count,
    // as `classify()` knows.
    let (task, nr) = unsafe {
        let task = bindings::get_current();
        (task, (*bindings::current_pt_regs()).orig_ax as i64)
    };
    // INVARIANT: `task` is current.
    let ia32 = Current { task }.in_ia32();
    if !controller::is_restart(nr, ia32) {
        // SAFETY: By the safety requirements `restart` is current's, which
        // only current changes.
        unsafe {
            (*restart).syscall_nr = nr as c_long;
            (*restart).syscall_compat = ia32;
        }
    }
}
