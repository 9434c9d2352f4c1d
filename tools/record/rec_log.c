/*
 * rec_log.c - senseplane-record's lines on stderr (see rec_log.h).
 */
#include "rec_log.h"

#include <stdarg.h>
#include <stdio.h>

void rec_say(const char *fmt, ...)
{
	va_list ap;

	fputs("senseplane-record: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
