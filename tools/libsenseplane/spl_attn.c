/*
 * spl_attn.c - viewers, subscriptions and pins from a program (see
 * senseplane.h and spl_attn.h). Every request is first checked by the
 * same rules as the dataplane's (common/sp_args.h), then sent either as
 * one line on the control socket or as the cluster's writes in Redis.
 */
#include "spl_attn.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hiredis/hiredis.h>

#include "cp_actions.h"
#include "cp_sync.h"
#include "cp_url.h"
#include "sp_args.h"
#include "sp_level.h"
#include "sp_time.h"
#include "spl_core.h"
#include "spl_fail.h"

struct spl_attn {
	redisContext *r;
	char pfx[32];
	struct cp_act act;     /* 12 KiB: in the heap, not on the stack */
};

struct spl_attn *spl_attn_open(const char *url, const char *prefix,
			       char *err, size_t errlen)
{
	struct timeval tv = { 2, 0 };
	struct spl_attn *a;
	struct cp_url u;
	int refused;

	if (cp_url_parse(url, &u, err, errlen) < 0)
		return NULL;
	a = calloc(1, sizeof(*a));
	if (a == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(a->pfx, sizeof(a->pfx), "%s", prefix ? prefix : "sp:");
	a->r = cp_sync_connect(&u, tv, &refused, err, errlen);
	if (a->r == NULL) {
		free(a);
		return NULL;
	}
	return a;
}

void spl_attn_close(struct spl_attn *a)
{
	if (a == NULL)
		return;
	redisFree(a->r);
	free(a);
}

/* Words with a space or a control character would make another request
 * on a line protocol: refused before anything is sent. */
static int word_ok(const char *s)
{
	if (s == NULL || *s == '\0')
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return 0;
	return 1;
}

/* Check the request's words, then send them on the control socket. */
static int local(struct senseplane *v, int argc, char **argv)
{
	char line[512], err[SPL_ERR];
	size_t len = 0;
	json_t *resp;
	const char *e;

	if (sp_args_check(v->cat.n ? &v->cat : NULL, argc, argv, err,
			  sizeof(err)) != SP_ARGS_OK)
		return spl_fail(v, EINVAL, "%s", err);
	if (v->ctl == NULL)
		return spl_fail(v, ENOTCONN, "no control socket or Redis "
				"given (params.control, params.redis)");
	for (int i = 0; i < argc; i++) {
		int n = snprintf(line + len, sizeof(line) - len, "%s%s",
				 i ? " " : "", argv[i]);

		if (n < 0 || (size_t)n >= sizeof(line) - len)
			return spl_fail(v, E2BIG, "request too long");
		len += (size_t)n;
	}
	resp = sp_ctl_call(v->ctl, err, sizeof(err), "%s", line);
	if (resp == NULL)
		return spl_fail(v, EIO, "control socket: %s", err);
	e = sp_ctl_error(resp);
	if (e) {
		spl_fail(v, EPERM, "%s: %s", argv[0], e);
		json_decref(resp);
		return -EPERM;
	}
	json_decref(resp);
	return 0;
}

/* The operation built in v->attn->act, one script: all of it or nothing.
 * @return its enum cp_act_result, or -EIO. */
static int cluster_run(struct senseplane *v)
{
	char err[SPL_ERR];
	int rc = cp_sync_run(v->attn->r, &v->attn->act, err, sizeof(err));

	return rc < 0 ? spl_fail(v, EIO, "%s", err) : rc;
}

static int check_words(struct senseplane *v, const char *const *w, int n)
{
	for (int i = 0; i < n; i++)
		if (w[i] && !word_ok(w[i]))
			return spl_fail(v, EINVAL, "'%s': not a word (empty, "
					"or with a space or control "
					"character)", w[i]);
	return 0;
}

int senseplane_viewer_add(struct senseplane *v, const char *name,
			  const char *dest, const char *level)
{
	const char *w[] = { name, dest, level };
	char *argv[5] = { "viewer", "add", (char *)name, (char *)dest,
			  (char *)level };
	struct sp_viewer_args va;
	char err[SPL_ERR];
	int rc;

	if ((rc = check_words(v, w, 3)) < 0)
		return rc;
	if (name == NULL || dest == NULL)
		return spl_fail(v, EINVAL, "a viewer needs a name and a "
				"destination");
	if (v->attn == NULL)
		return local(v, level ? 5 : 4, argv);
	if (sp_args_viewer_add(level ? 5 : 4, argv, &va, err,
			       sizeof(err)) < 0)
		return spl_fail(v, EINVAL, "%s", err);
	cp_act_viewer_put(&v->attn->act, v->attn->pfx, name, dest,
			  sp_level_name(va.level), 0, sp_wall_ns());
	rc = cluster_run(v);
	return rc > 0 ? 0 : rc;
}

/* The viewer and its subscriptions in Redis, in one script. */
static int cluster_viewer_rm(struct senseplane *v, const char *name)
{
	int rc;

	cp_act_viewer_del(&v->attn->act, v->attn->pfx, name, sp_wall_ns());
	rc = cluster_run(v);
	if (rc == CP_ACT_NO_VIEWER)
		return spl_fail(v, ENOENT, "no viewer '%s' in Redis", name);
	return rc;
}

int senseplane_viewer_rm(struct senseplane *v, const char *name)
{
	const char *w[] = { name };
	char *argv[3] = { "viewer", "rm", (char *)name };
	int rc;

	if ((rc = check_words(v, w, 1)) < 0)
		return rc;
	if (name == NULL)
		return spl_fail(v, EINVAL, "no viewer name");
	return v->attn ? cluster_viewer_rm(v, name) : local(v, 3, argv);
}

/* "sub add|rm VIEWER SENSOR[/ATTR] [LEVEL] [ttl=MS]" as words. */
static int sub_words(struct senseplane *v, const char *verb,
		     const char *viewer, uint64_t sensor, const char *attr,
		     const char *level, unsigned int ttl_ms, char *key,
		     char *ttlw, char **argv)
{
	const char *w[] = { viewer, attr, level };
	int n = 0, rc;

	if ((rc = check_words(v, w, 3)) < 0)
		return rc;
	if (viewer == NULL)
		return spl_fail(v, EINVAL, "no viewer name");
	snprintf(key, 96, "%" PRIu64 "%s%s", sensor, attr ? "/" : "",
		 attr ? attr : "");
	argv[n++] = "sub";
	argv[n++] = (char *)verb;
	argv[n++] = (char *)viewer;
	argv[n++] = key;
	if (level)
		argv[n++] = (char *)level;
	if (ttl_ms) {
		snprintf(ttlw, 32, "ttl=%u", ttl_ms);
		argv[n++] = ttlw;
	}
	return n;
}

static int sub(struct senseplane *v, const char *verb, const char *viewer,
	       uint64_t sensor, const char *attr, const char *level,
	       unsigned int ttl_ms)
{
	char key[96], ttlw[32], err[SPL_ERR];
	struct sp_sub_args sa;
	char *argv[8];
	int rc, n = sub_words(v, verb, viewer, sensor, attr, level, ttl_ms, key,
			  ttlw, argv);

	if (n < 0)
		return n;
	if (v->attn == NULL)
		return local(v, n, argv);
	if (sp_args_sub(&v->cat, n, argv, &sa, err, sizeof(err)) < 0)
		return spl_fail(v, EINVAL, "%s", err);
	/* one script, which reads the viewer's default level itself */
	if (strcmp(verb, "rm") == 0)
		cp_act_sub_del(&v->attn->act, v->attn->pfx, viewer, sa.sensor,
			       sa.attr, sp_wall_ns());
	else
		cp_act_sub_put(&v->attn->act, v->attn->pfx, viewer, sa.sensor,
			       sa.attr, sa.level ? sp_level_name(sa.level) :
			       NULL, sa.ttl_ms, sp_wall_ns());
	rc = cluster_run(v);
	if (rc == CP_ACT_NO_VIEWER)
		return spl_fail(v, ENOENT, "no viewer '%s' in Redis", viewer);
	if (rc == CP_ACT_NO_SUB)
		return spl_fail(v, ENOENT, "viewer '%s' has no such "
				"subscription", viewer);
	return rc;
}

int senseplane_subscribe(struct senseplane *v, const char *viewer,
			 uint64_t sensor, const char *attr, const char *level,
			 unsigned int ttl_ms)
{
	return sub(v, "add", viewer, sensor, attr, level, ttl_ms);
}

int senseplane_unsubscribe(struct senseplane *v, const char *viewer,
			   uint64_t sensor, const char *attr)
{
	return sub(v, "rm", viewer, sensor, attr, NULL, 0);
}

int senseplane_pin(struct senseplane *v, uint64_t sensor, int on)
{
	char id[24];
	char *argv[2] = { on ? "pin" : "unpin", id };
	int rc;

	snprintf(id, sizeof(id), "%" PRIu64, sensor);
	if (v->attn == NULL)
		return local(v, 2, argv);
	cp_act_pin(&v->attn->act, v->attn->pfx, sensor, on, sp_wall_ns());
	rc = cluster_run(v);
	return rc > 0 ? 0 : rc;   /* pinned (unpinned) already: done */
}
