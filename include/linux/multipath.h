/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libmultipath: the multipath library for block drivers.
 *
 * A driver embeds a &struct mpath_device in each of its path objects,
 * gets a &struct mpath_head per LUN or namespace from mpath_alloc_head(),
 * and fills in a &struct mpath_head_template with its callbacks.  The
 * library (lib/multipath, in Rust) owns the head disk, routes its bios to
 * a path under the head's SRCU, and implements the I/O policies, delayed
 * removal and the multipath sysfs attributes.  bindgen reads this header
 * when the library is built: the Rust side uses these very structures,
 * and each exported function is checked against its prototype here.
 */
#ifndef _LINUX_MULTIPATH_H
#define _LINUX_MULTIPATH_H

#include <linux/types.h>
#include <linux/bio.h>
#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/io_uring/cmd.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/pr.h>
#include <linux/spinlock.h>
#include <linux/srcu.h>
#include <linux/workqueue.h>

/**
 * MPATH_HEAD_DISK_LIVE - Bit in &mpath_head.flags: the head gendisk has been added.
 */
#define MPATH_HEAD_DISK_LIVE 0

/**
 * MPATH_HEAD_QUEUE_IF_NO_PATH - Bit in &mpath_head.flags: queue I/O when no path
 * is available.
 */
#define MPATH_HEAD_QUEUE_IF_NO_PATH 1

/**
 * MPATH_HEAD_CDEV_LIVE - Bit in &mpath_head.flags: the head character device has
 * been added.
 */
#define MPATH_HEAD_CDEV_LIVE 2

/**
 * MPATH_DEVICE_SYSFS_ATTR_LINK - Bit in &mpath_device.flags: a link to this path
 * exists in the head's multipath/ sysfs directory.
 */
#define MPATH_DEVICE_SYSFS_ATTR_LINK 0

/**
 * enum mpath_iopolicy_e - The I/O policy of a group of heads.
 * @MPATH_IOPOLICY_NUMA: Use the path closest to the submitting CPU's NUMA node.
 * @MPATH_IOPOLICY_RR: Rotate over the usable paths.
 * @MPATH_IOPOLICY_QD: Use the path with the fewest outstanding requests.
 */
enum mpath_iopolicy_e {
	MPATH_IOPOLICY_NUMA = 0,
	MPATH_IOPOLICY_RR = 1,
	MPATH_IOPOLICY_QD = 2,
};

/**
 * enum mpath_access_state - The access state of a path, as the driver sees it.
 * @MPATH_STATE_OPTIMIZED: Active/optimized.
 * @MPATH_STATE_NONOPTIMIZED: Active/non-optimized.
 * @MPATH_STATE_OTHER: Anything else; such a path is never selected.
 */
enum mpath_access_state {
	MPATH_STATE_OPTIMIZED = 0,
	MPATH_STATE_NONOPTIMIZED = 1,
	MPATH_STATE_OTHER = 2,
};

/**
 * struct mpath_device - One path to a multipath head, embedded in the driver's
 * per-path object.
 */
struct mpath_device {
	/**
	 * @mpath_head: The head this path belongs to, set by mpath_add_device().
	 */
	struct mpath_head *mpath_head;
	/**
	 * @siblings: Entry in &mpath_head.dev_list (an SRCU-protected list).
	 */
	struct list_head siblings;
	/**
	 * @disk: The path's own (hidden) gendisk; set by the driver before adding the
	 * path.
	 */
	struct gendisk *disk;
	/**
	 * @flags: %MPATH_DEVICE_* bits.
	 */
	unsigned long flags;
	/**
	 * @numa_node: NUMA node of the path, or %NUMA_NO_NODE; set by the driver.
	 */
	int numa_node;
	/**
	 * @access_state: One of the %MPATH_STATE_* values; written by the driver with
	 * mpath_device_set_state().
	 */
	enum mpath_access_state access_state;
	/**
	 * @disabled: The path must not carry I/O now; written by the driver with
	 * mpath_device_set_state().
	 */
	bool disabled;
	/**
	 * @optimized: The path is optimized and fully up, so the numa policy keeps
	 * using it once chosen; written by the driver with mpath_device_set_state().
	 */
	bool optimized;
	/**
	 * @nr_active: Optional: the count of outstanding requests the queue-depth
	 * policy compares, maintained by the driver (it may be shared by the paths
	 * of one controller or host); NULL counts as idle.  Set by the driver
	 * before mpath_add_device().
	 */
	atomic_t *nr_active;
};

