/* SPDX-License-Identifier: MIT */
/*
 * libclusnotify: the producer side, over the "clusnotify" generic netlink
 * family (libnl-genl-3).
 *
 * A feed is one generic netlink socket, in the network namespace of the
 * thread that opens it. Through it a producer registers a cluster by name
 * (the feed then owns it: when the feed closes, the cluster turns
 * disconnected) or attaches to one by name, sets and deletes the cluster's
 * objects, posts events, and dumps clusters and objects. Every command needs
 * CAP_NET_ADMIN in the user namespace that owns the network namespace.
 *
 * Batches of any length are split into as many messages as the kernel's
 * limits need (CLUSNOTIFY_EVENTS_MAX or CLUSNOTIFY_OBJECTS_MAX entries, and
 * 64 KiB of attributes in one nest); each message is validated by the kernel
 * as a whole and applied all or none, in the order of the array.
 *
 * Every function returns a value >= 0 on success or a negative errno value
 * on failure, and leaves errno alone. After a failure,
 * clusnotify_feed_errmsg() says why in words: the kernel's extended ack
 * message, or the library's own.
 *
 * Threads: a feed is used by one thread at a time; open one per thread.
 */
#ifndef LIBCLUSNOTIFY_FEED_H
#define LIBCLUSNOTIFY_FEED_H

#include <stddef.h>
#include <stdint.h>
#include <linux/clusnotify.h>
#include <clusnotify.h>

#ifdef __cplusplus
extern "C" {
#endif

struct clusnotify_feed;

/**
 * struct clusnotify_feed_object - an object to set or delete
 *
 * @type and @id are required; the other strings may be NULL (left out).
 * Deleting reads @type and @id only. @state is sent only with
 * CLUSNOTIFY_FEED_OBJ_STATE in @flags.
 */
struct clusnotify_feed_object {
	uint32_t type;		/* CLUSNOTIFY_OBJ_* */
	uint32_t flags;		/* CLUSNOTIFY_FEED_OBJ_* */
	int32_t state;
	uint32_t reserved;	/* must be 0 */
	const char *id;
	const char *name;
	const char *parent_id;
	const char *type_name;
};

#define CLUSNOTIFY_FEED_OBJ_STATE	0x1u

/**
 * struct clusnotify_feed_event - an event to post
 *
 * @id is required but for CLUSTER events; NULL strings are left out (the
 * kernel takes them from the cluster's object of that id). @payload_len
 * bytes at @payload are the payload, none if @payload_len is 0.
 */
struct clusnotify_feed_event {
	uint32_t type;		/* CLUSNOTIFY_OBJ_* */
	uint32_t payload_len;
	uint64_t flag;		/* exactly one bit of the type's ALL */
	const char *id;
	const char *parent_id;
	const char *name;
	const char *type_name;
	const void *payload;
};

/* Producers */
int clusnotify_feed_open(struct clusnotify_feed **feedp, unsigned int flags);
void clusnotify_feed_close(struct clusnotify_feed *feed);
int clusnotify_feed_fd(const struct clusnotify_feed *feed);
const char *clusnotify_feed_errmsg(const struct clusnotify_feed *feed);

/* Clusters */
int clusnotify_feed_register(struct clusnotify_feed *feed, const char *name,
			     uint32_t *cluster_id);
int clusnotify_feed_attach(struct clusnotify_feed *feed, const char *name,
			   uint32_t *cluster_id);
int clusnotify_feed_unregister(struct clusnotify_feed *feed,
			       uint32_t cluster_id);
int clusnotify_feed_get_cluster(struct clusnotify_feed *feed,
				uint32_t cluster_id, const char *name,
				struct clusnotify_cluster_entry *entry);

/* Objects and events; *done (may be NULL) counts what the kernel took. */
int clusnotify_feed_set_objects(struct clusnotify_feed *feed,
				uint32_t cluster_id,
				const struct clusnotify_feed_object *objects,
				size_t count, size_t *done);
int clusnotify_feed_del_objects(struct clusnotify_feed *feed,
				uint32_t cluster_id,
				const struct clusnotify_feed_object *objects,
				size_t count, size_t *done);
int clusnotify_feed_post(struct clusnotify_feed *feed, uint32_t cluster_id,
			 const struct clusnotify_feed_event *events,
			 size_t count, size_t *done, uint64_t *last_seq);

/* Dumps: @fn is called once per entry; a non-zero return stops the calls
 * and is returned once the dump has been read to its end. */
int clusnotify_feed_clusters(struct clusnotify_feed *feed,
			     int (*fn)(const struct clusnotify_cluster_entry *entry,
				       void *arg),
			     void *arg);
int clusnotify_feed_objects(struct clusnotify_feed *feed, uint32_t cluster_id,
			    int (*fn)(const struct clusnotify_object_entry *entry,
				      void *arg),
			    void *arg);

/* A monitor of the namespace (MONITOR_START): the feed then only receives. */
int clusnotify_feed_monitor(struct clusnotify_feed *feed);
int clusnotify_feed_recv(struct clusnotify_feed *feed,
			 struct clusnotify_event *ev, int64_t timeout_ms);

#ifdef __cplusplus
}
#endif

#endif /* LIBCLUSNOTIFY_FEED_H */
