/*
 * view_seq.h - sequence tracking per feed and session (PROTOCOL.md 2):
 * which messages of a feed arrived, which are missing (gaps), which came
 * twice, and whether the feed has ended.
 */
#ifndef VIEW_SEQ_H
#define VIEW_SEQ_H

#include <stdint.h>

#include "sp_feed.h"
#include "sp_histo.h"

#define VIEW_MAX_FEEDS 256

struct view_feed {
	uint64_t session;
	uint16_t feed_id;
	uint8_t ended;
	uint64_t first_seq;     /* seq of the first message seen */
	uint64_t next_seq;      /* next expected */
	uint64_t packets, heartbeats, messages;
	uint64_t gaps;          /* gap events */
	uint64_t missing;       /* messages never received */
	uint64_t dups;          /* messages received twice */
	uint64_t last_ns;       /* local time of the last packet */
	/* what the feed delivered, for the attention tests */
	uint64_t first_data_ns; /* local time of its first message */
	uint64_t backfill_msgs, conflated_msgs, degraded_msgs;
	uint64_t burst_ns;      /* send time of the current flush burst */
	struct sp_histo age;    /* age of the newest sample at receipt */
	struct sp_histo flush_gap; /* send-time gaps between bursts */
};

struct view_seq {
	unsigned int n;
	uint64_t sessions_seen;
	struct view_feed feeds[VIEW_MAX_FEEDS];
};

/**
 * Account packet header @p h received at @p now_ns.
 * @param first_new  set to the index of the first message of the packet
 *                   that is new (messages before it are duplicates)
 * @return the feed, or NULL when the table of feeds is full.
 */
struct view_feed *view_seq_packet(struct view_seq *s,
				  const struct sp_feed_hdr *h, uint64_t now_ns,
				  unsigned int *first_new);

/**
 * Account message @p m of a packet with header @p h, received at
 * @p now_ns, in the figures of feed @p f.
 */
void view_seq_msg(struct view_feed *f, const struct sp_feed_hdr *h,
		  const struct sp_feed_msg *m, uint64_t now_ns);

/** 1 when every feed seen has ended (and at least one was seen). */
int view_seq_all_ended(const struct view_seq *s);

/** Sum of a field over feeds. */
uint64_t view_seq_total_missing(const struct view_seq *s);
uint64_t view_seq_total_dups(const struct view_seq *s);

#endif /* VIEW_SEQ_H */
