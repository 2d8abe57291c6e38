// SPDX-License-Identifier: GPL-2.0
/*
 * The clusnotify generic netlink family, through libnl-genl-3. Every
 * function returns 0 or a negative errno value.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "nl.h"

/* What a request is waiting for: its replies, then an ack or a dump's end. */
struct xact {
	int err;
	bool done;
	int (*parse)(struct nlattr **tb, void *arg);
	void *arg;
};

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[CLUSNOTIFY_A_MAX + 1];
	struct xact *x = arg;
	int ret;

	if (!x->parse)
		return NL_OK;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, CLUSNOTIFY_A_MAX, NULL) < 0) {
		x->err = -EPROTO;
		return NL_STOP;
	}
	ret = x->parse(tb, x->arg);
	if (ret) {
		x->err = ret;
		return NL_STOP;
	}
	return NL_OK;
}

static int on_done(struct nl_msg *msg, void *arg)
{
	struct xact *x = arg;

	(void)msg;
	x->done = true;
	return NL_STOP;
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct xact *x = arg;

	(void)nla;
	x->err = e->error;
	x->done = true;
	return NL_STOP;
}

/* Sends @msg (freed) and receives until its ack, error or dump end. */
static int transact(struct cn_nl *nl, struct nl_msg *msg,
		    int (*parse)(struct nlattr **tb, void *arg), void *arg)
{
	struct xact x = { .parse = parse, .arg = arg };
	struct nl_cb *cb;
	int ret;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &x);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_done, &x);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_done, &x);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &x);
	ret = nl_send_auto(nl->sk, msg);
	nlmsg_free(msg);
	if (ret < 0) {
		nl_cb_put(cb);
		return ret == -NLE_MSGSIZE ? -EMSGSIZE : -EIO;
	}
	while (!x.done && !x.err) {
		ret = nl_recvmsgs(nl->sk, cb);
		if (ret < 0 && !x.err)
			x.err = -EIO;
	}
	nl_cb_put(cb);
	return x.err;
}

