/* SPDX-License-Identifier: GPL-2.0 */
/*
 * clusnotify internals shared between the module's files.
 *
 * Objects and their lifetimes:
 *
 * struct cn_event  - one event body, built once and shared (refcounted) by
 *                    every port queue it reaches.
 * struct cn_port   - one open file of /dev/clusnotify; freed after an RCU
 *                    grace period because posters reach it under RCU.
 * struct cn_watch  - a port watching a cluster; holds a cluster reference.
 * struct cn_sub    - one filter (cluster-wide, indexed by type and flag bit)
 *                    or one registration (indexed by type and object id).
 * struct cn_cluster- a registered cluster of one network namespace.
 *
 * Lock order: cn_ksubs_lock and then a kernel subscription's lock (kapi.c),
 * port->cfg_lock, cnet->lock, cluster->post_lock, cluster->index_lock,
 * port->lock.
 */
#ifndef _CLUSNOTIFY_INTERNAL_H
#define _CLUSNOTIFY_INTERNAL_H

#include <linux/types.h>
#include <linux/idr.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/minmax.h>
#include <linux/rbtree.h>
#include <linux/rhashtable-types.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/uidgid.h>
#include <linux/wait.h>
#include <linux/xarray.h>
#include <uapi/linux/clusnotify.h>

#include "clusnotify.h"

struct net;
struct sock;
struct sk_buff;
struct file;
struct cn_wake_list;
struct poll_table_struct;

/* Module parameters (main.c). */
extern unsigned short cn_dev_mode;
extern int cn_dev_gid;
extern unsigned int cn_max_queued_events;
extern unsigned int cn_max_user_ports;
extern unsigned long cn_max_user_queued_bytes;
extern unsigned int cn_max_port_subs;
extern unsigned int cn_max_user_subs;
extern unsigned int cn_max_cluster_objects;
extern unsigned int cn_max_net_clusters;
extern unsigned int cn_max_net_monitors;
extern unsigned int cn_max_journal_events;
extern unsigned long cn_max_journal_bytes;

/* Highest flag bit any type defines (CLUSTER_UPGRADED is bit 12). */
#define CN_FLAG_BITS 13

/**
 * struct cn_type_info - what the module knows of one object type
 * @all: the type's ALL mask (0: no filter accepted)
 * @state: the type's STATE flag, 0 if it has none
 * @handle_close: the type's HANDLE_CLOSE flag, 0 if it has none
 */
struct cn_type_info {
	u64 all;
	u64 state;
	u64 handle_close;
};

const struct cn_type_info *cn_type_info(u32 type);
int cn_filter_validate(u32 type, u64 mask);
int cn_event_flag_validate(u32 type, u64 flag);
bool cn_string_valid(const char *s, size_t max);

/**
 * struct cn_event - a record body shared by every queue it is on
 * @ref: one per queue entry, plus the builder's while it builds, plus a
 *	post's spare references while it queues (@spare)
 * @rec_flags: CLUSNOTIFY_RECORD_*
 * @id_len, @parent_len, @name_len, @type_len: string lengths, without NUL
 * @object_type: CLUSNOTIFY_OBJ_*
 * @prev_owner_len: length of the fifth string, the previous owner
 * @prev_state: the object's state before the change a STATE event tells,
 *	CLUSNOTIFY_STATE_UNKNOWN otherwise
 * @payload_off: offset of the payload in the record
 * @payload_len: payload length
 * @flag: the one flag that fired
 * @timestamp_ns: CLOCK_REALTIME at post
 * @range_first, @range_last: a GAP record's range, else 0
 * @rec_len: length of the whole record as read() returns it
 * @cluster_id: the cluster's id
 * @seq: per-cluster sequence number, 0 for records made for one port
 * @epoch: the cluster's epoch
 * @spare: while a post queues the event, how many references it holds
 *	for queue entries still to come (cn_event_get_queued()); else NULL
 * @data: the record after its header: strings, padding, payload, padding
 *
 * Laid out for a broadcast, where a reader drops its references while the
 * poster still queues the same event to other ports: every put writes the
 * first 64 bytes, so what the poster reads per port (@rec_len to @spare)
 * starts the next 64, and the poster writes neither (@spare points into its
 * own memory). Sharing one line, each port cost both sides a cache miss.
 */
