/* SPDX-License-Identifier: MIT */
/*
 * UTF-8 to and from UTF-16 (see utf16.c).
 */
#ifndef LIBCLUSNOTIFY_UTF16_H
#define LIBCLUSNOTIFY_UTF16_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uchar.h>

/*
 * Converts @len bytes of UTF-8 at @s; malformed bytes become U+FFFD. Returns
 * the UTF-16 units the text takes without a terminator; writes them and a
 * NUL to @out (unaligned is fine) only if @cap units hold them all.
 */
size_t __cn_utf8_to_utf16(const char *s, size_t len, void *out, size_t cap);
/*
 * Converts NUL-terminated UTF-16 into @cap bytes at @out, NUL-terminated.
 * Returns the length, -EINVAL for an unpaired surrogate, or -ENAMETOOLONG.
 */
int __cn_utf16_to_utf8(const char16_t *s, char *out, size_t cap);

/*
 * Decodes one code point of @s (@len > 0 bytes) into @cp; @bad tells a
 * malformed byte (decoded as U+FFFD). Returns the bytes taken.
 */
size_t __cn_utf8_decode(const char *s, size_t len, uint32_t *cp, bool *bad);
/* A code point's upper case, as Windows compares names without case. */
uint32_t __cn_upcase(uint32_t c);
/* Whether two UTF-8 names are equal without case, as on Windows. */
bool __cn_utf8_caseeq(const char *a, const char *b);

#endif /* LIBCLUSNOTIFY_UTF16_H */
