/*
 * view_seq.c - per-feed sequence accounting (see view_seq.h).
 */
#include "view_seq.h"

static struct view_feed *find(struct view_seq *s, uint64_t session,
			      uint16_t feed_id)
{
	for (unsigned int i = 0; i < s->n; i++)
		if (s->feeds[i].session == session &&
		    s->feeds[i].feed_id == feed_id)
			return &s->feeds[i];
	if (s->n == VIEW_MAX_FEEDS)
		return NULL;
	return &s->feeds[s->n++];
}

struct view_feed *view_seq_packet(struct view_seq *s,
				  const struct sp_feed_hdr *h, uint64_t now_ns,
				  unsigned int *first_new)
{
	struct view_feed *f = find(s, h->session, h->feed_id);
	uint64_t end = h->seq + h->count;

	*first_new = 0;
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
		f->next_seq = h->seq;
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
	if (h->count == 0) {
		f->heartbeats++;
		/* a heartbeat carries the next seq: anything before is lost */
		if (h->seq > f->next_seq) {
			f->gaps++;
			f->missing += h->seq - f->next_seq;
			f->next_seq = h->seq;
		}
		return f;
	}
	if (h->seq > f->next_seq) {
		f->gaps++;
		f->missing += h->seq - f->next_seq;
	} else if (end <= f->next_seq) {
		f->dups += h->count;
		*first_new = h->count;
		return f;
	} else if (h->seq < f->next_seq) {
		*first_new = (unsigned int)(f->next_seq - h->seq);
		f->dups += *first_new;
	}
	f->messages += h->count - *first_new;
	f->next_seq = end;
	return f;
}

int view_seq_all_ended(const struct view_seq *s)
{
	for (unsigned int i = 0; i < s->n; i++)
		if (!s->feeds[i].ended)
			return 0;
	return s->n > 0;
}

uint64_t view_seq_total_missing(const struct view_seq *s)
{
	uint64_t t = 0;

	for (unsigned int i = 0; i < s->n; i++)
		t += s->feeds[i].missing;
	return t;
}

uint64_t view_seq_total_dups(const struct view_seq *s)
{
	uint64_t t = 0;

	for (unsigned int i = 0; i < s->n; i++)
		t += s->feeds[i].dups;
	return t;
}

void view_seq_msg(struct view_feed *f, const struct sp_feed_hdr *h,
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
	else
		sp_histo_add(&f->age, now_ns > t ? now_ns - t : 0);
}
