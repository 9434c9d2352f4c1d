/*
 * sim_main.c - senseplane-sim: N simulated sensors, each with the
 * attributes of its profile, sending records at the catalogue's rates (or
 * scaled to a target total rate) over UDP, or into a pcap file.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sim_bad.h"
#include "sp_addr.h"
#include "sim_out.h"
#include "sim_sched.h"
#include "sim_signal.h"
#include "sp_catalog.h"
#include "sp_digest.h"
#include "sp_hint.h"
#include "sp_mackeys.h"
#include "sp_time.h"
#include "sp_wire.h"

#define MAX_ATTRS_PER_SENSOR 8
#define MIN_U(a, b) ((a) < (b) ? (a) : (b))

struct sensor {
	uint64_t id;
	uint32_t seq;
	const uint8_t *key;
	struct sim_body body;
};

struct stream {
	uint32_t sensor;
	uint16_t attr;          /* catalogue position */
	uint16_t batch;
	uint64_t period_ns;     /* between records */
	uint64_t dt_ns;         /* between samples */
};

struct opts {
	const char *dest, *catalog, *keys, *pcap, *attrs, *src, *summary;
	uint64_t sensors, first_id, count, seed;
	double rate, seconds, bad, hz;
	uint32_t src_ports;
	int hint, json, quiet, src_given;
};

static volatile int g_stop;

static void on_signal(int sig)
{
	(void)sig;
	g_stop = 1;
}

/* Attribute sets of the four kinds of simulated device. */
static const char *const profiles[][MAX_ATTRS_PER_SENSOR] = {
	{ "ecg", "respiration", "heartrate", "temperature", "battery" },
	{ "accelerometer", "gyroscope", "battery" },
	{ "geolocation", "button", "battery" },
	{ "temperature", "humidity", "battery" },
};

static void usage(FILE *out)
{
	fprintf(out,
"usage: senseplane-sim [options]\n"
"\n"
"Simulated sensors sending senseplane sensor packets (PROTOCOL.md 1).\n"
"Devices cycle through four profiles: ECG patch (ecg, respiration,\n"
"heartrate, temperature, battery), IMU (accelerometer, gyroscope,\n"
"battery), tracker (geolocation, button, battery), environment\n"
"(temperature, humidity, battery); rates and batching from the catalogue.\n"
"\n"
"  -d, --dest IP[:PORT]   dataplane address (default 10.99.0.1:7400);\n"
"                         [IPv6]:PORT (or [IPv6%%IFACE]:PORT) sends over\n"
"                         IPv6, UDP only (not with --pcap or --src)\n"
"  -n, --sensors N        number of sensors (default 1000)\n"
"      --first-id ID      id of the first sensor (default 1)\n"
"  -a, --attrs A,B,...    give every sensor these attributes instead\n"
"  -r, --rate PPS         scale all rates to this many packets/s in total\n"
"      --hz RATE          every attribute at RATE samples/s, one per packet\n"
"  -t, --seconds S        stop after S seconds (simulated time with --pcap)\n"
"  -c, --count N          stop after N packets\n"
"      --catalog FILE     attribute catalogue (default %s)\n"
"      --keys FILE        sign the packets of the sensors listed (MAC)\n"
"      --hint             ask for attention hints (HINT flag)\n"
"      --bad FRACTION     replace this fraction of packets by malformed\n"
"                         ones, cycling through every drop reason\n"
"      --pcap FILE        write Ethernet frames to FILE instead of sending\n"
"      --src IP[:PORT]    source address: of pcap frames (default\n"
"                         10.99.0.2:40000), or bound to for UDP\n"
"      --src-ports N      pcap: sensor i sends from port PORT + i %% N, so\n"
"                         that a NIC's RSS sees N flows (default 1: one\n"
"                         flow, as behind a gateway)\n"
"      --seed N           random seed (default 1)\n"
"      --summary FILE     also write the JSON summary to FILE\n"
"      --json             print the summary as JSON\n"
"  -q, --quiet            no live rate line\n"
"  -h, --help             this text\n", SP_CATALOG_DEFAULT);
}

static int parse_addr(const char *s, struct sockaddr_in *a, uint16_t dport)
{
	return sp_addr_sockaddr(s, a, dport);
}

