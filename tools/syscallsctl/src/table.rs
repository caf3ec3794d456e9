// SPDX-License-Identifier: GPL-2.0

//! The x86 system call tables of Linux 7.3 ([`TABLES_KERNEL`]), by ABI:
//! names by number and numbers by name, as the controller has them
//! (`asm/gen_tables.sh` generates both; `gen-tables.sh` refreshes the
//! checked-in copy).

/// The kernel whose tables these are, the primary one, as the tool's
/// messages name it; also the version taken for `minKernel` when the
/// running kernel's cannot be read. `gen-tables.sh` reads it (for the
/// generated files' headers and its default tree): the one line to change
/// when the tables move to a newer kernel.
pub const TABLES_KERNEL: &str = "7.3";

#[allow(dead_code)]
mod generated {
    include!("tables_generated.rs");
}

/// The widths of the calls' arguments, as the controller generates them
/// (`asm/gen_widths.sh`; `gen-tables.sh` refreshes the checked-in copy).
mod widths {
    include!("widths_generated.rs");
}

/// A system call ABI with numbers of its own. x32 calls are checked as the
/// x86_64 call of the same name, so x32 has no numbers here.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Abi {
    X86_64,
    Ia32,
}

impl Abi {
    /// Every ABI, in the order the kernel prints them.
    pub const ALL: [Abi; 2] = [Abi::X86_64, Abi::Ia32];

    /// The number of entries of the table, holes included.
    pub fn size(self) -> usize {
        self.names().len()
    }

    /// The prefix that selects the ABI in a write (`ia32:39`).
    pub fn prefix(self) -> &'static str {
        match self {
            Abi::X86_64 => "x86_64",
            Abi::Ia32 => "ia32",
        }
    }

    /// The ABI a prefix names.
    pub fn from_prefix(prefix: &str) -> Option<Abi> {
        Abi::ALL.into_iter().find(|abi| abi.prefix() == prefix)
    }

    /// Names by number; a hole is an empty name.
    pub fn names(self) -> &'static [&'static str] {
        match self {
            Abi::X86_64 => &generated::X86_64_NAMES,
            Abi::Ia32 => &generated::IA32_NAMES,
        }
    }

    /// The name of call `nr`, if the table has one.
    pub fn name(self, nr: usize) -> Option<&'static str> {
        self.names().get(nr).copied().filter(|n| !n.is_empty())
    }

    /// The number of the call named `name`, if the table has it.
    pub fn lookup(self, name: &str) -> Option<usize> {
        if name.is_empty() {
            return None;
        }
        self.names().iter().position(|&n| n == name)
    }

    /// The width in bits (64, 32, 16 or 8) at which the kernel reads
    /// argument `arg` (0 to 5) of call `nr`, its parameter's declared
    /// type: what an argument condition compares. 64 past the table.
    pub fn arg_width(self, nr: usize, arg: usize) -> u32 {
        let table: &[u16] = match self {
            Abi::X86_64 => &widths::X86_64_WIDTHS,
            Abi::Ia32 => &widths::IA32_WIDTHS,
        };
        match table.get(nr) {
            Some(&codes) if arg < 6 => 64 >> ((codes >> (2 * arg)) & 3),
            _ => 64,
        }
    }
}

/// The number of the errno named `name` (`EPERM`), as the uapi headers
/// define it.
pub fn errno_number(name: &str) -> Option<u32> {
    if name.is_empty() {
        return None;
    }
    let nr = generated::ERRNO_NAMES.iter().position(|&n| n == name)?;
    u32::try_from(nr).ok()
}

/// The name of errno `n` (`EPERM` for 1), if the uapi headers give it one.
pub fn errno_name(n: u32) -> Option<&'static str> {
    let n = usize::try_from(n).ok()?;
    generated::ERRNO_NAMES
        .get(n)
        .copied()
        .filter(|s| !s.is_empty())
}

/// Whether any ABI's table has `name`.
pub fn is_known(name: &str) -> bool {
    Abi::ALL.iter().any(|abi| abi.lookup(name).is_some())
}

