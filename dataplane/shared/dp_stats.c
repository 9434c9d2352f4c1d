/*
 * dp_stats.c - summing, printing and the telemetry export of dp_stats.
 */
#include "dp_stats.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <rte_telemetry.h>

static const char *const dp_drop_names[DP_DROP__COUNT] = {
	[DP_DROP_ATTR_UNKNOWN] = "attr_unknown",
	[DP_DROP_ATTR_SHAPE] = "attr_shape",
	[DP_DROP_TABLE_FULL] = "table_full",
	[DP_DROP_RING_FULL] = "ring_full",
	[DP_DROP_SEQ_DUP] = "seq_dup",
	[DP_DROP_IP_BAD] = "ip_bad",
	[DP_DROP_IP_FRAG] = "ip_frag",
	[DP_DROP_IP_CSUM] = "ip_csum",
	[DP_DROP_UDP_BAD] = "udp_bad",
	[DP_DROP_REPLAY] = "replay",
	[DP_DROP_REPLAY_OLD] = "replay_old",
	[DP_DROP_ACL] = "acl_deny",
	[DP_DROP_SOURCE_BOUND] = "source_bound",
	[DP_DROP_RATE_SENSOR] = "rate_sensor",
	[DP_DROP_RATE_SOURCE] = "rate_source",
	[DP_DROP_IP6_BAD] = "ip6_bad",
	[DP_DROP_IP6_FRAG] = "ip6_frag",
	[DP_DROP_IP6_HBH] = "ip6_hbh",
	[DP_DROP_IP6_EXT] = "ip6_ext",
	[DP_DROP_UDP6_CSUM_ZERO] = "udp6_csum_zero",
	[DP_DROP_UDP6_CSUM] = "udp6_csum",
};

const char *dp_drop_name(unsigned int reason)
{
	return reason < DP_DROP__COUNT ? dp_drop_names[reason] : "?";
}

/* The scalar counters, by name, in struct order. */
#define SCALARS(X) \
	X(rx_pkts) X(rx_bytes) X(sensor_pkts) X(records_in) X(samples_in) \
	X(ignored) X(arp_replies) X(icmp_replies) X(nd_replies) \
	X(icmp6_replies) X(handoff_out) \
	X(handoff_in) X(seq_gaps) X(sensors) X(keys) X(history_full) \
	X(feed_pkts) X(feed_msgs) X(feed_bytes) X(feed_splits) X(feed_coalesced) X(feed_due_pkts) \
	X(heartbeats) X(tx_drops) X(feed_lost) X(refused_outs) \
	X(backfills) X(backfill_limited) X(demotions) X(flushes) \
	X(flush_cycles) X(cmds) X(hints) X(hint_list_full) \
	X(hints_v6_skipped) X(rereq_in) X(rereq_denied) \
	X(rereq_bad) X(rereq_limited) X(rereq_unavail) X(rereq_served) \
	X(events_lost) X(events_retold) \
	X(rtx_pkts) X(rtx_msgs) \
	X(rtx_bytes) X(loss_dropped) X(loss_duped) X(loss_reordered) \
	X(mac_second_key) X(replay_resets) X(sources_metered) \
	X(source_overflow) X(source_resets) X(long_turns) X(turn_max_ns) \
	X(idle_sleeps) \
	X(busy_cycles) X(loops)

static const struct dp_stats *g_blocks;   /* set once before telemetry runs */
static unsigned int g_nblocks;

void dp_stats_sum(const struct dp_stats *blocks, unsigned int n,
		  struct dp_stats *out)
{
	const uint64_t *src;
	uint64_t *dst = (uint64_t *)out;
	size_t words = offsetof(struct dp_stats, loops) / 8 + 1;

	memset(out, 0, sizeof(*out));
	/* Every counter is a uint64_t, so the block sums word by word; a
	 * relaxed load per word since the owner writes concurrently. */
	for (unsigned int b = 0; b < n; b++) {
		src = (const uint64_t *)&blocks[b];
		for (size_t i = 0; i < words; i++)
			dst[i] += __atomic_load_n(&src[i], __ATOMIC_RELAXED);
	}
	/* the one gauge that is a maximum, not a sum */
	out->turn_max_ns = 0;
	for (unsigned int b = 0; b < n; b++)
		out->turn_max_ns = RTE_MAX(out->turn_max_ns, __atomic_load_n(
				&blocks[b].turn_max_ns, __ATOMIC_RELAXED));
}

uint64_t dp_stats_drops(const struct dp_stats *s)
{
	uint64_t t = 0;

	for (unsigned int i = 1; i < SP_DROP__COUNT; i++)
		t += s->proto_drop[i];
	for (unsigned int i = 0; i < DP_DROP__COUNT; i++)
		t += s->dp_drop[i];
	return t;
}

static int tel_stats(const char *cmd __rte_unused,
		     const char *params __rte_unused, struct rte_tel_data *d)
{
	struct dp_stats s;

	dp_stats_sum(g_blocks, g_nblocks, &s);
	rte_tel_data_start_dict(d);
#define ADD(f) rte_tel_data_add_dict_u64(d, #f, s.f);
	SCALARS(ADD)
#undef ADD
	rte_tel_data_add_dict_u64(d, "drops", dp_stats_drops(&s));
	rte_tel_data_add_dict_u64(d, "workers", g_nblocks);
	return 0;
}

