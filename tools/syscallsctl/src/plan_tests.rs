// SPDX-License-Identifier: GPL-2.0

use super::*;
use crate::cgroup::apply;
use crate::fake::FakeCgroup;
use crate::profile::{translate, ArgsPolicy, Options, Profile};
use crate::table::{self, Abi};

fn policy(json: &str) -> Policy {
    let p: Profile = serde_json::from_str(json).unwrap();
    let o = Options {
        caps: vec![],
        args: ArgsPolicy::Narrow,
        kernel: crate::profile::tables_kernel(),
    };
    translate(&p, &o).unwrap()
}

const ALLOW_LIST: &str = r#"{"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":1,
    "architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86"],
    "syscalls":[{"names":["read","write","mkdir","ptrace"],"action":"SCMP_ACT_ALLOW"}]}"#;

#[test]
fn an_allow_list_is_deny_all_then_allows() {
    let mut cg = FakeCgroup::new("rmdir", "ptrace");
    let mut notes = Vec::new();
    let p = policy(ALLOW_LIST);
    let writes = plan_policy(&cg, &p, &mut notes).unwrap();
    assert_eq!(writes[0], Write::new("syscalls.action", "errno 1"));
    assert_eq!(writes[1], Write::new("syscalls.mode", "enforce"));
    assert_eq!(writes[2], Write::new("syscalls.deny", "all"));
    assert_eq!(
        writes[3],
        Write::new("syscalls.allow", "x86_64:0-1,x86_64:83,ia32:3-4,ia32:39")
    );
    assert_eq!(writes.len(), 4);
    assert_eq!(
        notes,
        ["the parent cgroup denies calls the policy allows; they stay denied: ptrace"]
    );
    apply(&mut cg, &writes).unwrap();
    assert_eq!(
        cg.effective(),
        p.denied.union(&cg.parent()).without_outside_rules()
    );
    let shown = show_writes(&cg, &writes[2..3]);
    assert!(shown.starts_with("echo 'all' > /") && shown.ends_with("/syscalls.deny\n"));
}

#[test]
fn a_kernel_with_a_policy_file_gets_one_write_and_one_undo() {
    let mut cg = FakeCgroup::with_policy_file("rmdir", "ptrace");
    let old = "deny 84 ia32:40\nmode enforce\naction errno ENOSYS";
    assert_eq!(cg.file("syscalls.policy"), format!("{old}\n"));
    let mut notes = Vec::new();
    let writes = plan_policy(&cg, &policy(ALLOW_LIST), &mut notes).unwrap();
    assert_eq!(
        writes,
        [Write::new(
            "syscalls.policy",
            "deny all\nallow x86_64:0-1,x86_64:83,ia32:3-4,ia32:39\nmode enforce\n\
             action errno 1\n"
        )]
    );
    assert_eq!(
        notes,
        ["the parent cgroup denies calls the policy allows; they stay denied: ptrace"]
    );
    apply(&mut cg, &writes).unwrap();
    assert!(cg
        .file("syscalls.policy")
        .contains("\naction errno EPERM\n"));
    assert!(!cg.effective().contains(Abi::X86_64, 83));
    // A refused replace is undone by writing back what the file read.
    let mut cg = FakeCgroup::with_policy_file("rmdir", "ptrace");
    cg.refuse = vec![(cg.log.len(), libc::EPERM)];
    let e = apply(&mut cg, &writes).unwrap_err().0;
    assert!(e.contains("syscalls.policy: the kernel refused"), "{e}");
    assert!(e.ends_with("; the cgroup was left as it was"), "{e}");
    assert_eq!(cg.file("syscalls.policy"), format!("{old}\n"));
    let last = cg.log.last().unwrap();
    assert_eq!(*last, Write::new("syscalls.policy", old));
}

const AF_ALG: &str = include_str!("../testdata/af-alg.json");

