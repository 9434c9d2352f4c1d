/*
 * cp_cache.h - a node's discovery cache: which node owns each sensor, at
 * which ownership epoch, and whether that node is alive. Fed by the events
 * channel and a periodic full resync; an entry only moves forward (a
 * higher or equal epoch replaces it, an older one is ignored), so a late
 * event cannot undo a move. Lookups are a hash probe: whereis from the
 * cache takes well under a microsecond.
 */
#ifndef CP_CACHE_H
#define CP_CACHE_H

#include <stdint.h>

#include "cp_schema.h"

#define CP_CACHE_MAX_NODES 256

struct cp_cache_entry {
	uint64_t sensor;           /* 0: empty */
	uint64_t epoch;
	uint32_t node;             /* index into the node table */
	uint8_t idle;
};

struct cp_cache {
	struct cp_cache_entry *t;
	uint64_t cap, n;
	uint32_t nnodes;
	char nodes[CP_CACHE_MAX_NODES][CP_NAME_MAX];
	uint8_t alive[CP_CACHE_MAX_NODES];
	uint64_t stale_ignored;    /* updates older than what we had */
};

int cp_cache_init(struct cp_cache *c);
void cp_cache_free(struct cp_cache *c);

/** Index of node @p name (added if new, not alive until said). */
uint32_t cp_cache_node(struct cp_cache *c, const char *name);

/**
 * @p sensor is owned by @p node at @p epoch. Ignored when the cache knows
 * a higher epoch. @return 1 if applied, 0 if stale, -1 if out of memory.
 */
int cp_cache_set(struct cp_cache *c, uint64_t sensor, uint32_t node,
		 uint64_t epoch, int idle);

/** The entry of @p sensor, or NULL. */
const struct cp_cache_entry *cp_cache_get(const struct cp_cache *c,
					  uint64_t sensor);

#endif /* CP_CACHE_H */
