// SPDX-License-Identifier: GPL-2.0

use super::*;

const DOCKER: &str = include_str!("../testdata/docker-style.json");

fn opts() -> Options {
    Options {
        caps: Vec::new(),
        args: ArgsPolicy::Narrow,
        kernel: (6, 12),
    }
}

fn load(json: &str) -> Profile {
    serde_json::from_str(json).unwrap()
}

fn allowed(p: &Policy, name: &str) -> (bool, bool) {
    let a = |abi: Abi| {
        abi.lookup(name)
            .is_some_and(|nr| !p.denied.contains(abi, nr))
    };
    (a(Abi::X86_64), a(Abi::Ia32))
}

fn noted(p: &Policy, text: &str) -> bool {
    p.notes.iter().any(|n| n.contains(text))
}

#[test]
fn docker_default_without_capabilities() {
    let p = translate(&load(DOCKER), &opts()).unwrap();
    assert!(p.deny_by_default && !p.log);
    assert_eq!(p.action, Action::Errno(1));
    assert_eq!(allowed(&p, "read"), (true, true));
    assert_eq!(allowed(&p, "mkdir"), (true, true));
    assert_eq!(allowed(&p, "socketcall"), (false, true));
    assert_eq!(allowed(&p, "mmap2"), (false, true));
    assert_eq!(allowed(&p, "arch_prctl"), (true, true));
    assert_eq!(allowed(&p, "ptrace"), (true, true)); // minKernel 4.8
    for denied in [
        "socket",
        "personality",
        "clone",
        "clone3",
        "mount",
        "reboot",
        "rmdir",
    ] {
        assert_eq!(allowed(&p, denied), (false, false), "{denied}");
    }
    // Holes stay denied.
    assert!(p.denied.contains(Abi::X86_64, 400));
    assert!(noted(
        &p,
        "rule 3 (SCMP_ACT_ALLOW socket): has argument conditions"
    ));
    assert!(noted(&p, "left denied (narrowed; --args widen allows it)"));
    assert!(noted(
        &p,
        "applies only to a workload with CAP_SYS_ADMIN; skipped"
    ));
    // clone3's ENOSYS is its own action, the default stays EPERM.
    assert_eq!(
        p.per_call,
        [(Action::Errno(ENOSYS), SyscallSet::parse("clone3").unwrap())]
    );
    assert!(!noted(&p, "errno 38"), "{:#?}", p.notes);
    assert!(noted(
        &p,
        "not in the x86 tables of Linux 6.12, skipped: recv"
    ));
    // Rules for other machines are not reported as unknown names.
    assert!(!noted(&p, "arm_fadvise64_64"));
}

#[test]
fn capabilities_and_widened_arguments() {
    let mut o = opts();
    o.caps = vec!["CAP_SYS_ADMIN".into()];
    o.args = ArgsPolicy::Widen;
    let p = translate(&load(DOCKER), &o).unwrap();
    for name in ["mount", "clone", "clone3", "socket", "personality"] {
        assert_eq!(allowed(&p, name), (true, true), "{name}");
    }
    assert!(noted(
        &p,
        "allowed whatever the arguments (widened, --args widen)"
    ));
    assert!(!noted(&p, "errno 38"));
    assert_eq!(allowed(&p, "chroot"), (false, false));
}

#[test]
fn min_kernel_is_checked_against_the_running_kernel() {
    let mut o = opts();
    o.kernel = (4, 4);
    let p = translate(&load(DOCKER), &o).unwrap();
    assert_eq!(allowed(&p, "ptrace"), (false, false));
    assert_eq!(parse_version("6.12.117-amd64"), Some((6, 12)));
    assert_eq!(parse_version("5"), Some((5, 0)));
}

