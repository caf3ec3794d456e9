// SPDX-License-Identifier: GPL-2.0

//! The writes that put a policy or a list of items into a cgroup, all
//! computed before the first one is made.

use crate::cgroup::{read_optional, Files, Write};
use crate::error::{Error, Result};
use crate::groups;
use crate::profile::{describe, Action, Policy, ENOSYS};
use crate::set::{chunk, SyscallSet};
use crate::table;

/// The writes that give the cgroup `policy`: the action, the mode, then its
/// deny set. The effective set becomes the policy's, joined with what the
/// parent denies (an allow of those would fail: they are left out, with a
/// note).
pub fn plan_policy(
    files: &dyn Files,
    policy: &Policy,
    notes: &mut Vec<String>,
) -> Result<Vec<Write>> {
    let parent = files.parent_denied()?;
    let mut writes = Vec::new();
    match read_optional(files, "syscalls.action")? {
        Some(_) => writes.push(Write::new("syscalls.action", policy.action.to_string())),
        None if policy.action == Action::Errno(ENOSYS) => {}
        None => {
            return Err(Error(format!(
                "{}: no such file: this kernel cannot set an action, and the policy needs {}",
                files.path("syscalls.action"),
                policy.action
            )))
        }
    }
    match read_optional(files, "syscalls.mode")? {
        Some(_) => writes.push(Write::new(
            "syscalls.mode",
            if policy.log { "log" } else { "enforce" },
        )),
        None if !policy.log => {}
        None => {
            return Err(Error(format!(
                "{}: no such file: this kernel has no log mode, which the policy needs",
                files.path("syscalls.mode")
            )))
        }
    }
    let allowed = policy.denied.complement().without_outside_rules();
    let blocked = allowed.intersect(&parent);
    if !blocked.is_empty() {
        notes.push(format!(
            "the parent cgroup denies calls the policy allows; they stay denied: {}",
            describe(&blocked)
        ));
    }
    let allow = allowed.minus(&parent);
    if policy.deny_by_default {
        writes.push(Write::new("syscalls.deny", "all"));
    } else {
        // Deny first, so that no call is allowed on the way.
        for c in chunk(&policy.denied.without_outside_rules().exact_items()) {
            writes.push(Write::new("syscalls.deny", c));
        }
    }
    for c in chunk(&allow.exact_items()) {
        writes.push(Write::new("syscalls.allow", c));
    }
    Ok(writes)
}

/// The writes of `items` (names, numbers, ranges, `all`, `@group`s) to
/// `file`, checked against the tables first.
pub fn plan_items(file: &str, items: &[String]) -> Result<Vec<Write>> {
    let expanded = groups::expand_items(items).map_err(Error)?;
    SyscallSet::parse(&expanded.join(",")).map_err(Error)?;
    Ok(chunk(&expanded)
        .into_iter()
        .map(|c| Write::new(file, c))
        .collect())
}

/// The write of `action` (`errno NAME`, `errno N`, `kill`) to
/// `syscalls.action`, checked first: the errno by its number, as the kernel
/// takes it.
pub fn plan_action(action: &str) -> Result<Vec<Write>> {
    let words: Vec<&str> = action.split_ascii_whitespace().collect();
    let bad = || {
        Error(format!(
            "`{action}`: not an action (errno NAME, errno N with N from 1 to 4095, or kill)"
        ))
    };
    let content = match words[..] {
        ["kill"] => "kill".to_string(),
        ["errno", e] => {
            let n = match e.parse::<u32>() {
                Ok(n) => n,
                Err(_) => table::errno_number(e).ok_or_else(bad)?,
            };
            if !(1..=4095).contains(&n) {
                return Err(bad());
            }
            format!("errno {n}")
        }
        _ => return Err(bad()),
    };
    Ok(vec![Write::new("syscalls.action", content)])
}

/// What `--dry-run` prints for `writes`.
pub fn show_writes(files: &dyn Files, writes: &[Write]) -> String {
    writes
        .iter()
        .map(|w| format!("echo '{}' > {}\n", w.content, files.path(&w.file)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cgroup::apply;
    use crate::fake::FakeCgroup;
    use crate::profile::{translate, ArgsPolicy, Options, Profile};

    fn policy(json: &str) -> Policy {
        let p: Profile = serde_json::from_str(json).unwrap();
        let o = Options {
            caps: vec![],
            args: ArgsPolicy::Narrow,
            kernel: (6, 12),
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
            p.denied.union(&cg.parent).without_outside_rules()
        );
        let shown = show_writes(&cg, &writes[2..3]);
        assert!(shown.starts_with("echo 'all' > /") && shown.ends_with("/syscalls.deny\n"));
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
        let cg = FakeCgroup::new("", "");
        std::fs::remove_file(cg.dir.path().join("syscalls.action")).unwrap();
        std::fs::remove_file(cg.dir.path().join("syscalls.mode")).unwrap();
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
        let w = |a: &str| plan_action(a).map(|w| w[0].content.clone());
        assert_eq!(w("errno EPERM").unwrap(), "errno 1");
        assert_eq!(w(" errno  4000 ").unwrap(), "errno 4000");
        assert_eq!(w("kill").unwrap(), "kill");
        assert_eq!(table::errno_number("ENOSYS"), Some(38));
        for bad in [
            "errno EBOGUS",
            "errno 0",
            "errno 4096",
            "errno",
            "kill 9",
            "log",
        ] {
            let e = w(bad).unwrap_err().0;
            assert!(e.starts_with(&format!("`{bad}`: not an action")), "{e}");
        }
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
            "`bogus`: no such system call in the x86_64 or ia32 table of Linux 6.12"
        );
        assert!(plan_items("syscalls.allow", &["@bogus".into()]).is_err());
    }
}
