/*
 * cli_cluster.h - the senseplane CLI in cluster mode (--redis URL): reads
 * and writes the Redis schema (SCHEMA.md) directly, and routes what only a
 * dataplane knows (attention, history, stats) to the owning node's daemon
 * API.
 */
#ifndef CLI_CLUSTER_H
#define CLI_CLUSTER_H

/**
 * Run one command; @p token_file (may be NULL) holds the node API's token.
 * @return the exit code: 0 done, 1 refused, 2 usage, 3 Redis or the node
 * not reachable.
 */
int cli_cluster(const char *url, const char *prefix, const char *token_file,
		int json, int argc, char **argv);

#endif /* CLI_CLUSTER_H */
