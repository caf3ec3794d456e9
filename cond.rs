// SPDX-License-Identifier: GPL-2.0

//! Argument conditions: rules on one argument of a call, as pure values.
//!
//! A [`Condition`] denies a call when one of its arguments, masked, is in a
//! set of up to [`MAX_VALUES`] values, or when it is not: `socket(arg0=38)`
//! denies `socket(AF_ALG, ...)`, `clone(arg0&0x7e020000!=0)` every `clone`
//! with a namespace flag. The comparison is made at the width at which the
//! kernel reads the argument (its parameter's declared type, see
//! [`crate::abi::Abi::arg_width`]): an `int` compares 32 bits, so high bits in the
//! register cannot make a denied value look like another one, as they can
//! past a 64-bit comparison. The argument, the mask and the values are all
//! cut to that width.
//!
//! A cgroup keeps its own conditions in [`Conditions`], each on one call of
//! one ABI. Its published [`Tests`] hold the conditions of every level from
//! the root down, each with the decision of the level that wrote it: a call
//! runs only if no level denies it, by number or by condition, and the
//! strictest decision of those that deny wins, as for denies by number.

use kernel::prelude::*;

use crate::set::SyscallSet;

/// The most values a condition compares with.
pub(crate) const MAX_VALUES: usize = 8;

/// The most conditions a cgroup holds of its own, each on one call of one
/// ABI (`socket(arg0=38)` is two: the x86_64 and the ia32 `socket`).
pub(crate) const MAX_CONDITIONS: usize = 32;

/// The arguments a system call has at most.
pub(crate) const ARGS: usize = 6;

/// When a condition denies its call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Sense {
    /// When the masked argument is one of the values (`=`).
    In,
    /// When it is none of them (`!=`).
    NotIn,
}

/// A condition on one argument of a call.
///
/// # Invariants
///
/// `arg < ARGS`, `mask != 0`, `1 <= len <= MAX_VALUES`; the first `len`
/// values are ascending, distinct and within `mask`, the others zero. So
/// two conditions that deny the same calls compare equal.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Condition {
    arg: u8,
    sense: Sense,
    len: u8,
    mask: u64,
    values: [u64; MAX_VALUES],
}

impl Condition {
    /// The condition on argument `arg` (0 to 5) that denies in the
    /// `sense` given when the argument masked by `mask` is (or is not) one
    /// of `values`. `EINVAL` for a bad argument, a zero mask, no values or
    /// more than [`MAX_VALUES`]; `ERANGE` for a value with bits outside the
    /// mask, which could never be equal.
    pub(crate) fn new(arg: usize, mask: u64, sense: Sense, values: &[u64]) -> Result<Condition> {
        if arg >= ARGS || mask == 0 || values.is_empty() || values.len() > MAX_VALUES {
            return Err(EINVAL);
        }
        if values.iter().any(|&v| v & !mask != 0) {
            return Err(ERANGE);
        }
        let mut sorted = [0u64; MAX_VALUES];
        let mut len = 0;
        for &v in values {
            let at = sorted[..len].partition_point(|&s| s < v);
            if at < len && sorted[at] == v {
                continue;
            }
            sorted.copy_within(at..len, at + 1);
            sorted[at] = v;
            len += 1;
        }
        // INVARIANT: checked above; the values sorted and deduplicated.
        Ok(Condition {
            arg: arg as u8,
            sense,
            len: len as u8,
            mask,
            values: sorted,
        })
    }

    /// The argument it tests, 0 to 5.
    pub(crate) fn arg(&self) -> usize {
        usize::from(self.arg)
    }

    /// The mask applied to the argument.
    pub(crate) fn mask(&self) -> u64 {
        self.mask
    }

    /// When it denies.
    pub(crate) fn sense(&self) -> Sense {
        self.sense
    }

    /// The values, ascending.
    pub(crate) fn values(&self) -> &[u64] {
        &self.values[..usize::from(self.len)]
    }

