/*
 * rec_pipe.c - live messages and history into batches, batches to the
 * store, watermarks on its answers (see rec_pipe.h).
 */
#include "rec_pipe.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <senseplane.h>

#include "rec_batch.h"
#include "rec_fill.h"
#include "rec_log.h"
#include "rec_store.h"
#include "sp_catalog.h"
#include "sp_time.h"

#define IMPORT_PATH "/api/v1/import"
#define FILL_MAX 4096                 /* samples a history answer */

struct rec_pipe {
	struct rec_pipe_params p;
	struct rec_table tab;
	struct rec_batch fill, flight;    /* being filled; sent or to retry */
	struct rec_buf body;              /* flight, encoded */
	int flight_pending, store_down;
	uint64_t retry_at, backoff_ms, flight_since;
	uint32_t *queue;                  /* keys to catch up: a ring */
	size_t qhead, qlen, qcap;
	struct rec_figures f;
};

struct rec_pipe *rec_pipe_create(const struct rec_pipe_params *p)
{
	struct rec_pipe *pp = calloc(1, sizeof(*pp));

	if (pp == NULL)
		return NULL;
	pp->p = *p;
	if (rec_table_init(&pp->tab) < 0) {
		free(pp);
		return NULL;
	}
	rec_batch_init(&pp->fill);
	rec_batch_init(&pp->flight);
	return pp;
}

void rec_pipe_free(struct rec_pipe *pp)
{
	if (pp == NULL)
		return;
	rec_table_free(&pp->tab);
	rec_batch_free(&pp->fill);
	rec_batch_free(&pp->flight);
	rec_buf_free(&pp->body);
	free(pp->queue);
	free(pp);
}

struct rec_table *rec_pipe_table(struct rec_pipe *pp)
{
	return &pp->tab;
}

const struct rec_figures *rec_pipe_figures(const struct rec_pipe *pp)
{
	return &pp->f;
}

size_t rec_pipe_buffered(const struct rec_pipe *pp)
{
	return rec_batch_samples(&pp->fill) +
	       (pp->flight_pending ? rec_batch_samples(&pp->flight) : 0);
}

int rec_pipe_in_flight(const struct rec_pipe *pp)
{
	return pp->flight_pending;
}

int rec_pipe_store_down(const struct rec_pipe *pp)
{
	return pp->store_down;
}

uint64_t rec_pipe_lag_ns(const struct rec_pipe *pp, uint64_t now_ns)
{
	if (pp->flight_pending)
		return now_ns - pp->flight_since;
	return pp->fill.first_ns ? now_ns - pp->fill.first_ns : 0;
}

uint64_t rec_pipe_catching_up(const struct rec_pipe *pp)
{
	uint64_t n = 0;

	for (uint32_t i = 0; i < pp->tab.n; i++)
		n += pp->tab.keys[i].catchup;
	return n;
}

/* ---- catching up from history ---- */

void rec_pipe_catchup(struct rec_pipe *pp, uint32_t kidx)
{
	struct rec_key *k = &pp->tab.keys[kidx];

	k->catchup = 1;
	if (k->in_queue)
		return;
	if (pp->qlen == pp->qcap) {
		size_t nc = pp->qcap ? pp->qcap * 2 : 1024;
		uint32_t *nq = malloc(nc * sizeof(*nq));

		if (nq == NULL)
			return;   /* stays catchup: its next message asks again */
		for (size_t i = 0; i < pp->qlen; i++)
			nq[i] = pp->queue[(pp->qhead + i) % pp->qcap];
		free(pp->queue);
		pp->queue = nq;
		pp->qcap = nc;
		pp->qhead = 0;
	}
	pp->queue[(pp->qhead + pp->qlen++) % pp->qcap] = kidx;
	k->in_queue = 1;
}

void rec_pipe_forget_queue(struct rec_pipe *pp)
{
	pp->qlen = 0;
	for (uint32_t i = 0; i < pp->tab.n; i++)
		pp->tab.keys[i].in_queue = pp->tab.keys[i].catchup = 0;
}

/* One key's next history read. @return 0, 1 (versions went back), -1
 * (the control socket failed). */
