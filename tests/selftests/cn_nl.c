// SPDX-License-Identifier: GPL-2.0
/*
 * The selftests' netlink helpers, on libclusnotify's producer API (the
 * library's clusnotify_feed_* do the work; these keep the tests' names and
 * structs), plus the one raw path the library has no business offering:
 * hand-made messages, built with libnl's nl_msg API, for the tests that
 * send the kernel what a correct client never would.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include <clusnotify_feed.h>

#include "cn_nl.h"

struct cn_nl {
	struct clusnotify_feed *feed;
	int family;
};

struct cn_nl *cn_nl_open(void)
{
	struct cn_nl *nl = calloc(1, sizeof(*nl));
	int ret;

	if (!nl) {
		errno = ENOMEM;
		return NULL;
	}
	ret = clusnotify_feed_open(&nl->feed, 0);
	if (ret) {
		free(nl);
		errno = -ret;
		return NULL;
	}
	return nl;
}

void cn_nl_close(struct cn_nl *nl)
{
	if (!nl)
		return;
	clusnotify_feed_close(nl->feed);
	free(nl);
}

/* With CN_NL_VERBOSE set, prints the kernel's words for a failure. */
static int said(struct cn_nl *nl, int ret)
{
	if (ret && getenv("CN_NL_VERBOSE"))
		fprintf(stderr, "# %s\n", clusnotify_feed_errmsg(nl->feed));
	return ret;
}

int cn_nl_cluster_register(struct cn_nl *nl, const char *name, uint32_t *id)
{
	uint32_t got = 0;
	int ret = clusnotify_feed_register(nl->feed, name, &got);

	if (id)
		*id = got;
	return said(nl, ret);
}

int cn_nl_cluster_unregister(struct cn_nl *nl, uint32_t id)
{
	return said(nl, clusnotify_feed_unregister(nl->feed, id));
}

static void to_cluster(const struct clusnotify_cluster_entry *e,
		       struct cn_cluster *c)
{
	memset(c, 0, sizeof(*c));
	c->id = e->cluster_id;
	c->state = e->state;
	memcpy(c->name, e->name, sizeof(c->name));
	c->seq = e->seq;
	c->posted = e->posted;
	c->matched = e->matched;
	c->delivered = e->delivered;
	c->lost = e->lost;
	c->objects = e->objects;
	c->ports = e->ports;
	c->reconnects = e->reconnects;
	c->epoch = e->epoch;
	c->journal_events = e->journal_events;
	c->journal_bytes = e->journal_bytes;
	c->journal_first = e->journal_first;
}

int cn_nl_cluster_get(struct cn_nl *nl, uint32_t id, const char *name,
		      struct cn_cluster *out)
{
	struct clusnotify_cluster_entry e;
	int ret;

	/* The library reads "no id, no name" as the local cluster. */
	if (!id && (!name || !*name))
		return -EINVAL;
	ret = clusnotify_feed_get_cluster(nl->feed, id, name, &e);
	if (!ret)
		to_cluster(&e, out);
	return said(nl, ret);
}

struct cluster_list {
	struct cn_cluster *out;
	int max, n;
};

static int on_cluster(const struct clusnotify_cluster_entry *e, void *arg)
{
	struct cluster_list *l = arg;

	if (l->n < l->max)
		to_cluster(e, &l->out[l->n]);
	l->n++;
	return 0;
}

int cn_nl_cluster_dump(struct cn_nl *nl, struct cn_cluster *out, int max,
		       int *n)
{
	struct cluster_list l = { .out = out, .max = max };
	int ret = clusnotify_feed_clusters(nl->feed, on_cluster, &l);

	*n = l.n;
	return said(nl, ret);
}

static int object_cmd(struct cn_nl *nl, bool del, uint32_t cid,
		      const struct cn_object *objs, int n)
{
	struct clusnotify_feed_object *v = calloc(n > 0 ? n : 1, sizeof(*v));
	int i, ret;

	if (!v)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		v[i] = (struct clusnotify_feed_object){
			.type = objs[i].type, .id = objs[i].id,
			.name = objs[i].name, .parent_id = objs[i].parent,
			.type_name = objs[i].type_name, .state = objs[i].state,
			.flags = objs[i].has_state ? CLUSNOTIFY_FEED_OBJ_STATE : 0,
		};
	ret = del ? clusnotify_feed_del_objects(nl->feed, cid, v, n, NULL) :
		    clusnotify_feed_set_objects(nl->feed, cid, v, n, NULL);
	free(v);
	return said(nl, ret);
}

int cn_nl_object_set(struct cn_nl *nl, uint32_t cid,
		     const struct cn_object *objs, int n)
{
	return object_cmd(nl, false, cid, objs, n);
}

int cn_nl_object_del(struct cn_nl *nl, uint32_t cid,
		     const struct cn_object *objs, int n)
{
	return object_cmd(nl, true, cid, objs, n);
}

struct object_list {
	struct cn_object_out *out;
	int max, n;
};

