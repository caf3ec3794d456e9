// SPDX-License-Identifier: GPL-2.0

//! The hierarchy rules, as pure functions on sets of denied calls.
//!
//! Each cgroup keeps its own rules: the set of calls it denies itself. Its
//! effective set is its own rules joined with its parent's effective set,
//! recomputed for the whole subtree on every change, so that a check costs
//! the same at any depth. A deny always succeeds; an allow fails with
//! `EPERM` when the parent's effective set denies any of the calls, so a
//! child can only ever restrict. Re-allowing at an ancestor reopens the
//! descendants that did not deny the call themselves.
//!
//! A rule remembers whether a delegatee wrote it (an [`Author`] without
//! `CAP_SYS_ADMIN`, on cgroup v2). Where the effective set holds a deny a
//! delegatee wrote, an exec gains no privileges, as under `no_new_privs`:
//! otherwise a delegatee could deny `setresuid` and have a set-user-ID root
//! program fail to drop its privileges.

use kernel::prelude::*;

use crate::names;
use crate::set::SyscallSet;

/// What a rule does to the calls it names: the file it is written to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Rule {
    /// Allows them: a write to `syscalls.allow`.
    Allow,
    /// Denies them: a write to `syscalls.deny`.
    Deny,
}

/// Who wrote a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Author {
    /// A holder of `CAP_SYS_ADMIN` in the initial user namespace, both as
    /// the writer and as the opener of the file.
    Admin,
    /// Anyone else that the file's owner and mode let write: a delegatee,
    /// on cgroup v2.
    Delegatee,
}

/// A cgroup's own rules.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct OwnRules {
    /// The calls it denies itself.
    pub(crate) denied: SyscallSet,
    /// Those of them whose deny a delegatee wrote.
    pub(crate) by_delegatee: SyscallSet,
}

impl OwnRules {
    /// No rules.
    pub(crate) const EMPTY: OwnRules = OwnRules {
        denied: SyscallSet::EMPTY,
        by_delegatee: SyscallSet::EMPTY,
    };
}

/// Applies a rule that `author` wrote about the calls of `request` to a
/// cgroup's own rules `own`.
///
/// `parent` is the parent's effective set, `None` for the root. On error
/// `own` is left as it was.
pub(crate) fn apply(
    own: &mut OwnRules,
    parent: Option<&SyscallSet>,
    rule: Rule,
    author: Author,
    request: &SyscallSet,
) -> Result {
    match rule {
        Rule::Deny => {
            own.denied.union_with(request);
            match author {
                Author::Delegatee => own.by_delegatee.union_with(request),
                Author::Admin => own.by_delegatee.subtract(request),
            }
        }
        Rule::Allow => {
            if parent.is_some_and(|p| p.intersects(request)) {
                return Err(EPERM);
            }
            own.denied.subtract(request);
            own.by_delegatee.subtract(request);
        }
    }
    Ok(())
}

/// The effective set of a cgroup with rules `own` under a parent whose
/// effective set is `parent` (`None` for the root).
pub(crate) fn effective(own: &SyscallSet, parent: Option<&SyscallSet>) -> SyscallSet {
    let mut set = *own;
    if let Some(parent) = parent {
        set.union_with(parent);
    }
    set
}

/// The set the system call path tests for a cgroup whose effective set is
/// `effective`: that set, and `restart_syscall` whenever anything is
/// denied. A restart then takes the slow path, which lets it through only
/// when the cgroup allows the call it continues, so that a call stopped
/// before its deny cannot run on through `restart_syscall`, and a call
/// that is allowed can always be restarted.
pub(crate) fn checked(effective: &SyscallSet) -> SyscallSet {
    let mut set = *effective;
    if !set.is_empty() {
        set.union_with(&names::RESTART_SYSCALL);
    }
    set
}