/**
 * mpath_device_set_state() - Publish the state of a path to the path selectors.
 * @mdev: The path.
 * @access_state: Its access state.
 * @disabled: It must not carry I/O now (e.g. its transport is down, the device
 *	is not ready, or its access state is being re-read).
 * @optimized: @access_state is %MPATH_STATE_OPTIMIZED and the path is fully up.
 *
 * The selectors read these fields on every I/O instead of calling the driver,
 * so the driver calls this after every change of what it derives them from,
 * with its updates of one path serialised, and before it acts on the change
 * through the library: before mpath_synchronize(), mpath_clear_current_path(),
 * mpath_device_set_live() or mpath_schedule_requeue_work(), so that readers
 * after those see the new state.  The first call comes before
 * mpath_add_device().
 *
 * Context: Any context.
 */
static inline void mpath_device_set_state(struct mpath_device *mdev,
					  enum mpath_access_state access_state,
					  bool disabled, bool optimized)
{
	WRITE_ONCE(mdev->access_state, access_state);
	WRITE_ONCE(mdev->disabled, disabled);
	WRITE_ONCE(mdev->optimized, optimized);
}

/**
 * struct mpath_head_template - Driver callbacks of a multipath head.
 */
struct mpath_head_template {
	/**
	 * @available_path: Whether mdev may become usable again, so that I/O should be queued
	 * rather than failed.  Called under SRCU.
	 */
	bool (*available_path)(struct mpath_device *mdev);
	/**
	 * @remove_head: Tear the head down after its delayed removal expired.
	 * Called from the library's workqueue, without library locks held,
	 * only if the head had no path under its lock just before; a path the
	 * driver links concurrently (its mpath_add_device() lost the race
	 * to cancel the running work) must make the callback keep the head,
	 * so the driver checks again under the lock that serialises its own
	 * path additions.  The library holds a head reference and the
	 * driver module across the call.
	 */
	void (*remove_head)(struct mpath_head *head);
	/**
	 * @add_cdev: Add the head character device once the head disk is live, with
	 * mpath_chr_fops and the driver's module as the owner of &mpath_head.cdev:
	 * an open of the character device pins only the head, not the driver.
	 */
	int (*add_cdev)(struct mpath_head *head);
	/**
	 * @del_cdev: Delete the head character device.
	 */
	void (*del_cdev)(struct mpath_head *head);
	/**
	 * @cdev_ioctl: Handle an ioctl of the head character device on the path mdev.
	 */
	long (*cdev_ioctl)(struct mpath_device *mdev,
			   unsigned int cmd,
			   unsigned long arg,
			   bool open_for_write);
	/**
	 * @chr_uring_cmd: io_uring passthrough on the head character device.
	 */
	int (*chr_uring_cmd)(struct mpath_device *mdev,
			     struct io_uring_cmd *ioucmd,
			     unsigned int issue_flags);
	/**
	 * @chr_uring_cmd_iopoll: io_uring iopoll on the head character device.
	 */
	int (*chr_uring_cmd_iopoll)(struct io_uring_cmd *ioucmd,
				    struct io_comp_batch *iob,
				    unsigned int poll_flags);
	/**
	 * @clone_bio: Optional: the bio to send down the path mdev instead of
	 * bio, which the driver then completes or requeues itself; NULL fails
	 * bio.  Called under SRCU.
	 */
	struct bio *(*clone_bio)(struct mpath_device *mdev, struct bio *bio);
	/**
	 * @ioctl_begin: Called under SRCU before an ioctl; if it stores a pointer in
	 * data, the library drops SRCU around the ioctl and then passes that pointer
	 * to ioctl_finish.
	 */
	void (*ioctl_begin)(struct mpath_device *mdev, unsigned int cmd, void **data);
	/**
	 * @ioctl_finish: See ioctl_begin.
	 */
	void (*ioctl_finish)(void *data);
	/**
	 * @bdev_ioctl: Optional: handle an ioctl of the head block device bdev (the head
	 * disk or one of its partitions) on the path mdev.  Without it the path disk's
	 * ioctl is called for the path's whole disk, and only %CAP_SYS_ADMIN may issue
	 * ioctls on a head partition.
	 */
	int (*bdev_ioctl)(struct mpath_device *mdev,
			  struct block_device *bdev,
			  blk_mode_t mode,
			  unsigned int cmd,
			  unsigned long arg);
};

