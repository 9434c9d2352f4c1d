/*
 * cp_metrics.h - the node's Prometheus exposition (text format 0.0.4):
 * the daemon's own figures and its dataplane's, one HELP and TYPE per
 * family, counters ending in _total, times in seconds, drops, tiers and
 * viewers as labels. Families: controlplane/SCHEMA.md. The dataplane's
 * figures are the last `stats` the daemon polled (every second), so a
 * scrape never waits for the dataplane.
 */
#ifndef CP_METRICS_H
#define CP_METRICS_H

#include <event2/buffer.h>

#include "cp_node.h"

/** Write every family of node @p n into @p b. */
void cp_metrics_write(struct evbuffer *b, const struct cp_node *n);

#endif /* CP_METRICS_H */
