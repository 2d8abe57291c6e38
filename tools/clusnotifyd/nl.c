// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink with libnl-genl-3: one blocking socket, one request at a
 * time, each waited for until its ACK (or error, with the kernel's extack
 * message). Batches too big for one message are split; the kernel validates
 * each message as a whole.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include "log.h"
#include "nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* Bytes of attributes one request carries before it is split. */
#define MSG_BUDGET	(60 * 1024)

static struct nl_sock *sk;
static int family;
static bool dry;
static bool dry_open;

const char *cnd_type_name(uint32_t type)
{
	static const char *const names[] = {
		[CLUSNOTIFY_OBJ_CLUSTER] = "cluster",
		[CLUSNOTIFY_OBJ_GROUP] = "group",
		[CLUSNOTIFY_OBJ_RESOURCE] = "resource",
		[CLUSNOTIFY_OBJ_RESOURCE_TYPE] = "resource_type",
		[CLUSNOTIFY_OBJ_NETWORK_INTERFACE] = "netinterface",
		[CLUSNOTIFY_OBJ_NETWORK] = "network",
		[CLUSNOTIFY_OBJ_NODE] = "node",
		[CLUSNOTIFY_OBJ_REGISTRY] = "registry",
		[CLUSNOTIFY_OBJ_QUORUM] = "quorum",
	};

	if (type < sizeof(names) / sizeof(names[0]) && names[type])
		return names[type];
	return "?";
}

int cnd_nl_open(bool dry_run)
{
	int one = 1, ret;

	dry = dry_run;
	if (dry) {
		dry_open = true;
		return 0;
	}
	sk = nl_socket_alloc();
	if (!sk)
		return -ENOMEM;
	ret = genl_connect(sk);
	if (ret < 0) {
		cnd_log_nlerr("genl_connect", ret);
		goto err;
	}
	nl_socket_set_buffer_size(sk, 1 << 20, 1 << 20);
	nl_socket_set_msg_buf_size(sk, 1 << 16);
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one,
		   sizeof(one));
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_CAP_ACK, &one,
		   sizeof(one));
	family = genl_ctrl_resolve(sk, CLUSNOTIFY_GENL_NAME);
	if (family < 0) {
		ret = family;
		cnd_log_nlerr("genl_ctrl_resolve(" CLUSNOTIFY_GENL_NAME
			      "): is clusnotify.ko loaded?", ret);
		goto err;
	}
	return 0;
err:
	nl_socket_free(sk);
	sk = NULL;
	return -EIO;
}

void cnd_nl_close(void)
{
	dry_open = false;
	if (!sk)
		return;
	nl_socket_free(sk);
	sk = NULL;
}

bool cnd_nl_is_open(void)
{
	return sk || dry_open;
}

int cnd_nl_fd(void)
{
	return sk ? nl_socket_get_fd(sk) : -1;
}

int cnd_nl_drain(void)
{
	int fd, fl, ret;

	if (!sk)
		return 0;
	fd = nl_socket_get_fd(sk);
	fl = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	ret = nl_recvmsgs_default(sk);
	fcntl(fd, F_SETFL, fl);
	if (ret >= 0 || ret == -NLE_AGAIN)
		return 0;
	cnd_log_nlerr("netlink socket", ret);
	return -EIO;
}

struct reply {
	bool done;
	int err;
	int (*parse)(struct nlattr **tb, void *arg);
	void *arg;
	const char *what;
};

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[CLUSNOTIFY_A_MAX + 1];
	struct reply *r = arg;

	if (!r->parse)
		return NL_OK;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, CLUSNOTIFY_A_MAX, NULL) < 0)
		return NL_SKIP;
	r->parse(tb, r->arg);
	return NL_OK;
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = { NULL };
	struct reply *r = arg;
	int len, off;

	(void)nla;
	r->err = e->error;
	r->done = true;
	if (!e->error)
		return NL_STOP;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		off = sizeof(*e);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - NLMSG_HDRLEN;
		len = (int)nlh->nlmsg_len - NLMSG_HDRLEN - off;
		if (len > 0)
			nla_parse(tb, NLMSGERR_ATTR_MAX,
				  (struct nlattr *)((char *)e + off), len, NULL);
	}
	log_err("%s: %s%s%s", r->what, strerror(-e->error),
		tb[NLMSGERR_ATTR_MSG] ? ": " : "",
		tb[NLMSGERR_ATTR_MSG] ? (char *)nla_data(tb[NLMSGERR_ATTR_MSG]) : "");
	return NL_STOP;
}

