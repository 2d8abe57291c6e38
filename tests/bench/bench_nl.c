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

struct call_state {
	int err;	/* 1 while waiting */
	uint32_t id;
};

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	(void)nla;
	((struct call_state *)arg)->err = e->error;
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	(void)msg;
	((struct call_state *)arg)->err = 0;
	return NL_STOP;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[CLUSNOTIFY_A_MAX + 1];
	struct call_state *st = arg;

	if (!genlmsg_parse(nlmsg_hdr(msg), 0, tb, CLUSNOTIFY_A_MAX, NULL) &&
	    tb[CLUSNOTIFY_A_CLUSTER_ID])
		st->id = nla_get_u32(tb[CLUSNOTIFY_A_CLUSTER_ID]);
	return NL_OK;
}

int bnl_open(struct bnl *b)
{
	memset(b, 0, sizeof(*b));
	b->sk = nl_socket_alloc();
	if (!b->sk)
		return -ENOMEM;
	if (genl_connect(b->sk))
		goto fail;
	nl_socket_set_buffer_size(b->sk, 1 << 20, 1 << 20);
	b->family = genl_ctrl_resolve(b->sk, CLUSNOTIFY_GENL_NAME);
	if (b->family < 0)
		goto fail;
	b->cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!b->cb)
		goto fail;
	return 0;
fail:
	nl_socket_free(b->sk);
	b->sk = NULL;
	return -ENOENT;
}

void bnl_close(struct bnl *b)
{
	if (b->cb)
		nl_cb_put(b->cb);
	if (b->sk)
		nl_socket_free(b->sk);
	memset(b, 0, sizeof(*b));
}

/* Sends msg (and frees it), then reads until the ack or an error. */
static int call(struct bnl *b, struct nl_msg *msg, struct call_state *st)
{
	int ret;

	st->err = 1;
	ret = nl_send_auto(b->sk, msg);
	nlmsg_free(msg);
	if (ret < 0)
		return -EIO;
	nl_cb_err(b->cb, NL_CB_CUSTOM, on_error, st);
	nl_cb_set(b->cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, st);
	nl_cb_set(b->cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, st);
	while (st->err > 0) {
		ret = nl_recvmsgs(b->sk, b->cb);
		if (ret < 0 && st->err > 0)
			return -EPROTO;
	}
	return st->err;
}

static struct nl_msg *new_msg(struct bnl *b, uint8_t cmd, size_t size)
{
	struct nl_msg *msg = nlmsg_alloc_size(size);

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, b->family, 0, 0,
				cmd, CLUSNOTIFY_GENL_VERSION)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

int bnl_cluster_register(struct bnl *b, const char *name, uint32_t *id)
{
	struct nl_msg *msg = new_msg(b, CLUSNOTIFY_CMD_CLUSTER_REGISTER, 4096);
	struct call_state st = { 0 };
	int err;

	if (!msg)
		return -ENOMEM;
	nla_put_string(msg, CLUSNOTIFY_A_CLUSTER_NAME, name);
	err = call(b, msg, &st);
	if (!err && !st.id)
		err = -ENODATA;
	*id = st.id;
	return err;
}

int bnl_cluster_unregister(struct bnl *b, uint32_t id)
{
	struct nl_msg *msg = new_msg(b, CLUSNOTIFY_CMD_CLUSTER_UNREGISTER, 4096);
	struct call_state st = { 0 };

	if (!msg)
		return -ENOMEM;
	nla_put_u32(msg, CLUSNOTIFY_A_CLUSTER_ID, id);
	return call(b, msg, &st);
}

int bnl_post(struct bnl *b, uint32_t cid, const struct bev *evs, int n)
{
	size_t size = 256;
	struct call_state st = { 0 };
	struct nlattr *all, *one;
	struct nl_msg *msg;
	int i;

	for (i = 0; i < n; i++)
		size += 96 + evs[i].payload_len +
			(evs[i].id ? strlen(evs[i].id) : 0) +
			(evs[i].parent ? strlen(evs[i].parent) : 0) +
			(evs[i].name ? strlen(evs[i].name) : 0) +
			(evs[i].type_name ? strlen(evs[i].type_name) : 0);
	msg = new_msg(b, CLUSNOTIFY_CMD_EVENT_POST, size);
	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, CLUSNOTIFY_A_CLUSTER_ID, cid))
		goto too_big;
	all = nla_nest_start(msg, CLUSNOTIFY_A_EVENTS | NLA_F_NESTED);
	if (!all)
		goto too_big;
	for (i = 0; i < n; i++) {
		const struct bev *e = &evs[i];

		one = nla_nest_start(msg, CLUSNOTIFY_A_EVENT | NLA_F_NESTED);
		if (!one ||
		    nla_put_u32(msg, CLUSNOTIFY_EV_A_OBJ_TYPE, e->type) ||
		    nla_put_u64(msg, CLUSNOTIFY_EV_A_FLAG, e->flag) ||
		    (e->id && nla_put_string(msg, CLUSNOTIFY_EV_A_OBJ_ID, e->id)) ||
		    (e->parent &&
		     nla_put_string(msg, CLUSNOTIFY_EV_A_PARENT_ID, e->parent)) ||
		    (e->name && nla_put_string(msg, CLUSNOTIFY_EV_A_NAME, e->name)) ||
		    (e->type_name &&
		     nla_put_string(msg, CLUSNOTIFY_EV_A_TYPE_NAME, e->type_name)) ||
		    (e->payload && nla_put(msg, CLUSNOTIFY_EV_A_PAYLOAD,
					   e->payload_len, e->payload)))
			goto too_big;
		nla_nest_end(msg, one);
	}
	nla_nest_end(msg, all);
	return call(b, msg, &st);
too_big:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

int bnl_object_set(struct bnl *b, uint32_t cid, const struct bobj *objs, int n)
{
	struct call_state st = { 0 };
	struct nlattr *all, *one;
	struct nl_msg *msg;
	int i;

	msg = new_msg(b, CLUSNOTIFY_CMD_OBJECT_SET, 256 + (size_t)n * 512);
	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, CLUSNOTIFY_A_CLUSTER_ID, cid))
		goto too_big;
	all = nla_nest_start(msg, CLUSNOTIFY_A_OBJECTS | NLA_F_NESTED);
	if (!all)
		goto too_big;
	for (i = 0; i < n; i++) {
		const struct bobj *o = &objs[i];

		one = nla_nest_start(msg, CLUSNOTIFY_A_OBJECT | NLA_F_NESTED);
		if (!one ||
		    nla_put_u32(msg, CLUSNOTIFY_OBJ_A_TYPE, o->type) ||
		    nla_put_string(msg, CLUSNOTIFY_OBJ_A_ID, o->id) ||
		    (o->name && nla_put_string(msg, CLUSNOTIFY_OBJ_A_NAME, o->name)) ||
		    (o->parent &&
		     nla_put_string(msg, CLUSNOTIFY_OBJ_A_PARENT_ID, o->parent)) ||
		    nla_put_s32(msg, CLUSNOTIFY_OBJ_A_STATE, o->state))
			goto too_big;
		nla_nest_end(msg, one);
	}
	nla_nest_end(msg, all);
	return call(b, msg, &st);
too_big:
	nlmsg_free(msg);
	return -EMSGSIZE;
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
