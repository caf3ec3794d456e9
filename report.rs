// SPDX-License-Identifier: GPL-2.0

//! What a denial shows outside the system call path: the kernel log line
//! or audit record, and the poll notification of the events files.
//!
//! A denied call (enforced or logged) is counted on the system call path
//! ([`Group::count_denial`]). Everything that takes a global lock happens
//! elsewhere or rarely: the log is rate limited (10 lines in 5 seconds for
//! the whole controller, then a count of what was suppressed), and the
//! events files are notified from a work item, queued at most once at a
//! time per cgroup, while `cgroup_file_notify()` throttles itself further.
//!
//! With audit enabled, the line becomes an audit record of type
//! `AUDIT_SECCOMP` (1326), as `audit_seccomp()` writes for seccomp, so
//! that tools that read seccomp's records read ours: `syscall`, `arch`,
//! `compat` and the task, with the action in `code` as seccomp encodes it.
//!
//! C headers: [`include/linux/ratelimit.h`](srctree/include/linux/ratelimit.h),
//! [`include/linux/audit.h`](srctree/include/linux/audit.h),
//! [`include/linux/cgroup.h`](srctree/include/linux/cgroup.h)

use core::fmt;

use kernel::ffi::c_char;
use kernel::str::BStr;
use kernel::{bindings, prelude::*, types::Opaque};

use crate::abi::Abi;
use crate::grammar;
use crate::group::Group;
use crate::policy::Decision;

/// The log's rate limit, shared by every cgroup.
struct RateLimit(Opaque<bindings::ratelimit_state>);

// SAFETY: The ratelimit state has a lock of its own for its updates.
unsafe impl Sync for RateLimit {}

static RATELIMIT: RateLimit = RateLimit(Opaque::uninit());

/// Sets up the rate limit; the first `css_alloc` calls it, before any
/// system call can be denied.
pub(crate) fn init() {
    static DONE: core::sync::atomic::AtomicBool = core::sync::atomic::AtomicBool::new(false);
    if DONE.swap(true, core::sync::atomic::Ordering::Relaxed) {
        return;
    }
    let interval = kernel::time::msecs_to_jiffies(5000) as i32;
    // SAFETY: Nothing uses the state before this, the first call.
    unsafe { bindings::ratelimit_state_init(RATELIMIT.0.get(), interval, 10) };
}

/// The longest cgroup path a log line shows; longer ones are cut.
const PATH_MAX: usize = 128;

/// A denial to report, with what it needs of the task and the cgroup,
/// gathered while the group is alive.
pub(crate) struct Denial {
    abi: Abi,
    nr: usize,
    decision: Decision,
    path: [u8; PATH_MAX],
    path_len: usize,
}

impl Denial {
    /// The report of the denial of call `nr` of `abi` in `group`, decided
    /// `decision`; `None` when the rate limit drops it.
    pub(crate) fn new(group: &Group, abi: Abi, nr: usize, decision: Decision) -> Option<Denial> {
        // SAFETY: The state was initialised by `init` at boot.
        if unsafe { bindings::___ratelimit(RATELIMIT.0.get(), c"syscalls_cgroup".as_ptr().cast()) }
            == 0
        {
            return None;
        }
        let mut path = [0u8; PATH_MAX];
        // SAFETY: The caller keeps `group` alive, so its css and cgroup,
        // whose kernfs node lives as long; `path` has `PATH_MAX` bytes.
        let len = unsafe {
            bindings::kernfs_path_from_node(
                (*(*group.css()).cgroup).kn,
                core::ptr::null_mut(),
                path.as_mut_ptr().cast::<c_char>(),
                PATH_MAX,
            )
        };
        let path_len = usize::try_from(len).map_or(0, |n| n.min(PATH_MAX - 1));
        Some(Denial {
            abi,
            nr,
            decision,
            path,
            path_len,
        })
    }

