/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libmultipath: generic block-layer multipath.
 *
 * The library is written in Rust (rust/multipath/); this header is its C
 * API.  Every function declared here is implemented by the `multipath`
 * crate with #[export] (which checks the Rust signature against this
 * declaration at compile time) and exported with EXPORT_SYMBOL_GPL.
 *
 * A driver embeds a struct mpath_head in its per-namespace (or per logical
 * unit) object and a struct mpath_device in each per-path object, and
 * describes itself with a struct mpath_head_template.
 */
#ifndef _LINUX_MULTIPATH_H
#define _LINUX_MULTIPATH_H

#include <linux/bio.h>
#include <linux/cdev.h>
#include <linux/completion.h>
#include <linux/device.h>
#include <linux/jiffies.h>
#include <linux/limits.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/numa.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/srcu.h>
#include <linux/types.h>
#include <linux/workqueue.h>

/**
 * define MPATH_VERSION - version of the library, shown at boot
 */
#define MPATH_VERSION "0.1.0"

struct attribute_group;
struct gendisk;
struct io_comp_batch;
struct io_uring_cmd;
struct mpath_head;

/**
 * enum mpath_iopolicy_e - path selection policy of a multipath head
 * @MPATH_IOPOLICY_NUMA: the closest optimized path by NUMA distance,
 *	cached per node.
 * @MPATH_IOPOLICY_RR: round-robin over the optimized paths, with a cursor
 *	per NUMA node.
 * @MPATH_IOPOLICY_QD: the optimized path with the fewest requests in
 *	flight.
 * @MPATH_IOPOLICY_LAT: the optimized paths in turn, each for a number of
 *	I/Os in proportion to its measured speed (see
 *	mpath_latency_sample_begin()).
 *
 * The names used by sysfs and module parameters are "numa",
 * "round-robin", "queue-depth" and "latency".
 */
enum mpath_iopolicy_e {
	MPATH_IOPOLICY_NUMA,
	MPATH_IOPOLICY_RR,
	MPATH_IOPOLICY_QD,
	MPATH_IOPOLICY_LAT,
};

/**
 * enum mpath_access_state - how a path reaches the shared device
 * @MPATH_STATE_OPTIMIZED: active and preferred (NVMe ANA optimized, ALUA
 *	active/optimized).
 * @MPATH_STATE_NONOPTIMIZED: active but slower; used when no optimized
 *	path is usable.
 * @MPATH_STATE_OTHER: anything else; never used for I/O.
 */
enum mpath_access_state {
	MPATH_STATE_OPTIMIZED,
	MPATH_STATE_NONOPTIMIZED,
	MPATH_STATE_OTHER,
};

/**
 * enum mpath_diag_counter - the diagnostic counters of a head
 * @MPATH_DIAG_REQUEUE_NO_USABLE_PATH: bios queued because no path was
 *	usable (&mpath_head.requeue_no_usable_path_cnt).
 * @MPATH_DIAG_FAIL_NO_AVAIL_PATH: bios failed because no path was
 *	available (&mpath_head.fail_no_avail_path_cnt).
 */
enum mpath_diag_counter {
	MPATH_DIAG_REQUEUE_NO_USABLE_PATH,
	MPATH_DIAG_FAIL_NO_AVAIL_PATH,
};

/**
 * define REQ_MPATH - set on every bio libmultipath sends to a path
 *
 * An alias of REQ_DRV: the path's driver recognises the bios of the head
 * (NVMe uses it to decide on failover instead of failing the request).
 * The bio also carries BIO_REMAPPED.
 */
#define REQ_MPATH			REQ_DRV

/**
 * define MPATH_DEVICE_SYSFS_ATTR_LINK - bit of &struct mpath_device.flags:
 *	the path's disk is linked under the head disk's "multipath" group
 *
 * Set and cleared by the library under &mpath_head.disk_lock (see
 * mpath_add_sysfs_link() and mpath_remove_sysfs_link()); drivers read it
 * at most.
 */
#define MPATH_DEVICE_SYSFS_ATTR_LINK	0

