// SPDX-License-Identifier: GPL-2.0
/*
 * The sample in-kernel consumer sees exactly what a userspace port with the
 * same filters sees: events posted through the daemon's netlink path, the
 * snapshot before them, and the disconnect when the owner socket closes.
 */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "../selftests/cn_test.h"
#include "../selftests/cn_nl.h"

#define SAMPLE_EVENTS	"/sys/kernel/debug/clusnotify_sample/events"
#define MAX_LINES	64

static const struct clusnotify_filter sample_filters[] = {
	{ CLUSNOTIFY_OBJ_NODE, 0, CLUSNOTIFY_NODE_STATE | CLUSNOTIFY_NODE_DELETED },
	{ CLUSNOTIFY_OBJ_CLUSTER, 0, CLUSNOTIFY_CLUSTER_MEMBERSHIP |
		CLUSNOTIFY_CLUSTER_NODE_ADDED | CLUSNOTIFY_CLUSTER_STATE |
		CLUSNOTIFY_CLUSTER_RECONNECT },
	{ CLUSNOTIFY_OBJ_QUORUM, 0, CLUSNOTIFY_QUORUM_STATE },
};

static int load_sample(const char *cluster)
{
	char params[128];
	int fd, ret;

	/* run.sh names the build of the sample that matches the kernel. */
	const char *ko = getenv("SAMPLE_KO") ?: "tests/kapi/clusnotify_sample.ko";

	snprintf(params, sizeof(params), "cluster=%s", cluster);
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params, 0);
	ret = ret ? -errno : 0;
	close(fd);
	return ret;
}

static int unload_sample(void)
{
	return syscall(SYS_delete_module, "clusnotify_sample", O_NONBLOCK) ? -errno : 0;
}

/* The line the sample writes for a record, so the two can be compared. */
static void rec_line(const struct cn_rec *r, char *buf, size_t len)
{
	char state[16] = "-";

	if (r->h.payload_len == 4)
		snprintf(state, sizeof(state), "%d", (int32_t)cn_rec_u32(r));
	snprintf(buf, len, "%llu %u 0x%llx 0x%x %s %s",
		 (unsigned long long)r->h.seq, r->h.object_type,
		 (unsigned long long)r->h.filter_flag, r->h.flags,
		 r->id[0] ? r->id : "-", state);
}

/* Reads the sample's log, waiting until it has at least want lines. */
static int sample_lines(char lines[][160], int want)
{
	int n = 0, tries;

	for (tries = 0; tries < 100; tries++) {
		FILE *f = fopen(SAMPLE_EVENTS, "r");

		if (!f)
			return -errno;
		n = 0;
		while (n < MAX_LINES && fgets(lines[n], 160, f)) {
			lines[n][strcspn(lines[n], "\n")] = '\0';
			n++;
		}
		fclose(f);
		if (n >= want)
			return n;
		usleep(50 * 1000);
	}
	return n;
}

FIXTURE(kapi) {
	struct cn_nl *nl;
	uint32_t cid;
	int port;
	char name[CLUSNOTIFY_CLUSTER_NAME_MAX];
	unsigned char buf[CN_BUF];
	unsigned char buf2[CN_BUF];
	struct cn_rec recs[MAX_LINES];
	char lines[MAX_LINES][160];
};

FIXTURE_SETUP(kapi)
{
	struct cn_object nodes[] = {
		{ CLUSNOTIFY_OBJ_NODE, "1", "node1", NULL, NULL, true, 0 },
		{ CLUSNOTIFY_OBJ_NODE, "2", "node2", NULL, NULL, true, 0 },
		{ CLUSNOTIFY_OBJ_NODE, "3", "node3", NULL, NULL, true, 1 },
	};

	snprintf(self->name, sizeof(self->name), "kapi-%d", getpid());
	self->nl = cn_nl_open();
	ASSERT_NE(NULL, self->nl);
	ASSERT_EQ(0, cn_nl_cluster_register(self->nl, self->name, &self->cid));
	ASSERT_EQ(0, cn_nl_object_set(self->nl, self->cid, nodes, 3));
	self->port = cn_open(0);
	ASSERT_LE(0, self->port);
	ASSERT_EQ(0, cn_add_filters(self->port, self->cid, 0x5a5a,
				    sample_filters, 3));
	ASSERT_EQ(0, cn_snapshot(self->port));
	ASSERT_EQ(0, load_sample(self->name));
}

