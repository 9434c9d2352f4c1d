/*
 * cli_cluster.c - cluster-mode commands (see cli_cluster.h).
 */
#include "cli_cluster.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>
#include <jansson.h>

#include "cli_print.h"
#include "cp_actions.h"
#include "cp_sync.h"
#include "cp_schema.h"
#include "cp_url.h"
#include "sp_addr.h"
#include "sp_args.h"
#include "sp_catalog.h"
#include "sp_level.h"
#include "sp_time.h"
#include "sp_token.h"


struct cl {
	redisContext *r;
	const char *pfx;
	int json;
	struct sp_catalog cat;
	char token[SP_TOKEN_MAX + 1];  /* for the node API, "" none */
};

static redisReply *cmd(struct cl *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static redisReply *cmd(struct cl *c, const char *fmt, ...)
{
	va_list ap;
	redisReply *r;

	va_start(ap, fmt);
	r = redisvCommand(c->r, fmt, ap);
	va_end(ap);
	return r;
}

static void out(struct cl *c, json_t *j, const char *verb)
{
	if (c->json) {
		json_dumpf(j, stdout, JSON_COMPACT);
		putchar('\n');
	} else {
		cli_print(stdout, verb, "", j);
	}
	json_decref(j);
}

static int fail(const char *fmt, const char *a)
{
	fprintf(stderr, "senseplane: ");
	fprintf(stderr, fmt, a);
	fputc('\n', stderr);
	return 1;
}

/* Run an operation (cp_actions.h), one script: all of it or nothing.
 * An error from Redis is said. @return its enum cp_act_result, or -1. */
static int run(struct cl *c, const struct cp_act *a)
{
	char err[512];
	int rc = cp_sync_run(c->r, a, err, sizeof(err));

	if (rc < 0)
		fprintf(stderr, "senseplane: %s\n", err);
	return rc;
}

static int nodes(struct cl *c)
{
	char k[CP_KEY_LEN];
	redisReply *m = cmd(c, "SMEMBERS %s", cp_key_nodes(k, sizeof(k),
							    c->pfx));
	json_t *list = json_array();

	for (size_t i = 0; m && i < m->elements; i++) {
		const char *n = m->element[i]->str;
		redisReply *h = cmd(c, "HGETALL %s", cp_key_node(k, sizeof(k),
								 c->pfx, n));
		redisReply *s = cmd(c, "SCARD %s", cp_key_node_sensors(k,
							sizeof(k), c->pfx, n));
		json_t *o = json_pack("{s:s, s:b, s:I}", "node", n, "alive",
				      h && h->elements > 0, "sensors",
				      (json_int_t)(s ? s->integer : 0));

		for (size_t j = 0; h && j + 1 < h->elements; j += 2)
			json_object_set_new(o, h->element[j]->str,
					    json_string(h->element[j + 1]->str));
		json_array_append_new(list, o);
		freeReplyObject(h);
		freeReplyObject(s);
	}
	freeReplyObject(m);
	if (c->json) {
		out(c, json_pack("{s:b, s:o}", "ok", 1, "nodes", list), "nodes");
		return 0;
	}
	printf("%-16s %-6s %8s %-22s %6s %s\n", "NODE", "ALIVE", "SENSORS",
	       "API", "LCORES", "SESSION");
	for (size_t i = 0; i < json_array_size(list); i++) {
		json_t *o = json_array_get(list, i);

		printf("%-16s %-6s %8lld %-22s %6s %s\n",
		       json_string_value(json_object_get(o, "node")),
		       json_is_true(json_object_get(o, "alive")) ? "yes" : "no",
		       json_integer_value(json_object_get(o, "sensors")),
		       json_string_value(json_object_get(o, "api")) ?: "-",
		       json_string_value(json_object_get(o, "lcores")) ?: "-",
		       json_string_value(json_object_get(o, "session")) ?: "-");
	}
	json_decref(list);
	return 0;
}

static json_t *sensor_json(struct cl *c, uint64_t id)
{
	char k[CP_KEY_LEN];
	redisReply *h = cmd(c, "HGETALL %s", cp_key_sensor(k, sizeof(k),
							   c->pfx, id));
	json_t *o;

	if (h == NULL || h->elements == 0) {
		freeReplyObject(h);
		return NULL;
	}
	o = json_pack("{s:I}", "id", (json_int_t)id);
	for (size_t j = 0; j + 1 < h->elements; j += 2)
		json_object_set_new(o, h->element[j]->str,
				    json_string(h->element[j + 1]->str));
	freeReplyObject(h);
	return o;
}

static int sensors(struct cl *c, int argc, char **argv)
{
	const char *only = argc >= 3 && strcmp(argv[1], "--node") == 0 ?
			   argv[2] : NULL;
	char k[CP_KEY_LEN];
	redisReply *m = cmd(c, "SMEMBERS %s", cp_key_nodes(k, sizeof(k),
							    c->pfx));
	json_t *list = json_array();

	for (size_t i = 0; m && i < m->elements; i++) {
		redisReply *s;

		if (only && strcmp(only, m->element[i]->str) != 0)
			continue;
		s = cmd(c, "SMEMBERS %s", cp_key_node_sensors(k, sizeof(k),
					c->pfx, m->element[i]->str));
		for (size_t j = 0; s && j < s->elements; j++) {
			json_t *o = sensor_json(c, strtoull(s->element[j]->str,
							    NULL, 10));

			if (o)
				json_array_append_new(list, o);
		}
		freeReplyObject(s);
	}
	freeReplyObject(m);
	if (c->json) {
		out(c, json_pack("{s:b, s:o}", "ok", 1, "sensors", list),
		    "cluster-sensors");
		return 0;
	}
	printf("%12s %-16s %6s %6s %5s\n", "SENSOR", "NODE", "LCORE", "EPOCH",
	       "IDLE");
	for (size_t i = 0; i < json_array_size(list); i++) {
		json_t *o = json_array_get(list, i);

		printf("%12lld %-16s %6s %6s %5s\n",
		       json_integer_value(json_object_get(o, "id")),
		       json_string_value(json_object_get(o, "node")) ?: "-",
		       json_string_value(json_object_get(o, "lcore")) ?: "-",
		       json_string_value(json_object_get(o, "epoch")) ?: "-",
		       json_string_value(json_object_get(o, "idle")) ?: "-");
	}
	printf("%zu sensor(s)\n", json_array_size(list));
	json_decref(list);
	return 0;
}

static int whereis(struct cl *c, const char *arg)
{
	char k[CP_KEY_LEN], *end;
	uint64_t id = strtoull(arg, &end, 10);
	json_t *o;
	redisReply *e;
	const char *node;

	if (*end || id == 0)
		return 2;
	o = sensor_json(c, id);
	if (o == NULL)
		return fail("sensor %s: no node owns it", arg);
	node = json_string_value(json_object_get(o, "node"));
	e = cmd(c, "EXISTS %s", cp_key_node(k, sizeof(k), c->pfx, node));
	json_object_set_new(o, "alive", json_boolean(e && e->integer == 1));
	freeReplyObject(e);
	if (c->json) {
		json_object_set_new(o, "ok", json_true());
		out(c, o, "whereis");
		return 0;
	}
	printf("sensor %s on node %s (lcore %s, epoch %s)%s%s\n", arg, node,
	       json_string_value(json_object_get(o, "lcore")) ?: "?",
	       json_string_value(json_object_get(o, "epoch")) ?: "?",
	       json_is_true(json_object_get(o, "alive")) ? "" :
	       ": the node is down (no heartbeat)",
	       json_string_value(json_object_get(o, "idle")) &&
	       strcmp(json_string_value(json_object_get(o, "idle")), "1") == 0 ?
	       ", idle" : "");
	json_decref(o);
	return 0;
}

static int viewer(struct cl *c, int argc, char **argv)
{
	static struct cp_act act;   /* 3 KiB: off the stack */
	char k[CP_KEY_LEN], msg[160];
	int rc;

	if (argc >= 2 && strcmp(argv[1], "ls") == 0) {
		redisReply *m = cmd(c, "SMEMBERS %s", cp_key_viewers(k,
							sizeof(k), c->pfx));
		json_t *list = json_array();

		for (size_t i = 0; m && i < m->elements; i++) {
			const char *v = m->element[i]->str;
			redisReply *h = cmd(c, "HMGET %s dest level error",
				cp_key_viewer(k, sizeof(k), c->pfx, v));
			redisReply *n = cmd(c, "SCARD %s", cp_key_viewer_subs(k,
						sizeof(k), c->pfx, v));

			json_array_append_new(list, json_pack(
				"{s:s, s:s, s:s, s:i, s:I}", "name", v,
				"dest", h && h->element[0]->str ?
					h->element[0]->str : "?",
				"level", h && h->element[1]->str ?
					 h->element[1]->str : "?",
				"feed", 0, "subs",
				(json_int_t)(n ? n->integer : 0)));
			if (h && h->elements == 3 && h->element[2]->str)
				json_object_set_new(json_array_get(list,
					json_array_size(list) - 1), "error",
					json_string(h->element[2]->str));
			freeReplyObject(h);
			freeReplyObject(n);
		}
		freeReplyObject(m);
		out(c, json_pack("{s:b, s:o}", "ok", 1, "viewers", list),
		    "viewer");
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "rm") == 0) {
		/* the viewer and its subscriptions, in one script */
		cp_act_viewer_del(&act, c->pfx, argv[2], sp_wall_ns());
		rc = run(c, &act);
		if (rc == CP_ACT_NO_VIEWER)
			return fail("no viewer '%s'", argv[2]);
		if (rc != CP_ACT_DONE)
			return 1;
		printf("ok\n");
		return 0;
	}
	if (argc >= 4 && strcmp(argv[1], "add") == 0) {
		struct sp_viewer_args va;
		const char *level;

		/* the same rules as the dataplane's, before Redis has it */
		if (sp_args_viewer_add(argc, argv, &va, msg, sizeof(msg)) < 0) {
			fprintf(stderr, "senseplane: %s\n", msg);
			return 2;
		}
		if (va.have_mac) {
			fprintf(stderr, "senseplane: mac= is for a local "
				"viewer; in cluster mode the node resolves "
				"nothing: use a multicast group\n");
			return 2;
		}
		if (va.record) {
			fprintf(stderr, "senseplane: a recording viewer is "
				"a node's: add it on the node's control "
				"socket (the schema has no recorders)\n");
			return 2;
		}
		level = sp_level_name(va.level);
		cp_act_viewer_put(&act, c->pfx, argv[2], argv[3], level, 1,
				  sp_wall_ns());
		rc = run(c, &act);
		if (rc == CP_ACT_EXISTS)
			return fail("viewer '%s' exists", argv[2]);
		if (rc != CP_ACT_DONE)
			return 1;
		printf("viewer %s -> %s at %s\n", argv[2], argv[3], level);
		return 0;
	}
	fprintf(stderr, "senseplane --redis URL: %s\n", sp_args_usage("viewer"));
	return 2;
}

