/*
 * sp_token.h - the node API's shared secret: read from a file (never from
 * a command line, never printed), checked in constant time. The daemon
 * (controlplane.api_token_file) and the CLI (--token-file,
 * SENSEPLANE_TOKEN_FILE) read the same file.
 */
#ifndef SP_TOKEN_H
#define SP_TOKEN_H

#include <stddef.h>

#define SP_TOKEN_MIN 16
#define SP_TOKEN_MAX 128

/**
 * Read the token in @p path: its first line, 16 to 128 printable
 * characters without spaces. The file must not be readable by others
 * (mode o-rwx), as ssh insists for its keys.
 * @return 0, or -1 with @p err naming the file and what is wrong (never
 * the token).
 */
int sp_token_load(const char *path, char tok[SP_TOKEN_MAX + 1], char *err,
		  size_t errlen);

/** 1 when @p given equals @p tok; the time taken does not depend on
 * where they differ. */
int sp_token_equal(const char *tok, const char *given);

#endif /* SP_TOKEN_H */
