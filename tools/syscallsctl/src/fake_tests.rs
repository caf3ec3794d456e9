// SPDX-License-Identifier: GPL-2.0

use super::*;

#[test]
fn the_fake_reads_as_the_kernel_does() {
    let mut cg = FakeCgroup::new("clone3", "");
    cg.write("syscalls.action", "errno EPERM").unwrap();
    cg.write("syscalls.action", "errno 38 clone3").unwrap();
    assert_eq!(
        cg.file("syscalls.action"),
        "errno EPERM\nerrno ENOSYS 435 ia32:435\n"
    );
    cg.write("syscalls.action", "kill x86_64:mkdir,ia32:socketcall")
        .unwrap();
    cg.write("syscalls.action", "errno 4000 0-2").unwrap();
    assert_eq!(
        cg.file("syscalls.action"),
        "errno EPERM\nerrno ENOSYS 435 ia32:435\nkill x86_64:83 ia32:102\nerrno 4000 0-2 ia32:3-5\n"
    );
    assert_eq!(
        Actions::parse(&cg.file("syscalls.action")).unwrap(),
        cg.actions()
    );
    cg.write("syscalls.action", "default clone3 mkdir").unwrap();
    // clone3's action goes, and mkdir leaves kill, which keeps socketcall.
    assert_eq!(cg.actions().calls.len(), 2);
    let e =
        |cg: &mut FakeCgroup, w: &str| cg.write("syscalls.action", w).unwrap_err().raw_os_error();
    assert_eq!(e(&mut cg, "default"), Some(libc::EINVAL));
    assert_eq!(e(&mut cg, "errno EPERM bogus"), Some(libc::EINVAL));
    assert_eq!(e(&mut cg, "errno EPERM socket(arg0=1)"), Some(libc::EINVAL));
    for n in 1..=6 {
        cg.write("syscalls.action", &format!("errno {n} x86_64:{}", n + 10))
            .unwrap();
    }
    cg.write("syscalls.action", "kill read").unwrap();
    assert_eq!(e(&mut cg, "errno 99 read"), Some(libc::ENOSPC));
    assert_eq!(cg.actions().calls.len(), 8);
}

#[test]
fn the_fake_keeps_conditions_as_the_kernel_does() {
    let mut cg = FakeCgroup::with_policy_file("", "");
    cg.write("syscalls.deny", "mkdir socket(arg0=38)").unwrap();
    assert_eq!(
        cg.file("syscalls.deny"),
        "83 ia32:39 x86_64:41(arg0=38) ia32:359(arg0=38)\n"
    );
    assert_eq!(
        cg.file("syscalls.policy"),
        "deny 83 ia32:39\ndeny x86_64:41(arg0=38) ia32:359(arg0=38)\nmode enforce\n\
         action errno ENOSYS\n"
    );
    // Identical conditions are kept once; another one is added.
    cg.write("syscalls.deny", "x86_64:41(arg0=38) socket(arg0=40)")
        .unwrap();
    assert_eq!(cg.own_conditions().len(), 4);
    // An allow of one exact condition removes it alone.
    cg.write("syscalls.allow", "socket(arg0=38)").unwrap();
    assert_eq!(
        cg.file("syscalls.deny"),
        "83 ia32:39 x86_64:41(arg0=40) ia32:359(arg0=40)\n"
    );
    // One that is not held is a no-op success; a plain allow drops
    // them all.
    cg.write("syscalls.allow", "socket(arg0=1)").unwrap();
    cg.write("syscalls.allow", "socket").unwrap();
    assert_eq!(cg.file("syscalls.deny"), "83 ia32:39\n");
    // A parent's exact condition cannot be allowed below it; a plain
    // allow succeeds and leaves it in force.
    let root = cg.root();
    cg.deny_at(&root, "clone(arg0&0x7e020000!=0)");
    assert_eq!(
        cg.file("syscalls.deny"),
        "83 ia32:39 x86_64:56(arg0&0x7e020000!=0) ia32:120(arg0&0x7e020000!=0)\n"
    );
    let e = |cg: &mut FakeCgroup, f: &str, w: &str| cg.write(f, w).unwrap_err().raw_os_error();
    assert_eq!(
        e(&mut cg, "syscalls.allow", "clone(arg0&0x7e020000!=0)"),
        Some(libc::EPERM)
    );
    cg.write("syscalls.allow", "clone").unwrap();
    assert!(cg.file("syscalls.deny").contains("x86_64:56("));
    // 32 conditions of its own, no more.
    let many: Vec<String> = (1..=16).map(|v| format!("socket(arg1={v})")).collect();
    cg.write("syscalls.deny", &many.join(",")).unwrap();
    assert_eq!(
        e(&mut cg, "syscalls.deny", "socket(arg2=1)"),
        Some(libc::ENOSPC)
    );
    assert_eq!(
        e(&mut cg, "syscalls.deny", "0-3(arg0=1)"),
        Some(libc::EINVAL)
    );
    assert_eq!(cg.own_conditions().len(), 32);
    // A whole policy replaces them, line by line.
    cg.write(
        "syscalls.policy",
        "deny all\nallow read,socket\ndeny socket(arg0=38|40)\naction errno 1\n",
    )
    .unwrap();
    assert_eq!(cg.own_conditions().len(), 2);
    assert!(cg
        .file("syscalls.policy")
        .contains("\ndeny x86_64:41(arg0=38|40) ia32:359(arg0=38|40)\nmode enforce\n"));
    assert_eq!(
        e(&mut cg, "syscalls.policy", "deny all\nbogus\n"),
        Some(libc::EINVAL)
    );
    assert_eq!(cg.own_conditions().len(), 2);
}
