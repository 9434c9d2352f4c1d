/*
 * spl_handle.c - libsenseplane's handle: sockets, the receive path,
 * in-order delivery through spl_seq, re-requests, history fill, pull mode
 * (see senseplane.h). Not named after the public header: senseplane.h is
 * the interface this file, spl_summary.c and spl_attn.c implement, and
 * the parts' shared inside (spl_core.h) includes it, so the header is a
 * module below them all rather than this file's own.
 */
#define _GNU_SOURCE
#include "spl_core.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sp_addr.h"
#include "sp_rereq.h"
#include "sp_time.h"
#include "spl_attn.h"
#include "spl_fail.h"

#ifndef SP_CATALOG_DEFAULT
#define SP_CATALOG_DEFAULT "/etc/senseplane/attributes.conf"
#endif
#ifndef SP_VERSION_STR
#define SP_VERSION_STR "0"
#endif

/* Reads per descriptor per process() call: a busy feed cannot starve
 * the others or the timers. */
#define SPL_MAX_READS 64

/* create() has no handle to put its error on: like dlerror(), per thread */
static __thread char g_create_err[SPL_ERR];

const char *senseplane_errmsg(const struct senseplane *v)
{
	return v ? v->err : g_create_err;
}

const char *senseplane_last_error(void)
{
	return g_create_err;
}

const char *senseplane_version(void)
{
	return SP_VERSION_STR;
}

/* --- delivery ------------------------------------------------------- */

static int queue_push(struct spl_queue *q, const struct senseplane_msg *m,
		      size_t vlen)
{
	if (q->n == 0) {
		q->head = 0;
		q->vlen = 0;
	}
	if (q->head + q->n == q->cap) {
		uint32_t cap = q->cap ? q->cap * 2 : 256;
		struct senseplane_msg *nm = realloc(q->msgs, cap * sizeof(*nm));

		if (nm == NULL)
			return -1;
		q->msgs = nm;
		q->cap = cap;
	}
	if (q->vlen + vlen > q->vcap) {
		size_t cap = q->vcap ? q->vcap : 65536;
		uint8_t *nv;

		while (cap < q->vlen + vlen)
			cap *= 2;
		nv = realloc(q->vals, cap);
		if (nv == NULL)
			return -1;
		q->vals = nv;
		q->vcap = cap;
	}
	memcpy(q->vals + q->vlen, m->values, vlen);
	q->msgs[q->head + q->n] = *m;
	/* an offset until read: the arena may move when it grows */
	q->msgs[q->head + q->n].values = (const uint8_t *)(uintptr_t)q->vlen;
	q->vlen += vlen;
	q->n++;
	return 0;
}

static void emit(struct senseplane *v, struct senseplane_msg *m)
{
	const struct sp_attr *a = sp_catalog_get(&v->cat, m->attr_id);

	m->attr_name = a ? a->name : NULL;
	v->delivered++;
	if (v->p.on_msg) {
		v->p.on_msg(v->p.ctx, m);
		return;
	}
	if (queue_push(&v->q, m, (size_t)m->nsamp * m->dim *
		       sp_vtype_size(m->vtype)) < 0)
		v->lost_events++;   /* out of memory: counted, not hidden */
}

static void fill_rec(struct senseplane_msg *o, const struct sp_record *r)
{
	o->attr_id = r->attr_id;
	o->vtype = r->vtype;
	o->dim = r->dim;
	o->nsamp = r->nsamp;
	o->t0_ns = r->t0_ns;
	o->dt_ns = r->dt_ns;
	o->values = r->values;
}

/* Messages [first, first + n) of a feed packet, in order (spl_seq). */
static void cb_deliver(void *ctx, struct spl_feed *f,
		       const struct sp_feed_hdr *h, const uint8_t *p,
		       size_t len, unsigned int first, unsigned int n,
		       enum spl_how how, uint64_t now)
{
	struct senseplane *v = ctx;
	struct sp_feed_msg m;
	unsigned int i = 0;
	size_t off = 0;

