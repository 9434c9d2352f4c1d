/*
 * dp_outputs.c - a worker's outputs (see dp_outputs.h).
 */
#include "dp_outputs.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_malloc.h>
#include <rte_prefetch.h>

static struct dp_lens *lens_of(struct dp_out *o)
{
	return o->tx;
}

/* On the shedding check's list (see dp_worker.h). */
static inline void activate(struct dp_worker *w, struct dp_lens *l)
{
	if (!l->active) {
		l->active = 1;
		w->active[w->nactive++] = l;
	}
}

static void touch(struct dp_worker *w, struct dp_lens *l)
{
	if (!l->touched) {
		l->touched = 1;
		w->touched[w->ntouched++] = l;
		activate(w, l);
	}
}

/*
 * Coalescing (the `coalesce` switch): a viewer's lens packet is not sent
 * at the end of the loop turn that wrote to it but when it is full
 * (dp_feed_add sends it) or when its oldest message has waited
 * feed.flush_us (PROTOCOL.md), so that a `high` lens gets several
 * messages a packet instead of one. Packets open in time order, so their
 * deadlines are a FIFO; an entry whose packet has gone since (full,
 * pushed, the lens ended) is stale and skipped. A full list falls back to
 * the per-turn push.
 */
static void defer(struct dp_worker *w, struct dp_lens *l)
{
	const struct dp_feed *f = &l->feed;

	activate(w, l);
	if (f->cur == NULL || l->due_open_tsc == f->cur_open_tsc)
		return;
	if (w->due_tail - w->due_head > w->due_mask) {
		touch(w, l);
		return;
	}
	w->due[w->due_tail++ & w->due_mask] =
		(struct dp_due){ .l = l, .open_tsc = f->cur_open_tsc };
	l->due_open_tsc = f->cur_open_tsc;
}

uint32_t dp_outputs_send_due(struct dp_worker *w)
{
	uint32_t sent = 0;

	while (w->due_head != w->due_tail) {
		const struct dp_due *d = &w->due[w->due_head & w->due_mask];
		struct dp_lens *l = d->l;
		struct dp_feed *f = &l->feed;

		if (f->cur != NULL && f->cur_open_tsc == d->open_tsc) {
			if (w->now_tsc - d->open_tsc < f->flush_tsc)
				break;   /* the rest opened later */
			dp_feed_flush(f, w->now_tsc);
			w->stats->feed_due_pkts++;
			sent++;
		}
		if (l->due_open_tsc == d->open_tsc)
			l->due_open_tsc = 0;
		w->due_head++;
	}
	return sent;
}

static int emit(void *ctx, struct dp_out *o, uint8_t flags, uint8_t q,
		uint64_t sensor, uint32_t version, const struct sp_record *r)
{
	struct dp_worker *w = ctx;
	struct dp_lens *l = lens_of(o);
	const struct dp_feed *f = &l->feed;
	int later = flags == 0 && o->kind == DP_OUT_LENS &&
		    (w->flags & DP_F_COALESCE);
	/* a packet from an earlier turn that this message can join */
	int joins = f->cur != NULL && f->cur_flags == flags &&
		    f->cur_open_tsc != w->now_tsc;
	int rc = dp_feed_add(&l->feed, flags, q, sensor, version, r,
			     w->now_tsc);

	if (later) {
		defer(w, l);
		if (rc > 0 && joins)
			w->stats->feed_coalesced++;
	} else {
		touch(w, l);
	}
	if (rc < 0) {
		w->stats->feed_lost += r->nsamp;
		return rc;
	}
	return 0;
}

static void push(void *ctx, struct dp_out *o)
{
	struct dp_worker *w = ctx;

	touch(w, lens_of(o));
}

uint32_t dp_outputs_push_touched(struct dp_worker *w)
{
	uint32_t n = w->ntouched;

	for (uint32_t i = 0; i < n; i++) {
		w->touched[i]->touched = 0;
		dp_feed_flush(&w->touched[i]->feed, w->now_tsc);
	}
	w->ntouched = 0;
	return n;
}

/* Feed @p slot (0 broadcast, 1..3 tiers, 4.. the lens pool) of worker
 * @p w: its retransmit slots. */
static struct dp_rtx_slot *rtx_slots(struct dp_worker *w, uint32_t slot)
{
	return w->rtx_mem ? w->rtx_mem + (size_t)slot * w->sh->cfg->rtx_pkts
			  : NULL;
}

