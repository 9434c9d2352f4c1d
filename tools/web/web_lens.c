/*
 * web_lens.c - a tab's screen turned into attention (see web_lens.h).
 * A tab holds at most a few thousand keys: linear scans are cheaper than
 * a hash at this size and keep the code obvious.
 */
#include "web_lens.h"

#include <string.h>

static uint32_t hash(uint64_t s, uint16_t a)
{
	uint64_t h = (s ^ ((uint64_t)a << 48)) * 0x9E3779B97F4A7C15ull;

	return (uint32_t)(h >> 40) & (WEB_LENS_SLOTS - 1);
}

/* The index again after keys were added or moved (reports and plans:
 * rare next to messages). */
static void reindex(struct web_lens *l)
{
	memset(l->slot, 0, sizeof(l->slot));
	for (uint32_t i = 0; i < l->n; i++) {
		uint32_t h = hash(l->keys[i].sensor, l->keys[i].attr);

		while (l->slot[h])
			h = (h + 1) & (WEB_LENS_SLOTS - 1);
		l->slot[h] = (uint16_t)(i + 1);
	}
}

void web_lens_init(struct web_lens *l, uint32_t hover_ttl_ms)
{
	memset(l, 0, sizeof(*l));
	l->hover_ttl_ns = (uint64_t)hover_ttl_ms * 1000000ull;
}

static struct web_key *find(struct web_lens *l, uint64_t s, uint16_t a,
			    int make)
{
	for (uint32_t i = 0; i < l->n; i++)
		if (l->keys[i].sensor == s && l->keys[i].attr == a)
			return &l->keys[i];
	if (!make || l->n == WEB_LENS_MAX_KEYS)
		return NULL;
	l->keys[l->n] = (struct web_key){ .sensor = s, .attr = a };
	return &l->keys[l->n++];
}

static int in(const uint64_t (*list)[2], uint32_t n, const struct web_key *k)
{
	for (uint32_t i = 0; i < n; i++)
		if (list[i][0] == k->sensor && list[i][1] == k->attr)
			return 1;
	return 0;
}

int web_lens_report(struct web_lens *l, const struct web_report *r,
		    uint64_t now_ns)
{
	uint32_t fresh = 0;

	/* count the keys it would add first: all or nothing */
	for (uint32_t i = 0; i < r->nloaded; i++)
		fresh += find(l, r->loaded[i][0], (uint16_t)r->loaded[i][1],
			      0) == NULL;
	if (l->n + fresh > WEB_LENS_MAX_KEYS)
		return -1;
	for (uint32_t i = 0; i < r->nloaded; i++)
		find(l, r->loaded[i][0], (uint16_t)r->loaded[i][1], 1);
	for (uint32_t i = 0; i < l->n; i++) {
		struct web_key *k = &l->keys[i];

		if (!in(r->loaded, r->nloaded, k))
			k->base = WEB_NONE;
		else if (!r->hidden && in(r->visible, r->nvisible, k))
			k->base = WEB_MEDIUM;
		else
			k->base = WEB_LOW;
		k->pinned = k->base != WEB_NONE &&
			    in(r->pinned, r->npinned, k);
		/* the pointer or the focus is on it: (re)start its TTL,
		 * which lapses TTL after it leaves */
		if (r->has_focus && !r->hidden && k->base != WEB_NONE &&
		    r->focus[0] == k->sensor && r->focus[1] == k->attr) {
			k->hover_until = now_ns + l->hover_ttl_ns;
			k->renewed = 1;
			k->focused = 1;
		} else if (k->focused) {
			/* the pointer just left: the TTL runs from now */
			k->hover_until = now_ns + l->hover_ttl_ns;
			k->renewed = 1;
			k->focused = 0;
		}
		if (k->base == WEB_NONE)
			k->hover_until = k->focused = 0;
	}
	l->dirty = 1;
	reindex(l);
	return 0;
}

uint8_t web_lens_level(const struct web_lens *l, uint64_t sensor,
		       uint16_t attr, uint64_t now_ns)
{
	uint32_t h = hash(sensor, attr);

	for (; l->slot[h]; h = (h + 1) & (WEB_LENS_SLOTS - 1)) {
		const struct web_key *k = &l->keys[l->slot[h] - 1];

		if (k->sensor != sensor || k->attr != attr)
			continue;
		if (k->pinned || k->hover_until > now_ns)
			return WEB_HIGH;
		return k->base;
	}
	return WEB_NONE;
}

uint32_t web_lens_plan(struct web_lens *l, uint64_t now_ns,
		       struct web_op *ops, uint32_t max)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < l->n && n < max; i++) {
		struct web_key *k = &l->keys[i];
		uint8_t want = web_lens_level(l, k->sensor, k->attr, now_ns);
		int hover = !k->pinned && k->hover_until > now_ns;

		/* a hover is renewed in the dataplane too: its TTL there is
		 * the safety net if this gateway goes away */
		if (want == k->applied && !(hover && k->renewed))
			continue;
		k->renewed = 0;
		ops[n++] = (struct web_op){ .sensor = k->sensor,
			.attr = k->attr, .level = want,
			.ttl_ms = hover ? (uint32_t)((k->hover_until - now_ns) /
					  1000000ull) + 1000 : 0 };
		k->applied = want;
	}
	/* keys with nothing left are forgotten once removed */
	l->next_lapse_ns = 0;
	for (uint32_t i = 0; i < l->n; i++) {
		uint64_t h = l->keys[i].hover_until;

		if (l->keys[i].base == WEB_NONE &&
		    l->keys[i].applied == WEB_NONE) {
			l->keys[i--] = l->keys[--l->n];
			continue;
		}
		if (h > now_ns && !l->keys[i].pinned &&
		    (!l->next_lapse_ns || h < l->next_lapse_ns))
			l->next_lapse_ns = h;
	}
	l->dirty = n == max;   /* ops left over: plan again */
	reindex(l);
	return n;
}