	while (sp_feed_next(p, len, &off, &m)) {
		struct senseplane_msg o = { 0 };
		struct spl_key *k;
		uint32_t skipped = 0;

		if (i++ < first)
			continue;
		if (i > first + n)
			break;
		if (v->p.only_first && (m.sensor_id < v->p.only_first ||
					m.sensor_id > v->p.only_last))
			continue;
		k = spl_keys_msg(&v->keys, &m, now, &v->digest,
			!!(h->flags & (SP_FF_BACKFILL | SP_FF_RETRANS)),
			&skipped);
		if (k)
			k->feed_slot = (uint16_t)(f - v->seq.feeds);
		spl_seq_msg(f, h, &m, now);
		if (m.sensor_id < v->sensor_min || !v->sensor_min)
			v->sensor_min = m.sensor_id;
		if (m.sensor_id > v->sensor_max)
			v->sensor_max = m.sensor_id;
		v->samples += m.rec.nsamp;
		o.session = h->session;
		o.feed_id = h->feed_id;
		o.flags = h->flags;
		o.how = how == SPL_RECOVERED ? SENSEPLANE_RECOVERED :
			how == SPL_LATE ? SENSEPLANE_LATE : SENSEPLANE_LIVE;
		o.seq = h->seq + i - 1;
		o.sensor_id = m.sensor_id;
		o.quality = m.quality;
		o.version = m.version;
		o.skipped = skipped;
		o.recv_ns = now;
		fill_rec(&o, &m.rec);
		emit(v, &o);
	}
}

/* Ask the feed's sender for [seq, seq + count) again (PROTOCOL.md 3). */
static void cb_request(void *ctx, struct spl_feed *f, uint64_t seq,
		       uint16_t count)
{
	struct senseplane *v = ctx;
	struct sp_rereq rq = { .feed_id = f->feed_id, .count = count,
			       .session = f->session, .seq = seq };
	uint16_t port = v->p.rereq_port ? v->p.rereq_port : SP_REREQ_PORT;
	struct sockaddr_in to = { .sin_family = AF_INET,
				  .sin_port = htons(port),
				  .sin_addr.s_addr = f->src_ip };
	uint8_t buf[SP_REREQ_LEN];

	if (v->rfd < 0 || f->src_ip == 0)
		return;
	sp_rereq_encode(buf, &rq);
	if (sendto(v->rfd, buf, sizeof(buf), 0, (struct sockaddr *)&to,
		   sizeof(to)) == (ssize_t)sizeof(buf))
		v->rereq_bytes += sizeof(buf);
}

static void history_emit(void *ctx, struct spl_key *k, uint32_t version,
			 const struct sp_record *one)
{
	struct senseplane *v = ctx;
	struct senseplane_msg o = { 0 };

	o.how = SENSEPLANE_HISTORY;
	o.sensor_id = k->sensor;
	o.version = version;
	o.recv_ns = sp_wall_ns();
	fill_rec(&o, one);
	v->samples += one->nsamp;
	emit(v, &o);
}

static void cb_lost(void *ctx, struct spl_feed *f, uint64_t lo, uint64_t hi,
		    enum spl_lost_reason why)
{
	struct senseplane *v = ctx;
	struct senseplane_loss l = {
		.session = f->session, .feed_id = f->feed_id,
		.reason = why == SPL_LOST_GONE ? SENSEPLANE_LOSS_GONE :
						 SENSEPLANE_LOSS_NOANSWER,
		.first_seq = lo, .end_seq = hi,
	};

	v->lost_events++;
	if (v->ctl)
		l.history_samples = spl_fill_history(v->ctl, &v->keys,
			&v->digest, (uint16_t)(f - v->seq.feeds), &v->fill,
			history_emit, v);
	if (v->p.on_loss)
		v->p.on_loss(v->p.ctx, &l);
}

static struct spl_seq_ops seq_ops(struct senseplane *v)
{
	return (struct spl_seq_ops){ cb_deliver, cb_request, cb_lost, v };
}

