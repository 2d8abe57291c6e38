/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The connections to corosync: cmap, cfg, quorum, cpg and votequorum, made
 * and lost together (votequorum only where corosync runs that provider).
 * Each is a source with its own fd in the main poll loop.
 */
#ifndef CLUSNOTIFYD_COROSYNC_H
#define CLUSNOTIFYD_COROSYNC_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cnd_source {
	const char *name;
	int (*start)(void);
	void (*stop)(void);
	int (*fd)(void);
	/* Returns <0 once the connection is gone. */
	int (*dispatch)(void);
};

extern const struct cnd_source cnd_cmap_source;
extern const struct cnd_source cnd_cfg_source;
extern const struct cnd_source cnd_quorum_source;
extern const struct cnd_source cnd_cpg_source;
extern const struct cnd_source cnd_votequorum_source;

/* All or none; on failure nothing stays connected. */
int cnd_cs_connect(void);
void cnd_cs_disconnect(void);
bool cnd_cs_connected(void);
/* Appends the sources' fds; returns how many. */
size_t cnd_cs_pollfds(struct pollfd *fds, size_t max);
/* Dispatches the ready ones; <0 if corosync went away. */
int cnd_cs_dispatch(const struct pollfd *fds, size_t n);

const char *cnd_cs_cluster_name(void);
uint32_t cnd_cs_local_nodeid(void);

/* cmap.c */
int cnd_cmap_cluster_name(char *buf, size_t size);
/* Reads the nodelist into the view; true if it changed since last asked. */
int cnd_cmap_read_nodelist(void);
/* Publishes what cmap tracking queued (nodelist changes, properties). */
void cnd_cmap_publish(void);
/* Publishes the registry prefixes' keys and values again at the next turn. */
void cnd_cmap_republish(void);
/* links.c */
void cnd_cfg_set_local(uint32_t nodeid);
/* Polls knet link status now if due; returns ms until the next poll or -1. */
int cnd_links_tick(int64_t now_ms);
void cnd_links_republish(void);
/* votequorum.c: publishes the votes if they may have changed. */
void cnd_vq_publish(void);
/* Publishes the votes again at the next turn. */
void cnd_vq_republish(void);

#endif /* CLUSNOTIFYD_COROSYNC_H */
