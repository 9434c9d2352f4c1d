/*
 * web_tab.h - one browser tab of senseplane-web: a viewer of its own in the
 * dataplane with its own lens (a multicast group the gateway joins with a
 * libsenseplane handle), its screen turned into attention (web_lens.h),
 * and a bounded buffer of what waits to go to the browser. A slow tab is
 * shed by level (low first, high last) and counted; it never holds up the
 * gateway or another tab.
 */
#ifndef WEB_TAB_H
#define WEB_TAB_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "senseplane.h"
#include "web_lens.h"

#define WEB_TAB_CTRL 64

struct web_gw;   /* the gateway (web_main.c) */

struct web_tab_stats {
	uint64_t msgs_in, msgs_out, frames_out, bytes_out;
	uint64_t shed[WEB_HIGH + 1];        /* by level */
	uint64_t reports, bad_frames, refused_reports, attn_errors;
};

struct web_tab {
	char name[32];
	char group[32];                     /* its lens: GROUP:PORT */
	struct senseplane *sp;               /* its lens */
	struct senseplane *attn;             /* the gateway's, for attention */
	struct web_lens lens;
	char *ctrl[WEB_TAB_CTRL];           /* frames of levels, to go first */
	unsigned int nctrl;
	char *out;                          /* a JSON array being built */
	size_t out_len, out_cap, out_max;
	uint64_t tokens_ns;                 /* report rate limit: bucket */
	struct web_tab_stats st;
	uint8_t fanout;                     /* B8's baseline: no attention */
	uint64_t *fan_sensors;              /* its sensors in the index */
	uint32_t nfan;
	struct web_gw *gw;
	void *wsi;                          /* its WebSocket */
};

/** Parameters of every tab. */
struct web_tab_params {
	const char *iface, *catalog;
	struct senseplane *attn;            /* attention: the control socket
					     * or Redis (shared by all tabs) */
	uint32_t hover_ttl_ms;
	size_t out_max;                     /* bytes waiting, at most */
	uint16_t lens_port;
	int fanout;                         /* no viewers: the plain fan-out */
};

/**
 * Make tab number @p id: its handle, its viewer and lens in the
 * dataplane. @return it, or NULL with @p err set.
 */
struct web_tab *web_tab_create(const struct web_tab_params *p, uint32_t id,
			       struct web_gw *gw, char *err, size_t errlen);

/** The viewer goes from the dataplane (its subscriptions with it). */
void web_tab_free(struct web_tab *t);

/**
 * A text frame from the page (@p len bytes): a report of what is on
 * screen, applied at @p now_ns. Malformed, oversized or too frequent
 * ones are refused and counted. @return 0 taken, -1 refused.
 */
int web_tab_frame(struct web_tab *t, const char *buf, size_t len,
		  uint64_t now_ns);

/** Message @p m for the browser, at level @p lvl (shed by it). */
void web_tab_deliver(struct web_tab *t, const struct senseplane_msg *m,
		     uint8_t lvl);

/** Frame @p frame (taken: its reference is the tab's) goes to the
 * browser before the data waiting; past WEB_TAB_CTRL waiting, dropped
 * and counted shed. */
void web_tab_control(struct web_tab *t, json_t *frame);

/** Timers: hovers that lapsed. */
void web_tab_tick(struct web_tab *t, uint64_t now_ns);

/** Take what waits for the browser (a JSON text); the caller sends it
 * and frees it. @return it, or NULL when nothing waits. */
char *web_tab_take(struct web_tab *t, size_t *len);

#endif /* WEB_TAB_H */
