// SPDX-License-Identifier: GPL-2.0
/*
 * clusnotify: netlink monitors, the sockets that get a copy of every event
 * posted in their network namespace.
 *
 * A monitor says so with CLUSNOTIFY_CMD_MONITOR_START and is sent each event
 * by unicast. A multicast group would be simpler for clients, but
 * netlink_has_listeners() is global across network namespaces and
 * netlink_broadcast() walks every listener of every namespace: one tenant's
 * ten thousand listeners would tax every post of every other tenant, and
 * 6.1's generic netlink tells a family nothing about joins to learn better.
 * Here a post pays only for the monitors of its own namespace.
 *
 * Monitors are kept by socket, as cluster owners are: netlink_release()
 * unhashes the portid, then orphans the socket (SOCK_DEAD), then sends
 * NETLINK_URELEASE; a monitor whose socket is dead is gone, even while its
 * portid already names another socket.
 */

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "internal.h"

struct cn_monitor {
	struct list_head node;
	struct sock *sk;
	u32 portid;
};

static bool monitor_dead(const struct cn_monitor *m)
{
	return sock_flag(m->sk, SOCK_DEAD);
}

static void monitor_free(struct cn_net *cnet, struct cn_monitor *m)
{
	list_del(&m->node);
	WRITE_ONCE(cnet->nmonitors, cnet->nmonitors - 1);
	sock_put(m->sk);
	kfree(m);
}

static struct cn_monitor *monitor_find(struct cn_net *cnet, u32 portid,
				       struct sock *sk)
{
	struct cn_monitor *m;

	list_for_each_entry(m, &cnet->monitors, node)
		if (m->portid == portid && m->sk == sk)
			return m;
	return NULL;
}

/* Drops the monitors whose sockets were closed. Context: cnet->mon_lock. */
static void monitor_reap(struct cn_net *cnet)
{
	struct cn_monitor *m, *tmp;

	list_for_each_entry_safe(m, tmp, &cnet->monitors, node)
		if (monitor_dead(m))
			monitor_free(cnet, m);
}

/**
 * cn_monitor_start() - make a netlink socket a monitor of its namespace
 * @net: the namespace
 * @portid: the socket's portid
 * @sk: the socket
 *
 * Starting again is not an error. At most max_net_monitors per namespace.
 *
 * Return: 0, -ENOSPC past the limit, or -ENOMEM.
 */
int cn_monitor_start(struct net *net, u32 portid, struct sock *sk)
{
	struct cn_net *cnet = cn_net(net);
	struct cn_monitor *m;
	int ret = 0;

	mutex_lock(&cnet->mon_lock);
	monitor_reap(cnet);
	if (monitor_find(cnet, portid, sk))
		goto out;
	if (cnet->nmonitors >= READ_ONCE(cn_max_net_monitors)) {
		ret = -ENOSPC;
		goto out;
	}
	m = kzalloc(sizeof(*m), GFP_KERNEL_ACCOUNT);
	if (!m) {
		ret = -ENOMEM;
		goto out;
	}
	sock_hold(sk);
	m->sk = sk;
	m->portid = portid;
	list_add_tail(&m->node, &cnet->monitors);
	WRITE_ONCE(cnet->nmonitors, cnet->nmonitors + 1);
out:
	mutex_unlock(&cnet->mon_lock);
	return ret;
}

/**
 * cn_monitor_stop() - end a socket's monitor
 * @net: the namespace
 * @portid: the socket's portid
 * @sk: the socket
 *
 * Return: 0, or -ENOENT if the socket was no monitor.
 */
int cn_monitor_stop(struct net *net, u32 portid, struct sock *sk)
{
	struct cn_net *cnet = cn_net(net);
	struct cn_monitor *m;
	int ret = -ENOENT;

	mutex_lock(&cnet->mon_lock);
	m = monitor_find(cnet, portid, sk);
	if (m) {
		monitor_free(cnet, m);
		ret = 0;
	}
	mutex_unlock(&cnet->mon_lock);
	return ret;
}

/* NETLINK_URELEASE: the socket that had @portid is closed. */
void cn_monitor_release_portid(struct net *net, u32 portid)
{
	struct cn_net *cnet = cn_net(net);

	if (!READ_ONCE(cnet->nmonitors))
		return;
	mutex_lock(&cnet->mon_lock);
	monitor_reap(cnet);
	mutex_unlock(&cnet->mon_lock);
}

/* Whether a post in @net has anyone to copy its events to. */
bool cn_monitor_any(struct net *net)
{
	return READ_ONCE(cn_net(net)->nmonitors) != 0;
}

/*
 * A monitor that cannot be sent an event learns of the gap as of an overrun:
 * ENOBUFS from its next recv(), what netlink_overrun() does.
 */
static void monitor_overrun(struct cn_monitor *m)
{
	WRITE_ONCE(m->sk->sk_err, ENOBUFS);
	sk_error_report(m->sk);
}

/**
 * cn_monitor_send() - copy one event message to every monitor of @net
 * @net: the namespace
 * @skb: the message, consumed; NULL if it could not be built
 *
 * A monitor whose receive buffer is full gets ENOBUFS from its next recv()
 * (netlink's own overrun report), as does every monitor when @skb is NULL.
 *
 * Context: process context; may be called under a cluster's post_lock.
 */
void cn_monitor_send(struct net *net, struct sk_buff *skb)
{
	struct cn_net *cnet = cn_net(net);
	struct cn_monitor *m, *tmp;
	struct sk_buff *copy;

	mutex_lock(&cnet->mon_lock);
	list_for_each_entry_safe(m, tmp, &cnet->monitors, node) {
		if (monitor_dead(m)) {
			monitor_free(cnet, m);
			continue;
		}
		if (!skb) {
			monitor_overrun(m);
			continue;
		}
		copy = list_is_last(&m->node, &cnet->monitors) ? skb :
		       skb_clone(skb, GFP_KERNEL);
		if (!copy) {
			monitor_overrun(m);
			continue;
		}
		if (copy == skb)
			skb = NULL;
		/* Non-blocking: a full receiver is an overrun, not a wait. */
		genlmsg_unicast(net, copy, m->portid);
	}
	mutex_unlock(&cnet->mon_lock);
	/* The last monitor was dead or failed: the message went to nobody. */
	kfree_skb(skb);
}

void cn_monitor_net_init(struct cn_net *cnet)
{
	mutex_init(&cnet->mon_lock);
	INIT_LIST_HEAD(&cnet->monitors);
}

/* Every socket of the namespace is gone by now; drop what is left. */
void cn_monitor_net_exit(struct cn_net *cnet)
{
	struct cn_monitor *m, *tmp;

	mutex_lock(&cnet->mon_lock);
	list_for_each_entry_safe(m, tmp, &cnet->monitors, node)
		monitor_free(cnet, m);
	mutex_unlock(&cnet->mon_lock);
}
