// SPDX-License-Identifier: GPL-2.0
/*
 * Node states combine two sources: corosync says whether a node is in the
 * membership (Up or Down), pacemaker whether a member is in standby (Paused)
 * or has not finished joining its controller (Joining).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corosync.h"
#include "inventory.h"
#include "log.h"
#include "props.h"
#include "view.h"

#define QUORUM_ID	"quorum"

static struct cnd_node *nodes;
static size_t nnodes;
static bool quorate, quorum_known, members_known;
static char provider[64];
static bool dirty;
/* What the last MEMBERSHIP event said; none posted yet if !posted. */
static uint32_t *last_members;
static size_t nlast;
static bool last_quorate, posted;
/* corosync's ring id of the membership, posted after each MEMBERSHIP */
static uint32_t ring_node;
static uint64_t ring_seq;
static bool ring_known;

void cnd_node_id(uint32_t nodeid, char *buf, size_t size)
{
	snprintf(buf, size, "%u", nodeid);
}

void cnd_view_reset(void)
{
	free(nodes);
	nodes = NULL;
	nnodes = 0;
	quorate = quorum_known = members_known = false;
	provider[0] = '\0';
	dirty = false;
	ring_known = false;
}

static struct cnd_node *find(uint32_t nodeid)
{
	size_t i;

	for (i = 0; i < nnodes; i++)
		if (nodes[i].nodeid == nodeid)
			return &nodes[i];
	return NULL;
}

static int by_id(const void *a, const void *b)
{
	const struct cnd_node *x = a, *y = b;

	return x->nodeid < y->nodeid ? -1 : x->nodeid > y->nodeid;
}

void cnd_view_set_nodelist(const struct cnd_node *list, size_t n)
{
	struct cnd_node *nn = calloc(n ? n : 1, sizeof(*nn)), *old;
	size_t i;

	if (!nn) {
		log_err("out of memory");
		abort();
	}
	for (i = 0; i < n; i++) {
		nn[i] = list[i];
		old = find(list[i].nodeid);
		nn[i].member = old && old->member;
		nn[i].pcmk_standby = old && old->pcmk_standby;
		nn[i].pcmk_pending = old && old->pcmk_pending;
	}
	/* Members that the nodelist does not name stay known. */
	for (i = 0; i < nnodes; i++) {
		size_t j;

		if (!nodes[i].member)
			continue;
		for (j = 0; j < n && list[j].nodeid != nodes[i].nodeid; j++)
			;
		if (j == n) {
			struct cnd_node *g = realloc(nn, (n + 1) * sizeof(*nn));

			if (!g)
				abort();
			nn = g;
			nn[n++] = nodes[i];
		}
	}
	qsort(nn, n, sizeof(*nn), by_id);
	free(nodes);
	nodes = nn;
	nnodes = n;
	dirty = true;
}

void cnd_view_set_members(const uint32_t *ids, size_t n)
{
	struct cnd_node *g;
	size_t i, j;

	for (i = 0; i < nnodes; i++)
		nodes[i].member = false;
	for (j = 0; j < n; j++) {
		struct cnd_node *nd = find(ids[j]);

		if (!nd) {
			g = realloc(nodes, (nnodes + 1) * sizeof(*nodes));
			if (!g)
				abort();
			nodes = g;
			nd = &nodes[nnodes++];
			memset(nd, 0, sizeof(*nd));
			nd->nodeid = ids[j];
			snprintf(nd->name, sizeof(nd->name), "%u", ids[j]);
			qsort(nodes, nnodes, sizeof(*nodes), by_id);
			nd = find(ids[j]);
		}
		nd->member = true;
	}
	members_known = true;
	dirty = true;
}

void cnd_view_set_quorum(bool q)
{
	quorate = q;
	quorum_known = true;
	dirty = true;
}

void cnd_view_set_provider(const char *prov)
{
	snprintf(provider, sizeof(provider), "%s", prov);
	dirty = true;
}

void cnd_view_set_ring(uint32_t nodeid, uint64_t seq)
{
	ring_node = nodeid;
	ring_seq = seq;
	ring_known = true;
}

void cnd_view_set_pcmk(uint32_t nodeid, bool standby, bool pending)
{
	struct cnd_node *n = find(nodeid);

	if (!n || (n->pcmk_standby == standby && n->pcmk_pending == pending))
		return;
	n->pcmk_standby = standby;
	n->pcmk_pending = pending;
	dirty = true;
}

void cnd_view_clear_pcmk(void)
{
	size_t i;

	for (i = 0; i < nnodes; i++)
		cnd_view_set_pcmk(nodes[i].nodeid, false, false);
}

