// SPDX-License-Identifier: GPL-2.0

//! Sets `cfg(docker_profile)` when `SYSCALLS_DOCKER_PROFILE` names Docker's
//! real default seccomp profile (scripts/profiles.sh fetches it), so that
//! the unit test of that profile runs then and shows as ignored, with the
//! reason, otherwise.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(docker_profile)");
    println!("cargo::rerun-if-env-changed=SYSCALLS_DOCKER_PROFILE");
    println!("cargo::rerun-if-changed=build.rs");
    if std::env::var_os("SYSCALLS_DOCKER_PROFILE").is_some_and(|p| !p.is_empty()) {
        println!("cargo::rustc-cfg=docker_profile");
    }
}
