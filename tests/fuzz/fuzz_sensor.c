/*
 * fuzz_sensor.c - libFuzzer target for the sensor path. The first byte
 * chooses what the rest is:
 *   0  a sensor packet, the UDP payload alone (PROTOCOL.md 1);
 *   1  an Ethernet frame to the port, through dp_net_classify(): IPv4,
 *      ARP, and IPv6 by its ethertype (dp_net6.c), with no checksum
 *      verdict from the NIC, so the classifier sums what it must;
 *   2  the same with the NIC's verdict "checksums good": a mutated payload
 *      reaches the parser without the fuzzer having to mend the IPv6 UDP
 *      checksum, which over IPv6 is always checked;
 *   3  the same with the verdict "checksums bad".
 * A sensor packet must be either dropped with one named reason or
 * accepted with records that lie inside the input; accepted packets must
 * survive re-iteration and feeding into a feed packet, which must decode
 * again. A frame must get one class (a drop with one named reason); what
 * it says is the datagram must lie inside the frame, and ARP, ICMP and
 * ICMPv6 are answered in place: a neighbour advertisement or an echo
 * reply stays inside the frame's buffer with a checksum that verifies.
 * The frame sits in an mbuf over a heap block of exactly its size (no
 * EAL, no pool), so that ASan sees a read past its end.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ip.h>
#include <rte_mbuf.h>

#include "dp_net.h"
#include "dp_net6.h"
#include "dp_stats.h"
#include "sp_feed.h"
#include "sp_wire.h"

static const uint8_t KEY[16] = "fuzz-key-0123456";
static const uint8_t KEY2[16] = "fuzz-key-rotated";

/* Odd sensor ids are keyed, those of 3 mod 4 with two keys (a rotation):
 * exercises MAC missing/bad/good. */
static unsigned int key_of(void *ctx, uint64_t id,
			   const uint8_t *keys[SP_MAX_SENSOR_KEYS])
{
	(void)ctx;
	if (!(id & 1))
		return 0;
	keys[0] = KEY;
	keys[1] = KEY2;
	return (id & 2) ? 2 : 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One sensor packet of @p size bytes at @p data. */
static void sensor(const uint8_t *data, size_t size, unsigned int policy)
{
	static uint8_t feed[70000];
	struct sp_sensor_pkt pkt;
	struct sp_record r;
	struct sp_feed_hdr h = { .feed_id = 1, .session = 1, .seq = 1 };
	enum sp_drop why = sp_sensor_parse(data, size, key_of, NULL, policy,
					   &pkt);
	uint32_t off = 0, nrec = 0;
	size_t foff = SP_FHDR_LEN;

	if (why >= SP_DROP__COUNT)
		abort();
	if (why != SP_OK)
		return;
	while (sp_sensor_next(&pkt, &off, &r)) {
		size_t vlen = sp_record_values_len(&r);

		if (r.values < data || r.values + vlen > data + size)
			abort();
		if (foff + SP_MSG_OVERHEAD + SP_REC_HDR_LEN + vlen <=
		    sizeof(feed) && nrec < 65535) {
			foff += sp_feed_msg_write(feed + foff, 0, pkt.sensor_id,
						  r.nsamp, &r, r.values, vlen);
			h.count++;
		}
		nrec++;
	}
	if (nrec != pkt.nrec || off != pkt.body_len)
		abort();
	sp_feed_hdr_write(feed, &h);
	if (sp_feed_decode(feed, foff, &h) != SP_FEED_E_OK)
		abort();
}

/* The port the frames are sent to: the addresses tests/fuzz/seeds.py
 * writes its frames to (those of tests/lib/hostile_pcap.py). */
static void port_init(struct dp_net *net)
{
	static const uint8_t ip6[16] = { 0xfd, 0, 0, 0x99, [15] = 1 };

	memset(net, 0, sizeof(*net));
	net->mac = (struct rte_ether_addr){ { 2, 0, 0, 0, 0, 1 } };
	net->ip = RTE_BE32(RTE_IPV4(10, 99, 0, 1));
	net->sensor_port = RTE_BE16(7400);
	net->rereq_port = RTE_BE16(7401);
	memcpy(net->ip6[0], ip6, 16);
	dp_net6_link_local(&net->mac, net->ip6[1]);
	net->nip6 = 2;
}

/* Whether [@p p, @p p + @p n) lies inside the frame. */
static int inside(const struct rte_mbuf *m, const void *p, size_t n)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);

	return (const uint8_t *)p >= f &&
	       (const uint8_t *)p + n <= f + rte_pktmbuf_data_len(m);
}

