/*
 * dp_table.c - per-worker sensor and key tables (see dp_table.h).
 */
#include "dp_table.h"

#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include "sp_wire.h"

struct key_id {
	uint64_t sensor;
	uint16_t attr;
	uint16_t pad[3];
};

struct dp_table {
	struct rte_hash *sensor_hash;
	struct rte_hash *key_hash;
	struct dp_sensor *sensors;
	struct dp_key *keys;
	uint32_t nsensors, max_sensors;
	uint32_t nkeys, max_keys;
	uint64_t refused_sensors, refused_keys;
	uint8_t *arena;
	size_t arena_len, arena_used;
	const struct sp_catalog *cat;
};

/* Key equality for 8-byte keys, as rte_hash wants it: 0 when equal. */
static int key8_cmp(const void *a, const void *b, size_t len)
{
	uint64_t x, y;

	(void)len;
	memcpy(&x, a, sizeof(x));
	memcpy(&y, b, sizeof(y));
	return x != y;
}

static struct rte_hash *make_hash(const char *base, const char *what,
				  uint32_t entries, uint32_t key_len,
				  int socket)
{
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters hp = {
		.name = name,
		.entries = entries,
		.key_len = key_len,
		.hash_func = rte_hash_crc,
		.socket_id = socket,
	};

	struct rte_hash *h;

	snprintf(name, sizeof(name), "%s_%s", base, what);
	h = rte_hash_create(&hp);
	/* rte_hash compares keys of 16 bytes and more with vector code and
	 * any other length with memcmp(): a sensor id is one word */
	if (h && key_len == sizeof(uint64_t))
		rte_hash_set_cmp_func(h, key8_cmp);
	return h;
}

static void touch_pages(void *mem, size_t len)
{
	volatile uint8_t *p = mem;

	/* reads would map the shared zero page: a write each */
	for (size_t off = 0; off < len; off += 4096)
		p[off] = p[off];
}

struct dp_table *dp_table_create(const struct dp_table_params *p)
{
	struct dp_table *t;