static int fill_one(struct rec_pipe *pp, struct sp_ctl *ctl, uint32_t kidx,
		    uint64_t now_ns, char *err, size_t errlen)
{
	struct rec_key *k = &pp->tab.keys[kidx];
	uint64_t after = k->queued;
	struct rec_fill f;

	if (rec_fill_read(ctl, k, kidx, after, &pp->fill, &f, err,
			  errlen) < 0)
		return -1;
	pp->f.fill_reads++;
	if (f.gone || f.received < after) {
		/* the dataplane has no such key, or its versions went back:
		 * it restarted (its session says so) */
		k->catchup = 0;
		return 1;
	}
	if (f.lost) {
		if (k->known) {
			k->lost += f.lost;
			pp->f.lost += f.lost;
			rec_say("%" PRIu64 "/%s: %" PRIu64 " samples (versions %"
				PRIu64 "-%" PRIu64 ") are older than the "
				"dataplane's history holds: lost", k->sensor,
				k->name, f.lost, after + 1, after + f.lost);
		} else {
			k->before += f.lost;
			pp->f.before += f.lost;
		}
		pp->tab.dirty = 1;
	}
	k->known = 1;
	k->dim = f.dim;
	if (f.n) {
		k->queued = f.v_last;
		k->queued_t_ns = f.t_last_ns;
		pp->f.filled += f.n;
		if (pp->fill.first_ns == 0)
			pp->fill.first_ns = now_ns;
	} else {
		k->queued = after + f.lost;
	}
	if (k->queued >= f.received) {
		k->catchup = 0;
		pp->f.ranges_closed++;
	} else {
		rec_pipe_catchup(pp, kidx);
	}
	return 0;
}

int rec_pipe_fill(struct rec_pipe *pp, struct sp_ctl *ctl, uint64_t now_ns,
		  uint64_t budget_ns, char *err, size_t errlen)
{
	uint64_t end = now_ns + budget_ns;
	int rc = 0;

	/* room for one more answer in half the memory bound: live samples
	 * keep the other half */
	while (pp->qlen && !pp->store_down &&
	       rec_pipe_buffered(pp) + FILL_MAX < pp->p.max_samples / 2) {
		uint32_t kidx = pp->queue[pp->qhead];
		int r;

		if (sp_mono_ns() > end)
			break;
		pp->qhead = (pp->qhead + 1) % pp->qcap;
		pp->qlen--;
		pp->tab.keys[kidx].in_queue = 0;
		if (!pp->tab.keys[kidx].catchup)
			continue;
		r = fill_one(pp, ctl, kidx, now_ns, err, errlen);
		if (r < 0) {
			rec_pipe_catchup(pp, kidx);
			return -1;
		}
		if (r > 0)
			rc = 1;
	}
	return rc;
}

/* ---- live samples ---- */

void rec_pipe_msg(struct rec_pipe *pp, const struct senseplane_msg *m,
		  uint64_t now_ns)
{
	const struct sp_attr *a;
	struct rec_key *k;
	struct rec_run *run;
	uint64_t vl, vf, skip;
	uint32_t kidx, n;

	if (!rec_spec_sensor(pp->p.spec, m->sensor_id) ||
	    !rec_spec_attr(pp->p.spec, m->attr_id) || m->nsamp == 0)
		return;
	a = sp_catalog_get(pp->p.cat, m->attr_id);
	if (a == NULL)
		return;   /* the dataplane's catalogue is not ours */
	k = rec_table_get(&pp->tab, m->sensor_id, m->attr_id);
	if (k == NULL)
		return;
	kidx = (uint32_t)(k - pp->tab.keys);
	k->name = a->name;
	k->vtype = m->vtype;
	k->dim = m->dim;
	pp->f.msgs++;
	if (k->catchup) {            /* history will give these */
		pp->f.live_skipped += m->nsamp;
		return;
	}
	vl = rec_version64(k->queued, m->version);
	if (vl <= k->queued) {
		pp->f.dups += m->nsamp;
		return;
	}
	vf = vl >= m->nsamp ? vl - m->nsamp + 1 : 1;
	if (vf > k->queued + 1) {    /* a gap: read it from history */
		rec_pipe_catchup(pp, kidx);
		return;
	}
	skip = k->queued + 1 - vf;   /* the first ones are queued already */
	n = (uint32_t)(m->nsamp - skip);
	if (rec_pipe_buffered(pp) + n > pp->p.max_samples) {
		pp->f.shed += n;     /* memory is full: history keeps them */
		rec_pipe_catchup(pp, kidx);
		return;
	}
	run = rec_batch_run(&pp->fill, kidx, k->sensor, k->name, k->dim, n);
	if (run == NULL) {
		rec_pipe_catchup(pp, kidx);
		return;
	}
	for (uint32_t s = 0; s < n; s++) {
		uint64_t j = skip + s;

		pp->fill.times[run->toff + s] =
			rec_ms(m->t0_ns + j * m->dt_ns);
		for (uint32_t d = 0; d < m->dim; d++)
			pp->fill.vals[run->voff + (size_t)s * m->dim + d] =
				senseplane_value(m, (unsigned int)(j * m->dim +
								   d));
	}
	run->v_last = vl;
	run->t_last_ns = m->t0_ns + (uint64_t)(m->nsamp - 1) * m->dt_ns;
	k->queued = vl;
	k->queued_t_ns = run->t_last_ns;
	k->known = 1;
	if (pp->fill.first_ns == 0)
		pp->fill.first_ns = now_ns;
}

