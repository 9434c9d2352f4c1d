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

#include "cp_schema.h"
#include "sp_args.h"

#define BATCH 256
#define KEY 192

/* Register a batch of sensors for node ARGV[1]: a sensor nobody owns gets
 * epoch 1, ours keeps its epoch, another node's moves to us with epoch + 1.
 * Then one event for what is new. Atomic: a sensor has one owner. */
static const char CLAIM[] =
"local out = {}\n"
"for i = 5, #ARGV do\n"
"  local id, lcore = string.match(ARGV[i], '(%d+):(%d+)')\n"
"  local key = ARGV[3] .. 'sensor:' .. id\n"
"  local cur = redis.call('HMGET', key, 'node', 'epoch')\n"
"  local epoch = tonumber(cur[2]) or 0\n"
"  local ch = 's'\n"
"  if not cur[1] then epoch = 1; ch = 'r'\n"
"  elseif cur[1] ~= ARGV[1] then epoch = epoch + 1; ch = 'm' end\n"
"  redis.call('HSET', key, 'node', ARGV[1], 'lcore', lcore,\n"
"             'last_seen', ARGV[2], 'epoch', epoch, 'idle', 0)\n"
"  redis.call('HSETNX', key, 'first_seen', ARGV[2])\n"
"  redis.call('SADD', KEYS[1], id)\n"
"  if ch ~= 's' then out[#out + 1] = id .. ':' .. epoch .. ':' .. ch end\n"
"end\n"
"if #out > 0 then\n"
"  redis.call('PUBLISH', ARGV[3] .. 'events',\n"
"             'S ' .. ARGV[1] .. ' ' .. ARGV[4] .. ' ' .. table.concat(out, ' '))\n"
"end\n"
"return #out\n";

/* The nodes whose key still exists. */
static const char ALIVE[] =
"local out = {}\n"
"for _, n in ipairs(redis.call('SMEMBERS', ARGV[1] .. 'nodes')) do\n"
"  if redis.call('EXISTS', ARGV[1] .. 'node:' .. n) == 1 then\n"
"    out[#out + 1] = n end\n"
"end\n"
"return out\n";

/* A subscription and its viewer: {level, pttl, dest, viewer level}. */
static const char SUBINFO[] =
"return {redis.call('GET', KEYS[1]), redis.call('PTTL', KEYS[1]),\n"
"        redis.call('HGET', KEYS[2], 'dest'),\n"
"        redis.call('HGET', KEYS[2], 'level')}\n";

static uint64_t wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void add_timer(struct event *ev, uint32_t ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	evtimer_add(ev, &tv);
}

static struct cp_node *node_of(redisAsyncContext *c)
{
	return c->data ? ((struct cp_redis *)c->data)->ctx : NULL;
}

/* ---- the dataplane ---- */

/* One request to our dataplane, its answer to @p cb (NULL: none wanted).
 * Nothing waits: the answer comes on the loop (cp_dplink.h). @return 0,
 * or -1 when the dataplane is not connected (@p cb is not called). */
static int dp_send(struct cp_node *n, cp_dplink_cb *cb, void *arg,
		   const char *line)
{
	return cp_dplink_call(n->dp, cb, arg, "%s", line);
}

/* ---- registration ---- */

static void on_claimed(redisAsyncContext *c, void *reply, void *priv)
{
	struct cp_node *n = priv;
	redisReply *r = reply;

	(void)c;
	if (r == NULL || r->type == REDIS_REPLY_ERROR) {
		n->registry_errors++;
		if (r)
			fprintf(stderr, "senseplane-ctld: registry: %s\n",
				r->str);
	}
}

