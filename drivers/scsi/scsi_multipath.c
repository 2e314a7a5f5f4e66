// SPDX-License-Identifier: GPL-2.0
/*
 * Native SCSI multipath: grouping of scsi_devices into heads, their path
 * state and the clones that carry a head's bios down a path.
 *
 * A scsi_device that reports target port group support (or any, with
 * multipath=always) and a VPD page 0x83 designator joins the head of that
 * designator when it is scanned.  The head exists while it has members or
 * a head disk; sd gives it the disk (see sd.c) and with it the libmultipath
 * head that routes the disk's bios.
 */
#include <linux/blkdev.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <scsi/scsi_device.h>
#include <scsi/scsi_dh.h>
#include <scsi/scsi_host.h>
#include <scsi/scsi_multipath.h>
#include <scsi/scsi_proto.h>

#include "scsi_priv.h"

enum scsi_mpath_mode {
	SCSI_MPATH_OFF,
	SCSI_MPATH_ON,
	SCSI_MPATH_ALWAYS,
};

static const char * const scsi_mpath_mode_names[] = {
	[SCSI_MPATH_OFF]	= "off",
	[SCSI_MPATH_ON]		= "on",
	[SCSI_MPATH_ALWAYS]	= "always",
};

static enum scsi_mpath_mode scsi_mpath_mode = SCSI_MPATH_OFF;

static int scsi_mpath_mode_set(const char *val, const struct kernel_param *kp)
{
	int i;

	/* Exact names only: a prefix such as "o" or "office" is an error. */
	for (i = 0; i < ARRAY_SIZE(scsi_mpath_mode_names); i++) {
		if (sysfs_streq(val, scsi_mpath_mode_names[i])) {
			scsi_mpath_mode = i;
			return 0;
		}
	}
	return -EINVAL;
}

static int scsi_mpath_mode_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", scsi_mpath_mode_names[scsi_mpath_mode]);
}

static const struct kernel_param_ops scsi_mpath_mode_ops = {
	.set	= scsi_mpath_mode_set,
	.get	= scsi_mpath_mode_get,
};

module_param_cb(multipath, &scsi_mpath_mode_ops, NULL, 0444);
MODULE_PARM_DESC(multipath,
		 "native multipath: off (default), on (devices with target port groups and a designator), always (any device with a designator)");

static int scsi_mpath_default_iopolicy = MPATH_IOPOLICY_NUMA;

static int scsi_mpath_iopolicy_set(const char *val, const struct kernel_param *kp)
{
	return mpath_set_iopolicy(val, &scsi_mpath_default_iopolicy);
}

static int scsi_mpath_iopolicy_get(char *buf, const struct kernel_param *kp)
{
	return mpath_get_iopolicy(buf, scsi_mpath_default_iopolicy);
}

static const struct kernel_param_ops scsi_mpath_iopolicy_ops = {
	.set	= scsi_mpath_iopolicy_set,
	.get	= scsi_mpath_iopolicy_get,
};

module_param_cb(multipath_iopolicy, &scsi_mpath_iopolicy_ops, NULL, 0644);
MODULE_PARM_DESC(multipath_iopolicy,
		 "default I/O policy of new multipath heads: numa (default), round-robin or queue-depth");

/* A path that failed I/O is tried again with TEST UNIT READY this often. */
#define SCSI_MPATH_RECHECK_INTERVAL	(5 * HZ)

/*
 * scsi_mpath_mutex protects the list of heads and the heads' mpath
 * pointers: a head is found, joined, given a library head or stripped of
 * it only under it.
 */
static DEFINE_MUTEX(scsi_mpath_mutex);
static LIST_HEAD(scsi_mpath_heads);
static DEFINE_IDA(scsi_mpath_head_ida);

void scsi_mpath_lock(void)
{
	mutex_lock(&scsi_mpath_mutex);
}
EXPORT_SYMBOL_GPL(scsi_mpath_lock);

void scsi_mpath_unlock(void)
{
	mutex_unlock(&scsi_mpath_mutex);
}
EXPORT_SYMBOL_GPL(scsi_mpath_unlock);

