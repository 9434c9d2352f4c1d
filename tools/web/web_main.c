/*
 * web_main.c - senseplane-web: serves the browser dashboard (www/) and a
 * WebSocket per tab (libwebsockets). Each tab is a viewer with its own
 * lens (web_tab.c); what the page has on screen sets its attention
 * (web_lens.c). One thread: libwebsockets' loop, with every tab's
 * libsenseplane descriptor behind one epoll descriptor that the loop
 * watches, and a 10 ms timer for hovers that lapse and re-requests.
 */
#define _GNU_SOURCE
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

#include "sp_addr.h"
#include "sp_catalog.h"
#include "sp_ctl.h"
#include "sp_log.h"
#include "sp_notify.h"
#include "web_gw.h"
#include "web_tab.h"

#ifndef SP_WWW_DEFAULT
#define SP_WWW_DEFAULT "/usr/share/senseplane/web"
#endif
#define RX_MAX 65536            /* a page's frame, at most */
#define TICK_US 10000

struct web_gw {
	struct lws_context *ctx;
	struct sp_catalog cat;
	struct web_tab_params tp;
	int epfd;
	uint32_t next_id, ntabs, max_tabs;
	uint64_t now, start, next_sensors, next_stats, next_wd, end;
	lws_sorted_usec_list_t sul;
	struct sp_ctl *ctl;             /* the sensor list */
	uint64_t first, last;           /* --sensors */
	char attrs[256];
	json_t *sensors;
	const char *stats_file;
	struct web_tab **tabs;
	uint64_t opened, closed, refused, oversized, bad_binary;
	/* --fanout: one handle on the broadcast feed, every message to each
	 * tab that loaded its key (B8's baseline), through an index by
	 * sensor id */
	struct senseplane *fan;
	struct fan_list { struct web_tab **v; uint32_t n, cap; } *idx;
	uint64_t idx_n;
	struct web_tab_stats gone;      /* of the tabs closed */
};

struct pss {
	struct web_tab *tab;
	char *rx;
	size_t rx_len;
};

static volatile sig_atomic_t g_stop;
static struct web_gw G;

static uint64_t clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t web_gw_now(const struct web_gw *g)
{
	return g->now ? g->now : clock_ns();
}

const struct sp_catalog *web_gw_catalog(const struct web_gw *g)
{
	return &g->cat;
}

void web_gw_want_write(struct web_gw *g, struct web_tab *t)
{
	(void)g;
	if (t->wsi)
		lws_callback_on_writable(t->wsi);
}

/* The ids the page can show: --sensors, else the dataplane's (first
 * 1 000). */
static json_t *sensor_list(struct web_gw *g)
{
	json_t *ids = json_array(), *r, *s;
	char err[256];
	size_t i;

	if (g->first) {
		for (uint64_t id = g->first; id <= g->last; id++)
			json_array_append_new(ids, json_integer((json_int_t)id));
		return ids;
	}
	if (g->ctl == NULL)
		return ids;
	r = sp_ctl_call(g->ctl, err, sizeof(err), "sensors 1000");
	json_array_foreach(json_object_get(r, "sensors"), i, s)
		json_array_append(ids, json_object_get(s, "id"));
	json_decref(r);
	return ids;
}

static void fan_remove(struct web_gw *g, struct web_tab *t)
{
	for (uint32_t i = 0; i < t->nfan; i++) {
		struct fan_list *l = &g->idx[t->fan_sensors[i]];

		for (uint32_t k = 0; k < l->n; k++)
			if (l->v[k] == t) {
				l->v[k] = l->v[--l->n];
				break;
			}
	}
	t->nfan = 0;
}

