/*
 * sp_level.h - attention levels, the core concept: every (sensor,
 * attribute) has one, the highest over the subscriptions and pins that
 * name it; the same values go on the wire in hints (PROTOCOL.md 4).
 */
#ifndef SP_LEVEL_H
#define SP_LEVEL_H

/** Attention levels, as on the wire. */
enum sp_level {
	SP_LEVEL_NONE = 0,
	SP_LEVEL_LOW = 1,
	SP_LEVEL_MEDIUM = 2,
	SP_LEVEL_HIGH = 3,
};

/** Name of a level ("none", "low", "medium", "high"), "?" if invalid. */
const char *sp_level_name(unsigned int level);
/** Level from its name; -1 if unknown. */
int sp_level_parse(const char *name);

#endif /* SP_LEVEL_H */
