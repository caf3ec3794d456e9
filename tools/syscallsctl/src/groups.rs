// SPDX-License-Identifier: GPL-2.0

//! `@group` names: sets of system call names from `groups.toml`, embedded
//! in the binary, in the spirit of systemd's `SystemCallFilter=` sets.

use std::collections::BTreeMap;

use serde::Deserialize;

const GROUPS_TOML: &str = include_str!("groups.toml");

/// One group as the data file has it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub description: String,
    /// System call names and other `@group`s.
    pub members: Vec<String>,
}

/// Every group, by name without the `@`.
pub fn all() -> BTreeMap<String, Group> {
    toml::from_str(GROUPS_TOML).expect("groups.toml is checked by the unit tests")
}

/// The system call names of `@name`, its nested groups expanded, sorted
/// and without duplicates.
pub fn expand(name: &str) -> Result<Vec<String>, String> {
    let groups = all();
    let mut out = Vec::new();
    expand_into(&groups, name, &mut Vec::new(), &mut out)?;
    out.sort();
    out.dedup();
    Ok(out)
}

fn expand_into(
    groups: &BTreeMap<String, Group>,
    name: &str,
    stack: &mut Vec<String>,
    out: &mut Vec<String>,
) -> Result<(), String> {
    let group = groups
        .get(name)
        .ok_or_else(|| format!("`@{name}`: no such group (`syscallsctl groups` lists them)"))?;
    if stack.iter().any(|s| s == name) {
        return Err(format!("`@{name}`: the group includes itself"));
    }
    stack.push(name.to_string());
    for m in &group.members {
        match m.strip_prefix('@') {
            Some(inner) => expand_into(groups, inner, stack, out)?,
            None => out.push(m.clone()),
        }
    }
    stack.pop();
    Ok(())
}

/// Replaces every `@group` item of `items` by its names; an item with an
/// ABI prefix (`ia32:@mount`) gives each name that prefix.
pub fn expand_items(items: &[String]) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for item in items {
        let (prefix, body) = match item.split_once(':') {
            Some((p, b)) => (Some(p), b),
            None => (None, item.as_str()),
        };
        match body.strip_prefix('@') {
            Some(group) => out.extend(
                expand(group)?
                    .into_iter()
                    .map(|n| prefix.map_or(n.clone(), |p| format!("{p}:{n}"))),
            ),
            None => out.push(item.clone()),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::{self, Abi};

    #[test]
    fn every_member_is_a_known_name_or_group() {
        let groups = all();
        assert!(groups.len() >= 17);
        for (name, g) in &groups {
            assert!(!g.description.is_empty(), "@{name} has no description");
            for m in &g.members {
                match m.strip_prefix('@') {
                    Some(inner) => assert!(groups.contains_key(inner), "@{name}: {m}"),
                    None => assert!(table::is_known(m), "@{name}: unknown {m}"),
                }
            }
            expand(name).unwrap();
        }
    }

    #[test]
    fn nested_groups_expand() {
        let privileged = expand("privileged").unwrap();
        assert!(privileged.contains(&"reboot".to_string())); // from @reboot
        assert!(privileged.contains(&"settimeofday".to_string())); // @clock
        let service = expand("system-service").unwrap();
        assert!(service.contains(&"socketcall".to_string()));
        assert!(!service.contains(&"mount".to_string()));
        assert!(service.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn items_expand_with_their_prefix() {
        let items = expand_items(&["ia32:@swap".into(), "mkdir".into()]).unwrap();
        assert_eq!(items, ["ia32:swapoff", "ia32:swapon", "mkdir"]);
        let e = expand_items(&["@nope".into()]).unwrap_err();
        assert!(e.contains("`@nope`: no such group"), "{e}");
        assert!(Abi::Ia32.lookup("swapon").is_some());
    }
}
