// SPDX-License-Identifier: MIT
/*
 * The table of live clusapi handles.
 *
 * A handle value is not a pointer but a slot index and a generation number,
 * so a closed or made-up handle is found missing instead of being
 * dereferenced, and a slot reused by a new object does not answer to the
 * handles of the old one. Every object carries a reference count: the table
 * holds one reference while the handle is live, each call in progress on it
 * another, and the object is destroyed when the last one goes.
 */
#include <pthread.h>
#include <stdlib.h>

#include "internal.h"
#include "handle.h"

#define SLOTS_MAX	0xffffu
#define GEN_MASK	(UINTPTR_MAX >> 20)	/* 12 bits on ILP32 */

struct slot {
	struct cn_handle *obj;
	uintptr_t gen;
	unsigned int next_free;
};

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static struct slot *slots;
static unsigned int nslots;
static unsigned int free_head = SLOTS_MAX;	/* SLOTS_MAX: none */

/* Never NULL, never INVALID_HANDLE_VALUE (its low bits are 0). */
static void *encode(unsigned int idx, uintptr_t gen)
{
	return (void *)((((gen & GEN_MASK) << 16) | (idx + 1)) << 4);
}

static struct slot *decode(const void *value)
{
	uintptr_t v = (uintptr_t)value;
	unsigned int idx;

	if (v & 0xf)
		return NULL;
	idx = ((v >> 4) & 0xffff) - 1;
	if (idx >= nslots || !slots[idx].obj ||
	    encode(idx, slots[idx].gen) != value)
		return NULL;
	return &slots[idx];
}

void *__cn_handle_add(struct cn_handle *h)
{
	struct slot *s;
	unsigned int idx;

	pthread_mutex_lock(&table_lock);
	if (free_head == SLOTS_MAX) {
		unsigned int n = nslots ? nslots * 2 : 64;

		if (n > SLOTS_MAX)
			n = SLOTS_MAX;
		if (n == nslots) {
			pthread_mutex_unlock(&table_lock);
			return NULL;
		}
		s = realloc(slots, n * sizeof(*s));
		if (!s) {
			pthread_mutex_unlock(&table_lock);
			return NULL;
		}
		slots = s;
		for (idx = nslots; idx < n; idx++) {
			slots[idx].obj = NULL;
			slots[idx].gen = 0;
			slots[idx].next_free = idx + 1 < n ? idx + 1 : free_head;
		}
		free_head = nslots;
		nslots = n;
	}
	idx = free_head;
	s = &slots[idx];
	free_head = s->next_free;
	s->obj = h;
	h->refs = 1;
	h->value = encode(idx, s->gen);
	pthread_mutex_unlock(&table_lock);
	return h->value;
}

struct cn_handle *__cn_handle_get(const void *value, unsigned int kinds)
{
	struct cn_handle *h = NULL;
	struct slot *s;

	pthread_mutex_lock(&table_lock);
	s = decode(value);
	if (s && (kinds & (1u << s->obj->kind))) {
		h = s->obj;
		h->refs++;
	}
	pthread_mutex_unlock(&table_lock);
	return h;
}

void __cn_handle_ref(struct cn_handle *h)
{
	pthread_mutex_lock(&table_lock);
	h->refs++;
	pthread_mutex_unlock(&table_lock);
}

void __cn_handle_put(struct cn_handle *h)
{
	unsigned int refs;

	if (!h)
		return;
	pthread_mutex_lock(&table_lock);
	refs = --h->refs;
	pthread_mutex_unlock(&table_lock);
	if (!refs)
		h->destroy(h);
}

struct cn_handle *__cn_handle_remove(const void *value, unsigned int kinds)
{
	struct cn_handle *h = NULL;
	struct slot *s;

	pthread_mutex_lock(&table_lock);
	s = decode(value);
	if (s && (kinds & (1u << s->obj->kind))) {
		h = s->obj;
		s->obj = NULL;
		s->gen++;
		s->next_free = free_head;
		free_head = s - slots;
	}
	pthread_mutex_unlock(&table_lock);
	return h;
}
