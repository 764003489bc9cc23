// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for heads and paths through the C API, the way a C driver
 * uses them: paths embedded in the driver's objects, a template of
 * callbacks, the policy stored by the driver.
 */

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/errno.h>
#include <linux/multipath.h>
#include <linux/preempt.h>
#include <linux/slab.h>
#include <linux/string.h>

struct fake_path {
	struct mpath_device mdev;
	char name;
	bool disabled;
	atomic_t depth;
};

struct fake_head {
	struct mpath_head head;
	int iopolicy;
	struct fake_path paths[4];
};

static bool fake_is_disabled(struct mpath_device *dev)
{
	return container_of(dev, struct fake_path, mdev)->disabled;
}

static const struct mpath_head_template fake_template = {
	.is_disabled = fake_is_disabled,
};

static struct fake_head *fake_head(struct kunit *test, int npaths, int policy)
{
	struct fake_head *fh;
	int i;

	fh = kunit_kzalloc(test, sizeof(*fh), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fh);
	fh->iopolicy = policy;
	KUNIT_ASSERT_EQ(test, mpath_head_init(&fh->head, &fake_template, &fh->iopolicy), 0);
	for (i = 0; i < npaths; i++) {
		fh->paths[i].name = 'A' + i;
		KUNIT_ASSERT_EQ(test, mpath_add_device(&fh->paths[i].mdev, &fh->head, NULL,
						       NUMA_NO_NODE, &fh->paths[i].depth), 0);
		/* A new path waits for its state. */
		KUNIT_EXPECT_EQ(test, fh->paths[i].mdev.access_state, MPATH_STATE_OTHER);
		WRITE_ONCE(fh->paths[i].mdev.access_state, MPATH_STATE_OPTIMIZED);
	}
	return fh;
}

static void fake_head_free(struct kunit *test, struct fake_head *fh)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(fh->paths); i++)
		mpath_delete_device(&fh->paths[i].mdev);
	KUNIT_EXPECT_TRUE(test, mpath_head_devices_empty(&fh->head));
	mpath_head_uninit(&fh->head);
}

static void set_states(struct fake_head *fh, const char *states)
{
	int i;

	for (i = 0; states[i]; i++)
		WRITE_ONCE(fh->paths[i].mdev.access_state,
			   states[i] == 'o' ? MPATH_STATE_OPTIMIZED :
			   states[i] == 'n' ? MPATH_STATE_NONOPTIMIZED :
			   MPATH_STATE_OTHER);
	mpath_clear_paths(&fh->head);
}

/* The names of @n paths chosen in a row on this CPU's node. */
static void choose(struct fake_head *fh, int n, char *out)
{
	struct srcu_ctr __percpu *scp;
	struct mpath_device *dev;
	int i;

	migrate_disable();
	for (i = 0; i < n; i++) {
		scp = srcu_read_lock_fast(&fh->head.srcu);
		dev = mpath_find_path(&fh->head);
		out[i] = dev ? container_of(dev, struct fake_path, mdev)->name : '-';
		srcu_read_unlock_fast(&fh->head.srcu, scp);
	}
	migrate_enable();
	out[n] = '\0';
}

static void head_init_checks_arguments(struct kunit *test)
{
	struct mpath_head *head = kunit_kzalloc(test, sizeof(*head), GFP_KERNEL);
	int policy = MPATH_IOPOLICY_NUMA;

	KUNIT_ASSERT_NOT_NULL(test, head);
	KUNIT_EXPECT_EQ(test, mpath_head_init(head, NULL, &policy), -EINVAL);
	KUNIT_EXPECT_EQ(test, mpath_head_init(head, &fake_template, NULL), -EINVAL);
	KUNIT_ASSERT_EQ(test, mpath_head_init(head, &fake_template, &policy), 0);
	KUNIT_EXPECT_TRUE(test, mpath_head_devices_empty(head));
	mpath_head_uninit(head);
}

