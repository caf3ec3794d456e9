// SPDX-License-Identifier: GPL-2.0

use super::*;

const EPERM: Action = Action::Errno(1);

fn cmp(op: Op, value: u64) -> Cmp {
    Cmp {
        index: 0,
        op,
        value,
        value_two: 0,
    }
}

fn masked(mask: u64, datum: u64) -> Cmp {
    Cmp {
        index: 0,
        op: Op::MaskedEq,
        value: mask,
        value_two: datum,
    }
}

fn allow(order: usize, cmps: &[Cmp]) -> ArgRule {
    ArgRule {
        order,
        deny: None,
        cmps: cmps.to_vec(),
    }
}

fn deny(order: usize, action: Action, cmps: &[Cmp]) -> ArgRule {
    ArgRule {
        order,
        deny: Some((action, if action == Action::Kill { 7 } else { 4 })),
        cmps: cmps.to_vec(),
    }
}

/// The outcome as text: `allowed`, `denied ACTION`, or the conditions and
/// the action.
fn t(rules: &[ArgRule], default: Option<Action>, width: u32) -> String {
    match translate_call(rules, default, 0, width) {
        Err(e) => format!("not exact: {e}"),
        Ok(j) => match j.outcome {
            Outcome::Allowed => "allowed".to_string(),
            Outcome::Denied(a) => format!("denied {a}"),
            Outcome::Conditional(c, a) => {
                let c: Vec<String> = c.iter().map(|c| c.to_string()).collect();
                format!("{} {a}", c.join(" "))
            }
        },
    }
}

#[test]
fn the_af_alg_rule_is_the_complement_of_two_values() {
    let rules = [
        allow(0, &[cmp(Op::Lt, 38)]),
        allow(1, &[cmp(Op::Eq, 39)]),
        allow(2, &[cmp(Op::Gt, 40)]),
    ];
    assert_eq!(t(&rules, Some(EPERM), 32), "arg0=38|40 errno 1");
    assert_eq!(t(&rules, Some(EPERM), 64), "arg0=38|40 errno 1");
    // In another order, and overlapping: the same.
    let rules = [
        allow(0, &[cmp(Op::Gt, 40)]),
        allow(1, &[cmp(Op::Le, 37)]),
        allow(2, &[cmp(Op::Eq, 39)]),
        allow(3, &[cmp(Op::Lt, 20)]),
        allow(4, &[cmp(Op::Ge, 41)]),
    ];
    assert_eq!(t(&rules, Some(EPERM), 32), "arg0=38|40 errno 1");
}

#[test]
fn a_union_of_values_is_a_not_equal_condition() {
    let persona = [0, 8, 0x20000, 0x20008, 0xffff_ffff];
    let rules: Vec<ArgRule> = persona
        .iter()
        .enumerate()
        .map(|(i, &v)| allow(i, &[cmp(Op::Eq, v)]))
        .collect();
    assert_eq!(
        t(&rules, Some(EPERM), 32),
        "arg0!=0|8|131072|131080|4294967295 errno 1"
    );
    // A ninth allowed value is one too many, and so is a ninth denied one.
    let nine: Vec<ArgRule> = (0..9)
        .map(|v| allow(v, &[cmp(Op::Eq, v as u64 * 2)]))
        .collect();
    assert!(t(&nine, Some(EPERM), 32).starts_with("not exact: arg0 takes more than 8"));
    let nine: Vec<ArgRule> = (0..9)
        .map(|v| deny(v, EPERM, &[cmp(Op::Eq, v as u64 * 2)]))
        .collect();
    assert!(t(&nine, None, 32).starts_with("not exact:"));
    let eight: Vec<ArgRule> = (0..8)
        .map(|v| deny(v, EPERM, &[cmp(Op::Eq, v as u64 * 2)]))
        .collect();
    assert_eq!(t(&eight, None, 32), "arg0=0|2|4|6|8|10|12|14 errno 1");
}

