// SPDX-License-Identifier: GPL-2.0
/*
 * Built with -m32: a 32-bit process on the 64-bit kernel goes through the
 * compat ioctl path and must get exactly what a 64-bit one gets. Clusters,
 * objects and events come over a bare generic netlink socket (cn_rawnl.c).
 */
#include <pthread.h>
#include <stdatomic.h>

#include "cn_test.h"
#include "cn_nl.h"
#include "kselftest_harness.h"

#define K1	0xfedcba9876543210ULL	/* all 64 bits must survive */
#define K2	0x8000000000000001ULL
#define NO_CLUSTER	0x7ffffff0u

FIXTURE(c32) {
	struct cn_nl *nl;
	uint32_t cid;
	int fd;
	char name[CLUSNOTIFY_CLUSTER_NAME_MAX];
	unsigned char *buf;
	struct cn_rec rec[64];
};

FIXTURE_SETUP(c32)
{
	const struct cn_object objs[] = {
		{ CLUSNOTIFY_OBJ_GROUP, "g1", "Group One", "n1", NULL, true, 0 },
		{ CLUSNOTIFY_OBJ_RESOURCE, "r1", "Res One", "g1", "IP Address", true, 2 },
	};

	ASSERT_EQ(0, cn_private_netns()) TH_LOG("unshare(CLONE_NEWNET): %s", strerror(errno));
	self->fd = -1;
	self->buf = malloc(CN_BUF);
	ASSERT_TRUE(self->buf != NULL);
	self->nl = cn_nl_open();
	ASSERT_TRUE(self->nl != NULL) TH_LOG("generic netlink family '%s': %s",
					     CLUSNOTIFY_GENL_NAME, strerror(errno));
	ASSERT_EQ(0, cn_nl_cluster_register(self->nl,
			cn_name(self->name, sizeof(self->name), "c32"), &self->cid));
	ASSERT_EQ(0, cn_nl_object_set(self->nl, self->cid, objs, ARRAY_SIZE(objs)));
	self->fd = cn_open(0);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(c32)
{
	if (self->fd >= 0)
		close(self->fd);
	if (self->nl && self->cid)
		cn_nl_cluster_unregister(self->nl, self->cid);
	cn_nl_close(self->nl);
	free(self->buf);
}

#define READ_ALL(self) \
	cn_read_all((self)->fd, (self)->buf, CN_BUF, (self)->rec, \
		    ARRAY_SIZE((self)->rec), 0)

TEST(is_a_32bit_process)
{
	ASSERT_EQ(4u, sizeof(void *)) TH_LOG("build this test with -m32");
	ASSERT_EQ(4u, sizeof(long));
}

TEST_F(c32, filters_registrations_records_stats)
{
	struct clusnotify_filter f[] = {
		{ .object_type = CLUSNOTIFY_OBJ_GROUP, .flags = CLUSNOTIFY_GROUP_STATE },
		{ .object_type = CLUSNOTIFY_OBJ_NODE, .flags = CLUSNOTIFY_NODE_ALL },
	};
	struct clusnotify_port_stats st;
	int32_t state = 4;
	struct cn_event ev[] = {
		{ .type = CLUSNOTIFY_OBJ_GROUP, .flag = CLUSNOTIFY_GROUP_STATE,
		  .id = "g1", .payload = &state, .payload_len = 4 },
		{ .type = CLUSNOTIFY_OBJ_GROUP, .flag = CLUSNOTIFY_GROUP_DELETED, .id = "g1" },
		{ .type = CLUSNOTIFY_OBJ_RESOURCE, .flag = CLUSNOTIFY_RESOURCE_STATE,
		  .id = "r1", .payload = &state, .payload_len = 4 },
	};
	uint64_t reg, before, after, seq;
	int n, bytes;

	ASSERT_EQ(0, cn_add_filters(self->fd, self->cid, K1, f, ARRAY_SIZE(f)));
	ASSERT_EQ(0, cn_register(self->fd, self->cid, CLUSNOTIFY_OBJ_RESOURCE,
				 CLUSNOTIFY_RESOURCE_STATE, K2, "r1", &reg));
	EXPECT_NE(0ULL, reg);
	EXPECT_NE(CN_POISON64, reg);

	EXPECT_EQ(0, cn_wait(self->fd, 0));
	before = cn_now_ns();
	ASSERT_EQ(0, cn_nl_post(self->nl, self->cid, ev, ARRAY_SIZE(ev), &seq));
	after = cn_now_ns();
	EXPECT_EQ(3ULL, seq);
	EXPECT_EQ(POLLIN, cn_wait(self->fd, 0) & (POLLIN | POLLERR | POLLHUP));

	ASSERT_EQ(0, cn_stats(self->fd, &st));
	EXPECT_EQ(2u, st.queued);
	EXPECT_EQ(2u, st.matched);
	EXPECT_EQ(2u, st.delivered);
	EXPECT_EQ(0u, st.lost);
	EXPECT_EQ(2u, st.filters);
	EXPECT_EQ(1u, st.registrations);
	EXPECT_EQ(1u, st.clusters);
	EXPECT_EQ(0u, st.reserved);
	ASSERT_EQ(0, cn_fionread(self->fd, &bytes));
	EXPECT_EQ(st.queued_bytes, (uint64_t)bytes);

	n = READ_ALL(self);
	ASSERT_EQ(2, n);
	EXPECT_EQ(K1, self->rec[0].h.key);
	EXPECT_EQ(self->cid, self->rec[0].h.cluster_id);
	EXPECT_EQ(CLUSNOTIFY_GROUP_STATE, self->rec[0].h.filter_flag);
	EXPECT_EQ(1ULL, self->rec[0].h.seq);
	EXPECT_LE(before, self->rec[0].h.timestamp_ns);
	EXPECT_GE(after, self->rec[0].h.timestamp_ns);
	EXPECT_STREQ("g1", self->rec[0].id);
	EXPECT_STREQ("Group One", self->rec[0].name);
	EXPECT_STREQ("n1", self->rec[0].parent);
	ASSERT_EQ(4u, self->rec[0].h.payload_len);
	EXPECT_EQ(4u, cn_rec_u32(&self->rec[0]));
	EXPECT_EQ(K2, self->rec[1].h.key);
	EXPECT_EQ(3ULL, self->rec[1].h.seq);
	EXPECT_STREQ("IP Address", self->rec[1].type_name);

	ASSERT_EQ(0, cn_stats(self->fd, &st));
	EXPECT_EQ(2u, st.read);
	EXPECT_EQ(0u, st.queued_bytes);
}

TEST_F(c32, argument_checks)
{
	struct clusnotify_filter ok = {
		.object_type = CLUSNOTIFY_OBJ_GROUP, .flags = CLUSNOTIFY_GROUP_STATE,
	};
	struct clusnotify_filter bad = {
		.object_type = CLUSNOTIFY_OBJ_GROUP, .flags = CLUSNOTIFY_GROUP_ALL + 1,
	};
	struct {
		struct clusnotify_add_filters a;
		uint64_t more;
	} big = {
		.a = { .size = sizeof(big), .cluster_id = self->cid, .count = 1,
		       .key = K1, .filters = (uintptr_t)&ok },
		.more = 1,
	};
	struct clusnotify_port_stats st;

	EXPECT_EQ(-EINVAL, cn_add_filters(self->fd, self->cid, K1, &bad, 1));
	EXPECT_EQ(-ENOENT, cn_add_filters(self->fd, NO_CLUSTER, K1, &ok, 1));
	EXPECT_EQ(-EFAULT, cn_add_filters(self->fd, self->cid, K1, NULL, 1));
	EXPECT_EQ(-E2BIG, cn_ioctl(self->fd, CLUSNOTIFY_IOC_ADD_FILTERS, &big));
	big.a.size = 16;
	EXPECT_EQ(-EINVAL, cn_ioctl(self->fd, CLUSNOTIFY_IOC_ADD_FILTERS, &big));
	big.a.size = sizeof(big.a);
	big.a.flags = 4;
	EXPECT_EQ(-EINVAL, cn_ioctl(self->fd, CLUSNOTIFY_IOC_ADD_FILTERS, &big));
	EXPECT_EQ(-EINVAL, cn_register(self->fd, self->cid, CLUSNOTIFY_OBJ_GROUP,
				       0, K1, "g1", NULL));
	EXPECT_EQ(-ENOENT, cn_unregister(self->fd, 12345));
	ASSERT_EQ(0, cn_stats(self->fd, &st));
	EXPECT_EQ(0u, st.filters);
	EXPECT_EQ(0u, st.registrations);

	/* a 64-bit filters pointer with high bits set cannot be ours */
	big.a.flags = 0;
	big.a.filters = 0xffffffff00000000ULL | (uintptr_t)&ok;
	EXPECT_EQ(-EFAULT, cn_ioctl(self->fd, CLUSNOTIFY_IOC_ADD_FILTERS, &big.a));
}

TEST_F(c32, lookups)
{
	struct clusnotify_cluster_info ci;
	struct clusnotify_object_info oi;

	ASSERT_EQ(0, cn_get_cluster(self->fd, self->name, &ci));
	EXPECT_EQ(self->cid, ci.cluster_id);
	EXPECT_EQ((uint32_t)CLUSNOTIFY_CLUSTER_CONNECTED, ci.state);
	EXPECT_EQ(2u, ci.objects);
	EXPECT_EQ(0ULL, ci.seq);
	EXPECT_EQ(-ENOENT, cn_get_cluster(self->fd, "st-no-such-cluster", &ci));

	ASSERT_EQ(0, cn_get_object(self->fd, self->cid, CLUSNOTIFY_OBJ_RESOURCE,
				   "Res One", 0, &oi));
	EXPECT_STREQ("r1", oi.id);
	EXPECT_STREQ("g1", oi.parent_id);
	EXPECT_STREQ("IP Address", oi.type_name);
	EXPECT_EQ(2, oi.state);
	ASSERT_EQ(0, cn_get_object(self->fd, self->cid, CLUSNOTIFY_OBJ_GROUP,
				   "g1", 1, &oi));
	EXPECT_STREQ("Group One", oi.name);
	EXPECT_EQ(-ENOENT, cn_get_object(self->fd, self->cid, CLUSNOTIFY_OBJ_GROUP,
					 "g9", 1, &oi));
}

/* The enumeration ioctls: __u64 pointers and cursors from a 32-bit caller. */
TEST_F(c32, enumeration)
{
	struct clusnotify_object_entry e[3];
	struct clusnotify_cluster_entry ce[2];
	struct clusnotify_list_objects lo = {
		.size = sizeof(lo),
		.cluster_id = self->cid,
		.count = 1,
		.entry_size = sizeof(e[0]),
		.entries = (uintptr_t)e,
	};
	struct clusnotify_list_clusters lc = {
		.size = sizeof(lc),
		.count = 2,
		.entry_size = sizeof(ce[0]),
		.entries = (uintptr_t)ce,
	};

	memset(e, CN_POISON, sizeof(e));
	ASSERT_EQ(0, cn_ioctl(self->fd, CLUSNOTIFY_IOC_LIST_OBJECTS, &lo));
	ASSERT_EQ(1u, lo.count);
	EXPECT_EQ(0u, lo.out_flags);
	EXPECT_STREQ("g1", e[0].id);
	EXPECT_STREQ("n1", e[0].parent_id);
	lo.count = 3;
	lo.entries = (uintptr_t)&e[1];
	ASSERT_EQ(0, cn_ioctl(self->fd, CLUSNOTIFY_IOC_LIST_OBJECTS, &lo));
	ASSERT_EQ(1u, lo.count);
	EXPECT_EQ((uint32_t)CLUSNOTIFY_LIST_END, lo.out_flags);
	EXPECT_STREQ("r1", e[1].id);
	EXPECT_STREQ("IP Address", e[1].type_name);
	EXPECT_EQ(2, e[1].state);
	EXPECT_EQ(CN_POISON, ((unsigned char *)&e[2])[0]);

	ASSERT_EQ(0, cn_ioctl(self->fd, CLUSNOTIFY_IOC_LIST_CLUSTERS, &lc));
	ASSERT_EQ(1u, lc.count);
	EXPECT_EQ(self->cid, ce[0].cluster_id);
	EXPECT_STREQ(self->name, ce[0].name);
	EXPECT_EQ(2u, ce[0].objects);
	EXPECT_EQ((uint64_t)self->cid, lc.cursor);
}

TEST_F(c32, unregister_handle_close_and_snapshot)
{
	uint64_t reg;

	ASSERT_EQ(0, cn_register(self->fd, self->cid, CLUSNOTIFY_OBJ_GROUP,
				 CLUSNOTIFY_GROUP_STATE | CLUSNOTIFY_GROUP_HANDLE_CLOSE,
				 K2, "g1", &reg));
	struct clusnotify_cluster_info ci;

	ASSERT_EQ(0, cn_get_cluster(self->fd, self->name, &ci));
	EXPECT_NE(0ULL, ci.epoch);
	ASSERT_EQ(0, cn_snapshot(self->fd));
	/* the record and the end-of-snapshot marker, in the grown layout */
	ASSERT_EQ(2, READ_ALL(self));
	EXPECT_TRUE(!!(self->rec[0].h.flags & CLUSNOTIFY_RECORD_SNAPSHOT));
	EXPECT_EQ(K2, self->rec[0].h.key);
	EXPECT_STREQ("g1", self->rec[0].id);
	ASSERT_EQ(4u, self->rec[0].h.payload_len);
	EXPECT_EQ(0u, cn_rec_u32(&self->rec[0]));
	EXPECT_EQ((uint16_t)sizeof(struct clusnotify_record), self->rec[0].h.hdr_len);
	EXPECT_EQ(ci.epoch, self->rec[0].h.epoch);
	EXPECT_TRUE(!!(self->rec[1].h.flags & CLUSNOTIFY_RECORD_SNAPSHOT_END));
	EXPECT_EQ(ci.seq, self->rec[1].h.seq);
	EXPECT_EQ(ci.epoch, self->rec[1].h.epoch);
	EXPECT_EQ(CLUSNOTIFY_STATE_UNKNOWN, self->rec[1].h.prev_state);

	/* the grown add_filters: a resume in another epoch is one GAP */
	ASSERT_EQ(0, cn_add_filter_since(self->fd, self->cid, K1, CLUSNOTIFY_OBJ_NODE,
					 CLUSNOTIFY_NODE_STATE, ci.epoch + 1, 0));
	ASSERT_EQ(1, READ_ALL(self));
	EXPECT_EQ(CLUSNOTIFY_RECORD_GAP | CLUSNOTIFY_RECORD_SYNTHETIC,
		  self->rec[0].h.flags);
	EXPECT_EQ(ci.epoch, self->rec[0].h.epoch);
	EXPECT_EQ(ci.seq, self->rec[0].h.range_last);

	ASSERT_EQ(0, cn_unregister(self->fd, reg));
	ASSERT_EQ(1, READ_ALL(self));
	EXPECT_EQ(CLUSNOTIFY_GROUP_HANDLE_CLOSE, self->rec[0].h.filter_flag);
	EXPECT_EQ(K2, self->rec[0].h.key);
}

TEST_F(c32, small_buffer_and_nonblocking)
{
	int nb = cn_open(O_NONBLOCK), bytes;

	ASSERT_LE(0, nb);
	EXPECT_EQ(-1, read(nb, self->buf, CN_BUF));
	EXPECT_EQ(EAGAIN, errno);
	ASSERT_EQ(0, cn_add_filter(nb, self->cid, K1, CLUSNOTIFY_OBJ_GROUP,
				   CLUSNOTIFY_GROUP_STATE));
	ASSERT_EQ(0, cn_nl_post1(self->nl, self->cid, CLUSNOTIFY_OBJ_GROUP,
				 CLUSNOTIFY_GROUP_STATE, "g1"));
	ASSERT_EQ(0, cn_fionread(nb, &bytes));
	EXPECT_EQ(-1, read(nb, self->buf, bytes - 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(bytes, read(nb, self->buf, bytes));
	close(nb);
}

struct blocked {
	int fd;
	void *buf;
	pid_t tid;
	ssize_t ret;
	int err;
	atomic_int started;
};

static void *blocked_read(void *arg)
{
	struct blocked *b = arg;

	b->tid = cn_gettid();
	atomic_store(&b->started, 1);
	b->ret = read(b->fd, b->buf, CN_BUF);
	b->err = errno;
	return NULL;
}

TEST_F(c32, shutdown_wakes_a_blocked_reader)
{
	struct blocked b = { .fd = self->fd, .buf = self->buf };
	struct timespec ts;
	pthread_t t;
	int i;

	ASSERT_EQ(0, cn_add_filter(self->fd, self->cid, K1, CLUSNOTIFY_OBJ_GROUP,
				   CLUSNOTIFY_GROUP_STATE));
	ASSERT_EQ(0, pthread_create(&t, NULL, blocked_read, &b));
	for (i = 0; i < 2000 && !atomic_load(&b.started); i++)
		usleep(1000);
	ASSERT_EQ(0, cn_wait_sleeping(b.tid, 5000));
	ASSERT_EQ(0, cn_shutdown(self->fd));
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 5;
	ASSERT_EQ(0, pthread_timedjoin_np(t, NULL, &ts));
	EXPECT_EQ(-1, b.ret);
	EXPECT_EQ(ESHUTDOWN, b.err);
	EXPECT_TRUE(!!(cn_wait(self->fd, 0) & POLLHUP));
	EXPECT_EQ(-ESHUTDOWN, cn_add_filter(self->fd, self->cid, K1,
					    CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE));
}

TEST_HARNESS_MAIN
