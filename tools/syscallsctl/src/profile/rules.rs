// SPDX-License-Identifier: GPL-2.0

//! What one rule of a profile means here: its action, seccomp's precedence
//! of it, the ABIs the profile covers, and whether Docker's `includes` and
//! `excludes` let the rule apply to the workload; an applicable rule as
//! the translation keeps it.

use super::{parse_version, Options, Profile, Rule};
use crate::actions::{Action, ENOSYS, EPERM};
use crate::set::SyscallSet;
use crate::table::Abi;

/// What a seccomp action means here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Allow,
    Log,
    Deny(Action),
}

pub(super) fn kind(
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

/// seccomp's precedence of an action, the higher winning when several
/// rules match a call (the kernel's order, which libseccomp follows;
/// `SCMP_ACT_KILL` is `SCMP_ACT_KILL_THREAD`).
pub(super) fn precedence(action: &str) -> u8 {
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

/// The ABIs whose calls the profile covers.
pub(super) fn abis(p: &Profile, notes: &mut Vec<String>) -> Vec<Abi> {
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
pub(super) fn applies(rule: &Rule, opts: &Options, what: &str, notes: &mut Vec<String>) -> bool {
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

pub(super) fn rule_title(i: usize, rule: &Rule, names: &[String]) -> String {
    let mut shown: Vec<&str> = names.iter().take(4).map(String::as_str).collect();
    if names.len() > 4 {
        shown.push("...");
    }
    format!("rule {} ({} {})", i + 1, rule.action, shown.join(" "))
}

/// An applicable rule: its place and title, what it does, seccomp's
/// precedence of its action, the calls it names and its `args`.
pub(super) struct Applied {
    pub(super) order: usize,
    pub(super) what: String,
    pub(super) kind: Kind,
    pub(super) rank: u8,
    pub(super) calls: SyscallSet,
    pub(super) args: Vec<serde_json::Value>,
}

/// Adds `note` unless it is there already.
pub(super) fn push_once(notes: &mut Vec<String>, note: String) {
    if !notes.contains(&note) {
        notes.push(note);
    }
}