/*
 * The clone of a head bio sent down one path: the head's bio is completed,
 * or requeued whole, when the clone completes.
 */
struct scsi_mpath_clone {
	struct scsi_mpath_device *smd;
	atomic_t *nr_active;
	unsigned long start_time;
	struct bio clone;	/* last: the bio_set's front pad is the rest */
};

/*
 * The clones of every head, from one set rather than one per head: its
 * per-CPU cache of free clones, which spares each I/O a trip through the
 * mempool and the slab allocator, then holds its memory (up to 256 clones
 * per CPU) once, not per logical unit.  One set cannot deadlock: a clone
 * goes to a path, and a path is never a head.  Initialised only when
 * multipath is not off.
 */
static struct bio_set scsi_mpath_clones;

static inline struct scsi_mpath_head *to_scsi_mpath_head(struct device *dev)
{
	return container_of(dev, struct scsi_mpath_head, dev);
}

static ssize_t vpd_id_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%s\n", to_scsi_mpath_head(dev)->vpd_id);
}
static DEVICE_ATTR_RO(vpd_id);

static ssize_t iopolicy_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	return mpath_iopolicy_show(&to_scsi_mpath_head(dev)->iopolicy, buf);
}

static ssize_t iopolicy_store(struct device *dev, struct device_attribute *attr,
			      const char *buf, size_t count)
{
	struct scsi_mpath_head *head = to_scsi_mpath_head(dev);
	struct mpath_head *mpath;

	if (!mpath_iopolicy_store(&head->iopolicy, buf, count))
		return -EINVAL;

	rcu_read_lock();
	mpath = rcu_dereference(head->mpath);
	if (mpath) {
		mpath_clear_paths(mpath);
		mpath_schedule_requeue_work(mpath);
	}
	rcu_read_unlock();
	return count;
}
static DEVICE_ATTR_RW(iopolicy);

static struct attribute *scsi_mpath_head_attrs[] = {
	&dev_attr_vpd_id.attr,
	&dev_attr_iopolicy.attr,
	NULL,
};

static const struct attribute_group scsi_mpath_head_group = {
	.attrs	= scsi_mpath_head_attrs,
};

/* multipath/: a link to each member scsi_device, named H:C:T:L. */
static struct attribute *scsi_mpath_links_attrs[] = {
	NULL,
};

static const struct attribute_group scsi_mpath_links_group = {
	.name	= "multipath",
	.attrs	= scsi_mpath_links_attrs,
};

static const struct attribute_group *scsi_mpath_head_groups[] = {
	&scsi_mpath_head_group,
	&scsi_mpath_links_group,
	NULL,
};

static void scsi_mpath_head_release(struct device *dev)
{
	struct scsi_mpath_head *head = to_scsi_mpath_head(dev);

	ida_free(&scsi_mpath_head_ida, head->index);
	ida_destroy(&head->path_ida);
	mutex_destroy(&head->pr_lock);
	kfree(head);
}

static const struct class scsi_mpath_class = {
	.name		= "scsi_mpath_device",
	.dev_groups	= scsi_mpath_head_groups,
	.dev_release	= scsi_mpath_head_release,
};

void scsi_mpath_get_head(struct scsi_mpath_head *head)
{
	kref_get(&head->ref);
}
EXPORT_SYMBOL_GPL(scsi_mpath_get_head);

static void scsi_mpath_head_unlink(struct kref *ref)
	__releases(&scsi_mpath_mutex)
{
	struct scsi_mpath_head *head =
		container_of(ref, struct scsi_mpath_head, ref);

	list_del(&head->entry);
	mutex_unlock(&scsi_mpath_mutex);
	device_unregister(&head->dev);
}

void scsi_mpath_put_head(struct scsi_mpath_head *head)
{
	kref_put_mutex(&head->ref, scsi_mpath_head_unlink, &scsi_mpath_mutex);
}
EXPORT_SYMBOL_GPL(scsi_mpath_put_head);

static struct scsi_mpath_head *scsi_mpath_find_head(const char *vpd_id)
{
	struct scsi_mpath_head *head;

