// SPDX-License-Identifier: GPL-2.0
/*
 * A notification port's queue: bounded, never silent about loss, read as
 * whole records, woken once per port per posted batch (a long one also
 * wakes the ports it has reached as it goes).
 *
 * The ring is allocated at open and charged to the opener, so queueing an
 * event never allocates: a poster under RCU only takes the port's spinlock.
 */

#include <linux/bitops.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/nsproxy.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/srcu.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>
#include <net/net_namespace.h>

#include <kunit/visibility.h>

#include "internal.h"

/*
 * A poster that keeps ports on its wake list across RCU read sections holds
 * this: a port is freed only after a grace period of each (cn_port_destroy()).
 */
DEFINE_SRCU(cn_wake_srcu);

/* Records read() copies out per lock hold. */
#define CN_READ_BATCH 16
/* Ports a flush out of RCU wakes between two scheduling points. */
#define CN_WAKE_RESCHED 1024
/*
 * Attempts a poster makes before it wakes the ports it has queued to so
 * far: CN_WAKE_FIRST for a batch's first wake-up, CN_WAKE_WORK between the
 * later ones. A run of 16 broadcast events to 10,000 ports takes the poster
 * tens of milliseconds: woken only at its end, the readers would sit idle
 * through it and then drain it all behind the poster. A port with one
 * entry on the run's list has its whole run when that entry is passed, so
 * waking every CN_WAKE_WORK attempts still wakes it once per run; a port
 * that takes the run event by event (cn_filter_match_run()) may be woken
 * more often.
 *
 * The first wake-up comes sooner, so that a long run's first readers start
 * within a few hundred ports rather than after 16,384 attempts (a broadcast
 * to 10,000 ports, in a guest under TCG: first delivery 3.8-5.1 ms after
 * the post began, 1.1-1.5 ms with it). Flushes come only where they did,
 * at a section's end or a run's yield, and a batch makes at most one more
 * of them than it would without: a port queued to all through the batch is
 * woken at most once more. A batch of 16 events to 1,000 ports, as one run,
 * wakes each port once, its first 128 or so before the rest. A single
 * event's fan-out does not yield, so a batch of such events wakes its ports
 * at the first section's end past CN_WAKE_FIRST attempts at the earliest.
 */
#define CN_WAKE_FIRST (1 << 11)
#define CN_WAKE_WORK (1 << 14)

/* A LOST record: the header and its __u64 count, no strings but the NULs. */
struct cn_lost_record {
	struct clusnotify_record hdr;
	char strs[8];
	__u64 count;
};

/*
 * A queued event's body was charged to the poster's memory cgroup, but it
 * stays as long as the slowest port it is queued on keeps it: a reader that
 * never reads pins it. What bounds that is this charge: the bytes queued for
 * a reader's user (and the owners of its user namespaces) stay within
 * max_user_queued_bytes, so an idle reader pins at most that much, whoever
 * posted it.
 */
static bool user_charge(struct cn_port *port, unsigned long len)
{
	return cn_user_charge(port->user, CN_USER_QUEUED_BYTES, len,
			      cn_port_user_limit(port,
					READ_ONCE(cn_max_user_queued_bytes)));
}

static void user_uncharge(struct cn_port *port, unsigned long len)
{
	cn_user_uncharge(port->user, CN_USER_QUEUED_BYTES, len);
}

/**
 * cn_port_create() - make a port for an opener
 * @net: the opener's network namespace
 * @kernel: for an in-kernel subscriber: accounted to root, not limited
 *
 * The port is charged to the opener's user in its user namespace and to the
 * owner of every namespace above (struct cn_user).
 *
 * Return: the port, or ERR_PTR(-EMFILE) past max_user_ports at any of those
 * levels, -ENOMEM.
 */
struct cn_port *cn_port_create(struct net *net, bool kernel)
{
	u32 limit = clamp_t(u32, READ_ONCE(cn_max_queued_events), 1, 1U << 20);
	struct cn_port *port;
	int ret;

