/*
 * rec_spec.c - the key spec of senseplane-record (see rec_spec.h).
 */
#include "rec_spec.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_args.h"

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* One comma item of SENSORS: N or N-M, N >= 1. */
static int parse_range(struct rec_spec *s, char *item, const char *text,
		       char *err, size_t errlen)
{
	char *dash = strchr(item, '-');
	uint64_t lo, hi = 0;

	if (dash)
		*dash = '\0';
	if (sp_args_u64(item, &lo) < 0 || lo == 0 ||
	    (dash && sp_args_u64(dash + 1, &hi) < 0))
		return fail(err, errlen, "--keys '%s': '%s%s%s' is not a "
			    "sensor id or range N-M (ids from 1)", text, item,
			    dash ? "-" : "", dash ? dash + 1 : "");
	if (!dash)
		hi = lo;
	if (hi < lo)
		return fail(err, errlen, "--keys '%s': range %llu-%llu runs "
			    "backwards", text, (unsigned long long)lo,
			    (unsigned long long)hi);
	if (s->nranges == REC_SPEC_MAX_RANGES)
		return fail(err, errlen, "--keys '%s': more than %d sensor "
			    "ranges", text, REC_SPEC_MAX_RANGES);
	s->range[s->nranges].lo = lo;
	s->range[s->nranges].hi = hi;
	s->nranges++;
	return 0;
}

static int parse_attr(struct rec_spec *s, const char *item,
		      const struct sp_catalog *cat, const char *text,
		      char *err, size_t errlen)
{
	const struct sp_attr *a = sp_catalog_find(cat, item);
	uint64_t id;

	if (a == NULL && sp_args_u64(item, &id) == 0 && id > 0 &&
	    id <= 65535)
		a = sp_catalog_get(cat, (uint16_t)id);
	if (a == NULL)
		return fail(err, errlen, "--keys '%s': attribute '%s' is not "
			    "in the catalogue", text, item);
	if (s->nattrs == REC_SPEC_MAX_ATTRS)
		return fail(err, errlen, "--keys '%s': more than %d "
			    "attributes", text, REC_SPEC_MAX_ATTRS);
	s->attr[s->nattrs++] = (uint16_t)a->id;
	return 0;
}

int rec_spec_parse(struct rec_spec *s, const char *text,
		   const struct sp_catalog *cat, char *err, size_t errlen)
{
	char buf[1024], *slash, *item, *save = NULL;

	memset(s, 0, sizeof(*s));
	if (text == NULL || text[0] == '\0')
		return fail(err, errlen, "--keys: empty (expected all or "
			    "SENSORS[/ATTRS])");
	if (strlen(text) >= sizeof(buf))
		return fail(err, errlen, "--keys: longer than %zu characters",
			    sizeof(buf) - 1);
	strcpy(buf, text);
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	if (strcmp(buf, "all") == 0) {
		s->all_sensors = 1;
	} else {
		for (item = strtok_r(buf, ",", &save); item;
		     item = strtok_r(NULL, ",", &save))
			if (parse_range(s, item, text, err, errlen) < 0)
				return -1;
		if (s->nranges == 0)
			return fail(err, errlen, "--keys '%s': no sensors",
				    text);
	}
	if (slash == NULL)
		return 0;
	save = NULL;
	for (item = strtok_r(slash + 1, ",", &save); item;
	     item = strtok_r(NULL, ",", &save))
		if (parse_attr(s, item, cat, text, err, errlen) < 0)
			return -1;
	if (s->nattrs == 0)
		return fail(err, errlen, "--keys '%s': nothing after '/' "
			    "(expected attribute names)", text);
	return 0;
}

int rec_spec_sensor(const struct rec_spec *s, uint64_t id)
{
	if (s->all_sensors)
		return id != 0;
	for (unsigned int i = 0; i < s->nranges; i++)
		if (id >= s->range[i].lo && id <= s->range[i].hi)
			return 1;
	return 0;
}

int rec_spec_attr(const struct rec_spec *s, uint16_t attr)
{
	if (s->nattrs == 0)
		return 1;
	for (unsigned int i = 0; i < s->nattrs; i++)
		if (s->attr[i] == attr)
			return 1;
	return 0;
}
