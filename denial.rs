// SPDX-License-Identifier: GPL-2.0

//! What a denial shows outside the system call path: the kernel log line
//! or audit record, and the poll notification of the events files.
//!
//! A denied call (enforced or logged) is counted on the system call path
//! ([`Group::count_denial`]). Everything that takes a global lock happens
//! elsewhere or rarely. The log is rate limited per cgroup ([`RateLimit`]:
//! 10 lines in 5 seconds), so that a flood in one cgroup cannot silence
//! another, and under a cap for the whole controller (50 lines in 5
//! seconds); a line that either refuses is counted, without a lock, and
//! the next line of that budget says how many went. The events files are
//! notified from a delayed work item, at most once in 100 ms per cgroup,
//! and a storm of denials only reads that it is pending.
//!
//! With audit enabled, the line becomes an audit record of type
//! `AUDIT_SECCOMP` (1326), as `audit_seccomp()` writes for seccomp, so
//! that tools that read seccomp's records read ours: `syscall`, `arch`,
//! `compat` and the task, with the action in `code` as seccomp encodes it.
//! Audit's own rate limit and backlog decide which records go, and count
//! the lost ones, as for seccomp's records.
//!
//! The cgroup's path and the task's name are the tenant's words: the line
//! quotes them and escapes `"`, `\`, and every byte that is not printable
//! ASCII, so that no name can add a field.
//!
//! C headers: [`include/linux/audit.h`](srctree/include/linux/audit.h),
//! [`include/linux/cgroup.h`](srctree/include/linux/cgroup.h),
//! [`include/linux/jiffies.h`](srctree/include/linux/jiffies.h)

use core::fmt::{self, Write};
use core::sync::atomic::{AtomicU32, AtomicUsize, Ordering};

use kernel::{bindings, prelude::*};

use crate::abi::Abi;
use crate::action::Decision;
use crate::cgroup::CssState;
use crate::format;
use crate::group::Group;
use crate::judge::Denied;

/// How many lines a budget gives in one interval.
const LINES_PER_CGROUP: u32 = 10;
/// How many lines the whole controller logs in one interval.
const LINES_IN_ALL: u32 = 50;
/// The interval of every budget, in milliseconds.
const INTERVAL_MS: u32 = 5000;

/// A budget of log lines: at most `burst` in each interval. Lock-free, so
/// that every line it refuses is counted, however contended.
pub(crate) struct RateLimit {
    /// When the current interval began, in jiffies; 0 before the first.
    begin: AtomicUsize,
    /// Lines given in the current interval.
    given: AtomicU32,
    /// Lines refused since the last one given.
    refused: AtomicU32,
}

/// What a budget says to a line.
enum Verdict {
    /// Log it, after saying how many lines the budget refused before it.
    Log(u32),
    /// Do not: counted.
    Refuse,
}

impl RateLimit {
    /// A budget whose first interval starts with its first line.
    pub(crate) const fn new() -> RateLimit {
        RateLimit {
            begin: AtomicUsize::new(0),
            given: AtomicU32::new(0),
            refused: AtomicU32::new(0),
        }
    }