/**
 * define MPATH_DEVICE_MARGINAL - bit of &struct mpath_device.flags: the
 *	path failed too often and is used only when no healthy path is
 *	usable
 *
 * Set by mpath_path_error() when the path's errors in a window reach the
 * head's marginal_errors; cleared by the library once the path has had no
 * error for marginal_recovery_secs.
 */
#define MPATH_DEVICE_MARGINAL		1

/**
 * enum mpath_marginal_param - the settings of marginal path detection of a
 *	head, each a sysfs file of the head
 * @MPATH_MARGINAL_ERRORS: errors within a window that make a path
 *	marginal; 0 (the default) turns detection off.  At most 1000000.
 * @MPATH_MARGINAL_WINDOW_SECS: the window, 1 to 3600 seconds (default 10).
 * @MPATH_MARGINAL_RECOVERY_SECS: how long a marginal path must go
 *	without an error to be healthy again, 1 to 86400 seconds (default 30).
 */
enum mpath_marginal_param {
	MPATH_MARGINAL_ERRORS,
	MPATH_MARGINAL_WINDOW_SECS,
	MPATH_MARGINAL_RECOVERY_SECS,
};

/**
 * define MPATH_HEAD_DISK_LIVE - bit of &struct mpath_head.flags: the head
 *	disk was added by mpath_device_set_live()
 *
 * Cleared by mpath_remove_disk().  While it is clear, bios without a
 * usable path fail instead of waiting on the requeue list.
 */
#define MPATH_HEAD_DISK_LIVE		0

/**
 * define MPATH_HEAD_QUEUE_IF_NO_PATH - bit of &struct mpath_head.flags:
 *	queue bios while the head has no usable path
 *
 * Set by mpath_delayed_removal_secs_store() with a non-zero delay,
 * cleared with zero; changed under &mpath_head.requeue_lock.
 */
#define MPATH_HEAD_QUEUE_IF_NO_PATH	1

/**
 * define MPATH_HEAD_CDEV_LIVE - bit of &struct mpath_head.flags: the
 *	template's &mpath_head_template.add_cdev succeeded
 *
 * &mpath_head_template.del_cdev is called on removal only when it is set.
 */
#define MPATH_HEAD_CDEV_LIVE		2

/**
 * define MPATH_HEAD_REMOVE_PENDING - bit of &struct mpath_head.flags: a
 *	delayed removal is pending and &mpath_head.drv_module is pinned
 *
 * Set by mpath_can_remove_head() with the pin, under
 * &mpath_head.requeue_lock; whoever clears it (mpath_add_device(), the
 * removal work, mpath_head_uninit()) drops the pin, exactly once.
 */
#define MPATH_HEAD_REMOVE_PENDING	3

/**
 * define MPATH_MAX_DELAYED_REMOVAL_SECS - the largest delayed_removal_secs
 *
 * INT_MAX / HZ, so that the delay in jiffies fits an int.
 */
#define MPATH_MAX_DELAYED_REMOVAL_SECS	(INT_MAX / HZ)

/**
 * struct mpath_device - one path of a multipath head, embedded by the driver
 * @mpath_head: the head this path belongs to, once added.
 * @siblings: entry in &struct mpath_head.dev_list.
 * @disk: the path's own (hidden) disk; I/O is sent to its whole device.
 * @flags: MPATH_DEVICE_* bits.
 * @numa_node: the node the path's device sits on, or NUMA_NO_NODE.
 * @nr_active: driver-owned count of requests in flight, read by the
 *	queue-depth policy; may be NULL.
 * @access_state: &enum mpath_access_state, written by the driver with
 *	WRITE_ONCE() and followed by mpath_clear_paths() or a requeue kick.
 * @lat_sampled: jiffies when the last latency sample began; at most one
 *	begins per jiffy.
 * @lat_ewma_ns: moving average of the sampled latencies in nanoseconds,
 *	0 before the first sample.
 * @lat_weight: I/Os the latency policy sends to the path in a row; 0
 *	until first computed.
 * @lat_credit: what is left of @lat_weight in the current turn.
 * @mg_window: jiffies when the current error window began.
 * @mg_errors: errors in the current window.
 * @mg_last_error: jiffies of the last error.
 * @mg_count: how many times the path became marginal.
 *
 * The lat_* and mg_* fields belong to the library, which resets them when
 * the path is added.
 */
