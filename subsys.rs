// SPDX-License-Identifier: GPL-2.0

//! The `syscalls` cgroup subsystem, on the [`crate::cgroup`] abstraction:
//! its interface files and what a read of each prints, and what it does
//! when the cgroup core calls. Writes go to [`crate::controller`].

use kernel::alloc::flags::GFP_KERNEL_ACCOUNT;
use kernel::{prelude::*, task::Task};

use crate::cgroup::adapter::FirstCall;
use crate::cgroup::{CgroupSubsys, CssState, FileSpec, OpenFile, Taskset};
use crate::controller;
use crate::cred::Identity;
use crate::denial;
use crate::format;
use crate::group::{Group, Writer, EVENTS_FILE, EVENTS_LOCAL_FILE};
use crate::policy::{Author, Rule};
use crate::sync::{smp_mb, RcuGuard};
use crate::task::mark_task;

/// An interface file of the controller, `syscalls.NAME`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum File {
    /// `syscalls.allow`: the calls the cgroup allows.
    Allow,
    /// `syscalls.deny`: the calls the cgroup denies.
    Deny,
    /// `syscalls.mode`: `enforce` or `log`.
    Mode,
    /// `syscalls.action`: `errno NAME`, `errno N` or `kill`.
    Action,
    /// `syscalls.learn`: `0` or `1`.
    Learn,
    /// `syscalls.policy`: the cgroup's whole own policy, replaced at once.
    Policy,
    /// `syscalls.arm`: `inherit`, `now` or `exec`.
    Arm,
    /// `syscalls.events`: denials in the subtree.
    Events,
    /// `syscalls.events.local`: denials in the cgroup itself.
    EventsLocal,
    /// `syscalls.stat`: denials in the subtree, per call.
    Stat,
    /// `syscalls.used`: the calls made while learning.
    Used,
    /// `syscalls.unarmed`: the tasks that the cgroup's rules wait for.
    Unarmed,
}

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
        denial::init();
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
        show(group, file)
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

/// What a read of `file` prints.
fn show(group: &Group, file: File) -> Result<KVec<u8>> {
    match file {
        File::Allow => show_rules(group, Rule::Allow),
        File::Deny => show_rules(group, Rule::Deny),
        File::Mode | File::Action | File::Learn | File::Policy | File::Arm => {
            show_setting(group, file)
        }
        File::Events | File::EventsLocal | File::Stat | File::Used | File::Unarmed => {
            show_read_only(group, file)
        }
    }
}

/// What a read of the file of `rule` prints: the effective set for
/// `syscalls.deny`, its complement for `syscalls.allow`.
fn show_rules(group: &Group, rule: Rule) -> Result<KVec<u8>> {
    let denied = group.effective_set();
    match rule {
        Rule::Deny => {
            let tests = group.tests_for_read();
            let tests = tests.as_deref().map_or(&[][..], |t| &t.all[..]);
            format::denied(&denied, tests.iter())
        }
        Rule::Allow => format::set(&denied.complement()),
    }
}

/// What a read of `file`, a file of settings, prints.
fn show_setting(group: &Group, file: File) -> Result<KVec<u8>> {
    group.with_own(|rules, learn| match file {
        File::Mode => format::mode(rules.all.mode),
        File::Action => format::actions(rules.all.action, &rules.all.overrides),
        File::Learn => format::switch(learn),
        File::Arm => format::arm(group.arm()),
        File::Policy => format::policy(
            &rules.all.denied,
            &rules.all.conditions,
            rules.all.mode,
            rules.all.action,
            &rules.all.overrides,
        ),
        _ => Err(EINVAL),
    })
}

/// What a read of `file`, a read-only file, prints.
fn show_read_only(group: &Group, file: File) -> Result<KVec<u8>> {
    let (subtree, local) = group.denials();
    match file {
        File::Events => format::events(subtree),
        File::EventsLocal => format::events(local),
        File::Stat => {
            let counts = group.denials_by_call()?;
            format::stat(counts.iter().copied().enumerate().filter(|&(_, n)| n != 0))
        }
        File::Used => {
            // Calls outside the rules cannot be written to `syscalls.allow`.
            let mut used = group.used();
            used.subtract(&crate::names::outside_rules());
            format::set(&used)
        }
        File::Unarmed => {
            let ids = group.unarmed_tasks()?;
            format::ids(ids.iter().copied())
        }
        _ => Err(EINVAL),
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
