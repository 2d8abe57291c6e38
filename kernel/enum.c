// SPDX-License-Identifier: GPL-2.0
/*
 * The inventory through the device: CLUSNOTIFY_IOC_LIST_CLUSTERS and
 * CLUSNOTIFY_IOC_LIST_OBJECTS, for those who may open it but may not read
 * it over netlink.
 *
 * A cursor has to survive changes between calls without returning an object
 * twice or skipping one that stayed. Hash order does not (a removal or a
 * resize moves entries), so a cluster also keeps its objects, per type, in
 * an rbtree ordered by the sequence number the object got when the cluster
 * first kept it. That number never changes and is never given again, so
 * "after (type T, seq S)" is a stable position whatever comes and goes.
 * Clusters are ordered by id, which does not change either.
 *
 * Work per call is bounded by CLUSNOTIFY_LIST_MAX entries, read in chunks of
 * CN_ENUM_CHUNK under the lock and copied out without it: no user memory is
 * touched under a registry lock, and the lock is released between chunks.
 */

#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "internal.h"

#define CN_ENUM_CHUNK		16

/*
 * An object cursor is (type << 56 | seq). 2^56 objects kept one after the
 * other is beyond reach (over 200 years at ten million a second).
 */
#define CN_ENUM_SEQ_BITS	56
#define CN_ENUM_SEQ_MASK	((1ULL << CN_ENUM_SEQ_BITS) - 1)

static bool seq_less(struct rb_node *a, const struct rb_node *b)
{
	return rb_entry(a, struct cn_object, seq_node)->seq <
	       rb_entry(b, struct cn_object, seq_node)->seq;
}

/**
 * cn_enum_add() - give a new object its place in the enumeration order
 * @cl: its cluster
 * @obj: the object, just added to the registry; @obj->type is valid
 *
 * Context: cl->post_lock held.
 */
void cn_enum_add(struct cn_cluster *cl, struct cn_object *obj)
{
	lockdep_assert_held(&cl->post_lock);
	obj->seq = ++cl->obj_seq;
	rb_add(&obj->seq_node, &cl->objs_by_seq[obj->type], seq_less);
}

/**
 * cn_enum_del() - take an object out of the enumeration order
 * @cl: its cluster
 * @obj: the object, being removed from the registry
 *
 * Context: cl->post_lock held.
 */
void cn_enum_del(struct cn_cluster *cl, struct cn_object *obj)
{
	lockdep_assert_held(&cl->post_lock);
	rb_erase(&obj->seq_node, &cl->objs_by_seq[obj->type]);
}

/* The first object of @root whose seq is above @seq. */
static struct cn_object *first_after(struct rb_root *root, u64 seq)
{
	struct rb_node *n = root->rb_node;
	struct cn_object *found = NULL;

	while (n) {
		struct cn_object *obj = rb_entry(n, struct cn_object, seq_node);

		if (obj->seq > seq) {
			found = obj;
			n = n->rb_left;
		} else {
			n = n->rb_right;
		}
	}
	return found;
}

/* The first object after position (@type, @seq) of a type up to @last. */
static struct cn_object *seek(struct cn_cluster *cl, u32 type, u64 seq,
			      u32 last)
{
	struct cn_object *obj;

	lockdep_assert_held(&cl->post_lock);
	for (; type <= last; type++, seq = 0) {
		obj = first_after(&cl->objs_by_seq[type], seq);
		if (obj)
			return obj;
	}
	return NULL;
}

static void object_entry(struct clusnotify_object_entry *e,
			 const struct cn_object *obj)
{
	memset(e, 0, sizeof(*e));
	e->object_type = obj->type;
	e->state = obj->state;
	strscpy(e->id, obj->id, sizeof(e->id));
	strscpy(e->name, obj->name, sizeof(e->name));
	strscpy(e->parent_id, obj->parent, sizeof(e->parent_id));
	strscpy(e->type_name, obj->type_name, sizeof(e->type_name));
}

