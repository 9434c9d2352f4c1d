/*
 * dp_limits.c - per-sensor and per-source rate limits (see dp_limits.h).
 */
#include "dp_limits.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_malloc.h>

_Static_assert(sizeof(struct rte_meter_srtcm) ==
	       sizeof(((struct dp_sensor *)0)->meter),
	       "a sensor holds one srTCM meter");

int dp_limits_init(struct dp_limits *l, const struct sp_config *cfg,
		   unsigned int idx, int socket)
{
	char name[32];
	struct rte_hash_parameters hp = {
		.name = name,
		.entries = cfg->max_sources,
		.key_len = sizeof(uint32_t),
		.hash_func = rte_jhash,
		.socket_id = socket,
	};
	struct rte_meter_srtcm_params sp = {
		.cir = cfg->source_pps,
		.cbs = cfg->source_burst,
		.ebs = 0,
	};

	memset(l, 0, sizeof(*l));
	l->factor = cfg->sensor_factor;
	l->burst_ms = cfg->sensor_burst_ms;
	if (cfg->source_pps == 0)
		return 0;
	snprintf(name, sizeof(name), "sp_src%u", idx);
	l->src = rte_hash_create(&hp);
	l->src_m = rte_zmalloc_socket("sp_src_meters", (size_t)cfg->max_sources *
			sizeof(*l->src_m), RTE_CACHE_LINE_SIZE, socket);
	if (l->src == NULL || l->src_m == NULL ||
	    rte_meter_srtcm_profile_config(&l->src_prof, &sp) != 0 ||
	    rte_meter_srtcm_config(&l->overflow, &l->src_prof) != 0) {
		dp_limits_free(l);
		return -1;
	}
	return 0;
}

void dp_limits_free(struct dp_limits *l)
{
	rte_hash_free(l->src);
	rte_free(l->src_m);
	l->src = NULL;
	l->src_m = NULL;
}

int dp_limits_source(struct dp_limits *l, uint32_t ip, uint64_t tsc)
{
	struct rte_meter_srtcm *m;
	int32_t pos = rte_hash_lookup(l->src, &ip);

	if (pos < 0) {
		pos = l->src_full ? -ENOSPC : rte_hash_add_key(l->src, &ip);
		if (pos >= 0) {
			l->sources++;
			rte_meter_srtcm_config(&l->src_m[pos], &l->src_prof);
		} else {
			l->src_full = 1;
		}
	}
	if (pos >= 0) {
		m = &l->src_m[pos];
	} else {
		m = &l->overflow;
		l->src_overflow++;
	}
	return rte_meter_srtcm_color_blind_check(m, &l->src_prof, tsc, 1) ==
	       RTE_COLOR_RED;
}

void dp_limits_tick(struct dp_limits *l)
{
	if (l->src == NULL || !l->src_full)
		return;
	rte_hash_reset(l->src);
	l->src_full = 0;
	l->sources = 0;
	l->src_resets++;
}

/* The profile for a rate of @p cir samples/s and a bucket of @p cbs:
 * an existing one, a new one, or (all taken) the most generous. */
static uint16_t profile_for(struct dp_limits *l, uint64_t cir, uint64_t cbs)
{
	struct rte_meter_srtcm_params p = { .cir = cir, .cbs = cbs, .ebs = 0 };
	unsigned int best = 0;

	for (unsigned int i = 0; i < l->nprof; i++) {
		if (l->prof_cir[i] == cir && l->prof_cbs[i] == cbs)
			return (uint16_t)(i + 1);
		if (l->prof_cir[i] > l->prof_cir[best])
			best = i;
	}
	if (l->nprof == DP_LIMIT_PROFILES ||
	    rte_meter_srtcm_profile_config(&l->prof[l->nprof], &p) != 0)
		return l->nprof ? (uint16_t)(best + 1) : DP_LIMIT_UNMETERED;
	l->prof_cir[l->nprof] = cir;
	l->prof_cbs[l->nprof] = cbs;
	return (uint16_t)(++l->nprof);
}

/* Choose the profile of @p s from its keys' attributes. */
static void sensor_profile(struct dp_limits *l, const struct sp_catalog *cat,
			   struct dp_sensor *s)
{
	double rate = 0, batch = 0;
	uint64_t cir, cbs;

	for (const struct dp_key *k = s->keys; k; k = k->sensor_next) {
		const struct sp_attr *a = &cat->attrs[k->attr_idx];

		rate += a->rate;
		batch += a->batch ? a->batch : 1;
	}
	if (rate <= 0) {
		s->meter_prof = DP_LIMIT_UNMETERED;
		return;
	}
	cir = (uint64_t)ceil(rate * l->factor);
	cbs = (uint64_t)ceil(rate * l->factor * l->burst_ms / 1000.0);
	if (cbs < (uint64_t)(2 * batch))
		cbs = (uint64_t)(2 * batch);
	s->meter_prof = profile_for(l, cir ? cir : 1, cbs);
	if (s->meter_prof != DP_LIMIT_UNMETERED)
		rte_meter_srtcm_config((struct rte_meter_srtcm *)s->meter,
				       &l->prof[s->meter_prof - 1]);
}

int dp_limits_sensor(struct dp_limits *l, const struct sp_catalog *cat,
		     struct dp_sensor *s, uint32_t nsamp, uint64_t tsc)
{
	if (s->meter_prof == 0)
		sensor_profile(l, cat, s);
	if (s->meter_prof == DP_LIMIT_UNMETERED)
		return 0;
	return rte_meter_srtcm_color_blind_check(
		       (struct rte_meter_srtcm *)s->meter,
		       &l->prof[s->meter_prof - 1], tsc, nsamp) == RTE_COLOR_RED;
}
