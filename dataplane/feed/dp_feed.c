/*
 * dp_feed.c - packing messages into feed packets (see dp_feed.h).
 */
#include "dp_feed.h"

#include <errno.h>
#include <string.h>

#include <rte_ethdev.h>

/* Fewest value bytes of any sample: one 4-byte scalar. */
#define MIN_SAMPLE 4u
#define MSG_MIN (SP_MSG_OVERHEAD + SP_REC_HDR_LEN)
#define TX_RETRIES 4

int dp_feed_init(struct dp_feed *f, const struct dp_feed_params *p)
{
	memset(f, 0, sizeof(*f));
	f->p = *p;
	if (p->dst_mac)
		f->dst_mac = *p->dst_mac;
	else
		dp_net_mcast_mac(p->dst_ip, &f->dst_mac);
	if (p->mtu < 28 + SP_FHDR_LEN + MSG_MIN + SP_MAX_DIM * 8)
		return -EINVAL;
	f->max_payload = (uint16_t)(p->mtu - 28);
	f->flush_tsc = dp_clock_us_to_tsc(p->clock, p->flush_us);
	f->hb_tsc = dp_clock_us_to_tsc(p->clock, (uint64_t)p->heartbeat_ms * 1000);
	f->next_seq = 1;
	f->last_send_tsc = rte_rdtsc();
	dp_rtx_init(&f->rtx, p->rtx_slots, p->rtx_n, p->rtx_held,
		    p->rtx_held_cap);
	return 0;
}

static uint8_t *cur_payload(struct dp_feed *f)
{
	return rte_pktmbuf_mtod(f->cur, uint8_t *) + DP_NET_HDR_LEN;
}

static int open_pkt(struct dp_feed *f, uint8_t flags, uint64_t now)
{
	f->cur = rte_pktmbuf_alloc(f->p.pool);
	if (f->cur == NULL)
		return -ENOBUFS;
	if (f->rtx_warm) {
		/* what the close meets cold (dp_rtx_warm), and the first
		 * two lines of the new packet, headers and first message */
		const char *d = rte_pktmbuf_mtod(f->cur, const char *);

		dp_rtx_warm(&f->rtx);
		rte_prefetch0(d);
		rte_prefetch0(d + 64);
	}
	f->cur_flags = flags;
	f->cur_len = SP_FHDR_LEN;
	f->cur_count = 0;
	f->cur_open_tsc = now;
	return 0;
}

static void tx_burst(struct dp_feed *f)
{
	uint16_t sent = 0;

	for (int i = 0; i < TX_RETRIES && sent < f->ntx; i++)
		sent += rte_eth_tx_burst(f->p.port_id, f->p.queue_id,
					 f->txq + sent, f->ntx - sent);
	if (unlikely(sent < f->ntx)) {
		f->p.stats->tx_drops += f->ntx - sent;
		f->tx_fail += f->ntx - sent;
		rte_pktmbuf_free_bulk(f->txq + sent, f->ntx - sent);
	}
	f->ntx = 0;
}

static void queue(struct dp_feed *f, struct rte_mbuf *m)
{
	if (f->ntx == DP_FEED_TXQ)
		tx_burst(f);
	f->txq[f->ntx++] = m;
}

/* Loss injection: the packet is numbered and kept for retransmission
 * either way; on the wire it may vanish, come twice, or come late. */
static void inject(struct dp_feed *f, struct rte_mbuf *m, uint16_t count)
{
	struct rte_mbuf *late = f->held;

	f->held = NULL;
	switch (dp_loss_decide(f->p.loss, f->p.feed_id, count)) {
	case DP_LOSS_DROP:
		f->p.loss->dropped_bytes += m->pkt_len - DP_NET_HDR_LEN;
		rte_pktmbuf_free(m);
		break;
	case DP_LOSS_DUP:
		rte_mbuf_refcnt_update(m, 1);
		queue(f, m);
		queue(f, m);
		break;
	case DP_LOSS_HOLD:
		if (late == NULL) {
			f->held = m;
			return;
		}
		queue(f, m);   /* one held at a time */
		break;
	case DP_LOSS_SEND:
		queue(f, m);
		break;
	}
	if (late)
		queue(f, late);
}

