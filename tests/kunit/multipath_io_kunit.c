// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for I/O through a head disk, written as a C driver uses the
 * library: only <linux/multipath.h>, a template of callbacks, and two
 * paths that are real bio-based disks sharing one in-memory store (one
 * logical unit reached two ways).  Bios go through the block layer: the
 * head disk is opened like any block device and read and written with
 * submit_bio().
 */

#include <kunit/test.h>
#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/cdev.h>
#include <linux/completion.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/jiffies.h>
#include <linux/fs_context.h>
#include <linux/mount.h>
#include <linux/multipath.h>
#include <linux/namei.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#define STORE_SECTORS	256

/* One path: a bio-based disk on the shared store. */
struct io_path {
	struct mpath_device mdev;
	struct gendisk *disk;
	u8 *store;
	atomic_t bios;
	bool disabled;
	bool available;
	/* What the head's character device forwarded to this path. */
	int ioctls;
	unsigned int ioctl_cmd;
	unsigned long ioctl_arg;
	bool ioctl_for_write;
};

struct io_head {
	struct mpath_head head;
	int iopolicy;
	u8 *store;
	struct io_path paths[2];
	/* The character device: calls of the template, and what add returns. */
	int cdev_adds;
	int cdev_dels;
	int add_cdev_ret;
};

static void store_submit_bio(struct bio *bio)
{
	struct io_path *path = bio->bi_bdev->bd_disk->private_data;
	loff_t pos = (loff_t)bio->bi_iter.bi_sector << SECTOR_SHIFT;
	struct bvec_iter iter;
	struct bio_vec bv;

	if (pos + bio->bi_iter.bi_size > (loff_t)STORE_SECTORS << SECTOR_SHIFT) {
		bio_io_error(bio);
		return;
	}
	atomic_inc(&path->bios);
	bio_for_each_segment(bv, bio, iter) {
		void *p = bvec_kmap_local(&bv);

		if (op_is_write(bio_op(bio)))
			memcpy(path->store + pos, p, bv.bv_len);
		else
			memcpy(p, path->store + pos, bv.bv_len);
		kunmap_local(p);
		pos += bv.bv_len;
	}
	bio_endio(bio);
}

static const struct block_device_operations store_ops = {
	.owner		= THIS_MODULE,
	.submit_bio	= store_submit_bio,
};

static bool io_is_disabled(struct mpath_device *dev)
{
	return READ_ONCE(container_of(dev, struct io_path, mdev)->disabled);
}

static bool io_available_path(struct mpath_device *dev)
{
	return READ_ONCE(container_of(dev, struct io_path, mdev)->available);
}

static const struct mpath_head_template io_template = {
	.is_disabled	= io_is_disabled,
	.available_path	= io_available_path,
};

/*
 * The head's character device, added as a driver does it: a cdev with
 * libmultipath's file operations and a device node from a region of its
 * own, whose device holds a reference to the head until it is released.
 */
static dev_t io_cdev_region;

static void io_cdev_release(struct device *dev)
{
	mpath_put_head(container_of(dev, struct mpath_head, cdev_device));
}

static int io_add_cdev(struct mpath_head *head)
{
	struct io_head *ih = container_of(head, struct io_head, head);
	int ret;

	ih->cdev_adds++;
	if (ih->add_cdev_ret)
		return ih->add_cdev_ret;
	if (!mpath_get_head(head))
		return -ENXIO;
	device_initialize(&head->cdev_device);
	head->cdev_device.devt = io_cdev_region;
	head->cdev_device.release = io_cdev_release;
	ret = dev_set_name(&head->cdev_device, "mpath-kunit-ng");
	if (ret) {
		put_device(&head->cdev_device);
		return ret;
	}
	cdev_init(&head->cdev, &mpath_chr_fops);
	head->cdev.owner = THIS_MODULE;
	ret = cdev_device_add(&head->cdev, &head->cdev_device);
	if (ret)
		put_device(&head->cdev_device);
	return ret;
}

static void io_del_cdev(struct mpath_head *head)
{
	container_of(head, struct io_head, head)->cdev_dels++;
	cdev_device_del(&head->cdev, &head->cdev_device);
	put_device(&head->cdev_device);
}

static int io_cdev_ioctl(struct mpath_device *dev, unsigned int cmd,
			 unsigned long arg, bool open_for_write)
{
	struct io_path *path = container_of(dev, struct io_path, mdev);

	path->ioctls++;
	path->ioctl_cmd = cmd;
	path->ioctl_arg = arg;
	path->ioctl_for_write = open_for_write;
	return 42;
}

