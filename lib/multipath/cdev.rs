// SPDX-License-Identifier: GPL-2.0

//! The head character device: created and deleted by the driver through
//! the template, its file operations routed to a path here.
//!
//! `MPATH_HEAD_CDEV_LIVE` records whether `add_cdev` succeeded, so that
//! `del_cdev` runs exactly once and only for a device that exists.

use kernel::{
    bindings,
    prelude::*, //
};

use crate::{
    abi::mpath_head,
    head::{
        Head,
        HeadFlag, //
        EWOULDBLOCK,
    },
    paths, //
};

/// `FMODE_WRITE` of `<linux/fs.h>` (a `__force` cast bindgen cannot see).
const FMODE_WRITE: bindings::fmode_t = 1 << 1;

/// Ask the driver to add the head character device.
pub(crate) fn add(head: &Head) {
    let Some(add) = head.template().and_then(|t| t.ops().add_cdev) else {
        return;
    };
    // SAFETY: The head is valid and its disk was just added.
    if unsafe { add(head.as_raw()) } == 0 {
        head.assign_flag(HeadFlag::CdevLive, true);
    }
}

/// Ask the driver to delete the head character device, if it was added.
pub(crate) fn del(head: &Head) {
    if !head.test_and_clear_flag(HeadFlag::CdevLive) {
        return;
    }
    if let Some(del) = head.template().and_then(|t| t.ops().del_cdev) {
        // SAFETY: The head is valid and its character device exists.
        unsafe { del(head.as_raw()) };
    }
}

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
    match unsafe { inode_head(inode) } {
        Some(head) if head.try_get() => 0,
        _ => ENXIO.to_errno(),
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
        // SAFETY: `open` took this reference.
        unsafe { head.put() };
    }
    0
}

/// Run `ioctl` on a path of `head` with the `ioctl_begin`/`ioctl_finish`
/// protocol: if `ioctl_begin` hands back data, SRCU is dropped before the
/// call (the driver pinned what the ioctl needs) and `ioctl_finish` gets
/// the data afterwards.
pub(crate) fn with_path_ioctl(
    head: &Head,
    cmd: c_uint,
    ioctl: impl FnOnce(*mut crate::abi::mpath_device) -> c_long,
) -> c_long {
    let Some(t) = head.template() else {
        return ENOTTY.to_errno() as c_long;
    };
    let guard = head.srcu_read();
    let Some(path) = paths::find(&guard) else {
        return EWOULDBLOCK as c_long;
    };
    let dev = path.as_raw();
    let mut data: *mut c_void = core::ptr::null_mut();
    if let Some(begin) = t.ops().ioctl_begin {
        // SAFETY: `dev` is a path of `head`, valid under `guard`.
        unsafe { begin(dev, cmd, &mut data) };
    }
    if data.is_null() {
        return ioctl(dev);
    }
    drop(guard);
    let ret = ioctl(dev);
    if let Some(finish) = t.ops().ioctl_finish {
        // SAFETY: `data` came from `ioctl_begin`.
        unsafe { finish(data) };
    }
    ret
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
    let Some(cdev_ioctl) = head.template().and_then(|t| t.ops().cdev_ioctl) else {
        return ENOTTY.to_errno() as c_long;
    };
    // SAFETY: `file` is valid.
    let open_for_write = unsafe { (*file).f_mode } & FMODE_WRITE != 0;
    with_path_ioctl(head, cmd, |dev| {
        // SAFETY: `dev` is valid: under SRCU, or pinned by `ioctl_begin`.
        unsafe { cdev_ioctl(dev, cmd, arg, open_for_write) }
    })
}

/// `uring_cmd`: passthrough on a path chosen by the I/O policy.
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
    let Some(head) = (unsafe { file_head((*ioucmd).file) }) else {
        return ENXIO.to_errno();
    };
    let Some(uring_cmd) = head.template().and_then(|t| t.ops().chr_uring_cmd) else {
        return EOPNOTSUPP.to_errno();
    };
    let guard = head.srcu_read();
    match paths::find(&guard) {
        // SAFETY: The path is valid under `guard`; `ioucmd` is valid.
        Some(path) => unsafe { uring_cmd(path.as_raw(), ioucmd, issue_flags) },
        None => EINVAL.to_errno(),
    }
}

/// `uring_cmd_iopoll`: no path lookup, the driver polls its own queues.
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
    let Some(head) = (unsafe { file_head((*ioucmd).file) }) else {
        return ENXIO.to_errno();
    };
    match head.template().and_then(|t| t.ops().chr_uring_cmd_iopoll) {
        // SAFETY: Arguments as io_uring passed them.
        Some(iopoll) => unsafe { iopoll(ioucmd, iob, poll_flags) },
        None => EOPNOTSUPP.to_errno(),
    }
}
