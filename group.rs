// SPDX-License-Identifier: GPL-2.0

//! The per-cgroup state and its one writer.
//!
//! A [`Group`] holds the C `struct syscalls_cgroup` that the system call
//! path reads ([`state`]: the css, a seqlock and the bitmap of calls to
//! check) and adds whether the cgroup is filtering, the decisions on each
//! call ([`calls`]) and the rules that only writers touch. Its reads are
//! in [`look`] (the system call path's) and [`counts`] (the denial
//! counters'). A [`Writer`] ([`writer`]) holds the mutex that serialises
//! every change of rules and publishes new sets.
//!
//! C header: [`include/linux/syscalls_cgroup.h`](srctree/include/linux/syscalls_cgroup.h)

mod calls;
mod counts;
mod look;
mod state;
mod writer;

use core::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, AtomicUsize, Ordering};

use kernel::alloc::flags::GFP_KERNEL_ACCOUNT;
use kernel::sync::Mutex;
use kernel::{new_mutex, prelude::*};

use crate::action::{self, Arm};
use crate::cgroup::CssState;
use crate::cred::{Identity, Rulers, MAX_DELEGATEES};
use crate::denial::RateLimit;
use crate::judge::Tests;
use crate::policy::{self, Rules};
use crate::set::{SyscallSet, WORDS};
use crate::sync::WritersLockedBy;
use crate::task;

use calls::{Calls, LazyCalls, PublishedTests};
pub(crate) use state::{EVENTS_FILE, EVENTS_LOCAL_FILE};
pub(crate) use writer::Writer;
use writer::WriterState;

/// How many cgroups say `exec` in `syscalls.arm`: while none does, no task
/// is judged as unarmed, and neither the denied path nor an exec looks
/// further.
static WAITING_FOR_EXEC: AtomicUsize = AtomicUsize::new(0);

/// How many online cgroups put conditions on calls in their own rules:
/// while none does, nothing is tested, and a write builds no tests.
static CONDITIONED: AtomicUsize = AtomicUsize::new(0);

/// One cgroup less puts conditions on calls; never below none, should a
/// cgroup go offline while a writer drops its conditions.
fn forget_conditioned() {
    let _ = CONDITIONED.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1));
}

/// Whether a cgroup says `exec` in `syscalls.arm`.
#[inline]
pub(crate) fn any_waits_for_exec() -> bool {
    WAITING_FOR_EXEC.load(Ordering::Relaxed) != 0
}

/// The delegatees who wrote a cgroup's rules, each once.
type Delegatees = [Option<Identity>; MAX_DELEGATEES];

/// What a group's files show of its own settings: written by a [`Writer`],
/// read by anyone, under the group's own lock.
struct Own {
    /// The rules of this cgroup itself; `None` until it has any, so that a
    /// cgroup without rules does not pay for their room.
    rules: Option<KBox<Rules>>,
    /// Whether `syscalls.learn` is on.
    learn: bool,
}

/// The controller's state of one cgroup.
///
/// # Invariants
///
/// The `checked` bitmap of `state` is stored to only inside the seqlock's
/// write side, by a [`Writer`] or by [`Group::learn`] (which only clears
/// bits), and so are `filtering`, `delegated`, `rulers`, `learning`,
/// `effective` and the decisions of `calls`, but for the stores
/// [`Group::inherit`] makes before the group is online, when nothing reads
/// them.
#[pin_data]
pub(crate) struct Group {
    #[pin]
    state: state::EntryState,
    /// Whether the group checks calls at all (denies or learns); while it
    /// does not, every bit of `checked` is set. Stored to under the seqlock.
    filtering: AtomicBool,
    /// Whether delegatees wrote rules here or in an ancestor. Stored to
    /// under the seqlock.
    delegated: AtomicBool,
    /// The delegatees of the group's own rules, for the system call path.
    rulers: Rulers,
    /// Whether the group is learning. Stored to under the seqlock.
    learning: AtomicBool,
    /// The effective set, as reads show it. Stored to under the seqlock.
    effective: [AtomicU64; WORDS],
    /// Denials by tasks of the group itself: `syscalls.events.local`.
    denied_local: AtomicU64,
    /// Denials by tasks of removed descendants, added when they went.
    denied_gone: AtomicU64,
    /// Whether the notification work is queued, holding a reference to the
    /// css.
    notify_pending: AtomicBool,
    /// When the notification work last ran, in jiffies.
    notified: AtomicUsize,
    /// The budget of the group's denial lines.
    log_limit: RateLimit,
    /// Between `css_online` and `css_offline`: updates must reach it.
    online: AtomicBool,
    /// `syscalls.arm`: an [`Arm`], encoded.
    arm: AtomicU8,
    calls: LazyCalls,
    /// The conditions on calls' arguments that judge the group's tasks.
    tests: PublishedTests,
    #[pin]
    own: Mutex<Own>,
    writer: WritersLockedBy<WriterState>,
}

