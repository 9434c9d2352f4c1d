/*
 * test_table.c - the dataplane's suites that need a real EAL (--no-huge,
 * its own file prefix): its own binary, since the other suites run
 * EAL-free and under ASan. The table (the bulk lookup the worker does for
 * a whole burst) here, classify/feed/rtx in test_io.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <rte_eal.h>
#include <rte_hash.h>

#include <pthread.h>

#include "dp_owners.h"
#include "dp_pages.h"
#include "dp_table.h"
#include "test_io.h"

static struct sp_catalog cat;
static struct dp_table *tab;

const struct sp_catalog *io_catalog(void)
{
	return &cat;
}

static void test_bulk_known_and_unknown(void)
{
	uint64_t ids[RTE_HASH_LOOKUP_BULK_MAX];
	struct dp_sensor *want[RTE_HASH_LOOKUP_BULK_MAX];
	struct dp_sensor *out[RTE_HASH_LOOKUP_BULK_MAX];
	int created;

	/* even ids known, odd ones not; a full set of 64 */
	for (unsigned int i = 0; i < RTE_HASH_LOOKUP_BULK_MAX; i++) {
		ids[i] = 1000 + i;
		want[i] = NULL;
		if (i % 2 == 0) {
			want[i] = dp_table_sensor(tab, ids[i], &created);
			CU_ASSERT_PTR_NOT_NULL_FATAL(want[i]);
			CU_ASSERT_EQUAL(created, 1);
		}
		out[i] = (struct dp_sensor *)&out;   /* must be overwritten */
	}
	dp_table_sensor_bulk(tab, ids, RTE_HASH_LOOKUP_BULK_MAX, out);
	for (unsigned int i = 0; i < RTE_HASH_LOOKUP_BULK_MAX; i++) {
		CU_ASSERT_PTR_EQUAL(out[i], want[i]);
		if (out[i])
			CU_ASSERT_EQUAL(out[i]->id, ids[i]);
	}
}

static void test_bulk_repeats_and_partial(void)
{
	uint64_t ids[5] = { 1000, 1000, 7, 1002, 1000 };
	struct dp_sensor *out[5];
	struct dp_sensor *s = dp_table_sensor_find(tab, 1000);

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	/* the same sensor several times in one burst, and fewer than 64 */
	dp_table_sensor_bulk(tab, ids, 5, out);
	CU_ASSERT_PTR_EQUAL(out[0], s);
	CU_ASSERT_PTR_EQUAL(out[1], s);
	CU_ASSERT_PTR_NULL(out[2]);
	CU_ASSERT_PTR_EQUAL(out[3], dp_table_sensor_find(tab, 1002));
	CU_ASSERT_PTR_EQUAL(out[4], s);
	/* none asked: nothing written, no crash on an empty set */
	out[0] = NULL;
	dp_table_sensor_bulk(tab, ids, 0, out);
	CU_ASSERT_PTR_NULL(out[0]);
}

/* Two threads claim the same 20 000 sensors, each for itself: every
 * sensor gets exactly one owner, both see the same one, and a claim never
 * overwrites. */
struct racer {
	struct dp_owners *o;
	unsigned int me;
	int got[20000];
};

static void *race(void *arg)
{
	struct racer *r = arg;

	for (int i = 0; i < 20000; i++)
		r->got[i] = dp_owners_claim(r->o, 500000 + (uint64_t)i, r->me);
	return NULL;
}

