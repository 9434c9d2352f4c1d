/*
 * sp_log.c - log lines with journald's levels (see sp_log.h).
 */
#include "sp_log.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int sp_log_is_journal(FILE *f)
{
	/* stdout and stderr are all that services log to: cache those */
	static int cached[3] = { -1, -1, -1 };
	int fd = fileno(f), *c = fd >= 1 && fd <= 2 ? &cached[fd] : NULL;
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	int is;

	if (c && *c >= 0)
		return *c;
	is = js && sscanf(js, "%llu:%llu", &dev, &ino) == 2 &&
	     fstat(fd, &st) == 0 && (unsigned long long)st.st_dev == dev &&
	     (unsigned long long)st.st_ino == ino;
	if (c)
		*c = is;
	return is;
}

const char *sp_log_prefix(FILE *f, int prio)
{
	static const char *const p[8] = { "<0>", "<1>", "<2>", "<3>", "<4>",
					  "<5>", "<6>", "<7>" };

	return sp_log_is_journal(f) ? p[prio & 7] : "";
}

void sp_logf(FILE *f, int prio, const char *fmt, ...)
{
	va_list ap;

	fputs(sp_log_prefix(f, prio), f);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fflush(f);
}
