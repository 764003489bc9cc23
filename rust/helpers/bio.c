// SPDX-License-Identifier: GPL-2.0

#include <linux/bio.h>
#include <linux/blkdev.h>
#include <trace/events/block.h>

__rust_helper void rust_helper_bio_set_dev(struct bio *bio, struct block_device *bdev)
{
	bio_set_dev(bio, bdev);
}

__rust_helper void rust_helper_bio_set_flag(struct bio *bio, unsigned int bit)
{
	bio_set_flag(bio, bit);
}

__rust_helper void rust_helper_bio_list_add(struct bio_list *bl, struct bio *bio)
{
	bio_list_add(bl, bio);
}

__rust_helper struct bio *rust_helper_bio_list_pop(struct bio_list *bl)
{
	return bio_list_pop(bl);
}

__rust_helper unsigned int rust_helper_bio_list_size(const struct bio_list *bl)
{
	return bio_list_size(bl);
}

__rust_helper void rust_helper_bio_list_merge_init(struct bio_list *bl, struct bio_list *bl2)
{
	bio_list_merge_init(bl, bl2);
}

__rust_helper struct bio_vec rust_helper_bio_iter_iovec(struct bio *bio, struct bvec_iter iter)
{
	return bio_iter_iovec(bio, iter);
}

__rust_helper void rust_helper_bio_advance_iter_single(const struct bio *bio,
						       struct bvec_iter *iter,
						       unsigned int bytes)
{
	bio_advance_iter_single(bio, iter, bytes);
}

__rust_helper bool rust_helper_bio_has_data(struct bio *bio)
{
	return bio_has_data(bio);
}

__rust_helper struct bio *rust_helper_bio_alloc(struct block_device *bdev,
						unsigned short nr_vecs,
						blk_opf_t opf, gfp_t gfp_mask)
{
	return bio_alloc(bdev, nr_vecs, opf, gfp_mask);
}

__rust_helper sector_t rust_helper_get_capacity(struct gendisk *disk)
{
	return get_capacity(disk);
}

__rust_helper sector_t rust_helper_bdev_nr_sectors(struct block_device *bdev)
{
	return bdev_nr_sectors(bdev);
}

__rust_helper bool rust_helper_bdev_is_partition(struct block_device *bdev)
{
	return bdev_is_partition(bdev);
}

__rust_helper void rust_helper_trace_block_bio_remap(struct bio *bio, dev_t dev,
						     sector_t from)
{
	trace_block_bio_remap(bio, dev, from);
}
