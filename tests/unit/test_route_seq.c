/*
 * test_route_seq.c - a sequence oracle for the router: one seeded scenario
 * (2 000 keys, latest and all, 200 outs of every kind, every level,
 * shedding, unjoined and recording outs, routes added, moved, raised,
 * deleted while dirty, outs cleared, backfill, MEDIUM and LOW flushes
 * interleaved) whose every message, push and figure is folded into one
 * digest, checked against the digest the router gave when the test was
 * written. A change to the router's internals (how it keeps dirty routes,
 * how it walks them) must not change what goes out, nor its order: this
 * fails on any such change, and the log's length says it checked a lot.
 *
 * A change that means to alter what goes out updates DIGEST, saying why.
 *
 * The scenario runs three ways: dirty lists, dirty vectors, and the
 * `dirtyvec` switch flipped at odd moments (the router converting what is
 * dirty each time). All three must give the recorded digest.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dp_route.h"
#include "sp_catalog.h"
#include "sp_feed.h"
#include "sp_level.h"
#include "unit.h"

/* Recorded from the router at 04f1d93 (linked dirty lists). */
#define DIGEST 0xdee22469ee74d15eull

enum { NKEYS = 2000, NOUTS = 200, NROUTES = 11500, STEPS = 2400 };
enum { NTIER = 3, NSENSOR = 40 };   /* outs 0-2 tiers, 3-42 sensor feeds */

/* How the router keeps its dirty routes during the run. */
enum way { LISTS, VECTORS, FLIPPING };

struct seq {
	uint64_t rng;
	uint64_t h;                /* FNV-1a over everything observed */
	uint64_t nlog;             /* messages offered to the sender, pushes */
	uint64_t nmsgs, nrefused, npush;
	uint64_t quality_seen;     /* SP_Q_* bits seen */
	uint64_t dirty_deleted;    /* routes deleted while on a dirty list */
	uint64_t dirty_cleared;    /* outs cleared while on a dirty list */
	uint64_t now_ns;
	struct dp_router r;
	struct dp_key keys[NKEYS];
	uint64_t next_t[NKEYS];
	struct dp_out outs[NOUTS];
	struct dp_route *live[NROUTES];
	uint32_t nlive;
	uint32_t blk_peak;         /* vector blocks in use, at most */
	uint32_t flips, flips_dirty;   /* of them with both cadences dirty */
};

static struct dp_route routes[NROUTES];
static struct seq S;
static uint8_t *arena;
static void *vec_mem;

static uint64_t rnd(struct seq *s)
{
	s->rng ^= s->rng >> 12;
	s->rng ^= s->rng << 25;
	s->rng ^= s->rng >> 27;
	return s->rng * 0x2545f4914f6cdd1dull;
}

static void fold(struct seq *s, uint64_t v)
{
	for (int i = 0; i < 8; i++, v >>= 8) {
		s->h ^= v & 0xff;
		s->h *= 0x100000001b3ull;
	}
}

static int seq_emit(void *ctx, struct dp_out *o, uint8_t flags,
		    uint8_t quality, uint64_t sensor, uint32_t version,
		    const struct sp_record *rec)
{
	struct seq *s = ctx;
	uint32_t len = sp_record_values_len(rec);

	s->nlog++;
	s->nmsgs++;
	s->quality_seen |= quality;
	fold(s, 1);
	fold(s, (uint64_t)(o - s->outs));
	fold(s, flags);
	fold(s, quality);
	fold(s, sensor);
	fold(s, version);
	fold(s, rec->attr_id);
	fold(s, (uint64_t)rec->vtype << 8 | rec->dim);
	fold(s, rec->nsamp);
	fold(s, rec->t0_ns);
	fold(s, rec->dt_ns);
	for (uint32_t i = 0; i < len; i++)
		fold(s, rec->values[i]);
	/* the sender refuses some, as a full TX queue would: those are not
	 * counted as sent */
	if ((s->nmsgs * 0x9e3779b97f4a7c15ull) >> 58 == 0) {
		s->nrefused++;
		return -1;
	}
	return 0;
}

