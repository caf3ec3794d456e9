// SPDX-License-Identifier: GPL-2.0

//! The exact translation of the argument rules of one call: from seccomp's
//! rules on one argument (`SCMP_CMP_EQ`, `_NE`, `_LT`, `_LE`, `_GT`, `_GE`
//! and `_MASKED_EQ`, conditions ANDed within a rule, rules ORed, the action
//! of highest precedence winning) to the controller's model: the call
//! allowed, denied, or allowed but for arguments that deny-conditions
//! (`(argK & M)` in or not in up to 8 values) name, with one action.
//!
//! The rules are judged at the width the kernel reads the argument at:
//! every value is cut to that width, as the kernel cuts the argument. The
//! value space is cut into cells on which every comparison is constant (the
//! intervals between the comparisons' bounds, or the values of one mask),
//! each cell is judged by the rules at one of its points, and the denied
//! cells become conditions when few enough values name them.

use crate::actions::Action;
use crate::cond::{width_mask, Cond, MAX_VALUES};

/// A seccomp comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    /// `(arg & value) == value_two`.
    MaskedEq,
}

/// One entry of a rule's `args`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cmp {
    pub index: u8,
    pub op: Op,
    pub value: u64,
    pub value_two: u64,
}

impl Cmp {
    /// An `args` entry of an OCI profile: `{"index": 0, "value": 40,
    /// "valueTwo": 0, "op": "SCMP_CMP_EQ"}`.
    pub fn from_json(v: &serde_json::Value) -> Result<Cmp, String> {
        let num = |key: &str, need: bool| match v.get(key) {
            None if !need => Ok(0),
            None => Err(format!("an argument without `{key}`")),
            Some(n) => n
                .as_u64()
                .ok_or_else(|| format!("`{key}` {n} is not a number from 0 to 2^64 - 1")),
        };
        let index = num("index", true)?;
        let index = u8::try_from(index)
            .ok()
            .filter(|&i| i <= crate::cond::MAX_ARG)
            .ok_or_else(|| format!("argument index {index} (0 to 5)"))?;
        let op = match v.get("op").and_then(|o| o.as_str()) {
            Some("SCMP_CMP_EQ") => Op::Eq,
            Some("SCMP_CMP_NE") => Op::Ne,
            Some("SCMP_CMP_LT") => Op::Lt,
            Some("SCMP_CMP_LE") => Op::Le,
            Some("SCMP_CMP_GT") => Op::Gt,
            Some("SCMP_CMP_GE") => Op::Ge,
            Some("SCMP_CMP_MASKED_EQ") => Op::MaskedEq,
            Some(o) => return Err(format!("unknown comparison `{o}`")),
            None => return Err("an argument without `op`".to_string()),
        };
        Ok(Cmp {
            index,
            op,
            value: num("value", true)?,
            value_two: num("valueTwo", false)?,
        })
    }

    /// The comparison with its values cut to `width` bits, as the kernel
    /// compares. A value past the width is taken when it is the sign
    /// extension of one within it (a negative `int` as a 64-bit register
    /// holds it) and the comparison is one of equality; an order against
    /// such a value, or any other value past the width, cannot be judged
    /// as the kernel reads the argument.
    fn at_width(self, width: u32) -> Result<Cmp, String> {
        let w = width_mask(width);
        let cut = |v: u64| -> Result<u64, String> {
            if v & !w == 0 {
                return Ok(v);
            }
            let sign_extended = v | w == u64::MAX && v >> (width - 1) & 1 == 1;
            let equality = matches!(self.op, Op::Eq | Op::Ne | Op::MaskedEq);
            match sign_extended && equality {
                true => Ok(v & w),
                false => Err(format!(
                    "compares {v:#x}, past the {width} bits the kernel reads arg{} at",
                    self.index
                )),
            }
        };
        Ok(Cmp {
            value: cut(self.value)?,
            value_two: match self.op {
                Op::MaskedEq => cut(self.value_two)?,
                _ => self.value_two,
            },
            ..self
        })
    }

    /// Whether `x` satisfies the comparison (values at the width already).
    fn holds(&self, x: u64) -> bool {
        match self.op {
            Op::Eq => x == self.value,
            Op::Ne => x != self.value,
            Op::Lt => x < self.value,
            Op::Le => x <= self.value,
            Op::Gt => x > self.value,
            Op::Ge => x >= self.value,
            Op::MaskedEq => x & self.value == self.value_two,
        }
    }

