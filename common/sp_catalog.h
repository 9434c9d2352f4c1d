/*
 * sp_catalog.h - the attribute catalogue (config/attributes.conf): what each
 * 16-bit attr_id on the wire means, how its samples are shaped and
 * delivered, and how much history the dataplane keeps of it.
 */
#ifndef SP_CATALOG_H
#define SP_CATALOG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SP_CAT_MAX      255 /* index[] holds position + 1 in a byte */
#define SP_CAT_NAME_LEN 32

/** Delivery mode: conflate to the newest sample, or keep every sample. */
enum sp_mode {
	SP_MODE_LATEST = 0,
	SP_MODE_ALL = 1,
};

struct sp_attr {
	uint32_t id;            /* wire attr_id, 1..65535 */
	char name[SP_CAT_NAME_LEN];
	char unit[16];
	uint32_t vtype;         /* enum sp_vtype */
	uint32_t dim;           /* values per sample */
	uint32_t mode;          /* enum sp_mode */
	uint32_t depth;         /* history samples kept at least, power of 2 */
	double rate;            /* typical samples per second */
	uint32_t batch;         /* typical samples per record */
};

struct sp_catalog {
	unsigned int n;
	struct sp_attr attrs[SP_CAT_MAX];
	uint8_t index[65536];   /* attr_id -> position + 1, 0 = unknown */
};

/**
 * Load the catalogue from @p path into @p cat (zeroed first).
 * @return 0, or -1 with @p err naming the file, line, section and key.
 */
int sp_catalog_load(struct sp_catalog *cat, const char *path, char *err,
		    size_t errlen);

/** The same from an open file (@p path names it in errors). */
int sp_catalog_read(struct sp_catalog *cat, FILE *f, const char *path,
		    char *err, size_t errlen);

/**
 * The same into a catalogue of its own (it is large: keep it off stacks).
 * @return it, or NULL with @p err set (the file's error, or no memory).
 */
struct sp_catalog *sp_catalog_open(const char *path, char *err,
				   size_t errlen);
/** Free a catalogue from sp_catalog_open(); NULL is a no-op. */
void sp_catalog_free(struct sp_catalog *cat);

/** The attribute of wire id @p id, or NULL. */
static inline const struct sp_attr *
sp_catalog_get(const struct sp_catalog *cat, uint16_t id)
{
	unsigned int i = cat->index[id];

	return i ? &cat->attrs[i - 1] : NULL;
}

/** The attribute called @p name, or NULL. */
const struct sp_attr *sp_catalog_find(const struct sp_catalog *cat,
				      const char *name);

/** Bytes of one sample (dim values) of @p a. */
unsigned int sp_attr_sample_size(const struct sp_attr *a);

#endif /* SP_CATALOG_H */
