// SPDX-License-Identifier: GPL-2.0
/*
 * A cluster's life: its owner socket closing (CLUSTER STATE, DISCONNECTED),
 * a socket registering the name again (CLUSTER RECONNECT, filters kept),
 * and unregistering (CLUSTER STATE, DELETED, filters dead).
 */
#include "cn_test.h"
#include "cn_nl.h"
#include "kselftest_harness.h"

#define K1	0x1111111111111111ULL
#define K2	0x2222222222222222ULL
#define K3	0xc3c3c3c3c3c3c3c3ULL

FIXTURE(lc) {
	struct cn_nl *owner;
	struct cn_nl *admin;
	uint32_t cid;
	int fd;
	char name[CLUSNOTIFY_CLUSTER_NAME_MAX];
	unsigned char *buf;
	struct cn_rec rec[64];
};

FIXTURE_SETUP(lc)
{
	ASSERT_EQ(0, cn_private_netns()) TH_LOG("unshare(CLONE_NEWNET): %s", strerror(errno));
	self->fd = -1;
	self->buf = malloc(CN_BUF);
	ASSERT_TRUE(self->buf != NULL);
	self->owner = cn_nl_open();
	ASSERT_TRUE(self->owner != NULL) TH_LOG("generic netlink family '%s': %s",
						CLUSNOTIFY_GENL_NAME, strerror(errno));
	self->admin = cn_nl_open();
	ASSERT_TRUE(self->admin != NULL);
	ASSERT_EQ(0, cn_nl_cluster_register(self->owner,
			cn_name(self->name, sizeof(self->name), "lc"), &self->cid));
	self->fd = cn_open(0);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(lc)
{
	if (self->fd >= 0)
		close(self->fd);
	/* the admin may remove it once the owner is gone */
	cn_nl_close(self->owner);
	if (self->admin && self->cid)
		cn_nl_cluster_unregister(self->admin, self->cid);
	cn_nl_close(self->admin);
	free(self->buf);
}

/* Synthetic records may be made from a worker: wait for them. */
#define READ_WAIT(self, fd) \
	cn_read_all(fd, (self)->buf, CN_BUF, (self)->rec, ARRAY_SIZE((self)->rec), 2000)
#define READ_NOW(self, fd) \
	cn_read_all(fd, (self)->buf, CN_BUF, (self)->rec, ARRAY_SIZE((self)->rec), 0)

static void close_owner(FIXTURE_DATA(lc) *self)
{
	cn_nl_close(self->owner);
	self->owner = NULL;
}

/* One CLUSTER STATE record, made by the module, carrying state. */
#define EXPECT_CLUSTER_STATE(r_, id_, key_, state_) do {				\
	EXPECT_EQ((uint32_t)CLUSNOTIFY_OBJ_CLUSTER, (r_)->h.object_type);	\
	EXPECT_EQ(CLUSNOTIFY_CLUSTER_STATE, (r_)->h.filter_flag);		\
	EXPECT_TRUE(!!((r_)->h.flags & CLUSNOTIFY_RECORD_SYNTHETIC));		\
	EXPECT_EQ((uint32_t)(id_), (r_)->h.cluster_id);				\
	EXPECT_EQ((uint64_t)(key_), (r_)->h.key);					\
	ASSERT_EQ(4u, (r_)->h.payload_len);					\
	EXPECT_EQ((uint32_t)(state_), cn_rec_u32(r_));				\
} while (0)