static int feed_setup(struct dp_worker *w, struct dp_lens *l, uint32_t slot,
		      enum dp_out_kind kind, uint16_t feed_id, uint32_t ip,
		      uint16_t port, const uint8_t *mac)
{
	const struct sp_config *cfg = w->sh->cfg;
	struct rte_ether_addr ea;
	struct dp_feed_params fp = {
		.feed_id = feed_id,
		.session = dp_feed_session(w->sh->session, w->idx),
		.dst_ip = ip,
		.dst_port = port,
		.src_port = (uint16_t)cfg->feed_port,
		.ttl = (uint8_t)cfg->feed_ttl,
		.mtu = (uint16_t)cfg->mtu,
		.flush_us = cfg->flush_us,
		.heartbeat_ms = cfg->heartbeat_ms,
		.pool = w->sh->pool,
		.net = w->sh->net,
		.clock = w->sh->clock,
		.port_id = w->port_id,
		.queue_id = w->queue_id,
		.stats = w->stats,
		.rtx_slots = rtx_slots(w, slot),
		.rtx_n = cfg->rtx_pkts,
		.rtx_held = &w->rtx_held,
		.rtx_held_cap = cfg->rtx_mbufs,
		.loss = &w->loss,
	};

	if (mac) {
		memcpy(ea.addr_bytes, mac, 6);
		fp.dst_mac = &ea;
	}
	memset(l, 0, sizeof(*l));
	dp_out_init(&l->out, kind, feed_id, l);
	if (dp_feed_init(&l->feed, &fp) < 0)
		return -EINVAL;
	l->feed.rtx_warm = !!(w->flags & DP_F_RTXWARM);
	return 0;
}

static struct dp_lens *lens_alloc(struct dp_worker *w, enum dp_out_kind kind,
				  uint16_t feed_id, uint32_t ip, uint16_t port,
				  const uint8_t *mac)
{
	struct dp_lens *l = w->free_lens;

	if (l == NULL || w->by_feed[feed_id])
		return NULL;
	w->free_lens = l->next_free;
	if (feed_setup(w, l, 4 + (uint32_t)(l - w->lenses), kind, feed_id, ip,
		       port, mac) < 0) {
		l->next_free = w->free_lens;
		w->free_lens = l;
		return NULL;
	}
	w->by_feed[feed_id] = l;
	w->lenses_used++;
	return l;
}

/* The out is cleared of routes; end its feed and return it to the pool. */
static void lens_release(struct dp_worker *w, struct dp_lens *l)
{
	if (l->active) {   /* a control-path rarity: a walk is fine */
		for (uint32_t i = 0; i < w->nactive; i++) {
			if (w->active[i] == l) {
				w->active[i] = w->active[--w->nactive];
				break;
			}
		}
		l->active = 0;
	}
	dp_feed_end(&l->feed, w->now_tsc);
	w->by_feed[l->out.feed_id] = NULL;
	l->out.in_use = 0;
	l->next_free = w->free_lens;
	w->free_lens = l;
	w->lenses_used--;
}

/* With the `consumed` switch, a tier or sensor feed sends only while a
 * viewer holds a lease on it (ctl/dp_joins.h); lenses always do. */
static void consumed_apply(struct dp_worker *w, struct dp_out *o)
{
	uint16_t f = o->feed_id;

	o->unjoined = (w->flags & DP_F_CONSUMED) &&
		      (o->kind == DP_OUT_TIER || o->kind == DP_OUT_SENSOR) &&
		      !(w->joined[f / 64] & (1ull << (f % 64)));
}

void dp_outputs_joined(struct dp_worker *w, uint16_t feed_id, int joined)
{
	if (joined)
		w->joined[feed_id / 64] |= 1ull << (feed_id % 64);
	else
		w->joined[feed_id / 64] &= ~(1ull << (feed_id % 64));
	if (feed_id >= SP_LEVEL_LOW && feed_id <= SP_LEVEL_HIGH)
		consumed_apply(w, &w->tier[feed_id].out);
	else if (w->by_feed[feed_id])
		consumed_apply(w, &w->by_feed[feed_id]->out);
}

void dp_outputs_consumed_all(struct dp_worker *w)
{
	for (uint8_t l = SP_LEVEL_LOW; l <= SP_LEVEL_HIGH; l++)
		consumed_apply(w, &w->tier[l].out);
	for (uint32_t i = 0; i < w->sh->cfg->max_outs; i++)
		if (w->lenses[i].out.in_use)
			consumed_apply(w, &w->lenses[i].out);
}

