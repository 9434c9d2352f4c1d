/*
 * test_io.c - the dataplane's packet modules on a real EAL (run by
 * table-tests with the table suite): dp_net_classify and the burst peek
 * over hand-built frames, dp_feed and dp_rtx sending into a net_ring port
 * whose TX ring the test reads back and decodes with common/sp_feed.
 */
#include <string.h>

#include <CUnit/CUnit.h>
#include <rte_ethdev.h>
#include <rte_eth_ring.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_udp.h>

#include "dp_feed.h"
#include "dp_net.h"
#include "dp_stats.h"
#include "sp_bytes.h"
#include "sp_feed.h"
#include "sp_rereq.h"
#include "sp_wire.h"
#include "test_io.h"

static struct rte_mempool *pool;
static struct rte_ring *txr;   /* what the port sends */
static uint16_t port;
static struct dp_net net;
static struct dp_clock clk;

#define DP_IP RTE_IPV4(10, 99, 0, 1)

/* A frame to us: IPv4 (IHL @p ihl words), UDP to @p dport, @p payload. */
static struct rte_mbuf *frame(uint8_t ihl, uint16_t dport,
			      const uint8_t *payload, uint16_t plen,
			      int bad_csum, uint16_t frag)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(14 + ihl * 4 +
						    8 + plen));
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)p;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	struct rte_udp_hdr *udp;

	memset(p, 0, 14 + ihl * 4u);
	eth->dst_addr = net.mac;
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = (uint8_t)(0x40 | ihl);
	ip->total_length = rte_cpu_to_be_16((uint16_t)(ihl * 4 + 8 + plen));
	ip->fragment_offset = rte_cpu_to_be_16(frag);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = RTE_BE32(RTE_IPV4(10, 99, 0, 2));
	ip->dst_addr = net.ip;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	if (bad_csum)
		ip->hdr_checksum ^= 0x1111;
	udp = (struct rte_udp_hdr *)((uint8_t *)ip + ihl * 4);
	udp->src_port = RTE_BE16(40000);
	udp->dst_port = rte_cpu_to_be_16(dport);
	udp->dgram_len = rte_cpu_to_be_16((uint16_t)(8 + plen));
	memcpy(udp + 1, payload, plen);
	return m;
}

/* PROTOCOL.md 1: header, one f32 scalar record. */
static uint16_t sensor_pkt(uint8_t *buf, uint64_t id)
{
	float v = 36.6f;
	struct sp_record r = { .attr_id = 3, .vtype = SP_VT_F32, .dim = 1,
			       .nsamp = 1, .t0_ns = 1 };

	sp_put16(buf, SP_SENSOR_MAGIC);
	buf[2] = SP_PROTO_VERSION;
	buf[3] = 0;
	sp_put32(buf + 4, 1);
	sp_put64(buf + 8, id);
	sp_record_write_hdr(buf + 16, &r);
	sp_values_encode(SP_VT_F32, 1, &v, buf + 36);
	return 40;
}

