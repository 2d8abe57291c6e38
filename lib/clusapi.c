// SPDX-License-Identifier: MIT
/*
 * The Windows cluster notification API (clusapi.h) on the native API.
 *
 * This file is the one place where errno values become Windows error codes
 * (map_errno) and where UTF-16 meets the kernel's UTF-8.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clusapi.h"
#include "clusnotify.h"
#include "handle.h"
#include "internal.h"
#include "utf16.h"

/* The Windows values are the kernel's: they pass through unchanged. */
#define SAME(a, b)	_Static_assert((uint64_t)(a) == (uint64_t)(b), #a)
SAME(CLUSTER_OBJECT_TYPE_NONE, CLUSNOTIFY_OBJ_NONE);
SAME(CLUSTER_OBJECT_TYPE_CLUSTER, CLUSNOTIFY_OBJ_CLUSTER);
SAME(CLUSTER_OBJECT_TYPE_GROUP, CLUSNOTIFY_OBJ_GROUP);
SAME(CLUSTER_OBJECT_TYPE_RESOURCE, CLUSNOTIFY_OBJ_RESOURCE);
SAME(CLUSTER_OBJECT_TYPE_RESOURCE_TYPE, CLUSNOTIFY_OBJ_RESOURCE_TYPE);
SAME(CLUSTER_OBJECT_TYPE_NETWORK_INTERFACE, CLUSNOTIFY_OBJ_NETWORK_INTERFACE);
SAME(CLUSTER_OBJECT_TYPE_NETWORK, CLUSNOTIFY_OBJ_NETWORK);
SAME(CLUSTER_OBJECT_TYPE_NODE, CLUSNOTIFY_OBJ_NODE);
SAME(CLUSTER_OBJECT_TYPE_REGISTRY, CLUSNOTIFY_OBJ_REGISTRY);
SAME(CLUSTER_OBJECT_TYPE_QUORUM, CLUSNOTIFY_OBJ_QUORUM);
SAME(CLUSTER_OBJECT_TYPE_SHARED_VOLUME, CLUSNOTIFY_OBJ_SHARED_VOLUME);
SAME(CLUSTER_OBJECT_TYPE_SPACEPORT, CLUSNOTIFY_OBJ_SPACEPORT);
SAME(CLUSTER_OBJECT_TYPE_UPGRADE, CLUSNOTIFY_OBJ_UPGRADE);
SAME(CLUSTER_OBJECT_TYPE_GROUPSET, CLUSNOTIFY_OBJ_GROUPSET);
SAME(CLUSTER_OBJECT_TYPE_AFFINITYRULE, CLUSNOTIFY_OBJ_AFFINITYRULE);
SAME(CLUSTER_OBJECT_TYPE_FAULTDOMAIN, CLUSNOTIFY_OBJ_FAULTDOMAIN);
SAME(CLUSTER_CHANGE_CLUSTER_RECONNECT_V2, CLUSNOTIFY_CLUSTER_RECONNECT);
SAME(CLUSTER_CHANGE_CLUSTER_STATE_V2, CLUSNOTIFY_CLUSTER_STATE);
SAME(CLUSTER_CHANGE_CLUSTER_GROUP_ADDED_V2, CLUSNOTIFY_CLUSTER_GROUP_ADDED);
SAME(CLUSTER_CHANGE_CLUSTER_HANDLE_CLOSE_V2, CLUSNOTIFY_CLUSTER_HANDLE_CLOSE);
SAME(CLUSTER_CHANGE_CLUSTER_NETWORK_ADDED_V2, CLUSNOTIFY_CLUSTER_NETWORK_ADDED);
SAME(CLUSTER_CHANGE_CLUSTER_NODE_ADDED_V2, CLUSNOTIFY_CLUSTER_NODE_ADDED);
SAME(CLUSTER_CHANGE_CLUSTER_RESOURCE_TYPE_ADDED_V2, CLUSNOTIFY_CLUSTER_RESOURCE_TYPE_ADDED);
SAME(CLUSTER_CHANGE_CLUSTER_COMMON_PROPERTY_V2, CLUSNOTIFY_CLUSTER_COMMON_PROPERTY);
SAME(CLUSTER_CHANGE_CLUSTER_PRIVATE_PROPERTY_V2, CLUSNOTIFY_CLUSTER_PRIVATE_PROPERTY);
SAME(CLUSTER_CHANGE_CLUSTER_LOST_NOTIFICATIONS_V2, CLUSNOTIFY_CLUSTER_LOST_NOTIFICATIONS);
SAME(CLUSTER_CHANGE_CLUSTER_RENAME_V2, CLUSNOTIFY_CLUSTER_RENAME);
SAME(CLUSTER_CHANGE_CLUSTER_MEMBERSHIP_V2, CLUSNOTIFY_CLUSTER_MEMBERSHIP);
SAME(CLUSTER_CHANGE_CLUSTER_UPGRADED_V2, CLUSNOTIFY_CLUSTER_UPGRADED);
SAME(CLUSTER_CHANGE_CLUSTER_ALL_V2, CLUSNOTIFY_CLUSTER_ALL);
SAME(CLUSTER_CHANGE_GROUP_DELETED_V2, CLUSNOTIFY_GROUP_DELETED);
SAME(CLUSTER_CHANGE_GROUP_COMMON_PROPERTY_V2, CLUSNOTIFY_GROUP_COMMON_PROPERTY);
SAME(CLUSTER_CHANGE_GROUP_PRIVATE_PROPERTY_V2, CLUSNOTIFY_GROUP_PRIVATE_PROPERTY);
SAME(CLUSTER_CHANGE_GROUP_STATE_V2, CLUSNOTIFY_GROUP_STATE);
SAME(CLUSTER_CHANGE_GROUP_OWNER_NODE_V2, CLUSNOTIFY_GROUP_OWNER_NODE);
SAME(CLUSTER_CHANGE_GROUP_PREFERRED_OWNERS_V2, CLUSNOTIFY_GROUP_PREFERRED_OWNERS);
SAME(CLUSTER_CHANGE_GROUP_RESOURCE_ADDED_V2, CLUSNOTIFY_GROUP_RESOURCE_ADDED);
SAME(CLUSTER_CHANGE_GROUP_RESOURCE_GAINED_V2, CLUSNOTIFY_GROUP_RESOURCE_GAINED);
SAME(CLUSTER_CHANGE_GROUP_RESOURCE_LOST_V2, CLUSNOTIFY_GROUP_RESOURCE_LOST);
SAME(CLUSTER_CHANGE_GROUP_HANDLE_CLOSE_V2, CLUSNOTIFY_GROUP_HANDLE_CLOSE);
SAME(CLUSTER_CHANGE_GROUP_ALL_V2, CLUSNOTIFY_GROUP_ALL);
SAME(CLUSTER_CHANGE_GROUPSET_DELETED_v2, CLUSNOTIFY_GROUPSET_DELETED);
SAME(CLUSTER_CHANGE_GROUPSET_COMMON_PROPERTY_V2, CLUSNOTIFY_GROUPSET_COMMON_PROPERTY);
SAME(CLUSTER_CHANGE_GROUPSET_PRIVATE_PROPERTY_V2, CLUSNOTIFY_GROUPSET_PRIVATE_PROPERTY);
SAME(CLUSTER_CHANGE_GROUPSET_STATE_V2, CLUSNOTIFY_GROUPSET_STATE);
SAME(CLUSTER_CHANGE_GROUPSET_GROUP_ADDED, CLUSNOTIFY_GROUPSET_GROUP_ADDED);
SAME(CLUSTER_CHANGE_GROUPSET_GROUP_REMOVED, CLUSNOTIFY_GROUPSET_GROUP_REMOVED);
SAME(CLUSTER_CHANGE_GROUPSET_DEPENDENCIES_V2, CLUSNOTIFY_GROUPSET_DEPENDENCIES);
SAME(CLUSTER_CHANGE_GROUPSET_DEPENDENTS_V2, CLUSNOTIFY_GROUPSET_DEPENDENTS);
SAME(CLUSTER_CHANGE_GROUPSET_HANDLE_CLOSE_v2, CLUSNOTIFY_GROUPSET_HANDLE_CLOSE);
SAME(CLUSTER_CHANGE_GROUPSET_ALL_V2, CLUSNOTIFY_GROUPSET_ALL);
SAME(CLUSTER_CHANGE_RESOURCE_COMMON_PROPERTY_V2, CLUSNOTIFY_RESOURCE_COMMON_PROPERTY);
SAME(CLUSTER_CHANGE_RESOURCE_PRIVATE_PROPERTY_V2, CLUSNOTIFY_RESOURCE_PRIVATE_PROPERTY);
SAME(CLUSTER_CHANGE_RESOURCE_STATE_V2, CLUSNOTIFY_RESOURCE_STATE);
SAME(CLUSTER_CHANGE_RESOURCE_OWNER_GROUP_V2, CLUSNOTIFY_RESOURCE_OWNER_GROUP);
SAME(CLUSTER_CHANGE_RESOURCE_DEPENDENCIES_V2, CLUSNOTIFY_RESOURCE_DEPENDENCIES);
SAME(CLUSTER_CHANGE_RESOURCE_DEPENDENTS_V2, CLUSNOTIFY_RESOURCE_DEPENDENTS);
SAME(CLUSTER_CHANGE_RESOURCE_POSSIBLE_OWNERS_V2, CLUSNOTIFY_RESOURCE_POSSIBLE_OWNERS);
SAME(CLUSTER_CHANGE_RESOURCE_DELETED_V2, CLUSNOTIFY_RESOURCE_DELETED);
SAME(CLUSTER_CHANGE_RESOURCE_DLL_UPGRADED_V2, CLUSNOTIFY_RESOURCE_DLL_UPGRADED);
SAME(CLUSTER_CHANGE_RESOURCE_HANDLE_CLOSE_V2, CLUSNOTIFY_RESOURCE_HANDLE_CLOSE);
SAME(CLUSTER_CHANGE_RESOURCE_TERMINAL_STATE_V2, CLUSNOTIFY_RESOURCE_TERMINAL_STATE);
SAME(CLUSTER_CHANGE_RESOURCE_ALL_V2, CLUSNOTIFY_RESOURCE_ALL);
SAME(CLUSTER_CHANGE_RESOURCE_TYPE_DELETED_V2, CLUSNOTIFY_RESOURCE_TYPE_DELETED);
SAME(CLUSTER_CHANGE_RESOURCE_TYPE_COMMON_PROPERTY_V2, CLUSNOTIFY_RESOURCE_TYPE_COMMON_PROPERTY);
SAME(CLUSTER_CHANGE_RESOURCE_TYPE_PRIVATE_PROPERTY_V2, CLUSNOTIFY_RESOURCE_TYPE_PRIVATE_PROPERTY);
SAME(CLUSTER_CHANGE_RESOURCE_TYPE_POSSIBLE_OWNERS_V2, CLUSNOTIFY_RESOURCE_TYPE_POSSIBLE_OWNERS);
SAME(CLUSTER_CHANGE_RESOURCE_TYPE_DLL_UPGRADED_V2, CLUSNOTIFY_RESOURCE_TYPE_DLL_UPGRADED);
SAME(CLUSTER_RESOURCE_TYPE_SPECIFIC_V2, CLUSNOTIFY_RESOURCE_TYPE_SPECIFIC);
SAME(CLUSTER_CHANGE_RESOURCE_TYPE_ALL_V2, CLUSNOTIFY_RESOURCE_TYPE_ALL);
SAME(CLUSTER_CHANGE_NETINTERFACE_DELETED_V2, CLUSNOTIFY_NETINTERFACE_DELETED);
SAME(CLUSTER_CHANGE_NETINTERFACE_COMMON_PROPERTY_V2, CLUSNOTIFY_NETINTERFACE_COMMON_PROPERTY);
SAME(CLUSTER_CHANGE_NETINTERFACE_PRIVATE_PROPERTY_V2, CLUSNOTIFY_NETINTERFACE_PRIVATE_PROPERTY);
SAME(CLUSTER_CHANGE_NETINTERFACE_STATE_V2, CLUSNOTIFY_NETINTERFACE_STATE);
SAME(CLUSTER_CHANGE_NETINTERFACE_HANDLE_CLOSE_V2, CLUSNOTIFY_NETINTERFACE_HANDLE_CLOSE);
SAME(CLUSTER_CHANGE_NETINTERFACE_ALL_V2, CLUSNOTIFY_NETINTERFACE_ALL);
SAME(CLUSTER_CHANGE_NETWORK_DELETED_V2, CLUSNOTIFY_NETWORK_DELETED);
SAME(CLUSTER_CHANGE_NETWORK_COMMON_PROPERTY_V2, CLUSNOTIFY_NETWORK_COMMON_PROPERTY);
SAME(CLUSTER_CHANGE_NETWORK_PRIVATE_PROPERTY_V2, CLUSNOTIFY_NETWORK_PRIVATE_PROPERTY);
SAME(CLUSTER_CHANGE_NETWORK_STATE_V2, CLUSNOTIFY_NETWORK_STATE);
SAME(CLUSTER_CHANGE_NETWORK_HANDLE_CLOSE_V2, CLUSNOTIFY_NETWORK_HANDLE_CLOSE);
SAME(CLUSTER_CHANGE_NETWORK_ALL_V2, CLUSNOTIFY_NETWORK_ALL);
SAME(CLUSTER_CHANGE_NODE_NETINTERFACE_ADDED_V2, CLUSNOTIFY_NODE_NETINTERFACE_ADDED);
SAME(CLUSTER_CHANGE_NODE_DELETED_V2, CLUSNOTIFY_NODE_DELETED);
SAME(CLUSTER_CHANGE_NODE_COMMON_PROPERTY_V2, CLUSNOTIFY_NODE_COMMON_PROPERTY);
SAME(CLUSTER_CHANGE_NODE_PRIVATE_PROPERTY_V2, CLUSNOTIFY_NODE_PRIVATE_PROPERTY);
SAME(CLUSTER_CHANGE_NODE_STATE_V2, CLUSNOTIFY_NODE_STATE);
SAME(CLUSTER_CHANGE_NODE_GROUP_GAINED_V2, CLUSNOTIFY_NODE_GROUP_GAINED);
SAME(CLUSTER_CHANGE_NODE_GROUP_LOST_V2, CLUSNOTIFY_NODE_GROUP_LOST);
SAME(CLUSTER_CHANGE_NODE_HANDLE_CLOSE_V2, CLUSNOTIFY_NODE_HANDLE_CLOSE);
SAME(CLUSTER_CHANGE_NODE_ALL_V2, CLUSNOTIFY_NODE_ALL);
SAME(CLUSTER_CHANGE_REGISTRY_ATTRIBUTES_V2, CLUSNOTIFY_REGISTRY_ATTRIBUTES);
SAME(CLUSTER_CHANGE_REGISTRY_NAME_V2, CLUSNOTIFY_REGISTRY_NAME);
SAME(CLUSTER_CHANGE_REGISTRY_SUBTREE_V2, CLUSNOTIFY_REGISTRY_SUBTREE);
SAME(CLUSTER_CHANGE_REGISTRY_VALUE_V2, CLUSNOTIFY_REGISTRY_VALUE);
SAME(CLUSTER_CHANGE_REGISTRY_HANDLE_CLOSE_V2, CLUSNOTIFY_REGISTRY_HANDLE_CLOSE);
SAME(CLUSTER_CHANGE_REGISTRY_ALL_V2, CLUSNOTIFY_REGISTRY_ALL);
SAME(CLUSTER_CHANGE_QUORUM_STATE_V2, CLUSNOTIFY_QUORUM_STATE);
SAME(CLUSTER_CHANGE_QUORUM_ALL_V2, CLUSNOTIFY_QUORUM_ALL);
SAME(CLUSTER_CHANGE_SHARED_VOLUME_STATE_V2, CLUSNOTIFY_SHARED_VOLUME_STATE);
SAME(CLUSTER_CHANGE_SHARED_VOLUME_ADDED_V2, CLUSNOTIFY_SHARED_VOLUME_ADDED);
SAME(CLUSTER_CHANGE_SHARED_VOLUME_REMOVED_V2, CLUSNOTIFY_SHARED_VOLUME_REMOVED);
SAME(CLUSTER_CHANGE_SHARED_VOLUME_ALL_V2, CLUSNOTIFY_SHARED_VOLUME_ALL);
SAME(CLUSTER_CHANGE_SPACEPORT_CUSTOM_PNP_V2, CLUSNOTIFY_SPACEPORT_CUSTOM_PNP);
SAME(CLUSTER_CHANGE_UPGRADE_NODE_PREPARE, CLUSNOTIFY_UPGRADE_NODE_PREPARE);
SAME(CLUSTER_CHANGE_UPGRADE_NODE_COMMIT, CLUSNOTIFY_UPGRADE_NODE_COMMIT);
SAME(CLUSTER_CHANGE_UPGRADE_NODE_POSTCOMMIT, CLUSNOTIFY_UPGRADE_NODE_POSTCOMMIT);
SAME(CLUSTER_CHANGE_UPGRADE_ALL, CLUSNOTIFY_UPGRADE_ALL);
SAME(ClusterNodeStateUnknown, CLUSNOTIFY_STATE_UNKNOWN);
SAME(sizeof(NOTIFY_FILTER_AND_TYPE), sizeof(struct clusnotify_filter));
SAME(offsetof(NOTIFY_FILTER_AND_TYPE, FilterFlags),
     offsetof(struct clusnotify_filter, flags));
