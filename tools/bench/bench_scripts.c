/*
 * bench_scripts.c - the scenarios that need namespaces, real processes
 * and a Redis (b1, b2, b7): they run the scripts in tools/bench and read
 * back what those scripts measured.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

char *bench_run(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	size_t len = 0, cap = 0;
	char *buf = NULL, line[1024];

	if (p == NULL)
		return NULL;
	while (fgets(line, sizeof(line), p)) {
		size_t n = strlen(line);

		fputs(line, stdout);
		if (len + n + 1 > cap) {
			cap = (len + n + 1) * 2;
			buf = realloc(buf, cap);
			if (buf == NULL)
				break;
		}
		memcpy(buf + len, line, n + 1);
		len += n;
	}
	fflush(stdout);
	if (pclose(p) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

void bench_row(json_t *out, const char *key, const char *label,
	       double value, double baseline, const char *unit)
{
	printf("  %-44s %14.2f %14.2f %8.3f  %s\n", label, value, baseline,
	       baseline ? value / baseline : 0.0, unit);
	json_object_set_new(out, key, json_pack("{s:f, s:f, s:s}", "value",
				value, "baseline", baseline, "unit", unit));
}

/* One pcap-rate.sh run with @p args: its "name   Mpps   cycles" lines. */
struct rate {
	double dp_pps, dp_cyc, base_pps, base_cyc;
	char pages[64];   /* "pages: ..." of the run */
};

static int pcap_rate(const struct bench_opts *o, const char *args,
		     struct rate *r)
{
	char cmd[512], *text, *l;

	memset(r, 0, sizeof(*r));
	snprintf(cmd, sizeof(cmd), "SP_BUILD=%s %s/tools/bench/pcap-rate.sh "
		 "--seconds %d %s 2>/dev/null", o->build, o->root,
		 o->quick ? 5 : 10, args);
	text = bench_run(cmd);
	if (text == NULL)
		return -1;
	l = strstr(text, "dpdk-testpmd rxonly (baseline)");
	if (l)
		sscanf(l + strlen("dpdk-testpmd rxonly (baseline)"), "%lf %lf",
		       &r->base_pps, &r->base_cyc);
	l = strstr(text, "senseplane-dp (");
	if (l && (l = strchr(l, ')')))
		sscanf(l + 1, "%lf %lf", &r->dp_pps, &r->dp_cyc);
	l = strstr(text, "\npages: ");
	if (l)
		sscanf(l + 8, "%63[^\n]", r->pages);
	free(text);
	return r->base_pps == 0 || r->dp_pps == 0 ? -1 : 0;
}

static json_t *run_json(const struct bench_opts *o, const char *script,
			const char *args);
static int scale_rows(const struct bench_opts *o, json_t *out);

/* B1 (BENCHMARKS.md): the simulator's mix and the smallest frame at
 * 1 000 sensors on net_pcap, 1 000 000 sensors on the NIC-like source
 * (not with --quick: it takes a minute), and 2 workers fed as RSS would
 * (scale.sh), each beside its baseline from the same run. */
int bench_b1(const struct bench_opts *o, json_t *out)
{
	struct rate r;
	char pages[64] = "";
	json_t *nic = NULL;
	int rc = 0;

	printf("  %-44s %14s %14s %8s\n", "", "senseplane", "testpmd", "ratio");
	if (pcap_rate(o, "", &r) == 0) {
		snprintf(pages, sizeof(pages), "%s", r.pages);
		bench_row(out, "mpps_history",
			  "Mpps, history only (attention, no viewer)",
			  r.dp_pps, r.base_pps, "Mpps");
		bench_row(out, "b1_mix_1k", "cycles/packet, the mix, 1 000",
			  r.dp_cyc, r.base_cyc, "cycles");
	} else {
		rc = -1;
	}
	if (pcap_rate(o, "--broadcast", &r) == 0) {
		bench_row(out, "mpps_broadcast",
			  "Mpps, broadcast (every sample sent)", r.dp_pps,
			  r.base_pps, "Mpps");
		bench_row(out, "cycles_broadcast", "cycles/packet", r.dp_cyc,
			  r.base_cyc, "cycles");
	} else {
		rc = -1;
	}
	if (pcap_rate(o, "--small", &r) == 0)
		bench_row(out, "b1_small_1k", "Mpps, smallest frame, 1 000",
			  r.dp_pps, r.base_pps, "Mpps");
	else
		rc = -1;
	if (!o->quick) {
		nic = run_json(o, "nic.sh", "--sensors 1000000 --huge "
			       "--seconds 20 --warmup 12 --reps 1");
		if (nic) {
			bench_row(out, "b1_small_1m",
				  "Mpps, smallest frame, 1 000 000 (NIC-like)",
				  json_number_value(json_object_get(nic,
								    "value")),
				  json_number_value(json_object_get(nic,
								    "baseline")),
				  "Mpps");
			if (json_is_string(json_object_get(nic, "pages")))
				snprintf(pages, sizeof(pages), "%s; 1 000 000 "
					 "sensors: %s", r.pages,
					 json_string_value(json_object_get(nic,
								"pages")));
		} else {
			rc = -1;
		}
	}
	json_object_set_new(out, "pages", json_string(pages[0] ? pages :
						      "unknown"));
	if (scale_rows(o, out) < 0)
		rc = -1;
	json_decref(nic);
	return rc;
}

