/*
 * dp_link.h - the port's link state: up or down, speed, how often it
 * changed. Learnt from the port's link-state-change interrupt where the
 * PMD has one (LSC: net_tap, most NICs), else polled by the control
 * thread every 100 ms; every change is logged and counted, and shown in
 * `stats` (totals.link_up, link_changes) and /metrics.
 */
#ifndef DP_LINK_H
#define DP_LINK_H

#include <stdint.h>

struct dp_link {
	uint16_t port_id;
	int lsc;                 /* the PMD raises link events */
	uint32_t up;             /* 0 or 1 */
	uint32_t speed_mbps;
	uint64_t changes;        /* since start */
	uint64_t polls;
	uint64_t last_poll_ns;
};

/**
 * Read the link of @p port_id and, with @p lsc, register for its events.
 * @return 0 or -errno.
 */
int dp_link_start(struct dp_link *l, uint16_t port_id, int lsc);

/** Unregister the event callback. */
void dp_link_stop(struct dp_link *l);

/** Read the link again when 100 ms have passed since the last read
 * (@p now_ns, any monotonic clock). */
void dp_link_poll(struct dp_link *l, uint64_t now_ns);

#endif /* DP_LINK_H */