TEST_F(lc, owner_close_disconnects_and_reregister_reconnects)
{
	struct clusnotify_cluster_info ci;
	struct clusnotify_port_stats st;
	struct cn_cluster c;
	uint32_t again = 0;
	int i, n, reconnects = 0;

	ASSERT_EQ(0, cn_add_filter(self->fd, self->cid, K1, CLUSNOTIFY_OBJ_CLUSTER,
				   CLUSNOTIFY_CLUSTER_ALL));
	ASSERT_EQ(0, cn_add_filter(self->fd, self->cid, K2, CLUSNOTIFY_OBJ_GROUP,
				   CLUSNOTIFY_GROUP_STATE));
	ASSERT_EQ(0, cn_register(self->fd, self->cid, CLUSNOTIFY_OBJ_NODE,
				 CLUSNOTIFY_NODE_STATE, K3, "n1", NULL));

	close_owner(self);
	ASSERT_EQ(1, READ_WAIT(self, self->fd));
	EXPECT_CLUSTER_STATE(&self->rec[0], self->cid, K1, CLUSNOTIFY_CLUSTER_DISCONNECTED);

	ASSERT_EQ(0, cn_get_cluster(self->fd, self->name, &ci));
	EXPECT_EQ(self->cid, ci.cluster_id);
	EXPECT_EQ((uint32_t)CLUSNOTIFY_CLUSTER_DISCONNECTED, ci.state);
	ASSERT_EQ(0, cn_nl_cluster_get(self->admin, self->cid, NULL, &c));
	EXPECT_EQ((uint32_t)CLUSNOTIFY_CLUSTER_DISCONNECTED, c.state);

	/* a new daemon registers the name: same id, RECONNECT, filters kept */
	self->owner = cn_nl_open();
	ASSERT_TRUE(self->owner != NULL);
	ASSERT_EQ(0, cn_nl_cluster_register(self->owner, self->name, &again));
	EXPECT_EQ(self->cid, again);
	n = READ_WAIT(self, self->fd);
	ASSERT_LE(1, n);
	for (i = 0; i < n; i++) {
		struct cn_rec *r = &self->rec[i];

		EXPECT_EQ((uint32_t)CLUSNOTIFY_OBJ_CLUSTER, r->h.object_type);
		EXPECT_TRUE(!!(r->h.flags & CLUSNOTIFY_RECORD_SYNTHETIC));
		EXPECT_EQ(self->cid, r->h.cluster_id);
		EXPECT_EQ(K1, r->h.key);
		if (r->h.filter_flag == CLUSNOTIFY_CLUSTER_RECONNECT) {
			reconnects++;
		} else {
			/* a STATE record may say it is connected again */
			EXPECT_EQ(CLUSNOTIFY_CLUSTER_STATE, r->h.filter_flag);
			EXPECT_EQ((uint32_t)CLUSNOTIFY_CLUSTER_CONNECTED, cn_rec_u32(r));
		}
	}
	EXPECT_EQ(1, reconnects);

	ASSERT_EQ(0, cn_get_cluster(self->fd, self->name, &ci));
	EXPECT_EQ((uint32_t)CLUSNOTIFY_CLUSTER_CONNECTED, ci.state);
	ASSERT_EQ(0, cn_nl_cluster_get(self->admin, self->cid, NULL, &c));
	EXPECT_EQ((uint32_t)CLUSNOTIFY_CLUSTER_CONNECTED, c.state);
	EXPECT_EQ(1u, c.reconnects);

	ASSERT_EQ(0, cn_stats(self->fd, &st));
	EXPECT_EQ(2u, st.filters);
	EXPECT_EQ(1u, st.registrations);
	EXPECT_EQ(1u, st.clusters);
	ASSERT_EQ(0, cn_nl_post1(self->owner, self->cid, CLUSNOTIFY_OBJ_GROUP,
				 CLUSNOTIFY_GROUP_STATE, "g1"));
	ASSERT_EQ(0, cn_nl_post1(self->owner, self->cid, CLUSNOTIFY_OBJ_NODE,
				 CLUSNOTIFY_NODE_STATE, "n1"));
	ASSERT_EQ(2, READ_NOW(self, self->fd));
	EXPECT_EQ(K2, self->rec[0].h.key);
	EXPECT_EQ(K3, self->rec[1].h.key);

	/* the new socket owns it now */
	EXPECT_EQ(-EPERM, cn_nl_cluster_unregister(self->admin, self->cid));
	EXPECT_EQ(0, cn_nl_cluster_unregister(self->owner, self->cid));
	self->cid = 0;
}

/*
 * Only to the filters that ask for it, with their own keys, as Windows'
 * client library delivers it: a port that watches only groups gets nothing
 * (issue 11; this test said "every watching port, first key" before).
 */