struct mpath_device {
	struct mpath_head	*mpath_head;
	struct list_head	siblings;
	struct gendisk		*disk;
	unsigned long		flags;
	int			numa_node;
	atomic_t		*nr_active;
	enum mpath_access_state	access_state;
	unsigned long		lat_sampled;
	u32			lat_ewma_ns;
	u32			lat_weight;
	u32			lat_credit;
	unsigned long		mg_window;
	u32			mg_errors;
	unsigned long		mg_last_error;
	unsigned long		mg_count;
};

/**
 * struct mpath_head_template - what a driver tells the library
 * @is_disabled: the path cannot take I/O now, whatever its access state.
 *	Optional: no path is disabled.
 * @is_optimized: the path is optimized and usable; the NUMA policy keeps a
 *	cached path only while this holds.  Optional: usable and
 *	MPATH_STATE_OPTIMIZED.
 * @available_path: the path may become usable again (I/O is queued rather
 *	than failed when no path is usable).  Optional: never.
 * @get_head: take a reference to the driver object that embeds @head;
 *	false if it is going away.  With @put_head, makes the driver's own
 *	reference count the head's: mpath_get_head(), mpath_put_head(), the
 *	head disk and every opener of it use them, so a driver can free its
 *	object (and call mpath_head_uninit()) from its own release function
 *	without waiting.  Optional, together with @put_head.
 * @put_head: drop a reference taken with @get_head.
 * @ioctl_begin: called under SRCU with the path an ioctl on the head goes
 *	to; returning true means the driver now holds the path (stored in
 *	*@ctx) alive on its own, so the library drops SRCU before calling the
 *	path's ioctl and calls @ioctl_finish(*@ctx) after it.  Optional,
 *	together with @ioctl_finish: ioctls run under SRCU.
 * @ioctl_finish: release what @ioctl_begin took.
 * @clone_bio: return the bio to send to a path in place of @bio (a clone
 *	whose completion completes @bio), or NULL to fail @bio with
 *	BLK_STS_RESOURCE.  Optional: @bio itself is sent.
 * @remove_head: the delayed removal of a head without paths expired (see
 *	mpath_can_remove_head()).  Called from a work item; the driver takes
 *	the lock that serialises adding paths, and only if
 *	mpath_head_devices_empty() still holds unpublishes and removes the
 *	head.  Required for delayed removal.
 * @add_cdev: add the head's character device: initialise and add
 *	&mpath_head.cdev with &mpath_chr_fops (its owner the driver's module)
 *	and &mpath_head.cdev_device, whose release function must drop a
 *	reference to the head taken here, so that the head outlives every
 *	open file.  Called once, when the head disk is added; an error is
 *	logged and leaves the head without a character device.  Optional,
 *	together with @del_cdev and @cdev_ioctl.
 * @del_cdev: delete what @add_cdev added; called when the head disk is
 *	removed.
 * @cdev_ioctl: an ioctl on the character device, for the path it goes to
 *	(bracketed by @ioctl_begin and @ioctl_finish as block device ioctls
 *	are); @open_for_write says whether the file was opened for writing.
 * @chr_uring_cmd: an io_uring passthrough command on the character
 *	device, for the path it goes to, under SRCU.  Optional: -EOPNOTSUPP.
 * @chr_uring_cmd_iopoll: polls for the completion of @ioucmd.  Optional.
 */
struct mpath_head_template {
	bool (*is_disabled)(struct mpath_device *mpath_device);
	bool (*is_optimized)(struct mpath_device *mpath_device);
	bool (*available_path)(struct mpath_device *mpath_device);
	bool (*get_head)(struct mpath_head *head);
	void (*put_head)(struct mpath_head *head);
	bool (*ioctl_begin)(struct mpath_device *mpath_device, unsigned int cmd,
			    void **ctx);
	void (*ioctl_finish)(void *ctx);
	struct bio *(*clone_bio)(struct bio *bio);
	void (*remove_head)(struct mpath_head *head);
	int (*add_cdev)(struct mpath_head *head);
	void (*del_cdev)(struct mpath_head *head);
	int (*cdev_ioctl)(struct mpath_device *mpath_device, unsigned int cmd,
			  unsigned long arg, bool open_for_write);
	int (*chr_uring_cmd)(struct mpath_device *mpath_device,
			     struct io_uring_cmd *ioucmd,
			     unsigned int issue_flags);
	int (*chr_uring_cmd_iopoll)(struct io_uring_cmd *ioucmd,
				    struct io_comp_batch *iob,
				    unsigned int poll_flags);
};

