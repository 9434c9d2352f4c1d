/*
 * dp_route.c - routes, dirty lists and vectors, conflation from the
 * history ring (see dp_route.h).
 */
#include "dp_route.h"

#include <errno.h>
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
	r->pool = routes;
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

	if (r->vec) {
		/* the pool is sized never to run dry (dp_router_vec_size);
		 * if it did, the route stays clean and its next sample
		 * marks it again: late, nothing lost */
		if (dp_dirty_append(&r->blk, &o->dvec[c],
				    (uint32_t)(rt - r->pool)) < 0)
			return;
	} else {
		rt->dirty_next = o->dirty[c];
		o->dirty[c] = rt;
	}
	rt->dirty = 1;
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

/* A route leaves a dirty list or vector unwalked: a dead one is freed. */
static void undirty(struct dp_router *r, struct dp_route *rt)
{
	rt->dirty = 0;
	if (rt->dead)
		free_route(r, rt);
}

/* Take every route off the vector whose newest block is @p b, newest
 * first (as the lists go), and give its blocks back. */
static void vec_clear(struct dp_router *r, struct dp_dirty_blk *b)
{
	struct dp_dirty_blk *next;

	for (; b; b = next) {
		next = b->next;
		for (uint32_t i = b->n; i-- > 0;)
			undirty(r, &r->pool[b->rt[i]]);
		dp_dirty_put(&r->blk, b);
	}
}

void dp_out_clear(struct dp_router *r, struct dp_out *o)
{
	struct dp_route *rt, *next;

	for (int c = 0; c < DP_CAD__COUNT; c++) {
		if (r->vec) {
			vec_clear(r, o->dvec[c]);
		} else {
			for (rt = o->dirty[c]; rt; rt = next) {
				next = rt->dirty_next;
				undirty(r, rt);
			}
		}
		o->dirty[c] = NULL;   /* and dvec[c] */
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

/* Send what a dirty route owes (a dead one is freed): a flush's step. */
static void flush_route(struct dp_router *r, struct dp_route *rt,
			const struct dp_out *o, uint64_t now_ns)
{
	rt->dirty = 0;
	r->flush_walked++;
	if (rt->dead)
		free_route(r, rt);
	else if (effective(rt->level, o->shed) != SP_LEVEL_NONE)
		send_range(r, rt, rt->key->hist.head, now_ns);
}

/* The end of an out's part of a flush. */
static void flush_done(struct dp_router *r, struct dp_out *o)
{
	o->st.flushes++;
	if (r->push)
		r->push(r->ctx, o);
}

static void flush_list(struct dp_router *r, enum dp_cadence c,
		       uint64_t now_ns)
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
			flush_route(r, rt, o, now_ns);
		}
		flush_done(r, o);
	}
}

/*
 * A vector flush in two passes. Gather: the dirty outs in list order,
 * each out's entries newest first (its blocks newest first, each block
 * from its last entry), into r->walk, the blocks back to the pool: the
 * order the lists give. Walk: entry i is sent while the route of entry
 * i + ROUTE_AHEAD, the key lines of i + KEY_AHEAD and the history of
 * i + HIST_AHEAD are on their way, each asked for from a line asked for
 * a few entries earlier (about a DRAM latency at ~100-500 cycles an
 * entry), so three misses an entry overlap instead of following one
 * another.
 */
#define ROUTE_AHEAD 24
#define KEY_AHEAD 16
#define HIST_AHEAD 8

/* Up to r->nouts dirty outs of cadence @p c into r->walk_outs, their
 * entries into r->walk. @return the outs gathered. */
static uint32_t vec_gather(struct dp_router *r, enum dp_cadence c)
{
	struct dp_out *o = r->dirty_outs[c], *n1 = o ? o->dirty_next[c] : NULL;
	uint32_t n = 0, no = 0;

	if (n1)
		__builtin_prefetch(n1);
	for (; o && no < r->nouts; o = n1) {
		struct dp_dirty_blk *b = o->dvec[c], *next;

		/* the next out's line came during this one's; the one after
		 * it and the next out's newest block start now */
		n1 = o->dirty_next[c];
		if (n1) {
			if (n1->dirty_next[c])
				__builtin_prefetch(n1->dirty_next[c]);
			__builtin_prefetch(n1->dvec[c]);
		}
		o->on_dirty[c] = 0;
		o->dvec[c] = NULL;
		for (; b; b = next) {
			next = b->next;
			if (next)
				__builtin_prefetch(next);
			for (uint32_t i = b->n; i-- > 0;)
				r->walk[n++] = b->rt[i];
			dp_dirty_put(&r->blk, b);
		}
		r->walk_outs[no].o = o;
		r->walk_outs[no++].end = n;
	}
	r->dirty_outs[c] = o;
	return no;
}

/* A prefetch the compiler keeps: with link-time optimisation GCC 12
 * dropped every __builtin_prefetch of the walk below (seen in the
 * binary's disassembly, and in a profile where each entry met its route,
 * key and history lines as misses). */
#if defined(__x86_64__)
#define PF(p) __asm__ volatile("prefetcht0 %0" : : "m"(*(const char *)(p)))
#else
#define PF(p) __builtin_prefetch(p)
#endif

