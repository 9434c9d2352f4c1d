/*
 * dp_port.h - bring an ethdev up with one RX and one TX queue per worker,
 * RSS over IPv4/UDP when the device offers it, and shut it down.
 */
#ifndef DP_PORT_H
#define DP_PORT_H

#include <stddef.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mempool.h>

struct dp_port_params {
	uint16_t port_id;
	uint16_t nqueues;        /* one RX and one TX queue per worker */
	uint16_t mtu;
	uint16_t rx_desc, tx_desc;    /* in: wanted; out: what the driver took */
	int promiscuous, allmulti;
	struct rte_mempool *pool;
	int lsc;                 /* out: link events enabled (the PMD has them) */
	uint32_t drained;        /* out: frames queued before start, dropped */
};

/**
 * Configure and start the port.
 * @param mac  filled with the port's MAC
 * @return 0, or -errno with @p err naming the device and the step.
 */
int dp_port_init(struct dp_port_params *p, struct rte_ether_addr *mac,
		 char *err, size_t errlen);

/**
 * Make the port take the solicited-node groups of its IPv6 addresses
 * (@p n of them), for neighbour solicitation: the NIC's multicast
 * filter, unless promiscuous or allmulti already take them; a device
 * without a filter falls back to allmulti.
 * @return 0, or -errno with @p err naming the device and the step.
 */
int dp_port_ip6_groups(const struct dp_port_params *p,
		       const uint8_t (*addr)[16], unsigned int n, char *err,
		       size_t errlen);

/** Stop and close the port, returning its RX descriptors' mbufs. */
void dp_port_close(uint16_t port_id);

#endif /* DP_PORT_H */