#[test]
fn conditions_go_after_the_allows_in_both_ways_of_writing() {
    let p = policy(AF_ALG);
    // A kernel with syscalls.policy: one write, the conditions on a
    // deny line after the allows.
    let mut cg = FakeCgroup::with_policy_file("", "");
    let writes = plan_policy(&cg, &p, &mut Vec::new()).unwrap();
    let text = &writes[0].content;
    let deny = text.find("\ndeny x86_64:41(arg0=38|40),ia32:359(arg0=38|40)\n");
    let allow = text.find("\nallow ");
    assert!(allow.is_some() && deny > allow, "{text}");
    apply(&mut cg, &writes).unwrap();
    assert!(
        cg.file("syscalls.deny")
            .ends_with(" x86_64:41(arg0=38|40) ia32:359(arg0=38|40)\n"),
        "{}",
        cg.file("syscalls.deny")
    );
    assert!(!cg.effective().contains(Abi::X86_64, 41));
    // Without it: a deny write of the conditions after the allows; a
    // refusal of it undoes everything.
    let mut cg = FakeCgroup::new("", "");
    let writes = plan_policy(&cg, &p, &mut Vec::new()).unwrap();
    let last = writes.last().unwrap();
    assert_eq!(
        *last,
        Write::new(
            "syscalls.deny",
            "x86_64:41(arg0=38|40),ia32:359(arg0=38|40)"
        )
    );
    assert_eq!(writes[writes.len() - 2].file, "syscalls.allow");
    cg.refuse = vec![(writes.len() - 1, libc::EINVAL)];
    let e = apply(&mut cg, &writes).unwrap_err().0;
    assert!(
        e.contains("Invalid argument (a kernel without argument conditions refuses them)"),
        "{e}"
    );
    assert!(cg.effective().is_empty() && cg.own_conditions().is_empty());
    cg.refuse.clear();
    apply(&mut cg, &writes).unwrap();
    assert_eq!(cg.own_conditions().len(), 2);
    // Under a parent that denies socket, its conditions are left out.
    let cg = FakeCgroup::with_policy_file("", "socket");
    let writes = plan_policy(&cg, &p, &mut Vec::new()).unwrap();
    assert!(!writes[0].content.contains("arg0"), "{}", writes[0].content);
}

#[test]
fn a_rollback_restores_the_conditions_an_allow_dropped() {
    let mut cg = FakeCgroup::new("", "");
    cg.write("syscalls.deny", "socket(arg0=16)").unwrap();
    let writes = [
        Write::new("syscalls.allow", "socket"),
        Write::new("syscalls.deny", "socket(arg0=38)"),
        Write::new("syscalls.deny", "mkdir"),
    ];
    cg.refuse = vec![(cg.log.len() + 2, libc::EINVAL)];
    apply(&mut cg, &writes).unwrap_err();
    let shown: Vec<String> = cg.own_conditions().iter().map(|c| c.to_string()).collect();
    assert_eq!(shown, ["x86_64:41(arg0=16)", "ia32:359(arg0=16)"]);
}

#[test]
fn a_deny_list_replaces_the_old_rules() {
    let mut cg = FakeCgroup::new("rmdir,ia32:all", "");
    let json = r#"{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86"],"syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_ERRNO","errnoRet":13}]}"#;
    let p = policy(json);
    let writes = plan_policy(&cg, &p, &mut Vec::new()).unwrap();
    assert_eq!(writes[0], Write::new("syscalls.action", "errno 13"));
    assert_eq!(writes[2], Write::new("syscalls.deny", "x86_64:83,ia32:39"));
    apply(&mut cg, &writes).unwrap();
    assert_eq!(cg.effective(), SyscallSet::parse("mkdir").unwrap());
}

#[test]
fn a_refused_allow_leaves_the_cgroup_as_it_was() {
    let mut cg = FakeCgroup::new("rmdir", "");
    let writes = plan_policy(&cg, &policy(ALLOW_LIST), &mut Vec::new()).unwrap();
    let before = cg.effective();
    cg.refuse = vec![(3, libc::EPERM)];
    let e = apply(&mut cg, &writes).unwrap_err().0;
    assert!(
        e.contains("syscalls.allow: the kernel refused the write `x86_64:0-1,"),
        "{e}"
    );
    assert!(e.contains("Operation not permitted"), "{e}");
    assert_eq!(cg.effective(), before);
    assert_eq!(cg.file("syscalls.action").trim(), "errno ENOSYS");
}

#[test]
fn a_kernel_without_actions_refuses_what_it_cannot_do() {
    let mut cg = FakeCgroup::new("", "");
    cg.remove_file("syscalls.action");
    cg.remove_file("syscalls.mode");
    let e = plan_policy(&cg, &policy(ALLOW_LIST), &mut Vec::new())
        .unwrap_err()
        .0;
    assert!(e.ends_with("syscalls.action: no such file: this kernel cannot set an action, and the policy needs errno 1"), "{e}");
    let json = r#"{"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":38}"#;
    let writes = plan_policy(&cg, &policy(json), &mut Vec::new()).unwrap();
    assert_eq!(writes[0], Write::new("syscalls.deny", "all"));
}

#[test]
fn actions_are_checked_and_errno_names_become_numbers() {
    let w = |a: &str| {
        let words: Vec<String> = a.split(' ').map(str::to_string).collect();
        plan_action(&words).map(|w| w[0].content.clone())
    };
    assert_eq!(w("errno EPERM").unwrap(), "errno 1");
    assert_eq!(w(" errno  4000 ").unwrap(), "errno 4000");
    assert_eq!(w("kill").unwrap(), "kill");
    assert_eq!(table::errno_number("ENOSYS"), Some(38));
    for bad in [
        "errno EBOGUS",
        "errno 0",
        "errno 4096",
        "errno",
        "log",
        "default",
        "log mkdir",
    ] {
        let e = w(bad).unwrap_err().0;
        assert!(
            e.starts_with(&format!("`{}`: not an action", bad.trim())),
            "{e}"
        );
    }
}

