/*
 * dp_net.c - frame classification, ARP and ICMP echo replies, UDP headers.
 *
 * Frames are single-segment here: the pool's data room holds the MTU, and
 * a chained frame is linearised once before it is looked at.
 */
#include "dp_net.h"

#include <string.h>

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "dp_net6.h"
#include "dp_stats.h"

/* Whether an IPv4 header of @p ihl bytes sums to ones' complement zero.
 * The common 20-byte header: five 32-bit words added in 64 bits and
 * folded (the ones' complement sum does not depend on the word size);
 * rte_ipv4_cksum's byte loop for the rest. */
static inline int ip_sum_ok(const struct rte_ipv4_hdr *ip, uint16_t ihl)
{
	uint32_t w[5];
	uint64_t s;

	if (ihl != sizeof(*ip))
		return rte_ipv4_cksum(ip) == 0;
	memcpy(w, ip, sizeof(w));
	s = (uint64_t)w[0] + w[1] + w[2] + w[3] + w[4];
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffffu) + (s >> 16);
	s = (s & 0xffffu) + (s >> 16);
	s = (s & 0xffffu) + (s >> 16);
	return s == 0xffffu;
}

enum dp_rx_class dp_net_classify(const struct dp_net *net, struct rte_mbuf *m,
				 struct dp_rx_info *info,
				 unsigned int *drop_reason)
{
	const struct rte_ether_hdr *eth;
	const struct rte_ipv4_hdr *ip;
	const struct rte_udp_hdr *udp;
	uint16_t ihl, tot, ulen;

	if (m->nb_segs > 1 && rte_pktmbuf_linearize(m) != 0) {
		*drop_reason = DP_DROP_IP_BAD;
		return DP_RX_DROP;
	}
	if (m->data_len < RTE_ETHER_HDR_LEN)
		return DP_RX_IGNORE;
	eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	if (eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_ARP))
		return DP_RX_ARP;
	if (eth->ether_type != RTE_BE16(RTE_ETHER_TYPE_IPV4)) {
		/* IPv6 off to the side (dp_net6.c): an IPv4 frame pays
		 * nothing for it, this branch was here before */
		if (eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_IPV6))
			return dp_net_classify6(net, m, info, drop_reason);
		return DP_RX_IGNORE;
	}
	ip = (const struct rte_ipv4_hdr *)(eth + 1);
	if (m->data_len < RTE_ETHER_HDR_LEN + sizeof(*ip))
		goto bad_ip;
	ihl = (uint16_t)((ip->version_ihl & 0x0f) * 4);
	tot = rte_be_to_cpu_16(ip->total_length);
	if ((ip->version_ihl >> 4) != 4 || ihl < sizeof(*ip) || tot < ihl ||
	    tot > m->data_len - RTE_ETHER_HDR_LEN)
		goto bad_ip;
	if (ip->dst_addr != net->ip)
		return DP_RX_IGNORE;
	/* RFC 1122 3.2.1.2: a wrong header checksum is discarded. The port's
	 * verdict when it checked; otherwise the sum of the header here
	 * (about 10 cycles: it is in the line the checks above read). */
	switch (m->ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) {
	case RTE_MBUF_F_RX_IP_CKSUM_GOOD:
		break;
	case RTE_MBUF_F_RX_IP_CKSUM_BAD:
		goto bad_csum;
	default:
		if (!ip_sum_ok(ip, ihl))  /* the sum with the field: ~0 */
			goto bad_csum;
	}
	if (ip->fragment_offset &
	    RTE_BE16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)) {
		*drop_reason = DP_DROP_IP_FRAG;
		return DP_RX_DROP;
	}
	if (ip->next_proto_id == IPPROTO_ICMP)
		return DP_RX_ICMP;
	if (ip->next_proto_id != IPPROTO_UDP)
		return DP_RX_IGNORE;
	if (tot < ihl + sizeof(*udp))
		goto bad_udp;
	udp = (const struct rte_udp_hdr *)((const uint8_t *)ip + ihl);
	if (udp->dst_port != net->sensor_port &&
	    udp->dst_port != net->rereq_port)
		return DP_RX_IGNORE;
	ulen = rte_be_to_cpu_16(udp->dgram_len);
	if (ulen < sizeof(*udp) || ulen > tot - ihl)
		goto bad_udp;
	info->payload = (const uint8_t *)(udp + 1);
	info->len = (uint16_t)(ulen - sizeof(*udp));
	info->src_ip = ip->src_addr;
	info->src_port = udp->src_port;
	info->src_mac = eth->src_addr.addr_bytes;
	return udp->dst_port == net->sensor_port ? DP_RX_SENSOR : DP_RX_REREQ;
