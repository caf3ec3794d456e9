// SPDX-License-Identifier: GPL-2.0

use super::*;
use crate::cond;

const DOCKER: &str = include_str!("../testdata/docker-style.json");
const AF_ALG: &str = include_str!("../testdata/af-alg.json");

pub(super) fn opts() -> Options {
    Options {
        caps: Vec::new(),
        args: ArgsPolicy::Narrow,
        kernel: tables_kernel(),
    }
}

fn load(json: &str) -> Profile {
    serde_json::from_str(json).unwrap()
}

pub(super) fn allowed(p: &Policy, name: &str) -> (bool, bool) {
    let a = |abi: Abi| {
        abi.lookup(name)
            .is_some_and(|nr| !p.denied.contains(abi, nr))
    };
    (a(Abi::X86_64), a(Abi::Ia32))
}

pub(super) fn noted(p: &Policy, text: &str) -> bool {
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
    for denied in ["clone3", "mount", "reboot", "rmdir"] {
        assert_eq!(allowed(&p, denied), (false, false), "{denied}");
    }
    // Holes stay denied.
    assert!(p.denied.contains(Abi::X86_64, 400));
    // The argument rules, exactly: allowed by number, denied by condition.
    for name in ["socket", "personality", "clone"] {
        assert_eq!(allowed(&p, name), (true, true), "{name}");
    }
    assert_eq!(
        cond::describe(&p.conditions),
        "socket(arg0=40) clone(arg0&0x7e020000!=0) personality(arg0!=0)"
    );
    assert!(noted(&p, "argument rules translated to conditions"));
    assert!(!noted(&p, "cannot check"), "{:#?}", p.notes);
    // socketcall, allowed, takes its arguments behind a pointer.
    assert!(noted(&p, "ia32:socketcall stays allowed"));
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
        &format!(
            "not in the x86 tables of Linux {}, skipped: recv",
            table::TABLES_KERNEL
        )
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
    // The CAP_SYS_ADMIN rule allows clone plainly; the other argument
    // rules are exact, widened or not.
    assert_eq!(
        cond::describe(&p.conditions),
        "socket(arg0=40) personality(arg0!=0)"
    );
    assert!(!noted(&p, "errno 38"));
    assert_eq!(allowed(&p, "chroot"), (false, false));
}

#[test]
fn the_af_alg_fixture_denies_two_families_with_the_default_errno() {
    let p = translate(&load(AF_ALG), &opts()).unwrap();
    assert!(p.deny_by_default);
    assert_eq!(p.action, Action::Errno(EPERM));
    assert_eq!(allowed(&p, "socket"), (true, true));
    let shown: Vec<String> = p.conditions.iter().map(|c| c.to_string()).collect();
    assert_eq!(shown, ["x86_64:41(arg0=38|40)", "ia32:359(arg0=38|40)"]);
    assert!(p.per_call.is_empty(), "{:?}", p.per_call);
    // What busybox needs is there.
    for name in ["execve", "clone", "wait4", "openat", "getdents64", "write"] {
        assert_eq!(allowed(&p, name), (true, true), "{name}");
    }
    assert!(noted(&p, "translated to conditions, at the widths the kernel reads the arguments at (exactly, but where a note says otherwise): socket(arg0=38|40)"));
    // Widened or narrowed: the same, it is exact.
    let mut o = opts();
    o.args = ArgsPolicy::Widen;
    assert_eq!(
        translate(&load(AF_ALG), &o).unwrap().conditions,
        p.conditions
    );
    // The policy text: the conditions after the allows.
    let text = crate::plan::policy_text(&p, &SyscallSet::empty()).unwrap();
    assert!(
        text.contains(
            "\ndeny x86_64:41(arg0=38|40),ia32:359(arg0=38|40)\nmode enforce\naction errno 1\n"
        ),
        "{text}"
    );
}

