/*
 * test_attn.c - attention: levels from subscriptions and pins, the tier,
 * sensor-feed and lens routes that follow, backfill on a rise, the lenses
 * switch, and that everything is returned when subscriptions go.
 */
#include <string.h>

#include "dp_attn.h"
#include "sp_catalog.h"
#include "unit.h"

static struct dp_route routes[1000];
static struct dp_interest interests[100];
static struct dp_router R;
static struct dp_attn A;
static struct dp_out tiers[4], sensor_out, lens1, lens2;
static int sensor_outs_made, sensor_outs_freed, backfills;

static int emit(void *c, struct dp_out *o, uint8_t f, uint8_t q, uint64_t s,
		uint32_t v, const struct sp_record *r)
{
	(void)c; (void)o; (void)f; (void)q; (void)s; (void)v; (void)r;
	return 0;
}

static struct dp_out *mk_sensor_out(void *ctx, struct dp_sensor *s)
{
	(void)ctx; (void)s;
	sensor_outs_made++;
	dp_out_init(&sensor_out, DP_OUT_SENSOR, 100, NULL);
	return &sensor_out;
}

static void free_sensor_out(void *ctx, struct dp_sensor *s)
{
	(void)ctx; (void)s;
	sensor_outs_freed++;
}

static void on_backfill(void *ctx, struct dp_route *rt)
{
	(void)ctx; (void)rt;
	backfills++;
}

static struct dp_sensor S;
static struct dp_key K[2];
static uint64_t mem[2][64];

static void setup(void)
{
	static const struct dp_attn_ops ops = { mk_sensor_out, free_sensor_out,
						on_backfill };

	dp_router_init(&R, routes, 1000, emit, NULL, NULL);
	dp_attn_init(&A, &R, interests, 100, &ops, NULL);
	for (int l = 1; l <= 3; l++) {
		dp_out_init(&tiers[l], DP_OUT_TIER, (uint16_t)l, NULL);
		tiers[l].level = (uint8_t)l;
		A.tier[l] = &tiers[l];
	}
	dp_out_init(&lens1, DP_OUT_LENS, 20, NULL);
	dp_out_init(&lens2, DP_OUT_LENS, 21, NULL);
	memset(&S, 0, sizeof(S));
	S.id = 42;
	for (int i = 0; i < 2; i++) {
		memset(&K[i], 0, sizeof(K[i]));
		K[i].sensor_id = 42;
		K[i].attr_id = (uint16_t)(3 + i);   /* attrs 3 and 4 */
		K[i].mode = SP_MODE_LATEST;
		K[i].vtype = SP_VT_F32;
		K[i].dim = 1;
		dp_history_init(&K[i].hist, mem[i], 16, 4);
		K[i].sensor_next = S.keys;
		S.keys = &K[i];
	}
	sensor_outs_made = sensor_outs_freed = backfills = 0;
}

static struct dp_out *tier_of(const struct dp_key *k)
{
	for (struct dp_route *rt = k->routes; rt; rt = rt->key_next)
		if (rt->out->kind == DP_OUT_TIER)
			return rt->out;
	return NULL;
}

static int route_level(const struct dp_key *k, const struct dp_out *o)
{
	struct dp_route *rt = dp_route_find(k, o);

	return rt ? rt->level : -1;
}

static void test_no_interest_no_route(void)
{
	setup();
	dp_attn_sensor(&A, &S, 0);
	CU_ASSERT_EQUAL(K[0].level, SP_LEVEL_NONE);
	CU_ASSERT_PTR_NULL(K[0].routes);
	CU_ASSERT_EQUAL(R.routes_used, 0);
}

static void test_highest_level_wins(void)
{
	setup();
	CU_ASSERT_EQUAL(dp_attn_set(&A, &S, &lens1, 0, SP_LEVEL_LOW, 0), 0);
	CU_ASSERT_EQUAL(K[0].level, SP_LEVEL_LOW);
	CU_ASSERT_PTR_EQUAL(tier_of(&K[0]), &tiers[SP_LEVEL_LOW]);
	/* a second viewer at medium on attr 3 (K[0]) only */
	dp_attn_set(&A, &S, &lens2, 3, SP_LEVEL_MEDIUM, 0);
	CU_ASSERT_EQUAL(K[0].level, SP_LEVEL_MEDIUM);   /* attr 3 */
	CU_ASSERT_EQUAL(K[1].level, SP_LEVEL_LOW);      /* attr 4 */
	CU_ASSERT_PTR_EQUAL(tier_of(&K[0]), &tiers[SP_LEVEL_MEDIUM]);
	/* each lens at its own level, only for what it subscribed */
	CU_ASSERT_EQUAL(route_level(&K[0], &lens1), SP_LEVEL_LOW);
	CU_ASSERT_EQUAL(route_level(&K[0], &lens2), SP_LEVEL_MEDIUM);
	CU_ASSERT_EQUAL(route_level(&K[1], &lens2), -1);
	/* the sensor feed exists, at the level of the subscriptions */
	CU_ASSERT_EQUAL(sensor_outs_made, 1);
	CU_ASSERT_EQUAL(route_level(&K[0], &sensor_out), SP_LEVEL_MEDIUM);
	CU_ASSERT_EQUAL(route_level(&K[1], &sensor_out), SP_LEVEL_LOW);
	/* the rise of attr 3 to medium asked for a backfill (tier, lens2,
	 * sensor feed) */
	CU_ASSERT(backfills >= 3);
}

