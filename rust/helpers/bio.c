// SPDX-License-Identifier: GPL-2.0

#include <linux/bio.h>

__rust_helper void rust_helper_bio_io_error(struct bio *bio)
{
	bio_io_error(bio);
}

__rust_helper void rust_helper_bio_list_add(struct bio_list *bl, struct bio *bio)
{
	bio_list_add(bl, bio);
}

__rust_helper struct bio *rust_helper_bio_list_get(struct bio_list *bl)
{
	return bio_list_get(bl);
}
