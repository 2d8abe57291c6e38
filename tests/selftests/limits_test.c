// SPDX-License-Identifier: GPL-2.0
/*
 * Limits and permissions: the per-port bound and the LOST record under a
 * burst, the per-user bounds (ports, queued bytes) for a user without
 * CAP_SYS_RESOURCE, the device's group parameter, and netlink refusing an
 * unprivileged user (EPERM).
 */
#include <sys/stat.h>

#include "cn_test.h"
#include "cn_nl.h"
#include "kselftest_harness.h"

#define K1	0xa1a1a1a1a1a1a1a1ULL
#define K2	0xb2b2b2b2b2b2b2b2ULL
#define TEST_GID	4242

static const char * const params[] = {
	"max_queued_events", "max_user_ports", "max_user_queued_bytes", "mode", "gid",
};

FIXTURE(lim) {
	struct cn_nl *nl;
	uint32_t cid;
	char name[CLUSNOTIFY_CLUSTER_NAME_MAX];
	char saved[ARRAY_SIZE(params)][32];
	bool have[ARRAY_SIZE(params)];
	struct stat dev;
	unsigned char *buf;
	struct cn_rec rec[256];
};

FIXTURE_SETUP(lim)
{
	unsigned int i;

	ASSERT_EQ(0, cn_private_netns()) TH_LOG("unshare(CLONE_NEWNET): %s", strerror(errno));
	for (i = 0; i < ARRAY_SIZE(params); i++)
		self->have[i] = !cn_param_get(params[i], self->saved[i],
					      sizeof(self->saved[i]));
	ASSERT_EQ(0, stat(CN_DEV, &self->dev));
	self->buf = malloc(CN_BUF);
	ASSERT_TRUE(self->buf != NULL);
	self->nl = cn_nl_open();
	ASSERT_TRUE(self->nl != NULL) TH_LOG("generic netlink family '%s': %s",
					     CLUSNOTIFY_GENL_NAME, strerror(errno));
	ASSERT_EQ(0, cn_nl_cluster_register(self->nl,
			cn_name(self->name, sizeof(self->name), "lim"), &self->cid));
}

FIXTURE_TEARDOWN(lim)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(params); i++)
		if (self->have[i])
			cn_param_set(params[i], self->saved[i]);
	chmod(CN_DEV, self->dev.st_mode & 07777);
	if (chown(CN_DEV, self->dev.st_uid, self->dev.st_gid))
		perror("# chown " CN_DEV);
	if (self->nl && self->cid)
		cn_nl_cluster_unregister(self->nl, self->cid);
	cn_nl_close(self->nl);
	free(self->buf);
}

#define SET_PARAM(name, val) \
	ASSERT_EQ(0, cn_param_set(name, val)) TH_LOG("parameter %s", name)

#define READ_ALL(self, fd) \
	cn_read_all(fd, (self)->buf, CN_BUF, (self)->rec, ARRAY_SIZE((self)->rec), 0)

/* Lets anyone open the device (the mode parameter may be read-only). */
static int open_to_all(void)
{
	cn_param_set("mode", "0666");
	return chmod(CN_DEV, 0666) ? -errno : 0;
}

static void post_burst(struct __test_metadata *_metadata, struct cn_nl *nl,
		       uint32_t cid, uint32_t type, uint64_t flag, int n,
		       const char *name)
{
	struct cn_event ev[64];
	char ids[64][16];
	int i;

	ASSERT_GE(64, n);
	for (i = 0; i < n; i++) {
		snprintf(ids[i], sizeof(ids[i]), "o%d", i);
		ev[i] = (struct cn_event){ .type = type, .flag = flag,
					   .id = ids[i], .name = name };
	}
	ASSERT_EQ(0, cn_nl_post(nl, cid, ev, n, NULL));
}

/* ---------------------------------------------------------------- loss */

