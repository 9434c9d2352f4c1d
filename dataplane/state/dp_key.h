/*
 * dp_key.h - the per-sensor and per-(sensor, attribute) state a worker
 * owns. Plain structs with no EAL dependency, so the routing modules that
 * use them (dp_route, dp_attn) are unit-tested without DPDK.
 */
#ifndef DP_KEY_H
#define DP_KEY_H

#include <stddef.h>
#include <stdint.h>

#include "dp_history.h"
#include "dp_replay.h"

struct dp_route;
struct dp_interest;
struct dp_out;

/* Two cache lines, aligned (the table's array is cache aligned): a key
 * of 120 bytes at a 120-byte stride spans three lines in most places, and
 * the worker's burst prefetches exactly the two lines a key has. */
struct dp_key {
	uint64_t sensor_id;
	uint16_t attr_id;
	uint16_t attr_idx;      /* position in the catalogue */
	uint8_t mode;           /* enum sp_mode: latest or all */
	uint8_t level;          /* attention: enum sp_level */
	uint8_t sub_level;      /* attention from subscriptions (no pins) */
	uint8_t vtype;
	uint8_t dim;
	uint32_t version;       /* samples received, low 32 bits */
	uint64_t last_t_ns;     /* time of the newest sample */
	uint64_t rx_ns;         /* when its newest record arrived */
	struct dp_route *routes;   /* where its samples go */
	struct dp_key *sensor_next; /* the sensor's other keys */
	struct dp_history hist;
} __attribute__((aligned(64)));
_Static_assert(sizeof(struct dp_key) == 128, "a key is two lines");

/* Keys a sensor finds in its own first two cache lines: B2's sensors have
 * five attributes, and a key beyond these is a walk of the sensor's list,
 * one dependent miss a step at scale. */
#define DP_SENSOR_FAST_KEYS 6

/* Four cache lines (the table's array is cache aligned). The first two
 * hold all that a packet reads and writes: finding its keys (the burst
 * prefetches both lines, then the keys they name), the sequence, the
 * counters and where it came from. The third and fourth are written
 * rarely (first sight, hints, subscriptions) and read only by the guards
 * that are on (keyed sensors, rate limits, source binding). */
struct dp_sensor {
	/* line 1: read for every packet */
	uint64_t id;
	uint32_t last_seq;
	uint8_t have_seq;
	uint8_t seen;           /* 0 while only subscriptions name it */
	uint8_t flags;          /* last packet's flags (MAC, HINT) */
	uint8_t idle;           /* reported gone idle, not back yet */
	uint8_t untold;         /* its "seen" event was refused: told again
				 * on its next packet */
	uint16_t nkeys;
	uint16_t fast_attr[DP_SENSOR_FAST_KEYS]; /* attr ids of fast_key */
	struct dp_key *fast_key[DP_SENSOR_FAST_KEYS]; /* its first keys */
	/* line 2: written for every packet */
	uint64_t last_tsc;
	uint64_t pkts;
	uint64_t samples;
	uint32_t src_ip;        /* network order */
	uint16_t src_port;      /* network order */
	uint8_t src_mac[6];
	uint8_t src_v6;         /* the source is src_ip6 (src_ip is 0); in
				 * the line's padding, as it is written with
				 * the source for every packet */
	struct dp_key *keys;    /* every key, newest first */
	/* lines 3 and 4: cold */
	uint64_t first_tsc;
	uint8_t hint_level;     /* level last hinted to the sensor */
	uint8_t out_refused;    /* its sensor feed was refused (outs full) */
	uint64_t hint_tsc;      /* when the last hint went out */
	struct dp_interest *interests; /* subscriptions and pins naming it */
	struct dp_out *sensor_out;     /* its sensor feed, while subscribed */
	/* the guards */
	struct dp_replay replay;       /* keyed sensors: the seq window */
	uint64_t meter[3];             /* rate limit: an rte_meter_srtcm */
	uint32_t bound_ip;             /* bind_source: network order, 0 none */
	uint16_t meter_prof;           /* its profile + 1; 0: to be chosen */
	uint8_t src6_to;               /* src_v6: the port's address it sends
					* to (dp_net ip6[]), which its hints
					* come from: a sensor's connected
					* socket takes no other */
	uint8_t src_ip6[16];           /* src_v6: its IPv6 source */
} __attribute__((aligned(64)));
_Static_assert(sizeof(struct dp_sensor) == 256, "a sensor is four lines");
_Static_assert(offsetof(struct dp_sensor, src_v6) < 128 &&
	       offsetof(struct dp_sensor, keys) == 120,
	       "the source family flag is in the second line's padding");
_Static_assert(offsetof(struct dp_sensor, keys) < 128,
	       "what a packet reads and writes is in the first two lines");

#endif /* DP_KEY_H */