struct cn_event {
	refcount_t ref;
	u16 rec_flags;
	u16 id_len;
	u32 object_type;
	u16 parent_len;
	u16 name_len;
	u16 type_len;
	u16 prev_owner_len;
	s32 prev_state;
	u32 payload_off;
	u32 payload_len;
	u64 flag;
	u64 timestamp_ns;
	u64 range_first;
	u64 range_last;
	/* What a poster reads for each port it queues to: offset 64. */
	u32 rec_len;
	u32 cluster_id;
	u64 seq;
	u64 epoch;
	u32 *spare;
	char data[];
};

size_t cn_event_len(const struct clusnotify_post_event *d);
struct cn_event *cn_event_build(const struct clusnotify_post_event *d, u16 rec_flags,
				gfp_t gfp);
struct cn_event *cn_event_build_prev(const struct clusnotify_post_event *d,
				     const char *prev_owner, u16 rec_flags,
				     gfp_t gfp);
static inline struct cn_event *cn_event_get(struct cn_event *ev)
{
	refcount_inc(&ev->ref);
	return ev;
}

/* References a post takes at once for the queue entries it makes. */
#define CN_EVENT_SPARE_REFS (1U << 16)
/* A post's spare count before its first queue entry, which takes its own. */
#define CN_EVENT_SPARE_FIRST U32_MAX

/**
 * cn_event_get_queued() - a reference for a queue entry
 * @ev: the event
 *
 * While a post queues @ev, from the references it took in advance: one
 * atomic per CN_EVENT_SPARE_REFS entries rather than one per port, on the
 * line readers write as they put theirs. The first entry takes its own, so
 * that a post that reaches one port pays one atomic, as before.
 *
 * Return: @ev.
 *
 * Context: the event's post (its cluster's post_lock) when @ev->spare is
 * set; any otherwise.
 */
static inline struct cn_event *cn_event_get_queued(struct cn_event *ev)
{
	u32 *spare = ev->spare;

	if (!spare)
		return cn_event_get(ev);
	if (*spare == CN_EVENT_SPARE_FIRST) {
		*spare = 0;
		return cn_event_get(ev);
	}
	if (!*spare) {
		refcount_add(CN_EVENT_SPARE_REFS, &ev->ref);
		*spare = CN_EVENT_SPARE_REFS;
	}
	(*spare)--;
	return ev;
}
void cn_event_put(struct cn_event *ev);
void cn_event_spare_begin(struct cn_event *ev, u32 *spare);
void cn_event_spare_end(struct cn_event *ev);
struct cn_cluster;
struct cn_event *cn_event_make(struct cn_cluster *cl,
			       const struct clusnotify_post_event *d,
			       u16 rec_flags, u64 seq, gfp_t gfp);
int cn_post_event_validate(const struct clusnotify_post_event *e);
static inline const char *cn_event_id(const struct cn_event *ev)
{
	return ev->data;
}

/* What struct cn_user counts. */
enum cn_user_count {
	CN_USER_PORTS,
	CN_USER_QUEUED_BYTES,
	CN_USER_SUBS,
	CN_USER_NCOUNTS,
};

struct user_namespace;

/**
 * struct cn_user - per-user accounting, keyed by (user namespace, kuid)
 * @node: in the table of users, under its lock
 * @ns: the namespace (referenced)
 * @uid: the user
 * @ref: one per port, one per child entry
 * @parent: the entry of the owner of @ns in its parent namespace (referenced),
 *	NULL in the initial namespace
 * @count: what the user and the users of its child namespaces hold
 */
struct cn_user {
	struct hlist_node node;
	struct user_namespace *ns;
	kuid_t uid;
	refcount_t ref;
	struct cn_user *parent;
	atomic_long_t count[CN_USER_NCOUNTS];
};

struct cn_user *cn_user_get(struct user_namespace *ns, kuid_t uid);
struct cn_user *cn_user_get_exempt(void);
void cn_user_put(struct cn_user *user);
bool cn_user_charge(struct cn_user *user, enum cn_user_count what, long n,
		    long limit);
void cn_user_uncharge(struct cn_user *user, enum cn_user_count what, long n);
void cn_users_exit(void);

