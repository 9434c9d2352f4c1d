/*
 * dp_app.h - the dataplane as a whole: the objects main() creates in order
 * (pool, port, workers with their tables, rings and feeds) and frees in
 * reverse.
 */
#ifndef DP_APP_H
#define DP_APP_H

#include <stdint.h>

#include <rte_mempool.h>

#include "dp_clock.h"
#include "sp_mackeys.h"
#include "dp_net.h"
#include "dp_stats.h"
#include "dp_shared.h"
#include "sp_catalog.h"
#include "sp_config.h"

struct dp_worker;

struct dp_app {
	struct sp_config cfg;
	struct sp_catalog *cat;
	struct sp_mackeys *keys;       /* the first; then shared.keys */
	struct rte_mempool *pool;
	uint16_t port_id;
	int port_up;
	struct dp_net net;
	struct dp_clock clock;
	uint64_t session;
	unsigned int nworkers;
	int main_is_worker;
	struct dp_worker **workers;
	struct dp_stats *stats;        /* one block per worker */
	struct dp_shared shared;
};

/**
 * Create everything from @p app->cfg and @p app->port_id.
 * @return 0, or -1 with the reason printed.
 */
int dp_app_create(struct dp_app *app, volatile int *stop,
		  volatile int *reload);

/** Launch the workers; returns when they have all ended (stop set). */
void dp_app_run(struct dp_app *app, volatile int *stop);

/**
 * Free everything, close the port, and count mbufs still out of the pool.
 * @return mbufs in use at exit (0 when none leaked).
 */
unsigned int dp_app_free(struct dp_app *app);

#endif /* DP_APP_H */
