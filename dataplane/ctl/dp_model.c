/*
 * dp_model.c - viewers, subscriptions, pins and switches (see dp_model.h).
 *
 * Subscriptions and sensor feeds are found through open-addressing index
 * tables (slot + 1, 0 empty, TOMB deleted) so that adding the ten thousands
 * of subscriptions of a large deployment stays linear.
 */
#include "dp_model.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_level.h"

#define TOMB UINT32_MAX
#define MAX_PINS DP_MODEL_MAX_PINS

struct sfeed {
	uint64_t sensor;
	uint32_t nsubs;
	uint16_t feed_id;
	uint8_t used;
};

struct index {
	uint32_t *t;
	uint32_t cap;      /* power of two */
	uint32_t filled;   /* entries and tombstones */
};

struct dp_model {
	struct dp_model_params p;
	struct dp_viewer *viewers;
	uint32_t nviewers;
	struct dp_sub *subs;
	uint32_t nsubs, sub_hint;
	struct index sub_idx;
	struct sfeed *sfeeds;      /* max_subs slots */
	uint32_t sfeed_hint;
	struct index sfeed_idx;
	uint64_t pins[MAX_PINS];
	uint32_t flags;
	uint64_t next_expiry;      /* earliest TTL, 0: none */
	uint32_t next_feed;
	uint64_t refused[DP_POOL__COUNT];
	uint8_t feed_used[65536];
};

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return x;
}

static int index_init(struct index *ix, uint32_t entries)
{
	ix->cap = 16;
	while (ix->cap < entries * 2)
		ix->cap <<= 1;
	ix->t = calloc(ix->cap, sizeof(*ix->t));
	return ix->t ? 0 : -1;
}

/* Re-insert every live entry when tombstones fill a quarter of the table:
 * lookups stay short and there is always an empty slot to stop at. */
static void index_put(struct index *ix, uint64_t h, uint32_t val)
{
	uint32_t mask = ix->cap - 1, i = (uint32_t)h & mask;

	while (ix->t[i])
		i = (i + 1) & mask;
	ix->t[i] = val;
	ix->filled++;
}

static uint64_t sub_hash(uint32_t viewer, uint64_t sensor, uint16_t attr);

static void index_rebuild(struct dp_model *m)
{
	memset(m->sub_idx.t, 0, m->sub_idx.cap * sizeof(uint32_t));
	memset(m->sfeed_idx.t, 0, m->sfeed_idx.cap * sizeof(uint32_t));
	m->sub_idx.filled = m->sfeed_idx.filled = 0;
	for (uint32_t i = 0; i < m->p.max_subs; i++) {
		const struct dp_sub *s = &m->subs[i];

		if (s->used)
			index_put(&m->sub_idx, sub_hash(s->viewer, s->sensor_id,
				  s->attr_id), i + 1);
		if (m->sfeeds[i].used)
			index_put(&m->sfeed_idx, mix(m->sfeeds[i].sensor),
				  i + 1);
	}
}

static void index_check(struct dp_model *m)
{
	if (m->sub_idx.filled > m->sub_idx.cap * 3 / 4 ||
	    m->sfeed_idx.filled > m->sfeed_idx.cap * 3 / 4)
		index_rebuild(m);
}

static uint64_t sub_hash(uint32_t viewer, uint64_t sensor, uint16_t attr)
{
	return mix(sensor ^ mix(((uint64_t)viewer << 16) | attr));
}

static uint32_t *sub_lookup(struct dp_model *m, uint32_t viewer,
			    uint64_t sensor, uint16_t attr, int for_insert)
{
	uint32_t mask = m->sub_idx.cap - 1, *tomb = NULL;
	uint32_t i = (uint32_t)sub_hash(viewer, sensor, attr) & mask;

	for (;; i = (i + 1) & mask) {
		uint32_t v = m->sub_idx.t[i];
		const struct dp_sub *s;

		if (v == 0)
			return for_insert ? (tomb ? tomb : &m->sub_idx.t[i])
					  : NULL;
		if (v == TOMB) {
			if (!tomb)
				tomb = &m->sub_idx.t[i];
			continue;
		}
		s = &m->subs[v - 1];
		if (s->viewer == viewer && s->sensor_id == sensor &&
		    s->attr_id == attr)
			return &m->sub_idx.t[i];
	}
}