/**
 * struct mpath_head - the shared device behind several paths, embedded by
 *	the driver
 * @srcu: readers of @dev_list and @current_path hold it; an SRCU-fast
 *	structure, entered only with srcu_read_lock_fast().
 * @dev_list: the paths, in the order they were added.
 * @lock: serialises changes of @dev_list.
 * @disk_lock: serialises adding and removing the head disk and its sysfs
 *	links; never taken by a sysfs method, since removing the disk waits
 *	for those.
 * @ref: references to the head; mpath_head_uninit() waits for the last.
 * @released: completed when @ref drops to zero.
 * @iopolicy: the driver's storage of the &enum mpath_iopolicy_e in force
 *	(NVMe keeps it per subsystem, SCSI per head).
 * @requeue_list: bios waiting for a usable path.
 * @requeue_lock: protects @requeue_list.
 * @requeue_work: resubmits @requeue_list.
 * @requeue_no_usable_path_cnt: bios queued because no path was usable.
 * @fail_no_avail_path_cnt: bios failed because no path was available.
 * @flags: MPATH_HEAD_* bits.
 * @disk: the head's bio-based disk, from mpath_alloc_head_disk().
 * @partition_scan_work: scans the head disk's partitions once it is added.
 * @parent: the parent device of the head disk in sysfs; may be NULL.
 * @disk_groups: the attribute groups of the head disk, NULL-terminated;
 *	they should include &mpath_attr_group.  NULL means
 *	&mpath_device_groups.
 * @remove_work: the delayed removal of the head once its last path went.
 * @delayed_removal_secs: how long a head without paths waits for one, with
 *	its I/O queued; 0 removes it at once.
 * @drv_module: the driver's module (THIS_MODULE), pinned while a removal
 *	is pending and while the head disk is open.
 * @cdev: the head's character device, added by the template's @add_cdev
 *	with &mpath_chr_fops.
 * @cdev_device: the device node of @cdev.
 * @mpdt: the driver's template.
 * @marginal: the &enum mpath_marginal_param settings, by index.
 * @lat_refresh: jiffies after which the paths' latency weights are
 *	recomputed, at the end of the next sample.
 * @current_path: per NUMA node, the path last chosen.
 *
 * Set up with mpath_head_init(), torn down with mpath_head_uninit().
 */
struct mpath_head {
	struct srcu_struct	srcu;
	struct list_head	dev_list;
	struct mutex		lock;		/* serialises dev_list changes */
	struct mutex		disk_lock;	/* disk add/remove, links */
	refcount_t		ref;
	struct completion	released;
	int			*iopolicy;
	struct bio_list		requeue_list;
	spinlock_t		requeue_lock;	/* protects requeue_list */
	struct work_struct	requeue_work;
	atomic_long_t		requeue_no_usable_path_cnt;
	atomic_long_t		fail_no_avail_path_cnt;
	unsigned long		flags;
	struct gendisk		*disk;
	struct work_struct	partition_scan_work;
	struct device		*parent;
	const struct attribute_group **disk_groups;
	struct delayed_work	remove_work;
	unsigned int		delayed_removal_secs;
	struct module		*drv_module;
	struct cdev		cdev;
	struct device		cdev_device;
	const struct mpath_head_template *mpdt;
	unsigned int		marginal[3];
	unsigned long		lat_refresh;
	struct mpath_device __rcu *current_path[MAX_NUMNODES];
};

/**
 * mpath_set_iopolicy() - parse an I/O policy name
 * @val: the name, NUL-terminated; one trailing newline is ignored.
 * @iopolicy: where the parsed &enum mpath_iopolicy_e value is stored.
 *
 * Return: 0 on success; -EINVAL if @val is NULL or not a policy name, in
 * which case @iopolicy is left unchanged.
 */
