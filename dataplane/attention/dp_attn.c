/*
 * dp_attn.c - attention levels and the routes they imply (see dp_attn.h).
 */
#include "dp_attn.h"

#include <errno.h>
#include <string.h>

#include "sp_level.h"

#define NO_ROUTE 0xff

void dp_attn_init(struct dp_attn *a, struct dp_router *router,
		  struct dp_interest *pool, uint32_t n,
		  const struct dp_attn_ops *ops, void *ctx)
{
	memset(a, 0, sizeof(*a));
	a->router = router;
	a->ops = *ops;
	a->ctx = ctx;
	a->ninterests = n;
	a->lenses_on = 1;
	for (uint32_t i = n; i-- > 0;) {
		pool[i].next = a->free;
		a->free = &pool[i];
	}
}

static int matches(const struct dp_interest *i, uint16_t attr)
{
	return i->attr_id == 0 || i->attr_id == attr;
}

static uint8_t max8(uint8_t a, uint8_t b)
{
	return a > b ? a : b;
}

/* The level @p lens wants for @p attr of @p s, NO_ROUTE if it has no
 * interest in it; a pin raises it to the pin's level. */
static uint8_t lens_level(const struct dp_sensor *s,
			  const struct dp_out *lens, uint16_t attr,
			  uint8_t pin)
{
	uint8_t lvl = NO_ROUTE;

	for (const struct dp_interest *i = s->interests; i; i = i->next)
		if (i->lens == lens && matches(i, attr))
			lvl = lvl == NO_ROUTE ? i->level : max8(lvl, i->level);
	return lvl == NO_ROUTE ? lvl : max8(lvl, pin);
}

static int rises(uint8_t from, uint8_t to)
{
	return from <= SP_LEVEL_LOW && to >= SP_LEVEL_MEDIUM;
}

/* Make the route of @p k to @p o exist at @p want (or not, NO_ROUTE). */
static void ensure(struct dp_attn *a, struct dp_key *k, struct dp_out *o,
		   uint8_t want, uint64_t now_ns)
{
	struct dp_route *rt = dp_route_find(k, o);

	if (want == NO_ROUTE) {
		if (rt)
			dp_route_del(a->router, rt);
		return;
	}
	if (rt == NULL) {
		rt = dp_route_add(a->router, k, o, want);
		if (rt && want >= SP_LEVEL_MEDIUM && a->ops.backfill)
			a->ops.backfill(a->ctx, rt);
		return;
	}
	if (rt->level != want) {
		uint8_t was = rt->level;

		dp_route_set_level(a->router, rt, want, now_ns);
		if (rises(was, want) && a->ops.backfill)
			a->ops.backfill(a->ctx, rt);
	}
}

static struct dp_route *find_kind(const struct dp_key *k, uint8_t kind)
{
	for (struct dp_route *rt = k->routes; rt; rt = rt->key_next)
		if (rt->out->kind == kind)
			return rt;
	return NULL;
}

static void tier_route(struct dp_attn *a, struct dp_key *k, uint8_t level,
		       uint64_t now_ns)
{
	struct dp_route *tr = find_kind(k, DP_OUT_TIER), *rt;
	struct dp_out *want = level ? a->tier[level] : NULL;
	uint64_t cursor;
	uint8_t was;

	if (tr && tr->out == want)
		return;
	if (tr == NULL) {
		if (want)
			ensure(a, k, want, level, now_ns);
		return;
	}
	/* Moving between tier feeds keeps what was owed, so a rise from
	 * medium to high sends the pending samples at once. */
	cursor = tr->cursor;
	was = tr->level;
	dp_route_del(a->router, tr);
	if (want == NULL)
		return;
	rt = dp_route_add_from(a->router, k, want, level, cursor, now_ns);
	if (rt && rises(was, level) && a->ops.backfill)
		a->ops.backfill(a->ctx, rt);
}

void dp_attn_key(struct dp_attn *a, struct dp_sensor *s, struct dp_key *k,
		 uint64_t now_ns)
{
	uint8_t level = SP_LEVEL_NONE, sub = SP_LEVEL_NONE, pin = SP_LEVEL_NONE;
	struct dp_route *rt, *next;

	a->recomputes++;
	for (const struct dp_interest *i = s->interests; i; i = i->next) {
		/* a recording (a lens with every) is not attention: it
		 * raises no tier and makes no sensor feed, only its lens */
		if (!matches(i, k->attr_id) || (i->lens && i->lens->every))
			continue;
		level = max8(level, i->level);
		if (i->lens)
			sub = max8(sub, i->level);
		else
			pin = max8(pin, i->level);
	}
	k->level = level;
	k->sub_level = sub;
	tier_route(a, k, level, now_ns);
	if (s->sensor_out)
		ensure(a, k, s->sensor_out, sub ? sub : NO_ROUTE, now_ns);
	for (rt = k->routes; rt; rt = next) {
		next = rt->key_next;
		if (rt->out->kind == DP_OUT_LENS)
			ensure(a, k, rt->out, a->lenses_on ?
			       lens_level(s, rt->out, k->attr_id, pin) :
			       NO_ROUTE, now_ns);
	}
	if (!a->lenses_on)
		return;
	for (const struct dp_interest *i = s->interests; i; i = i->next)
		if (i->lens && matches(i, k->attr_id) &&
		    !dp_route_find(k, i->lens))
			ensure(a, k, i->lens,
			       lens_level(s, i->lens, k->attr_id, pin), now_ns);
}