static void add_and_delete_paths(struct kunit *test)
{
	struct fake_head *fh = fake_head(test, 3, MPATH_IOPOLICY_NUMA);

	KUNIT_EXPECT_FALSE(test, mpath_head_devices_empty(&fh->head));
	/* A path is on one head at most. */
	KUNIT_EXPECT_EQ(test, mpath_add_device(&fh->paths[0].mdev, &fh->head, NULL,
					       NUMA_NO_NODE, NULL), -EINVAL);
	KUNIT_EXPECT_PTR_EQ(test, fh->paths[1].mdev.mpath_head, &fh->head);
	KUNIT_EXPECT_FALSE(test, mpath_delete_device(&fh->paths[1].mdev));
	KUNIT_EXPECT_NULL(test, fh->paths[1].mdev.mpath_head);
	KUNIT_EXPECT_FALSE(test, mpath_delete_device(&fh->paths[0].mdev));
	KUNIT_EXPECT_TRUE(test, mpath_delete_device(&fh->paths[2].mdev));
	KUNIT_EXPECT_TRUE(test, mpath_head_devices_empty(&fh->head));
	/* Deleting a path on no head does nothing. */
	KUNIT_EXPECT_FALSE(test, mpath_delete_device(&fh->paths[2].mdev));
	/* And it can be added again. */
	KUNIT_EXPECT_EQ(test, mpath_add_device(&fh->paths[2].mdev, &fh->head, NULL,
					       NUMA_NO_NODE, NULL), 0);
	fake_head_free(test, fh);
}

static void round_robin_through_c(struct kunit *test)
{
	struct fake_head *fh = fake_head(test, 3, MPATH_IOPOLICY_RR);
	char seq[8];

	set_states(fh, "ono");
	choose(fh, 6, seq);
	KUNIT_EXPECT_STREQ(test, seq, "ACACAC");

	/* A disabled path is skipped, a non-optimized one is the fallback. */
	fh->paths[2].disabled = true;
	set_states(fh, "nno");
	choose(fh, 4, seq);
	KUNIT_EXPECT_STREQ(test, seq, "ABAB");
	fake_head_free(test, fh);
}

static void deleted_path_is_never_chosen(struct kunit *test)
{
	struct fake_head *fh = fake_head(test, 2, MPATH_IOPOLICY_NUMA);
	char seq[4];

	choose(fh, 1, seq);
	KUNIT_EXPECT_STREQ(test, seq, "A");
	/* A is cached on this node; deleting it clears the cache. */
	KUNIT_EXPECT_FALSE(test, mpath_delete_device(&fh->paths[0].mdev));
	KUNIT_EXPECT_FALSE(test, mpath_clear_current_path(&fh->paths[0].mdev));
	choose(fh, 3, seq);
	KUNIT_EXPECT_STREQ(test, seq, "BBB");
	/* B is cached now, somewhere. */
	KUNIT_EXPECT_TRUE(test, mpath_clear_current_path(&fh->paths[1].mdev));
	KUNIT_EXPECT_FALSE(test, mpath_clear_current_path(&fh->paths[1].mdev));
	fake_head_free(test, fh);
}

static void queue_depth_reads_driver_counters(struct kunit *test)
{
	struct fake_head *fh = fake_head(test, 3, MPATH_IOPOLICY_QD);
	char seq[4];

	atomic_set(&fh->paths[0].depth, 5);
	atomic_set(&fh->paths[1].depth, 2);
	atomic_set(&fh->paths[2].depth, 3);
	choose(fh, 1, seq);
	KUNIT_EXPECT_STREQ(test, seq, "B");
	atomic_set(&fh->paths[2].depth, 0);
	choose(fh, 1, seq);
	KUNIT_EXPECT_STREQ(test, seq, "C");
	fake_head_free(test, fh);
}

static void policy_change_takes_effect(struct kunit *test)
{
	struct fake_head *fh = fake_head(test, 2, MPATH_IOPOLICY_NUMA);
	char seq[8];

	choose(fh, 3, seq);
	KUNIT_EXPECT_STREQ(test, seq, "AAA");
	WRITE_ONCE(fh->iopolicy, MPATH_IOPOLICY_RR);
	mpath_clear_paths(&fh->head);
	choose(fh, 4, seq);
	KUNIT_EXPECT_STREQ(test, seq, "ABAB");
	fake_head_free(test, fh);
}

