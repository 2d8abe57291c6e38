// SPDX-License-Identifier: GPL-2.0
/*
 * Subscriptions are bounded per user, not only per port: an unprivileged
 * user opens max_user_ports ports and fills each with max_port_subs filters;
 * max_user_subs stops it (ENOSPC) across its ports, registrations included,
 * while another user and root are not held by it. Closing a port gives its
 * subscriptions back. Counted: the filters each port holds (GET_STATS).
 */
#include <sys/stat.h>

#include "cn_test.h"
#include "cn_nl.h"
#include "kselftest_harness.h"

#define PORTS		8
#define CHUNK		CLUSNOTIFY_FILTERS_MAX
_Static_assert(CHUNK <= CLUSNOTIFY_GROUP_ALL, "distinct GROUP masks");
#define OTHER_UID	4001

static const char * const params[] = {
	"max_user_ports", "max_port_subs", "max_user_subs", "mode",
};

FIXTURE(subs) {
	struct cn_nl *nl;
	uint32_t cid;
	char name[CLUSNOTIFY_CLUSTER_NAME_MAX];
	char saved[ARRAY_SIZE(params)][32];
	bool have[ARRAY_SIZE(params)];
	struct stat dev;
	unsigned long port_subs, user_subs;
};

FIXTURE_SETUP(subs)
{
	char v[32];
	unsigned int i;

	ASSERT_EQ(0, cn_private_netns());
	for (i = 0; i < ARRAY_SIZE(params); i++)
		self->have[i] = !cn_param_get(params[i], self->saved[i],
					      sizeof(self->saved[i]));
	ASSERT_EQ(0, stat(CN_DEV, &self->dev));
	ASSERT_EQ(0, cn_param_get("max_port_subs", v, sizeof(v)));
	self->port_subs = strtoul(v, NULL, 10);
	/* without the parameter, the attack runs against the default bound */
	if (cn_param_get("max_user_subs", v, sizeof(v)))
		TH_LOG("no max_user_subs parameter: assuming 8192");
	self->user_subs = self->have[2] ? strtoul(v, NULL, 10) : 8192;
	/* the attack needs more than the user bound across its ports */
	ASSERT_LT(self->user_subs, PORTS * self->port_subs);
	snprintf(v, sizeof(v), "%d", PORTS);
	ASSERT_EQ(0, cn_param_set("max_user_ports", v));
	cn_param_set("mode", "0666");
	ASSERT_EQ(0, chmod(CN_DEV, 0666));
	self->nl = cn_nl_open();
	ASSERT_TRUE(self->nl != NULL);
	ASSERT_EQ(0, cn_nl_cluster_register(self->nl,
			cn_name(self->name, sizeof(self->name), "subs"), &self->cid));
}

FIXTURE_TEARDOWN(subs)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(params); i++)
		if (self->have[i])
			cn_param_set(params[i], self->saved[i]);
	chmod(CN_DEV, self->dev.st_mode & 07777);
	if (self->nl && self->cid)
		cn_nl_cluster_unregister(self->nl, self->cid);
	cn_nl_close(self->nl);
}

/* Adds filters to @fd in chunks until ENOSPC or @max; returns how many. */
static long fill_port(int fd, uint32_t cid, unsigned long max, int *err)
{
	static struct clusnotify_filter f[CHUNK];
	unsigned long done = 0;
	unsigned int i;

	/*
	 * Distinct filters (identical ones of a port count once): GROUP has
	 * ten flags, so masks 1 to 256 are all valid and all different; each
	 * call has a key of its own.
	 */
	for (i = 0; i < CHUNK; i++)
		f[i] = (struct clusnotify_filter){ .object_type = CLUSNOTIFY_OBJ_GROUP,
						   .flags = i + 1 };
	*err = 0;
	while (done < max) {
		unsigned long n = max - done < CHUNK ? max - done : CHUNK;
		int ret = cn_add_filters(fd, cid, done, f, n);

		if (ret) {
			*err = ret;
			break;
		}
		done += n;
	}
	return done;
}

