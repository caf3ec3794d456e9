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

/// Applies a rule about the calls of `request` to a cgroup's own rules
/// `own`.
///
/// `parent` is the parent's effective set, `None` for the root. On error
/// `own` is left as it was.
pub(crate) fn apply(
    own: &mut SyscallSet,
    parent: Option<&SyscallSet>,
    rule: Rule,
    request: &SyscallSet,
) -> Result {
    match rule {
        Rule::Deny => own.union_with(request),
        Rule::Allow => {
            if parent.is_some_and(|p| p.intersects(request)) {
                return Err(EPERM);
            }
            own.subtract(request);
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