/* Send what waits to be registered, one script call per BATCH. */
static void flush_pending(struct cp_node *n)
{
	char nodes_key[KEY], now_ms[24], t_ns[24];
	const char *argv[BATCH + 8];

	if (n->npend == 0 || !n->redis.up)
		return;
	cp_key_node_sensors(nodes_key, sizeof(nodes_key), n->pfx, n->node);
	snprintf(now_ms, sizeof(now_ms), "%" PRIu64, wall_ns() / 1000000);
	snprintf(t_ns, sizeof(t_ns), "%" PRIu64, wall_ns());
	for (uint32_t off = 0; off < n->npend; off += BATCH) {
		uint32_t k = n->npend - off < BATCH ? n->npend - off : BATCH;
		int argc = 0;

		argv[argc++] = "EVAL";
		argv[argc++] = CLAIM;
		argv[argc++] = "1";
		argv[argc++] = nodes_key;
		argv[argc++] = n->node;
		argv[argc++] = now_ms;
		argv[argc++] = n->pfx;
		argv[argc++] = t_ns;
		for (uint32_t i = 0; i < k; i++)
			argv[argc++] = n->pend[off + i];
		if (cp_redis_cmdargv(&n->redis, on_claimed, n, argc, argv,
				     NULL) == 0) {
			n->registry_writes += k;
			n->registry_batches++;
		}
	}
	for (uint32_t i = 0; i < n->npend; i++)
		free(n->pend[i]);
	n->npend = 0;
}

static void pend(struct cp_node *n, uint64_t sensor, unsigned int worker)
{
	char buf[48];

	if (n->npend == n->cap_pend) {
		uint32_t cap = n->cap_pend ? n->cap_pend * 2 : 1024;
		char **p = realloc(n->pend, cap * sizeof(*p));

		if (p == NULL)
			return;
		n->pend = p;
		n->cap_pend = cap;
	}
	snprintf(buf, sizeof(buf), "%" PRIu64 ":%u", sensor, worker);
	n->pend[n->npend] = strdup(buf);
	if (n->pend[n->npend])
		n->npend++;
	if (!evtimer_pending(n->t_flush, NULL))
		add_timer(n->t_flush, 1);   /* batch what comes within 1 ms */
}

static void on_flush(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	flush_pending(arg);
}

/* The sensor went idle: marked so, and said on the channel. */
static void sensor_idle(struct cp_node *n, uint64_t sensor)
{
	const struct cp_cache_entry *e = cp_cache_get(&n->cache, sensor);
	char key[KEY], chan[KEY];

	cp_key_sensor(key, sizeof(key), n->pfx, sensor);
	cp_channel(chan, sizeof(chan), n->pfx);
	cp_redis_cmd(&n->redis, NULL, NULL, "HSET %s idle 1", key);
	cp_redis_cmd(&n->redis, NULL, NULL, "PUBLISH %s S %s %" PRIu64
		     " %" PRIu64 ":%" PRIu64 ":g", chan, n->node, wall_ns(),
		     sensor, e ? e->epoch : 0);
}

/* Each sensor the dataplane has, a page at a time, then @p done. */
struct pager {
	struct cp_node *n;
	void (*fn)(struct cp_node *, const json_t *row);
	void (*done)(struct cp_node *);
};

static void on_page(void *arg, json_t *r, const char *err)
{
	struct pager *pg = arg;
	json_t *s;
	size_t i;

	(void)err;
	if (r == NULL) {   /* the link went down: the reconnect starts over */
		free(pg);
		return;
	}
	json_array_foreach(json_object_get(r, "sensors"), i, s)
		pg->fn(pg->n, s);
	if (json_is_true(json_object_get(r, "more")) &&
	    cp_dplink_call(pg->n->dp, on_page, pg, "sensors 10000 %" PRIu64,
			   (uint64_t)json_integer_value(json_object_get(r,
								"next"))) == 0)
		return;
	if (pg->done)
		pg->done(pg->n);
	free(pg);
}

static void each_dp_sensor(struct cp_node *n,
			   void (*fn)(struct cp_node *, const json_t *row),
			   void (*done)(struct cp_node *))
{
	struct pager *pg = calloc(1, sizeof(*pg));

	if (pg == NULL)
		return;
	*pg = (struct pager){ n, fn, done };
	if (dp_send(n, on_page, pg, "sensors 10000 0") < 0)
		free(pg);
}

static uint64_t row_id(const json_t *row)
{
	return (uint64_t)json_integer_value(json_object_get(row, "id"));
}

