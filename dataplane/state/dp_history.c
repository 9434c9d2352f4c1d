/*
 * dp_history.c - history ring (see dp_history.h).
 */
#include "dp_history.h"

#include <string.h>

size_t dp_history_mem_size(uint32_t depth, unsigned int ssize)
{
	return (size_t)depth * (8 + ssize);
}

void dp_history_init(struct dp_history *h, void *mem, uint32_t depth,
		  unsigned int ssize)
{
	h->ts = depth ? mem : NULL;
	h->vals = depth ? (uint8_t *)mem + (size_t)depth * 8 : NULL;
	h->mask = depth ? depth - 1 : 0;
	h->ssize = (uint16_t)ssize;
	h->head = 0;
}

void dp_history_push_record(struct dp_history *h, const struct sp_record *r)
{
	const uint8_t *v = r->values;
	uint64_t t = r->t0_ns;
	uint32_t n = r->nsamp, depth = h->mask + 1, start, first;

	if (h->ts == NULL) {
		h->head += n;
		return;
	}
	/* A record longer than the ring only leaves its tail. */
	if (n > depth) {
		uint32_t skip = n - depth;

		h->head += skip;
		t += (uint64_t)skip * r->dt_ns;
		v += (size_t)skip * h->ssize;
		n = depth;
	}
	start = (uint32_t)(h->head & h->mask);
	first = depth - start < n ? depth - start : n;
	memcpy(h->vals + (size_t)start * h->ssize, v, (size_t)first * h->ssize);
	memcpy(h->vals, v + (size_t)first * h->ssize,
	       (size_t)(n - first) * h->ssize);
	for (uint32_t i = 0; i < n; i++)
		h->ts[(h->head + i) & h->mask] = t + (uint64_t)i * r->dt_ns;
	h->head += n;
}

static void read_slot(const struct dp_history *h, uint64_t n,
		      struct dp_history_sample *s)
{
	uint32_t slot = (uint32_t)(n & h->mask);

	s->t_ns = h->ts[slot];
	s->values = h->vals + (size_t)slot * h->ssize;
}

uint32_t dp_history_last(const struct dp_history *h, uint32_t n,
		      struct dp_history_sample *out)
{
	uint32_t have = dp_history_count(h);

	if (n > have)
		n = have;
	for (uint32_t i = 0; i < n; i++)
		read_slot(h, h->head - n + i, &out[i]);
	return n;
}

uint32_t dp_history_range(const struct dp_history *h, uint64_t from_ns,
		       uint64_t to_ns, struct dp_history_sample *out,
		       uint32_t max, uint64_t *first)
{
	uint32_t have = dp_history_count(h), got = 0;
	struct dp_history_sample s;

	/* Linear on purpose: sensors may send out-of-order times, and a
	 * query is control-path work bounded by the ring's depth. */
	for (uint32_t i = 0; i < have && got < max; i++) {
		read_slot(h, h->head - have + i, &s);
		if (s.t_ns >= from_ns && s.t_ns <= to_ns) {
			if (got == 0 && first)
				*first = h->head - have + i;
			out[got++] = s;
		}
	}
	return got;
}