int mpath_set_iopolicy(const char *val, int *iopolicy);

/**
 * mpath_get_iopolicy() - print an I/O policy name
 * @buf: a sysfs buffer of PAGE_SIZE bytes.
 * @iopolicy: an &enum mpath_iopolicy_e value.
 *
 * Writes the policy's name followed by a newline.
 *
 * Return: the number of bytes written, or -EINVAL if @iopolicy is not a
 * policy.
 */
int mpath_get_iopolicy(char *buf, int iopolicy);

/**
 * mpath_iopolicy_show() - print the policy in force on a head
 * @head: the head.
 * @buf: a sysfs buffer of PAGE_SIZE bytes.
 *
 * Return: the number of bytes written ("round-robin\n", ...).
 */
ssize_t mpath_iopolicy_show(struct mpath_head *head, char *buf);

/**
 * mpath_iopolicy_store() - change the policy in force on a head
 * @head: the head.
 * @buf: a policy name, as a sysfs store receives it.
 *
 * Stores the new policy in the driver's storage, then does what
 * mpath_iopolicy_changed() does.
 *
 * Return: 0, or -EINVAL (nothing changed) if @buf names no policy.
 */
int mpath_iopolicy_store(struct mpath_head *head, const char *buf);

/**
 * mpath_iopolicy_changed() - apply a policy change made in driver storage
 * @head: a head whose &mpath_head.iopolicy storage was just written (for
 *	NVMe, every head of the subsystem).
 *
 * Forgets every node's cached path and resubmits queued bios, so that the
 * next I/O chooses with the new policy.
 */
void mpath_iopolicy_changed(struct mpath_head *head);

/**
 * mpath_head_init() - set up an embedded head
 * @head: the head, zeroed or not.
 * @mpdt: the driver's template; must outlive the head.
 * @iopolicy: the driver's storage of the policy in force.
 *
 * Return: 0, -EINVAL if @mpdt or @iopolicy is NULL, or -ENOMEM.
 */
int mpath_head_init(struct mpath_head *head,
		    const struct mpath_head_template *mpdt, int *iopolicy);

/**
 * mpath_head_uninit() - tear down a head set up by mpath_head_init()
 * @head: the head, with no path left.
 *
 * Drops the reference taken by mpath_head_init() and waits until every
 * other reference of the head's own count is gone (with a template that
 * has get_head/put_head the driver counts references, and this does not
 * wait).  A pending delayed removal is cancelled; queued bios are failed.
 */
void mpath_head_uninit(struct mpath_head *head);

/**
 * mpath_get_head() - take a reference to a head
 * @head: the head.
 *
 * Return: false if the head is already going away.
 */
bool mpath_get_head(struct mpath_head *head);

/**
 * mpath_put_head() - drop a reference taken by mpath_get_head()
 * @head: the head.
 */
void mpath_put_head(struct mpath_head *head);

/**
 * mpath_add_device() - add a path to a head
 * @dev: the driver's embedded path, not on any head.
 * @head: the head.
 * @disk: the path's disk.
 * @numa_node: the node of the path's device, or NUMA_NO_NODE.
 * @nr_active: the driver's in-flight counter for the path, or NULL.
 *
 * The path is appended to the list with access state MPATH_STATE_OTHER:
 * it is not chosen before the driver sets its state.  A pending delayed
 * removal of @head is cancelled.  If @disk does not take REQ_NOWAIT bios
 * (BLK_FEAT_NOWAIT), the head disk stops taking them first.
 *
 * Return: 0, -EINVAL if @dev is already on a head, or -EEXIST if @disk is
 * already the disk of a path of @head.
 */
int mpath_add_device(struct mpath_device *dev, struct mpath_head *head,
		     struct gendisk *disk, int numa_node, atomic_t *nr_active);

/**
 * mpath_delete_device() - remove a path from its head
 * @dev: a path added with mpath_add_device().
 *
 * Removes @dev from the list and from every node's cache and waits for
 * the readers that might still see it: on return no I/O can pick @dev and
 * the driver may free it.  May sleep.
 *
 * Return: true if the head has no path left.
 */
