/*
 * dp_answers.c - a worker's raw answers as JSON (see dp_answers.h).
 */
#include "dp_answers.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "sp_json.h"
#include "sp_level.h"
#include "sp_wire.h"

/* A cursor over the records; NULL once they run short. */
struct rd {
	const uint8_t *p, *end;
};

static const void *take(struct rd *r, size_t len)
{
	const uint8_t *p = r->p;

	if (p == NULL || (size_t)(r->end - p) < len) {
		r->p = NULL;
		return NULL;
	}
	r->p += len;
	return p;
}

static const char *attr_name(const struct sp_catalog *cat, uint16_t id)
{
	const struct sp_attr *a = sp_catalog_get(cat, id);

	return a ? a->name : "?";
}

static const char *kind_name(uint8_t kind)
{
	static const char *const n[] = { "broadcast", "tier", "sensor",
					 "lens" };

	return kind < 4 ? n[kind] : "?";
}

/* Brief: four integers a sensor in one flat array (id, worker, age in
 * whole ms, idle 0/1), what the daemon's sweeps over a million sensors
 * need. Attrs: [id, [attribute names]] a sensor, what a dashboard lists. */
static json_t *sensors(struct rd *r, uint32_t count, int brief, int attrs,
		       const struct sp_catalog *cat)
{
	json_t *list = json_array();

	for (uint32_t i = 0; i < count; i++) {
		const struct dp_qa_sensor *s = take(r, sizeof(*s));
		struct in_addr a;
		char src[64];   /* [IPv6]:port */

		if (s == NULL)
			break;
		if (attrs) {
			json_t *names = json_array();

			for (uint16_t k = 0; k < s->nkeys; k++) {
				const uint16_t *id = take(r, sizeof(*id));
				uint16_t v;

				if (id == NULL)
					break;
				memcpy(&v, id, sizeof(v));
				json_array_append_new(names, json_string(
							attr_name(cat, v)));
			}
			json_array_append_new(list, json_pack("[I, o]",
					(json_int_t)s->id, names));
			continue;
		}
		if (brief) {
			json_array_append_new(list, json_integer((json_int_t)s->id));
			json_array_append_new(list, json_integer(s->worker));
			json_array_append_new(list, json_integer((json_int_t)
							(s->age_ns / 1000000)));
			json_array_append_new(list, json_integer(s->idle));
			continue;
		}
		if (s->src_v6) {
			char six[INET6_ADDRSTRLEN];

			/* RFC 3986 brackets around the address */
			inet_ntop(AF_INET6, s->src_ip6, six, sizeof(six));
			snprintf(src, sizeof(src), "[%s]:%u", six,
				 ntohs(s->src_port));
		} else {
			a.s_addr = s->src_ip;
			snprintf(src, sizeof(src), "%s:%u", inet_ntoa(a),
				 ntohs(s->src_port));
		}
		json_array_append_new(list, json_pack(
			"{s:I, s:i, s:I, s:I, s:i, s:f, s:s, s:b, s:s}",
			"id", (json_int_t)s->id, "worker", s->worker,
			"pkts", (json_int_t)s->pkts,
			"samples", (json_int_t)s->samples, "keys", s->nkeys,
			/* one decimal, as it always was */
			"age_ms", (double)(s->age_ns / 100000) / 10.0,
			"level", sp_level_name(s->level), "hint", s->hint,
			"src", src));
	}
	return list;
}

/* "refused": the pool's name, when there is one. */
static void refused(json_t *o, uint8_t pool)
{
	if (pool)
		json_object_set_new(o, "refused",
				    json_string(dp_pool_name(pool)));
}