static void test_pin_is_high_for_everyone(void)
{
	setup();
	dp_attn_set(&A, &S, &lens1, 0, SP_LEVEL_LOW, 0);
	dp_attn_set(&A, &S, NULL, 0, SP_LEVEL_HIGH, 0);   /* pin */
	CU_ASSERT_EQUAL(K[0].level, SP_LEVEL_HIGH);
	CU_ASSERT_EQUAL(K[0].sub_level, SP_LEVEL_LOW);
	CU_ASSERT_PTR_EQUAL(tier_of(&K[0]), &tiers[SP_LEVEL_HIGH]);
	CU_ASSERT_EQUAL(route_level(&K[0], &lens1), SP_LEVEL_HIGH);
	CU_ASSERT_EQUAL(route_level(&K[0], &sensor_out), SP_LEVEL_LOW);
	CU_ASSERT_EQUAL(dp_attn_sensor_level(&S), SP_LEVEL_HIGH);
	CU_ASSERT_EQUAL(dp_attn_unset(&A, &S, NULL, 0, 0), 0);
	CU_ASSERT_EQUAL(K[0].level, SP_LEVEL_LOW);
	CU_ASSERT_EQUAL(route_level(&K[0], &lens1), SP_LEVEL_LOW);
	CU_ASSERT_PTR_EQUAL(tier_of(&K[0]), &tiers[SP_LEVEL_LOW]);
}

static void test_unset_returns_everything(void)
{
	setup();
	dp_attn_set(&A, &S, &lens1, 0, SP_LEVEL_MEDIUM, 0);
	dp_attn_set(&A, &S, &lens2, 4, SP_LEVEL_HIGH, 0);
	CU_ASSERT(R.routes_used > 0);
	CU_ASSERT_EQUAL(A.interests_used, 2);
	CU_ASSERT_EQUAL(dp_attn_unset(&A, &S, &lens2, 4, 0), 0);
	CU_ASSERT_EQUAL(dp_attn_unset(&A, &S, &lens2, 4, 0), -ENOENT);
	CU_ASSERT_EQUAL(dp_attn_unset(&A, &S, &lens1, 0, 0), 0);
	CU_ASSERT_EQUAL(R.routes_used, 0);
	CU_ASSERT_EQUAL(A.interests_used, 0);
	CU_ASSERT_EQUAL(K[0].level, SP_LEVEL_NONE);
	CU_ASSERT_PTR_NULL(S.sensor_out);
	CU_ASSERT_EQUAL(sensor_outs_freed, 1);
}

static void test_lenses_switch(void)
{
	setup();
	dp_attn_set(&A, &S, &lens1, 0, SP_LEVEL_MEDIUM, 0);
	CU_ASSERT_EQUAL(route_level(&K[0], &lens1), SP_LEVEL_MEDIUM);
	A.lenses_on = 0;
	dp_attn_sensor(&A, &S, 0);
	CU_ASSERT_EQUAL(route_level(&K[0], &lens1), -1);
	/* the tier feed still carries it: off means the old behaviour */
	CU_ASSERT_PTR_EQUAL(tier_of(&K[0]), &tiers[SP_LEVEL_MEDIUM]);
	A.lenses_on = 1;
	dp_attn_sensor(&A, &S, 0);
	CU_ASSERT_EQUAL(route_level(&K[0], &lens1), SP_LEVEL_MEDIUM);
}

