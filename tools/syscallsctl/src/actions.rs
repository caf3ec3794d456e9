// SPDX-License-Identifier: GPL-2.0

//! `syscalls.action`: what a denied call does ([`Action`]), the cgroup's
//! default action and the actions it set for particular calls, as its read
//! prints them, and the writes that turn one such state into another.

use crate::set::{chunk_within, SyscallSet, WRITE_MAX};
use crate::table::{self, Abi};
use crate::write::Write;

/// What the cgroup does to a denied call (`syscalls.action`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Action {
    Errno(u32),
    Kill,
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Action::Errno(n) => write!(f, "errno {n}"),
            Action::Kill => f.write_str("kill"),
        }
    }
}

impl Action {
    /// The action as `syscalls.action` reads it: the errno by name when it
    /// has one (`errno EPERM`).
    pub fn by_name(self) -> String {
        match self {
            Action::Errno(n) => match table::errno_name(n) {
                Some(name) => format!("errno {name}"),
                None => format!("errno {n}"),
            },
            Action::Kill => "kill".to_string(),
        }
    }
}

/// `ENOSYS`: what the controller returns by default.
pub const ENOSYS: u32 = 38;
/// `EPERM`: runc's and crun's errno for `SCMP_ACT_ERRNO` without a value.
pub const EPERM: u32 = 1;

/// How many actions for particular calls a cgroup may hold besides its
/// default one (the kernel's `MAX_OVERRIDES`; one more is `ENOSPC`).
pub const MAX_PER_CALL: usize = 8;

/// What `syscalls.action` holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actions {
    /// The action of every denied call without one of its own.
    pub default: Action,
    /// The actions set for particular calls, each call in one set at most,
    /// no set empty.
    pub calls: Vec<(Action, SyscallSet)>,
}

/// Parses an action at the start of `words` (`kill`, `errno EPERM`,
/// `errno 1`): the action and the number of words it took.
pub fn parse_action(words: &[&str]) -> Option<(Action, usize)> {
    match words {
        ["kill", ..] => Some((Action::Kill, 1)),
        ["errno", e, ..] => {
            let n = match e.parse::<u32>() {
                Ok(n) => n,
                Err(_) => table::errno_number(e)?,
            };
            (1..=4095).contains(&n).then_some((Action::Errno(n), 2))
        }
        _ => None,
    }
}

impl Actions {
    /// The state of a cgroup that never wrote `syscalls.action`.
    pub fn new(default: Action) -> Actions {
        Actions {
            default,
            calls: Vec::new(),
        }
    }

    /// Parses a read of `syscalls.action`: the default action on the first
    /// line, then one line `ACTION CALLS` per action set for particular
    /// calls (an older kernel prints the first line only).
    pub fn parse(text: &str) -> Result<Actions, String> {
        let mut lines = text.lines().filter(|l| !l.trim().is_empty());
        let first = lines.next().ok_or("empty")?;
        let words: Vec<&str> = first.split_ascii_whitespace().collect();
        let default = match parse_action(&words) {
            Some((a, n)) if n == words.len() => a,
            _ => return Err(format!("`{}`: not an action", first.trim())),
        };
        let mut out = Actions::new(default);
        for line in lines {
            let words: Vec<&str> = line.split_ascii_whitespace().collect();
            let bad = || format!("`{}`: not an action with calls", line.trim());
            let (action, n) = parse_action(&words).ok_or_else(bad)?;
            if n == words.len() {
                return Err(bad());
            }
            let calls =
                SyscallSet::parse(&words[n..].join(" ")).map_err(|e| format!("{}: {e}", bad()))?;
            out.calls.push((action, calls));
        }
        Ok(out)
    }

    /// The action set for call `nr` of `abi`, if one is.
    pub fn of(&self, abi: Abi, nr: usize) -> Option<Action> {
        self.calls
            .iter()
            .find(|(_, s)| s.contains(abi, nr))
            .map(|(a, _)| *a)
    }

