/*
 * dp_requests.c - the control protocol's requests (see dp_requests.h).
 */
#include "dp_requests.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stdarg.h>

#include <rte_ethdev.h>

#include "dp_feed.h"
#include "dp_figures.h"
#include "dp_joins.h"
#include "dp_keyring.h"
#include "dp_pages.h"
#include "dp_sockdrops.h"
#include "sp_addr.h"
#include "sp_args.h"
#include "sp_level.h"

typedef json_t *(*handler_fn)(struct dp_ctl *ctl, int argc, char **argv);

/* {"ok": false, "error": MSG, "code": CODE} */
static json_t *failure(const char *code, const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	return json_pack("{s:b, s:s, s:s}", "ok", 0, "error", msg, "code",
			 code);
}

json_t *dp_requests_fail(const char *fmt, ...)
{
	va_list ap;
	json_t *r;

	va_start(ap, fmt);
	r = failure("refused", fmt, ap);
	va_end(ap);
	return r;
}

json_t *dp_requests_usage(const char *fmt, ...)
{
	va_list ap;
	json_t *r;

	va_start(ap, fmt);
	r = failure("usage", fmt, ap);
	va_end(ap);
	return r;
}


static json_t *ok(void)
{
	return json_pack("{s:b}", "ok", 1);
}

/* "SENSOR" or "SENSOR/ATTR": sp_args_key with this dataplane's catalogue. */
static json_t *parse_key(struct dp_ctl *ctl, const char *arg,
			 uint64_t *sensor, uint16_t *attr, int need_attr)
{
	char err[256];

	if (sp_args_key(ctl->sh->cat, arg, sensor, attr, need_attr, err,
			sizeof(err)) < 0)
		return dp_requests_usage("%s", err);
	return NULL;
}

static const char *attr_name(const struct dp_ctl *ctl, uint16_t id)
{
	const struct sp_attr *a = id ? sp_catalog_get(ctl->sh->cat, id) : NULL;

	return a ? a->name : id ? "?" : "*";
}

static json_t *h_ping(struct dp_ctl *ctl, int argc, char **argv)
{
	json_t *sessions = json_array();
	struct dp_pages pg;
	char session[20], pages[96];

	(void)argc;
	(void)argv;
	/* each worker's feeds carry their own session (PROTOCOL.md 2) */
	for (unsigned int w = 0; w < ctl->sh->nworkers; w++) {
		snprintf(session, sizeof(session), "%016" PRIx64,
			 dp_feed_session(ctl->sh->session, w));
		json_array_append_new(sessions, json_string(session));
	}
	snprintf(session, sizeof(session), "%016" PRIx64,
		 dp_feed_session(ctl->sh->session, 0));
	dp_pages_get(&pg);
	return json_pack("{s:b, s:s, s:s, s:o, s:i, s:i, s:{s:s, s:I, s:I}}",
			 "ok", 1, "version", SP_VERSION_STR, "session", session,
			 "sessions", sessions, "workers", ctl->sh->nworkers,
			 "port", ctl->sh->port_id, "memory", "pages",
			 dp_pages_describe(&pg, pages, sizeof(pages)),
			 "page_bytes", (json_int_t)pg.page_sz,
			 "bytes", (json_int_t)pg.total);
}

static json_t *viewer_json(const struct dp_viewer *v)
{
	struct in_addr a = { .s_addr = htonl(v->ip) };
	char dest[40];

	snprintf(dest, sizeof(dest), "%s:%u", inet_ntoa(a), v->port);
	return json_pack("{s:s, s:s, s:s, s:i, s:i, s:b}", "name", v->name,
			 "dest", dest, "level", sp_level_name(v->level),
			 "feed", v->feed_id, "subs", v->nsubs,
			 "record", v->record);
}

static json_t *h_viewer(struct dp_ctl *ctl, int argc, char **argv)
{
	struct sp_viewer_args va;
	char err[256];
	json_t *list;
	int rc;

	if (argc >= 2 && strcmp(argv[1], "ls") == 0) {
		list = json_array();
		for (uint32_t i = 0; i < dp_model_viewer_slots(ctl->model); i++) {
			const struct dp_viewer *v =
				dp_model_viewer_at(ctl->model, i);

			if (v)
				json_array_append_new(list, viewer_json(v));
		}
		return json_pack("{s:b, s:o}", "ok", 1, "viewers", list);
	}
	if (argc == 3 && strcmp(argv[1], "rm") == 0) {
		if (dp_model_viewer_rm(ctl->model, argv[2], err,
				       sizeof(err)) < 0)
			return dp_requests_fail("%s", err);
		return ok();
	}
	if (sp_args_viewer_add(argc, argv, &va, err, sizeof(err)) < 0)
		return dp_requests_usage("%s", err);
	rc = (va.record ? dp_model_recorder_add : dp_model_viewer_add)(
		ctl->model, va.name, va.ip, va.port,
		va.have_mac ? va.mac : NULL, va.level, dp_ctl_now(ctl), err,
		sizeof(err));
	if (rc < 0)
		return dp_requests_fail("%s", err);
	return json_pack("{s:b, s:o}", "ok", 1, "viewer",
			 viewer_json(dp_model_viewer_find(ctl->model, argv[2])));
}

