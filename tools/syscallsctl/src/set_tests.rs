// SPDX-License-Identifier: GPL-2.0

use super::*;

fn set(text: &str) -> SyscallSet {
    SyscallSet::parse(text).unwrap()
}

#[test]
fn parses_the_read_format() {
    let s = set("0-3,83 ia32:3-6,ia32:39\n");
    assert_eq!(s.iter(Abi::X86_64).collect::<Vec<_>>(), [0, 1, 2, 3, 83]);
    assert!(s.contains(Abi::Ia32, 39) && s.contains(Abi::Ia32, 3));
    // Bare x86_64 numbers reach their ia32 namesakes (read 0 -> ia32 3).
    assert_eq!(set("83"), set("mkdir"));
    assert_eq!(set("x86_64:0-3,x86_64:83 ia32:3-6").len(), 9);
    assert!(set("").is_empty() && set("\n").is_empty());
}

#[test]
fn names_prefixes_and_all() {
    assert_eq!(set("ia32:socketcall").exact_items(), ["ia32:102"]);
    assert_eq!(set("mkdir").exact_items(), ["x86_64:83", "ia32:39"]);
    assert_eq!(set("x86_64:mkdir").exact_items(), ["x86_64:83"]);
    assert_eq!(set("all"), SyscallSet::all());
    // All of the table: 0 to its last number (472 on 7.3).
    let last = Abi::Ia32.size() - 1;
    assert_eq!(set("ia32:all").exact_items(), [format!("ia32:0-{last}")]);
}

#[test]
fn errors_name_the_item() {
    let e = |t: &str| SyscallSet::parse(t).unwrap_err();
    assert!(e("bogus").contains("`bogus`: no such system call"));
    // The first number past the table (473 on 7.3).
    let n = Abi::X86_64.size();
    assert!(e(&n.to_string()).contains(&format!("past the x86_64 table ({n} entries)")));
    assert!(SyscallSet::parse(&(n - 1).to_string()).is_ok());
    assert!(e("5-3").contains("backwards"));
    assert!(e("x32:1").contains("unknown ABI prefix"));
    assert!(e("ia32:").contains("prefix without an item"));
    assert!(e("0x10").contains("not a decimal"));
    assert!(e("99999999999999999999999").contains("past the"));
}

#[test]
fn exact_items_round_trip() {
    let s = set("x86_64:0-3,x86_64:83 ia32:3-6");
    assert_eq!(set(&s.exact_items().join(",")), s);
    let c = s.complement();
    assert_eq!(c.union(&s), SyscallSet::all());
    assert!(c.intersect(&s).is_empty());
}

#[test]
fn outside_rules_are_dropped() {
    let s = set("all").without_outside_rules();
    assert!(!s.contains(Abi::X86_64, 60) && !s.contains(Abi::Ia32, 0));
    // Every entry of both tables (473 each on 7.3), holes included,
    // but x86_64's 4 calls outside the rules and ia32's 5.
    assert_eq!(s.len(), Abi::X86_64.size() + Abi::Ia32.size() - 4 - 5);
}

#[test]
fn named_items_name_the_set_exactly() {
    for text in [
        "clone3",
        "x86_64:mkdir",
        "ia32:socketcall,ia32:mkdir",
        "mkdir,ia32:socketcall,arch_prctl",
        // x86_64:337 is a hole (as 336 was on 6.12; on 7.3 it is uprobe).
        "x86_64:337,ia32:400-402,read",
        "all",
    ] {
        let s = set(text);
        assert_eq!(set(&s.named_items().join(",")), s, "{text}");
    }
    assert_eq!(set("clone3").named_items(), ["clone3"]);
    assert_eq!(
        set("mkdir,x86_64:read,ia32:socketcall").named_items(),
        ["x86_64:read", "mkdir", "ia32:socketcall"]
    );
}

#[test]
fn conditions_in_writes_and_reads() {
    let i = Items::parse("mkdir socket(arg0=40|38)").unwrap();
    assert_eq!(i.set, set("mkdir"));
    let shown: Vec<String> = i.conds.iter().map(|c| c.to_string()).collect();
    assert_eq!(shown, ["x86_64:41(arg0=38|40)", "ia32:359(arg0=38|40)"]);
    // The kernel's read gives the same back.
    let read = "83 ia32:39 x86_64:41(arg0=38|40) ia32:359(arg0=38|40)\n";
    assert_eq!(Items::parse(read).unwrap(), i);
    // A bare number reaches its ia32 namesake, a prefix one ABI only.
    assert_eq!(Items::parse("41(arg0=38|40)").unwrap().conds, i.conds);
    assert_eq!(Items::parse("ia32:socket(arg0=1)").unwrap().conds.len(), 1);
    // Only a read with conditions at its start and nothing else.
    let only = Items::parse("x86_64:56(arg0&0x7e020000!=0)").unwrap();
    assert!(only.set.is_empty() && only.conds.len() == 1);
    let e = |t: &str| Items::parse(t).unwrap_err();
    assert!(e("0-3(arg0=1)").contains("not on a range or all"));
    assert!(e("all(arg0=1)").contains("not on a range or all"));
    assert!(e("exit(arg0=1)").contains("always allowed"));
    assert!(e("socket(arg0=1").contains("ends with `)`"));
    assert!(e("socket(arg9=1)").contains("arg0 to arg5"));
    assert!(e("bogus(arg0=1)").contains("no such system call"));
    // Where no condition belongs, it is refused.
    assert!(SyscallSet::parse("socket(arg0=1)")
        .unwrap_err()
        .contains("no argument condition is taken here"));
}

#[test]
fn chunks_stay_within_a_page() {
    let items: Vec<String> = (0..2000).map(|n| format!("x86_64:{n}")).collect();
    let chunks = chunk(&items);
    assert!(chunks.len() > 1);
    assert!(chunks.iter().all(|c| c.len() < WRITE_MAX));
    assert_eq!(chunks.join(",").split(',').count(), 2000);
    assert!(chunk(&[]).is_empty());
}
