/*
 * dp_loss.h - loss injection for tests (this machine has no netem): drop,
 * duplicate or reorder a fraction of a worker's outgoing feed data packets,
 * or drop a burst of N messages, with a fixed seed; every action counted.
 * Off unless set (config [loss], or `senseplane loss set`).
 */
#ifndef DP_LOSS_H
#define DP_LOSS_H

#include <stdint.h>

enum dp_loss_action {
	DP_LOSS_SEND,
	DP_LOSS_DROP,
	DP_LOSS_DUP,
	DP_LOSS_HOLD,      /* send after the next packet (reorder) */
};

struct dp_loss {
	uint32_t drop_ppm, dup_ppm, reorder_ppm;  /* parts per million */
	uint32_t burst;            /* messages still to drop in a row */
	uint32_t feed;             /* feed id it applies to, 65536: all */
	uint64_t rng;
	uint64_t dropped, duped, reordered;       /* packets */
	uint64_t dropped_msgs;
	uint64_t dropped_bytes;    /* feed payload bytes (UDP) dropped */
};

/** Settings (ppm), seed; @p feed 65536 means every feed. */
void dp_loss_set(struct dp_loss *l, uint32_t drop_ppm, uint32_t dup_ppm,
		 uint32_t reorder_ppm, uint32_t burst, uint64_t seed,
		 uint32_t feed);

/** 1 when any loss is set. */
static inline int dp_loss_on(const struct dp_loss *l)
{
	return l->drop_ppm || l->dup_ppm || l->reorder_ppm || l->burst;
}

/** What to do with a data packet of @p count messages on @p feed_id. */
enum dp_loss_action dp_loss_decide(struct dp_loss *l, uint16_t feed_id,
				   uint16_t count);

#endif /* DP_LOSS_H */
