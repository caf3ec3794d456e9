// SPDX-License-Identifier: GPL-2.0

//! OCI and Docker seccomp profiles: their JSON, and their translation into
//! the controller's policy (one deny set, one mode, a default action and up
//! to eight actions for particular calls), with a note for every rule that
//! the translation approximates.
//!
//! `rules` says what one rule means (its action, the ABIs and workloads it
//! applies to), `translate` makes the policy of the whole profile, and
//! `args` the exact conditions of the rules on a call's arguments.

use serde::{Deserialize, Serialize};

use crate::actions::Action;
use crate::cond::CondItem;
use crate::set::SyscallSet;
use crate::table::{self, Abi};

mod args;
mod rules;
mod translate;

pub use translate::translate;

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
    /// from `action`: at most [`MAX_PER_CALL`](crate::actions::MAX_PER_CALL),
    /// in the order of [`Action`], each call in one set at most.
    pub per_call: Vec<(Action, SyscallSet)>,
    /// What was approximated or skipped, one line each, for stderr.
    pub notes: Vec<String>,
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
use crate::actions::{ENOSYS, EPERM};

#[cfg(test)]
#[path = "profile_real_tests.rs"]
mod real_tests;
#[cfg(test)]
#[path = "profile_tests.rs"]
mod tests;
