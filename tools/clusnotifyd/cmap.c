// SPDX-License-Identifier: GPL-2.0
/*
 * cmap: the cluster and node names, and tracking of three kinds of keys:
 * nodelist.* (nodes added or removed: re-read the nodelist), totem.* (a
 * reload changed a setting: CLUSTER / COMMON_PROPERTY with the new values as
 * a property list) and the configured registry prefixes (REGISTRY events,
 * and the keys and values themselves as REGISTRY objects, which the
 * library's ClusterReg* functions read: see clusnotifyd(8)).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <corosync/cmap.h>

#include "conf.h"
#include "corosync.h"
#include "inventory.h"
#include "log.h"
#include "props.h"
#include "view.h"

static const char nodelist_prefix[] = "nodelist.";
static const char totem_prefix[] = "totem.";

static cmap_handle_t cmap;
static int cmap_fd = -1;
static bool nodelist_dirty;
/* A registry key changed: publish the REGISTRY objects again. */
static bool registry_dirty;
/* totem.* changes of this turn */
static struct cnd_props totem_props;

static void add_property(const char *name, const struct cmap_notify_value *v)
{
	struct cnd_props *p = &totem_props;
	char str[256];
	uint64_t u64;
	int32_t i32;

	switch (v->type) {
	case CMAP_VALUETYPE_UINT8:
		cnd_props_dword(p, name, *(const uint8_t *)v->data);
		break;
	case CMAP_VALUETYPE_UINT16:
		cnd_props_dword(p, name, *(const uint16_t *)v->data);
		break;
	case CMAP_VALUETYPE_UINT32:
		cnd_props_dword(p, name, *(const uint32_t *)v->data);
		break;
	case CMAP_VALUETYPE_INT8:
		cnd_props_long(p, name, *(const int8_t *)v->data);
		break;
	case CMAP_VALUETYPE_INT16:
		cnd_props_long(p, name, *(const int16_t *)v->data);
		break;
	case CMAP_VALUETYPE_INT32:
		memcpy(&i32, v->data, 4);
		cnd_props_long(p, name, i32);
		break;
	case CMAP_VALUETYPE_UINT64:
	case CMAP_VALUETYPE_INT64:
		memcpy(&u64, v->data, 8);
		cnd_props_ularge(p, name, u64);
		break;
	case CMAP_VALUETYPE_STRING:
		snprintf(str, sizeof(str), "%.*s", (int)v->len, (const char *)v->data);
		cnd_props_sz(p, name, str);
		break;
	default:
		cnd_props_binary(p, name, v->data, v->len);
	}
}

static void registry_event(const char *prefix, const char *key, int32_t event)
{
	char path[CLUSNOTIFY_ID_MAX], *dot, *p;
	const char *value;

	snprintf(path, sizeof(path), "%s", key + strlen(prefix));
	dot = strrchr(path, '.');
	if (dot) {
		*dot = '\0';
		value = key + strlen(prefix) + (dot - path) + 1;
	} else {
		value = key + strlen(prefix);
		path[0] = '\0';
	}
	for (p = path; *p; p++)
		if (*p == '.')
			*p = '\\';
	if (event == CMAP_TRACK_ADD)
		cnd_inv_post(CLUSNOTIFY_OBJ_REGISTRY, CLUSNOTIFY_REGISTRY_NAME, path,
			     NULL, value, NULL, 0);
	cnd_inv_post(CLUSNOTIFY_OBJ_REGISTRY, CLUSNOTIFY_REGISTRY_VALUE, path,
		     NULL, value, NULL, 0);
	if (event == CMAP_TRACK_DELETE)
		cnd_inv_post(CLUSNOTIFY_OBJ_REGISTRY, CLUSNOTIFY_REGISTRY_NAME, path,
			     NULL, value, NULL, 0);
}

static void on_change(cmap_handle_t h, cmap_track_handle_t t, int32_t event,
		      const char *key, struct cmap_notify_value new_val,
		      struct cmap_notify_value old_val, void *user)
{
	const char *prefix = user;

	(void)h;
	(void)t;
	(void)old_val;
	log_debug("cmap: %s %s", event == CMAP_TRACK_ADD ? "add" :
		  event == CMAP_TRACK_DELETE ? "delete" : "modify", key);
	if (prefix == nodelist_prefix) {
		nodelist_dirty = true;
	} else if (prefix == totem_prefix) {
		if (event != CMAP_TRACK_DELETE)
			add_property(key + strlen(totem_prefix), &new_val);
	} else {
		registry_event(prefix, key, event);
		registry_dirty = true;
	}
}

static int track(const char *prefix)
{
	cmap_track_handle_t t;
	cs_error_t err;

	err = cmap_track_add(cmap, prefix,
			     CMAP_TRACK_ADD | CMAP_TRACK_DELETE | CMAP_TRACK_MODIFY |
			     CMAP_TRACK_PREFIX, on_change, (void *)prefix, &t);
	if (err != CS_OK) {
		log_err("cmap_track_add(%s): error %d", prefix, err);
		return -EIO;
	}
	return 0;
}

