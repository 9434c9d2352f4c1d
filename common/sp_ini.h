/*
 * sp_ini.h - table-driven INI settings: a key table (name, type, bounds,
 * default, run-time changeable, help) applied to a plain struct.
 *
 * The configuration (sp_config.h) and the attribute catalogue
 * (sp_catalog.h) are both tables over this module; the INI syntax itself is
 * read by inih (Debian libinih-dev), which reports the line of the first
 * error.
 */
#ifndef SP_INI_H
#define SP_INI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum sp_ini_type {
	SP_INI_UINT,    /* unsigned integer, stored in uint32_t */
	SP_INI_U64,     /* unsigned integer, stored in uint64_t */
	SP_INI_DOUBLE,  /* double */
	SP_INI_BOOL,    /* bool: true/false/yes/no/on/off/1/0 */
	SP_INI_STR,     /* char[size] */
	SP_INI_ENUM,    /* one of @c names, stored as uint32_t index */
	SP_INI_IPV4,    /* dotted quad, stored as uint32_t in host order */
	SP_INI_MCAST,   /* the same, and an IPv4 multicast group (224/4) */
	SP_INI_POW2,    /* unsigned power of two, stored in uint32_t */
	SP_INI_IPV6,    /* comma-separated unicast IPv6 addresses, stored
			 * as struct sp_ip6_list */
};

/* An SP_INI_IPV6 value: up to SP_IP6_MAX addresses in network order. */
#define SP_IP6_MAX 8
struct sp_ip6_list {
	uint32_t n;
	uint8_t addr[SP_IP6_MAX][16];
};

struct sp_ini_key {
	const char *section;   /* NULL matches any section (catalogue) */
	const char *name;
	enum sp_ini_type type;
	size_t off;            /* offsetof in the target struct */
	size_t size;           /* for SP_INI_STR: buffer size */
	double min, max;       /* bounds for numbers */
	const char *def;       /* default as text; NULL = required */
	const char *const *names; /* for SP_INI_ENUM, NULL-terminated */
	bool runtime;          /* may change while running */
	const char *help;
};

/**
 * Apply every default of @p keys (those with section @p section, or all when
 * @p section is NULL) to @p obj. @return 0, or -EINVAL when a default itself
 * is invalid (a bug in the table).
 */
int sp_ini_defaults(const struct sp_ini_key *keys, size_t n, void *obj,
		    const char *section);

/**
 * Find the key @p section / @p name and set it in @p obj from @p value.
 * @param err  filled with a sentence naming the key and value on failure
 * @return the key's index, or -ENOENT (unknown key), -EINVAL (bad value).
 */
int sp_ini_set(const struct sp_ini_key *keys, size_t n, void *obj,
	       const char *section, const char *name, const char *value,
	       char *err, size_t errlen);

/** Format the current value of @p k in @p obj into @p buf. */
void sp_ini_format(const struct sp_ini_key *k, const void *obj, char *buf,
		   size_t len);

/** Print every key of @p keys with type, default, bounds and help. */
void sp_ini_print_help(const struct sp_ini_key *keys, size_t n, FILE *out);

#endif /* SP_INI_H */
