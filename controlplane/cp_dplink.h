/*
 * cp_dplink.h - the daemon's asynchronous link to its dataplane's control
 * socket (common/CONTROL.md) on the daemon's libevent loop.
 *
 * Requests are queued and written at once; answers come back in order
 * (the dataplane answers a connection's requests in order), each to the
 * callback of its request. Nothing here blocks the loop: a dataplane that
 * stops answering delays only the callbacks. When requests wait and no
 * answer has come for the timeout, the link says so (the reason is kept for
 * the node API and the log), fails every pending callback and closes;
 * cp_dplink_connect() opens it again. Modelled on hiredis's async context:
 * callbacks own nothing they are given. "Not answering" means no answer
 * at all for the timeout while requests wait: a long queue that is being
 * answered is not a stall.
 */
#ifndef CP_DPLINK_H
#define CP_DPLINK_H

#include <stdint.h>

#include <event2/event.h>
#include <jansson.h>

struct cp_dplink;

/**
 * An answer: @p resp (borrowed; NULL when the request failed: link down,
 * timeout, closed), @p err the reason when it failed.
 */
typedef void cp_dplink_cb(void *arg, json_t *resp, const char *err);

/** The link went down (@p why) or came up (@p why NULL). */
typedef void cp_dplink_state_cb(void *ctx, const char *why);

/**
 * A link to the control socket at @p path, not connected yet.
 * @return the link, or NULL (out of memory).
 */
struct cp_dplink *cp_dplink_new(struct event_base *base, const char *path,
				uint32_t timeout_ms, cp_dplink_state_cb *state,
				void *ctx);

/** Close and free; pending callbacks get NULL. NULL is a no-op. */
void cp_dplink_free(struct cp_dplink *l);

/**
 * Connect when not connected (a UNIX socket: answers at once).
 * @return 0 when the link is up (already or now), -1 with errno.
 */
int cp_dplink_connect(struct cp_dplink *l);

/** 1 while connected. */
int cp_dplink_up(const struct cp_dplink *l);

/** 1 while connected and the dataplane has answered since it connected. */
int cp_dplink_answering(const struct cp_dplink *l);

/** Why the link last went down; "" once the dataplane answers again. */
const char *cp_dplink_error(const struct cp_dplink *l);

/**
 * Send one request (printf-style, no newline). @p cb (may be NULL) is
 * called once, with the answer or with NULL.
 * @return 0, or -1 when the link is down or the line is bad (@p cb is
 * then not called).
 */
int cp_dplink_call(struct cp_dplink *l, cp_dplink_cb *cb, void *arg,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/** Requests sent and not answered yet. */
uint32_t cp_dplink_pending(const struct cp_dplink *l);

/** Figures: requests answered, failed, and links timed out. */
struct cp_dplink_stats {
	uint64_t answered, failed, timeouts, connects;
};
const struct cp_dplink_stats *cp_dplink_stats(const struct cp_dplink *l);

#endif /* CP_DPLINK_H */
