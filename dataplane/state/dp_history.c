/*
 * dp_history.c - the history's chunks (see dp_history.h).
 */
#include "dp_history.h"

#include <string.h>

enum { REGULAR = 0, EXPLICIT = 1 };

/* A chunk: this header, then its payload. REGULAR: the values. EXPLICIT:
 * cap_e int32 residuals, then cap_e values: sample j was taken at
 * t0 + j * dt + residual[j] (dt the spacing when the chunk turned
 * EXPLICIT, 0 if it had none), so a sensor whose clock jitters around
 * its rate stays in range for a whole chunk. */
struct chunk {
	uint64_t t0;        /* time of its first sample */
	uint64_t dt;        /* spacing; 0 while a REGULAR one holds one */
	uint32_t first;     /* index of its first sample, low 32 bits */
	uint16_t n;         /* samples held */
	uint8_t mode;
	uint8_t pad;
};

#define HDR sizeof(struct chunk)
/* A chunk's payload aims at about 480 bytes (120 f32 scalars: 24 header
 * bytes over 120 samples is 0.2 B a sample), an eighth of the depth for
 * short histories, and at least 8 samples. */
#define PAYLOAD_AIM 480u
#define CAP_MIN 8u

static void geometry(uint32_t depth, unsigned int ssize, uint32_t *cap,
		     uint32_t *csize, uint32_t *nchunks)
{
	uint32_t c = depth / 8, most = PAYLOAD_AIM / (ssize ? ssize : 1);
	uint32_t explicit;

	if (ssize == 0)
		ssize = 1;
	if (most < CAP_MIN)
		most = CAP_MIN;
	if (c > most)
		c = most;
	if (c < CAP_MIN)
		c = CAP_MIN;
	*csize = (uint32_t)((HDR + (size_t)c * ssize + 7) & ~(size_t)7);
	*cap = (*csize - (uint32_t)HDR) / ssize;
	if (*cap > UINT16_MAX)
		*cap = UINT16_MAX;
	/* enough chunks for the depth even if every one is EXPLICIT (a
	 * sensor stamping each sample with its own jittering clock), and one
	 * more: the newest may hold a single sample. Evenly spaced samples
	 * then fill up to about (ssize + 4) / ssize times the depth. */
	explicit = (*csize - (uint32_t)HDR) / (ssize + 4);
	*nchunks = (depth + explicit - 1) / explicit + 1;
}

size_t dp_history_mem_size(uint32_t depth, unsigned int ssize)
{
	uint32_t cap, csize, nchunks;

	if (depth == 0)
		return 0;
	geometry(depth, ssize, &cap, &csize, &nchunks);
	return (size_t)nchunks * csize;
}

void dp_history_init(struct dp_history *h, void *mem, uint32_t depth,
		     unsigned int ssize)
{
	uint32_t cap = 0, csize = 0, nchunks = 0;

	memset(h, 0, sizeof(*h));
	h->ssize = (uint16_t)ssize;
	if (depth == 0 || mem == NULL)
		return;
	geometry(depth, ssize, &cap, &csize, &nchunks);
	h->mem = mem;
	h->cur = mem;
	h->csize = csize;
	h->nchunks = nchunks;
	h->cap_r = (uint16_t)cap;
	h->cap_e = (uint16_t)((csize - HDR) / (4 + (ssize ? ssize : 1)));
}

static inline struct chunk *chunk_at(const uint8_t *p)
{
	return (struct chunk *)(uintptr_t)p;
}

static inline int32_t *offsets(struct chunk *c)
{
	return (int32_t *)(void *)((uint8_t *)c + HDR);
}

static inline uint8_t *values(const struct dp_history *h, struct chunk *c)
{
	return (uint8_t *)c + HDR +
	       (c->mode == EXPLICIT ? (size_t)h->cap_e * 4 : 0);
}

static inline const uint8_t *next_chunk(const struct dp_history *h,
					const uint8_t *p)
{
	p += h->csize;
	return p == h->mem + (size_t)h->nchunks * h->csize ? h->mem : p;
}

static inline const uint8_t *prev_chunk(const struct dp_history *h,
					const uint8_t *p)
{
	return (p == h->mem ? h->mem + (size_t)h->nchunks * h->csize : p) -
	       h->csize;
}

/* Start the next chunk (the oldest goes if every one is in use). */
static struct chunk *open_chunk(struct dp_history *h)
{
	struct chunk *c;

	if (h->used == 0) {
		h->cur = h->mem;
		h->used = 1;
	} else {
		h->cur = (uint8_t *)(uintptr_t)next_chunk(h, h->cur);
		if (h->used == h->nchunks)
			h->tail += chunk_at(h->cur)->n;
		else
			h->used++;
	}
	c = chunk_at(h->cur);
	memset(c, 0, HDR);
	c->first = (uint32_t)h->head;
	return c;
}

