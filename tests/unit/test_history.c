/*
 * test_hist.c - the history ring: wrap-around, last N, time ranges,
 * records longer than the ring, a ring without memory.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dp_history.h"
#include "sp_bytes.h"
#include "unit.h"

/* Push @p n f32 samples with t = t0 + i*10 and value i + base. */
static void push(struct dp_history *h, uint64_t t0, unsigned int n, float base)
{
	uint8_t enc[4 * 1024];
	float v[1024];
	struct sp_record r = { .attr_id = 1, .vtype = SP_VT_F32, .dim = 1,
		.nsamp = (uint16_t)n, .t0_ns = t0, .dt_ns = n > 1 ? 10 : 0,
		.values = enc };

	for (unsigned int i = 0; i < n; i++)
		v[i] = base + (float)i;
	sp_values_encode(SP_VT_F32, n, v, enc);
	dp_history_push_record(h, &r);
}

static float val(const struct dp_history_sample *s)
{
	return (float)sp_value_get(s->values, SP_VT_F32, 0);
}

static void test_wrap(void)
{
	uint8_t mem[16 * 12];
	struct dp_history h;
	struct dp_history_sample out[32];

	CU_ASSERT_EQUAL(dp_history_mem_size(16, 4), 16 * 12);
	dp_history_init(&h, mem, 16, 4);
	CU_ASSERT_EQUAL(dp_history_count(&h), 0);
	CU_ASSERT_EQUAL(dp_history_last(&h, 5, out), 0);
	push(&h, 0, 10, 0);
	CU_ASSERT_EQUAL(dp_history_count(&h), 10);
	push(&h, 100, 10, 10);   /* 20 pushed: ring holds 4..19 */
	CU_ASSERT_EQUAL(dp_history_count(&h), 16);
	CU_ASSERT_EQUAL(h.head, 20);
	CU_ASSERT_EQUAL(dp_history_last(&h, 100, out), 16);
	for (int i = 0; i < 16; i++)
		CU_ASSERT_EQUAL(val(&out[i]), (float)(4 + i));
	CU_ASSERT_EQUAL(out[0].t_ns, 40);
	CU_ASSERT_EQUAL(out[15].t_ns, 190);
}

static void test_last_n(void)
{
	uint8_t mem[64 * 12];
	struct dp_history h;
	struct dp_history_sample out[64];

	dp_history_init(&h, mem, 64, 4);
	for (int i = 0; i < 1000; i++)
		push(&h, (uint64_t)i * 10, 1, (float)i);
	CU_ASSERT_EQUAL(dp_history_last(&h, 3, out), 3);
	CU_ASSERT_EQUAL(val(&out[0]), 997);
	CU_ASSERT_EQUAL(val(&out[2]), 999);
	CU_ASSERT_EQUAL(out[2].t_ns, 9990);
	CU_ASSERT_EQUAL(dp_history_last(&h, 1, out), 1);
	CU_ASSERT_EQUAL(val(&out[0]), 999);
}

static void test_range(void)
{
	uint8_t mem[32 * 12];
	struct dp_history h;
	struct dp_history_sample out[32];
	uint64_t first = 0;

	dp_history_init(&h, mem, 32, 4);
	push(&h, 1000, 40, 0);   /* t = 1000..1390, ring holds 8..39 */
	CU_ASSERT_EQUAL(dp_history_range(&h, 1100, 1150, out, 32, &first), 6);
	CU_ASSERT_EQUAL(first, 10);   /* t = 1100 is the 11th sample */
	CU_ASSERT_EQUAL(out[0].t_ns, 1100);
	CU_ASSERT_EQUAL(out[5].t_ns, 1150);
	CU_ASSERT_EQUAL(val(&out[0]), 10);
	/* a range reaching before the oldest kept sample starts there */
	CU_ASSERT_EQUAL(dp_history_range(&h, 0, 1085, out, 32, &first), 1);
	CU_ASSERT_EQUAL(out[0].t_ns, 1080);
	CU_ASSERT_EQUAL(first, 8);    /* 0..7 were overwritten */
	CU_ASSERT_EQUAL(dp_history_range(&h, 2000, 3000, out, 32, NULL), 0);
	/* max bounds the answer */
	CU_ASSERT_EQUAL(dp_history_range(&h, 0, UINT64_MAX, out, 4, NULL), 4);
	CU_ASSERT_EQUAL(out[3].t_ns, 1110);
}

static void test_long_record(void)
{
	uint8_t mem[8 * 12];
	struct dp_history h;
	struct dp_history_sample out[8];

	dp_history_init(&h, mem, 8, 4);
	push(&h, 0, 100, 0);   /* longer than the ring: keeps 92..99 */
	CU_ASSERT_EQUAL(h.head, 100);
	CU_ASSERT_EQUAL(dp_history_last(&h, 8, out), 8);
	CU_ASSERT_EQUAL(val(&out[0]), 92);
	CU_ASSERT_EQUAL(out[0].t_ns, 920);
	CU_ASSERT_EQUAL(val(&out[7]), 99);
}

static void test_no_memory(void)
{
	struct dp_history h;
	struct dp_history_sample out[4];

	dp_history_init(&h, NULL, 0, 4);
	push(&h, 0, 3, 0);
	CU_ASSERT_EQUAL(h.head, 3);
	CU_ASSERT_EQUAL(dp_history_count(&h), 0);
	CU_ASSERT_EQUAL(dp_history_last(&h, 4, out), 0);
}

static void test_vector_samples(void)
{
	uint8_t mem[4 * (8 + 24)], enc[2 * 24];
	double v[6] = { 1, 2, 3, 4, 5, 6 };
	struct dp_history h;
	struct dp_history_sample out[4];
	struct sp_record r = { .attr_id = 6, .vtype = SP_VT_F64, .dim = 3,
		.nsamp = 2, .t0_ns = 7, .dt_ns = 1, .values = enc };

	sp_values_encode(SP_VT_F64, 6, v, enc);
	dp_history_init(&h, mem, 4, 24);
	dp_history_push_record(&h, &r);
	CU_ASSERT_EQUAL(dp_history_last(&h, 4, out), 2);
	CU_ASSERT_EQUAL(sp_value_get(out[1].values, SP_VT_F64, 2), 6);
	CU_ASSERT_EQUAL(out[1].t_ns, 8);
}

void suite_hist(void)
{
	static const CU_TestInfo tests[] = {
		{ "wrap-around keeps the newest depth samples", test_wrap },
		{ "last N", test_last_n },
		{ "time range", test_range },
		{ "record longer than the ring", test_long_record },
		{ "ring without memory counts only", test_no_memory },
		{ "vector samples", test_vector_samples },
		CU_TEST_INFO_NULL,
	};
	unit_add("hist", tests);
}
