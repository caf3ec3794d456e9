// SPDX-License-Identifier: GPL-2.0

use super::*;
use crate::fake::FakeCgroup;

fn plan() -> Vec<Write> {
    vec![
        Write::new("syscalls.action", "errno 1"),
        Write::new("syscalls.mode", "log"),
        Write::new("syscalls.deny", "all"),
        Write::new("syscalls.allow", "x86_64:0-10"),
        Write::new("syscalls.allow", "ia32:0-10"),
    ]
}

#[test]
fn a_plan_that_succeeds_is_written_in_order() {
    let mut cg = FakeCgroup::new("mkdir", "");
    apply(&mut cg, &plan()).unwrap();
    assert_eq!(cg.log, plan());
    assert_eq!(cg.file("syscalls.mode"), "log\n");
    assert_eq!(cg.file("syscalls.action"), "errno EPERM\n");
    let expect = SyscallSet::parse("all")
        .unwrap()
        .minus(&SyscallSet::parse("x86_64:0-10 ia32:0-10").unwrap());
    assert_eq!(cg.effective(), expect.without_outside_rules());
}

#[test]
fn every_refused_write_rolls_back_everything() {
    for at in 0..plan().len() {
        let mut cg = FakeCgroup::new("mkdir,ptrace", "");
        let before = cg.effective();
        cg.refuse = vec![(at, libc::EINVAL)];
        let e = apply(&mut cg, &plan()).unwrap_err().0;
        let w = &plan()[at];
        assert!(
            e.contains(&format!("{}: the kernel refused the write", w.file)),
            "{e}"
        );
        assert!(
            e.contains("Invalid argument") && e.contains("left as it was"),
            "{e}"
        );
        assert_eq!(cg.effective(), before, "refused write {at}");
        assert_eq!(cg.file("syscalls.mode").trim(), "enforce");
        assert_eq!(cg.file("syscalls.action").trim(), "errno ENOSYS");
    }
}

#[test]
fn rollback_under_a_denying_parent_restores_the_effective_set() {
    // The parent denies ptrace; an allow of it fails with EPERM after the
    // deny of all went through.
    let mut cg = FakeCgroup::new("mkdir", "ptrace,ia32:all");
    let before = cg.effective();
    let writes = vec![
        Write::new("syscalls.deny", "all"),
        Write::new("syscalls.allow", "x86_64:0-200"),
    ];
    let e = apply(&mut cg, &writes).unwrap_err().0;
    assert!(
        e.contains("Operation not permitted (an ancestor denies"),
        "{e}"
    );
    assert_eq!(cg.effective(), before);
    // The undoing never allows a call the parent denies.
    assert!(cg.log[2..].iter().all(|w| w.file != "syscalls.allow"
        || SyscallSet::parse(&w.content)
            .unwrap()
            .intersect(&cg.parent())
            .is_empty()));
}

#[test]
fn a_file_that_cannot_be_saved_stops_the_plan_before_any_write() {
    let mut cg = FakeCgroup::new("", "");
    cg.remove_file("syscalls.mode");
    let e = apply(&mut cg, &plan()).unwrap_err().0;
    assert!(
        e.ends_with("syscalls.mode: No such file or directory"),
        "{e}"
    );
    assert!(cg.log.is_empty());
}

#[test]
fn a_failed_undo_is_reported() {
    let mut cg = FakeCgroup::new("", "");
    // The deny is refused, and so is the write that restores the mode.
    cg.refuse = vec![(1, libc::EINVAL), (2, libc::EBUSY)];
    let writes = [
        Write::new("syscalls.mode", "log"),
        Write::new("syscalls.deny", "all"),
    ];
    let e = apply(&mut cg, &writes).unwrap_err().0;
    assert!(
        e.contains("syscalls.deny: the kernel refused the write `all`: Invalid argument"),
        "{e}"
    );
    assert!(e.contains("undoing the earlier writes failed too"), "{e}");
    assert!(e.ends_with("syscalls.mode: Device or resource busy"), "{e}");
    assert_eq!(cg.log.len(), 3);
}

#[test]
fn open_names_the_path_and_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let e = Cgroup::open(dir.path()).err().unwrap().0;
    assert!(e.contains("not a syscalls cgroup (no syscalls.deny"), "{e}");
    let e = Cgroup::open(&dir.path().join("nope")).err().unwrap().0;
    assert!(e.ends_with("nope: No such file or directory"), "{e}");
    std::fs::write(dir.path().join("f"), "").unwrap();
    let e = Cgroup::open(&dir.path().join("f")).err().unwrap().0;
    assert!(e.ends_with("f: not a directory"), "{e}");
}

#[test]
fn parent_denied_reads_the_parent_directory() {
    let dir = tempfile::tempdir().unwrap();
    let child = dir.path().join("child");
    std::fs::create_dir(&child).unwrap();
    std::fs::write(child.join("syscalls.deny"), "\n").unwrap();
    let cg = Cgroup::open(&child).unwrap();
    assert!(cg.parent_denied().unwrap().is_empty());
    std::fs::write(dir.path().join("syscalls.deny"), "83 ia32:39\n").unwrap();
    assert_eq!(
        cg.parent_denied().unwrap(),
        SyscallSet::parse("mkdir").unwrap()
    );
}
