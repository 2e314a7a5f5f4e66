// SPDX-License-Identifier: GPL-2.0
/*
 * libmultipath: exports and the C-only parts of the library.
 *
 * The functions are implemented in Rust (see multipath.rs).  Exporting them
 * from C keeps one mechanism for built-in and modular builds and lets the
 * normal C rules compute MODVERSIONS CRCs from the header's prototypes.
 * The operation tables, the sysfs group, the remap of a bio to a path
 * with its tracepoint, and the rate-limited warnings need C macros or
 * inline helpers and so live here too.
 */
#include <linux/blkdev.h>
#include <linux/export.h>
#include <linux/fs.h>
#include <linux/io_uring/cmd.h>
#include <linux/module.h>
#include <linux/multipath.h>
#include <linux/pr.h>
#include <linux/sysfs.h>
#include <trace/events/block.h>

#include "mpath_internal.h"

static const struct pr_ops mpath_pr_ops = {
	.pr_register		= mpath_pr_register,
	.pr_reserve		= mpath_pr_reserve,
	.pr_release		= mpath_pr_release,
	.pr_preempt		= mpath_pr_preempt,
	.pr_clear		= mpath_pr_clear,
	.pr_read_keys		= mpath_pr_read_keys,
	.pr_read_reservation	= mpath_pr_read_reservation,
};

const struct block_device_operations mpath_ops = {
	.owner		= THIS_MODULE,
	.submit_bio	= mpath_bdev_submit_bio,
	.open		= mpath_bdev_open,
	.release	= mpath_bdev_release,
	.ioctl		= mpath_bdev_ioctl,
	.compat_ioctl	= blkdev_compat_ptr_ioctl,
	.getgeo		= mpath_bdev_getgeo,
	.get_unique_id	= mpath_bdev_get_unique_id,
	.report_zones	= IS_ENABLED(CONFIG_BLK_DEV_ZONED) ?
			  mpath_bdev_report_zones : NULL,
	.pr_ops		= &mpath_pr_ops,
};
EXPORT_SYMBOL_GPL(mpath_ops);

const struct file_operations mpath_chr_fops = {
	.owner			= THIS_MODULE,
	.open			= mpath_chr_open,
	.release		= mpath_chr_release,
	.unlocked_ioctl		= mpath_chr_ioctl,
	.compat_ioctl		= compat_ptr_ioctl,
	.uring_cmd		= mpath_chr_uring_cmd,
	.uring_cmd_iopoll	= mpath_chr_uring_cmd_iopoll,
};
EXPORT_SYMBOL_GPL(mpath_chr_fops);

/*
 * The multipath/ directory of a head disk holds links to its paths.  sysfs
 * only asks a group with at least one attribute whether it is visible, so
 * the group has a dummy attribute, which never shows.
 */
static struct attribute mpath_dummy_attr = {
	.name = "dummy",
};

static struct attribute *mpath_attrs[] = {
	&mpath_dummy_attr,
	NULL,
};

static bool mpath_sysfs_group_visible(struct kobject *kobj)
{
	return is_mpath_disk(dev_to_disk(kobj_to_dev(kobj)));
}

DEFINE_SIMPLE_SYSFS_GROUP_VISIBLE(mpath_sysfs)

const struct attribute_group mpath_attr_group = {
	.name		= "multipath",
	.attrs		= mpath_attrs,
	.is_visible	= SYSFS_GROUP_VISIBLE(mpath_sysfs),
};
EXPORT_SYMBOL_GPL(mpath_attr_group);

/*
 * Send a bio of the head disk down the path whose disk is @path_disk, found
 * in the SRCU read section @scp, which this ends.  One call from Rust per
 * I/O, with the inline bio and SRCU helpers and the tracepoint's static key
 * inlined here.
 */
void mpath_submit_to_path(struct bio *bio, struct mpath_head *head,
			  struct gendisk *path_disk,
			  struct srcu_ctr __percpu *scp)
	__releases_shared(&head->srcu)
{
	bio_set_dev(bio, path_disk->part0);
	bio->bi_opf |= REQ_MPATH;
	trace_block_bio_remap(bio, disk_devt(head->disk),
			      bio->bi_iter.bi_sector);
	/*
	 * submit_bio_remapped() may wait for the path's queue (a tag, a
	 * freeze), which path removal must not wait for in synchronize_srcu():
	 * end the read section first.  Like a bio that a ->submit_bio leaves
	 * on current->bio_list, the bio then refers to the path's disk until
	 * it enters the path's queue, which fails it once the disk is dead.
	 */
	srcu_read_unlock_fast(&head->srcu, scp);
	/*
	 * The head's limits and features are stacked from its paths', so the
	 * checks that passed on the head hold for the path.
	 */
	submit_bio_remapped(bio);
}

void mpath_warn_no_path(struct mpath_head *head, bool requeue)
{
	struct device *dev = disk_to_dev(head->disk);

	if (requeue)
		dev_warn_ratelimited(dev, "no usable path - requeuing I/O\n");
	else
		dev_warn_ratelimited(dev, "no available path - failing I/O\n");
}

/*
 * i_cdev sits in an anonymous union of struct inode, whose Rust name
 * bindgen derives from its position: reach it from C.
 */
struct mpath_head *mpath_chr_inode_head(struct inode *inode)
{
	return container_of(inode->i_cdev, struct mpath_head, cdev);
}

/*
 * <linux/multipath.h> declares every function, so each export below is
 * type-checked against its prototype.
 */
#define MPATH_EXPORT(sym) EXPORT_SYMBOL_GPL(sym)

MPATH_EXPORT(mpath_alloc_head);
MPATH_EXPORT(mpath_get_head);
MPATH_EXPORT(mpath_put_head);
MPATH_EXPORT(mpath_synchronize);
MPATH_EXPORT(mpath_alloc_head_disk);
MPATH_EXPORT(mpath_device_set_live);
MPATH_EXPORT(mpath_remove_disk);
MPATH_EXPORT(mpath_put_disk);
MPATH_EXPORT(mpath_add_device);
MPATH_EXPORT(mpath_delete_device);
MPATH_EXPORT(mpath_head_devices_empty);
MPATH_EXPORT(mpath_clear_current_path);
MPATH_EXPORT(mpath_clear_paths);
MPATH_EXPORT(mpath_revalidate_paths);
MPATH_EXPORT(mpath_call_for_device);
MPATH_EXPORT(mpath_add_sysfs_link);
MPATH_EXPORT(mpath_remove_sysfs_link);
MPATH_EXPORT(mpath_set_iopolicy);
MPATH_EXPORT(mpath_get_iopolicy);
MPATH_EXPORT(mpath_iopolicy_show);
MPATH_EXPORT(mpath_iopolicy_store);
MPATH_EXPORT(mpath_numa_nodes_show);
MPATH_EXPORT(mpath_can_remove_head);
MPATH_EXPORT(mpath_delayed_removal_secs_show);
MPATH_EXPORT(mpath_delayed_removal_secs_store);
