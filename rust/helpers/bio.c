// SPDX-License-Identifier: GPL-2.0

#include <linux/bio.h>

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
