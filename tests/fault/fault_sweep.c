// SPDX-License-Identifier: GPL-2.0
/*
 * The failslab sweep: every operation that allocates in clusnotify is run
 * with its 1st, then 2nd, 3rd ... slab allocation failed, until it runs past
 * its last allocation without meeting the injected failure. Each time it
 * must end in a clear error (-ENOMEM, or -ENOBUFS from netlink itself) or in
 * a loss the port counts, and leave nothing half done: the same state as
 * before on an error, matched == delivered + lost on every port.
 *
 * The failure is injected with /proc/self/task/<tid>/fail-nth: it fails the
 * Nth slab allocation of this thread only, whatever make-it-fail says (the
 * run script keeps failslab's own random path off for every task). The
 * operation under test is the only system call made while it is armed.
 *
 * Runs in a network namespace of its own, so it sees only its own clusters.
 * Prints `ok - fault/<op>` or `not ok - fault/<op>` per operation, with
 * "# " lines saying what went wrong.
 *
 *   fault_sweep [OP...]     (default: every operation)
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include <linux/clusnotify.h>

#include "failnth.h"

#include "../selftests/cn_nl.h"

#define MAX_NTH		400	/* no operation allocates this often */
#define MAX_NOTES	12
#define NGROUPS		6	/* objects the snapshot covers */

/* ---- fail-nth --------------------------------------------------------- */

static void arm(unsigned int n)
{
	nth_write(n);
}

/* ---- reporting -------------------------------------------------------- */

struct sweep {
	const char *op;
	unsigned int n;		/* the allocation failed this round */
	unsigned int failures;
	unsigned int notes;
	unsigned int errs[256];	/* errno counts of the rounds that failed */
	unsigned int absorbed;	/* injected, and still a success */
	unsigned int ambiguous;	/* the answer itself was lost */
};