/* Stamp the header of the current packet, number it, queue it for TX. */
static void close_pkt(struct dp_feed *f, uint64_t now)
{
	struct rte_mbuf *m = f->cur;
	struct sp_feed_hdr h = {
		.flags = f->cur_flags,
		.feed_id = f->p.feed_id,
		.count = f->cur_count,
		.session = f->p.session,
		.seq = f->next_seq,
		.send_ns = dp_clock_ns(f->p.clock, now),
	};

	sp_feed_hdr_write(cur_payload(f), &h);
	dp_net_write_udp(f->p.net, rte_pktmbuf_mtod(m, uint8_t *), &f->dst_mac,
			 rte_cpu_to_be_32(f->p.dst_ip),
			 rte_cpu_to_be_16(f->p.dst_port),
			 rte_cpu_to_be_16(f->p.src_port), f->cur_len, f->p.ttl);
	m->data_len = (uint16_t)(DP_NET_HDR_LEN + f->cur_len);
	m->pkt_len = m->data_len;
	f->next_seq += f->cur_count;
	f->p.stats->feed_pkts++;
	f->p.stats->feed_msgs += f->cur_count;
	f->p.stats->feed_bytes += m->pkt_len;
	f->bytes += m->pkt_len;
	if (f->cur_count == 0)
		f->p.stats->heartbeats++;
	f->cur = NULL;
	f->last_send_tsc = now;
	if (h.count == 0) {
		queue(f, m);
		return;
	}
	dp_rtx_keep(&f->rtx, m, h.seq, h.count);
	if (f->p.loss && dp_loss_on(f->p.loss))
		inject(f, m, h.count);
	else
		queue(f, m);
}

int dp_feed_add(struct dp_feed *f, uint8_t flags, uint8_t quality,
		uint64_t sensor_id, uint32_t version, const struct sp_record *r,
		uint64_t now)
{
	unsigned int ssize = r->dim * sp_vtype_size(r->vtype);
	uint32_t full_room = f->max_payload - SP_FHDR_LEN - MSG_MIN;
	uint32_t base = version - r->nsamp, done = 0, left = r->nsamp;
	struct sp_record c = *r;
	int msgs = 0;

	if (f->cur && f->cur_flags != flags)
		close_pkt(f, now);
	/* The common case, a whole record into the open packet: no split,
	 * no copy of the record (a one-sample record's dt goes out as 0, as
	 * below). */
	if (likely(f->cur != NULL && (r->nsamp > 1 || r->dt_ns == 0) &&
		   (uint32_t)f->cur_len + MSG_MIN + (uint32_t)r->nsamp * ssize <=
		   f->max_payload)) {
		f->cur_len += (uint16_t)sp_feed_msg_write(
			cur_payload(f) + f->cur_len, quality, sensor_id, version,
			r, r->values, (size_t)r->nsamp * ssize);
		f->cur_count++;
		if ((unsigned int)(f->max_payload - f->cur_len) <
		    MSG_MIN + MIN_SAMPLE)
			close_pkt(f, now);
		return 1;
	}
	while (left) {
		uint32_t room, k;

		if (f->cur == NULL && open_pkt(f, flags, now) < 0)
			return -ENOBUFS;
		room = f->max_payload - f->cur_len;
		k = room > MSG_MIN ? (room - MSG_MIN) / ssize : 0;
		if (k > left)
			k = left;
		/* Rather than split a record that would fit a fresh packet,
		 * send this one and start the next. */
		if (k < left && f->cur_count > 0 &&
		    (k == 0 || left * ssize <= full_room)) {
			close_pkt(f, now);
			continue;
		}
		c.nsamp = (uint16_t)k;
		c.t0_ns = r->t0_ns + (uint64_t)done * r->dt_ns;
		c.dt_ns = k > 1 ? r->dt_ns : 0;
		f->cur_len += (uint16_t)sp_feed_msg_write(
			cur_payload(f) + f->cur_len, quality, sensor_id,
			base + done + k, &c, r->values + (size_t)done * ssize,
			(size_t)k * ssize);
		f->cur_count++;
		msgs++;
		done += k;
		left -= k;
		if ((unsigned int)(f->max_payload - f->cur_len) <
		    MSG_MIN + MIN_SAMPLE)
			close_pkt(f, now);
	}
	if (msgs > 1)
		f->p.stats->feed_splits++;
	return msgs;
}

void dp_feed_tick(struct dp_feed *f, uint64_t now)
{
	/* a packet held back to reorder leaves once the feed goes quiet */
	if (f->held && now - f->last_send_tsc >= f->flush_tsc) {
		queue(f, f->held);
		f->held = NULL;
	}
	if (f->cur) {
		if (now - f->cur_open_tsc >= f->flush_tsc)
			close_pkt(f, now);
	} else if (now - f->last_send_tsc >= f->hb_tsc) {
		if (open_pkt(f, 0, now) == 0)
			close_pkt(f, now);
	}
	if (f->ntx)
		tx_burst(f);
}

void dp_feed_flush(struct dp_feed *f, uint64_t now)
{
	if (f->cur)
		close_pkt(f, now);
	if (f->ntx)
		tx_burst(f);
}

void dp_feed_end(struct dp_feed *f, uint64_t now)
{
	if (f->held) {
		queue(f, f->held);
		f->held = NULL;
	}
	if (f->cur)
		close_pkt(f, now);
	if (open_pkt(f, SP_FF_END, now) == 0)
		close_pkt(f, now);
	if (f->ntx)
		tx_burst(f);
	dp_rtx_release(&f->rtx);
}