#[test]
fn rules_on_two_arguments_are_narrowed_or_widened_on_one() {
    // Podman's NETLINK_AUDIT rules, in small: arg0 and arg2.
    let json = r#"{"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":38,"architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86"],"syscalls":[
        {"names":["socket"],"action":"SCMP_ACT_ERRNO","errnoRet":1,"args":[{"index":0,"value":40,"op":"SCMP_CMP_EQ"}]},
        {"names":["socket"],"action":"SCMP_ACT_ERRNO","errnoRet":22,"args":[{"index":0,"value":16,"op":"SCMP_CMP_EQ"},{"index":2,"value":9,"op":"SCMP_CMP_EQ"}]},
        {"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":16,"op":"SCMP_CMP_EQ"},{"index":2,"value":9,"op":"SCMP_CMP_NE"}]},
        {"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":16,"op":"SCMP_CMP_NE"}]}]}"#;
    let p = translate(&load(json), &opts()).unwrap();
    assert_eq!(cond::describe(&p.conditions), "socket(arg0=16|40)");
    assert_eq!(
        p.per_call,
        [(Action::Errno(EPERM), SyscallSet::parse("socket").unwrap())]
    );
    assert!(noted(&p, "rule 2 (SCMP_ACT_ERRNO socket): tests arg2 besides arg0 of socket, and a call's conditions test one argument: denied on arg0 alone, with the call's action (narrowed)"));
    assert!(noted(&p, "rule 3 (SCMP_ACT_ALLOW socket): tests arg2 besides arg0 of socket, and a call's conditions test one argument: dropped, the call stays denied where only this rule allows it (narrowed; --args widen allows it on arg0 alone)"));
    assert!(noted(&p, "socket: the profile gives errno 22 for some arguments; a call has one action here: errno 1"));
    let mut o = opts();
    o.args = ArgsPolicy::Widen;
    let w = translate(&load(json), &o).unwrap();
    assert_eq!(cond::describe(&w.conditions), "socket(arg0=40)");
    assert!(noted(&w, "rule 2 (SCMP_ACT_ERRNO socket): tests arg2 besides arg0 of socket, and a call's conditions test one argument: dropped, the call runs where only this rule denies it (widened, --args widen)"));
    assert!(noted(&w, "rule 3 (SCMP_ACT_ALLOW socket): tests arg2 besides arg0 of socket, and a call's conditions test one argument: allowed on arg0 alone (widened, --args widen)"));
    assert!(!noted(&w, "errno 22"));
}