static void fail(struct sweep *s, const char *fmt, ...)
{
	va_list ap;

	s->failures++;
	if (s->notes++ >= MAX_NOTES)
		return;
	printf("# fault/%s: allocation %u failed: ", s->op, s->n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static const char *ename(int err)
{
	const char *n = strerrorname_np(err < 0 ? -err : err);

	return n ? n : "?";
}

/* ---- the device ------------------------------------------------------- */

static int cn_open(void)
{
	int fd = open("/dev/clusnotify", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static int xioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? -errno : 0;
}

static int stats(int fd, struct clusnotify_port_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	return xioctl(fd, CLUSNOTIFY_IOC_GET_STATS, st);
}

static int add_filters(int fd, uint32_t cid, uint64_t key,
		       const struct clusnotify_filter *f, uint32_t n)
{
	struct clusnotify_add_filters a = {
		.size = sizeof(a), .cluster_id = cid, .count = n, .key = key,
		.filters = (uintptr_t)f,
	};

	return xioctl(fd, CLUSNOTIFY_IOC_ADD_FILTERS, &a);
}

static void fill_register(struct clusnotify_register *r, uint32_t cid,
			  uint32_t type, uint64_t mask, uint64_t key, const char *id)
{
	memset(r, 0, sizeof(*r));
	r->size = sizeof(*r);
	r->cluster_id = cid;
	r->object_type = type;
	r->filter_flags = mask;
	r->key = key;
	snprintf(r->object_id, sizeof(r->object_id), "%s", id);
}

static int object_get(int fd, uint32_t cid, uint32_t type, const char *id,
		      struct clusnotify_object_info *oi)
{
	memset(oi, 0, sizeof(*oi));
	oi->size = sizeof(*oi);
	oi->flags = CLUSNOTIFY_OBJECT_BY_ID;
	oi->cluster_id = cid;
	oi->object_type = type;
	snprintf(oi->id, sizeof(oi->id), "%s", id);
	return xioctl(fd, CLUSNOTIFY_IOC_GET_OBJECT, oi);
}

/* What a port had queued, read off it. */
struct recs {
	unsigned int records;
	unsigned int events;	/* not LOST */
	unsigned int snapshots;
	unsigned int markers;	/* end-of-snapshot markers, not events */
	unsigned int lost_records;
	uint64_t lost;
	uint64_t flags_seen;	/* filter_flag of each event, or-ed */
	unsigned int bad;	/* malformed records */
};

static int drain(int fd, struct recs *r)
{
	static char buf[1 << 16];
	ssize_t n;

	memset(r, 0, sizeof(*r));
	for (;;) {
		size_t off = 0;

		n = read(fd, buf, sizeof(buf));
		if (n < 0)
			return errno == EAGAIN ? 0 : -errno;
		while (off + sizeof(struct clusnotify_record) <= (size_t)n) {
			const struct clusnotify_record *h = (const void *)(buf + off);

			if (h->len < sizeof(*h) || h->len % 8 || off + h->len > (size_t)n) {
				r->bad++;
				break;
			}
			r->records++;
			if (h->flags & CLUSNOTIFY_RECORD_LOST) {
				uint64_t c = 0;

				r->lost_records++;
				if (h->payload_len == 8 && h->payload_off + 8 <= h->len)
					memcpy(&c, buf + off + h->payload_off, 8);
				r->lost += c;
			} else if (h->flags & CLUSNOTIFY_RECORD_SNAPSHOT_END) {
				r->markers++;
			} else {
				r->events++;
				r->flags_seen |= h->filter_flag;
				if (h->flags & CLUSNOTIFY_RECORD_SNAPSHOT)
					r->snapshots++;
			}
			off += h->len;
		}
	}
}

/* matched == delivered + lost, and nothing left queued unread. */
static void check_port(struct sweep *s, int fd, const char *which)
{
	struct clusnotify_port_stats st;
	int ret = stats(fd, &st);

	if (ret) {
		fail(s, "%s: GET_STATS: %s", which, ename(ret));
		return;
	}
	if (st.matched != st.delivered + st.lost)
		fail(s, "%s: matched %llu != delivered %llu + lost %llu", which,
		     (unsigned long long)st.matched, (unsigned long long)st.delivered,
		     (unsigned long long)st.lost);
}

/* ---- the world the operations run in ---------------------------------- */

struct world {
	struct cn_nl *nl;	/* owns "fault-main" */
	uint32_t cid;
	int watcher;		/* a port watching every GROUP and NODE event */
	struct nl_sock *mc;	/* a monitor (MONITOR_START) */
	int family;
};

static struct world W;

static int die(const char *what, int err)
{
	printf("not ok - fault/setup # %s: %s\n", what, ename(err));
	exit(1);
}

static int set_group_state(const char *id, int32_t state)
{
	struct cn_object o = {
		.type = CLUSNOTIFY_OBJ_GROUP, .id = id, .has_state = true,
		.state = state,
	};

	return cn_nl_object_set(W.nl, W.cid, &o, 1);
}

static void world_setup(void)
{
	static const struct clusnotify_filter f[] = {
		{ CLUSNOTIFY_OBJ_GROUP, 0, CLUSNOTIFY_GROUP_ALL },
		{ CLUSNOTIFY_OBJ_NODE, 0, CLUSNOTIFY_NODE_ALL },
		{ CLUSNOTIFY_OBJ_RESOURCE, 0, CLUSNOTIFY_RESOURCE_ALL },
	};
	struct cn_object node = { .type = CLUSNOTIFY_OBJ_NODE, .id = "n1",
				  .has_state = true, .state = 0 };
	char id[16];
	struct nl_msg *msg;
	int ret, i;

	W.nl = cn_nl_open();
	if (!W.nl)
		die("cn_nl_open", errno);
	ret = cn_nl_cluster_register(W.nl, "fault-main", &W.cid);
	if (ret)
		die("CLUSTER_REGISTER fault-main", ret);
	for (i = 1; i <= NGROUPS; i++) {
		snprintf(id, sizeof(id), "g%d", i);
		ret = set_group_state(id, i);
		if (ret)
			die("OBJECT_SET", ret);
	}
	ret = cn_nl_object_set(W.nl, W.cid, &node, 1);
	if (ret)
		die("OBJECT_SET n1", ret);
	W.watcher = cn_open();
	if (W.watcher < 0)
		die("open /dev/clusnotify", W.watcher);
	ret = add_filters(W.watcher, W.cid, 1, f, 3);
	if (ret)
		die("ADD_FILTERS", ret);

	W.mc = nl_socket_alloc();
	if (!W.mc || genl_connect(W.mc))
		die("listener socket", ENOMEM);
	nl_socket_set_buffer_size(W.mc, 1 << 20, 1 << 20);
	W.family = genl_ctrl_resolve(W.mc, CLUSNOTIFY_GENL_NAME);
	if (W.family < 0)
		die("resolving the family", ENOENT);
	msg = nlmsg_alloc();
	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, W.family, 0, 0,
				 CLUSNOTIFY_CMD_MONITOR_START, CLUSNOTIFY_GENL_VERSION))
		die("MONITOR_START message", ENOMEM);
	/* Sends, waits for the answer, frees the message. */
	ret = nl_send_sync(W.mc, msg);
	if (ret)
		die("MONITOR_START (libnl error)", ret);
}

/* EVENT messages the listener got since last time; *overrun on ENOBUFS. */
static unsigned int mc_drain(bool *overrun)
{
	static char buf[1 << 16];
	int fd = nl_socket_get_fd(W.mc);
	unsigned int n = 0;

	*overrun = false;
	for (;;) {
		ssize_t len = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		struct nlmsghdr *h;

		if (len < 0) {
			if (errno == ENOBUFS) {
				*overrun = true;
				continue;
			}
			break;
		}
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)len);
		     h = NLMSG_NEXT(h, len)) {
			struct genlmsghdr *g = NLMSG_DATA(h);

			if (h->nlmsg_type == W.family &&
			    g->cmd == CLUSNOTIFY_CMD_EVENT)
				n++;
		}
	}
	return n;
}