int cnd_cmap_cluster_name(char *buf, size_t size)
{
	char *s = NULL;

	if (cmap_get_string(cmap, "totem.cluster_name", &s) != CS_OK)
		return -ENOENT;
	snprintf(buf, size, "%s", s);
	free(s);
	return 0;
}

static void read_provider(void)
{
	char *s = NULL;

	/* The provider names the QUORUM object; quorum.c sets the state. */
	if (cmap_get_string(cmap, "quorum.provider", &s) == CS_OK) {
		cnd_view_set_provider(s);
		free(s);
	}
}

int cnd_cmap_read_nodelist(void)
{
	char key[CMAP_KEYNAME_MAXLEN + 1], field[CMAP_KEYNAME_MAXLEN + 1];
	struct cnd_node *list = NULL, *n;
	cmap_iter_handle_t it;
	size_t count = 0, i, len;
	cmap_value_types_t type;
	unsigned int idx, link;
	char *s;

	if (cmap_iter_init(cmap, "nodelist.node.", &it) != CS_OK)
		return -EIO;
	while (cmap_iter_next(cmap, it, key, &len, &type) == CS_OK) {
		if (sscanf(key, "nodelist.node.%u.%255s", &idx, field) != 2)
			continue;
		if (idx >= count) {
			n = realloc(list, (idx + 1) * sizeof(*list));
			if (!n)
				abort();
			memset(n + count, 0, (idx + 1 - count) * sizeof(*n));
			list = n;
			count = idx + 1;
		}
		n = &list[idx];
		if (!strcmp(field, "nodeid")) {
			cmap_get_uint32(cmap, key, &n->nodeid);
		} else if (!strcmp(field, "name")) {
			if (cmap_get_string(cmap, key, &s) == CS_OK) {
				snprintf(n->name, sizeof(n->name), "%s", s);
				free(s);
			}
		} else if (sscanf(field, "ring%u_addr", &link) == 1 &&
			   link < CND_LINKS_MAX) {
			if (cmap_get_string(cmap, key, &s) == CS_OK) {
				snprintf(n->addr[link], sizeof(n->addr[link]), "%s", s);
				free(s);
			}
		}
	}
	cmap_iter_finalize(cmap, it);
	/* Entries without a nodeid are unusable (corosync 3 requires it). */
	for (i = 0; i < count;) {
		if (!list[i].nodeid) {
			memmove(&list[i], &list[i + 1], (--count - i) * sizeof(*list));
			continue;
		}
		if (!list[i].name[0])
			snprintf(list[i].name, sizeof(list[i].name), "%s",
				 list[i].addr[0][0] ? list[i].addr[0] : "");
		if (!list[i].name[0])
			snprintf(list[i].name, sizeof(list[i].name), "%u", list[i].nodeid);
		i++;
	}
	cnd_view_set_nodelist(list, count);
	free(list);
	nodelist_dirty = false;
	return 0;
}

/*
 * A cmap value as a REGISTRY object's type name and text (the object's
 * name); NULL if it does not fit there (it is then not published).
 */
static const char *reg_text(cmap_value_types_t type, const void *data,
			    size_t len, char *out, size_t size)
{
	const unsigned char *b = data;
	uint64_t u64 = 0;
	uint32_t u32;
	int32_t i32;
	double d = 0;
	size_t i;
	int n;

	switch (type) {
	case CMAP_VALUETYPE_INT8:
		i32 = *(const int8_t *)data;
		goto dword;
	case CMAP_VALUETYPE_INT16:
		i32 = *(const int16_t *)data;
		goto dword;
	case CMAP_VALUETYPE_INT32:
		memcpy(&i32, data, 4);
		goto dword;
	case CMAP_VALUETYPE_UINT8:
		i32 = *b;
		goto dword;
	case CMAP_VALUETYPE_UINT16:
		i32 = *(const uint16_t *)data;
		goto dword;
	case CMAP_VALUETYPE_UINT32:
		memcpy(&i32, data, 4);
dword:
		/* a REG_DWORD holds a negative number in two's complement */
		u32 = (uint32_t)i32;
		snprintf(out, size, "%" PRIu32, u32);
		return "REG_DWORD";
	case CMAP_VALUETYPE_INT64:
	case CMAP_VALUETYPE_UINT64:
		memcpy(&u64, data, 8);
		snprintf(out, size, "%" PRIu64, u64);
		return "REG_QWORD";
	case CMAP_VALUETYPE_FLOAT:
	case CMAP_VALUETYPE_DOUBLE:
		d = type == CMAP_VALUETYPE_FLOAT ? *(const float *)data
						 : *(const double *)data;
		snprintf(out, size, "%.17g", d);
		return "REG_SZ";
	case CMAP_VALUETYPE_STRING:
		/* cmap counts the NUL */
		if (len && !b[len - 1])
			len--;
		if (len >= size || memchr(data, 0, len))
			return NULL;
		memcpy(out, data, len);
		out[len] = '\0';
		return "REG_SZ";
	default:
		if (2 * len >= size)
			return NULL;
		for (i = 0, n = 0; i < len; i++)
			n += snprintf(out + n, size - (size_t)n, "%02x", b[i]);
		out[n] = '\0';
		return "REG_BINARY";
	}
}

