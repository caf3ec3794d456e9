// SPDX-License-Identifier: GPL-2.0

//! The rules on a call's arguments: their exact translation into the
//! controller's conditions (by `exact`), or why there is none, and the
//! calls that reach the same kernel functions with their arguments behind
//! a pointer.

use super::rules::{push_once, Applied, Kind};
use super::ArgsPolicy;
use crate::actions::Action;
use crate::cond::CondItem;
use crate::exact;
use crate::set::SyscallSet;
use crate::table::Abi;

/// The arguments that are pointers to a call's real arguments: the rules
/// compare the pointer, never what it points to.
fn pointer_argument(abi: Abi, name: &str, index: u8) -> Option<&'static str> {
    match (abi, name, index) {
        (Abi::Ia32, "socketcall", 1) => {
            Some("socketcall's arg1 points to the socket call's arguments")
        }
        (_, "clone3", 0) => Some("clone3's arg0 points to its flags (struct clone_args)"),
        _ => None,
    }
}

/// The exact translation of the applicable `rules` that name call `nr` of
/// `abi`, or why there is none. Rules that test other arguments besides
/// the one most rules test are narrowed or widened to that one, as --args
/// says (noted).
pub(super) fn exact_call(
    abi: Abi,
    nr: usize,
    rules: &[&Applied],
    default: Option<Action>,
    args: ArgsPolicy,
    notes: &mut Vec<String>,
) -> Result<exact::Judged, String> {
    let name = abi.name(nr).unwrap_or("?");
    let mut parsed: Vec<(&Applied, Vec<exact::Cmp>)> = Vec::new();
    for r in rules {
        let mut cmps = Vec::new();
        for v in &r.args {
            let c = exact::Cmp::from_json(v).map_err(|e| format!("{}: {e}", r.what))?;
            if let Some(why) = pointer_argument(abi, name, c.index) {
                return Err(format!(
                    "{why}, which neither seccomp nor the controller reads"
                ));
            }
            cmps.push(c);
        }
        parsed.push((r, cmps));
    }
    // The argument most rules test (the lowest of those tested as often).
    let mut count = [0usize; 6];
    for (_, cmps) in &parsed {
        let mut seen = [false; 6];
        cmps.iter().for_each(|c| seen[usize::from(c.index)] = true);
        (0..6).filter(|&i| seen[i]).for_each(|i| count[i] += 1);
    }
    let arg = (0..6u8)
        .max_by_key(|&i| (count[usize::from(i)], std::cmp::Reverse(i)))
        .unwrap_or(0);
    let mut out: Vec<exact::ArgRule> = Vec::new();
    for (r, cmps) in parsed {
        let deny = match r.kind {
            Kind::Allow | Kind::Log => None,
            Kind::Deny(a) => Some((a, r.rank)),
        };
        let (mine, others): (Vec<exact::Cmp>, Vec<exact::Cmp>) =
            cmps.into_iter().partition(|c| c.index == arg);
        if !others.is_empty() {
            let mut tested: Vec<String> =
                others.iter().map(|c| format!("arg{}", c.index)).collect();
            tested.dedup();
            let keep = (args == ArgsPolicy::Widen) == deny.is_none();
            push_once(
                notes,
                format!(
                    "{}: tests {} besides arg{arg} of {name}, and a call's conditions test one argument: {}",
                    r.what,
                    tested.join(" and "),
                    match (deny.is_none(), keep) {
                        (true, true) => "allowed on arg{arg} alone (widened, --args widen)".to_string(),
                        (true, false) => "dropped, the call stays denied where only this rule allows it (narrowed; --args widen allows it on arg{arg} alone)".to_string(),
                        (false, true) => "denied on arg{arg} alone, with the call's action (narrowed)".to_string(),
                        (false, false) => "dropped, the call runs where only this rule denies it (widened, --args widen)".to_string(),
                    }
                    .replace("{arg}", &arg.to_string())
                ),
            );
            if !keep {
                continue;
            }
        }
        out.push(exact::ArgRule {
            order: r.order,
            deny,
            cmps: mine,
        });
    }
    exact::translate_call(&out, default, arg, abi.arg_width(nr, usize::from(arg)))
}

/// The calls of the ia32 socketcall and of clone3 carry their arguments
/// behind a pointer: where they stay allowed, the conditions on `socket`
/// or `clone` do not reach the same kernel function through them.
pub(super) fn escapes(conditions: &[CondItem], denied: &SyscallSet) -> Vec<String> {
    const SOCKET_CALLS: [&str; 17] = [
        "socket",
        "bind",
        "connect",
        "listen",
        "accept",
        "getsockname",
        "getpeername",
        "socketpair",
        "sendto",
        "recvfrom",
        "shutdown",
        "setsockopt",
        "getsockopt",
        "sendmsg",
        "recvmsg",
        "accept4",
        "sendmmsg",
    ];
    let mut out = Vec::new();
    let open = |abi: Abi, name: &str| abi.lookup(name).is_some_and(|nr| !denied.contains(abi, nr));
    let on = |abi: Abi, f: &dyn Fn(&str) -> bool| {
        conditions
            .iter()
            .any(|c| c.abi == abi && c.abi.name(c.nr).is_some_and(f))
    };
    if on(Abi::Ia32, &|n| SOCKET_CALLS.contains(&n)) && open(Abi::Ia32, "socketcall") {
        out.push(
            "ia32:socketcall stays allowed: the socket calls made through it pass their arguments \
             behind its pointer, which neither seccomp nor the conditions read"
                .to_string(),
        );
    }
    for abi in Abi::ALL {
        if on(abi, &|n| n == "clone") && open(abi, "clone3") {
            out.push(format!(
                "{}clone3 stays allowed: its flags are behind a pointer (struct clone_args), which \
                 neither seccomp nor the conditions on clone read",
                if abi == Abi::Ia32 { "ia32:" } else { "" }
            ));
        }
    }
    out
}
