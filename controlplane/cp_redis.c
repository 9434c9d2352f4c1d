/*
 * cp_redis.c - Redis connections with reconnect and Sentinel (see
 * cp_redis.h).
 */
#include "cp_redis.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include <hiredis/adapters/libevent.h>
#include <hiredis/hiredis.h>

#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 2000

static void connect_now(struct cp_redis *r);

static void schedule_retry(struct cp_redis *r, const char *why)
{
	struct timeval tv;

	if (r->up && r->ops.down)
		r->ops.down(r->ctx, why);
	if (r->up)
		r->losses++;
	r->up = 0;
	snprintf(r->err, sizeof(r->err), "%s", why);
	if (r->fatal)
		return;
	tv.tv_sec = r->backoff_ms / 1000;
	tv.tv_usec = (r->backoff_ms % 1000) * 1000;
	evtimer_add(r->retry, &tv);
	r->backoff_ms = r->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS
							   : r->backoff_ms * 2;
}

static void drop_both(struct cp_redis *r)
{
	/* disconnect callbacks fire; they see the contexts as gone */
	redisAsyncContext *c = r->cmd, *s = r->sub;

	r->cmd = r->sub = NULL;
	r->cmd_ready = r->sub_ready = 0;
	if (c)
		redisAsyncDisconnect(c);
	if (s)
		redisAsyncDisconnect(s);
}

static void check_up(struct cp_redis *r)
{
	if (r->cmd_ready && r->sub_ready && !r->up) {
		r->up = 1;
		r->connects++;
		r->backoff_ms = BACKOFF_MIN_MS;
		r->err[0] = '\0';
		if (r->ops.up)
			r->ops.up(r->ctx);
	}
}

/* A failed AUTH or SELECT: credentials are not retried (they will not
 * get better); anything else is. */
static int reply_failed(struct cp_redis *r, redisReply *rep, const char *what)
{
	char why[512];

	if (rep && rep->type != REDIS_REPLY_ERROR)
		return 0;
	snprintf(why, sizeof(why), "Redis at %s:%d refused %s: %s", r->host,
		 r->port, what, rep ? rep->str : "connection lost");
	if (rep && (strstr(rep->str, "WRONGPASS") ||
		    strstr(rep->str, "NOAUTH") || strstr(rep->str, "NOPERM") ||
		    strstr(rep->str, "invalid password")))
		r->fatal = 1;
	drop_both(r);
	schedule_retry(r, why);
	return 1;
}

static void on_select(redisAsyncContext *c, void *reply, void *priv)
{
	struct cp_redis *r = priv;

	if (c != r->cmd || reply_failed(r, reply, "SELECT"))
		return;
	r->cmd_ready = 1;
	check_up(r);
}

static void on_message(redisAsyncContext *c, void *reply, void *priv)
{
	struct cp_redis *r = priv;
	redisReply *rep = reply;

	if (c != r->sub || rep == NULL)
		return;
	if (rep->type == REDIS_REPLY_ERROR) {
		reply_failed(r, rep, "SUBSCRIBE");
		return;
	}
	if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 3)
		return;
	if (strcmp(rep->element[0]->str, "subscribe") == 0) {
		r->sub_ready = 1;
		check_up(r);
	} else if (strcmp(rep->element[0]->str, "message") == 0 &&
		   rep->element[2]->type == REDIS_REPLY_STRING) {
		r->messages++;
		if (r->ops.message)
			r->ops.message(r->ctx, rep->element[2]->str);
	}
}

static void on_sub_auth(redisAsyncContext *c, void *reply, void *priv)
{
	struct cp_redis *r = priv;

	if (c != r->sub || reply_failed(r, reply, "AUTH"))
		return;
	redisAsyncCommand(c, on_message, r, "SUBSCRIBE %s", r->channel);
}

static void on_cmd_auth(redisAsyncContext *c, void *reply, void *priv)
{
	struct cp_redis *r = priv;

	if (c != r->cmd || reply_failed(r, reply, "AUTH"))
		return;
	redisAsyncCommand(c, on_select, r, "SELECT %d", r->url.db);
}