/// The ia32 call of the same name as x86_64 call `nr`.
pub fn ia32_namesake(nr: usize) -> Option<usize> {
    match generated::X86_64_TO_IA32.get(nr) {
        Some(&n) if n != generated::NONE => Some(usize::from(n)),
        _ => None,
    }
}

/// The calls no rule can deny: writes skip them, reads never show them.
pub const OUTSIDE_RULES: [&str; 5] = [
    "exit",
    "exit_group",
    "rt_sigreturn",
    "sigreturn",
    "restart_syscall",
];

/// Whether call `nr` of `abi` is outside the rules.
pub fn outside_rules(abi: Abi, nr: usize) -> bool {
    abi.name(nr).is_some_and(|n| OUTSIDE_RULES.contains(&n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_names_of_7_3() {
        assert_eq!(TABLES_KERNEL, "7.3");
        assert_eq!(Abi::X86_64.size(), 473);
        assert_eq!(Abi::Ia32.size(), 473);
        assert_eq!(Abi::X86_64.name(472), Some("fchroot"));
        assert_eq!(Abi::Ia32.name(472), Some("fchroot"));
        // 6.12's last call is no longer the last.
        assert_eq!(Abi::X86_64.lookup("mseal"), Some(462));
        assert_eq!(Abi::Ia32.lookup("mseal"), Some(462));
        assert_eq!(Abi::X86_64.lookup("mkdir"), Some(83));
        assert_eq!(Abi::Ia32.lookup("mkdir"), Some(39));
        assert_eq!(Abi::Ia32.lookup("socketcall"), Some(102));
        assert_eq!(Abi::X86_64.lookup("socketcall"), None);
        assert_eq!(Abi::X86_64.name(335), Some("uretprobe"));
        // uprobe, new since 6.12, is x86_64's alone; the hole after it stays.
        assert_eq!(Abi::X86_64.name(336), Some("uprobe"));
        assert_eq!(Abi::Ia32.lookup("uprobe"), None);
        assert_eq!(Abi::X86_64.name(337), None);
        assert_eq!(Abi::X86_64.name(0), Some("read"));
        assert_eq!(Abi::X86_64.lookup(""), None);
    }

    #[test]
    fn namesakes_and_outside_rules() {
        assert_eq!(ia32_namesake(83), Some(39));
        assert_eq!(
            ia32_namesake(Abi::X86_64.lookup("newfstatat").unwrap()),
            None
        );
        assert!(outside_rules(Abi::X86_64, 60));
        assert!(outside_rules(Abi::Ia32, 119));
        assert!(outside_rules(Abi::X86_64, 219));
        assert!(!outside_rules(Abi::X86_64, 83));
        assert!(is_known("socketcall") && !is_known("arm_fadvise64_64"));
    }

    #[test]
    fn argument_widths_follow_the_prototypes() {
        let w = |abi: Abi, name: &str, arg| abi.arg_width(abi.lookup(name).unwrap(), arg);
        // int family, unsigned int personality, unsigned long clone flags.
        assert_eq!(w(Abi::X86_64, "socket", 0), 32);
        assert_eq!(w(Abi::X86_64, "personality", 0), 32);
        assert_eq!(w(Abi::X86_64, "clone", 0), 64);
        assert_eq!(w(Abi::X86_64, "mkdir", 1), 16);
        assert_eq!(w(Abi::X86_64, "mkdir", 0), 64);
        // Every ia32 argument is at most 32 bits.
        assert_eq!(w(Abi::Ia32, "clone", 0), 32);
        assert_eq!(w(Abi::Ia32, "socket", 0), 32);
        assert_eq!(Abi::X86_64.arg_width(9999, 0), 64);
    }

    #[test]
    fn x32_entries_have_no_numbers_of_their_own() {
        // 512 and up are x32's; they must not appear in the x86_64 table.
        assert!(Abi::X86_64.size() < 512);
        assert_eq!(Abi::X86_64.lookup("ioctl"), Some(16));
    }
}