bool mpath_delete_device(struct mpath_device *dev);

/**
 * mpath_head_devices_empty() - whether a head has no path
 * @head: the head.
 *
 * Return: true if no path is on @head.
 */
bool mpath_head_devices_empty(struct mpath_head *head);

/**
 * mpath_find_path() - choose a path for I/O with the policy in force
 * @head: the head; the caller holds srcu_read_lock_fast(&head->srcu).
 *
 * Return: the path, valid until the caller drops the SRCU read lock, or
 * NULL if no path is usable.
 */
struct mpath_device *mpath_find_path(struct mpath_head *head);

/**
 * mpath_call_for_device() - run a function on the path I/O would use
 * @head: the head.
 * @cb: called with the path and @data under the head's SRCU read lock.
 * @data: passed to @cb.
 *
 * Return: what @cb returned, or -EWOULDBLOCK if no path is usable.
 */
int mpath_call_for_device(struct mpath_head *head,
			  int (*cb)(struct mpath_device *dev, void *data),
			  void *data);

/**
 * mpath_clear_current_path() - forget a path in every node's cache
 * @dev: the path.
 *
 * Return: true if some node had it cached.
 */
bool mpath_clear_current_path(struct mpath_device *dev);

/**
 * mpath_latency_sample_begin() - start timing a request for the latency
 *	policy
 * @dev: the path the request is sent on, on a head.
 *
 * A driver calls it when a request of the head starts on the path and the
 * head's policy is MPATH_IOPOLICY_LAT, and keeps the result with the
 * request.  At most one request per path and jiffy is timed.
 *
 * Return: the start time in nanoseconds, or 0 if the request is not timed.
 */
u64 mpath_latency_sample_begin(struct mpath_device *dev);

/**
 * mpath_latency_sample_end() - record the latency of a timed request
 * @dev: the path the request completed on; still on its head.
 * @start: what mpath_latency_sample_begin() returned for the request.
 *
 * Called for a timed request that completed successfully on @dev (not for
 * one that failed or whose bios were failed over).  Folds the latency into
 * the path's average and, at most every 100 ms per head, recomputes the
 * share of every path.  Any context; does not sleep.
 */
void mpath_latency_sample_end(struct mpath_device *dev, u64 start);

/**
 * mpath_path_error() - report an I/O error of a path
 * @dev: the path, on a head.
 *
 * Called by the driver for an I/O of the head that failed on @dev because
 * of the path (NVMe: a failover).  Counts the error in the path's window
 * and makes the path marginal when the head's marginal_errors is reached.
 * Any context; does not sleep.
 */
void mpath_path_error(struct mpath_device *dev);

/**
 * mpath_device_is_marginal() - whether a path is marginal now
 * @dev: the path.
 *
 * Return: true while the path is marginal.
 */
bool mpath_device_is_marginal(struct mpath_device *dev);

/**
 * mpath_marginal_show() - print a marginal path setting of a head
 * @head: the head.
 * @param: the setting.
 * @buf: a sysfs buffer of PAGE_SIZE bytes.
 *
 * Return: the number of bytes written, or -EINVAL for a bad @param.
 */
ssize_t mpath_marginal_show(struct mpath_head *head,
			    enum mpath_marginal_param param, char *buf);

/**
 * mpath_marginal_store() - change a marginal path setting of a head
 * @head: the head.
 * @param: the setting.
 * @buf: a decimal number, as a sysfs store receives it.
 *
 * Return: 0, or -EINVAL (nothing changed) if @buf is not a number in the
 * setting's range or @param is bad.
 */
int mpath_marginal_store(struct mpath_head *head,
			 enum mpath_marginal_param param, const char *buf);

/**
 * mpath_clear_paths() - forget every cached path of a head
 * @head: the head.
 *
 * The next I/O on every node chooses again; call after access states
 * change.
 */
void mpath_clear_paths(struct mpath_head *head);

/**
 * mpath_synchronize() - wait for the head's SRCU readers
 * @head: the head.
 */
void mpath_synchronize(struct mpath_head *head);

