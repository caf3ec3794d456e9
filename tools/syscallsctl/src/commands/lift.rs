// SPDX-License-Identifier: GPL-2.0

//! `syscallsctl lift [--dry-run] CGROUP ITEM...`: a block taken back in
//! one cgroup.

use std::path::PathBuf;

use crate::block;
use crate::cgroup::Hierarchy;
use crate::error::Result;

#[derive(clap::Args)]
pub struct Args {
    cgroup: PathBuf,
    #[arg(required = true)]
    items: Vec<String>,
    #[arg(long)]
    dry_run: bool,
}

pub fn run(args: Args) -> Result<()> {
    let cgroup = super::absolute(&args.cgroup)?;
    print!(
        "{}",
        block::lift(&mut Hierarchy, &cgroup, &args.items, args.dry_run)?
    );
    Ok(())
}
