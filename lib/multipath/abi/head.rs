// SPDX-License-Identifier: GPL-2.0

//! The C functions of the head lifetime: allocation, references and SRCU.

use kernel::prelude::*;

use crate::head::Head;

use super::mpath_head;

/// mpath_alloc_head() - Allocate a multipath head.
///
/// The head starts with one reference, owned by the caller, an empty path
/// list, and its locks and SRCU domain initialised.  The caller then sets
/// @mpdt, @iopolicy, @drvdata, @parent, @disk_groups and @drv_module.
///
/// Context: Process context; may sleep.
/// Return: The head, or an ERR_PTR(): -ENOMEM, or the error of
/// init_srcu_struct().
#[no_mangle]
pub extern "C" fn mpath_alloc_head() -> *mut mpath_head {
    match Head::alloc() {
        Ok(head) => head,
        Err(e) => e.to_ptr(),
    }
}

/// mpath_get_head() - Take a reference on a head unless it is being freed.
/// @head: The head.
///
/// Context: Any context.
/// Return: 0, or -ENXIO if the last reference is already gone (or @head is
/// NULL).
///
/// # Safety
///
/// `head` must be NULL or point to a head from mpath_alloc_head() whose
/// memory is still valid, for example because the caller's own object or
/// an SRCU/RCU read section keeps it alive.
#[no_mangle]
pub unsafe extern "C" fn mpath_get_head(head: *mut mpath_head) -> c_int {
    // SAFETY: The caller guarantees that `head` is NULL or a live head.
    let Some(head) = (unsafe { Head::from_raw(head) }) else {
        return ENXIO.to_errno();
    };
    match head.try_get() {
        true => 0,
        false => ENXIO.to_errno(),
    }
}

/// mpath_put_head() - Drop a reference on a head; the last one frees it.
/// @head: The head, or NULL (then nothing happens).
///
/// Context: Process context; may sleep when it frees the head.
///
/// # Safety
///
/// The caller must own a reference on `head` (the initial one or one from
/// mpath_get_head()), which this call consumes.
#[no_mangle]
pub unsafe extern "C" fn mpath_put_head(head: *mut mpath_head) {
    // SAFETY: The caller owns a reference, so `head` is NULL or live.
    if let Some(head) = unsafe { Head::from_raw(head) } {
        // SAFETY: The caller passes its reference on to us.
        unsafe { head.put() };
    }
}

/// mpath_synchronize() - Wait for the SRCU readers of a head.
/// @head: The head, or NULL (then nothing happens).
///
/// Waits until every SRCU read section of @head that started before the
/// call has ended.
///
/// Context: Process context; sleeps.
///
/// # Safety
///
/// `head` must be NULL or a live head on which the caller holds a
/// reference.
#[no_mangle]
pub unsafe extern "C" fn mpath_synchronize(head: *mut mpath_head) {
    // SAFETY: The caller holds a reference, so `head` is NULL or live.
    if let Some(head) = unsafe { Head::from_raw(head) } {
        head.synchronize();
    }
}
