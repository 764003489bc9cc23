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

__rust_helper bool rust_helper_node_state(int node, enum node_states state)
{
	return node_state(node, state);
}

__rust_helper int rust_helper_next_node_in_state(int node, enum node_states state)
{
	return next_node(node, node_states[state]);
}
