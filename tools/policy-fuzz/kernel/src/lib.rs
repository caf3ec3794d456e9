// SPDX-License-Identifier: GPL-2.0

//! A stand-in for the few items of the kernel's `kernel` crate that the
//! controller's safe-Rust policy modules use, so that those modules build
//! unchanged as a userspace crate: [`error`] (`Result`, `Error` and the
//! error codes), [`alloc`] (`KVec`, `KBox`, `GFP_KERNEL` and
//! `GFP_KERNEL_ACCOUNT`) and [`bindings`] (`ENOSYS`).
//!
//! Each item has the kernel's signature; only what the modules call is
//! here. The kernel originals are in `rust/kernel/` of the kernel tree.

/// Error codes: `rust/kernel/error.rs`.
pub mod error {
    use core::fmt;

    /// A kernel error code, as the kernel's `Error` holds it: the errno.
    #[derive(Clone, Copy, PartialEq, Eq)]
    pub struct Error(i32);

    impl Error {
        /// The error as the kernel returns it to C: the negative errno.
        pub fn to_errno(self) -> i32 {
            -self.0
        }

        /// The errno's name, for failure messages.
        pub fn name(self) -> &'static str {
            code::ALL
                .iter()
                .find(|(_, e)| *e == self)
                .map_or("E?", |(name, _)| name)
        }
    }

    impl fmt::Debug for Error {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "{}", self.name())
        }
    }

    /// The kernel's `Result`: `()` and [`Error`] by default.
    pub type Result<T = (), E = Error> = core::result::Result<T, E>;

    impl From<crate::alloc::AllocError> for Error {
        fn from(_: crate::alloc::AllocError) -> Error {
            code::ENOMEM
        }
    }

    /// The error codes the modules return (`include/uapi/asm-generic/`).
    pub mod code {
        use super::Error;

        /// Operation not permitted.
        pub const EPERM: Error = Error(1);
        /// Argument list too long.
        pub const E2BIG: Error = Error(7);
        /// Out of memory.
        pub const ENOMEM: Error = Error(12);
        /// Invalid argument.
        pub const EINVAL: Error = Error(22);
        /// No space left on device.
        pub const ENOSPC: Error = Error(28);
        /// Math result not representable.
        pub const ERANGE: Error = Error(34);

        /// Every code here, by name.
        pub(super) const ALL: [(&str, Error); 6] = [
            ("EPERM", EPERM),
            ("E2BIG", E2BIG),
            ("ENOMEM", ENOMEM),
            ("EINVAL", EINVAL),
            ("ENOSPC", ENOSPC),
            ("ERANGE", ERANGE),
        ];
    }
}

/// Allocation: `rust/kernel/alloc.rs`, `rust/kernel/alloc/kvec.rs` and
/// `rust/kernel/alloc/kbox.rs`.
pub mod alloc {
    use core::ops::{Deref, DerefMut};

    /// An allocation failed.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct AllocError;

    /// Allocation flags.
    pub mod flags {
        /// Allocation flags (`gfp_t`); userspace has no use for them.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub struct Flags(u32);

        /// `GFP_KERNEL`.
        pub const GFP_KERNEL: Flags = Flags(0);

        /// `GFP_KERNEL_ACCOUNT`: `GFP_KERNEL`, accounted to the memory
        /// cgroup.
        pub const GFP_KERNEL_ACCOUNT: Flags = Flags(1);
    }

    /// The kernel's `KVec`: a vector whose growth can fail and takes
    /// allocation flags. Here it never fails.
    #[derive(Clone, Debug, Default, PartialEq, Eq)]
    pub struct KVec<T>(Vec<T>);

    impl<T> KVec<T> {
        /// An empty vector.
        pub const fn new() -> Self {
            KVec(Vec::new())
        }

        /// Appends `v`.
        pub fn push(&mut self, v: T, _flags: flags::Flags) -> Result<(), AllocError> {
            self.0.push(v);
            Ok(())
        }
    }

    impl<T: Clone> KVec<T> {
        /// Appends the elements of `other`.
        pub fn extend_from_slice(
            &mut self,
            other: &[T],
            _flags: flags::Flags,
        ) -> Result<(), AllocError> {
            self.0.extend_from_slice(other);
            Ok(())
        }
    }

    impl<T> Deref for KVec<T> {
        type Target = [T];

        fn deref(&self) -> &[T] {
            &self.0
        }
    }

    impl<T> DerefMut for KVec<T> {
        fn deref_mut(&mut self) -> &mut [T] {
            &mut self.0
        }
    }

    /// The kernel's `KBox`: a heap allocation whose creation can fail and
    /// takes allocation flags. Here it never fails.
    pub struct KBox<T>(Box<T>);

    impl<T> KBox<T> {
        /// `x`, moved to the heap.
        pub fn new(x: T, _flags: flags::Flags) -> Result<Self, AllocError> {
            Ok(KBox(Box::new(x)))
        }
    }

    impl<T> Deref for KBox<T> {
        type Target = T;

        fn deref(&self) -> &T {
            &self.0
        }
    }

    impl<T> DerefMut for KBox<T> {
        fn deref_mut(&mut self) -> &mut T {
            &mut self.0
        }
    }
}

/// The C bindings: only the constants the modules use, with the values of
/// x86's `include/uapi/asm-generic/errno.h` (bindgen makes them `u32`).
pub mod bindings {
    /// Invalid system call number.
    pub const ENOSYS: u32 = 38;
}

/// The kernel prelude, as far as the modules use it.
pub mod prelude {
    pub use crate::alloc::{flags::*, KBox, KVec};
    pub use crate::error::{code::*, Error, Result};
}
