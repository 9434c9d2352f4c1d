/*
 * nicgen.c - senseplane-bench-nicgen: sensor traffic the way a NIC would
 * hand it over. Every packet is written fresh into an mbuf from a small
 * recycled pool (the NIC's descriptors), sensor ids drawn at random from N
 * sensors, seqs per sensor, values that change, and sent on port 0 (a
 * net_memif server that the dataplane, or testpmd for the baseline,
 * attaches to). What the peer's ring does not take is refused, counted, and
 * lost, as a NIC drops what its RX ring has no room for.
 *
 *   senseplane-bench-nicgen EAL-ARGS -- [--sensors N] [--pps R] [--seconds S]
 *       [--bad F] [--mix small|sim] [--seed N] [--json FILE] [--linger]
 *
 * --keyed FILE: every sensor signs its packets (SipHash-2-4 MAC) with a
 * key the generator writes to FILE in the keys file's format.
 * --pps 0 (the default) sends as fast as the peer takes; --bad F replaces
 * that fraction of packets by malformed ones (bad magic, short, overrun,
 * bad vtype, in turn). --mix sim: the simulator's shapes (ECG batches of
 * 50, IMU batches of 5 of 3 values, scalars); small: one f32 scalar, the
 * smallest frame (82 bytes); b2: B2's load (tools/bench/b2.sh --x100), each
 * sensor's heartrate, temperature, humidity, battery and accelerometer at
 * 10 Hz, one sample a packet, every stream once a round in one fixed random
 * order, each stream's clock 100 ms on from its last packet (a sensor's
 * advancing clock: evenly spaced samples, as a replayed capture's repeated
 * times are not); what the peer refuses is offered again, not lost, so
 * that no stream skips a sample. --warmup W sends for W seconds first and
 * reports that apart (the peer starting up). --linger keeps the port up after the run
 * until SIGINT/SIGTERM, so that the peer can be stopped first.
 */
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "sp_bytes.h"
#include "sp_wire.h"

#define BURST 32
#define POOL 4095

static volatile int stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

struct shape {
	uint16_t attr;
	uint8_t vtype, dim;
	uint16_t nsamp;
};

/* The simulator's profiles, by packets a second (config/attributes.conf) */
static const struct shape sim_mix[] = {
	{ 1, SP_VT_F32, 1, 50 },   /* ecg: 5 packets/s */
	{ 1, SP_VT_F32, 1, 50 },
	{ 2, SP_VT_F32, 1, 5 },    /* respiration: 5/s */
	{ 2, SP_VT_F32, 1, 5 },
	{ 4, SP_VT_F32, 3, 5 },    /* accelerometer: 10/s */
	{ 4, SP_VT_F32, 3, 5 },
	{ 5, SP_VT_F32, 3, 5 },    /* gyroscope: 10/s */
	{ 5, SP_VT_F32, 3, 5 },
	{ 7, SP_VT_F32, 1, 1 },    /* temperature, heartrate, humidity */
	{ 3, SP_VT_F32, 1, 1 },
	{ 8, SP_VT_F32, 1, 1 },
	{ 6, SP_VT_F64, 3, 1 },    /* geolocation */
};
static const struct shape small = { 7, SP_VT_F32, 1, 1 };
/* --mix b2: heartrate, temperature, humidity, battery, accelerometer */
static const struct shape b2_mix[] = {
	{ 3, SP_VT_F32, 1, 1 }, { 7, SP_VT_F32, 1, 1 }, { 8, SP_VT_F32, 1, 1 },
	{ 9, SP_VT_F32, 1, 1 }, { 4, SP_VT_F32, 3, 1 },
};
#define B2_ATTRS (sizeof(b2_mix) / sizeof(b2_mix[0]))
#define B2_PERIOD_NS 100000000ull   /* 10 Hz */

enum { MIX_SMALL, MIX_SIM, MIX_B2 };

struct opts {
	uint64_t sensors, seed;
	double pps, seconds, bad;
	int mix;
	int linger;                /* keep the port up after, until a signal */
	double warmup;             /* seconds sent before the counted run */
	const char *keys;          /* every sensor signs; its keys written here */
	const char *json;
};

