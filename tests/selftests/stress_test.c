// SPDX-License-Identifier: GPL-2.0
/*
 * Everything at once for a few seconds: posters, readers, ports opened and
 * closed with filters and registrations, ports shut down under a blocked
 * reader, snapshots, and the owner socket going and coming back. Meant for
 * the debug kernel (KASAN, lockdep, kmemleak): the assertions here are the
 * invariants, the kernel log does the rest.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <sys/resource.h>

#include "cn_test.h"
#include "cn_nl.h"
#include "kselftest_harness.h"

#define K1		0x5151515151515151ULL
#define RUN_MS		3000

struct world {
	char name[CLUSNOTIFY_CLUSTER_NAME_MAX];
	uint32_t cid;
	atomic_int stop;
	atomic_long posted, read, churned, reconnects, shutdowns, regrouped;
	atomic_int bad;		/* unexpected results, logged where they happen */
	bool strict;		/* a post that fails is one of them */
};

static void bad(struct world *w, const char *what, int err)
{
	fprintf(stderr, "# stress: %s: %d (%s)\n", what, err, strerror(-err));
	atomic_fetch_add(&w->bad, 1);
}

static void *poster(void *arg)
{
	struct world *w = arg;
	struct cn_nl *nl = cn_nl_open();
	struct cn_event ev[16];
	char ids[16][8];
	int i, ret;

	if (!nl) {
		bad(w, "poster socket", -errno);
		return NULL;
	}
	for (i = 0; i < 16; i++) {
		snprintf(ids[i], sizeof(ids[i]), "g%d", i % 4);
		ev[i] = (struct cn_event){ .type = CLUSNOTIFY_OBJ_GROUP,
					   .flag = CLUSNOTIFY_GROUP_STATE, .id = ids[i],
					   .payload = &i, .payload_len = 4 };
	}
	while (!atomic_load(&w->stop)) {
		ret = cn_nl_post(nl, w->cid, ev, 16, NULL);
		if (!ret)
			atomic_fetch_add(&w->posted, 16);
		else if (w->strict)
			bad(w, "post", ret);
	}
	cn_nl_close(nl);
	return NULL;
}

static void *reader(void *arg)
{
	struct world *w = arg;
	unsigned char *buf = malloc(CN_BUF);
	struct cn_rec *rec = calloc(1024, sizeof(*rec));
	int fd = cn_open(0), n, ret;

	if (fd < 0 || !buf || !rec) {
		bad(w, "reader port", -errno);
		goto out;
	}
	ret = cn_add_filter(fd, w->cid, K1, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_ALL);
	if (ret)
		bad(w, "reader filter", ret);
	while (!atomic_load(&w->stop)) {
		n = cn_read(fd, buf, rec, 1024, 50);
		if (n < 0)
			bad(w, "reader read", n);
		else
			atomic_fetch_add(&w->read, n);
	}
	{
		struct clusnotify_port_stats st;

		if (cn_stats(fd, &st))
			bad(w, "reader stats", -errno);
		else if (st.matched != st.delivered + st.lost)
			bad(w, "reader: matched != delivered + lost", -EBADMSG);
	}
out:
	if (fd >= 0)
		close(fd);
	free(rec);
	free(buf);
	return NULL;
}

