// SPDX-License-Identifier: GPL-2.0

//! The verbs of the command line, one module each: its arguments (an
//! `Args` struct) and `run`, which does what the verb says with the
//! modules below and returns an [`Error`](crate::error::Error) for `main`
//! to print.

use std::path::{Path, PathBuf};

use clap::Subcommand;

use crate::cgroup::{self, Cgroup};
use crate::error::{Context, Result};
use crate::plan;
use crate::profile::{self, Profile};
use crate::table;
use crate::write::Write;

mod action;
mod allow;
mod apply;
mod block;
mod deny;
mod groups;
mod lift;
mod policy;
mod record;
mod show;

#[derive(Subcommand)]
pub enum Command {
    /// Translate an OCI or Docker seccomp profile and write it to a cgroup.
    Apply(apply::Args),
    /// Print the syscalls.policy text of an OCI or Docker seccomp profile,
    /// for a runtime to write at a container's creation (the value of
    /// `linux.resources.unified["syscalls.policy"]` in a bundle).
    Policy(policy::Args),
    /// Deny system calls: names, numbers, ranges, all, @groups, with an
    /// optional x86_64: or ia32: prefix.
    Deny(deny::Args),
    /// Allow system calls again (fails for calls an ancestor denies).
    Allow(allow::Args),
    /// Block a rule in several running containers at once: ITEMS (calls,
    /// or calls with an argument condition, `socket(arg0=38)`) denied
    /// below PARENT, in one of two layouts, all or nothing.
    Block(block::Args),
    /// Lift what block (or deny) wrote, in one cgroup: ITEMS written to its
    /// syscalls.allow. A rule an ancestor holds (a baseline) is refused,
    /// naming where to lift it.
    Lift(lift::Args),
    /// Set what a denied call does in the cgroup (syscalls.action):
    /// `errno NAME`, `errno N` (1 to 4095) or `kill`, the default action;
    /// followed by calls (`errno ENOSYS clone3`), those calls' own action;
    /// `default CALLS` gives them the default action again.
    Action(action::Args),
    /// Learn the calls a command makes in a cgroup and print them.
    Record(record::Args),
    /// Show a cgroup's denied calls by name, mode, action and counters.
    Show(show::Args),
    /// List the @group names with their descriptions and members.
    Groups(groups::Args),
}

impl Command {
    pub fn run(self) -> Result<()> {
        match self {
            Command::Apply(args) => apply::run(args),
            Command::Policy(args) => policy::run(args),
            Command::Deny(args) => deny::run(args),
            Command::Allow(args) => allow::run(args),
            Command::Block(args) => block::run(args),
            Command::Lift(args) => lift::run(args),
            Command::Action(args) => action::run(args),
            Command::Record(args) => record::run(args),
            Command::Show(args) => show::run(args),
            Command::Groups(args) => groups::run(args),
        }
    }
}

/// Prints `text` on stderr as a note: what was approximated, skipped or
/// found on the way.
fn note(text: &str) {
    eprintln!("syscallsctl: note: {text}");
}

/// The seccomp profile at `path`.
pub(crate) fn load_profile(path: &Path) -> Result<Profile> {
    let text = std::fs::read_to_string(path).context(path.display())?;
    serde_json::from_str(&text)
        .with_context(|| format!("{}: not a seccomp profile", path.display()))
}

/// The running kernel's version, for Docker's minKernel.
fn kernel_version() -> (u32, u32) {
    std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .ok()
        .and_then(|r| profile::parse_version(r.trim()))
        .unwrap_or_else(|| {
            note(&format!(
                "cannot read the kernel version: minKernel conditions are taken as {}, the tables' kernel",
                table::TABLES_KERNEL
            ));
            profile::tables_kernel()
        })
}

/// `path` without `.`, `..` or links, so that its ancestors are the
/// cgroup's.
fn absolute(path: &Path) -> Result<PathBuf> {
    std::fs::canonicalize(path).context(path.display())
}

/// Carries out `writes` in `cg`, all or nothing, or with `dry_run` prints
/// them instead.
fn run_writes(cg: &mut Cgroup, writes: &[Write], dry_run: bool) -> Result<()> {
    if dry_run {
        print!("{}", plan::show_writes(cg, writes));
        Ok(())
    } else {
        cgroup::apply(cg, writes)
    }
}

/// `deny` and `allow`: `items` written to `file` of the cgroup at `dir`.
fn write_items(file: &str, dir: &Path, items: &[String], dry_run: bool) -> Result<()> {
    let mut cg = Cgroup::open(dir)?;
    let writes = plan::plan_items(file, items)?;
    run_writes(&mut cg, &writes, dry_run)
}
