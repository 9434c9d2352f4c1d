/*
 * rec_main.c - senseplane-record: every sample of the chosen keys, exactly
 * once, into a time-series store (VictoriaMetrics' /api/v1/import).
 *
 * Live samples come on a recording lens (every sample, no conflation)
 * through libsenseplane into the pipeline (rec_pipe.h), which sends them
 * to the store in batches and reads what is missing back from the
 * dataplane's history by version. This file orders the start, runs one
 * libevent loop (the lens, a 20 ms tick for the pipeline, the store's
 * HTTP, the signals), keeps the recording viewer and its subscriptions
 * (rec_subs.h), the watermark file and the figures, and stops in order:
 * on SIGINT or SIGTERM it writes what it holds (at most 10 s), saves the
 * watermarks and removes its viewer. No threads.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include <event2/event.h>
#include <senseplane.h>

#include "rec_log.h"
#include "rec_pipe.h"
#include "rec_spec.h"
#include "rec_store.h"
#include "rec_subs.h"
#include "rec_table.h"
#include "sp_catalog.h"
#include "sp_ctl.h"
#include "sp_time.h"

#define TICK_MS 20
#define SCAN_MS 2000               /* new sensors, the dataplane's run */
/* The watermark file is saved at the first tick after the store
 * acknowledged a batch (a few a second): a kill -9 then re-sends at most
 * the batch in flight, which the store keeps once only after its merge
 * deduplicates it (-dedup.minScrapeInterval; an export before that merge
 * shows both) */
#define SAVE_MS 0
#define FILL_BUDGET_NS 20000000ull /* history reads a tick, at most */

struct opts {
	const char *control, *redis, *store, *keys, *state, *stats, *lens,
		   *iface, *name, *level, *catalog;
	uint64_t max_samples;
	uint32_t batch_samples, flush_ms;
	int keep_viewer, quiet;
};

struct rec {
	struct opts o;
	struct rec_spec spec;
	struct sp_catalog *cat;
	struct sp_ctl *ctl;
	struct senseplane *spl;
	struct event_base *base;
	struct event *ev_spl, *ev_spl_timer, *ev_tick, *ev_int, *ev_term;
	struct rec_store *store;
	struct rec_subs *subs;
	struct rec_pipe *pipe;
	struct rec_table *tab;         /* the pipeline's */
	char wm_path[4096];
	uint64_t next_scan, next_save, next_stats, next_progress,
		 next_ctl_try, stop_deadline;
	uint64_t subs_refused, ctl_errors, restarts;
	uint64_t last_recorded, last_ns;
	double rate;
	int stopping, exit_code;
};

/* ---- the dataplane ---- */

static void ctl_lost(struct rec *r, const char *err)
{
	r->ctl_errors++;
	rec_say("control socket %s: %s (trying again)", r->o.control, err);
	sp_ctl_close(r->ctl);
	r->ctl = NULL;
}

static void ctl_tick(struct rec *r, uint64_t now)
{
	char err[512];

	if (r->ctl || now < r->next_ctl_try)
		return;
	r->next_ctl_try = now + 1000000000ull;
	r->ctl = sp_ctl_open(r->o.control, err, sizeof(err));
	if (r->ctl == NULL)
		return;
	rec_say("control socket %s: connected again", r->o.control);
	r->next_scan = 0;
}

/* The dataplane's run (a restart starts its versions again), then new
 * sensors to subscribe. */
static void scan_tick(struct rec *r)
{
	unsigned int added, refused;
	char err[512];
	uint64_t session;

	session = rec_subs_session(r->ctl, err, sizeof(err));
	if (session == 0) {
		ctl_lost(r, err);
		return;
	}
	if (rec_table_session(r->tab, session)) {
		r->restarts++;
		rec_say("the dataplane restarted (session %016" PRIx64 "): "
			"what it had not sent before is in no history; "
			"recording its new run", session);
		rec_subs_forget(r->subs);
		rec_pipe_forget_queue(r->pipe);
		if (rec_subs_viewer(r->subs, r->ctl, err, sizeof(err)) < 0) {
			rec_say("%s", err);
			return;
		}
	}
	if (rec_subs_scan(r->subs, r->ctl, &added, &refused, err,
			  sizeof(err)) < 0) {
		ctl_lost(r, err);
		return;
	}
	r->subs_refused += refused;
	if (refused)
		rec_say("%u subscriptions refused, e.g. %s (trying again)",
			refused, err);
}

