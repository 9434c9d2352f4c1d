/*
 * feedrx.c - senseplane-bench-feedrx, the viewer-side benchmark of
 * libsenseplane: how many samples a second one core takes in order with
 * nothing lost, through the library, beside the plainest receiver of the
 * same feed (recvmmsg, validate, count: what B4's kernel receiver does for
 * sensor packets) on the same traffic.
 *
 *   feedrx gen --dest IP:PORT --pps N --seconds S [--msgs M] [--dim D]
 *       feed packets as the dataplane sends them (PROTOCOL.md 2): M
 *       messages of one record of D f32 values each, seq counting up,
 *       paced with sendmmsg; then 3 heartbeats with END
 *   feedrx rx --mode lib|raw --listen IP:PORT [--idle S]
 *       receive until END (or --idle S of silence); print JSON: packets,
 *       messages, samples, missing (lib: given up; raw: seq holes),
 *       seconds from first to last packet, CPU seconds
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench_proc.h"
#include "senseplane.h"
#include "sp_addr.h"
#include "sp_feed.h"
#include "sp_time.h"

#define BATCH 32

struct opt {
	const char *dest, *listen, *mode;
	double pps, seconds, idle;
	unsigned int msgs, dim;
};

static size_t make_pkt(uint8_t *p, uint64_t seq, unsigned int msgs,
		       unsigned int dim, uint64_t now, uint8_t flags)
{
	struct sp_feed_hdr h = { .flags = flags, .feed_id = 1, .count = msgs,
				 .session = 0x5eed, .seq = seq,
				 .send_ns = now };
	size_t off = SP_FHDR_LEN;

	for (unsigned int i = 0; i < msgs; i++) {
		uint8_t vals[16 * 4];
		float f[16];
		uint64_t n = seq + i;
		struct sp_record r = { .attr_id = 1, .vtype = SP_VT_F32,
				       .dim = (uint8_t)dim, .nsamp = 1,
				       .t0_ns = now };

		for (unsigned int j = 0; j < dim; j++)
			f[j] = (float)(n % 1000) + (float)j;
		sp_values_encode(SP_VT_F32, dim, f, vals);
		/* 1 000 sensors, each key's version counting up */
		off += sp_feed_msg_write(p + off, 0, 1 + n % 1000,
					 (uint32_t)(n / 1000 + 1), &r, vals,
					 dim * 4u);
	}
	sp_feed_hdr_write(p, &h);
	return off;
}

