/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The benchmark's generic netlink side, on libnl-genl-3: a poster that
 * builds each EVENT_POST batch as a daemon would (one message, waits for
 * the kernel's answer), and bare multicast listeners for the baselines.
 * Every call returns 0 or a negative errno.
 */
#ifndef CNBENCH_NL_H
#define CNBENCH_NL_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/clusnotify.h>

struct nl_sock;
struct nl_cb;

struct bnl {
	struct nl_sock *sk;
	struct nl_cb *cb;
	int family;
};

/* An event to post; NULL strings and a NULL payload are left out. */
struct bev {
	uint32_t type;
	uint64_t flag;
	const char *id;
	const char *parent;
	const char *name;
	const char *type_name;
	const void *payload;
	uint32_t payload_len;
};

/* An object to set; NULL strings are left out. */
struct bobj {
	uint32_t type;
	const char *id;
	const char *name;
	const char *parent;
	int32_t state;
};

int bnl_open(struct bnl *b);
void bnl_close(struct bnl *b);
int bnl_cluster_register(struct bnl *b, const char *name, uint32_t *id);
int bnl_cluster_unregister(struct bnl *b, uint32_t id);
/* One EVENT_POST of n events (1..CLUSNOTIFY_EVENTS_MAX); waits for the ack. */
int bnl_post(struct bnl *b, uint32_t cid, const struct bev *evs, int n);
/* One OBJECT_SET of n objects (1..CLUSNOTIFY_OBJECTS_MAX). */
int bnl_object_set(struct bnl *b, uint32_t cid, const struct bobj *objs, int n);

/*
 * A bare netlink listener: a NETLINK_GENERIC socket, not yet a monitor;
 * rcvbuf > 0 forces that receive buffer (root). mcl_join() makes it a
 * monitor of its namespace (every event posted there, one copy each, as a
 * multicast group would deliver), mcl_leave() ends that.
 */
int mcl_open(bool nonblock, int rcvbuf);
int mcl_join(int fd, int family);
int mcl_leave(int fd, int family);
/*
 * Parses one received buffer of CLUSNOTIFY_CMD_EVENT messages as a
 * userspace filter would: per message, cluster id and object id. Returns
 * the number of events in it; *match counts those of cluster cid whose
 * object id is want (want NULL: every event of cid matches).
 */
int mcl_parse(const void *buf, int len, uint32_t cid, const char *want,
	      uint64_t *match);

#endif /* CNBENCH_NL_H */
