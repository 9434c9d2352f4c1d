/*
 * test_array.c - room in a growable array (common/sp_array.h), the one
 * doubling the recorder's key table and the gateway's lists use: it
 * doubles from the first size, keeps what the array held, leaves an array
 * with room as it is, and refuses a size that overflows without touching
 * the array or its capacity.
 */
#include <stdint.h>
#include <stdlib.h>

#include "sp_array.h"
#include "unit.h"

static void test_from_empty(void)
{
	uint32_t cap = 0;
	uint64_t *v = sp_array_grow(NULL, &cap, 1, sizeof(*v), 4);

	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_EQUAL(cap, 4);
	free(v);
	/* no first size given: one */
	cap = 0;
	v = sp_array_grow(NULL, &cap, 1, sizeof(*v), 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_EQUAL(cap, 1);
	free(v);
}

static void test_doubles_and_keeps(void)
{
	uint32_t cap = 0, n = 0, grown = 0;
	uint32_t *v = NULL;

	for (uint32_t i = 0; i < 10000; i++) {
		if (n == cap) {
			uint32_t *nv = sp_array_grow(v, &cap, n + 1,
						     sizeof(*nv), 16);

			CU_ASSERT_PTR_NOT_NULL_FATAL(nv);
			v = nv;
			grown++;
		}
		v[n++] = i * 7;
	}
	/* 16, 32, ..., 16384: 11 allocations for 10 000 additions */
	CU_ASSERT_EQUAL(cap, 16384);
	CU_ASSERT_EQUAL(grown, 11);
	for (uint32_t i = 0; i < n; i++)
		CU_ASSERT_EQUAL_FATAL(v[i], i * 7);
	free(v);
}

static void test_room_left_alone(void)
{
	uint32_t cap = 0;
	char *v = sp_array_grow(NULL, &cap, 5, 1, 8), *w;

	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	CU_ASSERT_EQUAL(cap, 8);
	w = sp_array_grow(v, &cap, 8, 1, 8);
	CU_ASSERT_PTR_EQUAL(w, v);
	CU_ASSERT_EQUAL(cap, 8);
	/* a need far past the capacity: doubled until it fits */
	w = sp_array_grow(v, &cap, 100, 1, 8);
	CU_ASSERT_PTR_NOT_NULL_FATAL(w);
	CU_ASSERT_EQUAL(cap, 128);
	free(w);
}

static void test_overflow_refused(void)
{
	uint32_t cap = 4;
	uint64_t *v = malloc(4 * sizeof(*v));
	void *w;

	CU_ASSERT_PTR_NOT_NULL_FATAL(v);
	v[3] = 42;
	/* elements so large that the bytes overflow size_t */
	w = sp_array_grow(v, &cap, 5, SIZE_MAX / 4, 4);
	CU_ASSERT_PTR_NULL(w);
	CU_ASSERT_EQUAL(cap, 4);
	CU_ASSERT_EQUAL(v[3], 42);
	/* a count past what doubling reaches in 32 bits: exactly the need,
	 * whose bytes overflow again: refused before any allocation (under
	 * ASan too), nothing changed */
	w = sp_array_grow(v, &cap, UINT32_MAX, SIZE_MAX / UINT32_MAX + 1, 4);
	CU_ASSERT_PTR_NULL(w);
	CU_ASSERT_EQUAL(cap, 4);
	CU_ASSERT_EQUAL(v[3], 42);
	free(v);
}

void suite_array(void)
{
	static const CU_TestInfo tests[] = {
		{ "from empty: the first size", test_from_empty },
		{ "doubles, keeps what it held", test_doubles_and_keeps },
		{ "an array with room is left as it is", test_room_left_alone },
		{ "an overflowing size is refused, nothing changed",
		  test_overflow_refused },
		CU_TEST_INFO_NULL,
	};
	unit_add("array", tests);
}
