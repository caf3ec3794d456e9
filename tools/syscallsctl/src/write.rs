// SPDX-License-Identifier: GPL-2.0

//! One write of a plan: a file of the cgroup and what is written to it.

/// One write of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Write {
    pub file: String,
    pub content: String,
}

impl Write {
    pub fn new(file: &str, content: impl Into<String>) -> Write {
        Write {
            file: file.to_string(),
            content: content.into(),
        }
    }
}
