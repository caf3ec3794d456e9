// SPDX-License-Identifier: GPL-2.0

//! `syscallsctl block [--dry-run] --layout baseline|fanout PARENT ITEM...`:
//! a rule denied in every container below PARENT at once.

use std::path::PathBuf;

use crate::block::{self, Layout};
use crate::cgroup::Hierarchy;
use crate::error::Result;

#[derive(clap::Args)]
pub struct Args {
    /// The parent cgroup of the containers.
    parent: PathBuf,
    #[arg(required = true)]
    items: Vec<String>,
    /// baseline: in PARENT's own policy, which blocks every cgroup
    /// below and which no child can lift; fanout: in each child's, so
    /// that each can be lifted alone.
    #[arg(long, value_enum)]
    layout: Layout,
    #[arg(long)]
    dry_run: bool,
}

pub fn run(args: Args) -> Result<()> {
    let parent = super::absolute(&args.parent)?;
    print!(
        "{}",
        block::block(
            &mut Hierarchy,
            &parent,
            &args.items,
            args.layout,
            args.dry_run
        )?
    );
    Ok(())
}
