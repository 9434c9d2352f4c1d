/*
 * sp_json.h - sample values as JSON, one representation everywhere.
 *
 * Values travel bit-exact on the wire; JSON has no NaN or infinities, so
 * every JSON that senseplane writes (the dataplane's control answers, the
 * viewer's --json lines, the CLI's --json) spells them as the strings
 * "NaN", "Infinity" and "-Infinity" (the proto3 JSON mapping's choice) and
 * every reader accepts them back. Finite floats use enough digits to read
 * back exactly (f32 9, f64 17); integers are written as integers, so an
 * i64 beyond 2^53 keeps every digit. A NaN's payload bits are not kept in
 * JSON (the wire and the history ring keep them).
 */
#ifndef SP_JSON_H
#define SP_JSON_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* Longest text sp_json_value writes, with its NUL. */
#define SP_JSON_VALUE_MAX 32

/*
 * Write value i of a packed big-endian value array of type vtype
 * (sp_wire.h's SP_VT_*) into buf as JSON text. Returns its length.
 */
size_t sp_json_value(char *buf, size_t len, const uint8_t *values,
		     uint8_t vtype, size_t i);

/* The same for a double already decoded (NaN and infinities as above). */
size_t sp_json_double(char *buf, size_t len, double v, int digits);

/*
 * Read a JSON value written by sp_json_value back as a double: a number,
 * or one of the three strings. Returns 0, or -1 when x is neither.
 */
int sp_json_get_double(const json_t *x, double *out);

/* A jansson value for v: a real, or the string for NaN and infinities. */
json_t *sp_json_from_double(double v);

#endif
