/*
 * dp_notify.h - what a worker tells others: attention hints to the
 * sensors that want them (PROTOCOL.md 4), and sensors seen or gone idle
 * to the control thread (its event ring). Runs on the worker's lcore.
 */
#ifndef DP_NOTIFY_H
#define DP_NOTIFY_H

#include "dp_worker.h"

/** Send an attention hint to sensor @p s if it asked and it is due. */
void dp_notify_hint(struct dp_worker *w, struct dp_sensor *s, int force);
/** Hints that are due by the period, to sensors quiet since (every tick,
 * so a hint is at most one tick, 100 ms, late). */
void dp_notify_hint_due(struct dp_worker *w);
/** Tell the control thread sensor @p s was seen or went idle.
 * @return 0, or -1 when its ring was full (counted in events_lost; the
 * caller tells it again later, so nothing is lost by design). */
int dp_notify_event(struct dp_worker *w, const struct dp_sensor *s,
		     uint32_t kind);
/** Look at a slice of the sensors for ones gone idle (every tick). */
void dp_notify_idle_scan(struct dp_worker *w);

#endif /* DP_NOTIFY_H */
