/*
 * dp_worker.h - one worker lcore: its RX/TX queue pair, the sensors it owns
 * (table, history), the routes and feeds it sends on, its mailbox, its
 * hand-off ring and its counters.
 *
 * Every sensor has exactly one owner, dp_owner(id); a sensor packet that
 * RSS put on another worker's queue is passed to the owner's ring, so one
 * sensor's samples are always applied in order by one lcore. Changes come
 * from the control thread through the mailbox (dp_cmd.h), drained between
 * bursts; nothing here waits for the control plane.
 */
#ifndef DP_WORKER_H
#define DP_WORKER_H

#include <stdint.h>

#include <rte_ring.h>

#include "dp_allow.h"
#include "dp_attn.h"
#include "dp_clock.h"
#include "dp_cmd.h"
#include "dp_feed.h"
#include "dp_net.h"
#include "dp_route.h"
#include "dp_stats.h"
#include "dp_table.h"
#include "sp_catalog.h"
#include "sp_config.h"
#include "sp_histo.h"
#include "sp_keys.h"

/* An out and the feed it sends on. */
struct dp_lens {
	struct dp_out out;
	struct dp_feed feed;
	struct dp_lens *next_free;
	uint8_t touched;           /* on this turn's push list */
	uint64_t shed_bytes;       /* feed bytes at the last shedding check */
	uint64_t shed_fail;        /* TX failures at the last check */
	uint64_t calm_since;       /* TSC since the load was low */
};

/** Shared, read-only during the run (but the stop flags). */
struct dp_shared {
	const struct sp_catalog *cat;
	const struct sp_config *cfg;
	struct sp_keys *keys;          /* may be NULL */
	const struct dp_net *net;
	const struct dp_clock *clock;
	struct rte_mempool *pool;
	struct dp_worker **workers;
	unsigned int nworkers;
	uint16_t burst;
	uint64_t session;              /* of the run; workers add their index */
	struct dp_allow allow;         /* who may re-request */
	volatile int *stop;            /* set by the signal handler */
	uint32_t rx_stopped;           /* workers past their RX loop */
};

/* The largest RX burst (dataplane.rx_burst). */
#define DP_MAX_BURST 512

struct dp_worker {
	unsigned int idx;              /* 0..nworkers-1 */
	unsigned int lcore;
	uint16_t port_id;
	uint16_t queue_id;
	struct rte_ring *ring;         /* packets handed to us */
	struct rte_ring *mbox;         /* commands from the control thread */
	struct rte_ring *events;       /* sensors seen / idle, to it */
	uint32_t idle_scan;            /* next sensor the idle scan looks at */
	/* sensors that were sent a hint: re-sent on the period by the tick,
	 * whether or not they send (dp_wcmd_hint_due) */
	struct dp_sensor **hint_list;
	uint32_t nhint, hint_cap;
	struct dp_table *table;
	struct dp_shared *sh;
	struct dp_stats *stats;
	uint32_t flags;                /* switches, enum dp_flag */
	uint64_t now_tsc, now_ns;      /* of the current turn */
	/* routing */
	struct dp_router router;
	struct dp_attn attn;
	struct dp_lens bcast;          /* feed 0: every sample, attention off */
	struct dp_lens tier[SP_LEVEL_HIGH + 1];
	struct dp_lens *lenses;        /* pool of max_outs */
	struct dp_lens *free_lens;
	uint32_t lenses_used;
	struct dp_lens **by_feed;      /* feed id -> lens or sensor feed */
	struct dp_route *route_mem;
	struct dp_interest *interest_mem;
	uint16_t pending_sensor_feed;  /* id for the next sensor feed made */
	struct dp_lens **touched;      /* outs written this turn */
	uint32_t ntouched;
	/* timers (TSC) */
	uint64_t medium_tsc, low_tsc, tick_tsc;
	uint64_t next_medium, next_low, next_tick;
	/* reliability */
	struct dp_rtx_slot *rtx_mem;   /* retransmit slots of every feed */
	uint32_t rtx_held;             /* mbufs held by them */
	struct dp_loss loss;
	struct dp_requester *requesters;
	/* RX burst -> TX of what high routes wrote from it (B3) */
	struct sp_histo rxtx;
	/* packets of this turn for other workers: one enqueue per owner */
	struct rte_mbuf *ho_pkts[DP_MAX_BURST];
	uint8_t ho_dst[DP_MAX_BURST];
	uint16_t ho_n;
	/* dataplane.rx_limit_pps: packets this worker may still take */
	double rx_tokens;
	uint64_t rx_last_tsc;
	/* backfill budget (token bucket, messages) */
	double bf_tokens;
	uint64_t bf_last_tsc;
} __rte_cache_aligned;