#undef SAME

static _Thread_local DWORD last_error;

__cn_public DWORD GetLastError(void)
{
	return last_error;
}

__cn_public void SetLastError(DWORD dwErrCode)
{
	last_error = dwErrCode;
}

/* The one errno to Windows table. @enoent names what was not found. */
static DWORD map_errno(int err, DWORD enoent)
{
	static const struct {
		int err;
		DWORD win;
	} table[] = {
		{ EINVAL, ERROR_INVALID_PARAMETER },
		{ E2BIG, ERROR_INVALID_PARAMETER },
		{ ENAMETOOLONG, ERROR_INVALID_PARAMETER },
		{ EBADF, ERROR_INVALID_HANDLE },
		{ ESHUTDOWN, ERROR_INVALID_HANDLE },
		{ ENOMEM, ERROR_NOT_ENOUGH_MEMORY },
		{ EMFILE, ERROR_NOT_ENOUGH_MEMORY },
		{ ENFILE, ERROR_NOT_ENOUGH_MEMORY },
		{ EPERM, ERROR_ACCESS_DENIED },
		{ EACCES, ERROR_ACCESS_DENIED },
		{ ETIMEDOUT, WAIT_TIMEOUT },
		{ ENODEV, RPC_S_SERVER_UNAVAILABLE },
		{ ENXIO, RPC_S_SERVER_UNAVAILABLE },
		{ ENOTTY, ERROR_INVALID_FUNCTION },
		{ EOPNOTSUPP, ERROR_NOT_SUPPORTED },
	};
	size_t i;

	if (err < 0)
		err = -err;
	if (err == ENOENT)
		return enoent;
	for (i = 0; i < ARRAY_SIZE(table); i++)
		if (table[i].err == err)
			return table[i].win;
	return ERROR_GEN_FAILURE;
}