/* Run tools/bench/SCRIPT ARGS --json TMP; the JSON it wrote, or NULL when
 * it failed or wrote none. */
/* A row of a script's {value, baseline} figure @p key from @p r. */
static void vb_row(json_t *out, const json_t *r, const char *key,
		   const char *label, const char *unit)
{
	const json_t *o = json_object_get(r, key);

	bench_row(out, key, label, json_number_value(json_object_get(o, "value")),
		  json_number_value(json_object_get(o, "baseline")), unit);
}

static json_t *run_json(const struct bench_opts *o, const char *script,
			const char *args)
{
	char cmd[768], path[] = "/tmp/sp-bench.XXXXXX", *text;
	json_t *r;
	int fd = mkstemp(path);

	if (fd < 0)
		return NULL;
	close(fd);
	snprintf(cmd, sizeof(cmd), "SP_BUILD=%s %s/tools/bench/%s %s --json %s "
		 "2>/dev/null", o->build, o->root, script, args, path);
	text = bench_run(cmd);
	r = text ? json_load_file(path, 0, NULL) : NULL;
	free(text);
	unlink(path);
	return r;
}

int bench_b2(const struct bench_opts *o, json_t *out)
{
	json_t *r, *on, *off;

	r = run_json(o, "b2.sh", o->quick ? "--seconds 2" : "--seconds 10");
	if (r == NULL)
		return -1;
	on = json_object_get(r, "on");
	off = json_object_get(r, "off");
	printf("  %-44s %14s %14s %8s\n", "", "attention on", "off", "ratio");
	bench_row(out, "delivered_msgs_s", "messages/s delivered to viewers",
		  json_number_value(json_object_get(on, "delivered_msgs_s")),
		  json_number_value(json_object_get(off, "delivered_msgs_s")),
		  "msg/s");
	bench_row(out, "wire_msgs_s", "messages/s on the wire",
		  json_number_value(json_object_get(on, "wire_msgs_s")),
		  json_number_value(json_object_get(off, "wire_msgs_s")),
		  "msg/s");
	/* only what someone joined (the consumed switch) against broadcast */
	on = json_object_get(r, "joined");
	bench_row(out, "wire_msgs_joined_s", "messages/s on the wire, only joined",
		  json_number_value(json_object_get(on, "wire_msgs_s")),
		  json_number_value(json_object_get(off, "wire_msgs_s")),
		  "msg/s");
	bench_row(out, "wire_bytes_joined_s", "bytes/s on the wire, only joined",
		  json_number_value(json_object_get(on, "wire_bytes_s")),
		  json_number_value(json_object_get(off, "wire_bytes_s")),
		  "B/s");
	bench_row(out, "delivered_msgs_joined_s",
		  "messages/s delivered, only joined",
		  json_number_value(json_object_get(on, "delivered_msgs_s")),
		  json_number_value(json_object_get(off, "delivered_msgs_s")),
		  "msg/s");
	json_decref(r);
	if (o->quick)
		return 0;
	/* B2 x100 (b2.sh --help): delivered messages against broadcast,
	 * and whether the load was taken and every tier kept its time */
	r = run_json(o, "b2.sh", "--x100 --seconds 5");
	if (r == NULL || json_object_get(r, "x100") == NULL) {
		json_decref(r);
		return -1;
	}
	on = json_object_get(r, "x100");
	vb_row(out, r, "x100", "x100: messages/s delivered (vs broadcast)",
	       "msg/s");
	json_object_set(json_object_get(out, "x100"), "detail", on);
	/* the worker's busy cycles a sample at x100: attention on beside
	 * off in the same run; off beside its target */
	vb_row(out, r, "x100_cycles_on", "x100: busy cycles a sample, on (off)",
	       "cycles/sample");
	vb_row(out, r, "x100_cycles_off",
	       "x100: busy cycles a sample, off (target)", "cycles/sample");
	on = json_object_get(r, "x100");
	printf("  %-44s %14.0f %14.0f %8s\n", "x100: samples/s taken (offered)",
	       json_number_value(json_object_get(on, "samples_in_s")),
	       json_number_value(json_object_get(on, "offered_samples_s")),
	       json_is_true(json_object_get(on, "met")) ? "met" : "NOT met");
	json_decref(r);
	return 0;
}

