// SPDX-License-Identifier: GPL-2.0
/* The benchmark's generic netlink side (see bench_nl.h). */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include "bench_nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* The group's id, for the bare listeners: the library joins by name. */
static int resolve_group(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	int grp = -ENOENT;

	if (sk && !genl_connect(sk))
		grp = genl_ctrl_resolve_grp(sk, CLUSNOTIFY_GENL_NAME,
					    CLUSNOTIFY_GENL_MCGRP_EVENTS);
	nl_socket_free(sk);
	return grp < 0 ? -ENOENT : grp;
}

int bnl_open(struct bnl *b)
{
	int ret;

	memset(b, 0, sizeof(*b));
	ret = clusnotify_feed_open(&b->feed, 0);
	if (ret)
		return ret;
	b->mcgrp = resolve_group();
	if (b->mcgrp < 0) {
		ret = b->mcgrp;
		bnl_close(b);
	}
	return ret;
}

void bnl_close(struct bnl *b)
{
	clusnotify_feed_close(b->feed);
	memset(b, 0, sizeof(*b));
}

int bnl_cluster_register(struct bnl *b, const char *name, uint32_t *id)
{
	return clusnotify_feed_register(b->feed, name, id);
}

int bnl_cluster_unregister(struct bnl *b, uint32_t id)
{
	return clusnotify_feed_unregister(b->feed, id);
}

int bnl_post(struct bnl *b, uint32_t cid,
	     const struct clusnotify_feed_event *evs, int n)
{
	return clusnotify_feed_post(b->feed, cid, evs, n, NULL, NULL);
}

int mcl_open(bool nonblock, int rcvbuf)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd, err;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC |
		    (nonblock ? SOCK_NONBLOCK : 0), NETLINK_GENERIC);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		goto fail;
	if (rcvbuf > 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		goto fail;
	return fd;
fail:
	err = -errno;
	close(fd);
	return err;
}

int mcl_join(int fd, int grp)
{
	return setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp,
			  sizeof(grp)) ? -errno : 0;
}

int mcl_leave(int fd, int grp)
{
	return setsockopt(fd, SOL_NETLINK, NETLINK_DROP_MEMBERSHIP, &grp,
			  sizeof(grp)) ? -errno : 0;
}

int mcl_parse(const void *buf, int len, uint32_t cid, const char *want,
	      uint64_t *match)
{
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	int n = 0;

	for (; nlmsg_ok(h, len); h = nlmsg_next(h, &len)) {
		struct nlattr *tb[CLUSNOTIFY_A_MAX + 1];
		struct nlattr *eb[CLUSNOTIFY_EV_A_MAX + 1];
		const char *id;

		if (h->nlmsg_type < NLMSG_MIN_TYPE)
			continue;
		if (genlmsg_parse(h, 0, tb, CLUSNOTIFY_A_MAX, NULL) ||
		    !tb[CLUSNOTIFY_A_CLUSTER_ID] || !tb[CLUSNOTIFY_A_EVENT] ||
		    nla_parse_nested(eb, CLUSNOTIFY_EV_A_MAX,
				     tb[CLUSNOTIFY_A_EVENT], NULL))
			continue;
		n++;
		if (nla_get_u32(tb[CLUSNOTIFY_A_CLUSTER_ID]) != cid)
			continue;
		if (want) {
			if (!eb[CLUSNOTIFY_EV_A_OBJ_ID])
				continue;
			id = nla_data(eb[CLUSNOTIFY_EV_A_OBJ_ID]);
			if (strncmp(id, want, nla_len(eb[CLUSNOTIFY_EV_A_OBJ_ID])))
				continue;
		}
		(*match)++;
	}
	return n;
}
