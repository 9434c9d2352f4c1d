/*
 * main.c - runs every CUnit suite (or those named on the command line) and
 * exits non-zero when any assertion failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "unit.h"

void unit_add(const char *name, const CU_TestInfo *tests)
{
	unit_add_init(name, NULL, NULL, tests);
}

void unit_add_init(const char *name, int (*init)(void), int (*cleanup)(void),
		   const CU_TestInfo *tests)
{
	CU_SuiteInfo suites[] = {
		{ name, init, cleanup, NULL, NULL, (CU_TestInfo *)tests },
		CU_SUITE_INFO_NULL,
	};

	if (CU_register_suites(suites) != CUE_SUCCESS) {
		fprintf(stderr, "cannot register suite %s: %s\n", name,
			CU_get_error_msg());
		exit(2);
	}
}

const char *unit_tmpfile(const char *text)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/sp-unit-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		perror("unit_tmpfile");
		exit(2);
	}
	close(fd);
	return path;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*add)(void);
	} all[] = {
		{ "siphash", suite_siphash }, { "wire", suite_wire },
		{ "feed", suite_feed }, { "msgs", suite_msgs },
		{ "config", suite_config }, { "catalog", suite_catalog },
		{ "hist", suite_hist }, { "histo", suite_histo },
		{ "keys", suite_keys },
		{ "route", suite_route }, { "routeseq", suite_routeseq },
		{ "attn", suite_attn },
		{ "model", suite_model }, { "viewseq", suite_viewseq },
		{ "cp", suite_cp }, { "json", suite_json },
		{ "dplink", suite_dplink }, { "allow", suite_allow },
		{ "replay", suite_replay }, { "token", suite_token },
		{ "spl", suite_spl },
		{ "weblens", suite_weblens },
		{ "webagg", suite_webagg },
		{ "joins", suite_joins },
		{ "args", suite_args },
		{ "record", suite_record },
		{ "array", suite_array },
	};
	unsigned int failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		int want = argc < 2;

		for (int a = 1; a < argc; a++)
			want |= strcmp(argv[a], all[i].name) == 0;
		if (want)
			all[i].add();
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() +
		 CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
