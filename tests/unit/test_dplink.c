/*
 * test_dplink.c - the daemon's asynchronous link to its dataplane, against
 * a fake control socket the test serves itself: answers reach their
 * callbacks in order, a dataplane that does not answer takes the link
 * down after the timeout with the reason (every pending callback failed),
 * a long queue that is being answered is not a stall, and the loop never
 * waits.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "cp_dplink.h"
#include "unit.h"

static char path[64];
static int lfd = -1;

static int listen_fake(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	snprintf(path, sizeof(path), "/tmp/sp-unit-dplink-%d.sock", getpid());
	unlink(path);
	strcpy(sa.sun_path, path);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(lfd, 4) < 0)
		return -1;
	return 0;
}

static void close_fake(void)
{
	close(lfd);
	unlink(path);
}

struct got {
	int n, failed;
	char last[128], err[160];
};

static void cb(void *arg, json_t *resp, const char *err)
{
	struct got *g = arg;

	if (resp) {
		snprintf(g->last, sizeof(g->last), "%s",
			 json_string_value(json_object_get(resp, "v")));
		g->n++;
	} else {
		g->failed++;
		snprintf(g->err, sizeof(g->err), "%s", err ? err : "");
	}
}

static int downs;
static void state(void *ctx, const char *why)
{
	(void)ctx;
	downs += why != NULL;
}

/* Run the loop for about @p ms. */
static void spin(struct event_base *b, int ms)
{
	struct timespec t = { 0, 1000000 };

	for (int i = 0; i < ms; i++) {
		event_base_loop(b, EVLOOP_NONBLOCK);
		nanosleep(&t, NULL);
	}
}

static void test_in_order(void)
{
	struct event_base *b = event_base_new();
	struct cp_dplink *l;
	struct got g[3] = { 0 };
	char req[64];
	int sfd;

	CU_ASSERT_FATAL(listen_fake() == 0);
	l = cp_dplink_new(b, path, 200, state, NULL);
	CU_ASSERT_FATAL(l != NULL);
	CU_ASSERT_EQUAL(cp_dplink_call(l, cb, &g[0], "ping"), -1); /* down */
	CU_ASSERT_EQUAL_FATAL(cp_dplink_connect(l), 0);
	sfd = accept(lfd, NULL, NULL);
	CU_ASSERT_FATAL(sfd >= 0);
	for (int i = 0; i < 3; i++)
		CU_ASSERT_EQUAL(cp_dplink_call(l, cb, &g[i], "req %d", i), 0);
	CU_ASSERT_EQUAL(cp_dplink_pending(l), 3);
	spin(b, 5);
	CU_ASSERT(read(sfd, req, sizeof(req)) > 0);   /* the three lines */
	CU_ASSERT(strncmp(req, "req 0\nreq 1\nreq 2\n", 18) == 0);
	CU_ASSERT(write(sfd, "{\"v\":\"a\"}\n{\"v\":\"b\"}\n{\"v\":\"c\"}\n",
			30) == 30);
	spin(b, 10);
	CU_ASSERT_EQUAL(g[0].n, 1);
	CU_ASSERT_STRING_EQUAL(g[0].last, "a");
	CU_ASSERT_STRING_EQUAL(g[1].last, "b");
	CU_ASSERT_STRING_EQUAL(g[2].last, "c");
	CU_ASSERT_EQUAL(cp_dplink_pending(l), 0);
	CU_ASSERT(cp_dplink_answering(l));
	close(sfd);
	cp_dplink_free(l);
	event_base_free(b);
	close_fake();
}

static void test_timeout(void)
{
	struct event_base *b = event_base_new();
	struct cp_dplink *l;
	struct got g[2] = { 0 };
	struct timespec t0, t1;
	int sfd;

	CU_ASSERT_FATAL(listen_fake() == 0);
	downs = 0;
	l = cp_dplink_new(b, path, 100, state, NULL);
	CU_ASSERT_EQUAL_FATAL(cp_dplink_connect(l), 0);
	sfd = accept(lfd, NULL, NULL);
	cp_dplink_call(l, cb, &g[0], "stats");
	cp_dplink_call(l, cb, &g[1], "sub ls");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	spin(b, 50);
	CU_ASSERT_EQUAL(g[0].failed, 0);       /* not yet */
	spin(b, 150);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CU_ASSERT_EQUAL(g[0].failed, 1);
	CU_ASSERT_EQUAL(g[1].failed, 1);
	CU_ASSERT(strstr(g[0].err, "did not answer 'stats' in 100 ms") != NULL);
	CU_ASSERT(strstr(cp_dplink_error(l), "did not answer") != NULL);
	CU_ASSERT_EQUAL(downs, 1);
	CU_ASSERT(!cp_dplink_up(l));
	CU_ASSERT_EQUAL(cp_dplink_stats(l)->timeouts, 1);
	close(sfd);
	cp_dplink_free(l);
	event_base_free(b);
	close_fake();
}

/* Answers keep coming, one every 40 ms, to a queue that takes longer
 * than the timeout (100 ms) in all: progress, so nothing fails. */
static void test_slow_queue_is_progress(void)
{
	struct event_base *b = event_base_new();
	struct cp_dplink *l;
	struct got g = { 0 };
	int sfd;

	CU_ASSERT_FATAL(listen_fake() == 0);
	l = cp_dplink_new(b, path, 100, NULL, NULL);
	CU_ASSERT_EQUAL_FATAL(cp_dplink_connect(l), 0);
	sfd = accept(lfd, NULL, NULL);
	for (int i = 0; i < 8; i++)
		cp_dplink_call(l, cb, &g, "q %d", i);
	for (int i = 0; i < 8; i++) {
		spin(b, 40);
		CU_ASSERT(write(sfd, "{\"v\":\"x\"}\n", 10) == 10);
	}
	spin(b, 10);
	CU_ASSERT_EQUAL(g.n, 8);
	CU_ASSERT_EQUAL(g.failed, 0);
	CU_ASSERT(cp_dplink_up(l));
	close(sfd);
	spin(b, 10);   /* the close: the link goes down, nothing pending */
	CU_ASSERT(!cp_dplink_up(l));
	CU_ASSERT(strstr(cp_dplink_error(l), "closed") != NULL ||
		  strstr(cp_dplink_error(l), "reset") != NULL);
	cp_dplink_free(l);
	event_base_free(b);
	close_fake();
}

void suite_dplink(void)
{
	static const CU_TestInfo tests[] = {
		{ "answers in order to their callbacks", test_in_order },
		{ "no answer: down after the timeout, all failed",
		  test_timeout },
		{ "a slow queue being answered is not a stall",
		  test_slow_queue_is_progress },
		CU_TEST_INFO_NULL,
	};

	unit_add("dplink", tests);
}
