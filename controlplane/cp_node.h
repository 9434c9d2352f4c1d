/*
 * cp_node.h - what senseplane-ctld does for its node (controlplane/
 * SCHEMA.md): heartbeat the node key, register the sensors its dataplane
 * reports (pipelined, with ownership epochs), follow the events channel
 * into the discovery cache (with a full resync as the safety net), and
 * turn the subscriptions in Redis that name its sensors into dataplane
 * control calls. When Redis comes back it resyncs both ways; when Redis
 * comes back empty it restores what its dataplane holds.
 */
#ifndef CP_NODE_H
#define CP_NODE_H

#include <stdint.h>

#include <event2/bufferevent.h>
#include <event2/event.h>

#include "cp_cache.h"
#include "cp_dplink.h"
#include "cp_batch.h"
#include "cp_redis.h"
#include "sp_catalog.h"
#include "sp_config.h"
#include "sp_ctl.h"
#include "sp_histo.h"

/* A dataplane that has not answered a request in this long is down. */
#define CP_DP_TIMEOUT_MS 3000

struct cp_node {
	struct event_base *base;
	const struct sp_config *cfg;
	char node[CP_NAME_MAX];
	const char *pfx;
	struct sp_catalog *cat;        /* attribute names of `sub ls` */
	struct cp_redis redis;
	struct cp_cache cache;
	uint32_t me;                   /* our index in the cache's nodes */
	/* the dataplane: requests never wait on the loop (cp_dplink.h) */
	struct cp_dplink *dp;
	/* its last `stats`, for /metrics, as text in one buffer reused every
	 * second: parsed again per scrape. A tree of ~5 000 objects held
	 * from one second to the next left the heap's small slabs half used
	 * and pinned by whatever else came between, and the daemon's resident
	 * memory crept for as long as it ran. */
	char *dp_stats;
	size_t dp_stats_cap;
	uint64_t dp_stats_ms;          /* when it came (wall clock) */
	struct bufferevent *watch;
	uint32_t dp_workers;
	char dp_session[20];
	/* sensors to register ("ID:LCORE") and last_seen times to write
	 * ("ID:MS"), batched (cp_registry.c) */
	struct cp_batch pend, seen;
	struct cp_batch idle;          /* IDs gone idle */
	struct cp_batch subq;          /* sensors whose subscriptions to read */
	uint64_t seen_writes, idle_writes;
	/* the dataplane's lost events: caught up by a full pass */
	uint64_t lost_handled, catchups;
	int catching_up;
	uint64_t auth_failures;   /* node API requests refused: no or wrong token */
	/* timers */
	struct event *t_heartbeat, *t_flush, *t_resync, *t_alive, *t_dp;
	struct event *t_seen;
	uint64_t started_ms;
	/* figures */
	uint64_t registry_writes, registry_batches, registry_errors;
	uint64_t moved_in, moved_out, events_in, subs_applied, subs_removed;
	uint64_t refused;          /* requests from Redis the node refused */
	uint64_t subs_local;       /* local viewers' subscriptions left be */
	uint64_t resyncs, restores, dp_errors, dp_retries;
	struct sp_histo discovery_lag; /* publish -> our cache */
	struct sp_histo whereis_ns;    /* cache lookups */
};

/* ---- for the node's parts (cp_registry.c, cp_subs.c) ---- */

/** (Re)arm timer @p ev for @p ms. */
void cp_node_timer(struct event *ev, uint32_t ms);
/** The node of a Redis callback's context (NULL when it is gone). */
struct cp_node *cp_node_of(redisAsyncContext *c);
/** One request to our dataplane, its answer to @p cb (NULL: none wanted);
 * nothing waits (cp_dplink.h). @return 0, or -1 when it is not connected
 * (@p cb is then not called). */
int cp_node_dp_send(struct cp_node *n, cp_dplink_cb *cb, void *arg,
		    const char *line);

/** Run @p head (EVAL, the script and its fixed arguments, @p nhead words)
 * with the queued words after it, CP_BATCH at a time, each reply to @p cb
 * with @p n, then clear them. @return the words sent. */
uint64_t cp_batch_run(struct cp_node *n, struct cp_batch *b,
		      const char **head, int nhead, redisCallbackFn *cb);
/** As cp_batch_run, but each call's words go as one argument, joined by
 * spaces (its script splits them): a Lua script then makes one string of
 * its arguments, not CP_BATCH, which keeps Redis's memory flat (measured
 * in tools/bench/redis_lua_rss.py). */
uint64_t cp_batch_run_joined(struct cp_node *n, struct cp_batch *b,
			     const char **head, int nhead,
			     redisCallbackFn *cb);

/** Set up and start (Redis and dataplane connections come later). */
int cp_node_start(struct cp_node *n, struct event_base *base,
		  const struct sp_config *cfg, const char *node,
		  const struct cp_url *url, char *err, size_t errlen);

/** Stop timers and connections. */
void cp_node_stop(struct cp_node *n);

/** The answer to `whereis SENSOR` from the cache (NULL: not cached). */
const struct cp_cache_entry *cp_node_whereis(struct cp_node *n,
					     uint64_t sensor);

#endif /* CP_NODE_H */
