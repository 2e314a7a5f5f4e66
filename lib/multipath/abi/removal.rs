// SPDX-License-Identifier: GPL-2.0

//! The C functions of delayed removal.

use core::fmt::Write;

use kernel::prelude::*;

use crate::{
    head::Head,
    removal, //
};

use super::{
    mpath_head,
    ssize_t,
    sysfs_buf, //
};

/// mpath_can_remove_head() - Decide about a head that lost its last path.
/// @head: The head.
///
/// The one decision about @head's fate, made under @head->lock: a head
/// that has a path again is kept; without delayed_removal_secs (or with
/// its driver being unloaded) it must be removed now; otherwise a delayed
/// removal is (re)armed and the head kept.  A pending removal holds a
/// reference on @head and one on @head->drv_module until it runs (then
/// calls the remove_head() callback) or a returning path cancels it in
/// mpath_add_device(), so the driver may drop its own references
/// meanwhile.  The driver unlinks the head from its own lookup structures
/// exactly when this returns true, under the lock it holds around the
/// call, so a concurrent delayed_removal_secs store cannot make it keep a
/// head it unlinked.
///
/// Context: Process context; takes @head->lock.
/// Return: true if the driver must remove the head now, false if the head
/// stays.
///
/// # Safety
///
/// `head` must be NULL or a live head.
#[no_mangle]
pub unsafe extern "C" fn mpath_can_remove_head(head: *mut mpath_head) -> bool {
    // SAFETY: The caller guarantees that `head` is NULL or live.
    unsafe { Head::from_raw(head) }.is_none_or(removal::can_remove_head)
}

/// mpath_delayed_removal_secs_show() - sysfs show() body.
/// @head: The head.
/// @buf: The sysfs buffer (PAGE_SIZE).
///
/// Context: Process context; may sleep.
/// Return: The length of "<secs>\n", or -EINVAL for NULL.
///
/// # Safety
///
/// `head` must be NULL or a live head, and `buf` NULL or valid for
/// `PAGE_SIZE` bytes.
#[no_mangle]
pub unsafe extern "C" fn mpath_delayed_removal_secs_show(
    head: *mut mpath_head,
    buf: *mut c_char,
) -> ssize_t {
    // SAFETY: The caller guarantees validity of both pointers.
    let (Some(head), Some(mut out)) = (unsafe { Head::from_raw(head) }, unsafe { sysfs_buf(buf) })
    else {
        return EINVAL.to_errno() as ssize_t;
    };
    match writeln!(out, "{}", removal::secs(head)) {
        // CAST: At most `PAGE_SIZE`.
        Ok(()) => out.finish() as ssize_t,
        Err(_) => EINVAL.to_errno() as ssize_t,
    }
}

/// mpath_delayed_removal_secs_store() - sysfs store() body.
/// @head: The head.
/// @buf: The written text.
/// @count: Length of @buf.
///
/// Accepts an unsigned number (decimal, 0x hex or 0 octal, optional
/// newline).  A non-zero value makes the head queue I/O while it has no
/// path and keep itself that long after its last path went away.
///
/// The new value applies to the next mpath_can_remove_head(); a removal
/// already pending keeps its time.
///
/// Context: Process context; sleeps (waits for SRCU readers).
/// Return: @count; -EINVAL for malformed input, -ERANGE for a number
/// above UINT_MAX (as kstrtouint()); bad input changes nothing.
///
/// # Safety
///
/// `head` must be NULL or a live head, and `buf` NULL or valid for reads
/// of `count` bytes.
#[no_mangle]
pub unsafe extern "C" fn mpath_delayed_removal_secs_store(
    head: *mut mpath_head,
    buf: *const c_char,
    count: usize,
) -> ssize_t {
    // SAFETY: The caller guarantees that `head` is NULL or live.
    let Some(head) = (unsafe { Head::from_raw(head) }) else {
        return EINVAL.to_errno() as ssize_t;
    };
    if buf.is_null() {
        return EINVAL.to_errno() as ssize_t;
    }
    // SAFETY: The caller guarantees `count` readable bytes.
    let input = unsafe { core::slice::from_raw_parts(buf.cast::<u8>(), count) };
    match removal::store(head, input) {
        // CAST: sysfs writes are at most PAGE_SIZE bytes.
        Ok(()) => count as ssize_t,
        Err(e) => e.to_errno() as ssize_t,
    }
}