static void pend_row(struct cp_node *n, const json_t *row)
{
	pend(n, row_id(row), (unsigned int)json_integer_value(
		json_object_get(row, "worker")));
}

/* Every sensor the dataplane has: the start and every reconnect. */
static void register_all(struct cp_node *n)
{
	each_dp_sensor(n, pend_row, flush_pending);
}

/* ---- last_seen ---- */

/* last_seen of sensors that are still ours: "ID:MS" each, never back. */
static const char SEEN[] =
"for i = 3, #ARGV do\n"
"  local id, ms = string.match(ARGV[i], '(%d+):(%d+)')\n"
"  local key = ARGV[2] .. 'sensor:' .. id\n"
"  local cur = redis.call('HMGET', key, 'node', 'last_seen')\n"
"  if cur[1] == ARGV[1] and (tonumber(cur[2]) or 0) < tonumber(ms) then\n"
"    redis.call('HSET', key, 'last_seen', ms) end\n"
"end\n"
"return 0\n";

static void flush_seen(struct cp_node *n)
{
	const char *argv[BATCH + 8];

	for (uint32_t off = 0; off < n->nseen; off += BATCH) {
		uint32_t k = n->nseen - off < BATCH ? n->nseen - off : BATCH;
		int argc = 0;

		argv[argc++] = "EVAL";
		argv[argc++] = SEEN;
		argv[argc++] = "0";
		argv[argc++] = n->node;
		argv[argc++] = n->pfx;
		for (uint32_t i = 0; i < k; i++)
			argv[argc++] = n->seen[off + i];
		if (cp_redis_cmdargv(&n->redis, NULL, NULL, argc, argv,
				     NULL) == 0)
			n->seen_writes += k;
	}
	for (uint32_t i = 0; i < n->nseen; i++)
		free(n->seen[i]);
	n->nseen = 0;
}

/* A sensor that sent since the last sweep gets its time written: one
 * write per active sensor per controlplane.last_seen_s, not per packet. */
static void seen_row(struct cp_node *n, const json_t *row)
{
	double age = json_number_value(json_object_get(row, "age_ms"));
	uint64_t now_ms = wall_ns() / 1000000;
	char buf[48];

	if (age > n->cfg->cp_last_seen_s * 1000.0 + 1000 || age < 0 ||
	    (double)now_ms < age)
		return;
	if (n->nseen == n->cap_seen) {
		uint32_t cap = n->cap_seen ? n->cap_seen * 2 : 1024;
		char **p = realloc(n->seen, cap * sizeof(*p));

		if (p == NULL)
			return;
		n->seen = p;
		n->cap_seen = cap;
	}
	snprintf(buf, sizeof(buf), "%" PRIu64 ":%" PRIu64, row_id(row),
		 now_ms - (uint64_t)age);
	n->seen[n->nseen] = strdup(buf);
	if (n->seen[n->nseen])
		n->nseen++;
	if (n->nseen >= BATCH)
		flush_seen(n);
}

static void on_seen_timer(evutil_socket_t fd, short what, void *arg)
{
	struct cp_node *n = arg;

	(void)fd;
	(void)what;
	if (n->redis.up)
		each_dp_sensor(n, seen_row, flush_seen);
	add_timer(n->t_seen, n->cfg->cp_last_seen_s * 1000);
}

/* ---- subscriptions ---- */

struct subq {
	struct cp_node *n;
	char viewer[CP_NAME_MAX];
	uint64_t sensor;
	uint16_t attr;
	char line_viewer[160], line_sub[160];
};

/* A request from Redis that our dataplane refused: the reason goes where
 * the user who wrote it looks, the viewer's "error" field in Redis
 * (`senseplane --redis URL viewer ls` shows it), and to our log. */
static void refuse(struct cp_node *n, const char *viewer, const char *line,
		   const char *why)
{
	char k[KEY], msg[400];

	snprintf(msg, sizeof(msg), "node %s: %s: %s", n->node, line, why);
	fprintf(stderr, "senseplane-ctld: %s\n", msg);
	n->refused++;
	cp_key_viewer(k, sizeof(k), n->pfx, viewer);
	cp_redis_cmd(&n->redis, NULL, NULL, "HSET %s error %s", k, msg);
}

