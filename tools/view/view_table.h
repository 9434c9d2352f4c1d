/*
 * view_table.h - what a viewer knows of each (sensor, attribute): the last
 * value and its time, samples received, and two checks per key: times
 * never go backwards (delivery in order), and the per-key version advances
 * by exactly the samples received (nothing conflated or lost upstream).
 */
#ifndef VIEW_TABLE_H
#define VIEW_TABLE_H

#include <stdint.h>
#include <stdio.h>

#include "sp_catalog.h"
#include "sp_digest.h"
#include "sp_feed.h"

struct view_key {
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

struct view_table {
	struct view_key *slots;
	uint64_t cap, n;
	uint64_t order_errors;    /* a message older than the last one */
	uint64_t version_skips;   /* samples skipped, not marked CONFLATED */
	uint64_t conflated_skips; /* samples skipped on purpose */
	int dedup;                /* count each (key, version) once */
	uint64_t dup_samples;     /* --dedup: samples seen before */
};

int view_table_init(struct view_table *t);
void view_table_free(struct view_table *t);

/**
 * Account one message received at @p now_ns; its samples not seen before
 * (all of them without dedup) go into @p d. A @p replay (BACKFILL or
 * RETRANS) message is older on purpose: it is not an order error.
 * @return its key or NULL.
 */
struct view_key *view_table_msg(struct view_table *t,
				const struct sp_feed_msg *m, uint64_t now_ns,
				struct sp_digest *d, int replay);

/** The key (@p sensor, @p attr), or NULL if never seen. */
struct view_key *view_table_key(struct view_table *t, uint64_t sensor,
				uint16_t attr);

/**
 * One sample of key @p k with per-key @p version (a one-sample record
 * @p one): counted and digested if not seen before (always without
 * --dedup). @return 1 if it was new.
 */
int view_table_sample(struct view_table *t, struct view_key *k,
		      uint32_t version, const struct sp_record *one,
		      struct sp_digest *d);

/**
 * Print the @p rows most recently updated keys, with rates over the
 * @p secs since the last call.
 */
void view_table_print(struct view_table *t, const struct sp_catalog *cat,
		      unsigned int rows, uint64_t now_ns, double secs,
		      FILE *out);

#endif /* VIEW_TABLE_H */
