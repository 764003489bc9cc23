// SPDX-License-Identifier: GPL-2.0
/*
 * libmultipath: the block_bio_remap trace event for the Rust code, which
 * cannot expand the tracepoint macros itself.
 */

#include <linux/multipath.h>
#include <trace/events/block.h>

void mpath_trace_bio_remap(struct bio *bio, dev_t dev, sector_t sector)
{
	trace_block_bio_remap(bio, dev, sector);
}
