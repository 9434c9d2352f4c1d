/*
 * cp_node.c - a node's registry, discovery and subscription work (see
 * cp_node.h and SCHEMA.md).
 */
#include "cp_node.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <hiredis/hiredis.h>
#include <jansson.h>

#include "cp_registry.h"
#include "cp_schema.h"
#include "cp_subs.h"
#include "sp_log.h"
#include "sp_time.h"

/* The nodes whose key still exists. */
static const char ALIVE[] =
"local out = {}\n"
"for _, n in ipairs(redis.call('SMEMBERS', ARGV[1] .. 'nodes')) do\n"
"  if redis.call('EXISTS', ARGV[1] .. 'node:' .. n) == 1 then\n"
"    out[#out + 1] = n end\n"
"end\n"
"return out\n";

void cp_node_timer(struct event *ev, uint32_t ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	evtimer_add(ev, &tv);
}

struct cp_node *cp_node_of(redisAsyncContext *c)
{
	return c->data ? ((struct cp_redis *)c->data)->ctx : NULL;
}

/* ---- the dataplane ---- */

/* One request to our dataplane, its answer to @p cb (NULL: none wanted).
 * Nothing waits: the answer comes on the loop (cp_dplink.h). @return 0,
 * or -1 when the dataplane is not connected (@p cb is not called). */
int cp_node_dp_send(struct cp_node *n, cp_dplink_cb *cb, void *arg,
		   const char *line)
{
	return cp_dplink_call(n->dp, cb, arg, "%s", line);
}

/* ---- events ---- */

static void on_event(void *ctx, const char *msg)
{
	struct cp_node *n = ctx;
	struct cp_sensor_item it;
	struct cp_event e;
	const char *cur;
	uint32_t from;
	char key[CP_KEY_LEN];

	n->events_in++;
	if (cp_event_parse(msg, &e) < 0)
		return;
	if (e.t_ns && sp_wall_ns() > e.t_ns)
		sp_histo_add(&n->discovery_lag, sp_wall_ns() - e.t_ns);
	switch (e.type) {
	case CP_EV_SENSORS:
		from = cp_cache_node(&n->cache, e.name);
		cur = e.items;
		while (cp_event_next_sensor(&cur, &it) == 1) {
			const struct cp_cache_entry *old =
				cp_cache_get(&n->cache, it.sensor);
			int was_mine = old && old->node == n->me;

			if (cp_cache_set(&n->cache, it.sensor, from, it.epoch,
					 it.change == CP_SENSOR_GONE) <= 0)
				continue;
			if (from == n->me && it.change != CP_SENSOR_GONE) {
				/* ours now: its subscriptions apply here */
				n->moved_in += it.change == CP_SENSOR_MOVED;
				cp_subs_of_sensor(n, it.sensor);
			} else if (was_mine && from != n->me) {
				/* it moved away: it is not in our set */
				n->moved_out++;
				cp_redis_cmd(&n->redis, NULL, NULL,
					"SREM %s %" PRIu64,
					cp_key_node_sensors(key, sizeof(key),
							    n->pfx, n->node),
					it.sensor);
			}
		}
		break;
	case CP_EV_SUB: {
		const struct cp_cache_entry *o = cp_cache_get(&n->cache,
							      e.sensor);

		if (o && o->node == n->me)
			cp_subs_apply(n, e.name, e.sensor, e.attr);
		break;
	}
	case CP_EV_PIN: {
		const struct cp_cache_entry *o = cp_cache_get(&n->cache,
							      e.sensor);

		if (o && o->node == n->me)
			cp_subs_pin_event(n, e.sensor);
		break;
	}
	case CP_EV_VIEWER:
		cp_subs_viewer_event(n, e.name);
		break;
	default:
		break;
	}
}

/* ---- heartbeat, liveness, resync ---- */

