/*
 * sp_args.c - the control protocol's requests and their arguments (see
 * sp_args.h).
 */
#include "sp_args.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_addr.h"
#include "sp_level.h"

#define FAIL(...) (snprintf(err, errlen, __VA_ARGS__), -1)

int sp_args_u64(const char *s, uint64_t *out)
{
	char *end;

	if (*s == '\0' || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 0);
	return errno || *end ? -1 : 0;
}

int sp_args_name(const char *name, char *err, size_t errlen)
{
	size_t n = strlen(name);

	if (n == 0 || n >= SP_NAME_MAX ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		   "0123456789._-") != n)
		return FAIL("viewer name '%s': 1 to %d characters of letters, "
			    "digits, '.', '_' and '-'", name, SP_NAME_MAX - 1);
	return 0;
}

int sp_args_key(const struct sp_catalog *cat, const char *arg,
		uint64_t *sensor, uint16_t *attr, int need_attr, char *err,
		size_t errlen)
{
	char buf[128], *slash;
	uint64_t v;

	if (strlen(arg) >= sizeof(buf))
		return FAIL("'%.40s...': too long for SENSOR[/ATTRIBUTE]", arg);
	snprintf(buf, sizeof(buf), "%s", arg);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	if (sp_args_u64(buf, sensor) < 0 || *sensor == 0)
		return FAIL("'%s': expected SENSOR[/ATTRIBUTE] with a sensor "
			    "id above 0", arg);
	*attr = 0;
	if (slash == NULL)
		return need_attr ? FAIL("'%s': expected SENSOR/ATTRIBUTE", arg)
				 : 0;
	if (*slash == '\0')
		return FAIL("'%s': no attribute after '/'", arg);
	if (cat == NULL) {
		/* the form only: an id is kept, a name is the catalogue's */
		if (sp_args_u64(slash, &v) == 0 && (v == 0 || v > 65535))
			return FAIL("'%s': attribute ids are 1..65535", arg);
		*attr = sp_args_u64(slash, &v) == 0 ? (uint16_t)v : 0;
		return 0;
	}
	{
		const struct sp_attr *a = sp_catalog_find(cat, slash);

		if (a == NULL && sp_args_u64(slash, &v) == 0 && v > 0 &&
		    v < 65536)
			a = sp_catalog_get(cat, (uint16_t)v);
		if (a == NULL)
			return FAIL("'%s': no attribute '%s' in the catalogue",
				    arg, slash);
		*attr = (uint16_t)a->id;
	}
	return 0;
}

int sp_args_ttl(const char *ms, uint32_t *out, char *err, size_t errlen)
{
	uint64_t v;

	if (sp_args_u64(ms, &v) < 0 || v == 0 || v > SP_TTL_MAX_MS)
		return FAIL("ttl '%s': 1..%u ms", ms, SP_TTL_MAX_MS);
	*out = (uint32_t)v;
	return 0;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	char tail;

	return sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx%c", &mac[0], &mac[1],
		      &mac[2], &mac[3], &mac[4], &mac[5], &tail) == 6 ? 0 : -1;
}

int sp_args_viewer_add(int argc, char **argv, struct sp_viewer_args *v,
		       char *err, size_t errlen)
{
	int level;

	memset(v, 0, sizeof(*v));
	v->level = SP_LEVEL_MEDIUM;
	if (argc < 4 || argc > 7 || strcmp(argv[1], "add") != 0)
		return FAIL("%s", sp_args_usage("viewer"));
	if (sp_args_name(argv[2], err, errlen) < 0)
		return -1;
	v->name = argv[2];
	if (sp_addr_parse(argv[3], &v->ip, &v->port, 0) < 0 || v->port == 0)
		return FAIL("'%s': expected IP:PORT", argv[3]);
	for (int i = 4; i < argc; i++) {
		if (strncmp(argv[i], "mac=", 4) == 0) {
			if (parse_mac(argv[i] + 4, v->mac) < 0)
				return FAIL("'%s': expected mac=aa:bb:cc:dd:ee:"
					    "ff", argv[i]);
			v->have_mac = 1;
		} else if (strcmp(argv[i], "record") == 0) {
			v->record = 1;
		} else if ((level = sp_level_parse(argv[i])) > 0) {
			v->level = (uint8_t)level;
		} else {
			return FAIL("'%s': expected low, medium, high, "
				    "mac=MAC or record", argv[i]);
		}
	}
	return 0;
}