int senseplane_input(struct senseplane *v, const void *pkt, size_t len,
		     uint32_t src_ip, uint16_t src_port, uint64_t now)
{
	struct spl_seq_ops ops = seq_ops(v);
	uint64_t before = v->delivered;
	struct sp_feed_hdr h;
	enum sp_feed_err e = sp_feed_decode(pkt, len, &h);

	v->packets++;
	if (e != SP_FEED_E_OK) {
		v->bad_packets++;
		v->bad[e]++;
		return spl_fail(v, EBADMSG, "malformed feed packet (%s)",
				sp_feed_err_name(e));
	}
	if (spl_seq_packet(&v->seq, &h, pkt, len, now ? now : sp_wall_ns(),
			   src_ip, src_port, &ops) == NULL)
		return spl_fail(v, ENOSPC, "more than %d feeds",
				SPL_MAX_FEEDS);
	return (int)(v->delivered - before);
}

/* --- handle --------------------------------------------------------- */

static int epoll_add(struct senseplane *v, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	return epoll_ctl(v->epfd, EPOLL_CTL_ADD, fd, &ev);
}

static struct senseplane *create_fail(struct senseplane *v, int code)
{
	snprintf(g_create_err, sizeof(g_create_err), "%s", v->err);
	senseplane_free(v);
	errno = code;
	return NULL;
}

struct senseplane *senseplane_create(const struct senseplane_params *p)
{
	static const struct senseplane_params none;
	struct senseplane *v = calloc(1, sizeof(*v));
	const char *cat;