static uint32_t *sfeed_lookup(struct dp_model *m, uint64_t sensor,
			      int for_insert)
{
	uint32_t mask = m->sfeed_idx.cap - 1, *tomb = NULL;
	uint32_t i = (uint32_t)mix(sensor) & mask;

	for (;; i = (i + 1) & mask) {
		uint32_t v = m->sfeed_idx.t[i];

		if (v == 0)
			return for_insert ? (tomb ? tomb : &m->sfeed_idx.t[i])
					  : NULL;
		if (v == TOMB) {
			if (!tomb)
				tomb = &m->sfeed_idx.t[i];
			continue;
		}
		if (m->sfeeds[v - 1].sensor == sensor)
			return &m->sfeed_idx.t[i];
	}
}

struct dp_model *dp_model_create(const struct dp_model_params *p)
{
	struct dp_model *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	m->p = *p;
	m->flags = p->flags;
	m->next_feed = DP_FEED_FIRST_DYNAMIC;
	m->viewers = calloc(p->max_viewers, sizeof(*m->viewers));
	m->subs = calloc(p->max_subs, sizeof(*m->subs));
	m->sfeeds = calloc(p->max_subs, sizeof(*m->sfeeds));
	if (!m->viewers || !m->subs || !m->sfeeds ||
	    index_init(&m->sub_idx, p->max_subs) ||
	    index_init(&m->sfeed_idx, p->max_subs)) {
		dp_model_free(m);
		return NULL;
	}
	return m;
}

void dp_model_free(struct dp_model *m)
{
	if (m == NULL)
		return;
	free(m->viewers);
	free(m->subs);
	free(m->sfeeds);
	free(m->sub_idx.t);
	free(m->sfeed_idx.t);
	free(m);
}

/* A lens or sensor feed id; -ENOSPC (counted) when every id is taken. */
static int feed_alloc(struct dp_model *m)
{
	for (uint32_t n = 0; n < 65536 - DP_FEED_FIRST_DYNAMIC; n++) {
		uint32_t id = m->next_feed++;

		if (m->next_feed > 65535)
			m->next_feed = DP_FEED_FIRST_DYNAMIC;
		if (!m->feed_used[id]) {
			m->feed_used[id] = 1;
			return (int)id;
		}
	}
	m->refused[DP_POOL_FEED_IDS]++;
	return -ENOSPC;
}

static void send(struct dp_model *m, uint64_t sensor, const struct dp_cmd *c)
{
	if (m->p.send)
		m->p.send(m->p.ctx, sensor, c);
}

