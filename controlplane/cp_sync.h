/*
 * cp_sync.h - a synchronous Redis connection from a URL (cp_url.h): the
 * master a Sentinel names, a UNIX socket or TCP; authenticated and on its
 * database, with a timeout on every command. The CLI's cluster mode and
 * libsenseplane's cluster attention use it.
 */
#ifndef CP_SYNC_H
#define CP_SYNC_H

#include <stddef.h>
#include <sys/time.h>

#include <hiredis/hiredis.h>

#include "cp_url.h"

/**
 * Connect to @p u, waiting at most @p tv for each step.
 * @return the context, or NULL with @p err saying why; @p *refused is set
 * to 1 when Redis answered but refused the credentials.
 */
redisContext *cp_sync_connect(const struct cp_url *u, struct timeval tv,
			      int *refused, char *err, size_t errlen);

/** Run an operation (cp_actions.h): one command, one round trip, all of
 * it or nothing in Redis.
 * @return its enum cp_act_result (0: done), or -1 with @p err set when
 * Redis refused it or did not answer (then it may or may not have run). */
struct cp_act;
int cp_sync_run(redisContext *r, const struct cp_act *a, char *err,
		size_t errlen);

#endif /* CP_SYNC_H */
