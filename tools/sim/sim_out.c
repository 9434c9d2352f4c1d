/*
 * sim_out.c - UDP (sendmmsg) and pcap outputs of the simulator.
 */
#define _GNU_SOURCE
#include "sim_out.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "sp_bytes.h"

#define BATCH 64
#define SLOT 2048
#define FRAME_HDR 42   /* Ethernet 14 + IPv4 20 + UDP 8 */

struct sim_out {
	int fd;
	pcap_t *pcap;
	pcap_dumper_t *dump;
	struct sim_out_params p;
	unsigned int n;
	uint64_t errors;
	uint16_t ip_id;
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	uint8_t bufs[BATCH][SLOT];
};

struct sim_out *sim_out_open(const struct sim_out_params *p)
{
	struct sim_out *o = calloc(1, sizeof(*o));
	int sndbuf = 8 << 20;

	if (o == NULL)
		return NULL;
	o->p = *p;
	o->fd = -1;
	if (p->pcap_path) {
		o->pcap = pcap_open_dead(DLT_EN10MB, 65535);
		o->dump = o->pcap ? pcap_dump_open(o->pcap, p->pcap_path) : NULL;
		if (o->dump == NULL) {
			fprintf(stderr, "senseplane-sim: %s: %s\n", p->pcap_path,
				o->pcap ? pcap_geterr(o->pcap) : "pcap failed");
			sim_out_close(o);
			return NULL;
		}
		return o;
	}
	o->fd = socket(p->v6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
	if (o->fd < 0) {
		perror("senseplane-sim: socket");
		free(o);
		return NULL;
	}
	setsockopt(o->fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	if (p->bind && bind(o->fd, (const struct sockaddr *)&p->src,
			    sizeof(p->src)) < 0) {
		perror("senseplane-sim: bind to --src");
		sim_out_close(o);
		return NULL;
	}
	if (p->v6 ? connect(o->fd, (const struct sockaddr *)&p->dst6,
			    sizeof(p->dst6)) < 0 :
		    connect(o->fd, (const struct sockaddr *)&p->dst,
			    sizeof(p->dst)) < 0) {
		perror("senseplane-sim: connect");
		sim_out_close(o);
		return NULL;
	}
	return o;
}

static uint16_t ip_cksum(const uint8_t *h)
{
	uint32_t s = 0;

	for (int i = 0; i < 20; i += 2)
		s += sp_get16(h + i);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void write_frame(struct sim_out *o, const uint8_t *buf, size_t len,
			uint64_t t_ns)
{
	uint8_t f[FRAME_HDR + SLOT];
	struct pcap_pkthdr h;
	uint8_t *ip = f + 14, *udp = f + 34;

	memcpy(f, o->p.dst_mac, 6);
	memcpy(f + 6, o->p.src_mac, 6);
	sp_put16(f + 12, 0x0800);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	sp_put16(ip + 2, (uint16_t)(20 + 8 + len));
	sp_put16(ip + 4, o->ip_id++);
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, &o->p.src.sin_addr, 4);
	memcpy(ip + 16, &o->p.dst.sin_addr, 4);
	sp_put16(ip + 10, ip_cksum(ip));
	memcpy(udp, &o->p.src.sin_port, 2);
	if (o->p.src_ports > 1 && len >= 16)
		sp_put16(udp, (uint16_t)(ntohs(o->p.src.sin_port) +
					 sp_get64(buf + 8) % o->p.src_ports));
	memcpy(udp + 2, &o->p.dst.sin_port, 2);
	sp_put16(udp + 4, (uint16_t)(8 + len));
	sp_put16(udp + 6, 0);
	memcpy(f + FRAME_HDR, buf, len);
	h.ts.tv_sec = (time_t)(t_ns / 1000000000ull);
	h.ts.tv_usec = (suseconds_t)(t_ns % 1000000000ull / 1000);
	h.caplen = h.len = (bpf_u_int32)(FRAME_HDR + len);
	pcap_dump((u_char *)o->dump, &h, f);
}

int sim_out_add(struct sim_out *o, const uint8_t *buf, size_t len,
		uint64_t t_ns)
{
	if (len > SLOT)
		return -1;
	if (o->dump) {
		write_frame(o, buf, len, t_ns);
		return 0;
	}
	memcpy(o->bufs[o->n], buf, len);
	o->iov[o->n].iov_base = o->bufs[o->n];
	o->iov[o->n].iov_len = len;
	memset(&o->msgs[o->n].msg_hdr, 0, sizeof(o->msgs[o->n].msg_hdr));
	o->msgs[o->n].msg_hdr.msg_iov = &o->iov[o->n];
	o->msgs[o->n].msg_hdr.msg_iovlen = 1;
	if (++o->n == BATCH)
		return sim_out_flush(o);
	return 0;
}

int sim_out_flush(struct sim_out *o)
{
	unsigned int done = 0;
	int tries = 0;

	if (o->dump) {
		pcap_dump_flush(o->dump);
		return 0;
	}
	while (done < o->n) {
		int r = sendmmsg(o->fd, o->msgs + done, o->n - done, 0);

		if (r > 0) {
			done += (unsigned int)r;
			tries = 0;
			continue;
		}
		/* A full socket buffer or a refused datagram (no listener
		 * yet, ICMP unreachable) is retried briefly, then counted. */
		if (++tries > 100 || (errno != EAGAIN && errno != ENOBUFS &&
				      errno != ECONNREFUSED && errno != EINTR)) {
			o->errors++;
			done++;
			tries = 0;
			continue;
		}
		usleep(100);
	}
	o->n = 0;
	return 0;
}

size_t sim_out_recv(struct sim_out *o, uint8_t *buf, size_t cap)
{
	ssize_t r;

	if (o->fd < 0)
		return 0;
	r = recv(o->fd, buf, cap, MSG_DONTWAIT);
	return r > 0 ? (size_t)r : 0;
}

uint64_t sim_out_errors(const struct sim_out *o)
{
	return o->errors;
}

void sim_out_close(struct sim_out *o)
{
	if (o == NULL)
		return;
	sim_out_flush(o);
	if (o->dump)
		pcap_dump_close(o->dump);
	if (o->pcap)
		pcap_close(o->pcap);
	if (o->fd >= 0)
		close(o->fd);
	free(o);
}
