// SPDX-License-Identifier: GPL-2.0

//! The head disk's block device operations: the Rust functions behind
//! `mpath_ops` and `mpath_pr_ops` in `mpath_exports.c`.
//!
//! Each one finds the head of the disk, block device or bio the block
//! layer passes and calls the module that does the work (`bio`, `disk`,
//! `forward`).

use kernel::{
    bindings,
    prelude::*, //
};

use crate::{
    bio,
    disk,
    forward,
    head::Head, //
};

/// The head of a head disk.
///
/// # Safety
///
/// `disk` must be a valid head disk (`fops == &mpath_ops`).
unsafe fn disk_head<'a>(disk: *mut bindings::gendisk) -> Option<&'a Head> {
    // SAFETY: A head disk's `private_data` is its head, kept alive by the
    // disk's users (open references or in-flight I/O).
    unsafe { Head::from_raw((*disk).private_data.cast()) }
}

/// Run `f` with the head of `disk`; `-ENXIO` if it has none.
///
/// # Safety
///
/// `disk` must be a valid head disk.
unsafe fn with_disk_head(disk: *mut bindings::gendisk, f: impl FnOnce(&Head) -> c_int) -> c_int {
    // SAFETY: The caller passes a head disk.
    match unsafe { disk_head(disk) } {
        Some(head) => f(head),
        None => ENXIO.to_errno(),
    }
}

/// Run `f` with the head of `bdev`; `-ENXIO` if it has none.
///
/// # Safety
///
/// `bdev` must be a block device of a head disk.
unsafe fn with_bdev_head(
    bdev: *mut bindings::block_device,
    f: impl FnOnce(&Head) -> c_int,
) -> c_int {
    // SAFETY: The block device belongs to a head disk.
    unsafe { with_disk_head((*bdev).bd_disk, f) }
}

/// `submit_bio`.
///
/// # Safety
///
/// Called by the block layer with a bio for a head disk.
#[no_mangle]
pub(crate) unsafe extern "C" fn mpath_bdev_submit_bio(bio: *mut bindings::bio) {
    // SAFETY: A head disk's bdev and gendisk are valid while it has I/O.
    match unsafe { disk_head((*(*bio).bi_bdev).bd_disk) } {
        // SAFETY: We own `bio`, which targets the disk of `head`.
        Some(head) => unsafe { bio::submit(head, bio) },
        // SAFETY: We own `bio`.
        None => unsafe { bindings::bio_io_error(bio) },
    }
}

/// `open`: pin the head and its driver (`disk::open()`).
///
/// # Safety
///
/// Called by the block layer with a head disk.
#[no_mangle]
pub(crate) unsafe extern "C" fn mpath_bdev_open(
    disk: *mut bindings::gendisk,
    _mode: bindings::blk_mode_t,
) -> c_int {
    // SAFETY: The block layer passes our disk.
    unsafe {
        with_disk_head(disk, |head| match disk::open(head) {
            Ok(()) => 0,
            Err(e) => e.to_errno(),
        })
    }
}

/// `release`: undo `open`.
///
/// # Safety
///
/// Called by the block layer after a successful `open`.
#[no_mangle]
pub(crate) unsafe extern "C" fn mpath_bdev_release(disk: *mut bindings::gendisk) {
    // SAFETY: The block layer passes our disk.
    if let Some(head) = unsafe { disk_head(disk) } {
        // SAFETY: `open` succeeded for this release.
        unsafe { disk::release(head) };
    }
}

/// `ioctl`.
///
/// # Safety
///
/// Called by the block layer with an open block device of a head disk.
#[no_mangle]
pub(crate) unsafe extern "C" fn mpath_bdev_ioctl(
    bdev: *mut bindings::block_device,
    mode: bindings::blk_mode_t,
    cmd: c_uint,
    arg: c_ulong,
) -> c_int {
    // SAFETY: The block layer passes an open bdev of our disk.
    unsafe { with_bdev_head(bdev, |head| forward::ioctl(head, bdev, mode, cmd, arg)) }
}

/// `getgeo`.
///
/// # Safety
///
/// Called by the block layer with a head disk; `geo` is valid for writes.
#[no_mangle]
pub(crate) unsafe extern "C" fn mpath_bdev_getgeo(
    disk: *mut bindings::gendisk,
    geo: *mut bindings::hd_geometry,
) -> c_int {
    // SAFETY: The block layer passes our disk and a buffer for `geo`.
    unsafe { with_disk_head(disk, |head| forward::getgeo(head, disk, geo)) }
}

/// `get_unique_id`.
///
/// # Safety
///
/// Called by the block layer with a head disk; `id` has 16 bytes.
#[no_mangle]
pub(crate) unsafe extern "C" fn mpath_bdev_get_unique_id(
    disk: *mut bindings::gendisk,
    id: *mut u8,
    id_type: bindings::blk_unique_id,
) -> c_int {
    // SAFETY: The block layer passes our disk and a buffer for `id`.
    unsafe { with_disk_head(disk, |head| forward::get_unique_id(head, id, id_type)) }
}

