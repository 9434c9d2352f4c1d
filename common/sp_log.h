/*
 * sp_log.h - log lines with levels that journald understands: under
 * systemd, when a stream is the journal (JOURNAL_STREAM names its device
 * and inode), each line starts with "<N>", N the syslog priority
 * (sd-daemon(3)), so `journalctl -p warning` shows what it should; on a
 * terminal or in a file the lines are as they always were.
 */
#ifndef SP_LOG_H
#define SP_LOG_H

#include <stdio.h>
#include <syslog.h>

/** 1 when @p f is the journal (checked once per stream and cached). */
int sp_log_is_journal(FILE *f);

/** A line to @p f at syslog priority @p prio (LOG_ERR, LOG_WARNING,
 * LOG_NOTICE, LOG_INFO, LOG_DEBUG); @p fmt ends with '\n' as before. */
void sp_logf(FILE *f, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/** The "<N>" prefix for @p prio on @p f, or "" (for code that formats
 * a line itself). */
const char *sp_log_prefix(FILE *f, int prio);

#endif /* SP_LOG_H */
