// SPDX-License-Identifier: GPL-2.0
/* The selftests' generic netlink client, on libnl-genl-3. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include "cn_nl.h"

struct cn_nl {
	struct nl_sock *sk;
	int family;
};

struct cn_nl *cn_nl_open(void)
{
	struct cn_nl *nl = calloc(1, sizeof(*nl));
	int err = ENOMEM;

	if (!nl)
		goto fail;
	nl->sk = nl_socket_alloc();
	if (!nl->sk)
		goto free_nl;
	err = EIO;
	if (genl_connect(nl->sk))
		goto free_sock;
	nl_socket_set_buffer_size(nl->sk, 1 << 20, 1 << 20);
	nl->family = genl_ctrl_resolve(nl->sk, CLUSNOTIFY_GENL_NAME);
	err = ENOENT;
	if (nl->family < 0)
		goto free_sock;
	return nl;

free_sock:
	nl_socket_free(nl->sk);
free_nl:
	free(nl);
fail:
	errno = err;
	return NULL;
}

void cn_nl_close(struct cn_nl *nl)
{
	if (!nl)
		return;
	nl_socket_free(nl->sk);
	free(nl);
}

int cn_nl_family(struct cn_nl *nl)
{
	return nl->family;
}

struct nl_msg *cn_nl_msg(struct cn_nl *nl, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc_size(256 * 1024);

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags,
			 cmd, CLUSNOTIFY_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	(void)nla;
	*(int *)arg = e->error;
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	(void)msg;
	*(int *)arg = 0;
	return NL_STOP;
}

/* A dump that fails after it started reports the error in NLMSG_DONE. */
static int on_finish(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *h = nlmsg_hdr(msg);
	int err = 0;

	if (nlmsg_datalen(h) >= (int)sizeof(int))
		memcpy(&err, nlmsg_data(h), sizeof(int));
	*(int *)arg = err < 0 ? err : 0;
	return NL_STOP;
}

int cn_nl_call(struct cn_nl *nl, struct nl_msg *msg,
	       int (*valid)(struct nl_msg *, void *), void *arg)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	int err = 1, ret;

	if (!cb || !msg) {
		nlmsg_free(msg);
		nl_cb_put(cb);
		return -ENOMEM;
	}
	ret = nl_send_auto(nl->sk, msg);
	nlmsg_free(msg);
	if (ret < 0) {
		nl_cb_put(cb);
		return -EIO;
	}
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &err);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &err);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &err);
	if (valid)
		nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid, arg);
	while (err > 0) {
		ret = nl_recvmsgs(nl->sk, cb);
		if (ret < 0 && err > 0) {
			fprintf(stderr, "# nl_recvmsgs: %s\n", nl_geterror(ret));
			err = -EPROTO;
		}
	}
	nl_cb_put(cb);
	return err;
}

static int parse(struct nl_msg *msg, struct nlattr **tb)
{
	return genlmsg_parse(nlmsg_hdr(msg), 0, tb, CLUSNOTIFY_A_MAX, NULL);
}

static void copy_str(char *dst, size_t len, const struct nlattr *a)
{
	dst[0] = 0;
	if (a)
		snprintf(dst, len, "%.*s", nla_len(a), (const char *)nla_data(a));
}

struct id_reply {
	uint32_t id;
	bool seen;
};

static int on_cluster_id(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[CLUSNOTIFY_A_MAX + 1];
	struct id_reply *r = arg;

	if (!parse(msg, tb) && tb[CLUSNOTIFY_A_CLUSTER_ID]) {
		r->id = nla_get_u32(tb[CLUSNOTIFY_A_CLUSTER_ID]);
		r->seen = true;
	}
	return NL_OK;
}

int cn_nl_cluster_register(struct cn_nl *nl, const char *name, uint32_t *id)
{
	struct nl_msg *msg = cn_nl_msg(nl, CLUSNOTIFY_CMD_CLUSTER_REGISTER, 0);
	struct id_reply r = { 0 };
	int err;

	if (msg && name)
		nla_put_string(msg, CLUSNOTIFY_A_CLUSTER_NAME, name);
	err = cn_nl_call(nl, msg, on_cluster_id, &r);
	if (!err && !r.seen)
		err = -ENODATA;
	if (id)
		*id = r.id;
	return err;
}