static int sub(struct cl *c, int argc, char **argv)
{
	static struct cp_act act;   /* 3 KiB: off the stack */
	char k[CP_KEY_LEN], k2[CP_KEY_LEN], msg[200];
	const char *level = NULL;
	long ttl = 0;
	uint64_t s;
	uint16_t a;
	int rc;

	if (argc >= 2 && strcmp(argv[1], "ls") == 0) {
		redisReply *vs = cmd(c, "SMEMBERS %s", cp_key_viewers(k,
						sizeof(k), c->pfx));
		json_t *list = json_array();

		for (size_t i = 0; vs && i < vs->elements; i++) {
			const char *v = vs->element[i]->str;
			redisReply *ms;

			if (argc >= 3 && strcmp(argv[2], v) != 0)
				continue;
			ms = cmd(c, "SMEMBERS %s", cp_key_viewer_subs(k,
					sizeof(k), c->pfx, v));
			for (size_t j = 0; ms && j < ms->elements; j++) {
				redisReply *g, *t;

				if (cp_sub_member_parse(ms->element[j]->str, &s,
							&a) < 0)
					continue;
				cp_key_sub(k2, sizeof(k2), c->pfx, v, s, a);
				g = cmd(c, "GET %s", k2);
				t = cmd(c, "PTTL %s", k2);
				if (g && g->str)
					json_array_append_new(list, json_pack(
						"{s:s, s:I, s:s, s:s, s:I}",
						"viewer", v, "sensor",
						(json_int_t)s, "attr", a ?
						sp_catalog_get(&c->cat, a)->name
						: "*", "level", g->str,
						"ttl_ms", (json_int_t)(t &&
						t->integer > 0 ? t->integer : 0)));
				freeReplyObject(g);
				freeReplyObject(t);
			}
			freeReplyObject(ms);
		}
		freeReplyObject(vs);
		out(c, json_pack("{s:b, s:o}", "ok", 1, "subs", list), "sub");
		return 0;
	}
	{
		/* the protocol's words (--ttl MS is ttl=MS), checked by the
		 * same rules as the dataplane's before Redis has them */
		char *words[8], ttlw[32];
		struct sp_sub_args sa;
		int n = 0;

		for (int i = 0; i < argc && n < 8; i++) {
			if (strcmp(argv[i], "--ttl") == 0 && i + 1 < argc) {
				snprintf(ttlw, sizeof(ttlw), "ttl=%s",
					 argv[++i]);
				words[n++] = ttlw;
			} else {
				words[n++] = argv[i];
			}
		}
		if (sp_args_sub(&c->cat, n, words, &sa, msg,
				sizeof(msg)) < 0) {
			fprintf(stderr, "senseplane: %s\n", msg);
			return 2;
		}
		s = sa.sensor;
		a = sa.attr;
		ttl = sa.ttl_ms;
		level = sa.level ? sp_level_name(sa.level) : NULL;
	}
	/* one script: it reads the viewer's default level itself */
	if (strcmp(argv[1], "rm") == 0)
		cp_act_sub_del(&act, c->pfx, argv[2], s, a, sp_wall_ns());
	else
		cp_act_sub_put(&act, c->pfx, argv[2], s, a, level,
			       (uint64_t)ttl, sp_wall_ns());
	rc = run(c, &act);
	if (rc == CP_ACT_NO_VIEWER)
		return fail("no viewer '%s'", argv[2]);
	if (rc == CP_ACT_NO_SUB)
		return fail("viewer '%s' has no such subscription", argv[2]);
	if (rc != CP_ACT_DONE)
		return 1;
	printf("ok\n");
	return 0;
}

