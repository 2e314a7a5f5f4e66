// SPDX-License-Identifier: GPL-2.0

#include <linux/nodemask.h>
#include <linux/topology.h>

__rust_helper int rust_helper_numa_node_id(void)
{
	return numa_node_id();
}

__rust_helper int rust_helper_node_distance(int from, int to)
{
	return node_distance(from, to);
}

__rust_helper bool rust_helper_node_online(int node)
{
	return node_online(node);
}
