/*
 * unit.h - the CUnit suites of senseplane's EAL-free modules; each test file
 * registers one suite, main.c runs them.
 */
#ifndef UNIT_H
#define UNIT_H

#include <CUnit/CUnit.h>

void suite_siphash(void);
void suite_wire(void);
void suite_feed(void);
void suite_msgs(void);
void suite_config(void);
void suite_catalog(void);
void suite_hist(void);
void suite_histo(void);
void suite_keys(void);
void suite_route(void);
void suite_routeseq(void);
void suite_attn(void);
void suite_model(void);
void suite_viewseq(void);
void suite_cp(void);
void suite_json(void);
void suite_dplink(void);
void suite_allow(void);
void suite_replay(void);
void suite_token(void);
void suite_spl(void);
void suite_weblens(void);
void suite_record(void);
void suite_webagg(void);
void suite_joins(void);
void suite_args(void);
void suite_array(void);

/** Add a suite called @p name with @p n tests. */
void unit_add(const char *name, const CU_TestInfo *tests);

/** The same, with @p init run before its tests and @p cleanup after them
 * (either may be NULL; non-zero fails the suite): one set of tests run
 * twice with different settings. */
void unit_add_init(const char *name, int (*init)(void), int (*cleanup)(void),
		   const CU_TestInfo *tests);

/** Write @p text to a new temporary file; returns its path (static). */
const char *unit_tmpfile(const char *text);

#endif /* UNIT_H */
