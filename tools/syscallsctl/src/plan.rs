// SPDX-License-Identifier: GPL-2.0

//! The writes that put a policy or a list of items into a cgroup, all
//! computed before the first one is made.

use crate::actions::{self, parse_action, Action, Actions, ENOSYS, MAX_PER_CALL};
use crate::cgroup::{read_actions, read_optional, Files};
use crate::error::{Context, Error, Result};
use crate::groups;
use crate::profile::{describe, Policy};
use crate::set::{chunk, chunk_within, Items, SyscallSet, WRITE_MAX};
use crate::write::Write;

/// The writes that give the cgroup `policy`: its actions for particular
/// calls, its default action and the clearing of the old actions for
/// particular calls (see [`actions::writes`] for that order), the mode,
/// then its deny set. The effective set becomes the policy's, joined with
/// what the parent denies (an allow of those would fail: they are left
/// out, with a note).
pub fn plan_policy(
    files: &dyn Files,
    policy: &Policy,
    notes: &mut Vec<String>,
) -> Result<Vec<Write>> {
    if read_optional(files, "syscalls.policy")?.is_some() {
        return plan_whole_policy(files, policy, notes);
    }
    let parent = files.parent_denied()?;
    let mut writes = Vec::new();
    match read_actions(files)? {
        Some(old) => {
            let new = Actions {
                default: policy.action,
                calls: policy.per_call.clone(),
            };
            let (w, cleared_first) = actions::writes(&old, &new, true);
            if cleared_first {
                notes.push(format!(
                    "the old and the new actions for particular calls are more than {MAX_PER_CALL} \
                     together: the old ones are cleared before the new ones are set"
                ));
            }
            writes.extend(w);
        }
        None if policy.action == Action::Errno(ENOSYS) && policy.per_call.is_empty() => {}
        None => {
            return Err(Error::at(
                files.path("syscalls.action"),
                format!(
                    "no such file: this kernel cannot set an action, and the policy needs {}",
                    policy.action
                ),
            ))
        }
    }
    match read_optional(files, "syscalls.mode")? {
        Some(_) => writes.push(Write::new(
            "syscalls.mode",
            if policy.log { "log" } else { "enforce" },
        )),
        None if !policy.log => {}
        None => {
            return Err(Error::at(
                files.path("syscalls.mode"),
                "no such file: this kernel has no log mode, which the policy needs",
            ))
        }
    }
    let allowed = policy.denied.complement().without_outside_rules();
    let blocked = allowed.intersect(&parent);
    if !blocked.is_empty() {
        notes.push(format!(
            "the parent cgroup denies calls the policy allows; they stay denied: {}",
            describe(&blocked)
        ));
    }
    let allow = allowed.minus(&parent);
    if policy.deny_by_default {
        writes.push(Write::new("syscalls.deny", "all"));
    } else {
        // Deny first, so that no call is allowed on the way.
        for c in chunk(&policy.denied.without_outside_rules().exact_items()) {
            writes.push(Write::new("syscalls.deny", c));
        }
    }
    for c in chunk(&allow.exact_items()) {
        writes.push(Write::new("syscalls.allow", c));
    }
    // The conditions last: an allow of their call would drop them.
    for c in chunk(&condition_items(policy, &parent)) {
        writes.push(Write::new("syscalls.deny", c));
    }
    Ok(writes)
}

/// The policy's conditions as items, but those on calls the parent denies
/// anyway: `x86_64:41(arg0=38|40)`.
fn condition_items(policy: &Policy, parent: &SyscallSet) -> Vec<String> {
    policy
        .conditions
        .iter()
        .filter(|c| !parent.contains(c.abi, c.nr))
        .map(|c| c.to_string())
        .collect()
}

/// The one write to `syscalls.policy` that replaces the cgroup's own
/// policy by `policy` at once: its denies (`deny all` for a deny-by-default
/// profile, which covers the calls of later kernels too), the allows, the
/// mode, the default action and those of particular calls. No call that
/// both the old and the new policy allow fails on the way, and undoing it
/// is one write of what the file read before.
fn plan_whole_policy(
    files: &dyn Files,
    policy: &Policy,
    notes: &mut Vec<String>,
) -> Result<Vec<Write>> {
    let parent = files.parent_denied()?;
    let allowed = policy.denied.complement().without_outside_rules();
    let blocked = allowed.intersect(&parent);
    if !blocked.is_empty() {
        notes.push(format!(
            "the parent cgroup denies calls the policy allows; they stay denied: {}",
            describe(&blocked)
        ));
    }
    let text = policy_text(policy, &parent).with_context(|| files.path("syscalls.policy"))?;
    Ok(vec![Write::new("syscalls.policy", text)])
}

