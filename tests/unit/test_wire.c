/*
 * test_wire.c - the sensor packet: every drop reason, every boundary, MAC,
 * all-or-nothing, and build -> parse round trips over random packets.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sp_bytes.h"
#include "sp_wire.h"
#include "unit.h"

static const uint8_t KEY[16] = "0123456789abcdef";
static const uint8_t KEY2[16] = "fedcba9876543210";

/* Sensor 77 is keyed, sensor 78 is in a rotation (KEY2 then KEY); every
 * other sensor is not. */
static unsigned int key_of(void *ctx, uint64_t id,
			   const uint8_t *keys[SP_MAX_SENSOR_KEYS])
{
	(void)ctx;
	if (id == 77) {
		keys[0] = KEY;
		return 1;
	}
	if (id == 78) {
		keys[0] = KEY2;
		keys[1] = KEY;
		return 2;
	}
	return 0;
}

/* One f32 scalar record: the smallest useful packet (40 bytes). */
static size_t min_pkt(uint8_t *buf, uint64_t sensor, uint8_t flags)
{
	struct sp_sensor_builder b;
	float v = 1.5f;

	sp_sensor_begin(&b, buf, 2048, sensor, 9, flags);
	sp_sensor_add(&b, 3, SP_VT_F32, 1, 1, 1000, 0, &v);
	return sp_sensor_finish(&b, (flags & SP_SFLAG_MAC) ? KEY : NULL);
}

static enum sp_drop parse(const uint8_t *p, size_t len)
{
	struct sp_sensor_pkt pkt;

	return sp_sensor_parse(p, len, key_of, NULL, 0, &pkt);
}

static void test_minimum(void)
{
	uint8_t buf[2048];
	size_t len = min_pkt(buf, 5, 0);
	struct sp_sensor_pkt pkt;
	struct sp_record r;
	uint32_t off = 0;

	CU_ASSERT_EQUAL(len, 40);
	CU_ASSERT_EQUAL(sp_sensor_parse(buf, len, key_of, NULL, 0, &pkt), SP_OK);
	CU_ASSERT_EQUAL(pkt.sensor_id, 5);
	CU_ASSERT_EQUAL(pkt.seq, 9);
	CU_ASSERT_EQUAL(pkt.nrec, 1);
	CU_ASSERT_TRUE(sp_sensor_next(&pkt, &off, &r));
	CU_ASSERT_EQUAL(r.attr_id, 3);
	CU_ASSERT_DOUBLE_EQUAL(sp_value_get(r.values, r.vtype, 0), 1.5, 0);
	CU_ASSERT_FALSE(sp_sensor_next(&pkt, &off, &r));
}

static void test_short(void)
{
	uint8_t buf[2048];
	size_t len = min_pkt(buf, 5, 0);

	for (size_t l = 0; l < SP_MIN_SENSOR_LEN; l++)
		CU_ASSERT_EQUAL(parse(buf, l), SP_DROP_SHORT);
	/* 36 bytes: a whole record header, but no room for its value. */
	CU_ASSERT_EQUAL(parse(buf, 36), SP_DROP_OVERRUN);
	CU_ASSERT_EQUAL(parse(buf, len - 1), SP_DROP_OVERRUN);
}

static void test_header_fields(void)
{
	uint8_t buf[2048];
	size_t len = min_pkt(buf, 5, 0);

	buf[0] ^= 0xff;
	CU_ASSERT_EQUAL(parse(buf, len), SP_DROP_MAGIC);
	buf[0] ^= 0xff;
	for (int v = 0; v < 256; v++) {
		buf[2] = (uint8_t)v;
		CU_ASSERT_EQUAL(parse(buf, len),
				v == 1 ? SP_OK : SP_DROP_VERSION);
	}
	buf[2] = 1;
	for (int bit = 2; bit < 8; bit++) {
		buf[3] = (uint8_t)(1 << bit);
		CU_ASSERT_EQUAL(parse(buf, len), SP_DROP_FLAGS);
	}
	buf[3] = SP_SFLAG_HINT;
	CU_ASSERT_EQUAL(parse(buf, len), SP_OK);
	buf[3] = 0;
	sp_put64(buf + 8, 0);
	CU_ASSERT_EQUAL(parse(buf, len), SP_DROP_SENSOR0);
}

