/* SPDX-License-Identifier: GPL-2.0 */
/*
 * clusnotify in-kernel API: cluster events for other kernel modules.
 *
 * A cluster file system, a fencing driver or a storage target subscribes to
 * a cluster's events with the same filters a userspace port uses, queries
 * objects and membership, and may post events of its own. Every symbol is
 * exported GPL-only in the CLUSNOTIFY namespace: a consumer says
 * CLUSNOTIFY_IMPORT_NS(); once it does, the module loader keeps clusnotify
 * loaded for as long as the consumer is, so a consumer whose exit
 * unsubscribes needs nothing more.
 *
 * Delivery. A subscription has its own bounded queue, like a port. Posting
 * only queues (it never calls into a subscriber), so a slow subscriber can
 * neither stall the feeding daemon nor userspace ports; the subscriber's
 * event callback runs later from a workqueue, in process context, one
 * event at a time per subscription and in order. It may sleep and may
 * take locks, but must not call clusnotify_unsubscribe() on its own
 * subscription (that waits for the callback) and should return promptly:
 * while it runs, its queue fills, and past max_queued_events events are
 * counted lost and reported by a CLUSNOTIFY_RECORD_LOST event.
 *
 * Namespaces. A subscription does not keep its cluster's network namespace
 * alive. When the namespace goes, the subscription gets the cluster's
 * STATE event with CLUSNOTIFY_CLUSTER_DELETED, loses its filters, and is
 * shut down once that is delivered; the subscriber still ends it with
 * clusnotify_unsubscribe() (from its own pernet exit, or later).
 */
#ifndef _CLUSNOTIFY_KAPI_H
#define _CLUSNOTIFY_KAPI_H

#include <linux/module.h>
#include <linux/types.h>
#include <linux/version.h>
#include <uapi/linux/clusnotify.h>

/* Kernels from 6.13 name symbol namespaces with a string literal. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#define CLUSNOTIFY_EXPORT(sym)	EXPORT_SYMBOL_NS_GPL(sym, "CLUSNOTIFY")
#define CLUSNOTIFY_IMPORT_NS()	MODULE_IMPORT_NS("CLUSNOTIFY")
#else
#define CLUSNOTIFY_EXPORT(sym)	EXPORT_SYMBOL_NS_GPL(sym, CLUSNOTIFY)
#define CLUSNOTIFY_IMPORT_NS()	MODULE_IMPORT_NS(CLUSNOTIFY)
#endif

struct net;
struct clusnotify_cluster;
struct clusnotify_sub;

/**
 * struct clusnotify_event - an event as a callback sees it
 * @cluster_id: the cluster's id
 * @object_type: CLUSNOTIFY_OBJ_*
 * @flag: the one flag that fired
 * @key: the key of the filter or registration that matched
 * @seq: per-cluster sequence number
 * @epoch: the cluster's epoch (0 in a LOST event of several clusters)
 * @range_first: a LOST event: the first sequence number lost, else 0
 * @range_last: a LOST event: the last sequence number lost, else 0
 * @timestamp_ns: CLOCK_REALTIME at post
 * @flags: CLUSNOTIFY_RECORD_*
 * @object_id: object id, never NULL
 * @parent_id: parent id, never NULL
 * @name: name, never NULL
 * @type_name: type name, never NULL
 * @payload: payload bytes
 * @payload_len: their length
 * @prev_state: a STATE event's previous state, else CLUSNOTIFY_STATE_UNKNOWN
 * @prev_owner: an ownership event's previous owner, never NULL ("": none)
 *
 * Valid only during the callback.
 */
struct clusnotify_event {
	u32 cluster_id;
	u32 object_type;
	u64 flag;
	u64 key;
	u64 seq;
	u64 epoch;
	u64 range_first;
	u64 range_last;
	u64 timestamp_ns;
	u32 flags;
	const char *object_id;
	const char *parent_id;
	const char *name;
	const char *type_name;
	const void *payload;
	u32 payload_len;
	s32 prev_state;
	const char *prev_owner;
};

/**
 * struct clusnotify_sub_ops - what a subscriber provides
 * @event: called for each event, see "Delivery" above
 */
struct clusnotify_sub_ops {
	void (*event)(struct clusnotify_sub *sub,
		      const struct clusnotify_event *ev, void *ctx);
};

/**
 * struct clusnotify_object - an object as the cluster keeps it
 */
struct clusnotify_object {
	u32 type;
	s32 state;
	char id[CLUSNOTIFY_ID_MAX];
	char name[CLUSNOTIFY_NAME_MAX];
	char parent_id[CLUSNOTIFY_ID_MAX];
	char type_name[CLUSNOTIFY_TYPE_NAME_MAX];
};

/**
 * struct clusnotify_post_event - an event a kernel producer posts
 *
 * Strings may be NULL; those left out are taken from the cluster's object
 * of that id, as for netlink producers.
 */
struct clusnotify_post_event {
	u32 object_type;
	u64 flag;
	const char *object_id;
	const char *parent_id;
	const char *name;
	const char *type_name;
	const void *payload;
	u32 payload_len;
};

struct clusnotify_cluster *clusnotify_cluster_get(struct net *net,
						  const char *name);
void clusnotify_cluster_put(struct clusnotify_cluster *cl);
u32 clusnotify_cluster_id(const struct clusnotify_cluster *cl);

struct clusnotify_sub *
clusnotify_subscribe(struct clusnotify_cluster *cl,
		     const struct clusnotify_filter *filters, unsigned int n,
		     u64 key, const struct clusnotify_sub_ops *ops, void *ctx);
int clusnotify_sub_register(struct clusnotify_sub *sub, u32 object_type,
			    u64 flags, u64 key, const char *object_id,
			    u32 *reg_id);
int clusnotify_sub_unregister(struct clusnotify_sub *sub, u32 reg_id);
int clusnotify_sub_snapshot(struct clusnotify_sub *sub);
void clusnotify_sub_stats(struct clusnotify_sub *sub,
			  struct clusnotify_port_stats *st);
void clusnotify_unsubscribe(struct clusnotify_sub *sub);

int clusnotify_object_get(struct clusnotify_cluster *cl, u32 type,
			  const char *id, struct clusnotify_object *out);
int clusnotify_membership(struct clusnotify_cluster *cl,
			  struct clusnotify_object *nodes, unsigned int max,
			  unsigned int *up);

int clusnotify_post(struct clusnotify_cluster *cl,
		    const struct clusnotify_post_event *events, unsigned int n,
		    u64 *last_seq);

#endif /* _CLUSNOTIFY_KAPI_H */
