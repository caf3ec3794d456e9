// SPDX-License-Identifier: GPL-2.0

//! syscallsctl: the command-line tool of the syscalls cgroup controller.

mod actions;
mod block;
mod cgroup;
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

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use cgroup::{Cgroup, Hierarchy};
use error::{Context, Error, Result};
use profile::{ArgsPolicy, Options};
use set::SyscallSet;

/// Manage the syscalls cgroup controller (cgroup v1 and v2).
#[derive(Parser)]
#[command(name = "syscallsctl", version, about)]
struct Cli {
    #[command(subcommand)]
    verb: Verb,
}

#[derive(Subcommand)]
enum Verb {
    /// Translate an OCI or Docker seccomp profile and write it to a cgroup.
    Apply {
        /// The profile (JSON).
        profile: PathBuf,
        /// The cgroup directory.
        cgroup: PathBuf,
        /// Print the writes instead of making them.
        #[arg(long)]
        dry_run: bool,
        /// A capability the workload holds, for rules with caps conditions
        /// (repeatable: --cap CAP_SYS_ADMIN --cap CAP_SYS_PTRACE).
        #[arg(long = "cap", value_name = "CAP")]
        caps: Vec<String>,
        /// Rules with argument conditions: narrow keeps their calls denied,
        /// widen lets them through.
        #[arg(long, value_enum, default_value_t = ArgsPolicy::Narrow)]
        args: ArgsPolicy,
    },
    /// Print the syscalls.policy text of an OCI or Docker seccomp profile,
    /// for a runtime to write at a container's creation (the value of
    /// `linux.resources.unified["syscalls.policy"]` in a bundle).
    Policy {
        /// The profile (JSON).
        profile: PathBuf,
        /// As for apply.
        #[arg(long = "cap", value_name = "CAP")]
        caps: Vec<String>,
        /// As for apply.
        #[arg(long, value_enum, default_value_t = ArgsPolicy::Narrow)]
        args: ArgsPolicy,
    },
    /// Deny system calls: names, numbers, ranges, all, @groups, with an
    /// optional x86_64: or ia32: prefix.
    Deny {
        cgroup: PathBuf,
        #[arg(required = true)]
        items: Vec<String>,
        #[arg(long)]
        dry_run: bool,
    },
    /// Allow system calls again (fails for calls an ancestor denies).
    Allow {
        cgroup: PathBuf,
        #[arg(required = true)]
        items: Vec<String>,
        #[arg(long)]
        dry_run: bool,
    },
    /// Block a rule in several running containers at once: ITEMS (calls,
    /// or calls with an argument condition, `socket(arg0=38)`) denied
    /// below PARENT, in one of two layouts, all or nothing.
    Block {
        /// The parent cgroup of the containers.
        parent: PathBuf,
        #[arg(required = true)]
        items: Vec<String>,
        /// baseline: in PARENT's own policy, which blocks every cgroup
        /// below and which no child can lift; fanout: in each child's, so
        /// that each can be lifted alone.
        #[arg(long, value_enum)]
        layout: block::Layout,
        #[arg(long)]
        dry_run: bool,
    },
    /// Lift what block (or deny) wrote, in one cgroup: ITEMS written to its
    /// syscalls.allow. A rule an ancestor holds (a baseline) is refused,
    /// naming where to lift it.
    Lift {
        cgroup: PathBuf,
        #[arg(required = true)]
        items: Vec<String>,
        #[arg(long)]
        dry_run: bool,
    },
    /// Set what a denied call does in the cgroup (syscalls.action):
    /// `errno NAME`, `errno N` (1 to 4095) or `kill`, the default action;
    /// followed by calls (`errno ENOSYS clone3`), those calls' own action;
    /// `default CALLS` gives them the default action again.
    Action {
        cgroup: PathBuf,
        #[arg(required = true, num_args = 1.., value_name = "ACTION [CALLS]")]
        action: Vec<String>,
        #[arg(long)]
        dry_run: bool,
    },
    /// Learn the calls a command makes in a cgroup and print them.
    Record {
        cgroup: PathBuf,
        /// Start learning and return (move tasks in yourself).
        #[arg(long, conflicts_with_all = ["stop", "command"])]
        start: bool,
        /// Stop learning and print what was learned.
        #[arg(long, conflicts_with = "command")]
        stop: bool,
        /// Print an OCI seccomp profile instead of an allow list.
        #[arg(long)]
        oci: bool,
        /// The profile's defaultErrnoRet with --oci.
        #[arg(long, default_value_t = actions::ENOSYS, value_parser = clap::value_parser!(u32).range(1..=4095))]
        errno: u32,
        /// The command to run, after --.
        #[arg(last = true, value_name = "COMMAND")]
        command: Vec<String>,
    },
    /// Show a cgroup's denied calls by name, mode, action and counters.
    Show { cgroup: PathBuf },
    /// List the @group names with their descriptions and members.
    Groups {
        /// Only this group (without the @), its nested groups expanded.
        name: Option<String>,
    },
}

