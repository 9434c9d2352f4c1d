/*
 * test_route.c - routing by level with a fake feed writer: high sends at
 * once, medium/low conflate until their flush (latest vs all), flushes walk
 * only dirty routes, removal frees memory, shedding order, backfill. Each
 * runs with dirty lists and again with dirty vectors (the `dirtyvec`
 * switch); then the vectors' own: the block pool's bound, more outs than
 * the memory was sized for, the switch flipped with routes dirty.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dp_route.h"
#include "sp_catalog.h"
#include "sp_feed.h"
#include "sp_level.h"
#include "unit.h"

struct sent {
	struct dp_out *out;
	uint8_t flags, quality;
	uint64_t sensor;
	uint32_t version;
	uint16_t nsamp;
	uint64_t t0;
	uint32_t dt;
	float first;
};

static struct sent log_[100000];
static unsigned int nlog, npush;

static int fake_emit(void *ctx, struct dp_out *out, uint8_t flags,
		     uint8_t quality, uint64_t sensor, uint32_t version,
		     const struct sp_record *r)
{
	(void)ctx;
	if (nlog < sizeof(log_) / sizeof(log_[0]))
		log_[nlog++] = (struct sent){ out, flags, quality, sensor,
			version, r->nsamp, r->t0_ns, r->dt_ns,
			(float)sp_value_get(r->values, r->vtype, 0) };
	return 0;
}

static void fake_push(void *ctx, struct dp_out *out)
{
	(void)ctx;
	(void)out;
	npush++;
}

#define NROUTES 200000
static struct dp_route routes[NROUTES];
static struct dp_router R;
static int vec_on;             /* this suite's way: vectors, or lists */
static void *R_mem;

/* @p r over @p n routes at @p rt, with memory for dirty vectors of up to
 * @p nouts outs in *@p mem (freed first), using them when @p vec. */