struct gen {
	struct opts o;
	struct rte_mempool *pool;
	uint32_t *seq;             /* per sensor */
	uint32_t *order;           /* --mix b2: the streams' order in a round */
	struct rte_mbuf *held[BURST]; /* --mix b2: refused, offered again */
	uint16_t nheld;
	uint64_t rng;
	uint64_t offered, sent, refused, bad_sent, valid_sent, samples_sent;
	uint64_t samples_offered, valid_offered;
	int peer_lost;
	uint64_t warm_valid_sent;
	uint64_t made;             /* packets made since start */
	unsigned int bad_kind;
	float value;
};

static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* --keyed: sensor @p id's key, from its id (the keys file says the same). */
static void key_of(uint64_t id, uint8_t key[SP_SIPHASH_KEY_LEN])
{
	for (int i = 0; i < SP_SIPHASH_KEY_LEN; i++)
		key[i] = (uint8_t)((id >> (8 * (i % 8))) ^ (0x5a + i));
}

static int write_keys(const char *path, uint64_t n)
{
	FILE *f = fopen(path, "w");
	uint8_t key[SP_SIPHASH_KEY_LEN];

	if (f == NULL)
		return -1;
	for (uint64_t id = 1; id <= n; id++) {
		key_of(id, key);
		fprintf(f, "%" PRIu64 " ", id);
		for (int i = 0; i < SP_SIPHASH_KEY_LEN; i++)
			fprintf(f, "%02x", key[i]);
		fputc('\n', f);
	}
	return fclose(f);
}

/* Ethernet + IPv4 + UDP around @p plen payload bytes. */
static void headers(uint8_t *p, uint16_t plen, uint32_t src)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)p;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);
	static const uint8_t dst[6] = { 2, 0, 0, 0, 0, 1 };
	static const uint8_t srcm[6] = { 2, 0, 0, 0, 0, 2 };

	memcpy(eth->dst_addr.addr_bytes, dst, 6);
	memcpy(eth->src_addr.addr_bytes, srcm, 6);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = 0x45;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(20 + 8 + plen));
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = rte_cpu_to_be_32(src);
	ip->dst_addr = rte_cpu_to_be_32(0x0a630001);   /* 10.99.0.1 */
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	udp->src_port = rte_cpu_to_be_16(40000);
	udp->dst_port = rte_cpu_to_be_16(SP_SENSOR_PORT);
	udp->dgram_len = rte_cpu_to_be_16((uint16_t)(8 + plen));
	udp->dgram_cksum = 0;
}

/* Make one malformed payload of @p p (@p len bytes) in turn. */
static uint16_t spoil(struct gen *g, uint8_t *p, uint16_t len)
{
	switch (g->bad_kind++ % 4) {
	case 0: p[0] = 'X'; return len;                     /* magic */
	case 1: return 20;                                  /* short */
	case 2: return (uint16_t)(len - 1);                 /* overrun */
	default: p[SP_SHDR_LEN + 2] = 9; return len;        /* vtype */
	}
}