FIXTURE_TEARDOWN(kapi)
{
	unload_sample();
	if (self->port >= 0)
		close(self->port);
	if (self->nl) {
		cn_nl_cluster_unregister(self->nl, self->cid);
		cn_nl_close(self->nl);
	}
}

static void compare(struct __test_metadata *_metadata, struct cn_rec *recs,
		    int nrec, char lines[][160])
{
	char want[160];
	int n, i;

	n = sample_lines(lines, nrec);
	ASSERT_EQ(nrec, n);
	for (i = 0; i < nrec; i++) {
		rec_line(&recs[i], want, sizeof(want));
		EXPECT_STREQ(want, lines[i]);
		EXPECT_EQ(0x5a5aULL, recs[i].h.key);
	}
}

TEST_F(kapi, sees_what_a_port_sees)
{
	unsigned char membership[4 + 4 + 2] = { 1, 0, 0, 0, 2, 0, 0, 0, 1, 3 };
	struct cn_event evs[] = {
		{ CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_STATE, "2", .payload = "\1\0\0\0", .payload_len = 4 },
		{ CLUSNOTIFY_OBJ_RESOURCE, CLUSNOTIFY_RESOURCE_STATE, "r1", .payload = "\2\0\0\0", .payload_len = 4 },
		{ CLUSNOTIFY_OBJ_CLUSTER, CLUSNOTIFY_CLUSTER_MEMBERSHIP, NULL, .payload = membership, .payload_len = sizeof(membership) },
		{ CLUSNOTIFY_OBJ_QUORUM, CLUSNOTIFY_QUORUM_STATE, "quorum", .payload = "\0\0\0\0", .payload_len = 4 },
		{ CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_STATE, "2", .payload = "\0\0\0\0", .payload_len = 4 },
		{ CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_GROUP_GAINED, "2", .payload = "g1", .payload_len = 3 },
	};
	int n, i, snap = 0;

	ASSERT_EQ(0, cn_nl_post(self->nl, self->cid, evs, 6, NULL));
	n = cn_read_all(self->port, self->buf, sizeof(self->buf), self->recs,
			MAX_LINES, 500);
	/*
	 * Four snapshot records (three nodes, the cluster's state; no quorum
	 * object is kept), the end-of-snapshot marker, then the four live
	 * events the filters take: the kernel subscriber sees the same.
	 */
	ASSERT_EQ(9, n);
	for (i = 0; i < n; i++)
		snap += !!(self->recs[i].h.flags & CLUSNOTIFY_RECORD_SNAPSHOT);
	EXPECT_EQ(5, snap);
	EXPECT_TRUE(!!(self->recs[4].h.flags & CLUSNOTIFY_RECORD_SNAPSHOT_END));
	compare(_metadata, self->recs, n, self->lines);

	/* The owner socket goes: both get CLUSTER STATE, disconnected. */
	cn_nl_close(self->nl);
	self->nl = NULL;
	ASSERT_EQ(1, cn_read_all(self->port, self->buf2, sizeof(self->buf2),
				 self->recs + n, MAX_LINES - n, 500));
	EXPECT_EQ(CLUSNOTIFY_CLUSTER_STATE, self->recs[n].h.filter_flag);
	EXPECT_EQ(CLUSNOTIFY_CLUSTER_DISCONNECTED, cn_rec_u32(&self->recs[n]));
	compare(_metadata, self->recs, n + 1, self->lines);

	/* The module cannot go while the sample holds a subscription. */
	EXPECT_NE(0, syscall(SYS_delete_module, "clusnotify", O_NONBLOCK));
	EXPECT_EQ(0, unload_sample());

	/* Clean up the disconnected cluster with a fresh admin socket. */
	self->nl = cn_nl_open();
	ASSERT_NE(NULL, self->nl);
}

