// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink monitors (CLUSNOTIFY_CMD_MONITOR_START/STOP): a socket that asks
 * gets every event posted in its network namespace, until it stops or
 * closes; nobody else does, not a socket that later gets its portid, not one
 * in another namespace, not one without CAP_NET_ADMIN; a monitor that falls
 * behind is told (ENOBUFS) and then goes on receiving. Each test runs in a
 * network namespace of its own.
 */
#include <netlink/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <linux/netlink.h>
#include <sys/socket.h>

#include <clusnotify_feed.h>

#include "cn_test.h"
#include "cn_nl.h"
#include "kselftest_harness.h"

/* MONITOR_START or _STOP, sent as it is on the socket of nl's feed. */
static int monitor_cmd(struct cn_nl *nl, uint8_t cmd)
{
	return cn_nl_raw(nl, cn_nl_msg(nl, cmd, 0));
}

static int sock_fd(struct cn_nl *nl)
{
	return clusnotify_feed_fd(cn_nl_feed(nl));
}

/* Whether anything at all is waiting on nl's socket. */
static bool nothing_waiting(struct cn_nl *nl)
{
	char buf[4096];

	return recv(sock_fd(nl), buf, sizeof(buf), MSG_DONTWAIT) < 0 && errno == EAGAIN;
}

FIXTURE(mon) {
	struct cn_nl *nl;
	uint32_t cid;
	struct cn_mc_event *ev;
};

FIXTURE_SETUP(mon)
{
	char name[CLUSNOTIFY_CLUSTER_NAME_MAX];

	ASSERT_EQ(0, cn_private_netns());
	self->nl = cn_nl_open();
	ASSERT_TRUE(self->nl != NULL);
	ASSERT_EQ(0, cn_nl_cluster_register(self->nl, cn_name(name, sizeof(name), "mon"),
					    &self->cid));
	self->ev = malloc(sizeof(*self->ev));
	ASSERT_TRUE(self->ev != NULL);
}

FIXTURE_TEARDOWN(mon)
{
	cn_nl_close(self->nl);
	free(self->ev);
}

TEST_F(mon, start_receives_stop_ends)
{
	struct cn_nl *m = cn_nl_open();

	ASSERT_TRUE(m != NULL);
	/* Nothing before it asks. */
	ASSERT_EQ(0, cn_nl_post1(self->nl, self->cid, CLUSNOTIFY_OBJ_NODE,
				 CLUSNOTIFY_NODE_STATE, "before"));
	usleep(200 * 1000);
	EXPECT_TRUE(nothing_waiting(m));
	cn_nl_close(m);

	m = cn_nl_open();
	ASSERT_TRUE(m != NULL);
	EXPECT_EQ(-ENOENT, monitor_cmd(m, CLUSNOTIFY_CMD_MONITOR_STOP));
	ASSERT_EQ(0, monitor_cmd(m, CLUSNOTIFY_CMD_MONITOR_START));
	ASSERT_EQ(0, monitor_cmd(m, CLUSNOTIFY_CMD_MONITOR_START))
		TH_LOG("starting twice is not an error");
	/* The library's start, a third: the feed then receives. */
	ASSERT_EQ(0, cn_nl_subscribe(m));
	ASSERT_EQ(0, cn_nl_post1(self->nl, self->cid, CLUSNOTIFY_OBJ_NODE,
				 CLUSNOTIFY_NODE_STATE, "n1"));
	ASSERT_EQ(0, cn_nl_post1(self->nl, self->cid, CLUSNOTIFY_OBJ_NODE,
				 CLUSNOTIFY_NODE_STATE, "n2"));
	ASSERT_EQ(0, cn_nl_recv_event(m, self->ev, 2000));
	EXPECT_EQ(self->cid, self->ev->cluster_id);
	EXPECT_STREQ("n1", self->ev->id);
	ASSERT_EQ(0, cn_nl_recv_event(m, self->ev, 2000))
		TH_LOG("started twice, each event comes once: n2 is next");
	EXPECT_STREQ("n2", self->ev->id);
	EXPECT_EQ(-ETIMEDOUT, cn_nl_recv_event(m, self->ev, 200));

	ASSERT_EQ(0, monitor_cmd(m, CLUSNOTIFY_CMD_MONITOR_STOP));
	EXPECT_EQ(-ENOENT, monitor_cmd(m, CLUSNOTIFY_CMD_MONITOR_STOP));
	ASSERT_EQ(0, cn_nl_post1(self->nl, self->cid, CLUSNOTIFY_OBJ_NODE,
				 CLUSNOTIFY_NODE_STATE, "after"));
	EXPECT_EQ(-ETIMEDOUT, cn_nl_recv_event(m, self->ev, 200));
	cn_nl_close(m);
}

/*
 * There is no multicast group to join: a group's listeners in any namespace
 * would make every post of every namespace walk them.
 */
TEST_F(mon, no_multicast_group)
{
	struct nl_sock *sk = nl_socket_alloc();

	ASSERT_TRUE(sk != NULL);
	ASSERT_EQ(0, genl_connect(sk));
	EXPECT_GT(0, genl_ctrl_resolve_grp(sk, CLUSNOTIFY_GENL_NAME, "events"));
	nl_socket_free(sk);
}

TEST_F(mon, needs_cap_net_admin)
{
	pid_t pid = cn_fork_as(CN_NOBODY, CN_NOBODY, NULL, 0);

	if (!pid) {
		struct cn_nl *m = cn_nl_open();

		CHILD_CHECK(m != NULL);
		CHILD_CHECK(monitor_cmd(m, CLUSNOTIFY_CMD_MONITOR_START) == -EPERM);
		_exit(0);
	}
	ASSERT_EQ(0, cn_wait_child(pid));
}

