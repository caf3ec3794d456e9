// SPDX-License-Identifier: GPL-2.0

//! Sets of system calls: one bitmap per ABI.
//!
//! Plain values for the policy code; the per-cgroup copy that the system
//! call path reads lives in [`crate::cgroup`] as atomics.

use crate::abi::{tables, Abi};

/// Words of the x86_64 bitmap.
pub(crate) const X86_64_WORDS: usize = tables::X86_64_NR.div_ceil(64);
/// Words of the ia32 bitmap.
pub(crate) const IA32_WORDS: usize = tables::IA32_NR.div_ceil(64);

/// A set of system calls: for each ABI, a bit per number of its table.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct SyscallSet {
    pub(crate) x86_64: [u64; X86_64_WORDS],
    pub(crate) ia32: [u64; IA32_WORDS],
}

impl core::fmt::Debug for SyscallSet {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        crate::parse::write_set(f, self)
    }
}

impl SyscallSet {
    /// The empty set.
    pub(crate) const EMPTY: SyscallSet = SyscallSet {
        x86_64: [0; X86_64_WORDS],
        ia32: [0; IA32_WORDS],
    };

    /// The words of one ABI's bitmap.
    pub(crate) fn words(&self, abi: Abi) -> &[u64] {
        match abi {
            Abi::X86_64 => &self.x86_64,
            Abi::Ia32 => &self.ia32,
        }
    }

    fn words_mut(&mut self, abi: Abi) -> &mut [u64] {
        match abi {
            Abi::X86_64 => &mut self.x86_64,
            Abi::Ia32 => &mut self.ia32,
        }
    }

    /// Whether `nr` of `abi` is in the set; numbers past the table are not.
    pub(crate) fn contains(&self, abi: Abi, nr: usize) -> bool {
        nr < abi.size() && self.words(abi)[nr / 64] & (1 << (nr % 64)) != 0
    }

    /// Adds `nr` of `abi`.
    ///
    /// The caller passes a number below `abi.size()`.
    pub(crate) fn insert(&mut self, abi: Abi, nr: usize) {
        if nr < abi.size() {
            self.words_mut(abi)[nr / 64] |= 1 << (nr % 64);
        }
    }

    /// Adds the numbers `lo..=hi` of `abi`, clamped to the table.
    pub(crate) fn insert_range(&mut self, abi: Abi, lo: usize, hi: usize) {
        for nr in lo..=hi.min(abi.size().saturating_sub(1)) {
            self.insert(abi, nr);
        }
    }

    /// Every number of every ABI.
    pub(crate) fn all() -> SyscallSet {
        let mut set = SyscallSet::EMPTY;
        for abi in Abi::ALL {
            set.insert_range(abi, 0, abi.size() - 1);
        }
        set
    }

    /// Whether the set has no system call at all.
    pub(crate) fn is_empty(&self) -> bool {
        self.x86_64.iter().chain(self.ia32.iter()).all(|&w| w == 0)
    }

    /// Whether the sets have a system call in common.
    pub(crate) fn intersects(&self, other: &SyscallSet) -> bool {
        let a = self.x86_64.iter().chain(self.ia32.iter());
        let b = other.x86_64.iter().chain(other.ia32.iter());
        a.zip(b).any(|(x, y)| x & y != 0)
    }

    /// Adds every system call of `other`.
    pub(crate) fn union_with(&mut self, other: &SyscallSet) {
        let a = self.x86_64.iter_mut().chain(self.ia32.iter_mut());
        let b = other.x86_64.iter().chain(other.ia32.iter());
        a.zip(b).for_each(|(x, y)| *x |= y);
    }

    /// Removes every system call of `other`.
    pub(crate) fn subtract(&mut self, other: &SyscallSet) {
        let a = self.x86_64.iter_mut().chain(self.ia32.iter_mut());
        let b = other.x86_64.iter().chain(other.ia32.iter());
        a.zip(b).for_each(|(x, y)| *x &= !y);
    }

    /// The set of every system call not in this one.
    pub(crate) fn complement(&self) -> SyscallSet {
        let mut set = SyscallSet::all();
        set.subtract(self);
        set
    }

    /// The runs of consecutive numbers of `abi` in the set, as `(first,
    /// last)` pairs in increasing order.
    pub(crate) fn ranges(&self, abi: Abi) -> impl Iterator<Item = (usize, usize)> + '_ {
        let size = abi.size();
        let mut nr = 0;
        core::iter::from_fn(move || {
            while nr < size && !self.contains(abi, nr) {
                nr += 1;
            }
            if nr >= size {
                return None;
            }
            let first = nr;
            while nr < size && self.contains(abi, nr) {
                nr += 1;
            }
            Some((first, nr - 1))
        })
    }
}
