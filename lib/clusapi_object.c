// SPDX-License-Identifier: MIT
/*
 * clusapi handles and names: clusters, the objects in them and registry
 * keys; where the caller's UTF-16 names become the kernel's UTF-8.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clusapi_int.h"
#include "utf16.h"

/* What an object handle names and how not finding one is reported. */
const struct kind_desc kinds[] = {
	[K_NODE] = { CLUSNOTIFY_OBJ_NODE, ERROR_CLUSTER_NODE_NOT_FOUND },
	[K_GROUP] = { CLUSNOTIFY_OBJ_GROUP, ERROR_GROUP_NOT_FOUND },
	[K_RESOURCE] = { CLUSNOTIFY_OBJ_RESOURCE, ERROR_RESOURCE_NOT_FOUND },
	[K_NETWORK] = { CLUSNOTIFY_OBJ_NETWORK, ERROR_CLUSTER_NETWORK_NOT_FOUND },
	[K_NETINTERFACE] = { CLUSNOTIFY_OBJ_NETWORK_INTERFACE,
			     ERROR_CLUSTER_NETINTERFACE_NOT_FOUND },
	[K_KEY] = { CLUSNOTIFY_OBJ_REGISTRY, ERROR_FILE_NOT_FOUND },
	[K_GROUPSET] = { CLUSNOTIFY_OBJ_GROUPSET, ERROR_GROUPSET_NOT_FOUND },
};

bool to_utf8(LPCWSTR s, char *out, size_t cap)
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

/*
 * Windows compares object names without case; the kernel's lookups are
 * exact. After an exact miss, these walk the cluster's list for a name (or
 * id) equal without case and copy the exact one into @out. 0 or -ENOENT.
 */
static int cluster_nocase(struct clusnotify_port *port, const char *name,
			  char *out)
{
	struct clusnotify_cluster_entry e[16];
	uint64_t cursor = 0;
	int i, n;

	do {
		n = clusnotify_list_clusters(port, &cursor, e, ARRAY_SIZE(e));
		for (i = 0; i < n; i++) {
			e[i].name[sizeof(e[i].name) - 1] = '\0';
			if (__cn_utf8_caseeq(e[i].name, name)) {
				strcpy(out, e[i].name);
				return 0;
			}
		}
	} while (n > 0 && cursor != CLUSNOTIFY_CURSOR_END);
	return n < 0 ? n : -ENOENT;
}

/* Copies the id of the object named (or with id) @name without case. */
static int object_nocase(struct clusnotify_port *port, uint32_t cluster_id,
			 uint32_t type, const char *name, char *id)
{
	struct clusnotify_object_entry *e;
	uint64_t cursor = 0;
	int i, n, ret = -ENOENT;

	e = calloc(16, sizeof(*e));
	if (!e)
		return -ENOMEM;
	do {
		n = clusnotify_list_objects(port, cluster_id, type, &cursor, e, 16);
		for (i = 0; i < n && ret; i++) {
			e[i].id[sizeof(e[i].id) - 1] = '\0';
			e[i].name[sizeof(e[i].name) - 1] = '\0';
			if (__cn_utf8_caseeq(e[i].name, name) ||
			    __cn_utf8_caseeq(e[i].id, name)) {
				strcpy(id, e[i].id);
				ret = 0;
			}
		}
	} while (ret && n > 0 && cursor != CLUSNOTIFY_CURSOR_END);
	free(e);
	return n < 0 ? n : ret;
}

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
	if (ret == -ENOENT && name[0] && !cluster_nocase(cl->port, name, name))
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


__cn_public BOOL CloseCluster(HCLUSTER hCluster)
{
	return close_handle(hCluster, K_CLUSTER);
}

static void object_destroy(struct cn_handle *h)
{
	free(h);
}

void *add_object(uint32_t cluster_id, const char *cluster_name,
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
void *open_object(HCLUSTER hCluster, LPCWSTR name, enum kind kind)
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
	if (err == -ENOENT &&
	    !object_nocase(cl->port, cl->id, kinds[kind].type, name8, info.id))
		err = 0;
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

/*
 * Whether key @path exists: the root always, a subkey if the cluster has a
 * REGISTRY object of that id (the daemon publishes one per key). Its id is
 * copied back in its exact case. ERROR_SUCCESS or ERROR_FILE_NOT_FOUND.
 */
static LONG key_find(uint32_t cluster_id, char *path)
{
	struct clusnotify_object_info info;
	struct clusnotify_port *port;
	int ret;

	if (!path[0])
		return ERROR_SUCCESS;
	ret = clusnotify_port_open(&port);
	if (ret)
		return map_errno(ret, RPC_S_SERVER_UNAVAILABLE);
	ret = clusnotify_get_object(port, cluster_id, CLUSNOTIFY_OBJ_REGISTRY,
				    path, CLUSNOTIFY_OBJECT_BY_ID, &info);
	if (ret == -ENOENT)
		ret = object_nocase(port, cluster_id, CLUSNOTIFY_OBJ_REGISTRY,
				    path, path);
	clusnotify_port_close(port);
	return ret ? map_errno(ret, ERROR_FILE_NOT_FOUND) : ERROR_SUCCESS;
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
	ret = key_find(key->cluster_id, path);
	if (ret)
		goto out;
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

BOOL close_handle(HANDLE h, enum kind kind)
{
	struct cn_handle *obj = __cn_handle_remove(h, KIND(kind));

	if (!obj) {
		last_error = ERROR_INVALID_HANDLE;
		return FALSE;
	}
	drop_regs(obj, NULL);
	__cn_handle_put(obj);
	return TRUE;
}