static void iopolicy_store_and_show(struct kunit *test)
{
	static const char * const bad[] = {
		"", "\n", "round-robin\n\n", "RR", "numa ", " numa", "queue",
	};
	struct fake_head *fh = fake_head(test, 2, MPATH_IOPOLICY_NUMA);
	char *buf, *overlong;
	char seq[8];
	int i;

	buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	overlong = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, overlong);

	KUNIT_EXPECT_EQ(test, mpath_iopolicy_show(&fh->head, buf), 5);
	KUNIT_EXPECT_STREQ(test, buf, "numa\n");
	choose(fh, 2, seq);
	KUNIT_EXPECT_STREQ(test, seq, "AA");

	/* A store changes the driver's storage and forgets cached paths. */
	KUNIT_EXPECT_EQ(test, mpath_iopolicy_store(&fh->head, "round-robin\n"), 0);
	KUNIT_EXPECT_EQ(test, fh->iopolicy, MPATH_IOPOLICY_RR);
	KUNIT_EXPECT_FALSE(test, mpath_clear_current_path(&fh->paths[0].mdev));
	choose(fh, 4, seq);
	KUNIT_EXPECT_STREQ(test, seq, "ABAB");
	KUNIT_EXPECT_EQ(test, mpath_iopolicy_show(&fh->head, buf), 12);
	KUNIT_EXPECT_STREQ(test, buf, "round-robin\n");

	/* Bad input is -EINVAL and changes nothing. */
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		KUNIT_EXPECT_EQ_MSG(test, mpath_iopolicy_store(&fh->head, bad[i]), -EINVAL,
				    "input \"%s\"", bad[i]);
		KUNIT_EXPECT_EQ(test, fh->iopolicy, MPATH_IOPOLICY_RR);
	}
	KUNIT_EXPECT_EQ(test, mpath_iopolicy_store(&fh->head, NULL), -EINVAL);
	memset(overlong, 'q', PAGE_SIZE - 1);
	KUNIT_EXPECT_EQ(test, mpath_iopolicy_store(&fh->head, overlong), -EINVAL);
	KUNIT_EXPECT_EQ(test, fh->iopolicy, MPATH_IOPOLICY_RR);

	KUNIT_EXPECT_EQ(test, mpath_iopolicy_store(&fh->head, "queue-depth"), 0);
	KUNIT_EXPECT_EQ(test, fh->iopolicy, MPATH_IOPOLICY_QD);
	fake_head_free(test, fh);
}

static int record_path(struct mpath_device *dev, void *data)
{
	*(char *)data = container_of(dev, struct fake_path, mdev)->name;
	return 42;
}

static void call_for_device_uses_the_chosen_path(struct kunit *test)
{
	struct fake_head *fh = fake_head(test, 2, MPATH_IOPOLICY_NUMA);
	char seen = '-';

	set_states(fh, "no");
	KUNIT_EXPECT_EQ(test, mpath_call_for_device(&fh->head, record_path, &seen), 42);
	KUNIT_EXPECT_EQ(test, seen, 'B');
	set_states(fh, "xx");
	seen = '-';
	KUNIT_EXPECT_EQ(test, mpath_call_for_device(&fh->head, record_path, &seen),
			-EWOULDBLOCK);
	KUNIT_EXPECT_EQ(test, seen, '-');
	KUNIT_EXPECT_EQ(test, mpath_call_for_device(&fh->head, NULL, NULL), -EINVAL);
	fake_head_free(test, fh);
}

static void head_references(struct kunit *test)
{
	struct fake_head *fh = fake_head(test, 0, MPATH_IOPOLICY_NUMA);

	KUNIT_EXPECT_TRUE(test, mpath_get_head(&fh->head));
	KUNIT_EXPECT_TRUE(test, mpath_get_head(&fh->head));
	mpath_put_head(&fh->head);
	mpath_put_head(&fh->head);
	/* uninit drops the last reference and returns. */
	mpath_head_uninit(&fh->head);
}