int cn_nl_cluster_unregister(struct cn_nl *nl, uint32_t id)
{
	struct nl_msg *msg = cn_nl_msg(nl, CLUSNOTIFY_CMD_CLUSTER_UNREGISTER, 0);

	if (msg)
		nla_put_u32(msg, CLUSNOTIFY_A_CLUSTER_ID, id);
	return cn_nl_call(nl, msg, NULL, NULL);
}

static void parse_cluster(struct nlattr **tb, struct cn_cluster *c)
{
	struct nlattr *st[CLUSNOTIFY_STAT_MAX + 1];

	memset(c, 0, sizeof(*c));
	if (tb[CLUSNOTIFY_A_CLUSTER_ID])
		c->id = nla_get_u32(tb[CLUSNOTIFY_A_CLUSTER_ID]);
	if (tb[CLUSNOTIFY_A_CLUSTER_STATE])
		c->state = nla_get_u32(tb[CLUSNOTIFY_A_CLUSTER_STATE]);
	copy_str(c->name, sizeof(c->name), tb[CLUSNOTIFY_A_CLUSTER_NAME]);
	if (!tb[CLUSNOTIFY_A_CLUSTER_STATS] ||
	    nla_parse_nested(st, CLUSNOTIFY_STAT_MAX,
			     tb[CLUSNOTIFY_A_CLUSTER_STATS], NULL))
		return;
	c->has_stats = true;
#define U64(a, f) if (st[a]) c->f = nla_get_u64(st[a])
#define U32(a, f) if (st[a]) c->f = nla_get_u32(st[a])
	U64(CLUSNOTIFY_STAT_SEQ, seq);
	U64(CLUSNOTIFY_STAT_POSTED, posted);
	U64(CLUSNOTIFY_STAT_MATCHED, matched);
	U64(CLUSNOTIFY_STAT_DELIVERED, delivered);
	U64(CLUSNOTIFY_STAT_LOST, lost);
	U32(CLUSNOTIFY_STAT_OBJECTS, objects);
	U32(CLUSNOTIFY_STAT_PORTS, ports);
	U32(CLUSNOTIFY_STAT_RECONNECTS, reconnects);
	U64(CLUSNOTIFY_STAT_EPOCH, epoch);
	U32(CLUSNOTIFY_STAT_JOURNAL_EVENTS, journal_events);
	U64(CLUSNOTIFY_STAT_JOURNAL_BYTES, journal_bytes);
	U64(CLUSNOTIFY_STAT_JOURNAL_FIRST, journal_first);
#undef U64
#undef U32
}

struct cluster_list {
	struct cn_cluster *out;
	int max, n;
};

static int on_cluster(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[CLUSNOTIFY_A_MAX + 1];
	struct cluster_list *l = arg;

	if (parse(msg, tb))
		return NL_OK;
	if (l->n < l->max)
		parse_cluster(tb, &l->out[l->n]);
	l->n++;
	return NL_OK;
}

int cn_nl_cluster_get(struct cn_nl *nl, uint32_t id, const char *name,
		      struct cn_cluster *out)
{
	struct nl_msg *msg = cn_nl_msg(nl, CLUSNOTIFY_CMD_CLUSTER_GET, 0);
	struct cluster_list l = { .out = out, .max = 1 };
	int err;

	if (msg && id)
		nla_put_u32(msg, CLUSNOTIFY_A_CLUSTER_ID, id);
	else if (msg && name)
		nla_put_string(msg, CLUSNOTIFY_A_CLUSTER_NAME, name);
	err = cn_nl_call(nl, msg, on_cluster, &l);
	if (!err && l.n != 1)
		err = -ENODATA;
	return err;
}

int cn_nl_cluster_dump(struct cn_nl *nl, struct cn_cluster *out, int max,
		       int *n)
{
	struct nl_msg *msg = cn_nl_msg(nl, CLUSNOTIFY_CMD_CLUSTER_GET, NLM_F_DUMP);
	struct cluster_list l = { .out = out, .max = max };
	int err;

	err = cn_nl_call(nl, msg, on_cluster, &l);
	*n = l.n;
	return err;
}