impl Group {
    /// A group that denies nothing, its seqlock and work ready.
    pub(crate) fn new() -> impl PinInit<Self> {
        pin_init!(Self {
            state <- state::EntryState::new(),
            filtering: AtomicBool::new(false),
            delegated: AtomicBool::new(false),
            rulers: Rulers::default(),
            learning: AtomicBool::new(false),
            effective: Default::default(),
            denied_local: AtomicU64::new(0),
            denied_gone: AtomicU64::new(0),
            notify_pending: AtomicBool::new(false),
            notified: AtomicUsize::new(0),
            log_limit: RateLimit::new(),
            online: AtomicBool::new(false),
            arm: AtomicU8::new(Arm::Inherit as u8),
            calls: LazyCalls::new(),
            tests: PublishedTests::new(),
            own <- new_mutex!(
                Own {
                    rules: None,
                    learn: false,
                },
                "syscalls_cgroup_own"
            ),
            writer: WritersLockedBy::new(WriterState::new()),
        })
    }

    /// Stores the calls to check, inside the seqlock's write side or before
    /// the group is online, and whether the group is filtering: it is when
    /// there are any. A group that is not sends every call to the slow path
    /// (all bits set), where a task with a stale work bit drops it: so the
    /// system call path needs no flag of its own. Returns whether the group
    /// was filtering before.
    fn store_checked(&self, checked: &SyscallSet) -> bool {
        let filtering = !checked.is_empty();
        let words = if filtering {
            checked.words
        } else {
            [!0; WORDS]
        };
        for (i, w) in words.into_iter().enumerate() {
            if let Some(a) = self.state.checked_word(i) {
                a.store(w, Ordering::Relaxed);
            }
        }
        self.filtering.swap(filtering, Ordering::Relaxed)
    }

    /// The group's record of calls, allocated first if there is none
    /// (`ENOMEM` then).
    fn calls_ready(&self) -> Result<&Calls> {
        self.calls.get_or_alloc()
    }

    /// Stores `words` into the `tested` bitmap of `calls`, the group's
    /// record, and points the C state's `tested` to it when a bit is set,
    /// or to nothing: so that a cgroup without tested calls costs its
    /// denied calls one load. Inside the seqlock's write side.
    fn store_tested(&self, calls: &Calls, words: [u64; WORDS]) {
        for (a, w) in calls.tested.iter().zip(words) {
            a.store(w, Ordering::Relaxed);
        }
        let any = words.iter().any(|&w| w != 0);
        self.state.set_tested(any.then_some(&calls.tested));
    }

    /// The calls that argument conditions alone decide on, for the system
    /// call path to let through when they allow them: the calls `tests`
    /// test and `effective` does not deny, in a cgroup whose conditions
    /// judge every task alike (no delegatee wrote any on the path, as the
    /// one who could not judge a task would have to be found) and that
    /// does not learn (a learning cgroup records its calls on the slow
    /// path).
    fn tested_calls(
        tests: Option<&Tests>,
        effective: &SyscallSet,
        delegated: bool,
        learning: bool,
    ) -> SyscallSet {
        match tests {
            Some(tests) if !delegated && !learning => {
                let mut calls = tests.calls;
                calls.subtract(effective);
                calls
            }
            _ => SyscallSet::EMPTY,
        }
    }

    /// Whether the group is on the unified hierarchy, cgroup v2.
    pub(crate) fn on_v2(&self) -> bool {
        self.css().on_dfl()
    }

    /// Whether updates must reach the group.
    pub(crate) fn is_online(&self) -> bool {
        self.online.load(Ordering::Acquire)
    }

    /// The group leaves: updates need not reach it any more, and it no
    /// longer waits for an exec.
    pub(crate) fn set_offline(&self) {
        // Its conditions test nothing any more, whatever its rules say.
        if self.with_own(|rules, _| rules.has_conditions()) {
            forget_conditioned();
        }
        self.online.store(false, Ordering::Release);
        self.set_arm(Arm::Inherit);
    }

    /// The group's own `syscalls.arm`.
    pub(crate) fn arm(&self) -> Arm {
        Arm::decode(self.arm.load(Ordering::Acquire))
    }

    /// Sets the group's own `syscalls.arm`: in force for the next call of
    /// every task (the system call path reads it there).
    pub(crate) fn set_arm(&self, arm: Arm) {
        let was = Arm::decode(self.arm.swap(arm as u8, Ordering::AcqRel));
        match (was == Arm::Exec, arm == Arm::Exec) {
            (false, true) => WAITING_FOR_EXEC.fetch_add(1, Ordering::AcqRel),
            (true, false) => WAITING_FOR_EXEC.fetch_sub(1, Ordering::AcqRel),
            _ => 0,
        };
    }

    /// The group whose rules judge a task of this group that is not armed
    /// (has made no `execve()` in a cgroup that waits for one), by
    /// [`action::unarmed_judge`]; `None` when every level waits.
    ///
    /// Under RCU or another reference that keeps the group alive, as its
    /// ancestors are with it.
    pub(crate) fn judge_of_unarmed(&self) -> Option<&Group> {
        let up = action::unarmed_judge(self.ancestors().map(Group::arm))?;
        self.ancestors().nth(up)
    }