static int on_object(const struct clusnotify_object_entry *e, void *arg)
{
	struct object_list *l = arg;
	struct cn_object_out *o;

	if (l->n >= l->max) {
		l->n++;
		return 0;
	}
	o = &l->out[l->n++];
	memset(o, 0, sizeof(*o));
	o->type = e->object_type;
	o->has_state = e->state != CLUSNOTIFY_STATE_UNKNOWN;
	o->state = e->state;
	memcpy(o->id, e->id, sizeof(o->id));
	memcpy(o->name, e->name, sizeof(o->name));
	memcpy(o->parent, e->parent_id, sizeof(o->parent));
	memcpy(o->type_name, e->type_name, sizeof(o->type_name));
	return 0;
}

int cn_nl_object_dump(struct cn_nl *nl, uint32_t cid,
		      struct cn_object_out *out, int max, int *n)
{
	struct object_list l = { .out = out, .max = max };
	int ret = clusnotify_feed_objects(nl->feed, cid, on_object, &l);

	*n = l.n;
	return said(nl, ret);
}

int cn_nl_post(struct cn_nl *nl, uint32_t cid, const struct cn_event *evs,
	       int n, uint64_t *last_seq)
{
	struct clusnotify_feed_event *v = calloc(n > 0 ? n : 1, sizeof(*v));
	uint64_t seq = 0;
	int i, ret;

	if (!v)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		v[i] = (struct clusnotify_feed_event){
			.type = evs[i].type, .flag = evs[i].flag, .id = evs[i].id,
			.parent_id = evs[i].parent, .name = evs[i].name,
			.type_name = evs[i].type_name, .payload = evs[i].payload,
			.payload_len = evs[i].payload ? evs[i].payload_len : 0,
		};
	ret = clusnotify_feed_post(nl->feed, cid, v, n, NULL, &seq);
	free(v);
	if (last_seq)
		*last_seq = seq;
	return said(nl, ret);
}

int cn_nl_subscribe(struct cn_nl *nl)
{
	return said(nl, clusnotify_feed_monitor(nl->feed));
}

static void copy_str(char *dst, size_t size, const char *s)
{
	snprintf(dst, size, "%s", s);
}

int cn_nl_recv_event(struct cn_nl *nl, struct cn_mc_event *ev, int timeout_ms)
{
	struct clusnotify_event e;
	int ret = clusnotify_feed_recv(nl->feed, &e, timeout_ms);

	if (ret)
		return ret;
	memset(ev, 0, sizeof(*ev));
	ev->cluster_id = e.cluster_id;
	ev->type = e.object_type;
	ev->flag = e.filter_flag;
	ev->seq = e.seq;
	ev->ts = e.timestamp_ns;
	copy_str(ev->id, sizeof(ev->id), e.object_id);
	copy_str(ev->parent, sizeof(ev->parent), e.parent_id);
	copy_str(ev->name, sizeof(ev->name), e.name);
	copy_str(ev->type_name, sizeof(ev->type_name), e.type_name);
	ev->payload_len = e.payload_len < CLUSNOTIFY_PAYLOAD_MAX ?
			  e.payload_len : CLUSNOTIFY_PAYLOAD_MAX;
	memcpy(ev->payload, e.payload, ev->payload_len);
	return 0;
}

/* ------------------------------------------------------------ raw */

struct clusnotify_feed *cn_nl_feed(struct cn_nl *nl)
{
	return nl->feed;
}

int cn_nl_family(struct cn_nl *nl)
{
	struct nl_sock *sk;

	if (nl->family > 0)
		return nl->family;
	sk = nl_socket_alloc();
	if (sk && !genl_connect(sk))
		nl->family = genl_ctrl_resolve(sk, CLUSNOTIFY_GENL_NAME);
	nl_socket_free(sk);
	return nl->family;
}

struct nl_msg *cn_nl_msg(struct cn_nl *nl, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc_size(256 * 1024);

	if (!msg)
		return NULL;
	if (cn_nl_family(nl) <= 0 ||
	    !genlmsg_put(msg, 0, 0, nl->family, 0,
			 flags | NLM_F_REQUEST | NLM_F_ACK, cmd,
			 CLUSNOTIFY_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/*
 * Sent on the feed's own socket (the owner of its clusters), with a
 * sequence number the library never uses, and read to its ack or error.
 */
int cn_nl_raw(struct cn_nl *nl, struct nl_msg *msg)
{
	static char buf[1 << 16];
	static uint32_t seq = 0x80000000u;
	int fd = clusnotify_feed_fd(nl->feed);
	struct nlmsghdr *h;
	int len, err;

	if (!msg)
		return -ENOMEM;
	h = nlmsg_hdr(msg);
	h->nlmsg_seq = ++seq;
	len = send(fd, h, h->nlmsg_len, 0);
	nlmsg_free(msg);
	if (len < 0)
		return -errno;
	for (;;) {
		len = recv(fd, buf, sizeof(buf), 0);
		if (len < 0)
			return -errno;
		for (h = (struct nlmsghdr *)buf; nlmsg_ok(h, len);
		     h = nlmsg_next(h, &len)) {
			if (h->nlmsg_seq != seq ||
			    (h->nlmsg_type != NLMSG_ERROR &&
			     h->nlmsg_type != NLMSG_DONE))
				continue;
			err = 0;
			memcpy(&err, nlmsg_data(h), sizeof(err));
			return err < 0 ? err : 0;
		}
	}
}