static void on_sub_added(void *arg, json_t *a, const char *err)
{
	struct subq *q = arg;

	if (a && sp_ctl_error(a))
		refuse(q->n, q->viewer, q->line_sub, sp_ctl_error(a));
	else if (a)
		q->n->subs_applied++;
	(void)err;   /* the link went down: resync applies it again */
	free(q);
}

static void on_viewer_added(void *arg, json_t *a, const char *err)
{
	struct subq *q = arg;

	(void)err;
	if (a && sp_ctl_error(a) && !strstr(sp_ctl_error(a), "exists"))
		refuse(q->n, q->viewer, q->line_viewer, sp_ctl_error(a));
	else if (a && dp_send(q->n, on_sub_added, q, q->line_sub) == 0)
		return;
	free(q);
}

/* What Redis says of one subscription, applied to our dataplane: made
 * (with its viewer's lens, and what is left of its TTL) or removed. */
static void on_subinfo(redisAsyncContext *c, void *reply, void *priv)
{
	struct subq *q = priv;
	struct cp_node *n = q->n;
	redisReply *r = reply;
	char member[32], line[256];

	(void)c;
	cp_sub_member(member, sizeof(member), q->sensor, q->attr);
	if (sp_args_name(q->viewer, line, sizeof(line)) < 0) {
		refuse(n, q->viewer, "viewer", line);
		goto out;
	}
	if (r == NULL || r->type != REDIS_REPLY_ARRAY || r->elements != 4) {
		if (n->registry_errors++ < 5)
			fprintf(stderr, "senseplane-ctld: subscription %s %s: "
				"%s\n", q->viewer, member, r && r->type ==
				REDIS_REPLY_ERROR ? r->str : "no answer");
		goto out;
	}
	if (r->element[2]->type != REDIS_REPLY_STRING) {
		/* the viewer is not in Redis: one made on this node's control
		 * socket, the node's own, left alone like a local pin (README,
		 * SCHEMA.md); a cluster viewer's removal comes as its event */
		n->subs_local++;
		goto out;
	}
	if (r->element[0]->type != REDIS_REPLY_STRING) {
		/* gone (removed, or its TTL ran out) */
		snprintf(line, sizeof(line), "sub rm %s %s", q->viewer, member);
		dp_send(n, NULL, NULL, line);
		n->subs_removed++;
		goto out;
	}
	/* its viewer's lens first, then the subscription: in order on the
	 * link, the second sent when the first is answered */
	snprintf(q->line_viewer, sizeof(q->line_viewer), "viewer add %s %s %s",
		 q->viewer, r->element[2]->str, r->element[3]->type ==
		 REDIS_REPLY_STRING ? r->element[3]->str : "medium");
	if (r->element[1]->type == REDIS_REPLY_INTEGER &&
	    r->element[1]->integer > 0)
		snprintf(q->line_sub, sizeof(q->line_sub), "sub add %s %s %s "
			 "ttl=%lld", q->viewer, member, r->element[0]->str,
			 r->element[1]->integer);
	else
		snprintf(q->line_sub, sizeof(q->line_sub), "sub add %s %s %s",
			 q->viewer, member, r->element[0]->str);
	if (dp_send(n, on_viewer_added, q, q->line_viewer) == 0)
		return;
out:
	free(q);
}

static void apply_sub(struct cp_node *n, const char *viewer, uint64_t sensor,
		      uint16_t attr)
{
	struct subq *q = calloc(1, sizeof(*q));
	char k1[KEY], k2[KEY];

	if (q == NULL)
		return;
	q->n = n;
	snprintf(q->viewer, sizeof(q->viewer), "%s", viewer);
	q->sensor = sensor;
	q->attr = attr;
	cp_key_sub(k1, sizeof(k1), n->pfx, viewer, sensor, attr);
	cp_key_viewer(k2, sizeof(k2), n->pfx, viewer);
	if (cp_redis_cmd(&n->redis, on_subinfo, q, "EVAL %s 2 %s %s", SUBINFO,
			 k1, k2) < 0)
		free(q);
}

