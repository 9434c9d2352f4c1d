/*
 * sp_digest.c - per-sample hash: SipHash over (sensor, attr, time, values),
 * so the same sample hashes the same whether it travelled in a batch of 50
 * or was split across feed messages.
 */
#include "sp_digest.h"

#include <string.h>

#include "sp_bytes.h"

static const uint8_t digest_key[SP_SIPHASH_KEY_LEN] = "senseplane-dgst";

void sp_digest_record(struct sp_digest *d, uint64_t sensor_id,
		      const struct sp_record *r)
{
	unsigned int ssize = r->dim * sp_vtype_size(r->vtype);
	uint8_t buf[18 + SP_MAX_DIM * 8];

	sp_put64(buf, sensor_id);
	sp_put16(buf + 8, r->attr_id);
	for (unsigned int s = 0; s < r->nsamp; s++) {
		sp_put64(buf + 10, r->t0_ns + (uint64_t)s * r->dt_ns);
		memcpy(buf + 18, r->values + (size_t)s * ssize, ssize);
		d->sum += sp_siphash24(digest_key, buf, 18 + ssize);
		d->samples++;
	}
}
