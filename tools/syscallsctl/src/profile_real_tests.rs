// SPDX-License-Identifier: GPL-2.0

//! The translation of the real default profiles of Docker and Podman,
//! which are upstream data and not kept here: each test reads the file an
//! environment variable names when the tests are built, and is ignored,
//! with the reason, without it.

use super::tests::{allowed, noted, opts};
use super::*;
use crate::cond;

/// Docker's real default profile (moby's profiles/seccomp/default.json, as
/// Debian ships it), named by `SYSCALLS_DOCKER_PROFILE`: scripts/test.sh
/// sets it to what scripts/profiles.sh fetched. Without it the test is
/// ignored, with the reason, rather than passing.
#[test]
#[cfg_attr(
    not(docker_profile),
    ignore = "SYSCALLS_DOCKER_PROFILE is not set: run scripts/profiles.sh and set it to the path it prints"
)]
fn docker_real_default_profile() {
    use crate::cgroup::apply;
    use crate::fake::FakeCgroup;
    use crate::plan::plan_policy;
    use crate::write::Write;

    let path = std::env::var("SYSCALLS_DOCKER_PROFILE")
        .expect("SYSCALLS_DOCKER_PROFILE was set when the tests were built, not now");
    // Through the loader of `syscallsctl apply`.
    let profile = crate::commands::load_profile(std::path::Path::new(&path))
        .unwrap_or_else(|e| panic!("{}", e.0));
    assert_eq!(profile.default_action, "SCMP_ACT_ERRNO");
    // Docker 20.10's profile has no defaultErrnoRet (EPERM, as runc and
    // crun take it); later ones say 1.
    assert!(matches!(profile.default_errno_ret, None | Some(1)));
    let rules = profile.syscalls.as_deref().unwrap_or_default();
    assert!(
        rules.len() > 10,
        "{} rules: not Docker's profile?",
        rules.len()
    );
    let with = |f: fn(&Rule) -> bool| rules.iter().any(f);
    assert!(with(|r| r.args.is_some()), "no rule with args");
    assert!(with(|r| r
        .includes
        .as_ref()
        .is_some_and(|f| f.arches.is_some())));
    assert!(with(|r| r
        .includes
        .as_ref()
        .is_some_and(|f| f.caps.is_some())));
    assert!(with(|r| r
        .excludes
        .as_ref()
        .is_some_and(|f| f.caps.is_some())));
    assert!(with(|r| r
        .includes
        .as_ref()
        .is_some_and(|f| f.min_kernel.is_some())));

    let p = translate(&profile, &opts()).unwrap();
    assert!(p.deny_by_default && !p.log);
    assert_eq!(p.action, Action::Errno(EPERM));
    // archMap's SCMP_ARCH_X86_64 entry covers both ABIs and x32.
    assert!(!noted(&p, "does not cover"), "{:#?}", p.notes);
    assert!(!noted(&p, "no SCMP_ARCH_X32"), "{:#?}", p.notes);
    for name in [
        "read",
        "write",
        "openat",
        "close",
        "execve",
        "mmap",
        "brk",
        "fork",
        "vfork",
        "wait4",
        "pipe2",
        "mkdir",
        "rmdir",
        "getdents64",
        "geteuid",
        "exit_group",
        "ptrace",
    ] {
        assert_eq!(allowed(&p, name), (true, true), "{name}");
    }
    // Names of one table only, and the arch includes for amd64.
    assert_eq!(allowed(&p, "socketcall"), (false, true));
    assert_eq!(allowed(&p, "mmap2"), (false, true));
    assert_eq!(allowed(&p, "arch_prctl"), (true, true));
    assert_eq!(allowed(&p, "modify_ldt"), (true, true));
    // What it forbids a workload without capabilities: the CAP_SYS_ADMIN,
    // CAP_SYS_BOOT, CAP_SYS_MODULE, ... rules are skipped, and some calls
    // are in no rule at all; clone3 has an errno rule.
    for name in [
        "mount",
        "umount2",
        "unshare",
        "setns",
        "reboot",
        "swapon",
        "swapoff",
        "kexec_load",
        "kexec_file_load",
        "init_module",
        "chroot",
        "pivot_root",
        "acct",
        "settimeofday",
        "keyctl",
        "clone3",
    ] {
        assert_eq!(allowed(&p, name), (false, false), "{name}");
    }
    assert!(noted(
        &p,
        "applies only to a workload with CAP_SYS_ADMIN; skipped"
    ));
    assert!(noted(
        &p,
        "applies only to a workload with CAP_SYS_BOOT; skipped"
    ));
    assert!(noted(
        &p,
        "applies only to a workload without CAP_SYS_ADMIN; applied"
    ));
    // clone (without namespace flags: its s390 rule is not for amd64) and
    // personality (five personas) exactly, on both ABIs.
    for name in ["clone", "personality"] {
        assert_eq!(allowed(&p, name), (true, true), "{name}");
    }
    let shown: Vec<String> = p.conditions.iter().map(|c| c.to_string()).collect();
    assert_eq!(
        shown,
        [
            "x86_64:56(arg0&0x7e020000!=0)",
            "x86_64:135(arg0!=0|8|131072|131080|4294967295)",
            "ia32:120(arg0&0x7e020000!=0)",
            "ia32:136(arg0!=0|8|131072|131080|4294967295)"
        ]
    );
    assert!(!noted(&p, "cannot check"), "{:#?}", p.notes);
    // clone3 is denied: no note of its flags escaping clone's condition.
    assert!(!noted(&p, "clone3 stays allowed"), "{:#?}", p.notes);
    // clone3's ENOSYS is its own action, the default stays EPERM.
    assert_eq!(
        p.per_call,
        [(Action::Errno(ENOSYS), SyscallSet::parse("clone3").unwrap())]
    );
    assert!(!noted(&p, "errno 38"), "{:#?}", p.notes);
    let unknown = p
        .notes
        .iter()
        .find(|n| {
            n.starts_with(&format!(
                "not in the x86 tables of Linux {}, skipped: ",
                table::TABLES_KERNEL
            ))
        })
        .expect("no note of the names the tables lack");
    assert!(unknown.split(' ').any(|w| w == "recv"), "{unknown}");
    // The rules for arm, ppc64le and s390 are not for amd64: their names
    // are not reported as unknown.
    for other in ["arm_fadvise64_64", "sync_file_range2", "s390_runtime_instr"] {
        assert!(!noted(&p, other), "{other}");
    }
    // Older kernels do not get the minKernel 4.8 rule.
    let mut o = opts();
    o.kernel = (4, 4);
    assert_eq!(
        allowed(&translate(&profile, &o).unwrap(), "ptrace"),
        (false, false)
    );

    // --args widen changes nothing: every argument rule is exact.
    let mut o = opts();
    o.args = ArgsPolicy::Widen;
    let w = translate(&profile, &o).unwrap();
    assert_eq!(w, p);
    // With CAP_SYS_ADMIN: the mount, namespace and clone3 rules apply, the
    // clone3 errno rule and clone's argument rule not: clone is allowed
    // plainly.
    o.caps = vec!["CAP_SYS_ADMIN".into()];
    let a = translate(&profile, &o).unwrap();
    for name in ["mount", "umount2", "unshare", "setns", "clone", "clone3"] {
        assert_eq!(allowed(&a, name), (true, true), "{name}");
    }
    assert_eq!(
        cond::describe(&a.conditions),
        "personality(arg0!=0|8|131072|131080|4294967295)"
    );
    assert!(!noted(&a, "errno 38"));
    assert!(a.per_call.is_empty(), "{:?}", a.per_call);
    assert_eq!(allowed(&a, "reboot"), (false, false));

    // The writes to a cgroup without syscalls.policy, and what they leave.
    let mut cg = FakeCgroup::new("", "");
    let mut notes = Vec::new();
    let writes = plan_policy(&cg, &p, &mut notes).unwrap();
    assert_eq!(writes[0], Write::new("syscalls.action", "errno 38 clone3"));
    assert_eq!(writes[1], Write::new("syscalls.action", "errno 1"));
    assert_eq!(writes[2], Write::new("syscalls.mode", "enforce"));
    assert_eq!(writes[3], Write::new("syscalls.deny", "all"));
    let (last, allows) = writes[4..].split_last().unwrap();
    assert!(allows.iter().all(|w| w.file == "syscalls.allow"));
    assert_eq!(*last, Write::new("syscalls.deny", shown.join(",")));
    assert!(notes.is_empty(), "{notes:?}");
    apply(&mut cg, &writes).unwrap();
    assert_eq!(cg.effective(), p.denied.without_outside_rules());
    assert_eq!(cg.own_conditions(), p.conditions);
    // What the kernel's syscalls.action reads then.
    assert_eq!(
        cg.file("syscalls.action"),
        "errno EPERM\nerrno ENOSYS 435 ia32:435\n"
    );
    // And with syscalls.policy: one write, read back with the conditions.
    let mut cg = FakeCgroup::with_policy_file("", "");
    let writes = plan_policy(&cg, &p, &mut Vec::new()).unwrap();
    apply(&mut cg, &writes).unwrap();
    assert!(cg
        .file("syscalls.deny")
        .ends_with(&format!(" {}\n", shown.join(" "))));
}

