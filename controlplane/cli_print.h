/*
 * cli_print.h - how the senseplane CLI shows each answer to a person (the
 * --json form is the answer itself).
 */
#ifndef CLI_PRINT_H
#define CLI_PRINT_H

#include <stdio.h>

#include <jansson.h>

/** Print the answer @p resp to the request whose verb is @p verb. */
void cli_print(FILE *out, const char *verb, const char *sub, json_t *resp);

/**
 * One screen of `senseplane top` from two stats answers @p secs apart
 * (@p prev may be NULL).
 */
void cli_print_top(FILE *out, json_t *now, json_t *prev, double secs);

#endif /* CLI_PRINT_H */
