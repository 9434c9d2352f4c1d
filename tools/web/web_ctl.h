/*
 * web_ctl.h - the gateway's control calls, off its event thread. The
 * gateway is one viewer of the dataplane (or of the cluster, with
 * --redis); its subscriptions change as its tabs scroll, hover and close,
 * and every change is a round trip (a control socket or Redis) that would
 * hold up every tab if the event loop made it. So a thread of its own
 * makes them: the loop hands it batches of changes (web_ctl_ask(), a
 * mutex and a signal, never a wait for the dataplane), and the thread
 * applies the newest level of each key, in batches. The same thread reads
 * the key list (which sensors send which attributes) every few seconds
 * and publishes it when it changed.
 */
#ifndef WEB_CTL_H
#define WEB_CTL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "sp_catalog.h"
#include "web_agg.h"

struct web_ctl_params {
	const char *control;        /* the dataplane's control socket */
	const char *redis, *redis_prefix;   /* or the cluster's Redis */
	const char *catalog;        /* the catalogue file (NULL: built in) */
	const struct sp_catalog *cat;       /* the same, loaded (read only) */
	const char *viewer;         /* the gateway's viewer; NULL: none (the
				     * plain fan-out: no attention) */
	const char *lens;           /* its lens, GROUP:PORT */
	int list;                   /* read the key list (needs control) */
	uint32_t max_sensors;       /* the key list keeps the lowest ids */
	uint32_t list_every_ms;
};

struct web_ctl_stats {
	uint64_t asked;             /* changes handed in */
	uint64_t applied;           /* control calls made */
	uint64_t coalesced;         /* changes superseded before their call */
	uint64_t errors;            /* calls refused or failed */
	uint64_t pending;           /* waiting now */
	uint64_t lists, list_errors;
	uint64_t list_sensors;      /* sensors in the last list, all */
	uint64_t max_batch;         /* the most changes applied in one go */
};

struct web_ctl;

/**
 * Make the viewer (when @p p->viewer) with its lens, then start the
 * thread. Blocks for the first key list (when @p p->list) so the first
 * tab sees what exists. @return it, or NULL with @p err naming what
 * failed.
 */
struct web_ctl *web_ctl_create(const struct web_ctl_params *p, char *err,
			       size_t errlen);

/** Stop the thread; the viewer goes from the dataplane (its
 * subscriptions with it). NULL is a no-op. */
void web_ctl_free(struct web_ctl *c);

/** Hand in @p n changes; returns at once. */
void web_ctl_ask(struct web_ctl *c, const struct web_agg_op *ops, uint32_t n);

/**
 * The key list, when it is newer than @p *version: a new reference to
 * {"sensors": [[ID, [ATTR...]], ...], "total": N, "cut": bool} (by id;
 * "cut" when there were more than max_sensors sensors), and @p *version
 * updated. @return it, or NULL when there is nothing newer.
 */
json_t *web_ctl_keys(struct web_ctl *c, uint64_t *version);

void web_ctl_stats(struct web_ctl *c, struct web_ctl_stats *s);

#endif /* WEB_CTL_H */
