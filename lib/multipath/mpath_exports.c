// SPDX-License-Identifier: GPL-2.0
/*
 * libmultipath: exports and the C-only parts of the library.
 *
 * The functions are implemented in Rust (see multipath.rs).  Exporting them
 * from C keeps one mechanism for built-in and modular builds and lets the
 * normal C rules compute MODVERSIONS CRCs from the header's prototypes.
 */
#include <linux/export.h>
#include <linux/multipath.h>

EXPORT_SYMBOL_GPL(mpath_alloc_head);
EXPORT_SYMBOL_GPL(mpath_get_head);
EXPORT_SYMBOL_GPL(mpath_put_head);
EXPORT_SYMBOL_GPL(mpath_synchronize);
