/*
 * test_args.c - the request checker both sides share (sp_args): the
 * `sensors` page's forms, brief included, and what it refuses.
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

void suite_args(void)
{
	static const CU_TestInfo tests[] = {
		{ "sensors: every form, brief included", test_sensors_forms },
		{ "sensors: malformed pages refused", test_sensors_refused },
		CU_TEST_INFO_NULL,
	};
	unit_add("args", tests);
}
