// SPDX-License-Identifier: GPL-2.0
/*
 * mpath_ioctl: issue one ioctl with bad input on a multipath head (block
 * or character device) and check the error the kernel gives.
 *
 *   mpath_ioctl DEV CASE EXPECTED
 *   mpath_ioctl FILE write EXPECTED
 *
 * CASE pr-register, pr-read-keys and nowait-read are valid calls (a key
 * registration, reading up to 8 keys, a direct RWF_NOWAIT read of 4 KiB).
 *
 * The second form writes what it reads on standard input (up to 64 KiB)
 * to FILE, a sysfs attribute, in one write() call, as a store sees it:
 * embedded NULs, more than a page, no newline.
 *
 * EXPECTED is an errno name (EFAULT, ENOTTY, EINVAL, ...) or OK for a
 * call that must succeed.  Prints what the call returned; the exit status
 * is 0 iff that is EXPECTED, 1 if not, 2 on a usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <linux/fs.h>
#include <linux/hdreg.h>
#include <linux/nvme_ioctl.h>
#include <linux/pr.h>
#include <scsi/sg.h>

/* The 7.3 uapi has these; older host headers may not. */
#ifndef IOC_PR_READ_KEYS
struct pr_read_keys {
	__u32	generation;
	__u32	num_keys;
	__u64	keys_ptr;
};

#define IOC_PR_READ_KEYS	_IOWR('p', 206, struct pr_read_keys)
#endif
#ifndef PR_KEYS_MAX
#define PR_KEYS_MAX		65536u
#endif

/* A user address no process maps: below mmap_min_addr, page aligned. */
#define BAD_PTR		((void *)0x1000)
/* Not a pointer at all. */
#define ODD_PTR		((void *)1)

/* An ioctl number no driver of ours knows, in the NVMe and block ranges. */
#define BAD_NVME_CMD	_IO('N', 0x7f)
#define BAD_BLK_CMD	_IOR(0x12, 0xfe, int)

/* One page, page aligned, for data the kernel may read or write. */
static char *buf;

/* NVMe opcodes: Identify (admin; CNS 0 is a namespace) and Read (I/O). */
#define NVME_IDENTIFY	0x06
#define NVME_READ	0x02

/* Fills @c: opcode @op on namespace @nsid, 4 KiB of data at @addr. */
static void fill_cmd(struct nvme_passthru_cmd *c, __u8 op, __u32 nsid,
		     void *addr)
{
	memset(c, 0, sizeof(*c));
	c->opcode = op;
	c->nsid = nsid;
	c->addr = (__u64)(uintptr_t)addr;
	c->data_len = 4096;
}

/* One write() of standard input to @fd. */
static int write_stdin(int fd)
{
	static char in[65536];
	size_t len = 0;
	ssize_t n;

	while (len < sizeof(in)) {
		n = read(0, in + len, sizeof(in) - len);
		if (n < 0)
			return -1;
		if (!n)
			break;
		len += n;
	}
	return write(fd, in, len);
}

static int nsid_of(int fd)
{
	int nsid = ioctl(fd, NVME_IOCTL_ID);

	return nsid > 0 ? nsid : 1;
}

