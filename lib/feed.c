// SPDX-License-Identifier: MIT
/*
 * The producer side: the clusnotify generic netlink family through
 * libnl-genl-3. One blocking socket per feed; each request is sent and read
 * until its ack, its error (with the kernel's extended ack message) or the
 * end of its dump. Batches are cut into messages by their exact encoded
 * size, so that no nest passes the 64 KiB an attribute's length can say.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include "internal.h"
#include "clusnotify_feed.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* What one nest's length (a u16, header included) can say. */
#define NEST_MAX	0xffff
/* Room for the netlink, genl, CLUSTER_ID and list headers of a message. */
#define MSG_HEAD	256
#define SOCK_BUF	(1 << 20)
/* The largest answer: a dump's part is at most 32 KiB. */
#define ANSWER_MAX	(64 * 1024)
/* A monitor's receive buffer: event messages and their headers. */
#define RECV_BUF	(16 * 1024)

struct clusnotify_feed {
	struct nl_sock *sk;
	struct nl_cb *cb;	/* set up again by each request */
	int family;
	bool monitor;
	unsigned char *rbuf;	/* monitor: datagrams received, not yet returned */
	int rlen, roff;
	bool overran;		/* monitor: report a loss on the next recv */
	int err;		/* the last call's, for errmsg */
	char errmsg[256];	/* its words, if anyone said any */
};

static int fail(struct clusnotify_feed *feed, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct clusnotify_feed *feed, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(feed->errmsg, sizeof(feed->errmsg), fmt, ap);
	va_end(ap);
	feed->err = err;
	return err;
}

/* A call starts with no error said. */
static void clear(struct clusnotify_feed *feed)
{
	feed->err = 0;
	feed->errmsg[0] = '\0';
}

/* libnl's own error codes, as the errno values they stand for. */
static int nl_errno(int nlerr)
{
	switch (-nlerr) {
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_MSGSIZE:
	case NLE_MSG_TOOSHORT:
		return -EMSGSIZE;
	case NLE_PERM:
		return -EPERM;
	case NLE_NOADDR:
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_AGAIN:
		return -EAGAIN;
	case NLE_INTR:
		return -EINTR;
	default:
		return -EIO;
	}
}

__cn_public int clusnotify_feed_open(struct clusnotify_feed **feedp,
				unsigned int flags)
{
	struct clusnotify_feed *feed;
	int one = 1, ret;

	if (!feedp || flags)
		return -EINVAL;
	feed = calloc(1, sizeof(*feed));
	if (!feed)
		return -ENOMEM;
	ret = -ENOMEM;
	feed->sk = nl_socket_alloc();
	if (!feed->sk)
		goto err_free;
	ret = genl_connect(feed->sk);
	if (ret < 0) {
		ret = nl_errno(ret);
		goto err_sock;
	}
	nl_socket_set_buffer_size(feed->sk, SOCK_BUF, SOCK_BUF);
	/* request() asks for acks itself, and transact() checks sequences. */
	nl_socket_disable_auto_ack(feed->sk);
	setsockopt(nl_socket_get_fd(feed->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	/*
	 * A dump's parts can pass libnl's default page, but never the 32 KiB
	 * netlink sizes them to at most (max_recvmsg_len), and capped acks
	 * (NETLINK_CAP_ACK) do not echo the request: one buffer of ANSWER_MAX
	 * takes any answer in one recvmsg(), where peeking at each first took
	 * two. Without capped acks, an error would echo a request of up to
	 * NEST_MAX: peek at each answer to size it.
	 */
	if (!setsockopt(nl_socket_get_fd(feed->sk), SOL_NETLINK, NETLINK_CAP_ACK,
			&one, sizeof(one))) {
		nl_socket_set_msg_buf_size(feed->sk, ANSWER_MAX);
		nl_socket_disable_msg_peek(feed->sk);
	} else {
		nl_socket_enable_msg_peek(feed->sk);
	}
	feed->family = genl_ctrl_resolve(feed->sk, CLUSNOTIFY_GENL_NAME);
	if (feed->family < 0) {
		ret = -ENOENT;
		goto err_sock;
	}
	ret = -ENOMEM;
	feed->cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!feed->cb)
		goto err_sock;
	*feedp = feed;
	return 0;

err_sock:
	nl_socket_free(feed->sk);
err_free:
	free(feed);
	return ret;
}

__cn_public void clusnotify_feed_close(struct clusnotify_feed *feed)
{
	if (!feed)
		return;
	nl_cb_put(feed->cb);
	nl_socket_free(feed->sk);
	free(feed->rbuf);
	free(feed);
}

__cn_public int clusnotify_feed_fd(const struct clusnotify_feed *feed)
{
	return feed ? nl_socket_get_fd(feed->sk) : -EINVAL;
}

__cn_public const char *clusnotify_feed_errmsg(const struct clusnotify_feed *feed)
{
	if (!feed || (!feed->errmsg[0] && !feed->err))
		return "";
	return feed->errmsg[0] ? feed->errmsg : strerror(-feed->err);
}

/* ------------------------------------------------------------ requests */

struct xact {
	struct clusnotify_feed *feed;
	int err;
	bool done;
	bool reply_ends;	/* no ack asked for: the reply is the answer */
	uint32_t seq;		/* the request's */
	int (*parse)(struct nlattr **tb, void *arg);
	void *arg;
	int stop;	/* what parse returned first, if not 0 */
};

/* The extended ack's message: TLVs after the echoed (or capped) request. */
static void ext_ack(struct clusnotify_feed *feed, const struct nlmsghdr *nlh,
		    const void *payload, int hdr)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1] = { NULL };
	int len = (int)nlh->nlmsg_len - NLMSG_HDRLEN - hdr;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || len <= 0)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((const char *)payload + hdr), len, NULL))
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(feed->errmsg, sizeof(feed->errmsg), "%.*s",
			 nla_len(tb[NLMSGERR_ATTR_MSG]),
			 (const char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
}

/* An answer to an earlier request, whose reading failed, is not this one's. */
static int on_seq(struct nl_msg *msg, void *arg)
{
	struct xact *x = arg;

	return nlmsg_hdr(msg)->nlmsg_seq == x->seq ? NL_OK : NL_SKIP;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[CLUSNOTIFY_A_MAX + 1];
	struct xact *x = arg;
	int ret;

	if (x->reply_ends)
		x->done = true;
	if (!x->parse || x->stop)
		return NL_OK;
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, CLUSNOTIFY_A_MAX, NULL) < 0) {
		x->err = fail(x->feed, -EPROTO, "a reply the library cannot parse");
		return NL_OK;
	}
	ret = x->parse(tb, x->arg);
	if (ret)
		x->stop = ret;
	return NL_OK;
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	const struct nlmsghdr *nlh = (const void *)((char *)e - NLMSG_HDRLEN);
	struct xact *x = arg;
	int hdr = sizeof(*e);

	(void)nla;
	x->done = true;
	x->err = e->error;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		hdr += e->msg.nlmsg_len - NLMSG_HDRLEN;
	ext_ack(x->feed, nlh, e, hdr);
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct xact *x = arg;

	(void)msg;
	x->done = true;
	return NL_STOP;
}

