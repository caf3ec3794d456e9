// SPDX-License-Identifier: GPL-2.0

//! `block` and `lift`: the emergency verbs. `block` denies a rule (calls,
//! or calls with an argument condition) in every container below a parent
//! cgroup at once, in one of two layouts, and says which; `lift` takes it
//! back in one cgroup, and names the layout when the rule is not that
//! cgroup's to lift.
//!
//! - baseline: the rule goes into the parent's own policy. Every cgroup
//!   below is blocked, whatever it writes, and none can lift it (the kernel
//!   refuses a child's allow of an ancestor's denial or exact condition):
//!   only a lift at the parent ends it, for all of them.
//! - fanout: the rule goes into the own policy of each child of the parent
//!   (the containers), so that each can be lifted alone.

use std::path::{Path, PathBuf};

use crate::cgroup::{self, apply_all, Tree};
use crate::cond::CondItem;
use crate::error::{Context, Error, Result};
use crate::groups;
use crate::plan::{plan_items, show_writes};
use crate::set::Items;
use crate::table::Abi;
use crate::write::Write;

/// Where `block` writes the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Layout {
    /// Into the parent's syscalls.deny: every cgroup below is blocked, and
    /// none can lift it.
    Baseline,
    /// Into each child's syscalls.deny: each can be lifted alone.
    Fanout,
}

/// Blocks `items` below `parent` in `layout`, all or nothing, and returns
/// what to print: a line per cgroup written, then the layout (with
/// `dry_run`, the writes instead of the first lines).
pub fn block(
    tree: &mut dyn Tree,
    parent: &Path,
    items: &[String],
    layout: Layout,
    dry_run: bool,
) -> Result<String> {
    let writes = plan_items("syscalls.deny", items)?;
    let shown = groups::expand_items(items)?.join(" ");
    let targets: Vec<PathBuf> = match layout {
        Layout::Baseline => vec![parent.to_path_buf()],
        Layout::Fanout => {
            let children = children(tree, parent)?;
            if children.is_empty() {
                return Err(Error::at(
                    parent.display(),
                    "no child cgroup to fan out to (--layout baseline blocks the cgroup itself)",
                ));
            }
            children
        }
    };
    let plans: Vec<(PathBuf, Vec<Write>)> = targets
        .iter()
        .map(|d| (d.clone(), writes.clone()))
        .collect();
    let mut out = String::new();
    if dry_run {
        for (dir, writes) in &plans {
            out.push_str(&show_writes(&*tree.at(dir)?, writes));
        }
    } else {
        apply_all(tree, &plans)?;
        for dir in &targets {
            out.push_str(&format!("blocked in {}: {shown}\n", dir.display()));
        }
    }
    out.push_str(&match layout {
        Layout::Baseline => format!(
            "baseline at {}: every cgroup below is blocked; no child can lift it\n",
            parent.display()
        ),
        Layout::Fanout => format!(
            "fanned out to {} cgroup{}: each can be lifted with syscallsctl lift\n",
            targets.len(),
            if targets.len() == 1 { "" } else { "s" }
        ),
    });
    Ok(out)
}

/// The child directories of `parent`, each of which must be a syscalls
/// cgroup: a fan-out that left one out would leave a container unblocked.
fn children(tree: &mut dyn Tree, parent: &Path) -> Result<Vec<PathBuf>> {
    let all = std::fs::read_dir(parent).context(parent.display())?;
    let mut dirs: Vec<PathBuf> = all
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let cgroups = tree.children(parent)?;
    if let Some(d) = dirs.iter().find(|d| !cgroups.contains(d)) {
        return Err(Error::at(
            d.display(),
            format!(
                "not a syscalls cgroup (the controller is not enabled in {}'s \
                 cgroup.subtree_control?): nothing was written",
                parent.display()
            ),
        ));
    }
    Ok(cgroups)
}

/// Lifts `items` in `cgroup` (a write of syscalls.allow), and returns what
/// to print. A rule the cgroup's effective policy holds but its own does
/// not is an ancestor's: refused before any write, naming the ancestor.
pub fn lift(tree: &mut dyn Tree, dir: &Path, items: &[String], dry_run: bool) -> Result<String> {
    let writes = plan_items("syscalls.allow", items)?;
    let expanded = groups::expand_items(items)?;
    let (effective, own) = {
        let files = tree.at(dir)?;
        (cgroup::effective(&*files)?, cgroup::own(&*files)?)
    };
    let mut out = String::new();
    // Whose rule each item is: the cgroup's own, an ancestor's, or no one's.
    if let Some(own) = &own {
        for item in &expanded {
            let want = Items::parse(item)?;
            let held = held(&effective, &want);
            let mine = held.iter().all(|r| r.in_items(own));
            if held.is_empty() {
                out.push_str(&format!(
                    "syscallsctl: note: {item} is not blocked in {}\n",
                    dir.display()
                ));
            } else if !mine {
                let theirs = held.iter().find(|r| !r.in_items(own)).unwrap_or(&held[0]);
                let why = match holder(tree, dir, theirs)? {
                    Some(at) => format!(
                        "{item} is held by the baseline at {}: lift it there \
                         (syscallsctl lift {} {item}), for every cgroup below it",
                        at.display(),
                        at.display()
                    ),
                    None => {
                        format!("{item} is held by an ancestor, not by this cgroup: lift it there")
                    }
                };
                return Err(Error::at(dir.display(), why));
            }
        }
    }
    if dry_run {
        out.push_str(&show_writes(&*tree.at(dir)?, &writes));
        return Ok(out);
    }
    cgroup::apply(&mut *tree.at(dir)?, &writes)?;
    out.push_str(&format!(
        "lifted in {}: {}\n",
        dir.display(),
        expanded.join(" ")
    ));
    Ok(out)
}

