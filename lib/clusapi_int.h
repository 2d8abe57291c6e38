/* SPDX-License-Identifier: MIT */
/*
 * Internal to the clusapi layer (clusapi_*.c): the objects behind its
 * handles and the helpers its files share. Not installed.
 *
 * The shared helpers keep their short names in the source; the defines
 * below give them reserved __cn_ symbols, so that libclusnotify.a puts no
 * short global name (fail, kinds, ...) into a program linked with it.
 */
#ifndef LIBCLUSNOTIFY_CLUSAPI_INT_H
#define LIBCLUSNOTIFY_CLUSAPI_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clusapi.h"
#include "clusnotify.h"
#include "handle.h"
#include "internal.h"

#define last_error		__cn_last_error
#define map_errno		__cn_map_errno
#define fail			__cn_fail
#define kinds			__cn_kinds
#define reg_lock		__cn_reg_lock
#define regs			__cn_regs
#define to_utf8			__cn_to_utf8
#define add_object		__cn_add_object
#define open_object		__cn_open_object
#define put_string		__cn_put_string
#define list_each		__cn_list_each
#define lookup_begin		__cn_lookup_begin
#define lookup_end		__cn_lookup_end
#define close_handle		__cn_close_handle
#define drop_regs		__cn_drop_regs
#define get_port		__cn_get_port
#define add_filters		__cn_add_filters
#define create_port		__cn_create_port
#define register_object		__cn_register_object
#define register_handle		__cn_register_handle
#define port_cluster_name	__cn_port_cluster_name
#define deadline_of		__cn_deadline_of
#define string_fits		__cn_string_fits
#define string_check		__cn_string_check
#define registry_key_name	__cn_registry_key_name

/* ---- Errors (clusapi_error.c) ---- */

/* The calling thread's GetLastError(). */
extern _Thread_local DWORD last_error;

/* The one errno to Windows table. @enoent names what was not found. */
DWORD map_errno(int err, DWORD enoent);
/* Sets @err for GetLastError and returns NULL (a handle or FALSE). */
void *fail(DWORD err);

/* ---- Handles and names (clusapi_object.c) ---- */

enum kind {
	K_CHANGE,
	K_CLUSTER,
	K_NODE,
	K_GROUP,
	K_RESOURCE,
	K_NETWORK,
	K_NETINTERFACE,
	K_KEY,
	K_GROUPSET,
	K_ENUM,		/* HCLUSENUM */
	K_ENUM_EX,	/* HCLUSENUMEX */
	K_NODE_ENUM,	/* HNODEENUM */
	K_GROUP_ENUM,	/* HGROUPENUM */
};
#define KIND(k)		(1u << (k))
#define K_OBJECTS	(KIND(K_CLUSTER) | KIND(K_NODE) | KIND(K_GROUP) | \
			 KIND(K_RESOURCE) | KIND(K_NETWORK) | \
			 KIND(K_NETINTERFACE) | KIND(K_KEY) | KIND(K_GROUPSET))


/* What an object handle names and how not finding one is reported. */
struct kind_desc {
	uint32_t type;
	DWORD not_found;
};
extern const struct kind_desc kinds[];

/* HCLUSTER: a port used for lookups only, and what it resolved. */
struct cluster {
	struct cn_handle h;
	struct clusnotify_port *port;
	uint32_t id;
	char name[CLUSNOTIFY_CLUSTER_NAME_MAX];
	bool closed;			/* under reg_lock */
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
	struct cn_handle *obj;		/* an object's or a cluster's */
	struct port *port;
	uint64_t reg_id;
	uint32_t type;
	uint64_t key;
};

/* The registrations of objects on ports, under reg_lock (clusapi_port.c). */
extern pthread_mutex_t reg_lock;
extern struct reg *regs;

/* The closed flag of an object or cluster handle, under reg_lock. */
static inline bool *closed_flag(struct cn_handle *h)
{
	return h->kind == K_CLUSTER ? &((struct cluster *)h)->closed
				    : &((struct object *)h)->closed;
}

