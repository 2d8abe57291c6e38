// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel API (clusnotify.h): a subscription is a port whose records
 * are handed to a callback from a workqueue instead of to read().
 */

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>

#include <kunit/visibility.h>

#include "internal.h"

/**
 * struct clusnotify_sub - an in-kernel subscription
 * @port: its queue, filters and counters
 * @cluster: the cluster it was made for (referenced)
 * @cluster_id: its id
 * @key: the key given at subscribe, for the DELETED event of its namespace
 * @net: the cluster's namespace, not referenced: valid while !@gone
 * @node: in cn_ksubs, under cn_ksubs_lock
 * @lock: serialises registering with the namespace's exit
 * @gone: the namespace went; the subscription is shut down once the
 *	records queued before are delivered
 * @work: runs the callbacks
 * @ops: the subscriber's callbacks
 * @ctx: the subscriber's context
 */
struct clusnotify_sub {
	struct cn_port *port;
	struct cn_cluster *cluster;
	u32 cluster_id;
	u64 key;
	struct net *net;
	struct list_head node;
	struct mutex lock;
	bool gone;
	struct work_struct work;
	const struct clusnotify_sub_ops *ops;
	void *ctx;
};

static struct workqueue_struct *cn_wq;

/*
 * Every kernel subscription, so that a namespace's exit finds its own. Taken
 * before any other lock of the module.
 */
static LIST_HEAD(cn_ksubs);
static DEFINE_MUTEX(cn_ksubs_lock);

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
		.prev_state = CLUSNOTIFY_STATE_UNKNOWN,
		.prev_owner = "",
	};

	if (e) {
		ev.cluster_id = e->cluster_id;
		ev.object_type = e->object_type;
		ev.flag = e->flag;
		ev.seq = e->seq;
		ev.epoch = e->epoch;
		ev.timestamp_ns = e->timestamp_ns;
		ev.flags = e->rec_flags;
		ev.object_id = e->data;
		ev.parent_id = ev.object_id + e->id_len + 1;
		ev.name = ev.parent_id + e->parent_len + 1;
		ev.type_name = ev.name + e->name_len + 1;
		ev.prev_owner = ev.type_name + e->type_len + 1;
		ev.prev_state = e->prev_state;
		ev.payload = e->data + e->payload_off -
			     sizeof(struct clusnotify_record);
		ev.payload_len = e->payload_len;
	} else {
		ev.cluster_id = p->lost_cluster;
		ev.epoch = p->lost_epoch;
		ev.range_first = p->lost_first;
		ev.range_last = p->lost_last;
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
	/*
	 * Once the namespace is gone nothing more is queued but what
	 * cn_kapi_net_exit() queued before it set @gone: deliver that too,
	 * then shut the port.
	 */
	if (!smp_load_acquire(&sub->gone))
		return;
	while (cn_port_pop(sub->port, &p)) {
		deliver(sub, &p);
		cond_resched();
	}
	cn_port_shutdown(sub->port);
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
 * The subscription keeps its own reference to the cluster; the caller's
 * reference is its own to drop. It does not keep the cluster's network
 * namespace alive: when the namespace goes, the subscription gets the
 * cluster's STATE event with CLUSNOTIFY_CLUSTER_DELETED (as when the
 * cluster is unregistered), its filters and registrations are dropped, and
 * once that event is delivered it is shut down: nothing more is delivered,
 * clusnotify_sub_register() fails with -ENOENT. It must still be ended with
 * clusnotify_unsubscribe(), which may come at any time, also concurrently.
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
	struct net *net = NULL;
	int ret;

	if (!ops || !ops->event || (n && !filters) ||
	    n > CLUSNOTIFY_FILTERS_MAX)
		return ERR_PTR(-EINVAL);
	sub = kzalloc(sizeof(*sub), GFP_KERNEL);
	if (!sub)
		return ERR_PTR(-ENOMEM);
	INIT_WORK(&sub->work, sub_work);
	INIT_LIST_HEAD(&sub->node);
	mutex_init(&sub->lock);
	sub->ops = ops;
	sub->ctx = ctx;
	sub->cluster_id = c->id;
	sub->key = key;

	/*
	 * The caller's reference keeps the cluster, not its namespace. Seen
	 * not deleted under post_lock, the cluster is still on its namespace's
	 * list, so that namespace's exit has yet to delete it and then to call
	 * cn_kapi_net_exit(), which waits for cn_ksubs_lock: until we release
	 * it, c->cnet and the namespace stay valid.
	 */
	mutex_lock(&cn_ksubs_lock);
	mutex_lock(&c->post_lock);
	if (c->state != CLUSNOTIFY_CLUSTER_DELETED)
		net = c->cnet->net;
	mutex_unlock(&c->post_lock);
	if (!net) {
		ret = -ENOENT;
		goto err_unlock;
	}
	sub->port = cn_port_create(net, true);
	if (IS_ERR(sub->port)) {
		ret = PTR_ERR(sub->port);
		goto err_unlock;
	}
	sub->port->ksub = sub;
	if (n) {
		ret = cn_filter_add(sub->port, c->id, key, filters, n, NULL);
		if (ret)
			goto err_port;
	}
	kref_get(&c->ref);
	sub->cluster = c;
	sub->net = net;
	list_add_tail(&sub->node, &cn_ksubs);
	mutex_unlock(&cn_ksubs_lock);
	return sub;