static int cluster_get(uint32_t id, const char *name, struct cn_cluster *out)
{
	return cn_nl_cluster_get(W.nl, id, name, out);
}

/*
 * How a netlink request ended: 0; SENT_NOT (-EIO: sendmsg failed, the
 * kernel never saw it; the library answers such failures with their errno,
 * which counts as an explicit answer that did nothing, as it is); LOST_ANSWER
 * (-EPROTO from the library: the request ran, but its answer was lost to a
 * failed allocation of netlink's own); or the kernel's explicit answer.
 */
enum { NL_OK_, NL_SEND_FAILED, NL_ANSWER_LOST, NL_ERROR };

static int nl_outcome(int ret)
{
	if (!ret)
		return NL_OK_;
	if (ret == -EIO)
		return NL_SEND_FAILED;
	if (ret == -EPROTO)
		return NL_ANSWER_LOST;
	return NL_ERROR;
}

/*
 * A netlink request runs armed on a socket of its own: when netlink fails
 * to allocate the answer, the socket reports ENOBUFS before the messages
 * still queued on it, which would answer the next request. A fresh socket
 * per round leaves them behind; checks use W.nl, never armed.
 */
static struct cn_nl *snd;

static void sender_open(void)
{
	snd = cn_nl_open();
	if (!snd)
		die("cn_nl_open", errno);
}

static void sender_close(void)
{
	cn_nl_close(snd);
	snd = NULL;
}

/* ---- the operations --------------------------------------------------- */

struct op {
	const char *name;
	/* Arrange (not armed), run (armed, one operation), check (not armed). */
	void (*setup)(struct sweep *s);
	int (*run)(void);
	void (*check)(struct sweep *s, int ret, bool injected);
};

/* open(/dev/clusnotify) */
static int open_fd = -1;

static int open_run(void)
{
	open_fd = cn_open();
	return open_fd < 0 ? open_fd : 0;
}

static void open_check(struct sweep *s, int ret, bool injected)
{
	struct clusnotify_port_stats st;

	if (ret) {
		if (ret != -ENOMEM)
			fail(s, "open: %s, want ENOMEM", ename(ret));
		return;
	}
	if (stats(open_fd, &st) || st.queued || st.matched || st.filters ||
	    st.registrations || st.clusters)
		fail(s, "a new port is not empty");
	close(open_fd);
	open_fd = -1;
}

/* CLUSNOTIFY_IOC_ADD_FILTERS, on a port new to the cluster or watching it */
static int port = -1;
static struct clusnotify_port_stats before;

static const struct clusnotify_filter three[] = {
	{ CLUSNOTIFY_OBJ_GROUP, 0, CLUSNOTIFY_GROUP_ALL },
	{ CLUSNOTIFY_OBJ_RESOURCE, 0, CLUSNOTIFY_RESOURCE_STATE },
	{ CLUSNOTIFY_OBJ_NODE, 0, CLUSNOTIFY_NODE_STATE },
};

static void fresh_port(struct sweep *s)
{
	if (port >= 0)
		close(port);
	port = cn_open();
	if (port < 0)
		die("open /dev/clusnotify", port);
}

static void add_new_setup(struct sweep *s)
{
	fresh_port(s);
	stats(port, &before);
}

static void add_existing_setup(struct sweep *s)
{
	static const struct clusnotify_filter f = {
		CLUSNOTIFY_OBJ_NETWORK, 0, CLUSNOTIFY_NETWORK_STATE };

	fresh_port(s);
	if (add_filters(port, W.cid, 9, &f, 1))
		die("ADD_FILTERS", -errno);
	stats(port, &before);
}

static int add_run(void)
{
	return add_filters(port, W.cid, 42, three, 3);
}

/* One GROUP STATE event for g1, not armed; returns the port's records. */
static void post_probe(struct sweep *s, struct recs *r)
{
	int ret = cn_nl_post1(W.nl, W.cid, CLUSNOTIFY_OBJ_GROUP,
			      CLUSNOTIFY_GROUP_STATE, "g1");

	if (ret)
		fail(s, "probe EVENT_POST: %s", ename(ret));
	ret = drain(port, r);
	if (ret)
		fail(s, "read: %s", ename(ret));
}