/**
 * struct mpath_head - A multipath head: one per LUN or namespace, allocated by the library.
 *
 * The driver sets @mpdt, @iopolicy, @drvdata, @parent, @disk_groups
 * and @drv_module after mpath_alloc_head(); everything else belongs to the
 * library.  Drivers otherwise go through the functions below, with these
 * exceptions: they may read @flags, walk @dev_list under @srcu or @lock, add
 * bios to @requeue_list under @requeue_lock, fill in @cdev and @cdev_device
 * in add_cdev, and reset the two diagnostic counters.
 *
 * The members every I/O reads come first, so that they share the first
 * cache lines; the large members that only the slow paths use come last,
 * before @current_path, which has to be the last member.
 */
struct mpath_head {
	/**
	 * @srcu: Protects dev_list traversal and current_path reads; initialised
	 * for SRCU-fast readers (srcu_read_lock_fast()), the only kind it may have.
	 */
	struct srcu_struct srcu;
	/**
	 * @dev_list: All paths of this head (&mpath_device.siblings).
	 */
	struct list_head dev_list;
	/**
	 * @iopolicy: The I/O policy of the head, read on every I/O; set by the
	 * driver (NULL means numa).
	 */
	const struct mpath_iopolicy *iopolicy;
	/**
	 * @mpdt: Driver callbacks; set by the driver.
	 */
	const struct mpath_head_template *mpdt;
	/**
	 * @rr_path: Per-CPU round-robin cursor: the path each CPU used last
	 * under the round-robin policy, so that rotating does not write a
	 * cache line that other CPUs share.
	 */
	struct mpath_device __rcu * __percpu *rr_path;
	/**
	 * @disk: The multipath gendisk, or NULL.
	 */
	struct gendisk *disk;
	/**
	 * @flags: %MPATH_HEAD_* bits.
	 */
	unsigned long flags;
	/**
	 * @nr_current_paths: Number of entries of current_path (nr_node_ids at allocation).
	 */
	unsigned int nr_current_paths;
	/**
	 * @lock: Serialises path list changes and head state changes.
	 */
	struct mutex lock;
	/**
	 * @ref: Head lifetime; the driver holds the initial reference.
	 */
	struct kref ref;
	/**
	 * @requeue_list: Bios waiting for a usable path.
	 */
	struct bio_list requeue_list __guarded_by(&requeue_lock);
	/**
	 * @requeue_lock: Protects requeue_list.
	 */
	spinlock_t requeue_lock;
	/**
	 * @requeue_work: Resubmits requeue_list.
	 */
	struct work_struct requeue_work;
	/**
	 * @io_requeue_no_usable_path_count: Bios requeued because no path was usable.
	 */
	atomic_long_t io_requeue_no_usable_path_count;
	/**
	 * @io_fail_no_available_path_count: Bios failed because no path was available.
	 */
	atomic_long_t io_fail_no_available_path_count;
	/**
	 * @drvdata: Driver back pointer.
	 */
	void *drvdata;
	/**
	 * @drv_module: Module pinned while remove_work is pending; set by the driver.
	 */
	struct module *drv_module;
	/**
	 * @parent: Parent device of the head disk; set by the driver.
	 */
	struct device *parent;
	/**
	 * @disk_groups: sysfs groups of the head disk; set by the driver.
	 */
	const struct attribute_group *const *disk_groups;
	/**
	 * @delayed_removal_secs: Seconds to keep a head without paths; 0 removes it at once.
	 */
	unsigned int delayed_removal_secs __guarded_by(&lock);
	/**
	 * @remove_work: Delayed removal of the head after its last path went away.
	 */
	struct delayed_work remove_work;
	/**
	 * @partition_scan_work: Deferred partition scan of the head disk.
	 */
	struct work_struct partition_scan_work;
	/**
	 * @cdev: The head character device.
	 */
	struct cdev cdev;
	/**
	 * @cdev_device: The device of the head character device.
	 */
	struct device cdev_device;
	/**
	 * @current_path: Per-NUMA-node cache of the selected path; nr_current_paths entries.
	 */
	struct mpath_device __rcu *current_path[];
};

