// SPDX-License-Identifier: GPL-2.0

//! `show`: a cgroup's effective policy by name, its mode, actions and
//! denial counters.

use crate::actions::Actions;
use crate::cgroup::{denied, effective, own, read_optional, Files};
use crate::cond::by_name;
use crate::error::Result;
use crate::profile::describe;
use crate::set::SyscallSet;
use crate::table::Abi;

/// The names (or numbers, for holes) of `abi`'s calls in `set`.
fn names(set: &SyscallSet, abi: Abi) -> Vec<String> {
    set.iter(abi)
        .map(|nr| abi.name(nr).map_or(nr.to_string(), str::to_string))
        .collect()
}

/// One ABI's line: the denied calls, or what is allowed when most are
/// denied.
pub fn abi_line(set: &SyscallSet, abi: Abi) -> String {
    let count = set.iter(abi).count();
    let size = abi.size();
    if count == 0 {
        return format!("{:<7} nothing denied", abi.prefix());
    }
    if count * 2 > size {
        let allowed = SyscallSet::all().minus(set).without_outside_rules();
        let list = names(&allowed, abi);
        return match list.is_empty() {
            true => format!("{:<7} all denied", abi.prefix()),
            false => format!(
                "{:<7} all denied but {} calls: {}",
                abi.prefix(),
                list.len(),
                list.join(" ")
            ),
        };
    }
    format!(
        "{:<7} {} denied: {}",
        abi.prefix(),
        count,
        names(set, abi).join(" ")
    )
}

/// The default action, then one line per action for particular calls,
/// with the calls by name (as read, when the read cannot be parsed).
fn action_lines(text: &str) -> String {
    let Ok(actions) = Actions::parse(text) else {
        let mut lines = text.lines().filter(|l| !l.trim().is_empty());
        let mut out = format!("action  {}\n", lines.next().unwrap_or("").trim());
        lines.for_each(|l| out.push_str(&format!("  {}\n", l.trim())));
        return out;
    };
    let mut out = format!("action  {}\n", actions.default.by_name());
    for (a, calls) in &actions.calls {
        out.push_str(&format!("  {} for {}\n", a.by_name(), describe(calls)));
    }
    out
}

