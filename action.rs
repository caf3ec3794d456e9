// SPDX-License-Identifier: GPL-2.0

//! What a denial does: a cgroup's [`Mode`] and [`Action`], the actions it
//! sets for particular calls ([`Overrides`]), the [`Decision`] on a call
//! that the hierarchy's rules come to, and when a cgroup's rules start to
//! judge a task ([`Arm`], [`unarmed_judge`]).

use kernel::prelude::*;

use crate::set::SyscallSet;

/// How a cgroup applies its own denies: `syscalls.mode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// A denied call does not run (the default).
    Enforce,
    /// A denied call runs, and is counted and logged as denied.
    Log,
}

/// What an enforced deny does: `syscalls.action`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Action {
    /// The call fails with this errno, 1 to [`MAX_ERRNO`], without running.
    Errno(u16),
    /// The process dies with `SIGSYS`, as under seccomp's
    /// `SECCOMP_RET_KILL_PROCESS`.
    Kill,
}

/// The largest errno a call can fail with (`MAX_ERRNO`).
pub(crate) const MAX_ERRNO: u16 = 4095;

/// The default action: calls fail with `ENOSYS`, as if the kernel had none.
pub(crate) const DEFAULT_ACTION: Action = Action::Errno(kernel::bindings::ENOSYS as u16);

/// What happens to one system call of a task in a cgroup.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    /// It runs: nothing denies it.
    Allow,
    /// It runs, but it is denied in log mode: counted and logged.
    Log,
    /// It fails with this errno without running; counted and logged.
    Errno(u16),
    /// The process dies with `SIGSYS`; counted and logged.
    Kill,
}

impl Decision {
    const LOG: u16 = u16::MAX - 1;
    const KILL: u16 = u16::MAX;

    /// The decision as one word, for the system call path to load at
    /// once: 0 to allow, the errno, or a value past [`MAX_ERRNO`].
    pub(crate) const fn encode(self) -> u16 {
        match self {
            Decision::Allow => 0,
            Decision::Errno(errno) => errno,
            Decision::Log => Self::LOG,
            Decision::Kill => Self::KILL,
        }
    }

    /// The decision that [`Decision::encode`] made `word` of.
    pub(crate) const fn decode(word: u16) -> Decision {
        match word {
            0 => Decision::Allow,
            Self::LOG => Decision::Log,
            Self::KILL => Decision::Kill,
            errno => Decision::Errno(errno),
        }
    }
}

/// How many actions a cgroup may set for some of its calls, besides its
/// default one.
pub(crate) const MAX_OVERRIDES: usize = 8;

/// The actions a cgroup set for some of its calls, each call in one set at
/// most: `errno ENOSYS clone3` written to `syscalls.action`. Two are equal
/// when they give the same actions to the same calls, whatever the order
/// they were set in.
#[derive(Clone, Copy)]
pub(crate) struct Overrides {
    entries: [(Action, SyscallSet); MAX_OVERRIDES],
    len: usize,
}

impl Overrides {
    /// No action for particular calls.
    pub(crate) const EMPTY: Overrides = Overrides {
        entries: [(DEFAULT_ACTION, SyscallSet::EMPTY); MAX_OVERRIDES],
        len: 0,
    };

    /// The actions and their calls, in the order they were first set.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &(Action, SyscallSet)> {
        self.entries[..self.len].iter()
    }

    /// The action set for the call of bit `bit`, if one is.
    pub(crate) fn action_for(&self, bit: usize) -> Option<Action> {
        self.iter()
            .find(|(_, calls)| calls.contains_bit(bit))
            .map(|&(action, _)| action)
    }

    /// Makes `action` that of `calls`, or with `None` lets them follow the
    /// default action again. `ENOSPC` when that would make more than
    /// [`MAX_OVERRIDES`] actions; on error nothing changes.
    pub(crate) fn set(&mut self, action: Option<Action>, calls: &SyscallSet) -> Result {
        let mut next = *self;
        for (_, set) in next.entries[..next.len].iter_mut() {
            set.subtract(calls);
        }
        // Actions left without calls go first, so that moving calls never
        // needs a place that the move itself frees.
        let mut kept = 0;
        for i in 0..next.len {
            if !next.entries[i].1.is_empty() {
                next.entries[kept] = next.entries[i];
                kept += 1;
            }
        }
        for entry in next.entries[kept..].iter_mut() {
            *entry = (DEFAULT_ACTION, SyscallSet::EMPTY);
        }
        next.len = kept;
        // An action for no calls (`kill exit`) takes no place either.
        if let Some(action) = action.filter(|_| !calls.is_empty()) {
            match next.entries[..next.len]
                .iter_mut()
                .find(|(a, _)| *a == action)
            {
                Some((_, set)) => set.union_with(calls),
                None if next.len < MAX_OVERRIDES => {
                    next.entries[next.len] = (action, *calls);
                    next.len += 1;
                }
                None => return Err(ENOSPC),
            }
        }
        *self = next;
        Ok(())
    }
}

impl PartialEq for Overrides {
    fn eq(&self, other: &Overrides) -> bool {
        // Each action appears once, with calls: the same entries, in any
        // order.
        self.len == other.len && self.iter().all(|e| other.iter().any(|o| o == e))
    }
}

impl Eq for Overrides {}

/// When a cgroup's rules start to judge a task: `syscalls.arm`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Arm {
    /// As the parent: what a new cgroup says, and the root.
    Inherit = 0,
    /// At once, whatever an ancestor says.
    Now = 1,
    /// From the task's next `execve()` in the cgroup (or a descendant) on;
    /// the rules of the levels above still judge it meanwhile.
    Exec = 2,
}

impl Arm {
    /// The setting stored as `value`: unknown values are `Now`.
    pub(crate) fn decode(value: u8) -> Arm {
        match value {
            0 => Arm::Inherit,
            2 => Arm::Exec,
            _ => Arm::Now,
        }
    }
}

/// Which level judges a task that is not armed, of a cgroup whose own
/// setting and its ancestors' are `arms`, nearest first, up to the root:
/// how many levels up it is (`0`, the cgroup itself, when it does not
/// wait for an exec), or `None` when every level up to the root waits. A
/// level that says `exec` defers itself and the levels below it, one that
/// says `now` ends the deferring for itself and below, and `inherit`
/// follows its parent: so no setting ever defers a level above it.
pub(crate) fn unarmed_judge(arms: impl Iterator<Item = Arm>) -> Option<usize> {
    let mut judge = 0;
    let mut levels = 0;
    for (depth, arm) in arms.enumerate() {
        levels = depth + 1;
        match arm {
            Arm::Now => break,
            Arm::Exec => judge = depth + 1,
            Arm::Inherit => (),
        }
    }
    (judge < levels || judge == 0).then_some(judge)
}
