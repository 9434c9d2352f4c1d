/*
 * dp_history.h - the history of one (sensor, attribute): a ring of
 * fixed-size chunks, each holding one run of samples and the times they
 * were taken.
 *
 * Most sensors sample at a steady rate, so a timestamp a sample (8 bytes
 * beside a 4-byte f32) is mostly redundant. A chunk stores its first
 * sample's time and either
 *   - a spacing (REGULAR): sample j was taken at t0 + j * dt; samples
 *     cost their value bytes only, across records as long as each record
 *     starts where the last one's spacing says;
 *   - or, once a sample breaks the spacing (EXPLICIT), a 32-bit signed
 *     residual a sample from where the spacing puts it: value bytes + 4,
 *     still less than a timestamp a sample, and a clock that jitters
 *     around its rate stays within range.
 * A sample that fits neither (a chunk full, a residual beyond +-2.1 s)
 * opens the next chunk; the oldest chunk goes when a new one is needed.
 * Nothing is rounded: every timestamp reads back exactly as pushed.
 *
 * Samples are numbered from 0 (the first ever pushed); head counts those
 * pushed, tail is the oldest still held. A history of depth D holds at
 * least D samples, evenly spaced or jittered (its memory is sized for D
 * jittered ones), evenly spaced ones up to about D * (ssize + 4) / ssize;
 * samples whose times are neither (more than 2.1 s from where a spacing
 * puts them) fewer, down to one a chunk.
 *
 * Written by the owning lcore only; it does no allocation (the caller
 * hands in the memory) and needs no EAL, so it is unit-tested on its own.
 */
#ifndef DP_HISTORY_H
#define DP_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "sp_wire.h"

struct dp_history {
	uint8_t *mem;       /* nchunks * csize bytes; NULL keeps nothing */
	uint8_t *cur;       /* the chunk being filled */
	uint8_t *next;      /* where its next value would go (a prefetch) */
	uint64_t head;      /* samples ever pushed */
	uint64_t tail;      /* index of the oldest sample held */
	uint32_t csize;     /* chunk bytes */
	uint32_t nchunks;
	uint32_t used;      /* chunks holding samples, cur the newest */
	uint16_t ssize;     /* sample bytes (dim * size(vtype)) */
	uint16_t cap_r;     /* samples a REGULAR chunk holds */
	uint16_t cap_e;     /* samples an EXPLICIT chunk holds */
};

/** One sample read back; @c values points into the history. */
struct dp_history_sample {
	uint64_t t_ns;
	const uint8_t *values;  /* ssize bytes, big-endian as on the wire */
};

/** Evenly spaced samples held one after the other (one record's worth). */
struct dp_history_run {
	uint64_t t0_ns;
	uint32_t dt_ns;         /* 0 for a run of one */
	const uint8_t *values;  /* n * ssize bytes */
};

/** Bytes of history memory for at least @p depth samples of @p ssize. */
size_t dp_history_mem_size(uint32_t depth, unsigned int ssize);

/**
 * Set up @p h over @p mem (dp_history_mem_size bytes, 8-byte aligned).
 * @p depth 0 makes a history that keeps nothing (it only counts).
 */
void dp_history_init(struct dp_history *h, void *mem, uint32_t depth,
		     unsigned int ssize);

/** Samples held now. */
static inline uint32_t dp_history_count(const struct dp_history *h)
{
	return (uint32_t)(h->head - h->tail);
}

/** Push every sample of record @p r (shape must match the history's). */
void dp_history_push_record(struct dp_history *h, const struct sp_record *r);

/** Where the next sample's bytes go (for a prefetch); NULL if nowhere. */
static inline const void *dp_history_next_slot(const struct dp_history *h)
{
	return h->next;
}

/**
 * The last @p n samples (fewer if fewer are held), oldest first.
 * @return samples written to @p out.
 */
uint32_t dp_history_last(const struct dp_history *h, uint32_t n,
			 struct dp_history_sample *out);

/**
 * The samples from index @p i on (from the oldest held when @p i is older),
 * oldest first, at most @p max. @p first gets the index of the first one.
 * @return samples written to @p out.
 */
uint32_t dp_history_from(const struct dp_history *h, uint64_t i,
			 uint32_t max, struct dp_history_sample *out,
			 uint64_t *first);

/**
 * The samples with @p from_ns <= t <= @p to_ns, oldest first, at most
 * @p max of them. @p first (may be NULL) gets the index of the first
 * one. @return samples written to @p out.
 */
uint32_t dp_history_range(const struct dp_history *h, uint64_t from_ns,
			  uint64_t to_ns, struct dp_history_sample *out,
			  uint32_t max, uint64_t *first);

/**
 * The longest run of evenly spaced samples from index @p i (held:
 * tail <= i < head), before @p to, at most @p max: @return its length
 * (0 if @p i is not held), described in @p run.
 */
uint32_t dp_history_run(const struct dp_history *h, uint64_t i, uint64_t to,
			uint32_t max, struct dp_history_run *run);

/**
 * As dp_history_run, and the run goes on into the chunks after as long
 * as their samples keep its spacing, their values gathered into @p buf
 * (@p buflen bytes; a run that would not fit stops there).
 */
uint32_t dp_history_span(const struct dp_history *h, uint64_t i, uint64_t to,
			 uint32_t max, struct dp_history_run *run,
			 uint8_t *buf, size_t buflen);

/** The first index in [@p i, @p end) whose time is >= @p from_ns, or
 * @p end. @p i must be held. */
uint64_t dp_history_seek(const struct dp_history *h, uint64_t i,
			 uint64_t end, uint64_t from_ns);

#endif /* DP_HISTORY_H */
