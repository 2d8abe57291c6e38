// SPDX-License-Identifier: GPL-2.0
/*
 * votequorum: the votes behind the quorum, so that a watcher sees quorum
 * about to go (a node's votes, the expected votes, the quorum device), not
 * only that it went. Each value is a QUORUM object whose state is the
 * number (see clusnotifyd(8)), so that its STATE event carries the value
 * before as the record's prev_state, from the kernel's registry; the values
 * that changed also go out together as one CLUSTER / COMMON_PROPERTY list.
 *
 * The callbacks only mark the view dirty: the values are read with
 * votequorum_getinfo() when the main loop publishes. Without the
 * votequorum provider (quorum.provider not corosync_votequorum) the source
 * stays idle and nothing is published.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <corosync/votequorum.h>

#include "corosync.h"
#include "inventory.h"
#include "log.h"
#include "props.h"
#include "view.h"

#define QUORUM_ID	"quorum"
#define NODE_PREFIX	"votes:"

/* The quorum device's state (object "qdevice"). */
enum { QDEV_NONE = 0, QDEV_REGISTERED = 1, QDEV_ALIVE = 2, QDEV_VOTING = 3 };

static votequorum_handle_t vq;
static int vq_fd = -1;
static bool dirty;

static void on_quorum(votequorum_handle_t h, uint64_t ctx, uint32_t quorate,
		      uint32_t n, votequorum_node_t nodes[])
{
	(void)h, (void)ctx, (void)quorate, (void)n, (void)nodes;
	dirty = true;
}

static void on_expected(votequorum_handle_t h, uint64_t ctx, uint32_t expected)
{
	(void)h, (void)ctx;
	log_info("votequorum: expected votes %u", expected);
	dirty = true;
}

static void on_nodelist(votequorum_handle_t h, uint64_t ctx,
			votequorum_ring_id_t ring, uint32_t n, uint32_t nodes[])
{
	(void)h, (void)ctx, (void)n, (void)nodes;
	cnd_view_set_ring(ring.nodeid, ring.seq);
	dirty = true;
}

static int start(void)
{
	votequorum_callbacks_t cb = {
		.votequorum_quorum_notify_fn = on_quorum,
		.votequorum_expectedvotes_notify_fn = on_expected,
		.votequorum_nodelist_notify_fn = on_nodelist,
	};

	/* Another provider, or none: not an error, nothing to track. */
	if (votequorum_initialize(&vq, &cb) != CS_OK) {
		log_info("corosync: no votequorum: votes are not published");
		return 0;
	}
	if (votequorum_fd_get(vq, &vq_fd) != CS_OK ||
	    votequorum_trackstart(vq, 0, CS_TRACK_CHANGES | CS_TRACK_CURRENT) != CS_OK) {
		votequorum_finalize(vq);
		vq_fd = -1;
		return -EIO;
	}
	dirty = true;
	return 0;
}

static void stop(void)
{
	if (vq_fd < 0)
		return;
	votequorum_finalize(vq);
	vq_fd = -1;
}

static int fd(void)
{
	return vq_fd;
}

static int dispatch(void)
{
	cs_error_t err;

	if (vq_fd < 0)
		return 0;
	err = votequorum_dispatch(vq, CS_DISPATCH_ALL);
	return err == CS_OK || err == CS_ERR_TRY_AGAIN ? 0 : -EIO;
}

const struct cnd_source cnd_votequorum_source = {
	.name = "votequorum",
	.start = start,
	.stop = stop,
	.fd = fd,
	.dispatch = dispatch,
};

void cnd_vq_republish(void)
{
	dirty = true;
}

/*
 * Sets QUORUM object @id to @value; a value that changed is also added to
 * @props as @prop (a new object's value is news only as its STATE event).
 */
static void set_value(const char *id, const char *name, uint32_t value,
		      const char *prop, struct cnd_props *props)
{
	const struct cnd_obj *old = cnd_inv_get(CLUSNOTIFY_OBJ_QUORUM, id);
	struct cnd_obj o;

	memset(&o, 0, sizeof(o));
	o.type = CLUSNOTIFY_OBJ_QUORUM;
	snprintf(o.id, sizeof(o.id), "%s", id);
	snprintf(o.name, sizeof(o.name), "%s", name);
	strcpy(o.parent, QUORUM_ID);
	o.state = (int32_t)value;
	if (old && old->state != o.state)
		cnd_props_dword(props, prop, value);
	cnd_inv_set(&o);
}

