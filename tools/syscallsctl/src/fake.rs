// SPDX-License-Identifier: GPL-2.0

//! For the unit tests: fake cgroup directories in a tempdir, a root and
//! the cgroups made below it, whose files are plain files that a model of
//! the kernel rewrites after each write, as reads would show it. Writes to
//! `syscalls.deny` and `syscalls.allow` follow the kernel's rules: a deny
//! adds calls and conditions (`ENOSPC` past 32 conditions of its own); an
//! allow removes them, and fails with `EPERM` for calls an ancestor denies
//! or an exact condition an ancestor holds; a plain allow of a call also
//! drops its own conditions on it. So do those to `syscalls.action`
//! (`ACTION`, `ACTION CALLS`, `default CALLS`, `ENOSPC` beyond eight
//! actions for particular calls) and `syscalls.policy` (the whole own
//! policy, line by line from nothing, all or nothing). A chosen write can
//! be refused, and a file removed as an older kernel lacks it.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use crate::actions::{parse_action, Action, Actions, ENOSYS};
use crate::cgroup::{Files, Tree};
use crate::cond::{self, CondItem};
use crate::error::{Error, Result};
use crate::set::{Items, SyscallSet};
use crate::table::{self, Abi};
use crate::write::Write;

/// One cgroup's own policy.
#[derive(Clone)]
struct Node {
    own: SyscallSet,
    conds: Vec<CondItem>,
    mode: String,
    actions: Actions,
}

impl Node {
    fn new() -> Node {
        Node {
            own: SyscallSet::empty(),
            conds: Vec::new(),
            mode: "enforce".to_string(),
            actions: Actions::new(Action::Errno(ENOSYS)),
        }
    }
}

/// The files a model cgroup has, and what they hold at first.
const FILES: [(&str, &str); 11] = [
    ("syscalls.deny", ""),
    ("syscalls.allow", ""),
    ("syscalls.mode", "enforce\n"),
    ("syscalls.action", "errno ENOSYS\n"),
    ("syscalls.policy", ""),
    ("syscalls.learn", "0\n"),
    ("syscalls.used", "\n"),
    ("syscalls.events", "denied 0\n"),
    ("syscalls.stat", ""),
    ("cgroup.procs", ""),
    ("cgroup.subtree_control", ""),
];

pub struct FakeCgroup {
    tmp: tempfile::TempDir,
    /// The cgroup whose files [`Files`] gives: the root's child `cg`.
    pub dir: PathBuf,
    nodes: BTreeMap<PathBuf, Node>,
    /// The files this kernel lacks.
    absent: Vec<String>,
    /// Refuse the writes numbered `n` (from 0) with `errno`.
    pub refuse: Vec<(usize, i32)>,
    /// Every write tried, refused ones included, and the cgroup of each.
    pub log: Vec<Write>,
    pub log_dirs: Vec<PathBuf>,
}

impl FakeCgroup {
    /// A cgroup `cg` whose own rules are `own`, below a root (its parent)
    /// whose own rules are `parent`, both with the files of the full
    /// interface but `syscalls.policy` (add it with
    /// [`FakeCgroup::with_policy_file`]).
    pub fn new(own: &str, parent: &str) -> FakeCgroup {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("cg");
        let mut fake = FakeCgroup {
            dir: dir.clone(),
            nodes: BTreeMap::new(),
            absent: vec!["syscalls.policy".to_string()],
            refuse: Vec::new(),
            log: Vec::new(),
            log_dirs: Vec::new(),
            tmp,
        };
        let root = fake.tmp.path().to_path_buf();
        fake.add(&root);
        fake.add(&dir);
        let set = |t: &str| SyscallSet::parse(t).unwrap().without_outside_rules();
        fake.nodes.get_mut(&root).unwrap().own = set(parent);
        fake.nodes.get_mut(&dir).unwrap().own = set(own);
        fake.render();
        fake
    }