#define EXPECT_LOST_RECORD(r_, cid_, key_, count_) do {				\
	EXPECT_TRUE(!!((r_)->h.flags & CLUSNOTIFY_RECORD_LOST));		\
	EXPECT_EQ((uint32_t)CLUSNOTIFY_OBJ_CLUSTER, (r_)->h.object_type);	\
	EXPECT_EQ(CLUSNOTIFY_CLUSTER_LOST_NOTIFICATIONS, (r_)->h.filter_flag);	\
	EXPECT_EQ((uint32_t)(cid_), (r_)->h.cluster_id);			\
	EXPECT_EQ((uint64_t)(key_), (r_)->h.key);				\
	EXPECT_EQ(0ULL, (r_)->h.seq);						\
	ASSERT_EQ(8u, (r_)->h.payload_len);					\
	EXPECT_EQ((uint64_t)(count_), cn_rec_u64(r_));				\
} while (0)

TEST_F(lim, burst_overflow_is_counted_and_reported)
{
	struct clusnotify_port_stats st;
	uint64_t lost1;
	struct cn_cluster c;
	int fd, n, i;

	SET_PARAM("max_queued_events", "8");
	fd = cn_open(0);
	ASSERT_LE(0, fd);
	/* LOST_NOTIFICATIONS is not asked for: it comes anyway */
	ASSERT_EQ(0, cn_add_filter(fd, self->cid, K1, CLUSNOTIFY_OBJ_GROUP,
				   CLUSNOTIFY_GROUP_STATE));
	post_burst(_metadata, self->nl, self->cid, CLUSNOTIFY_OBJ_GROUP,
		   CLUSNOTIFY_GROUP_STATE, 20, NULL);

	ASSERT_EQ(0, cn_stats(fd, &st));
	EXPECT_EQ(20u, st.matched);
	EXPECT_EQ(st.matched, st.delivered + st.lost);
	EXPECT_GE(8u, st.delivered);
	EXPECT_LE(7u, st.delivered) TH_LOG("at most one slot for the LOST record");
	lost1 = st.lost;

	ASSERT_EQ(0, cn_nl_cluster_get(self->nl, self->cid, NULL, &c));
	EXPECT_EQ(20u, c.posted);
	EXPECT_EQ(20u, c.matched);
	EXPECT_EQ(st.delivered, c.delivered);
	EXPECT_EQ(st.lost, c.lost);

	n = READ_ALL(self, fd);
	ASSERT_EQ((int)st.delivered + 1, n);
	for (i = 0; i < n - 1; i++) {
		EXPECT_FALSE(!!(self->rec[i].h.flags & CLUSNOTIFY_RECORD_LOST));
		EXPECT_EQ((uint64_t)i + 1, self->rec[i].h.seq);
	}
	EXPECT_LOST_RECORD(&self->rec[n - 1], self->cid, K1, lost1);

	/* room again: delivered, and no new LOST record */
	post_burst(_metadata, self->nl, self->cid, CLUSNOTIFY_OBJ_GROUP,
		   CLUSNOTIFY_GROUP_STATE, 3, NULL);
	ASSERT_EQ(3, READ_ALL(self, fd));
	for (i = 0; i < 3; i++) {
		EXPECT_FALSE(!!(self->rec[i].h.flags & CLUSNOTIFY_RECORD_LOST));
	}
	ASSERT_EQ(0, cn_stats(fd, &st));
	EXPECT_EQ(lost1, st.lost);
	EXPECT_EQ(st.matched, st.delivered + st.lost);

	/* a second overflow reports only what was lost since the first */
	post_burst(_metadata, self->nl, self->cid, CLUSNOTIFY_OBJ_GROUP,
		   CLUSNOTIFY_GROUP_STATE, 30, NULL);
	ASSERT_EQ(0, cn_stats(fd, &st));
	EXPECT_EQ(53u, st.matched);
	EXPECT_EQ(st.matched, st.delivered + st.lost);
	n = READ_ALL(self, fd);
	ASSERT_LE(2, n);
	EXPECT_LOST_RECORD(&self->rec[n - 1], self->cid, K1, st.lost - lost1);
	close(fd);
}

