/*
 * dp_rx.h - what the port's two small stacks share: the port's addresses
 * (struct dp_net), what a received frame is (enum dp_rx_class) and where
 * its datagram is (struct dp_rx_info). dp_net.h classifies IPv4 and hands
 * IPv6 to dp_net6.h; both include this, not each other.
 */
#ifndef DP_RX_H
#define DP_RX_H

#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_ether.h>

#define DP_NET_IP6_MAX 8

struct dp_net {
	struct rte_ether_addr mac;  /* the port's MAC */
	rte_be32_t ip;              /* the port's address */
	rte_be16_t sensor_port;     /* UDP port sensors send to */
	rte_be16_t rereq_port;      /* UDP port of the re-request server */
	uint32_t nip6;              /* the port's IPv6 addresses (dp_net6.h) */
	uint8_t ip6[DP_NET_IP6_MAX][16];
};

enum dp_rx_class {
	DP_RX_SENSOR,   /* UDP to the sensor port; payload filled */
	DP_RX_REREQ,    /* UDP to the re-request port; payload filled */
	DP_RX_ARP,
	DP_RX_ICMP,
	DP_RX_IGNORE,   /* not ours */
	DP_RX_DROP,     /* malformed; *drop_reason filled (enum dp_drop) */
	DP_RX_SENSOR6,  /* as DP_RX_SENSOR, over IPv6; src_ip6 filled */
	DP_RX_ICMP6,    /* ICMPv6 to one of our addresses or their
			 * solicited-node groups: dp_net6_icmp_reply() */
};

/** Where a datagram's payload is and who sent it. */
struct dp_rx_info {
	const uint8_t *payload;
	uint16_t len;
	rte_be32_t src_ip;        /* IPv6: dp_net6_fold() of the source */
	const uint8_t *src_ip6;   /* IPv6 (DP_RX_SENSOR6) only: the source */
	uint8_t dst6_idx;         /* IPv6 only: which of the port's addresses
				   * (dp_net ip6[]) it was sent to */
	rte_be16_t src_port;
	const uint8_t *src_mac;   /* the last hop, for replies */
};

#endif /* DP_RX_H */
