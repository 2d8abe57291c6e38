// SPDX-License-Identifier: GPL-2.0
/*
 * cfg: the local node id, corosync's shutdown request, and knet link status
 * polled with corosync_cfg_node_status_get(). A node's link L is a
 * NETWORK_INTERFACE ("<nodeid>:<L>"), each link a NETWORK ("link<L>").
 *
 * From one node, a remote interface that is not connected is Failed if this
 * node's own end of the link works and the remote node is still reachable
 * by another link (its end is cut), and Unreachable otherwise. This node's
 * own interface is Failed when no reachable remote node is connected on it.
 * A network is Up when every reachable node's interface on it is Up, Down
 * when none is, Partitioned in between.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <corosync/cfg.h>

#include "conf.h"
#include "corosync.h"
#include "inventory.h"
#include "log.h"
#include "view.h"

/* CLUSTER_NETINTERFACE_STATE, CLUSTER_NETWORK_STATE */
enum { IF_UNAVAILABLE = 0, IF_FAILED = 1, IF_UNREACHABLE = 2, IF_UP = 3 };
enum { NET_UNAVAILABLE = 0, NET_DOWN = 1, NET_PARTITIONED = 2, NET_UP = 3 };

static corosync_cfg_handle_t cfg;
static int cfg_fd = -1;
static int64_t next_poll;

static void on_shutdown(corosync_cfg_handle_t h, corosync_cfg_shutdown_flags_t f)
{
	(void)f;
	log_notice("corosync is shutting down");
	corosync_cfg_replyto_shutdown(h, COROSYNC_CFG_SHUTDOWN_FLAG_YES);
}

static int start(void)
{
	corosync_cfg_callbacks_t cb = { .corosync_cfg_shutdown_callback = on_shutdown };
	unsigned int nodeid;

	if (corosync_cfg_initialize(&cfg, &cb) != CS_OK)
		return -ECONNREFUSED;
	if (corosync_cfg_fd_get(cfg, &cfg_fd) != CS_OK ||
	    corosync_cfg_local_get(cfg, &nodeid) != CS_OK) {
		corosync_cfg_finalize(cfg);
		cfg_fd = -1;
		return -EIO;
	}
	corosync_cfg_trackstart(cfg, 0);
	cnd_cfg_set_local(nodeid);
	next_poll = 0;
	return 0;
}

static void stop(void)
{
	if (cfg_fd < 0)
		return;
	corosync_cfg_finalize(cfg);
	cfg_fd = -1;
}

static int fd(void)
{
	return cfg_fd;
}

static int dispatch(void)
{
	cs_error_t err = corosync_cfg_dispatch(cfg, CS_DISPATCH_ALL);

	return err == CS_OK || err == CS_ERR_TRY_AGAIN ? 0 : -EIO;
}

const struct cnd_source cnd_cfg_source = {
	.name = "cfg",
	.start = start,
	.stop = stop,
	.fd = fd,
	.dispatch = dispatch,
};

void cnd_links_republish(void)
{
	next_poll = 0;
}

static void if_id(uint32_t nodeid, unsigned int link, char *buf, size_t size)
{
	snprintf(buf, size, "%u:%u", nodeid, link);
}

static void if_gone(const struct cnd_obj *o)
{
	cnd_inv_post_u32(CLUSNOTIFY_OBJ_NETWORK_INTERFACE,
			 CLUSNOTIFY_NETINTERFACE_DELETED, o->id, IF_UNAVAILABLE);
}

static void net_gone(const struct cnd_obj *o)
{
	cnd_inv_post_u32(CLUSNOTIFY_OBJ_NETWORK, CLUSNOTIFY_NETWORK_DELETED, o->id,
			 NET_UNAVAILABLE);
}