#[test]
fn a_masked_equality_is_a_mask_condition() {
    // Docker's clone: allowed without any namespace flag.
    let rules = [allow(0, &[masked(0x7e02_0000, 0)])];
    assert_eq!(t(&rules, Some(EPERM), 64), "arg0&0x7e020000!=0 errno 1");
    assert_eq!(t(&rules, Some(EPERM), 32), "arg0&0x7e020000!=0 errno 1");
    // Denied for two values of the flags, under an allowing default.
    let rules = [
        deny(0, EPERM, &[masked(0x30, 0x10)]),
        deny(1, EPERM, &[masked(0x30, 0x20)]),
    ];
    assert_eq!(t(&rules, None, 64), "arg0&0x30=16|32 errno 1");
    // Every value of a two-bit mask named: the smaller side.
    let rules = [
        allow(0, &[masked(0x5, 0)]),
        allow(1, &[masked(0x5, 1)]),
        allow(2, &[masked(0x5, 4)]),
    ];
    assert_eq!(t(&rules, Some(EPERM), 64), "arg0&0x5=5 errno 1");
    // A datum outside its mask never matches.
    assert_eq!(
        t(&[allow(0, &[masked(0x5, 2)])], Some(EPERM), 64),
        "denied errno 1"
    );
}

#[test]
fn bounds_of_aligned_blocks_are_a_mask_of_the_high_bits() {
    // Allowed below 256: denied when a bit above the low eight is set.
    assert_eq!(
        t(&[allow(0, &[cmp(Op::Lt, 256)])], Some(EPERM), 32),
        "arg0&0xffffff00!=0 errno 1"
    );
    assert_eq!(
        t(&[allow(0, &[cmp(Op::Lt, 256)])], Some(EPERM), 64),
        "arg0&0xffffffffffffff00!=0 errno 1"
    );
    // A high-bit mask in the profile is an interval too.
    let rules = [
        allow(0, &[masked(0xffff_ffff_ffff_ff00, 0)]),
        allow(1, &[cmp(Op::Eq, 300)]),
    ];
    assert_eq!(
        t(&rules, Some(EPERM), 64),
        "not exact: arg0 takes more than 8 allowed and more than 8 denied values"
    );
    let rules = [allow(0, &[masked(0xffff_ff00, 0x100)])];
    assert_eq!(t(&rules, Some(EPERM), 32), "arg0&0xffffff00!=256 errno 1");
}

#[test]
fn edges_of_the_value_space() {
    // LE 2^64 - 1 allows every value; GT 0 all but 0; LT 0 and GT max none.
    assert_eq!(
        t(&[allow(0, &[cmp(Op::Le, u64::MAX)])], Some(EPERM), 64),
        "allowed"
    );
    assert_eq!(
        t(&[allow(0, &[cmp(Op::Gt, 0)])], Some(EPERM), 64),
        "arg0=0 errno 1"
    );
    assert_eq!(
        t(&[allow(0, &[cmp(Op::Lt, 0)])], Some(EPERM), 64),
        "denied errno 1"
    );
    assert_eq!(
        t(&[allow(0, &[cmp(Op::Gt, u64::MAX)])], Some(EPERM), 64),
        "denied errno 1"
    );
    assert_eq!(
        t(&[allow(0, &[cmp(Op::Ge, 0)])], Some(EPERM), 64),
        "allowed"
    );
    assert_eq!(
        t(&[allow(0, &[cmp(Op::Eq, u64::MAX)])], Some(EPERM), 64),
        "arg0!=18446744073709551615 errno 1"
    );
    // LE 2^32 - 1 on a 32-bit argument: every value it can read.
    assert_eq!(
        t(&[allow(0, &[cmp(Op::Le, 0xffff_ffff)])], Some(EPERM), 32),
        "allowed"
    );
    // On a 64-bit one, the values with a high bit are denied.
    assert_eq!(
        t(&[allow(0, &[cmp(Op::Le, 0xffff_ffff)])], Some(EPERM), 64),
        "arg0&0xffffffff00000000!=0 errno 1"
    );
    // NE: denied for one value.
    assert_eq!(
        t(&[allow(0, &[cmp(Op::Ne, 40)])], Some(EPERM), 32),
        "arg0=40 errno 1"
    );
    // A rule without comparisons allows everything.
    assert_eq!(
        t(&[allow(0, &[]), deny(1, EPERM, &[])], Some(EPERM), 32),
        "denied errno 1"
    );
    assert_eq!(
        t(
            &[allow(0, &[cmp(Op::Eq, 3)]), allow(1, &[])],
            Some(EPERM),
            32
        ),
        "allowed"
    );
}

