/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What another Windows compatibility header declares before clusapi.h (as
 * winelib's or a project's own does): the base types, with the SDK's
 * _X_DEFINED guards. header_test.sh includes it first.
 */
#ifndef CLUSNOTIFY_TESTS_LIB_COMPAT_FIRST_H
#define CLUSNOTIFY_TESTS_LIB_COMPAT_FIRST_H

#include <stddef.h>

#define _DWORD_DEFINED
typedef unsigned int DWORD, *PDWORD, *LPDWORD;
#define _WCHAR_DEFINED
typedef wchar_t WCHAR;
#define _HANDLE_DEFINED
typedef void *HANDLE, **PHANDLE, **LPHANDLE;
#define _BOOL_DEFINED
typedef int BOOL, *PBOOL, *LPBOOL;
#define TRUE	1
#define FALSE	0

#endif