static int num(const char *opt, const char *s, double lo, double hi,
	       double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	if (errno || *end || *s == '\0' || *out < lo || *out > hi) {
		fprintf(stderr, "senseplane-sim: %s '%s': expected a number "
			"from %g to %g\n", opt, s, lo, hi);
		return -1;
	}
	return 0;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "dest", 1, NULL, 'd' }, { "sensors", 1, NULL, 'n' },
		{ "first-id", 1, NULL, 'F' }, { "attrs", 1, NULL, 'a' },
		{ "rate", 1, NULL, 'r' }, { "seconds", 1, NULL, 't' },
		{ "count", 1, NULL, 'c' }, { "catalog", 1, NULL, 'C' },
		{ "keys", 1, NULL, 'K' }, { "hint", 0, NULL, 'H' },
		{ "bad", 1, NULL, 'B' }, { "pcap", 1, NULL, 'P' },
		{ "src", 1, NULL, 'S' }, { "seed", 1, NULL, 's' },
		{ "summary", 1, NULL, 'U' }, { "json", 0, NULL, 'J' },
		{ "quiet", 0, NULL, 'q' }, { "help", 0, NULL, 'h' },
		{ "hz", 1, NULL, 'z' }, { "src-ports", 1, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	double v;
	int c;

	*o = (struct opts){ .dest = "10.99.0.1:7400",
		.catalog = NULL, .src = "10.99.0.2:40000",
		.sensors = 1000, .first_id = 1, .seed = 1 };
	while ((c = getopt_long(argc, argv, "d:n:a:r:t:c:qh", lo, NULL)) != -1) {
		switch (c) {
		case 'd': o->dest = optarg; break;
		case 'a': o->attrs = optarg; break;
		case 'C': o->catalog = optarg; break;
		case 'K': o->keys = optarg; break;
		case 'P': o->pcap = optarg; break;
		case 'S': o->src = optarg; o->src_given = 1; break;
		case 'U': o->summary = optarg; break;
		case 'H': o->hint = 1; break;
		case 'J': o->json = 1; break;
		case 'q': o->quiet = 1; break;
		case 'p':
			if (num("--src-ports", optarg, 1, 65535, &v))
				return -1;
			o->src_ports = (uint32_t)v;
			break;
		case 'n':
			if (num("--sensors", optarg, 1, 1e8, &v)) return -1;
			o->sensors = (uint64_t)v;
			break;
		case 'F':
			if (num("--first-id", optarg, 1, 1e18, &v)) return -1;
			o->first_id = (uint64_t)v;
			break;
		case 'r':
			if (num("--rate", optarg, 0.001, 1e9, &o->rate))
				return -1;
			break;
		case 't':
			if (num("--seconds", optarg, 0.001, 1e9, &o->seconds))
				return -1;
			break;
		case 'c':
			if (num("--count", optarg, 1, 1e15, &v)) return -1;
			o->count = (uint64_t)v;
			break;
		case 'B':
			if (num("--bad", optarg, 0, 1, &o->bad)) return -1;
			break;
		case 'z':
			if (num("--hz", optarg, 0.001, 1e6, &o->hz)) return -1;
			break;
		case 's':
			if (num("--seed", optarg, 0, 1e18, &v)) return -1;
			o->seed = (uint64_t)v;
			break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "senseplane-sim: unexpected argument '%s'\n",
			argv[optind]);
		return -1;
	}
	if (o->pcap && !o->count && !o->seconds) {
		fprintf(stderr, "senseplane-sim: --pcap needs --count or "
			"--seconds\n");
		return -1;
	}
	return 0;
}

/* The attributes of sensor @p i, as catalogue positions. */
static int sensor_attrs(const struct sp_catalog *cat, const struct opts *o,
			uint64_t i, uint16_t *out)
{
	const char *names[MAX_ATTRS_PER_SENSOR] = { 0 };
	char list[256], *save, *tok;
	int n = 0;

	if (o->attrs) {
		snprintf(list, sizeof(list), "%s", o->attrs);
		for (tok = strtok_r(list, ",", &save);
		     tok && n < MAX_ATTRS_PER_SENSOR;
		     tok = strtok_r(NULL, ",", &save)) {
			const struct sp_attr *a = sp_catalog_find(cat, tok);

			if (a == NULL) {
				fprintf(stderr, "senseplane-sim: --attrs: '%s' "
					"is not in the catalogue\n", tok);
				return -1;
			}
			out[n++] = (uint16_t)(a - cat->attrs);
		}
		return n;
	}
	memcpy(names, profiles[i % 4], sizeof(names));
	for (int k = 0; k < MAX_ATTRS_PER_SENSOR && names[k]; k++) {
		const struct sp_attr *a = sp_catalog_find(cat, names[k]);

		if (a)   /* a trimmed catalogue just has fewer streams */
			out[n++] = (uint16_t)(a - cat->attrs);
	}
	return n;
}

