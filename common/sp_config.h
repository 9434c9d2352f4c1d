/*
 * sp_config.h - senseplane's configuration file (config/senseplane.conf).
 *
 * One INI file; every key is in the table of sp_config.c with its type,
 * bounds, default and help (`senseplane-dp -- --help-config` prints it).
 * An error names the file, the line, the key and the value.
 */
#ifndef SP_CONFIG_H
#define SP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sp_ini.h"

#define SP_PATH_MAX 256

struct sp_config {
	/* [dataplane] */
	char catalog[SP_PATH_MAX];   /* attribute catalogue file */
	char keys_file[SP_PATH_MAX]; /* sensor MAC keys, "" = none */
	uint32_t rx_burst;
	uint32_t rx_limit_pps;       /* per worker, 0 = none (benchmarks) */
	uint32_t loop_pkts;          /* benchmarks: a looped capture's */
	uint32_t loop_us;            /* packets and period (dp_loopclock) */
	uint32_t idle_sleep_us;      /* nap after 64 empty turns, 0: spin */
	uint32_t mbufs;
	uint32_t ring_size;          /* owner hand-off ring per worker */
	bool owner_by_queue;         /* a sensor's first RX queue owns it */
	uint32_t events_ring;        /* sensor events ring per worker */
	uint32_t max_sensors;        /* per worker */
	uint32_t max_keys;           /* (sensor, attribute) per worker */
	uint32_t history_mb;         /* history arena per worker */
	uint32_t stats_ms;           /* console figures period, 0 = off */
	uint32_t idle_s;             /* a silent sensor is reported idle */
	/* [port] */
	uint32_t ip;                 /* host order */
	struct sp_ip6_list ip6;      /* none: link-local from the MAC */
	uint32_t mtu;
	uint32_t rx_desc, tx_desc;   /* descriptors per queue */
	bool promiscuous, allmulti;
	uint32_t sensor_port;
	/* [feed] */
	uint32_t feed_group;         /* host order */
	uint32_t feed_port;
	uint32_t feed_ttl;
	uint32_t flush_us;           /* longest a part-filled packet waits */
	uint32_t heartbeat_ms;
	/* [attention] */
	uint32_t medium_ms;          /* medium tier flush period */
	uint32_t low_ms;             /* low tier flush period */
	uint32_t tier_group;         /* low = +1, medium = +2, high = +3 */
	uint32_t sensor_group;       /* sensor feeds: base | feed_id */
	uint32_t backfill_ms;        /* history replayed when attention rises */
	uint32_t backfill_rate;      /* backfill messages/s per worker */
	uint64_t out_max_bytes_s;    /* per feed; over it the feed sheds */
	uint32_t shed_recover_ms;    /* calm time before undoing a step */
	uint32_t hint_period_s;
	uint32_t max_viewers;
	uint32_t max_subs;
	uint32_t max_outs;           /* lenses + sensor feeds per worker */
	uint32_t max_routes;         /* per worker */
	bool tier_feeds;             /* send the three tier feeds */
	bool sensor_feeds;           /* send per-sensor feeds */
	/* [switches] */
	bool sw_attention, sw_lenses, sw_backfill, sw_shedding, sw_hints;
	bool sw_staged;
	bool sw_coalesce;
	bool sw_dirtyvec;
	bool sw_routes3;             /* DP_F_ROUTES3 */
	bool sw_rtxwarm;             /* DP_F_RTXWARM */
	bool sw_consumed;            /* tier/sensor feeds only while joined */
	/* [reliability] */
	uint32_t rtx_pkts;           /* retransmit buffer per feed, packets */
	uint32_t rtx_mbufs;          /* mbufs a worker may hold for it */
	uint32_t rereq_port;
	char rereq_allow[SP_PATH_MAX]; /* CIDR list allowed to re-request */
	uint32_t rereq_max_bytes;    /* answer cap per request */
	uint32_t rereq_bytes_s;      /* answer cap per requester per second */
	/* [security] */
	bool require_mac;            /* every sensor must sign its packets */
	char require_mac_from[SP_PATH_MAX]; /* CIDR list where they must */
	char src_allow[SP_PATH_MAX]; /* sensor sources allowed, "" = any */
	char src_deny[SP_PATH_MAX];  /* sensor sources refused */
	bool bind_source;            /* a sensor keeps its first source */
	uint32_t replay_reset_s;     /* silence that restarts a window */
	/* [limits] */
	double sensor_factor;        /* x the catalogue's rate, 0 = off */
	uint32_t sensor_burst_ms;    /* bucket depth, at the sensor's limit */
	uint32_t source_pps;         /* per source address, 0 = off */
	uint32_t source_burst;       /* packets */
	uint32_t max_sources;        /* metered addresses per worker */
	/* [loss] (tests) */
	double loss_drop, loss_dup, loss_reorder;
	uint32_t loss_burst;
	uint64_t loss_seed;
	uint32_t loss_feed;          /* 65536: every feed */
	/* [controlplane] (senseplane-ctld) */
	char cp_redis[SP_PATH_MAX];  /* redis://, unix://, sentinel:// */
	char cp_node[64];            /* this node's id; "" = host name */
	char cp_prefix[32];          /* every key under it */
	uint32_t cp_heartbeat_ms;
	uint32_t cp_node_ttl_ms;
	uint32_t cp_resync_s;
	uint32_t cp_last_seen_s;
	/* IPv4:PORT or [IPv6]:PORT; 80 holds the longest IPv6 address with
	 * a scope, brackets and port */
	char cp_api[80];             /* the daemon's TCP API */
	char cp_metrics[80];         /* Prometheus /metrics, "" off */
	char cp_token_file[SP_PATH_MAX]; /* the node API's token, "" none */
	/* [control] */
	char ctl_socket[SP_PATH_MAX];
	char ctl_group[64];          /* the socket's group, "" = ours */
};

/** Fill @p cfg with every default. */
void sp_config_defaults(struct sp_config *cfg);

/**
 * Load @p path over the defaults. Relative catalog/keys paths are taken
 * relative to the file's folder.
 * @return 0, or -1 with @p err = "FILE:LINE: key 'x' value 'y': why".
 */
int sp_config_load(struct sp_config *cfg, const char *path, char *err,
		   size_t errlen);

/**
 * Load the default configuration file @p path (none named on the command
 * line): as sp_config_load(), but a file that is not there leaves the
 * built-in defaults with the built-in catalogue (catalog "").
 * @return 0, 1 when there was no file (the caller says so, in one line),
 * or -1 with @p err set.
 */
int sp_config_load_default(struct sp_config *cfg, const char *path,
			   char *err, size_t errlen);

/** The same from an open file (@p path names it in errors and is the
 * folder relative paths are taken from). */
int sp_config_read(struct sp_config *cfg, FILE *f, const char *path,
		   char *err, size_t errlen);

/**
 * Set one key from "section.key=value" (command-line overrides).
 * @return 0, or -1 with @p err filled.
 */
int sp_config_set(struct sp_config *cfg, const char *assignment, char *err,
		  size_t errlen);

/** Print every key, its type, default, bounds and help. */
void sp_config_print_help(FILE *out);

/** Write the effective configuration as INI. */
void sp_config_dump(const struct sp_config *cfg, FILE *out);

#endif /* SP_CONFIG_H */