	if (v == NULL) {
		snprintf(g_create_err, sizeof(g_create_err), "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	v->p = p ? *p : none;
	v->epfd = v->rfd = -1;
	/* the caller's strings are needed during create only: what is used
	 * later is copied (a binding's temporary string may be gone) */
	if (v->p.iface_addr) {
		snprintf(v->iface, sizeof(v->iface), "%s", v->p.iface_addr);
		v->p.iface_addr = v->iface;
	}

	if (v->p.only_first > v->p.only_last) {
		spl_fail(v, EINVAL, "only_first %llu > only_last %llu",
			 (unsigned long long)v->p.only_first,
			 (unsigned long long)v->p.only_last);
		return create_fail(v, EINVAL);
	}
	/* the installed catalogue is optional (names only; not installed,
	 * the built-in one); one asked for must load */
	cat = v->p.catalog ? v->p.catalog :
	      sp_catalog_default(SP_CATALOG_DEFAULT);
	if (sp_catalog_load(&v->cat, cat, v->err, sizeof(v->err)) < 0) {
		if (v->p.catalog)
			return create_fail(v, ENOENT);
		memset(&v->cat, 0, sizeof(v->cat));
		v->err[0] = '\0';
	}
	v->bufs = malloc(SPL_BATCH * sizeof(*v->bufs));
	/* touched now, all of them: a recvmmsg fills as many buffers as
	 * datagrams are waiting, so the first stall that let 32 queue up
	 * would touch ~110 KB more at once, a step in resident memory hours
	 * in (the soak saw one at minute 5) */
	for (size_t i = 0; v->bufs && i < SPL_BATCH * sizeof(*v->bufs);
	     i += 4096)   /* volatile: a memset after malloc becomes calloc */
		((volatile uint8_t *)v->bufs)[i] = 0;
	v->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (v->bufs == NULL || v->epfd < 0 || spl_keys_init(&v->keys) < 0) {
		spl_fail(v, ENOMEM, "out of memory or descriptors");
		return create_fail(v, ENOMEM);
	}
	v->keys.dedup = v->p.dedup;
	if (!v->p.no_rereq) {
		int one = 1;

		/* re-requests go out, and their answers come back, here */
		v->rfd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC |
				SOCK_NONBLOCK, 0);
		if (v->rfd >= 0)
			setsockopt(v->rfd, SOL_SOCKET, SO_TIMESTAMPNS, &one,
				   sizeof(one));
		if (v->rfd < 0 || epoll_add(v, v->rfd) < 0) {
			spl_fail(v, errno, "re-request socket: %s",
				 strerror(errno));
			return create_fail(v, EMFILE);
		}
	}
	if (v->p.control) {
		v->ctl = sp_ctl_open(v->p.control, v->err, sizeof(v->err));
		if (v->ctl == NULL)
			return create_fail(v, ENOENT);
	}
	if (v->p.redis) {
		v->attn = spl_attn_open(v->p.redis, v->p.redis_prefix,
					v->err, sizeof(v->err));
		if (v->attn == NULL)
			return create_fail(v, ECONNREFUSED);
	}
	/* from here on only the copies */
	v->p.control = v->p.redis = v->p.redis_prefix = v->p.catalog = NULL;
	return v;
}

/* Tell the dataplane this handle reads @p addr (`join`, a lease it renews
 * while it runs). @return 1 leased, 0 always sent, -1 failed. */
static int lease(struct senseplane *v, const char *addr)
{
	char err[SPL_ERR];
	json_t *r = sp_ctl_call(v->ctl, err, sizeof(err), "join %s ttl=%u",
				addr, SPL_LEASE_MS);
	int rc = r && !sp_ctl_error(r) ?
		 !json_is_true(json_object_get(r, "always")) : -1;

	if (rc < 0)
		v->lease_errors++;
	json_decref(r);
	return rc;
}

static void leases_renew(struct senseplane *v, uint64_t now)
{
	if (!v->nleased || now < v->lease_ns + SPL_LEASE_RENEW_NS)
		return;
	v->lease_ns = now;
	for (unsigned int i = 0; i < v->nleased; i++)
		lease(v, v->leased[i]);
}

void senseplane_free(struct senseplane *v)
{
	if (v == NULL)
		return;
	for (unsigned int i = 0; i < v->nleased; i++) {
		char err[SPL_ERR];

		json_decref(sp_ctl_call(v->ctl, err, sizeof(err), "leave %s",
					v->leased[i]));
	}
	for (unsigned int i = 0; i < v->nsocks; i++)
		close(v->socks[i]);
	if (v->rfd >= 0)
		close(v->rfd);
	if (v->epfd >= 0)
		close(v->epfd);
	sp_ctl_close(v->ctl);
	spl_attn_close(v->attn);
	spl_keys_free(&v->keys);
	spl_seq_free(&v->seq);
	free(v->q.msgs);
	free(v->q.vals);
	free(v->bufs);
	free(v);
}

int senseplane_join(struct senseplane *v, const char *addr)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct ip_mreq mr;
	int one = 1, rcvbuf = 16 << 20, fd;
	uint32_t ip;
	uint16_t port;

	if (addr == NULL || sp_addr_parse(addr, &ip, &port, 0) < 0)
		return spl_fail(v, EINVAL, "'%s': expected GROUP:PORT, e.g. "
				"239.77.0.1:7500", addr ? addr : "(null)");
	if (v->nsocks == SPL_MAX_JOINS)
		return spl_fail(v, ENOSPC, "at most %d feeds a handle",
				SPL_MAX_JOINS);
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(ip);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return spl_fail(v, errno, "socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)&a, sizeof(a)) < 0) {
		int e = errno;

		close(fd);
		return spl_fail(v, e, "bind %s: %s", addr, strerror(e));
	}
	memset(&mr, 0, sizeof(mr));
	mr.imr_multiaddr = a.sin_addr;
	if (v->p.iface_addr && inet_pton(AF_INET, v->p.iface_addr,
					 &mr.imr_interface) != 1) {
		close(fd);
		return spl_fail(v, EINVAL, "iface_addr '%s': not an IPv4 "
				"address", v->p.iface_addr);
	}
	if (IN_MULTICAST(ip) && setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP,
					   &mr, sizeof(mr)) < 0) {
		int e = errno;

		close(fd);
		if (e == ENODEV && v->p.iface_addr)
			return spl_fail(v, e, "join %s: no interface of this "
					"host has the address %s", addr,
					v->p.iface_addr);
		return spl_fail(v, e, "join %s: %s", addr, strerror(e));
	}
	if (epoll_add(v, fd) < 0) {
		int e = errno;

		close(fd);
		return spl_fail(v, e, "epoll: %s", strerror(e));
	}
	v->socks[v->nsocks++] = fd;
	/* the dataplane may send a tier or sensor feed only while someone
	 * reads it: say so (a lease, renewed in process()) */
	if (v->ctl && lease(v, addr) == 1) {
		snprintf(v->leased[v->nleased++], sizeof(v->leased[0]), "%s",
			 addr);
		v->lease_ns = sp_wall_ns();
	}
	return 0;
}

