/*
 * web_lens.h - what one browser tab has on screen, turned into attention
 * (the seed's model): a tile under the pointer or focused is `high` for a
 * TTL that the page renews while it stays there, a pinned tile stays
 * `high`, a tile in the viewport is `medium`, a tile loaded but scrolled
 * away (or in a hidden tab) `low`, anything else has no subscription.
 *
 * The page reports its whole state each time (idempotent); web_lens_plan()
 * compares what each key should have with what was last applied and says
 * which subscriptions to set or remove. Pure (no I/O): the gateway applies
 * the plan with libsenseplane.
 */
#ifndef WEB_LENS_H
#define WEB_LENS_H

#include <stdint.h>

#define WEB_LENS_MAX_KEYS 4096

/* levels, as the protocol names them (common/sp_level.h) */
enum { WEB_NONE = 0, WEB_LOW = 1, WEB_MEDIUM = 2, WEB_HIGH = 3 };

struct web_key {
	uint64_t sensor;
	uint16_t attr;
	uint8_t base;          /* from the last report: none, low, medium */
	uint8_t pinned;
	uint8_t applied;       /* the level last set in the dataplane */
	uint8_t renewed;       /* hovered again since the last plan */
	uint8_t focused;       /* under the pointer in the last report */
	uint64_t hover_until;  /* ns; 0: not hovered */
};

#define WEB_LENS_SLOTS (2 * WEB_LENS_MAX_KEYS)

struct web_lens {
	struct web_key keys[WEB_LENS_MAX_KEYS];
	uint32_t n;
	/* (sensor, attr) -> keys[] index + 1, open addressing: a message's
	 * level is looked up for every message the tab gets */
	uint16_t slot[WEB_LENS_SLOTS];
	uint64_t hover_ttl_ns;
	uint64_t next_lapse_ns;   /* the earliest hover to lapse (0: none) */
	uint8_t dirty;            /* a report since the last plan */
};

/** One change to apply: (sensor, attr) at @p level (WEB_NONE: remove);
 * @p ttl_ms for a hover. */
struct web_op {
	uint64_t sensor;
	uint16_t attr;
	uint8_t level;
	uint32_t ttl_ms;
};

/** A report: the page's keys by what they are on screen. */
struct web_report {
	uint32_t nloaded, nvisible, npinned;
	uint64_t loaded[WEB_LENS_MAX_KEYS][2];   /* sensor, attr */
	uint64_t visible[WEB_LENS_MAX_KEYS][2];
	uint64_t pinned[WEB_LENS_MAX_KEYS][2];
	int has_focus;
	uint64_t focus[2];
	int hidden;           /* the tab is not shown: everything low */
};

void web_lens_init(struct web_lens *l, uint32_t hover_ttl_ms);

/** Take a report at @p now_ns. @return 0, or -1 when it names more keys
 * than a lens keeps (nothing taken). */
int web_lens_report(struct web_lens *l, const struct web_report *r,
		    uint64_t now_ns);

/** 1 when web_lens_plan() may have work at @p now_ns: a report came, or
 * a hover lapses (a tab with neither costs its timer nothing). */
static inline int web_lens_due(const struct web_lens *l, uint64_t now_ns)
{
	return l->dirty || (l->next_lapse_ns && now_ns >= l->next_lapse_ns);
}

/**
 * What to change at @p now_ns (hovers that lapsed included) into @p ops
 * (room for @p max); marks them applied. @return how many.
 */
uint32_t web_lens_plan(struct web_lens *l, uint64_t now_ns,
		       struct web_op *ops, uint32_t max);

/** The level key (@p sensor, @p attr) should have now. */
uint8_t web_lens_level(const struct web_lens *l, uint64_t sensor,
		       uint16_t attr, uint64_t now_ns);

#endif /* WEB_LENS_H */