/// The text of `syscalls.policy` that gives a cgroup under a parent that
/// denies `parent` the policy `policy`: its denies (`deny all` for a
/// deny-by-default profile, which covers the calls of later kernels too),
/// the allows that the parent leaves possible, a `deny` line of the
/// argument conditions (after the allows, which would drop them), the
/// mode, the default action and those of particular calls. An error if it
/// is longer than one write.
pub fn policy_text(policy: &Policy, parent: &SyscallSet) -> Result<String> {
    let mut text = String::new();
    if policy.deny_by_default {
        text.push_str("deny all\n");
        let allow = policy
            .denied
            .complement()
            .without_outside_rules()
            .minus(parent)
            .exact_items();
        if !allow.is_empty() {
            text.push_str(&format!("allow {}\n", allow.join(",")));
        }
    } else {
        let deny = policy.denied.without_outside_rules().exact_items();
        text.push_str(&format!("deny {}\n", deny.join(",")));
    }
    let conds = condition_items(policy, parent);
    if !conds.is_empty() {
        text.push_str(&format!("deny {}\n", conds.join(",")));
    }
    text.push_str(if policy.log {
        "mode log\n"
    } else {
        "mode enforce\n"
    });
    text.push_str(&format!("action {}\n", policy.action));
    for (action, calls) in &policy.per_call {
        text.push_str(&format!(
            "action {action} {}\n",
            calls.exact_items().join(",")
        ));
    }
    if text.len() > WRITE_MAX {
        return Err(Error::msg(format!(
            "the policy takes {} bytes, more than one write holds ({WRITE_MAX})",
            text.len()
        )));
    }
    Ok(text)
}

/// The writes of `items` (names, numbers, ranges, `all`, `@group`s, and
/// names or numbers with an argument condition) to `file`, checked against
/// the tables and the condition grammar first.
pub fn plan_items(file: &str, items: &[String]) -> Result<Vec<Write>> {
    let expanded = groups::expand_items(items)?;
    Items::parse(&expanded.join(","))?;
    Ok(chunk(&expanded)
        .into_iter()
        .map(|c| Write::new(file, c))
        .collect())
}

/// The writes of `words` to `syscalls.action`, checked first: an action
/// (`errno NAME`, `errno N`, `kill`; the errno written as its number), the
/// cgroup's default one; an action and calls (names, numbers, ranges,
/// `@group`s, in words or comma lists), those calls' own action; `default`
/// and calls, which gives them the default action again.
pub fn plan_action(words: &[String]) -> Result<Vec<Write>> {
    let text = words.join(" ");
    let words: Vec<&str> = text.split_ascii_whitespace().collect();
    let bad = || {
        Error::msg(format!(
            "`{}`: not an action (errno NAME, errno N with N from 1 to 4095, or kill; \
             then optional calls), nor default and calls",
            words.join(" ")
        ))
    };
    let (what, n) = match words.first() {
        Some(&"default") => ("default".to_string(), 1),
        _ => {
            let (action, n) = parse_action(&words).ok_or_else(bad)?;
            (action.to_string(), n)
        }
    };
    let calls: Vec<String> = words[n..]
        .iter()
        .flat_map(|w| w.split(','))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    if calls.is_empty() {
        return match what.as_str() {
            "default" => Err(bad()),
            _ => Ok(vec![Write::new("syscalls.action", what)]),
        };
    }
    let expanded = groups::expand_items(&calls)?;
    SyscallSet::parse(&expanded.join(","))?;
    let prefix = format!("{what} ");
    Ok(chunk_within(&expanded, WRITE_MAX - prefix.len())
        .into_iter()
        .map(|c| Write::new("syscalls.action", format!("{prefix}{c}")))
        .collect())
}

/// What `--dry-run` prints for `writes`.
pub fn show_writes(files: &dyn Files, writes: &[Write]) -> String {
    writes
        .iter()
        .map(|w| format!("echo '{}' > {}\n", w.content, files.path(&w.file)))
        .collect()
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
