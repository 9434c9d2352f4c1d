/* cp_batch.c - words queued for Redis (cp_batch.h). */
#include "cp_batch.h"

#include <stdlib.h>
#include <string.h>

void cp_batch_clear(struct cp_batch *b)
{
	b->n = 0;
	b->len = 0;
}

void cp_batch_free(struct cp_batch *b)
{
	free(b->buf);
	free(b->end);
	memset(b, 0, sizeof(*b));
}

static int batch_room(struct cp_batch *b, size_t wlen)
{
	if (b->n == b->ncap) {
		uint32_t cap = b->ncap ? b->ncap * 2 : 1024;
		uint32_t *e = realloc(b->end, cap * sizeof(*e));

		if (e == NULL)
			return -1;
		b->end = e;
		b->ncap = cap;
	}
	if (b->len + wlen + 1 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 16384;

		while (cap < b->len + wlen + 1)
			cap *= 2;
		char *p = realloc(b->buf, cap);

		if (p == NULL)
			return -1;
		b->buf = p;
		b->cap = cap;
	}
	return 0;
}

uint32_t cp_batch_push(struct cp_batch *b, const char *w)
{
	size_t wlen = strlen(w);

	if (wlen >= UINT32_MAX / 2 || b->len + wlen + 1 > UINT32_MAX ||
	    batch_room(b, wlen) < 0)
		return 0;
	memcpy(b->buf + b->len, w, wlen + 1);
	b->len += wlen + 1;
	b->end[b->n] = (uint32_t)b->len;
	return ++b->n;
}

const char *cp_batch_word(const struct cp_batch *b, uint32_t i)
{
	return b->buf + (i ? b->end[i - 1] : 0);
}

const char *cp_batch_join(struct cp_batch *b, uint32_t off, uint32_t k)
{
	for (uint32_t i = off; i + 1 < off + k; i++)
		b->buf[b->end[i] - 1] = ' ';
	return cp_batch_word(b, off);
}