static void cluster_entry(struct clusnotify_cluster_entry *e,
			  struct cn_cluster *cl)
{
	memset(e, 0, sizeof(*e));
	e->cluster_id = cl->id;
	e->state = READ_ONCE(cl->state);
	e->objects = READ_ONCE(cl->nobjects);
	e->ports = READ_ONCE(cl->nports);
	e->reconnects = READ_ONCE(cl->reconnects);
	e->seq = READ_ONCE(cl->seq);
	e->posted = atomic64_read(&cl->posted);
	e->matched = atomic64_read(&cl->matched);
	e->delivered = atomic64_read(&cl->delivered);
	e->lost = atomic64_read(&cl->lost);
	strscpy(e->name, cl->name, sizeof(e->name));
	e->epoch = cl->epoch;
	mutex_lock(&cl->post_lock);
	e->journal_events = cl->journal.n;
	e->journal_bytes = cl->journal.bytes;
	e->journal_first = cn_journal_first(&cl->journal);
	mutex_unlock(&cl->post_lock);
}

/*
 * The caller's entries are @esize bytes apart: write what both know of each,
 * zero what only the caller knows.
 */
static int put_entries(void __user *dst, u32 esize, const void *src,
		       size_t ksize, unsigned int n)
{
	size_t len = min_t(size_t, esize, ksize);
	unsigned int i;

	for (i = 0; i < n; i++, dst += esize, src += ksize) {
		if (copy_to_user(dst, src, len))
			return -EFAULT;
		if (esize > len && clear_user(dst + len, esize - len))
			return -EFAULT;
	}
	return 0;
}

/* What both LIST ioctls check of @count, @entry_size and @entries. */
static int check_entries(u32 count, u32 esize, u64 entries, u32 ver0,
			 unsigned int *max)
{
	if (!count || esize < ver0 || esize % 8 ||
	    esize > CLUSNOTIFY_LIST_ENTRY_SIZE_MAX)
		return -EINVAL;
	*max = min_t(u32, count, CLUSNOTIFY_LIST_MAX);
	/* At most 256 x 4096 bytes: no overflow. */
	if (!access_ok(u64_to_user_ptr(entries), (size_t)*max * esize))
		return -EFAULT;
	return 0;
}

/* Whether to stop between two chunks: a dying caller gets what it has. */
static bool chunk_break(void)
{
	cond_resched();
	return fatal_signal_pending(current);
}

/**
 * cn_enum_list_objects() - CLUSNOTIFY_IOC_LIST_OBJECTS
 * @port: the asking port
 * @uarg: struct clusnotify_list_objects
 *
 * Return: 0 with @count, @cursor and @out_flags updated; -EINVAL for a bad
 * argument; -ENOENT if the port's namespace has no such cluster; -EFAULT;
 * -ENOMEM.
 */