/* Subscriptions asked about in one DP_Q_ROUTED query: a hash lookup and
 * a few short lists each, about 0.2 ms of a worker's loop turn for 1 024
 * (a `sensors` page is 20 000 positions). Static: a worker that answers
 * after the control thread gave up waiting reads memory still there. */
#define ROUTED_BATCH 1024
static struct dp_sub_ref routed_refs[ROUTED_BATCH];

/* Set "routed" (and "refused": the pool) on the @p n subscriptions of
 * @p objs from the workers' answers for @p refs. One that no worker
 * answers for has its sensor in no table: the sensors pool refused it.
 * @return 0, or -1 with @p err set. */
static int mark_routed(struct dp_ctl *ctl, json_t **objs, uint32_t n,
		       char *err, size_t errlen)
{
	struct dp_query q = { .kind = DP_Q_ROUTED, .n = n,
			      .subs = routed_refs };
	uint8_t pool[ROUTED_BATCH];
	json_t *r, *part, *pair;
	size_t i, j;

	memset(pool, DP_POOL_SENSORS, n);
	r = dp_ctl_query(ctl, &q, 0, err, errlen);
	if (r == NULL)
		return -1;
	json_array_foreach(r, i, part)
		json_array_foreach(part, j, pair) {
			json_int_t idx = json_integer_value(
					json_array_get(pair, 0));

			if (idx >= 0 && idx < (json_int_t)n)
				pool[idx] = (uint8_t)json_integer_value(
						json_array_get(pair, 1));
		}
	json_decref(r);
	for (uint32_t k = 0; k < n; k++) {
		json_object_set_new(objs[k], "routed", json_boolean(!pool[k]));
		if (pool[k])
			json_object_set_new(objs[k], "refused", json_string(
					    dp_pool_name(pool[k])));
	}
	return 0;
}

/* sub ls [VIEWER]: each subscription, and whether the workers could make
 * everything it needs (its sensor, lens, interest, routes). A worker that
 * does not answer leaves the rest without "routed", and the answer says
 * why in "routed_error": the list itself is the model's, always whole. */
static json_t *sub_ls(struct dp_ctl *ctl, int argc, char **argv)
{
	static json_t *batch[ROUTED_BATCH];
	uint64_t now = dp_ctl_now(ctl);
	json_t *list = json_array();
	uint32_t n = 0;
	char err[256] = "";

	for (uint32_t i = 0; i < dp_model_sub_slots(ctl->model); i++) {
		const struct dp_sub *s = dp_model_sub_at(ctl->model, i);
		const struct dp_viewer *v;
		json_t *o;

		if (!s)
			continue;
		v = dp_model_viewer_at(ctl->model, s->viewer);
		if (argc >= 3 && strcmp(v->name, argv[2]) != 0)
			continue;
		o = json_pack("{s:s, s:I, s:s, s:s, s:I}", "viewer", v->name,
			      "sensor", (json_int_t)s->sensor_id,
			      "attr", attr_name(ctl, s->attr_id),
			      "level", sp_level_name(s->level), "ttl_ms",
			      (json_int_t)(s->expires_ns > now ?
					   (s->expires_ns - now) / 1000000 :
					   0));
		json_array_append_new(list, o);
		if (err[0])
			continue;
		routed_refs[n] = (struct dp_sub_ref){ .sensor = s->sensor_id,
			.feed = v->feed_id, .attr = s->attr_id };
		batch[n++] = o;
		if (n == ROUTED_BATCH) {
			mark_routed(ctl, batch, n, err, sizeof(err));
			n = 0;
		}
	}
	if (n && !err[0])
		mark_routed(ctl, batch, n, err, sizeof(err));
	if (err[0])
		return json_pack("{s:b, s:o, s:s}", "ok", 1, "subs", list,
				 "routed_error", err);
	return json_pack("{s:b, s:o}", "ok", 1, "subs", list);
}