    /// What the comparison looks like over the `width`-bit values.
    fn shape(&self, width: u32) -> Shape {
        let top = 1u128 << width;
        let v = u128::from(self.value);
        match self.op {
            Op::Eq | Op::Ne => Shape::Bounds(vec![v, v + 1]),
            Op::Lt | Op::Ge => Shape::Bounds(vec![v]),
            Op::Le | Op::Gt => Shape::Bounds(vec![v + 1]),
            Op::MaskedEq => {
                let (m, d) = (self.value, self.value_two);
                if m == 0 || d & !m != 0 {
                    // Always, or never, true.
                    return Shape::Bounds(Vec::new());
                }
                // A mask of the high bits down to bit j is an interval of
                // 2^j values.
                let j = m.trailing_zeros();
                if m == width_mask(width) & !((1u64 << j) - 1) {
                    let lo = u128::from(d);
                    Shape::Bounds(vec![lo, (lo + (1u128 << j)).min(top)])
                } else {
                    Shape::Mask(m, d)
                }
            }
        }
    }
}

/// A comparison as bounds of the intervals where it is constant, or as a
/// mask and a value.
enum Shape {
    Bounds(Vec<u128>),
    Mask(u64, u64),
}

/// One rule on the call, its comparisons on the one argument.
#[derive(Debug, Clone)]
pub struct ArgRule {
    /// Its place in the profile: the first rule's action wins a tie.
    pub order: usize,
    /// `None` for a rule that allows; a denying rule's action and its
    /// seccomp precedence (see `precedence` in `profile::rules`).
    pub deny: Option<(Action, u8)>,
    /// ANDed; none: the rule matches every argument.
    pub cmps: Vec<Cmp>,
}

/// What the controller does with the call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Allowed,
    /// Denied whatever the arguments, with this action.
    Denied(Action),
    /// Allowed but for what the conditions deny, with this action.
    Conditional(Vec<Cond>, Action),
}

/// An exact translation, and the actions the profile gives some denied
/// arguments that the call's one action replaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judged {
    pub outcome: Outcome,
    pub lost_actions: Vec<Action>,
}

/// A denial at one point: its action, precedence and the rule's place
/// (`usize::MAX` for the default action).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Denial {
    action: Action,
    rank: u8,
    order: usize,
}

