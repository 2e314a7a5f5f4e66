// SPDX-License-Identifier: GPL-2.0

//! Delayed removal of a head whose last path went away.
//!
//! With `delayed_removal_secs` non-zero a head without paths is kept, and
//! its I/O queued, for that many seconds: a path that returns in time
//! cancels the removal (`mpath_add_device()`), otherwise the work calls the
//! driver's `remove_head`.
//!
//! A pending removal owns two references, taken when it is armed and
//! dropped exactly once, by whoever takes it off the queue: a module
//! reference on `drv_module`, so the driver cannot be unloaded under the
//! work, and a head reference, so the head (and the work item in it)
//! outlives the work whatever the driver puts meanwhile.  Arming and
//! cancelling both happen under `head->lock` and look at the path list
//! under it, so no interleaving of the last path's removal with a path's
//! return can leave a removal pending on a head that has a path.

use kernel::{
    bindings,
    ffi::{
        c_int,
        c_ulong, //
    },
    prelude::*,
};

use crate::{
    abi::mpath_head,
    guard::HeadLock,
    head::{
        workqueue,
        Head,
        HeadFlag, //
    },
};

/// The delayed-removal fields of a head, under its lock.
impl HeadLock<'_> {
    /// `delayed_removal_secs`.
    pub(crate) fn delayed_removal_secs(&self) -> u32 {
        // SAFETY: The head is valid; the field is written under the lock.
        unsafe { (*self.head().as_raw()).delayed_removal_secs }
    }

    /// Set `delayed_removal_secs`.
    pub(crate) fn set_delayed_removal_secs(&self, secs: u32) {
        // SAFETY: The head is valid and we hold the lock.
        unsafe { (*self.head().as_raw()).delayed_removal_secs = secs };
    }

    /// (Re)arm the delayed removal to run in `secs` seconds.
    ///
    /// Returns `None` without a workqueue, else whether a removal was
    /// already pending (it is then only re-timed).
    pub(crate) fn arm_removal(&self, secs: u32) -> Option<bool> {
        let wq = workqueue()?;
        let delay = u64::from(secs)
            .saturating_mul(u64::from(bindings::HZ))
            .min((c_ulong::MAX >> 1) as u64);
        // SAFETY: `remove_work` was initialised in `alloc`; `wq` is live.
        let pending = unsafe {
            bindings::mod_delayed_work_on(
                bindings::wq_misc_consts_WORK_CPU_UNBOUND as c_int,
                wq,
                &raw mut (*self.head().as_raw()).remove_work,
                delay as c_ulong,
            )
        };
        Some(pending)
    }

    /// Cancel a pending delayed removal; true if one was pending, whose
    /// references the caller then owns (`removal::release()`).
    pub(crate) fn cancel_removal(&self) -> bool {
        // SAFETY: `remove_work` was initialised in `alloc`.
        unsafe { bindings::cancel_delayed_work(&raw mut (*self.head().as_raw()).remove_work) }
    }
}

/// The delayed removal work function: the head outlived its last path for
/// `delayed_removal_secs`, so the driver removes it now, unless a path
/// came back meanwhile (its `mpath_add_device()` lost the race to cancel
/// the already running work).
///
/// # Safety
///
/// Called by the workqueue core with the `remove_work.work` of a head.
pub(crate) unsafe extern "C" fn remove_work_fn(work: *mut bindings::work_struct) {
    // SAFETY: `work` is embedded in the `remove_work` of a head, and the
    // queued work owns a reference to that head (`can_remove_head()`), so
    // the head stays allocated until the `put` below.
    let head = unsafe { kernel::container_of!(work, mpath_head, remove_work.work) };
    // SAFETY: As above.
    let Some(h) = (unsafe { Head::from_raw(head) }) else {
        return;
    };
    let pathless = {
        let lock = h.lock();
        lock.no_paths()
    };
    if pathless {
        // The template lives in the driver module, which the queued work
        // pins.
        if let Some(remove) = h.template().and_then(|t| t.ops().remove_head) {
            // SAFETY: The head is valid; the driver tears it down here.
            unsafe { remove(head) };
        }
    }
    // Read the module first: the put may free the head.
    let module = h.drv_module();
    // SAFETY: The work's own reference; it may be the last one.
    unsafe { h.put() };
    // SAFETY: `can_remove_head()` pinned the module for this run.
    unsafe { bindings::module_put(module) };
}

