/*
 * dp_queries.h - a worker answers a query of the control thread (sensors,
 * attention, history) into the query's buffer and marks it done; the
 * control thread waits for it, the worker never waits.
 */
#ifndef DP_QUERIES_H
#define DP_QUERIES_H

#include "dp_worker.h"

/** Answer @p q (its kind says which) and set q->done. */
void dp_queries_answer(struct dp_worker *w, struct dp_query *q);

#endif /* DP_QUERIES_H */