    /// Every call with an action of its own.
    pub fn with_own_action(&self) -> SyscallSet {
        self.calls
            .iter()
            .fold(SyscallSet::empty(), |acc, (_, s)| acc.union(s))
    }

    /// What the kernel does with a write of `action CALLS` (`None`:
    /// `default CALLS`): the calls leave their old set, join `action`'s (a
    /// new one at the end), and empty sets go. `Err` (the kernel's
    /// `ENOSPC`) when that makes more than [`MAX_PER_CALL`] actions; then
    /// nothing changes.
    pub fn set(&mut self, action: Option<Action>, calls: &SyscallSet) -> Result<(), ()> {
        let mut next = self.calls.clone();
        for (_, s) in next.iter_mut() {
            *s = s.minus(calls);
        }
        if let Some(action) = action {
            match next.iter().position(|(a, _)| *a == action) {
                Some(i) => next[i].1 = next[i].1.union(calls),
                None if next.len() < MAX_PER_CALL => next.push((action, calls.clone())),
                None => return Err(()),
            }
        }
        next.retain(|(_, s)| !s.is_empty());
        self.calls = next;
        Ok(())
    }
}

/// The writes of `what` (`errno 38`, `kill`, `default`) for `calls`, each
/// within a page.
fn calls_writes(what: &str, calls: &SyscallSet) -> Vec<Write> {
    let prefix = format!("{what} ");
    chunk_within(&calls.named_items(), WRITE_MAX - prefix.len())
        .into_iter()
        .map(|c| Write::new("syscalls.action", format!("{prefix}{c}")))
        .collect()
}

