// SPDX-License-Identifier: GPL-2.0
/*
 * The library's UTF-8 <-> UTF-16 converter on its own: surrogate pairs,
 * malformed input, bounds.
 */
#include <errno.h>
#include <string.h>

#include "../../lib/utf16.h"
#include "helpers.h"

static void to16(const char *s, const char16_t *want, size_t units)
{
	char16_t out[32];
	size_t n;

	memset(out, 0xff, sizeof(out));
	n = __cn_utf8_to_utf16(s, strlen(s), out, units + 1);
	CHECK_EQ(n, units);
	CHECK(!memcmp(out, want, units * 2));
	CHECK_EQ(out[units], 0);
	/* One unit short: nothing written, the size still told. */
	memset(out, 0xff, sizeof(out));
	CHECK_EQ(__cn_utf8_to_utf16(s, strlen(s), out, units), units);
	CHECK_EQ(out[0], 0xffff);
	CHECK_EQ(__cn_utf8_to_utf16(s, strlen(s), NULL, 0), units);
}

int main(void)
{
	char out[32];

	to16("", u"", 0);
	to16("abc", u"abc", 3);
	to16("\xc3\xa9t\xc3\xa9", u"\u00e9t\u00e9", 3);
	to16("\xe2\x82\xac", u"\u20ac", 1);
	to16("\xf0\x9f\x98\x80!", (const char16_t[]){ 0xd83d, 0xde00, '!' }, 3);
	to16("\xf4\x8f\xbf\xbf", (const char16_t[]){ 0xdbff, 0xdfff }, 2);
	/* Malformed: each bad byte is one U+FFFD. */
	to16("a\xffz", u"a\ufffdz", 3);
	to16("\xc0\xaf", u"\ufffd\ufffd", 2);			/* overlong */
	to16("\xed\xa0\x80", u"\ufffd\ufffd\ufffd", 3);		/* surrogate */
	to16("\xf4\x90\x80\x80", u"\ufffd\ufffd\ufffd\ufffd", 4);	/* > U+10FFFF */
	to16("\xe2\x82", u"\ufffd\ufffd", 2);			/* truncated */

	CHECK_EQ(__cn_utf16_to_utf8(u"abc", out, sizeof(out)), 3);
	CHECK(!strcmp(out, "abc"));
	CHECK_EQ(__cn_utf16_to_utf8(u"\u00e9\u20ac", out, sizeof(out)), 5);
	CHECK(!strcmp(out, "\xc3\xa9\xe2\x82\xac"));
	CHECK_EQ(__cn_utf16_to_utf8((const char16_t[]){ 0xd83d, 0xde00, 0 }, out,
				    sizeof(out)), 4);
	CHECK(!strcmp(out, "\xf0\x9f\x98\x80"));
	CHECK_EQ(__cn_utf16_to_utf8((const char16_t[]){ 0xd83d, 'x', 0 }, out,
				    sizeof(out)), -EINVAL);
	CHECK_EQ(__cn_utf16_to_utf8((const char16_t[]){ 0xde00, 0 }, out,
				    sizeof(out)), -EINVAL);
	CHECK_EQ(__cn_utf16_to_utf8((const char16_t[]){ 0xd83d, 0 }, out,
				    sizeof(out)), -EINVAL);
	CHECK_EQ(__cn_utf16_to_utf8(u"abc", out, 4), 3);
	CHECK_EQ(__cn_utf16_to_utf8(u"abcd", out, 4), -ENAMETOOLONG);
	CHECK_EQ(__cn_utf16_to_utf8(u"\u20ac", out, 3), -ENAMETOOLONG);
	return 0;
}