TEST_F(subs, user_bound_across_ports)
{
	pid_t pid;

	pid = cn_fork_as(CN_NOBODY, CN_NOBODY, NULL, 0);
	ASSERT_LE(0, pid);
	if (!pid) {
		struct clusnotify_port_stats st;
		unsigned long total = 0;
		int fd[PORTS], i, err;
		uint64_t reg;

		for (i = 0; i < PORTS; i++) {
			long got;

			fd[i] = cn_open(0);
			CHILD_CHECK(fd[i] >= 0);
			/* one more than a port may hold: the last is ENOSPC */
			got = fill_port(fd[i], self->cid, self->port_subs + 1, &err);
			CHILD_CHECK(err == -ENOSPC);
			CHILD_CHECK(cn_stats(fd[i], &st) == 0);
			CHILD_CHECK(st.filters == (unsigned long)got);
			total += got;
		}
		fprintf(stderr, "# nobody holds %lu subscriptions on %d ports (max_user_subs %lu)\n",
			total, PORTS, self->user_subs);
		CHILD_CHECK(total <= self->user_subs);
		CHILD_CHECK(total > self->user_subs - CHUNK);
		/* registrations count too */
		if (total == self->user_subs)
			for (i = 0; i < PORTS; i++)
				CHILD_CHECK(cn_register(fd[i], self->cid, CLUSNOTIFY_OBJ_NODE,
							CLUSNOTIFY_NODE_STATE, 1, "n1",
							&reg) == -ENOSPC);

		/* closing a port gives its subscriptions back */
		CHILD_CHECK(cn_stats(fd[0], &st) == 0);
		close(fd[0]);
		fd[0] = cn_open(0);
		CHILD_CHECK(fd[0] >= 0);
		CHILD_CHECK(fill_port(fd[0], self->cid, st.filters, &err) ==
			    (long)st.filters);
		_exit(0);
	}
	ASSERT_EQ(0, cn_wait_child(pid));
}

TEST_F(subs, other_users_and_root_are_not_held)
{
	int go[2], ready[2];
	pid_t pid, other;
	char c;

	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(ready));
	pid = cn_fork_as(CN_NOBODY, CN_NOBODY, NULL, 0);
	ASSERT_LE(0, pid);
	if (!pid) {
		unsigned long total = 0;
		int fd[PORTS], i, err;

		for (i = 0; i < PORTS; i++) {
			fd[i] = cn_open(0);
			CHILD_CHECK(fd[i] >= 0);
			total += fill_port(fd[i], self->cid, self->port_subs, &err);
		}
		CHILD_CHECK(total <= self->user_subs);
		CHILD_CHECK(write(ready[1], "r", 1) == 1);
		CHILD_CHECK(read(go[0], &c, 1) == 1);
		_exit(0);
	}
	ASSERT_EQ(1, read(ready[0], &c, 1));

	other = cn_fork_as(OTHER_UID, OTHER_UID, NULL, 0);
	ASSERT_LE(0, other);
	if (!other) {
		int fd = cn_open(0), err;

		CHILD_CHECK(fd >= 0);
		CHILD_CHECK(fill_port(fd, self->cid, self->port_subs, &err) ==
			    (long)self->port_subs);
		_exit(0);
	}
	EXPECT_EQ(0, cn_wait_child(other)) TH_LOG("another user was held by nobody's subscriptions");

	/* root (CAP_SYS_RESOURCE) is exempt */
	{
		int fd[3], i, err;
		long total = 0;

		for (i = 0; i < 3; i++) {
			fd[i] = cn_open(0);
			ASSERT_LE(0, fd[i]);
			total += fill_port(fd[i], self->cid, self->port_subs, &err);
		}
		EXPECT_EQ((long)(3 * self->port_subs), total);
		for (i = 0; i < 3; i++)
			close(fd[i]);
	}
	ASSERT_EQ(1, write(go[1], "g", 1));
	ASSERT_EQ(0, cn_wait_child(pid));
	close(go[0]);
	close(go[1]);
	close(ready[0]);
	close(ready[1]);
}

TEST_HARNESS_MAIN