/**
 * struct mpath_iopolicy - The I/O policy of a group of heads, owned by the driver.
 *
 * NVMe keeps one per subsystem, SCSI one per multipath head.
 */
struct mpath_iopolicy {
	/**
	 * @iopolicy: One of the %MPATH_IOPOLICY_* values; read with READ_ONCE().
	 */
	enum mpath_iopolicy_e iopolicy;
};

/**
 * mpath_alloc_head() - Allocate a multipath head.
 *
 * The head starts with one reference, owned by the caller, an empty path
 * list, and its locks and SRCU domain initialised.  The caller then sets
 * @mpdt, @iopolicy, @drvdata, @parent, @disk_groups and @drv_module.
 *
 * Context: Process context; may sleep.
 * Return: The head, or an ERR_PTR(): -ENOMEM, or the error of
 * init_srcu_struct().
 */
struct mpath_head *mpath_alloc_head(void);

/**
 * mpath_get_head() - Take a reference on a head unless it is being freed.
 * @head: The head.
 *
 * Context: Any context.
 * Return: 0, or -ENXIO if the last reference is already gone (or @head is
 * NULL).
 */
int mpath_get_head(struct mpath_head *head);

/**
 * mpath_put_head() - Drop a reference on a head; the last one frees it.
 * @head: The head, or NULL (then nothing happens).
 *
 * Context: Process context; may sleep when it frees the head.
 */
void mpath_put_head(struct mpath_head *head);

/**
 * mpath_synchronize() - Wait for the SRCU readers of a head.
 * @head: The head, or NULL (then nothing happens).
 *
 * Waits until every SRCU read section of @head that started before the
 * call has ended.
 *
 * Context: Process context; sleeps.
 */
void mpath_synchronize(struct mpath_head *head);

/**
 * mpath_set_iopolicy() - Parse an I/O policy name for a module parameter.
 * @val: The name, NUL-terminated; one trailing newline is ignored.
 * @iopolicy: Where to store the MPATH_IOPOLICY_* value.
 *
 * Only the exact names "numa", "round-robin" and "queue-depth" are
 * accepted.
 *
 * Context: Any context.
 * Return: 0, or -EINVAL for a NULL argument or an unknown name, in which
 * case @iopolicy is left unchanged.
 */
int mpath_set_iopolicy(const char *val, int *iopolicy);

/**
 * mpath_get_iopolicy() - Print an I/O policy name for a module parameter.
 * @buf: Output buffer, at least 16 bytes (a kernel_param get() buffer is
 *       PAGE_SIZE).
 * @iopolicy: An MPATH_IOPOLICY_* value; unknown values print as "numa".
 *
 * Context: Any context.
 * Return: The length of "<name>\n" written to @buf (which is also
 * NUL-terminated), or -EINVAL if @buf is NULL.
 */
int mpath_get_iopolicy(char *buf, int iopolicy);

/**
 * mpath_iopolicy_show() - sysfs show() body of an iopolicy attribute.
 * @iopolicy: The driver's policy box.
 * @buf: The sysfs buffer (PAGE_SIZE).
 *
 * Context: Process context.
 * Return: The length of "<name>\n", or -EINVAL for a NULL argument.
 */
ssize_t mpath_iopolicy_show(struct mpath_iopolicy *iopolicy, char *buf);

