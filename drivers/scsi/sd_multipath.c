// SPDX-License-Identifier: GPL-2.0
/*
 * sd on native SCSI multipath: the head disk of a multipath head.
 *
 * The first sd path of a head gives it a libmultipath head and a disk,
 * named and numbered like any sd disk (/dev/sdX, sdX1, ...).  Each path
 * keeps its own gendisk, hidden and named sdX:N, which the head's bios
 * are sent to.  The head disk goes when the head's last sd path has gone
 * and its delayed removal, if any, expired.
 */
#include <linux/blk-integrity.h>
#include <linux/blkdev.h>
#include <linux/module.h>
#include <linux/multipath.h>
#include <linux/pr.h>
#include <linux/slab.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_device.h>
#include <scsi/scsi_host.h>
#include <scsi/scsi_ioctl.h>
#include <scsi/scsi_multipath.h>
#include <scsi/sg.h>

#include "sd.h"

static ssize_t delayed_removal_secs_show(struct device *dev,
					 struct device_attribute *attr, char *buf)
{
	return mpath_delayed_removal_secs_show(mpath_bd_device_to_head(dev), buf);
}

static ssize_t delayed_removal_secs_store(struct device *dev,
					  struct device_attribute *attr,
					  const char *buf, size_t count)
{
	return mpath_delayed_removal_secs_store(mpath_bd_device_to_head(dev),
						buf, count);
}
static DEVICE_ATTR_RW(delayed_removal_secs);

static struct attribute *sd_mpath_head_attrs[] = {
	&dev_attr_delayed_removal_secs.attr,
	NULL,
};

static const struct attribute_group sd_mpath_head_group = {
	.attrs	= sd_mpath_head_attrs,
};

static const struct attribute_group *sd_mpath_head_groups[] = {
	&sd_mpath_head_group,
	&mpath_attr_group,
	NULL,
};

static struct scsi_mpath_device *sd_mpath_dev(struct device *dev)
{
	return scsi_disk(dev_to_disk(dev))->device->mpath_dev;
}

static ssize_t mpath_dev_show(struct device *dev, struct device_attribute *attr,
			      char *buf)
{
	struct mpath_head *mpath = scsi_disk(dev_to_disk(dev))->mpath;

	return sysfs_emit(buf, "%u:%u\n", mpath->disk->major,
			  mpath->disk->first_minor);
}
static DEVICE_ATTR_RO(mpath_dev);

static ssize_t sd_mpath_numa_nodes_show(struct device *dev,
					struct device_attribute *attr, char *buf)
{
	struct scsi_mpath_device *smd = sd_mpath_dev(dev);

	return mpath_numa_nodes_show(&smd->mdev, &smd->head->iopolicy, buf);
}

static struct device_attribute dev_attr_mpath_numa_nodes =
	__ATTR(mpath_numa_nodes, 0444, sd_mpath_numa_nodes_show, NULL);

static ssize_t mpath_queue_depth_show(struct device *dev,
				      struct device_attribute *attr, char *buf)
{
	struct scsi_mpath_device *smd = sd_mpath_dev(dev);

	if (!mpath_qd_iopolicy(&smd->head->iopolicy))
		return 0;
	return sysfs_emit(buf, "%d\n", atomic_read(smd->mdev.nr_active));
}
static DEVICE_ATTR_RO(mpath_queue_depth);

static struct attribute *sd_mpath_path_attrs[] = {
	&dev_attr_mpath_dev.attr,
	&dev_attr_mpath_numa_nodes.attr,
	&dev_attr_mpath_queue_depth.attr,
	NULL,
};

static const struct attribute_group sd_mpath_path_group = {
	.attrs	= sd_mpath_path_attrs,
};

const struct attribute_group *sd_mpath_path_groups[] = {
	&sd_mpath_path_group,
	NULL,
};

/*
 * Remove the head disk of @head, which no sd path uses any more and which
 * has been unpublished from @head->mpath.
 */