bad_ip:
	*drop_reason = DP_DROP_IP_BAD;
	return DP_RX_DROP;
bad_udp:
	*drop_reason = DP_DROP_UDP_BAD;
	return DP_RX_DROP;
bad_csum:
	*drop_reason = DP_DROP_IP_CSUM;
	return DP_RX_DROP;
}

int dp_net_arp_reply(const struct dp_net *net, struct rte_mbuf *m)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_arp_hdr *arp = (struct rte_arp_hdr *)(eth + 1);

	if (m->data_len < RTE_ETHER_HDR_LEN + sizeof(*arp))
		return -1;
	if (arp->arp_hardware != RTE_BE16(RTE_ARP_HRD_ETHER) ||
	    arp->arp_protocol != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
	    arp->arp_opcode != RTE_BE16(RTE_ARP_OP_REQUEST) ||
	    arp->arp_data.arp_tip != net->ip)
		return -1;
	arp->arp_opcode = RTE_BE16(RTE_ARP_OP_REPLY);
	arp->arp_data.arp_tha = arp->arp_data.arp_sha;
	arp->arp_data.arp_tip = arp->arp_data.arp_sip;
	arp->arp_data.arp_sha = net->mac;
	arp->arp_data.arp_sip = net->ip;
	eth->dst_addr = arp->arp_data.arp_tha;
	eth->src_addr = net->mac;
	return 0;
}

int dp_net_icmp_reply(const struct dp_net *net, struct rte_mbuf *m)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	uint16_t ihl = (uint16_t)((ip->version_ihl & 0x0f) * 4);
	uint16_t tot = rte_be_to_cpu_16(ip->total_length);
	struct rte_icmp_hdr *icmp;
	uint32_t sum;

	if (tot < ihl + sizeof(*icmp))
		return -1;
	icmp = (struct rte_icmp_hdr *)((uint8_t *)ip + ihl);
	if (icmp->icmp_type != RTE_IP_ICMP_ECHO_REQUEST || icmp->icmp_code != 0)
		return -1;
	/* Echo reply: swap addresses, type 0, and patch the checksum
	 * incrementally (RFC 1624) for the type change. */
	icmp->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	sum = (uint32_t)(~rte_be_to_cpu_16(icmp->icmp_cksum) & 0xffff);
	sum += (uint32_t)(~(RTE_IP_ICMP_ECHO_REQUEST << 8) & 0xffff);
	sum += RTE_IP_ICMP_ECHO_REPLY << 8;
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	icmp->icmp_cksum = rte_cpu_to_be_16((uint16_t)~sum);
	ip->dst_addr = ip->src_addr;
	ip->src_addr = net->ip;
	ip->time_to_live = 64;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	eth->dst_addr = eth->src_addr;
	eth->src_addr = net->mac;
	return 0;
}

void dp_net_mcast_mac(uint32_t group, struct rte_ether_addr *mac)
{
	mac->addr_bytes[0] = 0x01;
	mac->addr_bytes[1] = 0x00;
	mac->addr_bytes[2] = 0x5e;
	mac->addr_bytes[3] = (uint8_t)((group >> 16) & 0x7f);
	mac->addr_bytes[4] = (uint8_t)(group >> 8);
	mac->addr_bytes[5] = (uint8_t)group;
}

void dp_net_write_udp(const struct dp_net *net, uint8_t *frame,
		      const struct rte_ether_addr *dst_mac, rte_be32_t dst_ip,
		      rte_be16_t dst_port, rte_be16_t src_port,
		      uint16_t payload_len, uint8_t ttl)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)frame;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);

	eth->dst_addr = *dst_mac;
	eth->src_addr = net->mac;
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->type_of_service = 0;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(payload_len + 28));
	ip->packet_id = 0;
	ip->fragment_offset = RTE_BE16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = ttl;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = net->ip;
	ip->dst_addr = dst_ip;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	udp->src_port = src_port;
	udp->dst_port = dst_port;
	udp->dgram_len = rte_cpu_to_be_16((uint16_t)(payload_len + 8));
	udp->dgram_cksum = 0;  /* optional over IPv4 */
}
