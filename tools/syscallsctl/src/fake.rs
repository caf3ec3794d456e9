// SPDX-License-Identifier: GPL-2.0

//! For the unit tests: a fake cgroup directory in a tempdir. Its files are
//! plain files; writes to `syscalls.deny` and `syscalls.allow` follow the
//! kernel's rules (a deny adds, an allow removes and fails with `EPERM` for
//! calls the parent denies), so do those to `syscalls.action` (`ACTION`,
//! `ACTION CALLS`, `default CALLS`, `ENOSPC` beyond eight actions for
//! particular calls, and the kernel's multi-line read), and a chosen write
//! can be refused.

use std::io;

use crate::actions::{parse_action, Actions};
use crate::cgroup::{Cgroup, Files, Write};
use crate::error::Result;
use crate::profile::{Action, ENOSYS};
use crate::set::SyscallSet;
use crate::table::{self, Abi};

pub struct FakeCgroup {
    pub dir: tempfile::TempDir,
    cg: Cgroup,
    /// The parent's effective set.
    pub parent: SyscallSet,
    /// The cgroup's own rules.
    pub own: SyscallSet,
    /// Its `syscalls.action`.
    pub actions: Actions,
    /// Refuse the writes numbered `n` (from 0) with `errno`.
    pub refuse: Vec<(usize, i32)>,
    /// Every write tried, refused ones included.
    pub log: Vec<Write>,
}

impl FakeCgroup {
    /// A cgroup with the files of the full interface; `own` and `parent`
    /// make up its deny set.
    pub fn new(own: &str, parent: &str) -> FakeCgroup {
        let dir = tempfile::tempdir().unwrap();
        for (f, c) in [
            ("syscalls.deny", ""),
            ("syscalls.allow", ""),
            ("syscalls.mode", "enforce\n"),
            ("syscalls.action", "errno ENOSYS\n"),
            ("syscalls.learn", "0\n"),
            ("syscalls.used", "\n"),
            ("syscalls.events", "denied 0\n"),
            ("syscalls.stat", ""),
            ("cgroup.procs", ""),
        ] {
            std::fs::write(dir.path().join(f), c).unwrap();
        }
        let cg = Cgroup::open(dir.path()).unwrap();
        let mut fake = FakeCgroup {
            dir,
            cg,
            parent: SyscallSet::parse(parent).unwrap().without_outside_rules(),
            own: SyscallSet::parse(own).unwrap().without_outside_rules(),
            actions: Actions::new(Action::Errno(ENOSYS)),
            refuse: Vec::new(),
            log: Vec::new(),
        };
        fake.sync();
        fake
    }

    pub fn effective(&self) -> SyscallSet {
        self.own.union(&self.parent)
    }

    /// Writes the effective set into `syscalls.deny`, as a read shows it.
    fn sync(&mut self) {
        let text = self.effective().exact_items().join(",") + "\n";
        std::fs::write(self.dir.path().join("syscalls.deny"), text).unwrap();
    }

    /// Sets the actions and writes `syscalls.action` as a read shows it.
    pub fn set_actions(&mut self, actions: Actions) {
        self.actions = actions;
        std::fs::write(
            self.dir.path().join("syscalls.action"),
            format_actions(&self.actions),
        )
        .unwrap();
    }

    /// What a write to `syscalls.action` does in the kernel.
    fn write_action(&mut self, content: &str) -> io::Result<()> {
        let err = |e| io::Error::from_raw_os_error(e);
        let words: Vec<&str> = content.split_ascii_whitespace().collect();
        let (action, n) = match words.first() {
            Some(&"default") => (None, 1),
            _ => {
                let (a, n) = parse_action(&words).ok_or(err(libc::EINVAL))?;
                (Some(a), n)
            }
        };
        let mut next = self.actions.clone();
        match (action, n == words.len()) {
            (Some(a), true) => next.default = a,
            (None, true) => return Err(err(libc::EINVAL)),
            (a, false) => {
                let calls =
                    SyscallSet::parse(&words[n..].join(" ")).map_err(|_| err(libc::EINVAL))?;
                next.set(a, &calls).map_err(|()| err(libc::ENOSPC))?;
            }
        }
        self.set_actions(next);
        Ok(())
    }

