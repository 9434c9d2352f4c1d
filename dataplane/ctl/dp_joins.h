/*
 * dp_joins.h - who consumes which feed: leases that viewers take on a tier
 * feed or a sensor feed (`join`, PROTOCOL notes "Sending only what is
 * joined") and renew while they read it. With the `consumed` switch on, a
 * tier or sensor feed nobody holds a lease on sends heartbeats only: its
 * routes advance without sending, its sequence space stays valid, and a
 * viewer that joins gets it from the next message on. Lenses are always
 * sent (a viewer asked for its own).
 *
 * Control thread only; EAL-free (unit-tested with a fake clock). Each
 * change of a feed's state (joined, or its last lease lapsed) is reported
 * through the callback, which tells every worker.
 */
#ifndef DP_JOINS_H
#define DP_JOINS_H

#include <stdint.h>

#define DP_JOINS_MAX 4096          /* feeds with a lease at once */
#define DP_JOIN_TTL_MAX_MS 600000u

typedef void (*dp_joins_fn)(void *ctx, uint16_t feed_id, int joined);

struct dp_joins {
	struct {
		uint16_t feed_id;
		uint64_t expires_ns;
	} lease[DP_JOINS_MAX];
	uint32_t n;
	uint64_t next_expiry;
	uint64_t joins, lapses, refused;
	dp_joins_fn fn;
	void *ctx;
};

void dp_joins_init(struct dp_joins *j, dp_joins_fn fn, void *ctx);

/**
 * A lease on @p feed_id for @p ttl_ms from @p now_ns (a second one renews
 * it). @return 0, or -ENOSPC when DP_JOINS_MAX feeds hold leases.
 */
int dp_joins_join(struct dp_joins *j, uint16_t feed_id, uint32_t ttl_ms,
		  uint64_t now_ns);

/** The lease goes now (a viewer that leaves). @return 0 or -ENOENT. */
int dp_joins_leave(struct dp_joins *j, uint16_t feed_id);

/** Lapse the leases that ran out. @return how many. */
uint32_t dp_joins_tick(struct dp_joins *j, uint64_t now_ns);

/** Milliseconds left on @p feed_id's lease (0: none). */
uint32_t dp_joins_left_ms(const struct dp_joins *j, uint16_t feed_id,
			  uint64_t now_ns);

#endif /* DP_JOINS_H */
