/*
 * cp_schema.c - key names and event messages (see cp_schema.h).
 */
#include "cp_schema.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *cp_key_node(char *buf, size_t len, const char *pfx, const char *node)
{
	snprintf(buf, len, "%snode:%s", pfx, node);
	return buf;
}

char *cp_key_node_sensors(char *buf, size_t len, const char *pfx,
			  const char *node)
{
	snprintf(buf, len, "%snode:%s:sensors", pfx, node);
	return buf;
}

char *cp_key_nodes(char *buf, size_t len, const char *pfx)
{
	snprintf(buf, len, "%snodes", pfx);
	return buf;
}

char *cp_key_sensor(char *buf, size_t len, const char *pfx, uint64_t id)
{
	snprintf(buf, len, "%ssensor:%" PRIu64, pfx, id);
	return buf;
}

char *cp_key_sensor_subs(char *buf, size_t len, const char *pfx,
			 uint64_t id)
{
	snprintf(buf, len, "%ssensor:%" PRIu64 ":subs", pfx, id);
	return buf;
}

char *cp_key_viewer(char *buf, size_t len, const char *pfx, const char *v)
{
	snprintf(buf, len, "%sviewer:%s", pfx, v);
	return buf;
}

char *cp_key_viewer_subs(char *buf, size_t len, const char *pfx,
			 const char *v)
{
	snprintf(buf, len, "%sviewer:%s:subs", pfx, v);
	return buf;
}

char *cp_key_viewers(char *buf, size_t len, const char *pfx)
{
	snprintf(buf, len, "%sviewers", pfx);
	return buf;
}

char *cp_sub_member(char *buf, size_t len, uint64_t sensor, uint16_t attr)
{
	if (attr)
		snprintf(buf, len, "%" PRIu64 "/%u", sensor, attr);
	else
		snprintf(buf, len, "%" PRIu64, sensor);
	return buf;
}

int cp_sub_member_parse(const char *s, uint64_t *sensor, uint16_t *attr)
{
	char *end;
	unsigned long a = 0;

	errno = 0;
	*sensor = strtoull(s, &end, 10);
	if (errno || end == s || *sensor == 0)
		return -1;
	if (*end == '/') {
		a = strtoul(end + 1, &end, 10);
		if (a == 0 || a > 65535)
			return -1;
	}
	if (*end)
		return -1;
	*attr = (uint16_t)a;
	return 0;
}

char *cp_key_sub(char *buf, size_t len, const char *pfx, const char *viewer,
		 uint64_t sensor, uint16_t attr)
{
	char m[32];

	snprintf(buf, len, "%ssub:%s:%s", pfx, viewer,
		 cp_sub_member(m, sizeof(m), sensor, attr));
	return buf;
}

char *cp_key_pins(char *buf, size_t len, const char *pfx)
{
	snprintf(buf, len, "%spins", pfx);
	return buf;
}

char *cp_channel(char *buf, size_t len, const char *pfx)
{
	snprintf(buf, len, "%sevents", pfx);
	return buf;
}

/* Read a word of at most @p cap - 1 characters at *p. */
static int word(const char **p, char *out, size_t cap)
{
	size_t n = strcspn(*p, " ");

	if (n == 0 || n >= cap)
		return -1;
	memcpy(out, *p, n);
	out[n] = '\0';
	*p += n;
	if (**p == ' ')
		(*p)++;
	return 0;
}

int cp_event_parse(const char *msg, struct cp_event *e)
{
	char w[CP_NAME_MAX], *end;
	const char *p = msg + 2;

	memset(e, 0, sizeof(*e));
	if (strlen(msg) < 3 || msg[1] != ' ')
		return -1;
	e->type = msg[0];
	switch (e->type) {
	case CP_EV_SENSORS: case CP_EV_NODE: case CP_EV_VIEWER:
		if (word(&p, e->name, sizeof(e->name)) < 0 ||
		    word(&p, w, sizeof(w)) < 0)
			return -1;
		e->t_ns = strtoull(w, &end, 10);
		if (*end)
			return -1;
		e->items = p;
		return e->type == CP_EV_SENSORS || *p == '\0' ? 0 : -1;
	case CP_EV_SUB:
		if (word(&p, e->name, sizeof(e->name)) < 0 ||
		    word(&p, w, sizeof(w)) < 0 ||
		    cp_sub_member_parse(w, &e->sensor, &e->attr) < 0 ||
		    word(&p, w, sizeof(w)) < 0)
			return -1;
		e->t_ns = strtoull(w, &end, 10);
		return *end || *p ? -1 : 0;
	case CP_EV_PIN:
		if (word(&p, w, sizeof(w)) < 0)
			return -1;
		e->sensor = strtoull(w, &end, 10);
		if (*end || e->sensor == 0 || word(&p, w, sizeof(w)) < 0)
			return -1;
		e->t_ns = strtoull(w, &end, 10);
		return *end || *p ? -1 : 0;
	default:
		return -1;
	}
}

int cp_event_next_sensor(const char **cursor, struct cp_sensor_item *it)
{
	const char *p = *cursor;
	char *end;

	while (*p == ' ')
		p++;
	if (*p == '\0')
		return 0;
	it->sensor = strtoull(p, &end, 10);
	if (end == p || *end != ':')
		return -1;
	it->epoch = strtoull(end + 1, &end, 10);
	if (*end != ':' || (end[1] != CP_SENSOR_REGISTERED &&
			    end[1] != CP_SENSOR_MOVED &&
			    end[1] != CP_SENSOR_GONE))
		return -1;
	it->change = end[1];
	p = end + 2;
	if (*p != ' ' && *p != '\0')
		return -1;
	*cursor = p;
	return 1;
}