TEST_F(lc, state_goes_to_the_filters_that_ask)
{
	int only_groups = cn_open(0), not_watching = cn_open(0), two_keys = cn_open(0);
	char other_name[CLUSNOTIFY_CLUSTER_NAME_MAX];
	struct cn_nl *other_owner = cn_nl_open();
	uint32_t other;

	ASSERT_LE(0, only_groups);
	ASSERT_LE(0, not_watching);
	ASSERT_LE(0, two_keys);
	ASSERT_TRUE(other_owner != NULL);
	ASSERT_EQ(0, cn_nl_cluster_register(other_owner,
			cn_name(other_name, sizeof(other_name), "lc-other"), &other));

	ASSERT_EQ(0, cn_add_filter(only_groups, self->cid, K2, CLUSNOTIFY_OBJ_GROUP,
				   CLUSNOTIFY_GROUP_STATE));
	ASSERT_EQ(0, cn_add_filter(not_watching, other, K1, CLUSNOTIFY_OBJ_CLUSTER,
				   CLUSNOTIFY_CLUSTER_ALL));
	ASSERT_EQ(0, cn_add_filter(two_keys, self->cid, K3, CLUSNOTIFY_OBJ_NODE,
				   CLUSNOTIFY_NODE_DELETED));
	ASSERT_EQ(0, cn_add_filter(two_keys, self->cid, K1, CLUSNOTIFY_OBJ_CLUSTER,
				   CLUSNOTIFY_CLUSTER_STATE));

	close_owner(self);
	ASSERT_EQ(1, READ_WAIT(self, two_keys));
	EXPECT_CLUSTER_STATE(&self->rec[0], self->cid, K1, CLUSNOTIFY_CLUSTER_DISCONNECTED);
	EXPECT_EQ(0, READ_NOW(self, only_groups));
	EXPECT_EQ(0, READ_NOW(self, not_watching));
	EXPECT_EQ(0, READ_NOW(self, self->fd));

	close(only_groups);
	close(not_watching);
	close(two_keys);
	EXPECT_EQ(0, cn_nl_cluster_unregister(other_owner, other));
	cn_nl_close(other_owner);
}

TEST_F(lc, owner_close_disconnects_all_its_clusters)
{
	char name2[CLUSNOTIFY_CLUSTER_NAME_MAX];
	uint32_t c2;
	bool seen1 = false, seen2 = false;
	int i;

	ASSERT_EQ(0, cn_nl_cluster_register(self->owner,
			cn_name(name2, sizeof(name2), "lc2"), &c2));
	ASSERT_EQ(0, cn_add_filter(self->fd, self->cid, K1, CLUSNOTIFY_OBJ_CLUSTER,
				   CLUSNOTIFY_CLUSTER_STATE));
	ASSERT_EQ(0, cn_add_filter(self->fd, c2, K2, CLUSNOTIFY_OBJ_CLUSTER,
				   CLUSNOTIFY_CLUSTER_STATE));
	close_owner(self);
	ASSERT_EQ(2, READ_WAIT(self, self->fd));
	for (i = 0; i < 2; i++) {
		struct cn_rec *r = &self->rec[i];

		if (r->h.cluster_id == self->cid) {
			seen1 = true;
			EXPECT_CLUSTER_STATE(r, self->cid, K1, CLUSNOTIFY_CLUSTER_DISCONNECTED);
		} else {
			seen2 = true;
			EXPECT_CLUSTER_STATE(r, c2, K2, CLUSNOTIFY_CLUSTER_DISCONNECTED);
		}
	}
	EXPECT_TRUE(seen1 && seen2);
	EXPECT_EQ(0, cn_nl_cluster_unregister(self->admin, c2));
}

/* A daemon that dies without closing anything. */
TEST_F(lc, owner_process_exit_disconnects)
{
	char name[CLUSNOTIFY_CLUSTER_NAME_MAX];
	struct clusnotify_cluster_info ci;
	int go[2], done[2];
	uint32_t id = 0;
	pid_t pid;

	cn_name(name, sizeof(name), "lc-exit");
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(done));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct cn_nl *nl = cn_nl_open();
		char c;

		close(done[0]);
		close(go[1]);
		CHILD_CHECK(nl != NULL);
		CHILD_CHECK(cn_nl_cluster_register(nl, name, &id) == 0);
		CHILD_CHECK(write(done[1], &id, sizeof(id)) == sizeof(id));
		CHILD_CHECK(read(go[0], &c, 1) == 1);
		_exit(0);
	}
	close(done[1]);
	close(go[0]);
	ASSERT_EQ((ssize_t)sizeof(id), read(done[0], &id, sizeof(id)));
	ASSERT_EQ(0, cn_add_filter(self->fd, id, K3, CLUSNOTIFY_OBJ_CLUSTER,
				   CLUSNOTIFY_CLUSTER_STATE));
	ASSERT_EQ(1, write(go[1], "x", 1));
	ASSERT_EQ(0, cn_wait_child(pid));

	ASSERT_EQ(1, READ_WAIT(self, self->fd));
	EXPECT_CLUSTER_STATE(&self->rec[0], id, K3, CLUSNOTIFY_CLUSTER_DISCONNECTED);
	ASSERT_EQ(0, cn_get_cluster(self->fd, name, &ci));
	EXPECT_EQ((uint32_t)CLUSNOTIFY_CLUSTER_DISCONNECTED, ci.state);
	EXPECT_EQ(0, cn_nl_cluster_unregister(self->admin, id));
	close(go[1]);
	close(done[0]);
}

