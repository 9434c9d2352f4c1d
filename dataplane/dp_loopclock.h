/*
 * dp_loopclock.h - benchmarks only: the sensors' clocks of a capture that
 * net_pcap replays in a loop (infinite_rx) moved on as a sensor's clock
 * moves. A capture of one period, every stream once, replayed as it is
 * repeats each key's times on every pass, so every history push would
 * take the explicit-time path, which a real sensor's advancing clock
 * never does: an RX callback adds pass * period to every record's t0.
 */
#ifndef DP_LOOPCLOCK_H
#define DP_LOOPCLOCK_H

#include <stddef.h>
#include <stdint.h>

/**
 * On every RX queue of @p port_id (@p nqueues of them), a capture of
 * @p pkts packets that covers @p period_us: the records' t0 of pass p
 * (counted from 0) are moved on by p * period_us. Sensor packets without
 * a MAC trailer only (a signed one would no longer verify).
 * @return 0, or -errno with @p err filled in.
 */
int dp_loopclock_install(uint16_t port_id, uint16_t nqueues, uint32_t pkts,
			 uint32_t period_us, uint16_t sensor_port, char *err,
			 size_t errlen);

#endif /* DP_LOOPCLOCK_H */
