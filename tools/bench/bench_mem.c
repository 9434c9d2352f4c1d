/*
 * bench_mem.c - B5: memory per (sensor, attribute), beside history, at
 * 1 k / 100 k / 1 M sensors x 5 attributes: the dataplane's own tables
 * (rte_hash for sensors and keys, the key and sensor arrays) are built in
 * this process under DPDK with --no-huge, filled, and measured from DPDK's
 * heap statistics. History is counted apart, per sample: a history of
 * each attribute's depth filled with its rate's samples in records of
 * its batch, its memory over the samples it holds (B5h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_malloc.h>

#include "bench.h"
#include "dp_history.h"
#include "dp_table.h"
#include "sp_catalog.h"

static size_t heap_used(void)
{
	struct rte_malloc_socket_stats st;

	rte_malloc_get_socket_stats(0, &st);
	return st.heap_allocsz_bytes;
}

static int eal_up(const struct bench_opts *o)
{
	static int up;
	char prefix[64], mem[16];
	char *argv[] = { "senseplane-bench", "--no-huge", "--no-pci", "-l", "0",
			 "-m", mem, "--file-prefix", prefix, "--log-level",
			 "lib.eal:error", NULL };

	if (up)
		return 0;
	snprintf(prefix, sizeof(prefix), "spbench-%d", getpid());
	snprintf(mem, sizeof(mem), "%d", o->quick ? 1024 : 6144);
	if (rte_eal_init(11, argv) < 0)
		return -1;
	up = 1;
	return 0;
}

/* Bytes of history memory per sample kept, once full, for @p a's depth
 * and samples @p batch a record at its rate; @p jitter ns of jitter a
 * record time (0: evenly spaced). */
static double hist_bytes(const struct sp_attr *a, unsigned int batch,
			 uint32_t jitter)
{
	unsigned int ss = sp_attr_sample_size(a);
	size_t mem = dp_history_mem_size(a->depth, ss);
	uint64_t *buf = calloc(1, mem + 8);
	uint8_t *vals = calloc(batch ? batch : 1, ss);
	uint64_t dt = (uint64_t)(1e9 / (a->rate > 0 ? a->rate : 1)), seed = 1;
	struct dp_history h;
	double r;

	if (!buf || !vals) {
		free(buf);
		free(vals);
		return -1;
	}
	dp_history_init(&h, buf, a->depth, ss);
	for (uint32_t i = 0; h.head < 4ull * a->depth + 4096; i++) {
		struct sp_record rec = { .attr_id = a->id, .vtype = a->vtype,
			.dim = a->dim, .nsamp = (uint16_t)(batch ? batch : 1),
			.t0_ns = (uint64_t)i * batch * dt, .dt_ns =
			(uint32_t)dt, .values = vals };

		seed = seed * 6364136223846793005ull + 1;
		if (jitter)
			rec.t0_ns += (seed >> 33) % jitter;
		dp_history_push_record(&h, &rec);
	}
	r = (double)mem / dp_history_count(&h);
	free(buf);
	free(vals);
	return r;
}

