// SPDX-License-Identifier: GPL-2.0

//! Paths: the `mpath_device` a driver embeds in each per-path object, and
//! the driver's template of callbacks that describe a path.
//!
//! The library never owns a path: it links it into a head's list, reads the
//! fields the driver maintains (`numa_node`, `disk`, the state that
//! `mpath_device_set_state()` writes and the `nr_active` counter) with
//! marked accesses, and asks the driver through the template on the slow
//! paths only.

use core::ptr::NonNull;

use kernel::{
    bindings,
    prelude::*,
    sync::atomic::{
        Atomic,
        Relaxed, //
    },
    types::Opaque, //
};

use crate::{
    abi::{
        mpath_device,
        mpath_head,
        mpath_head_template, //
    },
    once::read_once,
    select::Access,
};

/// One path of a head, seen from Rust.
///
/// # Invariants
///
/// The wrapped `mpath_device` is valid while the wrapper is borrowed: the
/// driver keeps it alive while it is on a head's list and for an SRCU grace
/// period after removing it.  Its fields may change concurrently, so no
/// Rust reference to them is formed.
#[repr(transparent)]
pub(crate) struct Path(Opaque<mpath_device>);

impl Path {
    /// Borrow the path behind a raw pointer from C; `None` for NULL.
    ///
    /// # Safety
    ///
    /// A non-NULL `ptr` must point to a valid `mpath_device` that stays
    /// valid for `'a`.
    pub(crate) unsafe fn from_raw<'a>(ptr: *mut mpath_device) -> Option<&'a Self> {
        let ptr = NonNull::new(ptr.cast::<Self>())?;
        // SAFETY: `Path` is a transparent wrapper of `mpath_device`, and the
        // caller guarantees validity for `'a`.
        Some(unsafe { ptr.as_ref() })
    }

    /// The raw C pointer of this path.
    pub(crate) fn as_raw(&self) -> *mut mpath_device {
        self.0.get()
    }

    /// The list entry of this path.
    pub(crate) fn siblings(&self) -> *mut bindings::list_head {
        // SAFETY: By the type invariants the path is valid.
        unsafe { &raw mut (*self.as_raw()).siblings }
    }

    /// Set the owning head (done before the path is published on its list).
    pub(crate) fn set_head(&self, head: *mut mpath_head) {
        // SAFETY: By the type invariants the path is valid; readers use
        // READ_ONCE() semantics, so write atomically.
        unsafe { Atomic::from_ptr(&raw mut (*self.as_raw()).mpath_head) }.store(head, Relaxed);
    }

    /// The owning head, as set by `mpath_add_device()`.
    pub(crate) fn head_ptr(&self) -> *mut mpath_head {
        // SAFETY: By the type invariants the path is valid.
        unsafe { Atomic::from_ptr(&raw mut (*self.as_raw()).mpath_head) }.load(Relaxed)
    }

    // The readers below run per path per I/O: they use `read_once()`,
    // which does not call out of line.  The driver sets `disk`,
    // `numa_node` and `nr_active` before adding the path and writes the
    // rest with `WRITE_ONCE()` (`mpath_device_set_state()`).

    /// The path's gendisk (may be NULL if the driver broke the contract).
    #[inline]
    pub(crate) fn disk(&self) -> *mut bindings::gendisk {
        // SAFETY: By the type invariants the path is valid.
        unsafe { read_once(&raw const (*self.as_raw()).disk) }
    }

    /// The NUMA node of the path, or `NUMA_NO_NODE`.
    #[inline]
    pub(crate) fn numa_node(&self) -> i32 {
        // SAFETY: By the type invariants the path is valid.
        unsafe { read_once(&raw const (*self.as_raw()).numa_node) }
    }

    /// The access class the driver last set.
    #[inline]
    pub(crate) fn access(&self) -> Access {
        // SAFETY: By the type invariants the path is valid.
        let state = unsafe { &raw const (*self.as_raw()).access_state };
        // CAST: The C enum's storage, an aligned `unsigned int`, read as
        // the `int` the decoder takes.
        // SAFETY: As above.
        Access::from_raw(unsafe { read_once(state.cast::<c_int>()) })
    }

    /// Whether the driver says the path must not carry I/O now.
    #[inline]
    pub(crate) fn disabled(&self) -> bool {
        // SAFETY: By the type invariants the path is valid.
        unsafe { read_once(&raw const (*self.as_raw()).disabled) }
    }

    /// Whether the driver says the path is optimized and fully up.
    #[inline]
    pub(crate) fn optimized(&self) -> bool {
        // SAFETY: By the type invariants the path is valid.
        unsafe { read_once(&raw const (*self.as_raw()).optimized) }
    }

    /// The outstanding requests the driver counts for the path; zero
    /// without a counter, and for a negative count.
    #[inline]
    pub(crate) fn nr_active(&self) -> u32 {
        // SAFETY: By the type invariants the path is valid; the pointer is
        // set before the path is added.
        let counter = unsafe { (*self.as_raw()).nr_active };
        if counter.is_null() {
            return 0;
        }
        // SAFETY: The driver's counter outlives its paths, and is only
        // changed atomically (`atomic_read()` is this same load).
        let n = unsafe { read_once(&raw const (*counter).counter) };
        u32::try_from(n).unwrap_or(0)
    }

    /// The `MPATH_DEVICE_*` flag word.
    fn flags(&self) -> *mut c_ulong {
        // SAFETY: By the type invariants the path is valid.
        unsafe { &raw mut (*self.as_raw()).flags }
    }

    /// Atomically set flag `bit`; returns its old value.
    pub(crate) fn test_and_set_flag(&self, bit: c_ulong) -> bool {
        // SAFETY: `flags` is a valid flag word, only changed by atomic bitops.
        unsafe { bindings::test_and_set_bit(bit, self.flags()) }
    }

    /// Atomically clear flag `bit`; returns its old value.
    pub(crate) fn test_and_clear_flag(&self, bit: c_ulong) -> bool {
        // SAFETY: As in `test_and_set_flag`.
        unsafe { bindings::test_and_clear_bit(bit, self.flags()) }
    }
}

/// The driver's callbacks (`struct mpath_head_template`).
///
/// A missing callback gets a safe default instead of a NULL call: without
/// `available_path`, for one, no path is worth waiting for.
///
/// # Invariants
///
/// Points to a template that stays valid and unchanged while any head uses
/// it (drivers use `static const` tables).
#[derive(Clone, Copy)]
pub(crate) struct Template(NonNull<mpath_head_template>);

impl Template {
    /// Wrap a template pointer; `None` for NULL.
    ///
    /// # Safety
    ///
    /// A non-NULL `ptr` must point to a template that is valid and not
    /// modified while any head uses it.
    pub(crate) unsafe fn from_raw(ptr: *const mpath_head_template) -> Option<Self> {
        NonNull::new(ptr.cast_mut()).map(Self)
    }

    /// The callbacks.
    pub(crate) fn ops(&self) -> &mpath_head_template {
        // SAFETY: By the type invariants the template is valid and never
        // modified, so a shared reference is fine.
        unsafe { self.0.as_ref() }
    }

    /// Whether `path` may become usable again, so I/O should wait for it.
    pub(crate) fn available(&self, path: &Path) -> bool {
        match self.ops().available_path {
            // SAFETY: `path` is a valid path of a head using this template.
            Some(f) => unsafe { f(path.as_raw()) },
            None => false,
        }
    }
}

impl PartialEq for Path {
    /// Paths are the same when they are the same object.
    fn eq(&self, other: &Self) -> bool {
        core::ptr::eq(self, other)
    }
}
