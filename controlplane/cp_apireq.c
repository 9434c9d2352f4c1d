/*
 * cp_apireq.c - the node API's request lines (see cp_apireq.h).
 */
#include "cp_apireq.h"

#include <stdio.h>
#include <string.h>

#include "sp_args.h"

enum cp_api_kind cp_api_parse(const char *line, struct cp_api_req *r)
{
	char buf[1024], *argv[SP_ARGS_MAX];
	int argc;

	memset(r, 0, sizeof(*r));
	if (strncmp(line, "auth ", 5) == 0) {
		/* the token as sent, a CR of a CRLF line end left out */
		size_t n = strcspn(line + 5, "\r");

		if (n >= sizeof(r->tokbuf)) {
			snprintf(r->err, sizeof(r->err), "token too long");
			return r->kind = CP_API_BAD;
		}
		memcpy(r->tokbuf, line + 5, n);
		r->tokbuf[n] = '\0';
		r->token = r->tokbuf;
		return r->kind = CP_API_AUTH;
	}
	if (strlen(line) >= sizeof(buf)) {
		snprintf(r->err, sizeof(r->err), "request longer than %zu "
			 "characters", sizeof(buf) - 1);
		return r->kind = CP_API_BAD;
	}
	strcpy(buf, line);
	argc = sp_args_split(buf, argv, SP_ARGS_MAX);
	if (argc <= 0) {
		snprintf(r->err, sizeof(r->err), argc ? "more than %d words: no "
			 "request has that many" : "empty request", SP_ARGS_MAX);
		return r->kind = CP_API_BAD;
	}
	if (strcmp(argv[0], "ctld") == 0 && argc == 1)
		return r->kind = CP_API_CTLD;
	if (strcmp(argv[0], "whereis") == 0) {
		if (argc != 2 || sp_args_u64(argv[1], &r->sensor) < 0 ||
		    r->sensor == 0) {
			snprintf(r->err, sizeof(r->err), "usage: whereis SENSOR");
			return r->kind = CP_API_BAD;
		}
		return r->kind = CP_API_WHEREIS;
	}
	if (strcmp(argv[0], "watch") == 0) {
		snprintf(r->err, sizeof(r->err), "watch is the dataplane's "
			 "control socket's, not the node API's");
		return r->kind = CP_API_BAD;
	}
	if (sp_args_check(NULL, argc, argv, r->err, sizeof(r->err)) !=
	    SP_ARGS_OK)
		return r->kind = CP_API_BAD;
	return r->kind = CP_API_FORWARD;
}
