/*
 * test_io.h - the EAL suites of table-tests besides the table's own.
 */
#ifndef TEST_IO_H
#define TEST_IO_H

#include <CUnit/CUnit.h>

/** Pool, a net_ring port, the net addresses. @return 0 or -1. */
int io_setup(void);
extern const CU_TestInfo io_tests[];
/* test_guard.c: source policy and rate limits */
extern const CU_TestInfo guard_tests[];
/* test_net6.c: IPv6 classification, neighbour discovery, echo */
extern const CU_TestInfo net6_tests[];

struct sp_catalog;
/** The catalogue of config/attributes.conf (test_table.c loads it). */
const struct sp_catalog *io_catalog(void);

#endif /* TEST_IO_H */
