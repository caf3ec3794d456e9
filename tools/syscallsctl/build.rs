// SPDX-License-Identifier: GPL-2.0

//! Sets `cfg(docker_profile)` when `SYSCALLS_DOCKER_PROFILE` names Docker's
//! real default seccomp profile, and `cfg(podman_profile)` when
//! `SYSCALLS_PODMAN_PROFILE` names Podman's (scripts/profiles.sh fetches
//! both), so that the unit test of each runs then and shows as ignored,
//! with the reason, otherwise.

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    for (var, cfg) in [
        ("SYSCALLS_DOCKER_PROFILE", "docker_profile"),
        ("SYSCALLS_PODMAN_PROFILE", "podman_profile"),
    ] {
        println!("cargo::rustc-check-cfg=cfg({cfg})");
        println!("cargo::rerun-if-env-changed={var}");
        if std::env::var_os(var).is_some_and(|p| !p.is_empty()) {
            println!("cargo::rustc-cfg={cfg}");
        }
    }
}