/* ---- figures ---- */

static double cpu_s(void)
{
	struct rusage u;

	getrusage(RUSAGE_SELF, &u);
	return (double)u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 +
	       (double)u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
}

static void write_stats(struct rec *r, uint64_t now)
{
	const struct rec_figures *f = rec_pipe_figures(r->pipe);
	char tmp[4200];
	FILE *out;

	if (r->o.stats == NULL)
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", r->o.stats);
	out = fopen(tmp, "w");
	if (out == NULL)
		return;
	fprintf(out, "{\"recorded\":%" PRIu64 ",\"recorded_per_s\":%.0f,"
		"\"keys\":%u,\"sensors\":%" PRIu64 ",\"catching_up\":%" PRIu64
		",\"buffered\":%zu,\"in_flight\":%d,\"lag_ms\":%.1f,"
		"\"store_ok\":%" PRIu64 ",\"store_errors\":%" PRIu64
		",\"store_down\":%s,\"history_reads\":%" PRIu64
		",\"history_samples\":%" PRIu64 ",\"ranges_caught_up\":%"
		PRIu64 ",\"lost\":%" PRIu64 ",\"before_first_sight\":%" PRIu64
		",\"shed_to_history\":%" PRIu64 ",\"live_left_to_history\":%"
		PRIu64 ",\"duplicates_dropped\":%" PRIu64 ",\"messages\":%"
		PRIu64 ",\"subs_refused\":%" PRIu64 ",\"control_errors\":%"
		PRIu64 ",\"dataplane_restarts\":%" PRIu64 ",\"cpu_s\":%.3f,"
		"\"session\":\"%016" PRIx64 "\"}\n",
		f->recorded, r->rate, r->tab->n, rec_subs_count(r->subs),
		rec_pipe_catching_up(r->pipe), rec_pipe_buffered(r->pipe),
		rec_pipe_in_flight(r->pipe),
		rec_pipe_lag_ns(r->pipe, now) / 1e6, f->store_ok,
		f->store_errors, rec_pipe_store_down(r->pipe) ? "true" :
		"false", f->fill_reads, f->filled, f->ranges_closed, f->lost,
		f->before, f->shed, f->live_skipped, f->dups, f->msgs,
		r->subs_refused, r->ctl_errors, r->restarts, cpu_s(),
		r->tab->session);
	if (fclose(out) == 0)
		rename(tmp, r->o.stats);
}

static void figures_tick(struct rec *r, uint64_t now)
{
	const struct rec_figures *f = rec_pipe_figures(r->pipe);
	char err[512];

	if (now >= r->next_save && r->tab->dirty) {
		r->next_save = now + SAVE_MS * 1000000ull;
		if (rec_table_save(r->tab, r->wm_path, err, sizeof(err)) < 0)
			rec_say("%s", err);
	}
	if (now >= r->next_stats) {
		if (r->last_ns)
			r->rate = (double)(f->recorded - r->last_recorded) *
				  1e9 / (double)(now - r->last_ns);
		r->last_ns = now;
		r->last_recorded = f->recorded;
		r->next_stats = now + 1000000000ull;
		write_stats(r, now);
	}
	if (!r->o.quiet && now >= r->next_progress) {
		r->next_progress = now + 5000000000ull;
		rec_say("%" PRIu64 " samples recorded (%.0f/s), %u keys, %"
			PRIu64 " catching up, %zu buffered, %" PRIu64 " from "
			"history, %" PRIu64 " lost, store errors %" PRIu64,
			f->recorded, r->rate, r->tab->n,
			rec_pipe_catching_up(r->pipe),
			rec_pipe_buffered(r->pipe), f->filled, f->lost,
			f->store_errors);
	}
}