TEST_F(lim, lost_record_names_the_first_dropped_event)
{
	struct clusnotify_port_stats st;
	char name2[CLUSNOTIFY_CLUSTER_NAME_MAX];
	uint32_t c2;
	int fd, n;

	ASSERT_EQ(0, cn_nl_cluster_register(self->nl,
			cn_name(name2, sizeof(name2), "lim2"), &c2));
	SET_PARAM("max_queued_events", "4");
	fd = cn_open(0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, cn_add_filter(fd, self->cid, K1, CLUSNOTIFY_OBJ_NODE,
				   CLUSNOTIFY_NODE_STATE));
	ASSERT_EQ(0, cn_add_filter(fd, c2, K2, CLUSNOTIFY_OBJ_NODE,
				   CLUSNOTIFY_NODE_STATE));

	post_burst(_metadata, self->nl, self->cid, CLUSNOTIFY_OBJ_NODE,
		   CLUSNOTIFY_NODE_STATE, 3, NULL);
	post_burst(_metadata, self->nl, c2, CLUSNOTIFY_OBJ_NODE,
		   CLUSNOTIFY_NODE_STATE, 5, NULL);
	post_burst(_metadata, self->nl, self->cid, CLUSNOTIFY_OBJ_NODE,
		   CLUSNOTIFY_NODE_STATE, 5, NULL);

	ASSERT_EQ(0, cn_stats(fd, &st));
	EXPECT_EQ(13u, st.matched);
	EXPECT_EQ(st.matched, st.delivered + st.lost);
	/* One LOST record per cluster, in the order of their first loss. */
	n = READ_ALL(self, fd);
	ASSERT_EQ((int)st.delivered + 2, n);
	EXPECT_LOST_RECORD(&self->rec[n - 2], c2, K2, 4);
	EXPECT_LOST_RECORD(&self->rec[n - 1], self->cid, K1, 5);
	EXPECT_EQ(9u, st.lost);
	close(fd);
	EXPECT_EQ(0, cn_nl_cluster_unregister(self->nl, c2));
}

/* ---------------------------------------------------------- privileges */

TEST_F(lim, unprivileged_user_refused_on_netlink)
{
	pid_t pid;

	pid = cn_fork_as(CN_NOBODY, CN_NOBODY, NULL, 0);
	ASSERT_LE(0, pid);
	if (!pid) {
		static struct cn_cluster all[256];
		const struct cn_object o = { .type = CLUSNOTIFY_OBJ_NODE, .id = "n1" };
		static struct cn_object_out objs[4];
		struct cn_nl *nl = cn_nl_open();
		struct cn_cluster c;
		uint32_t id;
		int n;

		CHILD_CHECK(nl != NULL);
		CHILD_CHECK(cn_nl_cluster_register(nl, "st-nobody", &id) == -EPERM);
		CHILD_CHECK(cn_nl_cluster_unregister(nl, self->cid) == -EPERM);
		CHILD_CHECK(cn_nl_object_set(nl, self->cid, &o, 1) == -EPERM);
		CHILD_CHECK(cn_nl_object_del(nl, self->cid, &o, 1) == -EPERM);
		CHILD_CHECK(cn_nl_post1(nl, self->cid, CLUSNOTIFY_OBJ_NODE,
					CLUSNOTIFY_NODE_STATE, "n1") == -EPERM);
		/* the inventory is for admins here, device users read it there */
		CHILD_CHECK(cn_nl_cluster_get(nl, self->cid, NULL, &c) == -EPERM);
		CHILD_CHECK(cn_nl_cluster_dump(nl, all, 256, &n) == -EPERM);
		CHILD_CHECK(cn_nl_object_dump(nl, self->cid, objs, 4, &n) == -EPERM);
		/* and the device is root's alone by default */
		if (!(self->dev.st_mode & 0006))
			CHILD_CHECK(cn_open(0) == -1 && errno == EACCES);
		cn_nl_close(nl);
		_exit(0);
	}
	ASSERT_EQ(0, cn_wait_child(pid));

	/* nothing the child tried happened */
	{
		struct cn_cluster c;
		static struct cn_object_out objs[4];
		int n;

		ASSERT_EQ(0, cn_nl_cluster_get(self->nl, self->cid, NULL, &c));
		EXPECT_EQ((uint32_t)CLUSNOTIFY_CLUSTER_CONNECTED, c.state);
		EXPECT_EQ(0u, c.posted);
		EXPECT_EQ(0, cn_nl_object_dump(self->nl, self->cid, objs, 4, &n));
		EXPECT_EQ(0, n);
		EXPECT_EQ(-ENOENT, cn_nl_cluster_get(self->nl, 0, "st-nobody", &c));
	}
}

