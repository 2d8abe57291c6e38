// SPDX-License-Identifier: GPL-2.0
/*
 * Enumeration through the device: CLUSNOTIFY_IOC_LIST_CLUSTERS and
 * CLUSNOTIFY_IOC_LIST_OBJECTS. The happy path, the type filter, the cursor
 * across calls while objects come and go (nothing present throughout is
 * missed or returned twice), the per-call cap, growing entries, bad
 * arguments, namespaces, and a user without CAP_NET_ADMIN who may open the
 * device listing through it.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "cn_test.h"
#include "cn_nl.h"
#include "kselftest_harness.h"

#define OE_SIZE		sizeof(struct clusnotify_object_entry)
#define CE_SIZE		sizeof(struct clusnotify_cluster_entry)
#define NO_CLUSTER	0x7ffffff0u
/* A group no test user is in, for the device's group. */
#define DEV_GID		54321

/* One LIST_OBJECTS call: entries written, or -errno. */
static int list_objects(int fd, uint32_t cid, uint32_t type, uint64_t *cursor,
			void *entries, uint32_t count, uint32_t esize,
			uint32_t *out_flags)
{
	struct clusnotify_list_objects a = {
		.size = sizeof(a),
		.cluster_id = cid,
		.object_type = type,
		.count = count,
		.entry_size = esize,
		.cursor = *cursor,
		.entries = (uint64_t)(uintptr_t)entries,
		.out_flags = 0xa5a5a5a5,
	};
	int ret = cn_ioctl(fd, CLUSNOTIFY_IOC_LIST_OBJECTS, &a);

	if (ret)
		return ret;
	*cursor = a.cursor;
	if (out_flags)
		*out_flags = a.out_flags;
	return (int)a.count;
}

static int list_clusters(int fd, uint64_t *cursor, void *entries,
			 uint32_t count, uint32_t *out_flags)
{
	struct clusnotify_list_clusters a = {
		.size = sizeof(a),
		.count = count,
		.entry_size = CE_SIZE,
		.cursor = *cursor,
		.entries = (uint64_t)(uintptr_t)entries,
		.out_flags = 0xa5a5a5a5,
	};
	int ret = cn_ioctl(fd, CLUSNOTIFY_IOC_LIST_CLUSTERS, &a);

	if (ret)
		return ret;
	*cursor = a.cursor;
	if (out_flags)
		*out_flags = a.out_flags;
	return (int)a.count;
}

/*
 * A whole enumeration in batches of @batch; returns the entries in @out
 * (room for @max) and the number of calls in @calls, or -errno.
 */
static int list_all(int fd, uint32_t cid, uint32_t type, uint32_t batch,
		    struct clusnotify_object_entry *out, int max, int *calls)
{
	uint64_t cursor = 0;
	uint32_t fl = 0;
	int total = 0, n;

	*calls = 0;
	while (!(fl & CLUSNOTIFY_LIST_END)) {
		if (total + (int)batch > max)
			return -ENOSPC;
		n = list_objects(fd, cid, type, &cursor, out + total, batch,
				 OE_SIZE, &fl);
		if (n < 0)
			return n;
		++*calls;
		total += n;
	}
	return total;
}

static bool poisoned(const void *p, size_t len)
{
	const unsigned char *c = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (c[i] != CN_POISON)
			return false;
	return true;
}

static bool zero(const void *p, size_t len)
{
	const unsigned char *c = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (c[i])
			return false;
	return true;
}

/* Sets objects "PREFIXi" for i in [from, to) of @type, 100 per message. */
static int set_range(struct cn_nl *nl, uint32_t cid, uint32_t type,
		     const char *prefix, int from, int to, int32_t state)
{
	static __thread char ids[100][CLUSNOTIFY_ID_MAX];
	struct cn_object o[100];
	int i, n, ret;

	while (from < to) {
		n = to - from < 100 ? to - from : 100;
		for (i = 0; i < n; i++) {
			snprintf(ids[i], sizeof(ids[i]), "%s%d", prefix, from + i);
			o[i] = (struct cn_object){ .type = type, .id = ids[i],
						   .has_state = true,
						   .state = state };
		}
		ret = cn_nl_object_set(nl, cid, o, n);
		if (ret)
			return ret;
		from += n;
	}
	return 0;
}

static int del_one(struct cn_nl *nl, uint32_t cid, uint32_t type,
		   const char *id)
{
	struct cn_object o = { .type = type, .id = id };

	return cn_nl_object_del(nl, cid, &o, 1);
}

FIXTURE(en) {
	struct cn_nl *nl;
	uint32_t cid;
	int fd;
	char name[CLUSNOTIFY_CLUSTER_NAME_MAX];
};

FIXTURE_SETUP(en)
{
	ASSERT_EQ(0, cn_private_netns()) TH_LOG("unshare(CLONE_NEWNET): %s", strerror(errno));
	self->fd = -1;
	self->nl = cn_nl_open();
	ASSERT_TRUE(self->nl != NULL) TH_LOG("generic netlink family '%s': %s",
					     CLUSNOTIFY_GENL_NAME, strerror(errno));
	ASSERT_EQ(0, cn_nl_cluster_register(self->nl,
			cn_name(self->name, sizeof(self->name), "enum"), &self->cid));
	self->fd = cn_open(0);
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", CN_DEV, strerror(errno));
}