static void seq_push(void *ctx, struct dp_out *o)
{
	struct seq *s = ctx;

	s->nlog++;
	s->npush++;
	fold(s, 2);
	fold(s, (uint64_t)(o - s->outs));
}

static void fold_stats(struct seq *s)
{
	for (int i = 0; i < NOUTS; i++) {
		const struct dp_out_stats *st = &s->outs[i].st;

		fold(s, 3);
		fold(s, (uint64_t)i);
		fold(s, st->msgs);
		fold(s, st->samples);
		fold(s, st->conflated);
		fold(s, st->unsent);
		fold(s, st->overrun);
		fold(s, st->offered);
		fold(s, st->offered_bytes);
		fold(s, st->bytes);
		fold(s, st->backfill_msgs);
		fold(s, st->backfill_bytes);
		fold(s, st->flushes);
		fold(s, st->demotions);
		fold(s, st->stale.count);
		fold(s, st->stale.sum_ns);
		fold(s, st->stale.max_ns);
		fold(s, st->stale.min_ns);
		for (uint32_t b = 0; b < SP_HISTO_BUCKETS; b++)
			if (st->stale.b[b])
				fold(s, (uint64_t)b << 32 | st->stale.b[b]);
		fold(s, s->outs[i].nroutes);
	}
	fold(s, s->r.routes_used);
	fold(s, s->r.refused);
	fold(s, s->r.flush_walked);
}

static void live_drop(struct seq *s, uint32_t i)
{
	s->live[i] = s->live[--s->nlive];
}

static void add_route(struct seq *s, struct dp_key *k, struct dp_out *o,
		      uint8_t level)
{
	struct dp_route *rt;

	if (dp_route_find(k, o))
		return;
	rt = dp_route_add(&s->r, k, o, level);
	fold(s, rt != NULL);
	if (rt)
		s->live[s->nlive++] = rt;
}

static uint8_t rnd_level(struct seq *s)
{
	uint64_t p = rnd(s) % 100;

	return p < 10 ? SP_LEVEL_NONE : p < 50 ? SP_LEVEL_LOW :
	       p < 85 ? SP_LEVEL_MEDIUM : SP_LEVEL_HIGH;
}

