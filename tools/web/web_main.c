/*
 * web_main.c - senseplane-web: serves the browser dashboard (www/) and a
 * WebSocket per tab (libwebsockets). The gateway is one viewer of the
 * dataplane with one lens: each key at the highest level any tab asks
 * (web_agg.c), each message fanned out to the tabs that have its key at
 * their own levels, into each tab's bounded queue (web_tab.c). What the
 * page has on screen sets a tab's levels (web_lens.c). Control calls and
 * the key list run on their own thread (web_ctl.c); this thread is
 * libwebsockets' loop, with the lens' descriptor behind an epoll
 * descriptor that the loop watches, and a 5 ms timer for hovers that
 * lapse, messages held for their cadence, and re-requests.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <libwebsockets.h>

#include "senseplane.h"
#include "sp_addr.h"
#include "sp_catalog.h"
#include "sp_log.h"
#include "sp_notify.h"
#include "sp_time.h"
#include "web_agg.h"
#include "web_ctl.h"
#include "web_msg.h"
#include "web_tab.h"

#ifndef SP_WWW_DEFAULT
#define SP_WWW_DEFAULT "/usr/share/senseplane/web"
#endif
#define RX_MAX 65536            /* a page's frame, at most */
#define TICK_US 5000
#define OPS_MAX 4096

struct web_gw {
	struct lws_context *ctx;
	struct sp_catalog cat;
	struct web_tab_params tp;
	struct web_tab_env te;          /* what each tab is told */
	int epfd;
	uint32_t next_id, ntabs, max_tabs;
	uint64_t now, next_stats, next_wd, end;
	lws_sorted_usec_list_t sul;
	struct senseplane *rx;          /* the lens (or, --fanout, the
					 * broadcast feed) */
	struct web_agg *agg;            /* keys: the max over the tabs */
	struct web_ctl *ctl;            /* control calls, the key list */
	char viewer[32], lens[64];
	uint64_t first, last;           /* --sensors */
	char attrs[256];                /* --attrs */
	struct web_msg *keys;           /* what the page lists: its frame */
	uint64_t keys_version, ctl_version;
	const char *stats_file;
	struct web_tab **tabs;
	struct web_tab **wlist;         /* tabs to ask a write for */
	uint32_t nwlist;
	int defer;                      /* reading the lens: asks wait */
	uint64_t opened, closed, refused, oversized, bad_binary;
	uint64_t agg_errors, rx_nomem;
	struct web_tab_stats gone;      /* of the tabs closed */
};

struct pss {
	struct web_tab *tab;
	char *rx;
	size_t rx_len;
};

static volatile sig_atomic_t g_stop;
static struct web_gw G;

/* Now, ns since the epoch: one clock for a whole loop turn. */
static uint64_t gw_now(const struct web_gw *g)
{
	return g->now ? g->now : sp_wall_ns();
}

/* A tab has frames for its browser (web_tab_env.want_write). */
static void tab_want_write(void *ctx, struct web_tab *t)
{
	struct web_gw *g = ctx;

	if (t->wsi == NULL || t->write_asked)
		return;
	if (!g->defer) {
		lws_callback_on_writable(t->wsi);
		return;
	}
	/* reading the lens: asked once per tab when the read is done, not
	 * once per message (each ask is a change of the tab's poll set) */
	t->write_asked = 1;
	g->wlist[g->nwlist++] = t;
}

/* The writes asked while reading the lens. */
static void flush_writes(struct web_gw *g)
{
	for (uint32_t i = 0; i < g->nwlist; i++) {
		g->wlist[i]->write_asked = 0;
		lws_callback_on_writable(g->wlist[i]->wsi);
	}
	g->nwlist = 0;
	g->defer = 0;
}

/* The changes of the gateway's levels go to the control thread. */
static void ask(struct web_gw *g)
{
	static struct web_agg_op ops[OPS_MAX];
	uint32_t n;

	while ((n = web_agg_changes(g->agg, ops, OPS_MAX, gw_now(g))))
		if (g->ctl)
			web_ctl_ask(g->ctl, ops, n);
}

/* A tab's levels changed (web_tab_env.levels): the gateway's follow. */
static void tab_levels(void *ctx, struct web_tab *t,
		       const struct web_op *ops, uint32_t n)
{
	struct web_gw *g = ctx;

	for (uint32_t i = 0; i < n; i++) {
		const struct sp_attr *a = sp_catalog_get(&g->cat, ops[i].attr);

		if (web_agg_set(g->agg, t, ops[i].sensor, ops[i].attr,
				ops[i].level, ops[i].ttl_ms,
				a && a->mode == SP_MODE_ALL, gw_now(g)) < 0)
			g->agg_errors++;
	}
	ask(g);
}

