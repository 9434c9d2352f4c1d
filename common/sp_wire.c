/*
 * sp_wire.c - sensor packet parse and build (PROTOCOL.md section 1).
 */
#include "sp_wire.h"

#include <errno.h>
#include <string.h>

#include "sp_bytes.h"

static const char *const drop_names[SP_DROP__COUNT] = {
	[SP_OK] = "ok",
	[SP_DROP_SHORT] = "short",
	[SP_DROP_MAGIC] = "magic",
	[SP_DROP_VERSION] = "version",
	[SP_DROP_FLAGS] = "flags",
	[SP_DROP_SENSOR0] = "sensor0",
	[SP_DROP_ATTR0] = "attr0",
	[SP_DROP_VTYPE] = "vtype",
	[SP_DROP_DIM] = "dim",
	[SP_DROP_NSAMP] = "nsamp",
	[SP_DROP_RESERVED] = "reserved",
	[SP_DROP_DT] = "dt",
	[SP_DROP_OVERRUN] = "overrun",
	[SP_DROP_TRAILING] = "trailing",
	[SP_DROP_MAC_MISSING] = "mac_missing",
	[SP_DROP_MAC_BAD] = "mac_bad",
	[SP_DROP_MAC_NOKEY] = "mac_no_key",
};

const char *sp_drop_name(unsigned int reason)
{
	return reason < SP_DROP__COUNT ? drop_names[reason] : "?";
}

static const char *const vtype_names[] = { "?", "f32", "f64", "i32", "i64" };

const char *sp_vtype_name(unsigned int vtype)
{
	return vtype <= SP_VT_I64 ? vtype_names[vtype] : "?";
}

unsigned int sp_vtype_parse(const char *name)
{
	for (unsigned int i = SP_VT_F32; i <= SP_VT_I64; i++)
		if (strcmp(name, vtype_names[i]) == 0)
			return i;
	return 0;
}

static void record_read(const uint8_t *p, struct sp_record *r)
{
	r->attr_id = sp_get16(p);
	r->vtype = p[2];
	r->dim = p[3];
	r->nsamp = sp_get16(p + 4);
	r->t0_ns = sp_get64(p + 8);
	r->dt_ns = sp_get32(p + 16);
	r->values = p + SP_REC_HDR_LEN;
}

enum sp_drop sp_record_check(const uint8_t *p, size_t avail,
			     struct sp_record *r)
{
	unsigned int vsize;

	if (avail < SP_REC_HDR_LEN)
		return SP_DROP_TRAILING;
	record_read(p, r);
	if (r->attr_id == 0)
		return SP_DROP_ATTR0;
	vsize = sp_vtype_size(r->vtype);
	if (vsize == 0)
		return SP_DROP_VTYPE;
	if (r->dim == 0 || r->dim > SP_MAX_DIM)
		return SP_DROP_DIM;
	if (r->nsamp == 0 || r->nsamp > SP_MAX_NSAMP)
		return SP_DROP_NSAMP;
	if (sp_get16(p + 6) != 0)
		return SP_DROP_RESERVED;
	if (r->nsamp == 1 && r->dt_ns != 0)
		return SP_DROP_DT;
	if ((size_t)r->nsamp * r->dim * vsize > avail - SP_REC_HDR_LEN)
		return SP_DROP_OVERRUN;
	return SP_OK;
}

void sp_record_write_hdr(uint8_t *p, const struct sp_record *r)
{
	sp_put16(p, r->attr_id);
	p[2] = r->vtype;
	p[3] = r->dim;
	sp_put16(p + 4, r->nsamp);
	sp_put16(p + 6, 0);
	sp_put64(p + 8, r->t0_ns);
	sp_put32(p + 16, r->dt_ns);
}

/* Which of @p n keys signed the packet: 1 or 2, 0 for none. */
static uint8_t mac_verify(const uint8_t *const *keys, unsigned int n,
			  const uint8_t *p, size_t len)
{
	uint64_t mac = sp_get64(p + len - SP_MAC_LEN);

	for (unsigned int i = 0; i < n; i++)
		if (sp_siphash24(keys[i], p, len - SP_MAC_LEN) == mac)
			return (uint8_t)(i + 1);
	return 0;
}

enum sp_drop sp_sensor_parse(const uint8_t *p, size_t len, sp_key_fn key_of,
			     void *key_ctx, unsigned int policy,
			     struct sp_sensor_pkt *out)
{
	const uint8_t *keys[SP_MAX_SENSOR_KEYS];
	size_t body_len, off;
	unsigned int nkeys;
	struct sp_record r;
	enum sp_drop why;
	uint16_t nrec = 0;
	uint8_t flags;

