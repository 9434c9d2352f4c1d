/*
 * view_main.c - senseplane-view: join feeds, decode, check sequence numbers
 * per feed, show a live table (or JSON lines), and account for every
 * message at exit.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "senseplane.h"
#include "sp_bytes.h"
#include "sp_catalog.h"
#include "sp_json.h"
#include "sp_addr.h"
#include "sp_rereq.h"
#include "sp_time.h"

#define MAX_FEEDS 16

struct opts {
	const char *pcap, *iface, *catalog, *summary;
	double seconds, idle;
	double summary_every;        /* --summary-every S, 0: at exit only */
	int json, until_end, quiet, dedup;
	uint64_t only_lo, only_hi;   /* --only: sensor id range, 0 = all */
	const char *control;         /* dataplane control socket */
	uint16_t rereq_port;         /* 0: no re-requests */
	unsigned int rows;
	int nfeeds;
	const char *feeds[MAX_FEEDS];
	uint16_t ports[MAX_FEEDS];   /* network order, for --pcap */
};

struct viewer {
	struct opts o;
	struct sp_catalog cat;       /* units for the table */
	struct senseplane *sp;
	uint64_t last_pkt_ns, last_packets;
};

static volatile int g_stop;

static void on_signal(int sig)
{
	(void)sig;
	g_stop = 1;
}