/**
 * mpath_iopolicy_store() - sysfs store() body of an iopolicy attribute.
 * @iopolicy: The driver's policy box.
 * @buf: The written text (need not be NUL-terminated).
 * @count: Length of @buf.
 *
 * Sets the policy if @buf is exactly one of the names, optionally followed
 * by a newline, and logs the change.  The caller clears cached paths and
 * kicks requeued I/O as its driver needs.
 *
 * Context: Process context.
 * Return: true if @buf named a policy (changed or not); false otherwise,
 * leaving the policy unchanged (the caller returns -EINVAL).
 */
bool mpath_iopolicy_store(struct mpath_iopolicy *iopolicy, const char *buf, size_t count);

/**
 * mpath_alloc_head_disk() - Allocate the gendisk of a head.
 * @head: The head; @head->mpdt must be set.
 * @lim: Queue limits for the disk.
 * @numa_node: NUMA node for the disk's allocations.
 *
 * Checks that the template is usable (available_path set; ioctl_begin
 * with ioctl_finish, add_cdev with del_cdev and cdev_ioctl), then
 * allocates @head->disk with mpath_ops and
 * the head as private_data.  The first partition scan is deferred until
 * the disk goes live.  The driver then names the disk and sets its
 * capacity; mpath_device_set_live() adds it.
 *
 * Context: Process context; may sleep.
 * Return: 0, -EINVAL for a bad template or a head that has a disk, or the
 * error of blk_alloc_disk().
 */
int mpath_alloc_head_disk(struct mpath_head *head, struct queue_limits *lim, int numa_node);

/**
 * mpath_device_set_live() - A path became usable.
 * @mdev: The path, already added with mpath_add_device().
 *
 * The first call for a head adds its disk (and character device, and
 * schedules the partition scan).  Every call links the path under the
 * head's multipath/ directory, recomputes the per-node paths if @mdev is
 * optimized, and resubmits queued I/O.  Nothing happens for a head
 * without a disk.
 *
 * Context: Process context; may sleep.
 */
void mpath_device_set_live(struct mpath_device *mdev);

/**
 * mpath_remove_disk() - Delete the head disk if it was added.
 * @head: The head.
 *
 * Queued I/O fails from now on; the character device is deleted through
 * del_cdev.  The disk itself is released by mpath_put_disk().
 *
 * Context: Process context; may sleep.
 */
void mpath_remove_disk(struct mpath_head *head);

/**
 * mpath_put_disk() - Release the head disk.
 * @head: The head.
 *
 * Flushes queued I/O and the partition scan, then drops the disk reference
 * from mpath_alloc_head_disk().
 *
 * Context: Process context; may sleep.
 */
void mpath_put_disk(struct mpath_head *head);

/**
 * mpath_add_device() - Add a path to a head.
 * @head: The head.
 * @mdev: The path; @mdev->disk, @mdev->numa_node, @mdev->nr_active and
 * the state (mpath_device_set_state()) set by the driver.
 *
 * Links @mdev and cancels a pending delayed removal of @head under
 * @head->lock, the lock under which mpath_can_remove_head() arms one,
 * so a returning path and a removal never both stay.  May be called with
 * driver locks held that are also held around mpath_can_remove_head():
 * the library calls no driver callback under @head->lock.
 *
 * Context: Process context; may sleep.
 */
void mpath_add_device(struct mpath_head *head, struct mpath_device *mdev);

/**
 * mpath_delete_device() - Remove a path from its head.
 * @mdev: The path.
 *
 * Before deleting @mdev, the driver makes I/O stop choosing it (marks it
 * disabled with mpath_device_set_state()), calls mpath_synchronize(), then
 * mpath_clear_current_path() and, if that returned true,
 * mpath_synchronize() again: a node's current path and a CPU's
 * round-robin cursor must be on the list, because round-robin walks on
 * from the cursor.  SRCU readers may still use @mdev: call
 * mpath_synchronize() before freeing or reusing it.
 *
 * Context: Process context; may sleep.
 * Return: true if the head has no paths left.
 */
bool mpath_delete_device(struct mpath_device *mdev);

/**
 * mpath_head_devices_empty() - Whether a head has no paths.
 * @head: The head.
 *
 * Context: Process context; may sleep.
 * Return: true if @head has no paths (or is NULL).
 */
