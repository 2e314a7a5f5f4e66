// SPDX-License-Identifier: GPL-2.0

//! Forwarding of head disk operations to a path: persistent reservations,
//! block ioctls, zone reports, geometry and unique ids.
//!
//! Each operation picks a path with the I/O policy under SRCU and calls
//! the path disk's own operation; no usable path gives `-EWOULDBLOCK`, a
//! path disk without the operation the error the block layer would give.
//! The block layer calls them through `abi::bdev`.

use kernel::{
    bindings,
    prelude::*, //
};

use crate::{
    cdev::with_path_ioctl,
    head::{
        Head,
        EWOULDBLOCK, //
    },
    paths, //
};

/// The fops of a path disk.
type Fops = bindings::block_device_operations;

/// Run `f` with the fops and gendisk of a path of `head` under SRCU.
fn with_path(head: &Head, f: impl FnOnce(&Fops, *mut bindings::gendisk) -> c_int) -> c_int {
    let guard = head.srcu_read();
    let Some(path) = paths::find(&guard) else {
        return EWOULDBLOCK;
    };
    let disk = path.disk();
    if disk.is_null() {
        return EWOULDBLOCK;
    }
    // SAFETY: The path's disk is valid under SRCU and its fops are a
    // static table.
    let Some(fops) = (unsafe { (*disk).fops.as_ref() }) else {
        return ENOTTY.to_errno();
    };
    f(fops, disk)
}

/// Forward a persistent reservation operation: `op` selects it from the
/// path disk's `pr_ops`, which are called with the path's whole-disk bdev.
fn pr_forward<F>(
    head: &Head,
    op: impl FnOnce(&bindings::pr_ops) -> Option<F>,
    call: impl FnOnce(F, *mut bindings::block_device) -> c_int,
) -> c_int {
    with_path(head, |fops, disk| {
        // SAFETY: `pr_ops` is NULL or a static table.
        let Some(f) = (unsafe { fops.pr_ops.as_ref() }).and_then(op) else {
            return EOPNOTSUPP.to_errno();
        };
        // SAFETY: `disk` is valid under SRCU.
        call(f, unsafe { (*disk).part0 })
    })
}

/// `pr_register` on a path.
pub(crate) fn pr_register(head: &Head, old_key: u64, new_key: u64, flags: u32) -> c_int {
    pr_forward(
        head,
        |o| o.pr_register,
        |f, b| {
            // SAFETY: `b` is the path's bdev, valid under SRCU.
            unsafe { f(b, old_key, new_key, flags) }
        },
    )
}

/// `pr_reserve` on a path.
pub(crate) fn pr_reserve(head: &Head, key: u64, type_: bindings::pr_type, flags: u32) -> c_int {
    pr_forward(
        head,
        |o| o.pr_reserve,
        |f, b| {
            // SAFETY: `b` is the path's bdev, valid under SRCU.
            unsafe { f(b, key, type_, flags) }
        },
    )
}

/// `pr_release` on a path.
pub(crate) fn pr_release(head: &Head, key: u64, type_: bindings::pr_type) -> c_int {
    pr_forward(
        head,
        |o| o.pr_release,
        |f, b| {
            // SAFETY: `b` is the path's bdev, valid under SRCU.
            unsafe { f(b, key, type_) }
        },
    )
}

/// `pr_preempt` on a path.
pub(crate) fn pr_preempt(
    head: &Head,
    old_key: u64,
    new_key: u64,
    type_: bindings::pr_type,
    abort: bool,
) -> c_int {
    pr_forward(
        head,
        |o| o.pr_preempt,
        |f, b| {
            // SAFETY: `b` is the path's bdev, valid under SRCU.
            unsafe { f(b, old_key, new_key, type_, abort) }
        },
    )
}

/// `pr_clear` on a path.
pub(crate) fn pr_clear(head: &Head, key: u64) -> c_int {
    pr_forward(
        head,
        |o| o.pr_clear,
        |f, b| {
            // SAFETY: `b` is the path's bdev, valid under SRCU.
            unsafe { f(b, key) }
        },
    )
}

/// `pr_read_keys` on a path.
///
/// # Safety
///
/// `keys` must be the block layer's buffer for the keys.
pub(crate) unsafe fn pr_read_keys(head: &Head, keys: *mut bindings::pr_keys) -> c_int {
    pr_forward(
        head,
        |o| o.pr_read_keys,
        |f, b| {
            // SAFETY: `b` is the path's bdev, valid under SRCU; `keys` is the caller's buffer.
            unsafe { f(b, keys) }
        },
    )
}

