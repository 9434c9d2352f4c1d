/*
 * cp_metrics.c - the node's Prometheus exposition (see cp_metrics.h).
 */
#include "cp_metrics.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

/* A dataplane counter of `stats` totals and its family. */
struct dp_family {
	const char *key;        /* in "totals" */
	const char *name;       /* after senseplane_dp_ */
	const char *type;       /* counter | gauge */
	const char *help;
	double scale;           /* value * scale (0: 1) */
};

static const struct dp_family dp_families[] = {
	{ "rx_pkts", "rx_packets_total", "counter",
	  "frames received on the port", 0 },
	{ "rx_bytes", "rx_bytes_total", "counter",
	  "bytes received on the port", 0 },
	{ "sensor_pkts", "sensor_packets_total", "counter",
	  "sensor packets accepted", 0 },
	{ "records_in", "records_total", "counter",
	  "sample records accepted", 0 },
	{ "samples_in", "samples_total", "counter",
	  "samples accepted", 0 },
	{ "ignored", "ignored_packets_total", "counter",
	  "frames that were not for the dataplane", 0 },
	{ "arp_replies", "arp_replies_total", "counter",
	  "ARP requests answered", 0 },
	{ "icmp_replies", "icmp_replies_total", "counter",
	  "ICMP echo requests answered", 0 },
	{ "nd_replies", "nd_replies_total", "counter",
	  "IPv6 neighbour solicitations answered", 0 },
	{ "icmp6_replies", "icmp6_replies_total", "counter",
	  "ICMPv6 echo requests answered", 0 },
	{ "handoff_out", "handoff_out_packets_total", "counter",
	  "packets passed to their owning worker", 0 },
	{ "handoff_in", "handoff_in_packets_total", "counter",
	  "packets received from another worker", 0 },
	{ "seq_gaps", "sensor_seq_gaps_total", "counter",
	  "gaps in sensors' packet sequence numbers", 0 },
	{ "sensors", "sensors", "gauge",
	  "sensors in the tables", 0 },
	{ "keys", "keys", "gauge",
	  "(sensor, attribute) keys in the tables", 0 },
	{ "history_full", "history_full_total", "counter",
	  "keys refused for lack of history memory", 0 },
	{ "feed_pkts", "feed_packets_total", "counter",
	  "feed packets sent, heartbeats included", 0 },
	{ "feed_msgs", "feed_messages_total", "counter",
	  "messages sent on every feed", 0 },
	{ "feed_bytes", "feed_bytes_total", "counter",
	  "feed bytes sent", 0 },
	{ "feed_splits", "feed_splits_total", "counter",
	  "records split over feed packets", 0 },
	{ "feed_coalesced", "feed_coalesced_messages_total", "counter",
	  "lens messages added to a packet opened in an earlier loop turn", 0 },
	{ "feed_due_pkts", "feed_deadline_packets_total", "counter",
	  "lens packets sent when their oldest message had waited feed.flush_us", 0 },
	{ "heartbeats", "heartbeats_total", "counter",
	  "feed heartbeats sent", 0 },
	{ "tx_drops", "tx_drops_total", "counter",
	  "packets the port's TX queue refused", 0 },
	{ "feed_lost", "feed_lost_samples_total", "counter",
	  "samples that could not be queued on a feed", 0 },
	{ "backfills", "backfills_total", "counter",
	  "history replays after attention rose", 0 },
	{ "backfill_limited", "backfill_limited_total", "counter",
	  "backfill messages held back by the rate limit", 0 },
	{ "demotions", "demotions_total", "counter",
	  "tier demotions while shedding load", 0 },
	{ "flushes", "flushes_total", "counter",
	  "medium and low tier flushes", 0 },
	{ "flush_cycles", "flush_cycles_total", "counter",
	  "TSC cycles spent flushing", 0 },
	{ "cmds", "commands_total", "counter",
	  "mailbox commands applied by the workers", 0 },
	{ "hints", "hints_total", "counter",
	  "attention hints sent to sensors", 0 },
	{ "hint_list_full", "hint_list_full_total", "counter",
	  "hinted sensors past the repeat list (hinted on their next packet)", 0 },
	{ "hints_v6_skipped", "hints_v6_skipped_total", "counter",
	  "attention hints not sent: the sensor's source is IPv6", 0 },
	{ "rereq_in", "rereq_requests_total", "counter",
	  "re-requests received", 0 },
	{ "rereq_denied", "rereq_denied_total", "counter",
	  "re-requests from addresses not allowed", 0 },
	{ "rereq_bad", "rereq_bad_total", "counter",
	  "re-requests malformed, for an unknown feed or for messages not sent", 0 },
	{ "rereq_limited", "rereq_limited_total", "counter",
	  "re-requests over the requester's byte budget", 0 },
	{ "rereq_unavail", "rereq_unavailable_total", "counter",
	  "re-requests answered with count 0 (read history)", 0 },
	{ "rereq_served", "rereq_served_total", "counter",
	  "re-requests answered", 0 },
	{ "events_lost", "events_lost_total", "counter",
	  "sensor events the control thread's ring could not take", 0 },
	{ "events_retold", "events_retold_total", "counter",
	  "refused seen events told again on the sensor's next packet", 0 },
	{ "rtx_pkts", "retransmit_packets_total", "counter",
	  "retransmitted packets sent", 0 },
	{ "rtx_msgs", "retransmit_messages_total", "counter",
	  "retransmitted messages sent", 0 },
	{ "rtx_bytes", "retransmit_bytes_total", "counter",
	  "retransmitted bytes sent", 0 },
	{ "loss_dropped", "loss_injected_drops_total", "counter",
	  "feed packets dropped by loss injection (tests)", 0 },
	{ "loss_duped", "loss_injected_duplicates_total", "counter",
	  "feed packets duplicated by loss injection (tests)", 0 },
	{ "loss_reordered", "loss_injected_reorders_total", "counter",
	  "feed packets reordered by loss injection (tests)", 0 },
	{ "mac_second_key", "mac_second_key_total", "counter",
	  "packets signed with a rotation's outgoing key (0 for a while: "
	  "the rotation can end)", 0 },
	{ "replay_resets", "replay_resets_total", "counter",
	  "keyed sensors whose replay window restarted after silence", 0 },
	{ "sources_metered", "sources_metered", "gauge",
	  "source addresses in the rate limit tables", 0 },
	{ "source_overflow", "source_overflow_packets_total", "counter",
	  "packets of sources metered together (the table was full)", 0 },
	{ "source_resets", "source_resets_total", "counter",
	  "full source rate tables emptied", 0 },
	{ "link_up", "link_up", "gauge",
	  "1 while the port's link is up", 0 },
	{ "link_speed_mbps", "link_speed_mbps", "gauge",
	  "the port's link speed, Mb/s", 0 },
	{ "link_changes", "link_changes_total", "counter",
	  "link state changes of the port", 0 },
	{ "long_turns", "long_turns_total", "counter",
	  "worker loop turns longer than 100 us (a NIC ring of 1024 at "
	  "10 Mpps holds 100 us)", 0 },
	{ "turn_max_ns", "turn_max_seconds", "gauge",
	  "the longest worker loop turn", 1e-9 },
	{ "idle_sleeps", "idle_sleeps_total", "counter",
	  "naps of a quiet worker (dataplane.idle_sleep_us)", 0 },
	{ "busy_cycles", "busy_cycles_total", "counter",
	  "TSC cycles of loop turns that did work", 0 },
	{ "loops", "loops_total", "counter",
	  "worker loop turns", 0 },
	/* the port's own counters (ethdev) and the kernel's on an
	 * af_packet port's sockets, which that driver does not report */
	{ "port_ipackets", "port_ipackets_total", "counter",
	  "frames the port's driver received", 0 },
	{ "port_imissed", "port_imissed_total", "counter",
	  "frames the port missed for lack of RX descriptors", 0 },
	{ "port_ierrors", "port_ierrors_total", "counter",
	  "erroneous frames the port received", 0 },
	{ "port_rx_nombuf", "port_rx_nombuf_total", "counter",
	  "frames the port dropped for lack of mbufs", 0 },
	{ "port_kernel_drops", "port_kernel_drops_total", "counter",
	  "frames the kernel dropped on the port's af_packet sockets", 0 },
	{ "port_kernel_packets", "port_kernel_packets_total", "counter",
	  "frames that reached the port's af_packet rings, dropped "
	  "included", 0 },
	{ "port_kernel_sockets", "port_kernel_sockets", "gauge",
	  "the port's af_packet sockets", 0 },
};

