// SPDX-License-Identifier: GPL-2.0

//! The model of the kernel behind the fake: what one cgroup holds of its
//! own, what a write of `syscalls.deny`, `syscalls.allow` or
//! `syscalls.action` does to it, and how the files read.

use std::io;

use crate::actions::{parse_action, Action, Actions, ENOSYS};
use crate::cond::{self, CondItem};
use crate::set::{Items, SyscallSet};
use crate::table::{self, Abi};

/// One cgroup's own policy.
#[derive(Clone)]
pub(super) struct Node {
    pub(super) own: SyscallSet,
    pub(super) conds: Vec<CondItem>,
    pub(super) mode: String,
    pub(super) actions: Actions,
}

impl Node {
    pub(super) fn new() -> Node {
        Node {
            own: SyscallSet::empty(),
            conds: Vec::new(),
            mode: "enforce".to_string(),
            actions: Actions::new(Action::Errno(ENOSYS)),
        }
    }
}

pub(super) fn errno(e: i32) -> io::Error {
    io::Error::from_raw_os_error(e)
}

pub(super) fn join(conds: &[CondItem]) -> String {
    conds
        .iter()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a deny (or an allow) of `items` does to a cgroup's own rules.
pub(super) fn rule(
    node: &mut Node,
    allow: bool,
    items: &Items,
    parent: &SyscallSet,
    held: &dyn Fn(&CondItem) -> bool,
) -> io::Result<()> {
    let set = items.set.without_outside_rules();
    if !allow {
        node.own = node.own.union(&set);
        let mut conds = node.conds.clone();
        conds.extend(items.conds.iter().cloned());
        cond::normalize(&mut conds);
        if conds.len() > cond::MAX_OWN {
            return Err(errno(libc::ENOSPC));
        }
        node.conds = conds;
        return Ok(());
    }
    if !set.intersect(parent).is_empty() || items.conds.iter().any(held) {
        return Err(errno(libc::EPERM));
    }
    node.own = node.own.minus(&set);
    node.conds
        .retain(|c| !items.conds.contains(c) && !set.contains(c.abi, c.nr));
    Ok(())
}

/// What a write to `syscalls.action` does in the kernel.
pub(super) fn write_action(actions: &mut Actions, content: &str) -> io::Result<()> {
    let words: Vec<&str> = content.split_ascii_whitespace().collect();
    let (action, n) = match words.first() {
        Some(&"default") => (None, 1),
        _ => {
            let (a, n) = parse_action(&words).ok_or(errno(libc::EINVAL))?;
            (Some(a), n)
        }
    };
    let mut next = actions.clone();
    match (action, n == words.len()) {
        (Some(a), true) => next.default = a,
        (None, true) => return Err(errno(libc::EINVAL)),
        (a, false) => {
            let calls =
                SyscallSet::parse(&words[n..].join(" ")).map_err(|_| errno(libc::EINVAL))?;
            next.set(a, &calls).map_err(|()| errno(libc::ENOSPC))?;
        }
    }
    *actions = next;
    Ok(())
}

/// Calls as the kernel reads them: x86_64 numbers bare when every one comes
/// with its ia32 namesake, else prefixed, then the ia32 numbers; ranges,
/// commas within an ABI, a space between them.
pub fn format_calls(set: &SyscallSet) -> String {
    let bare = set
        .iter(Abi::X86_64)
        .all(|nr| table::ia32_namesake(nr).is_none_or(|m| set.contains(Abi::Ia32, m)));
    let mut parts = Vec::new();
    for abi in Abi::ALL {
        let items: Vec<String> = set
            .ranges(abi)
            .into_iter()
            .map(|(lo, hi)| {
                let prefix = match abi == Abi::X86_64 && bare {
                    true => String::new(),
                    false => format!("{}:", abi.prefix()),
                };
                match lo == hi {
                    true => format!("{prefix}{lo}"),
                    false => format!("{prefix}{lo}-{hi}"),
                }
            })
            .collect();
        if !items.is_empty() {
            parts.push(items.join(","));
        }
    }
    parts.join(" ")
}

/// A read of `syscalls.action`.
pub fn format_actions(a: &Actions) -> String {
    let mut out = format!("{}\n", a.default.by_name());
    for (action, calls) in &a.calls {
        out.push_str(&format!("{} {}\n", action.by_name(), format_calls(calls)));
    }
    out
}