static void heartbeat(struct cp_node *n)
{
	char key[CP_KEY_LEN], nodes[CP_KEY_LEN], started[24], workers[12];

	cp_key_node(key, sizeof(key), n->pfx, n->node);
	cp_key_nodes(nodes, sizeof(nodes), n->pfx);
	snprintf(started, sizeof(started), "%" PRIu64, n->started_ms);
	snprintf(workers, sizeof(workers), "%u", n->dp_workers);
	cp_redis_cmd(&n->redis, NULL, NULL, "HSET %s api %s lcores %s version "
		     "%s started %s session %s", key, n->cfg->cp_api, workers,
		     SP_VERSION_STR, started, n->dp_session[0] ?
		     n->dp_session : "-");
	cp_redis_cmd(&n->redis, NULL, NULL, "PEXPIRE %s %u", key,
		     n->cfg->cp_node_ttl_ms);
	cp_redis_cmd(&n->redis, NULL, NULL, "SADD %s %s", nodes, n->node);
}

static void on_heartbeat(evutil_socket_t fd, short what, void *arg)
{
	struct cp_node *n = arg;

	(void)fd;
	(void)what;
	heartbeat(n);
	cp_node_timer(n->t_heartbeat, n->cfg->cp_heartbeat_ms);
}

static void on_alive_reply(redisAsyncContext *c, void *reply, void *priv)
{
	struct cp_node *n = priv;
	redisReply *r = reply;

	(void)c;
	if (r == NULL || r->type != REDIS_REPLY_ARRAY)
		return;
	memset(n->cache.alive, 0, sizeof(n->cache.alive));
	for (size_t i = 0; i < r->elements; i++)
		n->cache.alive[cp_cache_node(&n->cache, r->element[i]->str)] = 1;
}

static void on_alive(evutil_socket_t fd, short what, void *arg)
{
	struct cp_node *n = arg;

	(void)fd;
	(void)what;
	cp_redis_cmd(&n->redis, on_alive_reply, n, "EVAL %s 0 %s", ALIVE,
		     n->pfx);
	cp_node_timer(n->t_alive, 500);
}

/*
 * The full resync: SCAN every sensor key into the cache, a page of about
 * 1 000 keys at a time, each page's hashes read by pipelined HMGETs (one
 * write, replies in order: a million sensors take a thousand round trips,
 * not a million). No script: one that read a page's hashes held Redis
 * for about 11 ms every controlplane.resync_s (every client waited, and
 * its slowlog kept each) and grew Redis's Lua heap with 4 000 strings a
 * call; plain commands let Redis serve others between them.
 */
struct scan_item {
	struct scan_page *page;
	uint64_t id;
};

struct scan_page {
	struct cp_node *n;
	uint32_t left;               /* HMGET replies still to come */
	struct scan_item it[];
};

/* A sensor key's ID, or 0 when @p key is not PFX "sensor:" digits. */
static uint64_t sensor_of_key(const struct cp_node *n, const char *key)
{
	size_t pl = strlen(n->pfx);
	const char *p = key + pl + 7;
	char *end;
	uint64_t id;

	if (strncmp(key, n->pfx, pl) != 0 || strncmp(key + pl, "sensor:", 7) ||
	    *p < '0' || *p > '9')
		return 0;
	id = strtoull(p, &end, 10);
	return *end == '\0' ? id : 0;
}

static void page_done(struct scan_page *pg)
{
	if (--pg->left == 0)
		free(pg);
}

/* One sensor's node, epoch and idle (or nothing: the connection went, or
 * the hash with it). */
static void on_hash(redisAsyncContext *c, void *reply, void *priv)
{
	struct scan_item *it = priv;
	struct scan_page *pg = it->page;
	redisReply *r = reply, **e;

	(void)c;
	if (r && r->type == REDIS_REPLY_ARRAY && r->elements == 3 &&
	    (e = r->element)[0]->type == REDIS_REPLY_STRING) {
		cp_cache_set(&pg->n->cache, it->id,
			     cp_cache_node(&pg->n->cache, e[0]->str),
			     e[1]->type == REDIS_REPLY_STRING ?
			     strtoull(e[1]->str, NULL, 10) : 0,
			     e[2]->type == REDIS_REPLY_STRING &&
			     e[2]->str[0] == '1');
	}
	page_done(pg);
}

static void on_scan(redisAsyncContext *c, void *reply, void *priv);

