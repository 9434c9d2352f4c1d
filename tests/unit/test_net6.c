/*
 * test_net6.c - dp_net6 on a real EAL (run by table-tests): IPv6 frames
 * classified (a sensor datagram, every drop reason, what is not ours),
 * neighbour solicitation answered with the right advertisement, echo
 * answered, and the address helpers.
 */
#include <string.h>

#include <CUnit/CUnit.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "dp_net.h"
#include "dp_net6.h"
#include "dp_stats.h"
#include "sp_bytes.h"
#include "sp_wire.h"
#include "test_io.h"

static struct rte_mempool *pool;
static struct dp_net net;

/* fd00:99::1, the port's; fd00:99::2, the sensor's */
static const uint8_t ours[16] = { 0xfd, 0, 0, 0x99, [15] = 1 };
static const uint8_t peer[16] = { 0xfd, 0, 0, 0x99, [15] = 2 };
static const struct rte_ether_addr peer_mac = {
	{ 0x02, 0, 0, 0, 0, 0x02 } };

enum csum { CSUM_OK, CSUM_ZERO, CSUM_BAD };

static void setup(void)
{
	if (pool == NULL)
		pool = rte_pktmbuf_pool_create("unit_net6", 256, 0, 0, 2048, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pool);
	memset(&net, 0, sizeof(net));
	net.mac = (struct rte_ether_addr){ { 0x52, 0x54, 0, 0x12, 0x34,
					     0x56 } };
	net.ip = RTE_BE32(RTE_IPV4(10, 99, 0, 1));
	net.sensor_port = RTE_BE16(7400);
	net.rereq_port = RTE_BE16(7401);
	memcpy(net.ip6[0], ours, 16);
	dp_net6_link_local(&net.mac, net.ip6[1]);
	net.nip6 = 2;
}

/* An IPv6 frame from peer to @p dst, next header @p nh, @p l4 of @p len
 * bytes after the 40-byte header (its checksum, if any, left to the
 * caller). */
static struct rte_mbuf *frame6(const uint8_t *dst, uint8_t nh, uint8_t hops,
			       const void *l4, uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(14 + 40 +
						    len));
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)p;
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(eth + 1);

	eth->dst_addr = net.mac;
	eth->src_addr = peer_mac;
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV6);
	ip->vtc_flow = RTE_BE32(0x60000000);
	ip->payload_len = rte_cpu_to_be_16(len);
	ip->proto = nh;
	ip->hop_limits = hops;
	memcpy(ip->src_addr, peer, 16);
	memcpy(ip->dst_addr, dst, 16);
	memcpy(ip + 1, l4, len);
	return m;
}

static struct rte_ipv6_hdr *ip6_of(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, 14);
}

/* A sensor datagram (PROTOCOL.md 1: one f32 scalar) over UDP to @p dport. */
static struct rte_mbuf *sensor6(const uint8_t *dst, uint16_t dport,
				enum csum c)
{
	uint8_t b[8 + 40];
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)b;
	struct sp_record r = { .attr_id = 3, .vtype = SP_VT_F32, .dim = 1,
			       .nsamp = 1, .t0_ns = 1 };
	float v = 36.6f;
	struct rte_mbuf *m;

	sp_put16(b + 8, SP_SENSOR_MAGIC);
	b[10] = SP_PROTO_VERSION;
	b[11] = 0;
	sp_put32(b + 12, 1);
	sp_put64(b + 16, 4242);
	sp_record_write_hdr(b + 24, &r);
	sp_values_encode(SP_VT_F32, 1, &v, b + 44);
	udp->src_port = RTE_BE16(40000);
	udp->dst_port = rte_cpu_to_be_16(dport);
	udp->dgram_len = RTE_BE16(sizeof(b));
	udp->dgram_cksum = 0;
	m = frame6(dst, IPPROTO_UDP, 64, b, sizeof(b));
	udp = (struct rte_udp_hdr *)(ip6_of(m) + 1);
	if (c != CSUM_ZERO)
		udp->dgram_cksum = rte_ipv6_udptcp_cksum(ip6_of(m), udp);
	if (c == CSUM_BAD)
		udp->dgram_cksum ^= 0x0101;
	return m;
}

static enum dp_rx_class classify(struct rte_mbuf *m, struct dp_rx_info *info,
				 unsigned int *why)
{
	return dp_net_classify(&net, m, info, why);   /* IPv6 by ethertype */
}

