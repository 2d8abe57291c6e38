/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bucket function the module used before its registry and registration
 * index were keyed: jhash(id, strlen(id), type) (Bob Jenkins' lookup3, as
 * include/linux/jhash.h has it), then hash_min() into 1024 buckets. Written
 * here from lookup3's definition so that an attacker's search for ids that
 * share a bucket can run offline, as it would.
 */
#ifndef CN_OLDHASH_H
#define CN_OLDHASH_H

#include <stdint.h>
#include <string.h>

static inline uint32_t oh_rol(uint32_t w, int s)
{
	return (w << s) | (w >> (32 - s));
}

/* lookup3's mix() of three 32-bit words. */
#define OH_MIX(a, b, c) do {						\
	a -= c; a ^= oh_rol(c, 4);  c += b;				\
	b -= a; b ^= oh_rol(a, 6);  a += c;				\
	c -= b; c ^= oh_rol(b, 8);  b += a;				\
	a -= c; a ^= oh_rol(c, 16); c += b;				\
	b -= a; b ^= oh_rol(a, 19); a += c;				\
	c -= b; c ^= oh_rol(b, 4);  b += a;				\
} while (0)

/* lookup3's final(). */
#define OH_FINAL(a, b, c) do {						\
	c ^= b; c -= oh_rol(b, 14);					\
	a ^= c; a -= oh_rol(c, 11);					\
	b ^= a; b -= oh_rol(a, 25);					\
	c ^= b; c -= oh_rol(b, 16);					\
	a ^= c; a -= oh_rol(c, 4);					\
	b ^= a; b -= oh_rol(a, 14);					\
	c ^= b; c -= oh_rol(b, 24);					\
} while (0)

/* Little-endian word of up to 4 bytes (x86: what the kernel's loads give). */
static inline uint32_t oh_word(const unsigned char *p, size_t n)
{
	uint32_t w = 0;
	size_t i;

	for (i = 0; i < n && i < 4; i++)
		w |= (uint32_t)p[i] << (8 * i);
	return w;
}

static inline uint32_t oh_jhash(const void *key, uint32_t len, uint32_t initval)
{
	const unsigned char *k = key;
	uint32_t a, b, c;

	a = b = c = 0xdeadbeef + len + initval;
	while (len > 12) {
		a += oh_word(k, 4);
		b += oh_word(k + 4, 4);
		c += oh_word(k + 8, 4);
		OH_MIX(a, b, c);
		len -= 12;
		k += 12;
	}
	if (!len)
		return c;
	/* The last 1 to 12 bytes, zero-padded, then the final mix. */
	a += oh_word(k, len);
	b += len > 4 ? oh_word(k + 4, len - 4) : 0;
	c += len > 8 ? oh_word(k + 8, len - 8) : 0;
	OH_FINAL(a, b, c);
	return c;
}

/* hash_min(hash, bits) of <linux/hashtable.h> for a 32-bit hash. */
static inline uint32_t oh_bucket(uint32_t hash, int bits)
{
	return (hash * 0x61C88647u) >> (32 - bits);
}

/* The old registry's bucket (1024 of them) of an object (type, id). */
static inline uint32_t oh_obj_bucket(uint32_t type, const char *id)
{
	return oh_bucket(oh_jhash(id, strlen(id), type), 10);
}

#endif /* CN_OLDHASH_H */