	lockdep_assert_held(&scsi_mpath_mutex);
	list_for_each_entry(head, &scsi_mpath_heads, entry) {
		if (!strcmp(head->vpd_id, vpd_id) && kref_get_unless_zero(&head->ref))
			return head;
	}
	return NULL;
}

static struct scsi_mpath_head *scsi_mpath_alloc_head(const char *vpd_id)
{
	struct scsi_mpath_head *head;
	int ret;

	lockdep_assert_held(&scsi_mpath_mutex);
	head = kzalloc_obj(*head);
	if (!head)
		return NULL;
	head->index = ida_alloc(&scsi_mpath_head_ida, GFP_KERNEL);
	if (head->index < 0) {
		kfree(head);
		return NULL;
	}
	kref_init(&head->ref);
	ida_init(&head->path_ida);
	mutex_init(&head->pr_lock);
	head->iopolicy.iopolicy = READ_ONCE(scsi_mpath_default_iopolicy);
	head->disk_index = -1;
	strscpy(head->vpd_id, vpd_id);

	device_initialize(&head->dev);
	head->dev.class = &scsi_mpath_class;
	ret = dev_set_name(&head->dev, "scsi_mpath_device%d", head->index);
	if (!ret)
		ret = device_add(&head->dev);
	if (ret) {
		put_device(&head->dev);
		return NULL;
	}
	list_add_tail(&head->entry, &scsi_mpath_heads);
	return head;
}

/*
 * Publish the state of a path to the selectors: usable when the device
 * runs, has not failed I/O, is not being deleted from its head and is
 * active in ALUA terms; optimized when it is active/optimized.  A device
 * without ALUA reads as active/optimized.
 */
static void scsi_mpath_publish(struct scsi_mpath_device *smd)
{
	struct scsi_device *sdev = smd->sdev;
	enum mpath_access_state state;
	bool usable;

	lockdep_assert_held(&smd->lock);
	usable = READ_ONCE(sdev->sdev_state) == SDEV_RUNNING && !smd->failed &&
		 !smd->detached;
	switch (READ_ONCE(sdev->access_state) & SCSI_ACCESS_STATE_MASK) {
	case SCSI_ACCESS_STATE_OPTIMAL:
		state = MPATH_STATE_OPTIMIZED;
		break;
	case SCSI_ACCESS_STATE_ACTIVE:
		state = MPATH_STATE_NONOPTIMIZED;
		break;
	default:
		state = MPATH_STATE_OTHER;
		usable = false;
		break;
	}
	mpath_device_set_state(&smd->mdev, state, !usable,
			       usable && state == MPATH_STATE_OPTIMIZED);
}

/*
 * Re-derive the path's state and act on it through the library: a path
 * that stops being usable is dropped from the cached paths, and queued I/O
 * is retried whenever a path is usable.
 */
static void scsi_mpath_changed(struct scsi_mpath_device *smd, bool reinstate)
{
	struct mpath_head *mpath;
	unsigned long flags;
	bool disabled;

	spin_lock_irqsave(&smd->lock, flags);
	if (reinstate)
		smd->failed = false;
	scsi_mpath_publish(smd);
	disabled = smd->mdev.disabled;
	spin_unlock_irqrestore(&smd->lock, flags);

	rcu_read_lock();
	mpath = rcu_dereference(smd->mpath);
	if (mpath) {
		if (disabled)
			mpath_clear_current_path(&smd->mdev);
		else
			mpath_schedule_requeue_work(mpath);
	}
	rcu_read_unlock();
}

/**
 * scsi_mpath_update_state() - The state or access state of a device changed.
 * @sdev: The device.
 *
 * Called after every change of @sdev->sdev_state and by the device handlers
 * after they changed @sdev->access_state.  A device that enters
 * %SDEV_RUNNING is tried again even if it failed I/O before.
 *
 * Context: Any context.
 */
void scsi_mpath_update_state(struct scsi_device *sdev)
{
	struct scsi_mpath_device *smd = sdev->mpath_dev;

	if (smd)
		scsi_mpath_changed(smd, READ_ONCE(sdev->sdev_state) == SDEV_RUNNING);
}
EXPORT_SYMBOL_GPL(scsi_mpath_update_state);

