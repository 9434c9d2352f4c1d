/*
 * dp_stats.h - the dataplane's counters: one block per worker lcore,
 * written only by that worker, summed by readers (telemetry, the console
 * line, shutdown report). Exposed through DPDK telemetry as
 * /senseplane/stats and /senseplane/drops.
 */
#ifndef DP_STATS_H
#define DP_STATS_H

#include <stdint.h>
#include <stdio.h>

#include <rte_common.h>

#include "sp_wire.h"

/* Drops that are the dataplane's, not the sensor protocol's. */
enum dp_drop {
	DP_DROP_ATTR_UNKNOWN,  /* attr_id not in the catalogue */
	DP_DROP_ATTR_SHAPE,    /* vtype/dim differ from the catalogue */
	DP_DROP_TABLE_FULL,    /* no room for a new sensor or key */
	DP_DROP_RING_FULL,     /* owner's hand-off ring full */
	DP_DROP_SEQ_DUP,       /* same seq as the sensor's last packet */
	DP_DROP_IP_BAD,        /* IPv4 header invalid */
	DP_DROP_IP_FRAG,       /* IPv4 fragment (sensors must not fragment) */
	DP_DROP_UDP_BAD,       /* UDP length invalid */
	DP_DROP_IP_CSUM,       /* IPv4 header checksum wrong (RFC 1122) */
	DP_DROP_REPLAY,        /* keyed sensor: seq already in its window */
	DP_DROP_REPLAY_OLD,    /* keyed sensor: seq below its window */
	DP_DROP_ACL,           /* source refused by security.allow/deny */
	DP_DROP_SOURCE_BOUND,  /* sensor bound to another source address */
	DP_DROP_RATE_SENSOR,   /* sensor over limits.sensor_factor */
	DP_DROP_RATE_SOURCE,   /* source address over limits.source_pps */
	DP_DROP_IP6_BAD,       /* IPv6 header invalid (version, length) */
	DP_DROP_IP6_FRAG,      /* IPv6 fragment header (next header 44) */
	DP_DROP_IP6_HBH,       /* IPv6 hop-by-hop options (next header 0) */
	DP_DROP_IP6_EXT,       /* another IPv6 extension header (routing,
				* destination options, AH, ESP, ...) */
	DP_DROP_UDP6_CSUM_ZERO, /* UDP over IPv6 without a checksum (RFC
				 * 8200 8.1: it is mandatory) */
	DP_DROP_UDP6_CSUM,     /* UDP over IPv6, checksum wrong */
	DP_DROP__COUNT
};

const char *dp_drop_name(unsigned int reason);

/* Counters of one worker; one cache-aligned block per lcore. */
struct dp_stats {
	uint64_t rx_pkts;
	uint64_t rx_bytes;
	uint64_t sensor_pkts;     /* accepted sensor packets */
	uint64_t records_in;
	uint64_t samples_in;
	uint64_t proto_drop[SP_DROP__COUNT];
	uint64_t dp_drop[DP_DROP__COUNT];
	uint64_t ignored;         /* not for us: other ethertype/address/port */
	uint64_t arp_replies;
	uint64_t icmp_replies;
	uint64_t nd_replies;      /* IPv6 neighbour advertisements sent */
	uint64_t icmp6_replies;   /* ICMPv6 echo replies sent */
	uint64_t handoff_out;     /* sent to the owner lcore */
	uint64_t handoff_in;      /* taken from our ring */
	uint64_t seq_gaps;        /* sensor packets missing by seq */
	uint64_t sensors;         /* sensors owned */
	uint64_t keys;            /* (sensor, attribute) keys owned */
	uint64_t history_full;    /* keys made without history (arena full) */
	uint64_t feed_pkts;
	uint64_t feed_msgs;
	uint64_t feed_bytes;
	uint64_t feed_splits;     /* records split over several messages */
	uint64_t feed_coalesced;  /* lens messages put in a packet opened in
				   * an earlier loop turn (switch coalesce) */
	uint64_t feed_due_pkts;   /* lens packets sent at their flush_us
				   * deadline (switch coalesce) */
	uint64_t heartbeats;
	uint64_t tx_drops;        /* packets the TX queue would not take */
	uint64_t feed_lost;       /* samples not sent: packet pool empty */
	uint64_t refused_outs;    /* lenses/sensor feeds refused: pool full
				   * (the other pools count in their own
				   * structs: dp_figures_tables) */
	uint64_t backfills;       /* backfills run */
	uint64_t backfill_limited; /* backfills skipped by the rate limit */
	uint64_t demotions;       /* shedding steps taken */
	uint64_t flushes;         /* medium + low flush cycles */
	uint64_t flush_cycles;    /* TSC cycles spent in them */
	uint64_t cmds;            /* mailbox commands applied */
	uint64_t hints;           /* attention hints sent */
	uint64_t hint_list_full;  /* hinted sensors past DP_HINT_LIST_MAX */
	uint64_t hints_v6_skipped; /* hints not sent: the sensor's source is
				    * IPv6 (not yet sent over IPv6) */
	uint64_t rereq_in;        /* re-requests received */
	uint64_t rereq_denied;    /* from addresses not allowed */
	uint64_t rereq_bad;       /* malformed, or for a feed we lack */
	uint64_t rereq_limited;   /* over the requester's byte budget */
	uint64_t rereq_unavail;   /* answered count 0 (read history) */
	uint64_t rereq_served;    /* answered */
	uint64_t events_lost;     /* seen/idle events the ring refused */
	uint64_t events_retold;   /* refused seen events told later */
	uint64_t rtx_pkts;        /* RETRANS packets sent */
	uint64_t rtx_msgs;
	uint64_t rtx_bytes;
	uint64_t loss_dropped;    /* loss injection: packets dropped */
	uint64_t loss_duped;
	uint64_t loss_reordered;
	uint64_t mac_second_key;  /* accepted, signed with a rotation's
				   * second (outgoing) key */
	uint64_t replay_resets;   /* keyed sensors whose window restarted */
	uint64_t sources_metered; /* source addresses in the limit table */
	uint64_t source_overflow; /* packets of sources the table lacked */
	uint64_t source_resets;   /* full source tables emptied */
	uint64_t long_turns;      /* loop turns longer than 100 us */
	uint64_t turn_max_ns;     /* the longest loop turn (gauge) */
	uint64_t idle_sleeps;     /* dataplane.idle_sleep_us naps taken */
	uint64_t busy_cycles;     /* TSC cycles of loop turns that had work */
	uint64_t loops;
} __rte_cache_aligned;

/** Sum @p n blocks into @p out. */
void dp_stats_sum(const struct dp_stats *blocks, unsigned int n,
		  struct dp_stats *out);

/** Total of every drop counter of @p s. */
uint64_t dp_stats_drops(const struct dp_stats *s);

/**
 * Register the telemetry commands over @p blocks (n workers).
 * @return 0 or -errno.
 */
int dp_stats_telemetry_init(const struct dp_stats *blocks, unsigned int n);

/** Print a one-line summary of @p s, with rates over @p secs seconds since
 * @p prev (NULL for totals only). */
void dp_stats_line(FILE *out, const struct dp_stats *s,
		   const struct dp_stats *prev, double secs);

struct json_t;
/** Add every counter of @p s to JSON object @p obj (drops as "drop.X"). */
void dp_stats_json(struct json_t *obj, const struct dp_stats *s);

/** Print every counter, one per line, "name value". */
void dp_stats_dump(FILE *out, const struct dp_stats *s);

#endif /* DP_STATS_H */