static json_t *h_sub(struct dp_ctl *ctl, int argc, char **argv)
{
	uint64_t now = dp_ctl_now(ctl);
	struct sp_sub_args sa;
	char err[256];

	if (argc >= 2 && strcmp(argv[1], "ls") == 0)
		return sub_ls(ctl, argc, argv);
	if (sp_args_sub(ctl->sh->cat, argc, argv, &sa, err,
			sizeof(err)) < 0)
		return dp_requests_usage("%s", err);
	if (strcmp(argv[1], "rm") == 0) {
		if (dp_model_sub_rm(ctl->model, sa.viewer, sa.sensor, sa.attr,
				    err, sizeof(err)) < 0)
			return dp_requests_fail("%s", err);
		return ok();
	}
	if (dp_model_sub_add(ctl->model, sa.viewer, sa.sensor, sa.attr,
			     sa.level, sa.ttl_ms, now, err, sizeof(err)) < 0)
		return dp_requests_fail("%s", err);
	return json_pack("{s:b, s:i}", "ok", 1, "sensor_feed",
			 dp_model_sensor_feed(ctl->model, sa.sensor));
}

static json_t *h_pin(struct dp_ctl *ctl, int argc, char **argv)
{
	int on = strcmp(argv[0], "pin") == 0, rc;
	uint64_t sensor;

	if (argc != 2 || sp_args_u64(argv[1], &sensor) < 0 || sensor == 0)
		return dp_requests_usage("%s", sp_args_usage(argv[0]));
	rc = dp_model_pin(ctl->model, sensor, on);
	if (rc == -EEXIST)
		return dp_requests_fail("sensor %s is pinned already", argv[1]);
	if (rc == -ENOENT)
		return dp_requests_fail("sensor %s is not pinned", argv[1]);
	if (rc < 0)
		return dp_requests_fail("pins pool full (%u pins)",
					dp_model_pin_slots(ctl->model));
	return ok();
}

static json_t *h_pins(struct dp_ctl *ctl, int argc, char **argv)
{
	json_t *list = json_array();

	(void)argc;
	(void)argv;
	for (uint32_t i = 0; i < dp_model_pin_slots(ctl->model); i++) {
		uint64_t s = dp_model_pin_at(ctl->model, i);

		if (s)
			json_array_append_new(list, json_integer((json_int_t)s));
	}
	return json_pack("{s:b, s:o}", "ok", 1, "pins", list);
}

static json_t *h_attention(struct dp_ctl *ctl, int argc, char **argv)
{
	struct dp_query q = { .kind = DP_Q_ATTENTION };
	char err[256];
	json_t *e, *r, *sub;
	size_t i;

	if (argc != 2)
		return dp_requests_usage("%s", sp_args_usage(argv[0]));
	e = parse_key(ctl, argv[1], &q.sensor_id, &q.attr_id, 0);
	if (e)
		return e;
	r = dp_ctl_query(ctl, &q, q.sensor_id, err, sizeof(err));
	if (r == NULL)
		return dp_requests_fail("%s", err);
	/* the workers know lenses by feed id: name their viewers */
	json_array_foreach(json_object_get(json_array_get(r, 0), "subs"), i,
			   sub) {
		json_int_t feed = json_integer_value(json_object_get(sub,
								     "feed"));

		for (uint32_t v = 0; feed &&
		     v < dp_model_viewer_slots(ctl->model); v++) {
			const struct dp_viewer *vw =
				dp_model_viewer_at(ctl->model, v);

			if (vw && vw->feed_id == feed)
				json_object_set_new(sub, "viewer",
						    json_string(vw->name));
		}
	}
	e = json_pack("{s:b, s:O}", "ok", 1, "attention", json_array_get(r, 0));
	json_decref(r);
	return e;
}

static json_t *h_sensors(struct dp_ctl *ctl, int argc, char **argv)
{
	struct dp_query q = { .kind = DP_Q_SENSORS, .n = 1000 };
	json_t *r, *flat = json_array(), *part;
	uint64_t limit, from = 0;
	char err[256];
	size_t i;

	if (argc >= 2) {
		if (sp_args_u64(argv[1], &limit) < 0 || limit == 0 ||
		    (argc >= 3 && sp_args_u64(argv[2], &from) < 0) ||
		    (argc >= 4 && strcmp(argv[3], "brief") != 0 &&
		     strcmp(argv[3], "attrs") != 0) || argc > 4) {
			json_decref(flat);
			return dp_requests_usage("%s",
						 sp_args_usage(argv[0]));
		}
		q.brief = argc == 4 && strcmp(argv[3], "brief") == 0;
		q.attrs = argc == 4 && !q.brief;
		/* a page is at most 20 000 table positions per worker */
		q.n = (uint32_t)RTE_MIN(limit, 20000u);
		q.from = (uint32_t)RTE_MIN(from, (uint64_t)UINT32_MAX);
	}
	r = dp_ctl_query(ctl, &q, 0, err, sizeof(err));
	if (r == NULL) {
		json_decref(flat);
		return dp_requests_fail("%s", err);
	}
	json_array_foreach(r, i, part)
		json_array_extend(flat, part);
	json_decref(r);
	return json_pack("{s:b, s:o, s:b, s:I}", "ok", 1,
			 q.brief ? "brief" : q.attrs ? "attrs" : "sensors", flat,
			 "more", ctl->last_more, "next",
			 (json_int_t)(q.from + q.n));
}

