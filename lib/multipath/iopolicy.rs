// SPDX-License-Identifier: GPL-2.0

//! I/O policy names: parsing and printing for sysfs and module parameters.
//!
//! Plain `core` code, built on the host too (see `dev/host-tests`).
//! Parsing is an exact match in the way of `sysfs_streq()`: the input may
//! end in one newline, nothing else may differ.  (libmultipath v2 matched a
//! prefix for the module parameter, so "numaX" was accepted; NVMe never did.)

#![deny(unsafe_code)]

use crate::select::Policy;

impl Policy {
    /// Every policy, in `MPATH_IOPOLICY_*` order.
    pub(crate) const ALL: [Policy; 3] = [Policy::Numa, Policy::RoundRobin, Policy::QueueDepth];

    /// The user-visible name of the policy.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Policy::Numa => "numa",
            Policy::RoundRobin => "round-robin",
            Policy::QueueDepth => "queue-depth",
        }
    }

    /// The C `MPATH_IOPOLICY_*` value.
    pub(crate) fn to_raw(self) -> i32 {
        match self {
            Policy::Numa => 0,
            Policy::RoundRobin => 1,
            Policy::QueueDepth => 2,
        }
    }

    /// Parse a policy name as written to sysfs or a module parameter.
    pub(crate) fn parse(input: &[u8]) -> Option<Policy> {
        let input = input.strip_suffix(b"\n").unwrap_or(input);
        Self::ALL.into_iter().find(|p| p.name().as_bytes() == input)
    }

    /// Write `"<name>\n"` and a NUL into `buf`; returns the length without
    /// the NUL, or `None` if `buf` is too small.
    pub(crate) fn print(self, buf: &mut [u8]) -> Option<usize> {
        let name = self.name().as_bytes();
        let len = name.len().checked_add(1)?;
        let out = buf.get_mut(..len.checked_add(1)?)?;
        let (text, rest) = out.split_at_mut(name.len());
        text.copy_from_slice(name);
        rest.copy_from_slice(b"\n\0");
        Some(len)
    }
}

/// Test cases shared by the host tests and the KUnit suite.
#[cfg(any(test, CONFIG_LIBMULTIPATH_KUNIT_TEST))]
pub(crate) mod cases {
    use super::*;

    /// The result type of a case: `Err` names the broken expectation.
    pub(crate) type Outcome = Result<(), &'static str>;

    fn ensure(cond: bool, msg: &'static str) -> Outcome {
        if cond {
            Ok(())
        } else {
            Err(msg)
        }
    }

    pub(crate) fn parse_accepts_exact_names() -> Outcome {
        ensure(Policy::parse(b"numa") == Some(Policy::Numa), "numa")?;
        ensure(
            Policy::parse(b"numa\n") == Some(Policy::Numa),
            "numa with newline",
        )?;
        ensure(
            Policy::parse(b"round-robin") == Some(Policy::RoundRobin),
            "round-robin",
        )?;
        ensure(
            Policy::parse(b"queue-depth\n") == Some(Policy::QueueDepth),
            "queue-depth",
        )
    }

    pub(crate) fn parse_rejects_everything_else() -> Outcome {
        for bad in [
            &b""[..],
            b"\n",
            b"num",
            b"numaX",
            b"numa\n\n",
            b"NUMA",
            b" numa",
            b"numa ",
            b"round-robin2",
            b"queue",
            b"rr",
        ] {
            ensure(Policy::parse(bad).is_none(), "a bad name is rejected")?;
        }
        Ok(())
    }

    pub(crate) fn names_round_trip() -> Outcome {
        for p in Policy::ALL {
            ensure(Policy::from_raw(p.to_raw()) == p, "raw value round trip")?;
            ensure(
                Policy::parse(p.name().as_bytes()) == Some(p),
                "name round trip",
            )?;
        }
        Ok(())
    }

    pub(crate) fn print_writes_name_newline_nul() -> Outcome {
        let mut buf = [0xffu8; 16];
        ensure(
            Policy::RoundRobin.print(&mut buf) == Some(12),
            "length of round-robin\\n",
        )?;
        ensure(&buf[..13] == b"round-robin\n\0", "text and NUL")?;
        let mut exact = [0u8; 6];
        ensure(Policy::Numa.print(&mut exact) == Some(5), "exact fit")?;
        ensure(&exact == b"numa\n\0", "exact fit text")?;
        let mut tiny = [0u8; 5];
        ensure(
            Policy::Numa.print(&mut tiny).is_none(),
            "no room for the NUL",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::cases;

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
}