/* The fan-out's hands: a message to a tab's queue, references kept. */
static void agg_deliver(void *ctx, void *tab, void *msg, uint8_t level)
{
	(void)ctx;
	web_tab_deliver(tab, msg, level);
}

static void agg_hold(void *ctx, void *msg)
{
	(void)ctx;
	web_msg_ref(msg);
}

static void agg_release(void *ctx, void *msg)
{
	(void)ctx;
	web_msg_unref(msg);
}

/* A message from the dataplane: written once, to every tab that has its
 * key. */
static void rx_msg(void *ctx, const struct senseplane_msg *m)
{
	struct web_gw *g = ctx;
	struct web_msg *w = web_msg_make(m);

	if (w == NULL) {
		g->rx_nomem++;
		return;
	}
	web_agg_fan(g->agg, m->sensor_id, m->attr_id, w, gw_now(g));
	web_msg_unref(w);
}

/* --sensors F-L: those ids, each with the --attrs given, whatever they
 * send (a benchmark's fixed page). */
static json_t *range_keys(const struct web_gw *g)
{
	json_t *attrs = json_array(), *list = json_array();
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", g->attrs);
	for (char *a = strtok_r(buf, ",", &save); a;
	     a = strtok_r(NULL, ",", &save))
		json_array_append_new(attrs, json_string(a));
	for (uint64_t id = g->first; id <= g->last; id++)
		json_array_append_new(list, json_pack("[I, O]",
					(json_int_t)id, attrs));
	json_decref(attrs);
	return json_pack("{s:o, s:I, s:b}", "sensors", list, "total",
			 (json_int_t)(g->last - g->first + 1), "cut", 0);
}

/* Only the attributes of --attrs, when it was given without --sensors. */
static json_t *filter_keys(const struct web_gw *g, json_t *k)
{
	json_t *list, *row, *a, *out;
	size_t i, j;

	if (!g->attrs[0])
		return k;
	list = json_array();
	json_array_foreach(json_object_get(k, "sensors"), i, row) {
		json_t *keep = json_array();

		json_array_foreach(json_array_get(row, 1), j, a) {
			char pat[300];

			snprintf(pat, sizeof(pat), ",%s,", json_string_value(a));
			if (strstr(g->attrs, pat))
				json_array_append(keep, a);
		}
		if (json_array_size(keep))
			json_array_append_new(list, json_pack("[O, o]",
					json_array_get(row, 0), keep));
		else
			json_decref(keep);
	}
	out = json_pack("{s:o, s:O, s:O}", "sensors", list, "total",
			json_object_get(k, "total"), "cut",
			json_object_get(k, "cut"));
	json_decref(k);
	return out;
}

/* The key list for tab @p t, when it has not had this one. */
static void send_keys(struct web_gw *g, struct web_tab *t)
{
	if (g->keys == NULL || t->keys_version == g->keys_version)
		return;
	web_tab_control_msg(t, g->keys);
	t->keys_version = g->keys_version;
}

/* A newer key list (@p k, taken): its frame, written once for every
 * tab. */
static void new_keys(struct web_gw *g, json_t *k)
{
	struct web_msg *m;
	char *s;

	k = filter_keys(g, k);
	json_object_set_new(k, "t", json_string("keys"));
	s = json_dumps(k, JSON_COMPACT);
	json_decref(k);
	m = s ? web_msg_text(s, strlen(s)) : NULL;
	free(s);
	if (m == NULL)
		return;
	web_msg_unref(g->keys);
	g->keys = m;
	g->keys_version++;
	for (uint32_t i = 0; i < g->ntabs; i++)
		send_keys(g, g->tabs[i]);
}

static void add_stats(struct web_tab_stats *to,
		      const struct web_tab_stats *s)
{
	to->msgs_in += s->msgs_in;
	to->msgs_out += s->msgs_out;
	to->frames_out += s->frames_out;
	to->bytes_out += s->bytes_out;
	to->reports += s->reports;
	to->bad_frames += s->bad_frames;
	to->refused_reports += s->refused_reports;
	to->ctrl_dropped += s->ctrl_dropped;
	for (int l = 0; l <= WEB_HIGH; l++)
		to->dropped[l] += s->dropped[l];
}

