/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The benchmark's generic netlink side: the poster is libclusnotify's
 * producer API (clusnotify_feed.h), each EVENT_POST of a batch waits for the
 * kernel's answer as a daemon's would; bare multicast listeners on raw
 * sockets are the baselines. Every call returns 0 or a negative errno.
 */
#ifndef CNBENCH_NL_H
#define CNBENCH_NL_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/clusnotify.h>
#include <clusnotify_feed.h>

struct bnl {
	struct clusnotify_feed *feed;
	int family;	/* for the bare listeners */
};

int bnl_open(struct bnl *b);
void bnl_close(struct bnl *b);
int bnl_cluster_register(struct bnl *b, const char *name, uint32_t *id);
int bnl_cluster_unregister(struct bnl *b, uint32_t id);
/* n events in as few EVENT_POSTs as the kernel takes; waits for each ack. */
int bnl_post(struct bnl *b, uint32_t cid,
	     const struct clusnotify_feed_event *evs, int n);

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