int senseplane_fd(const struct senseplane *v)
{
	return v->epfd;
}

int senseplane_pending(const struct senseplane *v)
{
	for (unsigned int i = 0; i < v->seq.n; i++)
		if (v->seq.feeds[i].ngaps || v->seq.feeds[i].nheld)
			return 1;
	return 0;
}

int senseplane_timeout_ms(const struct senseplane *v)
{
	/* re-requests time out in round trips: 1 ms while a gap is open;
	 * leases are renewed every second */
	if (senseplane_pending(v))
		return 1;
	return v->nleased ? 1000 : -1;
}

/* When @p m reached this host: the kernel's receive stamp
 * (SO_TIMESTAMPNS, CLOCK_REALTIME) when the socket gives one, so that ages
 * and gap timers do not carry this program's own scheduling; else, or if
 * the stamp is not before @p read_ns, the time it was read. */
static uint64_t arrival_ns(struct msghdr *m, uint64_t read_ns)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
		struct timespec ts;
		uint64_t t;

		if (c->cmsg_level != SOL_SOCKET ||
		    c->cmsg_type != SCM_TIMESTAMPNS ||
		    c->cmsg_len < CMSG_LEN(sizeof(ts)))
			continue;
		memcpy(&ts, CMSG_DATA(c), sizeof(ts));
		t = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
		return t && t <= read_ns ? t : read_ns;
	}
	return read_ns;
}

/* Read what @p fd holds, a batch at a time, with the senders' addresses
 * and arrival times.
 * @return 0, or -errno on a socket error. */
static int read_fd(struct senseplane *v, int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct timespec))];
		struct cmsghdr align;
	} ctl[SPL_BATCH];
	struct sockaddr_in from[SPL_BATCH];
	struct mmsghdr msgs[SPL_BATCH];
	struct iovec iov[SPL_BATCH];

	for (int r = 0; r < SPL_MAX_READS; r++) {
		uint64_t now;
		int n;

		for (int i = 0; i < SPL_BATCH; i++) {
			iov[i] = (struct iovec){ v->bufs[i], SPL_BUF };
			memset(&msgs[i], 0, sizeof(msgs[i]));
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
			msgs[i].msg_hdr.msg_name = &from[i];
			msgs[i].msg_hdr.msg_namelen = sizeof(from[i]);
			msgs[i].msg_hdr.msg_control = ctl[i].buf;
			msgs[i].msg_hdr.msg_controllen = sizeof(ctl[i].buf);
		}
		n = recvmmsg(fd, msgs, SPL_BATCH, MSG_DONTWAIT, NULL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return 0;
			return spl_fail(v, errno, "receive: %s",
					strerror(errno));
		}
		now = sp_wall_ns();
		for (int i = 0; i < n; i++) {
			uint64_t t = arrival_ns(&msgs[i].msg_hdr, now);

			sp_histo_add(&v->read_lag, now - t);
			senseplane_input(v, v->bufs[i], msgs[i].msg_len,
					 from[i].sin_addr.s_addr,
					 from[i].sin_port, t);
		}
		if (n < SPL_BATCH)
			return 0;
	}
	return 0;
}