/* A REGULAR chunk turned EXPLICIT (its samples' residuals are 0), if
 * it has room for one more. */
static int to_explicit(const struct dp_history *h, struct chunk *c)
{
	if (c->n >= h->cap_e)
		return 0;
	memmove((uint8_t *)c + HDR + (size_t)h->cap_e * 4,
		(uint8_t *)c + HDR, (size_t)c->n * h->ssize);
	memset(offsets(c), 0, (size_t)c->n * 4);
	c->mode = EXPLICIT;
	return 1;
}

/* How many of the @p n samples from time @p t, @p dt apart, chunk @p c
 * takes (setting their times; the caller copies the values). */
static uint32_t take(const struct dp_history *h, struct chunk *c, uint64_t t,
		     uint64_t dt, uint32_t n)
{
	uint32_t k;

	if (c->mode == REGULAR) {
		int fits;

		if (c->n == 0) {
			c->t0 = t;
			fits = n == 1 || dt > 0;
			c->dt = n > 1 ? dt : 0;
		} else if (c->dt == 0) {   /* one held: t sets the spacing */
			fits = t > c->t0 && (n == 1 || dt == t - c->t0);
			if (fits)
				c->dt = t - c->t0;
		} else {
			fits = t == c->t0 + (uint64_t)c->n * c->dt &&
			       (n == 1 || dt == c->dt);
		}
		if (fits) {
			k = h->cap_r - c->n;
			return k < n ? k : n;
		}
		if (!to_explicit(h, c))
			return 0;
	}
	for (k = 0; k < n && c->n + k < h->cap_e; k++) {
		int64_t off = (int64_t)(t + (uint64_t)k * dt - c->t0 -
					(uint64_t)(c->n + k) * c->dt);

		if (off < INT32_MIN || off > INT32_MAX)
			break;
		offsets(c)[c->n + k] = (int32_t)off;
	}
	return k;
}

void dp_history_push_record(struct dp_history *h, const struct sp_record *r)
{
	const uint8_t *v = r->values;
	uint64_t t = r->t0_ns;
	uint32_t n = r->nsamp, dt = n > 1 ? r->dt_ns : 0;
	struct chunk *c;

	if (h->mem == NULL) {
		h->head += n;
		h->tail = h->head;
		return;
	}
	c = h->used ? chunk_at(h->cur) : open_chunk(h);
	/* the common case first: one more sample where the spacing says */
	if (n == 1 && c->mode == REGULAR && c->dt && c->n < h->cap_r &&
	    t == c->t0 + (uint64_t)c->n * c->dt) {
		memcpy(values(h, c) + (size_t)c->n * h->ssize, v, h->ssize);
		c->n++;
		h->head++;
		h->next += h->ssize;
		return;
	}
	while (n > 0) {
		uint32_t k = take(h, c, t, dt, n);

		if (k == 0) {   /* a fresh chunk takes at least one */
			c = open_chunk(h);
			continue;
		}
		memcpy(values(h, c) + (size_t)c->n * h->ssize, v,
		       (size_t)k * h->ssize);
		c->n = (uint16_t)(c->n + k);
		h->head += k;
		t += (uint64_t)k * dt;
		v += (size_t)k * h->ssize;
		n -= k;
	}
	h->next = values(h, c) + (size_t)c->n * h->ssize;
}

/* Sample @p i's place in chunk @p c (>= c->n if not in it): a history
 * holds far fewer than 2^32 samples, so 32 bits of index tell. */
static inline uint32_t place(const struct chunk *c, uint64_t i)
{
	return (uint32_t)i - c->first;
}

/* The chunk holding sample @p i (tail <= i < head), searched from the
 * newest: readers mostly want recent samples. */
static struct chunk *find(const struct dp_history *h, uint64_t i)
{
	const uint8_t *p = h->cur;

	for (uint32_t u = 0; u < h->used; u++, p = prev_chunk(h, p))
		if (place(chunk_at(p), i) < chunk_at(p)->n)
			return chunk_at(p);
	return NULL;
}

static inline uint64_t time_of(struct chunk *c, uint32_t j)
{
	uint64_t t = c->t0 + (uint64_t)j * c->dt;

	return c->mode == REGULAR ? t : t + (uint64_t)(int64_t)offsets(c)[j];
}

/* A reader walking samples forward from index i. */
struct walk {
	const struct dp_history *h;
	struct chunk *c;
	uint32_t j;
};

static int walk_start(struct walk *w, const struct dp_history *h, uint64_t i)
{
	if (h->mem == NULL || i < h->tail || i >= h->head)
		return 0;
	w->h = h;
	w->c = find(h, i);
	w->j = place(w->c, i);
	return 1;
}

