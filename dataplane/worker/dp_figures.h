/*
 * dp_figures.h - the control thread's window on the workers: figures
 * copied out and summed over every worker, and the two rings it talks to
 * a worker through. Nothing else of a worker is visible to the control
 * thread (dp_ctl.c, dp_requests.c), which includes this header and not
 * dp_worker.h.
 *
 * The copies are read while the workers write them (64-bit counters,
 * relaxed): a figure may be one packet old, never torn on x86-64.
 */
#ifndef DP_FIGURES_H
#define DP_FIGURES_H

#include <stdint.h>

#include <rte_ring.h>

#include "dp_cmd.h"
#include "dp_loss.h"
#include "dp_route.h"
#include "sp_histo.h"

struct dp_worker;

/** One out's figures, summed over the workers that have it. */
struct dp_out_figures {
	struct dp_out_stats st;
	uint8_t shed;              /* the highest shedding level among them */
};

/** Tier @p level (SP_LEVEL_LOW..HIGH), or the broadcast feed for 0. */
void dp_figures_tier(struct dp_worker *const *ws, unsigned int n,
		     uint8_t level, struct dp_out_figures *out);

/** Lens @p feed_id. @return 0, or -ENOENT when no worker has it. */
int dp_figures_lens(struct dp_worker *const *ws, unsigned int n,
		    uint16_t feed_id, struct dp_out_figures *out);

/** Sizes of the routing state and history. */
struct dp_table_figures {
	uint64_t routes, route_bytes, history_bytes, outs;
	uint64_t rtx_mbufs;     /* held by the retransmit buffers */
	/* what the workers' pools refused (enum dp_pool: sensors, keys,
	 * routes, outs, interests; the others are the model's) */
	uint64_t refused[DP_POOL__COUNT];
};
void dp_figures_tables(struct dp_worker *const *ws, unsigned int n,
		       struct dp_table_figures *out);

/** RX burst -> TX burst of the high tier, every worker's merged. */
void dp_figures_rxtx(struct dp_worker *const *ws, unsigned int n,
		     struct sp_histo *out);

/** Loss injection: worker 0's settings, every worker's counts summed. */
void dp_figures_loss(struct dp_worker *const *ws, unsigned int n,
		     struct dp_loss *out);

/** The switches worker @p w runs with (enum dp_flag). */
uint32_t dp_figures_flags(const struct dp_worker *w);

/** Worker @p w's mailbox (control -> worker, dp_cmd.h) and event ring
 * (worker -> control, struct dp_event). */
struct rte_ring *dp_figures_mbox(const struct dp_worker *w);
struct rte_ring *dp_figures_events(const struct dp_worker *w);

#endif /* DP_FIGURES_H */