static void test_record_fields(void)
{
	uint8_t buf[2048];
	size_t len = min_pkt(buf, 5, 0);
	uint8_t *rec = buf + SP_SHDR_LEN;

	sp_put16(rec, 0);
	CU_ASSERT_EQUAL(parse(buf, len), SP_DROP_ATTR0);
	sp_put16(rec, 3);
	rec[2] = 0;
	CU_ASSERT_EQUAL(parse(buf, len), SP_DROP_VTYPE);
	rec[2] = 5;
	CU_ASSERT_EQUAL(parse(buf, len), SP_DROP_VTYPE);
	rec[2] = SP_VT_F32;
	rec[3] = 0;
	CU_ASSERT_EQUAL(parse(buf, len), SP_DROP_DIM);
	rec[3] = 17;
	CU_ASSERT_EQUAL(parse(buf, len), SP_DROP_DIM);
	rec[3] = 1;
	sp_put16(rec + 4, 0);
	CU_ASSERT_EQUAL(parse(buf, len), SP_DROP_NSAMP);
	sp_put16(rec + 4, 1025);
	CU_ASSERT_EQUAL(parse(buf, len), SP_DROP_NSAMP);
	sp_put16(rec + 4, 1);
	for (int bit = 0; bit < 16; bit++) {
		sp_put16(rec + 6, (uint16_t)(1u << bit));
		CU_ASSERT_EQUAL(parse(buf, len), SP_DROP_RESERVED);
	}
	sp_put16(rec + 6, 0);
	sp_put32(rec + 16, 1);
	CU_ASSERT_EQUAL(parse(buf, len), SP_DROP_DT);
	sp_put32(rec + 16, 0);
	CU_ASSERT_EQUAL(parse(buf, len), SP_OK);
}

static void test_max_shapes(void)
{
	static uint8_t buf[40000];
	static float vals[1024 * 16];
	struct sp_sensor_builder b;
	struct sp_sensor_pkt pkt;
	size_t len;

	memset(vals, 0, sizeof(vals));
	/* nsamp 1024, dim 16, f32: 64 KiB of values is over any UDP payload,
	 * so test the two maxima apart. */
	sp_sensor_begin(&b, buf, sizeof(buf), 1, 1, 0);
	CU_ASSERT_EQUAL(sp_sensor_add(&b, 1, SP_VT_F32, 1, 1024, 0, 1000,
				      vals), 0);
	CU_ASSERT_EQUAL(sp_sensor_add(&b, 2, SP_VT_F64, 16, 100, 0, 1000,
				      vals), 0);
	len = sp_sensor_finish(&b, NULL);
	CU_ASSERT_EQUAL(len, 16 + 20 + 4096 + 20 + 12800);
	CU_ASSERT_EQUAL(sp_sensor_parse(buf, len, NULL, NULL, 0, &pkt), SP_OK);
	CU_ASSERT_EQUAL(pkt.nrec, 2);
	/* The builder refuses shapes the parser would drop. */
	CU_ASSERT_EQUAL(sp_sensor_add(&b, 1, SP_VT_F32, 17, 1, 0, 0, vals),
			-EINVAL);
	CU_ASSERT_EQUAL(sp_sensor_add(&b, 1, SP_VT_F32, 1, 1025, 0, 0, vals),
			-EINVAL);
	CU_ASSERT_EQUAL(sp_sensor_add(&b, 0, SP_VT_F32, 1, 1, 0, 0, vals),
			-EINVAL);
}

static void test_trailing(void)
{
	uint8_t buf[2048];
	size_t len = min_pkt(buf, 5, 0);

	memset(buf + len, 0, 64);
	for (size_t extra = 1; extra < SP_REC_HDR_LEN; extra++)
		CU_ASSERT_EQUAL(parse(buf, len + extra), SP_DROP_TRAILING);
	/* 20 zero bytes read as a record header with attr_id 0. */
	CU_ASSERT_EQUAL(parse(buf, len + SP_REC_HDR_LEN), SP_DROP_ATTR0);
}