static const struct mpath_head_template io_cdev_template = {
	.is_disabled	= io_is_disabled,
	.available_path	= io_available_path,
	.add_cdev	= io_add_cdev,
	.del_cdev	= io_del_cdev,
	.cdev_ioctl	= io_cdev_ioctl,
};

static struct gendisk *store_disk(struct kunit *test, struct io_path *path,
				  const char *name, int i)
{
	struct queue_limits lim = { .logical_block_size = SECTOR_SIZE };
	struct gendisk *disk;

	disk = blk_alloc_disk(&lim, NUMA_NO_NODE);
	KUNIT_ASSERT_FALSE(test, IS_ERR(disk));
	disk->fops = &store_ops;
	disk->private_data = path;
	snprintf(disk->disk_name, DISK_NAME_LEN, "%sp%d", name, i);
	/* No partition scan: every bio a path sees is the test's. */
	disk->flags |= GENHD_FL_NO_PART;
	set_capacity(disk, STORE_SECTORS);
	KUNIT_ASSERT_EQ(test, add_disk(disk), 0);
	return disk;
}

static struct io_head *io_head_of(struct kunit *test, const char *name, int policy,
				  const struct mpath_head_template *mpdt, int add_cdev_ret)
{
	struct io_head *ih = kunit_kzalloc(test, sizeof(*ih), GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, ih);
	ih->store = kunit_kzalloc(test, STORE_SECTORS << SECTOR_SHIFT, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ih->store);
	ih->iopolicy = policy;
	ih->add_cdev_ret = add_cdev_ret;
	KUNIT_ASSERT_EQ(test, mpath_head_init(&ih->head, mpdt, &ih->iopolicy), 0);
	KUNIT_ASSERT_EQ(test, mpath_alloc_head_disk(&ih->head, NULL, NUMA_NO_NODE, name), 0);
	set_capacity(ih->head.disk, STORE_SECTORS);
	ih->head.disk->flags |= GENHD_FL_NO_PART;
	for (i = 0; i < ARRAY_SIZE(ih->paths); i++) {
		struct io_path *p = &ih->paths[i];

		p->store = ih->store;
		p->available = true;
		p->disk = store_disk(test, p, name, i);
		KUNIT_ASSERT_EQ(test, mpath_add_device(&p->mdev, &ih->head, p->disk,
						       NUMA_NO_NODE, NULL), 0);
		WRITE_ONCE(p->mdev.access_state, MPATH_STATE_OPTIMIZED);
		KUNIT_ASSERT_EQ(test, mpath_device_set_live(&p->mdev), 0);
	}
	return ih;
}

static struct io_head *io_head(struct kunit *test, const char *name, int policy)
{
	return io_head_of(test, name, policy, &io_template, 0);
}

static void io_head_free(struct io_head *ih)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(ih->paths); i++)
		mpath_delete_device(&ih->paths[i].mdev);
	mpath_remove_disk(&ih->head);
	mpath_put_disk(&ih->head);
	mpath_head_uninit(&ih->head);
	for (i = 0; i < ARRAY_SIZE(ih->paths); i++) {
		del_gendisk(ih->paths[i].disk);
		put_disk(ih->paths[i].disk);
	}
}

static void set_usable(struct io_head *ih, int i, bool usable)
{
	WRITE_ONCE(ih->paths[i].disabled, !usable);
	mpath_clear_paths(&ih->head);
}

/* A bio of one page, in flight or done. */
struct io {
	struct bio *bio;
	struct page *page;
	struct completion done;
	blk_status_t status;
};

static void io_end(struct bio *bio)
{
	struct io *io = bio->bi_private;

	io->status = bio->bi_status;
	complete(&io->done);
}

static void io_start(struct kunit *test, struct io *io, struct block_device *bdev,
		     blk_opf_t op, sector_t sector, u8 seed)
{
	int i;

	io->page = alloc_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, io->page);
	if (op == REQ_OP_WRITE) {
		u8 *p = kmap_local_page(io->page);

		for (i = 0; i < PAGE_SIZE; i++)
			p[i] = seed ^ (i * 7);
		kunmap_local(p);
	}
	init_completion(&io->done);
	io->bio = bio_alloc(bdev, 1, op, GFP_KERNEL);
	io->bio->bi_iter.bi_sector = sector;
	__bio_add_page(io->bio, io->page, PAGE_SIZE, 0);
	io->bio->bi_private = io;
	io->bio->bi_end_io = io_end;
	submit_bio(io->bio);
}

static blk_status_t io_wait(struct io *io)
{
	wait_for_completion(&io->done);
	bio_put(io->bio);
	return io->status;
}

