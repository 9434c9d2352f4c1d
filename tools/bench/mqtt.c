/*
 * mqtt.c - senseplane-bench-mqtt, B4's Mosquitto baseline: the same sensor
 * traffic through an MQTT broker, QoS 0, a topic per (sensor, attribute).
 *
 *   pub: reads the simulator's sensor packets from a pcap (the traffic the
 *        other systems get) and publishes every record as one message on
 *        "sp/SENSOR/ATTR" (payload: the record as on the wire, header and
 *        samples), paced to --rate packets/s for --seconds, then waits for
 *        libmosquitto to have written everything.
 *   sub: subscribes to "sp/#", counts messages and samples until --idle
 *        seconds pass without one (or --seconds), and reports when the
 *        first and the last arrived.
 *
 * Both print a JSON summary with their own CPU seconds.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mosquitto.h>

#include "bench_capture.h"
#include "bench_proc.h"
#include "sp_wire.h"

struct opts {
	struct bench_pubsub c;
	const char *host;
	int port;
};

struct sub_state {
	uint64_t msgs, samples, bad;
	double first, last;
	int subscribed;
};

static void usage(FILE *out)
{
	fprintf(out,
"usage: senseplane-bench-mqtt pub --pcap FILE [options]\n"
"       senseplane-bench-mqtt sub [options]\n"
"\n"
"B4's Mosquitto baseline: publishes the records of a sensor-packet capture\n"
"as QoS 0 messages, a topic per (sensor, attribute), or subscribes to all\n"
"of them and counts; a JSON summary at the end.\n"
"\n"
"      --host H      broker address (default 127.0.0.1)\n"
"  -p, --port N      broker port (default 1883)\n"
BENCH_PUBSUB_HELP);
}

/* One record as one QoS 0 message on sp/SENSOR/ATTR. */
static int publish_record(void *ctx, uint64_t sensor, const struct sp_record *r,
			  const uint8_t *rec, size_t len)
{
	char topic[64];
	int rc;

	snprintf(topic, sizeof(topic), "sp/%" PRIu64 "/%u", sensor, r->attr_id);
	rc = mosquitto_publish(ctx, NULL, topic, (int)len, rec, 0, false);
	if (rc != MOSQ_ERR_SUCCESS) {
		fprintf(stderr, "mqtt: publish: %s\n", mosquitto_strerror(rc));
		return -1;
	}
	return 0;
}

static int run_pub(struct mosquitto *m, const struct opts *o)
{
	struct bench_capture cap = { 0 };
	struct bench_published st;
	double cpu0, end, drained;
	int rc;

	if (bench_capture_load(o->c.pcap, &cap, "mqtt") < 0)
		return 1;
	if (mosquitto_loop_start(m) != MOSQ_ERR_SUCCESS) {
		fprintf(stderr, "mqtt: cannot start the network thread\n");
		return 1;
	}
	cpu0 = bench_cpu_s();
	bench_capture_publish(&cap, o->c.rate, o->c.seconds, publish_record, m,
			      &bench_stop, &st);
	end = bench_now_s();
	/* QoS 0 has no acknowledgement: done when the library has written
	 * every queued message to the socket */
	while (mosquitto_want_write(m) && bench_now_s() - end < 30)
		usleep(1000);
	drained = bench_now_s();
	rc = st.failed || (bench_stop && st.packets < o->c.rate * o->c.seconds);
	mosquitto_disconnect(m);
	mosquitto_loop_stop(m, false);
	printf("{\"packets\": %" PRIu64 ", \"messages\": %" PRIu64
	       ", \"samples\": %" PRIu64 ", \"bad\": %" PRIu64
	       ", \"seconds\": %.3f, \"drain_s\": %.3f, \"cpu_s\": %.3f}\n",
	       st.packets, st.messages, st.samples, st.bad, st.seconds,
	       drained - end, bench_cpu_s() - cpu0);
	return rc;
}

static void on_message(struct mosquitto *m, void *u,
		       const struct mosquitto_message *msg)
{
	struct sub_state *s = u;
	struct sp_record r;

	(void)m;
	s->last = bench_now_s();
	if (s->msgs++ == 0)
		s->first = s->last;
	if (sp_record_check(msg->payload, (size_t)msg->payloadlen, &r) != SP_OK) {
		s->bad++;
		return;
	}
	s->samples += r.nsamp;
}

static void on_subscribe(struct mosquitto *m, void *u, int mid, int n,
			 const int *granted)
{
	struct sub_state *s = u;

	(void)m; (void)mid; (void)n; (void)granted;
	s->subscribed = 1;
	fprintf(stderr, "subscribed\n");
}

static int run_sub(struct mosquitto *m, const struct opts *o,
		   struct sub_state *s)
{
	double start = bench_now_s(), cpu0 = bench_cpu_s();

	if (mosquitto_subscribe(m, NULL, "sp/#", 0) != MOSQ_ERR_SUCCESS) {
		fprintf(stderr, "mqtt: cannot subscribe\n");
		return 1;
	}
	while (!bench_stop) {
		double t = bench_now_s();
		int rc = mosquitto_loop(m, 100, 1);

		if (rc != MOSQ_ERR_SUCCESS) {
			fprintf(stderr, "mqtt: connection lost: %s\n",
				mosquitto_strerror(rc));
			return 1;
		}
		if (t - start > o->c.seconds || (s->msgs && t - s->last > o->c.idle))
			break;
	}
	printf("{\"messages\": %" PRIu64 ", \"samples\": %" PRIu64
	       ", \"bad\": %" PRIu64 ", \"span_s\": %.3f, \"cpu_s\": %.3f}\n",
	       s->msgs, s->samples, s->bad, s->msgs ? s->last - s->first : 0.0,
	       bench_cpu_s() - cpu0);
	return 0;
}

static int own_opt(int c, const char *arg, void *ctx)
{
	struct opts *o = ctx;

	if (c == 'H')
		o->host = arg;
	else if (c == 'p')
		o->port = atoi(arg);
	else
		return -1;
	return o->port >= 1 && o->port <= 65535 ? 0 : -1;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "host", 1, NULL, 'H' }, { "port", 1, NULL, 'p' },
		{ "pcap", 1, NULL, 'P' }, { "rate", 1, NULL, 'r' },
		{ "seconds", 1, NULL, 't' }, { "idle", 1, NULL, 'i' },
		{ "help", 0, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	struct opts o = { .host = "127.0.0.1", .port = 1883, .c = {
			  .rate = 10000, .seconds = 10, .idle = 2 } };
	struct sub_state s = { 0 };
	struct mosquitto *m;
	int rc;

	rc = bench_pubsub_args(argc, argv, lo, "p:r:t:h", own_opt, &o, usage,
			       &o.c);
	if (rc >= 0)
		return rc;
	bench_catch_signals();
	mosquitto_lib_init();
	m = mosquitto_new(NULL, true, &s);
	if (m == NULL) {
		fprintf(stderr, "mqtt: cannot create a client\n");
		return 1;
	}
	mosquitto_message_callback_set(m, on_message);
	mosquitto_subscribe_callback_set(m, on_subscribe);
	rc = mosquitto_connect(m, o.host, o.port, 60);
	if (rc != MOSQ_ERR_SUCCESS) {
		fprintf(stderr, "mqtt: cannot connect to %s:%d: %s\n", o.host,
			o.port, mosquitto_strerror(rc));
		return 1;
	}
	rc = o.c.pub ? run_pub(m, &o) : run_sub(m, &o, &s);
	mosquitto_destroy(m);
	mosquitto_lib_cleanup();
	return rc;
}