static void test_level_change_moves_tier(void)
{
	setup();
	dp_attn_set(&A, &S, &lens1, 0, SP_LEVEL_LOW, 0);
	backfills = 0;
	dp_attn_set(&A, &S, &lens1, 0, SP_LEVEL_HIGH, 0);   /* same sub */
	CU_ASSERT_EQUAL(A.interests_used, 1);
	CU_ASSERT_PTR_EQUAL(tier_of(&K[0]), &tiers[SP_LEVEL_HIGH]);
	CU_ASSERT_EQUAL(tiers[SP_LEVEL_LOW].nroutes, 0);
	CU_ASSERT_EQUAL(tiers[SP_LEVEL_HIGH].nroutes, 2);
	/* low -> high is a rise: tier, lens, sensor feed for both keys */
	CU_ASSERT_EQUAL(backfills, 6);
	backfills = 0;
	dp_attn_set(&A, &S, &lens1, 0, SP_LEVEL_MEDIUM, 0);   /* a fall */
	CU_ASSERT_EQUAL(backfills, 0);
}

static void test_pool_full(void)
{
	static struct dp_interest one[1];
	static const struct dp_attn_ops ops = { mk_sensor_out, free_sensor_out,
						on_backfill };
	struct dp_attn a;

	setup();
	dp_attn_init(&a, &R, one, 1, &ops, NULL);
	CU_ASSERT_EQUAL(dp_attn_set(&a, &S, &lens1, 0, SP_LEVEL_LOW, 0), 0);
	CU_ASSERT_EQUAL(a.refused, 0);
	CU_ASSERT_EQUAL(dp_attn_set(&a, &S, &lens2, 0, SP_LEVEL_LOW, 0),
			-ENOSPC);
	CU_ASSERT_EQUAL(a.refused, 1);
	/* what was refused is no interest: the worker says "interests" */
	CU_ASSERT_EQUAL(dp_attn_refused(&a, &S, &lens2, 0), -ENOENT);
	CU_ASSERT_EQUAL(dp_attn_refused(&a, &S, &lens1, 0), 0);
}

/* Issue 27: with 16 routes, a viewer that subscribes to 40 keys gets 16
 * routes; the other 24 are counted and their subscriptions say the
 * routes pool refused them, key by key too. A renewal once there is
 * room makes the route. */
static void test_routes_refused_marked(void)
{
	static struct dp_route few[16];
	static struct dp_sensor ss[40];
	static struct dp_key kk[40];
	static uint64_t kmem[40][16];
	static const struct dp_attn_ops none = { NULL, NULL, NULL };
	struct dp_router r;
	struct dp_attn a;
	int routed = 0, refused = 0, keys_refused = 0;

	setup();
	dp_router_init(&r, few, 16, emit, NULL, NULL);
	dp_attn_init(&a, &r, interests, 100, &none, NULL);  /* no tiers */
	for (int i = 0; i < 40; i++) {
		memset(&ss[i], 0, sizeof(ss[i]));
		memset(&kk[i], 0, sizeof(kk[i]));
		ss[i].id = (uint64_t)i + 1;
		kk[i].sensor_id = ss[i].id;
		kk[i].attr_id = 3;
		kk[i].mode = SP_MODE_LATEST;
		kk[i].vtype = SP_VT_F32;
		kk[i].dim = 1;
		dp_history_init(&kk[i].hist, kmem[i], 16, 4);
		ss[i].keys = &kk[i];
		CU_ASSERT_EQUAL(dp_attn_set(&a, &ss[i], &lens1, 0,
					    SP_LEVEL_HIGH, 0), 0);
	}
	CU_ASSERT_EQUAL(r.routes_used, 16);
	CU_ASSERT_EQUAL(r.refused, 24);
	for (int i = 0; i < 40; i++) {
		int p = dp_attn_refused(&a, &ss[i], &lens1, 0);

		routed += p == 0;
		refused += p == DP_POOL_ROUTES;
		keys_refused += dp_attn_key_refused(&a, &ss[i], &kk[i]) ==
				DP_POOL_ROUTES;
	}
	CU_ASSERT_EQUAL(routed, 16);
	CU_ASSERT_EQUAL(refused, 24);
	CU_ASSERT_EQUAL(keys_refused, 24);
	/* the key is high, its route missing: what `attention` showed */
	CU_ASSERT_EQUAL(kk[39].level, SP_LEVEL_HIGH);
	CU_ASSERT_PTR_NULL(kk[39].routes);
	/* room: sensor 1 goes; sensor 40 renewed gets its route */
	CU_ASSERT_EQUAL(dp_attn_unset(&a, &ss[0], &lens1, 0, 0), 0);
	CU_ASSERT_EQUAL(dp_attn_set(&a, &ss[39], &lens1, 0, SP_LEVEL_HIGH, 0),
			0);
	CU_ASSERT_EQUAL(dp_attn_refused(&a, &ss[39], &lens1, 0), 0);
	CU_ASSERT_EQUAL(r.refused, 24);
}