/* The members of sensor:ID:subs are "VIEWER" or "VIEWER/ATTR". */
static void on_sensor_subs(redisAsyncContext *c, void *reply, void *priv)
{
	struct cp_node *n = node_of(c);
	redisReply *r = reply;
	uint64_t sensor = (uint64_t)(uintptr_t)priv;

	if (n == NULL || r == NULL || r->type != REDIS_REPLY_ARRAY)
		return;
	for (size_t i = 0; i < r->elements; i++) {
		char v[CP_NAME_MAX], *slash;
		unsigned long attr = 0;

		snprintf(v, sizeof(v), "%s", r->element[i]->str);
		slash = strchr(v, '/');
		if (slash) {
			*slash = '\0';
			attr = strtoul(slash + 1, NULL, 10);
		}
		apply_sub(n, v, sensor, (uint16_t)attr);
	}
}

static void subs_of_sensor(struct cp_node *n, uint64_t sensor)
{
	char key[KEY];

	cp_key_sensor_subs(key, sizeof(key), n->pfx, sensor);
	cp_redis_cmd(&n->redis, on_sensor_subs, (void *)(uintptr_t)sensor,
		     "SMEMBERS %s", key);
}

static void subs_of_row(struct cp_node *n, const json_t *row)
{
	subs_of_sensor(n, row_id(row));
}

/* What our dataplane holds, checked against Redis: each subscription is
 * re-read (and removed when Redis no longer has it); each sensor's
 * subscriptions in Redis are applied. */
static void on_dp_subs(void *arg, json_t *r, const char *err)
{
	struct cp_node *n = arg;
	json_t *s;
	size_t i;

	(void)err;
	json_array_foreach(r ? json_object_get(r, "subs") : NULL, i, s) {
		uint64_t sensor = (uint64_t)json_integer_value(
			json_object_get(s, "sensor"));
		const char *attr = json_string_value(json_object_get(s, "attr"));
		uint16_t a = 0;

		if (attr && strcmp(attr, "*") != 0) {
			const struct sp_attr *at = sp_catalog_find(n->cat, attr);

			if (at == NULL)
				continue;
			a = (uint16_t)at->id;
		}
		apply_sub(n, json_string_value(json_object_get(s, "viewer")),
			  sensor, a);
	}
}

static void resync_subs(struct cp_node *n)
{
	dp_send(n, on_dp_subs, n, "sub ls");
	each_dp_sensor(n, subs_of_row, NULL);
}

/* ---- events ---- */

/* The pins set says whether the sensor is pinned: our dataplane follows. */
static void on_pin(redisAsyncContext *c, void *reply, void *priv)
{
	struct cp_node *n = node_of(c);
	redisReply *r = reply;
	char line[64];

	if (n == NULL || r == NULL || r->type != REDIS_REPLY_INTEGER)
		return;
	snprintf(line, sizeof(line), "%s %" PRIu64, r->integer ? "pin" : "unpin",
		 (uint64_t)(uintptr_t)priv);
	dp_send(n, NULL, NULL, line);   /* "already" is fine */
}

/* A viewer that no longer exists in Redis goes from our dataplane too;
 * one that exists gets its lens when a subscription here needs it. */
static void on_viewer(redisAsyncContext *c, void *reply, void *priv)
{
	struct cp_node *n = node_of(c);
	redisReply *r = reply;
	char line[96];

	if (n && r && r->type == REDIS_REPLY_INTEGER && r->integer == 0) {
		snprintf(line, sizeof(line), "viewer rm %s", (char *)priv);
		dp_send(n, NULL, NULL, line);
	}
	free(priv);
}

