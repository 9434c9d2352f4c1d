/*
 * spl_fill.h - when messages of a feed are lost for good (gone from the
 * retransmit buffer, or re-requests unanswered), read what the keys seen
 * on that feed got since their last sample from the dataplane's history
 * (control protocol `history ... range`), so the viewer still ends up with
 * every sample, and says so.
 */
#ifndef SPL_FILL_H
#define SPL_FILL_H

#include <stdint.h>

#include "sp_ctl.h"
#include "sp_digest.h"
#include "spl_keys.h"

struct spl_fill_stats {
	uint64_t queries, keys, samples, errors;
};

/** One sample read back: key @p k, its @p version, as a one-sample
 * record. */
typedef void (*spl_fill_emit_fn)(void *ctx, struct spl_key *k,
				 uint32_t version, const struct sp_record *one);

/**
 * Fill the keys last seen on feed @p feed_slot from history; each new
 * sample goes to @p emit (may be NULL). @return the samples read back.
 */
uint64_t spl_fill_history(struct sp_ctl *ctl, struct spl_keys *t,
			   struct sp_digest *d, uint16_t feed_slot,
			   struct spl_fill_stats *st, spl_fill_emit_fn emit,
			   void *ctx);

#endif /* SPL_FILL_H */
