// SPDX-License-Identifier: GPL-2.0

//! `syscallsctl show CGROUP`: a cgroup's policy by name, its mode, actions
//! and counters.

use std::path::PathBuf;

use crate::cgroup::Cgroup;
use crate::error::Result;
use crate::show;

#[derive(clap::Args)]
pub struct Args {
    cgroup: PathBuf,
}

pub fn run(args: Args) -> Result<()> {
    let cg = Cgroup::open(&args.cgroup)?;
    print!("{}", show::show(&cg)?);
    Ok(())
}
