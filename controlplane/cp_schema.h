/*
 * cp_schema.h - senseplane's Redis schema (controlplane/SCHEMA.md): key
 * names under one prefix, and the messages on the events channel.
 *
 * Pure string work, EAL- and Redis-free, shared by senseplane-ctld and the
 * CLI, unit-tested.
 */
#ifndef CP_SCHEMA_H
#define CP_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

#define CP_NAME_MAX 64
/** Room for any key or channel name the schema builds. */
#define CP_KEY_LEN 192

/* Keys; each writes into @p buf and returns it. */
char *cp_key_node(char *buf, size_t len, const char *pfx, const char *node);
char *cp_key_node_sensors(char *buf, size_t len, const char *pfx,
			  const char *node);
char *cp_key_nodes(char *buf, size_t len, const char *pfx);
char *cp_key_sensor(char *buf, size_t len, const char *pfx, uint64_t id);
char *cp_key_viewer(char *buf, size_t len, const char *pfx, const char *v);
char *cp_key_viewer_subs(char *buf, size_t len, const char *pfx,
			 const char *v);
char *cp_key_viewers(char *buf, size_t len, const char *pfx);
/** The set of "VIEWER[/ATTR]" subscribed to a sensor. */
char *cp_key_sensor_subs(char *buf, size_t len, const char *pfx,
			 uint64_t id);
/** A subscription's key; its value is the level, its TTL the hover's. */
char *cp_key_sub(char *buf, size_t len, const char *pfx, const char *viewer,
		 uint64_t sensor, uint16_t attr);
char *cp_key_pins(char *buf, size_t len, const char *pfx);
char *cp_channel(char *buf, size_t len, const char *pfx);

/** "SENSOR" or "SENSOR/ATTR" as members of a viewer's subs set. */
char *cp_sub_member(char *buf, size_t len, uint64_t sensor, uint16_t attr);
/** Parse a member. @return 0 or -1. */
int cp_sub_member_parse(const char *s, uint64_t *sensor, uint16_t *attr);

/* Events on the channel. */
enum cp_ev_type {
	CP_EV_SENSORS = 'S',   /* a batch of sensors registered/moved/gone */
	CP_EV_VIEWER = 'V',    /* a viewer added, changed or removed */
	CP_EV_SUB = 'U',       /* a subscription changed */
	CP_EV_PIN = 'P',       /* a pin changed */
	CP_EV_NODE = 'N',      /* a node (re)started */
};

enum cp_sensor_change {
	CP_SENSOR_REGISTERED = 'r',
	CP_SENSOR_MOVED = 'm',
	CP_SENSOR_GONE = 'g',
};

struct cp_event {
	char type;                 /* enum cp_ev_type */
	char name[CP_NAME_MAX];    /* node (S, N), viewer (V, U) */
	uint64_t t_ns;             /* when it was published */
	uint64_t sensor;           /* U, P */
	uint16_t attr;             /* U */
	const char *items;         /* S: the "id:epoch:change" list */
};

/** One sensor of an S event's list. */
struct cp_sensor_item {
	uint64_t sensor;
	uint64_t epoch;
	char change;               /* enum cp_sensor_change */
};

/**
 * Parse an event message (not copied: @p e->items points into @p msg).
 * @return 0, or -1 if it is not one of ours.
 */
int cp_event_parse(const char *msg, struct cp_event *e);

/**
 * The next item of an S event's list at *@p cursor (start with
 * e->items). @return 1 and @p it filled, 0 at the end, -1 if malformed.
 */
int cp_event_next_sensor(const char **cursor, struct cp_sensor_item *it);

#endif /* CP_SCHEMA_H */
