/*
 * sp_digest.h - an order-independent digest of delivered samples, so a test
 * can prove that the samples a viewer got are exactly those a simulator
 * sent (same count, same multiset) without shipping them around.
 */
#ifndef SP_DIGEST_H
#define SP_DIGEST_H

#include <stdint.h>

#include "sp_wire.h"

struct sp_digest {
	uint64_t samples;
	uint64_t sum;   /* sum of per-sample hashes, mod 2^64 */
};

/** Add every sample of record @p r of sensor @p sensor_id. */
void sp_digest_record(struct sp_digest *d, uint64_t sensor_id,
		      const struct sp_record *r);

#endif /* SP_DIGEST_H */
