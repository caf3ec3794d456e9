// SPDX-License-Identifier: GPL-2.0

//! The `syscalls` cgroup controller: deny or allow individual system calls
//! for every task of a cgroup, changeable while the tasks run.
//!
//! Each cgroup has `syscalls.allow` and `syscalls.deny` (cgroup v1). A
//! cgroup's effective set of denied calls is its own rules joined with its
//! parent's, kept precomputed for the whole subtree. Tasks whose cgroup
//! denies something carry `SYSCALL_WORK_CGROUP_SYSCALLS`, and
//! `syscall_trace_enter()` asks [`cgroup::__syscalls_cgroup_enter`] about
//! their calls; every other task runs the system call path unchanged.
//!
//! The layers, each in its own file: [`cgroup`], [`sync`] and [`kunit`]
//! bind the C APIs (the `unsafe` is there); [`controller`], [`policy`],
//! [`parse`], [`set`] and [`names`] are safe Rust; [`abi`] is the x86 glue
//! (the ABI of a call, the index clamp against speculation, the return
//! value of a denied call) with the tables generated from the kernel's own.
//!
//! C header: [`include/linux/syscalls_cgroup.h`](srctree/include/linux/syscalls_cgroup.h)
//! Documentation: `Documentation/admin-guide/cgroup-v1/syscalls.rst`

/// The prefix of the controller's kernel messages (`module!` would make it).
const __LOG_PREFIX: &[u8] = b"syscalls_cgroup\0";

#[path = "asm/x86.rs"]
mod abi;
pub mod cgroup;
mod controller;
#[cfg(CONFIG_CGROUP_SYSCALLS_KUNIT_TEST)]
mod kunit;
mod names;
mod parse;
mod policy;
mod set;
mod sync;
#[cfg(CONFIG_CGROUP_SYSCALLS_KUNIT_TEST)]
mod tests;