int sp_args_sub(const struct sp_catalog *cat, int argc, char **argv,
		struct sp_sub_args *s, char *err, size_t errlen)
{
	int level;

	memset(s, 0, sizeof(*s));
	if (argc < 4 || (strcmp(argv[1], "add") && strcmp(argv[1], "rm")) ||
	    (strcmp(argv[1], "rm") == 0 && argc != 4) || argc > 6)
		return FAIL("%s", sp_args_usage("sub"));
	if (sp_args_name(argv[2], err, errlen) < 0)
		return -1;
	s->viewer = argv[2];
	if (sp_args_key(cat, argv[3], &s->sensor, &s->attr, 0, err,
			errlen) < 0)
		return -1;
	for (int i = 4; i < argc; i++) {
		if (strncmp(argv[i], "ttl=", 4) == 0) {
			if (sp_args_ttl(argv[i] + 4, &s->ttl_ms, err,
					errlen) < 0)
				return -1;
		} else if ((level = sp_level_parse(argv[i])) > 0) {
			s->level = (uint8_t)level;
		} else {
			return FAIL("'%s': expected low, medium, high or "
				    "ttl=MS", argv[i]);
		}
	}
	return 0;
}

/* ---- the request table ---- */

typedef int (*check_fn)(const struct sp_catalog *cat, int argc, char **argv,
			char *err, size_t errlen);

static int c_viewer(const struct sp_catalog *cat, int argc, char **argv,
		    char *err, size_t errlen)
{
	struct sp_viewer_args v;

	(void)cat;
	if (argc == 2 && strcmp(argv[1], "ls") == 0)
		return 0;
	if (argc == 3 && strcmp(argv[1], "rm") == 0)
		return sp_args_name(argv[2], err, errlen);
	return sp_args_viewer_add(argc, argv, &v, err, errlen);
}

static int c_sub(const struct sp_catalog *cat, int argc, char **argv,
		 char *err, size_t errlen)
{
	struct sp_sub_args s;

	if (argc >= 2 && argc <= 3 && strcmp(argv[1], "ls") == 0)
		return argc == 3 ? sp_args_name(argv[2], err, errlen) : 0;
	return sp_args_sub(cat, argc, argv, &s, err, errlen);
}

static int c_sensor(const struct sp_catalog *cat, int argc, char **argv,
		    char *err, size_t errlen)
{
	uint64_t s;

	(void)cat;
	(void)argc;
	if (sp_args_u64(argv[1], &s) < 0 || s == 0)
		return FAIL("'%s': expected a sensor id above 0", argv[1]);
	return 0;
}

static int c_key(const struct sp_catalog *cat, int argc, char **argv,
		 char *err, size_t errlen)
{
	uint64_t s;
	uint16_t a;

	(void)argc;
	return sp_args_key(cat, argv[1], &s, &a, 0, err, errlen);
}

static int c_history(const struct sp_catalog *cat, int argc, char **argv,
		     char *err, size_t errlen)
{
	uint64_t s, x, y;
	uint16_t a;

	if (sp_args_key(cat, argv[1], &s, &a, 1, err, errlen) < 0)
		return -1;
	if (argc == 4 && strcmp(argv[2], "last") == 0 &&
	    sp_args_u64(argv[3], &x) == 0 && x > 0)
		return 0;
	if (argc == 4 && (strcmp(argv[2], "since") == 0 ||
			  strcmp(argv[2], "after") == 0) &&
	    sp_args_u64(argv[3], &x) == 0)
		return 0;
	if (argc == 5 && strcmp(argv[2], "range") == 0 &&
	    sp_args_u64(argv[3], &x) == 0 && sp_args_u64(argv[4], &y) == 0 &&
	    x <= y)
		return 0;
	return FAIL("%s", sp_args_usage("history"));
}

