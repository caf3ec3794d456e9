// SPDX-License-Identifier: GPL-2.0

//! Sets of system calls: one bitmap over every ABI.
//!
//! The layout is that of `struct syscalls_cgroup`'s `checked` bitmap in
//! `include/linux/syscalls_cgroup.h`, which the system call path tests: the
//! x86_64 numbers from bit 0, the ia32 numbers from the first word after
//! them. [`crate::group`] copies sets into it word for word.

use crate::abi::{tables, Abi};

/// Words of the x86_64 part of the bitmap.
const X86_64_WORDS: usize = tables::X86_64_NR.div_ceil(64);
/// Words of the ia32 part of the bitmap.
const IA32_WORDS: usize = tables::IA32_NR.div_ceil(64);
/// Words of the whole bitmap.
pub(crate) const WORDS: usize = X86_64_WORDS + IA32_WORDS;
/// Bits of the whole bitmap: every call of every ABI has one.
pub(crate) const BITS: usize = WORDS * 64;

impl Abi {
    /// The bit of the bitmap where this ABI's numbers start.
    pub(crate) const fn first_bit(self) -> usize {
        match self {
            Abi::X86_64 => 0,
            Abi::Ia32 => X86_64_WORDS * 64,
        }
    }

    /// The call that bit `bit` of the bitmap stands for; `None` past the
    /// tables.
    pub(crate) fn of_bit(bit: usize) -> Option<(Abi, usize)> {
        Abi::ALL.into_iter().find_map(|abi| {
            let nr = bit.checked_sub(abi.first_bit())?;
            (nr < abi.size()).then_some((abi, nr))
        })
    }
}

/// A set of system calls: for each ABI, a bit per number of its table.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct SyscallSet {
    /// The bitmap, in the layout of the module documentation.
    pub(crate) words: [u64; WORDS],
}

impl SyscallSet {
    /// The empty set.
    pub(crate) const EMPTY: SyscallSet = SyscallSet { words: [0; WORDS] };

    /// Whether `nr` of `abi` is in the set; numbers past the table are not.
    pub(crate) const fn contains(&self, abi: Abi, nr: usize) -> bool {
        let bit = abi.first_bit() + nr;
        nr < abi.size() && self.words[bit / 64] & (1 << (bit % 64)) != 0
    }

    /// Adds `nr` of `abi`; numbers past the table are ignored.
    pub(crate) const fn insert(&mut self, abi: Abi, nr: usize) {
        let bit = abi.first_bit() + nr;
        if nr < abi.size() {
            self.words[bit / 64] |= 1 << (bit % 64);
        }
    }

    /// Whether bit `bit` of the bitmap is set.
    pub(crate) fn contains_bit(&self, bit: usize) -> bool {
        self.words
            .get(bit / 64)
            .is_some_and(|w| w & (1 << (bit % 64)) != 0)
    }

    /// The bits set in the bitmap, in increasing order.
    pub(crate) fn bits(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(i, &w)| {
            let mut rest = w;
            core::iter::from_fn(move || {
                if rest == 0 {
                    return None;
                }
                let bit = rest.trailing_zeros() as usize;
                rest &= rest - 1;
                Some(i * 64 + bit)
            })
        })
    }

    /// Sets bit `bit` of the bitmap; bits past it are ignored.
    pub(crate) fn insert_bit(&mut self, bit: usize) {
        if let Some(w) = self.words.get_mut(bit / 64) {
            *w |= 1 << (bit % 64);
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
        self.words.iter().all(|&w| w == 0)
    }

    /// Whether the sets have a system call in common.
    pub(crate) fn intersects(&self, other: &SyscallSet) -> bool {
        self.words.iter().zip(&other.words).any(|(x, y)| x & y != 0)
    }

    /// Adds every system call of `other`.
    pub(crate) fn union_with(&mut self, other: &SyscallSet) {
        self.words
            .iter_mut()
            .zip(&other.words)
            .for_each(|(x, y)| *x |= y);
    }

    /// Removes every system call of `other`.
    pub(crate) fn subtract(&mut self, other: &SyscallSet) {
        self.words
            .iter_mut()
            .zip(&other.words)
            .for_each(|(x, y)| *x &= !y);
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
