/*
 * cp_api.h - senseplane-ctld's listeners: the node API (TCP, one request
 * line, one JSON answer, as the dataplane's control protocol; the CLI in
 * cluster mode routes history and stats here) and the Prometheus /metrics
 * endpoint (libevent's HTTP server).
 */
#ifndef CP_API_H
#define CP_API_H

#include <stddef.h>

#include "cp_node.h"

struct cp_api;

/**
 * Listen on the configured API and metrics addresses.
 * @return the listeners, or NULL with @p err naming the address.
 */
struct cp_api *cp_api_start(struct cp_node *n, char *err, size_t errlen);

void cp_api_stop(struct cp_api *a);

#endif /* CP_API_H */
