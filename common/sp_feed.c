/*
 * sp_feed.c - feed packet build and decode (PROTOCOL.md section 2).
 */
#include "sp_feed.h"

#include <string.h>

#include "sp_bytes.h"

static const char *const err_names[SP_FEED_E_ERR__COUNT] = {
	[SP_FEED_E_OK] = "ok",
	[SP_FEED_E_SHORT] = "short",
	[SP_FEED_E_MAGIC] = "magic",
	[SP_FEED_E_VERSION] = "version",
	[SP_FEED_E_FLAGS] = "flags",
	[SP_FEED_E_MSG_LEN] = "msg_len",
	[SP_FEED_E_MSG_TYPE] = "msg_type",
	[SP_FEED_E_RECORD] = "record",
	[SP_FEED_E_TRAILING] = "trailing",
};

const char *sp_feed_err_name(unsigned int err)
{
	return err < SP_FEED_E_ERR__COUNT ? err_names[err] : "?";
}

void sp_feed_hdr_write(uint8_t *p, const struct sp_feed_hdr *h)
{
	sp_put16(p, SP_FEED_MAGIC);
	p[2] = SP_PROTO_VERSION;
	p[3] = h->flags;
	sp_put16(p + 4, h->feed_id);
	sp_put16(p + 6, h->count);
	sp_put64(p + 8, h->session);
	sp_put64(p + 16, h->seq);
	sp_put64(p + 24, h->send_ns);
}

size_t sp_feed_msg_write(uint8_t *p, uint8_t quality, uint64_t sensor_id,
			 uint32_t version, const struct sp_record *r,
			 const uint8_t *values, size_t vlen)
{
	size_t body = SP_MSG_FIXED_LEN + SP_REC_HDR_LEN + vlen;

	sp_put16(p, (uint16_t)body);
	p[2] = SP_MSG_TYPE_SAMPLE;
	p[3] = quality;
	sp_put64(p + 4, sensor_id);
	sp_put32(p + 12, version);
	sp_record_write_hdr(p + 2 + SP_MSG_FIXED_LEN, r);
	memcpy(p + 2 + SP_MSG_FIXED_LEN + SP_REC_HDR_LEN, values, vlen);
	return 2 + body;
}

/* Decode the message at @p p whose body is @p blen bytes long. */
static enum sp_feed_err msg_read(const uint8_t *p, size_t blen,
				 struct sp_feed_msg *m)
{
	size_t rlen;

	if (blen < SP_MSG_FIXED_LEN + SP_REC_HDR_LEN)
		return SP_FEED_E_MSG_LEN;
	m->type = p[0];
	if (m->type != SP_MSG_TYPE_SAMPLE)
		return SP_FEED_E_MSG_TYPE;
	m->quality = p[1];
	m->sensor_id = sp_get64(p + 2);
	m->version = sp_get32(p + 10);
	m->raw = p + SP_MSG_FIXED_LEN;
	rlen = blen - SP_MSG_FIXED_LEN;
	m->raw_len = (uint16_t)rlen;
	/* The record must fill the message exactly. */
	if (sp_record_check(m->raw, rlen, &m->rec) != SP_OK ||
	    SP_REC_HDR_LEN + sp_record_values_len(&m->rec) != rlen)
		return SP_FEED_E_RECORD;
	return SP_FEED_E_OK;
}

enum sp_feed_err sp_feed_decode(const uint8_t *p, size_t len,
				struct sp_feed_hdr *h)
{
	struct sp_feed_msg m;
	enum sp_feed_err e;
	size_t off = SP_FHDR_LEN, blen;

	if (len < SP_FHDR_LEN)
		return SP_FEED_E_SHORT;
	if (sp_get16(p) != SP_FEED_MAGIC)
		return SP_FEED_E_MAGIC;
	if (p[2] != SP_PROTO_VERSION)
		return SP_FEED_E_VERSION;
	if (p[3] & ~SP_FF_KNOWN)
		return SP_FEED_E_FLAGS;
	h->flags = p[3];
	h->feed_id = sp_get16(p + 4);
	h->count = sp_get16(p + 6);
	h->session = sp_get64(p + 8);
	h->seq = sp_get64(p + 16);
	h->send_ns = sp_get64(p + 24);
	for (unsigned int i = 0; i < h->count; i++) {
		if (len - off < 2)
			return SP_FEED_E_MSG_LEN;
		blen = sp_get16(p + off);
		if (len - off - 2 < blen)
			return SP_FEED_E_MSG_LEN;
		e = msg_read(p + off + 2, blen, &m);
		if (e != SP_FEED_E_OK)
			return e;
		off += 2 + blen;
	}
	return off == len ? SP_FEED_E_OK : SP_FEED_E_TRAILING;
}

int sp_feed_next(const uint8_t *p, size_t len, size_t *off,
		 struct sp_feed_msg *m)
{
	size_t blen;

	if (*off == 0)
		*off = SP_FHDR_LEN;
	if (*off + 2 > len)
		return 0;
	blen = sp_get16(p + *off);
	if (msg_read(p + *off + 2, blen, m) != SP_FEED_E_OK)
		return 0;
	*off += 2 + blen;
	return 1;
}
