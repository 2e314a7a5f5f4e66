// SPDX-License-Identifier: GPL-2.0

//! The head gendisk: allocation, going live, removal and release, the
//! deferred partition scan, open/release, and the per-path links in the
//! head's `multipath/` sysfs directory.
//!
//! The disk's `private_data` and its device's drvdata are the head.  The
//! `MPATH_HEAD_DISK_LIVE` bit decides which path adds the disk (the first
//! one to go live) and who deletes it.

use kernel::{
    bindings,
    prelude::*,
    sync::atomic::{
        Atomic,
        Relaxed, //
    }, //
};

use crate::{
    abi::{
        mpath_head,
        MPATH_DEVICE_SYSFS_ATTR_LINK, //
    },
    bio,
    head::{
        Head,
        HeadFlag, //
    },
    path::{
        Path,
        Template, //
    },
    paths, //
};

/// Name of the head disk's sysfs group that holds the path links.
const LINK_GROUP: &CStr = c"multipath";

/// The device of `disk` (`disk_to_dev()`).
///
/// # Safety
///
/// `disk` must be a valid gendisk.
unsafe fn disk_to_dev(disk: *mut bindings::gendisk) -> *mut bindings::device {
    // SAFETY: A valid gendisk has a valid `part0`.
    unsafe { &raw mut (*(*disk).part0).bd_device }
}

/// Whether `disk` is non-NULL and has been added (`GD_ADDED`).
///
/// # Safety
///
/// `disk` must be NULL or a valid gendisk.
unsafe fn disk_added(disk: *mut bindings::gendisk) -> bool {
    // SAFETY: `state` is a valid flag word of a valid disk.
    !disk.is_null()
        && unsafe { bindings::test_bit(bindings::GD_ADDED as c_ulong, &raw mut (*disk).state) }
}

/// The head disk, or NULL.
pub(crate) fn head_disk(head: &Head) -> *mut bindings::gendisk {
    // SAFETY: The head is valid; `disk` is set once by `alloc`.
    unsafe { (*head.as_raw()).disk }
}

/// Check that the template's optional callbacks come in usable sets.
fn template_is_consistent(t: &Template) -> bool {
    let o = t.ops();
    o.available_path.is_some()
        && o.ioctl_begin.is_some() == o.ioctl_finish.is_some()
        && o.add_cdev.is_some() == o.del_cdev.is_some()
        && o.add_cdev.is_some() == o.cdev_ioctl.is_some()
}

/// Allocate the head disk (not yet added): `private_data` is the head, the
/// fops are `mpath_ops`, and the first partition scan is deferred.
pub(crate) fn alloc(head: &Head, lim: *mut bindings::queue_limits, node: c_int) -> Result {
    let t = head.template().ok_or(EINVAL)?;
    if !template_is_consistent(&t) || !head_disk(head).is_null() {
        return Err(EINVAL);
    }
    // SAFETY: `lim` is NULL or valid limits from the caller.
    let disk = unsafe { bindings::blk_alloc_disk(lim, node) };
    let disk = kernel::error::from_err_ptr(disk)?;
    // SAFETY: `disk` is a new, private gendisk; the head is valid.
    unsafe {
        (*disk).private_data = head.as_raw().cast();
        (*disk).fops = &raw const bindings::mpath_ops;
        // Scan partitions from our work item, not from the caller's
        // context, which may hold locks the scan's I/O needs.
        bindings::set_bit(
            bindings::GD_SUPPRESS_PART_SCAN as c_ulong,
            &raw mut (*disk).state,
        );
        (*head.as_raw()).delayed_removal_secs = 0;
        (*head.as_raw()).disk = disk;
    }
    Ok(())
}

/// A path of the head became usable.
///
/// The first caller adds the head disk and its character device.  Every
/// caller adds missing path links, recomputes the per-node paths if this
/// one is optimized, and kicks queued I/O.
pub(crate) fn set_live(head: &Head, path: &Path) {
    let disk = head_disk(head);
    if disk.is_null() {
        return;
    }
    if !head.test_and_set_flag(HeadFlag::DiskLive) {
        let raw = head.as_raw();
        // SAFETY: The disk is allocated and not added yet (only the winner
        // of DISK_LIVE gets here); parent and groups come from the driver.
        let ret = unsafe {
            bindings::dev_set_drvdata(disk_to_dev(disk), raw.cast());
            bindings::device_add_disk((*raw).parent, disk, (*raw).disk_groups.cast_mut())
        };
        if ret != 0 {
            head.assign_flag(HeadFlag::DiskLive, false);
            return;
        }
        crate::cdev::add(head);
        // SAFETY: `partition_scan_work` was initialised in `Head::alloc`.
        head.queue_on_mpath_wq(unsafe { &raw mut (*raw).partition_scan_work });
    }
    add_links(head);
    paths::refresh_for(head, path);
    head.synchronize();
    bio::kick(head);
}