TEST_F(lc, unregister_deletes_and_filters_match_nothing_more)
{
	struct clusnotify_cluster_info ci;
	uint32_t again;

	ASSERT_EQ(0, cn_add_filter(self->fd, self->cid, K2, CLUSNOTIFY_OBJ_GROUP,
				   CLUSNOTIFY_GROUP_STATE));
	ASSERT_EQ(0, cn_add_filter(self->fd, self->cid, K2, CLUSNOTIFY_OBJ_CLUSTER,
				   CLUSNOTIFY_CLUSTER_STATE));
	ASSERT_EQ(0, cn_register(self->fd, self->cid, CLUSNOTIFY_OBJ_NODE,
				 CLUSNOTIFY_NODE_STATE, K3, "n1", NULL));
	ASSERT_EQ(0, cn_nl_cluster_unregister(self->owner, self->cid));

	ASSERT_EQ(1, READ_WAIT(self, self->fd));
	EXPECT_CLUSTER_STATE(&self->rec[0], self->cid, K2, CLUSNOTIFY_CLUSTER_DELETED);
	EXPECT_EQ(-ENOENT, cn_get_cluster(self->fd, self->name, &ci));
	EXPECT_EQ(-ENOENT, cn_add_filter(self->fd, self->cid, K1, CLUSNOTIFY_OBJ_GROUP,
					 CLUSNOTIFY_GROUP_STATE));

	/* the same name again is a new cluster the old filters do not see */
	ASSERT_EQ(0, cn_nl_cluster_register(self->owner, self->name, &again));
	ASSERT_EQ(0, cn_nl_post1(self->owner, again, CLUSNOTIFY_OBJ_GROUP,
				 CLUSNOTIFY_GROUP_STATE, "g1"));
	ASSERT_EQ(0, cn_nl_post1(self->owner, again, CLUSNOTIFY_OBJ_NODE,
				 CLUSNOTIFY_NODE_STATE, "n1"));
	EXPECT_EQ(0, READ_NOW(self, self->fd));
	EXPECT_EQ(0, cn_nl_cluster_unregister(self->owner, again));
	EXPECT_EQ(0, READ_WAIT(self, self->fd)) TH_LOG("no record for a cluster not watched");
	self->cid = 0;
}

TEST_F(lc, admin_unregisters_a_disconnected_cluster)
{
	struct cn_cluster c;

	ASSERT_EQ(0, cn_add_filter(self->fd, self->cid, K1, CLUSNOTIFY_OBJ_CLUSTER,
				   CLUSNOTIFY_CLUSTER_STATE));
	close_owner(self);
	ASSERT_EQ(1, READ_WAIT(self, self->fd));
	EXPECT_CLUSTER_STATE(&self->rec[0], self->cid, K1, CLUSNOTIFY_CLUSTER_DISCONNECTED);

	ASSERT_EQ(0, cn_nl_cluster_unregister(self->admin, self->cid));
	ASSERT_EQ(1, READ_WAIT(self, self->fd));
	EXPECT_CLUSTER_STATE(&self->rec[0], self->cid, K1, CLUSNOTIFY_CLUSTER_DELETED);
	EXPECT_EQ(-ENOENT, cn_nl_cluster_get(self->admin, self->cid, NULL, &c));
	self->cid = 0;
}

TEST_F(lc, snapshot_reports_the_disconnected_state)
{
	ASSERT_EQ(0, cn_add_filter(self->fd, self->cid, K1, CLUSNOTIFY_OBJ_CLUSTER,
				   CLUSNOTIFY_CLUSTER_STATE));
	close_owner(self);
	ASSERT_EQ(1, READ_WAIT(self, self->fd));
	ASSERT_EQ(0, cn_snapshot(self->fd));
	ASSERT_EQ(1, READ_NOW(self, self->fd));
	EXPECT_TRUE(!!(self->rec[0].h.flags & CLUSNOTIFY_RECORD_SNAPSHOT));
	EXPECT_EQ(CLUSNOTIFY_CLUSTER_STATE, self->rec[0].h.filter_flag);
	EXPECT_EQ(K1, self->rec[0].h.key);
	ASSERT_EQ(4u, self->rec[0].h.payload_len);
	EXPECT_EQ((uint32_t)CLUSNOTIFY_CLUSTER_DISCONNECTED, cn_rec_u32(&self->rec[0]));
}

TEST_HARNESS_MAIN
