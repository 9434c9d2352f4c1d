/*
 * test_feed.c - feed packets: build -> decode round trip, heartbeats, and
 * every decode error.
 */
#include <string.h>

#include "sp_bytes.h"
#include "sp_digest.h"
#include "sp_feed.h"
#include "unit.h"

/* A feed packet with two messages: a 3-sample f32 record and one i64. */
static size_t two_msgs(uint8_t *buf)
{
	struct sp_feed_hdr h = { .flags = SP_FF_RETRANS, .feed_id = 33,
		.count = 2, .session = 0xabcdef, .seq = 1000,
		.send_ns = 42 };
	uint8_t v1[12], v2[8];
	float f[3] = { 1, 2, 3 };
	int64_t i = -5;
	struct sp_record r1 = { .attr_id = 1, .vtype = SP_VT_F32, .dim = 1,
		.nsamp = 3, .t0_ns = 100, .dt_ns = 10 };
	struct sp_record r2 = { .attr_id = 9, .vtype = SP_VT_I64, .dim = 1,
		.nsamp = 1, .t0_ns = 200 };
	size_t off = SP_FHDR_LEN;

	sp_values_encode(SP_VT_F32, 3, f, v1);
	sp_values_encode(SP_VT_I64, 1, &i, v2);
	off += sp_feed_msg_write(buf + off, SP_Q_CONFLATED, 7, 3, &r1, v1, 12);
	off += sp_feed_msg_write(buf + off, 0, 8, 1, &r2, v2, 8);
	sp_feed_hdr_write(buf, &h);
	return off;
}

static void test_round_trip(void)
{
	uint8_t buf[512];
	size_t len = two_msgs(buf), off = 0;
	struct sp_feed_hdr h;
	struct sp_feed_msg m;

	CU_ASSERT_EQUAL(len, 32 + (16 + 20 + 12) + (16 + 20 + 8));
	CU_ASSERT_EQUAL(sp_feed_decode(buf, len, &h), SP_FEED_E_OK);
	CU_ASSERT_EQUAL(h.flags, SP_FF_RETRANS);
	CU_ASSERT_EQUAL(h.feed_id, 33);
	CU_ASSERT_EQUAL(h.count, 2);
	CU_ASSERT_EQUAL(h.session, 0xabcdef);
	CU_ASSERT_EQUAL(h.seq, 1000);
	CU_ASSERT_EQUAL(h.send_ns, 42);
	CU_ASSERT_TRUE(sp_feed_next(buf, len, &off, &m));
	CU_ASSERT_EQUAL(m.quality, SP_Q_CONFLATED);
	CU_ASSERT_EQUAL(m.sensor_id, 7);
	CU_ASSERT_EQUAL(m.version, 3);
	CU_ASSERT_EQUAL(m.rec.nsamp, 3);
	CU_ASSERT_EQUAL(m.rec.dt_ns, 10);
	CU_ASSERT_DOUBLE_EQUAL(sp_value_get(m.rec.values, SP_VT_F32, 2), 3, 0);
	CU_ASSERT_TRUE(sp_feed_next(buf, len, &off, &m));
	CU_ASSERT_EQUAL(m.sensor_id, 8);
	CU_ASSERT_DOUBLE_EQUAL(sp_value_get(m.rec.values, SP_VT_I64, 0), -5, 0);
	CU_ASSERT_FALSE(sp_feed_next(buf, len, &off, &m));
}

static void test_heartbeat(void)
{
	uint8_t buf[SP_FHDR_LEN];
	struct sp_feed_hdr h = { .feed_id = 1, .count = 0, .session = 9,
		.seq = 55 }, d;

	sp_feed_hdr_write(buf, &h);
	CU_ASSERT_EQUAL(sp_feed_decode(buf, sizeof(buf), &d), SP_FEED_E_OK);
	CU_ASSERT_EQUAL(d.count, 0);
	CU_ASSERT_EQUAL(d.seq, 55);
	CU_ASSERT_EQUAL(sp_get16(buf), 0x5356);
}

