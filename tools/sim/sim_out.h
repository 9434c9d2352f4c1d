/*
 * sim_out.h - where simulated sensor packets go: a kernel UDP socket, sent
 * in batches with sendmmsg, or a pcap file of whole Ethernet frames for the
 * dataplane's net_pcap benchmarks and tests.
 */
#ifndef SIM_OUT_H
#define SIM_OUT_H

#include <stddef.h>
#include <stdint.h>

#include <netinet/in.h>

struct sim_out;

struct sim_out_params {
	const char *pcap_path;     /* NULL: send over UDP */
	struct sockaddr_in dst;    /* the dataplane's address and port */
	struct sockaddr_in6 dst6;  /* ... when v6: over IPv6 (UDP only) */
	int v6;
	struct sockaddr_in src;    /* pcap frames: source address and port */
	int bind;                  /* UDP: send from src */
	uint32_t src_ports;        /* pcap: sensor i's frames come from port
				    * src + (i % src_ports), as if each
				    * sensor were its own flow (0, 1: one) */
	uint8_t src_mac[6], dst_mac[6];
};

/** @return the output, or NULL with a message printed. */
struct sim_out *sim_out_open(const struct sim_out_params *p);

/** Queue one datagram; @p t_ns stamps pcap records. @return 0 or -1. */
int sim_out_add(struct sim_out *o, const uint8_t *buf, size_t len,
		uint64_t t_ns);

/** Send or write everything queued. @return 0 or -1. */
int sim_out_flush(struct sim_out *o);

/**
 * A datagram the dataplane sent back (attention hints), without waiting.
 * @return its length, or 0 when there is none (or a pcap output).
 */
size_t sim_out_recv(struct sim_out *o, uint8_t *buf, size_t cap);

/** Datagrams the kernel refused (after retries). */
uint64_t sim_out_errors(const struct sim_out *o);

/** Flush and close; NULL is a no-op. */
void sim_out_close(struct sim_out *o);

#endif /* SIM_OUT_H */
