/*
 * test_replay.c - the replay window: in order, reordered within the
 * window, duplicates, too old, jumps, and the wrap of the 32-bit seq.
 */
#include "dp_replay.h"
#include "unit.h"

/* check then mark, as the worker does: @return the verdict */
static enum dp_replay_verdict take(struct dp_replay *r, uint32_t seq)
{
	enum dp_replay_verdict v = dp_replay_check(r, seq);

	if (v == DP_REPLAY_NEW)
		dp_replay_mark(r, seq);
	return v;
}

static void test_in_order_and_duplicates(void)
{
	struct dp_replay r = { 0 };

	for (uint32_t s = 1; s <= 1000; s++) {
		CU_ASSERT_EQUAL(take(&r, s), DP_REPLAY_NEW);
		CU_ASSERT_EQUAL(take(&r, s), DP_REPLAY_SEEN);
	}
	/* every one of the last 64 is seen, the 65th back is too old */
	for (uint32_t s = 1000 - 63; s <= 1000; s++)
		CU_ASSERT_EQUAL(dp_replay_check(&r, s), DP_REPLAY_SEEN);
	CU_ASSERT_EQUAL(dp_replay_check(&r, 1000 - 64), DP_REPLAY_OLD);
	CU_ASSERT_EQUAL(dp_replay_check(&r, 1), DP_REPLAY_OLD);
}

static void test_reorder(void)
{
	struct dp_replay r = { 0 };

	CU_ASSERT_EQUAL(take(&r, 100), DP_REPLAY_NEW);
	/* late packets inside the window are taken once each */
	for (uint32_t s = 99; s > 100 - 64; s--)
		CU_ASSERT_EQUAL(take(&r, s), DP_REPLAY_NEW);
	for (uint32_t s = 99; s > 100 - 64; s--)
		CU_ASSERT_EQUAL(take(&r, s), DP_REPLAY_SEEN);
	CU_ASSERT_EQUAL(take(&r, 100 - 64), DP_REPLAY_OLD);
	/* a gap, then its missing packets */
	CU_ASSERT_EQUAL(take(&r, 110), DP_REPLAY_NEW);
	CU_ASSERT_EQUAL(take(&r, 105), DP_REPLAY_NEW);
	CU_ASSERT_EQUAL(take(&r, 105), DP_REPLAY_SEEN);
	CU_ASSERT_EQUAL(take(&r, 100), DP_REPLAY_SEEN);
	/* a jump past the window forgets everything below it */
	CU_ASSERT_EQUAL(take(&r, 1000), DP_REPLAY_NEW);
	CU_ASSERT_EQUAL(take(&r, 999), DP_REPLAY_NEW);
	CU_ASSERT_EQUAL(take(&r, 110), DP_REPLAY_OLD);
}

static void test_wrap(void)
{
	struct dp_replay r = { 0 };
	uint32_t s = 0xFFFFFFF0u;

	for (int i = 0; i < 40; i++, s++)
		CU_ASSERT_EQUAL(take(&r, s), DP_REPLAY_NEW);
	CU_ASSERT_EQUAL(r.top, 0xFFFFFFF0u + 39);   /* wrapped: 23 */
	CU_ASSERT_EQUAL(take(&r, 0xFFFFFFF5u), DP_REPLAY_SEEN);
	CU_ASSERT_EQUAL(take(&r, 0), DP_REPLAY_SEEN);
	CU_ASSERT_EQUAL(take(&r, 0xFFFFFF00u), DP_REPLAY_OLD);
	/* half the space ahead is newer, half behind older; 2^31 older */
	CU_ASSERT_EQUAL(dp_replay_check(&r, r.top + 0x7FFFFFFFu), DP_REPLAY_NEW);
	CU_ASSERT_EQUAL(dp_replay_check(&r, r.top + 0x80000000u), DP_REPLAY_OLD);
	CU_ASSERT_EQUAL(dp_replay_check(&r, r.top + 0x80000001u), DP_REPLAY_OLD);
}

static void test_reset(void)
{
	struct dp_replay r = { 0 };

	CU_ASSERT_EQUAL(take(&r, 5000), DP_REPLAY_NEW);
	CU_ASSERT_EQUAL(take(&r, 1), DP_REPLAY_OLD);
	dp_replay_reset(&r);
	CU_ASSERT_EQUAL(take(&r, 1), DP_REPLAY_NEW);
	CU_ASSERT_EQUAL(take(&r, 2), DP_REPLAY_NEW);
	CU_ASSERT_EQUAL(take(&r, 1), DP_REPLAY_SEEN);
}

void suite_replay(void)
{
	static const CU_TestInfo tests[] = {
		{ "in order, duplicates, too old", test_in_order_and_duplicates },
		{ "reordered within the window", test_reorder },
		{ "the seq wraps (RFC 1982)", test_wrap },
		{ "reset takes a restarted counter", test_reset },
		CU_TEST_INFO_NULL,
	};
	unit_add("replay", tests);
}