#define SAMPLE_NETNS	"/sys/kernel/debug/clusnotify_sample/netns"
#define SAMPLE_NETNS_SUB "/sys/kernel/debug/clusnotify_sample/netns_sub"

struct ns_sub {
	int filters, events, deleted, subs, clusters;
};

/* Reads the sample's netns file: its pernet exits and up to max subs. */
static int sample_netns(int *exits, struct ns_sub *subs, int max)
{
	char line[256];
	int n = 0;
	FILE *f;

	f = fopen(SAMPLE_NETNS, "r");
	if (!f)
		return -errno;
	*exits = -1;
	while (fgets(line, sizeof(line), f)) {
		struct ns_sub s;
		unsigned int i;

		if (sscanf(line, "exits %d", exits) == 1)
			continue;
		if (sscanf(line, "sub %u filters %d events %d deleted %d subs %d clusters %d",
			   &i, &s.filters, &s.events, &s.deleted, &s.subs,
			   &s.clusters) == 6 && n < max)
			subs[n++] = s;
	}
	fclose(f);
	return n;
}

/*
 * In a network namespace of its own, a child registers a cluster and has
 * the sample subscribe to it (with a filter, and with none), then exits.
 * Kernel subscriptions must not keep the namespace alive: its pernet exits
 * run (the sample counts its own), and each subscription gets the cluster's
 * STATE / DELETED event once and is left with no filter or cluster.
 */
TEST_F_TIMEOUT(kapi, netns_goes_under_a_kernel_subscription, 90)
{
	struct ns_sub subs[4];
	int exits0, exits, n, i, tries;
	pid_t pid;
	int st;

	ASSERT_EQ(0, sample_netns(&exits0, subs, 4));
	ASSERT_LE(0, exits0);

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct cn_nl *nl;
		uint32_t cid;
		int fd;

		if (unshare(CLONE_NEWNET))
			_exit(10);
		nl = cn_nl_open();
		if (!nl)
			_exit(11);
		if (cn_nl_cluster_register(nl, "ns-cluster", &cid))
			_exit(12);
		fd = open(SAMPLE_NETNS_SUB, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			_exit(13);
		if (write(fd, "ns-cluster", 10) != 10)
			_exit(14);
		close(fd);
		cn_nl_close(nl);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_TRUE(WIFEXITED(st));
	ASSERT_EQ(0, WEXITSTATUS(st));

	/* The namespace is freed asynchronously (cleanup_net): wait for it. */
	for (tries = 0; tries < 300; tries++) {
		n = sample_netns(&exits, subs, 4);
		ASSERT_EQ(2, n);
		if (exits > exits0 && subs[0].deleted && subs[1].deleted &&
		    !subs[0].clusters)
			break;
		usleep(100 * 1000);
	}
	TH_LOG("pernet exits %d -> %d", exits0, exits);
	EXPECT_LT(exits0, exits) TH_LOG("the namespace was never freed");
	for (i = 0; i < n; i++) {
		TH_LOG("sub %d: filters %d events %d deleted %d subs %d clusters %d",
		       i, subs[i].filters, subs[i].events, subs[i].deleted,
		       subs[i].subs, subs[i].clusters);
		EXPECT_EQ(1, subs[i].deleted);
		EXPECT_EQ(0, subs[i].subs);
		EXPECT_EQ(0, subs[i].clusters);
	}
	/* The filtered one saw the owner's socket close first. */
	EXPECT_EQ(2, subs[0].events);
	EXPECT_EQ(1, subs[1].events);
	EXPECT_EQ(0, unload_sample());
}

TEST_HARNESS_MAIN
