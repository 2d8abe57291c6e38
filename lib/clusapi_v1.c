// SPDX-License-Identifier: MIT
/*
 * clusapi V1 notifications: CLUSTER_CHANGE bits over the V2 filters.
 */
#include <string.h>

#include "clusapi_int.h"
#include "utf16.h"


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

/* Adds CLUSTER HANDLE_CLOSE to the filters @f of v1_filters(). */
static size_t with_cluster_close(struct clusnotify_filter *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (f[i].object_type == CLUSNOTIFY_OBJ_CLUSTER) {
			f[i].flags |= CLUSNOTIFY_CLUSTER_HANDLE_CLOSE;
			return n;
		}
	}
	f[n].object_type = CLUSNOTIFY_OBJ_CLUSTER;
	f[n].reserved = 0;
	f[n].flags = CLUSNOTIFY_CLUSTER_HANDLE_CLOSE;
	return n + 1;
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
	size_t i, n;

	p = get_port(hChange, CLUSTER_NOTIFICATIONS_V1, &err);
	if (!p)
		return err;
	h = __cn_handle_get(hObject, K_OBJECTS);
	if (!h) {
		err = ERROR_INVALID_HANDLE;
		goto out;
	}
	if (h->kind == K_CLUSTER) {
		/*
		 * Removable, as on any object: CloseCluster ends them. The
		 * handle closed is the cluster's: its HANDLE_CLOSE only.
		 */
		n = v1_filters(dwFilterType & ~CLUSTER_CHANGE_HANDLE_CLOSE, f);
		if (dwFilterType & CLUSTER_CHANGE_HANDLE_CLOSE)
			n = with_cluster_close(f, n);
		err = n ? ERROR_SUCCESS : ERROR_INVALID_PARAMETER;
		for (i = 0; i < n && !err; i++)
			err = register_handle(p, h, f[i].object_type, f[i].flags,
					      key64(dwNotifyKey), true);
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
	struct __cn_deadline deadline = deadline_of(dwMilliseconds);
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
		ret = __cn_peek_until(p->np, &ev, &deadline);
		if (ret) {
			err = map_errno(ret, ERROR_GEN_FAILURE);
			goto out;
		}
		v1 = v1_from_event(ev.object_type, ev.filter_flag);
		if (v1)
			break;
		clusnotify_consume_event(p->np);
	}
	if (ev.object_type == CLUSNOTIFY_OBJ_REGISTRY &&
	    ev.filter_flag != CLUSNOTIFY_REGISTRY_HANDLE_CLOSE) {
		/* As on Windows: the changed key, relative to the watched one. */
		registry_key_name(p, &ev, &name);
	} else if ((v1 & V1_CLUSTER_EVENTS ||
		    (v1 == CLUSTER_CHANGE_HANDLE_CLOSE &&
		     ev.object_type == CLUSNOTIFY_OBJ_CLUSTER)) &&
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
		units = __cn_utf8_to_utf16(name.s, name.len, name.buf, *name.cch);
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
