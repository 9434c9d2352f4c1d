/*
 * rec_table.h - the keys senseplane-record knows and their watermarks, and
 * the watermark file in --state.
 *
 * A key's samples are numbered by the dataplane's per-key version (the
 * first sample is 1; a feed message's version is its last sample's). The
 * recorder keeps, per key:
 *   acked   every version up to it is in the store (the store said so);
 *   queued  every version up to it is in memory or in flight to the store.
 * Both only advance over contiguous versions, so "up to" holds: a gap
 * stops queued until it is read back from the dataplane's history
 * (catching up), or counted lost when the history no longer holds it.
 *
 * The file holds acked per key and the dataplane run (its session) the
 * versions belong to; it is rewritten whole through a rename, so a kill
 * at any moment leaves the old one or the new one. Pure: no sockets.
 */
#ifndef REC_TABLE_H
#define REC_TABLE_H

#include <stddef.h>
#include <stdint.h>

struct rec_key {
	uint64_t sensor;
	uint16_t attr;
	uint8_t vtype, dim;          /* 0 until a message or history says */
	uint8_t catchup;             /* a gap is open: read history, ignore
				      * live messages until it is closed */
	uint8_t known;               /* had a watermark: what the history no
				      * longer holds after it is lost */
	uint8_t in_queue;            /* on the catch-up queue */
	const char *name;            /* attribute name (the catalogue's) */
	uint64_t acked, acked_t_ns;  /* in the store: version, its time */
	uint64_t queued, queued_t_ns;
	uint64_t lost;               /* samples the history no longer had */
	uint64_t before;             /* older than the ring at first sight */
	uint64_t recorded;           /* samples acknowledged this run */
};

struct rec_table {
	struct rec_key *keys;
	uint32_t n, cap;
	uint32_t *idx;               /* open addressing: key index + 1 */
	uint32_t idx_cap;            /* a power of two */
	uint64_t session;            /* the dataplane run the versions are of */
	int dirty;                   /* acked moved since the last save */
};

/** An empty table. @return 0 or -ENOMEM. */
int rec_table_init(struct rec_table *t);
void rec_table_free(struct rec_table *t);

/** The key (@p sensor, @p attr), or NULL. */
struct rec_key *rec_table_find(const struct rec_table *t, uint64_t sensor,
			       uint16_t attr);

/** The key, made (zeroed) if new. @return it, or NULL (no memory). Its
 * pointer holds until the next rec_table_get() that makes a key. */
struct rec_key *rec_table_get(struct rec_table *t, uint64_t sensor,
			      uint16_t attr);

/** The 64-bit version of a message's 32-bit @p v32 near @p near. */
uint64_t rec_version64(uint64_t near, uint32_t v32);

/**
 * Write every key's acked watermark to @p path (through @p path.tmp,
 * fsync, rename). @return 0, or -1 with @p err naming the file and why.
 */
int rec_table_save(struct rec_table *t, const char *path, char *err,
		   size_t errlen);

/**
 * Read @p path into @p t (keys made known, acked = queued = the file's).
 * A missing file is an empty table. @return 0, or -1 with @p err naming
 * the file and line.
 */
int rec_table_load(struct rec_table *t, const char *path, char *err,
		   size_t errlen);

/**
 * The dataplane now runs as @p session. When it is not the session of the
 * table's versions, they mean nothing any more: every key starts again
 * at version 0 (still known, so what its ring lacks is lost). @return 1
 * when the table was reset, 0 when the session is the same (or the table
 * had none).
 */
int rec_table_session(struct rec_table *t, uint64_t session);

#endif /* REC_TABLE_H */
