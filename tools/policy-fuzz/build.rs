// SPDX-License-Identifier: GPL-2.0

//! Generates the system call and errno tables as the kernel build does
//! (the controller's Makefile): `asm/gen_tables.sh` over the kernel tree's
//! `syscall_64.tbl`, `syscall_32.tbl`, `errno-base.h` and `errno.h`, into
//! `$OUT_DIR/syscalls_tables.rs`, which `asm/abi.rs` includes through
//! `SYSCALLS_CGROUP_TABLES`.
//!
//! The tables come from `$SYSCALLS_TBL_DIR` and `$SYSCALLS_ERRNO_DIR`, by
//! default those of the kernel tree that `make test` fetches into
//! `${XDG_CACHE_HOME:-~/.cache}/syscalls-cgroup/linux`, as for
//! `tools/syscallsctl/gen-tables.sh`. Without that tree, the build falls
//! back to syscallsctl's checked-in output of the same generator for 6.12,
//! and says so.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let here = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let repo = here.join("../..");
    let out =
        PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets it")).join("syscalls_tables.rs");
    let cache = env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|h| Path::new(&h).join(".cache")))
        .unwrap_or_default()
        .join("syscalls-cgroup/linux");
    let tbl = env::var_os("SYSCALLS_TBL_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| cache.join("arch/x86/entry/syscalls"));
    let errno = env::var_os("SYSCALLS_ERRNO_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| cache.join("include/uapi/asm-generic"));
    let generator = repo.join("asm/gen_tables.sh");
    let inputs = [
        tbl.join("syscall_64.tbl"),
        tbl.join("syscall_32.tbl"),
        errno.join("errno-base.h"),
        errno.join("errno.h"),
    ];
    let fallback = repo.join("tools/syscallsctl/src/tables_generated.rs");

    println!("cargo::rerun-if-env-changed=SYSCALLS_TBL_DIR");
    println!("cargo::rerun-if-env-changed=SYSCALLS_ERRNO_DIR");
    println!("cargo::rerun-if-env-changed=XDG_CACHE_HOME");
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed={}", generator.display());
    for input in &inputs {
        println!("cargo::rerun-if-changed={}", input.display());
    }
    println!("cargo::rerun-if-changed={}", fallback.display());

    if inputs.iter().all(|p| p.is_file()) {
        let output = Command::new("sh")
            .arg(&generator)
            .args(&inputs)
            .output()
            .expect("cannot run sh");
        if !output.status.success() {
            panic!(
                "{} failed: {}",
                generator.display(),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        fs::write(&out, output.stdout).expect("cannot write the tables");
    } else {
        println!(
            "cargo::warning=no kernel tables in {} and {}: using {}",
            tbl.display(),
            errno.display(),
            fallback.display()
        );
        fs::copy(&fallback, &out).expect("cannot copy the fallback tables");
    }
    println!("cargo::rustc-env=SYSCALLS_CGROUP_TABLES={}", out.display());
}