static void test_classify(void)
{
	uint8_t pl[64];
	uint16_t plen = sensor_pkt(pl, 4242);
	struct dp_rx_info info;
	unsigned int why = 0;
	struct rte_mbuf *m;
	uint64_t id;

	m = frame(5, 7400, pl, plen, 0, 0);
	CU_ASSERT_EQUAL(dp_net_classify(&net, m, &info, &why), DP_RX_SENSOR);
	CU_ASSERT_EQUAL(info.len, plen);
	CU_ASSERT_EQUAL(memcmp(info.payload, pl, plen), 0);
	CU_ASSERT(dp_net_peek_sensor_id(&net, m, &id) == 1 && id == 4242);
	rte_pktmbuf_free(m);

	m = frame(5, 7401, pl, 24, 0, 0);
	CU_ASSERT_EQUAL(dp_net_classify(&net, m, &info, &why), DP_RX_REREQ);
	CU_ASSERT_EQUAL(dp_net_peek_sensor_id(&net, m, &id), 0);
	rte_pktmbuf_free(m);

	m = frame(5, 9999, pl, plen, 0, 0);   /* not our port */
	CU_ASSERT_EQUAL(dp_net_classify(&net, m, &info, &why), DP_RX_IGNORE);
	rte_pktmbuf_free(m);

	m = frame(5, 7400, pl, plen, 1, 0);
	CU_ASSERT_EQUAL(dp_net_classify(&net, m, &info, &why), DP_RX_DROP);
	CU_ASSERT_EQUAL(why, DP_DROP_IP_CSUM);
	rte_pktmbuf_free(m);

	m = frame(5, 7400, pl, plen, 0, RTE_IPV4_HDR_MF_FLAG);
	CU_ASSERT_EQUAL(dp_net_classify(&net, m, &info, &why), DP_RX_DROP);
	CU_ASSERT_EQUAL(why, DP_DROP_IP_FRAG);
	rte_pktmbuf_free(m);

	/* options: classify takes it (IHL 6), the peek leaves it alone */
	m = frame(6, 7400, pl, plen, 0, 0);
	CU_ASSERT_EQUAL(dp_net_classify(&net, m, &info, &why), DP_RX_SENSOR);
	CU_ASSERT_EQUAL(dp_net_peek_sensor_id(&net, m, &id), 0);
	rte_pktmbuf_free(m);

	/* IPv4 total length past the frame */
	m = frame(5, 7400, pl, plen, 0, 0);
	{
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m,
			struct rte_ipv4_hdr *, 14);

		ip->total_length = RTE_BE16(1400);
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	CU_ASSERT_EQUAL(dp_net_classify(&net, m, &info, &why), DP_RX_DROP);
	CU_ASSERT_EQUAL(why, DP_DROP_IP_BAD);
	rte_pktmbuf_free(m);

	/* UDP length past the IP payload */
	m = frame(5, 7400, pl, plen, 0, 0);
	rte_pktmbuf_mtod_offset(m, struct rte_udp_hdr *, 34)->dgram_len =
		RTE_BE16(600);
	CU_ASSERT_EQUAL(dp_net_classify(&net, m, &info, &why), DP_RX_DROP);
	CU_ASSERT_EQUAL(why, DP_DROP_UDP_BAD);
	rte_pktmbuf_free(m);

	/* a runt */
	m = rte_pktmbuf_alloc(pool);
	rte_pktmbuf_append(m, 10);
	CU_ASSERT_EQUAL(dp_net_classify(&net, m, &info, &why), DP_RX_IGNORE);
	CU_ASSERT_EQUAL(dp_net_peek_sensor_id(&net, m, &id), 0);
	rte_pktmbuf_free(m);
}

/* The header checksum against DPDK's own sum, over headers of every
 * shape the fields can take: 20 000 frames with random source, id, TTL,
 * TOS and checksum, each accepted exactly when rte_ipv4_cksum says it
 * sums to zero (a bad sum is dropped as such). Options (IHL 6) too. */
static void test_classify_csum(void)
{
	uint8_t pl[64];
	uint16_t plen = sensor_pkt(pl, 77);
	unsigned int good = 0, bad = 0;
	uint64_t x = 0x9e3779b97f4a7c15ull;

	for (int i = 0; i < 20000; i++) {
		struct rte_mbuf *m = frame(i % 7 ? 5 : 6, 7400, pl, plen, 0, 0);
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m,
				struct rte_ipv4_hdr *, 14);
		struct dp_rx_info info;
		unsigned int why = 0;
		enum dp_rx_class c;
		int ok;

		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		ip->src_addr = (uint32_t)x;
		ip->packet_id = (uint16_t)(x >> 32);
		ip->time_to_live = (uint8_t)(x >> 48);
		ip->type_of_service = (uint8_t)(x >> 56);
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		if (i & 1)   /* a random checksum: right only by chance */
			ip->hdr_checksum = (uint16_t)(x >> 20);
		ok = rte_ipv4_cksum(ip) == 0;
		c = dp_net_classify(&net, m, &info, &why);
		CU_ASSERT_EQUAL(c, ok ? DP_RX_SENSOR : DP_RX_DROP);
		if (!ok)
			CU_ASSERT_EQUAL(why, DP_DROP_IP_CSUM);
		good += ok;
		bad += !ok;
		rte_pktmbuf_free(m);
	}
	CU_ASSERT(good >= 10000 && bad > 9000);
}

