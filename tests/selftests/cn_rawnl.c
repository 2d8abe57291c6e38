// SPDX-License-Identifier: GPL-2.0
/*
 * The part of cn_nl.h that compat32_test needs, on a bare generic netlink
 * socket: there is no i386 libnl to link against. Netlink messages have the
 * same layout for 32-bit and 64-bit processes, so this is plain code.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "cn_nl.h"

struct cn_nl {
	int fd;
	uint16_t family;
	uint32_t seq;
};

struct mb {
	size_t len;
	unsigned char buf[256 * 1024];
};

static struct nlmsghdr *hdr(struct mb *m)
{
	return (struct nlmsghdr *)m->buf;
}

static struct mb *msg_new(uint16_t type, uint8_t cmd, uint8_t version)
{
	struct mb *m = calloc(1, sizeof(*m));
	struct genlmsghdr *g;

	if (!m)
		return NULL;
	hdr(m)->nlmsg_type = type;
	hdr(m)->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	g = (struct genlmsghdr *)(m->buf + NLMSG_HDRLEN);
	g->cmd = cmd;
	g->version = version;
	m->len = NLMSG_HDRLEN + GENL_HDRLEN;
	return m;
}

static struct nlattr *put(struct mb *m, uint16_t type, const void *data,
			  size_t len)
{
	struct nlattr *a = (struct nlattr *)(m->buf + m->len);

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((unsigned char *)a + NLA_HDRLEN, data, len);
	m->len += NLA_ALIGN(a->nla_len);
	return a;
}

static void put_u32(struct mb *m, uint16_t type, uint32_t v)
{
	put(m, type, &v, sizeof(v));
}

static void put_u64(struct mb *m, uint16_t type, uint64_t v)
{
	put(m, type, &v, sizeof(v));
}

static void put_str(struct mb *m, uint16_t type, const char *s)
{
	put(m, type, s, strlen(s) + 1);
}

static struct nlattr *nest(struct mb *m, uint16_t type)
{
	return put(m, type | NLA_F_NESTED, NULL, 0);
}

static void nest_end(struct mb *m, struct nlattr *a)
{
	a->nla_len = m->buf + m->len - (unsigned char *)a;
}

typedef void (*attr_cb)(uint16_t type, const void *data, int len, void *arg);

static void each_attr(const void *p, int len, attr_cb cb, void *arg)
{
	const struct nlattr *a = p;

	while (len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= len) {
		cb(a->nla_type & NLA_TYPE_MASK, (const unsigned char *)a + NLA_HDRLEN,
		   a->nla_len - NLA_HDRLEN, arg);
		len -= NLA_ALIGN(a->nla_len);
		a = (const struct nlattr *)((const unsigned char *)a + NLA_ALIGN(a->nla_len));
	}
}

/* Sends m (and frees it); cb sees the attributes of each reply. */
static int transact(struct cn_nl *nl, struct mb *m, attr_cb cb, void *arg)
{
	static unsigned char rbuf[64 * 1024];
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	uint32_t seq = ++nl->seq;
	ssize_t n;

	if (!m)
		return -ENOMEM;
	hdr(m)->nlmsg_len = m->len;
	hdr(m)->nlmsg_seq = seq;
	n = sendto(nl->fd, m->buf, m->len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel));
	free(m);
	if (n < 0)
		return -errno;
	for (;;) {
		struct nlmsghdr *h;

		n = recv(nl->fd, rbuf, sizeof(rbuf), 0);
		if (n < 0)
			return -errno;
		for (h = (struct nlmsghdr *)rbuf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (cb)
				each_attr((unsigned char *)NLMSG_DATA(h) + GENL_HDRLEN,
					  h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN, cb, arg);
		}
	}
}

static void on_family(uint16_t type, const void *data, int len, void *arg)
{
	if (type == CTRL_ATTR_FAMILY_ID && len >= 2)
		memcpy(arg, data, 2);
}

struct cn_nl *cn_nl_open(void)
{
	struct cn_nl *nl = calloc(1, sizeof(*nl));
	struct sockaddr_nl local = { .nl_family = AF_NETLINK };
	struct mb *m;
	int err;

	if (!nl)
		return NULL;
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl->fd < 0 || bind(nl->fd, (struct sockaddr *)&local, sizeof(local)))
		goto fail;
	m = msg_new(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1);
	if (m)
		put_str(m, CTRL_ATTR_FAMILY_NAME, CLUSNOTIFY_GENL_NAME);
	err = transact(nl, m, on_family, &nl->family);
	if (err || !nl->family) {
		errno = err ? -err : ENOENT;
		goto fail;
	}
	return nl;
fail:
	err = errno;
	if (nl->fd >= 0)
		close(nl->fd);
	free(nl);
	errno = err;
	return NULL;
}

