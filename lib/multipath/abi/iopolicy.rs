// SPDX-License-Identifier: GPL-2.0

//! The C functions of the I/O policy: module parameters and sysfs attributes.

use kernel::prelude::*;

use crate::{
    select::Policy,
    sysfs::{
        IoPolicy,
        POLICY_BUF_LEN, //
    }, //
};

use super::{
    mpath_iopolicy,
    ssize_t, //
};

/// mpath_set_iopolicy() - Parse an I/O policy name for a module parameter.
/// @val: The name, NUL-terminated; one trailing newline is ignored.
/// @iopolicy: Where to store the MPATH_IOPOLICY_* value.
///
/// Only the exact names "numa", "round-robin" and "queue-depth" are
/// accepted.
///
/// Context: Any context.
/// Return: 0, or -EINVAL for a NULL argument or an unknown name, in which
/// case @iopolicy is left unchanged.
///
/// # Safety
///
/// `val` must be NULL or a NUL-terminated string and `iopolicy` NULL or
/// valid for writes; both stay valid during the call.
#[no_mangle]
pub unsafe extern "C" fn mpath_set_iopolicy(val: *const c_char, iopolicy: *mut c_int) -> c_int {
    if val.is_null() || iopolicy.is_null() {
        return EINVAL.to_errno();
    }
    // SAFETY: The caller passes a NUL-terminated string.
    let name = unsafe { CStr::from_char_ptr(val) };
    let Some(policy) = Policy::parse(name.to_bytes()) else {
        return EINVAL.to_errno();
    };
    // SAFETY: `iopolicy` is valid for writes; the value may be read
    // concurrently with READ_ONCE(), so write it atomically.
    unsafe { kernel::sync::atomic::Atomic::from_ptr(iopolicy) }
        .store(policy.to_raw(), kernel::sync::atomic::Relaxed);
    0
}

/// Print `policy` into a C buffer of at least [`POLICY_BUF_LEN`] bytes.
///
/// # Safety
///
/// `buf` must be NULL or valid for writes of [`POLICY_BUF_LEN`] bytes.
unsafe fn print_policy(buf: *mut c_char, policy: Policy) -> c_int {
    if buf.is_null() {
        return EINVAL.to_errno();
    }
    // SAFETY: The caller guarantees `POLICY_BUF_LEN` writable bytes.
    let out = unsafe { core::slice::from_raw_parts_mut(buf.cast::<u8>(), POLICY_BUF_LEN) };
    // CAST: The length is at most `POLICY_BUF_LEN`.
    policy
        .print(out)
        .map_or(EINVAL.to_errno(), |len| len as c_int)
}

/// mpath_get_iopolicy() - Print an I/O policy name for a module parameter.
/// @buf: Output buffer, at least 16 bytes (a kernel_param get() buffer is
///       PAGE_SIZE).
/// @iopolicy: An MPATH_IOPOLICY_* value; unknown values print as "numa".
///
/// Context: Any context.
/// Return: The length of "<name>\n" written to @buf (which is also
/// NUL-terminated), or -EINVAL if @buf is NULL.
///
/// # Safety
///
/// `buf` must be NULL or valid for writes of 16 bytes.
#[no_mangle]
pub unsafe extern "C" fn mpath_get_iopolicy(buf: *mut c_char, iopolicy: c_int) -> c_int {
    // SAFETY: The caller guarantees 16 writable bytes (`POLICY_BUF_LEN`).
    unsafe { print_policy(buf, Policy::from_raw(iopolicy)) }
}

/// mpath_iopolicy_show() - sysfs show() body of an iopolicy attribute.
/// @iopolicy: The driver's policy box.
/// @buf: The sysfs buffer (PAGE_SIZE).
///
/// Context: Process context.
/// Return: The length of "<name>\n", or -EINVAL for a NULL argument.
///
/// # Safety
///
/// `iopolicy` must be NULL or a valid policy box and `buf` NULL or valid
/// for writes of 16 bytes.
#[no_mangle]
pub unsafe extern "C" fn mpath_iopolicy_show(
    iopolicy: *mut mpath_iopolicy,
    buf: *mut c_char,
) -> ssize_t {
    // SAFETY: The caller guarantees that `iopolicy` is NULL or valid.
    let Some(pol) = (unsafe { IoPolicy::from_raw(iopolicy) }) else {
        return EINVAL.to_errno() as ssize_t;
    };
    // SAFETY: The caller guarantees 16 writable bytes (`POLICY_BUF_LEN`).
    unsafe { print_policy(buf, pol.get()) as ssize_t }
}

/// mpath_iopolicy_store() - sysfs store() body of an iopolicy attribute.
/// @iopolicy: The driver's policy box.
/// @buf: The written text (need not be NUL-terminated).
/// @count: Length of @buf.
///
/// Sets the policy if @buf is exactly one of the names, optionally followed
/// by a newline, and logs the change.  The caller clears cached paths and
/// kicks requeued I/O as its driver needs.
///
/// Context: Process context.
/// Return: true if @buf named a policy (changed or not); false otherwise,
/// leaving the policy unchanged (the caller returns -EINVAL).
///
/// # Safety
///
/// `iopolicy` must be NULL or a valid policy box, and `buf` NULL or valid
/// for reads of `count` bytes.
#[no_mangle]
pub unsafe extern "C" fn mpath_iopolicy_store(
    iopolicy: *mut mpath_iopolicy,
    buf: *const c_char,
    count: usize,
) -> bool {
    if buf.is_null() {
        return false;
    }
    // SAFETY: The caller guarantees that `iopolicy` is NULL or valid.
    let Some(pol) = (unsafe { IoPolicy::from_raw(iopolicy) }) else {
        return false;
    };
    // SAFETY: The caller guarantees `count` readable bytes at `buf`.
    let input = unsafe { core::slice::from_raw_parts(buf.cast::<u8>(), count) };
    pol.store(input)
}
