/*
 * dp_wcmd.c - a worker applies what the control thread asked: lenses,
 * interests, switches and queries (see dp_cmd.h); and sends attention
 * hints to the sensors that want them.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>

#include "dp_worker.h"
#include "sp_hint.h"
#include "sp_json.h"

#define QUERY_MAX_SAMPLES 4096

static void qprintf(struct dp_query *q, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (q->len >= q->cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(q->buf + q->len, q->cap - q->len, fmt, ap);
	va_end(ap);
	q->len = n < 0 ? q->cap : RTE_MIN(q->cap, q->len + (size_t)n);
}

static void q_sensors(struct dp_worker *w, struct dp_query *q)
{
	uint64_t hz = w->sh->clock->hz;

	/* table positions [from, from + n): stable while sensors only come */
	q->more = dp_table_nsensors(w->table) > q->from + q->n;
	for (uint32_t i = q->from; i < q->from + q->n; i++) {
		const struct dp_sensor *s = dp_table_sensor_at(w->table, i);
		const uint8_t *ip;

		if (s == NULL)
			break;
		if (!s->seen)
			continue;
		ip = (const uint8_t *)&s->src_ip;
		qprintf(q, "%s{\"id\": %" PRIu64 ", \"worker\": %u, \"pkts\": %"
			PRIu64 ", \"samples\": %" PRIu64 ", \"keys\": %u, "
			"\"age_ms\": %.1f, \"level\": \"%s\", \"hint\": %s, "
			"\"src\": \"%u.%u.%u.%u:%u\"}", q->count ? ", " : "",
			s->id, w->idx, s->pkts, s->samples, s->nkeys,
			(double)(w->now_tsc - s->last_tsc) * 1000 / (double)hz,
			sp_level_name(dp_attn_sensor_level(s)),
			(s->flags & SP_SFLAG_HINT) ? "true" : "false",
			ip[0], ip[1], ip[2], ip[3],
			rte_be_to_cpu_16(s->src_port));
		q->count++;
	}
}

static const char *kind_name(uint8_t kind)
{
	static const char *const n[] = { "broadcast", "tier", "sensor",
					 "lens" };

	return kind < 4 ? n[kind] : "?";
}

static const char *attr_name(const struct dp_worker *w, uint16_t id)
{
	const struct sp_attr *a = sp_catalog_get(w->sh->cat, id);

	return a ? a->name : "?";
}

static void q_attention(struct dp_worker *w, struct dp_query *q)
{
	struct dp_sensor *s = dp_table_sensor_find(w->table, q->sensor_id);

	if (s == NULL) {
		q->rc = -ENOENT;
		return;
	}
	qprintf(q, "{\"sensor\": %" PRIu64 ", \"seen\": %s, \"level\": \"%s\","
		" \"keys\": [", s->id, s->seen ? "true" : "false",
		sp_level_name(dp_attn_sensor_level(s)));
	for (const struct dp_key *k = s->keys; k; k = k->sensor_next) {
		if (q->attr_id && k->attr_id != q->attr_id)
			continue;
		qprintf(q, "%s{\"attr\": %u, \"name\": \"%s\", \"level\": "
			"\"%s\", \"sub_level\": \"%s\", \"routes\": [",
			q->count++ ? ", " : "", k->attr_id,
			attr_name(w, k->attr_id), sp_level_name(k->level),
			sp_level_name(k->sub_level));
		for (const struct dp_route *rt = k->routes; rt;
		     rt = rt->key_next)
			qprintf(q, "{\"feed\": %u, \"kind\": \"%s\", \"level\": "
				"\"%s\"}%s", rt->out->feed_id,
				kind_name(rt->out->kind),
				sp_level_name(rt->level),
				rt->key_next ? ", " : "");
		qprintf(q, "]}");
	}
	qprintf(q, "]}");
}