/* One frame, its class and (for drops) reason; freed. */
static void expect(struct rte_mbuf *m, enum dp_rx_class want,
		   unsigned int reason)
{
	struct dp_rx_info info;
	unsigned int why = ~0u;

	CU_ASSERT_EQUAL(classify(m, &info, &why), want);
	if (want == DP_RX_DROP)
		CU_ASSERT_EQUAL(why, reason);
	rte_pktmbuf_free(m);
}

static void test_sensor(void)
{
	struct dp_rx_info info;
	unsigned int why = 0;
	struct rte_mbuf *m;
	uint64_t id;

	setup();
	m = sensor6(ours, 7400, CSUM_OK);
	CU_ASSERT_EQUAL(classify(m, &info, &why), DP_RX_SENSOR6);
	CU_ASSERT_EQUAL(info.len, 40);
	CU_ASSERT_EQUAL(sp_get64(info.payload + 8), 4242);
	CU_ASSERT_EQUAL(memcmp(info.src_ip6, peer, 16), 0);
	CU_ASSERT_EQUAL(info.src_port, RTE_BE16(40000));
	CU_ASSERT_EQUAL(memcmp(info.src_mac, peer_mac.addr_bytes, 6), 0);
	CU_ASSERT_NOT_EQUAL(info.src_ip, 0);
	/* the IPv4 peek leaves it to the apply stage */
	CU_ASSERT_EQUAL(dp_net_peek_sensor_id(&net, m, &id), 0);
	rte_pktmbuf_free(m);
	/* the second address (link-local) is ours too */
	expect(sensor6(net.ip6[1], 7400, CSUM_OK), DP_RX_SENSOR6, 0);
	/* another address, another port, the re-request port: not ours */
	expect(sensor6(peer, 7400, CSUM_OK), DP_RX_IGNORE, 0);
	expect(sensor6(ours, 7402, CSUM_OK), DP_RX_IGNORE, 0);
	expect(sensor6(ours, 7401, CSUM_OK), DP_RX_IGNORE, 0);
}

static void test_drops(void)
{
	static const uint8_t opts[48] = { IPPROTO_UDP, 0 };
	struct rte_mbuf *m;

	setup();
	expect(sensor6(ours, 7400, CSUM_ZERO), DP_RX_DROP,
	       DP_DROP_UDP6_CSUM_ZERO);
	expect(sensor6(ours, 7400, CSUM_BAD), DP_RX_DROP, DP_DROP_UDP6_CSUM);
	/* the NIC's verdict, when it gives one, is taken as it is */
	m = sensor6(ours, 7400, CSUM_BAD);
	m->ol_flags |= RTE_MBUF_F_RX_L4_CKSUM_GOOD;
	expect(m, DP_RX_SENSOR6, 0);
	m = sensor6(ours, 7400, CSUM_OK);
	m->ol_flags |= RTE_MBUF_F_RX_L4_CKSUM_BAD;
	expect(m, DP_RX_DROP, DP_DROP_UDP6_CSUM);
	/* a zero checksum is dropped whatever the NIC says */
	m = sensor6(ours, 7400, CSUM_ZERO);
	m->ol_flags |= RTE_MBUF_F_RX_L4_CKSUM_GOOD;
	expect(m, DP_RX_DROP, DP_DROP_UDP6_CSUM_ZERO);
	/* extension headers, each its reason */
	expect(frame6(ours, IPPROTO_FRAGMENT, 64, opts, 48), DP_RX_DROP,
	       DP_DROP_IP6_FRAG);
	expect(frame6(ours, IPPROTO_HOPOPTS, 64, opts, 48), DP_RX_DROP,
	       DP_DROP_IP6_HBH);
	expect(frame6(ours, IPPROTO_ROUTING, 64, opts, 48), DP_RX_DROP,
	       DP_DROP_IP6_EXT);
	expect(frame6(ours, IPPROTO_DSTOPTS, 64, opts, 48), DP_RX_DROP,
	       DP_DROP_IP6_EXT);
	expect(frame6(ours, IPPROTO_TCP, 64, opts, 48), DP_RX_IGNORE, 0);
	/* ... but only to our addresses */
	expect(frame6(peer, IPPROTO_FRAGMENT, 64, opts, 48), DP_RX_IGNORE, 0);
	/* version 4 in an IPv6 frame; a payload length past the frame */
	m = sensor6(ours, 7400, CSUM_OK);
	ip6_of(m)->vtc_flow = RTE_BE32(0x40000000);
	expect(m, DP_RX_DROP, DP_DROP_IP6_BAD);
	m = sensor6(ours, 7400, CSUM_OK);
	ip6_of(m)->payload_len = RTE_BE16(49);
	expect(m, DP_RX_DROP, DP_DROP_IP6_BAD);
	/* a runt: Ethernet and half an IPv6 header */
	m = sensor6(ours, 7400, CSUM_OK);
	rte_pktmbuf_trim(m, m->data_len - 34);
	expect(m, DP_RX_DROP, DP_DROP_IP6_BAD);
	/* UDP length other than the payload length; shorter than UDP */
	m = sensor6(ours, 7400, CSUM_OK);
	((struct rte_udp_hdr *)(ip6_of(m) + 1))->dgram_len = RTE_BE16(40);
	expect(m, DP_RX_DROP, DP_DROP_UDP_BAD);
	m = frame6(ours, IPPROTO_UDP, 64, opts, 4);
	expect(m, DP_RX_DROP, DP_DROP_UDP_BAD);
}

