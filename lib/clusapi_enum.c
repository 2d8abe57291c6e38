// SPDX-License-Identifier: MIT
/*
 * clusapi enumeration and state: ClusterOpenEnum and its kin, the
 * GetCluster*State functions, GetClusterInformation and the Open*Ex forms.
 *
 * Everything here is read from the kernel's object registry through the
 * device (LIST_OBJECTS, LIST_CLUSTERS, GET_OBJECT), at the call: the library
 * keeps no copy of the cluster beyond what an open enumeration holds. As on
 * Windows, an enumeration is a snapshot taken when it is opened.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "clusapi_int.h"
#include "utf16.h"

#define LIST_BATCH	64

DWORD put_string(const char *s, LPWSTR buf, LPDWORD cch)
{
	size_t len = strlen(s);
	size_t units = __cn_utf8_to_utf16(s, len, NULL, 0);

	if (!cch)
		return buf ? ERROR_INVALID_PARAMETER : ERROR_SUCCESS;
	if (!buf || *cch < units + 1) {
		*cch = (DWORD)units;
		return ERROR_MORE_DATA;
	}
	__cn_utf8_to_utf16(s, len, buf, units + 1);
	*cch = (DWORD)units;
	return ERROR_SUCCESS;
}

int list_each(struct clusnotify_port *port, uint32_t cluster_id, uint32_t type,
	      int (*fn)(const struct clusnotify_object_entry *o, void *arg),
	      void *arg)
{
	struct clusnotify_object_entry *buf;
	uint64_t cursor = 0;
	int n, i, ret = 0;

	buf = malloc(LIST_BATCH * sizeof(*buf));
	if (!buf)
		return -ENOMEM;
	while (!ret) {
		n = clusnotify_list_objects(port, cluster_id, type, &cursor,
					    buf, LIST_BATCH);
		if (n <= 0) {
			ret = n;
			break;
		}
		for (i = 0; i < n && !ret; i++) {
			buf[i].id[sizeof(buf[i].id) - 1] = '\0';
			buf[i].name[sizeof(buf[i].name) - 1] = '\0';
			buf[i].parent_id[sizeof(buf[i].parent_id) - 1] = '\0';
			buf[i].type_name[sizeof(buf[i].type_name) - 1] = '\0';
			ret = fn(&buf[i], arg);
		}
	}
	free(buf);
	return ret < 0 ? ret : 0;
}

struct object *lookup_begin(HANDLE h, enum kind kind,
			    struct clusnotify_port **port)
{
	struct object *obj;
	int ret;

	obj = (struct object *)__cn_handle_get(h, KIND(kind));
	if (!obj) {
		last_error = ERROR_INVALID_HANDLE;
		return NULL;
	}
	ret = clusnotify_port_open(port);
	if (ret) {
		__cn_handle_put(&obj->h);
		last_error = map_errno(ret, RPC_S_SERVER_UNAVAILABLE);
		return NULL;
	}
	return obj;
}

void lookup_end(struct object *obj, struct clusnotify_port *port)
{
	clusnotify_port_close(port);
	__cn_handle_put(&obj->h);
}

/* The display name of object @id of @type, or @id if the kernel has none. */
static void name_of(struct clusnotify_port *port, uint32_t cluster_id,
		    uint32_t type, const char *id, char *out, size_t size)
{
	struct clusnotify_object_info info;

	if (id[0] && !clusnotify_get_object(port, cluster_id, type, id,
					    CLUSNOTIFY_OBJECT_BY_ID, &info)) {
		info.name[sizeof(info.name) - 1] = '\0';
		if (info.name[0]) {
			snprintf(out, size, "%s", info.name);
			return;
		}
	}
	snprintf(out, size, "%s", id);
}

/* ---- Enumerations ---- */

struct item {
	DWORD type;
	char *id;
	char *name;
};

/* HCLUSENUM, HCLUSENUMEX, HNODEENUM, HGROUPENUM: the items, read at open. */
struct cn_enum {
	struct cn_handle h;
	size_t n, cap;
	struct item *items;
};

static void enum_destroy(struct cn_handle *h)
{
	struct cn_enum *e = (struct cn_enum *)h;
	size_t i;

	for (i = 0; i < e->n; i++) {
		free(e->items[i].id);
		free(e->items[i].name);
	}
	free(e->items);
	free(e);
}