static void on_event(void *ctx, const char *msg)
{
	struct cp_node *n = ctx;
	struct cp_sensor_item it;
	struct cp_event e;
	const char *cur;
	uint32_t from;
	char key[KEY];

	n->events_in++;
	if (cp_event_parse(msg, &e) < 0)
		return;
	if (e.t_ns && wall_ns() > e.t_ns)
		sp_histo_add(&n->discovery_lag, wall_ns() - e.t_ns);
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
				subs_of_sensor(n, it.sensor);
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
			apply_sub(n, e.name, e.sensor, e.attr);
		break;
	}
	case CP_EV_PIN: {
		const struct cp_cache_entry *o = cp_cache_get(&n->cache,
							      e.sensor);

		if (o && o->node == n->me)
			cp_redis_cmd(&n->redis, on_pin, (void *)(uintptr_t)
				     e.sensor, "SISMEMBER %s %" PRIu64,
				     cp_key_pins(key, sizeof(key), n->pfx),
				     e.sensor);
		break;
	}
	case CP_EV_VIEWER: {
		char *name = strdup(e.name);

		if (name && cp_redis_cmd(&n->redis, on_viewer, name,
					 "EXISTS %s", cp_key_viewer(key,
					 sizeof(key), n->pfx, e.name)) < 0)
			free(name);
		break;
	}
	default:
		break;
	}
}

/* ---- heartbeat, liveness, resync ---- */

static void heartbeat(struct cp_node *n)
{
	char key[KEY], nodes[KEY], started[24], workers[12];

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
	add_timer(n->t_heartbeat, n->cfg->cp_heartbeat_ms);
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
	add_timer(n->t_alive, 500);
}

/* The full resync: SCAN every sensor key into the cache. */
static void on_sensor_hash(redisAsyncContext *c, void *reply, void *priv)
{
	struct cp_node *n = node_of(c);
	redisReply *r = reply;

	if (n == NULL || r == NULL || r->type != REDIS_REPLY_ARRAY ||
	    r->elements != 3 || r->element[0]->type != REDIS_REPLY_STRING)
		return;
	cp_cache_set(&n->cache, (uint64_t)(uintptr_t)priv,
		     cp_cache_node(&n->cache, r->element[0]->str),
		     r->element[1]->str ? strtoull(r->element[1]->str, NULL,
						   10) : 0,
		     r->element[2]->str && r->element[2]->str[0] == '1');
}

static void on_scan(redisAsyncContext *c, void *reply, void *priv)
{
	struct cp_node *n = priv;
	redisReply *r = reply, *keys;
	size_t plen = strlen(n->pfx) + 7;   /* "sp:" + "sensor:" */

	(void)c;
	if (r == NULL || r->type != REDIS_REPLY_ARRAY || r->elements != 2)
		return;
	keys = r->element[1];
	for (size_t i = 0; i < keys->elements; i++) {
		const char *k = keys->element[i]->str;
		char *end;
		uint64_t id = strtoull(k + plen, &end, 10);

		if (*end || id == 0)
			continue;   /* sensor:ID:subs and the like */
		cp_redis_cmd(&n->redis, on_sensor_hash, (void *)(uintptr_t)id,
			     "HMGET %s node epoch idle", k);
	}
	if (strcmp(r->element[0]->str, "0") != 0)
		cp_redis_cmd(&n->redis, on_scan, n, "SCAN %s MATCH %ssensor:* "
			     "COUNT 1000", r->element[0]->str, n->pfx);
}

static void resync_cache(struct cp_node *n)
{
	n->resyncs++;
	cp_redis_cmd(&n->redis, on_scan, n, "SCAN 0 MATCH %ssensor:* COUNT "
		     "1000", n->pfx);
}

static void on_resync(evutil_socket_t fd, short what, void *arg)
{
	struct cp_node *n = arg;

	(void)fd;
	(void)what;
	/* the safety net: what the channel carried, and what a client
	 * wrote without saying so */
	resync_cache(n);
	resync_subs(n);
	add_timer(n->t_resync, n->cfg->cp_resync_s * 1000);
}

/* Redis came back without our data (restarted empty): what our dataplane
 * holds - its viewers and subscriptions - is written back. */