    /// Asks for one line at `now` (jiffies) from a budget of `burst` lines
    /// per `interval` jiffies. Once the budget is spent, a refusal costs
    /// one atomic add; a race at the turn of an interval may give a line
    /// or two more, never fewer.
    fn take(&self, now: usize, interval: usize, burst: u32) -> Verdict {
        let begin = self.begin.load(Ordering::Relaxed);
        if begin == 0 || now.wrapping_sub(begin) >= interval {
            // The one that moves the interval on opens the new budget.
            if self
                .begin
                .compare_exchange(begin, now.max(1), Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
            {
                self.given.store(0, Ordering::Relaxed);
            }
        }
        if self.given.load(Ordering::Relaxed) < burst
            && self.given.fetch_add(1, Ordering::Relaxed) < burst
        {
            Verdict::Log(self.refused.swap(0, Ordering::Relaxed))
        } else {
            self.refused.fetch_add(1, Ordering::Relaxed);
            Verdict::Refuse
        }
    }

    /// Gives back a line taken by [`RateLimit::take`] that another budget
    /// then refused: it counts as refused here too.
    fn give_back(&self, refused_before: u32) {
        self.refused
            .fetch_add(refused_before + 1, Ordering::Relaxed);
    }
}

/// The budget of the whole controller.
static ALL: RateLimit = RateLimit::new();

/// The current time in jiffies.
fn jiffies() -> usize {
    // SAFETY: `jiffies` is a word the timer interrupt updates; a volatile
    // read of an aligned word is what `READ_ONCE()` does.
    unsafe { core::ptr::read_volatile(&raw const bindings::jiffies) }
}

/// The interval of every budget, in jiffies; [`init`] sets it.
static INTERVAL: AtomicUsize = AtomicUsize::new(0);

/// The interval between notifications of a group's events files, in
/// jiffies; [`init`] sets it.
static NOTIFY_INTERVAL: AtomicUsize = AtomicUsize::new(0);

/// Sets up what reports need before the first denial; the first
/// `css_alloc` calls it: the intervals in jiffies, computed once rather
/// than on every denial. The budgets are static or per group.
pub(crate) fn init() {
    let jiffies = |ms| kernel::time::msecs_to_jiffies(ms).max(1);
    INTERVAL.store(jiffies(INTERVAL_MS), Ordering::Relaxed);
    NOTIFY_INTERVAL.store(jiffies(NOTIFY_INTERVAL_MS), Ordering::Relaxed);
}

/// The longest cgroup path a log line shows; longer ones are cut.
const LOGGED_PATH_LEN: usize = 256;

/// A denial to report, with what it needs of the task and the cgroup,
/// gathered while the group is alive.
pub(crate) struct Denial {
    abi: Abi,
    nr: usize,
    /// The number of the call as the task made it, with the x32 bit for an
    /// x32 call: what the log line and the audit record show.
    made: u32,
    decision: Decision,
    /// The argument whose condition denied the call, if one did.
    denied: Option<Denied>,
    /// Lines this cgroup's budget and the controller's refused before.
    refused: (u32, u32),
    path: [u8; LOGGED_PATH_LEN],
    path_len: usize,
}

impl Denial {
    /// The report of the denial of call `nr` of `abi` in `group`, decided
    /// `decision`, which the task made as number `made`; `None` when audit
    /// is off and a budget refuses the line.
    pub(crate) fn new(
        group: &Group,
        abi: Abi,
        nr: usize,
        made: u32,
        decision: Decision,
    ) -> Option<Denial> {
        let mut refused = (0, 0);
        if !audit_enabled() {
            let now = jiffies();
            let interval = INTERVAL.load(Ordering::Relaxed);
            let own = group.log_limit();
            let Verdict::Log(before) = own.take(now, interval, LINES_PER_CGROUP) else {
                return None;
            };
            let Verdict::Log(all) = ALL.take(now, interval, LINES_IN_ALL) else {
                own.give_back(before);
                return None;
            };
            refused = (before, all);
        }
        let mut path = [0u8; LOGGED_PATH_LEN];
        let path_len = group.css().path(&mut path);
        Some(Denial {
            abi,
            nr,
            made,
            decision,
            denied: None,
            refused,
            path,
            path_len,
        })
    }

    /// The denial, which a condition on argument `denied` made: the line
    /// shows its value. Set only once a budget gave the line, so that a
    /// storm pays nothing for it.
    pub(crate) fn with_argument(self, denied: Option<Denied>) -> Denial {
        Denial { denied, ..self }
    }

