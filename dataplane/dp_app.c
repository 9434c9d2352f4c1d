/*
 * dp_app.c - ordered creation and teardown of the dataplane's objects.
 */
#include "dp_app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_random.h>
#include <rte_rcu_qsbr.h>

#include "dp_owners.h"
#include "dp_loopclock.h"
#include "dp_net6.h"
#include "dp_port.h"
#include "dp_sockdrops.h"
#include "dp_worker.h"
#include "sp_log.h"

#define POOL_CACHE 256

static uint64_t new_session(const struct dp_clock *c)
{
	/* Unique per start: wall-clock ns mixed with randomness. The low
	 * byte is the worker's (dp_feed_session), 0 here, so the run's
	 * session is worker 0's, one that feed packets carry; never 0. */
	uint64_t s = (dp_clock_ns(c, rte_rdtsc()) ^ (rte_rand() << 1)) &
		     ~(uint64_t)0xff;

	return s ? s : 0x100;
}

static int create_worker(struct dp_app *app, unsigned int idx,
			 unsigned int lcore)
{
	int socket = (int)rte_lcore_to_socket_id(lcore);
	struct dp_worker *w;
	char err[256];

	w = rte_zmalloc_socket("dp_worker", sizeof(*w), RTE_CACHE_LINE_SIZE,
			       socket);
	if (w == NULL) {
		sp_logf(stderr, LOG_ERR, "senseplane-dp: worker %u: out of memory: %s\n",
			idx, rte_strerror(rte_errno));
		return -1;
	}
	app->workers[idx] = w;
	w->idx = idx;
	w->lcore = lcore;
	w->port_id = app->port_id;
	w->queue_id = (uint16_t)idx;
	w->sh = &app->shared;
	w->stats = &app->stats[idx];
	if (dp_worker_init(w, err, sizeof(err)) < 0) {
		sp_logf(stderr, LOG_ERR, "senseplane-dp: %s\n", err);
		return -1;
	}
	return 0;
}