static void write_stats(struct web_gw *g)
{
	struct web_tab_stats s = g->gone;
	struct web_ctl_stats c = { 0 };
	struct web_agg_stats a;
	uint64_t dropped = 0;
	char tmp[512];
	json_t *j;
	FILE *f;

	for (uint32_t i = 0; i < g->ntabs; i++)
		add_stats(&s, &g->tabs[i]->st);
	for (int l = 0; l <= WEB_HIGH; l++)
		dropped += s.dropped[l];
	web_agg_stats(g->agg, &a);
	if (g->ctl)
		web_ctl_stats(g->ctl, &c);
	j = json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I,"
		      " s:I, s:{s:I, s:I, s:I}, s:I, s:I, s:I, s:I, s:I}",
		"viewer", g->viewer, "lens", g->lens,
		"tabs", (json_int_t)g->ntabs, "opened", (json_int_t)g->opened,
		"closed", (json_int_t)g->closed,
		"refused_tabs", (json_int_t)g->refused,
		"msgs_in", (json_int_t)s.msgs_in,
		"msgs_out", (json_int_t)s.msgs_out,
		"frames_out", (json_int_t)s.frames_out,
		"bytes_out", (json_int_t)s.bytes_out,
		/* the oldest messages dropped from full tab queues */
		"shed", (json_int_t)dropped,
		"shed_by_level", "high", (json_int_t)s.dropped[WEB_HIGH],
		"medium", (json_int_t)s.dropped[WEB_MEDIUM],
		"low", (json_int_t)s.dropped[WEB_LOW],
		"ctrl_dropped", (json_int_t)s.ctrl_dropped,
		"reports", (json_int_t)s.reports,
		"bad_frames", (json_int_t)(s.bad_frames + g->bad_binary),
		"refused_reports", (json_int_t)s.refused_reports,
		"oversized", (json_int_t)g->oversized);
	json_object_set_new(j, "gateway", json_pack("{s:I, s:I, s:I, s:I,"
		" s:I, s:I, s:I}", "keys", (json_int_t)a.keys,
		"subs", (json_int_t)a.subs, "msgs", (json_int_t)a.fanned,
		"conflated", (json_int_t)a.conflated,
		"unwanted", (json_int_t)a.unwanted,
		"changes", (json_int_t)a.changes,
		"errors", (json_int_t)(g->agg_errors + g->rx_nomem)));
	json_object_set_new(j, "control", json_pack("{s:I, s:I, s:I, s:I,"
		" s:I, s:I, s:I, s:I, s:I}", "asked", (json_int_t)c.asked,
		"applied", (json_int_t)c.applied,
		"coalesced", (json_int_t)c.coalesced,
		"pending", (json_int_t)c.pending,
		"max_batch", (json_int_t)c.max_batch,
		"lists", (json_int_t)c.lists,
		"list_errors", (json_int_t)c.list_errors,
		"list_sensors", (json_int_t)c.list_sensors,
		"errors", (json_int_t)c.errors));
	/* attention errors: what the control thread could not apply */
	json_object_set_new(j, "attn_errors", json_integer((json_int_t)
			    (c.errors + g->agg_errors)));
	snprintf(tmp, sizeof(tmp), "%s.tmp", g->stats_file);
	f = fopen(tmp, "w");
	if (f) {
		json_dumpf(j, f, JSON_COMPACT);
		fputc('\n', f);
		fclose(f);
		rename(tmp, g->stats_file);
	}
	json_decref(j);
}

static void tick(lws_sorted_usec_list_t *sul)
{
	struct web_gw *g = lws_container_of(sul, struct web_gw, sul);
	json_t *k;

	g->now = sp_wall_ns();
	for (uint32_t i = 0; i < g->ntabs; i++)
		web_tab_tick(g->tabs[i], g->now);
	ask(g);
	g->defer = 1;
	web_agg_tick(g->agg, g->now);
	if (senseplane_pending(g->rx))
		senseplane_process(g->rx);
	flush_writes(g);
	if (g->ctl && (k = web_ctl_keys(g->ctl, &g->ctl_version)))
		new_keys(g, k);
	if (g->now >= g->next_wd) {   /* systemd's watchdog, while we turn */
		sp_notify_watchdog();
		g->next_wd = g->now + 1000000000ull;
	}
	if (g->stats_file && g->now >= g->next_stats) {
		write_stats(g);
		g->next_stats = g->now + 500000000ull;
	}
	if (g_stop || (g->end && g->now >= g->end)) {
		lws_cancel_service(g->ctx);
		g_stop = 1;
		return;
	}
	g->now = 0;
	lws_sul_schedule(g->ctx, 0, &g->sul, tick, TICK_US);
}

