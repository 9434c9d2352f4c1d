/*
 * wsload.c - senseplane-bench-wsload, B8's load client: N WebSocket
 * connections to one senseplane-web (RFC 6455 by hand, one epoll thread),
 * each a "tab" watching 10 sensors at a mix of levels - 1 pinned (high),
 * 3 in view (medium), 6 loaded out of view (low) - and measuring the age
 * of every sample it is shown (now - the sample's time), per level.
 *
 *   wsload --connect IP:PORT --clients N --sensors S --seconds T
 *          [--attrs LIST] [--seed N] [--warmup S]
 *
 * Prints one JSON object: clients open, messages, samples, frames, bytes,
 * and per level the age p50/p99/max in ms (after --warmup, live samples
 * only: history replayed when a level rises is old on purpose) and the
 * message count.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sp_addr.h"
#include "sp_histo.h"
#include "sp_time.h"

#define NLVL 4
static const char *const lvl_name[NLVL] = { "none", "low", "medium", "high" };

struct conn {
	int fd, open, hello;
	uint8_t *buf;
	size_t len, cap;
	uint64_t sensors[10];
};

struct totals {
	uint64_t msgs, samples, frames, bytes, bad;
	uint64_t by_lvl[NLVL];
	uint64_t measure_from;     /* ns: ages after the warm-up only */
	struct sp_histo age[NLVL];
};

/* A masked text frame (clients must mask, RFC 6455 5.3). */
static int send_text(int fd, const char *s)
{
	size_t n = strlen(s), h = 0;
	uint8_t hdr[14], mask[4] = { 0x12, 0x34, 0x56, 0x78 };
	uint8_t *out = malloc(n + 14);
	ssize_t w;

	if (out == NULL)
		return -1;
	hdr[h++] = 0x81;
	if (n < 126) {
		hdr[h++] = 0x80 | (uint8_t)n;
	} else {
		hdr[h++] = 0x80 | 126;
		hdr[h++] = (uint8_t)(n >> 8);
		hdr[h++] = (uint8_t)n;
	}
	memcpy(hdr + h, mask, 4);
	h += 4;
	memcpy(out, hdr, h);
	for (size_t i = 0; i < n; i++)
		out[h + i] = (uint8_t)s[i] ^ mask[i % 4];
	w = send(fd, out, h + n, MSG_NOSIGNAL);
	free(out);
	return w == (ssize_t)(h + n) ? 0 : -1;
}

static void report(struct conn *c, const char *attrs)
{
	char msg[16384], a[256];
	size_t len = 0;
	const char *lists[3] = { "loaded", "visible", "pinned" };

	len += (size_t)snprintf(msg + len, sizeof(msg) - len, "{\"t\":\"view\"");
	for (int l = 0; l < 3; l++) {
		int first = 1;
		/* loaded: all 10; visible: 1..3 (medium) and 0 (pinned is
		 * high anyway); pinned: 0 */
		int hi = l == 0 ? 10 : l == 1 ? 4 : 1;

		len += (size_t)snprintf(msg + len, sizeof(msg) - len,
					",\"%s\":[", lists[l]);
		for (int i = 0; i < hi; i++) {
			snprintf(a, sizeof(a), "%s", attrs);
			for (char *tok = strtok(a, ","); tok;
			     tok = strtok(NULL, ",")) {
				len += (size_t)snprintf(msg + len,
					sizeof(msg) - len, "%s\"%" PRIu64
					"/%s\"", first ? "" : ",",
					c->sensors[i], tok);
				first = 0;
			}
		}
		len += (size_t)snprintf(msg + len, sizeof(msg) - len, "]");
	}
	snprintf(msg + len, sizeof(msg) - len, ",\"focus\":null}");
	send_text(c->fd, msg);
}

static const char *skip_str(const char *p, const char *end)
{
	if (p >= end || *p != '"')
		return NULL;
	for (p++; p < end && *p != '"'; p++)
		;
	return p < end ? p + 1 : NULL;
}

