/*
 * dp_outputs.h - a worker's outputs: the broadcast feed, the three tier
 * feeds, and a pool of lenses and sensor feeds; the router's send
 * callbacks, the per-turn push of what `high` routes wrote, heartbeats,
 * and shedding. Runs on the worker's lcore only.
 */
#ifndef DP_OUTPUTS_H
#define DP_OUTPUTS_H

#include "dp_worker.h"

/** Allocate the routing state and feeds of @p w. @return 0, -ENOMEM or
 * -EINVAL (a feed could not be made: the MTU). */
int dp_outputs_init(struct dp_worker *w);
/** Free what dp_outputs_init() allocated. */
void dp_outputs_free(struct dp_worker *w);

/** Send a sample record on the broadcast feed (attention off). */
void dp_outputs_broadcast(struct dp_worker *w, uint64_t sensor,
			  uint32_t version, const struct sp_record *r);
/** Push every out written this turn (high tier: out in the same turn).
 * @return the outs pushed. */
uint32_t dp_outputs_push_touched(struct dp_worker *w);

/* Send the lens packets whose oldest message has waited feed.flush_us
 * (switch coalesce; see dp_outputs.c): @return how many. Every turn. */
uint32_t dp_outputs_send_due(struct dp_worker *w);
/** Heartbeats of the tier feeds and lenses, loss figures (every tick). */
void dp_outputs_tick(struct dp_worker *w);
/** Shedding: compare each feed's rate with the limit (every medium flush). */
void dp_outputs_shed_check(struct dp_worker *w, uint64_t interval_tsc);
/** Add lens @p feed_id to @p ip:port (mac NULL: multicast); @p every
 * makes it a recording lens (dp_route.h).
 * @return 0 or -ENOSPC (counted refused_outs). */
int dp_outputs_lens_add(struct dp_worker *w, uint16_t feed_id, uint32_t ip,
			uint16_t port, const uint8_t *mac, int every);
/** Remove lens @p feed_id: its routes and buffer go at once.
 * @return 0 or -ENOENT. */
int dp_outputs_lens_del(struct dp_worker *w, uint16_t feed_id);

/** A lease on feed @p feed_id began (@p joined) or ended: with the
 * `consumed` switch, it sends only while it has one. */
void dp_outputs_joined(struct dp_worker *w, uint16_t feed_id, int joined);

/** The `consumed` switch changed: every tier and sensor feed again. */
void dp_outputs_consumed_all(struct dp_worker *w);
/** The `rtxwarm` switch changed: every feed's copy of it (a byte on the
 * line open_pkt reads anyway, rather than the worker's flags). */
void dp_outputs_rtx_warm_all(struct dp_worker *w);
/** Flush pending samples and END every feed (shutdown). */
void dp_outputs_end(struct dp_worker *w);
/** Bytes of routing and lens state in use. */
uint64_t dp_outputs_bytes(const struct dp_worker *w);

#endif /* DP_OUTPUTS_H */