/* Whether the page of @io holds the pattern of @seed. */
static bool io_has(struct io *io, u8 seed)
{
	u8 *p = kmap_local_page(io->page);
	bool same = true;
	int i;

	for (i = 0; i < PAGE_SIZE; i++)
		same &= p[i] == (u8)(seed ^ (i * 7));
	kunmap_local(p);
	return same;
}

static void io_free(struct io *io)
{
	__free_page(io->page);
}

/* Writes the pattern of @seed at @sector and reads it back. */
static bool round_trip(struct kunit *test, struct block_device *bdev, sector_t sector, u8 seed)
{
	struct io w, r;
	bool ok;

	io_start(test, &w, bdev, REQ_OP_WRITE, sector, seed);
	ok = io_wait(&w) == BLK_STS_OK;
	io_free(&w);
	io_start(test, &r, bdev, REQ_OP_READ, sector, 0);
	ok &= io_wait(&r) == BLK_STS_OK && io_has(&r, seed);
	io_free(&r);
	return ok;
}

static struct file *open_head(struct kunit *test, struct io_head *ih)
{
	struct file *f = bdev_file_open_by_dev(disk_devt(ih->head.disk),
					       BLK_OPEN_READ | BLK_OPEN_WRITE, NULL, NULL);

	KUNIT_ASSERT_FALSE(test, IS_ERR(f));
	return f;
}

static void io_lands_on_the_chosen_path(struct kunit *test)
{
	struct io_head *ih = io_head(test, "cmpa", MPATH_IOPOLICY_NUMA);
	struct file *f = open_head(test, ih);
	u8 *byte = ih->store + (8 << SECTOR_SHIFT);

	/* Both optimized, no NUMA preference: the first path. */
	KUNIT_EXPECT_TRUE(test, round_trip(test, file_bdev(f), 8, 0x5a));
	KUNIT_EXPECT_EQ(test, atomic_read(&ih->paths[0].bios), 2);
	KUNIT_EXPECT_EQ(test, atomic_read(&ih->paths[1].bios), 0);
	/* The data is in the logical unit, not just in a cache. */
	KUNIT_EXPECT_EQ(test, byte[1], (u8)(0x5a ^ 7));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&ih->head.requeue_no_usable_path_cnt), 0);
	fput(f);
	io_head_free(ih);
}

static void io_fails_over_with_nothing_lost(struct kunit *test)
{
	struct io_head *ih = io_head(test, "cmpb", MPATH_IOPOLICY_RR);
	struct file *f = open_head(test, ih);
	int i;

	set_usable(ih, 0, false);
	for (i = 0; i < 8; i++)
		KUNIT_EXPECT_TRUE(test, round_trip(test, file_bdev(f), 8 * i, i));
	KUNIT_EXPECT_EQ(test, atomic_read(&ih->paths[0].bios), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&ih->paths[1].bios), 16);
	/* Back: round-robin uses both again, and what B wrote reads back. */
	set_usable(ih, 0, true);
	for (i = 0; i < 8; i++)
		KUNIT_EXPECT_TRUE(test, round_trip(test, file_bdev(f), 8 * i, i + 1));
	KUNIT_EXPECT_GT(test, atomic_read(&ih->paths[0].bios), 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&ih->head.fail_no_avail_path_cnt), 0);
	fput(f);
	io_head_free(ih);
}

static void io_waits_for_a_returning_path(struct kunit *test)
{
	struct io_head *ih = io_head(test, "cmpc", MPATH_IOPOLICY_QD);
	struct file *f = open_head(test, ih);
	struct io w, r;

	set_usable(ih, 0, false);
	set_usable(ih, 1, false);
	io_start(test, &w, file_bdev(f), REQ_OP_WRITE, 16, 0xc3);
	/*
	 * No usable path but both available: the bio waits (requeued once, or
	 * more if a kick from setting up resubmits it meanwhile).
	 */
	KUNIT_EXPECT_EQ(test, wait_for_completion_timeout(&w.done, HZ / 5), 0);
	KUNIT_EXPECT_GE(test, atomic_long_read(&ih->head.requeue_no_usable_path_cnt), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&ih->paths[0].bios) + atomic_read(&ih->paths[1].bios), 0);
	set_usable(ih, 1, true);
	mpath_kick_requeue(&ih->head);
	KUNIT_EXPECT_EQ(test, io_wait(&w), BLK_STS_OK);
	KUNIT_EXPECT_EQ(test, atomic_read(&ih->paths[1].bios), 1);
	io_start(test, &r, file_bdev(f), REQ_OP_READ, 16, 0);
	KUNIT_EXPECT_EQ(test, io_wait(&r), BLK_STS_OK);
	KUNIT_EXPECT_TRUE(test, io_has(&r, 0xc3));
	io_free(&w);
	io_free(&r);
	fput(f);
	io_head_free(ih);
}