void dp_outputs_rtx_warm_all(struct dp_worker *w)
{
	uint8_t on = !!(w->flags & DP_F_RTXWARM);

	w->bcast.feed.rtx_warm = on;
	for (uint8_t l = SP_LEVEL_LOW; l <= SP_LEVEL_HIGH; l++)
		w->tier[l].feed.rtx_warm = on;
	for (uint32_t i = 0; i < w->sh->cfg->max_outs; i++)
		if (w->lenses[i].out.in_use)
			w->lenses[i].feed.rtx_warm = on;
}

static struct dp_out *sensor_out(void *ctx, struct dp_sensor *s)
{
	struct dp_worker *w = ctx;
	uint16_t id = w->pending_sensor_feed;
	struct dp_lens *l;

	if (id == 0 || !w->sh->cfg->sensor_feeds)
		return NULL;
	l = lens_alloc(w, DP_OUT_SENSOR, id, w->sh->cfg->sensor_group | id,
		       (uint16_t)w->sh->cfg->feed_port, NULL);
	if (l == NULL) {
		w->stats->refused_outs++;
		s->out_refused = 1;   /* its subscriptions are not routed */
		return NULL;
	}
	consumed_apply(w, &l->out);
	return &l->out;
}

static void sensor_out_free(void *ctx, struct dp_sensor *s)
{
	lens_release(ctx, lens_of(s->sensor_out));
}

static void backfill(void *ctx, struct dp_route *rt)
{
	struct dp_worker *w = ctx;
	const struct sp_config *cfg = w->sh->cfg;
	uint64_t hz = w->sh->clock->hz, from;
	uint32_t n;

	if (!(w->flags & DP_F_BACKFILL) || cfg->backfill_ms == 0)
		return;
	/* token bucket: backfill_rate messages per second, that many at
	 * most at once */
	w->bf_tokens += (double)(w->now_tsc - w->bf_last_tsc) *
			cfg->backfill_rate / (double)hz;
	if (w->bf_tokens > cfg->backfill_rate)
		w->bf_tokens = cfg->backfill_rate;
	w->bf_last_tsc = w->now_tsc;
	if (w->bf_tokens < 1) {
		w->stats->backfill_limited++;
		return;
	}
	from = w->now_ns - (uint64_t)cfg->backfill_ms * 1000000ull;
	n = dp_route_backfill(&w->router, rt, from, (uint32_t)w->bf_tokens,
			      w->now_ns);
	w->bf_tokens -= n;
	w->stats->backfills++;
	touch(w, lens_of(rt->out));
}

