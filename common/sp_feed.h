/*
 * sp_feed.h - the feed packet of PROTOCOL.md section 2 (appliance to
 * viewers), modelled on MoldUDP64: a 32-byte header, then @c count messages,
 * each a 2-byte length and a sample-record message.
 *
 * Building is split so the dataplane can write straight into an mbuf:
 * reserve the header, append messages while they fit, then write the header
 * with the final count.
 */
#ifndef SP_FEED_H
#define SP_FEED_H

#include <stddef.h>
#include <stdint.h>

#include "sp_wire.h"

#define SP_FEED_MAGIC     0x5356u /* "SV" */
#define SP_FHDR_LEN       32u
#define SP_MSG_FIXED_LEN  14u     /* type, quality, sensor_id, version */
#define SP_MSG_OVERHEAD   (2u + SP_MSG_FIXED_LEN)
#define SP_MSG_TYPE_SAMPLE 1u

#define SP_FF_RETRANS  0x01u
#define SP_FF_BACKFILL 0x02u
#define SP_FF_END      0x04u
#define SP_FF_KNOWN    (SP_FF_RETRANS | SP_FF_BACKFILL | SP_FF_END)

#define SP_Q_CONFLATED 0x01u
#define SP_Q_DEGRADED  0x02u
#define SP_Q_STALE     0x04u

struct sp_feed_hdr {
	uint8_t flags;
	uint16_t feed_id;
	uint16_t count;     /* 0 = heartbeat */
	uint64_t session;
	uint64_t seq;       /* first message; in a heartbeat the next to send */
	uint64_t send_ns;
};

/** One decoded message; @c rec.values points into the packet. */
struct sp_feed_msg {
	uint8_t type;
	uint8_t quality;
	uint64_t sensor_id;
	uint32_t version;
	struct sp_record rec;
	const uint8_t *raw;   /* the record bytes (header + values) */
	uint16_t raw_len;
};

/** Why a feed packet was rejected by sp_feed_decode(). */
enum sp_feed_err {
	SP_FEED_E_OK = 0,
	SP_FEED_E_SHORT,      /* shorter than the 32-byte header */
	SP_FEED_E_MAGIC,
	SP_FEED_E_VERSION,
	SP_FEED_E_FLAGS,      /* unknown flag bits */
	SP_FEED_E_MSG_LEN,    /* a message length runs past the packet */
	SP_FEED_E_MSG_TYPE,   /* a message of an unknown type */
	SP_FEED_E_RECORD,     /* the record inside a message is invalid */
	SP_FEED_E_TRAILING,   /* bytes after @c count messages */
	SP_FEED_E_ERR__COUNT
};

/** Name of a feed decode error. */
const char *sp_feed_err_name(unsigned int err);

/** Write the 32-byte header at @p p. */
void sp_feed_hdr_write(uint8_t *p, const struct sp_feed_hdr *h);

/** Bytes a message carrying a record with @p rec_len bytes takes. */
static inline size_t sp_feed_msg_size(size_t rec_len)
{
	return SP_MSG_OVERHEAD + rec_len;
}

/**
 * Write a message at @p p carrying record header @p r and @p vlen value bytes
 * from @p values (already big-endian, copied verbatim). The caller has
 * checked the room (sp_feed_msg_size(20 + vlen)).
 * @return bytes written.
 */
size_t sp_feed_msg_write(uint8_t *p, uint8_t quality, uint64_t sensor_id,
			 uint32_t version, const struct sp_record *r,
			 const uint8_t *values, size_t vlen);

/**
 * Validate a whole feed packet (header and every message).
 * @return SP_FEED_E_OK and @p h filled, or the reason.
 */
enum sp_feed_err sp_feed_decode(const uint8_t *p, size_t len,
				struct sp_feed_hdr *h);

/**
 * Iterate the messages of a packet sp_feed_decode() accepted.
 * @param off  cursor, start at 0
 * @return 1 and @p m filled, or 0 at the end.
 */
int sp_feed_next(const uint8_t *p, size_t len, size_t *off,
		 struct sp_feed_msg *m);

#endif /* SP_FEED_H */
