// SPDX-License-Identifier: GPL-2.0

//! The value space of an argument cut into cells on which every comparison
//! of the rules is constant, each judged by the rules at one of its points.

use super::rule::{ArgRule, Shape};
use crate::actions::Action;

/// A denial at one point: its action, precedence and the rule's place
/// (`usize::MAX` for the default action).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Denial {
    pub(super) action: Action,
    pub(super) rank: u8,
    pub(super) order: usize,
}

/// What the rules do at `x`: the denial of highest precedence among the
/// rules that match (the first one's on a tie), else allowed if an allow
/// rule matches, else the default (`None`: allow).
pub(super) fn judge(rules: &[ArgRule], default: Option<Action>, x: u64) -> Option<Denial> {
    let mut best: Option<Denial> = None;
    let mut allowed = false;
    for r in rules.iter().filter(|r| r.cmps.iter().all(|c| c.holds(x))) {
        match r.deny {
            None => allowed = true,
            Some((action, rank)) => {
                let better =
                    best.is_none_or(|b| rank > b.rank || (rank == b.rank && r.order < b.order));
                if better {
                    best = Some(Denial {
                        action,
                        rank,
                        order: r.order,
                    });
                }
            }
        }
    }
    if best.is_some() || allowed {
        return best;
    }
    default.map(|action| Denial {
        action,
        rank: 0,
        order: usize::MAX,
    })
}

/// The value space cut into cells, each with what the rules do there.
pub(super) enum Cells {
    /// `[lo, hi)` intervals covering `[0, 2^width)`.
    Intervals(Vec<(u128, u128, Option<Denial>)>),
    /// The values of `arg & mask`: those some comparison names, and
    /// whether any other value exists and what happens to it.
    Masked {
        mask: u64,
        named: Vec<(u64, Option<Denial>)>,
        other: Option<Option<Denial>>,
    },
}

/// The cells of `rules`, or `None` when their comparisons mix a mask with
/// other masks or with bounds.
pub(super) fn cells(rules: &[ArgRule], default: Option<Action>, width: u32) -> Option<Cells> {
    let top = 1u128 << width;
    let mut bounds: Vec<u128> = vec![0];
    let mut mask: Option<u64> = None;
    let mut named: Vec<u64> = Vec::new();
    let mut has_bounds = false;
    for c in rules.iter().flat_map(|r| &r.cmps) {
        match c.shape(width) {
            Shape::Bounds(b) => {
                has_bounds |= !b.is_empty();
                bounds.extend(b.into_iter().filter(|&b| b > 0 && b < top));
            }
            Shape::Mask(m, d) => {
                if mask.is_some_and(|old| old != m) {
                    return None;
                }
                mask = Some(m);
                named.push(d);
            }
        }
    }
    let Some(mask) = mask else {
        bounds.sort_unstable();
        bounds.dedup();
        let mut out = Vec::new();
        for (i, &lo) in bounds.iter().enumerate() {
            let hi = bounds.get(i + 1).copied().unwrap_or(top);
            // The bounds are below 2^64: lo fits.
            out.push((lo, hi, judge(rules, default, lo as u64)));
        }
        return Some(Cells::Intervals(out));
    };
    if has_bounds {
        return None;
    }
    // A mask of few bits: every value of arg & mask is a cell of its own,
    // so that the condition can name whichever side is smaller.
    let bits = mask.count_ones();
    if bits <= 4 {
        named.extend((0..1u64 << bits).map(|i| deposit(i, mask)));
    }
    named.sort_unstable();
    named.dedup();
    let judged = named
        .iter()
        .map(|&d| (d, judge(rules, default, d)))
        .collect();
    // Another value of arg & mask exists when the mask has more values
    // than those named; one of the first named.len() + 1 has none.
    let other = (bits >= 64 || (named.len() as u128) < 1u128 << bits)
        .then(|| {
            (0..=named.len() as u64)
                .map(|i| deposit(i, mask))
                .find(|y| !named.contains(y))
        })
        .flatten()
        .map(|y| judge(rules, default, y));
    Some(Cells::Masked {
        mask,
        named: judged,
        other,
    })
}

/// The bits of `i` spread over the set bits of `mask`, lowest first.
pub(super) fn deposit(mut i: u64, mask: u64) -> u64 {
    let mut out = 0;
    let mut m = mask;
    while m != 0 && i != 0 {
        let bit = m & m.wrapping_neg();
        if i & 1 == 1 {
            out |= bit;
        }
        i >>= 1;
        m &= m - 1;
    }
    out
}
