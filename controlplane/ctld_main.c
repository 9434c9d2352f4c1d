/*
 * ctld_main.c - senseplane-ctld, one per node: keeps the node's registry
 * and subscriptions in Redis in step with its dataplane (cp_node), serves
 * the node API and /metrics (cp_api). One libevent loop; jemalloc is the
 * allocator of the whole process (hiredis 0.14 has no allocator hooks, so
 * it gets jemalloc by linking).
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <jansson.h>
#include <jemalloc/jemalloc.h>

#include "cp_api.h"
#include "cp_node.h"
#include "cp_url.h"
#include "sp_config.h"
#include "sp_notify.h"
#include "sp_log.h"

/*
 * The allocator's settings for a one-thread daemon that parses the
 * dataplane's figures every second and the registry every 30 s (jemalloc
 * reads this symbol at start; MALLOC_CONF still overrides it): no
 * per-thread cache and freed pages handed back at once, so that its
 * resident memory follows what it holds, not the last burst's leftovers
 * (a soak tells a leak from them by that).
 */
const char *malloc_conf = "tcache:false,dirty_decay_ms:0,muzzy_decay_ms:0";

/*
 * JSON in an arena of its own. The dataplane's figures arrive every second
 * as a tree of ~5 000 small objects, parsed while the previous tree is
 * still held: two trees' worth of 32- and 64-byte slabs, half used. In the
 * arena everything else uses, the daemon's long-lived objects land in those
 * slabs between trees and pin them, so the slabs in use crept up for as
 * long as it ran (+3.5 % in 25 minutes of the soak, jemalloc's "active"
 * growing while "allocated" stayed flat). Apart, the trees reuse the same
 * slabs every second. jemalloc's free() takes a pointer of any arena, so
 * what jansson hands out (json_dumps) is freed as before.
 */
static unsigned json_arena;

static void *json_arena_alloc(size_t n)
{
	return mallocx(n ? n : 1, MALLOCX_ARENA(json_arena) |
				  MALLOCX_TCACHE_NONE);
}

static void json_arena_free(void *p)
{
	if (p)
		dallocx(p, MALLOCX_TCACHE_NONE);
}

static void json_arena_setup(void)
{
	size_t sz = sizeof(json_arena);

	if (mallctl("arenas.create", &json_arena, &sz, NULL, 0) == 0)
		json_set_alloc_funcs(json_arena_alloc, json_arena_free);
	else
		sp_logf(stderr, LOG_WARNING, "senseplane-ctld: no arena of its "
			"own for JSON (jemalloc's arenas.create refused); "
			"sharing the default one\n");
}

static void usage(FILE *out)
{
	fprintf(out,
"usage: senseplane-ctld [options]\n"
"\n"
"The control-plane daemon of one node: registers the sensors its dataplane\n"
"sees in Redis, follows the other nodes' sensors, and applies the\n"
"subscriptions in Redis to its dataplane (controlplane/SCHEMA.md).\n"
"\n"
"  -c, --config FILE    configuration (default %s;\n"
"                       without it, the built-in defaults)\n"
"  -s, --set SEC.KEY=V  override a key (repeatable)\n"
"  -r, --redis URL      controlplane.redis: redis://[user:pass@]host:port/db,\n"
"                       unix:///path, sentinel://host:port,.../master\n"
"  -n, --node ID        controlplane.node (default: the host name)\n"
"      --socket PATH    control.socket of the dataplane\n"
"  -h, --help           this text\n", SP_CONFIG_DEFAULT);
}

/* The loop turns: systemd's watchdog is told so. */
static void on_watchdog(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	sp_notify_watchdog();
}

