/*
 * view.h - senseplane-view's state: its options and what it has received
 * (sequence tracking per feed, the key table, the digest, the history
 * fill's figures). view_main.c runs it; view_summary.c reports it.
 */
#ifndef VIEW_H
#define VIEW_H

#include <netinet/in.h>
#include <stdint.h>

#include "sp_catalog.h"
#include "sp_ctl.h"
#include "sp_digest.h"
#include "sp_feed.h"
#include "view_fill.h"
#include "view_seq.h"
#include "view_table.h"

#define MAX_SOCKS 16

struct opts {
	const char *pcap, *iface, *catalog, *summary;
	double seconds, idle;
	int json, until_end, quiet, dedup;
	uint64_t only_lo, only_hi;   /* --only: sensor id range, 0 = all */
	const char *control;         /* dataplane control socket */
	uint16_t rereq_port;         /* 0: no re-requests */
	unsigned int rows;
	int nfeeds;
	struct sockaddr_in feeds[MAX_SOCKS];
};

struct viewer {
	struct opts o;
	struct sp_catalog cat;
	struct view_seq seq;
	struct view_table table;
	struct sp_digest digest;
	uint64_t packets, bad_packets, samples, last_pkt_ns;
	uint64_t sensor_min, sensor_max;
	int rfd;                     /* re-requests go out and answers in */
	struct sp_ctl *ctl;          /* --control: history after a loss */
	uint64_t rereq_bytes, lost_events;
	struct view_fill_stats fill;
	uint64_t bad[SP_FEED_E_ERR__COUNT];
};

#endif /* VIEW_H */