static void usage(FILE *out)
{
	fprintf(out,
"usage: senseplane-view [options] GROUP:PORT [GROUP:PORT ...]\n"
"\n"
"Joins senseplane feeds (PROTOCOL.md 2), checks their sequence numbers and\n"
"shows the newest values. At exit it prints what it received: packets,\n"
"messages, samples, gaps (messages missing), duplicates.\n"
"\n"
"  -i, --iface-addr IP   join the groups on the interface with this address\n"
"      --pcap FILE       decode feed packets from a capture instead\n"
"  -t, --seconds S       stop after S seconds\n"
"      --idle S          stop after S seconds without a packet\n"
"      --until-end       stop when every feed seen has sent END\n"
"      --json            one JSON line per message instead of the table\n"
"                        (NaN and infinities as \"NaN\", \"Infinity\",\n"
"                        \"-Infinity\"; integers as integers)\n"
"      --rows N          rows of the live table (default 20)\n"
"      --catalog FILE    attribute names (default %s)\n"
"      --summary FILE    also write the JSON summary to FILE\n"
"      --summary-every S rewrite FILE every S seconds while running, as\n"
"                        well as at exit (replaced whole: a reader never\n"
"                        sees half of one)\n"
"      --only FIRST-LAST only count sensors with ids in this range\n"
"      --rereq-port N    re-request gaps from the sender's port N (7401)\n"
"      --no-rereq        do not re-request gaps\n"
"      --control SOCKET  after a loss re-requests cannot mend, read the\n"
"                        history of the feed's keys from the dataplane\n"
"      --dedup           count a sample once even if several feeds carry\n"
"                        it (the digest is then of distinct samples)\n"
"  -q, --quiet           neither table nor JSON lines, just the summary\n"
"  -h, --help            this text\n"
"\n"
"example: senseplane-view 239.77.0.1:7500\n", SP_CATALOG_DEFAULT);
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "iface-addr", 1, NULL, 'i' }, { "pcap", 1, NULL, 'P' },
		{ "seconds", 1, NULL, 't' }, { "idle", 1, NULL, 'I' },
		{ "until-end", 0, NULL, 'E' }, { "json", 0, NULL, 'J' },
		{ "rows", 1, NULL, 'R' }, { "catalog", 1, NULL, 'C' },
		{ "summary", 1, NULL, 'U' }, { "quiet", 0, NULL, 'q' },
		{ "dedup", 0, NULL, 'D' }, { "only", 1, NULL, 'O' },
		{ "control", 1, NULL, 'X' }, { "rereq-port", 1, NULL, 'Q' },
		{ "no-rereq", 0, NULL, 'N' }, { "summary-every", 1, NULL, 'S' },
		{ "help", 0, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	*o = (struct opts){ .catalog = NULL, .rows = 20,
			    .rereq_port = SP_REREQ_PORT };
	while ((c = getopt_long(argc, argv, "i:t:qh", lo, NULL)) != -1) {
		switch (c) {
		case 'i': o->iface = optarg; break;
		case 'P': o->pcap = optarg; break;
		case 'C': o->catalog = optarg; break;
		case 'U': o->summary = optarg; break;
		case 'E': o->until_end = 1; break;
		case 'J': o->json = 1; break;
		case 'q': o->quiet = 1; break;
		case 'D': o->dedup = 1; break;
		case 'X': o->control = optarg; break;
		case 'N': o->rereq_port = 0; break;
		case 'Q': {
			unsigned long p = strtoul(optarg, &end, 10);

			if (*end || p == 0 || p > 65535) {
				fprintf(stderr, "senseplane-view: --rereq-port "
					"'%s': not a port\n", optarg);
				return -1;
			}
			o->rereq_port = (uint16_t)p;
			break;
		}
		case 'O':
			if (sscanf(optarg, "%" SCNu64 "-%" SCNu64, &o->only_lo,
				   &o->only_hi) != 2 || o->only_lo == 0 ||
			    o->only_lo > o->only_hi) {
				fprintf(stderr, "senseplane-view: --only '%s': "
					"expected FIRST-LAST sensor ids\n",
					optarg);
				return -1;
			}
			break;
		case 't': case 'I': case 'R': case 'S': {
			double v = strtod(optarg, &end);

			if (*end || *optarg == '\0' || v <= 0) {
				fprintf(stderr, "senseplane-view: '%s' is not a "
					"positive number\n", optarg);
				return -1;
			}
			if (c == 't') o->seconds = v;
			else if (c == 'I') o->idle = v;
			else if (c == 'S') o->summary_every = v;
			else o->rows = (unsigned int)v;
			break;
		}
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
	}
	for (; optind < argc; optind++) {
		uint32_t ip;
		uint16_t port;

		if (o->nfeeds == MAX_FEEDS) {
			fprintf(stderr, "senseplane-view: at most %d feeds\n",
				MAX_FEEDS);
			return -1;
		}
		if (sp_addr_parse(argv[optind], &ip, &port, 0) < 0) {
			fprintf(stderr, "senseplane-view: '%s': expected "
				"GROUP:PORT, e.g. 239.77.0.1:7500\n",
				argv[optind]);
			return -1;
		}
		o->ports[o->nfeeds] = htons(port);
		o->feeds[o->nfeeds++] = argv[optind];
	}
	if (o->summary_every && !o->summary) {
		fprintf(stderr, "senseplane-view: --summary-every needs "
			"--summary FILE\n");
		return -1;
	}
	if (o->nfeeds == 0 && !o->pcap) {
		fprintf(stderr, "senseplane-view: give at least one "
			"GROUP:PORT (see --help)\n");
		return -1;
	}
	return 0;
}

static const char *const how_name[] = { "live", "late", "recovered",
					 "history" };

/* One message as a JSON line (--json). */
static void on_msg(void *ctx, const struct senseplane_msg *m)
{
	struct viewer *v = ctx;
	size_t n = (size_t)m->nsamp * m->dim;

	if (!v->o.json || v->o.quiet)
		return;
	printf("{\"feed\": %u, \"seq\": %" PRIu64 ", \"flags\": %u, "
	       "\"how\": \"%s\", \"sensor\": %" PRIu64 ", \"attr\": \"%s\", "
	       "\"version\": %u, \"quality\": %u, \"skipped\": %u, "
	       "\"t0_ns\": %" PRIu64 ", \"dt_ns\": %u, \"nsamp\": %u, "
	       "\"dim\": %u, \"values\": [", m->feed_id, m->seq, m->flags,
	       how_name[m->how], m->sensor_id,
	       m->attr_name ? m->attr_name : "?", m->version, m->quality,
	       m->skipped, m->t0_ns, m->dt_ns, m->nsamp, m->dim);
	for (size_t i = 0; i < n; i++) {
		char num[SP_JSON_VALUE_MAX];

		sp_json_value(num, sizeof(num), m->values, m->vtype, i);
		printf("%s%s", i ? ", " : "", num);
	}
	printf("]}\n");
}

static void on_loss(void *ctx, const struct senseplane_loss *l)
{
	struct viewer *v = ctx;

	fprintf(stderr, "senseplane-view: feed %u session %016" PRIx64
		": messages %" PRIu64 "..%" PRIu64 " unrecoverable by "
		"re-request (%s)%s\n", l->feed_id, l->session, l->first_seq,
		l->end_seq - 1, l->reason == SENSEPLANE_LOSS_GONE ?
		"no longer buffered" : "no answer",
		v->o.control ? ": reading history" : "");
}

/* Feed packets from a capture: IPv4/UDP to one of the feed ports (any
 * port when none was given). */
static int read_pcap(struct viewer *v)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline(v->o.pcap, err);
	struct pcap_pkthdr *h;
	const u_char *d;

	if (pc == NULL) {
		fprintf(stderr, "senseplane-view: %s: %s\n", v->o.pcap, err);
		return -1;
	}
	while (!g_stop && pcap_next_ex(pc, &h, &d) == 1) {
		unsigned int ihl, match = v->o.nfeeds == 0;
		uint16_t ulen;

		if (h->caplen < 42 || sp_get16(d + 12) != 0x0800 ||
		    d[23] != 17)
			continue;
		ihl = (d[14] & 0x0f) * 4u;
		if (h->caplen < 14 + ihl + 8)
			continue;
		for (int i = 0; i < v->o.nfeeds; i++)
			match |= memcmp(d + 14 + ihl + 2, &v->o.ports[i], 2)
				 == 0;
		ulen = sp_get16(d + 14 + ihl + 4);
		if (!match || ulen < 8 || 14 + ihl + ulen > h->caplen)
			continue;
		/* no sender to re-request from: source 0 */
		senseplane_input(v->sp, d + 14 + ihl + 8, ulen - 8u, 0, 0,
			(uint64_t)h->ts.tv_sec * 1000000000ull +
			(uint64_t)h->ts.tv_usec * 1000);
	}
	pcap_close(pc);
	senseplane_finish(v->sp);
	return 0;
}

