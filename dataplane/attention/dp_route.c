/*
 * dp_route.c - routes, dirty lists, conflation from the history ring (see
 * dp_route.h).
 */
#include "dp_route.h"

#include <stddef.h>
#include <string.h>

#include "sp_feed.h"
#include "sp_catalog.h"
#include "sp_level.h"

#define MAX_RUN SP_MAX_NSAMP

void dp_router_init(struct dp_router *r, struct dp_route *routes, uint32_t n,
		    dp_emit_fn emit, dp_push_fn push, void *ctx)
{
	memset(r, 0, sizeof(*r));
	r->emit = emit;
	r->push = push;
	r->ctx = ctx;
	r->nroutes = n;
	for (uint32_t i = n; i-- > 0;) {
		routes[i].key_next = r->free_routes;
		r->free_routes = &routes[i];
	}
}

void dp_out_init(struct dp_out *o, enum dp_out_kind kind, uint16_t feed_id,
		 void *tx)
{
	memset(o, 0, sizeof(*o));
	o->kind = (uint8_t)kind;
	o->feed_id = feed_id;
	o->tx = tx;
	o->in_use = 1;
}

/* The level a route is served at, given its out's shedding. */
static uint8_t effective(uint8_t level, uint8_t shed)
{
	if (shed >= 1 && level == SP_LEVEL_LOW)
		return SP_LEVEL_NONE;
	if (shed >= 2 && level == SP_LEVEL_MEDIUM)
		return SP_LEVEL_LOW;
	return level;
}

static void free_route(struct dp_router *r, struct dp_route *rt)
{
	memset(rt, 0, sizeof(*rt));
	rt->key_next = r->free_routes;
	r->free_routes = rt;
	r->routes_used--;
}

/* The run of samples from @p i (see dp_history_run) goes out as one
 * record. */
static void emit_run(struct dp_router *r, struct dp_route *rt, uint64_t i,
		     uint32_t n, const struct dp_history_run *run, uint8_t q,
		     uint8_t flags)
{
	const struct dp_key *k = rt->key;
	struct sp_record rec = {
		.attr_id = k->attr_id, .vtype = k->vtype, .dim = k->dim,
		.nsamp = (uint16_t)n, .t0_ns = run->t0_ns, .dt_ns = run->dt_ns,
		.values = run->values,
	};

	if (r->emit(r->ctx, rt->out, flags, q, k->sensor_id,
		    (uint32_t)(i + n), &rec) == 0) {
		rt->out->st.msgs++;
		rt->out->st.samples += n;
		uint32_t bytes = SP_MSG_OVERHEAD + SP_REC_HDR_LEN +
				 sp_record_values_len(&rec);

		rt->out->st.bytes += bytes;
		if (flags & SP_FF_BACKFILL) {
			rt->out->st.backfill_msgs++;
			rt->out->st.backfill_bytes += bytes;
		}
	}
}

/* Send the route's samples up to (not including) @p to. */
static void send_range(struct dp_router *r, struct dp_route *rt, uint64_t to,
		       uint64_t now_ns)
{
	struct dp_key *k = rt->key;
	struct dp_out *o = rt->out;
	const struct dp_history *h = &k->hist;
	uint64_t from = rt->cursor, oldest = h->head - dp_history_count(h);
	uint8_t q = o->shed ? SP_Q_DEGRADED : 0;
	struct dp_history_run run;
	uint32_t n;

	if (to <= from)
		return;
	rt->cursor = to;
	if (o->unjoined) {  /* nobody reads the feed: pass, send nothing */
		o->st.unsent += to - from;
		return;
	}
	if (oldest >= to)   /* nothing kept to send (no history memory) */
		return;
	if (k->mode == SP_MODE_LATEST && !o->every) {
		if (to - from > 1) {
			q |= SP_Q_CONFLATED;
			o->st.conflated += to - from - 1;
		}
		if (dp_history_run(h, to - 1, to, 1, &run))
			emit_run(r, rt, to - 1, 1, &run, q, 0);
	} else {
		if (from < oldest) {   /* the ring wrapped before we sent */
			o->st.overrun += oldest - from;
			from = oldest;
		}
		for (; from < to; from += n) {
			n = dp_history_span(h, from, to, MAX_RUN, &run,
					     r->run_buf, sizeof(r->run_buf));
			if (n == 0)
				break;
			emit_run(r, rt, from, n, &run, q, 0);
		}
	}
	sp_histo_add(&o->st.stale, now_ns > k->rx_ns ? now_ns - k->rx_ns : 0);
}

struct dp_route *dp_route_add(struct dp_router *r, struct dp_key *k,
			      struct dp_out *o, uint8_t level)
{
	struct dp_route *rt = r->free_routes;

