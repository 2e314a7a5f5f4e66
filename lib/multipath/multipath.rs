// SPDX-License-Identifier: GPL-2.0

//! libmultipath: a generic multipath library for block drivers.
//!
//! A driver that can reach one LUN or namespace through several paths keeps
//! one [`abi::mpath_head`] for it and embeds one [`abi::mpath_device`] in each
//! per-path object.  The library owns the head: its lifetime, its path list
//! and (in later patches) its gendisk, path selection and I/O routing.
//!
//! The C interface is `include/linux/multipath.h`, generated from [`abi`]
//! with cbindgen; the exports live in `mpath_exports.c`.
//!
//! Lock order: `mpath_head.lock` (mutex) before the SRCU read side of the
//! head; nothing sleeps under `mpath_head.requeue_lock`.

pub mod abi;
mod head;
mod iopolicy;
// The I/O path that uses the selectors comes in a following patch; until
// then only the KUnit suite does.
#[cfg_attr(not(CONFIG_LIBMULTIPATH_KUNIT_TEST), expect(dead_code))]
mod select;
mod sysfs;

use kernel::prelude::*;

module! {
    type: LibMultipath,
    name: "libmultipath",
    authors: ["libmultipath-rs developers"],
    description: "Generic multipath library for block drivers",
    license: "GPL",
}

/// The library module; it has no global state yet.
struct LibMultipath;

impl kernel::Module for LibMultipath {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        Ok(Self)
    }
}
