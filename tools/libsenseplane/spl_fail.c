/*
 * spl_fail.c - an error on a libsenseplane handle (see spl_fail.h).
 */
#include "spl_fail.h"

#include <stdarg.h>
#include <stdio.h>

#include "spl_core.h"

int spl_fail(struct senseplane *v, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v->err, sizeof(v->err), fmt, ap);
	va_end(ap);
	return -code;
}
