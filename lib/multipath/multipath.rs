// SPDX-License-Identifier: GPL-2.0

//! libmultipath: a generic multipath library for block drivers.
//!
//! A driver that can reach one LUN or namespace through several paths keeps
//! one [`abi::mpath_head`] for it and embeds one [`abi::mpath_device`] in each
//! per-path object.  The library owns the head: its lifetime, its path list
//! its gendisk, path selection and I/O routing.
//!
//! The C interface is `include/linux/multipath.h`; [`abi`] implements it on
//! the types bindgen makes of that header, and the exports live in
//! `mpath_exports.c`.
//!
//! Lock order: `mpath_head.lock` (mutex) before the SRCU read side of the
//! head; nothing sleeps under `mpath_head.requeue_lock`.

pub mod abi;
mod bio;
mod cdev;
mod disk;
#[cfg(CONFIG_LIBMULTIPATH_KUNIT_TEST)]
mod fake;
mod forward;
mod guard;
mod head;
mod iopolicy;
mod once;
mod path;
mod paths;
mod removal;
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

/// The library module.  Its workqueue ("mpath-wq") runs partition scans
/// and delayed removals; requeued I/O runs on kblockd.
struct LibMultipath;

impl kernel::Module for LibMultipath {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        head::create_workqueue()?;
        Ok(Self)
    }
}

impl Drop for LibMultipath {
    fn drop(&mut self) {
        head::destroy_workqueue();
    }
}
