/*
 * rec_store.h - the time-series store over HTTP (VictoriaMetrics' import
 * API), on a libevent loop: one POST at a time, its outcome to a callback.
 * The caller decides what to retry and when (rec_main.c's backoff).
 */
#ifndef REC_STORE_H
#define REC_STORE_H

#include <stddef.h>

struct event_base;
struct rec_store;

/* The outcome of one request: @p ok when the store answered 2xx; else
 * @p why says what happened (no connection, timeout, the status and the
 * start of its body). */
typedef void (*rec_store_done_fn)(void *ctx, int ok, const char *why);

/**
 * A store at @p url ("http://HOST:PORT", no path). @p timeout_s bounds a
 * request. @return it, or NULL with @p err naming the URL and why.
 */
struct rec_store *rec_store_create(struct event_base *base, const char *url,
				   int timeout_s, char *err, size_t errlen);

/** Free; a request in flight is cancelled (its callback not called).
 * NULL is a no-op. */
void rec_store_free(struct rec_store *s);

/**
 * POST @p len bytes of @p body (copied) to @p path with @p content_type.
 * @return 0 (the callback will run), -EBUSY with one in flight, -EIO
 * when the request could not be made.
 */
int rec_store_post(struct rec_store *s, const char *path,
		   const char *content_type, const char *body, size_t len,
		   rec_store_done_fn done, void *ctx);

/** GET @p path; ok when 2xx. Same returns as rec_store_post(). */
int rec_store_get(struct rec_store *s, const char *path,
		  rec_store_done_fn done, void *ctx);

/** 1 while a request is in flight. */
int rec_store_busy(const struct rec_store *s);

/** The URL it was made with. */
const char *rec_store_url(const struct rec_store *s);

#endif /* REC_STORE_H */