static json_t *h_history(struct dp_ctl *ctl, int argc, char **argv)
{
	struct dp_query q = { .kind = DP_Q_HISTORY };
	uint64_t a = 0, b = 0;
	char err[256];
	json_t *e, *r, *res;

	if (argc < 4)
		goto usage;
	e = parse_key(ctl, argv[1], &q.sensor_id, &q.attr_id, 1);
	if (e)
		return e;
	if (strcmp(argv[2], "last") == 0 && argc == 4 &&
	    sp_args_u64(argv[3], &a) == 0 && a > 0) {
		q.n = (uint32_t)RTE_MIN(a, 4096u);
	} else if (strcmp(argv[2], "since") == 0 && argc == 4 &&
		   sp_args_u64(argv[3], &a) == 0) {
		q.by_range = 1;
		q.to_ns = UINT64_MAX;
		q.from_ns = dp_ctl_now(ctl) - a * 1000000ull;
	} else if (strcmp(argv[2], "range") == 0 && argc == 5 &&
		   sp_args_u64(argv[3], &a) == 0 && sp_args_u64(argv[4], &b) == 0 &&
		   a <= b) {
		q.by_range = 1;
		q.from_ns = a;
		q.to_ns = b;
	} else if (strcmp(argv[2], "after") == 0 && argc == 4 &&
		   sp_args_u64(argv[3], &a) == 0) {
		/* versions count from 1: the samples after the a-th are
		 * those from index a on */
		q.by_range = 2;
		q.from_ns = a;
	} else {
		goto usage;
	}
	r = dp_ctl_query(ctl, &q, q.sensor_id, err, sizeof(err));
	if (r == NULL)
		return dp_requests_fail("%s", err);
	res = json_pack("{s:b, s:O}", "ok", 1, "history", json_array_get(r, 0));
	json_decref(r);
	return res;
usage:
	return dp_requests_usage("%s", sp_args_usage(argv[0]));
}

static json_t *flags_json(uint32_t flags)
{
	json_t *o = json_object();

	for (uint32_t b = 1; b <= DP_F_LAST; b <<= 1)
		if (dp_flag_parse(dp_flag_name(b)) == b)   /* not a spare bit */
			json_object_set_new(o, dp_flag_name(b),
					    json_boolean(flags & b));
	return o;
}

static json_t *h_flags(struct dp_ctl *ctl, int argc, char **argv)
{
	uint32_t flags = dp_model_flags(ctl->model), bit;

	if (argc == 1)
		return json_pack("{s:b, s:o}", "ok", 1, "flags",
				 flags_json(flags));
	if (argc != 4 || strcmp(argv[1], "set") != 0 ||
	    !(bit = dp_flag_parse(argv[2])) ||
	    (strcmp(argv[3], "on") && strcmp(argv[3], "off")))
		return dp_requests_usage("%s", sp_args_usage(argv[0]));
	flags = strcmp(argv[3], "on") == 0 ? flags | bit : flags & ~bit;
	dp_model_set_flags(ctl->model, flags);
	return json_pack("{s:b, s:o}", "ok", 1, "flags", flags_json(flags));
}

/* The staleness histogram's non-empty buckets as [[bucket, count], ...]:
 * a reader that keeps two of them has the percentiles of the interval
 * between (senseplane top). */
static json_t *buckets_json(const struct sp_histo *h)
{
	json_t *a = json_array();

	for (unsigned int i = 0; i < SP_HISTO_BUCKETS && a; i++)
		if (h->b[i])
			json_array_append_new(a, json_pack("[i, I]", i,
						(json_int_t)h->b[i]));
	return a;
}

static json_t *out_json(const struct dp_out_stats *st, uint8_t shed)
{
	double ratio = st->samples ? (double)st->offered / (double)st->samples
				   : 0;
	int64_t saved = dp_out_bytes_saved(st);
	json_t *o;

	o = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:f, s:I, s:I, s:I,"
			 " s:f, s:f, s:f, s:I, s:I, s:I, s:I, s:I, s:I, s:i}",
		"msgs", (json_int_t)st->msgs,
		"samples", (json_int_t)st->samples,
		"offered", (json_int_t)st->offered,
		"conflated", (json_int_t)st->conflated,
		"unsent", (json_int_t)st->unsent,
		"overrun", (json_int_t)st->overrun,
		"conflation_ratio", ratio,
		"bytes", (json_int_t)st->bytes,
		"offered_bytes", (json_int_t)st->offered_bytes,
		"bytes_saved", (json_int_t)saved,
		"stale_p50_us", sp_histo_pct(&st->stale, 50) / 1000.0,
		"stale_p99_us", sp_histo_pct(&st->stale, 99) / 1000.0,
		"stale_max_us", st->stale.max_ns / 1000.0,
		"stale_count", (json_int_t)st->stale.count,
		"stale_sum_ns", (json_int_t)st->stale.sum_ns,
		"flushes", (json_int_t)st->flushes,
		"demotions", (json_int_t)st->demotions,
		"backfill_msgs", (json_int_t)st->backfill_msgs,
		"backfill_bytes", (json_int_t)st->backfill_bytes,
		"shed", shed);
	json_object_set_new(o, "stale_buckets", buckets_json(&st->stale));
	return o;
}

