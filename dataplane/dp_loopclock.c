/*
 * dp_loopclock.c - a replayed capture's clocks moved on (see
 * dp_loopclock.h).
 */
#include "dp_loopclock.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <netinet/in.h>

#include <rte_byteorder.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>

#include "dp_net.h"
#include "sp_bytes.h"
#include "sp_wire.h"

struct loopclock {
	uint64_t seen;          /* packets this queue has taken */
	uint64_t period_ns;
	uint32_t pkts;          /* packets a pass */
	rte_be16_t sensor_port;
};

/* Every record of the sensor packet at @p m moved on by @p add ns. */
static void move_on(struct rte_mbuf *m, const struct loopclock *lc,
		    uint64_t add)
{
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(m), off;
	const struct rte_ipv4_hdr *ip =
		(const struct rte_ipv4_hdr *)(p + RTE_ETHER_HDR_LEN);
	const struct rte_udp_hdr *udp = (const struct rte_udp_hdr *)(ip + 1);

	if (len < DP_NET_HDR_LEN + SP_MIN_SENSOR_LEN ||
	    ip->version_ihl != RTE_IPV4_VHL_DEF ||
	    ip->next_proto_id != IPPROTO_UDP ||
	    udp->dst_port != lc->sensor_port ||
	    (p[DP_NET_HDR_LEN + 3] & SP_SFLAG_MAC))
		return;
	for (off = DP_NET_HDR_LEN + SP_SHDR_LEN;
	     off + SP_REC_HDR_LEN <= len;) {
		uint8_t *r = p + off;
		uint32_t vsize = (r[2] == SP_VT_F64 || r[2] == SP_VT_I64) ? 8 : 4;

		sp_put64(r + 8, sp_get64(r + 8) + add);
		off += SP_REC_HDR_LEN + (uint32_t)sp_get16(r + 4) * r[3] * vsize;
	}
}

static uint16_t on_rx(uint16_t port, uint16_t queue, struct rte_mbuf **pkts,
		      uint16_t n, uint16_t max, void *arg)
{
	struct loopclock *lc = arg;

	(void)port;
	(void)queue;
	(void)max;
	for (uint16_t i = 0; i < n; i++, lc->seen++) {
		uint64_t pass = lc->seen / lc->pkts;

		if (pass)
			move_on(pkts[i], lc, pass * lc->period_ns);
	}
	return n;
}

int dp_loopclock_install(uint16_t port_id, uint16_t nqueues, uint32_t pkts,
			 uint32_t period_us, uint16_t sensor_port, char *err,
			 size_t errlen)
{
	for (uint16_t q = 0; q < nqueues; q++) {
		struct loopclock *lc = rte_zmalloc("dp_loopclock", sizeof(*lc),
						   RTE_CACHE_LINE_SIZE);

		if (lc == NULL) {
			snprintf(err, errlen, "loop clock: out of memory");
			return -ENOMEM;
		}
		lc->pkts = pkts;
		lc->period_ns = (uint64_t)period_us * 1000;
		lc->sensor_port = rte_cpu_to_be_16(sensor_port);
		if (rte_eth_add_rx_callback(port_id, q, on_rx, lc) == NULL) {
			snprintf(err, errlen, "loop clock: port %u queue %u: "
				 "no RX callbacks (%s)", port_id, q,
				 rte_strerror(rte_errno));
			rte_free(lc);
			return -ENOTSUP;
		}
	}
	return 0;
}
