/*
 * dp_table.h - one worker's sensors and (sensor, attribute) keys.
 *
 * Every sensor is owned by one worker lcore, so its table has a single
 * writer and needs no locks. Lookups go through rte_hash; the entries live
 * in arrays allocated once at start, and history rings are carved from a
 * per-worker arena, so nothing is allocated per packet.
 */
#ifndef DP_TABLE_H
#define DP_TABLE_H

#include <stdint.h>

#include <rte_byteorder.h>

#include "dp_key.h"
#include "sp_catalog.h"

struct dp_table_params {
	const char *name;       /* unique per process */
	int socket;
	uint32_t max_sensors;
	uint32_t max_keys;
	size_t history_bytes;   /* arena for history rings */
	const struct sp_catalog *cat;
};

struct dp_table;

/** @return the table, or NULL with rte_errno set. */
struct dp_table *dp_table_create(const struct dp_table_params *p);

/** Free @p t; NULL is a no-op. */
void dp_table_free(struct dp_table *t);

/**
 * The sensor @p id, added if new (@p *created set to 1).
 * @return the entry, or NULL when the table is full (counted: refused).
 */
struct dp_sensor *dp_table_sensor(struct dp_table *t, uint64_t id,
				  int *created);

/** What dp_table_key() did. */
enum dp_key_made {
	DP_KEY_FOUND = 0,       /* it existed */
	DP_KEY_NEW = 1,         /* added */
	DP_KEY_NO_HISTORY = 2,  /* not added: the history arena is full */
};

/**
 * The key (@p s, @p a), added if new with a history ring of the
 * catalogue's depth and linked into the sensor's keys; *@p made says
 * which (enum dp_key_made).
 * @return the entry, or NULL when the key table (DP_KEY_FOUND, counted:
 * refused) or the history arena (DP_KEY_NO_HISTORY) is full.
 */
struct dp_key *dp_table_key(struct dp_table *t, struct dp_sensor *s,
			    const struct sp_attr *a, int *made);

/**
 * Look up @p n (at most RTE_HASH_LOOKUP_BULK_MAX, 64) sensors at once:
 * @p out[i] is the sensor @p ids[i], or NULL when it is not known yet.
 */
void dp_table_sensor_bulk(const struct dp_table *t, const uint64_t *ids,
			  unsigned int n, struct dp_sensor **out);

/** The sensor @p id if known, else NULL. */
struct dp_sensor *dp_table_sensor_find(const struct dp_table *t, uint64_t id);

/** Sensor number @p i (0..nsensors-1). */
struct dp_sensor *dp_table_sensor_at(const struct dp_table *t, uint32_t i);

/** Find a key without adding it; NULL if absent. */
struct dp_key *dp_table_key_find(const struct dp_table *t, uint64_t sensor_id,
				 uint16_t attr_id);

uint32_t dp_table_nsensors(const struct dp_table *t);
uint32_t dp_table_nkeys(const struct dp_table *t);
/** Sensors (@p keys 0) or keys (1) the table had no room for: each
 * request counts, so a sensor that keeps sending counts each packet. */
uint64_t dp_table_refused(const struct dp_table *t, int keys);
/** Arena bytes used by history rings. */
size_t dp_table_history_used(const struct dp_table *t);

#endif /* DP_TABLE_H */
