/*
 * spl_seq.c - in-order delivery with gap recovery (see spl_seq.h).
 */
#include "spl_seq.h"

#include <stdlib.h>
#include <string.h>

#define MAX_TRIES 5
#define MIN_RETRY_NS 1000000ull    /* 1 ms */
/* Re-requests back off from 3 round trips, doubling, to at most this: */
#define MAX_RETRY_NS 200000000ull  /* 200 ms, as TCP's minimum RTO */
/* A gap is given up only after MAX_TRIES and this long since it was seen.
 * With the backoff alone, five tries on a 0.1 ms veth took 31 ms: a host
 * that stalled the dataplane or this process for longer (seen under load:
 * 15 messages of 120 000 "unanswered" that were only late) lost what a
 * little patience would have recovered. A second is two heartbeats. */
#define GIVE_UP_NS 1000000000ull
#define REREQ_MAX 65534u

struct spl_held {
	uint64_t seq;
	uint64_t count;            /* messages, or the span given up */
	uint8_t how;
	uint8_t *data;             /* NULL: a range given up (skipped) */
	size_t len;
	struct sp_feed_hdr h;
};

struct spl_gap {
	uint64_t lo, hi;
	uint64_t seen_ns, req_ns;
	uint8_t tries;
};

static struct spl_feed *find(struct spl_seq *s, uint64_t session,
			      uint16_t feed_id)
{
	for (unsigned int i = 0; i < s->n; i++)
		if (s->feeds[i].session == session &&
		    s->feeds[i].feed_id == feed_id)
			return &s->feeds[i];
	if (s->n == SPL_MAX_FEEDS)
		return NULL;
	/* its pages touched now (it is zero already): its histograms' far
	 * buckets would otherwise fault in one by one as outliers come */
	memset(&s->feeds[s->n], 0, sizeof(s->feeds[0]));
	return &s->feeds[s->n++];
}

static int grow(void **p, uint32_t *cap, size_t elem)
{
	uint32_t n = *cap ? *cap * 2 : 16;
	void *np = realloc(*p, n * elem);

	if (np == NULL)
		return -1;
	*p = np;
	*cap = n;
	return 0;
}

/* Keep [lo, hi) (a packet, or with data NULL a range given up) sorted. */
static void held_add(struct spl_feed *f, uint64_t seq, uint64_t count,
		     const struct sp_feed_hdr *h, const uint8_t *pkt,
		     size_t len, uint8_t how)
{
	struct spl_held e = { .seq = seq, .count = count, .how = how };
	uint32_t i;

	if (f->nheld == f->cap_held &&
	    grow((void **)&f->held, &f->cap_held, sizeof(e)) < 0)
		return;
	if (pkt) {
		e.data = malloc(len);
		if (e.data == NULL)
			return;
		memcpy(e.data, pkt, len);
		e.len = len;
		e.h = *h;
	}
	for (i = f->nheld; i > 0 && f->held[i - 1].seq > seq; i--)
		f->held[i] = f->held[i - 1];
	f->held[i] = e;
	f->nheld++;
}

static void deliver(struct spl_feed *f, const struct spl_seq_ops *ops,
		    const struct sp_feed_hdr *h, const uint8_t *pkt,
		    size_t len, unsigned int first, unsigned int n,
		    uint8_t how, uint64_t now)
{
	f->messages += n;
	if (how == SPL_RECOVERED)
		f->recovered += n;
	else if (how == SPL_LATE)
		f->late += n;
	else
		f->live += n;
	ops->deliver(ops->ctx, f, h, pkt, len, first, n, how, now);
}

/* Deliver what waits at next_seq, in order. */
static void drain(struct spl_feed *f, const struct spl_seq_ops *ops,
		  uint64_t now)
{
	while (f->nheld && f->held[0].seq <= f->next_seq) {
		struct spl_held e = f->held[0];
		uint64_t end = e.seq + e.count;

		memmove(f->held, f->held + 1, --f->nheld * sizeof(e));
		if (end > f->next_seq) {
			if (e.data)
				deliver(f, ops, &e.h, e.data, e.len,
					(unsigned int)(f->next_seq - e.seq),
					(unsigned int)(end - f->next_seq),
					e.how, now);
			f->dups += f->next_seq - e.seq;
			f->next_seq = end;
		} else if (e.data) {
			f->dups += e.count;
		}
		free(e.data);
	}
}

static void gap_add(struct spl_feed *f, uint64_t lo, uint64_t hi,
		    uint64_t now)
{
	struct spl_gap g = { .lo = lo, .hi = hi, .seen_ns = now };

	if (f->ngaps == f->cap_gaps &&
	    grow((void **)&f->gapv, &f->cap_gaps, sizeof(g)) < 0)
		return;
	f->gapv[f->ngaps++] = g;
	f->gaps++;
}

