/*
 * dp_mailbox.h - a worker applies what the control thread asked through
 * its mailbox (dp_cmd.h): lenses, interests, switches, loss settings and
 * queries, a few between bursts. Runs on the worker's lcore only.
 */
#ifndef DP_MAILBOX_H
#define DP_MAILBOX_H

#include "dp_worker.h"

/** Apply up to @p max commands waiting in the mailbox. @return them. */
unsigned int dp_mailbox_drain(struct dp_worker *w, unsigned int max);
/** Apply switches @p flags (flushing what the old mode owed). */
void dp_mailbox_flags(struct dp_worker *w, uint32_t flags);

#endif /* DP_MAILBOX_H */
