/*
 * sp_config.c - the configuration key table and its loader.
 */
#include "sp_config.h"

#include <errno.h>
#include <ini.h>
#include <libgen.h>
#include <string.h>
#include <unistd.h>

#include "sp_ini.h"

#define K(sec, nm, ty, field, lo, hi, dflt, rt, hlp) \
	{ sec, nm, ty, offsetof(struct sp_config, field), \
	  sizeof(((struct sp_config *)0)->field), lo, hi, dflt, NULL, rt, hlp }

static const struct sp_ini_key keys[] = {
	K("dataplane", "catalog", SP_INI_STR, catalog, 0, 0, "attributes.conf",
	  false, "attribute catalogue file (relative to this file); empty: "
	  "the copy of config/attributes.conf built into the programs"),
	K("dataplane", "keys_file", SP_INI_STR, keys_file, 0, 0, "", false,
	  "sensor MAC keys: lines 'sensor_id hex32'; empty = no keyed sensors"),
	K("dataplane", "rx_burst", SP_INI_UINT, rx_burst, 1, 512, "32", false,
	  "packets per RX burst"),
	K("dataplane", "idle_sleep_us", SP_INI_UINT, idle_sleep_us, 0, 1000,
	  "0", false, "after 64 loop turns without a packet a worker sleeps "
	  "this long (a core shared with other work, or a quiet link); "
	  "0 = always poll (the lowest latency)"),
	K("dataplane", "rx_limit_pps", SP_INI_UINT, rx_limit_pps, 0, 1000000000,
	  "0", false, "benchmarks (B3 at 80 %): take at most this many "
	  "packets/s per worker from the port, 0 = no limit"),
	K("dataplane", "loop_pkts", SP_INI_UINT, loop_pkts, 0, 1 << 30, "0",
	  false, "benchmarks: the port replays a capture of this many "
	  "packets in a loop (net_pcap infinite_rx); each pass moves its "
	  "records' times on by dataplane.loop_us, as sensors' clocks move; "
	  "0 = times as received"),
	K("dataplane", "loop_us", SP_INI_UINT, loop_us, 0, 1 << 30, "0",
	  false, "benchmarks: the period a looped capture covers "
	  "(dataplane.loop_pkts)"),
	K("dataplane", "mbufs", SP_INI_UINT, mbufs, 1024, 1 << 24, "16384",
	  false, "mbufs in the packet pool"),
	K("dataplane", "ring_size", SP_INI_POW2, ring_size, 64, 1 << 20, "4096",
	  false, "owner hand-off ring per worker (packets)"),
	K("dataplane", "owner_by_queue", SP_INI_BOOL, owner_by_queue, 0, 0,
	  "true", false, "with several workers, the worker whose RX queue "
	  "a sensor's packets first arrive on owns it (ownership follows the "
	  "NIC's RSS: nothing crosses the hand-off ring unless a flow moves "
	  "or carries many sensors); false = by a hash of the sensor id, "
	  "every worker handing (N-1)/N of its packets to their owners"),
	K("dataplane", "events_ring", SP_INI_POW2, events_ring, 64, 1 << 22,
	  "262144", false, "sensor events (first seen, gone idle) a worker "
	  "holds for the control thread; what it refuses is counted "
	  "events_lost and told again later (events_retold), and the "
	  "daemon registers every sensor again"),
	K("dataplane", "max_sensors", SP_INI_UINT, max_sensors, 16, 1 << 24,
	  "65536", false, "sensors per worker lcore (what it refuses: "
	  "refused_sensors in stats)"),
	K("dataplane", "max_keys", SP_INI_UINT, max_keys, 16, 1 << 26,
	  "262144", false, "(sensor, attribute) keys per worker lcore "
	  "(refused_keys)"),
	K("dataplane", "history_mb", SP_INI_UINT, history_mb, 1, 1 << 16, "64",
	  false, "history memory per worker lcore, MiB"),
	K("dataplane", "stats_ms", SP_INI_UINT, stats_ms, 0, 3600000, "0",
	  true, "period of the figures line on stdout, 0 = off"),
	K("dataplane", "idle_s", SP_INI_UINT, idle_s, 1, 86400, "30", false,
	  "a sensor silent this long is reported gone idle"),
	K("port", "ip", SP_INI_IPV4, ip, 0, 0, "10.99.0.1", false,
	  "IPv4 address the port answers ARP and ICMP echo for"),
	K("port", "ip6", SP_INI_IPV6, ip6, 0, 0, "", false,
	  "IPv6 addresses of the port, comma-separated (at most 8; a "
	  "repeated key replaces the list, as every key does): sensor "
	  "packets to any of them are taken, neighbour solicitation and "
	  "ICMPv6 echo answered; empty: the link-local fe80:: address "
	  "made from the port's MAC (EUI-64)"),
	K("port", "mtu", SP_INI_UINT, mtu, 576, 9000, "1500", false,
	  "IP MTU; feed packets are filled up to it"),
	K("port", "rx_desc", SP_INI_POW2, rx_desc, 64, 32768, "1024", false,
	  "RX descriptors per queue (the NIC's ring: what it holds while a "
	  "worker is busy; the driver may round it)"),
	K("port", "tx_desc", SP_INI_POW2, tx_desc, 64, 32768, "1024", false,
	  "TX descriptors per queue"),
	K("port", "promiscuous", SP_INI_BOOL, promiscuous, 0, 0, "true", false,
	  "take frames for any MAC (off: only the port's own, broadcast and "
	  "the multicast it joined)"),
	K("port", "allmulti", SP_INI_BOOL, allmulti, 0, 0, "false", false,
	  "take every multicast frame"),
	K("port", "sensor_port", SP_INI_UINT, sensor_port, 1, 65535, "7400",
	  false, "UDP port sensors send to"),
	K("feed", "group", SP_INI_MCAST, feed_group, 0, 0, "239.77.0.1", false,
	  "multicast group of the feed"),
	K("feed", "port", SP_INI_UINT, feed_port, 1, 65535, "7500", false,
	  "UDP port of the feed (source and destination)"),
	K("feed", "ttl", SP_INI_UINT, feed_ttl, 1, 255, "8", false,
	  "IP TTL of feed packets"),
	K("feed", "flush_us", SP_INI_UINT, flush_us, 10, 1000000, "1000", true,
	  "longest a part-filled feed packet waits before it is sent"),
	K("feed", "heartbeat_ms", SP_INI_UINT, heartbeat_ms, 10, 1000, "500",
	  true, "heartbeat period of an idle feed (at most 1 s)"),
	K("attention", "medium_ms", SP_INI_UINT, medium_ms, 1, 10000, "50",
	  false, "flush period of the medium tier"),
	K("attention", "low_ms", SP_INI_UINT, low_ms, 1, 60000, "200", false,
	  "flush period of the low tier"),
	K("attention", "tier_group", SP_INI_MCAST, tier_group, 0, 0,
	  "239.77.1.0", false,
	  "tier feeds: low on +1, medium on +2, high on +3"),
	K("attention", "sensor_group", SP_INI_MCAST, sensor_group, 0, 0,
	  "239.78.0.0", false, "sensor feeds: this /16 | the feed id"),
	K("attention", "backfill_ms", SP_INI_UINT, backfill_ms, 0, 3600000,
	  "5000", false, "history replayed when attention rises"),
	K("attention", "backfill_rate", SP_INI_UINT, backfill_rate, 1,
	  10000000, "20000", false, "backfill messages per second per worker"),
	K("attention", "out_max_bytes_s", SP_INI_U64, out_max_bytes_s, 1000,
	  1e12, "125000000", false,
	  "bytes/s a feed may send before it sheds low, then medium"),
	K("attention", "shed_recover_ms", SP_INI_UINT, shed_recover_ms, 10,
	  600000, "1000", false, "calm time before a shedding step is undone"),
	K("attention", "hint_period_s", SP_INI_UINT, hint_period_s, 1, 3600,
	  "10", false, "attention hints repeat at least this often"),
	K("attention", "max_viewers", SP_INI_UINT, max_viewers, 1, 60000,
	  "1024", false, "viewers (lenses); one more is refused by name"),
	K("attention", "max_subs", SP_INI_UINT, max_subs, 16, 1 << 24,
	  "65536", false, "subscriptions in all; one more is refused by name"),
	K("attention", "max_outs", SP_INI_UINT, max_outs, 16, 65536, "1024",
	  false, "lenses and sensor feeds per worker (refused_outs; a viewer "
	  "past it is refused by name)"),
	K("attention", "max_routes", SP_INI_UINT, max_routes, 16, 1 << 26,
	  "262144", false, "routes (key x feed) per worker: a subscribed key "
	  "takes one to its tier feed, its sensor's feed and each lens "
	  "(refused_routes; `sub ls` marks what lacks one)"),
	K("attention", "tier_feeds", SP_INI_BOOL, tier_feeds, 0, 0, "true",
	  false, "send the low/medium/high tier feeds (off: lenses and "
	  "sensor feeds only)"),
	K("attention", "sensor_feeds", SP_INI_BOOL, sensor_feeds, 0, 0, "true",
	  false, "send a feed per subscribed sensor"),
	K("switches", "attention", SP_INI_BOOL, sw_attention, 0, 0, "true",
	  true, "off: every sample on the broadcast feed (the old design)"),
	K("switches", "lenses", SP_INI_BOOL, sw_lenses, 0, 0, "true", true,
	  "per-viewer feeds"),
	K("switches", "backfill", SP_INI_BOOL, sw_backfill, 0, 0, "true", true,
	  "replay history when attention rises"),
	K("switches", "shedding", SP_INI_BOOL, sw_shedding, 0, 0, "true", true,
	  "demote low, then medium, when a feed cannot keep up"),
	K("switches", "hints", SP_INI_BOOL, sw_hints, 0, 0, "true", true,
	  "send attention hints to sensors that ask"),
	K("switches", "consumed", SP_INI_BOOL, sw_consumed, 0, 0, "false", true,
	  "tier and sensor feeds send only while a viewer holds a lease on "
	  "them (join); off: always, as before"),
	K("switches", "staged", SP_INI_BOOL, sw_staged, 0, 0, "true", true,
	  "the worker takes a burst in stages, each prefetching for the "
	  "next; off: the interleaved prefetch before it, kept to measure "
	  "the stages against in the same run (tools/bench/b2.sh --x100)"),
	K("switches", "coalesce", SP_INI_BOOL, sw_coalesce, 0, 0, "false", true,
	  "a viewer's lens packet takes the messages of later loop turns "
	  "until it is full or its oldest has waited feed.flush_us: fewer "
	  "packets for viewers, but more worker cycles a sample at B2 x100 "
	  "(tools/bench/RESULTS.md); off: sent at the end of each turn that "
	  "wrote to it"),
	K("switches", "dirtyvec", SP_INI_BOOL, sw_dirtyvec, 0, 0, "true", true,
	  "each out's dirty routes kept as vectors of route indices that a "
	  "flush walks with its misses asked for entries ahead (at B2 x100 "
	  "12-22 % fewer worker cycles a sample, tools/bench/RESULTS.md); "
	  "off: lists through the routes, kept to measure the vectors "
	  "against in the same run (tools/bench/b2.sh --x100 --ab "
	  "dirtyvec). Either way the same messages in the same order"),
	K("switches", "routes3", SP_INI_BOOL, sw_routes3, 0, 0, "false", true,
	  "with `staged`, a key's third and fourth routes and their outs are "
	  "prefetched in two more stages, the routes after them in the "
	  "apply stage (a few hops); off: the first two only, as before "
	  "(under study: tools/bench/b2.sh --x100 --ab routes3)"),
	K("switches", "rtxwarm", SP_INI_BOOL, sw_rtxwarm, 0, 0, "false", true,
	  "a feed opening a packet while its retransmit buffer is full or "
	  "the worker at retransmit_mbufs prefetches the packet the buffer "
	  "lets go when it closes, and the buffer's slots; off: met cold "
	  "at the close (under study: --ab rtxwarm)"),
	K("reliability", "retransmit_pkts", SP_INI_POW2, rtx_pkts, 0, 4096,
	  "256", false, "packets each feed keeps for re-requests (0: none)"),
	K("reliability", "retransmit_mbufs", SP_INI_UINT, rtx_mbufs, 0,
	  1 << 22, "8192", false,
	  "mbufs a worker may hold for all its feeds' retransmit buffers"),
	K("reliability", "rereq_port", SP_INI_UINT, rereq_port, 1, 65535,
	  "7401", false, "UDP port of the re-request server"),
	K("reliability", "allow", SP_INI_STR, rereq_allow, 0, 0,
	  "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,127.0.0.0/8", false,
	  "addresses (CIDR list) whose re-requests are answered"),
	K("reliability", "max_request_bytes", SP_INI_UINT, rereq_max_bytes,
	  1500, 1 << 24, "65536", false, "bytes one re-request may get back"),
	K("reliability", "requester_bytes_s", SP_INI_UINT, rereq_bytes_s, 1500,
	  1u << 31, "4000000", false,
	  "bytes per second one address may get back"),
	K("security", "require_mac", SP_INI_BOOL, require_mac, 0, 0, "false",
	  false, "drop every sensor packet without a valid MAC (a sensor "
	  "with no key in keys_file: mac_missing or mac_no_key)"),
	K("security", "require_mac_from", SP_INI_STR, require_mac_from, 0, 0,
	  "", false, "CIDR list of sources whose sensors must sign, when "
	  "require_mac is false (\"10.1.0.0/16,10.9.0.7\")"),
	K("security", "allow", SP_INI_STR, src_allow, 0, 0, "", false,
	  "CIDR list of sensor sources accepted (empty: any); others drop as "
	  "acl_deny"),
	K("security", "deny", SP_INI_STR, src_deny, 0, 0, "", false,
	  "CIDR list of sensor sources refused (the longest prefix of allow "
	  "and deny decides; deny wins a tie)"),
	K("security", "bind_source", SP_INI_BOOL, bind_source, 0, 0, "false",
	  false, "a sensor id is bound to the source address of its first "
	  "packet until it goes idle; others drop as source_bound"),
	K("security", "replay_reset_s", SP_INI_UINT, replay_reset_s, 0, 86400,
	  "30", false, "a keyed sensor silent this long may restart its seq "
	  "(the bound on a rebooted sensor's lock-out; 0: never)"),
	K("limits", "sensor_factor", SP_INI_DOUBLE, sensor_factor, 0, 1e6,
	  "0", false, "a sensor may send this many times its catalogue "
	  "rate (the sum of its attributes' rates); 0: no limit"),
	K("limits", "sensor_burst_ms", SP_INI_UINT, sensor_burst_ms, 1,
	  600000, "1000", false, "a sensor's burst allowance, as time at its "
	  "limit (at least two of its typical packets)"),
	K("limits", "source_pps", SP_INI_UINT, source_pps, 0, 1000000000,
	  "0", false, "sensor packets per second one source address may "
	  "send, per worker; 0: no limit"),
	K("limits", "source_burst", SP_INI_UINT, source_burst, 1, 1 << 24,
	  "1000", false, "a source address's burst allowance, packets"),
	K("limits", "max_sources", SP_INI_UINT, max_sources, 16, 1 << 24,
	  "65536", false, "source addresses metered per worker; beyond, "
	  "new sources share one bucket"),
	K("loss", "drop", SP_INI_DOUBLE, loss_drop, 0, 1, "0", true,
	  "tests: fraction of feed packets dropped"),
	K("loss", "dup", SP_INI_DOUBLE, loss_dup, 0, 1, "0", true,
	  "tests: fraction sent twice"),
	K("loss", "reorder", SP_INI_DOUBLE, loss_reorder, 0, 1, "0", true,
	  "tests: fraction sent after the next packet"),
	K("loss", "burst", SP_INI_UINT, loss_burst, 0, 1 << 30, "0", true,
	  "tests: drop this many messages in a row, once"),
	K("loss", "seed", SP_INI_U64, loss_seed, 0, 1e18, "1", true,
	  "tests: seed of the loss decisions"),
	K("loss", "feed", SP_INI_UINT, loss_feed, 0, 65536, "65536", true,
	  "tests: the feed id it applies to (65536: every feed)"),
	K("controlplane", "redis", SP_INI_STR, cp_redis, 0, 0,
	  "redis://127.0.0.1:6379/0", false,
	  "Redis: redis://[user:pass@]host:port/db, unix:///path, "
	  "sentinel://h:p,h:p/master"),
	K("controlplane", "node", SP_INI_STR, cp_node, 0, 0, "", false,
	  "this node's id (empty: the host name)"),
	K("controlplane", "prefix", SP_INI_STR, cp_prefix, 0, 0, "sp:", false,
	  "prefix of every key and of the events channel"),
	K("controlplane", "heartbeat_ms", SP_INI_UINT, cp_heartbeat_ms, 50,
	  60000, "1000", false, "node key refresh period"),
	K("controlplane", "node_ttl_ms", SP_INI_UINT, cp_node_ttl_ms, 100,
	  600000, "3000", false, "a node without heartbeat is gone after it"),
	K("controlplane", "last_seen_s", SP_INI_UINT, cp_last_seen_s, 1, 3600,
	  "5", false, "period of the last_seen writes to Redis (bound on its "
	  "age for an active sensor)"),
	K("controlplane", "resync_s", SP_INI_UINT, cp_resync_s, 1, 3600, "30",
	  false, "full resync of the discovery cache"),
	K("controlplane", "api", SP_INI_STR, cp_api, 0, 0, "127.0.0.1:7410",
	  false, "the daemon's TCP API (CLI in cluster mode): IPv4:PORT, or "
	  "[IPv6]:PORT ([::1]:7410; [::] is IPv6 only)"),
	K("controlplane", "metrics", SP_INI_STR, cp_metrics, 0, 0,
	  "127.0.0.1:9470", false, "Prometheus /metrics (empty: off): "
	  "IPv4:PORT or [IPv6]:PORT"),
	K("controlplane", "api_token_file", SP_INI_STR, cp_token_file, 0, 0,
	  "", false, "file holding the node API's token (first line, 16-128 "
	  "characters, mode o-rwx); clients send 'auth TOKEN' first. "
	  "Required when controlplane.api is not a loopback address"),
	K("control", "socket", SP_INI_STR, ctl_socket, 0, 0,
	  "/run/senseplane/dp.sock", false,
	  "UNIX socket of the control protocol (mode 0660)"),
	K("control", "group", SP_INI_STR, ctl_group, 0, 0, "", false,
	  "group of the control socket (and of its folder, when the "
	  "dataplane makes it): its members may use it; empty: the "
	  "dataplane's own group"),
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

void sp_config_defaults(struct sp_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	sp_ini_defaults(keys, NKEYS, cfg, NULL);
}

struct load_ctx {
	struct sp_config *cfg;
	char err[256];
	int failed;
};

static int on_key(void *user, const char *section, const char *name,
		  const char *value)
{
	struct load_ctx *c = user;
	char err[256];

	if (sp_ini_set(keys, NKEYS, c->cfg, section, name, value, err,
		       sizeof(err)) >= 0)
		return 1;
	if (!c->failed)
		snprintf(c->err, sizeof(c->err), "%s", err);
	c->failed = 1;
	return 0;
}

/* Make a relative path in @p field relative to the config file's folder. */
static void rebase(char *field, const char *cfg_path)
{
	char dir[SP_PATH_MAX], out[SP_PATH_MAX * 2];

	if (field[0] == '\0' || field[0] == '/')
		return;
	snprintf(dir, sizeof(dir), "%s", cfg_path);
	snprintf(out, sizeof(out), "%s/%s", dirname(dir), field);
	if (strlen(out) < SP_PATH_MAX)
		strcpy(field, out);
}

int sp_config_load(struct sp_config *cfg, const char *path, char *err,
		   size_t errlen)
{
	FILE *f = fopen(path, "r");
	int rc;

	if (f == NULL) {
		snprintf(err, errlen, "%s: cannot open: %s", path,
			 strerror(errno));
		return -1;
	}
	rc = sp_config_read(cfg, f, path, err, errlen);
	fclose(f);
	return rc;
}

int sp_config_load_default(struct sp_config *cfg, const char *path,
			   char *err, size_t errlen)
{
	if (access(path, F_OK) < 0 && errno == ENOENT) {
		cfg->catalog[0] = '\0';
		return 1;
	}
	return sp_config_load(cfg, path, err, errlen);
}

int sp_config_read(struct sp_config *cfg, FILE *f, const char *path,
		   char *err, size_t errlen)
{
	struct load_ctx c = { .cfg = cfg };
	int line = ini_parse_file(f, on_key, &c);

	if (line == -2) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	if (line > 0) {
		if (c.failed)
			snprintf(err, errlen, "%s:%d: %s", path, line, c.err);
		else
			snprintf(err, errlen, "%s:%d: syntax error", path,
				 line);
		return -1;
	}
	rebase(cfg->catalog, path);
	rebase(cfg->keys_file, path);
	rebase(cfg->cp_token_file, path);
	return 0;
}

int sp_config_set(struct sp_config *cfg, const char *assignment, char *err,
		  size_t errlen)
{
	char buf[512], *dot, *eq;

	snprintf(buf, sizeof(buf), "%s", assignment);
	dot = strchr(buf, '.');
	eq = strchr(buf, '=');
	if (!dot || !eq || dot > eq) {
		snprintf(err, errlen,
			 "'%s': expected section.key=value", assignment);
		return -1;
	}
	*dot = '\0';
	*eq = '\0';
	if (sp_ini_set(keys, NKEYS, cfg, buf, dot + 1, eq + 1, err, errlen) < 0)
		return -1;
	return 0;
}

void sp_config_print_help(FILE *out)
{
	sp_ini_print_help(keys, NKEYS, out);
}

void sp_config_dump(const struct sp_config *cfg, FILE *out)
{
	const char *last = "";
	char val[SP_IP6_MAX * 48];  /* the longest: an ip6 list */

	for (size_t i = 0; i < NKEYS; i++) {
		if (strcmp(keys[i].section, last) != 0)
			fprintf(out, "[%s]\n", keys[i].section);
		last = keys[i].section;
		sp_ini_format(&keys[i], cfg, val, sizeof(val));
		fprintf(out, "%s = %s\n", keys[i].name, val);
	}
}
