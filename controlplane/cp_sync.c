/*
 * cp_sync.c - a synchronous Redis connection from a URL (see cp_sync.h).
 */
#include "cp_sync.h"

#include <stdio.h>
#include <stdlib.h>

#include "cp_actions.h"

static redisContext *from_sentinels(const struct cp_url *u, struct timeval tv)
{
	redisContext *c = NULL;

	for (int i = 0; i < u->nsentinels && !c; i++) {
		redisContext *s = redisConnectWithTimeout(u->sentinel_host[i],
						u->sentinel_port[i], tv);
		redisReply *r = s && !s->err ? redisCommand(s, "SENTINEL "
				"get-master-addr-by-name %s", u->master) : NULL;

		if (r && r->type == REDIS_REPLY_ARRAY && r->elements == 2)
			c = redisConnectWithTimeout(r->element[0]->str,
				atoi(r->element[1]->str), tv);
		freeReplyObject(r);
		redisFree(s);
	}
	return c;
}

redisContext *cp_sync_connect(const struct cp_url *u, struct timeval tv,
			      int *refused, char *err, size_t errlen)
{
	redisContext *c;
	redisReply *r;

	*refused = 0;
	if (u->kind == CP_URL_SENTINEL)
		c = from_sentinels(u, tv);
	else if (u->kind == CP_URL_UNIX)
		c = redisConnectUnixWithTimeout(u->path, tv);
	else
		c = redisConnectWithTimeout(u->host, u->port, tv);
	if (c == NULL || c->err) {
		snprintf(err, errlen, "cannot reach Redis: %s",
			 c ? c->errstr : "no Sentinel knows the master");
		redisFree(c);
		return NULL;
	}
	/* a Redis that stops answering (busy, asleep, partitioned) is given
	 * up on, not waited for: every command from here on */
	redisSetTimeout(c, tv);
	r = u->user[0] ? redisCommand(c, "AUTH %s %s", u->user, u->pass) :
	    u->pass[0] ? redisCommand(c, "AUTH %s", u->pass) :
			 redisCommand(c, "SELECT %d", u->db);
	if (r == NULL || r->type == REDIS_REPLY_ERROR) {
		snprintf(err, errlen, "Redis %s: %s", r ? "refused us" :
			 "did not answer", r ? r->str : c->errstr);
		*refused = r != NULL;
		freeReplyObject(r);
		redisFree(c);
		return NULL;
	}
	freeReplyObject(r);
	if (u->user[0] || u->pass[0])
		freeReplyObject(redisCommand(c, "SELECT %d", u->db));
	return c;
}

int cp_sync_run(redisContext *c, const struct cp_act *a, char *err,
		size_t errlen)
{
	redisReply *r = redisCommandArgv(c, a->argc,
					  (const char **)a->argv, NULL);
	int rc;

	if (r == NULL || r->type != REDIS_REPLY_INTEGER) {
		snprintf(err, errlen, "Redis: %s", r == NULL ? c->errstr :
			 r->type == REDIS_REPLY_ERROR ? r->str :
			 "unexpected answer to a script");
		freeReplyObject(r);
		return -1;
	}
	rc = (int)r->integer;
	freeReplyObject(r);
	return rc;
}