/// `pr_read_reservation` on a path.
///
/// # Safety
///
/// `rsv` must be the block layer's buffer for the reservation.
pub(crate) unsafe fn pr_read_reservation(
    head: &Head,
    rsv: *mut bindings::pr_held_reservation,
) -> c_int {
    pr_forward(
        head,
        |o| o.pr_read_reservation,
        |f, b| {
            // SAFETY: `b` is the path's bdev, valid under SRCU; `rsv` is the caller's buffer.
            unsafe { f(b, rsv) }
        },
    )
}

/// An ioctl on the head disk.
///
/// A driver with a `bdev_ioctl` callback gets the head's block device, so
/// it can apply its own rules to partitions.  Otherwise the path disk's
/// `ioctl` handler runs on the path's whole-disk bdev; it cannot see a head
/// partition, so an ioctl on a partition then needs `CAP_SYS_ADMIN`
/// (libmultipath v2 silently widened the partition to the whole disk).
///
/// # Safety
///
/// `bdev` must be an open block device of the disk of `head`.
pub(crate) unsafe fn ioctl(
    head: &Head,
    bdev: *mut bindings::block_device,
    mode: bindings::blk_mode_t,
    cmd: c_uint,
    arg: c_ulong,
) -> c_int {
    let bdev_ioctl = head.template().and_then(|t| t.ops().bdev_ioctl);
    // SAFETY: The caller passes a valid bdev.
    let partition = unsafe { bindings::bdev_is_partition(bdev) };
    if bdev_ioctl.is_none() && partition {
        // SAFETY: Always safe to call.
        let privileged = unsafe { bindings::capable(bindings::CAP_SYS_ADMIN as c_int) };
        if !privileged {
            return EACCES.to_errno();
        }
    }
    let ret = with_path_ioctl(head, cmd, |dev| {
        if let Some(f) = bdev_ioctl {
            // SAFETY: `dev` is valid: under SRCU, or pinned by `ioctl_begin`;
            // `bdev` is the caller's open block device.
            return unsafe { f(dev, bdev, mode, cmd, arg) } as c_long;
        }
        // SAFETY: As above; the path's disk and its fops are valid with `dev`.
        unsafe {
            let disk = (*dev).disk;
            match (*disk).fops.as_ref().and_then(|f| f.ioctl) {
                Some(ioctl) => ioctl((*disk).part0, mode, cmd, arg) as c_long,
                None => ENOTTY.to_errno() as c_long,
            }
        }
    });
    // CAST: Block ioctl handlers return int.
    ret as c_int
}

/// The geometry of the head disk.
///
/// A usable path answers with its own `getgeo`.  Without one (an outage,
/// a delayed-removal window) or without that operation the head still
/// answers, as stock NVMe's `nvme_getgeo()` always does: partitioning
/// tools must not fail because no path is up.
///
/// # Safety
///
/// `disk` must be the disk of `head` and `geo` valid for writes.
pub(crate) unsafe fn getgeo(
    head: &Head,
    disk: *mut bindings::gendisk,
    geo: *mut bindings::hd_geometry,
) -> c_int {
    let ret = with_path(head, |fops, pdisk| match fops.getgeo {
        // SAFETY: `pdisk` is valid under SRCU; `geo` is the caller's.
        Some(getgeo) => unsafe { getgeo(pdisk, geo) },
        None => EWOULDBLOCK,
    });
    if ret != EWOULDBLOCK {
        return ret;
    }
    // SAFETY: `disk` is our valid disk and `geo` the caller's buffer.
    unsafe { default_geometry(disk, geo) };
    0
}

/// The geometry of a disk without a geometry of its own: 64 heads of 32
/// sectors, so a cylinder is 2048 sectors (`nvme_getgeo()`, and sd
/// without a partition table).
///
/// # Safety
///
/// `disk` must be a valid gendisk and `geo` valid for writes.
unsafe fn default_geometry(disk: *mut bindings::gendisk, geo: *mut bindings::hd_geometry) {
    // SAFETY: `disk` is valid.
    let capacity = unsafe { bindings::get_capacity(disk) };
    // SAFETY: `geo` is valid for writes.
    unsafe {
        (*geo).heads = 1 << 6;
        (*geo).sectors = 1 << 5;
        // CAST: Truncates to 16 bits, as the C assignment does.
        (*geo).cylinders = (capacity >> 11) as u16;
    }
}