int dp_app_create(struct dp_app *app, volatile int *stop,
		  volatile int *reload)
{
	char err[512];
	unsigned int lcore, idx = 0;
	uint32_t dataroom;
	int port_socket;
	struct dp_port_params pp;

	app->cat = sp_catalog_open(app->cfg.catalog, err, sizeof(err));
	if (app->cat == NULL) {
		sp_logf(stderr, LOG_ERR, "senseplane-dp: %s\n", err);
		return -1;
	}
	if (dp_allow_parse(&app->shared.allow, app->cfg.rereq_allow, err,
			   sizeof(err)) < 0) {
		sp_logf(stderr, LOG_ERR, "senseplane-dp: reliability.allow: %s\n", err);
		return -1;
	}
	if (app->cfg.keys_file[0]) {
		app->keys = sp_mackeys_load(app->cfg.keys_file, err, sizeof(err));
		if (app->keys == NULL) {
			sp_logf(stderr, LOG_ERR, "senseplane-dp: %s\n", err);
			return -1;
		}
	}
	if (!rte_eth_dev_is_valid_port(app->port_id)) {
		sp_logf(stderr, LOG_ERR, "senseplane-dp: no DPDK port %u (%u available):"
			" give a device with -a or --vdev\n", app->port_id,
			rte_eth_dev_count_avail());
		return -1;
	}
	app->main_is_worker = rte_lcore_count() == 1;
	app->nworkers = app->main_is_worker ? 1 : rte_lcore_count() - 1;
	if (app->nworkers > (1u << DP_FEED_WORKER_BITS)) {
		sp_logf(stderr, LOG_ERR, "senseplane-dp: at most %u workers\n",
			1u << DP_FEED_WORKER_BITS);
		return -1;
	}
	dp_clock_init(&app->clock);
	app->session = new_session(&app->clock);
	dataroom = RTE_PKTMBUF_HEADROOM +
		   RTE_MAX(2048u, app->cfg.mtu + RTE_ETHER_HDR_LEN + 4);
	/* the retransmit buffers hold mbufs too: room for their cap */
	/* the pool on the port's NUMA node: the NIC writes into it */
	port_socket = rte_eth_dev_socket_id(app->port_id);
	if (port_socket < 0)
		port_socket = (int)rte_socket_id();
	app->pool = rte_pktmbuf_pool_create("sp_pool", app->cfg.mbufs +
					    app->nworkers * app->cfg.rtx_mbufs,
					    POOL_CACHE, 0, (uint16_t)dataroom,
					    port_socket);
	if (app->pool == NULL) {
		sp_logf(stderr, LOG_ERR, "senseplane-dp: cannot create a pool of %u "
			"mbufs: %s (raise -m or lower dataplane.mbufs)\n",
			app->cfg.mbufs, rte_strerror(rte_errno));
		return -1;
	}
	pp = (struct dp_port_params){ .port_id = app->port_id,
		.nqueues = (uint16_t)app->nworkers,
		.mtu = (uint16_t)app->cfg.mtu, .pool = app->pool,
		.rx_desc = (uint16_t)app->cfg.rx_desc,
		.tx_desc = (uint16_t)app->cfg.tx_desc,
		.promiscuous = app->cfg.promiscuous,
		.allmulti = app->cfg.allmulti };
	if (dp_port_init(&pp, &app->net.mac, err, sizeof(err)) < 0) {
		sp_logf(stderr, LOG_ERR, "senseplane-dp: %s\n", err);
		return -1;
	}
	app->port_up = 1;
	if (app->cfg.loop_pkts && app->cfg.loop_us &&
	    dp_loopclock_install(app->port_id, (uint16_t)app->nworkers,
				 app->cfg.loop_pkts, app->cfg.loop_us,
				 (uint16_t)app->cfg.sensor_port, err,
				 sizeof(err)) < 0) {
		sp_logf(stderr, LOG_ERR, "senseplane-dp: %s\n", err);
		return -1;
	}
	/* what was queued before start is not this port's: its counters,
	 * and the kernel's drops on its sockets (they reset when read),
	 * begin now */
	rte_eth_stats_reset(app->port_id);
	{
		struct dp_sockdrops before = { 0 };

		dp_sockdrops_read(&before);
	}
	if (pp.drained)
		sp_logf(stderr, LOG_NOTICE, "senseplane-dp: port %u: dropped %u "
			"frame(s) queued before it started (captured before "
			"the driver bound its socket to the interface)\n",
			app->port_id, pp.drained);
	app->net.ip = rte_cpu_to_be_32(app->cfg.ip);
	app->net.sensor_port = rte_cpu_to_be_16((uint16_t)app->cfg.sensor_port);
	app->net.rereq_port = rte_cpu_to_be_16((uint16_t)app->cfg.rereq_port);
	RTE_BUILD_BUG_ON(DP_NET_IP6_MAX != SP_IP6_MAX);
	app->net.nip6 = app->cfg.ip6.n;
	memcpy(app->net.ip6, app->cfg.ip6.addr, sizeof(app->net.ip6));
	if (app->net.nip6 == 0) {
		/* none configured: the link-local address every IPv6 node
		 * has, from the MAC the port got */
		dp_net6_link_local(&app->net.mac, app->net.ip6[0]);
		app->net.nip6 = 1;
	}
	if (dp_port_ip6_groups(&pp, (const uint8_t (*)[16])app->net.ip6,
			       app->net.nip6, err, sizeof(err)) < 0) {
		sp_logf(stderr, LOG_ERR, "senseplane-dp: %s\n", err);
		return -1;
	}
	app->stats = rte_zmalloc("dp_stats",
				 app->nworkers * sizeof(*app->stats),
				 RTE_CACHE_LINE_SIZE);
	app->workers = rte_zmalloc("dp_workers",
				   app->nworkers * sizeof(*app->workers), 0);
	if (!app->stats || !app->workers) {
		sp_logf(stderr, LOG_ERR, "senseplane-dp: out of memory\n");
		return -1;
	}
	struct dp_allow allow = app->shared.allow;
	size_t rcu_size = rte_rcu_qsbr_get_memsize(app->nworkers);

	app->shared = (struct dp_shared){
		.cat = app->cat, .cfg = &app->cfg, .keys = app->keys,
		.net = &app->net, .clock = &app->clock, .pool = app->pool,
		.session = app->session, .workers = app->workers,
		.nworkers = app->nworkers, .burst = (uint16_t)app->cfg.rx_burst,
		.stop = stop, .reload = reload, .allow = allow,
		.stats = app->stats, .port_id = app->port_id,
		.replay_reset_tsc = app->cfg.replay_reset_s *
				    app->clock.hz,
	};
	app->keys = NULL;   /* the run's now: shared.keys */
	if (app->nworkers > 1 && app->cfg.owner_by_queue) {
		app->shared.owners = dp_owners_create("sp",
			app->cfg.max_sensors * app->nworkers,
			(int)rte_socket_id());
		if (app->shared.owners == NULL) {
			sp_logf(stderr, LOG_ERR, "senseplane-dp: cannot create the "
				"owner directory (%u sensors): raise -m or lower "
				"dataplane.max_sensors\n",
				app->cfg.max_sensors * app->nworkers);
			return -1;
		}
	}
	app->shared.rcu = rte_zmalloc("dp_rcu", rcu_size, RTE_CACHE_LINE_SIZE);
	if (app->shared.rcu == NULL ||
	    rte_rcu_qsbr_init(app->shared.rcu, app->nworkers) != 0) {
		sp_logf(stderr, LOG_ERR, "senseplane-dp: out of memory\n");
		return -1;
	}
	if (dp_link_start(&app->shared.link, app->port_id, pp.lsc) < 0)
		sp_logf(stderr, LOG_WARNING, "senseplane-dp: port %u: link events not "
			"registered: the link is polled\n", app->port_id);
	if (dp_policy_init(&app->shared.policy, &app->cfg,
			   (int)rte_socket_id(), err, sizeof(err)) < 0) {
		sp_logf(stderr, LOG_ERR, "senseplane-dp: %s\n", err);
		return -1;
	}
	if (app->main_is_worker) {
		if (create_worker(app, 0, rte_get_main_lcore()) < 0)
			return -1;
	} else {
		RTE_LCORE_FOREACH_WORKER(lcore) {
			if (create_worker(app, idx++, lcore) < 0)
				return -1;
		}
	}
	if (dp_stats_telemetry_init(app->stats, app->nworkers) < 0)
		sp_logf(stderr, LOG_WARNING, "senseplane-dp: telemetry commands not "
			"registered\n");
	return 0;
}