/* Ports that come and go with filters, registrations and snapshots. */
static void *churn(void *arg)
{
	struct world *w = arg;
	unsigned char *buf = malloc(CN_BUF);
	/* A read of CN_BUF holds at most CN_BUF / 96 records. */
	static __thread struct cn_rec rec[CN_BUF / 96 + 1];
	uint64_t reg;
	int fd, ret;

	while (buf && !atomic_load(&w->stop)) {
		fd = cn_open(O_NONBLOCK);
		if (fd < 0) {
			bad(w, "churn open", -errno);
			break;
		}
		ret = cn_add_filter(fd, w->cid, K1, CLUSNOTIFY_OBJ_GROUP,
				    CLUSNOTIFY_GROUP_STATE);
		if (ret)
			bad(w, "churn filter", ret);
		ret = cn_register(fd, w->cid, CLUSNOTIFY_OBJ_GROUP,
				  CLUSNOTIFY_GROUP_STATE | CLUSNOTIFY_GROUP_HANDLE_CLOSE,
				  K1, "g1", &reg);
		if (ret)
			bad(w, "churn register", ret);
		/*
		 * All or nothing: a queue the posters filled since the filter
		 * was added cannot take the snapshot (-ENOBUFS, documented).
		 */
		if (cn_snapshot(fd) && errno != ENOBUFS)
			bad(w, "churn snapshot", -errno);
		cn_read(fd, buf, rec, ARRAY_SIZE(rec), 0);
		if (!ret && (ret = cn_unregister(fd, reg)))
			bad(w, "churn unregister", ret);
		/* close with records still queued, half of the time */
		if (atomic_fetch_add(&w->churned, 1) % 2)
			while (read(fd, buf, CN_BUF) > 0)
				;
		close(fd);
	}
	free(buf);
	return NULL;
}

struct blocked {
	int fd;
	void *buf;
};

static void *blocked_read(void *arg)
{
	struct blocked *b = arg;

	return (void *)(intptr_t)read(b->fd, b->buf, CN_BUF);
}

/* Ports shut down while a thread waits in read(). */
static void *shutter(void *arg)
{
	struct world *w = arg;
	unsigned char *buf = malloc(CN_BUF);

	while (buf && !atomic_load(&w->stop)) {
		struct blocked b = { .fd = cn_open(0), .buf = buf };
		pthread_t t;
		void *ret;

		if (b.fd < 0) {
			bad(w, "shutter open", -errno);
			break;
		}
		cn_add_filter(b.fd, w->cid, K1, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_ALL);
		if (pthread_create(&t, NULL, blocked_read, &b)) {
			close(b.fd);
			break;
		}
		usleep(2000);
		if (cn_shutdown(b.fd))
			bad(w, "shutter shutdown", -errno);
		pthread_join(t, &ret);
		close(b.fd);
		atomic_fetch_add(&w->shutdowns, 1);
	}
	free(buf);
	return NULL;
}

/* The daemon dies and comes back, over and over. */
static void *owner(void *arg)
{
	struct world *w = arg;
	struct cn_nl *nl = NULL;
	uint32_t id;
	int ret;

	while (!atomic_load(&w->stop)) {
		nl = cn_nl_open();
		if (!nl) {
			bad(w, "owner socket", -errno);
			break;
		}
		ret = cn_nl_cluster_register(nl, w->name, &id);
		if (ret)
			bad(w, "owner re-register", ret);
		else if (id != w->cid)
			bad(w, "owner: the cluster changed its id", -EBADMSG);
		atomic_fetch_add(&w->reconnects, 1);
		usleep(20000);
		cn_nl_close(nl);
		nl = NULL;
	}
	cn_nl_close(nl);
	return NULL;
}

TEST(everything_at_once)
{
	void *(*fns[])(void *) = { poster, poster, reader, reader, churn, shutter, owner };
	pthread_t t[ARRAY_SIZE(fns)];
	struct world *w = calloc(1, sizeof(*w));
	struct cn_nl *nl;
	unsigned int i;

	ASSERT_TRUE(w != NULL);
	ASSERT_EQ(0, cn_private_netns());
	nl = cn_nl_open();
	ASSERT_TRUE(nl != NULL);
	ASSERT_EQ(0, cn_nl_cluster_register(nl, cn_name(w->name, sizeof(w->name), "stress"),
					    &w->cid));
	/* the owner thread takes over */
	cn_nl_close(nl);

	for (i = 0; i < ARRAY_SIZE(fns); i++) {
		ASSERT_EQ(0, pthread_create(&t[i], NULL, fns[i], w));
	}
	usleep(RUN_MS * 1000);
	atomic_store(&w->stop, 1);
	for (i = 0; i < ARRAY_SIZE(fns); i++)
		pthread_join(t[i], NULL);

	TH_LOG("posted %ld, read %ld, ports churned %ld, shut down %ld, reconnects %ld",
	       atomic_load(&w->posted), atomic_load(&w->read),
	       atomic_load(&w->churned), atomic_load(&w->shutdowns),
	       atomic_load(&w->reconnects));
	EXPECT_EQ(0, atomic_load(&w->bad));
	EXPECT_LT(0, atomic_load(&w->posted));
	EXPECT_LT(0, atomic_load(&w->read));
	EXPECT_LT(0, atomic_load(&w->churned));
	EXPECT_LT(0, atomic_load(&w->shutdowns));
	EXPECT_LT(1, atomic_load(&w->reconnects));

	nl = cn_nl_open();
	ASSERT_TRUE(nl != NULL);
	EXPECT_EQ(0, cn_nl_cluster_unregister(nl, w->cid));
	cn_nl_close(nl);
	free(w);
}