static void scsi_mpath_fail_path(struct scsi_mpath_device *smd)
{
	unsigned long flags;
	bool was_failed;

	spin_lock_irqsave(&smd->lock, flags);
	was_failed = smd->failed;
	smd->failed = true;
	scsi_mpath_publish(smd);
	spin_unlock_irqrestore(&smd->lock, flags);

	if (!was_failed) {
		sdev_printk(KERN_INFO, smd->sdev,
			    "multipath: path failed, retrying I/O on other paths\n");
		queue_delayed_work(system_long_wq, &smd->recheck_work,
				   SCSI_MPATH_RECHECK_INTERVAL);
	}
	scsi_mpath_changed(smd, false);
}

static void scsi_mpath_recheck_work(struct work_struct *work)
{
	struct scsi_mpath_device *smd = container_of(to_delayed_work(work),
					struct scsi_mpath_device, recheck_work);
	struct scsi_device *sdev = smd->sdev;

	/* A device that is not running is reinstated when it runs again. */
	if (READ_ONCE(sdev->sdev_state) != SDEV_RUNNING || !READ_ONCE(smd->failed))
		return;
	if (scsi_test_unit_ready(sdev, sdev->request_queue->rq_timeout, 1, NULL)) {
		queue_delayed_work(system_long_wq, &smd->recheck_work,
				   SCSI_MPATH_RECHECK_INTERVAL);
		return;
	}
	sdev_printk(KERN_INFO, sdev, "multipath: path reinstated\n");
	scsi_mpath_changed(smd, true);
}

/**
 * scsi_mpath_attach() - sd added the device as a path of a library head.
 * @smd: The path.
 * @mpath: The library head it was added to.
 */
void scsi_mpath_attach(struct scsi_mpath_device *smd, struct mpath_head *mpath)
{
	spin_lock_irq(&smd->lock);
	smd->detached = false;
	spin_unlock_irq(&smd->lock);
	rcu_assign_pointer(smd->mpath, mpath);
}
EXPORT_SYMBOL_GPL(scsi_mpath_attach);

/**
 * scsi_mpath_detach() - sd is about to delete the path from its head.
 * @smd: The path.
 *
 * The path is published as not usable from now on, whatever the device's
 * state: when sd is unbound from a running device, nothing else would stop
 * the selectors from choosing it again after sd cleared it from the cached
 * paths, and a path cached then would outlive its removal from the head.
 *
 * Context: Process context; waits for the state updates that still see the
 * library head.
 */
void scsi_mpath_detach(struct scsi_mpath_device *smd)
{
	spin_lock_irq(&smd->lock);
	smd->detached = true;
	scsi_mpath_publish(smd);
	spin_unlock_irq(&smd->lock);
	RCU_INIT_POINTER(smd->mpath, NULL);
	synchronize_rcu();
}
EXPORT_SYMBOL_GPL(scsi_mpath_detach);

/**
 * scsi_mpath_available_path() - &mpath_head_template.available_path of SCSI.
 * @mdev: A path of a head without a usable path.
 *
 * Return: true if the device may carry I/O again without being scanned
 * anew: it runs (its access state or a failure may change) or is blocked
 * or quiesced for a while.
 */
bool scsi_mpath_available_path(struct mpath_device *mdev)
{
	switch (READ_ONCE(scsi_mpath_to_device(mdev)->sdev->sdev_state)) {
	case SDEV_RUNNING:
	case SDEV_QUIESCE:
	case SDEV_BLOCK:
	case SDEV_CREATED_BLOCK:
		return true;
	default:
		return false;
	}
}
EXPORT_SYMBOL_GPL(scsi_mpath_available_path);

