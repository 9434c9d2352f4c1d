/*
 * dp_port.c - port set-up (see dp_port.h).
 */
#include "dp_port.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "dp_net6.h"

/* more than an af_packet ring holds (framecnt, 512 by default) */
#define DP_PORT_DRAIN_MAX 65536u

int dp_port_init(struct dp_port_params *p, struct rte_ether_addr *mac,
		 char *err, size_t errlen)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	uint16_t nrx = p->rx_desc, ntx = p->tx_desc;
	char name[RTE_ETH_NAME_MAX_LEN] = "?";
	int socket = rte_eth_dev_socket_id(p->port_id);
	int rc;

	rte_eth_dev_get_name_by_port(p->port_id, name);
	rc = rte_eth_dev_info_get(p->port_id, &info);
	if (rc) {
		snprintf(err, errlen, "port %u (%s): no device info: %s",
			 p->port_id, name, strerror(-rc));
		return rc;
	}
	if (p->nqueues > info.max_rx_queues || p->nqueues > info.max_tx_queues) {
		snprintf(err, errlen, "port %u (%s): %u workers need %u queue "
			 "pairs, the device has %u RX / %u TX (for af_packet "
			 "add qpairs=N, for pcap one rx_pcap per queue)",
			 p->port_id, name, p->nqueues, p->nqueues,
			 info.max_rx_queues, info.max_tx_queues);
		return -EINVAL;
	}
	memset(&conf, 0, sizeof(conf));
	if (p->nqueues > 1 && info.flow_type_rss_offloads) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf = info.flow_type_rss_offloads &
			(RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP);
	}
	/* link changes as events where the PMD raises them (dp_link) */
	p->lsc = info.dev_flags && (*info.dev_flags & RTE_ETH_DEV_INTR_LSC);
	conf.intr_conf.lsc = p->lsc ? 1 : 0;
	/* the NIC checks IPv4 header checksums where it can (dp_net) */
	if (info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_IPV4_CKSUM)
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_IPV4_CKSUM;
	rc = rte_eth_dev_configure(p->port_id, p->nqueues, p->nqueues, &conf);
	if (rc) {
		snprintf(err, errlen, "port %u (%s): configure: %s", p->port_id,
			 name, strerror(-rc));
		return rc;
	}
	/* Virtual devices often cannot change MTU (-ENOTSUP): the feed is
	 * sized from the configured MTU either way; any other refusal is an
	 * error that names the value. */
	rc = rte_eth_dev_set_mtu(p->port_id, p->mtu);
	if (rc && rc != -ENOTSUP) {
		snprintf(err, errlen, "port %u (%s): port.mtu %u: %s (the "
			 "device takes %u..%u)", p->port_id, name, p->mtu,
			 strerror(-rc), info.min_mtu, info.max_mtu);
		return rc;
	}
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(p->port_id, &nrx, &ntx);
	if (rc) {
		snprintf(err, errlen, "port %u (%s): port.rx_desc %u / tx_desc "
			 "%u: %s", p->port_id, name, p->rx_desc, p->tx_desc,
			 strerror(-rc));
		return rc;
	}
	p->rx_desc = nrx;
	p->tx_desc = ntx;
	for (uint16_t q = 0; q < p->nqueues; q++) {
		rc = rte_eth_rx_queue_setup(p->port_id, q, nrx, socket, NULL,
					    p->pool);
		if (rc == 0)
			rc = rte_eth_tx_queue_setup(p->port_id, q, ntx, socket,
						    NULL);
		if (rc) {
			snprintf(err, errlen, "port %u (%s): queue %u: %s",
				 p->port_id, name, q, strerror(-rc));
			return rc;
		}
	}
	rc = rte_eth_dev_start(p->port_id);
	if (rc) {
		snprintf(err, errlen, "port %u (%s): start: %s", p->port_id,
			 name, strerror(-rc));
		return rc;
	}
	const struct {
		const char *key;
		int on;
		int (*set)(uint16_t);
		int (*clear)(uint16_t);
	} modes[] = {
		{ "promiscuous", p->promiscuous, rte_eth_promiscuous_enable,
		  rte_eth_promiscuous_disable },
		{ "allmulti", p->allmulti, rte_eth_allmulticast_enable,
		  rte_eth_allmulticast_disable },
	};
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		rc = modes[i].on ? modes[i].set(p->port_id)
				 : modes[i].clear(p->port_id);
		if (rc && rc != -ENOTSUP) {
			snprintf(err, errlen, "port %u (%s): port.%s %s: %s",
				 p->port_id, name, modes[i].key,
				 modes[i].on ? "on" : "off", strerror(-rc));
			return rc;
		}
	}
	/* Drop what the queues hold before the workers start. DPDK's
	 * af_packet opens its socket for every interface (ETH_P_ALL) and
	 * sets up its ring before it binds the socket to iface=: frames
	 * that crossed any interface of this namespace in between (another
	 * dataplane's sensors, on a host that runs several) wait in the
	 * ring, and read as sensors of this node they would register there.
	 * Nothing before start is this port's traffic to keep. Only there:
	 * other drivers have nothing queued, and some never run dry (net_null
	 * makes a full burst on every call); bounded all the same. */
	p->drained = 0;
	for (uint16_t q = 0; strcmp(info.driver_name, "net_af_packet") == 0 &&
	     q < p->nqueues; q++) {
		struct rte_mbuf *m[32];
		uint16_t n;

		while (p->drained < DP_PORT_DRAIN_MAX &&
		       (n = rte_eth_rx_burst(p->port_id, q, m, 32)) > 0) {
			rte_pktmbuf_free_bulk(m, n);
			p->drained += n;
		}
	}
	rte_eth_macaddr_get(p->port_id, mac);
	return 0;
}

int dp_port_ip6_groups(const struct dp_port_params *p,
		       const uint8_t (*addr)[16], unsigned int n, char *err,
		       size_t errlen)
{
	struct rte_ether_addr mc[DP_NET_IP6_MAX];
	char name[RTE_ETH_NAME_MAX_LEN] = "?";
	unsigned int k = 0;
	int rc;

	if (p->promiscuous || p->allmulti || n == 0)
		return 0;
	/* addresses that share their low 24 bits share the group */
	for (unsigned int i = 0; i < n && i < DP_NET_IP6_MAX; i++) {
		struct rte_ether_addr a;
		unsigned int j;

		dp_net6_solicited_mac(addr[i], &a);
		for (j = 0; j < k && !rte_is_same_ether_addr(&mc[j], &a); j++)
			;
		if (j == k)
			mc[k++] = a;
	}
	rte_eth_dev_get_name_by_port(p->port_id, name);
	rc = rte_eth_dev_set_mc_addr_list(p->port_id, mc, k);
	if (rc == -ENOTSUP)
		rc = rte_eth_allmulticast_enable(p->port_id);
	if (rc && rc != -ENOTSUP) {
		snprintf(err, errlen, "port %u (%s): the solicited-node groups "
			 "of port.ip6: %s", p->port_id, name, strerror(-rc));
		return rc;
	}
	return 0;
}

void dp_port_close(uint16_t port_id)
{
	rte_eth_dev_stop(port_id);
	rte_eth_dev_close(port_id);
}
