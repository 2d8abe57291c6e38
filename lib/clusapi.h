/* SPDX-License-Identifier: MIT */
/*
 * clusapi.h: the Windows Failover Clustering notification API (V2 and V1)
 * on Linux, over libclusnotify.
 *
 * Names, types, structure layouts and numeric values are those of the
 * Windows header, so that code written against it ports with a recompile.
 * Functions set the calling thread's last error (GetLastError) as on
 * Windows. See clusapi(3) and clusnotify(7).
 *
 * Strings are UTF-16, as on Windows. Build with -fshort-wchar (as winelib
 * does): WCHAR is then wchar_t and L"..." literals work, in C and C++.
 * Without it Linux wchar_t is 32 bits and an L"..." literal would pass as
 * 4-byte units, so the header stops with an #error, unless the program
 * defines CLUSAPI_WCHAR_IS_CHAR16 to use char16_t and u"..." literals.
 *
 * The Windows base types (DWORD, WCHAR, HANDLE, ...) are skipped when a
 * Windows header or another compatibility header has declared them first:
 * whole (windef.h, winnt.h: _WINDEF_, _MINWINDEF_, _WINNT_ and winelib's
 * __WINE_WINDEF_H, __WINE_WINNT_H) or one at a time with the _X_DEFINED
 * guards of the SDK's wtypes.h (_DWORD_DEFINED, _WCHAR_DEFINED, ...), which
 * this header defines in turn. Their sizes are checked below.
 */
#ifndef LIBCLUSNOTIFY_CLUSAPI_H
#define LIBCLUSNOTIFY_CLUSAPI_H

#include <stddef.h>
#include <stdint.h>
#if !defined(__cplusplus) && !(defined(__SIZEOF_WCHAR_T__) && __SIZEOF_WCHAR_T__ == 2)
#include <uchar.h>
#endif

#if defined(_WINDEF_) || defined(_MINWINDEF_) || defined(_WINNT_) || \
    defined(__WINE_WINDEF_H) || defined(__WINE_WINNT_H)
#define CLUSAPI_HAVE_WINDOWS_TYPES
#endif