/* What the port sent since the last call, decoded: at most @p max. */
static unsigned int sent(struct sp_feed_hdr *h, struct rte_mbuf **keep,
			 unsigned int max)
{
	void *objs[64];
	unsigned int n = rte_ring_dequeue_burst(txr, objs, 64, NULL), k = 0;

	for (unsigned int i = 0; i < n; i++) {
		struct rte_mbuf *m = objs[i];
		const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *) +
				   DP_NET_HDR_LEN;

		if (k < max && sp_feed_decode(p, m->pkt_len - DP_NET_HDR_LEN,
					      &h[k]) == SP_FEED_E_OK) {
			if (keep)
				keep[k] = m;
			else
				rte_pktmbuf_free(m);
			k++;
		} else {
			rte_pktmbuf_free(m);
		}
	}
	return k;
}

static struct dp_stats st;
static struct dp_rtx_slot slots[4];
static uint32_t held;

static void feed_up(struct dp_feed *f, uint32_t rtx_n)
{
	struct dp_feed_params p = {
		.feed_id = 7, .session = 0xabc00, .dst_ip = RTE_IPV4(239, 1, 2, 3),
		.dst_port = 7500, .src_port = 7500, .ttl = 8, .mtu = 1500,
		.flush_us = 1000, .heartbeat_ms = 10, .pool = pool, .net = &net,
		.clock = &clk, .port_id = port, .queue_id = 0, .stats = &st,
		.rtx_slots = rtx_n ? slots : NULL, .rtx_n = rtx_n,
		.rtx_held = &held, .rtx_held_cap = 64,
	};

	CU_ASSERT_EQUAL_FATAL(dp_feed_init(f, &p), 0);
}

static void add_scalar(struct dp_feed *f, uint64_t sensor, uint32_t version)
{
	uint8_t v[4];
	float x = 1.0f;
	struct sp_record r = { .attr_id = 3, .vtype = SP_VT_F32, .dim = 1,
			       .nsamp = 1, .t0_ns = 5, .values = v };

	sp_values_encode(SP_VT_F32, 1, &x, v);
	CU_ASSERT(dp_feed_add(f, 0, 0, sensor, version, &r, rte_rdtsc()) > 0);
}

static void test_feed(void)
{
	struct sp_feed_hdr h[8];
	struct dp_feed f;

	feed_up(&f, 0);
	for (uint32_t i = 1; i <= 3; i++)
		add_scalar(&f, 42, i);
	dp_feed_flush(&f, rte_rdtsc());
	CU_ASSERT_EQUAL_FATAL(sent(h, NULL, 8), 1);
	CU_ASSERT_EQUAL(h[0].count, 3);   /* three messages, one packet */
	CU_ASSERT_EQUAL(h[0].seq, 1);
	CU_ASSERT_EQUAL(h[0].feed_id, 7);
	CU_ASSERT_EQUAL(h[0].session, 0xabc00);
	/* silence past heartbeat_ms: a heartbeat carrying the next seq */
	rte_delay_ms(15);
	dp_feed_tick(&f, rte_rdtsc());
	CU_ASSERT_EQUAL_FATAL(sent(h, NULL, 8), 1);
	CU_ASSERT_EQUAL(h[0].count, 0);
	CU_ASSERT_EQUAL(h[0].seq, 4);
	add_scalar(&f, 42, 4);
	dp_feed_end(&f, rte_rdtsc());
	CU_ASSERT_EQUAL_FATAL(sent(h, NULL, 8), 2);
	CU_ASSERT_EQUAL(h[0].seq, 4);
	CU_ASSERT_EQUAL(h[1].flags & SP_FF_END, SP_FF_END);
}

/* Records that fit the open packet whole (the fast path) and records
 * that do not (split, or sent on in the next packet) must go out as the
 * same messages: a one-sample record's dt as 0, each message's version
 * its last sample's, every value in order. */
