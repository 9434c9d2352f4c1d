/*
 * dp_queries.c - a worker answers the control thread's queries (see
 * dp_queries.h).
 */
#include "dp_queries.h"

#include <errno.h>
#include <string.h>

#include <rte_common.h>

/*
 * Every answer is raw records copied into the query's buffer (dp_cmd.h);
 * the control thread formats them. A buffer that fills ends the answer
 * where it is (the control thread's pages are sized to fit).
 */
static void *qput(struct dp_query *q, size_t len)
{
	void *p;

	if (q->len + len > q->cap) {
		q->len = q->cap;
		return NULL;
	}
	p = q->buf + q->len;
	q->len += len;
	return p;
}

static void q_sensors(struct dp_worker *w, struct dp_query *q)
{
	/* table positions [from, from + n): stable while sensors only come */
	q->more = dp_table_nsensors(w->table) > q->from + q->n;
	for (uint32_t i = q->from; i < q->from + q->n; i++) {
		const struct dp_sensor *s = dp_table_sensor_at(w->table, i);
		struct dp_qa_sensor *a;

		if (s == NULL)
			break;
		if (!s->seen)
			continue;
		a = qput(q, sizeof(*a));
		if (a == NULL)
			break;
		*a = (struct dp_qa_sensor){
			.id = s->id, .pkts = s->pkts, .samples = s->samples,
			.age_ns = (uint64_t)((double)(w->now_tsc - s->last_tsc) *
					     w->sh->clock->ns_per_tsc),
			.src_ip = s->src_ip, .src_port = s->src_port,
			.nkeys = s->nkeys, .worker = (uint16_t)w->idx,
			.level = dp_attn_sensor_level(s),
			.hint = !!(s->flags & SP_SFLAG_HINT),
			.idle = s->idle ? 1 : 0,
			.src_v6 = s->src_v6,
		};
		if (s->src_v6)
			memcpy(a->src_ip6, s->src_ip6, 16);
		if (q->attrs) {
			/* the attributes it sent, for a key list (a walk of
			 * its short list of keys: queries only) */
			uint16_t n = 0;

			for (const struct dp_key *k = s->keys; k && n < a->nkeys;
			     k = k->sensor_next) {
				uint16_t *id = qput(q, sizeof(*id));

				if (id == NULL)
					break;
				*id = k->attr_id;
				n++;
			}
			a->nkeys = n;
		}
		q->count++;
	}
}

static void q_attention(struct dp_worker *w, struct dp_query *q)
{
	struct dp_sensor *s = dp_table_sensor_find(w->table, q->sensor_id);
	struct dp_qa_attention *a;

	if (s == NULL) {
		q->rc = -ENOENT;
		return;
	}
	a = qput(q, sizeof(*a));
	if (a == NULL)
		return;
	*a = (struct dp_qa_attention){ .sensor = s->id, .seen = s->seen,
				       .level = dp_attn_sensor_level(s) };
	for (const struct dp_key *k = s->keys; k; k = k->sensor_next) {
		struct dp_qa_key *qk;

		if (q->attr_id && k->attr_id != q->attr_id)
			continue;
		qk = qput(q, sizeof(*qk));
		if (qk == NULL)
			return;
		*qk = (struct dp_qa_key){ .attr = k->attr_id, .level = k->level,
					  .sub_level = k->sub_level,
					  .refused = (uint8_t)dp_attn_key_refused(
						&w->attn, s, k) };
		a->nkeys++;
		for (const struct dp_route *rt = k->routes; rt;
		     rt = rt->key_next) {
			struct dp_qa_route *r = qput(q, sizeof(*r));

			if (r == NULL)
				return;
			*r = (struct dp_qa_route){ .feed = rt->out->feed_id,
						   .kind = rt->out->kind,
						   .level = rt->level };
			qk->nroutes++;
		}
	}
	q->count = a->nkeys;
	/* its subscriptions and pins, each with what it lacks */
	for (const struct dp_interest *i = s->interests; i; i = i->next) {
		struct dp_qa_interest *qi;

		if (q->attr_id && i->attr_id && i->attr_id != q->attr_id)
			continue;
		qi = qput(q, sizeof(*qi));
		if (qi == NULL)
			return;
		*qi = (struct dp_qa_interest){
			.feed = i->lens ? i->lens->feed_id : 0,
			.attr = i->attr_id, .level = i->level,
			.refused = (uint8_t)dp_attn_refused(&w->attn, s,
						i->lens, i->attr_id) };
		a->ninterests++;
	}
}

