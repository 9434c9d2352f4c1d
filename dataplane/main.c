/*
 * main.c - senseplane-dp: ordered start, run until SIGINT/SIGTERM (SIGHUP
 * reloads the keys file), orderly
 * shutdown (workers stop RX, drain, flush, send END; the port is closed and
 * every mbuf must be back in its pool).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_log.h>

#include "dp_app.h"
#include "dp_args.h"
#include "dp_ctl.h"
#include "dp_pages.h"
#include "sp_notify.h"
#include "sp_log.h"

static volatile int g_stop;
static volatile int g_reload;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		g_reload = 1;   /* the control thread reloads the keys */
	else
		g_stop = 1;
}

/*
 * --help, --help-config and --print-config need no EAL (and EAL without
 * options fails where there are no hugepages): answer them first. The
 * options are the words after "--", or every word when there is no "--"
 * and the first is --help or -h. @return 1 when they were answered (exit
 * code in *rc), 0 to go on.
 */
static int answer_without_eal(int argc, char **argv, int *rc)
{
	struct dp_args args;
	static struct sp_config cfg;
	int first = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			first = i;
			break;
		}
	}
	if (first == 0 && argc > 1 && (strcmp(argv[1], "--help") == 0 ||
				       strcmp(argv[1], "-h") == 0))
		first = 0;
	else if (first == 0)
		return 0;
	for (int i = first + 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "--help-config") == 0 ||
		    strcmp(argv[i], "--print-config") == 0)
			goto answer;
	}
	return 0;
answer:
	argv[first] = argv[0];
	*rc = dp_args_parse(argc - first, argv + first, &args, &cfg);
	if (*rc == 0 && args.print_config)
		sp_config_dump(&cfg, stdout);
	*rc = *rc < 0 ? 2 : 0;
	return 1;
}

/* DPDK's own lines (EAL, drivers) into the journal with their levels:
 * RTE_LOG_EMERG is 1, syslog's LOG_EMERG 0. */
static ssize_t journal_write(void *cookie, const char *buf, size_t len)
{
	int lvl = rte_log_cur_msg_loglevel();

	(void)cookie;
	fprintf(stderr, "<%d>%.*s", lvl >= 1 && lvl <= 8 ? lvl - 1 : LOG_INFO,
		(int)len, buf);
	return (ssize_t)len;
}

static void dpdk_logs_to_journal(void)
{
	static const cookie_io_functions_t io = { .write = journal_write };
	FILE *f;

	if (!sp_log_is_journal(stderr))
		return;
	f = fopencookie(NULL, "w", io);
	if (f) {
		setvbuf(f, NULL, _IOLBF, 0);
		rte_openlog_stream(f);
	}
}

int main(int argc, char **argv)
{
	static struct dp_app app;
	struct dp_ctl *ctl;
	char err[512];
	struct dp_args args;
	struct dp_stats total;
	unsigned int in_use;
	char ip[16];
	int n, rc;

	if (answer_without_eal(argc, argv, &rc))
		return rc;
	dpdk_logs_to_journal();
	n = rte_eal_init(argc, argv);
	if (n < 0) {
		sp_logf(stderr, LOG_ERR, "senseplane-dp: EAL init failed: %s\n",
			rte_strerror(rte_errno));
		return 2;
	}
	argv[n] = argv[0];
	rc = dp_args_parse(argc - n, argv + n, &args, &app.cfg);
	if (rc != 0) {
		rte_eal_cleanup();
		return rc > 0 ? 0 : 2;
	}
	if (args.print_config) {
		sp_config_dump(&app.cfg, stdout);
		rte_eal_cleanup();
		return 0;
	}
	app.port_id = args.port_id;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	/* a control client or a telemetry client that closes early must
	 * not end the dataplane: writes to it fail with EPIPE instead */
	signal(SIGPIPE, SIG_IGN);
	if (dp_app_create(&app, &g_stop, &g_reload) < 0) {
		dp_app_free(&app);
		rte_eal_cleanup();
		return 1;
	}
	snprintf(ip, sizeof(ip), "%u.%u.%u.%u", app.cfg.ip >> 24,
		 (app.cfg.ip >> 16) & 255, (app.cfg.ip >> 8) & 255,
		 app.cfg.ip & 255);
	sp_logf(stdout, LOG_INFO, "senseplane-dp %s: port %u %02x:%02x:%02x:%02x:%02x:%02x ip %s "
	       "udp %u, %u worker(s), %u attributes, %zu keyed sensors, "
	       "session %016llx\n", SP_VERSION_STR, app.port_id,
	       app.net.mac.addr_bytes[0], app.net.mac.addr_bytes[1],
	       app.net.mac.addr_bytes[2], app.net.mac.addr_bytes[3],
	       app.net.mac.addr_bytes[4], app.net.mac.addr_bytes[5], ip,
	       app.cfg.sensor_port, app.nworkers, app.cat->n,
	       sp_mackeys_count(app.shared.keys),
	       (unsigned long long)app.session);
	{
		struct dp_pages pg;
		char what[96];

		dp_pages_get(&pg);
		sp_logf(stdout, LOG_INFO, "senseplane-dp: memory on %s\n",
			dp_pages_describe(&pg, what, sizeof(what)));
	}
	ctl = dp_ctl_start(&app.shared, err, sizeof(err));
	if (ctl == NULL) {
		sp_logf(stderr, LOG_ERR, "senseplane-dp: %s\n", err);
		dp_app_free(&app);
		rte_eal_cleanup();
		return 1;
	}
	sp_logf(stdout, LOG_INFO, "senseplane-dp: control socket %s\n", app.cfg.ctl_socket);
	sp_logf(stdout, LOG_INFO, "senseplane-dp: running (wall clock %llu ns)\n",
	       (unsigned long long)dp_clock_ns(&app.clock, rte_rdtsc()));
	fflush(stdout);
	sp_notify_ready("running");

	dp_app_run(&app, &g_stop);
	sp_notify_stopping();
	dp_ctl_stop(ctl);

	dp_stats_sum(app.stats, app.nworkers, &total);
	sp_logf(stdout, LOG_INFO, "senseplane-dp: stopped; totals:\n");
	dp_stats_dump(stdout, &total);
	in_use = dp_app_free(&app);
	sp_logf(stdout, LOG_INFO, "senseplane-dp: mbufs in use at exit: %u\n", in_use);
	fflush(stdout);
	rte_eal_cleanup();
	return in_use ? 3 : 0;
}