/* {"t":"d","m":[[s,"attr",t0,dt,dim,[v...],"how",q,"lvl"],...]} */
static void data_frame(struct totals *t, const char *p, const char *end,
		       uint64_t now)
{
	p = memmem(p, (size_t)(end - p), "\"m\":[", 5);
	if (p == NULL)
		return;
	for (p += 5; p < end && *p == '['; ) {
		double t0, dt;
		unsigned long dim, nv = 1;
		const char *lv, *how;
		char *e;
		int l;

		strtoull(p + 1, &e, 10);
		p = skip_str(e + 1, end);
		if (p == NULL)
			goto bad;
		t0 = strtod(p + 1, &e);
		dt = strtod(e + 1, &e);
		dim = strtoul(e + 1, &e, 10);
		p = e + 2;   /* past ",[" */
		if (*p == ']')
			nv = 0;
		for (; p < end && *p != ']'; p++)
			nv += *p == ',';
		how = p + 2;
		p = skip_str(p + 2, end);             /* how */
		if (p == NULL)
			goto bad;
		strtoul(p + 1, &e, 10);                /* quality */
		lv = e + 1;
		p = skip_str(lv, end);
		if (p == NULL)
			goto bad;
		for (l = 0; l < NLVL; l++)
			if (strncmp(lv + 1, lvl_name[l], strlen(lvl_name[l]))
			    == 0 && lv[1 + strlen(lvl_name[l])] == '"')
				break;
		if (l == NLVL)
			goto bad;
		{
			uint64_t ns = dim ? nv / dim : 0;
			double last = t0 + (ns ? (double)(ns - 1) : 0) * dt;
			double age = (double)now / 1e6 - last;

			t->msgs++;
			t->samples += ns;
			t->by_lvl[l]++;
			/* the age of what is current: not history replayed
			 * on purpose, nor before the warm-up is over */
			if (now >= t->measure_from &&
			    strncmp(how, "\"backfill\"", 10) != 0 &&
			    strncmp(how, "\"history\"", 9) != 0)
				sp_histo_add(&t->age[l], age > 0 ?
					     (uint64_t)(age * 1e6) : 0);
		}
		p++;   /* the message's ']' */
		if (p < end && *p == ',')
			p++;
	}
	return;
bad:
	t->bad++;
}

/* Frames in @p c's buffer; @return 0, or -1 to close. */
static int frames(struct conn *c, struct totals *t, const char *attrs)
{
	size_t off = 0;

	for (;;) {
		uint8_t *b = c->buf + off;
		size_t avail = c->len - off, h = 2;
		uint64_t n;

		if (avail < 2)
			break;
		n = b[1] & 0x7f;
		if (n == 126) {
			if (avail < 4)
				break;
			n = (uint64_t)b[2] << 8 | b[3];
			h = 4;
		} else if (n == 127) {
			if (avail < 10)
				break;
			n = 0;
			for (int i = 0; i < 8; i++)
				n = n << 8 | b[2 + i];
			h = 10;
		}
		if (avail < h + n)
			break;
		if ((b[0] & 0x0f) == 8)
			return -1;
		if ((b[0] & 0x0f) == 1) {
			const char *p = (const char *)b + h;

			t->frames++;
			t->bytes += n;
			if (n > 10 && memcmp(p, "{\"t\":\"d\"", 8) == 0)
				data_frame(t, p, p + n, sp_wall_ns());
			else if (!c->hello && memmem(p, n, "\"hello\"", 7)) {
				c->hello = 1;
				report(c, attrs);
			}
		}
		off += h + n;
	}
	memmove(c->buf, c->buf + off, c->len - off);
	c->len -= off;
	return 0;
}