	port = kzalloc(sizeof(*port), GFP_KERNEL_ACCOUNT);
	if (!port)
		return ERR_PTR(-ENOMEM);
	spin_lock_init(&port->lock);
	init_waitqueue_head(&port->wq);
	mutex_init(&port->read_lock);
	mutex_init(&port->cfg_lock);
	INIT_LIST_HEAD(&port->watches);
	xa_init_flags(&port->regs, XA_FLAGS_ALLOC1);
	port->limit = limit;
	port->privileged = kernel || capable(CAP_SYS_RESOURCE);

	if (port->privileged)
		port->user = cn_user_get_exempt();
	else
		port->user = cn_user_get(current_user_ns(), current_euid());
	if (!port->user) {
		ret = -ENOMEM;
		goto err_free;
	}
	if (!cn_user_charge(port->user, CN_USER_PORTS, 1,
			    cn_port_user_limit(port, READ_ONCE(cn_max_user_ports)))) {
		ret = -EMFILE;
		goto err_put;
	}

	port->ring = kvcalloc(roundup_pow_of_two(limit), sizeof(*port->ring),
			      GFP_KERNEL_ACCOUNT);
	if (!port->ring) {
		ret = -ENOMEM;
		goto err_user;
	}
	port->mask = roundup_pow_of_two(limit) - 1;
	/*
	 * A kernel subscriber must not keep its namespace alive: the
	 * namespace's exit shuts its subscriptions down instead (kapi.c).
	 */
	port->kernel = kernel;
	port->net = kernel ? net : get_net(net);
	return port;

err_user:
	cn_user_uncharge(port->user, CN_USER_PORTS, 1);
err_put:
	cn_user_put(port->user);
err_free:
	kfree(port);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_IF_KUNIT(cn_port_create);

/*
 * Adds @n losses of a cluster, sequence numbers @first to @last (0: not
 * known, as for a record made for one port), to the pending ones: to the
 * cluster's slot, a new slot, or, once CN_LOST_SLOTS - 1 clusters have
 * one, the last slot, which then names no cluster.
 */
static void lost_add(struct cn_port *port, u32 cluster_id, u64 key, u64 epoch,
		     u64 n, u64 first, u64 last)
{
	struct cn_lost *l;
	unsigned int i;

	lockdep_assert_held(&port->lock);
	if (!port->lost_pending)
		port->lost_pos = port->tail;
	port->lost_pending += n;
	for (i = 0; i < port->nlost; i++)
		if (port->lost_by[i].cluster_id == cluster_id)
			break;
	if (i == port->nlost) {
		if (port->nlost == CN_LOST_SLOTS) {
			i = CN_LOST_SLOTS - 1;
			cluster_id = 0;
			first = last = 0;
			epoch = 0;
		} else {
			port->nlost++;
			port->lost_by[i] = (struct cn_lost) {
				.cluster_id = cluster_id, .key = key,
				.epoch = epoch, .first = first, .last = last,
			};
		}
	}
	l = &port->lost_by[i];
	if (l->cluster_id != cluster_id) {
		/* The shared slot: no cluster, no range. */
		l->cluster_id = 0;
		l->epoch = 0;
		l->first = l->last = 0;
	} else if (first) {
		if (!l->first || first < l->first)
			l->first = first;
		l->last = max(l->last, last);
	}
	l->count += n;
}

/* Takes the first pending slot off; @port->lost_pending follows. */
static void lost_take(struct cn_port *port, struct cn_lost *out)
{
	lockdep_assert_held(&port->lock);
	*out = port->lost_by[0];
	port->nlost--;
	memmove(&port->lost_by[0], &port->lost_by[1],
		port->nlost * sizeof(port->lost_by[0]));
	port->lost_pending -= out->count;
}

/*
 * Losses counted without the lock join the counters. Normally a LOST record
 * is pending then and they only add to its cluster's count; if its reader
 * took it in between, they start a new one here, with the cluster's key.
 * Each cluster's posts are serialised by its post_lock, so at most one
 * poster of @fast_cluster is between setting the range and counting: its
 * sequence number may already be in the range folded now (the range then
 * covers one event more than the count) and is counted at the next fold,
 * with @fast_first 0 and @fast_last its own.
 */
static void fold(struct cn_port *port)
{
	u64 first, last;
	long n;

	lockdep_assert_held(&port->lock);
	if (!atomic_long_read(&port->lost_fast))
		return;
	n = atomic_long_xchg(&port->lost_fast, 0);
	first = atomic64_xchg(&port->fast_first, 0);
	last = atomic64_read(&port->fast_last);
	port->matched += n;
	port->lost += n;
	lost_add(port, port->fast_cluster, port->fast_key, port->fast_epoch, n,
		 first ?: last, last);
}

static void drain(struct cn_port *port)
{
	lockdep_assert_held(&port->lock);
	fold(port);
	while (port->head != port->tail) {
		struct cn_qent *qe = &port->ring[port->head++ & port->mask];

		user_uncharge(port, qe->ev->rec_len);
		/* A reader copying it out puts it (read_events()). */
		if (port->rd_busy)
			port->rd_busy--;
		else
			cn_event_put(qe->ev);
		qe->ev = NULL;
	}
	port->queued_bytes = 0;
	port->lost_pending = 0;
	port->nlost = 0;
}

/**
 * cn_port_shutdown() - stop a port and wake everyone waiting on it
 * @port: the port
 *
 * Queued events are freed; blocked readers return -ESHUTDOWN and pollers see
 * EPOLLHUP. Idempotent.
 */
void cn_port_shutdown(struct cn_port *port)
{
	spin_lock(&port->lock);
	if (port->shutdown) {
		spin_unlock(&port->lock);
		return;
	}
	WRITE_ONCE(port->shutdown, true);
	drain(port);
	spin_unlock(&port->lock);
	wake_up_interruptible_poll(&port->wq, EPOLLHUP);
}
EXPORT_SYMBOL_IF_KUNIT(cn_port_shutdown);

static void port_free_srcu(struct rcu_head *rcu)
{
	struct cn_port *port = container_of(rcu, struct cn_port, rcu);

	kvfree(port->ring);
	kfree(port);
}

/* No RCU reader finds the port now; a wake list may still hold it. */
static void port_free_rcu(struct rcu_head *rcu)
{
	call_srcu(&cn_wake_srcu, rcu, port_free_srcu);
}

/**
 * cn_port_sync_wakers() - wait for posters that may still wake a port
 *
 * After a port is out of the index, a poster that found it before may still
 * queue to it and wake it: for a user port that touches only the port's own
 * memory, but a kernel port's wake queues its subscription's work. This
 * returns once every such poster is done.
 *
 * Context: process context; sleeps.
 */
void cn_port_sync_wakers(void)
{
	synchronize_rcu();
	synchronize_srcu(&cn_wake_srcu);
}

/**
 * cn_port_destroy() - free a port that is shut down and out of the index
 * @port: the port
 *
 * Posters that found the port under RCU may still take its lock; they see
 * it shut down. The memory goes after a grace period of RCU and then one of
 * cn_wake_srcu, since a wake list may keep the port across read sections.
 */
void cn_port_destroy(struct cn_port *port)
{
	cn_user_uncharge(port->user, CN_USER_PORTS, 1);
	cn_user_put(port->user);
	if (!port->kernel)
		put_net(port->net);
	mutex_destroy(&port->read_lock);
	mutex_destroy(&port->cfg_lock);
	call_rcu(&port->rcu, port_free_rcu);
}
EXPORT_SYMBOL_IF_KUNIT(cn_port_destroy);

static void wake(struct cn_port *port)
{
	if (port->ksub)
		cn_kapi_wake(port->ksub);
	else
		wake_up_interruptible_poll(&port->wq, EPOLLIN | EPOLLRDNORM);
}

static void flush_other(struct cn_wake_list *wl)
{
	unsigned int i;

	for (i = 0; i < wl->nother; i++)
		wake(wl->other[i]);
	wl->nother = 0;
}

static void wake_later(struct cn_port *port, struct cn_wake_list *wl)
{
	struct cn_wake_list *old;

	if (!wl) {
		wake(port);
		return;
	}
	/* Ours until our flush clears it: no barrier, no atomic. */
	if (READ_ONCE(port->waker) == wl)
		return;
	/*
	 * Unmarked: the mark makes the port's chain link ours until our flush.
	 * Another poster's: it may be far from its flush, so this poster wakes
	 * the port itself, from a small list of its own. Either way the poster
	 * that queued an event wakes the port after it.
	 */
	old = cmpxchg(&port->waker, NULL, wl);
	if (!old) {
		port->wake_next = wl->first;
		wl->first = port;
		return;
	}
	if (old == wl)
		return;
	if (wl->nother && wl->other[wl->nother - 1] == port)
		return;
	if (wl->nother == ARRAY_SIZE(wl->other))
		flush_other(wl);
	wl->other[wl->nother++] = port;
}

static void count_lost(struct cn_port *port, u32 cluster_id, u64 key,
		       u64 epoch, u64 seq)
{
	lockdep_assert_held(&port->lock);
	port->lost++;
	lost_add(port, cluster_id, key, epoch, 1, seq, seq);
	/* The first cluster to lose a numbered event has the fast path. */
	if (seq && !port->fast_cluster) {
		port->fast_cluster = cluster_id;
		port->fast_key = key;
		port->fast_epoch = epoch;
	}
}

/**
 * cn_port_enqueue() - queue an event that matched a port
 * @port: the port
 * @ev: the event; the queue takes its own reference
 * @key: the key of the filter or registration that matched
 * @wl: the poster's wake list, or NULL to wake the port now
 *
 * Counts the match as delivered or, when the port or its user is full, as
 * lost. A port that is shut down counts nothing. A port that is full and
 * already owes its reader a LOST record is not locked for an event of the
 * cluster it first lost events of: the loss is counted in @port->lost_fast,
 * so a flood on a port nobody reads costs a few atomic operations per
 * match.
 *
 * Return: what became of the match.
 *
 * Context: any context that may take a spinlock, RCU included.
 */
enum cn_enqueued cn_port_enqueue(struct cn_port *port, struct cn_event *ev,
				 u64 key, struct cn_wake_list *wl)
{
	enum cn_enqueued ret = CN_DELIVERED;

	if (READ_ONCE(port->shutdown))
		return CN_SKIPPED;
	if (READ_ONCE(port->lost_pending) && ev->seq &&
	    ev->cluster_id == READ_ONCE(port->fast_cluster) &&
	    READ_ONCE(port->tail) - READ_ONCE(port->head) >= port->limit) {
		/* The range before the count: fold() reads them after it. */
		atomic64_cmpxchg(&port->fast_first, 0, ev->seq);
		atomic64_set(&port->fast_last, ev->seq);
		smp_mb__before_atomic();
		atomic_long_inc(&port->lost_fast);
		wake_later(port, wl);
		return CN_LOST;
	}

	spin_lock(&port->lock);
	if (port->shutdown) {
		spin_unlock(&port->lock);
		return CN_SKIPPED;
	}
	fold(port);
	port->matched++;
	if (port->tail - port->head + port->reserved >= port->limit ||
	    !user_charge(port, ev->rec_len)) {
		count_lost(port, ev->cluster_id, key, ev->epoch, ev->seq);
		ret = CN_LOST;
	} else {
		struct cn_qent *qe = &port->ring[port->tail++ & port->mask];

		qe->ev = cn_event_get_queued(ev);
		qe->key = key;
		port->queued_bytes += ev->rec_len;
		port->delivered++;
	}
	spin_unlock(&port->lock);
	wake_later(port, wl);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(cn_port_enqueue);

/**
 * cn_port_room() - free entries of a port's queue, for a snapshot's estimate
 * @port: the port
 *
 * Return: entries neither queued nor reserved; 0 once shut down.
 */
u32 cn_port_room(struct cn_port *port)
{
	u32 used, room = 0;

	spin_lock(&port->lock);
	used = port->tail - port->head + port->reserved;
	if (!port->shutdown && used < port->limit)
		room = port->limit - used;
	spin_unlock(&port->lock);
	return room;
}

/**
 * cn_port_reserve() - set queue room and bytes aside for records to come
 * @port: the port
 * @n: entries
 * @bytes: their total rec_len, charged to the port's user now
 *
 * All or nothing, so that a caller allocates only records it can queue.
 * Each reserved entry is used by cn_port_enqueue_reserved() or given back
 * with cn_port_unreserve(). Posters see reserved entries as taken.
 *
 * Return: 0; -ENOBUFS if the queue or the user's bytes lack room (nothing
 * is counted lost); -ESHUTDOWN.
 */
int cn_port_reserve(struct cn_port *port, u32 n, u64 bytes)
{
	int ret = 0;

	spin_lock(&port->lock);
	if (port->shutdown)
		ret = -ESHUTDOWN;
	else if ((u64)(u32)(port->tail - port->head) + port->reserved + n >
		 port->limit ||
		 bytes > LONG_MAX || !user_charge(port, bytes))
		ret = -ENOBUFS;
	else
		port->reserved += n;
	spin_unlock(&port->lock);
	return ret;
}

/**
 * cn_port_unreserve() - give back what cn_port_reserve() set aside
 * @port: the port
 * @n: entries not used
 * @bytes: their bytes
 */
void cn_port_unreserve(struct cn_port *port, u32 n, u64 bytes)
{
	spin_lock(&port->lock);
	port->reserved -= n;
	spin_unlock(&port->lock);
	user_uncharge(port, bytes);
}

/**
 * cn_port_enqueue_reserved() - queue a record in an entry reserved for it
 * @port: the port
 * @ev: the event; the queue takes its own reference
 * @key: the key it goes with
 * @wl: the caller's wake list
 *
 * Its bytes were charged by cn_port_reserve(). Counts it matched and
 * delivered; on a port shut down since, gives the entry back.
 */
void cn_port_enqueue_reserved(struct cn_port *port, struct cn_event *ev,
			      u64 key, struct cn_wake_list *wl)
{
	struct cn_qent *qe;

	spin_lock(&port->lock);
	port->reserved--;
	if (port->shutdown) {
		spin_unlock(&port->lock);
		user_uncharge(port, ev->rec_len);
		return;
	}
	qe = &port->ring[port->tail++ & port->mask];
	qe->ev = cn_event_get(ev);
	qe->key = key;
	port->queued_bytes += ev->rec_len;
	port->matched++;
	port->delivered++;
	spin_unlock(&port->lock);
	wake_later(port, wl);
}

void cn_counts_add(struct cn_counts *c, enum cn_enqueued e)
{
	if (e == CN_SKIPPED)
		return;
	c->matched++;
	if (e == CN_DELIVERED)
		c->delivered++;
	else
		c->lost++;
}

/**
 * cn_port_lost() - count an event the port should have had but cannot
 * @port: the port
 * @cluster_id: the event's cluster
 * @key: the key that matched
 * @epoch: the cluster's epoch
 * @seq: the event's sequence number, 0 for one made for this port alone
 *
 * For an event the module failed to build for one port (no memory).
 *
 * Return: what became of the match: lost, or skipped on a port shut down.
 */
enum cn_enqueued cn_port_lost(struct cn_port *port, u32 cluster_id, u64 key,
			      u64 epoch, u64 seq)
{
	enum cn_enqueued ret = CN_SKIPPED;

	spin_lock(&port->lock);
	if (!port->shutdown) {
		fold(port);
		port->matched++;
		count_lost(port, cluster_id, key, epoch, seq);
		ret = CN_LOST;
	}
	spin_unlock(&port->lock);
	wake_later(port, NULL);
	return ret;
}

/*
 * Wakes the chain, then the ports another poster had marked. With
 * @resched (the caller holds cn_wake_srcu, not RCU) it yields every
 * CN_WAKE_RESCHED ports: a batch's chain may hold every port it reached.
 */
static void cn_wake_list_flush_from(struct cn_wake_list *wl, bool resched)
{
	struct cn_port *port, *next;
	unsigned int n = 0;

	for (port = wl->first; port; port = next) {
		/* Read before the mark goes: another poster may chain it next. */
		next = READ_ONCE(port->wake_next);
		cmpxchg(&port->waker, wl, NULL);
		wake(port);
		if (resched && !(++n % CN_WAKE_RESCHED))
			cond_resched();
	}
	wl->first = NULL;
	flush_other(wl);
}

/**
 * cn_wake_list_flush_srcu() - cn_wake_list_flush() for a poster out of RCU
 * @wl: the poster's list
 *
 * Context: process context, cn_wake_srcu held since the ports were queued
 * to, no RCU read lock; may sleep.
 */
void cn_wake_list_flush_srcu(struct cn_wake_list *wl)
{
	might_sleep();
	cn_wake_list_flush_from(wl, true);
}

/**
 * cn_wake_list_flush_due() - wake a long batch's ports so far
 * @wl: the poster's list
 * @walked: the attempts its batch has made (cn_counts.walked)
 *
 * Wakes the ports queued to so far once CN_WAKE_FIRST attempts have passed
 * in the batch, and then each time CN_WAKE_WORK more have since the last
 * of these wake-ups, so their readers start while the batch goes on; else
 * does nothing.
 *
 * Context: as cn_wake_list_flush_srcu().
 */
void cn_wake_list_flush_due(struct cn_wake_list *wl, u64 walked)
{
	/* @wl->woken: 0 until the first flush, at least CN_WAKE_FIRST after. */
	if (walked - wl->woken < (wl->woken ? CN_WAKE_WORK : CN_WAKE_FIRST))
		return;
	cn_wake_list_flush_srcu(wl);
	wl->woken = walked;
}

/**
 * cn_wake_list_flush() - wake every port a poster queued to, once each
 * @wl: the poster's list
 *
 * Context: rcu_read_lock() held since the ports were queued to, or
 * cn_wake_srcu; or, for a list that holds only the caller's own port (a
 * snapshot's, a resume's), neither.
 */
void cn_wake_list_flush(struct cn_wake_list *wl)
{
	cn_wake_list_flush_from(wl, false);
}
EXPORT_SYMBOL_IF_KUNIT(cn_wake_list_flush);

static bool readable(struct cn_port *port)
{
	return READ_ONCE(port->head) != READ_ONCE(port->tail) ||
	       READ_ONCE(port->lost_pending) ||
	       atomic_long_read(&port->lost_fast) || READ_ONCE(port->shutdown);
}

/* Called with user access open (copy_records()): inline, calling nothing. */
static __always_inline void fill_header(struct clusnotify_record *h,
					const struct cn_event *ev, u64 key)
{
	*h = (struct clusnotify_record) {
		.len = ev->rec_len,
		.hdr_len = sizeof(*h),
		.flags = ev->rec_flags,
		.object_type = ev->object_type,
		.cluster_id = ev->cluster_id,
		.filter_flag = ev->flag,
		.key = key,
		.seq = ev->seq,
		.timestamp_ns = ev->timestamp_ns,
		.epoch = ev->epoch,
		.range_first = ev->range_first,
		.range_last = ev->range_last,
		.prev_state = ev->prev_state,
		.prev_owner_len = ev->prev_owner_len,
		.id_len = ev->id_len,
		.parent_len = ev->parent_len,
		.name_len = ev->name_len,
		.type_len = ev->type_len,
		.payload_off = ev->payload_off,
		.payload_len = ev->payload_len,
	};
}

static ssize_t read_lost(struct cn_port *port, char __user *buf, size_t room)
{
	struct cn_lost_record rec = {
		.hdr = {
			.len = sizeof(rec),
			.hdr_len = sizeof(rec.hdr),
			.flags = CLUSNOTIFY_RECORD_LOST |
				 CLUSNOTIFY_RECORD_SYNTHETIC,
			.object_type = CLUSNOTIFY_OBJ_CLUSTER,
			.filter_flag = CLUSNOTIFY_CLUSTER_LOST_NOTIFICATIONS,
			.timestamp_ns = ktime_get_real_ns(),
			.payload_off = offsetof(struct cn_lost_record, count),
			.payload_len = sizeof(rec.count),
			.prev_state = CLUSNOTIFY_STATE_UNKNOWN,
		},
	};

	struct cn_lost l;
	bool none;

	BUILD_BUG_ON(sizeof(rec) % 8);
	lockdep_assert_held(&port->lock);
	if (room < sizeof(rec))
		return -EINVAL;
	lost_take(port, &l);
	rec.hdr.cluster_id = l.cluster_id;
	rec.hdr.key = l.key;
	rec.hdr.epoch = l.epoch;
	rec.hdr.range_first = l.first;
	rec.hdr.range_last = l.last;
	rec.count = l.count;
	spin_unlock(&port->lock);

	if (copy_to_user(buf, &rec, sizeof(rec))) {
		spin_lock(&port->lock);
		/* Give the count back; it is reported with the next loss. */
		none = !port->lost_pending;
		lost_add(port, l.cluster_id, l.key, l.epoch, l.count, l.first,
			 l.last);
		if (none)
			port->lost_pos = port->head;
		return -EFAULT;
	}
	spin_lock(&port->lock);
	port->nread++;
	return sizeof(rec);
}

/*
 * Records @q[0..@n) to @buf, @len bytes in all, with user access opened once
 * for them: word-sized stores (unsafe_copy_to_user), not a string copy per
 * part.
 *
 * Return: how many were copied whole; *@bytes: their length.
 */
static u32 copy_records(char __user *buf, const struct cn_qent *q, u32 n,
			size_t len, size_t *bytes)
{
	const char __user *start = buf;
	struct clusnotify_record h;
	u32 copied = 0;

	if (!user_access_begin(buf, len))
		goto out;
	for (; copied < n; copied++) {
		const struct cn_event *ev = q[copied].ev;

		fill_header(&h, ev, q[copied].key);
		unsafe_copy_to_user(buf, (const char *)&h, sizeof(h), efault);
		unsafe_copy_to_user(buf + sizeof(h), ev->data,
				    ev->rec_len - sizeof(h), efault);
		buf += ev->rec_len;
	}
efault:
	user_access_end();
out:
	*bytes = buf - start;
	return copied;
}

/*
 * Up to CN_READ_BATCH queued events that fit in @room, copied out without
 * the lock: the entries stay queued while they are copied (@rd_busy), so
 * neither a poster's room check nor the user's charge sees them gone early,
 * and they leave the queue together, with one uncharge.
 */
static ssize_t read_events(struct cn_port *port, char __user *buf, size_t room)
{
	struct cn_qent q[CN_READ_BATCH];
	u32 head = port->head, n = 0, copied, i;
	size_t len = 0;

	lockdep_assert_held(&port->lock);
	while (n < CN_READ_BATCH && head + n != port->tail &&
	       !(port->lost_pending && port->lost_pos == head + n)) {
		struct cn_qent *qe = &port->ring[(head + n) & port->mask];

		if (room - len < qe->ev->rec_len)
			break;
		q[n++] = *qe;
		len += qe->ev->rec_len;
	}
	if (!n)
		return -EINVAL;
	port->rd_busy = n;
	spin_unlock(&port->lock);

	copied = copy_records(buf, q, n, len, &len);

	spin_lock(&port->lock);
	if (port->head != head) {
		/*
		 * Shut down meanwhile: the queue is gone, and drain() left
		 * these references to us. What was copied is the reader's.
		 */
		for (i = 0; i < n; i++)
			cn_event_put(q[i].ev);
	} else {
		port->rd_busy = 0;
		/* What was copied leaves the queue; the rest stays queued. */
		for (i = 0; i < copied; i++) {
			port->ring[(head + i) & port->mask].ev = NULL;
			cn_event_put(q[i].ev);
		}
		port->head = head + copied;
		port->queued_bytes -= len;
		port->nread += copied;
		user_uncharge(port, len);
	}
	return copied ? len : -EFAULT;
}

static ssize_t read_some(struct cn_port *port, char __user *buf, size_t count)
{
	ssize_t done = 0, n;

	spin_lock(&port->lock);
	while (!port->shutdown) {
		fold(port);
		if (port->lost_pending && port->lost_pos == port->head)
			n = read_lost(port, buf + done, count - done);
		else if (port->head != port->tail)
			n = read_events(port, buf + done, count - done);
		else
			break;
		if (n < 0) {
			spin_unlock(&port->lock);
			return done ?: n;
		}
		done += n;
	}
	if (port->shutdown && !done)
		done = -ESHUTDOWN;
	spin_unlock(&port->lock);
	return done;
}

/**
 * cn_port_read() - read whole records
 * @port: the port
 * @buf: user buffer
 * @count: its size
 * @nonblock: O_NONBLOCK
 *
 * Return: bytes read; -EINVAL if the first record does not fit (it stays
 * queued); -EAGAIN; -ESHUTDOWN; -EFAULT; -ERESTARTSYS.
 */
ssize_t cn_port_read(struct cn_port *port, char __user *buf, size_t count,
		     bool nonblock)
{
	ssize_t ret;

	for (;;) {
		if (mutex_lock_interruptible(&port->read_lock))
			return -ERESTARTSYS;
		ret = read_some(port, buf, count);
		mutex_unlock(&port->read_lock);
		if (ret)
			return ret;
		if (nonblock)
			return -EAGAIN;
		if (wait_event_interruptible(port->wq, readable(port)))
			return -ERESTARTSYS;
	}
}
EXPORT_SYMBOL_IF_KUNIT(cn_port_read);

/**
 * cn_port_pop() - take the next record off a port, for in-kernel delivery
 * @port: the port
 * @p: out: the event (whose reference passes to the caller) and its key, or
 *     with @p->ev NULL, a count of events lost
 *
 * Return: false when there is nothing to take or the port is shut down.
 */
bool cn_port_pop(struct cn_port *port, struct cn_popped *p)
{
	bool ret = true;

	memset(p, 0, sizeof(*p));
	spin_lock(&port->lock);
	/* Kernel ports are popped, never read(): no batch is being copied. */
	WARN_ON_ONCE(port->rd_busy);
	fold(port);
	if (port->shutdown) {
		ret = false;
	} else if (port->lost_pending && port->lost_pos == port->head) {
		struct cn_lost l;

		lost_take(port, &l);
		p->lost = l.count;
		p->lost_cluster = l.cluster_id;
		p->key = l.key;
		p->lost_epoch = l.epoch;
		p->lost_first = l.first;
		p->lost_last = l.last;
		port->nread++;
	} else if (port->head != port->tail) {
		struct cn_qent *qe = &port->ring[port->head++ & port->mask];

		p->ev = qe->ev;
		p->key = qe->key;
		qe->ev = NULL;
		port->queued_bytes -= p->ev->rec_len;
		port->nread++;
		user_uncharge(port, p->ev->rec_len);
	} else {
		ret = false;
	}
	spin_unlock(&port->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(cn_port_pop);

/**
 * cn_port_poll() - readiness
 * @port: the port
 * @file: its file
 * @pt: the poll table
 *
 * Return: EPOLLIN | EPOLLRDNORM while records are queued; EPOLLHUP once the
 * port is shut down.
 */
__poll_t cn_port_poll(struct cn_port *port, struct file *file,
		      struct poll_table_struct *pt)
{
	__poll_t mask = 0;

	poll_wait(file, &port->wq, pt);
	spin_lock(&port->lock);
	fold(port);
	if (port->shutdown)
		mask = EPOLLHUP;
	else if (port->head != port->tail || port->lost_pending)
		mask = EPOLLIN | EPOLLRDNORM;
	spin_unlock(&port->lock);
	return mask;
}

/**
 * cn_port_bytes_ready() - what FIONREAD reports
 * @port: the port
 *
 * Return: the bytes read() would return if the buffer were large enough,
 * at most INT_MAX.
 */
u32 cn_port_bytes_ready(struct cn_port *port)
{
	u64 n;

	spin_lock(&port->lock);
	fold(port);
	n = port->queued_bytes +
	    (u64)port->nlost * sizeof(struct cn_lost_record);
	spin_unlock(&port->lock);
	/* FIONREAD's int: a privileged port may queue more than 2 GiB. */
	return min_t(u64, n, INT_MAX);
}
EXPORT_SYMBOL_IF_KUNIT(cn_port_bytes_ready);

/**
 * cn_port_stats() - the port's counters
 * @port: the port
 * @st: filled in but for @st->size
 */
void cn_port_stats(struct cn_port *port, struct clusnotify_port_stats *st)
{
	struct cn_watch *w;
	u32 clusters = 0;

	mutex_lock(&port->cfg_lock);
	list_for_each_entry(w, &port->watches, port_node)
		clusters++;
	st->filters = port->nfilters;
	st->registrations = port->nsubs - port->nfilters;
	st->clusters = clusters;
	mutex_unlock(&port->cfg_lock);

	spin_lock(&port->lock);
	fold(port);
	st->queued = port->tail - port->head;
	st->queued_bytes = port->queued_bytes;
	st->matched = port->matched;
	st->delivered = port->delivered;
	st->lost = port->lost;
	st->read = port->nread;
	spin_unlock(&port->lock);
}
EXPORT_SYMBOL_IF_KUNIT(cn_port_stats);
