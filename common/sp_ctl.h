/*
 * sp_ctl.h - client of the dataplane's control protocol (common/CONTROL.md):
 * one request line, one JSON response line, over a UNIX stream socket.
 * Used by the senseplane CLI and the control-plane daemon.
 */
#ifndef SP_CTL_H
#define SP_CTL_H

#include <stddef.h>

#include <jansson.h>

struct sp_ctl;

/**
 * Connect to the control socket at @p path.
 * @return the connection, or NULL with @p err naming the path and why.
 */
struct sp_ctl *sp_ctl_open(const char *path, char *err, size_t errlen);

/** Close; NULL is a no-op. */
void sp_ctl_close(struct sp_ctl *c);

/**
 * Send one request (printf-style, no newline) and read the response.
 * @return the response object (the caller json_decref()s it), or NULL with
 * @p err set (connection lost, timeout, not JSON). A response with
 * "ok": false is returned as it is; sp_ctl_error() gives its message.
 */
json_t *sp_ctl_call(struct sp_ctl *c, char *err, size_t errlen,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/** The "error" of a failed response, or NULL when it succeeded. */
const char *sp_ctl_error(const json_t *resp);

#endif /* SP_CTL_H */