FIXTURE_TEARDOWN(en)
{
	if (self->fd >= 0)
		close(self->fd);
	if (self->nl && self->cid)
		cn_nl_cluster_unregister(self->nl, self->cid);
	cn_nl_close(self->nl);
}

static void set_inventory(struct __test_metadata *_metadata, struct cn_nl *nl,
			  uint32_t cid)
{
	/* Out of type order on purpose: entries come by type, then age. */
	const struct cn_object objs[] = {
		{ CLUSNOTIFY_OBJ_RESOURCE, "r1", "Res One", "g1", "IP Address", true, 3 },
		{ CLUSNOTIFY_OBJ_GROUP, "g2", "Group Two", "n2", NULL, true, 2 },
		{ CLUSNOTIFY_OBJ_NODE, "n1", "node-one", NULL, NULL, false, 0 },
		{ CLUSNOTIFY_OBJ_GROUP, "g1", "Group One", "n1", NULL, true, 0 },
		{ CLUSNOTIFY_OBJ_RESOURCE_TYPE, "rt1", "IP Address", NULL, NULL, false, 0 },
	};

	ASSERT_EQ(0, cn_nl_object_set(nl, cid, objs, ARRAY_SIZE(objs)));
}

TEST_F(en, objects_all_types_in_type_then_age_order)
{
	struct clusnotify_object_entry e[8];
	uint64_t cursor = 0;
	uint32_t fl = 0;
	int n;

	set_inventory(_metadata, self->nl, self->cid);
	memset(e, CN_POISON, sizeof(e));
	n = list_objects(self->fd, self->cid, CLUSNOTIFY_OBJ_NONE, &cursor, e,
			 ARRAY_SIZE(e), OE_SIZE, &fl);
	ASSERT_EQ(5, n);
	EXPECT_EQ(CLUSNOTIFY_LIST_END, fl);
	EXPECT_NE(0, cursor);
	EXPECT_TRUE(poisoned(&e[5], 3 * OE_SIZE)) TH_LOG("wrote past count");

	EXPECT_EQ(CLUSNOTIFY_OBJ_GROUP, e[0].object_type);
	EXPECT_STREQ("g2", e[0].id);
	EXPECT_STREQ("Group Two", e[0].name);
	EXPECT_STREQ("n2", e[0].parent_id);
	EXPECT_STREQ("", e[0].type_name);
	EXPECT_EQ(2, e[0].state);
	EXPECT_STREQ("g1", e[1].id);
	EXPECT_EQ(CLUSNOTIFY_OBJ_RESOURCE, e[2].object_type);
	EXPECT_STREQ("r1", e[2].id);
	EXPECT_STREQ("IP Address", e[2].type_name);
	EXPECT_STREQ("g1", e[2].parent_id);
	EXPECT_EQ(3, e[2].state);
	EXPECT_EQ(CLUSNOTIFY_OBJ_RESOURCE_TYPE, e[3].object_type);
	EXPECT_EQ(CLUSNOTIFY_OBJ_NODE, e[4].object_type);
	EXPECT_STREQ("n1", e[4].id);
	EXPECT_STREQ("node-one", e[4].name);
	EXPECT_EQ(CLUSNOTIFY_STATE_UNKNOWN, e[4].state);
	/* unused string bytes are zero: no kernel memory leaks out */
	EXPECT_TRUE(zero(e[4].name + 9, sizeof(e[4].name) - 9));

	/* at the end, the cursor stays and nothing more comes */
	memset(e, CN_POISON, sizeof(e));
	n = list_objects(self->fd, self->cid, 0, &cursor, e, 8, OE_SIZE, &fl);
	EXPECT_EQ(0, n);
	EXPECT_EQ(CLUSNOTIFY_LIST_END, fl);
	EXPECT_TRUE(poisoned(e, sizeof(e)));

	/* a replaced object keeps its place and shows its new state */
	{
		const struct cn_object g2 = { CLUSNOTIFY_OBJ_GROUP, "g2", "Group 2",
					      NULL, NULL, true, 4 };

		ASSERT_EQ(0, cn_nl_object_set(self->nl, self->cid, &g2, 1));
	}
	cursor = 0;
	n = list_objects(self->fd, self->cid, 0, &cursor, e, 8, OE_SIZE, &fl);
	ASSERT_EQ(5, n);
	EXPECT_STREQ("g2", e[0].id);
	EXPECT_STREQ("Group 2", e[0].name);
	EXPECT_EQ(4, e[0].state);
}

