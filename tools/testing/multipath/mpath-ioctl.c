// SPDX-License-Identifier: GPL-2.0
/*
 * mpath-ioctl: issue the block, NVMe passthrough and persistent
 * reservation ioctls the multipath tests need, on a head block or
 * character device, and print the result on one line.  Built statically
 * by mkinitramfs.sh so the busybox guest needs no nvme-cli.
 *
 *   mpath-ioctl nsid DEV               NVME_IOCTL_ID
 *   mpath-ioctl id-ctrl DEV            NVME_IOCTL_ADMIN_CMD, Identify Controller
 *   mpath-ioctl read DEV               NVME_IOCTL_IO_CMD, read of LBA 0
 *   mpath-ioctl read64 DEV             NVME_IOCTL_IO64_CMD, read of LBA 0
 *   mpath-ioctl getgeo DEV             HDIO_GETGEO
 *   mpath-ioctl size DEV               BLKGETSIZE64
 *   mpath-ioctl pr-register DEV KEY [OLD]
 *                                      IOC_PR_REGISTER: new key KEY, old
 *                                      key OLD (default 0)
 *   mpath-ioctl pr-register-ignore DEV KEY
 *                                      IOC_PR_REGISTER, PR_FL_IGNORE_KEY
 *   mpath-ioctl pr-reserve DEV KEY [TYPE]
 *                                      IOC_PR_RESERVE, enum pr_type TYPE
 *                                      (default 1, write exclusive)
 *   mpath-ioctl pr-preempt DEV KEY OLD TYPE
 *                                      IOC_PR_PREEMPT: preempt OLD with KEY
 *   mpath-ioctl pr-read-keys DEV       IOC_PR_READ_KEYS
 *   mpath-ioctl pr-read-resv DEV       IOC_PR_READ_RESERVATION
 *   mpath-ioctl pr-release DEV KEY [TYPE]
 *                                      IOC_PR_RELEASE
 *   mpath-ioctl pr-clear DEV KEY       IOC_PR_CLEAR
 *   mpath-ioctl sg DEV CDB             SG_IO with CDB (hex, e.g. 5e00...),
 *                                      up to 512 bytes in; prints the SCSI
 *                                      and host status and the residue
 *
 * DEV "fd:N" uses the inherited open file descriptor N instead of opening a
 * path (a head held open after its disk was deleted has no /dev node).
 *
 * With MPATH_IOCTL_UID=N in the environment the device is opened as
 * root and the ioctl issued after switching to user N (no capabilities).
 *
 * Exit status 0 on success; on failure it prints "error <errno> ...", or
 * for a reservation the device refused "status <PR_STS_* in hex>".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/fs.h>
#include <linux/hdreg.h>
#include <linux/nvme_ioctl.h>
#include <linux/pr.h>
#include <scsi/sg.h>

/* Newer than some distributions' headers (Linux 6.19+). */
#ifndef IOC_PR_READ_KEYS
struct pr_read_keys {
	__u32 generation;
	__u32 num_keys;
	__u64 keys_ptr;
};

struct pr_read_reservation {
	__u64 key;
	__u32 generation;
	__u32 type;
};

#define IOC_PR_READ_KEYS	_IOWR('p', 206, struct pr_read_keys)
#define IOC_PR_READ_RESERVATION	_IOR('p', 207, struct pr_read_reservation)
#endif

static int fail(const char *what)
{
	printf("error %d %s: %s\n", errno, what, strerror(errno));
	return 1;
}

/*
 * The end of a reservation ioctl: the block layer returns the device's
 * refusal as a positive PR_STS_* status, an error as -1 with errno.
 */
static int pr_done(const char *op, int ret)
{
	if (ret < 0)
		return fail(op);
	if (ret > 0) {
		printf("status 0x%x\n", ret);
		return 1;
	}
	printf("ok\n");
	return 0;
}

/* Argument N as a number, or DEF if there are not that many. */
static __u64 arg(int argc, char **argv, int n, __u64 def)
{
	return argc > n ? strtoull(argv[n], NULL, 0) : def;
}

/* SG_IO with the CDB given in hex, data in to buf. */
static int sg_cmd(int fd, const char *hex, unsigned char *buf, int len)
{
	unsigned char cdb[16], sense[32];
	struct sg_io_hdr io = { 0 };
	int n = 0;

	while (n < (int)sizeof(cdb) && sscanf(hex + 2 * n, "%2hhx", &cdb[n]) == 1)
		n++;
	if (n < 6 || hex[2 * n]) {
		errno = EINVAL;
		return fail("CDB");
	}
	io.interface_id = 'S';
	io.cmdp = cdb;
	io.cmd_len = n;
	io.dxfer_direction = SG_DXFER_FROM_DEV;
	io.dxferp = buf;
	io.dxfer_len = len;
	io.sbp = sense;
	io.mx_sb_len = sizeof(sense);
	io.timeout = 10000;
	if (ioctl(fd, SG_IO, &io))
		return fail("SG_IO");
	printf("status 0x%x host 0x%x resid %d\n", io.status, io.host_status,
	       io.resid);
	return 0;
}

static int nvme_passthru(int fd, unsigned long req, __u8 opcode, __u32 nsid,
			 __u32 cdw10, void *buf, __u32 len)
{
	struct nvme_passthru_cmd cmd = {
		.opcode = opcode,
		.nsid = nsid,
		.cdw10 = cdw10,
		.addr = (__u64)(uintptr_t)buf,
		.data_len = len,
	};

	return ioctl(fd, req, &cmd);
}

static int nvme_passthru64(int fd, unsigned long req, __u8 opcode,
			   __u32 nsid, void *buf, __u32 len)
{
	struct nvme_passthru_cmd64 cmd = {
		.opcode = opcode,
		.nsid = nsid,
		.addr = (__u64)(uintptr_t)buf,
		.data_len = len,
	};

	return ioctl(fd, req, &cmd);
}

