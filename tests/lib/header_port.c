// SPDX-License-Identifier: GPL-2.0
/*
 * clusapi.h as a ported Windows program uses it, compiled by header_test.sh
 * as C and as C++, with -fshort-wchar, with and without another header
 * declaring the base types first (-DCOMPAT_FIRST): L"" literals, the
 * PCLUSAPI_* pointer types, CLUSAPI_VERSION, LPHANDLE, the SDK struct tags,
 * the CSV state structures and the string functions. It runs too: the
 * string functions need no cluster.
 */
#ifdef COMPAT_FIRST
#include "compat_first.h"
#endif
#include <clusapi.h>

#include <stdio.h>
#include <string.h>

#define CHECK(c)	do { if (!(c)) { printf("CHECK(%s) failed, line %d\n", #c, __LINE__); return 1; } } while (0)

/* Every function through its Windows pointer type: the types must match. */
static PCLUSAPI_OPEN_CLUSTER pOpenCluster = OpenCluster;
static PCLUSAPI_CLOSE_CLUSTER pCloseCluster = CloseCluster;
static PCLUSAPI_OPEN_CLUSTER_NODE pOpenClusterNode = OpenClusterNode;
static PCLUSAPI_CLOSE_CLUSTER_NODE pCloseClusterNode = CloseClusterNode;
static PCLUSAPI_OPEN_CLUSTER_GROUP pOpenClusterGroup = OpenClusterGroup;
static PCLUSAPI_CLOSE_CLUSTER_GROUP pCloseClusterGroup = CloseClusterGroup;
static PCLUSAPI_OPEN_CLUSTER_RESOURCE pOpenClusterResource = OpenClusterResource;
static PCLUSAPI_CLOSE_CLUSTER_RESOURCE pCloseClusterResource = CloseClusterResource;
static PCLUSAPI_OPEN_CLUSTER_NETWORK pOpenClusterNetwork = OpenClusterNetwork;
static PCLUSAPI_CLOSE_CLUSTER_NETWORK pCloseClusterNetwork = CloseClusterNetwork;
static PCLUSAPI_OPEN_CLUSTER_NET_INTERFACE pOpenClusterNetInterface = OpenClusterNetInterface;
static PCLUSAPI_CLOSE_CLUSTER_NET_INTERFACE pCloseClusterNetInterface = CloseClusterNetInterface;
static PCLUSAPI_GET_CLUSTER_KEY pGetClusterKey = GetClusterKey;
static PCLUSAPI_CLUSTER_REG_OPEN_KEY pClusterRegOpenKey = ClusterRegOpenKey;
static PCLUSAPI_CLUSTER_REG_CLOSE_KEY pClusterRegCloseKey = ClusterRegCloseKey;
static PCLUSAPI_CREATE_CLUSTER_NOTIFY_PORT_V2 pCreateClusterNotifyPortV2 = CreateClusterNotifyPortV2;
static PCLUSAPI_REGISTER_CLUSTER_NOTIFY_V2 pRegisterClusterNotifyV2 = RegisterClusterNotifyV2;
static PCLUSAPI_GET_NOTIFY_EVENT_HANDLE_V2 pGetNotifyEventHandle = GetNotifyEventHandle;
static PCLUSAPI_GET_CLUSTER_NOTIFY_V2 pGetClusterNotifyV2 = GetClusterNotifyV2;
static PCLUSAPI_CLOSE_CLUSTER_NOTIFY_PORT pCloseClusterNotifyPort = CloseClusterNotifyPort;
static PCLUSAPI_CREATE_CLUSTER_NOTIFY_PORT pCreateClusterNotifyPort = CreateClusterNotifyPort;
static PCLUSAPI_REGISTER_CLUSTER_NOTIFY pRegisterClusterNotify = RegisterClusterNotify;
static PCLUSAPI_GET_CLUSTER_NOTIFY pGetClusterNotify = GetClusterNotify;