#[test]
fn actions_for_particular_calls_and_default_calls() {
    let w = |a: &[&str]| {
        let words: Vec<String> = a.iter().map(|s| s.to_string()).collect();
        plan_action(&words).map(|w| w.into_iter().map(|w| w.content).collect::<Vec<_>>())
    };
    assert_eq!(
        w(&["errno", "ENOSYS", "clone3"]).unwrap(),
        ["errno 38 clone3"]
    );
    assert_eq!(w(&["errno ENOSYS clone3"]).unwrap(), ["errno 38 clone3"]);
    assert_eq!(
        w(&["kill", "mkdir,ia32:socketcall", "@swap"]).unwrap(),
        ["kill mkdir,ia32:socketcall,swapoff,swapon"]
    );
    assert_eq!(w(&["default", "clone3"]).unwrap(), ["default clone3"]);
    // A long list is cut into writes of at most a page, each with the
    // action in front.
    let many: Vec<String> = (0..400).map(|n| format!("x86_64:{n}")).collect();
    let mut words = vec!["errno".to_string(), "13".to_string()];
    words.extend(many);
    let writes = plan_action(&words).unwrap();
    assert!(writes.len() > 1);
    assert!(writes
        .iter()
        .all(|w| w.content.starts_with("errno 13 x86_64:") && w.content.len() < WRITE_MAX));
    let e = w(&["kill", "mkdir", "bogus"]).unwrap_err().0;
    assert!(e.contains("`bogus`: no such system call"), "{e}");
    assert!(w(&["default", "@bogus"]).is_err());
}

#[test]
fn the_action_verb_against_the_fake_kernel() {
    let mut cg = FakeCgroup::new("clone3", "");
    let words = |a: &str| a.split(' ').map(str::to_string).collect::<Vec<_>>();
    apply(&mut cg, &plan_action(&words("errno EPERM")).unwrap()).unwrap();
    apply(
        &mut cg,
        &plan_action(&words("errno ENOSYS clone3")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        cg.file("syscalls.action"),
        "errno EPERM\nerrno ENOSYS 435 ia32:435\n"
    );
    apply(&mut cg, &plan_action(&words("default clone3")).unwrap()).unwrap();
    assert_eq!(cg.file("syscalls.action"), "errno EPERM\n");
    // A ninth action: ENOSPC, explained, and nothing changed.
    for n in 1..=8 {
        let w = plan_action(&words(&format!("errno {} x86_64:{n}", n + 100))).unwrap();
        apply(&mut cg, &w).unwrap();
    }
    let before = cg.file("syscalls.action");
    let e = apply(&mut cg, &plan_action(&words("kill ptrace")).unwrap())
        .unwrap_err()
        .0;
    assert!(
        e.contains(
            "No space left on device (a cgroup holds at most 8 actions for particular calls)"
        ),
        "{e}"
    );
    assert_eq!(cg.file("syscalls.action"), before);
}

const CLONE3: &str = r#"{"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":1,
    "architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86"],
    "syscalls":[{"names":["read","write"],"action":"SCMP_ACT_ALLOW"},
    {"names":["clone3"],"action":"SCMP_ACT_ERRNO","errnoRet":38},
    {"names":["ptrace"],"action":"SCMP_ACT_KILL"}]}"#;

#[test]
fn per_rule_actions_become_per_call_writes_before_the_default() {
    let mut cg = FakeCgroup::new("", "");
    let mut notes = Vec::new();
    let p = policy(CLONE3);
    assert_eq!(
        p.per_call,
        [
            (Action::Errno(38), SyscallSet::parse("clone3").unwrap()),
            (Action::Kill, SyscallSet::parse("ptrace").unwrap())
        ]
    );
    let writes = plan_policy(&cg, &p, &mut notes).unwrap();
    let content: Vec<&str> = writes.iter().map(|w| w.content.as_str()).collect();
    assert_eq!(
        content[..5],
        [
            "errno 38 clone3",
            "kill ptrace",
            "errno 1",
            "enforce",
            "all"
        ]
    );
    assert!(writes[..3].iter().all(|w| w.file == "syscalls.action"));
    assert!(notes.is_empty(), "{notes:?}");
    let shown = show_writes(&cg, &writes[..1]);
    assert!(shown.starts_with("echo 'errno 38 clone3' > /"), "{shown}");
    apply(&mut cg, &writes).unwrap();
    assert_eq!(
        cg.file("syscalls.action"),
        "errno EPERM\nerrno ENOSYS 435 ia32:435\nkill 101 ia32:26\n"
    );
    // Applied again: the same actions, nothing to set for calls.
    let again = plan_policy(&cg, &p, &mut notes).unwrap();
    assert_eq!(again[0], Write::new("syscalls.action", "errno 1"));
    assert_eq!(again[1], Write::new("syscalls.mode", "enforce"));
}