static void add_check(struct sweep *s, int ret, bool injected)
{
	struct clusnotify_port_stats st;
	struct recs r;

	stats(port, &st);
	if (ret) {
		if (ret != -ENOMEM)
			fail(s, "ADD_FILTERS: %s, want ENOMEM", ename(ret));
		if (st.filters != before.filters || st.clusters != before.clusters)
			fail(s, "ADD_FILTERS failed but filters %u -> %u, clusters %u -> %u",
			     before.filters, st.filters, before.clusters, st.clusters);
	} else if (st.filters != before.filters + 3 || st.clusters != 1) {
		fail(s, "ADD_FILTERS succeeded but filters %u -> %u", before.filters,
		     st.filters);
	}
	post_probe(s, &r);
	if (r.events != (ret ? 0U : 1U))
		fail(s, "ADD_FILTERS %s, and the port got %u events of one matching",
		     ret ? "failed" : "succeeded", r.events);
	check_port(s, port, "port");
}

/* CLUSNOTIFY_IOC_REGISTER */
static uint64_t reg_id;

static void reg_setup(struct sweep *s)
{
	add_new_setup(s);
}

static int reg_run(void)
{
	struct clusnotify_register r;
	int ret;

	fill_register(&r, W.cid, CLUSNOTIFY_OBJ_GROUP,
		      CLUSNOTIFY_GROUP_STATE | CLUSNOTIFY_GROUP_HANDLE_CLOSE, 7, "g1");
	ret = xioctl(port, CLUSNOTIFY_IOC_REGISTER, &r);
	reg_id = r.reg_id;
	return ret;
}

static void reg_check(struct sweep *s, int ret, bool injected)
{
	struct clusnotify_port_stats st;
	struct recs r;

	stats(port, &st);
	if (ret) {
		if (ret != -ENOMEM)
			fail(s, "REGISTER: %s, want ENOMEM", ename(ret));
		if (st.registrations || st.clusters)
			fail(s, "REGISTER failed but left %u registrations on %u clusters",
			     st.registrations, st.clusters);
	} else if (!reg_id || st.registrations != 1) {
		fail(s, "REGISTER succeeded: reg_id %llu, %u registrations",
		     (unsigned long long)reg_id, st.registrations);
	}
	post_probe(s, &r);
	if (r.events != (ret ? 0U : 1U))
		fail(s, "REGISTER %s, and the port got %u events of one matching",
		     ret ? "failed" : "succeeded", r.events);
	check_port(s, port, "port");
}

/* CLUSNOTIFY_IOC_UNREGISTER: HANDLE_CLOSE is made then; without memory it is a counted loss */
static void unreg_setup(struct sweep *s)
{
	add_new_setup(s);
	if (reg_run())
		die("REGISTER", -errno);
}

static int unreg_run(void)
{
	struct clusnotify_unregister u = { .size = sizeof(u), .reg_id = reg_id };

	return xioctl(port, CLUSNOTIFY_IOC_UNREGISTER, &u);
}

static void unreg_check(struct sweep *s, int ret, bool injected)
{
	struct clusnotify_port_stats st;
	struct recs r;

	if (ret)
		fail(s, "UNREGISTER: %s, want 0 (a HANDLE_CLOSE without memory is a loss)",
		     ename(ret));
	stats(port, &st);
	if (st.registrations)
		fail(s, "the registration is still there");
	drain(port, &r);
	if (!(r.events == 1 && (r.flags_seen & CLUSNOTIFY_GROUP_HANDLE_CLOSE)) &&
	    !(r.events == 0 && r.lost == 1))
		fail(s, "want HANDLE_CLOSE or one counted loss, got %u events, %llu lost",
		     r.events, (unsigned long long)r.lost);
	if (!injected && r.events != 1)
		fail(s, "no HANDLE_CLOSE without an injected failure");
	check_port(s, port, "port");
}

/* CLUSNOTIFY_IOC_SNAPSHOT */
static void snap_setup(struct sweep *s)
{
	static const struct clusnotify_filter f = {
		CLUSNOTIFY_OBJ_GROUP, 0, CLUSNOTIFY_GROUP_STATE };

	fresh_port(s);
	if (add_filters(port, W.cid, 3, &f, 1))
		die("ADD_FILTERS", -errno);
}

static int snap_run(void)
{
	return xioctl(port, CLUSNOTIFY_IOC_SNAPSHOT, NULL);
}