int senseplane_process(struct senseplane *v)
{
	struct spl_seq_ops ops = seq_ops(v);
	uint64_t before = v->delivered;
	int rc;

	for (unsigned int i = 0; i < v->nsocks; i++)
		if ((rc = read_fd(v, v->socks[i])) < 0)
			return rc;
	if (v->rfd >= 0 && (rc = read_fd(v, v->rfd)) < 0)
		return rc;
	spl_seq_poll(&v->seq, sp_wall_ns(), &ops);
	leases_renew(v, sp_wall_ns());
	return (int)(v->delivered - before);
}

int senseplane_poll(struct senseplane *v, int timeout_ms)
{
	struct epoll_event ev[4];
	int t = senseplane_timeout_ms(v);

	if (t >= 0 && (timeout_ms < 0 || t < timeout_ms))
		timeout_ms = t;
	if (epoll_wait(v->epfd, ev, 4, timeout_ms) < 0 && errno != EINTR)
		return spl_fail(v, errno, "epoll_wait: %s", strerror(errno));
	return senseplane_process(v);
}

int senseplane_next(struct senseplane *v, struct senseplane_msg *m,
		    int timeout_ms)
{
	uint64_t end = timeout_ms > 0 ? sp_wall_ns() +
		       (uint64_t)timeout_ms * 1000000ull : 0;

	if (v->p.on_msg)
		return spl_fail(v, EINVAL, "senseplane_next() is for a handle "
				"without on_msg");
	while (v->q.n == 0) {
		int64_t left = timeout_ms < 0 ? -1 :
			       end ? (int64_t)(end - sp_wall_ns()) / 1000000 : 0;
		int rc;

		if (timeout_ms >= 0 && left < 0)
			left = 0;
		rc = senseplane_poll(v, (int)left);
		if (rc < 0)
			return rc;
		if (v->q.n == 0 && timeout_ms >= 0 && sp_wall_ns() >= end)
			return 0;
	}
	*m = v->q.msgs[v->q.head];
	m->values = v->q.vals + (uintptr_t)m->values;
	v->q.head++;
	v->q.n--;
	return 1;
}

void senseplane_finish(struct senseplane *v)
{
	struct spl_seq_ops ops = seq_ops(v);

	spl_seq_close(&v->seq, &ops);
}

int senseplane_ended(const struct senseplane *v)
{
	return spl_seq_all_ended(&v->seq);
}

/* --- what it knows -------------------------------------------------- */

static void key_out(const struct spl_key *k, struct senseplane_key *o)
{
	o->sensor_id = k->sensor;
	o->attr_id = k->attr;
	o->vtype = k->vtype;
	o->dim = k->dim;
	o->version = k->version;
	o->last_t_ns = k->last_t_ns;
	memcpy(o->last, k->last, sizeof(o->last));
	o->samples = k->samples;
	o->updated_ns = k->updated_ns;
	o->rate = k->rate;
}

unsigned int senseplane_keys_top(struct senseplane *v,
				 struct senseplane_key *out, unsigned int n)
{
	struct spl_key *pick[64];
	uint64_t now = sp_wall_ns();
	double secs = v->top_ns ? (double)(now - v->top_ns) / 1e9 : 0;
	unsigned int got;

	v->top_ns = now;
	got = spl_keys_top(&v->keys, pick, n > 64 ? 64 : n, secs);
	for (unsigned int i = 0; i < got; i++)
		key_out(pick[i], &out[i]);
	return got;
}

int senseplane_key(const struct senseplane *v, uint64_t sensor,
		   uint16_t attr, struct senseplane_key *out)
{
	struct spl_key *k = spl_keys_key((struct spl_keys *)&v->keys, sensor,
					 attr);

	if (k == NULL)
		return -ENOENT;
	key_out(k, out);
	return 0;
}

double senseplane_value(const struct senseplane_msg *m, unsigned int i)
{
	if (i >= (unsigned int)m->nsamp * m->dim)
		return NAN;
	return sp_value_get(m->values, m->vtype, i);
}
