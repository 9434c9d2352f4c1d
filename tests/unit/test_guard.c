/*
 * test_guard.c - the sensor path's guards that need an EAL: the source
 * policy (one LPM lookup for ACL and MAC policy, longest prefix wins) and
 * the rate limits (rte_meter per sensor from the catalogue, per source).
 */
#include <string.h>

#include <CUnit/CUnit.h>
#include <rte_cycles.h>

#include "dp_limits.h"
#include "dp_policy.h"
#include "sp_config.h"
#include "test_io.h"

static uint32_t ip4(unsigned int a, unsigned int b, unsigned int c,
		    unsigned int d)
{
	return a << 24 | b << 16 | c << 8 | d;
}

static void test_policy_lists(void)
{
	struct sp_config cfg;
	struct dp_policy p;
	char err[256];

	sp_config_defaults(&cfg);
	/* no lists: no table, everything allowed, no MAC required */
	CU_ASSERT_EQUAL_FATAL(dp_policy_init(&p, &cfg, 0, err, sizeof(err)), 0);
	CU_ASSERT_PTR_NULL(p.lpm);
	CU_ASSERT_EQUAL(dp_policy_of(&p, ip4(1, 2, 3, 4)), 0);
	dp_policy_free(&p);

	strcpy(cfg.src_allow, "10.0.0.0/8,10.5.5.5");
	strcpy(cfg.src_deny, "10.5.0.0/16,10.7.0.0/16");
	strcpy(cfg.require_mac_from, "10.9.0.0/16");
	CU_ASSERT_EQUAL_FATAL(dp_policy_init(&p, &cfg, 0, err, sizeof(err)), 0);
	CU_ASSERT_PTR_NOT_NULL(p.lpm);
	CU_ASSERT_EQUAL(dp_policy_of(&p, ip4(10, 1, 1, 1)), 0);
	/* outside the allow list */
	CU_ASSERT_EQUAL(dp_policy_of(&p, ip4(192, 168, 1, 1)), DP_POL_DENY);
	/* a deny inside an allow, an allow inside that deny */
	CU_ASSERT_EQUAL(dp_policy_of(&p, ip4(10, 5, 1, 1)), DP_POL_DENY);
	CU_ASSERT_EQUAL(dp_policy_of(&p, ip4(10, 5, 5, 5)), 0);
	CU_ASSERT_EQUAL(dp_policy_of(&p, ip4(10, 7, 0, 1)), DP_POL_DENY);
	/* the MAC prefix keeps the allow verdict of the /8 around it */
	CU_ASSERT_EQUAL(dp_policy_of(&p, ip4(10, 9, 3, 3)), DP_POL_MAC);
	dp_policy_free(&p);

	/* require_mac everywhere; a deny of one host; a tie: deny wins */
	sp_config_defaults(&cfg);
	cfg.require_mac = true;
	strcpy(cfg.src_allow, "172.16.0.0/12");
	strcpy(cfg.src_deny, "172.16.0.0/12");
	CU_ASSERT_EQUAL_FATAL(dp_policy_init(&p, &cfg, 0, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(dp_policy_of(&p, ip4(172, 16, 0, 1)),
			DP_POL_DENY | DP_POL_MAC);
	CU_ASSERT_EQUAL(dp_policy_of(&p, ip4(8, 8, 8, 8)),
			DP_POL_DENY | DP_POL_MAC);
	dp_policy_free(&p);

	/* deny 0.0.0.0/0 but allow one network */
	sp_config_defaults(&cfg);
	strcpy(cfg.src_deny, "0.0.0.0/0");
	strcpy(cfg.src_allow, "10.0.0.0/24");
	CU_ASSERT_EQUAL_FATAL(dp_policy_init(&p, &cfg, 0, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(dp_policy_of(&p, ip4(10, 0, 0, 9)), 0);
	CU_ASSERT_EQUAL(dp_policy_of(&p, ip4(10, 0, 1, 9)), DP_POL_DENY);
	dp_policy_free(&p);

	/* an error names the key and the entry */
	strcpy(cfg.src_deny, "10.0.0.0/33");
	CU_ASSERT_EQUAL(dp_policy_init(&p, &cfg, 0, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "security.deny"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "10.0.0.0/33"));
}

/* A sensor with one key of attribute @p a: its rate is the attribute's. */
static void one_key_sensor(struct dp_sensor *s, struct dp_key *k,
			   const struct sp_catalog *cat, const char *attr)
{
	const struct sp_attr *a = sp_catalog_find(cat, attr);

	memset(s, 0, sizeof(*s));
	memset(k, 0, sizeof(*k));
	k->attr_idx = (uint16_t)(a - cat->attrs);
	s->keys = k;
	s->nkeys = 1;
}

static void test_sensor_limit(void)
{
	const struct sp_catalog *cat = io_catalog();
	const struct sp_attr *a = sp_catalog_find(cat, "temperature");
	struct sp_config cfg;
	struct dp_limits l;
	struct dp_sensor s;
	struct dp_key k;
	uint64_t hz = rte_get_tsc_hz(), t = rte_rdtsc(), red = 0, n = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	sp_config_defaults(&cfg);
	cfg.sensor_factor = 4;
	cfg.sensor_burst_ms = 1000;
	CU_ASSERT_EQUAL_FATAL(dp_limits_init(&l, &cfg, 0, 0), 0);
	one_key_sensor(&s, &k, cat, "temperature");
	/* 100x the catalogue rate for 10 simulated seconds, one sample a
	 * packet: 4x passes, plus the bucket */
	for (uint64_t i = 0; i < (uint64_t)(a->rate * 100 * 10); i++, n++) {
		uint64_t at = t + (uint64_t)((double)i / (a->rate * 100) *
					     (double)hz);

		red += dp_limits_sensor(&l, cat, &s, 1, at);
	}
	{
		double passed = (double)(n - red), allowed = a->rate * 4 * 10 +
			a->rate * 4;   /* rate over 10 s and a 1 s bucket */

		CU_ASSERT(passed <= allowed + 2);
		CU_ASSERT(passed >= a->rate * 4 * 10 * 0.98);
	}
	CU_ASSERT_EQUAL(l.nprof, 1);
	/* a second sensor of the same shape shares the profile, and at its
	 * rate loses nothing */
	one_key_sensor(&s, &k, cat, "temperature");
	red = 0;
	for (uint64_t i = 0; i < (uint64_t)(a->rate * 10); i++)
		red += dp_limits_sensor(&l, cat, &s, 1, t + (uint64_t)(
			(double)i / a->rate * (double)hz));
	CU_ASSERT_EQUAL(red, 0);
	CU_ASSERT_EQUAL(l.nprof, 1);
	dp_limits_free(&l);
}

static void test_source_limit(void)
{
	struct sp_config cfg;
	struct dp_limits l;
	uint64_t hz = rte_get_tsc_hz(), t = rte_rdtsc(), red = 0;

	sp_config_defaults(&cfg);
	cfg.source_pps = 1000;
	cfg.source_burst = 100;
	cfg.max_sources = 16;
	CU_ASSERT_EQUAL_FATAL(dp_limits_init(&l, &cfg, 0, 0), 0);
	/* 10 000 packets in one second from one address: 1000 + 100 pass */
	for (unsigned int i = 0; i < 10000; i++)
		red += dp_limits_source(&l, 0x0a000001, t + hz * i / 10000);
	CU_ASSERT(10000 - red >= 1090 && 10000 - red <= 1110);
	CU_ASSERT_EQUAL(l.sources, 1);
	/* another address has its own bucket */
	CU_ASSERT_EQUAL(dp_limits_source(&l, 0x0a000002, t + hz), 0);
	/* past max_sources, new addresses share the overflow bucket; the
	 * tick empties the full table */
	for (unsigned int i = 0; i < 64; i++)
		dp_limits_source(&l, 0x0b000000 + i, t + hz);
	CU_ASSERT(l.src_overflow > 0);
	CU_ASSERT(l.sources <= 16);
	dp_limits_tick(&l);
	CU_ASSERT_EQUAL(l.sources, 0);
	CU_ASSERT_EQUAL(l.src_resets, 1);
	dp_limits_free(&l);
}

const CU_TestInfo guard_tests[] = {
	{ "policy: allow, deny, require_mac, longest prefix",
	  test_policy_lists },
	{ "limit: a sensor at 100x its rate keeps 4x", test_sensor_limit },
	{ "limit: per source, overflow, reset", test_source_limit },
	CU_TEST_INFO_NULL,
};
