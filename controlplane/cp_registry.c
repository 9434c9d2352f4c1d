/*
 * cp_registry.c - the node's sensors in Redis (see cp_registry.h).
 */
#include "cp_registry.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>
#include <jansson.h>

#include "cp_schema.h"
#include "cp_subs.h"
#include "sp_log.h"
#include "sp_time.h"

/* Register a batch of sensors ("ID:LCORE", or "ID:LCORE:1" for one the
 * dataplane has seen go idle) for node ARGV[1]: a sensor nobody owns gets
 * epoch 1, ours keeps its epoch, another node's moves to us with epoch + 1.
 * Then one event for what is new. Atomic: a sensor has one owner. Two
 * calls a sensor (its owner, epoch and first_seen read, then written) and
 * one SADD a batch: at a million sensors, after Redis came back empty,
 * the number of calls is the time. */
static const char CLAIM[] =
"local out, ids = {}, {}\n"
"for i = 5, #ARGV do\n"
"  local id, lcore, idle = string.match(ARGV[i], '^(%d+):(%d+):?(%d*)$')\n"
"  local key = ARGV[3] .. 'sensor:' .. id\n"
"  local cur = redis.call('HMGET', key, 'node', 'epoch', 'first_seen')\n"
"  local epoch = tonumber(cur[2]) or 0\n"
"  local ch = 's'\n"
"  if not cur[1] then epoch = 1; ch = 'r'\n"
"  elseif cur[1] ~= ARGV[1] then epoch = epoch + 1; ch = 'm' end\n"
"  redis.call('HSET', key, 'node', ARGV[1], 'lcore', lcore,\n"
"             'last_seen', ARGV[2], 'epoch', epoch,\n"
"             'idle', idle == '1' and 1 or 0,\n"
"             'first_seen', cur[3] or ARGV[2])\n"
"  ids[#ids + 1] = id\n"
"  if ch ~= 's' then out[#out + 1] = id .. ':' .. epoch .. ':' .. ch end\n"
"end\n"
"if #ids > 0 then redis.call('SADD', KEYS[1], unpack(ids)) end\n"
"if #out > 0 then\n"
"  redis.call('PUBLISH', ARGV[3] .. 'events',\n"
"             'S ' .. ARGV[1] .. ' ' .. ARGV[4] .. ' ' .. table.concat(out, ' '))\n"
"end\n"
"return #out\n";

/* Sensors gone idle (IDs), for node ARGV[1]: marked where the sensor is
 * still ours, and said with its epoch in one event for the batch. */
static const char IDLE[] =
"local out = {}\n"
"for i = 4, #ARGV do\n"
"  local key = ARGV[2] .. 'sensor:' .. ARGV[i]\n"
"  local cur = redis.call('HMGET', key, 'node', 'epoch')\n"
"  if cur[1] == ARGV[1] then\n"
"    redis.call('HSET', key, 'idle', 1)\n"
"    out[#out + 1] = ARGV[i] .. ':' .. (cur[2] or '0') .. ':g'\n"
"  end\n"
"end\n"
"if #out > 0 then\n"
"  redis.call('PUBLISH', ARGV[2] .. 'events',\n"
"             'S ' .. ARGV[1] .. ' ' .. ARGV[3] .. ' ' .. table.concat(out, ' '))\n"
"end\n"
"return #out\n";

/* ---- registration ---- */

static void on_claimed(redisAsyncContext *c, void *reply, void *priv)
{
	struct cp_node *n = priv;
	redisReply *r = reply;

	(void)c;
	/* no reply: the connection went with it in flight; the reconnect
	 * writes every sensor again, so it is not a refusal */
	if (r != NULL && r->type == REDIS_REPLY_ERROR) {
		n->registry_errors++;
		sp_logf(stderr, LOG_WARNING, "senseplane-ctld: registry: %s\n",
			r->str);
	}
}

uint64_t cp_batch_run(struct cp_node *n, struct cp_batch *b,
		      const char **head, int nhead, redisCallbackFn *cb)
{
	const char *argv[CP_BATCH + 8];
	uint64_t sent = 0;

	for (uint32_t off = 0; off < b->n; off += CP_BATCH) {
		uint32_t k = b->n - off < CP_BATCH ? b->n - off : CP_BATCH;

		memcpy(argv, head, (size_t)nhead * sizeof(*argv));
		for (uint32_t i = 0; i < k; i++)
			argv[nhead + i] = cp_batch_word(b, off + i);
		if (cp_redis_cmdargv(&n->redis, cb, n, nhead + (int)k, argv,
				     NULL) == 0) {
			sent += k;
		}
	}
	cp_batch_clear(b);
	return sent;
}

