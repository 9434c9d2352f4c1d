/*
 * cp_registry.h - the node's sensors in Redis: registrations batched into
 * one script call per 256 (one owner, ownership epochs, one event per
 * batch), idle marks, last_seen kept within controlplane.last_seen_s for
 * active sensors, and a pager over the dataplane's sensors that the other
 * parts use. Part of senseplane-ctld, on its loop (cp_node.h).
 */
#ifndef CP_REGISTRY_H
#define CP_REGISTRY_H

#include <stdint.h>

#include <jansson.h>

#include "cp_node.h"

/** Queue sensor @p sensor (owned by lcore @p worker) for registration. */
void cp_registry_pend(struct cp_node *n, uint64_t sensor, unsigned int worker);
/** Write what is queued. */
void cp_registry_flush(struct cp_node *n);
/** The flush timer (1 ms after the first queued sensor). */
void cp_registry_on_flush(evutil_socket_t fd, short what, void *arg);
/** Sensor @p sensor went idle: marked, and said on the channel. */
void cp_registry_idle(struct cp_node *n, uint64_t sensor);
/** A sensor of the dataplane, as its brief `sensors` page says. */
struct cp_row {
	uint64_t id;
	unsigned int worker;   /* its owning lcore */
	int64_t age_ms;        /* since its last packet */
	int idle;              /* reported gone idle */
};

/** Every sensor of the dataplane to @p fn, a brief page of 10 000 at a
 * time (asynchronously), then @p done (may be NULL). */
void cp_registry_each(struct cp_node *n,
		      void (*fn)(struct cp_node *, const struct cp_row *row),
		      void (*done)(struct cp_node *));
/** Register every sensor the dataplane has (start, reconnects). */
void cp_registry_all(struct cp_node *n);
/** The dataplane's events_lost counter is @p lost: when it went up since
 * the last call, register every sensor again (one pass at a time). */
void cp_registry_on_dp_lost(struct cp_node *n, uint64_t lost);
/** The last_seen timer (every controlplane.last_seen_s). */
void cp_registry_on_seen(evutil_socket_t fd, short what, void *arg);

#endif /* CP_REGISTRY_H */