	if (rt == NULL) {
		r->refused++;
		return NULL;
	}
	r->free_routes = rt->key_next;
	r->routes_used++;
	memset(rt, 0, sizeof(*rt));
	rt->key = k;
	rt->out = o;
	rt->level = level;
	rt->cursor = k->hist.head;
	rt->key_next = k->routes;
	k->routes = rt;
	rt->out_next = o->routes;
	if (o->routes)
		o->routes->out_prev = rt;
	o->routes = rt;
	o->nroutes++;
	return rt;
}

static void mark_dirty(struct dp_router *r, struct dp_route *rt,
		       enum dp_cadence c);

struct dp_route *dp_route_add_from(struct dp_router *r, struct dp_key *k,
				   struct dp_out *o, uint8_t level,
				   uint64_t cursor, uint64_t now_ns)
{
	struct dp_route *rt = dp_route_add(r, k, o, level);
	uint8_t lvl;

	if (rt == NULL || cursor >= k->hist.head)
		return rt;
	rt->cursor = cursor;
	lvl = effective(level, o->shed);
	if (lvl == SP_LEVEL_HIGH)
		send_range(r, rt, k->hist.head, now_ns);
	else if (lvl != SP_LEVEL_NONE)
		mark_dirty(r, rt, lvl == SP_LEVEL_MEDIUM ? DP_CAD_MEDIUM
							 : DP_CAD_LOW);
	return rt;
}

struct dp_route *dp_route_find(const struct dp_key *k, const struct dp_out *o)
{
	for (struct dp_route *rt = k->routes; rt; rt = rt->key_next)
		if (rt->out == o)
			return rt;
	return NULL;
}

static void mark_dirty(struct dp_router *r, struct dp_route *rt,
		       enum dp_cadence c)
{
	struct dp_out *o = rt->out;

	rt->dirty = 1;
	rt->dirty_next = o->dirty[c];
	o->dirty[c] = rt;
	if (!o->on_dirty[c]) {
		o->on_dirty[c] = 1;
		o->dirty_next[c] = r->dirty_outs[c];
		r->dirty_outs[c] = o;
	}
}

void dp_route_set_level(struct dp_router *r, struct dp_route *rt,
			uint8_t level, uint64_t now_ns)
{
	uint8_t was = effective(rt->level, rt->out->shed);

	rt->level = level;
	level = effective(level, rt->out->shed);
	/* From `none` nothing is owed: start at the current sample. */
	if (was == SP_LEVEL_NONE)
		rt->cursor = rt->key->hist.head;
	else if (level == SP_LEVEL_HIGH)
		send_range(r, rt, rt->key->hist.head, now_ns);
}

static void unlink_key(struct dp_route *rt)
{
	struct dp_route **pp = &rt->key->routes;

	while (*pp && *pp != rt)
		pp = &(*pp)->key_next;
	if (*pp)
		*pp = rt->key_next;
}

void dp_route_del(struct dp_router *r, struct dp_route *rt)
{
	struct dp_out *o = rt->out;

	unlink_key(rt);
	if (rt->out_prev)
		rt->out_prev->out_next = rt->out_next;
	else
		o->routes = rt->out_next;
	if (rt->out_next)
		rt->out_next->out_prev = rt->out_prev;
	o->nroutes--;
	if (rt->dirty)
		rt->dead = 1;   /* freed when its dirty list is walked */
	else
		free_route(r, rt);
}

void dp_out_clear(struct dp_router *r, struct dp_out *o)
{
	struct dp_route *rt, *next;

	for (int c = 0; c < DP_CAD__COUNT; c++) {
		for (rt = o->dirty[c]; rt; rt = next) {
			next = rt->dirty_next;
			rt->dirty = 0;
			if (rt->dead)
				free_route(r, rt);
		}
		o->dirty[c] = NULL;
		if (o->on_dirty[c]) {
			struct dp_out **pp = &r->dirty_outs[c];

			while (*pp && *pp != o)
				pp = &(*pp)->dirty_next[c];
			if (*pp)
				*pp = o->dirty_next[c];
			o->on_dirty[c] = 0;
		}
	}
	for (rt = o->routes; rt; rt = next) {
		next = rt->out_next;
		unlink_key(rt);
		free_route(r, rt);
	}
	o->routes = NULL;
	o->nroutes = 0;
}