static int tel_drops(const char *cmd __rte_unused,
		     const char *params __rte_unused, struct rte_tel_data *d)
{
	struct dp_stats s;

	dp_stats_sum(g_blocks, g_nblocks, &s);
	rte_tel_data_start_dict(d);
	for (unsigned int i = 1; i < SP_DROP__COUNT; i++)
		rte_tel_data_add_dict_u64(d, sp_drop_name(i), s.proto_drop[i]);
	for (unsigned int i = 0; i < DP_DROP__COUNT; i++)
		rte_tel_data_add_dict_u64(d, dp_drop_name(i), s.dp_drop[i]);
	return 0;
}

/* Per-lcore figures: /senseplane/lcore,<worker index>. */
static int tel_lcore(const char *cmd __rte_unused, const char *params,
		     struct rte_tel_data *d)
{
	char *end;
	unsigned long w;
	const struct dp_stats *s;

	if (params == NULL || *params == '\0')
		return -EINVAL;
	w = strtoul(params, &end, 10);
	if (*end != '\0' || w >= g_nblocks)
		return -EINVAL;
	s = &g_blocks[w];
	rte_tel_data_start_dict(d);
#define ADD(f) rte_tel_data_add_dict_u64(d, #f, \
		__atomic_load_n(&s->f, __ATOMIC_RELAXED));
	SCALARS(ADD)
#undef ADD
	return 0;
}

int dp_stats_telemetry_init(const struct dp_stats *blocks, unsigned int n)
{
	int rc;

	g_blocks = blocks;
	g_nblocks = n;
	rc = rte_telemetry_register_cmd("/senseplane/stats", tel_stats,
		"senseplane counters summed over workers. No parameters");
	if (rc == 0)
		rc = rte_telemetry_register_cmd("/senseplane/drops", tel_drops,
			"senseplane drops by reason. No parameters");
	if (rc == 0)
		rc = rte_telemetry_register_cmd("/senseplane/lcore", tel_lcore,
			"counters of one worker. Parameters: worker index");
	return rc;
}

void dp_stats_line(FILE *out, const struct dp_stats *s,
		   const struct dp_stats *prev, double secs)
{
	fprintf(out, "rx %" PRIu64 " pkts", s->rx_pkts);
	if (prev && secs > 0)
		fprintf(out, " (%.0f/s)", (s->rx_pkts - prev->rx_pkts) / secs);
	fprintf(out, " | samples %" PRIu64, s->samples_in);
	if (prev && secs > 0)
		fprintf(out, " (%.0f/s)",
			(s->samples_in - prev->samples_in) / secs);
	if (prev && s->rx_pkts > prev->rx_pkts)
		fprintf(out, " %.0f cyc/pkt",
			(double)(s->busy_cycles - prev->busy_cycles) /
			(double)(s->rx_pkts - prev->rx_pkts));
	fprintf(out, " | sensors %" PRIu64 " keys %" PRIu64
		" | drops %" PRIu64 " | feed %" PRIu64 " pkts %" PRIu64 " msgs",
		s->sensors, s->keys, dp_stats_drops(s), s->feed_pkts,
		s->feed_msgs);
	if (prev && secs > 0)
		fprintf(out, " (%.0f msg/s)",
			(s->feed_msgs - prev->feed_msgs) / secs);
	fputc('\n', out);
}

void dp_stats_dump(FILE *out, const struct dp_stats *s)
{
#define PR(f) fprintf(out, "  %-14s %" PRIu64 "\n", #f, s->f);
	SCALARS(PR)
#undef PR
	for (unsigned int i = 1; i < SP_DROP__COUNT; i++)
		if (s->proto_drop[i])
			fprintf(out, "  drop.%-9s %" PRIu64 "\n",
				sp_drop_name(i), s->proto_drop[i]);
	for (unsigned int i = 0; i < DP_DROP__COUNT; i++)
		if (s->dp_drop[i])
			fprintf(out, "  drop.%-9s %" PRIu64 "\n",
				dp_drop_name(i), s->dp_drop[i]);
}

void dp_stats_json(json_t *obj, const struct dp_stats *s)
{
	char name[32];

#define JS(f) json_object_set_new(obj, #f, json_integer((json_int_t)s->f));
	SCALARS(JS)
#undef JS
	for (unsigned int i = 1; i < SP_DROP__COUNT; i++) {
		snprintf(name, sizeof(name), "drop.%s", sp_drop_name(i));
		json_object_set_new(obj, name,
				    json_integer((json_int_t)s->proto_drop[i]));
	}
	for (unsigned int i = 0; i < DP_DROP__COUNT; i++) {
		snprintf(name, sizeof(name), "drop.%s", dp_drop_name(i));
		json_object_set_new(obj, name,
				    json_integer((json_int_t)s->dp_drop[i]));
	}
	json_object_set_new(obj, "drops",
			    json_integer((json_int_t)dp_stats_drops(s)));
}
