// SPDX-License-Identifier: GPL-2.0

//! The C ABI of libmultipath.
//!
//! `include/linux/multipath.h` declares it for C readers, and bindgen turns
//! that header into the `bindings` types re-exported here: Rust and C share
//! one definition of every structure, and the `c_prototypes!` list at the
//! end checks each exported function against its prototype at build time.
//! Each function checks its arguments, converts the raw pointers once and
//! calls safe code in the other modules.
//! They live in one submodule per concern, re-exported here; `bdev` and
//! `cdev` hold the Rust functions of the operation tables in
//! `mpath_exports.c`, which only those tables use.
//!
//! The C enums come through bindgen as newtypes over their integer
//! (`--newtype-enum`): the library reads fields that drivers write, and an
//! out-of-range value read as a Rust enum would be undefined behaviour.

use kernel::{
    bindings,
    page::PAGE_SIZE,
    prelude::*, //
};

use crate::{
    head::Head,
    path::Path,
    sysfs::Emit, //
};

pub(crate) mod bdev;
pub(crate) mod cdev;
mod disk;
mod head;
mod iopolicy;
mod paths;
mod removal;
mod sysfs;

pub use self::{
    disk::*,
    head::*,
    iopolicy::*,
    paths::*,
    removal::*,
    sysfs::*, //
};

pub use bindings::{
    mpath_access_state,
    mpath_device,
    mpath_head,
    mpath_head_template,
    mpath_iopolicy,
    mpath_iopolicy_e, //
};

/// The C `ssize_t`, which bindgen spells `isize`.
#[expect(non_camel_case_types)]
pub type ssize_t = isize;

// CAST: The flag bits are small bit numbers, for the `unsigned long`
// bit operations on `flags`.
/// Bit in `mpath_head.flags`: the head disk has been added.
pub const MPATH_HEAD_DISK_LIVE: c_ulong = bindings::MPATH_HEAD_DISK_LIVE as c_ulong;
/// Bit in `mpath_head.flags`: queue I/O while no path is available.
pub const MPATH_HEAD_QUEUE_IF_NO_PATH: c_ulong = bindings::MPATH_HEAD_QUEUE_IF_NO_PATH as c_ulong;
/// Bit in `mpath_head.flags`: the head character device has been added.
pub const MPATH_HEAD_CDEV_LIVE: c_ulong = bindings::MPATH_HEAD_CDEV_LIVE as c_ulong;
/// Bit in `mpath_device.flags`: the path is linked under `multipath/`.
pub const MPATH_DEVICE_SYSFS_ATTR_LINK: c_ulong = bindings::MPATH_DEVICE_SYSFS_ATTR_LINK as c_ulong;

// CAST: The enumerators are 0, 1 and 2; the selection code decodes the
// raw `int` value, whatever a driver stored.
/// `MPATH_IOPOLICY_NUMA` as a raw value.
pub const MPATH_IOPOLICY_NUMA: c_int = mpath_iopolicy_e::MPATH_IOPOLICY_NUMA.0 as c_int;
/// `MPATH_IOPOLICY_RR` as a raw value.
pub const MPATH_IOPOLICY_RR: c_int = mpath_iopolicy_e::MPATH_IOPOLICY_RR.0 as c_int;
/// `MPATH_IOPOLICY_QD` as a raw value.
pub const MPATH_IOPOLICY_QD: c_int = mpath_iopolicy_e::MPATH_IOPOLICY_QD.0 as c_int;
/// `MPATH_STATE_OPTIMIZED` as a raw value.
pub const MPATH_STATE_OPTIMIZED: c_int = mpath_access_state::MPATH_STATE_OPTIMIZED.0 as c_int;
/// `MPATH_STATE_NONOPTIMIZED` as a raw value.
pub const MPATH_STATE_NONOPTIMIZED: c_int = mpath_access_state::MPATH_STATE_NONOPTIMIZED.0 as c_int;
/// `MPATH_STATE_OTHER` as a raw value.
pub const MPATH_STATE_OTHER: c_int = mpath_access_state::MPATH_STATE_OTHER.0 as c_int;

/// The `enum mpath_iopolicy_e` of a raw value.
pub const fn iopolicy_e(raw: c_int) -> mpath_iopolicy_e {
    // CAST: The C enum's storage; any value is representable.
    mpath_iopolicy_e(raw as c_uint)
}

/// The `enum mpath_access_state` of a raw value.
pub const fn access_state(raw: c_int) -> mpath_access_state {
    // CAST: As above.
    mpath_access_state(raw as c_uint)
}

/// The head and path behind a path pointer from C.
///
/// # Safety
///
/// `mdev` must be NULL or a valid path that was added to a head and stays
/// valid (with its head) during the call.
unsafe fn path_and_head<'a>(mdev: *mut mpath_device) -> Option<(&'a Path, &'a Head)> {
    // SAFETY: The caller guarantees that `mdev` is NULL or valid.
    let path = unsafe { Path::from_raw(mdev) }?;
    // SAFETY: A path on a head's list keeps its head alive.
    let head = unsafe { Head::from_raw(path.head_ptr()) }?;
    Some((path, head))
}

/// A sysfs output buffer.
///
/// # Safety
///
/// `buf` must be valid for writes of `PAGE_SIZE` bytes for `'a`.
unsafe fn sysfs_buf<'a>(buf: *mut c_char) -> Option<Emit<'a>> {
    if buf.is_null() {
        return None;
    }
    // SAFETY: The caller guarantees `PAGE_SIZE` writable bytes.
    let out = unsafe { core::slice::from_raw_parts_mut(buf.cast::<u8>(), PAGE_SIZE) };
    Some(Emit::new(out))
}

/// Check each exported function against its prototype in the header.
///
/// bindgen declares every function of `include/linux/multipath.h` in
/// `bindings`; an `if`/`else` over that declaration and the definition here
/// only type-checks if both coerce to one function pointer type, i.e. if
/// the parameter and return types agree.
macro_rules! c_prototypes {
    ($($f:ident),* $(,)?) => {
        $(const _: () = {
            let _ = if true { bindings::$f } else { $f };
        };)*
    };
}

c_prototypes!(
    mpath_alloc_head,
    mpath_get_head,
    mpath_put_head,
    mpath_synchronize,
    mpath_set_iopolicy,
    mpath_get_iopolicy,
    mpath_iopolicy_show,
    mpath_iopolicy_store,
    mpath_alloc_head_disk,
    mpath_device_set_live,
    mpath_remove_disk,
    mpath_put_disk,
    mpath_add_device,
    mpath_delete_device,
    mpath_head_devices_empty,
    mpath_clear_current_path,
    mpath_clear_paths,
    mpath_revalidate_paths,
    mpath_call_for_device,
    mpath_add_sysfs_link,
    mpath_remove_sysfs_link,
    mpath_numa_nodes_show,
    mpath_can_remove_head,
    mpath_delayed_removal_secs_show,
    mpath_delayed_removal_secs_store,
);
