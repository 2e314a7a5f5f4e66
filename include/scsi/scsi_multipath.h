/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Native SCSI multipath on libmultipath.
 *
 * The SCSI midlayer groups the scsi_devices that report the same VPD page
 * 0x83 designator into a &struct scsi_mpath_head and publishes each one's
 * state (sdev_state, ALUA access state) to the library; sd gives a head a
 * gendisk named like any SCSI disk and sends its bios down the paths as
 * clones, so that a path error resubmits the original bio whole.
 */
#ifndef _SCSI_SCSI_MULTIPATH_H
#define _SCSI_SCSI_MULTIPATH_H

#include <linux/bio.h>
#include <linux/device.h>
#include <linux/idr.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/multipath.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

struct scsi_device;

/* Longest designator string scsi_vpd_lun_id() produces, with its NUL. */
#define SCSI_MPATH_VPD_ID_LEN	256

/**
 * struct scsi_mpath_head - The scsi_devices of one logical unit.
 * @ref: Held by each member scsi_device and by the head disk while it
 *	exists; the last put unlinks the head from the lookup list.
 * @entry: Entry in the list of heads looked up by @vpd_id.
 * @index: Instance number, in the name of @dev.
 * @dev: The scsi_mpath_device class device; parent of the head disk.
 * @path_ida: Per-head path numbers (the N of the hidden disks sdX:N).
 * @iopolicy: I/O policy of the head.
 * @mpath: The library head, which exists while the head has a disk;
 *	written by sd under scsi_mpath_lock(), read under it or under RCU.
 * @disk_index: sd index of the head disk; owned by sd.
 * @disk_paths: sd paths probed and not yet released; owned by sd, under
 *	scsi_mpath_lock().
 * @pr_lock: Serialises the reservation key registrations of the paths;
 *	owned by sd.
 * @pr_key: The reservation key registered through the head disk on every
 *	path, 0 for none; owned by sd, under @pr_lock.
 * @vpd_id: The designator the members share.
 */
struct scsi_mpath_head {
	struct kref ref;
	struct list_head entry;
	int index;
	struct device dev;
	struct ida path_ida;
	struct mpath_iopolicy iopolicy;
	struct mpath_head __rcu *mpath;
	int disk_index;
	unsigned int disk_paths;
	struct mutex pr_lock;	/* serialises the paths' registrations */
	u64 pr_key;
	char vpd_id[SCSI_MPATH_VPD_ID_LEN];
};

/**
 * struct scsi_mpath_device - A scsi_device that is a path of a head.
 * @mdev: The library's view of the path.
 * @sdev: The scsi_device.
 * @head: Its head.
 * @mpath: The library head @mdev is on while sd has added it, else NULL;
 *	state changes in atomic context reach the library through it.
 * @index: Path number within @head.
 * @lock: Serialises the updates of the state published in @mdev.
 * @failed: A path error was seen; the path carries no I/O until the next
 *	state change or a successful TEST UNIT READY.
 * @detached: sd is deleting the path from its head: it carries no I/O,
 *	whatever the device's state.
 * @recheck_work: Retries a failed path.
 */
struct scsi_mpath_device {
	struct mpath_device mdev;
	struct scsi_device *sdev;
	struct scsi_mpath_head *head;
	struct mpath_head __rcu *mpath;
	int index;
	spinlock_t lock;	/* serialises the updates of mdev's state */
	bool failed;
	bool detached;
	struct delayed_work recheck_work;
};

#ifdef CONFIG_SCSI_MULTIPATH
void scsi_mpath_lock(void);
void scsi_mpath_unlock(void);
void scsi_mpath_attach(struct scsi_mpath_device *smd, struct mpath_head *mpath);
void scsi_mpath_detach(struct scsi_mpath_device *smd);
void scsi_mpath_get_head(struct scsi_mpath_head *head);
void scsi_mpath_put_head(struct scsi_mpath_head *head);
bool scsi_mpath_available_path(struct mpath_device *mdev);
struct bio *scsi_mpath_clone_bio(struct mpath_device *mdev, struct bio *bio);

static inline struct scsi_mpath_device *
scsi_mpath_to_device(struct mpath_device *mdev)
{
	return container_of(mdev, struct scsi_mpath_device, mdev);
}
#endif

#endif /* _SCSI_SCSI_MULTIPATH_H */