void dp_router_sample(struct dp_router *r, struct dp_key *k,
		      const struct sp_record *rec, uint64_t now_ns)
{
	for (struct dp_route *rt = k->routes; rt; rt = rt->key_next) {
		struct dp_out *o = rt->out;
		uint8_t lvl = effective(rt->level, o->shed);

		o->st.offered += rec->nsamp;
		o->st.offered_bytes += SP_MSG_OVERHEAD + SP_REC_HDR_LEN +
				       sp_record_values_len(rec);
		if (lvl == SP_LEVEL_HIGH) {
			if (rt->cursor + rec->nsamp != k->hist.head) {
				/* something is owed from before: send all */
				send_range(r, rt, k->hist.head, now_ns);
				continue;
			}
			rt->cursor = k->hist.head;
			if (o->unjoined) {
				o->st.unsent += rec->nsamp;
				continue;
			}
			if (r->emit(r->ctx, o, 0, o->shed ? SP_Q_DEGRADED : 0,
				    k->sensor_id, (uint32_t)k->hist.head,
				    rec) == 0) {
				o->st.msgs++;
				o->st.samples += rec->nsamp;
				o->st.bytes += SP_MSG_OVERHEAD + SP_REC_HDR_LEN +
					       sp_record_values_len(rec);
			}
			sp_histo_add(&o->st.stale, now_ns > k->rx_ns ?
				     now_ns - k->rx_ns : 0);
		} else if (lvl != SP_LEVEL_NONE && !rt->dirty) {
			mark_dirty(r, rt, lvl == SP_LEVEL_MEDIUM ?
				   DP_CAD_MEDIUM : DP_CAD_LOW);
		}
	}
}

void dp_router_flush(struct dp_router *r, enum dp_cadence c, uint64_t now_ns)
{
	struct dp_out *o = r->dirty_outs[c], *onext;

	r->dirty_outs[c] = NULL;
	for (; o; o = onext) {
		struct dp_route *rt = o->dirty[c], *next, *n1, *n2;

		onext = o->dirty_next[c];
		o->on_dirty[c] = 0;
		o->dirty[c] = NULL;
		/* A list is a walk of misses at scale (a route, its key, its
		 * history, each somewhere else). Three steps in flight, each
		 * from what the step before brought: the route three ahead,
		 * the key two ahead, the history chunk one ahead. */
		n1 = rt ? rt->dirty_next : NULL;
		n2 = n1 ? n1->dirty_next : NULL;
		if (n1)
			__builtin_prefetch(n1->key);
		for (; rt; rt = next) {
			next = n1;
			if (n2) {
				__builtin_prefetch(n2->dirty_next);
				__builtin_prefetch(n2->key);
				__builtin_prefetch((const char *)n2->key + 64);
			}
			if (n1 && !n1->dead) {   /* as send_range reads it */
				__builtin_prefetch(n1->key->hist.cur);
				__builtin_prefetch(n1->key->hist.next);
			}
			n1 = n2;
			n2 = n2 ? n2->dirty_next : NULL;
			rt->dirty = 0;
			r->flush_walked++;
			if (rt->dead)
				free_route(r, rt);
			else if (effective(rt->level, o->shed) != SP_LEVEL_NONE)
				send_range(r, rt, rt->key->hist.head, now_ns);
		}
		o->st.flushes++;
		if (r->push)
			r->push(r->ctx, o);
	}
}

uint32_t dp_route_backfill(struct dp_router *r, struct dp_route *rt,
			   uint64_t from_ns, uint32_t max, uint64_t now_ns)
{
	const struct dp_history *h = &rt->key->hist;
	uint32_t have = dp_history_count(h), sent = 0, n;
	uint64_t i = h->head - have, end = rt->cursor;
	struct dp_history_run run;

	(void)now_ns;
	if (rt->out->unjoined)
		return 0;
	/* Replay what the route had not sent before it was raised: samples
	 * newer than from_ns and older than the route's cursor. */
	i = dp_history_seek(h, i, end, from_ns);
	for (; i < end && sent < max; i += n, sent++) {
		n = dp_history_span(h, i, end, MAX_RUN, &run, r->run_buf,
				     sizeof(r->run_buf));
		if (n == 0)
			break;
		emit_run(r, rt, i, n, &run, 0, SP_FF_BACKFILL);
	}
	return sent;
}

void dp_out_set_shed(struct dp_out *o, uint8_t shed)
{
	/* a recording is the last to be shed: not at all (what its queue
	 * refuses, the recorder reads back from history) */
	if (o->every)
		shed = 0;
	if (shed > o->shed)
		o->st.demotions += shed - o->shed;
	o->shed = shed;
}

uint64_t dp_router_bytes(const struct dp_router *r)
{
	return (uint64_t)r->routes_used * sizeof(struct dp_route);
}

void dp_out_stats_add(struct dp_out_stats *dst,
		      const struct dp_out_stats *src)
{
	dst->msgs += src->msgs;
	dst->samples += src->samples;
	dst->conflated += src->conflated;
	dst->unsent += src->unsent;
	dst->overrun += src->overrun;
	dst->offered += src->offered;
	dst->offered_bytes += src->offered_bytes;
	dst->bytes += src->bytes;
	dst->backfill_msgs += src->backfill_msgs;
	dst->backfill_bytes += src->backfill_bytes;
	dst->flushes += src->flushes;
	dst->demotions += src->demotions;
	sp_histo_merge(&dst->stale, &src->stale);
}
