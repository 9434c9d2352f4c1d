/*
 * cp_subs.c - subscriptions, pins and viewers between Redis and the
 * node's dataplane (see cp_subs.h).
 */
#include "cp_subs.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>
#include <jansson.h>

#include "cp_schema.h"
#include "cp_actions.h"
#include "cp_registry.h"
#include "sp_args.h"
#include "sp_log.h"
#include "sp_time.h"

/* A subscription and its viewer: {level, pttl, dest, viewer level}. */
static const char SUBINFO[] =
"return {redis.call('GET', KEYS[1]), redis.call('PTTL', KEYS[1]),\n"
"        redis.call('HGET', KEYS[2], 'dest'),\n"
"        redis.call('HGET', KEYS[2], 'level')}\n";

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
	char k[CP_KEY_LEN], msg[400];

	snprintf(msg, sizeof(msg), "node %s: %s: %s", n->node, line, why);
	sp_logf(stderr, LOG_WARNING, "senseplane-ctld: %s\n", msg);
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
	else if (a && cp_node_dp_send(q->n, on_sub_added, q, q->line_sub) == 0)
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
	/* no reply: the connection went with the question in flight (Redis
	 * restarted); not a refusal, and the resync after reconnecting asks
	 * again (registry.sh kills Redis while resyncs may be running) */
	if (r == NULL)
		goto out;
	if (r->type != REDIS_REPLY_ARRAY || r->elements != 4) {
		if (n->registry_errors++ < 5)
			sp_logf(stderr, LOG_WARNING, "senseplane-ctld: subscription %s %s: "
				"%s\n", q->viewer, member, r->type ==
				REDIS_REPLY_ERROR ? r->str : "unexpected reply");
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
		cp_node_dp_send(n, NULL, NULL, line);
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
	if (cp_node_dp_send(n, on_viewer_added, q, q->line_viewer) == 0)
		return;
out:
	free(q);
}

void cp_subs_apply(struct cp_node *n, const char *viewer, uint64_t sensor,
		      uint16_t attr)
{
	struct subq *q = calloc(1, sizeof(*q));
	char k1[CP_KEY_LEN], k2[CP_KEY_LEN];

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
static void apply_members(struct cp_node *n, uint64_t sensor,
			  const redisReply *r)
{
	for (size_t i = 0; i < r->elements; i++) {
		char v[CP_NAME_MAX], *slash;
		unsigned long attr = 0;

		if (r->element[i]->type != REDIS_REPLY_STRING)
			continue;
		snprintf(v, sizeof(v), "%s", r->element[i]->str);
		slash = strchr(v, '/');
		if (slash) {
			*slash = '\0';
			attr = strtoul(slash + 1, NULL, 10);
		}
		cp_subs_apply(n, v, sensor, (uint16_t)attr);
	}
}

/* The subscriptions of a batch of sensors ("ID ID ..." in ARGV[2], one
 * string: cp_batch_run_joined), prefix ARGV[1]: back only those that have
 * any, as ID, {members}. At resync every sensor of the dataplane is
 * asked, and few have subscriptions: a script call per CP_BATCH sensors,
 * not a SMEMBERS each. */
static const char SUBSOF[] =
"local out = {}\n"
"for id in string.gmatch(ARGV[2], '%d+') do\n"
"  local m = redis.call('SMEMBERS', ARGV[1] .. 'sensor:' .. id .. ':subs')\n"
"  if #m > 0 then out[#out + 1] = id; out[#out + 1] = m end\n"
"end\n"
"return out\n";

static void on_subs_of(redisAsyncContext *c, void *reply, void *priv)
{
	struct cp_node *n = priv;
	redisReply *r = reply;

	(void)c;
	if (r == NULL || r->type != REDIS_REPLY_ARRAY)
		return;
	for (size_t i = 0; i + 1 < r->elements; i += 2)
		if (r->element[i]->type == REDIS_REPLY_STRING &&
		    r->element[i + 1]->type == REDIS_REPLY_ARRAY)
			apply_members(n, strtoull(r->element[i]->str, NULL, 10),
				      r->element[i + 1]);
}

void cp_subs_flush(struct cp_node *n)
{
	const char *head[] = { "EVAL", SUBSOF, "0", n->pfx };

	if (n->subq.n)
		cp_batch_run_joined(n, &n->subq, head, 4, on_subs_of);
}

/* Queued, read with the others of the millisecond (the flush timer), or
 * at once when the batch is full: a million sensors registered for the
 * first time ask a million times. */
void cp_subs_of_sensor(struct cp_node *n, uint64_t sensor)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, sensor);
	if (cp_batch_push(&n->subq, buf) >= CP_BATCH)
		cp_subs_flush(n);
	else if (!evtimer_pending(n->t_flush, NULL))
		cp_node_timer(n->t_flush, 1);
}

