// SPDX-License-Identifier: GPL-2.0

//! One rule on a call's argument, as `exact` takes it: seccomp's
//! comparisons, read from a profile's `args`, cut to the width the kernel
//! reads the argument at, and their shape over the argument's values.

use crate::actions::Action;
use crate::cond::width_mask;

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
    pub(super) fn at_width(self, width: u32) -> Result<Cmp, String> {
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
    pub(super) fn holds(&self, x: u64) -> bool {
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
    pub(super) fn shape(&self, width: u32) -> Shape {
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
pub(super) enum Shape {
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
