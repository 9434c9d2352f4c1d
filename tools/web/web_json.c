/*
 * web_json.c - number writers for the page (see web_json.h).
 */
#include "web_json.h"

#include <math.h>
#include <string.h>

#include "sp_bytes.h"
#include "sp_json.h"
#include "sp_wire.h"

size_t web_json_u64(char *p, uint64_t v)
{
	char tmp[20];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (size_t i = 0; i < n; i++)
		p[i] = tmp[n - 1 - i];
	return n;
}

size_t web_json_display(char *p, double v)
{
	double a = fabs(v);
	uint64_t micro, ip;
	size_t n = 0;
	int frac;

	if (!(a >= 1e-3 && a < 1e12))   /* NaN, infinities, 0, tiny, huge */
		return a == 0 && !signbit(v) ? (p[0] = '0', 1)
					     : sp_json_double(p, 32, v, 9);
	micro = (uint64_t)llround(a * 1e6);
	ip = micro / 1000000;
	frac = (int)(micro % 1000000);
	if (v < 0)
		p[n++] = '-';
	n += web_json_u64(p + n, ip);
	if (frac) {
		int digits = 6;

		while (frac % 10 == 0) {
			frac /= 10;
			digits--;
		}
		p[n++] = '.';
		for (int d = digits - 1; d >= 0; d--) {
			p[n + (size_t)d] = (char)('0' + frac % 10);
			frac /= 10;
		}
		n += (size_t)digits;
	}
	return n;
}

size_t web_json_value(char *p, const uint8_t *values, uint8_t vtype,
		      size_t i)
{
	int64_t x;

	switch (vtype) {
	case SP_VT_I32:
		x = (int32_t)sp_get32(values + 4 * i);
		break;
	case SP_VT_I64:
		x = (int64_t)sp_get64(values + 8 * i);
		break;
	default:
		return web_json_display(p, sp_value_get(values, vtype, i));
	}
	if (x < 0) {
		p[0] = '-';
		return 1 + web_json_u64(p + 1, (uint64_t)0 - (uint64_t)x);
	}
	return web_json_u64(p, (uint64_t)x);
}