/* For the functions that return a handle or a BOOL. */
static void *fail(DWORD err)
{
	last_error = err;
	return NULL;
}

enum kind {
	K_CHANGE,
	K_CLUSTER,
	K_NODE,
	K_GROUP,
	K_RESOURCE,
	K_NETWORK,
	K_NETINTERFACE,
	K_KEY,
};
#define KIND(k)		(1u << (k))
#define K_OBJECTS	(KIND(K_CLUSTER) | KIND(K_NODE) | KIND(K_GROUP) | \
			 KIND(K_RESOURCE) | KIND(K_NETWORK) | \
			 KIND(K_NETINTERFACE) | KIND(K_KEY))

/* What an object handle names and how not finding one is reported. */
static const struct kind_desc {
	uint32_t type;
	DWORD not_found;
} kinds[] = {
	[K_NODE] = { CLUSNOTIFY_OBJ_NODE, ERROR_CLUSTER_NODE_NOT_FOUND },
	[K_GROUP] = { CLUSNOTIFY_OBJ_GROUP, ERROR_GROUP_NOT_FOUND },
	[K_RESOURCE] = { CLUSNOTIFY_OBJ_RESOURCE, ERROR_RESOURCE_NOT_FOUND },
	[K_NETWORK] = { CLUSNOTIFY_OBJ_NETWORK, ERROR_CLUSTER_NETWORK_NOT_FOUND },
	[K_NETINTERFACE] = { CLUSNOTIFY_OBJ_NETWORK_INTERFACE,
			     ERROR_CLUSTER_NETINTERFACE_NOT_FOUND },
	[K_KEY] = { CLUSNOTIFY_OBJ_REGISTRY, ERROR_FILE_NOT_FOUND },
};

/* HCLUSTER: a port used for lookups only, and what it resolved. */
struct cluster {
	struct cn_handle h;
	struct clusnotify_port *port;
	uint32_t id;
	char name[CLUSNOTIFY_CLUSTER_NAME_MAX];
};

/* HNODE, HGROUP, HRESOURCE, HNETWORK, HNETINTERFACE, HKEY */
struct object {
	struct cn_handle h;
	uint32_t type;
	uint32_t cluster_id;
	char cluster_name[CLUSNOTIFY_CLUSTER_NAME_MAX];
	char id[CLUSNOTIFY_ID_MAX];	/* HKEY: the key's path, "" the root */
	bool closed;			/* under reg_lock */
};

struct watched {
	uint32_t id;
	char name[CLUSNOTIFY_CLUSTER_NAME_MAX];
};

/* HCHANGE. @lock guards @clusters, the names V1 reports. */
struct port {
	struct cn_handle h;
	int version;
	struct clusnotify_port *np;
	pthread_mutex_t lock;
	unsigned int nclusters;
	struct watched *clusters;
	bool closed;			/* under reg_lock */
};

/*
 * A registration of an object on a port, undone when the object's handle
 * closes. It holds no reference: whichever of the two closes first unlinks
 * it under reg_lock (taken before the handle table's lock, never after).
 */
struct reg {
	struct reg *next;
	struct object *obj;
	struct port *port;
	uint64_t reg_id;
};

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static struct reg *regs;