static int put_objects(struct nl_msg *msg, const struct cn_object *objs,
		       int n, bool del)
{
	struct nlattr *all, *one;
	int i;

	all = nla_nest_start(msg, CLUSNOTIFY_A_OBJECTS | NLA_F_NESTED);
	if (!all)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		const struct cn_object *o = &objs[i];

		one = nla_nest_start(msg, CLUSNOTIFY_A_OBJECT | NLA_F_NESTED);
		if (!one)
			return -ENOMEM;
		nla_put_u32(msg, CLUSNOTIFY_OBJ_A_TYPE, o->type);
		if (o->id)
			nla_put_string(msg, CLUSNOTIFY_OBJ_A_ID, o->id);
		if (!del && o->name)
			nla_put_string(msg, CLUSNOTIFY_OBJ_A_NAME, o->name);
		if (!del && o->parent)
			nla_put_string(msg, CLUSNOTIFY_OBJ_A_PARENT_ID, o->parent);
		if (!del && o->type_name)
			nla_put_string(msg, CLUSNOTIFY_OBJ_A_TYPE_NAME, o->type_name);
		if (!del && o->has_state)
			nla_put_s32(msg, CLUSNOTIFY_OBJ_A_STATE, o->state);
		nla_nest_end(msg, one);
	}
	nla_nest_end(msg, all);
	return 0;
}

static int object_cmd(struct cn_nl *nl, uint8_t cmd, uint32_t cid,
		      const struct cn_object *objs, int n)
{
	struct nl_msg *msg = cn_nl_msg(nl, cmd, 0);

	if (msg) {
		nla_put_u32(msg, CLUSNOTIFY_A_CLUSTER_ID, cid);
		put_objects(msg, objs, n, cmd == CLUSNOTIFY_CMD_OBJECT_DEL);
	}
	return cn_nl_call(nl, msg, NULL, NULL);
}

int cn_nl_object_set(struct cn_nl *nl, uint32_t cid,
		     const struct cn_object *objs, int n)
{
	return object_cmd(nl, CLUSNOTIFY_CMD_OBJECT_SET, cid, objs, n);
}

int cn_nl_object_del(struct cn_nl *nl, uint32_t cid,
		     const struct cn_object *objs, int n)
{
	return object_cmd(nl, CLUSNOTIFY_CMD_OBJECT_DEL, cid, objs, n);
}

struct object_list {
	struct cn_object_out *out;
	int max, n;
};

static int on_object(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[CLUSNOTIFY_A_MAX + 1];
	struct nlattr *ob[CLUSNOTIFY_OBJ_A_MAX + 1];
	struct object_list *l = arg;
	struct cn_object_out *o;

	if (parse(msg, tb) || !tb[CLUSNOTIFY_A_OBJECT] ||
	    nla_parse_nested(ob, CLUSNOTIFY_OBJ_A_MAX, tb[CLUSNOTIFY_A_OBJECT],
			     NULL))
		return NL_OK;
	if (l->n >= l->max) {
		l->n++;
		return NL_OK;
	}
	o = &l->out[l->n++];
	memset(o, 0, sizeof(*o));
	if (ob[CLUSNOTIFY_OBJ_A_TYPE])
		o->type = nla_get_u32(ob[CLUSNOTIFY_OBJ_A_TYPE]);
	if (ob[CLUSNOTIFY_OBJ_A_STATE]) {
		o->has_state = true;
		o->state = (int32_t)nla_get_u32(ob[CLUSNOTIFY_OBJ_A_STATE]);
	}
	copy_str(o->id, sizeof(o->id), ob[CLUSNOTIFY_OBJ_A_ID]);
	copy_str(o->name, sizeof(o->name), ob[CLUSNOTIFY_OBJ_A_NAME]);
	copy_str(o->parent, sizeof(o->parent), ob[CLUSNOTIFY_OBJ_A_PARENT_ID]);
	copy_str(o->type_name, sizeof(o->type_name),
		 ob[CLUSNOTIFY_OBJ_A_TYPE_NAME]);
	return NL_OK;
}