#[test]
fn what_cannot_be_exact_keeps_the_args_choice() {
    // Nine allowed values of one argument, and rules on clone3's pointer.
    let rules: Vec<String> = (0..9)
        .map(|v| format!(r#"{{"names":["personality"],"action":"SCMP_ACT_ALLOW","args":[{{"index":0,"value":{v},"op":"SCMP_CMP_EQ"}}]}}"#))
        .collect();
    let json = format!(
        r#"{{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86"],"syscalls":[{},
        {{"names":["clone3"],"action":"SCMP_ACT_ALLOW","args":[{{"index":0,"value":0,"op":"SCMP_CMP_NE"}}]}},
        {{"names":["socketcall"],"action":"SCMP_ACT_ALLOW","args":[{{"index":1,"value":0,"op":"SCMP_CMP_NE"}}]}},
        {{"names":["socketcall"],"action":"SCMP_ACT_ALLOW","args":[{{"index":0,"value":1,"op":"SCMP_CMP_NE"}}]}}]}}"#,
        rules.join(",")
    );
    let p = translate(&load(&json), &opts()).unwrap();
    assert_eq!(allowed(&p, "personality"), (false, false));
    assert_eq!(allowed(&p, "clone3"), (false, false));
    assert_eq!(allowed(&p, "socketcall"), (false, false));
    assert!(p.conditions.is_empty(), "{:?}", p.conditions);
    assert!(noted(&p, "rule 1 (SCMP_ACT_ALLOW personality): has argument conditions the controller cannot check exactly (arg0 takes more than 8 allowed and more than 8 denied values); left denied (narrowed; --args widen allows it)"));
    assert!(noted(&p, "(SCMP_ACT_ALLOW clone3): has argument conditions the controller cannot check exactly (clone3's arg0 points to its flags (struct clone_args), which neither seccomp nor the controller reads)"));
    assert!(noted(&p, "(socketcall's arg1 points to the socket call's arguments, which neither seccomp nor the controller reads)"));
    let mut o = opts();
    o.args = ArgsPolicy::Widen;
    let w = translate(&load(&json), &o).unwrap();
    assert_eq!(allowed(&w, "personality"), (true, true));
    assert_eq!(allowed(&w, "clone3"), (true, true));
    assert!(noted(
        &w,
        "allowed whatever the arguments (widened, --args widen)"
    ));
    // Values past the width of the argument the kernel reads: socket's
    // family is an int.
    let json = r#"{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64"],"syscalls":[
        {"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":4294967334,"op":"SCMP_CMP_NE"}]}]}"#;
    let p = translate(&load(json), &opts()).unwrap();
    assert!(noted(
        &p,
        "(compares 0x100000026, past the 32 bits the kernel reads arg0 at)"
    ));
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
fn an_unreadable_kernel_version_is_taken_as_the_tables_kernel() {
    // What main.rs takes when /proc/sys/kernel/osrelease cannot be read.
    let (major, minor) = tables_kernel();
    assert_eq!(parse_version(table::TABLES_KERNEL), Some((major, minor)));
    assert!((major, minor) >= (7, 3));
    // A rule for the tables' kernel applies to it, one for the next
    // kernel does not.
    let json = format!(
        r#"{{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86"],"syscalls":[
        {{"names":["mkdir"],"action":"SCMP_ACT_ALLOW","includes":{{"minKernel":"{}"}}}},
        {{"names":["rmdir"],"action":"SCMP_ACT_ALLOW","includes":{{"minKernel":"{major}.{}"}}}}]}}"#,
        table::TABLES_KERNEL,
        minor + 1
    );
    let mut o = opts();
    o.kernel = tables_kernel();
    let p = translate(&load(&json), &o).unwrap();
    assert_eq!(allowed(&p, "mkdir"), (true, true));
    assert_eq!(allowed(&p, "rmdir"), (false, false));
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
    assert_eq!(describe(&p.denied), "mkdir ptrace mount kexec_load");
    // The calls of the other actions get theirs (the kill rule, exact,
    // denies kill(PID, SIGKILL) with EPERM).
    assert_eq!(cond::describe(&p.conditions), "kill(arg1=9)");
    assert_eq!(
        p.per_call,
        [
            (Action::Errno(EPERM), SyscallSet::parse("kill").unwrap()),
            (Action::Errno(13), SyscallSet::parse("mkdir").unwrap())
        ]
    );
    assert!(!noted(&p, "errno 13"), "{:#?}", p.notes);
    let mut o = opts();
    o.args = ArgsPolicy::Widen;
    let w = translate(&load(json), &o).unwrap();
    assert_eq!(w.conditions, p.conditions);
    // Not exact (a tenth value): denied whatever the arguments, or not.
    let many = json.replace(
        r#"{"index":1,"value":9,"op":"SCMP_CMP_EQ"}"#,
        r#"{"index":1,"value":9,"op":"SCMP_CMP_LE"},{"index":1,"value":0,"op":"SCMP_CMP_NE"}"#,
    );
    let p = translate(&load(&many), &opts()).unwrap();
    assert_eq!(describe(&p.denied), "kill mkdir ptrace mount kexec_load");
    assert!(noted(&p, "denied whatever the arguments (narrowed)"));
    let p = translate(&load(&many), &o).unwrap();
    assert_eq!(allowed(&p, "kill"), (true, true));
    assert!(p.conditions.is_empty());
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
