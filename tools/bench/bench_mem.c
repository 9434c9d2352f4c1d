/*
 * bench_mem.c - B5: memory per (sensor, attribute), beside history, at
 * 1 k / 100 k / 1 M sensors x 5 attributes: the dataplane's own tables
 * (rte_hash for sensors and keys, the key and sensor arrays) are built in
 * this process under DPDK with --no-huge, filled, and measured from DPDK's
 * heap statistics. History is counted apart, per sample.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_malloc.h>

#include "bench.h"
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
	printf("  history, per sample kept:");
	for (int i = 0; i < 5; i++)
		printf(" %s %u B%s", a[i]->name, 8 + sp_attr_sample_size(a[i]),
		       i < 4 ? "," : "\n");
	json_object_set_new(out, "tables", rows);
	return 0;
}