/* What one listing adds: objects of a type, or those whose parent is @parent. */
struct collect {
	struct cn_enum *e;
	DWORD type;
	const char *parent;
};

static int collect_one(const struct clusnotify_object_entry *o, void *arg)
{
	struct collect *c = arg;
	struct cn_enum *e = c->e;
	struct item *it;

	if (c->parent && strcmp(o->parent_id, c->parent))
		return 0;
	if (e->n == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 16;

		it = realloc(e->items, cap * sizeof(*it));
		if (!it)
			return -ENOMEM;
		e->items = it;
		e->cap = cap;
	}
	it = &e->items[e->n];
	it->type = c->type;
	it->id = strdup(o->id);
	it->name = strdup(o->name[0] ? o->name : o->id);
	if (!it->id || !it->name) {
		free(it->id);
		free(it->name);
		return -ENOMEM;
	}
	e->n++;
	return 0;
}

/* One part of an enumeration: the objects of kernel @type for bit @bit. */
struct part {
	DWORD bit;
	uint32_t type;
};

/*
 * Makes an enumeration of kind @kind holding, for each part whose bit is in
 * @want, the objects of its type (whose parent is @parent, if given).
 */
static void *enum_open(struct clusnotify_port *port, uint32_t cluster_id,
		       enum kind kind, const struct part *parts, size_t nparts,
		       DWORD want, const char *parent)
{
	struct collect c = { .parent = parent };
	struct cn_enum *e;
	size_t i;
	int ret = 0;

	e = calloc(1, sizeof(*e));
	if (!e)
		return fail(ERROR_NOT_ENOUGH_MEMORY);
	e->h.kind = kind;
	e->h.destroy = enum_destroy;
	c.e = e;
	for (i = 0; i < nparts && !ret; i++) {
		if (!(want & parts[i].bit) || !parts[i].type)
			continue;
		c.type = parts[i].bit;
		ret = list_each(port, cluster_id, parts[i].type, collect_one, &c);
	}
	if (ret) {
		enum_destroy(&e->h);
		return fail(map_errno(ret, RPC_S_SERVER_UNAVAILABLE));
	}
	if (!__cn_handle_add(&e->h)) {
		enum_destroy(&e->h);
		return fail(ERROR_NOT_ENOUGH_MEMORY);
	}
	return e->h.value;
}

static struct cn_enum *enum_get(HANDLE h, enum kind kind)
{
	return (struct cn_enum *)__cn_handle_get(h, KIND(kind));
}

static DWORD enum_count(HANDLE h, enum kind kind)
{
	struct cn_enum *e = enum_get(h, kind);
	DWORD n;

	if (!e) {
		last_error = ERROR_INVALID_HANDLE;
		return 0;
	}
	n = (DWORD)e->n;
	__cn_handle_put(&e->h);
	return n;
}

static DWORD enum_item(HANDLE h, enum kind kind, DWORD index, LPDWORD type,
		       LPWSTR name, LPDWORD cch)
{
	struct cn_enum *e = enum_get(h, kind);
	DWORD err;

	if (!e)
		return ERROR_INVALID_HANDLE;
	if (index >= e->n) {
		err = ERROR_NO_MORE_ITEMS;
	} else {
		err = put_string(e->items[index].name, name, cch);
		if (err != ERROR_INVALID_PARAMETER && type)
			*type = e->items[index].type;
	}
	__cn_handle_put(&e->h);
	return err;
}

static DWORD enum_close(HANDLE h, enum kind kind)
{
	struct cn_handle *e = __cn_handle_remove(h, KIND(kind));

	if (!e)
		return ERROR_INVALID_HANDLE;
	__cn_handle_put(e);
	return ERROR_SUCCESS;
}

