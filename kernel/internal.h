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
 * @ref: one per queue entry, plus the builder's while it builds
 * @rec_len: length of the whole record as read() returns it
 * @rec_flags: CLUSNOTIFY_RECORD_*
 * @object_type: CLUSNOTIFY_OBJ_*
 * @cluster_id: the cluster's id
 * @flag: the one flag that fired
 * @seq: per-cluster sequence number, 0 for records made for one port
 * @timestamp_ns: CLOCK_REALTIME at post
 * @id_len, @parent_len, @name_len, @type_len: string lengths, without NUL
 * @payload_off: offset of the payload in the record
 * @payload_len: payload length
 * @data: the record after its header: strings, padding, payload, padding
 */
struct cn_event {
	refcount_t ref;
	u32 rec_len;
	u16 rec_flags;
	u32 object_type;
	u32 cluster_id;
	u64 flag;
	u64 seq;
	u64 timestamp_ns;
	u16 id_len;
	u16 parent_len;
	u16 name_len;
	u16 type_len;
	u32 payload_off;
	u32 payload_len;
	char data[];
};

size_t cn_event_len(const struct clusnotify_post_event *d);
struct cn_event *cn_event_build(const struct clusnotify_post_event *d, u16 rec_flags,
				gfp_t gfp);
static inline struct cn_event *cn_event_get(struct cn_event *ev)
{
	refcount_inc(&ev->ref);
	return ev;
}
void cn_event_put(struct cn_event *ev);
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
 * @lost_pos: ring position at which the pending LOST record goes
 * @lost_cluster: cluster of the first event lost
 * @lost_key: key of the first event lost
 * @lost_fast: events lost without @lock on a port already full and owing a
 *	LOST record; whoever takes @lock next adds them to @matched, @lost and
 *	@lost_pending (cn_port_fold()), so matched = delivered + lost holds
 * @shutdown: no more queueing or reading
 * @privileged: exempt from per-user limits (CAP_SYS_RESOURCE at open)
 * @kernel: an in-kernel subscriber's port, which does not pin @net
 * @waker: the poster's wake list that last took the port, until it wakes it
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
	u32 lost_cluster;
	u64 lost_key;
	atomic_long_t lost_fast;
	bool shutdown;
	bool privileged;
	bool kernel;
	struct cn_wake_list *waker;

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
};

#define CN_WAKE_BATCH 16

/*
 * A poster's ports to wake once its batch is queued (or when the list
 * fills). Each poster wakes the ports it queued to itself, so no event
 * waits for another poster's batch.
 */
struct cn_wake_list {
	unsigned int n;
	struct cn_port *ports[CN_WAKE_BATCH];
};

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
enum cn_enqueued cn_port_lost(struct cn_port *port, u32 cluster_id, u64 key);
void cn_wake_list_flush(struct cn_wake_list *wl);
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
	char id[CLUSNOTIFY_ID_MAX];
	char name[CLUSNOTIFY_NAME_MAX];
	char parent[CLUSNOTIFY_ID_MAX];
	char type_name[CLUSNOTIFY_TYPE_NAME_MAX];
};

struct cn_net;

/**
 * struct cn_cluster - a registered cluster
 * @ref: the namespace's list holds one, each watch one
 * @release_work: frees the cluster once the last reference is gone
 * @cnet: the namespace's clusnotify state
 * @node: in cnet->clusters, under cnet->lock
 * @id: id, unique in the namespace
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
 * @index_lock: serialises writers of the index and of @watches
 * @by_bit: cluster-wide filters by [type][flag bit] (RCU readers)
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

	struct mutex index_lock;
	struct hlist_head by_bit[CLUSNOTIFY_OBJ_MAX + 1][CN_FLAG_BITS];
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

struct cn_bitnode {
	struct hlist_node node;
	struct cn_sub *sub;
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
 * @rcu: freed after a grace period
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

int cn_filter_add(struct cn_port *port, u32 cluster_id, u64 key,
		  const struct clusnotify_filter *f, unsigned int n);
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
void cn_netlink_mirror(struct cn_cluster *cl, struct cn_event *ev);

#endif /* _CLUSNOTIFY_INTERNAL_H */