/// What the rules do at `x`: the denial of highest precedence among the
/// rules that match (the first one's on a tie), else allowed if an allow
/// rule matches, else the default (`None`: allow).
fn judge(rules: &[ArgRule], default: Option<Action>, x: u64) -> Option<Denial> {
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
enum Cells {
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
fn cells(rules: &[ArgRule], default: Option<Action>, width: u32) -> Option<Cells> {
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
fn deposit(mut i: u64, mask: u64) -> u64 {
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

/// The conditions that deny exactly the denied cells, `Ok(None)` when
/// every cell is denied, an error when more than 8 values would be needed.
fn conditions(cells: &Cells, arg: u8, width: u32) -> Result<Option<Vec<Cond>>, String> {
    match cells {
        Cells::Intervals(list) => {
            if list.iter().all(|c| c.2.is_none()) {
                return Ok(Some(Vec::new()));
            }
            if list.iter().all(|c| c.2.is_some()) {
                return Ok(None);
            }
            // The runs of denied and of allowed cells.
            let mut runs: Vec<(u128, u128, bool)> = Vec::new();
            for c in list {
                match runs.last_mut() {
                    Some(r) if r.2 == c.2.is_some() => r.1 = c.1,
                    _ => runs.push((c.0, c.1, c.2.is_some())),
                }
            }
            // The bounds where the call goes from allowed to denied are all
            // multiples of 2^kmax: for any k up to kmax, arg & ~(2^k - 1)
            // tells the cells apart, in blocks of 2^k values. The values
            // themselves (k = 0, no mask) when few enough, else the k that
            // needs the fewest values.
            let kmax = runs
                .iter()
                .skip(1)
                .map(|r| (r.0 as u64).trailing_zeros())
                .min()
                .unwrap_or(0);
            let count = |denied: bool, k: u32| -> u128 {
                runs.iter()
                    .filter(|r| r.2 == denied)
                    .map(|r| (r.1 - r.0) >> k)
                    .sum()
            };
            let fits = |n: u128| n <= MAX_VALUES as u128;
            let fewest = |k: u32| count(true, k).min(count(false, k));
            let k = match fits(fewest(0)) {
                true => 0,
                false => (0..=kmax).min_by_key(|&k| (fewest(k), k)).unwrap_or(0),
            };
            let k = Some(k).filter(|&k| fits(fewest(k))).ok_or_else(|| {
                format!(
                    "arg{arg} takes more than {MAX_VALUES} allowed and more than \
                         {MAX_VALUES} denied values"
                )
            })?;
            let block = 1u128 << k;
            let (nd, na) = (count(true, k), count(false, k));
            let negated = fits(na) && (!fits(nd) || na < nd);
            let values: Vec<u64> = runs
                .iter()
                .filter(|r| r.2 != negated)
                .flat_map(|r| (r.0..r.1).step_by(block as usize).map(|v| v as u64))
                .collect();
            let mask = match k {
                0 => u64::MAX,
                k => width_mask(width) & !((1u64 << k) - 1),
            };
            Ok(Some(vec![Cond::new(arg, mask, negated, &values)]))
        }
        Cells::Masked { mask, named, other } => {
            let denied: Vec<u64> = named
                .iter()
                .filter(|c| c.1.is_some())
                .map(|c| c.0)
                .collect();
            let allowed: Vec<u64> = named
                .iter()
                .filter(|c| c.1.is_none())
                .map(|c| c.0)
                .collect();
            let other_denied = other.is_some_and(|o| o.is_some());
            if denied.is_empty() && !other_denied {
                return Ok(Some(Vec::new()));
            }
            if allowed.is_empty() && (other_denied || other.is_none()) {
                return Ok(None);
            }
            let too_many = || {
                format!(
                    "arg{arg} & {mask:#x} takes more than {MAX_VALUES} allowed and more \
                     than {MAX_VALUES} denied values"
                )
            };
            let cond = match other {
                Some(Some(_)) if allowed.len() <= MAX_VALUES => {
                    Cond::new(arg, *mask, true, &allowed)
                }
                Some(Some(_)) => return Err(too_many()),
                Some(None) if denied.len() <= MAX_VALUES => Cond::new(arg, *mask, false, &denied),
                Some(None) => return Err(too_many()),
                None if denied.len() <= allowed.len().min(MAX_VALUES) => {
                    Cond::new(arg, *mask, false, &denied)
                }
                None if allowed.len() <= MAX_VALUES => Cond::new(arg, *mask, true, &allowed),
                None => return Err(too_many()),
            };
            Ok(Some(vec![cond]))
        }
    }
}

/// The denials of the denied cells.
fn denials(cells: &Cells) -> Vec<Denial> {
    match cells {
        Cells::Intervals(list) => list.iter().filter_map(|c| c.2).collect(),
        Cells::Masked { named, other, .. } => named
            .iter()
            .filter_map(|c| c.1)
            .chain(other.iter().flatten().copied())
            .collect(),
    }
}

/// The one action of a call whose denied arguments the profile gives
/// `denials`: kill if one kills, else the first rule's (the default
/// action last), and the other actions, which it replaces.
fn one_action(denials: &[Denial]) -> (Action, Vec<Action>) {
    let chosen = if denials.iter().any(|d| d.action == Action::Kill) {
        Action::Kill
    } else {
        denials
            .iter()
            .min_by_key(|d| d.order)
            .map_or(Action::Kill, |d| d.action)
    };
    let mut lost: Vec<Action> = denials
        .iter()
        .map(|d| d.action)
        .filter(|&a| a != chosen)
        .collect();
    lost.sort();
    lost.dedup();
    (chosen, lost)
}

/// Joins conditions that deny the call together: `=` conditions on the
/// same mask deny their values together, `!=` ones on the same mask deny
/// all but the values they share. `None` when that denies every value.
fn merge(conds: Vec<Cond>) -> Result<Option<Vec<Cond>>, String> {
    let mut out: Vec<Cond> = Vec::new();
    for c in conds {
        match out
            .iter_mut()
            .find(|o| o.arg == c.arg && o.mask == c.mask && o.negated == c.negated)
        {
            None => out.push(c),
            Some(o) if !c.negated => {
                let mut v = o.values.clone();
                v.extend(&c.values);
                let joined = Cond::new(o.arg, o.mask, false, &v);
                if joined.values.len() > MAX_VALUES {
                    return Err(format!(
                        "arg{} is denied for more than {MAX_VALUES} values",
                        c.arg
                    ));
                }
                *o = joined;
            }
            Some(o) => {
                let shared: Vec<u64> = o
                    .values
                    .iter()
                    .copied()
                    .filter(|v| c.values.contains(v))
                    .collect();
                if shared.is_empty() {
                    return Ok(None);
                }
                *o = Cond::new(o.arg, o.mask, true, &shared);
            }
        }
    }
    // An `=` and a `!=` on the same mask: denied but for the values the
    // `!=` allows and the `=` does not deny.
    let mut i = 0;
    while i < out.len() {
        let twin = out.iter().position(|o| {
            o.arg == out[i].arg && o.mask == out[i].mask && o.negated && !out[i].negated
        });
        match twin {
            Some(j) => {
                let allowed: Vec<u64> = out[j]
                    .values
                    .iter()
                    .copied()
                    .filter(|v| !out[i].values.contains(v))
                    .collect();
                if allowed.is_empty() {
                    return Ok(None);
                }
                out[j] = Cond::new(out[j].arg, out[j].mask, true, &allowed);
                out.remove(i);
            }
            None => i += 1,
        }
    }
    out.sort();
    Ok(Some(out))
}

/// The exact translation of `rules` (every applicable rule that names the
/// call, their comparisons all on argument `arg`) under the default action
/// `default` (`None`: allow), for an argument the kernel reads at `width`
/// bits. An error says why it cannot be exact.
pub fn translate_call(
    rules: &[ArgRule],
    default: Option<Action>,
    arg: u8,
    width: u32,
) -> Result<Judged, String> {
    let mut at_width = Vec::new();
    for r in rules {
        let mut cmps = Vec::new();
        for c in &r.cmps {
            if c.index != arg {
                return Err(format!("tests arg{} besides arg{arg}", c.index));
            }
            cmps.push(c.at_width(width)?);
        }
        at_width.push(ArgRule { cmps, ..r.clone() });
    }
    let rules = at_width;
    // All comparisons of one kind: the cells of all the rules at once.
    if let Some(cells) = cells(&rules, default, width) {
        let (action, lost_actions) = one_action(&denials(&cells));
        let outcome = match conditions(&cells, arg, width)? {
            None => Outcome::Denied(action),
            Some(c) if c.is_empty() => Outcome::Allowed,
            Some(c) => Outcome::Conditional(c, action),
        };
        return Ok(Judged {
            outcome,
            lost_actions,
        });
    }
    // Masks mixed with each other or with bounds: the call is denied where
    // a denying rule matches, or (under a denying default) where no allow
    // rule does. Each denying rule, and the allow rules (or the parts of
    // the one allow rule that share a mask), must be exact on their own.
    let mut conds = Vec::new();
    let mut parts: Vec<Denial> = Vec::new();
    let mut all = false;
    let mut add = |part: &[ArgRule], default: Option<Action>| -> Result<(), String> {
        let cells =
            cells(part, default, width).ok_or("a rule mixes masks, or a mask with bounds")?;
        match conditions(&cells, arg, width)? {
            None => all = true,
            Some(c) => conds.extend(c),
        }
        parts.extend(denials(&cells));
        Ok(())
    };
    for r in rules.iter().filter(|r| r.deny.is_some()) {
        add(std::slice::from_ref(r), None)?;
    }
    let allows: Vec<&ArgRule> = rules.iter().filter(|r| r.deny.is_none()).collect();
    if let Some(d) = default.filter(|_| allows.iter().all(|r| !r.cmps.is_empty())) {
        let owned: Vec<ArgRule> = allows.iter().map(|r| (*r).clone()).collect();
        if cells(&owned, Some(d), width).is_some() {
            add(&owned, Some(d))?;
        } else if let [only] = owned.as_slice() {
            // One allow rule: its comparisons grouped by kind, each group
            // the complement of one condition.
            let mut groups: Vec<(Option<u64>, Vec<Cmp>)> = Vec::new();
            for c in &only.cmps {
                let key = match c.shape(width) {
                    Shape::Mask(m, _) => Some(m),
                    Shape::Bounds(_) => None,
                };
                match groups.iter_mut().find(|g| g.0 == key) {
                    Some(g) => g.1.push(*c),
                    None => groups.push((key, vec![*c])),
                }
            }
            for (_, cmps) in groups {
                let part = ArgRule {
                    cmps,
                    ..only.clone()
                };
                add(&[part], Some(d))?;
            }
        } else {
            return Err("its allow rules mix masks, or a mask with bounds".to_string());
        }
    }
    let (action, lost_actions) = one_action(&parts);
    let outcome = match (all, merge(conds)?) {
        (true, _) | (_, None) => Outcome::Denied(action),
        (false, Some(c)) if c.is_empty() => Outcome::Allowed,
        (false, Some(c)) => Outcome::Conditional(c, action),
    };
    Ok(Judged {
        outcome,
        lost_actions,
    })
}

#[cfg(test)]
#[path = "exact_tests.rs"]
mod tests;
