// SPDX-License-Identifier: GPL-2.0

//! A fake driver for the KUnit suites: paths are plain memory, the
//! template's callbacks read fields the tests set, and the I/O policy comes
//! from a box the head's `drvdata` points to.

use core::ptr;

use kernel::{
    bindings,
    error::from_err_ptr,
    prelude::*,
    sync::atomic::{
        Atomic,
        Relaxed, //
    },
};

use crate::abi::{
    self,
    mpath_device,
    mpath_head,
    mpath_head_template, //
};

/// A fake path: the library's `mpath_device` plus what the callbacks read.
#[repr(C)]
pub(crate) struct FakePath {
    /// Must stay first: the callbacks cast the device pointer back.
    pub(crate) dev: mpath_device,
    pub(crate) disabled: bool,
    pub(crate) depth: i32,
    pub(crate) available: bool,
}

impl FakePath {
    /// A usable path of class `state` (`MPATH_STATE_*`) on `node`.
    pub(crate) fn new(state: c_int, node: c_int) -> Result<KBox<Self>> {
        // SAFETY: All-zero is a valid (unlinked) `mpath_device`.
        let dev: mpath_device = unsafe { core::mem::zeroed() };
        let mut p = KBox::new(
            FakePath {
                dev,
                disabled: false,
                depth: 0,
                available: false,
            },
            GFP_KERNEL,
        )?;
        p.dev.numa_node = node;
        p.dev.access_state = state;
        Ok(p)
    }
}

/// The fake driver's view of a path pointer.
///
/// # Safety
///
/// `mdev` is the `dev` field of a live `FakePath`.
unsafe fn fake<'a>(mdev: *mut mpath_device) -> &'a FakePath {
    // SAFETY: `dev` is the first field of the `#[repr(C)]` `FakePath`.
    unsafe { &*mdev.cast::<FakePath>() }
}

/// The `is_disabled` callback.
///
/// # Safety
///
/// `mdev` is the `dev` field of a live [`FakePath`].
unsafe extern "C" fn is_disabled(mdev: *mut mpath_device) -> bool {
    // SAFETY: Only fake paths are added to fake heads.
    unsafe { fake(mdev) }.disabled
}

/// The `is_optimized` callback.
///
/// # Safety
///
/// `mdev` is the `dev` field of a live [`FakePath`].
unsafe extern "C" fn is_optimized(mdev: *mut mpath_device) -> bool {
    // SAFETY: As above.
    let p = unsafe { fake(mdev) };
    !p.disabled && p.dev.access_state == abi::MPATH_STATE_OPTIMIZED
}

/// The `get_nr_active` callback.
///
/// # Safety
///
/// `mdev` is the `dev` field of a live [`FakePath`].
unsafe extern "C" fn get_nr_active(mdev: *mut mpath_device) -> c_int {
    // SAFETY: As above.
    unsafe { fake(mdev) }.depth
}

/// The `available_path` callback.
///
/// # Safety
///
/// `mdev` is the `dev` field of a live [`FakePath`].
unsafe extern "C" fn available_path(mdev: *mut mpath_device) -> bool {
    // SAFETY: As above.
    unsafe { fake(mdev) }.available
}

/// The `get_iopolicy` callback.
///
/// # Safety
///
/// `head` is a [`FakeHead`].
unsafe extern "C" fn get_iopolicy(head: *mut mpath_head) -> c_int {
    // SAFETY: Fake heads point `drvdata` at a live `c_int` policy.
    unsafe { Atomic::from_ptr((*head).drvdata.cast::<c_int>()) }.load(Relaxed)
}

/// How often `remove_head` ran.
pub(crate) static REMOVED: Atomic<i32> = Atomic::new(0);

/// The `remove_head` callback: counts calls.
///
/// # Safety
///
/// Always safe to call.
unsafe extern "C" fn remove_head(_head: *mut mpath_head) {
    REMOVED.add(1, Relaxed);
}

/// A template in a `static`.
pub(crate) struct SyncTemplate(pub(crate) mpath_head_template);
// SAFETY: The template is never modified; its pointer field is NULL.
unsafe impl Sync for SyncTemplate {}

/// The fake driver's template.
pub(crate) static TEMPLATE: SyncTemplate = SyncTemplate(mpath_head_template {
    available_path: Some(available_path),
    remove_head: Some(remove_head),
    add_cdev: None,
    del_cdev: None,
    is_disabled: Some(is_disabled),
    is_optimized: Some(is_optimized),
    get_nr_active: Some(get_nr_active),
    cdev_ioctl: None,
    chr_uring_cmd: None,
    chr_uring_cmd_iopoll: None,
    get_iopolicy: Some(get_iopolicy),
    clone_bio: None,
    device_groups: ptr::null(),
    ioctl_begin: None,
    ioctl_finish: None,
    bdev_ioctl: None,
});