static json_t *attention(struct rd *r, const struct sp_catalog *cat)
{
	const struct dp_qa_attention *a = take(r, sizeof(*a));
	json_t *keys, *subs, *o;

	if (a == NULL)
		return NULL;
	keys = json_array();
	for (uint16_t i = 0; i < a->nkeys; i++) {
		const struct dp_qa_key *k = take(r, sizeof(*k));
		json_t *routes;

		if (k == NULL)
			break;
		routes = json_array();
		for (uint16_t j = 0; j < k->nroutes; j++) {
			const struct dp_qa_route *rt = take(r, sizeof(*rt));

			if (rt == NULL)
				break;
			json_array_append_new(routes, json_pack(
				"{s:i, s:s, s:s}", "feed", rt->feed,
				"kind", kind_name(rt->kind),
				"level", sp_level_name(rt->level)));
		}
		o = json_pack("{s:i, s:s, s:s, s:s, s:o, s:b}", "attr",
			      k->attr, "name", attr_name(cat, k->attr),
			      "level", sp_level_name(k->level),
			      "sub_level", sp_level_name(k->sub_level),
			      "routes", routes, "routed", !k->refused);
		refused(o, k->refused);
		json_array_append_new(keys, o);
	}
	subs = json_array();
	for (uint16_t i = 0; i < a->ninterests; i++) {
		const struct dp_qa_interest *in = take(r, sizeof(*in));

		if (in == NULL)
			break;
		o = json_pack("{s:i, s:s, s:s, s:b}", "feed", in->feed,
			      "attr", in->attr ? attr_name(cat, in->attr) : "*",
			      "level", sp_level_name(in->level),
			      "routed", !in->refused);
		if (in->feed == 0)
			json_object_set_new(o, "pin", json_true());
		refused(o, in->refused);
		json_array_append_new(subs, o);
	}
	o = json_pack("{s:I, s:b, s:s, s:o, s:o}", "sensor",
		      (json_int_t)a->sensor, "seen", a->seen, "level",
		      sp_level_name(a->level), "keys", keys, "subs", subs);
	return o;
}

/* [[index, pool], ...]: pool 0 when routed (enum dp_pool). */
static json_t *routed(struct rd *r, uint32_t count)
{
	json_t *list = json_array();

	for (uint32_t i = 0; i < count; i++) {
		const struct dp_qa_routed *a = take(r, sizeof(*a));

		if (a == NULL)
			break;
		json_array_append_new(list, json_pack("[I, i]",
					(json_int_t)a->idx, a->refused));
	}
	return list;
}

/* One value as JSON: integers exact, floats exact, NaN and infinities
 * as the strings of sp_json.h. */
static json_t *value(const uint8_t *v, uint8_t vtype, unsigned int j)
{
	switch (vtype) {
	case SP_VT_I32:
	case SP_VT_I64: {
		char num[SP_JSON_VALUE_MAX];
		long long x;

		sp_json_value(num, sizeof(num), v, vtype, j);
		sscanf(num, "%lld", &x);
		return json_integer(x);
	}
	default:
		return sp_json_from_double(sp_value_get(v, vtype, j));
	}
}

static json_t *history(struct rd *r, const struct sp_catalog *cat)
{
	const struct dp_qa_history *h = take(r, sizeof(*h));
	json_t *samples;

	if (h == NULL)
		return NULL;
	samples = json_array();
	for (uint32_t i = 0; i < h->n; i++) {
		const uint8_t *p = take(r, 8 + (size_t)h->ssize);
		json_t *row;
		uint64_t t;

		if (p == NULL)
			break;
		memcpy(&t, p, 8);
		row = json_array();
		json_array_append_new(row, json_integer((json_int_t)t));
		for (unsigned int j = 0; j < h->dim; j++)
			json_array_append_new(row, value(p + 8, h->vtype, j));
		json_array_append_new(samples, row);
	}
	return json_pack("{s:I, s:i, s:s, s:s, s:i, s:i, s:I, s:I, s:o}",
			 "sensor", (json_int_t)h->sensor, "attr", h->attr,
			 "name", attr_name(cat, h->attr),
			 "vtype", sp_vtype_name(h->vtype), "dim", h->dim,
			 "kept", h->kept, "received", (json_int_t)h->received,
			 "first_version", (json_int_t)h->first_version,
			 "samples", samples);
}

json_t *dp_answers_json(const struct dp_query *q,
			const struct sp_catalog *cat)
{
	struct rd r = { q->buf, q->buf + q->len };
	json_t *v;

	switch (q->kind) {
	case DP_Q_SENSORS:
		v = sensors(&r, q->count, q->brief, q->attrs, cat);
		break;
	case DP_Q_ATTENTION: v = attention(&r, cat); break;
	case DP_Q_HISTORY: v = history(&r, cat); break;
	case DP_Q_ROUTED: v = routed(&r, q->count); break;
	default: return NULL;
	}
	if (r.p == NULL) {   /* cut short */
		json_decref(v);
		return NULL;
	}
	return v;
}
