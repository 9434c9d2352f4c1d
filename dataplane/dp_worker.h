/*
 * dp_worker.h - one worker lcore: its RX/TX queue pair, the sensors it owns
 * (table, history), its feed shard, its hand-off ring and its counters.
 *
 * Every sensor has exactly one owner, dp_owner(id); a sensor packet that
 * RSS put on another worker's queue is passed to the owner's ring, so one
 * sensor's samples are always applied in order by one lcore.
 */
#ifndef DP_WORKER_H
#define DP_WORKER_H

#include <stdint.h>

#include <rte_ring.h>

#include "dp_clock.h"
#include "dp_feed.h"
#include "sp_keys.h"
#include "dp_net.h"
#include "dp_stats.h"
#include "dp_table.h"
#include "sp_catalog.h"

struct dp_worker;

/** Shared, read-only during the run (but the stop flags). */
struct dp_shared {
	const struct sp_catalog *cat;
	struct sp_keys *keys;          /* may be NULL */
	const struct dp_net *net;
	const struct dp_clock *clock;
	struct dp_worker **workers;
	unsigned int nworkers;
	uint16_t burst;
	volatile int *stop;            /* set by the signal handler */
	uint32_t rx_stopped;           /* workers past their RX loop */
};

struct dp_worker {
	unsigned int idx;              /* 0..nworkers-1 */
	unsigned int lcore;
	uint16_t port_id;
	uint16_t queue_id;
	struct rte_ring *ring;         /* packets handed to us */
	struct dp_table *table;
	struct dp_shared *sh;
	struct dp_stats *stats;
	struct dp_feed feed;
} __rte_cache_aligned;

/** The worker that owns sensor @p id among @p n workers. */
static inline unsigned int dp_owner(uint64_t id, unsigned int n)
{
	/* Fibonacci hashing spreads consecutive ids evenly. */
	return (unsigned int)(((id * 0x9E3779B97F4A7C15ull) >> 32) % n);
}

/**
 * The worker loop (lcore entry point, @p arg is a struct dp_worker): poll
 * until *stop, then drain the hand-off ring once every worker stopped RX,
 * flush the feed and send END. @return 0.
 */
int dp_worker_main(void *arg);

#endif /* DP_WORKER_H */