static void scan_page(struct cp_node *n, const char *cursor)
{
	char match[CP_KEY_LEN];
	const char *argv[] = { "SCAN", cursor, "MATCH", match, "COUNT",
			       "1000" };

	snprintf(match, sizeof(match), "%ssensor:*", n->pfx);
	cp_redis_cmdargv(&n->redis, on_scan, n, 6, argv, NULL);
}

static void on_scan(redisAsyncContext *c, void *reply, void *priv)
{
	struct cp_node *n = priv;
	redisReply *r = reply, *keys;
	struct scan_page *pg;

	(void)c;
	if (r == NULL || r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
	    r->element[0]->type != REDIS_REPLY_STRING ||
	    (keys = r->element[1])->type != REDIS_REPLY_ARRAY) {
		if (r && r->type == REDIS_REPLY_ERROR && n->registry_errors++ < 5)
			sp_logf(stderr, LOG_WARNING, "senseplane-ctld: cache "
				"resync: %s\n", r->str);
		return;
	}
	pg = keys->elements ? malloc(sizeof(*pg) + keys->elements *
				     sizeof(pg->it[0])) : NULL;
	if (pg) {
		pg->n = n;
		pg->left = 1;        /* ours, until every HMGET is asked */
		for (size_t i = 0; i < keys->elements; i++) {
			struct scan_item *it = &pg->it[i];
			const redisReply *k = keys->element[i];

			if (k->type != REDIS_REPLY_STRING ||
			    (it->id = sensor_of_key(n, k->str)) == 0)
				continue;
			it->page = pg;
			pg->left++;
			if (cp_redis_cmd(&n->redis, on_hash, it,
					 "HMGET %s node epoch idle",
					 k->str) < 0)
				pg->left--;
		}
		page_done(pg);
	}
	if (strcmp(r->element[0]->str, "0") != 0)
		scan_page(n, r->element[0]->str);
}

static void resync_cache(struct cp_node *n)
{
	n->resyncs++;
	scan_page(n, "0");
}

static void on_resync(evutil_socket_t fd, short what, void *arg)
{
	struct cp_node *n = arg;

	(void)fd;
	(void)what;
	/* the safety net: what the channel carried, and what a client
	 * wrote without saying so */
	resync_cache(n);
	cp_subs_resync(n);
	cp_node_timer(n->t_resync, n->cfg->cp_resync_s * 1000);
}

/* After (re)connecting: restore if Redis lost our data, then push our
 * node and sensors, re-read the subscriptions, resync the cache. Our own
 * sensor set has no TTL: if it is gone, Redis lost what we had written
 * (another node may have written its own already, so "Redis is empty" is
 * not the test). */
static void on_nodes_exist(redisAsyncContext *c, void *reply, void *priv)
{
	struct cp_node *n = priv;
	redisReply *r = reply;

	(void)c;
	if (r && r->type == REDIS_REPLY_INTEGER && r->integer == 0)
		cp_subs_restore(n);
	heartbeat(n);
	cp_registry_all(n);
	cp_subs_resync(n);
	resync_cache(n);
}

static void on_redis_up(void *ctx)
{
	struct cp_node *n = ctx;
	char nodes[CP_KEY_LEN];

	sp_logf(stderr, LOG_INFO, "senseplane-ctld: node %s: Redis up (%s:%d)\n",
		n->node, n->redis.host, n->redis.port);
	cp_redis_cmd(&n->redis, on_nodes_exist, n, "EXISTS %s",
		     cp_key_node_sensors(nodes, sizeof(nodes), n->pfx,
					 n->node));
}

static void on_redis_down(void *ctx, const char *why)
{
	struct cp_node *n = ctx;

	sp_logf(stderr, LOG_WARNING, "senseplane-ctld: node %s: %s; the dataplane keeps "
		"forwarding, retrying\n", n->node, why);
}

/* ---- the dataplane's event stream ---- */

