// SPDX-License-Identifier: GPL-2.0

//! A fake driver for the KUnit suites: paths are plain memory whose state
//! the tests set as a driver does, the template's callbacks read fields of
//! the fake path, and each head has its own I/O policy box.

use core::ptr;

use kernel::{
    alloc::flags::__GFP_ZERO,
    bindings,
    cpu::CpuId,
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

/// A fake path: the library's `mpath_device`, the request count it points
/// to, and what the callbacks read.
#[repr(C)]
pub(crate) struct FakePath {
    /// Must stay first: the callbacks cast the device pointer back.
    pub(crate) dev: mpath_device,
    depth: bindings::atomic_t,
    pub(crate) available: bool,
}

impl FakePath {
    /// A usable path of class `state` (`MPATH_STATE_*`) on `node`.
    pub(crate) fn new(state: c_int, node: c_int) -> Result<KBox<Self>> {
        // SAFETY: All-zero is a valid (unlinked) `mpath_device`, and a
        // valid `atomic_t` of zero.
        let (dev, depth) = unsafe { (core::mem::zeroed(), core::mem::zeroed()) };
        let mut p = KBox::new(
            FakePath {
                dev,
                depth,
                available: false,
            },
            GFP_KERNEL,
        )?;
        p.dev.numa_node = node;
        p.dev.access_state = abi::access_state(state);
        p.set_disabled(false);
        let this: *mut Self = &raw mut *p;
        // SAFETY: `this` is valid; the box does not move the object.
        p.dev.nr_active = unsafe { &raw mut (*this).depth };
        Ok(p)
    }

    /// Disable or enable the path, keeping `optimized` in step as a driver
    /// does through `mpath_device_set_state()`.
    pub(crate) fn set_disabled(&mut self, disabled: bool) {
        let optimized = self.dev.access_state.0 == abi::access_state(abi::MPATH_STATE_OPTIMIZED).0;
        self.dev.disabled = disabled;
        self.dev.optimized = optimized && !disabled;
    }

    /// Set the outstanding request count the path's `nr_active` points to.
    pub(crate) fn set_depth(&mut self, depth: c_int) {
        self.depth.counter = depth;
    }
}

impl FakePath {
    /// The path's `mpath_device`, as a pointer derived from the whole
    /// object, so that the callbacks may cast it back to the `FakePath`.
    pub(crate) fn mdev(&mut self) -> *mut mpath_device {
        let p: *mut Self = self;
        // SAFETY: `p` is valid; no reference to the field is formed.
        unsafe { &raw mut (*p).dev }
    }
}

/// The `FakePath` of a path pointer.
///
/// Fields are read through the raw pointer: the test owning the path may
/// hold a mutable reference to it meanwhile, so no shared reference to it
/// is formed here.
///
/// # Safety
///
/// `mdev` came from [`FakePath::mdev`] of a live `FakePath`.
unsafe fn fake(mdev: *mut mpath_device) -> *const FakePath {
    // CAST: `dev` is the first field of the `#[repr(C)]` `FakePath`, and
    // `mdev` carries the provenance of the whole object.
    mdev.cast::<FakePath>()
}

/// The `available_path` callback.
///
/// # Safety
///
/// `mdev` came from [`FakePath::mdev`] of a live `FakePath`.
unsafe extern "C" fn available_path(mdev: *mut mpath_device) -> bool {
    // SAFETY: As above.
    unsafe { (*fake(mdev)).available }
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
    cdev_ioctl: None,
    chr_uring_cmd: None,
    chr_uring_cmd_iopoll: None,
    clone_bio: None,
    ioctl_begin: None,
    ioctl_finish: None,
    bdev_ioctl: None,
});

/// The fake driver's module: a `struct module` that is live and counts
/// references as a loaded module does (`MODULE_STATE_LIVE`, `refcnt` at
/// `MODULE_REF_BASE`), so that the module references the library takes
/// are checked the same way whether libmultipath is built in or not.
pub(crate) struct FakeModule(KBox<bindings::module>);

impl FakeModule {
    /// A live module without references.
    fn new() -> Result<Self> {
        let m = KBox::<bindings::module>::new_uninit(GFP_KERNEL | __GFP_ZERO)?;
        // SAFETY: All-zero is a valid `struct module` (NULL pointers, empty
        // name, `MODULE_STATE_LIVE`).
        let mut m = unsafe { m.assume_init() };
        m.state = bindings::module_state_MODULE_STATE_LIVE;
        #[cfg(CONFIG_MODULE_UNLOAD)]
        {
            // MODULE_REF_BASE: the loader's own reference.
            m.refcnt.counter = 1;
        }
        Ok(Self(m))
    }

    /// The module pointer the library sees.
    fn as_ptr(&self) -> *mut bindings::module {
        (&raw const *self.0).cast_mut()
    }
}

/// A fake head with its own policy box and driver module; freed on drop.
///
/// Its I/O is submitted on the CPU that created it, so that round-robin
/// rotates one cursor even if the test moves to another CPU.
pub(crate) struct FakeHead {
    pub(crate) raw: *mut mpath_head,
    policy: KBox<abi::mpath_iopolicy>,
    module: FakeModule,
    cpu: CpuId,
}

