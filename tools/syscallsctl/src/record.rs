// SPDX-License-Identifier: GPL-2.0

//! `record`: learn the calls a command makes (`syscalls.learn` and
//! `syscalls.used`), and print them as an allow list or an OCI profile.

use std::os::unix::process::CommandExt;
use std::process::{Command, ExitStatus};

use crate::cgroup::{read, Cgroup, Files};
use crate::error::{Context, Result};
use crate::profile::{Profile, Rule};
use crate::set::SyscallSet;
use crate::table::{Abi, OUTSIDE_RULES};

/// Turns learning on (which clears the record).
pub fn start(files: &mut dyn Files) -> Result<()> {
    read(files, "syscalls.learn")?;
    write(files, "syscalls.learn", "1")
}

/// Turns learning off and returns what was learned.
pub fn stop(files: &mut dyn Files) -> Result<SyscallSet> {
    write(files, "syscalls.learn", "0")?;
    let text = read(files, "syscalls.used")?;
    SyscallSet::parse(&text)
        .with_context(|| format!("{}: unexpected content", files.path("syscalls.used")))
}

fn write(files: &mut dyn Files, file: &str, content: &str) -> Result<()> {
    files.write(file, content).with_context(|| {
        format!(
            "{}: the kernel refused the write `{content}`",
            files.path(file)
        )
    })
}

