/*
 * dp_ctl_impl.h - shared by the control thread's files (dp_ctl.c: socket,
 * mailboxes, queries; dp_ctlcmd.c: the request handlers). Not a public
 * interface.
 */
#ifndef DP_CTL_IMPL_H
#define DP_CTL_IMPL_H

#include <stdint.h>

#include <jansson.h>

#include "dp_app.h"
#include "dp_cmd.h"
#include "dp_model.h"

#define CTL_MAX_ARGS 16

struct dp_ctl {
	struct dp_app *app;
	struct dp_model *model;
	int lfd;
	int stop;
	char path[108];
	uint64_t mbox_full;        /* commands a full mailbox refused */
	uint64_t requests;
	uint64_t events;           /* sensor events forwarded */
	uint8_t last_more;         /* the last query's workers had more */
};

/** Now, in wall-clock ns. */
uint64_t dp_ctl_now(const struct dp_ctl *ctl);

/**
 * Run query @p tmpl on the owner of @p sensor (0: every worker) and wait.
 * @return for each worker answering, its JSON text parsed; a JSON array of
 * them, or NULL with @p err set (timeout, not found).
 */
json_t *dp_ctl_query(struct dp_ctl *ctl, const struct dp_query *tmpl,
		     uint64_t sensor, char *err, size_t errlen);

/** Put command @p c on every worker's mailbox. */
void dp_ctl_post_all(struct dp_ctl *ctl, const struct dp_cmd *c);

/** Handle one request (argv split on spaces); returns the response. */
json_t *dp_ctl_handle(struct dp_ctl *ctl, int argc, char **argv);

/** A failed response. */
json_t *dp_ctl_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** The same for a request that is not well-formed ("code": "usage"). */
json_t *dp_ctl_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* DP_CTL_IMPL_H */
