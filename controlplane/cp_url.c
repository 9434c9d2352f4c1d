/*
 * cp_url.c - Redis URL parsing (see cp_url.h).
 */
#include "cp_url.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int host_port(const char *s, char *host, size_t hlen, int *port,
		     int dport)
{
	const char *colon = strrchr(s, ':');
	char *end;
	long p = dport;
	size_t n = colon ? (size_t)(colon - s) : strlen(s);

	if (n == 0 || n >= hlen)
		return -1;
	memcpy(host, s, n);
	host[n] = '\0';
	if (colon) {
		p = strtol(colon + 1, &end, 10);
		if (colon[1] == '\0' || *end || p <= 0 || p > 65535)
			return -1;
	}
	*port = (int)p;
	return 0;
}

/* "user:password@" or "password@" or ":password@" before the rest. */
static const char *credentials(const char *s, struct cp_url *u)
{
	const char *at = strchr(s, '@'), *colon;

	if (at == NULL)
		return s;
	colon = memchr(s, ':', (size_t)(at - s));
	if (colon) {
		snprintf(u->user, sizeof(u->user), "%.*s", (int)(colon - s), s);
		snprintf(u->pass, sizeof(u->pass), "%.*s",
			 (int)(at - colon - 1), colon + 1);
	} else {
		snprintf(u->pass, sizeof(u->pass), "%.*s", (int)(at - s), s);
	}
	return at + 1;
}

int cp_url_parse(const char *s, struct cp_url *u, char *err, size_t errlen)
{
	char buf[512], *slash, *tok, *save = NULL;
	const char *rest;

	memset(u, 0, sizeof(*u));
	if (strncmp(s, "redis://", 8) == 0) {
		u->kind = CP_URL_TCP;
		rest = credentials(s + 8, u);
		snprintf(buf, sizeof(buf), "%s", rest);
		slash = strchr(buf, '/');
		if (slash) {
			*slash++ = '\0';
			u->db = *slash ? atoi(slash) : 0;
		}
		if (host_port(buf, u->host, sizeof(u->host), &u->port,
			      6379) < 0)
			goto bad;
		return 0;
	}
	if (strncmp(s, "unix://", 7) == 0) {
		u->kind = CP_URL_UNIX;
		rest = credentials(s + 7, u);
		snprintf(buf, sizeof(buf), "%s", rest);
		tok = strstr(buf, "?db=");
		if (tok) {
			u->db = atoi(tok + 4);
			*tok = '\0';
		}
		if (buf[0] != '/' || strlen(buf) >= sizeof(u->path))
			goto bad;
		strcpy(u->path, buf);
		return 0;
	}
	if (strncmp(s, "sentinel://", 11) == 0) {
		u->kind = CP_URL_SENTINEL;
		rest = credentials(s + 11, u);
		snprintf(buf, sizeof(buf), "%s", rest);
		slash = strchr(buf, '/');
		if (slash == NULL || slash[1] == '\0' ||
		    strlen(slash + 1) >= sizeof(u->master))
			goto bad;
		*slash++ = '\0';
		strcpy(u->master, slash);
		for (tok = strtok_r(buf, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			if (u->nsentinels == CP_URL_MAX_SENTINELS ||
			    host_port(tok, u->sentinel_host[u->nsentinels],
				      sizeof(u->sentinel_host[0]),
				      &u->sentinel_port[u->nsentinels],
				      26379) < 0)
				goto bad;
			u->nsentinels++;
		}
		if (u->nsentinels == 0)
			goto bad;
		return 0;
	}
bad:
	snprintf(err, errlen, "Redis URL '%s': expected redis://[user:pass@]"
		 "host:port/db, unix:///path[?db=N] or sentinel://host:port,"
		 "host:port/master", s);
	return -1;
}

void cp_url_print(const struct cp_url *u, char *buf, size_t len)
{
	const char *who = u->user[0] ? u->user : "";
	const char *at = u->user[0] || u->pass[0] ? "@" : "";

	switch (u->kind) {
	case CP_URL_TCP:
		snprintf(buf, len, "redis://%s%s%s:%d/%d", who, at, u->host,
			 u->port, u->db);
		break;
	case CP_URL_UNIX:
		snprintf(buf, len, "unix://%s%s%s", who, at, u->path);
		break;
	case CP_URL_SENTINEL:
		snprintf(buf, len, "sentinel://%s%s%s:%d/%s (%d sentinels)",
			 who, at, u->sentinel_host[0], u->sentinel_port[0],
			 u->master, u->nsentinels);
		break;
	}
}
