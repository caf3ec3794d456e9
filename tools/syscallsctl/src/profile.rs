// SPDX-License-Identifier: GPL-2.0

//! OCI and Docker seccomp profiles: their JSON, and their translation into
//! the controller's policy (one deny set, one mode, a default action and up
//! to eight actions for particular calls), with a note for every rule that
//! the translation approximates.

use serde::{Deserialize, Serialize};

use crate::actions::{Action, ENOSYS, EPERM, MAX_PER_CALL};
use crate::cond::{self, CondItem};
use crate::exact;
use crate::set::SyscallSet;
use crate::table::{self, Abi};

/// A seccomp profile: the OCI runtime spec's `linux.seccomp`, plus Docker's
/// `archMap` and rule `includes`/`excludes`.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub default_action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_errno_ret: Option<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub architectures: Vec<String>,
    #[serde(default, skip_serializing)]
    pub arch_map: Option<Vec<ArchMap>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listener_path: Option<String>,
    #[serde(default)]
    pub syscalls: Option<Vec<Rule>>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArchMap {
    pub architecture: String,
    #[serde(default)]
    pub sub_architectures: Option<Vec<String>>,
}

/// One rule of `syscalls`.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    #[serde(default)]
    pub names: Vec<String>,
    /// Docker's older single-name form.
    #[serde(default, skip_serializing)]
    pub name: Option<String>,
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errno_ret: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub args: Option<Vec<serde_json::Value>>,
    #[serde(default, skip_serializing)]
    pub includes: Option<Filter>,
    #[serde(default, skip_serializing)]
    pub excludes: Option<Filter>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// Docker's conditions on a rule.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Filter {
    #[serde(default)]
    pub caps: Option<Vec<String>>,
    #[serde(default)]
    pub arches: Option<Vec<String>>,
    #[serde(default)]
    pub min_kernel: Option<String>,
}

/// How to treat rules with argument conditions, which the controller
/// cannot see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ArgsPolicy {
    /// Keep the call denied: an allow rule is dropped, a deny rule denies
    /// the call whatever its arguments (the default).
    Narrow,
    /// Let the call through: an allow rule allows it whatever its
    /// arguments, a deny rule is dropped.
    Widen,
}

/// The choices a translation depends on.
#[derive(Debug, Clone)]
pub struct Options {
    /// The capabilities the workload holds (for Docker's `caps`).
    pub caps: Vec<String>,
    pub args: ArgsPolicy,
    /// The running kernel's version (for Docker's `minKernel`).
    pub kernel: (u32, u32),
}

/// The policy a profile translates to.
#[derive(Debug, PartialEq, Eq)]
pub struct Policy {
    /// Whether the profile denies by default (then: deny all, allow some).
    pub deny_by_default: bool,
    /// The calls the cgroup is to deny.
    pub denied: SyscallSet,
    /// The calls it allows (not in `denied`) but for the arguments these
    /// conditions deny, with the action of the call.
    pub conditions: Vec<CondItem>,
    /// `syscalls.mode`: false for `enforce`, true for `log`.
    pub log: bool,
    /// The action of the denied calls without one of their own.
    pub action: Action,
    /// The actions of particular denied calls, where the profile's differ
    /// from `action`: at most [`MAX_PER_CALL`], in the order of [`Action`],
    /// each call in one set at most.
    pub per_call: Vec<(Action, SyscallSet)>,
    /// What was approximated or skipped, one line each, for stderr.
    pub notes: Vec<String>,
}

/// What a seccomp action means here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Allow,
    Log,
    Deny(Action),
}

