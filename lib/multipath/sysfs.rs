// SPDX-License-Identifier: GPL-2.0

//! sysfs and module parameter helpers: the I/O policy attribute.
//!
//! The attribute tables stay in the drivers (and, later, in
//! `mpath_exports.c`); this module holds the show/store bodies.

use kernel::{
    prelude::*,
    sync::atomic::{
        Atomic,
        Relaxed, //
    },
};

use crate::{
    abi::mpath_iopolicy,
    select::Policy, //
};

/// Bytes a policy name needs when printed: the longest name, a newline
/// and a NUL.  Callers of the print functions provide at least this much.
pub(crate) const POLICY_BUF_LEN: usize = 16;

/// A driver-owned I/O policy box (`struct mpath_iopolicy`).
///
/// C reads and writes the value with `READ_ONCE()`/`WRITE_ONCE()`; Rust
/// only through the atomic.
pub(crate) struct IoPolicy<'a>(&'a Atomic<i32>);

impl IoPolicy<'_> {
    /// Wrap the policy box behind a C pointer; `None` for NULL.
    ///
    /// # Safety
    ///
    /// A non-NULL `ptr` must stay valid for `'a`, and its value must only
    /// be accessed with marked (atomic) accesses meanwhile.
    pub(crate) unsafe fn from_raw<'a>(ptr: *mut mpath_iopolicy) -> Option<IoPolicy<'a>> {
        if ptr.is_null() {
            return None;
        }
        // CAST: The C enum's storage, an aligned `unsigned int`, used as
        // the `int` the policy decoder takes.
        // SAFETY: `ptr` is valid for `'a` (the caller guarantees it).
        let field = unsafe { &raw mut (*ptr).iopolicy }.cast::<c_int>();
        // SAFETY: The field is only accessed atomically while `'a` lasts.
        Some(IoPolicy(unsafe { Atomic::from_ptr(field) }))
    }

    /// The current policy; unknown values read as numa.
    pub(crate) fn get(&self) -> Policy {
        Policy::from_raw(self.0.load(Relaxed))
    }

    /// Set the policy from user input.
    ///
    /// Returns `true` if `input` names a policy (whether or not it
    /// changed), `false` otherwise, leaving the policy unchanged.
    pub(crate) fn store(&self, input: &[u8]) -> bool {
        let Some(new) = Policy::parse(input) else {
            return false;
        };
        let old = self.get();
        if old != new {
            self.0.store(new.to_raw(), Relaxed);
            pr_info!("iopolicy changed from {} to {}\n", old.name(), new.name());
        }
        true
    }
}

/// A `core::fmt::Write` sink over a sysfs buffer that always leaves room
/// for a terminating NUL, as `sysfs_emit()` does; output that does not fit
/// is an error.
pub(crate) struct Emit<'a> {
    buf: &'a mut [u8],
    len: usize,
}

impl<'a> Emit<'a> {
    /// Write into `buf`.
    pub(crate) fn new(buf: &'a mut [u8]) -> Self {
        Self { buf, len: 0 }
    }

    /// Terminate the text and return its length.
    pub(crate) fn finish(self) -> usize {
        if let Some(b) = self.buf.get_mut(self.len) {
            *b = 0;
        }
        self.len
    }
}