    /// The group, then its parent, and so on up to the root.
    fn ancestors(&self) -> impl Iterator<Item = &Group> {
        core::iter::successors(Some(self), |g| g.parent())
    }

    /// Whether a task of the group that is not armed is judged by other
    /// rules than the group's: the group waits for an exec.
    pub(crate) fn waits_for_exec(&self) -> bool {
        any_waits_for_exec()
            && !self
                .judge_of_unarmed()
                .is_some_and(|j| core::ptr::eq(j, self))
    }

    /// The group's effective set, as its files show it.
    pub(crate) fn effective_set(&self) -> SyscallSet {
        self.state.seqlock().read(|| self.load_effective())
    }

    /// The effective set as last stored: consistent inside the seqlock.
    fn load_effective(&self) -> SyscallSet {
        let mut set = SyscallSet::EMPTY;
        for (w, a) in set.words.iter_mut().zip(self.effective.iter()) {
            *w = a.load(Ordering::Relaxed);
        }
        set
    }

    /// Calls `f` with the group's own rules and whether it learns, under
    /// the group's lock, without copying the rules.
    pub(crate) fn with_own<R>(&self, f: impl FnOnce(&Rules, bool) -> R) -> R {
        let own = self.own.lock();
        f(own.rules.as_deref().unwrap_or(&Rules::EMPTY), own.learn)
    }

    /// Makes sure the group has its record of calls: `ENOMEM` otherwise.
    pub(crate) fn prepare_calls(&self) -> Result {
        self.calls_ready().map(|_| ())
    }

    /// The root goes online; it has no parent to take a set from.
    pub(crate) fn inherit_nothing(&self) {
        self.online.store(true, Ordering::Release);
    }

    /// A new group, not online yet, takes its parent's effective set and
    /// decisions, and goes online: inside the parent's write side, so that
    /// a writer publishes the parent wholly before (this copies the new
    /// set) or after (the writer then finds this group online and publishes
    /// it too). No global lock: the writers' mutex is not taken.
    pub(crate) fn inherit(&self, parent: &Group) -> Result {
        // A parent that filters gives its child its decisions: allocated
        // first (it may sleep), and again should the parent start
        // filtering in between.
        loop {
            if !parent.effective_set().is_empty() || parent.tests.is_set() {
                self.prepare_calls()?;
            }
            if self.try_inherit(parent) {
                return Ok(());
            }
        }
    }

    /// [`Group::inherit`] once the record of calls is there if needed;
    /// `false` when the parent filters and the record is not.
    fn try_inherit(&self, parent: &Group) -> bool {
        parent.state.seqlock().write(|| {
            let effective = parent.load_effective();
            let calls = self.calls.get();
            let tests = parent.tests.clone_arc();
            if calls.is_none() && (!effective.is_empty() || tests.is_some()) {
                return false;
            }
            let delegated = parent.delegated.load(Ordering::Relaxed);
            // INVARIANT: the group is not online, so no writer touches
            // it and no task reads its published state yet: the stores
            // below need neither the writers' mutex nor its seqlock.
            if let Some(calls) = calls {
                for bit in effective.bits() {
                    if let (Some(d), Some(t)) = (calls.decisions.get(bit), calls.trusted.get(bit)) {
                        d.store(parent.decision(bit).encode(), Ordering::Relaxed);
                        t.store(parent.trusted_decision(bit).encode(), Ordering::Relaxed);
                    }
                }
            }
            let checked = policy::checked(&effective, tests.as_deref().map(|t| &t.calls));
            let tested = Self::tested_calls(tests.as_deref(), &effective, delegated, false);
            self.tests.set_first(tests);
            self.store_checked(&checked);
            if let Some(calls) = calls {
                self.store_tested(calls, tested.words);
            }
            for (a, w) in self.effective.iter().zip(effective.words) {
                a.store(w, Ordering::Relaxed);
            }
            self.delegated.store(delegated, Ordering::Relaxed);
            self.online.store(true, Ordering::Release);
            true
        })
    }

    /// The thread IDs, in the reader's PID namespace, of the user tasks of
    /// the group that its rules do not judge yet: it waits for an exec and
    /// they are not armed. Empty when the group does not wait.
    pub(crate) fn unarmed_tasks(&self) -> Result<KVec<i32>> {
        let mut ids = KVec::new();
        if !self.waits_for_exec() {
            return Ok(ids);
        }
        let mut result = Ok(());
        self.for_each_task(|t| {
            if let (Some(id), false, true) =
                (task::user_thread_id(t), task::is_armed(t), result.is_ok())
            {
                result = ids.push(id, GFP_KERNEL_ACCOUNT).map_err(Error::from);
            }
        });
        result.map(|()| ids)
    }
}