static void sd_mpath_remove_head_disk(struct scsi_mpath_head *head,
				      struct mpath_head *mpath)
{
	/* The iopolicy store may still use mpath under RCU. */
	synchronize_rcu();
	mpath_remove_disk(mpath);
	mpath_put_disk(mpath);
	sd_free_disk_index(head->disk_index);
	head->disk_index = -1;
	mpath_put_head(mpath);
	scsi_mpath_put_head(head);
}

/*
 * The remove_head() callback: the head's delayed removal expired.  A path
 * that is being probed keeps the head.
 */
static void sd_mpath_remove_head(struct mpath_head *mpath)
{
	struct scsi_mpath_head *head = mpath->drvdata;

	scsi_mpath_lock();
	if (head->disk_paths ||
	    rcu_access_pointer(head->mpath) != mpath) {
		scsi_mpath_unlock();
		return;
	}
	RCU_INIT_POINTER(head->mpath, NULL);
	scsi_mpath_unlock();
	sd_mpath_remove_head_disk(head, mpath);
}

static const struct mpath_head_template sd_mpath_template = {
	.available_path	= scsi_mpath_available_path,
	.clone_bio	= scsi_mpath_clone_bio,
	.remove_head	= sd_mpath_remove_head,
};

/* Give @head a library head and an unadded head disk named like sd's. */
static struct mpath_head *sd_mpath_alloc_head(struct scsi_device *sdp,
					      struct scsi_mpath_head *head)
{
	struct queue_limits lim;
	struct mpath_head *mpath;
	int index, ret;

	mpath = mpath_alloc_head();
	if (IS_ERR(mpath))
		return mpath;
	mpath->mpdt = &sd_mpath_template;
	mpath->iopolicy = &head->iopolicy;
	mpath->drvdata = head;
	mpath->parent = &head->dev;
	mpath->disk_groups = sd_mpath_head_groups;
	mpath->drv_module = THIS_MODULE;

	/*
	 * Atomic writes and NOWAIT are stacked from the paths, so the head
	 * must offer them: the stacking keeps them only if every path has
	 * them.  Without NOWAIT, io_uring hands every I/O of the head to a
	 * worker thread.
	 */
	blk_set_stacking_limits(&lim);
	lim.features |= BLK_FEAT_IO_STAT | BLK_FEAT_NOWAIT |
			BLK_FEAT_ATOMIC_WRITES;
	ret = mpath_alloc_head_disk(mpath, &lim,
				    dev_to_node(sdp->host->dma_dev));
	if (ret)
		goto out_put_head;

	index = sd_alloc_disk_index(mpath->disk);
	if (index < 0) {
		ret = index;
		goto out_put_disk;
	}
	head->disk_index = index;
	scsi_mpath_get_head(head);
	return mpath;

out_put_disk:
	mpath_put_disk(mpath);
out_put_head:
	mpath_put_head(mpath);
	return ERR_PTR(ret);
}

/**
 * sd_mpath_probe() - Make a new sd disk a path of its head.
 * @sdkp: The disk of a multipathed scsi_device.
 * @gd: Its gendisk, not yet added.
 *
 * Gives the head its disk if it has none, names @gd after it (sdX:N) and
 * hides it.  The path counts for the head from now on, until sdkp is
 * released.
 *
 * Return: 0 or a negative errno.
 */
int sd_mpath_probe(struct scsi_disk *sdkp, struct gendisk *gd)
{
	struct scsi_mpath_device *smd = sdkp->device->mpath_dev;
	struct scsi_mpath_head *head = smd->head;
	struct mpath_head *mpath;
	int ret = 0;

	scsi_mpath_lock();
	/* head->mpath only changes under scsi_mpath_lock(). */
	mpath = rcu_dereference_protected(head->mpath, 1);
	if (!mpath) {
		mpath = sd_mpath_alloc_head(sdkp->device, head);
		if (IS_ERR(mpath)) {
			ret = PTR_ERR(mpath);
			goto out_unlock;
		}
		rcu_assign_pointer(head->mpath, mpath);
	}
	head->disk_paths++;
	sdkp->mpath = mpath;
	snprintf(gd->disk_name, DISK_NAME_LEN, "%s:%d", mpath->disk->disk_name,
		 smd->index);
	gd->flags |= GENHD_FL_HIDDEN;
out_unlock:
	scsi_mpath_unlock();
	return ret;
}