static void test_feed_shapes(void)
{
	static uint8_t v[400 * 4];
	struct sp_record r = { .attr_id = 3, .vtype = SP_VT_F32, .dim = 1,
			       .t0_ns = 1000, .values = v };
	struct sp_feed_hdr h[8];
	struct rte_mbuf *m[8];
	struct sp_feed_msg msg;
	struct dp_feed f;
	uint32_t samples = 0, next = 0, msgs = 0;
	unsigned int n;

	for (unsigned int i = 0; i < 400; i++) {
		float x = (float)i;

		sp_values_encode(SP_VT_F32, 1, &x, v + 4 * i);
	}
	feed_up(&f, 0);
	r.nsamp = 1;   /* whole, into a fresh packet; its dt must not show */
	r.dt_ns = 777;
	CU_ASSERT_EQUAL(dp_feed_add(&f, 0, 0, 9, 1, &r, rte_rdtsc()), 1);
	r.nsamp = 300; /* 1200 bytes: fits the rest of the packet whole */
	r.dt_ns = 10;
	r.values = v + 4;
	CU_ASSERT_EQUAL(dp_feed_add(&f, 0, 0, 9, 301, &r, rte_rdtsc()), 1);
	r.nsamp = 99;  /* no longer fits: the next packet */
	r.values = v + 4 * 301;
	r.t0_ns = 1000 + 300 * 10;
	CU_ASSERT_EQUAL(dp_feed_add(&f, 0, 0, 9, 400, &r, rte_rdtsc()), 1);
	dp_feed_flush(&f, rte_rdtsc());
	n = sent(h, m, 8);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_EQUAL(h[0].count, 2);
	CU_ASSERT_EQUAL(h[1].count, 1);
	for (unsigned int i = 0; i < n; i++) {
		const uint8_t *p = rte_pktmbuf_mtod(m[i], const uint8_t *) +
				   DP_NET_HDR_LEN;
		size_t len = m[i]->pkt_len - DP_NET_HDR_LEN, off = 0;

		while (sp_feed_next(p, len, &off, &msg)) {
			msgs++;
			CU_ASSERT_EQUAL(msg.sensor_id, 9);
			CU_ASSERT_EQUAL(msg.version, samples + msg.rec.nsamp);
			if (msg.rec.nsamp == 1)
				CU_ASSERT_EQUAL(msg.rec.dt_ns, 0);
			for (unsigned int j = 0; j < msg.rec.nsamp; j++) {
				uint32_t u = sp_get32(msg.rec.values + 4 * j);
				float x;

				memcpy(&x, &u, 4);
				CU_ASSERT_EQUAL(x, (float)next);
				next++;
			}
			samples += msg.rec.nsamp;
		}
		rte_pktmbuf_free(m[i]);
	}
	CU_ASSERT_EQUAL(msgs, 3);
	CU_ASSERT_EQUAL(samples, 400);
}

/* Six one-message packets through a buffer of four: a re-request for the
 * first is the count-0 answer naming the first held; one for held ones
 * gets them back with RETRANS; another session's gets count 0 too. The
 * same with the feed's prefetch at each open (switches.rtxwarm) on. */