/* [s, e) arrived: take it out of the gaps. @return 1 if it filled any. */
static int gap_fill(struct spl_feed *f, uint64_t s, uint64_t e, int rtx,
		    uint64_t now)
{
	int filled = 0;

	for (uint32_t i = 0; i < f->ngaps; i++) {
		struct spl_gap *g = &f->gapv[i];

		if (e <= g->lo || s >= g->hi)
			continue;
		filled = 1;
		if (rtx && g->tries) {
			uint64_t rtt = now - g->req_ns;

			f->rtt_ns = f->rtt_ns ? (7 * f->rtt_ns + rtt) / 8 : rtt;
		}
		if (s > g->lo && e < g->hi) {          /* split in two */
			struct spl_gap tail = *g;

			tail.lo = e;
			g->hi = s;
			if (f->ngaps == f->cap_gaps &&
			    grow((void **)&f->gapv, &f->cap_gaps,
				 sizeof(tail)) < 0)
				return filled;
			g = &f->gapv[i];
			memmove(&f->gapv[i + 2], &f->gapv[i + 1],
				(f->ngaps - i - 1) * sizeof(tail));
			f->gapv[i + 1] = tail;
			f->ngaps++;
			i++;
		} else if (s <= g->lo && e >= g->hi) { /* closed */
			sp_histo_add(&f->recover_ns, now - g->seen_ns);
			memmove(g, g + 1, (f->ngaps - i - 1) * sizeof(*g));
			f->ngaps--;
			i--;
		} else if (s <= g->lo) {
			g->lo = e;
		} else {
			g->hi = s;
		}
	}
	return filled;
}

/* Give up the gaps, or their parts, below @p upto. */
static void give_up(struct spl_feed *f, uint64_t upto,
		    enum spl_lost_reason why, const struct spl_seq_ops *ops)
{
	for (uint32_t i = 0; i < f->ngaps; i++) {
		struct spl_gap *g = &f->gapv[i];
		uint64_t hi = g->hi < upto ? g->hi : upto;

		if (g->lo >= upto)
			break;
		if (why == SPL_LOST_GONE)
			f->lost_gone += hi - g->lo;
		else
			f->lost_noanswer += hi - g->lo;
		ops->lost(ops->ctx, f, g->lo, hi, why);
		held_add(f, g->lo, hi - g->lo, NULL, NULL, 0, 0);
		if (hi < g->hi) {
			g->lo = hi;
		} else {
			memmove(g, g + 1, (f->ngaps - i - 1) * sizeof(*g));
			f->ngaps--;
			i--;
		}
	}
}

struct spl_feed *spl_seq_packet(struct spl_seq *s,
				  const struct sp_feed_hdr *h,
				  const uint8_t *pkt, size_t len,
				  uint64_t now_ns, uint32_t src_ip,
				  uint16_t src_port,
				  const struct spl_seq_ops *ops)
{
	struct spl_feed *f = find(s, h->session, h->feed_id);
	uint64_t end = h->seq + h->count;
	int rtx = !!(h->flags & SP_FF_RETRANS);
	uint8_t how;

	if (f == NULL)
		return NULL;
	if (f->packets == 0) {
		int known = 0;

		for (unsigned int i = 0; i + 1 < s->n; i++)
			known |= s->feeds[i].session == h->session;
		s->sessions_seen += !known;
		f->session = h->session;
		f->feed_id = h->feed_id;
		f->first_seq = h->seq;
		f->next_seq = f->high = h->seq;
		f->first_ns = now_ns;
	}
	if (src_ip && !rtx) {
		f->src_ip = src_ip;
		f->src_port = src_port;
	}
	f->packets++;
	f->last_ns = now_ns;
	/* Packets sent within 2 ms of each other are one flush; the gap
	 * between flushes is the tier's period. */
	if (h->count && !(h->flags & (SP_FF_BACKFILL | SP_FF_RETRANS))) {
		if (f->burst_ns && h->send_ns > f->burst_ns + 2000000)
			sp_histo_add(&f->flush_gap, h->send_ns - f->burst_ns);
		if (!f->burst_ns || h->send_ns > f->burst_ns + 2000000)
			f->burst_ns = h->send_ns;
	}
	if (h->flags & SP_FF_END)
		f->ended = 1;
	if (rtx)
		f->rtx_bytes += len;
	if (h->count == 0) {
		if (rtx) {
			/* the count-0 answer: nothing before seq is held */
			give_up(f, h->seq, SPL_LOST_GONE, ops);
		} else {
			f->heartbeats++;
			/* a heartbeat carries the next seq */
			if (h->seq > f->high) {
				gap_add(f, f->high, h->seq, now_ns);
				f->high = h->seq;
			}
		}
		drain(f, ops, now_ns);
		return f;
	}
	if (end <= f->next_seq) {
		f->dups += h->count;
		return f;
	}
	if (h->seq > f->high)
		gap_add(f, f->high, h->seq, now_ns);
	if (end > f->high)
		f->high = end;
	how = gap_fill(f, h->seq, end, rtx, now_ns) ?
	      (rtx ? SPL_RECOVERED : SPL_LATE) : SPL_LIVE;
	if (rtx)
		how = SPL_RECOVERED;
	if (h->seq <= f->next_seq) {
		f->dups += f->next_seq - h->seq;
		deliver(f, ops, h, pkt, len,
			(unsigned int)(f->next_seq - h->seq),
			(unsigned int)(end - f->next_seq), how, now_ns);
		f->next_seq = end;
		drain(f, ops, now_ns);
	} else {
		held_add(f, h->seq, h->count, h, pkt, len, how);
	}
	return f;
}