static void removal_fails_waiting_io(struct kunit *test)
{
	struct io_head *ih = io_head(test, "cmpd", MPATH_IOPOLICY_NUMA);
	struct file *f = open_head(test, ih);
	struct io w;

	set_usable(ih, 0, false);
	set_usable(ih, 1, false);
	io_start(test, &w, file_bdev(f), REQ_OP_WRITE, 0, 1);
	KUNIT_EXPECT_EQ(test, wait_for_completion_timeout(&w.done, HZ / 5), 0);
	/* Removing the disk fails what waits instead of leaving it hanging. */
	mpath_remove_disk(&ih->head);
	KUNIT_EXPECT_NE(test, io_wait(&w), BLK_STS_OK);
	KUNIT_EXPECT_EQ(test, atomic_read(&ih->paths[0].bios) + atomic_read(&ih->paths[1].bios), 0);
	io_free(&w);
	fput(f);
	io_head_free(ih);
}

static void io_fails_without_an_available_path(struct kunit *test)
{
	struct io_head *ih = io_head(test, "cmpe", MPATH_IOPOLICY_NUMA);
	struct file *f = open_head(test, ih);
	struct io w;
	int i;

	for (i = 0; i < ARRAY_SIZE(ih->paths); i++) {
		WRITE_ONCE(ih->paths[i].available, false);
		set_usable(ih, i, false);
	}
	io_start(test, &w, file_bdev(f), REQ_OP_WRITE, 0, 1);
	KUNIT_EXPECT_EQ(test, io_wait(&w), BLK_STS_IOERR);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&ih->head.fail_no_avail_path_cnt), 1);
	io_free(&w);
	fput(f);
	io_head_free(ih);
}

/*
 * A device node for the head's character device, on a private ramfs mount
 * (kernel threads have no writable root to make one in).
 */
struct io_cdev_node {
	struct vfsmount *mnt;
	struct dentry *dentry;
};

static int io_cdev_node_make(struct io_cdev_node *node)
{
	struct file_system_type *type = get_fs_type("ramfs");
	struct dentry *root, *dentry;
	int ret;

	if (!type)
		return -ENODEV;
	node->mnt = kern_mount(type);
	put_filesystem(type);
	if (IS_ERR(node->mnt))
		return PTR_ERR(node->mnt);
	root = node->mnt->mnt_root;
	dentry = start_creating_noperm(root, &QSTR("ng"));
	if (IS_ERR(dentry)) {
		kern_unmount(node->mnt);
		return PTR_ERR(dentry);
	}
	ret = vfs_mknod(&nop_mnt_idmap, d_inode(root), dentry, S_IFCHR | 0600,
			io_cdev_region, NULL);
	node->dentry = dget(dentry);
	end_creating(dentry);
	if (ret) {
		dput(node->dentry);
		kern_unmount(node->mnt);
	}
	return ret;
}

static struct file *io_cdev_open(struct io_cdev_node *node, int flags)
{
	struct path path = { .mnt = node->mnt, .dentry = node->dentry };

	return dentry_open(&path, flags, current_cred());
}

static void io_cdev_node_drop(struct io_cdev_node *node)
{
	dput(node->dentry);
	kern_unmount(node->mnt);
}

static long io_cdev_call(struct file *f, unsigned int cmd, unsigned long arg)
{
	return f->f_op->unlocked_ioctl(f, cmd, arg);
}

static void chardev_calls(struct kunit *test, struct io_head *ih, struct file *f)
{
	KUNIT_EXPECT_PTR_EQ(test, f->f_op, &mpath_chr_fops);

	set_usable(ih, 0, false);
	KUNIT_EXPECT_EQ(test, io_cdev_call(f, 0x4e41, 77), 42);
	KUNIT_EXPECT_EQ(test, ih->paths[0].ioctls, 0);
	KUNIT_EXPECT_EQ(test, ih->paths[1].ioctls, 1);
	KUNIT_EXPECT_EQ(test, ih->paths[1].ioctl_cmd, 0x4e41);
	KUNIT_EXPECT_EQ(test, ih->paths[1].ioctl_arg, 77);
	KUNIT_EXPECT_TRUE(test, ih->paths[1].ioctl_for_write);

	set_usable(ih, 0, true);
	set_usable(ih, 1, false);
	KUNIT_EXPECT_EQ(test, io_cdev_call(f, 0x4e42, 78), 42);
	KUNIT_EXPECT_EQ(test, ih->paths[0].ioctls, 1);
	KUNIT_EXPECT_EQ(test, ih->paths[0].ioctl_arg, 78);

	/* No usable path: -EWOULDBLOCK, and no path sees the ioctl. */
	set_usable(ih, 0, false);
	KUNIT_EXPECT_EQ(test, io_cdev_call(f, 0x4e43, 79), -EWOULDBLOCK);
	KUNIT_EXPECT_EQ(test, ih->paths[0].ioctls + ih->paths[1].ioctls, 2);
	set_usable(ih, 0, true);
	set_usable(ih, 1, true);
}