static void router_init(struct dp_router *r, struct dp_route *rt, uint32_t n,
			uint32_t nouts, int vec, void **mem)
{
	size_t len = (dp_router_vec_size(n, nouts) + 63) & ~(size_t)63;

	dp_router_init(r, rt, n, fake_emit, fake_push, NULL);
	free(*mem);
	*mem = aligned_alloc(64, len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(*mem);
	dp_router_vec_init(r, *mem, nouts);
	CU_ASSERT_EQUAL(dp_router_set_vec(r, vec), 0);
	CU_ASSERT_EQUAL(r->vec, !!vec);
}

static void reset_to(uint32_t nouts, int vec)
{
	nlog = npush = 0;
	router_init(&R, routes, NROUTES, nouts, vec, &R_mem);
}

static void reset(void)
{
	reset_to(1024, vec_on);
}

/* A key with a history ring of @p depth f32 scalars. */
static void key_init_sized(struct dp_key *k, uint64_t sensor, uint8_t mode,
			   uint32_t depth, void *mem, size_t len)
{
	CU_ASSERT_FATAL(dp_history_mem_size(depth, 4) <= len);
	memset(k, 0, sizeof(*k));
	k->sensor_id = sensor;
	k->attr_id = 7;
	k->mode = mode;
	k->vtype = SP_VT_F32;
	k->dim = 1;
	dp_history_init(&k->hist, mem, depth, 4);
}

/* @p mem an array: its size checked against what the depth needs */
#define key_init(k, sensor, mode, depth, mem) \
	key_init_sized(k, sensor, mode, depth, mem, sizeof(mem))

/* A record of @p n samples, values v, v+1, ..., arrives at key @p k. */
static void arrive(struct dp_key *k, uint16_t n, uint64_t t0, float v)
{
	uint8_t enc[4 * 64];
	float vals[64];
	struct sp_record r = { .attr_id = k->attr_id, .vtype = SP_VT_F32,
		.dim = 1, .nsamp = n, .t0_ns = t0, .dt_ns = n > 1 ? 1000 : 0,
		.values = enc };

	for (int i = 0; i < n; i++)
		vals[i] = v + (float)i;
	sp_values_encode(SP_VT_F32, n, vals, enc);
	dp_history_push_record(&k->hist, &r);
	k->version += n;
	k->rx_ns = t0;
	dp_router_sample(&R, k, &r, t0);
}

static void test_high_immediate(void)
{
	static uint64_t mem[256];
	struct dp_key k;
	struct dp_out o;

	reset();
	key_init(&k, 5, SP_MODE_LATEST, 64, mem);
	dp_out_init(&o, DP_OUT_TIER, 3, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(dp_route_add(&R, &k, &o, SP_LEVEL_HIGH));
	arrive(&k, 1, 100, 1.0f);
	CU_ASSERT_EQUAL(nlog, 1);
	arrive(&k, 3, 200, 2.0f);
	CU_ASSERT_EQUAL_FATAL(nlog, 2);
	CU_ASSERT_EQUAL(log_[0].version, 1);
	CU_ASSERT_EQUAL(log_[1].version, 4);
	CU_ASSERT_EQUAL(log_[1].nsamp, 3);
	CU_ASSERT_EQUAL(log_[1].quality, 0);
	dp_router_flush(&R, DP_CAD_MEDIUM, 300);
	CU_ASSERT_EQUAL(nlog, 2);   /* nothing was dirty */
	CU_ASSERT_EQUAL(o.st.msgs, 2);
	CU_ASSERT_EQUAL(o.st.samples, 4);
}

static void test_latest_conflates(void)
{
	static uint64_t mem[256];
	struct dp_key k;
	struct dp_out o;

	reset();
	key_init(&k, 5, SP_MODE_LATEST, 64, mem);
	dp_out_init(&o, DP_OUT_TIER, 2, NULL);
	dp_route_add(&R, &k, &o, SP_LEVEL_MEDIUM);
	for (int i = 0; i < 10; i++)
		arrive(&k, 1, 100 + (uint64_t)i * 10, (float)i);
	CU_ASSERT_EQUAL(nlog, 0);   /* nothing before the flush */
	dp_router_flush(&R, DP_CAD_LOW, 500);
	CU_ASSERT_EQUAL(nlog, 0);   /* wrong cadence */
	dp_router_flush(&R, DP_CAD_MEDIUM, 500);
	CU_ASSERT_EQUAL_FATAL(nlog, 1);
	CU_ASSERT_EQUAL(log_[0].first, 9.0f);       /* the newest */
	CU_ASSERT_EQUAL(log_[0].version, 10);       /* 9 skipped on purpose */
	CU_ASSERT_EQUAL(log_[0].quality, SP_Q_CONFLATED);
	CU_ASSERT_EQUAL(o.st.conflated, 9);
	CU_ASSERT_EQUAL(npush, 1);
	/* one new sample: not conflated */
	arrive(&k, 1, 300, 42.0f);
	dp_router_flush(&R, DP_CAD_MEDIUM, 600);
	CU_ASSERT_EQUAL_FATAL(nlog, 2);
	CU_ASSERT_EQUAL(log_[1].quality, 0);
	CU_ASSERT_EQUAL(log_[1].version, 11);
	/* a flush with nothing new sends nothing */
	dp_router_flush(&R, DP_CAD_MEDIUM, 700);
	CU_ASSERT_EQUAL(nlog, 2);
}

static void test_all_batches(void)
{
	static uint64_t mem[1024];
	struct dp_key k;
	struct dp_out o;
	uint32_t total = 0;

	reset();
	key_init(&k, 9, SP_MODE_ALL, 256, mem);
	dp_out_init(&o, DP_OUT_LENS, 20, NULL);
	dp_route_add(&R, &k, &o, SP_LEVEL_LOW);
	/* 5 records of 10 evenly spaced samples: one run of 50 */
	for (int i = 0; i < 5; i++)
		arrive(&k, 10, 1000000 + (uint64_t)i * 10000, (float)(i * 10));
	dp_router_flush(&R, DP_CAD_LOW, 2000000);
	CU_ASSERT_EQUAL_FATAL(nlog, 1);
	CU_ASSERT_EQUAL(log_[0].nsamp, 50);
	CU_ASSERT_EQUAL(log_[0].dt, 1000);
	CU_ASSERT_EQUAL(log_[0].t0, 1000000);
	CU_ASSERT_EQUAL(log_[0].version, 50);
	CU_ASSERT_EQUAL(log_[0].quality, 0);
	/* a gap in time starts a new record; every sample still goes */
	arrive(&k, 4, 3000000, 100);
	arrive(&k, 4, 9000000, 200);
	dp_router_flush(&R, DP_CAD_LOW, 9000001);
	CU_ASSERT_EQUAL_FATAL(nlog, 3);
	for (unsigned int i = 0; i < nlog; i++)
		total += log_[i].nsamp;
	CU_ASSERT_EQUAL(total, 58);
	CU_ASSERT_EQUAL(log_[2].version, 58);
	CU_ASSERT_EQUAL(log_[2].first, 200);
	CU_ASSERT_EQUAL(o.st.conflated, 0);
}

static void test_all_overrun_counted(void)
{
	static uint64_t mem[64];
	struct dp_key k;
	struct dp_out o;

	reset();
	key_init(&k, 9, SP_MODE_ALL, 16, mem);
	dp_out_init(&o, DP_OUT_LENS, 20, NULL);
	dp_route_add(&R, &k, &o, SP_LEVEL_LOW);
	for (int i = 0; i < 10; i++)
		arrive(&k, 10, (uint64_t)i * 10000, 0);
	dp_router_flush(&R, DP_CAD_LOW, 1);
	/* 100 arrived, at least the depth (16) kept: the rest overran */
	CU_ASSERT(dp_history_count(&k.hist) >= 16);
	CU_ASSERT(dp_history_count(&k.hist) < 100);
	CU_ASSERT_EQUAL(o.st.overrun, 100 - dp_history_count(&k.hist));
	CU_ASSERT_EQUAL(o.st.samples, dp_history_count(&k.hist));
}

/* 1000 outs x 100 routes, 1 % of keys dirty: the flush visits exactly
 * the dirty routes. */
static void test_flush_is_o_dirty(void)
{
	enum { NKEYS = 1000, NOUTS = 1000 };
	static struct dp_key keys[NKEYS];
	static uint64_t mem[NKEYS][32];
	static struct dp_out outs[NOUTS];
	uint64_t walked0;

	reset();
	for (int i = 0; i < NKEYS; i++)
		key_init(&keys[i], (uint64_t)i + 1, SP_MODE_LATEST, 8, mem[i]);
	for (int o = 0; o < NOUTS; o++) {
		dp_out_init(&outs[o], DP_OUT_LENS, (uint16_t)(16 + o), NULL);
		for (int j = 0; j < 100; j++)
			CU_ASSERT_PTR_NOT_NULL_FATAL(dp_route_add(&R,
				&keys[(o * 7 + j * 13) % NKEYS], &outs[o],
				SP_LEVEL_MEDIUM));
	}
	CU_ASSERT_EQUAL(R.routes_used, 100000);
	walked0 = R.flush_walked;
	for (int i = 0; i < NKEYS; i += 100)   /* 10 keys = 1 % */
		arrive(&keys[i], 1, 50, 1);
	dp_router_flush(&R, DP_CAD_MEDIUM, 100);
	/* each key is on 100 routes on average: walked == messages sent */
	CU_ASSERT_EQUAL(R.flush_walked - walked0, nlog);
	CU_ASSERT(nlog > 0 && nlog < 2000);
	walked0 = R.flush_walked;
	dp_router_flush(&R, DP_CAD_MEDIUM, 200);
	CU_ASSERT_EQUAL(R.flush_walked, walked0);   /* nothing dirty */
}

static void test_remove(void)
{
	static uint64_t mem[2][64];
	struct dp_key k1, k2;
	struct dp_out a, b;
	struct dp_route *rt;
	uint32_t before;

	reset();
	before = R.routes_used;
	key_init(&k1, 1, SP_MODE_LATEST, 16, mem[0]);
	key_init(&k2, 2, SP_MODE_LATEST, 16, mem[1]);
	dp_out_init(&a, DP_OUT_LENS, 20, NULL);
	dp_out_init(&b, DP_OUT_LENS, 21, NULL);
	rt = dp_route_add(&R, &k1, &a, SP_LEVEL_MEDIUM);
	dp_route_add(&R, &k2, &a, SP_LEVEL_LOW);
	dp_route_add(&R, &k1, &b, SP_LEVEL_MEDIUM);
	CU_ASSERT_EQUAL(R.routes_used, before + 3);
	CU_ASSERT_PTR_EQUAL(dp_route_find(&k1, &a), rt);
	arrive(&k1, 1, 10, 1);
	arrive(&k2, 1, 10, 1);
	/* delete a dirty route: it is not sent, and freed at the flush */
	dp_route_del(&R, rt);
	CU_ASSERT_PTR_NULL(dp_route_find(&k1, &a));
	dp_router_flush(&R, DP_CAD_MEDIUM, 20);
	CU_ASSERT_EQUAL_FATAL(nlog, 1);
	CU_ASSERT_PTR_EQUAL(log_[0].out, &b);
	CU_ASSERT_EQUAL(R.routes_used, before + 2);
	/* clearing an out with dirty routes: memory back, nothing sent */
	dp_out_clear(&R, &a);
	CU_ASSERT_EQUAL(R.routes_used, before + 1);
	CU_ASSERT_PTR_NULL(R.dirty_outs[DP_CAD_LOW]);
	dp_router_flush(&R, DP_CAD_LOW, 30);
	CU_ASSERT_EQUAL(nlog, 1);
	CU_ASSERT_PTR_NULL(k2.routes);
	dp_out_clear(&R, &b);
	CU_ASSERT_EQUAL(R.routes_used, before);
	CU_ASSERT_PTR_NULL(k1.routes);
}

static void test_shedding_order(void)
{
	static uint64_t mem[3][64];
	struct dp_key kh, km, kl;
	struct dp_out o;

	reset();
	key_init(&kh, 1, SP_MODE_LATEST, 16, mem[0]);
	key_init(&km, 2, SP_MODE_LATEST, 16, mem[1]);
	key_init(&kl, 3, SP_MODE_LATEST, 16, mem[2]);
	dp_out_init(&o, DP_OUT_TIER, 1, NULL);
	dp_route_add(&R, &kh, &o, SP_LEVEL_HIGH);
	dp_route_add(&R, &km, &o, SP_LEVEL_MEDIUM);
	dp_route_add(&R, &kl, &o, SP_LEVEL_LOW);

	dp_out_set_shed(&o, 1);   /* low first */
	arrive(&kh, 1, 1, 1);
	arrive(&km, 1, 1, 1);
	arrive(&kl, 1, 1, 1);
	CU_ASSERT_EQUAL(nlog, 1);   /* high, at once */
	CU_ASSERT_EQUAL(log_[0].quality, SP_Q_DEGRADED);
	dp_router_flush(&R, DP_CAD_MEDIUM, 2);
	dp_router_flush(&R, DP_CAD_LOW, 2);
	CU_ASSERT_EQUAL_FATAL(nlog, 2);   /* medium yes, low shed */
	CU_ASSERT_EQUAL(log_[1].sensor, 2);

	dp_out_set_shed(&o, 2);   /* then medium to the low cadence */
	CU_ASSERT_EQUAL(o.st.demotions, 2);
	arrive(&km, 1, 3, 2);
	dp_router_flush(&R, DP_CAD_MEDIUM, 4);
	CU_ASSERT_EQUAL(nlog, 2);
	dp_router_flush(&R, DP_CAD_LOW, 4);
	CU_ASSERT_EQUAL_FATAL(nlog, 3);
	CU_ASSERT_EQUAL(log_[2].sensor, 2);
	CU_ASSERT_EQUAL(log_[2].quality, SP_Q_DEGRADED);
	arrive(&kh, 1, 5, 1);
	CU_ASSERT_EQUAL(nlog, 4);   /* high is never shed */

	dp_out_set_shed(&o, 0);   /* recovered: low catches up, clean */
	arrive(&kl, 1, 6, 7);
	dp_router_flush(&R, DP_CAD_LOW, 7);
	CU_ASSERT_EQUAL_FATAL(nlog, 5);
	CU_ASSERT_EQUAL(log_[4].sensor, 3);
	CU_ASSERT_EQUAL(log_[4].first, 7.0f);
	CU_ASSERT_EQUAL(log_[4].quality, SP_Q_CONFLATED);
	CU_ASSERT_EQUAL(o.st.demotions, 2);
}

static void test_levels_and_backfill(void)
{
	static uint64_t mem[256];
	struct dp_key k;
	struct dp_out o;
	struct dp_route *rt;

	reset();
	key_init(&k, 4, SP_MODE_ALL, 64, mem);
	dp_out_init(&o, DP_OUT_LENS, 30, NULL);
	rt = dp_route_add(&R, &k, &o, SP_LEVEL_NONE);
	for (int i = 0; i < 20; i++)
		arrive(&k, 1, 1000 + (uint64_t)i * 100, (float)i);
	CU_ASSERT_EQUAL(nlog, 0);   /* none: history only */
	/* none -> high: nothing old is owed ... */
	dp_route_set_level(&R, rt, SP_LEVEL_HIGH, 3000);
	CU_ASSERT_EQUAL(nlog, 0);
	/* ... but backfill replays the window before the raise */
	CU_ASSERT_EQUAL(dp_route_backfill(&R, rt, 2500, 100, 3000), 1);
	CU_ASSERT_EQUAL_FATAL(nlog, 1);
	CU_ASSERT_EQUAL(log_[0].flags, SP_FF_BACKFILL);
	CU_ASSERT_EQUAL(log_[0].nsamp, 5);          /* t = 2500..2900 */
	CU_ASSERT_EQUAL(log_[0].t0, 2500);
	CU_ASSERT_EQUAL(log_[0].version, 20);
	CU_ASSERT_EQUAL(o.st.backfill_msgs, 1);
	arrive(&k, 1, 3100, 99);
	CU_ASSERT_EQUAL(nlog, 2);
	CU_ASSERT_EQUAL(log_[1].flags, 0);
	/* high -> medium -> high sends what is pending at once */
	dp_route_set_level(&R, rt, SP_LEVEL_MEDIUM, 3200);
	arrive(&k, 1, 3200, 100);
	arrive(&k, 1, 3300, 101);
	CU_ASSERT_EQUAL(nlog, 2);
	dp_route_set_level(&R, rt, SP_LEVEL_HIGH, 3400);
	CU_ASSERT_EQUAL_FATAL(nlog, 3);
	CU_ASSERT_EQUAL(log_[2].nsamp, 2);
	CU_ASSERT_EQUAL(log_[2].version, 23);
	/* the dirty mark left behind sends nothing twice */
	dp_router_flush(&R, DP_CAD_MEDIUM, 3500);
	CU_ASSERT_EQUAL(nlog, 3);
}

static void test_pool_exhaustion(void)
{
	static struct dp_route few[2];
	static uint64_t mem[64];
	struct dp_router r;
	struct dp_key k;
	struct dp_out a, b, c;
	void *vmem = NULL;

	router_init(&r, few, 2, 3, vec_on, &vmem);
	key_init(&k, 1, SP_MODE_LATEST, 16, mem);
	dp_out_init(&a, DP_OUT_LENS, 20, NULL);
	dp_out_init(&b, DP_OUT_LENS, 21, NULL);
	dp_out_init(&c, DP_OUT_LENS, 22, NULL);
	CU_ASSERT_PTR_NOT_NULL(dp_route_add(&r, &k, &a, SP_LEVEL_LOW));
	CU_ASSERT_PTR_NOT_NULL(dp_route_add(&r, &k, &b, SP_LEVEL_LOW));
	CU_ASSERT_EQUAL(r.refused, 0);
	CU_ASSERT_PTR_NULL(dp_route_add(&r, &k, &c, SP_LEVEL_LOW));
	CU_ASSERT_PTR_NULL(dp_route_add_from(&r, &k, &c, SP_LEVEL_HIGH, 0, 0));
	CU_ASSERT_EQUAL(r.refused, 2);   /* each refusal counts */
	dp_out_clear(&r, &a);
	CU_ASSERT_PTR_NOT_NULL(dp_route_add(&r, &k, &c, SP_LEVEL_LOW));
	CU_ASSERT_EQUAL(r.refused, 2);
	free(vmem);
}

/* An out nobody joined passes its samples: nothing sent, nothing owed,
 * counted; joined again, it sends from the next sample on. */
static void test_unjoined_passes(void)
{
	static uint64_t mem[256], mem2[256];
	struct dp_key k, a;
	struct dp_out hi, med;

	reset();
	key_init(&k, 5, SP_MODE_LATEST, 64, mem);
	key_init(&a, 6, SP_MODE_ALL, 64, mem2);
	dp_out_init(&hi, DP_OUT_TIER, 3, NULL);
	dp_out_init(&med, DP_OUT_TIER, 2, NULL);
	dp_route_add(&R, &k, &hi, SP_LEVEL_HIGH);
	dp_route_add(&R, &a, &med, SP_LEVEL_MEDIUM);
	hi.unjoined = med.unjoined = 1;
	arrive(&k, 1, 100, 1.0f);
	arrive(&k, 2, 200, 2.0f);
	arrive(&a, 5, 300, 3.0f);
	dp_router_flush(&R, DP_CAD_MEDIUM, 400);
	CU_ASSERT_EQUAL(nlog, 0);
	CU_ASSERT_EQUAL(hi.st.unsent, 3);
	CU_ASSERT_EQUAL(med.st.unsent, 5);
	CU_ASSERT_EQUAL(hi.st.offered, 3);
	CU_ASSERT_EQUAL(hi.st.msgs + med.st.msgs, 0);
	/* backfill to an unjoined out sends nothing either */
	CU_ASSERT_EQUAL(dp_route_backfill(&R, dp_route_find(&a, &med), 0,
					  100, 500), 0);
	hi.unjoined = med.unjoined = 0;
	arrive(&k, 1, 500, 9.0f);
	CU_ASSERT_EQUAL_FATAL(nlog, 1);
	CU_ASSERT_EQUAL(log_[0].version, 4);
	CU_ASSERT_EQUAL(log_[0].nsamp, 1);   /* nothing owed from before */
	arrive(&a, 2, 600, 7.0f);
	dp_router_flush(&R, DP_CAD_MEDIUM, 700);
	CU_ASSERT_EQUAL_FATAL(nlog, 2);
	CU_ASSERT_EQUAL(log_[1].nsamp, 2);
	CU_ASSERT_EQUAL(log_[1].first, 7.0f);
}

/* A recording out (every): a `latest` key's samples all go, batched at
 * the flush, versions advancing by nsamp, and shedding leaves it alone. */
static void test_every_records_latest(void)
{
	static uint64_t mem[256];
	struct dp_key k;
	struct dp_out o;
	uint32_t samples = 0;

	reset();
	key_init(&k, 5, SP_MODE_LATEST, 64, mem);
	dp_out_init(&o, DP_OUT_LENS, 40, NULL);
	o.every = 1;
	dp_route_add(&R, &k, &o, SP_LEVEL_MEDIUM);
	dp_out_set_shed(&o, 2);
	CU_ASSERT_EQUAL(o.shed, 0);         /* never shed */
	for (int i = 0; i < 10; i++)
		arrive(&k, 1, 100 + (uint64_t)i * 1000, (float)i);
	CU_ASSERT_EQUAL(nlog, 0);           /* batched until the flush */
	dp_router_flush(&R, DP_CAD_MEDIUM, 20000);
	CU_ASSERT_FATAL(nlog >= 1);
	for (unsigned int m = 0; m < nlog; m++) {
		samples += log_[m].nsamp;
		CU_ASSERT_EQUAL(log_[m].quality, 0);
		CU_ASSERT_EQUAL(log_[m].version, samples);
	}
	CU_ASSERT_EQUAL(samples, 10);
	CU_ASSERT_EQUAL(log_[0].first, 0.0f);
	CU_ASSERT_EQUAL(o.st.conflated, 0);
}

/* Keys without history (the router marks and walks; nothing to send). */
static struct dp_key bare[100000];

static void sample_bare(struct dp_router *r, uint32_t i)
{
	static const uint8_t v[4];
	const struct sp_record rec = { .attr_id = 7, .vtype = SP_VT_F32,
		.dim = 1, .nsamp = 1, .values = v };

	dp_router_sample(r, &bare[i], &rec, 1);
}

/* The pool's bound, reached: one out, 100 000 routes dirty, all but one
 * at one cadence, so both its vectors have a partly used block. */
static void test_vec_bound_one_out(void)
{
	enum { N = 100000 };
	struct dp_router r;
	struct dp_out o;
	void *mem = NULL;

	memset(bare, 0, sizeof(bare));
	router_init(&r, routes, N, 1, 1, &mem);
	CU_ASSERT_EQUAL(r.blk.nblk, N / DP_DIRTY_BLK_N + 2);
	dp_out_init(&o, DP_OUT_LENS, 20, NULL);
	for (uint32_t i = 0; i < N; i++)
		CU_ASSERT_PTR_NOT_NULL_FATAL(dp_route_add(&r, &bare[i], &o,
			i ? SP_LEVEL_MEDIUM : SP_LEVEL_LOW));
	for (uint32_t i = 0; i < N; i++)
		sample_bare(&r, i);
	/* ceil(99 999 / 13) + 1: every block, none refused */
	CU_ASSERT_EQUAL(r.blk.used, (N - 1 + 12) / 13 + 1);
	CU_ASSERT_EQUAL(r.blk.used, r.blk.nblk);
	CU_ASSERT_EQUAL(r.blk.dry, 0);
	dp_router_flush(&r, DP_CAD_MEDIUM, 2);
	CU_ASSERT_EQUAL(r.flush_walked, N - 1);
	CU_ASSERT_EQUAL(r.blk.used, 1);
	dp_router_flush(&r, DP_CAD_LOW, 2);
	CU_ASSERT_EQUAL(r.flush_walked, N);
	CU_ASSERT_EQUAL(r.blk.used, 0);
	CU_ASSERT_EQUAL(o.st.flushes, 2);
	/* dirty again, then cleared: blocks and routes back */
	for (uint32_t i = 0; i < N; i++)
		sample_bare(&r, i);
	CU_ASSERT_EQUAL(r.blk.used, r.blk.nblk);
	dp_out_clear(&r, &o);
	CU_ASSERT_EQUAL(r.blk.used, 0);
	CU_ASSERT_EQUAL(r.routes_used, 0);
	CU_ASSERT_PTR_NULL(r.dirty_outs[DP_CAD_MEDIUM]);
	CU_ASSERT_PTR_NULL(r.dirty_outs[DP_CAD_LOW]);
	CU_ASSERT_EQUAL(r.blk.dry, 0);
	free(mem);
}

/* And the other end: 10 000 outs, one dirty route at each cadence each,
 * a block per route. */
static void test_vec_bound_many_outs(void)
{
	enum { NO = 10000 };
	static struct dp_out os[NO];
	struct dp_router r;
	void *mem = NULL;

	memset(bare, 0, sizeof(bare));
	router_init(&r, routes, 2 * NO, NO, 1, &mem);
	for (uint32_t o = 0; o < NO; o++) {
		dp_out_init(&os[o], DP_OUT_LENS, (uint16_t)(16 + o), NULL);
		dp_route_add(&r, &bare[2 * o], &os[o], SP_LEVEL_MEDIUM);
		dp_route_add(&r, &bare[2 * o + 1], &os[o], SP_LEVEL_LOW);
	}
	for (uint32_t i = 0; i < 2 * NO; i++)
		sample_bare(&r, i);
	CU_ASSERT_EQUAL(r.blk.used, 2 * NO);
	CU_ASSERT(r.blk.used <= r.blk.nblk);
	CU_ASSERT_EQUAL(r.blk.dry, 0);
	npush = 0;
	dp_router_flush(&r, DP_CAD_MEDIUM, 2);
	CU_ASSERT_EQUAL(npush, NO);
	CU_ASSERT_EQUAL(r.blk.used, NO);
	for (uint32_t o = 0; o < NO; o += 2)
		dp_out_clear(&r, &os[o]);
	CU_ASSERT_EQUAL(r.blk.used, NO / 2);
	dp_router_flush(&r, DP_CAD_LOW, 3);
	CU_ASSERT_EQUAL(npush, NO + NO / 2);
	CU_ASSERT_EQUAL(r.blk.used, 0);
	CU_ASSERT_EQUAL(r.flush_walked, NO + NO / 2);
	CU_ASSERT_EQUAL(r.blk.dry, 0);
	free(mem);
}

/* 10 outs, 13 routes each from 130 keys (every other one low), samples
 * on every key in three rounds, with MEDIUM and LOW flushes, and the
 * switch flipped at those of the 6 points between that @p flips has a bit
 * set for. */
static unsigned int small_scenario(uint32_t nouts, int vec, unsigned int flips)
{
	static struct dp_key ks[130];
	static uint64_t mem[130][64];
	static struct dp_out os[10];
	unsigned int point = 0;

	reset_to(nouts, vec);
	for (int i = 0; i < 130; i++)
		key_init(&ks[i], (uint64_t)i + 1,
			 i % 3 ? SP_MODE_LATEST : SP_MODE_ALL, 16, mem[i]);
	for (int o = 0; o < 10; o++) {
		dp_out_init(&os[o], DP_OUT_LENS, (uint16_t)(20 + o), NULL);
		for (int j = 0; j < 13; j++)
			dp_route_add(&R, &ks[(o * 13 + j * 7) % 130], &os[o],
				     j % 2 ? SP_LEVEL_LOW : SP_LEVEL_MEDIUM);
	}
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 130; i++) {
			arrive(&ks[(i * 11 + round) % 130], 1,
			       (uint64_t)round * 1000 + (uint64_t)i,
			       (float)(round * 130 + i));
			if (i == 64 && (flips >> point++ & 1))
				CU_ASSERT_EQUAL(dp_router_set_vec(&R, !R.vec),
						0);
		}
		if (flips >> point++ & 1)
			CU_ASSERT_EQUAL(dp_router_set_vec(&R, !R.vec), 0);
		if (round != 1)
			dp_router_flush(&R, DP_CAD_MEDIUM, 5000);
	}
	dp_router_flush(&R, DP_CAD_LOW, 6000);
	dp_router_flush(&R, DP_CAD_MEDIUM, 6000);
	CU_ASSERT_EQUAL(R.blk.used, 0);
	CU_ASSERT_EQUAL(R.blk.dry, 0);
	for (int o = 0; o < 10; o++)
		dp_out_clear(&R, &os[o]);
	CU_ASSERT_EQUAL(R.routes_used, 0);
	return nlog;
}

