/*
 * rec_store.c - HTTP to the store with libevent's evhttp (see rec_store.h).
 */
#include "rec_store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

struct rec_store {
	struct event_base *base;
	struct evhttp_connection *conn;
	char url[256], host[128];
	int port;
	int busy;
	int freeing;               /* callbacks of a connection being freed */
	enum evhttp_request_error last_error;
	int had_error;
	rec_store_done_fn done;
	void *ctx;
};

struct rec_store *rec_store_create(struct event_base *base, const char *url,
				   int timeout_s, char *err, size_t errlen)
{
	struct evhttp_uri *u = evhttp_uri_parse(url);
	struct rec_store *s = NULL;
	const char *scheme, *host, *path;

	if (u == NULL) {
		snprintf(err, errlen, "--store '%s': not a URL (expected "
			 "http://HOST:PORT)", url);
		return NULL;
	}
	scheme = evhttp_uri_get_scheme(u);
	host = evhttp_uri_get_host(u);
	path = evhttp_uri_get_path(u);
	if (scheme == NULL || strcmp(scheme, "http") != 0 || host == NULL ||
	    host[0] == '\0' || strlen(host) >= sizeof(s->host) ||
	    (path && path[0] && strcmp(path, "/") != 0) ||
	    strlen(url) >= sizeof(s->url)) {
		snprintf(err, errlen, "--store '%s': expected http://HOST:PORT "
			 "(no path, no https)", url);
		goto out;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		snprintf(err, errlen, "--store: out of memory");
		goto out;
	}
	s->base = base;
	snprintf(s->url, sizeof(s->url), "%s", url);
	snprintf(s->host, sizeof(s->host), "%s", host);
	s->port = evhttp_uri_get_port(u) > 0 ? evhttp_uri_get_port(u) : 80;
	s->conn = evhttp_connection_base_new(base, NULL, s->host,
					     (unsigned short)s->port);
	if (s->conn == NULL) {
		snprintf(err, errlen, "--store '%s': cannot make a "
			 "connection", url);
		free(s);
		s = NULL;
		goto out;
	}
	evhttp_connection_set_timeout(s->conn, timeout_s);
	evhttp_connection_set_retries(s->conn, 0);
out:
	evhttp_uri_free(u);
	return s;
}

void rec_store_free(struct rec_store *s)
{
	if (s == NULL)
		return;
	s->freeing = 1;
	evhttp_connection_free(s->conn);
	free(s);
}

static const char *error_name(enum evhttp_request_error e)
{
	switch (e) {
	case EVREQ_HTTP_TIMEOUT: return "timed out";
	case EVREQ_HTTP_EOF: return "connection closed";
	case EVREQ_HTTP_INVALID_HEADER: return "bad answer";
	case EVREQ_HTTP_BUFFER_ERROR: return "connection refused or reset";
	case EVREQ_HTTP_REQUEST_CANCEL: return "cancelled";
	case EVREQ_HTTP_DATA_TOO_LONG: return "answer too long";
	}
	return "failed";
}

static void on_error(enum evhttp_request_error e, void *arg)
{
	struct rec_store *s = arg;

	s->last_error = e;
	s->had_error = 1;
}

static void on_done(struct evhttp_request *req, void *arg)
{
	struct rec_store *s = arg;
	rec_store_done_fn done = s->done;
	int code = req ? evhttp_request_get_response_code(req) : 0;
	char why[256];

	if (s->freeing)
		return;
	s->busy = 0;
	s->done = NULL;
	if (code >= 200 && code < 300) {
		done(s->ctx, 1, NULL);
		return;
	}
	if (code == 0) {
		snprintf(why, sizeof(why), "%s: %s", s->url, s->had_error ?
			 error_name(s->last_error) : "no answer");
	} else {
		struct evbuffer *in = evhttp_request_get_input_buffer(req);
		size_t n = in ? evbuffer_get_length(in) : 0;
		char body[160] = "";

		if (n >= sizeof(body))
			n = sizeof(body) - 1;
		if (n)
			evbuffer_copyout(in, body, n);
		body[n] = '\0';
		for (char *c = body; *c; c++)
			if (*c == '\n' || *c == '\r')
				*c = ' ';
		snprintf(why, sizeof(why), "%s: HTTP %d %s", s->url, code,
			 body);
	}
	done(s->ctx, 0, why);
}

static int request(struct rec_store *s, enum evhttp_cmd_type type,
		   const char *path, const char *content_type,
		   const char *body, size_t len, rec_store_done_fn done,
		   void *ctx)
{
	struct evhttp_request *req;
	struct evkeyvalq *h;

	if (s->busy)
		return -EBUSY;
	req = evhttp_request_new(on_done, s);
	if (req == NULL)
		return -EIO;
	evhttp_request_set_error_cb(req, on_error);
	h = evhttp_request_get_output_headers(req);
	evhttp_add_header(h, "Host", s->host);
	if (content_type)
		evhttp_add_header(h, "Content-Type", content_type);
	if (body && evbuffer_add(evhttp_request_get_output_buffer(req), body,
				 len) < 0) {
		evhttp_request_free(req);
		return -EIO;
	}
	s->done = done;
	s->ctx = ctx;
	s->had_error = 0;
	s->busy = 1;
	/* on failure evhttp_make_request() frees the request itself */
	if (evhttp_make_request(s->conn, req, type, path) < 0) {
		s->busy = 0;
		s->done = NULL;
		return -EIO;
	}
	return 0;
}

int rec_store_post(struct rec_store *s, const char *path,
		   const char *content_type, const char *body, size_t len,
		   rec_store_done_fn done, void *ctx)
{
	return request(s, EVHTTP_REQ_POST, path, content_type, body, len,
		       done, ctx);
}

int rec_store_get(struct rec_store *s, const char *path,
		  rec_store_done_fn done, void *ctx)
{
	return request(s, EVHTTP_REQ_GET, path, NULL, NULL, 0, done, ctx);
}

int rec_store_busy(const struct rec_store *s)
{
	return s->busy;
}

const char *rec_store_url(const struct rec_store *s)
{
	return s->url;
}