/* A driver whose own reference count is the head's. */
struct counted_head {
	struct mpath_head head;
	int iopolicy;
	atomic_t refs;
};

static bool counted_get(struct mpath_head *head)
{
	return atomic_inc_not_zero(&container_of(head, struct counted_head, head)->refs);
}

static void counted_put(struct mpath_head *head)
{
	atomic_dec(&container_of(head, struct counted_head, head)->refs);
}

static bool no_ioctl_begin(struct mpath_device *dev, unsigned int cmd, void **ctx)
{
	return false;
}

static const struct mpath_head_template counted_template = {
	.get_head = counted_get,
	.put_head = counted_put,
};

static void driver_counts_its_heads(struct kunit *test)
{
	struct counted_head *ch = kunit_kzalloc(test, sizeof(*ch), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ch);
	atomic_set(&ch->refs, 1);
	KUNIT_ASSERT_EQ(test, mpath_head_init(&ch->head, &counted_template, &ch->iopolicy), 0);
	KUNIT_EXPECT_TRUE(test, mpath_get_head(&ch->head));
	KUNIT_EXPECT_EQ(test, atomic_read(&ch->refs), 2);
	mpath_put_head(&ch->head);
	KUNIT_EXPECT_EQ(test, atomic_read(&ch->refs), 1);
	/* The driver's object is going away: no new reference. */
	atomic_set(&ch->refs, 0);
	KUNIT_EXPECT_FALSE(test, mpath_get_head(&ch->head));
	KUNIT_EXPECT_EQ(test, atomic_read(&ch->refs), 0);
	/* Called from the driver's release: must not wait. */
	mpath_head_uninit(&ch->head);
}

static int no_add_cdev(struct mpath_head *head)
{
	return -ENODEV;
}

static void no_del_cdev(struct mpath_head *head)
{
}

static int no_cdev_ioctl(struct mpath_device *dev, unsigned int cmd,
			 unsigned long arg, bool open_for_write)
{
	return -ENOTTY;
}

static void template_callbacks_come_in_pairs(struct kunit *test)
{
	static const struct mpath_head_template get_only = { .get_head = counted_get };
	static const struct mpath_head_template put_only = { .put_head = counted_put };
	static const struct mpath_head_template begin_only = { .ioctl_begin = no_ioctl_begin };
	static const struct mpath_head_template add_cdev_only = { .add_cdev = no_add_cdev };
	static const struct mpath_head_template cdev_no_ioctl = {
		.add_cdev = no_add_cdev, .del_cdev = no_del_cdev,
	};
	static const struct mpath_head_template cdev_no_del = {
		.add_cdev = no_add_cdev, .cdev_ioctl = no_cdev_ioctl,
	};
	static const struct mpath_head_template cdev_complete = {
		.add_cdev = no_add_cdev, .del_cdev = no_del_cdev,
		.cdev_ioctl = no_cdev_ioctl,
	};
	struct mpath_head *head = kunit_kzalloc(test, sizeof(*head), GFP_KERNEL);
	int policy = MPATH_IOPOLICY_NUMA;

	KUNIT_ASSERT_NOT_NULL(test, head);
	KUNIT_EXPECT_EQ(test, mpath_head_init(head, &get_only, &policy), -EINVAL);
	KUNIT_EXPECT_EQ(test, mpath_head_init(head, &put_only, &policy), -EINVAL);
	KUNIT_EXPECT_EQ(test, mpath_head_init(head, &begin_only, &policy), -EINVAL);
	KUNIT_EXPECT_EQ(test, mpath_head_init(head, &add_cdev_only, &policy), -EINVAL);
	KUNIT_EXPECT_EQ(test, mpath_head_init(head, &cdev_no_ioctl, &policy), -EINVAL);
	KUNIT_EXPECT_EQ(test, mpath_head_init(head, &cdev_no_del, &policy), -EINVAL);
	KUNIT_ASSERT_EQ(test, mpath_head_init(head, &cdev_complete, &policy), 0);
	mpath_head_uninit(head);
}

