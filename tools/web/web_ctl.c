/*
 * web_ctl.c - the gateway's control calls on a thread of their own (see
 * web_ctl.h).
 *
 * The event loop appends changes to a vector under the mutex and signals;
 * the thread swaps the vector out, keeps the newest change of each key
 * (a key that went up and down while a call was out is asked once, at
 * its last level) and makes the calls. Only the thread uses the
 * libsenseplane handle and the control connection, so neither needs a
 * lock; the catalogue is read only.
 */
#define _GNU_SOURCE
#include "web_ctl.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "senseplane.h"
#include "sp_ctl.h"
#include "sp_time.h"

#define PAGE 20000                  /* sensors per `sensors` request */

struct seq_op {
	struct web_agg_op op;
	uint64_t seq;
};

struct web_ctl {
	pthread_t thr;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int started, stop;
	/* handed in, waiting for the thread (under mu) */
	struct seq_op *q;
	uint32_t n, cap;
	uint64_t seq;
	/* the key list (under mu) */
	json_t *keys;
	uint64_t keys_version;
	struct web_ctl_stats st;        /* under mu */
	/* the thread's own */
	struct senseplane *attn;
	struct sp_ctl *ctl;
	const struct sp_catalog *cat;
	char viewer[64], lens[64], control[512];
	int list;
	uint32_t max_sensors, list_every_ms;
	uint64_t next_list;
};

static const char *level_name(uint8_t l)
{
	static const char *const n[] = { "none", "low", "medium", "high" };

	return n[l & 3];
}