/* Publishes the key at @path and every key above it. */
static void reg_keys(const char *path)
{
	struct cnd_obj o = { .type = CLUSNOTIFY_OBJ_REGISTRY,
			     .state = CLUSNOTIFY_STATE_UNKNOWN };
	const char *p = path, *sep;

	while (*p) {
		sep = strchr(p, '\\');
		if (!sep)
			sep = p + strlen(p);
		snprintf(o.id, sizeof(o.id), "%.*s", (int)(sep - path), path);
		snprintf(o.name, sizeof(o.name), "%.*s", (int)(sep - p), p);
		cnd_inv_set(&o);
		p = *sep ? sep + 1 : sep;
	}
}

/* Publishes cmap key @key (under @prefix) as a value and its keys. */
static void reg_value(const char *prefix, const char *key,
		      cmap_value_types_t type, const void *data, size_t len)
{
	struct cnd_obj o = { .type = CLUSNOTIFY_OBJ_REGISTRY,
			     .state = CLUSNOTIFY_STATE_UNKNOWN };
	const char *rel = key + strlen(prefix), *dot = strrchr(rel, '.');
	char path[CLUSNOTIFY_ID_MAX], *p;
	const char *tname;
	int n;

	n = snprintf(path, sizeof(path), "%.*s", dot ? (int)(dot - rel) : 0, rel);
	if (n < 0 || (size_t)n >= sizeof(path))
		goto skip;
	for (p = path; *p; p++)
		if (*p == '.')
			*p = '\\';
	n = snprintf(o.id, sizeof(o.id), "%s=%s", path, dot ? dot + 1 : rel);
	if (n < 0 || (size_t)n >= sizeof(o.id))
		goto skip;
	tname = reg_text(type, data, len, o.name, sizeof(o.name));
	if (!tname)
		goto skip;
	snprintf(o.type_name, sizeof(o.type_name), "%s", tname);
	reg_keys(path);
	cnd_inv_set(&o);
	return;
skip:
	log_debug("cmap: %s does not fit a REGISTRY object: not published", key);
}

/* Publishes the keys under @prefix; false if cmap could not be read. */
static bool reg_prefix(const char *prefix)
{
	char key[CMAP_KEYNAME_MAXLEN + 1];
	cmap_value_types_t type;
	cmap_iter_handle_t it;
	size_t len;
	void *data;

	if (cmap_iter_init(cmap, prefix, &it) != CS_OK)
		return false;
	while (cmap_iter_next(cmap, it, key, &len, &type) == CS_OK) {
		data = malloc(len + 1);
		if (!data)
			abort();
		if (cmap_get(cmap, key, data, &len, &type) == CS_OK)
			reg_value(prefix, key, type, data, len);
		free(data);
	}
	cmap_iter_finalize(cmap, it);
	return true;
}

/*
 * The registry prefixes as REGISTRY objects, all again: keys and values
 * that went away are deleted by the sweep. Registries are small.
 */
static void publish_registry(void)
{
	int i;

	cnd_inv_sweep_begin(CLUSNOTIFY_OBJ_REGISTRY);
	for (i = 0; i < cnd_conf.nprefixes; i++)
		if (!reg_prefix(cnd_conf.registry_prefix[i]))
			return;
	cnd_inv_sweep_end(CLUSNOTIFY_OBJ_REGISTRY, NULL);
	registry_dirty = false;
}

void cnd_cmap_republish(void)
{
	registry_dirty = true;
}

void cnd_cmap_publish(void)
{
	if (nodelist_dirty) {
		cnd_cmap_read_nodelist();
		cnd_links_republish();
	}
	if (registry_dirty)
		publish_registry();
	cnd_props_post(&totem_props);
}

static int start(void)
{
	int i;

	if (cmap_initialize(&cmap) != CS_OK)
		return -ECONNREFUSED;
	if (cmap_fd_get(cmap, &cmap_fd) != CS_OK)
		goto err;
	if (cnd_cmap_read_nodelist())
		goto err;
	read_provider();
	if (track(nodelist_prefix) || track(totem_prefix))
		goto err;
	for (i = 0; i < cnd_conf.nprefixes; i++)
		if (track(cnd_conf.registry_prefix[i]))
			goto err;
	cnd_props_reset(&totem_props);
	return 0;
err:
	cmap_finalize(cmap);
	cmap_fd = -1;
	return -EIO;
}

static void stop(void)
{
	if (cmap_fd < 0)
		return;
	cmap_finalize(cmap);
	cmap_fd = -1;
}

static int fd(void)
{
	return cmap_fd;
}

static int dispatch(void)
{
	cs_error_t err = cmap_dispatch(cmap, CS_DISPATCH_ALL);

	return err == CS_OK || err == CS_ERR_TRY_AGAIN ? 0 : -EIO;
}

const struct cnd_source cnd_cmap_source = {
	.name = "cmap",
	.start = start,
	.stop = stop,
	.fd = fd,
	.dispatch = dispatch,
};
