// SPDX-License-Identifier: GPL-2.0

//! Delayed removal of a head whose last path went away.
//!
//! With `delayed_removal_secs` non-zero a head without paths is kept, and
//! its I/O queued, for that many seconds: a path that returns in time
//! cancels the removal (`mpath_add_device()`), otherwise the work calls the
//! driver's `remove_head`.  While a removal is pending it pins the driver
//! module, so the driver cannot be unloaded under the queued work.

use crate::head::{
    Head,
    HeadFlag, //
};

/// Decide what happens to a head that just lost its last path.
///
/// Returns `true` if the driver must remove the head now; `false` if a
/// delayed removal was armed instead.
pub(crate) fn can_remove_head(head: &Head) -> bool {
    let lock = head.lock();
    if !head.test_flag(HeadFlag::QueueIfNoPath) || !head.get_drv_module() {
        return true;
    }
    let secs = head.delayed_removal_secs(&lock);
    match head.arm_removal(&lock, secs) {
        // Newly armed: the work owns the module reference.
        Some(false) => false,
        // Only re-timed: the pending work already owns one.
        Some(true) => {
            head.put_drv_module();
            false
        }
        None => {
            head.put_drv_module();
            true
        }
    }
}

/// The current `delayed_removal_secs`.
pub(crate) fn secs(head: &Head) -> u32 {
    let lock = head.lock();
    head.delayed_removal_secs(&lock)
}

/// Set `delayed_removal_secs` from user input (a `kstrtouint()` number with
/// base auto-detection and an optional trailing newline).  Non-zero makes
/// the head queue I/O when no path is left.
pub(crate) fn store(head: &Head, input: &[u8]) -> Option<()> {
    let secs = parse_uint(input)?;
    {
        let lock = head.lock();
        head.set_delayed_removal_secs(&lock, secs);
        head.assign_flag(HeadFlag::QueueIfNoPath, secs != 0);
    }
    // Let submitters that sampled the old flag finish.
    head.synchronize();
    Some(())
}

/// Parse an unsigned 32-bit number like `kstrtouint(s, 0, ...)`: optional
/// `+`, `0x`/`0X` for hex, a leading `0` for octal, one trailing newline.
pub(crate) fn parse_uint(input: &[u8]) -> Option<u32> {
    let s = input.strip_suffix(b"\n").unwrap_or(input);
    let s = s.strip_prefix(b"+").unwrap_or(s);
    let (radix, digits) = if let Some(hex) = s.strip_prefix(b"0x").or_else(|| s.strip_prefix(b"0X"))
    {
        (16, hex)
    } else if s.len() > 1 && s.first() == Some(&b'0') {
        (8, s.get(1..)?)
    } else {
        (10, s)
    };
    if digits.is_empty() {
        return None;
    }
    let mut value: u32 = 0;
    for &c in digits {
        let d = char::from(c).to_digit(radix)?;
        value = value.checked_mul(radix)?.checked_add(d)?;
    }
    Some(value)
}

#[cfg(CONFIG_LIBMULTIPATH_KUNIT_TEST)]
#[::kernel::prelude::kunit_tests(libmultipath_removal)]
mod tests {
    use super::parse_uint;
    use crate::{
        abi::{
            self,
            MPATH_HEAD_QUEUE_IF_NO_PATH,
            MPATH_IOPOLICY_NUMA as NUMA,
            MPATH_STATE_OPTIMIZED as OPT, //
        },
        fake::{
            module_refs,
            FakeHead,
            FakePath,
            REMOVED, //
        },
        head::Head,
    };
    use kernel::{
        prelude::*,
        sync::atomic::Relaxed, //
    };

    /// Write `s` to the head's delayed_removal_secs.
    fn store(h: &FakeHead, s: &[u8]) -> isize {
        // SAFETY: The head is live and `s` has `s.len()` bytes.
        unsafe { abi::mpath_delayed_removal_secs_store(h.raw, s.as_ptr().cast(), s.len()) }
    }

    /// Read the head's delayed_removal_secs as text.
    fn show(h: &FakeHead, buf: &mut [u8]) -> isize {
        // SAFETY: The head is live and `buf` has PAGE_SIZE bytes.
        unsafe { abi::mpath_delayed_removal_secs_show(h.raw, buf.as_mut_ptr().cast()) }
    }

    /// Whether the head queues I/O without paths.
    fn queues(h: &FakeHead) -> bool {
        // SAFETY: The head is live.
        unsafe { (*h.raw).flags & (1 << MPATH_HEAD_QUEUE_IF_NO_PATH) != 0 }
    }