TEST_F(en, type_filter)
{
	struct clusnotify_object_entry e[8];
	uint64_t cursor = 0;
	uint32_t fl = 0;
	int n;

	set_inventory(_metadata, self->nl, self->cid);
	n = list_objects(self->fd, self->cid, CLUSNOTIFY_OBJ_GROUP, &cursor, e,
			 8, OE_SIZE, &fl);
	ASSERT_EQ(2, n);
	EXPECT_EQ(CLUSNOTIFY_LIST_END, fl);
	EXPECT_STREQ("g2", e[0].id);
	EXPECT_STREQ("g1", e[1].id);

	/* one at a time: END comes with the last entry, not a call later */
	cursor = 0;
	n = list_objects(self->fd, self->cid, CLUSNOTIFY_OBJ_GROUP, &cursor, e,
			 1, OE_SIZE, &fl);
	ASSERT_EQ(1, n);
	EXPECT_EQ(0, fl);
	n = list_objects(self->fd, self->cid, CLUSNOTIFY_OBJ_GROUP, &cursor, e,
			 1, OE_SIZE, &fl);
	ASSERT_EQ(1, n);
	EXPECT_STREQ("g1", e[0].id);
	EXPECT_EQ(CLUSNOTIFY_LIST_END, fl);

	cursor = 0;
	EXPECT_EQ(1, list_objects(self->fd, self->cid, CLUSNOTIFY_OBJ_NODE,
				  &cursor, e, 8, OE_SIZE, &fl));
	cursor = 0;
	EXPECT_EQ(0, list_objects(self->fd, self->cid, CLUSNOTIFY_OBJ_NETWORK,
				  &cursor, e, 8, OE_SIZE, &fl));
	EXPECT_EQ(CLUSNOTIFY_LIST_END, fl);
	EXPECT_EQ(0, cursor);

	/* types that keep no objects, or do not exist */
	cursor = 0;
	EXPECT_EQ(-EINVAL, list_objects(self->fd, self->cid, 0x0e, &cursor, e,
					8, OE_SIZE, &fl));
	EXPECT_EQ(-EINVAL, list_objects(self->fd, self->cid,
					CLUSNOTIFY_OBJ_AFFINITYRULE, &cursor, e,
					8, OE_SIZE, &fl));
	EXPECT_EQ(-EINVAL, list_objects(self->fd, self->cid,
					CLUSNOTIFY_OBJ_MAX + 1, &cursor, e, 8,
					OE_SIZE, &fl));
}

TEST_F(en, cursor_walks_everything_once_in_small_batches)
{
	static struct clusnotify_object_entry e[700];
	char seen[600] = { 0 };
	int calls, i, n, id;

	ASSERT_EQ(0, set_range(self->nl, self->cid, CLUSNOTIFY_OBJ_NODE, "n", 0, 300, 1));
	ASSERT_EQ(0, set_range(self->nl, self->cid, CLUSNOTIFY_OBJ_GROUP, "g", 0, 300, 2));
	n = list_all(self->fd, self->cid, 0, 7, e, ARRAY_SIZE(e), &calls);
	ASSERT_EQ(600, n);
	EXPECT_EQ(86, calls);	/* 600 / 7 rounded up; END with the last */
	for (i = 0; i < n; i++) {
		int grp = e[i].object_type == CLUSNOTIFY_OBJ_GROUP;

		ASSERT_EQ(1, sscanf(e[i].id + 1, "%d", &id));
		ASSERT_TRUE(id >= 0 && id < 300);
		ASSERT_FALSE(seen[grp * 300 + id]++) TH_LOG("%s twice", e[i].id);
		/* groups (2) before nodes (7), each in the order set */
		EXPECT_EQ(i < 300 ? 0 : 300, grp ? 0 : 300);
		EXPECT_EQ(i % 300, id);
	}
}

TEST_F(en, at_most_list_max_per_call)
{
	static struct clusnotify_object_entry e[1000];
	uint64_t cursor = 0;
	uint32_t fl = 0;
	int n;

	ASSERT_EQ(0, set_range(self->nl, self->cid, CLUSNOTIFY_OBJ_NODE, "n", 0, 600, 0));
	memset(e, CN_POISON, sizeof(e));
	n = list_objects(self->fd, self->cid, 0, &cursor, e, 1000, OE_SIZE, &fl);
	ASSERT_EQ(CLUSNOTIFY_LIST_MAX, n);
	EXPECT_EQ(0, fl);
	EXPECT_TRUE(poisoned(&e[CLUSNOTIFY_LIST_MAX], OE_SIZE))
		TH_LOG("wrote past the cap");
	n = list_objects(self->fd, self->cid, 0, &cursor, e, 1000, OE_SIZE, &fl);
	ASSERT_EQ(CLUSNOTIFY_LIST_MAX, n);
	n = list_objects(self->fd, self->cid, 0, &cursor, e, 1000, OE_SIZE, &fl);
	ASSERT_EQ(600 - 2 * CLUSNOTIFY_LIST_MAX, n);
	EXPECT_EQ(CLUSNOTIFY_LIST_END, fl);
}

/*
 * Between calls, remove the object at the cursor, objects not yet returned
 * and objects already returned, and add new ones: every object present
 * throughout comes exactly once, nothing comes twice, nothing comes after
 * its removal.
 */
