/*
 * sp_mackeys.c - MAC key table (see sp_mackeys.h).
 */
#include "sp_mackeys.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct key_entry {
	uint64_t sensor_id;
	uint8_t key[SP_SIPHASH_KEY_LEN];
};

struct sp_mackeys {
	size_t n;
	struct key_entry *e;
};

static int cmp_entry(const void *a, const void *b)
{
	const struct key_entry *x = a, *y = b;

	return x->sensor_id < y->sensor_id ? -1 : x->sensor_id > y->sensor_id;
}

static int parse_hex_key(const char *s, uint8_t key[SP_SIPHASH_KEY_LEN])
{
	for (int i = 0; i < SP_SIPHASH_KEY_LEN; i++) {
		unsigned int v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		key[i] = (uint8_t)v;
	}
	return s[2 * SP_SIPHASH_KEY_LEN] == '\0' ? 0 : -1;
}

static int parse_line(char *line, struct key_entry *e)
{
	char *hash = strchr(line, '#'), *id, *key, *rest, *end;

	if (hash)
		*hash = '\0';
	id = strtok_r(line, " \t\r\n", &rest);
	if (id == NULL)
		return 1;   /* blank */
	key = strtok_r(NULL, " \t\r\n", &rest);
	if (key == NULL || strtok_r(NULL, " \t\r\n", &rest) != NULL)
		return -1;
	errno = 0;
	e->sensor_id = strtoull(id, &end, 0);
	if (errno || *end || e->sensor_id == 0 || strlen(key) != 32)
		return -1;
	return parse_hex_key(key, e->key);
}

struct sp_mackeys *sp_mackeys_load(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	struct sp_mackeys *k;
	char line[256];
	int lineno = 0;

	if (f == NULL) {
		snprintf(err, errlen, "%s: cannot open: %s", path,
			 strerror(errno));
		return NULL;
	}
	k = calloc(1, sizeof(*k));
	if (k == NULL)
		goto nomem;
	while (fgets(line, sizeof(line), f)) {
		struct key_entry e;
		int rc;

		lineno++;
		rc = parse_line(line, &e);
		if (rc == 1)
			continue;
		if (rc < 0) {
			snprintf(err, errlen, "%s:%d: expected 'sensor_id "
				 "32-hex-digit-key'", path, lineno);
			goto fail;
		}
		if ((k->n & (k->n - 1)) == 0) {  /* grow at powers of two */
			void *ne = realloc(k->e, (k->n ? 2 * k->n : 16) *
					   sizeof(*k->e));
			if (ne == NULL)
				goto nomem;
			k->e = ne;
		}
		k->e[k->n++] = e;
	}
	fclose(f);
	qsort(k->e, k->n, sizeof(*k->e), cmp_entry);
	for (size_t i = 1; i < k->n; i++) {
		if (k->e[i].sensor_id == k->e[i - 1].sensor_id) {
			snprintf(err, errlen, "%s: sensor %" PRIu64
				 " has two keys", path, k->e[i].sensor_id);
			sp_mackeys_free(k);
			return NULL;
		}
	}
	return k;
nomem:
	snprintf(err, errlen, "%s: out of memory", path);
fail:
	fclose(f);
	sp_mackeys_free(k);
	return NULL;
}

void sp_mackeys_free(struct sp_mackeys *k)
{
	if (k == NULL)
		return;
	free(k->e);
	free(k);
}

size_t sp_mackeys_count(const struct sp_mackeys *k)
{
	return k ? k->n : 0;
}

const uint8_t *sp_mackeys_lookup(void *ctx, uint64_t sensor_id)
{
	const struct sp_mackeys *k = ctx;
	size_t lo = 0, hi;

	if (k == NULL)
		return NULL;
	hi = k->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (k->e[mid].sensor_id < sensor_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < k->n && k->e[lo].sensor_id == sensor_id ? k->e[lo].key
							    : NULL;
}