static int tab_open(struct web_gw *g, struct lws *wsi, struct pss *ps)
{
	struct web_tab *t;
	char err[256];

	if (g->ntabs == g->max_tabs) {
		g->refused++;
		return -1;
	}
	t = web_tab_create(&g->tp, &g->te, g->next_id++, err, sizeof(err));
	if (t == NULL) {
		sp_logf(stderr, LOG_WARNING, "senseplane-web: a tab refused: "
			"%s\n", err);
		g->refused++;
		return -1;
	}
	t->wsi = wsi;
	ps->tab = t;
	g->tabs[g->ntabs++] = t;
	g->opened++;
	web_tab_control(t, json_pack("{s:s, s:s, s:s, s:s, s:i, s:I}", "t",
		"hello", "tab", t->name, "viewer", g->viewer, "lens", g->lens,
		"hover_ttl_ms", (int)g->tp.hover_ttl_ms, "queue",
		(json_int_t)g->tp.queue));
	send_keys(g, t);
	return 0;
}

static void tab_close(struct web_gw *g, struct pss *ps)
{
	struct web_tab *t = ps->tab;

	free(ps->rx);
	ps->rx = NULL;
	if (t == NULL)
		return;
	/* its keys leave the gateway's max: what no other tab has is
	 * lowered in the dataplane (or goes) */
	for (uint32_t i = 0; i < t->lens.n; i++)
		if (t->lens.keys[i].applied != WEB_NONE &&
		    web_agg_set(g->agg, t, t->lens.keys[i].sensor,
				t->lens.keys[i].attr, WEB_NONE, 0, 0,
				gw_now(g)) < 0)
			g->agg_errors++;
	ask(g);
	add_stats(&g->gone, &t->st);
	for (uint32_t i = 0; i < g->ntabs; i++)
		if (g->tabs[i] == t) {
			g->tabs[i] = g->tabs[--g->ntabs];
			break;
		}
	web_tab_free(t);
	ps->tab = NULL;
	g->closed++;
}

static int rx(struct web_gw *g, struct lws *wsi, struct pss *ps,
	      const void *in, size_t len)
{
	char *p;

	if (lws_frame_is_binary(wsi)) {
		g->bad_binary++;
		return 0;
	}
	if (ps->rx_len + len > RX_MAX) {
		/* oversized: refused, counted, and the tab closed (1009) */
		g->oversized++;
		lws_close_reason(wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE,
				 NULL, 0);
		return -1;
	}
	p = realloc(ps->rx, ps->rx_len + len + 1);
	if (p == NULL)
		return -1;
	ps->rx = p;
	memcpy(ps->rx + ps->rx_len, in, len);
	ps->rx_len += len;
	if (!lws_is_final_fragment(wsi))
		return 0;
	web_tab_frame(ps->tab, ps->rx, ps->rx_len, gw_now(g));
	ps->rx_len = 0;
	return 0;
}

static int writeable(struct lws *wsi, struct pss *ps)
{
	size_t len;
	char *s = web_tab_take(ps->tab, LWS_PRE, &len);
	int n;

	if (s == NULL)
		return 0;
	/* libwebsockets keeps what the socket did not take, and asks for
	 * no more writes until it went */
	n = lws_write(wsi, (unsigned char *)s + LWS_PRE, len, LWS_WRITE_TEXT);
	free(s);
	if (n < (int)len)
		return -1;
	if (web_tab_waiting(ps->tab))
		lws_callback_on_writable(wsi);
	return 0;
}

static int cb_ws(struct lws *wsi, enum lws_callback_reasons reason,
		 void *user, void *in, size_t len)
{
	struct pss *ps = user;

	switch (reason) {
	case LWS_CALLBACK_ESTABLISHED:
		return tab_open(&G, wsi, ps);
	case LWS_CALLBACK_RECEIVE:
		return ps->tab ? rx(&G, wsi, ps, in, len) : -1;
	case LWS_CALLBACK_SERVER_WRITEABLE:
		return ps->tab ? writeable(wsi, ps) : 0;
	case LWS_CALLBACK_CLOSED:
		tab_close(&G, ps);
		return 0;
	default:
		return 0;
	}
}

