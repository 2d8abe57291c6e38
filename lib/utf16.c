// SPDX-License-Identifier: MIT
/*
 * UTF-8 (the kernel's strings) to and from UTF-16 (the Windows API's).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "utf16.h"

/*
 * Decodes one code point of @s (@len > 0 bytes) into @cp and returns the
 * bytes it took. A malformed sequence (overlong, surrogate, beyond U+10FFFF,
 * truncated) decodes as U+FFFD and takes one byte.
 */
static inline size_t decode8(const unsigned char *s, size_t len, uint32_t *cp)
{
	static const uint32_t min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t n, i;
	uint32_t c = s[0];

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		c &= 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		c &= 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		c &= 0x07;
	} else {
		goto bad;
	}
	if (len < n)
		goto bad;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			goto bad;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min[n] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		goto bad;
	*cp = c;
	return n;
bad:
	*cp = 0xfffd;
	return 1;
}

static void put16(void *out, size_t i, char16_t u)
{
	memcpy((char *)out + i * sizeof(u), &u, sizeof(u));
}

size_t __cn_utf8_to_utf16(const char *s, size_t len, void *out, size_t cap)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t units = 0, pass;
	uint32_t cp;

	/*
	 * Each UTF-16 unit takes at least one byte of UTF-8: room for @len
	 * units and the NUL needs no counting pass first.
	 */
	for (pass = out && cap > len ? 1 : 0; pass < 2; pass++) {
		size_t i = 0;

		units = 0;
		while (i < len) {
			i += decode8(p + i, len - i, &cp);
			if (cp >= 0x10000) {
				if (pass) {
					cp -= 0x10000;
					put16(out, units, 0xd800 | (cp >> 10));
					put16(out, units + 1, 0xdc00 | (cp & 0x3ff));
				}
				units += 2;
			} else {
				if (pass)
					put16(out, units, cp);
				units++;
			}
		}
		if (!out || cap < units + 1)
			return units;
	}
	put16(out, units, 0);
	return units;
}

int __cn_utf16_to_utf8(const char16_t *s, char *out, size_t cap)
{
	size_t n = 0, need;
	uint32_t cp;

	for (; *s; s++) {
		cp = *s;
		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (s[1] < 0xdc00 || s[1] > 0xdfff)
				return -EINVAL;
			cp = 0x10000 + ((cp - 0xd800) << 10) + (s[1] - 0xdc00);
			s++;
		} else if (cp >= 0xdc00 && cp <= 0xdfff) {
			return -EINVAL;
		}
		need = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
		if (n + need >= cap)
			return -ENAMETOOLONG;
		switch (need) {
		case 1:
			out[n++] = cp;
			break;
		case 2:
			out[n++] = 0xc0 | (cp >> 6);
			out[n++] = 0x80 | (cp & 0x3f);
			break;
		case 3:
			out[n++] = 0xe0 | (cp >> 12);
			out[n++] = 0x80 | ((cp >> 6) & 0x3f);
			out[n++] = 0x80 | (cp & 0x3f);
			break;
		default:
			out[n++] = 0xf0 | (cp >> 18);
			out[n++] = 0x80 | ((cp >> 12) & 0x3f);
			out[n++] = 0x80 | ((cp >> 6) & 0x3f);
			out[n++] = 0x80 | (cp & 0x3f);
			break;
		}
	}
	if (n >= cap)
		return -ENAMETOOLONG;
	out[n] = '\0';
	return n;
}

/*
 * The upper case of @c as Windows compares names (its simple upper-case
 * table): ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic, which cover
 * the names clusters use; other code points are their own.
 */
uint32_t __cn_upcase(uint32_t c)
{
	if (c < 0x80)
		return c >= 'a' && c <= 'z' ? c - 0x20 : c;
	if ((c >= 0xe0 && c <= 0xfe && c != 0xf7) ||
	    (c >= 0x3b1 && c <= 0x3cb && c != 0x3c2) ||
	    (c >= 0x430 && c <= 0x44f))
		return c - 0x20;
	if (c == 0xff)
		return 0x178;
	if (c >= 0x450 && c <= 0x45f)
		return c - 0x50;
	if (((c >= 0x100 && c <= 0x137) || (c >= 0x14a && c <= 0x177) ||
	     (c >= 0x460 && c <= 0x481) || (c >= 0x48a && c <= 0x4bf) ||
	     (c >= 0x4d0 && c <= 0x52f)) && (c & 1))
		return c - 1;
	if (((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e) ||
	     (c >= 0x4c1 && c <= 0x4ce)) && !(c & 1))
		return c - 1;
	return c;
}

bool __cn_utf8_caseeq(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), n;
	uint32_t ca, cb;

	while (la && lb) {
		n = decode8((const unsigned char *)a, la, &ca);
		a += n;
		la -= n;
		n = decode8((const unsigned char *)b, lb, &cb);
		b += n;
		lb -= n;
		if (__cn_upcase(ca) != __cn_upcase(cb))
			return false;
	}
	return !la && !lb;
}

size_t __cn_utf8_decode(const char *s, size_t len, uint32_t *cp, bool *bad)
{
	size_t n = decode8((const unsigned char *)s, len, cp);

	/* U+FFFD itself takes 3 bytes: from 1 it stands for a bad byte. */
	*bad = *cp == 0xfffd && n == 1;
	return n;
}