static void snap_check(struct sweep *s, int ret, bool injected)
{
	struct recs r;

	drain(port, &r);
	if (ret) {
		if (ret != -ENOMEM)
			fail(s, "SNAPSHOT: %s, want ENOMEM", ename(ret));
		/* the marker is the last record: a failure never reaches it */
		if (r.events > NGROUPS || r.snapshots != r.events || r.markers)
			fail(s, "SNAPSHOT failed and queued %u records (%u snapshot, %u end)",
			     r.events, r.snapshots, r.markers);
	} else if (r.markers != 1) {
		fail(s, "SNAPSHOT succeeded with %u end-of-snapshot markers", r.markers);
	} else if (r.snapshots != NGROUPS || r.events != NGROUPS) {
		if (!(injected && r.snapshots + r.lost == NGROUPS))
			fail(s, "SNAPSHOT succeeded with %u of %d records, %llu lost",
			     r.snapshots, NGROUPS, (unsigned long long)r.lost);
	}
	check_port(s, port, "port");
}

/* CLUSNOTIFY_IOC_GET_OBJECT */
static struct clusnotify_object_info oi;

static int getobj_run(void)
{
	return object_get(W.watcher, W.cid, CLUSNOTIFY_OBJ_NODE, "n1", &oi);
}

static void getobj_check(struct sweep *s, int ret, bool injected)
{
	if (ret && ret != -ENOMEM)
		fail(s, "GET_OBJECT: %s, want ENOMEM", ename(ret));
	if (!ret && strcmp(oi.id, "n1"))
		fail(s, "GET_OBJECT succeeded with id \"%s\"", oi.id);
}

/* netlink CLUSTER_REGISTER */
static uint32_t new_cid;

static void creg_setup(struct sweep *s)
{
	sender_open();
}

static int creg_run(void)
{
	new_cid = 0;
	return cn_nl_cluster_register(snd, "fault-reg", &new_cid);
}

static void creg_check(struct sweep *s, int ret, bool injected)
{
	struct cn_cluster c;
	int o = nl_outcome(ret);
	int got = cluster_get(0, "fault-reg", &c);

	if (o == NL_ERROR && ret != -ENOMEM && ret != -ENOBUFS)
		fail(s, "CLUSTER_REGISTER: %s, want ENOMEM", ename(ret));
	if (o == NL_ANSWER_LOST)
		s->ambiguous++;
	if (o == NL_OK_ && got)
		fail(s, "CLUSTER_REGISTER succeeded, but CLUSTER_GET: %s", ename(got));
	if ((o == NL_ERROR || o == NL_SEND_FAILED) && !got)
		fail(s, "CLUSTER_REGISTER answered %s but registered the cluster (id %u)",
		     ename(ret), c.id);
	/* Its owner gone, the cluster is disconnected: anyone may unregister it. */
	sender_close();
	if (!got && cn_nl_cluster_unregister(W.nl, c.id))
		fail(s, "cannot unregister fault-reg");
}

/* netlink OBJECT_SET of two new objects */
static const struct cn_object two_objs[] = {
	{ .type = CLUSNOTIFY_OBJ_GROUP, .id = "os-a", .name = "Object A" },
	{ .type = CLUSNOTIFY_OBJ_GROUP, .id = "os-b", .name = "Object B" },
};

static void oset_setup(struct sweep *s)
{
	struct cn_object del[2] = {
		{ .type = CLUSNOTIFY_OBJ_GROUP, .id = "os-a" },
		{ .type = CLUSNOTIFY_OBJ_GROUP, .id = "os-b" },
	};

	cn_nl_object_del(W.nl, W.cid, &del[0], 1);
	cn_nl_object_del(W.nl, W.cid, &del[1], 1);
	sender_open();
}

static int oset_run(void)
{
	return cn_nl_object_set(snd, W.cid, two_objs, 2);
}

static void oset_check(struct sweep *s, int ret, bool injected)
{
	struct clusnotify_object_info o;
	int o_out = nl_outcome(ret), have = 0;

	sender_close();
	have += !object_get(W.watcher, W.cid, CLUSNOTIFY_OBJ_GROUP, "os-a", &o);
	have += !object_get(W.watcher, W.cid, CLUSNOTIFY_OBJ_GROUP, "os-b", &o);
	if (o_out == NL_ERROR && ret != -ENOMEM && ret != -ENOBUFS)
		fail(s, "OBJECT_SET: %s, want ENOMEM", ename(ret));
	if (o_out == NL_ANSWER_LOST)
		s->ambiguous++;
	if (o_out == NL_OK_ && have != 2)
		fail(s, "OBJECT_SET succeeded but %d of 2 objects are there", have);
	if ((o_out == NL_ERROR || o_out == NL_SEND_FAILED) && have)
		fail(s, "OBJECT_SET answered %s but set %d of its 2 objects",
		     ename(ret), have);
	if (o_out == NL_ANSWER_LOST && have == 1)
		fail(s, "OBJECT_SET set 1 of its 2 objects");
}