fn kind(
    action: &str,
    errno: Option<u32>,
    notes: &mut Vec<String>,
    what: &str,
) -> Result<Kind, String> {
    Ok(match action {
        "SCMP_ACT_ALLOW" => Kind::Allow,
        "SCMP_ACT_LOG" => Kind::Log,
        "SCMP_ACT_ERRNO" => {
            let n = errno.unwrap_or(EPERM);
            Kind::Deny(Action::Errno(match n {
                0 => {
                    notes.push(format!("{what}: SCMP_ACT_ERRNO with errno 0 (a faked success) becomes errno {EPERM} (narrowed)"));
                    EPERM
                }
                1..=4095 => n,
                _ => {
                    notes.push(format!(
                        "{what}: errno {n} clamped to 4095, as seccomp does"
                    ));
                    4095
                }
            }))
        }
        "SCMP_ACT_KILL" | "SCMP_ACT_KILL_PROCESS" => Kind::Deny(Action::Kill),
        "SCMP_ACT_KILL_THREAD" => {
            notes.push(format!(
                "{what}: SCMP_ACT_KILL_THREAD becomes kill, which ends the whole process"
            ));
            Kind::Deny(Action::Kill)
        }
        "SCMP_ACT_TRAP" => {
            notes.push(format!(
                "{what}: SCMP_ACT_TRAP (a SIGSYS the program may catch) becomes kill"
            ));
            Kind::Deny(Action::Kill)
        }
        "SCMP_ACT_TRACE" | "SCMP_ACT_NOTIFY" => {
            notes.push(format!(
                "{what}: {action} (a tracer or supervisor decides) becomes a denial with errno {ENOSYS}, \
                 what seccomp returns when none is attached (narrowed)"
            ));
            Kind::Deny(Action::Errno(ENOSYS))
        }
        _ => return Err(format!("{what}: unknown action `{action}`")),
    })
}

/// The ABIs whose calls the profile covers.
fn abis(p: &Profile, notes: &mut Vec<String>) -> Vec<Abi> {
    let mut arches: Vec<String> = p.architectures.clone();
    for m in p.arch_map.iter().flatten() {
        if m.architecture == "SCMP_ARCH_X86_64" {
            arches.push(m.architecture.clone());
            arches.extend(m.sub_architectures.iter().flatten().cloned());
        }
    }
    let mut abis = Vec::new();
    if arches.is_empty() {
        notes.push("no architectures: the native one only (x86_64)".to_string());
        return vec![Abi::X86_64];
    }
    if arches
        .iter()
        .any(|a| a == "SCMP_ARCH_X86_64" || a == "SCMP_ARCH_X32")
    {
        abis.push(Abi::X86_64);
    }
    if arches.iter().any(|a| a == "SCMP_ARCH_X86") {
        abis.push(Abi::Ia32);
    }
    if !arches.iter().any(|a| a == "SCMP_ARCH_X32") && abis.contains(&Abi::X86_64) {
        notes.push("no SCMP_ARCH_X32: x32 calls follow their x86_64 namesakes here, so the x32 ABI is not closed".to_string());
    }
    abis
}

/// Docker's check of a rule's `includes` and `excludes` on amd64.
fn applies(rule: &Rule, opts: &Options, what: &str, notes: &mut Vec<String>) -> bool {
    let (inc, exc) = (rule.includes.as_ref(), rule.excludes.as_ref());
    if let Some(arches) = inc.and_then(|f| f.arches.as_ref()) {
        if !arches.is_empty() && !arches.iter().any(|a| a == "amd64") {
            return false;
        }
    }
    if exc
        .and_then(|f| f.arches.as_ref())
        .is_some_and(|a| a.iter().any(|a| a == "amd64"))
    {
        return false;
    }
    if let Some(min) = inc.and_then(|f| f.min_kernel.as_deref()) {
        if parse_version(min).is_some_and(|v| opts.kernel < v) {
            return false;
        }
    }
    let has = |c: &String| opts.caps.iter().any(|o| o.eq_ignore_ascii_case(c));
    let needs: &[String] = inc.and_then(|f| f.caps.as_deref()).unwrap_or(&[]);
    let not: &[String] = exc.and_then(|f| f.caps.as_deref()).unwrap_or(&[]);
    if needs.is_empty() && not.is_empty() {
        return true;
    }
    let ok = needs.iter().all(has) && !not.iter().any(has);
    let cond = [
        (!needs.is_empty()).then(|| format!("with {}", needs.join(", "))),
        (!not.is_empty()).then(|| format!("without {}", not.join(", "))),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" and ");
    notes.push(format!(
        "{what}: applies only to a workload {cond}; {} (--cap says which capabilities it has)",
        if ok { "applied" } else { "skipped" }
    ));
    ok
}