#ifdef __cplusplus
extern "C" {
#define CLUSAPI_STATIC_ASSERT(e, m)	static_assert(e, m)
#else
#define CLUSAPI_STATIC_ASSERT(e, m)	_Static_assert(e, m)
#endif

#ifndef WINAPI
#define WINAPI
#endif

#ifndef CLUSAPI_HAVE_WINDOWS_TYPES
#ifndef _DWORD_DEFINED
#define _DWORD_DEFINED
typedef uint32_t DWORD, *PDWORD, *LPDWORD;
#endif
#ifndef _DWORD_PTR_DEFINED
#define _DWORD_PTR_DEFINED
typedef uintptr_t DWORD_PTR, *PDWORD_PTR;
#endif
#ifndef _LONGLONG_DEFINED
#define _LONGLONG_DEFINED
typedef int64_t LONGLONG;
typedef uint64_t ULONGLONG;
#endif
#ifndef _LONG_DEFINED
#define _LONG_DEFINED
typedef int32_t LONG;
#endif
#ifndef _BOOL_DEFINED
#define _BOOL_DEFINED
typedef int32_t BOOL, *PBOOL, *LPBOOL;
#endif
#ifndef _BYTE_DEFINED
#define _BYTE_DEFINED
typedef uint8_t BYTE, *PBYTE, *LPBYTE;
#endif
#ifndef _UINT_DEFINED
#define _UINT_DEFINED
typedef unsigned int UINT;
#endif
#if !defined(_WCHAR_DEFINED) && !defined(__WCHAR_DEFINED)
#define _WCHAR_DEFINED
#define __WCHAR_DEFINED
#if defined(__SIZEOF_WCHAR_T__) && __SIZEOF_WCHAR_T__ == 2
typedef wchar_t WCHAR;		/* -fshort-wchar: L"..." is UTF-16 */
#elif defined(CLUSAPI_WCHAR_IS_CHAR16)
typedef char16_t WCHAR;		/* u"..." literals; L"..." would not fit */
#else
#error "clusapi.h: WCHAR is 16-bit UTF-16 as on Windows, and this wchar_t is 32-bit: build with -fshort-wchar (L\"...\" then works), or define CLUSAPI_WCHAR_IS_CHAR16 and use u\"...\" literals"
#endif
#endif
#ifndef _LPWSTR_DEFINED
#define _LPWSTR_DEFINED
typedef WCHAR *PWSTR, *LPWSTR;
typedef const WCHAR *PCWSTR, *LPCWSTR;
typedef char *LPSTR;
typedef const char *LPCSTR, *LPCCH;
typedef const WCHAR *LPCWCH;
#endif
#ifndef _HANDLE_DEFINED
#define _HANDLE_DEFINED
typedef void *HANDLE, **PHANDLE, **LPHANDLE;
#endif
#endif /* !CLUSAPI_HAVE_WINDOWS_TYPES */
#ifndef _REGSAM_DEFINED
#define _REGSAM_DEFINED
typedef DWORD REGSAM;
#endif

typedef struct _HCHANGE *HCHANGE;
typedef struct _HCLUSTER *HCLUSTER;
typedef struct _HNODE *HNODE;
typedef struct _HGROUP *HGROUP;
typedef struct _HRESOURCE *HRESOURCE;
typedef struct _HNETWORK *HNETWORK;
typedef struct _HNETINTERFACE *HNETINTERFACE;
typedef struct _HGROUPSET *HGROUPSET;
#if !defined(CLUSAPI_HAVE_WINDOWS_TYPES) && !defined(_HKEY_DEFINED)
#define _HKEY_DEFINED
typedef struct HKEY__ *HKEY, **PHKEY;
#endif

#ifndef TRUE
#define TRUE	1
#endif
#ifndef FALSE
#define FALSE	0
#endif
#ifndef INVALID_HANDLE_VALUE
#define INVALID_HANDLE_VALUE	((HANDLE)(intptr_t)-1)
#endif
#ifndef INFINITE
#define INFINITE		0xFFFFFFFF
#endif
#ifndef MAX_PATH
#define MAX_PATH		260
#endif

/* The clusapi versions of the Windows SDK; this header is the latest's. */
#define CLUSAPI_VERSION_SERVER2008	0x00000600
#define CLUSAPI_VERSION_SERVER2008R2	0x00000700
#define CLUSAPI_VERSION_WINDOWS8	0x00000701
#define CLUSAPI_VERSION_WINDOWSBLUE	0x00000702
#define CLUSAPI_VERSION_WINTHRESHOLD	0x00000703
#define CLUSAPI_VERSION_RS3		0x00000a00
#ifndef CLUSAPI_VERSION
#define CLUSAPI_VERSION			CLUSAPI_VERSION_RS3
#endif

/* Error values (returned, or for GetLastError) */
#define ERROR_SUCCESS				0
#define ERROR_INVALID_FUNCTION			1
#define ERROR_FILE_NOT_FOUND			2
#define ERROR_ACCESS_DENIED			5
#define ERROR_INVALID_HANDLE			6
#define ERROR_NOT_ENOUGH_MEMORY			8
#define ERROR_GEN_FAILURE			31
#define ERROR_NOT_SUPPORTED			50
#define ERROR_INVALID_PARAMETER			87
#define ERROR_INSUFFICIENT_BUFFER		122
#define ERROR_MORE_DATA				234
#define WAIT_TIMEOUT				258
#define ERROR_NO_MORE_ITEMS			259
#define ERROR_INVALID_FLAGS			1004
#define ERROR_NO_UNICODE_TRANSLATION		1113
#define RPC_S_SERVER_UNAVAILABLE		1722
#define ERROR_RESOURCE_NOT_FOUND		5007
#define ERROR_GROUP_NOT_FOUND			5013
#define ERROR_CLUSTER_NODE_NOT_FOUND		5042
#define ERROR_CLUSTER_NETWORK_NOT_FOUND		5045
#define ERROR_CLUSTER_NETINTERFACE_NOT_FOUND	5047

/* Registry access rights (accepted and ignored: keys are only watched) */
#define KEY_READ		0x20019
#define KEY_WRITE		0x20006
#define KEY_ALL_ACCESS		0xF003F
#define MAXIMUM_ALLOWED		0x02000000

typedef enum CLUSTER_OBJECT_TYPE {
	CLUSTER_OBJECT_TYPE_NONE = 0x00000000,
	CLUSTER_OBJECT_TYPE_CLUSTER = 0x00000001,
	CLUSTER_OBJECT_TYPE_GROUP = 0x00000002,
	CLUSTER_OBJECT_TYPE_RESOURCE = 0x00000003,
	CLUSTER_OBJECT_TYPE_RESOURCE_TYPE = 0x00000004,
	CLUSTER_OBJECT_TYPE_NETWORK_INTERFACE = 0x00000005,
	CLUSTER_OBJECT_TYPE_NETWORK = 0x00000006,
	CLUSTER_OBJECT_TYPE_NODE = 0x00000007,
	CLUSTER_OBJECT_TYPE_REGISTRY = 0x00000008,
	CLUSTER_OBJECT_TYPE_QUORUM = 0x00000009,
	CLUSTER_OBJECT_TYPE_SHARED_VOLUME = 0x0000000a,
	CLUSTER_OBJECT_TYPE_SPACEPORT = 0x0000000b,
	CLUSTER_OBJECT_TYPE_UPGRADE = 0x0000000c,
	CLUSTER_OBJECT_TYPE_GROUPSET = 0x0000000d,
	CLUSTER_OBJECT_TYPE_AFFINITYRULE = 0x00000010,
	CLUSTER_OBJECT_TYPE_FAULTDOMAIN = 0x00000011,
} CLUSTER_OBJECT_TYPE;

typedef enum CLUSTER_NOTIFICATIONS_VERSION {
	CLUSTER_NOTIFICATIONS_V1 = 0x00000001,
	CLUSTER_NOTIFICATIONS_V2 = 0x00000002,
} CLUSTER_NOTIFICATIONS_VERSION;

typedef enum CLUSTER_CHANGE_CLUSTER_V2 {
	CLUSTER_CHANGE_CLUSTER_RECONNECT_V2 = 0x00000001,
	CLUSTER_CHANGE_CLUSTER_STATE_V2 = 0x00000002,
	CLUSTER_CHANGE_CLUSTER_GROUP_ADDED_V2 = 0x00000004,
	CLUSTER_CHANGE_CLUSTER_HANDLE_CLOSE_V2 = 0x00000008,
	CLUSTER_CHANGE_CLUSTER_NETWORK_ADDED_V2 = 0x00000010,
	CLUSTER_CHANGE_CLUSTER_NODE_ADDED_V2 = 0x00000020,
	CLUSTER_CHANGE_CLUSTER_RESOURCE_TYPE_ADDED_V2 = 0x00000040,
	CLUSTER_CHANGE_CLUSTER_COMMON_PROPERTY_V2 = 0x00000080,
	CLUSTER_CHANGE_CLUSTER_PRIVATE_PROPERTY_V2 = 0x00000100,
	CLUSTER_CHANGE_CLUSTER_LOST_NOTIFICATIONS_V2 = 0x00000200,
	CLUSTER_CHANGE_CLUSTER_RENAME_V2 = 0x00000400,
	CLUSTER_CHANGE_CLUSTER_MEMBERSHIP_V2 = 0x00000800,
	CLUSTER_CHANGE_CLUSTER_UPGRADED_V2 = 0x00001000,
	CLUSTER_CHANGE_CLUSTER_ALL_V2 = 0x00001FFF,
} CLUSTER_CHANGE_CLUSTER_V2;

typedef enum CLUSTER_CHANGE_GROUP_V2 {
	CLUSTER_CHANGE_GROUP_DELETED_V2 = 0x00000001,
	CLUSTER_CHANGE_GROUP_COMMON_PROPERTY_V2 = 0x00000002,
	CLUSTER_CHANGE_GROUP_PRIVATE_PROPERTY_V2 = 0x00000004,
	CLUSTER_CHANGE_GROUP_STATE_V2 = 0x00000008,
	CLUSTER_CHANGE_GROUP_OWNER_NODE_V2 = 0x00000010,
	CLUSTER_CHANGE_GROUP_PREFERRED_OWNERS_V2 = 0x00000020,
	CLUSTER_CHANGE_GROUP_RESOURCE_ADDED_V2 = 0x00000040,
	CLUSTER_CHANGE_GROUP_RESOURCE_GAINED_V2 = 0x00000080,
	CLUSTER_CHANGE_GROUP_RESOURCE_LOST_V2 = 0x00000100,
	CLUSTER_CHANGE_GROUP_HANDLE_CLOSE_V2 = 0x00000200,
	CLUSTER_CHANGE_GROUP_ALL_V2 = 0x000003FF,
} CLUSTER_CHANGE_GROUP_V2;

/* The odd spellings (lower-case v2, no _V2) are the real names. */
typedef enum CLUSTER_CHANGE_GROUPSET_V2 {
	CLUSTER_CHANGE_GROUPSET_DELETED_v2 = 0x00000001,
	CLUSTER_CHANGE_GROUPSET_COMMON_PROPERTY_V2 = 0x00000002,
	CLUSTER_CHANGE_GROUPSET_PRIVATE_PROPERTY_V2 = 0x00000004,
	CLUSTER_CHANGE_GROUPSET_STATE_V2 = 0x00000008,
	CLUSTER_CHANGE_GROUPSET_GROUP_ADDED = 0x00000010,
	CLUSTER_CHANGE_GROUPSET_GROUP_REMOVED = 0x00000020,
	CLUSTER_CHANGE_GROUPSET_DEPENDENCIES_V2 = 0x00000040,
	CLUSTER_CHANGE_GROUPSET_DEPENDENTS_V2 = 0x00000080,
	CLUSTER_CHANGE_GROUPSET_HANDLE_CLOSE_v2 = 0x00000100,
	CLUSTER_CHANGE_GROUPSET_ALL_V2 = 0x000001FF,
} CLUSTER_CHANGE_GROUPSET_V2;

typedef enum CLUSTER_CHANGE_RESOURCE_V2 {
	CLUSTER_CHANGE_RESOURCE_COMMON_PROPERTY_V2 = 0x00000001,
	CLUSTER_CHANGE_RESOURCE_PRIVATE_PROPERTY_V2 = 0x00000002,
	CLUSTER_CHANGE_RESOURCE_STATE_V2 = 0x00000004,
	CLUSTER_CHANGE_RESOURCE_OWNER_GROUP_V2 = 0x00000008,
	CLUSTER_CHANGE_RESOURCE_DEPENDENCIES_V2 = 0x00000010,
	CLUSTER_CHANGE_RESOURCE_DEPENDENTS_V2 = 0x00000020,
	CLUSTER_CHANGE_RESOURCE_POSSIBLE_OWNERS_V2 = 0x00000040,
	CLUSTER_CHANGE_RESOURCE_DELETED_V2 = 0x00000080,
	CLUSTER_CHANGE_RESOURCE_DLL_UPGRADED_V2 = 0x00000100,
	CLUSTER_CHANGE_RESOURCE_HANDLE_CLOSE_V2 = 0x00000200,
	CLUSTER_CHANGE_RESOURCE_TERMINAL_STATE_V2 = 0x00000400,
	CLUSTER_CHANGE_RESOURCE_ALL_V2 = 0x000007FF,
} CLUSTER_CHANGE_RESOURCE_V2;

typedef enum CLUSTER_CHANGE_RESOURCE_TYPE_V2 {
	CLUSTER_CHANGE_RESOURCE_TYPE_DELETED_V2 = 0x00000001,
	CLUSTER_CHANGE_RESOURCE_TYPE_COMMON_PROPERTY_V2 = 0x00000002,
	CLUSTER_CHANGE_RESOURCE_TYPE_PRIVATE_PROPERTY_V2 = 0x00000004,
	CLUSTER_CHANGE_RESOURCE_TYPE_POSSIBLE_OWNERS_V2 = 0x00000008,
	CLUSTER_CHANGE_RESOURCE_TYPE_DLL_UPGRADED_V2 = 0x00000010,
	CLUSTER_RESOURCE_TYPE_SPECIFIC_V2 = 0x00000020,
	CLUSTER_CHANGE_RESOURCE_TYPE_ALL_V2 = 0x0000003F,
} CLUSTER_CHANGE_RESOURCE_TYPE_V2;

typedef enum CLUSTER_CHANGE_NETINTERFACE_V2 {
	CLUSTER_CHANGE_NETINTERFACE_DELETED_V2 = 0x00000001,
	CLUSTER_CHANGE_NETINTERFACE_COMMON_PROPERTY_V2 = 0x00000002,
	CLUSTER_CHANGE_NETINTERFACE_PRIVATE_PROPERTY_V2 = 0x00000004,
	CLUSTER_CHANGE_NETINTERFACE_STATE_V2 = 0x00000008,
	CLUSTER_CHANGE_NETINTERFACE_HANDLE_CLOSE_V2 = 0x00000010,
	CLUSTER_CHANGE_NETINTERFACE_ALL_V2 = 0x0000001F,
} CLUSTER_CHANGE_NETINTERFACE_V2;

typedef enum CLUSTER_CHANGE_NETWORK_V2 {
	CLUSTER_CHANGE_NETWORK_DELETED_V2 = 0x00000001,
	CLUSTER_CHANGE_NETWORK_COMMON_PROPERTY_V2 = 0x00000002,
	CLUSTER_CHANGE_NETWORK_PRIVATE_PROPERTY_V2 = 0x00000004,
	CLUSTER_CHANGE_NETWORK_STATE_V2 = 0x00000008,
	CLUSTER_CHANGE_NETWORK_HANDLE_CLOSE_V2 = 0x00000010,
	CLUSTER_CHANGE_NETWORK_ALL_V2 = 0x0000001F,
} CLUSTER_CHANGE_NETWORK_V2;

typedef enum CLUSTER_CHANGE_NODE_V2 {
	CLUSTER_CHANGE_NODE_NETINTERFACE_ADDED_V2 = 0x00000001,
	CLUSTER_CHANGE_NODE_DELETED_V2 = 0x00000002,
	CLUSTER_CHANGE_NODE_COMMON_PROPERTY_V2 = 0x00000004,
	CLUSTER_CHANGE_NODE_PRIVATE_PROPERTY_V2 = 0x00000008,
	CLUSTER_CHANGE_NODE_STATE_V2 = 0x00000010,
	CLUSTER_CHANGE_NODE_GROUP_GAINED_V2 = 0x00000020,
	CLUSTER_CHANGE_NODE_GROUP_LOST_V2 = 0x00000040,
	CLUSTER_CHANGE_NODE_HANDLE_CLOSE_V2 = 0x00000080,
	CLUSTER_CHANGE_NODE_ALL_V2 = 0x000000FF,
} CLUSTER_CHANGE_NODE_V2;

typedef enum CLUSTER_CHANGE_REGISTRY_V2 {
	CLUSTER_CHANGE_REGISTRY_ATTRIBUTES_V2 = 0x00000001,
	CLUSTER_CHANGE_REGISTRY_NAME_V2 = 0x00000002,
	CLUSTER_CHANGE_REGISTRY_SUBTREE_V2 = 0x00000004,
	CLUSTER_CHANGE_REGISTRY_VALUE_V2 = 0x00000008,
	CLUSTER_CHANGE_REGISTRY_HANDLE_CLOSE_V2 = 0x00000010,
	CLUSTER_CHANGE_REGISTRY_ALL_V2 = 0x0000001F,
} CLUSTER_CHANGE_REGISTRY_V2;

typedef enum CLUSTER_CHANGE_QUORUM_V2 {
	CLUSTER_CHANGE_QUORUM_STATE_V2 = 0x00000001,
	CLUSTER_CHANGE_QUORUM_ALL_V2 = 0x00000001,
} CLUSTER_CHANGE_QUORUM_V2;

typedef enum CLUSTER_CHANGE_SHARED_VOLUME_V2 {
	CLUSTER_CHANGE_SHARED_VOLUME_STATE_V2 = 0x00000001,
	CLUSTER_CHANGE_SHARED_VOLUME_ADDED_V2 = 0x00000002,
	CLUSTER_CHANGE_SHARED_VOLUME_REMOVED_V2 = 0x00000004,
	CLUSTER_CHANGE_SHARED_VOLUME_ALL_V2 = 0x00000007,
} CLUSTER_CHANGE_SHARED_VOLUME_V2;

typedef enum CLUSTER_CHANGE_SPACEPORT_V2 {
	CLUSTER_CHANGE_SPACEPORT_CUSTOM_PNP_V2 = 0x00000001,
} CLUSTER_CHANGE_SPACEPORT_V2;

typedef enum CLUSTER_CHANGE_NODE_UPGRADE_PHASE_V2 {
	CLUSTER_CHANGE_UPGRADE_NODE_PREPARE = 0x00000001,
	CLUSTER_CHANGE_UPGRADE_NODE_COMMIT = 0x00000002,
	CLUSTER_CHANGE_UPGRADE_NODE_POSTCOMMIT = 0x00000004,
	CLUSTER_CHANGE_UPGRADE_ALL = 0x00000007,
} CLUSTER_CHANGE_NODE_UPGRADE_PHASE_V2;

/* V1 change bits (CLUSTER_CHANGE); 0x80000000 and ALL do not fit an int. */
typedef DWORD CLUSTER_CHANGE;
#define CLUSTER_CHANGE_NODE_STATE		0x00000001u
#define CLUSTER_CHANGE_NODE_DELETED		0x00000002u
#define CLUSTER_CHANGE_NODE_ADDED		0x00000004u
#define CLUSTER_CHANGE_NODE_PROPERTY		0x00000008u
#define CLUSTER_CHANGE_REGISTRY_NAME		0x00000010u
#define CLUSTER_CHANGE_REGISTRY_ATTRIBUTES	0x00000020u
#define CLUSTER_CHANGE_REGISTRY_VALUE		0x00000040u
#define CLUSTER_CHANGE_REGISTRY_SUBTREE		0x00000080u
#define CLUSTER_CHANGE_RESOURCE_STATE		0x00000100u
#define CLUSTER_CHANGE_RESOURCE_DELETED		0x00000200u
#define CLUSTER_CHANGE_RESOURCE_ADDED		0x00000400u
#define CLUSTER_CHANGE_RESOURCE_PROPERTY	0x00000800u
#define CLUSTER_CHANGE_GROUP_STATE		0x00001000u
#define CLUSTER_CHANGE_GROUP_DELETED		0x00002000u
#define CLUSTER_CHANGE_GROUP_ADDED		0x00004000u
#define CLUSTER_CHANGE_GROUP_PROPERTY		0x00008000u
#define CLUSTER_CHANGE_RESOURCE_TYPE_DELETED	0x00010000u
#define CLUSTER_CHANGE_RESOURCE_TYPE_ADDED	0x00020000u
#define CLUSTER_CHANGE_RESOURCE_TYPE_PROPERTY	0x00040000u
#define CLUSTER_CHANGE_CLUSTER_RECONNECT	0x00080000u
#define CLUSTER_CHANGE_NETWORK_STATE		0x00100000u
#define CLUSTER_CHANGE_NETWORK_DELETED		0x00200000u
#define CLUSTER_CHANGE_NETWORK_ADDED		0x00400000u
#define CLUSTER_CHANGE_NETWORK_PROPERTY		0x00800000u
#define CLUSTER_CHANGE_NETINTERFACE_STATE	0x01000000u
#define CLUSTER_CHANGE_NETINTERFACE_DELETED	0x02000000u
#define CLUSTER_CHANGE_NETINTERFACE_ADDED	0x04000000u
#define CLUSTER_CHANGE_NETINTERFACE_PROPERTY	0x08000000u
#define CLUSTER_CHANGE_QUORUM_STATE		0x10000000u
#define CLUSTER_CHANGE_CLUSTER_STATE		0x20000000u
#define CLUSTER_CHANGE_CLUSTER_PROPERTY		0x40000000u
#define CLUSTER_CHANGE_HANDLE_CLOSE		0x80000000u
#define CLUSTER_CHANGE_ALL			0xFFFFFFFFu

/* States carried as a DWORD payload */
typedef enum CLUSTER_NODE_STATE {
	ClusterNodeStateUnknown = -1,
	ClusterNodeUp = 0,
	ClusterNodeDown = 1,
	ClusterNodePaused = 2,
	ClusterNodeJoining = 3,
} CLUSTER_NODE_STATE;

typedef enum CLUSTER_GROUP_STATE {
	ClusterGroupStateUnknown = -1,
	ClusterGroupOnline = 0,
	ClusterGroupOffline = 1,
	ClusterGroupFailed = 2,
	ClusterGroupPartialOnline = 3,
	ClusterGroupPending = 4,
} CLUSTER_GROUP_STATE;

typedef enum CLUSTER_RESOURCE_STATE {
	ClusterResourceStateUnknown = -1,
	ClusterResourceInherited = 0,
	ClusterResourceInitializing = 1,
	ClusterResourceOnline = 2,
	ClusterResourceOffline = 3,
	ClusterResourceFailed = 4,
	ClusterResourcePending = 128,
	ClusterResourceOnlinePending = 129,
	ClusterResourceOfflinePending = 130,
} CLUSTER_RESOURCE_STATE;

typedef enum CLUSTER_NETWORK_STATE {
	ClusterNetworkStateUnknown = -1,
	ClusterNetworkUnavailable = 0,
	ClusterNetworkDown = 1,
	ClusterNetworkPartitioned = 2,
	ClusterNetworkUp = 3,
} CLUSTER_NETWORK_STATE;

typedef enum CLUSTER_NETINTERFACE_STATE {
	ClusterNetInterfaceStateUnknown = -1,
	ClusterNetInterfaceUnavailable = 0,
	ClusterNetInterfaceFailed = 1,
	ClusterNetInterfaceUnreachable = 2,
	ClusterNetInterfaceUp = 3,
} CLUSTER_NETINTERFACE_STATE;

/* Property list syntaxes (COMMON_PROPERTY / PRIVATE_PROPERTY payloads) */
#define CLUSPROP_SYNTAX_ENDMARK			0x00000000
#define CLUSPROP_SYNTAX_NAME			0x00040003
#define CLUSPROP_SYNTAX_LIST_VALUE_BINARY	0x00010001
#define CLUSPROP_SYNTAX_LIST_VALUE_DWORD	0x00010002
#define CLUSPROP_SYNTAX_LIST_VALUE_SZ		0x00010003
#define CLUSPROP_SYNTAX_LIST_VALUE_MULTI_SZ	0x00010005
#define CLUSPROP_SYNTAX_LIST_VALUE_ULARGE_INTEGER 0x00010006
#define CLUSPROP_SYNTAX_LIST_VALUE_LONG		0x00010007

/* 16 bytes, FilterFlags at offset 8, on i386 too. */
typedef struct _NOTIFY_FILTER_AND_TYPE {
	DWORD dwObjectType;
	LONGLONG FilterFlags __attribute__((aligned(8)));
} NOTIFY_FILTER_AND_TYPE, *PNOTIFY_FILTER_AND_TYPE;

typedef struct _CLUSTER_MEMBERSHIP_INFO {
	BOOL HasQuorum;
	DWORD UpnodesSize;
	BYTE Upnodes[1];
} CLUSTER_MEMBERSHIP_INFO, *PCLUSTER_MEMBERSHIP_INFO;

/* SHARED_VOLUME STATE payloads (the SDK's CSV state structures). */
typedef enum _CLUSTER_SHARED_VOLUME_STATE {
	SharedVolumeStateUnavailable = 0,
	SharedVolumeStatePaused = 1,
	SharedVolumeStateActive = 2,
	SharedVolumeStateActiveRedirected = 3,
	SharedVolumeStateActiveVolumeRedirected = 4,
} CLUSTER_SHARED_VOLUME_STATE;

typedef struct _CLUSTER_SHARED_VOLUME_STATE_INFO {
	WCHAR szVolumeName[MAX_PATH];
	WCHAR szNodeName[MAX_PATH];
	CLUSTER_SHARED_VOLUME_STATE VolumeState;
} CLUSTER_SHARED_VOLUME_STATE_INFO, *PCLUSTER_SHARED_VOLUME_STATE_INFO;

/* 1584 bytes, the 64-bit fields at 8-byte offsets, on i386 too. */
typedef struct _CLUSTER_SHARED_VOLUME_STATE_INFO_EX {
	WCHAR szVolumeName[MAX_PATH];
	WCHAR szNodeName[MAX_PATH];
	CLUSTER_SHARED_VOLUME_STATE VolumeState;
	WCHAR szVolumeFriendlyName[MAX_PATH];
	ULONGLONG RedirectedIOReason __attribute__((aligned(8)));
	ULONGLONG VolumeRedirectedIOReason __attribute__((aligned(8)));
} CLUSTER_SHARED_VOLUME_STATE_INFO_EX, *PCLUSTER_SHARED_VOLUME_STATE_INFO_EX;

CLUSAPI_STATIC_ASSERT(sizeof(WCHAR) == 2, "WCHAR is UTF-16");
CLUSAPI_STATIC_ASSERT(sizeof(CLUSTER_SHARED_VOLUME_STATE_INFO) == 1044,
		      "CLUSTER_SHARED_VOLUME_STATE_INFO is 1044 bytes");
CLUSAPI_STATIC_ASSERT(sizeof(CLUSTER_SHARED_VOLUME_STATE_INFO_EX) == 1584 &&
		      offsetof(CLUSTER_SHARED_VOLUME_STATE_INFO_EX,
			       RedirectedIOReason) == 1568,
		      "CLUSTER_SHARED_VOLUME_STATE_INFO_EX layout");
CLUSAPI_STATIC_ASSERT(sizeof(DWORD) == 4 && sizeof(BOOL) == 4 &&
		      sizeof(LONG) == 4, "32-bit DWORD, BOOL, LONG");
CLUSAPI_STATIC_ASSERT(sizeof(DWORD_PTR) == sizeof(void *), "DWORD_PTR");
CLUSAPI_STATIC_ASSERT(sizeof(NOTIFY_FILTER_AND_TYPE) == 16,
		      "NOTIFY_FILTER_AND_TYPE is 16 bytes");
CLUSAPI_STATIC_ASSERT(offsetof(NOTIFY_FILTER_AND_TYPE, FilterFlags) == 8,
		      "FilterFlags at offset 8");
CLUSAPI_STATIC_ASSERT(offsetof(CLUSTER_MEMBERSHIP_INFO, UpnodesSize) == 4 &&
		      offsetof(CLUSTER_MEMBERSHIP_INFO, Upnodes) == 8,
		      "CLUSTER_MEMBERSHIP_INFO layout");

/* Thread's last error */
DWORD WINAPI GetLastError(void);
void WINAPI SetLastError(DWORD dwErrCode);

/* Clusters and objects */
HCLUSTER WINAPI OpenCluster(LPCWSTR lpszClusterName);
BOOL WINAPI CloseCluster(HCLUSTER hCluster);
HNODE WINAPI OpenClusterNode(HCLUSTER hCluster, LPCWSTR lpszNodeName);
BOOL WINAPI CloseClusterNode(HNODE hNode);
HGROUP WINAPI OpenClusterGroup(HCLUSTER hCluster, LPCWSTR lpszGroupName);
BOOL WINAPI CloseClusterGroup(HGROUP hGroup);
HRESOURCE WINAPI OpenClusterResource(HCLUSTER hCluster, LPCWSTR lpszResourceName);
BOOL WINAPI CloseClusterResource(HRESOURCE hResource);
HNETWORK WINAPI OpenClusterNetwork(HCLUSTER hCluster, LPCWSTR lpszNetworkName);
BOOL WINAPI CloseClusterNetwork(HNETWORK hNetwork);
HNETINTERFACE WINAPI OpenClusterNetInterface(HCLUSTER hCluster,
					     LPCWSTR lpszInterfaceName);
BOOL WINAPI CloseClusterNetInterface(HNETINTERFACE hNetInterface);

/* Cluster registry keys, for REGISTRY watches */
HKEY WINAPI GetClusterKey(HCLUSTER hCluster, REGSAM samDesired);
LONG WINAPI ClusterRegOpenKey(HKEY hKey, LPCWSTR lpszSubKey, REGSAM samDesired,
			      PHKEY phkResult);
LONG WINAPI ClusterRegCloseKey(HKEY hKey);

/* V2 notifications */
HCHANGE WINAPI CreateClusterNotifyPortV2(HCHANGE hChange, HCLUSTER hCluster,
					 NOTIFY_FILTER_AND_TYPE *Filters,
					 DWORD dwFilterCount,
					 DWORD_PTR dwNotifyKey);
DWORD WINAPI RegisterClusterNotifyV2(HCHANGE hChange,
				     NOTIFY_FILTER_AND_TYPE Filter,
				     HANDLE hObject, DWORD_PTR dwNotifyKey);
DWORD WINAPI GetNotifyEventHandle(HCHANGE hChange, HANDLE *lphTargetEvent);
DWORD WINAPI GetClusterNotifyV2(HCHANGE hChange, DWORD_PTR *lpdwNotifyKey,
				NOTIFY_FILTER_AND_TYPE *pFilterAndType,
				BYTE *buffer, DWORD *lpbBufferSize,
				LPWSTR lpszObjectId, DWORD *lpcchObjectId,
				LPWSTR lpszParentId, DWORD *lpcchParentId,
				LPWSTR lpszName, DWORD *lpcchName,
				LPWSTR lpszType, DWORD *lpcchType,
				DWORD dwMilliseconds);
BOOL WINAPI CloseClusterNotifyPort(HCHANGE hChange);

/* V1 notifications */
HCHANGE WINAPI CreateClusterNotifyPort(HCHANGE hChange, HCLUSTER hCluster,
				       DWORD dwFilter, DWORD_PTR dwNotifyKey);
DWORD WINAPI RegisterClusterNotify(HCHANGE hChange, DWORD dwFilterType,
				   HANDLE hObject, DWORD_PTR dwNotifyKey);
DWORD WINAPI GetClusterNotify(HCHANGE hChange, DWORD_PTR *lpdwNotifyKey,
			      DWORD *lpdwFilterType, LPWSTR lpszName,
			      DWORD *lpcchName, DWORD dwMilliseconds);

/* Function pointer types, for programs that load the library themselves. */
typedef HCLUSTER (WINAPI *PCLUSAPI_OPEN_CLUSTER)(LPCWSTR lpszClusterName);
typedef BOOL (WINAPI *PCLUSAPI_CLOSE_CLUSTER)(HCLUSTER hCluster);
typedef HNODE (WINAPI *PCLUSAPI_OPEN_CLUSTER_NODE)(HCLUSTER hCluster,
						   LPCWSTR lpszNodeName);
typedef BOOL (WINAPI *PCLUSAPI_CLOSE_CLUSTER_NODE)(HNODE hNode);
typedef HGROUP (WINAPI *PCLUSAPI_OPEN_CLUSTER_GROUP)(HCLUSTER hCluster,
						     LPCWSTR lpszGroupName);
typedef BOOL (WINAPI *PCLUSAPI_CLOSE_CLUSTER_GROUP)(HGROUP hGroup);
typedef HRESOURCE (WINAPI *PCLUSAPI_OPEN_CLUSTER_RESOURCE)(HCLUSTER hCluster,
							   LPCWSTR lpszResourceName);
typedef BOOL (WINAPI *PCLUSAPI_CLOSE_CLUSTER_RESOURCE)(HRESOURCE hResource);
typedef HNETWORK (WINAPI *PCLUSAPI_OPEN_CLUSTER_NETWORK)(HCLUSTER hCluster,
							 LPCWSTR lpszNetworkName);
typedef BOOL (WINAPI *PCLUSAPI_CLOSE_CLUSTER_NETWORK)(HNETWORK hNetwork);
typedef HNETINTERFACE (WINAPI *PCLUSAPI_OPEN_CLUSTER_NET_INTERFACE)(
	HCLUSTER hCluster, LPCWSTR lpszInterfaceName);
typedef BOOL (WINAPI *PCLUSAPI_CLOSE_CLUSTER_NET_INTERFACE)(
	HNETINTERFACE hNetInterface);
typedef HKEY (WINAPI *PCLUSAPI_GET_CLUSTER_KEY)(HCLUSTER hCluster,
						REGSAM samDesired);
typedef LONG (WINAPI *PCLUSAPI_CLUSTER_REG_OPEN_KEY)(HKEY hKey,
						     LPCWSTR lpszSubKey,
						     REGSAM samDesired,
						     PHKEY phkResult);
typedef LONG (WINAPI *PCLUSAPI_CLUSTER_REG_CLOSE_KEY)(HKEY hKey);
typedef HCHANGE (WINAPI *PCLUSAPI_CREATE_CLUSTER_NOTIFY_PORT_V2)(
	HCHANGE hChange, HCLUSTER hCluster, NOTIFY_FILTER_AND_TYPE *Filters,
	DWORD dwFilterCount, DWORD_PTR dwNotifyKey);
typedef DWORD (WINAPI *PCLUSAPI_REGISTER_CLUSTER_NOTIFY_V2)(
	HCHANGE hChange, NOTIFY_FILTER_AND_TYPE Filter, HANDLE hObject,
	DWORD_PTR dwNotifyKey);
typedef DWORD (WINAPI *PCLUSAPI_GET_NOTIFY_EVENT_HANDLE_V2)(
	HCHANGE hChange, HANDLE *lphTargetEvent);
typedef DWORD (WINAPI *PCLUSAPI_GET_CLUSTER_NOTIFY_V2)(
	HCHANGE hChange, DWORD_PTR *lpdwNotifyKey,
	NOTIFY_FILTER_AND_TYPE *pFilterAndType, BYTE *buffer,
	DWORD *lpbBufferSize, LPWSTR lpszObjectId, DWORD *lpcchObjectId,
	LPWSTR lpszParentId, DWORD *lpcchParentId, LPWSTR lpszName,
	DWORD *lpcchName, LPWSTR lpszType, DWORD *lpcchType,
	DWORD dwMilliseconds);
typedef BOOL (WINAPI *PCLUSAPI_CLOSE_CLUSTER_NOTIFY_PORT)(HCHANGE hChange);
typedef HCHANGE (WINAPI *PCLUSAPI_CREATE_CLUSTER_NOTIFY_PORT)(
	HCHANGE hChange, HCLUSTER hCluster, DWORD dwFilter,
	DWORD_PTR dwNotifyKey);
typedef DWORD (WINAPI *PCLUSAPI_REGISTER_CLUSTER_NOTIFY)(
	HCHANGE hChange, DWORD dwFilterType, HANDLE hObject,
	DWORD_PTR dwNotifyKey);
typedef DWORD (WINAPI *PCLUSAPI_GET_CLUSTER_NOTIFY)(
	HCHANGE hChange, DWORD_PTR *lpdwNotifyKey, DWORD *lpdwFilterType,
	LPWSTR lpszName, DWORD *lpcchName, DWORD dwMilliseconds);

/*
 * The few string functions of kernel32 a ported program needs for WCHAR
 * (the C library's wcs* take 32-bit wchar_t): length, copy, compare (with
 * and without case, as Windows compares names) and UTF-8 conversion
 * (CP_UTF8 only; other code pages fail with ERROR_INVALID_PARAMETER).
 * Declared unless a Windows header has declared them first.
 */
#if !defined(_WINBASE_) && !defined(__WINE_WINBASE_H)
int WINAPI lstrlenW(LPCWSTR lpString);
LPWSTR WINAPI lstrcpynW(LPWSTR lpString1, LPCWSTR lpString2, int iMaxLength);
int WINAPI lstrcmpW(LPCWSTR lpString1, LPCWSTR lpString2);
int WINAPI lstrcmpiW(LPCWSTR lpString1, LPCWSTR lpString2);
#endif
#if !defined(_WINNLS_) && !defined(__WINE_WINNLS_H)
#ifndef CP_UTF8
#define CP_UTF8		65001
#endif
#ifndef MB_ERR_INVALID_CHARS
#define MB_ERR_INVALID_CHARS	0x00000008
#endif
#ifndef WC_ERR_INVALID_CHARS
#define WC_ERR_INVALID_CHARS	0x00000080
#endif
int WINAPI MultiByteToWideChar(UINT CodePage, DWORD dwFlags,
			       LPCCH lpMultiByteStr, int cbMultiByte,
			       LPWSTR lpWideCharStr, int cchWideChar);
int WINAPI WideCharToMultiByte(UINT CodePage, DWORD dwFlags,
			       LPCWCH lpWideCharStr, int cchWideChar,
			       LPSTR lpMultiByteStr, int cbMultiByte,
			       LPCCH lpDefaultChar, LPBOOL lpUsedDefaultChar);
#endif


/*
 * Enumeration, state and registry reads (since 1.3): they read the kernel's
 * object registry through the device, as the notifications do. See
 * ClusterOpenEnum(3), GetClusterNodeState(3), ClusterRegQueryValue(3).
 */
#ifndef CLUSAPI_HAVE_WINDOWS_TYPES
#ifndef _WORD_DEFINED
#define _WORD_DEFINED
typedef uint16_t WORD;
#endif
#ifndef _PVOID_DEFINED
#define _PVOID_DEFINED
typedef void *PVOID;
#endif
#endif /* !CLUSAPI_HAVE_WINDOWS_TYPES */
#ifndef _FILETIME_
#define _FILETIME_
typedef struct _FILETIME {
	DWORD dwLowDateTime;
	DWORD dwHighDateTime;
} FILETIME, *PFILETIME, *LPFILETIME;
#endif

typedef struct _HCLUSENUM *HCLUSENUM;
typedef struct _HCLUSENUMEX *HCLUSENUMEX;
typedef struct _HNODEENUM *HNODEENUM;
typedef struct _HGROUPENUM *HGROUPENUM;

#ifndef ERROR_NOT_READY
#define ERROR_NOT_READY				21
#endif
#ifndef ERROR_GROUPSET_NOT_FOUND
#define ERROR_GROUPSET_NOT_FOUND		5992
#endif

/* Access rights of the OpenCluster*Ex functions: handles only read. */
#ifndef GENERIC_READ
#define GENERIC_READ		0x80000000u
#define GENERIC_WRITE		0x40000000u
#define GENERIC_EXECUTE		0x20000000u
#define GENERIC_ALL		0x10000000u
#endif

/* Registry value types */
#ifndef REG_NONE
#define REG_NONE		0
#define REG_SZ			1
#define REG_EXPAND_SZ		2
#define REG_BINARY		3
#define REG_DWORD		4
#define REG_MULTI_SZ		7
#define REG_QWORD		11
#endif

/* CLUSTER_ENUM; 0x80000000 does not fit an int. */
typedef DWORD CLUSTER_ENUM;
#define CLUSTER_ENUM_NODE			0x00000001u
#define CLUSTER_ENUM_RESTYPE			0x00000002u
#define CLUSTER_ENUM_RESOURCE			0x00000004u
#define CLUSTER_ENUM_GROUP			0x00000008u
#define CLUSTER_ENUM_NETWORK			0x00000010u
#define CLUSTER_ENUM_NETINTERFACE		0x00000020u
#define CLUSTER_ENUM_SHARED_VOLUME_GROUP	0x20000000u
#define CLUSTER_ENUM_SHARED_VOLUME_RESOURCE	0x40000000u
#define CLUSTER_ENUM_INTERNAL_NETWORK		0x80000000u
#define CLUSTER_ENUM_ALL			0x0000003Fu

typedef enum CLUSTER_NODE_ENUM {
	CLUSTER_NODE_ENUM_NETINTERFACES = 0x00000001,
	CLUSTER_NODE_ENUM_GROUPS = 0x00000002,
	CLUSTER_NODE_ENUM_ALL = 0x00000003,
} CLUSTER_NODE_ENUM;

typedef enum CLUSTER_GROUP_ENUM {
	CLUSTER_GROUP_ENUM_CONTAINS = 0x00000001,
	CLUSTER_GROUP_ENUM_NODES = 0x00000002,
	CLUSTER_GROUP_ENUM_ALL = 0x00000003,
} CLUSTER_GROUP_ENUM;

#define CLUSTER_ENUM_ITEM_VERSION_1	0x00000001
#define CLUSTER_ENUM_ITEM_VERSION	CLUSTER_ENUM_ITEM_VERSION_1

/* ClusterEnumEx fills one: the strings follow it in the caller's buffer. */
typedef struct _CLUSTER_ENUM_ITEM {
	DWORD dwVersion;
	DWORD dwType;
	DWORD cbId;
	LPWSTR lpszId;
	DWORD cbName;
	LPWSTR lpszName;
} CLUSTER_ENUM_ITEM, *PCLUSTER_ENUM_ITEM;

typedef struct CLUSTERVERSIONINFO {
	DWORD dwVersionInfoSize;
	WORD MajorVersion;
	WORD MinorVersion;
	WORD BuildNumber;
	WCHAR szVendorId[64];
	WCHAR szCSDVersion[64];
	DWORD dwClusterHighestVersion;
	DWORD dwClusterLowestVersion;
	DWORD dwFlags;
	DWORD dwReserved;
} CLUSTERVERSIONINFO, *LPCLUSTERVERSIONINFO, *PCLUSTERVERSIONINFO;

typedef struct CLUSTERVERSIONINFO_NT4 {
	DWORD dwVersionInfoSize;
	WORD MajorVersion;
	WORD MinorVersion;
	WORD BuildNumber;
	WCHAR szVendorId[64];
	WCHAR szCSDVersion[64];
} CLUSTERVERSIONINFO_NT4, *PCLUSTERVERSIONINFO_NT4;

CLUSAPI_STATIC_ASSERT(sizeof(WORD) == 2, "16-bit WORD");
CLUSAPI_STATIC_ASSERT(offsetof(CLUSTERVERSIONINFO, szVendorId) == 10 &&
		      offsetof(CLUSTERVERSIONINFO, dwClusterHighestVersion) == 268 &&
		      sizeof(CLUSTERVERSIONINFO) == 284,
		      "CLUSTERVERSIONINFO layout");

/* Handles with the access they were granted */
HCLUSTER WINAPI OpenClusterEx(LPCWSTR lpszClusterName, DWORD DesiredAccess,
			      DWORD *GrantedAccess);
HNODE WINAPI OpenClusterNodeEx(HCLUSTER hCluster, LPCWSTR lpszNodeName,
			       DWORD dwDesiredAccess, DWORD *lpdwGrantedAccess);
HNODE WINAPI OpenClusterNodeById(HCLUSTER hCluster, DWORD nodeId);
HGROUP WINAPI OpenClusterGroupEx(HCLUSTER hCluster, LPCWSTR lpszGroupName,
				 DWORD dwDesiredAccess,
				 DWORD *lpdwGrantedAccess);
HRESOURCE WINAPI OpenClusterResourceEx(HCLUSTER hCluster,
				       LPCWSTR lpszResourceName,
				       DWORD dwDesiredAccess,
				       DWORD *lpdwGrantedAccess);
HNETWORK WINAPI OpenClusterNetworkEx(HCLUSTER hCluster,
				     LPCWSTR lpszNetworkName,
				     DWORD dwDesiredAccess,
				     DWORD *lpdwGrantedAccess);
HNETINTERFACE WINAPI OpenClusterNetInterfaceEx(HCLUSTER hCluster,
					       LPCWSTR lpszInterfaceName,
					       DWORD dwDesiredAccess,
					       DWORD *lpdwGrantedAccess);
HGROUPSET WINAPI OpenClusterGroupSet(HCLUSTER hCluster,
				     LPCWSTR lpszGroupSetName);
BOOL WINAPI CloseClusterGroupSet(HGROUPSET hGroupSet);

/* Enumeration: a snapshot taken when the enumeration is opened */
HCLUSENUM WINAPI ClusterOpenEnum(HCLUSTER hCluster, DWORD dwType);
DWORD WINAPI ClusterGetEnumCount(HCLUSENUM hEnum);
DWORD WINAPI ClusterEnum(HCLUSENUM hEnum, DWORD dwIndex, LPDWORD lpdwType,
			 LPWSTR lpszName, LPDWORD lpcchName);
DWORD WINAPI ClusterCloseEnum(HCLUSENUM hEnum);
HCLUSENUMEX WINAPI ClusterOpenEnumEx(HCLUSTER hCluster, DWORD dwType,
				     PVOID pOptions);
DWORD WINAPI ClusterGetEnumCountEx(HCLUSENUMEX hClusterEnum);
DWORD WINAPI ClusterEnumEx(HCLUSENUMEX hClusterEnum, DWORD dwIndex,
			   PCLUSTER_ENUM_ITEM pItem, LPDWORD cbItem);
DWORD WINAPI ClusterCloseEnumEx(HCLUSENUMEX hClusterEnum);
HNODEENUM WINAPI ClusterNodeOpenEnum(HNODE hNode, DWORD dwType);
DWORD WINAPI ClusterNodeGetEnumCount(HNODEENUM hNodeEnum);
DWORD WINAPI ClusterNodeEnum(HNODEENUM hNodeEnum, DWORD dwIndex,
			     LPDWORD lpdwType, LPWSTR lpszName,
			     LPDWORD lpcchName);
DWORD WINAPI ClusterNodeCloseEnum(HNODEENUM hNodeEnum);
HGROUPENUM WINAPI ClusterGroupOpenEnum(HGROUP hGroup, DWORD dwType);
DWORD WINAPI ClusterGroupGetEnumCount(HGROUPENUM hGroupEnum);
DWORD WINAPI ClusterGroupEnum(HGROUPENUM hGroupEnum, DWORD dwIndex,
			      LPDWORD lpdwType, LPWSTR lpszResourceName,
			      LPDWORD lpcchName);
DWORD WINAPI ClusterGroupCloseEnum(HGROUPENUM hGroupEnum);

/* State, read from the kernel's registry at the call */
CLUSTER_NODE_STATE WINAPI GetClusterNodeState(HNODE hNode);
CLUSTER_GROUP_STATE WINAPI GetClusterGroupState(HGROUP hGroup,
						LPWSTR lpszNodeName,
						LPDWORD lpcchNodeName);
CLUSTER_RESOURCE_STATE WINAPI GetClusterResourceState(HRESOURCE hResource,
						      LPWSTR lpszNodeName,
						      LPDWORD lpcchNodeName,
						      LPWSTR lpszGroupName,
						      LPDWORD lpcchGroupName);
CLUSTER_NETWORK_STATE WINAPI GetClusterNetworkState(HNETWORK hNetwork);
CLUSTER_NETINTERFACE_STATE WINAPI
GetClusterNetInterfaceState(HNETINTERFACE hNetInterface);
DWORD WINAPI GetClusterInformation(HCLUSTER hCluster, LPWSTR lpszClusterName,
				   LPDWORD lpcchClusterName,
				   LPCLUSTERVERSIONINFO lpClusterInfo);

/* Registry reads */
HKEY WINAPI GetClusterNodeKey(HNODE hNode, REGSAM samDesired);
HKEY WINAPI GetClusterGroupKey(HGROUP hGroup, REGSAM samDesired);
HKEY WINAPI GetClusterResourceKey(HRESOURCE hResource, REGSAM samDesired);
LONG WINAPI ClusterRegQueryValue(HKEY hKey, LPCWSTR lpszValueName,
				 LPDWORD lpdwValueType, LPBYTE lpData,
				 LPDWORD lpcbData);
LONG WINAPI ClusterRegEnumKey(HKEY hKey, DWORD dwIndex, LPWSTR lpszName,
			      LPDWORD lpcchName, PFILETIME lpftLastWriteTime);
DWORD WINAPI ClusterRegEnumValue(HKEY hKey, DWORD dwIndex,
				 LPWSTR lpszValueName, LPDWORD lpcchValueName,
				 LPDWORD lpdwType, LPBYTE lpData,
				 LPDWORD lpcbData);
LONG WINAPI ClusterRegQueryInfoKey(HKEY hKey, LPDWORD lpcSubKeys,
				   LPDWORD lpcchMaxSubKeyLen,
				   LPDWORD lpcValues,
				   LPDWORD lpcchMaxValueNameLen,
				   LPDWORD lpcbMaxValueLen,
				   LPDWORD lpcbSecurityDescriptor,
				   PFILETIME lpftLastWriteTime);

#ifdef __cplusplus
}
#endif

#endif /* LIBCLUSNOTIFY_CLUSAPI_H */
