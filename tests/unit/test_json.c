/*
 * test_json.c - sample values as JSON: NaN and infinities become the three
 * strings and read back, finite floats read back bit-exact, integers keep
 * every digit (i64 beyond 2^53 included), and what is written parses as
 * strict JSON.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "sp_json.h"
#include "sp_wire.h"
#include "unit.h"

static const char *write_f32(float f, char *buf)
{
	uint8_t v[4];

	sp_values_encode(SP_VT_F32, 1, &f, v);
	sp_json_value(buf, SP_JSON_VALUE_MAX, v, SP_VT_F32, 0);
	return buf;
}

static void test_nonfinite(void)
{
	char buf[SP_JSON_VALUE_MAX];
	double d;

	CU_ASSERT_STRING_EQUAL(write_f32(NAN, buf), "\"NaN\"");
	CU_ASSERT_STRING_EQUAL(write_f32(INFINITY, buf), "\"Infinity\"");
	CU_ASSERT_STRING_EQUAL(write_f32(-INFINITY, buf), "\"-Infinity\"");
	sp_json_double(buf, sizeof(buf), -INFINITY, 17);
	CU_ASSERT_STRING_EQUAL(buf, "\"-Infinity\"");
	for (int i = 0; i < 3; i++) {
		static const double v[] = { NAN, INFINITY, -INFINITY };
		json_t *j = sp_json_from_double(v[i]);

		CU_ASSERT_FATAL(j != NULL);
		CU_ASSERT_EQUAL(sp_json_get_double(j, &d), 0);
		CU_ASSERT(isnan(v[i]) ? isnan(d) : d == v[i]);
		json_decref(j);
	}
	/* a string that is none of the three is refused */
	{
		json_t *j = json_string("nan");

		CU_ASSERT_EQUAL(sp_json_get_double(j, &d), -1);
		json_decref(j);
	}
}

/* Write, parse with jansson (strict JSON), read back: the same bits. */
static void test_roundtrip(void)
{
	static const float f[] = { 0.0f, -0.0f, 1.5f, 3.4028235e38f,
				   1.17549435e-38f, 1.4e-45f, 0.1f, -7.25e-3f };
	static const double d[] = { 0.1, 1e308, 4.9e-324, -2.2250738585072014e-308,
				    3.141592653589793 };
	char buf[SP_JSON_VALUE_MAX], doc[SP_JSON_VALUE_MAX + 2];
	json_error_t je;

	for (unsigned int i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		double back;
		json_t *j;
		float g;

		snprintf(doc, sizeof(doc), "[%s]", write_f32(f[i], buf));
		j = json_loads(doc, 0, &je);
		CU_ASSERT_FATAL(j != NULL);
		CU_ASSERT_EQUAL(sp_json_get_double(json_array_get(j, 0),
						   &back), 0);
		g = (float)back;
		CU_ASSERT_EQUAL(memcmp(&g, &f[i], 4), 0);
		json_decref(j);
	}
	for (unsigned int i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
		uint8_t v[8];
		double back;
		json_t *j;

		sp_values_encode(SP_VT_F64, 1, &d[i], v);
		sp_json_value(buf, sizeof(buf), v, SP_VT_F64, 0);
		snprintf(doc, sizeof(doc), "[%s]", buf);
		j = json_loads(doc, 0, &je);
		CU_ASSERT_FATAL(j != NULL);
		sp_json_get_double(json_array_get(j, 0), &back);
		CU_ASSERT_EQUAL(memcmp(&back, &d[i], 8), 0);
		json_decref(j);
	}
}

static void test_integers(void)
{
	int64_t i64[] = { INT64_MIN, INT64_MAX, (1ll << 53) + 1, -1 };
	int32_t i32[] = { INT32_MIN, INT32_MAX };
	char buf[SP_JSON_VALUE_MAX];
	uint8_t v[4 * 8];

	sp_values_encode(SP_VT_I64, 4, i64, v);
	sp_json_value(buf, sizeof(buf), v, SP_VT_I64, 0);
	CU_ASSERT_STRING_EQUAL(buf, "-9223372036854775808");
	sp_json_value(buf, sizeof(buf), v, SP_VT_I64, 1);
	CU_ASSERT_STRING_EQUAL(buf, "9223372036854775807");
	sp_json_value(buf, sizeof(buf), v, SP_VT_I64, 2);
	CU_ASSERT_STRING_EQUAL(buf, "9007199254740993");
	sp_values_encode(SP_VT_I32, 2, i32, v);
	sp_json_value(buf, sizeof(buf), v, SP_VT_I32, 0);
	CU_ASSERT_STRING_EQUAL(buf, "-2147483648");
	sp_json_value(buf, sizeof(buf), v, SP_VT_I32, 1);
	CU_ASSERT_STRING_EQUAL(buf, "2147483647");
}

/* A buffer too small truncates, NUL-terminated, never past its end. */
static void test_small_buffer(void)
{
	char buf[8];

	memset(buf, 'x', sizeof(buf));
	CU_ASSERT_EQUAL(sp_json_double(buf, 4, 123456.0, 17), 3);
	CU_ASSERT_STRING_EQUAL(buf, "123");
	CU_ASSERT_EQUAL(buf[5], 'x');
}

void suite_json(void)
{
	static const CU_TestInfo tests[] = {
		{ "NaN and infinities as strings", test_nonfinite },
		{ "floats read back bit-exact", test_roundtrip },
		{ "integers keep every digit", test_integers },
		{ "small buffer", test_small_buffer },
		CU_TEST_INFO_NULL,
	};

	unit_add("json", tests);
}
