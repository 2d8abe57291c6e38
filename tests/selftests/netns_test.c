// SPDX-License-Identifier: GPL-2.0
/*
 * Network namespaces: clusters belong to the namespace of the socket that
 * registered them; a port sees the clusters of the namespace it was opened
 * in, whatever namespace its process moves to later. Each test runs in its
 * own child (the harness forks), so unshare() touches nothing else.
 */
#include <sched.h>

#include "cn_test.h"
#include "cn_nl.h"
#include "kselftest_harness.h"

#define K1	0x0a0a0a0a0a0a0a0aULL
#define K2	0x0b0b0b0b0b0b0b0bULL

/* A new network namespace, entered; returns an fd for it. */
static int new_netns(void)
{
	if (unshare(CLONE_NEWNET))
		return -errno;
	return open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
}

static int enter(int nsfd)
{
	return setns(nsfd, CLONE_NEWNET) ? -errno : 0;
}

struct side {
	int ns;
	struct cn_nl *nl;
	int fd;
	uint32_t shared, own;
};

static void side_open(struct __test_metadata *_metadata, struct side *s)
{
	s->ns = new_netns();
	ASSERT_LE(0, s->ns) TH_LOG("unshare(CLONE_NEWNET): %s", strerror(-s->ns));
	s->nl = cn_nl_open();
	ASSERT_TRUE(s->nl != NULL)
		TH_LOG("no '%s' family in a new namespace (netnsok?)", CLUSNOTIFY_GENL_NAME);
	s->fd = cn_open(0);
	ASSERT_LE(0, s->fd);
}

TEST(namespaces_do_not_see_each_others_clusters)
{
	static struct cn_cluster all[64];
	char shared[CLUSNOTIFY_CLUSTER_NAME_MAX], only_b[CLUSNOTIFY_CLUSTER_NAME_MAX];
	struct clusnotify_cluster_info ci;
	struct side a = { 0 }, b = { 0 };
	struct cn_nl *mc_a;
	struct cn_mc_event *mev = malloc(sizeof(*mev));
	unsigned char *buf = malloc(CN_BUF);
	struct cn_rec rec[8];
	int init_fd, n;

	ASSERT_TRUE(mev && buf);
	cn_name(shared, sizeof(shared), "ns-shared");
	cn_name(only_b, sizeof(only_b), "ns-only-b");
	init_fd = cn_open(0);
	ASSERT_LE(0, init_fd);

	side_open(_metadata, &a);
	mc_a = cn_nl_open();
	ASSERT_TRUE(mc_a != NULL);
	ASSERT_EQ(0, cn_nl_subscribe(mc_a));
	ASSERT_EQ(0, cn_nl_cluster_register(a.nl, shared, &a.shared));

	side_open(_metadata, &b);
	ASSERT_EQ(0, cn_nl_cluster_register(b.nl, shared, &b.shared))
		TH_LOG("the same name in another namespace is another cluster");
	ASSERT_EQ(0, cn_nl_cluster_register(b.nl, only_b, &b.own));

	/* netlink in A sees A's cluster only */
	EXPECT_EQ(-ENOENT, cn_nl_cluster_get(a.nl, 0, only_b, &all[0]));
	ASSERT_EQ(0, cn_nl_cluster_dump(a.nl, all, ARRAY_SIZE(all), &n));
	ASSERT_EQ(1, n);
	EXPECT_EQ(a.shared, all[0].id);
	EXPECT_STREQ(shared, all[0].name);
	ASSERT_EQ(0, cn_nl_cluster_dump(b.nl, all, ARRAY_SIZE(all), &n));
	EXPECT_EQ(2, n);
	if (b.own != a.shared) {
		EXPECT_EQ(-ENOENT, cn_nl_cluster_get(a.nl, b.own, NULL, &all[0]));
		EXPECT_EQ(-ENOENT, cn_nl_post1(a.nl, b.own, CLUSNOTIFY_OBJ_NODE,
					       CLUSNOTIFY_NODE_STATE, "n1"));
		EXPECT_EQ(-ENOENT, cn_nl_cluster_unregister(a.nl, b.own));
		EXPECT_EQ(-ENOENT, cn_add_filter(a.fd, b.own, K1, CLUSNOTIFY_OBJ_NODE,
						 CLUSNOTIFY_NODE_STATE));
	}

	/* ports: A's sees A's, even while this process is in B */
	ASSERT_EQ(0, cn_get_cluster(a.fd, shared, &ci));
	EXPECT_EQ(a.shared, ci.cluster_id);
	EXPECT_EQ(-ENOENT, cn_get_cluster(a.fd, only_b, &ci));
	ASSERT_EQ(0, cn_get_cluster(b.fd, shared, &ci));
	EXPECT_EQ(b.shared, ci.cluster_id);
	ASSERT_EQ(0, cn_get_cluster(b.fd, only_b, &ci));
	EXPECT_EQ(b.own, ci.cluster_id);
	EXPECT_EQ(-ENOENT, cn_get_cluster(init_fd, shared, &ci));
	EXPECT_EQ(-ENOENT, cn_get_cluster(init_fd, only_b, &ci));

	/* events stay in their namespace, port and multicast alike */
	ASSERT_EQ(0, cn_add_filter(a.fd, a.shared, K1, CLUSNOTIFY_OBJ_GROUP,
				   CLUSNOTIFY_GROUP_STATE));
	ASSERT_EQ(0, cn_add_filter(b.fd, b.shared, K2, CLUSNOTIFY_OBJ_GROUP,
				   CLUSNOTIFY_GROUP_STATE));
	ASSERT_EQ(0, cn_nl_post1(b.nl, b.shared, CLUSNOTIFY_OBJ_GROUP,
				 CLUSNOTIFY_GROUP_STATE, "in-b"));
	EXPECT_EQ(0, cn_read(a.fd, buf, rec, 8, 0));
	EXPECT_EQ(-ETIMEDOUT, cn_nl_recv_event(mc_a, mev, 300));
	ASSERT_EQ(1, cn_read(b.fd, buf, rec, 8, 0));
	EXPECT_STREQ("in-b", rec[0].id);
	EXPECT_EQ(K2, rec[0].h.key);

	ASSERT_EQ(0, cn_nl_post1(a.nl, a.shared, CLUSNOTIFY_OBJ_GROUP,
				 CLUSNOTIFY_GROUP_STATE, "in-a"));
	ASSERT_EQ(1, cn_read(a.fd, buf, rec, 8, 0));
	EXPECT_STREQ("in-a", rec[0].id);
	EXPECT_EQ(K1, rec[0].h.key);
	EXPECT_EQ(0, cn_read(b.fd, buf, rec, 8, 0));
	ASSERT_EQ(0, cn_nl_recv_event(mc_a, mev, 2000));
	EXPECT_STREQ("in-a", mev->id);
	EXPECT_EQ(a.shared, mev->cluster_id);

	EXPECT_EQ(0, cn_nl_cluster_unregister(b.nl, b.own));
	EXPECT_EQ(0, cn_nl_cluster_unregister(b.nl, b.shared));
	EXPECT_EQ(0, cn_nl_cluster_unregister(a.nl, a.shared));
	cn_nl_close(mc_a);
	cn_nl_close(a.nl);
	cn_nl_close(b.nl);
	close(a.fd);
	close(b.fd);
	close(init_fd);
	free(mev);
	free(buf);
}