#[test]
fn an_allowing_default_gives_a_deny_list() {
    let json = r#"{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86"],"syscalls":[
        {"names":["mkdir"],"action":"SCMP_ACT_ERRNO","errnoRet":13},
        {"names":["ptrace","kexec_load","mount"],"action":"SCMP_ACT_KILL"},
        {"names":["getpid"],"action":"SCMP_ACT_ALLOW"},
        {"names":["kill"],"action":"SCMP_ACT_ERRNO","args":[{"index":1,"value":9,"op":"SCMP_CMP_EQ"}]}]}"#;
    let p = translate(&load(json), &opts()).unwrap();
    assert!(!p.deny_by_default);
    assert_eq!(p.action, Action::Kill);
    assert_eq!(describe(&p.denied), "kill mkdir ptrace mount kexec_load");
    // The calls of the other actions get theirs (the kill rule, narrowed,
    // denies kill with EPERM).
    assert_eq!(
        p.per_call,
        [
            (Action::Errno(EPERM), SyscallSet::parse("kill").unwrap()),
            (Action::Errno(13), SyscallSet::parse("mkdir").unwrap())
        ]
    );
    assert!(!noted(&p, "errno 13"), "{:#?}", p.notes);
    assert!(noted(&p, "denied whatever the arguments (narrowed)"));
    let mut o = opts();
    o.args = ArgsPolicy::Widen;
    let p = translate(&load(json), &o).unwrap();
    assert_eq!(allowed(&p, "kill"), (true, true));
    assert!(noted(&p, "dropped: the call stays allowed"));
}

#[test]
fn default_actions() {
    let t = |json: &str| translate(&load(json), &opts()).unwrap();
    let arches = r#""architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86","SCMP_ARCH_X32"]"#;
    let p = t(&format!(r#"{{"defaultAction":"SCMP_ACT_ERRNO",{arches}}}"#));
    assert_eq!(p.action, Action::Errno(EPERM));
    assert_eq!(p.denied, SyscallSet::all());
    let p = t(&format!(
        r#"{{"defaultAction":"SCMP_ACT_KILL_PROCESS",{arches}}}"#
    ));
    assert_eq!(p.action, Action::Kill);
    let p = t(&format!(
        r#"{{"defaultAction":"SCMP_ACT_KILL_THREAD",{arches}}}"#
    ));
    assert!(p.action == Action::Kill && noted(&p, "ends the whole process"));
    let p = t(&format!(
        r#"{{"defaultAction":"SCMP_ACT_LOG",{arches},"syscalls":[{{"names":["read"],"action":"SCMP_ACT_ALLOW"}},
        {{"names":["mkdir"],"action":"SCMP_ACT_ERRNO"}}]}}"#
    ));
    assert!(p.log && allowed(&p, "read") == (true, true) && allowed(&p, "mkdir") == (false, false));
    assert!(noted(&p, "only logged, not denied (widened): mkdir"));
    assert!(p.per_call.is_empty());
    let p = t(r#"{"defaultAction":"SCMP_ACT_NOTIFY","listenerPath":"/run/x"}"#);
    assert_eq!(p.action, Action::Errno(ENOSYS));
    assert!(noted(&p, "listenerPath") && noted(&p, "errno 38"));
    let e = translate(&load(r#"{"defaultAction":"SCMP_ACT_BOGUS"}"#), &opts()).unwrap_err();
    assert_eq!(e, "defaultAction: unknown action `SCMP_ACT_BOGUS`");
}

#[test]
fn rules_that_give_a_call_several_actions() {
    let json = r#"{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86"],"syscalls":[
        {"names":["mkdir","rmdir"],"action":"SCMP_ACT_ERRNO","errnoRet":13},
        {"names":["rmdir","ptrace"],"action":"SCMP_ACT_KILL"},
        {"names":["mkdir"],"action":"SCMP_ACT_ERRNO","errnoRet":5},
        {"names":["ptrace"],"action":"SCMP_ACT_ERRNO"}]}"#;
    let p = translate(&load(json), &opts()).unwrap();
    let set = |t: &str| SyscallSet::parse(t).unwrap();
    assert_eq!(
        p.per_call,
        [
            (Action::Errno(13), set("mkdir")),
            (Action::Kill, set("rmdir,ptrace"))
        ]
    );
    assert!(noted(
        &p,
        "rules give these calls different actions; kill wins, else the first rule's: mkdir rmdir ptrace"
    ));
}

#[test]
fn architectures_select_the_abis() {
    let json = r#"{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]}"#;
    let p = translate(&load(json), &opts()).unwrap();
    assert_eq!(allowed(&p, "read"), (true, false));
    assert_eq!(
        describe(&p.denied.intersect(&SyscallSet::parse("ia32:all").unwrap())),
        "ia32:all"
    );
    assert!(noted(
        &p,
        "does not cover the ia32 ABI: every ia32 call is denied"
    ));
    let json = r#"{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86"],
        "syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]}"#;
    let p = translate(&load(json), &opts()).unwrap();
    assert_eq!(allowed(&p, "read"), (false, true));
}