/*
 * Events of one cluster a port lost since its last LOST record: one LOST
 * record each, in the order their first losses happened.
 */
struct cn_lost {
	u32 cluster_id;
	u64 key;
	u64 epoch;
	u64 count;
	u64 first;
	u64 last;
};

/* Clusters whose losses a port tells apart; more share one record. */
#define CN_LOST_SLOTS 4

/* One entry of a port's ring: the shared body and the key that matched. */
struct cn_qent {
	struct cn_event *ev;
	u64 key;
};

/**
 * struct cn_port - one notification port (one open of /dev/clusnotify)
 * @lock: protects the ring, the counters and @shutdown; taken by posters
 * @wq: readers and pollers
 * @read_lock: serialises readers so a record goes to exactly one of them
 * @ring: power-of-two array of queued entries
 * @mask: ring size - 1
 * @head: next entry to read (free-running)
 * @tail: next entry to fill (free-running)
 * @limit: how many entries may be queued (max_queued_events at open)
 * @reserved: entries a snapshot set aside, counted as taken
 * @queued_bytes: sum of rec_len over queued entries
 * @matched: events that matched
 * @delivered: events queued
 * @lost: events dropped
 * @nread: records read
 * @lost_pending: events lost since the last LOST record was read
 * @lost_pos: ring position at which the pending LOST records go
 * @rd_busy: entries at @head a reader is copying out without the lock; a
 *	shutdown leaves their references to it
 * @lost_by: the pending losses per cluster, @nlost of them, in order of
 *	their first loss; losses of more clusters go to @lost_by[CN_LOST_SLOTS - 1]
 *	with cluster_id 0 (no epoch, no range)
 * @lost_fast: events of cluster @fast_cluster lost without @lock on a port
 *	already full and owing a LOST record; whoever takes @lock next adds
 *	them to @matched, @lost and @lost_pending (fold()), so matched =
 *	delivered + lost holds
 * @fast_first: sequence number of the first of @lost_fast (0: the one
 *	lost while the previous fold ran, at @fast_last)
 * @fast_last: sequence number of the last of @lost_fast
 * @fast_cluster, @fast_key, @fast_epoch: the cluster of the port's first
 *	loss, the only one @lost_fast counts (set once: a poster in flight
 *	cannot count for the wrong cluster), its key and epoch
 * @shutdown: no more queueing or reading
 * @privileged: exempt from per-user limits (CAP_SYS_RESOURCE at open)
 * @kernel: an in-kernel subscriber's port, which does not pin @net
 * @waker: the poster's wake list the port is chained on, until it wakes it
 * @wake_next: the next port on @waker's chain
 * @cfg_lock: protects @watches, @regs and the counts below
 * @watches: struct cn_watch, one per cluster watched
 * @regs: registration id -> struct cn_sub
 * @nsubs: filters and registrations in place
 * @nfilters: of those, cluster-wide filters
 * @net: the network namespace the port was opened in (referenced, but for
 *	a kernel port: its subscription is shut down when the namespace goes)
 * @user: the opener's accounting
 * @ksub: the in-kernel subscription this port delivers to, or NULL
 * @rcu: the port is freed after a grace period
 */
struct cn_port {
	spinlock_t lock;
	wait_queue_head_t wq;
	struct mutex read_lock;
	struct cn_qent *ring;
	u32 mask;
	u32 head;
	u32 tail;
	u32 limit;
	u32 reserved;
	u64 queued_bytes;
	u64 matched;
	u64 delivered;
	u64 lost;
	u64 nread;
	u64 lost_pending;
	u32 lost_pos;
	u32 rd_busy;
	u32 nlost;
	struct cn_lost lost_by[CN_LOST_SLOTS];
	atomic_long_t lost_fast;
	atomic64_t fast_first;
	atomic64_t fast_last;
	u32 fast_cluster;
	u64 fast_key;
	u64 fast_epoch;
	bool shutdown;
	bool privileged;
	bool kernel;
	struct cn_wake_list *waker;
	struct cn_port *wake_next;

	struct mutex cfg_lock;
	struct list_head watches;
	struct xarray regs;
	u32 nsubs;
	u32 nfilters;

	struct net *net;
	struct cn_user *user;
	struct clusnotify_sub *ksub;
	struct rcu_head rcu;
};