static void poll_links(void)
{
	struct corosync_cfg_node_status_v1 *st;
	const struct cnd_node *nodes;
	uint32_t local = cnd_cs_local_nodeid();
	size_t n = cnd_view_nodes(&nodes), i, li = SIZE_MAX;
	bool configured[CND_LINKS_MAX] = { false };
	int32_t *state;
	struct cnd_obj o;
	unsigned int l;

	st = calloc(n ? n : 1, sizeof(*st));
	state = calloc(n ? n : 1, sizeof(*state));
	if (!st || !state)
		abort();
	for (i = 0; i < n; i++) {
		if (nodes[i].nodeid == local)
			li = i;
		if (corosync_cfg_node_status_get(cfg, nodes[i].nodeid,
						 CFG_NODE_STATUS_V1, &st[i]) != CS_OK)
			memset(&st[i], 0, sizeof(st[i]));
		for (l = 0; l < CND_LINKS_MAX; l++)
			if (nodes[i].addr[l][0])
				configured[l] = true;
	}

	cnd_inv_sweep_begin(CLUSNOTIFY_OBJ_NETWORK_INTERFACE);
	cnd_inv_sweep_begin(CLUSNOTIFY_OBJ_NETWORK);
	for (l = 0; l < CND_LINKS_MAX; l++) {
		bool any_reachable = false, any_connected = false, local_ok;
		int up = 0, counted = 0;

		if (!configured[l])
			continue;
		for (i = 0; i < n; i++) {
			if (i == li || !nodes[i].addr[l][0])
				continue;
			any_reachable |= st[i].reachable;
			any_connected |= st[i].reachable &&
					 st[i].link_status[l].enabled &&
					 st[i].link_status[l].connected;
		}
		local_ok = li != SIZE_MAX && nodes[li].addr[l][0] &&
			   (!any_reachable || any_connected);
		for (i = 0; i < n; i++) {
			if (!nodes[i].addr[l][0])
				continue;
			if (i == li)
				state[i] = local_ok ? IF_UP : IF_FAILED;
			else if (st[i].link_status[l].enabled &&
				 st[i].link_status[l].connected)
				state[i] = IF_UP;
			else if (local_ok && st[i].reachable)
				state[i] = IF_FAILED;
			else
				state[i] = IF_UNREACHABLE;
			if (i == li || st[i].reachable) {
				counted++;
				up += state[i] == IF_UP;
			}
			memset(&o, 0, sizeof(o));
			o.type = CLUSNOTIFY_OBJ_NETWORK_INTERFACE;
			if_id(nodes[i].nodeid, l, o.id, sizeof(o.id));
			snprintf(o.name, sizeof(o.name), "%.200s-link%u", nodes[i].name, l);
			cnd_node_id(nodes[i].nodeid, o.parent, sizeof(o.parent));
			o.state = state[i];
			if (cnd_inv_set(&o))
				cnd_inv_post(CLUSNOTIFY_OBJ_NODE,
					     CLUSNOTIFY_NODE_NETINTERFACE_ADDED, o.id,
					     o.parent, o.name, o.parent,
					     strlen(o.parent) + 1);
		}
		memset(&o, 0, sizeof(o));
		o.type = CLUSNOTIFY_OBJ_NETWORK;
		snprintf(o.id, sizeof(o.id), "link%u", l);
		strcpy(o.name, o.id);
		o.state = !counted ? NET_UNAVAILABLE : up == counted ? NET_UP :
			  up ? NET_PARTITIONED : NET_DOWN;
		if (cnd_inv_set(&o))
			cnd_inv_post(CLUSNOTIFY_OBJ_CLUSTER, CLUSNOTIFY_CLUSTER_NETWORK_ADDED,
				     o.id, NULL, o.name, NULL, 0);
	}
	cnd_inv_sweep_end(CLUSNOTIFY_OBJ_NETWORK_INTERFACE, if_gone);
	cnd_inv_sweep_end(CLUSNOTIFY_OBJ_NETWORK, net_gone);
	free(st);
	free(state);
}

int cnd_links_tick(int64_t now)
{
	if (cfg_fd < 0 || !cnd_inv_registered())
		return -1;
	if (now >= next_poll) {
		poll_links();
		if (!cnd_conf.link_poll_ms) {
			next_poll = INT64_MAX;
			return -1;
		}
		next_poll = now + cnd_conf.link_poll_ms;
	}
	return next_poll == INT64_MAX ? -1 : (int)(next_poll - now);
}
