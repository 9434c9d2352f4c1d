/*
 * sp_notify.c - sd_notify wrappers (see sp_notify.h).
 */
#include "sp_notify.h"

#include <stdarg.h>
#include <stdio.h>

#include <systemd/sd-daemon.h>

void sp_notify_ready(const char *status)
{
	sd_notifyf(0, "READY=1\nSTATUS=%s", status);
}

void sp_notify_status(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	sd_notifyf(0, "STATUS=%s", buf);
}

uint64_t sp_notify_watchdog_usec(void)
{
	uint64_t usec = 0;

	return sd_watchdog_enabled(0, &usec) > 0 ? usec : 0;
}

void sp_notify_watchdog(void)
{
	sd_notify(0, "WATCHDOG=1");
}

void sp_notify_stopping(void)
{
	sd_notify(0, "STOPPING=1");
}
