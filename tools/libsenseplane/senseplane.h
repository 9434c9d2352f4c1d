/*
 * senseplane.h - libsenseplane, the viewer side of senseplane as a library.
 *
 * A handle joins feeds (PROTOCOL.md section 2, multicast or unicast),
 * decodes them and delivers every message in order per (session, feed).
 * A gap is re-requested from the appliance (section 3) with retries; what
 * the appliance no longer buffers is read back from its history through
 * the control socket when one is given. Each message says how it arrived
 * (live, late, recovered, from history) and what the appliance skipped on
 * purpose (conflation) or lost upstream; each range given up is reported.
 * Nothing is lost silently.
 *
 * The library owns no thread. Either call senseplane_poll() in a loop, or
 * put senseplane_fd() into your own loop (epoll, poll, libevent) and call
 * senseplane_process() when it is readable or senseplane_timeout_ms() has
 * passed. Callbacks run inside those calls.
 *
 * It also asks for attention: viewers, subscriptions and pins, on one node
 * (its dataplane's control socket) or across the cluster (Redis, the
 * schema of controlplane/SCHEMA.md), so a program can say what it looks at.
 *
 * Conventions: create/free pairs (free(NULL) is a no-op); functions that
 * return int give 0 (or a count) on success and -errno on failure, with
 * senseplane_errmsg() naming what failed. A handle is not thread-safe.
 */
#ifndef SENSEPLANE_H
#define SENSEPLANE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SENSEPLANE_API_VERSION 1

/* Value types of PROTOCOL.md 1 (a record's vtype). */
#define SENSEPLANE_VT_F32 1
#define SENSEPLANE_VT_F64 2
#define SENSEPLANE_VT_I32 3
#define SENSEPLANE_VT_I64 4

/* A message's quality bits (PROTOCOL.md 2). */
#define SENSEPLANE_Q_CONFLATED 0x01  /* older samples of the key skipped */
#define SENSEPLANE_Q_DEGRADED  0x02  /* shed to a lower tier under load */
#define SENSEPLANE_Q_STALE     0x04  /* the sensor has gone quiet */

/* A feed packet's flags (PROTOCOL.md 2). */
#define SENSEPLANE_F_RETRANS  0x01
#define SENSEPLANE_F_BACKFILL 0x02
#define SENSEPLANE_F_END      0x04

struct senseplane;

/** How a message reached the application. */
enum senseplane_how {
	SENSEPLANE_LIVE = 0,   /* in order, as sent */
	SENSEPLANE_LATE,       /* out of order on the wire, put back in order */
	SENSEPLANE_RECOVERED,  /* re-requested and sent again */
	SENSEPLANE_HISTORY,    /* read from the appliance's history after a
				* loss re-requests could not mend */
};

/** One message: a record of samples of one (sensor, attribute). */
struct senseplane_msg {
	uint64_t session;      /* the sending worker's session */
	uint16_t feed_id;
	uint8_t flags;         /* SENSEPLANE_F_* of its packet */
	uint8_t how;           /* enum senseplane_how */
	uint64_t seq;          /* its seq in the feed (0 for HISTORY) */
	uint64_t sensor_id;
	uint16_t attr_id;
	const char *attr_name; /* from the catalogue, or NULL */
	uint8_t quality;       /* SENSEPLANE_Q_* */
	uint8_t vtype;         /* SENSEPLANE_VT_* */
	uint8_t dim;           /* values per sample */
	uint16_t nsamp;        /* samples */
	uint32_t version;      /* the key's sample count at the appliance */
	/* samples of this key the appliance had between the previous message
	 * delivered for it and this one, not carried: on purpose when quality
	 * has SENSEPLANE_Q_CONFLATED, else lost upstream (0 for the first) */
	uint32_t skipped;
	uint64_t t0_ns;        /* first sample's time, ns since the epoch */
	uint32_t dt_ns;        /* between samples */
	const uint8_t *values; /* nsamp * dim values, big-endian (wire) */
	/* when it reached this host, ns since the epoch: the kernel's
	 * receive stamp where the socket gives one, else when it was read */
	uint64_t recv_ns;
};