static int viewer_index(const struct dp_model *m, const char *name)
{
	for (uint32_t i = 0; i < m->p.max_viewers; i++)
		if (m->viewers[i].used && strcmp(m->viewers[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int viewer_add(struct dp_model *m, const char *name, uint32_t ip,
		      uint16_t port, const uint8_t *mac, uint8_t level,
		      uint8_t record, uint64_t now_ns, char *err,
		      size_t errlen)
{
	struct dp_cmd c = { .op = DP_CMD_OUT_ADD,
			    .flags = record ? DP_LENS_RECORD : 0 };
	struct dp_viewer *v = NULL;
	int feed;

	if (name[0] == '\0' || strlen(name) >= DP_VIEWER_NAME_LEN) {
		snprintf(err, errlen, "viewer name '%s': 1 to %d characters",
			 name, DP_VIEWER_NAME_LEN - 1);
		return -EINVAL;
	}
	if (level < SP_LEVEL_LOW || level > SP_LEVEL_HIGH || port == 0) {
		snprintf(err, errlen, "viewer '%s': level must be low, medium "
			 "or high and the port not 0", name);
		return -EINVAL;
	}
	if ((ip >> 28) != 0xe && mac == NULL) {
		snprintf(err, errlen, "viewer '%s': a unicast destination "
			 "needs its next-hop MAC (mac=aa:bb:cc:dd:ee:ff)",
			 name);
		return -EINVAL;
	}
	if (viewer_index(m, name) >= 0) {
		snprintf(err, errlen, "viewer '%s' exists", name);
		return -EEXIST;
	}
	for (uint32_t i = 0; i < m->p.max_viewers && !v; i++)
		if (!m->viewers[i].used)
			v = &m->viewers[i];
	if (v == NULL) {
		m->refused[DP_POOL_VIEWERS]++;
		snprintf(err, errlen, "viewer '%s': viewers pool full (%u "
			 "viewers; raise attention.max_viewers)", name,
			 m->p.max_viewers);
		return -ENOSPC;
	}
	/* a lens is an out on every worker: past max_outs no worker could
	 * make it (sensor feeds take outs too; what a worker then refuses
	 * is counted there) */
	if (m->p.max_outs && m->nviewers >= m->p.max_outs) {
		m->refused[DP_POOL_OUTS]++;
		snprintf(err, errlen, "viewer '%s': outs pool full (%u outs a "
			 "worker, a lens takes one on each; raise "
			 "attention.max_outs)", name, m->p.max_outs);
		return -ENOSPC;
	}
	feed = feed_alloc(m);
	if (feed < 0) {
		snprintf(err, errlen, "viewer '%s': feed ids pool full (%u "
			 "ids for lenses and sensor feeds)", name,
			 65536 - DP_FEED_FIRST_DYNAMIC);
		return -ENOSPC;
	}
	memset(v, 0, sizeof(*v));
	snprintf(v->name, sizeof(v->name), "%s", name);
	v->ip = ip;
	v->port = port;
	v->level = level;
	v->record = record;
	v->feed_id = (uint16_t)feed;
	v->used = 1;
	v->created_ns = now_ns;
	if (mac) {
		memcpy(v->mac, mac, 6);
		v->has_mac = 1;
	}
	m->nviewers++;
	c.feed_id = v->feed_id;
	c.ip = ip;
	c.port = port;
	c.has_mac = v->has_mac;
	memcpy(c.mac, v->mac, 6);
	send(m, 0, &c);
	return feed;
}

int dp_model_viewer_add(struct dp_model *m, const char *name, uint32_t ip,
			uint16_t port, const uint8_t *mac, uint8_t level,
			uint64_t now_ns, char *err, size_t errlen)
{
	return viewer_add(m, name, ip, port, mac, level, 0, now_ns, err,
			  errlen);
}

int dp_model_recorder_add(struct dp_model *m, const char *name, uint32_t ip,
			  uint16_t port, const uint8_t *mac, uint8_t level,
			  uint64_t now_ns, char *err, size_t errlen)
{
	return viewer_add(m, name, ip, port, mac, level, 1, now_ns, err,
			  errlen);
}

/* Drop subscription slot @p i: tell the owner, release the sensor feed
 * when it was the sensor's last subscription. */
static void sub_drop(struct dp_model *m, uint32_t i)
{
	struct dp_sub *s = &m->subs[i];
	struct dp_cmd c = { .op = DP_CMD_UNSET, .attr_id = s->attr_id,
			    .sensor_id = s->sensor_id,
			    .feed_id = m->viewers[s->viewer].feed_id };
	uint32_t *slot = sub_lookup(m, s->viewer, s->sensor_id, s->attr_id, 0);
	uint32_t *fs = sfeed_lookup(m, s->sensor_id, 0);

	send(m, s->sensor_id, &c);
	if (slot)
		*slot = TOMB;
	if (fs && !m->viewers[s->viewer].record) {  /* it took no ref */
		struct sfeed *f = &m->sfeeds[*fs - 1];

		if (--f->nsubs == 0) {
			m->feed_used[f->feed_id] = 0;
			f->used = 0;
			*fs = TOMB;
		}
	}
	m->viewers[s->viewer].nsubs--;
	s->used = 0;
	m->nsubs--;
}

int dp_model_viewer_rm(struct dp_model *m, const char *name, char *err,
		       size_t errlen)
{
	int vi = viewer_index(m, name);
	struct dp_cmd c = { .op = DP_CMD_OUT_DEL };

	if (vi < 0) {
		snprintf(err, errlen, "no viewer '%s'", name);
		return -ENOENT;
	}
	/* its subscriptions first, so no worker holds an interest in a
	 * lens that is gone */
	for (uint32_t i = 0; i < m->p.max_subs && m->viewers[vi].nsubs; i++)
		if (m->subs[i].used && m->subs[i].viewer == (uint32_t)vi)
			sub_drop(m, i);
	c.feed_id = m->viewers[vi].feed_id;
	send(m, 0, &c);
	m->feed_used[c.feed_id] = 0;
	m->viewers[vi].used = 0;
	m->nviewers--;
	return 0;
}

const struct dp_viewer *dp_model_viewer_find(const struct dp_model *m,
					     const char *name)
{
	int i = viewer_index(m, name);

	return i < 0 ? NULL : &m->viewers[i];
}

const struct dp_viewer *dp_model_viewer_at(const struct dp_model *m,
					   uint32_t i)
{
	return i < m->p.max_viewers && m->viewers[i].used ? &m->viewers[i]
							    : NULL;
}

uint32_t dp_model_viewer_slots(const struct dp_model *m)
{
	return m->p.max_viewers;
}

uint32_t dp_model_nviewers(const struct dp_model *m)
{
	return m->nviewers;
}

/* The sensor feed of @p sensor: made on its first subscription. */
static int sfeed_ref(struct dp_model *m, uint64_t sensor, int *made)
{
	uint32_t *fs = sfeed_lookup(m, sensor, 1);
	struct sfeed *f;
	int feed;

	*made = 0;
	if (*fs && *fs != TOMB) {
		m->sfeeds[*fs - 1].nsubs++;
		return m->sfeeds[*fs - 1].feed_id;
	}
	for (uint32_t n = 0; n < m->p.max_subs; n++) {
		uint32_t i = (m->sfeed_hint + n) % m->p.max_subs;

		if (m->sfeeds[i].used)
			continue;
		feed = feed_alloc(m);
		if (feed < 0)
			return feed;
		f = &m->sfeeds[i];
		f->used = 1;
		f->sensor = sensor;
		f->nsubs = 1;
		f->feed_id = (uint16_t)feed;
		if (*fs == 0)
			m->sfeed_idx.filled++;
		*fs = i + 1;
		m->sfeed_hint = i + 1;
		*made = 1;
		return feed;
	}
	return -ENOSPC;
}

int dp_model_sub_add(struct dp_model *m, const char *viewer,
		     uint64_t sensor, uint16_t attr, uint8_t level,
		     uint32_t ttl_ms, uint64_t now_ns, char *err,
		     size_t errlen)
{
	int vi = viewer_index(m, viewer), feed, made;
	struct dp_cmd c = { .op = DP_CMD_SET, .attr_id = attr,
			    .sensor_id = sensor };
	uint32_t *slot;
	struct dp_sub *s = NULL;

	if (vi < 0) {
		snprintf(err, errlen, "no viewer '%s'", viewer);
		return -ENOENT;
	}
	index_check(m);
	if (sensor == 0 || level > SP_LEVEL_HIGH) {
		snprintf(err, errlen, "sensor 0 or level %u is not valid",
			 level);
		return -EINVAL;
	}
	if (level == SP_LEVEL_NONE)
		level = m->viewers[vi].level;
	slot = sub_lookup(m, (uint32_t)vi, sensor, attr, 1);
	if (*slot && *slot != TOMB) {
		s = &m->subs[*slot - 1];    /* renew: level and TTL */
	} else {
		for (uint32_t n = 0; n < m->p.max_subs && !s; n++) {
			uint32_t i = (m->sub_hint + n) % m->p.max_subs;

			if (!m->subs[i].used) {
				s = &m->subs[i];
				m->sub_hint = i + 1;
			}
		}
		if (s == NULL) {
			m->refused[DP_POOL_SUBS]++;
			snprintf(err, errlen, "subs pool full (%u "
				 "subscriptions; raise attention.max_subs)",
				 m->p.max_subs);
			return -ENOSPC;
		}
		feed = made = 0;
		/* a recording takes no sensor feed (dp_attn.h) */
		if (m->p.sensor_feeds && !m->viewers[vi].record)
			feed = sfeed_ref(m, sensor, &made);
		if (feed < 0) {
			snprintf(err, errlen, "sensor %llu: feed ids pool full "
				 "(%u ids for lenses and sensor feeds; or "
				 "attention.sensor_feeds=false)",
				 (unsigned long long)sensor,
				 65536 - DP_FEED_FIRST_DYNAMIC);
			return feed;
		}
		if (made)
			c.sensor_feed_id = (uint16_t)feed;
		memset(s, 0, sizeof(*s));
		s->used = 1;
		s->viewer = (uint32_t)vi;
		s->sensor_id = sensor;
		s->attr_id = attr;
		if (*slot == 0)
			m->sub_idx.filled++;
		*slot = (uint32_t)(s - m->subs) + 1;
		m->viewers[vi].nsubs++;
		m->nsubs++;
	}
	s->level = level;
	s->expires_ns = ttl_ms ? now_ns + (uint64_t)ttl_ms * 1000000ull : 0;
	if (s->expires_ns && (!m->next_expiry || s->expires_ns < m->next_expiry))
		m->next_expiry = s->expires_ns;
	c.level = level;
	c.feed_id = m->viewers[vi].feed_id;
	send(m, sensor, &c);
	return 0;
}

int dp_model_sub_rm(struct dp_model *m, const char *viewer, uint64_t sensor,
		    uint16_t attr, char *err, size_t errlen)
{
	int vi = viewer_index(m, viewer);
	uint32_t *slot;

	if (vi < 0) {
		snprintf(err, errlen, "no viewer '%s'", viewer);
		return -ENOENT;
	}
	slot = sub_lookup(m, (uint32_t)vi, sensor, attr, 0);
	if (slot == NULL) {
		snprintf(err, errlen, "viewer '%s' has no subscription to "
			 "sensor %llu%s", viewer, (unsigned long long)sensor,
			 attr ? " with that attribute" : "");
		return -ENOENT;
	}
	sub_drop(m, *slot - 1);
	return 0;
}

const struct dp_sub *dp_model_sub_at(const struct dp_model *m, uint32_t i)
{
	return i < m->p.max_subs && m->subs[i].used ? &m->subs[i] : NULL;
}

uint32_t dp_model_sub_slots(const struct dp_model *m)
{
	return m->p.max_subs;
}

uint32_t dp_model_nsubs(const struct dp_model *m)
{
	return m->nsubs;
}

int dp_model_pin(struct dp_model *m, uint64_t sensor, int on)
{
	struct dp_cmd c = { .op = on ? DP_CMD_SET : DP_CMD_UNSET,
			    .level = SP_LEVEL_HIGH, .sensor_id = sensor };
	uint64_t *free_slot = NULL;

	for (uint32_t i = 0; i < MAX_PINS; i++) {
		if (m->pins[i] == sensor) {
			if (on)
				return -EEXIST;
			m->pins[i] = 0;
			send(m, sensor, &c);
			return 0;
		}
		if (!m->pins[i] && !free_slot)
			free_slot = &m->pins[i];
	}
	if (!on)
		return -ENOENT;
	if (sensor == 0)
		return -EINVAL;
	if (free_slot == NULL) {
		m->refused[DP_POOL_PINS]++;
		return -ENOSPC;
	}
	*free_slot = sensor;
	send(m, sensor, &c);
	return 0;
}

uint64_t dp_model_pin_at(const struct dp_model *m, uint32_t i)
{
	return i < MAX_PINS ? m->pins[i] : 0;
}

uint32_t dp_model_pin_slots(const struct dp_model *m)
{
	(void)m;
	return MAX_PINS;
}

uint64_t dp_model_refused(const struct dp_model *m, unsigned int pool)
{
	return pool < DP_POOL__COUNT ? m->refused[pool] : 0;
}

uint32_t dp_model_tick(struct dp_model *m, uint64_t now_ns)
{
	uint32_t lapsed = 0;
	uint64_t next = 0;

	/* one scan per lapse time, not per tick */
	if (!m->next_expiry || now_ns < m->next_expiry)
		return 0;
	for (uint32_t i = 0; i < m->p.max_subs; i++) {
		const struct dp_sub *s = &m->subs[i];

		if (!s->used || !s->expires_ns)
			continue;
		if (s->expires_ns <= now_ns) {
			sub_drop(m, i);
			lapsed++;
		} else if (!next || s->expires_ns < next) {
			next = s->expires_ns;
		}
	}
	m->next_expiry = next;
	return lapsed;
}

uint16_t dp_model_sensor_feed(const struct dp_model *m, uint64_t sensor)
{
	uint32_t *fs = sfeed_lookup((struct dp_model *)m, sensor, 0);

	return fs ? m->sfeeds[*fs - 1].feed_id : 0;
}

void dp_model_set_flags(struct dp_model *m, uint32_t flags)
{
	struct dp_cmd c = { .op = DP_CMD_FLAGS, .flags = flags & DP_F_ALL };

	m->flags = c.flags;
	send(m, 0, &c);
}

uint32_t dp_model_flags(const struct dp_model *m)
{
	return m->flags;
}

/* By bit (enum dp_flag); NULL: a bit no switch has (yet) */
static const char *const flag_names[] = {
	"attention", "lenses", "backfill", "shedding", "hints", "consumed",
	"staged", "coalesce", "dirtyvec", "routes3", "rtxwarm",
};
#define NFLAGS (sizeof(flag_names) / sizeof(flag_names[0]))

const char *dp_flag_name(uint32_t bit)
{
	for (uint32_t i = 0; i < NFLAGS; i++)
		if (bit == 1u << i && flag_names[i])
			return flag_names[i];
	return "?";
}

uint32_t dp_flag_parse(const char *name)
{
	for (uint32_t i = 0; i < NFLAGS; i++)
		if (flag_names[i] && strcmp(name, flag_names[i]) == 0)
			return 1u << i;
	return 0;
}
