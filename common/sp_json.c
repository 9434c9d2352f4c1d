/*
 * sp_json.c - sample values as JSON (see sp_json.h).
 */
#include "sp_json.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sp_bytes.h"
#include "sp_wire.h"

static const char *nonfinite(double v)
{
	if (isnan(v))
		return "\"NaN\"";
	if (isinf(v))
		return v > 0 ? "\"Infinity\"" : "\"-Infinity\"";
	return NULL;
}

static size_t clamp(int n, size_t len)
{
	if (n < 0 || len == 0)
		return 0;
	return (size_t)n < len ? (size_t)n : len - 1;
}

size_t sp_json_double(char *buf, size_t len, double v, int digits)
{
	const char *s = nonfinite(v);

	if (s)
		return clamp(snprintf(buf, len, "%s", s), len);
	if (v == 0 && signbit(v))   /* "-0" would read back as integer 0 */
		return clamp(snprintf(buf, len, "-0.0"), len);
	return clamp(snprintf(buf, len, "%.*g", digits, v), len);
}

size_t sp_json_value(char *buf, size_t len, const uint8_t *values,
		     uint8_t vtype, size_t i)
{
	switch (vtype) {
	case SP_VT_I32:
		return clamp(snprintf(buf, len, "%" PRId32,
				      (int32_t)sp_get32(values + 4 * i)), len);
	case SP_VT_I64:
		return clamp(snprintf(buf, len, "%" PRId64,
				      (int64_t)sp_get64(values + 8 * i)), len);
	case SP_VT_F32:
		return sp_json_double(buf, len, sp_value_get(values, vtype, i),
				      9);
	default:
		return sp_json_double(buf, len, sp_value_get(values, vtype, i),
				      17);
	}
}

int sp_json_get_double(const json_t *x, double *out)
{
	const char *s;

	if (json_is_integer(x)) {
		*out = (double)json_integer_value(x);
		return 0;
	}
	if (json_is_real(x)) {
		*out = json_real_value(x);
		return 0;
	}
	s = json_string_value(x);
	if (s == NULL)
		return -1;
	if (strcmp(s, "NaN") == 0)
		*out = NAN;
	else if (strcmp(s, "Infinity") == 0)
		*out = INFINITY;
	else if (strcmp(s, "-Infinity") == 0)
		*out = -INFINITY;
	else
		return -1;
	return 0;
}

json_t *sp_json_from_double(double v)
{
	if (isnan(v))
		return json_string("NaN");
	if (isinf(v))
		return json_string(v > 0 ? "Infinity" : "-Infinity");
	return json_real(v);
}
