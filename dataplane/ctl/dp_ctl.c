/*
 * dp_ctl.c - the control thread: UNIX socket server, line protocol, TTL
 * ticks, the mailboxes to the workers and the queries they answer.
 */
#define _GNU_SOURCE
#include "dp_ctl.h"

#include <errno.h>
#include <grp.h>
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

#include "dp_figures.h"
#include "dp_joins.h"
#include "dp_keyring.h"
#include "dp_stats.h"
#include "dp_requests.h"
#include "sp_args.h"
#include "sp_level.h"
#include "sp_notify.h"

#define MAX_CLIENTS 64
#define LINE_MAX_LEN 4096

struct client {
	int fd;
	int watch;         /* gets the sensor events (request "watch") */
	size_t len;
	char buf[LINE_MAX_LEN];
};

static pthread_t g_thread;   /* one control thread per process */
static struct dp_shared *g_sh; /* for the telemetry callback */

/* /senseplane/tiers: per tier feed (and broadcast) figures, summed over
 * the workers. Per-viewer figures are in the control protocol's stats. */
static int tel_tiers(const char *cmd, const char *params,
		     struct rte_tel_data *d)
{
	static struct dp_out_figures f;   /* telemetry thread only */
	const struct dp_out_stats *sum = &f.st;

	(void)cmd;
	(void)params;
	rte_tel_data_start_dict(d);
	for (uint8_t l = 0; l <= SP_LEVEL_HIGH; l++) {
		struct rte_tel_data *t = rte_tel_data_alloc();

		if (t == NULL)
			return -ENOMEM;
		dp_figures_tier(g_sh->workers, g_sh->nworkers, l, &f);
		rte_tel_data_start_dict(t);
		rte_tel_data_add_dict_u64(t, "msgs", sum->msgs);
		rte_tel_data_add_dict_u64(t, "samples", sum->samples);
		rte_tel_data_add_dict_u64(t, "offered", sum->offered);
		rte_tel_data_add_dict_u64(t, "conflated", sum->conflated);
		rte_tel_data_add_dict_u64(t, "bytes", sum->bytes);
		rte_tel_data_add_dict_u64(t, "bytes_saved", (uint64_t)
					  RTE_MAX(dp_out_bytes_saved(sum), 0));
		rte_tel_data_add_dict_u64(t, "stale_p50_ns",
					  sp_histo_pct(&sum->stale, 50));
		rte_tel_data_add_dict_u64(t, "stale_p99_ns",
					  sp_histo_pct(&sum->stale, 99));
		rte_tel_data_add_dict_u64(t, "flushes", sum->flushes);
		rte_tel_data_add_dict_u64(t, "demotions", sum->demotions);
		rte_tel_data_add_dict_container(d, l ? sp_level_name(l)
						     : "broadcast", t, 0);
	}
	return 0;
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
	char *argv[SP_ARGS_MAX];
	int argc = sp_args_split(line, argv, SP_ARGS_MAX);

