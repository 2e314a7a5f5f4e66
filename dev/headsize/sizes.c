// SPDX-License-Identifier: GPL-2.0
/*
 * Sizes for make bench (dev/headsize.sh): compiled to assembly only, never
 * linked or loaded.  DEFINE() leaves "->NAME value" markers in the .s file.
 */
#include <linux/kbuild.h>
#include <linux/nodemask.h>
#ifdef HAVE_LIBMULTIPATH
#include <linux/multipath.h>
#endif
#include "nvme.h"

void sizes(void);
void sizes(void)
{
#ifdef HAVE_LIBMULTIPATH
	DEFINE(SIZEOF_MPATH_HEAD, sizeof(struct mpath_head));
#endif
	DEFINE(SIZEOF_NVME_NS_HEAD, sizeof(struct nvme_ns_head));
	DEFINE(MAX_NUMNODES_, MAX_NUMNODES);
	DEFINE(NR_CPUS_, NR_CPUS);
}