/// One rule of the effective policy: a call denied by number, or a
/// condition.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Held {
    Call(Abi, usize),
    Cond(CondItem),
}

impl Held {
    fn in_items(&self, items: &Items) -> bool {
        match self {
            Held::Call(abi, nr) => items.set.contains(*abi, *nr),
            Held::Cond(c) => items.conds.contains(c),
        }
    }
}

/// The rules of `effective` that a lift of `want` is to take away: its
/// calls denied by number and every condition on them (a plain allow of a
/// call lifts the cgroup's own), and its exact conditions.
fn held(effective: &Items, want: &Items) -> Vec<Held> {
    let mut out = Vec::new();
    let calls = want.set.without_outside_rules();
    for abi in Abi::ALL {
        for nr in calls.iter(abi) {
            if effective.set.contains(abi, nr) {
                out.push(Held::Call(abi, nr));
            }
        }
    }
    for c in &effective.conds {
        if want.conds.contains(c) || calls.contains(c.abi, c.nr) {
            out.push(Held::Cond(c.clone()));
        }
    }
    out
}

/// The nearest ancestor of `dir` whose own policy holds `rule`.
fn holder(tree: &mut dyn Tree, dir: &Path, rule: &Held) -> Result<Option<PathBuf>> {
    for up in dir.ancestors().skip(1) {
        let Ok(files) = tree.at(up) else {
            return Ok(None);
        };
        if cgroup::own(&*files)?.is_some_and(|own| rule.in_items(&own)) {
            return Ok(Some(up.to_path_buf()));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake::FakeCgroup;

    /// A parent `x` with three containers below the fake's root.
    fn three() -> (FakeCgroup, PathBuf, Vec<PathBuf>) {
        let mut fake = FakeCgroup::with_policy_file("", "");
        let x = fake.mkdir("x");
        let kids = ["x/c1", "x/c2", "x/c3"].map(|k| fake.mkdir(k)).to_vec();
        (fake, x, kids)
    }

    fn items(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_baseline_blocks_every_cgroup_below_and_none_can_lift_it() {
        let (mut fake, x, kids) = three();
        let out = block(
            &mut fake,
            &x,
            &items(&["socket(arg0=38)", "mount"]),
            Layout::Baseline,
            false,
        )
        .unwrap();
        assert_eq!(
            out,
            format!(
                "blocked in {0}: socket(arg0=38) mount\nbaseline at {0}: every cgroup below is \
                 blocked; no child can lift it\n",
                x.display()
            )
        );
        for k in &kids {
            assert!(fake.effective_at(k).contains(Abi::X86_64, 165), "{k:?}");
            assert_eq!(fake.conditions_at(k).len(), 2);
        }
        // A child's lift is refused before any write, naming the baseline.
        let before = fake.log.len();
        let e = lift(&mut fake, &kids[1], &items(&["socket(arg0=38)"]), false)
            .unwrap_err()
            .0;
        assert_eq!(
            e,
            format!(
                "{}: socket(arg0=38) is held by the baseline at {1}: lift it there \
                 (syscallsctl lift {1} socket(arg0=38)), for every cgroup below it",
                kids[1].display(),
                x.display()
            )
        );
        let e = lift(&mut fake, &kids[1], &items(&["mount"]), false)
            .unwrap_err()
            .0;
        assert!(e.contains("mount is held by the baseline at"), "{e}");
        // A plain lift of the call would leave the parent's condition on.
        let e = lift(&mut fake, &kids[1], &items(&["socket"]), false)
            .unwrap_err()
            .0;
        assert!(e.contains(": socket is held by the baseline at"), "{e}");
        assert_eq!(fake.log.len(), before);
        // The kernel would refuse it too.
        let e = fake
            .write_at(&kids[1], "syscalls.allow", "socket(arg0=38)")
            .unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::EPERM));
        // Lifted at the parent: gone everywhere.
        let out = lift(&mut fake, &x, &items(&["socket(arg0=38)", "mount"]), false).unwrap();
        assert_eq!(
            out,
            format!("lifted in {}: socket(arg0=38) mount\n", x.display())
        );
        for k in &kids {
            assert!(fake.effective_at(k).is_empty() && fake.conditions_at(k).is_empty());
        }
    }

    #[test]
    fn a_fanout_blocks_each_child_and_each_can_be_lifted_alone() {
        let (mut fake, x, kids) = three();
        let out = block(
            &mut fake,
            &x,
            &items(&["socket(arg0=38|40)"]),
            Layout::Fanout,
            false,
        )
        .unwrap();
        let mut want = String::new();
        for k in &kids {
            want.push_str(&format!("blocked in {}: socket(arg0=38|40)\n", k.display()));
        }
        want.push_str("fanned out to 3 cgroups: each can be lifted with syscallsctl lift\n");
        assert_eq!(out, want);
        assert!(fake.conditions_at(&x).is_empty());
        let out = lift(&mut fake, &kids[0], &items(&["socket(arg0=38|40)"]), false).unwrap();
        assert_eq!(
            out,
            format!("lifted in {}: socket(arg0=38|40)\n", kids[0].display())
        );
        assert!(fake.conditions_at(&kids[0]).is_empty());
        assert_eq!(fake.conditions_at(&kids[1]).len(), 2);
        assert_eq!(fake.conditions_at(&kids[2]).len(), 2);
        // Lifting what is not blocked succeeds, and says so.
        let out = lift(&mut fake, &kids[0], &items(&["socket(arg0=38|40)"]), false).unwrap();
        assert!(
            out.starts_with("syscallsctl: note: socket(arg0=38|40) is not blocked in "),
            "{out}"
        );
    }

    #[test]
    fn a_fanout_is_all_or_nothing() {
        let (mut fake, x, kids) = three();
        fake.deny_at(&kids[0], "socket(arg0=1)");
        // The third child's write is refused: the first two are restored.
        fake.refuse = vec![(fake.log.len() + 2, libc::ENOSPC)];
        let e = block(
            &mut fake,
            &x,
            &items(&["socket(arg0=38)", "mkdir"]),
            Layout::Fanout,
            false,
        )
        .unwrap_err()
        .0;
        assert!(
            e.contains("c3/syscalls.deny: the kernel refused the write"),
            "{e}"
        );
        assert!(
            e.ends_with("; the 2 cgroups written before were restored too"),
            "{e}"
        );
        let first: Vec<String> = fake
            .conditions_at(&kids[0])
            .iter()
            .map(|c| c.to_string())
            .collect();
        assert_eq!(first, ["x86_64:41(arg0=1)", "ia32:359(arg0=1)"]);
        for k in &kids {
            assert!(fake.effective_at(k).is_empty(), "{k:?}");
        }
        assert!(fake.conditions_at(&kids[1]).is_empty());
        // Bad items and a parent without children write nothing.
        let n = fake.log.len();
        assert!(block(
            &mut fake,
            &x,
            &items(&["socket(arg7=1)"]),
            Layout::Fanout,
            false
        )
        .is_err());
        let e = block(
            &mut fake,
            &kids[0],
            &items(&["mkdir"]),
            Layout::Fanout,
            false,
        )
        .unwrap_err()
        .0;
        assert!(
            e.ends_with(
                "no child cgroup to fan out to (--layout baseline blocks the cgroup itself)"
            ),
            "{e}"
        );
        // A child directory without the controller's files stops it too.
        std::fs::create_dir(x.join("plain")).unwrap();
        let e = block(&mut fake, &x, &items(&["mkdir"]), Layout::Fanout, false)
            .unwrap_err()
            .0;
        assert!(e.contains("plain: not a syscalls cgroup"), "{e}");
        assert_eq!(fake.log.len(), n);
    }

    #[test]
    fn dry_runs_print_the_writes() {
        let (mut fake, x, kids) = three();
        let out = block(&mut fake, &x, &items(&["@swap"]), Layout::Fanout, true).unwrap();
        assert_eq!(out.lines().count(), 4, "{out}");
        assert!(out.starts_with(&format!(
            "echo 'swapoff,swapon' > {}/syscalls.deny\n",
            kids[0].display()
        )));
        let out = block(&mut fake, &x, &items(&["mkdir"]), Layout::Baseline, true).unwrap();
        assert!(out.ends_with("no child can lift it\n"), "{out}");
        assert!(fake.log.is_empty());
        assert!(fake.effective_at(&kids[0]).is_empty());
        let out = lift(&mut fake, &x, &items(&["mkdir"]), true).unwrap();
        assert!(out.contains("is not blocked"), "{out}");
        assert!(out.ends_with(&format!("echo 'mkdir' > {}/syscalls.allow\n", x.display())));
    }
}