uint64_t cp_batch_run_joined(struct cp_node *n, struct cp_batch *b,
			     const char **head, int nhead,
			     redisCallbackFn *cb)
{
	const char *argv[16];
	uint64_t sent = 0;

	if (nhead + 1 > (int)(sizeof(argv) / sizeof(argv[0])))
		return 0;
	memcpy(argv, head, (size_t)nhead * sizeof(*argv));
	for (uint32_t off = 0; off < b->n; off += CP_BATCH) {
		uint32_t k = b->n - off < CP_BATCH ? b->n - off : CP_BATCH;

		argv[nhead] = cp_batch_join(b, off, k);
		if (cp_redis_cmdargv(&n->redis, cb, n, nhead + 1, argv,
				     NULL) == 0) {
			sent += k;
		}
	}
	cp_batch_clear(b);
	return sent;
}

/* Send what waits to be registered, one script call per CP_BATCH, then
 * the idle marks. */
void cp_registry_flush(struct cp_node *n)
{
	char nodes_key[CP_KEY_LEN], now_ms[24], t_ns[24];
	const char *head[8];

	if ((n->pend.n == 0 && n->idle.n == 0) || !n->redis.up)
		return;
	cp_key_node_sensors(nodes_key, sizeof(nodes_key), n->pfx, n->node);
	snprintf(now_ms, sizeof(now_ms), "%" PRIu64, sp_wall_ns() / 1000000);
	snprintf(t_ns, sizeof(t_ns), "%" PRIu64, sp_wall_ns());
	if (n->pend.n) {
		head[0] = "EVAL"; head[1] = CLAIM; head[2] = "1";
		head[3] = nodes_key; head[4] = n->node; head[5] = now_ms;
		head[6] = n->pfx; head[7] = t_ns;
		uint64_t sent = cp_batch_run(n, &n->pend, head, 8, on_claimed);

		n->registry_writes += sent;
		n->registry_batches += (sent + CP_BATCH - 1) / CP_BATCH;
	}
	if (n->idle.n) {
		head[0] = "EVAL"; head[1] = IDLE; head[2] = "0";
		head[3] = n->node; head[4] = n->pfx; head[5] = t_ns;
		n->idle_writes += cp_batch_run(n, &n->idle, head, 6, NULL);
	}
}

static void flush_soon(struct cp_node *n)
{
	if (!evtimer_pending(n->t_flush, NULL))
		cp_node_timer(n->t_flush, 1);   /* batch what comes within 1 ms */
}

/* A claim after idle marks waiting: those go first (a sensor reported
 * idle, then back within the millisecond, must end active). */
static void pend(struct cp_node *n, uint64_t sensor, unsigned int worker,
		 int idle)
{
	char buf[48];

	if (n->idle.n)
		cp_registry_flush(n);
	snprintf(buf, sizeof(buf), "%" PRIu64 ":%u%s", sensor, worker,
		 idle ? ":1" : "");
	cp_batch_push(&n->pend, buf);
	flush_soon(n);
}

void cp_registry_pend(struct cp_node *n, uint64_t sensor, unsigned int worker)
{
	pend(n, sensor, worker, 0);
}

void cp_registry_on_flush(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	cp_registry_flush(arg);
	cp_subs_flush(arg);
}

/* The sensor went idle: marked so, and said on the channel, batched like
 * the registrations (a network outage upstream silences them all at once).
 * Dropped while Redis is away: the claim after the reconnect writes idle 0
 * for every sensor, as it was before. */
void cp_registry_idle(struct cp_node *n, uint64_t sensor)
{
	char buf[24];

	if (!n->redis.up)
		return;
	snprintf(buf, sizeof(buf), "%" PRIu64, sensor);
	cp_batch_push(&n->idle, buf);
	flush_soon(n);
}

/* Each sensor the dataplane has, a page at a time, then @p done. */
struct pager {
	struct cp_node *n;
	void (*fn)(struct cp_node *, const struct cp_row *row);
	void (*done)(struct cp_node *);
};

#define PAGE "sensors 10000 %" PRIu64 " brief"

