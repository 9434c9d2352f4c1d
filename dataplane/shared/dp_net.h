/*
 * dp_net.h - the port's small IP stack: classify a received frame (sensor
 * datagram, ARP, ICMP echo, or not ours), answer ARP and ICMP echo for the
 * port's address in place, and write Ethernet/IPv4/UDP headers of outgoing
 * feed packets.
 */
#ifndef DP_NET_H
#define DP_NET_H

#include <stdint.h>

#include <netinet/in.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

#include "dp_rx.h"

/**
 * Classify @p m. For DP_RX_SENSOR, @p info is filled; for DP_RX_DROP,
 * @p drop_reason is.
 */
enum dp_rx_class dp_net_classify(const struct dp_net *net, struct rte_mbuf *m,
				 struct dp_rx_info *info,
				 unsigned int *drop_reason);

/**
 * Turn an ARP request for our address into the reply, in place.
 * @return 0 if @p m is now a reply to send, -1 if it is not for us.
 */
int dp_net_arp_reply(const struct dp_net *net, struct rte_mbuf *m);

/**
 * Turn an ICMP echo request to our address into the reply, in place.
 * @return 0 if @p m is now a reply to send, -1 otherwise.
 */
int dp_net_icmp_reply(const struct dp_net *net, struct rte_mbuf *m);

/** Ethernet + IPv4 + UDP header bytes. */
#define DP_NET_HDR_LEN (RTE_ETHER_HDR_LEN + 20 + 8)

/**
 * A quick look, before classification, for the sensor id of a plain sensor
 * packet (IPv4 without options, UDP to the sensor port): the fields of
 * PROTOCOL.md 1 at their fixed offsets, no other check. The worker uses it
 * to look up a burst's sensors together; anything it does not recognise
 * is left to dp_net_classify(), which checks everything.
 * @return 1 with *@p id set, or 0.
 */
static inline int dp_net_peek_sensor_id(const struct dp_net *net,
					const struct rte_mbuf *m, uint64_t *id)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	const struct rte_ether_hdr *eth = (const struct rte_ether_hdr *)p;
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(eth + 1);
	const struct rte_udp_hdr *udp = (const struct rte_udp_hdr *)(ip + 1);
	/* the sensor header's id (sp_wire.h: SP_HDR_LEN 16, id at 8) */
	const uint8_t *sid = (const uint8_t *)(udp + 1) + 8;

	if (rte_pktmbuf_data_len(m) < (sid + 8) - p ||
	    eth->ether_type != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
	    ip->version_ihl != RTE_IPV4_VHL_DEF ||
	    ip->next_proto_id != IPPROTO_UDP ||
	    udp->dst_port != net->sensor_port)
		return 0;
	*id = rte_be_to_cpu_64(*(const unaligned_uint64_t *)sid);
	return 1;
}

/** The Ethernet address of IPv4 multicast group @p group (host order). */
void dp_net_mcast_mac(uint32_t group, struct rte_ether_addr *mac);

/**
 * Write the Ethernet, IPv4 and UDP headers of a datagram of @p payload_len
 * bytes at @p frame (DP_NET_HDR_LEN bytes).
 */
void dp_net_write_udp(const struct dp_net *net, uint8_t *frame,
		      const struct rte_ether_addr *dst_mac, rte_be32_t dst_ip,
		      rte_be16_t dst_port, rte_be16_t src_port,
		      uint16_t payload_len, uint8_t ttl);

#endif /* DP_NET_H */