/// Runs `argv` in the cgroup with learning on, and returns its status and
/// the calls its tasks made.
pub fn run(cg: &mut Cgroup, argv: &[String]) -> Result<(ExitStatus, SyscallSet)> {
    let procs_path = cg.dir().join("cgroup.procs");
    let procs = std::fs::OpenOptions::new()
        .write(true)
        .open(&procs_path)
        .context(procs_path.display())?;
    start(cg)?;
    let fd = std::os::fd::AsRawFd::as_raw_fd(&procs);
    let mut cmd = Command::new(&argv[0]);
    cmd.args(&argv[1..]);
    // SAFETY: between fork and exec the closure only calls write(2), which
    // is async-signal-safe, and allocates nothing. The kernel reads "0" in
    // cgroup.procs as the task that writes it, on v1 and v2 alike.
    unsafe {
        cmd.pre_exec(move || {
            const ME: &[u8] = b"0";
            if libc::write(fd, ME.as_ptr().cast(), ME.len()) != ME.len() as isize {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let spawned = cmd.spawn();
    drop(procs);
    let mut child = match spawned {
        Ok(child) => child,
        Err(e) => {
            let _ = stop(cg);
            return Err(e).context(format_args!(
                "{}: cannot run it in {}",
                argv[0],
                procs_path.display()
            ));
        }
    };
    // The terminal's Ctrl-C is for the command: wait for it, then stop.
    // SAFETY: setting a signal to SIG_IGN has no handler to be unsafe in.
    let old = unsafe { libc::signal(libc::SIGINT, libc::SIG_IGN) };
    let status = child.wait();
    // SAFETY: as above, restoring the disposition read before.
    unsafe { libc::signal(libc::SIGINT, old) };
    let used = stop(cg)?;
    let status = status.context(&argv[0])?;
    Ok((status, used))
}

/// The learned set as items for `syscalls.allow`: one line per ABI, every
/// item behind its prefix (a bare name would reach the other ABI too),
/// numbers where the table has no name.
pub fn allow_list(set: &SyscallSet) -> String {
    let mut out = String::new();
    for abi in Abi::ALL {
        let items: Vec<String> = set
            .iter(abi)
            .map(|nr| {
                format!(
                    "{}:{}",
                    abi.prefix(),
                    abi.name(nr).map_or(nr.to_string(), str::to_string)
                )
            })
            .collect();
        if !items.is_empty() {
            out.push_str(&items.join(" "));
            out.push('\n');
        }
    }
    out
}

/// The learned set as an OCI seccomp profile (an allow list; everything
/// else fails with `errno`), with notes on what it cannot say exactly.
pub fn oci_profile(set: &SyscallSet, errno: u32, notes: &mut Vec<String>) -> String {
    let mut names: Vec<String> = OUTSIDE_RULES.iter().map(|s| s.to_string()).collect();
    let mut unnamed = Vec::new();
    for abi in Abi::ALL {
        for nr in set.iter(abi) {
            match abi.name(nr) {
                Some(n) => names.push(n.to_string()),
                None => unnamed.push(format!("{}:{nr}", abi.prefix())),
            }
        }
    }
    names.sort();
    names.dedup();
    let widened: Vec<String> = Abi::ALL
        .into_iter()
        .flat_map(|abi| {
            names
                .iter()
                .filter(move |n| abi.lookup(n).is_some_and(|nr| !set.contains(abi, nr)))
                .filter(|n| !OUTSIDE_RULES.contains(&n.as_str()))
                .map(move |n| format!("{}:{n}", abi.prefix()))
        })
        .collect();
    if !widened.is_empty() {
        notes.push(format!(
            "an OCI profile names calls for every architecture: these were not used but are allowed (widened): {}",
            widened.join(" ")
        ));
    }
    if !unnamed.is_empty() {
        notes.push(format!(
            "calls without a name cannot be in an OCI profile, left out: {}",
            unnamed.join(" ")
        ));
    }
    let profile = Profile {
        default_action: "SCMP_ACT_ERRNO".to_string(),
        default_errno_ret: Some(errno),
        architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"]
            .map(String::from)
            .to_vec(),
        syscalls: Some(vec![Rule {
            names,
            action: "SCMP_ACT_ALLOW".to_string(),
            ..Rule::default()
        }]),
        ..Profile::default()
    };
    serde_json::to_string_pretty(&profile).expect("a profile serializes") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::Action;
    use crate::fake::FakeCgroup;
    use crate::profile::{translate, ArgsPolicy, Options};

    #[test]
    fn start_and_stop_write_learn_and_read_used() {
        let mut cg = FakeCgroup::new("", "");
        start(&mut cg).unwrap();
        assert_eq!(cg.file("syscalls.learn"), "1");
        std::fs::write(cg.dir.join("syscalls.used"), "0-1,83 ia32:102\n").unwrap();
        let used = stop(&mut cg).unwrap();
        assert_eq!(cg.file("syscalls.learn"), "0");
        assert_eq!(allow_list(&used), "x86_64:read x86_64:write x86_64:mkdir\nia32:read ia32:write ia32:mkdir ia32:socketcall\n");
    }

    #[test]
    fn a_kernel_without_learning_is_named() {
        let mut cg = FakeCgroup::new("", "");
        cg.remove_file("syscalls.learn");
        let e = start(&mut cg).unwrap_err().0;
        assert!(
            e.ends_with("syscalls.learn: No such file or directory"),
            "{e}"
        );
    }

    #[test]
    fn the_oci_profile_applies_back_to_the_learned_set() {
        let used =
            SyscallSet::parse("x86_64:read,x86_64:write,x86_64:mkdir,x86_64:400 ia32:socketcall")
                .unwrap();
        let mut notes = Vec::new();
        let json = oci_profile(&used, 38, &mut notes);
        assert!(json.contains("\"defaultErrnoRet\": 38") && json.contains("SCMP_ARCH_X32"));
        assert!(
            notes[0].ends_with("allowed (widened): ia32:mkdir ia32:read ia32:write"),
            "{notes:?}"
        );
        assert!(notes[1].ends_with("left out: x86_64:400"), "{notes:?}");
        let p: Profile = serde_json::from_str(&json).unwrap();
        let o = Options {
            caps: vec![],
            args: ArgsPolicy::Narrow,
            kernel: crate::profile::tables_kernel(),
        };
        let policy = translate(&p, &o).unwrap();
        assert_eq!(policy.action, Action::Errno(38));
        assert!(policy.notes.is_empty(), "{:?}", policy.notes);
        let allowed = policy.denied.complement();
        assert!(used
            .minus(&SyscallSet::parse("x86_64:400").unwrap())
            .minus(&allowed)
            .is_empty());
    }
}
