// SPDX-License-Identifier: GPL-2.0
/*
 * libmultipath: the head disk's "multipath" attribute group, which holds
 * one link per path disk.  Static C data, since sysfs wants attribute
 * groups as constant tables; the links themselves are managed by the
 * Rust code (mpath_device_set_live(), mpath_remove_sysfs_link()).
 */

#include <linux/multipath.h>
#include <linux/sysfs.h>

/* A group needs an attribute to exist; this one is never shown. */
static struct attribute mpath_dummy_attr = {
	.name = "dummy",
};

static struct attribute *mpath_attrs[] = {
	&mpath_dummy_attr,
	NULL,
};

static umode_t mpath_attr_is_visible(struct kobject *kobj, struct attribute *a, int n)
{
	return 0;
}

const struct attribute_group mpath_attr_group = {
	.name		= "multipath",
	.attrs		= mpath_attrs,
	.is_visible	= mpath_attr_is_visible,
};
EXPORT_SYMBOL_GPL(mpath_attr_group);

const struct attribute_group *mpath_device_groups[] = {
	&mpath_attr_group,
	NULL,
};
EXPORT_SYMBOL_GPL(mpath_device_groups);