/* Commands that reserve the LU for the I_T nexus that carries them. */
static bool sd_mpath_is_reservation(u8 opcode)
{
	switch (opcode) {
	case PERSISTENT_RESERVE_IN:
	case PERSISTENT_RESERVE_OUT:
	case RESERVE_6:
	case RELEASE_6:
	case RESERVE_10:
	case RELEASE_10:
		return true;
	}
	return false;
}

/**
 * sd_mpath_check_ioctl() - Refuse reservation commands passed through a
 * head.
 * @cmd: An ioctl on a path disk.  Path disks have no device node: only
 *	their head forwards ioctls to them.
 * @arg: Its argument.
 *
 * A reservation command passed through the head would act on the one I_T
 * nexus that carried it, and the head's next I/O may take another; the
 * head's pr_ops (IOC_PR_*) act on every path.  This catches the mistake;
 * it is no security boundary: the caller may change the CDB after the
 * check, or send it through the path's sg node on purpose.
 *
 * Return: 0, -EOPNOTSUPP for a reservation command, or -EFAULT.
 */
int sd_mpath_check_ioctl(unsigned int cmd, void __user *arg)
{
	const u8 __user *cdb;
	struct sg_io_hdr hdr;
	u8 opcode;
	int ret;

	switch (cmd) {
	case SG_IO:
		ret = get_sg_io_hdr(&hdr, arg);
		if (ret)
			return ret;
		/* sg_io() rejects a CDB this short. */
		if (!hdr.cmd_len)
			return 0;
		cdb = hdr.cmdp;
		break;
	case SCSI_IOCTL_SEND_COMMAND:
		cdb = arg + offsetof(struct scsi_ioctl_command, data);
		break;
	default:
		return 0;
	}
	if (get_user(opcode, cdb))
		return -EFAULT;
	return sd_mpath_is_reservation(opcode) ? -EOPNOTSUPP : 0;
}

/*
 * Persistent reservations through a head.
 *
 * SCSI registers a reservation key per I_T nexus, so each path of a head
 * is a registration of its own, and a path the head's I/O may take must
 * be registered for a "registrants only" or "all registrants" reservation
 * to let that I/O through.  The head's pr_ops reach a path disk's through
 * the library, which chose a usable path:
 *   - REGISTER registers on every path of the head, and is undone on the
 *     paths done so far if one path refuses;
 *   - RESERVE goes through the chosen path, and succeeds if the head's
 *     host holds the reservation already, through another path;
 *   - RELEASE goes through every path, since any may hold it;
 *   - PREEMPT goes through the chosen path, and registers the head's
 *     other paths again if it removed them;
 *   - CLEAR goes through the chosen path and forgets the head's key;
 *   - the reads go through the chosen path: every nexus reads the same.
 * A path added later is registered with the head's key before it carries
 * I/O.  Paths of one head all belong to this host, so registering all of
 * them gives other initiators nothing they could not see before.
 */

/* Pin the scsi_disks of @mpath's paths, in list order. */
static struct scsi_disk **sd_mpath_get_paths(struct mpath_head *mpath,
					     int *nr)
{
	struct mpath_device *mdev;
	struct scsi_disk **paths;
	int n = 0;

	mutex_lock(&mpath->lock);
	list_for_each_entry(mdev, &mpath->dev_list, siblings)
		n++;
	paths = kmalloc_array(n, sizeof(*paths), GFP_KERNEL);
	if (paths) {
		n = 0;
		list_for_each_entry(mdev, &mpath->dev_list, siblings) {
			/* sdkp outlives its disk: keep only sdkp. */
			paths[n] = scsi_disk(mdev->disk);
			get_device(&paths[n]->disk_dev);
			n++;
		}
	}
	mutex_unlock(&mpath->lock);
	*nr = n;
	return paths;
}