/* ---- the store ---- */

static void on_posted(void *ctx, int ok, const char *why)
{
	struct rec_pipe *pp = ctx;

	if (!ok) {
		pp->f.store_errors++;
		if (!pp->store_down || pp->f.store_errors % 20 == 0)
			rec_say("store: %s (retrying, %" PRIu64 " errors so "
				"far)", why, pp->f.store_errors);
		pp->store_down = 1;
		pp->backoff_ms = pp->backoff_ms ? pp->backoff_ms * 2 : 100;
		if (pp->backoff_ms > 2000)
			pp->backoff_ms = 2000;
		pp->retry_at = sp_mono_ns() + pp->backoff_ms * 1000000ull;
		return;
	}
	if (pp->store_down)
		rec_say("store: back after %" PRIu64 " errors",
			pp->f.store_errors);
	pp->store_down = 0;
	pp->backoff_ms = 0;
	pp->f.store_ok++;
	for (size_t i = 0; i < pp->flight.nruns; i++) {
		const struct rec_run *run = &pp->flight.runs[i];
		struct rec_key *k = &pp->tab.keys[run->key];

		if (run->v_last > k->acked) {
			k->acked = run->v_last;
			k->acked_t_ns = run->t_last_ns;
		}
		k->recorded += run->n;
	}
	pp->f.recorded += rec_batch_samples(&pp->flight);
	pp->tab.dirty = 1;
	rec_batch_reset(&pp->flight);
	pp->flight_pending = 0;
}

int rec_pipe_store(struct rec_pipe *pp, uint64_t now_ns, int stopping)
{
	size_t have = rec_batch_samples(&pp->fill);
	/* a full batch, or a quarter of the memory bound: history reads
	 * wait for room, so under catch-up a batch goes as soon as the
	 * store has answered the last */
	size_t full = pp->p.batch_samples < pp->p.max_samples / 4 ?
		      pp->p.batch_samples : pp->p.max_samples / 4;

	if (!pp->flight_pending && have && (stopping || !pp->store_down) &&
	    (stopping || have >= full ||
	     now_ns - pp->fill.first_ns >= pp->p.flush_ms * 1000000ull)) {
		struct rec_batch t = pp->flight;

		pp->flight = pp->fill;
		pp->fill = t;
		rec_batch_reset(&pp->fill);
		rec_buf_reset(&pp->body);
		if (rec_batch_encode(&pp->flight, &pp->body) < 0)
			return -ENOMEM;
		pp->flight_pending = 1;
		pp->flight_since = now_ns;
	}
	if (pp->flight_pending && !rec_store_busy(pp->p.store) &&
	    now_ns >= pp->retry_at) {
		pp->f.posts++;
		if (rec_store_post(pp->p.store, IMPORT_PATH,
				   "application/json", pp->body.p,
				   pp->body.len, on_posted, pp) < 0)
			on_posted(pp, 0, "cannot make the request");
	}
	return 0;
}