/// Delete the head disk if it is live.  Queued I/O fails from now on.
pub(crate) fn remove(head: &Head) {
    if !head.test_and_clear_flag(HeadFlag::DiskLive) {
        return;
    }
    // Let submitters that saw DISK_LIVE queue their bios, then fail them
    // all: with DISK_LIVE clear no path is "available".
    head.synchronize();
    bio::kick(head);
    crate::cdev::del(head);
    // SAFETY: The disk was added when DISK_LIVE was set.
    unsafe { bindings::del_gendisk(head_disk(head)) };
}

/// Drop the library's reference on the head disk, after flushing its work.
pub(crate) fn put(head: &Head) {
    let disk = head_disk(head);
    if disk.is_null() {
        return;
    }
    bio::kick(head);
    bio::flush(head);
    // SAFETY: `partition_scan_work` was initialised in `Head::alloc`; the
    // disk reference is the one `blk_alloc_disk()` returned.
    unsafe {
        bindings::flush_work(&raw mut (*head.as_raw()).partition_scan_work);
        bindings::put_disk(disk);
    }
}

/// The deferred first partition scan of a head disk.
///
/// # Safety
///
/// Called by the workqueue core with the `partition_scan_work` of a head,
/// which `put` flushes before the disk is released.
pub(crate) unsafe extern "C" fn partition_scan_work_fn(work: *mut bindings::work_struct) {
    // SAFETY: `work` is the `partition_scan_work` of a live head.
    let head = unsafe { kernel::container_of!(work, mpath_head, partition_scan_work) };
    // SAFETY: The work is only queued once the disk exists.
    let disk = unsafe { (*head).disk };
    if disk.is_null() {
        return;
    }
    // SAFETY: `disk` is the valid head disk.
    let suppressed = unsafe {
        bindings::test_and_clear_bit(
            bindings::GD_SUPPRESS_PART_SCAN as c_ulong,
            &raw mut (*disk).state,
        )
    };
    // The scan is queued once, by the path that added the disk, which
    // set the bit in `alloc`: anything else is a library bug
    // (WARN_ON_ONCE, as in NVMe's `nvme_partition_scan_work()`).
    static WARNED: Atomic<bool> = Atomic::new(false);
    if !suppressed {
        if !WARNED.xchg(true, Relaxed) {
            kernel::warn_on!(true);
        }
        return;
    }
    // SAFETY: `open_mutex` of the valid disk serialises rescans.
    unsafe {
        bindings::mutex_lock(&raw mut (*disk).open_mutex);
        bindings::bdev_disk_changed(disk, false);
        bindings::mutex_unlock(&raw mut (*disk).open_mutex);
    }
}

/// Open the head disk: pin the head and the driver module.
///
/// `mpath_ops` belongs to this library, so the block layer pins only the
/// library; the driver module (`drv_module`) holds the template that every
/// head disk operation reads, so it is pinned here for as long as the disk
/// is open, as a driver's own `block_device_operations.owner` would be.
/// While a head is open its driver cannot be unloaded.
pub(crate) fn open(head: &Head) -> Result {
    if !head.get_drv_module() {
        return Err(ENXIO);
    }
    if !head.try_get() {
        head.put_drv_module();
        return Err(ENXIO);
    }
    Ok(())
}

/// Release the head disk: unpin the head and the driver module.
///
/// # Safety
///
/// Pairs with a successful [`open`]; `head` may be freed by the call.
pub(crate) unsafe fn release(head: &Head) {
    // Read the module first: the head may be freed by the put.
    let module = head.drv_module();
    // SAFETY: `open` took this reference.
    unsafe { head.put() };
    // SAFETY: `open` pinned the module.
    unsafe { bindings::module_put(module) };
}

