/*
 * dp_model.h - the dataplane's authoritative attention configuration:
 * viewers (name, destination, level, lens feed id), subscriptions (viewer x
 * sensor [/attribute] x level, with an optional TTL), pins and switches.
 *
 * It lives in the control thread. Every change becomes commands to the
 * workers (struct dp_cmd) through the send callback: per sensor to its
 * owner, or to every worker (sensor 0). TTLs lapse in dp_model_tick(). It
 * allocates the wire ids of lenses and sensor feeds. EAL-free: unit-tested
 * with a fake clock and a fake sender.
 */
#ifndef DP_MODEL_H
#define DP_MODEL_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#include "dp_cmd.h"
#include "sp_args.h"

#define DP_VIEWER_NAME_LEN SP_NAME_MAX
#define DP_FEED_FIRST_DYNAMIC 16   /* 0 broadcast, 1..3 tiers */
#define DP_MODEL_MAX_PINS 4096

struct dp_viewer {
	char name[DP_VIEWER_NAME_LEN];
	uint32_t ip;               /* host order */
	uint16_t port;
	uint16_t feed_id;          /* its lens */
	uint8_t mac[6];
	uint8_t has_mac;
	uint8_t level;             /* default level of its subscriptions */
	uint8_t record;            /* a recorder: every sample, no attention
				    * (dp_attn.h), no sensor feeds */
	uint8_t used;
	uint32_t nsubs;
	uint64_t created_ns;
};

struct dp_sub {
	uint64_t sensor_id;
	uint64_t expires_ns;       /* 0: no TTL */
	uint32_t viewer;           /* index */
	uint16_t attr_id;          /* 0: every attribute */
	uint8_t level;             /* enum sp_level */
	uint8_t used;
};

typedef void (*dp_model_send_fn)(void *ctx, uint64_t sensor_id,
				 const struct dp_cmd *c);

struct dp_model_params {
	uint32_t max_viewers;
	uint32_t max_subs;
	/* outs a worker has (attention.max_outs): every viewer's lens takes
	 * one on every worker, so no more viewers than that; 0: unchecked */
	uint32_t max_outs;
	uint32_t flags;            /* initial switches */
	/* per-sensor feeds are sent (attention.sensor_feeds): without them
	 * a subscription takes no feed id, so the 16-bit ids are left to
	 * the viewers' lenses */
	bool sensor_feeds;
	dp_model_send_fn send;
	void *ctx;
};

struct dp_model;

/** @return the model, or NULL (out of memory). */
struct dp_model *dp_model_create(const struct dp_model_params *p);
void dp_model_free(struct dp_model *m);

/**
 * Add viewer @p name with its lens to @p ip:@p port (host order); @p mac
 * may be NULL for a multicast destination.
 * @return the lens feed id, or -EEXIST, -ENOSPC, -EINVAL with @p err set;
 * -ENOSPC names the pool that is full (viewers, outs, feed ids) and its
 * size, and is counted (dp_model_refused()).
 */
int dp_model_viewer_add(struct dp_model *m, const char *name, uint32_t ip,
			uint16_t port, const uint8_t *mac, uint8_t level,
			uint64_t now_ns, char *err, size_t errlen);

/**
 * As dp_model_viewer_add(), a recording viewer: its lens carries every
 * sample of what it subscribes to, `latest` attributes too, batched at the
 * level's cadence and never shed; its subscriptions raise no attention and
 * make no sensor feed (common/CONTROL.md, "Recording").
 */
int dp_model_recorder_add(struct dp_model *m, const char *name, uint32_t ip,
			  uint16_t port, const uint8_t *mac, uint8_t level,
			  uint64_t now_ns, char *err, size_t errlen);

/** Remove a viewer and its subscriptions. @return 0 or -ENOENT. */
int dp_model_viewer_rm(struct dp_model *m, const char *name, char *err,
		       size_t errlen);

/** The viewer called @p name, or NULL. */
const struct dp_viewer *dp_model_viewer_find(const struct dp_model *m,
					     const char *name);

/** Viewer slot @p i (0..max-1), or NULL when unused. */
const struct dp_viewer *dp_model_viewer_at(const struct dp_model *m,
					   uint32_t i);
uint32_t dp_model_viewer_slots(const struct dp_model *m);
uint32_t dp_model_nviewers(const struct dp_model *m);

/**
 * Subscribe @p viewer to @p sensor / @p attr (0: all) at @p level (0: the
 * viewer's level); @p ttl_ms 0 means no TTL. Subscribing again updates the
 * level and restarts the TTL (a hover that is renewed).
 * @return 0, or -ENOENT (no viewer), -ENOSPC, -EINVAL with @p err set;
 * -ENOSPC names the pool (subs, feed ids) and its size, and is counted.
 */
int dp_model_sub_add(struct dp_model *m, const char *viewer,
		     uint64_t sensor, uint16_t attr, uint8_t level,
		     uint32_t ttl_ms, uint64_t now_ns, char *err,
		     size_t errlen);

/** Unsubscribe. @return 0 or -ENOENT with @p err set. */
int dp_model_sub_rm(struct dp_model *m, const char *viewer, uint64_t sensor,
		    uint16_t attr, char *err, size_t errlen);

/** Subscription slot @p i, or NULL when unused. */
const struct dp_sub *dp_model_sub_at(const struct dp_model *m, uint32_t i);
uint32_t dp_model_sub_slots(const struct dp_model *m);
uint32_t dp_model_nsubs(const struct dp_model *m);

/** Pin (@p on) or unpin a sensor. @return 0, -EEXIST/-ENOENT, -ENOSPC
 * (DP_MODEL_MAX_PINS pinned already: counted). */
int dp_model_pin(struct dp_model *m, uint64_t sensor, int on);
/** Pinned sensors: slot @p i, 0 when unused. */
uint64_t dp_model_pin_at(const struct dp_model *m, uint32_t i);
uint32_t dp_model_pin_slots(const struct dp_model *m);

/** Requests pool @p pool (enum dp_pool: viewers, outs, subs, feed ids,
 * pins) refused. */
uint64_t dp_model_refused(const struct dp_model *m, unsigned int pool);

/** Lapse subscriptions whose TTL ran out. @return how many lapsed. */
uint32_t dp_model_tick(struct dp_model *m, uint64_t now_ns);

/** The feed id of a sensor's feed, 0 when it has none. */
uint16_t dp_model_sensor_feed(const struct dp_model *m, uint64_t sensor);

/** Set the switches (enum dp_flag); sends them to every worker. */
void dp_model_set_flags(struct dp_model *m, uint32_t flags);
uint32_t dp_model_flags(const struct dp_model *m);

/** Name of a switch bit ("?" for a bit no switch has), and the bit of a
 * name (0 if unknown). */
const char *dp_flag_name(uint32_t bit);
uint32_t dp_flag_parse(const char *name);

#endif /* DP_MODEL_H */
