/*
 * dp_loss.c - loss injection decisions (see dp_loss.h).
 */
#include "dp_loss.h"

#include <string.h>

void dp_loss_set(struct dp_loss *l, uint32_t drop_ppm, uint32_t dup_ppm,
		 uint32_t reorder_ppm, uint32_t burst, uint64_t seed,
		 uint32_t feed)
{
	l->drop_ppm = drop_ppm;
	l->dup_ppm = dup_ppm;
	l->reorder_ppm = reorder_ppm;
	l->burst = burst;
	l->feed = feed;
	l->rng = seed * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull;
}

static uint32_t next_ppm(struct dp_loss *l)
{
	/* xorshift64*, reduced to 0..999999 */
	uint64_t x = l->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	l->rng = x;
	return (uint32_t)(((x * 0x2545F4914F6CDD1Dull) >> 32) % 1000000);
}

enum dp_loss_action dp_loss_decide(struct dp_loss *l, uint16_t feed_id,
				   uint16_t count)
{
	uint32_t r;

	if (l->feed != 65536 && l->feed != feed_id)
		return DP_LOSS_SEND;
	if (l->burst) {
		l->burst = count >= l->burst ? 0 : l->burst - count;
		l->dropped++;
		l->dropped_msgs += count;
		return DP_LOSS_DROP;
	}
	r = next_ppm(l);
	if (r < l->drop_ppm) {
		l->dropped++;
		l->dropped_msgs += count;
		return DP_LOSS_DROP;
	}
	r -= l->drop_ppm;
	if (r < l->dup_ppm) {
		l->duped++;
		return DP_LOSS_DUP;
	}
	r -= l->dup_ppm;
	if (r < l->reorder_ppm) {
		l->reordered++;
		return DP_LOSS_HOLD;
	}
	return DP_LOSS_SEND;
}
