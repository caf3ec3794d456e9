// SPDX-License-Identifier: GPL-2.0

//! syscallsctl: the out-of-tree companion tool of the syscalls cgroup
//! controller (not part of the kernel series), on the command line.
//!
//! `commands` holds the verbs, one module each; below them, `plan` plans
//! the writes, `cgroup` carries them out all or nothing, `profile` (with
//! `exact`) translates seccomp profiles, `block`, `record` and `show` do
//! the work of their verbs, and `actions`, `set`, `cond`, `groups` and
//! `table` model what the controller's files hold.

mod actions;
mod block;
mod cgroup;
mod commands;
mod cond;
mod error;
mod exact;
#[cfg(test)]
mod fake;
mod groups;
mod plan;
mod profile;
mod record;
mod set;
mod show;
mod table;
mod write;

use std::process::ExitCode;

use clap::Parser;

/// Out-of-tree companion tool of the syscalls cgroup controller (cgroup v1
/// and v2), not part of the kernel series: apply OCI seccomp profiles,
/// record, show.
#[derive(Parser)]
#[command(name = "syscallsctl", version)]
struct Cli {
    #[command(subcommand)]
    command: commands::Command,
}

fn main() -> ExitCode {
    // SAFETY: restoring the default action of SIGPIPE, before any thread
    // starts, so that `syscallsctl groups | head` ends quietly.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
    let cli = Cli::parse();
    match cli.command.run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("syscallsctl: {e}");
            ExitCode::FAILURE
        }
    }
}