/* A dump that fails once it started says so in NLMSG_DONE. */
static int on_finish(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct xact *x = arg;
	int err = 0;

	x->done = true;
	if (nlmsg_datalen(nlh) >= (int)sizeof(err))
		memcpy(&err, nlmsg_data(nlh), sizeof(err));
	if (err < 0) {
		x->err = err;
		ext_ack(x->feed, nlh, nlmsg_data(nlh), sizeof(err));
	}
	return NL_STOP;
}

/*
 * Completes @msg (port, sequence number, NLM_F_REQUEST) and sends it with
 * sendto(): the kernel then copies neither a msghdr nor an iovec from user
 * space, as it does for nl_send_auto()'s sendmsg(); in a profile of
 * one-event posts, those copies were a twentieth of the post's system call.
 * Returns what nl_sendto() does. nl_sendto() calls none of the socket's
 * NL_CB_MSG_OUT handlers: with NLCB=debug, libnl does not print the
 * requests the feed sends.
 */
static int send_msg(struct clusnotify_feed *feed, struct nl_msg *msg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	nl_complete_msg(feed->sk, msg);
	return nl_sendto(feed->sk, nlh, nlh->nlmsg_len);
}

/*
 * Sends @msg (freed) and reads until its ack, its error, its dump's end or,
 * for a request that asked for no ack (a post), its reply.
 */
static int transact(struct clusnotify_feed *feed, struct nl_msg *msg,
		    int (*parse)(struct nlattr **tb, void *arg), void *arg)
{
	struct xact x = { .feed = feed, .parse = parse, .arg = arg };
	struct nl_cb *cb = feed->cb;
	int ret;

	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &x);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &x);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &x);
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, on_seq, &x);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &x);
	x.reply_ends = !(nlmsg_hdr(msg)->nlmsg_flags & (NLM_F_ACK | NLM_F_DUMP));
	ret = send_msg(feed, msg);
	x.seq = nlmsg_hdr(msg)->nlmsg_seq;
	nlmsg_free(msg);
	if (ret < 0)
		return fail(feed, nl_errno(ret), "netlink send: %s",
			    nl_geterror(ret));
	while (!x.done) {
		ret = nl_recvmsgs(feed->sk, cb);
		if (ret < 0 && !x.done) {
			/*
			 * The kernel saw the request but its answer is lost
			 * (netlink could not allocate it: ENOBUFS on the
			 * socket). The request may have run: that is not the
			 * kernel's -ENOMEM, which means it did nothing.
			 */
			x.err = fail(feed, -EPROTO,
				     "the kernel's answer was lost (%s): the request may have been carried out",
				     nl_geterror(ret));
			break;
		}
	}
	feed->err = x.err;
	return x.err ? x.err : x.stop;
}

/* Starts a request: NULL if the feed cannot make one (errmsg says why). */
static struct nl_msg *request(struct clusnotify_feed *feed, uint8_t cmd,
			      int flags, size_t size, int *err)
{
	struct nl_msg *msg;

	clear(feed);
	if (feed->monitor) {
		*err = fail(feed, -EBUSY,
			    "this feed is a monitor: it only receives");
		return NULL;
	}
	/*
	 * A post always answers with its reply (the cluster's counters) or
	 * its error: an ack after the reply would cost the kernel a message
	 * and the caller a recvmsg(), a fifth of a one-event post. Every
	 * other request is ended by its ack (or its dump's end).
	 */
	if (cmd != CLUSNOTIFY_CMD_EVENT_POST)
		flags |= NLM_F_ACK;
	msg = nlmsg_alloc_size(size + MSG_HEAD);
	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, feed->family,
				 0, flags, cmd, CLUSNOTIFY_GENL_VERSION)) {
		nlmsg_free(msg);
		*err = fail(feed, -ENOMEM, "out of memory");
		return NULL;
	}
	return msg;
}