impl FakeHead {
    /// A head using [`TEMPLATE`] with policy `policy`.
    pub(crate) fn new(policy: c_int) -> Result<Self> {
        let module = FakeModule::new()?;
        let iopolicy = abi::iopolicy_e(policy);
        let policy = KBox::new(abi::mpath_iopolicy { iopolicy }, GFP_KERNEL)?;
        let raw = from_err_ptr(abi::mpath_alloc_head())?;
        // SAFETY: `raw` is a new head that only this test uses.
        unsafe {
            (*raw).mpdt = &TEMPLATE.0;
            (*raw).iopolicy = &raw const *policy;
            (*raw).drv_module = module.as_ptr();
        }
        Ok(Self {
            raw,
            policy,
            module,
            cpu: CpuId::current(),
        })
    }

    /// The references held on the fake driver module, or `None` in a
    /// kernel without module unloading (which counts none).
    pub(crate) fn module_refs(&self) -> Option<c_int> {
        #[cfg(CONFIG_MODULE_UNLOAD)]
        {
            // SAFETY: The fake module is valid while `self` is.
            Some(unsafe { bindings::module_refcount(self.module.as_ptr()) })
        }
        #[cfg(not(CONFIG_MODULE_UNLOAD))]
        None
    }

    /// Drop the driver's reference, as a driver freeing its own object
    /// does, and return the head pointer, which is only valid as long as
    /// somebody else holds a reference.
    pub(crate) fn put_driver_ref(&mut self) -> *mut mpath_head {
        let raw = core::mem::replace(&mut self.raw, ptr::null_mut());
        // SAFETY: We own the initial reference; `drop` puts NULL instead.
        unsafe { abi::mpath_put_head(raw) };
        raw
    }

    /// Mark the fake driver module as being unloaded.
    pub(crate) fn unload_module(&mut self) {
        self.module.0.state = bindings::module_state_MODULE_STATE_GOING;
    }

    /// Switch the I/O policy.
    pub(crate) fn set_policy(&mut self, policy: c_int) {
        self.policy.iopolicy = abi::iopolicy_e(policy);
    }

    /// Add `path`.
    pub(crate) fn add(&self, path: &mut FakePath) {
        // SAFETY: The head is live and the path is on no list.
        unsafe { abi::mpath_add_device(self.raw, path.mdev()) };
    }

    /// Delete `path` the way a driver does: take it out of the node caches
    /// and wait for the readers first.  Returns whether the head has no
    /// paths left.
    pub(crate) fn delete(&self, path: &mut FakePath) -> bool {
        // SAFETY: The path is on this head's list, which is live.
        if unsafe { abi::mpath_clear_current_path(path.mdev()) } {
            // SAFETY: The head is live.
            unsafe { abi::mpath_synchronize(self.raw) };
        }
        // SAFETY: The path is on this head's list.
        let empty = unsafe { abi::mpath_delete_device(path.mdev()) };
        // SAFETY: The head is live.
        unsafe { abi::mpath_synchronize(self.raw) };
        empty
    }

    /// The path I/O would use now on the head's CPU, as a pointer, or the
    /// error.
    pub(crate) fn pick(&self) -> core::result::Result<*mut mpath_device, c_int> {
        self.pick_on(self.cpu)
    }

    /// The path I/O submitted on `cpu` would use now, as a pointer, or
    /// the error.  The choice runs on `cpu`, with interrupts disabled.
    pub(crate) fn pick_on(&self, cpu: CpuId) -> core::result::Result<*mut mpath_device, c_int> {
        /// The head to pick on, and the outcome.
        struct Pick {
            head: *mut mpath_head,
            seen: *mut mpath_device,
            ret: c_int,
        }
        /// Run the choice for the `Pick` at `arg`.
        ///
        /// # Safety
        ///
        /// `arg` points to a `Pick` with a live head, which nothing else
        /// uses during the call.
        unsafe extern "C" fn run(arg: *mut c_void) {
            /// Remembers the path the callback saw (callers are serialised
            /// by `smp_call_function_single()`'s wait).
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
            let pick = arg.cast::<Pick>();
            SEEN.store(ptr::null_mut(), Relaxed);
            // SAFETY: The caller passes a live head; `record` accepts any
            // path.
            unsafe {
                (*pick).ret = abi::mpath_call_for_device((*pick).head, Some(record));
                (*pick).seen = SEEN.load(Relaxed);
            }
        }
        let mut pick = Pick {
            head: self.raw,
            seen: ptr::null_mut(),
            ret: 0,
        };
        // CAST: CPU ids are below `nr_cpu_ids`, an `unsigned int` that
        // C code also takes as `int`.
        let cpu = cpu.as_u32() as c_int;
        // SAFETY: `run` gets our `Pick`, which outlives the call since we
        // wait for it.
        let err = unsafe {
            bindings::smp_call_function_single(cpu, Some(run), (&raw mut pick).cast(), true)
        };
        match (err, pick.ret) {
            (0, 7) => Ok(pick.seen),
            (0, ret) => Err(ret),
            (err, _) => Err(err),
        }
    }

    /// The round-robin cursor of the head's CPU.
    pub(crate) fn rr_cached(&self) -> *mut mpath_device {
        // SAFETY: The head is live, with its per-CPU cursors, and its CPU
        // is possible.
        unsafe {
            *bindings::per_cpu_ptr((*self.raw).rr_path.cast(), self.cpu.as_u32())
                .cast::<*mut mpath_device>()
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
