/*
 * dp_route.h - where each (sensor, attribute) key's samples go, and when.
 *
 * An *out* is one feed as one worker sends it: a tier feed, a sensor feed,
 * a viewer's lens, or the broadcast feed. A *route* joins a key to an out at
 * a level. `high` routes send a sample in the loop turn it arrives; `medium`
 * and `low` routes are marked dirty and sent when their cadence comes round
 * (50 / 200 ms); `none` sends nothing.
 *
 * The key's history ring is the conflation buffer: a route only remembers
 * how many of the key's samples it has sent (its cursor). A flush sends,
 * for a `latest` attribute, the newest sample (CONFLATED when it skipped
 * some), and for an `all` attribute every sample since the cursor, batched.
 * So a route costs the same whatever the rate, and a flush walks only the
 * dirty routes of the outs that have any (O(dirty), not O(routes)).
 *
 * Overload shedding is per out: level 1 sends `low` routes nothing, level 2
 * also sends `medium` routes at the `low` cadence; `high` is never shed.
 * Messages from a shedding out carry DEGRADED.
 *
 * A recording lens (out->every, `viewer add ... record`) is never
 * conflated nor shed: a flush sends every sample since the cursor for
 * `latest` attributes as for `all` ones, batched at its cadence. What its
 * TX queue refuses, its reader reads back from history by version.
 *
 * An out nobody has joined (`unjoined`, set by the worker when the
 * `consumed` switch is on) sends nothing: its routes' cursors pass the
 * samples (counted `unsent`), so joining later starts at the next sample
 * and owes no backlog; the feed below keeps its heartbeats.
 *
 * An out's dirty routes are kept one of two ways (the `dirtyvec`
 * switch): a list threaded through the routes (dirty_next), or a vector of
 * route indices (dp_dirty.h) that a flush gathers and walks with its
 * misses asked for several entries ahead. Either way a flush visits the
 * same routes in the same order: outs newest-marked first, each out's
 * routes newest-marked first.
 *
 * No EAL here: the router sends through a callback (the worker's feed
 * writer), so it is unit-tested with a fake one.
 */
#ifndef DP_ROUTE_H
#define DP_ROUTE_H

#include <stddef.h>
#include <stdint.h>

#include "dp_dirty.h"
#include "dp_key.h"
#include "sp_histo.h"
#include "sp_wire.h"

enum dp_out_kind {
	DP_OUT_BROADCAST,
	DP_OUT_TIER,
	DP_OUT_SENSOR,
	DP_OUT_LENS,
};

/** Flush cadences: medium (50 ms) and low (200 ms). */
enum dp_cadence {
	DP_CAD_MEDIUM,
	DP_CAD_LOW,
	DP_CAD__COUNT
};

struct dp_out_stats {
	uint64_t msgs;             /* messages sent */
	uint64_t samples;          /* samples sent */
	uint64_t conflated;        /* samples skipped on purpose */
	uint64_t unsent;           /* passed while nobody joined the feed */
	uint64_t overrun;          /* samples the ring lost before a flush */
	uint64_t offered;          /* samples that arrived for its routes */
	uint64_t offered_bytes;    /* what broadcasting them would have sent */
	uint64_t bytes;            /* message bytes sent */
	uint64_t backfill_msgs;
	uint64_t backfill_bytes;    /* of them: history sent again */
	uint64_t flushes;
	uint64_t demotions;        /* times shedding went up a step */
	struct sp_histo stale;     /* age of the newest sample when sent */
};

/**
 * What broadcasting every sample offered to an out would have sent, less
 * what it sent of them. Backfill sends history again on purpose, so its
 * bytes are counted apart (backfill_bytes), not against the saving; what
 * is left is never negative.
 */
static inline int64_t dp_out_bytes_saved(const struct dp_out_stats *st)
{
	return (int64_t)st->offered_bytes -
	       ((int64_t)st->bytes - (int64_t)st->backfill_bytes);
}

struct dp_route;

struct dp_out {
	uint16_t feed_id;
	uint8_t kind;              /* enum dp_out_kind */
	uint8_t shed;              /* 0 none, 1 low off, 2 medium at low */
	uint8_t on_dirty[DP_CAD__COUNT];
	uint8_t in_use;
	uint8_t level;             /* a tier out's level */
	uint8_t unjoined;          /* nobody reads it (the `consumed` switch):
				    * its routes pass without sending */
	uint8_t every;             /* a recording lens: every sample of a
				    * `latest` key too, never shed */
	uint32_t nroutes;
	union {   /* the router's vec says which */
		struct dp_route *dirty[DP_CAD__COUNT];     /* lists */
		struct dp_dirty_blk *dvec[DP_CAD__COUNT];  /* vectors */
	};
	struct dp_out *dirty_next[DP_CAD__COUNT];
	struct dp_route *routes;   /* every route to this out */
	void *tx;                  /* the sender's state (the feed) */
	struct dp_out_stats st;
};

struct dp_route {
	struct dp_key *key;
	struct dp_out *out;
	uint64_t cursor;           /* key samples sent (or skipped) so far */
	struct dp_route *key_next;
	struct dp_route *out_prev, *out_next;
	struct dp_route *dirty_next;
	uint8_t level;
	uint8_t dirty;
	uint8_t dead;              /* removed while on a dirty list */
};

/* Sends one message: the worker's feed writer. @p flags are feed flags
 * (BACKFILL). @return 0, or < 0 when it could not (counted by the caller). */
