/*
 * dp_notify.c - what a worker tells others (see dp_notify.h).
 */
#include "dp_notify.h"

#include <string.h>

#include <rte_ethdev.h>
#include <rte_ring.h>

#include "dp_net6.h"
#include "sp_hint.h"

static uint32_t batch_ms(const struct sp_config *cfg, uint8_t level)
{
	switch (level) {
	case SP_LEVEL_HIGH: return 0;
	case SP_LEVEL_MEDIUM: return cfg->medium_ms;
	case SP_LEVEL_LOW: return cfg->low_ms;
	default: return 1000;
	}
}

void dp_notify_hint(struct dp_worker *w, struct dp_sensor *s, int force)
{
	const struct sp_config *cfg = w->sh->cfg;
	const struct dp_net *net = w->sh->net;
	struct sp_hint h = { .sensor_id = s->id };
	struct rte_ether_addr dst;
	struct rte_mbuf *m;
	uint8_t *p;

	if (!(w->flags & DP_F_HINTS) || !(s->flags & SP_SFLAG_HINT) ||
	    !s->seen)
		return;
	if (s->src_v6 && s->src6_to >= net->nip6) {
		/* the address it sent to is gone: nothing a hint could
		 * come from that its socket would take */
		w->stats->hints_v6_skipped++;
		return;
	}
	h.level = dp_attn_sensor_level(s);
	if (!force && s->hint_tsc && h.level == s->hint_level &&
	    w->now_tsc - s->hint_tsc < (uint64_t)cfg->hint_period_s *
					 w->sh->clock->hz)
		return;
	m = rte_pktmbuf_alloc(w->sh->pool);
	if (m == NULL)
		return;
	h.batch_ms = batch_ms(cfg, h.level);
	p = rte_pktmbuf_mtod(m, uint8_t *);
	memcpy(dst.addr_bytes, s->src_mac, 6);
	if (s->src_v6) {
		/* the payload first: the IPv6 header's checksum sums it */
		sp_hint_encode(p + DP_NET6_HDR_LEN, &h);
		dp_net6_write_udp(net, p, &dst, net->ip6[s->src6_to],
				  s->src_ip6, s->src_port, net->sensor_port,
				  SP_HINT_LEN, 64);
		m->data_len = m->pkt_len = DP_NET6_HDR_LEN + SP_HINT_LEN;
	} else {
		dp_net_write_udp(net, p, &dst, s->src_ip, s->src_port,
				 net->sensor_port, SP_HINT_LEN, 64);
		sp_hint_encode(p + DP_NET_HDR_LEN, &h);
		m->data_len = m->pkt_len = DP_NET_HDR_LEN + SP_HINT_LEN;
	}
	if (rte_eth_tx_burst(w->port_id, w->queue_id, &m, 1) == 0) {
		rte_pktmbuf_free(m);
		w->stats->tx_drops++;
		return;
	}
	if (s->hint_tsc == 0) {   /* its first hint: the tick repeats it */
		if (w->nhint < w->hint_cap)
			w->hint_list[w->nhint++] = s;
		else
			w->stats->hint_list_full++;
	}
	s->hint_level = h.level;
	s->hint_tsc = w->now_tsc ? w->now_tsc : 1;
	w->stats->hints++;
}

void dp_notify_hint_due(struct dp_worker *w)
{
	/* dp_notify_hint sends only what is due; a sensor that stopped asking
	 * (its last packet without HINT) or went idle (dataplane.idle_s
	 * without a packet) is not hinted until it sends again */
	for (uint32_t i = 0; i < w->nhint; i++) {
		struct dp_sensor *s = w->hint_list[i];

		if ((s->flags & SP_SFLAG_HINT) && !s->idle)
			dp_notify_hint(w, s, 0);
	}
}

int dp_notify_event(struct dp_worker *w, const struct dp_sensor *s,
		    uint32_t kind)
{
	struct dp_event e = { .sensor_id = s->id, .t_ns = w->now_ns,
			      .worker = w->idx, .kind = kind };

	if (rte_ring_sp_enqueue_elem(w->events, &e, sizeof(e)) != 0) {
		/* a control thread away longer than the ring lasts: the
		 * event is told again (a seen one on the sensor's next
		 * packet, an idle one at the next scan) */
		w->stats->events_lost++;
		return -1;
	}
	return 0;
}

void dp_notify_idle_scan(struct dp_worker *w)
{
	uint32_t n = dp_table_nsensors(w->table), slice = n / 10 + 1;
	uint64_t idle = (uint64_t)w->sh->cfg->idle_s * w->sh->clock->hz;

	/* a tenth of the table a tick (100 ms): each sensor once a second */
	for (uint32_t k = 0; k < slice && n; k++) {
		struct dp_sensor *s;

		if (w->idle_scan >= n)
			w->idle_scan = 0;
		s = dp_table_sensor_at(w->table, w->idle_scan++);
		if (s->seen && !s->idle && w->now_tsc - s->last_tsc > idle) {
			s->bound_ip = 0;  /* bind_source: free to move now */
			/* refused: still not idle, so the next scan (a
			 * second later) tells it again */
			if (dp_notify_event(w, s, DP_EV_IDLE) == 0)
				s->idle = 1;
		}
	}
}