    /// Whether the task made the call through the x32 ABI.
    fn is_x32(&self) -> bool {
        self.abi == Abi::X86_64 && crate::abi::is_x32(self.made)
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
        let cgroup = Quoted(&self.path[..self.path_len]);
        // The arguments go through `format_args!`: 7.x's `pr_info!` takes
        // only `kernel::fmt::Display` types, which `Arguments` is on both
        // kernels, and our own types are not.
        let (own, all) = self.refused;
        if own != 0 {
            pr_info!(
                "{own} denials of cgroup={} not logged\n",
                format_args!("{cgroup}")
            );
        }
        if all != 0 {
            pr_info!("{all} denials not logged (the controller's limit)\n");
        }
        pr_info!(
            "denied {} {} ({}): pid={} comm={} cgroup={} action={}{}\n",
            if self.is_x32() {
                "x32"
            } else {
                self.abi.prefix()
            },
            format_args!("{}", Call(self.abi.first_bit() + self.nr)),
            self.made,
            pid,
            format_args!("{}", Quoted(&comm[..comm_len])),
            format_args!("{cgroup}"),
            format_args!("{}", ActionText(self.decision)),
            format_args!("{}", Argument(self.denied)),
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
        if !audit_enabled() {
            return false;
        }
        let (signr, code) = match self.decision {
            Decision::Kill => (bindings::SIGSYS as kernel::ffi::c_long, KILL_PROCESS),
            Decision::Errno(errno) => (0, ERRNO | u32::from(errno)),
            Decision::Log | Decision::Allow => (0, LOG),
        };
        // SAFETY: Current is in a system call, in process context.
        unsafe {
            bindings::audit_seccomp(
                self.made as kernel::ffi::c_ulong,
                signr,
                code as kernel::ffi::c_int,
            )
        };
        true
    }

    /// Without audit, the log line it is.
    #[cfg(not(CONFIG_AUDITSYSCALL))]
    fn audit(&self) -> bool {
        false
    }
}

/// Whether audit is enabled: then denials are audit records.
#[cfg(CONFIG_AUDITSYSCALL)]
fn audit_enabled() -> bool {
    // SAFETY: A plain read of audit's switch, a word.
    unsafe { core::ptr::read_volatile(&raw const bindings::audit_enabled) != 0 }
}

/// Without audit, never.
#[cfg(not(CONFIG_AUDITSYSCALL))]
fn audit_enabled() -> bool {
    false
}

/// The argument a condition denied a call for, as the log line ends with
/// it: ` arg0=0x26`; nothing when the call was denied by number.
struct Argument(Option<Denied>);

impl fmt::Display for Argument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(Denied { arg, value }) => write!(f, " arg{arg}={value:#x}"),
            None => Ok(()),
        }
    }
}

/// Bytes a tenant chose (a cgroup's path, a task's name), in double quotes,
/// with `"`, `\` and every byte that is not printable ASCII escaped
/// (`\"`, `\\`, `\xNN`): nothing in them can end the field.
struct Quoted<'a>(&'a [u8]);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"")?;
        for &b in self.0 {
            match b {
                b'"' => f.write_str("\\\"")?,
                b'\\' => f.write_str("\\\\")?,
                b' '..=b'~' => f.write_char(char::from(b))?,
                _ => write!(f, "\\x{b:02x}")?,
            }
        }
        f.write_str("\"")
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
        format::write_call(f, self.0)
    }
}

/// How often a group's events files are notified at most.
const NOTIFY_INTERVAL_MS: u32 = 100;

/// Queues the notification of `group`'s events files, which
/// [`Group::count_denial`] asked for, to run no sooner than an interval
/// after the last one: a storm of denials notifies ten times a second, and
/// the last denial of a burst is notified too. Current is in a system
/// call, and `group` is its cgroup's, alive.
pub(crate) fn queue_notification(group: &Group) {
    let interval = NOTIFY_INTERVAL.load(Ordering::Relaxed);
    let since = jiffies().wrapping_sub(group.last_notified());
    let delay = interval.saturating_sub(since).min(interval);
    group.queue_notification(delay);
}

/// The work that notifies the events files of a group, and of its
/// ancestors' `syscalls.events`, after denials.
///
/// # Safety
///
/// Only the workqueue calls it, with the `notify_work` of a group that
/// [`queue_notification`] queued, holding a reference to its css.
pub(crate) unsafe extern "C" fn notify_events(work: *mut bindings::work_struct) {
    // SAFETY: By the safety requirements; `_held`, the reference taken
    // when queueing, keeps the group alive until it is dropped, last.
    let (group, _held) = unsafe { Group::from_notification(work) };
    // Denials from here on queue the work anew, an interval from now.
    group.take_notification(jiffies());
    group.notify_events_files();
}
