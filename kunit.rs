// SPDX-License-Identifier: GPL-2.0

//! A KUnit suite of safe Rust test functions, for 6.12, whose `kernel`
//! crate has KUnit assertions but no way to declare a suite.
//!
//! C header: [`include/kunit/test.h`](srctree/include/kunit/test.h)

use core::cell::UnsafeCell;
use core::fmt;
use core::mem::MaybeUninit;
use kernel::ffi::c_char;

use kernel::bindings;

/// The test case running now, as a test function sees it.
pub(crate) struct Test {
    raw: *mut bindings::kunit,
}

impl Test {
    /// Fails the test with a message unless `cond` holds.
    pub(crate) fn check(&mut self, cond: bool, what: fmt::Arguments<'_>) {
        if !cond {
            kernel::kunit::err(format_args!("    # {what}\n"));
            // SAFETY: `raw` is the running test, which KUnit gave us; the
            // status is what `kunit_set_failure()` writes.
            unsafe { (*self.raw).status = bindings::kunit_status_KUNIT_FAILURE };
        }
    }
}

impl Test {
    /// Fails the test unless `got` equals `want`, saying both.
    pub(crate) fn check_eq<T: PartialEq + fmt::Debug>(
        &mut self,
        got: T,
        want: T,
        what: fmt::Arguments<'_>,
    ) {
        let equal = got == want;
        self.check(
            equal,
            format_args!("{what}: expected {want:?}, got {got:?}"),
        );
    }
}

/// Runs a safe test function for KUnit.
///
/// # Safety
///
/// `raw` is the running test KUnit passes to a `run_case`.
pub(crate) unsafe fn run(raw: *mut bindings::kunit, case: fn(&mut Test)) {
    case(&mut Test { raw });
}

/// A case for the table of a suite.
pub(crate) const fn case(
    name: &'static core::ffi::CStr,
    run: unsafe extern "C" fn(*mut bindings::kunit),
) -> bindings::kunit_case {
    // SAFETY: All-zero is a valid `kunit_case`: no parameters, no
    // attributes, and the private fields KUnit fills in.
    let mut c: bindings::kunit_case = unsafe { MaybeUninit::zeroed().assume_init() };
    // 7.x's `as_char_ptr()` is a trait method, which a `const fn` cannot
    // call; the cast is the same one.
    #[allow(clippy::disallowed_methods)]
    let name = name.as_ptr().cast();
    c.name = name;
    c.run_case = Some(run);
    c
}

/// The end of a case table.
pub(crate) const CASES_END: bindings::kunit_case =
    // SAFETY: The zeroed case is the terminator KUnit looks for.
    unsafe { MaybeUninit::zeroed().assume_init() };

/// A suite KUnit finds in `.kunit_test_suites` and may write to.
#[repr(transparent)]
pub(crate) struct Suite(UnsafeCell<bindings::kunit_suite>);

// SAFETY: KUnit runs the suite from one thread at boot.
unsafe impl Sync for Suite {}

/// A table of cases KUnit may write to.
#[repr(transparent)]
pub(crate) struct Cases<const N: usize>(pub(crate) UnsafeCell<[bindings::kunit_case; N]>);

// SAFETY: Only KUnit touches the cases, from its own thread, once the
// table is registered.
unsafe impl<const N: usize> Sync for Cases<N> {}

impl Suite {
    /// A suite named `name` running the cases at `cases`.
    pub(crate) const fn new(name: &str, cases: *mut bindings::kunit_case) -> Self {
        // SAFETY: All-zero is a valid `kunit_suite`: no init or exit hooks.
        let mut s: bindings::kunit_suite = unsafe { MaybeUninit::zeroed().assume_init() };
        let bytes = name.as_bytes();
        let mut i = 0;
        while i < bytes.len() && i < s.name.len() - 1 {
            s.name[i] = bytes[i] as c_char;
            i += 1;
        }
        s.test_cases = cases;
        Suite(UnsafeCell::new(s))
    }
}

/// The entry of `.kunit_test_suites` that registers a suite.
#[repr(transparent)]
pub(crate) struct SuiteEntry(pub(crate) *const Suite);

// SAFETY: A pointer to a static that KUnit alone reads.
unsafe impl Sync for SuiteEntry {}

/// Declares a KUnit suite of `fn(&mut Test)` functions.
macro_rules! kunit_suite {
    ($suite:literal, [$($case:ident),+ $(,)?]) => {
        mod kunit_cases {
            $(
                /// The KUnit `run_case` of the test function of this name.
                ///
                /// # Safety
                ///
                /// KUnit calls it with the running test.
                pub(super) unsafe extern "C" fn $case(raw: *mut ::kernel::bindings::kunit) {
                    // SAFETY: KUnit calls `run_case` with the running test.
                    unsafe { $crate::kunit::run(raw, super::$case) }
                }
            )+
        }

        static CASES: $crate::kunit::Cases<{ [$(stringify!($case)),+].len() + 1 }> =
            $crate::kunit::Cases(::core::cell::UnsafeCell::new([
                $($crate::kunit::case(
                    match ::core::ffi::CStr::from_bytes_with_nul(
                        concat!(stringify!($case), "\0").as_bytes()
                    ) {
                        Ok(name) => name,
                        Err(_) => panic!("test names have no NUL"),
                    },
                    kunit_cases::$case,
                ),)+
                $crate::kunit::CASES_END,
            ]));

        static SUITE: $crate::kunit::Suite =
            $crate::kunit::Suite::new($suite, (&raw const CASES).cast_mut().cast());

        #[used]
        #[link_section = ".kunit_test_suites"]
        static SUITE_ENTRY: $crate::kunit::SuiteEntry = $crate::kunit::SuiteEntry(&raw const SUITE);
    };
}
pub(crate) use kunit_suite;
