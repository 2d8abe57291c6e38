// SPDX-License-Identifier: GPL-2.0
/*
 * The subscription index: which ports want which events.
 *
 * A cluster-wide filter sits in one list per flag bit it holds, under
 * cluster->by_bit[type][bit], so posting an event walks exactly the filters
 * that want that flag of that type. A per-object registration sits in one
 * resizable hash table of the module, keyed by (cluster, type, object id)
 * with a secret siphash key and the table's own random seed, so that a
 * producer cannot aim ids at one chain and chains stay short as the table
 * grows. Writers hold cluster->index_lock and the port's cfg_lock; posters
 * read under RCU and never take a lock of the index. A filter entry's solo
 * flag (struct cn_bitnode) is cleared under the cluster's post_lock too, so
 * that it holds for a whole post.
 */

#include <linux/bitops.h>
#include <linux/bsearch.h>
#include <linux/mm.h>
#include <linux/nls.h>
#include <linux/random.h>
#include <linux/rbtree.h>
#include <linux/rhashtable.h>
#include <linux/sched/signal.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include <kunit/visibility.h>

#include "internal.h"

static const struct cn_type_info cn_types[CLUSNOTIFY_OBJ_MAX + 1] = {
	[CLUSNOTIFY_OBJ_CLUSTER] = { CLUSNOTIFY_CLUSTER_ALL,
		CLUSNOTIFY_CLUSTER_STATE, CLUSNOTIFY_CLUSTER_HANDLE_CLOSE },
	[CLUSNOTIFY_OBJ_GROUP] = { CLUSNOTIFY_GROUP_ALL,
		CLUSNOTIFY_GROUP_STATE, CLUSNOTIFY_GROUP_HANDLE_CLOSE },
	[CLUSNOTIFY_OBJ_RESOURCE] = { CLUSNOTIFY_RESOURCE_ALL,
		CLUSNOTIFY_RESOURCE_STATE, CLUSNOTIFY_RESOURCE_HANDLE_CLOSE },
	[CLUSNOTIFY_OBJ_RESOURCE_TYPE] = { CLUSNOTIFY_RESOURCE_TYPE_ALL, 0, 0 },
	[CLUSNOTIFY_OBJ_NETWORK_INTERFACE] = { CLUSNOTIFY_NETINTERFACE_ALL,
		CLUSNOTIFY_NETINTERFACE_STATE,
		CLUSNOTIFY_NETINTERFACE_HANDLE_CLOSE },
	[CLUSNOTIFY_OBJ_NETWORK] = { CLUSNOTIFY_NETWORK_ALL,
		CLUSNOTIFY_NETWORK_STATE, CLUSNOTIFY_NETWORK_HANDLE_CLOSE },
	[CLUSNOTIFY_OBJ_NODE] = { CLUSNOTIFY_NODE_ALL,
		CLUSNOTIFY_NODE_STATE, CLUSNOTIFY_NODE_HANDLE_CLOSE },
	[CLUSNOTIFY_OBJ_REGISTRY] = { CLUSNOTIFY_REGISTRY_ALL, 0,
		CLUSNOTIFY_REGISTRY_HANDLE_CLOSE },
	[CLUSNOTIFY_OBJ_QUORUM] = { CLUSNOTIFY_QUORUM_ALL,
		CLUSNOTIFY_QUORUM_STATE, 0 },
	[CLUSNOTIFY_OBJ_SHARED_VOLUME] = { CLUSNOTIFY_SHARED_VOLUME_ALL,
		CLUSNOTIFY_SHARED_VOLUME_STATE, 0 },
	[CLUSNOTIFY_OBJ_SPACEPORT] = { CLUSNOTIFY_SPACEPORT_ALL, 0, 0 },
	[CLUSNOTIFY_OBJ_UPGRADE] = { CLUSNOTIFY_UPGRADE_ALL, 0, 0 },
	[CLUSNOTIFY_OBJ_GROUPSET] = { CLUSNOTIFY_GROUPSET_ALL,
		CLUSNOTIFY_GROUPSET_STATE, CLUSNOTIFY_GROUPSET_HANDLE_CLOSE },
};

/**
 * cn_type_info() - what the module knows of an object type
 * @type: CLUSNOTIFY_OBJ_*
 *
 * Return: the type's masks; all zero for a type that takes no filter.
 */
const struct cn_type_info *cn_type_info(u32 type)
{
	static const struct cn_type_info none;

	return type <= CLUSNOTIFY_OBJ_MAX ? &cn_types[type] : &none;
}
EXPORT_SYMBOL_IF_KUNIT(cn_type_info);

/**
 * cn_filter_validate() - check a (type, mask) pair a subscriber asks for
 * @type: CLUSNOTIFY_OBJ_*
 * @mask: the flags
 *
 * Return: 0, or -EINVAL for an unknown type, a zero mask or a mask outside
 * the type's ALL.
 */
