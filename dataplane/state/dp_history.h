/*
 * dp_history.h - the history ring of one (sensor, attribute): a power-of-two
 * array of (timestamp, sample) slots with a free-running head, as in
 * rte_ring: the slot of sample n is n & mask, and the ring holds the last
 * min(head, depth) samples.
 *
 * Written by the owning lcore only; it does no allocation (the caller hands
 * in the memory) and needs no EAL, so it is unit-tested on its own.
 */
#ifndef DP_HISTORY_H
#define DP_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "sp_wire.h"

struct dp_history {
	uint64_t *ts;       /* depth timestamps */
	uint8_t *vals;      /* depth * ssize value bytes, as on the wire */
	uint32_t mask;      /* depth - 1; depth is a power of two */
	uint16_t ssize;     /* sample bytes (dim * size(vtype)) */
	uint64_t head;      /* samples ever pushed */
};

/** One sample read back; @c values points into the ring. */
struct dp_history_sample {
	uint64_t t_ns;
	const uint8_t *values;  /* ssize bytes, big-endian as on the wire */
};

/** Bytes of ring memory for @p depth samples of @p ssize bytes. */
size_t dp_history_mem_size(uint32_t depth, unsigned int ssize);

/**
 * Set up @p h over @p mem (dp_history_mem_size bytes). @p depth must be a
 * power of two; 0 makes a ring that keeps nothing.
 */
void dp_history_init(struct dp_history *h, void *mem, uint32_t depth,
		  unsigned int ssize);

/** Samples held now. */
static inline uint32_t dp_history_count(const struct dp_history *h)
{
	uint64_t depth = h->ts ? (uint64_t)h->mask + 1 : 0;

	return (uint32_t)(h->head < depth ? h->head : depth);
}

/** Push every sample of record @p r (shape must match the ring's). */
void dp_history_push_record(struct dp_history *h, const struct sp_record *r);

/**
 * The last @p n samples (fewer if the ring holds fewer), oldest first.
 * @return samples written to @p out.
 */
uint32_t dp_history_last(const struct dp_history *h, uint32_t n,
		      struct dp_history_sample *out);

/**
 * The samples with @p from_ns <= t <= @p to_ns, oldest first, at most
 * @p max of them. @p first (may be NULL) gets the index (0 = the first
 * sample ever pushed) of the first one. @return samples written to @p out.
 */
uint32_t dp_history_range(const struct dp_history *h, uint64_t from_ns,
		       uint64_t to_ns, struct dp_history_sample *out,
		       uint32_t max, uint64_t *first);

#endif /* DP_HISTORY_H */
