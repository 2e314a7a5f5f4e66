/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libmultipath: the Rust functions behind the operation tables of
 * mpath_exports.c, and the C helpers the Rust code calls.
 *
 * Not for drivers.  The Rust side checks each table function's signature
 * against the type of the field it fills (abi/bdev.rs, abi/cdev.rs), and
 * the C compiler checks these prototypes against the same fields.
 */
#ifndef _LIB_MULTIPATH_INTERNAL_H
#define _LIB_MULTIPATH_INTERNAL_H

#include <linux/blkdev.h>
#include <linux/fs.h>
#include <linux/io_uring/cmd.h>
#include <linux/multipath.h>
#include <linux/pr.h>

void mpath_bdev_submit_bio(struct bio *bio);
int mpath_bdev_open(struct gendisk *disk, blk_mode_t mode);
void mpath_bdev_release(struct gendisk *disk);
int mpath_bdev_ioctl(struct block_device *bdev, blk_mode_t mode,
		     unsigned int cmd, unsigned long arg);
int mpath_bdev_getgeo(struct gendisk *disk, struct hd_geometry *geo);
int mpath_bdev_get_unique_id(struct gendisk *disk, u8 id[16],
			     enum blk_unique_id type);
int mpath_bdev_report_zones(struct gendisk *disk, sector_t sector,
			    unsigned int nr_zones,
			    struct blk_report_zones_args *args);
int mpath_pr_register(struct block_device *bdev, u64 old_key, u64 new_key,
		      u32 flags);
int mpath_pr_reserve(struct block_device *bdev, u64 key, enum pr_type type,
		     u32 flags);
int mpath_pr_release(struct block_device *bdev, u64 key, enum pr_type type);
int mpath_pr_preempt(struct block_device *bdev, u64 old_key, u64 new_key,
		     enum pr_type type, bool abort);
int mpath_pr_clear(struct block_device *bdev, u64 key);
int mpath_pr_read_keys(struct block_device *bdev, struct pr_keys *keys);
int mpath_pr_read_reservation(struct block_device *bdev,
			      struct pr_held_reservation *rsv);
int mpath_chr_open(struct inode *inode, struct file *file);
int mpath_chr_release(struct inode *inode, struct file *file);
long mpath_chr_ioctl(struct file *file, unsigned int cmd, unsigned long arg);
int mpath_chr_uring_cmd(struct io_uring_cmd *ioucmd, unsigned int issue_flags);
int mpath_chr_uring_cmd_iopoll(struct io_uring_cmd *ioucmd,
			       struct io_comp_batch *iob,
			       unsigned int poll_flags);
void mpath_submit_to_path(struct bio *bio, struct mpath_head *head,
			  struct gendisk *path_disk,
			  struct srcu_ctr __percpu *scp)
	__releases_shared(&head->srcu);
void mpath_warn_no_path(struct mpath_head *head, bool requeue);
struct mpath_head *mpath_chr_inode_head(struct inode *inode);

#endif /* _LIB_MULTIPATH_INTERNAL_H */