void cn_nl_close(struct cn_nl *nl)
{
	if (!nl)
		return;
	close(nl->fd);
	free(nl);
}

int cn_nl_family(struct cn_nl *nl)
{
	return nl->family;
}

static struct mb *cmd(struct cn_nl *nl, uint8_t c)
{
	return msg_new(nl->family, c, CLUSNOTIFY_GENL_VERSION);
}

static void on_id(uint16_t type, const void *data, int len, void *arg)
{
	if (type == CLUSNOTIFY_A_CLUSTER_ID && len == 4)
		memcpy(arg, data, 4);
}

int cn_nl_cluster_register(struct cn_nl *nl, const char *name, uint32_t *id)
{
	struct mb *m = cmd(nl, CLUSNOTIFY_CMD_CLUSTER_REGISTER);
	uint32_t got = 0;
	int err;

	if (m)
		put_str(m, CLUSNOTIFY_A_CLUSTER_NAME, name);
	err = transact(nl, m, on_id, &got);
	if (!err && !got)
		err = -ENODATA;
	if (id)
		*id = got;
	return err;
}

int cn_nl_cluster_unregister(struct cn_nl *nl, uint32_t id)
{
	struct mb *m = cmd(nl, CLUSNOTIFY_CMD_CLUSTER_UNREGISTER);

	if (m)
		put_u32(m, CLUSNOTIFY_A_CLUSTER_ID, id);
	return transact(nl, m, NULL, NULL);
}

int cn_nl_object_set(struct cn_nl *nl, uint32_t cid,
		     const struct cn_object *objs, int n)
{
	struct mb *m = cmd(nl, CLUSNOTIFY_CMD_OBJECT_SET);
	struct nlattr *all, *one;
	int i;

	if (!m)
		return -ENOMEM;
	put_u32(m, CLUSNOTIFY_A_CLUSTER_ID, cid);
	all = nest(m, CLUSNOTIFY_A_OBJECTS);
	for (i = 0; i < n; i++) {
		const struct cn_object *o = &objs[i];

		one = nest(m, CLUSNOTIFY_A_OBJECT);
		put_u32(m, CLUSNOTIFY_OBJ_A_TYPE, o->type);
		put_str(m, CLUSNOTIFY_OBJ_A_ID, o->id);
		if (o->name)
			put_str(m, CLUSNOTIFY_OBJ_A_NAME, o->name);
		if (o->parent)
			put_str(m, CLUSNOTIFY_OBJ_A_PARENT_ID, o->parent);
		if (o->type_name)
			put_str(m, CLUSNOTIFY_OBJ_A_TYPE_NAME, o->type_name);
		if (o->has_state)
			put_u32(m, CLUSNOTIFY_OBJ_A_STATE, (uint32_t)o->state);
		nest_end(m, one);
	}
	nest_end(m, all);
	return transact(nl, m, NULL, NULL);
}

static void on_stat(uint16_t type, const void *data, int len, void *arg)
{
	if (type == CLUSNOTIFY_STAT_SEQ && len == 8)
		memcpy(arg, data, 8);
}

static void on_stats(uint16_t type, const void *data, int len, void *arg)
{
	if (type == CLUSNOTIFY_A_CLUSTER_STATS)
		each_attr(data, len, on_stat, arg);
}

int cn_nl_post(struct cn_nl *nl, uint32_t cid, const struct cn_event *evs,
	       int n, uint64_t *last_seq)
{
	struct mb *m = cmd(nl, CLUSNOTIFY_CMD_EVENT_POST);
	struct nlattr *all, *one;
	uint64_t seq = 0;
	int i, err;

	if (!m)
		return -ENOMEM;
	put_u32(m, CLUSNOTIFY_A_CLUSTER_ID, cid);
	all = nest(m, CLUSNOTIFY_A_EVENTS);
	for (i = 0; i < n; i++) {
		const struct cn_event *e = &evs[i];

		one = nest(m, CLUSNOTIFY_A_EVENT);
		put_u32(m, CLUSNOTIFY_EV_A_OBJ_TYPE, e->type);
		put_u64(m, CLUSNOTIFY_EV_A_FLAG, e->flag);
		if (e->id)
			put_str(m, CLUSNOTIFY_EV_A_OBJ_ID, e->id);
		if (e->parent)
			put_str(m, CLUSNOTIFY_EV_A_PARENT_ID, e->parent);
		if (e->name)
			put_str(m, CLUSNOTIFY_EV_A_NAME, e->name);
		if (e->type_name)
			put_str(m, CLUSNOTIFY_EV_A_TYPE_NAME, e->type_name);
		if (e->payload)
			put(m, CLUSNOTIFY_EV_A_PAYLOAD, e->payload, e->payload_len);
		nest_end(m, one);
	}
	nest_end(m, all);
	err = transact(nl, m, on_stats, &seq);
	if (last_seq)
		*last_seq = seq;
	return err;
}