int cn_filter_validate(u32 type, u64 mask)
{
	u64 all = cn_type_info(type)->all;

	if (!all || !mask || (mask & ~all))
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(cn_filter_validate);

/**
 * cn_event_flag_validate() - check the flag of an event a producer posts
 * @type: CLUSNOTIFY_OBJ_*
 * @flag: exactly one flag of the type
 *
 * The flags the subscriber's side generates (cluster RECONNECT, STATE and
 * LOST_NOTIFICATIONS, every HANDLE_CLOSE) and the registry's SUBTREE scope
 * modifier cannot be posted: a producer must not fake them.
 *
 * Return: 0 or -EINVAL.
 */
int cn_event_flag_validate(u32 type, u64 flag)
{
	const struct cn_type_info *ti = cn_type_info(type);

	if (!ti->all || hweight64(flag) != 1 || (flag & ~ti->all))
		return -EINVAL;
	if (flag == ti->handle_close)
		return -EINVAL;
	if (type == CLUSNOTIFY_OBJ_CLUSTER &&
	    (flag & (CLUSNOTIFY_CLUSTER_RECONNECT | CLUSNOTIFY_CLUSTER_STATE |
		     CLUSNOTIFY_CLUSTER_LOST_NOTIFICATIONS)))
		return -EINVAL;
	if (type == CLUSNOTIFY_OBJ_REGISTRY && flag == CLUSNOTIFY_REGISTRY_SUBTREE)
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(cn_event_flag_validate);

/**
 * cn_string_valid() - check a bounded UTF-8 string
 * @s: NUL-terminated string
 * @max: bound including the NUL
 *
 * Return: true if @s is shorter than @max and valid UTF-8 (no overlong forms,
 * no surrogates), so that the library's UTF-16 conversion cannot fail.
 */
bool cn_string_valid(const char *s, size_t max)
{
	size_t ascii, len;
	unicode_t u;

	/*
	 * Ids and names are nearly always ASCII: one pass over those bytes,
	 * the decoder only from the first byte that is not.
	 */
	for (ascii = 0; ascii < max; ascii++) {
		if (!s[ascii])
			return true;
		if (s[ascii] & 0x80)
			break;
	}
	if (ascii == max)
		return false;
	s += ascii;
	len = strnlen(s, max - ascii);
	if (ascii + len >= max)
		return false;
	while (len) {
		int n = utf8_to_utf32(s, len, &u);

		if (n <= 0)
			return false;
		s += n;
		len -= n;
	}
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(cn_string_valid);

static siphash_key_t cn_obj_key_secret __read_mostly;

static u32 obj_key_hash(const void *data, u32 len, u32 seed)
{
	const struct cn_obj_key *k = data;
	u64 h = siphash(k->id, strlen(k->id), &cn_obj_key_secret);

	return siphash_3u64(h, (unsigned long)k->cl, (u64)k->type << 32 | seed,
			    &cn_obj_key_secret);
}

static int obj_key_cmp(struct rhashtable_compare_arg *arg, const void *obj)
{
	const struct cn_obj_key *k = arg->key;
	const struct cn_sub *sub = obj;

	return sub->okey.cl != k->cl || sub->okey.type != k->type ||
	       strcmp(sub->okey.id, k->id);
}

static const struct rhashtable_params cn_reg_params = {
	.head_offset = offsetof(struct cn_sub, obj_node),
	.key_offset = offsetof(struct cn_sub, okey),
	.key_len = sizeof(struct cn_obj_key),
	.hashfn = obj_key_hash,
	.obj_cmpfn = obj_key_cmp,
	.automatic_shrinking = true,
};

static struct rhltable cn_regs;

int cn_filter_init(void)
{
	get_random_bytes(&cn_obj_key_secret, sizeof(cn_obj_key_secret));
	return rhltable_init(&cn_regs, &cn_reg_params);
}

/* Every port is gone, so is every registration. */
void cn_filter_exit(void)
{
	rhltable_destroy(&cn_regs);
}

static struct cn_watch *watch_find(struct cn_port *port, struct cn_cluster *cl)
{
	struct cn_watch *w;

	lockdep_assert_held(&port->cfg_lock);
	list_for_each_entry(w, &port->watches, port_node)
		if (w->cluster == cl)
			return w;
	return NULL;
}

/* @key: the port's first key on the cluster, if the watch is new. */
static struct cn_watch *watch_get(struct cn_port *port, struct cn_cluster *cl,
				  u64 key)
{
	struct cn_watch *w = watch_find(port, cl);

	if (w)
		return w;

	w = kzalloc(sizeof(*w), GFP_KERNEL_ACCOUNT);
	if (!w)
		return NULL;
	kref_get(&cl->ref);
	w->port = port;
	w->cluster = cl;
	w->key = key;
	INIT_LIST_HEAD(&w->subs);
	list_add_tail(&w->port_node, &port->watches);

	mutex_lock(&cl->index_lock);
	list_add_tail_rcu(&w->cluster_node, &cl->watches);
	cl->nports++;
	mutex_unlock(&cl->index_lock);
	return w;
}

static struct cn_sub *sub_alloc_filter(u32 type, u64 mask, u64 key)
{
	unsigned int nbits = hweight64(mask);
	struct cn_sub *sub;

	sub = kzalloc(struct_size(sub, bits, nbits), GFP_KERNEL_ACCOUNT);
	if (!sub)
		return NULL;
	sub->type = type;
	sub->mask = mask;
	sub->key = key;
	sub->nbits = nbits;
	return sub;
}

static bool same_filter(const struct clusnotify_filter *a,
			const struct clusnotify_filter *b)
{
	return a->object_type == b->object_type && a->flags == b->flags;
}

/* Whether the port already has this exact filter (not a registration) here. */
static bool filter_held(const struct cn_watch *w, const struct cn_sub *sub)
{
	const struct cn_sub *o;

	if (!w)
		return false;
	list_for_each_entry(o, &w->subs, watch_node)
		if (!o->reg_id && o->type == sub->type && o->mask == sub->mask &&
		    o->key == sub->key)
			return true;
	return false;
}

/* The flag bits that have lists (a sub's mask may hold others). */
typedef u16 cn_listbits;
static_assert(CN_FLAG_BITS <= 16);

/*
 * The list bits each object type is asked for by @n subs (NULL entries
 * skipped), in @mask; in @twice, those asked for by two of them.
 */
static void subs_masks(struct cn_sub **subs, unsigned int n,
		       cn_listbits mask[CLUSNOTIFY_OBJ_MAX + 1],
		       cn_listbits twice[CLUSNOTIFY_OBJ_MAX + 1])
{
	unsigned int j;

	for (j = 0; j < n; j++) {
		if (!subs[j])
			continue;
		twice[subs[j]->type] |= mask[subs[j]->type] & subs[j]->mask;
		mask[subs[j]->type] |= subs[j]->mask;
	}
}

/* Whether entry @i of @o is solo and on a list @mask asks for. */
static bool solo_asked(const struct cn_sub *o, unsigned int i,
		       const cn_listbits mask[CLUSNOTIFY_OBJ_MAX + 1])
{
	return o->bits[i].solo && (mask[o->type] & BIT(o->bits[i].bit));
}

/*
 * Whether @subs share a type and flag with a solo entry of a sub @w
 * already has: clearing it then needs the cluster's post_lock. One pass
 * over @w's subs, however many @subs come.
 */
static bool solo_conflict(const struct cn_watch *w, struct cn_sub **subs,
			  unsigned int n)
{
	cn_listbits mask[CLUSNOTIFY_OBJ_MAX + 1] = { };
	cn_listbits twice[CLUSNOTIFY_OBJ_MAX + 1] = { };
	const struct cn_sub *o;
	unsigned int i;

	if (!w)
		return false;
	subs_masks(subs, n, mask, twice);
	list_for_each_entry(o, &w->subs, watch_node)
		for (i = 0; i < o->nbits; i++)
			if (solo_asked(o, i, mask))
				return true;
	return false;
}

/*
 * Before @subs (NULL entries skipped) join @w: which of their entries are
 * solo, and which of @w's others stop being. The caller holds the port's
 * cfg_lock (which keeps @w's subs), the cluster's index_lock, and its
 * post_lock if solo_conflict() said so (only a set flag is written, so
 * without it nothing is). Linear in @w's subs and @n.
 */
static void solo_update(struct cn_watch *w, struct cn_sub **subs, unsigned int n)
{
	cn_listbits mask[CLUSNOTIFY_OBJ_MAX + 1] = { };
	cn_listbits twice[CLUSNOTIFY_OBJ_MAX + 1] = { };
	cn_listbits held[CLUSNOTIFY_OBJ_MAX + 1] = { };
	unsigned int i, j, bit;
	struct cn_sub *o;

	subs_masks(subs, n, mask, twice);
	list_for_each_entry(o, &w->subs, watch_node) {
		held[o->type] |= o->mask;
		for (i = 0; i < o->nbits; i++)
			if (solo_asked(o, i, mask))
				WRITE_ONCE(o->bits[i].solo, false);
	}
	for (j = 0; j < n; j++) {
		struct cn_sub *sub = subs[j];

		if (!sub || !sub->nbits)
			continue;
		i = 0;
		for (bit = 0; bit < CN_FLAG_BITS; bit++) {
			if (!(sub->mask & BIT_ULL(bit)))
				continue;
			sub->bits[i].bit = bit;
			sub->bits[i].solo = !((held[sub->type] | twice[sub->type]) &
					      BIT(bit));
			i++;
		}
	}
}

/* Links a sub's entries, prepared by solo_update(). */
static void sub_link_filter(struct cn_cluster *cl, struct cn_sub *sub)
{
	unsigned int i;

	lockdep_assert_held(&cl->index_lock);
	for (i = 0; i < sub->nbits; i++) {
		u32 *len = &cl->bit_len[sub->type][sub->bits[i].bit];

		sub->bits[i].sub = sub;
		sub->bits[i].port = sub->watch->port;
		sub->bits[i].key = sub->key;
		hlist_add_head_rcu(&sub->bits[i].node,
				   &cl->by_bit[sub->type][sub->bits[i].bit]);
		WRITE_ONCE(*len, *len + 1);
	}
}

static void sub_unlink(struct cn_cluster *cl, struct cn_sub *sub)
{
	unsigned int i;

	lockdep_assert_held(&cl->index_lock);
	if (sub->object_id[0]) {
		rhltable_remove(&cn_regs, &sub->obj_node, cn_reg_params);
		/* After the removal: a poster that reads 0 misses nothing. */
		WRITE_ONCE(cl->nregs, cl->nregs - 1);
		return;
	}
	for (i = 0; i < sub->nbits; i++) {
		u32 *len = &cl->bit_len[sub->type][sub->bits[i].bit];

		hlist_del_rcu(&sub->bits[i].node);
		WRITE_ONCE(*len, *len - 1);
	}
}

/*
 * A resume (filters added "since (epoch, seq)"): what the journal gives the
 * call's filters, or the GAP record. Filters of one call share one key;
 * @hits counts, per (type, flag bit), the distinct filters of the call that
 * hold it: the records live matching gives an event. The module's own
 * cluster events (RECONNECT, STATE) go to every watcher, as live, with
 * @wkey (the key of the port's first filter on the cluster).
 */
struct cn_resume {
	u16 hits[CLUSNOTIFY_OBJ_MAX + 1][CN_FLAG_BITS];
	u64 key;
	u64 wkey;
	bool gap;
	u64 gap_first;
	u64 gap_last;
	u32 from;
	u32 need;
	u64 bytes;
	unsigned int walked;
	struct cn_wake_list wl;
};

static unsigned int resume_hits(const struct cn_resume *rs,
				const struct cn_event *ev)
{
	unsigned int bit = __ffs64(ev->flag);

	if (ev->rec_flags & CLUSNOTIFY_RECORD_SYNTHETIC)
		return 1;
	if (ev->object_type > CLUSNOTIFY_OBJ_MAX || bit >= CN_FLAG_BITS)
		return 0;
	return rs->hits[ev->object_type][bit];
}

/*
 * Long walks under post_lock (a snapshot's, a resume's) reschedule and end
 * for a dying caller.
 */
static int walk_yield(unsigned int *walked)
{
	if (++*walked % 32)
		return 0;
	cond_resched();
	return fatal_signal_pending(current) ? -EINTR : 0;
}

/* The GAP record: what the plan reserves is what the queue builds. */
static void gap_desc(struct clusnotify_post_event *d, struct cn_cluster *cl)
{
	*d = (struct clusnotify_post_event) {
		.object_type = CLUSNOTIFY_OBJ_CLUSTER,
		.name = cl->name,
	};
}

/*
 * Decides, under post_lock, what a resume after @since queues: the
 * journal's events after @since->seq, or one GAP record when the epoch is
 * another or the journal does not reach back to @since->seq + 1. Counts the
 * records and their bytes for cn_port_reserve(), and fails with -ENOBUFS,
 * as a snapshot does, when the port's queue cannot take them.
 */
static int resume_plan(struct cn_port *port, struct cn_cluster *cl,
		       const struct cn_since *since,
		       const struct clusnotify_filter *f, unsigned int n,
		       struct cn_resume *rs)
{
	struct cn_journal *j = &cl->journal;
	u32 room = cn_port_room(port);
	unsigned int i, k, bit;
	u64 first;
	int ret;

	lockdep_assert_held(&cl->post_lock);
	if (since->epoch == cl->epoch && since->seq > cl->seq)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		for (k = 0; k < i; k++)
			if (same_filter(&f[i], &f[k]))
				break;
		if (k < i)
			continue;
		for (bit = 0; bit < CN_FLAG_BITS; bit++)
			if (f[i].flags & BIT_ULL(bit))
				rs->hits[f[i].object_type][bit]++;
	}
	first = cn_journal_first(j);
	if (since->epoch != cl->epoch) {
		rs->gap = true;
		rs->gap_first = 1;
	} else if (since->seq < cl->seq &&
		   (!first || first > since->seq + 1)) {
		rs->gap = true;
		rs->gap_first = since->seq + 1;
	}
	if (rs->gap) {
		struct clusnotify_post_event d;

		gap_desc(&d, cl);
		rs->gap_last = cl->seq;
		rs->need = 1;
		rs->bytes = cn_event_len(&d);
		return rs->need > room ? -ENOBUFS : 0;
	}
	if (since->seq == cl->seq)
		return 0;
	rs->from = since->seq + 1 - first;
	for (i = rs->from; i < j->n; i++) {
		struct cn_event *ev = cn_journal_event(j, i);

		ret = walk_yield(&rs->walked);
		if (ret)
			return ret;
		k = resume_hits(rs, ev);
		rs->need += k;
		rs->bytes += (u64)k * ev->rec_len;
		if (rs->need > room)
			return -ENOBUFS;
	}
	return 0;
}

/*
 * Queues what resume_plan() counted into the entries it reserved. On an
 * error what is not queued is given back.
 */
static int resume_queue(struct cn_port *port, struct cn_cluster *cl,
			struct cn_resume *rs)
{
	struct cn_journal *j = &cl->journal;
	unsigned int i, k;
	int ret = 0;

	lockdep_assert_held(&cl->post_lock);
	if (rs->gap) {
		struct clusnotify_post_event d;
		struct cn_event *ev;

		gap_desc(&d, cl);
		ev = cn_event_make(cl, &d, CLUSNOTIFY_RECORD_SYNTHETIC |
				   CLUSNOTIFY_RECORD_GAP, cl->seq,
				   GFP_KERNEL_ACCOUNT);
		if (!ev) {
			ret = -ENOMEM;
			goto out;
		}
		ev->range_first = rs->gap_first;
		ev->range_last = rs->gap_last;
		cn_port_enqueue_reserved(port, ev, rs->key, &rs->wl);
		rs->need--;
		rs->bytes -= ev->rec_len;
		cn_event_put(ev);
		goto out;
	}
	for (i = rs->from; rs->need && i < j->n; i++) {
		struct cn_event *ev = cn_journal_event(j, i);
		bool own = ev->rec_flags & CLUSNOTIFY_RECORD_SYNTHETIC;

		ret = walk_yield(&rs->walked);
		if (ret)
			break;
		for (k = resume_hits(rs, ev); k; k--) {
			cn_port_enqueue_reserved(port, ev, own ? rs->wkey : rs->key,
						 &rs->wl);
			rs->need--;
			rs->bytes -= ev->rec_len;
		}
	}
out:
	if (rs->need)
		cn_port_unreserve(port, rs->need, rs->bytes);
	return ret;
}

/* Subscriptions count per user too: a user's ports all share one bound. */
static bool charge_subs(struct cn_port *port, unsigned int n)
{
	return cn_user_charge(port->user, CN_USER_SUBS, n,
			      cn_port_user_limit(port,
						 READ_ONCE(cn_max_user_subs)));
}

/**
 * cn_filter_add() - add cluster-wide filters to a port
 * @port: the port
 * @cluster_id: the cluster, in the port's namespace
 * @key: user key for every filter
 * @f: the filters, already copied in
 * @n: how many
 * @since: NULL, or resume after this event: the cluster's journal's events
 *	after it that the filters take are queued first, in order, then live
 *	events follow, with no gap and no duplicate (post_lock is held from
 *	the journal walk to the filters' linking); or, when the epoch is
 *	another or the journal does not reach back, one GAP record naming
 *	what cannot be had. All or none, as a snapshot: -ENOBUFS when the
 *	port's queue cannot take them, and nothing is added.
 *
 * The array is validated as a whole and allocated before any filter is
 * linked, so a failure registers nothing. A filter identical in (type, mask,
 * key) to one the port already has on the cluster, or to an earlier one of
 * the array, is merged with it: it takes no index entry, no place under
 * max_port_subs, and does not make the port get an event twice. Filters are
 * only ever removed all together (cn_filter_detach_port()), so a merged one
 * needs no count.
 *
 * A filter that shares a type and flag with one of the port's subs there
 * ends that sub's solo entries (struct cn_bitnode), under the cluster's
 * post_lock: it waits for a post in progress, holding the port's cfg_lock.
 *
 * Return: 0; -EINVAL for a bad filter or a @since after the cluster's
 * last event of its epoch, -ENOENT for an unknown cluster, -ENOSPC past
 * max_port_subs or the user's max_user_subs, -ENOBUFS (@since), -ENOMEM,
 * -ESHUTDOWN, -EINTR (@since, a fatal signal: part of the journal queued).
 */
int cn_filter_add(struct cn_port *port, u32 cluster_id, u64 key,
		  const struct clusnotify_filter *f, unsigned int n,
		  const struct cn_since *since)
{
	unsigned int i, j, fresh = 0;
	struct cn_resume *rs = NULL;
	bool solo_lock;
	struct cn_sub **subs;
	struct cn_cluster *cl;
	struct cn_watch *w;
	int ret;

	for (i = 0; i < n; i++) {
		if (f[i].reserved)
			return -EINVAL;
		ret = cn_filter_validate(f[i].object_type, f[i].flags);
		if (ret)
			return ret;
	}

	cl = cn_cluster_get_by_id(port->net, cluster_id);
	if (!cl)
		return -ENOENT;

	subs = kcalloc(n, sizeof(*subs), GFP_KERNEL);
	if (since)
		rs = kzalloc(sizeof(*rs), GFP_KERNEL);
	if (!subs || (since && !rs)) {
		ret = -ENOMEM;
		goto out_free;
	}
	for (i = 0; i < n; i++) {
		/* Duplicates inside the array: n is at most FILTERS_MAX. */
		for (j = 0; j < i; j++)
			if (same_filter(&f[i], &f[j]))
				break;
		if (j < i)
			continue;
		subs[i] = sub_alloc_filter(f[i].object_type, f[i].flags, key);
		if (!subs[i]) {
			ret = -ENOMEM;
			goto out_free;
		}
	}

	mutex_lock(&port->cfg_lock);
	if (READ_ONCE(port->shutdown)) {
		ret = -ESHUTDOWN;
		goto out_unlock;
	}
	w = watch_find(port, cl);
	for (i = 0; i < n; i++) {
		if (subs[i] && filter_held(w, subs[i])) {
			kfree(subs[i]);
			subs[i] = NULL;
		}
		fresh += !!subs[i];
	}
	if (since) {
		rs->key = key;
		rs->wkey = w ? w->key : key;
		mutex_lock(&cl->post_lock);
		ret = resume_plan(port, cl, since, f, n, rs);
		if (!ret && rs->need)
			ret = cn_port_reserve(port, rs->need, rs->bytes);
		if (ret)
			goto out_unlock_post;
	}
	ret = 0;
	if (!fresh)
		goto resume;
	if (port->nsubs + fresh > READ_ONCE(cn_max_port_subs) ||
	    !charge_subs(port, fresh)) {
		ret = -ENOSPC;
		goto out_unreserve;
	}
	w = watch_get(port, cl, key);
	if (!w) {
		cn_user_uncharge(port->user, CN_USER_SUBS, fresh);
		ret = -ENOMEM;
		goto out_unreserve;
	}
	/* Solo entries change under post_lock (the resume path holds it). */
	solo_lock = !since && solo_conflict(w, subs, n);
	if (solo_lock)
		mutex_lock(&cl->post_lock);
	mutex_lock(&cl->index_lock);
	solo_update(w, subs, n);
	for (i = 0; i < n; i++) {
		if (!subs[i])
			continue;
		subs[i]->watch = w;
		list_add_tail(&subs[i]->watch_node, &w->subs);
		sub_link_filter(cl, subs[i]);
		subs[i] = NULL;
	}
	mutex_unlock(&cl->index_lock);
	if (solo_lock)
		mutex_unlock(&cl->post_lock);
	port->nsubs += fresh;
	port->nfilters += fresh;
resume:
	/* The filters are in and post_lock still held: no event between. */
	if (since)
		ret = resume_queue(port, cl, rs);
	goto out_unlock_post;
out_unreserve:
	if (since && rs->need)
		cn_port_unreserve(port, rs->need, rs->bytes);
out_unlock_post:
	if (since) {
		mutex_unlock(&cl->post_lock);
		cn_wake_list_flush(&rs->wl);
	}
out_unlock:
	mutex_unlock(&port->cfg_lock);
out_free:
	for (i = 0; subs && i < n; i++)
		kfree(subs[i]);
	kfree(subs);
	kfree(rs);
	cn_cluster_put(cl);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(cn_filter_add);

/**
 * cn_filter_reserve() - reserve a registration id
 * @port: the port
 * @reg_id: out: the id, never 0
 *
 * The id is the port's until cn_filter_register_at() fills it or
 * cn_filter_unreserve() gives it back; meanwhile it names no registration
 * (unregistering it is -ENOENT) and no other registration gets it. So a
 * caller can hand the id to its user before the registration exists, and
 * take it back without touching anything another thread did.
 *
 * Return: 0, -ESHUTDOWN, -EBUSY (no id left), -ENOMEM.
 */
int cn_filter_reserve(struct cn_port *port, u32 *reg_id)
{
	int ret;

	mutex_lock(&port->cfg_lock);
	if (READ_ONCE(port->shutdown))
		ret = -ESHUTDOWN;
	else
		ret = xa_alloc(&port->regs, reg_id, NULL, xa_limit_32b,
			       GFP_KERNEL_ACCOUNT);
	mutex_unlock(&port->cfg_lock);
	return ret;
}

/**
 * cn_filter_unreserve() - give back an id from cn_filter_reserve()
 * @port: the port
 * @reg_id: the id, not filled by cn_filter_register_at()
 */
void cn_filter_unreserve(struct cn_port *port, u32 reg_id)
{
	mutex_lock(&port->cfg_lock);
	xa_release(&port->regs, reg_id);
	mutex_unlock(&port->cfg_lock);
}

/**
 * cn_filter_register() - watch one object
 * @port: the port
 * @cluster_id: the object's cluster
 * @type: CLUSNOTIFY_OBJ_*
 * @mask: flags
 * @key: user key
 * @object_id: valid, bounded object id; need not exist yet. Empty watches
 *	every object of the type, like a filter that can be removed on its own
 *	(what a registration on a cluster handle needs).
 * @reg_id: out: the registration id
 *
 * As for cn_filter_add(), one that shares a type and flag with another of
 * the port's subs there waits for a post in progress (post_lock).
 *
 * Return: 0; -EINVAL, -ENOENT (cluster), -ENOSPC (past max_port_subs or the
 * user's max_user_subs), -ENOMEM, -ESHUTDOWN, -EBUSY (the index cannot grow
 * now).
 */
int cn_filter_register(struct cn_port *port, u32 cluster_id, u32 type,
		       u64 mask, u64 key, const char *object_id, u32 *reg_id)
{
	u32 id;
	int ret;

	ret = cn_filter_reserve(port, &id);
	if (ret)
		return ret;
	ret = cn_filter_register_at(port, id, cluster_id, type, mask, key,
				    object_id);
	if (ret) {
		cn_filter_unreserve(port, id);
		return ret;
	}
	*reg_id = id;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(cn_filter_register);

/**
 * cn_filter_register_at() - watch one object, under a reserved id
 * @port: the port
 * @reg_id: from cn_filter_reserve(); on failure it stays reserved
 * @cluster_id, @type, @mask, @key, @object_id: as for cn_filter_register()
 *
 * Return: as cn_filter_register().
 */
int cn_filter_register_at(struct cn_port *port, u32 reg_id, u32 cluster_id,
			  u32 type, u64 mask, u64 key, const char *object_id)
{
	struct cn_cluster *cl;
	struct cn_watch *w;
	struct cn_sub *sub;
	bool solo_lock;
	int ret;

	ret = cn_filter_validate(type, mask);
	if (ret)
		return ret;
	if (!cn_string_valid(object_id, CLUSNOTIFY_ID_MAX))
		return -EINVAL;

	cl = cn_cluster_get_by_id(port->net, cluster_id);
	if (!cl)
		return -ENOENT;

	sub = sub_alloc_filter(type, object_id[0] ? 0 : mask, key);
	if (!sub) {
		ret = -ENOMEM;
		goto out_put;
	}
	sub->mask = mask;
	strscpy(sub->object_id, object_id, sizeof(sub->object_id));
	sub->okey.cl = cl;
	sub->okey.type = type;
	sub->okey.id = sub->object_id;

	mutex_lock(&port->cfg_lock);
	if (READ_ONCE(port->shutdown)) {
		ret = -ESHUTDOWN;
		goto out_unlock;
	}
	if (port->nsubs + 1 > READ_ONCE(cn_max_port_subs) ||
	    !charge_subs(port, 1)) {
		ret = -ENOSPC;
		goto out_unlock;
	}
	/* Only the reserver fills or releases a reserved id: it is still ours. */
	sub->reg_id = reg_id;
	ret = xa_err(xa_store(&port->regs, reg_id, sub, GFP_KERNEL_ACCOUNT));
	if (ret)
		goto out_uncharge;
	w = watch_get(port, cl, key);
	if (!w) {
		/* NULL in an allocating xarray: reserved again. */
		xa_store(&port->regs, reg_id, NULL, 0);
		ret = -ENOMEM;
		goto out_uncharge;
	}
	/* Posters follow sub->watch as soon as the sub is in the index. */
	sub->watch = w;
	solo_lock = solo_conflict(w, &sub, 1);
	if (solo_lock)
		mutex_lock(&cl->post_lock);
	mutex_lock(&cl->index_lock);
	solo_update(w, &sub, 1);
	if (sub->object_id[0]) {
		/*
		 * Counted before the insert, so that no poster skips the
		 * lookup while the registration is in the table; a poster
		 * racing the insert may miss it either way.
		 */
		WRITE_ONCE(cl->nregs, cl->nregs + 1);
		ret = rhltable_insert(&cn_regs, &sub->obj_node, cn_reg_params);
		if (ret)
			WRITE_ONCE(cl->nregs, cl->nregs - 1);
	} else {
		sub_link_filter(cl, sub);
	}
	mutex_unlock(&cl->index_lock);
	if (solo_lock)
		mutex_unlock(&cl->post_lock);
	if (ret) {
		/*
		 * The watch stays, as after a registration removed; the id
		 * stays reserved (the caller gives it back) and the charge
		 * goes back.
		 */
		xa_store(&port->regs, reg_id, NULL, 0);
		goto out_uncharge;
	}
	list_add_tail(&sub->watch_node, &w->subs);
	port->nsubs++;
	sub = NULL;
	goto out_unlock;
out_uncharge:
	cn_user_uncharge(port->user, CN_USER_SUBS, 1);
out_unlock:
	mutex_unlock(&port->cfg_lock);
	kfree(sub);
out_put:
	cn_cluster_put(cl);
	return ret;
}

static void handle_close(struct cn_port *port, struct cn_sub *sub, u64 flag)
{
	struct cn_cluster *cl = sub->watch->cluster;
	struct clusnotify_post_event d = {
		.object_type = sub->type,
		.flag = flag,
		.object_id = sub->object_id,
	};
	struct cn_object *obj;
	struct cn_event *ev;

	mutex_lock(&cl->post_lock);
	obj = cn_cluster_object_find(cl, sub->type, sub->object_id);
	if (obj) {
		d.name = obj->name;
		d.parent_id = obj->parent;
		d.type_name = obj->type_name;
	}
	ev = cn_event_make(cl, &d, CLUSNOTIFY_RECORD_SYNTHETIC, 0,
			   GFP_KERNEL_ACCOUNT);
	mutex_unlock(&cl->post_lock);
	if (!ev) {
		/* Count it as lost rather than drop it unseen. */
		cn_port_lost(port, cl->id, sub->key, cl->epoch, 0);
		return;
	}
	cn_port_enqueue(port, ev, sub->key, NULL);
	cn_event_put(ev);
}

static void sub_free_srcu(struct rcu_head *rcu)
{
	kfree(container_of(rcu, struct cn_sub, rcu));
}

static void sub_free_rcu(struct rcu_head *rcu)
{
	call_srcu(&cn_wake_srcu, rcu, sub_free_srcu);
}

/*
 * A sub goes after a grace period of RCU and then one of cn_wake_srcu, as a
 * port does: a poster's run may hold one of its entries across a yield.
 */
static void sub_free(struct cn_sub *sub)
{
	call_rcu(&sub->rcu, sub_free_rcu);
}

/**
 * cn_filter_unregister() - remove a registration
 * @port: the port
 * @reg_id: as returned by cn_filter_register()
 *
 * Queues the type's HANDLE_CLOSE event for the port when the registration
 * asked for it.
 *
 * Return: 0, -ENOENT, -ESHUTDOWN.
 */
int cn_filter_unregister(struct cn_port *port, u32 reg_id)
{
	struct cn_cluster *cl;
	struct cn_sub *sub;
	u64 hc;

	mutex_lock(&port->cfg_lock);
	if (READ_ONCE(port->shutdown)) {
		mutex_unlock(&port->cfg_lock);
		return -ESHUTDOWN;
	}
	/* xa_load() sees no sub in a reserved id, and it stays reserved. */
	sub = reg_id ? xa_load(&port->regs, reg_id) : NULL;
	if (!sub) {
		mutex_unlock(&port->cfg_lock);
		return -ENOENT;
	}
	xa_erase(&port->regs, reg_id);
	cn_user_uncharge(port->user, CN_USER_SUBS, 1);
	cl = sub->watch->cluster;
	/*
	 * An entry of a cluster-wide list leaves it between two posts. A run
	 * that gave a port's solo entry the whole batch may walk the list
	 * again per event after a yield (past CN_RUN_OTHERS); were the entry
	 * to go meanwhile, the port could take two of that type and flag
	 * (not solo, no post_lock needed) and get the batch again through
	 * them, behind later events.
	 */
	if (sub->nbits)
		mutex_lock(&cl->post_lock);
	mutex_lock(&cl->index_lock);
	sub_unlink(cl, sub);
	mutex_unlock(&cl->index_lock);
	if (sub->nbits)
		mutex_unlock(&cl->post_lock);
	list_del(&sub->watch_node);
	port->nsubs--;

	hc = cn_type_info(sub->type)->handle_close;
	if (hc && (sub->mask & hc))
		handle_close(port, sub, hc);
	mutex_unlock(&port->cfg_lock);
	sub_free(sub);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(cn_filter_unregister);

static void watch_free_rcu(struct rcu_head *rcu)
{
	struct cn_watch *w = container_of(rcu, struct cn_watch, rcu);

	cn_cluster_put(w->cluster);
	kfree(w);
}

/**
 * cn_filter_detach_port() - take every filter of a port out of the index
 * @port: a port already shut down
 *
 * Posters may still hold the port's subs; they are freed after a grace
 * period of RCU and one of cn_wake_srcu (sub_free()).
 */
void cn_filter_detach_port(struct cn_port *port)
{
	struct cn_watch *w, *wtmp;
	struct cn_sub *sub, *stmp;

	mutex_lock(&port->cfg_lock);
	list_for_each_entry_safe(w, wtmp, &port->watches, port_node) {
		struct cn_cluster *cl = w->cluster;

		mutex_lock(&cl->index_lock);
		list_for_each_entry(sub, &w->subs, watch_node)
			sub_unlink(cl, sub);
		list_del_rcu(&w->cluster_node);
		cl->nports--;
		mutex_unlock(&cl->index_lock);

		list_for_each_entry_safe(sub, stmp, &w->subs, watch_node) {
			list_del(&sub->watch_node);
			sub_free(sub);
		}
		list_del(&w->port_node);
		call_rcu(&w->rcu, watch_free_rcu);
	}
	xa_destroy(&port->regs);
	cn_user_uncharge(port->user, CN_USER_SUBS, port->nsubs);
	port->nsubs = 0;
	port->nfilters = 0;
	mutex_unlock(&port->cfg_lock);
}
EXPORT_SYMBOL_IF_KUNIT(cn_filter_detach_port);

/* Registrations of @ev's object, and of its ancestors' (registry keys). */
static void match_regs(struct cn_cluster *cl, struct cn_event *ev,
		       struct cn_wake_list *wl, struct cn_counts *c)
{
	struct cn_obj_key k = {
		.cl = cl,
		.type = ev->object_type,
		.id = cn_event_id(ev),
	};
	/* Read once: readers write the line it is on (struct cn_event). */
	const u64 flag = ev->flag;
	struct rhlist_head *list, *pos;
	char path[CLUSNOTIFY_ID_MAX];
	struct cn_sub *sub;
	char *end;

	/* Most clusters' watchers use filters only: no hash of the id. */
	if (!ev->id_len || !READ_ONCE(cl->nregs))
		return;
	list = rhltable_lookup(&cn_regs, &k, cn_reg_params);
	rhl_for_each_entry_rcu(sub, pos, list, obj_node) {
		c->walked++;
		if (sub->mask & flag)
			cn_counts_add(c, cn_port_enqueue(sub->watch->port, ev,
							 sub->key, wl));
	}
	if (ev->object_type != CLUSNOTIFY_OBJ_REGISTRY)
		return;
	/*
	 * A key registered with SUBTREE also watches every key under it: look
	 * each ancestor of the event's key ("a\b" for "a\b\c") up too.
	 */
	strscpy(path, k.id, sizeof(path));
	k.id = path;
	for (end = strrchr(path, '\\'); end; end = strrchr(path, '\\')) {
		*end = '\0';
		list = rhltable_lookup(&cn_regs, &k, cn_reg_params);
		rhl_for_each_entry_rcu(sub, pos, list, obj_node) {
			c->walked++;
			if ((sub->mask & flag) &&
			    (sub->mask & CLUSNOTIFY_REGISTRY_SUBTREE))
				cn_counts_add(c, cn_port_enqueue(sub->watch->port,
								 ev, sub->key,
								 wl));
		}
	}
}

/*
 * A poster's run walks a list with cn_wake_srcu held (cn_cluster_post()):
 * every CN_WALK_YIELD attempts it leaves RCU for a moment, wakes the ports
 * queued to so far if they have waited long enough
 * (cn_wake_list_flush_due()) and reschedules, then goes on from the entry
 * it was at, which cannot be freed meanwhile (sub_free()). An entry
 * unlinked meanwhile may still get the run, as it would had the walk been
 * quicker than the unlink. No port's entry leaves meanwhile while the port
 * lives on: that waits for post_lock (cn_filter_unregister()).
 */
#define CN_WALK_YIELD 1024

static void run_yield(struct cn_counts *c, u64 *mark, struct cn_wake_list *wl)
{
	if (!mark || c->walked - *mark < CN_WALK_YIELD)
		return;
	*mark = c->walked;
	rcu_read_unlock();
	cn_wake_list_flush_due(wl, c->walked);
	cond_resched();
	rcu_read_lock();
}

/*
 * The cluster-wide entries of @ev's (type, flag): all of them; or, for a
 * run (@run: its run_yield() mark), those that are not solo (the run
 * queued to those already), yielding as it goes.
 */
static void match_bits(struct cn_cluster *cl, struct cn_event *ev,
		       u64 *run, struct cn_wake_list *wl, struct cn_counts *c)
{
	unsigned int bit = __ffs64(ev->flag);
	/* A subkey's event: read once, off the line readers write. */
	bool subkey = ev->object_type == CLUSNOTIFY_OBJ_REGISTRY && ev->id_len;
	struct cn_bitnode *bn;

	if (bit >= CN_FLAG_BITS)
		return;
	hlist_for_each_entry_rcu(bn, &cl->by_bit[ev->object_type][bit], node) {
		c->walked++;
		run_yield(c, run, wl);
		if (run && READ_ONCE(bn->solo))
			continue;
		/* A registry filter watches the root key: subkeys need SUBTREE. */
		if (subkey && !(bn->sub->mask & CLUSNOTIFY_REGISTRY_SUBTREE))
			continue;
		cn_counts_add(c, cn_port_enqueue(bn->port, ev, bn->key, wl));
	}
}

/**
 * cn_filter_match() - queue an event on every port that wants it
 * @cl: the event's cluster
 * @ev: the event
 * @wl: ports to wake when the batch is done
 * @c: the batch's counts
 *
 * Registry filters watch the root key: they see a subkey's events only with
 * SUBTREE; a registration with SUBTREE also sees the keys under its own.
 *
 * Context: rcu_read_lock() held. Cost follows the filters that hold the
 * event's flag bit and the registrations on the event's object (and, for a
 * registry event, on each of its key's ancestors); @c->walked counts them.
 */
void cn_filter_match(struct cn_cluster *cl, struct cn_event *ev,
		     struct cn_wake_list *wl, struct cn_counts *c)
{
	match_bits(cl, ev, NULL, wl, c);
	match_regs(cl, ev, wl, c);
}

/**
 * cn_filter_run_ok() - whether two events may share a run
 * @a: an event
 * @b: the event after it
 *
 * Return: true if both go through the same cluster-wide list (same type and
 * flag, not the registry's: its entries are checked per key).
 */
bool cn_filter_run_ok(const struct cn_event *a, const struct cn_event *b)
{
	return a->object_type == b->object_type && a->flag == b->flag &&
	       a->object_type != CLUSNOTIFY_OBJ_REGISTRY &&
	       __ffs64(a->flag) < CN_FLAG_BITS;
}

/* Entries of a run's list that are not solo, kept from its one walk. */
#define CN_RUN_OTHERS 16

/**
 * cn_filter_match_run() - queue a run of events to every port that asked
 * @cl: their cluster
 * @evs: events for which cn_filter_run_ok() holds pairwise, in order
 * @n: how many
 * @wl: the poster's wake list
 * @c: counts to add to
 *
 * What @n calls of cn_filter_match() would queue, in the same order for
 * every port, but port by port: each solo entry of the list takes the
 * whole run, so that a broadcast touches each of ten thousand ports once
 * per run rather than once per event. The entries of a port that has more
 * than one sub the events can match (not solo) take them event by event
 * after, from the walk's own list of them (or a walk per event past
 * CN_RUN_OTHERS of them): a port's copies of one event stay together, and
 * its order holds.
 *
 * Context: RCU read section and cn_wake_srcu, under the cluster's
 * post_lock, which keeps every linked entry's solo flag for the whole run.
 * Its walks of the list leave the RCU read section for a moment every
 * CN_WALK_YIELD attempts (run_yield()), however many ports they reach; the
 * rest (at most CN_RUN_OTHERS entries per event, and the registrations on
 * each event's object) does not.
 */
void cn_filter_match_run(struct cn_cluster *cl, struct cn_event **evs,
			 unsigned int n, struct cn_wake_list *wl,
			 struct cn_counts *c)
{
	struct cn_bitnode *bn, *others[CN_RUN_OTHERS];
	unsigned int i, j, nothers = 0;
	bool overflow = false;
	u64 mark = c->walked;

	lockdep_assert_held(&cl->post_lock);
	RCU_LOCKDEP_WARN(!srcu_read_lock_held(&cn_wake_srcu),
			 "a run yields: only cn_wake_srcu keeps its entries");
	hlist_for_each_entry_rcu(bn, &cl->by_bit[evs[0]->object_type]
					       [__ffs64(evs[0]->flag)], node) {
		run_yield(c, &mark, wl);
		if (!READ_ONCE(bn->solo)) {
			c->walked++;
			if (nothers < CN_RUN_OTHERS)
				others[nothers++] = bn;
			else
				overflow = true;
			continue;
		}
		for (i = 0; i < n; i++) {
			c->walked++;
			cn_counts_add(c, cn_port_enqueue(bn->port, evs[i],
							 bn->key, wl));
		}
	}
	for (i = 0; i < n; i++) {
		if (overflow) {
			/* Solo flags hold under post_lock: skip the solo. */
			match_bits(cl, evs[i], &mark, wl, c);
		} else {
			for (j = 0; j < nothers; j++) {
				c->walked++;
				cn_counts_add(c, cn_port_enqueue(others[j]->port,
						evs[i], others[j]->key, wl));
			}
		}
		match_regs(cl, evs[i], wl, c);
	}
}

/*
 * A snapshot of one cluster for one port: the keys it sends records with.
 * Filters and registrations on every object of a type give (type, key,
 * NULL); registrations on one object give (type, key, id); anything of type
 * CLUSTER gives the cluster's own STATE record. Each (object, key) gets one
 * record however many of the port's subs cover it.
 */
struct cn_snap_key {
	u32 type;
	u64 key;
	const char *object_id;
};

struct cn_snap {
	struct cn_snap_key *keys;
	unsigned int nkeys;
	/* keys[first[t]] .. keys[first[t] + nall[t] - 1]: type t, NULL id */
	unsigned int first[CLUSNOTIFY_OBJ_MAX + 1];
	unsigned int nall[CLUSNOTIFY_OBJ_MAX + 1];
	/* the key of the cluster's end-of-snapshot marker */
	struct cn_snap_key end;
	struct cn_wake_list wl;
};

static int snap_key_cmp(const void *a, const void *b)
{
	const struct cn_snap_key *x = a, *y = b;
	int r;

	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	if (!x->object_id != !y->object_id)
		return x->object_id ? 1 : -1;
	if (x->object_id) {
		r = strcmp(x->object_id, y->object_id);
		if (r)
			return r;
	}
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return 0;
}

static int snap_u64_cmp(const void *a, const void *b)
{
	const struct cn_snap_key *x = a, *y = b;

	return x->key < y->key ? -1 : x->key > y->key;
}

/* Sorted, without duplicates, and registrations a type-wide key covers. */
static void snap_keys(struct cn_snap *sn, struct cn_watch *w)
{
	struct cn_snap_key *k = sn->keys;
	unsigned int i, n = 0;
	struct cn_sub *sub;

	list_for_each_entry(sub, &w->subs, watch_node) {
		u64 state = cn_type_info(sub->type)->state;

		if (!state || !(sub->mask & state))
			continue;
		k[n].type = sub->type;
		k[n].key = sub->key;
		k[n].object_id = sub->object_id[0] &&
				 sub->type != CLUSNOTIFY_OBJ_CLUSTER ?
				 sub->object_id : NULL;
		n++;
	}
	sort(k, n, sizeof(*k), snap_key_cmp, NULL);

	memset(sn->nall, 0, sizeof(sn->nall));
	sn->nkeys = 0;
	for (i = 0; i < n; i++) {
		struct cn_snap_key *o = &k[sn->nkeys];

		if (sn->nkeys && !snap_key_cmp(&k[i], o - 1))
			continue;
		if (k[i].object_id && sn->nall[k[i].type] &&
		    bsearch(&k[i], &k[sn->first[k[i].type]],
			    sn->nall[k[i].type], sizeof(*k), snap_u64_cmp))
			continue;
		if (!k[i].object_id && !sn->nall[k[i].type])
			sn->first[k[i].type] = sn->nkeys;
		if (!k[i].object_id)
			sn->nall[k[i].type]++;
		*o = k[i];
		sn->nkeys++;
	}
}

static void snap_desc(struct clusnotify_post_event *d, const struct cn_object *obj,
		      u32 *state)
{
	*state = obj->state;
	*d = (struct clusnotify_post_event) {
		.object_type = obj->type,
		.flag = cn_type_info(obj->type)->state,
		.object_id = obj->id,
		.parent_id = obj->parent,
		.name = obj->name,
		.type_name = obj->type_name,
		.payload = state,
		.payload_len = sizeof(*state),
	};
}

static void snap_cluster_desc(struct clusnotify_post_event *d,
			      struct cn_cluster *cl, u32 *state)
{
	*state = READ_ONCE(cl->state);
	*d = (struct clusnotify_post_event) {
		.object_type = CLUSNOTIFY_OBJ_CLUSTER,
		.flag = CLUSNOTIFY_CLUSTER_STATE,
		.name = cl->name,
		.payload = state,
		.payload_len = sizeof(*state),
	};
}

/*
 * One walk of a cluster's registry for a snapshot, made twice under
 * post_lock: the first counts the records and their bytes (@queue false,
 * stopping as soon as they exceed @room), the second queues them into what
 * the first reserved (@queue true, @need and @bytes counting down).
 */
struct cn_snap_walk {
	bool queue;
	u32 room;
	u32 need;
	u64 bytes;
	unsigned int walked;
};

static int snap_yield(struct cn_snap_walk *sw)
{
	return walk_yield(&sw->walked);
}

/* One record for @nk keys: counted, or built once and queued. */
static int snap_queue(struct cn_port *port, struct cn_cluster *cl,
		      struct cn_snap *sn, struct cn_snap_walk *sw,
		      const struct clusnotify_post_event *d, u16 rec_flags,
		      const struct cn_snap_key *k, unsigned int nk)
{
	struct cn_event *ev;
	unsigned int i;

	if (!sw->queue) {
		sw->need += nk;
		sw->bytes += (u64)nk * cn_event_len(d);
		return sw->need > sw->room ? -ENOBUFS : 0;
	}
	ev = cn_event_make(cl, d, rec_flags, cl->seq, GFP_KERNEL_ACCOUNT);
	if (!ev)
		return -ENOMEM;
	for (i = 0; i < nk; i++) {
		cn_port_enqueue_reserved(port, ev, k[i].key, &sn->wl);
		sw->need--;
		sw->bytes -= ev->rec_len;
	}
	cn_event_put(ev);
	return 0;
}

static int snap_record(struct cn_port *port, struct cn_cluster *cl,
		       struct cn_snap *sn, struct cn_snap_walk *sw,
		       const struct clusnotify_post_event *d,
		       const struct cn_snap_key *k, unsigned int nk)
{
	return snap_queue(port, cl, sn, sw, d, CLUSNOTIFY_RECORD_SNAPSHOT, k,
			  nk);
}

/*
 * The cluster's snapshot is complete: its @seq is the cluster's last, so
 * every record before it reflects at most that event and every live event
 * after it is newer (post_lock is held from the first record to this one).
 */
static int snap_end(struct cn_port *port, struct cn_cluster *cl,
		    struct cn_snap *sn, struct cn_snap_walk *sw)
{
	const struct clusnotify_post_event d = {
		.object_type = CLUSNOTIFY_OBJ_CLUSTER,
		.name = cl->name,
	};

	return snap_queue(port, cl, sn, sw, &d, CLUSNOTIFY_RECORD_SNAPSHOT |
			  CLUSNOTIFY_RECORD_SYNTHETIC |
			  CLUSNOTIFY_RECORD_SNAPSHOT_END, &sn->end, 1);
}

static struct cn_object *next_object(struct cn_object *obj)
{
	struct rb_node *node = rb_next(&obj->id_node);

	return node ? rb_entry(node, struct cn_object, id_node) : NULL;
}

/*
 * The cluster's own state, then every object of a type some filter of the
 * port takes (in (type, id) order, each record built once for all its
 * keys), then the objects of the port's registrations. Work: the objects
 * of those types (found in log time: the registry is ordered by (type, id))
 * and the port's subs.
 */
static int snap_walk(struct cn_port *port, struct cn_cluster *cl,
		     struct cn_snap *sn, struct cn_snap_walk *sw)
{
	const u32 ct = CLUSNOTIFY_OBJ_CLUSTER;
	struct clusnotify_post_event d;
	struct cn_object *obj;
	unsigned int i;
	u32 state, t;
	int ret;

	lockdep_assert_held(&cl->post_lock);
	if (sn->nall[ct]) {
		snap_cluster_desc(&d, cl, &state);
		ret = snap_record(port, cl, sn, sw, &d, &sn->keys[sn->first[ct]],
				  sn->nall[ct]);
		if (ret)
			return ret;
	}
	/* Only the types some filter takes: the (type, id) order groups them. */
	for (t = 0; t <= CLUSNOTIFY_OBJ_MAX; t++) {
		if (t == ct || !sn->nall[t])
			continue;
		obj = cn_cluster_object_next(cl, t, "");
		for (; obj && obj->type == t; obj = next_object(obj)) {
			ret = snap_yield(sw);
			if (ret)
				return ret;
			snap_desc(&d, obj, &state);
			ret = snap_record(port, cl, sn, sw, &d,
					  &sn->keys[sn->first[t]], sn->nall[t]);
			if (ret)
				return ret;
		}
	}
	for (i = 0; i < sn->nkeys; i++) {
		if (!sn->keys[i].object_id)
			continue;
		ret = snap_yield(sw);
		if (ret)
			return ret;
		obj = cn_cluster_object_find(cl, sn->keys[i].type,
					     sn->keys[i].object_id);
		if (!obj)
			continue;
		snap_desc(&d, obj, &state);
		ret = snap_record(port, cl, sn, sw, &d, &sn->keys[i], 1);
		if (ret)
			return ret;
	}
	return snap_end(port, cl, sn, sw);
}

/*
 * A cluster's records are queued all or none: the counting walk stops as
 * soon as they cannot fit, and nothing is allocated for a record that
 * cannot be queued.
 */
static int snapshot_cluster(struct cn_port *port, struct cn_watch *w,
			    struct cn_snap *sn)
{
	struct cn_cluster *cl = w->cluster;
	struct cn_snap_walk count = { .queue = false }, queue;
	int ret;

	snap_keys(sn, w);
	sn->end.key = w->key;

	mutex_lock(&cl->post_lock);
	count.room = cn_port_room(port);
	ret = snap_walk(port, cl, sn, &count);
	if (ret)
		goto out;
	ret = cn_port_reserve(port, count.need, count.bytes);
	if (ret)
		goto out;

	queue = (struct cn_snap_walk) {
		.queue = true, .need = count.need, .bytes = count.bytes,
	};
	ret = snap_walk(port, cl, sn, &queue);
	/* After -ENOMEM or -EINTR, what was not queued is given back. */
	if (queue.need)
		cn_port_unreserve(port, queue.need, queue.bytes);
out:
	mutex_unlock(&cl->post_lock);
	cn_wake_list_flush(&sn->wl);
	if (ret == -ENOBUFS && READ_ONCE(port->shutdown))
		ret = -ESHUTDOWN;
	return ret;
}

/**
 * cn_filter_snapshot() - queue the current state of what a port watches
 * @port: the port
 *
 * Each cluster's post_lock is held while its records are queued, so no live
 * event of that cluster can come between them or before them. A cluster's
 * records are queued all or none: room for all of them is reserved first.
 * Clusters are taken in the order the port first watched them; on an error
 * the records of the clusters before stay queued. The time post_lock is
 * held grows with the cluster's objects and the port's queue, not with the
 * product of subs and objects.
 *
 * Return: 0; -ENOBUFS if the port's queue (or its user's queued bytes)
 * cannot take a cluster's records, nothing of that cluster queued and
 * nothing counted lost; -ENOMEM or -EINTR (fatal signal), records of that
 * cluster queued so far stay; -ESHUTDOWN.
 */
int cn_filter_snapshot(struct cn_port *port)
{
	struct cn_snap sn = { };
	struct cn_watch *w;
	int ret = 0;

	mutex_lock(&port->cfg_lock);
	if (READ_ONCE(port->shutdown)) {
		ret = -ESHUTDOWN;
		goto out;
	}
	if (!port->nsubs)
		goto out;
	sn.keys = kvmalloc_array(port->nsubs, sizeof(*sn.keys), GFP_KERNEL);
	if (!sn.keys) {
		ret = -ENOMEM;
		goto out;
	}
	list_for_each_entry(w, &port->watches, port_node) {
		ret = snapshot_cluster(port, w, &sn);
		if (ret)
			break;
	}
	kvfree(sn.keys);
out:
	mutex_unlock(&port->cfg_lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(cn_filter_snapshot);