TEST_F(en, cursor_survives_removal_and_addition_between_calls)
{
	enum { KEEP = 200, CHURN = 200 };
	static struct clusnotify_object_entry e[4];
	char keep_seen[KEEP] = { 0 }, churn_seen[CHURN] = { 0 };
	char gone[CHURN] = { 0 }, fresh_seen[1000] = { 0 }, re_seen[KEEP] = { 0 };
	uint64_t cursor = 0;
	uint32_t fl = 0;
	int i, n, id, next_fresh = 0, calls = 0;
	char buf[CLUSNOTIFY_ID_MAX];

	/* interleaved in insertion order: k0 c0 k1 c1 ... */
	for (i = 0; i < KEEP; i++) {
		ASSERT_EQ(0, set_range(self->nl, self->cid, CLUSNOTIFY_OBJ_GROUP,
				       "k", i, i + 1, 0));
		ASSERT_EQ(0, set_range(self->nl, self->cid, CLUSNOTIFY_OBJ_GROUP,
				       "c", i, i + 1, 0));
	}
	while (!(fl & CLUSNOTIFY_LIST_END)) {
		n = list_objects(self->fd, self->cid, 0, &cursor, e, 3, OE_SIZE, &fl);
		ASSERT_LE(0, n);
		ASSERT_GT(1000, ++calls);
		for (i = 0; i < n; i++) {
			ASSERT_EQ(1, sscanf(e[i].id + 1, "%d", &id));
			ASSERT_TRUE(id >= 0 && id < 1000);
			ASSERT_TRUE(e[i].id[0] == 'f' || id < KEEP);
			switch (e[i].id[0]) {
			case 'k':
				ASSERT_FALSE(keep_seen[id]++) TH_LOG("%s twice", e[i].id);
				break;
			case 'c':
				ASSERT_FALSE(gone[id]) TH_LOG("%s after removal", e[i].id);
				ASSERT_FALSE(churn_seen[id]++) TH_LOG("%s twice", e[i].id);
				break;
			case 'f':
				ASSERT_FALSE(fresh_seen[id]++) TH_LOG("%s twice", e[i].id);
				break;
			case 'r':
				ASSERT_FALSE(re_seen[id]++) TH_LOG("%s twice", e[i].id);
				break;
			default:
				ASSERT_TRUE(false) TH_LOG("unknown %s", e[i].id);
			}
		}
		if (!n || (fl & CLUSNOTIFY_LIST_END))
			continue;
		/* the object at the cursor, whatever it is, goes */
		ASSERT_EQ(0, del_one(self->nl, self->cid, CLUSNOTIFY_OBJ_GROUP,
				     e[n - 1].id));
		if (e[n - 1].id[0] == 'c') {
			ASSERT_EQ(1, sscanf(e[n - 1].id + 1, "%d", &id));
			gone[id] = 1;
		} else if (e[n - 1].id[0] == 'k') {
			/* and comes back under another id, as a new object */
			ASSERT_EQ(1, sscanf(e[n - 1].id + 1, "%d", &id));
			ASSERT_EQ(0, set_range(self->nl, self->cid,
					       CLUSNOTIFY_OBJ_GROUP, "r", id,
					       id + 1, 0));
		}
		/* one churn object ahead of the cursor and one behind go */
		for (id = CHURN - 1; id >= 0; id--) {
			if (!gone[id] && !churn_seen[id]) {
				snprintf(buf, sizeof(buf), "c%d", id);
				ASSERT_EQ(0, del_one(self->nl, self->cid,
						     CLUSNOTIFY_OBJ_GROUP, buf));
				gone[id] = 1;
				break;
			}
		}
		for (id = 0; id < CHURN; id++) {
			if (!gone[id] && churn_seen[id]) {
				snprintf(buf, sizeof(buf), "c%d", id);
				ASSERT_EQ(0, del_one(self->nl, self->cid,
						     CLUSNOTIFY_OBJ_GROUP, buf));
				gone[id] = 1;
				break;
			}
		}
		/* an object not yet returned is replaced: it keeps its place */
		ASSERT_EQ(0, set_range(self->nl, self->cid, CLUSNOTIFY_OBJ_GROUP,
				       "k", KEEP - 1, KEEP, calls));
		/* and two new ones come, in this type and an earlier one */
		ASSERT_GT(999, next_fresh);
		ASSERT_EQ(0, set_range(self->nl, self->cid, CLUSNOTIFY_OBJ_GROUP,
				       "f", next_fresh, next_fresh + 1, 0));
		next_fresh++;
		ASSERT_EQ(0, set_range(self->nl, self->cid, CLUSNOTIFY_OBJ_CLUSTER,
				       "x", next_fresh, next_fresh + 1, 0));
	}
	/* every k once, those removed after they came included */
	for (i = 0; i < KEEP; i++) {
		int times = keep_seen[i];

		EXPECT_EQ(1, times) TH_LOG("k%d seen %d times", i, times);
	}
	/* new objects of this type come after the old ones: all of them */
	for (i = 0; i < next_fresh; i++) {
		int times = fresh_seen[i];

		EXPECT_EQ(1, times) TH_LOG("f%d seen %d times", i, times);
	}
	/* and those of a type already passed (CLUSTER "x") do not */
}

