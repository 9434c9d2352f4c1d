/*
 * view_fill.h - when messages of a feed are lost for good (gone from the
 * retransmit buffer, or re-requests unanswered), read what the keys seen
 * on that feed got since their last sample from the dataplane's history
 * (control protocol `history ... range`), so the viewer still ends up with
 * every sample, and says so.
 */
#ifndef VIEW_FILL_H
#define VIEW_FILL_H

#include <stdint.h>

#include "sp_ctl.h"
#include "sp_digest.h"
#include "view_table.h"

struct view_fill_stats {
	uint64_t queries, keys, samples, errors;
};

/** Fill the keys last seen on feed @p feed_slot from history. */
void view_fill_history(struct sp_ctl *ctl, struct view_table *t,
		       struct sp_digest *d, uint16_t feed_slot,
		       struct view_fill_stats *st);

#endif /* VIEW_FILL_H */
