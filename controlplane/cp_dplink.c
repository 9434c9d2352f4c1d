/*
 * cp_dplink.c - the daemon's asynchronous link to its dataplane (see
 * cp_dplink.h).
 */
#include "cp_dplink.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>

#include "sp_time.h"

struct req {
	struct req *next;
	cp_dplink_cb *cb;
	void *arg;
	uint64_t sent_ms;
	char line[96];          /* its start, for the reason of a timeout */
};

struct cp_dplink {
	struct event_base *base;
	char path[108];
	uint32_t timeout_ms;
	cp_dplink_state_cb *state;
	void *ctx;
	struct bufferevent *bev;
	int answering;          /* answered since it connected */
	uint64_t last_answer_ms; /* progress: the last answer's time */
	struct req *head, *tail;  /* sent, waiting for their answers */
	uint32_t npending;
	struct event *t_check;
	char err[256];
	struct cp_dplink_stats st;
};

static uint64_t mono_ms(void)
{
	return sp_mono_ns() / 1000000;
}

/* Close, fail everything pending with @p why, tell the owner. */
static void down(struct cp_dplink *l, const char *why)
{
	struct req *r;

	if (l->bev == NULL)
		return;
	snprintf(l->err, sizeof(l->err), "%s", why);
	bufferevent_free(l->bev);
	l->bev = NULL;
	l->answering = 0;
	evtimer_del(l->t_check);
	while ((r = l->head)) {
		l->head = r->next;
		l->st.failed++;
		if (r->cb)
			r->cb(r->arg, NULL, l->err);
		free(r);
	}
	l->tail = NULL;
	l->npending = 0;
	if (l->state)
		l->state(l->ctx, l->err);
}

/* Since when the link has made no progress: the oldest request's send or
 * the last answer, whichever is later (a long queue that is being
 * answered is progress, not a stall). */
static uint64_t stalled_since(const struct cp_dplink *l)
{
	return l->head->sent_ms > l->last_answer_ms ? l->head->sent_ms
						    : l->last_answer_ms;
}

static void arm(struct cp_dplink *l)
{
	struct timeval tv;
	uint64_t now = mono_ms(), due;

	if (l->head == NULL) {
		evtimer_del(l->t_check);
		return;
	}
	due = stalled_since(l) + l->timeout_ms;
	due = due > now ? due - now : 0;
	tv.tv_sec = (time_t)(due / 1000);
	tv.tv_usec = (suseconds_t)(due % 1000) * 1000;
	evtimer_add(l->t_check, &tv);
}

/* The oldest request's time is up: the dataplane is not answering. */
static void on_check(evutil_socket_t fd, short what, void *arg)
{
	struct cp_dplink *l = arg;
	char why[256];

	(void)fd;
	(void)what;
	if (l->head == NULL)
		return;
	if (mono_ms() - stalled_since(l) < l->timeout_ms) {
		arm(l);
		return;
	}
	l->st.timeouts++;
	snprintf(why, sizeof(why), "the dataplane did not answer '%.60s' in "
		 "%u ms (%u requests waiting)", l->head->line, l->timeout_ms,
		 l->npending);
	down(l, why);
}

static void on_read(struct bufferevent *bev, void *arg)
{
	struct cp_dplink *l = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	char *line;
	size_t len;

	while (l->bev && (line = evbuffer_readln(in, &len,
						 EVBUFFER_EOL_LF))) {
		struct req *r = l->head;
		json_error_t je;
		json_t *resp = json_loadb(line, len, 0, &je);

		free(line);
		if (r == NULL) {
			json_decref(resp);
			down(l, "the dataplane answered a request not asked");
			return;
		}
		l->head = r->next;
		if (l->head == NULL)
			l->tail = NULL;
		l->npending--;
		l->answering = 1;
		l->last_answer_ms = mono_ms();
		l->err[0] = '\0';
		if (resp && json_is_object(resp)) {
			l->st.answered++;
			if (r->cb)
				r->cb(r->arg, resp, NULL);
		} else {
			l->st.failed++;
			if (r->cb)
				r->cb(r->arg, NULL, "the dataplane's answer "
				      "is not JSON");
		}
		json_decref(resp);
		free(r);
	}
	if (l->bev)
		arm(l);
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
	struct cp_dplink *l = arg;

	char why[160];

	(void)bev;
	if (!(what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)))
		return;
	if (what & BEV_EVENT_EOF)
		snprintf(why, sizeof(why), "the dataplane closed the control "
			 "connection");
	else
		snprintf(why, sizeof(why), "the control connection failed: %s",
			 evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
	down(l, why);
}

struct cp_dplink *cp_dplink_new(struct event_base *base, const char *path,
				uint32_t timeout_ms, cp_dplink_state_cb *state,
				void *ctx)
{
	struct cp_dplink *l = calloc(1, sizeof(*l));

	if (l == NULL)
		return NULL;
	l->base = base;
	snprintf(l->path, sizeof(l->path), "%s", path);
	l->timeout_ms = timeout_ms;
	l->state = state;
	l->ctx = ctx;
	l->t_check = evtimer_new(base, on_check, l);
	if (l->t_check == NULL) {
		free(l);
		return NULL;
	}
	return l;
}

void cp_dplink_free(struct cp_dplink *l)
{
	if (l == NULL)
		return;
	l->state = NULL;
	down(l, "closing");
	event_free(l->t_check);
	free(l);
}

int cp_dplink_connect(struct cp_dplink *l)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (l->bev)
		return 0;
	if (strlen(l->path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, l->path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	/* a UNIX socket's connect succeeds or fails at once */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	evutil_make_socket_nonblocking(fd);
	l->bev = bufferevent_socket_new(l->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (l->bev == NULL) {
		close(fd);
		errno = ENOMEM;
		return -1;
	}
	bufferevent_setcb(l->bev, on_read, NULL, on_event, l);
	bufferevent_enable(l->bev, EV_READ | EV_WRITE);
	l->answering = 0;   /* until the first answer, and err stays */
	l->st.connects++;
	if (l->state)
		l->state(l->ctx, NULL);
	return 0;
}

int cp_dplink_up(const struct cp_dplink *l)
{
	return l->bev != NULL;
}

int cp_dplink_answering(const struct cp_dplink *l)
{
	return l->bev != NULL && l->answering;
}

const char *cp_dplink_error(const struct cp_dplink *l)
{
	return l->err;
}

int cp_dplink_call(struct cp_dplink *l, cp_dplink_cb *cb, void *arg,
		   const char *fmt, ...)
{
	char line[4096];
	struct req *r;
	va_list ap;
	int n;

	if (l->bev == NULL)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line) - 1 || strchr(line, '\n'))
		return -1;
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return -1;
	r->cb = cb;
	r->arg = arg;
	r->sent_ms = mono_ms();
	snprintf(r->line, sizeof(r->line), "%s", line);
	line[n++] = '\n';
	if (bufferevent_write(l->bev, line, (size_t)n) < 0) {
		free(r);
		return -1;
	}
	if (l->tail)
		l->tail->next = r;
	else
		l->head = r;
	l->tail = r;
	if (l->npending++ == 0)
		arm(l);
	return 0;
}

uint32_t cp_dplink_pending(const struct cp_dplink *l)
{
	return l->npending;
}

const struct cp_dplink_stats *cp_dplink_stats(const struct cp_dplink *l)
{
	return &l->st;
}