static void expect_secs(struct kunit *test, struct mpath_head *head, const char *want)
{
	char *buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, mpath_delayed_removal_secs_show(head, buf), strlen(want));
	KUNIT_EXPECT_STREQ(test, buf, want);
}

static void expect_diag(struct kunit *test, struct mpath_head *head,
			enum mpath_diag_counter c, const char *want)
{
	char *buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, mpath_diag_counter_show(head, c, buf), strlen(want));
	KUNIT_EXPECT_STREQ(test, buf, want);
}

static void diag_counters_store_and_show(struct kunit *test)
{
	static const char * const bad[] = {
		"", "\n", "abc", "-1", "5 5", "5\n\n", "1.5", "0x", "18446744073709551616",
	};
	struct fake_head *fh = fake_head(test, 1, MPATH_IOPOLICY_NUMA);
	struct mpath_head *head = &fh->head;
	char *longest = kunit_kzalloc(test, 5000, GFP_KERNEL);
	char *buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, longest);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	expect_diag(test, head, MPATH_DIAG_REQUEUE_NO_USABLE_PATH, "0\n");
	expect_diag(test, head, MPATH_DIAG_FAIL_NO_AVAIL_PATH, "0\n");

	/* Each counter is its own field. */
	atomic_long_set(&head->requeue_no_usable_path_cnt, 7);
	atomic_long_set(&head->fail_no_avail_path_cnt, 9);
	expect_diag(test, head, MPATH_DIAG_REQUEUE_NO_USABLE_PATH, "7\n");
	expect_diag(test, head, MPATH_DIAG_FAIL_NO_AVAIL_PATH, "9\n");

	/* Good values: decimal, hex, octal, the largest, a reset. */
	KUNIT_EXPECT_EQ(test, mpath_diag_counter_store(head, MPATH_DIAG_FAIL_NO_AVAIL_PATH,
						       "0x10\n"), 0);
	expect_diag(test, head, MPATH_DIAG_FAIL_NO_AVAIL_PATH, "16\n");
	KUNIT_EXPECT_EQ(test, mpath_diag_counter_store(head, MPATH_DIAG_FAIL_NO_AVAIL_PATH,
						       "010"), 0);
	expect_diag(test, head, MPATH_DIAG_FAIL_NO_AVAIL_PATH, "8\n");
	KUNIT_EXPECT_EQ(test, mpath_diag_counter_store(head, MPATH_DIAG_FAIL_NO_AVAIL_PATH,
						       "18446744073709551615"), 0);
	expect_diag(test, head, MPATH_DIAG_FAIL_NO_AVAIL_PATH, "18446744073709551615\n");
	KUNIT_EXPECT_EQ(test, mpath_diag_counter_store(head, MPATH_DIAG_REQUEUE_NO_USABLE_PATH,
						       "0\n"), 0);
	expect_diag(test, head, MPATH_DIAG_REQUEUE_NO_USABLE_PATH, "0\n");
	expect_diag(test, head, MPATH_DIAG_FAIL_NO_AVAIL_PATH, "18446744073709551615\n");

	/* Bad values and an unknown counter: -EINVAL, nothing changed. */
	KUNIT_EXPECT_EQ(test, mpath_diag_counter_store(head, MPATH_DIAG_REQUEUE_NO_USABLE_PATH,
						       "3"), 0);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		int ret = mpath_diag_counter_store(head, MPATH_DIAG_REQUEUE_NO_USABLE_PATH,
						   bad[i]);

		KUNIT_EXPECT_EQ_MSG(test, ret, -EINVAL, "input \"%s\"", bad[i]);
		expect_diag(test, head, MPATH_DIAG_REQUEUE_NO_USABLE_PATH, "3\n");
	}
	memset(longest, '1', 4999);
	KUNIT_EXPECT_EQ(test, mpath_diag_counter_store(head, MPATH_DIAG_REQUEUE_NO_USABLE_PATH,
						       longest), -EINVAL);
	KUNIT_EXPECT_EQ(test, mpath_diag_counter_store(head, 2, "1"), -EINVAL);
	KUNIT_EXPECT_EQ(test, mpath_diag_counter_show(head, 2, buf), -EINVAL);
	expect_diag(test, head, MPATH_DIAG_REQUEUE_NO_USABLE_PATH, "3\n");
	fake_head_free(test, fh);
}

