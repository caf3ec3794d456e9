// SPDX-License-Identifier: GPL-2.0

//! `syscallsctl policy [--cap CAP]... [--args narrow|widen] PROFILE`: the
//! `syscalls.policy` text of a seccomp profile, for a runtime to write.

use std::path::PathBuf;

use crate::error::{Context, Result};
use crate::plan;
use crate::profile::{self, ArgsPolicy, Options};
use crate::set::SyscallSet;

#[derive(clap::Args)]
pub struct Args {
    /// The profile (JSON).
    profile: PathBuf,
    /// As for apply.
    #[arg(long = "cap", value_name = "CAP")]
    caps: Vec<String>,
    /// As for apply.
    #[arg(long, value_enum, default_value_t = ArgsPolicy::Narrow)]
    args: ArgsPolicy,
}

pub fn run(args: Args) -> Result<()> {
    let p = super::load_profile(&args.profile)?;
    let opts = Options {
        caps: args.caps,
        args: args.args,
        kernel: super::kernel_version(),
    };
    let policy = profile::translate(&p, &opts).context(args.profile.display())?;
    policy.notes.iter().for_each(|n| super::note(n));
    print!("{}", plan::policy_text(&policy, &SyscallSet::empty())?);
    Ok(())
}
