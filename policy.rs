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
//! A cgroup keeps its rules twice ([`Rules`]): as everyone wrote them, and
//! as administrators alone did (an [`Author`] with `CAP_SYS_ADMIN`; every
//! allow counts for both, as it only loosens). A task over which a
//! delegatee who wrote rules on its path has no power (who could not
//! ptrace it: a set-user-ID program, say) is judged by the administrators'
//! rules alone, so that a delegatee cannot make a privileged program's
//! privilege drop fail.
//!
//! A cgroup's own denies also carry its [`Mode`] and [`Action`]: what a
//! call they deny does. Along the path from the root, the strictest of the
//! cgroups that deny a call decides ([`combine`]): a kill over an errno,
//! an ancestor's errno over a descendant's, enforcing over logging. So a
//! child can make a call fail harder but never weaken what an ancestor
//! enforces.

use kernel::prelude::*;

use crate::action::{Action, Decision, Mode, Overrides, DEFAULT_ACTION};
use crate::cond::{Condition, Conditions};
use crate::grammar::{self, ActionWrite, PolicyLine, Request};
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
    /// How it applies its denies.
    pub(crate) mode: Mode,
    /// What its enforced denies do, unless `overrides` says otherwise.
    pub(crate) action: Action,
    /// What its enforced denies of particular calls do.
    pub(crate) overrides: Overrides,
    /// The conditions it puts on calls' arguments: a call that one of
    /// them denies is denied as by `denied`.
    pub(crate) conditions: Conditions,
}

impl OwnRules {
    /// No rules: what a new cgroup has.
    pub(crate) const EMPTY: OwnRules = OwnRules {
        denied: SyscallSet::EMPTY,
        mode: Mode::Enforce,
        action: DEFAULT_ACTION,
        overrides: Overrides::EMPTY,
        conditions: Conditions::EMPTY,
    };

    /// What these rules alone decide on the call of bit `bit`: its deny by
    /// number, not its conditions.
    pub(crate) fn decision(&self, bit: usize) -> Decision {
        if !self.denied.contains_bit(bit) {
            return Decision::Allow;
        }
        self.denial(bit)
    }

    /// What these rules do to the call of bit `bit` when they deny it, by
    /// number or by condition: its mode and action.
    pub(crate) fn denial(&self, bit: usize) -> Decision {
        let action = self.overrides.action_for(bit).unwrap_or(self.action);
        match (self.mode, action) {
            (Mode::Log, _) => Decision::Log,
            (Mode::Enforce, Action::Errno(errno)) => Decision::Errno(errno),
            (Mode::Enforce, Action::Kill) => Decision::Kill,
        }
    }
}

/// The decision on a call in a cgroup whose parent decides `parent` on it
/// and whose own rules decide `own` (`Allow` when they do not deny it).
///
/// The strictest wins: a kill anywhere on the path, then an errno, the
/// ancestor's before the descendant's, then logging.
pub(crate) fn combine(parent: Decision, own: Decision) -> Decision {
    match (parent, own) {
        (Decision::Kill, _) | (_, Decision::Kill) => Decision::Kill,
        (Decision::Errno(errno), _) | (_, Decision::Errno(errno)) => Decision::Errno(errno),
        (Decision::Log, _) | (_, Decision::Log) => Decision::Log,
        (Decision::Allow, Decision::Allow) => Decision::Allow,
    }
}

/// Applies a rule about the calls of `request` to a cgroup's own rules
/// `own`.
///
/// `parent` is the parent's effective set, `None` for the root. On error
/// `own` is left as it was.
pub(crate) fn apply(
    own: &mut OwnRules,
    parent: Option<&SyscallSet>,
    rule: Rule,
    request: &SyscallSet,
) -> Result {
    match rule {
        Rule::Deny => own.denied.union_with(request),
        Rule::Allow => {
            if parent.is_some_and(|p| p.intersects(request)) {
                return Err(EPERM);
            }
            own.denied.subtract(request);
        }
    }
    Ok(())
}