static uint64_t key64(DWORD_PTR key)
{
	return (uint64_t)key;
}

static DWORD_PTR key_ptr(uint64_t key)
{
	return (DWORD_PTR)key;
}

/* Converts a name from the caller; an error is set for GetLastError. */
static bool to_utf8(LPCWSTR s, char *out, size_t cap)
{
	int ret;

	if (!s) {
		last_error = ERROR_INVALID_PARAMETER;
		return false;
	}
	ret = __cn_utf16_to_utf8(s, out, cap);
	if (ret < 0) {
		last_error = ERROR_INVALID_PARAMETER;
		return false;
	}
	return true;
}

/* ---- Clusters and objects ---- */

static void cluster_destroy(struct cn_handle *h)
{
	struct cluster *cl = (struct cluster *)h;

	clusnotify_port_close(cl->port);
	free(cl);
}

__cn_public HCLUSTER OpenCluster(LPCWSTR lpszClusterName)
{
	struct clusnotify_cluster_info info;
	char name[CLUSNOTIFY_CLUSTER_NAME_MAX] = "";
	struct cluster *cl;
	int ret;

	if (lpszClusterName && !to_utf8(lpszClusterName, name, sizeof(name)))
		return NULL;
	cl = calloc(1, sizeof(*cl));
	if (!cl)
		return fail(ERROR_NOT_ENOUGH_MEMORY);
	ret = clusnotify_port_open(&cl->port);
	if (!ret)
		ret = clusnotify_get_cluster(cl->port, name, &info);
	if (ret)
		goto err;
	cl->id = info.cluster_id;
	memcpy(cl->name, info.name, sizeof(cl->name));
	cl->name[sizeof(cl->name) - 1] = '\0';
	cl->h.kind = K_CLUSTER;
	cl->h.destroy = cluster_destroy;
	if (__cn_handle_add(&cl->h))
		return cl->h.value;
	ret = -ENOMEM;
err:
	clusnotify_port_close(cl->port);
	free(cl);
	return fail(map_errno(ret, RPC_S_SERVER_UNAVAILABLE));
}

static BOOL close_handle(HANDLE h, enum kind kind);

__cn_public BOOL CloseCluster(HCLUSTER hCluster)
{
	return close_handle(hCluster, K_CLUSTER);
}

static void object_destroy(struct cn_handle *h)
{
	free(h);
}

static void *add_object(uint32_t cluster_id, const char *cluster_name,
			enum kind kind, const char *id)
{
	struct object *obj;

	obj = calloc(1, sizeof(*obj));
	if (!obj)
		return fail(ERROR_NOT_ENOUGH_MEMORY);
	obj->type = kinds[kind].type;
	obj->cluster_id = cluster_id;
	strcpy(obj->cluster_name, cluster_name);
	strcpy(obj->id, id);
	obj->h.kind = kind;
	obj->h.destroy = object_destroy;
	if (!__cn_handle_add(&obj->h)) {
		free(obj);
		return fail(ERROR_NOT_ENOUGH_MEMORY);
	}
	return obj->h.value;
}

/* Resolves @name through the kernel, by name first and then by id. */
static void *open_object(HCLUSTER hCluster, LPCWSTR name, enum kind kind)
{
	struct clusnotify_object_info info;
	char name8[CLUSNOTIFY_NAME_MAX];
	struct cluster *cl;
	void *ret = NULL;
	int err;

	cl = (struct cluster *)__cn_handle_get(hCluster, KIND(K_CLUSTER));
	if (!cl)
		return fail(ERROR_INVALID_HANDLE);
	if (!to_utf8(name, name8, sizeof(name8)))
		goto out;
	err = clusnotify_get_object(cl->port, cl->id, kinds[kind].type, name8,
				    0, &info);
	if (err == -ENOENT && strlen(name8) < CLUSNOTIFY_ID_MAX)
		err = clusnotify_get_object(cl->port, cl->id, kinds[kind].type,
					    name8, CLUSNOTIFY_OBJECT_BY_ID, &info);
	if (err) {
		fail(map_errno(err, kinds[kind].not_found));
		goto out;
	}
	info.id[sizeof(info.id) - 1] = '\0';
	ret = add_object(cl->id, cl->name, kind, info.id);
out:
	__cn_handle_put(&cl->h);
	return ret;
}

__cn_public HNODE OpenClusterNode(HCLUSTER hCluster, LPCWSTR lpszNodeName)
{
	return open_object(hCluster, lpszNodeName, K_NODE);
}

__cn_public BOOL CloseClusterNode(HNODE hNode)
{
	return close_handle(hNode, K_NODE);
}

__cn_public HGROUP OpenClusterGroup(HCLUSTER hCluster, LPCWSTR lpszGroupName)
{
	return open_object(hCluster, lpszGroupName, K_GROUP);
}

__cn_public BOOL CloseClusterGroup(HGROUP hGroup)
{
	return close_handle(hGroup, K_GROUP);
}

__cn_public HRESOURCE OpenClusterResource(HCLUSTER hCluster,
					  LPCWSTR lpszResourceName)
{
	return open_object(hCluster, lpszResourceName, K_RESOURCE);
}

__cn_public BOOL CloseClusterResource(HRESOURCE hResource)
{
	return close_handle(hResource, K_RESOURCE);
}

__cn_public HNETWORK OpenClusterNetwork(HCLUSTER hCluster,
					LPCWSTR lpszNetworkName)
{
	return open_object(hCluster, lpszNetworkName, K_NETWORK);
}

__cn_public BOOL CloseClusterNetwork(HNETWORK hNetwork)
{
	return close_handle(hNetwork, K_NETWORK);
}

__cn_public HNETINTERFACE OpenClusterNetInterface(HCLUSTER hCluster,
						  LPCWSTR lpszInterfaceName)
{
	return open_object(hCluster, lpszInterfaceName, K_NETINTERFACE);
}

__cn_public BOOL CloseClusterNetInterface(HNETINTERFACE hNetInterface)
{
	return close_handle(hNetInterface, K_NETINTERFACE);
}

__cn_public HKEY GetClusterKey(HCLUSTER hCluster, REGSAM samDesired)
{
	struct cluster *cl;
	void *ret;

	(void)samDesired;
	cl = (struct cluster *)__cn_handle_get(hCluster, KIND(K_CLUSTER));
	if (!cl)
		return fail(ERROR_INVALID_HANDLE);
	ret = add_object(cl->id, cl->name, K_KEY, "");
	__cn_handle_put(&cl->h);
	return ret;
}

/* Subkeys are named by their path from the root, separated by '\'. */
__cn_public LONG ClusterRegOpenKey(HKEY hKey, LPCWSTR lpszSubKey,
				   REGSAM samDesired, PHKEY phkResult)
{
	char sub[CLUSNOTIFY_ID_MAX], path[CLUSNOTIFY_ID_MAX];
	struct object *key;
	LONG ret = ERROR_SUCCESS;
	int n;

	(void)samDesired;
	if (!phkResult)
		return ERROR_INVALID_PARAMETER;
	key = (struct object *)__cn_handle_get(hKey, KIND(K_KEY));
	if (!key)
		return ERROR_INVALID_HANDLE;
	if (!to_utf8(lpszSubKey, sub, sizeof(sub))) {
		ret = ERROR_INVALID_PARAMETER;
		goto out;
	}
	n = snprintf(path, sizeof(path), "%s%s%s", key->id,
		     key->id[0] && sub[0] ? "\\" : "", sub);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		ret = ERROR_INVALID_PARAMETER;
		goto out;
	}
	*phkResult = add_object(key->cluster_id, key->cluster_name, K_KEY, path);
	if (!*phkResult)
		ret = last_error;
