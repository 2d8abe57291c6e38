// SPDX-License-Identifier: GPL-2.0
/*
 * Attack: an unprivileged user fills a port with max_port_subs filters, each
 * with its own key, on a cluster of thousands of objects, and calls SNAPSHOT
 * in a loop while the daemon posts. Before, each call walked every object
 * once per filter under the cluster's post_lock and allocated a record for
 * each (counting the ones that did not fit as lost), without rescheduling:
 * the daemon's posts waited seconds. Now a snapshot that cannot fit queues
 * nothing, allocates nothing, counts nothing lost and fails with -ENOBUFS;
 * one that fits is queued whole.
 *
 * Counted: the error, the port's queued/matched/lost counters, the records
 * a fitting snapshot queues. Timed: the daemon's post latency during the
 * attack against a baseline measured first, in the same run.
 */

#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "cn_test.h"
#include "cn_nl.h"

#define NODES		4096
#define RESOURCES	100
#define BATCH		256
#define POSTS		200
#define ATTACK_SECS	3
/*
 * The attack's mean post time may be this many times the baseline's: the
 * mean, because one post held up for the length of a snapshot is the harm.
 */
#define MARGIN		20

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int param_u32(const char *name, uint32_t *v)
{
	char buf[32];
	int ret = cn_param_get(name, buf, sizeof(buf));

	if (!ret)
		*v = strtoul(buf, NULL, 0);
	return ret;
}

static int set_objects(struct cn_nl *nl, uint32_t cid, uint32_t type,
		       const char *prefix, int n)
{
	static char ids[BATCH][32];
	struct cn_object o[BATCH];
	int i, j, ret;

	for (i = 0; i < n; i += BATCH) {
		int k = n - i < BATCH ? n - i : BATCH;

		for (j = 0; j < k; j++) {
			snprintf(ids[j], sizeof(ids[j]), "%s%d", prefix, i + j);
			o[j] = (struct cn_object){ type, ids[j], ids[j], NULL, NULL,
						   true, 0 };
		}
		ret = cn_nl_object_set(nl, cid, o, k);
		if (ret)
			return ret;
	}
	return 0;
}

static bool exited(pid_t pid)
{
	siginfo_t si = { 0 };

	/* WNOWAIT: the caller still reaps it, with its status. */
	return !waitid(P_PID, pid, &si, WEXITED | WNOHANG | WNOWAIT) &&
	       si.si_pid == pid;
}

struct lat {
	uint64_t mean, median, max;
	int n;
};

/*
 * Times up to n posts of an event no attacker port wants (while until runs,
 * if set), in ns.
 */
static void time_posts(struct cn_nl *nl, uint32_t cid, int n, pid_t until,
		       struct lat *l)
{
	static uint64_t t[POSTS];
	uint64_t sum = 0;
	int i;

	memset(l, 0, sizeof(*l));
	for (i = 0; i < n; i++) {
		uint64_t t0 = mono_ns();

		if (cn_nl_post_state(nl, cid, CLUSNOTIFY_OBJ_GROUP,
				     CLUSNOTIFY_GROUP_STATE, "g0", i))
			break;
		t[i] = mono_ns() - t0;
		sum += t[i];
		if (t[i] > l->max)
			l->max = t[i];
		if (until > 0 && i >= 10 && exited(until)) {
			i++;
			break;
		}
	}
	if (!i)
		return;
	qsort(t, i, sizeof(t[0]), cmp_u64);
	l->n = i;
	l->mean = sum / i;
	l->median = t[i / 2];
}

/*
 * The attacker, as nobody. Exits 0 if every count holds; prints them.
 */