static int too_big(struct clusnotify_feed *feed, struct nl_msg *msg)
{
	nlmsg_free(msg);
	return fail(feed, -EMSGSIZE, "the request does not fit in a message");
}

/* ------------------------------------------------------------ clusters */

static void copy_str(char *dst, size_t size, const struct nlattr *a)
{
	dst[0] = '\0';
	if (a)
		snprintf(dst, size, "%.*s", nla_len(a), (const char *)nla_data(a));
}

static uint64_t get_u64(const struct nlattr *a)
{
	return a ? nla_get_u64((struct nlattr *)a) : 0;
}

static uint32_t get_u32(const struct nlattr *a)
{
	return a ? nla_get_u32((struct nlattr *)a) : 0;
}

static void parse_cluster(struct nlattr **tb, struct clusnotify_cluster_entry *e)
{
	struct nlattr *st[CLUSNOTIFY_STAT_MAX + 1] = { NULL };

	memset(e, 0, sizeof(*e));
	e->cluster_id = get_u32(tb[CLUSNOTIFY_A_CLUSTER_ID]);
	e->state = get_u32(tb[CLUSNOTIFY_A_CLUSTER_STATE]);
	copy_str(e->name, sizeof(e->name), tb[CLUSNOTIFY_A_CLUSTER_NAME]);
	if (tb[CLUSNOTIFY_A_CLUSTER_STATS] &&
	    nla_parse_nested(st, CLUSNOTIFY_STAT_MAX,
			     tb[CLUSNOTIFY_A_CLUSTER_STATS], NULL))
		memset(st, 0, sizeof(st));
	e->seq = get_u64(st[CLUSNOTIFY_STAT_SEQ]);
	e->posted = get_u64(st[CLUSNOTIFY_STAT_POSTED]);
	e->matched = get_u64(st[CLUSNOTIFY_STAT_MATCHED]);
	e->delivered = get_u64(st[CLUSNOTIFY_STAT_DELIVERED]);
	e->lost = get_u64(st[CLUSNOTIFY_STAT_LOST]);
	e->objects = get_u32(st[CLUSNOTIFY_STAT_OBJECTS]);
	e->ports = get_u32(st[CLUSNOTIFY_STAT_PORTS]);
	e->reconnects = get_u32(st[CLUSNOTIFY_STAT_RECONNECTS]);
	e->epoch = get_u64(st[CLUSNOTIFY_STAT_EPOCH]);
	e->journal_events = get_u32(st[CLUSNOTIFY_STAT_JOURNAL_EVENTS]);
	e->journal_bytes = get_u64(st[CLUSNOTIFY_STAT_JOURNAL_BYTES]);
	e->journal_first = get_u64(st[CLUSNOTIFY_STAT_JOURNAL_FIRST]);
}

struct one_cluster {
	struct clusnotify_cluster_entry e;
	bool seen;
};

static int on_one_cluster(struct nlattr **tb, void *arg)
{
	struct one_cluster *c = arg;

	if (!tb[CLUSNOTIFY_A_CLUSTER_ID] || c->seen)
		return 0;
	parse_cluster(tb, &c->e);
	c->seen = true;
	return 0;
}

/* The kernel judges names (length, UTF-8); NULL is the caller's slip. */
static int check_name(struct clusnotify_feed *feed, const char *name)
{
	clear(feed);
	return name ? 0 : fail(feed, -EINVAL, "no cluster name");
}

__cn_public int clusnotify_feed_register(struct clusnotify_feed *feed,
				    const char *name, uint32_t *cluster_id)
{
	struct one_cluster c = { .seen = false };
	struct nl_msg *msg;
	int ret;

	if (!feed || !cluster_id)
		return -EINVAL;
	ret = check_name(feed, name);
	if (ret)
		return ret;
	msg = request(feed, CLUSNOTIFY_CMD_CLUSTER_REGISTER, 0, 0, &ret);
	if (!msg)
		return ret;
	if (nla_put_string(msg, CLUSNOTIFY_A_CLUSTER_NAME, name) < 0)
		return too_big(feed, msg);
	ret = transact(feed, msg, on_one_cluster, &c);
	if (!ret && !c.seen)
		ret = fail(feed, -EPROTO, "the kernel's reply had no cluster id");
	if (!ret)
		*cluster_id = c.e.cluster_id;
	return ret;
}

__cn_public int clusnotify_feed_unregister(struct clusnotify_feed *feed,
				      uint32_t cluster_id)
{
	struct nl_msg *msg;
	int ret;

	if (!feed)
		return -EINVAL;
	msg = request(feed, CLUSNOTIFY_CMD_CLUSTER_UNREGISTER, 0, 0, &ret);
	if (!msg)
		return ret;
	if (nla_put_u32(msg, CLUSNOTIFY_A_CLUSTER_ID, cluster_id) < 0)
		return too_big(feed, msg);
	return transact(feed, msg, NULL, NULL);
}

