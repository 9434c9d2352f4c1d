/*
 * dp_joins.c - leases on feeds (see dp_joins.h). A few thousand at most:
 * a linear table, scanned once per lapse time.
 */
#include "dp_joins.h"

#include <errno.h>
#include <string.h>

void dp_joins_init(struct dp_joins *j, dp_joins_fn fn, void *ctx)
{
	memset(j, 0, sizeof(*j));
	j->fn = fn;
	j->ctx = ctx;
}

static int find(const struct dp_joins *j, uint16_t feed_id)
{
	for (uint32_t i = 0; i < j->n; i++)
		if (j->lease[i].feed_id == feed_id)
			return (int)i;
	return -1;
}

int dp_joins_join(struct dp_joins *j, uint16_t feed_id, uint32_t ttl_ms,
		  uint64_t now_ns)
{
	uint64_t exp = now_ns + (uint64_t)ttl_ms * 1000000ull;
	int i = find(j, feed_id);

	j->joins++;
	if (i < 0) {
		if (j->n == DP_JOINS_MAX) {
			j->refused++;
			return -ENOSPC;
		}
		i = (int)j->n++;
		j->lease[i].feed_id = feed_id;
		j->lease[i].expires_ns = exp;
		j->fn(j->ctx, feed_id, 1);
	} else if (exp > j->lease[i].expires_ns) {
		j->lease[i].expires_ns = exp;
	}
	if (!j->next_expiry || exp < j->next_expiry)
		j->next_expiry = exp;
	return 0;
}

int dp_joins_leave(struct dp_joins *j, uint16_t feed_id)
{
	int i = find(j, feed_id);

	if (i < 0)
		return -ENOENT;
	j->lease[i] = j->lease[--j->n];
	j->fn(j->ctx, feed_id, 0);
	return 0;
}

uint32_t dp_joins_tick(struct dp_joins *j, uint64_t now_ns)
{
	uint32_t lapsed = 0;
	uint64_t next = 0;

	if (!j->next_expiry || now_ns < j->next_expiry)
		return 0;
	for (uint32_t i = 0; i < j->n; i++) {
		if (j->lease[i].expires_ns <= now_ns) {
			uint16_t f = j->lease[i].feed_id;

			j->lease[i--] = j->lease[--j->n];
			j->fn(j->ctx, f, 0);
			lapsed++;
			j->lapses++;
		} else if (!next || j->lease[i].expires_ns < next) {
			next = j->lease[i].expires_ns;
		}
	}
	j->next_expiry = next;
	return lapsed;
}

uint32_t dp_joins_left_ms(const struct dp_joins *j, uint16_t feed_id,
			  uint64_t now_ns)
{
	int i = find(j, feed_id);

	if (i < 0 || j->lease[i].expires_ns <= now_ns)
		return 0;
	return (uint32_t)((j->lease[i].expires_ns - now_ns) / 1000000ull);
}
