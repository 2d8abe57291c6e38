/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the kernel keeps for our cluster, and what is queued for it: objects
 * set, events posted and objects deleted, sent in that order by
 * cnd_inv_flush() once per turn of the main loop.
 */
#ifndef CLUSNOTIFYD_INVENTORY_H
#define CLUSNOTIFYD_INVENTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nl.h"

/* Forgets everything: the registration is gone. */
void cnd_inv_reset(void);
/* After registration: reads what the kernel already keeps for @cluster. */
int cnd_inv_load(uint32_t cluster);
bool cnd_inv_registered(void);
uint32_t cnd_inv_cluster(void);

/* A sweep of one type: objects not set between begin and end are deleted,
 * each after @gone (which may post its DELETED event). */
void cnd_inv_sweep_begin(uint32_t type);
void cnd_inv_sweep_end(uint32_t type, void (*gone)(const struct cnd_obj *o));

/*
 * Adds or updates an object. The type's STATE event is posted when the
 * object is new (a port that took its snapshot before it existed learns its
 * state from that event) or its state changed. Returns true if new.
 */
bool cnd_inv_set(const struct cnd_obj *o);
const struct cnd_obj *cnd_inv_get(uint32_t type, const char *id);
void cnd_inv_del(uint32_t type, const char *id);
void cnd_inv_foreach(uint32_t type, void (*fn)(const struct cnd_obj *o, void *arg),
		     void *arg);

/* Queues an event; NULL strings are the kernel's object's. */
void cnd_inv_post(uint32_t type, uint64_t flag, const char *id,
		  const char *parent, const char *name, const void *payload,
		  size_t len);
/* A __u32 payload / a NUL-terminated string payload. */
void cnd_inv_post_u32(uint32_t type, uint64_t flag, const char *id, uint32_t v);
void cnd_inv_post_str(uint32_t type, uint64_t flag, const char *id,
		      const char *s);

/* How many events are queued for the next flush. */
size_t cnd_inv_queued_events(void);

/* Sends what is queued; a negative return means the socket is unusable. */
int cnd_inv_flush(void);

uint64_t cnd_state_flag(uint32_t type);

#endif /* CLUSNOTIFYD_INVENTORY_H */