int main(int argc, char **argv)
{
	const char *op = argc > 1 ? argv[1] : "";
	__u64 key = argc > 3 ? strtoull(argv[3], NULL, 0) : 0;
	static unsigned char buf[4096];
	int fd, ret;

	if (argc < 3) {
		fprintf(stderr, "usage: %s OP DEV [KEY]\n", argv[0]);
		return 2;
	}
	if (!strncmp(argv[2], "fd:", 3))
		fd = atoi(argv[2] + 3);
	else
		fd = open(argv[2], O_RDWR);
	if (fd < 0)
		return fail("open");
	if (getenv("MPATH_IOCTL_UID")) {
		uid_t uid = strtoul(getenv("MPATH_IOCTL_UID"), NULL, 0);

		if (setgid(uid) || setuid(uid))
			return fail("setuid");
	}

	if (!strcmp(op, "nsid")) {
		ret = ioctl(fd, NVME_IOCTL_ID);
		if (ret < 0)
			return fail("NVME_IOCTL_ID");
		printf("%d\n", ret);
	} else if (!strcmp(op, "id-ctrl")) {
		/* Identify, CNS 1: the controller; bytes 0-1 are the PCI vendor. */
		if (nvme_passthru(fd, NVME_IOCTL_ADMIN_CMD, 0x06, 0, 1, buf,
				  sizeof(buf)))
			return fail("identify controller");
		printf("vid 0x%04x mn %.40s\n", buf[0] | buf[1] << 8,
		       (char *)buf + 24);
	} else if (!strcmp(op, "read")) {
		int nsid = ioctl(fd, NVME_IOCTL_ID);

		if (nsid < 0)
			return fail("NVME_IOCTL_ID");
		/* Read, LBA 0, one block (NLB is 0's based in cdw12). */
		if (nvme_passthru(fd, NVME_IOCTL_IO_CMD, 0x02, nsid, 0, buf,
				  512))
			return fail("read");
		printf("ok\n");
	} else if (!strcmp(op, "read64")) {
		int nsid = ioctl(fd, NVME_IOCTL_ID);

		if (nsid < 0)
			return fail("NVME_IOCTL_ID");
		if (nvme_passthru64(fd, NVME_IOCTL_IO64_CMD, 0x02, nsid, buf,
				    512))
			return fail("read64");
		printf("ok\n");
	} else if (!strcmp(op, "getgeo")) {
		struct hd_geometry geo;

		if (ioctl(fd, HDIO_GETGEO, &geo))
			return fail("HDIO_GETGEO");
		printf("heads %u sectors %u cylinders %u\n", geo.heads,
		       geo.sectors, geo.cylinders);
	} else if (!strcmp(op, "size")) {
		__u64 size;

		if (ioctl(fd, BLKGETSIZE64, &size))
			return fail("BLKGETSIZE64");
		printf("size %llu\n", (unsigned long long)size);
	} else if (!strcmp(op, "pr-register") ||
		   !strcmp(op, "pr-register-ignore")) {
		struct pr_registration r = {
			.old_key = arg(argc, argv, 4, 0),
			.new_key = key,
			.flags = !strcmp(op, "pr-register") ? 0 : PR_FL_IGNORE_KEY,
		};

		return pr_done(op, ioctl(fd, IOC_PR_REGISTER, &r));
	} else if (!strcmp(op, "pr-clear")) {
		struct pr_clear c = { .key = key };

		return pr_done(op, ioctl(fd, IOC_PR_CLEAR, &c));
	} else if (!strcmp(op, "pr-reserve") || !strcmp(op, "pr-release")) {
		struct pr_reservation r = {
			.key = key,
			.type = arg(argc, argv, 4, PR_WRITE_EXCLUSIVE),
		};
		unsigned long req = !strcmp(op, "pr-reserve") ?
			IOC_PR_RESERVE : IOC_PR_RELEASE;

		return pr_done(op, ioctl(fd, req, &r));
	} else if (!strcmp(op, "pr-preempt")) {
		struct pr_preempt p = {
			.old_key = arg(argc, argv, 4, 0),
			.new_key = key,
			.type = arg(argc, argv, 5, PR_WRITE_EXCLUSIVE),
		};

		return pr_done(op, ioctl(fd, IOC_PR_PREEMPT, &p));
	} else if (!strcmp(op, "pr-read-keys")) {
		__u64 keys[8];
		struct pr_read_keys rk = {
			.num_keys = 8,
			.keys_ptr = (__u64)(uintptr_t)keys,
		};
		unsigned int i;

		ret = ioctl(fd, IOC_PR_READ_KEYS, &rk);
		if (ret)
			return pr_done(op, ret);
		printf("keys %u:", rk.num_keys);
		for (i = 0; i < rk.num_keys && i < 8; i++)
			printf(" 0x%llx", (unsigned long long)keys[i]);
		printf("\n");
	} else if (!strcmp(op, "pr-read-resv")) {
		struct pr_read_reservation rr = { 0 };

		ret = ioctl(fd, IOC_PR_READ_RESERVATION, &rr);
		if (ret)
			return pr_done(op, ret);
		printf("key 0x%llx type %u\n", (unsigned long long)rr.key,
		       rr.type);
	} else if (!strcmp(op, "sg")) {
		if (argc < 4) {
			fprintf(stderr, "usage: %s sg DEV CDB\n", argv[0]);
			return 2;
		}
		return sg_cmd(fd, argv[3], buf, 512);
	} else {
		fprintf(stderr, "unknown op %s\n", op);
		return 2;
	}
	return 0;
}