out:
	__cn_handle_put(&key->h);
	return ret;
}

__cn_public LONG ClusterRegCloseKey(HKEY hKey)
{
	return close_handle(hKey, K_KEY) ? ERROR_SUCCESS : ERROR_INVALID_HANDLE;
}

/* ---- Ports ---- */

static void port_destroy(struct cn_handle *h)
{
	struct port *p = (struct port *)h;

	clusnotify_port_close(p->np);
	pthread_mutex_destroy(&p->lock);
	free(p->clusters);
	free(p);
}

static struct port *port_new(int version)
{
	struct port *p;
	int ret;

	p = calloc(1, sizeof(*p));
	if (!p)
		return fail(ERROR_NOT_ENOUGH_MEMORY);
	ret = clusnotify_port_open(&p->np);
	if (ret) {
		free(p);
		return fail(map_errno(ret, RPC_S_SERVER_UNAVAILABLE));
	}
	pthread_mutex_init(&p->lock, NULL);
	p->version = version;
	p->h.kind = K_CHANGE;
	p->h.destroy = port_destroy;
	if (!__cn_handle_add(&p->h)) {
		port_destroy(&p->h);
		return fail(ERROR_NOT_ENOUGH_MEMORY);
	}
	return p;
}

/* Remembers a cluster's name for V1 events; 0 or -ENOMEM. */
static int port_watch(struct port *p, uint32_t id, const char *name)
{
	struct watched *w;
	unsigned int i;
	int ret = 0;

	pthread_mutex_lock(&p->lock);
	for (i = 0; i < p->nclusters; i++)
		if (p->clusters[i].id == id)
			goto out;
	w = realloc(p->clusters, (p->nclusters + 1) * sizeof(*w));
	if (!w) {
		ret = -ENOMEM;
		goto out;
	}
	p->clusters = w;
	w[p->nclusters].id = id;
	strcpy(w[p->nclusters].name, name);
	p->nclusters++;
out:
	pthread_mutex_unlock(&p->lock);
	return ret;
}

/* Copies the name of cluster @id into @out, if the port knows it. */
static bool port_cluster_name(struct port *p, uint32_t id, char *out)
{
	unsigned int i;
	bool found = false;

	pthread_mutex_lock(&p->lock);
	for (i = 0; i < p->nclusters && !found; i++) {
		if (p->clusters[i].id == id) {
			strcpy(out, p->clusters[i].name);
			found = true;
		}
	}
	pthread_mutex_unlock(&p->lock);
	return found;
}

static bool filter_valid(uint32_t type, uint64_t flags)
{
	uint64_t all = clusnotify_type_all(type);

	return flags && all && !(flags & ~all);
}

/* Validates every filter, then adds them in as many ioctls as it takes. */
static DWORD add_filters(struct port *p, struct cluster *cl,
			 const struct clusnotify_filter *f, size_t count,
			 uint64_t key)
{
	size_t i, n;
	int ret;

	for (i = 0; i < count; i++)
		if (f[i].reserved || !filter_valid(f[i].object_type, f[i].flags))
			return ERROR_INVALID_PARAMETER;
	for (i = 0; i < count; i += n) {
		n = count - i;
		if (n > CLUSNOTIFY_FILTERS_MAX)
			n = CLUSNOTIFY_FILTERS_MAX;
		ret = clusnotify_add_filters(p->np, cl->id, f + i, n, key);
		if (ret)
			return map_errno(ret, RPC_S_SERVER_UNAVAILABLE);
	}
	if (port_watch(p, cl->id, cl->name))
		return ERROR_NOT_ENOUGH_MEMORY;
	return ERROR_SUCCESS;
}

static struct port *get_port(HCHANGE hChange, int version, DWORD *err)
{
	struct port *p = (struct port *)__cn_handle_get(hChange, KIND(K_CHANGE));

	if (!p) {
		*err = ERROR_INVALID_HANDLE;
		return NULL;
	}
	if (version && p->version != version) {
		__cn_handle_put(&p->h);
		*err = ERROR_INVALID_PARAMETER;
		return NULL;
	}
	return p;
}

/*
 * What both Create functions do: a new port, or the existing one of
 * @version, gets the filters @f for the cluster. A new port given
 * INVALID_HANDLE_VALUE for the cluster is made empty.
 */
static HCHANGE create_port(HCHANGE hChange, HCLUSTER hCluster, int version,
			   const struct clusnotify_filter *f, size_t count,
			   DWORD_PTR key)
{
	bool new_port = hChange == (HCHANGE)INVALID_HANDLE_VALUE;
	struct cluster *cl = NULL;
	DWORD err = ERROR_SUCCESS;
	struct port *p;
	HCHANGE ret;

	if (new_port) {
		if (!hCluster)
			return fail(ERROR_INVALID_PARAMETER);
		p = port_new(version);
		if (!p)
			return NULL;
		__cn_handle_ref(&p->h);
		if (hCluster == (HCLUSTER)INVALID_HANDLE_VALUE)
			goto out;
	} else {
		p = get_port(hChange, version, &err);
		if (!p)
			return fail(err);
		if (!hCluster || hCluster == (HCLUSTER)INVALID_HANDLE_VALUE) {
			err = ERROR_INVALID_PARAMETER;
			goto out;
		}
	}
	cl = (struct cluster *)__cn_handle_get(hCluster, KIND(K_CLUSTER));
	if (!cl) {
		err = ERROR_INVALID_HANDLE;
		goto out;
	}
	err = add_filters(p, cl, f, count, key64(key));
	__cn_handle_put(&cl->h);
out:
	ret = p->h.value;
	if (err) {
		last_error = err;
		if (new_port)
			__cn_handle_put(__cn_handle_remove(ret, KIND(K_CHANGE)));
		ret = NULL;
	}
	__cn_handle_put(&p->h);
	return ret;
}

__cn_public HCHANGE CreateClusterNotifyPortV2(HCHANGE hChange, HCLUSTER hCluster,
					      NOTIFY_FILTER_AND_TYPE *Filters,
					      DWORD dwFilterCount,
					      DWORD_PTR dwNotifyKey)
{
	struct clusnotify_filter *f = NULL;
	HCHANGE ret;
	DWORD i;

	if (dwFilterCount && hCluster != (HCLUSTER)INVALID_HANDLE_VALUE) {
		if (!Filters)
			return fail(ERROR_INVALID_PARAMETER);
		f = calloc(dwFilterCount, sizeof(*f));
		if (!f)
			return fail(ERROR_NOT_ENOUGH_MEMORY);
		for (i = 0; i < dwFilterCount; i++) {
			f[i].object_type = Filters[i].dwObjectType;
			f[i].flags = (uint64_t)Filters[i].FilterFlags;
		}
	}
	ret = create_port(hChange, hCluster, CLUSTER_NOTIFICATIONS_V2, f,
			  f ? dwFilterCount : 0, dwNotifyKey);
	free(f);
	return ret;
}

/* Unlinks the registrations of @obj, or of @port, and undoes them. */
static void drop_regs(struct object *obj, struct port *port)
{
	struct reg **pp, *r, *gone = NULL;

	pthread_mutex_lock(&reg_lock);
	if (obj)
		obj->closed = true;
	else
		port->closed = true;
	for (pp = &regs; (r = *pp);) {
		if (r->obj == obj || r->port == port) {
			*pp = r->next;
			r->next = gone;
			gone = r;
			if (obj)
				__cn_handle_ref(&r->port->h);
		} else {
			pp = &r->next;
		}
	}
	pthread_mutex_unlock(&reg_lock);
	while ((r = gone)) {
		gone = r->next;
		if (obj) {
			clusnotify_unregister(r->port->np, r->reg_id);
			__cn_handle_put(&r->port->h);
		}
		free(r);
	}
}