int cn_nl_object_dump(struct cn_nl *nl, uint32_t cid,
		      struct cn_object_out *out, int max, int *n)
{
	struct nl_msg *msg = cn_nl_msg(nl, CLUSNOTIFY_CMD_OBJECT_GET, NLM_F_DUMP);
	struct object_list l = { .out = out, .max = max };
	int err;

	if (msg)
		nla_put_u32(msg, CLUSNOTIFY_A_CLUSTER_ID, cid);
	err = cn_nl_call(nl, msg, on_object, &l);
	*n = l.n;
	return err;
}

struct seq_reply {
	uint64_t seq;
};

static int on_post(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[CLUSNOTIFY_A_MAX + 1];
	struct nlattr *st[CLUSNOTIFY_STAT_MAX + 1];
	struct seq_reply *r = arg;

	if (!parse(msg, tb) && tb[CLUSNOTIFY_A_CLUSTER_STATS] &&
	    !nla_parse_nested(st, CLUSNOTIFY_STAT_MAX,
			      tb[CLUSNOTIFY_A_CLUSTER_STATS], NULL) &&
	    st[CLUSNOTIFY_STAT_SEQ])
		r->seq = nla_get_u64(st[CLUSNOTIFY_STAT_SEQ]);
	return NL_OK;
}

int cn_nl_post(struct cn_nl *nl, uint32_t cid, const struct cn_event *evs,
	       int n, uint64_t *last_seq)
{
	struct nl_msg *msg = cn_nl_msg(nl, CLUSNOTIFY_CMD_EVENT_POST, 0);
	struct seq_reply r = { 0 };
	struct nlattr *all, *one;
	int i, err;

	if (!msg)
		return -ENOMEM;
	nla_put_u32(msg, CLUSNOTIFY_A_CLUSTER_ID, cid);
	all = nla_nest_start(msg, CLUSNOTIFY_A_EVENTS | NLA_F_NESTED);
	for (i = 0; i < n; i++) {
		const struct cn_event *e = &evs[i];

		one = nla_nest_start(msg, CLUSNOTIFY_A_EVENT | NLA_F_NESTED);
		nla_put_u32(msg, CLUSNOTIFY_EV_A_OBJ_TYPE, e->type);
		nla_put_u64(msg, CLUSNOTIFY_EV_A_FLAG, e->flag);
		if (e->id)
			nla_put_string(msg, CLUSNOTIFY_EV_A_OBJ_ID, e->id);
		if (e->parent)
			nla_put_string(msg, CLUSNOTIFY_EV_A_PARENT_ID, e->parent);
		if (e->name)
			nla_put_string(msg, CLUSNOTIFY_EV_A_NAME, e->name);
		if (e->type_name)
			nla_put_string(msg, CLUSNOTIFY_EV_A_TYPE_NAME, e->type_name);
		if (e->payload)
			nla_put(msg, CLUSNOTIFY_EV_A_PAYLOAD, e->payload_len,
				e->payload);
		nla_nest_end(msg, one);
	}
	nla_nest_end(msg, all);
	err = cn_nl_call(nl, msg, on_post, &r);
	if (last_seq)
		*last_seq = r.seq;
	return err;
}

int cn_nl_post1(struct cn_nl *nl, uint32_t cid, uint32_t type, uint64_t flag,
		const char *id)
{
	struct cn_event e = { .type = type, .flag = flag, .id = id };

	return cn_nl_post(nl, cid, &e, 1, NULL);
}

int cn_nl_post_state(struct cn_nl *nl, uint32_t cid, uint32_t type,
		     uint64_t flag, const char *id, int32_t state)
{
	struct cn_event e = {
		.type = type, .flag = flag, .id = id,
		.payload = &state, .payload_len = sizeof(state),
	};

	return cn_nl_post(nl, cid, &e, 1, NULL);
}