/* ---- the loop ---- */

static void on_msg(void *ctx, const struct senseplane_msg *m)
{
	struct rec *r = ctx;

	if (!r->stopping)    /* what comes now, the next run reads back */
		rec_pipe_msg(r->pipe, m, sp_mono_ns());
}

/* Process the lens, then wake again when the library's timers want it
 * sooner than the tick (a gap's re-request, in 1 ms steps). */
static void spl_run(struct rec *r)
{
	int t;

	if (senseplane_process(r->spl) < 0)
		rec_say("feed: %s", senseplane_errmsg(r->spl));
	t = senseplane_timeout_ms(r->spl);
	if (t >= 0 && t < TICK_MS) {
		struct timeval tv = { 0, (t ? t : 1) * 1000 };

		evtimer_add(r->ev_spl_timer, &tv);
	}
}

static void on_spl(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	spl_run(arg);
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct rec *r = arg;
	uint64_t now = sp_mono_ns();
	char err[512];
	int rc;

	(void)fd;
	(void)what;
	spl_run(r);
	ctl_tick(r, now);
	if (!r->stopping && r->ctl && now >= r->next_scan) {
		r->next_scan = now + SCAN_MS * 1000000ull;
		scan_tick(r);
	}
	if (!r->stopping && r->ctl) {
		rc = rec_pipe_fill(r->pipe, r->ctl, now, FILL_BUDGET_NS, err,
				   sizeof(err));
		if (rc < 0)
			ctl_lost(r, err);
		else if (rc > 0)
			r->next_scan = 0;   /* look at its session now */
	}
	if (rec_pipe_store(r->pipe, now, r->stopping) < 0) {
		rec_say("out of memory encoding %zu samples",
			rec_pipe_buffered(r->pipe));
		r->exit_code = 1;
		event_base_loopbreak(r->base);
		return;
	}
	figures_tick(r, now);
	if (r->stopping && ((!rec_pipe_in_flight(r->pipe) &&
			     rec_pipe_buffered(r->pipe) == 0) ||
			    now >= r->stop_deadline))
		event_base_loopbreak(r->base);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct rec *r = arg;

	(void)what;
	if (r->stopping) {           /* twice: now */
		event_base_loopbreak(r->base);
		return;
	}
	rec_say("signal %d: writing what is buffered (at most 10 s)",
		(int)sig);
	r->stopping = 1;
	r->stop_deadline = sp_mono_ns() + 10000000000ull;
}

/* ---- options ---- */

static void usage(FILE *out)
{
	fprintf(out,
"usage: senseplane-record --control PATH --store http://HOST:PORT\n"
"                         [--keys SPEC] [--state DIR] [--stats FILE]\n"
"                         [options]\n"
"\n"
"Records every sample of the chosen keys, exactly once, into a\n"
"VictoriaMetrics store as senseplane_sample{sensor,attr,i} at the\n"
"sample's own time (ms). Live samples come on a recording lens (every\n"
"sample, no conflation); what is missed (a store outage, a restart, even\n"
"kill -9) is read back from the dataplane's history by version; what the\n"
"history no longer holds is counted and logged per key as lost.\n"
"\n"
"  --control PATH      the dataplane's control socket\n"
"                      (default $SENSEPLANE_SOCKET or /run/senseplane/dp.sock)\n"
"  --store URL         http://HOST:PORT of VictoriaMetrics (single node or\n"
"                      vminsert); started with -dedup.minScrapeInterval=1ms\n"
"                      a sample written twice is kept once\n"
"  --keys SPEC         all (default) or SENSORS[/ATTRS]: SENSORS is all or\n"
"                      ids and ranges (1-1000,2000), ATTRS catalogue names\n"
"                      or ids (ecg,heartrate)\n"
"  --state DIR         where the watermarks are kept (default .): a key's\n"
"                      last version the store acknowledged\n"
"  --stats FILE        the figures as one JSON object, rewritten every second\n"
"  --lens GROUP:PORT   the recording lens (default 239.81.0.1:7800)\n"
"  -i, --iface-addr IP join the lens on the interface with this address\n"
"  --name NAME         the recording viewer's name (default record)\n"
"  --level LEVEL       its subscriptions' level: medium (default) batches\n"
"                      every 50 ms, low every 200 ms, high per sample\n"
"  --batch-samples N   a store request at most N samples (default 100000)\n"
"  --flush-ms MS       or after MS ms (default 200)\n"
"  --max-samples N     samples held in memory at most (default 4000000);\n"
"                      past it, live ones are left to history\n"
"  --keep-viewer       leave the viewer and its subscriptions at exit\n"
"  -c, --catalog FILE  attribute catalogue (default the installed one)\n"
"  -q, --quiet         no progress line every 5 s\n"
"  -h, --help          this text\n"
"\n"
"Exit: 0 stopped by a signal with everything written, 1 an error, 2 usage.\n"
"example: senseplane-record --control /run/senseplane/dp.sock \\\n"
"           --store http://127.0.0.1:8428 --keys 1-1000 --state /var/lib/sp\n");
}