static void test_owners(void)
{
	static struct racer r[2];
	struct dp_owners *o = dp_owners_create("unit", 32768, 0);
	pthread_t t[2];
	int same = 0, won0 = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT_EQUAL(dp_owners_get(o, 7), -1);
	CU_ASSERT_EQUAL(dp_owners_claim(o, 7, 1), 1);
	CU_ASSERT_EQUAL(dp_owners_claim(o, 7, 0), 1);   /* first claim wins */
	CU_ASSERT_EQUAL(dp_owners_get(o, 7), 1);
	CU_ASSERT_EQUAL(dp_owners_claim(o, 8, 0), 0);   /* worker 0 is 0 */
	CU_ASSERT_EQUAL(dp_owners_get(o, 8), 0);
	for (unsigned int i = 0; i < 2; i++) {
		r[i].o = o;
		r[i].me = i;
		pthread_create(&t[i], NULL, race, &r[i]);
	}
	for (unsigned int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	for (int i = 0; i < 20000; i++) {
		same += r[0].got[i] == r[1].got[i] &&
			r[0].got[i] == dp_owners_get(o, 500000 + (uint64_t)i);
		won0 += r[0].got[i] == 0;
	}
	CU_ASSERT_EQUAL(same, 20000);
	CU_ASSERT(won0 > 0 && won0 <= 20000);
	CU_ASSERT_EQUAL(dp_owners_count(o), 20002);
	dp_owners_free(o);
}

/* The sensor and key pools: a small table of its own (16 sensors, 16
 * keys) refuses the 17th of each, counts every refusal apart, and still
 * finds what it has. */
static void test_pools_refuse_and_count(void)
{
	struct dp_table_params p = { .name = "pools", .socket = 0,
				     .max_sensors = 16, .max_keys = 16,
				     .history_bytes = 1 << 20, .cat = &cat };
	struct dp_table *t = dp_table_create(&p);
	const struct sp_attr *a = &cat.attrs[0], *b = &cat.attrs[1];
	struct dp_sensor *s[17];
	int made;

	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	for (unsigned int i = 0; i < 17; i++)
		s[i] = dp_table_sensor(t, 100 + i, &made);
	CU_ASSERT_PTR_NOT_NULL(s[15]);
	CU_ASSERT_PTR_NULL(s[16]);
	CU_ASSERT_PTR_NULL(dp_table_sensor(t, 200, &made));
	CU_ASSERT_EQUAL(dp_table_refused(t, 0), 2);
	CU_ASSERT_EQUAL(dp_table_refused(t, 1), 0);
	CU_ASSERT_PTR_EQUAL(dp_table_sensor(t, 100, &made), s[0]);
	CU_ASSERT_EQUAL(dp_table_refused(t, 0), 2);
	/* 16 keys: two attributes of 8 sensors; the 9th sensor's refused */
	for (unsigned int i = 0; i < 8; i++) {
		CU_ASSERT_PTR_NOT_NULL(dp_table_key(t, s[i], a, &made));
		CU_ASSERT_PTR_NOT_NULL(dp_table_key(t, s[i], b, &made));
	}
	CU_ASSERT_PTR_NULL(dp_table_key(t, s[8], a, &made));
	CU_ASSERT_EQUAL(made, DP_KEY_FOUND);   /* not the history arena */
	CU_ASSERT_EQUAL(dp_table_refused(t, 1), 1);
	CU_ASSERT_PTR_NOT_NULL(dp_table_key(t, s[0], a, &made));
	CU_ASSERT_EQUAL(dp_table_refused(t, 1), 1);
	CU_ASSERT_EQUAL(dp_table_nkeys(t), 16);
	dp_table_free(t);
}

/* Which pages the memory is on: these tests run under --no-huge, so the
 * answer must say so and count the memory EAL mapped (-m). */
static void test_pages(void)
{
	struct dp_pages p;
	char buf[96];

	dp_pages_get(&p);
	CU_ASSERT_EQUAL(p.huge, 0);
	CU_ASSERT(p.total >= (64ull << 20));
	CU_ASSERT(p.bytes > 0 && p.bytes <= p.total);
	dp_pages_describe(&p, buf, sizeof(buf));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "--no-huge"));
	/* the descriptions of the other page sizes */
	p.huge = 1;
	p.page_sz = 1ull << 30;
	p.bytes = p.total = 2ull << 30;
	CU_ASSERT_STRING_EQUAL(dp_pages_describe(&p, buf, sizeof(buf)),
			       "1 GB hugepages (2048 MB)");
	p.page_sz = 2ull << 20;
	p.total = p.bytes + (4ull << 20);
	CU_ASSERT_STRING_EQUAL(dp_pages_describe(&p, buf, sizeof(buf)),
			       "2 MB hugepages (2048 MB) and 4 MB on smaller "
			       "pages");
}

/* The worker's burst finds a packet's key in the sensor's first two
 * lines (its fast keys) and prefetches the key's two lines: every key of
 * a sensor with more attributes than fast keys is still found, the same
 * one the key table holds, and each key is two aligned lines. */