static int first_cluster(const struct clusnotify_cluster_entry *e, void *arg)
{
	*(struct clusnotify_cluster_entry *)arg = *e;
	return 1;
}

__cn_public int clusnotify_feed_get_cluster(struct clusnotify_feed *feed,
				       uint32_t cluster_id, const char *name,
				       struct clusnotify_cluster_entry *entry)
{
	struct one_cluster c = { .seen = false };
	struct nl_msg *msg;
	int ret;

	if (!feed || !entry)
		return -EINVAL;
	if (!cluster_id && (!name || !*name)) {
		/* The local cluster: the first of the namespace. */
		ret = clusnotify_feed_clusters(feed, first_cluster, entry);
		if (ret < 0)
			return ret;
		return ret ? 0 : fail(feed, -ENOENT, "no cluster is registered");
	}
	if (!cluster_id) {
		ret = check_name(feed, name);
		if (ret)
			return ret;
	}
	msg = request(feed, CLUSNOTIFY_CMD_CLUSTER_GET, 0, 0, &ret);
	if (!msg)
		return ret;
	if (cluster_id ? nla_put_u32(msg, CLUSNOTIFY_A_CLUSTER_ID, cluster_id) :
	    nla_put_string(msg, CLUSNOTIFY_A_CLUSTER_NAME, name))
		return too_big(feed, msg);
	ret = transact(feed, msg, on_one_cluster, &c);
	if (ret == -ENOENT && !feed->errmsg[0]) {
		if (cluster_id)
			fail(feed, ret, "no cluster %u", cluster_id);
		else
			fail(feed, ret, "no cluster '%s'", name);
	}
	if (!ret && !c.seen)
		ret = fail(feed, -EPROTO, "the kernel's reply had no cluster");
	if (!ret)
		*entry = c.e;
	return ret;
}

__cn_public int clusnotify_feed_attach(struct clusnotify_feed *feed,
				  const char *name, uint32_t *cluster_id)
{
	struct clusnotify_cluster_entry e;
	int ret;

	if (!cluster_id)
		return -EINVAL;
	ret = clusnotify_feed_get_cluster(feed, 0, name, &e);
	if (!ret)
		*cluster_id = e.cluster_id;
	return ret;
}

/* ------------------------------------------------------------ dumps */

struct dump_clusters {
	int (*fn)(const struct clusnotify_cluster_entry *e, void *arg);
	void *arg;
};

static int on_cluster(struct nlattr **tb, void *arg)
{
	struct dump_clusters *d = arg;
	struct clusnotify_cluster_entry e;

	parse_cluster(tb, &e);
	return d->fn(&e, d->arg);
}

__cn_public int clusnotify_feed_clusters(struct clusnotify_feed *feed,
	int (*fn)(const struct clusnotify_cluster_entry *entry, void *arg),
	void *arg)
{
	struct dump_clusters d = { fn, arg };
	struct nl_msg *msg;
	int ret;

	if (!feed || !fn)
		return -EINVAL;
	msg = request(feed, CLUSNOTIFY_CMD_CLUSTER_GET, NLM_F_DUMP, 0, &ret);
	if (!msg)
		return ret;
	return transact(feed, msg, on_cluster, &d);
}

struct dump_objects {
	int (*fn)(const struct clusnotify_object_entry *e, void *arg);
	void *arg;
};

static int on_object(struct nlattr **tb, void *arg)
{
	struct nlattr *ob[CLUSNOTIFY_OBJ_A_MAX + 1];
	struct dump_objects *d = arg;
	struct clusnotify_object_entry e;

	if (!tb[CLUSNOTIFY_A_OBJECT] ||
	    nla_parse_nested(ob, CLUSNOTIFY_OBJ_A_MAX, tb[CLUSNOTIFY_A_OBJECT],
			     NULL) < 0)
		return 0;
	memset(&e, 0, sizeof(e));
	e.object_type = get_u32(ob[CLUSNOTIFY_OBJ_A_TYPE]);
	e.state = ob[CLUSNOTIFY_OBJ_A_STATE] ?
		  (int32_t)nla_get_u32(ob[CLUSNOTIFY_OBJ_A_STATE]) :
		  CLUSNOTIFY_STATE_UNKNOWN;
	copy_str(e.id, sizeof(e.id), ob[CLUSNOTIFY_OBJ_A_ID]);
	copy_str(e.name, sizeof(e.name), ob[CLUSNOTIFY_OBJ_A_NAME]);
	copy_str(e.parent_id, sizeof(e.parent_id), ob[CLUSNOTIFY_OBJ_A_PARENT_ID]);
	copy_str(e.type_name, sizeof(e.type_name), ob[CLUSNOTIFY_OBJ_A_TYPE_NAME]);
	return d->fn(&e, d->arg);
}

__cn_public int clusnotify_feed_objects(struct clusnotify_feed *feed,
	uint32_t cluster_id,
	int (*fn)(const struct clusnotify_object_entry *entry, void *arg),
	void *arg)
{
	struct dump_objects d = { fn, arg };
	struct nl_msg *msg;
	int ret;

	if (!feed || !fn)
		return -EINVAL;
	msg = request(feed, CLUSNOTIFY_CMD_OBJECT_GET, NLM_F_DUMP, 0, &ret);
	if (!msg)
		return ret;
	if (nla_put_u32(msg, CLUSNOTIFY_A_CLUSTER_ID, cluster_id) < 0)
		return too_big(feed, msg);
	return transact(feed, msg, on_object, &d);
}