static void delayed_removal_secs_store_and_show(struct kunit *test)
{
	static const char * const bad[] = {
		"", "\n", "abc", "-1", "5 5", "5\n\n", "1.5", "4294967296",
		"99999999999999999999",
	};
	struct fake_head *fh = fake_head(test, 1, MPATH_IOPOLICY_NUMA);
	unsigned long *flags = &fh->head.flags;
	char *longest = kunit_kzalloc(test, 5000, GFP_KERNEL);
	char num[16];
	int i;

	KUNIT_ASSERT_NOT_NULL(test, longest);
	expect_secs(test, &fh->head, "0\n");
	KUNIT_EXPECT_EQ(test, mpath_delayed_removal_secs_store(&fh->head, "5\n"), 0);
	expect_secs(test, &fh->head, "5\n");
	KUNIT_EXPECT_TRUE(test, test_bit(MPATH_HEAD_QUEUE_IF_NO_PATH, flags));

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_EQ_MSG(test, mpath_delayed_removal_secs_store(&fh->head, bad[i]),
				    -EINVAL, "input \"%s\"", bad[i]);
	memset(longest, '1', 4999);
	KUNIT_EXPECT_EQ(test, mpath_delayed_removal_secs_store(&fh->head, longest), -EINVAL);
	KUNIT_EXPECT_EQ(test, mpath_delayed_removal_secs_store(&fh->head, NULL), -EINVAL);
	/* One past the largest delay whose jiffies fit. */
	snprintf(num, sizeof(num), "%u", MPATH_MAX_DELAYED_REMOVAL_SECS + 1);
	KUNIT_EXPECT_EQ(test, mpath_delayed_removal_secs_store(&fh->head, num), -EINVAL);
	expect_secs(test, &fh->head, "5\n");
	KUNIT_EXPECT_TRUE(test, test_bit(MPATH_HEAD_QUEUE_IF_NO_PATH, flags));

	snprintf(num, sizeof(num), "%u", MPATH_MAX_DELAYED_REMOVAL_SECS);
	KUNIT_EXPECT_EQ(test, mpath_delayed_removal_secs_store(&fh->head, num), 0);
	KUNIT_EXPECT_EQ(test, mpath_delayed_removal_secs_store(&fh->head, "0x10"), 0);
	expect_secs(test, &fh->head, "16\n");
	KUNIT_EXPECT_EQ(test, mpath_delayed_removal_secs_store(&fh->head, "0"), 0);
	expect_secs(test, &fh->head, "0\n");
	KUNIT_EXPECT_FALSE(test, test_bit(MPATH_HEAD_QUEUE_IF_NO_PATH, flags));
	fake_head_free(test, fh);
}