    /// Writes the log line, or the audit record when audit is enabled.
    /// Current made the call; it may sleep.
    pub(crate) fn emit(&self) {
        if self.audit() {
            return;
        }
        // SAFETY: `get_current()` has no preconditions; current is alive
        // and only reads its own pid and name here.
        let (pid, comm) = unsafe {
            let task = bindings::get_current();
            ((*task).tgid, (*task).comm)
        };
        let comm_len = comm.iter().position(|&b| b == 0).unwrap_or(comm.len());
        pr_info!(
            "denied {} {} ({}): pid={} comm=\"{}\" cgroup={} action={}\n",
            self.abi.prefix(),
            Call(self.abi.first_bit() + self.nr),
            self.nr,
            pid,
            BStr::from_bytes(&comm[..comm_len]),
            BStr::from_bytes(&self.path[..self.path_len]),
            ActionText(self.decision),
        );
    }

    /// Writes the audit record if audit is enabled; returns whether it did.
    #[cfg(CONFIG_AUDITSYSCALL)]
    fn audit(&self) -> bool {
        /// `SECCOMP_RET_KILL_PROCESS`, `SECCOMP_RET_ERRNO` and
        /// `SECCOMP_RET_LOG` of `<uapi/linux/seccomp.h>`.
        const KILL_PROCESS: u32 = 0x8000_0000;
        const ERRNO: u32 = 0x0005_0000;
        const LOG: u32 = 0x7ffc_0000;
        // SAFETY: A plain read of audit's switch.
        if unsafe { bindings::audit_enabled } == 0 {
            return false;
        }
        let (signr, code) = match self.decision {
            Decision::Kill => (bindings::SIGSYS as _, KILL_PROCESS),
            Decision::Errno(errno) => (0, ERRNO | u32::from(errno)),
            Decision::Log | Decision::Allow => (0, LOG),
        };
        // SAFETY: Current is in a system call, in process context.
        unsafe { bindings::audit_seccomp(self.nr as _, signr, code as _) };
        true
    }

    /// Without audit, the log line it is.
    #[cfg(not(CONFIG_AUDITSYSCALL))]
    fn audit(&self) -> bool {
        false
    }
}

/// What a decision does, as the log line says it: the errno's name (its
/// number when it has none), `kill`, or `log` (the call ran).
struct ActionText(Decision);

impl fmt::Display for ActionText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Decision::Allow => f.write_str("none"),
            Decision::Log => f.write_str("log"),
            Decision::Kill => f.write_str("kill"),
            Decision::Errno(errno) => match crate::names::errno_name(errno) {
                Some(name) => f.write_str(name),
                None => write!(f, "{errno}"),
            },
        }
    }
}

/// A call by its name where the table has one, for the log line.
struct Call(usize);

impl fmt::Display for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        grammar::write_call(f, self.0)
    }
}

/// Queues the notification of `group`'s events files, which
/// [`Group::count_denial`] asked for. Current is in a system call, and
/// `group` is its cgroup's, alive.
pub(crate) fn queue_notification(group: &Group) {
    // SAFETY: `group`'s css is alive; the reference keeps it so until the
    // work has run (or was queued already and holds one).
    unsafe {
        bindings::css_get(group.css());
        if !bindings::queue_work_on(
            bindings::wq_misc_consts_WORK_CPU_UNBOUND as i32,
            bindings::system_wq,
            group.notify_work(),
        ) {
            bindings::css_put(group.css());
        }
    }
}

/// The work that notifies the events files of a group, and of its
/// ancestors' `syscalls.events`, after denials.
///
/// # Safety
///
/// Only the workqueue calls it, with the `notify_work` of a group that
/// [`queue_notification`] queued, holding a reference to its css.
pub(crate) unsafe extern "C" fn notify_events(work: *mut bindings::work_struct) {
    // SAFETY: The reference taken when queueing keeps the group alive.
    let group = unsafe { Group::from_work(work) };
    // Denials from here on queue the work anew.
    group.take_notification();
    let (_, local) = group.events_files();
    // SAFETY: The files are in live groups: `group`, and its ancestors,
    // which the core keeps as long as it; the core ignores a file it never
    // created (the root's on v2, `events.local` on v1).
    unsafe { bindings::cgroup_file_notify(local) };
    let mut g = Some(group);
    while let Some(this) = g {
        // SAFETY: As above.
        unsafe { bindings::cgroup_file_notify(this.events_files().0) };
        g = this.parent();
    }
    // SAFETY: Drops the reference `queue_notification` took.
    unsafe { bindings::css_put(group.css()) };
}
