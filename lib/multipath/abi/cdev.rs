// SPDX-License-Identifier: GPL-2.0

//! The head character device's file operations: the Rust functions behind
//! `mpath_chr_fops` in `mpath_exports.c`.
//!
//! Each one finds the head of the inode or file the VFS passes and calls
//! `cdev`, which does the work.

use kernel::{
    bindings,
    prelude::*, //
};

use crate::{
    cdev,
    head::Head, //
};

use super::mpath_head;

/// `FMODE_WRITE` of `<linux/fs.h>` (a `__force` cast bindgen cannot see).
const FMODE_WRITE: bindings::fmode_t = 1 << 1;

// Zero-sized kernel types (lockdep maps) inside these structs trip the
// lint; the bindings crate allows it for the same reason.
#[allow(improper_ctypes)]
extern "C" {
    /// The head whose `cdev` is the inode's `i_cdev` (C: an anonymous
    /// union holds `i_cdev`, see `mpath_exports.c`).
    fn mpath_chr_inode_head(inode: *mut bindings::inode) -> *mut mpath_head;
}

/// The head of an open head character device.
///
/// # Safety
///
/// `inode` must be the inode of a head character device.
unsafe fn inode_head<'a>(inode: *mut bindings::inode) -> Option<&'a Head> {
    // SAFETY: The inode's `i_cdev` is the `cdev` embedded in a head, which
    // the open file pins.
    unsafe { Head::from_raw(mpath_chr_inode_head(inode)) }
}

/// The head of `file`, a head character device file.
///
/// # Safety
///
/// `file` must be an open head character device file.
unsafe fn file_head<'a>(file: *mut bindings::file) -> Option<&'a Head> {
    // SAFETY: An open file has a valid inode.
    unsafe { inode_head((*file).f_inode) }
}

/// `open`: pin the head.
///
/// # Safety
///
/// Called by the VFS for a head character device.
#[no_mangle]
pub(crate) unsafe extern "C" fn mpath_chr_open(
    inode: *mut bindings::inode,
    _file: *mut bindings::file,
) -> c_int {
    // SAFETY: The VFS passes the inode of our cdev.
    match unsafe { inode_head(inode) }.map(cdev::open) {
        Some(Ok(())) => 0,
        Some(Err(e)) => e.to_errno(),
        None => ENXIO.to_errno(),
    }
}

/// `release`: unpin the head.
///
/// # Safety
///
/// Called by the VFS after a successful `open`.
#[no_mangle]
pub(crate) unsafe extern "C" fn mpath_chr_release(
    inode: *mut bindings::inode,
    _file: *mut bindings::file,
) -> c_int {
    // SAFETY: The VFS passes the inode of our cdev.
    if let Some(head) = unsafe { inode_head(inode) } {
        // SAFETY: `open` succeeded for this release.
        unsafe { cdev::release(head) };
    }
    0
}

/// `unlocked_ioctl`.
///
/// # Safety
///
/// Called by the VFS with an open head character device file.
#[no_mangle]
pub(crate) unsafe extern "C" fn mpath_chr_ioctl(
    file: *mut bindings::file,
    cmd: c_uint,
    arg: c_ulong,
) -> c_long {
    // SAFETY: The VFS passes our open file.
    let Some(head) = (unsafe { file_head(file) }) else {
        return ENXIO.to_errno() as c_long;
    };
    // SAFETY: `file` is valid.
    let open_for_write = unsafe { (*file).f_mode } & FMODE_WRITE != 0;
    cdev::ioctl(head, cmd, arg, open_for_write)
}

/// `uring_cmd`.
///
/// # Safety
///
/// Called by io_uring with a command on an open head character device.
#[no_mangle]
pub(crate) unsafe extern "C" fn mpath_chr_uring_cmd(
    ioucmd: *mut bindings::io_uring_cmd,
    issue_flags: c_uint,
) -> c_int {
    // SAFETY: io_uring passes a valid command on our open file.
    match unsafe { file_head((*ioucmd).file) } {
        // SAFETY: `ioucmd` is valid.
        Some(head) => unsafe { cdev::uring_cmd(head, ioucmd, issue_flags) },
        None => ENXIO.to_errno(),
    }
}

/// `uring_cmd_iopoll`.
///
/// # Safety
///
/// Called by io_uring with a command on an open head character device.
#[no_mangle]
pub(crate) unsafe extern "C" fn mpath_chr_uring_cmd_iopoll(
    ioucmd: *mut bindings::io_uring_cmd,
    iob: *mut bindings::io_comp_batch,
    poll_flags: c_uint,
) -> c_int {
    // SAFETY: io_uring passes a valid command on our open file.
    match unsafe { file_head((*ioucmd).file) } {
        // SAFETY: The arguments are as io_uring passed them.
        Some(head) => unsafe { cdev::uring_cmd_iopoll(head, ioucmd, iob, poll_flags) },
        None => ENXIO.to_errno(),
    }
}

// The table lives in `mpath_exports.c`: check that every entry point has
// exactly the type of the field it fills.
const _: () = {
    // SAFETY: All-zero is valid for this table (NULL pointers and `None`).
    let zeroed: bindings::file_operations = unsafe { core::mem::zeroed() };
    let _ = bindings::file_operations {
        open: Some(mpath_chr_open),
        release: Some(mpath_chr_release),
        unlocked_ioctl: Some(mpath_chr_ioctl),
        uring_cmd: Some(mpath_chr_uring_cmd),
        uring_cmd_iopoll: Some(mpath_chr_uring_cmd_iopoll),
        ..zeroed
    };
};
