/*
 * spl_attn.h - libsenseplane asks for attention across the cluster: a
 * synchronous Redis connection that writes viewers, subscriptions and
 * pins in the schema of controlplane/SCHEMA.md (controlplane/cp_actions.h
 * builds the writes), so the owning node's daemon applies them. The local
 * way (the dataplane's control socket) needs no state of its own; both
 * are behind the public calls in spl_attn.c.
 */
#ifndef SPL_ATTN_H
#define SPL_ATTN_H

#include <stddef.h>

struct spl_attn;

/** Connect to Redis at @p url (prefix @p prefix, NULL: "sp:").
 * @return the connection, or NULL with @p err saying why. */
struct spl_attn *spl_attn_open(const char *url, const char *prefix,
			       char *err, size_t errlen);

/** Close; NULL is a no-op. */
void spl_attn_close(struct spl_attn *a);

#endif /* SPL_ATTN_H */
