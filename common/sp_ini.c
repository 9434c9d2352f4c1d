/*
 * sp_ini.c - applies a table of typed keys to a struct (see sp_ini.h).
 */
#include "sp_ini.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *type_name(enum sp_ini_type t)
{
	switch (t) {
	case SP_INI_UINT: case SP_INI_U64: return "uint";
	case SP_INI_DOUBLE: return "number";
	case SP_INI_BOOL: return "bool";
	case SP_INI_STR: return "string";
	case SP_INI_ENUM: return "enum";
	case SP_INI_IPV4: return "ipv4";
	case SP_INI_MCAST: return "group";
	case SP_INI_POW2: return "pow2";
	case SP_INI_IPV6: return "ipv6s";   /* a list */
	}
	return "?";
}

/* A bound as people write it: integers in full, not 1.67772e+07. */
static const char *bound(double d, char *buf, size_t len)
{
	if (d == (double)(int64_t)d && d < 9.2e18 && d > -9.2e18)
		snprintf(buf, len, "%" PRId64, (int64_t)d);
	else
		snprintf(buf, len, "%g", d);
	return buf;
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;

	if (*s == '\0' || *s == '-')
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 0);
	return (errno || *end != '\0') ? -1 : 0;
}

static int parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "1", "true", "yes", "on" };
	static const char *const no[] = { "0", "false", "no", "off" };

	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0) { *out = true; return 0; }
		if (strcasecmp(s, no[i]) == 0) { *out = false; return 0; }
	}
	return -1;
}

/* A comma-separated list of unicast IPv6 addresses (spaces around the
 * commas allowed; "" is the empty list). Multicast and :: are refused:
 * they cannot be a port's own address. On error @p err names the entry. */
static int parse_ip6_list(const char *v, struct sp_ip6_list *out, char *err,
			  size_t errlen)
{
	struct sp_ip6_list l = { 0 };
	static const uint8_t any[16];
	char one[INET6_ADDRSTRLEN + 1];

	while (*v) {
		const char *end = strchr(v, ',');
		size_t len = end ? (size_t)(end - v) : strlen(v);

		while (len && (*v == ' ' || *v == '\t')) {
			v++;
			len--;
		}
		while (len && (v[len - 1] == ' ' || v[len - 1] == '\t'))
			len--;
		if (len == 0 || len >= sizeof(one)) {
			snprintf(err, errlen, "an empty or overlong entry in "
				 "the list");
			return -EINVAL;
		}
		memcpy(one, v, len);
		one[len] = '\0';
		if (l.n == SP_IP6_MAX) {
			snprintf(err, errlen, "more than %d addresses",
				 SP_IP6_MAX);
			return -EINVAL;
		}
		if (inet_pton(AF_INET6, one, l.addr[l.n]) != 1) {
			snprintf(err, errlen, "'%s' is not an IPv6 address",
				 one);
			return -EINVAL;
		}
		if (l.addr[l.n][0] == 0xff ||
		    memcmp(l.addr[l.n], any, 16) == 0) {
			snprintf(err, errlen, "'%s' is not a unicast address",
				 one);
			return -EINVAL;
		}
		l.n++;
		if (end == NULL)
			break;
		v = end + 1;
		if (*v == '\0') {
			snprintf(err, errlen, "a trailing comma");
			return -EINVAL;
		}
	}
	*out = l;
	return 0;
}

/* Set one key; on error write why into err (without the key's name). */
static int apply(const struct sp_ini_key *k, void *obj, const char *v,
		 char *err, size_t errlen)
{
	uint8_t *dst = (uint8_t *)obj + k->off;
	uint64_t u;
	double d;
	char *end;
	struct in_addr a;

	switch (k->type) {
	case SP_INI_UINT: case SP_INI_U64: case SP_INI_POW2:
		if (parse_u64(v, &u)) {
			snprintf(err, errlen, "not an unsigned integer");
			return -EINVAL;
		}
		if ((double)u < k->min || (double)u > k->max) {
			snprintf(err, errlen, "must be between %.0f and %.0f",
				 k->min, k->max);
			return -EINVAL;
		}
		if (k->type == SP_INI_POW2 && (u & (u - 1)) != 0) {
			snprintf(err, errlen, "must be a power of two");
			return -EINVAL;
		}
		if (k->type == SP_INI_U64)
			memcpy(dst, &u, sizeof(uint64_t));
		else
			*(uint32_t *)(void *)dst = (uint32_t)u;
		return 0;
	case SP_INI_DOUBLE:
		errno = 0;
		d = strtod(v, &end);
		if (*v == '\0' || errno || *end != '\0') {
			snprintf(err, errlen, "not a number");
			return -EINVAL;
		}
		if (d < k->min || d > k->max) {
			char lo[32], hi[32];

			snprintf(err, errlen, "must be between %s and %s",
				 bound(k->min, lo, sizeof(lo)),
				 bound(k->max, hi, sizeof(hi)));
			return -EINVAL;
		}
		memcpy(dst, &d, sizeof(d));
		return 0;
	case SP_INI_BOOL:
		if (parse_bool(v, (bool *)(void *)dst)) {
			snprintf(err, errlen, "not a boolean (true/false)");
			return -EINVAL;
		}
		return 0;
	case SP_INI_STR:
		if (strlen(v) >= k->size) {
			snprintf(err, errlen, "longer than %zu characters",
				 k->size - 1);
			return -EINVAL;
		}
		strcpy((char *)dst, v);
		return 0;
	case SP_INI_ENUM:
		for (uint32_t i = 0; k->names[i]; i++) {
			if (strcmp(v, k->names[i]) == 0) {
				*(uint32_t *)(void *)dst = i;
				return 0;
			}
		}
		snprintf(err, errlen, "not one of:");
		for (size_t i = 0; k->names[i]; i++) {
			size_t l = strlen(err);
			snprintf(err + l, errlen - l, " %s", k->names[i]);
		}
		return -EINVAL;
	case SP_INI_IPV4: case SP_INI_MCAST:
		if (inet_pton(AF_INET, v, &a) != 1) {
			snprintf(err, errlen, "not an IPv4 address");
			return -EINVAL;
		}
		if (k->type == SP_INI_MCAST &&
		    (ntohl(a.s_addr) >> 28) != 0xE) {
			snprintf(err, errlen, "not a multicast group "
				 "(224.0.0.0 to 239.255.255.255)");
			return -EINVAL;
		}
		*(uint32_t *)(void *)dst = ntohl(a.s_addr);
		return 0;
	case SP_INI_IPV6:
		return parse_ip6_list(v, (struct sp_ip6_list *)(void *)dst,
				      err, errlen);
	}
	snprintf(err, errlen, "unknown key type");
	return -EINVAL;
}