/* The ICMPv6 checksum of the frame's datagram is right. */
static int icmp6_sum_ok(struct rte_mbuf *m)
{
	struct rte_ipv6_hdr *ip = ip6_of(m);
	uint32_t s = rte_ipv6_phdr_cksum(ip, 0);

	s += rte_raw_cksum(ip + 1, rte_be_to_cpu_16(ip->payload_len));
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return s == 0xffff;
}

/* A neighbour solicitation from peer for @p target, to @p dst, with the
 * source link-layer option. */
static struct rte_mbuf *ns(const uint8_t *dst, const uint8_t *target,
			   uint8_t hops)
{
	uint8_t b[32] = { 135, 0 };
	struct rte_mbuf *m;
	uint8_t *icmp;

	memcpy(b + 8, target, 16);
	b[24] = 1;   /* source link-layer address */
	b[25] = 1;
	memcpy(b + 26, peer_mac.addr_bytes, 6);
	m = frame6(dst, IPPROTO_ICMPV6, hops, b, sizeof(b));
	icmp = (uint8_t *)(ip6_of(m) + 1);
	memcpy(icmp + 2, &(rte_be16_t){ rte_ipv6_udptcp_cksum(ip6_of(m),
							      icmp) }, 2);
	return m;
}

static void test_nd(void)
{
	static const uint8_t solicited[16] = { 0xff, 0x02, [11] = 0x01, 0xff,
					       0, 0, 0x01 };
	struct dp_rx_info info;
	unsigned int why;
	struct rte_mbuf *m;
	struct rte_ether_hdr *eth;
	struct rte_ipv6_hdr *ip;
	uint8_t *na;

	setup();
	m = ns(solicited, ours, 255);
	CU_ASSERT_EQUAL(classify(m, &info, &why), DP_RX_ICMP6);
	CU_ASSERT_EQUAL_FATAL(dp_net6_icmp_reply(&net, m), DP_ICMP6_NA);
	eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	ip = ip6_of(m);
	na = (uint8_t *)(ip + 1);
	CU_ASSERT(rte_is_same_ether_addr(&eth->dst_addr, &peer_mac));
	CU_ASSERT(rte_is_same_ether_addr(&eth->src_addr, &net.mac));
	CU_ASSERT_EQUAL(memcmp(ip->src_addr, ours, 16), 0);
	CU_ASSERT_EQUAL(memcmp(ip->dst_addr, peer, 16), 0);
	CU_ASSERT_EQUAL(ip->hop_limits, 255);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip->payload_len), 32);
	CU_ASSERT_EQUAL(m->data_len, 14 + 40 + 32);
	CU_ASSERT_EQUAL(na[0], 136);
	CU_ASSERT_EQUAL(na[1], 0);
	CU_ASSERT_EQUAL(na[4], 0x60);   /* solicited, override; not router */
	CU_ASSERT_EQUAL(memcmp(na + 8, ours, 16), 0);
	CU_ASSERT_EQUAL(na[24], 2);     /* target link-layer address */
	CU_ASSERT_EQUAL(na[25], 1);
	CU_ASSERT_EQUAL(memcmp(na + 26, net.mac.addr_bytes, 6), 0);
	CU_ASSERT(icmp6_sum_ok(m));
	rte_pktmbuf_free(m);
	/* to our unicast address (unreachability detection) as well */
	m = ns(ours, ours, 255);
	CU_ASSERT_EQUAL(dp_net6_icmp_reply(&net, m), DP_ICMP6_NA);
	rte_pktmbuf_free(m);
	/* not answered: another target, a hop limit other than 255 (it
	 * crossed a router), a wrong checksum, from :: (DAD) */
	m = ns(solicited, peer, 255);
	CU_ASSERT_EQUAL(dp_net6_icmp_reply(&net, m), DP_ICMP6_NONE);
	rte_pktmbuf_free(m);
	m = ns(solicited, ours, 64);
	CU_ASSERT_EQUAL(dp_net6_icmp_reply(&net, m), DP_ICMP6_NONE);
	rte_pktmbuf_free(m);
	m = ns(solicited, ours, 255);
	((uint8_t *)(ip6_of(m) + 1))[2] ^= 0x10;
	CU_ASSERT_EQUAL(dp_net6_icmp_reply(&net, m), DP_ICMP6_NONE);
	rte_pktmbuf_free(m);
	/* another node's solicited-node group is not ours */
	m = ns((const uint8_t[16]){ 0xff, 0x02, [11] = 0x01, 0xff, 0, 0, 2 },
	       peer, 255);
	CU_ASSERT_EQUAL(classify(m, &info, &why), DP_RX_IGNORE);
	rte_pktmbuf_free(m);
}

