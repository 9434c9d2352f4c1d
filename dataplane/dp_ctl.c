/*
 * dp_ctl.c - the control thread: UNIX socket server, line protocol, TTL
 * ticks, the mailboxes to the workers and the queries they answer.
 */
#define _GNU_SOURCE
#include "dp_ctl.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_lcore.h>
#include <rte_telemetry.h>
#include <rte_ring.h>

#include "dp_ctl_impl.h"
#include "dp_worker.h"
#include "sp_hint.h"

#define MAX_CLIENTS 64
#define LINE_MAX_LEN 4096
#define QUERY_BUF (4u << 20)
#define QUERY_TIMEOUT_MS 2000

struct client {
	int fd;
	int watch;         /* gets the sensor events (request "watch") */
	size_t len;
	char buf[LINE_MAX_LEN];
};

static pthread_t g_thread;   /* one control thread per process */
static struct dp_app *g_app; /* for the telemetry callback */

/* /senseplane/tiers: per tier feed (and broadcast) figures, summed over
 * the workers. Per-viewer figures are in the control protocol's stats. */
static int tel_tiers(const char *cmd, const char *params,
		     struct rte_tel_data *d)
{
	static struct dp_out_stats sum;   /* telemetry thread only */

	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	for (uint8_t l = 0; l <= SP_LEVEL_HIGH; l++) {
		struct rte_tel_data *t = rte_tel_data_alloc();

		if (t == NULL)
			return -ENOMEM;
		memset(&sum, 0, sizeof(sum));
		for (unsigned int w = 0; w < g_app->nworkers; w++)
			dp_out_stats_add(&sum, l ? &g_app->workers[w]->tier[l].out.st
						 : &g_app->workers[w]->bcast.out.st);
		rte_tel_data_start_dict(t);
		rte_tel_data_add_dict_u64(t, "msgs", sum.msgs);
		rte_tel_data_add_dict_u64(t, "samples", sum.samples);
		rte_tel_data_add_dict_u64(t, "offered", sum.offered);
		rte_tel_data_add_dict_u64(t, "conflated", sum.conflated);
		rte_tel_data_add_dict_u64(t, "bytes", sum.bytes);
		rte_tel_data_add_dict_u64(t, "bytes_saved", (uint64_t)
					  RTE_MAX(dp_out_bytes_saved(&sum), 0));
		rte_tel_data_add_dict_u64(t, "stale_p50_ns",
					  sp_histo_pct(&sum.stale, 50));
		rte_tel_data_add_dict_u64(t, "stale_p99_ns",
					  sp_histo_pct(&sum.stale, 99));
		rte_tel_data_add_dict_u64(t, "flushes", sum.flushes);
		rte_tel_data_add_dict_u64(t, "demotions", sum.demotions);
		rte_tel_data_add_dict_container(d, l ? sp_level_name(l)
						     : "broadcast", t, 0);
	}
	return 0;
}

uint64_t dp_ctl_now(const struct dp_ctl *ctl)
{
	return dp_clock_ns(&ctl->app->clock, rte_rdtsc());
}

/* {"ok": false, "error": MSG, "code": CODE} */
static json_t *failure(const char *code, const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	return json_pack("{s:b, s:s, s:s}", "ok", 0, "error", msg, "code",
			 code);
}

json_t *dp_ctl_fail(const char *fmt, ...)
{
	va_list ap;
	json_t *r;

	va_start(ap, fmt);
	r = failure("refused", fmt, ap);
	va_end(ap);
	return r;
}

json_t *dp_ctl_usage(const char *fmt, ...)
{
	va_list ap;
	json_t *r;

	va_start(ap, fmt);
	r = failure("usage", fmt, ap);
	va_end(ap);
	return r;
}

/* Put @p c on worker @p w's mailbox; a full mailbox is waited on (the
 * control thread may wait, the worker never does). */
static void post(struct dp_ctl *ctl, unsigned int w, const struct dp_cmd *c)
{
	struct rte_ring *mbox = ctl->app->workers[w]->mbox;
	struct dp_cmd copy = *c;

	for (int tries = 0; tries < 20000; tries++) {
		if (rte_ring_sp_enqueue_elem(mbox, &copy, sizeof(copy)) == 0)
			return;
		usleep(50);
	}
	ctl->mbox_full++;
}