static void print_table(struct viewer *v, uint64_t now, FILE *out)
{
	struct senseplane_key k[64];
	unsigned int n = senseplane_keys_top(v->sp, k, v->o.rows);

	fprintf(out, "%-10s %-14s %-34s %9s %8s\n", "sensor", "attribute",
		"last value", "age ms", "rate/s");
	for (unsigned int i = 0; i < n; i++) {
		const struct sp_attr *a = sp_catalog_get(&v->cat, k[i].attr_id);
		char val[64] = "", name[SP_CAT_NAME_LEN];
		int len = 0;

		for (unsigned int j = 0; j < 3 && j < k[i].dim; j++)
			len += snprintf(val + len, sizeof(val) - (size_t)len,
					"%s%.6g", j ? " " : "", k[i].last[j]);
		if (a && a->unit[0])
			snprintf(val + len, sizeof(val) - (size_t)len, " %s",
				 a->unit);
		if (a)
			snprintf(name, sizeof(name), "%s", a->name);
		else
			snprintf(name, sizeof(name), "attr%u", k[i].attr_id);
		fprintf(out, "%-10" PRIu64 " %-14s %-34s %9.1f %8.1f\n",
			k[i].sensor_id, name, val, now > k[i].last_t_ns ?
			(double)(now - k[i].last_t_ns) / 1e6 : 0.0, k[i].rate);
	}
}

/* The live figures: a full-screen table on a terminal, one line a second
 * otherwise (logs, pipes). */