static json_t *h_stats(struct dp_ctl *ctl, int argc, char **argv)
{
	/* control thread only: static to keep 4 KiB histograms off the
	 * stack */
	static struct dp_out_stats by_level[SP_LEVEL_HIGH + 1];
	static struct dp_out_figures f;
	static struct sp_histo rxtx;   /* RX burst -> TX burst, all workers */
	json_t *lenses = json_object();
	const struct dp_shared *app = ctl->sh;
	json_t *totals = json_object(), *tiers = json_object();
	json_t *viewers = json_array(), *tables;
	struct dp_table_figures tf;
	struct dp_stats s;

	(void)argc;
	(void)argv;
	dp_stats_sum(app->stats, app->nworkers, &s);
	dp_stats_json(totals, &s);
	for (uint8_t l = 0; l <= SP_LEVEL_HIGH; l++) {
		dp_figures_tier(app->workers, app->nworkers, l, &f);
		json_object_set_new(tiers, l ? sp_level_name(l) : "broadcast",
				    out_json(&f.st, f.shed));
	}
	memset(by_level, 0, sizeof(by_level));
	for (uint32_t i = 0; i < dp_model_viewer_slots(ctl->model); i++) {
		const struct dp_viewer *v = dp_model_viewer_at(ctl->model, i);
		json_t *o;

		if (!v)
			continue;
		dp_figures_lens(app->workers, app->nworkers, v->feed_id, &f);
		o = out_json(&f.st, f.shed);
		dp_out_stats_add(&by_level[v->level], &f.st);
		json_object_set_new(o, "name", json_string(v->name));
		json_object_set_new(o, "level",
				    json_string(sp_level_name(v->level)));
		json_object_set_new(o, "subs", json_integer(v->nsubs));
		json_array_append_new(viewers, o);
	}
	dp_figures_tables(app->workers, app->nworkers, &tf);
	/* what every pool refused: the workers' and the model's */
	for (unsigned int p = DP_POOL_NONE + 1; p < DP_POOL__COUNT; p++) {
		char name[32];

		snprintf(name, sizeof(name), "refused_%s", dp_pool_name(p));
		json_object_set_new(totals, name, json_integer((json_int_t)(
				tf.refused[p] + dp_model_refused(ctl->model,
								 p))));
	}
	tables = json_pack("{s:I, s:I, s:i, s:i, s:I, s:I, s:I, s:I, s:I, "
			   "s:f, s:I, s:I}",
		"sensors", (json_int_t)s.sensors, "keys", (json_int_t)s.keys,
		"viewers", dp_model_nviewers(ctl->model),
		"subs", dp_model_nsubs(ctl->model),
		"routes", (json_int_t)tf.routes,
		"outs", (json_int_t)tf.outs,
		"routing_bytes", (json_int_t)tf.route_bytes,
		"history_bytes", (json_int_t)tf.history_bytes,
		"key_bytes", (json_int_t)sizeof(struct dp_key),
		"history_bytes_per_key", s.keys ? (double)tf.history_bytes /
						  (double)s.keys : 0.0,
		/* every mbuf out of the pool, and those the retransmit
		 * buffers hold of them: the rest is in flight or leaked */
		"mbufs_in_use",
		(json_int_t)rte_mempool_in_use_count(ctl->sh->pool),
		"mbufs_retransmit", (json_int_t)tf.rtx_mbufs);
	for (uint8_t l = SP_LEVEL_LOW; l <= SP_LEVEL_HIGH; l++)
		json_object_set_new(lenses, sp_level_name(l),
				    out_json(&by_level[l], 0));
	dp_figures_rxtx(app->workers, app->nworkers, &rxtx);
	json_object_update_new(totals, json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}",
		"rx_tx_count", (json_int_t)rxtx.count,
		"rx_tx_sum_ns", (json_int_t)rxtx.sum_ns,
		"rx_tx_p50_ns", (json_int_t)sp_histo_pct(&rxtx, 50),
		"rx_tx_p99_ns", (json_int_t)sp_histo_pct(&rxtx, 99),
		"rx_tx_p999_ns", (json_int_t)sp_histo_pct(&rxtx, 99.9),
		"rx_tx_max_ns", (json_int_t)rxtx.max_ns));
	json_object_update_new(totals, json_pack("{s:i, s:i, s:I}",
		"link_up", (int)__atomic_load_n(&ctl->sh->link.up,
						__ATOMIC_ACQUIRE),
		"link_speed_mbps", (int)ctl->sh->link.speed_mbps,
		"link_changes", (json_int_t)__atomic_load_n(
				&ctl->sh->link.changes, __ATOMIC_ACQUIRE)));
	/* what the port dropped before a worker saw it (a full RX ring, no
	 * mbuf): counted by the device, so a load the workers could not take
	 * is never a silent loss */
	{
		struct rte_eth_stats es;

		if (rte_eth_stats_get(ctl->sh->port_id, &es) == 0)
			json_object_update_new(totals, json_pack(
				"{s:I, s:I, s:I, s:I}",
				"port_ipackets", (json_int_t)es.ipackets,
				"port_imissed", (json_int_t)es.imissed,
				"port_ierrors", (json_int_t)es.ierrors,
				"port_rx_nombuf", (json_int_t)es.rx_nombuf));
	}
	/* and what the kernel dropped on an af_packet port's sockets, which
	 * that driver does not report (dp_sockdrops.h) */
	{
		static struct dp_sockdrops kd;   /* control thread only */

		dp_sockdrops_read(&kd);
		json_object_update_new(totals, json_pack("{s:I, s:I, s:I}",
			"port_kernel_drops", (json_int_t)kd.drops,
			/* what the kernel queued to the port's rings (the
			 * dropped included): a test knows the rings are
			 * drained when the port has read all the rest */
			"port_kernel_packets", (json_int_t)kd.packets,
			"port_kernel_sockets", (json_int_t)kd.sockets));
	}
	/* two answers give the percentiles of the time between (latency.sh) */
	json_object_set_new(totals, "rx_tx_buckets", buckets_json(&rxtx));
	return json_pack("{s:b, s:i, s:o, s:o, s:o, s:o, s:o, s:o, s:I}",
			 "ok", 1, "workers", app->nworkers, "totals", totals,
			 "tiers", tiers, "lenses", lenses, "viewers", viewers,
			 "tables", tables,
			 "flags", flags_json(dp_model_flags(ctl->model)),
			 "mbox_full", (json_int_t)ctl->mbox_full);
}

