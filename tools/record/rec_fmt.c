/*
 * rec_fmt.c - numbers as text without printf (see rec_fmt.h).
 *
 * The fast path of rec_fmt_g17: a float32 value is m * 2^e exactly (m
 * under 2^24). With e >= 0 it is the integer m << e; with e < 0 it is
 * m * 5^-e / 10^-e, so N = m * 5^-e is its exact decimal digits with -e
 * of them after the point. Both fit 128 bits for the exponents below.
 * N is then rounded to 17 significant digits (to nearest, ties to even,
 * as glibc rounds an exact value) and laid out as %g lays it out:
 * scientific when the decimal exponent is below -4 or 17 and over, fixed
 * otherwise, trailing zeros dropped.
 */
#include "rec_fmt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef unsigned __int128 u128;

static const char DIGITS2[] =
	"00010203040506070809101112131415161718192021222324252627282930313233"
	"34353637383940414243444546474849505152535455565758596061626364656667"
	"6869707172737475767778798081828384858687888990919293949596979899";

size_t rec_fmt_u64(char *dst, uint64_t v)
{
	char tmp[20], *p = tmp + sizeof(tmp);
	size_t n;

	while (v >= 100) {
		p -= 2;
		memcpy(p, DIGITS2 + 2 * (v % 100), 2);
		v /= 100;
	}
	if (v >= 10) {
		p -= 2;
		memcpy(p, DIGITS2 + 2 * v, 2);
	} else {
		*--p = (char)('0' + v);
	}
	n = (size_t)(tmp + sizeof(tmp) - p);
	memcpy(dst, p, n);
	return n;
}

size_t rec_fmt_i64(char *dst, int64_t v)
{
	if (v < 0) {
		*dst = '-';
		return 1 + rec_fmt_u64(dst + 1, -(uint64_t)v);
	}
	return rec_fmt_u64(dst, (uint64_t)v);
}

#define MAX_POW10 39          /* 10^38 < 2^128 */
#define MAX_NEG_EXP 44        /* m * 5^44 < 2^24 * 2^103 */
#define MAX_POS_EXP 103       /* m << 103 < 2^127 */

static u128 pow10_[MAX_POW10];
static u128 pow5_[MAX_NEG_EXP + 1];

static void tables(void)
{
	if (pow10_[0])
		return;
	pow5_[0] = 1;
	for (int i = 1; i <= MAX_NEG_EXP; i++)
		pow5_[i] = pow5_[i - 1] * 5;
	for (int i = 1; i < MAX_POW10; i++)
		pow10_[i] = (i == 1 ? 1 : pow10_[i - 1]) * 10;
	pow10_[0] = 1;
}

/* Decimal digits of @p n > 0: from its bit length (log10 2 is about
 * 1233 / 4096), one comparison to settle the estimate. */
static int ndigits(u128 n)
{
	uint64_t hi = (uint64_t)(n >> 64);
	int bits = hi ? 128 - __builtin_clzll(hi) :
			64 - __builtin_clzll((uint64_t)n);
	int t = (bits * 1233) >> 12;

	return t + (n >= pow10_[t]);
}

static size_t slow(char *dst, double v)
{
	char tmp[REC_FMT_MAX + 8];
	int n = snprintf(tmp, sizeof(tmp), "%.17g", v);

	if (n < 0 || n > REC_FMT_MAX)
		n = 0;
	memcpy(dst, tmp, (size_t)n);
	return (size_t)n;
}

/* The exponent after 'e': a sign and at least two digits. */
static size_t put_exp(char *p, int x)
{
	size_t n = 0;

	p[n++] = x < 0 ? '-' : '+';
	if (x < 0)
		x = -x;
	if (x < 10)
		p[n++] = '0';
	return n + rec_fmt_u64(p + n, (uint64_t)x);
}

size_t rec_fmt_g17(char *dst, double v)
{
	float f = (float)v;
	uint32_t bits, m;
	int e2, k, d, x, len;
	u128 n;
	uint64_t q;
	char dig[20], *p = dst;

	if (!((double)f == v) || v == 0 || isinf(v))  /* NaN fails the first */
		return slow(dst, v);
	tables();
	memcpy(&bits, &f, sizeof(bits));
	m = bits & 0x7fffff;
	e2 = (int)((bits >> 23) & 0xff);
	if (e2 == 0) {
		e2 = -149;
	} else {
		m |= 0x800000;
		e2 -= 150;
	}
	d = __builtin_ctz(m);
	m >>= d;
	e2 += d;
	if (e2 >= 0) {
		if (e2 > MAX_POS_EXP)
			return slow(dst, v);
		n = (u128)m << e2;
		k = 0;
	} else {
		k = -e2;
		if (k > MAX_NEG_EXP)
			return slow(dst, v);
		n = (u128)m * pow5_[k];
	}
	d = ndigits(n);
	x = d - 1 - k;                 /* decimal exponent of the first digit */
	if (d > 17) {
		u128 div = pow10_[d - 17], r;

		r = n % div;
		n /= div;
		if (r > div / 2 || (r == div / 2 && (n & 1)))
			n++;
		if (n == pow10_[17]) {
			n = pow10_[16];
			x++;
		}
	}
	q = (uint64_t)n;
	while (q % 10 == 0)            /* %g drops trailing zeros */
		q /= 10;
	len = (int)rec_fmt_u64(dig, q);
	if (bits >> 31)
		*p++ = '-';
	if (x < -4 || x >= 17) {
		*p++ = dig[0];
		if (len > 1) {
			*p++ = '.';
			memcpy(p, dig + 1, (size_t)len - 1);
			p += len - 1;
		}
		*p++ = 'e';
		p += put_exp(p, x);
	} else if (x >= 0) {
		if (len <= x + 1) {
			memcpy(p, dig, (size_t)len);
			p += len;
			memset(p, '0', (size_t)(x + 1 - len));
			p += x + 1 - len;
		} else {
			memcpy(p, dig, (size_t)x + 1);
			p += x + 1;
			*p++ = '.';
			memcpy(p, dig + x + 1, (size_t)(len - x - 1));
			p += len - x - 1;
		}
	} else {
		*p++ = '0';
		*p++ = '.';
		memset(p, '0', (size_t)(-x - 1));
		p += -x - 1;
		memcpy(p, dig, (size_t)len);
		p += len;
	}
	return (size_t)(p - dst);
}
