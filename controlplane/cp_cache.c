/*
 * cp_cache.c - open-addressing sensor -> owner map (see cp_cache.h).
 */
#include "cp_cache.h"

#include <stdlib.h>
#include <string.h>

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return x;
}

int cp_cache_init(struct cp_cache *c)
{
	memset(c, 0, sizeof(*c));
	c->cap = 4096;
	c->t = calloc(c->cap, sizeof(*c->t));
	return c->t ? 0 : -1;
}

void cp_cache_free(struct cp_cache *c)
{
	free(c->t);
	c->t = NULL;
}

uint32_t cp_cache_node(struct cp_cache *c, const char *name)
{
	for (uint32_t i = 0; i < c->nnodes; i++)
		if (strcmp(c->nodes[i], name) == 0)
			return i;
	if (c->nnodes == CP_CACHE_MAX_NODES)
		return CP_CACHE_MAX_NODES - 1;   /* shared last slot */
	strncpy(c->nodes[c->nnodes], name, CP_NAME_MAX - 1);
	return c->nnodes++;
}

static struct cp_cache_entry *slot(struct cp_cache_entry *t, uint64_t cap,
				   uint64_t sensor)
{
	uint64_t i = mix(sensor) & (cap - 1);

	while (t[i].sensor && t[i].sensor != sensor)
		i = (i + 1) & (cap - 1);
	return &t[i];
}

static int grow(struct cp_cache *c)
{
	uint64_t cap = c->cap * 2;
	struct cp_cache_entry *t = calloc(cap, sizeof(*t));

	if (t == NULL)
		return -1;
	for (uint64_t i = 0; i < c->cap; i++)
		if (c->t[i].sensor)
			*slot(t, cap, c->t[i].sensor) = c->t[i];
	free(c->t);
	c->t = t;
	c->cap = cap;
	return 0;
}

int cp_cache_set(struct cp_cache *c, uint64_t sensor, uint32_t node,
		 uint64_t epoch, int idle)
{
	struct cp_cache_entry *e;

	if (c->n * 2 >= c->cap && grow(c) < 0)
		return -1;
	e = slot(c->t, c->cap, sensor);
	if (e->sensor && epoch < e->epoch) {
		c->stale_ignored++;
		return 0;
	}
	if (!e->sensor)
		c->n++;
	e->sensor = sensor;
	e->node = node;
	e->epoch = epoch;
	e->idle = (uint8_t)idle;
	return 1;
}

const struct cp_cache_entry *cp_cache_get(const struct cp_cache *c,
					  uint64_t sensor)
{
	const struct cp_cache_entry *e = slot(c->t, c->cap, sensor);

	return e->sensor ? e : NULL;
}