static void setup(struct seq *s, enum way way)
{
	size_t total = 0, off = 0, vsize;

	memset(s, 0, sizeof(*s));
	s->rng = 0x5eed22c0ffee2211ull;
	s->h = 0xcbf29ce484222325ull;
	s->now_ns = 1000000000ull;
	dp_router_init(&s->r, routes, NROUTES, seq_emit, seq_push, s);
	vsize = (dp_router_vec_size(NROUTES, NOUTS) + 63) & ~(size_t)63;
	free(vec_mem);
	vec_mem = aligned_alloc(64, vsize);
	CU_ASSERT_PTR_NOT_NULL_FATAL(vec_mem);
	dp_router_vec_init(&s->r, vec_mem, NOUTS);
	CU_ASSERT_EQUAL(dp_router_set_vec(&s->r, way == VECTORS), 0);
	for (int i = 0; i < NKEYS; i++) {
		uint32_t depth = i % 97 == 0 ? 0 : (uint32_t[]){ 8, 16, 64 }[i % 3];
		unsigned int dim = i % 7 == 0 ? 3 : 1;

		total += (dp_history_mem_size(depth, dim * 4) + 63) & ~(size_t)63;
	}
	free(arena);
	arena = calloc(1, total);
	CU_ASSERT_PTR_NOT_NULL_FATAL(arena);
	for (int i = 0; i < NKEYS; i++) {
		struct dp_key *k = &s->keys[i];
		uint32_t depth = i % 97 == 0 ? 0 : (uint32_t[]){ 8, 16, 64 }[i % 3];
		unsigned int dim = i % 7 == 0 ? 3 : 1;
		size_t len = dp_history_mem_size(depth, dim * 4);

		k->sensor_id = 1000 + (uint64_t)i / 5;
		k->attr_id = (uint16_t)(i % 5 + 1);
		k->mode = i % 5 < 3 ? SP_MODE_LATEST : SP_MODE_ALL;
		k->vtype = SP_VT_F32;
		k->dim = (uint8_t)dim;
		dp_history_init(&k->hist, len ? arena + off : NULL, depth,
				dim * 4);
		off += (len + 63) & ~(size_t)63;
		s->next_t[i] = s->now_ns - 5000000;
	}
	for (int o = 0; o < NOUTS; o++) {
		enum dp_out_kind kind = o < NTIER ? DP_OUT_TIER :
			o < NTIER + NSENSOR ? DP_OUT_SENSOR : DP_OUT_LENS;

		dp_out_init(&s->outs[o], kind, (uint16_t)(1 + o), NULL);
		if (o < NTIER)
			s->outs[o].level = (uint8_t)(SP_LEVEL_LOW + o);
		if (kind == DP_OUT_LENS && o % 20 == 0)
			s->outs[o].every = 1;
	}
	/* tiers: two keys in three, at their level */
	for (int i = 0; i < NKEYS; i++)
		if (i % 3)
			add_route(s, &s->keys[i], &s->outs[i % NTIER],
				  (uint8_t)(SP_LEVEL_LOW + i % NTIER));
	/* sensor feeds: the five keys of one sensor each */
	for (int o = NTIER; o < NTIER + NSENSOR; o++) {
		int first = (o * 37 % (NKEYS / 5)) * 5;

		for (int a = 0; a < 5; a++)
			add_route(s, &s->keys[first + a], &s->outs[o],
				  rnd_level(s));
	}
	/* lenses: 20-119 keys each, a few hot keys among them */
	for (int o = NTIER + NSENSOR; o < NOUTS; o++) {
		uint64_t n = 20 + rnd(s) % 100;

		for (uint64_t j = 0; j < n; j++) {
			uint64_t i = j % 4 ? rnd(s) % NKEYS : rnd(s) % 50;

			add_route(s, &s->keys[i], &s->outs[o], rnd_level(s));
		}
	}
}

/* A record of 1-4 samples at key @p i: evenly spaced mostly, now and then
 * jittered or after a gap, so the history has regular and explicit
 * chunks and runs that span them. */
static void arrive(struct seq *s, uint32_t i)
{
	struct dp_key *k = &s->keys[i];
	uint16_t n = (uint16_t)(k->mode == SP_MODE_ALL ? 1 + rnd(s) % 4 : 1);
	uint64_t p = rnd(s) % 100, dt = 250000;
	float vals[4 * 3];
	uint8_t enc[sizeof(vals)];
	struct sp_record rec = { .attr_id = k->attr_id, .vtype = k->vtype,
		.dim = k->dim, .nsamp = n, .dt_ns = n > 1 ? (uint32_t)dt : 0,
		.values = enc };

	if (p < 5)
		s->next_t[i] += 3000000000ull;      /* a gap */
	else if (p < 15)
		s->next_t[i] += rnd(s) % 40000;     /* jitter */
	rec.t0_ns = s->next_t[i];
	s->next_t[i] += n * dt;
	for (unsigned int v = 0; v < n * k->dim; v++)
		vals[v] = (float)(rnd(s) % 100000) / 8.0f;
	sp_values_encode(SP_VT_F32, (size_t)n * k->dim, vals, enc);
	dp_history_push_record(&k->hist, &rec);
	k->version += n;
	k->rx_ns = s->now_ns - rnd(s) % 3000000;
	dp_router_sample(&s->r, k, &rec, s->now_ns);
}

static void flush(struct seq *s, enum dp_cadence c)
{
	fold(s, 4);
	fold(s, c);
	dp_router_flush(&s->r, c, s->now_ns);
}

static void clear_out(struct seq *s, struct dp_out *o)
{
	s->dirty_cleared += o->on_dirty[DP_CAD_MEDIUM] ||
			    o->on_dirty[DP_CAD_LOW];
	for (uint32_t i = s->nlive; i-- > 0;)
		if (s->live[i]->out == o)
			live_drop(s, i);
	dp_out_clear(&s->r, o);
}

