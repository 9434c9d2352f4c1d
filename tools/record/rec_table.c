/*
 * rec_table.c - keys, watermarks and the watermark file (see rec_table.h).
 */
#include "rec_table.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sp_array.h"

#define FILE_HEAD "# senseplane-record watermarks v1"

static uint32_t mix(uint64_t sensor, uint16_t attr)
{
	uint64_t x = sensor * 0x9e3779b97f4a7c15ull ^ attr;

	x ^= x >> 29;
	x *= 0xbf58476d1ce4e5b9ull;
	return (uint32_t)(x ^ (x >> 32));
}

int rec_table_init(struct rec_table *t)
{
	memset(t, 0, sizeof(*t));
	t->idx_cap = 1024;
	t->idx = calloc(t->idx_cap, sizeof(*t->idx));
	return t->idx ? 0 : -ENOMEM;
}

void rec_table_free(struct rec_table *t)
{
	free(t->keys);
	free(t->idx);
	memset(t, 0, sizeof(*t));
}

static uint32_t *slot(const struct rec_table *t, uint64_t sensor,
		      uint16_t attr)
{
	uint32_t m = t->idx_cap - 1, i = mix(sensor, attr) & m;

	for (;; i = (i + 1) & m) {
		uint32_t v = t->idx[i];

		if (v == 0 || (t->keys[v - 1].sensor == sensor &&
			       t->keys[v - 1].attr == attr))
			return &t->idx[i];
	}
}

struct rec_key *rec_table_find(const struct rec_table *t, uint64_t sensor,
			       uint16_t attr)
{
	uint32_t v = *slot(t, sensor, attr);

	return v ? &t->keys[v - 1] : NULL;
}

/* Double the index when half full (keeps probes short). */
static int grow_index(struct rec_table *t)
{
	uint32_t *old = t->idx, oc = t->idx_cap;

	t->idx = calloc((size_t)oc * 2, sizeof(*t->idx));
	if (t->idx == NULL) {
		t->idx = old;
		return -ENOMEM;
	}
	t->idx_cap = oc * 2;
	for (uint32_t i = 0; i < t->n; i++)
		*slot(t, t->keys[i].sensor, t->keys[i].attr) = i + 1;
	free(old);
	return 0;
}

struct rec_key *rec_table_get(struct rec_table *t, uint64_t sensor,
			      uint16_t attr)
{
	uint32_t *s = slot(t, sensor, attr);
	struct rec_key *k;

	if (*s)
		return &t->keys[*s - 1];
	if (t->n == t->cap) {
		struct rec_key *nk = sp_array_grow(t->keys, &t->cap, t->n + 1,
						   sizeof(*nk), 1024);

		if (nk == NULL)
			return NULL;
		t->keys = nk;
	}
	if ((t->n + 1) * 2 > t->idx_cap) {
		if (grow_index(t) < 0)
			return NULL;
	}
	s = slot(t, sensor, attr);
	k = &t->keys[t->n];
	memset(k, 0, sizeof(*k));
	k->sensor = sensor;
	k->attr = attr;
	*s = ++t->n;
	return k;
}

uint64_t rec_version64(uint64_t near, uint32_t v32)
{
	int64_t d = (int32_t)(v32 - (uint32_t)near);

	if (d < 0 && (uint64_t)-d > near)
		return v32;          /* before the start: take it as it is */
	return near + (uint64_t)d;
}

int rec_table_save(struct rec_table *t, const char *path, char *err,
		   size_t errlen)
{
	char tmp[4096];
	FILE *f;
	int ok;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	f = fopen(tmp, "w");
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	fprintf(f, "%s\nsession %016" PRIx64 "\n", FILE_HEAD, t->session);
	fprintf(f, "# sensor attr acked_version acked_t_ns lost\n");
	for (uint32_t i = 0; i < t->n; i++) {
		const struct rec_key *k = &t->keys[i];

		if (k->known || k->acked)
			fprintf(f, "%" PRIu64 " %u %" PRIu64 " %" PRIu64
				" %" PRIu64 "\n", k->sensor, k->attr,
				k->acked, k->acked_t_ns, k->lost);
	}
	ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
	ok = (fclose(f) == 0) && ok;
	if (!ok || rename(tmp, path) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	t->dirty = 0;
	return 0;
}

int rec_table_load(struct rec_table *t, const char *path, char *err,
		   size_t errlen)
{
	char line[256];
	FILE *f = fopen(path, "r");
	unsigned int ln = 0;

	if (f == NULL) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		uint64_t sensor, acked, t_ns, lost;
		unsigned int attr;
		struct rec_key *k;
		char tail;

		ln++;
		if (ln == 1 && strncmp(line, FILE_HEAD, strlen(FILE_HEAD))) {
			snprintf(err, errlen, "%s:1: not a watermark file "
				 "(expected '%s')", path, FILE_HEAD);
			goto bad;
		}
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "session %" SCNx64 " %c", &t->session,
			   &tail) == 1)
			continue;
		if (sscanf(line, "%" SCNu64 " %u %" SCNu64 " %" SCNu64 " %"
			   SCNu64 " %c", &sensor, &attr, &acked, &t_ns, &lost,
			   &tail) != 5 || sensor == 0 || attr == 0 ||
		    attr > 65535) {
			snprintf(err, errlen, "%s:%u: expected 'SENSOR ATTR "
				 "VERSION T_NS LOST'", path, ln);
			goto bad;
		}
		k = rec_table_get(t, sensor, (uint16_t)attr);
		if (k == NULL) {
			snprintf(err, errlen, "%s:%u: out of memory", path,
				 ln);
			goto bad;
		}
		k->known = 1;
		k->acked = k->queued = acked;
		k->acked_t_ns = k->queued_t_ns = t_ns;
		k->lost = lost;
	}
	fclose(f);
	return 0;
bad:
	fclose(f);
	return -1;
}

int rec_table_session(struct rec_table *t, uint64_t session)
{
	int had = t->session != 0;

	if (t->session == session)
		return 0;
	t->session = session;
	t->dirty = 1;
	if (!had)
		return 0;
	for (uint32_t i = 0; i < t->n; i++) {
		struct rec_key *k = &t->keys[i];

		k->acked = k->queued = 0;
		k->catchup = 0;
	}
	return 1;
}