/* netlink EVENT_POST of a batch of three, or of six */
static struct cn_cluster cl_before;
static struct clusnotify_port_stats w_before;
/* Set by each post operation's setup, whatever ran before it. */
static bool mc_check;
/*
 * Events a post sends: 3, which the kernel keeps on its stack, or 6, past
 * CN_POST_ON_STACK (kernel/internal.h), which it allocates room for.
 */
static unsigned int post_n;

static void post_prepare(struct sweep *s, bool mc, unsigned int n)
{
	struct recs r;
	bool overrun;

	mc_check = mc;
	post_n = n;
	if (set_group_state("g1", 0))
		die("OBJECT_SET g1", EIO);
	drain(W.watcher, &r);
	mc_drain(&overrun);
	stats(W.watcher, &w_before);
	if (cluster_get(W.cid, NULL, &cl_before))
		die("CLUSTER_GET", EIO);
	sender_open();
}

static int post_run(void)
{
	int32_t seven = 7, one = 1;
	const struct cn_event evs[] = {
		{ .type = CLUSNOTIFY_OBJ_GROUP, .flag = CLUSNOTIFY_GROUP_STATE,
		  .id = "g1", .payload = &seven, .payload_len = 4 },
		{ .type = CLUSNOTIFY_OBJ_GROUP, .flag = CLUSNOTIFY_GROUP_OWNER_NODE,
		  .id = "g1" },
		{ .type = CLUSNOTIFY_OBJ_NODE, .flag = CLUSNOTIFY_NODE_STATE,
		  .id = "n1", .payload = &one, .payload_len = 4 },
		{ .type = CLUSNOTIFY_OBJ_GROUP, .flag = CLUSNOTIFY_GROUP_OWNER_NODE,
		  .id = "g1" },
		{ .type = CLUSNOTIFY_OBJ_NODE, .flag = CLUSNOTIFY_NODE_STATE,
		  .id = "n1", .payload = &one, .payload_len = 4 },
		{ .type = CLUSNOTIFY_OBJ_GROUP, .flag = CLUSNOTIFY_GROUP_OWNER_NODE,
		  .id = "g1" },
	};

	return cn_nl_post(snd, W.cid, evs, post_n, NULL);
}

static void post_check(struct sweep *s, int ret, bool injected)
{
	struct clusnotify_port_stats st;
	struct clusnotify_object_info o;
	struct cn_cluster cl;
	int out = nl_outcome(ret);
	uint64_t posted, matched;
	unsigned int mc;
	bool overrun;
	struct recs r;

	sender_close();
	if (cluster_get(W.cid, NULL, &cl)) {
		fail(s, "CLUSTER_GET failed");
		return;
	}
	stats(W.watcher, &st);
	drain(W.watcher, &r);
	mc = mc_drain(&overrun);
	posted = cl.seq - cl_before.seq;
	matched = st.matched - w_before.matched;
	if (object_get(W.watcher, W.cid, CLUSNOTIFY_OBJ_GROUP, "g1", &o))
		fail(s, "GET_OBJECT g1 failed");

	if (mc_check) {
		/* Only what the listener saw: event_post checks the rest. */
		if (posted && mc != posted && !overrun)
			fail(s, "EVENT_POST posted %llu events; the multicast listener got %u and no ENOBUFS",
			     (unsigned long long)posted, mc);
		check_port(s, W.watcher, "watcher");
		return;
	}
	if (out == NL_ERROR && ret != -ENOMEM && ret != -ENOBUFS)
		fail(s, "EVENT_POST: %s, want ENOMEM", ename(ret));
	if (out == NL_ANSWER_LOST)
		s->ambiguous++;
	if (posted != 0 && posted != post_n)
		fail(s, "EVENT_POST posted %llu events of its batch of %u",
		     (unsigned long long)posted, post_n);
	if (matched != posted)
		fail(s, "the watcher matched %llu events, %llu were posted",
		     (unsigned long long)matched, (unsigned long long)posted);
	if (out == NL_OK_ && posted != post_n)
		fail(s, "EVENT_POST succeeded but posted %llu events",
		     (unsigned long long)posted);
	if ((out == NL_ERROR || out == NL_SEND_FAILED) && posted)
		fail(s, "EVENT_POST answered %s but posted the batch (seq %llu -> %llu)",
		     ename(ret), (unsigned long long)cl_before.seq,
		     (unsigned long long)cl.seq);
	if (!posted && o.state != 0)
		fail(s, "EVENT_POST posted nothing but set g1's state to %d", o.state);
	if (posted && o.state != 7)
		fail(s, "EVENT_POST posted, but g1's state is %d, not 7", o.state);
	if (r.events + r.lost != matched)
		fail(s, "the watcher read %u events and %llu lost of %llu matched",
		     r.events, (unsigned long long)r.lost, (unsigned long long)matched);
	check_port(s, W.watcher, "watcher");
}

