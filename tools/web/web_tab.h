/*
 * web_tab.h - one browser tab of senseplane-web: its screen turned into
 * attention (web_lens.h), handed to the gateway (one viewer for all its
 * tabs: web_agg.h), and a bounded queue of what waits to go to its
 * browser. The queue holds at most a set number of messages: when it is
 * full the oldest is dropped and counted, and the page is told how many
 * were dropped in the next frame, so a slow tab costs neither the
 * gateway nor another tab, and nothing is lost without saying so.
 */
#ifndef WEB_TAB_H
#define WEB_TAB_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "web_lens.h"
#include "web_msg.h"

#define WEB_TAB_CTRL 64

struct sp_catalog;
struct web_tab;

/* What a tab is told at its creation by what holds it (the gateway,
 * web_main.c): the catalogue it names attributes by, and where its
 * levels and its writes go. A tab reads no clock: every call that needs
 * the time is given it. So the tab depends on nothing above it. */
struct web_tab_env {
	const struct sp_catalog *cat;
	/** Tab @p t's levels changed (its lens' plan, @p n ops): the
	 * holder's own levels follow (the max over its tabs), and its
	 * fan-out. */
	void (*levels)(void *ctx, struct web_tab *t,
		       const struct web_op *ops, uint32_t n);
	/** @p t has frames for its browser: write when its socket can
	 * take it. */
	void (*want_write)(void *ctx, struct web_tab *t);
	void *ctx;
};

struct web_tab_stats {
	uint64_t msgs_in, msgs_out, frames_out, bytes_out;
	uint64_t dropped[WEB_HIGH + 1];     /* oldest dropped, by level */
	uint64_t ctrl_dropped;              /* control frames past the cap */
	uint64_t reports, bad_frames, refused_reports;
};

struct web_qent {
	struct web_msg *m;
	uint8_t lvl;
};

struct web_tab {
	char name[32];
	struct web_lens lens;
	struct web_msg *ctrl[WEB_TAB_CTRL]; /* whole frames, to go first */
	unsigned int nctrl;
	struct web_qent *q;                 /* the queue: a ring */
	uint32_t qcap, qhead, qlen;
	size_t frame_max;                   /* bytes of data in one frame */
	uint64_t dropped_told;              /* the total the page was told */
	uint64_t tokens_ns;                 /* report rate limit: bucket */
	uint64_t keys_version;              /* the key list it was sent */
	uint8_t write_asked;                /* on the gateway's list of writes */
	struct web_tab_stats st;
	struct web_tab_env env;
	void *wsi;                          /* its WebSocket */
};

/** Parameters of every tab. */
struct web_tab_params {
	uint32_t hover_ttl_ms;
	uint32_t queue;                     /* messages waiting, at most */
	size_t frame_max;                   /* bytes of data a frame */
};

/** Make tab number @p id, held as @p env says (copied). @return it, or
 * NULL with @p err set. */
struct web_tab *web_tab_create(const struct web_tab_params *p,
			       const struct web_tab_env *env, uint32_t id,
			       char *err, size_t errlen);

/** Free it and what waits in it; NULL is a no-op. */
void web_tab_free(struct web_tab *t);

/** Total dropped from its queue. */
uint64_t web_tab_dropped(const struct web_tab *t);

/**
 * A text frame from the page (@p len bytes): a report of what is on
 * screen, applied at @p now_ns. Malformed, oversized or too frequent
 * ones are refused and counted. @return 0 taken, -1 refused.
 */
int web_tab_frame(struct web_tab *t, const char *buf, size_t len,
		  uint64_t now_ns);

/** Message @p m for the browser at level @p lvl: queued (a reference
 * taken), the oldest dropped and counted when the queue is full. */
void web_tab_deliver(struct web_tab *t, struct web_msg *m, uint8_t lvl);

/** Frame @p frame (taken: its reference is the tab's) goes to the
 * browser before the data waiting; past WEB_TAB_CTRL waiting, dropped
 * and counted. */
void web_tab_control(struct web_tab *t, json_t *frame);

/** The same, a frame already written (shared: a reference is taken). */
void web_tab_control_msg(struct web_tab *t, struct web_msg *frame);

/** Timers: hovers that lapsed. */
void web_tab_tick(struct web_tab *t, uint64_t now_ns);

/** 1 when something waits for the browser. */
static inline int web_tab_waiting(const struct web_tab *t)
{
	return t->nctrl || t->qlen;
}

/** Take what waits for the browser as one frame (a JSON text: a control
 * frame, or data of about frame_max bytes at most) of @p len bytes, after
 * @p pre bytes left free (libwebsockets' header room); the caller sends
 * it and frees it. @return the buffer, or NULL when nothing waits. */
char *web_tab_take(struct web_tab *t, size_t pre, size_t *len);

#endif /* WEB_TAB_H */