static void test_all_or_nothing(void)
{
	uint8_t buf[2048];
	struct sp_sensor_builder b;
	float v[2] = { 1, 2 };
	size_t len;

	sp_sensor_begin(&b, buf, sizeof(buf), 5, 1, 0);
	sp_sensor_add(&b, 3, SP_VT_F32, 1, 1, 10, 0, v);
	sp_sensor_add(&b, 4, SP_VT_F32, 1, 2, 10, 5, v);
	len = sp_sensor_finish(&b, NULL);
	CU_ASSERT_EQUAL(parse(buf, len), SP_OK);
	buf[SP_SHDR_LEN + 24 + 3] = 0;   /* second record: dim 0 */
	CU_ASSERT_EQUAL(parse(buf, len), SP_DROP_DIM);
}

static void test_mac(void)
{
	uint8_t buf[2048];
	size_t len;

	/* keyed sensor without MAC */
	len = min_pkt(buf, 77, 0);
	CU_ASSERT_EQUAL(parse(buf, len), SP_DROP_MAC_MISSING);
	/* keyed sensor with the right MAC */
	len = min_pkt(buf, 77, SP_SFLAG_MAC);
	CU_ASSERT_EQUAL(len, 48);
	CU_ASSERT_EQUAL(parse(buf, len), SP_OK);
	/* any flipped bit of body or tag breaks it */
	for (size_t i = 0; i < len; i++) {
		/* flags would be another reason; another sensor_id is
		 * another sensor, which has no key */
		if (i == 3 || (i >= 8 && i < 16))
			continue;
		buf[i] ^= 0x10;
		enum sp_drop d = parse(buf, len);
		CU_ASSERT(d != SP_OK);
		if (i >= SP_SHDR_LEN + 20 || (i >= 4 && i < 8))
			CU_ASSERT_EQUAL(d, SP_DROP_MAC_BAD);
		buf[i] ^= 0x10;
	}
	/* MAC flag but too short to hold header + record header + MAC */
	CU_ASSERT_EQUAL(parse(buf, 43), SP_DROP_SHORT);
	/* an unkeyed sensor may send a MAC; it is not checked */
	len = min_pkt(buf, 5, SP_SFLAG_MAC);
	CU_ASSERT_EQUAL(parse(buf, len), SP_OK);
	/* without a key lookup at all, nothing is keyed */
	len = min_pkt(buf, 77, 0);
	{
		struct sp_sensor_pkt pkt;

		CU_ASSERT_EQUAL(sp_sensor_parse(buf, len, NULL, NULL, 0, &pkt),
				SP_OK);
	}
}

/* Rotation: either key verifies and says which; a third does not. */
static void test_mac_rotation(void)
{
	static const uint8_t OTHER[16] = "another-sensor!!";
	struct sp_sensor_pkt pkt;
	struct sp_sensor_builder b;
	uint8_t buf[256];
	float v = 2.0f;
	size_t len;
	const uint8_t *with[3] = { KEY2, KEY, OTHER };

	for (int i = 0; i < 3; i++) {
		sp_sensor_begin(&b, buf, sizeof(buf), 78, 1, SP_SFLAG_MAC);
		sp_sensor_add(&b, 3, SP_VT_F32, 1, 1, 1000, 0, &v);
		len = sp_sensor_finish(&b, with[i]);
		CU_ASSERT_EQUAL(sp_sensor_parse(buf, len, key_of, NULL, 0, &pkt),
				i < 2 ? SP_OK : SP_DROP_MAC_BAD);
		if (i < 2)
			CU_ASSERT_EQUAL(pkt.key_used, i + 1);
	}
	/* a keyless sensor's packet says no key was used */
	len = min_pkt(buf, 5, 0);
	CU_ASSERT_EQUAL(sp_sensor_parse(buf, len, key_of, NULL, 0, &pkt), SP_OK);
	CU_ASSERT_EQUAL(pkt.key_used, 0);
}

