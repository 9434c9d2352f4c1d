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
/** Every sensor of the dataplane, each `sensors` row to @p fn, a page at a
 * time (asynchronously), then @p done (may be NULL). */
void cp_registry_each(struct cp_node *n,
		      void (*fn)(struct cp_node *, const json_t *row),
		      void (*done)(struct cp_node *));
/** A `sensors` row's id. */
uint64_t cp_registry_row_id(const json_t *row);
/** Register every sensor the dataplane has (start, reconnects). */
void cp_registry_all(struct cp_node *n);
/** The last_seen timer (every controlplane.last_seen_s). */
void cp_registry_on_seen(evutil_socket_t fd, short what, void *arg);

#endif /* CP_REGISTRY_H */