typedef int (*dp_emit_fn)(void *ctx, struct dp_out *out, uint8_t flags,
			  uint8_t quality, uint64_t sensor_id,
			  uint32_t version, const struct sp_record *r);
/* Sends what an out has buffered now (end of a flush). */
typedef void (*dp_push_fn)(void *ctx, struct dp_out *out);

/* An out in a flush's gathered entries: its own end there. */
struct dp_walk_out {
	struct dp_out *o;
	uint32_t end;
};

struct dp_router {
	struct dp_out *dirty_outs[DP_CAD__COUNT];
	struct dp_route *free_routes;
	uint32_t nroutes, routes_used;
	uint64_t refused;          /* routes asked for when none was free */
	dp_emit_fn emit;
	dp_push_fn push;
	void *ctx;
	uint64_t flush_walked;     /* dirty routes visited by flushes */
	/* dirty vectors (dp_router_vec_init, dp_router_set_vec) */
	uint8_t vec;               /* the outs' dirty routes are vectors */
	uint32_t nouts;            /* outs the memory is sized for */
	struct dp_route *pool;     /* the routes: vectors hold indices */
	struct dp_dirty_pool blk;
	uint32_t *walk;            /* a flush's entries, gathered */
	struct dp_walk_out *walk_outs;  /* each out of it, where it ends */
	/* a run of samples that spans history chunks, gathered to go out
	 * as one record */
	uint8_t run_buf[16384];
};

/**
 * Set up @p r over @p routes (an array of @p n, owned by the caller).
 */
void dp_router_init(struct dp_router *r, struct dp_route *routes, uint32_t n,
		    dp_emit_fn emit, dp_push_fn push, void *ctx);

/**
 * Bytes of memory dp_router_vec_init() needs for dirty vectors over
 * @p nroutes routes and at most @p nouts outs.
 */
size_t dp_router_vec_size(uint32_t nroutes, uint32_t nouts);

/**
 * Give @p r (after dp_router_init()) the memory for dirty vectors: @p mem,
 * 64-byte aligned, of dp_router_vec_size(r->nroutes, @p nouts) bytes,
 * owned by the caller. @p nouts bounds the outs that hold routes of @p r
 * at once; with it the vectors never lack a block (the bound is at
 * dp_router_vec_size() in dp_route.c). The router keeps lists until
 * dp_router_set_vec().
 */
void dp_router_vec_init(struct dp_router *r, void *mem, uint32_t nouts);

/**
 * Keep dirty routes as vectors (@p on) or as lists from now on. What is
 * dirty now is converted, in order: the next flushes send what they would
 * have sent either way. @return 0, or -ENOMEM for vectors without
 * dp_router_vec_init().
 */
int dp_router_set_vec(struct dp_router *r, int on);

/** Prepare @p o as an out of @p kind with wire id @p feed_id. */
void dp_out_init(struct dp_out *o, enum dp_out_kind kind, uint16_t feed_id,
		 void *tx);

/**
 * Route @p k to @p o at @p level, starting from the key's current sample
 * (nothing old is resent; backfill is separate).
 * @return the route, or NULL when the route pool is empty (counted in
 * r->refused).
 */
struct dp_route *dp_route_add(struct dp_router *r, struct dp_key *k,
			      struct dp_out *o, uint8_t level);

/**
 * As dp_route_add(), but owing the key's samples from @p cursor on (a route
 * moving between outs keeps what it had not sent yet): a `high` route sends
 * them at once, a `medium`/`low` one at its next flush.
 */
struct dp_route *dp_route_add_from(struct dp_router *r, struct dp_key *k,
				   struct dp_out *o, uint8_t level,
				   uint64_t cursor, uint64_t now_ns);

/** The route of @p k to @p o, or NULL. */
struct dp_route *dp_route_find(const struct dp_key *k, const struct dp_out *o);

/**
 * Change a route's level. Going to `high` sends what is pending at once;
 * going to `none` keeps the route but sends nothing (history only).
 */
void dp_route_set_level(struct dp_router *r, struct dp_route *rt,
			uint8_t level, uint64_t now_ns);

/** Remove a route (sends nothing more). */
void dp_route_del(struct dp_router *r, struct dp_route *rt);

/** Remove every route to @p o and take it off the dirty lists. */
void dp_out_clear(struct dp_router *r, struct dp_out *o);

/**
 * A record of @p k arrived (already pushed to its history): send it on
 * `high` routes, mark the others dirty.
 */
void dp_router_sample(struct dp_router *r, struct dp_key *k,
		      const struct sp_record *rec, uint64_t now_ns);

/** Cadence @p c is due: send every dirty route of every dirty out. */
void dp_router_flush(struct dp_router *r, enum dp_cadence c,
		     uint64_t now_ns);

/**
 * Send the samples of @p k's history with time >= @p from_ns on route
 * @p rt as BACKFILL (at most @p max messages). @return messages sent.
 */
uint32_t dp_route_backfill(struct dp_router *r, struct dp_route *rt,
			   uint64_t from_ns, uint32_t max, uint64_t now_ns);

/** Set an out's shedding step (0..2); counts each step up. A recording
 * out (every) stays at 0. */
void dp_out_set_shed(struct dp_out *o, uint8_t shed);

/** Add every figure of @p src to @p dst (summing outs or workers). */
void dp_out_stats_add(struct dp_out_stats *dst,
		      const struct dp_out_stats *src);

/** Bytes of routing state in use (routes, vector blocks), for the memory
 * figures. */
uint64_t dp_router_bytes(const struct dp_router *r);

#endif /* DP_ROUTE_H */