static void family(struct evbuffer *b, const char *name, const char *type,
		   const char *help)
{
	evbuffer_add_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help,
			    name, type);
}

/* One sample; @p labels is "" or `k="v",...` (without the node). */
static void sample(struct evbuffer *b, const char *name, const char *node,
		   const char *labels, double v)
{
	if (isnan(v))
		evbuffer_add_printf(b, "%s{node=\"%s\"%s%s} NaN\n", name, node,
				    labels[0] ? "," : "", labels);
	else
		evbuffer_add_printf(b, "%s{node=\"%s\"%s%s} %.17g\n", name,
				    node, labels[0] ? "," : "", labels, v);
}

static void one(struct evbuffer *b, const char *name, const char *type,
		const char *help, const char *node, double v)
{
	family(b, name, type, help);
	sample(b, name, node, "", v);
}

/* A summary from the histogram's quantiles, count and sum (ns). */
static void summary_h(struct evbuffer *b, const char *name, const char *node,
		      const char *labels, const struct sp_histo *h)
{
	static const double q[] = { 0.5, 0.99 };
	char lab[160], n2[128];

	for (size_t i = 0; i < 2; i++) {
		snprintf(lab, sizeof(lab), "%s%squantile=\"%g\"", labels,
			 labels[0] ? "," : "", q[i]);
		sample(b, name, node, lab, h->count ?
		       (double)sp_histo_pct(h, q[i] * 100) / 1e9 : NAN);
	}
	snprintf(n2, sizeof(n2), "%s_sum", name);
	sample(b, n2, node, labels, (double)h->sum_ns / 1e9);
	snprintf(n2, sizeof(n2), "%s_count", name);
	sample(b, n2, node, labels, (double)h->count);
}

