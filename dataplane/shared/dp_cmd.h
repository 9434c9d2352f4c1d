/*
 * dp_cmd.h - control -> worker messages. The control thread never touches
 * a worker's tables: it puts fixed-size commands on the worker's mailbox
 * (an rte_ring of elements, single producer, single consumer), and the
 * worker applies them between bursts. Queries carry a pointer to a
 * struct dp_query that the worker fills and marks done.
 */
#ifndef DP_CMD_H
#define DP_CMD_H

#include <stddef.h>
#include <stdint.h>

enum dp_cmd_op {
	DP_CMD_OUT_ADD,    /* a lens: feed_id, ip, port, mac, flags */
	DP_CMD_OUT_DEL,    /* a lens goes: feed_id */
	DP_CMD_SET,        /* interest of feed_id (0: pin) in sensor/attr */
	DP_CMD_UNSET,
	DP_CMD_FLAGS,      /* switches: flags */
	DP_CMD_QUERY,      /* fill q */
	DP_CMD_LOSS,       /* loss injection: arg[] = drop, dup, reorder ppm,
			    * burst; sensor_id = seed; flags = feed */
	DP_CMD_JOINED,     /* feed_id has a lease (flags 1) or none (0) */
};

/* Run-time switches (DP_CMD_FLAGS, and the config's [switches]). */
enum dp_flag {
	DP_F_ATTENTION = 1u << 0,  /* off: every sample on the broadcast feed */
	DP_F_LENSES = 1u << 1,     /* per-viewer feeds */
	DP_F_BACKFILL = 1u << 2,   /* replay history when attention rises */
	DP_F_SHEDDING = 1u << 3,   /* demote low/medium under overload */
	DP_F_HINTS = 1u << 4,      /* attention hints to sensors */
	DP_F_CONSUMED = 1u << 5,   /* tier and sensor feeds only while joined */
	DP_F_STAGED = 1u << 6,     /* the worker's burst in stages (B2 x100) */
	DP_F_COALESCE = 1u << 7,   /* a lens's packet waits up to flush_us */
	DP_F_DIRTYVEC = 1u << 8,   /* dirty routes kept in vectors, not lists */
	DP_F_ROUTES3 = 1u << 9,    /* staged: a key's routes past the second
				    * prefetched too */
	DP_F_RTXWARM = 1u << 10,   /* a feed opening a packet prefetches what
				    * its retransmit buffer frees next */
};
#define DP_F_LAST DP_F_RTXWARM
#define DP_F_ALL 0x7ffu

/* DP_CMD_OUT_ADD's flags: a recording lens (every sample, never shed). */
#define DP_LENS_RECORD 1u

/*
 * The pools a request can find empty. What a pool refuses is counted as
 * `refused_NAME` in `stats` (common/CONTROL.md); the control thread's own
 * pools also refuse the request with an error naming the pool and its
 * size. A subscription a worker's pool refused is `"routed": false` in
 * `sub ls` and `attention`, with the pool as `"refused"`. 0: none.
 */
enum dp_pool {
	DP_POOL_NONE,
	DP_POOL_SENSORS,     /* dataplane.max_sensors, a worker */
	DP_POOL_KEYS,        /* dataplane.max_keys, a worker */
	DP_POOL_ROUTES,      /* attention.max_routes, a worker */
	DP_POOL_OUTS,        /* attention.max_outs, a worker */
	DP_POOL_INTERESTS,   /* attention.max_subs + the pins, a worker */
	DP_POOL_VIEWERS,     /* attention.max_viewers */
	DP_POOL_SUBS,        /* attention.max_subs */
	DP_POOL_FEED_IDS,    /* the 16-bit ids of lenses and sensor feeds */
	DP_POOL_PINS,        /* DP_MODEL_MAX_PINS */
	DP_POOL__COUNT
};

/** The name of pool @p p ("routes"), "?" when out of range. */
static inline const char *dp_pool_name(unsigned int p)
{
	static const char *const n[DP_POOL__COUNT] = {
		"none", "sensors", "keys", "routes", "outs", "interests",
		"viewers", "subs", "feed_ids", "pins",
	};

	return p < DP_POOL__COUNT ? n[p] : "?";
}

struct dp_query;

struct dp_cmd {
	uint8_t op;
	uint8_t level;
	uint8_t has_mac;
	uint8_t mac[6];
	uint16_t feed_id;          /* lens (0 in SET/UNSET: a pin) */
	uint16_t attr_id;          /* 0: every attribute */
	uint16_t port;             /* host order */
	uint16_t sensor_feed_id;   /* SET: the sensor's feed, if made now */
	uint32_t ip;               /* host order */
	uint32_t flags;
	uint64_t sensor_id;
	uint32_t arg[4];
	struct dp_query *q;
};

