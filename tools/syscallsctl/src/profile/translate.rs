// SPDX-License-Identifier: GPL-2.0

//! The translation of a whole profile: the calls its rules allow and deny,
//! those with argument rules judged exactly where the controller's
//! conditions can say it (see `args`), the mode, the default action and
//! the actions for particular calls.

use super::args::{escapes, exact_call};
use super::rules::{abis, applies, kind, precedence, push_once, rule_title, Applied, Kind};
use super::{describe, ArgsPolicy, Options, Policy, Profile};
use crate::actions::{Action, ENOSYS, MAX_PER_CALL};
use crate::cond::{self, CondItem};
use crate::exact;
use crate::set::SyscallSet;
use crate::table::{self, Abi};

/// Translates `p` into the controller's policy.
pub fn translate(p: &Profile, opts: &Options) -> Result<Policy, String> {
    let mut notes = Vec::new();
    let default = kind(
        &p.default_action,
        p.default_errno_ret,
        &mut notes,
        "defaultAction",
    )?;
    let abis = abis(p, &mut notes);
    if p.listener_path.is_some() {
        notes.push("listenerPath: no supervisor is consulted".to_string());
    }
    let deny_by_default = default != Kind::Allow;
    // Per call: the kind the applicable rules without arguments give it.
    let mut allowed = SyscallSet::empty();
    let mut denied: Vec<(Action, SyscallSet)> = Vec::new();
    let mut unknown: Vec<String> = Vec::new();
    // Every applicable rule, for the calls with argument rules.
    let mut applied: Vec<Applied> = Vec::new();
    for (i, rule) in p.syscalls.iter().flatten().enumerate() {
        let names: Vec<String> = rule.names.iter().chain(rule.name.iter()).cloned().collect();
        let what = rule_title(i, rule, &names);
        let k = kind(&rule.action, rule.errno_ret, &mut notes, &what)?;
        let allow_rule = matches!(k, Kind::Allow | Kind::Log);
        if allow_rule && !deny_by_default {
            continue; // allowed anyway
        }
        if !applies(rule, opts, &what, &mut notes) {
            continue;
        }
        let mut calls = SyscallSet::empty();
        for name in &names {
            for &abi in &abis {
                if let Some(nr) = abi.lookup(name) {
                    calls.insert(abi, nr);
                }
            }
            if !table::is_known(name) && !unknown.contains(name) {
                unknown.push(name.clone());
            }
        }
        if k == Kind::Log && deny_by_default {
            notes.push(format!(
                "{what}: SCMP_ACT_LOG allows the calls; the cgroup does not log them"
            ));
        }
        let args = rule.args.clone().unwrap_or_default();
        if args.is_empty() {
            add(&mut allowed, &mut denied, k, &calls);
        }
        applied.push(Applied {
            order: i,
            what,
            kind: k,
            rank: precedence(&rule.action),
            calls,
            args,
        });
    }
    if !unknown.is_empty() {
        notes.push(format!(
            "not in the x86 tables of Linux {}, skipped: {}",
            table::TABLES_KERNEL,
            unknown.join(" ")
        ));
    }

    // The calls with argument rules: translated exactly where the
    // controller's conditions can say what the rules say, else as --args
    // says.
    let default_denial = match default {
        Kind::Allow => None,
        Kind::Log => Some(Action::Errno(ENOSYS)),
        Kind::Deny(a) => Some(a),
    };
    let with_args = applied
        .iter()
        .filter(|a| !a.args.is_empty())
        .fold(SyscallSet::empty(), |acc, a| acc.union(&a.calls))
        .without_outside_rules();
    let mut judged: Vec<((Abi, usize), exact::Judged)> = Vec::new();
    let mut inexact: Vec<((Abi, usize), String)> = Vec::new();
    let mut budget = cond::MAX_OWN;
    for abi in Abi::ALL {
        for nr in with_args.iter(abi) {
            let rules: Vec<&Applied> = applied
                .iter()
                .filter(|a| a.calls.contains(abi, nr))
                .collect();
            match exact_call(abi, nr, &rules, default_denial, opts.args, &mut notes) {
                Ok(j) => {
                    let n = match &j.outcome {
                        exact::Outcome::Conditional(c, _) => c.len(),
                        _ => 0,
                    };
                    if n > budget {
                        inexact.push((
                            (abi, nr),
                            format!(
                                "a cgroup holds at most {} conditions of its own",
                                cond::MAX_OWN
                            ),
                        ));
                        continue;
                    }
                    budget -= n;
                    judged.push(((abi, nr), j));
                }
                Err(reason) => inexact.push(((abi, nr), reason)),
            }
        }
    }
    // The exact ones: what the rules without arguments said of them is
    // part of their translation.
    let mut conditions: Vec<CondItem> = Vec::new();
    let mut conditional: Vec<(Action, SyscallSet)> = Vec::new();
    for ((abi, nr), j) in &judged {
        allowed.remove(*abi, *nr);
        for (_, s) in denied.iter_mut() {
            s.remove(*abi, *nr);
        }
        let mut one = SyscallSet::empty();
        one.insert(*abi, *nr);
        let call = abi.name(*nr).unwrap_or("?");
        match &j.outcome {
            exact::Outcome::Allowed => allowed.insert(*abi, *nr),
            exact::Outcome::Denied(a) => add(&mut allowed, &mut denied, Kind::Deny(*a), &one),
            exact::Outcome::Conditional(c, a) => {
                allowed.insert(*abi, *nr);
                conditions.extend(c.iter().map(|cond| CondItem {
                    abi: *abi,
                    nr: *nr,
                    cond: cond.clone(),
                }));
                add(
                    &mut SyscallSet::empty(),
                    &mut conditional,
                    Kind::Deny(*a),
                    &one,
                );
            }
        }
        if !j.lost_actions.is_empty() && default != Kind::Log {
            let chosen = match &j.outcome {
                exact::Outcome::Denied(a) | exact::Outcome::Conditional(_, a) => *a,
                exact::Outcome::Allowed => continue,
            };
            let lost: Vec<String> = j.lost_actions.iter().map(Action::to_string).collect();
            push_once(
                &mut notes,
                format!(
                    "{call}: the profile gives {} for some arguments; a call has one action here: {chosen} \
                     (kill if one kills, else the first rule's)",
                    lost.join(", ")
                ),
            );
        }
    }
    // The others: their argument rules narrowed or widened, as before.
    let fallback = inexact
        .iter()
        .fold(SyscallSet::empty(), |mut acc, ((abi, nr), _)| {
            acc.insert(*abi, *nr);
            acc
        });
    for a in applied.iter().filter(|a| !a.args.is_empty()) {
        let calls = a.calls.intersect(&fallback);
        if calls.is_empty() {
            continue;
        }
        let allow_rule = matches!(a.kind, Kind::Allow | Kind::Log);
        // Whether the rule changes the set (a deny rule under a denying
        // default only keeps calls denied, with its own action).
        let changes_set = allow_rule || !deny_by_default || default == Kind::Log;
        if changes_set {
            let mut why: Vec<&str> = Vec::new();
            for ((abi, nr), reason) in &inexact {
                if calls.contains(*abi, *nr) && !why.contains(&reason.as_str()) {
                    why.push(reason);
                }
            }
            let keep = (opts.args == ArgsPolicy::Widen) == allow_rule;
            notes.push(format!(
                "{}: has argument conditions the controller cannot check exactly ({}); {}",
                a.what,
                why.join("; "),
                match (allow_rule, keep) {
                    (true, true) => "allowed whatever the arguments (widened, --args widen)",
                    (true, false) => "left denied (narrowed; --args widen allows it)",
                    (false, true) => "denied whatever the arguments (narrowed)",
                    (false, false) => "dropped: the call stays allowed (widened, --args widen)",
                }
            ));
            if !keep {
                continue;
            }
        }
        add(&mut allowed, &mut denied, a.kind, &calls);
    }

    let all_denied = denied
        .iter()
        .fold(SyscallSet::empty(), |acc, (_, s)| acc.union(s));
    let conflict = allowed.intersect(&all_denied).without_outside_rules();
    if !conflict.is_empty() {
        notes.push(format!(
            "both allowed and denied by rules, kept denied: {}",
            describe(&conflict)
        ));
    }
    // The actions of the calls denied by number and of those denied by
    // their conditions.
    let mut actions = denied.clone();
    for (a, s) in &conditional {
        add(&mut SyscallSet::empty(), &mut actions, Kind::Deny(*a), s);
    }
    let (set, action, log) = match default {
        Kind::Allow => {
            // The action of most denied calls is the cgroup's.
            let action = actions
                .iter()
                .max_by_key(|(a, s)| (s.len(), std::cmp::Reverse(*a)))
                .map_or(Action::Errno(ENOSYS), |(a, _)| *a);
            (all_denied, action, false)
        }
        Kind::Log => {
            if !all_denied.is_empty() {
                notes.push(format!(
                    "defaultAction SCMP_ACT_LOG puts the cgroup in log mode: the calls the rules deny \
                     are only logged, not denied (widened): {}",
                    describe(&all_denied)
                ));
            }
            (
                SyscallSet::all().minus(&allowed.minus(&all_denied)),
                Action::Errno(ENOSYS),
                true,
            )
        }
        Kind::Deny(a) => (
            SyscallSet::all().minus(&allowed.minus(&all_denied)),
            a,
            false,
        ),
    };
    let mut set = set;
    for abi in Abi::ALL {
        if !abis.contains(&abi) {
            notes.push(format!(
                "the profile does not cover the {} ABI: every {} call is denied, as seccomp refuses calls of other architectures",
                abi.prefix(),
                abi.prefix()
            ));
            (0..abi.size()).for_each(|nr| set.insert(abi, nr));
        }
    }
    cond::normalize(&mut conditions);
    if !conditions.is_empty() {
        notes.push(format!(
            "argument rules translated to conditions, at the widths the kernel reads the arguments at \
             (exactly, but where a note says otherwise): {}",
            cond::describe(&conditions)
        ));
        notes.extend(escapes(&conditions, &set));
    }
    let with_conditions = conditional
        .iter()
        .fold(SyscallSet::empty(), |acc, (_, s)| acc.union(s));
    let per_call = match default {
        // Log mode logs every denied call whatever its action.
        Kind::Log => Vec::new(),
        _ => per_call_actions(&actions, &set.union(&with_conditions), action, &mut notes),
    };
    Ok(Policy {
        deny_by_default,
        denied: set,
        conditions,
        log,
        action,
        per_call,
        notes,
    })
}

