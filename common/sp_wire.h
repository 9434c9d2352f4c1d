/*
 * sp_wire.h - the sensor packet of PROTOCOL.md section 1: parse, validate,
 * build, and the record layout that the feed packet (sp_feed.h) reuses.
 *
 * Parsing never trusts a length: every field is checked against the UDP
 * payload length before use, and a packet is either accepted whole or
 * rejected with exactly one reason from enum sp_drop.
 */
#ifndef SP_WIRE_H
#define SP_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "sp_siphash.h"

#define SP_SENSOR_MAGIC   0x5346u /* "SF" */
#define SP_PROTO_VERSION  1u
#define SP_SENSOR_PORT    7400u

#define SP_SFLAG_MAC      0x01u /* an 8-byte SipHash trailer ends the packet */
#define SP_SFLAG_HINT     0x02u /* the sensor wants attention hints */
#define SP_SFLAG_KNOWN    (SP_SFLAG_MAC | SP_SFLAG_HINT)

#define SP_SHDR_LEN       16u
#define SP_REC_HDR_LEN    20u
#define SP_MAC_LEN        8u
#define SP_MIN_SENSOR_LEN (SP_SHDR_LEN + SP_REC_HDR_LEN)
#define SP_MAX_DIM        16u
#define SP_MAX_NSAMP      1024u

enum sp_vtype {
	SP_VT_F32 = 1,
	SP_VT_F64 = 2,
	SP_VT_I32 = 3,
	SP_VT_I64 = 4,
};

/*
 * Why a sensor packet was dropped. The order is the order of the checks, and
 * the names (sp_drop_name) are the counter names that the dataplane exports
 * and the simulator labels its malformed packets with.
 */
enum sp_drop {
	SP_OK = 0,
	SP_DROP_SHORT,        /* shorter than header + one record header (+ MAC) */
	SP_DROP_MAGIC,        /* magic is not "SF" */
	SP_DROP_VERSION,      /* unknown protocol version */
	SP_DROP_FLAGS,        /* reserved flag bits set */
	SP_DROP_SENSOR0,      /* sensor_id 0 */
	SP_DROP_ATTR0,        /* a record with attr_id 0 */
	SP_DROP_VTYPE,        /* a record with an unknown value type */
	SP_DROP_DIM,          /* a record with dim outside 1..16 */
	SP_DROP_NSAMP,        /* a record with nsamp outside 1..1024 */
	SP_DROP_RESERVED,     /* a record's reserved field is not 0 */
	SP_DROP_DT,           /* dt_ns != 0 in a one-sample record */
	SP_DROP_OVERRUN,      /* a record's values run past the payload */
	SP_DROP_TRAILING,     /* 1..19 bytes left that do not make a record */
	SP_DROP_MAC_MISSING,  /* the sensor has a key, the packet no MAC */
	SP_DROP_MAC_BAD,      /* the MAC does not verify */
	SP_DROP_MAC_NOKEY,    /* a MAC is required, the sensor has no key */
	SP_DROP__COUNT
};

/** Counter name of a drop reason ("short", "magic", ...); "?" if unknown. */
const char *sp_drop_name(unsigned int reason);

/** Bytes of one value of @p vtype, 0 for an invalid type. */
static inline unsigned int sp_vtype_size(unsigned int vtype)
{
	switch (vtype) {
	case SP_VT_F32: case SP_VT_I32: return 4;
	case SP_VT_F64: case SP_VT_I64: return 8;
	default: return 0;
	}
}

/** Name of a value type ("f32", ...), "?" if invalid. */
const char *sp_vtype_name(unsigned int vtype);
/** Value type from its name, 0 if unknown. */
unsigned int sp_vtype_parse(const char *name);

/** A decoded record header; @c values points into the packet. */
struct sp_record {
	uint16_t attr_id;
	uint8_t vtype;
	uint8_t dim;
	uint16_t nsamp;
	uint64_t t0_ns;
	uint32_t dt_ns;
	const uint8_t *values;   /* nsamp * dim * size(vtype) bytes, big-endian */
};

/** Bytes of the values of @p r. */
static inline uint32_t sp_record_values_len(const struct sp_record *r)
{
	return (uint32_t)r->nsamp * r->dim * sp_vtype_size(r->vtype);
}

/**
 * Check one record header at @p p with @p avail bytes available.
 * Fills @p r on success.
 * @return SP_OK, or the drop reason (SP_DROP_TRAILING when avail < 20).
 */
enum sp_drop sp_record_check(const uint8_t *p, size_t avail,
			     struct sp_record *r);

