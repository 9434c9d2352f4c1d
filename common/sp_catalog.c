/*
 * sp_catalog.c - loads the attribute catalogue through the sp_ini table.
 * Each INI section is one attribute, named by the section.
 */
#include "sp_catalog.h"

#include <errno.h>
#include <ini.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sp_ini.h"
#include "sp_wire.h"

static const char *const vtype_names[] = { "(invalid)", "f32", "f64", "i32",
					   "i64", NULL };
static const char *const mode_names[] = { "latest", "all", NULL };

#define A(nm, ty, field, lo, hi, dflt, names, hlp) \
	{ NULL, nm, ty, offsetof(struct sp_attr, field), \
	  sizeof(((struct sp_attr *)0)->field), lo, hi, dflt, names, false, hlp }

static const struct sp_ini_key keys[] = {
	A("id", SP_INI_UINT, id, 1, 65535, NULL, NULL, "wire attr_id"),
	A("unit", SP_INI_STR, unit, 0, 0, "", NULL, "unit of the values"),
	A("vtype", SP_INI_ENUM, vtype, 0, 0, NULL, vtype_names,
	  "value type: f32, f64, i32, i64"),
	A("dim", SP_INI_UINT, dim, 1, SP_MAX_DIM, NULL, NULL,
	  "values per sample"),
	A("mode", SP_INI_ENUM, mode, 0, 0, NULL, mode_names,
	  "delivery: latest (conflate) or all (every sample)"),
	A("depth", SP_INI_POW2, depth, 1, 1 << 20, NULL, NULL,
	  "history samples kept at least"),
	A("rate", SP_INI_DOUBLE, rate, 0.001, 100000, NULL, NULL,
	  "typical samples per second"),
	A("batch", SP_INI_UINT, batch, 1, SP_MAX_NSAMP, "1", NULL,
	  "typical samples per record"),
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

struct load_ctx {
	struct sp_catalog *cat;
	struct sp_attr *cur;
	uint32_t seen;          /* bit per key of the current section */
	char err[256];
	int failed;
	const char *path;
};

static int fail(struct load_ctx *c, const char *fmt, const char *a,
		const char *b)
{
	if (!c->failed)
		snprintf(c->err, sizeof(c->err), fmt, a, b);
	c->failed = 1;
	return 0;
}

/* The section just ended: every required key given, shape valid. */
static int close_section(struct load_ctx *c)
{
	if (!c->cur)
		return 1;
	for (size_t i = 0; i < NKEYS; i++)
		if (keys[i].def == NULL && !(c->seen & (1u << i)))
			return fail(c, "section [%s]: missing key '%s'",
				    c->cur->name, keys[i].name);
	return 1;
}

static int on_key(void *user, const char *section, const char *name,
		  const char *value)
{
	struct load_ctx *c = user;
	struct sp_catalog *cat = c->cat;
	char err[200];
	int k;

	if (!c->cur || strcmp(c->cur->name, section) != 0) {
		if (!close_section(c))
			return 0;
		if (sp_catalog_find(cat, section))
			return fail(c, "section [%s]%s: attribute named twice",
				    section, "");
		if (cat->n == SP_CAT_MAX)
			return fail(c, "section [%s]: more than %s attributes",
				    section, "255");
		if (strlen(section) >= SP_CAT_NAME_LEN)
			return fail(c, "section [%s]%s: name too long",
				    section, "");
		c->cur = &cat->attrs[cat->n++];
		memset(c->cur, 0, sizeof(*c->cur));
		snprintf(c->cur->name, sizeof(c->cur->name), "%s", section);
		sp_ini_defaults(keys, NKEYS, c->cur, NULL);
		c->seen = 0;
	}
	k = sp_ini_set(keys, NKEYS, c->cur, section, name, value, err,
		       sizeof(err));
	if (k < 0)
		return fail(c, "section [%s]: %s", section, err);
	c->seen |= 1u << k;
	if (strcmp(name, "vtype") == 0 && c->cur->vtype == 0)
		return fail(c, "section [%s]: key 'vtype' value '%s' is invalid",
			    section, value);
	if (strcmp(name, "id") == 0) {
		if (cat->index[c->cur->id])
			return fail(c, "section [%s]: key 'id' value '%s' is "
				    "already used", section, value);
		cat->index[c->cur->id] = (uint8_t)cat->n;
	}
	return 1;
}

const char *sp_catalog_default(const char *dflt)
{
	return access(dflt, F_OK) == 0 || errno != ENOENT ? dflt : "";
}

int sp_catalog_load(struct sp_catalog *cat, const char *path, char *err,
		    size_t errlen)
{
	const char *text = sp_catalog_builtin();
	FILE *f = path[0] ? fopen(path, "r") :
		  fmemopen((void *)text, strlen(text), "r");
	int rc;

	if (f == NULL) {
		memset(cat, 0, sizeof(*cat));
		snprintf(err, errlen, "%s: cannot open: %s", path,
			 strerror(errno));
		return -1;
	}
	rc = sp_catalog_read(cat, f, path[0] ? path : "(built-in catalogue)",
			     err, errlen);
	fclose(f);
	return rc;
}

int sp_catalog_read(struct sp_catalog *cat, FILE *f, const char *path,
		    char *err, size_t errlen)
{
	struct load_ctx c = { .cat = cat, .path = path };
	int line;

	memset(cat, 0, sizeof(*cat));
	line = ini_parse_file(f, on_key, &c);
	if (line > 0 || line == -2) {
		snprintf(err, errlen, "%s:%d: %s", path, line,
			 c.failed ? c.err : "syntax error");
		return -1;
	}
	if (!close_section(&c)) {
		snprintf(err, errlen, "%s: %s", path, c.err);
		return -1;
	}
	if (cat->n == 0) {
		snprintf(err, errlen, "%s: no attributes", path);
		return -1;
	}
	return 0;
}

const struct sp_attr *sp_catalog_find(const struct sp_catalog *cat,
				      const char *name)
{
	for (unsigned int i = 0; i < cat->n; i++)
		if (strcmp(cat->attrs[i].name, name) == 0)
			return &cat->attrs[i];
	return NULL;
}

unsigned int sp_attr_sample_size(const struct sp_attr *a)
{
	return a->dim * sp_vtype_size(a->vtype);
}

struct sp_catalog *sp_catalog_open(const char *path, char *err,
				   size_t errlen)
{
	struct sp_catalog *cat = malloc(sizeof(*cat));

	if (cat == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	if (sp_catalog_load(cat, path, err, errlen) < 0) {
		free(cat);
		return NULL;
	}
	return cat;
}

void sp_catalog_free(struct sp_catalog *cat)
{
	free(cat);
}
