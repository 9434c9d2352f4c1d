/*
 * rec_main.c - senseplane-record: every sample of the chosen keys, exactly
 * once, into a time-series store (VictoriaMetrics' /api/v1/import).
 *
 * Live samples come on a recording lens (every sample, no conflation)
 * through libsenseplane; each key's versions say whether any is missing,
 * and what is missing is read back from the dataplane's history by
 * version (rec_fill.h). A batch goes to the store one at a time, retried
 * with backoff until it is acknowledged; only then do the keys'
 * watermarks advance (rec_table.h), written to --state through a rename.
 * Memory is bounded (--max-samples): past it, live samples are left to
 * history. Everything on one libevent loop; no threads.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include <event2/event.h>
#include <senseplane.h>

#include "rec_batch.h"
#include "rec_fill.h"
#include "rec_spec.h"
#include "rec_store.h"
#include "rec_subs.h"
#include "rec_table.h"
#include "sp_catalog.h"
#include "sp_ctl.h"

#define TICK_MS 20
#define SCAN_MS 2000               /* new sensors, the dataplane's run */
#define SAVE_MS 500                /* the watermark file */
#define FILL_BUDGET_NS 20000000ull /* history reads a tick, at most */
#define IMPORT_PATH "/api/v1/import"

struct opts {
	const char *control, *redis, *store, *keys, *state, *stats, *lens,
		   *iface, *name, *level, *catalog;
	uint64_t max_samples;
	uint32_t batch_samples, flush_ms;
	int keep_viewer, quiet;
};

