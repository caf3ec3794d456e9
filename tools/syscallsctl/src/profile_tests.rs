// SPDX-License-Identifier: GPL-2.0

use super::*;

const DOCKER: &str = include_str!("../testdata/docker-default.json");

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
    assert!(noted(&p, "the profile gives errno 38 for clone3; the cgroup has one action for every denied call: errno 1"));
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
    assert!(noted(&p, "the profile gives errno 13 for mkdir"));
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
    let p = t(r#"{"defaultAction":"SCMP_ACT_NOTIFY","listenerPath":"/run/x"}"#);
    assert_eq!(p.action, Action::Errno(ENOSYS));
    assert!(noted(&p, "listenerPath") && noted(&p, "errno 38"));
    let e = translate(&load(r#"{"defaultAction":"SCMP_ACT_BOGUS"}"#), &opts()).unwrap_err();
    assert_eq!(e, "defaultAction: unknown action `SCMP_ACT_BOGUS`");
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