int dp_outputs_init(struct dp_worker *w)
{
	const struct sp_config *cfg = w->sh->cfg;
	static const struct dp_attn_ops ops = { sensor_out, sensor_out_free,
						backfill };
	int socket = (int)rte_lcore_to_socket_id(w->lcore);
	uint32_t ninterests = cfg->max_subs + 4096;
	/* every out that can hold routes: lenses and sensor feeds, the
	 * broadcast feed and the tiers */
	uint32_t nouts = cfg->max_outs + 1 + SP_LEVEL_HIGH;

	w->route_mem = rte_zmalloc_socket("dp_routes", (size_t)cfg->max_routes *
			sizeof(struct dp_route), RTE_CACHE_LINE_SIZE, socket);
	/* allocated whatever the switch, so that it can flip at run time */
	w->dirty_mem = rte_zmalloc_socket("dp_dirty", dp_router_vec_size(
			cfg->max_routes, nouts), RTE_CACHE_LINE_SIZE, socket);
	w->interest_mem = rte_zmalloc_socket("dp_interests", (size_t)ninterests *
			sizeof(struct dp_interest), RTE_CACHE_LINE_SIZE, socket);
	w->lenses = rte_zmalloc_socket("dp_lenses", (size_t)cfg->max_outs *
			sizeof(struct dp_lens), RTE_CACHE_LINE_SIZE, socket);
	w->by_feed = rte_zmalloc_socket("dp_by_feed", 65536 * sizeof(void *),
					RTE_CACHE_LINE_SIZE, socket);
	w->touched = rte_zmalloc_socket("dp_touched", (size_t)(cfg->max_outs +
			8) * sizeof(void *), RTE_CACHE_LINE_SIZE, socket);
	w->due_mask = (uint32_t)rte_align32pow2(2 * (cfg->max_outs + 8)) - 1;
	w->due = rte_zmalloc_socket("dp_due", (size_t)(w->due_mask + 1) *
			sizeof(struct dp_due), RTE_CACHE_LINE_SIZE, socket);
	w->active = rte_zmalloc_socket("dp_active", (size_t)(cfg->max_outs +
			8) * sizeof(void *), RTE_CACHE_LINE_SIZE, socket);
	w->joined = rte_zmalloc_socket("dp_joined", 65536 / 8,
				       RTE_CACHE_LINE_SIZE, socket);
	if (!w->route_mem || !w->dirty_mem || !w->interest_mem || !w->lenses ||
	    !w->by_feed || !w->touched || !w->due || !w->active || !w->joined)
		return -ENOMEM;
	for (uint32_t i = cfg->max_outs; i-- > 0;) {
		w->lenses[i].next_free = w->free_lens;
		w->free_lens = &w->lenses[i];
	}
	dp_router_init(&w->router, w->route_mem, cfg->max_routes, emit, push,
		       w);
	dp_router_vec_init(&w->router, w->dirty_mem, nouts);
	dp_router_set_vec(&w->router, !!(w->flags & DP_F_DIRTYVEC));
	dp_attn_init(&w->attn, &w->router, w->interest_mem, ninterests, &ops,
		     w);
	if (cfg->rtx_pkts) {
		w->rtx_mem = rte_zmalloc_socket("dp_rtx", (size_t)(4 +
				cfg->max_outs) * cfg->rtx_pkts *
				sizeof(struct dp_rtx_slot), RTE_CACHE_LINE_SIZE,
				socket);
		if (w->rtx_mem == NULL)
			return -ENOMEM;
	}
	if (feed_setup(w, &w->bcast, 0, DP_OUT_BROADCAST, 0, cfg->feed_group,
		       (uint16_t)cfg->feed_port, NULL) < 0)
		return -EINVAL;
	for (uint8_t l = SP_LEVEL_LOW; l <= SP_LEVEL_HIGH; l++) {
		if (feed_setup(w, &w->tier[l], l, DP_OUT_TIER, l,
			       cfg->tier_group + l, (uint16_t)cfg->feed_port,
			       NULL) < 0)
			return -EINVAL;
		w->tier[l].out.level = l;
		/* without tier feeds a key's attention still sets its level
		 * (hints, sensor feeds); it just has no tier route */
		w->attn.tier[l] = cfg->tier_feeds ? &w->tier[l].out : NULL;
	}
	w->attn.lenses_on = !!(w->flags & DP_F_LENSES);
	w->bf_tokens = cfg->backfill_rate;
	dp_outputs_consumed_all(w);
	return 0;
}

void dp_outputs_free(struct dp_worker *w)
{
	rte_free(w->route_mem);
	rte_free(w->dirty_mem);
	rte_free(w->interest_mem);
	rte_free(w->lenses);
	rte_free(w->by_feed);
	rte_free(w->touched);
	rte_free(w->due);
	rte_free(w->active);
	rte_free(w->joined);
	rte_free(w->rtx_mem);
}

void dp_outputs_broadcast(struct dp_worker *w, uint64_t sensor,
		       uint32_t version, const struct sp_record *r)
{
	struct dp_out_stats *st = &w->bcast.out.st;
	uint32_t bytes = SP_MSG_OVERHEAD + SP_REC_HDR_LEN +
			 sp_record_values_len(r);

	st->offered += r->nsamp;
	st->offered_bytes += bytes;
	if (dp_feed_add(&w->bcast.feed, 0, 0, sensor, version, r,
			w->now_tsc) < 0) {
		w->stats->feed_lost += r->nsamp;
		return;
	}
	st->msgs++;
	st->samples += r->nsamp;
	st->bytes += bytes;
}

void dp_outputs_tick(struct dp_worker *w)
{
	w->stats->loss_dropped = w->loss.dropped;
	w->stats->loss_duped = w->loss.duped;
	w->stats->loss_reordered = w->loss.reordered;
	for (uint8_t l = SP_LEVEL_LOW; l <= SP_LEVEL_HIGH; l++)
		dp_feed_tick(&w->tier[l].feed, w->now_tsc);
	for (uint32_t i = 0; i < w->sh->cfg->max_outs; i++) {
		struct dp_lens *l = &w->lenses[i];
		uint64_t bytes = l->feed.bytes, fail = l->feed.tx_fail;

		if (!l->out.in_use)
			continue;
		dp_feed_tick(&l->feed, w->now_tsc);
		/* a heartbeat or a held packet sent: the shedding check
		 * counts it */
		if (l->feed.bytes != bytes || l->feed.tx_fail != fail)
			activate(w, l);
	}
}