static int pin(struct cl *c, int argc, char **argv)
{
	static struct cp_act act;   /* 3 KiB: off the stack */
	char k[CP_KEY_LEN], *end;
	uint64_t s;
	redisReply *r;
	int rc;

	cp_key_pins(k, sizeof(k), c->pfx);
	if (strcmp(argv[0], "pins") == 0) {
		json_t *list = json_array();

		r = cmd(c, "SMEMBERS %s", k);
		for (size_t i = 0; r && i < r->elements; i++)
			json_array_append_new(list, json_integer((json_int_t)
				strtoull(r->element[i]->str, NULL, 10)));
		freeReplyObject(r);
		out(c, json_pack("{s:b, s:o}", "ok", 1, "pins", list), "pins");
		return 0;
	}
	if (argc != 2 || (s = strtoull(argv[1], &end, 10)) == 0 || *end)
		return 2;
	cp_act_pin(&act, c->pfx, s, !strcmp(argv[0], "pin"), sp_wall_ns());
	rc = run(c, &act);
	if (rc == CP_ACT_UNCHANGED)
		return fail(strcmp(argv[0], "pin") ? "sensor %s is not pinned"
			    : "sensor %s is pinned already", argv[1]);
	if (rc != CP_ACT_DONE)
		return 1;
	printf("ok\n");
	return 0;
}