#[test]
fn values_past_the_width() {
    // A value past 32 bits on a 32-bit argument: not as the kernel reads it.
    let e = t(&[allow(0, &[cmp(Op::Eq, 1 << 32 | 38)])], Some(EPERM), 32);
    assert!(
        e.starts_with("not exact: compares 0x100000026, past the 32 bits"),
        "{e}"
    );
    let e = t(&[allow(0, &[cmp(Op::Lt, 1 << 40)])], Some(EPERM), 32);
    assert!(e.starts_with("not exact"), "{e}");
    // A sign-extended -100 is -100 in 32 bits.
    let rules = [allow(0, &[cmp(Op::Eq, (-100i64) as u64)])];
    assert_eq!(t(&rules, Some(EPERM), 32), "arg0!=4294967196 errno 1");
}

#[test]
fn deny_rules_win_over_allow_rules_with_their_own_action() {
    // Podman's socket, widened: EPERM for AF_VSOCK, else allowed; the
    // default (ENOSYS) never applies.
    let rules = [
        deny(0, EPERM, &[cmp(Op::Eq, 40)]),
        allow(1, &[cmp(Op::Eq, 16)]),
        allow(2, &[cmp(Op::Ne, 16)]),
    ];
    let j = translate_call(&rules, Some(Action::Errno(38)), 0, 32).unwrap();
    assert_eq!(
        j.outcome,
        Outcome::Conditional(vec![Cond::new(0, u64::MAX, false, &[40])], EPERM)
    );
    assert!(j.lost_actions.is_empty());
    // Narrowed: the NETLINK rule on arg0 alone denies 16 with EINVAL; the
    // call keeps the first rule's action, and the other one is reported.
    let rules = [
        deny(0, EPERM, &[cmp(Op::Eq, 40)]),
        deny(1, Action::Errno(22), &[cmp(Op::Eq, 16)]),
        allow(3, &[cmp(Op::Ne, 16)]),
    ];
    let j = translate_call(&rules, Some(Action::Errno(38)), 0, 32).unwrap();
    assert_eq!(
        j.outcome,
        Outcome::Conditional(vec![Cond::new(0, u64::MAX, false, &[16, 40])], EPERM)
    );
    assert_eq!(j.lost_actions, [Action::Errno(22)]);
    // A killing rule wins over an errno one, whatever their order.
    let rules = [
        deny(0, EPERM, &[cmp(Op::Eq, 1)]),
        deny(1, Action::Kill, &[cmp(Op::Le, 2)]),
    ];
    assert_eq!(t(&rules, None, 64), "arg0=0|1|2 kill");
}

#[test]
fn and_within_a_rule() {
    // One interval from two bounds.
    let rules = [allow(0, &[cmp(Op::Ge, 10), cmp(Op::Le, 13)])];
    assert_eq!(t(&rules, Some(EPERM), 32), "arg0!=10|11|12|13 errno 1");
    // A mask and bounds in one allow rule: one condition each.
    let rules = [allow(0, &[masked(0x7e02_0000, 0), cmp(Op::Ne, 5)])];
    assert_eq!(
        t(&rules, Some(EPERM), 64),
        "arg0&0x7e020000!=0 arg0=5 errno 1"
    );
    // Two masks: two conditions; with a deny rule on a third mask.
    let rules = [
        allow(0, &[masked(0x3, 0), masked(0x30, 0x10)]),
        deny(1, Action::Errno(13), &[masked(0x300, 0x100)]),
    ];
    let j = translate_call(&rules, Some(EPERM), 0, 64).unwrap();
    let Outcome::Conditional(c, a) = j.outcome else {
        panic!("{:?}", j.outcome)
    };
    let c: Vec<String> = c.iter().map(|c| c.to_string()).collect();
    assert_eq!(c, ["arg0&0x3!=0", "arg0&0x30!=16", "arg0&0x300=256"]);
    // The deny rule comes before the default in the profile's order.
    assert_eq!((a, j.lost_actions), (Action::Errno(13), vec![EPERM]));
    // Two allow rules whose masks differ cannot be joined.
    let rules = [allow(0, &[masked(0x3, 0)]), allow(1, &[masked(0x30, 0)])];
    assert!(t(&rules, Some(EPERM), 64).starts_with("not exact: its allow rules mix"));
}

#[test]
fn rules_on_another_argument_are_refused() {
    let mut c = cmp(Op::Eq, 9);
    c.index = 2;
    let e = translate_call(&[allow(0, &[c])], Some(EPERM), 0, 32).unwrap_err();
    assert_eq!(e, "tests arg2 besides arg0");
}

