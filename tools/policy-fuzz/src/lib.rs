// SPDX-License-Identifier: GPL-2.0

//! The `syscalls` controller's safe-Rust policy modules, built unchanged
//! for userspace over a stand-in for the `kernel` crate (`kernel/`), so
//! that they can be property-tested against an independent model of the
//! rules of `Documentation/admin-guide/cgroup-v1/syscalls.rst` and of
//! section 5 of `Documentation/admin-guide/cgroup-v2-syscalls.rst`.
//!
//! The modules are the controller's own files, by path: [`grammar`],
//! [`policy`], [`cond`], [`set`], [`names`] and [`abi`], with the tables
//! that `asm/gen_tables.sh` and `asm/gen_widths.sh` generate from the
//! kernel tree (see `build.rs`).
//! The properties and the model are in `tests/`; they are unit tests of
//! this crate because the modules' items are crate-private, as in the
//! kernel.

// The controller's other modules use what the tests here do not.
#![allow(dead_code)]

// The controller's files are formatted by the kernel's rustfmt check
// (`make rustfmtcheck`), not by this crate's `cargo fmt`.

#[path = "../../../asm/abi.rs"]
#[rustfmt::skip]
mod abi;
#[path = "../../../action.rs"]
#[rustfmt::skip]
mod action;
#[path = "../../../cond.rs"]
#[rustfmt::skip]
mod cond;
#[path = "../../../format.rs"]
#[rustfmt::skip]
mod format;
#[path = "../../../grammar.rs"]
#[rustfmt::skip]
mod grammar;
#[path = "../../../judge.rs"]
#[rustfmt::skip]
mod judge;
#[path = "../../../names.rs"]
#[rustfmt::skip]
mod names;
#[path = "../../../policy.rs"]
#[rustfmt::skip]
mod policy;
#[path = "../../../set.rs"]
#[rustfmt::skip]
mod set;

#[cfg(test)]
#[path = "../tests/model.rs"]
mod model;
#[cfg(test)]
#[path = "../tests/properties.rs"]
mod properties;
