/*
 * dp_net6.h - the port's IPv6 beside dp_net.h's IPv4: classify an IPv6
 * frame, answer neighbour solicitation and ICMPv6 echo for the port's
 * addresses in place, and the address helpers the port's set-up needs.
 */
#ifndef DP_NET6_H
#define DP_NET6_H

#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "dp_rx.h"

/**
 * dp_net_classify() of an IPv6 frame (dp_net6.c): sensor datagrams to one
 * of our addresses, ICMPv6 to them or to their solicited-node groups; an
 * extension header, a fragment, a zero or wrong UDP checksum are drops.
 * Re-requests over IPv6 are not served yet: DP_RX_IGNORE.
 */
enum dp_rx_class dp_net_classify6(const struct dp_net *net,
				  struct rte_mbuf *m, struct dp_rx_info *info,
				  unsigned int *drop_reason);

/** What dp_net6_icmp_reply() made of a frame. */
enum dp_icmp6_reply {
	DP_ICMP6_NONE,   /* nothing to answer */
	DP_ICMP6_NA,     /* a neighbour advertisement */
	DP_ICMP6_ECHO,   /* an echo reply */
};

/**
 * Turn a neighbour solicitation for one of our addresses into our
 * advertisement, or an echo request to one into the reply, in place.
 */
enum dp_icmp6_reply dp_net6_icmp_reply(const struct dp_net *net,
				       struct rte_mbuf *m);

/** fe80::/64 with the EUI-64 interface id of @p mac (RFC 4291 2.5.1). */
void dp_net6_link_local(const struct rte_ether_addr *mac, uint8_t out[16]);

/** The Ethernet address of the solicited-node group of @p addr
 * (33:33:ff + its low 24 bits; RFC 4291 2.7.1, RFC 2464 7). */
void dp_net6_solicited_mac(const uint8_t addr[16], struct rte_ether_addr *mac);

/** The Ethernet address of IPv6 group @p group: 33:33 and its low 32
 * bits (RFC 2464 7). */
void dp_net6_mcast_mac(const uint8_t group[16], struct rte_ether_addr *mac);

/* Ethernet, IPv6 and UDP headers of a datagram we send: 14 + 40 + 8. */
#define DP_NET6_HDR_LEN (RTE_ETHER_HDR_LEN + 40 + 8)

/**
 * The Ethernet, IPv6 and UDP headers of a datagram from our MAC and
 * address @p src to @p dst_mac, @p dst, written in the DP_NET6_HDR_LEN
 * bytes at @p frame, after its @p payload_len bytes of payload are in place
 * behind them: the UDP checksum, which IPv6 requires (RFC 8200 8.1), sums
 * the payload (a sum of 0 goes out as 0xffff). Ports in network order.
 */
void dp_net6_write_udp(const struct dp_net *net, uint8_t *frame,
		       const struct rte_ether_addr *dst_mac,
		       const uint8_t src[16], const uint8_t dst[16],
		       rte_be16_t dst_port, rte_be16_t src_port,
		       uint16_t payload_len, uint8_t hops);

/**
 * @p len bytes (at most 16) of an IPv6 address folded into a non-zero
 * 32-bit key, for what keys sources by a uint32_t: the source rate limit
 * (by /64, len 8) and bind_source (the whole address). @p addr needs no
 * alignment.
 */
uint32_t dp_net6_fold(const uint8_t *addr, unsigned int len);

#endif /* DP_NET6_H */
