/*
 * bench_flush.c - B6: what a medium flush costs as viewers grow from 10 to
 * 10 000, each with 100 subscriptions, with 1 % of the keys dirty per
 * window. The router is driven in this process with a sender that only
 * counts, so the figure is the routing work alone (TSC cycles).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>

#include "bench.h"
#include "dp_route.h"
#include "sp_catalog.h"
#include "sp_level.h"

static uint64_t g_sent;

static int count_emit(void *ctx, struct dp_out *o, uint8_t f, uint8_t q,
		      uint64_t s, uint32_t v, const struct sp_record *r)
{
	(void)ctx; (void)o; (void)f; (void)q; (void)s; (void)v; (void)r;
	g_sent++;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Median flush cycles per window, and the dirty routes walked per window,
 * for @p nviewers viewers. */
static int run(uint32_t nkeys, uint32_t nviewers, uint64_t *cycles,
	       uint64_t *walked)
{
	uint32_t nroutes = nviewers * 100, windows = 21;
	struct dp_route *routes = calloc(nroutes, sizeof(*routes));
	struct dp_key *keys = calloc(nkeys, sizeof(*keys));
	struct dp_out *outs = calloc(nviewers, sizeof(*outs));
	size_t hsize = dp_history_mem_size(8, 4);
	uint8_t *hist = calloc(nkeys, hsize);
	uint64_t samples[32], w0;
	struct dp_router r;
	uint8_t val[4] = { 0 };
	uint64_t seed = 88172645463325252ull;

	if (!routes || !keys || !outs || !hist)
		return -1;
	dp_router_init(&r, routes, nroutes, count_emit, NULL, NULL);
	for (uint32_t k = 0; k < nkeys; k++) {
		keys[k].sensor_id = k + 1;
		keys[k].attr_id = 3;
		keys[k].mode = SP_MODE_LATEST;
		keys[k].vtype = SP_VT_F32;
		keys[k].dim = 1;
		dp_history_init(&keys[k].hist, hist + (size_t)k * hsize, 8, 4);
	}
	for (uint32_t v = 0; v < nviewers; v++) {
		dp_out_init(&outs[v], DP_OUT_LENS, (uint16_t)(16 + v % 60000),
			    NULL);
		for (uint32_t j = 0; j < 100; j++) {
			seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17;
			if (!dp_route_find(&keys[seed % nkeys], &outs[v]))
				dp_route_add(&r, &keys[seed % nkeys], &outs[v],
					     SP_LEVEL_MEDIUM);
		}
	}
	w0 = r.flush_walked;
	for (uint32_t w = 0; w < windows; w++) {
		struct sp_record rec = { .attr_id = 3, .vtype = SP_VT_F32,
			.dim = 1, .nsamp = 1, .values = val };
		uint64_t t0;

		/* 1 % of the keys get a sample this window */
		for (uint32_t k = w % 100; k < nkeys; k += 100) {
			rec.t0_ns = (uint64_t)w * 1000 + k;
			dp_history_push_record(&keys[k].hist, &rec);
			dp_router_sample(&r, &keys[k], &rec, rec.t0_ns);
		}
		t0 = rte_rdtsc_precise();
		dp_router_flush(&r, DP_CAD_MEDIUM, (uint64_t)w * 1000 + 999);
		samples[w] = rte_rdtsc_precise() - t0;
	}
	qsort(samples, windows, sizeof(samples[0]), cmp_u64);
	*cycles = samples[windows / 2];
	*walked = (r.flush_walked - w0) / windows;
	free(routes);
	free(keys);
	free(outs);
	free(hist);
	return 0;
}

int bench_b6(const struct bench_opts *o, json_t *out)
{
	static const uint32_t viewers[] = { 10, 100, 1000, 10000 };
	uint32_t nkeys = 100000, n = o->quick ? 3 : 4;
	uint64_t base_c = 0, base_w = 0;
	json_t *rows = json_array();

	printf("  %d keys, 100 subscriptions per viewer, 1 %% dirty per "
	       "window; median of 21 windows\n", nkeys);
	printf("  %8s %14s %14s %16s %16s\n", "viewers", "cycles/flush",
	       "dirty routes", "cycles/route", "vs 10 viewers");
	for (uint32_t i = 0; i < n; i++) {
		uint64_t c, w;

		if (run(nkeys, viewers[i], &c, &w) < 0)
			return -1;
		if (i == 0) {
			base_c = c;
			base_w = w;
		}
		printf("  %8u %14lu %14lu %16.1f %15.2fx\n", viewers[i],
		       (unsigned long)c, (unsigned long)w,
		       w ? (double)c / (double)w : 0.0,
		       base_c ? (double)c / (double)base_c : 0.0);
		json_array_append_new(rows, json_pack("{s:i, s:I, s:I, s:f}",
			"viewers", viewers[i], "cycles", (json_int_t)c,
			"dirty_routes", (json_int_t)w, "cycles_per_route",
			w ? (double)c / (double)w : 0.0));
	}
	(void)base_w;
	json_object_set_new(out, "windows", rows);
	return 0;
}