int sp_ini_defaults(const struct sp_ini_key *keys, size_t n, void *obj,
		    const char *section)
{
	char err[128];

	for (size_t i = 0; i < n; i++) {
		if (keys[i].def == NULL)
			continue;
		if (section && keys[i].section &&
		    strcmp(section, keys[i].section) != 0)
			continue;
		if (apply(&keys[i], obj, keys[i].def, err, sizeof(err)))
			return -EINVAL;
	}
	return 0;
}

int sp_ini_set(const struct sp_ini_key *keys, size_t n, void *obj,
	       const char *section, const char *name, const char *value,
	       char *err, size_t errlen)
{
	char why[160];

	for (size_t i = 0; i < n; i++) {
		const struct sp_ini_key *k = &keys[i];

		if (strcmp(k->name, name) != 0)
			continue;
		if (k->section && strcmp(k->section, section) != 0)
			continue;
		if (apply(k, obj, value, why, sizeof(why))) {
			snprintf(err, errlen, "key '%s%s%s' value '%s': %s",
				 k->section ? section : "", k->section ? "." : "",
				 name, value, why);
			return -EINVAL;
		}
		return (int)i;
	}
	snprintf(err, errlen, "unknown key '%s.%s' (value '%s')", section, name,
		 value);
	return -ENOENT;
}

void sp_ini_format(const struct sp_ini_key *k, const void *obj, char *buf,
		   size_t len)
{
	const uint8_t *src = (const uint8_t *)obj + k->off;
	uint32_t u32;
	uint64_t u64;
	double d;
	struct in_addr a;

	switch (k->type) {
	case SP_INI_UINT: case SP_INI_POW2:
		memcpy(&u32, src, 4);
		snprintf(buf, len, "%" PRIu32, u32);
		break;
	case SP_INI_U64:
		memcpy(&u64, src, 8);
		snprintf(buf, len, "%" PRIu64, u64);
		break;
	case SP_INI_DOUBLE:
		memcpy(&d, src, 8);
		snprintf(buf, len, "%g", d);
		break;
	case SP_INI_BOOL:
		snprintf(buf, len, "%s", *(const bool *)src ? "true" : "false");
		break;
	case SP_INI_STR:
		snprintf(buf, len, "%s", (const char *)src);
		break;
	case SP_INI_ENUM:
		memcpy(&u32, src, 4);
		snprintf(buf, len, "%s", k->names[u32]);
		break;
	case SP_INI_IPV4: case SP_INI_MCAST:
		memcpy(&u32, src, 4);
		a.s_addr = htonl(u32);
		inet_ntop(AF_INET, &a, buf, (socklen_t)len);
		break;
	case SP_INI_IPV6: {
		const struct sp_ip6_list *l = (const void *)src;
		size_t at = 0;

		buf[0] = '\0';
		for (uint32_t i = 0; i < l->n && at + INET6_ADDRSTRLEN + 2 < len;
		     i++) {
			if (i)
				buf[at++] = ',';
			inet_ntop(AF_INET6, l->addr[i], buf + at,
				  (socklen_t)(len - at));
			at += strlen(buf + at);
		}
		break;
	}
	}
}

void sp_ini_print_help(const struct sp_ini_key *keys, size_t n, FILE *out)
{
	const char *last = "";
	char lo[32], hi[32];

	for (size_t i = 0; i < n; i++) {
		const struct sp_ini_key *k = &keys[i];
		const char *sec = k->section ? k->section : "<name>";

		if (strcmp(sec, last) != 0)
			fprintf(out, "\n[%s]\n", sec);
		last = sec;
		fprintf(out, "  %-16s %-6s default %-12s%s %s", k->name,
			type_name(k->type), k->def ? k->def : "(required)",
			k->runtime ? " (run time)" : "", k->help);
		if (k->type == SP_INI_UINT || k->type == SP_INI_U64 ||
		    k->type == SP_INI_DOUBLE || k->type == SP_INI_POW2)
			fprintf(out, " [%s..%s]", bound(k->min, lo, sizeof(lo)),
				bound(k->max, hi, sizeof(hi)));
		fputc('\n', out);
	}
}
