// SPDX-License-Identifier: GPL-2.0

//! The C functions of path management and path selection.

use kernel::prelude::*;

use crate::{
    bio,
    disk,
    head::{
        Head, //
        EWOULDBLOCK,
    },
    path::Path,
    paths, //
};

use super::{
    mpath_device,
    mpath_head,
    path_and_head, //
};

/// mpath_add_device() - Add a path to a head.
/// @head: The head.
/// @mdev: The path; @mdev->disk, @mdev->numa_node, @mdev->nr_active and
/// the state (mpath_device_set_state()) set by the driver.
///
/// Links @mdev and cancels a pending delayed removal of @head under
/// @head->lock, the lock under which mpath_can_remove_head() arms one,
/// so a returning path and a removal never both stay.  May be called with
/// driver locks held that are also held around mpath_can_remove_head():
/// the library calls no driver callback under @head->lock.
///
/// Context: Process context; may sleep.
///
/// # Safety
///
/// `head` must be NULL or a live head, and `mdev` NULL or a path that is on
/// no list and stays valid until deleted and an SRCU grace period passed.
#[no_mangle]
pub unsafe extern "C" fn mpath_add_device(head: *mut mpath_head, mdev: *mut mpath_device) {
    // SAFETY: The caller guarantees that both are NULL or valid.
    let (Some(head), Some(path)) = (unsafe { Head::from_raw(head) }, unsafe {
        Path::from_raw(mdev)
    }) else {
        return;
    };
    paths::add(head, path);
}

/// mpath_delete_device() - Remove a path from its head.
/// @mdev: The path.
///
/// Before deleting @mdev, the driver makes I/O stop choosing it (marks it
/// disabled with mpath_device_set_state()), calls mpath_synchronize(), then
/// mpath_clear_current_path() and, if that returned true,
/// mpath_synchronize() again: a node's current path and a CPU's
/// round-robin cursor must be on the list, because round-robin walks on
/// from the cursor.  SRCU readers may still use @mdev: call
/// mpath_synchronize() before freeing or reusing it.
///
/// Context: Process context; may sleep.
/// Return: true if the head has no paths left.
///
/// # Safety
///
/// `mdev` must be NULL or a path on the list of a live head.
#[no_mangle]
pub unsafe extern "C" fn mpath_delete_device(mdev: *mut mpath_device) -> bool {
    // SAFETY: The caller guarantees that `mdev` is NULL or a live path.
    match unsafe { path_and_head(mdev) } {
        Some((path, head)) => paths::delete(head, path),
        None => false,
    }
}

/// mpath_head_devices_empty() - Whether a head has no paths.
/// @head: The head.
///
/// Context: Process context; may sleep.
/// Return: true if @head has no paths (or is NULL).
///
/// # Safety
///
/// `head` must be NULL or a live head.
#[no_mangle]
pub unsafe extern "C" fn mpath_head_devices_empty(head: *mut mpath_head) -> bool {
    // SAFETY: The caller guarantees that `head` is NULL or live.
    unsafe { Head::from_raw(head) }.is_none_or(paths::empty)
}

/// mpath_clear_current_path() - Stop using a path as any node's current path.
/// @mdev: The path.
///
/// Clears @mdev from the per-node current paths (numa) and the per-CPU
/// round-robin cursors.
///
/// Context: Any context.
/// Return: true if some node or CPU used @mdev (the caller may then
/// synchronize).
///
/// # Safety
///
/// `mdev` must be NULL or a path of a live head.
#[no_mangle]
pub unsafe extern "C" fn mpath_clear_current_path(mdev: *mut mpath_device) -> bool {
    // SAFETY: The caller guarantees that `mdev` is NULL or a live path.
    match unsafe { path_and_head(mdev) } {
        Some((path, head)) => paths::uncache_everywhere(head, path),
        None => false,
    }
}

/// mpath_clear_paths() - Forget every node's current path.
/// @head: The head.
///
/// Clears the per-node current paths and the per-CPU round-robin cursors:
/// the next I/O selects a path afresh.
///
/// Context: Any context.
///
/// # Safety
///
/// `head` must be NULL or a live head.
#[no_mangle]
pub unsafe extern "C" fn mpath_clear_paths(head: *mut mpath_head) {
    // SAFETY: The caller guarantees that `head` is NULL or live.
    if let Some(head) = unsafe { Head::from_raw(head) } {
        paths::clear_all(head);
    }
}

/// mpath_revalidate_paths() - The head disk's capacity changed.
/// @head: The head.
/// @not_ready_cb: Optional; called under SRCU for each path whose disk
///                capacity differs from the head disk's.
///
/// Forgets every node's current path and resubmits queued I/O.
///
/// Context: Process context.
///
/// # Safety
///
/// `head` must be NULL or a live head; `not_ready_cb` must be safe to call
/// with any path of the head under SRCU.
#[no_mangle]
pub unsafe extern "C" fn mpath_revalidate_paths(
    head: *mut mpath_head,
    not_ready_cb: Option<unsafe extern "C" fn(mdev: *mut mpath_device)>,
) {
    // SAFETY: The caller guarantees that `head` is NULL or live.
    let Some(head) = (unsafe { Head::from_raw(head) }) else {
        return;
    };
    if let Some(cb) = not_ready_cb {
        let guard = head.srcu_read();
        for path in guard.paths().filter(|p| disk::capacity_differs(head, p)) {
            // SAFETY: The path is valid under `guard`; the caller vouches
            // for the callback.
            unsafe { cb(path.as_raw()) };
        }
    }
    paths::clear_all(head);
    bio::kick(head);
}

/// mpath_call_for_device() - Call a function for the path I/O would use.
/// @head: The head.
/// @cb: The function; runs under the head's SRCU read lock.
///
/// Context: Any context that may take an SRCU read lock.
/// Return: The result of @cb, or -EWOULDBLOCK if no path is usable (or an
/// argument is NULL).
///
/// # Safety
///
/// `head` must be NULL or a live head; `cb` must be safe to call with any
/// path of the head under SRCU.
#[no_mangle]
pub unsafe extern "C" fn mpath_call_for_device(
    head: *mut mpath_head,
    cb: Option<unsafe extern "C" fn(mdev: *mut mpath_device) -> c_int>,
) -> c_int {
    // SAFETY: The caller guarantees that `head` is NULL or live.
    let (Some(head), Some(cb)) = (unsafe { Head::from_raw(head) }, cb) else {
        return EWOULDBLOCK;
    };
    let guard = head.srcu_read();
    match paths::find(&guard) {
        // SAFETY: The path is valid under `guard`; the caller vouches for
        // the callback.
        Some(path) => unsafe { cb(path.as_raw()) },
        None => EWOULDBLOCK,
    }
}