static void screen(struct viewer *v, uint64_t now, double secs,
		   uint64_t *last_pkts, uint64_t *last_samples, int tty)
{
	struct senseplane_stats s;

	senseplane_stats(v->sp, &s);
	printf("%ssenseplane-view  %u feed(s) | %" PRIu64
	       " pkts (%.0f/s) | %" PRIu64 " samples (%.0f/s) | keys %" PRIu64
	       " | missing %" PRIu64 " dups %" PRIu64 "\n%s",
	       tty ? "\033[H\033[2J" : "", s.feeds, s.packets,
	       (s.packets - *last_pkts) / secs, s.samples,
	       (s.samples - *last_samples) / secs, s.keys,
	       s.lost_gone + s.lost_noanswer, s.duplicates, tty ? "\n" : "");
	if (tty)
		print_table(v, now, stdout);
	fflush(stdout);
	*last_pkts = s.packets;
	*last_samples = s.samples;
}

/*
 * Write @p js to the --summary file. With --summary-every through a
 * temporary file and rename(), so that a reader polling the file while the
 * viewer runs (tools/bench/soak.sh) reads the previous summary or this
 * one, never a file cut short; without it straight to the file, as
 * before (a FILE such as /dev/stdout keeps working).
 */
static void write_summary(const struct viewer *v, const char *js)
{
	const char *path = v->o.summary;
	char tmp[4096];
	FILE *f;

	if (v->o.summary_every) {
		if (snprintf(tmp, sizeof(tmp), "%s.tmp", v->o.summary) >=
		    (int)sizeof(tmp)) {
			fprintf(stderr, "senseplane-view: %s: name too long\n",
				v->o.summary);
			return;
		}
		path = tmp;
	}
	f = fopen(path, "w");
	if (f) {
		int bad = fprintf(f, "%s\n", js) < 0;

		bad |= fclose(f) != 0;
		if (!bad && (path != tmp || rename(tmp, v->o.summary) == 0))
			return;
	}
	fprintf(stderr, "senseplane-view: %s: %s\n", v->o.summary,
		strerror(errno));
	if (path == tmp)
		unlink(tmp);
}

/* The summary so far, to the --summary file (--summary-every). */
static void summary_now(const struct viewer *v)
{
	char *js = senseplane_summary_json(v->sp);

	if (js) {
		write_summary(v, js);
		free(js);
	}
}

static int receive(struct viewer *v)
{
	uint64_t start = sp_wall_ns(), next_screen = start + 1000000000ull;
	uint64_t last_screen = start, last_pkts = 0, last_samples = 0;
	uint64_t ended_ns = 0, next_summary = 0;
	int live = !v->o.json && !v->o.quiet, tty = isatty(1);

	/* JSON lines go out as they come, also into a pipe or a file: a
	 * reader (jq, a test) sees each message when it arrives, not when a
	 * 4 KiB buffer fills or the viewer exits */
	if (v->o.json)
		setvbuf(stdout, NULL, _IOLBF, 0);

	for (int i = 0; i < v->o.nfeeds; i++)
		if (senseplane_join(v->sp, v->o.feeds[i]) < 0) {
			fprintf(stderr, "senseplane-view: %s\n",
				senseplane_errmsg(v->sp));
			return -1;
		}
	/* one line once every group is joined: a script that starts the
	 * viewer before the senders waits for it instead of guessing */
	fprintf(stderr, "senseplane-view: joined %d feed(s)\n", v->o.nfeeds);
	fflush(stderr);
	v->last_pkt_ns = start;
	if (v->o.summary_every)
		next_summary = start + (uint64_t)(v->o.summary_every * 1e9);
	while (!g_stop) {
		uint64_t now = sp_wall_ns();
		struct senseplane_stats s;

		senseplane_stats(v->sp, &s);
		if (s.packets != v->last_packets) {
			v->last_packets = s.packets;
			v->last_pkt_ns = now;
		}
		if (v->o.seconds && now - start >= v->o.seconds * 1e9)
			break;
		if (v->o.idle && now - v->last_pkt_ns >= v->o.idle * 1e9)
			break;
		/* at END, wait (a second at most) for what is being mended */
		if (v->o.until_end && s.ended) {
			if (!ended_ns)
				ended_ns = now;
			if (!senseplane_pending(v->sp) ||
			    now - ended_ns > 1000000000ull)
				break;
		}
		if (live && now >= next_screen) {
			screen(v, now, (double)(now - last_screen) / 1e9,
			       &last_pkts, &last_samples, tty);
			last_screen = now;
			next_screen = now + 1000000000ull;
		}
		if (next_summary && now >= next_summary) {
			summary_now(v);
			next_summary = now +
				       (uint64_t)(v->o.summary_every * 1e9);
		}
		if (senseplane_poll(v->sp, 100) < 0)
			fprintf(stderr, "senseplane-view: %s\n",
				senseplane_errmsg(v->sp));
	}
	senseplane_finish(v->sp);
	return 0;
}

