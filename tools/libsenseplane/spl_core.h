/*
 * spl_core.h - the inside of a libsenseplane handle, shared by the
 * library's own files (spl_handle.c receives and delivers, spl_summary.c
 * reports, spl_attn.c asks for attention). Not for applications: they
 * see senseplane.h only.
 */
#ifndef SPL_CORE_H
#define SPL_CORE_H

#include <stdint.h>

#include "senseplane.h"
#include "sp_catalog.h"
#include "sp_ctl.h"
#include "sp_digest.h"
#include "sp_feed.h"
#include "spl_fill.h"
#include "spl_keys.h"
#include "spl_seq.h"

#define SPL_MAX_JOINS 64
#define SPL_BATCH 32
#define SPL_BUF 9216
#define SPL_ERR 256
#define SPL_LEASE_MS 3000
#define SPL_LEASE_RENEW_NS 1000000000ull

struct spl_attn;

/* Pull mode's queue: messages and their values, copied, until read. */
struct spl_queue {
	struct senseplane_msg *msgs;
	uint8_t *vals;
	uint32_t head, n, cap;
	size_t vlen, vcap;
};

struct senseplane {
	struct senseplane_params p;
	struct sp_catalog cat;
	struct spl_seq seq;
	struct spl_keys keys;
	struct sp_digest digest;
	struct spl_fill_stats fill;
	uint64_t packets, bad_packets, samples, rereq_bytes, lost_events;
	uint64_t sensor_min, sensor_max;
	uint64_t bad[SP_FEED_E_ERR__COUNT];
	int epfd, rfd;
	int socks[SPL_MAX_JOINS];
	unsigned int nsocks;
	/* leases on the feeds joined (control socket given): renewed every
	 * SPL_LEASE_RENEW_NS, for SPL_LEASE_MS each */
	char leased[SPL_MAX_JOINS][24];
	unsigned int nleased;
	uint64_t lease_ns;
	uint64_t lease_errors;
	struct sp_ctl *ctl;
	struct spl_attn *attn;
	uint64_t top_ns;              /* the previous keys_top() */
	uint64_t delivered;           /* messages, for process()'s result */
	struct spl_queue q;
	uint8_t (*bufs)[SPL_BUF];     /* recvmmsg's buffers */
	/* packets read: from the kernel's arrival stamp to the read, i.e.
	 * how late this program reads (its own scheduling, not the feed's) */
	struct sp_histo read_lag;
	char iface[64];               /* params.iface_addr, copied */
	char err[SPL_ERR];
};

#endif /* SPL_CORE_H */