static void subs_of_row(struct cp_node *n, const struct cp_row *row)
{
	cp_subs_of_sensor(n, row->id);
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
		cp_subs_apply(n, json_string_value(json_object_get(s, "viewer")),
			  sensor, a);
	}
}

void cp_subs_resync(struct cp_node *n)
{
	cp_node_dp_send(n, on_dp_subs, n, "sub ls");
	cp_registry_each(n, subs_of_row, cp_subs_flush);
}


/* The pins set says whether the sensor is pinned: our dataplane follows. */
static void on_pin(redisAsyncContext *c, void *reply, void *priv)
{
	struct cp_node *n = cp_node_of(c);
	redisReply *r = reply;
	char line[64];

	if (n == NULL || r == NULL || r->type != REDIS_REPLY_INTEGER)
		return;
	snprintf(line, sizeof(line), "%s %" PRIu64, r->integer ? "pin" : "unpin",
		 (uint64_t)(uintptr_t)priv);
	cp_node_dp_send(n, NULL, NULL, line);   /* "already" is fine */
}

/* A viewer that no longer exists in Redis goes from our dataplane too;
 * one that exists gets its lens when a subscription here needs it. */
static void on_viewer(redisAsyncContext *c, void *reply, void *priv)
{
	struct cp_node *n = cp_node_of(c);
	redisReply *r = reply;
	char line[96];

	if (n && r && r->type == REDIS_REPLY_INTEGER && r->integer == 0) {
		snprintf(line, sizeof(line), "viewer rm %s", (char *)priv);
		cp_node_dp_send(n, NULL, NULL, line);
	}
	free(priv);
}

/* Redis came back without our data (restarted empty): what our dataplane
 * holds - its viewers and subscriptions - is written back. */
/* An operation (cp_actions.h) on our connection: one script. */
static void run(struct cp_node *n, const struct cp_act *a)
{
	cp_redis_cmdargv(&n->redis, NULL, NULL, a->argc,
			 (const char **)a->argv, NULL);
}

static void on_restore_viewers(void *arg, json_t *v, const char *err)
{
	static struct cp_act act;   /* the loop's only: off the stack */
	struct cp_node *n = arg;
	json_t *e;
	size_t i;

	(void)err;
	json_array_foreach(v ? json_object_get(v, "viewers") : NULL, i, e) {
		const char *name = json_string_value(json_object_get(e, "name"));
		const char *dest = json_string_value(json_object_get(e, "dest"));
		const char *lvl = json_string_value(json_object_get(e, "level"));

		if (name == NULL || dest == NULL || lvl == NULL)
			continue;
		cp_act_viewer_put(&act, n->pfx, name, dest, lvl, 0,
				  sp_wall_ns());
		run(n, &act);
	}
}

static void on_restore_subs(void *arg, json_t *s, const char *err)
{
	static struct cp_act act;
	struct cp_node *n = arg;
	json_t *e;
	size_t i;

	(void)err;
	json_array_foreach(s ? json_object_get(s, "subs") : NULL, i, e) {
		const char *name = json_string_value(json_object_get(e,
								"viewer"));
		const char *attr = json_string_value(json_object_get(e, "attr"));
		const char *lvl = json_string_value(json_object_get(e, "level"));
		const struct sp_attr *at = attr && strcmp(attr, "*") ?
					   sp_catalog_find(n->cat, attr) : NULL;

		if (name == NULL || lvl == NULL)
			continue;
		cp_act_sub_put(&act, n->pfx, name,
			       (uint64_t)json_integer_value(json_object_get(e,
								"sensor")),
			       at ? (uint16_t)at->id : 0, lvl,
			       (uint64_t)json_integer_value(json_object_get(e,
								"ttl_ms")),
			       sp_wall_ns());
		run(n, &act);
	}
}

/* Answers come in order on the link, and the Redis writes they make go
 * before whatever the calls after this one lead to. */
void cp_subs_restore(struct cp_node *n)
{
	n->restores++;
	cp_node_dp_send(n, on_restore_viewers, n, "viewer ls");
	cp_node_dp_send(n, on_restore_subs, n, "sub ls");
}


void cp_subs_pin_event(struct cp_node *n, uint64_t sensor)
{
	char key[CP_KEY_LEN];

	cp_redis_cmd(&n->redis, on_pin, (void *)(uintptr_t)sensor,
		     "SISMEMBER %s %" PRIu64, cp_key_pins(key, sizeof(key),
		     n->pfx), sensor);
}

void cp_subs_viewer_event(struct cp_node *n, const char *viewer)
{
	char key[CP_KEY_LEN], *name = strdup(viewer);

	if (name && cp_redis_cmd(&n->redis, on_viewer, name, "EXISTS %s",
				 cp_key_viewer(key, sizeof(key), n->pfx,
					       viewer)) < 0)
		free(name);
}