TEST_F(lim, unprivileged_user_held_to_max_user_ports)
{
	int fds[5], i;
	pid_t pid;

	ASSERT_EQ(0, open_to_all());
	SET_PARAM("max_user_ports", "3");
	pid = cn_fork_as(CN_NOBODY, CN_NOBODY, NULL, 0);
	ASSERT_LE(0, pid);
	if (!pid) {
		int f[4];

		for (i = 0; i < 3; i++) {
			f[i] = cn_open(0);
			CHILD_CHECK(f[i] >= 0);
		}
		f[3] = cn_open(0);
		CHILD_CHECK(f[3] == -1 && errno == EMFILE);
		close(f[1]);
		f[1] = cn_open(0);
		CHILD_CHECK(f[1] >= 0);
		/* a port is counted until it is closed, not by fd */
		f[3] = dup(f[0]);
		CHILD_CHECK(f[3] >= 0);
		CHILD_CHECK(cn_open(0) == -1 && errno == EMFILE);
		_exit(0);
	}
	ASSERT_EQ(0, cn_wait_child(pid));

	/* the child's ports went with it */
	pid = cn_fork_as(CN_NOBODY, CN_NOBODY, NULL, 0);
	ASSERT_LE(0, pid);
	if (!pid) {
		for (i = 0; i < 3; i++)
			CHILD_CHECK(cn_open(0) >= 0);
		_exit(0);
	}
	ASSERT_EQ(0, cn_wait_child(pid));

	/* root has CAP_SYS_RESOURCE */
	for (i = 0; i < 5; i++) {
		fds[i] = cn_open(0);
		ASSERT_LE(0, fds[i]) TH_LOG("root port %d: %s", i, strerror(errno));
	}
	for (i = 0; i < 5; i++)
		close(fds[i]);
}