	t = rte_zmalloc_socket("dp_table", sizeof(*t), RTE_CACHE_LINE_SIZE,
			       p->socket);
	if (t == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	t->max_sensors = p->max_sensors;
	t->max_keys = p->max_keys;
	t->cat = p->cat;
	t->sensor_hash = make_hash(p->name, "s", p->max_sensors,
				   sizeof(uint64_t), p->socket);
	t->key_hash = make_hash(p->name, "k", p->max_keys,
				sizeof(struct key_id), p->socket);
	t->sensors = rte_zmalloc_socket("dp_sensors",
			(size_t)p->max_sensors * sizeof(struct dp_sensor),
			RTE_CACHE_LINE_SIZE, p->socket);
	t->keys = rte_zmalloc_socket("sp_keys",
			(size_t)p->max_keys * sizeof(struct dp_key),
			RTE_CACHE_LINE_SIZE, p->socket);
	t->arena_len = p->history_bytes;
	t->arena = rte_malloc_socket("dp_history", t->arena_len,
				     RTE_CACHE_LINE_SIZE, p->socket);
	if (!t->sensor_hash || !t->key_hash || !t->sensors || !t->keys ||
	    !t->arena) {
		dp_table_free(t);
		rte_errno = ENOMEM;
		return NULL;
	}
	/* Every page of the tables and the history arena resident now: on
	 * 4 KB pages (--no-huge) they were touched by the first write to
	 * each, and the dataplane's memory grew for as long as its slowest
	 * key's ring took to wrap (an hour of a 1 Hz temperature), which a
	 * soak cannot tell from a leak; and memory the system cannot give
	 * runs out at start, not hours later. On hugepages this is a walk of pages
	 * already there. */
	touch_pages(t->sensors, (size_t)p->max_sensors * sizeof(struct dp_sensor));
	touch_pages(t->keys, (size_t)p->max_keys * sizeof(struct dp_key));
	touch_pages(t->arena, t->arena_len);
	return t;
}

void dp_table_free(struct dp_table *t)
{
	if (t == NULL)
		return;
	rte_hash_free(t->sensor_hash);
	rte_hash_free(t->key_hash);
	rte_free(t->sensors);
	rte_free(t->keys);
	rte_free(t->arena);
	rte_free(t);
}

struct dp_sensor *dp_table_sensor(struct dp_table *t, uint64_t id,
				  int *created)
{
	void *data;
	struct dp_sensor *s;

	*created = 0;
	if (rte_hash_lookup_data(t->sensor_hash, &id, &data) >= 0)
		return data;
	if (t->nsensors == t->max_sensors) {
		t->refused_sensors++;
		return NULL;
	}
	s = &t->sensors[t->nsensors];
	memset(s, 0, sizeof(*s));
	s->id = id;
	if (rte_hash_add_key_data(t->sensor_hash, &id, s) < 0) {
		t->refused_sensors++;
		return NULL;
	}
	t->nsensors++;
	*created = 1;
	return s;
}

void dp_table_sensor_bulk(const struct dp_table *t, const uint64_t *ids,
			  unsigned int n, struct dp_sensor **out)
{
	const void *keys[RTE_HASH_LOOKUP_BULK_MAX];
	uint64_t hits = 0;

	for (unsigned int i = 0; i < n; i++)
		keys[i] = &ids[i];
	/* the whole set's buckets are prefetched before any is compared */
	if (rte_hash_lookup_bulk_data(t->sensor_hash, keys, n, &hits,
				      (void **)out) < 0)
		hits = 0;
	for (unsigned int i = 0; i < n; i++)
		if (!(hits & (1ull << i)))
			out[i] = NULL;
}

struct dp_key *dp_table_key_find(const struct dp_table *t, uint64_t sensor_id,
				 uint16_t attr_id)
{
	struct key_id k = { .sensor = sensor_id, .attr = attr_id };
	void *data;

	if (rte_hash_lookup_data(t->key_hash, &k, &data) >= 0)
		return data;
	return NULL;
}

struct dp_key *dp_table_key(struct dp_table *t, struct dp_sensor *s,
			    const struct sp_attr *a, int *created)
{
	struct key_id id = { .sensor = s->id, .attr = (uint16_t)a->id };
	struct dp_key *k;
	unsigned int ssize = sp_attr_sample_size(a);
	size_t need = RTE_ALIGN_CEIL(dp_history_mem_size(a->depth, ssize), 8);
	void *data;

	*created = DP_KEY_FOUND;
	if (rte_hash_lookup_data(t->key_hash, &id, &data) >= 0)
		return data;
	if (t->nkeys == t->max_keys) {
		t->refused_keys++;
		return NULL;
	}
	/* The history ring is also the conflation buffer: a key without
	 * one could not be delivered at medium or low, so it is not made. */
	if (t->arena_len - t->arena_used < need) {
		*created = DP_KEY_NO_HISTORY;
		return NULL;
	}
	k = &t->keys[t->nkeys];
	memset(k, 0, sizeof(*k));
	k->sensor_id = s->id;
	k->attr_id = (uint16_t)a->id;
	k->attr_idx = (uint16_t)(a - t->cat->attrs);
	k->mode = (uint8_t)a->mode;
	k->vtype = (uint8_t)a->vtype;
	k->dim = (uint8_t)a->dim;
	if (rte_hash_add_key_data(t->key_hash, &id, k) < 0) {
		t->refused_keys++;
		return NULL;
	}
	dp_history_init(&k->hist, t->arena + t->arena_used, a->depth, ssize);
	t->arena_used += need;
	k->sensor_next = s->keys;
	s->keys = k;
	if (s->nkeys < DP_SENSOR_FAST_KEYS) {
		s->fast_attr[s->nkeys] = k->attr_id;
		s->fast_key[s->nkeys] = k;
	}
	s->nkeys++;
	t->nkeys++;
	*created = DP_KEY_NEW;
	return k;
}

struct dp_sensor *dp_table_sensor_find(const struct dp_table *t, uint64_t id)
{
	void *data;

	if (rte_hash_lookup_data(t->sensor_hash, &id, &data) >= 0)
		return data;
	return NULL;
}

struct dp_sensor *dp_table_sensor_at(const struct dp_table *t, uint32_t i)
{
	return i < t->nsensors ? &t->sensors[i] : NULL;
}

uint32_t dp_table_nsensors(const struct dp_table *t)
{
	return t->nsensors;
}

uint32_t dp_table_nkeys(const struct dp_table *t)
{
	return t->nkeys;
}

size_t dp_table_history_used(const struct dp_table *t)
{
	return t->arena_used;
}

uint64_t dp_table_refused(const struct dp_table *t, int keys)
{
	return keys ? t->refused_keys : t->refused_sensors;
}
