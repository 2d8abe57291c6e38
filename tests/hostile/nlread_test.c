// SPDX-License-Identifier: GPL-2.0
/*
 * What the generic netlink family gives away or lets grow: a user without
 * CAP_NET_ADMIN reads no inventory over netlink (the device, with its mode
 * and group, is how users read it), and a producer's OBJECT_SET / OBJECT_DEL
 * batch is bounded by CLUSNOTIFY_OBJECTS_MAX, past which it is -E2BIG and
 * nothing changes.
 */
#include <netlink/attr.h>
#include <netlink/msg.h>

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

/*
 * One message of n objects, as a producer of its own would send it: the
 * library would split a batch past CLUSNOTIFY_OBJECTS_MAX.
 */
static int batch(struct cn_nl *nl, uint32_t cid, int n, bool del)
{
	struct nl_msg *msg = cn_nl_msg(nl, del ? CLUSNOTIFY_CMD_OBJECT_DEL :
				       CLUSNOTIFY_CMD_OBJECT_SET, 0);
	struct nlattr *all, *one;
	char id[16];
	int i;

	if (!msg)
		return -ENOMEM;
	nla_put_u32(msg, CLUSNOTIFY_A_CLUSTER_ID, cid);
	all = nla_nest_start(msg, CLUSNOTIFY_A_OBJECTS | NLA_F_NESTED);
	for (i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "g%d", i);
		one = nla_nest_start(msg, CLUSNOTIFY_A_OBJECT | NLA_F_NESTED);
		nla_put_u32(msg, CLUSNOTIFY_OBJ_A_TYPE, CLUSNOTIFY_OBJ_GROUP);
		nla_put_string(msg, CLUSNOTIFY_OBJ_A_ID, id);
		nla_nest_end(msg, one);
	}
	nla_nest_end(msg, all);
	return cn_nl_raw(nl, msg);
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
