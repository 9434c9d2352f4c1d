/*
 * dp_keyring.h - the sensors' MAC keys reloaded at run time (`keys reload`
 * on the control socket, SIGHUP): the file is read into a new table, which
 * replaces the old one in one atomic store; the old one is freed after
 * every worker has passed a quiescent point (DPDK rte_rcu QSBR, one per
 * loop turn), so no packet is ever checked against freed memory and none
 * waits. A file that does not load leaves the old keys in place.
 */
#ifndef DP_KEYRING_H
#define DP_KEYRING_H

#include <stddef.h>

#include "dp_shared.h"

/**
 * Reload dataplane.keys_file. @return 0 (the number of keys in *@p count),
 * or -1 with @p err naming the file and line.
 */
int dp_keyring_reload(struct dp_shared *sh, size_t *count, char *err,
		      size_t errlen);

/** Keys in use now (control thread). */
size_t dp_keyring_count(const struct dp_shared *sh);

#endif /* DP_KEYRING_H */