static void removal_waits_and_is_cancelled_by_a_path(struct kunit *test)
{
	struct fake_head *fh = fake_head(test, 1, MPATH_IOPOLICY_NUMA);
	struct mpath_device *dev = &fh->paths[0].mdev;
	unsigned long *flags = &fh->head.flags;
	int i;

	KUNIT_EXPECT_FALSE(test, mpath_can_remove_head(&fh->head));
	mpath_delete_device(dev);
	/* No delay: remove now. */
	KUNIT_EXPECT_TRUE(test, mpath_can_remove_head(&fh->head));
	KUNIT_EXPECT_FALSE(test, test_bit(MPATH_HEAD_REMOVE_PENDING, flags));

	KUNIT_ASSERT_EQ(test, mpath_delayed_removal_secs_store(&fh->head, "1000"), 0);
	KUNIT_EXPECT_FALSE(test, mpath_can_remove_head(&fh->head));
	KUNIT_EXPECT_TRUE(test, test_bit(MPATH_HEAD_REMOVE_PENDING, flags));
	/* Asked again: still pending, the module pinned once. */
	KUNIT_EXPECT_FALSE(test, mpath_can_remove_head(&fh->head));

	/* A path comes back in time, again and again. */
	for (i = 0; i < 1000; i++) {
		KUNIT_ASSERT_EQ(test, mpath_add_device(dev, &fh->head, NULL, NUMA_NO_NODE,
						       NULL), 0);
		KUNIT_ASSERT_FALSE(test, test_bit(MPATH_HEAD_REMOVE_PENDING, flags));
		KUNIT_ASSERT_FALSE(test, mpath_can_remove_head(&fh->head));
		KUNIT_ASSERT_TRUE(test, mpath_delete_device(dev));
		KUNIT_ASSERT_FALSE(test, mpath_can_remove_head(&fh->head));
		KUNIT_ASSERT_TRUE(test, test_bit(MPATH_HEAD_REMOVE_PENDING, flags));
	}
	/* Torn down while pending: the removal is cancelled. */
	fake_head_free(test, fh);
}

static void numa_nodes_show_lists_caching_nodes(struct kunit *test)
{
	struct fake_head *fh = fake_head(test, 2, MPATH_IOPOLICY_NUMA);
	char *buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	char want[16], seen[2];

	KUNIT_ASSERT_NOT_NULL(test, buf);
	/* Nothing cached yet: an empty list. */
	KUNIT_EXPECT_EQ(test, mpath_numa_nodes_show(&fh->paths[0].mdev, buf), 1);
	KUNIT_EXPECT_STREQ(test, buf, "\n");

	migrate_disable();
	choose(fh, 1, seen);
	snprintf(want, sizeof(want), "%d\n", numa_node_id());
	migrate_enable();
	KUNIT_EXPECT_STREQ(test, seen, "A");
	KUNIT_EXPECT_EQ(test, mpath_numa_nodes_show(&fh->paths[0].mdev, buf), strlen(want));
	KUNIT_EXPECT_STREQ(test, buf, want);
	KUNIT_EXPECT_EQ(test, mpath_numa_nodes_show(&fh->paths[1].mdev, buf), 1);
	KUNIT_EXPECT_STREQ(test, buf, "\n");

	/* Another policy: an empty file, as NVMe shows it. */
	KUNIT_EXPECT_EQ(test, mpath_iopolicy_store(&fh->head, "round-robin"), 0);
	KUNIT_EXPECT_EQ(test, mpath_numa_nodes_show(&fh->paths[0].mdev, buf), 0);
	fake_head_free(test, fh);
}

static struct kunit_case mpath_head_cases[] = {
	KUNIT_CASE(head_init_checks_arguments),
	KUNIT_CASE(add_and_delete_paths),
	KUNIT_CASE(round_robin_through_c),
	KUNIT_CASE(deleted_path_is_never_chosen),
	KUNIT_CASE(queue_depth_reads_driver_counters),
	KUNIT_CASE(policy_change_takes_effect),
	KUNIT_CASE(iopolicy_store_and_show),
	KUNIT_CASE(call_for_device_uses_the_chosen_path),
	KUNIT_CASE(head_references),
	KUNIT_CASE(driver_counts_its_heads),
	KUNIT_CASE(template_callbacks_come_in_pairs),
	KUNIT_CASE(diag_counters_store_and_show),
	KUNIT_CASE(delayed_removal_secs_store_and_show),
	KUNIT_CASE(removal_waits_and_is_cancelled_by_a_path),
	KUNIT_CASE(numa_nodes_show_lists_caching_nodes),
	{}
};

static struct kunit_suite mpath_head_suite = {
	.name = "libmultipath_head",
	.test_cases = mpath_head_cases,
};

kunit_test_suite(mpath_head_suite);

MODULE_DESCRIPTION("KUnit tests for libmultipath heads and paths");
MODULE_LICENSE("GPL");