static void test_echo(void)
{
	uint8_t b[8 + 56] = { 128, 0, 0, 0, 0x12, 0x34, 0, 1 };
	struct dp_rx_info info;
	unsigned int why;
	struct rte_mbuf *m;
	uint8_t *icmp;

	setup();
	for (unsigned int i = 8; i < sizeof(b); i++)
		b[i] = (uint8_t)i;
	m = frame6(ours, IPPROTO_ICMPV6, 64, b, sizeof(b));
	icmp = (uint8_t *)(ip6_of(m) + 1);
	memcpy(icmp + 2, &(rte_be16_t){ rte_ipv6_udptcp_cksum(ip6_of(m),
							      icmp) }, 2);
	CU_ASSERT_EQUAL(classify(m, &info, &why), DP_RX_ICMP6);
	CU_ASSERT_EQUAL_FATAL(dp_net6_icmp_reply(&net, m), DP_ICMP6_ECHO);
	CU_ASSERT_EQUAL(icmp[0], 129);
	CU_ASSERT_EQUAL(memcmp(ip6_of(m)->src_addr, ours, 16), 0);
	CU_ASSERT_EQUAL(memcmp(ip6_of(m)->dst_addr, peer, 16), 0);
	CU_ASSERT_EQUAL(memcmp(icmp + 4, b + 4, sizeof(b) - 4), 0);
	CU_ASSERT(icmp6_sum_ok(m));
	rte_pktmbuf_free(m);
	/* an echo reply is not answered */
	b[0] = 129;
	m = frame6(ours, IPPROTO_ICMPV6, 64, b, sizeof(b));
	icmp = (uint8_t *)(ip6_of(m) + 1);
	memcpy(icmp + 2, &(rte_be16_t){ rte_ipv6_udptcp_cksum(ip6_of(m),
							      icmp) }, 2);
	CU_ASSERT_EQUAL(dp_net6_icmp_reply(&net, m), DP_ICMP6_NONE);
	rte_pktmbuf_free(m);
}

static void test_addresses(void)
{
	static const uint8_t ll[16] = { 0xfe, 0x80, [8] = 0x50, 0x54, 0x00,
					0xff, 0xfe, 0x12, 0x34, 0x56 };
	struct rte_ether_addr mc;

	setup();
	/* 52:54:00:12:34:56 -> fe80::5054:ff:fe12:3456 */
	CU_ASSERT_EQUAL(memcmp(net.ip6[1], ll, 16), 0);
	dp_net6_solicited_mac(ours, &mc);
	CU_ASSERT(rte_is_same_ether_addr(&mc, &(struct rte_ether_addr){
		{ 0x33, 0x33, 0xff, 0, 0, 0x01 } }));
	CU_ASSERT_NOT_EQUAL(dp_net6_fold(ours, 16), 0);
	CU_ASSERT_NOT_EQUAL(dp_net6_fold(ours, 16), dp_net6_fold(peer, 16));
	CU_ASSERT_EQUAL(dp_net6_fold(ours, 8), dp_net6_fold(peer, 8));
}

/* A datagram we write (a feed message, a hint) is one our own classifier
 * takes: the headers' fields and the UDP checksum over the payload. */