static int on_done(struct nl_msg *msg, void *arg)
{
	struct reply *r = arg;

	(void)msg;
	r->done = true;
	return NL_STOP;
}

/* Sends @msg (consumed) and reads until its ACK, error or end of dump. */
static int transact(struct nl_msg *msg, struct reply *r)
{
	struct nl_cb *cb;
	int ret;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_done, r);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_done, r);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, r);
	ret = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	if (ret < 0) {
		cnd_log_nlerr(r->what, ret);
		nl_cb_put(cb);
		return -EIO;
	}
	while (!r->done) {
		ret = nl_recvmsgs(sk, cb);
		if (ret < 0) {
			cnd_log_nlerr(r->what, ret);
			r->err = -EIO;
			break;
		}
	}
	nl_cb_put(cb);
	return r->err;
}

static struct nl_msg *new_msg(uint8_t cmd, int flags, size_t size)
{
	struct nl_msg *msg = nlmsg_alloc_size(size + 4096);

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags, cmd,
			 CLUSNOTIFY_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int parse_id(struct nlattr **tb, void *arg)
{
	if (tb[CLUSNOTIFY_A_CLUSTER_ID])
		*(uint32_t *)arg = nla_get_u32(tb[CLUSNOTIFY_A_CLUSTER_ID]);
	return 0;
}

int cnd_nl_register(const char *name, uint32_t *id)
{
	struct reply r = { .parse = parse_id, .arg = id, .what = "CLUSTER_REGISTER" };
	struct nl_msg *msg;

	*id = 0;
	if (dry) {
		log_notice("dry-run: register cluster '%s'", name);
		*id = 1;
		return 0;
	}
	msg = new_msg(CLUSNOTIFY_CMD_CLUSTER_REGISTER, 0, 128);
	if (!msg)
		return -ENOMEM;
	if (nla_put_string(msg, CLUSNOTIFY_A_CLUSTER_NAME, name) < 0) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	r.err = transact(msg, &r);
	if (!r.err && !*id)
		r.err = -EPROTO;
	return r.err;
}

struct dump {
	void (*fn)(const struct cnd_obj *obj, void *arg);
	void *arg;
};

static void copy_str(char *dst, size_t size, struct nlattr *a)
{
	dst[0] = '\0';
	if (a)
		snprintf(dst, size, "%s", (char *)nla_data(a));
}

static int parse_object(struct nlattr **tb, void *arg)
{
	struct nlattr *ob[CLUSNOTIFY_OBJ_A_MAX + 1];
	struct dump *d = arg;
	struct cnd_obj o;

	if (!tb[CLUSNOTIFY_A_OBJECT] ||
	    nla_parse_nested(ob, CLUSNOTIFY_OBJ_A_MAX, tb[CLUSNOTIFY_A_OBJECT],
			     NULL) < 0 ||
	    !ob[CLUSNOTIFY_OBJ_A_TYPE] || !ob[CLUSNOTIFY_OBJ_A_ID])
		return 0;
	memset(&o, 0, sizeof(o));
	o.type = nla_get_u32(ob[CLUSNOTIFY_OBJ_A_TYPE]);
	o.state = ob[CLUSNOTIFY_OBJ_A_STATE] ?
		  (int32_t)nla_get_u32(ob[CLUSNOTIFY_OBJ_A_STATE]) :
		  CLUSNOTIFY_STATE_UNKNOWN;
	copy_str(o.id, sizeof(o.id), ob[CLUSNOTIFY_OBJ_A_ID]);
	copy_str(o.name, sizeof(o.name), ob[CLUSNOTIFY_OBJ_A_NAME]);
	copy_str(o.parent, sizeof(o.parent), ob[CLUSNOTIFY_OBJ_A_PARENT_ID]);
	copy_str(o.type_name, sizeof(o.type_name), ob[CLUSNOTIFY_OBJ_A_TYPE_NAME]);
	d->fn(&o, d->arg);
	return 0;
}

int cnd_nl_objects(uint32_t cluster,
		   void (*fn)(const struct cnd_obj *obj, void *arg), void *arg)
{
	struct dump d = { fn, arg };
	struct reply r = { .parse = parse_object, .arg = &d, .what = "OBJECT_GET" };
	struct nl_msg *msg;

	if (dry)
		return 0;
	msg = new_msg(CLUSNOTIFY_CMD_OBJECT_GET, NLM_F_DUMP, 64);
	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, CLUSNOTIFY_A_CLUSTER_ID, cluster) < 0) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return transact(msg, &r);
}

