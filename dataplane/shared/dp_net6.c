/*
 * dp_net6.c - IPv6 beside dp_net.c's IPv4: classify a frame whose
 * ethertype is IPv6, answer neighbour solicitation and ICMPv6 echo for
 * the port's addresses in place.
 *
 * Kept out of dp_net.c so that the IPv4 path stays as it was: the IPv4
 * classifier reaches here through the one ethertype test it already made.
 * What IPv6 needs beyond IPv4 (PROTOCOL notes, "IPv6"): the UDP checksum
 * is mandatory, so a zero one is dropped and every one is checked (the
 * NIC's verdict when it gives one); a sensor datagram is one unfragmented
 * datagram with no extension header, and anything else is dropped under
 * the header's own reason.
 */
#include "dp_net6.h"

#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_hash_crc.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "dp_stats.h"

#define IP6_HLEN 40
#define ICMP6_ECHO_REQUEST 128
#define ICMP6_ECHO_REPLY 129
#define ICMP6_NS 135
#define ICMP6_NA 136
#define ND_OPT_SLLA 1
#define ND_OPT_TLLA 2
#define NA_FLAG_S 0x40  /* solicited */
#define NA_FLAG_O 0x20  /* override */

/* The ICMPv6 header and the first 4 bytes of its body (RFC 4443 2.1). */
struct icmp6_hdr {
	uint8_t type;
	uint8_t code;
	rte_be16_t cksum;
	uint8_t body[4];   /* echo: id and seq; NS/NA: flags, reserved */
} __rte_packed;

/* Neighbour solicitation/advertisement: the header, then the target
 * (RFC 4861 4.3, 4.4); options follow. */
struct nd_msg {
	struct icmp6_hdr h;
	uint8_t target[16];
} __rte_packed;

uint32_t dp_net6_fold(const uint8_t *addr, unsigned int len)
{
	/* rte_hash_crc() loads 8 bytes at a time through a uint64_t pointer,
	 * and an address in a frame is 2-byte aligned at best (the 14 bytes
	 * of Ethernet before it): hash an aligned copy (UBSan, fuzz_sensor) */
	uint64_t a[2];
	uint32_t k;

	len = RTE_MIN(len, (unsigned int)sizeof(a));
	memcpy(a, addr, len);
	k = rte_hash_crc(a, len, 0x5350);
	return k ? k : 1;
}

void dp_net6_link_local(const struct rte_ether_addr *mac, uint8_t out[16])
{
	const uint8_t *b = mac->addr_bytes;

	memset(out, 0, 16);
	out[0] = 0xfe;
	out[1] = 0x80;
	out[8] = b[0] ^ 0x02;   /* the universal/local bit inverted */
	out[9] = b[1];
	out[10] = b[2];
	out[11] = 0xff;
	out[12] = 0xfe;
	out[13] = b[3];
	out[14] = b[4];
	out[15] = b[5];
}

void dp_net6_solicited_mac(const uint8_t addr[16], struct rte_ether_addr *mac)
{
	mac->addr_bytes[0] = 0x33;
	mac->addr_bytes[1] = 0x33;
	mac->addr_bytes[2] = 0xff;
	mac->addr_bytes[3] = addr[13];
	mac->addr_bytes[4] = addr[14];
	mac->addr_bytes[5] = addr[15];
}

void dp_net6_mcast_mac(const uint8_t group[16], struct rte_ether_addr *mac)
{
	mac->addr_bytes[0] = 0x33;
	mac->addr_bytes[1] = 0x33;
	memcpy(&mac->addr_bytes[2], group + 12, 4);
}

void dp_net6_write_udp(const struct dp_net *net, uint8_t *frame,
		       const struct rte_ether_addr *dst_mac,
		       const uint8_t src[16], const uint8_t dst[16],
		       rte_be16_t dst_port, rte_be16_t src_port,
		       uint16_t payload_len, uint8_t hops)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)frame;
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(eth + 1);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);
	uint16_t l4 = (uint16_t)(payload_len + 8);

	eth->dst_addr = *dst_mac;
	eth->src_addr = net->mac;
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV6);
	ip->vtc_flow = RTE_BE32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16(l4);
	ip->proto = IPPROTO_UDP;
	ip->hop_limits = hops;
	memcpy(ip->src_addr, src, 16);
	memcpy(ip->dst_addr, dst, 16);
	udp->src_port = src_port;
	udp->dst_port = dst_port;
	udp->dgram_len = rte_cpu_to_be_16(l4);
	udp->dgram_cksum = 0;
	udp->dgram_cksum = rte_ipv6_udptcp_cksum(ip, udp);
}

