/*
 * cp_redis.h - senseplane-ctld's Redis connections on a libevent loop
 * (hiredis async with its libevent adapter): one for commands, one for the
 * events channel. Finds the master through Sentinel when asked to, logs in
 * (AUTH user pass), selects the database, and reconnects by itself with
 * backoff; the owner learns of each connect and loss through callbacks.
 * Behind Sentinel it asks the Sentinels every second where the master is
 * and follows a failover at once (the old master may accept writes for
 * ten seconds more before Sentinel demotes it), and a READONLY reply
 * makes it ask again too.
 */
#ifndef CP_REDIS_H
#define CP_REDIS_H

#include <stdint.h>

#include <event2/event.h>
#include <hiredis/async.h>

#include "cp_url.h"

struct cp_redis_ops {
	void (*up)(void *ctx);                     /* both connections ready */
	void (*down)(void *ctx, const char *why);  /* lost; retrying */
	void (*message)(void *ctx, const char *msg); /* on the channel */
};

struct cp_redis {
	struct event_base *base;
	struct cp_url url;
	char channel[128];
	struct cp_redis_ops ops;
	void *ctx;
	redisAsyncContext *cmd, *sub;
	int cmd_ready, sub_ready, up;
	int fatal;                 /* credentials refused: no retry */
	uint32_t backoff_ms;
	struct event *retry;
	struct event *watch;       /* Sentinel: is the master still ours? */
	char host[256];            /* where the master is now */
	int port;
	char err[512];
	uint64_t connects, losses, commands, messages;
	uint64_t demotions;      /* READONLY behind Sentinel: asked again */
	uint64_t switches;       /* Sentinel named another master: followed */
};

/**
 * Start connecting @p r (its url, channel, ops, ctx and base set).
 * @return 0 (the connection comes later, through ops.up).
 */
int cp_redis_start(struct cp_redis *r);

/** Close both connections. */
void cp_redis_stop(struct cp_redis *r);

/**
 * A command on the command connection (hiredis format string).
 * @return 0, or -1 when Redis is not connected (nothing sent).
 */
int cp_redis_cmd(struct cp_redis *r, redisCallbackFn *cb, void *priv,
		 const char *fmt, ...);

/** The same with an argv (binary safe). */
int cp_redis_cmdargv(struct cp_redis *r, redisCallbackFn *cb, void *priv,
		     int argc, const char **argv, const size_t *lens);

#endif /* CP_REDIS_H */