/** Write the 20-byte header of @p r at @p p (values are not copied). */
void sp_record_write_hdr(uint8_t *p, const struct sp_record *r);

/* Keys a sensor may have at once: two while one is being rotated out. */
#define SP_MAX_SENSOR_KEYS 2

/** Fills @p keys with the sensor's 16-byte keys; returns how many (0: the
 * sensor has none). */
typedef unsigned int (*sp_key_fn)(void *ctx, uint64_t sensor_id,
				  const uint8_t *keys[SP_MAX_SENSOR_KEYS]);

/* sp_sensor_parse() policy bits. */
#define SP_PARSE_REQUIRE_MAC 0x1u /* a sensor without a key is dropped */

/* Records whose headers the check keeps decoded (sp_sensor_rec). */
#define SP_PKT_RECS 8

/** A validated sensor packet; records are read with sp_sensor_next() or
 *  sp_sensor_rec(). */
struct sp_sensor_pkt {
	uint64_t sensor_id;
	uint32_t seq;
	uint8_t flags;
	uint16_t nrec;
	uint8_t key_used;     /* 0: no key; 1: the first verified; 2: the second */
	const uint8_t *body;  /* first record */
	uint32_t body_len;    /* bytes of records (MAC trailer excluded) */
	uint32_t kept_len;    /* bytes of the records in rec[] */
	/* the first SP_PKT_RECS records as the check decoded them */
	struct sp_record rec[SP_PKT_RECS];
};

/**
 * Validate a whole sensor packet (UDP payload).
 * @param key_of  key lookup for the MAC check, may be NULL (no sensor keyed)
 * @param policy  SP_PARSE_* bits (0: a sensor without a key is accepted,
 *                its trailer, if any, removed unchecked)
 * @return SP_OK and @p out filled, or the single reason the packet is dropped.
 */
enum sp_drop sp_sensor_parse(const uint8_t *p, size_t len, sp_key_fn key_of,
			     void *key_ctx, unsigned int policy,
			     struct sp_sensor_pkt *out);

/**
 * Iterate the records of a packet that sp_sensor_parse() accepted.
 * @param off  cursor, start at 0
 * @return 1 and @p r filled, or 0 at the end.
 */
int sp_sensor_next(const struct sp_sensor_pkt *pkt, uint32_t *off,
		   struct sp_record *r);

/**
 * Record @p i of an accepted packet, read in order (i = 0, 1, ... nrec-1)
 * without decoding its header again: the first SP_PKT_RECS from what the
 * check kept, later ones decoded into @p tmp from cursor @p off.
 */
static inline const struct sp_record *
sp_sensor_rec(const struct sp_sensor_pkt *pkt, unsigned int i, uint32_t *off,
	      struct sp_record *tmp)
{
	if (i < SP_PKT_RECS)
		return &pkt->rec[i];
	if (i == SP_PKT_RECS)
		*off = pkt->kept_len;
	sp_sensor_next(pkt, off, tmp);
	return tmp;
}

/* ---- building ---- */

struct sp_sensor_builder {
	uint8_t *buf;
	size_t cap;
	size_t len;
	uint8_t flags;
};

/** Start a packet in @p buf. @return 0, or -ENOSPC if cap < 16. */
int sp_sensor_begin(struct sp_sensor_builder *b, uint8_t *buf, size_t cap,
		    uint64_t sensor_id, uint32_t seq, uint8_t flags);

/**
 * Append a record; @p values are nsamp*dim host-order values of the C type of
 * @p vtype (float, double, int32_t, int64_t).
 * @return 0, or -ENOSPC (the packet is unchanged) or -EINVAL (bad shape).
 */
int sp_sensor_add(struct sp_sensor_builder *b, uint16_t attr_id, uint8_t vtype,
		  uint8_t dim, uint16_t nsamp, uint64_t t0_ns, uint32_t dt_ns,
		  const void *values);

/**
 * Finish: appends the MAC trailer when the MAC flag is set (@p key must then
 * be given). @return the packet length, or 0 if it does not fit.
 */
size_t sp_sensor_finish(struct sp_sensor_builder *b,
			const uint8_t key[SP_SIPHASH_KEY_LEN]);

/* ---- values ---- */

/** Encode @p n host values of @p vtype at @p src big-endian into @p dst. */
void sp_values_encode(uint8_t vtype, size_t n, const void *src, uint8_t *dst);

/** Value number @p i of big-endian @p values of @p vtype, as a double. */
double sp_value_get(const uint8_t *values, uint8_t vtype, size_t i);

#endif /* SP_WIRE_H */