/* ------------------------------------------------------------ batches */

static size_t attr_size(size_t len)
{
	return NLA_HDRLEN + NLA_ALIGN(len);
}

/*
 * An entry's string lengths, measured once by the sizing pass and used again
 * by the encoding pass: a batch of short strings spent a tenth of its time
 * in strlen() when each pass took its own.
 */
struct lens {
	uint32_t len[4];	/* id, parent_id, name, type_name; NUL included */
};

/* Batches this small keep their lengths on the stack: no malloc per post. */
#define LENS_ON_STACK	16

/*
 * A length as the sizing passes take it: past NEST_MAX, one that cannot fit
 * (send_batch() then says so), which also keeps a length near 4 GiB from
 * wrapping a 32-bit size_t to a few bytes.
 */
static uint32_t fit_len(size_t n)
{
	return n > NEST_MAX ? NEST_MAX + 1 : (uint32_t)n;
}

/* An optional attribute's size: none for a length of 0. */
static size_t opt_size(uint32_t len)
{
	return len ? attr_size(len) : 0;
}

/* A string's attribute length, terminator included; 0 for none. */
static uint32_t str_len(const char *s)
{
	return s ? fit_len(strlen(s) + 1) : 0;
}

/* A string attribute's size; its length (terminator included) to *len. */
static size_t str_size(const char *s, uint32_t *len)
{
	*len = str_len(s);
	return opt_size(*len);
}

/* What an entry's nest takes in the list nest, header included. */
static size_t object_size(const struct clusnotify_feed_object *o, bool del,
			  struct lens *l)
{
	size_t size = NLA_HDRLEN + attr_size(sizeof(uint32_t)) +
		      str_size(o->id, &l->len[0]);

	if (!del)
		size += str_size(o->parent_id, &l->len[1]) +
			str_size(o->name, &l->len[2]) +
			str_size(o->type_name, &l->len[3]) +
			(o->flags & CLUSNOTIFY_FEED_OBJ_STATE ?
			 attr_size(sizeof(int32_t)) : 0);
	return size;
}

/* An event's nest, its strings measured already. */
static size_t event_size_known(const struct clusnotify_feed_event *e,
			       const struct lens *l)
{
	return NLA_HDRLEN + attr_size(sizeof(uint32_t)) +
	       attr_size(sizeof(uint64_t)) + opt_size(l->len[0]) +
	       opt_size(l->len[1]) + opt_size(l->len[2]) + opt_size(l->len[3]) +
	       opt_size(fit_len(e->payload_len));
}

static size_t event_size(const struct clusnotify_feed_event *e, struct lens *l)
{
	l->len[0] = str_len(e->id);
	l->len[1] = str_len(e->parent_id);
	l->len[2] = str_len(e->name);
	l->len[3] = str_len(e->type_name);
	return event_size_known(e, l);
}

/* nla_put() with the length known: nla_reserve() and one copy. */
static int put(struct nl_msg *msg, int attr, const void *data, uint32_t len)
{
	struct nlattr *a = nla_reserve(msg, attr, (int)len);

	if (!a)
		return -EMSGSIZE;
	memcpy(nla_data(a), data, len);
	return 0;
}

static int put_str(struct nl_msg *msg, int attr, const char *s, uint32_t len)
{
	return s ? put(msg, attr, s, len) : 0;
}