static void attacker(int ready, uint32_t cid, uint32_t limit, uint32_t subs)
{
	struct clusnotify_filter f = {
		.object_type = CLUSNOTIFY_OBJ_NODE, .flags = CLUSNOTIFY_NODE_STATE,
	};
	struct clusnotify_port_stats st;
	uint64_t calls = 0, wrong = 0, t0;
	uint32_t i, fits;
	int fd, fd2, ret;

	fd = cn_open(O_NONBLOCK);
	CHILD_CHECK(fd >= 0);
	for (i = 0; i < subs; i++)
		CHILD_CHECK(cn_add_filters(fd, cid, 0x1000 + i, &f, 1) == 0);
	CHILD_CHECK(cn_stats(fd, &st) == 0);
	CHILD_CHECK(st.filters == subs);
	CHILD_CHECK(write(ready, "r", 1) == 1);

	t0 = mono_ns();
	do {
		ret = cn_snapshot(fd);
		calls++;
		if (ret != -ENOBUFS && !wrong++)
			fprintf(stderr, "# snapshot %llu: %d, want -ENOBUFS\n",
				(unsigned long long)calls, ret);
	} while (mono_ns() - t0 < ATTACK_SECS * 1000000000ULL);
	CHILD_CHECK(cn_stats(fd, &st) == 0);
	fprintf(stderr, "# %llu snapshots of %u filters x %d nodes: queued %llu matched %llu lost %llu\n",
		(unsigned long long)calls, subs, NODES,
		(unsigned long long)st.queued, (unsigned long long)st.matched,
		(unsigned long long)st.lost);
	CHILD_CHECK(wrong == 0);
	/* Nothing queued, nothing built and dropped. */
	CHILD_CHECK(st.queued == 0);
	CHILD_CHECK(st.matched == 0);
	CHILD_CHECK(st.lost == 0);

	/* A snapshot that fits is queued whole, until the next would not. */
	fd2 = cn_open(O_NONBLOCK);
	CHILD_CHECK(fd2 >= 0);
	f.object_type = CLUSNOTIFY_OBJ_RESOURCE;
	f.flags = CLUSNOTIFY_RESOURCE_STATE;
	CHILD_CHECK(cn_add_filters(fd2, cid, 0x2000, &f, 1) == 0);
	/* each snapshot: RESOURCES records and the end-of-snapshot marker */
	fits = limit / (RESOURCES + 1);
	for (i = 0; i < fits; i++) {
		ret = cn_snapshot(fd2);
		if (ret) {
			fprintf(stderr, "# fitting snapshot %u: %d\n", i, ret);
			_exit(3);
		}
	}
	ret = cn_snapshot(fd2);
	CHILD_CHECK(cn_stats(fd2, &st) == 0);
	fprintf(stderr, "# %u fitting snapshots then one more (%d): queued %llu of %u, lost %llu\n",
		fits, ret, (unsigned long long)st.queued, limit,
		(unsigned long long)st.lost);
	CHILD_CHECK(ret == -ENOBUFS);
	CHILD_CHECK(st.queued == (uint64_t)fits * (RESOURCES + 1));
	CHILD_CHECK(st.queued <= limit);
	CHILD_CHECK(st.lost == 0);
	CHILD_CHECK(st.matched == st.delivered);
	_exit(0);
}

FIXTURE(snap) {};
FIXTURE_SETUP(snap) {}
FIXTURE_TEARDOWN(snap) {}

/* Before the fix one snapshot took many seconds: give it room to show. */
TEST_F_TIMEOUT(snap, loop_with_max_filters_does_not_stall_the_daemon, 280)
{
	struct lat b, a;
	uint32_t limit, subs, cid;
	char name[64];
	struct stat dev;
	int pipefd[2], status;
	struct cn_nl *nl;
	pid_t pid;
	char c;

	ASSERT_EQ(0, cn_private_netns());
	ASSERT_EQ(0, param_u32("max_queued_events", &limit));
	ASSERT_EQ(0, param_u32("max_port_subs", &subs));
	ASSERT_GT(limit, RESOURCES);
	ASSERT_GE(subs * NODES, 4 * limit) TH_LOG("the snapshot must not fit");
	ASSERT_EQ(0, stat(CN_DEV, &dev));
	cn_param_set("mode", "0666");
	ASSERT_EQ(0, chmod(CN_DEV, 0666));

	nl = cn_nl_open();
	ASSERT_NE(NULL, nl);
	ASSERT_EQ(0, cn_nl_cluster_register(nl, cn_name(name, sizeof(name), "snap"), &cid));
	ASSERT_EQ(0, set_objects(nl, cid, CLUSNOTIFY_OBJ_NODE, "n", NODES));
	ASSERT_EQ(0, set_objects(nl, cid, CLUSNOTIFY_OBJ_RESOURCE, "r", RESOURCES));
	ASSERT_EQ(0, set_objects(nl, cid, CLUSNOTIFY_OBJ_GROUP, "g", 1));

	time_posts(nl, cid, POSTS, 0, &b);
	ASSERT_EQ(POSTS, b.n);

	ASSERT_EQ(0, pipe(pipefd));
	pid = cn_fork_as(CN_NOBODY, CN_NOBODY, NULL, 0);
	if (pid == 0) {
		close(pipefd[0]);
		attacker(pipefd[1], cid, limit, subs);
	}
	ASSERT_LT(0, pid);
	close(pipefd[1]);
	ASSERT_EQ(1, read(pipefd[0], &c, 1)) TH_LOG("the attacker did not get ready");
	close(pipefd[0]);

	time_posts(nl, cid, POSTS, pid, &a);
	TH_LOG("post us: baseline mean %llu median %llu max %llu (%d posts); under attack mean %llu median %llu max %llu (%d posts)",
	       (unsigned long long)b.mean / 1000, (unsigned long long)b.median / 1000,
	       (unsigned long long)b.max / 1000, b.n,
	       (unsigned long long)a.mean / 1000, (unsigned long long)a.median / 1000,
	       (unsigned long long)a.max / 1000, a.n);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));

	cn_nl_cluster_unregister(nl, cid);
	cn_nl_close(nl);
	chmod(CN_DEV, dev.st_mode & 07777);

	ASSERT_LT(0, a.n);
	EXPECT_LE(a.mean, MARGIN * b.mean) TH_LOG("the daemon's posts waited for the snapshots");
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("the attacker's counts (see above)");
}

TEST_HARNESS_MAIN
