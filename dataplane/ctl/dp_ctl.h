/*
 * dp_ctl.h - the dataplane's control thread: serves the control protocol
 * (common/CONTROL.md) on a UNIX socket (mode 0660), keeps the attention
 * model (dp_model.h), lapses TTLs, and turns requests into commands on the
 * workers' mailboxes. It runs on a control thread, never on a worker lcore,
 * and may wait for a worker; a worker never waits for it.
 */
#ifndef DP_CTL_H
#define DP_CTL_H

#include <stddef.h>

struct dp_shared;
struct dp_ctl;

/**
 * Start serving the run @p sh on its configured socket.
 * @return the control thread, or NULL with @p err naming the socket.
 */
struct dp_ctl *dp_ctl_start(struct dp_shared *sh, char *err, size_t errlen);

/** Stop the thread, close and remove the socket; NULL is a no-op. */
void dp_ctl_stop(struct dp_ctl *ctl);

#endif /* DP_CTL_H */
