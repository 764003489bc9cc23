/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libmultipath: generic block-layer multipath.
 *
 * The library is written in Rust (rust/multipath/); this header is its C
 * API.  Every function declared here is implemented by the `multipath`
 * crate with #[export] (which checks the Rust signature against this
 * declaration at compile time) and exported with EXPORT_SYMBOL_GPL.
 */
#ifndef _LINUX_MULTIPATH_H
#define _LINUX_MULTIPATH_H

/* Version of the library, shown at boot. */
#define MPATH_VERSION "0.1.0"

/**
 * enum mpath_iopolicy_e - path selection policy of a multipath head
 * @MPATH_IOPOLICY_NUMA: the closest optimized path by NUMA distance,
 *	cached per node.
 * @MPATH_IOPOLICY_RR: round-robin over the optimized paths, with a cursor
 *	per NUMA node.
 * @MPATH_IOPOLICY_QD: the optimized path with the fewest requests in
 *	flight.
 *
 * The names used by sysfs and module parameters are "numa",
 * "round-robin" and "queue-depth".
 */
enum mpath_iopolicy_e {
	MPATH_IOPOLICY_NUMA,
	MPATH_IOPOLICY_RR,
	MPATH_IOPOLICY_QD,
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

#endif /* _LINUX_MULTIPATH_H */