	if (argc == 0)
		return;
	ctl->requests++;
	if (argc < 0) {
		reply(cl, dp_requests_usage("more than %d words: no request "
					    "has that many", SP_ARGS_MAX));
		return;
	}
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
	reply(cl, dp_requests_handle(ctl, argc, argv));
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
		reply(cl, dp_requests_fail("request longer than %d bytes",
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

	for (unsigned int w = 0; w < ctl->sh->nworkers; w++) {
		for (unsigned int got = 0; got < EVENTS_PER_TURN;) {
			unsigned int k = rte_ring_sc_dequeue_burst_elem(
				dp_figures_events(ctl->sh->workers[w]), ev,
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

/* The service watchdog (WatchdogSec=): pinged at half its interval while
 * every worker's loop goes round; a worker that stops turning stops the
 * pings, and systemd restarts the dataplane. */
static void watchdog(struct dp_ctl *ctl, uint64_t now_ns)
{
	unsigned int alive = 1;

	if (ctl->wd_usec == 0 || now_ns < ctl->wd_next_ns)
		return;
	ctl->wd_next_ns = now_ns + ctl->wd_usec * 500;
	for (unsigned int w = 0; w < ctl->sh->nworkers; w++) {
		uint64_t l = __atomic_load_n(&ctl->sh->stats[w].loops,
					     __ATOMIC_RELAXED);

		alive &= l != ctl->wd_loops[w];
		ctl->wd_loops[w] = l;
	}
	if (alive)
		sp_notify_watchdog();
	else
		sp_notify_status("a worker has stopped turning its loop");
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
		dp_joins_tick(ctl->joins, dp_ctl_now(ctl));
		dp_link_poll(&ctl->sh->link, dp_ctl_now(ctl));
		watchdog(ctl, dp_ctl_now(ctl));
		forward_events(ctl, cl, &n);
		if (ctl->sh->reload && *ctl->sh->reload) {
			char err[300];
			size_t nk;

			*ctl->sh->reload = 0;
			if (dp_keyring_reload(ctl->sh, &nk, err,
					      sizeof(err)) == 0)
				printf("senseplane-dp: SIGHUP: %zu keys "
				       "loaded\n", nk);
			else
				printf("senseplane-dp: SIGHUP: keys not "
				       "reloaded: %s\n", err);
			fflush(stdout);
		}
	}
	for (int i = 0; i < n; i++)
		close(cl[i].fd);
	return NULL;
}

/* mkdir -p of the socket's folder. @return 1 when its last folder was
 * made here (then it may take the socket's group). */
static int make_parent(const char *path)
{
	char dir[108];
	int made = 0;

	snprintf(dir, sizeof(dir), "%s", path);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		made = mkdir(dir, 0750) == 0;
		*p = '/';
	}
	return made;
}

/* control.group: the socket (and the folder made for it) in that group,
 * so its members, and nobody else but root, may connect. */
static int set_group(const char *path, const char *group, int made_dir,
		     char *err, size_t errlen)
{
	char dir[108], *slash;
	struct group *g;

	if (group[0] == '\0')
		return 0;
	g = getgrnam(group);
	if (g == NULL) {
		snprintf(err, errlen, "control.group '%s': no such group",
			 group);
		return -1;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir)
		*slash = '\0';
	if (chown(path, (uid_t)-1, g->gr_gid) < 0 ||
	    (made_dir && slash && chown(dir, (uid_t)-1, g->gr_gid) < 0)) {
		snprintf(err, errlen, "control socket %s: group '%s': %s", path,
			 group, strerror(errno));
		return -1;
	}
	return 0;
}

/* A feed's lease began or ended: every worker hears it (a tier feed is
 * every worker's; a sensor feed's owner is the one that has it). */
static void joined(void *ctx, uint16_t feed_id, int on)
{
	struct dp_cmd c = { .op = DP_CMD_JOINED, .feed_id = feed_id,
			    .flags = (uint32_t)on };

	dp_ctl_model_send(ctx, 0, &c);
}

struct dp_ctl *dp_ctl_start(struct dp_shared *sh, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *path = sh->cfg->ctl_socket;
	struct dp_model_params mp = {
		.max_viewers = sh->cfg->max_viewers,
		.max_subs = sh->cfg->max_subs,
		.max_outs = sh->cfg->max_outs,
		.sensor_feeds = sh->cfg->sensor_feeds,
		.send = dp_ctl_model_send,
	};
	struct dp_ctl *ctl;
	int made_dir;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "control.socket '%s': longer than %zu",
			 path, sizeof(sa.sun_path) - 1);
		return NULL;
	}
	ctl = calloc(1, sizeof(*ctl));
	if (ctl == NULL)
		return NULL;
	ctl->sh = sh;
	ctl->wd_usec = sp_notify_watchdog_usec();
	mp.ctx = ctl;
	mp.flags = dp_figures_flags(sh->workers[0]);
	ctl->model = dp_model_create(&mp);
	ctl->joins = malloc(sizeof(*ctl->joins));
	if (ctl->joins)
		dp_joins_init(ctl->joins, joined, ctl);
	snprintf(ctl->path, sizeof(ctl->path), "%s", path);
	strcpy(sa.sun_path, path);
	made_dir = make_parent(path);
	unlink(path);
	ctl->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (!ctl->model || !ctl->joins || ctl->lfd < 0 ||
	    bind(ctl->lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(path, 0660) < 0 || listen(ctl->lfd, 16) < 0) {
		snprintf(err, errlen, "control socket %s: %s", path,
			 strerror(errno));
		if (ctl->lfd >= 0)
			close(ctl->lfd);
		dp_model_free(ctl->model);
		free(ctl->joins);
		free(ctl);
		return NULL;
	}
	if (set_group(path, sh->cfg->ctl_group, made_dir, err, errlen) < 0) {
		close(ctl->lfd);
		unlink(path);
		dp_model_free(ctl->model);
		free(ctl->joins);
		free(ctl);
		return NULL;
	}
	g_sh = sh;
	rte_telemetry_register_cmd("/senseplane/tiers", tel_tiers,
		"figures per tier feed: msgs, conflation, staleness. No "
		"parameters");
	if (rte_ctrl_thread_create(&g_thread, "sp-ctl", NULL, ctl_main,
				   ctl) != 0) {
		snprintf(err, errlen, "cannot start the control thread");
		close(ctl->lfd);
		unlink(path);
		dp_model_free(ctl->model);
		free(ctl->joins);
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
	free(ctl->joins);
	free(ctl);
}
