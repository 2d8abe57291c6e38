// SPDX-License-Identifier: GPL-2.0
/*
 * Attack: an unprivileged user adds the same filter max_port_subs times to
 * one port (in arrays of CLUSNOTIFY_FILTERS_MAX). Before, each copy was an
 * entry of the cluster's index, walked by every post, and each queued the
 * event again: one post cost max_port_subs enqueues and the port got the
 * event max_port_subs times (most of them counted lost). Now identical
 * filters are merged: one index entry, one record per event, and the
 * copies take no place under max_port_subs.
 *
 * Counted: the port's filters, matched, delivered and lost counters, the
 * records read, and that a different filter still fits afterwards.
 */

#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "cn_test.h"
#include "cn_nl.h"

static int param_u32(const char *name, uint32_t *v)
{
	char buf[32];
	int ret = cn_param_get(name, buf, sizeof(buf));

	if (!ret)
		*v = strtoul(buf, NULL, 0);
	return ret;
}

static void attacker(int go, uint32_t cid, uint32_t subs)
{
	static struct clusnotify_filter f[CLUSNOTIFY_FILTERS_MAX];
	static unsigned char buf[CN_BUF];
	static struct cn_rec rec[64];
	struct clusnotify_port_stats st;
	uint32_t i;
	int fd, n;
	char c;

	for (i = 0; i < CLUSNOTIFY_FILTERS_MAX; i++)
		f[i] = (struct clusnotify_filter){
			.object_type = CLUSNOTIFY_OBJ_GROUP,
			.flags = CLUSNOTIFY_GROUP_STATE,
		};
	fd = cn_open(O_NONBLOCK);
	CHILD_CHECK(fd >= 0);
	for (i = 0; i < subs; i += CLUSNOTIFY_FILTERS_MAX) {
		uint32_t k = subs - i < CLUSNOTIFY_FILTERS_MAX ?
			     subs - i : CLUSNOTIFY_FILTERS_MAX;

		CHILD_CHECK(cn_add_filters(fd, cid, 0x77, f, k) == 0);
	}
	CHILD_CHECK(cn_stats(fd, &st) == 0);
	fprintf(stderr, "# %u identical filters added: the port holds %u\n",
		subs, st.filters);
	CHILD_CHECK(st.filters == 1);

	/* The copies took no room: another filter still fits. */
	CHILD_CHECK(cn_add_filter(fd, cid, 0x78, CLUSNOTIFY_OBJ_NODE,
				  CLUSNOTIFY_NODE_STATE) == 0);

	/* The parent posts one GROUP STATE event now. */
	CHILD_CHECK(write(go, "g", 1) == 1);
	CHILD_CHECK(read(go, &c, 1) == 1);
	n = cn_read_all(fd, buf, sizeof(buf), rec, 64, 500);
	CHILD_CHECK(cn_stats(fd, &st) == 0);
	fprintf(stderr, "# one post: %d records read; matched %llu delivered %llu lost %llu\n",
		n, (unsigned long long)st.matched,
		(unsigned long long)st.delivered, (unsigned long long)st.lost);
	CHILD_CHECK(n == 1);
	CHILD_CHECK(rec[0].h.filter_flag == CLUSNOTIFY_GROUP_STATE);
	CHILD_CHECK(rec[0].h.key == 0x77);
	CHILD_CHECK(st.matched == 1);
	CHILD_CHECK(st.delivered == 1);
	CHILD_CHECK(st.lost == 0);
	_exit(0);
}

TEST(identical_filters_cost_one_entry_and_one_record)
{
	int sv[2], status;
	uint32_t subs, cid;
	char name[64], c;
	struct stat dev;
	struct cn_nl *nl;
	pid_t pid;

	ASSERT_EQ(0, cn_private_netns());
	ASSERT_EQ(0, param_u32("max_port_subs", &subs));
	ASSERT_EQ(0, stat(CN_DEV, &dev));
	cn_param_set("mode", "0666");
	ASSERT_EQ(0, chmod(CN_DEV, 0666));
	nl = cn_nl_open();
	ASSERT_NE(NULL, nl);
	ASSERT_EQ(0, cn_nl_cluster_register(nl, cn_name(name, sizeof(name), "dup"), &cid));

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	pid = cn_fork_as(CN_NOBODY, CN_NOBODY, NULL, 0);
	if (pid == 0) {
		close(sv[0]);
		attacker(sv[1], cid, subs);
	}
	ASSERT_LT(0, pid);
	close(sv[1]);
	if (read(sv[0], &c, 1) == 1) {
		EXPECT_EQ(0, cn_nl_post1(nl, cid, CLUSNOTIFY_OBJ_GROUP,
					 CLUSNOTIFY_GROUP_STATE, "g1"));
		EXPECT_EQ(1, write(sv[0], "p", 1));
	}
	close(sv[0]);
	status = cn_wait_child(pid);

	cn_nl_cluster_unregister(nl, cid);
	cn_nl_close(nl);
	chmod(CN_DEV, dev.st_mode & 07777);
	EXPECT_EQ(0, status) TH_LOG("the attacker's counts (see above)");
}

TEST_HARNESS_MAIN
