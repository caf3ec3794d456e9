// SPDX-License-Identifier: GPL-2.0

//! `syscallsctl action [--dry-run] CGROUP ACTION [CALLS...]`: what a
//! denied call does in the cgroup (`syscalls.action`).

use std::path::PathBuf;

use crate::cgroup::Cgroup;
use crate::error::Result;
use crate::plan;

#[derive(clap::Args)]
pub struct Args {
    cgroup: PathBuf,
    #[arg(required = true, num_args = 1.., value_name = "ACTION [CALLS]")]
    action: Vec<String>,
    #[arg(long)]
    dry_run: bool,
}

pub fn run(args: Args) -> Result<()> {
    let mut cg = Cgroup::open(&args.cgroup)?;
    let writes = plan::plan_action(&args.action)?;
    super::run_writes(&mut cg, &writes, args.dry_run)
}