struct totals {
	uint64_t packets, valid, samples, bytes;
	uint64_t hints, hint_level[SP_LEVEL_HIGH + 1], hints_bad;
	uint64_t bad[SP_DROP__COUNT], bad_total;
	struct sp_digest digest;
};

/* Attention hints (PROTOCOL.md 4) the dataplane sent back. */
static void read_hints(struct sim_out *out, struct totals *t)
{
	uint8_t buf[64];
	struct sp_hint h;
	size_t n;

	while ((n = sim_out_recv(out, buf, sizeof(buf))) > 0) {
		if (sp_hint_decode(buf, n, &h) != SP_HINT_OK) {
			t->hints_bad++;
			continue;
		}
		t->hints++;
		t->hint_level[h.level]++;
	}
}

static void summary(FILE *f, const struct opts *o, const struct totals *t,
		    double secs, uint64_t errors, int json)
{
	if (json) {
		fprintf(f, "{\"sensors\": %" PRIu64 ", \"packets\": %" PRIu64
			", \"valid_packets\": %" PRIu64 ", \"samples\": %" PRIu64
			", \"digest\": \"%016" PRIx64 "\", \"bytes\": %" PRIu64
			", \"send_errors\": %" PRIu64 ", \"seconds\": %.3f"
			", \"rate\": %.1f, \"bad_total\": %" PRIu64
			", \"hints\": %" PRIu64 ", \"hints_bad\": %" PRIu64
			", \"hint_levels\": {\"none\": %" PRIu64 ", \"low\": %"
			PRIu64 ", \"medium\": %" PRIu64 ", \"high\": %" PRIu64
			"}, \"bad\": {", o->sensors, t->packets, t->valid,
			t->samples, t->digest.sum, t->bytes, errors, secs,
			secs > 0 ? t->packets / secs : 0.0, t->bad_total,
			t->hints, t->hints_bad, t->hint_level[0],
			t->hint_level[1], t->hint_level[2], t->hint_level[3]);
		for (unsigned int k = 1, first = 1; k < SP_DROP__COUNT; k++) {
			if (!t->bad[k])
				continue;
			fprintf(f, "%s\"%s\": %" PRIu64, first ? "" : ", ",
				sp_drop_name(k), t->bad[k]);
			first = 0;
		}
		fprintf(f, "}}\n");
		return;
	}
	fprintf(f, "senseplane-sim: %" PRIu64 " sensors, %.1f s: %" PRIu64
		" packets (%.0f/s), %" PRIu64 " valid with %" PRIu64
		" samples, %" PRIu64 " send errors\n", o->sensors, secs,
		t->packets, secs > 0 ? t->packets / secs : 0.0, t->valid,
		t->samples, errors);
	if (t->hints)
		fprintf(f, "  attention hints received: %" PRIu64 " (none %" PRIu64
			", low %" PRIu64 ", medium %" PRIu64 ", high %" PRIu64 ")\n",
			t->hints, t->hint_level[0], t->hint_level[1],
			t->hint_level[2], t->hint_level[3]);
	if (t->bad_total) {
		fprintf(f, "  malformed: %" PRIu64 " =", t->bad_total);
		for (unsigned int k = 1; k < SP_DROP__COUNT; k++)
			if (t->bad[k])
				fprintf(f, " %s %" PRIu64, sp_drop_name(k),
					t->bad[k]);
		fputc('\n', f);
	}
}

