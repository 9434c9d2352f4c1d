/*
 * rec_spec.h - which keys senseplane-record records: `--keys SPEC`.
 *
 * SPEC is `all` (every sensor, every attribute: the default) or
 * SENSORS[/ATTRS]: SENSORS is `all` or a comma list of ids and ranges
 * (`1-1000,2000`), ATTRS a comma list of catalogue names or ids
 * (`ecg,heartrate`); no ATTRS means every attribute. Pure: no I/O.
 */
#ifndef REC_SPEC_H
#define REC_SPEC_H

#include <stddef.h>
#include <stdint.h>

#include "sp_catalog.h"

#define REC_SPEC_MAX_RANGES 64
#define REC_SPEC_MAX_ATTRS 64

struct rec_spec {
	int all_sensors;
	unsigned int nranges;
	struct { uint64_t lo, hi; } range[REC_SPEC_MAX_RANGES];
	unsigned int nattrs;       /* 0: every attribute */
	uint16_t attr[REC_SPEC_MAX_ATTRS];
};

/**
 * Parse @p text into @p s; attribute names are looked up in @p cat.
 * @return 0, or -1 with @p err naming the part of @p text at fault.
 */
int rec_spec_parse(struct rec_spec *s, const char *text,
		   const struct sp_catalog *cat, char *err, size_t errlen);

/** 1 when sensor @p id is chosen. */
int rec_spec_sensor(const struct rec_spec *s, uint64_t id);

/** 1 when attribute @p attr is chosen. */
int rec_spec_attr(const struct rec_spec *s, uint16_t attr);

#endif /* REC_SPEC_H */
