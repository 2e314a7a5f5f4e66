// SPDX-License-Identifier: GPL-2.0
/*
 * QEMU TCG plugin for make insnprof (dev/insnprof.sh): count the guest
 * instructions executed in each kernel translation block, and write all
 * counters to a file each time the guest executes the block at a marker
 * address (the guest script calls sync(2), the marker is __x64_sys_sync),
 * and once more when QEMU exits.
 *
 * Arguments (-plugin insnprof.so,mark=ADDR,out=PREFIX):
 *   mark=ADDR   hex guest virtual address of the marker block (required)
 *   out=PREFIX  snapshot files are PREFIX.0, PREFIX.1, ... (default "prof")
 *
 * Each snapshot has one line per translation block that ran:
 *   VADDR NINSNS COUNT
 * (hex start address, instructions in the block, times it ran; a block is
 * keyed by address and length, as QEMU may retranslate an address into a
 * block of another length).  Multiply NINSNS by COUNT for instructions.
 * A snapshot is written to PREFIX.N.tmp and renamed when complete, so a
 * PREFIX.N that exists is whole.
 *
 * Meant for one vCPU (-smp 1, single-threaded TCG); with more, the counts
 * stay right but a snapshot is not atomic with respect to other vCPUs.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The subset of QEMU's plugin API (include/qemu/qemu-plugin.h) used here,
 * declared by hand: Debian packages no qemu-plugin.h (qemu-system ships
 * the loader but no development header).  These declarations are stable
 * since API version 1; VERSION is the API version QEMU is built with
 * (4 for QEMU 10.0), passed by dev/insnprof.sh.
 */
typedef uint64_t qemu_plugin_id_t;

typedef struct qemu_info_t {
	const char *target_name;
	struct {
		int min;
		int cur;
	} version;
	bool system_emulation;
	union {
		struct {
			int smp_vcpus;
			int max_vcpus;
		} system;
	};
} qemu_info_t;

struct qemu_plugin_tb;

enum qemu_plugin_cb_flags {
	QEMU_PLUGIN_CB_NO_REGS,
	QEMU_PLUGIN_CB_R_REGS,
	QEMU_PLUGIN_CB_RW_REGS,
};

typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id,
					       struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index,
					    void *userdata);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
					   qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb,
					  qemu_plugin_vcpu_udata_cb_t cb,
					  enum qemu_plugin_cb_flags flags,
					  void *userdata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id,
				    qemu_plugin_udata_cb_t cb, void *userdata);

#define QEMU_PLUGIN_EXPORT __attribute__((visibility("default")))

#ifndef VERSION
#error "build with -DVERSION=<QEMU plugin API version>"
#endif
QEMU_PLUGIN_EXPORT int qemu_plugin_version = VERSION;

/* Only kernel text counts: x86-64 kernel and modules live above this. */
#define KERNEL_START	0xffffffff80000000ull

/* One counter per translation block, in a chained hash table. */
struct tb_count {
	uint64_t vaddr;
	uint64_t n_insns;
	uint64_t count;
	struct tb_count *next;
};

#define HASH_BITS	20
#define HASH_SIZE	(1u << HASH_BITS)

static struct tb_count *table[HASH_SIZE];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t mark;
static const char *prefix = "prof";
static unsigned int nsnap;
static bool write_failed;

static size_t tb_hash(uint64_t vaddr, uint64_t n_insns)
{
	return ((vaddr ^ (n_insns << 7)) * 0x9e3779b97f4a7c15ull) >>
	       (64 - HASH_BITS);
}

