/*
 * web_agg.c - the gateway's keys, the max of its tabs' levels, and the
 * fan-out to each tab at its own level (see web_agg.h).
 *
 * Keys live in a chained hash (a message's key is looked up once, then
 * its tabs are a short array walked in order). Two worklists hold keys
 * by pointer: the keys whose level the dataplane must be told, and the
 * keys with a message held for some tab. A key is freed only when no tab
 * has it, the dataplane was told none, and neither list holds it.
 */
#include "web_agg.h"

#include <stdlib.h>
#include <string.h>

#include "sp_array.h"

struct sub {
	void *tab;
	void *held;              /* newest message held back, or NULL */
	uint64_t last_ns;        /* the last message delivered to it */
	uint8_t level;
	uint8_t hover;           /* high by a hover, not a pin */
};

struct key {
	struct key *next;        /* hash chain */
	uint64_t sensor;
	uint16_t attr;
	uint8_t all;
	uint8_t asked;           /* the level last handed to the dataplane */
	uint8_t renew;           /* hover renewed: ask again with its TTL */
	uint8_t in_changes, in_held;
	uint32_t n[WEB_HIGH + 1];   /* tabs at each level */
	uint32_t nhover;         /* of n[WEB_HIGH], held high by a hover */
	uint64_t hover_until;    /* the latest hover deadline reported */
	struct sub *subs;
	uint32_t nsubs, cap;
};

struct list {
	struct key **v;
	uint32_t n, cap;
};

struct web_agg {
	struct web_agg_io io;
	int passthrough;
	struct key **bucket;
	uint32_t nbuckets;       /* a power of two */
	uint32_t nkeys;
	struct list changes, held;
	struct web_agg_stats st;
};

static uint32_t hash(const struct web_agg *a, uint64_t s, uint16_t at)
{
	uint64_t h = (s ^ ((uint64_t)at << 48)) * 0x9E3779B97F4A7C15ull;

	return (uint32_t)(h >> 32) & (a->nbuckets - 1);
}

static int list_add(struct list *l, struct key *k)
{
	if (l->n == l->cap) {
		struct key **v = sp_array_grow(l->v, &l->cap, l->n + 1,
					       sizeof(*v), 64);

		if (v == NULL)
			return -1;
		l->v = v;
	}
	l->v[l->n++] = k;
	return 0;
}

struct web_agg *web_agg_create(const struct web_agg_io *io, int passthrough)
{
	struct web_agg *a = calloc(1, sizeof(*a));

	if (a == NULL)
		return NULL;
	a->io = *io;
	a->passthrough = passthrough;
	a->nbuckets = 1024;
	a->bucket = calloc(a->nbuckets, sizeof(*a->bucket));
	if (a->bucket == NULL) {
		free(a);
		return NULL;
	}
	return a;
}

static void free_key(struct web_agg *a, struct key *k)
{
	for (uint32_t i = 0; i < k->nsubs; i++)
		if (k->subs[i].held)
			a->io.release(a->io.ctx, k->subs[i].held);
	free(k->subs);
	free(k);
}

void web_agg_free(struct web_agg *a)
{
	if (a == NULL)
		return;
	for (uint32_t b = 0; b < a->nbuckets; b++)
		for (struct key *k = a->bucket[b], *n; k; k = n) {
			n = k->next;
			free_key(a, k);
		}
	free(a->bucket);
	free(a->changes.v);
	free(a->held.v);
	free(a);
}

static struct key *find(const struct web_agg *a, uint64_t s, uint16_t at)
{
	for (struct key *k = a->bucket[hash(a, s, at)]; k; k = k->next)
		if (k->sensor == s && k->attr == at)
			return k;
	return NULL;
}

/* Twice the buckets once there are more keys than buckets: chains stay
 * about one key long. A failed grow leaves the table as it was. */
static void grow(struct web_agg *a)
{
	uint32_t old = a->nbuckets;
	struct key **ob = a->bucket, **nb = calloc(2 * (size_t)old, sizeof(*nb));

	if (nb == NULL)
		return;
	a->bucket = nb;
	a->nbuckets = 2 * old;
	for (uint32_t b = 0; b < old; b++)
		for (struct key *k = ob[b], *n; k; k = n) {
			uint32_t h = hash(a, k->sensor, k->attr);

			n = k->next;
			k->next = nb[h];
			nb[h] = k;
		}
	free(ob);
}

