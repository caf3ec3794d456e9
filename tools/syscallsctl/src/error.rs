// SPDX-License-Identifier: GPL-2.0

//! The one error path: every failure is an [`Error`], a message for the
//! user that names what failed (a file, a command, an item) and why, which
//! `main` prints as `syscallsctl: MESSAGE` before it exits with status 1.
//! [`Context`] puts the name in front of the cause, as `anyhow`'s does:
//! `/sys/fs/cgroup/app/syscalls.deny: Permission denied`.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(pub String);

impl Error {
    /// An error of its own, not caused by another one.
    pub fn msg(text: impl Into<String>) -> Error {
        Error(text.into())
    }

    /// `what: why`: what failed, then why.
    pub fn at(what: impl fmt::Display, why: impl fmt::Display) -> Error {
        Error(format!("{what}: {why}"))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl From<String> for Error {
    fn from(s: String) -> Self {
        Error(s)
    }
}

/// The reason of an I/O error, without Rust's "(os error N)" suffix.
pub fn reason(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// What an error says as the cause in a message: an I/O error its
/// [`reason`], the others their text.
pub trait Cause {
    fn cause(&self) -> String;
}

impl Cause for std::io::Error {
    fn cause(&self) -> String {
        reason(self)
    }
}

impl Cause for Error {
    fn cause(&self) -> String {
        self.0.clone()
    }
}

impl Cause for String {
    fn cause(&self) -> String {
        self.clone()
    }
}

impl Cause for serde_json::Error {
    fn cause(&self) -> String {
        self.to_string()
    }
}

/// Names what failed in front of an error's cause: `what: cause`.
pub trait Context<T> {
    fn context(self, what: impl fmt::Display) -> Result<T>;
    /// The same, with `what` made only when there is an error.
    fn with_context<D: fmt::Display>(self, what: impl FnOnce() -> D) -> Result<T>;
}

impl<T, E: Cause> Context<T> for std::result::Result<T, E> {
    fn context(self, what: impl fmt::Display) -> Result<T> {
        self.map_err(|e| Error::at(what, e.cause()))
    }

    fn with_context<D: fmt::Display>(self, what: impl FnOnce() -> D) -> Result<T> {
        self.map_err(|e| Error::at(what(), e.cause()))
    }
}

pub type Result<T> = std::result::Result<T, Error>;
