/*
 * cli_main.c - senseplane, the command-line client: one subcommand per
 * request of the control protocol (common/CONTROL.md), --json on every
 * read, exit codes a script can use (0 done, 1 refused, 2 usage, 3 no
 * dataplane).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli_cluster.h"
#include "cli_print.h"
#include "sp_args.h"
#include "sp_ctl.h"

#define DEFAULT_SOCKET "/run/senseplane/dp.sock"

static volatile int g_stop;

static void on_signal(int sig)
{
	(void)sig;
	g_stop = 1;
}

/* The protocol's requests from their one table (common/sp_args.c), as
 * the CLI takes them: "status" for ping, "--ttl MS" for ttl=MS (as
 * build_line turns them back); alternatives that do not fit on a line go
 * on the next, and what the request does after them. */
static void print_requests(FILE *out)
{
	for (int v = 0; v < SP_VERB_N; v++) {
		const char *help = sp_args_verb_help((enum sp_verb)v);
		const char *u = v == SP_VERB_PING ? "status" :
				sp_args_verb_usage((enum sp_verb)v);
		char line[256];
		size_t n = 0;

		if (v == SP_VERB_HELP || v == SP_VERB_WATCH)
			continue;
		while (*u) {
			const char *bar = strstr(u, " | ");
			size_t len = bar ? (size_t)(bar - u) : strlen(u);
			const char *ttl = strstr(u, "ttl=MS");
			char alt[160];

			if (ttl && (size_t)(ttl - u) < len)
				snprintf(alt, sizeof(alt), "%.*s--ttl MS%.*s",
					 (int)(ttl - u), u,
					 (int)(len - (size_t)(ttl - u) - 6),
					 ttl + 6);
			else
				snprintf(alt, sizeof(alt), "%.*s", (int)len, u);
			if (n && n + 3 + strlen(alt) > 74) {
				fprintf(out, "  %s\n", line);
				n = 0;
			}
			n += (size_t)snprintf(line + n, sizeof(line) - n, "%s%s",
					      n ? " | " : "", alt);
			u += len + (bar ? 3 : 0);
		}
		if (help[0] == '\0')
			fprintf(out, "  %s\n", line);
		else if (n <= 36)
			fprintf(out, "  %-36s %s\n", line, help);
		else
			fprintf(out, "  %s\n  %-36s %s\n", line, "", help);
	}
}

static void usage(FILE *out)
{
	fprintf(out,
"usage: senseplane [--socket PATH] [--json] COMMAND [ARGS]\n"
"\n"
"Manage a senseplane dataplane through its control socket.\n"
"\n"
"commands:\n");
	print_requests(out);
	fprintf(out,
"  top [--interval MS] [--count N]      live figures\n"
"\n"
"cluster mode (--redis URL or $SENSEPLANE_REDIS): the same through Redis,\n"
"and:\n"
"  nodes                                nodes, alive or not\n"
"  sensors [--node N]                   sensors in the registry\n"
"  whereis SENSOR                       its node, lcore, epoch\n"
"  history|attention ... go to the sensor's node; stats|flags|feeds\n"
"  --node N go to that node's daemon\n"
"\n"
"options:\n"
"  -s, --socket PATH   control socket (default $SENSEPLANE_SOCKET or %s)\n"
"      --redis URL     cluster mode: redis://, unix://, sentinel://\n"
"      --prefix P      key prefix in Redis (default sp:)\n"
"      --token-file F  cluster mode: the node API's token is in F (default\n"
"                      $SENSEPLANE_TOKEN_FILE; controlplane.api_token_file)\n"
"  -j, --json          print the dataplane's JSON answer\n"
"  -h, --help          this text\n"
"\n"
"LEVEL is low, medium or high. Exit codes: 0 done, 1 the dataplane\n"
"refused (the reason is printed), 2 usage, 3 no dataplane.\n",
		DEFAULT_SOCKET);
}