/// `"4.8"` as `(4, 8)`.
pub fn parse_version(v: &str) -> Option<(u32, u32)> {
    let mut it = v.split(['.', '-']);
    let major = it.next()?.parse().ok()?;
    let minor = it.next().and_then(|m| m.parse().ok()).unwrap_or(0);
    Some((major, minor))
}

/// The version of the tables' kernel ([`table::TABLES_KERNEL`]), which
/// `minKernel` conditions are checked against when the running kernel's
/// version cannot be read.
pub fn tables_kernel() -> (u32, u32) {
    parse_version(table::TABLES_KERNEL).expect("TABLES_KERNEL is a version")
}

fn rule_title(i: usize, rule: &Rule, names: &[String]) -> String {
    let mut shown: Vec<&str> = names.iter().take(4).map(String::as_str).collect();
    if names.len() > 4 {
        shown.push("...");
    }
    format!("rule {} ({} {})", i + 1, rule.action, shown.join(" "))
}

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

/// An applicable rule: its place and title, what it does, seccomp's
/// precedence of its action, the calls it names and its `args`.
struct Applied {
    order: usize,
    what: String,
    kind: Kind,
    rank: u8,
    calls: SyscallSet,
    args: Vec<serde_json::Value>,
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

fn push_once(notes: &mut Vec<String>, note: String) {
    if !notes.contains(&note) {
        notes.push(note);
    }
}

/// seccomp's precedence of an action, the higher winning when several
/// rules match a call (the kernel's order, which libseccomp follows;
/// `SCMP_ACT_KILL` is `SCMP_ACT_KILL_THREAD`).
pub fn precedence(action: &str) -> u8 {
    match action {
        "SCMP_ACT_KILL_PROCESS" => 7,
        "SCMP_ACT_KILL" | "SCMP_ACT_KILL_THREAD" => 6,
        "SCMP_ACT_TRAP" => 5,
        "SCMP_ACT_ERRNO" => 4,
        "SCMP_ACT_NOTIFY" => 3,
        "SCMP_ACT_TRACE" => 2,
        "SCMP_ACT_LOG" => 1,
        _ => 0,
    }
}

/// The arguments that are pointers to a call's real arguments: the rules
/// compare the pointer, never what it points to.
fn pointer_argument(abi: Abi, name: &str, index: u8) -> Option<&'static str> {
    match (abi, name, index) {
        (Abi::Ia32, "socketcall", 1) => {
            Some("socketcall's arg1 points to the socket call's arguments")
        }
        (_, "clone3", 0) => Some("clone3's arg0 points to its flags (struct clone_args)"),
        _ => None,
    }
}

/// The exact translation of the applicable `rules` that name call `nr` of
/// `abi`, or why there is none. Rules that test other arguments besides
/// the one most rules test are narrowed or widened to that one, as --args
/// says (noted).
fn exact_call(
    abi: Abi,
    nr: usize,
    rules: &[&Applied],
    default: Option<Action>,
    args: ArgsPolicy,
    notes: &mut Vec<String>,
) -> Result<exact::Judged, String> {
    let name = abi.name(nr).unwrap_or("?");
    let mut parsed: Vec<(&Applied, Vec<exact::Cmp>)> = Vec::new();
    for r in rules {
        let mut cmps = Vec::new();
        for v in &r.args {
            let c = exact::Cmp::from_json(v).map_err(|e| format!("{}: {e}", r.what))?;
            if let Some(why) = pointer_argument(abi, name, c.index) {
                return Err(format!(
                    "{why}, which neither seccomp nor the controller reads"
                ));
            }
            cmps.push(c);
        }
        parsed.push((r, cmps));
    }
    // The argument most rules test (the lowest of those tested as often).
    let mut count = [0usize; 6];
    for (_, cmps) in &parsed {
        let mut seen = [false; 6];
        cmps.iter().for_each(|c| seen[usize::from(c.index)] = true);
        (0..6).filter(|&i| seen[i]).for_each(|i| count[i] += 1);
    }
    let arg = (0..6u8)
        .max_by_key(|&i| (count[usize::from(i)], std::cmp::Reverse(i)))
        .unwrap_or(0);
    let mut out: Vec<exact::ArgRule> = Vec::new();
    for (r, cmps) in parsed {
        let deny = match r.kind {
            Kind::Allow | Kind::Log => None,
            Kind::Deny(a) => Some((a, r.rank)),
        };
        let (mine, others): (Vec<exact::Cmp>, Vec<exact::Cmp>) =
            cmps.into_iter().partition(|c| c.index == arg);
        if !others.is_empty() {
            let mut tested: Vec<String> =
                others.iter().map(|c| format!("arg{}", c.index)).collect();
            tested.dedup();
            let keep = (args == ArgsPolicy::Widen) == deny.is_none();
            push_once(
                notes,
                format!(
                    "{}: tests {} besides arg{arg} of {name}, and a call's conditions test one argument: {}",
                    r.what,
                    tested.join(" and "),
                    match (deny.is_none(), keep) {
                        (true, true) => "allowed on arg{arg} alone (widened, --args widen)".to_string(),
                        (true, false) => "dropped, the call stays denied where only this rule allows it (narrowed; --args widen allows it on arg{arg} alone)".to_string(),
                        (false, true) => "denied on arg{arg} alone, with the call's action (narrowed)".to_string(),
                        (false, false) => "dropped, the call runs where only this rule denies it (widened, --args widen)".to_string(),
                    }
                    .replace("{arg}", &arg.to_string())
                ),
            );
            if !keep {
                continue;
            }
        }
        out.push(exact::ArgRule {
            order: r.order,
            deny,
            cmps: mine,
        });
    }
    exact::translate_call(&out, default, arg, abi.arg_width(nr, usize::from(arg)))
}