#[test]
fn errno_values() {
    let json = |n: u32| format!(r#"{{"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":{n}}}"#);
    let t = |n| translate(&load(&json(n)), &opts()).unwrap();
    assert_eq!(t(38).action, Action::Errno(38));
    assert_eq!(t(0).action, Action::Errno(EPERM));
    assert_eq!(t(70000).action, Action::Errno(4095));
}

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
    use crate::apply::plan_policy;
    use crate::cgroup::{apply, Write};
    use crate::fake::FakeCgroup;

    let path = std::env::var("SYSCALLS_DOCKER_PROFILE")
        .expect("SYSCALLS_DOCKER_PROFILE was set when the tests were built, not now");
    // Through the loader of `syscallsctl apply`.
    let profile =
        crate::load_profile(std::path::Path::new(&path)).unwrap_or_else(|e| panic!("{}", e.0));
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
    // are in no rule at all. clone has an argument condition (narrowed),
    // clone3 an errno rule.
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
        "clone",
        "clone3",
        "personality",
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
    assert!(noted(
        &p,
        "(SCMP_ACT_ALLOW personality): has argument conditions"
    ));
    assert!(noted(&p, "(SCMP_ACT_ALLOW clone): has argument conditions"));
    assert!(noted(&p, "left denied (narrowed; --args widen allows it)"));
    // clone3's ENOSYS is its own action, the default stays EPERM.
    assert_eq!(
        p.per_call,
        [(Action::Errno(ENOSYS), SyscallSet::parse("clone3").unwrap())]
    );
    assert!(!noted(&p, "errno 38"), "{:#?}", p.notes);
    let unknown = p
        .notes
        .iter()
        .find(|n| n.starts_with("not in the x86 tables of Linux 6.12, skipped: "))
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

    // --args widen (what a busybox shell needs: its fork is a clone):
    // clone and personality allowed, clone3 and unshare still not.
    let mut o = opts();
    o.args = ArgsPolicy::Widen;
    let w = translate(&profile, &o).unwrap();
    for (name, want) in [
        ("clone", true),
        ("personality", true),
        ("clone3", false),
        ("unshare", false),
        ("mount", false),
    ] {
        assert_eq!(allowed(&w, name), (want, want), "{name}");
    }
    assert!(noted(
        &w,
        "allowed whatever the arguments (widened, --args widen)"
    ));
    // With CAP_SYS_ADMIN: the mount, namespace and clone3 rules apply, the
    // clone3 errno rule not.
    o.caps = vec!["CAP_SYS_ADMIN".into()];
    let a = translate(&profile, &o).unwrap();
    for name in ["mount", "umount2", "unshare", "setns", "clone", "clone3"] {
        assert_eq!(allowed(&a, name), (true, true), "{name}");
    }
    assert!(!noted(&a, "errno 38"));
    assert!(a.per_call.is_empty(), "{:?}", a.per_call);
    assert_eq!(allowed(&a, "reboot"), (false, false));

    // Widened, clone3 keeps its ENOSYS (glibc's pthread_create falls back
    // to clone), every other denied call gets EPERM.
    assert_eq!(w.action, Action::Errno(EPERM));
    assert_eq!(
        w.per_call,
        [(Action::Errno(ENOSYS), SyscallSet::parse("clone3").unwrap())]
    );
    // The writes to a cgroup, and the set they leave.
    let mut cg = FakeCgroup::new("", "");
    let mut notes = Vec::new();
    let writes = plan_policy(&cg, &w, &mut notes).unwrap();
    assert_eq!(writes[0], Write::new("syscalls.action", "errno 38 clone3"));
    assert_eq!(writes[1], Write::new("syscalls.action", "errno 1"));
    assert_eq!(writes[2], Write::new("syscalls.mode", "enforce"));
    assert_eq!(writes[3], Write::new("syscalls.deny", "all"));
    assert!(writes[4..].iter().all(|w| w.file == "syscalls.allow"));
    assert!(notes.is_empty(), "{notes:?}");
    apply(&mut cg, &writes).unwrap();
    assert_eq!(cg.effective(), w.denied.without_outside_rules());
    // What the kernel's syscalls.action reads then.
    assert_eq!(
        cg.file("syscalls.action"),
        "errno EPERM\nerrno ENOSYS 435 ia32:435\n"
    );
}