/* One of the changes the control path makes, now and then. */
static void change(struct seq *s)
{
	uint64_t p = rnd(s) % 1000;
	struct dp_route *rt;
	uint32_t li;

	if (s->nlive == 0)
		return;
	li = (uint32_t)(rnd(s) % s->nlive);
	rt = s->live[li];
	if (p < 20) {
		dp_out_set_shed(&s->outs[rnd(s) % NOUTS], (uint8_t)(rnd(s) % 3));
	} else if (p < 70) {
		dp_route_set_level(&s->r, rt, rnd_level(s), s->now_ns);
	} else if (p < 110) {
		s->dirty_deleted += rt->dirty;
		live_drop(s, li);
		dp_route_del(&s->r, rt);
	} else if (p < 190) {
		add_route(s, &s->keys[rnd(s) % NKEYS],
			  &s->outs[NTIER + rnd(s) % (NOUTS - NTIER)],
			  rnd_level(s));
	} else if (p < 205) {
		/* a route moves to another out, owing what it had not sent */
		struct dp_key *k = rt->key;
		struct dp_out *to = &s->outs[NTIER + NSENSOR +
					     rnd(s) % (NOUTS - NTIER - NSENSOR)];
		uint64_t cursor = rt->cursor;
		uint8_t level = rt->level;

		if (dp_route_find(k, to))
			return;
		s->dirty_deleted += rt->dirty;
		live_drop(s, li);
		dp_route_del(&s->r, rt);
		rt = dp_route_add_from(&s->r, k, to, level, cursor, s->now_ns);
		fold(s, rt != NULL);
		if (rt)
			s->live[s->nlive++] = rt;
	} else if (p < 215) {
		fold(s, dp_route_backfill(&s->r, rt, s->now_ns - 20000000,
					  (uint32_t)(1 + rnd(s) % 4),
					  s->now_ns));
	} else if (p < 219) {
		clear_out(s, &s->outs[NTIER + rnd(s) % (NOUTS - NTIER)]);
	} else if (p < 229) {
		struct dp_out *o = &s->outs[rnd(s) % (NTIER + NSENSOR)];

		o->unjoined = !o->unjoined;
	}
}

/* FLIPPING: the switch flips at one of four points of a step, often with
 * routes dirty on both cadences. Drawn from the step, not from the
 * scenario's generator, so that the scenario is the same. */
static void maybe_flip(struct seq *s, enum way way, uint32_t step,
		       uint32_t point)
{
	uint32_t h = (step * 2654435761u) >> 20;

	if (way == FLIPPING && h % 5 == 0 && (h >> 3) % 4 == point) {
		s->flips++;
		s->flips_dirty += s->r.dirty_outs[DP_CAD_MEDIUM] &&
				  s->r.dirty_outs[DP_CAD_LOW];
		CU_ASSERT_EQUAL(dp_router_set_vec(&s->r, !s->r.vec), 0);
	}
	if (s->r.blk.used > s->blk_peak)
		s->blk_peak = s->r.blk.used;
}