/* CLUSTER_ENUM bits in the order ClusterEnum returns them. */
static const struct part cluster_parts[] = {
	{ CLUSTER_ENUM_NODE, CLUSNOTIFY_OBJ_NODE },
	{ CLUSTER_ENUM_RESTYPE, CLUSNOTIFY_OBJ_RESOURCE_TYPE },
	{ CLUSTER_ENUM_RESOURCE, CLUSNOTIFY_OBJ_RESOURCE },
	{ CLUSTER_ENUM_GROUP, CLUSNOTIFY_OBJ_GROUP },
	{ CLUSTER_ENUM_NETWORK, CLUSNOTIFY_OBJ_NETWORK },
	{ CLUSTER_ENUM_NETINTERFACE, CLUSNOTIFY_OBJ_NETWORK_INTERFACE },
	{ CLUSTER_ENUM_SHARED_VOLUME_GROUP, 0 },	/* none are published */
	{ CLUSTER_ENUM_SHARED_VOLUME_RESOURCE, CLUSNOTIFY_OBJ_SHARED_VOLUME },
	{ CLUSTER_ENUM_INTERNAL_NETWORK, CLUSNOTIFY_OBJ_NETWORK },
};

#define CLUSTER_ENUM_ALONE	(CLUSTER_ENUM_SHARED_VOLUME_GROUP | \
				 CLUSTER_ENUM_SHARED_VOLUME_RESOURCE | \
				 CLUSTER_ENUM_INTERNAL_NETWORK)

/* The bits that must come alone, come alone; no bit is unknown. */
static bool cluster_enum_valid(DWORD type)
{
	if (!type || (type & ~(CLUSTER_ENUM_ALL | CLUSTER_ENUM_ALONE)))
		return false;
	return !(type & CLUSTER_ENUM_ALONE) || !(type & (type - 1));
}

static void *cluster_open_enum(HCLUSTER hCluster, DWORD type, enum kind kind)
{
	struct cluster *cl;
	void *ret;

	if (!cluster_enum_valid(type))
		return fail(ERROR_INVALID_PARAMETER);
	cl = (struct cluster *)__cn_handle_get(hCluster, KIND(K_CLUSTER));
	if (!cl)
		return fail(ERROR_INVALID_HANDLE);
	ret = enum_open(cl->port, cl->id, kind, cluster_parts,
			ARRAY_SIZE(cluster_parts), type, NULL);
	__cn_handle_put(&cl->h);
	return ret;
}

__cn_public HCLUSENUM ClusterOpenEnum(HCLUSTER hCluster, DWORD dwType)
{
	return cluster_open_enum(hCluster, dwType, K_ENUM);
}

__cn_public DWORD ClusterGetEnumCount(HCLUSENUM hEnum)
{
	return enum_count(hEnum, K_ENUM);
}

__cn_public DWORD ClusterEnum(HCLUSENUM hEnum, DWORD dwIndex, LPDWORD lpdwType,
			      LPWSTR lpszName, LPDWORD lpcchName)
{
	return enum_item(hEnum, K_ENUM, dwIndex, lpdwType, lpszName, lpcchName);
}

__cn_public DWORD ClusterCloseEnum(HCLUSENUM hEnum)
{
	return enum_close(hEnum, K_ENUM);
}

__cn_public HCLUSENUMEX ClusterOpenEnumEx(HCLUSTER hCluster, DWORD dwType,
					  PVOID pOptions)
{
	if (pOptions)
		return fail(ERROR_INVALID_PARAMETER);
	return cluster_open_enum(hCluster, dwType, K_ENUM_EX);
}

__cn_public DWORD ClusterGetEnumCountEx(HCLUSENUMEX hClusterEnum)
{
	return enum_count(hClusterEnum, K_ENUM_EX);
}

/*
 * The item and its two strings, which follow it in the caller's buffer:
 * cbId and cbName count bytes with the terminator.
 */
