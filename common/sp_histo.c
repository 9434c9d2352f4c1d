/*
 * sp_histo.c - percentiles of the log-linear histogram (see sp_histo.h).
 */
#include "sp_histo.h"

void sp_histo_merge(struct sp_histo *dst, const struct sp_histo *src)
{
	if (src->count && (dst->count == 0 || src->min_ns < dst->min_ns))
		dst->min_ns = src->min_ns;
	dst->count += src->count;
	dst->sum_ns += src->sum_ns;
	if (src->max_ns > dst->max_ns)
		dst->max_ns = src->max_ns;
	for (unsigned int i = 0; i < SP_HISTO_BUCKETS; i++)
		dst->b[i] += src->b[i];
}

/* The largest value that falls into bucket @p i. */
static uint64_t bucket_top(unsigned int i)
{
	unsigned int msb = i / SP_HISTO_SUB, sub = i % SP_HISTO_SUB;

	if (i < SP_HISTO_SUB)
		return i;
	/* values with this msb and sub-bucket:
	 * [(SUB + sub) << (msb - BITS), (SUB + sub + 1) << (msb - BITS)) */
	if (msb == 63 && sub == SP_HISTO_SUB - 1)
		return UINT64_MAX;
	return ((uint64_t)(SP_HISTO_SUB + sub + 1) <<
		(msb - SP_HISTO_SUB_BITS)) - 1;
}

uint64_t sp_histo_pct(const struct sp_histo *h, double p)
{
	uint64_t want, seen = 0;

	if (h->count == 0)
		return 0;
	want = (uint64_t)((double)h->count * p / 100.0 + 0.999999);
	if (want == 0)
		want = 1;
	for (unsigned int i = 0; i < SP_HISTO_BUCKETS; i++) {
		seen += h->b[i];
		if (seen >= want) {
			uint64_t top = bucket_top(i);

			return top < h->max_ns ? top : h->max_ns;
		}
	}
	return h->max_ns;
}