static void scsi_mpath_clone_end_io(struct bio *clone)
{
	struct scsi_mpath_clone *ctx =
		container_of(clone, struct scsi_mpath_clone, clone);
	struct scsi_mpath_device *smd = ctx->smd;
	blk_status_t status = clone->bi_status;
	struct bio *bio = clone->bi_private;
	struct mpath_head *mpath;
	unsigned long flags;

	if (ctx->nr_active)
		atomic_dec_if_positive(ctx->nr_active);
	if (ctx->start_time)
		bio_end_io_acct(bio, ctx->start_time);
	bio_put(clone);

	/*
	 * BLK_STS_AGAIN: a REQ_NOWAIT clone found the path busy; the
	 * submitter retries without REQ_NOWAIT, the path is fine.
	 */
	if (likely(!status) || status == BLK_STS_AGAIN ||
	    !blk_path_error(status)) {
		bio->bi_status = status;
		bio_endio(bio);
		return;
	}

	/*
	 * The path failed the I/O: send the head's bio again, whole, down
	 * another path.  The head disk outlives its queued bios.
	 */
	scsi_mpath_fail_path(smd);
	mpath = bio->bi_bdev->bd_disk->private_data;
	spin_lock_irqsave(&mpath->requeue_lock, flags);
	bio_list_add(&mpath->requeue_list, bio);
	spin_unlock_irqrestore(&mpath->requeue_lock, flags);
	mpath_schedule_requeue_work(mpath);
}

/**
 * scsi_mpath_clone_bio() - &mpath_head_template.clone_bio of SCSI.
 * @mdev: The path the bio goes to.
 * @bio: A bio of the head disk.
 *
 * Return: The clone to send down @mdev, or NULL if it could not be made.
 */
struct bio *scsi_mpath_clone_bio(struct mpath_device *mdev, struct bio *bio)
{
	struct scsi_mpath_device *smd = scsi_mpath_to_device(mdev);
	struct scsi_mpath_head *head = smd->head;
	struct scsi_mpath_clone *ctx;
	struct bio *clone;

	/*
	 * Also for a REQ_NOWAIT bio: the pool's reserve makes this wait only
	 * while all of the reserve's clones are in flight.
	 */
	clone = bio_alloc_clone(bio->bi_bdev, bio, GFP_NOIO, &scsi_mpath_clones);
	if (!clone)
		return NULL;
	ctx = container_of(clone, struct scsi_mpath_clone, clone);
	ctx->smd = smd;
	ctx->nr_active = NULL;
	if (mpath_qd_iopolicy(&head->iopolicy)) {
		ctx->nr_active = mdev->nr_active;
		atomic_inc(ctx->nr_active);
	}
	ctx->start_time = 0;
	if (blk_queue_io_stat(bio->bi_bdev->bd_disk->queue))
		ctx->start_time = bio_start_io_acct(bio);
	/* Fail over on transport errors rather than retry on this path. */
	clone->bi_opf |= REQ_FAILFAST_TRANSPORT;
	clone->bi_private = bio;
	clone->bi_end_io = scsi_mpath_clone_end_io;
	return clone;
}
EXPORT_SYMBOL_GPL(scsi_mpath_clone_bio);

static bool scsi_mpath_eligible(struct scsi_device *sdev)
{
	if (scsi_mpath_mode == SCSI_MPATH_OFF || sdev->host->hostt->no_multipath)
		return false;
	if (scsi_mpath_mode == SCSI_MPATH_ON && !scsi_device_tpgs(sdev)) {
		sdev_printk(KERN_DEBUG, sdev,
			    "multipath: no target port groups, not multipathed\n");
		return false;
	}
	return true;
}

/**
 * scsi_mpath_dev_alloc() - Make a newly scanned device a path if it is one.
 * @sdev: The device, with its VPD pages read.
 *
 * A device that cannot be made a path (no designator, no memory) is used
 * on its own, as without multipath.
 */