int cn_nl_subscribe(struct cn_nl *nl)
{
	int grp = genl_ctrl_resolve_grp(nl->sk, CLUSNOTIFY_GENL_NAME,
					CLUSNOTIFY_GENL_MCGRP_EVENTS);

	if (grp < 0)
		return -ENOENT;
	nl_socket_disable_seq_check(nl->sk);
	if (nl_socket_add_membership(nl->sk, grp))
		return -EIO;
	return nl_socket_set_nonblocking(nl->sk) ? -EIO : 0;
}

struct mc_arg {
	struct cn_mc_event *ev;
	bool got;
};

static int no_seq_check(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

static int on_mc(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[CLUSNOTIFY_A_MAX + 1];
	struct nlattr *eb[CLUSNOTIFY_EV_A_MAX + 1];
	struct mc_arg *m = arg;
	struct cn_mc_event *ev = m->ev;

	if (m->got || parse(msg, tb))
		return NL_OK;
	memset(ev, 0, sizeof(*ev));
	ev->cmd = ((struct genlmsghdr *)nlmsg_data(nlmsg_hdr(msg)))->cmd;
	if (tb[CLUSNOTIFY_A_CLUSTER_ID])
		ev->cluster_id = nla_get_u32(tb[CLUSNOTIFY_A_CLUSTER_ID]);
	m->got = true;
	if (!tb[CLUSNOTIFY_A_EVENT] ||
	    nla_parse_nested(eb, CLUSNOTIFY_EV_A_MAX, tb[CLUSNOTIFY_A_EVENT], NULL))
		return NL_OK;
	if (eb[CLUSNOTIFY_EV_A_OBJ_TYPE])
		ev->type = nla_get_u32(eb[CLUSNOTIFY_EV_A_OBJ_TYPE]);
	if (eb[CLUSNOTIFY_EV_A_FLAG])
		ev->flag = nla_get_u64(eb[CLUSNOTIFY_EV_A_FLAG]);
	if (eb[CLUSNOTIFY_EV_A_SEQ]) {
		ev->has_seq = true;
		ev->seq = nla_get_u64(eb[CLUSNOTIFY_EV_A_SEQ]);
	}
	if (eb[CLUSNOTIFY_EV_A_TIMESTAMP]) {
		ev->has_ts = true;
		ev->ts = nla_get_u64(eb[CLUSNOTIFY_EV_A_TIMESTAMP]);
	}
	copy_str(ev->id, sizeof(ev->id), eb[CLUSNOTIFY_EV_A_OBJ_ID]);
	copy_str(ev->parent, sizeof(ev->parent), eb[CLUSNOTIFY_EV_A_PARENT_ID]);
	copy_str(ev->name, sizeof(ev->name), eb[CLUSNOTIFY_EV_A_NAME]);
	copy_str(ev->type_name, sizeof(ev->type_name),
		 eb[CLUSNOTIFY_EV_A_TYPE_NAME]);
	if (eb[CLUSNOTIFY_EV_A_PAYLOAD]) {
		int len = nla_len(eb[CLUSNOTIFY_EV_A_PAYLOAD]);

		if (len > CLUSNOTIFY_PAYLOAD_MAX)
			len = CLUSNOTIFY_PAYLOAD_MAX;
		ev->payload_len = len;
		memcpy(ev->payload, nla_data(eb[CLUSNOTIFY_EV_A_PAYLOAD]), len);
	}
	return NL_OK;
}

int cn_nl_recv_event(struct cn_nl *nl, struct cn_mc_event *ev, int timeout_ms)
{
	struct pollfd p = { .fd = nl_socket_get_fd(nl->sk), .events = POLLIN };
	struct mc_arg m = { .ev = ev };
	struct nl_cb *cb;
	int ret;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return -ENOMEM;
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, no_seq_check, NULL);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_mc, &m);
	while (!m.got) {
		ret = poll(&p, 1, timeout_ms);
		if (ret <= 0)
			break;
		ret = nl_recvmsgs(nl->sk, cb);
		if (ret < 0 && ret != -NLE_AGAIN)
			break;
	}
	nl_cb_put(cb);
	return m.got ? 0 : -ETIMEDOUT;
}