/*
 * A writer adds, replaces and removes objects while a reader enumerates: it
 * toggles "u" objects interleaved with the stable "s" ones (removing some
 * behind the reader's cursor and some ahead, and adding them back as new),
 * adds and removes "t" objects at the end, and replaces "s" objects.
 */
struct churn {
	uint32_t cid;
	bool u_gone[303];
	atomic_bool stop;
	atomic_int rounds;
	int err;
};

static void *churn_thread(void *arg)
{
	struct churn *c = arg;
	struct cn_nl *nl = cn_nl_open();
	char id[CLUSNOTIFY_ID_MAX];
	int i = 0;

	if (!nl) {
		c->err = -errno;
		return NULL;
	}
	while (!atomic_load(&c->stop)) {
		c->err = set_range(nl, c->cid, CLUSNOTIFY_OBJ_RESOURCE, "t", i,
				   i + 4, 0);
		/*
		 * All four of two rounds ago go, so that the count stays put
		 * however fast the writer runs (max_cluster_objects).
		 */
		for (int k = 8; !c->err && i >= 8 && k > 4; k--) {
			snprintf(id, sizeof(id), "t%d", i - k);
			c->err = del_one(nl, c->cid, CLUSNOTIFY_OBJ_RESOURCE, id);
		}
		for (int k = 0; !c->err && k < 2; k++) {
			int u = k ? (i / 4 * 91 + 150) % 303 : (i / 4 * 37) % 303;

			snprintf(id, sizeof(id), "u%d", u);
			if (c->u_gone[u])
				c->err = set_range(nl, c->cid, CLUSNOTIFY_OBJ_RESOURCE,
						   "u", u, u + 1, 0);
			else
				c->err = del_one(nl, c->cid, CLUSNOTIFY_OBJ_RESOURCE, id);
			c->u_gone[u] = !c->u_gone[u];
		}
		/* replacing the stable ones keeps them in place */
		if (!c->err)
			c->err = set_range(nl, c->cid, CLUSNOTIFY_OBJ_RESOURCE,
					   "s", (i * 7) % 300, (i * 7) % 300 + 3, i);
		if (c->err)
			break;
		i += 4;
		atomic_fetch_add(&c->rounds, 1);
	}
	cn_nl_close(nl);
	return NULL;
}

static void wait_rounds(struct churn *c, struct __test_metadata *_metadata)
{
	int r = atomic_load(&c->rounds), i;

	for (i = 0; i < 2000 && atomic_load(&c->rounds) == r && !c->err; i++)
		usleep(1000);
	ASSERT_EQ(0, c->err);
}

/* The debug kernel's KASAN and lockdep slow the writer several-fold. */
TEST_F_TIMEOUT(en, concurrent_writer_never_duplicates_or_hides_stable_objects, 300)
{
	static char ids[606][CLUSNOTIFY_ID_MAX];
	static struct cn_object o[606];
	static struct clusnotify_object_entry e[5];
	struct churn c = { .cid = self->cid };
	pthread_t th;
	int pass, i, n, calls, id, rounds0;

	/* s0 u0 s1 u1 ...: a message sets its objects in its order */
	for (i = 0; i < 303; i++) {
		snprintf(ids[2 * i], sizeof(ids[0]), "s%d", i);
		snprintf(ids[2 * i + 1], sizeof(ids[0]), "u%d", i);
		o[2 * i] = (struct cn_object){ .type = CLUSNOTIFY_OBJ_RESOURCE,
					       .id = ids[2 * i] };
		o[2 * i + 1] = (struct cn_object){ .type = CLUSNOTIFY_OBJ_RESOURCE,
						   .id = ids[2 * i + 1] };
	}
	for (i = 0; i < 606; i += 101)
		ASSERT_EQ(0, cn_nl_object_set(self->nl, self->cid, o + i, 101));
	ASSERT_EQ(0, pthread_create(&th, NULL, churn_thread, &c));
	for (pass = 0; pass < 8; pass++) {
		static char stable[303], temp[1 << 20];
		uint64_t cursor = 0;
		uint32_t fl = 0;

		memset(stable, 0, sizeof(stable));
		memset(temp, 0, sizeof(temp));
		rounds0 = atomic_load(&c.rounds);
		calls = 0;
		while (!(fl & CLUSNOTIFY_LIST_END)) {
			n = list_objects(self->fd, self->cid, CLUSNOTIFY_OBJ_RESOURCE,
					 &cursor, e, ARRAY_SIZE(e), OE_SIZE, &fl);
			ASSERT_LE(0, n);
			ASSERT_GT(100000, ++calls);
			for (i = 0; i < n; i++) {
				ASSERT_EQ(1, sscanf(e[i].id + 1, "%d", &id));
				ASSERT_TRUE(id >= 0 && id < (int)sizeof(temp));
				if (e[i].id[0] == 's') {
					ASSERT_GT(303, id);
					ASSERT_FALSE(stable[id]++) TH_LOG("%s twice", e[i].id);
				} else if (e[i].id[0] == 't') {
					ASSERT_FALSE(temp[id]++) TH_LOG("%s twice", e[i].id);
				}
			}
			/* every few calls, wait for the writer to change things */
			if (calls % 4 == 0)
				wait_rounds(&c, _metadata);
		}
		for (i = 0; i < 303; i++) {
			int times = stable[i];

			ASSERT_EQ(1, times) TH_LOG("pass %d: s%d seen %d times",
						   pass, i, times);
		}
		EXPECT_LT(calls / 8, atomic_load(&c.rounds) - rounds0)
			TH_LOG("pass %d: %d calls, %d writer rounds meanwhile", pass,
			       calls, atomic_load(&c.rounds) - rounds0);
	}
	atomic_store(&c.stop, true);
	pthread_join(th, NULL);
	ASSERT_EQ(0, c.err);
	ASSERT_LT(0, atomic_load(&c.rounds)) TH_LOG("the writer never ran");
}

