/*
 * web_gw.h - what a tab (web_tab.c) asks of the gateway that holds it
 * (web_main.c): the clock, the catalogue, its levels to fold into the
 * gateway's, and a write when the tab has something for its browser.
 */
#ifndef WEB_GW_H
#define WEB_GW_H

#include <stdint.h>

#include "sp_catalog.h"
#include "web_lens.h"

struct web_gw;
struct web_tab;

/** Now, ns since the epoch (one clock for a whole loop turn). */
uint64_t web_gw_now(const struct web_gw *g);

/** The attribute catalogue. */
const struct sp_catalog *web_gw_catalog(const struct web_gw *g);

/** Tab @p t's levels changed (its lens' plan, @p n ops): the gateway's
 * own levels follow (the max over its tabs), and its fan-out. */
void web_gw_levels(struct web_gw *g, struct web_tab *t,
		   const struct web_op *ops, uint32_t n);

/** @p t has frames for its browser: write when its socket can take it. */
void web_gw_want_write(struct web_gw *g, struct web_tab *t);

#endif /* WEB_GW_H */
