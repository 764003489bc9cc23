// SPDX-License-Identifier: GPL-2.0

#include <linux/rculist.h>

__rust_helper void rust_helper_list_add_tail_rcu(struct list_head *new, struct list_head *head)
{
	list_add_tail_rcu(new, head);
}

__rust_helper void rust_helper_list_del_rcu(struct list_head *entry)
{
	list_del_rcu(entry);
}

__rust_helper struct list_head *rust_helper_list_next_rcu_raw(struct list_head *pos)
{
	return rcu_dereference_raw(list_next_rcu(pos));
}

__rust_helper bool rust_helper_list_empty_careful_rcu(const struct list_head *head)
{
	return list_empty(head);
}

__rust_helper bool rust_helper_list_is_del_rcu(const struct list_head *entry)
{
	return READ_ONCE(entry->prev) == LIST_POISON2;
}