void web_gw_fanout_changed(struct web_gw *g, struct web_tab *t)
{
	fan_remove(g, t);
	if (t->fan_sensors == NULL)
		t->fan_sensors = calloc(WEB_LENS_MAX_KEYS,
					sizeof(*t->fan_sensors));
	if (t->fan_sensors == NULL)
		return;
	for (uint32_t i = 0; i < t->lens.n; i++) {
		uint64_t s = t->lens.keys[i].sensor;
		struct fan_list *l;
		int seen = 0;

		if (t->lens.keys[i].base == WEB_NONE || s >= g->idx_n)
			continue;
		for (uint32_t k = 0; k < t->nfan && !seen; k++)
			seen = t->fan_sensors[k] == s;
		if (seen)
			continue;
		l = &g->idx[s];
		if (l->n == l->cap) {
			uint32_t cap = l->cap ? l->cap * 2 : 4;
			struct web_tab **v = realloc(l->v, cap * sizeof(*v));

			if (v == NULL)
				continue;
			l->v = v;
			l->cap = cap;
		}
		l->v[l->n++] = t;
		t->fan_sensors[t->nfan++] = s;
	}
}

static void fan_msg(void *ctx, const struct senseplane_msg *m)
{
	struct web_gw *g = ctx;
	struct fan_list *l;

	if (m->sensor_id >= g->idx_n)
		return;
	l = &g->idx[m->sensor_id];
	for (uint32_t k = 0; k < l->n; k++) {
		uint8_t lvl = web_lens_level(&l->v[k]->lens, m->sensor_id,
					     m->attr_id, web_gw_now(g));

		if (lvl != WEB_NONE)
			web_tab_deliver(l->v[k], m, lvl);
	}
}

static void write_stats(struct web_gw *g)
{
	uint64_t in = 0, out = 0, frames = 0, bytes = 0, bad = 0, ref = 0;
	uint64_t shed = 0, reports = 0, attn = 0;
	char tmp[512];
	json_t *j;
	FILE *f;

	for (uint32_t i = 0; i <= g->ntabs; i++) {
		const struct web_tab_stats *s = i < g->ntabs ?
						&g->tabs[i]->st : &g->gone;

		in += s->msgs_in;
		out += s->msgs_out;
		frames += s->frames_out;
		bytes += s->bytes_out;
		bad += s->bad_frames;
		ref += s->refused_reports;
		reports += s->reports;
		attn += s->attn_errors;
		for (int l = 0; l <= WEB_HIGH; l++)
			shed += s->shed[l];
	}
	j = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I,"
		      " s:I, s:I, s:I, s:I}",
		"tabs", (json_int_t)g->ntabs, "opened", (json_int_t)g->opened,
		"closed", (json_int_t)g->closed,
		"refused_tabs", (json_int_t)g->refused,
		"msgs_in", (json_int_t)in, "msgs_out", (json_int_t)out,
		"frames_out", (json_int_t)frames, "bytes_out", (json_int_t)bytes,
		"shed", (json_int_t)shed, "reports", (json_int_t)reports,
		"bad_frames", (json_int_t)(bad + g->bad_binary),
		"refused_reports", (json_int_t)ref,
		"oversized", (json_int_t)g->oversized,
		"attn_errors", (json_int_t)attn);
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

	g->now = clock_ns();
	for (uint32_t i = 0; i < g->ntabs; i++) {
		web_tab_tick(g->tabs[i], g->now);
		if (g->tabs[i]->sp && senseplane_pending(g->tabs[i]->sp))
			senseplane_process(g->tabs[i]->sp);
	}
	if (g->fan && senseplane_pending(g->fan))
		senseplane_process(g->fan);
	if (g->now >= g->next_sensors) {
		json_decref(g->sensors);
		g->sensors = sensor_list(g);
		for (uint32_t i = 0; i < g->ntabs; i++)
			web_tab_control(g->tabs[i], json_pack("{s:s, s:O}", "t",
					"sensors", "ids", g->sensors));
		g->next_sensors = g->now + 2000000000ull;
	}
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
	struct epoll_event ev = { .events = EPOLLIN };
	struct web_tab *t;
	char err[256];

	if (g->ntabs == g->max_tabs) {
		g->refused++;
		return -1;
	}
	t = web_tab_create(&g->tp, g->next_id++, g, err, sizeof(err));
	if (t == NULL) {
		sp_logf(stderr, LOG_WARNING, "senseplane-web: a tab refused: "
			"%s\n", err);
		g->refused++;
		return -1;
	}
	ev.data.ptr = t;
	if (t->sp)
		epoll_ctl(g->epfd, EPOLL_CTL_ADD, senseplane_fd(t->sp), &ev);
	t->wsi = wsi;
	ps->tab = t;
	g->tabs[g->ntabs++] = t;
	g->opened++;
	web_tab_control(t, json_pack("{s:s, s:s, s:s, s:i, s:s, s:O}", "t",
		"hello", "tab", t->name, "lens", t->group, "hover_ttl_ms",
		(int)g->tp.hover_ttl_ms, "attrs", g->attrs, "sensors",
		g->sensors));
	return 0;
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
	to->attn_errors += s->attn_errors;
	for (int l = 0; l <= WEB_HIGH; l++)
		to->shed[l] += s->shed[l];
}

