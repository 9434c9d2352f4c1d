/*
 * dp_rtx.h - a feed's retransmit buffer and the answers to re-requests
 * (PROTOCOL.md section 3).
 *
 * The buffer holds the feed's last N data packets themselves: sending one
 * takes a second reference on its mbuf (no copy), and the oldest is let go
 * when a new one comes, or when the worker's cap on held mbufs is reached.
 * A re-request is answered with new RETRANS packets, unicast to the
 * requester, copied message by message from the held packets, up to a byte
 * cap; messages no longer held get the count-0 answer.
 */
#ifndef DP_RTX_H
#define DP_RTX_H

#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "sp_rereq.h"

struct dp_feed;

struct dp_rtx_slot {
	struct rte_mbuf *m;
	uint64_t seq;              /* first message of the packet */
	uint16_t count;
};

struct dp_rtx {
	struct dp_rtx_slot *slots; /* n slots, n a power of two; NULL: off */
	uint32_t mask;
	uint32_t held_cap;
	uint64_t head;             /* packets ever kept */
	uint64_t tail;             /* oldest kept (head - tail <= n) */
	uint32_t *held;            /* the worker's mbufs held by all feeds */
	/* slots[tail & mask].m, NULL when none is held: the packet let go
	 * next, known without reading its slot (dp_rtx_warm) */
	struct rte_mbuf *oldest;
};

/* Within the feed's lines as they were before `oldest` (dp_worker.h's
 * dp_lens layout): the order above fills the holes mask and held_cap
 * left. */
_Static_assert(sizeof(struct dp_rtx) == 48, "struct dp_rtx grew");

/** Where an answer goes and how much it may carry. */
struct dp_rtx_to {
	uint32_t ip;               /* network order */
	uint16_t port;             /* network order */
	struct rte_ether_addr mac;
	uint32_t max_bytes;
};

/** What an answer took. */
struct dp_rtx_result {
	uint32_t pkts, msgs, bytes;
	uint8_t unavailable;       /* a count-0 answer was sent */
};

/** Set up @p r over @p slots (@p n, a power of two; 0 turns it off). */
void dp_rtx_init(struct dp_rtx *r, struct dp_rtx_slot *slots, uint32_t n,
		 uint32_t *held, uint32_t held_cap);

/** Keep packet @p m (messages @p seq .. @p seq + @p count - 1). */
void dp_rtx_keep(struct dp_rtx *r, struct rte_mbuf *m, uint64_t seq,
		 uint16_t count);

/**
 * A packet is opening that dp_rtx_keep() will take: when keeping it will
 * let the oldest go (the ring full, or the worker at its cap), ask for the
 * lines that costs, the oldest mbuf's first two (what rte_pktmbuf_free()
 * reads and writes) and the two slots, so that they are in cache when the
 * packet closes. Only prefetches; changes nothing.
 */
void dp_rtx_warm(const struct dp_rtx *r);

/** Let every held packet go. */
void dp_rtx_release(struct dp_rtx *r);

/** The first seq still held, or @p next_seq when none is. */
uint64_t dp_rtx_first(const struct dp_rtx *r, uint64_t next_seq);

/**
 * Answer @p rq for feed @p f: RETRANS packets to @p to, sent on the feed's
 * queue. @p now is the TSC.
 */
void dp_rtx_answer(struct dp_feed *f, const struct sp_rereq *rq,
		   const struct dp_rtx_to *to, uint64_t now,
		   struct dp_rtx_result *res);

#endif /* DP_RTX_H */
