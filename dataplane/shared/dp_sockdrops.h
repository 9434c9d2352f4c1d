/*
 * dp_sockdrops.h - packets the kernel dropped before a worker saw them, on
 * the packet sockets of an af_packet port.
 *
 * Why: DPDK 22.11's af_packet driver reports no imissed, so a load the
 * workers could not take (a full TPACKET ring) was lost without a trace:
 * the simulator counted it sent, the dataplane never saw it. The kernel
 * counts those drops per socket (PACKET_STATISTICS); this module reads
 * them for the control thread. The counters clear on every read, so the
 * module keeps the sum and must be the only reader (the driver is not).
 */
#ifndef DP_SOCKDROPS_H
#define DP_SOCKDROPS_H

#include <stdint.h>

struct dp_sockdrops {
	uint64_t drops;     /* packets the kernel dropped, since start */
	uint64_t packets;   /* packets that reached the rings, dropped
			     * included (as PACKET_STATISTICS counts) */
	uint32_t sockets;   /* packet sockets found at the last read */
};

/**
 * Add what this process's packet sockets counted since the last call to
 * @p d (control thread only). Scans /proc/self/fd; a process without
 * packet sockets (net_pcap, net_null, a NIC) leaves @p d at 0.
 * @return 0, or -errno when /proc/self/fd cannot be read.
 */
int dp_sockdrops_read(struct dp_sockdrops *d);

#endif /* DP_SOCKDROPS_H */
