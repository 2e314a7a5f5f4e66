// SPDX-License-Identifier: GPL-2.0

//! The C functions of the head disk.

use kernel::{
    bindings,
    prelude::*, //
};

use crate::{
    disk,
    head::Head, //
};

use super::{
    mpath_device,
    mpath_head,
    path_and_head, //
};

/// mpath_alloc_head_disk() - Allocate the gendisk of a head.
/// @head: The head; @head->mpdt must be set.
/// @lim: Queue limits for the disk.
/// @numa_node: NUMA node for the disk's allocations.
///
/// Checks that the template is usable (available_path set; ioctl_begin
/// with ioctl_finish, add_cdev with del_cdev and cdev_ioctl), then
/// allocates @head->disk with mpath_ops and
/// the head as private_data.  The first partition scan is deferred until
/// the disk goes live.  The driver then names the disk and sets its
/// capacity; mpath_device_set_live() adds it.
///
/// Context: Process context; may sleep.
/// Return: 0, -EINVAL for a bad template or a head that has a disk, or the
/// error of blk_alloc_disk().
///
/// # Safety
///
/// `head` must be NULL or a live head the caller holds a reference on, and
/// `lim` NULL or valid queue limits.
#[no_mangle]
pub unsafe extern "C" fn mpath_alloc_head_disk(
    head: *mut mpath_head,
    lim: *mut bindings::queue_limits,
    numa_node: c_int,
) -> c_int {
    // SAFETY: The caller holds a reference, so `head` is NULL or live.
    let Some(head) = (unsafe { Head::from_raw(head) }) else {
        return EINVAL.to_errno();
    };
    match disk::alloc(head, lim, numa_node) {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

/// mpath_device_set_live() - A path became usable.
/// @mdev: The path, already added with mpath_add_device().
///
/// The first call for a head adds its disk (and character device, and
/// schedules the partition scan).  Every call links the path under the
/// head's multipath/ directory, recomputes the per-node paths if @mdev is
/// optimized, and resubmits queued I/O.  Nothing happens for a head
/// without a disk.
///
/// Context: Process context; may sleep.
///
/// # Safety
///
/// `mdev` must be NULL or a path of a live head.
#[no_mangle]
pub unsafe extern "C" fn mpath_device_set_live(mdev: *mut mpath_device) {
    // SAFETY: The caller guarantees that `mdev` is NULL or a live path.
    if let Some((path, head)) = unsafe { path_and_head(mdev) } {
        disk::set_live(head, path);
    }
}

/// mpath_remove_disk() - Delete the head disk if it was added.
/// @head: The head.
///
/// Queued I/O fails from now on; the character device is deleted through
/// del_cdev.  The disk itself is released by mpath_put_disk().
///
/// Context: Process context; may sleep.
///
/// # Safety
///
/// `head` must be NULL or a live head.
#[no_mangle]
pub unsafe extern "C" fn mpath_remove_disk(head: *mut mpath_head) {
    // SAFETY: The caller guarantees that `head` is NULL or live.
    if let Some(head) = unsafe { Head::from_raw(head) } {
        disk::remove(head);
    }
}

/// mpath_put_disk() - Release the head disk.
/// @head: The head.
///
/// Flushes queued I/O and the partition scan, then drops the disk reference
/// from mpath_alloc_head_disk().
///
/// Context: Process context; may sleep.
///
/// # Safety
///
/// `head` must be NULL or a live head.
#[no_mangle]
pub unsafe extern "C" fn mpath_put_disk(head: *mut mpath_head) {
    // SAFETY: The caller guarantees that `head` is NULL or live.
    if let Some(head) = unsafe { Head::from_raw(head) } {
        disk::put(head);
    }
}