/** The worker that owns sensor @p id among @p n workers. */
static inline unsigned int dp_owner(uint64_t id, unsigned int n)
{
	/* Fibonacci hashing spreads consecutive ids evenly. */
	return (unsigned int)(((id * 0x9E3779B97F4A7C15ull) >> 32) % n);
}

/**
 * Allocate a worker's routing state, feeds and mailbox (dp_wout.c).
 * @return 0, or -ENOMEM.
 */
int dp_worker_outs_init(struct dp_worker *w);
/** Free what dp_worker_outs_init() allocated. */
void dp_worker_outs_free(struct dp_worker *w);

/**
 * The worker loop (lcore entry point, @p arg is a struct dp_worker): poll
 * until *stop, then drain the hand-off ring once every worker stopped RX,
 * flush every feed and send END on each. @return 0.
 */
int dp_worker_main(void *arg);

/* ---- dp_wout.c: feeds of a worker ---- */

/** Send a sample record on the broadcast feed (attention off). */
void dp_wout_broadcast(struct dp_worker *w, uint64_t sensor,
		       uint32_t version, const struct sp_record *r);
/** Push every out written this turn (high tier: out in the same turn).
 * @return the outs pushed. */
uint32_t dp_wout_push_touched(struct dp_worker *w);
/** Heartbeats and flush timers of every feed; shedding checks. */
void dp_wout_tick(struct dp_worker *w);
/** Shedding: compare each feed's rate with the limit (every medium flush). */
void dp_wout_shed_check(struct dp_worker *w, uint64_t interval_tsc);
/** Add lens @p feed_id to @p ip:port (mac NULL: multicast). */
int dp_wout_lens_add(struct dp_worker *w, uint16_t feed_id, uint32_t ip,
		     uint16_t port, const uint8_t *mac);
/** Remove lens @p feed_id: its routes and buffer go at once. */
int dp_wout_lens_del(struct dp_worker *w, uint16_t feed_id);
/** Flush pending samples and END every feed (shutdown). */
void dp_wout_end(struct dp_worker *w);
/** Bytes of routing and lens state in use. */
uint64_t dp_wout_bytes(const struct dp_worker *w);

/* ---- dp_rereq.c: the re-request server ---- */

struct dp_requester;
/** Allocate the requester table. @return 0 or -ENOMEM. */
int dp_rereq_init(struct dp_worker *w);
/** Serve one re-request datagram. */
void dp_rereq_rx(struct dp_worker *w, const struct dp_rx_info *info);

/* ---- dp_wcmd.c: the mailbox ---- */

/** Apply up to @p max commands waiting in the mailbox. */
unsigned int dp_wcmd_drain(struct dp_worker *w, unsigned int max);
/** Apply switches @p flags (flushing what the old mode owed). */
void dp_wcmd_flags(struct dp_worker *w, uint32_t flags);
/** Tell the control thread sensor @p s was seen or went idle. */
void dp_wcmd_event(struct dp_worker *w, const struct dp_sensor *s,
		   uint32_t kind);
/** Look at a slice of the sensors for ones gone idle (every tick). */
void dp_wcmd_idle_scan(struct dp_worker *w);

/** Send an attention hint to sensor @p s if it asked and it is due. */
void dp_wcmd_hint(struct dp_worker *w, struct dp_sensor *s, int force);
/** Hints that are due by the period, to sensors quiet since (every tick,
 * so a hint is at most one tick, 100 ms, late). */
void dp_wcmd_hint_due(struct dp_worker *w);

/* Sensors whose hints the tick repeats; past it, a hint is repeated when
 * the sensor's next packet finds it due (counted: hint_list_full). */
#define DP_HINT_LIST_MAX 65536u

#endif /* DP_WORKER_H */