/// Decide what happens to a head that just lost its last path.
///
/// Returns `true` if the driver must remove the head now; `false` if the
/// head stays: it has a path again, or a delayed removal was armed.
pub(crate) fn can_remove_head(head: &Head) -> bool {
    let lock = head.lock();
    if !lock.no_paths() {
        return false;
    }
    if !head.test_flag(HeadFlag::QueueIfNoPath) {
        return true;
    }
    if !head.get_drv_module() {
        // The driver is being unloaded: nothing may wait for it.
        return true;
    }
    // Cannot fail: the caller holds a reference.
    if !head.try_get() {
        head.put_drv_module();
        return true;
    }
    let secs = lock.delayed_removal_secs();
    match lock.arm_removal(secs) {
        // Newly armed: the work owns both references.
        Some(false) => false,
        // Only re-timed: the pending work already owns a pair.
        Some(true) => {
            // SAFETY: The references taken above; the caller and the
            // pending work hold other head references.
            unsafe { release(head) };
            false
        }
        // No workqueue (cannot happen once the module is initialised).
        None => {
            // SAFETY: As above; the caller holds another head reference.
            unsafe { release(head) };
            true
        }
    }
}

/// Drop the module and head references of a removal that is not queued
/// (any more): cancelled by a returning path, or only re-timed.
///
/// # Safety
///
/// The caller owns that pair of references (`Head::cancel_removal()`
/// returned `true`, or it took them itself), and holds a head reference
/// of its own, so that this put is not the last.
pub(crate) unsafe fn release(head: &Head) {
    head.put_drv_module();
    // SAFETY: The removal's reference; the caller holds another one.
    unsafe { head.put() };
}

/// The current `delayed_removal_secs`.
pub(crate) fn secs(head: &Head) -> u32 {
    let lock = head.lock();
    lock.delayed_removal_secs()
}

/// Set `delayed_removal_secs` from user input (a `kstrtouint()` number with
/// base auto-detection and an optional trailing newline).  Non-zero makes
/// the head queue I/O when no path is left.  Bad input changes nothing.
pub(crate) fn store(head: &Head, input: &[u8]) -> Result {
    let secs = parse_uint(input)?;
    {
        let lock = head.lock();
        lock.set_delayed_removal_secs(secs);
        head.assign_flag(HeadFlag::QueueIfNoPath, secs != 0);
    }
    // Let submitters that sampled the old flag finish.
    head.synchronize();
    Ok(())
}

