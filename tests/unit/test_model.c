/*
 * test_model.c - the control model with a fake clock and a fake sender:
 * commands per change, lens and sensor-feed ids, TTL lapse and renewal,
 * pins, switches, errors, and heavy churn.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dp_model.h"
#include "sp_level.h"
#include "unit.h"

static struct dp_cmd cmds[4096];
static uint64_t cmd_sensor[4096];
static unsigned int ncmds;

static void fake_send(void *ctx, uint64_t sensor, const struct dp_cmd *c)
{
	(void)ctx;
	if (ncmds < 4096) {
		cmd_sensor[ncmds] = sensor;
		cmds[ncmds++] = *c;
	}
}

static struct dp_model *mk(uint32_t viewers, uint32_t subs)
{
	struct dp_model_params p = { .max_viewers = viewers,
		.max_subs = subs, .flags = DP_F_ALL, .sensor_feeds = true,
		.send = fake_send };

	ncmds = 0;
	return dp_model_create(&p);
}

/* Without per-sensor feeds a subscription takes no feed id: 70 000
 * distinct sensors (more than the 16-bit ids) and 100 lenses all fit
 * (B2 x100 watches ~63 000 sensors from 10 000 viewers); with them the
 * ids run out, said as such. */
static void test_no_sensor_feeds(void)
{
	struct dp_model_params p = { .max_viewers = 128, .max_subs = 1 << 17,
		.flags = DP_F_ALL, .send = fake_send };
	struct dp_model *m = dp_model_create(&p);
	char err[200], name[16];
	int rc = 0, lens;

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	for (int v = 0; v < 100; v++) {
		snprintf(name, sizeof(name), "v%d", v);
		lens = dp_model_viewer_add(m, name, 0xef000001u + (uint32_t)v,
					   7600, NULL, SP_LEVEL_LOW, 0, err,
					   sizeof(err));
		CU_ASSERT(lens >= DP_FEED_FIRST_DYNAMIC);
	}
	for (uint64_t s = 1; s <= 70000 && rc == 0; s++) {
		ncmds = 0;
		rc = dp_model_sub_add(m, "v7", s, 0, SP_LEVEL_NONE, 0, 0, err,
				      sizeof(err));
		if (rc == 0 && ncmds)
			CU_ASSERT_EQUAL(cmds[0].sensor_feed_id, 0);
	}
	CU_ASSERT_EQUAL(rc, 0);
	CU_ASSERT_EQUAL(dp_model_sensor_feed(m, 69999), 0);
	dp_model_free(m);

	p.sensor_feeds = true;
	m = dp_model_create(&p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT(dp_model_viewer_add(m, "v", 0xef000001u, 7600, NULL,
				      SP_LEVEL_LOW, 0, err, sizeof(err)) > 0);
	rc = 0;
	for (uint64_t s = 1; s <= 70000 && rc == 0; s++)
		rc = dp_model_sub_add(m, "v", s, 0, SP_LEVEL_NONE, 0, 0, err,
				      sizeof(err));
	CU_ASSERT(rc < 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "feed ids pool full (65520 ids"));
	CU_ASSERT_EQUAL(dp_model_refused(m, DP_POOL_FEED_IDS), 1);
	dp_model_free(m);
}

/* Every pool of the model refuses with an error that names the pool, its
 * size and the key that sets it, and counts the refusal; what was
 * refused sends nothing to the workers. */
