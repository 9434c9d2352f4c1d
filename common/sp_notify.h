/*
 * sp_notify.h - systemd's service notification (sd_notify, libsystemd):
 * READY when the service is up, STATUS lines, the watchdog's keep-alive,
 * STOPPING at shutdown. Each call is a no-op outside systemd (no
 * NOTIFY_SOCKET), so the programs run the same by hand.
 */
#ifndef SP_NOTIFY_H
#define SP_NOTIFY_H

#include <stdint.h>

/** READY=1 with a STATUS line. */
void sp_notify_ready(const char *status);

/** STATUS=... (printf format). */
void sp_notify_status(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/** The watchdog's interval in microseconds (WatchdogSec=), 0 for none:
 * ping at least every half of it. */
uint64_t sp_notify_watchdog_usec(void);

/** WATCHDOG=1: the service is alive. */
void sp_notify_watchdog(void);

/** STOPPING=1. */
void sp_notify_stopping(void);

#endif /* SP_NOTIFY_H */