/* Runs @name on @fd; returns the ioctl's result, errno set when < 0. */
static int run(int fd, const char *name)
{
	struct nvme_passthru_cmd cmd;
	struct nvme_passthru_cmd64 cmd64;
	struct nvme_user_io uio;
	struct pr_registration reg;
	struct pr_read_keys rk;
	struct iovec iov;
	struct sg_io_hdr sg;
	unsigned char cdb[6] = { 0x12, 0, 0, 0, 96, 0 };	/* INQUIRY */

	if (!strcmp(name, "write"))
		return write_stdin(fd);
	if (!strcmp(name, "badcmd"))
		return ioctl(fd, BAD_NVME_CMD, 0);
	if (!strcmp(name, "badcmd-blk"))
		return ioctl(fd, BAD_BLK_CMD, buf);
	if (!strcmp(name, "nvme-id"))
		return ioctl(fd, NVME_IOCTL_ID);
	if (!strcmp(name, "nvme-admin-id")) {
		fill_cmd(&cmd, NVME_IDENTIFY, nsid_of(fd), buf);
		return ioctl(fd, NVME_IOCTL_ADMIN_CMD, &cmd);
	}
	if (!strcmp(name, "nvme-admin-badptr"))
		return ioctl(fd, NVME_IOCTL_ADMIN_CMD, ODD_PTR);
	if (!strcmp(name, "nvme-admin-baddata")) {
		fill_cmd(&cmd, NVME_IDENTIFY, nsid_of(fd), BAD_PTR);
		return ioctl(fd, NVME_IOCTL_ADMIN_CMD, &cmd);
	}
	if (!strcmp(name, "nvme-admin64-badptr"))
		return ioctl(fd, NVME_IOCTL_ADMIN64_CMD, ODD_PTR);
	if (!strcmp(name, "nvme-admin64-baddata")) {
		memset(&cmd64, 0, sizeof(cmd64));
		cmd64.opcode = NVME_IDENTIFY;
		cmd64.nsid = nsid_of(fd);
		cmd64.addr = (__u64)(uintptr_t)BAD_PTR;
		cmd64.data_len = 4096;
		return ioctl(fd, NVME_IOCTL_ADMIN64_CMD, &cmd64);
	}
	if (!strcmp(name, "nvme-io-badptr"))
		return ioctl(fd, NVME_IOCTL_IO_CMD, ODD_PTR);
	if (!strcmp(name, "nvme-io64-badptr"))
		return ioctl(fd, NVME_IOCTL_IO64_CMD, ODD_PTR);
	if (!strcmp(name, "nvme-io-baddata")) {
		/* Read of one 4 KiB block at LBA 0 into an unmapped page. */
		fill_cmd(&cmd, NVME_READ, nsid_of(fd), BAD_PTR);
		return ioctl(fd, NVME_IOCTL_IO_CMD, &cmd);
	}
	if (!strcmp(name, "nvme-io-read")) {
		fill_cmd(&cmd, NVME_READ, nsid_of(fd), buf);
		return ioctl(fd, NVME_IOCTL_IO_CMD, &cmd);
	}
	if (!strcmp(name, "nvme-submit-io-badptr"))
		return ioctl(fd, NVME_IOCTL_SUBMIT_IO, ODD_PTR);
	if (!strcmp(name, "nvme-submit-io-baddata")) {
		memset(&uio, 0, sizeof(uio));
		uio.opcode = NVME_READ;
		uio.nblocks = 0;
		uio.addr = (__u64)(uintptr_t)BAD_PTR;
		return ioctl(fd, NVME_IOCTL_SUBMIT_IO, &uio);
	}
	if (!strcmp(name, "getgeo"))
		return ioctl(fd, HDIO_GETGEO, buf);
	if (!strcmp(name, "getgeo-badptr"))
		return ioctl(fd, HDIO_GETGEO, ODD_PTR);
	if (!strcmp(name, "getsize64-badptr"))
		return ioctl(fd, BLKGETSIZE64, ODD_PTR);
	if (!strcmp(name, "pr-register-badptr"))
		return ioctl(fd, IOC_PR_REGISTER, ODD_PTR);
	if (!strcmp(name, "pr-read-keys-badptr"))
		return ioctl(fd, IOC_PR_READ_KEYS, ODD_PTR);
	if (!strcmp(name, "pr-read-keys-toomany")) {
		memset(&rk, 0, sizeof(rk));
		rk.num_keys = PR_KEYS_MAX + 1;
		rk.keys_ptr = (__u64)(uintptr_t)buf;
		return ioctl(fd, IOC_PR_READ_KEYS, &rk);
	}
	if (!strcmp(name, "pr-register")) {
		memset(&reg, 0, sizeof(reg));
		reg.new_key = 0x1234;
		return ioctl(fd, IOC_PR_REGISTER, &reg);
	}
	if (!strcmp(name, "pr-read-keys")) {
		memset(&rk, 0, sizeof(rk));
		rk.num_keys = 8;
		rk.keys_ptr = (__u64)(uintptr_t)buf;
		return ioctl(fd, IOC_PR_READ_KEYS, &rk);
	}
	if (!strcmp(name, "nowait-read")) {
		/* One direct 4 KiB read with RWF_NOWAIT (FMODE_NOWAIT). */
		iov.iov_base = buf;
		iov.iov_len = 4096;
		if (fcntl(fd, F_SETFL, O_DIRECT) < 0)
			return -1;
		return preadv2(fd, &iov, 1, 0, RWF_NOWAIT);
	}
	if (!strcmp(name, "sgio-badptr"))
		return ioctl(fd, SG_IO, ODD_PTR);
	if (!strcmp(name, "sgio-baddata") || !strcmp(name, "sgio-inquiry")) {
		memset(&sg, 0, sizeof(sg));
		sg.interface_id = 'S';
		sg.dxfer_direction = SG_DXFER_FROM_DEV;
		sg.cmd_len = sizeof(cdb);
		sg.cmdp = cdb;
		sg.dxfer_len = 96;
		sg.dxferp = strcmp(name, "sgio-inquiry") ? BAD_PTR : buf;
		sg.timeout = 10000;
		return ioctl(fd, SG_IO, &sg);
	}
	fprintf(stderr, "mpath_ioctl: unknown case %s\n", name);
	exit(2);
}

int main(int argc, char **argv)
{
	const char *got;
	int fd, ret;

	if (argc != 4) {
		fprintf(stderr, "usage: mpath_ioctl DEV CASE EXPECTED\n");
		return 2;
	}
	buf = aligned_alloc(4096, 4096);
	if (!buf)
		return 2;
	memset(buf, 0, 4096);
	/* A file that cannot be opened for writing is a result too. */
	fd = open(argv[1], strcmp(argv[2], "write") ? O_RDWR : O_WRONLY);
	ret = fd;
	if (fd >= 0) {
		errno = 0;
		ret = run(fd, argv[2]);
	}
	if (ret < 0) {
		got = strerrorname_np(errno);
		printf("%s %s: %s (%d)\n", argv[1], argv[2],
		       got ? got : "?", errno);
	} else {
		got = "OK";
		printf("%s %s: returned %d\n", argv[1], argv[2], ret);
	}
	if (fd >= 0)
		close(fd);
	return got && !strcmp(got, argv[3]) ? 0 : 1;
}
