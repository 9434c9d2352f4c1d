/*
 * sp_time.h - the two clocks the programs read, in ns, one helper each
 * (there were ten copies of them, each in its own file).
 *
 * sp_wall_ns(): CLOCK_REALTIME, ns since the epoch. For times that leave
 * the process or are compared with a time written by another process or
 * machine: a sample's or a packet's stamp, last_seen in Redis, the age of
 * a message measured against its sender's send_ns.
 *
 * sp_mono_ns(): CLOCK_MONOTONIC. For deadlines, intervals, time-outs and
 * back-offs inside one process, which a step of the wall clock (NTP, an
 * administrator) must neither stretch nor fire early.
 *
 * Which clock a caller needs is the caller's: a call site keeps the one it
 * had. Inline: the call is a vDSO read, a function call around it adds
 * nothing but a dependency on a .c of common/.
 */
#ifndef SP_TIME_H
#define SP_TIME_H

#include <stdint.h>
#include <time.h>

/** The wall clock (CLOCK_REALTIME), ns since the epoch. */
static inline uint64_t sp_wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/** The monotonic clock (CLOCK_MONOTONIC), ns since an unspecified start
 * (boot): for durations and deadlines within a process. */
static inline uint64_t sp_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#endif /* SP_TIME_H */