/* "RX burst -> TX burst: p50 A us  p99 B us  p99.9 C us" after @p at. */
static int read_lat(const char *text, const char *at, double v[3])
{
	const char *l = strstr(text, at);

	if (l == NULL || (l = strstr(l, "RX burst -> TX burst:")) == NULL)
		return -1;
	return sscanf(l, "RX burst -> TX burst: p50 %lf us p99 %lf us "
		      "p99.9 %lf us", &v[0], &v[1], &v[2]) == 3 ? 0 : -1;
}

/* B3: the high tier's RX->TX burst latency beside io forwarding. */
int bench_b3(const struct bench_opts *o, json_t *out)
{
	static const char *const pct[] = { "p50", "p99", "p99.9" };
	char cmd[512], *text;
	double dp[3], full[3], base[3];
	int rc;

	snprintf(cmd, sizeof(cmd), "SP_BUILD=%s %s/tools/bench/latency.sh "
		 "--seconds %d 2>/dev/null", o->build, o->root,
		 o->quick ? 3 : 8);
	text = bench_run(cmd);
	if (text == NULL)
		return -1;
	rc = read_lat(text, "at 80 %", dp) | read_lat(text, "full rate", full) |
	     read_lat(text, "baseline ", base);
	free(text);
	if (rc != 0)
		return -1;
	printf("  %-44s %14s %14s %8s\n", "RX burst -> TX burst", "high tier",
	       "io forwarding", "ratio");
	for (int i = 0; i < 6; i++) {
		char key[32], label[64];

		snprintf(key, sizeof(key), "rx_tx_%s%s_us", pct[i % 3],
			 i < 3 ? "" : "_full");
		snprintf(label, sizeof(label), "%s, us, %s", pct[i % 3],
			 i < 3 ? "at 80 % of the full rate" : "full rate");
		bench_row(out, key, label, i < 3 ? dp[i] : full[i - 3],
			  base[i % 3], "us");
	}
	return 0;
}

/* B4: the best 0-loss rate of each system, from b4.sh's JSON. */
int bench_b4(const struct bench_opts *o, json_t *out)
{
	static const char *const sys[] = { "senseplane", "net_pcap" };
	static const char *const base[] = { "mosquitto", "kernel", "nats" };
	json_t *r = run_json(o, "b4.sh", o->quick ? "--quick" : "");
	int rc = 0;

	if (r == NULL)
		return -1;
	printf("  %-44s %14s %14s %8s\n", "samples/s with 0 loss", "senseplane",
	       "baseline", "ratio");
	for (size_t i = 0; i < 2; i++)
		for (size_t k = 0; k < 3; k++) {
			json_t *a = json_object_get(r, sys[i]);
			json_t *b = json_object_get(r, base[k]);
			char key[64], label[80];

			if (a == NULL || b == NULL) {
				printf("  %s or %s: no step without loss\n",
				       sys[i], base[k]);
				rc = -1;
				continue;
			}
			snprintf(key, sizeof(key), "%s_vs_%s", sys[i], base[k]);
			snprintf(label, sizeof(label), "%s vs %s",
				 i ? "dp on net_pcap" : "dp on veth", base[k]);
			bench_row(out, key, label,
				  json_number_value(json_object_get(a, "samples_s")),
				  json_number_value(json_object_get(b, "samples_s")),
				  "samples/s");
		}
	if (json_object_get(r, "nats") && json_object_get(r, "net_pcap"))
		/* B4n: the dataplane against NATS (its own figures are under
		 * "systems") */
		bench_row(out, "nats", "B4n: dp on net_pcap vs NATS",
			  json_number_value(json_object_get(json_object_get(r,
					"net_pcap"), "samples_s")),
			  json_number_value(json_object_get(json_object_get(r,
					"nats"), "samples_s")),
			  "samples/s");
	if (json_is_string(json_object_get(r, "pages")))
		json_object_set(out, "pages", json_object_get(r, "pages"));
	for (size_t k = 0; k < 3; k++) {
		json_t *a = json_object_get(r, "net_pcap");
		json_t *b = json_object_get(r, base[k]);
		char key[64], label[80];

		if (a == NULL || b == NULL)
			continue;
		snprintf(key, sizeof(key), "cpu_net_pcap_vs_%s", base[k]);
		snprintf(label, sizeof(label), "CPU s per M samples, vs %s",
			 base[k]);
		bench_row(out, key, label,
			  json_number_value(json_object_get(a,
						"cpu_s_per_msample")),
			  json_number_value(json_object_get(b,
						"cpu_s_per_msample")),
			  "cpu-s/M");
	}
	json_object_set(out, "systems", r);
	json_decref(r);
	return rc;
}

