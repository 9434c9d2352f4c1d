/*
 * bench_main.c - senseplane-bench: runs the scenarios of tools/bench/BENCHMARKS.md and
 * prints each figure beside its baseline from the same run, with the
 * ratio; --json writes the same.
 *
 *  b1  ingest rate beside dpdk-testpmd rxonly: the mix and the smallest
 *      frame at 1 000 sensors on net_pcap (pcap-rate.sh), the smallest at
 *      1 000 000 on the NIC-like source (nic.sh; not with --quick), and
 *      2 workers fed as RSS would (scale.sh)
 *  b2  messages delivered with attention on and off (b2.sh)
 *  b3  the high tier's RX-burst -> TX-burst latency beside io forwarding
 *      with the same stamps on the same vdev (latency.sh)
 *  b4  samples/s delivered with 0 loss beside Mosquitto and a kernel
 *      recvmmsg receiver with the same traffic (b4.sh)
 *  b5  memory per (sensor, attribute): the dataplane's own tables built
 *      in this process, measured from DPDK's heap, 1 k / 100 k / 1 M
 *  b6  flush cost per window against 10 viewers, 10 -> 10 000 viewers
 *      with 100 subscriptions each and 1 % of keys dirty (the router, in
 *      this process)
 *  b7  registry writes/s into Redis beside redis-benchmark (registry.sh)
 *  scale  1 and 2 worker lcores beside testpmd with 1 and 2, and the
 *      owner hand-off ring's cost (scale.sh)
 *
 * B3's baseline is senseplane-bench-iofwd, io forwarding with the
 * dataplane's stamps: testpmd's --latencystats can only be read by a
 * secondary process, which cannot attach to a --no-huge primary.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "bench.h"

static void usage(FILE *out)
{
	fprintf(out,
"usage: senseplane-bench [--quick] [--json FILE] [SCENARIO ...]\n"
"\n"
"Runs the scenarios of tools/bench/BENCHMARKS.md (the project's benchmark\n"
"doc) and prints each figure beside its baseline\n"
"measured in the same run. Scenarios: b1 b2 b3 b4 b5 b6 b7 scale (default: all\n"
"but scale, whose rows b1 has).\n"
"b1, b2, b3, b4, b7 and scale need root (namespaces, veth) and run the tools/bench scripts.\n"
"\n"
"  -q, --quick      short forms (CI keeps the driver working with them)\n"
"  -j, --json FILE  also write the figures as JSON\n"
"  -h, --help       this text\n");
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "quick", 0, NULL, 'q' }, { "json", 1, NULL, 'j' },
		{ "help", 0, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	static const struct {
		const char *name;
		int (*run)(const struct bench_opts *, json_t *);
	} all[] = {
		{ "b1", bench_b1 }, { "b2", bench_b2 }, { "b3", bench_b3 },
		{ "b4", bench_b4 },
		{ "b5", bench_b5 },
		{ "b6", bench_b6 }, { "b7", bench_b7 },
		{ "scale", bench_scale },
	};
	struct bench_opts o = { .root = SP_SOURCE_ROOT, .build = SP_BUILD_ROOT };
	const char *json_path = NULL;
	json_t *res = json_object();
	int c, rc = 0, ran = 0;

	while ((c = getopt_long(argc, argv, "qj:h", lo, NULL)) != -1) {
		switch (c) {
		case 'q': o.quick = 1; break;
		case 'j': json_path = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	for (int i = optind; i < argc; i++) {
		int known = 0;

		for (size_t k = 0; k < sizeof(all) / sizeof(all[0]); k++)
			known |= strcmp(argv[i], all[k].name) == 0;
		if (!known) {
			fprintf(stderr, "senseplane-bench: '%s': no such "
				"scenario\n", argv[i]);
			return 2;
		}
	}
	for (size_t k = 0; k < sizeof(all) / sizeof(all[0]); k++) {
		/* b1 runs scale.sh too: scale alone only when named */
		int want = optind == argc && strcmp(all[k].name, "scale");
		json_t *r;

		for (int i = optind; i < argc; i++)
			want |= strcmp(argv[i], all[k].name) == 0;
		if (!want)
			continue;
		printf("\n== %s\n", all[k].name);
		fflush(stdout);
		r = json_object();
		if (all[k].run(&o, r) != 0) {
			fprintf(stderr, "senseplane-bench: %s failed\n",
				all[k].name);
			rc = 1;
		}
		json_object_set_new(res, all[k].name, r);
		ran++;
	}
	if (json_path && json_dump_file(res, json_path, JSON_INDENT(1)) < 0) {
		fprintf(stderr, "senseplane-bench: cannot write %s\n", json_path);
		rc = 1;
	}
	json_decref(res);
	printf("\n%d scenario(s) run%s\n", ran, rc ? ", some failed" : "");
	return rc;
}
