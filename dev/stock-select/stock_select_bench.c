// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel cost of one stock nvme_find_path(), measured as the KUnit
 * suite libmultipath_bench measures libmultipath's selection: fake paths,
 * all optimized, idle and on no node, the per-node cache cleared before
 * each policy, 10000 selections each in their own SRCU read section.
 * The results are printed after the last measurement: a console flush
 * that a print between two measurements leaves behind (the serial
 * console's busy waits count as instructions in icount mode) would be
 * counted in the next one.
 *
 * Workspace tooling only: dev/stock-select.sh builds it into nvme-core of
 * a scratch copy of the unpatched tree.  It is not part of the series.
 */
#include <kunit/test.h>
#include <linux/ktime.h>
#include <linux/math64.h>

#include "nvme.h"

#define ROUNDS		10000
#define MAX_PATHS	64

static void stock_select_cost(struct kunit *test)
{
	static const struct {
		const char *name;
		enum nvme_iopolicy policy;
	} policies[] = {
		{ "numa", NVME_IOPOLICY_NUMA },
		{ "round-robin", NVME_IOPOLICY_RR },
		{ "queue-depth", NVME_IOPOLICY_QD },
	};
	static const int counts[] = { 2, 8, MAX_PATHS };
	u64 cost[ARRAY_SIZE(counts)][ARRAY_SIZE(policies)];
	struct nvme_subsystem *subsys;
	struct nvme_ns_head *head;
	struct nvme_ctrl *ctrls;
	struct nvme_ns *nss;
	int added = 0, c, p, i, node;

	subsys = kunit_kzalloc(test, sizeof(*subsys), GFP_KERNEL);
	head = kunit_kzalloc(test, struct_size(head, current_path, nr_node_ids),
			     GFP_KERNEL);
	ctrls = kunit_kcalloc(test, MAX_PATHS, sizeof(*ctrls), GFP_KERNEL);
	nss = kunit_kcalloc(test, MAX_PATHS, sizeof(*nss), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, subsys);
	KUNIT_ASSERT_NOT_NULL(test, head);
	KUNIT_ASSERT_NOT_NULL(test, ctrls);
	KUNIT_ASSERT_NOT_NULL(test, nss);
	INIT_LIST_HEAD(&head->list);
	KUNIT_ASSERT_EQ(test, init_srcu_struct(&head->srcu), 0);
	head->subsys = subsys;

	for (c = 0; c < ARRAY_SIZE(counts); c++) {
		for (; added < counts[c]; added++) {
			struct nvme_ctrl *ctrl = &ctrls[added];
			struct nvme_ns *ns = &nss[added];

			ctrl->state = NVME_CTRL_LIVE;
			ctrl->numa_node = NUMA_NO_NODE;
			atomic_set(&ctrl->nr_active, 0);
			ns->ctrl = ctrl;
			ns->head = head;
			ns->ana_state = NVME_ANA_OPTIMIZED;
			set_bit(NVME_NS_READY, &ns->flags);
			list_add_tail_rcu(&ns->siblings, &head->list);
		}
		for (p = 0; p < ARRAY_SIZE(policies); p++) {
			unsigned int found = 0;
			u64 start;

			WRITE_ONCE(subsys->iopolicy, policies[p].policy);
			for_each_node(node)
				RCU_INIT_POINTER(head->current_path[node], NULL);
			start = ktime_get_ns();
			for (i = 0; i < ROUNDS; i++) {
				int idx = srcu_read_lock(&head->srcu);

				if (nvme_find_path(head))
					found++;
				srcu_read_unlock(&head->srcu, idx);
			}
			cost[c][p] = div_u64(ktime_get_ns() - start, ROUNDS);
			KUNIT_EXPECT_EQ(test, found, ROUNDS);
		}
	}
	for (c = 0; c < ARRAY_SIZE(counts); c++)
		for (p = 0; p < ARRAY_SIZE(policies); p++)
			pr_info("stock_select_bench: select policy=%s paths=%d ns=%llu\n",
				policies[p].name, counts[c], cost[c][p]);
	synchronize_srcu(&head->srcu);
	cleanup_srcu_struct(&head->srcu);
}

static struct kunit_case stock_select_cases[] = {
	KUNIT_CASE(stock_select_cost),
	{}
};

static struct kunit_suite stock_select_suite = {
	.name = "stock_select_bench",
	.test_cases = stock_select_cases,
};
kunit_test_suite(stock_select_suite);