/**
 * mpath_alloc_head_disk() - allocate the head's bio-based disk
 * @head: a head set up by mpath_head_init(), without a disk.
 * @lim: the head disk's queue limits (usually stacking limits), or NULL
 *	for stacking limits with BLK_FEAT_NOWAIT if every path has it.  A
 *	path added without BLK_FEAT_NOWAIT clears it on the head disk.
 * @numa_node: where to allocate, or NUMA_NO_NODE.
 * @name: the disk's name, such as "nvme0n1".
 *
 * The disk holds a reference to the head until it is released, and so does
 * every opener; its private_data is @head.  It is not visible before the
 * first path goes live (mpath_device_set_live()), and is added with
 * &mpath_head.parent and &mpath_head.disk_groups.
 *
 * The disk's block_device_operations send bios to a path (see
 * mpath_find_path()) and forward ioctl, compat_ioctl, getgeo,
 * report_zones, get_unique_id and the persistent reservation operations
 * to the block_device_operations of the chosen path's disk, called with
 * that disk's whole device; -EWOULDBLOCK when no path is usable.
 *
 * Return: 0, -EBUSY if the head has a disk, -EINVAL if the template sets
 * only one of &mpath_head_template.get_head and .put_head, or only one of
 * .ioctl_begin and .ioctl_finish, or a negative errno.
 */
int mpath_alloc_head_disk(struct mpath_head *head, struct queue_limits *lim,
			  int numa_node, const char *name);

/**
 * mpath_is_head_disk() - whether a disk is a head disk of libmultipath
 * @disk: any disk.
 *
 * Return: true if @disk came from mpath_alloc_head_disk(); its
 * private_data is then its &struct mpath_head.
 */
bool mpath_is_head_disk(struct gendisk *disk);

/**
 * mpath_device_set_live() - a path is ready for I/O
 * @dev: a path of a head with a disk.
 *
 * Adds the head disk on the first call, refreshes every online node's
 * cached path if @dev is optimized, and resubmits queued bios.
 *
 * Return: 0, or the error of adding the disk.
 */
int mpath_device_set_live(struct mpath_device *dev);

/**
 * mpath_remove_disk() - remove the head disk from the system
 * @head: the head.
 *
 * Queued and new bios fail from now on.  The disk stays allocated until
 * mpath_put_disk().
 */
void mpath_remove_disk(struct mpath_head *head);

/**
 * mpath_put_disk() - release the head disk
 * @head: the head, its disk removed or never added.
 *
 * The disk's reference to the head is dropped when the disk is freed,
 * possibly here: with get_head/put_head, the driver's object may be
 * released before this returns.
 */
void mpath_put_disk(struct mpath_head *head);

/**
 * mpath_revalidate_paths() - check the paths against the head's capacity
 * @head: the head, with a disk.
 * @not_ready: called under the head's SRCU read lock for every path whose
 *	disk's capacity differs from the head disk's (the driver marks it not
 *	ready); may be NULL.
 *
 * Then forgets every cached path and resubmits queued bios.
 */
void mpath_revalidate_paths(struct mpath_head *head,
			    void (*not_ready)(struct mpath_device *dev));

/**
 * mpath_kick_requeue() - resubmit the bios waiting for a path
 * @head: the head.
 *
 * Call after a path became usable (access state change, reconnection).
 */
void mpath_kick_requeue(struct mpath_head *head);

/**
 * mpath_delayed_removal_secs_show() - print a head's removal delay
 * @head: the head.
 * @buf: a sysfs buffer of PAGE_SIZE bytes.
 *
 * Return: the number of bytes written ("%u\n").
 */
ssize_t mpath_delayed_removal_secs_show(struct mpath_head *head, char *buf);

/**
 * mpath_delayed_removal_secs_store() - set a head's removal delay
 * @head: the head.
 * @buf: seconds, as kstrtouint() with base 0 reads them (a trailing
 *	newline is ignored); at most MPATH_MAX_DELAYED_REMOVAL_SECS.
 *
 * A non-zero delay queues I/O while the head has no path
 * (MPATH_HEAD_QUEUE_IF_NO_PATH); zero stops that, and bios already
 * waiting without a path are failed.
 *
 * Return: 0, or -EINVAL (nothing changed) for anything else.
 */
