/*
 * dp_shared.h - what every worker and the control thread share for the
 * run: the configuration, catalogue, keys, pool, clock, session, the
 * workers' table, their counters, the port and the stop flags. The control
 * thread is given this, not the app (dp_app.h). Read-only during the run but the
 * stop flags; the workers' own state is in worker/dp_worker.h.
 */
#ifndef DP_SHARED_H
#define DP_SHARED_H

#include <stdint.h>

#include <rte_mempool.h>

#include "dp_allow.h"
#include "dp_clock.h"
#include "dp_net.h"
#include "sp_catalog.h"
#include "sp_config.h"
#include "sp_mackeys.h"

struct dp_stats;
struct dp_worker;

/** Shared, read-only during the run (but the stop flags). */
struct dp_shared {
	const struct sp_catalog *cat;
	const struct sp_config *cfg;
	struct sp_mackeys *keys;          /* may be NULL */
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
	struct dp_stats *stats;        /* one block per worker */
	uint16_t port_id;
};

#endif /* DP_SHARED_H */
