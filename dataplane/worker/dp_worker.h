/*
 * dp_worker.h - one worker lcore: its RX/TX queue pair, the sensors it owns
 * (table, history), the routes and feeds it sends on, its mailbox, its
 * hand-off ring and its counters; the loop (dp_worker.c) and the modules
 * it runs, each with its own header, all for this one struct:
 *   dp_outputs  the feeds: broadcast, tiers, lenses, sensor feeds
 *   dp_mailbox  the control thread's commands, between bursts
 *   dp_queries  answers to the control thread's queries
 *   dp_notify   hints to sensors, seen/idle events to the control thread
 *   dp_rereq    the re-request server
 * They include this header; it includes none of them.
 *
 * Every sensor has exactly one owner, dp_owner(id); a sensor packet that
 * RSS put on another worker's queue is passed to the owner's ring, so one
 * sensor's samples are always applied in order by one lcore. Changes come
 * from the control thread through the mailbox (dp_cmd.h), drained between
 * bursts; nothing here waits for the control plane.
 */
#ifndef DP_WORKER_H
#define DP_WORKER_H

#include <stddef.h>
#include <stdint.h>

#include <rte_ring.h>

#include "dp_allow.h"
#include "dp_attn.h"
#include "dp_clock.h"
#include "dp_cmd.h"
#include "dp_feed.h"
#include "dp_limits.h"
#include "dp_net.h"
#include "dp_owner.h"
#include "dp_route.h"
#include "dp_shared.h"
#include "dp_stats.h"
#include "dp_table.h"
#include "sp_catalog.h"
#include "sp_config.h"
#include "sp_histo.h"
#include "sp_mackeys.h"

/* An out and the feed it sends on. */
struct dp_lens {
	struct dp_out out;
	struct dp_feed feed;
	struct dp_lens *next_free;
	uint8_t touched;           /* on this turn's push list */
	uint8_t active;            /* on the shedding check's list */
	uint64_t shed_bytes;       /* feed bytes at the last shedding check */
	uint64_t shed_fail;        /* TX failures at the last check */
	uint64_t calm_since;       /* TSC since the load was low */
	uint64_t due_open_tsc;     /* its open packet's time on the deadline
				    * list (0: not on it) */
};

/* A lens packet on the deadline list: sent when flush_us old. */
struct dp_due {
	struct dp_lens *l;
	uint64_t open_tsc;         /* the packet it was queued for */
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
	 * whether or not they send (dp_notify_hint_due) */
	struct dp_sensor **hint_list;
	uint32_t nhint, hint_cap;
	/* history queries read back into this (dp_queries) */
	struct dp_history_sample *query_samples;
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
	uint64_t *joined;              /* feed ids with a lease: a bit each */
	uint32_t idle_turns;           /* empty loop turns in a row */
	struct dp_route *route_mem;
	void *dirty_mem;               /* the router's dirty vectors */
	struct dp_interest *interest_mem;
	uint16_t pending_sensor_feed;  /* id for the next sensor feed made */
	struct dp_lens **touched;      /* outs written this turn */
	uint32_t ntouched;
	/* lens packets left open for later turns' messages (switch
	 * coalesce), in the order they were opened: a FIFO of deadlines */
	struct dp_due *due;
	uint32_t due_head, due_tail, due_mask;
	/* lenses whose feed sent since the last shedding check, or that are
	 * shed: the only ones the check can change (dp_outputs_shed_check) */
	struct dp_lens **active;
	uint32_t nactive;
	/* timers (TSC) */
	uint64_t medium_tsc, low_tsc, tick_tsc;
	uint64_t long_turn_tsc;        /* a turn longer is counted (100 us) */
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
	/* what this burst is done with, freed together at its end */
	uint16_t nfree;
	struct rte_mbuf *to_free[DP_MAX_BURST];
	/* dataplane.rx_limit_pps: packets this worker may still take */
	double rx_tokens;
	uint64_t rx_last_tsc;
	/* [limits]: per sensor and per source address */
	struct dp_limits limits;
	/* backfill budget (token bucket, messages) */
	double bf_tokens;
	uint64_t bf_last_tsc;
} __rte_cache_aligned;

/**
 * Make worker @p w's state: its tables, hand-off ring, mailbox and event
 * ring, outputs (dp_outputs.h), re-request server, loss injection and
 * timers. The caller has set idx, lcore, port_id, queue_id, sh and stats.
 * @return 0, or -1 with the reason (naming what to change) in @p err.
 */
int dp_worker_init(struct dp_worker *w, char *err, size_t errlen);
/** Free what dp_worker_init() made (a part-made worker too). */
void dp_worker_fini(struct dp_worker *w);

/**
 * The worker loop (lcore entry point, @p arg is a struct dp_worker): poll
 * until *stop, then drain the hand-off ring once every worker stopped RX,
 * flush every feed and send END on each. @return 0.
 */
int dp_worker_main(void *arg);

/* Sensors whose hints the tick repeats; past it, a hint is repeated when
 * the sensor's next packet finds it due (counted: hint_list_full). */
#define DP_HINT_LIST_MAX 65536u

/* The most samples one history query answers. */
#define DP_QUERY_MAX_SAMPLES 4096u

#endif /* DP_WORKER_H */
