/*
 * sp_level.c - attention level names (see sp_level.h).
 */
#include "sp_level.h"

#include <string.h>

static const char *const level_names[] = { "none", "low", "medium", "high" };

const char *sp_level_name(unsigned int level)
{
	return level <= SP_LEVEL_HIGH ? level_names[level] : "?";
}

int sp_level_parse(const char *name)
{
	for (int i = SP_LEVEL_NONE; i <= SP_LEVEL_HIGH; i++)
		if (strcmp(name, level_names[i]) == 0)
			return i;
	return -1;
}
