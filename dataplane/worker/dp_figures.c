/*
 * dp_figures.c - the control thread's window on the workers (see
 * dp_figures.h).
 */
#include "dp_figures.h"

#include <errno.h>
#include <string.h>

#include <rte_common.h>

#include "dp_outputs.h"
#include "dp_worker.h"

static void add_out(struct dp_out_figures *f, const struct dp_out *o)
{
	dp_out_stats_add(&f->st, &o->st);
	f->shed = RTE_MAX(f->shed, o->shed);
}

void dp_figures_tier(struct dp_worker *const *ws, unsigned int n,
		     uint8_t level, struct dp_out_figures *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned int w = 0; w < n; w++)
		add_out(out, level ? &ws[w]->tier[level].out
				   : &ws[w]->bcast.out);
}

int dp_figures_lens(struct dp_worker *const *ws, unsigned int n,
		    uint16_t feed_id, struct dp_out_figures *out)
{
	int found = 0;

	memset(out, 0, sizeof(*out));
	for (unsigned int w = 0; w < n; w++) {
		const struct dp_lens *l = ws[w]->by_feed[feed_id];

		if (l && l->out.kind == DP_OUT_LENS) {
			add_out(out, &l->out);
			found = 1;
		}
	}
	return found ? 0 : -ENOENT;
}

void dp_figures_tables(struct dp_worker *const *ws, unsigned int n,
		       struct dp_table_figures *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned int w = 0; w < n; w++) {
		out->routes += ws[w]->router.routes_used;
		out->route_bytes += dp_outputs_bytes(ws[w]);
		out->history_bytes += dp_table_history_used(ws[w]->table);
		out->outs += ws[w]->lenses_used;
		out->rtx_mbufs += __atomic_load_n(&ws[w]->rtx_held,
						  __ATOMIC_RELAXED);
		out->refused[DP_POOL_SENSORS] +=
			dp_table_refused(ws[w]->table, 0);
		out->refused[DP_POOL_KEYS] += dp_table_refused(ws[w]->table, 1);
		out->refused[DP_POOL_ROUTES] += ws[w]->router.refused;
		out->refused[DP_POOL_INTERESTS] += ws[w]->attn.refused;
		out->refused[DP_POOL_OUTS] += __atomic_load_n(
				&ws[w]->stats->refused_outs, __ATOMIC_RELAXED);
	}
}

void dp_figures_rxtx(struct dp_worker *const *ws, unsigned int n,
		     struct sp_histo *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned int w = 0; w < n; w++)
		sp_histo_merge(out, &ws[w]->rxtx);
}

void dp_figures_loss(struct dp_worker *const *ws, unsigned int n,
		     struct dp_loss *out)
{
	*out = ws[0]->loss;
	out->dropped = out->duped = out->reordered = 0;
	out->dropped_msgs = out->dropped_bytes = 0;
	for (unsigned int w = 0; w < n; w++) {
		out->dropped += ws[w]->loss.dropped;
		out->duped += ws[w]->loss.duped;
		out->reordered += ws[w]->loss.reordered;
		out->dropped_msgs += ws[w]->loss.dropped_msgs;
		out->dropped_bytes += ws[w]->loss.dropped_bytes;
	}
}

uint32_t dp_figures_flags(const struct dp_worker *w)
{
	return w->flags;
}

struct rte_ring *dp_figures_mbox(const struct dp_worker *w)
{
	return w->mbox;
}

struct rte_ring *dp_figures_events(const struct dp_worker *w)
{
	return w->events;
}
