/*
 * cp_actions.h - the cluster's writes, one builder per operation: what
 * Redis must hold for a viewer, a subscription or a pin (SCHEMA.md) and
 * the event that tells every node. Each operation is one Lua script, one
 * EVAL: Redis runs a script whole, so a client that crashes or loses its
 * connection half-way through an operation leaves either all of it or
 * nothing (never a viewer without its set entry, or a subscription in one
 * set and not the other), and the reads that decide (does the viewer
 * exist, its default level) are in the same script, so nothing can change
 * between the decision and the write. The CLI's cluster mode and
 * libsenseplane run them on a synchronous connection (cp_sync_run), the
 * daemon on its asynchronous one (restoring what its dataplane holds), so
 * the schema's writes are in this one place. Arguments are checked
 * before, with common/sp_args.h.
 */
#ifndef CP_ACTIONS_H
#define CP_ACTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "cp_schema.h"

#define CP_ACT_ARGS 14

/** One operation: the words of its one command (EVAL SCRIPT NKEYS ...). */
struct cp_act {
	int argc;
	const char *argv[CP_ACT_ARGS];
	char buf[CP_ACT_ARGS][CP_KEY_LEN];
};

/** What an operation's script answers: it did it, or why it did nothing. */
enum cp_act_result {
	CP_ACT_DONE = 0,
	CP_ACT_EXISTS = 1,     /* viewer_put with @p only_new: it exists */
	CP_ACT_NO_VIEWER = 2,  /* no such viewer */
	CP_ACT_NO_SUB = 3,     /* sub_del: the viewer has no such subscription */
	CP_ACT_UNCHANGED = 4,  /* pin: it was pinned (unpinned) already */
};

/** Viewer @p name: its lens's destination and default level; with
 * @p only_new, nothing if it exists (CP_ACT_EXISTS). */
void cp_act_viewer_put(struct cp_act *a, const char *pfx, const char *name,
		       const char *dest, const char *level, int only_new,
		       uint64_t t_ns);

/** Viewer @p name, every subscription it has (their keys, set entries and
 * events) and its own keys (CP_ACT_NO_VIEWER if it has none). */
void cp_act_viewer_del(struct cp_act *a, const char *pfx, const char *name,
		       uint64_t t_ns);

/** Subscription (@p viewer, @p sensor, @p attr) at @p level (NULL: the
 * viewer's default, read in the script), lapsing after @p ttl_ms (0:
 * never); CP_ACT_NO_VIEWER if the viewer is not in Redis. */
void cp_act_sub_put(struct cp_act *a, const char *pfx, const char *viewer,
		    uint64_t sensor, uint16_t attr, const char *level,
		    uint64_t ttl_ms, uint64_t t_ns);

/** The subscription goes (its key and both sets); CP_ACT_NO_VIEWER,
 * CP_ACT_NO_SUB when there is nothing to remove. */
void cp_act_sub_del(struct cp_act *a, const char *pfx, const char *viewer,
		    uint64_t sensor, uint16_t attr, uint64_t t_ns);

/** Pin (@p on) or unpin sensor @p sensor; CP_ACT_UNCHANGED (and no
 * event) when it was so already. */
void cp_act_pin(struct cp_act *a, const char *pfx, uint64_t sensor, int on,
		uint64_t t_ns);

#endif /* CP_ACTIONS_H */