/* Ask node @p node's daemon (its API address is in its node key). */
static int routed(struct cl *c, const char *node, const char *line,
		  const char *verb)
{
	char k[CP_KEY_LEN], err[64], host[80];
	redisReply *a = cmd(c, "HGET %s api", cp_key_node(k, sizeof(k), c->pfx,
							  node));
	struct sockaddr_storage sa;
	socklen_t salen;
	json_t *j;
	FILE *f;
	char *buf = NULL;
	size_t cap = 0;
	int fd;

	if (a == NULL || a->type != REDIS_REPLY_STRING) {
		freeReplyObject(a);
		return fail("node %s is not alive (no node key)", node) + 2;
	}
	/* the node's controlplane.api as it wrote it: either family */
	if (sp_addr_sockaddr46(a->str, &sa, &salen, 0) < 0) {
		fprintf(stderr, "senseplane: node %s has a bad api address "
			"'%s'\n", node, a->str);
		freeReplyObject(a);
		return 3;
	}
	snprintf(host, sizeof(host), "%s", a->str);
	freeReplyObject(a);
	fd = socket(sa.ss_family, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, salen) < 0) {
		snprintf(err, sizeof(err), "%s", strerror(errno));
		if (fd >= 0)
			close(fd);
		fprintf(stderr, "senseplane: node %s at %s: %s\n", node, host,
			err);
		return 3;
	}
	f = fdopen(fd, "r+");
	if (c->token[0]) {
		/* the token first; its answer is read and checked */
		fprintf(f, "auth %s\n", c->token);
		fflush(f);
		if (getline(&buf, &cap, f) < 0 ||
		    !(j = json_loads(buf, 0, NULL))) {
			fclose(f);
			free(buf);
			return fail("node %s did not answer", node) + 2;
		}
		if (!json_is_true(json_object_get(j, "ok"))) {
			fprintf(stderr, "senseplane: node %s refused the token: "
				"%s\n", node, json_string_value(
				json_object_get(j, "error")));
			json_decref(j);
			fclose(f);
			free(buf);
			return 1;
		}
		json_decref(j);
	}
	fprintf(f, "%s\n", line);
	fflush(f);
	if (getline(&buf, &cap, f) < 0 || !(j = json_loads(buf, 0, NULL))) {
		fclose(f);
		free(buf);
		return fail("node %s did not answer", node) + 2;
	}
	fclose(f);
	free(buf);
	if (json_is_true(json_object_get(j, "ok"))) {
		out(c, j, verb);
		return 0;
	}
	fprintf(stderr, "senseplane %s: %s\n", verb,
		json_string_value(json_object_get(j, "error")));
	json_decref(j);
	return 1;
}

