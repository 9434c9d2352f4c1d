/*
 * test_io.h - the EAL suites of table-tests besides the table's own.
 */
#ifndef TEST_IO_H
#define TEST_IO_H

#include <CUnit/CUnit.h>

/** Pool, a net_ring port, the net addresses. @return 0 or -1. */
int io_setup(void);
extern const CU_TestInfo io_tests[];

#endif /* TEST_IO_H */
