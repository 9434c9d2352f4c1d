/*
 * dp_rtx.c - retransmit buffer and re-request answers (see dp_rtx.h).
 */
#include "dp_rtx.h"

#include <string.h>

#include <rte_ethdev.h>

#include "dp_feed.h"
#include "sp_bytes.h"

void dp_rtx_init(struct dp_rtx *r, struct dp_rtx_slot *slots, uint32_t n,
		 uint32_t *held, uint32_t held_cap)
{
	memset(r, 0, sizeof(*r));
	if (n == 0 || slots == NULL)
		return;
	r->slots = slots;
	r->mask = n - 1;
	r->held = held;
	r->held_cap = held_cap;
}

static void drop_oldest(struct dp_rtx *r)
{
	struct dp_rtx_slot *s = &r->slots[r->tail & r->mask];

	rte_pktmbuf_free(s->m);
	s->m = NULL;
	r->tail++;
	(*r->held)--;
	/* the next slot is most often on the line of this one */
	r->oldest = r->tail < r->head ? r->slots[r->tail & r->mask].m : NULL;
}

/* Keeping one more packet lets the oldest go first. */
static inline int must_drop(const struct dp_rtx *r)
{
	return r->head - r->tail > r->mask ||
	       (*r->held >= r->held_cap && r->head > r->tail);
}

void dp_rtx_keep(struct dp_rtx *r, struct rte_mbuf *m, uint64_t seq,
		 uint16_t count)
{
	struct dp_rtx_slot *s;

	if (r->slots == NULL)
		return;
	if (must_drop(r))
		drop_oldest(r);
	if (*r->held >= r->held_cap)
		return;   /* the worker holds its cap: this one is not kept */
	rte_mbuf_refcnt_update(m, 1);
	s = &r->slots[r->head & r->mask];
	s->m = m;
	s->seq = seq;
	s->count = count;
	if (r->head == r->tail)
		r->oldest = m;
	r->head++;
	(*r->held)++;
}

/*
 * With many feeds and a worker-wide cap (B2 x100: 10 000 feeds, 8 192
 * mbufs) a feed holds less than one packet, so each packet that closes
 * frees its feed's previous one, written long before: its mbuf and slot
 * are cold, two or three misses at the close. A packet opens at its
 * first message and closes at the end of the loop turn or later: asked
 * for at the open, the lines have that long to come. Plain prefetches
 * for the lines written too: no other core holds them, so they come
 * exclusive and the write costs nothing more.
 */
void dp_rtx_warm(const struct dp_rtx *r)
{
	const struct dp_rtx_slot *t, *h;

	if (r->slots == NULL || !must_drop(r))
		return;
	t = &r->slots[r->tail & r->mask];
	h = &r->slots[r->head & r->mask];
	rte_mbuf_prefetch_part1(r->oldest);   /* refcnt, nb_segs, pool */
	rte_mbuf_prefetch_part2(r->oldest);   /* next */
	rte_prefetch0(t);
	rte_prefetch0(h);
	rte_prefetch0(&h->count);   /* a slot may straddle two lines */
}

void dp_rtx_release(struct dp_rtx *r)
{
	while (r->slots && r->tail < r->head)
		drop_oldest(r);
}

uint64_t dp_rtx_first(const struct dp_rtx *r, uint64_t next_seq)
{
	return r->slots && r->tail < r->head ?
	       r->slots[r->tail & r->mask].seq : next_seq;
}

/* An answer packet being filled. */
struct answer {
	struct rte_mbuf *m;
	uint16_t len, count;
	uint64_t seq;
	uint64_t session;
};

static void answer_send(struct dp_feed *f, struct answer *a,
			const struct dp_rtx_to *to, uint64_t now,
			struct dp_rtx_result *res)
{
	struct sp_feed_hdr h = {
		.flags = SP_FF_RETRANS, .feed_id = f->p.feed_id,
		.count = a->count, .session = a->session, .seq = a->seq,
		.send_ns = dp_clock_ns(f->p.clock, now),
	};
	uint8_t *frame = rte_pktmbuf_mtod(a->m, uint8_t *);

	sp_feed_hdr_write(frame + DP_NET_HDR_LEN, &h);
	dp_net_write_udp(f->p.net, frame, &to->mac, to->ip, to->port,
			 rte_cpu_to_be_16(f->p.src_port), a->len, 64);
	a->m->data_len = a->m->pkt_len = (uint16_t)(DP_NET_HDR_LEN + a->len);
	res->bytes += a->m->pkt_len;
	res->pkts++;
	if (rte_eth_tx_burst(f->p.port_id, f->p.queue_id, &a->m, 1) == 0) {
		f->p.stats->tx_drops++;
		rte_pktmbuf_free(a->m);
	}
	a->m = NULL;
}

static int answer_open(struct dp_feed *f, struct answer *a, uint64_t seq)
{
	a->m = rte_pktmbuf_alloc(f->p.pool);
	if (a->m == NULL)
		return -1;
	a->len = SP_FHDR_LEN;
	a->count = 0;
	a->seq = seq;
	a->session = f->p.session;
	return 0;
}

void dp_rtx_answer(struct dp_feed *f, const struct sp_rereq *rq,
		   const struct dp_rtx_to *to, uint64_t now,
		   struct dp_rtx_result *res)
{
	const struct dp_rtx *r = &f->rtx;
	uint64_t lo = rq->seq, hi = rq->seq + rq->count, first;
	struct answer a = { 0 };

	memset(res, 0, sizeof(*res));
	first = dp_rtx_first(r, f->next_seq);
	if (hi > f->next_seq)
		hi = f->next_seq;
	/* Messages no longer held: the count-0 answer gives the first seq
	 * that is, so the viewer reads history. For a session that is not
	 * this run's nothing is held: the answer names that session and the
	 * end of the range asked for. */
	if (rq->session != f->p.session) {
		if (answer_open(f, &a, rq->seq + rq->count) == 0) {
			a.session = rq->session;
			answer_send(f, &a, to, now, res);
		}
		res->unavailable = 1;
		return;
	}
	if (lo < first) {
		if (answer_open(f, &a, first) == 0)
			answer_send(f, &a, to, now, res);
		res->unavailable = 1;
		lo = first;
	}
	for (uint64_t i = r->tail; r->slots && i < r->head && lo < hi; i++) {
		const struct dp_rtx_slot *s = &r->slots[i & r->mask];
		const uint8_t *p = rte_pktmbuf_mtod(s->m, const uint8_t *) +
				   DP_NET_HDR_LEN;
		uint32_t off = SP_FHDR_LEN;

		if (s->seq + s->count <= lo)
			continue;
		if (s->seq >= hi)
			break;
		for (uint16_t k = 0; k < s->count; k++) {
			uint16_t mlen = (uint16_t)(2 + sp_get16(p + off));
			uint64_t seq = s->seq + k;

			if (seq >= lo && seq < hi) {
				/* a packet carries consecutive messages */
				if (a.m && (a.len + mlen > f->max_payload ||
					    seq != a.seq + a.count))
					answer_send(f, &a, to, now, res);
				if (res->bytes >= to->max_bytes)
					return;
				if (a.m == NULL && answer_open(f, &a, seq) < 0)
					return;
				memcpy(rte_pktmbuf_mtod(a.m, uint8_t *) +
				       DP_NET_HDR_LEN + a.len, p + off, mlen);
				a.len += mlen;
				a.count++;
				res->msgs++;
				lo = seq + 1;
			}
			off += mlen;
		}
	}
	if (a.m)
		answer_send(f, &a, to, now, res);
}