static void post_setup(struct sweep *s)
{
	post_prepare(s, false, 3);
}

static void post_mc_setup(struct sweep *s)
{
	post_prepare(s, true, 3);
}

static void post_large_setup(struct sweep *s)
{
	post_prepare(s, false, 6);
}

/* The owner's socket closes: watchers get STATE (disconnected), or a loss */
static struct cn_nl *own2;
static int own_watch = -1;
static uint32_t own_cid;

static void close_setup(struct sweep *s)
{
	/* The cluster's own events go only to filters that ask for them. */
	static const struct clusnotify_filter f = {
		CLUSNOTIFY_OBJ_CLUSTER, 0,
		CLUSNOTIFY_CLUSTER_STATE | CLUSNOTIFY_CLUSTER_RECONNECT };
	struct recs r;
	int ret;

	own2 = cn_nl_open();
	if (!own2)
		die("cn_nl_open", errno);
	ret = cn_nl_cluster_register(own2, "fault-own", &own_cid);
	if (ret)
		die("CLUSTER_REGISTER fault-own", ret);
	if (own_watch < 0) {
		own_watch = cn_open();
		if (own_watch < 0 || add_filters(own_watch, own_cid, 5, &f, 1))
			die("watching fault-own", EIO);
	}
	drain(own_watch, &r);	/* RECONNECT */
}

static int close_run(void)
{
	cn_nl_close(own2);	/* close(): the release runs before it returns */
	own2 = NULL;
	return 0;
}

static void synthetic_check(struct sweep *s, int fd, uint32_t want_state,
			    bool injected)
{
	struct recs r;

	drain(fd, &r);
	if (!(r.events == 1 && (r.flags_seen & CLUSNOTIFY_CLUSTER_STATE)) &&
	    !(r.events == 0 && r.lost == 1))
		fail(s, "want CLUSTER STATE (%u) or one counted loss, got %u events, %llu lost",
		     want_state, r.events, (unsigned long long)r.lost);
	if (!injected && r.events != 1)
		fail(s, "no CLUSTER STATE record without an injected failure");
	check_port(s, fd, "watcher");
}

static void close_check(struct sweep *s, int ret, bool injected)
{
	struct cn_cluster c;

	if (cluster_get(own_cid, NULL, &c) || c.state != CLUSNOTIFY_CLUSTER_DISCONNECTED)
		fail(s, "fault-own is not disconnected after its owner closed");
	synthetic_check(s, own_watch, CLUSNOTIFY_CLUSTER_DISCONNECTED, injected);
}

/* netlink CLUSTER_UNREGISTER: watchers get STATE (deleted), or a loss */
static int unreg_watch = -1;

static void cunreg_setup(struct sweep *s)
{
	static const struct clusnotify_filter f = {
		CLUSNOTIFY_OBJ_CLUSTER, 0, CLUSNOTIFY_CLUSTER_STATE };
	int ret;

	sender_open();
	ret = cn_nl_cluster_register(snd, "fault-unreg", &new_cid);
	if (ret)
		die("CLUSTER_REGISTER fault-unreg", ret);
	if (unreg_watch >= 0)
		close(unreg_watch);
	unreg_watch = cn_open();
	if (unreg_watch < 0 || add_filters(unreg_watch, new_cid, 5, &f, 1))
		die("watching fault-unreg", EIO);
}

static int cunreg_run(void)
{
	return cn_nl_cluster_unregister(snd, new_cid);
}

static void cunreg_check(struct sweep *s, int ret, bool injected)
{
	struct cn_cluster c;
	int out = nl_outcome(ret), got = cluster_get(new_cid, NULL, &c);
	struct recs r;

	if (out == NL_ERROR && ret != -ENOMEM && ret != -ENOBUFS)
		fail(s, "CLUSTER_UNREGISTER: %s, want ENOMEM", ename(ret));
	if (out == NL_ANSWER_LOST)
		s->ambiguous++;
	if (out == NL_OK_ && !got)
		fail(s, "CLUSTER_UNREGISTER succeeded but the cluster is there");
	if ((out == NL_ERROR || out == NL_SEND_FAILED) && got)
		fail(s, "CLUSTER_UNREGISTER answered %s but deleted the cluster",
		     ename(ret));
	if (got) {
		synthetic_check(s, unreg_watch, CLUSNOTIFY_CLUSTER_DELETED, injected);
		sender_close();
		return;
	}
	/* Still there: its owner goes, then it can be unregistered by anyone. */
	sender_close();
	if (cn_nl_cluster_unregister(W.nl, new_cid))
		fail(s, "cannot unregister fault-unreg");
	drain(unreg_watch, &r);
}