struct figures {
	uint64_t recorded, msgs, dups, shed, live_skipped, fill_reads,
		 filled, ranges_closed, lost, before, store_ok, store_errors,
		 subs_added, subs_refused, ctl_errors, restarts, posts;
	uint64_t last_recorded, last_ns;
	double rate;
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
	struct rec_table tab;
	char wm_path[4096];
	struct rec_batch fill, flight;
	struct rec_buf body;
	int flight_pending, store_down;
	uint64_t retry_at, backoff_ms, flight_since;
	uint32_t *queue;               /* keys to catch up: a ring */
	size_t qhead, qlen, qcap;
	uint64_t next_scan, next_save, next_stats, next_progress,
		 next_ctl_try, stop_deadline;
	int stopping, exit_code;
	struct figures f;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void say(const struct rec *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void say(const struct rec *r, const char *fmt, ...)
{
	va_list ap;

	(void)r;
	fputs("senseplane-record: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* ---- catching up from history ---- */

static void queue_push(struct rec *r, uint32_t kidx)
{
	struct rec_key *k = &r->tab.keys[kidx];

	k->catchup = 1;
	if (k->in_queue)
		return;
	if (r->qlen == r->qcap) {
		size_t nc = r->qcap ? r->qcap * 2 : 1024;
		uint32_t *nq = malloc(nc * sizeof(*nq));

		if (nq == NULL)
			return;   /* stays catchup: the next push retries */
		for (size_t i = 0; i < r->qlen; i++)
			nq[i] = r->queue[(r->qhead + i) % r->qcap];
		free(r->queue);
		r->queue = nq;
		r->qcap = nc;
		r->qhead = 0;
	}
	r->queue[(r->qhead + r->qlen++) % r->qcap] = kidx;
	k->in_queue = 1;
}

static size_t buffered(const struct rec *r)
{
	return rec_batch_samples(&r->fill) +
	       (r->flight_pending ? rec_batch_samples(&r->flight) : 0);
}

static void ctl_lost(struct rec *r, const char *err)
{
	r->f.ctl_errors++;
	say(r, "control socket %s: %s (trying again)", r->o.control, err);
	sp_ctl_close(r->ctl);
	r->ctl = NULL;
}

/* One key's next history read. @return 0, or -1 when the control socket
 * failed (the key stays queued). */
static int fill_one(struct rec *r, uint32_t kidx)
{
	struct rec_key *k = &r->tab.keys[kidx];
	uint64_t after = k->queued;
	struct rec_fill f;
	char err[512];

	if (rec_fill_read(r->ctl, k, kidx, after, &r->fill, &f, err,
			  sizeof(err)) < 0) {
		ctl_lost(r, err);
		return -1;
	}
	r->f.fill_reads++;
	if (f.gone || f.received < after) {
		/* the dataplane has no such key, or its versions went back:
		 * it restarted (the next scan's ping says so) */
		k->catchup = 0;
		r->next_scan = 0;
		return 0;
	}
	if (f.lost) {
		if (k->known) {
			k->lost += f.lost;
			r->f.lost += f.lost;
			say(r, "%" PRIu64 "/%s: %" PRIu64 " samples (versions "
			    "%" PRIu64 "-%" PRIu64 ") are older than the "
			    "dataplane's history holds: lost", k->sensor,
			    k->name, f.lost, after + 1, after + f.lost);
		} else {
			k->before += f.lost;
			r->f.before += f.lost;
		}
		r->tab.dirty = 1;
	}
	k->known = 1;
	k->dim = f.dim;
	if (f.n) {
		k->queued = f.v_last;
		k->queued_t_ns = f.t_last_ns;
		r->f.filled += f.n;
		if (r->fill.first_ns == 0)
			r->fill.first_ns = mono_ns();
	} else {
		k->queued = after + f.lost;
	}
	if (k->queued >= f.received) {
		k->catchup = 0;
		r->f.ranges_closed++;
	} else {
		queue_push(r, kidx);
	}
	return 0;
}

static void fill_tick(struct rec *r, uint64_t now)
{
	/* room for one more answer (4096 samples) in half the budget */
	while (r->qlen && r->ctl && !r->store_down &&
	       buffered(r) + 4096 < r->o.max_samples / 2 &&
	       mono_ns() - now < FILL_BUDGET_NS) {
		uint32_t kidx = r->queue[r->qhead];

		r->qhead = (r->qhead + 1) % r->qcap;
		r->qlen--;
		r->tab.keys[kidx].in_queue = 0;
		if (!r->tab.keys[kidx].catchup)
			continue;
		if (fill_one(r, kidx) < 0) {
			queue_push(r, kidx);
			break;
		}
	}
}

/* ---- live samples ---- */

static void on_msg(void *ctx, const struct senseplane_msg *m)
{
	struct rec *r = ctx;
	const struct sp_attr *a;
	struct rec_key *k;
	struct rec_run *run;
	uint64_t vl, vf, skip;
	uint32_t kidx, n;

	if (r->stopping || !rec_spec_sensor(&r->spec, m->sensor_id) ||
	    !rec_spec_attr(&r->spec, m->attr_id) || m->nsamp == 0)
		return;
	a = sp_catalog_get(r->cat, m->attr_id);
	if (a == NULL)
		return;   /* the dataplane's catalogue is not ours */
	k = rec_table_get(&r->tab, m->sensor_id, m->attr_id);
	if (k == NULL)
		return;
	kidx = (uint32_t)(k - r->tab.keys);
	k->name = a->name;
	k->vtype = m->vtype;
	k->dim = m->dim;
	r->f.msgs++;
	if (k->catchup) {            /* history will give these */
		r->f.live_skipped += m->nsamp;
		return;
	}
	vl = rec_version64(k->queued, m->version);
	if (vl <= k->queued) {
		r->f.dups += m->nsamp;
		return;
	}
	vf = vl >= m->nsamp ? vl - m->nsamp + 1 : 1;
	if (vf > k->queued + 1) {    /* a gap: read it from history */
		queue_push(r, kidx);
		return;
	}
	skip = k->queued + 1 - vf;   /* the first ones we have already */
	n = (uint32_t)(m->nsamp - skip);
	if (buffered(r) + n > r->o.max_samples) {
		r->f.shed += n;      /* memory is full: history keeps them */
		queue_push(r, kidx);
		return;
	}
	run = rec_batch_run(&r->fill, kidx, k->sensor, k->name, k->dim, n);
	if (run == NULL) {
		queue_push(r, kidx);
		return;
	}
	for (uint32_t s = 0; s < n; s++) {
		uint64_t j = skip + s;

		r->fill.times[run->toff + s] =
			rec_ms(m->t0_ns + j * m->dt_ns);
		for (uint32_t d = 0; d < m->dim; d++)
			r->fill.vals[run->voff + (size_t)s * m->dim + d] =
				senseplane_value(m, (unsigned int)(j * m->dim +
								   d));
	}
	run->v_last = vl;
	run->t_last_ns = m->t0_ns + (uint64_t)(m->nsamp - 1) * m->dt_ns;
	k->queued = vl;
	k->queued_t_ns = run->t_last_ns;
	k->known = 1;
	if (r->fill.first_ns == 0)
		r->fill.first_ns = mono_ns();
}

/* ---- the store ---- */

static void on_posted(void *ctx, int ok, const char *why)
{
	struct rec *r = ctx;
	uint64_t now = mono_ns();

	if (!ok) {
		r->f.store_errors++;
		if (!r->store_down || r->f.store_errors % 20 == 0)
			say(r, "store: %s (retrying, %" PRIu64 " errors so "
			    "far)", why, r->f.store_errors);
		r->store_down = 1;
		r->backoff_ms = r->backoff_ms ? r->backoff_ms * 2 : 100;
		if (r->backoff_ms > 2000)
			r->backoff_ms = 2000;
		r->retry_at = now + r->backoff_ms * 1000000ull;
		return;
	}
	if (r->store_down)
		say(r, "store: back after %" PRIu64 " errors",
		    r->f.store_errors);
	r->store_down = 0;
	r->backoff_ms = 0;
	r->f.store_ok++;
	for (size_t i = 0; i < r->flight.nruns; i++) {
		const struct rec_run *run = &r->flight.runs[i];
		struct rec_key *k = &r->tab.keys[run->key];

		if (run->v_last > k->acked) {
			k->acked = run->v_last;
			k->acked_t_ns = run->t_last_ns;
		}
		k->recorded += run->n;
	}
	r->f.recorded += rec_batch_samples(&r->flight);
	r->tab.dirty = 1;
	rec_batch_reset(&r->flight);
	r->flight_pending = 0;
}

static void store_tick(struct rec *r, uint64_t now)
{
	if (!r->flight_pending && rec_batch_samples(&r->fill) &&
	    (r->stopping || !r->store_down) &&
	    (rec_batch_samples(&r->fill) >= r->o.batch_samples ||
	     now - r->fill.first_ns >= r->o.flush_ms * 1000000ull ||
	     r->stopping)) {
		struct rec_batch t = r->flight;

		r->flight = r->fill;
		r->fill = t;
		rec_batch_reset(&r->fill);
		rec_buf_reset(&r->body);
		if (rec_batch_encode(&r->flight, &r->body) < 0) {
			say(r, "out of memory encoding %zu samples",
			    rec_batch_samples(&r->flight));
			r->exit_code = 1;
			event_base_loopbreak(r->base);
			return;
		}
		r->flight_pending = 1;
		r->flight_since = now;
	}
	if (r->flight_pending && !rec_store_busy(r->store) &&
	    now >= r->retry_at) {
		r->f.posts++;
		if (rec_store_post(r->store, IMPORT_PATH, "application/json",
				   r->body.p, r->body.len, on_posted, r) < 0)
			on_posted(r, 0, "cannot make the request");
	}
}

/* ---- the dataplane ---- */

static void scan_tick(struct rec *r)
{
	unsigned int added, refused;
	char err[512];
	uint64_t session;

	if (r->ctl == NULL)
		return;
	session = rec_subs_session(r->ctl, err, sizeof(err));
	if (session == 0) {
		ctl_lost(r, err);
		return;
	}
	if (rec_table_session(&r->tab, session)) {
		r->f.restarts++;
		say(r, "the dataplane restarted (session %016" PRIx64 "): "
		    "what it had not sent before is not in any history; "
		    "recording its new run", session);
		rec_subs_forget(r->subs);
		r->qlen = 0;
		for (uint32_t i = 0; i < r->tab.n; i++)
			r->tab.keys[i].in_queue = 0;
		if (rec_subs_viewer(r->subs, r->ctl, err, sizeof(err)) < 0) {
			say(r, "%s", err);
			return;
		}
	}
	if (rec_subs_scan(r->subs, r->ctl, &added, &refused, err,
			  sizeof(err)) < 0) {
		ctl_lost(r, err);
		return;
	}
	r->f.subs_added += added;
	r->f.subs_refused += refused;
	if (refused)
		say(r, "%u subscriptions refused, e.g. %s (trying again)",
		    refused, err);
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
	say(r, "control socket %s: connected again", r->o.control);
	r->next_scan = 0;
}

/* ---- figures ---- */

static double cpu_s(void)
{
	struct rusage u;

	getrusage(RUSAGE_SELF, &u);
	return (double)u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 +
	       (double)u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
}

static uint64_t catching_up(const struct rec *r)
{
	uint64_t n = 0;

	for (uint32_t i = 0; i < r->tab.n; i++)
		n += r->tab.keys[i].catchup;
	return n;
}

static void write_stats(struct rec *r, uint64_t now)
{
	const struct figures *f = &r->f;
	char tmp[4200];
	FILE *out;
	uint64_t lag = r->flight_pending ? now - r->flight_since :
		       r->fill.first_ns ? now - r->fill.first_ns : 0;

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
		f->recorded, f->rate, r->tab.n, rec_subs_count(r->subs),
		catching_up(r), buffered(r), r->flight_pending, lag / 1e6,
		f->store_ok, f->store_errors, r->store_down ? "true" : "false",
		f->fill_reads, f->filled, f->ranges_closed, f->lost, f->before,
		f->shed, f->live_skipped, f->dups, f->msgs, f->subs_refused,
		f->ctl_errors, f->restarts, cpu_s(), r->tab.session);
	if (fclose(out) == 0)
		rename(tmp, r->o.stats);
}

static void figures_tick(struct rec *r, uint64_t now)
{
	char err[512];

	if (now >= r->next_save && r->tab.dirty) {
		r->next_save = now + SAVE_MS * 1000000ull;
		if (rec_table_save(&r->tab, r->wm_path, err, sizeof(err)) < 0)
			say(r, "%s", err);
	}
	if (now >= r->next_stats) {
		if (r->f.last_ns)
			r->f.rate = (double)(r->f.recorded -
					     r->f.last_recorded) * 1e9 /
				    (double)(now - r->f.last_ns);
		r->f.last_ns = now;
		r->f.last_recorded = r->f.recorded;
		r->next_stats = now + 1000000000ull;
		write_stats(r, now);
	}
	if (!r->o.quiet && now >= r->next_progress) {
		r->next_progress = now + 5000000000ull;
		say(r, "%" PRIu64 " samples recorded (%.0f/s), %u keys, %"
		    PRIu64 " catching up, %zu buffered, %" PRIu64 " from "
		    "history, %" PRIu64 " lost, store errors %" PRIu64,
		    r->f.recorded, r->f.rate, r->tab.n, catching_up(r),
		    buffered(r), r->f.filled, r->f.lost, r->f.store_errors);
	}
}

/* ---- the loop ---- */

/* Process the lens, then wake again when the library's timers want it
 * sooner than the tick (a gap's re-request, in 1 ms steps). */
static void spl_run(struct rec *r)
{
	int t;

	if (senseplane_process(r->spl) < 0)
		say(r, "feed: %s", senseplane_errmsg(r->spl));
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
	uint64_t now = mono_ns();

	(void)fd;
	(void)what;
	spl_run(r);
	ctl_tick(r, now);
	if (!r->stopping && r->ctl && now >= r->next_scan) {
		r->next_scan = now + SCAN_MS * 1000000ull;
		scan_tick(r);
	}
	if (!r->stopping)
		fill_tick(r, now);
	store_tick(r, now);
	figures_tick(r, now);
	if (r->stopping && ((!r->flight_pending &&
			     !rec_batch_samples(&r->fill)) ||
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
	say(r, "signal %d: writing what is buffered (at most 10 s)",
	    (int)sig);
	r->stopping = 1;
	r->stop_deadline = mono_ns() + 10000000000ull;
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
	const char *catalog = r->o.catalog;
	char err[1024];
	uint64_t session;

	if (catalog == NULL && !*(catalog = sp_catalog_default(
					  SP_CATALOG_DEFAULT)))
		say(r, "no %s: the built-in attribute catalogue",
		    SP_CATALOG_DEFAULT);
	r->cat = sp_catalog_open(catalog, err, sizeof(err));
	if (r->cat == NULL) {
		say(r, "%s", err);
		return 2;
	}
	if (rec_spec_parse(&r->spec, r->o.keys, r->cat, err,
			   sizeof(err)) < 0) {
		say(r, "%s", err);
		return 2;
	}
	subp.cat = r->cat;
	if (mkdir(r->o.state, 0750) < 0 && errno != EEXIST) {
		say(r, "--state %s: %s", r->o.state, strerror(errno));
		return 1;
	}
	snprintf(r->wm_path, sizeof(r->wm_path), "%s/watermarks",
		 r->o.state);
	if (rec_table_init(&r->tab) < 0 ||
	    rec_table_load(&r->tab, r->wm_path, err, sizeof(err)) < 0) {
		say(r, "%s", err);
		return 1;
	}
	/* every key a previous run knew: what came after its watermark
	 * (a kill -9 leaves some unacknowledged) is read back first, also
	 * for sensors that have gone quiet since */
	for (uint32_t i = 0; i < r->tab.n; i++) {
		const struct sp_attr *a = sp_catalog_get(r->cat,
							 r->tab.keys[i].attr);

		r->tab.keys[i].name = a ? a->name : "unknown";
		queue_push(r, i);
	}
	r->ctl = sp_ctl_open(r->o.control, err, sizeof(err));
	if (r->ctl == NULL) {
		say(r, "%s", err);
		return 1;
	}
	session = rec_subs_session(r->ctl, err, sizeof(err));
	if (session == 0) {
		say(r, "%s", err);
		return 1;
	}
	if (rec_table_session(&r->tab, session))
		say(r, "the dataplane restarted since %s was written: "
		    "versions start again", r->wm_path);
	r->base = event_base_new();
	r->subs = rec_subs_create(&subp);
	if (r->base == NULL || r->subs == NULL) {
		say(r, "out of memory");
		return 1;
	}
	r->store = rec_store_create(r->base, r->o.store, 10, err,
				    sizeof(err));
	if (r->store == NULL) {
		say(r, "%s", err);
		return 2;
	}
	if (rec_subs_viewer(r->subs, r->ctl, err, sizeof(err)) < 0) {
		say(r, "%s", err);
		return 1;
	}
	r->spl = senseplane_create(&sp);
	if (r->spl == NULL || senseplane_join(r->spl, r->o.lens) < 0) {
		say(r, "lens %s: %s", r->o.lens, r->spl ?
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
		say(r, "out of memory");
		return 1;
	}
	struct timeval tick = { 0, TICK_MS * 1000 };

	event_add(r->ev_spl, NULL);
	event_add(r->ev_tick, &tick);
	event_add(r->ev_int, NULL);
	event_add(r->ev_term, NULL);
	say(r, "recording %s from %s (session %016" PRIx64 ") on lens %s "
	    "into %s; %u keys known from %s", r->o.keys, r->o.control,
	    session, r->o.lens, r->o.store, r->tab.n, r->wm_path);
	return 0;
}

static void finish(struct rec *r)
{
	char err[512];

	if (r->tab.n && rec_table_save(&r->tab, r->wm_path, err,
				       sizeof(err)) < 0)
		say(r, "%s", err);
	if (r->base)
		write_stats(r, mono_ns());
	if (r->stopping && (r->flight_pending || rec_batch_samples(&r->fill)))
		say(r, "%zu samples not acknowledged by the store: the next "
		    "run reads them from history", buffered(r));
	if (r->stopping && r->ctl && !r->o.keep_viewer &&
	    rec_subs_viewer_rm(r->subs, r->ctl, err, sizeof(err)) < 0)
		say(r, "%s", err);
	say(r, "%" PRIu64 " samples recorded, %" PRIu64 " from history, %"
	    PRIu64 " lost, %.2f CPU s", r->f.recorded, r->f.filled, r->f.lost,
	    cpu_s());
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
	if (r->base)
		event_base_free(r->base);
	sp_ctl_close(r->ctl);
	rec_table_free(&r->tab);
	rec_batch_free(&r->fill);
	rec_batch_free(&r->flight);
	rec_buf_free(&r->body);
	free(r->queue);
	sp_catalog_free(r->cat);
}

int main(int argc, char **argv)
{
	static struct rec r;
	int rc;

	if (parse_opts(&r.o, argc, argv) < 0)
		return 2;
	rec_batch_init(&r.fill);
	rec_batch_init(&r.flight);
	rc = start(&r);
	if (rc == 0) {
		event_base_dispatch(r.base);
		rc = r.exit_code;
	}
	finish(&r);
	return rc;
}
