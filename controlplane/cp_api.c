/*
 * cp_api.c - the node API and /metrics (see cp_api.h; the metric families
 * are listed in SCHEMA.md).
 */
#include "cp_api.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/http.h>
#include <event2/listener.h>
#include <hiredis/hiredis.h>
#include <jansson.h>

#include "cp_apireq.h"
#include "cp_metrics.h"
#include "sp_addr.h"
#include "sp_token.h"

/* Wrong tokens a connection may send before it is closed. */
#define AUTH_TRIES 3

struct cp_api {
	struct cp_node *n;
	struct evconnlistener *lis;
	struct evhttp *http;
	char token[SP_TOKEN_MAX + 1];  /* "": no authentication */
};

/* One client of the node API. */
struct conn {
	struct cp_api *a;
	int authed;
	int fails;
};

static void send_json(struct bufferevent *bev, json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT);

	json_decref(j);
	if (s == NULL)
		return;
	bufferevent_write(bev, s, strlen(s));
	bufferevent_write(bev, "\n", 1);
	free(s);
}

static json_t *whereis_json(struct cp_node *n, uint64_t sensor,
			    const struct cp_cache_entry *e,
			    const char *source)
{
	return json_pack("{s:b, s:I, s:s, s:I, s:b, s:b, s:s}", "ok", 1,
			 "sensor", (json_int_t)sensor, "node",
			 n->cache.nodes[e->node], "epoch", (json_int_t)e->epoch,
			 "idle", e->idle, "alive", n->cache.alive[e->node],
			 "source", e->node == n->me ? "local" : source);
}

struct pending {
	struct cp_node *n;
	struct bufferevent *bev;
	uint64_t sensor;
};

/* Not in the cache: Redis answers (and the cache learns it). */
static void on_whereis_redis(redisAsyncContext *c, void *reply, void *priv)
{
	struct pending *p = priv;
	redisReply *r = reply;
	const struct cp_cache_entry *e;

	(void)c;
	if (r && r->type == REDIS_REPLY_ARRAY && r->elements == 3 &&
	    r->element[0]->type == REDIS_REPLY_STRING) {
		cp_cache_set(&p->n->cache, p->sensor,
			     cp_cache_node(&p->n->cache, r->element[0]->str),
			     r->element[1]->str ? strtoull(r->element[1]->str,
							   NULL, 10) : 0,
			     r->element[2]->str && r->element[2]->str[0] == '1');
		e = cp_cache_get(&p->n->cache, p->sensor);
		send_json(p->bev, whereis_json(p->n, p->sensor, e, "redis"));
	} else {
		send_json(p->bev, json_pack("{s:b, s:s}", "ok", 0, "error",
					    "no node owns that sensor"));
	}
	bufferevent_decref(p->bev);
	free(p);
}

static json_t *ctld_json(struct cp_node *n)
{
	json_t *nodes = json_array(), *r;

	for (uint32_t i = 0; i < n->cache.nnodes; i++)
		json_array_append_new(nodes, json_pack("{s:s, s:b}", "node",
				      n->cache.nodes[i], "alive",
				      n->cache.alive[i]));
	r = json_pack("{s:b, s:s, s:b, s:s, s:I, s:I, s:I, s:I, s:I, s:I,"
			 " s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:f, s:f, s:f,"
			 " s:f, s:o}",
		"ok", 1, "node", n->node, "redis_up", n->redis.up,
		"redis_error", n->redis.err,
		"redis_connects", (json_int_t)n->redis.connects,
		"registry_writes", (json_int_t)n->registry_writes,
		"registry_batches", (json_int_t)n->registry_batches,
		"registry_errors", (json_int_t)n->registry_errors,
		"events_in", (json_int_t)n->events_in,
		"cache_sensors", (json_int_t)n->cache.n,
		"subs_applied", (json_int_t)n->subs_applied,
		"refused", (json_int_t)n->refused,
		"subs_local", (json_int_t)n->subs_local,
		"subs_removed", (json_int_t)n->subs_removed,
		"resyncs", (json_int_t)n->resyncs,
		"restores", (json_int_t)n->restores,
		"moved_in", (json_int_t)n->moved_in,
		"discovery_lag_p50_ms",
		sp_histo_pct(&n->discovery_lag, 50) / 1e6,
		"discovery_lag_p99_ms",
		sp_histo_pct(&n->discovery_lag, 99) / 1e6,
		"whereis_p50_ns", (double)sp_histo_pct(&n->whereis_ns, 50),
		"whereis_p99_ns", (double)sp_histo_pct(&n->whereis_ns, 99),
		"nodes", nodes);
	/* the link to the dataplane: up, what it waits for, why it fell */
	json_object_set_new(r, "dp_up",
			    json_boolean(cp_dplink_answering(n->dp)));
	json_object_set_new(r, "dp_pending",
			    json_integer(cp_dplink_pending(n->dp)));
	json_object_set_new(r, "dp_error",
			    json_string(cp_dplink_error(n->dp)));
	json_object_set_new(r, "dp_errors", json_integer((json_int_t)
							 n->dp_errors));
	json_object_set_new(r, "last_seen_writes", json_integer((json_int_t)
							 n->seen_writes));
	json_object_set_new(r, "idle_writes", json_integer((json_int_t)
							 n->idle_writes));
	json_object_set_new(r, "registry_catchups", json_integer((json_int_t)
							 n->catchups));
	json_object_set_new(r, "auth_failures", json_integer((json_int_t)
							 n->auth_failures));
	return r;
}