/** Why a range of messages was given up. */
enum senseplane_loss_reason {
	SENSEPLANE_LOSS_GONE = 0,  /* the appliance no longer buffers it */
	SENSEPLANE_LOSS_NOANSWER,  /* re-requests went unanswered */
};

/** Messages [first_seq, end_seq) of a feed, given up. */
struct senseplane_loss {
	uint64_t session;
	uint16_t feed_id;
	uint8_t reason;          /* enum senseplane_loss_reason */
	uint64_t first_seq, end_seq;
	/* samples read back from history for the keys of this feed (their
	 * messages come first, with how SENSEPLANE_HISTORY); 0 when no
	 * control socket was given */
	uint64_t history_samples;
};

/** How to make a handle; zero is the default of every field. Its strings
 * are read during senseplane_create() only (what is kept is copied). */
struct senseplane_params {
	const char *iface_addr;  /* join groups on the interface with this
				  * IPv4 address (NULL: the kernel's choice) */
	const char *control;     /* the dataplane's control socket: history
				  * after a loss, local attention, and a
				  * lease on each feed joined, renewed
				  * every second (`join`: with the
				  * `consumed` switch the dataplane sends
				  * a tier or sensor feed only while
				  * someone holds one) (NULL) */
	const char *redis;       /* redis://[user:pass@]host:port[/db]:
				  * attention across the cluster (NULL) */
	const char *redis_prefix;/* its key prefix (NULL: "sp:") */
	const char *catalog;     /* attribute names file (NULL: installed) */
	uint16_t rereq_port;     /* the appliance's re-request port (0:
				  * 7401) */
	int no_rereq;            /* never re-request: gaps are given up at
				  * once as NOANSWER */
	int dedup;               /* count a (key, version) once across feeds */
	uint64_t only_first, only_last; /* deliver only these sensor ids
				  * (0, 0: all) */
	/* each message, in order per feed; NULL: use senseplane_next() */
	void (*on_msg)(void *ctx, const struct senseplane_msg *m);
	/* each range given up (optional) */
	void (*on_loss)(void *ctx, const struct senseplane_loss *l);
	void *ctx;
};

/**
 * Make a handle. @return it, or NULL with errno set (EINVAL for a bad
 * parameter, ENOENT for a catalogue or control socket that is not there;
 * senseplane_last_error() tells which).
 */
struct senseplane *senseplane_create(const struct senseplane_params *p);

/** Leave every group, close everything, free. NULL is a no-op. */
void senseplane_free(struct senseplane *v);

/** What the last failing call of @p v (or create, for NULL) said. */
const char *senseplane_errmsg(const struct senseplane *v);
const char *senseplane_last_error(void);

/**
 * Join a feed: "GROUP:PORT" (multicast, e.g. "239.77.0.1:7500") or
 * "IP:PORT" of this host (unicast). At most 64 per handle.
 * @return 0 or -errno.
 */
int senseplane_join(struct senseplane *v, const char *addr);

/** A descriptor that is readable when there is work: for your loop. */
int senseplane_fd(const struct senseplane *v);

/** Milliseconds until timers need senseplane_process() (-1: none). */
int senseplane_timeout_ms(const struct senseplane *v);

/**
 * Read what is waiting (never blocks), run the timers (re-requests, giving
 * up). @return messages delivered, or -errno.
 */
int senseplane_process(struct senseplane *v);

/** Wait up to @p timeout_ms (-1: until there is work), then process. */
int senseplane_poll(struct senseplane *v, int timeout_ms);

/**
 * Pull mode (no on_msg): the next message, waiting up to @p timeout_ms.
 * Its values stay valid until the next call. @return 1, 0 on timeout,
 * or -errno (-EINVAL with on_msg set).
 */
int senseplane_next(struct senseplane *v, struct senseplane_msg *m,
		    int timeout_ms);

/**
 * Hand in one feed packet's UDP payload received elsewhere (a capture, a
 * test) from @p src_ip:@p src_port (network order, 0: no re-requests), at
 * local time @p now_ns (0: now). @return messages delivered, or -errno
 * (-EBADMSG: malformed, counted).
 */
