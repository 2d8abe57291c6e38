// SPDX-License-Identifier: MIT
/*
 * clusapi ports and notifications (V2): making a port, its filters and
 * registrations, and taking events off it.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "clusapi_int.h"
#include "utf16.h"

pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
struct reg *regs;

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
bool port_cluster_name(struct port *p, uint32_t id, char *out)
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
DWORD add_filters(struct port *p, struct cluster *cl,
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

struct port *get_port(HCHANGE hChange, int version, DWORD *err)
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
HCHANGE create_port(HCHANGE hChange, HCLUSTER hCluster, int version,
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
void drop_regs(struct cn_handle *obj, struct port *port)
{
	struct reg **pp, *r, *gone = NULL;

	pthread_mutex_lock(&reg_lock);
	if (obj)
		*closed_flag(obj) = true;
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
 * Watches @type events of the object behind @hObject, until the handle or
 * the port closes (the type's HANDLE_CLOSE, if asked for, tells the port).
 * On an HCLUSTER the cluster, its quorum, resource types and shared volumes
 * are watched (V1, @any_type: every type), and on the root key every
 * registry object: the kernel takes an empty id as "every object of the
 * type", still removable.
 */
DWORD register_handle(struct port *p, struct cn_handle *h, uint32_t type,
		      uint64_t mask, uint64_t key, bool any_type)
{
	const char *id, *cluster_name;
	uint32_t cluster_id;
	struct reg *r;
	int ret;

	if (!filter_valid(type, mask))
		return ERROR_INVALID_PARAMETER;
	if (h->kind == K_CLUSTER) {
		struct cluster *cl = (struct cluster *)h;

		switch (type) {
		case CLUSNOTIFY_OBJ_CLUSTER:
		case CLUSNOTIFY_OBJ_QUORUM:
		case CLUSNOTIFY_OBJ_RESOURCE_TYPE:
		case CLUSNOTIFY_OBJ_SHARED_VOLUME:
			break;
		default:
			if (!any_type)
				return ERROR_INVALID_PARAMETER;
		}
		cluster_id = cl->id;
		cluster_name = cl->name;
		id = "";
	} else {
		struct object *obj = (struct object *)h;

		if (type != obj->type)
			return ERROR_INVALID_PARAMETER;
		cluster_id = obj->cluster_id;
		cluster_name = obj->cluster_name;
		id = obj->id;
	}
	if (port_watch(p, cluster_id, cluster_name))
		return ERROR_NOT_ENOUGH_MEMORY;
	r = malloc(sizeof(*r));
	if (!r)
		return ERROR_NOT_ENOUGH_MEMORY;
	ret = clusnotify_register(p->np, cluster_id, type, id, mask, key,
				  &r->reg_id);
	if (ret) {
		free(r);
		return map_errno(ret, RPC_S_SERVER_UNAVAILABLE);
	}
	r->obj = h;
	r->port = p;
	r->type = type;
	r->key = key;
	pthread_mutex_lock(&reg_lock);
	if (*closed_flag(h) || p->closed) {
		pthread_mutex_unlock(&reg_lock);
		clusnotify_unregister(p->np, r->reg_id);
		free(r);
		return ERROR_INVALID_HANDLE;
	}
	r->next = regs;
	regs = r;
	pthread_mutex_unlock(&reg_lock);
	return ERROR_SUCCESS;
}

