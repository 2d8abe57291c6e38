// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel API (clusnotify.h): a subscription is a port whose records
 * are handed to a callback from a workqueue instead of to read().
 */

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>

#include "internal.h"

/**
 * struct clusnotify_sub - an in-kernel subscription
 * @port: its queue, filters and counters
 * @work: runs the callbacks
 * @ops: the subscriber's callbacks
 * @ctx: the subscriber's context
 * @cluster_id: the cluster it was made for
 */
struct clusnotify_sub {
	struct cn_port *port;
	u32 cluster_id;
	struct work_struct work;
	const struct clusnotify_sub_ops *ops;
	void *ctx;
};

static struct workqueue_struct *cn_wq;

static struct cn_cluster *to_cn(struct clusnotify_cluster *cl)
{
	return (struct cn_cluster *)cl;
}

/**
 * clusnotify_cluster_get() - find a cluster by name
 * @net: the network namespace the cluster was registered in
 * @name: its name; "" for the first registered (the local cluster)
 *
 * Context: process context.
 * Return: a reference the caller drops with clusnotify_cluster_put(), or
 * NULL if the namespace has no such cluster.
 */
struct clusnotify_cluster *clusnotify_cluster_get(struct net *net,
						  const char *name)
{
	return (struct clusnotify_cluster *)cn_cluster_get_by_name(net, name);
}
CLUSNOTIFY_EXPORT(clusnotify_cluster_get);

/**
 * clusnotify_cluster_put() - drop a reference from clusnotify_cluster_get()
 * @cl: the cluster
 *
 * Context: any.
 */
void clusnotify_cluster_put(struct clusnotify_cluster *cl)
{
	cn_cluster_put(to_cn(cl));
}
CLUSNOTIFY_EXPORT(clusnotify_cluster_put);

/**
 * clusnotify_cluster_id() - a cluster's id, as records carry it
 * @cl: the cluster
 *
 * Return: the id.
 */
u32 clusnotify_cluster_id(const struct clusnotify_cluster *cl)
{
	return ((const struct cn_cluster *)cl)->id;
}
CLUSNOTIFY_EXPORT(clusnotify_cluster_id);

static void deliver(struct clusnotify_sub *sub, struct cn_popped *p)
{
	struct cn_event *e = p->ev;
	u64 lost = p->lost;
	struct clusnotify_event ev = {
		.key = p->key,
		.object_id = "",
		.parent_id = "",
		.name = "",
		.type_name = "",
	};

	if (e) {
		ev.cluster_id = e->cluster_id;
		ev.object_type = e->object_type;
		ev.flag = e->flag;
		ev.seq = e->seq;
		ev.timestamp_ns = e->timestamp_ns;
		ev.flags = e->rec_flags;
		ev.object_id = e->data;
		ev.parent_id = ev.object_id + e->id_len + 1;
		ev.name = ev.parent_id + e->parent_len + 1;
		ev.type_name = ev.name + e->name_len + 1;
		ev.payload = e->data + e->payload_off -
			     sizeof(struct clusnotify_record);
		ev.payload_len = e->payload_len;
	} else {
		ev.cluster_id = p->lost_cluster;
		ev.object_type = CLUSNOTIFY_OBJ_CLUSTER;
		ev.flag = CLUSNOTIFY_CLUSTER_LOST_NOTIFICATIONS;
		ev.timestamp_ns = ktime_get_real_ns();
		ev.flags = CLUSNOTIFY_RECORD_LOST | CLUSNOTIFY_RECORD_SYNTHETIC;
		ev.payload = &lost;
		ev.payload_len = sizeof(lost);
	}
	sub->ops->event(sub, &ev, sub->ctx);
	if (e)
		cn_event_put(e);
}

static void sub_work(struct work_struct *work)
{
	struct clusnotify_sub *sub = container_of(work, struct clusnotify_sub,
						  work);
	struct cn_popped p;

	while (cn_port_pop(sub->port, &p)) {
		deliver(sub, &p);
		cond_resched();
	}
}

void cn_kapi_wake(struct clusnotify_sub *sub)
{
	queue_work(cn_wq, &sub->work);
}

/**
 * clusnotify_subscribe() - subscribe to a cluster's events
 * @cl: the cluster, from clusnotify_cluster_get()
 * @filters: cluster-wide filters, validated as for a port; may be NULL
 * @n: how many (0 to subscribe with per-object registrations only)
 * @key: key for these filters
 * @ops: callbacks, must stay valid until clusnotify_unsubscribe() returns
 * @ctx: passed to the callbacks
 *
 * The subscription keeps its own reference to the cluster (and to its
 * network namespace); the caller's reference is its own to drop.
 *
 * Context: process context; may sleep.
 * Return: the subscription, or ERR_PTR(-EINVAL) for a bad filter or
 * missing callback, -ENOENT if the cluster was deleted, -ENOSPC past
 * max_port_subs, -ENOMEM.
 */
