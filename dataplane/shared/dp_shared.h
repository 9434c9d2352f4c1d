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
#include "dp_link.h"
#include "dp_net.h"
#include "dp_policy.h"
#include "sp_catalog.h"
#include "sp_config.h"
#include "sp_mackeys.h"

struct dp_owners;
struct dp_stats;
struct dp_worker;
struct rte_rcu_qsbr;

/** Shared, read-only during the run (but the stop flags). */
struct dp_shared {
	const struct sp_catalog *cat;
	const struct sp_config *cfg;
	/* may be NULL; swapped by a reload (ctl/dp_keyring): workers load
	 * it once per packet and report quiescence once per loop turn on
	 * @c rcu, after which the old table is freed */
	struct sp_mackeys *keys;
	struct rte_rcu_qsbr *rcu;
	struct dp_policy policy;       /* by source address (security) */
	uint64_t replay_reset_tsc;     /* security.replay_reset_s, 0 never */
	const struct dp_net *net;
	const struct dp_clock *clock;
	struct rte_mempool *pool;
	struct dp_worker **workers;
	unsigned int nworkers;
	/* with several workers and dataplane.owner_by_queue: who owns each
	 * sensor (shared/dp_owners.h); NULL: ownership by hash (dp_owner) */
	struct dp_owners *owners;
	uint16_t burst;
	uint64_t session;              /* of the run; workers add their index */
	struct dp_allow allow;         /* who may re-request */
	volatile int *stop;            /* set by the signal handler */
	volatile int *reload;          /* SIGHUP: reload the keys file */
	uint64_t key_reloads;          /* done (control thread) */
	uint64_t key_reload_errors;
	uint32_t rx_stopped;           /* workers past their RX loop */
	struct dp_stats *stats;        /* one block per worker */
	uint16_t port_id;
	struct dp_link link;           /* the port's link (events: EAL's
				        * interrupt thread; else polled) */
};

#endif /* DP_SHARED_H */
