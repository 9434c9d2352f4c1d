/*
 * cp_actions.h - the cluster's writes, one builder per operation: what
 * Redis must hold for a viewer, a subscription or a pin (SCHEMA.md) and
 * the event that tells every node, as a list of commands. The CLI's
 * cluster mode runs them on its synchronous connection, the daemon on its
 * asynchronous one (restoring what its dataplane holds), so the schema's
 * writes are in this one place. Arguments are checked before, with
 * common/sp_args.h.
 */
#ifndef CP_ACTIONS_H
#define CP_ACTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "cp_schema.h"

#define CP_ACT_CMDS 8
#define CP_ACT_ARGS 8

/** The commands of one operation, in order. */
struct cp_act {
	unsigned int n;
	struct {
		int argc;
		const char *argv[CP_ACT_ARGS];
		char buf[CP_ACT_ARGS][CP_KEY_LEN];
	} cmd[CP_ACT_CMDS];
};

/** Viewer @p name: its lens's destination and default level (no error). */
void cp_act_viewer_put(struct cp_act *a, const char *pfx, const char *name,
		       const char *dest, const char *level, uint64_t t_ns);

/** Viewer @p name and its own keys (its subscriptions: cp_act_sub_del
 * each, first). */
void cp_act_viewer_del(struct cp_act *a, const char *pfx, const char *name,
		       uint64_t t_ns);

/** Subscription (@p viewer, @p sensor, @p attr) at @p level, lapsing
 * after @p ttl_ms (0: never). */
void cp_act_sub_put(struct cp_act *a, const char *pfx, const char *viewer,
		    uint64_t sensor, uint16_t attr, const char *level,
		    uint64_t ttl_ms, uint64_t t_ns);

/** The subscription goes (its key and both sets). */
void cp_act_sub_del(struct cp_act *a, const char *pfx, const char *viewer,
		    uint64_t sensor, uint16_t attr, uint64_t t_ns);

/** Pin (@p on) or unpin sensor @p sensor. */
void cp_act_pin(struct cp_act *a, const char *pfx, uint64_t sensor, int on,
		uint64_t t_ns);

#endif /* CP_ACTIONS_H */