void scsi_mpath_dev_alloc(struct scsi_device *sdev)
{
	struct scsi_mpath_device *smd;
	struct scsi_mpath_head *head;
	char *vpd_id;
	int len;

	if (!scsi_mpath_eligible(sdev))
		return;

	vpd_id = kzalloc(SCSI_MPATH_VPD_ID_LEN, GFP_KERNEL);
	if (!vpd_id)
		return;
	len = scsi_vpd_lun_id(sdev, vpd_id, SCSI_MPATH_VPD_ID_LEN);
	if (len <= 0 || len >= SCSI_MPATH_VPD_ID_LEN) {
		sdev_printk(KERN_DEBUG, sdev,
			    "multipath: no usable designator, not multipathed\n");
		goto out_free_id;
	}

	smd = kzalloc_obj(*smd);
	if (!smd)
		goto out_free_id;

	mutex_lock(&scsi_mpath_mutex);
	head = scsi_mpath_find_head(vpd_id);
	if (!head)
		head = scsi_mpath_alloc_head(vpd_id);
	if (!head)
		goto out_unlock;
	smd->index = ida_alloc(&head->path_ida, GFP_KERNEL);
	if (smd->index < 0)
		goto out_put;
	mutex_unlock(&scsi_mpath_mutex);

	smd->sdev = sdev;
	smd->head = head;
	spin_lock_init(&smd->lock);
	INIT_DELAYED_WORK(&smd->recheck_work, scsi_mpath_recheck_work);
	smd->mdev.numa_node = dev_to_node(sdev->host->dma_dev);
	smd->mdev.nr_active = &sdev->host->mpath_nr_active;
	spin_lock_irq(&smd->lock);
	scsi_mpath_publish(smd);
	spin_unlock_irq(&smd->lock);
	sdev->mpath_dev = smd;
	kfree(vpd_id);
	return;

out_put:
	mutex_unlock(&scsi_mpath_mutex);
	scsi_mpath_put_head(head);
	goto out_free;
out_unlock:
	mutex_unlock(&scsi_mpath_mutex);
out_free:
	kfree(smd);
	sdev_printk(KERN_WARNING, sdev,
		    "multipath: out of memory, not multipathed\n");
out_free_id:
	kfree(vpd_id);
}

/**
 * scsi_mpath_add_device() - A path was registered.
 * @sdev: The device.
 *
 * Links it under its head's multipath/ and has its device handler read
 * its access state: handlers attach without reading it (alua reads it
 * when a path is activated or the target reports a change), and the path
 * selectors need it from the start.
 */
void scsi_mpath_add_device(struct scsi_device *sdev)
{
	struct scsi_mpath_device *smd = sdev->mpath_dev;
	int ret;

	if (!smd)
		return;
	if (sdev->handler && sdev->handler->rescan)
		sdev->handler->rescan(sdev);
	ret = sysfs_add_link_to_group(&smd->head->dev.kobj, "multipath",
				      &sdev->sdev_gendev.kobj,
				      dev_name(&sdev->sdev_gendev));
	if (ret)
		sdev_printk(KERN_WARNING, sdev,
			    "multipath: failed to link the device: %d\n", ret);
}

/**
 * scsi_mpath_remove_device() - A path is going away.
 * @sdev: The device, no longer bound to a driver.
 */
void scsi_mpath_remove_device(struct scsi_device *sdev)
{
	struct scsi_mpath_device *smd = sdev->mpath_dev;
	struct scsi_mpath_head *head;

	if (!smd)
		return;
	head = smd->head;
	cancel_delayed_work_sync(&smd->recheck_work);
	sysfs_remove_link_from_group(&head->dev.kobj, "multipath",
				     dev_name(&sdev->sdev_gendev));
	ida_free(&head->path_ida, smd->index);
	/* sd may still hold the head through its disk (see sd_multipath.c) */
	scsi_mpath_put_head(head);
}

/**
 * scsi_mpath_free_device() - Free the path state of a released device.
 * @sdev: The device.
 */
void scsi_mpath_free_device(struct scsi_device *sdev)
{
	kfree(sdev->mpath_dev);
	sdev->mpath_dev = NULL;
}

int __init scsi_mpath_init(void)
{
	int ret;

	if (scsi_mpath_mode != SCSI_MPATH_OFF) {
		ret = bioset_init(&scsi_mpath_clones, BIO_POOL_SIZE,
				  offsetof(struct scsi_mpath_clone, clone),
				  BIOSET_PERCPU_CACHE);
		if (ret)
			return ret;
	}
	ret = class_register(&scsi_mpath_class);
	if (ret && scsi_mpath_mode != SCSI_MPATH_OFF)
		bioset_exit(&scsi_mpath_clones);
	return ret;
}

void scsi_mpath_exit(void)
{
	class_unregister(&scsi_mpath_class);
	if (scsi_mpath_mode != SCSI_MPATH_OFF)
		bioset_exit(&scsi_mpath_clones);
}
