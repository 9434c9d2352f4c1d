/*
 * rec_fmt.h - numbers as text for the store's JSON lines, without printf.
 *
 * A recorder writes every sample's value and time as text: at a million
 * samples a second, printf's "%.17g" alone would take most of a core.
 * rec_fmt_g17 writes exactly what "%.17g" writes (the unit test holds it
 * to snprintf over random and exhaustive inputs), computed with integer
 * arithmetic for the values sensors send (float32 values widened to
 * float64, magnitudes from about 1e-13 to 1e38), and through snprintf for
 * everything else. 17 significant digits read back to the same float64 in
 * any correctly rounding parser, so a value survives the store exactly.
 */
#ifndef REC_FMT_H
#define REC_FMT_H

#include <stddef.h>
#include <stdint.h>

/** Room a formatted number may take (with its sign, point and exponent). */
#define REC_FMT_MAX 32

/** @p v in decimal at @p dst (room for REC_FMT_MAX); @return its length. */
size_t rec_fmt_u64(char *dst, uint64_t v);
size_t rec_fmt_i64(char *dst, int64_t v);

/** @p v as snprintf's "%.17g" writes it, at @p dst (room for REC_FMT_MAX,
 * not terminated); @return its length. */
size_t rec_fmt_g17(char *dst, double v);

#endif /* REC_FMT_H */