static struct sent ref[2000];

static void check_same(unsigned int n, unsigned int nref, unsigned int pushes,
		       unsigned int ref_pushes)
{
	CU_ASSERT_EQUAL_FATAL(n, nref);
	CU_ASSERT_EQUAL(pushes, ref_pushes);
	for (unsigned int i = 0; i < n; i++) {
		CU_ASSERT_PTR_EQUAL(log_[i].out, ref[i].out);
		CU_ASSERT_EQUAL(log_[i].sensor, ref[i].sensor);
		CU_ASSERT_EQUAL(log_[i].version, ref[i].version);
		CU_ASSERT_EQUAL(log_[i].nsamp, ref[i].nsamp);
		CU_ASSERT_EQUAL(log_[i].quality, ref[i].quality);
		CU_ASSERT_EQUAL(log_[i].first, ref[i].first);
	}
}

/* Memory sized for 3 outs, 10 dirty: the flush takes them in rounds of
 * 3 and sends what the lists send, in the same order. */
static void test_vec_more_outs_than_sized(void)
{
	unsigned int nref = small_scenario(16, 0, 0), pref = npush;

	CU_ASSERT_FATAL(nref > 100 && nref <= 2000);
	memcpy(ref, log_, nref * sizeof(ref[0]));
	check_same(small_scenario(3, 1, 0), nref, npush, pref);
}