/* The tier route of a key is part of every interest in it, a pin's too;
 * a sensor feed the outs pool refused marks its subscriptions even before
 * the sensor has a key, and is forgotten with its last subscription. */
static struct dp_out *refuse_sensor_out(void *ctx, struct dp_sensor *s)
{
	(void)ctx;
	s->out_refused = 1;
	return NULL;
}

static void test_tier_and_sensor_feed_refused(void)
{
	static struct dp_route two[2];
	static const struct dp_attn_ops refusing = { refuse_sensor_out, NULL,
						     NULL };
	struct dp_router r;
	struct dp_attn a;
	struct dp_sensor bare = { .id = 7 };

	setup();
	/* one route for two keys' tier routes */
	dp_router_init(&r, two, 1, emit, NULL, NULL);
	dp_attn_init(&a, &r, interests, 100, &refusing, NULL);
	for (int l = 1; l <= 3; l++)
		a.tier[l] = &tiers[l];
	CU_ASSERT_EQUAL(dp_attn_set(&a, &S, NULL, 0, SP_LEVEL_HIGH, 0), 0);
	CU_ASSERT_EQUAL(r.refused, 1);
	CU_ASSERT_EQUAL(dp_attn_refused(&a, &S, NULL, 0), DP_POOL_ROUTES);
	CU_ASSERT_EQUAL(dp_attn_key_refused(&a, &S, &K[0]) +
			dp_attn_key_refused(&a, &S, &K[1]), DP_POOL_ROUTES);

	CU_ASSERT_EQUAL(dp_attn_set(&a, &bare, &lens1, 0, SP_LEVEL_LOW, 0), 0);
	CU_ASSERT_EQUAL(dp_attn_refused(&a, &bare, &lens1, 0), DP_POOL_OUTS);
	CU_ASSERT_EQUAL(dp_attn_unset(&a, &bare, &lens1, 0, 0), 0);
	CU_ASSERT_EQUAL(bare.out_refused, 0);
}

/* A recording lens's interest routes only to that lens: no tier level,
 * no sensor feed; the route goes with the interest. */
static void test_record_is_not_attention(void)
{
	setup();
	lens2.every = 1;
	CU_ASSERT_EQUAL(dp_attn_set(&A, &S, &lens2, 0, SP_LEVEL_MEDIUM, 0), 0);
	CU_ASSERT_EQUAL(K[0].level, SP_LEVEL_NONE);
	CU_ASSERT_EQUAL(K[0].sub_level, SP_LEVEL_NONE);
	CU_ASSERT_PTR_NULL(tier_of(&K[0]));
	CU_ASSERT_EQUAL(sensor_outs_made, 0);
	CU_ASSERT_EQUAL(route_level(&K[0], &lens2), SP_LEVEL_MEDIUM);
	CU_ASSERT_EQUAL(route_level(&K[1], &lens2), SP_LEVEL_MEDIUM);
	CU_ASSERT_EQUAL(dp_attn_refused(&A, &S, &lens2, 0), 0);
	/* a viewer beside it: attention as before, its own sensor feed */
	dp_attn_set(&A, &S, &lens1, 3, SP_LEVEL_LOW, 0);
	CU_ASSERT_EQUAL(K[0].level, SP_LEVEL_LOW);
	CU_ASSERT_EQUAL(sensor_outs_made, 1);
	CU_ASSERT_EQUAL(dp_attn_unset(&A, &S, &lens1, 3, 0), 0);
	CU_ASSERT_EQUAL(sensor_outs_freed, 1);   /* the recording kept none */
	CU_ASSERT_EQUAL(route_level(&K[0], &lens2), SP_LEVEL_MEDIUM);
	CU_ASSERT_EQUAL(dp_attn_unset(&A, &S, &lens2, 0, 0), 0);
	CU_ASSERT_EQUAL(R.routes_used, 0);
	lens2.every = 0;
}

void suite_attn(void)
{
	static const CU_TestInfo tests[] = {
		{ "no interest: no route", test_no_interest_no_route },
		{ "highest level wins, per lens", test_highest_level_wins },
		{ "pin is high for everyone", test_pin_is_high_for_everyone },
		{ "unset returns routes and interests", test_unset_returns_everything },
		{ "lenses switch", test_lenses_switch },
		{ "level change moves the tier route", test_level_change_moves_tier },
		{ "interest pool full", test_pool_full },
		{ "routes refused: counted, marked", test_routes_refused_marked },
		{ "tier route and sensor feed refused",
		  test_tier_and_sensor_feed_refused },
		{ "a recording is not attention",
		  test_record_is_not_attention },
		CU_TEST_INFO_NULL,
	};
	unit_add("attn", tests);
}