/* B5h: history per sample kept for the catalogue's attributes. */
static void b5_history(const struct sp_catalog *cat, json_t *out)
{
	static const char *const names[] = { "ecg", "heartrate",
		"temperature", "accelerometer", "geolocation", "battery" };
	const struct sp_attr *ecg = sp_catalog_find(cat, "ecg");
	const struct sp_attr *sc = sp_catalog_find(cat, "temperature");
	json_t *rows = json_array();

	printf("  history, bytes per sample kept (the previous ring: 8 + "
	       "sample bytes):\n  %14s %6s %6s %8s %10s %10s %8s\n",
	       "attribute", "depth", "batch", "before", "regular",
	       "jittered", "target");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct sp_attr *a = sp_catalog_find(cat, names[i]);
		unsigned int b;
		double reg, jit;

		if (a == NULL)
			continue;
		b = a->batch ? a->batch : 1;
		reg = hist_bytes(a, b, 0);
		jit = hist_bytes(a, b, 1000000);
		printf("  %14s %6u %6u %8u %10.2f %10.2f %8s\n", a->name,
		       a->depth, b, 8 + sp_attr_sample_size(a), reg, jit,
		       a == ecg ? "<= 4.5" : a == sc ? "<= 6" : "");
		json_array_append_new(rows, json_pack("{s:s, s:i, s:i, s:i, "
			"s:f, s:f}", "attribute", a->name, "depth", a->depth,
			"batch", b, "before", 8 + sp_attr_sample_size(a),
			"regular", reg, "jittered", jit));
	}
	json_object_set_new(out, "history", rows);
	if (sc)
		json_object_set_new(out, "history_bytes_per_sample_scalar",
			json_pack("{s:f, s:i, s:s}", "value",
				  hist_bytes(sc, 1, 0), "baseline",
				  8 + sp_attr_sample_size(sc), "unit", "B"));
	if (ecg)
		json_object_set_new(out, "history_bytes_per_sample_ecg",
			json_pack("{s:f, s:i, s:s}", "value",
				  hist_bytes(ecg, ecg->batch ? ecg->batch : 50,
					     0), "baseline",
				  8 + sp_attr_sample_size(ecg), "unit", "B"));
}

int bench_b5(const struct bench_opts *o, json_t *out)
{
	static const uint32_t sizes[] = { 1000, 100000, 1000000 };
	static const char *const attrs[] = { "heartrate", "temperature",
		"humidity", "battery", "accelerometer" };
	static struct sp_catalog cat;
	const struct sp_attr *a[5];
	char path[512], err[256];
	uint32_t n = o->quick ? 2 : 3;
	json_t *rows = json_array();
	double first = 0;

	snprintf(path, sizeof(path), "%s/config/attributes.conf", o->root);
	if (sp_catalog_load(&cat, path, err, sizeof(err)) < 0 ||
	    eal_up(o) < 0) {
		fprintf(stderr, "  b5: %s\n", err[0] ? err : "EAL init failed");
		return -1;
	}
	for (int i = 0; i < 5; i++)
		a[i] = sp_catalog_find(&cat, attrs[i]);
	printf("  %10s %10s %18s %14s %12s\n", "sensors", "keys",
	       "table bytes/key", "vs 1k", "target");
	for (uint32_t s = 0; s < n; s++) {
		uint32_t ns = sizes[s], nk = ns * 5;
		struct dp_table_params p = { .name = path, .socket = 0,
			.max_sensors = ns, .max_keys = nk, .history_bytes = 64,
			.cat = &cat };
		size_t before = heap_used(), after;
		struct dp_table *t;
		double per_key;
		int created;

		snprintf(path, sizeof(path), "b5_%u", ns);
		t = dp_table_create(&p);
		if (t == NULL) {
			fprintf(stderr, "  b5: no memory for %u sensors\n", ns);
			return -1;
		}
		/* every sensor with its five keys (history off: counted apart) */
		for (uint32_t i = 0; i < ns; i++) {
			struct dp_sensor *se = dp_table_sensor(t, i + 1,
							       &created);

			for (int k = 0; k < 5 && se; k++) {
				struct sp_attr z = *a[k];

				z.depth = 0;
				dp_table_key(t, se, &z, &created);
			}
		}
		after = heap_used();
		per_key = (double)(after - before) / nk;
		if (s == 0)
			first = per_key;
		printf("  %10u %10u %18.1f %13.2fx %12s\n", ns,
		       dp_table_nkeys(t), per_key, per_key / first, "<= 256");
		json_array_append_new(rows, json_pack("{s:i, s:i, s:f}",
			"sensors", ns, "keys", dp_table_nkeys(t),
			"bytes_per_key", per_key));
		dp_table_free(t);
	}
	b5_history(&cat, out);
	json_object_set_new(out, "tables", rows);
	return 0;
}
