/*
 * rec_batch.c - batches of samples and their JSON lines (see rec_batch.h).
 */
#include "rec_batch.h"
#include "rec_fmt.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rec_batch_init(struct rec_batch *b)
{
	memset(b, 0, sizeof(*b));
}

void rec_batch_free(struct rec_batch *b)
{
	free(b->runs);
	free(b->times);
	free(b->vals);
	memset(b, 0, sizeof(*b));
}

void rec_batch_reset(struct rec_batch *b)
{
	b->nruns = b->ntimes = b->nvals = 0;
	b->first_ns = 0;
}

size_t rec_batch_bytes(const struct rec_batch *b)
{
	return b->runs_cap * sizeof(*b->runs) +
	       b->times_cap * sizeof(*b->times) +
	       b->vals_cap * sizeof(*b->vals);
}

/* @p old with room for @p need items of @p size (capacity *@p cap,
 * doubled as needed): the array, moved or not, or NULL (no memory; @p old
 * is still valid). */
static void *grow(void *old, size_t *cap, size_t need, size_t size)
{
	size_t nc = *cap ? *cap : 1024;
	void *np;

	if (need <= *cap)
		return old;
	while (nc < need)
		nc *= 2;
	np = realloc(old, nc * size);
	if (np)
		*cap = nc;
	return np;
}

struct rec_run *rec_batch_run(struct rec_batch *b, uint32_t key,
			      uint64_t sensor, const char *attr, uint8_t dim,
			      uint32_t n)
{
	struct rec_run *r, *runs;
	int64_t *times;
	double *vals;

	runs = grow(b->runs, &b->runs_cap, b->nruns + 1, sizeof(*runs));
	if (runs == NULL)
		return NULL;
	b->runs = runs;
	times = grow(b->times, &b->times_cap, b->ntimes + n, sizeof(*times));
	if (times == NULL)
		return NULL;
	b->times = times;
	vals = grow(b->vals, &b->vals_cap, b->nvals + (size_t)n * dim,
		    sizeof(*vals));
	if (vals == NULL)
		return NULL;
	b->vals = vals;
	r = &b->runs[b->nruns++];
	*r = (struct rec_run){ .key = key, .sensor = sensor, .attr = attr,
			       .dim = dim, .n = n, .toff = b->ntimes,
			       .voff = b->nvals };
	b->ntimes += n;
	b->nvals += (size_t)n * dim;
	return r;
}

void rec_buf_free(struct rec_buf *o)
{
	free(o->p);
	memset(o, 0, sizeof(*o));
}

static int buf_room(struct rec_buf *o, size_t more)
{
	char *p = grow(o->p, &o->cap, o->len + more + 1, 1);

	if (p == NULL)
		return -ENOMEM;
	o->p = p;
	return 0;
}

int rec_buf_printf(struct rec_buf *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (buf_room(o, 128) < 0)
		return -ENOMEM;
	va_start(ap, fmt);
	n = vsnprintf(o->p + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	if ((size_t)n >= o->cap - o->len) {
		if (buf_room(o, (size_t)n) < 0)
			return -ENOMEM;
		va_start(ap, fmt);
		vsnprintf(o->p + o->len, o->cap - o->len, fmt, ap);
		va_end(ap);
	}
	o->len += (size_t)n;
	return 0;
}

/* Room for a number at the end of @p o, after a comma when @p comma:
 * where to write it, or NULL (no memory). */
static char *num_start(struct rec_buf *o, int comma)
{
	char *p;

	if (o->len + REC_FMT_MAX + 2 > o->cap &&
	    buf_room(o, REC_FMT_MAX + 1) < 0)
		return NULL;
	p = o->p + o->len;
	if (comma)
		*p++ = ',';
	return p;
}

/* The number num_start began ends at @p end. */
static void num_end(struct rec_buf *o, char *end)
{
	*end = '\0';
	o->len = (size_t)(end - o->p);
}

/* A value as the store's JSON reads it back to the same float64 (after a
 * comma when @p comma): 17 significant digits, and the three that are not
 * JSON numbers as the bare words its parser takes (VictoriaMetrics 1.79
 * refuses a quoted "NaN" and skips the whole line, answering 204 all the
 * same). */
static int put_value(struct rec_buf *o, double v, int comma)
{
	char *p = num_start(o, comma);

	if (p == NULL)
		return -ENOMEM;
	if (isnan(v)) {
		memcpy(p, "NaN", 3);
		p += 3;
	} else if (isinf(v)) {
		if (v < 0)
			*p++ = '-';
		memcpy(p, "Inf", 3);
		p += 3;
	} else if (fabs(v) < 9007199254740992.0 && v == (double)(int64_t)v &&
		   !(v == 0 && signbit(v))) {
		p += rec_fmt_i64(p, (int64_t)v);
	} else {
		p += rec_fmt_g17(p, v);
	}
	num_end(o, p);
	return 0;
}

/* A timestamp (after a comma when @p comma). */
static int put_time(struct rec_buf *o, int64_t t, int comma)
{
	char *p = num_start(o, comma);

	if (p == NULL)
		return -ENOMEM;
	num_end(o, p + rec_fmt_i64(p, t));
	return 0;
}

/* Runs in key order, each key's in the order they came. */
static int by_key(const void *a, const void *b)
{
	const struct rec_run *const *x = a, *const *y = b;

	if ((*x)->key != (*y)->key)
		return (*x)->key < (*y)->key ? -1 : 1;
	return *x < *y ? -1 : *x > *y;
}

/* One line: the series of value @p i of the runs @p r[0..n). */
static int put_series(const struct rec_batch *b, struct rec_run **r,
		      size_t n, unsigned int i, struct rec_buf *o)
{
	int rc, first = 1;

	rc = rec_buf_printf(o, "{\"metric\":{\"__name__\":\"senseplane_sample"
			    "\",\"sensor\":\"%" PRIu64 "\",\"attr\":\"%s\","
			    "\"i\":\"%u\"},\"values\":[", r[0]->sensor,
			    r[0]->attr, i);
	for (size_t k = 0; k < n && rc == 0; k++) {
		const double *v = b->vals + r[k]->voff;

		for (uint32_t s = 0; s < r[k]->n && rc == 0; s++) {
			rc = put_value(o, v[(size_t)s * r[k]->dim + i], !first);
			first = 0;
		}
	}
	if (rc == 0)
		rc = rec_buf_printf(o, "],\"timestamps\":[");
	first = 1;
	for (size_t k = 0; k < n && rc == 0; k++) {
		const int64_t *t = b->times + r[k]->toff;

		for (uint32_t s = 0; s < r[k]->n && rc == 0; s++) {
			rc = put_time(o, t[s], !first);
			first = 0;
		}
	}
	return rc ? rc : rec_buf_printf(o, "]}\n");
}

int rec_batch_encode(struct rec_batch *b, struct rec_buf *out)
{
	struct rec_run **order;
	int rc = 0;

	if (b->nruns == 0)
		return 0;
	order = malloc(b->nruns * sizeof(*order));
	if (order == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < b->nruns; i++)
		order[i] = &b->runs[i];
	qsort(order, b->nruns, sizeof(*order), by_key);
	for (size_t s = 0, e; s < b->nruns && rc == 0; s = e) {
		for (e = s + 1; e < b->nruns && order[e]->key == order[s]->key;
		     e++)
			;
		for (unsigned int i = 0; i < order[s]->dim && rc == 0; i++)
			rc = put_series(b, order + s, e - s, i, out);
	}
	free(order);
	return rc;
}