__cn_public DWORD ClusterEnumEx(HCLUSENUMEX hClusterEnum, DWORD dwIndex,
				PCLUSTER_ENUM_ITEM pItem, LPDWORD cbItem)
{
	struct cn_enum *e;
	size_t id_units, name_units, need;
	struct item *it;
	DWORD err = ERROR_SUCCESS;
	WCHAR *s;

	if (!cbItem || (!pItem && *cbItem))
		return ERROR_INVALID_PARAMETER;
	e = enum_get(hClusterEnum, K_ENUM_EX);
	if (!e)
		return ERROR_INVALID_HANDLE;
	if (dwIndex >= e->n) {
		err = ERROR_NO_MORE_ITEMS;
		goto out;
	}
	it = &e->items[dwIndex];
	id_units = __cn_utf8_to_utf16(it->id, strlen(it->id), NULL, 0) + 1;
	name_units = __cn_utf8_to_utf16(it->name, strlen(it->name), NULL, 0) + 1;
	need = sizeof(*pItem) + (id_units + name_units) * sizeof(WCHAR);
	if (!pItem || *cbItem < need) {
		*cbItem = (DWORD)need;
		err = ERROR_MORE_DATA;
		goto out;
	}
	s = (WCHAR *)(pItem + 1);
	pItem->dwVersion = CLUSTER_ENUM_ITEM_VERSION_1;
	pItem->dwType = it->type;
	pItem->cbId = (DWORD)(id_units * sizeof(WCHAR));
	pItem->lpszId = s;
	__cn_utf8_to_utf16(it->id, strlen(it->id), s, id_units);
	s += id_units;
	pItem->cbName = (DWORD)(name_units * sizeof(WCHAR));
	pItem->lpszName = s;
	__cn_utf8_to_utf16(it->name, strlen(it->name), s, name_units);
	*cbItem = (DWORD)need;
out:
	__cn_handle_put(&e->h);
	return err;
}

__cn_public DWORD ClusterCloseEnumEx(HCLUSENUMEX hClusterEnum)
{
	return enum_close(hClusterEnum, K_ENUM_EX);
}

/*
 * What an object's enumeration lists: the objects of each part whose parent
 * is the object.
 */
static void *object_open_enum(HANDLE h, enum kind of, enum kind kind,
			      const struct part *parts, size_t nparts,
			      DWORD all, DWORD type)
{
	struct clusnotify_port *port;
	struct object *obj;
	void *ret;

	if (!type || (type & ~all))
		return fail(ERROR_INVALID_PARAMETER);
	obj = lookup_begin(h, of, &port);
	if (!obj)
		return NULL;
	ret = enum_open(port, obj->cluster_id, kind, parts, nparts, type,
			obj->id);
	lookup_end(obj, port);
	return ret;
}

static const struct part node_parts[] = {
	{ CLUSTER_NODE_ENUM_NETINTERFACES, CLUSNOTIFY_OBJ_NETWORK_INTERFACE },
	{ CLUSTER_NODE_ENUM_GROUPS, CLUSNOTIFY_OBJ_GROUP },
};

__cn_public HNODEENUM ClusterNodeOpenEnum(HNODE hNode, DWORD dwType)
{
	return object_open_enum(hNode, K_NODE, K_NODE_ENUM, node_parts,
				ARRAY_SIZE(node_parts), CLUSTER_NODE_ENUM_ALL,
				dwType);
}

__cn_public DWORD ClusterNodeGetEnumCount(HNODEENUM hNodeEnum)
{
	return enum_count(hNodeEnum, K_NODE_ENUM);
}

__cn_public DWORD ClusterNodeEnum(HNODEENUM hNodeEnum, DWORD dwIndex,
				  LPDWORD lpdwType, LPWSTR lpszName,
				  LPDWORD lpcchName)
{
	return enum_item(hNodeEnum, K_NODE_ENUM, dwIndex, lpdwType, lpszName,
			 lpcchName);
}

__cn_public DWORD ClusterNodeCloseEnum(HNODEENUM hNodeEnum)
{
	return enum_close(hNodeEnum, K_NODE_ENUM);
}

/* Preferred owners are not published: CLUSTER_GROUP_ENUM_NODES lists none. */
static const struct part group_parts[] = {
	{ CLUSTER_GROUP_ENUM_CONTAINS, CLUSNOTIFY_OBJ_RESOURCE },
	{ CLUSTER_GROUP_ENUM_NODES, 0 },
};

__cn_public HGROUPENUM ClusterGroupOpenEnum(HGROUP hGroup, DWORD dwType)
{
	return object_open_enum(hGroup, K_GROUP, K_GROUP_ENUM, group_parts,
				ARRAY_SIZE(group_parts), CLUSTER_GROUP_ENUM_ALL,
				dwType);
}

__cn_public DWORD ClusterGroupGetEnumCount(HGROUPENUM hGroupEnum)
{
	return enum_count(hGroupEnum, K_GROUP_ENUM);
}

__cn_public DWORD ClusterGroupEnum(HGROUPENUM hGroupEnum, DWORD dwIndex,
				   LPDWORD lpdwType, LPWSTR lpszResourceName,
				   LPDWORD lpcchName)
{
	return enum_item(hGroupEnum, K_GROUP_ENUM, dwIndex, lpdwType,
			 lpszResourceName, lpcchName);
}