static void on_page(void *arg, json_t *r, const char *err)
{
	struct pager *pg = arg;
	json_t *b;
	size_t n;

	(void)err;
	if (r == NULL) {   /* the link went down: the reconnect starts over */
		free(pg);
		return;
	}
	b = json_object_get(r, "brief");
	n = json_array_size(b);
	for (size_t i = 0; i + 3 < n; i += 4) {
		struct cp_row row = {
			.id = (uint64_t)json_integer_value(json_array_get(b, i)),
			.worker = (unsigned int)json_integer_value(
				json_array_get(b, i + 1)),
			.age_ms = (int64_t)json_integer_value(
				json_array_get(b, i + 2)),
			.idle = json_integer_value(json_array_get(b, i + 3)) != 0,
		};

		pg->fn(pg->n, &row);
	}
	if (json_is_true(json_object_get(r, "more")) &&
	    cp_dplink_call(pg->n->dp, on_page, pg, PAGE, (uint64_t)
			   json_integer_value(json_object_get(r, "next"))) == 0)
		return;
	if (pg->done)
		pg->done(pg->n);
	free(pg);
}

void cp_registry_each(struct cp_node *n,
		      void (*fn)(struct cp_node *, const struct cp_row *row),
		      void (*done)(struct cp_node *))
{
	struct pager *pg = calloc(1, sizeof(*pg));
	char line[64];

	if (pg == NULL)
		return;
	*pg = (struct pager){ n, fn, done };
	snprintf(line, sizeof(line), PAGE, (uint64_t)0);
	if (cp_node_dp_send(n, on_page, pg, line) < 0)
		free(pg);
}

/* Claimed as the dataplane has it, idle or not. */
static void pend_row(struct cp_node *n, const struct cp_row *row)
{
	pend(n, row->id, row->worker, row->idle);
}

/* Every sensor the dataplane has: the start and every reconnect. */
void cp_registry_all(struct cp_node *n)
{
	cp_registry_each(n, pend_row, cp_registry_flush);
}

static void caught_up(struct cp_node *n)
{
	cp_registry_flush(n);
	n->catching_up = 0;
}

/* The dataplane's event ring refused `seen` or `idle` events (its
 * events_lost counter went up: a control thread starved of CPU while a
 * million sensors first sent): claim every sensor again, with its idle
 * mark, once at a time. What is already ours costs Redis two calls and no
 * event. */
void cp_registry_on_dp_lost(struct cp_node *n, uint64_t lost)
{
	if (lost < n->lost_handled)
		n->lost_handled = 0;   /* a new dataplane: its count anew */
	/* (what was lost before our first pass costs one more pass) */
	if (lost == n->lost_handled || n->catching_up || !n->redis.up)
		return;
	n->lost_handled = lost;
	n->catching_up = 1;
	n->catchups++;
	sp_logf(stderr, LOG_NOTICE, "senseplane-ctld: node %s: the dataplane "
		"lost sensor events (%" PRIu64 " so far); registering every "
		"sensor again\n", n->node, lost);
	cp_registry_each(n, pend_row, caught_up);
}

/* ---- last_seen ---- */

/* last_seen of sensors that are still ours: "ID:MS ID:MS ..." in ARGV[3]
 * (one string: see cp_batch_run_joined), never back. */
static const char SEEN[] =
"for id, ms in string.gmatch(ARGV[3], '(%d+):(%d+)') do\n"
"  local key = ARGV[2] .. 'sensor:' .. id\n"
"  local cur = redis.call('HMGET', key, 'node', 'last_seen')\n"
"  if cur[1] == ARGV[1] and (tonumber(cur[2]) or 0) < tonumber(ms) then\n"
"    redis.call('HSET', key, 'last_seen', ms) end\n"
"end\n"
"return 0\n";

static void flush_seen(struct cp_node *n)
{
	const char *head[] = { "EVAL", SEEN, "0", n->node, n->pfx };

	n->seen_writes += cp_batch_run_joined(n, &n->seen, head, 5, NULL);
}

/* A sensor that sent since the last sweep gets its time written: one
 * write per active sensor per controlplane.last_seen_s, not per packet. */
static void seen_row(struct cp_node *n, const struct cp_row *row)
{
	uint64_t now_ms = sp_wall_ns() / 1000000;
	char buf[48];

	if (row->age_ms > (int64_t)n->cfg->cp_last_seen_s * 1000 + 1000 ||
	    row->age_ms < 0 || (int64_t)now_ms < row->age_ms)
		return;
	snprintf(buf, sizeof(buf), "%" PRIu64 ":%" PRIu64, row->id,
		 now_ms - (uint64_t)row->age_ms);
	if (cp_batch_push(&n->seen, buf) >= CP_BATCH)
		flush_seen(n);
}

void cp_registry_on_seen(evutil_socket_t fd, short what, void *arg)
{
	struct cp_node *n = arg;

	(void)fd;
	(void)what;
	if (n->redis.up)
		cp_registry_each(n, seen_row, flush_seen);
	cp_node_timer(n->t_seen, n->cfg->cp_last_seen_s * 1000);
}