/// Podman's real default profile (containers-common's
/// pkg/seccomp/seccomp.json, as Debian's golang-github-containers-common-dev
/// ships it), named by `SYSCALLS_PODMAN_PROFILE` (scripts/profiles.sh
/// podman fetches it). Ignored, with the reason, without it.
#[test]
#[cfg_attr(
    not(podman_profile),
    ignore = "SYSCALLS_PODMAN_PROFILE is not set: run scripts/profiles.sh podman and set it to the path it prints"
)]
fn podman_real_default_profile() {
    use crate::cgroup::apply;
    use crate::fake::FakeCgroup;
    use crate::plan::{plan_policy, policy_text};

    let path = std::env::var("SYSCALLS_PODMAN_PROFILE")
        .expect("SYSCALLS_PODMAN_PROFILE was set when the tests were built, not now");
    let profile = crate::commands::load_profile(std::path::Path::new(&path))
        .unwrap_or_else(|e| panic!("{}", e.0));
    // ENOSYS by default, EPERM for the calls its errno rules name.
    assert_eq!(profile.default_action, "SCMP_ACT_ERRNO");
    assert_eq!(profile.default_errno_ret, Some(ENOSYS));
    let p = translate(&profile, &opts()).unwrap();
    assert!(p.deny_by_default);
    assert_eq!(p.action, Action::Errno(ENOSYS));
    assert!(!noted(&p, "does not cover"), "{:#?}", p.notes);
    // A busybox shell's calls, and clone without conditions: Podman allows
    // it plainly.
    for name in [
        "read",
        "execve",
        "clone",
        "clone3",
        "wait4",
        "socket",
        "personality",
    ] {
        assert_eq!(allowed(&p, name), (true, true), "{name}");
    }
    // Its errno rules deny with EPERM; mount and unshare it leaves to the
    // capabilities.
    for name in ["swapon", "kexec_load", "chroot", "init_module", "acct"] {
        assert_eq!(allowed(&p, name), (false, false), "{name}");
        let nr = Abi::X86_64.lookup(name).unwrap();
        assert!(
            p.per_call
                .iter()
                .any(|(a, s)| *a == Action::Errno(EPERM) && s.contains(Abi::X86_64, nr)),
            "{name}"
        );
    }
    assert_eq!(allowed(&p, "mount"), (true, true));
    // socket: AF_VSOCK (40) with EPERM exactly; its NETLINK_AUDIT rules
    // test arg0 and arg2: narrowed, AF_NETLINK (16) is denied on arg0
    // alone, with socket's one action, EPERM (the profile says EINVAL).
    assert_eq!(
        cond::describe(&p.conditions),
        "socket(arg0=16|40) personality(arg0!=0|8|131072|131080|4294967295)"
    );
    let socket = SyscallSet::parse("socket").unwrap();
    assert!(p
        .per_call
        .iter()
        .any(|(a, s)| *a == Action::Errno(EPERM) && s.intersect(&socket) == socket));
    assert!(noted(
        &p,
        "(SCMP_ACT_ERRNO socket): tests arg2 besides arg0 of socket, and a call's conditions test one argument: denied on arg0 alone, with the call's action (narrowed)"
    ));
    assert!(noted(
        &p,
        "socket: the profile gives errno 22 for some arguments; a call has one action here: errno 1"
    ));
    assert!(noted(&p, "ia32:socketcall stays allowed"));
    // Widened: AF_NETLINK allowed, AF_VSOCK still denied.
    let mut o = opts();
    o.args = ArgsPolicy::Widen;
    let w = translate(&profile, &o).unwrap();
    assert_eq!(
        cond::describe(&w.conditions),
        "socket(arg0=40) personality(arg0!=0|8|131072|131080|4294967295)"
    );
    assert!(!noted(&w, "errno 22"));
    // With CAP_AUDIT_WRITE the NETLINK_AUDIT rules are not applied: exact.
    o.args = ArgsPolicy::Narrow;
    o.caps = vec!["CAP_AUDIT_WRITE".into()];
    let c = translate(&profile, &o).unwrap();
    assert_eq!(
        cond::describe(&c.conditions),
        "socket(arg0=40) personality(arg0!=0|8|131072|131080|4294967295)"
    );
    assert!(!noted(&c, "besides arg0"), "{:#?}", c.notes);
    // Its policy text fits one write, and the fake takes it.
    let text = policy_text(&p, &SyscallSet::empty()).unwrap();
    assert!(
        text.contains("\ndeny x86_64:41(arg0=16|40),x86_64:135("),
        "{text}"
    );
    let mut cg = FakeCgroup::with_policy_file("", "");
    let writes = plan_policy(&cg, &p, &mut Vec::new()).unwrap();
    apply(&mut cg, &writes).unwrap();
    assert_eq!(cg.own_conditions(), p.conditions);
    assert!(cg
        .file("syscalls.action")
        .starts_with("errno ENOSYS\nerrno EPERM "));
}
