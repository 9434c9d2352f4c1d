/*
 * sp_histo.h - a log-linear histogram of nanosecond durations (16
 * buckets per power of two, so a percentile reads at most 1/16, 6.25 %,
 * above the truth) for latencies and staleness. Recording is a few instructions and no
 * allocation; one writer, readers may sum copies.
 */
#ifndef SP_HISTO_H
#define SP_HISTO_H

#include <stdint.h>

/* 2^SP_HISTO_SUB_BITS buckets per octave, 64 octaves */
#define SP_HISTO_SUB_BITS 4
#define SP_HISTO_SUB (1u << SP_HISTO_SUB_BITS)
#define SP_HISTO_BUCKETS (64 * SP_HISTO_SUB)

struct sp_histo {
	uint64_t count;
	uint64_t sum_ns;
	uint64_t max_ns;
	uint64_t min_ns;          /* valid when count > 0 */
	uint32_t b[SP_HISTO_BUCKETS];
};

/** Bucket of @p ns: SP_HISTO_SUB per octave (exact below that). */
static inline unsigned int sp_histo_bucket(uint64_t ns)
{
	unsigned int msb;

	if (ns < SP_HISTO_SUB)
		return (unsigned int)ns;
	msb = 63u - (unsigned int)__builtin_clzll(ns);
	return msb * SP_HISTO_SUB + (unsigned int)((ns >> (msb -
		SP_HISTO_SUB_BITS)) & (SP_HISTO_SUB - 1));
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
