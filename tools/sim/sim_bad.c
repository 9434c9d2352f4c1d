/*
 * sim_bad.c - malformed packets, one kind per drop reason (see sim_bad.h).
 * Each mutation breaks exactly one rule, and the rules the parser checks
 * earlier are left intact, so the expected reason is unambiguous.
 */
#include "sim_bad.h"

#include <string.h>

#include "sp_bytes.h"

int sim_bad_make(uint8_t *buf, size_t *len, enum sp_drop kind, int keyed)
{
	uint8_t *rec = buf + SP_SHDR_LEN;
	unsigned int ssize = rec[3] * sp_vtype_size(rec[2]);
	size_t mac = (buf[3] & SP_SFLAG_MAC) ? SP_MAC_LEN : 0;

	switch (kind) {
	case SP_DROP_SHORT:
		*len = SP_MIN_SENSOR_LEN - 1;
		return 0;
	case SP_DROP_MAGIC:
		buf[0] ^= 0xff;
		return 0;
	case SP_DROP_VERSION:
		buf[2] = SP_PROTO_VERSION + 1;
		return 0;
	case SP_DROP_FLAGS:
		buf[3] |= 0x80;
		return 0;
	case SP_DROP_SENSOR0:
		sp_put64(buf + 8, 0);
		return 0;
	case SP_DROP_ATTR0:
		sp_put16(rec, 0);
		return 0;
	case SP_DROP_VTYPE:
		rec[2] = 9;
		return 0;
	case SP_DROP_DIM:
		rec[3] = 0;
		return 0;
	case SP_DROP_NSAMP:
		sp_put16(rec + 4, 0);
		return 0;
	case SP_DROP_RESERVED:
		sp_put16(rec + 6, 0x8000);
		return 0;
	case SP_DROP_DT:
		/* one sample with a sample interval; MAC trailer dropped so the
		 * record ends the packet */
		sp_put16(rec + 4, 1);
		sp_put32(rec + 16, 4000000);
		buf[3] &= (uint8_t)~SP_SFLAG_MAC;
		*len = SP_SHDR_LEN + SP_REC_HDR_LEN + ssize;
		return 0;
	case SP_DROP_OVERRUN:
		*len -= 1;
		return 0;
	case SP_DROP_TRAILING:
		/* 5 zero bytes after the record, before any MAC trailer */
		memmove(buf + *len - mac + 5, buf + *len - mac, mac);
		memset(buf + *len - mac, 0, 5);
		*len += 5;
		return 0;
	case SP_DROP_MAC_MISSING:
		if (!keyed || !mac)
			return -1;
		buf[3] &= (uint8_t)~SP_SFLAG_MAC;
		*len -= SP_MAC_LEN;
		return 0;
	case SP_DROP_MAC_BAD:
		if (!keyed || !mac)
			return -1;
		buf[*len - 1] ^= 0x01;
		return 0;
	default:
		return -1;
	}
}
