/*
 * test_config.c - the configuration file and the attribute catalogue:
 * defaults, overrides, and errors that name the file, line, key and value.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_catalog.h"
#include "sp_config.h"
#include "sp_wire.h"
#include "unit.h"

static void test_defaults(void)
{
	struct sp_config c;

	sp_config_defaults(&c);
	CU_ASSERT_EQUAL(c.sensor_port, 7400);
	CU_ASSERT_EQUAL(c.mtu, 1500);
	CU_ASSERT_EQUAL(c.feed_group, 0xef4d0001u);  /* 239.77.0.1 */
	CU_ASSERT_EQUAL(c.heartbeat_ms, 500);
	CU_ASSERT_STRING_EQUAL(c.catalog, "attributes.conf");
}

static void test_load_and_rebase(void)
{
	struct sp_config c;
	char err[512];
	const char *p = unit_tmpfile(
		"; comment\n[port]\nip = 192.0.2.7\nmtu = 9000\n"
		"[feed]\nport=7600\n[dataplane]\ncatalog = cat.conf\n");

	sp_config_defaults(&c);
	CU_ASSERT_EQUAL_FATAL(sp_config_load(&c, p, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.ip, 0xc0000207u);
	CU_ASSERT_EQUAL(c.mtu, 9000);
	CU_ASSERT_EQUAL(c.feed_port, 7600);
	CU_ASSERT_STRING_EQUAL(c.catalog, "/tmp/cat.conf");
	CU_ASSERT_EQUAL(c.heartbeat_ms, 500);   /* untouched default */
	remove(p);
}

/* Each bad file must fail with an error naming file:line, key and value. */
static void expect_error(const char *text, const char *line, const char *key,
			 const char *value)
{
	struct sp_config c;
	char err[512], want[600];
	const char *p = unit_tmpfile(text);

	sp_config_defaults(&c);
	CU_ASSERT_EQUAL(sp_config_load(&c, p, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:%s:", p, line);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
	if (key)
		CU_ASSERT_PTR_NOT_NULL(strstr(err, key));
	if (value)
		CU_ASSERT_PTR_NOT_NULL(strstr(err, value));
	if (!strstr(err, want))
		fprintf(stderr, "\n    got: %s\n", err);
	remove(p);
}

static void test_errors(void)
{
	expect_error("[port]\nmtu = 100\n", "2", "port.mtu", "'100'");
	expect_error("[port]\n\nmtu = 1500x\n", "3", "port.mtu", "'1500x'");
	expect_error("[feed]\ngroup = 239.1.1\n", "2", "feed.group",
		     "'239.1.1'");
	expect_error("[dataplane]\nring_size = 1000\n", "2",
		     "dataplane.ring_size", "power of two");
	expect_error("[dataplane]\nrx_burst = -1\n", "2", "rx_burst", "'-1'");
	expect_error("[port]\nmtu = 1500\nspeed = 10\n", "3", "speed", "'10'");
	expect_error("[port]\nmtu\n", "2", NULL, NULL);
	expect_error("[nosuch]\nmtu = 1500\n", "2", "nosuch.mtu", NULL);
}

static void test_missing_file(void)
{
	struct sp_config c;
	char err[512];

	CU_ASSERT_EQUAL(sp_config_load(&c, "/nonexistent/sp.conf", err,
				       sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "/nonexistent/sp.conf"));
}

static void test_set(void)
{
	struct sp_config c;
	char err[512];

	sp_config_defaults(&c);
	CU_ASSERT_EQUAL(sp_config_set(&c, "feed.port=9000", err, sizeof(err)),
			0);
	CU_ASSERT_EQUAL(c.feed_port, 9000);
	CU_ASSERT_EQUAL(sp_config_set(&c, "feed.port=70000", err,
				      sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "70000"));
	CU_ASSERT_EQUAL(sp_config_set(&c, "feedport=1", err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(sp_config_set(&c, "feed.nokey=1", err, sizeof(err)),
			-1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "nokey"));
}

/* The shipped file loads and equals the defaults it documents. */
static void test_shipped_config(void)
{
	struct sp_config c, d;
	char err[512];

	sp_config_defaults(&c);
	sp_config_defaults(&d);
	CU_ASSERT_EQUAL_FATAL(sp_config_load(&c, SP_SOURCE_ROOT
			"/config/senseplane.conf", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.mtu, d.mtu);
	CU_ASSERT_EQUAL(c.feed_group, d.feed_group);
	CU_ASSERT_EQUAL(c.flush_us, d.flush_us);
}

/* [port] ip6: a list, each entry checked with inet_pton; a bad entry is
 * an error naming the key and the value. */
static void test_ip6(void)
{
	static const uint8_t a1[16] = { 0xfd, 0, 0, 0x99, [15] = 1 };
	static const uint8_t a2[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 7 };
	static char val[32768];   /* the whole dump */
	struct sp_config c;
	char err[512];
	const char *p;

	sp_config_defaults(&c);
	CU_ASSERT_EQUAL(c.ip6.n, 0);   /* none: link-local from the MAC */
	CU_ASSERT_EQUAL(sp_config_set(&c, "port.ip6=fd00:99::1", err,
				      sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(c.ip6.n, 1);
	CU_ASSERT_EQUAL(memcmp(c.ip6.addr[0], a1, 16), 0);
	CU_ASSERT_EQUAL(sp_config_set(&c, "port.ip6= fd00:99::1 ,2001:db8::7",
				      err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(c.ip6.n, 2);
	CU_ASSERT_EQUAL(memcmp(c.ip6.addr[1], a2, 16), 0);
	/* a repeated key replaces the list */
	CU_ASSERT_EQUAL(sp_config_set(&c, "port.ip6=2001:db8::7", err,
				      sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.ip6.n, 1);
	CU_ASSERT_EQUAL(memcmp(c.ip6.addr[0], a2, 16), 0);
	/* and an empty one empties it */
	CU_ASSERT_EQUAL(sp_config_set(&c, "port.ip6=", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.ip6.n, 0);

	/* errors: the key, the value and the entry at fault */
	CU_ASSERT_EQUAL(sp_config_set(&c, "port.ip6=fd00::1,fd00::zz", err,
				      sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "port.ip6"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "'fd00::zz' is not an IPv6"));
	CU_ASSERT_EQUAL(c.ip6.n, 0);   /* a bad list leaves it as it was */
	CU_ASSERT_EQUAL(sp_config_set(&c, "port.ip6=10.99.0.1", err,
				      sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "'10.99.0.1' is not an IPv6"));
	CU_ASSERT_EQUAL(sp_config_set(&c, "port.ip6=ff02::1", err,
				      sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "not a unicast"));
	CU_ASSERT_EQUAL(sp_config_set(&c, "port.ip6=::", err, sizeof(err)),
			-1);
	CU_ASSERT_EQUAL(sp_config_set(&c, "port.ip6=fd00::1,", err,
				      sizeof(err)), -1);
	CU_ASSERT_EQUAL(sp_config_set(&c, "port.ip6=fd00::1,,fd00::2", err,
				      sizeof(err)), -1);
	CU_ASSERT_EQUAL(sp_config_set(&c, "port.ip6=[fd00::1]", err,
				      sizeof(err)), -1);
	CU_ASSERT_EQUAL(sp_config_set(&c, "port.ip6=1::,2::,3::,4::,5::,6::,"
				      "7::,8::,9::", err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "more than 8"));
	expect_error("[port]\nip6 = fd00::1\nip6 = nope\n", "3", "ip6",
		     "nope");

	/* from a file, and written back as it was read */
	p = unit_tmpfile("[port]\nip6 = fd00:99::1, 2001:db8::7\n");
	sp_config_defaults(&c);
	CU_ASSERT_EQUAL_FATAL(sp_config_load(&c, p, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(c.ip6.n, 2);
	remove(p);
	{
		FILE *f = fmemopen(val, sizeof(val), "w");

		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		sp_config_dump(&c, f);
		fclose(f);
		CU_ASSERT_PTR_NOT_NULL(strstr(val,
				"ip6 = fd00:99::1,2001:db8::7\n"));
	}
}

static void test_catalog_shipped(void)
{
	static struct sp_catalog cat;
	static const char *const need[] = { "ecg", "respiration", "heartrate",
		"accelerometer", "gyroscope", "geolocation", "temperature",
		"humidity", "battery", "button" };
	const struct sp_attr *a;
	char err[512];

	CU_ASSERT_EQUAL_FATAL(sp_catalog_load(&cat, SP_SOURCE_ROOT
			"/config/attributes.conf", err, sizeof(err)), 0);
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		CU_ASSERT_PTR_NOT_NULL(sp_catalog_find(&cat, need[i]));
	a = sp_catalog_find(&cat, "ecg");
	CU_ASSERT_EQUAL(a->mode, SP_MODE_ALL);
	CU_ASSERT_EQUAL(sp_catalog_get(&cat, (uint16_t)a->id), a);
	a = sp_catalog_find(&cat, "geolocation");
	CU_ASSERT_EQUAL(a->vtype, SP_VT_F64);
	CU_ASSERT_EQUAL(a->dim, 3);
	CU_ASSERT_EQUAL(a->mode, SP_MODE_LATEST);
	CU_ASSERT_EQUAL(sp_attr_sample_size(a), 24);
	CU_ASSERT_PTR_NULL(sp_catalog_get(&cat, 999));
}

static void expect_cat_error(const char *text, const char *where,
			     const char *what)
{
	static struct sp_catalog cat;
	char err[512];
	const char *p = unit_tmpfile(text);

	CU_ASSERT_EQUAL(sp_catalog_load(&cat, p, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, where));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, what));
	if (!strstr(err, where) || !strstr(err, what))
		fprintf(stderr, "\n    got: %s\n", err);
	remove(p);
}

#define GOOD "id = 1\nvtype = f32\ndim = 1\nmode = latest\ndepth = 64\n" \
	     "rate = 1\n"

static void test_catalog_errors(void)
{
	expect_cat_error("[a]\n" GOOD "[b]\nid = 1\n", ":9:", "already used");
	expect_cat_error("[a]\nid = 1\nvtype = u8\n", ":3:", "'u8'");
	expect_cat_error("[a]\n" GOOD "dim = 17\n", ":8:", "'17'");
	expect_cat_error("[a]\n" GOOD "depth = 100\n", ":8:", "power of two");
	expect_cat_error("[a]\n" GOOD "mode = some\n", ":8:", "'some'");
	expect_cat_error("[a]\nid = 1\nvtype = f32\n", "[a]", "'dim'");
	expect_cat_error("[a]\n" GOOD "color = red\n", ":8:", "color");
	expect_cat_error("; nothing\n", "sp-unit-", "no attributes");
}

void suite_config(void)
{
	static const CU_TestInfo tests[] = {
		{ "defaults", test_defaults },
		{ "load, override, rebase paths", test_load_and_rebase },
		{ "errors name file, line, key, value", test_errors },
		{ "missing file", test_missing_file },
		{ "--set overrides", test_set },
		{ "shipped senseplane.conf", test_shipped_config },
		{ "port.ip6 list", test_ip6 },
		CU_TEST_INFO_NULL,
	};
	unit_add("config", tests);
}

void suite_catalog(void)
{
	static const CU_TestInfo tests[] = {
		{ "shipped catalogue", test_catalog_shipped },
		{ "errors name file, line, key, value", test_catalog_errors },
		CU_TEST_INFO_NULL,
	};
	unit_add("catalog", tests);
}