__cn_public DWORD ClusterGroupCloseEnum(HGROUPENUM hGroupEnum)
{
	return enum_close(hGroupEnum, K_GROUP_ENUM);
}

/* ---- State ---- */

/*
 * The kernel's current copy of the object behind @h. Returns false with the
 * error set: the handle, the object gone (its type's NOT_FOUND), or a state
 * never published (ERROR_NOT_READY).
 */
static bool object_info(HANDLE h, enum kind kind, struct clusnotify_port **port,
			struct object **objp, struct clusnotify_object_info *info)
{
	struct object *obj;
	int ret;

	obj = lookup_begin(h, kind, port);
	if (!obj)
		return false;
	ret = clusnotify_get_object(*port, obj->cluster_id, obj->type, obj->id,
				    CLUSNOTIFY_OBJECT_BY_ID, info);
	if (ret) {
		last_error = map_errno(ret, kinds[kind].not_found);
	} else if (info->state == CLUSNOTIFY_STATE_UNKNOWN) {
		last_error = ERROR_NOT_READY;
		ret = -1;
	}
	if (ret) {
		lookup_end(obj, *port);
		return false;
	}
	info->parent_id[sizeof(info->parent_id) - 1] = '\0';
	*objp = obj;
	return true;
}

static int simple_state(HANDLE h, enum kind kind)
{
	struct clusnotify_object_info info;
	struct clusnotify_port *port;
	struct object *obj;

	if (!object_info(h, kind, &port, &obj, &info))
		return -1;
	lookup_end(obj, port);
	return info.state;
}

__cn_public CLUSTER_NODE_STATE GetClusterNodeState(HNODE hNode)
{
	return (CLUSTER_NODE_STATE)simple_state(hNode, K_NODE);
}

__cn_public CLUSTER_NETWORK_STATE GetClusterNetworkState(HNETWORK hNetwork)
{
	return (CLUSTER_NETWORK_STATE)simple_state(hNetwork, K_NETWORK);
}

__cn_public CLUSTER_NETINTERFACE_STATE
GetClusterNetInterfaceState(HNETINTERFACE hNetInterface)
{
	return (CLUSTER_NETINTERFACE_STATE)simple_state(hNetInterface,
							 K_NETINTERFACE);
}

/* A state function's names: each pair optional; too small is Unknown. */
static int state_with_names(int state, const char *const *s, LPWSTR *buf,
			    LPDWORD *cch, int n)
{
	DWORD err = ERROR_SUCCESS, e;
	int i;

	for (i = 0; i < n; i++) {
		if (buf[i] && !cch[i]) {
			last_error = ERROR_INVALID_PARAMETER;
			return -1;
		}
	}
	for (i = 0; i < n; i++) {
		e = put_string(s[i], buf[i], cch[i]);
		if (e != ERROR_SUCCESS)
			err = e;
	}
	if (err) {
		last_error = err;
		return -1;
	}
	return state;
}

__cn_public CLUSTER_GROUP_STATE GetClusterGroupState(HGROUP hGroup,
						     LPWSTR lpszNodeName,
						     LPDWORD lpcchNodeName)
{
	char node[CLUSNOTIFY_NAME_MAX];
	const char *s[1] = { node };
	struct clusnotify_object_info info;
	struct clusnotify_port *port;
	struct object *obj;

	if (!object_info(hGroup, K_GROUP, &port, &obj, &info))
		return ClusterGroupStateUnknown;
	name_of(port, obj->cluster_id, CLUSNOTIFY_OBJ_NODE, info.parent_id,
		node, sizeof(node));
	lookup_end(obj, port);
	return (CLUSTER_GROUP_STATE)state_with_names(info.state, s,
						     &lpszNodeName,
						     &lpcchNodeName, 1);
}