impl core::fmt::Write for Emit<'_> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let end = self.len.checked_add(s.len()).ok_or(core::fmt::Error)?;
        // Keep one byte for the NUL.
        if end >= self.buf.len() {
            return Err(core::fmt::Error);
        }
        self.buf
            .get_mut(self.len..end)
            .ok_or(core::fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Print ascending numbers as a range list ("0-2,5"), like the kernel's
/// `%*pbl`.
pub(crate) fn write_ranges(
    out: &mut impl core::fmt::Write,
    nums: impl IntoIterator<Item = usize>,
) -> core::fmt::Result {
    let mut sep = "";
    let mut emit = |out: &mut dyn core::fmt::Write, (first, last): (usize, usize)| {
        let r = if first == last {
            write!(out, "{sep}{first}")
        } else {
            write!(out, "{sep}{first}-{last}")
        };
        sep = ",";
        r
    };
    let mut open: Option<(usize, usize)> = None;
    for n in nums {
        open = match open {
            Some((first, last)) if last.checked_add(1) == Some(n) => Some((first, n)),
            Some(range) => {
                emit(out, range)?;
                Some((n, n))
            }
            None => Some((n, n)),
        };
    }
    match open {
        Some(range) => emit(out, range),
        None => Ok(()),
    }
}

#[cfg(CONFIG_LIBMULTIPATH_KUNIT_TEST)]
#[kunit_tests(libmultipath_iopolicy)]
mod tests {
    use super::*;
    use crate::{
        abi,
        iopolicy::cases, //
    };

    #[test]
    fn parse_accepts_exact_names() {
        assert_eq!(cases::parse_accepts_exact_names(), Ok(()));
    }

    #[test]
    fn parse_rejects_everything_else() {
        assert_eq!(cases::parse_rejects_everything_else(), Ok(()));
    }

    #[test]
    fn names_round_trip() {
        assert_eq!(cases::names_round_trip(), Ok(()));
    }

    #[test]
    fn print_writes_name_newline_nul() {
        assert_eq!(cases::print_writes_name_newline_nul(), Ok(()));
    }

    /// Call `mpath_iopolicy_store()` with the first `count` bytes of `s`.
    fn store(pol: &mut mpath_iopolicy, s: &[u8], count: usize) -> bool {
        let count = count.min(s.len());
        // SAFETY: `pol` is a valid policy box and `s` has `count` bytes.
        unsafe { abi::mpath_iopolicy_store(pol, s.as_ptr().cast(), count) }
    }

    /// Call `mpath_iopolicy_show()` and return the text.
    fn show(pol: &mut mpath_iopolicy, buf: &mut [u8; POLICY_BUF_LEN]) -> isize {
        // SAFETY: `buf` has `POLICY_BUF_LEN` bytes.
        unsafe { abi::mpath_iopolicy_show(pol, buf.as_mut_ptr().cast()) }
    }

    #[test]
    fn store_sets_valid_names_only() {
        let mut pol = mpath_iopolicy {
            iopolicy: abi::iopolicy_e(abi::MPATH_IOPOLICY_NUMA),
        };
        assert!(store(&mut pol, b"round-robin\n", 12));
        assert_eq!(pol.iopolicy.0, abi::iopolicy_e(abi::MPATH_IOPOLICY_RR).0);
        assert!(store(&mut pol, b"round-robin", 11));
        assert_eq!(pol.iopolicy.0, abi::iopolicy_e(abi::MPATH_IOPOLICY_RR).0);
        // Bad input changes nothing.
        assert!(!store(&mut pol, b"queue", 5));
        assert!(!store(&mut pol, b"queue-depth", 5));
        assert!(!store(&mut pol, b"numaX", 5));
        assert!(!store(&mut pol, b"", 0));
        assert_eq!(pol.iopolicy.0, abi::iopolicy_e(abi::MPATH_IOPOLICY_RR).0);
        assert!(store(&mut pol, b"queue-depth", 11));
        assert_eq!(pol.iopolicy.0, abi::iopolicy_e(abi::MPATH_IOPOLICY_QD).0);
    }

    #[test]
    fn show_prints_current_name() {
        let mut pol = mpath_iopolicy {
            iopolicy: abi::iopolicy_e(abi::MPATH_IOPOLICY_QD),
        };
        let mut buf = [0u8; POLICY_BUF_LEN];
        assert_eq!(show(&mut pol, &mut buf), 12);
        assert_eq!(&buf[..13], b"queue-depth\n\0");
        // An out-of-range value reads as numa, like the selectors do.
        pol.iopolicy = abi::iopolicy_e(77);
        assert_eq!(show(&mut pol, &mut buf), 5);
        assert_eq!(&buf[..6], b"numa\n\0");
    }

    #[test]
    fn module_param_helpers() {
        let mut val: c_int = abi::MPATH_IOPOLICY_NUMA;
        // SAFETY: Valid NUL-terminated strings and a valid `val`.
        let ret = unsafe { abi::mpath_set_iopolicy(c"round-robin".as_char_ptr(), &mut val) };
        assert_eq!(ret, 0);
        assert_eq!(val, abi::MPATH_IOPOLICY_RR);
        // SAFETY: As above.
        let ret = unsafe { abi::mpath_set_iopolicy(c"numaX".as_char_ptr(), &mut val) };
        assert_eq!(ret, EINVAL.to_errno());
        assert_eq!(val, abi::MPATH_IOPOLICY_RR);
        // SAFETY: NULL is explicitly handled.
        let ret = unsafe { abi::mpath_set_iopolicy(core::ptr::null(), &mut val) };
        assert_eq!(ret, EINVAL.to_errno());
        assert_eq!(val, abi::MPATH_IOPOLICY_RR);

        let mut buf = [0u8; POLICY_BUF_LEN];
        // SAFETY: `buf` has `POLICY_BUF_LEN` bytes.
        let len = unsafe { abi::mpath_get_iopolicy(buf.as_mut_ptr().cast(), val) };
        assert_eq!(len, 12);
        assert_eq!(&buf[..13], b"round-robin\n\0");
    }
}
