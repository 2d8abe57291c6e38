// SPDX-License-Identifier: MIT
/*
 * The kernel32 string functions a ported program needs for WCHAR text
 * (clusapi.h): the C library's wcs* functions take 32-bit wchar_t.
 * lstrcmpW compares code units (Windows compares by locale); lstrcmpiW
 * folds case as the library compares names. Conversions are CP_UTF8 only.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "clusapi_int.h"
#include "utf16.h"

__cn_public int lstrlenW(LPCWSTR lpString)
{
	int n = 0;

	if (!lpString)
		return 0;
	while (lpString[n])
		n++;
	return n;
}

/* Copies at most @iMaxLength - 1 units and a terminator. */
__cn_public LPWSTR lstrcpynW(LPWSTR lpString1, LPCWSTR lpString2,
			     int iMaxLength)
{
	int i;

	if (!lpString1 || !lpString2 || iMaxLength <= 0)
		return lpString1 && iMaxLength > 0 ? lpString1 : NULL;
	for (i = 0; i < iMaxLength - 1 && lpString2[i]; i++)
		lpString1[i] = lpString2[i];
	lpString1[i] = 0;
	return lpString1;
}

static int compare(LPCWSTR a, LPCWSTR b, bool fold)
{
	uint32_t ca, cb;

	if (!a || !b)
		return a ? 1 : b ? -1 : 0;
	for (;; a++, b++) {
		ca = *a;
		cb = *b;
		if (fold) {
			ca = __cn_upcase(ca);
			cb = __cn_upcase(cb);
		}
		if (ca != cb)
			return ca < cb ? -1 : 1;
		if (!ca)
			return 0;
	}
}

__cn_public int lstrcmpW(LPCWSTR lpString1, LPCWSTR lpString2)
{
	return compare(lpString1, lpString2, false);
}

__cn_public int lstrcmpiW(LPCWSTR lpString1, LPCWSTR lpString2)
{
	return compare(lpString1, lpString2, true);
}

/* The length of a -1 (NUL-terminated, the NUL counted) or given string. */
static size_t in_len8(const char *s, int n)
{
	return n < 0 ? strlen(s) + 1 : (size_t)n;
}

static size_t in_len16(LPCWCH s, int n)
{
	return n < 0 ? (size_t)lstrlenW(s) + 1 : (size_t)n;
}

/* Ends a conversion: 0 with @err set, or the units written or needed. */
static int result(size_t need, int cap, DWORD err)
{
	if (err) {
		last_error = err;
		return 0;
	}
	if (need > INT32_MAX) {
		last_error = ERROR_INVALID_PARAMETER;
		return 0;
	}
	if (cap && need > (size_t)cap) {
		last_error = ERROR_INSUFFICIENT_BUFFER;
		return 0;
	}
	return (int)need;
}

__cn_public int MultiByteToWideChar(UINT CodePage, DWORD dwFlags,
				    LPCCH lpMultiByteStr, int cbMultiByte,
				    LPWSTR lpWideCharStr, int cchWideChar)
{
	size_t len, i = 0, need = 0;
	DWORD err = 0;
	uint32_t cp;
	bool bad;

	if (CodePage != CP_UTF8 || !lpMultiByteStr || !cbMultiByte ||
	    cbMultiByte < -1 || cchWideChar < 0 || (cchWideChar && !lpWideCharStr))
		return result(0, 0, ERROR_INVALID_PARAMETER);
	if (dwFlags & ~(DWORD)MB_ERR_INVALID_CHARS)
		return result(0, 0, ERROR_INVALID_FLAGS);
	len = in_len8(lpMultiByteStr, cbMultiByte);
	while (i < len && !err) {
		i += __cn_utf8_decode(lpMultiByteStr + i, len - i, &cp, &bad);
		if (bad && (dwFlags & MB_ERR_INVALID_CHARS)) {
			err = ERROR_NO_UNICODE_TRANSLATION;
			break;
		}
		if (cp >= 0x10000) {
			if (cchWideChar && need + 2 <= (size_t)cchWideChar) {
				cp -= 0x10000;
				lpWideCharStr[need] = (WCHAR)(0xd800 + (cp >> 10));
				lpWideCharStr[need + 1] = (WCHAR)(0xdc00 + (cp & 0x3ff));
			}
			need += 2;
		} else {
			if (cchWideChar && need < (size_t)cchWideChar)
				lpWideCharStr[need] = (WCHAR)cp;
			need++;
		}
	}
	return result(need, cchWideChar, err);
}

/* Puts @cp as UTF-8 at @out + @at if it fits @cap; returns its length. */
static size_t put8(char *out, size_t at, size_t cap, uint32_t cp)
{
	unsigned char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (unsigned char)(0xc0 | cp >> 6);
		b[1] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (unsigned char)(0xe0 | cp >> 12);
		b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[2] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		b[0] = (unsigned char)(0xf0 | cp >> 18);
		b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		b[3] = (unsigned char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	if (cap && at + n <= cap)
		memcpy(out + at, b, n);
	return n;
}

__cn_public int WideCharToMultiByte(UINT CodePage, DWORD dwFlags,
				    LPCWCH lpWideCharStr, int cchWideChar,
				    LPSTR lpMultiByteStr, int cbMultiByte,
				    LPCCH lpDefaultChar, LPBOOL lpUsedDefaultChar)
{
	size_t len, i, need = 0;
	DWORD err = 0;
	uint32_t cp;

	if (CodePage != CP_UTF8 || !lpWideCharStr || !cchWideChar ||
	    cchWideChar < -1 || cbMultiByte < 0 || (cbMultiByte && !lpMultiByteStr) ||
	    lpDefaultChar || lpUsedDefaultChar)
		return result(0, 0, ERROR_INVALID_PARAMETER);
	if (dwFlags & ~(DWORD)WC_ERR_INVALID_CHARS)
		return result(0, 0, ERROR_INVALID_FLAGS);
	len = in_len16(lpWideCharStr, cchWideChar);
	for (i = 0; i < len; i++) {
		cp = lpWideCharStr[i];
		if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < len &&
		    lpWideCharStr[i + 1] >= 0xdc00 && lpWideCharStr[i + 1] <= 0xdfff) {
			cp = 0x10000 + ((cp - 0xd800) << 10) +
			     (lpWideCharStr[++i] - 0xdc00);
		} else if (cp >= 0xd800 && cp <= 0xdfff) {
			if (dwFlags & WC_ERR_INVALID_CHARS) {
				err = ERROR_NO_UNICODE_TRANSLATION;
				break;
			}
			cp = 0xfffd;	/* an unpaired surrogate */
		}
		need += put8(lpMultiByteStr, need, (size_t)cbMultiByte, cp);
	}
	return result(need, cbMultiByte, err);
}