struct clusnotify_sub *
clusnotify_subscribe(struct clusnotify_cluster *cl,
		     const struct clusnotify_filter *filters, unsigned int n,
		     u64 key, const struct clusnotify_sub_ops *ops, void *ctx)
{
	struct cn_cluster *c = to_cn(cl);
	struct clusnotify_sub *sub;
	int ret;

	if (!ops || !ops->event || (n && !filters) ||
	    n > CLUSNOTIFY_FILTERS_MAX)
		return ERR_PTR(-EINVAL);
	/* With filters, adding them finds out; without, ask now. */
	if (READ_ONCE(c->state) == CLUSNOTIFY_CLUSTER_DELETED)
		return ERR_PTR(-ENOENT);
	sub = kzalloc(sizeof(*sub), GFP_KERNEL);
	if (!sub)
		return ERR_PTR(-ENOMEM);
	INIT_WORK(&sub->work, sub_work);
	sub->ops = ops;
	sub->ctx = ctx;
	sub->cluster_id = c->id;
	sub->port = cn_port_create(c->cnet->net, true);
	if (IS_ERR(sub->port)) {
		ret = PTR_ERR(sub->port);
		goto err_free;
	}
	sub->port->ksub = sub;
	if (n) {
		ret = cn_filter_add(sub->port, c->id, key, filters, n);
		if (ret)
			goto err_port;
	}
	return sub;

err_port:
	cn_port_shutdown(sub->port);
	cn_filter_detach_port(sub->port);
	cn_port_destroy(sub->port);
err_free:
	kfree(sub);
	return ERR_PTR(ret);
}
CLUSNOTIFY_EXPORT(clusnotify_subscribe);

/**
 * clusnotify_sub_register() - watch one object as well
 * @sub: the subscription
 * @object_type: CLUSNOTIFY_OBJ_*
 * @flags: mask inside the type's ALL
 * @key: key for this registration
 * @object_id: the object's id (need not exist yet)
 * @reg_id: out: for clusnotify_sub_unregister()
 *
 * The cluster is the one @sub was made for; a subscription may watch other
 * clusters of its namespace only through other subscriptions.
 *
 * Context: process context; may sleep.
 * Return: 0, -EINVAL, -ENOENT (cluster deleted), -ENOSPC, -ENOMEM.
 */
int clusnotify_sub_register(struct clusnotify_sub *sub, u32 object_type,
			    u64 flags, u64 key, const char *object_id,
			    u32 *reg_id)
{
	return cn_filter_register(sub->port, sub->cluster_id, object_type,
				  flags, key, object_id, reg_id);
}
CLUSNOTIFY_EXPORT(clusnotify_sub_register);

/**
 * clusnotify_sub_unregister() - stop watching one object
 * @sub: the subscription
 * @reg_id: from clusnotify_sub_register()
 *
 * Queues the type's HANDLE_CLOSE event if the registration asked for it.
 *
 * Context: process context; may sleep.
 * Return: 0 or -ENOENT.
 */
int clusnotify_sub_unregister(struct clusnotify_sub *sub, u32 reg_id)
{
	return cn_filter_unregister(sub->port, reg_id);
}
CLUSNOTIFY_EXPORT(clusnotify_sub_unregister);

/**
 * clusnotify_sub_snapshot() - deliver the current state first
 * @sub: the subscription
 *
 * The state of every object the subscription covers reaches the callback,
 * flagged CLUSNOTIFY_RECORD_SNAPSHOT, before any event posted after this
 * call.
 *
 * Context: process context; may sleep.
 * Return: 0 or -ENOMEM.
 */
int clusnotify_sub_snapshot(struct clusnotify_sub *sub)
{
	return cn_filter_snapshot(sub->port);
}
CLUSNOTIFY_EXPORT(clusnotify_sub_snapshot);

/**
 * clusnotify_sub_stats() - the subscription's counters
 * @sub: the subscription
 * @st: out; matched == delivered + lost
 *
 * Context: process context.
 */
void clusnotify_sub_stats(struct clusnotify_sub *sub,
			  struct clusnotify_port_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	cn_port_stats(sub->port, st);
}
CLUSNOTIFY_EXPORT(clusnotify_sub_stats);

/**
 * clusnotify_unsubscribe() - end a subscription
 * @sub: the subscription
 *
 * Returns once no callback for @sub is running or will run, so the caller
 * may free its context right after. Events still queued are dropped.
 *
 * Context: process context, not from @sub's own callback; sleeps.
 */
