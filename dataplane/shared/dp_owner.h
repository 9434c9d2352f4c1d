/*
 * dp_owner.h - which worker owns a sensor. Shared by the workers (who
 * hand a packet to its owner) and the control thread (who posts a
 * sensor's commands and queries to its owner).
 */
#ifndef DP_OWNER_H
#define DP_OWNER_H

#include <stdint.h>

/** The worker that owns sensor @p id among @p n workers. */
static inline unsigned int dp_owner(uint64_t id, unsigned int n)
{
	/* Fibonacci hashing spreads consecutive ids evenly. */
	return (unsigned int)(((id * 0x9E3779B97F4A7C15ull) >> 32) % n);
}

#endif /* DP_OWNER_H */