static struct nl_msg *request(struct cn_nl *nl, uint8_t cmd, int flags,
			      size_t size)
{
	struct nl_msg *msg;

	msg = size ? nlmsg_alloc_size(size) : nlmsg_alloc();
	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags,
			 cmd, CLUSNOTIFY_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

int cn_nl_open(struct cn_nl *nl)
{
	int ret;

	nl->sk = nl_socket_alloc();
	if (!nl->sk)
		return -ENOMEM;
	ret = genl_connect(nl->sk);
	if (ret < 0)
		goto err;
	/* Room for batches of events beyond libnl's 32 KiB default. */
	nl_socket_set_buffer_size(nl->sk, 1 << 20, 1 << 20);
	nl_socket_set_msg_buf_size(nl->sk, 1 << 16);
	nl->family = genl_ctrl_resolve(nl->sk, CLUSNOTIFY_GENL_NAME);
	if (nl->family < 0) {
		nl_socket_free(nl->sk);
		nl->sk = NULL;
		return -ENOENT;
	}
	return 0;
err:
	nl_socket_free(nl->sk);
	nl->sk = NULL;
	return -EIO;
}

void cn_nl_close(struct cn_nl *nl)
{
	if (nl->sk)
		nl_socket_free(nl->sk);
	nl->sk = NULL;
}

static int parse_id(struct nlattr **tb, void *arg)
{
	if (!tb[CLUSNOTIFY_A_CLUSTER_ID])
		return -EPROTO;
	*(uint32_t *)arg = nla_get_u32(tb[CLUSNOTIFY_A_CLUSTER_ID]);
	return 0;
}

int cn_nl_register(struct cn_nl *nl, const char *name, uint32_t *id)
{
	struct nl_msg *msg = request(nl, CLUSNOTIFY_CMD_CLUSTER_REGISTER, 0, 0);

	if (!msg)
		return -ENOMEM;
	if (nla_put_string(msg, CLUSNOTIFY_A_CLUSTER_NAME, name) < 0) {
		nlmsg_free(msg);
		return -ENAMETOOLONG;
	}
	*id = 0;
	return transact(nl, msg, parse_id, id);
}

int cn_nl_unregister(struct cn_nl *nl, uint32_t id)
{
	struct nl_msg *msg = request(nl, CLUSNOTIFY_CMD_CLUSTER_UNREGISTER, 0, 0);

	if (!msg)
		return -ENOMEM;
	nla_put_u32(msg, CLUSNOTIFY_A_CLUSTER_ID, id);
	return transact(nl, msg, NULL, NULL);
}

static uint64_t get_u64(struct nlattr *a)
{
	return a ? nla_get_u64(a) : 0;
}

static uint32_t get_u32(struct nlattr *a)
{
	return a ? nla_get_u32(a) : 0;
}

static void parse_cluster(struct nlattr **tb, struct cn_cluster *c)
{
	struct nlattr *st[CLUSNOTIFY_STAT_MAX + 1] = { NULL };

	memset(c, 0, sizeof(*c));
	c->id = get_u32(tb[CLUSNOTIFY_A_CLUSTER_ID]);
	c->state = get_u32(tb[CLUSNOTIFY_A_CLUSTER_STATE]);
	if (tb[CLUSNOTIFY_A_CLUSTER_NAME])
		snprintf(c->name, sizeof(c->name), "%s",
			 nla_get_string(tb[CLUSNOTIFY_A_CLUSTER_NAME]));
	if (tb[CLUSNOTIFY_A_CLUSTER_STATS])
		nla_parse_nested(st, CLUSNOTIFY_STAT_MAX,
				 tb[CLUSNOTIFY_A_CLUSTER_STATS], NULL);
	c->seq = get_u64(st[CLUSNOTIFY_STAT_SEQ]);
	c->posted = get_u64(st[CLUSNOTIFY_STAT_POSTED]);
	c->matched = get_u64(st[CLUSNOTIFY_STAT_MATCHED]);
	c->delivered = get_u64(st[CLUSNOTIFY_STAT_DELIVERED]);
	c->lost = get_u64(st[CLUSNOTIFY_STAT_LOST]);
	c->objects = get_u32(st[CLUSNOTIFY_STAT_OBJECTS]);
	c->ports = get_u32(st[CLUSNOTIFY_STAT_PORTS]);
	c->reconnects = get_u32(st[CLUSNOTIFY_STAT_RECONNECTS]);
}

struct dump_clusters {
	void (*fn)(const struct cn_cluster *c, void *arg);
	void *arg;
};

static int parse_clusters(struct nlattr **tb, void *arg)
{
	struct dump_clusters *d = arg;
	struct cn_cluster c;

	parse_cluster(tb, &c);
	d->fn(&c, d->arg);
	return 0;
}

int cn_nl_clusters(struct cn_nl *nl,
		   void (*fn)(const struct cn_cluster *c, void *arg), void *arg)
{
	struct dump_clusters d = { fn, arg };
	struct nl_msg *msg;

	msg = request(nl, CLUSNOTIFY_CMD_CLUSTER_GET, NLM_F_DUMP, 0);
	if (!msg)
		return -ENOMEM;
	return transact(nl, msg, parse_clusters, &d);
}

struct find_cluster {
	const char *name;
	struct cn_cluster *out;
	bool found;
};

static void find_cluster(const struct cn_cluster *c, void *arg)
{
	struct find_cluster *f = arg;

	if (f->found || (f->name[0] && strcmp(f->name, c->name)))
		return;
	*f->out = *c;
	f->found = true;
}

int cn_nl_cluster(struct cn_nl *nl, const char *name, struct cn_cluster *out)
{
	struct find_cluster f = { name ? name : "", out, false };
	int ret;

	ret = cn_nl_clusters(nl, find_cluster, &f);
	if (ret)
		return ret;
	return f.found ? 0 : -ENOENT;
}

static int put_item(struct nl_msg *msg, int attr, const struct cn_item *it,
		    bool event)
{
	struct nlattr *nest = nla_nest_start(msg, attr | NLA_F_NESTED);

	if (!nest)
		return -EMSGSIZE;
	if (event) {
		if (nla_put_u32(msg, CLUSNOTIFY_EV_A_OBJ_TYPE, it->type) ||
		    nla_put_u64(msg, CLUSNOTIFY_EV_A_FLAG, it->flag) ||
		    nla_put_string(msg, CLUSNOTIFY_EV_A_OBJ_ID, it->id) ||
		    (it->parent &&
		     nla_put_string(msg, CLUSNOTIFY_EV_A_PARENT_ID, it->parent)) ||
		    (it->name && nla_put_string(msg, CLUSNOTIFY_EV_A_NAME, it->name)) ||
		    (it->type_name &&
		     nla_put_string(msg, CLUSNOTIFY_EV_A_TYPE_NAME, it->type_name)) ||
		    (it->has_payload &&
		     nla_put(msg, CLUSNOTIFY_EV_A_PAYLOAD, it->payload_len,
			     it->payload)))
			return -EMSGSIZE;
	} else {
		if (nla_put_u32(msg, CLUSNOTIFY_OBJ_A_TYPE, it->type) ||
		    nla_put_string(msg, CLUSNOTIFY_OBJ_A_ID, it->id) ||
		    (it->name && nla_put_string(msg, CLUSNOTIFY_OBJ_A_NAME, it->name)) ||
		    (it->parent &&
		     nla_put_string(msg, CLUSNOTIFY_OBJ_A_PARENT_ID, it->parent)) ||
		    (it->type_name &&
		     nla_put_string(msg, CLUSNOTIFY_OBJ_A_TYPE_NAME, it->type_name)) ||
		    (it->has_state &&
		     nla_put_s32(msg, CLUSNOTIFY_OBJ_A_STATE, it->state)))
			return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/* The size a message of @n items needs, with room for headers. */
static size_t items_size(const struct cn_item *it, size_t n)
{
	size_t size = 4096, i;

	for (i = 0; i < n; i++)
		size += 128 + CLUSNOTIFY_ID_MAX * 2 + CLUSNOTIFY_NAME_MAX +
			CLUSNOTIFY_TYPE_NAME_MAX + it[i].payload_len;
	return size;
}

static int send_items(struct cn_nl *nl, uint8_t cmd, uint32_t cluster,
		      int list_attr, int item_attr, const struct cn_item *it,
		      size_t n, bool events,
		      int (*parse)(struct nlattr **tb, void *arg), void *arg)
{
	struct nlattr *list;
	struct nl_msg *msg;
	size_t i;

	msg = request(nl, cmd, 0, items_size(it, n));
	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, CLUSNOTIFY_A_CLUSTER_ID, cluster))
		goto too_big;
	list = nla_nest_start(msg, list_attr | NLA_F_NESTED);
	if (!list)
		goto too_big;
	for (i = 0; i < n; i++)
		if (put_item(msg, item_attr, &it[i], events))
			goto too_big;
	nla_nest_end(msg, list);
	return transact(nl, msg, parse, arg);
too_big:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

int cn_nl_object_set(struct cn_nl *nl, uint32_t cluster,
		     const struct cn_item *objs, size_t n)
{
	return send_items(nl, CLUSNOTIFY_CMD_OBJECT_SET, cluster,
			  CLUSNOTIFY_A_OBJECTS, CLUSNOTIFY_A_OBJECT, objs, n,
			  false, NULL, NULL);
}

int cn_nl_object_del(struct cn_nl *nl, uint32_t cluster,
		     const struct cn_item *objs, size_t n)
{
	struct cn_item *bare;
	size_t i;
	int ret;

	bare = calloc(n, sizeof(*bare));
	if (!bare)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		bare[i].type = objs[i].type;
		bare[i].id = objs[i].id;
	}
	ret = send_items(nl, CLUSNOTIFY_CMD_OBJECT_DEL, cluster,
			 CLUSNOTIFY_A_OBJECTS, CLUSNOTIFY_A_OBJECT, bare, n,
			 false, NULL, NULL);
	free(bare);
	return ret;
}

static int parse_seq(struct nlattr **tb, void *arg)
{
	struct nlattr *st[CLUSNOTIFY_STAT_MAX + 1] = { NULL };

	if (tb[CLUSNOTIFY_A_CLUSTER_STATS])
		nla_parse_nested(st, CLUSNOTIFY_STAT_MAX,
				 tb[CLUSNOTIFY_A_CLUSTER_STATS], NULL);
	if (st[CLUSNOTIFY_STAT_SEQ])
		*(uint64_t *)arg = nla_get_u64(st[CLUSNOTIFY_STAT_SEQ]);
	return 0;
}

int cn_nl_post(struct cn_nl *nl, uint32_t cluster, const struct cn_item *evs,
	       size_t n, uint64_t *seq)
{
	uint64_t dummy;

	return send_items(nl, CLUSNOTIFY_CMD_EVENT_POST, cluster,
			  CLUSNOTIFY_A_EVENTS, CLUSNOTIFY_A_EVENT, evs, n, true,
			  parse_seq, seq ? seq : &dummy);
}