    /// The same with a `syscalls.policy` file in every cgroup, as kernels
    /// with argument conditions have.
    pub fn with_policy_file(own: &str, parent: &str) -> FakeCgroup {
        let mut fake = FakeCgroup::new(own, parent);
        fake.absent.clear();
        fake.render();
        fake
    }

    /// The root of the tree (the parent of [`FakeCgroup::dir`]).
    pub fn root(&self) -> PathBuf {
        self.tmp.path().to_path_buf()
    }

    /// Makes a cgroup below an existing one (`a/b`, relative to the root).
    pub fn mkdir(&mut self, rel: &str) -> PathBuf {
        let dir = self.root().join(rel);
        assert!(self.nodes.contains_key(dir.parent().unwrap()), "{rel}");
        self.add(&dir);
        self.render();
        dir
    }

    fn add(&mut self, dir: &Path) {
        std::fs::create_dir_all(dir).unwrap();
        for (f, c) in FILES {
            std::fs::write(dir.join(f), c).unwrap();
        }
        self.nodes.insert(dir.to_path_buf(), Node::new());
    }

    /// Removes a file from every cgroup, as a kernel without it.
    pub fn remove_file(&mut self, file: &str) {
        self.absent.push(file.to_string());
        for dir in self.nodes.keys() {
            let _ = std::fs::remove_file(dir.join(file));
        }
    }

    /// The ancestors of `dir` that are cgroups, nearest first.
    fn ancestors(&self, dir: &Path) -> Vec<PathBuf> {
        dir.ancestors()
            .skip(1)
            .take_while(|d| self.nodes.contains_key(*d))
            .map(Path::to_path_buf)
            .collect()
    }

    /// The effective deny set of `dir`.
    pub fn effective_at(&self, dir: &Path) -> SyscallSet {
        std::iter::once(dir.to_path_buf())
            .chain(self.ancestors(dir))
            .fold(SyscallSet::empty(), |acc, d| acc.union(&self.nodes[&d].own))
    }

    /// The effective conditions of `dir`: its own and its ancestors'.
    pub fn conditions_at(&self, dir: &Path) -> Vec<CondItem> {
        let mut out: Vec<CondItem> = std::iter::once(dir.to_path_buf())
            .chain(self.ancestors(dir))
            .flat_map(|d| self.nodes[&d].conds.clone())
            .collect();
        cond::normalize(&mut out);
        out
    }

    /// The effective deny set of the cgroup.
    pub fn effective(&self) -> SyscallSet {
        self.effective_at(&self.dir)
    }

    /// The effective deny set of its parent.
    pub fn parent(&self) -> SyscallSet {
        self.effective_at(&self.root())
    }

    /// The conditions the cgroup holds of its own.
    pub fn own_conditions(&self) -> Vec<CondItem> {
        self.nodes[&self.dir].conds.clone()
    }

    /// What the cgroup's `syscalls.action` holds.
    pub fn actions(&self) -> Actions {
        self.nodes[&self.dir].actions.clone()
    }

    /// Sets the actions of the cgroup, as a write would.
    pub fn set_actions(&mut self, actions: Actions) {
        self.nodes.get_mut(&self.dir).unwrap().actions = actions;
        self.render();
    }

    /// Gives `dir` the own rules of `items`, as a deny there would.
    pub fn deny_at(&mut self, dir: &Path, items: &str) {
        self.write_at(dir, "syscalls.deny", items).unwrap();
    }

    /// Writes every model file of every cgroup as a read shows it.
    fn render(&self) {
        for (dir, node) in &self.nodes {
            let set = self.effective_at(dir);
            let conds = self.conditions_at(dir);
            let mut deny = format_calls(&set);
            if !conds.is_empty() {
                if !deny.is_empty() {
                    deny.push(' ');
                }
                deny.push_str(&join(&conds));
            }
            let mut policy = "deny".to_string();
            if !node.own.is_empty() {
                policy.push(' ');
                policy.push_str(&format_calls(&node.own));
            }
            if !node.conds.is_empty() {
                policy.push_str("\ndeny ");
                policy.push_str(&join(&node.conds));
            }
            policy.push_str(&format!("\nmode {}\n", node.mode));
            for line in format_actions(&node.actions).lines() {
                policy.push_str(&format!("action {line}\n"));
            }
            for (file, text) in [
                ("syscalls.deny", deny + "\n"),
                ("syscalls.mode", format!("{}\n", node.mode)),
                ("syscalls.action", format_actions(&node.actions)),
                ("syscalls.policy", policy),
            ] {
                if !self.absent.iter().any(|a| a == file) {
                    std::fs::write(dir.join(file), text).unwrap();
                }
            }
        }
    }

