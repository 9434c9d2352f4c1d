/*
 * nats.c - senseplane-bench-nats, B4n's NATS baseline: the same sensor
 * traffic as B4's Mosquitto baseline through a NATS server (core NATS, at
 * most once), a subject per (sensor, attribute).
 *
 *   pub: reads the simulator's sensor packets from a pcap and publishes
 *        every record as one message on "sp.SENSOR.ATTR" (payload: the
 *        record as on the wire), paced to --rate packets/s for --seconds,
 *        then flushes (a PING answered: the server has every message).
 *   sub: subscribes to "sp.>" (generous pending limits: 4 M messages,
 *        1 GiB, so the client library is not what drops), counts messages
 *        and samples until --idle seconds pass without one (or --seconds),
 *        and reports when the first and the last arrived and what the
 *        library dropped as a slow consumer.
 *
 * Both print a JSON summary with their own CPU seconds.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nats/nats.h>

#include "bench_capture.h"
#include "bench_proc.h"
#include "sp_wire.h"

struct opts {
	struct bench_pubsub c;
	const char *url;
};

/* written by the library's delivery thread, read by main */
struct sub_state {
	uint64_t msgs, samples, bad;
	double first, last;
};

static void usage(FILE *out)
{
	fprintf(out,
"usage: senseplane-bench-nats pub --pcap FILE [options]\n"
"       senseplane-bench-nats sub [options]\n"
"\n"
"B4n's NATS baseline: publishes the records of a sensor-packet capture as\n"
"core NATS messages, a subject per (sensor, attribute), or subscribes to\n"
"all of them and counts; a JSON summary at the end.\n"
"\n"
"      --url URL     server (default nats://127.0.0.1:4222)\n"
BENCH_PUBSUB_HELP);
}

static int publish_record(void *ctx, uint64_t sensor, const struct sp_record *r,
			  const uint8_t *rec, size_t len)
{
	char subj[64];
	natsStatus s;

	snprintf(subj, sizeof(subj), "sp.%" PRIu64 ".%u", sensor, r->attr_id);
	s = natsConnection_Publish(ctx, subj, rec, (int)len);
	if (s != NATS_OK) {
		fprintf(stderr, "nats: publish: %s\n", natsStatus_GetText(s));
		return -1;
	}
	return 0;
}

static int run_pub(natsConnection *nc, const struct opts *o)
{
	struct bench_capture cap = { 0 };
	struct bench_published st;
	double cpu0, end, drained;
	natsStatus s;

	if (bench_capture_load(o->c.pcap, &cap, "nats") < 0)
		return 1;
	cpu0 = bench_cpu_s();
	bench_capture_publish(&cap, o->c.rate, o->c.seconds, publish_record, nc,
			      &bench_stop, &st);
	end = bench_now_s();
	s = natsConnection_FlushTimeout(nc, 30000);
	drained = bench_now_s();
	if (s != NATS_OK)
		fprintf(stderr, "nats: flush: %s\n", natsStatus_GetText(s));
	printf("{\"packets\": %" PRIu64 ", \"messages\": %" PRIu64
	       ", \"samples\": %" PRIu64 ", \"bad\": %" PRIu64
	       ", \"seconds\": %.3f, \"drain_s\": %.3f, \"cpu_s\": %.3f}\n",
	       st.packets, st.messages, st.samples, st.bad, st.seconds,
	       drained - end, bench_cpu_s() - cpu0);
	return st.failed || s != NATS_OK;
}

static void on_msg(natsConnection *nc, natsSubscription *sub, natsMsg *msg,
		   void *closure)
{
	struct sub_state *st = closure;
	struct sp_record r;
	double now = bench_now_s();

	(void)nc; (void)sub;
	if (__atomic_load_n(&st->msgs, __ATOMIC_RELAXED) == 0)
		st->first = now;
	__atomic_store(&st->last, &now, __ATOMIC_RELAXED);
	if (sp_record_check((const uint8_t *)natsMsg_GetData(msg),
			    (size_t)natsMsg_GetDataLength(msg), &r) != SP_OK)
		__atomic_add_fetch(&st->bad, 1, __ATOMIC_RELAXED);
	else
		__atomic_add_fetch(&st->samples, r.nsamp, __ATOMIC_RELAXED);
	__atomic_add_fetch(&st->msgs, 1, __ATOMIC_RELEASE);
	natsMsg_Destroy(msg);
}

static int run_sub(natsConnection *nc, const struct opts *o)
{
	static struct sub_state st;
	double start = bench_now_s(), cpu0 = bench_cpu_s();
	natsSubscription *sub = NULL;
	int64_t dropped = 0;
	natsStatus s;

	s = natsConnection_Subscribe(&sub, nc, "sp.>", on_msg, &st);
	if (s == NATS_OK)
		s = natsSubscription_SetPendingLimits(sub, 4 << 20, 1 << 30);
	if (s == NATS_OK)
		s = natsConnection_Flush(nc);   /* the server has the SUB */
	if (s != NATS_OK) {
		fprintf(stderr, "nats: cannot subscribe: %s\n",
			natsStatus_GetText(s));
		return 1;
	}
	fprintf(stderr, "subscribed\n");
	while (!bench_stop) {
		double t = bench_now_s(), last;
		uint64_t n = __atomic_load_n(&st.msgs, __ATOMIC_ACQUIRE);

		__atomic_load(&st.last, &last, __ATOMIC_RELAXED);
		if (t - start > o->c.seconds || (n && t - last > o->c.idle))
			break;
		usleep(20000);
	}
	natsSubscription_GetDropped(sub, &dropped);
	natsSubscription_Unsubscribe(sub);
	natsSubscription_Destroy(sub);
	printf("{\"messages\": %" PRIu64 ", \"samples\": %" PRIu64
	       ", \"bad\": %" PRIu64 ", \"dropped\": %" PRId64
	       ", \"span_s\": %.3f, \"cpu_s\": %.3f}\n",
	       st.msgs, st.samples, st.bad, dropped,
	       st.msgs ? st.last - st.first : 0.0, bench_cpu_s() - cpu0);
	return 0;
}

static int own_opt(int c, const char *arg, void *ctx)
{
	if (c != 'u')
		return -1;
	((struct opts *)ctx)->url = arg;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "url", 1, NULL, 'u' }, { "pcap", 1, NULL, 'P' },
		{ "rate", 1, NULL, 'r' }, { "seconds", 1, NULL, 't' },
		{ "idle", 1, NULL, 'i' }, { "help", 0, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .url = "nats://127.0.0.1:4222", .c = { .rate = 10000,
			  .seconds = 10, .idle = 2 } };
	natsConnection *nc = NULL;
	natsStatus s;
	int rc;

	rc = bench_pubsub_args(argc, argv, lo, "r:t:h", own_opt, &o, usage,
			       &o.c);
	if (rc >= 0)
		return rc;
	bench_catch_signals();
	s = natsConnection_ConnectTo(&nc, o.url);
	if (s != NATS_OK) {
		fprintf(stderr, "nats: cannot connect to %s: %s\n", o.url,
			natsStatus_GetText(s));
		return 1;
	}
	rc = o.c.pub ? run_pub(nc, &o) : run_sub(nc, &o);
	natsConnection_Destroy(nc);
	nats_Close();
	return rc;
}