void dp_ctl_post_all(struct dp_ctl *ctl, const struct dp_cmd *c)
{
	for (unsigned int w = 0; w < ctl->app->nworkers; w++)
		post(ctl, w, c);
}

static void model_send(void *ctx, uint64_t sensor, const struct dp_cmd *c)
{
	struct dp_ctl *ctl = ctx;
	unsigned int n = ctl->app->nworkers;

	if (sensor)
		post(ctl, dp_owner(sensor, n), c);
	else
		dp_ctl_post_all(ctl, c);
}

/* Parse what a worker wrote: a JSON value, or for DP_Q_SENSORS a bare
 * list of objects. */
static json_t *parse_answer(const struct dp_query *q)
{
	json_error_t je;
	json_t *v;
	char *wrapped;

	if (q->kind != DP_Q_SENSORS)
		return json_loadb(q->buf, q->len, 0, &je);
	wrapped = malloc(q->len + 2);
	if (wrapped == NULL)
		return NULL;
	wrapped[0] = '[';
	memcpy(wrapped + 1, q->buf, q->len);
	wrapped[q->len + 1] = ']';
	v = json_loadb(wrapped, q->len + 2, 0, &je);
	free(wrapped);
	return v;
}

json_t *dp_ctl_query(struct dp_ctl *ctl, const struct dp_query *tmpl,
		     uint64_t sensor, char *err, size_t errlen)
{
	unsigned int n = ctl->app->nworkers, first = 0, last = n, w;
	struct dp_query *q[RTE_MAX_LCORE] = { 0 };
	json_t *all = json_array();
	int waited = 0, failed = 0;

	if (sensor) {
		first = dp_owner(sensor, n);
		last = first + 1;
	}
	ctl->last_more = 0;
	for (w = first; w < last; w++) {
		q[w] = calloc(1, sizeof(*q[w]));
		if (q[w]) {
			*q[w] = *tmpl;
			q[w]->buf = malloc(QUERY_BUF);
			q[w]->cap = QUERY_BUF;
			q[w]->len = q[w]->count = q[w]->done = 0;
			q[w]->rc = 0;
		}
		if (q[w] == NULL || q[w]->buf == NULL) {
			for (unsigned int i = first; i <= w; i++) {
				if (q[i])
					free(q[i]->buf);
				free(q[i]);
			}
			json_decref(all);
			snprintf(err, errlen, "out of memory");
			return NULL;
		}
	}
	for (w = first; w < last; w++) {
		struct dp_cmd c = { .op = DP_CMD_QUERY, .q = q[w] };

		post(ctl, w, &c);
	}
	for (w = first; w < last; w++) {
		while (!__atomic_load_n(&q[w]->done, __ATOMIC_ACQUIRE) &&
		       waited++ < QUERY_TIMEOUT_MS * 10)
			usleep(100);
		if (!__atomic_load_n(&q[w]->done, __ATOMIC_ACQUIRE)) {
			/* the worker may still write it: it is left be */
			snprintf(err, errlen, "worker %u did not answer in %d "
				 "ms", w, QUERY_TIMEOUT_MS);
			failed = 1;
			q[w] = NULL;
			continue;
		}
		if (q[w]->rc == 0) {
			json_t *v = parse_answer(q[w]);

			ctl->last_more |= q[w]->more;

			if (v) {
				json_array_append_new(all, v);
			} else {
				snprintf(err, errlen, "worker %u answered "
					 "with text that is not JSON", w);
				failed = 1;
			}
		} else if (sensor && q[w]->rc == -ENODATA) {
			const struct sp_attr *a = sp_catalog_get(ctl->app->cat,
								 tmpl->attr_id);

			snprintf(err, errlen, "sensor %llu has no attribute %s "
				 "(it sent none)", (unsigned long long)sensor,
				 a ? a->name : "?");
			failed = 1;
		} else if (sensor) {
			snprintf(err, errlen, "sensor %llu is not known (owner: "
				 "worker %u)", (unsigned long long)sensor, w);
			failed = 1;
		}
	}
	for (w = first; w < last; w++) {
		if (q[w]) {
			free(q[w]->buf);
			free(q[w]);
		}
	}
	if (failed) {
		json_decref(all);
		return NULL;
	}
	return all;
}

