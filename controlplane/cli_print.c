/*
 * cli_print.c - human-readable forms of the control protocol's answers.
 */
#include "cli_print.h"

#include <string.h>
#include <time.h>

#include "sp_histo.h"
#include <unistd.h>

static json_int_t I(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static double F(json_t *o, const char *k)
{
	return json_number_value(json_object_get(o, k));
}

static const char *S(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "-";
}

static void print_viewers(FILE *out, json_t *list)
{
	size_t i;
	json_t *v;

	fprintf(out, "%-16s %-22s %-7s %6s %6s\n", "NAME", "DEST", "LEVEL",
		"FEED", "SUBS");
	json_array_foreach(list, i, v) {
		fprintf(out, "%-16s %-22s %-7s %6lld %6lld\n", S(v, "name"),
			S(v, "dest"), S(v, "level"), I(v, "feed"),
			I(v, "subs"));
		if (json_object_get(v, "error"))   /* a node refused it */
			fprintf(out, "  refused: %s\n", S(v, "error"));
	}
}

static void print_subs(FILE *out, json_t *list)
{
	size_t i;
	json_t *s;

	fprintf(out, "%-16s %12s %-14s %-7s %8s %s\n", "VIEWER", "SENSOR",
		"ATTRIBUTE", "LEVEL", "TTL_MS", "ROUTED");
	json_array_foreach(list, i, s) {
		json_t *r = json_object_get(s, "routed");

		/* a dataplane's answer says whether its workers could route
		 * it (the pool that refused, when not); Redis's does not */
		fprintf(out, "%-16s %12lld %-14s %-7s %8lld %s%s%s\n",
			S(s, "viewer"), I(s, "sensor"), S(s, "attr"),
			S(s, "level"), I(s, "ttl_ms"),
			!r ? "-" : json_is_true(r) ? "yes" : "no: ",
			r && !json_is_true(r) ? S(s, "refused") : "",
			r && !json_is_true(r) ? " pool full" : "");
	}
}

static void print_sensors(FILE *out, json_t *list)
{
	size_t i;
	json_t *s;

	fprintf(out, "%12s %6s %10s %12s %5s %10s %-7s %s\n", "SENSOR",
		"WORKER", "PKTS", "SAMPLES", "KEYS", "AGE_MS", "LEVEL", "FROM");
	json_array_foreach(list, i, s)
		fprintf(out, "%12lld %6lld %10lld %12lld %5lld %10.1f %-7s %s\n",
			I(s, "id"), I(s, "worker"), I(s, "pkts"),
			I(s, "samples"), I(s, "keys"), F(s, "age_ms"),
			S(s, "level"), S(s, "src"));
	fprintf(out, "%zu sensor(s)\n", json_array_size(list));
}

/* t in ns since the epoch as ISO-8601 UTC with microseconds. */
static void print_time(FILE *out, json_int_t t_ns)
{
	time_t secs = (time_t)(t_ns / 1000000000);
	struct tm tm;
	char buf[32];

	if (t_ns < 0 || gmtime_r(&secs, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm) == 0) {
		fprintf(out, "%lld", (long long)t_ns);
		return;
	}
	fprintf(out, "%s.%06lldZ", buf, (long long)(t_ns % 1000000000) / 1000);
}

static void print_history(FILE *out, json_t *h)
{
	json_t *samples = json_object_get(h, "samples"), *row;
	size_t i, j;

	fprintf(out, "sensor %lld %s (%s x %lld): %lld kept of %lld "
		"received\n", I(h, "sensor"), S(h, "name"), S(h, "vtype"),
		I(h, "dim"), I(h, "kept"), I(h, "received"));
	json_array_foreach(samples, i, row) {
		json_t *v;

		json_array_foreach(row, j, v) {
			if (j == 0)
				print_time(out, json_integer_value(v));
			else if (json_is_integer(v))
				fprintf(out, " %lld", json_integer_value(v));
			else if (json_is_string(v))  /* NaN, +-Infinity */
				fprintf(out, " %s", json_string_value(v));
			else
				fprintf(out, " %.9g", json_number_value(v));
		}
		fputc('\n', out);
	}
}

static void print_attention(FILE *out, json_t *a)
{
	json_t *keys = json_object_get(a, "keys"), *k, *rt;
	size_t i, j;

	fprintf(out, "sensor %lld: %s%s\n", I(a, "sensor"), S(a, "level"),
		json_is_true(json_object_get(a, "seen")) ? "" :
		" (not seen yet)");
	json_array_foreach(keys, i, k) {
		fprintf(out, "  %-12s %-7s (subscriptions: %s) ->",
			S(k, "name"), S(k, "level"), S(k, "sub_level"));
		json_array_foreach(json_object_get(k, "routes"), j, rt)
			fprintf(out, " %s %lld@%s", S(rt, "kind"), I(rt, "feed"),
				S(rt, "level"));
		if (json_is_false(json_object_get(k, "routed")))
			fprintf(out, " (not routed: %s pool full)",
				S(k, "refused"));
		fputc('\n', out);
	}
	json_array_foreach(json_object_get(a, "subs"), i, k) {
		if (json_is_false(json_object_get(k, "routed")))
			fprintf(out, "  %s%s: not routed (%s pool full)\n",
				json_object_get(k, "pin") ? "the pin" :
				"viewer ", json_object_get(k, "pin") ? "" :
				S(k, "viewer"), S(k, "refused"));
	}
}

static void print_out(FILE *out, const char *name, json_t *o)
{
	fprintf(out, "%-12s %10lld %10lld %10lld %8.2f %12lld %9.0f %9.0f "
		"%6lld %s\n", name, I(o, "offered"), I(o, "msgs"),
		I(o, "samples"), F(o, "conflation_ratio"), I(o, "bytes_saved"),
		F(o, "stale_p50_us"), F(o, "stale_p99_us"), I(o, "demotions"),
		I(o, "shed") ? "shedding" : "");
}

static void print_stats(FILE *out, json_t *r)
{
	json_t *t = json_object_get(r, "totals"), *tiers, *v, *tb;
	const char *key;
	size_t i;

	fprintf(out, "rx %lld pkts, %lld samples from %lld sensors (%lld keys);"
		" %lld dropped; feed %lld pkts %lld msgs\n", I(t, "rx_pkts"),
		I(t, "samples_in"), I(t, "sensors"), I(t, "keys"),
		I(t, "drops"), I(t, "feed_pkts"), I(t, "feed_msgs"));
	fprintf(out, "\n%-12s %10s %10s %10s %8s %12s %9s %9s %6s\n", "FEED",
		"OFFERED", "MSGS", "SAMPLES", "CONFL", "BYTES_SAVED",
		"STALE_P50", "STALE_P99", "DEMOT");
	tiers = json_object_get(r, "tiers");
	json_object_foreach(tiers, key, v)
		print_out(out, key, v);
	json_array_foreach(json_object_get(r, "viewers"), i, v) {
		char name[40];

		snprintf(name, sizeof(name), "%s", S(v, "name"));
		print_out(out, name, v);
	}
	tb = json_object_get(r, "tables");
	fprintf(out, "\n(staleness in us)\ntables: %lld sensors, %lld keys, "
		"%lld viewers, %lld subs, %lld routes, %lld outs; routing %lld "
		"B, history %lld B (%.0f B/key), key %lld B\n",
		I(tb, "sensors"), I(tb, "keys"), I(tb, "viewers"),
		I(tb, "subs"), I(tb, "routes"), I(tb, "outs"),
		I(tb, "routing_bytes"), I(tb, "history_bytes"),
		F(tb, "history_bytes_per_key"), I(tb, "key_bytes"));
	/* a full pool is never silent: say which refused what */
	json_object_foreach(json_object_get(r, "totals"), key, v)
		if (strncmp(key, "refused_", 8) == 0 && json_integer_value(v))
			fprintf(out, "REFUSED: the %s pool refused %lld "
				"request(s)\n", key + 8, json_integer_value(v));
}

static void print_flags(FILE *out, json_t *f)
{
	const char *key;
	json_t *v;

	json_object_foreach(f, key, v)
		fprintf(out, "%-10s %s\n", key, json_is_true(v) ? "on" : "off");
}

static void print_feeds(FILE *out, json_t *list)
{
	size_t i;
	json_t *f;

	fprintf(out, "%6s %-10s %-22s %s\n", "FEED", "KIND", "DEST", "NAME");
	json_array_foreach(list, i, f)
		fprintf(out, "%6lld %-10s %-22s %s\n", I(f, "feed"),
			S(f, "kind"), S(f, "dest"), S(f, "name"));
}

void cli_print(FILE *out, const char *verb, const char *sub, json_t *resp)
{
	json_t *v;

	if ((v = json_object_get(resp, "viewers")) && strcmp(verb, "viewer") == 0)
		print_viewers(out, v);
	else if ((v = json_object_get(resp, "viewer")))
		fprintf(out, "viewer %s -> %s, lens feed %lld\n", S(v, "name"),
			S(v, "dest"), I(v, "feed"));
	else if ((v = json_object_get(resp, "subs")))
		print_subs(out, v);
	else if ((v = json_object_get(resp, "sensors")))
		print_sensors(out, v);
	else if ((v = json_object_get(resp, "history")))
		print_history(out, v);
	else if ((v = json_object_get(resp, "attention")))
		print_attention(out, v);
	else if (strcmp(verb, "stats") == 0)
		print_stats(out, resp);
	else if ((v = json_object_get(resp, "flags")))
		print_flags(out, v);
	else if ((v = json_object_get(resp, "feeds")))
		print_feeds(out, v);
	else if ((v = json_object_get(resp, "pins"))) {
		size_t i;
		json_t *p;

		json_array_foreach(v, i, p)
			fprintf(out, "%lld\n", json_integer_value(p));
	} else if ((v = json_object_get(resp, "requests"))) {
		size_t i;
		json_t *p;

		json_array_foreach(v, i, p)
			fprintf(out, "%s\n", json_string_value(p));
	} else if (json_object_get(resp, "session")) {
		fprintf(out, "senseplane-dp %s, session %s, %lld worker(s)\n",
			S(resp, "version"), S(resp, "session"),
			I(resp, "workers"));
	} else if (json_object_get(resp, "sensor_feed")) {
		fprintf(out, "ok (sensor feed %lld)\n",
			I(resp, "sensor_feed"));
	} else {
		(void)sub;
		fprintf(out, "ok\n");
	}
}

/* The staleness percentile @p p of what an out sent between two stats
 * answers (their bucket lists), in ms; -1 when it sent nothing then. */
static double interval_pct(json_t *now, json_t *prev, double p)
{
	static struct sp_histo h;   /* 4 KiB: off the stack */
	json_t *e;
	size_t i;

	memset(&h, 0, sizeof(h));
	json_array_foreach(json_object_get(now, "stale_buckets"), i, e) {
		json_int_t b = json_integer_value(json_array_get(e, 0));

		if (b >= 0 && b < SP_HISTO_BUCKETS)
			h.b[b] += (uint32_t)json_integer_value(json_array_get(e,
									   1));
	}
	json_array_foreach(prev ? json_object_get(prev, "stale_buckets") : NULL,
			   i, e) {
		json_int_t b = json_integer_value(json_array_get(e, 0));

		if (b >= 0 && b < SP_HISTO_BUCKETS)
			h.b[b] -= (uint32_t)json_integer_value(json_array_get(e,
									   1));
	}
	for (i = 0; i < SP_HISTO_BUCKETS; i++)
		h.count += h.b[i];
	if (h.count == 0)
		return -1;
	h.max_ns = UINT64_MAX;   /* not known for the interval: bucket tops */
	return (double)sp_histo_pct(&h, p) / 1e6;
}

static void top_row(FILE *out, const char *name, json_t *v, json_t *pv,
		    double secs)
{
#define D(k) (pv && secs > 0 ? (double)(I(v, k) - I(pv, k)) : 0)
	double sent = D("samples"), p50 = interval_pct(v, pv, 50),
	       p99 = interval_pct(v, pv, 99);
	char a[16], b[16];

	snprintf(a, sizeof(a), p50 < 0 ? "-" : "%.2f", p50);
	snprintf(b, sizeof(b), p99 < 0 ? "-" : "%.2f", p99);
	fprintf(out, "%-12.12s %12.0f %12.0f %9.2f %12s %12s %6s\n", name,
		secs > 0 ? D("offered") / secs : 0,
		secs > 0 ? D("msgs") / secs : 0,
		sent > 0 ? D("offered") / sent : 0, a, b,
		I(v, "shed") ? "yes" : "-");
#undef D
}

void cli_print_top(FILE *out, json_t *now, json_t *prev, double secs)
{
	json_t *t = json_object_get(now, "totals");
	json_t *pt = prev ? json_object_get(prev, "totals") : NULL;
	json_t *tiers = json_object_get(now, "tiers"), *v;
	const char *key;
	size_t i;

#define RATE(o, po, k) (po && secs > 0 ? (double)(I(o, k) - I(po, k)) / secs : 0)
	fprintf(out, "%ssenseplane top   rx %.0f pkt/s  samples %.0f/s"
		"  feed %.0f msg/s  drops %.0f/s (%lld in all)  sensors %lld"
		"  keys %lld\n\n",
		isatty(fileno(out)) ? "\033[H\033[2J" : "\n",
		RATE(t, pt, "rx_pkts"), RATE(t, pt, "samples_in"),
		RATE(t, pt, "feed_msgs"), RATE(t, pt, "drops"), I(t, "drops"),
		I(t, "sensors"), I(t, "keys"));
#undef RATE
	fprintf(out, "%-12s %12s %12s %9s %12s %12s %6s\n", "FEED",
		"OFFERED/s", "MSGS/s", "CONFL(x)", "STALE_P50ms", "STALE_P99ms",
		"SHED");
	json_object_foreach(tiers, key, v)
		top_row(out, key, v, prev ? json_object_get(json_object_get(
			prev, "tiers"), key) : NULL, secs);
	json_array_foreach(json_object_get(now, "viewers"), i, v) {
		json_t *pv = prev ? json_array_get(json_object_get(prev,
						   "viewers"), i) : NULL;

		if (pv && strcmp(S(pv, "name"), S(v, "name")) != 0)
			pv = NULL;
		top_row(out, S(v, "name"), v, pv, secs);
	}
	fprintf(out, "\nevery figure is over the last %.1f s: OFFERED/s samples"
		" offered to the feed (what broadcast would send), MSGS/s "
		"messages sent, CONFL(x) samples offered per sample sent, "
		"STALE age in ms of the newest sample a message carries when it "
		"leaves (p50/p99, within 6.25 %%), SHED shedding load\n", secs);
	fflush(out);
}