static void chardev_forwards_to_the_chosen_path(struct kunit *test)
{
	struct io_head *ih = io_head_of(test, "mpkc", MPATH_IOPOLICY_NUMA, &io_cdev_template, 0);
	struct io_cdev_node node;
	struct file *f;
	int ret;

	/* Added once, with the head disk, though both paths went live. */
	KUNIT_EXPECT_EQ(test, ih->cdev_adds, 1);
	KUNIT_EXPECT_TRUE(test, test_bit(MPATH_HEAD_CDEV_LIVE, &ih->head.flags));

	/* On failure, still tear the head down: its disks are live. */
	ret = io_cdev_node_make(&node);
	KUNIT_EXPECT_EQ(test, ret, 0);
	if (!ret) {
		f = io_cdev_open(&node, O_RDWR);
		KUNIT_EXPECT_FALSE_MSG(test, IS_ERR(f), "open: %d", PTR_ERR_OR_ZERO(f));
		if (!IS_ERR(f)) {
			chardev_calls(test, ih, f);
			fput(f);
		}
		/* A read-only opener: the driver is told. */
		f = io_cdev_open(&node, O_RDONLY);
		KUNIT_EXPECT_FALSE(test, IS_ERR(f));
		if (!IS_ERR(f)) {
			KUNIT_EXPECT_EQ(test, io_cdev_call(f, 0x4e44, 80), 42);
			KUNIT_EXPECT_FALSE(test, ih->paths[0].ioctl_for_write);
			fput(f);
		}
		io_cdev_node_drop(&node);
	}

	io_head_free(ih);
	KUNIT_EXPECT_EQ(test, ih->cdev_dels, 1);
	KUNIT_EXPECT_FALSE(test, test_bit(MPATH_HEAD_CDEV_LIVE, &ih->head.flags));
}

static void chardev_that_fails_to_add_is_not_deleted(struct kunit *test)
{
	struct io_head *ih = io_head_of(test, "mpkf", MPATH_IOPOLICY_NUMA,
					&io_cdev_template, -ENOSPC);
	struct file *f = open_head(test, ih);

	/* The head disk works without its character device. */
	KUNIT_EXPECT_EQ(test, ih->cdev_adds, 1);
	KUNIT_EXPECT_FALSE(test, test_bit(MPATH_HEAD_CDEV_LIVE, &ih->head.flags));
	KUNIT_EXPECT_TRUE(test, round_trip(test, file_bdev(f), 8, 0x5a));
	fput(f);
	io_head_free(ih);
	KUNIT_EXPECT_EQ(test, ih->cdev_dels, 0);
}

static int mpath_io_suite_init(struct kunit_suite *suite)
{
	return alloc_chrdev_region(&io_cdev_region, 0, 1, "mpath-kunit");
}

static void mpath_io_suite_exit(struct kunit_suite *suite)
{
	unregister_chrdev_region(io_cdev_region, 1);
}

static struct kunit_case mpath_io_cases[] = {
	KUNIT_CASE(chardev_forwards_to_the_chosen_path),
	KUNIT_CASE(chardev_that_fails_to_add_is_not_deleted),
	KUNIT_CASE(io_lands_on_the_chosen_path),
	KUNIT_CASE(io_fails_over_with_nothing_lost),
	KUNIT_CASE(io_waits_for_a_returning_path),
	KUNIT_CASE(removal_fails_waiting_io),
	KUNIT_CASE(io_fails_without_an_available_path),
	{}
};

static struct kunit_suite mpath_io_suite = {
	.name = "libmultipath_c_io",
	.suite_init = mpath_io_suite_init,
	.suite_exit = mpath_io_suite_exit,
	.test_cases = mpath_io_cases,
};

kunit_test_suite(mpath_io_suite);

MODULE_DESCRIPTION("KUnit tests for I/O through libmultipath head disks, in C");
MODULE_LICENSE("GPL");