static double num(const json_t *o, const char *k)
{
	return json_number_value(json_object_get(o, k));
}

/* A label value as the exposition format wants it: \\, \" and \n. */
static void label_value(char *out, size_t len, const char *v)
{
	size_t o = 0;

	for (; v && *v && o + 3 < len; v++) {
		if (*v == '\\' || *v == '"')
			out[o++] = '\\';
		if (*v == '\n') {
			out[o++] = '\\';
			out[o++] = 'n';
			continue;
		}
		out[o++] = *v;
	}
	out[o] = '\0';
}

/* Per tier feed or per viewer: one family per figure, a label per out. */
static const struct {
	const char *key, *name, *type, *help;
} out_families[] = {
	{ "msgs", "messages_total", "counter",
	  "messages sent" },
	{ "samples", "samples_total", "counter",
	  "samples sent" },
	{ "offered", "offered_samples_total", "counter",
	  "samples offered (what broadcast would send)" },
	{ "conflated", "conflated_samples_total", "counter",
	  "samples skipped on purpose by conflation" },
	{ "bytes", "bytes_total", "counter",
	  "message bytes sent" },
	{ "backfill_bytes", "backfill_bytes_total", "counter",
	  "bytes of history sent again after attention rose" },
	{ "demotions", "demotions_total", "counter",
	  "demotions while shedding" },
	{ "shed", "shedding", "gauge",
	  "1 while the feed sheds load" },
};

/* The outs of one kind, each with its label: tier feeds or viewers. */
struct out_ref {
	char lab[96];
	const json_t *v;
};

static size_t collect(const json_t *st, int tiers, struct out_ref **out)
{
	const json_t *all = json_object_get(st, tiers ? "tiers" : "viewers");
	size_t n = tiers ? json_object_size(all) : json_array_size(all), k = 0;
	struct out_ref *r = calloc(n ? n : 1, sizeof(*r));
	char val[64];
	const char *key;
	const json_t *v;
	size_t i;

	*out = r;
	if (r == NULL)
		return 0;
	if (tiers) {
		json_object_foreach((json_t *)all, key, v) {
			snprintf(r[k].lab, sizeof(r[k].lab), "tier=\"%s\"", key);
			r[k++].v = v;
		}
	} else {
		json_array_foreach(all, i, v) {
			label_value(val, sizeof(val), json_string_value(
				    json_object_get(v, "name")));
			snprintf(r[k].lab, sizeof(r[k].lab), "viewer=\"%s\"",
				 val);
			r[k++].v = v;
		}
	}
	return k;
}