static void sd_mpath_put_paths(struct scsi_disk **paths, int nr)
{
	while (nr--)
		put_device(&paths[nr]->disk_dev);
	kfree(paths);
}

/*
 * Register @key on the first @nr of @paths, except @skip, with REGISTER AND
 * IGNORE EXISTING KEY: they go back to the head's registration after a
 * refused REGISTER or a PREEMPT removed it.  A path that refuses is logged.
 */
static void sd_mpath_pr_restore(struct scsi_disk **paths, int nr,
				struct scsi_disk *skip, u64 key)
{
	int i;

	for (i = 0; i < nr; i++) {
		if (paths[i] != skip &&
		    sd_pr_register_nexus(paths[i], 0, key, PR_FL_IGNORE_KEY))
			sd_printk(KERN_WARNING, paths[i],
				  "multipath: failed to restore the reservation key\n");
	}
}

/**
 * sd_mpath_pr_register() - Register a reservation key on every path.
 * @sdkp: The path disk the head chose.
 * @old_key: The key the paths are registered with, unless @flags has
 *	PR_FL_IGNORE_KEY.
 * @new_key: The key to register, 0 to unregister.
 * @flags: 0 or PR_FL_IGNORE_KEY.
 *
 * The paths are registered one after the other.  If one refuses, those
 * registered before it go back to the key they had: @old_key, or with
 * PR_FL_IGNORE_KEY the head's key; a path that cannot go back is logged.
 *
 * Return: 0, the first path's failure as sd_pr_out_command() gives it, or
 * a negative errno.
 */
int sd_mpath_pr_register(struct scsi_disk *sdkp, u64 old_key, u64 new_key,
			 u32 flags)
{
	struct scsi_mpath_head *head = sdkp->device->mpath_dev->head;
	struct scsi_disk **paths;
	u64 prev_key;
	int i, n, ret;

	mutex_lock(&head->pr_lock);
	prev_key = (flags & PR_FL_IGNORE_KEY) ? head->pr_key : old_key;
	paths = sd_mpath_get_paths(sdkp->mpath, &n);
	if (!paths) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	/* The path the library chose has just left the head. */
	ret = n ? 0 : -EWOULDBLOCK;
	for (i = 0; i < n && !ret; i++)
		ret = sd_pr_register_nexus(paths[i], old_key, new_key, flags);
	if (!ret)
		head->pr_key = new_key;
	else	/* Path i - 1 refused; those before it are undone. */
		sd_mpath_pr_restore(paths, i - 1, NULL, prev_key);
	sd_mpath_put_paths(paths, n);
out_unlock:
	mutex_unlock(&head->pr_lock);
	return ret;
}

/**
 * sd_mpath_pr_reserve() - RESERVE through one path.
 * @sdkp: The path disk the head chose.
 * @key: The key the paths are registered with.
 * @type: The type of the reservation.
 *
 * Unless all registrants hold it, a reservation is held by the one I_T
 * nexus that took it, and a RESERVE through another one conflicts, even
 * with the same key and type.  Through the head, the host holds it: if
 * the logical unit is reserved with @key and @type already, the RESERVE
 * succeeds, as it would on the holding nexus.
 *
 * Return: As sd_pr_reserve_nexus().
 */
