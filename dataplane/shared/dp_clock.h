/*
 * dp_clock.h - wall-clock nanoseconds from the TSC, so the hot loop stamps
 * feed packets without a clock_gettime() per packet.
 */
#ifndef DP_CLOCK_H
#define DP_CLOCK_H

#include <stdint.h>
#include <time.h>

#include <rte_cycles.h>

struct dp_clock {
	uint64_t base_tsc;
	uint64_t base_ns;
	double ns_per_tsc;
	uint64_t hz;
};

static inline void dp_clock_init(struct dp_clock *c)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	c->base_tsc = rte_rdtsc();
	c->base_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	c->hz = rte_get_tsc_hz();
	c->ns_per_tsc = 1e9 / (double)c->hz;
}

static inline uint64_t dp_clock_ns(const struct dp_clock *c, uint64_t tsc)
{
	return c->base_ns + (uint64_t)((double)(tsc - c->base_tsc) *
				       c->ns_per_tsc);
}

/** TSC ticks in @p us microseconds. */
static inline uint64_t dp_clock_us_to_tsc(const struct dp_clock *c,
					  uint64_t us)
{
	return c->hz / 1000000 * us + (c->hz % 1000000) * us / 1000000;
}

#endif /* DP_CLOCK_H */
