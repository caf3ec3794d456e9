// SPDX-License-Identifier: GPL-2.0

//! Argument conditions, as `syscalls.deny` and `syscalls.allow` take them
//! and `syscalls.deny` prints them: `socket(arg0=38|40)`,
//! `clone(arg0&0x7e020000!=0)`. A denied condition denies its call when
//! `(argK & MASK)`, at the width the kernel reads the argument at, is one
//! of the values (`=`) or none of them (`!=`).

use std::fmt;

use crate::table::Abi;

/// The most values one condition holds.
pub const MAX_VALUES: usize = 8;
/// The most conditions a cgroup holds of its own, each on one call of one
/// ABI (the kernel's `ENOSPC` past it).
pub const MAX_OWN: usize = 32;
/// The highest argument index.
pub const MAX_ARG: u8 = 5;

/// One condition on one argument.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cond {
    pub arg: u8,
    /// The mask; all ones when the condition has none.
    pub mask: u64,
    /// `!=`: the call is denied when the masked argument is none of the
    /// values; `=`: when it is one of them.
    pub negated: bool,
    /// Ascending, without duplicates: 1 to [`MAX_VALUES`] of them.
    pub values: Vec<u64>,
}

impl Cond {
    /// A condition with its values in the order the kernel prints them.
    pub fn new(arg: u8, mask: u64, negated: bool, values: &[u64]) -> Cond {
        let mut values = values.to_vec();
        values.sort_unstable();
        values.dedup();
        Cond {
            arg,
            mask,
            negated,
            values,
        }
    }

    /// Parses the text inside the parentheses: `arg0=38|40`,
    /// `arg0&0x7e020000!=0`, checked as the kernel checks it.
    pub fn parse(text: &str) -> Result<Cond, String> {
        let bad = |why: &str| format!("`{text}`: {why}");
        let rest = text
            .strip_prefix("arg")
            .ok_or_else(|| bad("a condition starts with argN (arg0 to arg5)"))?;
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let arg: u8 = match rest[..digits].parse() {
            Ok(n) if n <= MAX_ARG && digits == 1 => n,
            _ => return Err(bad("the argument is arg0 to arg5")),
        };
        let rest = &rest[digits..];
        let (mask, rest) = match rest.strip_prefix('&') {
            Some(r) => {
                let end = r
                    .find(['=', '!'])
                    .ok_or_else(|| bad("no = or != after the mask"))?;
                let mask = parse_number(&r[..end]).map_err(|e| bad(&e))?;
                if mask == 0 {
                    return Err(bad("a mask of 0 tests nothing"));
                }
                (mask, &r[end..])
            }
            None => (u64::MAX, rest),
        };
        let (negated, list) = if let Some(l) = rest.strip_prefix("!=") {
            (true, l)
        } else if let Some(l) = rest.strip_prefix('=') {
            (false, l)
        } else {
            return Err(bad("= or != and values must follow the argument"));
        };
        let mut values = Vec::new();
        for v in list.split('|') {
            values.push(parse_number(v).map_err(|e| bad(&e))?);
        }
        if values.len() > MAX_VALUES {
            return Err(bad(&format!("more than {MAX_VALUES} values")));
        }
        if let Some(v) = values.iter().find(|&&v| v & !mask != 0) {
            return Err(bad(&format!("the value {v} has bits outside the mask")));
        }
        Ok(Cond::new(arg, mask, negated, &values))
    }

    /// Whether the condition denies a call whose argument reads `x`, at
    /// the argument's width in bits: argument, mask and values are all cut
    /// to that width, as the kernel compares them.
    #[cfg(test)]
    pub fn denies(&self, x: u64, width: u32) -> bool {
        let w = width_mask(width);
        let m = self.mask & w;
        let hit = self.values.iter().any(|&v| x & m == v & w);
        hit != self.negated
    }
}

/// The all-ones mask of `width` bits.
pub fn width_mask(width: u32) -> u64 {
    match width {
        64.. => u64::MAX,
        w => (1u64 << w) - 1,
    }
}

impl fmt::Display for Cond {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "arg{}", self.arg)?;
        if self.mask != u64::MAX {
            write!(f, "&{:#x}", self.mask)?;
        }
        f.write_str(if self.negated { "!=" } else { "=" })?;
        let values: Vec<String> = self.values.iter().map(u64::to_string).collect();
        f.write_str(&values.join("|"))
    }
}

/// A decimal or `0x` hexadecimal number up to 2^64 - 1.
fn parse_number(text: &str) -> Result<u64, String> {
    let (digits, radix) = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(h) => (h, 16),
        None => (text, 10),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return Err(format!("`{text}` is not a decimal or 0x number"));
    }
    u64::from_str_radix(digits, radix).map_err(|_| format!("`{text}` is past 2^64 - 1"))
}

