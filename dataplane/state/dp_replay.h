/*
 * dp_replay.h - the replay window of a keyed sensor (PROTOCOL.md section 1,
 * as IPsec ESP keeps it, RFC 4303 section 3.4.3): the highest seq accepted
 * and a 64-packet bitmap below it, compared in serial-number arithmetic
 * (RFC 1982) so that the 32-bit seq wraps. Checking never changes the
 * window; only a packet that is then accepted marks it (dp_replay_mark),
 * so a packet dropped for another reason can still come. EAL-free.
 */
#ifndef DP_REPLAY_H
#define DP_REPLAY_H

#include <stdint.h>

#define DP_REPLAY_WINDOW 64

enum dp_replay_verdict {
	DP_REPLAY_NEW = 0,  /* not seen: accept */
	DP_REPLAY_SEEN,     /* inside the window and already accepted */
	DP_REPLAY_OLD,      /* below the window: cannot tell, so refused */
};

struct dp_replay {
	uint32_t top;       /* highest seq accepted */
	uint32_t valid;     /* 0 until the first packet */
	uint64_t bits;      /* bit i: top - i accepted */
};

/* How far @p seq is ahead of @p top: > 0 newer, <= 0 not. Exactly 2^31
 * apart is undefined in RFC 1982; it counts as older here. */
static inline int32_t dp_replay_ahead(uint32_t seq, uint32_t top)
{
	uint32_t d = seq - top;

	return d == 0x80000000u ? INT32_MIN : (int32_t)d;
}

static inline enum dp_replay_verdict
dp_replay_check(const struct dp_replay *r, uint32_t seq)
{
	int32_t d;

	if (!r->valid)
		return DP_REPLAY_NEW;
	d = dp_replay_ahead(seq, r->top);
	if (d > 0)
		return DP_REPLAY_NEW;
	if (d <= -DP_REPLAY_WINDOW)
		return DP_REPLAY_OLD;
	return (r->bits >> (uint32_t)-d) & 1 ? DP_REPLAY_SEEN : DP_REPLAY_NEW;
}

/* Mark @p seq accepted (after dp_replay_check said NEW). */
static inline void dp_replay_mark(struct dp_replay *r, uint32_t seq)
{
	int32_t d;

	if (!r->valid) {
		r->valid = 1;
		r->top = seq;
		r->bits = 1;
		return;
	}
	d = dp_replay_ahead(seq, r->top);
	if (d > 0) {
		r->bits = d >= DP_REPLAY_WINDOW ? 1 : (r->bits << d) | 1;
		r->top = seq;
	} else if (d > -DP_REPLAY_WINDOW) {
		r->bits |= (uint64_t)1 << (uint32_t)-d;
	}
}

/* Forget the window: the next packet starts it again. */
static inline void dp_replay_reset(struct dp_replay *r)
{
	r->valid = 0;
	r->bits = 0;
}

#endif /* DP_REPLAY_H */