DWORD register_object(struct port *p, HANDLE hObject, uint32_t type,
		      uint64_t mask, uint64_t key)
{
	struct cn_handle *h = __cn_handle_get(hObject, K_OBJECTS);
	DWORD err;

	if (!h)
		return ERROR_INVALID_HANDLE;
	err = register_handle(p, h, type, mask, key, false);
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

/*
 * An fd owned by the port, valid until CloseClusterNotifyPort: it polls
 * readable while the port has an event, whether still in the kernel or
 * already read into the library's buffer, and once the port is shut down.
 */
__cn_public DWORD GetNotifyEventHandle(HCHANGE hChange, HANDLE *lphTargetEvent)
{
	struct port *p;
	DWORD err;
	int fd;

	if (!lphTargetEvent)
		return ERROR_INVALID_PARAMETER;
	p = get_port(hChange, 0, &err);
	if (!p)
		return err;
	fd = __cn_port_event_fd(p->np);
	if (fd < 0) {
		err = map_errno(fd, ERROR_GEN_FAILURE);
	} else {
		*lphTargetEvent = (HANDLE)(intptr_t)fd;
		err = ERROR_SUCCESS;
	}
	__cn_handle_put(&p->h);
	return err;
}

struct __cn_deadline deadline_of(DWORD ms)
{
	return __cn_deadline_after(ms == INFINITE ? -1 : (int64_t)ms);
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

/*
 * Whether the string fits the caller's buffer. A NULL buffer with a count is
 * a size query: it holds the empty string only (there is nothing to write),
 * so asking the size of anything else gives ERROR_MORE_DATA, once. *units
 * is its length in UTF-16 units, or 0 where it was not measured: nothing
 * was asked, or the buffer has room for a unit per byte (a UTF-16 unit
 * takes at least one byte of UTF-8), and the conversion will count them.
 */
bool string_fits(const struct out_string *o, size_t *units)
{
	if (!o->cch || (o->buf && *o->cch > o->len)) {
		*units = 0;
		return true;
	}
	*units = __cn_utf8_to_utf16(o->s, o->len, NULL, 0);
	if (!o->buf)
		return *units == 0;
	return *o->cch >= *units + 1;
}

/*
 * A registry event's key, relative to the key the port watches it through
 * (the registration of that key with the event's notify key whose path is
 * the longest prefix; the root for a cluster-wide filter).
 */
void registry_key_name(struct port *p, const struct clusnotify_event *ev,
		       struct out_string *o)
{
	size_t best = 0, n;
	struct reg *r;

	o->s = ev->object_id;
	o->len = ev->id_len;
	pthread_mutex_lock(&reg_lock);
	for (r = regs; r; r = r->next) {
		const char *path;

		if (r->port != p || r->type != CLUSNOTIFY_OBJ_REGISTRY ||
		    r->key != ev->key || r->obj->kind != K_KEY)
			continue;
		path = ((struct object *)r->obj)->id;
		n = strlen(path);
		if (n <= best || n > ev->id_len ||
		    strncasecmp(path, ev->object_id, n) ||
		    (n < ev->id_len && ev->object_id[n] != '\\'))
			continue;
		best = n;
	}
	pthread_mutex_unlock(&reg_lock);
	if (best) {
		n = best < ev->id_len ? best + 1 : best;
		o->s += n;
		o->len -= n;
	}
}

DWORD string_check(struct out_string *o)
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
	struct __cn_deadline deadline = deadline_of(dwMilliseconds);
	struct out_string str[4] = {
		{ .buf = lpszObjectId, .cch = lpcchObjectId },
		{ .buf = lpszParentId, .cch = lpcchParentId },
		{ .buf = lpszName, .cch = lpcchName },
		{ .buf = lpszType, .cch = lpcchType },
	};
	struct clusnotify_event ev;
	size_t units[4], payload_size;
	bool fit[4], fits = true, payload_fits, as_id;
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
	ret = __cn_peek_until(p->np, &ev, &deadline);
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
	if (ev.object_type == CLUSNOTIFY_OBJ_REGISTRY &&
	    ev.filter_flag != CLUSNOTIFY_REGISTRY_HANDLE_CLOSE) {
		/* Name: the changed key, relative; ObjectId: the value. */
		registry_key_name(p, &ev, &str[2]);
		str[0].s = ev.name;
		str[0].len = ev.name_len;
	}
	for (i = 0; i < 4; i++) {
		fit[i] = string_fits(&str[i], &units[i]);
		if (!fit[i])
			fits = false;
	}

	as_id = ev.payload_len && payload_is_id(&ev);
	payload_size = ev.payload_len;
	if (as_id) {
		size_t len = strnlen(ev.payload, ev.payload_len);

		payload_size = (__cn_utf8_to_utf16(ev.payload, len, NULL, 0) + 1) *
			       sizeof(WCHAR);
	}
	/* An empty payload fits anything, a NULL buffer too. */
	payload_fits = !lpbBufferSize || !payload_size ||
		       (buffer && *lpbBufferSize >= payload_size);

	if (!fits || !payload_fits) {
		/* Only the sizes that did not fit change: the others are kept. */
		for (i = 0; i < 4; i++)
			if (!fit[i])
				*str[i].cch = units[i];
		if (!payload_fits)
			*lpbBufferSize = payload_size;
		clusnotify_release_event(p->np);
		err = ERROR_MORE_DATA;
		goto out;
	}
	/* Every copy before any size: a caller may pass one count twice. */
	for (i = 0; i < 4; i++)
		if (str[i].buf)
			units[i] = __cn_utf8_to_utf16(str[i].s, str[i].len,
						      str[i].buf, *str[i].cch);
	for (i = 0; i < 4; i++)
		if (str[i].cch)
			*str[i].cch = units[i];
	if (lpbBufferSize)
		*lpbBufferSize = payload_size;
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