void dp_attn_sensor(struct dp_attn *a, struct dp_sensor *s, uint64_t now_ns)
{
	for (struct dp_key *k = s->keys; k; k = k->sensor_next)
		dp_attn_key(a, s, k, now_ns);
}

static int has_lens_interest(const struct dp_sensor *s)
{
	for (const struct dp_interest *i = s->interests; i; i = i->next)
		if (i->lens && !i->lens->every)
			return 1;
	return 0;
}

int dp_attn_set(struct dp_attn *a, struct dp_sensor *s, struct dp_out *lens,
		uint16_t attr_id, uint8_t level, uint64_t now_ns)
{
	struct dp_interest *i;

	for (i = s->interests; i; i = i->next)
		if (i->lens == lens && i->attr_id == attr_id)
			break;
	if (i == NULL) {
		i = a->free;
		if (i == NULL) {
			a->refused++;
			return -ENOSPC;
		}
		a->free = i->next;
		a->interests_used++;
		i->lens = lens;
		i->attr_id = attr_id;
		i->next = s->interests;
		s->interests = i;
	}
	i->level = level;
	if (lens && !lens->every && s->sensor_out == NULL &&
	    a->ops.sensor_out)
		s->sensor_out = a->ops.sensor_out(a->ctx, s);
	dp_attn_sensor(a, s, now_ns);
	return 0;
}

int dp_attn_unset(struct dp_attn *a, struct dp_sensor *s,
		  struct dp_out *lens, uint16_t attr_id, uint64_t now_ns)
{
	struct dp_interest **pp = &s->interests, *i;

	while (*pp && ((*pp)->lens != lens || (*pp)->attr_id != attr_id))
		pp = &(*pp)->next;
	if (*pp == NULL)
		return -ENOENT;
	i = *pp;
	*pp = i->next;
	i->next = a->free;
	a->free = i;
	a->interests_used--;
	dp_attn_sensor(a, s, now_ns);
	if (!has_lens_interest(s)) {
		if (s->sensor_out) {
			dp_out_clear(a->router, s->sensor_out);
			if (a->ops.sensor_out_free)
				a->ops.sensor_out_free(a->ctx, s);
			s->sensor_out = NULL;
		}
		s->out_refused = 0;
	}
	return 0;
}

/* The pool that kept key @p k from a route interest @p i implies, 0 when
 * it has them all (what dp_attn_key() makes): the tier feed of the key's
 * level, and for a subscription its sensor's feed and its lens. */
static int key_refused(const struct dp_attn *a, const struct dp_sensor *s,
		       const struct dp_key *k, const struct dp_interest *i)
{
	const struct dp_out *tier = k->level <= SP_LEVEL_HIGH ?
				    a->tier[k->level] : NULL;

	if (!matches(i, k->attr_id))
		return 0;
	if (k->level && tier && !dp_route_find(k, tier))
		return DP_POOL_ROUTES;
	if (i->lens == NULL)
		return 0;
	if (i->lens->every)     /* a recording needs only its lens's route */
		return a->lenses_on && !dp_route_find(k, i->lens) ?
		       DP_POOL_ROUTES : 0;
	if (s->out_refused)
		return DP_POOL_OUTS;
	if (s->sensor_out && k->sub_level && !dp_route_find(k, s->sensor_out))
		return DP_POOL_ROUTES;
	if (a->lenses_on && !dp_route_find(k, i->lens))
		return DP_POOL_ROUTES;
	return 0;
}

int dp_attn_refused(const struct dp_attn *a, const struct dp_sensor *s,
		    const struct dp_out *lens, uint16_t attr_id)
{
	const struct dp_interest *i;
	int p;

	for (i = s->interests; i; i = i->next)
		if (i->lens == lens && i->attr_id == attr_id)
			break;
	if (i == NULL)
		return -ENOENT;
	/* a sensor feed refused before any key came */
	if (lens && s->out_refused)
		return DP_POOL_OUTS;
	for (const struct dp_key *k = s->keys; k; k = k->sensor_next)
		if ((p = key_refused(a, s, k, i)) != 0)
			return p;
	return 0;
}

int dp_attn_key_refused(const struct dp_attn *a, const struct dp_sensor *s,
			const struct dp_key *k)
{
	int p;

	for (const struct dp_interest *i = s->interests; i; i = i->next)
		if ((p = key_refused(a, s, k, i)) != 0)
			return p;
	return 0;
}

uint8_t dp_attn_sensor_level(const struct dp_sensor *s)
{
	uint8_t lvl = SP_LEVEL_NONE;

	for (const struct dp_key *k = s->keys; k; k = k->sensor_next)
		lvl = max8(lvl, k->level);
	return lvl;
}
