// SPDX-License-Identifier: GPL-2.0
/*
 * Clusters and their object registries, per network namespace, and the post
 * path that turns a batch of events into queued records.
 *
 * A cluster outlives its owning socket: when the socket goes, the cluster
 * turns disconnected and keeps its id, objects and watchers, so that a
 * restarted daemon registering the same name reconnects them.
 */

#include <linux/random.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/srcu.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/sock.h>

#include <kunit/visibility.h>

#include "internal.h"

static unsigned int cn_net_id __read_mostly;

struct cn_net *cn_net(struct net *net)
{
	return net_generic(net, cn_net_id);
}

/*
 * The last reference often goes in an RCU callback (a watch freed after a
 * grace period), in softirq: a registry of max_cluster_objects objects, and
 * the owner socket's last reference, are freed from a workqueue instead.
 */
static struct workqueue_struct *cn_release_wq;

static void cluster_free_work(struct work_struct *work)
{
	struct cn_cluster *cl = container_of(work, struct cn_cluster,
					     release_work);
	struct cn_object *obj, *tmp;
	unsigned int n = 0;

	rbtree_postorder_for_each_entry_safe(obj, tmp, &cl->objs_by_id, id_node) {
		kfree(obj);
		if (!(++n % 256))
			cond_resched();
	}
	if (cl->owner_sk)
		sock_put(cl->owner_sk);
	cn_journal_destroy(&cl->journal);
	kvfree(cl);
}

static void cluster_release(struct kref *ref)
{
	struct cn_cluster *cl = container_of(ref, struct cn_cluster, ref);

	INIT_WORK(&cl->release_work, cluster_free_work);
	queue_work(cn_release_wq, &cl->release_work);
}

/**
 * cn_cluster_put() - drop a cluster reference
 * @cl: the cluster
 *
 * Context: any; may free the cluster.
 */
void cn_cluster_put(struct cn_cluster *cl)
{
	kref_put(&cl->ref, cluster_release);
}
EXPORT_SYMBOL_IF_KUNIT(cn_cluster_put);

/**
 * cn_cluster_get_by_id() - look a cluster up in a namespace
 * @net: the namespace
 * @id: the cluster id
 *
 * Return: a referenced cluster, or NULL.
 */
struct cn_cluster *cn_cluster_get_by_id(struct net *net, u32 id)
{
	struct cn_net *cnet = cn_net(net);
	struct cn_cluster *cl;

	mutex_lock(&cnet->lock);
	cl = idr_find(&cnet->ids, id);
	if (cl)
		kref_get(&cl->ref);
	mutex_unlock(&cnet->lock);
	return cl;
}
EXPORT_SYMBOL_IF_KUNIT(cn_cluster_get_by_id);

static struct cn_cluster *find_name(struct cn_net *cnet, const char *name)
{
	struct cn_cluster *cl;

	lockdep_assert_held(&cnet->lock);
	list_for_each_entry(cl, &cnet->clusters, node)
		if (!name[0] || !strcmp(cl->name, name))
			return cl;
	return NULL;
}

/**
 * cn_cluster_get_by_name() - look a cluster up by name
 * @net: the namespace
 * @name: the name; empty for the first registered (the local cluster)
 *
 * Return: a referenced cluster, or NULL.
 */
struct cn_cluster *cn_cluster_get_by_name(struct net *net, const char *name)
{
	struct cn_net *cnet = cn_net(net);
	struct cn_cluster *cl;

	mutex_lock(&cnet->lock);
	cl = find_name(cnet, name);
	if (cl)
		kref_get(&cl->ref);
	mutex_unlock(&cnet->lock);
	return cl;
}
EXPORT_SYMBOL_IF_KUNIT(cn_cluster_get_by_name);

static void cluster_count(struct cn_cluster *cl, const struct cn_counts *c)
{
	atomic64_add(c->matched, &cl->matched);
	atomic64_add(c->delivered, &cl->delivered);
	atomic64_add(c->lost, &cl->lost);
}

/*
 * Events the module makes for a whole cluster (RECONNECT, STATE) go where
 * Windows' client library sends them: to each filter or cluster registration
 * that asked for that flag, with its own key. A port that did not ask gets
 * nothing; V1 ports ask through CLUSTER_CHANGE_CLUSTER_STATE/_RECONNECT.
 */