static BOOL close_handle(HANDLE h, enum kind kind)
{
	struct cn_handle *obj = __cn_handle_remove(h, KIND(kind));

	if (!obj) {
		last_error = ERROR_INVALID_HANDLE;
		return FALSE;
	}
	if (kind != K_CLUSTER)
		drop_regs((struct object *)obj, NULL);
	__cn_handle_put(obj);
	return TRUE;
}

__cn_public BOOL CloseClusterNotifyPort(HCHANGE hChange)
{
	struct port *p;

	p = (struct port *)__cn_handle_remove(hChange, KIND(K_CHANGE));
	if (!p)
		return TRUE;
	drop_regs(NULL, p);
	clusnotify_port_shutdown(p->np);
	__cn_handle_put(&p->h);
	return TRUE;
}

/*
 * Watches @type events of the object behind @hObject. Objects of an
 * HCLUSTER (the cluster, its quorum, resource types and shared volumes)
 * and the root key are watched cluster-wide; others by their id.
 */
static DWORD register_object(struct port *p, HANDLE hObject, uint32_t type,
			     uint64_t mask, uint64_t key)
{
	struct cn_handle *h = __cn_handle_get(hObject, K_OBJECTS);
	struct object *obj = (struct object *)h;
	struct clusnotify_filter f = { .object_type = type, .flags = mask };
	struct reg *r;
	DWORD err;
	int ret;

	if (!h)
		return ERROR_INVALID_HANDLE;
	if (h->kind == K_CLUSTER) {
		switch (type) {
		case CLUSNOTIFY_OBJ_CLUSTER:
		case CLUSNOTIFY_OBJ_QUORUM:
		case CLUSNOTIFY_OBJ_RESOURCE_TYPE:
		case CLUSNOTIFY_OBJ_SHARED_VOLUME:
			err = add_filters(p, (struct cluster *)h, &f, 1, key);
			break;
		default:
			err = ERROR_INVALID_PARAMETER;
		}
		goto out;
	}
	if (type != obj->type || !filter_valid(type, mask)) {
		err = ERROR_INVALID_PARAMETER;
		goto out;
	}
	if (port_watch(p, obj->cluster_id, obj->cluster_name)) {
		err = ERROR_NOT_ENOUGH_MEMORY;
		goto out;
	}
	/*
	 * The root key has no id: the kernel registers it on every registry
	 * object, still removable, so closing the key queues HANDLE_CLOSE.
	 */
	r = malloc(sizeof(*r));
	if (!r) {
		err = ERROR_NOT_ENOUGH_MEMORY;
		goto out;
	}
	ret = clusnotify_register(p->np, obj->cluster_id, type, obj->id, mask,
				  key, &r->reg_id);
	if (ret) {
		free(r);
		err = map_errno(ret, RPC_S_SERVER_UNAVAILABLE);
		goto out;
	}
	r->obj = obj;
	r->port = p;
	pthread_mutex_lock(&reg_lock);
	if (obj->closed || p->closed) {
		pthread_mutex_unlock(&reg_lock);
		clusnotify_unregister(p->np, r->reg_id);
		free(r);
		err = ERROR_INVALID_HANDLE;
		goto out;
	}
	r->next = regs;
	regs = r;
	pthread_mutex_unlock(&reg_lock);
	err = ERROR_SUCCESS;
out:
	__cn_handle_put(h);
	return err;
}

__cn_public DWORD RegisterClusterNotifyV2(HCHANGE hChange,
					  NOTIFY_FILTER_AND_TYPE Filter,
					  HANDLE hObject, DWORD_PTR dwNotifyKey)
{
	struct port *p;
	DWORD err;

	p = get_port(hChange, CLUSTER_NOTIFICATIONS_V2, &err);
	if (!p)
		return err;
	err = register_object(p, hObject, Filter.dwObjectType,
			      (uint64_t)Filter.FilterFlags, key64(dwNotifyKey));
	__cn_handle_put(&p->h);
	return err;
}

/* The port's fd, owned by the port: valid until CloseClusterNotifyPort. */
__cn_public DWORD GetNotifyEventHandle(HCHANGE hChange, HANDLE *lphTargetEvent)
{
	struct port *p;
	DWORD err;

	if (!lphTargetEvent)
		return ERROR_INVALID_PARAMETER;
	p = get_port(hChange, 0, &err);
	if (!p)
		return err;
	*lphTargetEvent = (HANDLE)(intptr_t)clusnotify_port_fd(p->np);
	__cn_handle_put(&p->h);
	return ERROR_SUCCESS;
}

static int64_t deadline_of(DWORD ms)
{
	return __cn_deadline(ms == INFINITE ? -1 : (int64_t)ms);
}

/* The payloads that are an object id: UTF-16 for the consumer. */
static bool payload_is_id(const struct clusnotify_event *ev)
{
	switch (ev->object_type) {
	case CLUSNOTIFY_OBJ_NODE:
		return ev->filter_flag & (CLUSNOTIFY_NODE_GROUP_GAINED |
					  CLUSNOTIFY_NODE_GROUP_LOST |
					  CLUSNOTIFY_NODE_NETINTERFACE_ADDED);
	case CLUSNOTIFY_OBJ_GROUP:
		return ev->filter_flag & (CLUSNOTIFY_GROUP_OWNER_NODE |
					  CLUSNOTIFY_GROUP_RESOURCE_GAINED |
					  CLUSNOTIFY_GROUP_RESOURCE_LOST);
	case CLUSNOTIFY_OBJ_RESOURCE:
		return ev->filter_flag & (CLUSNOTIFY_RESOURCE_OWNER_GROUP |
					  CLUSNOTIFY_RESOURCE_DELETED);
	default:
		return false;
	}
}

/* One string of an event for the caller: its size is always written. */
struct out_string {
	const char *s;
	size_t len;
	LPWSTR buf;
	DWORD *cch;
};

static bool string_fits(const struct out_string *o, size_t *units)
{
	*units = __cn_utf8_to_utf16(o->s, o->len, NULL, 0);
	if (!o->cch)
		return true;
	return o->buf && *o->cch >= *units + 1;
}

static DWORD string_check(struct out_string *o)
{
	if (o->buf && !o->cch)
		return ERROR_INVALID_PARAMETER;
	return ERROR_SUCCESS;
}