static int gen(const struct opt *o)
{
	static uint8_t bufs[BATCH][2048];
	struct mmsghdr mm[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_in to;
	uint64_t seq = 0, sent = 0, total = (uint64_t)(o->pps * o->seconds);
	double t0 = bench_now_s();
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	int sndbuf = 8 << 20;

	if (sp_addr_sockaddr(o->dest, &to, 0) < 0 || fd < 0) {
		fprintf(stderr, "feedrx gen: --dest IP:PORT\n");
		return 2;
	}
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	while (sent < total && !bench_stop) {
		/* pace: what should have gone by now */
		uint64_t due = (uint64_t)((bench_now_s() - t0) * o->pps);
		unsigned int n = 0;

		if (due <= sent) {
			struct timespec ts = { 0, 20000 };

			nanosleep(&ts, NULL);
			continue;
		}
		while (n < BATCH && sent + n < due && sent + n < total) {
			uint64_t now = sp_wall_ns();

			iov[n].iov_base = bufs[n];
			iov[n].iov_len = make_pkt(bufs[n], seq, o->msgs, o->dim,
						  now, 0);
			seq += o->msgs;
			memset(&mm[n], 0, sizeof(mm[n]));
			mm[n].msg_hdr.msg_iov = &iov[n];
			mm[n].msg_hdr.msg_iovlen = 1;
			mm[n].msg_hdr.msg_name = &to;
			mm[n].msg_hdr.msg_namelen = sizeof(to);
			n++;
		}
		for (unsigned int k = 0; k < n;) {
			int r = sendmmsg(fd, mm + k, n - k, 0);

			if (r <= 0) {
				if (errno == ENOBUFS || errno == EAGAIN)
					continue;
				perror("feedrx gen: sendmmsg");
				return 1;
			}
			k += (unsigned int)r;
		}
		sent += n;
	}
	for (int i = 0; i < 3; i++) {
		size_t len = make_pkt(bufs[0], seq, 0, o->dim, sp_wall_ns(),
				      SP_FF_END);

		sendto(fd, bufs[0], len, 0, (struct sockaddr *)&to, sizeof(to));
		usleep(20000);
	}
	printf("{\"packets\": %" PRIu64 ", \"messages\": %" PRIu64
	       ", \"samples\": %" PRIu64 ", \"seconds\": %.3f}\n", sent,
	       sent * o->msgs, sent * o->msgs * o->dim,
	       bench_now_s() - t0);
	close(fd);
	return 0;
}

/* --- receivers ------------------------------------------------------ */

struct rx {
	uint64_t packets, messages, samples, missing, next_seq;
	double first, last;
	int ended, started;
};

/* The plain receiver: validate, count, notice holes (no recovery). */
static void raw_packet(struct rx *x, const uint8_t *p, size_t len)
{
	struct sp_feed_hdr h;
	struct sp_feed_msg m;
	size_t off = 0;

	if (sp_feed_decode(p, len, &h) != SP_FEED_E_OK)
		return;
	x->packets++;
	if (h.flags & SP_FF_END)
		x->ended = 1;
	if (!x->started) {
		x->started = 1;
		x->next_seq = h.seq;
	}
	if (h.seq > x->next_seq)
		x->missing += h.seq - x->next_seq;
	if (h.seq + h.count > x->next_seq)
		x->next_seq = h.seq + h.count;
	while (sp_feed_next(p, len, &off, &m)) {
		x->messages++;
		x->samples += (uint64_t)m.rec.nsamp * m.rec.dim;
	}
}

static void lib_msg(void *ctx, const struct senseplane_msg *m)
{
	struct rx *x = ctx;

	x->messages++;
	x->samples += (uint64_t)m->nsamp * m->dim;
}

static int rx(const struct opt *o)
{
	static uint8_t bufs[BATCH][2048];
	struct senseplane_params p = { .no_rereq = 1, .on_msg = lib_msg };
	struct senseplane *v = NULL;
	struct sockaddr_in at;
	struct rx x = { 0 };
	double cpu0 = bench_cpu_s(), idle_from = bench_now_s();
	int lib = strcmp(o->mode, "lib") == 0, fd = -1;
	int rcvbuf = 32 << 20, one = 1;

	if (sp_addr_sockaddr(o->listen, &at, 0) < 0) {
		fprintf(stderr, "feedrx rx: --listen IP:PORT\n");
		return 2;
	}
	p.ctx = &x;
	if (lib) {
		v = senseplane_create(&p);
		if (v == NULL || senseplane_join(v, o->listen) < 0) {
			fprintf(stderr, "feedrx rx: %s\n", v ?
				senseplane_errmsg(v) : senseplane_last_error());
			return 1;
		}
	} else {
		fd = socket(AF_INET, SOCK_DGRAM, 0);
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
			   sizeof(rcvbuf));
		if (bind(fd, (struct sockaddr *)&at, sizeof(at)) < 0) {
			perror("feedrx rx: bind");
			return 1;
		}
	}
	printf("{\"ready\": true}\n");
	fflush(stdout);
	while (!bench_stop && !(lib ? senseplane_ended(v) : x.ended)) {
		uint64_t before = lib ? 0 : x.packets;
		struct senseplane_stats s;
		double now;

		if (lib) {
			senseplane_stats(v, &s);
			before = s.packets;
			senseplane_poll(v, 100);
			senseplane_stats(v, &s);
			x.packets = s.packets;
		} else {
			struct mmsghdr mm[BATCH];
			struct iovec iov[BATCH];
			struct timespec to = { 0, 100000000 };
			int n;

			for (int i = 0; i < BATCH; i++) {
				iov[i] = (struct iovec){ bufs[i], 2048 };
				memset(&mm[i], 0, sizeof(mm[i]));
				mm[i].msg_hdr.msg_iov = &iov[i];
				mm[i].msg_hdr.msg_iovlen = 1;
			}
			n = recvmmsg(fd, mm, BATCH, MSG_WAITFORONE, &to);
			for (int i = 0; i < n; i++)
				raw_packet(&x, bufs[i], mm[i].msg_len);
		}
		now = bench_now_s();
		if (x.packets != before) {
			if (!x.first)
				x.first = now;
			x.last = now;
			idle_from = now;
		} else if (o->idle && now - idle_from > o->idle) {
			break;
		}
	}
	if (lib) {
		struct senseplane_stats s;

		senseplane_finish(v);
		senseplane_stats(v, &s);
		x.missing = s.lost_gone + s.lost_noanswer;
		senseplane_free(v);
	}
	printf("{\"mode\": \"%s\", \"packets\": %" PRIu64 ", \"messages\": %"
	       PRIu64 ", \"samples\": %" PRIu64 ", \"missing\": %" PRIu64
	       ", \"seconds\": %.3f, \"cpu_s\": %.3f}\n", o->mode, x.packets,
	       x.messages, x.samples, x.missing, x.last - x.first,
	       bench_cpu_s() - cpu0);
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: senseplane-bench-feedrx gen --dest IP:PORT --pps N "
		"--seconds S [--msgs M] [--dim D]\n"
		"       senseplane-bench-feedrx rx --mode lib|raw --listen "
		"IP:PORT [--idle S]\n(see the comment of tools/bench/feedrx.c)"
		"\n");
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "dest", 1, NULL, 'd' }, { "listen", 1, NULL, 'l' },
		{ "mode", 1, NULL, 'm' }, { "pps", 1, NULL, 'p' },
		{ "seconds", 1, NULL, 's' }, { "idle", 1, NULL, 'i' },
		{ "msgs", 1, NULL, 'M' }, { "dim", 1, NULL, 'D' },
		{ "help", 0, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	struct opt o = { .mode = "lib", .msgs = 20, .dim = 1, .idle = 5 };
	int c;

	if (argc < 2 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	optind = 2;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'd': o.dest = optarg; break;
		case 'l': o.listen = optarg; break;
		case 'm': o.mode = optarg; break;
		case 'p': o.pps = atof(optarg); break;
		case 's': o.seconds = atof(optarg); break;
		case 'i': o.idle = atof(optarg); break;
		case 'M': o.msgs = (unsigned int)atoi(optarg); break;
		case 'D': o.dim = (unsigned int)atoi(optarg); break;
		default: usage(stderr); return 2;
		}
	}
	if (o.msgs < 1 || o.msgs > 60 || o.dim < 1 || o.dim > 16) {
		fprintf(stderr, "feedrx: --msgs 1..60, --dim 1..16\n");
		return 2;
	}
	bench_catch_signals();
	if (strcmp(argv[1], "gen") == 0)
		return o.pps > 0 && o.seconds > 0 ? gen(&o) : 2;
	if (strcmp(argv[1], "rx") == 0)
		return rx(&o);
	usage(stderr);
	return 2;
}