static void rtx_case(uint8_t warm)
{
	struct sp_feed_hdr h[8];
	struct dp_rtx_result res;
	struct dp_rtx_to to = { .ip = RTE_BE32(RTE_IPV4(10, 99, 0, 2)),
				.port = RTE_BE16(40000), .max_bytes = 65536 };
	struct sp_rereq rq = { .feed_id = 7, .session = 0xabc00 };
	struct dp_feed f;

	held = 0;
	feed_up(&f, 4);
	f.rtx_warm = warm;
	for (uint32_t i = 1; i <= 6; i++) {
		add_scalar(&f, 42, i);
		dp_feed_flush(&f, rte_rdtsc());
	}
	CU_ASSERT_EQUAL(sent(h, NULL, 8), 6);
	CU_ASSERT_EQUAL(held, 4);
	CU_ASSERT_EQUAL(dp_rtx_first(&f.rtx, f.next_seq), 3);

	rq.seq = 1;
	rq.count = 1;
	dp_rtx_answer(&f, &rq, &to, rte_rdtsc(), &res);
	CU_ASSERT_EQUAL(res.unavailable, 1);
	CU_ASSERT_EQUAL_FATAL(sent(h, NULL, 8), 1);
	CU_ASSERT_EQUAL(h[0].count, 0);
	CU_ASSERT_EQUAL(h[0].seq, 3);
	CU_ASSERT(h[0].flags & SP_FF_RETRANS);

	rq.seq = 4;
	rq.count = 2;
	dp_rtx_answer(&f, &rq, &to, rte_rdtsc(), &res);
	CU_ASSERT_EQUAL(res.unavailable, 0);
	CU_ASSERT_EQUAL(res.msgs, 2);
	CU_ASSERT_EQUAL_FATAL(sent(h, NULL, 8), 1);
	CU_ASSERT_EQUAL(h[0].seq, 4);
	CU_ASSERT_EQUAL(h[0].count, 2);
	CU_ASSERT(h[0].flags & SP_FF_RETRANS);

	/* another run's session: count 0, that session, seq = the end of
	 * the range asked (nothing of it will come) */
	rq.session = 0x77700;
	rq.seq = 10;
	rq.count = 5;
	dp_rtx_answer(&f, &rq, &to, rte_rdtsc(), &res);
	CU_ASSERT_EQUAL(res.unavailable, 1);
	CU_ASSERT_EQUAL_FATAL(sent(h, NULL, 8), 1);
	CU_ASSERT_EQUAL(h[0].count, 0);
	CU_ASSERT_EQUAL(h[0].session, 0x77700);
	CU_ASSERT_EQUAL(h[0].seq, 15);
	dp_feed_end(&f, rte_rdtsc());
	sent(h, NULL, 8);
	CU_ASSERT_EQUAL(held, 0);   /* every held mbuf let go */
	CU_ASSERT_PTR_NULL(f.rtx.oldest);
}

static void test_rtx(void)
{
	rtx_case(0);
	rtx_case(1);
}

/*
 * dp_rtx against a model of the rule it had before it kept `oldest`: two
 * rings of four slots and one of one share a worker cap of five mbufs;
 * 300 packets are kept in a pseudo-random order over them (the rings
 * wrap, the cap lets go of packets of rings that are not full, refuses
 * packets of rings that hold none), and now and then a ring lets all go.
 * After every step each ring has let go exactly the packets the model
 * has, oldest first (a packet let go is down to the test's reference),
 * and `oldest` is the tail slot's mbuf, NULL for an empty ring;
 * dp_rtx_warm() changes nothing.
 */
#define RTX_RINGS 3
#define RTX_STEPS 300