/* Write the counters to PREFIX.N; called with lock held. */
static void snapshot(void)
{
	char name[4096], tmp[4096 + 4];
	struct tb_count *c;
	size_t i;
	FILE *f;
	int err;

	snprintf(name, sizeof(name), "%s.%u", prefix, nsnap++);
	snprintf(tmp, sizeof(tmp), "%s.tmp", name);
	f = fopen(tmp, "w");
	if (!f) {
		fprintf(stderr, "insnprof: cannot create %s: %s\n", tmp,
			strerror(errno));
		write_failed = true;
		return;
	}
	for (i = 0; i < HASH_SIZE; i++) {
		for (c = table[i]; c; c = c->next) {
			uint64_t n = __atomic_load_n(&c->count,
						     __ATOMIC_RELAXED);

			if (n)
				fprintf(f, "%" PRIx64 " %" PRIu64 " %" PRIu64 "\n",
					c->vaddr, c->n_insns, n);
		}
	}
	err = ferror(f);
	if (fclose(f) || err) {
		fprintf(stderr, "insnprof: writing %s failed: %s\n", tmp,
			strerror(errno));
		write_failed = true;
		remove(tmp);
		return;
	}
	if (rename(tmp, name)) {
		fprintf(stderr, "insnprof: cannot rename %s to %s: %s\n", tmp,
			name, strerror(errno));
		write_failed = true;
		remove(tmp);
	}
}

static void tb_exec(unsigned int vcpu_index, void *userdata)
{
	struct tb_count *c = userdata;

	__atomic_fetch_add(&c->count, 1, __ATOMIC_RELAXED);
}

static void mark_exec(unsigned int vcpu_index, void *userdata)
{
	pthread_mutex_lock(&lock);
	snapshot();
	pthread_mutex_unlock(&lock);
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	uint64_t vaddr = qemu_plugin_tb_vaddr(tb);
	uint64_t n_insns = qemu_plugin_tb_n_insns(tb);
	struct tb_count *c;
	size_t h;

	if (vaddr < KERNEL_START)
		return;
	h = tb_hash(vaddr, n_insns);
	pthread_mutex_lock(&lock);
	for (c = table[h]; c; c = c->next)
		if (c->vaddr == vaddr && c->n_insns == n_insns)
			break;
	if (!c) {
		c = calloc(1, sizeof(*c));
		if (!c) {
			fprintf(stderr, "insnprof: out of memory\n");
			abort();
		}
		c->vaddr = vaddr;
		c->n_insns = n_insns;
		c->next = table[h];
		table[h] = c;
	}
	pthread_mutex_unlock(&lock);
	/* Snapshot first, so snapshot N counts N earlier marker runs. */
	if (vaddr == mark)
		qemu_plugin_register_vcpu_tb_exec_cb(tb, mark_exec,
						     QEMU_PLUGIN_CB_NO_REGS,
						     NULL);
	qemu_plugin_register_vcpu_tb_exec_cb(tb, tb_exec,
					     QEMU_PLUGIN_CB_NO_REGS, c);
}

static void at_exit(qemu_plugin_id_t id, void *userdata)
{
	pthread_mutex_lock(&lock);
	snapshot();
	if (write_failed)
		fprintf(stderr, "insnprof: some snapshots were not written\n");
	pthread_mutex_unlock(&lock);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
					   const qemu_info_t *info,
					   int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "mark=", 5)) {
			char *end;

			errno = 0;
			mark = strtoull(argv[i] + 5, &end, 16);
			if (errno || end == argv[i] + 5 || *end) {
				fprintf(stderr, "insnprof: bad address '%s'\n",
					argv[i]);
				return -1;
			}
		} else if (!strncmp(argv[i], "out=", 4) && argv[i][4]) {
			prefix = argv[i] + 4;
		} else {
			fprintf(stderr, "insnprof: unknown argument '%s' (mark=ADDR, out=PREFIX)\n",
				argv[i]);
			return -1;
		}
	}
	if (!mark) {
		fprintf(stderr, "insnprof: mark=ADDR (hex, nonzero) is required\n");
		return -1;
	}
	if (mark < KERNEL_START) {
		fprintf(stderr, "insnprof: mark=%" PRIx64 " is not a kernel address\n",
			mark);
		return -1;
	}
	if (!info->system_emulation) {
		fprintf(stderr, "insnprof: needs system emulation\n");
		return -1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
