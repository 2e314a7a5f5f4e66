// SPDX-License-Identifier: GPL-2.0

//! The head character device: created and deleted by the driver through
//! the template, its file operations (`abi::cdev`) routed to a path here.
//!
//! `MPATH_HEAD_CDEV_LIVE` records whether `add_cdev` succeeded, so that
//! `del_cdev` runs exactly once and only for a device that exists.

use kernel::{
    bindings,
    prelude::*, //
};

use crate::{
    head::{
        Head,
        HeadFlag, //
        EWOULDBLOCK,
    },
    paths, //
};

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

/// Open the head character device: pin the head.
pub(crate) fn open(head: &Head) -> Result {
    if head.try_get() {
        Ok(())
    } else {
        Err(ENXIO)
    }
}

/// Release the head character device: unpin the head.
///
/// # Safety
///
/// Pairs with a successful [`open`]; `head` may be freed by the call.
pub(crate) unsafe fn release(head: &Head) {
    // SAFETY: `open` took this reference.
    unsafe { head.put() };
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

/// An ioctl on the head character device: the driver's `cdev_ioctl` on a
/// path chosen by the I/O policy.
pub(crate) fn ioctl(head: &Head, cmd: c_uint, arg: c_ulong, open_for_write: bool) -> c_long {
    let Some(cdev_ioctl) = head.template().and_then(|t| t.ops().cdev_ioctl) else {
        return ENOTTY.to_errno() as c_long;
    };
    with_path_ioctl(head, cmd, |dev| {
        // SAFETY: `dev` is valid: under SRCU, or pinned by `ioctl_begin`.
        unsafe { cdev_ioctl(dev, cmd, arg, open_for_write) }
    })
}

/// `uring_cmd`: passthrough on a path chosen by the I/O policy.
///
/// # Safety
///
/// `ioucmd` must be a valid command on an open file of `head`'s character
/// device.
pub(crate) unsafe fn uring_cmd(
    head: &Head,
    ioucmd: *mut bindings::io_uring_cmd,
    issue_flags: c_uint,
) -> c_int {
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
/// The arguments must be as io_uring passes them for a command on an open
/// file of `head`'s character device.
pub(crate) unsafe fn uring_cmd_iopoll(
    head: &Head,
    ioucmd: *mut bindings::io_uring_cmd,
    iob: *mut bindings::io_comp_batch,
    poll_flags: c_uint,
) -> c_int {
    match head.template().and_then(|t| t.ops().chr_uring_cmd_iopoll) {
        // SAFETY: The arguments are as io_uring passed them.
        Some(iopoll) => unsafe { iopoll(ioucmd, iob, poll_flags) },
        None => EOPNOTSUPP.to_errno(),
    }
}