static void test_rtx_oldest(void)
{
	static const uint32_t n[RTX_RINGS] = { 4, 4, 1 };
	static struct dp_rtx_slot mem[RTX_RINGS][4];
	static uint16_t q[RTX_RINGS][RTX_STEPS];   /* the model's FIFOs */
	struct rte_mbuf *m[RTX_STEPS];
	uint8_t kept[RTX_STEPS] = { 0 };
	uint32_t qh[RTX_RINGS] = { 0 }, qt[RTX_RINGS] = { 0 };
	uint32_t held_w = 0, mheld = 0, cap = 5, seed = 22, nm = 0;
	uint32_t full = 0, at_cap = 0, refused = 0, releases = 0;
	struct dp_rtx r[RTX_RINGS];

	for (uint32_t k = 0; k < RTX_RINGS; k++)
		dp_rtx_init(&r[k], mem[k], n[k], &held_w, cap);
	for (uint32_t s = 0; s < RTX_STEPS; s++) {
		uint32_t k, wrong = 0;

		seed = seed * 1103515245u + 12345u;
		k = (seed >> 16) % RTX_RINGS;
		if ((seed >> 8) % 17 == 0) {
			dp_rtx_release(&r[k]);
			for (; qh[k] < qt[k]; qh[k]++, mheld--)
				kept[q[k][qh[k]]] = 0;
			releases++;
		} else {
			struct dp_rtx before = r[k];

			m[nm] = rte_pktmbuf_alloc(pool);
			CU_ASSERT_PTR_NOT_NULL_FATAL(m[nm]);
			dp_rtx_warm(&r[k]);
			CU_ASSERT(memcmp(&before, &r[k], sizeof(before)) == 0);
			if (qt[k] - qh[k] == n[k] ||
			    (mheld >= cap && qt[k] > qh[k])) {
				if (qt[k] - qh[k] == n[k])
					full++;
				else
					at_cap++;
				kept[q[k][qh[k]++]] = 0;
				mheld--;
			}
			if (mheld < cap) {
				q[k][qt[k]++] = (uint16_t)nm;
				kept[nm] = 1;
				mheld++;
			} else {
				refused++;
			}
			dp_rtx_keep(&r[k], m[nm], s + 1, 1);
			nm++;
		}
		for (uint32_t i = 0; i < nm; i++)
			wrong += rte_mbuf_refcnt_read(m[i]) != 1u + kept[i];
		CU_ASSERT_EQUAL(wrong, 0);
		CU_ASSERT_EQUAL(held_w, mheld);
		for (uint32_t j = 0; j < RTX_RINGS; j++) {
			const struct dp_rtx *x = &r[j];

			CU_ASSERT_EQUAL(x->head - x->tail, qt[j] - qh[j]);
			if (qh[j] == qt[j]) {
				CU_ASSERT_PTR_NULL(x->oldest);
				continue;
			}
			CU_ASSERT_PTR_EQUAL(x->oldest, m[q[j][qh[j]]]);
			CU_ASSERT_PTR_EQUAL(x->oldest,
					    x->slots[x->tail & x->mask].m);
		}
	}
	/* every case above came up, more than once */
	CU_ASSERT(full > 20 && at_cap > 20 && refused > 5 && releases > 5);
	CU_ASSERT(r[0].head > 3 * n[0] && r[1].head > 3 * n[1]);
	for (uint32_t k = 0; k < RTX_RINGS; k++) {
		dp_rtx_release(&r[k]);
		CU_ASSERT_PTR_NULL(r[k].oldest);
	}
	CU_ASSERT_EQUAL(held_w, 0);
	rte_pktmbuf_free_bulk(m, nm);
}

int io_setup(void)
{
	struct rte_ring *rxr;
	struct rte_eth_conf conf = { 0 };

	dp_clock_init(&clk);
	pool = rte_pktmbuf_pool_create("unit_io", 1024, 0, 0, 2048, 0);
	rxr = rte_ring_create("unit_rx", 256, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
	txr = rte_ring_create("unit_tx", 256, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (!pool || !rxr || !txr)
		return -1;
	port = (uint16_t)rte_eth_from_rings("unit_ring", &rxr, 1, &txr, 1, 0);
	if (port >= RTE_MAX_ETHPORTS ||
	    rte_eth_dev_configure(port, 1, 1, &conf) < 0 ||
	    rte_eth_rx_queue_setup(port, 0, 64, 0, NULL, pool) < 0 ||
	    rte_eth_tx_queue_setup(port, 0, 64, 0, NULL) < 0 ||
	    rte_eth_dev_start(port) < 0)
		return -1;
	rte_eth_macaddr_get(port, &net.mac);
	net.ip = RTE_BE32(DP_IP);
	net.sensor_port = RTE_BE16(7400);
	net.rereq_port = RTE_BE16(7401);
	return 0;
}

const CU_TestInfo io_tests[] = {
	{ "classify: sensor, rereq, ignore, csum, frag, ip/udp length, "
	  "options, runt; and the burst peek", test_classify },
	{ "classify: header checksums of random headers, as DPDK sums them",
	  test_classify_csum },
	{ "feed: messages in one packet, heartbeat, END", test_feed },
	{ "feed: whole records and split ones go out alike", test_feed_shapes },
	{ "rtx: count-0 for what is gone, RETRANS for what is held, other "
	  "sessions",
	  test_rtx },
	{ "rtx: `oldest` is the tail slot's mbuf through wraps, the cap and "
	  "releases; packets let go as before, oldest first",
	  test_rtx_oldest },
	CU_TEST_INFO_NULL,
};