    pub fn file(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(name)).unwrap()
    }
}

impl Files for FakeCgroup {
    fn read(&self, file: &str) -> io::Result<String> {
        self.cg.read(file)
    }

    fn write(&mut self, file: &str, content: &str) -> io::Result<()> {
        let n = self.log.len();
        self.log.push(Write::new(file, content));
        if let Some(&(_, errno)) = self.refuse.iter().find(|(at, _)| *at == n) {
            return Err(io::Error::from_raw_os_error(errno));
        }
        let einval = || io::Error::from_raw_os_error(libc::EINVAL);
        match file {
            "syscalls.deny" | "syscalls.allow" => {
                let set = SyscallSet::parse(content)
                    .map_err(|_| einval())?
                    .without_outside_rules();
                if file == "syscalls.deny" {
                    self.own = self.own.union(&set);
                } else if !set.intersect(&self.parent).is_empty() {
                    return Err(io::Error::from_raw_os_error(libc::EPERM));
                } else {
                    self.own = self.own.minus(&set);
                }
                self.sync();
                Ok(())
            }
            "syscalls.action" => self.write_action(content),
            _ => self.cg.write(file, content),
        }
    }

    fn path(&self, file: &str) -> String {
        self.cg.path(file)
    }

    fn parent_denied(&self) -> Result<SyscallSet> {
        Ok(self.parent.clone())
    }
}

/// Calls as the kernel reads them: x86_64 numbers bare when every one comes
/// with its ia32 namesake, else prefixed, then the ia32 numbers; ranges,
/// commas within an ABI, a space between them.
pub fn format_calls(set: &SyscallSet) -> String {
    let bare = set
        .iter(Abi::X86_64)
        .all(|nr| table::ia32_namesake(nr).is_none_or(|m| set.contains(Abi::Ia32, m)));
    let mut parts = Vec::new();
    for abi in Abi::ALL {
        let items: Vec<String> = set
            .ranges(abi)
            .into_iter()
            .map(|(lo, hi)| {
                let prefix = match abi == Abi::X86_64 && bare {
                    true => String::new(),
                    false => format!("{}:", abi.prefix()),
                };
                match lo == hi {
                    true => format!("{prefix}{lo}"),
                    false => format!("{prefix}{lo}-{hi}"),
                }
            })
            .collect();
        if !items.is_empty() {
            parts.push(items.join(","));
        }
    }
    parts.join(" ")
}

/// A read of `syscalls.action`.
pub fn format_actions(a: &Actions) -> String {
    let mut out = format!("{}\n", a.default.by_name());
    for (action, calls) in &a.calls {
        out.push_str(&format!("{} {}\n", action.by_name(), format_calls(calls)));
    }
    out
}

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
        cg.actions
    );
    cg.write("syscalls.action", "default clone3 mkdir").unwrap();
    // clone3's action goes, and mkdir leaves kill, which keeps socketcall.
    assert_eq!(cg.actions.calls.len(), 2);
    let e =
        |cg: &mut FakeCgroup, w: &str| cg.write("syscalls.action", w).unwrap_err().raw_os_error();
    assert_eq!(e(&mut cg, "default"), Some(libc::EINVAL));
    assert_eq!(e(&mut cg, "errno EPERM bogus"), Some(libc::EINVAL));
    for n in 1..=6 {
        cg.write("syscalls.action", &format!("errno {n} x86_64:{}", n + 10))
            .unwrap();
    }
    cg.write("syscalls.action", "kill read").unwrap();
    assert_eq!(e(&mut cg, "errno 99 read"), Some(libc::ENOSPC));
    assert_eq!(cg.actions.calls.len(), 8);
}
