/*
 * sp_hint.c - attention hint encode/decode (PROTOCOL.md section 4).
 */
#include "sp_hint.h"

#include <string.h>

#include "sp_bytes.h"
#include "sp_wire.h"

size_t sp_hint_encode(uint8_t *p, const struct sp_hint *h)
{
	sp_put16(p, SP_HINT_MAGIC);
	p[2] = SP_PROTO_VERSION;
	p[3] = h->level;
	sp_put32(p + 4, h->batch_ms);
	sp_put64(p + 8, h->sensor_id);
	return SP_HINT_LEN;
}

enum sp_hint_err sp_hint_decode(const uint8_t *p, size_t len,
				struct sp_hint *h)
{
	if (len != SP_HINT_LEN)
		return SP_HINT_LEN_BAD;
	if (sp_get16(p) != SP_HINT_MAGIC)
		return SP_HINT_MAGIC_BAD;
	if (p[2] != SP_PROTO_VERSION)
		return SP_HINT_VERSION_BAD;
	h->level = p[3];
	if (h->level > SP_LEVEL_HIGH)
		return SP_HINT_LEVEL_BAD;
	h->batch_ms = sp_get32(p + 4);
	h->sensor_id = sp_get64(p + 8);
	if (h->sensor_id == 0)
		return SP_HINT_SENSOR_BAD;
	return SP_HINT_OK;
}