static void q_history(struct dp_worker *w, struct dp_query *q)
{
	static struct dp_hist_sample out[QUERY_MAX_SAMPLES];
	struct dp_key *k = dp_table_key_find(w->table, q->sensor_id,
					     q->attr_id);
	uint32_t n, max = RTE_MIN(q->n ? q->n : QUERY_MAX_SAMPLES,
				  (uint32_t)QUERY_MAX_SAMPLES);
	uint64_t first = 0;

	if (k == NULL) {
		/* the sensor seen, the attribute not: say which */
		const struct dp_sensor *s = dp_table_sensor_find(w->table,
								 q->sensor_id);

		q->rc = s && s->seen ? -ENODATA : -ENOENT;
		return;
	}
	n = q->by_range ? dp_hist_range(&k->hist, q->from_ns, q->to_ns, out,
					max, &first)
			: dp_hist_last(&k->hist, max, out);
	if (!q->by_range)
		first = k->hist.head - n;
	qprintf(q, "{\"sensor\": %" PRIu64 ", \"attr\": %u, \"name\": \"%s\", "
		"\"vtype\": \"%s\", \"dim\": %u, \"kept\": %u, \"received\": %"
		PRIu64 ", \"first_version\": %" PRIu64 ", \"samples\": [",
		k->sensor_id, k->attr_id, attr_name(w, k->attr_id),
		sp_vtype_name(k->vtype), k->dim,
		dp_hist_count(&k->hist), k->hist.head, first + 1);
	for (uint32_t i = 0; i < n; i++) {
		qprintf(q, "%s[%" PRIu64, i ? ", " : "", out[i].t_ns);
		/* exact digits; NaN and infinities as sp_json.h says */
		for (unsigned int j = 0; j < k->dim; j++) {
			char num[SP_JSON_VALUE_MAX];

			sp_json_value(num, sizeof(num), out[i].values,
				      k->vtype, j);
			qprintf(q, ", %s", num);
		}
		qprintf(q, "]");
	}
	qprintf(q, "]}");
	q->count = n;
}

static void query(struct dp_worker *w, struct dp_query *q)
{
	switch (q->kind) {
	case DP_Q_SENSORS: q_sensors(w, q); break;
	case DP_Q_ATTENTION: q_attention(w, q); break;
	case DP_Q_HISTORY: q_history(w, q); break;
	default: q->rc = -EINVAL; break;
	}
	__atomic_store_n(&q->done, 1, __ATOMIC_RELEASE);
}

static void interest(struct dp_worker *w, const struct dp_cmd *c)
{
	struct dp_out *lens = NULL;
	struct dp_sensor *s;
	int created;

	if (c->feed_id) {
		struct dp_lens *l = w->by_feed[c->feed_id];

		if (l == NULL || l->out.kind != DP_OUT_LENS)
			return;   /* the lens could not be made: counted */
		lens = &l->out;
	}
	if (c->op == DP_CMD_UNSET) {
		s = dp_table_sensor_find(w->table, c->sensor_id);
		if (s)
			dp_attn_unset(&w->attn, s, lens, c->attr_id, w->now_ns);
	} else {
		/* a subscription may name a sensor not seen yet */
		s = dp_table_sensor(w->table, c->sensor_id, &created);
		if (s == NULL) {
			w->stats->dp_drop[DP_DROP_TABLE_FULL]++;
			return;
		}
		w->pending_sensor_feed = c->sensor_feed_id;
		if (dp_attn_set(&w->attn, s, lens, c->attr_id, c->level,
				w->now_ns) < 0)
			w->stats->routes_full++;
		w->pending_sensor_feed = 0;
	}
	if (s)
		dp_wcmd_hint(w, s, 0);
}

void dp_wcmd_flags(struct dp_worker *w, uint32_t flags)
{
	uint32_t old = w->flags;

	/* Leaving attention routing: what the tiers owed goes out now, then
	 * every sample takes the broadcast feed. */
	if ((old & DP_F_ATTENTION) && !(flags & DP_F_ATTENTION)) {
		dp_router_flush(&w->router, DP_CAD_MEDIUM, w->now_ns);
		dp_router_flush(&w->router, DP_CAD_LOW, w->now_ns);
		dp_wout_push_touched(w);
	}
	w->flags = flags;
	if ((old ^ flags) & DP_F_LENSES) {
		w->attn.lenses_on = !!(flags & DP_F_LENSES);
		for (uint32_t i = 0; i < dp_table_nsensors(w->table); i++)
			dp_attn_sensor(&w->attn,
				       dp_table_sensor_at(w->table, i),
				       w->now_ns);
	}
}

