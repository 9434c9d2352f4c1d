/*
 * dp_ctl_workers.h - the control thread's side of the workers' mailboxes:
 * commands posted to the owner of a sensor (dp_owner.h) or to every
 * worker, and queries run on workers and waited for. The control thread
 * may wait here; a worker never waits for it. Below dp_requests.h and
 * dp_ctl.h (which include this); it includes neither.
 */
#ifndef DP_CTL_WORKERS_H
#define DP_CTL_WORKERS_H

#include <stdint.h>

#include <jansson.h>

#include "dp_shared.h"
#include "dp_cmd.h"
#include "dp_model.h"

struct dp_joins;

struct dp_ctl {
	struct dp_shared *sh;          /* the run, as the workers see it */
	struct dp_model *model;
	struct dp_joins *joins;        /* leases on tier and sensor feeds */
	int lfd;
	int stop;
	char path[108];
	uint64_t mbox_full;        /* commands a full mailbox refused */
	uint64_t requests;
	uint64_t events;           /* sensor events forwarded */
	uint8_t last_more;         /* the last query's workers had more */
	uint64_t wd_usec;          /* systemd watchdog interval, 0 none */
	uint64_t wd_next_ns;
	uint64_t wd_loops[256];    /* each worker's loops at the last ping */
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

/** The model's send callback (dp_model.h): command @p c to the owner of
 * @p sensor, or to every worker for 0. @p ctx is the struct dp_ctl. */
void dp_ctl_model_send(void *ctx, uint64_t sensor, const struct dp_cmd *c);

#endif /* DP_CTL_WORKERS_H */