/* A request forwarded to the dataplane is answered (or failed). */
static void on_forwarded(void *arg, json_t *r, const char *err)
{
	struct bufferevent *bev = arg;

	send_json(bev, r ? json_incref(r) : json_pack("{s:b, s:s}", "ok", 0,
			"error", err ? err : "no answer from the dataplane"));
	bufferevent_decref(bev);
}

/* With controlplane.api_token_file, a client's first request is
 * "auth TOKEN". @return 1 when @p r may go on, 0 when it was answered
 * here, -1 when the connection is to close. */
static int authenticate(struct conn *c, struct bufferevent *bev,
			const struct cp_api_req *r)
{
	struct cp_api *a = c->a;
	int is_auth = r->kind == CP_API_AUTH;

	if (a->token[0] == '\0' || c->authed)
		return is_auth ? (send_json(bev, json_pack("{s:b}", "ok", 1)),
				  0) : 1;
	if (is_auth && sp_token_equal(a->token, r->token)) {
		c->authed = 1;
		send_json(bev, json_pack("{s:b}", "ok", 1));
		return 0;
	}
	a->n->auth_failures++;
	send_json(bev, json_pack("{s:b, s:s, s:s}", "ok", 0, "code", "auth",
		  "error", is_auth ? "wrong token" :
		  "authentication required: send 'auth TOKEN' first (the "
		  "token of controlplane.api_token_file)"));
	return ++c->fails >= AUTH_TRIES ? -1 : 0;
}

static void on_line(struct cp_api *a, struct bufferevent *bev,
		    const char *line, const struct cp_api_req *r)
{
	struct cp_node *n = a->n;
	uint64_t sensor = r->sensor;
	char err[256];

	if (r->kind == CP_API_BAD) {
		send_json(bev, json_pack("{s:b, s:s, s:s}", "ok", 0, "code",
					 "usage", "error", r->err));
		return;
	}
	if (r->kind == CP_API_WHEREIS) {
		const struct cp_cache_entry *e;
		struct pending *p;
		char key[192];

		e = cp_node_whereis(n, sensor);
		if (e) {
			send_json(bev, whereis_json(n, sensor, e, "cache"));
			return;
		}
		p = calloc(1, sizeof(*p));
		if (p == NULL)
			return;
		*p = (struct pending){ n, bev, sensor };
		bufferevent_incref(bev);
		if (cp_redis_cmd(&n->redis, on_whereis_redis, p, "HMGET %s node "
				 "epoch idle", cp_key_sensor(key, sizeof(key),
				 n->pfx, sensor)) < 0) {
			bufferevent_decref(bev);
			free(p);
			send_json(bev, json_pack("{s:b, s:s}", "ok", 0, "error",
				  "not in the cache, and Redis is down"));
		}
		return;
	}
	if (r->kind == CP_API_CTLD) {
		send_json(bev, ctld_json(n));
		return;
	}
	/* the rest is the dataplane's: answered when it answers, the loop
	 * never waits for it (cp_dplink.h) */
	bufferevent_incref(bev);
	if (cp_dplink_call(n->dp, on_forwarded, bev, "%s", line) < 0) {
		bufferevent_decref(bev);
		snprintf(err, sizeof(err), "this node's dataplane is not "
			 "reachable%s%s", cp_dplink_error(n->dp)[0] ? ": " : "",
			 cp_dplink_error(n->dp));
		send_json(bev, json_pack("{s:b, s:s}", "ok", 0, "error", err));
	}
}

/* The longest request line; a client that sends more without a newline
 * is cut off. */
#define MAX_LINE 4096

static void close_conn(struct bufferevent *bev, struct conn *c)
{
	bufferevent_free(bev);
	free(c);
}

static void on_read(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	char *line;
	size_t len;

	while ((line = evbuffer_readln(in, &len, EVBUFFER_EOL_LF))) {
		struct cp_api_req r;
		int go;

		cp_api_parse(line, &r);
		go = authenticate(c, bev, &r);
		if (go > 0)
			on_line(c->a, bev, line, &r);
		free(line);
		if (go < 0) {
			bufferevent_flush(bev, EV_WRITE, BEV_FLUSH);
			close_conn(bev, c);
			return;
		}
	}
	if (evbuffer_get_length(in) > MAX_LINE)
		close_conn(bev, c);
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		close_conn(bev, arg);
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd,
		      struct sockaddr *sa, int len, void *arg)
{
	struct bufferevent *bev = bufferevent_socket_new(
		evconnlistener_get_base(l), fd, BEV_OPT_CLOSE_ON_FREE);
	struct conn *c = calloc(1, sizeof(*c));

