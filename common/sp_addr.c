/*
 * sp_addr.c - IPv4:PORT and [IPv6]:PORT parsing, either family into one
 * socket address (see sp_addr.h).
 */
#include "sp_addr.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sp_addr_parse(const char *s, uint32_t *ip, uint16_t *port,
		  uint16_t default_port)
{
	char host[64], *colon, *end;
	unsigned long p = default_port;
	struct in_addr a;

	if (strlen(s) >= sizeof(host))
		return -1;
	strcpy(host, s);
	colon = strchr(host, ':');
	if (colon) {
		*colon = '\0';
		p = strtoul(colon + 1, &end, 10);
		if (colon[1] == '\0' || *end)
			return -1;
	}
	if (p == 0 || p > 65535 || inet_pton(AF_INET, host, &a) != 1)
		return -1;
	*ip = ntohl(a.s_addr);
	*port = (uint16_t)p;
	return 0;
}

int sp_addr_sockaddr(const char *s, struct sockaddr_in *a,
		     uint16_t default_port)
{
	uint32_t ip;
	uint16_t port;

	if (s == NULL || sp_addr_parse(s, &ip, &port, default_port) < 0)
		return -1;
	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_port = htons(port);
	a->sin_addr.s_addr = htonl(ip);
	return 0;
}

int sp_addr_is6(const char *s)
{
	const char *c = s ? strchr(s, ':') : NULL;

	return s && (s[0] == '[' || (c && strchr(c + 1, ':')));
}

int sp_addr_sockaddr6(const char *s, struct sockaddr_in6 *a,
		      uint16_t default_port)
{
	char host[INET6_ADDRSTRLEN + IF_NAMESIZE + 2], *pct, *end;
	const char *h = s, *rest = "";
	unsigned long p = default_port;
	unsigned int scope = 0;
	size_t len;

	if (s == NULL)
		return -1;
	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (close == NULL)
			return -1;
		h = s + 1;
		len = (size_t)(close - h);
		rest = close + 1;
	} else {
		len = strlen(s);   /* a bare address: no port */
	}
	if (len == 0 || len >= sizeof(host))
		return -1;
	memcpy(host, h, len);
	host[len] = '\0';
	if (*rest) {
		if (rest[0] != ':' || rest[1] == '\0')
			return -1;
		p = strtoul(rest + 1, &end, 10);
		if (*end)
			return -1;
	}
	pct = strchr(host, '%');
	if (pct) {
		*pct = '\0';
		scope = if_nametoindex(pct + 1);
		if (scope == 0)
			return -1;
	}
	memset(a, 0, sizeof(*a));
	if (p == 0 || p > 65535 || inet_pton(AF_INET6, host, &a->sin6_addr) != 1)
		return -1;
	a->sin6_family = AF_INET6;
	a->sin6_port = htons((uint16_t)p);
	a->sin6_scope_id = scope;
	return 0;
}

int sp_addr_sockaddr46(const char *s, struct sockaddr_storage *ss,
		       socklen_t *len, uint16_t default_port)
{
	struct sockaddr_in6 a6;
	struct sockaddr_in a4;

	/* by how it is written, not by trying one then the other: an error
	 * is then the error of the form the user meant */
	if (sp_addr_is6(s)) {
		if (sp_addr_sockaddr6(s, &a6, default_port) < 0)
			return -1;
		memset(ss, 0, sizeof(*ss));
		memcpy(ss, &a6, sizeof(a6));
		*len = sizeof(a6);
		return 0;
	}
	if (sp_addr_sockaddr(s, &a4, default_port) < 0)
		return -1;
	memset(ss, 0, sizeof(*ss));
	memcpy(ss, &a4, sizeof(a4));
	*len = sizeof(a4);
	return 0;
}

int sp_addr_is_loopback(const struct sockaddr *sa)
{
	const struct sockaddr_in *a4 = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)sa;

	if (sa->sa_family == AF_INET)
		return (ntohl(a4->sin_addr.s_addr) >> 24) == 127;
	if (sa->sa_family == AF_INET6)
		return IN6_IS_ADDR_LOOPBACK(&a6->sin6_addr);
	return 0;
}

int sp_addr_parse46(const char *s, struct sp_addr46 *a,
		    uint16_t default_port)
{
	struct sockaddr_in6 a6;

	if (s == NULL)
		return -1;
	memset(a, 0, sizeof(*a));
	if (!sp_addr_is6(s))
		return sp_addr_parse(s, &a->ip, &a->port, default_port);
	if (sp_addr_sockaddr6(s, &a6, default_port) < 0)
		return -1;
	a->v6 = 1;
	a->port = ntohs(a6.sin6_port);
	memcpy(a->ip6, &a6.sin6_addr, 16);
	a->scope = a6.sin6_scope_id;
	return 0;
}

int sp_addr_format46(const struct sp_addr46 *a, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN], zone[IF_NAMESIZE + 12] = "";

	if (!a->v6)
		return snprintf(buf, len, "%u.%u.%u.%u:%u", a->ip >> 24,
				(a->ip >> 16) & 0xff, (a->ip >> 8) & 0xff,
				a->ip & 0xff, a->port);
	/* glibc's inet_ntop writes RFC 5952's form (the unit test pins it) */
	if (inet_ntop(AF_INET6, a->ip6, host, sizeof(host)) == NULL)
		return -1;
	if (a->scope) {
		char name[IF_NAMESIZE];

		if (if_indextoname(a->scope, name))
			snprintf(zone, sizeof(zone), "%%%s", name);
		else
			snprintf(zone, sizeof(zone), "%%%u", a->scope);
	}
	return snprintf(buf, len, "[%s%s]:%u", host, zone, a->port);
}

int sp_addr_is_mcast46(const struct sp_addr46 *a)
{
	return a->v6 ? a->ip6[0] == 0xff : (a->ip >> 28) == 0xe;
}