static json_t *h_feeds(struct dp_ctl *ctl, int argc, char **argv)
{
	const struct sp_config *cfg = ctl->sh->cfg;
	json_t *list = json_array();
	struct in_addr a;
	uint64_t *seen;
	char dest[40];

	(void)argc;
	(void)argv;
#define FEED(id, kind, ip, name) do { \
		a.s_addr = htonl(ip); \
		snprintf(dest, sizeof(dest), "%s:%u", inet_ntoa(a), \
			 cfg->feed_port); \
		json_array_append_new(list, json_pack("{s:i, s:s, s:s, s:s}", \
			"feed", id, "kind", kind, "dest", dest, "name", name)); \
	} while (0)
	FEED(0, "broadcast", cfg->feed_group, "broadcast");
	FEED(1, "tier", cfg->tier_group + 1, "low");
	FEED(2, "tier", cfg->tier_group + 2, "medium");
	FEED(3, "tier", cfg->tier_group + 3, "high");
	/* one entry per sensor feed, however many subscriptions share it:
	 * feed ids are 16 bits, so a bit per id marks those listed (one
	 * pass over the subscriptions, whatever the list holds) */
	seen = calloc(65536 / 64, sizeof(*seen));
	if (seen == NULL) {
		json_decref(list);
		return dp_requests_fail("out of memory");
	}
	for (uint32_t i = 0; i < dp_model_sub_slots(ctl->model); i++) {
		const struct dp_sub *s = dp_model_sub_at(ctl->model, i);
		uint16_t f;
		char name[32];

		if (!s)
			continue;
		f = dp_model_sensor_feed(ctl->model, s->sensor_id);
		if (f == 0 || (seen[f / 64] >> (f % 64) & 1))
			continue;
		seen[f / 64] |= 1ull << (f % 64);
		snprintf(name, sizeof(name), "sensor %" PRIu64, s->sensor_id);
		FEED(f, "sensor", cfg->sensor_group | f, name);
	}
	free(seen);
#undef FEED
	for (uint32_t i = 0; i < dp_model_viewer_slots(ctl->model); i++) {
		const struct dp_viewer *v = dp_model_viewer_at(ctl->model, i);
		json_t *o;

		if (!v)
			continue;
		o = viewer_json(v);
		json_object_set_new(o, "kind", json_string("lens"));
		json_array_append_new(list, o);
	}
	return json_pack("{s:b, s:o}", "ok", 1, "feeds", list);
}