__cn_public DWORD GetClusterNotifyV2(HCHANGE hChange, DWORD_PTR *lpdwNotifyKey,
				     NOTIFY_FILTER_AND_TYPE *pFilterAndType,
				     BYTE *buffer, DWORD *lpbBufferSize,
				     LPWSTR lpszObjectId, DWORD *lpcchObjectId,
				     LPWSTR lpszParentId, DWORD *lpcchParentId,
				     LPWSTR lpszName, DWORD *lpcchName,
				     LPWSTR lpszType, DWORD *lpcchType,
				     DWORD dwMilliseconds)
{
	int64_t deadline = deadline_of(dwMilliseconds);
	struct out_string str[4] = {
		{ .buf = lpszObjectId, .cch = lpcchObjectId },
		{ .buf = lpszParentId, .cch = lpcchParentId },
		{ .buf = lpszName, .cch = lpcchName },
		{ .buf = lpszType, .cch = lpcchType },
	};
	struct clusnotify_event ev;
	size_t units[4], payload_size;
	bool fits = true, as_id;
	struct port *p;
	DWORD err;
	int i, ret;

	for (i = 0; i < 4; i++)
		if (string_check(&str[i]))
			return ERROR_INVALID_PARAMETER;
	if (buffer && !lpbBufferSize)
		return ERROR_INVALID_PARAMETER;
	p = get_port(hChange, CLUSTER_NOTIFICATIONS_V2, &err);
	if (!p)
		return err;
	ret = __cn_peek_until(p->np, &ev, deadline);
	if (ret) {
		err = map_errno(ret, ERROR_GEN_FAILURE);
		goto out;
	}
	str[0].s = ev.object_id;
	str[0].len = ev.id_len;
	str[1].s = ev.parent_id;
	str[1].len = ev.parent_len;
	str[2].s = ev.name;
	str[2].len = ev.name_len;
	str[3].s = ev.type_name;
	str[3].len = ev.type_len;
	for (i = 0; i < 4; i++)
		if (!string_fits(&str[i], &units[i]))
			fits = false;

	as_id = ev.payload_len && payload_is_id(&ev);
	payload_size = ev.payload_len;
	if (as_id) {
		size_t len = strnlen(ev.payload, ev.payload_len);

		payload_size = (__cn_utf8_to_utf16(ev.payload, len, NULL, 0) + 1) *
			       sizeof(WCHAR);
	}
	if (lpbBufferSize && (!buffer || *lpbBufferSize < payload_size))
		fits = false;

	for (i = 0; i < 4; i++)
		if (str[i].cch)
			*str[i].cch = units[i];
	if (lpbBufferSize)
		*lpbBufferSize = payload_size;
	if (!fits) {
		clusnotify_release_event(p->np);
		err = ERROR_MORE_DATA;
		goto out;
	}

	for (i = 0; i < 4; i++)
		if (str[i].buf)
			__cn_utf8_to_utf16(str[i].s, str[i].len, str[i].buf,
					   units[i] + 1);
	if (buffer && as_id)
		__cn_utf8_to_utf16(ev.payload, strnlen(ev.payload, ev.payload_len),
				   buffer, payload_size / sizeof(WCHAR));
	else if (buffer && payload_size)
		memcpy(buffer, ev.payload, payload_size);
	if (lpdwNotifyKey)
		*lpdwNotifyKey = key_ptr(ev.key);
	if (pFilterAndType) {
		pFilterAndType->dwObjectType = ev.object_type;
		pFilterAndType->FilterFlags = (LONGLONG)ev.filter_flag;
	}
	clusnotify_consume_event(p->np);
	err = ERROR_SUCCESS;
out:
	__cn_handle_put(&p->h);
	return err;
}

/* ---- V1 ---- */

/*
 * V1 bits and the V2 (type, flags) they stand for, both ways. Lost events
 * are reported to V1 consumers as a reconnect: re-read everything.
 */
static const struct v1_map {
	DWORD v1;
	uint32_t type;
	uint64_t flags;
} v1_map[] = {
#define PROPS(t)	(CLUSNOTIFY_##t##_COMMON_PROPERTY | CLUSNOTIFY_##t##_PRIVATE_PROPERTY)
	{ CLUSTER_CHANGE_NODE_STATE, CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_STATE },
	{ CLUSTER_CHANGE_NODE_DELETED, CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_DELETED },
	{ CLUSTER_CHANGE_NODE_ADDED, CLUSNOTIFY_OBJ_CLUSTER, CLUSNOTIFY_CLUSTER_NODE_ADDED },
	{ CLUSTER_CHANGE_NODE_PROPERTY, CLUSNOTIFY_OBJ_NODE, PROPS(NODE) },
	{ CLUSTER_CHANGE_REGISTRY_NAME, CLUSNOTIFY_OBJ_REGISTRY, CLUSNOTIFY_REGISTRY_NAME },
	{ CLUSTER_CHANGE_REGISTRY_ATTRIBUTES, CLUSNOTIFY_OBJ_REGISTRY, CLUSNOTIFY_REGISTRY_ATTRIBUTES },
	{ CLUSTER_CHANGE_REGISTRY_VALUE, CLUSNOTIFY_OBJ_REGISTRY, CLUSNOTIFY_REGISTRY_VALUE },
	{ CLUSTER_CHANGE_REGISTRY_SUBTREE, CLUSNOTIFY_OBJ_REGISTRY, CLUSNOTIFY_REGISTRY_SUBTREE },
	{ CLUSTER_CHANGE_RESOURCE_STATE, CLUSNOTIFY_OBJ_RESOURCE, CLUSNOTIFY_RESOURCE_STATE },
	{ CLUSTER_CHANGE_RESOURCE_DELETED, CLUSNOTIFY_OBJ_RESOURCE, CLUSNOTIFY_RESOURCE_DELETED },
	{ CLUSTER_CHANGE_RESOURCE_ADDED, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_RESOURCE_ADDED },
	{ CLUSTER_CHANGE_RESOURCE_PROPERTY, CLUSNOTIFY_OBJ_RESOURCE, PROPS(RESOURCE) },
	{ CLUSTER_CHANGE_GROUP_STATE, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE },
	{ CLUSTER_CHANGE_GROUP_DELETED, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_DELETED },
	{ CLUSTER_CHANGE_GROUP_ADDED, CLUSNOTIFY_OBJ_CLUSTER, CLUSNOTIFY_CLUSTER_GROUP_ADDED },
	{ CLUSTER_CHANGE_GROUP_PROPERTY, CLUSNOTIFY_OBJ_GROUP, PROPS(GROUP) },
	{ CLUSTER_CHANGE_RESOURCE_TYPE_DELETED, CLUSNOTIFY_OBJ_RESOURCE_TYPE, CLUSNOTIFY_RESOURCE_TYPE_DELETED },
	{ CLUSTER_CHANGE_RESOURCE_TYPE_ADDED, CLUSNOTIFY_OBJ_CLUSTER, CLUSNOTIFY_CLUSTER_RESOURCE_TYPE_ADDED },
	{ CLUSTER_CHANGE_RESOURCE_TYPE_PROPERTY, CLUSNOTIFY_OBJ_RESOURCE_TYPE, PROPS(RESOURCE_TYPE) },
	{ CLUSTER_CHANGE_CLUSTER_RECONNECT, CLUSNOTIFY_OBJ_CLUSTER,
	  CLUSNOTIFY_CLUSTER_RECONNECT | CLUSNOTIFY_CLUSTER_LOST_NOTIFICATIONS },
	{ CLUSTER_CHANGE_NETWORK_STATE, CLUSNOTIFY_OBJ_NETWORK, CLUSNOTIFY_NETWORK_STATE },
	{ CLUSTER_CHANGE_NETWORK_DELETED, CLUSNOTIFY_OBJ_NETWORK, CLUSNOTIFY_NETWORK_DELETED },
	{ CLUSTER_CHANGE_NETWORK_ADDED, CLUSNOTIFY_OBJ_CLUSTER, CLUSNOTIFY_CLUSTER_NETWORK_ADDED },
	{ CLUSTER_CHANGE_NETWORK_PROPERTY, CLUSNOTIFY_OBJ_NETWORK, PROPS(NETWORK) },
	{ CLUSTER_CHANGE_NETINTERFACE_STATE, CLUSNOTIFY_OBJ_NETWORK_INTERFACE, CLUSNOTIFY_NETINTERFACE_STATE },
	{ CLUSTER_CHANGE_NETINTERFACE_DELETED, CLUSNOTIFY_OBJ_NETWORK_INTERFACE, CLUSNOTIFY_NETINTERFACE_DELETED },
	{ CLUSTER_CHANGE_NETINTERFACE_ADDED, CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_NETINTERFACE_ADDED },
	{ CLUSTER_CHANGE_NETINTERFACE_PROPERTY, CLUSNOTIFY_OBJ_NETWORK_INTERFACE, PROPS(NETINTERFACE) },
	{ CLUSTER_CHANGE_QUORUM_STATE, CLUSNOTIFY_OBJ_QUORUM, CLUSNOTIFY_QUORUM_STATE },
	{ CLUSTER_CHANGE_CLUSTER_STATE, CLUSNOTIFY_OBJ_CLUSTER, CLUSNOTIFY_CLUSTER_STATE },
	{ CLUSTER_CHANGE_CLUSTER_PROPERTY, CLUSNOTIFY_OBJ_CLUSTER,
	  PROPS(CLUSTER) | CLUSNOTIFY_CLUSTER_RENAME },
	{ CLUSTER_CHANGE_HANDLE_CLOSE, CLUSNOTIFY_OBJ_CLUSTER, CLUSNOTIFY_CLUSTER_HANDLE_CLOSE },
	{ CLUSTER_CHANGE_HANDLE_CLOSE, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_HANDLE_CLOSE },
	{ CLUSTER_CHANGE_HANDLE_CLOSE, CLUSNOTIFY_OBJ_RESOURCE, CLUSNOTIFY_RESOURCE_HANDLE_CLOSE },
	{ CLUSTER_CHANGE_HANDLE_CLOSE, CLUSNOTIFY_OBJ_NETWORK_INTERFACE, CLUSNOTIFY_NETINTERFACE_HANDLE_CLOSE },
	{ CLUSTER_CHANGE_HANDLE_CLOSE, CLUSNOTIFY_OBJ_NETWORK, CLUSNOTIFY_NETWORK_HANDLE_CLOSE },
	{ CLUSTER_CHANGE_HANDLE_CLOSE, CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_HANDLE_CLOSE },
	{ CLUSTER_CHANGE_HANDLE_CLOSE, CLUSNOTIFY_OBJ_REGISTRY, CLUSNOTIFY_REGISTRY_HANDLE_CLOSE },
#undef PROPS
};

