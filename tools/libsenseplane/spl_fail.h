/*
 * spl_fail.h - how every part of libsenseplane reports an error on a
 * handle: the message kept for senseplane_errmsg(), the errno-style code
 * returned negated. Its own module so that the parts (spl_attn.c, the
 * handle's own file) do not call one another for it.
 */
#ifndef SPL_FAIL_H
#define SPL_FAIL_H

struct senseplane;

/** Record an error on @p v (printf-style). @return -@p code. */
int spl_fail(struct senseplane *v, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* SPL_FAIL_H */
