/*
 * spl_keys.c - open-addressing table of keys (see spl_keys.h).
 */
#include "spl_keys.h"

#include <stdlib.h>
#include <string.h>

#define INIT_CAP 4096

static uint64_t hash_key(uint64_t sensor, uint16_t attr)
{
	uint64_t h = (sensor ^ ((uint64_t)attr << 48)) * 0x9E3779B97F4A7C15ull;

	return h ^ (h >> 29);
}

int spl_keys_init(struct spl_keys *t)
{
	memset(t, 0, sizeof(*t));
	t->cap = INIT_CAP;
	t->slots = calloc(t->cap, sizeof(*t->slots));
	return t->slots ? 0 : -1;
}

void spl_keys_free(struct spl_keys *t)
{
	for (uint64_t i = 0; t->slots && i < t->cap; i++)
		free(t->slots[i].seen);
	free(t->slots);
	t->slots = NULL;
}

static struct spl_key *slot_for(struct spl_key *slots, uint64_t cap,
				 uint64_t sensor, uint16_t attr)
{
	uint64_t i = hash_key(sensor, attr) & (cap - 1);

	/* sensor 0 is invalid on the wire, so it marks an empty slot */
	while (slots[i].sensor && (slots[i].sensor != sensor ||
				   slots[i].attr != attr))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static int grow(struct spl_keys *t)
{
	uint64_t cap = t->cap * 2;
	struct spl_key *ns = calloc(cap, sizeof(*ns));

	if (ns == NULL)
		return -1;
	for (uint64_t i = 0; i < t->cap; i++)
		if (t->slots[i].sensor)
			*slot_for(ns, cap, t->slots[i].sensor,
				  t->slots[i].attr) = t->slots[i];
	free(t->slots);
	t->slots = ns;
	t->cap = cap;
	return 0;
}

/* --dedup: mark version @p v of @p k; @return 1 if it is new. */
static int mark(struct spl_key *k, uint32_t v)
{
	uint32_t w = v / 64;

	if (w >= k->seen_words) {
		uint32_t n = k->seen_words ? k->seen_words : 16;
		uint64_t *ns;

		while (n <= w)
			n *= 2;
		ns = realloc(k->seen, n * sizeof(*ns));
		if (ns == NULL)
			return 1;
		memset(ns + k->seen_words, 0,
		       (n - k->seen_words) * sizeof(*ns));
		k->seen = ns;
		k->seen_words = n;
	}
	if (k->seen[w] & (1ull << (v % 64)))
		return 0;
	k->seen[w] |= 1ull << (v % 64);
	return 1;
}

struct spl_key *spl_keys_msg(struct spl_keys *t,
				const struct sp_feed_msg *m, uint64_t now_ns,
				struct sp_digest *d, int replay,
				uint32_t *skipped)
{
	const struct sp_record *r = &m->rec;
	struct spl_key *k;
	uint64_t last_t = r->t0_ns + (uint64_t)(r->nsamp - 1) * r->dt_ns;
	size_t last_off = (size_t)(r->nsamp - 1) * r->dim;
	int32_t jump;

	*skipped = 0;
	if (t->n * 2 >= t->cap && grow(t) < 0)
		return NULL;
	k = slot_for(t->slots, t->cap, m->sensor_id, r->attr_id);
	if (k->sensor == 0) {
		k->sensor = m->sensor_id;
		k->attr = r->attr_id;
		k->version = m->version - r->nsamp;
		t->n++;
	} else if (r->t0_ns < k->last_t_ns && !t->dedup && !replay) {
		t->order_errors++;
	}
	if (t->dedup) {
		/* across feeds the same sample may come twice: count it once */
		unsigned int ss = r->dim * sp_vtype_size(r->vtype);

		for (uint32_t i = 0; i < r->nsamp; i++) {
			struct sp_record one = *r;

			one.nsamp = 1;
			one.dt_ns = 0;
			one.t0_ns = r->t0_ns + (uint64_t)i * r->dt_ns;
			one.values = r->values + (size_t)i * ss;
			spl_keys_sample(t, k, m->version - r->nsamp + 1 + i,
					  &one, d);
		}
	} else {
		/* Version counts samples the appliance received for this
		 * key; a larger jump than the samples carried means some
		 * were skipped: on purpose when marked CONFLATED. */
		jump = (int32_t)(m->version - k->version);
		if (!replay && jump > (int32_t)r->nsamp)
			*skipped = (uint32_t)jump - r->nsamp;
		if (!replay && jump > (int32_t)r->nsamp) {
			if (m->quality & SP_Q_CONFLATED)
				t->conflated_skips += (uint32_t)jump - r->nsamp;
			else
				t->version_skips += (uint32_t)jump - r->nsamp;
		}
		sp_digest_record(d, m->sensor_id, r);
	}
	if ((int32_t)(m->version - k->version) > 0) {
		k->version = m->version;
		k->last_t_ns = last_t;
		for (unsigned int j = 0; j < 3 && j < r->dim; j++)
			k->last[j] = sp_value_get(r->values, r->vtype,
						  last_off + j);
	}
	k->vtype = r->vtype;
	k->dim = r->dim;
	k->samples += r->nsamp;
	k->updated_ns = now_ns;
	return k;
}

int spl_keys_sample(struct spl_keys *t, struct spl_key *k,
		      uint32_t version, const struct sp_record *one,
		      struct sp_digest *d)
{
	if (t->dedup && !mark(k, version)) {
		t->dup_samples++;
		return 0;
	}
	sp_digest_record(d, k->sensor, one);
	return 1;
}

struct spl_key *spl_keys_key(struct spl_keys *t, uint64_t sensor,
				uint16_t attr)
{
	struct spl_key *k = slot_for(t->slots, t->cap, sensor, attr);

	return k->sensor ? k : NULL;
}

static int by_key(const void *a, const void *b)
{
	const struct spl_key *x = *(const struct spl_key *const *)a;
	const struct spl_key *y = *(const struct spl_key *const *)b;

	if (x->sensor != y->sensor)
		return x->sensor < y->sensor ? -1 : 1;
	return x->attr - y->attr;
}

unsigned int spl_keys_top(struct spl_keys *t, struct spl_key **pick,
			  unsigned int rows, double secs)
{
	unsigned int n = 0;

	/* keep the @rows most recently updated keys (insertion into a
	 * small array: rows is tiny next to the table) */
	for (uint64_t i = 0; i < t->cap; i++) {
		struct spl_key *k = &t->slots[i];
		unsigned int j;

		if (!k->sensor)
			continue;
		k->rate = secs > 0 ? (double)(k->samples - k->samples_mark) /
				     secs : 0;
		k->samples_mark = k->samples;
		if (n < rows) {
			pick[n++] = k;
			continue;
		}
		for (j = 0; j < n; j++)
			if (pick[j]->updated_ns < k->updated_ns)
				break;
		if (j < n) {
			unsigned int oldest = 0;

			for (unsigned int q = 1; q < n; q++)
				if (pick[q]->updated_ns <
				    pick[oldest]->updated_ns)
					oldest = q;
			pick[oldest] = k;
		}
	}
	qsort(pick, n, sizeof(pick[0]), by_key);
	return n;
}
