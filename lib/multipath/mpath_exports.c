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

/*
 * <linux/multipath.h> declares every function, so each export below is
 * type-checked against its prototype.
 */
#define MPATH_EXPORT(sym) EXPORT_SYMBOL_GPL(sym)

MPATH_EXPORT(mpath_alloc_head);
MPATH_EXPORT(mpath_get_head);
MPATH_EXPORT(mpath_put_head);
MPATH_EXPORT(mpath_synchronize);
MPATH_EXPORT(mpath_set_iopolicy);
MPATH_EXPORT(mpath_get_iopolicy);
MPATH_EXPORT(mpath_iopolicy_show);
MPATH_EXPORT(mpath_iopolicy_store);