int senseplane_input(struct senseplane *v, const void *pkt, size_t len,
		     uint32_t src_ip, uint16_t src_port, uint64_t now_ns);

/** End of input: give up every open gap as unanswered, deliver what
 * waited behind it. */
void senseplane_finish(struct senseplane *v);

/** 1 when every feed seen has sent END (and one was seen). */
int senseplane_ended(const struct senseplane *v);

/** 1 while a gap is open or messages wait behind one. */
int senseplane_pending(const struct senseplane *v);

/** Totals since create. */
struct senseplane_stats {
	uint64_t packets, bad_packets, heartbeats, messages, samples;
	uint64_t live, late, recovered, lost_gone, lost_noanswer;
	uint64_t duplicates, gaps, rereqs, rereq_bytes;
	uint64_t history_samples, history_keys, history_errors;
	uint64_t keys, order_errors, version_skips, conflated_skips;
	uint64_t dup_samples, unique_samples, digest;
	uint64_t sensor_min, sensor_max;
	unsigned int feeds, sessions;
	int ended;
};

/** Fill @p s. @return 0. */
int senseplane_stats(const struct senseplane *v, struct senseplane_stats *s);

/**
 * Everything received, accounted for, per feed and in all, as one JSON
 * object (the stats above, with per-feed ages, flush periods and recovery
 * times). @return a string to free(), or NULL.
 */
char *senseplane_summary_json(const struct senseplane *v);

/** What is known of one (sensor, attribute). */
struct senseplane_key {
	uint64_t sensor_id;
	uint16_t attr_id;
	uint8_t vtype, dim;
	uint32_t version;
	uint64_t last_t_ns;    /* newest sample's time */
	double last[3];        /* its first three values */
	uint64_t samples;
	uint64_t updated_ns;   /* local time of its last message */
	double rate;           /* samples/s since the previous keys_top */
};

/**
 * The @p n keys updated most recently, by (sensor, attribute), with their
 * rate since the previous call. @return how many were written.
 */
unsigned int senseplane_keys_top(struct senseplane *v,
				 struct senseplane_key *out, unsigned int n);

/** The key (@p sensor, @p attr). @return 0, or -ENOENT if never seen. */
int senseplane_key(const struct senseplane *v, uint64_t sensor,
		   uint16_t attr, struct senseplane_key *out);

/*
 * Attention. Locally (params.control) or across the cluster
 * (params.redis, which wins when both are given). Levels are "high",
 * "medium", "low", "none". Each call waits for its answer (a control
 * socket or Redis round trip).
 */

/** A viewer with its lens sent to @p dest ("IP:PORT"), default @p level
 * (NULL: medium). Adding it again changes it. */
int senseplane_viewer_add(struct senseplane *v, const char *name,
			  const char *dest, const char *level);

/** The viewer and its subscriptions go. */
int senseplane_viewer_rm(struct senseplane *v, const char *name);

/**
 * Viewer @p viewer wants @p sensor's attribute @p attr (a catalogue name,
 * NULL: every attribute) at @p level (NULL: the viewer's), lapsing after
 * @p ttl_ms without renewal (0: never). Again: changes and renews it.
 */
int senseplane_subscribe(struct senseplane *v, const char *viewer,
			 uint64_t sensor, const char *attr, const char *level,
			 unsigned int ttl_ms);

/** The subscription goes. */
int senseplane_unsubscribe(struct senseplane *v, const char *viewer,
			   uint64_t sensor, const char *attr);

/** Pin (@p on 1) or unpin a sensor: every attribute high for everyone. */
int senseplane_pin(struct senseplane *v, uint64_t sensor, int on);

/** The value @p i (sample * dim + component) of @p m as a double. */
double senseplane_value(const struct senseplane_msg *m, unsigned int i);

/** The library's version, "MAJOR.MINOR.PATCH". */
const char *senseplane_version(void);

#ifdef __cplusplus
}
#endif

#endif /* SENSEPLANE_H */