__cn_public CLUSTER_RESOURCE_STATE
GetClusterResourceState(HRESOURCE hResource, LPWSTR lpszNodeName,
			LPDWORD lpcchNodeName, LPWSTR lpszGroupName,
			LPDWORD lpcchGroupName)
{
	char node[CLUSNOTIFY_NAME_MAX], group[CLUSNOTIFY_NAME_MAX];
	struct clusnotify_object_info info, ginfo;
	const char *s[2] = { node, group };
	LPWSTR buf[2] = { lpszNodeName, lpszGroupName };
	LPDWORD cch[2] = { lpcchNodeName, lpcchGroupName };
	struct clusnotify_port *port;
	struct object *obj;

	if (!object_info(hResource, K_RESOURCE, &port, &obj, &info))
		return ClusterResourceStateUnknown;
	name_of(port, obj->cluster_id, CLUSNOTIFY_OBJ_GROUP, info.parent_id,
		group, sizeof(group));
	node[0] = '\0';
	/* The resource runs where its group does. */
	if (info.parent_id[0] &&
	    !clusnotify_get_object(port, obj->cluster_id, CLUSNOTIFY_OBJ_GROUP,
				   info.parent_id, CLUSNOTIFY_OBJECT_BY_ID,
				   &ginfo)) {
		ginfo.parent_id[sizeof(ginfo.parent_id) - 1] = '\0';
		name_of(port, obj->cluster_id, CLUSNOTIFY_OBJ_NODE,
			ginfo.parent_id, node, sizeof(node));
	}
	lookup_end(obj, port);
	return (CLUSTER_RESOURCE_STATE)state_with_names(info.state, s, buf,
							cch, 2);
}

/* The cluster's name as the kernel has it now, else as it was opened. */
static void cluster_name(struct cluster *cl, char *out, size_t size)
{
	struct clusnotify_cluster_entry e[16];
	uint64_t cursor = 0;
	int n, i;

	snprintf(out, size, "%s", cl->name);
	while ((n = clusnotify_list_clusters(cl->port, &cursor, e,
					     ARRAY_SIZE(e))) > 0) {
		for (i = 0; i < n; i++) {
			if (e[i].cluster_id == cl->id) {
				e[i].name[sizeof(e[i].name) - 1] = '\0';
				snprintf(out, size, "%s", e[i].name);
				return;
			}
		}
	}
}

static void version_info(LPCLUSTERVERSIONINFO vi)
{
	static const char vendor[] = "Linux clusnotify";
	unsigned int major = 0, minor = 0, build = 0;
	struct utsname u;
	DWORD size = vi->dwVersionInfoSize;

	if (!uname(&u))
		sscanf(u.release, "%u.%u.%u", &major, &minor, &build);
	memset(vi, 0, size < sizeof(*vi) ? size : sizeof(*vi));
	vi->dwVersionInfoSize = size;
	vi->MajorVersion = (WORD)major;
	vi->MinorVersion = (WORD)minor;
	vi->BuildNumber = (WORD)build;
	__cn_utf8_to_utf16(vendor, strlen(vendor), vi->szVendorId,
			   ARRAY_SIZE(vi->szVendorId));
	if (size < sizeof(*vi))
		return;
	vi->dwClusterHighestVersion = LIBCLUSNOTIFY_VERSION_MAJOR << 16 |
				      LIBCLUSNOTIFY_VERSION_MINOR;
	vi->dwClusterLowestVersion = vi->dwClusterHighestVersion;
}

__cn_public DWORD GetClusterInformation(HCLUSTER hCluster, LPWSTR lpszClusterName,
					LPDWORD lpcchClusterName,
					LPCLUSTERVERSIONINFO lpClusterInfo)
{
	char name[CLUSNOTIFY_CLUSTER_NAME_MAX];
	struct cluster *cl;

	if (!lpcchClusterName ||
	    (lpClusterInfo &&
	     lpClusterInfo->dwVersionInfoSize < sizeof(CLUSTERVERSIONINFO_NT4)))
		return ERROR_INVALID_PARAMETER;
	cl = (struct cluster *)__cn_handle_get(hCluster, KIND(K_CLUSTER));
	if (!cl)
		return ERROR_INVALID_HANDLE;
	cluster_name(cl, name, sizeof(name));
	__cn_handle_put(&cl->h);
	if (lpClusterInfo)
		version_info(lpClusterInfo);
	return put_string(name, lpszClusterName, lpcchClusterName);
}

/* ---- Handles opened with an access mask ---- */

#define ACCESS_KNOWN	(GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | \
			 GENERIC_ALL | MAXIMUM_ALLOWED)