static inline uint64_t key64(DWORD_PTR key)
{
	return (uint64_t)key;
}

static inline DWORD_PTR key_ptr(uint64_t key)
{
	return (DWORD_PTR)key;
}

/* Converts a name from the caller; an error is set for GetLastError. */
bool to_utf8(LPCWSTR s, char *out, size_t cap);
/* A new handle of @kind for object @id (a key's path) of a cluster. */
void *add_object(uint32_t cluster_id, const char *cluster_name,
		 enum kind kind, const char *id);
/* Resolves @name through the kernel, by name first and then by id. */
void *open_object(HCLUSTER hCluster, LPCWSTR name, enum kind kind);
/* Ends handle @h of @kind: FALSE with ERROR_INVALID_HANDLE if it is not one. */
BOOL close_handle(HANDLE h, enum kind kind);

/* ---- Ports and notifications (clusapi_port.c) ---- */

/* Unlinks the registrations of @obj, or of @port, and undoes them. */
void drop_regs(struct cn_handle *obj, struct port *port);
/* The port behind @hChange, with a reference; of @version unless it is 0. */
struct port *get_port(HCHANGE hChange, int version, DWORD *err);
/* Validates every filter, then adds them in as many ioctls as it takes. */
DWORD add_filters(struct port *p, struct cluster *cl,
		  const struct clusnotify_filter *f, size_t count, uint64_t key);
/* What both Create functions do (see clusapi_port.c). */
HCHANGE create_port(HCHANGE hChange, HCLUSTER hCluster, int version,
		    const struct clusnotify_filter *f, size_t count,
		    DWORD_PTR key);
/* Watches @type events of the object behind @h (see clusapi_port.c). */
DWORD register_handle(struct port *p, struct cn_handle *h, uint32_t type,
		      uint64_t mask, uint64_t key, bool any_type);
/* The same for @hObject: ERROR_INVALID_HANDLE if it is no object's. */
DWORD register_object(struct port *p, HANDLE hObject, uint32_t type,
		      uint64_t mask, uint64_t key);
/* Copies the name of cluster @id into @out, if the port knows it. */
bool port_cluster_name(struct port *p, uint32_t id, char *out);
struct __cn_deadline deadline_of(DWORD ms);

/* One string of an event for the caller: its size is always written. */
struct out_string {
	const char *s;
	size_t len;
	LPWSTR buf;
	DWORD *cch;
};

bool string_fits(const struct out_string *o, size_t *units);
/* Points @o at a registry event's key name relative to the watched key. */
void registry_key_name(struct port *p, const struct clusnotify_event *ev,
		       struct out_string *o);
DWORD string_check(struct out_string *o);

/* ---- Enumeration and state (clusapi_enum.c), registry (clusapi_reg.c) ---- */

/*
 * Gives @s to a caller's (buffer, count in characters) pair: the count is
 * the room with the terminator on input, the length without it on output.
 * No buffer, or too small: ERROR_MORE_DATA and the length needed.
 */
DWORD put_string(const char *s, LPWSTR buf, LPDWORD cch);
/*
 * Calls @fn for each object of @type that cluster @cluster_id keeps, read
 * with LIST_OBJECTS; stops at @fn's first non-zero return. 0 or -errno.
 */
int list_each(struct clusnotify_port *port, uint32_t cluster_id, uint32_t type,
	      int (*fn)(const struct clusnotify_object_entry *o, void *arg),
	      void *arg);
/*
 * The object behind @h, of @kind, with a reference, and a port to read the
 * kernel's registry with; NULL with the error set. lookup_end() ends both.
 */
struct object *lookup_begin(HANDLE h, enum kind kind,
			    struct clusnotify_port **port);
void lookup_end(struct object *obj, struct clusnotify_port *port);

#endif /* LIBCLUSNOTIFY_CLUSAPI_INT_H */