/* The scenario; its digest in @p digest, the log's length @return. */
static uint64_t run(enum way way, uint64_t *digest)
{
	struct seq *s = &S;

	setup(s, way);
	for (uint32_t step = 0; step < STEPS; step++) {
		s->now_ns += 1000000;
		maybe_flip(s, way, step, 0);
		for (int a = 0; a < 30; a++) {
			arrive(s, (uint32_t)(rnd(s) % 3 ? rnd(s) % NKEYS :
					     rnd(s) % 50));
			if (a == 14)
				maybe_flip(s, way, step, 1);
		}
		maybe_flip(s, way, step, 2);
		for (int c = 0; c < 6; c++)
			change(s);
		maybe_flip(s, way, step, 3);
		if (step % 50 == 7)
			flush(s, DP_CAD_MEDIUM);
		if (step % 200 == 23)
			flush(s, DP_CAD_LOW);
		if (step % 200 == 107) {   /* both in one turn, low first */
			flush(s, DP_CAD_LOW);
			flush(s, DP_CAD_MEDIUM);
		}
		if (rnd(s) % 100 == 0)
			flush(s, (enum dp_cadence)(rnd(s) % 2));
		if (step % 200 == 199)
			fold_stats(s);
	}
	flush(s, DP_CAD_MEDIUM);
	flush(s, DP_CAD_LOW);
	fold_stats(s);
	/* everything comes back */
	for (int o = 0; o < NOUTS; o++)
		clear_out(s, &s->outs[o]);
	CU_ASSERT_EQUAL(s->r.routes_used, 0);
	CU_ASSERT_EQUAL(s->nlive, 0);
	/* every block back, none ever refused */
	CU_ASSERT_EQUAL(s->r.blk.used, 0);
	CU_ASSERT_EQUAL(s->r.blk.dry, 0);
	CU_ASSERT(s->blk_peak <= s->r.blk.nblk);
	fold_stats(s);
	*digest = s->h;
	return s->nlog;
}

/* What the scenario reached, so that the digest is not of a quiet run. */
static void check_coverage(const struct seq *s)
{
	struct dp_out_stats t;

	memset(&t, 0, sizeof(t));
	for (int o = 0; o < NOUTS; o++)
		dp_out_stats_add(&t, &s->outs[o].st);
	CU_ASSERT(s->nmsgs > 50000);
	CU_ASSERT(s->npush > 1000);
	CU_ASSERT(s->nrefused > 0);
	CU_ASSERT(t.conflated > 0);
	CU_ASSERT(t.overrun > 0);
	CU_ASSERT(t.unsent > 0);
	CU_ASSERT(t.backfill_msgs > 0);
	CU_ASSERT(t.demotions > 0);
	CU_ASSERT(s->quality_seen & SP_Q_CONFLATED);
	CU_ASSERT(s->quality_seen & SP_Q_DEGRADED);
	CU_ASSERT(s->dirty_deleted > 100);
	CU_ASSERT(s->dirty_cleared > 0);
	CU_ASSERT(s->r.refused > 0);
}

static void sequence(enum way way)
{
	static const char *const name[] = { "lists", "vectors", "flipping" };
	uint64_t digest, n = run(way, &digest);

	printf("\n    %s: %" PRIu64 " messages and pushes (%" PRIu64
	       " messages, %" PRIu64 " refused by the sender, %" PRIu64
	       " routes deleted while dirty, %" PRIu64 " outs cleared while "
	       "dirty, %" PRIu64 " walked, %u blocks at most, %u flips, %u "
	       "with both cadences dirty), digest 0x%016" PRIx64 " ",
	       name[way], n, S.nmsgs, S.nrefused, S.dirty_deleted,
	       S.dirty_cleared, S.r.flush_walked, S.blk_peak, S.flips,
	       S.flips_dirty, digest);
	check_coverage(&S);
	if (way == FLIPPING)
		CU_ASSERT(S.flips_dirty > 100);
	CU_ASSERT_EQUAL(S.blk_peak > 0, way != LISTS);
	CU_ASSERT_EQUAL(digest, DIGEST);
	free(arena);
	arena = NULL;
	free(vec_mem);
	vec_mem = NULL;
}

static void test_sequence_lists(void)
{
	sequence(LISTS);
}

static void test_sequence_vectors(void)
{
	sequence(VECTORS);
}

static void test_sequence_flipping(void)
{
	sequence(FLIPPING);
}

void suite_routeseq(void)
{
	static const CU_TestInfo tests[] = {
		{ "the recorded sequence: dirty lists", test_sequence_lists },
		{ "the same: dirty vectors", test_sequence_vectors },
		{ "the same: the switch flipped on the way",
		  test_sequence_flipping },
		CU_TEST_INFO_NULL,
	};
	unit_add("routeseq", tests);
}