static void auth(struct cp_redis *r, redisAsyncContext *c, redisCallbackFn *cb)
{
	if (r->url.user[0])
		redisAsyncCommand(c, cb, r, "AUTH %s %s", r->url.user,
				  r->url.pass);
	else if (r->url.pass[0])
		redisAsyncCommand(c, cb, r, "AUTH %s", r->url.pass);
	else
		redisAsyncCommand(c, cb, r, "PING");  /* nothing to log in with */
}

static void on_connect(const redisAsyncContext *c, int status)
{
	struct cp_redis *r = c->data;
	char why[512];

	if (r == NULL || (c != r->cmd && c != r->sub))
		return;
	if (status != REDIS_OK) {
		snprintf(why, sizeof(why), "cannot connect to Redis at %s:%d: "
			 "%s", r->host, r->port, c->errstr);
		if (c == r->cmd)
			r->cmd = NULL;
		else
			r->sub = NULL;
		drop_both(r);
		schedule_retry(r, why);
		return;
	}
	if (c == r->cmd)
		auth(r, r->cmd, on_cmd_auth);
	else
		auth(r, r->sub, on_sub_auth);
}

static void on_disconnect(const redisAsyncContext *c, int status)
{
	struct cp_redis *r = c->data;
	char why[512];

	(void)status;
	if (r == NULL || (c != r->cmd && c != r->sub))
		return;   /* one we dropped on purpose */
	snprintf(why, sizeof(why), "lost Redis at %s:%d: %s", r->host, r->port,
		 c->errstr[0] ? c->errstr : "closed");
	if (c == r->cmd)
		r->cmd = NULL;
	else
		r->sub = NULL;
	drop_both(r);
	schedule_retry(r, why);
}

/* Ask the Sentinels, in turn, where the master is now. */
static int sentinel_master(struct cp_redis *r)
{
	struct timeval tv = { 0, 300000 };

	for (int i = 0; i < r->url.nsentinels; i++) {
		redisContext *s = redisConnectWithTimeout(
			r->url.sentinel_host[i], r->url.sentinel_port[i], tv);
		redisReply *rep;

		if (s == NULL || s->err) {
			redisFree(s);
			continue;
		}
		redisSetTimeout(s, tv);
		rep = redisCommand(s, "SENTINEL get-master-addr-by-name %s",
				   r->url.master);
		if (rep && rep->type == REDIS_REPLY_ARRAY &&
		    rep->elements == 2) {
			snprintf(r->host, sizeof(r->host), "%s",
				 rep->element[0]->str);
			r->port = atoi(rep->element[1]->str);
			freeReplyObject(rep);
			redisFree(s);
			return 0;
		}
		freeReplyObject(rep);
		redisFree(s);
	}
	return -1;
}

static redisAsyncContext *open_one(struct cp_redis *r)
{
	redisAsyncContext *c = r->url.kind == CP_URL_UNIX ?
		redisAsyncConnectUnix(r->url.path) :
		redisAsyncConnect(r->host, r->port);

	if (c == NULL)
		return NULL;
	if (c->err) {
		redisAsyncFree(c);
		return NULL;
	}
	c->data = r;
	redisLibeventAttach(c, r->base);
	redisAsyncSetConnectCallback(c, on_connect);
	redisAsyncSetDisconnectCallback(c, on_disconnect);
	return c;
}

static void connect_now(struct cp_redis *r)
{
	char why[512];

	if (r->url.kind == CP_URL_SENTINEL && sentinel_master(r) < 0) {
		snprintf(why, sizeof(why), "no Sentinel answered for master "
			 "'%s'", r->url.master);
		schedule_retry(r, why);
		return;
	}
	r->cmd = open_one(r);
	r->sub = open_one(r);
	if (r->cmd == NULL || r->sub == NULL) {
		snprintf(why, sizeof(why), "cannot connect to Redis at %s:%d",
			 r->host, r->port);
		drop_both(r);
		schedule_retry(r, why);
	}
}

static void on_retry(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	connect_now(arg);
}

