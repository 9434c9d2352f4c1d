/*
 * sp_rereq.c - re-request encode/decode (PROTOCOL.md section 3).
 */
#include "sp_rereq.h"

#include "sp_bytes.h"
#include "sp_wire.h"

static const char *const err_names[SP_REREQ_ERR__COUNT] = {
	"ok", "length", "magic", "version", "reserved", "count",
};

const char *sp_rereq_err_name(unsigned int err)
{
	return err < SP_REREQ_ERR__COUNT ? err_names[err] : "?";
}

size_t sp_rereq_encode(uint8_t *p, const struct sp_rereq *r)
{
	sp_put16(p, SP_REREQ_MAGIC);
	p[2] = SP_PROTO_VERSION;
	p[3] = 0;
	sp_put16(p + 4, r->feed_id);
	sp_put16(p + 6, r->count);
	sp_put64(p + 8, r->session);
	sp_put64(p + 16, r->seq);
	return SP_REREQ_LEN;
}

enum sp_rereq_err sp_rereq_decode(const uint8_t *p, size_t len,
				  struct sp_rereq *r)
{
	if (len != SP_REREQ_LEN)
		return SP_REREQ_LEN_BAD;
	if (sp_get16(p) != SP_REREQ_MAGIC)
		return SP_REREQ_MAGIC_BAD;
	if (p[2] != SP_PROTO_VERSION)
		return SP_REREQ_VERSION_BAD;
	if (p[3] != 0)
		return SP_REREQ_RESERVED_BAD;
	r->feed_id = sp_get16(p + 4);
	r->count = sp_get16(p + 6);
	if (r->count == 0 || r->count > SP_REREQ_MAX_COUNT)
		return SP_REREQ_COUNT_BAD;
	r->session = sp_get64(p + 8);
	r->seq = sp_get64(p + 16);
	return SP_REREQ_OK;
}
