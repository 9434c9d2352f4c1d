/*
 * bench_capture.c - capture reading and paced publishing for B4's broker
 * baselines (see bench_capture.h).
 */
#include "bench_capture.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_proc.h"   /* its clock only: the stop flag is the caller's */

int bench_capture_load(const char *path, struct bench_capture *c,
		       const char *who)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(path, err);
	struct pcap_pkthdr *h;
	const u_char *d;

	if (p == NULL) {
		fprintf(stderr, "%s: %s: %s\n", who, path, err);
		return -1;
	}
	while (pcap_next_ex(p, &h, &d) == 1) {
		size_t ihl, len;

		if (h->caplen < 14 + 20 + 8 || d[12] != 0x08 || d[13] != 0)
			continue;
		ihl = (d[14] & 0xf) * 4u;
		if (h->caplen < 14 + ihl + 8 || d[14 + 9] != 17)
			continue;
		len = h->caplen - 14 - ihl - 8;
		if (c->n == c->cap) {
			c->cap = c->cap ? c->cap * 2 : 1024;
			c->off = realloc(c->off, c->cap * sizeof(*c->off));
			c->len = realloc(c->len, c->cap * sizeof(*c->len));
		}
		if (c->used + len > c->data_cap) {
			c->data_cap = (c->used + len) * 2;
			c->data = realloc(c->data, c->data_cap);
		}
		if (!c->off || !c->len || !c->data) {
			fprintf(stderr, "%s: out of memory reading %s\n", who,
				path);
			pcap_close(p);
			return -1;
		}
		memcpy(c->data + c->used, d + 14 + ihl + 8, len);
		c->off[c->n] = c->used;
		c->len[c->n++] = len;
		c->used += len;
	}
	pcap_close(p);
	if (c->n == 0) {
		fprintf(stderr, "%s: %s: no UDP packets\n", who, path);
		return -1;
	}
	return 0;
}

/* The records of one sensor packet through @p fn. */
static int publish_packet(const uint8_t *p, size_t len, bench_publish_fn fn,
			  void *ctx, struct bench_published *out)
{
	struct sp_sensor_pkt pkt;
	struct sp_record r;
	uint32_t off = 0;

	if (sp_sensor_parse(p, len, NULL, NULL, 0, &pkt) != SP_OK) {
		out->bad++;
		return 0;
	}
	while (sp_sensor_next(&pkt, &off, &r)) {
		if (fn(ctx, pkt.sensor_id, &r, r.values - SP_REC_HDR_LEN,
		       SP_REC_HDR_LEN + sp_record_values_len(&r)) < 0)
			return -1;
		out->messages++;
		out->samples += r.nsamp;
	}
	return 0;
}

void bench_capture_publish(const struct bench_capture *c, double rate,
			   double seconds, bench_publish_fn fn, void *ctx,
			   volatile sig_atomic_t *stop,
			   struct bench_published *out)
{
	double start = bench_now_s();

	memset(out, 0, sizeof(*out));
	while (!*stop) {
		double t = bench_now_s() - start;
		uint64_t due = (uint64_t)(t * rate);

		if (t >= seconds)
			break;
		if (out->packets >= due) {
			usleep(200);
			continue;
		}
		for (; out->packets < due && !*stop; out->packets++) {
			size_t i = out->packets % c->n;

			if (publish_packet(c->data + c->off[i], c->len[i], fn,
					   ctx, out) < 0) {
				out->failed = 1;
				*stop = 1;
				break;
			}
		}
	}
	out->seconds = bench_now_s() - start;
}

int bench_pubsub_args(int argc, char **argv, const struct option *lo,
		      const char *shortopts,
		      int (*own)(int c, const char *arg, void *ctx), void *ctx,
		      void (*usage)(FILE *out), struct bench_pubsub *o)
{
	int c;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return 0;
	}
	if (argc < 2 || (strcmp(argv[1], "pub") && strcmp(argv[1], "sub"))) {
		usage(stderr);
		return 2;
	}
	o->pub = argv[1][0] == 'p';
	optind = 2;
	while ((c = getopt_long(argc, argv, shortopts, lo, NULL)) != -1) {
		switch (c) {
		case 'P': o->pcap = optarg; break;
		case 'r': o->rate = atof(optarg); break;
		case 't': o->seconds = atof(optarg); break;
		case 'i': o->idle = atof(optarg); break;
		case 'h': usage(stdout); return 0;
		default:
			if (c == '?' || own(c, optarg, ctx) < 0) {
				usage(stderr);
				return 2;
			}
		}
	}
	if (o->rate <= 0 || o->seconds <= 0 || o->idle <= 0 ||
	    (o->pub && o->pcap == NULL)) {
		usage(stderr);
		return 2;
	}
	return -1;
}
