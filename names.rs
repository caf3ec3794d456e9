// SPDX-License-Identifier: GPL-2.0

//! System call names, and how a name or an x86_64 number reaches the other
//! ABIs.
//!
//! A name means the call of that name in every ABI whose table has it; an
//! x86_64 number means that call and its ia32 namesake. Calls named
//! differently across the tables (`mmap2`, `fstatat64`, ...) are reached
//! only through their own ABI's prefix.

use crate::abi::{tables, Abi};
use crate::set::SyscallSet;

/// The calls a task may always make: it can always terminate and return
/// from a signal handler, whatever its cgroup says.
const ALWAYS_ALLOWED: [&str; 4] = ["exit", "exit_group", "rt_sigreturn", "sigreturn"];

/// `restart_syscall`, in every ABI. It is not a call of its own but the
/// rest of an interrupted one, and no rule names it: the system call path
/// allows it exactly when the cgroup allows the call it would continue.
pub(crate) const RESTART_SYSCALL: SyscallSet = set_of_names(&["restart_syscall"]);

/// The number of `restart_syscall` in each ABI ([`Abi::X86_64`], then
/// [`Abi::Ia32`]), or `usize::MAX` where a table lacks it.
const RESTART_NR: [usize; 2] = [
    match const_position(&tables::X86_64_NAMES, "restart_syscall") {
        Some(nr) => nr,
        None => usize::MAX,
    },
    match const_position(&tables::IA32_NAMES, "restart_syscall") {
        Some(nr) => nr,
        None => usize::MAX,
    },
];

/// Whether call `nr` of `abi` is `restart_syscall`: [`RESTART_SYSCALL`]
/// as one comparison, for the denied path of the system call check.
#[inline]
pub(crate) fn is_restart(abi: Abi, nr: usize) -> bool {
    let restart = match abi {
        Abi::X86_64 => RESTART_NR[0],
        Abi::Ia32 => RESTART_NR[1],
    };
    nr == restart
}

/// The calls of `names` in every ABI that has them, at compile time.
const fn set_of_names(names: &[&str]) -> SyscallSet {
    let mut set = SyscallSet::EMPTY;
    let mut i = 0;
    while i < names.len() {
        if let Some(nr) = const_position(&tables::X86_64_NAMES, names[i]) {
            set.insert(Abi::X86_64, nr);
        }
        if let Some(nr) = const_position(&tables::IA32_NAMES, names[i]) {
            set.insert(Abi::Ia32, nr);
        }
        i += 1;
    }
    set
}

/// The index of `name` in `names`, at compile time.
const fn const_position(names: &[&str], name: &str) -> Option<usize> {
    let mut i = 0;
    while i < names.len() {
        let (a, b) = (names[i].as_bytes(), name.as_bytes());
        if a.len() == b.len() {
            let mut j = 0;
            while j < a.len() && a[j] == b[j] {
                j += 1;
            }
            if j == a.len() {
                return Some(i);
            }
        }
        i += 1;
    }
    None
}

/// The number of the call named `name` in `abi`, if the table has one.
pub(crate) fn lookup(abi: Abi, name: &str) -> Option<usize> {
    if name.is_empty() {
        return None;
    }
    abi.names().iter().position(|&n| n == name)
}

/// The ia32 namesake of the x86_64 call `nr`, if there is one.
pub(crate) fn ia32_namesake(nr: usize) -> Option<usize> {
    match tables::X86_64_TO_IA32.get(nr) {
        Some(&n) if n != tables::NONE => Some(usize::from(n)),
        _ => None,
    }
}

/// Adds the x86_64 call `nr` and its namesake in the other ABIs.
pub(crate) fn insert_x86_64_everywhere(set: &mut SyscallSet, nr: usize) {
    set.insert(Abi::X86_64, nr);
    if let Some(m) = ia32_namesake(nr) {
        set.insert(Abi::Ia32, m);
    }
}

/// Adds the call named `name` in every ABI that has it; false if none has.
pub(crate) fn insert_name_everywhere(set: &mut SyscallSet, name: &str) -> bool {
    let mut found = false;
    for abi in Abi::ALL {
        if let Some(nr) = lookup(abi, name) {
            set.insert(abi, nr);
            found = true;
        }
    }
    found
}

/// The calls that no rule can deny.
pub(crate) fn always_allowed() -> SyscallSet {
    const SET: SyscallSet = set_of_names(&ALWAYS_ALLOWED);
    SET
}

/// The calls that no rule names: those always allowed, and
/// `restart_syscall`, whose verdict is that of the call it continues.
pub(crate) fn outside_rules() -> SyscallSet {
    let mut set = always_allowed();
    set.union_with(&RESTART_SYSCALL);
    set
}

/// Whether every x86_64 call in `set` comes with its ia32 namesake, so that
/// writing its x86_64 part as bare numbers gives back the same set.
pub(crate) fn closed_under_namesakes(set: &SyscallSet) -> bool {
    set.ranges(Abi::X86_64)
        .flat_map(|(lo, hi)| lo..=hi)
        .filter_map(ia32_namesake)
        .all(|m| set.contains(Abi::Ia32, m))
}

/// The name of errno `errno`, if it has one.
pub(crate) fn errno_name(errno: u16) -> Option<&'static str> {
    tables::ERRNO_NAMES
        .get(usize::from(errno))
        .copied()
        .filter(|name| !name.is_empty())
}

/// The errno named `name` (`EPERM`).
pub(crate) fn errno_lookup(name: &str) -> Option<u16> {
    if name.is_empty() {
        return None;
    }
    tables::ERRNO_NAMES
        .iter()
        .position(|&n| n == name)
        .and_then(|errno| u16::try_from(errno).ok())
}