int cn_enum_list_objects(struct cn_port *port, void __user *uarg)
{
	struct clusnotify_object_entry *buf;
	struct clusnotify_list_objects a;
	void __user *dst;
	struct cn_cluster *cl;
	struct cn_object *obj;
	unsigned int max, done = 0, n;
	u32 type, first, last, usize;
	u64 seq;
	int ret;

	ret = cn_copy_arg(&a, sizeof(a), CLUSNOTIFY_LIST_OBJECTS_SIZE_VER0, uarg);
	if (ret < 0)
		return ret;
	usize = ret;
	if (a.flags || a.reserved ||
	    (a.object_type && !cn_type_info(a.object_type)->all) ||
	    (a.cursor >> CN_ENUM_SEQ_BITS) > CLUSNOTIFY_OBJ_MAX)
		return -EINVAL;
	ret = check_entries(a.count, a.entry_size, a.entries,
			    CLUSNOTIFY_OBJECT_ENTRY_SIZE_VER0, &max);
	if (ret)
		return ret;
	first = a.object_type ?: 1;
	last = a.object_type ?: CLUSNOTIFY_OBJ_MAX;

	cl = cn_cluster_get_by_id(port->net, a.cluster_id);
	if (!cl)
		return -ENOENT;
	buf = kmalloc_array(CN_ENUM_CHUNK, sizeof(*buf), GFP_KERNEL);
	if (!buf) {
		ret = -ENOMEM;
		goto out_put;
	}

	type = a.cursor >> CN_ENUM_SEQ_BITS;
	seq = a.cursor & CN_ENUM_SEQ_MASK;
	if (type < first) {
		type = first;
		seq = 0;
	}
	dst = u64_to_user_ptr(a.entries);
	a.out_flags = 0;
	do {
		n = 0;
		mutex_lock(&cl->post_lock);
		obj = seek(cl, type, seq, last);
		while (obj && n < min(CN_ENUM_CHUNK, max - done)) {
			object_entry(&buf[n++], obj);
			type = obj->type;
			seq = obj->seq;
			obj = seek(cl, type, seq, last);
		}
		mutex_unlock(&cl->post_lock);

		ret = put_entries(dst, a.entry_size, buf, sizeof(*buf), n);
		if (ret)
			goto out_free;
		dst += (size_t)n * a.entry_size;
		done += n;
		if (n)
			a.cursor = (u64)type << CN_ENUM_SEQ_BITS | seq;
		if (!obj)
			a.out_flags = CLUSNOTIFY_LIST_END;
	} while (obj && done < max && !chunk_break());

	a.count = done;
	ret = cn_copy_out(uarg, &a, sizeof(a), usize);
out_free:
	kfree(buf);
out_put:
	cn_cluster_put(cl);
	return ret;
}

/**
 * cn_enum_list_clusters() - CLUSNOTIFY_IOC_LIST_CLUSTERS
 * @port: the asking port
 * @uarg: struct clusnotify_list_clusters
 *
 * Return: 0 with @count, @cursor and @out_flags updated; -EINVAL for a bad
 * argument; -EFAULT; -ENOMEM.
 */
int cn_enum_list_clusters(struct cn_port *port, void __user *uarg)
{
	struct cn_net *cnet = cn_net(port->net);
	struct clusnotify_cluster_entry *buf;
	struct clusnotify_list_clusters a;
	struct cn_cluster *cl;
	void __user *dst;
	unsigned int max, done = 0, n;
	int id, ret;
	u32 usize;

	ret = cn_copy_arg(&a, sizeof(a), CLUSNOTIFY_LIST_CLUSTERS_SIZE_VER0, uarg);
	if (ret < 0)
		return ret;
	usize = ret;
	/* Ids are below INT_MAX (idr_alloc_cyclic in cluster.c). */
	if (a.flags || a.reserved || a.cursor >= INT_MAX)
		return -EINVAL;
	ret = check_entries(a.count, a.entry_size, a.entries,
			    CLUSNOTIFY_CLUSTER_ENTRY_SIZE_VER0, &max);
	if (ret)
		return ret;
	buf = kmalloc_array(CN_ENUM_CHUNK, sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;

	dst = u64_to_user_ptr(a.entries);
	a.out_flags = 0;
	do {
		n = 0;
		mutex_lock(&cnet->lock);
		id = a.cursor + 1;
		cl = idr_get_next(&cnet->ids, &id);
		while (cl && n < min(CN_ENUM_CHUNK, max - done)) {
			cluster_entry(&buf[n++], cl);
			id = cl->id + 1;
			cl = idr_get_next(&cnet->ids, &id);
		}
		mutex_unlock(&cnet->lock);
		if (n)
			a.cursor = buf[n - 1].cluster_id;

		ret = put_entries(dst, a.entry_size, buf, sizeof(*buf), n);
		if (ret)
			goto out;
		dst += (size_t)n * a.entry_size;
		done += n;
		if (!cl)
			a.out_flags = CLUSNOTIFY_LIST_END;
	} while (cl && done < max && !chunk_break());

	a.count = done;
	ret = cn_copy_out(uarg, &a, sizeof(a), usize);
out:
	kfree(buf);
	return ret;
}
