// SPDX-License-Identifier: GPL-2.0

//! Access to a cgroup's `syscalls.*` files, and a list of writes that is
//! carried out all or nothing: everything it will touch is saved first, and
//! a refused write undoes the writes before it.

use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use crate::actions::{self, Actions};
use crate::cond::CondItem;
use crate::error::{reason, Context, Error, Result};
use crate::set::{Items, SyscallSet};
use crate::write::Write;

/// The files of one cgroup. [`Cgroup`] is the real directory; the tests
/// also use a model of the kernel's behaviour.
pub trait Files {
    /// The content of `file`; `NotFound` when the kernel has no such file.
    fn read(&self, file: &str) -> io::Result<String>;
    /// One `write(2)` of `content` to `file`.
    fn write(&mut self, file: &str, content: &str) -> io::Result<()>;
    /// The path of `file`, for messages.
    fn path(&self, file: &str) -> String;
    /// The effective deny set of the parent cgroup; empty where there is no
    /// parent with the files (the v1 root, a child of the v2 root).
    fn parent_denied(&self) -> Result<SyscallSet>;
}

/// Cgroups by directory, for the verbs that write to several.
pub trait Tree {
    /// The cgroup at `dir`.
    fn at(&mut self, dir: &Path) -> Result<Box<dyn Files + '_>>;
    /// The child cgroups of `dir` that have the controller's files, in
    /// the order of their names.
    fn children(&self, dir: &Path) -> Result<Vec<PathBuf>>;
}

/// The cgroup directories of the running system.
pub struct Hierarchy;

impl Tree for Hierarchy {
    fn at(&mut self, dir: &Path) -> Result<Box<dyn Files + '_>> {
        Ok(Box::new(Cgroup::open(dir)?))
    }

    fn children(&self, dir: &Path) -> Result<Vec<PathBuf>> {
        let entries = std::fs::read_dir(dir).context(dir.display())?;
        let mut out: Vec<PathBuf> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.is_dir() && p.join("syscalls.deny").exists())
            .collect();
        out.sort();
        Ok(out)
    }
}

/// A cgroup directory with the `syscalls` controller.
pub struct Cgroup {
    dir: PathBuf,
}