int sd_mpath_pr_reserve(struct scsi_disk *sdkp, u64 key, enum pr_type type)
{
	const struct pr_ops *ops = sdkp->disk->fops->pr_ops;
	struct pr_held_reservation rsv = { };
	int ret;

	ret = sd_pr_reserve_nexus(sdkp, key, type);
	if (ret != PR_STS_RESERVATION_CONFLICT)
		return ret;
	if (!ops->pr_read_reservation(sdkp->disk->part0, &rsv) &&
	    rsv.key == key && rsv.type == type)
		return 0;
	return ret;
}

/**
 * sd_mpath_pr_release() - RELEASE through every path.
 * @sdkp: The path disk the head chose.
 * @key: The key the paths are registered with.
 * @type: The type of the reservation.
 *
 * The nexus that holds the reservation may be any path of the head; a
 * RELEASE through a registered nexus that does not hold it does nothing
 * and succeeds, so it goes through all of them.
 *
 * Return: 0, the first path's failure as sd_pr_release_nexus() gives it,
 * or a negative errno.
 */
int sd_mpath_pr_release(struct scsi_disk *sdkp, u64 key, enum pr_type type)
{
	struct scsi_mpath_head *head = sdkp->device->mpath_dev->head;
	struct scsi_disk **paths;
	int i, n, ret;

	mutex_lock(&head->pr_lock);
	paths = sd_mpath_get_paths(sdkp->mpath, &n);
	if (!paths) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	ret = n ? 0 : -EWOULDBLOCK;
	for (i = 0; i < n; i++) {
		int err = sd_pr_release_nexus(paths[i], key, type);

		if (!ret)
			ret = err;
	}
	sd_mpath_put_paths(paths, n);
out_unlock:
	mutex_unlock(&head->pr_lock);
	return ret;
}

/**
 * sd_mpath_pr_preempt() - PREEMPT through one path, and register the
 * head's other paths again.
 * @sdkp: The path disk the head chose.
 * @old_key: The key the paths are registered with.
 * @new_key: The key to preempt.
 * @type: The type of the reservation to take.
 * @abort: PREEMPT AND ABORT.
 *
 * A PREEMPT removes every registration of @new_key, or with an all
 * registrants reservation and @new_key 0 every registration, except that
 * of the I_T nexus it came through: preempting the head's own key, for
 * example to change the type of its reservation, also unregisters the
 * head's other paths.  They are registered again.
 *
 * Return: As sd_pr_preempt_nexus().
 */
int sd_mpath_pr_preempt(struct scsi_disk *sdkp, u64 old_key, u64 new_key,
			enum pr_type type, bool abort)
{
	struct scsi_mpath_head *head = sdkp->device->mpath_dev->head;
	struct scsi_disk **paths;
	int n, ret;

	mutex_lock(&head->pr_lock);
	ret = sd_pr_preempt_nexus(sdkp, old_key, new_key, type, abort);
	if (ret || !head->pr_key || (new_key && new_key != head->pr_key))
		goto out_unlock;
	paths = sd_mpath_get_paths(sdkp->mpath, &n);
	if (!paths)
		goto out_unlock;
	sd_mpath_pr_restore(paths, n, sdkp, head->pr_key);
	sd_mpath_put_paths(paths, n);
out_unlock:
	mutex_unlock(&head->pr_lock);
	return ret;
}

/**
 * sd_mpath_pr_clear() - CLEAR through one path, and forget the head's key.
 * @sdkp: The path disk the head chose.
 * @key: The key the paths are registered with.
 *
 * Return: As sd_pr_clear_nexus().
 */
int sd_mpath_pr_clear(struct scsi_disk *sdkp, u64 key)
{
	struct scsi_mpath_head *head = sdkp->device->mpath_dev->head;
	int ret;

	mutex_lock(&head->pr_lock);
	ret = sd_pr_clear_nexus(sdkp, key);
	if (!ret)
		head->pr_key = 0;
	mutex_unlock(&head->pr_lock);
	return ret;
}

/*
 * Whether @key is registered on the logical unit, read through @sdkp:
 * 1 if it is, 0 if not, or a negative errno.
 */
