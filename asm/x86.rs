// SPDX-License-Identifier: GPL-2.0

//! The x86 glue: which ABI a system call came through, which table entry
//! the entry code will run for it, and an index clamp against speculation.
//!
//! C headers: [`arch/x86/include/asm/syscall.h`](srctree/arch/x86/include/asm/syscall.h),
//! [`arch/x86/entry/common.c`](srctree/arch/x86/entry/common.c),
//! [`arch/x86/include/asm/barrier.h`](srctree/arch/x86/include/asm/barrier.h)

/// The tables generated from `syscall_64.tbl` and `syscall_32.tbl` by
/// `asm/gen_tables.sh` at build time.
pub(crate) mod tables {
    include!(env!("SYSCALLS_CGROUP_TABLES"));
}

/// `__X32_SYSCALL_BIT`: x32 system calls carry it in their number.
const X32_SYSCALL_BIT: u32 = 0x4000_0000;

/// Whether a task whose `thread_info.status` is `status` is in a system
/// call it entered through the ia32 ABI: `in_ia32_syscall()`.
#[inline]
pub(crate) fn entered_ia32(status: u32) -> bool {
    cfg!(CONFIG_IA32_EMULATION) && status & kernel::bindings::TS_COMPAT != 0
}

/// Makes the system call of `regs` return `-ENOSYS` without running:
/// `syscall_set_return_value(current, regs, -ENOSYS, 0)`.
///
/// # Safety
///
/// `regs` are the live registers of current's system call.
#[inline]
pub(crate) unsafe fn fail_with_enosys(regs: *mut kernel::bindings::pt_regs) {
    // SAFETY: By the safety requirements `regs` is valid; `ax` holds the
    // return value, which only current's own system call path uses.
    unsafe { (*regs).ax = (-(kernel::bindings::ENOSYS as isize)) as usize };
}

/// `index` if it is below `size`, else 0, also under speculation: the
/// `array_index_nospec()` of x86, whose mask `cmp` and `sbb` compute
/// without a branch the CPU could mispredict.
#[inline]
pub(crate) fn index_nospec(index: usize, size: usize) -> usize {
    let mask: usize;
    // SAFETY: Two register instructions: no memory, no stack; they clobber
    // the flags, which `asm!` assumes unless told otherwise.
    unsafe {
        core::arch::asm!(
            "cmp {index}, {size}",
            "sbb {mask}, {mask}",
            index = in(reg) index,
            size = in(reg) size,
            mask = lateout(reg) mask,
            options(pure, nomem, nostack),
        );
    }
    index & mask
}

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

    /// The names of the ABI's system calls by number; holes are empty.
    pub(crate) fn names(self) -> &'static [&'static str] {
        match self {
            Abi::X86_64 => &tables::X86_64_NAMES,
            Abi::Ia32 => &tables::IA32_NAMES,
        }
    }
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
/// with `ENOSYS` by itself.
#[inline(always)]
pub(crate) fn classify(nr: i64, ia32: bool) -> Option<(Abi, usize)> {
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
    // The index comes from user space: clamp it under speculation too.
    let len = tables::X32_TO_X86_64.len();
    let idx = xnr - tables::X32_FIRST;
    if idx >= len {
        return None;
    }
    match tables::X32_TO_X86_64.get(index_nospec(idx, len)) {
        Some(&n) if n != tables::NONE => Some((Abi::X86_64, usize::from(n))),
        _ => None,
    }
}