#[test]
fn apply_clears_old_per_call_actions_and_a_rollback_restores_them() {
    let mut cg = FakeCgroup::new("mkdir", "");
    let old = Actions {
        default: Action::Kill,
        calls: vec![
            (Action::Errno(13), SyscallSet::parse("mkdir").unwrap()),
            (
                Action::Errno(38),
                SyscallSet::parse("x86_64:clone3").unwrap(),
            ),
        ],
    };
    cg.set_actions(old.clone());
    let p = policy(CLONE3);
    let writes = plan_policy(&cg, &p, &mut Vec::new()).unwrap();
    let content: Vec<&str> = writes.iter().map(|w| w.content.as_str()).collect();
    // ia32's clone3 gets errno 38 too; ptrace is to kill, which the
    // old default did: its own action is set before the default
    // changes; mkdir's errno 13 goes after.
    assert_eq!(
        content[..4],
        [
            "errno 38 ia32:clone3",
            "kill ptrace",
            "errno 1",
            "default mkdir"
        ]
    );
    for at in 0..writes.len() {
        let mut cg = FakeCgroup::new("mkdir", "");
        cg.set_actions(old.clone());
        let before = cg.effective();
        cg.refuse = vec![(at, libc::EINVAL)];
        let e = apply(&mut cg, &writes).unwrap_err().0;
        assert!(e.contains("left as it was"), "{e}");
        assert_eq!(cg.effective(), before, "refused write {at}");
        // The same actions for the same calls (the kernel lists them
        // in the order they were set again).
        let mut now = cg.actions();
        now.calls.sort_by_key(|(a, _)| *a);
        assert_eq!(now, old, "refused write {at}");
    }
    apply(&mut cg, &writes).unwrap();
    assert_eq!(cg.actions().default, Action::Errno(1));
    assert_eq!(cg.actions().calls, p.per_call);
}

#[test]
fn more_than_eight_per_rule_actions_fall_back_to_the_default() {
    let rules: Vec<String> = (0..10)
        .map(|i| {
            // Rule i names i + 1 calls, from 10 * i on.
            let names: Vec<String> = (0..=i)
                .map(|k| format!("\"{}\"", Abi::X86_64.name(10 * i + k + 1).unwrap()))
                .collect();
            format!(
                r#"{{"names":[{}],"action":"SCMP_ACT_ERRNO","errnoRet":{}}}"#,
                names.join(","),
                100 + i
            )
        })
        .collect();
    let json = format!(
        r#"{{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64"],"syscalls":[{}]}}"#,
        rules.join(",")
    );
    let p = policy(&json);
    assert_eq!(p.action, Action::Errno(1));
    let kept: Vec<Action> = p.per_call.iter().map(|(a, _)| *a).collect();
    assert_eq!(kept, (102..110).map(Action::Errno).collect::<Vec<_>>());
    let notes: Vec<&String> = p
        .notes
        .iter()
        .filter(|n| n.contains("at most 8 actions for particular calls"))
        .collect();
    assert_eq!(notes.len(), 2, "{:?}", p.notes);
    assert!(
        notes[0].starts_with("the profile gives errno 101 for "),
        "{}",
        notes[0]
    );
    assert!(
        notes[1].starts_with("the profile gives errno 100 for "),
        "{}",
        notes[1]
    );
    assert!(
        notes[0].ends_with("besides its default one: errno 1"),
        "{}",
        notes[0]
    );
    let mut cg = FakeCgroup::new("", "");
    let writes = plan_policy(&cg, &p, &mut Vec::new()).unwrap();
    apply(&mut cg, &writes).unwrap();
    assert_eq!(cg.actions().calls.len(), 8);
}

#[test]
fn items_are_checked_and_groups_expanded() {
    let w = plan_items(
        "syscalls.deny",
        &["@swap".into(), "ia32:39".into(), "0-3".into()],
    )
    .unwrap();
    assert_eq!(
        w,
        [Write::new("syscalls.deny", "swapoff,swapon,ia32:39,0-3")]
    );
    let e = plan_items("syscalls.deny", &["mkdir".into(), "bogus".into()])
        .unwrap_err()
        .0;
    assert_eq!(
        e,
        format!(
            "`bogus`: no such system call in the x86_64 or ia32 table of Linux {}",
            table::TABLES_KERNEL
        )
    );
    assert!(plan_items("syscalls.allow", &["@bogus".into()]).is_err());
}
