/*
 * sp_siphash.h - SipHash-2-4 (Aumasson & Bernstein), the MAC of the sensor
 * packet trailer (PROTOCOL.md section 1).
 */
#ifndef SP_SIPHASH_H
#define SP_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

/** Length of a SipHash key in bytes. */
#define SP_SIPHASH_KEY_LEN 16

/**
 * SipHash-2-4 of @p len bytes at @p data under the 128-bit @p key (the key
 * bytes as in the reference implementation: k0 = first 8 bytes little-endian).
 * @return the 64-bit tag; the wire carries it big-endian.
 */
uint64_t sp_siphash24(const uint8_t key[SP_SIPHASH_KEY_LEN], const void *data,
		      size_t len);

#endif /* SP_SIPHASH_H */