/* "--interval MS" / "--count N" values: whole numbers, named in errors. */
static int top_number(const char *opt, const char *v, long min, long *out)
{
	char *end;

	errno = 0;
	*out = v ? strtol(v, &end, 10) : 0;
	if (v == NULL || *v == '\0' || *end || errno || *out < min) {
		fprintf(stderr, "senseplane top: %s '%s': expected a whole "
			"number%s\n", opt, v ? v : "", min > 0 ?
			(min == 50 ? " of ms, at least 50" : " above 0") : "");
		return -1;
	}
	return 0;
}

/* Parse top's options. @return 0, or 2 (usage). */
static int top_opts(int argc, char **argv, long *interval, long *count,
		    int *json)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--interval") == 0) {
			if (top_number("--interval", argv[i + 1], 50,
				       interval) < 0)
				return 2;
			i++;
		} else if (strcmp(argv[i], "--count") == 0) {
			if (top_number("--count", argv[i + 1], 1, count) < 0)
				return 2;
			i++;
		} else if (strcmp(argv[i], "--json") == 0) {
			*json = 1;
		} else {
			fprintf(stderr, "senseplane top: unknown option '%s' "
				"(--interval MS, --count N, --json)\n",
				argv[i]);
			return 2;
		}
	}
	return 0;
}