/*
 * The bound a per-user limit parameter sets for a port's user: none for a
 * privileged port, which is still counted.
 */
static inline long cn_port_user_limit(const struct cn_port *port,
				      unsigned long param)
{
	return port->privileged ? LONG_MAX : (long)min_t(unsigned long, param,
							 LONG_MAX);
}

/* What cn_port_pop() takes off a port: an event, or a count of lost ones. */
struct cn_popped {
	struct cn_event *ev;
	u64 key;
	u64 lost;
	u32 lost_cluster;
	u64 lost_epoch;
	u64 lost_first;
	u64 lost_last;
};

#define CN_WAKE_BATCH 16

/*
 * A poster's ports to wake once its batch is queued, or as it goes for a
 * long batch (cn_wake_list_flush_due()). A port it marks first
 * (@port->waker) is chained through @port->wake_next, so a batch that
 * reaches ten thousand ports wakes each of them once, not once per event.
 * A port another poster has marked is kept in @other (woken when it
 * fills), so no event waits for another poster's batch. The ports stay
 * valid until the flush: under the RCU read section they were found in, or
 * across sections under cn_wake_srcu (cn_cluster_post()).
 */
struct cn_wake_list {
	struct cn_port *first;
	unsigned int nother;
	struct cn_port *other[CN_WAKE_BATCH];
	/*
	 * Attempts (cn_counts.walked) at cn_wake_list_flush_due()'s last
	 * flush; 0 before its first.
	 */
	u64 woken;
};

extern struct srcu_struct cn_wake_srcu;
void cn_port_sync_wakers(void);
void cn_wake_list_flush_due(struct cn_wake_list *wl, u64 walked);

struct cn_port *cn_port_create(struct net *net, bool kernel);
bool cn_port_pop(struct cn_port *port, struct cn_popped *p);
void cn_port_shutdown(struct cn_port *port);
void cn_port_destroy(struct cn_port *port);
/* What became of one match, for the cluster's counters. */
enum cn_enqueued {
	CN_SKIPPED,
	CN_DELIVERED,
	CN_LOST,
};

/*
 * A batch's counts, added to the cluster's once; @walked counts every
 * enqueue attempt, so the poster can bound the work of one RCU section.
 */
struct cn_counts {
	u64 matched;
	u64 delivered;
	u64 lost;
	u64 walked;
};

enum cn_enqueued cn_port_enqueue(struct cn_port *port, struct cn_event *ev,
				 u64 key, struct cn_wake_list *wl);
void cn_counts_add(struct cn_counts *c, enum cn_enqueued e);
u32 cn_port_room(struct cn_port *port);
int cn_port_reserve(struct cn_port *port, u32 n, u64 bytes);
void cn_port_unreserve(struct cn_port *port, u32 n, u64 bytes);
void cn_port_enqueue_reserved(struct cn_port *port, struct cn_event *ev,
			      u64 key, struct cn_wake_list *wl);
enum cn_enqueued cn_port_lost(struct cn_port *port, u32 cluster_id, u64 key,
			      u64 epoch, u64 seq);
void cn_wake_list_flush(struct cn_wake_list *wl);
void cn_wake_list_flush_srcu(struct cn_wake_list *wl);
ssize_t cn_port_read(struct cn_port *port, char __user *buf, size_t count,
		     bool nonblock);
__poll_t cn_port_poll(struct cn_port *port, struct file *file,
		      struct poll_table_struct *pt);
u32 cn_port_bytes_ready(struct cn_port *port);
void cn_port_stats(struct cn_port *port, struct clusnotify_port_stats *st);

/**
 * struct cn_object - what a cluster keeps of one of its objects
 * @id_node: in cluster->objs_by_id, ordered by (type, id)
 * @name_node: in cluster->objs_by_name, ordered by (type, name)
 * @seq_node: in cluster->objs_by_seq[@type], ordered by @seq
 * @seq: when the cluster first kept it (cluster->obj_seq); the enumeration
 *	cursor, so it stays when the object is replaced
 * @prev_state: @state before its last change (CLUSNOTIFY_STATE_UNKNOWN at
 *	first), for the STATE events' previous state
 * @prev_parent: @parent (the owner: a group's node, a resource's group)
 *	before its last change, empty at first
 *
 * Search trees, not hashes: their cost is logarithmic whatever ids a
 * producer picks, and the (type, id) order gives dumps a cursor that stays
 * valid while objects come and go.
 */