static void shed_one(struct dp_worker *w, struct dp_lens *l,
		     uint64_t interval_tsc)
{
	const struct sp_config *cfg = w->sh->cfg;
	struct dp_out *o = &l->out;
	double rate = (double)(l->feed.bytes - l->shed_bytes) *
		      (double)w->sh->clock->hz / (double)interval_tsc;
	uint64_t fail = l->feed.tx_fail - l->shed_fail;
	uint64_t recover = dp_clock_us_to_tsc(w->sh->clock,
				(uint64_t)cfg->shed_recover_ms * 1000);

	l->shed_bytes = l->feed.bytes;
	l->shed_fail = l->feed.tx_fail;
	if (!(w->flags & DP_F_SHEDDING)) {
		o->shed = 0;
		return;
	}
	if (rate > (double)cfg->out_max_bytes_s || fail) {
		if (o->shed < 2) {
			dp_out_set_shed(o, (uint8_t)(o->shed + 1));
			w->stats->demotions++;
		}
		l->calm_since = w->now_tsc;
	} else if (o->shed && rate <= (double)cfg->out_max_bytes_s / 2) {
		if (w->now_tsc - l->calm_since >= recover) {
			dp_out_set_shed(o, (uint8_t)(o->shed - 1));
			l->calm_since = w->now_tsc;
		}
	} else {
		l->calm_since = w->now_tsc;
	}
}

/*
 * Every lens used to be looked at every check (10 064 at B2 x100, twenty
 * times a second, each a few misses). A lens whose feed sent nothing
 * since the last check and that is not shed comes out of it as it went
 * in: its byte and failure marks already equal its feed's, the rate is 0
 * and only its calm_since moves, which nothing reads while it is not
 * shed (it is set when shedding starts). So the check walks the lenses
 * that sent (touch and the tick put them on the list) and those still
 * shed, which stay on it.
 */
void dp_outputs_shed_check(struct dp_worker *w, uint64_t interval_tsc)
{
	uint32_t n = w->nactive;

	for (uint8_t l = SP_LEVEL_LOW; l <= SP_LEVEL_HIGH; l++)
		shed_one(w, &w->tier[l], interval_tsc);
	w->nactive = 0;
	for (uint32_t i = 0; i < n; i++) {
		struct dp_lens *l = w->active[i];

		if (i + 8 < n)
			rte_prefetch0(w->active[i + 8]);
		l->active = 0;
		shed_one(w, l, interval_tsc);
		if (l->out.shed)
			activate(w, l);   /* at or below i: not seen again */
	}
}

int dp_outputs_lens_add(struct dp_worker *w, uint16_t feed_id, uint32_t ip,
		     uint16_t port, const uint8_t *mac, int every)
{
	struct dp_lens *l = NULL;

	if (feed_id >= DP_FEED_FIRST_DYNAMIC_ID)
		l = lens_alloc(w, DP_OUT_LENS, feed_id, ip, port, mac);
	if (l == NULL) {
		w->stats->refused_outs++;
		return -ENOSPC;
	}
	l->out.every = every ? 1 : 0;
	return 0;
}

int dp_outputs_lens_del(struct dp_worker *w, uint16_t feed_id)
{
	struct dp_lens *l = w->by_feed[feed_id];

	if (l == NULL || l->out.kind != DP_OUT_LENS)
		return -ENOENT;
	dp_out_clear(&w->router, &l->out);
	lens_release(w, l);
	return 0;
}

void dp_outputs_end(struct dp_worker *w)
{
	dp_router_flush(&w->router, DP_CAD_MEDIUM, w->now_ns);
	dp_router_flush(&w->router, DP_CAD_LOW, w->now_ns);
	dp_outputs_push_touched(w);
	dp_feed_end(&w->bcast.feed, w->now_tsc);
	for (uint8_t l = SP_LEVEL_LOW; l <= SP_LEVEL_HIGH; l++)
		dp_feed_end(&w->tier[l].feed, w->now_tsc);
	for (uint32_t i = 0; i < w->sh->cfg->max_outs; i++)
		if (w->lenses[i].out.in_use)
			dp_feed_end(&w->lenses[i].feed, w->now_tsc);
	dp_outputs_tick(w);   /* the last loss figures */
}

uint64_t dp_outputs_bytes(const struct dp_worker *w)
{
	return dp_router_bytes(&w->router) +
	       (uint64_t)w->lenses_used * sizeof(struct dp_lens) +
	       (uint64_t)w->attn.interests_used * sizeof(struct dp_interest);
}
