/*
 * spl_keys.h - what a viewer knows of each (sensor, attribute): the last
 * value and its time, samples received, and two checks per key: times
 * never go backwards (delivery in order), and the per-key version advances
 * by exactly the samples received (nothing conflated or lost upstream).
 */
#ifndef SPL_KEYS_H
#define SPL_KEYS_H

#include <stdint.h>

#include "sp_catalog.h"
#include "sp_digest.h"
#include "sp_feed.h"

struct spl_key {
	uint64_t sensor;
	uint16_t attr;
	uint8_t vtype, dim;
	uint32_t version;
	uint64_t last_t_ns;
	double last[3];
	uint64_t samples;
	uint64_t samples_mark;    /* samples at the last screen refresh */
	uint64_t updated_ns;      /* local time of the last message */
	double rate;              /* samples/s over the last refresh */
	uint64_t *seen;           /* --dedup: bit per version received */
	uint32_t seen_words;
	uint16_t feed_slot;       /* the feed it came on last */
};

struct spl_keys {
	struct spl_key *slots;
	uint64_t cap, n;
	uint64_t order_errors;    /* a message older than the last one */
	uint64_t version_skips;   /* samples skipped, not marked CONFLATED */
	uint64_t conflated_skips; /* samples skipped on purpose */
	int dedup;                /* count each (key, version) once */
	uint64_t dup_samples;     /* --dedup: samples seen before */
};

int spl_keys_init(struct spl_keys *t);
void spl_keys_free(struct spl_keys *t);

/**
 * Account one message received at @p now_ns; its samples not seen before
 * (all of them without dedup) go into @p d. A @p replay (BACKFILL or
 * RETRANS) message is older on purpose: it is not an order error.
 * @p skipped: the key's samples between the previous message and this one
 * that it does not carry (0 for the first message and for replays).
 * @return its key or NULL.
 */
struct spl_key *spl_keys_msg(struct spl_keys *t,
				const struct sp_feed_msg *m, uint64_t now_ns,
				struct sp_digest *d, int replay,
				uint32_t *skipped);

/** The key (@p sensor, @p attr), or NULL if never seen. */
struct spl_key *spl_keys_key(struct spl_keys *t, uint64_t sensor,
				uint16_t attr);

/**
 * One sample of key @p k with per-key @p version (a one-sample record
 * @p one): counted and digested if not seen before (always without
 * --dedup). @return 1 if it was new.
 */
int spl_keys_sample(struct spl_keys *t, struct spl_key *k,
		      uint32_t version, const struct sp_record *one,
		      struct sp_digest *d);

/**
 * The @p rows (at most 64) most recently updated keys into @p pick, sorted
 * by (sensor, attribute), each with its rate over the @p secs since the
 * previous call. @return how many.
 */
unsigned int spl_keys_top(struct spl_keys *t, struct spl_key **pick,
			  unsigned int rows, double secs);

#endif /* SPL_KEYS_H */