/// A fake head with its own policy box; freed on drop.
pub(crate) struct FakeHead {
    pub(crate) raw: *mut mpath_head,
    pub(crate) policy: KBox<c_int>,
}

impl FakeHead {
    /// A head using [`TEMPLATE`] with policy `policy`.
    pub(crate) fn new(policy: c_int) -> Result<Self> {
        let raw = from_err_ptr(abi::mpath_alloc_head())?;
        let mut policy = KBox::new(policy, GFP_KERNEL)?;
        // SAFETY: `raw` is a new head that only this test uses.
        unsafe {
            (*raw).mpdt = &TEMPLATE.0;
            (*raw).drvdata = (&raw mut *policy).cast();
            (*raw).drv_module =
                <crate::LibMultipath as kernel::ModuleMetadata>::THIS_MODULE.as_ptr();
        }
        Ok(Self { raw, policy })
    }

    /// Switch the I/O policy.
    pub(crate) fn set_policy(&mut self, policy: c_int) {
        *self.policy = policy;
    }

    /// Add `path`.
    pub(crate) fn add(&self, path: &mut FakePath) {
        // SAFETY: The head is live and the path is on no list.
        unsafe { abi::mpath_add_device(self.raw, &mut path.dev) };
    }

    /// Delete `path` the way a driver does: take it out of the node caches
    /// and wait for the readers first.  Returns whether the head has no
    /// paths left.
    pub(crate) fn delete(&self, path: &mut FakePath) -> bool {
        // SAFETY: The path is on this head's list, which is live.
        if unsafe { abi::mpath_clear_current_path(&mut path.dev) } {
            // SAFETY: The head is live.
            unsafe { abi::mpath_synchronize(self.raw) };
        }
        // SAFETY: The path is on this head's list.
        let empty = unsafe { abi::mpath_delete_device(&mut path.dev) };
        // SAFETY: The head is live.
        unsafe { abi::mpath_synchronize(self.raw) };
        empty
    }

    /// The path I/O would use now, as a pointer, or the error.
    pub(crate) fn pick(&self) -> core::result::Result<*mut mpath_device, c_int> {
        /// Remembers the path the callback saw.
        static SEEN: Atomic<*mut mpath_device> = Atomic::new(ptr::null_mut());
        /// Remember `mdev`.
        ///
        /// # Safety
        ///
        /// Always safe to call.
        unsafe extern "C" fn record(mdev: *mut mpath_device) -> c_int {
            SEEN.store(mdev, Relaxed);
            7
        }
        SEEN.store(ptr::null_mut(), Relaxed);
        // SAFETY: The head is live; `record` accepts any path.
        match unsafe { abi::mpath_call_for_device(self.raw, Some(record)) } {
            7 => Ok(SEEN.load(Relaxed)),
            err => Err(err),
        }
    }

    /// The cached path of `node`.
    pub(crate) fn cached(&self, node: usize) -> *mut mpath_device {
        // SAFETY: The head is live; `node` is checked against the slots.
        unsafe {
            if node >= (*self.raw).nr_current_paths as usize {
                return ptr::null_mut();
            }
            *(&raw mut (*self.raw).current_path)
                .cast::<*mut mpath_device>()
                .add(node)
        }
    }
}

impl Drop for FakeHead {
    fn drop(&mut self) {
        // SAFETY: We own the initial reference; the tests delete their
        // paths first.
        unsafe { abi::mpath_put_head(self.raw) };
    }
}

/// The current CPU's node as a slot index.
pub(crate) fn this_node() -> usize {
    usize::try_from(crate::head::numa_node_id()).unwrap_or(0)
}

/// The module reference count of libmultipath, or 0 when built in.
pub(crate) fn module_refs() -> c_int {
    let m = <crate::LibMultipath as kernel::ModuleMetadata>::THIS_MODULE.as_ptr();
    if m.is_null() {
        return 0;
    }
    // SAFETY: `m` is this module, which is alive while its tests run.
    unsafe { bindings::module_refcount(m) }
}

/// Whether libmultipath is a loadable module (so its refcount moves).
pub(crate) fn is_module() -> bool {
    !<crate::LibMultipath as kernel::ModuleMetadata>::THIS_MODULE
        .as_ptr()
        .is_null()
}