bool mpath_head_devices_empty(struct mpath_head *head);

/**
 * mpath_clear_current_path() - Stop using a path as any node's current path.
 * @mdev: The path.
 *
 * Clears @mdev from the per-node current paths (numa) and the per-CPU
 * round-robin cursors.
 *
 * Context: Any context.
 * Return: true if some node or CPU used @mdev (the caller may then
 * synchronize).
 */
bool mpath_clear_current_path(struct mpath_device *mdev);

/**
 * mpath_clear_paths() - Forget every node's current path.
 * @head: The head.
 *
 * Clears the per-node current paths and the per-CPU round-robin cursors:
 * the next I/O selects a path afresh.
 *
 * Context: Any context.
 */
void mpath_clear_paths(struct mpath_head *head);

/**
 * mpath_revalidate_paths() - The head disk's capacity changed.
 * @head: The head.
 * @not_ready_cb: Optional; called under SRCU for each path whose disk
 *                capacity differs from the head disk's.
 *
 * Forgets every node's current path and resubmits queued I/O.
 *
 * Context: Process context.
 */
void mpath_revalidate_paths(struct mpath_head *head,
			    void (*not_ready_cb)(struct mpath_device *mdev));

/**
 * mpath_call_for_device() - Call a function for the path I/O would use.
 * @head: The head.
 * @cb: The function; runs under the head's SRCU read lock.
 *
 * Context: Any context that may take an SRCU read lock.
 * Return: The result of @cb, or -EWOULDBLOCK if no path is usable (or an
 * argument is NULL).
 */
int mpath_call_for_device(struct mpath_head *head, int (*cb)(struct mpath_device *mdev));

/**
 * mpath_add_sysfs_link() - Link the head's added paths under multipath/.
 * @head: The head.
 *
 * Creates <head disk>/multipath/<path disk> for every path whose disk
 * has been added and has no link yet; nothing happens before the head
 * disk is added.
 *
 * Context: Process context; may sleep.
 */
void mpath_add_sysfs_link(struct mpath_head *head);

/**
 * mpath_remove_sysfs_link() - Remove the link to a path under multipath/.
 * @mdev: The path.
 *
 * Context: Process context; may sleep.
 */
void mpath_remove_sysfs_link(struct mpath_device *mdev);

/**
 * mpath_numa_nodes_show() - sysfs show() body of a path's numa_nodes.
 * @mdev: The path.
 * @iopolicy: The policy box that applies to the path's head.
 * @buf: The sysfs buffer (PAGE_SIZE).
 *
 * Context: Process context.
 * Return: The length of the node list of the nodes that currently use
 * @mdev ("0-1,3\n", or "\n" for none, also for a path that is on no
 * head); 0 unless the policy is numa; -EINVAL for NULL.
 */
ssize_t mpath_numa_nodes_show(struct mpath_device *mdev,
			      struct mpath_iopolicy *iopolicy,
			      char *buf);

/**
 * mpath_can_remove_head() - Decide about a head that lost its last path.
 * @head: The head.
 *
 * The one decision about @head's fate, made under @head->lock: a head
 * that has a path again is kept; without delayed_removal_secs (or with
 * its driver being unloaded) it must be removed now; otherwise a delayed
 * removal is (re)armed and the head kept.  A pending removal holds a
 * reference on @head and one on @head->drv_module until it runs (then
 * calls the remove_head() callback) or a returning path cancels it in
 * mpath_add_device(), so the driver may drop its own references
 * meanwhile.  The driver unlinks the head from its own lookup structures
 * exactly when this returns true, under the lock it holds around the
 * call, so a concurrent delayed_removal_secs store cannot make it keep a
 * head it unlinked.
 *
 * Context: Process context; takes @head->lock.
 * Return: true if the driver must remove the head now, false if the head
 * stays.
 */
bool mpath_can_remove_head(struct mpath_head *head);

/**
 * mpath_delayed_removal_secs_show() - sysfs show() body.
 * @head: The head.
 * @buf: The sysfs buffer (PAGE_SIZE).
 *
 * Context: Process context; may sleep.
 * Return: The length of "<secs>\n", or -EINVAL for NULL.
 */