unsigned int dp_wcmd_drain(struct dp_worker *w, unsigned int max)
{
	struct dp_cmd c[16];
	unsigned int n = rte_ring_sc_dequeue_burst_elem(w->mbox, c,
					sizeof(c[0]), RTE_MIN(max, 16u), NULL);

	for (unsigned int i = 0; i < n; i++) {
		switch (c[i].op) {
		case DP_CMD_OUT_ADD:
			dp_wout_lens_add(w, c[i].feed_id, c[i].ip, c[i].port,
					 c[i].has_mac ? c[i].mac : NULL);
			break;
		case DP_CMD_OUT_DEL:
			dp_wout_lens_del(w, c[i].feed_id);
			break;
		case DP_CMD_SET:
		case DP_CMD_UNSET:
			interest(w, &c[i]);
			break;
		case DP_CMD_FLAGS:
			dp_wcmd_flags(w, c[i].flags);
			break;
		case DP_CMD_QUERY:
			query(w, c[i].q);
			break;
		case DP_CMD_LOSS:
			dp_loss_set(&w->loss, c[i].arg[0], c[i].arg[1],
				    c[i].arg[2], c[i].arg[3],
				    c[i].sensor_id + w->idx, c[i].flags);
			break;
		}
	}
	w->stats->cmds += n;
	return n;
}

static uint32_t batch_ms(const struct sp_config *cfg, uint8_t level)
{
	switch (level) {
	case SP_LEVEL_HIGH: return 0;
	case SP_LEVEL_MEDIUM: return cfg->medium_ms;
	case SP_LEVEL_LOW: return cfg->low_ms;
	default: return 1000;
	}
}

void dp_wcmd_hint(struct dp_worker *w, struct dp_sensor *s, int force)
{
	const struct sp_config *cfg = w->sh->cfg;
	struct sp_hint h = { .sensor_id = s->id };
	struct rte_ether_addr dst;
	struct rte_mbuf *m;
	uint8_t *p;

	if (!(w->flags & DP_F_HINTS) || !(s->flags & SP_SFLAG_HINT) ||
	    !s->seen)
		return;
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
	dp_net_write_udp(w->sh->net, p, &dst, s->src_ip, s->src_port,
			 w->sh->net->sensor_port, SP_HINT_LEN, 64);
	sp_hint_encode(p + DP_NET_HDR_LEN, &h);
	m->data_len = m->pkt_len = DP_NET_HDR_LEN + SP_HINT_LEN;
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

void dp_wcmd_hint_due(struct dp_worker *w)
{
	/* dp_wcmd_hint sends only what is due; a sensor that stopped asking
	 * (its last packet without HINT) or went idle (dataplane.idle_s
	 * without a packet) is not hinted until it sends again */
	for (uint32_t i = 0; i < w->nhint; i++) {
		struct dp_sensor *s = w->hint_list[i];

		if ((s->flags & SP_SFLAG_HINT) && !s->idle)
			dp_wcmd_hint(w, s, 0);
	}
}

void dp_wcmd_event(struct dp_worker *w, const struct dp_sensor *s,
		   uint32_t kind)
{
	struct dp_event e = { .sensor_id = s->id, .t_ns = w->now_ns,
			      .worker = w->idx, .kind = kind };

	if (rte_ring_sp_enqueue_elem(w->events, &e, sizeof(e)) != 0)
		w->stats->events_lost++;   /* the daemon's resync catches up */
}

void dp_wcmd_idle_scan(struct dp_worker *w)
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
			s->idle = 1;
			dp_wcmd_event(w, s, DP_EV_IDLE);
		}
	}
}
