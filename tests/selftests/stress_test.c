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

#include "cn_test.h"
#include "cn_nl.h"
#include "kselftest_harness.h"

#define K1		0x5151515151515151ULL
#define RUN_MS		3000

struct world {
	char name[CLUSNOTIFY_CLUSTER_NAME_MAX];
	uint32_t cid;
	atomic_int stop;
	atomic_long posted, read, churned, reconnects, shutdowns;
	atomic_int bad;		/* unexpected results, logged where they happen */
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

TEST_HARNESS_MAIN