static int sd_mpath_pr_key_registered(struct scsi_disk *sdkp, u64 key)
{
	const struct pr_ops *ops = sdkp->disk->fops->pr_ops;
	u32 nr = 32, i;
	struct pr_keys *keys;
	int ret;

	for (;;) {
		keys = kzalloc(struct_size(keys, keys, nr), GFP_KERNEL);
		if (!keys)
			return -ENOMEM;
		keys->num_keys = nr;
		ret = ops->pr_read_keys(sdkp->disk->part0, keys);
		if (ret > 0)
			ret = -EIO;	/* a PR_STS_* status */
		if (ret || keys->num_keys <= nr)
			break;
		/* More keys than room: read them again, all of them. */
		nr = keys->num_keys;
		kfree(keys);
	}
	for (i = 0; !ret && i < keys->num_keys; i++) {
		if (keys->keys[i] == key)
			ret = 1;
	}
	kfree(keys);
	return ret;
}

/*
 * Register the head's key on a new path before it carries I/O.  If the
 * key is no longer registered on the logical unit, another initiator
 * preempted it or cleared the registrations: registering again would undo
 * that, so the head forgets the key instead.  Called with head->pr_lock
 * held.
 */
static void sd_mpath_pr_add_path(struct scsi_disk *sdkp,
				 struct scsi_mpath_head *head)
{
	int ret;

	lockdep_assert_held(&head->pr_lock);
	if (!head->pr_key)
		return;
	ret = sd_mpath_pr_key_registered(sdkp, head->pr_key);
	if (!ret) {
		sd_printk(KERN_NOTICE, sdkp,
			  "multipath: reservation key no longer registered, not registering the path\n");
		head->pr_key = 0;
		return;
	}
	if (ret > 0)
		ret = sd_pr_register_nexus(sdkp, 0, head->pr_key,
					   PR_FL_IGNORE_KEY);
	if (ret)
		sd_printk(KERN_WARNING, sdkp,
			  "multipath: failed to register the reservation key: %d\n",
			  ret);
}

/*
 * Give @lim the integrity profile that all paths of @mpath and @extra (a
 * path that may not be on the list yet) agree on, or none.  Metadata
 * passed down through the head goes to whichever path I/O takes, so one
 * path cannot decide it alone, and the agreement is redone from all paths
 * on every change: a path's revalidation may add or drop the very profile
 * the others had agreed on.
 *
 * Called under scsi_mpath_lock(), which serialises the head's limits
 * updates; the list is walked under the head's lock, which it changes
 * under.
 */
static void sd_mpath_stack_integrity(struct queue_limits *lim,
				     struct mpath_head *mpath,
				     struct gendisk *extra)
{
	struct mpath_device *mdev;

	memset(&lim->integrity, 0, sizeof(lim->integrity));
	if (extra && !queue_limits_stack_integrity_bdev(lim, extra->part0))
		return;
	mutex_lock(&mpath->lock);
	list_for_each_entry(mdev, &mpath->dev_list, siblings) {
		if (mdev->disk == extra)
			continue;
		if (!queue_limits_stack_integrity_bdev(lim, mdev->disk->part0))
			break;
	}
	mutex_unlock(&mpath->lock);
}

static void sd_mpath_commit_limits(struct scsi_disk *sdkp,
				   struct gendisk *disk,
				   struct queue_limits *lim)
{
	if (queue_limits_commit_update_frozen(disk->queue, lim))
		sd_printk(KERN_WARNING, sdkp,
			  "multipath: failed to update the limits of %s\n",
			  disk->disk_name);
}

/**
 * sd_mpath_revalidate() - Carry a path's revalidated limits and capacity
 * to its head disk.
 * @sdkp: The path.
 */