err_port:
	/* cn_filter_add() fails before a filter is linked: no poster saw it. */
	cn_port_shutdown(sub->port);
	cn_filter_detach_port(sub->port);
	cn_port_destroy(sub->port);
err_unlock:
	mutex_unlock(&cn_ksubs_lock);
	mutex_destroy(&sub->lock);
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
 * Return: 0, -EINVAL, -ENOENT (cluster deleted, or its namespace gone),
 * -ENOSPC, -ENOMEM.
 */
int clusnotify_sub_register(struct clusnotify_sub *sub, u32 object_type,
			    u64 flags, u64 key, const char *object_id,
			    u32 *reg_id)
{
	int ret = -ENOENT;

	/* The port's namespace is valid only while the sub is not gone. */
	mutex_lock(&sub->lock);
	if (!sub->gone)
		ret = cn_filter_register(sub->port, sub->cluster_id, object_type,
					 flags, key, object_id, reg_id);
	mutex_unlock(&sub->lock);
	return ret;
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
 * Return: 0; -ENOBUFS if the subscription's queue cannot take the whole
 * snapshot (nothing of it is queued: let the callback drain the queue and
 * ask again); -ENOMEM.
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
	/* After this, the namespace's exit no longer sees it. */
	mutex_lock(&cn_ksubs_lock);
	list_del(&sub->node);
	mutex_unlock(&cn_ksubs_lock);

	cn_port_shutdown(sub->port);
	cn_filter_detach_port(sub->port);
	/* Posters that found the port before it was detached are done... */
	cn_port_sync_wakers();
	/* ...so no one queues the work again after this. */
	cancel_work_sync(&sub->work);
	cn_port_destroy(sub->port);
	cn_cluster_put(sub->cluster);
	mutex_destroy(&sub->lock);
	kfree(sub);
}
CLUSNOTIFY_EXPORT(clusnotify_unsubscribe);

/* The STATE / DELETED event for a subscription that watched no cluster. */
static void tell_deleted(struct clusnotify_sub *sub)
{
	struct cn_cluster *cl = sub->cluster;
	u32 state = CLUSNOTIFY_CLUSTER_DELETED;
	struct clusnotify_post_event d = {
		.object_type = CLUSNOTIFY_OBJ_CLUSTER,
		.flag = CLUSNOTIFY_CLUSTER_STATE,
		.name = cl->name,
		.payload = &state,
		.payload_len = sizeof(state),
	};
	struct cn_event *ev;

	ev = cn_event_make(cl, &d, CLUSNOTIFY_RECORD_SYNTHETIC, 0, GFP_KERNEL);
	if (!ev) {
		cn_port_lost(sub->port, cl->id, sub->key, cl->epoch, 0);
		return;
	}
	cn_port_enqueue(sub->port, ev, sub->key, NULL);
	cn_event_put(ev);
}

static void sub_net_gone(struct clusnotify_sub *sub)
{
	struct cn_port *port = sub->port;
	struct cn_watch *w;
	struct cn_sub *s;
	bool told = false;

	mutex_lock(&sub->lock);
	/*
	 * Its clusters are deleted by now: a sub with a filter for CLUSTER
	 * STATE got the STATE / DELETED event from that (cluster_event() goes
	 * to the filters that ask), one without gets its own.
	 */
	mutex_lock(&port->cfg_lock);
	list_for_each_entry(w, &port->watches, port_node)
		list_for_each_entry(s, &w->subs, watch_node)
			if (s->type == CLUSNOTIFY_OBJ_CLUSTER && !s->object_id[0] &&
			    (s->mask & CLUSNOTIFY_CLUSTER_STATE))
				told = true;
	mutex_unlock(&port->cfg_lock);
	if (!told)
		tell_deleted(sub);
	cn_filter_detach_port(port);
	/* Pairs with sub_work(): what was queued is delivered, then shut. */
	smp_store_release(&sub->gone, true);
	mutex_unlock(&sub->lock);
	queue_work(cn_wq, &sub->work);
}

/**
 * cn_kapi_net_exit() - a namespace goes: end its kernel subscriptions
 * @net: the namespace, whose clusters are all deleted already
 *
 * Each subscription of @net gets its cluster's STATE / DELETED event if it
 * did not get one when the cluster was deleted, loses its filters, and is
 * shut down by its work once that is delivered; the subscriber still calls
 * clusnotify_unsubscribe(). Nothing here waits for a callback.
 */
void cn_kapi_net_exit(struct net *net)
{
	struct clusnotify_sub *sub;

	mutex_lock(&cn_ksubs_lock);
	list_for_each_entry(sub, &cn_ksubs, node)
		if (sub->net == net && !sub->gone)
			sub_net_gone(sub);
	mutex_unlock(&cn_ksubs_lock);
}
EXPORT_SYMBOL_IF_KUNIT(cn_kapi_net_exit);

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
 * monitors exactly as a daemon's batch would. It is validated whole
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