/* Live figures every interval; with --json one line of `stats` each. */
static int top(struct sp_ctl *c, long interval, long count, int json)
{
	json_t *prev = NULL, *now;
	char err[256];
	struct timespec t0, t1;

	signal(SIGINT, on_signal);
	/* the first frame is a rate too: a baseline a moment before it */
	if (!json) {
		prev = sp_ctl_call(c, err, sizeof(err), "stats");
		if (prev == NULL) {
			fprintf(stderr, "senseplane: %s\n", err);
			return 3;
		}
		clock_gettime(CLOCK_MONOTONIC, &t0);
		usleep((useconds_t)(interval < 250 ? interval : 250) * 1000);
	} else {
		clock_gettime(CLOCK_MONOTONIC, &t0);
	}
	for (long n = 0; !g_stop && (!count || n < count); n++) {
		now = sp_ctl_call(c, err, sizeof(err), "stats");
		if (now == NULL) {
			fprintf(stderr, "senseplane: %s\n", err);
			json_decref(prev);
			return 3;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (json) {
			json_dumpf(now, stdout, JSON_COMPACT);
			putchar('\n');
			fflush(stdout);
		} else {
			cli_print_top(stdout, now, prev,
				      (double)(t1.tv_sec - t0.tv_sec) +
				      (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
		}
		t0 = t1;
		json_decref(prev);
		prev = now;
		if (!count || n + 1 < count)
			usleep((useconds_t)interval * 1000);
	}
	json_decref(prev);
	return 0;
}

/* Words of the request: the CLI's own flags (--ttl) become the
 * protocol's (ttl=MS); "status" is "ping". */
static int build_line(int argc, char **argv, char *line, size_t len)
{
	size_t off = 0;

	for (int i = 0; i < argc; i++) {
		const char *w = argv[i];
		char tmp[64];
		int n;

		if (i == 0 && strcmp(w, "status") == 0)
			w = "ping";
		if (strcmp(w, "--ttl") == 0 && i + 1 < argc) {
			snprintf(tmp, sizeof(tmp), "ttl=%s", argv[++i]);
			w = tmp;
		}
		if (strpbrk(w, " \t\n")) {
			fprintf(stderr, "senseplane: '%s': no spaces in words\n",
				w);
			return -1;
		}
		n = snprintf(line + off, len - off, "%s%s", off ? " " : "", w);
		if (n < 0 || (size_t)n >= len - off)
			return -1;
		off += (size_t)n;
	}
	return 0;
}

/* sp_args_check on the protocol words of @p line (split on spaces). */
static enum sp_args_code cli_check_line(const char *line, char *err,
					size_t errlen)
{
	char buf[2048], *words[SP_ARGS_MAX];
	int n;

	snprintf(buf, sizeof(buf), "%s", line);
	n = sp_args_split(buf, words, SP_ARGS_MAX);
	if (n < 0) {
		snprintf(err, errlen, "more than %d words: no request has "
			 "that many", SP_ARGS_MAX);
		return SP_ARGS_USAGE;
	}
	return sp_args_check(NULL, n, words, err, errlen);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "socket", 1, NULL, 's' }, { "json", 0, NULL, 'j' },
		{ "redis", 1, NULL, 'R' }, { "prefix", 1, NULL, 'P' },
		{ "token-file", 1, NULL, 'T' },
		{ "help", 0, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	const char *path = getenv("SENSEPLANE_SOCKET");
	const char *redis = getenv("SENSEPLANE_REDIS"), *prefix = "sp:";
	const char *token_file = getenv("SENSEPLANE_TOKEN_FILE");
	char err[512], line[2048];
	struct sp_ctl *c;
	json_t *resp;
	int json = 0, o, rc;

	if (path == NULL)
		path = DEFAULT_SOCKET;
	/* options before the command; the command's own words follow */
	while ((o = getopt_long(argc, argv, "+s:jh", lo, NULL)) != -1) {
		switch (o) {
		case 's': path = optarg; break;
		case 'R': redis = optarg; break;
		case 'P': prefix = optarg; break;
		case 'T': token_file = optarg; break;
		case 'j': json = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		usage(stderr);
		return 2;
	}
	if (argc > 1 && strcmp(argv[argc - 1], "--json") == 0) {
		json = 1;
		argc--;
	}
	if (strcmp(argv[0], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (redis)
		return cli_cluster(redis, prefix, token_file, json, argc, argv);
	if (strcmp(argv[0], "top") == 0) {
		long interval = 1000, count = 0;

		rc = top_opts(argc, argv, &interval, &count, &json);
		if (rc)
			return rc;
		c = sp_ctl_open(path, err, sizeof(err));
		if (c == NULL) {
			fprintf(stderr, "senseplane: %s\n", err);
			return 3;
		}
		rc = top(c, interval, count, json);
		sp_ctl_close(c);
		return rc;
	}
	/* a request that is not well-formed needs no dataplane to say so */
	if (build_line(argc, argv, line, sizeof(line)) < 0)
		return 2;
	if (cli_check_line(line, err, sizeof(err)) != SP_ARGS_OK) {
		fprintf(stderr, "senseplane: %s\n", err);
		return 2;
	}
	c = sp_ctl_open(path, err, sizeof(err));
	if (c == NULL) {
		fprintf(stderr, "senseplane: %s\n", err);
		return 3;
	}
	resp = sp_ctl_call(c, err, sizeof(err), "%s", line);
	sp_ctl_close(c);
	if (resp == NULL) {
		fprintf(stderr, "senseplane: %s\n", err);
		return 3;
	}
	if (sp_ctl_error(resp)) {
		const char *e = sp_ctl_error(resp);

		if (json)
			json_dumpf(resp, stdout, JSON_COMPACT);
		else
			fprintf(stderr, "senseplane %s: %s\n", argv[0], e);
		if (json)
			putchar('\n');
		/* the protocol says which: "usage" or "refused" */
		rc = json_is_string(json_object_get(resp, "code")) &&
		     strcmp(json_string_value(json_object_get(resp, "code")),
			    "usage") == 0 ? 2 : 1;
	} else {
		if (json) {
			json_dumpf(resp, stdout, JSON_COMPACT);
			putchar('\n');
		} else {
			cli_print(stdout, argv[0], argc > 1 ? argv[1] : "",
				  resp);
		}
		rc = 0;
	}
	json_decref(resp);
	return rc;
}
