/*
 * dp_requests.h - the control protocol's requests (common/CONTROL.md), one
 * table: each handler takes its words (checked first by common/sp_args),
 * calls the one model function or worker query that does the job, and
 * reports in JSON. Above dp_ctl_workers.h and dp_model.h, below dp_ctl.h.
 */
#ifndef DP_REQUESTS_H
#define DP_REQUESTS_H

#include <jansson.h>

#include "dp_ctl_workers.h"

/** The most words a request has. */

/** Handle one request (argv split on spaces); returns the response. */
json_t *dp_requests_handle(struct dp_ctl *ctl, int argc, char **argv);

/** A refused request: {"ok": false, "error": ..., "code": "refused"}. */
json_t *dp_requests_fail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
/** A request that is not well-formed ("code": "usage"). */
json_t *dp_requests_usage(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

#endif /* DP_REQUESTS_H */