/// A condition on one call of one ABI, as a read of `syscalls.deny` prints
/// it: `x86_64:41(arg0=38|40)`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CondItem {
    pub abi: Abi,
    pub nr: usize,
    pub cond: Cond,
}

impl CondItem {
    /// The call by name where the table has one: `socket(arg0=38|40)` for
    /// x86_64's, `ia32:socket(...)` for ia32's; for messages.
    pub fn by_name(&self) -> String {
        let name = self
            .abi
            .name(self.nr)
            .map_or(self.nr.to_string(), str::to_string);
        match self.abi {
            Abi::X86_64 => format!("{name}({})", self.cond),
            Abi::Ia32 => format!("ia32:{name}({})", self.cond),
        }
    }
}

impl fmt::Display for CondItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}({})", self.abi.prefix(), self.nr, self.cond)
    }
}

/// Sorts conditions as the kernel prints them (by ABI, number, then
/// condition) and drops duplicates.
pub fn normalize(conds: &mut Vec<CondItem>) {
    conds.sort();
    conds.dedup();
}

/// Conditions by name, a call's conditions on both ABIs once when they are
/// the same (`socket(arg0=38|40)`), each with the items it stands for.
pub fn by_name(conds: &[CondItem]) -> Vec<(String, Vec<CondItem>)> {
    let mut out: Vec<(String, Vec<CondItem>)> = Vec::new();
    for c in conds {
        let twin = |abi: Abi| {
            let name = c.abi.name(c.nr)?;
            let nr = abi.lookup(name)?;
            conds
                .iter()
                .find(|o| o.abi == abi && o.nr == nr && o.cond == c.cond)
        };
        match (c.abi, twin(Abi::Ia32), twin(Abi::X86_64)) {
            (Abi::X86_64, Some(t), _) => out.push((
                format!("{}({})", c.abi.name(c.nr).unwrap_or("?"), c.cond),
                vec![c.clone(), t.clone()],
            )),
            (Abi::X86_64, None, _) => {
                out.push((format!("x86_64:{}", c.by_name()), vec![c.clone()]))
            }
            (Abi::Ia32, _, Some(_)) => {}
            (Abi::Ia32, _, None) => out.push((c.by_name(), vec![c.clone()])),
        }
    }
    out
}

/// Conditions by name for a note: `socket(arg0=38|40) clone(...)`.
pub fn describe(conds: &[CondItem]) -> String {
    let names: Vec<String> = by_name(conds).into_iter().map(|(n, _)| n).collect();
    names.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_as_the_kernel_does() {
        let c = Cond::parse("arg0=40|38").unwrap();
        assert_eq!(c, Cond::new(0, u64::MAX, false, &[38, 40]));
        assert_eq!(c.to_string(), "arg0=38|40");
        let c = Cond::parse("arg0&0x7E020000!=0").unwrap();
        assert_eq!(c.to_string(), "arg0&0x7e020000!=0");
        let c = Cond::parse("arg3!=0|8|0x20000|0x20008|0xffffffff").unwrap();
        assert_eq!(c.to_string(), "arg3!=0|8|131072|131080|4294967295");
        assert_eq!(
            Cond::parse("arg5=18446744073709551615").unwrap().values,
            [u64::MAX]
        );
        for bad in [
            "",
            "arg6=1",
            "arg=1",
            "arg01=1",
            "arg0",
            "arg0=",
            "arg0==1",
            "arg0=1|",
            "arg0=x",
            "arg0&0=0",
            "arg0&0xf=16",
            "arg0=1|2|3|4|5|6|7|8|9",
            "arg0=18446744073709551616",
            "arg0<5",
        ] {
            assert!(Cond::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn denies_at_the_width_the_kernel_reads() {
        let c = Cond::parse("arg0=38|40").unwrap();
        assert!(c.denies(38, 32) && c.denies(40, 32) && !c.denies(39, 32));
        // The high half of a 32-bit argument is not part of it.
        assert!(c.denies(38 | 1 << 32, 32));
        assert!(!c.denies(38 | 1 << 32, 64));
        let c = Cond::parse("arg0&0x7e020000!=0").unwrap();
        assert!(c.denies(0x1000_0000, 64) && !c.denies(0x11, 64));
        let item = CondItem {
            abi: Abi::Ia32,
            nr: 359,
            cond: Cond::parse("arg0=38").unwrap(),
        };
        assert_eq!(item.to_string(), "ia32:359(arg0=38)");
        assert_eq!(item.by_name(), "ia32:socket(arg0=38)");
    }
}