    pub fn file(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.join(name)).unwrap()
    }

    /// A read of `file` in `dir`.
    pub fn read_at(&self, dir: &Path, file: &str) -> io::Result<String> {
        if self.absent.iter().any(|a| a == file) {
            return Err(io::Error::from_raw_os_error(libc::ENOENT));
        }
        std::fs::read_to_string(dir.join(file))
    }

    /// A write of `content` to `file` in `dir`, as the kernel takes it.
    pub fn write_at(&mut self, dir: &Path, file: &str, content: &str) -> io::Result<()> {
        let n = self.log.len();
        self.log.push(Write::new(file, content));
        self.log_dirs.push(dir.to_path_buf());
        if let Some(&(_, errno)) = self.refuse.iter().find(|(at, _)| *at == n) {
            return Err(io::Error::from_raw_os_error(errno));
        }
        if self.absent.iter().any(|a| a == file) {
            return Err(io::Error::from_raw_os_error(libc::ENOENT));
        }
        let Some(node) = self.nodes.get(dir) else {
            return Err(io::Error::from_raw_os_error(libc::ENOENT));
        };
        let mut next = node.clone();
        let parent = self.ancestors(dir);
        let held = |c: &CondItem| parent.iter().any(|d| self.nodes[d].conds.contains(c));
        let parent_set = parent
            .iter()
            .fold(SyscallSet::empty(), |acc, d| acc.union(&self.nodes[d].own));
        match file {
            "syscalls.deny" | "syscalls.allow" => {
                let items = Items::parse(content).map_err(|_| errno(libc::EINVAL))?;
                let allow = file == "syscalls.allow";
                rule(&mut next, allow, &items, &parent_set, &held)?;
            }
            "syscalls.action" => write_action(&mut next.actions, content)?,
            "syscalls.mode" => match content.trim() {
                m @ ("enforce" | "log") => next.mode = m.to_string(),
                _ => return Err(errno(libc::EINVAL)),
            },
            "syscalls.policy" => {
                // Every line is parsed first, so that a bad one is EINVAL
                // before any EPERM.
                let mut lines = Vec::new();
                for line in content.lines().map(str::trim).filter(|l| !l.is_empty()) {
                    let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
                    let items = match word {
                        "deny" | "allow" => {
                            Some(Items::parse(rest).map_err(|_| errno(libc::EINVAL))?)
                        }
                        "mode" | "action" => None,
                        _ => return Err(errno(libc::EINVAL)),
                    };
                    lines.push((word, rest, items));
                }
                next = Node::new();
                for (word, rest, items) in lines {
                    match (word, items) {
                        ("mode", _) => match rest.trim() {
                            m @ ("enforce" | "log") => next.mode = m.to_string(),
                            _ => return Err(errno(libc::EINVAL)),
                        },
                        ("action", _) => write_action(&mut next.actions, rest)?,
                        (w, Some(items)) => {
                            rule(&mut next, w == "allow", &items, &parent_set, &held)?
                        }
                        _ => return Err(errno(libc::EINVAL)),
                    }
                }
            }
            _ => return std::fs::write(dir.join(file), content),
        }
        self.nodes.insert(dir.to_path_buf(), next);
        self.render();
        Ok(())
    }

    /// The effective deny set of the parent of `dir`.
    pub fn parent_denied_at(&self, dir: &Path) -> SyscallSet {
        self.ancestors(dir)
            .first()
            .map_or(SyscallSet::empty(), |p| self.effective_at(p))
    }
}