static inline void vec_prefetch(const struct dp_router *r, uint32_t i,
				uint32_t n)
{
	const struct dp_route *rt;

	if (i + ROUTE_AHEAD < n)
		PF(&r->pool[r->walk[i + ROUTE_AHEAD]]);
	if (i + KEY_AHEAD < n) {
		rt = &r->pool[r->walk[i + KEY_AHEAD]];
		if (!rt->dead) {
			PF(rt->key);
			PF((const char *)rt->key + 64);
		}
	}
	if (i + HIST_AHEAD < n) {
		rt = &r->pool[r->walk[i + HIST_AHEAD]];
		/* the chunk's header and its newest value, which a
		 * `latest` route sends */
		if (!rt->dead && rt->key->hist.cur) {
			PF(rt->key->hist.cur);
			PF(rt->key->hist.next - 1);
		}
	}
}

static void flush_vec(struct dp_router *r, enum dp_cadence c,
		      uint64_t now_ns)
{
	/* more outs than r->nouts (a caller's mistake) take more rounds */
	while (r->dirty_outs[c]) {
		uint32_t no = vec_gather(r, c), i = 0;
		uint32_t n = r->walk_outs[no - 1].end;

		for (uint32_t j = 0; j < no; j++) {
			struct dp_out *o = r->walk_outs[j].o;

			for (; i < r->walk_outs[j].end; i++) {
				vec_prefetch(r, i, n);
				flush_route(r, &r->pool[r->walk[i]], o,
					    now_ns);
			}
			flush_done(r, o);
		}
	}
}

void dp_router_flush(struct dp_router *r, enum dp_cadence c, uint64_t now_ns)
{
	if (r->vec)
		flush_vec(r, c, now_ns);
	else
		flush_list(r, c, now_ns);
}

size_t dp_router_vec_size(uint32_t nroutes, uint32_t nouts)
{
	/* Every entry of a vector is a distinct route of the pool: a route
	 * is appended only while not dirty, and is dirty until a flush or
	 * dp_out_clear() takes it off (a route deleted meanwhile stays,
	 * dead, until then). So the vectors hold at most nroutes entries,
	 * in at most two vectors an out (one a cadence); a flush gathers
	 * one cadence's, at most nroutes entries of at most nouts outs. */
	return (size_t)dp_dirty_blocks(nroutes, 2 * nouts) *
	       sizeof(struct dp_dirty_blk) +
	       (size_t)nouts * sizeof(struct dp_walk_out) +
	       (size_t)nroutes * sizeof(uint32_t);
}

void dp_router_vec_init(struct dp_router *r, void *mem, uint32_t nouts)
{
	uint32_t nblk = dp_dirty_blocks(r->nroutes, 2 * nouts);
	struct dp_dirty_blk *blk = mem;

	dp_dirty_pool_init(&r->blk, blk, nblk);
	r->walk_outs = (struct dp_walk_out *)(blk + nblk);
	r->walk = (uint32_t *)(r->walk_outs + nouts);
	r->nouts = nouts;
}

/* Out @p o's list of cadence @p c becomes a vector in the same order:
 * the list runs newest first, so its routes are appended from its end. */
static void list_to_vec(struct dp_router *r, struct dp_out *o,
			enum dp_cadence c)
{
	uint32_t n = 0;

	for (struct dp_route *rt = o->dirty[c]; rt; rt = rt->dirty_next)
		r->walk[n++] = (uint32_t)(rt - r->pool);
	o->dvec[c] = NULL;
	while (n-- > 0)
		if (dp_dirty_append(&r->blk, &o->dvec[c], r->walk[n]) < 0)
			undirty(r, &r->pool[r->walk[n]]);
}

/* And back: the vector read newest first is the list from its head. */
static void vec_to_list(struct dp_router *r, struct dp_out *o,
			enum dp_cadence c)
{
	struct dp_dirty_blk *b = o->dvec[c], *next;
	struct dp_route **tail = &o->dirty[c];

	*tail = NULL;
	for (; b; b = next) {
		next = b->next;
		for (uint32_t i = b->n; i-- > 0;) {
			*tail = &r->pool[b->rt[i]];
			tail = &(*tail)->dirty_next;
		}
		dp_dirty_put(&r->blk, b);
	}
	*tail = NULL;
}

int dp_router_set_vec(struct dp_router *r, int on)
{
	on = !!on;
	if (on == r->vec)
		return 0;
	if (on && (r->walk == NULL || r->nouts == 0))
		return -ENOMEM;
	for (int c = 0; c < DP_CAD__COUNT; c++)
		for (struct dp_out *o = r->dirty_outs[c]; o;
		     o = o->dirty_next[c]) {
			if (on)
				list_to_vec(r, o, (enum dp_cadence)c);
			else
				vec_to_list(r, o, (enum dp_cadence)c);
		}
	r->vec = (uint8_t)on;
	return 0;
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
	return (uint64_t)r->routes_used * sizeof(struct dp_route) +
	       (uint64_t)r->blk.used * sizeof(struct dp_dirty_blk);
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