/* Fill @p m with the next packet. @return 1 when it is a valid one. */
static int fill(struct gen *g, struct rte_mbuf *m)
{
	const struct shape *s = g->o.mix == MIX_SIM ?
		&sim_mix[next_rand(&g->rng) %
			 (sizeof(sim_mix) / sizeof(sim_mix[0]))] : &small;
	uint64_t r = next_rand(&g->rng);
	uint64_t idx = r % g->o.sensors;
	uint64_t t = 1700000000000000000ull + g->made;

	if (g->o.mix == MIX_B2) {
		/* stream k = sensor * 5 + attribute, the round's k-th of
		 * nstreams at k/nstreams of the period: each stream's time
		 * moves exactly one period a round */
		uint64_t ns = g->o.sensors * B2_ATTRS;
		uint32_t k = g->order[g->made % ns];

		idx = k / B2_ATTRS;
		s = &b2_mix[k % B2_ATTRS];
		t = 1700000000000000000ull + g->made * B2_PERIOD_NS / ns;
		r = 0;   /* --bad does not apply */
	}
	g->made++;   /* sample times move forward across the warm-up too */
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);
	uint8_t *pl = p + 42;
	struct sp_sensor_builder b;
	double vals[1024 * 3];
	size_t n = (size_t)s->nsamp * s->dim;
	uint16_t len;
	int valid = 1;

	for (size_t i = 0; i < n; i++)
		vals[i] = g->value + (float)i;
	g->value += 0.25f;
	sp_sensor_begin(&b, pl, 2000, idx + 1, ++g->seq[idx],
			g->o.keys ? SP_SFLAG_MAC : 0);
	if (s->vtype == SP_VT_F64) {
		sp_sensor_add(&b, s->attr, s->vtype, s->dim, s->nsamp,
			      t, 0, vals);
	} else {
		float f[1024 * 3];

		for (size_t i = 0; i < n; i++)
			f[i] = (float)vals[i];
		sp_sensor_add(&b, s->attr, s->vtype, s->dim, s->nsamp,
			      t, s->nsamp > 1 ? 4000000 : 0, f);
	}
	if (g->o.keys) {
		uint8_t key[SP_SIPHASH_KEY_LEN];

		key_of(idx + 1, key);
		len = (uint16_t)sp_sensor_finish(&b, key);
	} else {
		len = (uint16_t)sp_sensor_finish(&b, NULL);
	}
	if (g->o.bad > 0 && g->o.mix != MIX_B2 &&
	    (double)(r >> 11) * 0x1p-53 < g->o.bad) {
		len = spoil(g, pl, len);
		valid = 0;
	}
	headers(p, len, 0x0a630002);
	m->data_len = m->pkt_len = (uint32_t)(42 + len);
	if (valid)
		g->samples_offered += s->nsamp;
	return valid;
}

static int gen_loop(struct gen *g, double seconds)
{
	struct rte_mbuf *pkts[BURST];
	int valid[BURST];
	uint64_t hz = rte_get_tsc_hz(), t0 = rte_rdtsc(), now = t0;
	uint64_t end = t0 + (uint64_t)(seconds * (double)hz);
	double tokens = BURST;
	uint64_t down_since = 0, next_sec = t0 + hz, last_sent = 0;
	unsigned int sec = 0;
	struct rte_eth_link link;

	while (!stop && now < end) {
		uint16_t n = BURST, sent;

		if (now >= next_sec) {
			/* what the peer took in this second */
			printf("{\"second\": %u, \"mpps\": %.3f}\n", ++sec,
			       (double)(g->sent - last_sent) / 1e6);
			fflush(stdout);
			last_sent = g->sent;
			next_sec += hz;
		}
		/* the peer's link, every burst (memif's is a word in memory):
		 * nothing is sent while it is down, so nothing goes into a
		 * ring the peer is unmapping; down for 2 s: the peer is gone */
		if (rte_eth_link_get_nowait(0, &link) == 0 &&
		    !link.link_status) {
			if (down_since == 0)
				down_since = now;
			if (now - down_since > 2 * hz) {
				g->peer_lost = 1;
				break;
			}
			now = rte_rdtsc();
			continue;
		}
		down_since = 0;
		if (g->o.pps > 0) {
			uint64_t t = rte_rdtsc();

			tokens += (double)(t - now) / (double)hz * g->o.pps;
			now = t;
			if (tokens > BURST)
				tokens = BURST;
			if (tokens < 1)
				continue;
			n = (uint16_t)tokens;
			tokens -= n;
		} else {
			now = rte_rdtsc();
		}
		if (g->nheld) {
			/* --mix b2: what was refused goes first, unchanged */
			uint16_t h = g->nheld;

			if (n < h)
				n = h;
			memcpy(pkts, g->held, h * sizeof(pkts[0]));
			for (uint16_t i = 0; i < h; i++)
				valid[i] = 1;
			if (h < n && rte_pktmbuf_alloc_bulk(g->pool, pkts + h,
							    n - h) != 0)
				n = h;
			for (uint16_t i = h; i < n; i++) {
				valid[i] = fill(g, pkts[i]);
				g->valid_offered += (uint64_t)valid[i];
			}
			g->offered += n - h;
			g->nheld = 0;
		} else {
			if (rte_pktmbuf_alloc_bulk(g->pool, pkts, n) != 0)
				continue;
			for (uint16_t i = 0; i < n; i++) {
				valid[i] = fill(g, pkts[i]);
				g->valid_offered += (uint64_t)valid[i];
			}
			g->offered += n;
		}
		sent = rte_eth_tx_burst(0, 0, pkts, n);
		for (uint16_t i = 0; i < sent; i++) {
			g->valid_sent += (uint64_t)valid[i];
			g->bad_sent += (uint64_t)!valid[i];
		}
		g->sent += sent;
		if (sent < n && g->o.mix == MIX_B2) {
			g->nheld = (uint16_t)(n - sent);
			memcpy(g->held, pkts + sent,
			       g->nheld * sizeof(pkts[0]));
		} else if (sent < n) {
			g->refused += (uint64_t)(n - sent);
			rte_pktmbuf_free_bulk(pkts + sent, n - sent);
		}
	}
	return 0;
}

