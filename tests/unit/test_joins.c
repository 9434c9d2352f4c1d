/*
 * test_joins.c - leases on feeds (dp_joins): the first join of a feed and
 * its last lapse are reported once each; renewals extend, never shorten;
 * leave ends a lease at once; a full table refuses and counts.
 */
#include <errno.h>
#include <string.h>

#include "dp_joins.h"
#include "unit.h"

#define MS 1000000ull

static struct dp_joins J;
static int events[16][2], nev;

static void fn(void *ctx, uint16_t feed, int on)
{
	(void)ctx;
	if (nev < 16) {
		events[nev][0] = feed;
		events[nev++][1] = on;
	}
}

static void test_lease_and_lapse(void)
{
	nev = 0;
	dp_joins_init(&J, fn, NULL);
	CU_ASSERT_EQUAL(dp_joins_join(&J, 3, 1000, 0), 0);
	CU_ASSERT_EQUAL(nev, 1);
	CU_ASSERT(events[0][0] == 3 && events[0][1] == 1);
	/* renewed at 800 ms for 1 s: holds to 1.8 s; a shorter one later
	 * does not cut it */
	CU_ASSERT_EQUAL(dp_joins_join(&J, 3, 1000, 800 * MS), 0);
	CU_ASSERT_EQUAL(dp_joins_join(&J, 3, 10, 900 * MS), 0);
	CU_ASSERT_EQUAL(nev, 1);
	CU_ASSERT_EQUAL(dp_joins_tick(&J, 1500 * MS), 0);
	CU_ASSERT_EQUAL(dp_joins_left_ms(&J, 3, 1500 * MS), 300);
	CU_ASSERT_EQUAL(dp_joins_tick(&J, 1800 * MS), 1);
	CU_ASSERT_EQUAL(nev, 2);
	CU_ASSERT(events[1][0] == 3 && events[1][1] == 0);
	CU_ASSERT_EQUAL(dp_joins_left_ms(&J, 3, 1800 * MS), 0);
	CU_ASSERT_EQUAL(J.lapses, 1);
}

static void test_leave_and_full(void)
{
	nev = 0;
	dp_joins_init(&J, fn, NULL);
	dp_joins_join(&J, 20, 1000, 0);
	CU_ASSERT_EQUAL(dp_joins_leave(&J, 20), 0);
	CU_ASSERT_EQUAL(nev, 2);
	CU_ASSERT_EQUAL(dp_joins_leave(&J, 20), -ENOENT);
	for (uint32_t i = 0; i < DP_JOINS_MAX; i++)
		CU_ASSERT_EQUAL_FATAL(dp_joins_join(&J, (uint16_t)(16 + i),
						    1000, 0), 0);
	CU_ASSERT_EQUAL(dp_joins_join(&J, 9000, 1000, 0), -ENOSPC);
	CU_ASSERT_EQUAL(J.refused, 1);
	/* all lapse in one tick */
	CU_ASSERT_EQUAL(dp_joins_tick(&J, 2000 * MS), DP_JOINS_MAX);
	CU_ASSERT_EQUAL(J.n, 0);
}

void suite_joins(void)
{
	static const CU_TestInfo t[] = {
		{ "lease and lapse", test_lease_and_lapse },
		{ "leave and full", test_leave_and_full },
		CU_TEST_INFO_NULL,
	};
	unit_add("joins", t);
}
