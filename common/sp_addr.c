/*
 * sp_addr.c - IPv4:PORT parsing (see sp_addr.h).
 */
#include "sp_addr.h"

#include <arpa/inet.h>
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