/// A cgroup's own rules as everyone wrote them, and as administrators did.
///
/// `trusted` is what judges a task that a delegatee who wrote rules on its
/// path has no power over. It only ever holds less than `all`: denies,
/// modes and actions count there when an administrator writes them, and
/// allows whoever writes them.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rules {
    /// Every author's rules: what judges most tasks.
    pub(crate) all: OwnRules,
    /// The administrators' rules, less what anyone allowed since.
    pub(crate) trusted: OwnRules,
}

impl Rules {
    /// No rules: what a new cgroup has.
    pub(crate) const EMPTY: Rules = Rules {
        all: OwnRules::EMPTY,
        trusted: OwnRules::EMPTY,
    };

    /// Applies a rule that `author` wrote about the calls of `request`; on
    /// error nothing changes.
    pub(crate) fn write(
        &mut self,
        parent: Option<&SyscallSet>,
        rule: Rule,
        author: Author,
        request: &SyscallSet,
    ) -> Result {
        // Only an allow can fail, the same way for both: checked first, so
        // that both change in place (the rules are large for a stack).
        if rule == Rule::Allow && parent.is_some_and(|p| p.intersects(request)) {
            return Err(EPERM);
        }
        apply(&mut self.all, parent, rule, request)?;
        if author == Author::Admin || rule == Rule::Allow {
            apply(&mut self.trusted, parent, rule, request)?;
        }
        Ok(())
    }

    /// Applies a parsed write of `author` to the file of `rule`: its plain
    /// calls as [`Rules::write`] does, and its conditions. `held` says
    /// whether an ancestor holds a condition on a call: an allow of it then
    /// fails with `EPERM`, as it would not lift it. An allow of a plain call
    /// also drops the cgroup's own conditions on it; it fails only when the
    /// parent denies the call by number, as an ancestor's conditions keep
    /// applying. Errors come in the order of the files: `EPERM`, then
    /// `ENOSPC` for more conditions than [`crate::cond::MAX_CONDITIONS`].
    /// On error the rules may be half written: callers work on a copy.
    pub(crate) fn write_request(
        &mut self,
        parent: Option<&SyscallSet>,
        held: impl Fn(usize, &Condition) -> bool,
        rule: Rule,
        author: Author,
        request: &Request,
    ) -> Result {
        let conds = request.conditions();
        if rule == Rule::Allow {
            if parent.is_some_and(|p| p.intersects(&request.calls))
                || conds.iter().any(|(bit, cond)| held(*bit, cond))
            {
                return Err(EPERM);
            }
        } else if self.all.conditions.missing(conds) + self.all.conditions.iter().count()
            > crate::cond::MAX_CONDITIONS
        {
            return Err(ENOSPC);
        }
        self.write(parent, rule, author, &request.calls)?;
        match rule {
            Rule::Deny => {
                self.all.conditions.add(conds)?;
                if author == Author::Admin {
                    self.trusted.conditions.add(conds)?;
                }
            }
            Rule::Allow => {
                for own in [&mut self.all, &mut self.trusted] {
                    own.conditions.remove_calls(&request.calls);
                    own.conditions.remove(conds);
                }
            }
        }
        Ok(())
    }

    /// Clears the rules before `author` writes a whole new policy: no
    /// denies and no conditions (dropping either is an allow, which counts
    /// for everyone),
    /// the enforcing mode and the default action, the latter two among the
    /// administrators' rules only when an administrator writes.
    pub(crate) fn reset(&mut self, author: Author) {
        self.all.denied = SyscallSet::EMPTY;
        self.trusted.denied = SyscallSet::EMPTY;
        self.all.conditions = Conditions::EMPTY;
        self.trusted.conditions = Conditions::EMPTY;
        self.set_mode(Mode::Enforce, author);
        self.all.action = DEFAULT_ACTION;
        self.all.overrides = Overrides::EMPTY;
        if author == Author::Admin {
            self.trusted.action = DEFAULT_ACTION;
            self.trusted.overrides = Overrides::EMPTY;
        }
    }

