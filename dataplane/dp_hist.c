/*
 * dp_hist.c - history ring (see dp_hist.h).
 */
#include "dp_hist.h"

#include <string.h>

size_t dp_hist_mem_size(uint32_t depth, unsigned int ssize)
{
	return (size_t)depth * (8 + ssize);
}

void dp_hist_init(struct dp_hist *h, void *mem, uint32_t depth,
		  unsigned int ssize)
{
	h->slots = depth ? mem : NULL;
	h->mask = depth ? depth - 1 : 0;
	h->ssize = (uint16_t)ssize;
	h->stride = (uint16_t)(8 + ssize);
	h->head = 0;
}

void dp_hist_push_record(struct dp_hist *h, const struct sp_record *r)
{
	const uint8_t *v = r->values;
	uint64_t t = r->t0_ns;

	if (h->slots == NULL) {
		h->head += r->nsamp;
		return;
	}
	/*
	 * A record longer than the ring only leaves its tail; skip the head
	 * of it rather than writing slots that are overwritten at once.
	 */
	uint32_t skip = 0, depth = h->mask + 1;

	if (r->nsamp > depth)
		skip = r->nsamp - depth;
	h->head += skip;
	t += (uint64_t)skip * r->dt_ns;
	v += (size_t)skip * h->ssize;
	for (uint32_t i = skip; i < r->nsamp; i++) {
		uint8_t *slot = h->slots + (size_t)(h->head & h->mask) * h->stride;

		memcpy(slot, &t, 8);
		memcpy(slot + 8, v, h->ssize);
		h->head++;
		t += r->dt_ns;
		v += h->ssize;
	}
}

static void read_slot(const struct dp_hist *h, uint64_t n,
		      struct dp_hist_sample *s)
{
	const uint8_t *slot = h->slots + (size_t)(n & h->mask) * h->stride;

	memcpy(&s->t_ns, slot, 8);
	s->values = slot + 8;
}

uint32_t dp_hist_last(const struct dp_hist *h, uint32_t n,
		      struct dp_hist_sample *out)
{
	uint32_t have = dp_hist_count(h);

	if (n > have)
		n = have;
	for (uint32_t i = 0; i < n; i++)
		read_slot(h, h->head - n + i, &out[i]);
	return n;
}

uint32_t dp_hist_range(const struct dp_hist *h, uint64_t from_ns,
		       uint64_t to_ns, struct dp_hist_sample *out,
		       uint32_t max)
{
	uint32_t have = dp_hist_count(h), got = 0;
	struct dp_hist_sample s;

	/* Linear on purpose: sensors may send out-of-order times, and a
	 * query is control-path work bounded by the ring's depth. */
	for (uint32_t i = 0; i < have && got < max; i++) {
		read_slot(h, h->head - have + i, &s);
		if (s.t_ns >= from_ns && s.t_ns <= to_ns)
			out[got++] = s;
	}
	return got;
}