/* by key, then by when it was asked */
static int by_key(const void *a, const void *b)
{
	const struct seq_op *x = a, *y = b;

	if (x->op.sensor != y->op.sensor)
		return x->op.sensor < y->op.sensor ? -1 : 1;
	if (x->op.attr != y->op.attr)
		return x->op.attr < y->op.attr ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The newest change of each key of @p v, as calls. */
static void apply(struct web_ctl *c, struct seq_op *v, uint32_t n)
{
	uint64_t done = 0, errs = 0, superseded = 0;

	qsort(v, n, sizeof(*v), by_key);
	for (uint32_t i = 0; i < n; i++) {
		const struct web_agg_op *o = &v[i].op;
		const struct sp_attr *a;
		int rc;

		if (i + 1 < n && v[i + 1].op.sensor == o->sensor &&
		    v[i + 1].op.attr == o->attr) {
			superseded++;
			continue;
		}
		a = sp_catalog_get(c->cat, o->attr);
		if (a == NULL) {
			errs++;
			continue;
		}
		rc = o->level == WEB_NONE ?
		     senseplane_unsubscribe(c->attn, c->viewer, o->sensor,
					    a->name) :
		     senseplane_subscribe(c->attn, c->viewer, o->sensor,
					  a->name, level_name(o->level),
					  o->ttl_ms);
		done++;
		/* a key added and removed within one batch was never
		 * subscribed when it was not before it: its removal finds
		 * nothing, which is what was wanted */
		if (rc < 0 && o->level == WEB_NONE && i > 0 &&
		    v[i - 1].op.sensor == o->sensor &&
		    v[i - 1].op.attr == o->attr &&
		    strstr(senseplane_errmsg(c->attn), "has no subscription"))
			rc = 0;
		if (rc < 0) {
			errs++;
			fprintf(stderr, "senseplane-web: %" PRIu64 "/%s %s: %s\n",
				o->sensor, a->name, level_name(o->level),
				senseplane_errmsg(c->attn));
		}
	}
	pthread_mutex_lock(&c->mu);
	c->st.applied += done;
	c->st.errors += errs;
	c->st.coalesced += superseded;
	if (done > c->st.max_batch)
		c->st.max_batch = done;
	pthread_mutex_unlock(&c->mu);
}

struct row {
	uint64_t id;
	json_t *attrs;
};

static int by_id(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* Every sensor with the attributes it sent, from the dataplane's
 * `sensors LIMIT FROM attrs` pages. @return the list, or NULL (err). */
static json_t *read_keys(struct web_ctl *c, uint64_t *total, char *err,
			 size_t errlen)
{
	struct row *rows = NULL;
	size_t nrows = 0, cap = 0;
	uint64_t from = 0;
	json_t *out, *list;
	int more = 1;

	if (c->ctl == NULL) {
		c->ctl = sp_ctl_open(c->control, err, errlen);
		if (c->ctl == NULL)
			return NULL;
	}
	while (more) {
		json_t *r = sp_ctl_call(c->ctl, err, errlen,
					"sensors %d %" PRIu64 " attrs", PAGE,
					from), *e;
		size_t i;

		if (r == NULL || sp_ctl_error(r)) {
			if (r)
				snprintf(err, errlen, "sensors: %s",
					 sp_ctl_error(r));
			else {   /* the connection: open it again next time */
				sp_ctl_close(c->ctl);
				c->ctl = NULL;
			}
			json_decref(r);
			goto fail;
		}
		json_array_foreach(json_object_get(r, "attrs"), i, e) {
			if (nrows == cap) {
				size_t nc = cap ? cap * 2 : 1024;
				struct row *p = realloc(rows, nc * sizeof(*p));

				if (p == NULL) {
					json_decref(r);
					snprintf(err, errlen, "out of memory");
					goto fail;
				}
				rows = p;
				cap = nc;
			}
			rows[nrows].id = (uint64_t)json_integer_value(
						json_array_get(e, 0));
			rows[nrows].attrs = json_incref(json_array_get(e, 1));
			nrows++;
		}
		more = json_is_true(json_object_get(r, "more"));
		from = (uint64_t)json_integer_value(json_object_get(r, "next"));
		json_decref(r);
	}
	qsort(rows, nrows, sizeof(*rows), by_id);
	list = json_array();
	for (size_t i = 0; i < nrows; i++) {
		if (i < c->max_sensors && json_array_size(rows[i].attrs))
			json_array_append_new(list, json_pack("[I, O]",
				(json_int_t)rows[i].id, rows[i].attrs));
		json_decref(rows[i].attrs);
	}
	free(rows);
	*total = nrows;
	out = json_pack("{s:o, s:I, s:b}", "sensors", list, "total",
			(json_int_t)nrows, "cut", nrows > c->max_sensors);
	return out;
fail:
	for (size_t i = 0; i < nrows; i++)
		json_decref(rows[i].attrs);
	free(rows);
	return NULL;
}

/* Read the list; publish it when it changed. */
static int list_keys(struct web_ctl *c, char *err, size_t errlen)
{
	uint64_t total = 0;
	json_t *k = read_keys(c, &total, err, errlen);

	pthread_mutex_lock(&c->mu);
	c->st.lists++;
	if (k == NULL)
		c->st.list_errors++;
	else
		c->st.list_sensors = total;
	if (k && !json_equal(k, c->keys)) {
		json_decref(c->keys);
		c->keys = k;
		c->keys_version++;
		k = NULL;
	}
	pthread_mutex_unlock(&c->mu);
	json_decref(k);
	return c->keys ? 0 : -1;
}

static void *run(void *arg)
{
	struct web_ctl *c = arg;
	struct seq_op *batch = NULL;
	uint32_t bcap = 0;
	char err[256];

	pthread_mutex_lock(&c->mu);
	while (!c->stop) {
		uint64_t now = sp_mono_ns();
		uint32_t n;

		if (c->n == 0 && (!c->list || now < c->next_list)) {
			uint64_t until = c->list ? c->next_list :
					 now + 1000000000ull;
			struct timespec ts;

			/* the condition variable's clock is monotonic */
			ts.tv_sec = (time_t)(until / 1000000000ull);
			ts.tv_nsec = (long)(until % 1000000000ull);
			pthread_cond_timedwait(&c->cv, &c->mu, &ts);
			continue;
		}
		/* take what is there: the vector becomes the thread's, and
		 * the loop gets the thread's empty one */
		{
			struct seq_op *q = c->q;
			uint32_t qc = c->cap;

			c->q = batch;
			c->cap = bcap;
			batch = q;
			bcap = qc;
		}
		n = c->n;
		c->n = 0;
		c->st.pending = 0;
		pthread_mutex_unlock(&c->mu);
		if (n)
			apply(c, batch, n);
		if (c->list && sp_mono_ns() >= c->next_list) {
			if (list_keys(c, err, sizeof(err)) < 0)
				fprintf(stderr, "senseplane-web: the key "
					"list: %s\n", err);
			c->next_list = sp_mono_ns() +
				(uint64_t)c->list_every_ms * 1000000ull;
		}
		pthread_mutex_lock(&c->mu);
	}
	pthread_mutex_unlock(&c->mu);
	free(batch);
	return NULL;
}

struct web_ctl *web_ctl_create(const struct web_ctl_params *p, char *err,
			       size_t errlen)
{
	struct web_ctl *c = calloc(1, sizeof(*c));
	pthread_condattr_t ca;

	if (c == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->cat = p->cat;
	c->list = p->list && p->control;
	c->max_sensors = p->max_sensors;
	c->list_every_ms = p->list_every_ms ? p->list_every_ms : 2000;
	snprintf(c->viewer, sizeof(c->viewer), "%s", p->viewer ? p->viewer : "");
	snprintf(c->lens, sizeof(c->lens), "%s", p->lens ? p->lens : "");
	snprintf(c->control, sizeof(c->control), "%s",
		 p->control ? p->control : "");
	pthread_mutex_init(&c->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&c->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (p->viewer) {
		struct senseplane_params ap = { .control = p->control,
			.redis = p->redis, .redis_prefix = p->redis_prefix,
			.catalog = p->catalog, .no_rereq = 1 };

		c->attn = senseplane_create(&ap);
		if (c->attn == NULL) {
			snprintf(err, errlen, "%s", senseplane_last_error());
			goto fail;
		}
		/* a viewer of this name left by a gateway that died goes
		 * first, with its subscriptions: this one starts clean */
		senseplane_viewer_rm(c->attn, c->viewer);
		if (senseplane_viewer_add(c->attn, c->viewer, c->lens,
					  "low") < 0) {
			snprintf(err, errlen, "viewer %s on %s: %s", c->viewer,
				 c->lens, senseplane_errmsg(c->attn));
			goto fail;
		}
	}
	if (c->list && list_keys(c, err, errlen) < 0)
		goto fail;
	c->next_list = sp_mono_ns() + (uint64_t)c->list_every_ms * 1000000ull;
	if (pthread_create(&c->thr, NULL, run, c) != 0) {
		snprintf(err, errlen, "cannot start the control thread");
		goto fail;
	}
	c->started = 1;
	return c;
fail:
	web_ctl_free(c);
	return NULL;
}

void web_ctl_free(struct web_ctl *c)
{
	if (c == NULL)
		return;
	if (c->started) {
		pthread_mutex_lock(&c->mu);
		c->stop = 1;
		pthread_cond_signal(&c->cv);
		pthread_mutex_unlock(&c->mu);
		pthread_join(c->thr, NULL);
	}
	if (c->attn && c->viewer[0])
		senseplane_viewer_rm(c->attn, c->viewer);
	senseplane_free(c->attn);
	sp_ctl_close(c->ctl);
	json_decref(c->keys);
	pthread_cond_destroy(&c->cv);
	pthread_mutex_destroy(&c->mu);
	free(c->q);
	free(c);
}

void web_ctl_ask(struct web_ctl *c, const struct web_agg_op *ops, uint32_t n)
{
	if (n == 0 || c->attn == NULL)
		return;
	pthread_mutex_lock(&c->mu);
	if (c->n + n > c->cap) {
		uint32_t cap = c->cap ? c->cap : 256;
		struct seq_op *q;

		while (cap < c->n + n)
			cap *= 2;
		q = realloc(c->q, cap * sizeof(*q));
		if (q == NULL) {   /* counted: the key is asked again when
				    * it next changes */
			c->st.errors += n;
			pthread_mutex_unlock(&c->mu);
			return;
		}
		c->q = q;
		c->cap = cap;
	}
	for (uint32_t i = 0; i < n; i++)
		c->q[c->n++] = (struct seq_op){ .op = ops[i], .seq = c->seq++ };
	c->st.asked += n;
	c->st.pending = c->n;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
}

json_t *web_ctl_keys(struct web_ctl *c, uint64_t *version)
{
	json_t *k = NULL;

	pthread_mutex_lock(&c->mu);
	if (c->keys && c->keys_version != *version) {
		k = json_incref(c->keys);
		*version = c->keys_version;
	}
	pthread_mutex_unlock(&c->mu);
	return k;
}

void web_ctl_stats(struct web_ctl *c, struct web_ctl_stats *s)
{
	pthread_mutex_lock(&c->mu);
	*s = c->st;
	pthread_mutex_unlock(&c->mu);
}