static int put_str(struct nl_msg *msg, int attr, const char *s)
{
	return s && s[0] ? nla_put_string(msg, attr, s) : 0;
}

static int put_object(struct nl_msg *msg, const struct cnd_obj *o, bool del)
{
	struct nlattr *nest = nla_nest_start(msg, CLUSNOTIFY_A_OBJECT);

	if (!nest || nla_put_u32(msg, CLUSNOTIFY_OBJ_A_TYPE, o->type) < 0 ||
	    nla_put_string(msg, CLUSNOTIFY_OBJ_A_ID, o->id) < 0)
		return -EMSGSIZE;
	if (!del && (put_str(msg, CLUSNOTIFY_OBJ_A_NAME, o->name) < 0 ||
		     put_str(msg, CLUSNOTIFY_OBJ_A_PARENT_ID, o->parent) < 0 ||
		     put_str(msg, CLUSNOTIFY_OBJ_A_TYPE_NAME, o->type_name) < 0 ||
		     nla_put_u32(msg, CLUSNOTIFY_OBJ_A_STATE, (uint32_t)o->state) < 0))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static size_t object_size(const struct cnd_obj *o)
{
	return 64 + strlen(o->id) + strlen(o->name) + strlen(o->parent) +
	       strlen(o->type_name);
}

static int objects_apply(uint32_t cluster, const struct cnd_obj *objs,
			 size_t n, bool del)
{
	const char *what = del ? "OBJECT_DEL" : "OBJECT_SET";
	struct reply r;
	struct nl_msg *msg;
	struct nlattr *list;
	size_t i = 0, j, size;
	int ret;

	if (dry) {
		for (j = 0; j < n; j++)
			log_notice("dry-run: %s %s id='%s' name='%s' parent='%s' type='%s' state=%d",
				   del ? "del" : "set", cnd_type_name(objs[j].type),
				   objs[j].id, objs[j].name, objs[j].parent,
				   objs[j].type_name, objs[j].state);
		return 0;
	}
	while (i < n) {
		for (j = i, size = 0; j < n && size < MSG_BUDGET &&
		     j - i < CLUSNOTIFY_OBJECTS_MAX; j++)
			size += object_size(&objs[j]);
		msg = new_msg(del ? CLUSNOTIFY_CMD_OBJECT_DEL : CLUSNOTIFY_CMD_OBJECT_SET,
			      0, size + 64);
		if (!msg)
			return -ENOMEM;
		ret = nla_put_u32(msg, CLUSNOTIFY_A_CLUSTER_ID, cluster);
		list = nla_nest_start(msg, CLUSNOTIFY_A_OBJECTS);
		if (ret < 0 || !list)
			goto too_big;
		for (; i < j; i++)
			if (put_object(msg, &objs[i], del) < 0)
				goto too_big;
		nla_nest_end(msg, list);
		memset(&r, 0, sizeof(r));
		r.what = what;
		ret = transact(msg, &r);
		if (ret)
			return ret;
	}
	return 0;
too_big:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

int cnd_nl_object_set(uint32_t cluster, const struct cnd_obj *objs, size_t n)
{
	return objects_apply(cluster, objs, n, false);
}

int cnd_nl_object_del(uint32_t cluster, const struct cnd_obj *objs, size_t n)
{
	return objects_apply(cluster, objs, n, true);
}

static size_t event_size(const struct cnd_ev *e)
{
	return 64 + (e->id ? strlen(e->id) : 0) +
	       (e->parent ? strlen(e->parent) : 0) +
	       (e->name ? strlen(e->name) : 0) +
	       (e->type_name ? strlen(e->type_name) : 0) + e->len;
}

static int put_event(struct nl_msg *msg, const struct cnd_ev *e)
{
	struct nlattr *nest = nla_nest_start(msg, CLUSNOTIFY_A_EVENT);

	if (!nest || nla_put_u32(msg, CLUSNOTIFY_EV_A_OBJ_TYPE, e->type) < 0 ||
	    nla_put_u64(msg, CLUSNOTIFY_EV_A_FLAG, e->flag) < 0 ||
	    (e->id && nla_put_string(msg, CLUSNOTIFY_EV_A_OBJ_ID, e->id) < 0) ||
	    (e->parent && nla_put_string(msg, CLUSNOTIFY_EV_A_PARENT_ID, e->parent) < 0) ||
	    (e->name && nla_put_string(msg, CLUSNOTIFY_EV_A_NAME, e->name) < 0) ||
	    (e->type_name &&
	     nla_put_string(msg, CLUSNOTIFY_EV_A_TYPE_NAME, e->type_name) < 0) ||
	    (e->len && nla_put(msg, CLUSNOTIFY_EV_A_PAYLOAD, (int)e->len, e->payload) < 0))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static void log_event(const char *how, const struct cnd_ev *e, int prio)
{
	char pl[3 * 16 + 1] = "";
	size_t k;

	for (k = 0; k < e->len && k < 16; k++)
		sprintf(pl + 3 * k, "%02x ", ((unsigned char *)e->payload)[k]);
	cnd_log(prio, "%s: %s flag=%#llx id='%s' name='%s' parent='%s' payload=[%s]",
		how, cnd_type_name(e->type), (unsigned long long)e->flag,
		e->id ?: "", e->name ?: "", e->parent ?: "", pl);
}

int cnd_nl_post(uint32_t cluster, const struct cnd_ev *evs, size_t n)
{
	struct reply r;
	struct nl_msg *msg;
	struct nlattr *list;
	size_t i = 0, j, size;
	int ret;

	for (j = 0; j < n; j++)
		log_event(dry ? "dry-run: post" : "post", &evs[j],
			  dry ? LOG_NOTICE : LOG_DEBUG);
	if (dry)
		return 0;
	while (i < n) {
		for (j = i, size = 0;
		     j < n && size < MSG_BUDGET && j - i < CLUSNOTIFY_EVENTS_MAX; j++)
			size += event_size(&evs[j]);
		msg = new_msg(CLUSNOTIFY_CMD_EVENT_POST, 0, size + 64);
		if (!msg)
			return -ENOMEM;
		ret = nla_put_u32(msg, CLUSNOTIFY_A_CLUSTER_ID, cluster);
		list = nla_nest_start(msg, CLUSNOTIFY_A_EVENTS);
		if (ret < 0 || !list)
			goto too_big;
		for (; i < j; i++)
			if (put_event(msg, &evs[i]) < 0)
				goto too_big;
		nla_nest_end(msg, list);
		memset(&r, 0, sizeof(r));
		r.what = "EVENT_POST";
		ret = transact(msg, &r);
		if (ret)
			return ret;
	}
	return 0;
too_big:
	nlmsg_free(msg);
	return -EMSGSIZE;
}