/* history/attention go to the sensor's owner; stats/sensors to a node. */
static int route(struct cl *c, int argc, char **argv)
{
	char line[512], k[CP_KEY_LEN];
	uint64_t s = strtoull(argc > 1 ? argv[1] : "0", NULL, 10);
	const char *node = NULL;
	redisReply *o = NULL;
	size_t off = 0;
	int rc;

	for (int i = 0; i < argc; i++) {
		const char *w = i == 0 && strcmp(argv[0], "status") == 0 ?
				"ping" : argv[i];

		if (strcmp(argv[i], "--node") == 0 && i + 1 < argc) {
			node = argv[++i];
			continue;
		}
		off += (size_t)snprintf(line + off, sizeof(line) - off, "%s%s",
					off ? " " : "", w);
	}
	if (node == NULL) {
		if (s == 0) {
			fprintf(stderr, "senseplane %s: give --node NODE\n",
				argv[0]);
			return 2;
		}
		o = cmd(c, "HGET %s node", cp_key_sensor(k, sizeof(k), c->pfx,
							 s));
		if (o == NULL || o->type != REDIS_REPLY_STRING) {
			freeReplyObject(o);
			return fail("sensor %s: no node owns it", argv[1]);
		}
		node = o->str;
	}
	rc = routed(c, node, line, argv[0]);
	freeReplyObject(o);
	return rc;
}

int cli_cluster(const char *url, const char *prefix, const char *token_file,
		int json, int argc, char **argv)
{
	static struct cl c;
	struct timeval tv = { 2, 0 };
	struct cp_url u;
	const char *catalog;
	char err[512];
	int rc, refused;

	c.pfx = prefix;
	c.json = json;
	if (token_file && sp_token_load(token_file, c.token, err,
					sizeof(err)) < 0) {
		fprintf(stderr, "senseplane: %s\n", err);
		return 2;
	}
	if (cp_url_parse(url, &u, err, sizeof(err)) < 0) {
		fprintf(stderr, "senseplane: --redis: %s\n", err);
		return 2;
	}
	/* not installed (run from build/): the catalogue built in */
	catalog = sp_catalog_default(SP_CATALOG_DEFAULT);
	if (catalog[0] == '\0')
		fprintf(stderr, "senseplane: no %s: the built-in attribute "
			"catalogue\n", SP_CATALOG_DEFAULT);
	if (sp_catalog_load(&c.cat, catalog, err, sizeof(err)) < 0) {
		fprintf(stderr, "senseplane: %s\n", err);
		return 2;
	}
	c.r = cp_sync_connect(&u, tv, &refused, err, sizeof(err));
	if (c.r == NULL) {
		fprintf(stderr, "senseplane: %s (%s)\n", err, url);
		return 3;
	}
	if (strcmp(argv[0], "nodes") == 0)
		rc = nodes(&c);
	else if (strcmp(argv[0], "sensors") == 0 && argc >= 3 &&
		 strcmp(argv[1], "--node") != 0)
		rc = 2;
	else if (strcmp(argv[0], "sensors") == 0)
		rc = sensors(&c, argc, argv);
	else if (strcmp(argv[0], "whereis") == 0 && argc == 2)
		rc = whereis(&c, argv[1]);
	else if (strcmp(argv[0], "viewer") == 0)
		rc = viewer(&c, argc, argv);
	else if (strcmp(argv[0], "sub") == 0)
		rc = sub(&c, argc, argv);
	else if (!strcmp(argv[0], "pin") || !strcmp(argv[0], "unpin") ||
		 !strcmp(argv[0], "pins"))
		rc = pin(&c, argc, argv);
	else if (!strcmp(argv[0], "history") || !strcmp(argv[0], "attention") ||
		 !strcmp(argv[0], "stats") || !strcmp(argv[0], "flags") ||
		 !strcmp(argv[0], "feeds") || !strcmp(argv[0], "status"))
		rc = route(&c, argc, argv);
	else {
		fprintf(stderr, "senseplane: '%s' is not a cluster command "
			"(see --help)\n", argv[0]);
		rc = 2;
	}
	if (c.r->err) {
		fprintf(stderr, "senseplane: Redis did not answer within %ld s: "
			"%s\n", (long)tv.tv_sec, c.r->errstr);
		rc = 3;
	}
	redisFree(c.r);
	return rc;
}