void clusnotify_unsubscribe(struct clusnotify_sub *sub)
{
	cn_port_shutdown(sub->port);
	cn_filter_detach_port(sub->port);
	/* Posters that found the port before it was detached are done... */
	synchronize_rcu();
	/* ...so no one queues the work again after this. */
	cancel_work_sync(&sub->work);
	cn_port_destroy(sub->port);
	kfree(sub);
}
CLUSNOTIFY_EXPORT(clusnotify_unsubscribe);

static void copy_object(struct clusnotify_object *out, const struct cn_object *o)
{
	out->type = o->type;
	out->state = o->state;
	memcpy(out->id, o->id, sizeof(out->id));
	memcpy(out->name, o->name, sizeof(out->name));
	memcpy(out->parent_id, o->parent, sizeof(out->parent_id));
	memcpy(out->type_name, o->type_name, sizeof(out->type_name));
}

/**
 * clusnotify_object_get() - the current state of an object
 * @cl: the cluster
 * @type: CLUSNOTIFY_OBJ_*
 * @id: the object's id
 * @out: the copy
 *
 * Context: process context; may sleep.
 * Return: 0 or -ENOENT.
 */
int clusnotify_object_get(struct clusnotify_cluster *cl, u32 type,
			  const char *id, struct clusnotify_object *out)
{
	struct cn_cluster *c = to_cn(cl);
	struct cn_object *o;
	int ret = -ENOENT;

	mutex_lock(&c->post_lock);
	o = cn_cluster_object_find(c, type, id);
	if (o) {
		copy_object(out, o);
		ret = 0;
	}
	mutex_unlock(&c->post_lock);
	return ret;
}
CLUSNOTIFY_EXPORT(clusnotify_object_get);

/**
 * clusnotify_membership() - the cluster's nodes, as of now
 * @cl: the cluster
 * @nodes: filled with up to @max nodes; may be NULL with @max 0
 * @max: room in @nodes
 * @up: out (may be NULL): how many nodes are up (state 0, ClusterNodeUp)
 *
 * Context: process context; may sleep.
 * Return: the number of nodes the cluster keeps (more than @max means
 * @nodes was too small).
 */
int clusnotify_membership(struct clusnotify_cluster *cl,
			  struct clusnotify_object *nodes, unsigned int max,
			  unsigned int *up)
{
	struct cn_cluster *c = to_cn(cl);
	unsigned int n = 0, nup = 0;
	struct cn_object *o;

	mutex_lock(&c->post_lock);
	for (o = cn_cluster_object_next(c, CLUSNOTIFY_OBJ_NODE, "");
	     o && o->type == CLUSNOTIFY_OBJ_NODE;
	     o = cn_cluster_object_next(c, o->type, o->id)) {
		if (n < max)
			copy_object(&nodes[n], o);
		n++;
		if (o->state == 0)
			nup++;
	}
	mutex_unlock(&c->post_lock);
	if (up)
		*up = nup;
	return n;
}
CLUSNOTIFY_EXPORT(clusnotify_membership);

/**
 * clusnotify_post() - post a batch of events from the kernel
 * @cl: the cluster
 * @events: the events
 * @n: how many (1 to CLUSNOTIFY_EVENTS_MAX)
 * @last_seq: out (may be NULL): sequence number of the last one
 *
 * The batch reaches userspace ports, kernel subscribers and the netlink
 * "events" group exactly as a daemon's batch would. It is validated whole
 * first: nothing is posted on error.
 *
 * Context: process context; may sleep.
 * Return: 0; -E2BIG past CLUSNOTIFY_EVENTS_MAX; -EINVAL for no events or
 * a bad event (an object other than the cluster without an id, a flag that is not exactly one
 * postable flag of its type, a string over its bound or not UTF-8, a
 * payload over CLUSNOTIFY_PAYLOAD_MAX), -ENOENT if the cluster was
 * deleted, -ENOMEM.
 */
int clusnotify_post(struct clusnotify_cluster *cl,
		    const struct clusnotify_post_event *events, unsigned int n,
		    u64 *last_seq)
{
	unsigned int i;
	u64 seq;
	int ret;

	if (!n)
		return -EINVAL;
	if (n > CLUSNOTIFY_EVENTS_MAX)
		return -E2BIG;
	for (i = 0; i < n; i++)
		if (cn_post_event_validate(&events[i]))
			return -EINVAL;
	ret = cn_cluster_post(to_cn(cl), events, n, &seq);
	if (!ret && last_seq)
		*last_seq = seq;
	return ret;
}
CLUSNOTIFY_EXPORT(clusnotify_post);

int cn_kapi_init(void)
{
	cn_wq = alloc_workqueue("clusnotify", WQ_UNBOUND, 0);
	return cn_wq ? 0 : -ENOMEM;
}

void cn_kapi_exit(void)
{
	destroy_workqueue(cn_wq);
}