static struct key *make(struct web_agg *a, uint64_t s, uint16_t at, int all)
{
	struct key *k = calloc(1, sizeof(*k));
	uint32_t h;

	if (k == NULL)
		return NULL;
	if (a->nkeys >= a->nbuckets)
		grow(a);
	h = hash(a, s, at);
	k->sensor = s;
	k->attr = at;
	k->all = (uint8_t)!!all;
	k->next = a->bucket[h];
	a->bucket[h] = k;
	a->nkeys++;
	return k;
}

static void unlink_key(struct web_agg *a, struct key *k)
{
	struct key **p = &a->bucket[hash(a, k->sensor, k->attr)];

	while (*p != k)
		p = &(*p)->next;
	*p = k->next;
	a->nkeys--;
}

/* Free a key nothing refers to any more. */
static void maybe_forget(struct web_agg *a, struct key *k)
{
	if (k->nsubs || k->asked != WEB_NONE || k->in_changes || k->in_held)
		return;
	unlink_key(a, k);
	free_key(a, k);
}

static uint8_t max_level(const struct key *k)
{
	for (uint8_t l = WEB_HIGH; l > WEB_NONE; l--)
		if (k->n[l])
			return l;
	return WEB_NONE;
}

/* Only hovers hold it high: the dataplane gets their TTL (the safety net
 * if this gateway dies). */
static int hover_only(const struct key *k)
{
	return k->n[WEB_HIGH] && k->n[WEB_HIGH] == k->nhover;
}

static int changed(struct web_agg *a, struct key *k)
{
	if (k->in_changes)
		return 0;
	if (list_add(&a->changes, k) < 0)
		return -1;
	k->in_changes = 1;
	return 0;
}

int web_agg_set(struct web_agg *a, void *tab, uint64_t sensor, uint16_t attr,
		uint8_t level, uint32_t ttl_ms, int all, uint64_t now_ns)
{
	struct key *k = find(a, sensor, attr);
	struct sub *s = NULL;
	uint32_t i;

	if (level > WEB_HIGH)
		level = WEB_HIGH;
	if (k == NULL) {
		if (level == WEB_NONE)
			return 0;
		k = make(a, sensor, attr, all);
		if (k == NULL)
			return -1;
	}
	for (i = 0; i < k->nsubs; i++)
		if (k->subs[i].tab == tab) {
			s = &k->subs[i];
			break;
		}
	if (s == NULL && level == WEB_NONE)
		return 0;
	/* room first, and on the change list: all or nothing */
	if (s == NULL && k->nsubs == k->cap) {
		struct sub *v = sp_array_grow(k->subs, &k->cap, k->nsubs + 1,
					      sizeof(*v), 4);

		if (v == NULL)
			goto nomem;
		k->subs = v;
	}
	if (changed(a, k) < 0)
		goto nomem;
	if (s == NULL) {
		s = &k->subs[k->nsubs++];
		*s = (struct sub){ .tab = tab };
		a->st.subs++;
	} else {
		k->n[s->level]--;
		k->nhover -= s->hover;
	}
	s->level = level;
	s->hover = level == WEB_HIGH && ttl_ms > 0;
	if (s->hover) {
		uint64_t until = now_ns + (uint64_t)ttl_ms * 1000000ull;

		/* renewed: the dataplane's TTL must be renewed too */
		if (until > k->hover_until) {
			k->hover_until = until;
			k->renew = 1;
		}
	}
	if (level == WEB_NONE) {
		if (s->held)
			a->io.release(a->io.ctx, s->held);
		*s = k->subs[--k->nsubs];
		a->st.subs--;
	} else {
		k->n[level]++;
		k->nhover += s->hover;
	}
	if (k->nhover == 0)
		k->hover_until = 0;
	return 0;
nomem:
	maybe_forget(a, k);   /* a key just made for it */
	return -1;
}

uint8_t web_agg_level(const struct web_agg *a, uint64_t sensor,
		      uint16_t attr)
{
	const struct key *k = find(a, sensor, attr);

	return k ? max_level(k) : WEB_NONE;
}