static int parse(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "sensors", 1, NULL, 'n' }, { "pps", 1, NULL, 'p' },
		{ "seconds", 1, NULL, 't' }, { "bad", 1, NULL, 'b' },
		{ "mix", 1, NULL, 'm' }, { "seed", 1, NULL, 's' },
		{ "json", 1, NULL, 'j' }, { "linger", 0, NULL, 'l' },
		{ "warmup", 1, NULL, 'w' }, { "keyed", 1, NULL, 'k' },
		{ "help", 0, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*o = (struct opts){ .sensors = 1000, .seconds = 5, .seed = 1 };
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'n': o->sensors = strtoull(optarg, NULL, 10); break;
		case 'p': o->pps = atof(optarg); break;
		case 't': o->seconds = atof(optarg); break;
		case 'b': o->bad = atof(optarg); break;
		case 'm':
			o->mix = strcmp(optarg, "sim") == 0 ? MIX_SIM :
				 strcmp(optarg, "b2") == 0 ? MIX_B2 : MIX_SMALL;
			break;
		case 's': o->seed = strtoull(optarg, NULL, 10); break;
		case 'j': o->json = optarg; break;
		case 'l': o->linger = 1; break;
		case 'w': o->warmup = atof(optarg); break;
		case 'k': o->keys = optarg; break;
		case 'h':
			printf("usage: senseplane-bench-nicgen EAL-ARGS -- "
			       "[--sensors N] [--pps R] [--seconds S] [--bad F] "
			       "[--mix small|sim|b2] [--seed N] [--json FILE] "
			       "[--warmup W] [--linger] [--keyed FILE]\n");
			return 1;
		default: return -1;
		}
	}
	if (o->sensors == 0 || o->seconds <= 0 || o->bad < 0 || o->bad > 1) {
		fprintf(stderr, "nicgen: --sensors >= 1, --seconds > 0, --bad "
			"in 0..1\n");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct gen g;
	struct rte_eth_conf conf = { 0 };
	struct rte_eth_link link;
	int n = rte_eal_init(argc, argv), rc;
	FILE *out;
	char js[1024];
	uint64_t t0, t1;

	if (n < 0) {
		fprintf(stderr, "nicgen: EAL init failed\n");
		return 2;
	}
	argv[n] = argv[0];
	rc = parse(argc - n, argv + n, &g.o);
	if (rc)
		return rc > 0 ? 0 : 2;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (g.o.keys && write_keys(g.o.keys, g.o.sensors) < 0) {
		fprintf(stderr, "nicgen: --keyed %s: cannot write it\n", g.o.keys);
		return 2;
	}
	g.rng = g.o.seed * 0x9e3779b97f4a7c15ull + 1;
	g.seq = calloc(g.o.sensors, sizeof(*g.seq));
	if (g.o.mix == MIX_B2) {
		/* one fixed random order of the streams, every round */
		uint64_t ns = g.o.sensors * B2_ATTRS;

		g.order = malloc(ns * sizeof(*g.order));
		if (g.order == NULL || ns > UINT32_MAX) {
			fprintf(stderr, "nicgen: --sensors too many for b2\n");
			return 2;
		}
		for (uint64_t i = 0; i < ns; i++)
			g.order[i] = (uint32_t)i;
		for (uint64_t i = ns - 1; i > 0; i--) {
			uint64_t j = next_rand(&g.rng) % (i + 1);
			uint32_t x = g.order[i];

			g.order[i] = g.order[j];
			g.order[j] = x;
		}
	}
	g.pool = rte_pktmbuf_pool_create("nicgen", POOL, 256, 0, 2176,
					 (int)rte_socket_id());
	if (!g.seq || !g.pool || rte_eth_dev_count_avail() < 1 ||
	    rte_eth_dev_configure(0, 1, 1, &conf) != 0 ||
	    rte_eth_rx_queue_setup(0, 0, 512, rte_eth_dev_socket_id(0), NULL,
				   g.pool) != 0 ||
	    rte_eth_tx_queue_setup(0, 0, 1024, rte_eth_dev_socket_id(0),
				   NULL) != 0 ||
	    rte_eth_dev_start(0) != 0) {
		fprintf(stderr, "nicgen: cannot set up port 0 (give a "
			"--vdev net_memif0,role=server,...)\n");
		return 2;
	}
	/* the peer attaches: memif's link comes up */
	for (int i = 0; i < 3000 && !stop; i++) {
		rte_eth_link_get_nowait(0, &link);
		if (link.link_status)
			break;
		rte_delay_ms(10);
	}
	printf("nicgen: sending %s%s to %" PRIu64 " sensors for %.1f s at %s"
	       "\n", g.o.mix == MIX_SIM ? "the simulator's mix" :
	       g.o.mix == MIX_B2 ? "B2's five attributes at 10 Hz" :
	       "the smallest frame",
	       g.o.bad > 0 ? " with malformed packets" : "", g.o.sensors,
	       g.o.seconds, g.o.pps > 0 ? "a set rate" : "full rate");
	fflush(stdout);
	if (g.o.warmup > 0) {
		/* the peer settles (its first packets, its tables): what is
		 * sent or refused meanwhile is reported apart, not counted */
		gen_loop(&g, g.o.warmup);
		printf("{\"warmup\": %.1f, \"sent\": %" PRIu64 ", \"refused\": %"
		       PRIu64 ", \"valid_sent\": %" PRIu64 "}\n", g.o.warmup,
		       g.sent, g.refused, g.valid_sent);
		fflush(stdout);
		g.warm_valid_sent = g.valid_sent;
		g.offered = g.sent = g.refused = g.bad_sent = g.valid_sent = 0;
		g.samples_offered = g.valid_offered = 0;
	}
	t0 = rte_rdtsc();
	gen_loop(&g, g.o.seconds);
	t1 = rte_rdtsc();
	snprintf(js, sizeof(js), "{\"offered\": %" PRIu64 ", \"sent\": %"
		 PRIu64 ", \"refused\": %" PRIu64 ", \"valid_offered\": %"
		 PRIu64 ", \"valid_sent\": %" PRIu64 ", \"bad_sent\": %" PRIu64
		 ", \"samples_offered\": %" PRIu64 ", \"peer_lost\": %s, "
		 "\"valid_sent_with_warmup\": %" PRIu64 ", "
		 "\"seconds\": %.3f, \"sent_mpps\": %.3f}\n", g.offered,
		 g.sent, g.refused, g.valid_offered, g.valid_sent, g.bad_sent,
		 g.samples_offered, g.peer_lost ? "true" : "false",
		 g.warm_valid_sent + g.valid_sent,
		 (double)(t1 - t0) / (double)rte_get_tsc_hz(),
		 (double)g.sent / ((double)(t1 - t0) /
				   (double)rte_get_tsc_hz()) / 1e6);
	fputs(js, stdout);
	fflush(stdout);      /* --linger: the caller reads it meanwhile */
	if (g.o.json && (out = fopen(g.o.json, "w"))) {
		fputs(js, out);
		fclose(out);
	}
	/* --linger: the peer is stopped first (memif unmaps a ring that a
	 * peer still polls when one side goes) */
	while (g.o.linger && !stop)
		rte_delay_ms(10);
	rte_eth_dev_stop(0);
	rte_eth_dev_close(0);
	rte_eal_cleanup();
	return 0;
}
