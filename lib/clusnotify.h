/* SPDX-License-Identifier: MIT */
/*
 * libclusnotify: the native C API over /dev/clusnotify.
 *
 * A port is one open file description of /dev/clusnotify. Filters and
 * per-object registrations are added to it; events are read from it one at a
 * time as struct clusnotify_event, whose strings and payload point into a
 * buffer the port owns, filled by read() with as many records as fit.
 *
 * Every function returns a value >= 0 on success or a negative errno value on
 * failure, and leaves errno alone.
 *
 * Threads: every function may be called on one port from several threads at
 * once, except clusnotify_port_close(), which must be the last call on the
 * port. clusnotify_peek_event() returns owning the port's buffer; the same
 * thread must end the peek with clusnotify_consume_event() or
 * clusnotify_release_event(). Other threads wait for it no longer than
 * their own timeouts, and nothing owns the buffer while blocked:
 * clusnotify_port_shutdown() from another thread wakes every waiter, which
 * then returns -ESHUTDOWN.
 */
#ifndef LIBCLUSNOTIFY_H
#define LIBCLUSNOTIFY_H

#include <stddef.h>
#include <stdint.h>
#include <linux/clusnotify.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LIBCLUSNOTIFY_VERSION_MAJOR	1
#define LIBCLUSNOTIFY_VERSION_MINOR	4

struct clusnotify_port;

/**
 * struct clusnotify_event - one record, parsed
 *
 * The strings are NUL-terminated UTF-8 and, with the payload, point into the
 * port's buffer: they stay valid until the peek ends (see
 * clusnotify_peek_event()) or, after clusnotify_read_event(), until the next
 * peek or read on the port.
 */
struct clusnotify_event {
	uint32_t object_type;	/* CLUSNOTIFY_OBJ_* */
	uint32_t cluster_id;
	uint64_t filter_flag;	/* the one flag that fired */
	uint64_t key;		/* key of the filter or registration */
	uint64_t seq;		/* per-cluster sequence number */
	uint64_t timestamp_ns;	/* CLOCK_REALTIME of the post */
	uint32_t flags;		/* CLUSNOTIFY_RECORD_* */
	uint32_t payload_len;
	const void *payload;
	const char *object_id;
	const char *parent_id;
	const char *name;
	const char *type_name;
	uint16_t id_len;	/* string lengths, without the NUL */
	uint16_t parent_len;
	uint16_t name_len;
	uint16_t type_len;
};

/* Ports */
int clusnotify_port_open(struct clusnotify_port **portp);
int clusnotify_port_attach(struct clusnotify_port **portp, int fd);
void clusnotify_port_close(struct clusnotify_port *port);
int clusnotify_port_fd(const struct clusnotify_port *port);
int clusnotify_port_shutdown(struct clusnotify_port *port);
int clusnotify_port_stats(struct clusnotify_port *port,
			  struct clusnotify_port_stats *stats);

/* Subscriptions */
int clusnotify_add_filters(struct clusnotify_port *port, uint32_t cluster_id,
			   const struct clusnotify_filter *filters,
			   unsigned int count, uint64_t key);
int clusnotify_register(struct clusnotify_port *port, uint32_t cluster_id,
			uint32_t object_type, const char *object_id,
			uint64_t mask, uint64_t key, uint64_t *reg_id);
int clusnotify_unregister(struct clusnotify_port *port, uint64_t reg_id);
int clusnotify_snapshot(struct clusnotify_port *port);

/* Lookups */
int clusnotify_get_cluster(struct clusnotify_port *port, const char *name,
			   struct clusnotify_cluster_info *info);
int clusnotify_get_object(struct clusnotify_port *port, uint32_t cluster_id,
			  uint32_t object_type, const char *name_or_id,
			  unsigned int flags,
			  struct clusnotify_object_info *info);

/*
 * Enumeration (since 1.1), one batch per call: start with *cursor 0; each
 * call fills up to @count entries (at most CLUSNOTIFY_LIST_MAX) and returns
 * how many, moving *cursor past them; after the last batch *cursor is
 * CLUSNOTIFY_CURSOR_END and a further call returns 0 without asking the
 * kernel. An object present from the first call to the last comes exactly
 * once, whatever is added or removed meanwhile. @object_type 0
 * (CLUSNOTIFY_OBJ_NONE) lists every type.
 */
#define CLUSNOTIFY_CURSOR_END	UINT64_MAX
int clusnotify_list_clusters(struct clusnotify_port *port, uint64_t *cursor,
			     struct clusnotify_cluster_entry *entries,
			     unsigned int count);
int clusnotify_list_objects(struct clusnotify_port *port, uint32_t cluster_id,
			    uint32_t object_type, uint64_t *cursor,
			    struct clusnotify_object_entry *entries,
			    unsigned int count);

/* Events. A negative timeout waits forever; the deadline is fixed at entry. */
int clusnotify_wait(struct clusnotify_port *port, int64_t timeout_ms);
int clusnotify_peek_event(struct clusnotify_port *port,
			  struct clusnotify_event *ev, int64_t timeout_ms);
void clusnotify_consume_event(struct clusnotify_port *port);
void clusnotify_release_event(struct clusnotify_port *port);
int clusnotify_read_event(struct clusnotify_port *port,
			  struct clusnotify_event *ev, int64_t timeout_ms);

/*
 * Resume (since 1.4). clusnotify_add_filters_since() adds filters as
 * clusnotify_add_filters() does and first queues what the cluster's journal
 * holds after the event (@epoch, @seq), or one CLUSNOTIFY_RECORD_GAP record
 * when it cannot (see <linux/clusnotify.h>, ADD_FILTERS). For an event
 * read or peeked, clusnotify_event_info() gives what the record header
 * carries beyond struct clusnotify_event: 0 (and zeroes) for what the
 * kernel did not write. Set @info->size to sizeof(*info).
 */
struct clusnotify_event_info {
	uint32_t size;		/* in: sizeof(struct clusnotify_event_info) */
	uint32_t hdr_len;	/* the record header's length */
	uint64_t epoch;		/* the cluster's epoch */
	uint64_t range_first;	/* LOST, GAP: first sequence number */
	uint64_t range_last;	/* LOST, GAP: last sequence number */
	int32_t prev_state;	/* STATE: the state before, else -1 */
	uint32_t prev_owner_len;
	const char *prev_owner;	/* ownership events: the owner before, or "" */
};
int clusnotify_add_filters_since(struct clusnotify_port *port,
				 uint32_t cluster_id,
				 const struct clusnotify_filter *filters,
				 unsigned int count, uint64_t key,
				 uint64_t epoch, uint64_t seq);
int clusnotify_event_info(struct clusnotify_port *port,
			  const struct clusnotify_event *ev,
			  struct clusnotify_event_info *info);

/* Names of object types and flags, as in the uapi header without prefix */
const char *clusnotify_type_name(uint32_t object_type);
int clusnotify_type_from_name(const char *name, uint32_t *object_type);
uint64_t clusnotify_type_all(uint32_t object_type);
const char *clusnotify_flag_name(uint32_t object_type, uint64_t flag);
int clusnotify_flag_from_name(uint32_t object_type, const char *name,
			      uint64_t *flag);

#ifdef __cplusplus
}
#endif

#endif /* LIBCLUSNOTIFY_H */
