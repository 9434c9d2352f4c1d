/*
 * test_record.c - senseplane-record's pure parts: the key spec, the
 * watermark table and its file (a kill between writes leaves a whole
 * file), version widening, a batch's JSON lines (grouped by series, exact
 * values, ms times), the number formatting held to snprintf, and reading
 * a history answer (what the ring lost).
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "rec_batch.h"
#include "rec_fill.h"
#include "rec_fmt.h"
#include "rec_spec.h"
#include "rec_table.h"
#include "sp_catalog.h"
#include "unit.h"

static struct sp_catalog *cat(void)
{
	static struct sp_catalog *c;
	char err[256];

	if (c == NULL)
		c = sp_catalog_open("", err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	return c;
}

static void test_spec(void)
{
	struct rec_spec s;
	char err[256];
	const struct sp_attr *ecg = sp_catalog_find(cat(), "ecg");
	const struct sp_attr *hr = sp_catalog_find(cat(), "heartrate");

	CU_ASSERT_PTR_NOT_NULL_FATAL(ecg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(hr);
	CU_ASSERT_EQUAL(rec_spec_parse(&s, "all", cat(), err, sizeof(err)), 0);
	CU_ASSERT(rec_spec_sensor(&s, 1) && rec_spec_sensor(&s, 1u << 30));
	CU_ASSERT(rec_spec_attr(&s, (uint16_t)ecg->id));
	CU_ASSERT_EQUAL(rec_spec_parse(&s, "1-1000,2000/ecg,heartrate", cat(),
				       err, sizeof(err)), 0);
	CU_ASSERT(rec_spec_sensor(&s, 1) && rec_spec_sensor(&s, 1000) &&
		  rec_spec_sensor(&s, 2000));
	CU_ASSERT(!rec_spec_sensor(&s, 1001) && !rec_spec_sensor(&s, 0));
	CU_ASSERT(rec_spec_attr(&s, (uint16_t)ecg->id) &&
		  rec_spec_attr(&s, (uint16_t)hr->id));
	CU_ASSERT_EQUAL(s.nattrs, 2);
	CU_ASSERT_EQUAL(rec_spec_parse(&s, "all/ecg", cat(), err,
				       sizeof(err)), 0);
	CU_ASSERT(s.all_sensors && s.nattrs == 1);
	/* errors name what is wrong */
	CU_ASSERT_EQUAL(rec_spec_parse(&s, "5-2", cat(), err, sizeof(err)),
			-1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "backwards"));
	CU_ASSERT_EQUAL(rec_spec_parse(&s, "1-10/nosuch", cat(), err,
				       sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "nosuch"));
	CU_ASSERT_EQUAL(rec_spec_parse(&s, "x", cat(), err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(rec_spec_parse(&s, "0", cat(), err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(rec_spec_parse(&s, "1/", cat(), err, sizeof(err)),
			-1);
	CU_ASSERT_EQUAL(rec_spec_parse(&s, "", cat(), err, sizeof(err)), -1);
}

static void test_version64(void)
{
	CU_ASSERT_EQUAL(rec_version64(0, 5), 5);
	CU_ASSERT_EQUAL(rec_version64(100, 150), 150);
	CU_ASSERT_EQUAL(rec_version64(100, 90), 90);          /* behind */
	CU_ASSERT_EQUAL(rec_version64(0xfffffff0ull, 5), 0x100000005ull);
	CU_ASSERT_EQUAL(rec_version64(0x100000005ull, 0xfffffff0u),
			0xfffffff0ull);
}

static void test_table_file(void)
{
	struct rec_table t, u;
	char dir[] = "/tmp/sp-rec-XXXXXX", path[64], tmp[80], err[256];
	struct rec_key *k;
	FILE *f;

	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/watermarks", dir);
	CU_ASSERT_EQUAL_FATAL(rec_table_init(&t), 0);
	/* a missing file is an empty table */
	CU_ASSERT_EQUAL(rec_table_load(&t, path, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(t.n, 0);
	for (uint64_t s = 1; s <= 3000; s++) {     /* the index grows */
		k = rec_table_get(&t, s, (uint16_t)(s % 7 + 1));
		CU_ASSERT_PTR_NOT_NULL_FATAL(k);
		k->acked = s * 10;
		k->acked_t_ns = s * 1000000000ull;
		k->lost = s == 5 ? 42 : 0;
		k->known = 1;
	}
	CU_ASSERT_EQUAL(t.n, 3000);
	CU_ASSERT_PTR_EQUAL(rec_table_get(&t, 7, 1), rec_table_find(&t, 7, 1));
	CU_ASSERT_PTR_NULL(rec_table_find(&t, 7, 2));
	rec_table_session(&t, 0xabcdef);
	CU_ASSERT_EQUAL(rec_table_save(&t, path, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(access(path, R_OK), 0);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	CU_ASSERT_NOT_EQUAL(access(tmp, F_OK), 0);   /* renamed away */

	CU_ASSERT_EQUAL_FATAL(rec_table_init(&u), 0);
	CU_ASSERT_EQUAL(rec_table_load(&u, path, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(u.n, 3000);
	CU_ASSERT_EQUAL(u.session, 0xabcdef);
	k = rec_table_find(&u, 5, 5 % 7 + 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	CU_ASSERT_EQUAL(k->acked, 50);
	CU_ASSERT_EQUAL(k->queued, 50);
	CU_ASSERT_EQUAL(k->acked_t_ns, 5000000000ull);
	CU_ASSERT_EQUAL(k->lost, 42);
	CU_ASSERT(k->known);
	/* the same run: nothing changes; a new one: versions start again */
	CU_ASSERT_EQUAL(rec_table_session(&u, 0xabcdef), 0);
	CU_ASSERT_EQUAL(rec_table_session(&u, 0x1234), 1);
	CU_ASSERT_EQUAL(k->acked, 0);
	CU_ASSERT(k->known);
	rec_table_free(&u);

	/* a damaged file is refused with its line */
	f = fopen(path, "a");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("12 x\n", f);
	fclose(f);
	CU_ASSERT_EQUAL_FATAL(rec_table_init(&u), 0);
	CU_ASSERT_EQUAL(rec_table_load(&u, path, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ":3004:"));
	rec_table_free(&u);
	f = fopen(path, "w");
	fputs("something else\n", f);
	fclose(f);
	CU_ASSERT_EQUAL_FATAL(rec_table_init(&u), 0);
	CU_ASSERT_EQUAL(rec_table_load(&u, path, err, sizeof(err)), -1);
	rec_table_free(&u);
	rec_table_free(&t);
	unlink(path);
	rmdir(dir);
}

/* Two keys, the first in two runs: one line per (key, value index),
 * the first key's runs in order, values exact, times in ms. */
static void test_batch_encode(void)
{
	struct rec_batch b;
	struct rec_buf o = { 0 };
	struct rec_run *r;
	json_t *line1, *line2, *line3;
	json_error_t je;
	char *nl1, *nl2;
	float f = 0.1f;

	rec_batch_init(&b);
	r = rec_batch_run(&b, 3, 42, "ecg", 1, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	b.times[r->toff] = 1700000000000;
	b.times[r->toff + 1] = 1700000000004;
	b.vals[r->voff] = (double)f;
	b.vals[r->voff + 1] = -2.5;
	r = rec_batch_run(&b, 1, 7, "accelerometer", 3, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	b.times[r->toff] = 1700000000001;
	b.vals[r->voff] = 1;
	b.vals[r->voff + 1] = 2;
	b.vals[r->voff + 2] = 9007199254740993.0;
	r = rec_batch_run(&b, 3, 42, "ecg", 1, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	b.times[r->toff] = 1700000000008;
	b.vals[r->voff] = 3;
	CU_ASSERT_EQUAL(rec_batch_samples(&b), 4);
	CU_ASSERT_EQUAL(rec_batch_encode(&b, &o), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o.p);
	o.p[o.len] = '\0';
	/* the key of index 1 first: three lines, i = 0, 1, 2 */
	line1 = json_loads(o.p, JSON_DISABLE_EOF_CHECK, &je);
	CU_ASSERT_PTR_NOT_NULL_FATAL(line1);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(
		json_object_get(line1, "metric"), "__name__")),
		"senseplane_sample");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(
		json_object_get(line1, "metric"), "sensor")), "7");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(
		json_object_get(line1, "metric"), "i")), "0");
	nl1 = strchr(o.p, '\n');
	nl2 = strchr(strchr(nl1 + 1, '\n') + 1, '\n');
	line2 = json_loads(nl1 + 1, JSON_DISABLE_EOF_CHECK, &je);
	line3 = json_loads(nl2 + 1, JSON_DISABLE_EOF_CHECK, &je);
	CU_ASSERT_PTR_NOT_NULL_FATAL(line2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(line3);
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(
		json_object_get(line2, "metric"), "i")), "1");
	/* the ecg key: its two runs in one series, in order */
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(
		json_object_get(line3, "metric"), "attr")), "ecg");
	CU_ASSERT_EQUAL(json_array_size(json_object_get(line3, "values")), 3);
	CU_ASSERT_EQUAL(json_integer_value(json_array_get(json_object_get(
		line3, "timestamps"), 2)), 1700000000008);
	/* an f32 as float64 exactly */
	CU_ASSERT_EQUAL(json_number_value(json_array_get(json_object_get(
		line3, "values"), 0)), (double)f);
	CU_ASSERT_EQUAL(json_number_value(json_array_get(json_object_get(
		line3, "values"), 1)), -2.5);
	CU_ASSERT_EQUAL(json_number_value(json_array_get(json_object_get(
		line3, "values"), 2)), 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(o.p, "9007199254740992") ?
			       strstr(o.p, "9007199254740992") :
			       strstr(o.p, "9.007199254740992e+15"));
	CU_ASSERT_EQUAL(o.p[o.len - 1], '\n');
	json_decref(line1);
	json_decref(line2);
	json_decref(line3);
	rec_batch_reset(&b);
	CU_ASSERT_EQUAL(rec_batch_samples(&b), 0);
	rec_buf_reset(&o);
	CU_ASSERT_EQUAL(rec_batch_encode(&b, &o), 0);
	CU_ASSERT_EQUAL(o.len, 0);
	/* the values JSON has no number for: the store's bare words */
	r = rec_batch_run(&b, 0, 1, "temperature", 1, 4);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	b.vals[0] = NAN;
	b.vals[1] = INFINITY;
	b.vals[2] = -INFINITY;
	b.vals[3] = -0.0;
	for (int i = 0; i < 4; i++)
		b.times[i] = i;
	CU_ASSERT_EQUAL(rec_batch_encode(&b, &o), 0);
	o.p[o.len] = '\0';
	CU_ASSERT_PTR_NOT_NULL(strstr(o.p, "\"values\":[NaN,Inf,-Inf,-0]"));
	rec_buf_free(&o);
	rec_batch_free(&b);
}

/* @p v through rec_fmt_g17 and snprintf's "%.17g": the same text. */
static int g17_same(double v)
{
	char want[64], got[REC_FMT_MAX + 1];
	size_t n = rec_fmt_g17(got, v);

	got[n] = '\0';
	snprintf(want, sizeof(want), "%.17g", v);
	if (strcmp(want, got) != 0) {
		fprintf(stderr, "rec_fmt_g17(%a): '%s', snprintf '%s'\n", v,
			got, want);
		return 0;
	}
	return 1;
}

/* Every float32 bit pattern at random, every mantissa of a few exponents
 * (ties and carries into a new digit among them), the edges, and doubles
 * that are not float32 values (the snprintf path): all as snprintf. */
static void test_fmt(void)
{
	static const double edges[] = {
		1, -1, 0.5, 0.1f, -0.1f, 1e-3f, 123456.789f, 16777216.0f,
		3.4028234663852886e38, 1.1754943508222875e-38, 1.4e-45f,
		1e16f, 1e17f, 9.999999e16f, 0.0001f, 0.00001f, 9.5367431640625e-07,
		0.1, 1.0 / 3, 6.02214076e23, -0.0, 0.0, 1e300, 5e-324,
	};
	static const int64_t ints[] = {
		0, 1, -1, 9, 10, 99, 100, INT64_MAX, INT64_MIN, 1700000000004,
	};
	uint32_t x = 2463534242u;
	char want[32], got[REC_FMT_MAX + 1];
	int bad = 0;

	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
		bad += !g17_same(edges[i]);
	for (int i = 0; i < 1000000 && bad < 5; i++) {
		float f;

		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		memcpy(&f, &x, sizeof(f));
		if (isfinite(f))
			bad += !g17_same((double)f);
	}
	for (uint32_t e = 0; e < 255 && bad < 5; e += 37)
		for (uint32_t m = 0; m < (1u << 23) && bad < 5; m += 61) {
			uint32_t bits = (e << 23) | m;
			float f;

			memcpy(&f, &bits, sizeof(f));
			bad += !g17_same((double)f);
		}
	CU_ASSERT_EQUAL(bad, 0);
	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		size_t n = rec_fmt_i64(got, ints[i]);

		got[n] = '\0';
		snprintf(want, sizeof(want), "%" PRId64, ints[i]);
		CU_ASSERT_STRING_EQUAL(got, want);
	}
}

/* A history answer after version 10: the ring starts at 14, so 11-13
 * are lost; values and times read back into the batch. */
static void test_fill_parse(void)
{
	struct rec_key k = { .sensor = 9, .attr = 3, .name = "ecg" };
	struct rec_batch b;
	struct rec_fill f;
	char err[256];
	json_error_t je;
	json_t *h = json_loads("{\"sensor\":9,\"attr\":3,\"dim\":1,"
		"\"received\":15,\"first_version\":14,\"samples\":"
		"[[1700000000001000000,0.5],[1700000000005999999,\"-Infinity\"]]"
		"}", 0, &je);

	CU_ASSERT_PTR_NOT_NULL_FATAL(h);
	rec_batch_init(&b);
	CU_ASSERT_EQUAL(rec_fill_parse(h, &k, 4, 10, &b, &f, err, sizeof(err)),
			0);
	CU_ASSERT_EQUAL(f.lost, 3);
	CU_ASSERT_EQUAL(f.n, 2);
	CU_ASSERT_EQUAL(f.v_last, 15);
	CU_ASSERT_EQUAL(f.received, 15);
	CU_ASSERT_EQUAL(f.t_last_ns, 1700000000005999999ull);
	CU_ASSERT_EQUAL_FATAL(b.nruns, 1);
	CU_ASSERT_EQUAL(b.runs[0].key, 4);
	CU_ASSERT_EQUAL(b.times[0], 1700000000001);
	CU_ASSERT_EQUAL(b.times[1], 1700000000005);     /* truncated */
	CU_ASSERT_EQUAL(b.vals[0], 0.5);
	CU_ASSERT(isinf(b.vals[1]) && b.vals[1] < 0);
	json_decref(h);
	/* nothing after 15: none lost, none read */
	h = json_loads("{\"dim\":1,\"received\":15,\"first_version\":16,"
		       "\"samples\":[]}", 0, &je);
	CU_ASSERT_EQUAL(rec_fill_parse(h, &k, 4, 15, &b, &f, err, sizeof(err)),
			0);
	CU_ASSERT_EQUAL(f.lost, 0);
	CU_ASSERT_EQUAL(f.n, 0);
	json_decref(h);
	/* a malformed sample: refused, the batch as it was */
	h = json_loads("{\"dim\":1,\"received\":17,\"first_version\":16,"
		       "\"samples\":[[1,2],[3]]}", 0, &je);
	CU_ASSERT_EQUAL(rec_fill_parse(h, &k, 4, 15, &b, &f, err, sizeof(err)),
			-1);
	CU_ASSERT_EQUAL(rec_batch_samples(&b), 2);
	json_decref(h);
	rec_batch_free(&b);
}

void suite_record(void)
{
	static const CU_TestInfo tests[] = {
		{ "key spec", test_spec },
		{ "versions widened from 32 bits", test_version64 },
		{ "watermark table and file", test_table_file },
		{ "batch as JSON lines", test_batch_encode },
		{ "numbers as snprintf writes them", test_fmt },
		{ "history answer: samples and what was lost",
		  test_fill_parse },
		CU_TEST_INFO_NULL,
	};
	unit_add("record", tests);
}
