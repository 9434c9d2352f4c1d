/*
 * test_cp.c - the control plane's pure parts: Redis URLs, key names,
 * subscription members, event messages.
 */
#include <stdio.h>
#include <string.h>

#include "cp_actions.h"
#include "cp_apireq.h"
#include "cp_batch.h"
#include "cp_cache.h"
#include "cp_schema.h"
#include "cp_url.h"
#include "unit.h"

static void test_urls(void)
{
	struct cp_url u;
	char err[256], buf[256];

	CU_ASSERT_EQUAL(cp_url_parse("redis://127.0.0.1:6380/2", &u, err,
				     sizeof(err)), 0);
	CU_ASSERT_EQUAL(u.kind, CP_URL_TCP);
	CU_ASSERT_STRING_EQUAL(u.host, "127.0.0.1");
	CU_ASSERT_EQUAL(u.port, 6380);
	CU_ASSERT_EQUAL(u.db, 2);
	CU_ASSERT_EQUAL(cp_url_parse("redis://sp:s3cr:et@db.local", &u, err,
				     sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(u.user, "sp");
	CU_ASSERT_STRING_EQUAL(u.pass, "s3cr:et");
	CU_ASSERT_EQUAL(u.port, 6379);
	cp_url_print(&u, buf, sizeof(buf));
	CU_ASSERT_PTR_NULL(strstr(buf, "s3cr"));   /* never the password */
	CU_ASSERT_EQUAL(cp_url_parse("redis://pw@h:1", &u, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(u.user, "");
	CU_ASSERT_STRING_EQUAL(u.pass, "pw");
	CU_ASSERT_EQUAL(cp_url_parse("unix:///run/redis.sock?db=3", &u, err,
				     sizeof(err)), 0);
	CU_ASSERT_EQUAL(u.kind, CP_URL_UNIX);
	CU_ASSERT_STRING_EQUAL(u.path, "/run/redis.sock");
	CU_ASSERT_EQUAL(u.db, 3);
	CU_ASSERT_EQUAL(cp_url_parse("sentinel://a:26379,b:26380,c/mymaster",
				     &u, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(u.kind, CP_URL_SENTINEL);
	CU_ASSERT_EQUAL(u.nsentinels, 3);
	CU_ASSERT_EQUAL(u.sentinel_port[1], 26380);
	CU_ASSERT_EQUAL(u.sentinel_port[2], 26379);
	CU_ASSERT_STRING_EQUAL(u.master, "mymaster");
	CU_ASSERT_EQUAL(cp_url_parse("http://x", &u, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "http://x"));
	CU_ASSERT_EQUAL(cp_url_parse("redis://h:99999", &u, err, sizeof(err)),
			-1);
	CU_ASSERT_EQUAL(cp_url_parse("unix://relative", &u, err, sizeof(err)),
			-1);
	CU_ASSERT_EQUAL(cp_url_parse("sentinel://a:1", &u, err, sizeof(err)),
			-1);
}

static void test_keys(void)
{
	char b[128];
	uint64_t s;
	uint16_t a;

	CU_ASSERT_STRING_EQUAL(cp_key_node(b, sizeof(b), "sp:", "n1"),
			       "sp:node:n1");
	CU_ASSERT_STRING_EQUAL(cp_key_node_sensors(b, sizeof(b), "sp:", "n1"),
			       "sp:node:n1:sensors");
	CU_ASSERT_STRING_EQUAL(cp_key_sensor(b, sizeof(b), "sp:", 42),
			       "sp:sensor:42");
	CU_ASSERT_STRING_EQUAL(cp_key_sub(b, sizeof(b), "x:", "wall", 7, 3),
			       "x:sub:wall:7/3");
	CU_ASSERT_STRING_EQUAL(cp_key_sub(b, sizeof(b), "x:", "wall", 7, 0),
			       "x:sub:wall:7");
	CU_ASSERT_STRING_EQUAL(cp_channel(b, sizeof(b), "sp:"), "sp:events");
	CU_ASSERT_EQUAL(cp_sub_member_parse("42/7", &s, &a), 0);
	CU_ASSERT_EQUAL(s, 42);
	CU_ASSERT_EQUAL(a, 7);
	CU_ASSERT_EQUAL(cp_sub_member_parse("42", &s, &a), 0);
	CU_ASSERT_EQUAL(a, 0);
	CU_ASSERT_EQUAL(cp_sub_member_parse("0", &s, &a), -1);
	CU_ASSERT_EQUAL(cp_sub_member_parse("4/x", &s, &a), -1);
	CU_ASSERT_EQUAL(cp_sub_member_parse("4/70000", &s, &a), -1);
}

static void test_events(void)
{
	struct cp_event e;
	struct cp_sensor_item it;
	const char *cur;

	CU_ASSERT_EQUAL(cp_event_parse("S nodeA 123 5:1:r 6:3:m 7:2:g", &e), 0);
	CU_ASSERT_EQUAL(e.type, CP_EV_SENSORS);
	CU_ASSERT_STRING_EQUAL(e.name, "nodeA");
	CU_ASSERT_EQUAL(e.t_ns, 123);
	cur = e.items;
	CU_ASSERT_EQUAL(cp_event_next_sensor(&cur, &it), 1);
	CU_ASSERT_EQUAL(it.sensor, 5);
	CU_ASSERT_EQUAL(it.change, CP_SENSOR_REGISTERED);
	CU_ASSERT_EQUAL(cp_event_next_sensor(&cur, &it), 1);
	CU_ASSERT_EQUAL(it.epoch, 3);
	CU_ASSERT_EQUAL(it.change, CP_SENSOR_MOVED);
	CU_ASSERT_EQUAL(cp_event_next_sensor(&cur, &it), 1);
	CU_ASSERT_EQUAL(it.change, CP_SENSOR_GONE);
	CU_ASSERT_EQUAL(cp_event_next_sensor(&cur, &it), 0);
	cur = "5:1:x";
	CU_ASSERT_EQUAL(cp_event_next_sensor(&cur, &it), -1);
	CU_ASSERT_EQUAL(cp_event_parse("U wall 42/3 99", &e), 0);
	CU_ASSERT_STRING_EQUAL(e.name, "wall");
	CU_ASSERT_EQUAL(e.sensor, 42);
	CU_ASSERT_EQUAL(e.attr, 3);
	CU_ASSERT_EQUAL(e.t_ns, 99);
	CU_ASSERT_EQUAL(cp_event_parse("P 8 100", &e), 0);
	CU_ASSERT_EQUAL(e.sensor, 8);
	CU_ASSERT_EQUAL(cp_event_parse("V wall 5", &e), 0);
	CU_ASSERT_EQUAL(cp_event_parse("N n2 5", &e), 0);
	CU_ASSERT_EQUAL(cp_event_parse("Q x 1", &e), -1);
	CU_ASSERT_EQUAL(cp_event_parse("U wall 0 1", &e), -1);
	CU_ASSERT_EQUAL(cp_event_parse("P 8 1x", &e), -1);
	CU_ASSERT_EQUAL(cp_event_parse("V", &e), -1);
}

static void test_cache(void)
{
	struct cp_cache c;
	uint32_t a, b;

	CU_ASSERT_EQUAL_FATAL(cp_cache_init(&c), 0);
	a = cp_cache_node(&c, "nodeA");
	b = cp_cache_node(&c, "nodeB");
	CU_ASSERT_EQUAL(cp_cache_node(&c, "nodeA"), a);
	CU_ASSERT_NOT_EQUAL(a, b);
	CU_ASSERT_EQUAL(cp_cache_set(&c, 42, a, 1, 0), 1);
	CU_ASSERT_EQUAL(cp_cache_get(&c, 42)->node, a);
	/* moved to B at epoch 2 */
	CU_ASSERT_EQUAL(cp_cache_set(&c, 42, b, 2, 0), 1);
	/* a late event from the old owner cannot undo the move */
	CU_ASSERT_EQUAL(cp_cache_set(&c, 42, a, 1, 0), 0);
	CU_ASSERT_EQUAL(cp_cache_get(&c, 42)->node, b);
	CU_ASSERT_EQUAL(c.stale_ignored, 1);
	/* the same epoch refreshes (idle, back) */
	CU_ASSERT_EQUAL(cp_cache_set(&c, 42, b, 2, 1), 1);
	CU_ASSERT_EQUAL(cp_cache_get(&c, 42)->idle, 1);
	CU_ASSERT_PTR_NULL(cp_cache_get(&c, 43));
	/* growth keeps every entry */
	for (uint64_t s = 1000; s < 101000; s++)
		cp_cache_set(&c, s, a, 1, 0);
	CU_ASSERT_EQUAL(c.n, 100001);
	for (uint64_t s = 1000; s < 101000; s += 997)
		CU_ASSERT_PTR_NOT_NULL(cp_cache_get(&c, s));
	cp_cache_free(&c);
}

/* The words of @p a after the script, joined with spaces. */
static const char *joined(const struct cp_act *a)
{
	static char buf[2048];
	size_t off = 0;

	buf[0] = '\0';
	for (int w = 2; w < a->argc; w++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s",
					w > 2 ? " " : "", a->argv[w]);
	return buf;
}

/* Every operation is one EVAL (all of it or nothing in Redis), its keys
 * and arguments word for word (SCHEMA.md): the CLI's cluster mode, the
 * library and the daemon's restore all run these. What the scripts do is
 * tested against a Redis in tests/system/atomic.sh. */
static void test_actions(void)
{
	static struct cp_act a;

	cp_act_sub_put(&a, "sp:", "wall", 42, 3, "high", 5000, 77);
	CU_ASSERT_STRING_EQUAL(a.argv[0], "EVAL");
	CU_ASSERT_PTR_NOT_NULL(strstr(a.argv[1], "HGET"));
	CU_ASSERT_STRING_EQUAL(joined(&a), "4 sp:viewer:wall sp:sub:wall:42/3 "
		"sp:viewer:wall:subs sp:sensor:42:subs high 5000 42/3 wall/3 "
		"sp:events U wall 42/3 77");
	cp_act_sub_put(&a, "sp:", "wall", 42, 0, NULL, 0, 78);
	CU_ASSERT_STRING_EQUAL(joined(&a), "4 sp:viewer:wall sp:sub:wall:42 "
		"sp:viewer:wall:subs sp:sensor:42:subs  0 42 wall "
		"sp:events U wall 42 78");
	cp_act_sub_del(&a, "sp:", "wall", 42, 3, 79);
	CU_ASSERT_STRING_EQUAL(joined(&a), "4 sp:viewer:wall sp:sub:wall:42/3 "
		"sp:viewer:wall:subs sp:sensor:42:subs 42/3 wall/3 "
		"sp:events U wall 42/3 79");
	cp_act_viewer_put(&a, "sp:", "wall", "239.79.0.1:7601", "high", 1, 80);
	CU_ASSERT_STRING_EQUAL(joined(&a), "2 sp:viewer:wall sp:viewers wall "
		"239.79.0.1:7601 high 1 sp:events V wall 80");
	cp_act_viewer_del(&a, "sp:", "wall", 81);
	CU_ASSERT_STRING_EQUAL(joined(&a), "3 sp:viewer:wall "
		"sp:viewer:wall:subs sp:viewers wall sp: sp:events 81");
	cp_act_pin(&a, "sp:", 9, 1, 82);
	CU_ASSERT_STRING_EQUAL(joined(&a), "1 sp:pins 9 1 sp:events P 9 82");
	cp_act_pin(&a, "sp:", 9, 0, 83);
	CU_ASSERT_STRING_EQUAL(joined(&a), "1 sp:pins 9 0 sp:events P 9 83");
	CU_ASSERT(a.argc < CP_ACT_ARGS);
}

/* The node API's lines: what each asks, and refusals with the reason. */
static void test_api_lines(void)
{
	struct cp_api_req r;

	CU_ASSERT_EQUAL(cp_api_parse("auth abc\r", &r), CP_API_AUTH);
	CU_ASSERT_STRING_EQUAL(r.token, "abc");
	CU_ASSERT_EQUAL(cp_api_parse("whereis 42", &r), CP_API_WHEREIS);
	CU_ASSERT_EQUAL(r.sensor, 42);
	CU_ASSERT_EQUAL(cp_api_parse("whereis 0", &r), CP_API_BAD);
	CU_ASSERT_EQUAL(cp_api_parse("whereis 4x", &r), CP_API_BAD);
	CU_ASSERT_EQUAL(cp_api_parse("whereis", &r), CP_API_BAD);
	CU_ASSERT_EQUAL(cp_api_parse("ctld", &r), CP_API_CTLD);
	CU_ASSERT_EQUAL(cp_api_parse("stats", &r), CP_API_FORWARD);
	CU_ASSERT_EQUAL(cp_api_parse("history 5/ecg last 10", &r),
			CP_API_FORWARD);
	CU_ASSERT_EQUAL(cp_api_parse("history 5/ecg last", &r), CP_API_BAD);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "usage"));
	CU_ASSERT_EQUAL(cp_api_parse("frobnicate", &r), CP_API_BAD);
	CU_ASSERT_EQUAL(cp_api_parse("", &r), CP_API_BAD);
	CU_ASSERT_EQUAL(cp_api_parse("watch", &r), CP_API_BAD);
	/* 17 words: more than any request, refused rather than cut */
	CU_ASSERT_EQUAL(cp_api_parse("loss set a b c d e f g h i j k l m n o",
				     &r), CP_API_BAD);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.err, "more than"));
}

/* Words kept end to end; a call's words joined in place; the memory kept
 * across clears (no allocation per word: the daemon's last_seen sweep). */
static void test_batch(void)
{
	struct cp_batch b = { 0 };
	char w[32], want[8192];
	size_t wl = 0;

	for (uint32_t i = 0; i < 600; i++) {
		snprintf(w, sizeof(w), "%u:%u", i, 1700000000u + i);
		CU_ASSERT_EQUAL(cp_batch_push(&b, w), i + 1);
	}
	CU_ASSERT_STRING_EQUAL(cp_batch_word(&b, 0), "0:1700000000");
	CU_ASSERT_STRING_EQUAL(cp_batch_word(&b, 599), "599:1700000599");
	for (uint32_t i = 256; i < 512; i++)
		wl += (size_t)snprintf(want + wl, sizeof(want) - wl, "%s%u:%u",
				       i > 256 ? " " : "", i, 1700000000u + i);
	CU_ASSERT_STRING_EQUAL(cp_batch_join(&b, 256, 256), want);
	/* the words around the joined ones are untouched */
	CU_ASSERT_STRING_EQUAL(cp_batch_word(&b, 255), "255:1700000255");
	const char *last = cp_batch_join(&b, 512, 88);

	CU_ASSERT_EQUAL(strncmp(last, "512:1700000512 513:", 19), 0);
	CU_ASSERT_EQUAL(strlen(last), 88 * 14 + 87);  /* 88 words of 14 */
	CU_ASSERT_PTR_NOT_NULL(strstr(last, " 599:1700000599"));
	CU_ASSERT_STRING_EQUAL(cp_batch_join(&b, 0, 1), "0:1700000000");

	char *buf = b.buf;
	uint32_t *end = b.end;

	cp_batch_clear(&b);
	CU_ASSERT_EQUAL(b.n, 0);
	CU_ASSERT_EQUAL(cp_batch_push(&b, "7:1"), 1);
	CU_ASSERT_STRING_EQUAL(cp_batch_join(&b, 0, 1), "7:1");
	CU_ASSERT_PTR_EQUAL(b.buf, buf);        /* kept, not allocated again */
	CU_ASSERT_PTR_EQUAL(b.end, end);
	cp_batch_free(&b);
	CU_ASSERT_PTR_NULL(b.buf);
	CU_ASSERT_EQUAL(b.n, 0);
}

void suite_cp(void)
{
	static const CU_TestInfo tests[] = {
		{ "Redis URLs", test_urls },
		{ "key names and members", test_keys },
		{ "event messages", test_events },
		{ "discovery cache and epochs", test_cache },
		{ "the cluster's writes, word for word", test_actions },
		{ "node API lines", test_api_lines },
		{ "batched words, joined in place", test_batch },
		CU_TEST_INFO_NULL,
	};
	unit_add("cp", tests);
}

