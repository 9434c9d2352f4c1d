/*
 * cp_apireq.h - one line of the node API (cp_api.c): what it asks.
 * `auth TOKEN`, `whereis SENSOR`, `ctld`, or a request of the control
 * protocol that the daemon forwards to its dataplane, checked here first
 * with the protocol's own validator (common/sp_args.h). Pure, so that it
 * is unit-tested and fuzzed without a daemon.
 */
#ifndef CP_APIREQ_H
#define CP_APIREQ_H

#include <stddef.h>
#include <stdint.h>

enum cp_api_kind {
	CP_API_AUTH,      /* token: what follows "auth " */
	CP_API_WHEREIS,   /* sensor */
	CP_API_CTLD,
	CP_API_FORWARD,   /* to the dataplane, as it is */
	CP_API_BAD,       /* err says why */
};

struct cp_api_req {
	enum cp_api_kind kind;
	uint64_t sensor;
	const char *token;    /* CP_API_AUTH: the token given (in tokbuf) */
	char tokbuf[256];
	char err[160];
};

/** Classify @p line (no newline). @return r->kind. */
enum cp_api_kind cp_api_parse(const char *line, struct cp_api_req *r);

#endif /* CP_APIREQ_H */
