/*
 * test_history.c - the history's chunks: what a depth keeps, last N, time
 * ranges, records longer than the history, no memory, vectors, and the
 * timestamps (evenly spaced, jittered, out of order, far apart) read back
 * exactly; runs for the router; the memory a sample costs.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dp_history.h"
#include "sp_bytes.h"
#include "unit.h"

static uint64_t arena[1 << 16];   /* 512 KiB, 8-byte aligned */

static void setup(struct dp_history *h, uint32_t depth, unsigned int ssize)
{
	CU_ASSERT_FATAL(dp_history_mem_size(depth, ssize) <= sizeof(arena));
	memset(arena, 0xa5, sizeof(arena));
	dp_history_init(h, arena, depth, ssize);
}

/* Push @p n f32 samples from t0, dt apart, with values base + i. */
static void push_dt(struct dp_history *h, uint64_t t0, uint32_t dt,
		    unsigned int n, float base)
{
	uint8_t enc[4 * 1024];
	float v[1024];
	struct sp_record r = { .attr_id = 1, .vtype = SP_VT_F32, .dim = 1,
		.nsamp = (uint16_t)n, .t0_ns = t0, .dt_ns = n > 1 ? dt : 0,
		.values = enc };

	for (unsigned int i = 0; i < n; i++)
		v[i] = base + (float)i;
	sp_values_encode(SP_VT_F32, n, v, enc);
	dp_history_push_record(h, &r);
}

static void push(struct dp_history *h, uint64_t t0, unsigned int n,
		 float base)
{
	push_dt(h, t0, 10, n, base);
}

static float val(const struct dp_history_sample *s)
{
	return (float)sp_value_get(s->values, SP_VT_F32, 0);
}