    /// Sets the mode that `author` wrote.
    pub(crate) fn set_mode(&mut self, mode: Mode, author: Author) {
        self.all.mode = mode;
        if author == Author::Admin {
            self.trusted.mode = mode;
        }
    }

    /// Sets the default action that `author` wrote, or with `calls` the
    /// action of those calls; on error (`ENOSPC`) nothing changes.
    pub(crate) fn set_action(
        &mut self,
        action: Option<Action>,
        calls: Option<&SyscallSet>,
        author: Author,
    ) -> Result {
        match (action, calls) {
            (Some(action), None) => {
                self.all.action = action;
                if author == Author::Admin {
                    self.trusted.action = action;
                }
            }
            (action, Some(calls)) => {
                // Both sets of actions are tried before either changes.
                let mut all = self.all.overrides;
                all.set(action, calls)?;
                if author == Author::Admin {
                    let mut trusted = self.trusted.overrides;
                    trusted.set(action, calls)?;
                    self.trusted.overrides = trusted;
                }
                self.all.overrides = all;
            }
            (None, None) => return Err(EINVAL),
        }
        Ok(())
    }

    /// Whether they put conditions on any call.
    pub(crate) fn has_conditions(&self) -> bool {
        !self.all.conditions.is_empty() || !self.trusted.conditions.is_empty()
    }

    /// Whether a delegatee's write made these rules stricter than the
    /// administrators' own.
    pub(crate) fn delegated(&self) -> bool {
        self.all != self.trusted
    }
}

/// Replaces `rules` by the whole policy `input` that `author` wrote to
/// `syscalls.policy` (see [`grammar::parse_policy`]): cleared, then each
/// line applied in order as a write to its own file would be. Every line
/// parses before any applies, so that syntax errors (`EINVAL`, `ERANGE`)
/// come before permission errors (`EPERM`), as in the other files. On a
/// permission error `rules` are left half written: callers work on a copy
/// (the rules are large for a kernel stack) and keep it only on success.
/// `held` is as for [`Rules::write_request`].
pub(crate) fn replace(
    rules: &mut Rules,
    parent: Option<&SyscallSet>,
    held: impl Fn(usize, &Condition) -> bool,
    author: Author,
    input: &[u8],
) -> Result {
    grammar::parse_policy(input, |_| Ok(()))?;
    // Then permissions, which no line's place changes: an allow that the
    // parent forbids fails before a line that runs out of room.
    grammar::parse_policy(input, |line| match *line {
        PolicyLine::Allow(ref request)
            if parent.is_some_and(|p| p.intersects(&request.calls))
                || request
                    .conditions()
                    .iter()
                    .any(|(bit, cond)| held(*bit, cond)) =>
        {
            Err(EPERM)
        }
        _ => Ok(()),
    })?;
    let next = rules;
    next.reset(author);
    grammar::parse_policy(input, |line| match *line {
        PolicyLine::Deny(ref request) => {
            next.write_request(parent, &held, Rule::Deny, author, request)
        }
        PolicyLine::Allow(ref request) => {
            next.write_request(parent, &held, Rule::Allow, author, request)
        }
        PolicyLine::Mode(mode) => {
            next.set_mode(mode, author);
            Ok(())
        }
        PolicyLine::Action(ActionWrite::Default(action)) => {
            next.set_action(Some(action), None, author)
        }
        PolicyLine::Action(ActionWrite::Calls(action, ref calls)) => {
            next.set_action(action, Some(calls), author)
        }
    })
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
/// `effective` and whose conditions test the calls of `conditioned`: both,
/// and `restart_syscall` whenever anything is denied. A restart then
/// takes the slow path, which lets it through only when the cgroup allows
/// the call it continues, so that a call stopped
/// before its deny cannot run on through `restart_syscall`, and a call
/// that is allowed can always be restarted.
pub(crate) fn checked(effective: &SyscallSet, conditioned: Option<&SyscallSet>) -> SyscallSet {
    let mut set = *effective;
    if let Some(conditioned) = conditioned {
        set.union_with(conditioned);
    }
    if !set.is_empty() {
        set.union_with(&names::RESTART_SYSCALL);
    }
    set
}