int main(int argc, char **argv)
{
	static struct sp_catalog cat;
	struct sim_out_params op = { .src_mac = { 2, 0, 0, 0, 0, 2 },
				     .dst_mac = { 2, 0, 0, 0, 0, 1 } };
	struct sp_mackeys *keys = NULL;
	struct sensor *sensors;
	struct stream *streams;
	struct sim_sched sched;
	struct sim_out *out;
	struct totals tot = { 0 };
	struct opts o;
	uint64_t rng, nstreams = 0, start, end_ns, next_report, t_report;
	uint64_t last_pkts = 0;
	double natural = 0, scale = 1;
	unsigned int bad_kind = SP_DROP_SHORT;
	int istty = isatty(2);
	char err[512];

	if (parse_opts(argc, argv, &o) < 0)
		return 2;
	/* not installed (run from build/): the catalogue built in */
	if (o.catalog == NULL && !*(o.catalog = sp_catalog_default(SP_CATALOG_DEFAULT)))
		fprintf(stderr, "senseplane-sim: no %s: the built-in attribute "
			"catalogue\n", SP_CATALOG_DEFAULT);
	if (sp_catalog_load(&cat, o.catalog, err, sizeof(err)) < 0) {
		fprintf(stderr, "senseplane-sim: %s\n", err);
		return 2;
	}
	if (o.keys && !(keys = sp_mackeys_load(o.keys, err, sizeof(err)))) {
		fprintf(stderr, "senseplane-sim: %s\n", err);
		return 2;
	}
	op.v6 = sp_addr_is6(o.dest);
	if (op.v6 && (o.pcap || o.src_given)) {
		fprintf(stderr, "senseplane-sim: --dest '%s' is IPv6: --pcap "
			"and --src are IPv4 only\n", o.dest);
		return 2;
	}
	if (op.v6 && sp_addr_sockaddr6(o.dest, &op.dst6, SP_SENSOR_PORT) < 0) {
		fprintf(stderr, "senseplane-sim: bad address in --dest '%s' "
			"(expected [IPv6]:port)\n", o.dest);
		return 2;
	}
	if ((!op.v6 && parse_addr(o.dest, &op.dst, SP_SENSOR_PORT) < 0) ||
	    parse_addr(o.src, &op.src, 40000) < 0) {
		fprintf(stderr, "senseplane-sim: bad address in --dest '%s' or "
			"--src '%s' (expected IPv4[:port])\n", o.dest, o.src);
		return 2;
	}
	op.pcap_path = o.pcap;
	op.bind = o.src_given;
	op.src_ports = o.src_ports;
	if (o.src_given && !o.pcap && strchr(o.src, ':') == NULL)
		op.src.sin_port = 0;   /* any port of that address */
	rng = o.seed * 0x9E3779B97F4A7C15ull + 1;
	sensors = calloc(o.sensors, sizeof(*sensors));
	streams = calloc(o.sensors * MAX_ATTRS_PER_SENSOR, sizeof(*streams));
	if (!sensors || !streams ||
	    sim_sched_init(&sched, o.sensors * MAX_ATTRS_PER_SENSOR) < 0) {
		fprintf(stderr, "senseplane-sim: out of memory for %" PRIu64
			" sensors\n", o.sensors);
		return 2;
	}
	for (uint64_t i = 0; i < o.sensors; i++) {
		uint16_t attrs[MAX_ATTRS_PER_SENSOR];
		int n = sensor_attrs(&cat, &o, i, attrs);

		if (n < 0)
			return 2;
		sensors[i].id = o.first_id + i;
		sensors[i].key = sp_mackeys_key(keys, sensors[i].id);
		sim_body_init(&sensors[i].body, &rng);
		for (int k = 0; k < n; k++) {
			const struct sp_attr *a = &cat.attrs[attrs[k]];
			struct stream *s = &streams[nstreams++];

			s->sensor = (uint32_t)i;
			s->attr = attrs[k];
			/* keep a record inside one 1500-byte datagram */
			s->batch = (uint16_t)MIN_U(a->batch,
				1400 / sp_attr_sample_size(a));
			if (s->batch == 0 || o.hz > 0)
				s->batch = 1;
			natural += (o.hz > 0 ? o.hz : a->rate) / s->batch;
		}
	}
	if (o.rate > 0 && natural > 0)
		scale = o.rate / natural;
	for (uint64_t k = 0; k < nstreams; k++) {
		const struct sp_attr *a = &cat.attrs[streams[k].attr];

		streams[k].dt_ns = (uint64_t)(1e9 / ((o.hz > 0 ? o.hz : a->rate) *
						     scale));
		streams[k].period_ns = streams[k].dt_ns * streams[k].batch;
	}
	out = sim_out_open(&op);
	if (out == NULL)
		return 1;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	start = sp_wall_ns();
	for (uint64_t k = 0; k < nstreams; k++)   /* spread the phases */
		sim_sched_push(&sched, start + (uint64_t)(sim_rand01(&rng) *
				(double)streams[k].period_ns), (uint32_t)k);
	end_ns = o.seconds > 0 ? start + (uint64_t)(o.seconds * 1e9) : UINT64_MAX;
	next_report = start + 1000000000ull;
	t_report = start;
	if (!o.quiet)
		fprintf(stderr, "senseplane-sim: %" PRIu64 " sensors, %" PRIu64
			" streams, %.0f packets/s -> %s%s\n", o.sensors,
			nstreams, natural * scale, o.pcap ? o.pcap : o.dest,
			o.pcap ? " (pcap)" : "");

	while (!g_stop && nstreams) {
		const struct sim_sched_item *it = sim_sched_top(&sched);
		struct stream *s = &streams[it->stream];
		struct sensor *se = &sensors[s->sensor];
		const struct sp_attr *a = &cat.attrs[s->attr];
		uint64_t t = it->due_ns, now = o.pcap ? t : sp_wall_ns(), t0;
		uint8_t buf[2048], vals[1400];
		struct sp_sensor_builder b;
		struct sp_record r;
		uint32_t off = 0;
		size_t len;
		uint8_t flags = (uint8_t)((se->key ? SP_SFLAG_MAC : 0) |
					  (o.hint ? SP_SFLAG_HINT : 0));

		if (t >= end_ns || (o.count && tot.packets >= o.count))
			break;
		if (!o.pcap && t > now) {
			uint64_t wait = t - now;

			sim_out_flush(out);
			read_hints(out, &tot);
			if (wait > 200000) {
				struct timespec ts = { 0, (long)(wait > 50000000
						? 50000000 : wait - 100000) };
				nanosleep(&ts, NULL);
			}
			goto report;
		}
		/* a record reports the samples taken up to now: the last
		 * one is stamped t, the first (batch - 1) * dt before */
		t0 = t - (uint64_t)(s->batch - 1) * s->dt_ns;
		sim_signal_fill(a, &se->body, &rng,
				(double)(int64_t)(t0 - start) / 1e9,
				(double)s->dt_ns / 1e9, s->batch, vals);
		sp_sensor_begin(&b, buf, sizeof(buf) - 64, se->id, ++se->seq,
				flags);
		sp_sensor_add(&b, (uint16_t)a->id, (uint8_t)a->vtype,
			      (uint8_t)a->dim, s->batch, t0,
			      s->batch > 1 ? (uint32_t)s->dt_ns : 0, vals);
		len = sp_sensor_finish(&b, se->key);
		if (o.bad > 0 && sim_rand01(&rng) < o.bad) {
			/* next kind that applies to this packet */
			for (int tries = 0; tries < SP_DROP__COUNT; tries++) {
				unsigned int k = bad_kind;

				bad_kind = bad_kind + 1 < SP_DROP__COUNT ?
					   bad_kind + 1 : SP_DROP_SHORT;
				if (sim_bad_make(buf, &len, (enum sp_drop)k,
						 se->key != NULL) == 0) {
					tot.bad[k]++;
					tot.bad_total++;
					break;
				}
			}
		} else {
			struct sp_sensor_pkt pkt = { .body = buf + SP_SHDR_LEN,
				.body_len = (uint32_t)(len - SP_SHDR_LEN -
					(se->key ? SP_MAC_LEN : 0)) };

			while (sp_sensor_next(&pkt, &off, &r))
				sp_digest_record(&tot.digest, se->id, &r);
			tot.valid++;
			tot.samples += s->batch;
		}
		sim_out_add(out, buf, len, t);
		tot.packets++;
		tot.bytes += len;
		sim_sched_retime(&sched, t + s->period_ns);
report:
		if (!o.quiet && !o.pcap && now >= next_report) {
			double secs = (double)(now - t_report) / 1e9;

			fprintf(stderr, "%ssim %5.1f s | sent %" PRIu64
				" pkts (%.0f/s) | samples %" PRIu64
				" | malformed %" PRIu64 "%s",
				istty ? "\r" : "", (double)(now - start) / 1e9,
				tot.packets, (tot.packets - last_pkts) / secs,
				tot.samples, tot.bad_total, istty ? "  " : "\n");
			last_pkts = tot.packets;
			t_report = now;
			next_report = now + 1000000000ull;
		}
	}
	sim_out_flush(out);
	usleep(20000);   /* hints answering the last packets */
	read_hints(out, &tot);
	{
		double secs = (double)((o.pcap ? sim_sched_top(&sched)->due_ns
					       : sp_wall_ns()) - start) / 1e9;
		uint64_t errors = sim_out_errors(out);

		if (!o.quiet && istty && !o.pcap)
			fputc('\n', stderr);
		summary(o.json ? stdout : stderr, &o, &tot, secs, errors,
			o.json);
		if (o.summary) {
			FILE *f = fopen(o.summary, "w");

			if (f == NULL) {
				fprintf(stderr, "senseplane-sim: %s: %s\n",
					o.summary, strerror(errno));
			} else {
				summary(f, &o, &tot, secs, errors, 1);
				fclose(f);
			}
		}
		sim_out_close(out);
		sim_sched_free(&sched);
		free(sensors);
		free(streams);
		sp_mackeys_free(keys);
		return errors ? 1 : 0;
	}
}