static void test_pools_refuse_and_count(void)
{
	struct dp_model_params p = { .max_viewers = 3, .max_subs = 16,
		.max_outs = 2, .flags = DP_F_ALL, .send = fake_send };
	struct dp_model *m = dp_model_create(&p);
	char err[200] = "";
	unsigned int before;
	int rc = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	CU_ASSERT(dp_model_viewer_add(m, "a", 0xef000001u, 7600, NULL,
				      SP_LEVEL_LOW, 0, err, sizeof(err)) > 0);
	CU_ASSERT(dp_model_viewer_add(m, "b", 0xef000002u, 7600, NULL,
				      SP_LEVEL_LOW, 0, err, sizeof(err)) > 0);
	/* outs: two lenses fill a worker's two outs */
	before = ncmds;
	CU_ASSERT_EQUAL(dp_model_viewer_add(m, "c", 0xef000003u, 7600, NULL,
					    SP_LEVEL_LOW, 0, err, sizeof(err)),
			-ENOSPC);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "outs pool full (2 outs"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "attention.max_outs"));
	CU_ASSERT_EQUAL(dp_model_refused(m, DP_POOL_OUTS), 1);
	CU_ASSERT_EQUAL(ncmds, before);
	CU_ASSERT_EQUAL(dp_model_nviewers(m), 2);
	dp_model_free(m);

	/* viewers: max_viewers before max_outs */
	p.max_viewers = 2;
	p.max_outs = 0;
	m = dp_model_create(&p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	dp_model_viewer_add(m, "a", 0xef000001u, 7600, NULL, SP_LEVEL_LOW, 0,
			    err, sizeof(err));
	dp_model_viewer_add(m, "b", 0xef000002u, 7600, NULL, SP_LEVEL_LOW, 0,
			    err, sizeof(err));
	CU_ASSERT_EQUAL(dp_model_viewer_add(m, "c", 0xef000003u, 7600, NULL,
					    SP_LEVEL_LOW, 0, err, sizeof(err)),
			-ENOSPC);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "viewers pool full (2 viewers; "
				      "raise attention.max_viewers)"));
	CU_ASSERT_EQUAL(dp_model_refused(m, DP_POOL_VIEWERS), 1);

	/* subs: 16, the 17th refused; a renewal takes no slot */
	for (uint64_t s = 1; s <= 17 && rc == 0; s++)
		rc = dp_model_sub_add(m, "a", s, 0, SP_LEVEL_NONE, 0, 0, err,
				      sizeof(err));
	CU_ASSERT_EQUAL(rc, -ENOSPC);
	CU_ASSERT_EQUAL(dp_model_nsubs(m), 16);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "subs pool full (16 subscriptions;"
				      " raise attention.max_subs)"));
	CU_ASSERT_EQUAL(dp_model_refused(m, DP_POOL_SUBS), 1);
	CU_ASSERT_EQUAL(dp_model_sub_add(m, "a", 3, 0, SP_LEVEL_HIGH, 0, 0,
					 err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(dp_model_refused(m, DP_POOL_SUBS), 1);

	/* pins: DP_MODEL_MAX_PINS */
	rc = 0;
	for (uint64_t s = 1; s <= DP_MODEL_MAX_PINS + 1 && rc == 0; s++)
		rc = dp_model_pin(m, s, 1);
	CU_ASSERT_EQUAL(rc, -ENOSPC);
	CU_ASSERT_EQUAL(dp_model_refused(m, DP_POOL_PINS), 1);
	CU_ASSERT_EQUAL(dp_model_refused(m, DP_POOL_FEED_IDS), 0);
	dp_model_free(m);
}

#define MS 1000000ull

static void test_viewers(void)
{
	struct dp_model *m = mk(4, 16);
	char err[200];
	uint8_t mac[6] = { 2, 0, 0, 0, 0, 9 };
	int a, b;

	a = dp_model_viewer_add(m, "wall", 0xef000001, 7600, NULL,
				SP_LEVEL_MEDIUM, 0, err, sizeof(err));
	CU_ASSERT(a >= DP_FEED_FIRST_DYNAMIC);
	CU_ASSERT_EQUAL(ncmds, 1);
	CU_ASSERT_EQUAL(cmds[0].op, DP_CMD_OUT_ADD);
	CU_ASSERT_EQUAL(cmd_sensor[0], 0);   /* to every worker */
	CU_ASSERT_EQUAL(cmds[0].feed_id, a);
	b = dp_model_viewer_add(m, "desk", 0x0a000002, 7600, mac,
				SP_LEVEL_LOW, 0, err, sizeof(err));
	CU_ASSERT(b >= DP_FEED_FIRST_DYNAMIC && b != a);
	CU_ASSERT_EQUAL(cmds[1].has_mac, 1);
	CU_ASSERT_EQUAL(dp_model_viewer_add(m, "wall", 0xef000001, 1, NULL,
			SP_LEVEL_LOW, 0, err, sizeof(err)), -EEXIST);
	CU_ASSERT_EQUAL(dp_model_viewer_add(m, "uni", 0x0a000003, 1, NULL,
			SP_LEVEL_LOW, 0, err, sizeof(err)), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "MAC"));
	CU_ASSERT_EQUAL(dp_model_viewer_add(m, "", 0xef000001, 1, NULL,
			SP_LEVEL_LOW, 0, err, sizeof(err)), -EINVAL);
	CU_ASSERT_EQUAL(dp_model_nviewers(m), 2);
	CU_ASSERT_EQUAL(dp_model_viewer_rm(m, "nobody", err, sizeof(err)),
			-ENOENT);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "nobody"));
	CU_ASSERT_EQUAL(dp_model_viewer_rm(m, "wall", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(cmds[ncmds - 1].op, DP_CMD_OUT_DEL);
	CU_ASSERT_EQUAL(cmds[ncmds - 1].feed_id, a);
	CU_ASSERT_PTR_NULL(dp_model_viewer_find(m, "wall"));
	dp_model_free(m);
}

static void test_subs_and_sensor_feeds(void)
{
	struct dp_model *m = mk(4, 16);
	char err[200];
	int lens;
	uint16_t sf;

	lens = dp_model_viewer_add(m, "v", 0xef000001, 7600, NULL,
				   SP_LEVEL_MEDIUM, 0, err, sizeof(err));
	dp_model_viewer_add(m, "w", 0xef000002, 7600, NULL, SP_LEVEL_LOW, 0,
			    err, sizeof(err));
	ncmds = 0;
	CU_ASSERT_EQUAL(dp_model_sub_add(m, "v", 42, 0, 0, 0, 0, err,
					 sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(ncmds, 1);
	CU_ASSERT_EQUAL(cmds[0].op, DP_CMD_SET);
	CU_ASSERT_EQUAL(cmd_sensor[0], 42);   /* to the owner only */
	CU_ASSERT_EQUAL(cmds[0].level, SP_LEVEL_MEDIUM);   /* viewer's */
	CU_ASSERT_EQUAL(cmds[0].feed_id, lens);
	sf = cmds[0].sensor_feed_id;
	CU_ASSERT(sf >= DP_FEED_FIRST_DYNAMIC && sf != lens);
	CU_ASSERT_EQUAL(dp_model_sensor_feed(m, 42), sf);
	/* a second subscription to the sensor reuses its feed */
	dp_model_sub_add(m, "w", 42, 3, SP_LEVEL_HIGH, 0, 0, err, sizeof(err));
	CU_ASSERT_EQUAL(cmds[1].sensor_feed_id, 0);
	CU_ASSERT_EQUAL(cmds[1].level, SP_LEVEL_HIGH);
	CU_ASSERT_EQUAL(cmds[1].attr_id, 3);
	CU_ASSERT_EQUAL(dp_model_nsubs(m), 2);
	CU_ASSERT_EQUAL(dp_model_sub_add(m, "x", 42, 0, 0, 0, 0, err,
					 sizeof(err)), -ENOENT);
	CU_ASSERT_EQUAL(dp_model_sub_rm(m, "v", 42, 3, err, sizeof(err)),
			-ENOENT);
	CU_ASSERT_EQUAL(dp_model_sub_rm(m, "v", 42, 0, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(cmds[2].op, DP_CMD_UNSET);
	CU_ASSERT_EQUAL(dp_model_sensor_feed(m, 42), sf);   /* w still */
	/* removing w drops its subscription before its lens */
	ncmds = 0;
	CU_ASSERT_EQUAL(dp_model_viewer_rm(m, "w", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(ncmds, 2);
	CU_ASSERT_EQUAL(cmds[0].op, DP_CMD_UNSET);
	CU_ASSERT_EQUAL(cmds[1].op, DP_CMD_OUT_DEL);
	CU_ASSERT_EQUAL(dp_model_sensor_feed(m, 42), 0);
	CU_ASSERT_EQUAL(dp_model_nsubs(m), 0);
	dp_model_free(m);
}

/* A recorder's lens is marked in its command; its subscriptions take no
 * sensor feed, and leave a viewer's sensor feed be when they go. */
static void test_recorder(void)
{
	struct dp_model *m = mk(4, 16);
	char err[200];
	uint16_t sf;
	int lens;

	lens = dp_model_recorder_add(m, "rec", 0xef000009, 7600, NULL,
				     SP_LEVEL_MEDIUM, 0, err, sizeof(err));
	CU_ASSERT_FATAL(lens > 0);
	CU_ASSERT_EQUAL_FATAL(ncmds, 1);
	CU_ASSERT_EQUAL(cmds[0].op, DP_CMD_OUT_ADD);
	CU_ASSERT_EQUAL(cmds[0].flags, DP_LENS_RECORD);
	CU_ASSERT(dp_model_viewer_find(m, "rec")->record);
	dp_model_viewer_add(m, "v", 0xef000001, 7600, NULL, SP_LEVEL_LOW, 0,
			    err, sizeof(err));
	CU_ASSERT_EQUAL(cmds[1].flags, 0);
	CU_ASSERT(!dp_model_viewer_find(m, "v")->record);
	ncmds = 0;
	CU_ASSERT_EQUAL(dp_model_sub_add(m, "rec", 42, 0, 0, 0, 0, err,
					 sizeof(err)), 0);
	CU_ASSERT_EQUAL(cmds[0].sensor_feed_id, 0);
	CU_ASSERT_EQUAL(cmds[0].feed_id, lens);
	CU_ASSERT_EQUAL(dp_model_sensor_feed(m, 42), 0);
	dp_model_sub_add(m, "v", 42, 0, 0, 0, 0, err, sizeof(err));
	sf = cmds[1].sensor_feed_id;
	CU_ASSERT(sf >= DP_FEED_FIRST_DYNAMIC);
	CU_ASSERT_EQUAL(dp_model_sub_rm(m, "rec", 42, 0, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(dp_model_sensor_feed(m, 42), sf);   /* v's, kept */
	dp_model_free(m);
}

static void test_ttl(void)
{
	struct dp_model *m = mk(4, 16);
	char err[200];

	dp_model_viewer_add(m, "v", 0xef000001, 7600, NULL, SP_LEVEL_LOW, 0,
			    err, sizeof(err));
	dp_model_sub_add(m, "v", 1, 0, SP_LEVEL_HIGH, 500, 0, err, sizeof(err));
	dp_model_sub_add(m, "v", 2, 0, SP_LEVEL_HIGH, 0, 0, err, sizeof(err));
	ncmds = 0;
	CU_ASSERT_EQUAL(dp_model_tick(m, 499 * MS), 0);
	CU_ASSERT_EQUAL(ncmds, 0);
	/* renewed at 400 ms: lapses at 900 */
	dp_model_sub_add(m, "v", 1, 0, SP_LEVEL_HIGH, 500, 400 * MS, err,
			 sizeof(err));
	CU_ASSERT_EQUAL(dp_model_nsubs(m), 2);
	CU_ASSERT_EQUAL(dp_model_tick(m, 600 * MS), 0);
	CU_ASSERT_EQUAL(dp_model_tick(m, 900 * MS), 1);
	CU_ASSERT_EQUAL(cmds[ncmds - 1].op, DP_CMD_UNSET);
	CU_ASSERT_EQUAL(cmds[ncmds - 1].sensor_id, 1);
	CU_ASSERT_EQUAL(dp_model_nsubs(m), 1);
	CU_ASSERT_EQUAL(dp_model_tick(m, 100000 * MS), 0);   /* no TTL left */
	dp_model_free(m);
}

static void test_pins_flags(void)
{
	struct dp_model *m = mk(4, 16);

	CU_ASSERT_EQUAL(dp_model_pin(m, 5, 1), 0);
	CU_ASSERT_EQUAL(cmds[0].op, DP_CMD_SET);
	CU_ASSERT_EQUAL(cmds[0].feed_id, 0);
	CU_ASSERT_EQUAL(cmds[0].level, SP_LEVEL_HIGH);
	CU_ASSERT_EQUAL(dp_model_pin(m, 5, 1), -EEXIST);
	CU_ASSERT_EQUAL(dp_model_pin(m, 6, 0), -ENOENT);
	CU_ASSERT_EQUAL(dp_model_pin(m, 5, 0), 0);
	CU_ASSERT_EQUAL(cmds[1].op, DP_CMD_UNSET);
	dp_model_set_flags(m, DP_F_ALL & ~DP_F_ATTENTION);
	CU_ASSERT_EQUAL(cmds[2].op, DP_CMD_FLAGS);
	CU_ASSERT_EQUAL(cmds[2].flags, DP_F_ALL & ~DP_F_ATTENTION);
	CU_ASSERT_EQUAL(dp_flag_parse("backfill"), DP_F_BACKFILL);
	CU_ASSERT_EQUAL(dp_flag_parse("turbo"), 0);
	CU_ASSERT_STRING_EQUAL(dp_flag_name(DP_F_HINTS), "hints");
	/* every switch has a name, past the first eight bits too */
	for (uint32_t b = 1; b <= DP_F_LAST; b <<= 1) {
		CU_ASSERT_STRING_NOT_EQUAL(dp_flag_name(b), "?");
		CU_ASSERT_EQUAL(dp_flag_parse(dp_flag_name(b)), b);
		CU_ASSERT(DP_F_ALL & b);
	}
	CU_ASSERT_EQUAL(DP_F_ALL, DP_F_LAST * 2 - 1);
	CU_ASSERT_EQUAL(dp_flag_parse("dirtyvec"), DP_F_DIRTYVEC);
	dp_model_set_flags(m, DP_F_DIRTYVEC);
	CU_ASSERT_EQUAL(cmds[3].flags, DP_F_DIRTYVEC);
	CU_ASSERT_EQUAL(dp_model_flags(m), DP_F_DIRTYVEC);
	CU_ASSERT_EQUAL(dp_flag_parse("routes3"), DP_F_ROUTES3);
	CU_ASSERT_STRING_EQUAL(dp_flag_name(DP_F_RTXWARM), "rtxwarm");
	CU_ASSERT_STRING_EQUAL(dp_flag_name(DP_F_LAST << 1), "?");
	dp_model_free(m);
}

/* Many add/remove cycles: tombstones must not fill the index. */
static void test_churn(void)
{
	struct dp_model *m = mk(2, 64);
	char err[200];
	int ok = 1;

	dp_model_viewer_add(m, "v", 0xef000001, 7600, NULL, SP_LEVEL_LOW, 0,
			    err, sizeof(err));
	for (uint64_t s = 1; s <= 200000 && ok; s++) {
		ok &= dp_model_sub_add(m, "v", s, 0, 0, 0, 0, err,
				       sizeof(err)) == 0;
		ok &= dp_model_sub_rm(m, "v", s, 0, err, sizeof(err)) == 0;
	}
	CU_ASSERT_TRUE(ok);
	CU_ASSERT_EQUAL(dp_model_nsubs(m), 0);
	/* fill to the limit, then one more */
	for (uint64_t s = 1; s <= 64; s++)
		CU_ASSERT_EQUAL(dp_model_sub_add(m, "v", s, 0, 0, 0, 0, err,
						 sizeof(err)), 0);
	CU_ASSERT_EQUAL(dp_model_sub_add(m, "v", 65, 0, 0, 0, 0, err,
					 sizeof(err)), -ENOSPC);
	dp_model_free(m);
}

void suite_model(void)
{
	static const CU_TestInfo tests[] = {
		{ "viewers and lens ids", test_viewers },
		{ "subscriptions and sensor feeds", test_subs_and_sensor_feeds },
		{ "no sensor feeds: subscriptions take no feed id",
		  test_no_sensor_feeds },
		{ "pools refuse, named, and count", test_pools_refuse_and_count },
		{ "TTL lapse and renewal", test_ttl },
		{ "a recorder takes no sensor feeds", test_recorder },
		{ "pins and switches", test_pins_flags },
		{ "churn and limits", test_churn },
		CU_TEST_INFO_NULL,
	};
	unit_add("model", tests);
}