    /// Whether it denies a call whose argument is `raw`, which the kernel
    /// reads at `width` bits; with the argument as compared. The
    /// definition that the tests of the system call path ([`Test`], which
    /// cut the mask and values once) follow, and that KUnit checks.
    #[cfg_attr(not(CONFIG_CGROUP_SYSCALLS_KUNIT_TEST), allow(dead_code))]
    pub(crate) fn denies(&self, raw: u64, width: u32) -> (bool, u64) {
        let cut = if width >= 64 {
            u64::MAX
        } else {
            (1u64 << width) - 1
        };
        let seen = raw & self.mask & cut;
        let found = self.values().iter().any(|&v| v & cut == seen);
        (found == (self.sense == Sense::In), raw & cut)
    }
}

/// A cgroup's own conditions: pairs of a call's bit and a condition, each
/// pair once, by bit. Two are equal when they hold the same pairs.
#[derive(Clone, Copy)]
pub(crate) struct Conditions {
    entries: [(u16, Condition); MAX_CONDITIONS],
    len: usize,
}

/// A condition that fills unused entries.
const UNUSED: Condition = Condition {
    arg: 0,
    sense: Sense::In,
    len: 1,
    mask: u64::MAX,
    values: [0; MAX_VALUES],
};

impl Conditions {
    /// No conditions.
    pub(crate) const EMPTY: Conditions = Conditions {
        entries: [(0, UNUSED); MAX_CONDITIONS],
        len: 0,
    };

    /// The pairs, by bit.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (usize, &Condition)> + Clone {
        self.entries[..self.len]
            .iter()
            .map(|(bit, cond)| (usize::from(*bit), cond))
    }

    /// Whether there are none.
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether the call of bit `bit` has condition `cond`.
    pub(crate) fn contains(&self, bit: usize, cond: &Condition) -> bool {
        self.iter().any(|(b, c)| b == bit && c == cond)
    }

    /// How many of the pairs of `pairs` are not here yet, each counted once.
    pub(crate) fn missing(&self, pairs: &[(usize, Condition)]) -> usize {
        pairs
            .iter()
            .enumerate()
            .filter(|&(i, (bit, cond))| {
                !self.contains(*bit, cond) && !pairs[..i].iter().any(|(b, c)| b == bit && c == cond)
            })
            .count()
    }

    /// Adds every pair of `pairs`; `ENOSPC`, and nothing changes, when that
    /// would make more than [`MAX_CONDITIONS`].
    pub(crate) fn add(&mut self, pairs: &[(usize, Condition)]) -> Result {
        if self.len + self.missing(pairs) > MAX_CONDITIONS {
            return Err(ENOSPC);
        }
        for (bit, cond) in pairs {
            if self.contains(*bit, cond) {
                continue;
            }
            let at = self.entries[..self.len].partition_point(|&(b, _)| usize::from(b) <= *bit);
            self.entries.copy_within(at..self.len, at + 1);
            self.entries[at] = (*bit as u16, *cond);
            self.len += 1;
        }
        Ok(())
    }

    /// Removes the pairs for which `gone` is true.
    fn remove_where(&mut self, gone: impl Fn(usize, &Condition) -> bool) {
        let mut kept = 0;
        for i in 0..self.len {
            let (bit, cond) = self.entries[i];
            if !gone(usize::from(bit), &cond) {
                self.entries[kept] = (bit, cond);
                kept += 1;
            }
        }
        for entry in self.entries[kept..self.len].iter_mut() {
            *entry = (0, UNUSED);
        }
        self.len = kept;
    }

    /// Removes every pair of `pairs`.
    pub(crate) fn remove(&mut self, pairs: &[(usize, Condition)]) {
        self.remove_where(|bit, cond| pairs.iter().any(|(b, c)| *b == bit && c == cond));
    }

    /// Removes every condition of the calls of `calls`.
    pub(crate) fn remove_calls(&mut self, calls: &SyscallSet) {
        self.remove_where(|bit, _| calls.contains_bit(bit));
    }
}

impl PartialEq for Conditions {
    fn eq(&self, other: &Conditions) -> bool {
        // Each pair is held once: the same pairs, in any order.
        self.len == other.len && self.iter().all(|(b, c)| other.contains(b, c))
    }
}

impl Eq for Conditions {}