static void reply(struct client *cl, json_t *resp)
{
	char *s = json_dumps(resp, JSON_COMPACT);
	size_t len, off = 0;

	json_decref(resp);
	if (s == NULL)
		s = strdup("{\"ok\":false,\"error\":\"out of memory\"}");
	if (s == NULL)
		return;
	len = strlen(s);
	s[len] = '\n';   /* json_dumps leaves room: replaces the NUL */
	while (off < len + 1) {
		/* a client gone before its answer is no signal to die of */
		ssize_t w = send(cl->fd, s + off, len + 1 - off, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	free(s);
}

static void on_line(struct dp_ctl *ctl, struct client *cl, char *line)
{
	char *argv[CTL_MAX_ARGS], *save = NULL, *tok;
	int argc = 0;

	for (tok = strtok_r(line, " \t\r", &save); tok && argc < CTL_MAX_ARGS;
	     tok = strtok_r(NULL, " \t\r", &save))
		argv[argc++] = tok;
	if (argc == 0)
		return;
	ctl->requests++;
	if (strcmp(argv[0], "watch") == 0) {
		/* room for a burst of new sensors (~90 000 event lines) while
		 * the watcher catches up; one that falls further behind is
		 * dropped and resyncs */
		int buf = 8 << 20;

		if (setsockopt(cl->fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf,
			       sizeof(buf)) < 0)
			setsockopt(cl->fd, SOL_SOCKET, SO_SNDBUF, &buf,
				   sizeof(buf));
		cl->watch = 1;
		reply(cl, json_pack("{s:b, s:b}", "ok", 1, "watching", 1));
		return;
	}
	reply(cl, dp_ctl_handle(ctl, argc, argv));
}

/* Read what a client sent; @return -1 when it should be dropped. */
static int on_readable(struct dp_ctl *ctl, struct client *cl)
{
	ssize_t r = read(cl->fd, cl->buf + cl->len, sizeof(cl->buf) - cl->len);
	char *nl;

	if (r <= 0)
		return -1;
	cl->len += (size_t)r;
	while ((nl = memchr(cl->buf, '\n', cl->len))) {
		size_t used = (size_t)(nl - cl->buf) + 1;

		*nl = '\0';
		on_line(ctl, cl, cl->buf);
		memmove(cl->buf, cl->buf + used, cl->len - used);
		cl->len -= used;
	}
	if (cl->len == sizeof(cl->buf)) {
		reply(cl, dp_ctl_fail("request longer than %d bytes",
				      LINE_MAX_LEN));
		return -1;
	}
	return 0;
}

/* Send @p len bytes of event lines to every watcher; a watcher that cannot
 * take them all at once cannot keep up and is dropped (it resyncs when it
 * comes back). */
static void send_watchers(struct client *cl, int *n, const char *buf,
			  size_t len)
{
	for (int c = *n - 1; c >= 0; c--) {
		if (!cl[c].watch)
			continue;
		if (send(cl[c].fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL) !=
		    (ssize_t)len) {
			close(cl[c].fd);
			cl[c] = cl[--*n];
		}
	}
}

/* Sensor events from the workers, one JSON line each, to every watcher:
 * whatever the rings hold (up to EVENTS_PER_TURN a worker, so the loop
 * stays responsive), one send per 64 events; the workers' rings are never
 * left to fill. (Draining 64 a poll turn capped registrations at ~33 k/s
 * in B7.) */
#define EVENTS_PER_TURN 8192
static void forward_events(struct dp_ctl *ctl, struct client *cl, int *n)
{
	static const char *const kinds[] = { "?", "seen", "idle" };
	struct dp_event ev[64];
	char buf[64 * 128];

	for (unsigned int w = 0; w < ctl->app->nworkers; w++) {
		for (unsigned int got = 0; got < EVENTS_PER_TURN;) {
			unsigned int k = rte_ring_sc_dequeue_burst_elem(
				ctl->app->workers[w]->events, ev,
				sizeof(ev[0]), 64, NULL);
			size_t len = 0;

			if (k == 0)
				break;
			got += k;
			for (unsigned int i = 0; i < k; i++)
				len += (size_t)snprintf(buf + len,
					sizeof(buf) - len,
					"{\"event\":\"%s\",\"sensor\":%" PRIu64
					",\"worker\":%u,\"t_ns\":%" PRIu64 "}\n",
					kinds[ev[i].kind < 3 ? ev[i].kind : 0],
					ev[i].sensor_id, ev[i].worker,
					ev[i].t_ns);
			ctl->events += k;
			send_watchers(cl, n, buf, len);
		}
	}
}

static void *ctl_main(void *arg)
{
	struct dp_ctl *ctl = arg;
	struct client cl[MAX_CLIENTS];
	struct pollfd pfd[MAX_CLIENTS + 1];
	int n = 0;

	while (!__atomic_load_n(&ctl->stop, __ATOMIC_ACQUIRE)) {
		pfd[0] = (struct pollfd){ .fd = ctl->lfd, .events = POLLIN };
		for (int i = 0; i < n; i++)
			pfd[i + 1] = (struct pollfd){ .fd = cl[i].fd,
						      .events = POLLIN };
		/* 1 ms: TTLs lapse within a millisecond of their time */
		if (poll(pfd, (nfds_t)n + 1, 1) > 0) {
			if ((pfd[0].revents & POLLIN) && n < MAX_CLIENTS) {
				int fd = accept4(ctl->lfd, NULL, NULL,
						 SOCK_CLOEXEC);

				if (fd >= 0) {
					cl[n].fd = fd;
					cl[n].watch = 0;
					cl[n++].len = 0;
				}
			}
			for (int i = n - 1; i >= 0; i--) {
				if (!(pfd[i + 1].revents & (POLLIN | POLLHUP |
							     POLLERR)))
					continue;
				if (on_readable(ctl, &cl[i]) < 0) {
					close(cl[i].fd);
					cl[i] = cl[--n];
				}
			}
		}
		dp_model_tick(ctl->model, dp_ctl_now(ctl));
		forward_events(ctl, cl, &n);
	}
	for (int i = 0; i < n; i++)
		close(cl[i].fd);
	return NULL;
}

/* mkdir -p of the socket's folder. */
static void make_parent(const char *path)
{
	char dir[108];

	snprintf(dir, sizeof(dir), "%s", path);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(dir, 0750);
		*p = '/';
	}
}

struct dp_ctl *dp_ctl_start(struct dp_app *app, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *path = app->cfg.ctl_socket;
	struct dp_model_params mp = {
		.max_viewers = app->cfg.max_viewers,
		.max_subs = app->cfg.max_subs,
		.send = model_send,
	};
	struct dp_ctl *ctl;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "control.socket '%s': longer than %zu",
			 path, sizeof(sa.sun_path) - 1);
		return NULL;
	}
	ctl = calloc(1, sizeof(*ctl));
	if (ctl == NULL)
		return NULL;
	ctl->app = app;
	mp.ctx = ctl;
	mp.flags = app->workers[0]->flags;
	ctl->model = dp_model_create(&mp);
	snprintf(ctl->path, sizeof(ctl->path), "%s", path);
	strcpy(sa.sun_path, path);
	make_parent(path);
	unlink(path);
	ctl->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (!ctl->model || ctl->lfd < 0 ||
	    bind(ctl->lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(path, 0660) < 0 || listen(ctl->lfd, 16) < 0) {
		snprintf(err, errlen, "control socket %s: %s", path,
			 strerror(errno));
		if (ctl->lfd >= 0)
			close(ctl->lfd);
		dp_model_free(ctl->model);
		free(ctl);
		return NULL;
	}
	g_app = app;
	rte_telemetry_register_cmd("/senseplane/tiers", tel_tiers,
		"figures per tier feed: msgs, conflation, staleness. No "
		"parameters");
	if (rte_ctrl_thread_create(&g_thread, "sp-ctl", NULL, ctl_main,
				   ctl) != 0) {
		snprintf(err, errlen, "cannot start the control thread");
		close(ctl->lfd);
		unlink(path);
		dp_model_free(ctl->model);
		free(ctl);
		return NULL;
	}
	return ctl;
}

void dp_ctl_stop(struct dp_ctl *ctl)
{
	if (ctl == NULL)
		return;
	__atomic_store_n(&ctl->stop, 1, __ATOMIC_RELEASE);
	pthread_join(g_thread, NULL);
	close(ctl->lfd);
	unlink(ctl->path);
	dp_model_free(ctl->model);
	free(ctl);
}
