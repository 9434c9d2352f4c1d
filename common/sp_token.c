/*
 * sp_token.c - the node API token (see sp_token.h).
 */
#include "sp_token.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int sp_token_load(const char *path, char tok[SP_TOKEN_MAX + 1], char *err,
		  size_t errlen)
{
	char line[SP_TOKEN_MAX + 3];
	struct stat st;
	size_t n;
	FILE *f;

	tok[0] = '\0';
	f = fopen(path, "r");
	if (f == NULL) {
		snprintf(err, errlen, "token file %s: %s", path,
			 strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) == 0 && (st.st_mode & 0007)) {
		fclose(f);
		snprintf(err, errlen, "token file %s: readable by others "
			 "(mode %03o): chmod o-rwx it", path,
			 (unsigned int)(st.st_mode & 0777));
		return -1;
	}
	if (fgets(line, sizeof(line), f) == NULL)
		line[0] = '\0';
	fclose(f);
	n = strcspn(line, "\r\n");
	line[n] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (line[i] <= ' ' || line[i] > '~') {
			snprintf(err, errlen, "token file %s: the token has a "
				 "space or a character that is not printable "
				 "ASCII", path);
			return -1;
		}
	}
	if (n < SP_TOKEN_MIN || n > SP_TOKEN_MAX) {
		snprintf(err, errlen, "token file %s: the token must be %d to "
			 "%d characters on the first line", path, SP_TOKEN_MIN,
			 SP_TOKEN_MAX);
		return -1;
	}
	memcpy(tok, line, n + 1);
	return 0;
}

int sp_token_equal(const char *tok, const char *given)
{
	size_t lt = strlen(tok), lg = strnlen(given, SP_TOKEN_MAX + 1);
	unsigned char diff = (unsigned char)(lt != lg);

	/* every byte of the expected token is compared, whatever the
	 * given one's length */
	for (size_t i = 0; i < lt; i++)
		diff |= (unsigned char)(tok[i] ^ (i < lg ? given[i] : 0));
	return diff == 0;
}
