// SPDX-License-Identifier: GPL-2.0

//! `syscallsctl record CGROUP [--oci [--errno N]] -- COMMAND...` (or
//! `--start`, `--stop`): the calls a command makes, learned in a cgroup.

use std::path::PathBuf;

use crate::actions::ENOSYS;
use crate::cgroup::Cgroup;
use crate::error::{Error, Result};
use crate::record;

#[derive(clap::Args)]
pub struct Args {
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
    #[arg(long, default_value_t = ENOSYS, value_parser = clap::value_parser!(u32).range(1..=4095))]
    errno: u32,
    /// The command to run, after --.
    #[arg(last = true, value_name = "COMMAND")]
    command: Vec<String>,
}

pub fn run(args: Args) -> Result<()> {
    let mut cg = Cgroup::open(&args.cgroup)?;
    let used = if args.start {
        record::start(&mut cg)?;
        eprintln!(
            "syscallsctl: learning in {}; `syscallsctl record {} --stop` ends it",
            cg.dir().display(),
            cg.dir().display()
        );
        return Ok(());
    } else if args.stop {
        record::stop(&mut cg)?
    } else if args.command.is_empty() {
        return Err(Error::msg(
            "record: give a command after --, or --start or --stop",
        ));
    } else {
        let (status, used) = record::run(&mut cg, &args.command)?;
        if !status.success() {
            super::note(&format!("{} exited with {status}", args.command[0]));
        }
        used
    };
    if args.oci {
        let mut notes = Vec::new();
        let json = record::oci_profile(&used, args.errno, &mut notes);
        notes.iter().for_each(|n| super::note(n));
        print!("{json}");
    } else {
        print!("{}", record::allow_list(&used));
    }
    Ok(())
}