struct cn_object {
	struct rb_node id_node;
	struct rb_node name_node;
	struct rb_node seq_node;
	u64 seq;
	u32 type;
	s32 state;
	s32 prev_state;
	char id[CLUSNOTIFY_ID_MAX];
	char name[CLUSNOTIFY_NAME_MAX];
	char parent[CLUSNOTIFY_ID_MAX];
	char type_name[CLUSNOTIFY_TYPE_NAME_MAX];
	char prev_parent[CLUSNOTIFY_ID_MAX];
};

struct cn_net;

/**
 * struct cn_journal - a cluster's most recent events (journal.c)
 * @ring: @cap references, @n of them from @head (oldest) on
 * @cap: entries (max_journal_events when the cluster was made; 0: none)
 * @head: the oldest's index
 * @n: events kept, numbered contiguously up to the cluster's last
 * @bytes: their rec_len, within max_journal_bytes
 */
struct cn_journal {
	struct cn_event **ring;
	u32 cap;
	u32 head;
	u32 n;
	u64 bytes;
};

int cn_journal_init(struct cn_journal *j);
void cn_journal_clear(struct cn_journal *j);
void cn_journal_destroy(struct cn_journal *j);
void cn_journal_append(struct cn_journal *j, struct cn_event *ev);
u64 cn_journal_first(struct cn_journal *j);
struct cn_event *cn_journal_event(struct cn_journal *j, u32 i);

/**
 * struct cn_cluster - a registered cluster
 * @ref: the namespace's list holds one, each watch one
 * @release_work: frees the cluster once the last reference is gone
 * @cnet: the namespace's clusnotify state
 * @node: in cnet->clusters, under cnet->lock
 * @id: id, unique in the namespace
 * @epoch: random, never 0, set when the cluster is made and kept for its
 *	life (through disconnects and reconnects): sequence numbers compare
 *	only within one epoch
 * @state: CLUSNOTIFY_CLUSTER_*; written under cnet->lock and post_lock
 * @owner_portid: netlink port id of the owning socket, 0 when disconnected
 * @owner_sk: the owning socket (referenced), NULL when disconnected or owned
 *	by a caller without one; a portid alone cannot tell the owner from a
 *	new socket that took the portid before the owner's release notifier ran
 * @reconnects: times registered again
 * @name: the name
 * @post_lock: orders events, snapshots and changes to the object registry
 * @seq: last sequence number, under post_lock
 * @objs_by_id, @objs_by_name, @nobjects: the registry, under post_lock
 * @objs_by_seq: the registry again, per type, ordered by cn_object.seq, for
 *	enumeration (enum.c), under post_lock
 * @obj_seq: last cn_object.seq given, under post_lock
 * @journal: the most recent events, under post_lock
 * @index_lock: serialises writers of the index and of @watches
 * @by_bit: cluster-wide filters by [type][flag bit] (RCU readers)
 * @bit_len: entries on each list of @by_bit, under index_lock; a poster
 *	sizes its runs by them
 * @nregs: registrations on one object of this cluster in cn_regs, under
 *	index_lock; a poster that reads 0 skips the lookup
 * @watches: struct cn_watch of every port watching (RCU readers)
 * @nports: entries on @watches
 * @posted, @matched, @delivered, @lost: counters
 */
struct cn_cluster {
	struct kref ref;
	struct work_struct release_work;
	struct cn_net *cnet;
	struct list_head node;
	u32 id;
	u64 epoch;
	u32 state;
	u32 owner_portid;
	struct sock *owner_sk;
	u32 reconnects;
	char name[CLUSNOTIFY_CLUSTER_NAME_MAX];

	struct mutex post_lock;
	u64 seq;
	struct rb_root objs_by_id;
	struct rb_root objs_by_name;
	u32 nobjects;
	struct rb_root objs_by_seq[CLUSNOTIFY_OBJ_MAX + 1];
	u64 obj_seq;
	struct cn_journal journal;

	struct mutex index_lock;
	struct hlist_head by_bit[CLUSNOTIFY_OBJ_MAX + 1][CN_FLAG_BITS];
	u32 bit_len[CLUSNOTIFY_OBJ_MAX + 1][CN_FLAG_BITS];
	u32 nregs;
	struct list_head watches;
	u32 nports;