static json_t *loss_json(struct dp_ctl *ctl)
{
	struct dp_loss l;

	dp_figures_loss(ctl->sh->workers, ctl->sh->nworkers, &l);
	return json_pack("{s:b, s:f, s:f, s:f, s:i, s:i, s:I, s:I, s:I, s:I,"
			 " s:I}",
		"ok", 1, "drop", l.drop_ppm / 1e6, "dup", l.dup_ppm / 1e6,
		"reorder", l.reorder_ppm / 1e6, "burst_left", l.burst,
		"feed", l.feed, "dropped", (json_int_t)l.dropped,
		"dropped_msgs", (json_int_t)l.dropped_msgs,
		"dropped_bytes", (json_int_t)l.dropped_bytes,
		"duped", (json_int_t)l.duped,
		"reordered", (json_int_t)l.reordered);
}

/* loss [set drop=F dup=F reorder=F burst=N seed=N feed=ID|all]: tests. */
static json_t *h_loss(struct dp_ctl *ctl, int argc, char **argv)
{
	struct dp_cmd c = { .op = DP_CMD_LOSS, .flags = 65536, .sensor_id = 1 };
	double frac[3] = { 0, 0, 0 };
	static const char *const names[] = { "drop=", "dup=", "reorder=" };

	if (argc == 1)
		return loss_json(ctl);
	if (strcmp(argv[1], "set") != 0)
		goto usage;
	for (int i = 2; i < argc; i++) {
		uint64_t v;
		int done = 0;

		for (int k = 0; k < 3 && !done; k++) {
			size_t n = strlen(names[k]);
			char *end;

			if (strncmp(argv[i], names[k], n) == 0) {
				frac[k] = strtod(argv[i] + n, &end);
				if (*end || frac[k] < 0 || frac[k] > 1)
					goto usage;
				done = 1;
			}
		}
		if (done)
			continue;
		if (strncmp(argv[i], "burst=", 6) == 0 &&
		    sp_args_u64(argv[i] + 6, &v) == 0 && v < (1u << 30))
			c.arg[3] = (uint32_t)v;
		else if (strncmp(argv[i], "seed=", 5) == 0 &&
			 sp_args_u64(argv[i] + 5, &v) == 0)
			c.sensor_id = v;
		else if (strcmp(argv[i], "feed=all") == 0)
			c.flags = 65536;
		else if (strncmp(argv[i], "feed=", 5) == 0 &&
			 sp_args_u64(argv[i] + 5, &v) == 0 && v < 65536)
			c.flags = (uint32_t)v;
		else
			goto usage;
	}
	if (frac[0] + frac[1] + frac[2] > 1)
		return dp_requests_fail("drop + dup + reorder must not exceed 1");
	for (int k = 0; k < 3; k++)
		c.arg[k] = (uint32_t)(frac[k] * 1e6 + 0.5);
	dp_ctl_post_all(ctl, &c);
	usleep(2000);   /* applied within a loop turn; report after it */
	return loss_json(ctl);
usage:
	return dp_requests_usage("%s", sp_args_usage(argv[0]));
}

/* keys: what is loaded; keys reload: the file again (dp_keyring). */
static json_t *h_keys(struct dp_ctl *ctl, int argc, char **argv)
{
	struct dp_shared *sh = ctl->sh;
	char err[300];
	size_t n;

	(void)argv;
	if (argc == 2 && dp_keyring_reload(sh, &n, err, sizeof(err)) < 0)
		return dp_requests_fail("keys not reloaded: %s", err);
	return json_pack("{s:b, s:s, s:I, s:I, s:I}", "ok", 1, "file",
			 sh->cfg->keys_file, "keys",
			 (json_int_t)dp_keyring_count(sh), "reloads",
			 (json_int_t)sh->key_reloads, "reload_errors",
			 (json_int_t)sh->key_reload_errors);
}

/* The feed a viewer reads at @p dest: a tier feed (1..3) or a sensor feed
 * (its id), which take leases; 0 for a feed that is always sent (the
 * broadcast feed, a lens); -1 for an address no feed goes to. */
static int lease_feed(struct dp_ctl *ctl, uint32_t ip, uint16_t port)
{
	const struct sp_config *cfg = ctl->sh->cfg;

	if (port == cfg->feed_port) {
		for (uint32_t l = SP_LEVEL_LOW; l <= SP_LEVEL_HIGH; l++)
			if (ip == cfg->tier_group + l)
				return (int)l;
		if ((ip & 0xffff0000u) == cfg->sensor_group &&
		    (ip & 0xffff) >= DP_FEED_FIRST_DYNAMIC)
			return (int)(ip & 0xffff);
		if (ip == cfg->feed_group)
			return 0;
	}
	for (uint32_t i = 0; i < dp_model_viewer_slots(ctl->model); i++) {
		const struct dp_viewer *v = dp_model_viewer_at(ctl->model, i);

		if (v && v->ip == ip && v->port == port)
			return 0;
	}
	return -1;
}

