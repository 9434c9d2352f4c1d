/*
 * web_json.h - the gateway's number writers for what the page draws:
 * integers, and values for display without printf (which was most of the
 * gateway's time under load, perf in B8). A value v with 1e-3 <= |v| <
 * 1e12 is written with at most 6 decimals, trailing zeros dropped (well
 * under a pixel on any chart); others, and integers beyond 2^53, as
 * common/sp_json.h writes them (%.9g, "NaN", "Infinity").
 */
#ifndef WEB_JSON_H
#define WEB_JSON_H

#include <stddef.h>
#include <stdint.h>

/** Write @p v in decimal at @p p (room for 20). @return bytes. */
size_t web_json_u64(char *p, uint64_t v);

/** Write @p v for display at @p p (room for 32). @return bytes. */
size_t web_json_display(char *p, double v);

/** Value @p i of wire @p values of @p vtype, for display (room 32). */
size_t web_json_value(char *p, const uint8_t *values, uint8_t vtype,
		      size_t i);

#endif /* WEB_JSON_H */