/// The calls of the ia32 socketcall and of clone3 carry their arguments
/// behind a pointer: where they stay allowed, the conditions on `socket`
/// or `clone` do not reach the same kernel function through them.
fn escapes(conditions: &[CondItem], denied: &SyscallSet) -> Vec<String> {
    const SOCKET_CALLS: [&str; 17] = [
        "socket",
        "bind",
        "connect",
        "listen",
        "accept",
        "getsockname",
        "getpeername",
        "socketpair",
        "sendto",
        "recvfrom",
        "shutdown",
        "setsockopt",
        "getsockopt",
        "sendmsg",
        "recvmsg",
        "accept4",
        "sendmmsg",
    ];
    let mut out = Vec::new();
    let open = |abi: Abi, name: &str| abi.lookup(name).is_some_and(|nr| !denied.contains(abi, nr));
    let on = |abi: Abi, f: &dyn Fn(&str) -> bool| {
        conditions
            .iter()
            .any(|c| c.abi == abi && c.abi.name(c.nr).is_some_and(f))
    };
    if on(Abi::Ia32, &|n| SOCKET_CALLS.contains(&n)) && open(Abi::Ia32, "socketcall") {
        out.push(
            "ia32:socketcall stays allowed: the socket calls made through it pass their arguments \
             behind its pointer, which neither seccomp nor the conditions read"
                .to_string(),
        );
    }
    for abi in Abi::ALL {
        if on(abi, &|n| n == "clone") && open(abi, "clone3") {
            out.push(format!(
                "{}clone3 stays allowed: its flags are behind a pointer (struct clone_args), which \
                 neither seccomp nor the conditions on clone read",
                if abi == Abi::Ia32 { "ia32:" } else { "" }
            ));
        }
    }
    out
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

/// Names of a set for a note: x86_64 names bare, ia32 names prefixed when
/// their x86_64 namesake is not in the set.
pub fn describe(set: &SyscallSet) -> String {
    let full = |abi: Abi| set.iter(abi).count() == abi.size();
    if Abi::ALL.into_iter().all(full) {
        return "all".to_string();
    }
    let mut out = Vec::new();
    for abi in Abi::ALL {
        if full(abi) {
            out.push(format!("{}:all", abi.prefix()));
            continue;
        }
        for nr in set.iter(abi) {
            let name = abi.name(nr).map_or(nr.to_string(), str::to_string);
            match abi {
                Abi::X86_64 => out.push(name),
                Abi::Ia32 => {
                    let shown = Abi::X86_64
                        .lookup(&name)
                        .is_some_and(|n| set.contains(Abi::X86_64, n));
                    if !shown {
                        out.push(format!("ia32:{name}"));
                    }
                }
            }
        }
    }
    out.join(" ")
}

#[cfg(test)]
#[path = "profile_tests.rs"]
mod tests;