/// The unique id of the head disk: a path's.
///
/// # Safety
///
/// `id` must be the block layer's 16-byte buffer.
pub(crate) unsafe fn get_unique_id(
    head: &Head,
    id: *mut u8,
    id_type: bindings::blk_unique_id,
) -> c_int {
    with_path(head, |fops, pdisk| match fops.get_unique_id {
        // SAFETY: `pdisk` is valid under SRCU; `id` is the caller's.
        Some(get) => unsafe { get(pdisk, id, id_type) },
        None => 0,
    })
}

/// A zone report of the head disk: a path's.
///
/// # Safety
///
/// `args` must be the block layer's report arguments.
#[cfg(CONFIG_BLK_DEV_ZONED)]
pub(crate) unsafe fn report_zones(
    head: &Head,
    sector: bindings::sector_t,
    nr_zones: c_uint,
    args: *mut bindings::blk_report_zones_args,
) -> c_int {
    with_path(head, |fops, pdisk| match fops.report_zones {
        // SAFETY: `pdisk` is valid under SRCU; `args` is the caller's.
        Some(report) => unsafe { report(pdisk, sector, nr_zones, args) },
        None => EOPNOTSUPP.to_errno(),
    })
}

#[cfg(CONFIG_LIBMULTIPATH_KUNIT_TEST)]
#[kunit_tests(libmultipath_forward)]
mod tests {
    use super::*;
    use crate::{
        abi::{
            self,
            bdev::*,
            mpath_device,
            mpath_head_template,
            MPATH_IOPOLICY_NUMA as NUMA,
            MPATH_STATE_OPTIMIZED as OPT, //
        },
        fake::{
            FakeHead,
            FakePath,
            SyncTemplate,
            TEMPLATE, //
        },
    };
    use core::ptr;
    use kernel::sync::atomic::{
        Atomic,
        Relaxed, //
    };

    /// The last block device or disk a fake path operation saw.
    static SEEN: Atomic<*mut c_void> = Atomic::new(ptr::null_mut());
    /// How often `ioctl_finish` ran.
    static FINISHED: Atomic<i32> = Atomic::new(0);

    /// Fake `getgeo`: returns 42.
    ///
    /// # Safety
    ///
    /// Always safe to call.
    unsafe extern "C" fn getgeo(
        disk: *mut bindings::gendisk,
        _g: *mut bindings::hd_geometry,
    ) -> c_int {
        SEEN.store(disk.cast(), Relaxed);
        42
    }

    /// Fake `ioctl`: returns `cmd + 1`.
    ///
    /// # Safety
    ///
    /// Always safe to call.
    unsafe extern "C" fn ioctl(
        bdev: *mut bindings::block_device,
        _mode: bindings::blk_mode_t,
        cmd: c_uint,
        _arg: c_ulong,
    ) -> c_int {
        SEEN.store(bdev.cast(), Relaxed);
        cmd as c_int + 1
    }

    /// Fake `get_unique_id`: returns 16.
    ///
    /// # Safety
    ///
    /// Always safe to call.
    unsafe extern "C" fn unique_id(
        disk: *mut bindings::gendisk,
        _id: *mut u8,
        _t: bindings::blk_unique_id,
    ) -> c_int {
        SEEN.store(disk.cast(), Relaxed);
        16
    }

    /// Fake `pr_register`: returns `new_key - old_key`.
    ///
    /// # Safety
    ///
    /// Always safe to call.
    unsafe extern "C" fn pr_register(
        bdev: *mut bindings::block_device,
        old_key: u64,
        new_key: u64,
        _flags: u32,
    ) -> c_int {
        SEEN.store(bdev.cast(), Relaxed);
        new_key.wrapping_sub(old_key) as c_int
    }

    /// `ioctl_begin` that pins for command 7 only.
    ///
    /// # Safety
    ///
    /// `data` is valid for writes.
    unsafe extern "C" fn begin(_mdev: *mut mpath_device, cmd: c_uint, data: *mut *mut c_void) {
        if cmd == 7 {
            // SAFETY: The library passes a valid pointer.
            unsafe { *data = ptr::dangling_mut::<c_void>() };
        }
    }

    /// `ioctl_finish`: counts calls.
    ///
    /// # Safety
    ///
    /// Always safe to call.
    unsafe extern "C" fn finish(_data: *mut c_void) {
        FINISHED.add(1, Relaxed);
    }

    /// A `Sync` wrapper for C tables in statics.
    struct Table<T>(T);
    // SAFETY: The tables are never modified.
    unsafe impl<T> Sync for Table<T> {}