impl Cgroup {
    /// Opens `dir`, which must have a `syscalls.deny` file.
    pub fn open(dir: &Path) -> Result<Cgroup> {
        if !std::fs::metadata(dir).context(dir.display())?.is_dir() {
            return Err(Error::at(dir.display(), "not a directory"));
        }
        if !dir.join("syscalls.deny").exists() {
            return Err(Error::at(
                dir.display(),
                "not a syscalls cgroup (no syscalls.deny: the controller is not \
                 enabled there, or it is the cgroup v2 root, which has no syscalls files)",
            ));
        }
        Ok(Cgroup {
            dir: dir.to_path_buf(),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl Files for Cgroup {
    fn read(&self, file: &str) -> io::Result<String> {
        std::fs::read_to_string(self.dir.join(file))
    }

    fn write(&mut self, file: &str, content: &str) -> io::Result<()> {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(self.dir.join(file))?;
        // One write(2): the kernel parses each write on its own.
        let n = f.write(content.as_bytes())?;
        if n != content.len() {
            return Err(io::Error::other(format!(
                "short write ({n} of {})",
                content.len()
            )));
        }
        Ok(())
    }

    fn path(&self, file: &str) -> String {
        self.dir.join(file).display().to_string()
    }

    fn parent_denied(&self) -> Result<SyscallSet> {
        let Some(parent) = self
            .dir
            .canonicalize()
            .ok()
            .and_then(|d| d.parent().map(Path::to_path_buf))
        else {
            return Ok(SyscallSet::empty());
        };
        let file = parent.join("syscalls.deny");
        match std::fs::read_to_string(&file) {
            Ok(text) => Items::parse(&text)
                .map(|i| i.set)
                .with_context(|| format!("{}: unexpected content", file.display())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(SyscallSet::empty()),
            Err(e) => Err(e).context(file.display()),
        }
    }
}

/// Reads `file`, naming it in the error.
pub fn read(files: &dyn Files, file: &str) -> Result<String> {
    files.read(file).with_context(|| files.path(file))
}

/// Reads `file`, or `None` when the kernel has no such file.
pub fn read_optional(files: &dyn Files, file: &str) -> Result<Option<String>> {
    match files.read(file) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| files.path(file)),
    }
}

/// The context of a file whose content cannot be parsed.
fn unexpected<'a>(files: &'a dyn Files, file: &'a str) -> impl FnOnce() -> String + 'a {
    move || format!("{}: unexpected content", files.path(file))
}

/// The effective deny set of the cgroup (`syscalls.deny`), without its
/// conditions.
pub fn denied(files: &dyn Files) -> Result<SyscallSet> {
    Ok(effective(files)?.set)
}

/// The effective policy of the cgroup (`syscalls.deny`): the calls denied
/// by number and the conditions of the cgroup and its ancestors.
pub fn effective(files: &dyn Files) -> Result<Items> {
    let text = read(files, "syscalls.deny")?;
    Items::parse(&text).with_context(unexpected(files, "syscalls.deny"))
}

/// The cgroup's own rules, as its `syscalls.policy` gives them (the
/// `deny` lines), or `None` when the kernel has no such file.
pub fn own(files: &dyn Files) -> Result<Option<Items>> {
    let Some(text) = read_optional(files, "syscalls.policy")? else {
        return Ok(None);
    };
    let denies: Vec<&str> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("deny"))
        .collect();
    Items::parse(&denies.join(" "))
        .map(Some)
        .with_context(unexpected(files, "syscalls.policy"))
}

/// What `syscalls.action` holds, or `None` when the kernel has no such
/// file.
pub fn read_actions(files: &dyn Files) -> Result<Option<Actions>> {
    match read_optional(files, "syscalls.action")? {
        None => Ok(None),
        Some(text) => Actions::parse(&text)
            .map(Some)
            .with_context(unexpected(files, "syscalls.action")),
    }
}

/// What a plan's files held before it ran.
struct Saved {
    denied: Option<Items>,
    /// `syscalls.action`: the default action and those of particular calls.
    actions: Option<Actions>,
    others: Vec<(String, String)>,
}

fn save(files: &dyn Files, writes: &[Write]) -> Result<Saved> {
    let mut saved = Saved {
        denied: None,
        actions: None,
        others: Vec::new(),
    };
    for w in writes {
        match w.file.as_str() {
            "syscalls.deny" | "syscalls.allow" => {
                if saved.denied.is_none() {
                    saved.denied = Some(effective(files)?);
                }
            }
            "syscalls.action" => {
                if saved.actions.is_none() {
                    read(files, "syscalls.action")?;
                    saved.actions = read_actions(files)?;
                }
            }
            file => {
                if !saved.others.iter().any(|(f, _)| f == file) {
                    let old = read(files, file)?;
                    saved
                        .others
                        .push((file.to_string(), old.trim().to_string()));
                }
            }
        }
    }
    Ok(saved)
}

/// Carries out `writes` in order. When the kernel refuses one, the writes
/// before it are undone and the error names the file, the content and the
/// reason (and any failure of the undoing).
pub fn apply(files: &mut dyn Files, writes: &[Write]) -> Result<()> {
    let saved = save(files, writes)?;
    for w in writes {
        if let Err(e) = files.write(&w.file, &w.content) {
            let mut msg = format!(
                "{}: the kernel refused the write `{}`: {}",
                files.path(&w.file),
                abbreviate(&w.content),
                reason(&e)
            );
            let conditions = w.content.contains('(');
            if w.file == "syscalls.allow" && e.raw_os_error() == Some(libc::EPERM) {
                msg.push_str(match conditions {
                    false => " (an ancestor denies some of these calls, or the writer lacks the privilege)",
                    true => " (an ancestor denies some of these calls or holds these conditions, or the writer lacks the privilege)",
                });
            }
            if conditions && e.raw_os_error() == Some(libc::EINVAL) {
                msg.push_str(" (a kernel without argument conditions refuses them)");
            }
            if w.file != "syscalls.action" && e.raw_os_error() == Some(libc::ENOSPC) {
                msg.push_str(&format!(
                    " (a cgroup holds at most {} conditions of its own)",
                    crate::cond::MAX_OWN
                ));
            }
            if w.file == "syscalls.action" && e.raw_os_error() == Some(libc::ENOSPC) {
                msg.push_str(&format!(
                    " (a cgroup holds at most {} actions for particular calls)",
                    actions::MAX_PER_CALL
                ));
            }
            match restore(files, &saved) {
                Ok(()) => msg.push_str("; the cgroup was left as it was"),
                Err(r) => msg.push_str(&format!("; undoing the earlier writes failed too: {r}")),
            }
            return Err(Error::msg(msg));
        }
    }
    Ok(())
}

/// Carries out the writes of several cgroups, one cgroup after the other,
/// all or nothing: when the kernel refuses a write, that cgroup is left as
/// it was (see [`apply`]) and so are the cgroups written before it, each
/// restored from what it held before.
pub fn apply_all(tree: &mut dyn Tree, plans: &[(PathBuf, Vec<Write>)]) -> Result<()> {
    let mut done: Vec<(&Path, Saved)> = Vec::new();
    for (dir, writes) in plans {
        let mut files = tree.at(dir)?;
        let saved = save(&*files, writes)?;
        if let Err(e) = apply(&mut *files, writes) {
            drop(files);
            let mut msg = e.0;
            let mut failed = Vec::new();
            for (d, saved) in done.iter().rev() {
                let undone = tree.at(d).and_then(|mut f| restore(&mut *f, saved));
                if let Err(r) = undone {
                    failed.push(r.0);
                }
            }
            match (done.len(), failed.is_empty()) {
                (0, _) => {}
                (n, true) => msg.push_str(&format!(
                    "; the {n} cgroup{} written before were restored too",
                    if n == 1 { "" } else { "s" }
                )),
                (_, false) => msg.push_str(&format!(
                    "; restoring the cgroups written before failed: {}",
                    failed.join("; ")
                )),
            }
            return Err(Error::msg(msg));
        }
        done.push((dir, saved));
    }
    Ok(())
}

fn abbreviate(content: &str) -> String {
    match content.char_indices().nth(60) {
        Some((i, _)) => format!("{}...", &content[..i]),
        None => content.to_string(),
    }
}

/// Writes back what `saved` holds: the deny set and its conditions, the
/// other files, then the actions (the default one and those of particular
/// calls, set again or cleared with `default CALLS`). The deny set is
/// restored as an effective set: deny what was denied, allow what was not;
/// then the conditions the same way (after the plain allows, which drop a
/// call's own conditions). What the cgroup itself denies inside its
/// parent's set cannot be read, so it may end up holding more own rules
/// there than before, with no effect while the parent denies them.
fn restore(files: &mut dyn Files, saved: &Saved) -> Result<()> {
    let mut errors = Vec::new();
    if let Some(old) = &saved.denied {
        let restore_set = |files: &mut dyn Files| -> Result<()> {
            let now = denied(files)?;
            let mut writes = Vec::new();
            for chunk in crate::set::chunk(&old.set.minus(&now).exact_items()) {
                writes.push(Write::new("syscalls.deny", chunk));
            }
            for chunk in crate::set::chunk(&now.minus(&old.set).exact_items()) {
                writes.push(Write::new("syscalls.allow", chunk));
            }
            write_all(files, &writes)?;
            let now = effective(files)?.conds;
            let (lost, new) = cond_diff(&old.conds, &now);
            let mut writes = Vec::new();
            for chunk in crate::set::chunk(&lost) {
                writes.push(Write::new("syscalls.deny", chunk));
            }
            for chunk in crate::set::chunk(&new) {
                writes.push(Write::new("syscalls.allow", chunk));
            }
            write_all(files, &writes)
        };
        if let Err(e) = restore_set(files) {
            errors.push(e.0);
        }
    }
    for (file, old) in saved.others.iter().rev() {
        if let Err(e) = files.write(file, old).with_context(|| files.path(file)) {
            errors.push(e.0);
        }
    }
    // The default action and those of particular calls: from what the
    // file holds now back to the old state, in the order of the planner.
    if let Some(old) = &saved.actions {
        let restore_actions = |files: &mut dyn Files| -> Result<()> {
            let now = read_actions(files)?.ok_or_else(|| {
                Error::at(files.path("syscalls.action"), "No such file or directory")
            })?;
            write_all(files, &actions::writes(&now, old, false).0)
        };
        if let Err(e) = restore_actions(files) {
            errors.push(e.0);
        }
    }
    match errors.is_empty() {
        true => Ok(()),
        false => Err(Error::msg(errors.join("; "))),
    }
}

/// The conditions of `old` that `now` lacks and those `now` has and `old`
/// had not, as items.
fn cond_diff(old: &[CondItem], now: &[CondItem]) -> (Vec<String>, Vec<String>) {
    let lost = old
        .iter()
        .filter(|c| !now.contains(c))
        .map(|c| c.to_string());
    let new = now
        .iter()
        .filter(|c| !old.contains(c))
        .map(|c| c.to_string());
    (lost.collect(), new.collect())
}

/// Carries out `writes`, stopping at the first refused one.
fn write_all(files: &mut dyn Files, writes: &[Write]) -> Result<()> {
    for w in writes {
        files
            .write(&w.file, &w.content)
            .with_context(|| files.path(&w.file))?;
    }
    Ok(())
}

#[cfg(test)]
#[path = "cgroup_tests.rs"]
mod tests;