/// `report_zones`.
///
/// # Safety
///
/// Called by the block layer with a head disk and its report arguments.
#[cfg(CONFIG_BLK_DEV_ZONED)]
#[no_mangle]
pub(crate) unsafe extern "C" fn mpath_bdev_report_zones(
    disk: *mut bindings::gendisk,
    sector: bindings::sector_t,
    nr_zones: c_uint,
    args: *mut bindings::blk_report_zones_args,
) -> c_int {
    // SAFETY: The block layer passes our disk and its `args`.
    unsafe {
        with_disk_head(disk, |head| {
            forward::report_zones(head, sector, nr_zones, args)
        })
    }
}

/// `pr_register`.
///
/// # Safety
///
/// Called by the block layer with a block device of a head disk.
#[no_mangle]
pub(crate) unsafe extern "C" fn mpath_pr_register(
    bdev: *mut bindings::block_device,
    old_key: u64,
    new_key: u64,
    flags: u32,
) -> c_int {
    // SAFETY: The block layer passes a bdev of our disk.
    unsafe {
        with_bdev_head(bdev, |head| {
            forward::pr_register(head, old_key, new_key, flags)
        })
    }
}

/// `pr_reserve`.
///
/// # Safety
///
/// Called by the block layer with a block device of a head disk.
#[no_mangle]
pub(crate) unsafe extern "C" fn mpath_pr_reserve(
    bdev: *mut bindings::block_device,
    key: u64,
    type_: bindings::pr_type,
    flags: u32,
) -> c_int {
    // SAFETY: The block layer passes a bdev of our disk.
    unsafe { with_bdev_head(bdev, |head| forward::pr_reserve(head, key, type_, flags)) }
}

/// `pr_release`.
///
/// # Safety
///
/// Called by the block layer with a block device of a head disk.
#[no_mangle]
pub(crate) unsafe extern "C" fn mpath_pr_release(
    bdev: *mut bindings::block_device,
    key: u64,
    type_: bindings::pr_type,
) -> c_int {
    // SAFETY: The block layer passes a bdev of our disk.
    unsafe { with_bdev_head(bdev, |head| forward::pr_release(head, key, type_)) }
}

/// `pr_preempt`.
///
/// # Safety
///
/// Called by the block layer with a block device of a head disk.
#[no_mangle]
pub(crate) unsafe extern "C" fn mpath_pr_preempt(
    bdev: *mut bindings::block_device,
    old_key: u64,
    new_key: u64,
    type_: bindings::pr_type,
    abort: bool,
) -> c_int {
    // SAFETY: The block layer passes a bdev of our disk.
    unsafe {
        with_bdev_head(bdev, |head| {
            forward::pr_preempt(head, old_key, new_key, type_, abort)
        })
    }
}

/// `pr_clear`.
///
/// # Safety
///
/// Called by the block layer with a block device of a head disk.
#[no_mangle]
pub(crate) unsafe extern "C" fn mpath_pr_clear(
    bdev: *mut bindings::block_device,
    key: u64,
) -> c_int {
    // SAFETY: The block layer passes a bdev of our disk.
    unsafe { with_bdev_head(bdev, |head| forward::pr_clear(head, key)) }
}

/// `pr_read_keys`.
///
/// # Safety
///
/// Called by the block layer with a block device of a head disk and a
/// buffer for the keys.
#[no_mangle]
pub(crate) unsafe extern "C" fn mpath_pr_read_keys(
    bdev: *mut bindings::block_device,
    keys: *mut bindings::pr_keys,
) -> c_int {
    // SAFETY: The block layer passes a bdev of our disk and its buffer.
    unsafe { with_bdev_head(bdev, |head| forward::pr_read_keys(head, keys)) }
}

/// `pr_read_reservation`.
///
/// # Safety
///
/// Called by the block layer with a block device of a head disk and a
/// buffer for the reservation.
#[no_mangle]
pub(crate) unsafe extern "C" fn mpath_pr_read_reservation(
    bdev: *mut bindings::block_device,
    rsv: *mut bindings::pr_held_reservation,
) -> c_int {
    // SAFETY: The block layer passes a bdev of our disk and its buffer.
    unsafe { with_bdev_head(bdev, |head| forward::pr_read_reservation(head, rsv)) }
}

// The operation tables live in `mpath_exports.c`.  Check here that every
// entry point has exactly the type of the field it fills, so the C
// prototypes (checked by the C compiler against the same fields) match.
const _: () = {
    // SAFETY: All-zero is valid for this table (NULL pointers and `None`).
    let zeroed: bindings::block_device_operations = unsafe { core::mem::zeroed() };
    let _ = bindings::block_device_operations {
        submit_bio: Some(mpath_bdev_submit_bio),
        open: Some(mpath_bdev_open),
        release: Some(mpath_bdev_release),
        ioctl: Some(mpath_bdev_ioctl),
        getgeo: Some(mpath_bdev_getgeo),
        get_unique_id: Some(mpath_bdev_get_unique_id),
        #[cfg(CONFIG_BLK_DEV_ZONED)]
        report_zones: Some(mpath_bdev_report_zones),
        ..zeroed
    };
    let _ = bindings::pr_ops {
        pr_register: Some(mpath_pr_register),
        pr_reserve: Some(mpath_pr_reserve),
        pr_release: Some(mpath_pr_release),
        pr_preempt: Some(mpath_pr_preempt),
        pr_clear: Some(mpath_pr_clear),
        pr_read_keys: Some(mpath_pr_read_keys),
        pr_read_reservation: Some(mpath_pr_read_reservation),
    };
};