/* Every second behind Sentinel: a master other than ours is followed. */
static void on_watch(evutil_socket_t fd, short what, void *arg)
{
	struct cp_redis *r = arg;
	char was[256], why[600];
	int port = r->port;

	(void)fd;
	(void)what;
	if (!r->up || r->fatal)
		return;
	snprintf(was, sizeof(was), "%s", r->host);
	if (sentinel_master(r) < 0)
		return;      /* no Sentinel answers: keep what works */
	if (strcmp(was, r->host) == 0 && port == r->port)
		return;
	r->switches++;
	snprintf(why, sizeof(why), "Sentinel names a new master %s:%d (was "
		 "%s:%d): following it", r->host, r->port, was, port);
	drop_both(r);
	r->backoff_ms = BACKOFF_MIN_MS;
	schedule_retry(r, why);
}

int cp_redis_start(struct cp_redis *r)
{
	r->backoff_ms = BACKOFF_MIN_MS;
	r->retry = evtimer_new(r->base, on_retry, r);
	if (r->url.kind == CP_URL_SENTINEL) {
		struct timeval sec = { 1, 0 };

		r->watch = event_new(r->base, -1, EV_PERSIST, on_watch, r);
		event_add(r->watch, &sec);
	}
	if (r->url.kind == CP_URL_TCP) {
		snprintf(r->host, sizeof(r->host), "%s", r->url.host);
		r->port = r->url.port;
	} else if (r->url.kind == CP_URL_UNIX) {
		snprintf(r->host, sizeof(r->host), "%s", r->url.path);
		r->port = 0;
	}
	connect_now(r);
	return 0;
}

void cp_redis_stop(struct cp_redis *r)
{
	r->fatal = 1;
	drop_both(r);
	if (r->retry)
		event_free(r->retry);
	r->retry = NULL;
	if (r->watch)
		event_free(r->watch);
	r->watch = NULL;
}

/* A command's own callback, behind the one that watches every reply. */
struct pending_cmd {
	redisCallbackFn *cb;
	void *priv;
};

/*
 * Every reply passes here first. Behind Sentinel, READONLY means the
 * server we write to was made a replica (a failover): the connection is
 * dropped at once and the Sentinels asked again, rather than waiting for
 * the server to close it (measured: 11 s after SENTINEL FAILOVER).
 */
static void on_reply(redisAsyncContext *c, void *reply, void *arg)
{
	struct pending_cmd p = *(struct pending_cmd *)arg;
	struct cp_redis *r = c->data;
	redisReply *rep = reply;
	int demoted = r && rep && rep->type == REDIS_REPLY_ERROR &&
		      r->url.kind == CP_URL_SENTINEL && rep->str &&
		      strncmp(rep->str, "READONLY", 8) == 0 && c == r->cmd;

	free(arg);
	if (p.cb)
		p.cb(c, reply, p.priv);
	if (demoted) {
		r->demotions++;
		drop_both(r);
		r->backoff_ms = BACKOFF_MIN_MS;
		schedule_retry(r, "the primary became a replica (READONLY): "
			       "asking the Sentinels again");
	}
}

static struct pending_cmd *pending(redisCallbackFn *cb, void *priv)
{
	struct pending_cmd *p = malloc(sizeof(*p));

	if (p) {
		p->cb = cb;
		p->priv = priv;
	}
	return p;
}

int cp_redis_cmd(struct cp_redis *r, redisCallbackFn *cb, void *priv,
		 const char *fmt, ...)
{
	struct pending_cmd *p;
	va_list ap;
	int rc;

	if (!r->up || r->cmd == NULL || !(p = pending(cb, priv)))
		return -1;
	va_start(ap, fmt);
	rc = redisvAsyncCommand(r->cmd, on_reply, p, fmt, ap);
	va_end(ap);
	if (rc != REDIS_OK) {
		free(p);
		return -1;
	}
	r->commands++;
	return 0;
}

int cp_redis_cmdargv(struct cp_redis *r, redisCallbackFn *cb, void *priv,
		     int argc, const char **argv, const size_t *lens)
{
	struct pending_cmd *p;

	if (!r->up || r->cmd == NULL || !(p = pending(cb, priv)))
		return -1;
	if (redisAsyncCommandArgv(r->cmd, on_reply, p, argc, argv, lens) !=
	    REDIS_OK) {
		free(p);
		return -1;
	}
	r->commands++;
	return 0;
}
