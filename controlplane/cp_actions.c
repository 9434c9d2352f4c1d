/*
 * cp_actions.c - the cluster's writes (see cp_actions.h).
 *
 * Each script names in KEYS what it knows before it runs and builds the
 * keys it finds as it goes (a viewer's subscriptions) from the prefix, the
 * one way SCHEMA.md spells them. The script's text goes with every call
 * (EVAL, not EVALSHA): one round trip whatever Redis has cached, no
 * NOSCRIPT retry after a restart, and the scripts are a few hundred bytes.
 */
#include "cp_actions.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* KEYS: viewer, viewers. ARGV: name, dest, level, only_new, channel, msg.
 * A node's refusal of an earlier version ("error") no longer stands. */
static const char viewer_put_lua[] =
	"if ARGV[4] == '1' and redis.call('EXISTS', KEYS[1]) == 1 then\n"
	"  return 1\n"
	"end\n"
	"redis.call('HSET', KEYS[1], 'dest', ARGV[2], 'level', ARGV[3])\n"
	"redis.call('HDEL', KEYS[1], 'error')\n"
	"redis.call('SADD', KEYS[2], ARGV[1])\n"
	"redis.call('PUBLISH', ARGV[5], ARGV[6])\n"
	"return 0\n";

/* KEYS: viewer, its subs, viewers. ARGV: name, prefix, channel, t_ns.
 * Anything of the viewer's counts as a viewer to remove, so that one left
 * half-made (by a client older than these scripts) can still go. */
static const char viewer_del_lua[] =
	"local subs = redis.call('SMEMBERS', KEYS[2])\n"
	"if redis.call('EXISTS', KEYS[1]) == 0 and #subs == 0 and\n"
	"   redis.call('SISMEMBER', KEYS[3], ARGV[1]) == 0 then\n"
	"  return 2\n"
	"end\n"
	"for _, m in ipairs(subs) do\n"
	"  local s, a = string.match(m, '^(%d+)/?(%d*)$')\n"
	"  if s then\n"
	"    local vm = ARGV[1]\n"
	"    if a ~= '' then vm = vm .. '/' .. a end\n"
	"    redis.call('DEL', ARGV[2] .. 'sub:' .. ARGV[1] .. ':' .. m)\n"
	"    redis.call('SREM', ARGV[2] .. 'sensor:' .. s .. ':subs', vm)\n"
	"    redis.call('PUBLISH', ARGV[3],\n"
	"               'U ' .. ARGV[1] .. ' ' .. m .. ' ' .. ARGV[4])\n"
	"  end\n"
	"end\n"
	"redis.call('DEL', KEYS[1], KEYS[2])\n"
	"redis.call('SREM', KEYS[3], ARGV[1])\n"
	"redis.call('PUBLISH', ARGV[3], 'V ' .. ARGV[1] .. ' ' .. ARGV[4])\n"
	"return 0\n";

/* KEYS: viewer, sub, viewer's subs, sensor's subs. ARGV: level ("": the
 * viewer's), ttl_ms ("0": none), member, viewer member, channel, msg. */
static const char sub_put_lua[] =
	"local lv = redis.call('HGET', KEYS[1], 'level')\n"
	"if not lv then return 2 end\n"
	"if ARGV[1] ~= '' then lv = ARGV[1] end\n"
	"if ARGV[2] ~= '0' then\n"
	"  redis.call('SET', KEYS[2], lv, 'PX', ARGV[2])\n"
	"else\n"
	"  redis.call('SET', KEYS[2], lv)\n"
	"end\n"
	"redis.call('SADD', KEYS[3], ARGV[3])\n"
	"redis.call('SADD', KEYS[4], ARGV[4])\n"
	"redis.call('PUBLISH', ARGV[5], ARGV[6])\n"
	"return 0\n";

/* KEYS: as sub_put. ARGV: member, viewer member, channel, msg. A
 * subscription whose key lapsed (TTL) but whose set entries stayed is
 * still removed, entries and all. */
static const char sub_del_lua[] =
	"if redis.call('EXISTS', KEYS[1]) == 0 then return 2 end\n"
	"local n = redis.call('DEL', KEYS[2]) +\n"
	"          redis.call('SREM', KEYS[3], ARGV[1]) +\n"
	"          redis.call('SREM', KEYS[4], ARGV[2])\n"
	"if n == 0 then return 3 end\n"
	"redis.call('PUBLISH', ARGV[3], ARGV[4])\n"
	"return 0\n";

/* KEYS: pins. ARGV: sensor, on ("1"/"0"), channel, msg. */
static const char pin_lua[] =
	"local op = 'SREM'\n"
	"if ARGV[2] == '1' then op = 'SADD' end\n"
	"if redis.call(op, KEYS[1], ARGV[1]) == 0 then return 4 end\n"
	"redis.call('PUBLISH', ARGV[3], ARGV[4])\n"
	"return 0\n";

