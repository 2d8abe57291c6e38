// SPDX-License-Identifier: MIT
/*
 * clusapi registry reads: ClusterRegQueryValue, ClusterRegEnumKey,
 * ClusterRegEnumValue, ClusterRegQueryInfoKey and the keys of nodes, groups
 * and resources.
 *
 * The cluster registry is what clusnotifyd publishes from cmap as REGISTRY
 * objects of the kernel's registry (clusnotifyd(8)), read here through the
 * device at each call:
 *  - a key: id its path from the root ("a\b", components separated by a
 *    backslash), type name empty, name its last component;
 *  - a value: id "<key path>=<value name>" ("=name" under the root), type
 *    name its REG_* type, name its data as text: the string for REG_SZ,
 *    decimal for REG_DWORD and REG_QWORD, hexadecimal for REG_BINARY.
 * Neither a key path nor a value name from cmap can hold '='. Names compare
 * without case, as on Windows (__cn_utf8_caseeq).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clusapi_int.h"
#include "utf16.h"

/* The most bytes a value's data takes: 255 UTF-16 units and a NUL. */
#define DATA_MAX	((CLUSNOTIFY_NAME_MAX) * 2)

static const struct {
	const char *name;
	DWORD type;
} reg_types[] = {
	{ "REG_SZ", REG_SZ },
	{ "REG_DWORD", REG_DWORD },
	{ "REG_QWORD", REG_QWORD },
	{ "REG_BINARY", REG_BINARY },
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A value's type and data (into @out, DATA_MAX bytes); its size in bytes. */
static size_t decode(const char *type_name, const char *text, DWORD *type,
		     BYTE *out)
{
	unsigned long long v;
	size_t i, n;
	DWORD dw;

	*type = REG_SZ;
	for (i = 0; i < ARRAY_SIZE(reg_types); i++)
		if (!strcmp(type_name, reg_types[i].name))
			*type = reg_types[i].type;
	switch (*type) {
	case REG_DWORD:
		dw = (DWORD)strtoul(text, NULL, 10);
		memcpy(out, &dw, sizeof(dw));
		return sizeof(dw);
	case REG_QWORD:
		v = strtoull(text, NULL, 10);
		memcpy(out, &v, sizeof(v));
		return sizeof(v);
	case REG_BINARY:
		for (n = 0; text[2 * n] && text[2 * n + 1] && n < DATA_MAX; n++) {
			int hi = hexval(text[2 * n]), lo = hexval(text[2 * n + 1]);

			if (hi < 0 || lo < 0)
				break;
			out[n] = (BYTE)(hi << 4 | lo);
		}
		return n;
	default:
		n = __cn_utf8_to_utf16(text, strlen(text), out,
				       DATA_MAX / sizeof(WCHAR));
		return (n + 1) * sizeof(WCHAR);
	}
}

/*
 * Gives a caller's (type, data, size) triple a value: a NULL @data with a
 * size is a size query; too small is ERROR_MORE_DATA with the size needed.
 */
static DWORD put_data(DWORD type, const BYTE *data, size_t size,
		      LPDWORD lpType, LPBYTE lpData, LPDWORD lpcbData)
{
	if (lpType)
		*lpType = type;
	if (!lpcbData)
		return ERROR_SUCCESS;
	if (lpData && *lpcbData < size) {
		*lpcbData = (DWORD)size;
		return ERROR_MORE_DATA;
	}
	if (lpData)
		memcpy(lpData, data, size);
	*lpcbData = (DWORD)size;
	return ERROR_SUCCESS;
}

/* ---- Walking the registry objects under one key ---- */

enum { KEY, VALUE };

/* One child of the key being read: a subkey or a value, with its name. */
struct child {
	int what;
	const char *name;
	const struct clusnotify_object_entry *o;
};

struct walk {
	const char *path;
	int (*fn)(const struct child *c, void *arg);
	void *arg;
};

/* Whether @s, @len bytes of it, names key @path (without case). */
static bool same_path(const char *s, size_t len, const char *path)
{
	char head[CLUSNOTIFY_ID_MAX];

	if (len >= sizeof(head))
		return false;
	memcpy(head, s, len);
	head[len] = '\0';
	return __cn_utf8_caseeq(head, path);
}

static int walk_one(const struct clusnotify_object_entry *o, void *arg)
{
	struct walk *w = arg;
	struct child c = { .o = o };
	const char *sep;

	if (o->type_name[0]) {
		sep = strchr(o->id, '=');
		if (!sep || !same_path(o->id, (size_t)(sep - o->id), w->path))
			return 0;
		c.what = VALUE;
		c.name = sep + 1;
	} else {
		sep = strrchr(o->id, '\\');
		if (!sep ? w->path[0] != '\0'
			 : !same_path(o->id, (size_t)(sep - o->id), w->path))
			return 0;
		c.what = KEY;
		c.name = sep ? sep + 1 : o->id;
	}
	return w->fn(&c, w->arg);
}

/* Calls @fn for each subkey and value of the key behind @hKey. */
static DWORD walk_key(HKEY hKey, int (*fn)(const struct child *c, void *arg),
		      void *arg)
{
	struct clusnotify_port *port;
	struct object *key;
	struct walk w = { .fn = fn, .arg = arg };
	int ret;

	key = lookup_begin(hKey, K_KEY, &port);
	if (!key)
		return last_error;
	w.path = key->id;
	ret = list_each(port, key->cluster_id, CLUSNOTIFY_OBJ_REGISTRY, walk_one,
			&w);
	lookup_end(key, port);
	if (ret < 0)
		return map_errno(ret, RPC_S_SERVER_UNAVAILABLE);
	return ERROR_SUCCESS;
}

/* The walks stop early with a positive return: this one found its child. */
#define FOUND	1

struct find {
	int what;
	DWORD index;		/* the index-th child of its kind, or */
	const char *name;	/* the one of this name */
	char found_name[CLUSNOTIFY_ID_MAX];
	char type_name[CLUSNOTIFY_TYPE_NAME_MAX];
	char text[CLUSNOTIFY_NAME_MAX];
};

static int find_one(const struct child *c, void *arg)
{
	struct find *f = arg;

	if (c->what != f->what)
		return 0;
	if (f->name ? !__cn_utf8_caseeq(c->name, f->name) : f->index-- != 0)
		return 0;
	snprintf(f->found_name, sizeof(f->found_name), "%s", c->name);
	snprintf(f->type_name, sizeof(f->type_name), "%s", c->o->type_name);
	snprintf(f->text, sizeof(f->text), "%s", c->o->name);
	return FOUND;
}

/* Looks for a child: ERROR_SUCCESS, @missing, or the error of the walk. */
static DWORD find_child(HKEY hKey, struct find *f, DWORD missing)
{
	DWORD err;

	f->found_name[0] = '\0';
	err = walk_key(hKey, find_one, f);
	if (err)
		return err;
	return f->found_name[0] ? ERROR_SUCCESS : missing;
}

__cn_public LONG ClusterRegQueryValue(HKEY hKey, LPCWSTR lpszValueName,
				      LPDWORD lpdwValueType, LPBYTE lpData,
				      LPDWORD lpcbData)
{
	char name[CLUSNOTIFY_ID_MAX] = "";
	struct find f = { .what = VALUE, .name = name };
	BYTE data[DATA_MAX];
	DWORD err, type;
	size_t size;
	int ret;

	if (lpData && !lpcbData)
		return ERROR_INVALID_PARAMETER;
	/* A name too long for an object id names no value. */
	ret = lpszValueName ? __cn_utf16_to_utf8(lpszValueName, name,
						 sizeof(name)) : 0;
	if (ret == -EINVAL)
		return ERROR_INVALID_PARAMETER;
	if (ret < 0)
		name[0] = '\0';
	/* The default value ("" or NULL) is never published. */
	if (!name[0]) {
		struct object *key = (struct object *)__cn_handle_get(hKey,
								      KIND(K_KEY));

		if (!key)
			return ERROR_INVALID_HANDLE;
		__cn_handle_put(&key->h);
		return ERROR_FILE_NOT_FOUND;
	}
	err = find_child(hKey, &f, ERROR_FILE_NOT_FOUND);
	if (err)
		return (LONG)err;
	size = decode(f.type_name, f.text, &type, data);
	return (LONG)put_data(type, data, size, lpdwValueType, lpData, lpcbData);
}

__cn_public LONG ClusterRegEnumKey(HKEY hKey, DWORD dwIndex, LPWSTR lpszName,
				   LPDWORD lpcchName,
				   PFILETIME lpftLastWriteTime)
{
	struct find f = { .what = KEY, .index = dwIndex };
	DWORD err;

	if (!lpszName || !lpcchName)
		return ERROR_INVALID_PARAMETER;
	err = find_child(hKey, &f, ERROR_NO_MORE_ITEMS);
	if (err)
		return (LONG)err;
	/* cmap keeps no modification time. */
	if (lpftLastWriteTime)
		memset(lpftLastWriteTime, 0, sizeof(*lpftLastWriteTime));
	return (LONG)put_string(f.found_name, lpszName, lpcchName);
}

__cn_public DWORD ClusterRegEnumValue(HKEY hKey, DWORD dwIndex,
				      LPWSTR lpszValueName,
				      LPDWORD lpcchValueName, LPDWORD lpdwType,
				      LPBYTE lpData, LPDWORD lpcbData)
{
	struct find f = { .what = VALUE, .index = dwIndex };
	BYTE data[DATA_MAX];
	DWORD err, err2, type;
	size_t size;

	if (!lpszValueName || !lpcchValueName || (lpData && !lpcbData))
		return ERROR_INVALID_PARAMETER;
	err = find_child(hKey, &f, ERROR_NO_MORE_ITEMS);
	if (err)
		return err;
	size = decode(f.type_name, f.text, &type, data);
	/* both sizes are written back, whichever is too small */
	err = put_string(f.found_name, lpszValueName, lpcchValueName);
	err2 = put_data(type, data, size, lpdwType, lpData, lpcbData);
	return err ? err : err2;
}

struct info {
	DWORD subkeys, max_subkey, values, max_value_name, max_data;
};

static int info_one(const struct child *c, void *arg)
{
	struct info *in = arg;
	DWORD units = (DWORD)__cn_utf8_to_utf16(c->name, strlen(c->name),
						NULL, 0);
	BYTE data[DATA_MAX];
	DWORD type, size;

	if (c->what == KEY) {
		in->subkeys++;
		if (units > in->max_subkey)
			in->max_subkey = units;
		return 0;
	}
	in->values++;
	if (units > in->max_value_name)
		in->max_value_name = units;
	size = (DWORD)decode(c->o->type_name, c->o->name, &type, data);
	if (size > in->max_data)
		in->max_data = size;
	return 0;
}

__cn_public LONG ClusterRegQueryInfoKey(HKEY hKey, LPDWORD lpcSubKeys,
					LPDWORD lpcchMaxSubKeyLen,
					LPDWORD lpcValues,
					LPDWORD lpcchMaxValueNameLen,
					LPDWORD lpcbMaxValueLen,
					LPDWORD lpcbSecurityDescriptor,
					PFILETIME lpftLastWriteTime)
{
	struct info in = { 0 };
	DWORD err;

	err = walk_key(hKey, info_one, &in);
	if (err)
		return (LONG)err;
	if (lpcSubKeys)
		*lpcSubKeys = in.subkeys;
	if (lpcchMaxSubKeyLen)
		*lpcchMaxSubKeyLen = in.max_subkey;
	if (lpcValues)
		*lpcValues = in.values;
	if (lpcchMaxValueNameLen)
		*lpcchMaxValueNameLen = in.max_value_name;
	if (lpcbMaxValueLen)
		*lpcbMaxValueLen = in.max_data;
	/* Keys carry no security descriptor here. */
	if (lpcbSecurityDescriptor)
		*lpcbSecurityDescriptor = 0;
	if (lpftLastWriteTime)
		memset(lpftLastWriteTime, 0, sizeof(*lpftLastWriteTime));
	return ERROR_SUCCESS;
}

/*
 * The key of an object, as Windows names it under the root: Nodes\<id>,
 * Groups\<id>, Resources\<id>. It holds what cmap holds under that path.
 */
static HKEY object_key(HANDLE h, enum kind kind, const char *dir)
{
	char path[CLUSNOTIFY_ID_MAX];
	struct object *obj;
	HKEY ret = NULL;
	int n;

	obj = (struct object *)__cn_handle_get(h, KIND(kind));
	if (!obj)
		return fail(ERROR_INVALID_HANDLE);
	n = snprintf(path, sizeof(path), "%s\\%s", dir, obj->id);
	if (n < 0 || (size_t)n >= sizeof(path))
		fail(ERROR_INVALID_PARAMETER);
	else
		ret = add_object(obj->cluster_id, obj->cluster_name, K_KEY, path);
	__cn_handle_put(&obj->h);
	return ret;
}

__cn_public HKEY GetClusterNodeKey(HNODE hNode, REGSAM samDesired)
{
	(void)samDesired;
	return object_key(hNode, K_NODE, "Nodes");
}

__cn_public HKEY GetClusterGroupKey(HGROUP hGroup, REGSAM samDesired)
{
	(void)samDesired;
	return object_key(hGroup, K_GROUP, "Groups");
}

__cn_public HKEY GetClusterResourceKey(HRESOURCE hResource, REGSAM samDesired)
{
	(void)samDesired;
	return object_key(hResource, K_RESOURCE, "Resources");
}
