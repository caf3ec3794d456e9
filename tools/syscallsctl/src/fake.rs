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

use crate::actions::Actions;
use crate::cgroup::{Files, Tree};
use crate::cond::{self, CondItem};
use crate::error::{Error, Result};
use crate::set::{Items, SyscallSet};
use crate::write::Write;

mod kernel;

use kernel::{errno, format_actions, format_calls, join, rule, write_action, Node};

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

#[cfg(test)]
#[path = "fake_tests.rs"]
mod tests;
