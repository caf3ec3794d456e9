// SPDX-License-Identifier: GPL-2.0

//! syscallsctl: the command-line tool of the syscalls cgroup controller.

mod apply;
mod cgroup;
mod error;
#[cfg(test)]
mod fake;
mod groups;
mod profile;
mod set;
mod table;

fn main() {}