int main(void)
{
	struct _NOTIFY_FILTER_AND_TYPE f = { CLUSTER_OBJECT_TYPE_NODE,
					     CLUSTER_CHANGE_NODE_STATE_V2 };
	CLUSTER_SHARED_VOLUME_STATE_INFO_EX csv;
	const WCHAR *name = L"node1";
	WCHAR buf[16], big[4];
	char utf8[16];
	HANDLE h = NULL;
	LPHANDLE ph = &h;
	int n;

	(void)pCloseCluster; (void)pOpenClusterNode; (void)pCloseClusterNode;
	(void)pOpenClusterGroup; (void)pCloseClusterGroup; (void)pOpenClusterResource;
	(void)pCloseClusterResource; (void)pOpenClusterNetwork; (void)pCloseClusterNetwork;
	(void)pOpenClusterNetInterface; (void)pCloseClusterNetInterface;
	(void)pGetClusterKey; (void)pClusterRegOpenKey; (void)pClusterRegCloseKey;
	(void)pCreateClusterNotifyPortV2; (void)pRegisterClusterNotifyV2;
	(void)pGetNotifyEventHandle; (void)pGetClusterNotifyV2;
	(void)pCloseClusterNotifyPort; (void)pCreateClusterNotifyPort;
	(void)pRegisterClusterNotify; (void)pGetClusterNotify;

	CHECK(CLUSAPI_VERSION >= CLUSAPI_VERSION_WINDOWS8);
	CHECK(sizeof(WCHAR) == 2 && sizeof(L"ab") == 6);
	CHECK(sizeof(f) == 16 && f.FilterFlags == CLUSTER_CHANGE_NODE_STATE_V2);
	CHECK(sizeof(csv) == 1584 && sizeof(csv.szVolumeName) == MAX_PATH * 2);
	CHECK(ph && *ph == NULL);

	/* L"" reaches the library as UTF-16: a lookup of the whole name. */
	CHECK(lstrlenW(name) == 5 && name[4] == L'1');
	CHECK(lstrcmpW(name, L"node1") == 0 && lstrcmpW(name, L"node2") < 0);
	CHECK(lstrcmpiW(L"NODE1", name) == 0 && lstrcmpiW(L"\u00c9t\u00e9", L"\u00e9T\u00c9") == 0);
	CHECK(lstrcpynW(buf, name, 16) == buf && lstrcmpW(buf, name) == 0);
	CHECK(lstrcpynW(big, name, 4) == big && lstrcmpW(big, L"nod") == 0);

	/* UTF-8 both ways, sizes first, the terminator counted with -1. */
	n = WideCharToMultiByte(CP_UTF8, 0, L"n\u00f6de", -1, NULL, 0, NULL, NULL);
	CHECK(n == 6);
	CHECK(WideCharToMultiByte(CP_UTF8, 0, L"n\u00f6de", -1, utf8, n, NULL, NULL) == 6);
	CHECK(strcmp(utf8, "n\xc3\xb6" "de") == 0);
	CHECK(WideCharToMultiByte(CP_UTF8, 0, L"n\u00f6de", -1, utf8, 3, NULL, NULL) == 0);
	CHECK(GetLastError() == ERROR_INSUFFICIENT_BUFFER);
	n = MultiByteToWideChar(CP_UTF8, 0, "n\xc3\xb6" "de\xf0\x9f\x98\x80", -1, NULL, 0);
	CHECK(n == 7);
	CHECK(MultiByteToWideChar(CP_UTF8, 0, "n\xc3\xb6" "de\xf0\x9f\x98\x80", -1, buf, 16) == 7);
	CHECK(buf[1] == 0xf6 && buf[4] == 0xd83d && buf[5] == 0xde00 && buf[6] == 0);
	CHECK(MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, "a\xff", 2, buf, 16) == 0);
	CHECK(GetLastError() == ERROR_NO_UNICODE_TRANSLATION);
	CHECK(MultiByteToWideChar(1252, 0, "a", 1, buf, 16) == 0);
	CHECK(GetLastError() == ERROR_INVALID_PARAMETER);

	/* The library takes the L"" name whole: nothing found, no crash. */
	SetLastError(0);
	CHECK(pOpenCluster(L"no-such-cluster-\u00e9") == NULL);
	CHECK(GetLastError() == RPC_S_SERVER_UNAVAILABLE);
	printf("ok\n");
	return 0;
}