TEST_F(en, entries_grow_through_entry_size)
{
	unsigned char *buf = malloc(4 * 512);
	struct clusnotify_object_entry *e;
	uint64_t cursor = 0;
	uint32_t fl;
	int i;

	ASSERT_TRUE(buf != NULL);
	set_inventory(_metadata, self->nl, self->cid);
	/* a newer caller's entry: 512 bytes; the tail it knows is zeroed */
	memset(buf, CN_POISON, 4 * 512);
	ASSERT_EQ(4, list_objects(self->fd, self->cid, 0, &cursor, buf, 4, 512, &fl));
	for (i = 0; i < 4; i++) {
		e = (void *)(buf + i * 512);
		EXPECT_NE(0u, e->object_type);
		EXPECT_TRUE(zero(buf + i * 512 + OE_SIZE, 512 - OE_SIZE));
	}
	e = (void *)(buf + 512);
	EXPECT_STREQ("g1", e->id);

	cursor = 0;
	EXPECT_EQ(-EINVAL, list_objects(self->fd, self->cid, 0, &cursor, buf, 1,
					OE_SIZE - 8, &fl));
	EXPECT_EQ(-EINVAL, list_objects(self->fd, self->cid, 0, &cursor, buf, 1,
					OE_SIZE + 4, &fl));
	EXPECT_EQ(-EINVAL, list_objects(self->fd, self->cid, 0, &cursor, buf, 1,
					CLUSNOTIFY_LIST_ENTRY_SIZE_MAX + 8, &fl));
	EXPECT_EQ(-EINVAL, list_objects(self->fd, self->cid, 0, &cursor, buf, 1, 0, &fl));
	free(buf);
}