#[test]
fn json_arguments() {
    let v: serde_json::Value =
        serde_json::from_str(r#"{"index":1,"value":2114060288,"op":"SCMP_CMP_MASKED_EQ"}"#)
            .unwrap();
    assert_eq!(
        Cmp::from_json(&v).unwrap(),
        Cmp {
            index: 1,
            op: Op::MaskedEq,
            value: 0x7e02_0000,
            value_two: 0
        }
    );
    for bad in [
        r#"{"index":6,"value":1,"op":"SCMP_CMP_EQ"}"#,
        r#"{"index":0,"value":-1,"op":"SCMP_CMP_EQ"}"#,
        r#"{"index":0,"op":"SCMP_CMP_EQ"}"#,
        r#"{"index":0,"value":1,"op":"SCMP_CMP_BOGUS"}"#,
        r#"{"index":0,"value":1}"#,
    ] {
        let v: serde_json::Value = serde_json::from_str(bad).unwrap();
        assert!(Cmp::from_json(&v).is_err(), "{bad}");
    }
    // The bits of 0b101 on the set bits 4, 5 and 7 of the mask.
    assert_eq!(deposit(0b101, 0b1011_0000), 0b1001_0000);
}

/// A small deterministic generator (xorshift), for the cross-check below.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Whether the outcome denies argument `x`.
fn denies(outcome: &Outcome, x: u64, width: u32) -> bool {
    match outcome {
        Outcome::Allowed => false,
        Outcome::Denied(_) => true,
        Outcome::Conditional(conds, _) => conds.iter().any(|c| c.denies(x, width)),
    }
}

#[test]
fn every_exact_translation_agrees_with_seccomp_at_every_cell() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let masks = [0x30u64, 0x7e02_0000, 0x5, u64::MAX, 0xffff_ff00];
    let mut exact = 0;
    for round in 0..3000 {
        let width = if round % 2 == 0 { 64 } else { 32 };
        let top = crate::cond::width_mask(width);
        // One family per round, mixed now and then.
        let family = rng.below(3);
        let mut rules = Vec::new();
        for order in 0..1 + rng.below(5) as usize {
            let mut cmps = Vec::new();
            for _ in 0..rng.below(3) {
                let value = match rng.below(4) {
                    0 => top - rng.below(3),
                    _ => rng.below(48),
                };
                let c = match (family, rng.below(7)) {
                    (1, _) | (2, 0) => {
                        let m = masks[rng.below(2) as usize];
                        masked(m, rng.below(4) * (m & m.wrapping_neg()))
                    }
                    (_, 0) => cmp(Op::Eq, value),
                    (_, 1) => cmp(Op::Ne, value),
                    (_, 2) => cmp(Op::Lt, value),
                    (_, 3) => cmp(Op::Le, value),
                    (_, 4) => cmp(Op::Gt, value),
                    (_, 5) => cmp(Op::Ge, value),
                    _ => masked(masks[3 + rng.below(2) as usize] & top, value & !0xff),
                };
                cmps.push(c);
            }
            rules.push(match rng.below(3) {
                0 => deny(order, Action::Errno(1 + rng.below(2) as u32), &cmps),
                1 if rng.below(4) == 0 => deny(order, Action::Kill, &cmps),
                _ => allow(order, &cmps),
            });
        }
        let default = match rng.below(3) {
            0 => None,
            _ => Some(EPERM),
        };
        let Ok(j) = translate_call(&rules, default, 0, width) else {
            continue;
        };
        exact += 1;
        // Every bound of every comparison, its neighbours, and the masks'
        // values, against the rules as seccomp judges them.
        let mut points: Vec<u64> = vec![0, 1, top, top - 1, 1 << 31, (1 << 31) - 1];
        for r in &rules {
            for c in &r.cmps {
                for v in [c.value, c.value_two, c.value | c.value_two] {
                    points.extend([v, v.wrapping_add(1), v.wrapping_sub(1)]);
                }
            }
        }
        points.extend((0..64).map(|_| rng.next()));
        for &p in &points {
            let x = p & top;
            let want = judge(&rules, default, x);
            assert_eq!(
                denies(&j.outcome, x, width),
                want.is_some(),
                "round {round}: {rules:?} default {default:?} width {width} at {x:#x}: {:?}",
                j.outcome
            );
            if let (Some(d), Outcome::Conditional(_, a) | Outcome::Denied(a)) = (want, &j.outcome) {
                assert!(
                    d.action == *a || j.lost_actions.contains(&d.action),
                    "round {round}"
                );
            }
        }
    }
    // Most rounds are exact: the check is not vacuous.
    assert!(exact > 1500, "{exact} exact translations");
}