ssize_t mpath_delayed_removal_secs_show(struct mpath_head *head, char *buf);

/**
 * mpath_delayed_removal_secs_store() - sysfs store() body.
 * @head: The head.
 * @buf: The written text.
 * @count: Length of @buf.
 *
 * Accepts an unsigned number (decimal, 0x hex or 0 octal, optional
 * newline).  A non-zero value makes the head queue I/O while it has no
 * path and keep itself that long after its last path went away.
 *
 * The new value applies to the next mpath_can_remove_head(); a removal
 * already pending keeps its time.
 *
 * Context: Process context; sleeps (waits for SRCU readers).
 * Return: @count; -EINVAL for malformed input, -ERANGE for a number
 * above UINT_MAX (as kstrtouint()); bad input changes nothing.
 */
ssize_t mpath_delayed_removal_secs_store(struct mpath_head *head, const char *buf, size_t count);

/* A bio or request that came through a multipath head disk. */
#define REQ_MPATH REQ_DRV

/* The operations of every head disk and head character device. */
extern const struct block_device_operations mpath_ops;
extern const struct file_operations mpath_chr_fops;
/* The multipath/ group of a head disk, which holds links to its paths. */
extern const struct attribute_group mpath_attr_group;

/**
 * is_mpath_request() - Whether a request came through a head disk.
 * @req: The request.
 *
 * Return: true if %REQ_MPATH is set.
 */
static inline bool is_mpath_request(struct request *req)
{
	return req->cmd_flags & REQ_MPATH;
}

/**
 * is_mpath_disk() - Whether a gendisk is a multipath head disk.
 * @disk: The gendisk.
 *
 * Return: true if @disk uses mpath_ops.
 */
static inline bool is_mpath_disk(struct gendisk *disk)
{
	return IS_ENABLED(CONFIG_LIBMULTIPATH) && disk->fops == &mpath_ops;
}

/**
 * mpath_bd_device_to_head() - The head of a head disk's device.
 * @dev: The device of a live head disk.
 *
 * Return: The head.
 */
static inline struct mpath_head *mpath_bd_device_to_head(struct device *dev)
{
	return dev_get_drvdata(dev);
}

/**
 * mpath_gendisk_to_head() - The head of a live head disk.
 * @disk: The head disk.
 *
 * Return: The head.
 */
static inline struct mpath_head *mpath_gendisk_to_head(struct gendisk *disk)
{
	return mpath_bd_device_to_head(disk_to_dev(disk));
}

/**
 * mpath_head_queue_if_no_path() - Whether I/O waits while no path exists.
 * @head: The head.
 *
 * Return: true if delayed removal is enabled for @head.
 */
static inline bool mpath_head_queue_if_no_path(struct mpath_head *head)
{
	return test_bit(MPATH_HEAD_QUEUE_IF_NO_PATH, &head->flags);
}

/**
 * mpath_schedule_requeue_work() - Resubmit the bios queued on a head.
 * @head: The head.
 *
 * Only a head with a disk has bios to requeue, and only mpath_put_disk()
 * flushes the work: nothing happens for a head without one.
 */
static inline void mpath_schedule_requeue_work(struct mpath_head *head)
{
	if (head->disk)
		kblockd_schedule_work(&head->requeue_work);
}

/**
 * mpath_read_iopolicy() - Read an I/O policy box.
 * @iopolicy: The driver's policy box.
 *
 * Return: The policy, as the driver last wrote it.
 */
static inline enum mpath_iopolicy_e mpath_read_iopolicy(const struct mpath_iopolicy *iopolicy)
{
	return READ_ONCE(iopolicy->iopolicy);
}

/**
 * mpath_qd_iopolicy() - Whether the queue-depth policy is in force.
 * @iopolicy: The driver's policy box.
 *
 * Return: true for %MPATH_IOPOLICY_QD.
 */
static inline bool mpath_qd_iopolicy(const struct mpath_iopolicy *iopolicy)
{
	return mpath_read_iopolicy(iopolicy) == MPATH_IOPOLICY_QD;
}

#endif /* _LINUX_MULTIPATH_H */
