// SPDX-License-Identifier: GPL-2.0

//! `syscallsctl groups [NAME]`: the `@group`s with their descriptions and
//! members.

use crate::error::{Error, Result};
use crate::groups;

#[derive(clap::Args)]
pub struct Args {
    /// Only this group (without the @), its nested groups expanded.
    name: Option<String>,
}

pub fn run(args: Args) -> Result<()> {
    let want = args.name.as_deref().map(|n| n.trim_start_matches('@'));
    let all = groups::all();
    for (n, g) in &all {
        if want.is_some_and(|want| want != n) {
            continue;
        }
        let members = match want {
            Some(_) => groups::expand(n)?,
            None => g.members.clone(),
        };
        println!("@{n}\n    # {}\n    {}", g.description, members.join(" "));
    }
    match want {
        Some(want) if !all.contains_key(want) => {
            Err(Error::msg(format!("`@{want}`: no such group")))
        }
        _ => Ok(()),
    }
}