fn errno(e: i32) -> io::Error {
    io::Error::from_raw_os_error(e)
}

fn join(conds: &[CondItem]) -> String {
    conds
        .iter()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a deny (or an allow) of `items` does to a cgroup's own rules.
fn rule(
    node: &mut Node,
    allow: bool,
    items: &Items,
    parent: &SyscallSet,
    held: &dyn Fn(&CondItem) -> bool,
) -> io::Result<()> {
    let set = items.set.without_outside_rules();
    if !allow {
        node.own = node.own.union(&set);
        let mut conds = node.conds.clone();
        conds.extend(items.conds.iter().cloned());
        cond::normalize(&mut conds);
        if conds.len() > cond::MAX_OWN {
            return Err(errno(libc::ENOSPC));
        }
        node.conds = conds;
        return Ok(());
    }
    if !set.intersect(parent).is_empty() || items.conds.iter().any(held) {
        return Err(errno(libc::EPERM));
    }
    node.own = node.own.minus(&set);
    node.conds
        .retain(|c| !items.conds.contains(c) && !set.contains(c.abi, c.nr));
    Ok(())
}

/// What a write to `syscalls.action` does in the kernel.
fn write_action(actions: &mut Actions, content: &str) -> io::Result<()> {
    let words: Vec<&str> = content.split_ascii_whitespace().collect();
    let (action, n) = match words.first() {
        Some(&"default") => (None, 1),
        _ => {
            let (a, n) = parse_action(&words).ok_or(errno(libc::EINVAL))?;
            (Some(a), n)
        }
    };
    let mut next = actions.clone();
    match (action, n == words.len()) {
        (Some(a), true) => next.default = a,
        (None, true) => return Err(errno(libc::EINVAL)),
        (a, false) => {
            let calls =
                SyscallSet::parse(&words[n..].join(" ")).map_err(|_| errno(libc::EINVAL))?;
            next.set(a, &calls).map_err(|()| errno(libc::ENOSPC))?;
        }
    }
    *actions = next;
    Ok(())
}

impl Files for FakeCgroup {
    fn read(&self, file: &str) -> io::Result<String> {
        self.read_at(&self.dir, file)
    }

    fn write(&mut self, file: &str, content: &str) -> io::Result<()> {
        let dir = self.dir.clone();
        self.write_at(&dir, file, content)
    }

    fn path(&self, file: &str) -> String {
        self.dir.join(file).display().to_string()
    }

    fn parent_denied(&self) -> Result<SyscallSet> {
        Ok(self.parent())
    }
}

/// One cgroup of the tree, as [`Tree::at`] gives it.
struct At<'a> {
    fake: &'a mut FakeCgroup,
    dir: PathBuf,
}

impl Files for At<'_> {
    fn read(&self, file: &str) -> io::Result<String> {
        self.fake.read_at(&self.dir, file)
    }

    fn write(&mut self, file: &str, content: &str) -> io::Result<()> {
        self.fake.write_at(&self.dir, file, content)
    }

    fn path(&self, file: &str) -> String {
        self.dir.join(file).display().to_string()
    }

    fn parent_denied(&self) -> Result<SyscallSet> {
        Ok(self.fake.parent_denied_at(&self.dir))
    }
}

impl Tree for FakeCgroup {
    fn at(&mut self, dir: &Path) -> Result<Box<dyn Files + '_>> {
        if !self.nodes.contains_key(dir) {
            return Err(Error::at(dir.display(), "not a syscalls cgroup"));
        }
        Ok(Box::new(At {
            fake: self,
            dir: dir.to_path_buf(),
        }))
    }

    fn children(&self, dir: &Path) -> Result<Vec<PathBuf>> {
        Ok(self
            .nodes
            .keys()
            .filter(|d| d.parent() == Some(dir))
            .cloned()
            .collect())
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

#[cfg(test)]
mod tests {
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
        let e = |cg: &mut FakeCgroup, w: &str| {
            cg.write("syscalls.action", w).unwrap_err().raw_os_error()
        };
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
}
