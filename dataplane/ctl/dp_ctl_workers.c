/*
 * dp_ctl_workers.c - the control thread's side of the workers' mailboxes
 * (see dp_ctl_workers.h).
 */
#include "dp_ctl_workers.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_ring.h>

#include "dp_answers.h"
#include "dp_figures.h"
#include "dp_owner.h"
#include "dp_owners.h"

#define QUERY_BUF (4u << 20)
#define QUERY_TIMEOUT_MS 2000

uint64_t dp_ctl_now(const struct dp_ctl *ctl)
{
	return dp_clock_ns(ctl->sh->clock, rte_rdtsc());
}

/* Put @p c on worker @p w's mailbox; a full mailbox is waited on (the
 * control thread may wait, the worker never does). */
static void post(struct dp_ctl *ctl, unsigned int w, const struct dp_cmd *c)
{
	struct rte_ring *mbox = dp_figures_mbox(ctl->sh->workers[w]);
	struct dp_cmd copy = *c;

	for (int tries = 0; tries < 20000; tries++) {
		if (rte_ring_sp_enqueue_elem(mbox, &copy, sizeof(copy)) == 0)
			return;
		usleep(50);
	}
	ctl->mbox_full++;
}

void dp_ctl_post_all(struct dp_ctl *ctl, const struct dp_cmd *c)
{
	for (unsigned int w = 0; w < ctl->sh->nworkers; w++)
		post(ctl, w, c);
}

/* The worker that owns @p sensor; with ownership by queue a sensor that
 * nobody has yet is claimed for the one its hash names (a command may
 * name a sensor before its first packet: that worker then keeps it, and
 * its packets reach it over the hand-off ring). A query (@p claim 0)
 * claims nothing. */
static unsigned int owner_of(struct dp_ctl *ctl, uint64_t sensor, int claim)
{
	unsigned int n = ctl->sh->nworkers, h = dp_owner(sensor, n);
	int o;

	if (ctl->sh->owners == NULL)
		return h;
	o = claim ? dp_owners_claim(ctl->sh->owners, sensor, h)
		  : dp_owners_get(ctl->sh->owners, sensor);
	return o >= 0 ? (unsigned int)o : h;
}

void dp_ctl_model_send(void *ctx, uint64_t sensor, const struct dp_cmd *c)
{
	struct dp_ctl *ctl = ctx;

	if (sensor)
		post(ctl, owner_of(ctl, sensor, 1), c);
	else
		dp_ctl_post_all(ctl, c);
}

json_t *dp_ctl_query(struct dp_ctl *ctl, const struct dp_query *tmpl,
		     uint64_t sensor, char *err, size_t errlen)
{
	unsigned int n = ctl->sh->nworkers, first = 0, last = n, w;
	struct dp_query *q[RTE_MAX_LCORE] = { 0 };
	json_t *all = json_array();
	int waited = 0, failed = 0;

	if (sensor) {
		first = owner_of(ctl, sensor, 0);
		last = first + 1;
	}
	ctl->last_more = 0;
	for (w = first; w < last; w++) {
		q[w] = calloc(1, sizeof(*q[w]));
		if (q[w]) {
			*q[w] = *tmpl;
			q[w]->buf = malloc(QUERY_BUF);
			q[w]->cap = QUERY_BUF;
			q[w]->len = q[w]->count = q[w]->done = 0;
			q[w]->rc = 0;
		}
		if (q[w] == NULL || q[w]->buf == NULL) {
			for (unsigned int i = first; i <= w; i++) {
				if (q[i])
					free(q[i]->buf);
				free(q[i]);
			}
			json_decref(all);
			snprintf(err, errlen, "out of memory");
			return NULL;
		}
	}
	for (w = first; w < last; w++) {
		struct dp_cmd c = { .op = DP_CMD_QUERY, .q = q[w] };

		post(ctl, w, &c);
	}
	for (w = first; w < last; w++) {
		while (!__atomic_load_n(&q[w]->done, __ATOMIC_ACQUIRE) &&
		       waited++ < QUERY_TIMEOUT_MS * 10)
			usleep(100);
		if (!__atomic_load_n(&q[w]->done, __ATOMIC_ACQUIRE)) {
			/* the worker may still write it: it is left be */
			snprintf(err, errlen, "worker %u did not answer in %d "
				 "ms", w, QUERY_TIMEOUT_MS);
			failed = 1;
			q[w] = NULL;
			continue;
		}
		if (q[w]->rc == 0) {
			json_t *v = dp_answers_json(q[w], ctl->sh->cat);

			ctl->last_more |= q[w]->more;

			if (v) {
				json_array_append_new(all, v);
			} else {
				snprintf(err, errlen, "worker %u's answer "
					 "was cut short", w);
				failed = 1;
			}
		} else if (sensor && q[w]->rc == -ENODATA) {
			const struct sp_attr *a = sp_catalog_get(ctl->sh->cat,
								 tmpl->attr_id);

			snprintf(err, errlen, "sensor %llu has no attribute %s "
				 "(it sent none)", (unsigned long long)sensor,
				 a ? a->name : "?");
			failed = 1;
		} else if (sensor) {
			snprintf(err, errlen, "sensor %llu is not known (owner: "
				 "worker %u)", (unsigned long long)sensor, w);
			failed = 1;
		}
	}
	for (w = first; w < last; w++) {
		if (q[w]) {
			free(q[w]->buf);
			free(q[w]);
		}
	}
	if (failed) {
		json_decref(all);
		return NULL;
	}
	return all;
}