/* Every sample held reads back as value i + base0 at time times[i]. */
static void check_all(const struct dp_history *h, const uint64_t *times,
		      uint64_t pushed)
{
	static struct dp_history_sample out[1 << 14];
	uint32_t n = dp_history_last(h, 1 << 14, out);
	int bad = 0;

	CU_ASSERT_EQUAL(n, dp_history_count(h));
	for (uint32_t i = 0; i < n; i++) {
		uint64_t idx = pushed - n + i;

		if (out[i].t_ns != times[idx] || val(&out[i]) != (float)idx)
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
}

static void test_wrap(void)
{
	struct dp_history h;
	struct dp_history_sample out[64];

	setup(&h, 16, 4);
	CU_ASSERT_EQUAL(dp_history_count(&h), 0);
	CU_ASSERT_EQUAL(dp_history_last(&h, 5, out), 0);
	push(&h, 0, 10, 0);
	CU_ASSERT_EQUAL(dp_history_count(&h), 10);
	for (int i = 1; i < 10; i++)
		push(&h, (uint64_t)i * 100, 10, (float)(i * 10));
	CU_ASSERT_EQUAL(h.head, 100);
	/* at least the depth, the newest ones, in order */
	uint32_t n = dp_history_last(&h, 64, out);

	CU_ASSERT(n >= 16 && n == dp_history_count(&h));
	CU_ASSERT_EQUAL(h.tail, 100 - n);
	for (uint32_t i = 0; i < n; i++) {
		CU_ASSERT_EQUAL(val(&out[i]), (float)(100 - n + i));
		CU_ASSERT_EQUAL(out[i].t_ns, (100 - n + i) * 10);
	}
}

static void test_last_n(void)
{
	struct dp_history h;
	struct dp_history_sample out[64];

	setup(&h, 64, 4);
	for (int i = 0; i < 1000; i++)
		push(&h, (uint64_t)i * 10, 1, (float)i);
	CU_ASSERT(dp_history_count(&h) >= 64);
	CU_ASSERT_EQUAL(dp_history_last(&h, 3, out), 3);
	CU_ASSERT_EQUAL(val(&out[0]), 997);
	CU_ASSERT_EQUAL(val(&out[2]), 999);
	CU_ASSERT_EQUAL(out[2].t_ns, 9990);
	CU_ASSERT_EQUAL(dp_history_last(&h, 1, out), 1);
	CU_ASSERT_EQUAL(val(&out[0]), 999);
}

static void test_range(void)
{
	struct dp_history h;
	struct dp_history_sample out[64];
	uint64_t first = 0;

	setup(&h, 32, 4);
	push(&h, 1000, 100, 0);   /* t = 1000..1990 */
	uint64_t oldest = h.tail;

	CU_ASSERT(dp_history_count(&h) >= 32 && oldest > 0);
	CU_ASSERT_EQUAL(dp_history_range(&h, 1900, 1950, out, 32, &first), 6);
	CU_ASSERT_EQUAL(first, 90);   /* t = 1900 is the 91st sample */
	CU_ASSERT_EQUAL(out[0].t_ns, 1900);
	CU_ASSERT_EQUAL(out[5].t_ns, 1950);
	CU_ASSERT_EQUAL(val(&out[0]), 90);
	/* a range reaching before the oldest kept sample starts there */
	CU_ASSERT_EQUAL(dp_history_range(&h, 0, 1000 + oldest * 10, out, 32,
					 &first), 1);
	CU_ASSERT_EQUAL(out[0].t_ns, 1000 + oldest * 10);
	CU_ASSERT_EQUAL(first, oldest);
	CU_ASSERT_EQUAL(dp_history_range(&h, 2000, 3000, out, 32, NULL), 0);
	/* max bounds the answer */
	CU_ASSERT_EQUAL(dp_history_range(&h, 0, UINT64_MAX, out, 4, NULL), 4);
	CU_ASSERT_EQUAL(out[3].t_ns, 1000 + (oldest + 3) * 10);
}

/* By index (a recorder's `history ... after VERSION`): from an index
 * held, from one older than the ring (starts at the oldest), past the
 * newest (nothing), bounded by max. */
static void test_from_index(void)
{
	struct dp_history h;
	struct dp_history_sample out[128];
	uint64_t first = 0, oldest;

	setup(&h, 32, 4);
	push(&h, 1000, 100, 0);   /* indexes 0..99, t = 1000..1990 */
	oldest = h.tail;
	CU_ASSERT_FATAL(oldest > 0 && oldest < 95);
	CU_ASSERT_EQUAL(dp_history_from(&h, 95, 64, out, &first), 5);
	CU_ASSERT_EQUAL(first, 95);
	CU_ASSERT_EQUAL(val(&out[0]), 95);
	CU_ASSERT_EQUAL(out[4].t_ns, 1990);
	CU_ASSERT_EQUAL(dp_history_from(&h, 0, 128, out, &first),
			(uint32_t)(100 - oldest));
	CU_ASSERT_EQUAL(first, oldest);
	CU_ASSERT_EQUAL(val(&out[0]), (float)oldest);
	CU_ASSERT_EQUAL(dp_history_from(&h, 100, 64, out, &first), 0);
	CU_ASSERT_EQUAL(dp_history_from(&h, oldest, 3, out, &first), 3);
	CU_ASSERT_EQUAL(val(&out[2]), (float)(oldest + 2));
}

static void test_long_record(void)
{
	struct dp_history h;
	struct dp_history_sample out[8];

	setup(&h, 8, 4);
	push(&h, 0, 1000, 0);   /* far longer than the history */
	CU_ASSERT_EQUAL(h.head, 1000);
	CU_ASSERT(dp_history_count(&h) >= 8);
	CU_ASSERT_EQUAL(dp_history_last(&h, 8, out), 8);
	CU_ASSERT_EQUAL(val(&out[0]), 992);
	CU_ASSERT_EQUAL(out[0].t_ns, 9920);
	CU_ASSERT_EQUAL(val(&out[7]), 999);
}

static void test_no_memory(void)
{
	struct dp_history h;
	struct dp_history_sample out[4];
	struct dp_history_run run;

	CU_ASSERT_EQUAL(dp_history_mem_size(0, 4), 0);
	dp_history_init(&h, NULL, 0, 4);
	push(&h, 0, 3, 0);
	CU_ASSERT_EQUAL(h.head, 3);
	CU_ASSERT_EQUAL(dp_history_count(&h), 0);
	CU_ASSERT_EQUAL(dp_history_last(&h, 4, out), 0);
	CU_ASSERT_EQUAL(dp_history_run(&h, 2, 3, 10, &run), 0);
	CU_ASSERT_PTR_NULL(dp_history_next_slot(&h));
}

static void test_vector_samples(void)
{
	uint8_t enc[2 * 24];
	double v[6] = { 1, 2, 3, 4, 5, 6 };
	struct dp_history h;
	struct dp_history_sample out[4];
	struct sp_record r = { .attr_id = 6, .vtype = SP_VT_F64, .dim = 3,
		.nsamp = 2, .t0_ns = 7, .dt_ns = 1, .values = enc };

	sp_values_encode(SP_VT_F64, 6, v, enc);
	setup(&h, 4, 24);
	dp_history_push_record(&h, &r);
	CU_ASSERT_EQUAL(dp_history_last(&h, 4, out), 2);
	CU_ASSERT_EQUAL(sp_value_get(out[1].values, SP_VT_F64, 2), 6);
	CU_ASSERT_EQUAL(out[1].t_ns, 8);
}

/* Timestamps of every shape read back exactly, whatever the mix. */
static void test_times_exact(void)
{
	static uint64_t times[20000];
	struct dp_history h;
	uint64_t t = 1000000, seed = 7;

	setup(&h, 1024, 4);
	for (uint32_t i = 0; i < 20000; i++) {
		uint32_t phase = (i / 500) % 5;

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		if (phase == 0)
			t += 10000000;                       /* 100 Hz, exact */
		else if (phase == 1)
			t += 10000000 + (seed >> 40) % 5000; /* jittered */
		else if (phase == 2)                         /* out of order */
			t = t + 1000000 - (int64_t)((seed >> 33) % 3000000);
		else if (phase == 3)
			t += 5000000000ull;                  /* 5 s apart */
		/* phase 4: the same time again and again */
		times[i] = t;
		push_dt(&h, t, 0, 1, (float)i);
		if (i % 997 == 0 || i == 19999)
			check_all(&h, times, i + 1);
	}
}

/* Records of 50 evenly spaced samples, one after the other: one chunk
 * run across records; the router reads them back as long runs. */
static void test_runs(void)
{
	struct dp_history h;
	struct dp_history_run run;
	uint64_t i;
	uint32_t n;

	setup(&h, 4096, 4);
	for (int r = 0; r < 200; r++)
		push_dt(&h, 5000 + (uint64_t)r * 50 * 4000, 4000, 50,
			(float)(r * 50));
	CU_ASSERT_EQUAL(h.head, 10000);
	i = h.tail;
	n = dp_history_run(&h, i, h.head, 1024, &run);
	CU_ASSERT(n > 50);
	CU_ASSERT_EQUAL(run.dt_ns, 4000);
	CU_ASSERT_EQUAL(run.t0_ns, 5000 + i * 4000);
	CU_ASSERT_EQUAL((float)sp_value_get(run.values, SP_VT_F32, 0), (float)i);
	/* bounded by `to` and max */
	CU_ASSERT_EQUAL(dp_history_run(&h, h.head - 10, h.head - 3, 1024, &run),
			7);
	CU_ASSERT_EQUAL(dp_history_run(&h, h.head - 10, h.head, 2, &run), 2);
	CU_ASSERT_EQUAL(dp_history_run(&h, h.head - 1, h.head, 9, &run), 1);
	CU_ASSERT_EQUAL(run.dt_ns, 0);
	CU_ASSERT_EQUAL(dp_history_run(&h, h.head, h.head + 1, 9, &run), 0);
	CU_ASSERT_EQUAL(dp_history_run(&h, h.tail - 1, h.head, 9, &run), 0);
	/* the whole history in runs covers every sample once */
	uint64_t covered = 0;

	for (i = h.tail; i < h.head; i += n) {
		n = dp_history_run(&h, i, h.head, 1024, &run);
		CU_ASSERT_FATAL(n > 0);
		CU_ASSERT_EQUAL(run.t0_ns, 5000 + i * 4000);
		covered += n;
	}
	CU_ASSERT_EQUAL(covered, dp_history_count(&h));
	/* seek: the first at or after a time */
	CU_ASSERT_EQUAL(dp_history_seek(&h, h.tail, h.head, 5000 + 9990 * 4000),
			9990);
	CU_ASSERT_EQUAL(dp_history_seek(&h, h.tail, 9000, UINT64_MAX), 9000);
}

/* Jittered samples: runs of one, each time exact. */
static void test_runs_jittered(void)
{
	struct dp_history h;
	struct dp_history_run run;
	uint64_t t = 0;

	setup(&h, 64, 4);
	for (int i = 0; i < 40; i++) {
		t += 1000 + (i % 3) * 7;
		push_dt(&h, t, 0, 1, (float)i);
	}
	/* 1000, 1007, 1014 apart repeating: no two steps equal in a row
	 * except across the pattern, so runs are of one or two */
	uint64_t i = h.tail, sum = 0;

	while (i < h.head) {
		uint32_t n = dp_history_run(&h, i, h.head, 1024, &run);

		CU_ASSERT_FATAL(n >= 1 && n <= 2);
		sum += n;
		i += n;
	}
	CU_ASSERT_EQUAL(sum, dp_history_count(&h));
}

/* Memory a sample kept costs, once the history is full (B5h). */
static void test_bytes_per_sample(void)
{
	struct dp_history h;
	size_t mem;

	/* an f32 scalar a packet, evenly spaced: <= 6 B (was 12) */
	mem = dp_history_mem_size(1024, 4);
	setup(&h, 1024, 4);
	for (int i = 0; i < 10000; i++)
		push_dt(&h, (uint64_t)i * 100000000, 0, 1, (float)i);
	CU_ASSERT(dp_history_count(&h) >= 1024);
	CU_ASSERT((double)mem / dp_history_count(&h) <= 6.0);
	/* 50-sample f32 records: <= 4.5 B */
	mem = dp_history_mem_size(4096, 4);
	setup(&h, 4096, 4);
	for (int r = 0; r < 400; r++)
		push_dt(&h, (uint64_t)r * 50 * 4000000, 4000000, 50, 0);
	CU_ASSERT(dp_history_count(&h) >= 4096);
	CU_ASSERT((double)mem / dp_history_count(&h) <= 4.5);
	/* a slow sensor, 10 s apart (beyond a record's 32-bit spacing):
	 * still one chunk a run, the depth kept, runs of one for the wire */
	static uint64_t slow[200];
	struct dp_history_run run;

	mem = dp_history_mem_size(64, 4);
	setup(&h, 64, 4);
	for (int i = 0; i < 200; i++) {
		slow[i] = 7 + (uint64_t)i * 10000000000ull;
		push_dt(&h, slow[i], 0, 1, (float)i);
	}
	CU_ASSERT(dp_history_count(&h) >= 64);
	CU_ASSERT((double)mem / dp_history_count(&h) < 8.0);
	check_all(&h, slow, 200);
	CU_ASSERT_EQUAL(dp_history_run(&h, h.tail, h.head, 99, &run), 1);
	/* jittered f32 scalars: the depth kept all the same, under the old
	 * 12 B a sample (link_flap.sh reads a depth of them back) */
	mem = dp_history_mem_size(1024, 4);
	setup(&h, 1024, 4);
	for (int i = 0; i < 10000; i++)
		push_dt(&h, (uint64_t)i * 100000000 + (i * 7919) % 1000, 0, 1,
			0);
	CU_ASSERT(dp_history_count(&h) >= 1024);
	CU_ASSERT((double)mem / dp_history_count(&h) < 12.0);
	/* and at the catalogue's other depths and shapes */
	for (uint32_t d = 1; d <= 8192; d *= 2)
		for (unsigned int ss = 4; ss <= 24; ss += 20) {
			CU_ASSERT_FATAL(dp_history_mem_size(d, ss) <=
					sizeof(arena));
			setup(&h, d, ss);
			for (uint32_t i = 0; i < 3 * d + 100; i++) {
				uint8_t v[24] = { 0 };
				struct sp_record r = { .attr_id = 1,
					.vtype = SP_VT_F32,
					.dim = (uint8_t)(ss / 4), .nsamp = 1,
					.t0_ns = (uint64_t)i * 1000000 +
						 (i * 7919) % 997,
					.values = v };

				dp_history_push_record(&h, &r);
			}
			CU_ASSERT(dp_history_count(&h) >= d);
		}
}

void suite_hist(void)
{
	static const CU_TestInfo tests[] = {
		{ "keeps at least depth, the newest", test_wrap },
		{ "last N", test_last_n },
		{ "time range", test_range },
		{ "from an index (after a version)", test_from_index },
		{ "record longer than the history", test_long_record },
		{ "history without memory counts only", test_no_memory },
		{ "vector samples", test_vector_samples },
		{ "every timestamp reads back exactly", test_times_exact },
		{ "runs across records, seek", test_runs },
		{ "jittered samples make short runs", test_runs_jittered },
		{ "bytes per sample kept (B5h)", test_bytes_per_sample },
		CU_TEST_INFO_NULL,
	};
	unit_add("hist", tests);
}