    static PR_OPS: Table<bindings::pr_ops> = Table(bindings::pr_ops {
        pr_register: Some(pr_register),
        pr_reserve: None,
        pr_release: None,
        pr_preempt: None,
        pr_clear: None,
        pr_read_keys: None,
        pr_read_reservation: None,
    });

    static FOPS: Table<bindings::block_device_operations> = Table({
        // SAFETY: All-zero is valid (NULL pointers and `None`).
        let zeroed: bindings::block_device_operations = unsafe { core::mem::zeroed() };
        bindings::block_device_operations {
            getgeo: Some(getgeo),
            ioctl: Some(ioctl),
            get_unique_id: Some(unique_id),
            pr_ops: &PR_OPS.0,
            ..zeroed
        }
    });

    /// Fake `bdev_ioctl`: records the bdev, returns `cmd + 2`.
    ///
    /// # Safety
    ///
    /// Always safe to call.
    unsafe extern "C" fn bdev_ioctl(
        _mdev: *mut mpath_device,
        bdev: *mut bindings::block_device,
        _mode: bindings::blk_mode_t,
        cmd: c_uint,
        _arg: c_ulong,
    ) -> c_int {
        SEEN.store(bdev.cast(), Relaxed);
        cmd as c_int + 2
    }

    static BDEV_IOCTL: SyncTemplate = SyncTemplate(mpath_head_template {
        bdev_ioctl: Some(bdev_ioctl),
        ..TEMPLATE.0
    });

    static PINNING: SyncTemplate = SyncTemplate(mpath_head_template {
        ioctl_begin: Some(begin),
        ioctl_finish: Some(finish),
        ..TEMPLATE.0
    });

    /// A head with a disk and one path whose disk uses [`FOPS`].
    struct Setup {
        head: FakeHead,
        path: KBox<FakePath>,
        head_disk: *mut bindings::gendisk,
        path_disk: *mut bindings::gendisk,
    }

    impl Setup {
        fn new() -> Result<Self> {
            let head = FakeHead::new(NUMA)?;
            // SAFETY: The head is live; NULL limits mean defaults.
            kernel::error::to_result(unsafe {
                abi::mpath_alloc_head_disk(head.raw, ptr::null_mut(), -1)
            })?;
            // SAFETY: As above.
            let path_disk = kernel::error::from_err_ptr(unsafe {
                bindings::blk_alloc_disk(ptr::null_mut(), -1)
            })?;
            // SAFETY: The new disk is ours.
            unsafe { (*path_disk).fops = &FOPS.0 };
            let mut path = FakePath::new(OPT, -1)?;
            path.dev.disk = path_disk;
            head.add(&mut path);
            // SAFETY: The head is live and has a disk.
            let head_disk = unsafe { (*head.raw).disk };
            Ok(Self {
                head,
                path,
                head_disk,
                path_disk,
            })
        }

        /// The whole-disk bdev of the head disk.
        fn head_bdev(&self) -> *mut bindings::block_device {
            // SAFETY: The head disk is valid.
            unsafe { (*self.head_disk).part0 }
        }

        /// The whole-disk bdev of the path disk.
        fn path_bdev(&self) -> *mut bindings::block_device {
            // SAFETY: The path disk is valid.
            unsafe { (*self.path_disk).part0 }
        }
    }

    impl Drop for Setup {
        fn drop(&mut self) {
            self.head.delete(&mut self.path);
            // SAFETY: The path disk was never added and is ours.
            unsafe { bindings::put_disk(self.path_disk) };
            // SAFETY: The head is live.
            unsafe { abi::mpath_put_disk(self.head.raw) };
        }
    }

    #[test]
    fn operations_reach_the_path_disk() -> Result {
        let s = Setup::new()?;
        // SAFETY: The head disk is a valid head disk.
        let ret = unsafe { mpath_bdev_getgeo(s.head_disk, ptr::null_mut()) };
        assert_eq!(ret, 42);
        assert_eq!(SEEN.load(Relaxed), s.path_disk.cast());
        // SAFETY: As above; `id` is unused by the fake.
        let ret = unsafe {
            mpath_bdev_get_unique_id(s.head_disk, ptr::null_mut(), bindings::blk_unique_id(0))
        };
        assert_eq!(ret, 16);
        // SAFETY: A whole-disk bdev of the head disk.
        let ret = unsafe { mpath_bdev_ioctl(s.head_bdev(), 0, 5, 0) };
        assert_eq!(ret, 6);
        assert_eq!(SEEN.load(Relaxed), s.path_bdev().cast());
        // SAFETY: As above.
        let ret = unsafe { mpath_pr_register(s.head_bdev(), 1, 4, 0) };
        assert_eq!(ret, 3);
        assert_eq!(SEEN.load(Relaxed), s.path_bdev().cast());
        Ok(())
    }

