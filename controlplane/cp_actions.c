/*
 * cp_actions.c - the cluster's writes (see cp_actions.h).
 */
#include "cp_actions.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static void begin(struct cp_act *a)
{
	if (a->n < CP_ACT_CMDS)
		a->cmd[a->n].argc = 0;
}

/* One more word of the current command. */
static void word(struct cp_act *a, const char *w)
{
	int i;

	if (a->n == CP_ACT_CMDS || a->cmd[a->n].argc == CP_ACT_ARGS)
		return;
	i = a->cmd[a->n].argc++;
	snprintf(a->cmd[a->n].buf[i], CP_KEY_LEN, "%s", w);
	a->cmd[a->n].argv[i] = a->cmd[a->n].buf[i];
}

static void end(struct cp_act *a)
{
	if (a->n < CP_ACT_CMDS)
		a->n++;
}

static void publish(struct cp_act *a, const char *pfx, const char *msg)
{
	char chan[CP_KEY_LEN];

	begin(a);
	word(a, "PUBLISH");
	word(a, cp_channel(chan, sizeof(chan), pfx));
	word(a, msg);
	end(a);
}

void cp_act_viewer_put(struct cp_act *a, const char *pfx, const char *name,
		       const char *dest, const char *level, uint64_t t_ns)
{
	char k[CP_KEY_LEN], msg[CP_KEY_LEN];

	a->n = 0;
	cp_key_viewer(k, sizeof(k), pfx, name);
	begin(a);
	word(a, "HSET"); word(a, k); word(a, "dest"); word(a, dest);
	word(a, "level"); word(a, level);
	end(a);
	/* a node's refusal of an earlier version no longer stands */
	begin(a);
	word(a, "HDEL"); word(a, k); word(a, "error");
	end(a);
	begin(a);
	word(a, "SADD"); word(a, cp_key_viewers(k, sizeof(k), pfx));
	word(a, name);
	end(a);
	snprintf(msg, sizeof(msg), "V %s %" PRIu64, name, t_ns);
	publish(a, pfx, msg);
}

void cp_act_viewer_del(struct cp_act *a, const char *pfx, const char *name,
		       uint64_t t_ns)
{
	char k[CP_KEY_LEN], msg[CP_KEY_LEN];

	a->n = 0;
	begin(a);
	word(a, "DEL"); word(a, cp_key_viewer(k, sizeof(k), pfx, name));
	word(a, cp_key_viewer_subs(k, sizeof(k), pfx, name));
	end(a);
	begin(a);
	word(a, "SREM"); word(a, cp_key_viewers(k, sizeof(k), pfx));
	word(a, name);
	end(a);
	snprintf(msg, sizeof(msg), "V %s %" PRIu64, name, t_ns);
	publish(a, pfx, msg);
}

/* The subscription's key, its member in the viewer's set ("S" or "S/A")
 * and in the sensor's ("VIEWER" or "VIEWER/A"). */
static void sub_names(const char *pfx, const char *viewer, uint64_t sensor,
		      uint16_t attr, char *key, char *member, char *vm)
{
	cp_key_sub(key, CP_KEY_LEN, pfx, viewer, sensor, attr);
	cp_sub_member(member, CP_KEY_LEN, sensor, attr);
	if (attr)
		snprintf(vm, CP_KEY_LEN, "%s/%u", viewer, attr);
	else
		snprintf(vm, CP_KEY_LEN, "%s", viewer);
}

static void sub_sets(struct cp_act *a, const char *pfx, const char *op,
		     const char *viewer, uint64_t sensor, const char *member,
		     const char *vm, uint64_t t_ns)
{
	char k[CP_KEY_LEN], msg[CP_KEY_LEN];

	begin(a);
	word(a, op); word(a, cp_key_viewer_subs(k, sizeof(k), pfx, viewer));
	word(a, member);
	end(a);
	begin(a);
	word(a, op); word(a, cp_key_sensor_subs(k, sizeof(k), pfx, sensor));
	word(a, vm);
	end(a);
	snprintf(msg, sizeof(msg), "U %s %s %" PRIu64, viewer, member, t_ns);
	publish(a, pfx, msg);
}

void cp_act_sub_put(struct cp_act *a, const char *pfx, const char *viewer,
		    uint64_t sensor, uint16_t attr, const char *level,
		    uint64_t ttl_ms, uint64_t t_ns)
{
	char key[CP_KEY_LEN], member[CP_KEY_LEN], vm[CP_KEY_LEN], ttl[24];

	a->n = 0;
	sub_names(pfx, viewer, sensor, attr, key, member, vm);
	begin(a);
	word(a, "SET"); word(a, key); word(a, level);
	if (ttl_ms) {
		snprintf(ttl, sizeof(ttl), "%" PRIu64, ttl_ms);
		word(a, "PX"); word(a, ttl);
	}
	end(a);
	sub_sets(a, pfx, "SADD", viewer, sensor, member, vm, t_ns);
}

void cp_act_sub_del(struct cp_act *a, const char *pfx, const char *viewer,
		    uint64_t sensor, uint16_t attr, uint64_t t_ns)
{
	char key[CP_KEY_LEN], member[CP_KEY_LEN], vm[CP_KEY_LEN];

	a->n = 0;
	sub_names(pfx, viewer, sensor, attr, key, member, vm);
	begin(a);
	word(a, "DEL"); word(a, key);
	end(a);
	sub_sets(a, pfx, "SREM", viewer, sensor, member, vm, t_ns);
}

void cp_act_pin(struct cp_act *a, const char *pfx, uint64_t sensor, int on,
		uint64_t t_ns)
{
	char k[CP_KEY_LEN], s[24], msg[CP_KEY_LEN];

	a->n = 0;
	snprintf(s, sizeof(s), "%" PRIu64, sensor);
	begin(a);
	word(a, on ? "SADD" : "SREM"); word(a, cp_key_pins(k, sizeof(k), pfx));
	word(a, s);
	end(a);
	snprintf(msg, sizeof(msg), "P %" PRIu64 " %" PRIu64, sensor, t_ns);
	publish(a, pfx, msg);
}
