/*
 * dp_allow.c - CIDR allow lists (see dp_allow.h).
 */
#include "dp_allow.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int dp_allow_parse(struct dp_allow *a, const char *list, char *err,
		   size_t errlen)
{
	char buf[512], *save = NULL, *tok;

	memset(a, 0, sizeof(*a));
	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ", ", &save); tok;
	     tok = strtok_r(NULL, ", ", &save)) {
		char *slash = strchr(tok, '/'), *end;
		unsigned long bits = 32;
		struct in_addr in;

		if (slash) {
			*slash = '\0';
			bits = strtoul(slash + 1, &end, 10);
			if (slash[1] == '\0' || *end || bits > 32)
				goto bad;
		}
		if (inet_pton(AF_INET, tok, &in) != 1 || a->n == DP_ALLOW_MAX)
			goto bad;
		a->mask[a->n] = bits ? ~0u << (32 - bits) : 0;
		a->net[a->n] = ntohl(in.s_addr) & a->mask[a->n];
		a->n++;
		continue;
bad:
		if (slash)
			*slash = '/';
		snprintf(err, errlen, "'%s': expected an IPv4 address or "
			 "network (a.b.c.d/n), at most %d of them", tok,
			 DP_ALLOW_MAX);
		return -1;
	}
	return 0;
}

int dp_allow_match(const struct dp_allow *a, uint32_t ip)
{
	for (unsigned int i = 0; i < a->n; i++)
		if ((ip & a->mask[i]) == a->net[i])
			return 1;
	return 0;
}
