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
	unsigned int n;         /* 1, or 2 during a rotation */
	uint8_t key[SP_MAX_SENSOR_KEYS][SP_SIPHASH_KEY_LEN];
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

/* "id key [key]": @return 0, 1 for a blank line, -1 malformed. */
static int parse_line(char *line, struct key_entry *e)
{
	char *hash = strchr(line, '#'), *id, *key, *rest, *end;

	if (hash)
		*hash = '\0';
	id = strtok_r(line, " \t\r\n", &rest);
	if (id == NULL)
		return 1;   /* blank */
	errno = 0;
	e->sensor_id = strtoull(id, &end, 0);
	if (errno || *end || e->sensor_id == 0 || id[0] == '-')
		return -1;
	for (e->n = 0; (key = strtok_r(NULL, " \t\r\n", &rest)); e->n++) {
		if (e->n == SP_MAX_SENSOR_KEYS || strlen(key) != 32 ||
		    parse_hex_key(key, e->key[e->n]) < 0)
			return -1;
	}
	return e->n ? 0 : -1;
}

struct sp_mackeys *sp_mackeys_load(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	struct sp_mackeys *k;

	if (f == NULL) {
		snprintf(err, errlen, "%s: cannot open: %s", path,
			 strerror(errno));
		return NULL;
	}
	k = sp_mackeys_read(f, path, err, errlen);
	fclose(f);
	return k;
}

struct sp_mackeys *sp_mackeys_read(FILE *f, const char *path, char *err,
				   size_t errlen)
{
	struct sp_mackeys *k;
	char line[256];
	int lineno = 0;

	k = calloc(1, sizeof(*k));
	if (k == NULL)
		goto nomem;
	while (fgets(line, sizeof(line), f)) {
		struct key_entry e;
		int rc;

		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			snprintf(err, errlen, "%s:%d: longer than %zu "
				 "characters", path, lineno, sizeof(line) - 2);
			goto fail;
		}
		rc = parse_line(line, &e);
		if (rc == 1)
			continue;
		if (rc < 0) {
			snprintf(err, errlen, "%s:%d: expected 'sensor_id "
				 "key [second-key]', keys of 32 hex digits",
				 path, lineno);
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
	if (k->n)   /* an empty file has no array to sort (found by UBSan) */
		qsort(k->e, k->n, sizeof(*k->e), cmp_entry);
	for (size_t i = 1; i < k->n; i++) {
		if (k->e[i].sensor_id == k->e[i - 1].sensor_id) {
			snprintf(err, errlen, "%s: sensor %" PRIu64
				 " is on two lines (a rotation lists both "
				 "keys on one)", path, k->e[i].sensor_id);
			sp_mackeys_free(k);
			return NULL;
		}
	}
	return k;
nomem:
	snprintf(err, errlen, "%s: out of memory", path);
fail:
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

unsigned int sp_mackeys_lookup(void *ctx, uint64_t sensor_id,
			       const uint8_t *keys[SP_MAX_SENSOR_KEYS])
{
	const struct sp_mackeys *k = ctx;
	const struct key_entry *e;
	size_t lo = 0, hi;

	if (k == NULL)
		return 0;
	hi = k->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (k->e[mid].sensor_id < sensor_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == k->n || k->e[lo].sensor_id != sensor_id)
		return 0;
	e = &k->e[lo];
	for (unsigned int i = 0; i < e->n; i++)
		keys[i] = e->key[i];
	return e->n;
}

const uint8_t *sp_mackeys_key(const struct sp_mackeys *k, uint64_t sensor_id)
{
	const uint8_t *keys[SP_MAX_SENSOR_KEYS];

	return sp_mackeys_lookup((void *)(uintptr_t)k, sensor_id, keys) ?
	       keys[0] : NULL;
}