/* The limit counts live sockets: closing a monitor frees its place. */
TEST_F(mon, limit_per_namespace)
{
	struct cn_nl *m[5];
	char old[32];
	int i;

	ASSERT_EQ(0, cn_param_get("max_net_monitors", old, sizeof(old)));
	ASSERT_EQ(0, cn_param_set("max_net_monitors", "4"));
	for (i = 0; i < 5; i++) {
		m[i] = cn_nl_open();
		ASSERT_TRUE(m[i] != NULL);
	}
	for (i = 0; i < 4; i++)
		EXPECT_EQ(0, monitor_cmd(m[i], CLUSNOTIFY_CMD_MONITOR_START));
	EXPECT_EQ(-ENOSPC, monitor_cmd(m[4], CLUSNOTIFY_CMD_MONITOR_START));
	cn_nl_close(m[0]);
	EXPECT_EQ(0, monitor_cmd(m[4], CLUSNOTIFY_CMD_MONITOR_START));
	EXPECT_EQ(0, monitor_cmd(m[1], CLUSNOTIFY_CMD_MONITOR_STOP));
	m[0] = cn_nl_open();
	ASSERT_TRUE(m[0] != NULL);
	EXPECT_EQ(0, monitor_cmd(m[0], CLUSNOTIFY_CMD_MONITOR_START));
	EXPECT_EQ(0, cn_param_set("max_net_monitors", old));
	for (i = 0; i < 5; i++)
		cn_nl_close(m[i]);
}

/* A socket that binds a closed monitor's portid is no monitor. */
TEST_F(mon, portid_reuse_inherits_nothing)
{
	struct cn_nl *m = cn_nl_open();
	struct sockaddr_nl sa;
	socklen_t salen = sizeof(sa);
	struct nl_sock *sk;
	uint32_t portid;
	char buf[4096];

	ASSERT_TRUE(m != NULL);
	ASSERT_EQ(0, monitor_cmd(m, CLUSNOTIFY_CMD_MONITOR_START));
	ASSERT_EQ(0, getsockname(sock_fd(m), (struct sockaddr *)&sa, &salen));
	portid = sa.nl_pid;
	cn_nl_close(m);

	sk = nl_socket_alloc();
	ASSERT_TRUE(sk != NULL);
	nl_socket_set_local_port(sk, portid);
	ASSERT_EQ(0, nl_connect(sk, NETLINK_GENERIC));
	ASSERT_EQ(portid, nl_socket_get_local_port(sk));
	ASSERT_EQ(0, cn_nl_post1(self->nl, self->cid, CLUSNOTIFY_OBJ_NODE,
				 CLUSNOTIFY_NODE_STATE, "n1"));
	EXPECT_GT(0, recv(nl_socket_get_fd(sk), buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	nl_socket_free(sk);
}

/* A monitor that does not read is told, then gets what comes after. */
TEST_F(mon, overrun_is_reported_then_delivery_goes_on)
{
	struct cn_nl *m = cn_nl_open();
	int small = 4096;
	char buf[8192];
	bool enobufs = false;
	ssize_t n;
	int fd, i;

	ASSERT_TRUE(m != NULL);
	fd = sock_fd(m);
	ASSERT_EQ(0, setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)));
	ASSERT_EQ(0, monitor_cmd(m, CLUSNOTIFY_CMD_MONITOR_START));
	for (i = 0; i < 200; i++)
		ASSERT_EQ(0, cn_nl_post1(self->nl, self->cid, CLUSNOTIFY_OBJ_NODE,
					 CLUSNOTIFY_NODE_STATE, "flood"));
	for (i = 0; i < 1000; i++) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && errno == ENOBUFS)
			enobufs = true;
		else if (n < 0)
			break;
	}
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_TRUE(enobufs) TH_LOG("200 events into a 4 KiB buffer: no ENOBUFS");
	ASSERT_EQ(0, cn_nl_subscribe(m));
	ASSERT_EQ(0, cn_nl_post1(self->nl, self->cid, CLUSNOTIFY_OBJ_NODE,
				 CLUSNOTIFY_NODE_STATE, "after"));
	ASSERT_EQ(0, cn_nl_recv_event(m, self->ev, 2000));
	EXPECT_STREQ("after", self->ev->id);
	cn_nl_close(m);
}

/*
 * Monitors of another namespace get nothing of this one's posts, and this
 * one's get everything, with many of them there.
 */
TEST_F(mon, other_namespace_monitors_apart)
{
	struct cn_nl *here = cn_nl_open(), *there[32];
	int self_ns, i;

	ASSERT_TRUE(here != NULL);
	ASSERT_EQ(0, cn_nl_subscribe(here));
	self_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, self_ns);
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	for (i = 0; i < 32; i++) {
		there[i] = cn_nl_open();
		ASSERT_TRUE(there[i] != NULL);
		ASSERT_EQ(0, monitor_cmd(there[i], CLUSNOTIFY_CMD_MONITOR_START));
	}
	ASSERT_EQ(0, setns(self_ns, CLONE_NEWNET));
	ASSERT_EQ(0, cn_nl_post1(self->nl, self->cid, CLUSNOTIFY_OBJ_NODE,
				 CLUSNOTIFY_NODE_STATE, "here"));
	ASSERT_EQ(0, cn_nl_recv_event(here, self->ev, 2000));
	EXPECT_STREQ("here", self->ev->id);
	for (i = 0; i < 32; i++) {
		EXPECT_TRUE(nothing_waiting(there[i]));
		cn_nl_close(there[i]);
	}
	cn_nl_close(here);
	close(self_ns);
}

TEST_HARNESS_MAIN