    #[test]
    fn missing_operations_give_block_layer_errors() -> Result {
        let s = Setup::new()?;
        // SAFETY: A whole-disk bdev of the head disk.
        let ret = unsafe { mpath_pr_reserve(s.head_bdev(), 1, bindings::pr_type(1), 0) };
        assert_eq!(ret, EOPNOTSUPP.to_errno());
        // SAFETY: As above.
        let ret = unsafe { mpath_pr_clear(s.head_bdev(), 1) };
        assert_eq!(ret, EOPNOTSUPP.to_errno());
        Ok(())
    }

    #[test]
    fn no_usable_path_would_block() -> Result {
        let mut s = Setup::new()?;
        s.path.set_disabled(true);
        // SAFETY: A whole-disk bdev of the head disk.
        let ret = unsafe { mpath_bdev_ioctl(s.head_bdev(), 0, 5, 0) };
        assert_eq!(ret, EWOULDBLOCK);
        // SAFETY: As above.
        let ret = unsafe { mpath_pr_register(s.head_bdev(), 1, 4, 0) };
        assert_eq!(ret, EWOULDBLOCK);
        // SAFETY: As above.
        let ret = unsafe {
            mpath_bdev_get_unique_id(s.head_disk, ptr::null_mut(), bindings::blk_unique_id(0))
        };
        assert_eq!(ret, EWOULDBLOCK);
        s.path.set_disabled(false);
        Ok(())
    }

    #[test]
    fn geometry_without_a_usable_path() -> Result {
        let mut s = Setup::new()?;
        // 1 GiB and a bit: 2^21 + 4096 sectors are 1026 cylinders.
        // SAFETY: The head disk is valid and not added.
        unsafe { bindings::set_capacity(s.head_disk, (1 << 21) + 4096) };
        // SAFETY: All-zero is a valid `hd_geometry`.
        let mut geo: bindings::hd_geometry = unsafe { core::mem::zeroed() };
        s.path.set_disabled(true);
        SEEN.store(ptr::null_mut(), Relaxed);
        // SAFETY: The head disk is a valid head disk; `geo` is ours.
        let ret = unsafe { mpath_bdev_getgeo(s.head_disk, &mut geo) };
        assert_eq!(ret, 0);
        assert!(SEEN.load(Relaxed).is_null());
        assert_eq!((geo.heads, geo.sectors, geo.cylinders), (64, 32, 1026));
        // The same without any path at all.
        s.head.delete(&mut s.path);
        geo.cylinders = 0;
        // SAFETY: As above.
        let ret = unsafe { mpath_bdev_getgeo(s.head_disk, &mut geo) };
        assert_eq!(ret, 0);
        assert_eq!(geo.cylinders, 1026);
        s.head.add(&mut s.path);
        s.path.set_disabled(false);
        Ok(())
    }

    #[test]
    fn driver_bdev_ioctl_sees_the_head_bdev() -> Result {
        let s = Setup::new()?;
        // SAFETY: The head is live; the template is static.
        unsafe { (*s.head.raw).mpdt = &BDEV_IOCTL.0 };
        // SAFETY: A whole-disk bdev of the head disk.
        let ret = unsafe { mpath_bdev_ioctl(s.head_bdev(), 0, 5, 0) };
        assert_eq!(ret, 7);
        assert_eq!(SEEN.load(Relaxed), s.head_bdev().cast());
        Ok(())
    }

    #[test]
    fn ioctl_begin_and_finish_pair_up() -> Result {
        let s = Setup::new()?;
        // SAFETY: The head is live; the template is static.
        unsafe { (*s.head.raw).mpdt = &PINNING.0 };
        let before = FINISHED.load(Relaxed);
        // Command 7 is pinned by `begin`: the ioctl runs, then `finish`.
        // SAFETY: A whole-disk bdev of the head disk.
        let ret = unsafe { mpath_bdev_ioctl(s.head_bdev(), 0, 7, 0) };
        assert_eq!(ret, 8);
        assert_eq!(FINISHED.load(Relaxed), before + 1);
        // Other commands run under SRCU without `finish`.
        // SAFETY: As above.
        let ret = unsafe { mpath_bdev_ioctl(s.head_bdev(), 0, 5, 0) };
        assert_eq!(ret, 6);
        assert_eq!(FINISHED.load(Relaxed), before + 1);
        Ok(())
    }
}