/// Adds `calls` to what a rule of kind `k` gives them: allowed, or denied
/// with an action.
fn add(
    allowed: &mut SyscallSet,
    denied: &mut Vec<(Action, SyscallSet)>,
    k: Kind,
    calls: &SyscallSet,
) {
    match k {
        Kind::Allow | Kind::Log => *allowed = allowed.union(calls),
        Kind::Deny(a) => match denied.iter_mut().find(|(b, _)| *b == a) {
            Some((_, s)) => *s = s.union(calls),
            None => denied.push((a, calls.clone())),
        },
    }
}

/// The actions for particular calls: those of the deny rules whose action
/// is not the cgroup's `action`, for the calls of `set`. A call that rules
/// give several actions gets kill if one kills, else the first rule's
/// action (noted). Beyond [`MAX_PER_CALL`] actions, those with the fewest
/// calls follow `action` (noted).
fn per_call_actions(
    denied: &[(Action, SyscallSet)],
    set: &SyscallSet,
    action: Action,
    notes: &mut Vec<String>,
) -> Vec<(Action, SyscallSet)> {
    let mut order: Vec<&(Action, SyscallSet)> = denied.iter().collect();
    order.sort_by_key(|(a, _)| *a != Action::Kill);
    let mut assigned = SyscallSet::empty();
    let mut conflict = SyscallSet::empty();
    let mut out: Vec<(Action, SyscallSet)> = Vec::new();
    for (a, s) in order {
        let s = s.intersect(set).without_outside_rules();
        conflict = conflict.union(&s.intersect(&assigned));
        let mine = s.minus(&assigned);
        assigned = assigned.union(&s);
        if *a != action && !mine.is_empty() {
            out.push((*a, mine));
        }
    }
    if !conflict.is_empty() {
        notes.push(format!(
            "rules give these calls different actions; kill wins, else the first rule's: {}",
            describe(&conflict)
        ));
    }
    // The actions with the most calls keep theirs.
    out.sort_by_key(|(a, s)| (std::cmp::Reverse(s.len()), *a));
    for (a, s) in out.iter().skip(MAX_PER_CALL) {
        notes.push(format!(
            "the profile gives {a} for {}; the cgroup has at most {MAX_PER_CALL} actions \
             for particular calls besides its default one: {action}",
            describe(s)
        ));
    }
    out.truncate(MAX_PER_CALL);
    out.sort_by_key(|(a, _)| *a);
    out
}
