// SPDX-License-Identifier: GPL-2.0

//! The `syscalls` cgroup controller: deny or allow individual system calls
//! for every task of a cgroup, changeable while the tasks run.
//!
//! Each cgroup has `syscalls.allow` and `syscalls.deny`, the `syscalls.mode`
//! and `syscalls.action` of its denies, denial counters
//! (`syscalls.events`, `syscalls.stat`) and a learning record
//! (`syscalls.learn`, `syscalls.used`). A
//! cgroup's effective set of denied calls is its own rules joined with its
//! parent's, kept precomputed for the whole subtree. Tasks whose cgroup
//! denies something carry `SYSCALL_WORK_CGROUP_SYSCALLS`, and
//! `syscall_trace_enter()` checks their calls (`syscalls_cgroup_enter()`
//! in the C header, then [`check`]); every other task runs the system call
//! path unchanged.
//!
//! The layers, each in its own file. The binding layer holds every
//! `unsafe`: [`cgroup`] (a cgroup subsystem from a trait: the css, the
//! walks, the trampolines and the file tables), [`sync`] (the writers'
//! mutex, RCU, the seqlock), the C state of a group and what it publishes
//! beside it (`group::state`, `group::calls`), [`cred`] (the creds of
//! delegatees and their power over a task), [`task`], [`denial`] (the log
//! line, the audit record and the events notification), [`check`] (the
//! system call check past its inline allowed path, and the C entry
//! points) and [`kunit`]. Above it, safe Rust: [`subsys`] (the files and
//! what a read prints), [`controller`] (what a write or a new cgroup
//! does), [`group`] (a cgroup's state, its reads and its one writer),
//! [`policy`] (the hierarchy rules), [`action`] (what a denial does),
//! [`cond`] and [`judge`] (conditions on a call's arguments), [`grammar`]
//! and [`format`] (what writes take and reads print), [`set`] and
//! [`names`]; [`abi`] is the x86 glue, with the tables and the arguments'
//! widths generated from the kernel's own.
//!
//! C header: [`include/linux/syscalls_cgroup.h`](srctree/include/linux/syscalls_cgroup.h)
//! Documentation: `Documentation/admin-guide/cgroup-v2-syscalls.rst`

// `pin_init!` of a `Group`, with its many fields, nests deeper than the
// default limit of macro expansion.
#![recursion_limit = "256"]

/// The prefix of the controller's kernel messages (`module!` would make it).
const __LOG_PREFIX: &[u8] = b"syscalls_cgroup\0";

#[path = "asm/abi.rs"]
mod abi;
mod action;
#[cfg(CONFIG_CGROUP_SYSCALLS_KUNIT_TEST)]
mod action_tests;
pub mod cgroup;
pub mod check;
mod cond;
#[cfg(CONFIG_CGROUP_SYSCALLS_KUNIT_TEST)]
mod cond_tests;
mod controller;
mod cred;
mod denial;
mod format;
mod grammar;
mod group;
mod judge;
#[cfg(CONFIG_CGROUP_SYSCALLS_KUNIT_TEST)]
mod kunit;
mod names;
mod policy;
#[cfg(CONFIG_CGROUP_SYSCALLS_KUNIT_TEST)]
mod policy_tests;
mod set;
pub mod subsys;
mod sync;
mod task;
#[cfg(CONFIG_CGROUP_SYSCALLS_KUNIT_TEST)]
mod tests;