/// Parse an unsigned 32-bit number as `kstrtouint(s, 0, ...)` does: an
/// optional `+`, then `0x`/`0X` and a hex digit for hex, a leading `0` for
/// octal, else decimal; one trailing newline.  A number that does not fit
/// in 32 bits is `ERANGE` (checked first, as the C parser does), anything
/// else malformed `EINVAL`.
pub(crate) fn parse_uint(input: &[u8]) -> Result<u32> {
    let s = input.strip_prefix(b"+").unwrap_or(input);
    let hex = matches!(s, [b'0', b'x' | b'X', d, ..] if d.is_ascii_hexdigit());
    let (radix, s) = match s {
        _ if hex => (16, s.get(2..).unwrap_or_default()),
        [b'0', ..] => (8, s),
        _ => (10, s),
    };
    let digits = s
        .iter()
        .take_while(|&&c| char::from(c).is_digit(radix))
        .count();
    let mut value: u64 = 0;
    let mut overflow = false;
    for &c in s.iter().take(digits) {
        let d = char::from(c).to_digit(radix).map_or(0, u64::from);
        match value
            .checked_mul(u64::from(radix))
            .and_then(|v| v.checked_add(d))
        {
            Some(v) => value = v,
            None => overflow = true,
        }
    }
    if overflow {
        return Err(ERANGE);
    }
    let rest = s.get(digits..).unwrap_or_default();
    if digits == 0 || !matches!(rest, [] | [b'\n']) {
        return Err(EINVAL);
    }
    u32::try_from(value).map_err(|_| ERANGE)
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
            FakeHead,
            FakePath,
            REMOVED, //
        },
        head::Head,
    };
    use kernel::{
        prelude::*,
        sync::atomic::Relaxed,
        time::{
            delay::fsleep,
            Delta, //
        }, //
    };

    /// The head's reference count.
    fn head_refs(h: &Head) -> i32 {
        // SAFETY: The head is valid; the count is only read.
        unsafe { (*h.as_raw()).ref_.refcount.refs.counter }
    }

    /// Wait up to five seconds for `cond`.
    fn wait_for(cond: impl Fn() -> bool) -> bool {
        for _ in 0..50 {
            if cond() {
                return true;
            }
            fsleep(Delta::from_millis(100));
        }
        cond()
    }

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
        assert_eq!(parse_uint(b"10"), Ok(10));
        assert_eq!(parse_uint(b"10\n"), Ok(10));
        assert_eq!(parse_uint(b"+7"), Ok(7));
        assert_eq!(parse_uint(b"0x1f"), Ok(31));
        assert_eq!(parse_uint(b"0X1F"), Ok(31));
        assert_eq!(parse_uint(b"017"), Ok(15));
        assert_eq!(parse_uint(b"0"), Ok(0));
        assert_eq!(parse_uint(b"00"), Ok(0));
        assert_eq!(parse_uint(b"4294967295"), Ok(u32::MAX));
        for bad in [
            &b""[..],
            b"\n",
            b"+",
            b"-1",
            b"0x",
            b"0xg",
            b"08",
            b"1 ",
            b" 1",
            b"abc",
            b"1\n\n",
        ] {
            assert_eq!(parse_uint(bad), Err(EINVAL));
        }
        // Too large for 32 or even 64 bits: ERANGE, before any other check.
        for big in [
            &b"4294967296"[..],
            b"0x100000000",
            b"99999999999999999999",
            b"99999999999999999999x",
        ] {
            assert_eq!(parse_uint(big), Err(ERANGE));
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
        assert_eq!(store(&h, b"4294967296"), ERANGE.to_errno() as isize);
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
        let refs = h.module_refs();
        // SAFETY: The head is live.
        assert!(unsafe { abi::mpath_can_remove_head(h.raw) });
        assert_eq!(h.module_refs(), refs);
        Ok(())
    }

    #[test]
    fn a_head_with_a_path_is_never_removed() -> Result {
        let h = FakeHead::new(NUMA)?;
        // SAFETY: The head is live.
        let head = unsafe { Head::from_raw(h.raw) }.ok_or(EINVAL)?;
        let (mods, refs) = (h.module_refs(), head_refs(head));
        let mut a = FakePath::new(OPT, -1)?;
        // The last path went, then one came back before the driver asked:
        // keep the head, with or without a delay, and arm nothing.
        h.add(&mut a);
        for secs in [&b"0"[..], b"100"] {
            assert_eq!(store(&h, secs), secs.len() as isize);
            // SAFETY: The head is live.
            assert!(!unsafe { abi::mpath_can_remove_head(h.raw) });
            assert!(!head.lock().cancel_removal());
            assert_eq!(h.module_refs(), mods);
            assert_eq!(head_refs(head), refs);
        }
        h.delete(&mut a);
        Ok(())
    }

    #[test]
    fn returning_path_cancels_removal() -> Result {
        let h = FakeHead::new(NUMA)?;
        // SAFETY: The head is live.
        let head = unsafe { Head::from_raw(h.raw) }.ok_or(EINVAL)?;
        let (mods, refs) = (h.module_refs(), head_refs(head));
        let removed = REMOVED.load(Relaxed);
        assert_eq!(store(&h, b"100"), 3);
        // SAFETY: The head is live.
        assert!(!unsafe { abi::mpath_can_remove_head(h.raw) });
        // The pending removal pins the driver module and the head.
        assert_eq!(h.module_refs(), mods.map(|m| m + 1));
        assert_eq!(head_refs(head), refs + 1);
        // Re-arming keeps a single pair of references.
        // SAFETY: As above.
        assert!(!unsafe { abi::mpath_can_remove_head(h.raw) });
        assert_eq!(h.module_refs(), mods.map(|m| m + 1));
        assert_eq!(head_refs(head), refs + 1);
        let mut a = FakePath::new(OPT, -1)?;
        h.add(&mut a);
        assert_eq!(h.module_refs(), mods);
        assert_eq!(head_refs(head), refs);
        // The returning path cancelled the removal.
        assert!(!head.lock().cancel_removal());
        assert_eq!(REMOVED.load(Relaxed), removed);
        h.delete(&mut a);
        Ok(())
    }

    #[test]
    fn expired_removal_calls_remove_head() -> Result {
        let h = FakeHead::new(NUMA)?;
        let mods = h.module_refs();
        let removed = REMOVED.load(Relaxed);
        // SAFETY: The head is live.
        let head = unsafe { Head::from_raw(h.raw) }.ok_or(EINVAL)?;
        let refs = head_refs(head);
        assert_eq!(store(&h, b"1"), 1);
        {
            // Expire at once instead of waiting a second.
            let lock = head.lock();
            lock.set_delayed_removal_secs(0);
        }
        assert!(!super::can_remove_head(head));
        head.flush_removal();
        assert_eq!(REMOVED.load(Relaxed), removed + 1);
        assert_eq!(h.module_refs(), mods);
        assert_eq!(head_refs(head), refs);
        Ok(())
    }

    #[test]
    fn pending_removal_outlives_the_driver_reference() -> Result {
        let mut h = FakeHead::new(NUMA)?;
        let mods = h.module_refs();
        let removed = REMOVED.load(Relaxed);
        assert_eq!(store(&h, b"1"), 1);
        // SAFETY: The head is live.
        assert!(!unsafe { abi::mpath_can_remove_head(h.raw) });
        // The driver drops its reference while the removal is pending, as
        // a driver tearing down its own object would: the head must stay
        // for the work.
        let raw = h.put_driver_ref();
        // SAFETY: The pending removal holds the remaining reference.
        let head = unsafe { Head::from_raw(raw) }.ok_or(EINVAL)?;
        assert_eq!(head_refs(head), 1);
        // The work runs after a second, calls remove_head, and frees the
        // head with its own reference; `head` is not used after that.
        assert!(wait_for(|| REMOVED.load(Relaxed) == removed + 1));
        assert!(wait_for(|| h.module_refs() == mods));
        Ok(())
    }

    #[test]
    fn removal_work_spares_a_head_that_got_a_path() -> Result {
        let h = FakeHead::new(NUMA)?;
        // SAFETY: The head is live.
        let head = unsafe { Head::from_raw(h.raw) }.ok_or(EINVAL)?;
        let (mods, refs) = (h.module_refs(), head_refs(head));
        let removed = REMOVED.load(Relaxed);
        assert_eq!(store(&h, b"1"), 1);
        assert!(!super::can_remove_head(head));
        // A path arrives while the work is already running, so that
        // `mpath_add_device()` cannot cancel it: link it without the
        // cancel, then let the work run.
        let mut a = FakePath::new(OPT, -1)?;
        // SAFETY: The path is a valid fake path on no list.
        let path = unsafe { crate::path::Path::from_raw(a.mdev()) }.ok_or(EINVAL)?;
        path.set_head(h.raw);
        head.lock().link_path(path);
        assert!(wait_for(
            || h.module_refs() == mods && head_refs(head) == refs
        ));
        assert_eq!(REMOVED.load(Relaxed), removed);
        h.delete(&mut a);
        Ok(())
    }

    #[test]
    fn unloading_driver_gets_no_delay() -> Result {
        // Without CONFIG_MODULES every module is pinned for good.
        if !cfg!(CONFIG_MODULES) {
            return Ok(());
        }
        let mut h = FakeHead::new(NUMA)?;
        let refs = h.module_refs();
        assert_eq!(store(&h, b"100"), 3);
        h.unload_module();
        // SAFETY: The head is live.
        assert!(unsafe { abi::mpath_can_remove_head(h.raw) });
        assert_eq!(h.module_refs(), refs);
        Ok(())
    }
}