static int c_sensors(const struct sp_catalog *cat, int argc, char **argv,
		     char *err, size_t errlen)
{
	uint64_t v;

	(void)cat;
	for (int i = 1; i < argc; i++)
		if (i == 3 ? strcmp(argv[i], "brief") != 0 &&
			     strcmp(argv[i], "attrs") != 0 :
		    sp_args_u64(argv[i], &v) < 0 || (i == 1 && v == 0))
			return FAIL("%s", sp_args_usage("sensors"));
	return 0;
}

static int c_flags(const struct sp_catalog *cat, int argc, char **argv,
		   char *err, size_t errlen)
{
	(void)cat;
	if (argc == 1 || (argc == 4 && strcmp(argv[1], "set") == 0 &&
			  (strcmp(argv[3], "on") == 0 ||
			   strcmp(argv[3], "off") == 0)))
		return 0;
	return FAIL("%s", sp_args_usage("flags"));
}

static int c_loss(const struct sp_catalog *cat, int argc, char **argv,
		  char *err, size_t errlen)
{
	(void)cat;
	if (argc == 1 || strcmp(argv[1], "set") == 0)
		return 0;   /* the settings themselves: the dataplane's */
	return FAIL("%s", sp_args_usage("loss"));
}

static int c_keys(const struct sp_catalog *cat, int argc, char **argv,
		  char *err, size_t errlen)
{
	(void)cat;
	if (argc == 1 || strcmp(argv[1], "reload") == 0)
		return 0;
	return FAIL("%s", sp_args_usage("keys"));
}

/* "join GROUP:PORT [ttl=MS]", "leave GROUP:PORT" */
static int c_join(const struct sp_catalog *cat, int argc, char **argv,
		  char *err, size_t errlen)
{
	uint32_t ip;
	uint16_t port;
	uint64_t ttl;

	(void)cat;
	if (sp_addr_parse(argv[1], &ip, &port, 0) < 0)
		return FAIL("'%s': expected GROUP:PORT", argv[1]);
	if (argc == 3 && (strcmp(argv[0], "join") != 0 ||
			  strncmp(argv[2], "ttl=", 4) != 0 ||
			  sp_args_u64(argv[2] + 4, &ttl) < 0 || ttl == 0 ||
			  ttl > 600000))
		return FAIL("'%s': expected ttl=MS, 1..600000", argv[2]);
	return 0;
}

/* The one table of the protocol's requests (CONTROL.md), in the order of
 * enum sp_verb: every path a request takes checks its words here, the
 * dataplane's help lists it, the CLI's usage errors quote it. */