/* join GROUP:PORT [ttl=MS] | leave GROUP:PORT | joins */
static json_t *h_join(struct dp_ctl *ctl, int argc, char **argv)
{
	uint64_t now = dp_ctl_now(ctl), ttl = 3000;
	struct dp_joins *j = ctl->joins;
	json_t *list;
	uint32_t ip;
	uint16_t port;
	int f;

	if (strcmp(argv[0], "joins") == 0) {
		list = json_array();
		for (uint32_t i = 0; i < j->n; i++)
			json_array_append_new(list, json_pack("{s:i, s:I}",
				"feed", j->lease[i].feed_id, "ttl_ms",
				(json_int_t)dp_joins_left_ms(j,
					j->lease[i].feed_id, now)));
		return json_pack("{s:b, s:b, s:o, s:I, s:I, s:I}", "ok", 1,
			"consumed", !!(dp_model_flags(ctl->model) &
				       DP_F_CONSUMED), "joins", list,
			"joined", (json_int_t)j->joins, "lapsed",
			(json_int_t)j->lapses, "refused",
			(json_int_t)j->refused);
	}
	sp_addr_parse(argv[1], &ip, &port, 0);   /* checked by sp_args */
	if (argc == 3)
		ttl = strtoull(argv[2] + 4, NULL, 10);
	f = lease_feed(ctl, ip, port);
	if (f < 0)
		return dp_requests_fail("no feed goes to %s", argv[1]);
	if (f == 0)   /* always sent: nothing to lease */
		return json_pack("{s:b, s:n, s:b}", "ok", 1, "feed",
				 "always", 1);
	if (strcmp(argv[0], "leave") == 0) {
		dp_joins_leave(j, (uint16_t)f);
		return json_pack("{s:b, s:i}", "ok", 1, "feed", f);
	}
	if (dp_joins_join(j, (uint16_t)f, (uint32_t)ttl, now) < 0)
		return dp_requests_fail("%u feeds hold leases already: no "
					"room for %s", DP_JOINS_MAX, argv[1]);
	return json_pack("{s:b, s:i, s:b, s:I}", "ok", 1, "feed", f,
			 "always", 0, "ttl_ms", (json_int_t)ttl);
}

/* What serves each request of the protocol's one table (common/sp_args.c,
 * where their words, checks, usage and help are): "watch" is the control
 * socket's own (dp_ctl.c), "help" lists the table. */
static const handler_fn handlers[SP_VERB_N] = {
	[SP_VERB_PING] = h_ping,
	[SP_VERB_VIEWER] = h_viewer,
	[SP_VERB_SUB] = h_sub,
	[SP_VERB_PIN] = h_pin,
	[SP_VERB_UNPIN] = h_pin,
	[SP_VERB_PINS] = h_pins,
	[SP_VERB_ATTENTION] = h_attention,
	[SP_VERB_SENSORS] = h_sensors,
	[SP_VERB_HISTORY] = h_history,
	[SP_VERB_FLAGS] = h_flags,
	[SP_VERB_STATS] = h_stats,
	[SP_VERB_FEEDS] = h_feeds,
	[SP_VERB_LOSS] = h_loss,
	[SP_VERB_KEYS] = h_keys,
	[SP_VERB_JOIN] = h_join,
	[SP_VERB_LEAVE] = h_join,
	[SP_VERB_JOINS] = h_join,
};

/* help: every request, its usage and what it does */
static json_t *help(void)
{
	json_t *list = json_array();
	char line[512];

	for (int i = 0; i < SP_VERB_N; i++) {
		const char *h = sp_args_verb_help((enum sp_verb)i);

		snprintf(line, sizeof(line), "%s%s%s",
			 sp_args_verb_usage((enum sp_verb)i), h[0] ? ": " : "",
			 h);
		json_array_append_new(list, json_string(line));
	}
	return json_pack("{s:b, s:o}", "ok", 1, "requests", list);
}

json_t *dp_requests_handle(struct dp_ctl *ctl, int argc, char **argv)
{
	char err[256];
	int v;

	/* one check of the words for every path (common/sp_args.h) */
	if (sp_args_check(ctl->sh->cat, argc, argv, err, sizeof(err)) !=
	    SP_ARGS_OK)
		return dp_requests_usage("%s", err);
	v = sp_args_verb(argv[0]);   /* known: sp_args_check said so */
	if (v >= 0 && handlers[v])
		return handlers[v](ctl, argc, argv);
	return help();
}
