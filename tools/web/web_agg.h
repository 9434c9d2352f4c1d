/*
 * web_agg.h - the gateway as one viewer: for every (sensor, attribute)
 * some tab has, each tab's level (web_lens.h), and the level the gateway
 * asks of the dataplane: the highest over its tabs, none when no tab has
 * the key. The dataplane routes each key once, to the gateway's lens; the
 * gateway fans every message out to the tabs that have its key, each at
 * its own level:
 *  - high: at once;
 *  - medium, low: at most one message per WEB_AGG_GAP of the level (3/4
 *    of its cadence, 50 and 200 ms, so that the dataplane's own flush at
 *    that cadence passes at once); a newer message of a `latest` key
 *    replaces the one held (counted conflated), and the one held goes out
 *    when its gap has passed (web_agg_tick());
 *  - an `all` key (every sample kept: ECG, buttons) at once at any level:
 *    nothing of it may be dropped, and what waits for a tab goes out in
 *    one frame anyway.
 *
 * Pure (no I/O, no clock of its own): the caller hands in the time, and
 * the messages as opaque references with hold/release callbacks.
 */
#ifndef WEB_AGG_H
#define WEB_AGG_H

#include <stdint.h>

#include "web_lens.h"

/* the minimum time between two messages of a key to a tab, by level */
#define WEB_AGG_GAP_MEDIUM_NS 37500000ull    /* 3/4 of 50 ms */
#define WEB_AGG_GAP_LOW_NS    150000000ull   /* 3/4 of 200 ms */

/** What the fan-out does with messages (ctx is handed back). */
struct web_agg_io {
	/* @p msg goes to @p tab at @p level now */
	void (*deliver)(void *ctx, void *tab, void *msg, uint8_t level);
	void (*hold)(void *ctx, void *msg);      /* keep a reference */
	void (*release)(void *ctx, void *msg);   /* drop one */
	void *ctx;
};

/** A change to ask of the dataplane: the key at @p level (WEB_NONE:
 * unsubscribe), lapsing after @p ttl_ms when only hovers hold it high
 * (0: no TTL). */
struct web_agg_op {
	uint64_t sensor;
	uint16_t attr;
	uint8_t level;
	uint32_t ttl_ms;
};

struct web_agg_stats {
	uint64_t keys;           /* keys some tab has now */
	uint64_t subs;           /* (tab, key) pairs now */
	uint64_t fanned;         /* messages delivered to tabs */
	uint64_t conflated;      /* held messages replaced by newer ones */
	uint64_t unwanted;       /* messages of a key no tab has */
	uint64_t changes;        /* ops handed out for the dataplane */
};

struct web_agg;

/** Make one; @p passthrough: deliver every message at once at every
 * level (the plain fan-out, a benchmark's baseline). NULL: no memory. */
struct web_agg *web_agg_create(const struct web_agg_io *io, int passthrough);

/** Free it, releasing what it holds; NULL is a no-op. */
void web_agg_free(struct web_agg *a);

/**
 * Tab @p tab now has key (@p sensor, @p attr) at @p level (WEB_NONE: it
 * has it no more), @p ttl_ms > 0 when the level is a hover's (high for
 * that long unless renewed). @p all: the attribute's delivery mode is
 * `all`. @return 0, or -1 out of memory (nothing changed).
 */
int web_agg_set(struct web_agg *a, void *tab, uint64_t sensor, uint16_t attr,
		uint8_t level, uint32_t ttl_ms, int all, uint64_t now_ns);

/** The level the gateway wants for a key now (max over its tabs). */
uint8_t web_agg_level(const struct web_agg *a, uint64_t sensor,
		      uint16_t attr);

/** Tab @p tab's level for a key (WEB_NONE: it does not have it). */
uint8_t web_agg_tab_level(const struct web_agg *a, void *tab,
			  uint64_t sensor, uint16_t attr);

/**
 * The changes for the dataplane since the last call, one per key at most
 * (what changed twice is asked once, at its last level), into @p ops
 * (room for @p max). @return how many; call again while it fills @p ops.
 */
uint32_t web_agg_changes(struct web_agg *a, struct web_agg_op *ops,
			 uint32_t max, uint64_t now_ns);

/** Changes waiting for web_agg_changes(). */
uint32_t web_agg_pending(const struct web_agg *a);

/** A message of (@p sensor, @p attr) from the dataplane: to every tab
 * that has the key, at its level (above). */
void web_agg_fan(struct web_agg *a, uint64_t sensor, uint16_t attr,
		 void *msg, uint64_t now_ns);

/** The messages held whose gap has passed go out. */
void web_agg_tick(struct web_agg *a, uint64_t now_ns);

void web_agg_stats(const struct web_agg *a, struct web_agg_stats *s);

#endif /* WEB_AGG_H */
