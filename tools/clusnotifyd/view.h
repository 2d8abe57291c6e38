/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The nodes as corosync (nodelist, membership, quorum) and pacemaker
 * (standby, pending join) see them, published as NODE and QUORUM objects.
 */
#ifndef CLUSNOTIFYD_VIEW_H
#define CLUSNOTIFYD_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/clusnotify.h>

#define CND_LINKS_MAX	8

/* CLUSTER_NODE_STATE */
enum { CND_NODE_UP = 0, CND_NODE_DOWN = 1, CND_NODE_PAUSED = 2, CND_NODE_JOINING = 3 };
/* Our QUORUM state values: see clusnotifyd(8). */
enum { CND_QUORUM_LOST = 0, CND_QUORUM_QUORATE = 1 };

struct cnd_node {
	uint32_t nodeid;
	char name[CLUSNOTIFY_NAME_MAX];
	char addr[CND_LINKS_MAX][64];	/* "": no such link on this node */
	bool member;
	bool pcmk_standby;
	bool pcmk_pending;
};

void cnd_view_reset(void);
/* The nodelist from cmap; membership and pacemaker flags are kept. */
void cnd_view_set_nodelist(const struct cnd_node *nodes, size_t n);
void cnd_view_set_members(const uint32_t *ids, size_t n);
void cnd_view_set_quorum(bool quorate);
void cnd_view_set_provider(const char *provider);
/* The ring the membership comes from (corosync's ring id). */
void cnd_view_set_ring(uint32_t nodeid, uint64_t seq);
void cnd_view_set_pcmk(uint32_t nodeid, bool standby, bool pending);
void cnd_view_clear_pcmk(void);

/* Membership and quorum have both been reported since the last reset. */
bool cnd_view_ready(void);
size_t cnd_view_nodes(const struct cnd_node **nodes);
const struct cnd_node *cnd_view_node(uint32_t nodeid);
int32_t cnd_view_node_state(const struct cnd_node *n);
void cnd_node_id(uint32_t nodeid, char *buf, size_t size);

/* A new registration: everything is published again on the next turn. */
void cnd_view_republish(void);
/* Publishes what changed since the last call (once per loop turn). */
void cnd_view_publish(void);

#endif /* CLUSNOTIFYD_VIEW_H */