static void on_watch_read(struct bufferevent *bev, void *arg)
{
	struct cp_node *n = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	char *line;
	size_t len;

	while ((line = evbuffer_readln(in, &len, EVBUFFER_EOL_LF))) {
		json_t *e = json_loads(line, 0, NULL);
		const char *kind = json_string_value(json_object_get(e,
								"event"));
		uint64_t id = (uint64_t)json_integer_value(json_object_get(e,
								"sensor"));

		if (kind && strcmp(kind, "seen") == 0)
			cp_registry_pend(n, id, (unsigned int)json_integer_value(
				json_object_get(e, "worker")));
		else if (kind && strcmp(kind, "idle") == 0)
			cp_registry_idle(n, id);
		json_decref(e);
		free(line);
	}
}

static void on_watch_event(struct bufferevent *bev, short what, void *arg)
{
	struct cp_node *n = arg;

	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
		sp_logf(stderr, LOG_WARNING, "senseplane-ctld: lost the dataplane's events "
			"(%s%s); reconnecting\n", what & BEV_EVENT_EOF ? "closed" :
			"error", what & BEV_EVENT_READING ? " reading" : "");
		bufferevent_free(bev);
		n->watch = NULL;
	}
}

static void on_ping(void *arg, json_t *p, const char *err)
{
	struct cp_node *n = arg;

	(void)err;
	if (p == NULL)
		return;
	n->dp_retries = 0;
	n->dp_workers = (uint32_t)json_integer_value(json_object_get(p,
								"workers"));
	snprintf(n->dp_session, sizeof(n->dp_session), "%s",
		 json_string_value(json_object_get(p, "session")) ?: "");
	sp_logf(stderr, LOG_INFO, "senseplane-ctld: node %s: dataplane at %s, session "
		"%s\n", n->node, n->cfg->ctl_socket, n->dp_session);
}

/* The link to the dataplane went down: say why once per outage (the
 * first failure after it was up), then every tenth failure that it still
 * is, without the reason again. */
static void on_dp_state(void *ctx, const char *why)
{
	struct cp_node *n = ctx;
	uint64_t k;

	if (why == NULL)
		return;
	n->dp_errors++;
	k = n->dp_retries++;
	if (k == 0)
		sp_logf(stderr, LOG_WARNING, "senseplane-ctld: node %s: %s; the node stays "
			"registered, reconnecting\n", n->node, why);
	else if (k % 10 == 0)
		sp_logf(stderr, LOG_WARNING, "senseplane-ctld: node %s: the "
			"dataplane is still down (%" PRIu64 " failures); "
			"reconnecting\n", n->node, k);
}

/* The dataplane's figures for /metrics, every second (cp_api.c serves
 * the last ones, so a scrape never waits for the dataplane). */
static void on_dp_stats(void *arg, json_t *st, const char *err)
{
	struct cp_node *n = arg;
	size_t need;

	(void)err;
	if (st == NULL)
		return;
	need = json_dumpb(st, NULL, 0, JSON_COMPACT) + 1;
	if (need > n->dp_stats_cap) {
		char *p = realloc(n->dp_stats, need + need / 4);

		if (p == NULL)
			return;
		n->dp_stats = p;
		n->dp_stats_cap = need + need / 4;
	}
	n->dp_stats[json_dumpb(st, n->dp_stats, need - 1, JSON_COMPACT)] = '\0';
	n->dp_stats_ms = sp_wall_ns() / 1000000;
	cp_registry_on_dp_lost(n, (uint64_t)json_integer_value(json_object_get(
		json_object_get(st, "totals"), "events_lost")));
}

/* Connect to the dataplane (requests and events), or retry in a second. */
static void dp_connect(struct cp_node *n)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (!cp_dplink_up(n->dp)) {
		if (cp_dplink_connect(n->dp) < 0) {
			if (n->dp_retries++ % 10 == 0)
				sp_logf(stderr, LOG_WARNING, "senseplane-ctld: cannot connect "
					"to the dataplane at %s: %s (is "
					"senseplane-dp running? --socket)\n",
					n->cfg->ctl_socket, strerror(errno));
			return;
		}
		cp_node_dp_send(n, on_ping, n, "ping");
	}
	if (n->watch == NULL) {
		if (strlen(n->cfg->ctl_socket) >= sizeof(sa.sun_path))
			return;
		memcpy(sa.sun_path, n->cfg->ctl_socket,
		       strlen(n->cfg->ctl_socket) + 1);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&sa,
				      sizeof(sa)) < 0) {
			if (fd >= 0)
				close(fd);
			return;
		}
		evutil_make_socket_nonblocking(fd);
		n->watch = bufferevent_socket_new(n->base, fd,
						  BEV_OPT_CLOSE_ON_FREE);
		bufferevent_setcb(n->watch, on_watch_read, NULL,
				  on_watch_event, n);
		bufferevent_enable(n->watch, EV_READ);
		bufferevent_write(n->watch, "watch\n", 6);
		/* what it saw before we watched */
		if (n->redis.up) {
			cp_registry_all(n);
			cp_subs_resync(n);
		}
	}
}