/* Scaling: 1 and 2 workers, and the hand-off ring (scale.sh). */
static int scale_rows(const struct bench_opts *o, json_t *out)
{
	json_t *r = run_json(o, "scale.sh", o->quick ? "--seconds 3" :
						     "--seconds 6");
	json_t *rows = json_object_get(r, "rows");
	double pps[5], cyc[5], handed[5];

	if (json_array_size(rows) != 5) {
		json_decref(r);
		return -1;
	}
	for (size_t i = 0; i < 5; i++) {
		json_t *row = json_array_get(rows, i);

		pps[i] = json_number_value(json_object_get(row, "pps")) / 1e6;
		cyc[i] = json_number_value(json_object_get(row,
							   "cycles_per_pkt"));
		handed[i] = json_number_value(json_object_get(row, "handed"));
	}
	printf("  %-44s %14s %14s %8s\n", "", "measured", "baseline", "ratio");
	/* B1d and B1e: traffic spread the way RSS spreads it */
	bench_row(out, "b1_rss_2w", "Mpps, 2 workers (RSS, by queue) vs 1",
		  pps[1], pps[0], "Mpps");
	json_object_set_new(out, "b1_rss_2w_handed", json_real(handed[1]));
	bench_row(out, "mpps_2_by_hash_vs_1", "Mpps, 2 workers (by hash) vs 1",
		  pps[2], pps[0], "Mpps");
	bench_row(out, "b1_gateway", "Mpps, gateway: 2 workers vs 1", pps[4],
		  pps[3], "Mpps");
	bench_row(out, "testpmd_2_vs_1", "testpmd Mpps, 2 lcores vs 1",
		  json_number_value(json_object_get(r, "testpmd_2_pps")) / 1e6,
		  json_number_value(json_object_get(r, "testpmd_1_pps")) / 1e6,
		  "Mpps");
	bench_row(out, "cycles_by_hash_vs_queue",
		  "cycles/packet, by hash vs by queue", cyc[2], cyc[1],
		  "cycles");
	json_decref(r);
	return 0;
}

int bench_scale(const struct bench_opts *o, json_t *out)
{
	return scale_rows(o, out);
}

int bench_b7(const struct bench_opts *o, json_t *out)
{
	char cmd[512], *text, *l;
	double writes = 0, baseline = 0, p99 = 0;

	snprintf(cmd, sizeof(cmd), "SP_BUILD=%s %s/tools/bench/registry.sh "
		 "--sensors %d 2>/dev/null", o->build, o->root,
		 o->quick ? 5000 : 100000);
	text = bench_run(cmd);
	if (text == NULL)
		return -1;
	if ((l = strstr(text, " writes/s")))
		while (l > text && l[-1] != '=')
			l--;
	if (l)
		writes = atof(l);
	if ((l = strstr(text, "SET: ")))
		baseline = atof(l + 5);
	if ((l = strstr(text, "p99 ")) && strstr(l, " ns"))
		p99 = atof(l + 4);
	free(text);
	printf("  %-44s %14s %14s %8s\n", "", "registry", "SET -P 64", "ratio");
	bench_row(out, "registry_writes_s", "registrations/s into Redis",
		  writes, baseline, "writes/s");
	json_object_set_new(out, "whereis_cache_p99_ns", json_real(p99));
	return writes > 0 ? 0 : -1;
}