/* Which of our addresses @p a is, or -1. */
static int our_addr(const struct dp_net *net, const uint8_t *a)
{
	for (uint32_t i = 0; i < net->nip6; i++)
		if (memcmp(net->ip6[i], a, 16) == 0)
			return (int)i;
	return -1;
}

/* Whether @p a is the solicited-node group (ff02::1:ffXX:XXXX) of one of
 * our addresses. */
static int our_solicited(const struct dp_net *net, const uint8_t *a)
{
	static const uint8_t pfx[13] = { 0xff, 0x02, [11] = 0x01, 0xff };

	if (memcmp(a, pfx, sizeof(pfx)) != 0)
		return 0;
	for (uint32_t i = 0; i < net->nip6; i++)
		if (memcmp(net->ip6[i] + 13, a + 13, 3) == 0)
			return 1;
	return 0;
}

/* The upper-layer checksum of @p l4 (@p len bytes, the checksum field in
 * place) under @p ip's pseudo-header sums to ones' complement zero.
 * rte_ipv6_udptcp_cksum_verify() does the same, but is experimental in
 * 22.11 and takes the length from the IPv6 header. */
static int l4_sum_ok(const struct rte_ipv6_hdr *ip, const void *l4,
		     uint16_t len)
{
	uint32_t s = rte_ipv6_phdr_cksum(ip, 0);

	s += rte_raw_cksum(l4, len);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return s == 0xffff;
}

/* Extension headers (RFC 8200 4, and those IANA lists as such) each have
 * their drop; anything else that is not UDP or ICMPv6 is not ours. */
static enum dp_rx_class next_header(uint8_t nh, unsigned int *drop_reason)
{
	switch (nh) {
	case IPPROTO_HOPOPTS:
		*drop_reason = DP_DROP_IP6_HBH;
		return DP_RX_DROP;
	case IPPROTO_FRAGMENT:
		*drop_reason = DP_DROP_IP6_FRAG;
		return DP_RX_DROP;
	case IPPROTO_ROUTING: case IPPROTO_DSTOPTS: case IPPROTO_AH:
	case IPPROTO_ESP: case 135 /* mobility */: case 139 /* HIP */:
	case 140 /* shim6 */: case 253: case 254 /* experiments */:
		*drop_reason = DP_DROP_IP6_EXT;
		return DP_RX_DROP;
	default:
		return DP_RX_IGNORE;
	}
}

enum dp_rx_class dp_net_classify6(const struct dp_net *net,
				  struct rte_mbuf *m, struct dp_rx_info *info,
				  unsigned int *drop_reason)
{
	const struct rte_ether_hdr *eth =
		rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const struct rte_ipv6_hdr *ip = (const struct rte_ipv6_hdr *)(eth + 1);
	const struct rte_udp_hdr *udp;
	uint16_t plen, ulen;
	int to;

	if (m->data_len < RTE_ETHER_HDR_LEN + IP6_HLEN)
		goto bad_ip;
	plen = rte_be_to_cpu_16(ip->payload_len);
	/* a jumbogram (payload length 0) needs a hop-by-hop header: one
	 * that has none is malformed */
	if ((((const uint8_t *)ip)[0] >> 4) != 6 ||
	    plen > m->data_len - RTE_ETHER_HDR_LEN - IP6_HLEN)
		goto bad_ip;
	if ((to = our_addr(net, ip->dst_addr)) < 0) {
		/* the one multicast we take: solicitations of our
		 * addresses, ICMPv6 with no extension header */
		if (ip->proto == IPPROTO_ICMPV6 &&
		    our_solicited(net, ip->dst_addr))
			return DP_RX_ICMP6;
		return DP_RX_IGNORE;
	}
	if (ip->proto == IPPROTO_ICMPV6)
		return DP_RX_ICMP6;
	if (ip->proto != IPPROTO_UDP)
		return next_header(ip->proto, drop_reason);
	if (plen < sizeof(*udp))
		goto bad_udp;
	udp = (const struct rte_udp_hdr *)(ip + 1);
	if (udp->dst_port != net->sensor_port)
		return DP_RX_IGNORE;   /* re-requests: not over IPv6 yet */
	/* with no extension header the UDP length is the payload length
	 * (the checksum's pseudo-header holds it: RFC 8200 8.1) */
	ulen = rte_be_to_cpu_16(udp->dgram_len);
	if (ulen != plen)
		goto bad_udp;
	if (udp->dgram_cksum == 0) {
		*drop_reason = DP_DROP_UDP6_CSUM_ZERO;
		return DP_RX_DROP;
	}
	switch (m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) {
	case RTE_MBUF_F_RX_L4_CKSUM_GOOD:
		break;
	case RTE_MBUF_F_RX_L4_CKSUM_BAD:
		goto bad_csum;
	default:
		if (!l4_sum_ok(ip, udp, ulen))
			goto bad_csum;
	}
	info->payload = (const uint8_t *)(udp + 1);
	info->len = (uint16_t)(ulen - sizeof(*udp));
	info->src_ip = rte_cpu_to_be_32(dp_net6_fold(ip->src_addr, 16));
	info->src_ip6 = ip->src_addr;
	info->dst6_idx = (uint8_t)to;
	info->src_port = udp->src_port;
	info->src_mac = eth->src_addr.addr_bytes;
	return DP_RX_SENSOR6;
bad_ip:
	*drop_reason = DP_DROP_IP6_BAD;
	return DP_RX_DROP;
bad_udp:
	*drop_reason = DP_DROP_UDP_BAD;
	return DP_RX_DROP;
bad_csum:
	*drop_reason = DP_DROP_UDP6_CSUM;
	return DP_RX_DROP;
}

