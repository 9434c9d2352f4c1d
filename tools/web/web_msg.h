/*
 * web_msg.h - one message from the dataplane, written once as the JSON
 * the page draws and shared by reference among the tabs it goes to
 * (formatting was most of the gateway's time when each tab wrote its own:
 * perf, B8). Its text is the message's array less its level and closing
 * bracket, which each tab adds: [sensor, "attr", t0_ms, dt_ms, dim,
 * [values], how, quality (then , "level"]).
 */
#ifndef WEB_MSG_H
#define WEB_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "senseplane.h"

struct web_msg {
	uint32_t refs;
	uint32_t len;           /* of text, without its NUL */
	char text[];
};

/** Write @p m; one reference, the caller's. @return it, or NULL (out of
 * memory). */
struct web_msg *web_msg_make(const struct senseplane_msg *m);

/** A copy of @p len bytes of @p text (a whole frame); one reference.
 * @return it, or NULL (out of memory). */
struct web_msg *web_msg_text(const char *text, size_t len);

static inline void web_msg_ref(struct web_msg *w)
{
	w->refs++;
}

/** Drop a reference; the last one frees it. NULL is a no-op. */
void web_msg_unref(struct web_msg *w);

#endif /* WEB_MSG_H */
