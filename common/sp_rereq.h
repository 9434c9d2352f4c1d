/*
 * sp_rereq.h - the re-request of PROTOCOL.md section 3 (viewer to
 * appliance, UDP unicast, default port 7401): 24 bytes.
 */
#ifndef SP_REREQ_H
#define SP_REREQ_H

#include <stddef.h>
#include <stdint.h>

#define SP_REREQ_MAGIC 0x5352u /* "SR" */
#define SP_REREQ_LEN   24u
#define SP_REREQ_PORT  7401u
#define SP_REREQ_MAX_COUNT 65534u

struct sp_rereq {
	uint16_t feed_id;
	uint16_t count;    /* 1..65534 */
	uint64_t session;
	uint64_t seq;      /* first message wanted */
};

/** Why a re-request was rejected. */
enum sp_rereq_err {
	SP_REREQ_OK = 0,
	SP_REREQ_LEN_BAD,   /* not exactly 24 bytes */
	SP_REREQ_MAGIC_BAD,
	SP_REREQ_VERSION_BAD,
	SP_REREQ_RESERVED_BAD,
	SP_REREQ_COUNT_BAD, /* count 0 or 65535 */
	SP_REREQ_ERR__COUNT
};

const char *sp_rereq_err_name(unsigned int err);

/** Encode into @p p (24 bytes). @return 24. */
size_t sp_rereq_encode(uint8_t *p, const struct sp_rereq *r);

/** Decode and validate @p len bytes. */
enum sp_rereq_err sp_rereq_decode(const uint8_t *p, size_t len,
				  struct sp_rereq *r);

#endif /* SP_REREQ_H */