/* require_mac: a sensor without a key is dropped, signed or not; a keyed
 * sensor is unchanged. */
static void test_mac_required(void)
{
	struct sp_sensor_pkt pkt;
	uint8_t buf[256];
	size_t len;

	len = min_pkt(buf, 5, 0);
	CU_ASSERT_EQUAL(sp_sensor_parse(buf, len, key_of, NULL,
					SP_PARSE_REQUIRE_MAC, &pkt),
			SP_DROP_MAC_MISSING);
	len = min_pkt(buf, 5, SP_SFLAG_MAC);
	CU_ASSERT_EQUAL(sp_sensor_parse(buf, len, key_of, NULL,
					SP_PARSE_REQUIRE_MAC, &pkt),
			SP_DROP_MAC_NOKEY);
	CU_ASSERT_EQUAL(sp_sensor_parse(buf, len, NULL, NULL,
					SP_PARSE_REQUIRE_MAC, &pkt),
			SP_DROP_MAC_NOKEY);
	len = min_pkt(buf, 77, SP_SFLAG_MAC);
	CU_ASSERT_EQUAL(sp_sensor_parse(buf, len, key_of, NULL,
					SP_PARSE_REQUIRE_MAC, &pkt), SP_OK);
	/* the drop names are the counters' */
	CU_ASSERT_STRING_EQUAL(sp_drop_name(SP_DROP_MAC_NOKEY), "mac_no_key");
}

static void test_values(void)
{
	uint8_t out[8];
	float f = -2.25f;
	double d = 123456.789;
	int32_t i32 = -7;
	int64_t i64 = -1234567890123ll;

	sp_values_encode(SP_VT_F32, 1, &f, out);
	CU_ASSERT_EQUAL(sp_get32(out), 0xc0100000u);
	CU_ASSERT_DOUBLE_EQUAL(sp_value_get(out, SP_VT_F32, 0), -2.25, 0);
	sp_values_encode(SP_VT_F64, 1, &d, out);
	CU_ASSERT_DOUBLE_EQUAL(sp_value_get(out, SP_VT_F64, 0), d, 0);
	sp_values_encode(SP_VT_I32, 1, &i32, out);
	CU_ASSERT_EQUAL(out[0], 0xff);
	CU_ASSERT_DOUBLE_EQUAL(sp_value_get(out, SP_VT_I32, 0), -7, 0);
	sp_values_encode(SP_VT_I64, 1, &i64, out);
	CU_ASSERT_DOUBLE_EQUAL(sp_value_get(out, SP_VT_I64, 0),
			       (double)i64, 0);
	CU_ASSERT_STRING_EQUAL(sp_vtype_name(SP_VT_F64), "f64");
	CU_ASSERT_EQUAL(sp_vtype_parse("i32"), SP_VT_I32);
	CU_ASSERT_EQUAL(sp_vtype_parse("u8"), 0);
}

static void test_drop_names(void)
{
	for (unsigned int i = 0; i < SP_DROP__COUNT; i++) {
		CU_ASSERT_PTR_NOT_NULL(sp_drop_name(i));
		for (unsigned int j = 0; j < i; j++)
			CU_ASSERT(strcmp(sp_drop_name(i), sp_drop_name(j)) != 0);
	}
	CU_ASSERT_STRING_EQUAL(sp_drop_name(SP_DROP__COUNT), "?");
}