/* An ICMPv6 answer made in place: inside the buffer, from the port's
 * MAC, its type the answer's, its checksum one that verifies: the sum
 * with the field is ones' complement zero, so rte_ipv6_udptcp_cksum()
 * gives 0 (it writes 0 as 0xffff for UDP only). */
static void check_icmp6(const struct dp_net *net, const struct rte_mbuf *m,
			enum dp_icmp6_reply r)
{
	const struct rte_ether_hdr *eth =
		rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const struct rte_ipv6_hdr *ip = (const struct rte_ipv6_hdr *)(eth + 1);
	const uint8_t *icmp = (const uint8_t *)(ip + 1);

	if (r == DP_ICMP6_NONE)
		return;
	if (m->data_len > m->buf_len - m->data_off ||
	    (size_t)m->data_len != RTE_ETHER_HDR_LEN + sizeof(*ip) +
	    rte_be_to_cpu_16(ip->payload_len) ||
	    !rte_is_same_ether_addr(&eth->src_addr, &net->mac) ||
	    icmp[0] != (r == DP_ICMP6_NA ? 136 : 129) ||
	    rte_ipv6_udptcp_cksum(ip, icmp) != 0)
		abort();
}

/* One Ethernet frame of @p size bytes at @p data, @p ol_flags the NIC's
 * checksum verdict. */
static void frame(const uint8_t *data, size_t size, uint64_t ol_flags,
		  unsigned int policy)
{
	static struct dp_net net;
	struct rte_mbuf m;
	struct dp_rx_info info;
	unsigned int reason = DP_DROP__COUNT;
	enum dp_rx_class c;
	uint8_t *buf;

	if (size > UINT16_MAX)
		return;
	if (net.nip6 == 0)
		port_init(&net);
	buf = malloc(size ? size : 1);
	if (buf == NULL)
		abort();
	memcpy(buf, data, size);
	memset(&m, 0, sizeof(m));
	m.buf_addr = buf;
	m.buf_len = (uint16_t)size;
	m.data_off = 0;
	m.data_len = (uint16_t)size;
	m.pkt_len = (uint32_t)size;
	m.nb_segs = 1;
	m.ol_flags = ol_flags;
	memset(&info, 0, sizeof(info));

	c = dp_net_classify(&net, &m, &info, &reason);
	switch (c) {
	case DP_RX_SENSOR6:
		if (!inside(&m, info.src_ip6, 16) || info.src_ip == 0)
			abort();
		/* fall through */
	case DP_RX_SENSOR:
	case DP_RX_REREQ:
		if (!inside(&m, info.payload, info.len) ||
		    !inside(&m, info.src_mac, 6))
			abort();
		if (c != DP_RX_REREQ)
			sensor(info.payload, info.len, policy);
		break;
	case DP_RX_ARP:
		dp_net_arp_reply(&net, &m);
		break;
	case DP_RX_ICMP:
		dp_net_icmp_reply(&net, &m);
		break;
	case DP_RX_ICMP6:
		check_icmp6(&net, &m, dp_net6_icmp_reply(&net, &m));
		break;
	case DP_RX_DROP:
		if (reason >= DP_DROP__COUNT)
			abort();
		break;
	case DP_RX_IGNORE:
		break;
	default:
		abort();
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* inputs whose last byte is odd also require a MAC */
	unsigned int policy = size && (data[size - 1] & 1) ?
			      SP_PARSE_REQUIRE_MAC : 0;

	if (size < 1)
		return 0;
	switch (data[0]) {
	case 0:
		sensor(data + 1, size - 1, policy);
		break;
	case 1:
		frame(data + 1, size - 1, 0, policy);
		break;
	case 2:
		frame(data + 1, size - 1, RTE_MBUF_F_RX_IP_CKSUM_GOOD |
		      RTE_MBUF_F_RX_L4_CKSUM_GOOD, policy);
		break;
	case 3:
		frame(data + 1, size - 1, RTE_MBUF_F_RX_IP_CKSUM_BAD |
		      RTE_MBUF_F_RX_L4_CKSUM_BAD, policy);
		break;
	}
	return 0;
}