bool cnd_view_ready(void)
{
	return members_known && quorum_known;
}

size_t cnd_view_nodes(const struct cnd_node **out)
{
	*out = nodes;
	return nnodes;
}

const struct cnd_node *cnd_view_node(uint32_t nodeid)
{
	return find(nodeid);
}

int32_t cnd_view_node_state(const struct cnd_node *n)
{
	if (!n->member)
		return CND_NODE_DOWN;
	if (n->pcmk_pending)
		return CND_NODE_JOINING;
	if (n->pcmk_standby)
		return CND_NODE_PAUSED;
	return CND_NODE_UP;
}

void cnd_view_republish(void)
{
	posted = false;
	dirty = true;
}

static void node_gone(const struct cnd_obj *o)
{
	cnd_inv_post_u32(CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_DELETED, o->id,
			 CND_NODE_DOWN);
}

/*
 * The ring the MEMBERSHIP just posted comes from, as corosync-quorumtool
 * prints it ("1.2c": the representative's node id and the ring's sequence
 * number, in hex) and as its two numbers: CLUSTER_MEMBERSHIP_INFO has no
 * room for it.
 */
static void post_ring(void)
{
	static struct cnd_props props;
	char ring[32];

	if (!ring_known)
		return;
	snprintf(ring, sizeof(ring), "%x.%" PRIx64, ring_node, ring_seq);
	cnd_props_sz(&props, "RingId", ring);
	cnd_props_dword(&props, "RingIdNode", ring_node);
	cnd_props_ularge(&props, "RingIdSeq", ring_seq);
	cnd_props_post(&props);
}

static void post_membership(void)
{
	uint8_t buf[8 + 256];
	uint32_t *m, count = 0;
	int32_t q = quorate;
	size_t i, n = 0;

	m = calloc(nnodes ? nnodes : 1, sizeof(*m));
	if (!m)
		abort();
	for (i = 0; i < nnodes; i++)
		if (nodes[i].member)
			m[n++] = nodes[i].nodeid;
	if (posted && last_quorate == quorate && nlast == n &&
	    !memcmp(m, last_members, n * sizeof(*m))) {
		free(m);
		return;
	}
	free(last_members);
	last_members = m;
	nlast = n;
	last_quorate = quorate;
	posted = true;
	/* CLUSTER_MEMBERSHIP_INFO: one byte per up node, its id. */
	for (i = 0; i < n && count < 256; i++) {
		if (m[i] > 255) {
			log_warn("node id %u does not fit CLUSTER_MEMBERSHIP_INFO", m[i]);
			continue;
		}
		buf[8 + count++] = (uint8_t)m[i];
	}
	memcpy(buf, &q, 4);
	memcpy(buf + 4, &count, 4);
	cnd_inv_post(CLUSNOTIFY_OBJ_CLUSTER, CLUSNOTIFY_CLUSTER_MEMBERSHIP,
		     "", NULL, cnd_cs_cluster_name(), buf,
		     8 + count);
	post_ring();
}

void cnd_view_publish(void)
{
	struct cnd_obj o;
	uint32_t st;
	size_t i;

	if (!dirty || !cnd_inv_registered())
		return;
	dirty = false;
	cnd_inv_sweep_begin(CLUSNOTIFY_OBJ_NODE);
	for (i = 0; i < nnodes; i++) {
		memset(&o, 0, sizeof(o));
		o.type = CLUSNOTIFY_OBJ_NODE;
		cnd_node_id(nodes[i].nodeid, o.id, sizeof(o.id));
		snprintf(o.name, sizeof(o.name), "%s", nodes[i].name);
		o.state = cnd_view_node_state(&nodes[i]);
		if (cnd_inv_set(&o)) {
			st = (uint32_t)o.state;
			cnd_inv_post(CLUSNOTIFY_OBJ_CLUSTER, CLUSNOTIFY_CLUSTER_NODE_ADDED,
				     o.id, NULL, o.name, &st, sizeof(st));
		}
	}
	cnd_inv_sweep_end(CLUSNOTIFY_OBJ_NODE, node_gone);

	if (quorum_known) {
		memset(&o, 0, sizeof(o));
		o.type = CLUSNOTIFY_OBJ_QUORUM;
		strcpy(o.id, QUORUM_ID);
		snprintf(o.name, sizeof(o.name), "%s", provider[0] ? provider : QUORUM_ID);
		o.state = quorate ? CND_QUORUM_QUORATE : CND_QUORUM_LOST;
		cnd_inv_set(&o);
		post_membership();
	}
}