/// The report of `show`.
pub fn show(files: &dyn Files) -> Result<String> {
    let set = denied(files)?;
    let mut out = format!("cgroup  {}\n", files.path("").trim_end_matches('/'));
    let absent = "(not supported by this kernel)".to_string();
    for (label, file) in [
        ("mode", "syscalls.mode"),
        ("action", "syscalls.action"),
        ("events", "syscalls.events"),
        ("local", "syscalls.events.local"),
        ("learn", "syscalls.learn"),
    ] {
        match read_optional(files, file)? {
            Some(v) if label == "action" => out.push_str(&action_lines(&v)),
            Some(v) => out.push_str(&format!("{label:<7} {}\n", v.trim())),
            None if label == "local" => {}
            None => out.push_str(&format!("{label:<7} {absent}\n")),
        }
    }
    out.push_str(
        "denied (always allowed: exit exit_group rt_sigreturn sigreturn restart_syscall)\n",
    );
    for abi in Abi::ALL {
        out.push_str(&format!("  {}\n", abi_line(&set, abi)));
    }
    // The conditions, and which are an ancestor's (the cgroup cannot lift
    // those) where syscalls.policy says what is its own.
    let conds = effective(files)?.conds;
    if !conds.is_empty() {
        out.push_str("denied by argument (the call runs unless a condition holds)\n");
        let own = own(files)?.map(|o| o.conds);
        for (name, items) in by_name(&conds) {
            let theirs = own
                .as_ref()
                .is_some_and(|o| items.iter().any(|c| !o.contains(c)));
            out.push_str(&format!(
                "  {name}{}\n",
                if theirs { "  (an ancestor's)" } else { "" }
            ));
        }
    }
    match read_optional(files, "syscalls.stat")? {
        Some(stat) if stat.trim().is_empty() => out.push_str("stat    no call denied yet\n"),
        Some(stat) => {
            out.push_str("stat    denials per call\n");
            for line in stat.lines().filter(|l| !l.trim().is_empty()) {
                out.push_str(&format!("  {}\n", line.trim()));
            }
        }
        None => out.push_str(&format!("stat    {absent}\n")),
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake::FakeCgroup;

    #[test]
    fn show_names_the_denied_calls_per_abi() {
        let cg = FakeCgroup::new("mkdir,ia32:socketcall", "");
        std::fs::write(cg.dir.join("syscalls.stat"), "mkdir 3\nia32:socketcall 1\n").unwrap();
        let out = show(&cg).unwrap();
        assert!(
            out.contains("\nmode    enforce\naction  errno ENOSYS\nevents  denied 0\n"),
            "{out}"
        );
        assert!(out.contains("  x86_64  1 denied: mkdir\n"), "{out}");
        assert!(
            out.contains("  ia32    2 denied: mkdir socketcall\n"),
            "{out}"
        );
        assert!(
            out.contains("stat    denials per call\n  mkdir 3\n  ia32:socketcall 1\n"),
            "{out}"
        );
    }

    #[test]
    fn show_gives_the_actions_of_particular_calls_by_name() {
        let mut cg = FakeCgroup::new("all", "");
        let mut a = Actions::new(crate::actions::Action::Errno(1));
        a.set(
            Some(crate::actions::Action::Errno(38)),
            &SyscallSet::parse("clone3").unwrap(),
        )
        .unwrap();
        a.set(
            Some(crate::actions::Action::Kill),
            &SyscallSet::parse("x86_64:ptrace,ia32:socketcall").unwrap(),
        )
        .unwrap();
        a.set(
            Some(crate::actions::Action::Errno(4000)),
            &SyscallSet::parse("mkdir").unwrap(),
        )
        .unwrap();
        cg.set_actions(a);
        let out = show(&cg).unwrap();
        assert!(
            out.contains(
                "\naction  errno EPERM\n  errno ENOSYS for clone3\n  \
                 kill for ptrace ia32:socketcall\n  errno 4000 for mkdir\nevents  "
            ),
            "{out}"
        );
        // What a parser does not know is shown as read.
        std::fs::write(cg.dir.join("syscalls.action"), "kill\nodd line\n").unwrap();
        let out = show(&cg).unwrap();
        assert!(
            out.contains("\naction  kill\n  odd line\nevents  "),
            "{out}"
        );
    }

    #[test]
    fn show_names_the_conditions_and_whose_they_are() {
        let mut cg = FakeCgroup::with_policy_file("mkdir", "");
        cg.write(
            "syscalls.deny",
            "socket(arg0=38|40) ia32:personality(arg0=8)",
        )
        .unwrap();
        let root = cg.root();
        cg.deny_at(&root, "clone(arg0&0x7e020000!=0)");
        let out = show(&cg).unwrap();
        assert!(
            out.contains(
                "  ia32    1 denied: mkdir\ndenied by argument (the call runs unless a condition holds)\n  \
                 socket(arg0=38|40)\n  clone(arg0&0x7e020000!=0)  (an ancestor's)\n  \
                 ia32:personality(arg0=8)\nstat "
            ),
            "{out}"
        );
    }

    #[test]
    fn show_of_an_allow_list_and_an_older_kernel() {
        let mut cg = FakeCgroup::new("all", "");
        let allowed = SyscallSet::parse("read,write").unwrap();
        let set = SyscallSet::all().minus(&allowed);
        assert_eq!(
            abi_line(&set, Abi::X86_64),
            "x86_64  all denied but 2 calls: read write"
        );
        for f in ["syscalls.mode", "syscalls.action", "syscalls.stat"] {
            cg.remove_file(f);
        }
        let out = show(&cg).unwrap();
        assert!(
            out.contains("mode    (not supported by this kernel)"),
            "{out}"
        );
        assert!(out.contains("  ia32    all denied\n"), "{out}");
        assert_eq!(
            abi_line(&SyscallSet::empty(), Abi::Ia32),
            "ia32    nothing denied"
        );
    }
}
