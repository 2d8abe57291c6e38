// SPDX-License-Identifier: GPL-2.0
/*
 * What the generic netlink family gives away or lets grow: a user without
 * CAP_NET_ADMIN reads no inventory over netlink (the device, with its mode
 * and group, is how users read it), and a producer's OBJECT_SET / OBJECT_DEL
 * batch is bounded by CLUSNOTIFY_OBJECTS_MAX, past which it is -E2BIG and
 * nothing changes.
 */
#include "cn_test.h"
#include "cn_nl.h"
#include "kselftest_harness.h"

FIXTURE(nlr) {
	struct cn_nl *nl;
	uint32_t cid;
	char name[CLUSNOTIFY_CLUSTER_NAME_MAX];
};

FIXTURE_SETUP(nlr)
{
	const struct cn_object o = {
		.type = CLUSNOTIFY_OBJ_NODE, .id = "n1", .name = "secret-node",
	};

	ASSERT_EQ(0, cn_private_netns());
	self->nl = cn_nl_open();
	ASSERT_TRUE(self->nl != NULL);
	ASSERT_EQ(0, cn_nl_cluster_register(self->nl,
			cn_name(self->name, sizeof(self->name), "nlr"), &self->cid));
	ASSERT_EQ(0, cn_nl_object_set(self->nl, self->cid, &o, 1));
}

FIXTURE_TEARDOWN(nlr)
{
	if (self->nl) {
		cn_nl_cluster_unregister(self->nl, self->cid);
		cn_nl_close(self->nl);
	}
}

/* A local user, no capabilities, in the namespace of a daemon's cluster. */
TEST_F(nlr, user_reads_no_inventory)
{
	pid_t pid = cn_fork_as(CN_NOBODY, CN_NOBODY, NULL, 0);

	ASSERT_LE(0, pid);
	if (!pid) {
		static struct cn_cluster all[16];
		static struct cn_object_out objs[4];
		struct cn_nl *nl = cn_nl_open();
		struct cn_cluster c;
		int n = -1;

		CHILD_CHECK(nl != NULL);
		memset(&c, CN_POISON, sizeof(c));
		CHILD_CHECK(cn_nl_cluster_get(nl, self->cid, NULL, &c) == -EPERM);
		CHILD_CHECK(cn_nl_cluster_get(nl, 0, self->name, &c) == -EPERM);
		CHILD_CHECK(c.id == 0xa5a5a5a5u);
		CHILD_CHECK(cn_nl_cluster_dump(nl, all, 16, &n) == -EPERM);
		CHILD_CHECK(cn_nl_object_dump(nl, self->cid, objs, 4, &n) == -EPERM);
		cn_nl_close(nl);
		_exit(0);
	}
	ASSERT_EQ(0, cn_wait_child(pid));
}

static int batch(struct cn_nl *nl, uint32_t cid, int n, bool del)
{
	static char ids[CLUSNOTIFY_OBJECTS_MAX + 1][16];
	static struct cn_object objs[CLUSNOTIFY_OBJECTS_MAX + 1];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(ids[i], sizeof(ids[i]), "g%d", i);
		objs[i] = (struct cn_object) {
			.type = CLUSNOTIFY_OBJ_GROUP, .id = ids[i],
		};
	}
	return del ? cn_nl_object_del(nl, cid, objs, n) :
		     cn_nl_object_set(nl, cid, objs, n);
}

TEST_F(nlr, object_batches_are_bounded)
{
	struct cn_cluster c;

	EXPECT_EQ(-E2BIG, batch(self->nl, self->cid, CLUSNOTIFY_OBJECTS_MAX + 1, false));
	ASSERT_EQ(0, cn_nl_cluster_get(self->nl, self->cid, NULL, &c));
	EXPECT_EQ(1u, c.objects);

	ASSERT_EQ(0, batch(self->nl, self->cid, CLUSNOTIFY_OBJECTS_MAX, false));
	EXPECT_EQ(-E2BIG, batch(self->nl, self->cid, CLUSNOTIFY_OBJECTS_MAX + 1, true));
	ASSERT_EQ(0, cn_nl_cluster_get(self->nl, self->cid, NULL, &c));
	EXPECT_EQ(1u + CLUSNOTIFY_OBJECTS_MAX, c.objects);

	EXPECT_EQ(0, batch(self->nl, self->cid, CLUSNOTIFY_OBJECTS_MAX, true));
	ASSERT_EQ(0, cn_nl_cluster_get(self->nl, self->cid, NULL, &c));
	EXPECT_EQ(1u, c.objects);
}

TEST_HARNESS_MAIN
