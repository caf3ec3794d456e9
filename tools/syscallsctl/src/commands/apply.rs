// SPDX-License-Identifier: GPL-2.0

//! `syscallsctl apply [--dry-run] [--cap CAP]... [--args narrow|widen]
//! PROFILE CGROUP`: a seccomp profile translated and written to a cgroup.

use std::path::PathBuf;

use crate::cgroup::Cgroup;
use crate::error::{Context, Result};
use crate::plan;
use crate::profile::{self, ArgsPolicy, Options};

#[derive(clap::Args)]
pub struct Args {
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
}

pub fn run(args: Args) -> Result<()> {
    let p = super::load_profile(&args.profile)?;
    let mut cg = Cgroup::open(&args.cgroup)?;
    let opts = Options {
        caps: args.caps,
        args: args.args,
        kernel: super::kernel_version(),
    };
    let policy = profile::translate(&p, &opts).context(args.profile.display())?;
    let mut notes = policy.notes.clone();
    let writes = plan::plan_policy(&cg, &policy, &mut notes)?;
    notes.iter().for_each(|n| super::note(n));
    super::run_writes(&mut cg, &writes, args.dry_run)
}