    #[test]
    fn parse_like_kstrtouint() {
        assert_eq!(parse_uint(b"10"), Some(10));
        assert_eq!(parse_uint(b"10\n"), Some(10));
        assert_eq!(parse_uint(b"+7"), Some(7));
        assert_eq!(parse_uint(b"0x1f"), Some(31));
        assert_eq!(parse_uint(b"0X1F"), Some(31));
        assert_eq!(parse_uint(b"017"), Some(15));
        assert_eq!(parse_uint(b"0"), Some(0));
        assert_eq!(parse_uint(b"4294967295"), Some(u32::MAX));
        for bad in [
            &b""[..],
            b"\n",
            b"-1",
            b"0x",
            b"08",
            b"1 ",
            b" 1",
            b"abc",
            b"4294967296",
            b"1\n\n",
        ] {
            assert_eq!(parse_uint(bad), None);
        }
    }

    #[test]
    fn store_and_show_delayed_removal_secs() -> Result {
        let h = FakeHead::new(NUMA)?;
        let mut buf = KVec::from_elem(0u8, kernel::page::PAGE_SIZE, GFP_KERNEL)?;
        assert_eq!(show(&h, &mut buf), 2);
        assert_eq!(buf.get(..3), Some(&b"0\n\0"[..]));
        assert!(!queues(&h));
        assert_eq!(store(&h, b"10\n"), 3);
        assert_eq!(show(&h, &mut buf), 3);
        assert_eq!(buf.get(..3), Some(&b"10\n"[..]));
        assert!(queues(&h));
        // Bad input is rejected and changes nothing.
        assert_eq!(store(&h, b"ten"), EINVAL.to_errno() as isize);
        assert_eq!(store(&h, b"-1"), EINVAL.to_errno() as isize);
        assert_eq!(show(&h, &mut buf), 3);
        assert_eq!(buf.get(..3), Some(&b"10\n"[..]));
        assert!(queues(&h));
        assert_eq!(store(&h, b"0x10"), 4);
        assert_eq!(show(&h, &mut buf), 3);
        assert_eq!(buf.get(..3), Some(&b"16\n"[..]));
        assert_eq!(store(&h, b"0"), 1);
        assert!(!queues(&h));
        Ok(())
    }

    #[test]
    fn without_delay_the_head_goes_at_once() -> Result {
        let h = FakeHead::new(NUMA)?;
        let refs = module_refs();
        // SAFETY: The head is live.
        assert!(unsafe { abi::mpath_can_remove_head(h.raw) });
        assert_eq!(module_refs(), refs);
        Ok(())
    }

    #[test]
    fn returning_path_cancels_removal() -> Result {
        let h = FakeHead::new(NUMA)?;
        let refs = module_refs();
        let removed = REMOVED.load(Relaxed);
        assert_eq!(store(&h, b"100"), 3);
        // SAFETY: The head is live.
        assert!(!unsafe { abi::mpath_can_remove_head(h.raw) });
        if crate::fake::is_module() {
            assert_eq!(module_refs(), refs + 1);
        }
        // Re-arming keeps a single module reference.
        // SAFETY: As above.
        assert!(!unsafe { abi::mpath_can_remove_head(h.raw) });
        if crate::fake::is_module() {
            assert_eq!(module_refs(), refs + 1);
        }
        let mut a = FakePath::new(OPT, -1)?;
        h.add(&mut a);
        assert_eq!(module_refs(), refs);
        // SAFETY: The head is live.
        let head = unsafe { Head::from_raw(h.raw) }.ok_or(EINVAL)?;
        // The returning path cancelled the removal.
        assert!(!head.cancel_removal());
        assert_eq!(REMOVED.load(Relaxed), removed);
        h.delete(&mut a);
        Ok(())
    }

    #[test]
    fn expired_removal_calls_remove_head() -> Result {
        let h = FakeHead::new(NUMA)?;
        let refs = module_refs();
        let removed = REMOVED.load(Relaxed);
        // SAFETY: The head is live.
        let head = unsafe { Head::from_raw(h.raw) }.ok_or(EINVAL)?;
        assert_eq!(store(&h, b"1"), 1);
        {
            // Expire at once instead of waiting a second.
            let lock = head.lock();
            head.set_delayed_removal_secs(&lock, 0);
        }
        assert!(!super::can_remove_head(head));
        head.flush_removal();
        assert_eq!(REMOVED.load(Relaxed), removed + 1);
        assert_eq!(module_refs(), refs);
        Ok(())
    }
}