static void walk_read(struct walk *w, struct dp_history_sample *s)
{
	s->t_ns = time_of(w->c, w->j);
	s->values = values(w->h, w->c) + (size_t)w->j * w->h->ssize;
	if (++w->j == w->c->n && (uint8_t *)w->c != w->h->cur) {
		w->c = chunk_at(next_chunk(w->h, (uint8_t *)w->c));
		w->j = 0;
	}
}

uint32_t dp_history_last(const struct dp_history *h, uint32_t n,
			 struct dp_history_sample *out)
{
	uint32_t have = dp_history_count(h);
	struct walk w;

	if (n > have)
		n = have;
	if (n == 0 || !walk_start(&w, h, h->head - n))
		return 0;
	for (uint32_t i = 0; i < n; i++)
		walk_read(&w, &out[i]);
	return n;
}

uint32_t dp_history_from(const struct dp_history *h, uint64_t i,
			 uint32_t max, struct dp_history_sample *out,
			 uint64_t *first)
{
	uint32_t n = 0;
	struct walk w;

	if (i < h->tail)
		i = h->tail;
	*first = i;
	if (!walk_start(&w, h, i))
		return 0;
	for (; i < h->head && n < max; i++)
		walk_read(&w, &out[n++]);
	return n;
}

uint32_t dp_history_range(const struct dp_history *h, uint64_t from_ns,
			  uint64_t to_ns, struct dp_history_sample *out,
			  uint32_t max, uint64_t *first)
{
	uint32_t have = dp_history_count(h), got = 0;
	struct dp_history_sample s;
	struct walk w;

	if (have == 0 || !walk_start(&w, h, h->tail))
		return 0;
	/* Linear on purpose: sensors may send out-of-order times, and a
	 * query is control-path work bounded by the history's size. */
	for (uint32_t i = 0; i < have && got < max; i++) {
		walk_read(&w, &s);
		if (s.t_ns >= from_ns && s.t_ns <= to_ns) {
			if (got == 0 && first)
				*first = h->tail + i;
			out[got++] = s;
		}
	}
	return got;
}

uint32_t dp_history_run(const struct dp_history *h, uint64_t i, uint64_t to,
			uint32_t max, struct dp_history_run *run)
{
	struct chunk *c;
	uint32_t j, n;
	int64_t d;

	if (h->mem == NULL || i < h->tail || i >= h->head || i >= to ||
	    max == 0)
		return 0;
	c = find(h, i);
	j = place(c, i);
	n = c->n - j;
	if (to - i < n)
		n = (uint32_t)(to - i);
	if (max < n)
		n = max;
	run->t0_ns = time_of(c, j);
	run->values = values(h, c) + (size_t)j * h->ssize;
	run->dt_ns = 0;
	if (n < 2)
		return 1;
	if (c->mode == REGULAR) {
		if (c->dt > UINT32_MAX)   /* no record says that spacing */
			return 1;
		run->dt_ns = (uint32_t)c->dt;
		return n;
	}
	d = (int64_t)c->dt + offsets(c)[j + 1] - offsets(c)[j];
	if (d <= 0 || d > UINT32_MAX)
		return 1;
	run->dt_ns = (uint32_t)d;
	for (uint32_t m = 2; m < n; m++)
		if (offsets(c)[j + m] - (int64_t)offsets(c)[j + m - 1] !=
		    d - (int64_t)c->dt)
			return m;
	return n;
}

uint32_t dp_history_span(const struct dp_history *h, uint64_t i, uint64_t to,
			 uint32_t max, struct dp_history_run *run,
			 uint8_t *buf, size_t buflen)
{
	uint32_t n = dp_history_run(h, i, to, max, run), m;
	struct dp_history_run nx;

	while (n > 0 && i + n < to && n < max) {
		uint64_t d;

		m = dp_history_run(h, i + n, to, max - n, &nx);
		if (m == 0 || nx.t0_ns <= run->t0_ns)
			break;
		d = run->dt_ns ? run->dt_ns : nx.t0_ns - run->t0_ns;
		if (d > UINT32_MAX || nx.t0_ns != run->t0_ns + n * d ||
		    (m > 1 && nx.dt_ns != d) ||
		    (size_t)(n + m) * h->ssize > buflen)
			break;
		if (run->values != buf) {
			memcpy(buf, run->values, (size_t)n * h->ssize);
			run->values = buf;
		}
		memcpy(buf + (size_t)n * h->ssize, nx.values,
		       (size_t)m * h->ssize);
		run->dt_ns = (uint32_t)d;
		n += m;
	}
	return n;
}

uint64_t dp_history_seek(const struct dp_history *h, uint64_t i,
			 uint64_t end, uint64_t from_ns)
{
	struct dp_history_sample s;
	struct walk w;

	if (i >= end || !walk_start(&w, h, i))
		return end;
	for (; i < end; i++) {
		walk_read(&w, &s);
		if (s.t_ns >= from_ns)
			return i;
	}
	return end;
}
