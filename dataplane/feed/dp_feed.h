/*
 * dp_feed.h - one feed as one worker sends it: messages are packed into a
 * feed packet (PROTOCOL.md section 2) until it reaches the MTU or has waited
 * flush_us, then queued for TX; sequence numbers are gap-free per feed and
 * session; an idle feed sends heartbeats; END closes the session.
 *
 * Each worker sends its own shard of every feed, under its own session
 * (dp_feed_session()), so seq has a single writer and needs no atomics; a
 * viewer tracks seq per (session, feed_id).
 */
#ifndef DP_FEED_H
#define DP_FEED_H

#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "dp_clock.h"
#include "dp_net.h"
#include "dp_loss.h"
#include "dp_rtx.h"
#include "dp_stats.h"
#include "sp_feed.h"

#define DP_FEED_TXQ 64
#define DP_FEED_FIRST_DYNAMIC_ID 16   /* 0 broadcast, 1..3 tiers */
#define DP_FEED_WORKER_BITS 8   /* the low byte of a session is the worker */

/** Session of worker @p worker's shards in the run @p run_session. */
static inline uint64_t dp_feed_session(uint64_t run_session,
				       unsigned int worker)
{
	return (run_session & ~(uint64_t)0xff) | worker;
}

struct dp_feed_params {
	uint16_t feed_id;
	uint64_t session;
	uint32_t dst_ip;         /* host order; multicast or unicast */
	uint16_t dst_port;       /* UDP, host order */
	uint16_t src_port;
	const struct rte_ether_addr *dst_mac; /* NULL: the multicast MAC */
	uint8_t ttl;
	uint16_t mtu;
	uint32_t flush_us;
	uint32_t heartbeat_ms;
	struct rte_mempool *pool;
	const struct dp_net *net;
	const struct dp_clock *clock;
	uint16_t port_id;
	uint16_t queue_id;
	struct dp_stats *stats;
	/* retransmit buffer: slots (NULL: none), the worker's held count */
	struct dp_rtx_slot *rtx_slots;
	uint32_t rtx_n;
	uint32_t *rtx_held;
	uint32_t rtx_held_cap;
	struct dp_loss *loss;    /* the worker's loss injection, may be NULL */
};

struct dp_feed {
	struct dp_feed_params p;
	struct rte_ether_addr dst_mac;
	uint16_t max_payload;    /* UDP payload bytes per packet */
	uint64_t flush_tsc;
	uint64_t hb_tsc;
	/* the packet being filled */
	struct rte_mbuf *cur;
	uint8_t cur_flags;       /* feed flags of the packet (BACKFILL) */
	uint8_t rtx_warm;        /* switches.rtxwarm: open_pkt prefetches
				  * (the worker sets it) */
	uint16_t cur_len;        /* UDP payload bytes so far */
	uint16_t cur_count;
	uint64_t cur_open_tsc;
	/* sequence state */
	uint64_t next_seq;       /* seq of the next message */
	uint64_t last_send_tsc;
	uint64_t bytes;          /* sent by this feed (for shedding) */
	uint64_t tx_fail;        /* packets the TX queue refused */
	struct dp_rtx rtx;
	struct rte_mbuf *held;   /* loss injection: sent after the next one */
	/* packets waiting for the TX burst */
	uint16_t ntx;
	struct rte_mbuf *txq[DP_FEED_TXQ];
};

/** Set up @p f. @return 0 or -EINVAL (MTU too small). */
int dp_feed_init(struct dp_feed *f, const struct dp_feed_params *p);

/**
 * Append the samples of record @p r (values as on the wire) for
 * @p sensor_id, in a packet with feed flags @p flags (BACKFILL or 0);
 * @p version is the key's sample count after this record.
 * A record too large for one packet is split by samples over messages,
 * each a valid record with its own t0 and version.
 * @return messages added, or -ENOBUFS when the pool is empty (counted).
 */
int dp_feed_add(struct dp_feed *f, uint8_t flags, uint8_t quality,
		uint64_t sensor_id, uint32_t version, const struct sp_record *r,
		uint64_t now);

/**
 * Timers: close a part-filled packet older than flush_us, send a heartbeat
 * after heartbeat_ms of silence, and hand queued packets to the NIC.
 */
void dp_feed_tick(struct dp_feed *f, uint64_t now);

/** Close the current packet (if any) and hand every queued packet to TX. */
void dp_feed_flush(struct dp_feed *f, uint64_t now);

/** Flush, send the END packet of the session, let the retransmit buffer
 * go. */
void dp_feed_end(struct dp_feed *f, uint64_t now);

#endif /* DP_FEED_H */
