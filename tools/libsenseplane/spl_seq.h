/*
 * spl_seq.h - a viewer's reliable, in-order delivery per feed and session
 * (PROTOCOL.md sections 2 and 3).
 *
 * Messages are delivered in seq order. A gap - seen on the next packet or
 * heartbeat - is re-requested at once and again after a few round trips;
 * packets past a gap wait until it is filled (by a RETRANS answer or a late
 * packet) or given up: by the count-0 answer (gone from the retransmit
 * buffer: read history), or after five unanswered re-requests. Duplicates
 * are dropped. Every message ends up counted once: delivered live, late,
 * recovered by re-request, or lost with a reason.
 */
#ifndef SPL_SEQ_H
#define SPL_SEQ_H

#include <stddef.h>
#include <stdint.h>

#include "sp_feed.h"
#include "sp_histo.h"

#define SPL_MAX_FEEDS 256

enum spl_lost_reason {
	SPL_LOST_GONE,      /* the count-0 answer: no longer buffered */
	SPL_LOST_NOANSWER,  /* re-requests went unanswered */
};

struct spl_held;   /* a packet waiting behind a gap */
struct spl_gap;

struct spl_feed {
	uint64_t session;
	uint16_t feed_id;
	uint8_t ended;
	uint32_t src_ip;        /* who sends it (network order), for */
	uint16_t src_port;      /* re-requests: the dataplane's address */
	uint64_t first_seq;     /* seq of the first message seen */
	uint64_t next_seq;      /* next to deliver */
	uint64_t high;          /* one past the highest seq known to exist */
	uint64_t packets, heartbeats, messages;
	uint64_t gaps;          /* gap events */
	uint64_t dups;          /* messages received twice */
	uint64_t last_ns;       /* local time of the last packet */
	uint64_t first_ns;      /* local time of the first packet */
	/* where each message came from */
	uint64_t live, late, recovered;
	uint64_t lost_gone, lost_noanswer;
	uint64_t rereqs, rtx_bytes;
	uint64_t rtt_ns;        /* smoothed re-request round trip */
	struct sp_histo recover_ns; /* gap seen -> filled */
	/* waiting and missing */
	struct spl_held *held;
	uint32_t nheld, cap_held;
	struct spl_gap *gapv;
	uint32_t ngaps, cap_gaps;
	/* what the feed delivered, for the attention tests */
	uint64_t first_data_ns; /* local time of its first message */
	uint64_t backfill_msgs, conflated_msgs, degraded_msgs;
	uint64_t burst_ns;      /* send time of the current flush burst */
	struct sp_histo age;    /* age of the newest sample at receipt */
	struct sp_histo flush_gap; /* send-time gaps between bursts */
};

struct spl_seq {
	unsigned int n;
	uint64_t sessions_seen;
	struct spl_feed feeds[SPL_MAX_FEEDS];
};

/* How a message reached the viewer. */
enum spl_how { SPL_LIVE, SPL_LATE, SPL_RECOVERED };

struct spl_seq_ops {
	/* messages [first, first + n) of packet @p pkt, in order */
	void (*deliver)(void *ctx, struct spl_feed *f,
			const struct sp_feed_hdr *h, const uint8_t *pkt,
			size_t len, unsigned int first, unsigned int n,
			enum spl_how how, uint64_t now_ns);
	/* ask the dataplane again for [seq, seq + count) */
	void (*request)(void *ctx, struct spl_feed *f, uint64_t seq,
			uint16_t count);
	/* [lo, hi) is given up */
	void (*lost)(void *ctx, struct spl_feed *f, uint64_t lo, uint64_t hi,
		     enum spl_lost_reason why);
	void *ctx;
};

/**
 * A feed packet @p pkt (validated, header @p h) arrived at @p now_ns from
 * @p src_ip:@p src_port (network order; 0 from a capture).
 * @return its feed, or NULL when the table of feeds is full.
 */
struct spl_feed *spl_seq_packet(struct spl_seq *s,
				  const struct sp_feed_hdr *h,
				  const uint8_t *pkt, size_t len,
				  uint64_t now_ns, uint32_t src_ip,
				  uint16_t src_port,
				  const struct spl_seq_ops *ops);

/** Timers: send or resend re-requests, give up on silent gaps. */
void spl_seq_poll(struct spl_seq *s, uint64_t now_ns,
		   const struct spl_seq_ops *ops);

/** Give up every open gap (at exit) as unanswered. */
void spl_seq_close(struct spl_seq *s, const struct spl_seq_ops *ops);

/** Free held packets. */
void spl_seq_free(struct spl_seq *s);

/**
 * Account message @p m of a packet with header @p h, received at
 * @p now_ns, in the figures of feed @p f.
 */
void spl_seq_msg(struct spl_feed *f, const struct sp_feed_hdr *h,
		  const struct sp_feed_msg *m, uint64_t now_ns);

/** 1 when every feed seen has ended (and at least one was seen). */
int spl_seq_all_ended(const struct spl_seq *s);

/** Sums over feeds: messages lost for good, duplicates dropped. */
uint64_t spl_seq_total_missing(const struct spl_seq *s);
uint64_t spl_seq_total_dups(const struct spl_seq *s);

#endif /* SPL_SEQ_H */