static int qdevice_state(const struct votequorum_info *info)
{
	if (!(info->flags & VOTEQUORUM_INFO_QDEVICE_REGISTERED))
		return QDEV_NONE;
	if (!(info->flags & VOTEQUORUM_INFO_QDEVICE_ALIVE))
		return QDEV_REGISTERED;
	if (!(info->flags & VOTEQUORUM_INFO_QDEVICE_CAST_VOTE))
		return QDEV_ALIVE;
	return QDEV_VOTING;
}

struct stale {
	char (*ids)[CLUSNOTIFY_ID_MAX];
	size_t n;
};

/* Collects the per-node objects of nodes the view no longer has. */
static void find_stale(const struct cnd_obj *o, void *arg)
{
	struct stale *s = arg;
	char *end;
	unsigned long id;

	if (strncmp(o->id, NODE_PREFIX, strlen(NODE_PREFIX)))
		return;
	id = strtoul(o->id + strlen(NODE_PREFIX), &end, 10);
	if (!*end && id && (uint32_t)id == id && cnd_view_node((uint32_t)id))
		return;
	s->ids = realloc(s->ids, (s->n + 1) * sizeof(*s->ids));
	if (!s->ids)
		abort();
	strcpy(s->ids[s->n++], o->id);
}

void cnd_vq_publish(void)
{
	static struct cnd_props props;
	struct votequorum_info info;
	const struct cnd_node *nodes;
	struct stale stale = { NULL, 0 };
	char id[CLUSNOTIFY_ID_MAX], prop[64];
	char qdev[sizeof(info.qdevice_name) + 1];
	uint32_t local = cnd_cs_local_nodeid();
	size_t i, n;

	if (!dirty || vq_fd < 0 || !local || !cnd_inv_registered())
		return;
	/* Still dirty: the next turn asks again. */
	if (votequorum_getinfo(vq, local, &info) != CS_OK) {
		log_debug("votequorum: no information about node %u yet", local);
		return;
	}
	dirty = false;
	cnd_props_reset(&props);
	set_value("expected_votes", "expected_votes", info.node_expected_votes,
		  "ExpectedVotes", &props);
	set_value("highest_expected", "highest_expected", info.highest_expected,
		  "HighestExpected", &props);
	set_value("total_votes", "total_votes", info.total_votes, "TotalVotes",
		  &props);
	set_value("quorum_votes", "quorum_votes", info.quorum, "QuorumVotes",
		  &props);
	/* corosync's name need not end in a NUL at the array's end */
	snprintf(qdev, sizeof(qdev), "%.*s", (int)sizeof(info.qdevice_name),
		 info.qdevice_name);
	set_value("qdevice", qdev[0] ? qdev : "qdevice",
		  (uint32_t)qdevice_state(&info), "QdeviceState", &props);
	set_value("qdevice_votes", "qdevice_votes", info.qdevice_votes,
		  "QdeviceVotes", &props);
	n = cnd_view_nodes(&nodes);
	for (i = 0; i < n; i++) {
		struct votequorum_info ni;

		/* A node votequorum has not heard of yet keeps no object. */
		if (votequorum_getinfo(vq, nodes[i].nodeid, &ni) != CS_OK)
			continue;
		snprintf(id, sizeof(id), NODE_PREFIX "%u", nodes[i].nodeid);
		snprintf(prop, sizeof(prop), "NodeVotes:%u", nodes[i].nodeid);
		set_value(id, nodes[i].name, ni.node_votes, prop, &props);
	}
	cnd_inv_foreach(CLUSNOTIFY_OBJ_QUORUM, find_stale, &stale);
	/* QUORUM has no DELETED flag: the node's own NODE / DELETED says it. */
	for (i = 0; i < stale.n; i++)
		cnd_inv_del(CLUSNOTIFY_OBJ_QUORUM, stale.ids[i]);
	free(stale.ids);
	cnd_props_post(&props);
}