static void stats_loop(struct dp_app *app, volatile int *stop)
{
	struct dp_stats now, prev;
	uint64_t last = rte_get_timer_cycles(), hz = rte_get_timer_hz();

	memset(&prev, 0, sizeof(prev));
	while (!*stop) {
		usleep(50 * 1000);
		if (app->cfg.stats_ms == 0)
			continue;
		uint64_t t = rte_get_timer_cycles();
		double secs = (double)(t - last) / (double)hz;

		if (secs * 1000 < app->cfg.stats_ms)
			continue;
		dp_stats_sum(app->stats, app->nworkers, &now);
		dp_stats_line(stdout, &now, &prev, secs);
		fflush(stdout);
		prev = now;
		last = t;
	}
}

void dp_app_run(struct dp_app *app, volatile int *stop)
{
	if (app->main_is_worker) {
		/* One lcore: the main thread polls; no console figures. */
		dp_worker_main(app->workers[0]);
		return;
	}
	for (unsigned int i = 0; i < app->nworkers; i++)
		rte_eal_remote_launch(dp_worker_main, app->workers[i],
				      app->workers[i]->lcore);
	stats_loop(app, stop);
	rte_eal_mp_wait_lcore();
}

unsigned int dp_app_free(struct dp_app *app)
{
	unsigned int in_use = 0;

	dp_link_stop(&app->shared.link);
	if (app->port_up)
		dp_port_close(app->port_id);
	for (unsigned int i = 0; app->workers && i < app->nworkers; i++) {
		struct dp_worker *w = app->workers[i];

		if (w == NULL)
			continue;
		dp_worker_fini(w);
		rte_free(w);
	}
	rte_free(app->workers);
	rte_free(app->stats);
	if (app->pool) {
		in_use = rte_mempool_in_use_count(app->pool);
		rte_mempool_free(app->pool);
	}
	sp_mackeys_free(app->keys);
	sp_mackeys_free(app->shared.keys);
	dp_policy_free(&app->shared.policy);
	rte_free(app->shared.rcu);
	dp_owners_free(app->shared.owners);
	sp_catalog_free(app->cat);
	return in_use;
}