TEST_F(en, bad_arguments)
{
	struct clusnotify_object_entry e[2];
	struct clusnotify_list_objects a;
	struct {
		struct clusnotify_list_objects a;
		uint64_t tail;
	} big;
	void *ro;

	set_inventory(_metadata, self->nl, self->cid);
#define BASE (struct clusnotify_list_objects){ .size = sizeof(a), \
		.cluster_id = self->cid, .count = 2, .entry_size = OE_SIZE, \
		.entries = (uintptr_t)e }

	a = BASE;
	EXPECT_EQ(0, cn_ioctl(self->fd, CLUSNOTIFY_IOC_LIST_OBJECTS, &a));
	EXPECT_EQ(2u, a.count);
	a = BASE;
	a.flags = 1;
	EXPECT_EQ(-EINVAL, cn_ioctl(self->fd, CLUSNOTIFY_IOC_LIST_OBJECTS, &a));
	a = BASE;
	a.flags = 0x80000000;
	EXPECT_EQ(-EINVAL, cn_ioctl(self->fd, CLUSNOTIFY_IOC_LIST_OBJECTS, &a));
	a = BASE;
	a.reserved = 1;
	EXPECT_EQ(-EINVAL, cn_ioctl(self->fd, CLUSNOTIFY_IOC_LIST_OBJECTS, &a));
	a = BASE;
	a.count = 0;
	EXPECT_EQ(-EINVAL, cn_ioctl(self->fd, CLUSNOTIFY_IOC_LIST_OBJECTS, &a));
	a = BASE;
	a.size = sizeof(a) - 8;
	EXPECT_EQ(-EINVAL, cn_ioctl(self->fd, CLUSNOTIFY_IOC_LIST_OBJECTS, &a));
	/* a cursor whose type byte names no type */
	a = BASE;
	a.cursor = (uint64_t)(CLUSNOTIFY_OBJ_MAX + 1) << 56;
	EXPECT_EQ(-EINVAL, cn_ioctl(self->fd, CLUSNOTIFY_IOC_LIST_OBJECTS, &a));
	a = BASE;
	a.cursor = ~0ULL;
	EXPECT_EQ(-EINVAL, cn_ioctl(self->fd, CLUSNOTIFY_IOC_LIST_OBJECTS, &a));
	a = BASE;
	a.cluster_id = NO_CLUSTER;
	EXPECT_EQ(-ENOENT, cn_ioctl(self->fd, CLUSNOTIFY_IOC_LIST_OBJECTS, &a));

	/* a newer caller's longer struct: zero tail works, else E2BIG */
	memset(&big, 0, sizeof(big));
	big.a = BASE;
	big.a.size = sizeof(big);
	EXPECT_EQ(0, cn_ioctl(self->fd, CLUSNOTIFY_IOC_LIST_OBJECTS, &big));
	EXPECT_EQ(2u, big.a.count);
	big.a = BASE;
	big.a.size = sizeof(big);
	big.tail = 1;
	EXPECT_EQ(-E2BIG, cn_ioctl(self->fd, CLUSNOTIFY_IOC_LIST_OBJECTS, &big));

	/* bad pointers */
	EXPECT_EQ(-EFAULT, cn_ioctl(self->fd, CLUSNOTIFY_IOC_LIST_OBJECTS, NULL));
	EXPECT_EQ(-EFAULT, cn_ioctl(self->fd, CLUSNOTIFY_IOC_LIST_OBJECTS,
				    (void *)16));
	a = BASE;
	a.entries = 0;
	EXPECT_EQ(-EFAULT, cn_ioctl(self->fd, CLUSNOTIFY_IOC_LIST_OBJECTS, &a));
	a = BASE;
	a.entries = ~0ULL - 4096;
	EXPECT_EQ(-EFAULT, cn_ioctl(self->fd, CLUSNOTIFY_IOC_LIST_OBJECTS, &a));
	ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	a = BASE;
	a.entries = (uintptr_t)ro;
	EXPECT_EQ(-EFAULT, cn_ioctl(self->fd, CLUSNOTIFY_IOC_LIST_OBJECTS, &a));
	munmap(ro, 4096);

	/* LIST_CLUSTERS alike */
	{
		struct clusnotify_cluster_entry ce[2];
		struct clusnotify_list_clusters c;
#define CBASE (struct clusnotify_list_clusters){ .size = sizeof(c), \
		.count = 2, .entry_size = CE_SIZE, .entries = (uintptr_t)ce }

		c = CBASE;
		EXPECT_EQ(0, cn_ioctl(self->fd, CLUSNOTIFY_IOC_LIST_CLUSTERS, &c));
		EXPECT_EQ(1u, c.count);
		c = CBASE;
		c.flags = 2;
		EXPECT_EQ(-EINVAL, cn_ioctl(self->fd, CLUSNOTIFY_IOC_LIST_CLUSTERS, &c));
		c = CBASE;
		c.reserved = 1;
		EXPECT_EQ(-EINVAL, cn_ioctl(self->fd, CLUSNOTIFY_IOC_LIST_CLUSTERS, &c));
		c = CBASE;
		c.count = 0;
		EXPECT_EQ(-EINVAL, cn_ioctl(self->fd, CLUSNOTIFY_IOC_LIST_CLUSTERS, &c));
		c = CBASE;
		c.entry_size = CLUSNOTIFY_CLUSTER_ENTRY_SIZE_VER0 - 8;
		EXPECT_EQ(-EINVAL, cn_ioctl(self->fd, CLUSNOTIFY_IOC_LIST_CLUSTERS, &c));
		/* the first version's entries (no epoch) are still served */
		c = CBASE;
		c.entry_size = CLUSNOTIFY_CLUSTER_ENTRY_SIZE_VER0;
		EXPECT_EQ(0, cn_ioctl(self->fd, CLUSNOTIFY_IOC_LIST_CLUSTERS, &c));
		c = CBASE;
		c.cursor = 1ULL << 31;
		EXPECT_EQ(-EINVAL, cn_ioctl(self->fd, CLUSNOTIFY_IOC_LIST_CLUSTERS, &c));
		c = CBASE;
		c.entries = 8;
		EXPECT_EQ(-EFAULT, cn_ioctl(self->fd, CLUSNOTIFY_IOC_LIST_CLUSTERS, &c));
		EXPECT_EQ(-EFAULT, cn_ioctl(self->fd, CLUSNOTIFY_IOC_LIST_CLUSTERS, NULL));
	}
}