static int parse_u64(const char *opt, const char *s, uint64_t min,
		     uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || end == s || v < min || s[0] == '-') {
		fprintf(stderr, "senseplane-record: %s '%s': expected a "
			"whole number >= %" PRIu64 "\n", opt, s, min);
		return -1;
	}
	*out = v;
	return 0;
}

static int parse_opts(struct opts *o, int argc, char **argv)
{
	enum { O_CONTROL = 256, O_REDIS, O_STORE, O_KEYS, O_STATE, O_STATS,
	       O_LENS, O_NAME, O_LEVEL, O_BATCH, O_FLUSH, O_MAX, O_KEEP };
	static const struct option lo[] = {
		{ "control", required_argument, NULL, O_CONTROL },
		{ "redis", required_argument, NULL, O_REDIS },
		{ "store", required_argument, NULL, O_STORE },
		{ "keys", required_argument, NULL, O_KEYS },
		{ "state", required_argument, NULL, O_STATE },
		{ "stats", required_argument, NULL, O_STATS },
		{ "lens", required_argument, NULL, O_LENS },
		{ "iface-addr", required_argument, NULL, 'i' },
		{ "name", required_argument, NULL, O_NAME },
		{ "level", required_argument, NULL, O_LEVEL },
		{ "batch-samples", required_argument, NULL, O_BATCH },
		{ "flush-ms", required_argument, NULL, O_FLUSH },
		{ "max-samples", required_argument, NULL, O_MAX },
		{ "keep-viewer", no_argument, NULL, O_KEEP },
		{ "catalog", required_argument, NULL, 'c' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c;

	*o = (struct opts){ .keys = "all", .state = ".",
			    .lens = "239.81.0.1:7800", .name = "record",
			    .level = "medium", .max_samples = 4000000,
			    .batch_samples = 100000, .flush_ms = 200 };
	o->control = getenv("SENSEPLANE_SOCKET");
	if (o->control == NULL)
		o->control = "/run/senseplane/dp.sock";
	while ((c = getopt_long(argc, argv, "i:c:qh", lo, NULL)) != -1) {
		switch (c) {
		case O_CONTROL: o->control = optarg; break;
		case O_REDIS: o->redis = optarg; break;
		case O_STORE: o->store = optarg; break;
		case O_KEYS: o->keys = optarg; break;
		case O_STATE: o->state = optarg; break;
		case O_STATS: o->stats = optarg; break;
		case O_LENS: o->lens = optarg; break;
		case 'i': o->iface = optarg; break;
		case O_NAME: o->name = optarg; break;
		case O_LEVEL: o->level = optarg; break;
		case O_BATCH:
			if (parse_u64("--batch-samples", optarg, 1, &v) < 0)
				return -1;
			o->batch_samples = v > 10000000 ? 10000000 : (uint32_t)v;
			break;
		case O_FLUSH:
			if (parse_u64("--flush-ms", optarg, 1, &v) < 0)
				return -1;
			o->flush_ms = v > 60000 ? 60000 : (uint32_t)v;
			break;
		case O_MAX:
			if (parse_u64("--max-samples", optarg, 10000,
				      &o->max_samples) < 0)
				return -1;
			break;
		case O_KEEP: o->keep_viewer = 1; break;
		case 'c': o->catalog = optarg; break;
		case 'q': o->quiet = 1; break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "senseplane-record: '%s': no arguments, only "
			"options (--help)\n", argv[optind]);
		return -1;
	}
	if (o->redis) {
		fprintf(stderr, "senseplane-record: --redis: recording a "
			"cluster is not built yet; run one recorder per node "
			"with --control\n");
		return -1;
	}
	if (o->store == NULL) {
		fprintf(stderr, "senseplane-record: --store http://HOST:PORT "
			"is required (--help)\n");
		return -1;
	}
	if (strcmp(o->level, "low") && strcmp(o->level, "medium") &&
	    strcmp(o->level, "high")) {
		fprintf(stderr, "senseplane-record: --level '%s': expected "
			"low, medium or high\n", o->level);
		return -1;
	}
	return 0;
}

/* ---- start and stop ---- */

static int start(struct rec *r)
{
	struct senseplane_params sp = { .on_msg = on_msg, .ctx = r,
					.iface_addr = r->o.iface };
	struct rec_subs_params subp = { .name = r->o.name, .lens = r->o.lens,
					.level = r->o.level, .spec = &r->spec };
	struct rec_pipe_params pp = { .spec = &r->spec,
				      .max_samples = r->o.max_samples,
				      .batch_samples = r->o.batch_samples,
				      .flush_ms = r->o.flush_ms };
	const char *catalog = r->o.catalog;
	struct timeval tick = { 0, TICK_MS * 1000 };
	char err[1024];
	uint64_t session;

	if (catalog == NULL && !*(catalog = sp_catalog_default(
					  SP_CATALOG_DEFAULT)))
		rec_say("no %s: the built-in attribute catalogue",
			SP_CATALOG_DEFAULT);
	r->cat = sp_catalog_open(catalog, err, sizeof(err));
	if (r->cat == NULL) {
		rec_say("%s", err);
		return 2;
	}
	if (rec_spec_parse(&r->spec, r->o.keys, r->cat, err,
			   sizeof(err)) < 0) {
		rec_say("%s", err);
		return 2;
	}
	subp.cat = pp.cat = r->cat;
	if (mkdir(r->o.state, 0750) < 0 && errno != EEXIST) {
		rec_say("--state %s: %s", r->o.state, strerror(errno));
		return 1;
	}
	snprintf(r->wm_path, sizeof(r->wm_path), "%s/watermarks",
		 r->o.state);
	r->base = event_base_new();
	if (r->base == NULL) {
		rec_say("out of memory");
		return 1;
	}
	r->store = rec_store_create(r->base, r->o.store, 10, err,
				    sizeof(err));
	if (r->store == NULL) {
		rec_say("%s", err);
		return 2;
	}
	pp.store = r->store;
	r->pipe = rec_pipe_create(&pp);
	if (r->pipe)
		r->tab = rec_pipe_table(r->pipe);
	r->subs = rec_subs_create(&subp);
	if (r->pipe == NULL || r->subs == NULL) {
		rec_say("out of memory");
		return 1;
	}
	if (rec_table_load(r->tab, r->wm_path, err, sizeof(err)) < 0) {
		rec_say("%s", err);
		return 1;
	}
	/* every key a previous run knew: what came after its watermark
	 * (a kill -9 leaves some unacknowledged) is read back first, also
	 * for sensors that have gone quiet since */
	for (uint32_t i = 0; i < r->tab->n; i++) {
		const struct sp_attr *a = sp_catalog_get(r->cat,
							 r->tab->keys[i].attr);

		r->tab->keys[i].name = a ? a->name : "unknown";
		rec_pipe_catchup(r->pipe, i);
	}
	r->ctl = sp_ctl_open(r->o.control, err, sizeof(err));
	if (r->ctl == NULL) {
		rec_say("%s", err);
		return 1;
	}
	session = rec_subs_session(r->ctl, err, sizeof(err));
	if (session == 0) {
		rec_say("%s", err);
		return 1;
	}
	if (rec_table_session(r->tab, session))
		rec_say("the dataplane restarted since %s was written: "
			"versions start again", r->wm_path);
	if (rec_subs_viewer(r->subs, r->ctl, err, sizeof(err)) < 0) {
		rec_say("%s", err);
		return 1;
	}
	r->spl = senseplane_create(&sp);
	if (r->spl == NULL || senseplane_join(r->spl, r->o.lens) < 0) {
		rec_say("lens %s: %s", r->o.lens, r->spl ?
			senseplane_errmsg(r->spl) : senseplane_last_error());
		return 1;
	}
	r->ev_spl = event_new(r->base, senseplane_fd(r->spl),
			      EV_READ | EV_PERSIST, on_spl, r);
	r->ev_spl_timer = evtimer_new(r->base, on_spl, r);
	r->ev_tick = event_new(r->base, -1, EV_PERSIST, on_tick, r);
	r->ev_int = evsignal_new(r->base, SIGINT, on_signal, r);
	r->ev_term = evsignal_new(r->base, SIGTERM, on_signal, r);
	if (!r->ev_spl || !r->ev_spl_timer || !r->ev_tick || !r->ev_int ||
	    !r->ev_term) {
		rec_say("out of memory");
		return 1;
	}
	event_add(r->ev_spl, NULL);
	event_add(r->ev_tick, &tick);
	event_add(r->ev_int, NULL);
	event_add(r->ev_term, NULL);
	rec_say("recording %s from %s (session %016" PRIx64 ") on lens %s "
		"into %s; %u keys known from %s", r->o.keys, r->o.control,
		session, r->o.lens, r->o.store, r->tab->n, r->wm_path);
	return 0;
}

static void finish(struct rec *r)
{
	const struct rec_figures *f;
	char err[512];

	if (r->pipe) {
		f = rec_pipe_figures(r->pipe);
		if (r->tab->n && rec_table_save(r->tab, r->wm_path, err,
						sizeof(err)) < 0)
			rec_say("%s", err);
		write_stats(r, sp_mono_ns());
		if (r->stopping && rec_pipe_buffered(r->pipe))
			rec_say("%zu samples not acknowledged by the store: "
				"the next run reads them from history",
				rec_pipe_buffered(r->pipe));
		rec_say("%" PRIu64 " samples recorded, %" PRIu64 " from "
			"history, %" PRIu64 " lost, %.2f CPU s", f->recorded,
			f->filled, f->lost, cpu_s());
	}
	if (r->stopping && r->ctl && r->subs && !r->o.keep_viewer &&
	    rec_subs_viewer_rm(r->subs, r->ctl, err, sizeof(err)) < 0)
		rec_say("%s", err);
	if (r->ev_spl)
		event_free(r->ev_spl);
	if (r->ev_spl_timer)
		event_free(r->ev_spl_timer);
	if (r->ev_tick)
		event_free(r->ev_tick);
	if (r->ev_int)
		event_free(r->ev_int);
	if (r->ev_term)
		event_free(r->ev_term);
	senseplane_free(r->spl);
	rec_store_free(r->store);
	rec_subs_free(r->subs);
	rec_pipe_free(r->pipe);
	if (r->base)
		event_base_free(r->base);
	sp_ctl_close(r->ctl);
	sp_catalog_free(r->cat);
}

int main(int argc, char **argv)
{
	static struct rec r;
	int rc;

	if (parse_opts(&r.o, argc, argv) < 0)
		return 2;
	rc = start(&r);
	if (rc == 0) {
		event_base_dispatch(r.base);
		rc = r.exit_code;
	}
	finish(&r);
	return rc;
}
