/*
 * krecv.c - senseplane-bench-krecv, B4's kernel baseline: what a user
 * would write instead of senseplane with plain sockets. It receives sensor
 * packets (PROTOCOL.md 1) on a UDP socket with recvmmsg, validates each with
 * the same parser as the dataplane, counts records and samples, and with
 * --forward fans every valid packet out to a subscriber with sendmmsg. The
 * subscriber is the same program without --forward.
 *
 * It stops after --seconds, or --idle seconds without a packet once one
 * arrived, and prints a JSON summary: packets, bad packets, records,
 * samples, packets forwarded, send errors, kernel drops on its socket
 * (SO_RXQ_OVFL) and its own CPU seconds.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sp_addr.h"
#include "bench_proc.h"
#include "sp_wire.h"

#define BATCH 64
#define PKT_MAX 2048

struct totals {
	uint64_t pkts, bad, records, samples, fwd, send_errors, kdrops;
};

static void usage(FILE *out)
{
	fprintf(out,
"usage: senseplane-bench-krecv --listen IP:PORT [options]\n"
"\n"
"B4's kernel baseline: receives sensor packets with recvmmsg, validates\n"
"and counts them, optionally fans them out to a subscriber with sendmmsg,\n"
"and prints a JSON summary at the end.\n"
"\n"
"  -l, --listen IP:PORT   where to receive\n"
"  -f, --forward IP:PORT  send every valid packet on to this subscriber\n"
"  -t, --seconds S        stop after S seconds (default 60)\n"
"      --idle S           stop after S seconds without a packet (default 1)\n"
"  -h, --help             this text\n");
}

static int open_socket(uint32_t ip, uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(ip),
				 .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0), one = 1, buf = 8 << 20;

	if (fd < 0)
		return -1;
	/* a user tuning for load would ask for a large buffer; the
	 * kernel caps it at net.core.rmem_max unless FORCE is allowed */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The socket's cumulative drop count from a message's control data. */
static void read_drops(struct msghdr *h, struct totals *t)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c; c = CMSG_NXTHDR(h, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL) {
			uint32_t d;

			memcpy(&d, CMSG_DATA(c), sizeof(d));
			t->kdrops = d;
		}
}

static void count_packet(const uint8_t *p, size_t len, struct totals *t)
{
	struct sp_sensor_pkt pkt;
	struct sp_record r;
	uint32_t off = 0;

	t->pkts++;
	if (sp_sensor_parse(p, len, NULL, NULL, 0, &pkt) != SP_OK) {
		t->bad++;
		return;
	}
	while (sp_sensor_next(&pkt, &off, &r)) {
		t->records++;
		t->samples += r.nsamp;
	}
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "listen", 1, NULL, 'l' }, { "forward", 1, NULL, 'f' },
		{ "seconds", 1, NULL, 't' }, { "idle", 1, NULL, 'i' },
		{ "help", 0, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	static uint8_t bufs[BATCH][PKT_MAX];
	static char ctl[BATCH][CMSG_SPACE(sizeof(uint32_t))];
	struct mmsghdr in[BATCH], out[BATCH];
	struct iovec iov[BATCH], oiov[BATCH];
	struct sockaddr_in fwd = { .sin_family = AF_INET };
	const char *listen_at = NULL, *fwd_at = NULL;
	double seconds = 60, idle = 1, start, last = 0, cpu0;
	struct totals t = { 0 };
	uint32_t ip;
	uint16_t port;
	int c, fd, ofd = -1;

	while ((c = getopt_long(argc, argv, "l:f:t:h", lo, NULL)) != -1) {
		switch (c) {
		case 'l': listen_at = optarg; break;
		case 'f': fwd_at = optarg; break;
		case 't': seconds = atof(optarg); break;
		case 'i': idle = atof(optarg); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (listen_at == NULL || seconds <= 0 || idle <= 0) {
		usage(stderr);
		return 2;
	}
	if (sp_addr_parse(listen_at, &ip, &port, 0) < 0) {
		fprintf(stderr, "krecv: --listen '%s': not IP:PORT\n", listen_at);
		return 2;
	}
	fd = open_socket(ip, port);
	if (fd < 0) {
		fprintf(stderr, "krecv: cannot bind %s: %s\n", listen_at,
			strerror(errno));
		return 1;
	}
	if (fwd_at) {
		if (sp_addr_parse(fwd_at, &ip, &port, 0) < 0) {
			fprintf(stderr, "krecv: --forward '%s': not IP:PORT\n",
				fwd_at);
			return 2;
		}
		fwd.sin_addr.s_addr = htonl(ip);
		fwd.sin_port = htons(port);
		ofd = socket(AF_INET, SOCK_DGRAM, 0);
		if (ofd < 0 || connect(ofd, (struct sockaddr *)&fwd,
				       sizeof(fwd)) < 0) {
			fprintf(stderr, "krecv: --forward %s: %s\n", fwd_at,
				strerror(errno));
			return 1;
		}
	}
	bench_catch_signals();
	start = bench_now_s();
	cpu0 = bench_cpu_s();
	while (!bench_stop) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		double now = bench_now_s();
		int n, nout = 0;

		if (now - start > seconds || (last > 0 && now - last > idle))
			break;
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		for (int i = 0; i < BATCH; i++) {
			iov[i] = (struct iovec){ bufs[i], PKT_MAX };
			memset(&in[i], 0, sizeof(in[i]));
			in[i].msg_hdr.msg_iov = &iov[i];
			in[i].msg_hdr.msg_iovlen = 1;
			in[i].msg_hdr.msg_control = ctl[i];
			in[i].msg_hdr.msg_controllen = sizeof(ctl[i]);
		}
		n = recvmmsg(fd, in, BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			continue;
		last = bench_now_s();
		for (int i = 0; i < n; i++) {
			uint64_t bad = t.bad;

			read_drops(&in[i].msg_hdr, &t);
			count_packet(bufs[i], in[i].msg_len, &t);
			if (ofd < 0 || t.bad != bad)
				continue;
			oiov[nout] = (struct iovec){ bufs[i], in[i].msg_len };
			memset(&out[nout], 0, sizeof(out[nout]));
			out[nout].msg_hdr.msg_iov = &oiov[nout];
			out[nout].msg_hdr.msg_iovlen = 1;
			nout++;
		}
		for (int sent = 0; sent < nout;) {
			int k = sendmmsg(ofd, out + sent, nout - sent, 0);

			if (k <= 0) {
				t.send_errors += nout - sent;
				break;
			}
			sent += k;
			t.fwd += k;
		}
	}
	printf("{\"packets\": %" PRIu64 ", \"bad\": %" PRIu64
	       ", \"records\": %" PRIu64 ", \"samples\": %" PRIu64
	       ", \"forwarded\": %" PRIu64 ", \"send_errors\": %" PRIu64
	       ", \"kernel_drops\": %" PRIu64 ", \"cpu_s\": %.3f}\n",
	       t.pkts, t.bad, t.records, t.samples, t.fwd, t.send_errors,
	       t.kdrops, bench_cpu_s() - cpu0);
	close(fd);
	if (ofd >= 0)
		close(ofd);
	return 0;
}