static const struct request {
	const char *verb;
	int min, max;          /* words, the verb included */
	check_fn check;        /* NULL: the count is all */
	const char *usage;
	const char *help;
} requests[SP_VERB_N] = {
	[SP_VERB_PING] = { "ping", 1, 1, NULL, "ping",
	  "version, session, workers" },
	[SP_VERB_HELP] = { "help", 1, 1, NULL, "help", "every request" },
	[SP_VERB_VIEWER] = { "viewer", 2, 7, c_viewer, "viewer add NAME "
	  "IP:PORT [LEVEL] [mac=MAC] [record] | viewer rm NAME | viewer ls",
	  "a viewer and its lens feed" },
	[SP_VERB_SUB] = { "sub", 2, 6, c_sub, "sub add VIEWER SENSOR[/ATTR] "
	  "[LEVEL] [ttl=MS] | sub rm VIEWER SENSOR[/ATTR] | sub ls [VIEWER]",
	  "subscribe (again: renew)" },
	[SP_VERB_PIN] = { "pin", 2, 2, c_sensor, "pin SENSOR",
	  "high for everyone" },
	[SP_VERB_UNPIN] = { "unpin", 2, 2, c_sensor, "unpin SENSOR", "" },
	[SP_VERB_PINS] = { "pins", 1, 1, NULL, "pins", "pinned sensors" },
	[SP_VERB_ATTENTION] = { "attention", 2, 2, c_key,
	  "attention SENSOR[/ATTR]", "levels and routes of its keys" },
	[SP_VERB_SENSORS] = { "sensors", 1, 4, c_sensors,
	  "sensors [LIMIT [FROM [brief|attrs]]]", "sensors and their figures "
	  "(attrs: the attributes each sent), a page" },
	[SP_VERB_HISTORY] = { "history", 4, 5, c_history, "history "
	  "SENSOR/ATTR last N | since MS | range FROM_NS TO_NS | "
	  "after VERSION", "" },
	[SP_VERB_FLAGS] = { "flags", 1, 4, c_flags, "flags | flags set "
	  "attention|lenses|backfill|shedding|hints|consumed|staged|coalesce|"
	  "dirtyvec|routes3|rtxwarm on|off",
	  "the switches" },
	[SP_VERB_FEEDS] = { "feeds", 1, 1, NULL, "feeds",
	  "every feed and where it goes" },
	[SP_VERB_STATS] = { "stats", 1, 1, NULL, "stats",
	  "counters, tiers, viewers, tables" },
	[SP_VERB_LOSS] = { "loss", 1, 8, c_loss, "loss | loss set [drop=F] "
	  "[dup=F] [reorder=F] [burst=N] [seed=N] [feed=ID|all]",
	  "loss injection for tests" },
	[SP_VERB_WATCH] = { "watch", 1, 1, NULL, "watch",
	  "the sensor events, as they come" },
	[SP_VERB_KEYS] = { "keys", 1, 2, c_keys, "keys | keys reload",
	  "the sensors' MAC keys (reload: the file)" },
	[SP_VERB_JOIN] = { "join", 2, 3, c_join, "join GROUP:PORT [ttl=MS]",
	  "a viewer reads that feed (a lease)" },
	[SP_VERB_LEAVE] = { "leave", 2, 2, c_join, "leave GROUP:PORT",
	  "the lease ends now" },
	[SP_VERB_JOINS] = { "joins", 1, 1, NULL, "joins",
	  "feeds with a lease, and the counts" },
};

int sp_args_split(char *line, char **argv, int max)
{
	char *save = NULL, *tok;
	int argc = 0;

	for (tok = strtok_r(line, " \t\r", &save); tok;
	     tok = strtok_r(NULL, " \t\r", &save)) {
		if (argc == max)
			return -1;
		argv[argc++] = tok;
	}
	return argc;
}

int sp_args_verb(const char *word)
{
	for (int i = 0; i < SP_VERB_N; i++)
		if (strcmp(requests[i].verb, word) == 0)
			return i;
	return -1;
}

static const struct request *find(const char *verb)
{
	int i = sp_args_verb(verb);

	return i < 0 ? NULL : &requests[i];
}

const char *sp_args_verb_usage(enum sp_verb v)
{
	return requests[v].usage;
}

const char *sp_args_verb_help(enum sp_verb v)
{
	return requests[v].help;
}

const char *sp_args_usage(const char *verb)
{
	static __thread char buf[160];
	const struct request *r = find(verb);

	if (r == NULL)
		return NULL;
	snprintf(buf, sizeof(buf), "usage: %s", r->usage);
	return buf;
}

enum sp_args_code sp_args_check(const struct sp_catalog *cat, int argc,
				char **argv, char *err, size_t errlen)
{
	const struct request *r = argc > 0 ? find(argv[0]) : NULL;

	if (r == NULL) {
		snprintf(err, errlen, "unknown request '%s' (help lists them)",
			 argc > 0 ? argv[0] : "");
		return SP_ARGS_USAGE;
	}
	if (argc < r->min || argc > r->max) {
		snprintf(err, errlen, "usage: %s", r->usage);
		return SP_ARGS_USAGE;
	}
	if (r->check && r->check(cat, argc, argv, err, errlen) < 0)
		return SP_ARGS_USAGE;
	return SP_ARGS_OK;
}