fn note(text: &str) {
    eprintln!("syscallsctl: note: {text}");
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

fn load_profile(path: &Path) -> Result<profile::Profile> {
    let text = std::fs::read_to_string(path).context(path.display())?;
    serde_json::from_str(&text)
        .with_context(|| format!("{}: not a seccomp profile", path.display()))
}

/// `path` without `.`, `..` or links, so that its ancestors are the
/// cgroup's.
fn absolute(path: &Path) -> Result<PathBuf> {
    std::fs::canonicalize(path).context(path.display())
}

fn run_writes(cg: &mut Cgroup, writes: &[write::Write], dry_run: bool) -> Result<()> {
    if dry_run {
        print!("{}", plan::show_writes(cg, writes));
        Ok(())
    } else {
        cgroup::apply(cg, writes)
    }
}

fn items_verb(file: &str, cgroup: &Path, items: &[String], dry_run: bool) -> Result<()> {
    let mut cg = Cgroup::open(cgroup)?;
    let writes = plan::plan_items(file, items)?;
    run_writes(&mut cg, &writes, dry_run)
}

fn run(verb: Verb) -> Result<ExitCode> {
    match verb {
        Verb::Apply {
            profile,
            cgroup,
            dry_run,
            caps,
            args,
        } => {
            let p = load_profile(&profile)?;
            let mut cg = Cgroup::open(&cgroup)?;
            let opts = Options {
                caps,
                args,
                kernel: kernel_version(),
            };
            let policy = profile::translate(&p, &opts).context(profile.display())?;
            let mut notes = policy.notes.clone();
            let writes = plan::plan_policy(&cg, &policy, &mut notes)?;
            notes.iter().for_each(|n| note(n));
            run_writes(&mut cg, &writes, dry_run)?;
        }
        Verb::Policy {
            profile,
            caps,
            args,
        } => {
            let p = load_profile(&profile)?;
            let opts = Options {
                caps,
                args,
                kernel: kernel_version(),
            };
            let policy = profile::translate(&p, &opts).context(profile.display())?;
            policy.notes.iter().for_each(|n| note(n));
            print!("{}", plan::policy_text(&policy, &SyscallSet::empty())?);
        }
        Verb::Deny {
            cgroup,
            items,
            dry_run,
        } => items_verb("syscalls.deny", &cgroup, &items, dry_run)?,
        Verb::Allow {
            cgroup,
            items,
            dry_run,
        } => items_verb("syscalls.allow", &cgroup, &items, dry_run)?,
        Verb::Block {
            parent,
            items,
            layout,
            dry_run,
        } => {
            let parent = absolute(&parent)?;
            print!(
                "{}",
                block::block(&mut Hierarchy, &parent, &items, layout, dry_run)?
            );
        }
        Verb::Lift {
            cgroup,
            items,
            dry_run,
        } => {
            let cgroup = absolute(&cgroup)?;
            print!("{}", block::lift(&mut Hierarchy, &cgroup, &items, dry_run)?);
        }
        Verb::Action {
            cgroup,
            action,
            dry_run,
        } => {
            let mut cg = Cgroup::open(&cgroup)?;
            let writes = plan::plan_action(&action)?;
            run_writes(&mut cg, &writes, dry_run)?;
        }
        Verb::Record {
            cgroup,
            start,
            stop,
            oci,
            errno,
            command,
        } => {
            let mut cg = Cgroup::open(&cgroup)?;
            let used = if start {
                record::start(&mut cg)?;
                eprintln!(
                    "syscallsctl: learning in {}; `syscallsctl record {} --stop` ends it",
                    cg.dir().display(),
                    cg.dir().display()
                );
                return Ok(ExitCode::SUCCESS);
            } else if stop {
                record::stop(&mut cg)?
            } else if command.is_empty() {
                return Err(Error::msg(
                    "record: give a command after --, or --start or --stop",
                ));
            } else {
                let (status, used) = record::run(&mut cg, &command)?;
                if !status.success() {
                    note(&format!("{} exited with {status}", command[0]));
                }
                used
            };
            if oci {
                let mut notes = Vec::new();
                let json = record::oci_profile(&used, errno, &mut notes);
                notes.iter().for_each(|n| note(n));
                print!("{json}");
            } else {
                print!("{}", record::allow_list(&used));
            }
        }
        Verb::Show { cgroup } => {
            let cg = Cgroup::open(&cgroup)?;
            print!("{}", show::show(&cg)?);
        }
        Verb::Groups { name } => {
            let all = groups::all();
            for (n, g) in &all {
                if name
                    .as_deref()
                    .is_some_and(|want| want.trim_start_matches('@') != n)
                {
                    continue;
                }
                let members = match name {
                    Some(_) => groups::expand(n)?,
                    None => g.members.clone(),
                };
                println!("@{n}\n    # {}\n    {}", g.description, members.join(" "));
            }
            if let Some(want) = name {
                if !all.contains_key(want.trim_start_matches('@')) {
                    return Err(Error::msg(format!(
                        "`@{}`: no such group",
                        want.trim_start_matches('@')
                    )));
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    // SAFETY: restoring the default action of SIGPIPE, before any thread
    // starts, so that `syscallsctl groups | head` ends quietly.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
    let cli = Cli::parse();
    match run(cli.verb) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("syscallsctl: {e}");
            ExitCode::FAILURE
        }
    }
}
