/*
 * dp_rereq.h - the re-request server (PROTOCOL.md section 3), run by the
 * worker whose feeds are asked for: allow list, per-requester byte
 * budget, the answer from the feed's retransmit buffer. Everything
 * refused is counted; nothing is sent to an address the list does not
 * allow.
 */
#ifndef DP_REREQ_H
#define DP_REREQ_H

#include "dp_worker.h"

/** Allocate the requester table. @return 0 or -ENOMEM. */
int dp_rereq_init(struct dp_worker *w);
/** Free it (NULL-safe). */
void dp_rereq_free(struct dp_worker *w);
/** Serve one re-request datagram. */
void dp_rereq_rx(struct dp_worker *w, const struct dp_rx_info *info);

#endif /* DP_REREQ_H */