static void on_signal(evutil_socket_t sig, short what, void *base)
{
	(void)sig;
	(void)what;
	event_base_loopexit(base, NULL);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "config", 1, NULL, 'c' }, { "set", 1, NULL, 's' },
		{ "redis", 1, NULL, 'r' }, { "node", 1, NULL, 'n' },
		{ "socket", 1, NULL, 'S' }, { "help", 0, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct sp_config cfg;
	static struct cp_node node;
	const char *path = NULL, *sets[32];
	char err[512], buf[300], host[64];
	struct event_base *base;
	struct event *sint, *sterm, *wd = NULL;
	uint64_t wd_usec;
	struct cp_api *api;
	struct cp_url url;
	int nsets = 0, c, rc;

	json_arena_setup();   /* before any JSON is made */
	while ((c = getopt_long(argc, argv, "c:s:r:n:h", lo, NULL)) != -1) {
		switch (c) {
		case 'c': path = optarg; break;
		case 'h': usage(stdout); return 0;
		case 's': case 'r': case 'n': case 'S':
			if (nsets == 32) {
				sp_logf(stderr, LOG_ERR, "senseplane-ctld: too many "
					"overrides\n");
				return 2;
			}
			if (c == 's') {
				sets[nsets++] = optarg;
				break;
			}
			snprintf(buf, sizeof(buf), "%s=%s", c == 'r' ?
				 "controlplane.redis" : c == 'n' ?
				 "controlplane.node" : "control.socket", optarg);
			sets[nsets++] = strdup(buf);
			break;
		default: usage(stderr); return 2;
		}
	}
	sp_config_defaults(&cfg);
	/* a file named with -c must be there; the default one need not be */
	rc = path ? sp_config_load(&cfg, path, err, sizeof(err)) :
	     sp_config_load_default(&cfg, SP_CONFIG_DEFAULT, err, sizeof(err));
	if (rc < 0) {
		sp_logf(stderr, LOG_ERR, "senseplane-ctld: %s\n", err);
		return 2;
	}
	if (rc == 1)
		sp_logf(stdout, LOG_NOTICE, "senseplane-ctld: no %s: built-in "
			"defaults and attribute catalogue\n",
			SP_CONFIG_DEFAULT);
	for (int i = 0; i < nsets; i++) {
		if (sp_config_set(&cfg, sets[i], err, sizeof(err)) < 0) {
			sp_logf(stderr, LOG_ERR, "senseplane-ctld: %s\n", err);
			return 2;
		}
	}
	if (cp_url_parse(cfg.cp_redis, &url, err, sizeof(err)) < 0) {
		sp_logf(stderr, LOG_ERR, "senseplane-ctld: controlplane.redis: %s\n",
			err);
		return 2;
	}
	if (cfg.cp_node[0] == '\0') {
		gethostname(host, sizeof(host));
		host[sizeof(host) - 1] = '\0';
		snprintf(cfg.cp_node, sizeof(cfg.cp_node), "%s", host);
	}
	if (strpbrk(cfg.cp_node, " :/")) {
		sp_logf(stderr, LOG_ERR, "senseplane-ctld: node id '%s': no spaces, "
			"colons or slashes\n", cfg.cp_node);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	base = event_base_new();
	if (base == NULL ||
	    cp_node_start(&node, base, &cfg, cfg.cp_node, &url, err,
			  sizeof(err)) < 0) {
		sp_logf(stderr, LOG_ERR, "senseplane-ctld: %s\n", err);
		return 1;
	}
	api = cp_api_start(&node, err, sizeof(err));
	if (api == NULL) {
		sp_logf(stderr, LOG_ERR, "senseplane-ctld: %s\n", err);
		cp_node_stop(&node);
		return 1;
	}
	cp_url_print(&url, buf, sizeof(buf));
	sp_logf(stdout, LOG_INFO, "senseplane-ctld %s: node %s, Redis %s, prefix %s, api %s, "
	       "metrics %s\n", SP_VERSION_STR, cfg.cp_node, buf, cfg.cp_prefix,
	       cfg.cp_api, cfg.cp_metrics[0] ? cfg.cp_metrics : "off");
	fflush(stdout);
	sint = evsignal_new(base, SIGINT, on_signal, base);
	sterm = evsignal_new(base, SIGTERM, on_signal, base);
	evsignal_add(sint, NULL);
	evsignal_add(sterm, NULL);
	/* systemd: up (it listens; Redis and the dataplane are reconnected
	 * as they come), and the watchdog pinged by the loop itself */
	wd_usec = sp_notify_watchdog_usec();
	if (wd_usec) {
		struct timeval half = { (time_t)(wd_usec / 2000000),
					(suseconds_t)(wd_usec / 2 % 1000000) };

		wd = event_new(base, -1, EV_PERSIST, on_watchdog, NULL);
		event_add(wd, &half);
	}
	sp_notify_ready("listening");
	/* credentials refused at the first connection: a clear error, out */
	while (event_base_loop(base, EVLOOP_ONCE) == 0) {
		if (node.redis.fatal) {
			sp_logf(stderr, LOG_ERR, "senseplane-ctld: %s\n", node.redis.err);
			cp_api_stop(api);
			cp_node_stop(&node);
			return 3;
		}
		if (event_base_got_exit(base))
			break;
	}
	sp_logf(stdout, LOG_INFO, "senseplane-ctld: stopping\n");
	sp_notify_stopping();
	if (wd)
		event_free(wd);
	event_free(sint);
	event_free(sterm);
	cp_api_stop(api);
	cp_node_stop(&node);
	event_base_free(base);
	return 0;
}