static void test_errors(void)
{
	uint8_t buf[512];
	size_t len = two_msgs(buf);
	struct sp_feed_hdr h;

	for (size_t l = 0; l < SP_FHDR_LEN; l++)
		CU_ASSERT_EQUAL(sp_feed_decode(buf, l, &h), SP_FEED_E_SHORT);
	CU_ASSERT_EQUAL(sp_feed_decode(buf, len - 1, &h), SP_FEED_E_MSG_LEN);
	CU_ASSERT_EQUAL(sp_feed_decode(buf, len + 1, &h), SP_FEED_E_TRAILING);
	buf[0] = 0;
	CU_ASSERT_EQUAL(sp_feed_decode(buf, len, &h), SP_FEED_E_MAGIC);
	buf[0] = 0x53;
	buf[2] = 2;
	CU_ASSERT_EQUAL(sp_feed_decode(buf, len, &h), SP_FEED_E_VERSION);
	buf[2] = 1;
	buf[3] = 0x08;
	CU_ASSERT_EQUAL(sp_feed_decode(buf, len, &h), SP_FEED_E_FLAGS);
	buf[3] = SP_FF_END | SP_FF_BACKFILL;
	CU_ASSERT_EQUAL(sp_feed_decode(buf, len, &h), SP_FEED_E_OK);
	buf[SP_FHDR_LEN + 2] = 2;   /* message type */
	CU_ASSERT_EQUAL(sp_feed_decode(buf, len, &h), SP_FEED_E_MSG_TYPE);
	buf[SP_FHDR_LEN + 2] = 1;
	buf[SP_FHDR_LEN + 2 + 14 + 3] = 0;   /* record dim 0 */
	CU_ASSERT_EQUAL(sp_feed_decode(buf, len, &h), SP_FEED_E_RECORD);
	buf[SP_FHDR_LEN + 2 + 14 + 3] = 1;
	sp_put16(buf + 6, 3);   /* count says 3, two present */
	CU_ASSERT_EQUAL(sp_feed_decode(buf, len, &h), SP_FEED_E_MSG_LEN);
	sp_put16(buf + 6, 1);   /* count says 1: the second is trailing */
	CU_ASSERT_EQUAL(sp_feed_decode(buf, len, &h), SP_FEED_E_TRAILING);
	sp_put16(buf + 6, 2);
	/* a message length one more than its record */
	sp_put16(buf + SP_FHDR_LEN, (uint16_t)(sp_get16(buf + SP_FHDR_LEN) + 1));
	CU_ASSERT_NOT_EQUAL(sp_feed_decode(buf, len, &h), SP_FEED_E_OK);
	CU_ASSERT_STRING_EQUAL(sp_feed_err_name(SP_FEED_E_RECORD), "record");
}

/* The digest is per sample: a record split in two hashes the same. */
static void test_digest_split(void)
{
	float v[4] = { 1, 2, 3, 4 };
	uint8_t enc[16];
	struct sp_record whole = { .attr_id = 1, .vtype = SP_VT_F32, .dim = 1,
		.nsamp = 4, .t0_ns = 1000, .dt_ns = 5, .values = enc };
	struct sp_record a = whole, b = whole;
	struct sp_digest d1 = { 0 }, d2 = { 0 }, d3 = { 0 };

	sp_values_encode(SP_VT_F32, 4, v, enc);
	a.nsamp = 1;
	a.dt_ns = 0;
	b.nsamp = 3;
	b.t0_ns = 1005;
	b.values = enc + 4;
	sp_digest_record(&d1, 9, &whole);
	sp_digest_record(&d2, 9, &b);
	sp_digest_record(&d2, 9, &a);
	CU_ASSERT_EQUAL(d1.samples, 4);
	CU_ASSERT_EQUAL(d1.samples, d2.samples);
	CU_ASSERT_EQUAL(d1.sum, d2.sum);
	sp_digest_record(&d3, 10, &whole);   /* another sensor */
	CU_ASSERT_NOT_EQUAL(d1.sum, d3.sum);
}

void suite_feed(void)
{
	static const CU_TestInfo tests[] = {
		{ "build -> decode round trip", test_round_trip },
		{ "heartbeat", test_heartbeat },
		{ "every decode error", test_errors },
		{ "sample digest ignores batching", test_digest_split },
		CU_TEST_INFO_NULL,
	};
	unit_add("feed", tests);
}
