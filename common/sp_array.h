/*
 * sp_array.h - room in a growable array: the doubling that the recorder's
 * key table, the gateway's per-key tab lists and its worklists each wrote
 * by hand (and several other tables still do).
 *
 * One function, typed by the caller: it takes and returns the array as
 * void * and is told the element size, so that it writes no pointer
 * through a pointer of another type (no void ** cast of a struct's
 * field). The capacity doubles (from @p first when the array is empty)
 * until @p need fits, so filling one at a time costs amortised O(1);
 * sizes that overflow fail like a refused allocation. On failure the
 * array and its capacity are unchanged: the caller keeps what it had and
 * refuses the one addition.
 */
#ifndef SP_ARRAY_H
#define SP_ARRAY_H

#include <stddef.h>
#include <stdint.h>

/**
 * Room for @p need (at least 1) elements of @p size bytes in array @p v
 * of capacity *@p cap (elements; 0 with @p v NULL: none yet).
 * @return the array (@p v itself when it had room, else a reallocation of
 * it, *@p cap then its new capacity), or NULL when the memory cannot be
 * had or the size overflows; @p v and *@p cap are then unchanged.
 */
void *sp_array_grow(void *v, uint32_t *cap, uint32_t need, size_t size,
		    uint32_t first);

#endif /* SP_ARRAY_H */
