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
//!
//! `rule` holds the rules and their comparisons, `cells` the cells and
//! their judgement; this module turns the denied cells into conditions.

use crate::actions::Action;
use crate::cond::{width_mask, Cond, MAX_VALUES};

mod cells;
mod rule;

use cells::{cells, Cells, Denial};
#[cfg(test)]
use cells::{deposit, judge};
#[cfg(test)]
use rule::Op;
use rule::Shape;
pub use rule::{ArgRule, Cmp};

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
