/*
 * sp_mackeys.h - the sensors' MAC keys: a sorted, read-only array shared by
 * every worker (no writer after start, so no locks), searched by sensor id.
 *
 * File format: one "sensor_id key" per line, the key as 32 hex digits;
 * '#' starts a comment. Needs no EAL.
 */
#ifndef SP_MACKEYS_H
#define SP_MACKEYS_H

#include <stddef.h>
#include <stdint.h>

#include "sp_siphash.h"

struct sp_mackeys;

/**
 * Load @p path. @return the table, or NULL with @p err naming the file and
 * line.
 */
struct sp_mackeys *sp_mackeys_load(const char *path, char *err, size_t errlen);

/** Free @p k; NULL is a no-op. */
void sp_mackeys_free(struct sp_mackeys *k);

/** Keys held. */
size_t sp_mackeys_count(const struct sp_mackeys *k);

/**
 * The key of @p sensor_id, or NULL. Matches sp_key_fn, with @p ctx the
 * struct sp_mackeys (NULL ctx: no keys).
 */
const uint8_t *sp_mackeys_lookup(void *ctx, uint64_t sensor_id);

#endif /* SP_MACKEYS_H */