/* The switch flipped with routes dirty at both cadences, at every
 * combination of the 6 points, from either way: the same messages in the
 * same order. */
static void test_vec_flip_while_dirty(void)
{
	unsigned int nref = small_scenario(16, 0, 0), pref = npush;

	memcpy(ref, log_, nref * sizeof(ref[0]));
	for (unsigned int flips = 1; flips < 64; flips++) {
		check_same(small_scenario(16, 0, flips), nref, npush, pref);
		check_same(small_scenario(16, 1, flips), nref, npush, pref);
	}
	/* without memory for vectors, the router stays with lists */
	dp_router_init(&R, routes, 16, fake_emit, fake_push, NULL);
	CU_ASSERT_EQUAL(dp_router_set_vec(&R, 1), -ENOMEM);
	CU_ASSERT_EQUAL(R.vec, 0);
	CU_ASSERT_EQUAL(dp_router_set_vec(&R, 0), 0);
}

static int with_lists(void)
{
	vec_on = 0;
	return 0;
}

static int with_vectors(void)
{
	vec_on = 1;
	return 0;
}

static int done(void)
{
	free(R_mem);
	R_mem = NULL;
	return 0;
}

void suite_route(void)
{
	static const CU_TestInfo vec_tests[] = {
		{ "the block pool's bound: 1 out x 100 000 routes",
		  test_vec_bound_one_out },
		{ "the block pool's bound: 10 000 outs x 1 route a cadence",
		  test_vec_bound_many_outs },
		{ "more dirty outs than sized for: rounds, same order",
		  test_vec_more_outs_than_sized },
		{ "the switch flipped while dirty: same order",
		  test_vec_flip_while_dirty },
		CU_TEST_INFO_NULL,
	};
	static const CU_TestInfo tests[] = {
		{ "high sends in the same turn", test_high_immediate },
		{ "latest conflates to the newest", test_latest_conflates },
		{ "all batches every sample", test_all_batches },
		{ "ring overrun is counted", test_all_overrun_counted },
		{ "flush walks only dirty routes", test_flush_is_o_dirty },
		{ "removal frees routes at once", test_remove },
		{ "shedding: low, then medium, never high", test_shedding_order },
		{ "levels and backfill", test_levels_and_backfill },
		{ "route pool exhaustion", test_pool_exhaustion },
		{ "an unjoined out passes", test_unjoined_passes },
		{ "a recording out sends every latest sample",
		  test_every_records_latest },
		CU_TEST_INFO_NULL,
	};
	unit_add_init("route: dirty lists", with_lists, done, tests);
	unit_add_init("route: dirty vectors", with_vectors, done, tests);
	unit_add_init("route: dirty vectors' own", NULL, done, vec_tests);
}