/// Create missing links to the head's paths in the head disk's
/// `multipath/` directory; only for disks that have been added.
pub(crate) fn add_links(head: &Head) {
    let disk = head_disk(head);
    // SAFETY: `disk` is NULL or the valid head disk.
    if !unsafe { disk_added(disk) } {
        return;
    }
    let guard = head.srcu_read();
    for path in guard.paths() {
        let pdisk = path.disk();
        // SAFETY: `pdisk` is NULL or the path's valid gendisk.
        if !unsafe { disk_added(pdisk) } || path.test_and_set_flag(MPATH_DEVICE_SYSFS_ATTR_LINK) {
            continue;
        }
        // SAFETY: Both disks are valid and added; the link name is the
        // path disk's device name.
        let ret = unsafe {
            let target = disk_to_dev(pdisk);
            bindings::sysfs_add_link_to_group(
                &raw mut (*disk_to_dev(disk)).kobj,
                LINK_GROUP.as_char_ptr(),
                &raw mut (*target).kobj,
                bindings::dev_name(target),
            )
        };
        if ret != 0 {
            // SAFETY: The head disk is added, so its device is live while
            // the head is; `disk_name` is a NUL-terminated array of the
            // valid path disk.
            let (dev, name): (&kernel::device::Device, _) = unsafe {
                (
                    kernel::device::Device::from_raw(disk_to_dev(disk)),
                    CStr::from_char_ptr((*pdisk).disk_name.as_ptr()),
                )
            };
            dev_err!(dev, "failed to create link to {}\n", name);
            path.test_and_clear_flag(MPATH_DEVICE_SYSFS_ATTR_LINK);
        }
    }
}

/// Remove the link to `path` from its head disk's `multipath/` directory.
pub(crate) fn remove_link(head: &Head, path: &Path) {
    if !path.test_and_clear_flag(MPATH_DEVICE_SYSFS_ATTR_LINK) {
        return;
    }
    let disk = head_disk(head);
    let pdisk = path.disk();
    if disk.is_null() || pdisk.is_null() {
        return;
    }
    // SAFETY: The link exists, so both disks are valid and added.
    unsafe {
        bindings::sysfs_remove_link_from_group(
            &raw mut (*disk_to_dev(disk)).kobj,
            LINK_GROUP.as_char_ptr(),
            bindings::dev_name(disk_to_dev(pdisk)),
        )
    };
}

/// Whether the capacity of `path`'s disk differs from the head disk's.
pub(crate) fn capacity_differs(head: &Head, path: &Path) -> bool {
    let (disk, pdisk) = (head_disk(head), path.disk());
    if disk.is_null() || pdisk.is_null() {
        return false;
    }
    // SAFETY: Both disks are valid (the path is on the list under SRCU).
    unsafe { bindings::get_capacity(disk) != bindings::get_capacity(pdisk) }
}