void sd_mpath_revalidate(struct scsi_disk *sdkp)
{
	const struct queue_limits *plim = &sdkp->disk->queue->limits;
	struct gendisk *disk = sdkp->mpath->disk;
	struct queue_limits lim;

	/*
	 * The block sizes and I/O hints are the device's configuration, which
	 * the latest revalidation reports; the splitting limits are stacked
	 * so that the head obeys every path.
	 */
	scsi_mpath_lock();
	lim = queue_limits_start_update(disk->queue);
	lim.logical_block_size = plim->logical_block_size;
	lim.physical_block_size = plim->physical_block_size;
	lim.io_min = plim->io_min;
	lim.io_opt = plim->io_opt;
	queue_limits_stack_bdev(&lim, sdkp->disk->part0, 0, disk->disk_name);
	sd_mpath_stack_integrity(&lim, sdkp->mpath, sdkp->disk);
	sd_mpath_commit_limits(sdkp, disk, &lim);
	scsi_mpath_unlock();
	set_capacity_and_notify(disk, get_capacity(sdkp->disk));
	set_disk_ro(disk, sdkp->write_prot);
	mpath_revalidate_paths(sdkp->mpath, NULL);
}

/**
 * sd_mpath_add() - A path's disk was added: route head I/O to it.
 * @sdkp: The path.
 */
void sd_mpath_add(struct scsi_disk *sdkp)
{
	struct scsi_device *sdp = sdkp->device;
	struct scsi_mpath_device *smd = sdp->mpath_dev;

	smd->mdev.disk = sdkp->disk;
	/* A registration through the head now includes the path. */
	mutex_lock(&smd->head->pr_lock);
	sd_mpath_pr_add_path(sdkp, smd->head);
	scsi_mpath_lock();
	mpath_add_device(sdkp->mpath, &smd->mdev);
	scsi_mpath_unlock();
	mutex_unlock(&smd->head->pr_lock);
	scsi_mpath_attach(smd, sdkp->mpath);
	scsi_mpath_update_state(sdp);
	mpath_device_set_live(&smd->mdev);
}

/**
 * sd_mpath_remove() - A path's disk is about to be deleted: stop routing
 * head I/O to it.
 * @sdkp: The path, added with sd_mpath_add().
 */
void sd_mpath_remove(struct scsi_disk *sdkp)
{
	struct scsi_mpath_device *smd = sdkp->device->mpath_dev;
	struct mpath_head *mpath = sdkp->mpath;

	/*
	 * Published as not usable, even when the device runs on (sd unbound
	 * from it): new I/O does not choose it.
	 */
	scsi_mpath_detach(smd);
	mpath_synchronize(mpath);
	if (mpath_clear_current_path(&smd->mdev))
		mpath_synchronize(mpath);
	mpath_remove_sysfs_link(&smd->mdev);
	scsi_mpath_lock();
	/*
	 * The paths that remain may now agree on an integrity profile.  The
	 * last path leaves the profile as it is: a path returning to the
	 * head sets it again when it is revalidated.
	 */
	if (!mpath_delete_device(&smd->mdev)) {
		struct queue_limits lim;

		lim = queue_limits_start_update(mpath->disk->queue);
		sd_mpath_stack_integrity(&lim, mpath, NULL);
		sd_mpath_commit_limits(sdkp, mpath->disk, &lim);
	}
	scsi_mpath_unlock();
	mpath_synchronize(mpath);
}

/**
 * sd_mpath_release() - A path's scsi_disk is released.
 * @sdkp: The path.
 *
 * The head disk goes with its last path, now or after its delayed removal.
 */
void sd_mpath_release(struct scsi_disk *sdkp)
{
	struct scsi_mpath_head *head = sdkp->device->mpath_dev->head;
	struct mpath_head *mpath = sdkp->mpath;

	scsi_mpath_lock();
	if (--head->disk_paths || !mpath_can_remove_head(mpath)) {
		scsi_mpath_unlock();
		return;
	}
	RCU_INIT_POINTER(head->mpath, NULL);
	scsi_mpath_unlock();
	sd_mpath_remove_head_disk(head, mpath);
}
