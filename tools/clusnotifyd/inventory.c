// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's copy of the kernel's object registry for its cluster, so
 * that only changes travel, and the queues of one batch. Clusters are small
 * (nodes, links, resources): lookups are linear.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "inventory.h"
#include "log.h"

struct entry {
	struct cnd_obj o;
	bool seen;
};

struct vec {
	void *v;
	size_t n, cap, size;
};

static struct vec objs = { .size = sizeof(struct entry) };
static struct vec sets = { .size = sizeof(struct cnd_obj) };
static struct vec dels = { .size = sizeof(struct cnd_obj) };
static struct vec evs = { .size = sizeof(struct clusnotify_feed_event) };
static uint32_t cluster_id;

static void *vec_push(struct vec *v)
{
	void *p;

	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 32;

		p = realloc(v->v, cap * v->size);
		if (!p) {
			log_err("out of memory");
			abort();
		}
		v->v = p;
		v->cap = cap;
	}
	p = (char *)v->v + v->n++ * v->size;
	memset(p, 0, v->size);
	return p;
}

static void vec_remove(struct vec *v, size_t i)
{
	memmove((char *)v->v + i * v->size, (char *)v->v + (i + 1) * v->size,
		(--v->n - i) * v->size);
}

uint64_t cnd_state_flag(uint32_t type)
{
	switch (type) {
	case CLUSNOTIFY_OBJ_NODE:
		return CLUSNOTIFY_NODE_STATE;
	case CLUSNOTIFY_OBJ_GROUP:
		return CLUSNOTIFY_GROUP_STATE;
	case CLUSNOTIFY_OBJ_RESOURCE:
		return CLUSNOTIFY_RESOURCE_STATE;
	case CLUSNOTIFY_OBJ_NETWORK_INTERFACE:
		return CLUSNOTIFY_NETINTERFACE_STATE;
	case CLUSNOTIFY_OBJ_NETWORK:
		return CLUSNOTIFY_NETWORK_STATE;
	case CLUSNOTIFY_OBJ_QUORUM:
		return CLUSNOTIFY_QUORUM_STATE;
	default:
		return 0;
	}
}

static void free_events(void)
{
	struct clusnotify_feed_event *e = evs.v;
	size_t i;

	/* The strings and payloads are this file's copies (cnd_inv_post). */
	for (i = 0; i < evs.n; i++) {
		free((void *)e[i].id);
		free((void *)e[i].parent_id);
		free((void *)e[i].name);
		free((void *)e[i].payload);
	}
	evs.n = 0;
}

void cnd_inv_reset(void)
{
	objs.n = sets.n = dels.n = 0;
	free_events();
	cluster_id = 0;
}

static void load_one(const struct cnd_obj *o, void *arg)
{
	struct entry *e = vec_push(&objs);

	(void)arg;
	e->o = *o;
	e->seen = true;
}

int cnd_inv_load(uint32_t cluster)
{
	int ret;

	cnd_inv_reset();
	ret = cnd_nl_objects(cluster, load_one, NULL);
	if (ret) {
		objs.n = 0;
		return ret;
	}
	cluster_id = cluster;
	log_info("cluster %u: the kernel keeps %zu objects", cluster, objs.n);
	return 0;
}

bool cnd_inv_registered(void)
{
	return cluster_id != 0;
}

uint32_t cnd_inv_cluster(void)
{
	return cluster_id;
}

static struct entry *find(uint32_t type, const char *id, size_t *idx)
{
	struct entry *e = objs.v;
	size_t i;

	for (i = 0; i < objs.n; i++) {
		if (e[i].o.type == type && !strcmp(e[i].o.id, id)) {
			if (idx)
				*idx = i;
			return &e[i];
		}
	}
	return NULL;
}

void cnd_inv_sweep_begin(uint32_t type)
{
	struct entry *e = objs.v;
	size_t i;

	for (i = 0; i < objs.n; i++)
		if (e[i].o.type == type)
			e[i].seen = false;
}

void cnd_inv_sweep_end(uint32_t type, void (*gone)(const struct cnd_obj *o))
{
	struct entry *e;
	size_t i = 0;

	while (i < objs.n) {
		e = (struct entry *)objs.v + i;
		if (e->o.type != type || e->seen) {
			i++;
			continue;
		}
		if (gone)
			gone(&e->o);
		cnd_inv_del(e->o.type, e->o.id);
	}
}

