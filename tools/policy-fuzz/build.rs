// SPDX-License-Identifier: GPL-2.0

//! Generates the tables the controller's build generates (its Makefile),
//! from the same kernel files with the same generators:
//!
//! - `asm/gen_tables.sh` over `syscall_64.tbl`, `syscall_32.tbl`,
//!   `errno-base.h` and `errno.h`: the system call and errno tables, into
//!   `$OUT_DIR/syscalls_tables.rs`, which `asm/abi.rs` includes through
//!   `SYSCALLS_CGROUP_TABLES`;
//! - `asm/gen_widths.sh` over the same `.tbl` files,
//!   `include/linux/syscalls.h` and the x86 sources of the Makefile's
//!   `widths_in` (those of
//!   `arch/x86/kernel/{process,process_64,sys_x86_64,ldt,ioport,signal_64}.c`
//!   that the tree has, in that order: `arch_prctl` is in `process_64.c` on
//!   6.12, in `process.c` on 7.x):
//!   the width at which the kernel reads each argument of each call, into
//!   `$OUT_DIR/syscalls_widths.rs`, which `asm/abi.rs` includes through
//!   `SYSCALLS_CGROUP_WIDTHS`.
//!
//! The files come from `$SYSCALLS_TBL_DIR`, `$SYSCALLS_ERRNO_DIR` and
//! `$SYSCALLS_SRC_DIR` (the kernel tree, for the widths), by default those
//! of the tree of the tables' kernel, the primary one (7.3: syscallsctl's
//! `TABLES_KERNEL`, in its `src/table.rs`), that `make test` fetches into
//! `${XDG_CACHE_HOME:-~/.cache}/syscalls-cgroup/7.3/linux`, as for
//! `tools/syscallsctl/gen-tables.sh` (which also takes the tree above
//! `$SYSCALLS_TBL_DIR` when `$SYSCALLS_SRC_DIR` is unset). Without those
//! files, the build falls back to checked-in outputs of the same
//! generators for 7.3, syscallsctl's `src/tables_generated.rs` and
//! `src/widths_generated.rs`, and says so; with them, it warns when the
//! widths differ from the checked-in ones, which are then stale.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The x86 sources whose `SYSCALL_DEFINE`s give the prototypes of the calls
/// `include/linux/syscalls.h` does not declare: the Makefile's `widths_in`,
/// which takes those the tree has (its `$(wildcard ...)`), in this order.
const ARCH_SOURCES: [&str; 6] = [
    "process.c",
    "process_64.c",
    "sys_x86_64.c",
    "ldt.c",
    "ioport.c",
    "signal_64.c",
];

