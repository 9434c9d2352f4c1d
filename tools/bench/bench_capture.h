/*
 * bench_capture.h - what B4's broker baselines (mqtt.c, nats.c) share: the
 * simulator's sensor packets read from a pcap, and publishing their records
 * paced to a packet rate, one message a record through a callback.
 */
#ifndef BENCH_CAPTURE_H
#define BENCH_CAPTURE_H

#include <getopt.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "sp_wire.h"

/** A capture's UDP payloads (Ethernet, IPv4, UDP), concatenated. */
struct bench_capture {
	uint8_t *data;
	size_t *off, *len, n, cap, used, data_cap;
};

/** Read @p path; messages name @p who. @return 0 or -1 (printed). */
int bench_capture_load(const char *path, struct bench_capture *c,
		       const char *who);

/** Publish one record (@p rec, @p len bytes: header and samples, as on
 * the wire) of sensor @p sensor. @return 0, or -1 to stop. */
typedef int (*bench_publish_fn)(void *ctx, uint64_t sensor,
				const struct sp_record *r, const uint8_t *rec,
				size_t len);

/** What a paced publish did. */
struct bench_published {
	uint64_t packets, messages, samples, bad;
	double seconds;      /* from the first packet to the last */
	int failed;          /* the callback asked to stop */
};

/**
 * Every record of the capture's packets, cycling, at @p rate packets/s
 * for @p seconds (or until *@p stop is set; a failed callback sets it),
 * through @p fn.
 */
void bench_capture_publish(const struct bench_capture *c, double rate,
			   double seconds, bench_publish_fn fn, void *ctx,
			   volatile sig_atomic_t *stop,
			   struct bench_published *out);

/** The --help lines of the options both clients take. */
#define BENCH_PUBSUB_HELP \
"      --pcap FILE   (pub) the sensor packets to publish\n" \
"  -r, --rate PPS    (pub) sensor packets per second (default 10000)\n" \
"  -t, --seconds S   pub: how long to publish; sub: longest wait (default 10)\n" \
"      --idle S      (sub) stop S seconds after the last message (default 2)\n" \
"  -h, --help        this text\n"

/** The options both clients take. */
struct bench_pubsub {
	int pub;                       /* "pub" (1) or "sub" (0) */
	const char *pcap;              /* -P, --pcap */
	double rate, seconds, idle;    /* -r, -t, -i */
};

/**
 * Parse "pub|sub [options]" with getopt_long over @p lo (@p shortopts):
 * the shared codes P r t i h here, any other through @p own (0, or -1 for
 * a bad value). @p o holds the defaults on entry.
 * @return -1 to go on, else the exit code (0 after --help, 2 on misuse:
 * @p usage printed).
 */
int bench_pubsub_args(int argc, char **argv, const struct option *lo,
		      const char *shortopts,
		      int (*own)(int c, const char *arg, void *ctx), void *ctx,
		      void (*usage)(FILE *out), struct bench_pubsub *o);

#endif /* BENCH_CAPTURE_H */
