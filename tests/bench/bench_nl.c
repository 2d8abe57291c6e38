// SPDX-License-Identifier: GPL-2.0
/* The benchmark's generic netlink side (see bench_nl.h). */
#include <errno.h>
#include <poll.h>
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

/* The family's id, for the bare listeners' MONITOR_START. */
static int resolve_family(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	int family = -ENOENT;

	if (sk && !genl_connect(sk))
		family = genl_ctrl_resolve(sk, CLUSNOTIFY_GENL_NAME);
	nl_socket_free(sk);
	return family < 0 ? -ENOENT : family;
}

int bnl_open(struct bnl *b)
{
	int ret;

	memset(b, 0, sizeof(*b));
	ret = clusnotify_feed_open(&b->feed, 0);
	if (ret)
		return ret;
	b->family = resolve_family();
	if (b->family < 0) {
		ret = b->family;
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

/* MONITOR_START or _STOP from a bare socket; events before the answer are dropped. */
static int mcl_monitor(int fd, int family, uint8_t cmd)
{
	static uint32_t seq;
	struct {
		struct nlmsghdr n;
		struct genlmsghdr g;
	} req = {
		.n = { .nlmsg_len = sizeof(req), .nlmsg_type = (uint16_t)family,
		       .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK, .nlmsg_seq = ++seq },
		.g = { .cmd = cmd, .version = CLUSNOTIFY_GENL_VERSION },
	};
	struct pollfd p = { .fd = fd, .events = POLLIN };
	static char buf[1 << 16];

	if (send(fd, &req, sizeof(req), 0) < 0)
		return -errno;
	for (;;) {
		int len;
		struct nlmsghdr *h;

		if (poll(&p, 1, 10000) <= 0)
			return -ETIMEDOUT;
		len = (int)recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (len < 0) {
			if (errno == EAGAIN || errno == ENOBUFS)
				continue;
			return -errno;
		}
		for (h = (struct nlmsghdr *)buf; nlmsg_ok(h, len); h = nlmsg_next(h, &len))
			if (h->nlmsg_type == NLMSG_ERROR && h->nlmsg_seq == req.n.nlmsg_seq)
				return ((struct nlmsgerr *)nlmsg_data(h))->error;
	}
}

int mcl_join(int fd, int family)
{
	return mcl_monitor(fd, family, CLUSNOTIFY_CMD_MONITOR_START);
}

int mcl_leave(int fd, int family)
{
	return mcl_monitor(fd, family, CLUSNOTIFY_CMD_MONITOR_STOP);
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
