/*
 * cp_subs.h - subscriptions, pins and viewers between Redis and the node's
 * dataplane: what Redis says of a subscription is applied (its viewer's
 * lens first) or removed; a viewer not in Redis is the node's own and left
 * alone; refusals go to the viewer's error field; after Redis lost our
 * data, what the dataplane holds is written back. Part of
 * senseplane-ctld, on its loop (cp_node.h).
 */
#ifndef CP_SUBS_H
#define CP_SUBS_H

#include <stdint.h>

#include "cp_node.h"

/** Re-read subscription (@p viewer, @p sensor, @p attr) and apply it. */
void cp_subs_apply(struct cp_node *n, const char *viewer, uint64_t sensor,
		   uint16_t attr);
/** Apply every subscription in Redis that names @p sensor (read with the
 * others queued within the millisecond, one script call per CP_BATCH). */
void cp_subs_of_sensor(struct cp_node *n, uint64_t sensor);
/** Read what cp_subs_of_sensor() queued. */
void cp_subs_flush(struct cp_node *n);
/** Both ways: the dataplane's subscriptions re-read, our sensors' ones
 * applied (resync, reconnect). */
void cp_subs_resync(struct cp_node *n);
/** Write back the dataplane's viewers and subscriptions (Redis empty). */
void cp_subs_restore(struct cp_node *n);
/** A pin of @p sensor changed (P event): the dataplane follows the set. */
void cp_subs_pin_event(struct cp_node *n, uint64_t sensor);
/** Viewer @p viewer changed (V event): gone from Redis, gone here. */
void cp_subs_viewer_event(struct cp_node *n, const char *viewer);

#endif /* CP_SUBS_H */
