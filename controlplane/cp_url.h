/*
 * cp_url.h - where Redis is: "redis://[user:password@]host:port/db",
 * "unix:///path/to/redis.sock[?db=N]" (user/password as in redis://), or
 * "sentinel://[user:password@]host:port,host:port/master-name" (the
 * Sentinels are asked for the master; user/password are the master's).
 */
#ifndef CP_URL_H
#define CP_URL_H

#include <stddef.h>

#define CP_URL_MAX_SENTINELS 8

enum cp_url_kind { CP_URL_TCP, CP_URL_UNIX, CP_URL_SENTINEL };

struct cp_url {
	enum cp_url_kind kind;
	char host[128];
	int port;
	char path[256];
	char user[64];
	char pass[128];
	int db;
	int nsentinels;
	char sentinel_host[CP_URL_MAX_SENTINELS][128];
	int sentinel_port[CP_URL_MAX_SENTINELS];
	char master[64];
};

/** Parse @p s. @return 0, or -1 with @p err saying what is wrong. */
int cp_url_parse(const char *s, struct cp_url *u, char *err, size_t errlen);

/** The URL without its password, for logs. */
void cp_url_print(const struct cp_url *u, char *buf, size_t len);

#endif /* CP_URL_H */