static void on_restore_viewers(void *arg, json_t *v, const char *err)
{
	struct cp_node *n = arg;
	char k1[KEY], k2[KEY];
	json_t *e;
	size_t i;

	(void)err;
	json_array_foreach(v ? json_object_get(v, "viewers") : NULL, i, e) {
		const char *name = json_string_value(json_object_get(e, "name"));

		cp_redis_cmd(&n->redis, NULL, NULL, "HSET %s dest %s level %s",
			     cp_key_viewer(k1, sizeof(k1), n->pfx, name),
			     json_string_value(json_object_get(e, "dest")),
			     json_string_value(json_object_get(e, "level")));
		cp_redis_cmd(&n->redis, NULL, NULL, "SADD %s %s",
			     cp_key_viewers(k2, sizeof(k2), n->pfx), name);
	}
}

static void on_restore_subs(void *arg, json_t *s, const char *err)
{
	struct cp_node *n = arg;
	char k1[KEY], k2[KEY], m[48];
	json_t *e;
	size_t i;

	(void)err;
	json_array_foreach(s ? json_object_get(s, "subs") : NULL, i, e) {
		const char *name = json_string_value(json_object_get(e,
								"viewer"));
		const char *attr = json_string_value(json_object_get(e, "attr"));
		const struct sp_attr *at = attr && strcmp(attr, "*") ?
					   sp_catalog_find(n->cat, attr) : NULL;
		uint64_t sensor = (uint64_t)json_integer_value(json_object_get(e,
								"sensor"));
		uint64_t ttl = (uint64_t)json_integer_value(json_object_get(e,
								"ttl_ms"));
		uint16_t a = at ? (uint16_t)at->id : 0;
		char sm[CP_NAME_MAX + 8];

		cp_key_sub(k1, sizeof(k1), n->pfx, name, sensor, a);
		if (ttl)
			cp_redis_cmd(&n->redis, NULL, NULL, "SET %s %s PX %"
				     PRIu64, k1, json_string_value(
				     json_object_get(e, "level")), ttl);
		else
			cp_redis_cmd(&n->redis, NULL, NULL, "SET %s %s", k1,
				     json_string_value(json_object_get(e,
								"level")));
		cp_redis_cmd(&n->redis, NULL, NULL, "SADD %s %s",
			     cp_key_viewer_subs(k2, sizeof(k2), n->pfx, name),
			     cp_sub_member(m, sizeof(m), sensor, a));
		snprintf(sm, sizeof(sm), a ? "%s/%u" : "%s", name, a);
		cp_redis_cmd(&n->redis, NULL, NULL, "SADD %s %s",
			     cp_key_sensor_subs(k2, sizeof(k2), n->pfx, sensor),
			     sm);
	}
}

/* Answers come in order on the link, and the Redis writes they make go
 * before whatever the calls after this one lead to. */
static void restore(struct cp_node *n)
{
	n->restores++;
	dp_send(n, on_restore_viewers, n, "viewer ls");
	dp_send(n, on_restore_subs, n, "sub ls");
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
		restore(n);
	heartbeat(n);
	register_all(n);
	resync_subs(n);
	resync_cache(n);
}

static void on_redis_up(void *ctx)
{
	struct cp_node *n = ctx;
	char nodes[KEY];

	fprintf(stderr, "senseplane-ctld: node %s: Redis up (%s:%d)\n",
		n->node, n->redis.host, n->redis.port);
	cp_redis_cmd(&n->redis, on_nodes_exist, n, "EXISTS %s",
		     cp_key_node_sensors(nodes, sizeof(nodes), n->pfx,
					 n->node));
}

static void on_redis_down(void *ctx, const char *why)
{
	struct cp_node *n = ctx;

	fprintf(stderr, "senseplane-ctld: node %s: %s; the dataplane keeps "
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
			pend(n, id, (unsigned int)json_integer_value(
				json_object_get(e, "worker")));
		else if (kind && strcmp(kind, "idle") == 0)
			sensor_idle(n, id);
		json_decref(e);
		free(line);
	}
}