#[cfg(CONFIG_LIBMULTIPATH_KUNIT_TEST)]
#[kunit_tests(libmultipath_disk)]
mod tests {
    use super::*;
    use crate::{
        abi::{
            self,
            bdev::{
                mpath_bdev_open,
                mpath_bdev_release, //
            },
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

    /// Try to allocate a head disk with `template`.
    fn alloc_with(h: &FakeHead, template: &'static SyncTemplate) -> c_int {
        // SAFETY: The head is live; the template is static.
        unsafe { (*h.raw).mpdt = &template.0 };
        // SAFETY: The head is live; NULL limits mean defaults.
        unsafe { abi::mpath_alloc_head_disk(h.raw, core::ptr::null_mut(), -1) }
    }

    /// A do-nothing `add_cdev`.
    ///
    /// # Safety
    ///
    /// Always safe to call.
    unsafe extern "C" fn add_cdev(_head: *mut mpath_head) -> c_int {
        0
    }

    /// A do-nothing `ioctl_finish`.
    ///
    /// # Safety
    ///
    /// Always safe to call.
    unsafe extern "C" fn finish(_data: *mut c_void) {}

    /// The fake template with some fields changed.
    const fn with(t: mpath_head_template) -> SyncTemplate {
        SyncTemplate(t)
    }

    static HALF_CDEV: SyncTemplate = with(mpath_head_template {
        add_cdev: Some(add_cdev),
        ..TEMPLATE.0
    });
    static HALF_IOCTL: SyncTemplate = with(mpath_head_template {
        ioctl_finish: Some(finish),
        ..TEMPLATE.0
    });
    static NO_AVAILABLE_PATH: SyncTemplate = with(mpath_head_template {
        available_path: None,
        ..TEMPLATE.0
    });

    #[test]
    fn alloc_head_disk_checks_the_template() -> Result {
        let h = FakeHead::new(NUMA)?;
        for bad in [&HALF_CDEV, &HALF_IOCTL, &NO_AVAILABLE_PATH] {
            assert_eq!(alloc_with(&h, bad), EINVAL.to_errno());
            // SAFETY: The head is live.
            assert!(unsafe { (*h.raw).disk }.is_null());
        }
        // SAFETY: The head is live.
        unsafe { (*h.raw).mpdt = core::ptr::null() };
        // SAFETY: The head is live; NULL limits mean defaults.
        let ret = unsafe { abi::mpath_alloc_head_disk(h.raw, core::ptr::null_mut(), -1) };
        assert_eq!(ret, EINVAL.to_errno());
        // SAFETY: NULL is rejected.
        let ret =
            unsafe { abi::mpath_alloc_head_disk(core::ptr::null_mut(), core::ptr::null_mut(), -1) };
        assert_eq!(ret, EINVAL.to_errno());
        Ok(())
    }

    #[test]
    fn open_pins_the_driver_module_and_the_head() -> Result {
        let mut h = FakeHead::new(NUMA)?;
        assert_eq!(alloc_with(&h, &TEMPLATE), 0);
        // SAFETY: The head is live and has a disk.
        let disk = unsafe { (*h.raw).disk };
        let raw = h.raw;
        // SAFETY: The head is valid.
        let head_refs = || unsafe { (*raw).ref_.refcount.refs.counter };
        let (refs, mods) = (head_refs(), h.module_refs());
        // SAFETY: `disk` is a head disk.
        assert_eq!(unsafe { mpath_bdev_open(disk, 0) }, 0);
        assert_eq!(head_refs(), refs + 1);
        assert_eq!(h.module_refs(), mods.map(|m| m + 1));
        // SAFETY: Pairs with the open above.
        unsafe { mpath_bdev_release(disk) };
        assert_eq!(head_refs(), refs);
        assert_eq!(h.module_refs(), mods);
        // A driver on its way out cannot be opened through its head.
        h.unload_module();
        // (`try_module_get()` accepts any module without CONFIG_MODULES.)
        #[cfg(CONFIG_MODULES)]
        {
            // SAFETY: As above.
            assert_eq!(unsafe { mpath_bdev_open(disk, 0) }, ENXIO.to_errno());
            assert_eq!(head_refs(), refs);
        }
        // SAFETY: The head is live; its disk never went live.
        unsafe {
            abi::mpath_remove_disk(h.raw);
            abi::mpath_put_disk(h.raw);
        }
        Ok(())
    }

    #[test]
    fn a_head_without_a_disk_queues_no_requeue_work() -> Result {
        let h = FakeHead::new(NUMA)?;
        let mut a = FakePath::new(OPT, -1)?;
        h.add(&mut a);
        // Nothing flushes the requeue work of a head without a disk
        // (`mpath_put_disk()` does for one with): it must not be queued,
        // or the head could be freed with the work on kblockd's list.
        // SAFETY: The head is live; no callback.
        unsafe { abi::mpath_revalidate_paths(h.raw, None) };
        // SAFETY: `requeue_work` was initialised with the head.
        let busy = unsafe { bindings::work_busy(&raw mut (*h.raw).requeue_work) };
        assert_eq!(busy, 0);
        h.delete(&mut a);
        Ok(())
    }

    #[test]
    fn alloc_head_disk_sets_up_the_disk() -> Result {
        let h = FakeHead::new(NUMA)?;
        assert_eq!(alloc_with(&h, &TEMPLATE), 0);
        // SAFETY: The head is live and owns the new disk.
        unsafe {
            let disk = (*h.raw).disk;
            assert!(!disk.is_null());
            assert!(core::ptr::eq(
                (*disk).private_data.cast::<mpath_head>(),
                h.raw
            ));
            assert!(core::ptr::eq((*disk).fops, &raw const bindings::mpath_ops));
            assert!(bindings::test_bit(
                bindings::GD_SUPPRESS_PART_SCAN as c_ulong,
                &raw mut (*disk).state
            ));
            assert!(!disk_added(disk));
        }
        // A second disk is refused.
        assert_eq!(alloc_with(&h, &TEMPLATE), EINVAL.to_errno());
        // Removing a disk that never went live only releases it.
        // SAFETY: The head is live.
        unsafe { abi::mpath_remove_disk(h.raw) };
        // SAFETY: As above.
        unsafe { abi::mpath_put_disk(h.raw) };
        Ok(())
    }
}