/*
 * Long lists while they change: WIDE ports with one STATE filter each (solo
 * entries) and one port with OTHERS filters of distinct keys on the same
 * list (not solo, past what a run keeps), so that every run of a post of 16
 * walks more than the CN_WALK_YIELD entries after which it leaves RCU and
 * reschedules. Meanwhile ports close and open and registrations on every
 * object (entries of that list) come and go: the run goes on from an entry
 * that may have been unlinked during its yield. On the debug kernel, KASAN
 * says whether that entry was still there.
 */
#define WIDE		1500
#define OTHERS		24

struct wide {
	struct world *w;
	int fds[WIDE];
};

static int wide_port(struct world *w)
{
	int fd = cn_open(O_NONBLOCK), ret;

	if (fd < 0)
		return -errno;
	ret = cn_add_filter(fd, w->cid, K1, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE);
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

/* Closes and opens wide ports, and registers on every group and back. */
static void *wide_churn(void *arg)
{
	struct wide *wd = arg;
	struct world *w = wd->w;
	unsigned int i = 0;
	uint64_t reg;
	int fd, ret;

	while (!atomic_load(&w->stop)) {
		i = (i + 7) % WIDE;
		/* It waits for the post (solo flags change): one in 16. */
		if (!(atomic_load(&w->churned) % 16)) {
			ret = cn_register(wd->fds[i], w->cid, CLUSNOTIFY_OBJ_GROUP,
					  CLUSNOTIFY_GROUP_STATE, K1 + 1, "", &reg);
			if (ret)
				bad(w, "register on every group", ret);
			else if ((ret = cn_unregister(wd->fds[i], reg)))
				bad(w, "unregister", ret);
		}
		close(wd->fds[i]);
		fd = wide_port(w);
		if (fd < 0) {
			bad(w, "wide port", fd);
			wd->fds[i] = -1;
			break;
		}
		wd->fds[i] = fd;
		atomic_fetch_add(&w->churned, 1);
	}
	return NULL;
}

/*
 * A port that lets go of its one entry on the list (a registration on every
 * group: solo, so a run gives it the whole batch at once) and takes two
 * (not solo: past the others a run keeps, those get it event by event)
 * while posts run: its records must never go back in sequence, as they
 * would if a run gave it a batch through the first entry and again through
 * the two.
 */
static void *wide_regroup(void *arg)
{
	struct wide *wd = arg;
	struct world *w = wd->w;
	unsigned char *buf = malloc(CN_BUF);
	static __thread struct cn_rec rec[CN_BUF / 96 + 1];
	const struct clusnotify_filter two[2] = {
		{ .object_type = CLUSNOTIFY_OBJ_GROUP, .flags = CLUSNOTIFY_GROUP_STATE },
		{ .object_type = CLUSNOTIFY_OBJ_GROUP,
		  .flags = CLUSNOTIFY_GROUP_STATE | CLUSNOTIFY_GROUP_DELETED },
	};
	uint64_t reg, last;
	int fd, n, i, ret;
	long posted;

	while (buf && !atomic_load(&w->stop)) {
		fd = cn_open(O_NONBLOCK);
		if (fd < 0) {
			bad(w, "regroup open", -errno);
			break;
		}
		ret = cn_register(fd, w->cid, CLUSNOTIFY_OBJ_GROUP,
				  CLUSNOTIFY_GROUP_STATE, K1 + 2, "", &reg);
		if (ret)
			bad(w, "regroup register", ret);
		/*
		 * Once a run reached the entry, that run is under way (the
		 * entry is at the list's head, and the port is woken at the
		 * post's end): let go of it now.
		 */
		for (i = 0, n = 0; i < 10000 && !n && !atomic_load(&w->stop); i++)
			if (cn_fionread(fd, &n) || !n)
				usleep(100);
		posted = atomic_load(&w->posted);
		if (!ret && (ret = cn_unregister(fd, reg)))
			bad(w, "regroup unregister", ret);
		/* In one call: neither is solo, and nothing else of the port is. */
		ret = cn_add_filters(fd, w->cid, K1 + 3, two, 2);
		if (ret)
			bad(w, "regroup filters", ret);
		/* Read once the post under way is over: its every copy is in. */
		for (i = 0; i < 10000 && atomic_load(&w->posted) == posted &&
			    !atomic_load(&w->stop); i++)
			usleep(100);
		last = 0;
		while ((n = cn_read(fd, buf, rec, ARRAY_SIZE(rec), 0)) > 0)
			for (i = 0; i < n; i++) {
				if (rec[i].h.flags)
					continue;
				if (rec[i].h.seq < last)
					bad(w, "a record went back in sequence", -EBADMSG);
				last = rec[i].h.seq;
			}
		close(fd);
		atomic_fetch_add(&w->regrouped, 1);
	}
	free(buf);
	return NULL;
}

TEST(runs_yield_while_lists_change)
{
	struct rlimit rl = { .rlim_cur = WIDE + 256, .rlim_max = WIDE + 256 };
	struct world *w = calloc(1, sizeof(*w));
	struct wide *wd = calloc(1, sizeof(*wd));
	pthread_t tp, tc, tr;
	struct cn_nl *nl;
	int i, many;

	ASSERT_TRUE(w != NULL && wd != NULL);
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
	ASSERT_EQ(0, cn_private_netns());
	nl = cn_nl_open();
	ASSERT_TRUE(nl != NULL);
	ASSERT_EQ(0, cn_nl_cluster_register(nl, cn_name(w->name, sizeof(w->name), "runs"),
					    &w->cid));
	wd->w = w;
	w->strict = true;
	for (i = 0; i < WIDE; i++) {
		wd->fds[i] = wide_port(w);
		ASSERT_LE(0, wd->fds[i]);
	}
	many = cn_open(O_NONBLOCK);
	ASSERT_LE(0, many);
	for (i = 0; i < OTHERS; i++)
		ASSERT_EQ(0, cn_add_filter(many, w->cid, K1 + 16 + i,
					   CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE));

	ASSERT_EQ(0, pthread_create(&tp, NULL, poster, w));
	ASSERT_EQ(0, pthread_create(&tc, NULL, wide_churn, wd));
	ASSERT_EQ(0, pthread_create(&tr, NULL, wide_regroup, wd));
	usleep(RUN_MS * 1000);
	atomic_store(&w->stop, 1);
	pthread_join(tp, NULL);
	pthread_join(tc, NULL);
	pthread_join(tr, NULL);

	TH_LOG("posted %ld to %d ports, ports churned %ld, regrouped %ld",
	       atomic_load(&w->posted), WIDE + 1, atomic_load(&w->churned),
	       atomic_load(&w->regrouped));
	EXPECT_EQ(0, atomic_load(&w->bad));
	EXPECT_LT(0, atomic_load(&w->posted));
	EXPECT_LT(0, atomic_load(&w->churned));
	EXPECT_LT(0, atomic_load(&w->regrouped));
	{
		struct clusnotify_port_stats st;

		/* Each post's 16 events reach each of the OTHERS filters. */
		ASSERT_EQ(0, cn_stats(many, &st));
		EXPECT_EQ(st.matched, (uint64_t)atomic_load(&w->posted) * OTHERS);
	}
	close(many);
	for (i = 0; i < WIDE; i++)
		if (wd->fds[i] >= 0)
			close(wd->fds[i]);
	EXPECT_EQ(0, cn_nl_cluster_unregister(nl, w->cid));
	cn_nl_close(nl);
	free(wd);
	free(w);
}

TEST_HARNESS_MAIN