static void on_watch_event(struct bufferevent *bev, short what, void *arg)
{
	struct cp_node *n = arg;

	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
		fprintf(stderr, "senseplane-ctld: lost the dataplane's events "
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
	fprintf(stderr, "senseplane-ctld: node %s: dataplane at %s, session "
		"%s\n", n->node, n->cfg->ctl_socket, n->dp_session);
}

/* The link to the dataplane went down: say why, once per outage. */
static void on_dp_state(void *ctx, const char *why)
{
	struct cp_node *n = ctx;

	if (why == NULL)
		return;
	n->dp_errors++;
	if (n->dp_retries++ % 10 == 0)
		fprintf(stderr, "senseplane-ctld: node %s: %s; the node stays "
			"registered, reconnecting\n", n->node, why);
}

/* The dataplane's figures for /metrics, every second (cp_api.c serves
 * the last ones, so a scrape never waits for the dataplane). */
static void on_dp_stats(void *arg, json_t *st, const char *err)
{
	struct cp_node *n = arg;

	(void)err;
	if (st == NULL)
		return;
	json_decref(n->dp_stats);
	n->dp_stats = json_incref(st);
	n->dp_stats_ms = wall_ns() / 1000000;
}

/* Connect to the dataplane (requests and events), or retry in a second. */
static void dp_connect(struct cp_node *n)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (!cp_dplink_up(n->dp)) {
		if (cp_dplink_connect(n->dp) < 0) {
			if (n->dp_retries++ % 10 == 0)
				fprintf(stderr, "senseplane-ctld: cannot connect "
					"to the dataplane at %s: %s (is "
					"senseplane-dp running? --socket)\n",
					n->cfg->ctl_socket, strerror(errno));
			return;
		}
		dp_send(n, on_ping, n, "ping");
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
			register_all(n);
			resync_subs(n);
		}
	}
}

static void on_dp_timer(evutil_socket_t fd, short what, void *arg)
{
	struct cp_node *n = arg;

	(void)fd;
	(void)what;
	dp_connect(n);
	dp_send(n, on_dp_stats, n, "stats");
	add_timer(n->t_dp, 1000);
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
	n->started_ms = wall_ns() / 1000000;
	n->cat = malloc(sizeof(*n->cat));
	if (n->cat == NULL || sp_catalog_load(n->cat, cfg->catalog, cerr,
					      sizeof(cerr)) < 0) {
		snprintf(err, errlen, "%s", n->cat ? cerr : "out of memory");
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
	n->t_flush = evtimer_new(base, on_flush, n);
	n->t_resync = evtimer_new(base, on_resync, n);
	n->t_alive = evtimer_new(base, on_alive, n);
	n->t_dp = evtimer_new(base, on_dp_timer, n);
	n->t_seen = evtimer_new(base, on_seen_timer, n);
	n->dp = cp_dplink_new(base, cfg->ctl_socket, CP_DP_TIMEOUT_MS,
			      on_dp_state, n);
	if (n->dp == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	dp_connect(n);
	cp_redis_start(&n->redis);
	add_timer(n->t_heartbeat, cfg->cp_heartbeat_ms);
	add_timer(n->t_resync, cfg->cp_resync_s * 1000);
	add_timer(n->t_alive, 500);
	add_timer(n->t_dp, 1000);
	add_timer(n->t_seen, cfg->cp_last_seen_s * 1000);
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
	json_decref(n->dp_stats);
	cp_cache_free(&n->cache);
	for (uint32_t i = 0; i < n->npend; i++)
		free(n->pend[i]);
	free(n->pend);
	for (uint32_t i = 0; i < n->nseen; i++)
		free(n->seen[i]);
	free(n->seen);
	free(n->cat);
}

const struct cp_cache_entry *cp_node_whereis(struct cp_node *n,
					     uint64_t sensor)
{
	struct timespec a, b;
	const struct cp_cache_entry *e;

	clock_gettime(CLOCK_MONOTONIC, &a);
	e = cp_cache_get(&n->cache, sensor);
	clock_gettime(CLOCK_MONOTONIC, &b);
	sp_histo_add(&n->whereis_ns, (uint64_t)((b.tv_sec - a.tv_sec) *
		     1000000000ll + (b.tv_nsec - a.tv_nsec)));
	return e;
}