static int put_object(struct nl_msg *msg, const struct clusnotify_feed_object *o,
		      bool del, const struct lens *l)
{
	struct nlattr *nest = nla_nest_start(msg, CLUSNOTIFY_A_OBJECT | NLA_F_NESTED);

	if (!nest || put(msg, CLUSNOTIFY_OBJ_A_TYPE, &o->type, sizeof(o->type)) ||
	    put(msg, CLUSNOTIFY_OBJ_A_ID, o->id, l->len[0]))
		return -EMSGSIZE;
	if (!del && (put_str(msg, CLUSNOTIFY_OBJ_A_NAME, o->name, l->len[2]) ||
		     put_str(msg, CLUSNOTIFY_OBJ_A_PARENT_ID, o->parent_id, l->len[1]) ||
		     put_str(msg, CLUSNOTIFY_OBJ_A_TYPE_NAME, o->type_name, l->len[3]) ||
		     (o->flags & CLUSNOTIFY_FEED_OBJ_STATE &&
		      put(msg, CLUSNOTIFY_OBJ_A_STATE, &o->state, sizeof(o->state)))))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/*
 * An event's attributes, written into its nest reserved whole with one
 * nla_reserve(), as nla_put() lays them out: header, data, zeroed padding.
 * Put one by one, each was five library calls (nla_reserve() and the size,
 * length, padding and copy helpers it calls); without them a post of 256
 * events takes a quarter less time. Objects, posted rarely, keep put().
 */
static char *ev_attr(char *p, uint16_t type, const void *data, uint32_t len)
{
	struct nlattr *a = (struct nlattr *)p;
	uint32_t i;

	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	memcpy(p + NLA_HDRLEN, data, len);
	for (i = len; i < NLA_ALIGN(len); i++)
		p[NLA_HDRLEN + i] = 0;
	return p + attr_size(len);
}

static char *ev_str(char *p, uint16_t type, const char *s, uint32_t len)
{
	return s ? ev_attr(p, type, s, len) : p;
}

static int put_event(struct nl_msg *msg, const struct clusnotify_feed_event *e,
		     const struct lens *l)
{
	size_t inner = event_size_known(e, l) - NLA_HDRLEN;
	struct nlattr *nest;
	char *p;

	nest = nla_reserve(msg, CLUSNOTIFY_A_EVENT | NLA_F_NESTED, (int)inner);
	if (!nest)
		return -EMSGSIZE;
	p = nla_data(nest);
	p = ev_attr(p, CLUSNOTIFY_EV_A_OBJ_TYPE, &e->type, sizeof(e->type));
	p = ev_attr(p, CLUSNOTIFY_EV_A_FLAG, &e->flag, sizeof(e->flag));
	p = ev_str(p, CLUSNOTIFY_EV_A_OBJ_ID, e->id, l->len[0]);
	p = ev_str(p, CLUSNOTIFY_EV_A_PARENT_ID, e->parent_id, l->len[1]);
	p = ev_str(p, CLUSNOTIFY_EV_A_NAME, e->name, l->len[2]);
	p = ev_str(p, CLUSNOTIFY_EV_A_TYPE_NAME, e->type_name, l->len[3]);
	if (e->payload_len)
		ev_attr(p, CLUSNOTIFY_EV_A_PAYLOAD, e->payload, e->payload_len);
	return 0;
}

/*
 * One kind of batch: the command, its list attribute, the most entries a
 * message holds, and how to size and encode entry i.
 */
struct batch {
	uint8_t cmd;
	int list_attr;
	size_t max;
	const char *what;
	size_t (*size)(const struct batch *b, size_t i, struct lens *l);
	int (*put)(struct nl_msg *msg, const struct batch *b, size_t i,
		   const struct lens *l);
	const void *v;
	int (*parse)(struct nlattr **tb, void *arg);
	void *arg;
};

/*
 * Sends entries [0, count) in as many messages as the kernel's limits need:
 * each closes before its list nest would pass NEST_MAX or it would hold
 * more than b->max entries. *done counts the entries of the messages the
 * kernel took before the first that failed.
 */
static int send_batch(struct clusnotify_feed *feed, uint32_t cluster_id,
		      const struct batch *b, size_t count, size_t *done)
{
	size_t i = 0, j, k, len, one, n = count < b->max ? count : b->max;
	struct lens few[LENS_ON_STACK], *lens = few;
	struct nlattr *list;
	struct nl_msg *msg;
	int ret = 0;

	if (n > LENS_ON_STACK) {
		lens = malloc(n * sizeof(*lens));
		if (!lens)
			return fail(feed, -ENOMEM, "out of memory");
	}
	while (i < count) {
		len = NLA_HDRLEN;
		for (j = i; j < count && j - i < b->max; j++) {
			one = b->size(b, j, &lens[j - i]);
			if (len + one > NEST_MAX)
				break;
			len += one;
		}
		if (j == i) {
			ret = fail(feed, -EMSGSIZE,
				   "%s %zu does not fit in one message", b->what, i);
			break;
		}
		msg = request(feed, b->cmd, 0, len, &ret);
		if (!msg)
			break;
		list = NULL;
		if (nla_put_u32(msg, CLUSNOTIFY_A_CLUSTER_ID, cluster_id) >= 0)
			list = nla_nest_start(msg, b->list_attr | NLA_F_NESTED);
		for (k = i; list && k < j; k++)
			if (b->put(msg, b, k, &lens[k - i]))
				list = NULL;
		if (!list) {
			ret = too_big(feed, msg);
			break;
		}
		nla_nest_end(msg, list);
		ret = transact(feed, msg, b->parse, b->arg);
		if (ret)
			break;
		i = j;
		if (done)
			*done = j;
	}
	if (lens != few)
		free(lens);
	return ret;
}

static int check_objects(struct clusnotify_feed *feed,
			 const struct clusnotify_feed_object *objs, size_t count)
{
	size_t i;

	clear(feed);
	if (!objs || !count)
		return fail(feed, -EINVAL, "no objects");
	for (i = 0; i < count; i++) {
		if (!objs[i].id)
			return fail(feed, -EINVAL, "object %zu has no id", i);
		if (objs[i].flags & ~CLUSNOTIFY_FEED_OBJ_STATE || objs[i].reserved)
			return fail(feed, -EINVAL,
				    "object %zu: unknown flags or reserved bits", i);
	}
	return 0;
}

static size_t obj_size(const struct batch *b, size_t i, struct lens *l)
{
	const struct clusnotify_feed_object *o = b->v;

	return object_size(&o[i], b->cmd == CLUSNOTIFY_CMD_OBJECT_DEL, l);
}

static int obj_put(struct nl_msg *msg, const struct batch *b, size_t i,
		   const struct lens *l)
{
	const struct clusnotify_feed_object *o = b->v;

	return put_object(msg, &o[i], b->cmd == CLUSNOTIFY_CMD_OBJECT_DEL, l);
}

static int objects_cmd(struct clusnotify_feed *feed, uint8_t cmd,
		       uint32_t cluster_id,
		       const struct clusnotify_feed_object *objs, size_t count,
		       size_t *done)
{
	struct batch b = {
		.cmd = cmd, .list_attr = CLUSNOTIFY_A_OBJECTS,
		.max = CLUSNOTIFY_OBJECTS_MAX, .what = "object",
		.size = obj_size, .put = obj_put, .v = objs,
	};
	int ret;

	if (done)
		*done = 0;
	if (!feed)
		return -EINVAL;
	ret = check_objects(feed, objs, count);
	if (ret)
		return ret;
	return send_batch(feed, cluster_id, &b, count, done);
}

__cn_public int clusnotify_feed_set_objects(struct clusnotify_feed *feed,
				       uint32_t cluster_id,
				       const struct clusnotify_feed_object *objects,
				       size_t count, size_t *done)
{
	return objects_cmd(feed, CLUSNOTIFY_CMD_OBJECT_SET, cluster_id, objects,
			   count, done);
}

__cn_public int clusnotify_feed_del_objects(struct clusnotify_feed *feed,
				       uint32_t cluster_id,
				       const struct clusnotify_feed_object *objects,
				       size_t count, size_t *done)
{
	return objects_cmd(feed, CLUSNOTIFY_CMD_OBJECT_DEL, cluster_id, objects,
			   count, done);
}

static size_t ev_size(const struct batch *b, size_t i, struct lens *l)
{
	const struct clusnotify_feed_event *e = b->v;

	return event_size(&e[i], l);
}

static int ev_put(struct nl_msg *msg, const struct batch *b, size_t i,
		  const struct lens *l)
{
	const struct clusnotify_feed_event *e = b->v;

	return put_event(msg, &e[i], l);
}

static int on_posted(struct nlattr **tb, void *arg)
{
	struct nlattr *st[CLUSNOTIFY_STAT_MAX + 1];

	if (tb[CLUSNOTIFY_A_CLUSTER_STATS] &&
	    !nla_parse_nested(st, CLUSNOTIFY_STAT_MAX,
			      tb[CLUSNOTIFY_A_CLUSTER_STATS], NULL) &&
	    st[CLUSNOTIFY_STAT_SEQ])
		*(uint64_t *)arg = nla_get_u64(st[CLUSNOTIFY_STAT_SEQ]);
	return 0;
}

__cn_public int clusnotify_feed_post(struct clusnotify_feed *feed,
				uint32_t cluster_id,
				const struct clusnotify_feed_event *events,
				size_t count, size_t *done, uint64_t *last_seq)
{
	uint64_t seq = 0;
	struct batch b = {
		.cmd = CLUSNOTIFY_CMD_EVENT_POST, .list_attr = CLUSNOTIFY_A_EVENTS,
		.max = CLUSNOTIFY_EVENTS_MAX, .what = "event",
		.size = ev_size, .put = ev_put, .v = events,
		.parse = on_posted, .arg = &seq,
	};
	size_t i;
	int ret;

	if (done)
		*done = 0;
	if (!feed)
		return -EINVAL;
	clear(feed);
	if (!events || !count)
		return fail(feed, -EINVAL, "no events");
	for (i = 0; i < count; i++)
		if (events[i].payload_len && !events[i].payload)
			return fail(feed, -EINVAL, "event %zu: payload_len without payload", i);
	ret = send_batch(feed, cluster_id, &b, count, done);
	if (last_seq && seq)
		*last_seq = seq;
	return ret;
}

/* ------------------------------------------------------------ monitor */

/*
 * MONITOR_START makes this socket a monitor of its namespace. Events can
 * come before the kernel's answer (a poster on another CPU between the two):
 * they are kept in rbuf, in order, for clusnotify_feed_recv(); if they do
 * not fit, its first call reports the loss as an overrun would.
 */
__cn_public int clusnotify_feed_monitor(struct clusnotify_feed *feed)
{
	struct nl_msg *msg;
	unsigned char *buf;
	uint32_t seq;
	int ret, len;

	if (!feed)
		return -EINVAL;
	clear(feed);
	if (feed->monitor)
		return 0;
	if (!feed->rbuf) {
		feed->rbuf = malloc(RECV_BUF);
		if (!feed->rbuf)
			return fail(feed, -ENOMEM, "out of memory");
	}
	buf = malloc(RECV_BUF);
	if (!buf)
		return fail(feed, -ENOMEM, "out of memory");
	msg = request(feed, CLUSNOTIFY_CMD_MONITOR_START, 0, 0, &ret);
	if (!msg)
		goto out;
	ret = send_msg(feed, msg);
	seq = nlmsg_hdr(msg)->nlmsg_seq;
	nlmsg_free(msg);
	if (ret < 0) {
		ret = fail(feed, nl_errno(ret), "netlink send: %s", nl_geterror(ret));
		goto out;
	}
	feed->rlen = feed->roff = 0;
	feed->overran = false;
	for (;;) {
		const struct nlmsghdr *h = (void *)buf;

		len = recv(nl_socket_get_fd(feed->sk), buf, RECV_BUF, 0);
		if (len < 0 && errno == EINTR)
			continue;
		if (len < 0 && errno == ENOBUFS) {
			feed->overran = true;
			continue;
		}
		if (len < 0) {
			ret = fail(feed, -errno, "recv: %s", strerror(errno));
			goto out;
		}
		if (nlmsg_ok(h, len) && h->nlmsg_type == NLMSG_ERROR &&
		    h->nlmsg_seq == seq) {
			const struct nlmsgerr *e = nlmsg_data(h);

			ret = e->error;
			if (ret)
				ret = fail(feed, ret, "MONITOR_START: %s", strerror(-ret));
			break;
		}
		/* An event before the answer: keep it for recv. */
		if (feed->rlen + len <= RECV_BUF) {
			memcpy(feed->rbuf + feed->rlen, buf, len);
			feed->rlen += NLMSG_ALIGN(len);
		} else {
			feed->overran = true;
		}
	}
	if (!ret)
		feed->monitor = true;
	else
		feed->rlen = 0;
out:
	free(buf);
	return ret;
}

static const char *str_at(const struct nlattr *a, uint16_t *len)
{
	if (!a || nla_len(a) < 1 || ((const char *)nla_data(a))[nla_len(a) - 1]) {
		*len = 0;
		return "";
	}
	*len = nla_len(a) - 1;
	return nla_data(a);
}

/* Fills @ev from the message at @h: 1 if it is an event, 0 to skip it. */
static int parse_mc(const struct nlmsghdr *h, struct clusnotify_event *ev)
{
	struct nlattr *tb[CLUSNOTIFY_A_MAX + 1];
	struct nlattr *eb[CLUSNOTIFY_EV_A_MAX + 1];

	if (h->nlmsg_type < NLMSG_MIN_TYPE ||
	    genlmsg_parse((struct nlmsghdr *)h, 0, tb, CLUSNOTIFY_A_MAX, NULL) ||
	    ((struct genlmsghdr *)nlmsg_data(h))->cmd != CLUSNOTIFY_CMD_EVENT ||
	    !tb[CLUSNOTIFY_A_EVENT] ||
	    nla_parse_nested(eb, CLUSNOTIFY_EV_A_MAX, tb[CLUSNOTIFY_A_EVENT], NULL))
		return 0;
	memset(ev, 0, sizeof(*ev));
	ev->cluster_id = get_u32(tb[CLUSNOTIFY_A_CLUSTER_ID]);
	ev->object_type = get_u32(eb[CLUSNOTIFY_EV_A_OBJ_TYPE]);
	ev->filter_flag = get_u64(eb[CLUSNOTIFY_EV_A_FLAG]);
	ev->seq = get_u64(eb[CLUSNOTIFY_EV_A_SEQ]);
	ev->timestamp_ns = get_u64(eb[CLUSNOTIFY_EV_A_TIMESTAMP]);
	ev->object_id = str_at(eb[CLUSNOTIFY_EV_A_OBJ_ID], &ev->id_len);
	ev->parent_id = str_at(eb[CLUSNOTIFY_EV_A_PARENT_ID], &ev->parent_len);
	ev->name = str_at(eb[CLUSNOTIFY_EV_A_NAME], &ev->name_len);
	ev->type_name = str_at(eb[CLUSNOTIFY_EV_A_TYPE_NAME], &ev->type_len);
	if (eb[CLUSNOTIFY_EV_A_PAYLOAD]) {
		ev->payload = nla_data(eb[CLUSNOTIFY_EV_A_PAYLOAD]);
		ev->payload_len = nla_len(eb[CLUSNOTIFY_EV_A_PAYLOAD]);
	}
	return 1;
}

__cn_public int clusnotify_feed_recv(struct clusnotify_feed *feed,
				struct clusnotify_event *ev, int64_t timeout_ms)
{
	struct __cn_deadline d = __cn_deadline_after(timeout_ms);
	struct pollfd p;
	int len, ret;

	if (!feed || !ev)
		return -EINVAL;
	clear(feed);
	if (!feed->monitor)
		return fail(feed, -EINVAL, "this feed is no monitor (clusnotify_feed_monitor)");
	if (feed->overran) {
		feed->overran = false;
		return fail(feed, -ENOBUFS, "the socket overran: events were lost");
	}
	p.fd = nl_socket_get_fd(feed->sk);
	p.events = POLLIN;
	for (;;) {
		while (feed->roff < feed->rlen) {
			const struct nlmsghdr *h = (void *)(feed->rbuf + feed->roff);

			len = feed->rlen - feed->roff;
			if (!nlmsg_ok(h, len)) {
				feed->roff = feed->rlen;
				break;
			}
			feed->roff += NLMSG_ALIGN(h->nlmsg_len);
			if (parse_mc(h, ev))
				return 0;
		}
		ret = poll(&p, 1, __cn_remaining(&d));
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0)
			return fail(feed, -errno, "poll: %s", strerror(errno));
		if (!ret)
			return fail(feed, -ETIMEDOUT, "no event in %lld ms",
				    (long long)timeout_ms);
		len = recv(p.fd, feed->rbuf, RECV_BUF, MSG_DONTWAIT);
		if (len < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (len < 0 && errno == ENOBUFS)
			return fail(feed, -ENOBUFS,
				    "the socket overran: events were lost");
		if (len < 0)
			return fail(feed, -errno, "recv: %s", strerror(errno));
		feed->rlen = len;
		feed->roff = 0;
	}
}