static void outs(struct evbuffer *b, const char *node, const json_t *st,
		 int tiers)
{
	const char *what = tiers ? "tier" : "viewer";
	char name[96], help[160], l2[160], n2[128];
	struct out_ref *r;
	size_t n = collect(st, tiers, &r);

	for (size_t f = 0; f < sizeof(out_families) / sizeof(out_families[0]);
	     f++) {
		snprintf(name, sizeof(name), "senseplane_dp_%s_%s", what,
			 out_families[f].name);
		snprintf(help, sizeof(help), "per %s: %s", what,
			 out_families[f].help);
		family(b, name, out_families[f].type, help);
		for (size_t k = 0; k < n; k++)
			sample(b, name, node, r[k].lab,
			       num(r[k].v, out_families[f].key));
	}
	/* staleness: the dataplane gives p50, p99, count and sum */
	snprintf(name, sizeof(name), "senseplane_dp_%s_staleness_seconds",
		 what);
	snprintf(help, sizeof(help), "per %s: age of the newest sample a "
		 "message carries when it leaves", what);
	family(b, name, "summary", help);
	for (size_t k = 0; k < n; k++) {
		const json_t *v = r[k].v;
		double c = num(v, "stale_count");

		snprintf(l2, sizeof(l2), "%s,quantile=\"0.5\"", r[k].lab);
		sample(b, name, node, l2, c ? num(v, "stale_p50_us") / 1e6
					    : NAN);
		snprintf(l2, sizeof(l2), "%s,quantile=\"0.99\"", r[k].lab);
		sample(b, name, node, l2, c ? num(v, "stale_p99_us") / 1e6
					    : NAN);
		snprintf(n2, sizeof(n2), "%s_sum", name);
		sample(b, n2, node, r[k].lab, num(v, "stale_sum_ns") / 1e9);
		snprintf(n2, sizeof(n2), "%s_count", name);
		sample(b, n2, node, r[k].lab, c);
	}
	free(r);
}

static void dataplane(struct evbuffer *b, const char *node, const json_t *st)
{
	const json_t *t = json_object_get(st, "totals"), *v;
	char lab[96], name[96];
	const char *key;

	for (size_t i = 0; i < sizeof(dp_families) / sizeof(dp_families[0]);
	     i++) {
		const struct dp_family *f = &dp_families[i];

		if ((v = json_object_get(t, f->key)) == NULL)
			continue;
		snprintf(name, sizeof(name), "senseplane_dp_%s", f->name);
		one(b, name, f->type, f->help, node, json_number_value(v));
	}
	family(b, "senseplane_dp_drops_total", "counter", "packets dropped, "
	       "by reason (common/PROTOCOL.md)");
	json_object_foreach((json_t *)t, key, v) {
		if (strncmp(key, "drop.", 5) != 0)
			continue;
		snprintf(lab, sizeof(lab), "reason=\"%s\"", key + 5);
		sample(b, "senseplane_dp_drops_total", node, lab,
		       json_number_value(v));
	}
	/* "refused_POOL": what each pool that can run out refused
	 * (common/CONTROL.md, stats) */
	family(b, "senseplane_dp_pool_refusals_total", "counter", "requests a "
	       "full pool refused (routes, outs, subs, interests, keys, "
	       "sensors, viewers, feed_ids, pins)");
	json_object_foreach((json_t *)t, key, v) {
		if (strncmp(key, "refused_", 8) != 0)
			continue;
		snprintf(lab, sizeof(lab), "pool=\"%s\"", key + 8);
		sample(b, "senseplane_dp_pool_refusals_total", node, lab,
		       json_number_value(v));
	}
	family(b, "senseplane_dp_rx_tx_seconds", "summary", "RX burst to the "
	       "TX burst of what high routes wrote from it");
	{
		double c = num(t, "rx_tx_count");

		sample(b, "senseplane_dp_rx_tx_seconds", node,
		       "quantile=\"0.5\"", c ? num(t, "rx_tx_p50_ns") / 1e9 : NAN);
		sample(b, "senseplane_dp_rx_tx_seconds", node,
		       "quantile=\"0.99\"", c ? num(t, "rx_tx_p99_ns") / 1e9 : NAN);
		sample(b, "senseplane_dp_rx_tx_seconds", node,
		       "quantile=\"0.999\"", c ? num(t, "rx_tx_p999_ns") / 1e9 : NAN);
		sample(b, "senseplane_dp_rx_tx_seconds_sum", node, "",
		       num(t, "rx_tx_sum_ns") / 1e9);
		sample(b, "senseplane_dp_rx_tx_seconds_count", node, "", c);
	}
	outs(b, node, st, 1);
	outs(b, node, st, 0);
}