int mpath_delayed_removal_secs_store(struct mpath_head *head, const char *buf);

/**
 * mpath_diag_counter_show() - print one of a head's diagnostic counters
 * @head: the head.
 * @counter: which counter.
 * @buf: a sysfs buffer of PAGE_SIZE bytes.
 *
 * Return: the number of bytes written ("%lu\n"), or -EINVAL for an unknown
 * @counter.
 */
ssize_t mpath_diag_counter_show(struct mpath_head *head,
				enum mpath_diag_counter counter, char *buf);

/**
 * mpath_diag_counter_store() - set one of a head's diagnostic counters
 * @head: the head.
 * @counter: which counter.
 * @buf: the new value, as kstrtoull() with base 0 reads it (a trailing
 *	newline is ignored); usually 0 to reset it.
 *
 * Return: 0, or -EINVAL (nothing changed) for anything else or an unknown
 * @counter.
 */
int mpath_diag_counter_store(struct mpath_head *head,
			     enum mpath_diag_counter counter, const char *buf);

/**
 * mpath_can_remove_head() - decide about a head whose last path went
 * @head: the head.
 *
 * Return: true if the driver removes the head now: it has no path and no
 * removal delay.  False if it has a path, or if its removal is pending:
 * then &mpath_head.drv_module is pinned (once, however often this is
 * called) and &mpath_head_template.remove_head runs after the delay,
 * unless a path is added first (mpath_add_device() cancels the removal and
 * unpins the module).  Takes only a spinlock, so it may be called under
 * the driver's own locks, even those SRCU readers take.
 */
bool mpath_can_remove_head(struct mpath_head *head);

/**
 * var mpath_attr_group - the head disk's "multipath" attribute group
 *
 * A directory without files that holds one link per path disk, named
 * after the path disk (mpath_add_sysfs_link()).  A driver with attribute
 * groups of its own lists it in &mpath_head.disk_groups.
 */
extern const struct attribute_group mpath_attr_group;

/**
 * var mpath_device_groups - the default attribute groups of a head disk
 *
 * Just &mpath_attr_group, NULL-terminated; used when
 * &mpath_head.disk_groups is NULL.
 */
extern const struct attribute_group *mpath_device_groups[];

/**
 * var mpath_chr_fops - the file operations of a head's character device
 *
 * open and release take and drop a head reference; unlocked_ioctl and
 * compat_ioctl call &mpath_head_template.cdev_ioctl for the path I/O would
 * use (bracketed by .ioctl_begin and .ioctl_finish), -EWOULDBLOCK without
 * one; uring_cmd calls .chr_uring_cmd under the head's SRCU, -EINVAL
 * without a path; uring_cmd_iopoll calls .chr_uring_cmd_iopoll.  The
 * template's &mpath_head_template.add_cdev installs it.
 */
extern const struct file_operations mpath_chr_fops;

/**
 * mpath_add_sysfs_link() - link every added path disk under the head's
 *	"multipath" group
 * @head: the head.
 *
 * Once per path (MPATH_DEVICE_SYSFS_ATTR_LINK); nothing while the head
 * disk is not live or a path's disk is not added yet.
 * mpath_device_set_live() calls it; a driver calls it again when a path's
 * disk is added later.
 */
void mpath_add_sysfs_link(struct mpath_head *head);

/**
 * mpath_remove_sysfs_link() - remove a path's link from its head
 * @dev: the path.
 *
 * Does nothing if there is no link.  mpath_delete_device() calls it.
 */
void mpath_remove_sysfs_link(struct mpath_device *dev);

/**
 * mpath_numa_nodes_show() - print the nodes whose I/O uses a path
 * @dev: the path.
 * @buf: a sysfs buffer of PAGE_SIZE bytes.
 *
 * Under the NUMA policy, the nodes whose cached path is @dev as a range
 * list ("0-1\n"); under the other policies nothing, as NVMe has always
 * shown.
 *
 * Return: the number of bytes written, 0 under another policy.
 */
ssize_t mpath_numa_nodes_show(struct mpath_device *dev, char *buf);

#endif /* _LINUX_MULTIPATH_H */
