/*
 * dp_rereq.c - the re-request server (see dp_rereq.h).
 */
#include "dp_rereq.h"

#include <errno.h>
#include <string.h>

#include <rte_malloc.h>

#include "sp_rereq.h"

#define REQUESTERS 256   /* per worker, direct-mapped by address */

struct dp_requester {
	uint32_t ip;
	double tokens;
	uint64_t last_tsc;
};

/* The feed @p id of this worker; NULL when it has none by that id, or
 * the feed has sent nothing (tier feeds switched off by configuration). */
static struct dp_feed *feed_of(struct dp_worker *w, uint16_t id)
{
	struct dp_feed *f;

	if (id == 0)
		f = &w->bcast.feed;
	else if (id <= SP_LEVEL_HIGH)
		f = &w->tier[id].feed;
	else
		f = w->by_feed[id] ? &w->by_feed[id]->feed : NULL;
	return f && f->next_seq > 1 ? f : NULL;
}

/* The requester's byte budget, refilled for the time since its last
 * request; a new address takes the slot with a full budget. */
static struct dp_requester *budget(struct dp_worker *w, uint32_t ip)
{
	const struct sp_config *cfg = w->sh->cfg;
	struct dp_requester *r;
	uint32_t h = (ip * 2654435761u) >> 24;

	r = &w->requesters[h % REQUESTERS];
	if (r->ip != ip) {
		r->ip = ip;
		r->tokens = cfg->rereq_bytes_s;
		r->last_tsc = w->now_tsc;
	}
	r->tokens += (double)(w->now_tsc - r->last_tsc) * cfg->rereq_bytes_s /
		     (double)w->sh->clock->hz;
	if (r->tokens > cfg->rereq_bytes_s)
		r->tokens = cfg->rereq_bytes_s;
	r->last_tsc = w->now_tsc;
	return r;
}

int dp_rereq_init(struct dp_worker *w)
{
	w->requesters = rte_zmalloc("dp_requesters",
				    REQUESTERS * sizeof(*w->requesters), 0);
	return w->requesters ? 0 : -ENOMEM;
}

void dp_rereq_free(struct dp_worker *w)
{
	rte_free(w->requesters);
	w->requesters = NULL;
}

void dp_rereq_rx(struct dp_worker *w, const struct dp_rx_info *info)
{
	struct dp_stats *st = w->stats;
	struct dp_rtx_result res;
	struct dp_rtx_to to;
	struct dp_requester *r;
	struct sp_rereq rq;
	struct dp_feed *f;
	uint32_t ip = rte_be_to_cpu_32(info->src_ip);

	st->rereq_in++;
	if (!dp_allow_match(&w->sh->allow, ip)) {
		st->rereq_denied++;
		return;
	}
	/* malformed, an unknown feed, or (this run's session) messages not
	 * sent yet: nothing to answer */
	if (sp_rereq_decode(info->payload, info->len, &rq) != SP_REREQ_OK ||
	    (f = feed_of(w, rq.feed_id)) == NULL ||
	    (rq.session == f->p.session && rq.seq >= f->next_seq)) {
		st->rereq_bad++;
		return;
	}
	r = budget(w, ip);
	if (r->tokens < 1500) {
		st->rereq_limited++;
		return;
	}
	to.ip = info->src_ip;
	to.port = info->src_port;
	memcpy(to.mac.addr_bytes, info->src_mac, 6);
	to.max_bytes = RTE_MIN(w->sh->cfg->rereq_max_bytes, (uint32_t)r->tokens);
	dp_rtx_answer(f, &rq, &to, w->now_tsc, &res);
	r->tokens -= res.bytes;
	st->rtx_pkts += res.pkts;
	st->rtx_msgs += res.msgs;
	st->rtx_bytes += res.bytes;
	st->rereq_unavail += res.unavailable;
	/* every request is one of denied, bad, limited, served */
	st->rereq_served++;
}
