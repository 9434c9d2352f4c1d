/*
 * fuzz_sensor.c - libFuzzer target for the sensor-packet parser: any input
 * must be either dropped with one named reason or accepted with records
 * that lie inside the input; accepted packets must survive re-iteration
 * and feeding into a feed packet, which must decode again.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sp_feed.h"
#include "sp_wire.h"

static const uint8_t KEY[16] = "fuzz-key-0123456";
static const uint8_t KEY2[16] = "fuzz-key-rotated";

/* Odd sensor ids are keyed, those of 3 mod 4 with two keys (a rotation):
 * exercises MAC missing/bad/good. */
static unsigned int key_of(void *ctx, uint64_t id,
			   const uint8_t *keys[SP_MAX_SENSOR_KEYS])
{
	(void)ctx;
	if (!(id & 1))
		return 0;
	keys[0] = KEY;
	keys[1] = KEY2;
	return (id & 2) ? 2 : 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t feed[70000];
	struct sp_sensor_pkt pkt;
	struct sp_record r;
	struct sp_feed_hdr h = { .feed_id = 1, .session = 1, .seq = 1 };
	/* inputs whose last byte is odd also require a MAC */
	unsigned int policy = size && (data[size - 1] & 1) ?
			      SP_PARSE_REQUIRE_MAC : 0;
	enum sp_drop why = sp_sensor_parse(data, size, key_of, NULL, policy,
					   &pkt);
	uint32_t off = 0, nrec = 0;
	size_t foff = SP_FHDR_LEN;

	if (why >= SP_DROP__COUNT)
		abort();
	if (why != SP_OK)
		return 0;
	while (sp_sensor_next(&pkt, &off, &r)) {
		size_t vlen = sp_record_values_len(&r);

		if (r.values < data || r.values + vlen > data + size)
			abort();
		if (foff + SP_MSG_OVERHEAD + SP_REC_HDR_LEN + vlen <=
		    sizeof(feed) && nrec < 65535) {
			foff += sp_feed_msg_write(feed + foff, 0, pkt.sensor_id,
						  r.nsamp, &r, r.values, vlen);
			h.count++;
		}
		nrec++;
	}
	if (nrec != pkt.nrec || off != pkt.body_len)
		abort();
	sp_feed_hdr_write(feed, &h);
	if (sp_feed_decode(feed, foff, &h) != SP_FEED_E_OK)
		abort();
	return 0;
}
