/*
 * test_args.c - the request checker both sides share (sp_args): the one
 * table of requests, the `sensors` page's forms, brief included, and what
 * it refuses.
 */
#include <string.h>

#include "sp_args.h"
#include "unit.h"

static enum sp_args_code check(const char *line)
{
	char buf[256], *argv[SP_ARGS_MAX], err[256];
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (char *w = strtok(buf, " "); w && argc < SP_ARGS_MAX;
	     w = strtok(NULL, " "))
		argv[argc++] = w;
	return sp_args_check(NULL, argc, argv, err, sizeof(err));
}

static void test_sensors_forms(void)
{
	CU_ASSERT_EQUAL(check("sensors"), SP_ARGS_OK);
	CU_ASSERT_EQUAL(check("sensors 10"), SP_ARGS_OK);
	CU_ASSERT_EQUAL(check("sensors 10000 20000"), SP_ARGS_OK);
	CU_ASSERT_EQUAL(check("sensors 10000 0 brief"), SP_ARGS_OK);
}

static void test_sensors_refused(void)
{
	CU_ASSERT_EQUAL(check("sensors 0"), SP_ARGS_USAGE);
	CU_ASSERT_EQUAL(check("sensors ten"), SP_ARGS_USAGE);
	CU_ASSERT_EQUAL(check("sensors 10 0 full"), SP_ARGS_USAGE);
	CU_ASSERT_EQUAL(check("sensors 10 brief"), SP_ARGS_USAGE);
	CU_ASSERT_EQUAL(check("sensors 10 0 brief more"), SP_ARGS_USAGE);
}

/* One table: the protocol's 19 requests, each found by its word at its
 * index, its usage starting with that word, and a usage refusal quoting
 * the table. */
static void test_verb_table(void)
{
	static const char *const words[SP_VERB_N] = {
		"ping", "help", "viewer", "sub", "pin", "unpin", "pins",
		"attention", "sensors", "history", "flags", "feeds", "stats",
		"loss", "watch", "keys", "join", "leave", "joins",
	};
	char buf[64], *argv[2] = { buf, NULL }, err[256], want[256];

	CU_ASSERT_EQUAL(SP_VERB_N, 19);
	for (int v = 0; v < SP_VERB_N; v++) {
		const char *u = sp_args_verb_usage((enum sp_verb)v);
		size_t n = strlen(words[v]);

		CU_ASSERT_EQUAL(sp_args_verb(words[v]), v);
		CU_ASSERT_PTR_NOT_NULL(sp_args_verb_help((enum sp_verb)v));
		CU_ASSERT(strncmp(u, words[v], n) == 0 &&
			  (u[n] == ' ' || u[n] == '\0'));
		snprintf(want, sizeof(want), "usage: %s", u);
		CU_ASSERT_STRING_EQUAL(sp_args_usage(words[v]), want);
	}
	CU_ASSERT_EQUAL(sp_args_verb("frobnicate"), -1);
	CU_ASSERT_PTR_NULL(sp_args_usage("frobnicate"));
	snprintf(buf, sizeof(buf), "viewer");
	CU_ASSERT_EQUAL(sp_args_check(NULL, 1, argv, err, sizeof(err)),
			SP_ARGS_USAGE);
	CU_ASSERT_STRING_EQUAL(err, sp_args_usage("viewer"));
}

void suite_args(void)
{
	static const CU_TestInfo tests[] = {
		{ "one table of requests: words, usage, help", test_verb_table },
		{ "sensors: every form, brief included", test_sensors_forms },
		{ "sensors: malformed pages refused", test_sensors_refused },
		CU_TEST_INFO_NULL,
	};
	unit_add("args", tests);
}
