/*
 * dp_owners.c - the sensor owner directory (see dp_owners.h).
 */
#include "dp_owners.h"

#include <stdio.h>

#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_spinlock.h>

struct dp_owners {
	struct rte_hash *h;
	rte_spinlock_t lock;
	uint32_t count;
};

struct dp_owners *dp_owners_create(const char *name, uint32_t entries,
				   int socket)
{
	char hname[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters hp = {
		.name = hname, .entries = entries, .key_len = 8,
		.hash_func = rte_hash_crc, .socket_id = socket,
		/* readers never lock; the one writer at a time is ours */
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF,
	};
	struct dp_owners *o = rte_zmalloc("dp_owners", sizeof(*o), 0);

	if (o == NULL)
		return NULL;
	snprintf(hname, sizeof(hname), "%s_own", name);
	o->h = rte_hash_create(&hp);
	if (o->h == NULL) {
		rte_free(o);
		return NULL;
	}
	rte_spinlock_init(&o->lock);
	return o;
}

void dp_owners_free(struct dp_owners *o)
{
	if (o == NULL)
		return;
	rte_hash_free(o->h);
	rte_free(o);
}

int dp_owners_get(const struct dp_owners *o, uint64_t id)
{
	void *data;

	if (rte_hash_lookup_data(o->h, &id, &data) < 0)
		return -1;
	return (int)(uintptr_t)data;
}

int dp_owners_claim(struct dp_owners *o, uint64_t id, unsigned int want)
{
	int owner = dp_owners_get(o, id);

	if (owner >= 0)
		return owner;
	rte_spinlock_lock(&o->lock);
	owner = dp_owners_get(o, id);   /* another claim may have won */
	if (owner < 0) {
		if (rte_hash_add_key_data(o->h, &id,
					  (void *)(uintptr_t)want) == 0) {
			owner = (int)want;
			__atomic_store_n(&o->count, o->count + 1,
					 __ATOMIC_RELAXED);
		}
	}
	rte_spinlock_unlock(&o->lock);
	return owner;
}

uint32_t dp_owners_count(const struct dp_owners *o)
{
	return __atomic_load_n(&o->count, __ATOMIC_RELAXED);
}
