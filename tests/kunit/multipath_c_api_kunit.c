// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the C API of libmultipath: what a C driver sees through
 * include/linux/multipath.h, implemented in Rust.
 */

#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/multipath.h>
#include <linux/slab.h>
#include <linux/string.h>

static const char * const good_names[] = {
	[MPATH_IOPOLICY_NUMA] = "numa",
	[MPATH_IOPOLICY_RR] = "round-robin",
	[MPATH_IOPOLICY_QD] = "queue-depth",
	[MPATH_IOPOLICY_LAT] = "latency",
};

static void mpath_set_iopolicy_accepts_names(struct kunit *test)
{
	char line[32];
	int i, policy;

	for (i = 0; i < ARRAY_SIZE(good_names); i++) {
		policy = -1;
		KUNIT_EXPECT_EQ(test, mpath_set_iopolicy(good_names[i], &policy), 0);
		KUNIT_EXPECT_EQ(test, policy, i);

		snprintf(line, sizeof(line), "%s\n", good_names[i]);
		policy = -1;
		KUNIT_EXPECT_EQ(test, mpath_set_iopolicy(line, &policy), 0);
		KUNIT_EXPECT_EQ(test, policy, i);
	}
}

static void mpath_set_iopolicy_rejects_bad_input(struct kunit *test)
{
	static const char * const bad[] = {
		"", "\n", "numa\n\n", "Numa", "numa ", " numa",
		"round-robinx", "queue", "rr", "0", "adaptive", "latency ",
	};
	char *overlong;
	int i, policy = MPATH_IOPOLICY_QD;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		KUNIT_EXPECT_EQ_MSG(test, mpath_set_iopolicy(bad[i], &policy), -EINVAL,
				    "input \"%s\"", bad[i]);
		KUNIT_EXPECT_EQ(test, policy, MPATH_IOPOLICY_QD);
	}
	KUNIT_EXPECT_EQ(test, mpath_set_iopolicy(NULL, &policy), -EINVAL);

	overlong = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, overlong);
	memset(overlong, 'n', PAGE_SIZE - 1);
	KUNIT_EXPECT_EQ(test, mpath_set_iopolicy(overlong, &policy), -EINVAL);
	KUNIT_EXPECT_EQ(test, policy, MPATH_IOPOLICY_QD);
}

static void mpath_get_iopolicy_prints_names(struct kunit *test)
{
	char line[32];
	char *buf;
	int i;

	buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (i = 0; i < ARRAY_SIZE(good_names); i++) {
		memset(buf, 0, PAGE_SIZE);
		KUNIT_EXPECT_EQ(test, mpath_get_iopolicy(buf, i),
				(int)strlen(good_names[i]) + 1);
		snprintf(line, sizeof(line), "%s\n", good_names[i]);
		KUNIT_EXPECT_STREQ(test, buf, line);
	}
	KUNIT_EXPECT_EQ(test, mpath_get_iopolicy(buf, -1), -EINVAL);
	KUNIT_EXPECT_EQ(test, mpath_get_iopolicy(buf, ARRAY_SIZE(good_names)),
			-EINVAL);
}

static struct kunit_case mpath_c_api_cases[] = {
	KUNIT_CASE(mpath_set_iopolicy_accepts_names),
	KUNIT_CASE(mpath_set_iopolicy_rejects_bad_input),
	KUNIT_CASE(mpath_get_iopolicy_prints_names),
	{}
};

static struct kunit_suite mpath_c_api_suite = {
	.name = "libmultipath_c_api",
	.test_cases = mpath_c_api_cases,
};

kunit_test_suite(mpath_c_api_suite);

MODULE_DESCRIPTION("KUnit tests for the libmultipath C API");
MODULE_LICENSE("GPL");