static int on_readable(struct conn *c, struct totals *t, const char *attrs)
{
	for (;;) {
		ssize_t r;

		if (c->cap - c->len < 65536) {
			size_t cap = c->cap ? c->cap * 2 : 262144;
			uint8_t *nb = realloc(c->buf, cap);

			if (nb == NULL)
				return -1;
			c->buf = nb;
			c->cap = cap;
		}
		r = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
		if (r == 0)
			return -1;
		if (r < 0)
			return errno == EAGAIN ? 0 : -1;
		c->len += (size_t)r;
		if (!c->open) {
			uint8_t *e = memmem(c->buf, c->len, "\r\n\r\n", 4);

			if (e == NULL)
				continue;
			if (memmem(c->buf, (size_t)(e - c->buf), " 101 ", 5)
			    == NULL)
				return -1;
			c->open = 1;
			memmove(c->buf, e + 4, c->len - (size_t)(e + 4 - c->buf));
			c->len -= (size_t)(e + 4 - c->buf);
		}
		if (frames(c, t, attrs) < 0)
			return -1;
	}
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "connect", 1, NULL, 'c' }, { "clients", 1, NULL, 'n' },
		{ "sensors", 1, NULL, 's' }, { "seconds", 1, NULL, 't' },
		{ "attrs", 1, NULL, 'a' }, { "seed", 1, NULL, 'S' },
		{ "warmup", 1, NULL, 'w' },
		{ "help", 0, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	const char *to = NULL, *attrs = "heartrate,temperature,humidity,"
					"battery,accelerometer";
	unsigned int nc = 100, ns = 1000, seed = 1;
	double secs = 10, warmup = 0;
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct epoll_event ev[256];
	static struct totals tot;
	struct conn *cs;
	uint64_t end;
	uint32_t ip;
	uint16_t port;
	int ep, c, open = 0;

	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'c': to = optarg; break;
		case 'n': nc = (unsigned int)atoi(optarg); break;
		case 's': ns = (unsigned int)atoi(optarg); break;
		case 't': secs = atof(optarg); break;
		case 'a': attrs = optarg; break;
		case 'S': seed = (unsigned int)atoi(optarg); break;
		case 'w': warmup = atof(optarg); break;
		default:
			fprintf(stderr, "usage: senseplane-bench-wsload --connect "
				"IP:PORT --clients N --sensors S --seconds T "
				"[--attrs LIST] [--seed N]\n");
			return c == 'h' ? 0 : 2;
		}
	}
	if (to == NULL || sp_addr_parse(to, &ip, &port, 0) < 0 || nc == 0 ||
	    ns < 10) {
		fprintf(stderr, "wsload: --connect IP:PORT, --clients >= 1, "
			"--sensors >= 10\n");
		return 2;
	}
	sa.sin_port = htons(port);
	sa.sin_addr.s_addr = htonl(ip);
	srand(seed);
	cs = calloc(nc, sizeof(*cs));
	ep = epoll_create1(0);
	for (unsigned int i = 0; i < nc; i++) {
		char req[512];
		int one = 1;

		for (int k = 0; k < 10; k++) {
			uint64_t s;
			int dup;

			do {   /* 10 distinct sensors */
				s = 1 + (uint64_t)rand() % ns;
				dup = 0;
				for (int j = 0; j < k; j++)
					dup |= cs[i].sensors[j] == s;
			} while (dup);
			cs[i].sensors[k] = s;
		}
		cs[i].fd = socket(AF_INET, SOCK_STREAM, 0);
		setsockopt(cs[i].fd, IPPROTO_TCP, TCP_NODELAY, &one,
			   sizeof(one));
		if (connect(cs[i].fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			fprintf(stderr, "wsload: connect %s: %s\n", to,
				strerror(errno));
			return 1;
		}
		snprintf(req, sizeof(req), "GET / HTTP/1.1\r\nHost: %s\r\n"
			 "Upgrade: websocket\r\nConnection: Upgrade\r\n"
			 "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
			 "Sec-WebSocket-Version: 13\r\n"
			 "Sec-WebSocket-Protocol: senseplane\r\n\r\n", to);
		send(cs[i].fd, req, strlen(req), MSG_NOSIGNAL);
		fcntl(cs[i].fd, F_SETFL, O_NONBLOCK);
		ev[0] = (struct epoll_event){ .events = EPOLLIN,
					      .data.ptr = &cs[i] };
		epoll_ctl(ep, EPOLL_CTL_ADD, cs[i].fd, &ev[0]);
	}
	end = sp_wall_ns() + (uint64_t)(secs * 1e9);
	tot.measure_from = sp_wall_ns() + (uint64_t)(warmup * 1e9);
	while (sp_wall_ns() < end) {
		int n = epoll_wait(ep, ev, 256, 100);

		for (int i = 0; i < n; i++) {
			struct conn *x = ev[i].data.ptr;

			if (on_readable(x, &tot, attrs) < 0) {
				epoll_ctl(ep, EPOLL_CTL_DEL, x->fd, NULL);
				close(x->fd);
				x->fd = -1;
			}
		}
	}
	for (unsigned int i = 0; i < nc; i++)
		open += cs[i].fd >= 0 && cs[i].hello;
	printf("{\"clients\": %u, \"open\": %d, \"msgs\": %" PRIu64
	       ", \"samples\": %" PRIu64 ", \"frames\": %" PRIu64
	       ", \"bytes\": %" PRIu64 ", \"bad\": %" PRIu64, nc, open,
	       tot.msgs, tot.samples, tot.frames, tot.bytes, tot.bad);
	for (int l = 1; l < NLVL; l++)
		printf(", \"%s\": {\"msgs\": %" PRIu64 ", \"age_p50_ms\": %.2f,"
		       " \"age_p99_ms\": %.2f, \"age_max_ms\": %.2f}",
		       lvl_name[l], tot.by_lvl[l],
		       sp_histo_pct(&tot.age[l], 50) / 1e6,
		       sp_histo_pct(&tot.age[l], 99) / 1e6,
		       tot.age[l].max_ns / 1e6);
	printf("}\n");
	return 0;
}
