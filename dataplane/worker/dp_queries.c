/*
 * dp_queries.c - a worker answers the control thread's queries (see
 * dp_queries.h).
 */
#include "dp_queries.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>

#include "sp_level.h"
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

void dp_queries_answer(struct dp_worker *w, struct dp_query *q)
{
	switch (q->kind) {
	case DP_Q_SENSORS: q_sensors(w, q); break;
	case DP_Q_ATTENTION: q_attention(w, q); break;
	case DP_Q_HISTORY: q_history(w, q); break;
	default: q->rc = -EINVAL; break;
	}
	__atomic_store_n(&q->done, 1, __ATOMIC_RELEASE);
}

