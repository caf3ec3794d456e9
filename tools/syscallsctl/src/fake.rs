// SPDX-License-Identifier: GPL-2.0

//! For the unit tests: a fake cgroup directory in a tempdir. Its files are
//! plain files; writes to `syscalls.deny` and `syscalls.allow` follow the
//! kernel's rules (a deny adds, an allow removes and fails with `EPERM` for
//! calls the parent denies), and a chosen write can be refused.

use std::io;

use crate::cgroup::{Cgroup, Files, Write};
use crate::error::Result;
use crate::set::SyscallSet;

pub struct FakeCgroup {
    pub dir: tempfile::TempDir,
    cg: Cgroup,
    /// The parent's effective set.
    pub parent: SyscallSet,
    /// The cgroup's own rules.
    pub own: SyscallSet,
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
