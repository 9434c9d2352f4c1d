/*
 * sp_array.c - room in a growable array (see sp_array.h).
 */
#include "sp_array.h"

#include <stdlib.h>

void *sp_array_grow(void *v, uint32_t *cap, uint32_t need, size_t size,
		    uint32_t first)
{
	uint64_t nc = *cap ? *cap : (first ? first : 1);
	void *nv;

	if (need <= *cap)
		return v;
	while (nc < need)
		nc *= 2;
	if (nc > UINT32_MAX)
		nc = need;          /* doubling overshot the counter: exactly */
	if (size && nc > SIZE_MAX / size)
		return NULL;
	nv = realloc(v, (size_t)nc * size);
	if (nv == NULL)
		return NULL;
	*cap = (uint32_t)nc;
	return nv;
}