/* Handles only read: asking to write is refused, as for a reader on Windows. */
static bool access_ok(DWORD desired)
{
	if (desired & ~ACCESS_KNOWN) {
		last_error = ERROR_INVALID_PARAMETER;
		return false;
	}
	if (desired & (GENERIC_WRITE | GENERIC_ALL)) {
		last_error = ERROR_ACCESS_DENIED;
		return false;
	}
	return true;
}

/* The handle; what was granted is written only if it opened. */
static void *granted(void *h, DWORD *out)
{
	if (h && out)
		*out = GENERIC_READ;
	return h;
}

__cn_public HCLUSTER OpenClusterEx(LPCWSTR lpszClusterName, DWORD DesiredAccess,
				   DWORD *GrantedAccess)
{
	return access_ok(DesiredAccess) ?
	       granted(OpenCluster(lpszClusterName), GrantedAccess) : NULL;
}

__cn_public HNODE OpenClusterNodeEx(HCLUSTER hCluster, LPCWSTR lpszNodeName,
				    DWORD dwDesiredAccess,
				    DWORD *lpdwGrantedAccess)
{
	return access_ok(dwDesiredAccess) ?
	       granted(OpenClusterNode(hCluster, lpszNodeName),
		       lpdwGrantedAccess) : NULL;
}

__cn_public HGROUP OpenClusterGroupEx(HCLUSTER hCluster, LPCWSTR lpszGroupName,
				      DWORD dwDesiredAccess,
				      DWORD *lpdwGrantedAccess)
{
	return access_ok(dwDesiredAccess) ?
	       granted(OpenClusterGroup(hCluster, lpszGroupName),
		       lpdwGrantedAccess) : NULL;
}

__cn_public HRESOURCE OpenClusterResourceEx(HCLUSTER hCluster,
					    LPCWSTR lpszResourceName,
					    DWORD dwDesiredAccess,
					    DWORD *lpdwGrantedAccess)
{
	return access_ok(dwDesiredAccess) ?
	       granted(OpenClusterResource(hCluster, lpszResourceName),
		       lpdwGrantedAccess) : NULL;
}

__cn_public HNETWORK OpenClusterNetworkEx(HCLUSTER hCluster,
					  LPCWSTR lpszNetworkName,
					  DWORD dwDesiredAccess,
					  DWORD *lpdwGrantedAccess)
{
	return access_ok(dwDesiredAccess) ?
	       granted(OpenClusterNetwork(hCluster, lpszNetworkName),
		       lpdwGrantedAccess) : NULL;
}

__cn_public HNETINTERFACE OpenClusterNetInterfaceEx(HCLUSTER hCluster,
						    LPCWSTR lpszInterfaceName,
						    DWORD dwDesiredAccess,
						    DWORD *lpdwGrantedAccess)
{
	return access_ok(dwDesiredAccess) ?
	       granted(OpenClusterNetInterface(hCluster, lpszInterfaceName),
		       lpdwGrantedAccess) : NULL;
}

/* By the node's id (the corosync node id), never by its name. */
__cn_public HNODE OpenClusterNodeById(HCLUSTER hCluster, DWORD nodeId)
{
	struct clusnotify_object_info info;
	char id[CLUSNOTIFY_ID_MAX];
	struct cluster *cl;
	void *ret;
	int err;

	cl = (struct cluster *)__cn_handle_get(hCluster, KIND(K_CLUSTER));
	if (!cl)
		return fail(ERROR_INVALID_HANDLE);
	snprintf(id, sizeof(id), "%u", nodeId);
	err = clusnotify_get_object(cl->port, cl->id, CLUSNOTIFY_OBJ_NODE, id,
				    CLUSNOTIFY_OBJECT_BY_ID, &info);
	ret = err ? fail(map_errno(err, ERROR_CLUSTER_NODE_NOT_FOUND))
		  : add_object(cl->id, cl->name, K_NODE, id);
	__cn_handle_put(&cl->h);
	return ret;
}

__cn_public HGROUPSET OpenClusterGroupSet(HCLUSTER hCluster,
					  LPCWSTR lpszGroupSetName)
{
	return open_object(hCluster, lpszGroupSetName, K_GROUPSET);
}

__cn_public BOOL CloseClusterGroupSet(HGROUPSET hGroupSet)
{
	return close_handle(hGroupSet, K_GROUPSET);
}
