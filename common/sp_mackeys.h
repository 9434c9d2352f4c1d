/*
 * sp_mackeys.h - the sensors' MAC keys: a sorted, read-only array shared by
 * every worker (no writer after start, so no locks), searched by sensor id.
 *
 * File format: one "sensor_id key [second-key]" per line, each key as 32
 * hex digits; '#' starts a comment. A second key is for a rotation: both
 * verify, the first is the one the sensor should sign with. The dataplane
 * reloads the file at run time (dp_ctl: keys_reload, SIGHUP) by loading a
 * new table and retiring the old one once every worker has moved on.
 * Needs no EAL.
 */
#ifndef SP_MACKEYS_H
#define SP_MACKEYS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sp_siphash.h"
#include "sp_wire.h"

struct sp_mackeys;

/**
 * Load @p path. @return the table, or NULL with @p err naming the file and
 * line.
 */
struct sp_mackeys *sp_mackeys_load(const char *path, char *err, size_t errlen);

/** The same from an open file (@p path names it in errors). */
struct sp_mackeys *sp_mackeys_read(FILE *f, const char *path, char *err,
				   size_t errlen);

/** Free @p k; NULL is a no-op. */
void sp_mackeys_free(struct sp_mackeys *k);

/** Keys held. */
size_t sp_mackeys_count(const struct sp_mackeys *k);

/**
 * The keys of @p sensor_id into @p keys, the one to sign with first.
 * Matches sp_key_fn, with @p ctx the struct sp_mackeys (NULL: no keys).
 * @return how many (0: the sensor has none).
 */
unsigned int sp_mackeys_lookup(void *ctx, uint64_t sensor_id,
			       const uint8_t *keys[SP_MAX_SENSOR_KEYS]);

/** The key @p sensor_id signs with, or NULL (for senders). */
const uint8_t *sp_mackeys_key(const struct sp_mackeys *k, uint64_t sensor_id);

#endif /* SP_MACKEYS_H */