	atomic64_t posted;
	atomic64_t matched;
	atomic64_t delivered;
	atomic64_t lost;
};

/**
 * struct cn_net - per network namespace state
 * @lock: protects @clusters, @ids and cluster state changes
 * @clusters: registered clusters in registration order
 * @ids: cluster id -> cluster
 * @nclusters: entries on @clusters
 * @net: the namespace
 */
struct cn_net {
	struct mutex lock;
	struct list_head clusters;
	struct idr ids;
	u32 nclusters;
	struct net *net;
	/* Netlink monitors (monitor.c), under mon_lock. */
	struct mutex mon_lock;
	struct list_head monitors;
	u32 nmonitors;
};

struct cn_net *cn_net(struct net *net);
int cn_cluster_init(void);
void cn_cluster_exit(void);
void cn_cluster_exit_late(void);
struct cn_cluster *cn_cluster_get_by_id(struct net *net, u32 id);
struct cn_cluster *cn_cluster_get_by_name(struct net *net, const char *name);
void cn_cluster_put(struct cn_cluster *cl);
int cn_cluster_register(struct net *net, const char *name, u32 portid,
			struct sock *sk, u32 *id);
int cn_cluster_unregister(struct net *net, u32 id, u32 portid,
			  struct sock *sk);
void cn_cluster_release_portid(struct net *net, u32 portid);
/*
 * Batches up to this many events are posted without an allocation for
 * their event pointers and spare counts (cn_cluster_post()) or, from
 * netlink, their descriptions (the kernel API's callers pass their own): a
 * one-event post is the daemon's usual, and its latency the watcher's.
 */
#define CN_POST_ON_STACK 4
int cn_cluster_post(struct cn_cluster *cl, const struct clusnotify_post_event *descs,
		    unsigned int n, u64 *last_seq);
int cn_cluster_object_set(struct cn_cluster *cl, const struct cn_object *obj);
int cn_cluster_objects_set(struct cn_cluster *cl, const struct cn_object *src,
			   unsigned int n);
int cn_cluster_objects_del(struct cn_cluster *cl, const struct cn_object *src,
			   unsigned int n, unsigned int *bad);
int cn_cluster_object_del(struct cn_cluster *cl, u32 type, const char *id);
int cn_cluster_object_lookup(struct cn_cluster *cl, u32 type, const char *key,
			     bool by_id, struct cn_object *out);
struct cn_object *cn_cluster_object_find(struct cn_cluster *cl, u32 type,
					 const char *id);
struct cn_object *cn_cluster_object_next(struct cn_cluster *cl, u32 type,
					 const char *after);

/**
 * struct cn_watch - a port watching a cluster
 * @port: the port
 * @cluster: the cluster (referenced)
 * @port_node: in port->watches, under port->cfg_lock
 * @cluster_node: in cluster->watches, under index_lock, RCU readers
 * @subs: the port's struct cn_sub on this cluster, under port->cfg_lock
 * @rcu: freed after a grace period
 */
struct cn_watch {
	struct cn_port *port;
	struct cn_cluster *cluster;
	/*
	 * The port's first key on the cluster: the end-of-snapshot marker and
	 * a GAP record, which answer no one filter, carry it. The cluster's
	 * own events take the key of each filter that asks for them.
	 */
	u64 key;
	struct list_head port_node;
	struct list_head cluster_node;
	struct list_head subs;
	struct rcu_head rcu;
};

/* What the registration index is keyed by. */
struct cn_obj_key {
	const struct cn_cluster *cl;
	u32 type;
	const char *id;
};

/*
 * A cluster-wide filter's entry in cluster->by_bit. It carries the port and
 * key its sub gives, so a match that reaches ten thousand ports reads one
 * object per port before the port itself, not three.
 *
 * @bit: the flag bit of the list it is on
 * @solo: no other sub of the port in this cluster shares this entry's type
 * and flag, so a post may queue a whole run of such events through it at
 * once (cn_filter_match_run()). Set before the entry is linked; cleared,
 * under the cluster's post_lock, when a sub that shares them comes.
 */