TEST(empty_name_is_the_first_cluster_of_the_namespace)
{
	struct clusnotify_cluster_info ci;
	struct side s = { 0 };
	uint32_t first, second;

	side_open(_metadata, &s);
	EXPECT_EQ(-ENOENT, cn_get_cluster(s.fd, "", &ci));
	ASSERT_EQ(0, cn_nl_cluster_register(s.nl, "local", &first));
	ASSERT_EQ(0, cn_nl_cluster_register(s.nl, "remote", &second));

	ASSERT_EQ(0, cn_get_cluster(s.fd, "", &ci));
	EXPECT_EQ(first, ci.cluster_id);
	EXPECT_STREQ("local", ci.name);
	EXPECT_EQ((uint32_t)CLUSNOTIFY_CLUSTER_CONNECTED, ci.state);

	/* a port opened later in the same namespace sees the same */
	{
		int fd = cn_open(0);

		ASSERT_LE(0, fd);
		ASSERT_EQ(0, cn_get_cluster(fd, "", &ci));
		EXPECT_EQ(first, ci.cluster_id);
		close(fd);
	}
	EXPECT_EQ(0, cn_nl_cluster_unregister(s.nl, second));
	EXPECT_EQ(0, cn_nl_cluster_unregister(s.nl, first));
	cn_nl_close(s.nl);
	close(s.fd);
}

/*
 * The namespace's last socket and process leave while a port opened in it
 * stays: the cluster is at least disconnected, and everything goes when the
 * port closes (the rig's kmemleak and KASAN watch that part).
 */
TEST(namespace_left_with_a_port_open)
{
	struct side s = { 0 };
	int orig = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	struct clusnotify_cluster_info ci;
	uint32_t id;
	int ret;

	ASSERT_LE(0, orig);
	side_open(_metadata, &s);
	ASSERT_EQ(0, cn_nl_cluster_register(s.nl, "local", &id));
	ASSERT_EQ(0, cn_add_filter(s.fd, id, K1, CLUSNOTIFY_OBJ_CLUSTER,
				   CLUSNOTIFY_CLUSTER_STATE));
	ASSERT_EQ(0, enter(orig));
	cn_nl_close(s.nl);
	close(s.ns);
	ret = cn_get_cluster(s.fd, "local", &ci);
	if (ret == 0) {
		EXPECT_EQ((uint32_t)CLUSNOTIFY_CLUSTER_DISCONNECTED, ci.state);
	} else {
		EXPECT_EQ(-ENOENT, ret);
	}
	close(s.fd);
	close(orig);
}

TEST_HARNESS_MAIN
