/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The selftests' generic netlink helpers. Every call returns 0 or the
 * -errno the kernel answered with. cn_nl.c implements them on
 * libclusnotify's producer API (clusnotify_feed.h), which splits batches
 * the kernel's limits would refuse; cn_rawnl.c implements the subset
 * compat32_test needs on a bare socket (there is no i386 libnl).
 */
#ifndef CN_NL_H
#define CN_NL_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/clusnotify.h>

struct cn_nl;
struct nl_msg;
struct clusnotify_feed;
struct nl_sock;

/* A cluster as CLUSNOTIFY_CMD_CLUSTER_GET describes it. */
struct cn_cluster {
	uint32_t id;
	uint32_t state;
	char name[CLUSNOTIFY_CLUSTER_NAME_MAX];
	uint64_t seq, posted, matched, delivered, lost;
	uint32_t objects, ports, reconnects;
	uint64_t epoch;
	uint32_t journal_events;
	uint64_t journal_bytes, journal_first;
};

/* An object to set or delete; NULL strings and !has_state are left out. */
struct cn_object {
	uint32_t type;
	const char *id;
	const char *name;
	const char *parent;
	const char *type_name;
	bool has_state;
	int32_t state;
};

/* An object as CLUSNOTIFY_CMD_OBJECT_GET describes it. */
struct cn_object_out {
	uint32_t type;
	bool has_state;
	int32_t state;
	char id[CLUSNOTIFY_ID_MAX];
	char name[CLUSNOTIFY_NAME_MAX];
	char parent[CLUSNOTIFY_ID_MAX];
	char type_name[CLUSNOTIFY_TYPE_NAME_MAX];
};

/* An event to post; NULL strings and a NULL payload are left out. */
struct cn_event {
	uint32_t type;
	uint64_t flag;
	const char *id;
	const char *parent;
	const char *name;
	const char *type_name;
	const void *payload;
	uint32_t payload_len;
};

/* A CLUSNOTIFY_CMD_EVENT multicast message. */
struct cn_mc_event {
	uint32_t cluster_id;
	uint32_t type;
	uint64_t flag;
	uint64_t seq, ts;
	char id[CLUSNOTIFY_ID_MAX];
	char parent[CLUSNOTIFY_ID_MAX];
	char name[CLUSNOTIFY_NAME_MAX];
	char type_name[CLUSNOTIFY_TYPE_NAME_MAX];
	uint32_t payload_len;
	unsigned char payload[CLUSNOTIFY_PAYLOAD_MAX];
};

/* NULL with errno set if the socket or the family is not there. */
struct cn_nl *cn_nl_open(void);
void cn_nl_close(struct cn_nl *nl);
int cn_nl_family(struct cn_nl *nl);

int cn_nl_cluster_register(struct cn_nl *nl, const char *name, uint32_t *id);
int cn_nl_cluster_unregister(struct cn_nl *nl, uint32_t id);
/* By id if id is non-zero, else by name (neither: -EINVAL). */
int cn_nl_cluster_get(struct cn_nl *nl, uint32_t id, const char *name,
		      struct cn_cluster *out);
int cn_nl_cluster_dump(struct cn_nl *nl, struct cn_cluster *out, int max,
		       int *n);

int cn_nl_object_set(struct cn_nl *nl, uint32_t cid,
		     const struct cn_object *objs, int n);
int cn_nl_object_del(struct cn_nl *nl, uint32_t cid,
		     const struct cn_object *objs, int n);
int cn_nl_object_dump(struct cn_nl *nl, uint32_t cid,
		      struct cn_object_out *out, int max, int *n);

/* Split as the kernel's limits need; last_seq, if not NULL, gets the
 * sequence number of the last event posted (0 if none was). */
int cn_nl_post(struct cn_nl *nl, uint32_t cid, const struct cn_event *evs,
	       int n, uint64_t *last_seq);
/* One event, on either implementation. */
static inline int cn_nl_post1(struct cn_nl *nl, uint32_t cid, uint32_t type,
			      uint64_t flag, const char *id)
{
	struct cn_event e = { .type = type, .flag = flag, .id = id };

	return cn_nl_post(nl, cid, &e, 1, NULL);
}

/* A STATE-like event with a 4-byte payload. */
static inline int cn_nl_post_state(struct cn_nl *nl, uint32_t cid,
				   uint32_t type, uint64_t flag, const char *id,
				   int32_t state)
{
	struct cn_event e = {
		.type = type, .flag = flag, .id = id,
		.payload = &state, .payload_len = sizeof(state),
	};

	return cn_nl_post(nl, cid, &e, 1, NULL);
}

/* Makes this socket a monitor (MONITOR_START); it then only receives. */
int cn_nl_subscribe(struct cn_nl *nl);
/* 0, or -ETIMEDOUT if nothing came in timeout_ms. */
int cn_nl_recv_event(struct cn_nl *nl, struct cn_mc_event *ev, int timeout_ms);

/* For hand-made messages (libnl only): a message for cmd with flags. */
struct nl_msg *cn_nl_msg(struct cn_nl *nl, uint8_t cmd, int flags);
/* The library's feed under nl, for tests that need its socket. */
struct clusnotify_feed *cn_nl_feed(struct cn_nl *nl);
/* Sends msg (and frees it) on the feed's socket; replies are dropped. */
int cn_nl_raw(struct cn_nl *nl, struct nl_msg *msg);

#endif /* CN_NL_H */