/// The writes to `syscalls.action` that turn `old` into `new`, and whether
/// they had to clear old actions before setting new ones.
///
/// The order: first the new actions for particular calls, then the default
/// action, then `default CALLS` for the calls that lose their own action.
/// So a call that kills in both states never fails with an errno on the
/// way (an action of its own is set before the default changes, and
/// dropped only after it). Only when old and new together exceed
/// [`MAX_PER_CALL`] actions are the old ones cleared first.
/// `always_default` writes the default action even when it is unchanged.
pub fn writes(old: &Actions, new: &Actions, always_default: bool) -> (Vec<Write>, bool) {
    let mut sets = Vec::new();
    for (action, calls) in &new.calls {
        let mut changed = calls.clone();
        for abi in Abi::ALL {
            for nr in calls.iter(abi) {
                if old.of(abi, nr) == Some(*action) {
                    changed.remove(abi, nr);
                }
            }
        }
        if !changed.is_empty() {
            sets.push((Some(*action), changed));
        }
    }
    let cleared = old.with_own_action().minus(&new.with_own_action());
    let clears: Vec<(Option<Action>, SyscallSet)> = match cleared.is_empty() {
        true => Vec::new(),
        false => vec![(None, cleared)],
    };
    let default = (always_default || old.default != new.default).then_some(new.default);
    // Whether the kernel takes the sets before the clears.
    let mut model = old.clone();
    let fits = sets.iter().all(|(a, s)| model.set(*a, s).is_ok());
    let (first, last) = match fits {
        true => (sets, clears),
        false => (clears, sets),
    };
    let push = |out: &mut Vec<Write>, list: &[(Option<Action>, SyscallSet)]| {
        for (a, s) in list {
            let what = a.map_or("default".to_string(), |a| a.to_string());
            out.extend(calls_writes(&what, s));
        }
    };
    let mut out = Vec::new();
    push(&mut out, &first);
    if let Some(d) = default {
        out.push(Write::new("syscalls.action", d.to_string()));
    }
    push(&mut out, &last);
    (out, !fits)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(text: &str) -> SyscallSet {
        SyscallSet::parse(text).unwrap()
    }

    #[test]
    fn parses_the_read_of_a_kernel_with_and_without_per_call_actions() {
        let a = Actions::parse("errno EPERM\nerrno ENOSYS 435 ia32:435\nkill x86_64:83\n").unwrap();
        assert_eq!(a.default, Action::Errno(1));
        assert_eq!(
            a.calls,
            [
                (Action::Errno(38), set("clone3")),
                (Action::Kill, set("x86_64:mkdir"))
            ]
        );
        assert_eq!(a.of(Abi::Ia32, 435), Some(Action::Errno(38)));
        assert_eq!(a.of(Abi::Ia32, 39), None);
        let a = Actions::parse("errno 4000\n").unwrap();
        assert_eq!(a, Actions::new(Action::Errno(4000)));
        assert_eq!(Actions::parse("kill").unwrap().default, Action::Kill);
        for bad in [
            "",
            "errno",
            "errno EBOGUS",
            "kill 9",
            "kill\nerrno 1\n",
            "kill\nerrno 1 bogus",
        ] {
            assert!(Actions::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_model_moves_calls_and_refuses_a_ninth_action() {
        let mut a = Actions::new(Action::Errno(1));
        a.set(Some(Action::Errno(38)), &set("clone3,mkdir"))
            .unwrap();
        a.set(Some(Action::Kill), &set("mkdir")).unwrap();
        assert_eq!(
            a.calls,
            [
                (Action::Errno(38), set("clone3")),
                (Action::Kill, set("mkdir"))
            ]
        );
        a.set(None, &set("clone3")).unwrap();
        assert_eq!(a.calls, [(Action::Kill, set("mkdir"))]);
        for n in 2..=8 {
            a.set(Some(Action::Errno(n)), &set(&n.to_string())).unwrap();
        }
        let before = a.clone();
        assert!(a.set(Some(Action::Errno(99)), &set("read")).is_err());
        assert_eq!(a, before);
    }

    #[test]
    fn per_call_actions_are_set_before_the_default_and_cleared_after() {
        let old = Actions {
            default: Action::Kill,
            calls: vec![(Action::Errno(13), set("mkdir"))],
        };
        let new = Actions {
            default: Action::Errno(1),
            calls: vec![
                (Action::Kill, set("ptrace")),
                (Action::Errno(38), set("clone3")),
            ],
        };
        let (w, cleared_first) = writes(&old, &new, false);
        let content: Vec<&str> = w.iter().map(|w| w.content.as_str()).collect();
        assert_eq!(
            content,
            ["kill ptrace", "errno 38 clone3", "errno 1", "default mkdir"]
        );
        assert!(!cleared_first);
        // Back again: nothing to set for ptrace's kill (the default) and
        // the unchanged default is not written.
        let (w, _) = writes(&new, &old, false);
        let content: Vec<&str> = w.iter().map(|w| w.content.as_str()).collect();
        assert_eq!(content, ["errno 13 mkdir", "kill", "default ptrace,clone3"]);
        let (w, _) = writes(&old, &old, false);
        assert!(w.is_empty());
        assert_eq!(
            writes(&old, &old, true).0,
            [Write::new("syscalls.action", "kill")]
        );
    }

    #[test]
    fn too_many_actions_at_once_clear_the_old_ones_first() {
        let mut old = Actions::new(Action::Errno(1));
        let mut new = Actions::new(Action::Errno(1));
        for n in 0..8u32 {
            old.calls
                .push((Action::Errno(100 + n), set(&format!("x86_64:{n}"))));
            new.calls
                .push((Action::Errno(200 + n), set(&format!("x86_64:{}", n + 10))));
        }
        let (w, cleared_first) = writes(&old, &new, false);
        assert!(cleared_first);
        assert_eq!(w[0], Write::new("syscalls.action", "default x86_64:read,x86_64:write,x86_64:open,x86_64:close,x86_64:stat,x86_64:fstat,x86_64:lstat,x86_64:poll"));
        assert_eq!(w.len(), 9);
    }
}