/* The lens' descriptor is behind G.epfd: read it when it is ready. */
static int cb_raw(struct lws *wsi, enum lws_callback_reasons reason,
		  void *user, void *in, size_t len)
{
	struct epoll_event ev[4];

	(void)wsi; (void)user; (void)in; (void)len;
	if (reason != LWS_CALLBACK_RAW_RX_FILE)
		return 0;
	G.now = sp_wall_ns();
	G.defer = 1;
	if (epoll_wait(G.epfd, ev, 4, 0) > 0)
		senseplane_process(G.rx);
	flush_writes(&G);
	G.now = 0;
	return 0;
}

static const struct lws_protocols protocols[] = {
	{ "http", lws_callback_http_dummy, 0, 0, 0, NULL, 0 },
	{ "senseplane", cb_ws, sizeof(struct pss), 16384, 0, NULL, 0 },
	{ "sp-raw", cb_raw, 0, 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

static void on_signal(int sig)
{
	(void)sig;
	g_stop = 1;
	if (G.ctx)
		lws_cancel_service(G.ctx);
}

static void usage(FILE *out)
{
	fprintf(out,
"usage: senseplane-web [options]\n"
"\n"
"Serves the senseplane dashboard to browsers. The gateway is one viewer of\n"
"the dataplane with one lens, each key at the highest level any of its tabs\n"
"asks, and sends each tab what it has at that tab's level: a tile under the\n"
"pointer or focused is high (for --hover-ttl after it leaves), a pinned tile\n"
"high, tiles in view medium (at most one message a key every 37.5 ms),\n"
"loaded but scrolled away or in a hidden tab low (every 150 ms); a closed\n"
"tab takes its levels along. The page lists the keys the dataplane has:\n"
"every sensor with the attributes it sends.\n"
"\n"
"  -l, --listen ADDR:PORT where browsers connect (127.0.0.1:8080); an IPv6\n"
"                         address in brackets, [::1]:8080 ([::] is IPv6\n"
"                         only)\n"
"  -c, --control SOCKET   the dataplane's control socket (this node); the\n"
"                         key list comes from it\n"
"      --redis URL        the gateway's viewer in the cluster's Redis\n"
"                         instead (it can watch sensors of any node)\n"
"      --prefix P         the cluster's Redis key prefix (sp:)\n"
"  -i, --iface-addr IP    join the lens group on this interface\n"
"      --name NAME        the gateway's viewer (web-PID)\n"
"      --lens GROUP:PORT  its lens (239.80.X.Y:--lens-port, X.Y from the\n"
"                         process id)\n"
"      --lens-port N      the UDP port of the default lens (7600)\n"
"      --www DIR          the page (%s)\n"
"      --vendor DIR       uPlot's dist/ (the page's charts; default\n"
"                         DIR/../node_modules/uplot/dist of --www)\n"
"      --catalog FILE     attribute names (%s)\n"
"      --max-sensors N    the key list keeps the N lowest sensor ids, and\n"
"                         the page says how many it left out (100000)\n"
"      --attrs LIST       only these attributes; with --sensors, the\n"
"                         attributes every offered sensor shows\n"
"      --sensors F-L      offer these sensor ids (with --attrs, whatever\n"
"                         they send) instead of the dataplane's list\n"
"      --hover-ttl MS     how long a hover stays high after it (1000)\n"
"      --max-tabs N       tabs at once, more are refused (2000)\n"
"      --tab-queue N      messages that may wait for one tab; past it the\n"
"                         oldest is dropped, counted and the page told\n"
"                         (4096)\n"
"      --stats FILE       write the gateway's counters there twice a\n"
"                         second (JSON)\n"
"      --fanout GROUP:PORT  no attention (a benchmark's baseline): no\n"
"                         viewer; take this feed (the broadcast feed)\n"
"                         and send each tab every message of what it\n"
"                         has loaded\n"
"  -t, --seconds S        stop after S seconds\n"
"  -h, --help             this text\n", SP_WWW_DEFAULT, SP_CATALOG_DEFAULT);
}

static int num(const char *opt, const char *s, uint64_t lo, uint64_t hi,
	       uint64_t *out)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	if (*s == '\0' || *end || v < lo || v > hi) {
		sp_logf(stderr, LOG_ERR, "senseplane-web: --%s '%s': expected a number "
			"%" PRIu64 "..%" PRIu64 "\n", opt, s, lo, hi);
		return -1;
	}
	*out = v;
	return 0;
}

/* Where browsers connect, for libwebsockets, which binds by name: the
 * text of @p ss's address in @p host (no brackets, no scope: it finds an
 * address's scope itself) and its port in @p port. @return the options
 * that keep the listener to that one family. An IPv6 address gets
 * IPV6_V6ONLY, so that "[::]:PORT" takes IPv6 alone, as the daemon's
 * listeners do. An IPv4 address gets IPv6 off: libwebsockets (4.1) opens
 * an IPv6 socket whatever the address and, given an IPv4 one, binds it to
 * "::", every address of both families - "127.0.0.1:8080" served the
 * whole network. */
static uint64_t listen_host(const struct sockaddr_storage *ss, char *host,
			  size_t hlen, uint16_t *port)
{
	const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)ss;
	const struct sockaddr_in *a4 = (const struct sockaddr_in *)ss;

	if (ss->ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &a6->sin6_addr, host, (socklen_t)hlen);
		*port = ntohs(a6->sin6_port);
		return LWS_SERVER_OPTION_IPV6_V6ONLY_MODIFY |
		       LWS_SERVER_OPTION_IPV6_V6ONLY_VALUE;
	}
	inet_ntop(AF_INET, &a4->sin_addr, host, (socklen_t)hlen);
	*port = ntohs(a4->sin_port);
	return LWS_SERVER_OPTION_DISABLE_IPV6;
}