/// Runs `generator` over `inputs` into `out`, the variable `var` naming
/// it; without every input, copies `fallback` instead and warns that it
/// did (`what` says which tables). With the inputs and `compare`, warns
/// when the output differs from `fallback` past its first `header` lines.
fn generate(
    what: &str,
    var: &str,
    generator: &Path,
    inputs: &[PathBuf],
    fallback: &Path,
    compare: Option<usize>,
    out: &Path,
) {
    println!("cargo::rerun-if-changed={}", generator.display());
    for input in inputs {
        println!("cargo::rerun-if-changed={}", input.display());
    }
    println!("cargo::rerun-if-changed={}", fallback.display());

    let missing: Vec<String> = inputs
        .iter()
        .filter(|p| !p.is_file())
        .map(|p| p.display().to_string())
        .collect();
    if missing.is_empty() {
        let output = Command::new("sh")
            .arg(generator)
            .args(inputs)
            .output()
            .expect("cannot run sh");
        if !output.status.success() {
            panic!(
                "{} failed: {}",
                generator.display(),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        if let Some(header) = compare {
            let checked_in = fs::read_to_string(fallback).unwrap_or_default();
            let body: Vec<&str> = checked_in.lines().skip(header).collect();
            let generated = String::from_utf8_lossy(&output.stdout);
            if body != generated.lines().collect::<Vec<_>>() {
                println!(
                    "cargo::warning={} differs from {}'s output for this tree: regenerate it (README.md)",
                    fallback.display(),
                    generator.display()
                );
            }
        }
        fs::write(out, output.stdout).expect("cannot write the tables");
    } else {
        let more = match missing.len() {
            1 => String::new(),
            n => format!(" and {} more", n - 1),
        };
        println!(
            "cargo::warning=no kernel tables for the {what} ({}{more} missing): using {}",
            missing[0],
            fallback.display()
        );
        fs::copy(fallback, out).expect("cannot copy the fallback tables");
    }
    println!("cargo::rustc-env={var}={}", out.display());
}

fn main() {
    let here = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let repo = here.join("../..");
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets it"));
    let table_rs = repo.join("tools/syscallsctl/src/table.rs");
    println!("cargo::rerun-if-changed={}", table_rs.display());
    let kernel = tables_kernel(&table_rs);
    let cache = env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|h| Path::new(&h).join(".cache")))
        .unwrap_or_default()
        .join("syscalls-cgroup")
        .join(kernel)
        .join("linux");
    let dir = |var: &str, default: PathBuf| env::var_os(var).map(PathBuf::from).unwrap_or(default);
    let tbl = dir("SYSCALLS_TBL_DIR", cache.join("arch/x86/entry/syscalls"));
    let errno = dir("SYSCALLS_ERRNO_DIR", cache.join("include/uapi/asm-generic"));
    // The tree of the .tbl files, as syscallsctl's gen-tables.sh has it.
    let src = dir("SYSCALLS_SRC_DIR", tbl.join("../../../.."));

    for var in [
        "SYSCALLS_TBL_DIR",
        "SYSCALLS_ERRNO_DIR",
        "SYSCALLS_SRC_DIR",
        "XDG_CACHE_HOME",
    ] {
        println!("cargo::rerun-if-env-changed={var}");
    }
    println!("cargo::rerun-if-changed=build.rs");
    // The kernel's configuration symbols that the modules test, none of
    // them set here: the kernel build passes them to rustc as `--cfg`.
    for symbol in KCONFIG {
        println!("cargo::rustc-check-cfg=cfg({symbol})");
    }

    let tbls = [tbl.join("syscall_64.tbl"), tbl.join("syscall_32.tbl")];
    let mut tables_in = tbls.to_vec();
    tables_in.extend([errno.join("errno-base.h"), errno.join("errno.h")]);
    generate(
        "system calls and errnos",
        "SYSCALLS_CGROUP_TABLES",
        &repo.join("asm/gen_tables.sh"),
        &tables_in,
        &repo.join("tools/syscallsctl/src/tables_generated.rs"),
        None,
        &out_dir.join("syscalls_tables.rs"),
    );

    let mut widths_in = tbls.to_vec();
    widths_in.push(src.join("include/linux/syscalls.h"));
    // Those the tree has, as the Makefile's $(wildcard ...); without a tree,
    // syscalls.h is missing and the build falls back.
    let arch = src.join("arch/x86/kernel");
    println!("cargo::rerun-if-changed={}", arch.display());
    widths_in.extend(
        ARCH_SOURCES
            .iter()
            .map(|f| arch.join(f))
            .filter(|p| p.is_file()),
    );
    generate(
        "argument widths",
        "SYSCALLS_CGROUP_WIDTHS",
        &repo.join("asm/gen_widths.sh"),
        &widths_in,
        &repo.join("tools/syscallsctl/src/widths_generated.rs"),
        Some(WIDTHS_HEADER),
        &out_dir.join("syscalls_widths.rs"),
    );
}

/// The tables' kernel (`"7.3"`), syscallsctl's `TABLES_KERNEL` in
/// `table_rs`, as `gen-tables.sh` reads it.
fn tables_kernel(table_rs: &Path) -> String {
    let text = fs::read_to_string(table_rs)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", table_rs.display()));
    text.lines()
        .find_map(|l| {
            l.strip_prefix("pub const TABLES_KERNEL: &str = \"")?
                .strip_suffix("\";")
                .map(String::from)
        })
        .unwrap_or_else(|| panic!("no TABLES_KERNEL in {}", table_rs.display()))
}

/// The configuration symbols the modules test (`cfg_attr`).
const KCONFIG: [&str; 1] = ["CONFIG_CGROUP_SYSCALLS_KUNIT_TEST"];

/// The lines syscallsctl's `widths_generated.rs` has before the
/// generator's output.
const WIDTHS_HEADER: usize = 3;
