/*
 * rec_batch.h - samples on their way to the store, and their encoding as
 * VictoriaMetrics' JSON lines (/api/v1/import).
 *
 * A batch is runs of samples, each run the samples of one key with
 * contiguous versions, in the order they came. Encoding groups the runs
 * by key and writes one line per (key, value index): the series
 *   senseplane_sample{sensor="ID",attr="NAME",i="N"}
 * with its values and timestamps (ms since the epoch, the sample's own
 * time truncated: two samples of a key within one ms fall on one
 * timestamp, and a store deduplicating at 1 ms keeps the later).
 * Values: f32, f64 and i32 exactly as float64 (17 significant digits);
 * i64 beyond 2^53 rounds to the nearest float64. NaN and infinities are
 * written as the bare words the store's parser takes (NaN, Inf, -Inf:
 * not JSON numbers, so these lines are the store's dialect, not JSON).
 * Pure: no I/O.
 */
#ifndef REC_BATCH_H
#define REC_BATCH_H

#include <stddef.h>
#include <stdint.h>

struct rec_run {
	uint32_t key;              /* the table's index */
	uint64_t sensor;
	const char *attr;          /* its name */
	uint8_t dim;
	uint32_t n;                /* samples */
	size_t toff, voff;         /* into times[], vals[] */
	uint64_t v_last;           /* version of its last sample */
	uint64_t t_last_ns;        /* and its time */
};

struct rec_batch {
	struct rec_run *runs;
	size_t nruns, runs_cap;
	int64_t *times;            /* ms */
	size_t ntimes, times_cap;
	double *vals;
	size_t nvals, vals_cap;
	uint64_t first_ns;         /* local time the first run came */
};

/** A growable text buffer (what the encoder writes). */
struct rec_buf {
	char *p;
	size_t len, cap;
};

void rec_batch_init(struct rec_batch *b);
void rec_batch_free(struct rec_batch *b);
/** Empty it (its memory is kept for the next). */
void rec_batch_reset(struct rec_batch *b);

/** Samples in @p b (each with dim values). */
static inline size_t rec_batch_samples(const struct rec_batch *b)
{
	return b->ntimes;
}

/** Bytes the batch holds (for the memory bound). */
size_t rec_batch_bytes(const struct rec_batch *b);

/**
 * Room for a run of @p n samples of @p dim values of key @p key:
 * @return it, its times (n, to fill, ms) at b->times + run->toff and
 * values (n * dim, sample-major) at b->vals + run->voff; NULL when out
 * of memory. The caller fills them and sets v_last and t_last_ns.
 */
struct rec_run *rec_batch_run(struct rec_batch *b, uint32_t key,
			      uint64_t sensor, const char *attr, uint8_t dim,
			      uint32_t n);

/**
 * Append @p b as JSON lines to @p out, grouped by key (runs of one key in
 * the order they came). @return 0 or -ENOMEM.
 */
int rec_batch_encode(struct rec_batch *b, struct rec_buf *out);

/** Empty a buffer, keeping its memory. */
static inline void rec_buf_reset(struct rec_buf *o)
{
	o->len = 0;
}
void rec_buf_free(struct rec_buf *o);

/** Append formatted text. @return 0 or -ENOMEM. */
int rec_buf_printf(struct rec_buf *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** ns since the epoch to the store's ms (truncated). */
static inline int64_t rec_ms(uint64_t t_ns)
{
	return (int64_t)(t_ns / 1000000u);
}

#endif /* REC_BATCH_H */