static const struct op ops[] = {
	{ "open", NULL, open_run, open_check },
	{ "add_filters_new_cluster", add_new_setup, add_run, add_check },
	{ "add_filters_watched_cluster", add_existing_setup, add_run, add_check },
	{ "register", reg_setup, reg_run, reg_check },
	{ "unregister_handle_close", unreg_setup, unreg_run, unreg_check },
	{ "snapshot", snap_setup, snap_run, snap_check },
	{ "get_object", NULL, getobj_run, getobj_check },
	{ "cluster_register", creg_setup, creg_run, creg_check },
	{ "object_set", oset_setup, oset_run, oset_check },
	{ "event_post", post_setup, post_run, post_check },
	{ "event_post_multicast", post_mc_setup, post_run, post_check },
	{ "event_post_6", post_large_setup, post_run, post_check },
	{ "owner_socket_close", close_setup, close_run, close_check },
	{ "cluster_unregister", cunreg_setup, cunreg_run, cunreg_check },
};

static bool sweep(const struct op *op)
{
	struct sweep s = { .op = op->name };
	char errs[256] = "";
	bool injected = true;
	int ret, e;

	for (s.n = 1; s.n <= MAX_NTH && injected; s.n++) {
		if (op->setup)
			op->setup(&s);
		arm(s.n);
		ret = op->run();
		injected = disarm();
		if (injected && ret)
			s.errs[-ret & 0xff]++;
		if (injected && !ret)
			s.absorbed++;
		op->check(&s, ret, injected);
	}
	if (injected)
		fail(&s, "still failing after %u allocations", MAX_NTH);
	for (e = 1; e < 256; e++)
		if (s.errs[e])
			snprintf(errs + strlen(errs), sizeof(errs) - strlen(errs),
				 "%s%s x%u", errs[0] ? ", " : "", ename(e), s.errs[e]);
	printf("# fault/%s: failed allocations 1..%u in turn: %s; absorbed %u\n",
	       op->name, s.n - 2, errs[0] ? errs : "no errors", s.absorbed);
	if (s.ambiguous)
		printf("# fault/%s: %u answers lost to netlink's own allocations\n",
		       op->name, s.ambiguous);
	if (s.notes > MAX_NOTES)
		printf("# fault/%s: ... and %u more\n", op->name, s.notes - MAX_NOTES);
	printf("%s - fault/%s\n", s.failures ? "not ok" : "ok", op->name);
	fflush(stdout);
	return !s.failures;
}

int main(int argc, char **argv)
{
	char path[64];
	bool ok = true;
	size_t i;
	int a;

	setvbuf(stdout, NULL, _IOLBF, 0);
	/*
	 * libnl's messages are 256 KiB: without this, glibc would mmap() them
	 * while a failure is armed, and the mmap would meet it. A heap grown
	 * once and never trimmed serves them without a system call.
	 */
	mallopt(M_MMAP_THRESHOLD, 64 << 20);
	mallopt(M_TRIM_THRESHOLD, 512 << 20);
	free(malloc(16 << 20));
	if (unshare(CLONE_NEWNET)) {
		printf("not ok - fault/setup # unshare(CLONE_NEWNET): %s\n",
		       strerror(errno));
		return 1;
	}
	snprintf(path, sizeof(path), "/proc/self/task/%ld/fail-nth",
		 (long)syscall(SYS_gettid));
	failnth_fd = open(path, O_RDWR | O_CLOEXEC);
	if (failnth_fd < 0) {
		printf("not ok - fault/setup # %s: %s (CONFIG_FAULT_INJECTION?)\n",
		       path, strerror(errno));
		return 1;
	}
	world_setup();

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		bool wanted = argc < 2;

		for (a = 1; a < argc; a++)
			wanted |= !strcmp(argv[a], ops[i].name);
		if (wanted)
			ok &= sweep(&ops[i]);
	}

	if (port >= 0)
		close(port);
	if (own_watch >= 0)
		close(own_watch);
	if (unreg_watch >= 0)
		close(unreg_watch);
	close(W.watcher);
	cn_nl_cluster_unregister(W.nl, W.cid);
	cn_nl_close(W.nl);
	nl_socket_free(W.mc);
	return ok ? 0 : 1;
}