static void on_dp_timer(evutil_socket_t fd, short what, void *arg)
{
	struct cp_node *n = arg;

	(void)fd;
	(void)what;
	dp_connect(n);
	cp_node_dp_send(n, on_dp_stats, n, "stats");
	cp_node_timer(n->t_dp, 1000);
}

/* ---- lifecycle ---- */

int cp_node_start(struct cp_node *n, struct event_base *base,
		  const struct sp_config *cfg, const char *node,
		  const struct cp_url *url, char *err, size_t errlen)
{
	static const struct cp_redis_ops ops = { on_redis_up, on_redis_down,
						 on_event };
	char cerr[256];

	memset(n, 0, sizeof(*n));
	n->base = base;
	n->cfg = cfg;
	n->pfx = cfg->cp_prefix;
	snprintf(n->node, sizeof(n->node), "%s", node);
	n->started_ms = sp_wall_ns() / 1000000;
	n->cat = sp_catalog_open(cfg->catalog, cerr, sizeof(cerr));
	if (n->cat == NULL) {
		snprintf(err, errlen, "%s", cerr);
		return -1;
	}
	if (cp_cache_init(&n->cache) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	n->me = cp_cache_node(&n->cache, n->node);
	n->redis.base = base;
	n->redis.url = *url;
	n->redis.ops = ops;
	n->redis.ctx = n;
	cp_channel(n->redis.channel, sizeof(n->redis.channel), n->pfx);
	n->t_heartbeat = evtimer_new(base, on_heartbeat, n);
	n->t_flush = evtimer_new(base, cp_registry_on_flush, n);
	n->t_resync = evtimer_new(base, on_resync, n);
	n->t_alive = evtimer_new(base, on_alive, n);
	n->t_dp = evtimer_new(base, on_dp_timer, n);
	n->t_seen = evtimer_new(base, cp_registry_on_seen, n);
	n->dp = cp_dplink_new(base, cfg->ctl_socket, CP_DP_TIMEOUT_MS,
			      on_dp_state, n);
	if (n->dp == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	dp_connect(n);
	cp_redis_start(&n->redis);
	cp_node_timer(n->t_heartbeat, cfg->cp_heartbeat_ms);
	cp_node_timer(n->t_resync, cfg->cp_resync_s * 1000);
	cp_node_timer(n->t_alive, 500);
	cp_node_timer(n->t_dp, 1000);
	cp_node_timer(n->t_seen, cfg->cp_last_seen_s * 1000);
	return 0;
}

void cp_node_stop(struct cp_node *n)
{
	struct event *t[] = { n->t_heartbeat, n->t_flush, n->t_resync,
			      n->t_alive, n->t_dp, n->t_seen };

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i])
			event_free(t[i]);
	if (n->watch)
		bufferevent_free(n->watch);
	cp_redis_stop(&n->redis);
	cp_dplink_free(n->dp);
	free(n->dp_stats);
	cp_cache_free(&n->cache);
	struct cp_batch *b[] = { &n->pend, &n->seen, &n->idle, &n->subq };

	for (size_t i = 0; i < sizeof(b) / sizeof(b[0]); i++) {
		cp_batch_free(b[i]);
	}
	sp_catalog_free(n->cat);
}

const struct cp_cache_entry *cp_node_whereis(struct cp_node *n,
					     uint64_t sensor)
{
	uint64_t a = sp_mono_ns();
	const struct cp_cache_entry *e = cp_cache_get(&n->cache, sensor);

	sp_histo_add(&n->whereis_ns, sp_mono_ns() - a);
	return e;
}
