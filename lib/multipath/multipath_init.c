// SPDX-License-Identifier: GPL-2.0
/*
 * libmultipath: boot-time announcement.
 *
 * The library is the `multipath` Rust crate (rust/multipath/); this file
 * only reports that it is built in and which I/O policies it offers,
 * printed through the library's own C API.
 */

#define pr_fmt(fmt) "libmultipath: " fmt

#include <linux/init.h>
#include <linux/multipath.h>
#include <linux/printk.h>
#include <linux/slab.h>

static int __init mpath_announce(void)
{
	char *names, *p;
	int i, len;

	names = kzalloc(PAGE_SIZE, GFP_KERNEL);
	if (!names)
		return -ENOMEM;
	/* Every policy value from 0 up, until the library says -EINVAL. */
	for (i = 0, p = names; (len = mpath_get_iopolicy(p, i)) > 0; i++) {
		p[len - 1] = ' ';
		p += len;
	}
	if (p > names)
		p[-1] = '\0';
	pr_info("version %s (Rust), I/O policies: %s\n", MPATH_VERSION, names);
	kfree(names);
	return 0;
}
late_initcall(mpath_announce);