/* Neighbour solicitation -> advertisement (RFC 4861 7.1.1, 7.2.4): the
 * checks a node must make, then our answer over the same frame: solicited
 * and override flags, the target's link-layer address option. A
 * solicitation from :: (duplicate address detection) is not answered:
 * the answer would go to all nodes, and the port does not defend its
 * addresses. */
static enum dp_icmp6_reply nd_reply(const struct dp_net *net,
				    struct rte_mbuf *m,
				    struct rte_ether_hdr *eth,
				    struct rte_ipv6_hdr *ip, uint16_t plen)
{
	static const uint8_t any[16];
	struct nd_msg *nd = (struct nd_msg *)(ip + 1);
	uint8_t *opt = (uint8_t *)(nd + 1);
	const uint16_t len = sizeof(*nd) + 8;

	if (plen < sizeof(*nd) || ip->hop_limits != 255 || nd->h.code != 0 ||
	    our_addr(net, nd->target) < 0 ||
	    memcmp(ip->src_addr, any, 16) == 0 ||
	    rte_pktmbuf_tailroom(m) + m->data_len <
	    RTE_ETHER_HDR_LEN + IP6_HLEN + len)
		return DP_ICMP6_NONE;
	memcpy(ip->dst_addr, ip->src_addr, 16);
	memcpy(ip->src_addr, nd->target, 16);
	ip->payload_len = rte_cpu_to_be_16(len);
	ip->hop_limits = 255;
	nd->h.type = ICMP6_NA;
	nd->h.cksum = 0;
	memset(nd->h.body, 0, sizeof(nd->h.body));
	nd->h.body[0] = NA_FLAG_S | NA_FLAG_O;
	opt[0] = ND_OPT_TLLA;
	opt[1] = 1;   /* in units of 8 bytes */
	memcpy(opt + 2, net->mac.addr_bytes, 6);
	nd->h.cksum = rte_ipv6_udptcp_cksum(ip, nd);
	eth->dst_addr = eth->src_addr;
	eth->src_addr = net->mac;
	m->data_len = m->pkt_len = RTE_ETHER_HDR_LEN + IP6_HLEN + len;
	return DP_ICMP6_NA;
}

enum dp_icmp6_reply dp_net6_icmp_reply(const struct dp_net *net,
				       struct rte_mbuf *m)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(eth + 1);
	struct icmp6_hdr *icmp = (struct icmp6_hdr *)(ip + 1);
	uint16_t plen = rte_be_to_cpu_16(ip->payload_len);
	uint8_t dst[16];

	/* dp_net_classify6() checked the lengths against the frame */
	if (plen < sizeof(*icmp) || !l4_sum_ok(ip, icmp, plen))
		return DP_ICMP6_NONE;
	if (icmp->type == ICMP6_NS)
		return nd_reply(net, m, eth, ip, plen);
	/* echo to a unicast address of ours only (not to a group) */
	if (icmp->type != ICMP6_ECHO_REQUEST || icmp->code != 0 ||
	    our_addr(net, ip->dst_addr) < 0)
		return DP_ICMP6_NONE;
	memcpy(dst, ip->dst_addr, 16);
	memcpy(ip->dst_addr, ip->src_addr, 16);
	memcpy(ip->src_addr, dst, 16);
	ip->hop_limits = 64;
	icmp->type = ICMP6_ECHO_REPLY;
	icmp->cksum = 0;
	icmp->cksum = rte_ipv6_udptcp_cksum(ip, icmp);
	eth->dst_addr = eth->src_addr;
	eth->src_addr = net->mac;
	/* what follows the datagram in the frame (Ethernet padding) is not
	 * sent back */
	m->data_len = m->pkt_len = RTE_ETHER_HDR_LEN + IP6_HLEN + plen;
	return DP_ICMP6_ECHO;
}