static void test_write_udp(void)
{
	static const uint8_t grp[16] = { 0xff, 0x15, [12] = 0x12, 0x34,
					 0x56, 0x78 };
	static const uint8_t pay[] = { 1, 2, 3, 4, 5 };
	struct rte_mbuf *in, *m;
	const struct rte_ipv6_hdr *ip;
	const struct rte_udp_hdr *udp;
	struct rte_ether_addr mc;
	struct dp_rx_info info;
	unsigned int why = ~0u;
	uint16_t plen;
	uint8_t *p;

	setup();
	in = sensor6(ours, 7400, CSUM_OK);
	dp_net6_mcast_mac(grp, &mc);
	CU_ASSERT(rte_is_same_ether_addr(&mc, &(struct rte_ether_addr){
		{ 0x33, 0x33, 0x12, 0x34, 0x56, 0x78 } }));

	/* the sensor datagram of sensor6(), rewritten by dp_net6_write_udp
	 * from peer to ours: the classifier verifies the checksum */
	plen = (uint16_t)(rte_pktmbuf_data_len(in) - DP_NET6_HDR_LEN);
	m = rte_pktmbuf_alloc(pool);
	p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(DP_NET6_HDR_LEN + plen));
	memcpy(p + DP_NET6_HDR_LEN, rte_pktmbuf_mtod_offset(in, uint8_t *,
	       DP_NET6_HDR_LEN), plen);
	rte_pktmbuf_free(in);
	dp_net6_write_udp(&net, p, &net.mac, peer, ours, RTE_BE16(7400),
			  RTE_BE16(40000), plen, 64);
	CU_ASSERT_EQUAL(classify(m, &info, &why), DP_RX_SENSOR6);
	CU_ASSERT_EQUAL(info.dst6_idx, 0);   /* to ip6[0] */
	ip = ip6_of(m);
	CU_ASSERT_EQUAL(rte_be_to_cpu_32(ip->vtc_flow) >> 28, 6);
	CU_ASSERT_EQUAL(ip->hop_limits, 64);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip->payload_len), plen + 8);
	udp = (const struct rte_udp_hdr *)(ip + 1);
	CU_ASSERT_NOT_EQUAL(udp->dgram_cksum, 0);
	/* to the port's second address: the sensor's hints come from it */
	dp_net6_write_udp(&net, p, &net.mac, peer, net.ip6[1], RTE_BE16(7400),
			  RTE_BE16(40000), plen, 64);
	CU_ASSERT_EQUAL(classify(m, &info, &why), DP_RX_SENSOR6);
	CU_ASSERT_EQUAL(info.dst6_idx, 1);
	/* one payload bit changed: the checksum no longer holds */
	p[DP_NET6_HDR_LEN + plen - 1] ^= 1;
	CU_ASSERT_EQUAL(classify(m, &info, &why), DP_RX_DROP);
	CU_ASSERT_EQUAL(why, DP_DROP_UDP6_CSUM);
	rte_pktmbuf_free(m);

	/* to a group: its MAC, our address as the source, the hop limit */
	m = rte_pktmbuf_alloc(pool);
	p = (uint8_t *)rte_pktmbuf_append(m, DP_NET6_HDR_LEN + sizeof(pay));
	memcpy(p + DP_NET6_HDR_LEN, pay, sizeof(pay));
	dp_net6_write_udp(&net, p, &mc, ours, grp, RTE_BE16(7600),
			  RTE_BE16(7400), sizeof(pay), 5);
	ip = ip6_of(m);
	udp = (const struct rte_udp_hdr *)(ip + 1);
	CU_ASSERT(rte_is_same_ether_addr(&((struct rte_ether_hdr *)p)->dst_addr,
					 &mc));
	CU_ASSERT_EQUAL(memcmp(ip->src_addr, ours, 16), 0);
	CU_ASSERT_EQUAL(memcmp(ip->dst_addr, grp, 16), 0);
	CU_ASSERT_EQUAL(ip->hop_limits, 5);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(udp->dgram_len), 8 + sizeof(pay));
	/* the checksum is the one computed over the pseudo-header and the
	 * datagram with its checksum field zero */
	{
		struct rte_udp_hdr *u = (struct rte_udp_hdr *)(uintptr_t)udp;
		rte_be16_t sent = u->dgram_cksum;

		u->dgram_cksum = 0;
		CU_ASSERT_EQUAL(rte_ipv6_udptcp_cksum(ip, u), sent);
		u->dgram_cksum = sent;
	}
	rte_pktmbuf_free(m);
}

const CU_TestInfo net6_tests[] = {
	{ "classify6: a sensor datagram to each address; not ours",
	  test_sensor },
	{ "classify6: checksum zero and wrong, NIC verdicts, extension "
	  "headers, lengths", test_drops },
	{ "neighbour solicitation answered with our advertisement",
	  test_nd },
	{ "ICMPv6 echo answered", test_echo },
	{ "link-local from the MAC, solicited-node MAC, fold",
	  test_addresses },
	{ "a datagram we write: headers, checksum, group MAC",
	  test_write_udp },
	CU_TEST_INFO_NULL,
};
