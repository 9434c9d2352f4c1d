/*
 * sp_ctl.c - control protocol client (see sp_ctl.h).
 */
#include "sp_ctl.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define TIMEOUT_MS 5000
#define MAX_RESPONSE (64u << 20)

struct sp_ctl {
	int fd;
	char *buf;          /* bytes read past the last response */
	size_t len, cap;
};

struct sp_ctl *sp_ctl_open(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct sp_ctl *c;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "%s: socket path too long", path);
		return NULL;
	}
	strcpy(sa.sun_path, path);
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sa,
				 sizeof(sa)) < 0) {
		snprintf(err, errlen, "cannot connect to the dataplane at %s: "
			 "%s (is senseplane-dp running? --socket)", path,
			 strerror(errno));
		sp_ctl_close(c);
		return NULL;
	}
	return c;
}

void sp_ctl_close(struct sp_ctl *c)
{
	if (c == NULL)
		return;
	if (c->fd >= 0)
		close(c->fd);
	free(c->buf);
	free(c);
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Read until a newline; @return its offset in c->buf, or -1. */
static long read_line(struct sp_ctl *c, char *err, size_t errlen)
{
	for (;;) {
		char *nl = c->len ? memchr(c->buf, '\n', c->len) : NULL;
		struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
		ssize_t r;

		if (nl)
			return nl - c->buf;
		if (c->len + 65536 > c->cap) {
			size_t cap = c->cap ? c->cap * 2 : 131072;
			char *nb = cap <= MAX_RESPONSE ? realloc(c->buf, cap)
						       : NULL;

			if (nb == NULL) {
				snprintf(err, errlen, "response too large");
				return -1;
			}
			c->buf = nb;
			c->cap = cap;
		}
		if (poll(&pfd, 1, TIMEOUT_MS) <= 0) {
			snprintf(err, errlen, "no answer from the dataplane in "
				 "%d ms", TIMEOUT_MS);
			return -1;
		}
		r = read(c->fd, c->buf + c->len, c->cap - c->len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			snprintf(err, errlen, "the dataplane closed the "
				 "connection");
			return -1;
		}
		c->len += (size_t)r;
	}
}

json_t *sp_ctl_call(struct sp_ctl *c, char *err, size_t errlen,
		    const char *fmt, ...)
{
	char line[4096];
	json_error_t je;
	json_t *resp;
	va_list ap;
	long nl;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line) - 1 || strchr(line, '\n')) {
		snprintf(err, errlen, "request too long or with a newline");
		return NULL;
	}
	line[n++] = '\n';
	if (write_all(c->fd, line, (size_t)n) < 0) {
		snprintf(err, errlen, "cannot send to the dataplane: %s",
			 strerror(errno));
		return NULL;
	}
	nl = read_line(c, err, errlen);
	if (nl < 0)
		return NULL;
	resp = json_loadb(c->buf, (size_t)nl, 0, &je);
	memmove(c->buf, c->buf + nl + 1, c->len - (size_t)nl - 1);
	c->len -= (size_t)nl + 1;
	if (resp == NULL || !json_is_object(resp)) {
		snprintf(err, errlen, "the dataplane's answer is not JSON: %s",
			 je.text);
		json_decref(resp);
		return NULL;
	}
	return resp;
}

const char *sp_ctl_error(const json_t *resp)
{
	if (json_is_true(json_object_get(resp, "ok")))
		return NULL;
	return json_string_value(json_object_get(resp, "error"))
		       ?: "request failed";
}