TEST_F(en, clusters_by_id_across_calls_while_others_come_and_go)
{
	struct clusnotify_cluster_entry ce[3];
	uint32_t ids[6], extra, fl = 0;
	char names[6][CLUSNOTIFY_CLUSTER_NAME_MAX], xname[CLUSNOTIFY_CLUSTER_NAME_MAX];
	int seen[6] = { 0 }, i, j, n, calls = 0;
	uint64_t cursor = 0;

	set_inventory(_metadata, self->nl, self->cid);
	for (i = 0; i < 6; i++)
		ASSERT_EQ(0, cn_nl_cluster_register(self->nl,
				cn_name(names[i], sizeof(names[i]), "enum-c"), &ids[i]));
	/* the fixture's cluster, with its counters */
	memset(ce, CN_POISON, sizeof(ce));
	n = list_clusters(self->fd, &cursor, ce, 1, &fl);
	ASSERT_EQ(1, n);
	EXPECT_EQ(0, fl);
	EXPECT_EQ(self->cid, ce[0].cluster_id);
	EXPECT_STREQ(self->name, ce[0].name);
	EXPECT_EQ(CLUSNOTIFY_CLUSTER_CONNECTED, ce[0].state);
	EXPECT_EQ(5u, ce[0].objects);
	EXPECT_EQ(0u, ce[0].ports);
	EXPECT_EQ(0u, ce[0].reserved);
	EXPECT_EQ(0u, ce[0].posted);
	EXPECT_EQ(self->cid, cursor);
	EXPECT_TRUE(poisoned(&ce[1], CE_SIZE));

	/* the others one by one, while one is deleted and others come */
	while (!(fl & CLUSNOTIFY_LIST_END)) {
		n = list_clusters(self->fd, &cursor, ce, 1, &fl);
		ASSERT_LE(0, n);
		ASSERT_GT(20, ++calls);
		for (j = 0; j < n; j++)
			for (i = 0; i < 6; i++)
				if (ce[j].cluster_id == ids[i]) {
					EXPECT_STREQ(names[i], ce[j].name);
					seen[i]++;
				}
		if (calls == 1) {
			ASSERT_EQ(0, cn_nl_cluster_unregister(self->nl, ids[3]));
			ASSERT_EQ(0, cn_nl_cluster_register(self->nl,
					cn_name(xname, sizeof(xname), "enum-x"), &extra));
		}
	}
	for (i = 0; i < 6; i++) {
		int times = seen[i];

		EXPECT_EQ(i == 3 ? 0 : 1, times) TH_LOG("cluster %d seen %d times",
							i, times);
	}
}

TEST_F(en, another_namespace_lists_nothing_of_ours)
{
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (!pid) {
		struct clusnotify_cluster_entry ce[4];
		struct clusnotify_object_entry e[4];
		uint64_t cursor = 0;
		uint32_t fl = 0;
		int fd;

		CHILD_CHECK(unshare(CLONE_NEWNET) == 0);
		fd = cn_open(0);
		CHILD_CHECK(fd >= 0);
		CHILD_CHECK(list_clusters(fd, &cursor, ce, 4, &fl) == 0);
		CHILD_CHECK(fl == CLUSNOTIFY_LIST_END);
		cursor = 0;
		CHILD_CHECK(list_objects(fd, self->cid, 0, &cursor, e, 4, OE_SIZE,
					 &fl) == -ENOENT);
		/* the port opened here keeps its namespace after setns */
		_exit(0);
	}
	ASSERT_EQ(0, cn_wait_child(pid));
}

/*
 * A user who may open the device (by its group) but has no capability lists
 * clusters and objects through it. Netlink reads are for admins (the
 * netlink side is asserted in netlink_test).
 */
TEST_F(en, device_user_without_capabilities_lists_inventory)
{
	const gid_t groups[] = { DEV_GID };
	struct stat st;
	pid_t pid;
	int ret;

	set_inventory(_metadata, self->nl, self->cid);
	ASSERT_EQ(0, stat(CN_DEV, &st));
	ASSERT_EQ(0, chown(CN_DEV, -1, DEV_GID));
	ASSERT_EQ(0, chmod(CN_DEV, 0660));
	pid = cn_fork_as(CN_NOBODY, CN_NOBODY, groups, 1);
	if (!pid) {
		struct clusnotify_cluster_entry ce[4];
		struct clusnotify_object_entry e[8];
		uint64_t cursor = 0;
		uint32_t fl = 0;
		int fd, n, i;

		CHILD_CHECK(geteuid() == CN_NOBODY);
		fd = cn_open(0);
		CHILD_CHECK(fd >= 0);
		n = list_clusters(fd, &cursor, ce, 4, &fl);
		CHILD_CHECK(n == 1 && fl == CLUSNOTIFY_LIST_END);
		CHILD_CHECK(ce[0].cluster_id == self->cid);
		CHILD_CHECK(!strcmp(ce[0].name, self->name));
		CHILD_CHECK(ce[0].objects == 5);
		cursor = 0;
		n = list_objects(fd, self->cid, 0, &cursor, e, 8, OE_SIZE, &fl);
		CHILD_CHECK(n == 5 && fl == CLUSNOTIFY_LIST_END);
		for (i = 0; i < n; i++)
			CHILD_CHECK(e[i].id[0]);
		cursor = 0;
		n = list_objects(fd, self->cid, CLUSNOTIFY_OBJ_RESOURCE, &cursor,
				 e, 8, OE_SIZE, &fl);
		CHILD_CHECK(n == 1 && !strcmp(e[0].id, "r1"));
		_exit(0);
	}
	ret = cn_wait_child(pid);
	chmod(CN_DEV, st.st_mode & 07777);
	if (chown(CN_DEV, -1, st.st_gid))
		TH_LOG("could not restore %s's group", CN_DEV);
	ASSERT_LE(0, pid);
	ASSERT_EQ(0, ret);
}

TEST_F(en, shut_down_port_refuses)
{
	struct clusnotify_object_entry e[1];
	uint64_t cursor = 0;

	ASSERT_EQ(0, cn_shutdown(self->fd));
	EXPECT_EQ(-ESHUTDOWN, list_objects(self->fd, self->cid, 0, &cursor, e,
					   1, OE_SIZE, NULL));
}

TEST_HARNESS_MAIN
