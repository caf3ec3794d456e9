// SPDX-License-Identifier: GPL-2.0

//! `syscallsctl allow [--dry-run] CGROUP ITEM...`: items written to the
//! cgroup's `syscalls.allow`.

use std::path::PathBuf;

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
    super::write_items("syscalls.allow", &args.cgroup, &args.items, args.dry_run)
}