/* The lens: one handle joined to one group, behind the epoll descriptor
 * libwebsockets watches. */
static int open_rx(struct web_gw *g, const char *iface, const char *catalog,
		   const char *group)
{
	struct senseplane_params rp = { .iface_addr = iface,
		.catalog = catalog, .on_msg = rx_msg, .ctx = g };
	struct epoll_event ev = { .events = EPOLLIN };

	g->rx = senseplane_create(&rp);
	if (g->rx == NULL || senseplane_join(g->rx, group) < 0) {
		sp_logf(stderr, LOG_ERR, "senseplane-web: %s: %s\n", group,
			g->rx ? senseplane_errmsg(g->rx) :
			senseplane_last_error());
		return -1;
	}
	return epoll_ctl(g->epfd, EPOLL_CTL_ADD, senseplane_fd(g->rx), &ev);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "listen", 1, NULL, 'l' }, { "control", 1, NULL, 'c' },
		{ "redis", 1, NULL, 'R' }, { "prefix", 1, NULL, 'p' },
		{ "iface-addr", 1, NULL, 'i' }, { "www", 1, NULL, 'w' },
		{ "vendor", 1, NULL, 'V' }, { "catalog", 1, NULL, 'C' },
		{ "attrs", 1, NULL, 'A' }, { "sensors", 1, NULL, 'S' },
		{ "hover-ttl", 1, NULL, 'H' }, { "lens-port", 1, NULL, 'P' },
		{ "max-tabs", 1, NULL, 'M' }, { "tab-queue", 1, NULL, 'Q' },
		{ "stats", 1, NULL, 's' }, { "seconds", 1, NULL, 't' },
		{ "fanout", 1, NULL, 'F' }, { "name", 1, NULL, 'N' },
		{ "lens", 1, NULL, 'L' }, { "max-sensors", 1, NULL, 'X' },
		{ "help", 0, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	const char *listen = "127.0.0.1:8080", *www = SP_WWW_DEFAULT;
	const char *vendor = NULL, *catalog = NULL, *iface = NULL;
	const char *fanout = NULL, *control = NULL, *redis = NULL;
	const char *prefix = NULL, *lens = NULL;
	struct lws_context_creation_info info;
	struct lws_http_mount mw, mv;
	struct web_ctl_params cp = { 0 };
	struct web_agg_io io = { .deliver = agg_deliver, .hold = agg_hold,
				 .release = agg_release, .ctx = &G };
	lws_sock_file_fd_type fd;
	char host[64], err[512], vdir[1024];
	uint64_t v, lens_port = 7600, max_sensors = 100000;
	struct sockaddr_storage lss;
	socklen_t llen;
	uint64_t lopts;
	uint16_t port;
	int c;

	G.tp = (struct web_tab_params){ .hover_ttl_ms = 1000, .queue = 4096,
		.frame_max = 256 * 1024 };
	G.te = (struct web_tab_env){ .cat = &G.cat, .levels = tab_levels,
		.want_write = tab_want_write, .ctx = &G };
	G.max_tabs = 2000;
	snprintf(G.viewer, sizeof(G.viewer), "web-%d", (int)getpid());
	while ((c = getopt_long(argc, argv, "l:c:i:t:h", lo, NULL)) != -1) {
		switch (c) {
		case 'l': listen = optarg; break;
		case 'c': control = optarg; break;
		case 'R': redis = optarg; break;
		case 'p': prefix = optarg; break;
		case 'i': iface = optarg; break;
		case 'w': www = optarg; break;
		case 'V': vendor = optarg; break;
		case 'C': catalog = optarg; break;
		case 'L': lens = optarg; break;
		case 'A': snprintf(G.attrs, sizeof(G.attrs), ",%s,", optarg);
			break;
		case 's': G.stats_file = optarg; break;
		case 'F': fanout = optarg; break;
		case 'N':
			if (!*optarg || strlen(optarg) >= sizeof(G.viewer) ||
			    strspn(optarg, "abcdefghijklmnopqrstuvwxyz"
				   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
			    != strlen(optarg)) {
				sp_logf(stderr, LOG_ERR, "senseplane-web: --name "
					"'%s': 1 to 31 letters, digits, '.', "
					"'_' or '-'\n", optarg);
				return 2;
			}
			snprintf(G.viewer, sizeof(G.viewer), "%s", optarg);
			break;
		case 'S':
			if (sscanf(optarg, "%" SCNu64 "-%" SCNu64, &G.first,
				   &G.last) != 2 || !G.first ||
			    G.first > G.last || G.last - G.first >= 100000) {
				sp_logf(stderr, LOG_ERR, "senseplane-web: --sensors "
					"'%s': expected FIRST-LAST, at most "
					"100 000\n", optarg);
				return 2;
			}
			break;
		case 'H': if (num("hover-ttl", optarg, 50, 600000, &v) < 0)
				return 2;
			G.tp.hover_ttl_ms = (uint32_t)v; break;
		case 'P': if (num("lens-port", optarg, 1, 65535, &lens_port) < 0)
				return 2;
			break;
		case 'M': if (num("max-tabs", optarg, 1, 65536, &v) < 0)
				return 2;
			G.max_tabs = (uint32_t)v; break;
		case 'Q': if (num("tab-queue", optarg, 16, 1u << 20, &v) < 0)
				return 2;
			G.tp.queue = (uint32_t)v; break;
		case 'X': if (num("max-sensors", optarg, 1, 10000000,
				  &max_sensors) < 0)
				return 2;
			break;
		case 't': if (num("seconds", optarg, 1, 1u << 30, &v) < 0)
				return 2;
			G.end = sp_wall_ns() + v * 1000000000ull; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		sp_logf(stderr, LOG_ERR, "senseplane-web: unexpected '%s' (see --help)\n",
			argv[optind]);
		return 2;
	}
	if (!control && !redis) {
		sp_logf(stderr, LOG_ERR, "senseplane-web: give --control SOCKET (this "
			"node) or --redis URL (the cluster)\n");
		return 2;
	}
	if (G.first && !G.attrs[0]) {
		sp_logf(stderr, LOG_ERR, "senseplane-web: --sensors needs --attrs "
			"(the attributes each of them shows)\n");
		return 2;
	}
	if (sp_addr_sockaddr46(listen, &lss, &llen, 0) < 0) {
		sp_logf(stderr, LOG_ERR, "senseplane-web: --listen: '%s' is not "
			"ADDR:PORT or [IPv6]:PORT\n", listen);
		return 2;
	}
	lopts = listen_host(&lss, host, sizeof(host), &port);
	if (lens) {
		uint32_t lip;
		uint16_t lport;

		if (sp_addr_parse(lens, &lip, &lport, 0) < 0 ||
		    (lip >> 28) != 14) {
			sp_logf(stderr, LOG_ERR, "senseplane-web: --lens '%s': "
				"expected a multicast GROUP:PORT\n", lens);
			return 2;
		}
		snprintf(G.lens, sizeof(G.lens), "%s", lens);
	} else {
		/* a group of its own per gateway: two on one host do not
		 * receive each other's lens */
		unsigned int pid = (unsigned int)getpid();

		snprintf(G.lens, sizeof(G.lens), "239.80.%u.%u:%u",
			 (pid >> 8) & 255, pid & 255, (unsigned int)lens_port);
	}
	/* not installed (run from build/): the catalogue built in */
	if (catalog == NULL && !*(catalog = sp_catalog_default(SP_CATALOG_DEFAULT)))
		sp_logf(stderr, LOG_NOTICE, "senseplane-web: no %s: the built-in attribute "
			"catalogue\n", SP_CATALOG_DEFAULT);
	if (sp_catalog_load(&G.cat, catalog, err, sizeof(err)) < 0) {
		sp_logf(stderr, LOG_ERR, "senseplane-web: %s\n", err);
		return 2;
	}
	if (vendor == NULL) {
		snprintf(vdir, sizeof(vdir), "%s/../node_modules/uplot/dist",
			 www);
		vendor = vdir;
	}
	G.tabs = calloc(G.max_tabs, sizeof(*G.tabs));
	G.wlist = calloc(G.max_tabs, sizeof(*G.wlist));
	G.epfd = epoll_create1(EPOLL_CLOEXEC);
	G.agg = web_agg_create(&io, fanout != NULL);
	if (G.tabs == NULL || G.wlist == NULL || G.epfd < 0 || G.agg == NULL) {
		sp_logf(stderr, LOG_ERR, "senseplane-web: out of memory\n");
		return 1;
	}
	if (open_rx(&G, iface, catalog, fanout ? fanout : G.lens) < 0)
		return 2;
	cp = (struct web_ctl_params){ .control = control, .redis = redis,
		.redis_prefix = prefix, .catalog = catalog, .cat = &G.cat,
		.viewer = fanout ? NULL : G.viewer, .lens = G.lens,
		.list = !G.first, .max_sensors = (uint32_t)max_sensors };
	if (fanout)
		G.viewer[0] = '\0';
	G.ctl = web_ctl_create(&cp, err, sizeof(err));
	if (G.ctl == NULL) {
		sp_logf(stderr, LOG_ERR, "senseplane-web: %s\n", err);
		return 2;
	}
	if (G.first)
		new_keys(&G, range_keys(&G));

	memset(&mw, 0, sizeof(mw));
	memset(&mv, 0, sizeof(mv));
	mv.mountpoint = "/vendor";
	mv.mountpoint_len = 7;
	mv.origin = vendor;
	mv.origin_protocol = LWSMPRO_FILE;
	mw.mount_next = &mv;
	mw.mountpoint = "/";
	mw.mountpoint_len = 1;
	mw.origin = www;
	mw.def = "index.html";
	mw.origin_protocol = LWSMPRO_FILE;
	memset(&info, 0, sizeof(info));
	info.port = port;
	info.iface = host;
	info.protocols = protocols;
	info.mounts = &mw;
	info.options = LWS_SERVER_OPTION_VALIDATE_UTF8 | lopts;
	lws_set_log_level(LLL_ERR | LLL_WARN, NULL);
	G.ctx = lws_create_context(&info);
	if (G.ctx == NULL) {
		sp_logf(stderr, LOG_ERR, "senseplane-web: cannot listen on %s (in use, "
			"or no such address here)\n", listen);
		web_ctl_free(G.ctl);
		return 1;
	}
	fd.filefd = G.epfd;
	if (!lws_adopt_descriptor_vhost(lws_get_vhost_by_name(G.ctx,
			"default"), LWS_ADOPT_RAW_FILE_DESC, fd, "sp-raw",
			NULL)) {
		sp_logf(stderr, LOG_ERR, "senseplane-web: cannot watch the feeds\n");
		web_ctl_free(G.ctl);
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	lws_sul_schedule(G.ctx, 0, &G.sul, tick, TICK_US);
	sp_notify_ready("serving");
	if (fanout)
		sp_logf(stdout, LOG_INFO, "senseplane-web: http://%s/ (fan-out of "
			"%s, no attention, page %s)\n", listen, fanout, www);
	else
		sp_logf(stdout, LOG_INFO, "senseplane-web: http://%s/ (%s, viewer "
			"%s, lens %s, page %s)\n", listen,
			redis ? "cluster" : "local", G.viewer, G.lens, www);
	fflush(stdout);
	while (!g_stop)
		if (lws_service(G.ctx, 0) < 0)
			break;
	sp_notify_stopping();
	lws_context_destroy(G.ctx);
	if (G.stats_file)
		write_stats(&G);
	/* the viewer goes from the dataplane, its subscriptions with it */
	web_ctl_free(G.ctl);
	web_agg_free(G.agg);
	web_msg_unref(G.keys);
	senseplane_free(G.rx);
	free(G.tabs);
	free(G.wlist);
	return 0;
}
