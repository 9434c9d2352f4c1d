/*
 * bench_proc.h - what the single-file benchmark helpers (krecv, mqtt)
 * share: a monotonic clock, the process's own CPU time, and a stop flag
 * set by SIGINT/SIGTERM.
 */
#ifndef BENCH_PROC_H
#define BENCH_PROC_H

#include <signal.h>
#include <sys/resource.h>
#include <time.h>

static volatile sig_atomic_t bench_stop;

static void bench_on_signal(int sig)
{
	(void)sig;
	bench_stop = 1;
}

/** SIGINT and SIGTERM set bench_stop. */
static inline void bench_catch_signals(void)
{
	signal(SIGINT, bench_on_signal);
	signal(SIGTERM, bench_on_signal);
}

/** Seconds on the monotonic clock. */
static inline double bench_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/** CPU seconds (user + system) this process has used. */
static inline double bench_cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

#endif /* BENCH_PROC_H */
