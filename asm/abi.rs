// SPDX-License-Identifier: GPL-2.0

//! The x86 system call ABIs: their tables, generated from the kernel's own,
//! and which table entry the entry code runs for a system call number.
//!
//! C headers: [`arch/x86/include/asm/syscall.h`](srctree/arch/x86/include/asm/syscall.h),
//! [`arch/x86/entry/common.c`](srctree/arch/x86/entry/common.c)

/// The tables generated from `syscall_64.tbl` and `syscall_32.tbl` by
/// `asm/gen_tables.sh` at build time.
pub(crate) mod tables {
    include!(env!("SYSCALLS_CGROUP_TABLES"));
}

/// The widths of the system calls' arguments, generated from their
/// prototypes by `asm/gen_widths.sh` at build time.
mod widths {
    include!(env!("SYSCALLS_CGROUP_WIDTHS"));
}

/// The words of x86_64's `struct pt_regs` (`arch/x86/include/asm/ptrace.h`),
/// where the entry code saves a system call's registers.
pub(crate) const ARG_SLOTS: usize = 21;

/// `__X32_SYSCALL_BIT`: x32 system calls carry it in their number.
const X32_SYSCALL_BIT: u32 = 0x4000_0000;

/// A system call ABI with numbers of its own.
///
/// x32 has none: its calls are checked as the x86_64 call of the same name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Abi {
    /// The native 64-bit ABI (`syscall`).
    X86_64,
    /// The 32-bit ABI (`int $0x80`, `sysenter`, 32-bit `syscall`).
    Ia32,
}

impl Abi {
    /// Every ABI, in the order reads print them.
    pub(crate) const ALL: [Abi; 2] = [Abi::X86_64, Abi::Ia32];

    /// The number of entries in the ABI's table, holes included.
    pub(crate) const fn size(self) -> usize {
        match self {
            Abi::X86_64 => tables::X86_64_NR,
            Abi::Ia32 => tables::IA32_NR,
        }
    }

    /// The prefix that selects this ABI in a write (`ia32:39`).
    pub(crate) const fn prefix(self) -> &'static str {
        match self {
            Abi::X86_64 => "x86_64",
            Abi::Ia32 => "ia32",
        }
    }

    /// The width in bits (64, 32, 16 or 8) at which the kernel reads
    /// argument `arg` (0 to 5) of call `nr`: its parameter's declared type.
    /// An x32 call is checked as its x86_64 namesake, and reads the same
    /// widths; but an x32-only entry ([`is_x32_only`]) runs a compat
    /// function of its own, which conditions do not read.
    /// widths. Past the table, or past 5, 64.
    pub(crate) fn arg_width(self, nr: usize, arg: usize) -> u32 {
        let table: &[u16] = match self {
            Abi::X86_64 => &widths::X86_64_WIDTHS,
            Abi::Ia32 => &widths::IA32_WIDTHS,
        };
        match table.get(nr) {
            Some(&codes) if arg < 6 => 64 >> ((codes >> (2 * arg)) & 3),
            _ => 64,
        }
    }

    /// The word of `struct pt_regs` that holds argument `arg` (0 to 5) of a
    /// call of this ABI: `di`, `si`, `dx`, `r10`, `r8`, `r9` natively (x32
    /// alike), `bx`, `cx`, `dx`, `si`, `di`, `bp` on ia32, as
    /// `syscall_get_arguments()` reads them. `check` asserts the layout.
    pub(crate) const fn arg_slot(self, arg: usize) -> usize {
        const NATIVE: [usize; 6] = [14, 13, 12, 7, 9, 8];
        const IA32: [usize; 6] = [5, 11, 12, 13, 14, 4];
        match self {
            Abi::X86_64 => NATIVE[arg % 6],
            Abi::Ia32 => IA32[arg % 6],
        }
    }

    /// The names of the ABI's system calls by number; holes are empty.
    pub(crate) fn names(self) -> &'static [&'static str] {
        match self {
            Abi::X86_64 => &tables::X86_64_NAMES,
            Abi::Ia32 => &tables::IA32_NAMES,
        }
    }
}

/// Whether system call number `nr`, as a native task made it (its low 32
/// bits, as the entry code reads it), is an x32-only entry of the x32
/// table: one of its own, from `X32_FIRST` on, which runs a
/// `compat_sys_*` function whose arguments may sit at other widths or
/// places than those of the x86_64 call of the same name.
pub(crate) const fn is_x32_only(nr: u32) -> bool {
    is_x32(nr) && (nr & !X32_SYSCALL_BIT) as usize >= tables::X32_FIRST
}

/// Whether system call number `nr`, as a native task made it, is an x32
/// call: it carries `__X32_SYSCALL_BIT`.
pub(crate) const fn is_x32(nr: u32) -> bool {
    nr & X32_SYSCALL_BIT != 0
}

/// Finds the table entry the entry code will dispatch `nr` to.
///
/// `nr` is the number `syscall_get_nr()` returns, `ia32` whether the task
/// entered through the 32-bit ABI. The entry code truncates the number to
/// `int` and compares it unsigned (`do_syscall_x64()`, `do_syscall_x32()`,
/// `do_int80_syscall_32()`); this function does exactly the same, so that
/// high bits in `%rax` cannot make a denied call look like no call at all.
///
/// Returns `None` for a number that runs no table entry; such a call fails
/// with `ENOSYS` by itself. The number comes from user space: `nospec`
/// clamps the index of the x32 map as `array_index_nospec()` does.
#[inline]
pub(crate) fn classify(
    nr: i64,
    ia32: bool,
    nospec: impl Fn(usize, usize) -> usize,
) -> Option<(Abi, usize)> {
    // Truncation to `int`, then unsigned, as the entry code does.
    let unr = nr as i32 as u32 as usize;
    if ia32 {
        return (unr < tables::IA32_NR).then_some((Abi::Ia32, unr));
    }
    if unr < tables::X86_64_NR {
        return Some((Abi::X86_64, unr));
    }
    let xnr = (unr as u32).wrapping_sub(X32_SYSCALL_BIT) as usize;
    if xnr < tables::X32_FIRST {
        // A common entry: x32 runs the same call as x86_64.
        return (xnr < tables::X86_64_NR).then_some((Abi::X86_64, xnr));
    }
    let len = tables::X32_TO_X86_64.len();
    let idx = xnr - tables::X32_FIRST;
    if idx >= len {
        return None;
    }
    match tables::X32_TO_X86_64.get(nospec(idx, len)) {
        Some(&n) if n != tables::NONE => Some((Abi::X86_64, usize::from(n))),
        _ => None,
    }
}
