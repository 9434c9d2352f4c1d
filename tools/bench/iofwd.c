/*
 * iofwd.c - senseplane-bench-iofwd, B3's baseline: testpmd's io forwarding
 * (every received burst sent back out unchanged, one lcore, one queue)
 * with the dataplane's own latency stamps, so the two histograms are taken
 * the same way on the same vdev. testpmd's --latencystats figures can only
 * be read by a secondary process, which cannot attach to a --no-huge
 * primary; this program stands in for it.
 *
 * One TSC read per loop turn, as in the dataplane's worker: it ends this
 * turn and starts the next, so a burst's interval runs from before its
 * rte_eth_rx_burst() to after the rte_eth_tx_burst() that sent it.
 *
 *   senseplane-bench-iofwd EAL-ARGS -- [--seconds S]
 */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "sp_histo.h"

#define BURST 32

static volatile int stop;
static struct sp_histo histo;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

struct fwd {
	uint16_t port;
	double seconds;
	uint64_t rx, tx, dropped;
};

static int fwd_loop(void *arg)
{
	struct fwd *f = arg;
	struct rte_mbuf *pkts[BURST];
	double ns_per_tsc = 1e9 / (double)rte_get_tsc_hz();
	uint64_t now = rte_rdtsc(), end = now + (uint64_t)(f->seconds *
						 (double)rte_get_tsc_hz());

	while (!stop && now < end) {
		uint64_t start = now;
		uint16_t n = rte_eth_rx_burst(f->port, 0, pkts, BURST), sent;

		sent = n ? rte_eth_tx_burst(f->port, 0, pkts, n) : 0;
		now = rte_rdtsc();
		if (n == 0)
			continue;
		f->rx += n;
		f->tx += sent;
		if (sent < n) {
			f->dropped += n - sent;
			rte_pktmbuf_free_bulk(pkts + sent, n - sent);
		}
		sp_histo_add(&histo, (uint64_t)((double)(now - start) *
						ns_per_tsc));
	}
	return 0;
}

static int port_init(uint16_t port, struct rte_mempool *mp)
{
	struct rte_eth_conf conf;
	int rc;

	memset(&conf, 0, sizeof(conf));
	rc = rte_eth_dev_configure(port, 1, 1, &conf);
	if (rc == 0)
		rc = rte_eth_rx_queue_setup(port, 0, 1024,
					    rte_eth_dev_socket_id(port), NULL, mp);
	if (rc == 0)
		rc = rte_eth_tx_queue_setup(port, 0, 1024,
					    rte_eth_dev_socket_id(port), NULL);
	if (rc == 0)
		rc = rte_eth_dev_start(port);
	return rc;
}

int main(int argc, char **argv)
{
	struct fwd f = { .port = 0, .seconds = 5 };
	struct rte_mempool *mp;
	unsigned int lcore;
	int n = rte_eal_init(argc, argv);

	if (n < 0) {
		fprintf(stderr, "iofwd: EAL init failed\n");
		return 1;
	}
	for (int i = n + 1; i < argc; i++) {
		if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc &&
		    atof(argv[i + 1]) > 0) {
			f.seconds = atof(argv[++i]);
		} else if (strcmp(argv[i], "--help") == 0 ||
			   strcmp(argv[i], "-h") == 0) {
			printf("usage: senseplane-bench-iofwd EAL-ARGS -- "
			       "[--seconds S]\n\nB3's baseline: io forwarding "
			       "on port 0 with RX->TX burst latency stamps.\n");
			return 0;
		} else {
			fprintf(stderr, "iofwd: unknown argument '%s'\n",
				argv[i]);
			return 2;
		}
	}
	if (rte_eth_dev_count_avail() == 0) {
		fprintf(stderr, "iofwd: no port (give a --vdev)\n");
		return 1;
	}
	mp = rte_pktmbuf_pool_create("iofwd", 32767, 256, 0,
				     RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	if (mp == NULL || port_init(f.port, mp) != 0) {
		fprintf(stderr, "iofwd: port %u setup failed\n", f.port);
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	lcore = rte_get_next_lcore(-1, 1, 0);
	if (lcore >= RTE_MAX_LCORE) {
		fprintf(stderr, "iofwd: needs a worker lcore (-l 0-1)\n");
		return 1;
	}
	/* capture loading happens at start: settle before measuring */
	rte_delay_ms(1000);
	rte_eal_remote_launch(fwd_loop, &f, lcore);
	rte_eal_wait_lcore(lcore);
	printf("io forwarding: %.2f Mpps in, %.2f Mpps out, %" PRIu64
	       " not sent\n", f.rx / f.seconds / 1e6, f.tx / f.seconds / 1e6,
	       f.dropped);
	printf("RX burst -> TX burst: p50 %.2f us  p99 %.2f us  p99.9 %.2f us"
	       "  max %.2f us  (%" PRIu64 " bursts)\n",
	       sp_histo_pct(&histo, 50) / 1e3, sp_histo_pct(&histo, 99) / 1e3,
	       sp_histo_pct(&histo, 99.9) / 1e3, histo.max_ns / 1e3,
	       histo.count);
	rte_eth_dev_stop(f.port);
	rte_eth_dev_close(f.port);
	rte_eal_cleanup();
	return 0;
}