/* The summary as text, from the library's JSON. */
static void summary_text(FILE *f, const char *js)
{
	json_t *j = json_loads(js, 0, NULL);

#define G(k) ((unsigned long long)json_integer_value(json_object_get(j, k)))
	fprintf(f, "senseplane-view: %llu packets (%llu heartbeats, %llu "
		"malformed), %llu messages, %llu samples over %llu keys; %llu "
		"feed(s), %llu session(s)%s\n  messages: %llu live, %llu late, "
		"%llu recovered by re-request, %llu lost (%llu gone, %llu "
		"unanswered); %llu duplicates dropped; %llu gaps\n"
		"  history fill: %llu samples over %llu keys\n"
		"  out of order %llu, version skips %llu, conflated %llu\n",
		G("packets"), G("heartbeats"), G("bad_packets"), G("messages"),
		G("samples"), G("keys"), G("feeds"), G("sessions"),
		json_is_true(json_object_get(j, "ended")) ? ", all ended" : "",
		G("delivered_live"), G("delivered_late"), G("recovered_rereq"),
		G("missing"), G("lost_gone"), G("lost_noanswer"),
		G("duplicates"), G("gaps"), G("history_samples"),
		G("history_keys"), G("order_errors"), G("version_skips"),
		G("conflated_skips"));
#undef G
#define R(k) json_real_value(json_object_get(j, k))
	fprintf(f, "  read lag (arrival at this host -> read): p50 %.2f ms, "
		"p99 %.2f ms, max %.2f ms\n", R("read_lag_p50_ms"),
		R("read_lag_p99_ms"), R("read_lag_max_ms"));
#undef R
	json_decref(j);
}

static void report(struct viewer *v)
{
	char *js = senseplane_summary_json(v->sp);

	if (js == NULL)
		return;
	if (v->o.json) {
		summary_text(stderr, js);
		printf("%s\n", js);
	} else {
		summary_text(stdout, js);
	}
	if (v->o.summary)
		write_summary(v, js);
	free(js);
}

int main(int argc, char **argv)
{
	static struct viewer v;
	struct senseplane_params p = { 0 };
	char err[512];
	int rc;

	if (parse_opts(argc, argv, &v.o) < 0)
		return 2;
	/* not installed (run from build/): the catalogue built in */
	if (v.o.catalog == NULL && !*(v.o.catalog = sp_catalog_default(SP_CATALOG_DEFAULT)))
		fprintf(stderr, "senseplane-view: no %s: the built-in attribute "
			"catalogue\n", SP_CATALOG_DEFAULT);
	if (sp_catalog_load(&v.cat, v.o.catalog, err, sizeof(err)) < 0) {
		fprintf(stderr, "senseplane-view: %s\n", err);
		return 2;
	}
	p.iface_addr = v.o.iface;
	p.control = v.o.control;
	p.catalog = v.o.catalog;
	p.rereq_port = v.o.rereq_port;
	p.no_rereq = v.o.rereq_port == 0 || v.o.pcap != NULL;
	p.dedup = v.o.dedup;
	p.only_first = v.o.only_lo;
	p.only_last = v.o.only_hi;
	p.on_msg = on_msg;
	p.on_loss = on_loss;
	p.ctx = &v;
	v.sp = senseplane_create(&p);
	if (v.sp == NULL) {
		fprintf(stderr, "senseplane-view: %s\n",
			senseplane_last_error());
		return 2;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	rc = v.o.pcap ? read_pcap(&v) : receive(&v);
	if (rc == 0)
		report(&v);
	senseplane_free(v.sp);
	return rc ? 1 : 0;
}