static void cluster_event(struct cn_cluster *cl, u64 flag, u32 state)
{
	struct clusnotify_post_event d = {
		.object_type = CLUSNOTIFY_OBJ_CLUSTER,
		.flag = flag,
		.name = cl->name,
		.payload = &state,
		.payload_len = flag == CLUSNOTIFY_CLUSTER_STATE ? sizeof(state) : 0,
	};
	struct cn_wake_list wl = { };
	struct cn_counts c = { };
	struct cn_bitnode *bn;
	struct cn_event *ev;

	lockdep_assert_held(&cl->post_lock);
	/* The number is taken whether or not the record could be built. */
	ev = cn_event_make(cl, &d, CLUSNOTIFY_RECORD_SYNTHETIC, ++cl->seq,
			   GFP_KERNEL);
	cn_journal_append(&cl->journal, ev);
	rcu_read_lock();
	if (ev) {
		cn_filter_match(cl, ev, &wl, &c);
	} else {
		hlist_for_each_entry_rcu(bn,
				&cl->by_bit[CLUSNOTIFY_OBJ_CLUSTER][__ffs64(flag)],
				node)
			cn_counts_add(&c, cn_port_lost(bn->port,
						       cl->id, bn->key,
						       cl->epoch, cl->seq));
	}
	cn_wake_list_flush(&wl);
	rcu_read_unlock();
	cluster_count(cl, &c);
	if (ev)
		cn_event_put(ev);
}

/* The owner's socket is referenced so that its release can be told apart. */
static void set_owner(struct cn_cluster *cl, u32 portid, struct sock *sk)
{
	if (cl->owner_sk)
		sock_put(cl->owner_sk);
	if (sk)
		sock_hold(sk);
	cl->owner_sk = sk;
	cl->owner_portid = portid;
}

/*
 * netlink_release() orphans the socket (SOCK_DEAD) before it sends
 * NETLINK_URELEASE, and unhashes its portid before either: an owner whose
 * socket is dead is gone, even while its portid already names another one.
 */
static bool owner_dead(const struct cn_cluster *cl)
{
	return cl->owner_sk && sock_flag(cl->owner_sk, SOCK_DEAD);
}

static bool owned_by(const struct cn_cluster *cl, u32 portid, struct sock *sk)
{
	return cl->owner_portid == portid && cl->owner_sk == sk;
}

static void set_state(struct cn_cluster *cl, u32 state, u32 portid,
		      struct sock *sk)
{
	mutex_lock(&cl->post_lock);
	WRITE_ONCE(cl->state, state);
	set_owner(cl, portid, sk);
	if (state == CLUSNOTIFY_CLUSTER_CONNECTED)
		cluster_event(cl, CLUSNOTIFY_CLUSTER_RECONNECT, state);
	else
		cluster_event(cl, CLUSNOTIFY_CLUSTER_STATE, state);
	mutex_unlock(&cl->post_lock);
}

static struct cn_cluster *cluster_alloc(const char *name, u32 portid,
					 struct sock *sk)
{
	struct cn_cluster *cl;

	cl = kvzalloc(sizeof(*cl), GFP_KERNEL_ACCOUNT);
	if (!cl)
		return NULL;
	if (cn_journal_init(&cl->journal)) {
		kvfree(cl);
		return NULL;
	}
	kref_init(&cl->ref);
	/* 0 stands for "no epoch" (a resume from nothing, a shared LOST). */
	do {
		cl->epoch = get_random_u64();
	} while (!cl->epoch);
	strscpy(cl->name, name, sizeof(cl->name));
	cl->state = CLUSNOTIFY_CLUSTER_CONNECTED;
	set_owner(cl, portid, sk);
	mutex_init(&cl->post_lock);
	mutex_init(&cl->index_lock);
	cl->objs_by_id = RB_ROOT;
	cl->objs_by_name = RB_ROOT;
	INIT_LIST_HEAD(&cl->watches);
	return cl;
}

/**
 * cn_cluster_register() - register a cluster, or reconnect one by name
 * @net: the namespace
 * @name: valid, non-empty name
 * @portid: the owning netlink socket's port id
 * @sk: the owning socket, or NULL for an owner known by @portid alone
 * @id: out: the cluster id
 *
 * A cluster whose owning socket is already released but whose release
 * notifier has not run yet counts as disconnected: the caller takes it over.
 *
 * Return: 0; -EBUSY if the name is connected under another socket, -EEXIST
 * if under this one, -ENOSPC past max_net_clusters, -ENOMEM.
 */