/* One more word (copied: the builders' strings are their callers'). */
static void word(struct cp_act *a, const char *w)
{
	if (a->argc == CP_ACT_ARGS)
		return;
	snprintf(a->buf[a->argc], CP_KEY_LEN, "%s", w);
	a->argv[a->argc] = a->buf[a->argc];
	a->argc++;
}

/* EVAL @p lua @p nkeys: the keys and arguments follow as words. */
static void eval(struct cp_act *a, const char *lua, int nkeys)
{
	char n[8];

	a->argc = 0;
	a->argv[a->argc++] = "EVAL";
	a->argv[a->argc++] = lua;
	snprintf(n, sizeof(n), "%d", nkeys);
	word(a, n);
}

void cp_act_viewer_put(struct cp_act *a, const char *pfx, const char *name,
		       const char *dest, const char *level, int only_new,
		       uint64_t t_ns)
{
	char k[CP_KEY_LEN];

	eval(a, viewer_put_lua, 2);
	word(a, cp_key_viewer(k, sizeof(k), pfx, name));
	word(a, cp_key_viewers(k, sizeof(k), pfx));
	word(a, name);
	word(a, dest);
	word(a, level);
	word(a, only_new ? "1" : "0");
	word(a, cp_channel(k, sizeof(k), pfx));
	snprintf(k, sizeof(k), "V %s %" PRIu64, name, t_ns);
	word(a, k);
}

void cp_act_viewer_del(struct cp_act *a, const char *pfx, const char *name,
		       uint64_t t_ns)
{
	char k[CP_KEY_LEN];

	eval(a, viewer_del_lua, 3);
	word(a, cp_key_viewer(k, sizeof(k), pfx, name));
	word(a, cp_key_viewer_subs(k, sizeof(k), pfx, name));
	word(a, cp_key_viewers(k, sizeof(k), pfx));
	word(a, name);
	word(a, pfx);
	word(a, cp_channel(k, sizeof(k), pfx));
	snprintf(k, sizeof(k), "%" PRIu64, t_ns);
	word(a, k);
}

/* The four keys of a subscription's scripts, and its member in the
 * viewer's set ("S" or "S/A") and in the sensor's ("VIEWER[/A]"). */
static void sub_keys(struct cp_act *a, const char *pfx, const char *viewer,
		     uint64_t sensor, uint16_t attr, char *member, char *vm)
{
	char k[CP_KEY_LEN];

	word(a, cp_key_viewer(k, sizeof(k), pfx, viewer));
	word(a, cp_key_sub(k, sizeof(k), pfx, viewer, sensor, attr));
	word(a, cp_key_viewer_subs(k, sizeof(k), pfx, viewer));
	word(a, cp_key_sensor_subs(k, sizeof(k), pfx, sensor));
	cp_sub_member(member, CP_KEY_LEN, sensor, attr);
	if (attr)
		snprintf(vm, CP_KEY_LEN, "%s/%u", viewer, attr);
	else
		snprintf(vm, CP_KEY_LEN, "%s", viewer);
}

void cp_act_sub_put(struct cp_act *a, const char *pfx, const char *viewer,
		    uint64_t sensor, uint16_t attr, const char *level,
		    uint64_t ttl_ms, uint64_t t_ns)
{
	char member[CP_KEY_LEN], vm[CP_KEY_LEN], k[CP_KEY_LEN];

	eval(a, sub_put_lua, 4);
	sub_keys(a, pfx, viewer, sensor, attr, member, vm);
	word(a, level ? level : "");
	snprintf(k, sizeof(k), "%" PRIu64, ttl_ms);
	word(a, k);
	word(a, member);
	word(a, vm);
	word(a, cp_channel(k, sizeof(k), pfx));
	snprintf(k, sizeof(k), "U %s %s %" PRIu64, viewer, member, t_ns);
	word(a, k);
}

void cp_act_sub_del(struct cp_act *a, const char *pfx, const char *viewer,
		    uint64_t sensor, uint16_t attr, uint64_t t_ns)
{
	char member[CP_KEY_LEN], vm[CP_KEY_LEN], k[CP_KEY_LEN];

	eval(a, sub_del_lua, 4);
	sub_keys(a, pfx, viewer, sensor, attr, member, vm);
	word(a, member);
	word(a, vm);
	word(a, cp_channel(k, sizeof(k), pfx));
	snprintf(k, sizeof(k), "U %s %s %" PRIu64, viewer, member, t_ns);
	word(a, k);
}

void cp_act_pin(struct cp_act *a, const char *pfx, uint64_t sensor, int on,
		uint64_t t_ns)
{
	char k[CP_KEY_LEN];

	eval(a, pin_lua, 1);
	word(a, cp_key_pins(k, sizeof(k), pfx));
	snprintf(k, sizeof(k), "%" PRIu64, sensor);
	word(a, k);
	word(a, on ? "1" : "0");
	word(a, cp_channel(k, sizeof(k), pfx));
	snprintf(k, sizeof(k), "P %" PRIu64 " %" PRIu64, sensor, t_ns);
	word(a, k);
}
