/*
 * sp_histo.h - a small log-linear histogram of nanosecond durations (4
 * buckets per power of two, so a percentile is within 19 % of the truth)
 * for latencies and staleness. Recording is a few instructions and no
 * allocation; one writer, readers may sum copies.
 */
#ifndef SP_HISTO_H
#define SP_HISTO_H

#include <stdint.h>

#define SP_HISTO_BUCKETS 256

struct sp_histo {
	uint64_t count;
	uint64_t sum_ns;
	uint64_t max_ns;
	uint64_t min_ns;          /* valid when count > 0 */
	uint32_t b[SP_HISTO_BUCKETS];
};

/** Bucket of @p ns: 4 per octave. */
static inline unsigned int sp_histo_bucket(uint64_t ns)
{
	unsigned int msb;

	if (ns < 4)
		return (unsigned int)ns;
	msb = 63u - (unsigned int)__builtin_clzll(ns);
	return msb * 4 + (unsigned int)((ns >> (msb - 2)) & 3);
}

static inline void sp_histo_add(struct sp_histo *h, uint64_t ns)
{
	if (h->count == 0 || ns < h->min_ns)
		h->min_ns = ns;
	h->count++;
	h->sum_ns += ns;
	if (ns > h->max_ns)
		h->max_ns = ns;
	h->b[sp_histo_bucket(ns)]++;
}

/** Add every count of @p src to @p dst. */
void sp_histo_merge(struct sp_histo *dst, const struct sp_histo *src);

/**
 * The @p p-th percentile (0 < p <= 100): the upper edge of the bucket that
 * holds it, capped at the maximum seen. 0 when empty.
 */
uint64_t sp_histo_pct(const struct sp_histo *h, double p);

#endif /* SP_HISTO_H */