uint8_t web_agg_tab_level(const struct web_agg *a, void *tab,
			  uint64_t sensor, uint16_t attr)
{
	const struct key *k = find(a, sensor, attr);

	for (uint32_t i = 0; k && i < k->nsubs; i++)
		if (k->subs[i].tab == tab)
			return k->subs[i].level;
	return WEB_NONE;
}

uint32_t web_agg_changes(struct web_agg *a, struct web_agg_op *ops,
			 uint32_t max, uint64_t now_ns)
{
	uint32_t n = 0, i;

	for (i = 0; i < a->changes.n && n < max; i++) {
		struct key *k = a->changes.v[i];
		uint8_t want = max_level(k);
		int hov = want == WEB_HIGH && hover_only(k);

		k->in_changes = 0;
		if (want != k->asked || (hov && k->renew)) {
			ops[n++] = (struct web_agg_op){ .sensor = k->sensor,
				.attr = k->attr, .level = want,
				.ttl_ms = hov && k->hover_until > now_ns ?
					(uint32_t)((k->hover_until - now_ns) /
						   1000000ull) + 1000 : 0 };
			k->asked = want;
		}
		k->renew = 0;
		maybe_forget(a, k);
	}
	/* what did not fit waits for the next call, in order */
	memmove(a->changes.v, a->changes.v + i,
		(a->changes.n - i) * sizeof(*a->changes.v));
	a->changes.n -= i;
	a->st.changes += n;
	return n;
}

uint32_t web_agg_pending(const struct web_agg *a)
{
	return a->changes.n;
}

static uint64_t gap(uint8_t level)
{
	return level == WEB_MEDIUM ? WEB_AGG_GAP_MEDIUM_NS :
	       level == WEB_LOW ? WEB_AGG_GAP_LOW_NS : 0;
}

static void send_now(struct web_agg *a, struct sub *s, void *msg,
		     uint64_t now_ns)
{
	a->io.deliver(a->io.ctx, s->tab, msg, s->level);
	s->last_ns = now_ns;
	a->st.fanned++;
}

void web_agg_fan(struct web_agg *a, uint64_t sensor, uint16_t attr,
		 void *msg, uint64_t now_ns)
{
	struct key *k = find(a, sensor, attr);

	if (k == NULL || k->nsubs == 0) {
		a->st.unwanted++;
		return;
	}
	for (uint32_t i = 0; i < k->nsubs; i++) {
		struct sub *s = &k->subs[i];

		if (a->passthrough || k->all || s->level == WEB_HIGH ||
		    now_ns - s->last_ns >= gap(s->level)) {
			if (s->held) {   /* older than this one: superseded */
				a->io.release(a->io.ctx, s->held);
				s->held = NULL;
				a->st.conflated++;
			}
			send_now(a, s, msg, now_ns);
			continue;
		}
		if (s->held) {
			a->io.release(a->io.ctx, s->held);
			a->st.conflated++;
		} else if (!k->in_held) {
			if (list_add(&a->held, k) < 0) {
				/* no room to remember it: send it now
				 * rather than hold it where no tick finds it */
				send_now(a, s, msg, now_ns);
				continue;
			}
			k->in_held = 1;
		}
		a->io.hold(a->io.ctx, msg);
		s->held = msg;
	}
}

void web_agg_tick(struct web_agg *a, uint64_t now_ns)
{
	uint32_t keep = 0;

	for (uint32_t i = 0; i < a->held.n; i++) {
		struct key *k = a->held.v[i];
		int left = 0;

		for (uint32_t j = 0; j < k->nsubs; j++) {
			struct sub *s = &k->subs[j];
			void *m = s->held;

			if (m == NULL)
				continue;
			if (now_ns - s->last_ns < gap(s->level) &&
			    s->level != WEB_HIGH) {
				left = 1;
				continue;
			}
			/* its gap passed (or the tab went high) */
			s->held = NULL;
			send_now(a, s, m, now_ns);
			a->io.release(a->io.ctx, m);
		}
		if (left) {
			a->held.v[keep++] = k;
		} else {
			k->in_held = 0;
			maybe_forget(a, k);
		}
	}
	a->held.n = keep;
}

void web_agg_stats(const struct web_agg *a, struct web_agg_stats *s)
{
	*s = a->st;
	s->keys = a->nkeys;
}
