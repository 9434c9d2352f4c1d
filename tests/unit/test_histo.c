/*
 * test_histo.c - the latency histogram behind the staleness and RX->TX
 * figures: every percentile within one bucket (+6.25 %) above the truth and
 * never below it, capped at the maximum, and merging equals recording
 * both streams into one.
 */
#include <stdint.h>
#include <string.h>

#include "sp_histo.h"
#include "unit.h"

/* The exact p-th percentile of sorted @p v[n] (nearest rank). */
static uint64_t exact(const uint64_t *v, unsigned int n, double p)
{
	unsigned int rank = (unsigned int)((double)n * p / 100.0 + 0.999999);

	return v[(rank ? rank : 1) - 1];
}

static void test_empty(void)
{
	struct sp_histo h;

	memset(&h, 0, sizeof(h));
	CU_ASSERT_EQUAL(sp_histo_pct(&h, 50), 0);
	CU_ASSERT_EQUAL(sp_histo_pct(&h, 100), 0);
}

static void test_buckets_monotonic(void)
{
	unsigned int prev = 0;

	for (uint64_t ns = 0; ns < 1u << 20; ns++) {
		unsigned int b = sp_histo_bucket(ns);

		CU_ASSERT_FATAL(b >= prev);
		prev = b;
	}
	CU_ASSERT(sp_histo_bucket(UINT64_MAX) < SP_HISTO_BUCKETS);
}

static void test_percentiles_bounded(void)
{
	static uint64_t v[20000];
	static const double ps[] = { 1, 10, 50, 90, 99, 99.9, 100 };
	struct sp_histo h;
	uint64_t x = 88172645463325252ull;

	memset(&h, 0, sizeof(h));
	/* sorted values spread over 5 decades (xorshift picks, then sort by
	 * construction: a rising sequence with random steps) */
	v[0] = 50;
	for (unsigned int i = 1; i < 20000; i++) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		v[i] = v[i - 1] + 1 + (x % (v[i - 1] / 1000 + 2));
	}
	for (unsigned int i = 0; i < 20000; i++)
		sp_histo_add(&h, v[19999 - i]);   /* order must not matter */
	CU_ASSERT_EQUAL(h.count, 20000);
	CU_ASSERT_EQUAL(h.min_ns, v[0]);
	CU_ASSERT_EQUAL(h.max_ns, v[19999]);
	for (unsigned int i = 0; i < sizeof(ps) / sizeof(ps[0]); i++) {
		uint64_t t = exact(v, 20000, ps[i]), got = sp_histo_pct(&h, ps[i]);

		CU_ASSERT(got >= t);
		CU_ASSERT(got <= t + t / 16);
	}
	CU_ASSERT_EQUAL(sp_histo_pct(&h, 100), v[19999]);
}

static void test_tail_and_cap(void)
{
	struct sp_histo h;

	memset(&h, 0, sizeof(h));
	for (int i = 0; i < 999; i++)
		sp_histo_add(&h, 1000);
	sp_histo_add(&h, 1000000);
	/* p99 is in the bulk, p100 is the outlier itself */
	CU_ASSERT(sp_histo_pct(&h, 99) >= 1000 && sp_histo_pct(&h, 99) < 1063);
	CU_ASSERT(sp_histo_pct(&h, 99.9) < 1063);
	CU_ASSERT_EQUAL(sp_histo_pct(&h, 100), 1000000);
	/* one value: every percentile is that value (capped at the max) */
	memset(&h, 0, sizeof(h));
	sp_histo_add(&h, 7777);
	CU_ASSERT_EQUAL(sp_histo_pct(&h, 50), 7777);
}

static void test_merge(void)
{
	struct sp_histo a, b, both, sum;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&both, 0, sizeof(both));
	memset(&sum, 0, sizeof(sum));
	for (uint64_t i = 1; i <= 3000; i++) {
		sp_histo_add(i % 3 ? &a : &b, i * 37);
		sp_histo_add(&both, i * 37);
	}
	sp_histo_merge(&sum, &a);
	sp_histo_merge(&sum, &b);
	CU_ASSERT_EQUAL(sum.count, both.count);
	CU_ASSERT_EQUAL(sum.sum_ns, both.sum_ns);
	CU_ASSERT_EQUAL(sum.min_ns, both.min_ns);
	CU_ASSERT_EQUAL(sum.max_ns, both.max_ns);
	CU_ASSERT_EQUAL(memcmp(sum.b, both.b, sizeof(sum.b)), 0);
	CU_ASSERT_EQUAL(sp_histo_pct(&sum, 99), sp_histo_pct(&both, 99));
	/* merging an empty histogram changes nothing, min included */
	memset(&a, 0, sizeof(a));
	sp_histo_merge(&sum, &a);
	CU_ASSERT_EQUAL(sum.min_ns, 37);
	CU_ASSERT_EQUAL(sum.count, 3000);
}

void suite_histo(void)
{
	static const CU_TestInfo tests[] = {
		{ "empty histogram reads 0", test_empty },
		{ "buckets rise with the value", test_buckets_monotonic },
		{ "percentiles within one bucket above the truth", test_percentiles_bounded },
		{ "a rare outlier is the max, not p99", test_tail_and_cap },
		{ "merge equals one histogram of both", test_merge },
		CU_TEST_INFO_NULL,
	};
	unit_add("histo", tests);
}
