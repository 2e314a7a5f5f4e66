// SPDX-License-Identifier: GPL-2.0

//! The C functions of the head disk's sysfs links and attributes.

use kernel::prelude::*;

use crate::{
    disk,
    head::Head,
    path::Path,
    paths,
    sysfs::IoPolicy, //
};

use super::{
    mpath_device,
    mpath_head,
    mpath_iopolicy,
    path_and_head,
    ssize_t,
    sysfs_buf, //
};

/// mpath_add_sysfs_link() - Link the head's added paths under multipath/.
/// @head: The head.
///
/// Creates `<head disk>/multipath/<path disk>` for every path whose disk
/// has been added and has no link yet; nothing happens before the head
/// disk is added.
///
/// Context: Process context; may sleep.
///
/// # Safety
///
/// `head` must be NULL or a live head.
#[no_mangle]
pub unsafe extern "C" fn mpath_add_sysfs_link(head: *mut mpath_head) {
    // SAFETY: The caller guarantees that `head` is NULL or live.
    if let Some(head) = unsafe { Head::from_raw(head) } {
        disk::add_links(head);
    }
}

/// mpath_remove_sysfs_link() - Remove the link to a path under multipath/.
/// @mdev: The path.
///
/// Context: Process context; may sleep.
///
/// # Safety
///
/// `mdev` must be NULL or a path of a live head.
#[no_mangle]
pub unsafe extern "C" fn mpath_remove_sysfs_link(mdev: *mut mpath_device) {
    // SAFETY: The caller guarantees that `mdev` is NULL or a live path.
    if let Some((path, head)) = unsafe { path_and_head(mdev) } {
        disk::remove_link(head, path);
    }
}

/// mpath_numa_nodes_show() - sysfs show() body of a path's numa_nodes.
/// @mdev: The path.
/// @iopolicy: The policy box that applies to the path's head.
/// @buf: The sysfs buffer (PAGE_SIZE).
///
/// Context: Process context.
/// Return: The length of the node list of the nodes that currently use
/// @mdev ("0-1,3\n", or "\n" for none, also for a path that is on no
/// head); 0 unless the policy is numa; -EINVAL for NULL.
///
/// # Safety
///
/// `mdev` must be NULL or a valid path, either never added or on a live
/// head, `iopolicy` NULL or a valid policy box, and `buf` NULL or valid for
/// `PAGE_SIZE` bytes.
#[no_mangle]
pub unsafe extern "C" fn mpath_numa_nodes_show(
    mdev: *mut mpath_device,
    iopolicy: *mut mpath_iopolicy,
    buf: *mut c_char,
) -> ssize_t {
    // SAFETY: The caller guarantees validity of all three pointers.
    let (Some(path), Some(pol), Some(mut out)) = (
        unsafe { Path::from_raw(mdev) },
        unsafe { IoPolicy::from_raw(iopolicy) },
        unsafe { sysfs_buf(buf) },
    ) else {
        return EINVAL.to_errno() as ssize_t;
    };
    // SAFETY: The path's head is NULL (never added) or live.
    let head = unsafe { Head::from_raw(path.head_ptr()) };
    match paths::numa_nodes(head, path, pol.get(), &mut out) {
        // CAST: At most `PAGE_SIZE`.
        Ok(()) => out.finish() as ssize_t,
        Err(_) => EINVAL.to_errno() as ssize_t,
    }
}