TEST_F(lim, unprivileged_user_held_to_max_user_queued_bytes)
{
	const char *name = "a name that makes each record about a hundred bytes";
	int ready[2], go[2], root_fd;
	struct clusnotify_port_stats st;
	char c;
	pid_t pid;

	ASSERT_EQ(0, open_to_all());
	SET_PARAM("max_user_queued_bytes", "2048");
	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(go));
	root_fd = cn_open(0);
	ASSERT_LE(0, root_fd);
	ASSERT_EQ(0, cn_add_filter(root_fd, self->cid, K1, CLUSNOTIFY_OBJ_GROUP,
				   CLUSNOTIFY_GROUP_STATE));

	pid = cn_fork_as(CN_NOBODY, CN_NOBODY, NULL, 0);
	ASSERT_LE(0, pid);
	if (!pid) {
		struct clusnotify_port_stats s[2];
		uint64_t bytes = 0, lost = 0;
		int f[2], i;

		for (i = 0; i < 2; i++) {
			f[i] = cn_open(0);
			CHILD_CHECK(f[i] >= 0);
			CHILD_CHECK(cn_add_filter(f[i], self->cid, K2, CLUSNOTIFY_OBJ_GROUP,
						  CLUSNOTIFY_GROUP_STATE) == 0);
		}
		CHILD_CHECK(write(ready[1], "r", 1) == 1);
		CHILD_CHECK(read(go[0], &c, 1) == 1);
		for (i = 0; i < 2; i++) {
			CHILD_CHECK(cn_stats(f[i], &s[i]) == 0);
			CHILD_CHECK(s[i].matched == 40);
			CHILD_CHECK(s[i].matched == s[i].delivered + s[i].lost);
			bytes += s[i].queued_bytes;
			lost += s[i].lost;
		}
		fprintf(stderr, "# nobody: %llu bytes queued, %llu lost\n",
			(unsigned long long)bytes, (unsigned long long)lost);
		/* the LOST records may come on top of the bound */
		CHILD_CHECK(bytes <= 2048 + 2 * 128);
		CHILD_CHECK(lost >= 80 - 2048 / 96);
		/* reading frees room */
		for (i = 0; i < 2; i++) {
			static unsigned char b[CN_BUF];

			CHILD_CHECK(read(f[i], b, sizeof(b)) > 0);
		}
		CHILD_CHECK(write(ready[1], "r", 1) == 1);
		CHILD_CHECK(read(go[0], &c, 1) == 1);
		CHILD_CHECK(cn_stats(f[0], &s[0]) == 0);
		CHILD_CHECK(s[0].queued == 1);
		_exit(0);
	}
	ASSERT_EQ(1, read(ready[0], &c, 1));
	post_burst(_metadata, self->nl, self->cid, CLUSNOTIFY_OBJ_GROUP,
		   CLUSNOTIFY_GROUP_STATE, 40, name);
	ASSERT_EQ(1, write(go[1], "g", 1));
	ASSERT_EQ(1, read(ready[0], &c, 1));
	post_burst(_metadata, self->nl, self->cid, CLUSNOTIFY_OBJ_GROUP,
		   CLUSNOTIFY_GROUP_STATE, 1, name);
	ASSERT_EQ(1, write(go[1], "g", 1));
	ASSERT_EQ(0, cn_wait_child(pid));

	/* root is not bound by it */
	ASSERT_EQ(0, cn_stats(root_fd, &st));
	EXPECT_EQ(41u, st.delivered);
	EXPECT_EQ(0u, st.lost);
	close(root_fd);
	close(ready[0]);
	close(ready[1]);
	close(go[0]);
	close(go[1]);
}

TEST_F(lim, gid_parameter_limits_who_opens)
{
	const gid_t group = TEST_GID;
	pid_t pid;
	int fd;

	ASSERT_EQ(0, open_to_all());
	SET_PARAM("gid", "4242");

	pid = cn_fork_as(CN_NOBODY, CN_NOBODY, NULL, 0);
	ASSERT_LE(0, pid);
	if (!pid) {
		CHILD_CHECK(cn_open(0) == -1 && errno == EACCES);
		_exit(0);
	}
	ASSERT_EQ(0, cn_wait_child(pid)) TH_LOG("a user outside the group opened it");

	pid = cn_fork_as(CN_NOBODY, CN_NOBODY, &group, 1);
	ASSERT_LE(0, pid);
	if (!pid) {
		CHILD_CHECK(cn_open(0) >= 0);
		_exit(0);
	}
	ASSERT_EQ(0, cn_wait_child(pid)) TH_LOG("a member of the group was refused");

	pid = cn_fork_as(CN_NOBODY, TEST_GID, NULL, 0);
	ASSERT_LE(0, pid);
	if (!pid) {
		CHILD_CHECK(cn_open(0) >= 0);
		_exit(0);
	}
	ASSERT_EQ(0, cn_wait_child(pid)) TH_LOG("primary group member refused");

	fd = cn_open(0);
	ASSERT_LE(0, fd) TH_LOG("root refused");
	close(fd);

	SET_PARAM("gid", "-1");
	pid = cn_fork_as(CN_NOBODY, CN_NOBODY, NULL, 0);
	ASSERT_LE(0, pid);
	if (!pid) {
		int f = cn_open(0);

		CHILD_CHECK(f >= 0);
		_exit(0);
	}
	ASSERT_EQ(0, cn_wait_child(pid)) TH_LOG("gid -1 should let anyone in");
}

TEST_HARNESS_MAIN