#define V1_CLUSTER_EVENTS	(CLUSTER_CHANGE_CLUSTER_STATE | \
				 CLUSTER_CHANGE_CLUSTER_RECONNECT | \
				 CLUSTER_CHANGE_CLUSTER_PROPERTY)

/* The V2 mask of @type that the V1 bits @v1 stand for. */
static uint64_t v1_to_mask(DWORD v1, uint32_t type)
{
	uint64_t mask = 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(v1_map); i++)
		if ((v1 & v1_map[i].v1) && v1_map[i].type == type)
			mask |= v1_map[i].flags;
	return mask;
}

static DWORD v1_from_event(uint32_t type, uint64_t flag)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(v1_map); i++)
		if (v1_map[i].type == type && (v1_map[i].flags & flag))
			return v1_map[i].v1;
	return 0;
}

/* The V2 filters, one per type, that the V1 bits @v1 stand for. */
static size_t v1_filters(DWORD v1, struct clusnotify_filter *f)
{
	size_t n = 0;
	uint32_t type;

	for (type = 0; type <= CLUSNOTIFY_OBJ_MAX; type++) {
		uint64_t mask = v1_to_mask(v1, type);

		if (mask) {
			f[n].object_type = type;
			f[n].reserved = 0;
			f[n].flags = mask;
			n++;
		}
	}
	return n;
}

__cn_public HCHANGE CreateClusterNotifyPort(HCHANGE hChange, HCLUSTER hCluster,
					    DWORD dwFilter, DWORD_PTR dwNotifyKey)
{
	struct clusnotify_filter f[CLUSNOTIFY_OBJ_MAX + 1];

	return create_port(hChange, hCluster, CLUSTER_NOTIFICATIONS_V1, f,
			   v1_filters(dwFilter, f), dwNotifyKey);
}

__cn_public DWORD RegisterClusterNotify(HCHANGE hChange, DWORD dwFilterType,
					HANDLE hObject, DWORD_PTR dwNotifyKey)
{
	struct clusnotify_filter f[CLUSNOTIFY_OBJ_MAX + 1];
	struct cn_handle *h;
	struct port *p;
	uint32_t type;
	uint64_t mask;
	DWORD err;
	size_t n;

	p = get_port(hChange, CLUSTER_NOTIFICATIONS_V1, &err);
	if (!p)
		return err;
	h = __cn_handle_get(hObject, K_OBJECTS);
	if (!h) {
		err = ERROR_INVALID_HANDLE;
		goto out;
	}
	if (h->kind == K_CLUSTER) {
		n = v1_filters(dwFilterType, f);
		err = n ? add_filters(p, (struct cluster *)h, f, n,
				      key64(dwNotifyKey))
			: ERROR_INVALID_PARAMETER;
	} else {
		type = ((struct object *)h)->type;
		mask = v1_to_mask(dwFilterType, type);
		err = mask ? register_object(p, hObject, type, mask,
					     key64(dwNotifyKey))
			   : ERROR_INVALID_PARAMETER;
	}
	__cn_handle_put(h);
out:
	__cn_handle_put(&p->h);
	return err;
}

__cn_public DWORD GetClusterNotify(HCHANGE hChange, DWORD_PTR *lpdwNotifyKey,
				   DWORD *lpdwFilterType, LPWSTR lpszName,
				   DWORD *lpcchName, DWORD dwMilliseconds)
{
	int64_t deadline = deadline_of(dwMilliseconds);
	char cluster_name[CLUSNOTIFY_CLUSTER_NAME_MAX];
	struct out_string name = { .buf = lpszName, .cch = lpcchName };
	struct clusnotify_event ev;
	struct port *p;
	size_t units;
	DWORD err, v1;
	int ret;

	if (string_check(&name))
		return ERROR_INVALID_PARAMETER;
	p = get_port(hChange, CLUSTER_NOTIFICATIONS_V1, &err);
	if (!p)
		return err;
	for (;;) {
		ret = __cn_peek_until(p->np, &ev, deadline);
		if (ret) {
			err = map_errno(ret, ERROR_GEN_FAILURE);
			goto out;
		}
		v1 = v1_from_event(ev.object_type, ev.filter_flag);
		if (v1)
			break;
		clusnotify_consume_event(p->np);
	}
	if ((v1 & V1_CLUSTER_EVENTS) &&
	    port_cluster_name(p, ev.cluster_id, cluster_name)) {
		name.s = cluster_name;
		name.len = strlen(cluster_name);
	} else if (ev.name_len) {
		name.s = ev.name;
		name.len = ev.name_len;
	} else {
		name.s = ev.object_id;
		name.len = ev.id_len;
	}
	if (!string_fits(&name, &units)) {
		*lpcchName = units;
		clusnotify_release_event(p->np);
		err = ERROR_MORE_DATA;
		goto out;
	}
	if (name.buf)
		__cn_utf8_to_utf16(name.s, name.len, name.buf, units + 1);
	if (name.cch)
		*name.cch = units;
	if (lpdwNotifyKey)
		*lpdwNotifyKey = key_ptr(ev.key);
	if (lpdwFilterType)
		*lpdwFilterType = v1;
	clusnotify_consume_event(p->np);
	err = ERROR_SUCCESS;
out:
	__cn_handle_put(&p->h);
	return err;
}
