/*
 * dp_attn.h - attention: which subscriptions and pins name a sensor, what
 * level that gives each of its keys, and the routes that follow from it.
 *
 * A key's attention is the highest level over the live subscriptions that
 * match it (sensor, or sensor/attribute) and the pins of its sensor; `none`
 * when there are none. It is recomputed when a subscription, a pin, a
 * switch or the key itself changes - never per packet. From it follow:
 *  - one route to the tier feed of that level (none: no route);
 *  - a route to the sensor's own feed, which exists while at least one
 *    subscription names the sensor, at the level of its subscriptions;
 *  - a route to each subscribed viewer's lens, at that subscription's level
 *    (raised to high by a pin), while lenses are switched on.
 * A route that is new or rises from none/low to medium/high is reported
 * through the backfill callback.
 *
 * A recording lens's interests (out->every: `viewer add ... record`) are
 * not attention: they make the route to that lens at their level and
 * nothing else (no tier level, no sensor feed).
 *
 * A route the router's pool refuses is counted there (router->refused)
 * and left missing; dp_attn_refused() finds what a subscription lacks.
 * It is made when the sensor's attention is next recomputed with room in
 * the pool (a subscription renewed, a switch flipped), not before.
 *
 * EAL-free (unit-tested): the worker supplies outs through callbacks.
 */
#ifndef DP_ATTN_H
#define DP_ATTN_H

#include <stdint.h>

#include "dp_cmd.h"
#include "dp_key.h"
#include "dp_route.h"
#include "sp_level.h"

struct dp_interest {
	struct dp_interest *next;  /* the sensor's list */
	struct dp_out *lens;       /* NULL for a pin */
	uint16_t attr_id;          /* 0: every attribute */
	uint8_t level;
};

struct dp_attn_ops {
	/* the sensor feed out of @p s, made on first use; NULL if none */
	struct dp_out *(*sensor_out)(void *ctx, struct dp_sensor *s);
	/* @p s has no more subscriptions: its sensor feed can go */
	void (*sensor_out_free)(void *ctx, struct dp_sensor *s);
	/* a route newly wants the key at a higher level */
	void (*backfill)(void *ctx, struct dp_route *rt);
};

struct dp_attn {
	struct dp_router *router;
	struct dp_out *tier[SP_LEVEL_HIGH + 1];  /* [low..high]; [0] unused */
	struct dp_interest *free;
	uint32_t ninterests, interests_used;
	uint8_t lenses_on;
	struct dp_attn_ops ops;
	void *ctx;
	uint64_t recomputes;
	uint64_t refused;          /* interests asked for when none was free */
};

/** Set up @p a over @p pool (@p n interests, owned by the caller). */
void dp_attn_init(struct dp_attn *a, struct dp_router *router,
		  struct dp_interest *pool, uint32_t n,
		  const struct dp_attn_ops *ops, void *ctx);

/**
 * Add or update the interest of @p lens (NULL: a pin) in @p s / @p attr_id
 * (0: all) at @p level, and apply it to the sensor's keys.
 * @return 0, or -ENOSPC when the interest pool is empty (counted in
 * a->refused).
 */
int dp_attn_set(struct dp_attn *a, struct dp_sensor *s, struct dp_out *lens,
		uint16_t attr_id, uint8_t level, uint64_t now_ns);

/** Remove that interest. @return 0, or -ENOENT. */
int dp_attn_unset(struct dp_attn *a, struct dp_sensor *s,
		  struct dp_out *lens, uint16_t attr_id, uint64_t now_ns);

/** Recompute the level and routes of key @p k of sensor @p s. */
void dp_attn_key(struct dp_attn *a, struct dp_sensor *s, struct dp_key *k,
		 uint64_t now_ns);

/** Recompute every key of @p s. */
void dp_attn_sensor(struct dp_attn *a, struct dp_sensor *s, uint64_t now_ns);

/**
 * What keeps the interest of @p lens (NULL: a pin) in @p s / @p attr_id
 * from reaching its viewer: a route it implies on one of the keys it
 * names is missing (DP_POOL_ROUTES: the tier feed of the key's level, the
 * sensor's feed, the lens), or the sensor's feed could not be made
 * (DP_POOL_OUTS, s->out_refused, set by the sensor_out callback).
 * @return 0 when nothing is missing, the pool (enum dp_pool), or -ENOENT
 * when there is no such interest.
 */
int dp_attn_refused(const struct dp_attn *a, const struct dp_sensor *s,
		    const struct dp_out *lens, uint16_t attr_id);

/** As dp_attn_refused(), over every interest naming key @p k of @p s. */
int dp_attn_key_refused(const struct dp_attn *a, const struct dp_sensor *s,
			const struct dp_key *k);

/** The highest attention over the keys of @p s (for attention hints). */
uint8_t dp_attn_sensor_level(const struct dp_sensor *s);

#endif /* DP_ATTN_H */