struct cn_bitnode {
	struct hlist_node node;
	struct cn_port *port;
	u64 key;
	struct cn_sub *sub;
	u8 bit;
	bool solo;
};

/**
 * struct cn_sub - one filter or registration
 * @watch: the port and cluster it belongs to
 * @key: user key
 * @mask: flags
 * @type: object type
 * @reg_id: registration id, 0 for a cluster-wide filter
 * @okey: the registration's key in the registration index:
 *	(cluster, type, @object_id)
 * @object_id: the registration's object id; empty for one on every object
 *	of the type, indexed by flag bit like a filter
 * @watch_node: in watch->subs
 * @obj_node: in the registration index (registrations on one object)
 * @rcu: freed after a grace period of RCU, then one of cn_wake_srcu
 * @nbits: entries of @bits (cluster-wide filters: one per flag bit)
 * @bits: nodes in cluster->by_bit
 */
struct cn_sub {
	struct cn_watch *watch;
	u64 key;
	u64 mask;
	u32 type;
	u32 reg_id;
	struct cn_obj_key okey;
	char object_id[CLUSNOTIFY_ID_MAX];
	struct list_head watch_node;
	struct rhlist_head obj_node;
	struct rcu_head rcu;
	unsigned int nbits;
	struct cn_bitnode bits[];
};

/* Where a port resumes: after event @seq of epoch @epoch. */
struct cn_since {
	u64 epoch;
	u64 seq;
};

int cn_filter_add(struct cn_port *port, u32 cluster_id, u64 key,
		  const struct clusnotify_filter *f, unsigned int n,
		  const struct cn_since *since);
int cn_filter_register(struct cn_port *port, u32 cluster_id, u32 type,
		       u64 mask, u64 key, const char *object_id, u32 *reg_id);
int cn_filter_reserve(struct cn_port *port, u32 *reg_id);
void cn_filter_unreserve(struct cn_port *port, u32 reg_id);
int cn_filter_register_at(struct cn_port *port, u32 reg_id, u32 cluster_id,
			  u32 type, u64 mask, u64 key, const char *object_id);
int cn_filter_unregister(struct cn_port *port, u32 reg_id);
void cn_filter_detach_port(struct cn_port *port);
int cn_filter_snapshot(struct cn_port *port);
int cn_filter_init(void);
void cn_filter_exit(void);
void cn_filter_match(struct cn_cluster *cl, struct cn_event *ev,
		     struct cn_wake_list *wl, struct cn_counts *c);
bool cn_filter_run_ok(const struct cn_event *a, const struct cn_event *b);
void cn_filter_match_run(struct cn_cluster *cl, struct cn_event **evs,
			 unsigned int n, struct cn_wake_list *wl,
			 struct cn_counts *c);

/* enum.c */
void cn_enum_add(struct cn_cluster *cl, struct cn_object *obj);
void cn_enum_del(struct cn_cluster *cl, struct cn_object *obj);
int cn_enum_list_clusters(struct cn_port *port, void __user *uarg);
int cn_enum_list_objects(struct cn_port *port, void __user *uarg);

/* chardev.c */
int cn_copy_arg(void *karg, size_t ksize, size_t ver0, void __user *uarg);
int cn_copy_out(void __user *uarg, const void *karg, size_t ksize, u32 usize);
int cn_chardev_init(void);
void cn_chardev_exit(void);

/* kapi.c */
int cn_kapi_init(void);
void cn_kapi_exit(void);
void cn_kapi_wake(struct clusnotify_sub *sub);
void cn_kapi_net_exit(struct net *net);

/* netlink.c */
int cn_netlink_init(void);
void cn_netlink_exit(void);
void cn_netlink_mirror(struct cn_cluster *cl, struct cn_event **evs,
		       unsigned int n);

int cn_monitor_start(struct net *net, u32 portid, struct sock *sk);
int cn_monitor_stop(struct net *net, u32 portid, struct sock *sk);
void cn_monitor_release_portid(struct net *net, u32 portid);
bool cn_monitor_any(struct net *net);
void cn_monitor_send(struct net *net, struct sk_buff *skb);
void cn_monitor_net_init(struct cn_net *cnet);
void cn_monitor_net_exit(struct cn_net *cnet);

#endif /* _CLUSNOTIFY_INTERNAL_H */