static void request(struct spl_feed *f, struct spl_gap *g, uint64_t now,
		    const struct spl_seq_ops *ops)
{
	uint64_t n = g->hi - g->lo;

	ops->request(ops->ctx, f, g->lo, (uint16_t)(n > REREQ_MAX ? REREQ_MAX
								 : n));
	g->tries++;
	g->req_ns = now;
	f->rereqs++;
}

/* The wait after the @p tries -th request: @p rto doubled per try, capped. */
static uint64_t retry_ns(uint64_t rto, uint8_t tries)
{
	uint64_t t = rto << (tries > 16 ? 16 : tries - 1);

	return t > MAX_RETRY_NS ? MAX_RETRY_NS : t;
}

void spl_seq_poll(struct spl_seq *s, uint64_t now_ns,
		   const struct spl_seq_ops *ops)
{
	for (unsigned int i = 0; i < s->n; i++) {
		struct spl_feed *f = &s->feeds[i];
		uint64_t rto = 3 * (f->rtt_ns ? f->rtt_ns : MIN_RETRY_NS);
		int gave_up = 0;

		if (rto < MIN_RETRY_NS)
			rto = MIN_RETRY_NS;
		for (uint32_t k = 0; k < f->ngaps; k++) {
			struct spl_gap *g = &f->gapv[k];

			if (g->tries == 0) {
				request(f, g, now_ns, ops);
			} else if (now_ns - g->req_ns >= retry_ns(rto, g->tries)) {
				if (g->tries >= MAX_TRIES &&
				    now_ns - g->seen_ns >= GIVE_UP_NS) {
					give_up(f, g->hi, SPL_LOST_NOANSWER,
						ops);
					gave_up = 1;
					break;   /* the gap list changed */
				}
				request(f, g, now_ns, ops);
			}
		}
		if (gave_up)
			drain(f, ops, now_ns);
	}
}

void spl_seq_close(struct spl_seq *s, const struct spl_seq_ops *ops)
{
	for (unsigned int i = 0; i < s->n; i++) {
		struct spl_feed *f = &s->feeds[i];

		if (f->ngaps)
			give_up(f, UINT64_MAX, SPL_LOST_NOANSWER, ops);
		drain(f, ops, f->last_ns);
	}
}

void spl_seq_free(struct spl_seq *s)
{
	for (unsigned int i = 0; i < s->n; i++) {
		struct spl_feed *f = &s->feeds[i];

		for (uint32_t k = 0; k < f->nheld; k++)
			free(f->held[k].data);
		free(f->held);
		free(f->gapv);
	}
}

void spl_seq_msg(struct spl_feed *f, const struct sp_feed_hdr *h,
		  const struct sp_feed_msg *m, uint64_t now_ns)
{
	uint64_t t = m->rec.t0_ns + (uint64_t)(m->rec.nsamp - 1) *
				    m->rec.dt_ns;

	if (!f->first_data_ns)
		f->first_data_ns = now_ns;
	if (m->quality & SP_Q_CONFLATED)
		f->conflated_msgs++;
	if (m->quality & SP_Q_DEGRADED)
		f->degraded_msgs++;
	if (h->flags & SP_FF_BACKFILL)
		f->backfill_msgs++;
	else if (!(h->flags & SP_FF_RETRANS))
		sp_histo_add(&f->age, now_ns > t ? now_ns - t : 0);
}

int spl_seq_all_ended(const struct spl_seq *s)
{
	for (unsigned int i = 0; i < s->n; i++)
		if (!s->feeds[i].ended)
			return 0;
	return s->n > 0;
}

uint64_t spl_seq_total_missing(const struct spl_seq *s)
{
	uint64_t t = 0;

	for (unsigned int i = 0; i < s->n; i++)
		t += s->feeds[i].lost_gone + s->feeds[i].lost_noanswer;
	return t;
}

uint64_t spl_seq_total_dups(const struct spl_seq *s)
{
	uint64_t t = 0;

	for (unsigned int i = 0; i < s->n; i++)
		t += s->feeds[i].dups;
	return t;
}
