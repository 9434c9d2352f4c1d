/*
 * dp_mailbox.c - a worker applies what the control thread asked (see
 * dp_mailbox.h).
 */
#include "dp_mailbox.h"

#include <rte_ring.h>

#include "dp_notify.h"
#include "dp_outputs.h"
#include "dp_queries.h"

static void interest(struct dp_worker *w, const struct dp_cmd *c)
{
	struct dp_out *lens = NULL;
	struct dp_sensor *s;
	int created;

	if (c->op == DP_CMD_UNSET) {
		s = dp_table_sensor_find(w->table, c->sensor_id);
	} else {
		/* a subscription may name a sensor not seen yet; one the
		 * table has no room for is counted there (refused_sensors)
		 * and `sub ls` finds it on no worker */
		s = dp_table_sensor(w->table, c->sensor_id, &created);
	}
	if (s == NULL)
		return;
	if (c->feed_id) {
		struct dp_lens *l = w->by_feed[c->feed_id];

		/* the lens could not be made (counted refused_outs): the
		 * sensor is known here, so `sub ls` says what was missing */
		if (l == NULL || l->out.kind != DP_OUT_LENS)
			return;
		lens = &l->out;
	}
	if (c->op == DP_CMD_UNSET) {
		dp_attn_unset(&w->attn, s, lens, c->attr_id, w->now_ns);
	} else {
		w->pending_sensor_feed = c->sensor_feed_id;
		/* an interest refused is counted in w->attn.refused */
		dp_attn_set(&w->attn, s, lens, c->attr_id, c->level,
			    w->now_ns);
		w->pending_sensor_feed = 0;
	}
	dp_notify_hint(w, s, 0);
}

void dp_mailbox_flags(struct dp_worker *w, uint32_t flags)
{
	uint32_t old = w->flags;

	/* Leaving attention routing: what the tiers owed goes out now, then
	 * every sample takes the broadcast feed. */
	if ((old & DP_F_ATTENTION) && !(flags & DP_F_ATTENTION)) {
		dp_router_flush(&w->router, DP_CAD_MEDIUM, w->now_ns);
		dp_router_flush(&w->router, DP_CAD_LOW, w->now_ns);
		dp_outputs_push_touched(w);
	}
	w->flags = flags;
	/* the router converts what is dirty, in order: nothing goes early */
	if ((old ^ flags) & DP_F_DIRTYVEC)
		dp_router_set_vec(&w->router, !!(flags & DP_F_DIRTYVEC));
	if ((old ^ flags) & DP_F_CONSUMED)
		dp_outputs_consumed_all(w);
	if ((old ^ flags) & DP_F_RTXWARM)
		dp_outputs_rtx_warm_all(w);
	if ((old ^ flags) & DP_F_LENSES) {
		w->attn.lenses_on = !!(flags & DP_F_LENSES);
		for (uint32_t i = 0; i < dp_table_nsensors(w->table); i++)
			dp_attn_sensor(&w->attn,
				       dp_table_sensor_at(w->table, i),
				       w->now_ns);
	}
}

unsigned int dp_mailbox_drain(struct dp_worker *w, unsigned int max)
{
	struct dp_cmd c[16];
	unsigned int n = rte_ring_sc_dequeue_burst_elem(w->mbox, c,
					sizeof(c[0]), RTE_MIN(max, 16u), NULL);

	for (unsigned int i = 0; i < n; i++) {
		switch (c[i].op) {
		case DP_CMD_OUT_ADD:
			dp_outputs_lens_add(w, c[i].feed_id, c[i].ip, c[i].port,
					 c[i].has_mac ? c[i].mac : NULL,
					 c[i].flags & DP_LENS_RECORD);
			break;
		case DP_CMD_OUT_DEL:
			dp_outputs_lens_del(w, c[i].feed_id);
			break;
		case DP_CMD_SET:
		case DP_CMD_UNSET:
			interest(w, &c[i]);
			break;
		case DP_CMD_FLAGS:
			dp_mailbox_flags(w, c[i].flags);
			break;
		case DP_CMD_QUERY:
			dp_queries_answer(w, c[i].q);
			break;
		case DP_CMD_JOINED:
			dp_outputs_joined(w, c[i].feed_id, (int)c[i].flags);
			break;
		case DP_CMD_LOSS:
			dp_loss_set(&w->loss, c[i].arg[0], c[i].arg[1],
				    c[i].arg[2], c[i].arg[3],
				    c[i].sensor_id + w->idx, c[i].flags);
			break;
		}
	}
	w->stats->cmds += n;
	return n;
}