/* Random shapes, built then parsed: every field and value comes back. */
static void test_round_trip(void)
{
	uint8_t buf[1500];
	uint8_t vals[1500];
	struct {
		uint16_t attr, nsamp;
		uint8_t vtype, dim;
		uint64_t t0;
		uint32_t dt;
		size_t voff;
	} recs[64];

	srand(12345);
	for (int iter = 0; iter < 20000; iter++) {
		struct sp_sensor_builder b;
		struct sp_sensor_pkt pkt;
		struct sp_record r;
		uint64_t sensor = ((uint64_t)rand() << 32 | (unsigned)rand()) | 1;
		uint8_t flags = (uint8_t)(rand() & SP_SFLAG_KNOWN);
		int nrec = 0, want = 1 + rand() % 8;
		size_t len, voff = 0;
		uint32_t off = 0;

		for (size_t i = 0; i < sizeof(vals); i++)
			vals[i] = (uint8_t)rand();
		sp_sensor_begin(&b, buf, sizeof(buf), sensor,
				(uint32_t)rand(), flags);
		while (nrec < want) {
			uint8_t vt = (uint8_t)(1 + rand() % 4);
			uint8_t dim = (uint8_t)(1 + rand() % 16);
			uint16_t ns = (uint16_t)(1 + rand() % 8);
			uint32_t dt = ns > 1 ? (uint32_t)rand() : 0;
			size_t vlen = (size_t)ns * dim * sp_vtype_size(vt);

			uint16_t attr = (uint16_t)(1 + rand() % 65535);
			uint64_t t0 = (uint64_t)rand() << 20;

			if (voff + vlen > sizeof(vals) ||
			    sp_sensor_add(&b, attr, vt, dim, ns, t0, dt,
					  vals + voff) != 0)
				break;
			recs[nrec].attr = attr;
			recs[nrec].nsamp = ns;
			recs[nrec].vtype = vt;
			recs[nrec].dim = dim;
			recs[nrec].t0 = t0;
			recs[nrec].dt = dt;
			recs[nrec].voff = voff;
			voff += vlen;
			nrec++;
		}
		len = sp_sensor_finish(&b, KEY);
		CU_ASSERT_FATAL(len > 0);
		CU_ASSERT_EQUAL_FATAL(sp_sensor_parse(buf, len, key_of, NULL,
						      0, &pkt), SP_OK);
		CU_ASSERT_EQUAL(pkt.sensor_id, sensor);
		CU_ASSERT_EQUAL(pkt.nrec, nrec);
		for (int i = 0; i < nrec; i++) {
			CU_ASSERT_FATAL(sp_sensor_next(&pkt, &off, &r));
			CU_ASSERT_EQUAL(r.attr_id, recs[i].attr);
			CU_ASSERT_EQUAL(r.vtype, recs[i].vtype);
			CU_ASSERT_EQUAL(r.dim, recs[i].dim);
			CU_ASSERT_EQUAL(r.nsamp, recs[i].nsamp);
			CU_ASSERT_EQUAL(r.t0_ns, recs[i].t0);
			CU_ASSERT_EQUAL(r.dt_ns, recs[i].dt);
			size_t n = (size_t)r.nsamp * r.dim;
			unsigned int vs = sp_vtype_size(r.vtype);
			uint8_t enc[1500];

			/* values come back as encoded from the host copy */
			sp_values_encode(r.vtype, n, vals + recs[i].voff, enc);
			CU_ASSERT_EQUAL(memcmp(enc, r.values, n * vs), 0);
			CU_ASSERT(r.nsamp > 1 || r.dt_ns == 0);
		}
		CU_ASSERT_FALSE(sp_sensor_next(&pkt, &off, &r));
	}
}

void suite_wire(void)
{
	static const CU_TestInfo tests[] = {
		{ "minimum packet is 40 bytes and parses", test_minimum },
		{ "short and overrun boundaries", test_short },
		{ "magic, version, flags, sensor 0", test_header_fields },
		{ "attr 0, vtype, dim, nsamp, reserved, dt", test_record_fields },
		{ "maximum nsamp and dim", test_max_shapes },
		{ "trailing bytes", test_trailing },
		{ "a bad record drops the whole packet", test_all_or_nothing },
		{ "MAC missing, bad, good", test_mac },
		{ "MAC with either key of a rotation", test_mac_rotation },
		{ "require_mac drops keyless sensors", test_mac_required },
		{ "value encoding", test_values },
		{ "drop names unique", test_drop_names },
		{ "build -> parse round trips", test_round_trip },
		CU_TEST_INFO_NULL,
	};
	unit_add("wire", tests);
}