/* Of the subscriptions asked about, those whose sensor is in this
 * worker's table: routed, or the pool that refused what they need (a
 * sensor in no worker's table was refused by the sensors pool). One hash
 * lookup and a walk of the sensor's short lists each: the control thread
 * asks a few thousand at a time. */
static void q_routed(struct dp_worker *w, struct dp_query *q)
{
	for (uint32_t n = 0; n < q->n; n++) {
		const struct dp_sub_ref *r = &q->subs[n];
		const struct dp_sensor *s = dp_table_sensor_find(w->table,
								 r->sensor);
		const struct dp_lens *l = w->by_feed[r->feed];
		struct dp_qa_routed *a;
		int p;

		if (s == NULL)
			continue;
		a = qput(q, sizeof(*a));
		if (a == NULL)
			return;
		if (l == NULL || l->out.kind != DP_OUT_LENS)
			p = DP_POOL_OUTS;        /* its lens was refused */
		else if ((p = dp_attn_refused(&w->attn, s, &l->out,
					      r->attr)) < 0)
			p = DP_POOL_INTERESTS;   /* no interest was made */
		*a = (struct dp_qa_routed){ .idx = n, .refused = (uint8_t)p };
		q->count++;
	}
}

static void q_history(struct dp_worker *w, struct dp_query *q)
{
	struct dp_history_sample *out = w->query_samples;
	struct dp_key *k = dp_table_key_find(w->table, q->sensor_id,
					     q->attr_id);
	uint32_t n, max = RTE_MIN(q->n ? q->n : DP_QUERY_MAX_SAMPLES,
				  (uint32_t)DP_QUERY_MAX_SAMPLES);
	struct dp_qa_history *h;
	uint64_t first = 0;

	if (k == NULL) {
		/* the sensor seen, the attribute not: say which */
		const struct dp_sensor *s = dp_table_sensor_find(w->table,
								 q->sensor_id);

		q->rc = s && s->seen ? -ENODATA : -ENOENT;
		return;
	}
	if (q->by_range == 2)       /* after version from_ns: index from_ns */
		n = dp_history_from(&k->hist, q->from_ns, max, out, &first);
	else if (q->by_range)
		n = dp_history_range(&k->hist, q->from_ns, q->to_ns, out, max,
				     &first);
	else
		n = dp_history_last(&k->hist, max, out);
	if (!q->by_range)
		first = k->hist.head - n;
	h = qput(q, sizeof(*h));
	if (h == NULL)
		return;
	*h = (struct dp_qa_history){
		.sensor = k->sensor_id, .received = k->hist.head,
		.first_version = first + 1, .kept = dp_history_count(&k->hist),
		.attr = k->attr_id, .vtype = k->vtype, .dim = k->dim,
		.ssize = k->hist.ssize,
	};
	for (uint32_t i = 0; i < n; i++) {
		uint8_t *p = qput(q, 8 + k->hist.ssize);

		if (p == NULL)
			break;
		memcpy(p, &out[i].t_ns, 8);
		memcpy(p + 8, out[i].values, k->hist.ssize);
		h->n++;
	}
	q->count = h->n;
}

void dp_queries_answer(struct dp_worker *w, struct dp_query *q)
{
	switch (q->kind) {
	case DP_Q_SENSORS: q_sensors(w, q); break;
	case DP_Q_ATTENTION: q_attention(w, q); break;
	case DP_Q_HISTORY: q_history(w, q); break;
	case DP_Q_ROUTED: q_routed(w, q); break;
	default: q->rc = -EINVAL; break;
	}
	__atomic_store_n(&q->done, 1, __ATOMIC_RELEASE);
}
