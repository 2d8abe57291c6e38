/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The clusnotify producer (libclusnotify's feed), as the daemon uses it. The feed
 * that registers a cluster owns it: closing it turns the cluster
 * disconnected in the kernel.
 */
#ifndef CLUSNOTIFYD_NL_H
#define CLUSNOTIFYD_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <clusnotify_feed.h>

struct cnd_obj {
	uint32_t type;
	int32_t state;
	char id[CLUSNOTIFY_ID_MAX];
	char name[CLUSNOTIFY_NAME_MAX];
	char parent[CLUSNOTIFY_ID_MAX];
	char type_name[CLUSNOTIFY_TYPE_NAME_MAX];
};


/* With @dry_run, nothing goes to the kernel: every request is logged. */
int cnd_nl_open(bool dry_run);
void cnd_nl_close(void);
bool cnd_nl_is_open(void);
int cnd_nl_fd(void);
/* Reads and drops what the kernel sent unasked; <0 if the socket failed. */
int cnd_nl_drain(void);

int cnd_nl_register(const char *name, uint32_t *id);
int cnd_nl_objects(uint32_t cluster,
		   void (*fn)(const struct cnd_obj *obj, void *arg), void *arg);
int cnd_nl_object_set(uint32_t cluster, const struct cnd_obj *objs, size_t n);
int cnd_nl_object_del(uint32_t cluster, const struct cnd_obj *objs, size_t n);
/* Events; strings left NULL are taken by the kernel from the object. */
int cnd_nl_post(uint32_t cluster, const struct clusnotify_feed_event *evs,
		size_t n);

const char *cnd_type_name(uint32_t type);

#endif /* CLUSNOTIFYD_NL_H */
