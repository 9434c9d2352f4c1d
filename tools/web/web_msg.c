/*
 * web_msg.c - a message written once for every tab (see web_msg.h).
 */
#include "web_msg.h"

#include <stdlib.h>
#include <string.h>

#include "web_json.h"

static size_t put(char *p, const char *s)
{
	size_t n = strlen(s);

	memcpy(p, s, n);
	return n;
}

/* ms with three decimals from ns, by integer arithmetic */
static size_t put_ms(char *p, uint64_t ns)
{
	uint64_t us = ns / 1000;
	size_t n = web_json_u64(p, us / 1000);

	p[n++] = '.';
	p[n++] = (char)('0' + us / 100 % 10);
	p[n++] = (char)('0' + us / 10 % 10);
	p[n++] = (char)('0' + us % 10);
	return n;
}

struct web_msg *web_msg_make(const struct senseplane_msg *m)
{
	static const char *const how[] = { "live", "late", "recovered",
					   "history" };
	size_t n = (size_t)m->nsamp * m->dim, len = 0;
	char buf[8192];
	struct web_msg *w;

	/* written by hand, not printf (perf, B8) */
	buf[len++] = '[';
	len += web_json_u64(buf + len, m->sensor_id);
	buf[len++] = ',';
	buf[len++] = '"';
	len += put(buf + len, m->attr_name ? m->attr_name : "?");
	buf[len++] = '"';
	buf[len++] = ',';
	len += put_ms(buf + len, m->t0_ns);
	buf[len++] = ',';
	len += put_ms(buf + len, m->dt_ns);
	buf[len++] = ',';
	len += web_json_u64(buf + len, m->dim);
	buf[len++] = ',';
	buf[len++] = '[';
	/* a record's values fit (1024 samples of 16 would not: the page
	 * draws what fits, and the cut is at a whole value) */
	for (size_t i = 0; i < n && len < sizeof(buf) - 128; i++) {
		if (i)
			buf[len++] = ',';
		len += web_json_value(buf + len, m->values, m->vtype, i);
	}
	/* history replayed when a key's level rises is "backfill": older on
	 * purpose */
	len += put(buf + len, "],\"");
	len += put(buf + len, m->flags & SENSEPLANE_F_BACKFILL ? "backfill" :
			      how[m->how & 3]);
	len += put(buf + len, "\",");
	len += web_json_u64(buf + len, m->quality);
	w = malloc(sizeof(*w) + len + 1);
	if (w == NULL)
		return NULL;
	w->refs = 1;
	w->len = (uint32_t)len;
	memcpy(w->text, buf, len);
	w->text[len] = '\0';
	return w;
}

struct web_msg *web_msg_text(const char *text, size_t len)
{
	struct web_msg *w = malloc(sizeof(*w) + len + 1);

	if (w == NULL)
		return NULL;
	w->refs = 1;
	w->len = (uint32_t)len;
	memcpy(w->text, text, len);
	w->text[len] = '\0';
	return w;
}

void web_msg_unref(struct web_msg *w)
{
	if (w && --w->refs == 0)
		free(w);
}