void cp_metrics_write(struct evbuffer *b, const struct cp_node *n)
{
	const char *node = n->node;
	uint64_t now_ms = (uint64_t)time(NULL) * 1000;
	int fresh = n->dp_stats && now_ms < n->dp_stats_ms + 3000;

	one(b, "senseplane_ctld_redis_up", "gauge", "1 while connected to "
	    "Redis", node, n->redis.up);
	one(b, "senseplane_ctld_registry_writes_total", "counter", "sensor "
	    "registrations written to Redis", node,
	    (double)n->registry_writes);
	one(b, "senseplane_ctld_registry_errors_total", "counter", "registry "
	    "writes Redis refused or did not answer", node,
	    (double)n->registry_errors);
	one(b, "senseplane_ctld_last_seen_writes_total", "counter",
	    "last_seen times written for active sensors", node,
	    (double)n->seen_writes);
	one(b, "senseplane_ctld_idle_writes_total", "counter",
	    "sensors marked idle in Redis", node, (double)n->idle_writes);
	one(b, "senseplane_ctld_registry_catchups_total", "counter",
	    "full registrations after the dataplane lost sensor events", node,
	    (double)n->catchups);
	one(b, "senseplane_ctld_api_auth_failures_total", "counter",
	    "node API requests refused for a missing or wrong token", node,
	    (double)n->auth_failures);
	one(b, "senseplane_ctld_events_total", "counter", "events read from "
	    "the channel", node, (double)n->events_in);
	one(b, "senseplane_ctld_cache_sensors", "gauge", "sensors in the "
	    "discovery cache", node, (double)n->cache.n);
	one(b, "senseplane_ctld_subs_applied_total", "counter", "subscriptions"
	    " applied to the dataplane", node, (double)n->subs_applied);
	one(b, "senseplane_ctld_subs_removed_total", "counter", "subscriptions"
	    " removed from the dataplane (gone from Redis)", node,
	    (double)n->subs_removed);
	one(b, "senseplane_ctld_refused_total", "counter", "requests from "
	    "Redis the dataplane refused (reason in the viewer's error field)",
	    node, (double)n->refused);
	one(b, "senseplane_ctld_resyncs_total", "counter", "full resyncs of "
	    "the discovery cache", node, (double)n->resyncs);
	one(b, "senseplane_ctld_dp_errors_total", "counter", "times the link "
	    "to the dataplane went down (closed or not answering)", node,
	    (double)n->dp_errors);
	family(b, "senseplane_ctld_discovery_lag_seconds", "summary",
	       "publish of another node's registration to this cache");
	summary_h(b, "senseplane_ctld_discovery_lag_seconds", node, "",
		  &n->discovery_lag);
	family(b, "senseplane_ctld_whereis_seconds", "summary",
	       "whereis answered from the cache");
	summary_h(b, "senseplane_ctld_whereis_seconds", node, "",
		  &n->whereis_ns);
	one(b, "senseplane_dp_up", "gauge", "1 while the dataplane answers "
	    "(its figures below are at most 3 s old)", node, fresh);
	if (fresh) {
		json_t *st = json_loads(n->dp_stats, 0, NULL);

		if (st)
			dataplane(b, node, st);
		json_decref(st);
	}
}