	(void)sa;
	(void)len;
	if (bev == NULL || c == NULL) {
		if (bev)
			bufferevent_free(bev);
		free(c);
		return;
	}
	c->a = arg;
	bufferevent_setcb(bev, on_read, NULL, on_event, c);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
}

/* ---- /metrics ---- */

static void on_metrics(struct evhttp_request *req, void *arg)
{
	struct cp_api *a = arg;
	struct evbuffer *b = evbuffer_new();

	cp_metrics_write(b, a->n);
	evhttp_add_header(evhttp_request_get_output_headers(req),
			  "Content-Type", "text/plain; version=0.0.4");
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
}

/* The value @p where of key @p key ("IPv4:PORT" or "[IPv6]:PORT") into
 * @p ss; an error that names the key and the value otherwise. */
static int listen_addr(const char *key, const char *where,
		       struct sockaddr_storage *ss, socklen_t *len,
		       char *err, size_t errlen)
{
	if (sp_addr_sockaddr46(where, ss, len, 0) == 0)
		return 0;
	snprintf(err, errlen, "%s: '%s' is not ADDR:PORT or [IPv6]:PORT",
		 key, where);
	return -1;
}

/* A listener on @p ss (@p cb NULL: evhttp sets its own). An IPv6 one is
 * IPV6_V6ONLY: with net.ipv6.bindv6only at 0, as most systems have it,
 * "[::]:PORT" would also take every IPv4 connection to that port, a
 * second family the operator did not write and the token rule did not
 * look at; each family is listened on only where it is written. */
static struct evconnlistener *listen_on(struct event_base *base,
					const struct sockaddr_storage *ss,
					socklen_t len, evconnlistener_cb cb,
					void *arg, int backlog)
{
	unsigned int flags = LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE |
			     LEV_OPT_CLOSE_ON_EXEC;

	if (ss->ss_family == AF_INET6)
		flags |= LEV_OPT_BIND_IPV6ONLY;
	return evconnlistener_new_bind(base, cb, arg, flags, backlog,
				       (const struct sockaddr *)ss, (int)len);
}

struct cp_api *cp_api_start(struct cp_node *n, char *err, size_t errlen)
{
	struct cp_api *a = calloc(1, sizeof(*a));
	struct evconnlistener *ml;
	struct sockaddr_storage ss;
	socklen_t len;

	if (a == NULL)
		return NULL;
	a->n = n;
	if (listen_addr("controlplane.api", n->cfg->cp_api, &ss, &len, err,
			errlen) < 0)
		goto fail;
	if (n->cfg->cp_token_file[0] &&
	    sp_token_load(n->cfg->cp_token_file, a->token, err, errlen) < 0)
		goto fail;
	if (!sp_addr_is_loopback((struct sockaddr *)&ss) &&
	    a->token[0] == '\0') {
		snprintf(err, errlen, "controlplane.api %s is not a loopback "
			 "address: set controlplane.api_token_file, so that "
			 "only clients with the token may use it",
			 n->cfg->cp_api);
		goto fail;
	}
	a->lis = listen_on(n->base, &ss, len, on_accept, a, 16);
	if (a->lis == NULL) {
		snprintf(err, errlen, "controlplane.api %s: cannot listen: %s",
			 n->cfg->cp_api, evutil_socket_error_to_string(
			 EVUTIL_SOCKET_ERROR()));
		goto fail;
	}
	if (n->cfg->cp_metrics[0]) {
		if (listen_addr("controlplane.metrics", n->cfg->cp_metrics,
				&ss, &len, err, errlen) < 0)
			goto fail;
		/* bound here, not by evhttp_bind_socket: that one resolves
		 * a host name and cannot set IPV6_V6ONLY */
		a->http = evhttp_new(n->base);
		ml = a->http ? listen_on(n->base, &ss, len, NULL, NULL, -1) :
			       NULL;
		if (ml == NULL) {
			snprintf(err, errlen, "controlplane.metrics %s: cannot "
				 "listen: %s", n->cfg->cp_metrics,
				 evutil_socket_error_to_string(
				 EVUTIL_SOCKET_ERROR()));
			goto fail;
		}
		if (evhttp_bind_listener(a->http, ml) == NULL) {
			evconnlistener_free(ml);
			snprintf(err, errlen, "controlplane.metrics %s: cannot "
				 "serve HTTP", n->cfg->cp_metrics);
			goto fail;
		}
		evhttp_set_cb(a->http, "/metrics", on_metrics, a);
	}
	return a;
fail:
	cp_api_stop(a);
	return NULL;
}

void cp_api_stop(struct cp_api *a)
{
	if (a == NULL)
		return;
	if (a->lis)
		evconnlistener_free(a->lis);
	if (a->http)
		evhttp_free(a->http);
	free(a);
}
