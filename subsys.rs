// SPDX-License-Identifier: GPL-2.0

//! The `syscalls` cgroup subsystem: its files and what it does when the
//! cgroup core calls, on the [`crate::cgroup`] abstraction.

use kernel::alloc::flags::GFP_KERNEL_ACCOUNT;
use kernel::{prelude::*, task::Task};

use crate::cgroup::adapter::FirstCall;
use crate::cgroup::{CgroupSubsys, CssState, FileSpec, OpenFile, Taskset};
use crate::controller::{self, File};
use crate::cred::Identity;
use crate::group::{Group, Writer, EVENTS_FILE, EVENTS_LOCAL_FILE};
use crate::policy::Author;
use crate::report;
use crate::sync::{smp_mb, RcuGuard};
use crate::task::mark_task;

/// The `syscalls` controller.
pub(crate) struct Syscalls;

/// A file `syscalls.NAME`, read-only unless `writable`.
const fn spec(name: &'static str, file: File, writable: bool) -> FileSpec<File> {
    FileSpec {
        name,
        file,
        writable,
        notified: None,
        dfl_only: false,
    }
}

impl CgroupSubsys for Syscalls {
    type State = Group;
    type File = File;

    const FILES: &'static [FileSpec<File>] = &[
        spec("allow", File::Allow, true),
        spec("deny", File::Deny, true),
        spec("mode", File::Mode, true),
        spec("action", File::Action, true),
        spec("learn", File::Learn, true),
        spec("used", File::Used, false),
        spec("stat", File::Stat, false),
        FileSpec {
            notified: Some(EVENTS_FILE),
            ..spec("events", File::Events, false)
        },
        spec("policy", File::Policy, true),
        spec("arm", File::Arm, true),
        spec("unarmed", File::Unarmed, false),
        FileSpec {
            notified: Some(EVENTS_LOCAL_FILE),
            dfl_only: true,
            ..spec("events.local", File::EventsLocal, false)
        },
    ];

    // Threads of one process may be in different cgroups of a threaded
    // subtree.
    const THREADED: bool = true;

    fn init(first: &FirstCall) {
        // The writers' mutex and the log's rate limit.
        Writer::init(first);
        report::init();
    }

    fn css_alloc(_parent: Option<&Group>) -> Result<Pin<KBox<Group>>> {
        // The creator of the cgroup pays for it, in its memory cgroup; what
        // it needs per system call comes only when it filters.
        KBox::pin_init(Group::new(), GFP_KERNEL_ACCOUNT)
    }

    fn css_online(group: &Group) -> Result {
        controller::css_online(group)
    }

    fn css_offline(group: &Group) {
        controller::css_offline(group);
    }

    fn bind(root: &Group) {
        controller::bind(root);
    }

    fn attach(tasks: &Taskset<'_, Group>) {
        // The core moved the tasks before calling: order that before the
        // bits, which a task clearing its own bit checks against its css.
        smp_mb();
        tasks.for_each(|task, group| {
            if group.is_filtering() {
                mark_task(task);
            }
        });
    }

    fn fork(task: &Task) {
        smp_mb();
        let rcu = RcuGuard::new();
        // `rcu` keeps the task's group alive even if it migrates.
        if Group::of_task(task, &rcu).is_filtering() {
            mark_task(task);
        }
    }

    fn show(group: &Group, file: File) -> Result<KVec<u8>> {
        controller::show(group, file)
    }

    fn write(group: &Group, file: File, input: &[u8], of: &OpenFile<'_>) -> Result {
        let (author, who) = if of.by_admin() {
            (Author::Admin, None)
        } else {
            (Author::Delegatee, Some(Identity::of_write(of)))
        };
        controller::write(group, file, input, author, who.as_ref())
    }
}

/// Whether the subsystem says it is threaded, as the cgroup core reads it.
#[cfg(CONFIG_CGROUP_SYSCALLS_KUNIT_TEST)]
pub(crate) fn is_threaded() -> bool {
    syscalls_cgrp_subsys.is_threaded()
}

crate::cgroup::adapter::cgroup_subsys!(
    /// The `syscalls` cgroup subsystem.
    syscalls_cgrp_subsys: Syscalls
);