static void test_fast_keys(void)
{
	struct dp_sensor *s;
	unsigned int n = cat.n < 8 ? cat.n : 8, seen = 0;
	int created;

	CU_ASSERT_FATAL(n > DP_SENSOR_FAST_KEYS);
	s = dp_table_sensor(tab, 77, &created);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL((uintptr_t)s % 64, 0);
	for (unsigned int i = 0; i < n; i++) {
		struct dp_key *k = dp_table_key(tab, s, &cat.attrs[i], &created);

		CU_ASSERT_PTR_NOT_NULL_FATAL(k);
		CU_ASSERT_EQUAL(created, DP_KEY_NEW);
		CU_ASSERT_EQUAL((uintptr_t)k % 64, 0);
	}
	CU_ASSERT_EQUAL(s->nkeys, n);
	for (unsigned int j = 0; j < DP_SENSOR_FAST_KEYS; j++) {
		CU_ASSERT_EQUAL(s->fast_attr[j], cat.attrs[j].id);
		CU_ASSERT_PTR_EQUAL(s->fast_key[j],
				    dp_table_key_find(tab, 77, cat.attrs[j].id));
	}
	/* the list: newest first, every key once */
	for (struct dp_key *k = s->keys; k; k = k->sensor_next) {
		CU_ASSERT_EQUAL(k->attr_id, cat.attrs[n - 1 - seen].id);
		CU_ASSERT_PTR_EQUAL(k, dp_table_key_find(tab, 77, k->attr_id));
		seen++;
	}
	CU_ASSERT_EQUAL(seen, n);
}

int main(int argc, char **argv)
{
	char prefix[64];
	char *eal[] = { argv[0], "--no-huge", "--no-pci", "--file-prefix",
			prefix, "-l", "0", "-m", "256", "--log-level",
			"lib.eal:error", NULL };
	static CU_TestInfo tests[] = {
		{ "bulk lookup: known and unknown, 64 at once",
		  test_bulk_known_and_unknown },
		{ "bulk lookup: repeats, partial set, empty set",
		  test_bulk_repeats_and_partial },
		{ "owner directory: first claim wins, racing claims agree",
		  test_owners },
		{ "pages: --no-huge said, sizes described", test_pages },
		{ "sensor and key pools refuse and count",
		  test_pools_refuse_and_count },
		{ "keys: fast ones in the sensor's lines, the rest listed",
		  test_fast_keys },
		CU_TEST_INFO_NULL,
	};
	CU_SuiteInfo suites[] = {
		{ "table", NULL, NULL, NULL, NULL, tests },
		{ "io", NULL, NULL, NULL, NULL, (CU_TestInfo *)io_tests },
		{ "guard", NULL, NULL, NULL, NULL, (CU_TestInfo *)guard_tests },
		{ "net6", NULL, NULL, NULL, NULL, (CU_TestInfo *)net6_tests },
		CU_SUITE_INFO_NULL,
	};
	struct dp_table_params p = { .name = "unit", .socket = 0,
				     .max_sensors = 4096, .max_keys = 8192,
				     .history_bytes = 1 << 20, .cat = &cat };
	char err[256];
	unsigned int failed;

	(void)argc;
	snprintf(prefix, sizeof(prefix), "sp-unit-table-%d", (int)getpid());
	if (rte_eal_init(11, eal) < 0) {
		fprintf(stderr, "table-tests: EAL init failed\n");
		return 2;
	}
	if (sp_catalog_load(&cat, SP_SOURCE_ROOT "/config/attributes.conf",
			    err, sizeof(err)) < 0) {
		fprintf(stderr, "table-tests: %s\n", err);
		return 2;
	}
	if (io_setup() < 0) {
		fprintf(stderr, "table-tests: cannot set up the io suite's port\n");
		return 2;
	}
	tab = dp_table_create(&p);
	if (tab == NULL) {
		fprintf(stderr, "table-tests: cannot create the table\n");
		return 2;
	}
	if (CU_initialize_registry() != CUE_SUCCESS ||
	    CU_register_suites(suites) != CUE_SUCCESS)
		return 2;
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures();
	CU_cleanup_registry();
	dp_table_free(tab);
	rte_eal_cleanup();
	/* the runtime directory EAL leaves behind */
	snprintf(err, sizeof(err), "rm -rf /var/run/dpdk/%s", prefix);
	if (system(err) != 0)
		fprintf(stderr, "table-tests: could not remove %s\n", prefix);
	return failed ? 1 : 0;
}