static void tab_close(struct web_gw *g, struct pss *ps)
{
	struct web_tab *t = ps->tab;

	free(ps->rx);
	ps->rx = NULL;
	if (t == NULL)
		return;
	if (t->sp)
		epoll_ctl(g->epfd, EPOLL_CTL_DEL, senseplane_fd(t->sp), NULL);
	if (t->fanout) {
		fan_remove(g, t);
		free(t->fan_sensors);
	}
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
	web_tab_frame(ps->tab, ps->rx, ps->rx_len, web_gw_now(g));
	ps->rx_len = 0;
	return 0;
}

static int writeable(struct lws *wsi, struct pss *ps)
{
	size_t len;
	char *s = web_tab_take(ps->tab, &len);
	unsigned char *buf;
	int n;

	if (s == NULL)
		return 0;
	buf = malloc(LWS_PRE + len);
	if (buf == NULL) {
		free(s);
		return -1;
	}
	memcpy(buf + LWS_PRE, s, len);
	free(s);
	n = lws_write(wsi, buf + LWS_PRE, len, LWS_WRITE_TEXT);
	free(buf);
	if (n < (int)len)
		return -1;
	if (ps->tab->nctrl || ps->tab->out_len)
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

/* Every tab's descriptor is behind G.epfd: read those that are ready. */
static int cb_raw(struct lws *wsi, enum lws_callback_reasons reason,
		  void *user, void *in, size_t len)
{
	struct epoll_event ev[64];
	int n;

	(void)wsi; (void)user; (void)in; (void)len;
	if (reason != LWS_CALLBACK_RAW_RX_FILE)
		return 0;
	G.now = clock_ns();
	n = epoll_wait(G.epfd, ev, 64, 0);
	for (int i = 0; i < n; i++)
		senseplane_process(ev[i].data.ptr ?
			((struct web_tab *)ev[i].data.ptr)->sp : G.fan);
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
"Serves the senseplane dashboard to browsers. Each tab is a viewer with its\n"
"own lens in the dataplane; what it has on screen sets the attention: a\n"
"tile under the pointer or focused is high (for --hover-ttl after it\n"
"leaves), a pinned tile high, tiles in view medium, loaded but scrolled\n"
"away or in a hidden tab low, a closed tab takes its subscriptions along.\n"
"\n"
"  -l, --listen IP:PORT   where browsers connect (127.0.0.1:8080)\n"
"  -c, --control SOCKET   the dataplane's control socket (this node)\n"
"      --redis URL        the cluster instead: viewers in Redis (a tab on\n"
"                         this node can watch sensors of any node)\n"
"      --prefix P         the cluster's Redis key prefix (sp:)\n"
"  -i, --iface-addr IP    join the tabs' lens groups on this interface\n"
"      --www DIR          the page (%s)\n"
"      --vendor DIR       uPlot's dist/ (the page's charts; default\n"
"                         DIR/../node_modules/uplot/dist of --www)\n"
"      --catalog FILE     attribute names (%s)\n"
"      --attrs LIST       attributes a sensor's tiles show\n"
"                         (ecg,accelerometer,heartrate,geolocation)\n"
"      --sensors F-L      the sensor ids to offer (default: the\n"
"                         dataplane's, refreshed every 2 s)\n"
"      --hover-ttl MS     how long a hover stays high after it (1000)\n"
"      --lens-port N      the UDP port of the tabs' lens groups (7600)\n"
"      --max-tabs N       tabs at once, more are refused (2000)\n"
"      --tab-buffer BYTES what may wait for one tab; past it the tab is\n"
"                         shed by level, low first (262144)\n"
"      --stats FILE       write the gateway's counters there twice a\n"
"                         second (JSON)\n"
"      --fanout GROUP:PORT  no attention (a benchmark's baseline): take\n"
"                         this feed (the broadcast feed) and send each tab\n"
"                         every message of what it has loaded\n"
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

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "listen", 1, NULL, 'l' }, { "control", 1, NULL, 'c' },
		{ "redis", 1, NULL, 'R' }, { "prefix", 1, NULL, 'p' },
		{ "iface-addr", 1, NULL, 'i' }, { "www", 1, NULL, 'w' },
		{ "vendor", 1, NULL, 'V' }, { "catalog", 1, NULL, 'C' },
		{ "attrs", 1, NULL, 'A' }, { "sensors", 1, NULL, 'S' },
		{ "hover-ttl", 1, NULL, 'H' }, { "lens-port", 1, NULL, 'P' },
		{ "max-tabs", 1, NULL, 'M' }, { "tab-buffer", 1, NULL, 'B' },
		{ "stats", 1, NULL, 's' }, { "seconds", 1, NULL, 't' },
		{ "fanout", 1, NULL, 'F' },
		{ "help", 0, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	const char *listen = "127.0.0.1:8080", *www = SP_WWW_DEFAULT;
	const char *vendor = NULL, *catalog = NULL;
	const char *fanout = NULL, *control = NULL, *redis = NULL;
	const char *prefix = NULL;
	struct lws_context_creation_info info;
	struct lws_http_mount mw, mv;
	lws_sock_file_fd_type fd;
	char host[64], err[512], vdir[1024];
	uint64_t v;
	uint32_t ip;
	uint16_t port;
	int c;

	G.tp = (struct web_tab_params){ .hover_ttl_ms = 1000,
		.out_max = 262144, .lens_port = 7600 };
	G.max_tabs = 2000;
	snprintf(G.attrs, sizeof(G.attrs), "%s",
		 "ecg,accelerometer,heartrate,geolocation");
	while ((c = getopt_long(argc, argv, "l:c:i:t:h", lo, NULL)) != -1) {
		switch (c) {
		case 'l': listen = optarg; break;
		case 'c': control = optarg; break;
		case 'R': redis = optarg; break;
		case 'p': prefix = optarg; break;
		case 'i': G.tp.iface = optarg; break;
		case 'w': www = optarg; break;
		case 'V': vendor = optarg; break;
		case 'C': catalog = optarg; break;
		case 'A': snprintf(G.attrs, sizeof(G.attrs), "%s", optarg);
			break;
		case 's': G.stats_file = optarg; break;
		case 'F': fanout = optarg; G.tp.fanout = 1; break;
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
		case 'P': if (num("lens-port", optarg, 1, 65535, &v) < 0)
				return 2;
			G.tp.lens_port = (uint16_t)v; break;
		case 'M': if (num("max-tabs", optarg, 1, 65536, &v) < 0)
				return 2;
			G.max_tabs = (uint32_t)v; break;
		case 'B': if (num("tab-buffer", optarg, 4096, 1u << 30, &v) < 0)
				return 2;
			G.tp.out_max = v; break;
		case 't': if (num("seconds", optarg, 1, 1u << 30, &v) < 0)
				return 2;
			G.end = clock_ns() + v * 1000000000ull; break;
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
	if (sp_addr_parse(listen, &ip, &port, 0) < 0) {
		sp_logf(stderr, LOG_ERR, "senseplane-web: --listen '%s': expected "
			"IP:PORT\n", listen);
		return 2;
	}
	snprintf(host, sizeof(host), "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255,
		 (ip >> 8) & 255, ip & 255);
	/* not installed (run from build/): the catalogue built in */
	if (catalog == NULL && !*(catalog = sp_catalog_default(SP_CATALOG_DEFAULT)))
		sp_logf(stderr, LOG_NOTICE, "senseplane-web: no %s: the built-in attribute "
			"catalogue\n", SP_CATALOG_DEFAULT);
	if (sp_catalog_load(&G.cat, catalog, err, sizeof(err)) < 0) {
		sp_logf(stderr, LOG_ERR, "senseplane-web: %s\n", err);
		return 2;
	}
	G.tp.catalog = catalog;
	{
		struct senseplane_params ap = { .control = control,
			.redis = redis, .redis_prefix = prefix,
			.catalog = catalog, .no_rereq = 1 };

		G.tp.attn = senseplane_create(&ap);
		if (G.tp.attn == NULL) {
			sp_logf(stderr, LOG_ERR, "senseplane-web: %s\n",
				senseplane_last_error());
			return 2;
		}
	}
	if (control && !G.first) {
		G.ctl = sp_ctl_open(control, err, sizeof(err));
		if (G.ctl == NULL) {
			sp_logf(stderr, LOG_ERR, "senseplane-web: %s\n", err);
			return 2;
		}
	}
	if (vendor == NULL) {
		snprintf(vdir, sizeof(vdir), "%s/../node_modules/uplot/dist",
			 www);
		vendor = vdir;
	}
	G.tabs = calloc(G.max_tabs, sizeof(*G.tabs));
	G.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (fanout) {
		struct senseplane_params fp = { .iface_addr = G.tp.iface,
			.catalog = catalog, .on_msg = fan_msg, .ctx = &G };
		struct epoll_event ev = { .events = EPOLLIN };

		G.idx_n = G.first ? G.last + 1 : 1u << 20;
		G.idx = calloc(G.idx_n, sizeof(*G.idx));
		G.fan = senseplane_create(&fp);
		if (G.idx == NULL || G.fan == NULL ||
		    senseplane_join(G.fan, fanout) < 0) {
			sp_logf(stderr, LOG_ERR, "senseplane-web: --fanout %s: %s\n",
				fanout, G.fan ? senseplane_errmsg(G.fan) :
				senseplane_last_error());
			return 2;
		}
		epoll_ctl(G.epfd, EPOLL_CTL_ADD, senseplane_fd(G.fan), &ev);
	}
	G.sensors = sensor_list(&G);
	if (G.tabs == NULL || G.epfd < 0)
		return 1;

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
	info.options = LWS_SERVER_OPTION_VALIDATE_UTF8;
	lws_set_log_level(LLL_ERR | LLL_WARN, NULL);
	G.ctx = lws_create_context(&info);
	if (G.ctx == NULL) {
		sp_logf(stderr, LOG_ERR, "senseplane-web: cannot listen on %s (in use, "
			"or no such address here)\n", listen);
		return 1;
	}
	fd.filefd = G.epfd;
	if (!lws_adopt_descriptor_vhost(lws_get_vhost_by_name(G.ctx,
			"default"), LWS_ADOPT_RAW_FILE_DESC, fd, "sp-raw",
			NULL)) {
		sp_logf(stderr, LOG_ERR, "senseplane-web: cannot watch the feeds\n");
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	lws_sul_schedule(G.ctx, 0, &G.sul, tick, TICK_US);
	sp_notify_ready("serving");
	sp_logf(stdout, LOG_INFO, "senseplane-web: http://%s/ (%s, page %s)\n",
		listen, fanout ? "fan-out, no attention" :
		redis ? "cluster" : "local", www);
	fflush(stdout);
	while (!g_stop)
		if (lws_service(G.ctx, 0) < 0)
			break;
	/* every tab's viewer goes from the dataplane with the sockets */
	sp_notify_stopping();
	lws_context_destroy(G.ctx);
	if (G.stats_file)
		write_stats(&G);
	json_decref(G.sensors);
	sp_ctl_close(G.ctl);
	senseplane_free(G.fan);
	senseplane_free(G.tp.attn);
	free(G.tabs);
	return 0;
}
