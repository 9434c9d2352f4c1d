/*
 * dp_limits.h - rate limits of one worker ([limits]): per sensor, from the
 * catalogue's rates (DPDK rte_meter srTCM, counting samples: a sensor may
 * send sensor_factor times the sum of its attributes' rates, with a bucket
 * of sensor_burst_ms at that rate, and never less than two of its typical
 * packets), and per source address (counting packets: source_pps with a
 * bucket of source_burst). What is over the limit is red and is dropped
 * by the caller. The buckets are per worker: a sensor has one owner, so
 * its limit is exact; a source whose flows land on several workers gets
 * its limit on each.
 */
#ifndef DP_LIMITS_H
#define DP_LIMITS_H

#include <stdint.h>

#include <rte_meter.h>

#include "dp_key.h"
#include "sp_catalog.h"
#include "sp_config.h"

#define DP_LIMIT_PROFILES 256
#define DP_LIMIT_UNMETERED 0xFFFFu  /* meter_prof of a sensor with no rate */

struct rte_hash;

struct dp_limits {
	double factor;                 /* 0: sensors are not limited */
	uint32_t burst_ms;
	unsigned int nprof;
	uint64_t prof_cir[DP_LIMIT_PROFILES];
	uint64_t prof_cbs[DP_LIMIT_PROFILES];
	struct rte_meter_srtcm_profile prof[DP_LIMIT_PROFILES];
	/* sources: NULL when source_pps is 0 */
	struct rte_hash *src;
	struct rte_meter_srtcm *src_m; /* by the hash's position */
	struct rte_meter_srtcm overflow; /* the sources the table lacks */
	struct rte_meter_srtcm_profile src_prof;
	uint8_t src_full;              /* an add failed: reset at the tick */
	uint64_t sources;              /* addresses in the table */
	uint64_t src_overflow;         /* packets metered by overflow */
	uint64_t src_resets;           /* full tables emptied */
};

/**
 * Set up the limits of @p cfg for worker @p idx on NUMA @p socket.
 * @return 0, or -1 (no memory, or a profile DPDK refuses).
 */
int dp_limits_init(struct dp_limits *l, const struct sp_config *cfg,
		   unsigned int idx, int socket);
void dp_limits_free(struct dp_limits *l);

/** 1 when source @p ip (network order) is over its limit at @p tsc. */
int dp_limits_source(struct dp_limits *l, uint32_t ip, uint64_t tsc);

/**
 * 1 when sensor @p s is over its limit with @p nsamp more samples at
 * @p tsc. Its profile is chosen on its first packet and again when it
 * gains a key (the caller sets meter_prof to 0).
 */
int dp_limits_sensor(struct dp_limits *l, const struct sp_catalog *cat,
		     struct dp_sensor *s, uint32_t nsamp, uint64_t tsc);

/** The tick: a source table that filled up is emptied (new buckets). */
void dp_limits_tick(struct dp_limits *l);

#endif /* DP_LIMITS_H */