static void queue_set(const struct cnd_obj *o)
{
	struct cnd_obj *q = sets.v;
	size_t i;

	for (i = 0; i < sets.n; i++) {
		if (q[i].type == o->type && !strcmp(q[i].id, o->id)) {
			q[i] = *o;
			return;
		}
	}
	*(struct cnd_obj *)vec_push(&sets) = *o;
}

static void unqueue(struct vec *v, uint32_t type, const char *id)
{
	struct cnd_obj *q = v->v;
	size_t i;

	for (i = 0; i < v->n; i++) {
		if (q[i].type == type && !strcmp(q[i].id, id)) {
			vec_remove(v, i);
			return;
		}
	}
}

bool cnd_inv_set(const struct cnd_obj *o)
{
	struct entry *e = find(o->type, o->id, NULL);
	bool strings;

	if (!e) {
		e = vec_push(&objs);
		e->o = *o;
		e->seen = true;
		unqueue(&dels, o->type, o->id);
		queue_set(o);
		/*
		 * A port may have taken its snapshot before this object
		 * existed (between the registration and the first flush, or
		 * before pacemaker answered): the state the object starts in
		 * is news to it. The event follows the set in the flush.
		 */
		if (cnd_state_flag(o->type))
			cnd_inv_post_u32(o->type, cnd_state_flag(o->type), o->id,
					 (uint32_t)o->state);
		return true;
	}
	e->seen = true;
	strings = strcmp(e->o.name, o->name) || strcmp(e->o.parent, o->parent) ||
		  strcmp(e->o.type_name, o->type_name);
	if (strings)
		queue_set(o);
	if (e->o.state != o->state && cnd_state_flag(o->type)) {
		e->o = *o;
		cnd_inv_post_u32(o->type, cnd_state_flag(o->type), o->id,
				 (uint32_t)o->state);
	}
	e->o = *o;
	return false;
}

const struct cnd_obj *cnd_inv_get(uint32_t type, const char *id)
{
	struct entry *e = find(type, id, NULL);

	return e ? &e->o : NULL;
}

void cnd_inv_del(uint32_t type, const char *id)
{
	struct cnd_obj *q;
	size_t i;

	if (!find(type, id, &i))
		return;
	unqueue(&sets, type, id);
	q = vec_push(&dels);
	q->type = type;
	strcpy(q->id, id);
	vec_remove(&objs, i);
}

void cnd_inv_foreach(uint32_t type, void (*fn)(const struct cnd_obj *o, void *arg),
		     void *arg)
{
	struct entry *e = objs.v;
	size_t i;

	for (i = 0; i < objs.n; i++)
		if (e[i].o.type == type)
			fn(&e[i].o, arg);
}

static char *dup_or_null(const char *s)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d) {
		log_err("out of memory");
		abort();
	}
	return d;
}

void cnd_inv_post(uint32_t type, uint64_t flag, const char *id,
		  const char *parent, const char *name, const void *payload,
		  size_t len)
{
	struct clusnotify_feed_event *e;
	void *copy;

	if (!cluster_id)
		return;
	e = vec_push(&evs);
	e->type = type;
	e->flag = flag;
	e->id = dup_or_null(id);
	e->parent_id = dup_or_null(parent);
	e->name = dup_or_null(name);
	if (len) {
		copy = malloc(len);
		if (!copy) {
			log_err("out of memory");
			abort();
		}
		memcpy(copy, payload, len);
		e->payload = copy;
		e->payload_len = (uint32_t)len;
	}
}

void cnd_inv_post_u32(uint32_t type, uint64_t flag, const char *id, uint32_t v)
{
	cnd_inv_post(type, flag, id, NULL, NULL, &v, sizeof(v));
}

void cnd_inv_post_str(uint32_t type, uint64_t flag, const char *id,
		      const char *s)
{
	cnd_inv_post(type, flag, id, NULL, NULL, s, strlen(s) + 1);
}

size_t cnd_inv_queued_events(void)
{
	return evs.n;
}

int cnd_inv_flush(void)
{
	int ret = 0;

	if (!cluster_id) {
		sets.n = dels.n = 0;
		free_events();
		return 0;
	}
	if (sets.n)
		ret = cnd_nl_object_set(cluster_id, sets.v, sets.n);
	if (!ret && evs.n)
		ret = cnd_nl_post(cluster_id, evs.v, evs.n);
	if (!ret && dels.n)
		ret = cnd_nl_object_del(cluster_id, dels.v, dels.n);
	if (!ret && (sets.n || evs.n || dels.n))
		log_debug("flushed %zu objects, %zu events, %zu deletions",
			  sets.n, evs.n, dels.n);
	sets.n = dels.n = 0;
	free_events();
	return ret;
}