	if (len < SP_MIN_SENSOR_LEN)
		return SP_DROP_SHORT;
	if (sp_get16(p) != SP_SENSOR_MAGIC)
		return SP_DROP_MAGIC;
	if (p[2] != SP_PROTO_VERSION)
		return SP_DROP_VERSION;
	flags = p[3];
	if (flags & ~SP_SFLAG_KNOWN)
		return SP_DROP_FLAGS;
	out->sensor_id = sp_get64(p + 8);
	if (out->sensor_id == 0)
		return SP_DROP_SENSOR0;
	body_len = len - SP_SHDR_LEN;
	if (flags & SP_SFLAG_MAC) {
		if (len < SP_MIN_SENSOR_LEN + SP_MAC_LEN)
			return SP_DROP_SHORT;
		body_len -= SP_MAC_LEN;
	}
	/* Walk every record before anything is applied: all or nothing. */
	for (off = 0; off < body_len; nrec++) {
		struct sp_record *rp = nrec < SP_PKT_RECS ? &out->rec[nrec] : &r;

		why = sp_record_check(p + SP_SHDR_LEN + off, body_len - off, rp);
		if (why != SP_OK)
			return why;
		off += SP_REC_HDR_LEN + sp_record_values_len(rp);
		if (nrec < SP_PKT_RECS)
			out->kept_len = (uint32_t)off;
	}
	nkeys = key_of ? key_of(key_ctx, out->sensor_id, keys) : 0;
	out->key_used = 0;
	if (nkeys) {
		if (!(flags & SP_SFLAG_MAC))
			return SP_DROP_MAC_MISSING;
		out->key_used = mac_verify(keys, nkeys, p, len);
		if (out->key_used == 0)
			return SP_DROP_MAC_BAD;
	} else if (policy & SP_PARSE_REQUIRE_MAC) {
		return (flags & SP_SFLAG_MAC) ? SP_DROP_MAC_NOKEY
					      : SP_DROP_MAC_MISSING;
	}
	out->seq = sp_get32(p + 4);
	out->flags = flags;
	out->nrec = nrec;
	out->body = p + SP_SHDR_LEN;
	out->body_len = (uint32_t)body_len;
	return SP_OK;
}

int sp_sensor_next(const struct sp_sensor_pkt *pkt, uint32_t *off,
		   struct sp_record *r)
{
	const uint8_t *p;

	if (*off >= pkt->body_len)
		return 0;
	p = pkt->body + *off;
	record_read(p, r);
	*off += SP_REC_HDR_LEN + sp_record_values_len(r);
	return 1;
}

int sp_sensor_begin(struct sp_sensor_builder *b, uint8_t *buf, size_t cap,
		    uint64_t sensor_id, uint32_t seq, uint8_t flags)
{
	if (cap < SP_SHDR_LEN)
		return -ENOSPC;
	b->buf = buf;
	b->cap = cap;
	b->len = SP_SHDR_LEN;
	b->flags = flags;
	sp_put16(buf, SP_SENSOR_MAGIC);
	buf[2] = SP_PROTO_VERSION;
	buf[3] = flags;
	sp_put32(buf + 4, seq);
	sp_put64(buf + 8, sensor_id);
	return 0;
}

int sp_sensor_add(struct sp_sensor_builder *b, uint16_t attr_id, uint8_t vtype,
		  uint8_t dim, uint16_t nsamp, uint64_t t0_ns, uint32_t dt_ns,
		  const void *values)
{
	struct sp_record r = {
		.attr_id = attr_id, .vtype = vtype, .dim = dim,
		.nsamp = nsamp, .t0_ns = t0_ns, .dt_ns = dt_ns,
	};
	size_t vlen, room = b->cap - b->len;

	if (attr_id == 0 || sp_vtype_size(vtype) == 0 || dim == 0 ||
	    dim > SP_MAX_DIM || nsamp == 0 || nsamp > SP_MAX_NSAMP)
		return -EINVAL;
	vlen = sp_record_values_len(&r);
	if (b->flags & SP_SFLAG_MAC) {
		if (room < SP_MAC_LEN)
			return -ENOSPC;
		room -= SP_MAC_LEN;
	}
	if (room < SP_REC_HDR_LEN + vlen)
		return -ENOSPC;
	sp_record_write_hdr(b->buf + b->len, &r);
	sp_values_encode(vtype, (size_t)nsamp * dim, values,
			 b->buf + b->len + SP_REC_HDR_LEN);
	b->len += SP_REC_HDR_LEN + vlen;
	return 0;
}

size_t sp_sensor_finish(struct sp_sensor_builder *b,
			const uint8_t key[SP_SIPHASH_KEY_LEN])
{
	if (!(b->flags & SP_SFLAG_MAC))
		return b->len;
	if (key == NULL || b->cap - b->len < SP_MAC_LEN)
		return 0;
	sp_put64(b->buf + b->len, sp_siphash24(key, b->buf, b->len));
	b->len += SP_MAC_LEN;
	return b->len;
}

void sp_values_encode(uint8_t vtype, size_t n, const void *src, uint8_t *dst)
{
	const uint8_t *s = src;
	uint32_t v32;
	uint64_t v64;

	if (sp_vtype_size(vtype) == 4) {
		for (size_t i = 0; i < n; i++) {
			memcpy(&v32, s + 4 * i, 4);
			sp_put32(dst + 4 * i, v32);
		}
	} else {
		for (size_t i = 0; i < n; i++) {
			memcpy(&v64, s + 8 * i, 8);
			sp_put64(dst + 8 * i, v64);
		}
	}
}

double sp_value_get(const uint8_t *values, uint8_t vtype, size_t i)
{
	uint32_t u32;
	uint64_t u64;
	float f;
	double d;

	switch (vtype) {
	case SP_VT_F32:
		u32 = sp_get32(values + 4 * i);
		memcpy(&f, &u32, 4);
		return f;
	case SP_VT_F64:
		u64 = sp_get64(values + 8 * i);
		memcpy(&d, &u64, 8);
		return d;
	case SP_VT_I32:
		return (double)(int32_t)sp_get32(values + 4 * i);
	case SP_VT_I64:
		return (double)(int64_t)sp_get64(values + 8 * i);
	default:
		return 0.0;
	}
}