int cn_cluster_register(struct net *net, const char *name, u32 portid,
			struct sock *sk, u32 *id)
{
	struct cn_net *cnet = cn_net(net);
	struct cn_cluster *cl;
	int ret;

	mutex_lock(&cnet->lock);
	cl = find_name(cnet, name);
	if (cl) {
		if (cl->state == CLUSNOTIFY_CLUSTER_CONNECTED && !owner_dead(cl)) {
			ret = owned_by(cl, portid, sk) ? -EEXIST : -EBUSY;
			goto out;
		}
		if (cl->state == CLUSNOTIFY_CLUSTER_CONNECTED)
			set_state(cl, CLUSNOTIFY_CLUSTER_DISCONNECTED, 0, NULL);
		cl->reconnects++;
		set_state(cl, CLUSNOTIFY_CLUSTER_CONNECTED, portid, sk);
		*id = cl->id;
		ret = 0;
		goto out;
	}
	if (cnet->nclusters >= READ_ONCE(cn_max_net_clusters)) {
		ret = -ENOSPC;
		goto out;
	}
	cl = cluster_alloc(name, portid, sk);
	if (!cl) {
		ret = -ENOMEM;
		goto out;
	}
	ret = idr_alloc_cyclic(&cnet->ids, cl, 1, INT_MAX, GFP_KERNEL_ACCOUNT);
	if (ret < 0) {
		cn_cluster_put(cl);
		goto out;
	}
	cl->id = ret;
	cl->cnet = cnet;
	list_add_tail(&cl->node, &cnet->clusters);
	cnet->nclusters++;
	*id = cl->id;
	ret = 0;
out:
	mutex_unlock(&cnet->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(cn_cluster_register);

static void cluster_delete(struct cn_net *cnet, struct cn_cluster *cl)
{
	lockdep_assert_held(&cnet->lock);
	idr_remove(&cnet->ids, cl->id);
	list_del(&cl->node);
	cnet->nclusters--;
	set_state(cl, CLUSNOTIFY_CLUSTER_DELETED, 0, NULL);
	cn_cluster_put(cl);
}

/**
 * cn_cluster_unregister() - delete a cluster
 * @net: the namespace
 * @id: the cluster
 * @portid: the asking socket's port id
 * @sk: the asking socket, or NULL as for cn_cluster_register()
 *
 * Its watchers get CLUSTER STATE with CLUSNOTIFY_CLUSTER_DELETED; their
 * filters stay but match nothing more.
 *
 * Return: 0; -ENOENT; -EPERM if it is connected under another socket.
 */
int cn_cluster_unregister(struct net *net, u32 id, u32 portid, struct sock *sk)
{
	struct cn_net *cnet = cn_net(net);
	struct cn_cluster *cl;
	int ret = 0;

	mutex_lock(&cnet->lock);
	cl = idr_find(&cnet->ids, id);
	if (!cl)
		ret = -ENOENT;
	else if (cl->state == CLUSNOTIFY_CLUSTER_CONNECTED &&
		 !owned_by(cl, portid, sk) && !owner_dead(cl))
		ret = -EPERM;
	else
		cluster_delete(cnet, cl);
	mutex_unlock(&cnet->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(cn_cluster_unregister);

/**
 * cn_cluster_release_portid() - a netlink socket went away
 * @net: its namespace
 * @portid: its port id
 *
 * Every cluster it owned turns disconnected. A cluster that a new socket
 * holding the same portid owns by now is left alone: its owner socket is
 * not dead (see owner_dead()).
 */
void cn_cluster_release_portid(struct net *net, u32 portid)
{
	struct cn_net *cnet = cn_net(net);
	struct cn_cluster *cl;

	mutex_lock(&cnet->lock);
	list_for_each_entry(cl, &cnet->clusters, node)
		if (cl->state == CLUSNOTIFY_CLUSTER_CONNECTED &&
		    cl->owner_portid == portid &&
		    (!cl->owner_sk || owner_dead(cl)))
			set_state(cl, CLUSNOTIFY_CLUSTER_DISCONNECTED, 0, NULL);
	mutex_unlock(&cnet->lock);
}
EXPORT_SYMBOL_IF_KUNIT(cn_cluster_release_portid);

static int key_cmp(u32 type, const char *key, u32 otype, const char *okey)
{
	if (type != otype)
		return type < otype ? -1 : 1;
	return strcmp(key, okey);
}

static struct cn_object *find_object(struct cn_cluster *cl, u32 type,
				     const char *key, bool by_id)
{
	struct rb_node *n;

	lockdep_assert_held(&cl->post_lock);
	n = by_id ? cl->objs_by_id.rb_node : cl->objs_by_name.rb_node;
	while (n) {
		struct cn_object *obj;
		int c;

		if (by_id) {
			obj = rb_entry(n, struct cn_object, id_node);
			c = key_cmp(type, key, obj->type, obj->id);
		} else {
			obj = rb_entry(n, struct cn_object, name_node);
			c = key_cmp(type, key, obj->type, obj->name);
		}
		if (!c)
			return obj;
		n = c < 0 ? n->rb_left : n->rb_right;
	}
	return NULL;
}

/* Names need not be unique: an equal one goes to the right. */
static void insert_object(struct cn_cluster *cl, struct cn_object *obj,
			  bool by_id)
{
	struct rb_root *root = by_id ? &cl->objs_by_id : &cl->objs_by_name;
	struct rb_node **p = &root->rb_node, *parent = NULL;
	struct rb_node *node = by_id ? &obj->id_node : &obj->name_node;

	while (*p) {
		struct cn_object *o;
		int c;

		parent = *p;
		if (by_id) {
			o = rb_entry(parent, struct cn_object, id_node);
			c = key_cmp(obj->type, obj->id, o->type, o->id);
		} else {
			o = rb_entry(parent, struct cn_object, name_node);
			c = key_cmp(obj->type, obj->name, o->type, o->name);
		}
		p = c < 0 ? &parent->rb_left : &parent->rb_right;
	}
	rb_link_node(node, parent, p);
	rb_insert_color(node, root);
}

/**
 * cn_cluster_object_find() - the registry's entry for an object
 * @cl: the cluster
 * @type: CLUSNOTIFY_OBJ_*
 * @id: the object id
 *
 * Context: cl->post_lock held; the entry is valid while it is.
 * Return: the object or NULL.
 */
struct cn_object *cn_cluster_object_find(struct cn_cluster *cl, u32 type,
					 const char *id)
{
	return find_object(cl, type, id, true);
}

/**
 * cn_cluster_object_next() - the next object in (type, id) order
 * @cl: the cluster
 * @type: CLUSNOTIFY_OBJ_* of the cursor
 * @after: id of the cursor; "" for before every id of @type
 *
 * A cursor of (type, id) stays meaningful while objects are added and
 * removed, so a walk that drops the lock between calls sees every object
 * that exists throughout, once, in order.
 *
 * Context: cl->post_lock held; the entry is valid while it is.
 * Return: the first object after (@type, @after), of any type, or NULL.
 */
struct cn_object *cn_cluster_object_next(struct cn_cluster *cl, u32 type,
					 const char *after)
{
	struct rb_node *n = cl->objs_by_id.rb_node;
	struct cn_object *best = NULL;

	lockdep_assert_held(&cl->post_lock);
	while (n) {
		struct cn_object *obj = rb_entry(n, struct cn_object, id_node);

		if (key_cmp(type, after, obj->type, obj->id) < 0) {
			best = obj;
			n = n->rb_left;
		} else {
			n = n->rb_right;
		}
	}
	return best;
}
EXPORT_SYMBOL_IF_KUNIT(cn_cluster_object_next);

/**
 * cn_cluster_object_lookup() - copy an object out of the registry
 * @cl: the cluster
 * @type: CLUSNOTIFY_OBJ_*
 * @key: the id or the name
 * @by_id: whether @key is the id
 * @out: the copy
 *
 * Return: 0 or -ENOENT.
 */
int cn_cluster_object_lookup(struct cn_cluster *cl, u32 type, const char *key,
			     bool by_id, struct cn_object *out)
{
	struct cn_object *obj;
	int ret = -ENOENT;

	mutex_lock(&cl->post_lock);
	obj = find_object(cl, type, key, by_id);
	if (obj) {
		*out = *obj;
		ret = 0;
	}
	mutex_unlock(&cl->post_lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(cn_cluster_object_lookup);

/**
 * cn_cluster_objects_set() - add or replace objects in the registry
 * @cl: the cluster
 * @src: the objects; strings valid and bounded, ids non-empty
 * @n: how many
 *
 * All or nothing: the entries new objects need are allocated, and the bound
 * checked, before any object changes.
 *
 * Return: 0, -ENOSPC past max_cluster_objects, -ENOMEM.
 */
int cn_cluster_objects_set(struct cn_cluster *cl, const struct cn_object *src,
			   unsigned int n)
{
	struct cn_object **spare, *obj;
	unsigned int i, fresh = 0, used = 0;
	int ret = 0;

	spare = kvcalloc(n, sizeof(*spare), GFP_KERNEL_ACCOUNT);
	if (!spare)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		spare[i] = kmalloc(sizeof(*obj), GFP_KERNEL_ACCOUNT);
		if (!spare[i]) {
			ret = -ENOMEM;
			goto out_free;
		}
	}

	mutex_lock(&cl->post_lock);
	for (i = 0; i < n; i++)
		fresh += !find_object(cl, src[i].type, src[i].id, true);
	if (cl->nobjects + fresh > READ_ONCE(cn_max_cluster_objects)) {
		ret = -ENOSPC;
		goto out_unlock;
	}
	for (i = 0; i < n; i++) {
		obj = find_object(cl, src[i].type, src[i].id, true);
		if (obj) {
			rb_erase(&obj->name_node, &cl->objs_by_name);
			/* What the next STATE or OWNER event says it was. */
			if (obj->state != src[i].state)
				obj->prev_state = obj->state;
			if (strcmp(obj->parent, src[i].parent))
				memcpy(obj->prev_parent, obj->parent,
				       sizeof(obj->prev_parent));
		} else {
			obj = spare[used++];
			obj->type = src[i].type;
			memcpy(obj->id, src[i].id, sizeof(obj->id));
			obj->prev_state = CLUSNOTIFY_STATE_UNKNOWN;
			obj->prev_parent[0] = '\0';
			insert_object(cl, obj, true);
			cn_enum_add(cl, obj);
			cl->nobjects++;
		}
		obj->state = src[i].state;
		memcpy(obj->name, src[i].name, sizeof(obj->name));
		memcpy(obj->parent, src[i].parent, sizeof(obj->parent));
		memcpy(obj->type_name, src[i].type_name, sizeof(obj->type_name));
		insert_object(cl, obj, false);
	}
out_unlock:
	mutex_unlock(&cl->post_lock);
out_free:
	for (i = used; i < n; i++)
		kfree(spare[i]);
	kvfree(spare);
	return ret;
}

/**
 * cn_cluster_object_set() - add or replace one object in the registry
 * @cl: the cluster
 * @src: the object
 *
 * Return: as cn_cluster_objects_set().
 */
int cn_cluster_object_set(struct cn_cluster *cl, const struct cn_object *src)
{
	return cn_cluster_objects_set(cl, src, 1);
}
EXPORT_SYMBOL_IF_KUNIT(cn_cluster_object_set);

/**
 * cn_cluster_objects_del() - remove objects from the registry
 * @cl: the cluster
 * @src: the objects, by type and id
 * @n: how many
 *
 * All or nothing: if one of them is not kept, none is removed.
 *
 * Return: 0, or -ENOENT with the index of the missing one in @bad.
 */
int cn_cluster_objects_del(struct cn_cluster *cl, const struct cn_object *src,
			   unsigned int n, unsigned int *bad)
{
	struct cn_object *obj;
	unsigned int i;
	int ret = 0;

	mutex_lock(&cl->post_lock);
	for (i = 0; i < n; i++) {
		if (!find_object(cl, src[i].type, src[i].id, true)) {
			*bad = i;
			ret = -ENOENT;
			goto out;
		}
	}
	for (i = 0; i < n; i++) {
		/* The same object twice in one batch goes once. */
		obj = find_object(cl, src[i].type, src[i].id, true);
		if (!obj)
			continue;
		rb_erase(&obj->id_node, &cl->objs_by_id);
		rb_erase(&obj->name_node, &cl->objs_by_name);
		cn_enum_del(cl, obj);
		cl->nobjects--;
		kfree(obj);
	}
out:
	mutex_unlock(&cl->post_lock);
	return ret;
}

/**
 * cn_cluster_object_del() - remove one object from the registry
 * @cl: the cluster
 * @type: CLUSNOTIFY_OBJ_*
 * @id: the object id
 *
 * Return: 0 or -ENOENT.
 */
int cn_cluster_object_del(struct cn_cluster *cl, u32 type, const char *id)
{
	struct cn_object *obj;
	unsigned int bad;
	int ret;

	obj = kzalloc(sizeof(*obj), GFP_KERNEL);
	if (!obj)
		return -ENOMEM;
	obj->type = type;
	strscpy(obj->id, id, sizeof(obj->id));
	ret = cn_cluster_objects_del(cl, obj, 1, &bad);
	kfree(obj);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(cn_cluster_object_del);

/* The registry's object a STATE event with a 4-byte payload sets. */
static struct cn_object *state_object(struct cn_cluster *cl,
				      const struct clusnotify_post_event *d,
				      s32 *state)
{
	if (!d->object_id || d->flag != cn_type_info(d->object_type)->state ||
	    d->payload_len != sizeof(s32))
		return NULL;
	memcpy(state, d->payload, sizeof(s32));
	return find_object(cl, d->object_type, d->object_id, true);
}

/*
 * A STATE event with a 4-byte payload is the object's new state; the event
 * carries the one before. A producer may have set the new state already
 * (OBJECT_SET before the event, as the daemon does): the one before is then
 * the one before that change.
 */
static void update_state(struct cn_cluster *cl, struct cn_event *ev,
			 const struct clusnotify_post_event *d)
{
	struct cn_object *obj;
	s32 state;

	obj = state_object(cl, d, &state);
	if (!obj)
		return;
	if (obj->state != state) {
		obj->prev_state = obj->state;
		obj->state = state;
	}
	ev->prev_state = obj->prev_state;
}

/*
 * The owner before the change an ownership event tells: a group's node, a
 * resource's group, from the registry's record of the owned object's
 * previous parent. The owned object is the event's own (OWNER_NODE,
 * OWNER_GROUP) or the one its payload names (GROUP_GAINED/LOST of a node,
 * RESOURCE_GAINED/LOST of a group).
 */
static const char *prev_owner(struct cn_cluster *cl,
			      const struct clusnotify_post_event *d)
{
	char id[CLUSNOTIFY_ID_MAX];
	struct cn_object *obj = NULL;
	u32 owned;
	size_t len;

	if (!d->object_id)
		return NULL;
	if ((d->object_type == CLUSNOTIFY_OBJ_GROUP &&
	     d->flag == CLUSNOTIFY_GROUP_OWNER_NODE) ||
	    (d->object_type == CLUSNOTIFY_OBJ_RESOURCE &&
	     d->flag == CLUSNOTIFY_RESOURCE_OWNER_GROUP)) {
		obj = find_object(cl, d->object_type, d->object_id, true);
	} else {
		if (d->object_type == CLUSNOTIFY_OBJ_NODE &&
		    (d->flag & (CLUSNOTIFY_NODE_GROUP_GAINED |
				CLUSNOTIFY_NODE_GROUP_LOST)))
			owned = CLUSNOTIFY_OBJ_GROUP;
		else if (d->object_type == CLUSNOTIFY_OBJ_GROUP &&
			 (d->flag & (CLUSNOTIFY_GROUP_RESOURCE_GAINED |
				     CLUSNOTIFY_GROUP_RESOURCE_LOST)))
			owned = CLUSNOTIFY_OBJ_RESOURCE;
		else
			return NULL;
		/* The payload names it: an id, NUL-terminated or not. */
		len = d->payload ? strnlen(d->payload, d->payload_len) : 0;
		if (!len || len >= sizeof(id))
			return NULL;
		memcpy(id, d->payload, len);
		id[len] = '\0';
		obj = find_object(cl, owned, id, true);
	}
	return obj && obj->prev_parent[0] ? obj->prev_parent : NULL;
}

/*
 * Strings a producer left out come from the registry's entry; the record
 * they make must still be within CLUSNOTIFY_RECORD_MAX (-EINVAL).
 */
static struct cn_event *build_posted(struct cn_cluster *cl,
				     const struct clusnotify_post_event *src)
{
	struct clusnotify_post_event d = *src;
	struct cn_object *obj = NULL;
	const char *owner;
	struct cn_event *ev;

	if (d.object_id && d.object_id[0])
		obj = find_object(cl, d.object_type, d.object_id, true);
	if (obj) {
		if (!d.parent_id)
			d.parent_id = obj->parent;
		if (!d.name)
			d.name = obj->name;
		if (!d.type_name)
			d.type_name = obj->type_name;
	}
	owner = prev_owner(cl, src);
	ev = cn_event_build_prev(&d, owner, 0, GFP_KERNEL_ACCOUNT);
	if (IS_ERR(ev))
		return ev;
	ev->cluster_id = cl->id;
	ev->epoch = cl->epoch;
	return ev;
}

/*
 * Enqueue attempts one RCU read section may make before the poster leaves
 * it and reschedules: however many ports a user has subscribe, no section
 * grows past this plus one event's fan-out, or plus the part of a run that
 * does not yield (cn_filter_match_run()).
 */
#define CN_POST_SECTION_WORK 1024
/*
 * Attempts a run is sized for: its events times its list's length. Each run
 * touches a port once: the larger, the cheaper a broadcast to many ports
 * (16 events a run up to 16,384), the longer the poster goes without
 * looking for a fatal signal (twice this, for a list where ports with two
 * entries pass CN_RUN_OTHERS). Rescheduling and waking the ports queued to
 * (cn_wake_list_flush_due()) do not wait for the run's end: its walks yield
 * as they go.
 */
#define CN_POST_RUN_WORK (1 << 18)
/* And at most this many, the batch a poster's port touch is paid over. */
#define CN_POST_RUN_MAX 16

/*
 * How many of @evs to match as one run: events that go through one
 * cluster-wide list (cn_filter_run_ok()), as many as CN_POST_RUN_WORK
 * allows at the list's length as the run starts (cn_cluster.bit_len): a
 * run's attempts are about its events times that length. Sized by the walk
 * before instead, runs lost their size at each section's end, which 1,024
 * ports reach in one event: past that, every event went alone.
 */
static unsigned int run_length(struct cn_cluster *cl, struct cn_event **evs,
			       unsigned int n)
{
	unsigned int k = 1, max;
	u32 len;

	if (n < 2 || !cn_filter_run_ok(evs[0], evs[1]))
		return 1;
	len = READ_ONCE(cl->bit_len[evs[0]->object_type][__ffs64(evs[0]->flag)]);
	max = min3(n, (unsigned int)CN_POST_RUN_MAX,
		   max(1U, (unsigned int)(CN_POST_RUN_WORK / max(1U, len))));
	while (k < max && cn_filter_run_ok(evs[k - 1], evs[k]))
		k++;
	return k;
}

/**
 * cn_cluster_post() - post a batch of events
 * @cl: the cluster
 * @descs: the events, validated by the caller
 * @n: how many
 * @last_seq: out: the sequence number of the last one posted
 *
 * The batch is built before anything is queued, so a failure to build posts
 * nothing. Events are matched in order under post_lock, in runs: events of
 * one type and flag, at most CN_POST_RUN_MAX, and no more than
 * CN_POST_RUN_WORK attempts at their list's length, queued port by port
 * (cn_filter_match_run(), which leaves RCU every CN_WALK_YIELD attempts).
 * RCU read sections end between two runs once they have done
 * CN_POST_SECTION_WORK attempts or the CPU is wanted. Each port is woken
 * once per batch, at its end, unless the batch is long: then the ports
 * queued to so far are woken at a section's end or a run's yield once
 * CN_WAKE_FIRST attempts have passed, and every CN_WAKE_WORK after
 * (cn_wake_list_flush_due()). Those wake-ups run out of RCU, yielding every
 * CN_WAKE_RESCHED ports.
 *
 * A poster with a fatal signal pending at the end of a section stops there:
 * the events before it are posted, with consecutive sequence numbers, and
 * those after it are not (neither queued nor applied to the registry), as
 * if the batch had been that prefix. The dying caller gets -EINTR.
 *
 * Return: 0, -ENOMEM, -ENOENT if the cluster was deleted, -EINTR, -EINVAL
 * for an event whose record, with the strings the registry fills in, would
 * pass CLUSNOTIFY_RECORD_MAX.
 */
int cn_cluster_post(struct cn_cluster *cl, const struct clusnotify_post_event *descs,
		    unsigned int n, u64 *last_seq)
{
	struct cn_event *few[CN_POST_ON_STACK] = { };
	u32 few_spare[CN_POST_ON_STACK];
	struct cn_wake_list wl = { };
	struct cn_event **evs = few;
	struct cn_counts c = { };
	u32 *spare = few_spare;
	unsigned int i, done;
	u64 mark = 0, now;
	int srcu_idx, ret = 0;

	if (n > CN_POST_ON_STACK) {
		/* The events, then each one's spare queue references. */
		evs = kvcalloc(n, sizeof(*evs) + sizeof(*spare), GFP_KERNEL);
		if (!evs)
			return -ENOMEM;
		spare = (u32 *)(evs + n);
	}

	mutex_lock(&cl->post_lock);
	if (cl->state == CLUSNOTIFY_CLUSTER_DELETED) {
		ret = -ENOENT;
		goto out;
	}
	for (i = 0; i < n; i++) {
		evs[i] = build_posted(cl, &descs[i]);
		if (IS_ERR(evs[i])) {
			ret = PTR_ERR(evs[i]);
			evs[i] = NULL;
			goto out;
		}
	}
	for (i = 0; i < n; i++)
		cn_event_spare_begin(evs[i], &spare[i]);

	srcu_idx = srcu_read_lock(&cn_wake_srcu);
	rcu_read_lock();
	/*
	 * The events a section posts share one reading of the clock: they are
	 * posted together, and a clock read was a fiftieth of a large post.
	 */
	now = ktime_get_real_ns();
	for (done = 0; done < n;) {
		unsigned int k = run_length(cl, evs + done, n - done);

		for (i = done; i < done + k; i++) {
			/* Only an event that is posted changes the registry. */
			update_state(cl, evs[i], &descs[i]);
			evs[i]->seq = ++cl->seq;
			evs[i]->timestamp_ns = now;
			cn_journal_append(&cl->journal, evs[i]);
		}
		if (k > 1)
			cn_filter_match_run(cl, evs + done, k, &wl, &c);
		else
			cn_filter_match(cl, evs[done], &wl, &c);
		done += k;
		if (done == n ||
		    (c.walked - mark < CN_POST_SECTION_WORK && !need_resched()))
			continue;
		rcu_read_unlock();
		/*
		 * The ports stay on the list across sections (cn_wake_srcu):
		 * woken when the batch ends, or once enough attempts have
		 * waited, out of RCU and yielding as it goes. A port another
		 * poster queues to meanwhile is woken by that poster, so only
		 * this batch's events wait.
		 */
		cn_wake_list_flush_due(&wl, c.walked);
		cond_resched();
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		mark = c.walked;
		rcu_read_lock();
		now = ktime_get_real_ns();
	}
	if (!ret)
		rcu_read_unlock();
	cn_wake_list_flush_srcu(&wl);
	srcu_read_unlock(&cn_wake_srcu, srcu_idx);
	for (i = 0; i < n; i++)
		cn_event_spare_end(evs[i]);
	atomic64_add(done, &cl->posted);
	cluster_count(cl, &c);

	cn_netlink_mirror(cl, evs, done);
	*last_seq = cl->seq;
out:
	mutex_unlock(&cl->post_lock);
	for (i = 0; i < n && evs[i]; i++)
		cn_event_put(evs[i]);
	if (evs != few)
		kvfree(evs);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(cn_cluster_post);

static int __net_init cn_net_init(struct net *net)
{
	struct cn_net *cnet = cn_net(net);

	mutex_init(&cnet->lock);
	INIT_LIST_HEAD(&cnet->clusters);
	idr_init(&cnet->ids);
	cnet->net = net;
	cn_monitor_net_init(cnet);
	return 0;
}

static void __net_exit cn_net_exit(struct net *net)
{
	struct cn_net *cnet = cn_net(net);
	struct cn_cluster *cl, *tmp;

	mutex_lock(&cnet->lock);
	list_for_each_entry_safe(cl, tmp, &cnet->clusters, node)
		cluster_delete(cnet, cl);
	mutex_unlock(&cnet->lock);
	/* Kernel subscribers do not pin the namespace: end theirs now. */
	cn_kapi_net_exit(net);
	cn_monitor_net_exit(cnet);
	idr_destroy(&cnet->ids);
}

static struct pernet_operations cn_net_ops = {
	.init = cn_net_init,
	.exit = cn_net_exit,
	.id = &cn_net_id,
	.size = sizeof(struct cn_net),
};

int cn_cluster_init(void)
{
	int ret;

	cn_release_wq = alloc_workqueue("clusnotify_release", WQ_UNBOUND, 0);
	if (!cn_release_wq)
		return -ENOMEM;
	ret = cn_filter_init();
	if (ret)
		goto err_wq;
	ret = register_pernet_subsys(&cn_net_ops);
	if (ret)
		goto err_filter;
	return 0;

err_filter:
	cn_filter_exit();
err_wq:
	destroy_workqueue(cn_release_wq);
	return ret;
}

void cn_cluster_exit(void)
{
	unregister_pernet_subsys(&cn_net_ops);
	cn_filter_exit();
}

/**
 * cn_cluster_exit_late() - free the clusters whose last reference is gone
 *
 * Context: after rcu_barrier(), so that no RCU callback drops a cluster
 * reference any more.
 */
void cn_cluster_exit_late(void)
{
	destroy_workqueue(cn_release_wq);
}