enum dp_query_kind {
	DP_Q_SENSORS,      /* the worker's sensors: dp_qa_sensor each */
	DP_Q_HISTORY,      /* samples of one key: dp_qa_history, samples */
	DP_Q_ATTENTION,    /* a sensor's keys: dp_qa_attention, keys, routes,
			    * then its interests */
	DP_Q_ROUTED,       /* of the subscriptions in `subs`, those whose
			    * sensor this worker has: dp_qa_routed each */
};

/*
 * Answers are raw records the worker copies into the query's buffer, one
 * after the other; the control thread formats them (ctl/dp_answers.h). A
 * worker never formats text: a page of 20 000 sensors is a memcpy each.
 */
struct dp_qa_sensor {
	uint64_t id, pkts, samples;
	uint64_t age_ns;           /* since its last packet */
	uint32_t src_ip;           /* network order */
	uint16_t src_port;         /* network order */
	uint16_t nkeys;
	uint16_t worker;
	uint8_t level;             /* enum sp_level */
	uint8_t hint;              /* its last packet set HINT */
	uint8_t idle;              /* reported gone idle (dataplane.idle_s) */
	uint8_t src_v6;            /* the source is src_ip6, not src_ip */
	uint8_t src_ip6[16];
};

struct dp_qa_attention {
	uint64_t sensor;
	uint8_t seen, level;
	uint16_t nkeys;            /* dp_qa_key records follow */
	uint16_t ninterests;       /* then dp_qa_interest records */
};

struct dp_qa_key {
	uint16_t attr;
	uint8_t level, sub_level;
	uint16_t nroutes;          /* dp_qa_route records follow */
	uint8_t refused;           /* a route it should have is missing:
				    * the pool (enum dp_pool), 0 none */
};

struct dp_qa_interest {
	uint16_t feed;             /* the lens, 0 for a pin */
	uint16_t attr;             /* 0: every attribute */
	uint8_t level;
	uint8_t refused;           /* enum dp_pool, 0: routed */
};

/* A subscription asked about by DP_Q_ROUTED. */
struct dp_sub_ref {
	uint64_t sensor;
	uint16_t feed;             /* the viewer's lens */
	uint16_t attr;
};

struct dp_qa_routed {
	uint32_t idx;              /* in the query's subs */
	uint8_t refused;           /* enum dp_pool, 0: routed */
};

struct dp_qa_route {
	uint16_t feed;
	uint8_t kind;              /* enum dp_out_kind */
	uint8_t level;
};

struct dp_qa_history {
	uint64_t sensor;
	uint64_t received;         /* samples ever pushed */
	uint64_t first_version;    /* of the first sample that follows */
	uint32_t kept;             /* samples held now */
	uint32_t n;                /* samples that follow */
	uint16_t attr;
	uint8_t vtype, dim;
	uint16_t ssize;            /* then n x (uint64_t t_ns, ssize bytes) */
};

struct dp_query {
	uint8_t kind;
	uint8_t by_range;          /* HISTORY: time range (1), the samples
				    * after version from_ns (2), else last n */
	uint16_t attr_id;
	uint32_t n;                /* HISTORY last n; SENSORS n positions;
				    * ROUTED n subs */
	uint64_t sensor_id;
	uint64_t from_ns, to_ns;
	uint32_t done;             /* set by the worker (release) */
	int rc;                    /* 0, or -ENOENT */
	size_t len, cap;
	uint8_t *buf;              /* the answer's records (dp_qa_*) */
	uint32_t count;            /* items written */
	uint32_t from;             /* SENSORS: first table position */
	uint8_t more;              /* SENSORS: positions past from + n */
	uint8_t brief;             /* SENSORS: id, worker, age_ms each */
	uint8_t attrs;             /* SENSORS: each record followed by its
				    * nkeys attribute ids (uint16_t) */
	const struct dp_sub_ref *subs;   /* ROUTED: n of them, read only */
};

/* worker -> control: a sensor first seen (or back) or gone idle. */
enum dp_event_kind { DP_EV_SEEN = 1, DP_EV_IDLE = 2 };

struct dp_event {
	uint64_t sensor_id;
	uint64_t t_ns;
	uint32_t worker;
	uint32_t kind;
};

#endif /* DP_CMD_H */
