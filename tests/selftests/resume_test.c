// SPDX-License-Identifier: GPL-2.0
/*
 * What a consumer needs to resume without loss: the cluster's epoch (in the
 * cluster info and in every record), the marker that ends a cluster's
 * snapshot, and the range of sequence numbers a LOST record reports. And
 * that a reader built against the first record layout still reads the grown
 * one.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>

#include "cn_test.h"
#include "cn_nl.h"
#include "kselftest_harness.h"

#define K1	0x1122334455667788ULL
#define K2	0xfedcba9876543210ULL

FIXTURE(resume) {
	struct cn_nl *nl;
	uint32_t cid;
	int fd;
	char name[CLUSNOTIFY_CLUSTER_NAME_MAX];
	char saved_limit[32];
	char saved_journal[32];
	unsigned char *buf;
	struct cn_rec rec[2048];
};

FIXTURE_SETUP(resume)
{
	ASSERT_EQ(0, cn_private_netns());
	self->fd = -1;
	ASSERT_EQ(0, cn_param_get("max_queued_events", self->saved_limit,
				  sizeof(self->saved_limit)));
	ASSERT_EQ(0, cn_param_get("max_journal_events", self->saved_journal,
				  sizeof(self->saved_journal)));
	self->buf = malloc(CN_BUF * 4);
	ASSERT_TRUE(self->buf != NULL);
	self->nl = cn_nl_open();
	ASSERT_TRUE(self->nl != NULL);
	ASSERT_EQ(0, cn_nl_cluster_register(self->nl,
			cn_name(self->name, sizeof(self->name), "resume"), &self->cid));
	self->fd = cn_open(0);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(resume)
{
	if (self->fd >= 0)
		close(self->fd);
	cn_param_set("max_queued_events", self->saved_limit);
	cn_param_set("max_journal_events", self->saved_journal);
	if (self->nl && self->cid)
		cn_nl_cluster_unregister(self->nl, self->cid);
	cn_nl_close(self->nl);
	free(self->buf);
}

#define READ_ALL(self) \
	cn_read_all((self)->fd, (self)->buf, CN_BUF * 4, (self)->rec, \
		    ARRAY_SIZE((self)->rec), 0)

static uint64_t get_epoch(struct __test_metadata *_metadata, int fd,
			  const char *name)
{
	struct clusnotify_cluster_info ci;

	EXPECT_EQ(0, cn_get_cluster(fd, name, &ci));
	EXPECT_NE(0ULL, ci.epoch);
	EXPECT_NE(CN_POISON64, ci.epoch);
	return ci.epoch;
}

static uint64_t list_epoch(struct __test_metadata *_metadata, int fd,
			   uint32_t cid)
{
	struct clusnotify_cluster_entry e[64];
	struct clusnotify_list_clusters a = {
		.size = sizeof(a), .count = 64, .entry_size = sizeof(e[0]),
		.entries = (uint64_t)(uintptr_t)e,
	};
	uint32_t i;

	memset(e, CN_POISON, sizeof(e));
	EXPECT_EQ(0, cn_ioctl(fd, CLUSNOTIFY_IOC_LIST_CLUSTERS, &a));
	for (i = 0; i < a.count; i++)
		if (e[i].cluster_id == cid)
			return e[i].epoch;
	return 0;
}

/* A string of @size - 1 bytes @c, the longest its bound allows. */
static void longest(char *s, size_t size, char c)
{
	memset(s, c, size - 1);
	s[size - 1] = 0;
}

/* ---------------------------------------------------------------- epoch */

TEST_F(resume, epoch_kept_across_reconnect_new_when_recreated)
{
	struct cn_cluster c;
	uint64_t e1, e2;
	uint32_t id;
	int i, n;

	e1 = get_epoch(_metadata, self->fd, self->name);
	ASSERT_EQ(0, cn_nl_cluster_get(self->nl, self->cid, NULL, &c));
	EXPECT_EQ(e1, c.epoch);
	EXPECT_EQ(e1, list_epoch(_metadata, self->fd, self->cid));

	ASSERT_EQ(0, cn_add_filter(self->fd, self->cid, K1, CLUSNOTIFY_OBJ_GROUP,
				   CLUSNOTIFY_GROUP_STATE));
	/* The cluster's own STATE and RECONNECT come to filters that ask. */
	ASSERT_EQ(0, cn_add_filter(self->fd, self->cid, K1, CLUSNOTIFY_OBJ_CLUSTER,
				   CLUSNOTIFY_CLUSTER_STATE | CLUSNOTIFY_CLUSTER_RECONNECT));
	ASSERT_EQ(0, cn_nl_post1(self->nl, self->cid, CLUSNOTIFY_OBJ_GROUP,
				 CLUSNOTIFY_GROUP_STATE, "g1"));

	/* The owner goes and comes back: same cluster, same epoch. */
	cn_nl_close(self->nl);
	self->nl = cn_nl_open();
	ASSERT_TRUE(self->nl != NULL);
	ASSERT_EQ(0, cn_nl_cluster_register(self->nl, self->name, &id));
	ASSERT_EQ(self->cid, id);
	EXPECT_EQ(e1, get_epoch(_metadata, self->fd, self->name));
	ASSERT_EQ(0, cn_nl_post1(self->nl, self->cid, CLUSNOTIFY_OBJ_GROUP,
				 CLUSNOTIFY_GROUP_STATE, "g1"));

	/* event, DISCONNECTED, RECONNECT, event: every one with e1 */
	n = READ_ALL(self);
	ASSERT_EQ(4, n);
	for (i = 0; i < n; i++) {
		EXPECT_EQ((uint16_t)sizeof(struct clusnotify_record),
			  self->rec[i].h.hdr_len);
		EXPECT_EQ(e1, self->rec[i].h.epoch) TH_LOG("record %d", i);
		EXPECT_EQ(0ULL, self->rec[i].h.range_first);
		EXPECT_EQ(0ULL, self->rec[i].h.range_last);
	}
	EXPECT_EQ(CLUSNOTIFY_CLUSTER_RECONNECT, self->rec[2].h.filter_flag);

	/* Made again: a new epoch. */
	ASSERT_EQ(0, cn_nl_cluster_unregister(self->nl, self->cid));
	ASSERT_EQ(0, cn_nl_cluster_register(self->nl, self->name, &self->cid));
	e2 = get_epoch(_metadata, self->fd, self->name);
	EXPECT_NE(e1, e2);
	EXPECT_EQ(e2, list_epoch(_metadata, self->fd, self->cid));
	ASSERT_EQ(0, cn_nl_cluster_get(self->nl, self->cid, NULL, &c));
	EXPECT_EQ(e2, c.epoch);
}

/* A caller of the first cluster_info (96 bytes) gets nothing past it. */
TEST_F(resume, cluster_info_of_the_first_size_gets_no_epoch)
{
	struct clusnotify_cluster_info ci;

	memset(&ci, CN_POISON, sizeof(ci));
	ci.size = CLUSNOTIFY_CLUSTER_INFO_SIZE_VER0;
	ci.flags = 0;
	ci.reserved = 0;
	memset(ci.name, 0, sizeof(ci.name));
	strcpy(ci.name, self->name);
	ASSERT_EQ(0, cn_ioctl(self->fd, CLUSNOTIFY_IOC_GET_CLUSTER, &ci));
	EXPECT_EQ(self->cid, ci.cluster_id);
	EXPECT_EQ(CN_POISON64, ci.epoch);
}

/*
 * The record header as the first header published it: a reader built
 * against it finds strings at hdr_len and the payload at payload_off, and
 * needs no more than CLUSNOTIFY_RECORD_MAX of that header.
 */
struct record_v0 {
	uint32_t len;
	uint16_t hdr_len;
	uint16_t flags;
	uint32_t object_type;
	uint32_t cluster_id;
	uint64_t filter_flag;
	uint64_t key;
	uint64_t seq;
	uint64_t timestamp_ns;
	uint16_t id_len;
	uint16_t parent_len;
	uint16_t name_len;
	uint16_t type_len;
	uint32_t payload_off;
	uint32_t payload_len;
};
_Static_assert(sizeof(struct record_v0) == CLUSNOTIFY_RECORD_HDR_VER0, "v0");
#define RECORD_MAX_V0 (((64 + 64 * 2 + 256 + 64 + 8 + 4096) + 7) & ~7)

TEST_F(resume, reader_of_the_first_layout_reads_the_grown_records)
{
	static unsigned char payload[CLUSNOTIFY_PAYLOAD_MAX];
	char id[CLUSNOTIFY_ID_MAX], parent[CLUSNOTIFY_ID_MAX];
	char name[CLUSNOTIFY_NAME_MAX], type_name[CLUSNOTIFY_TYPE_NAME_MAX];
	struct cn_event ev = {
		.type = CLUSNOTIFY_OBJ_RESOURCE,
		.flag = CLUSNOTIFY_RESOURCE_PRIVATE_PROPERTY,
		.id = id, .parent = parent, .name = name, .type_name = type_name,
		.payload = payload,
	};
	unsigned char *buf;
	struct record_v0 h;
	const char *s;
	size_t room;
	ssize_t n;

	ASSERT_EQ(RECORD_MAX_V0, CLUSNOTIFY_RECORD_MAX);
	longest(id, sizeof(id), 'i');
	longest(parent, sizeof(parent), 'p');
	longest(name, sizeof(name), 'n');
	longest(type_name, sizeof(type_name), 't');
	for (n = 0; n < (ssize_t)sizeof(payload); n++)
		payload[n] = n * 7;

	ASSERT_EQ(0, cn_add_filter(self->fd, self->cid, K1, CLUSNOTIFY_OBJ_RESOURCE,
				   CLUSNOTIFY_RESOURCE_PRIVATE_PROPERTY));
	/* Longest strings: the largest payload that keeps the record in bound. */
	room = RECORD_MAX_V0 - ((sizeof(struct clusnotify_record) +
				 63 + 63 + 255 + 63 + 5 + 7) & ~7);
	ev.payload_len = room + 1;
	EXPECT_EQ(-EINVAL, cn_nl_post(self->nl, self->cid, &ev, 1, NULL));
	ev.payload_len = room;
	ASSERT_EQ(0, cn_nl_post(self->nl, self->cid, &ev, 1, NULL));

	buf = malloc(RECORD_MAX_V0);
	ASSERT_TRUE(buf != NULL);
	n = read(self->fd, buf, RECORD_MAX_V0);
	ASSERT_EQ(RECORD_MAX_V0, n) TH_LOG("read: %s", strerror(errno));
	memcpy(&h, buf, sizeof(h));
	EXPECT_EQ((uint32_t)n, h.len);
	EXPECT_LE(sizeof(h), h.hdr_len);
	EXPECT_EQ(self->cid, h.cluster_id);
	EXPECT_EQ(K1, h.key);
	s = (const char *)buf + h.hdr_len;
	EXPECT_EQ(63, h.id_len);
	EXPECT_STREQ(id, s);
	s += h.id_len + 1;
	EXPECT_STREQ(parent, s);
	s += h.parent_len + 1;
	EXPECT_STREQ(name, s);
	s += h.name_len + 1;
	EXPECT_STREQ(type_name, s);
	ASSERT_EQ(room, h.payload_len);
	EXPECT_EQ(0, memcmp(buf + h.payload_off, payload, room));
	free(buf);
}

/* Strings the registry fills in count toward the bound too. */
TEST_F(resume, registry_strings_count_toward_record_max)
{
	static unsigned char payload[CLUSNOTIFY_PAYLOAD_MAX];
	char id[CLUSNOTIFY_ID_MAX], tname[CLUSNOTIFY_TYPE_NAME_MAX];
	char parent[CLUSNOTIFY_ID_MAX], name[CLUSNOTIFY_NAME_MAX];
	const struct cn_object obj = {
		CLUSNOTIFY_OBJ_RESOURCE, id, name, parent, tname, false, 0,
	};
	struct cn_event ev = {
		.type = CLUSNOTIFY_OBJ_RESOURCE,
		.flag = CLUSNOTIFY_RESOURCE_PRIVATE_PROPERTY,
		.id = id, .payload = payload, .payload_len = sizeof(payload),
	};
	struct cn_cluster c, c2;

	longest(id, sizeof(id), 'i');
	longest(tname, sizeof(tname), 't');
	longest(parent, sizeof(parent), 'p');
	longest(name, sizeof(name), 'n');
	ASSERT_EQ(0, cn_add_filter(self->fd, self->cid, K1, CLUSNOTIFY_OBJ_RESOURCE,
				   CLUSNOTIFY_RESOURCE_PRIVATE_PROPERTY));
	/* Without the object the record is small enough. */
	ASSERT_EQ(0, cn_nl_post(self->nl, self->cid, &ev, 1, NULL));
	ASSERT_EQ(0, cn_nl_object_set(self->nl, self->cid, &obj, 1));
	ASSERT_EQ(0, cn_nl_cluster_get(self->nl, self->cid, NULL, &c));
	EXPECT_EQ(-EINVAL, cn_nl_post(self->nl, self->cid, &ev, 1, NULL));
	/* Nothing posted, no number taken. */
	ASSERT_EQ(0, cn_nl_cluster_get(self->nl, self->cid, NULL, &c2));
	EXPECT_EQ(c.seq, c2.seq);
	EXPECT_EQ(1, READ_ALL(self));
}

/* ----------------------------------------------------- end of snapshot */

static const struct clusnotify_record *
marker_of(struct __test_metadata *_metadata, const struct cn_rec *r)
{
	const uint16_t f = CLUSNOTIFY_RECORD_SNAPSHOT | CLUSNOTIFY_RECORD_SYNTHETIC |
			   CLUSNOTIFY_RECORD_SNAPSHOT_END;

	if (!(r->h.flags & CLUSNOTIFY_RECORD_SNAPSHOT_END))
		return NULL;
	EXPECT_EQ(f, r->h.flags);
	EXPECT_EQ((uint32_t)CLUSNOTIFY_OBJ_CLUSTER, r->h.object_type);
	EXPECT_EQ(0ULL, r->h.filter_flag);
	EXPECT_EQ(0u, r->h.payload_len);
	return &r->h;
}

TEST_F(resume, snapshot_ends_with_a_marker_per_cluster)
{
	const struct cn_object objs[] = {
		{ CLUSNOTIFY_OBJ_GROUP, "g1", "G1", NULL, NULL, true, 1 },
		{ CLUSNOTIFY_OBJ_GROUP, "g2", "G2", NULL, NULL, true, 2 },
	};
	char name2[CLUSNOTIFY_CLUSTER_NAME_MAX];
	const struct clusnotify_record *m;
	struct cn_cluster c;
	uint32_t c2;
	int n;

	ASSERT_EQ(0, cn_nl_object_set(self->nl, self->cid, objs, 2));
	ASSERT_EQ(0, cn_nl_post_state(self->nl, self->cid, CLUSNOTIFY_OBJ_GROUP,
				      CLUSNOTIFY_GROUP_STATE, "g1", 3));
	ASSERT_EQ(0, cn_nl_cluster_register(self->nl,
			cn_name(name2, sizeof(name2), "resume2"), &c2));
	/* No port, no filter: nothing queued, no marker. */
	ASSERT_EQ(0, cn_snapshot(self->fd));
	EXPECT_EQ(0, READ_ALL(self));

	ASSERT_EQ(0, cn_add_filter(self->fd, self->cid, K1, CLUSNOTIFY_OBJ_GROUP,
				   CLUSNOTIFY_GROUP_STATE));
	/* A cluster watched for no STATE: only its marker. */
	ASSERT_EQ(0, cn_add_filter(self->fd, c2, K2, CLUSNOTIFY_OBJ_NODE,
				   CLUSNOTIFY_NODE_DELETED));
	ASSERT_EQ(0, cn_snapshot(self->fd));
	n = READ_ALL(self);
	ASSERT_EQ(4, n);
	EXPECT_STREQ("g1", self->rec[0].id);
	EXPECT_EQ(3u, cn_rec_u32(&self->rec[0]));
	EXPECT_STREQ("g2", self->rec[1].id);
	EXPECT_EQ(NULL, marker_of(_metadata, &self->rec[0]));
	m = marker_of(_metadata, &self->rec[2]);
	ASSERT_NE(NULL, m);
	ASSERT_EQ(0, cn_nl_cluster_get(self->nl, self->cid, NULL, &c));
	EXPECT_EQ(self->cid, m->cluster_id);
	EXPECT_EQ(c.seq, m->seq);
	EXPECT_EQ(c.epoch, m->epoch);
	EXPECT_EQ(K1, m->key);
	EXPECT_STREQ(self->name, self->rec[2].name);
	m = marker_of(_metadata, &self->rec[3]);
	ASSERT_NE(NULL, m);
	EXPECT_EQ(c2, m->cluster_id);
	EXPECT_EQ(K2, m->key);
	EXPECT_EQ(0ULL, m->seq);
	cn_nl_cluster_unregister(self->nl, c2);
}

/* ------------------------------------------------------------- LOST */

static void expect_lost(struct __test_metadata *_metadata,
			const struct cn_rec *r, uint32_t cid, uint64_t epoch,
			uint64_t key, uint64_t count, uint64_t first,
			uint64_t last)
{
	EXPECT_TRUE(!!(r->h.flags & CLUSNOTIFY_RECORD_LOST));
	EXPECT_EQ(CLUSNOTIFY_CLUSTER_LOST_NOTIFICATIONS, r->h.filter_flag);
	EXPECT_EQ(cid, r->h.cluster_id);
	EXPECT_EQ(epoch, r->h.epoch);
	EXPECT_EQ(key, r->h.key);
	ASSERT_EQ(8u, r->h.payload_len);
	EXPECT_EQ(count, cn_rec_u64(r));
	EXPECT_EQ(first, r->h.range_first);
	EXPECT_EQ(last, r->h.range_last);
}

/*
 * Each cluster's losses get their own LOST record, in the order of their
 * first loss, with the first and last sequence number lost: for the first
 * cluster, mostly counted without the port's lock.
 */
TEST_F(resume, lost_records_carry_each_clusters_range)
{
	char name2[CLUSNOTIFY_CLUSTER_NAME_MAX];
	struct clusnotify_port_stats st;
	struct cn_cluster a, b;
	uint64_t s, s2_first = 0, s2_last = 0, s1_first = 0, s1_last = 0;
	uint32_t c2;
	int i, n;

	ASSERT_EQ(0, cn_nl_cluster_register(self->nl,
			cn_name(name2, sizeof(name2), "resume2"), &c2));
	ASSERT_EQ(0, cn_param_set("max_queued_events", "2"));
	close(self->fd);
	self->fd = cn_open(0);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, cn_add_filter(self->fd, self->cid, K1, CLUSNOTIFY_OBJ_GROUP,
				   CLUSNOTIFY_GROUP_STATE));
	ASSERT_EQ(0, cn_add_filter(self->fd, c2, K2, CLUSNOTIFY_OBJ_GROUP,
				   CLUSNOTIFY_GROUP_STATE));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, cn_nl_post1(self->nl, self->cid, CLUSNOTIFY_OBJ_GROUP,
					 CLUSNOTIFY_GROUP_STATE, "g"));
	/* full now: c2 loses 3, c1 loses 2, c2 loses 1 more */
	for (i = 0; i < 3; i++) {
		struct cn_event ev = { .type = CLUSNOTIFY_OBJ_GROUP,
				       .flag = CLUSNOTIFY_GROUP_STATE, .id = "g" };

		ASSERT_EQ(0, cn_nl_post(self->nl, c2, &ev, 1, &s));
		s2_first = s2_first ?: s;
		s2_last = s;
	}
	for (i = 0; i < 2; i++) {
		struct cn_event ev = { .type = CLUSNOTIFY_OBJ_GROUP,
				       .flag = CLUSNOTIFY_GROUP_STATE, .id = "g" };

		ASSERT_EQ(0, cn_nl_post(self->nl, self->cid, &ev, 1, &s));
		s1_first = s1_first ?: s;
		s1_last = s;
	}
	{
		struct cn_event ev = { .type = CLUSNOTIFY_OBJ_GROUP,
				       .flag = CLUSNOTIFY_GROUP_STATE, .id = "g" };

		ASSERT_EQ(0, cn_nl_post(self->nl, c2, &ev, 1, &s2_last));
	}
	ASSERT_EQ(0, cn_stats(self->fd, &st));
	EXPECT_EQ(6ULL, st.lost);
	EXPECT_EQ(st.matched, st.delivered + st.lost);

	ASSERT_EQ(0, cn_nl_cluster_get(self->nl, self->cid, NULL, &a));
	ASSERT_EQ(0, cn_nl_cluster_get(self->nl, c2, NULL, &b));
	n = READ_ALL(self);
	ASSERT_EQ(4, n);
	EXPECT_EQ(a.epoch, self->rec[0].h.epoch);
	expect_lost(_metadata, &self->rec[2], c2, b.epoch, K2, 4, s2_first,
		    s2_last);
	expect_lost(_metadata, &self->rec[3], self->cid, a.epoch, K1, 2,
		    s1_first, s1_last);
	ASSERT_EQ(0, cn_stats(self->fd, &st));
	EXPECT_EQ(4ULL, st.read);
	cn_nl_cluster_unregister(self->nl, c2);
}

/* ---------------------------------------------------------- the journal */

static uint64_t post_n(struct __test_metadata *_metadata, struct cn_nl *nl,
		       uint32_t cid, int n)
{
	uint64_t seq = 0;
	int i;

	for (i = 0; i < n; i++) {
		struct cn_event ev = { .type = CLUSNOTIFY_OBJ_GROUP,
				       .flag = CLUSNOTIFY_GROUP_STATE, .id = "g" };

		EXPECT_EQ(0, cn_nl_post(nl, cid, &ev, 1, &seq));
	}
	return seq;
}

static void expect_gap(struct __test_metadata *_metadata,
		       const struct cn_rec *r, uint32_t cid, uint64_t epoch,
		       uint64_t key, uint64_t first, uint64_t last)
{
	EXPECT_EQ(CLUSNOTIFY_RECORD_GAP | CLUSNOTIFY_RECORD_SYNTHETIC, r->h.flags);
	EXPECT_EQ((uint32_t)CLUSNOTIFY_OBJ_CLUSTER, r->h.object_type);
	EXPECT_EQ(0ULL, r->h.filter_flag);
	EXPECT_EQ(cid, r->h.cluster_id);
	EXPECT_EQ(epoch, r->h.epoch);
	EXPECT_EQ(key, r->h.key);
	EXPECT_EQ(last, r->h.seq);
	EXPECT_EQ(first, r->h.range_first);
	EXPECT_EQ(last, r->h.range_last);
	EXPECT_EQ(0u, r->h.payload_len);
}

/*
 * The journal reaches back 8 events: a resume after any of them gets the
 * rest, then live; one before gets exactly one GAP of what it cannot have,
 * then live; one from the future is refused and adds nothing.
 */
TEST_F(resume, resume_from_the_journal_or_one_gap)
{
	char name2[CLUSNOTIFY_CLUSTER_NAME_MAX];
	struct clusnotify_port_stats st;
	struct cn_cluster c;
	int a, g, l, n, i;
	uint64_t e, last;
	uint32_t c2;

	ASSERT_EQ(0, cn_param_set("max_journal_events", "8"));
	ASSERT_EQ(0, cn_nl_cluster_register(self->nl,
			cn_name(name2, sizeof(name2), "journal"), &c2));
	e = get_epoch(_metadata, self->fd, name2);
	last = post_n(_metadata, self->nl, c2, 20);
	ASSERT_EQ(0, cn_nl_cluster_get(self->nl, c2, NULL, &c));
	EXPECT_EQ(8u, c.journal_events);
	EXPECT_EQ(last - 7, c.journal_first);
	EXPECT_LT(0ULL, c.journal_bytes);

	a = cn_open(0);
	g = cn_open(0);
	l = cn_open(0);
	ASSERT_LE(0, a);
	ASSERT_LE(0, g);
	ASSERT_LE(0, l);
	ASSERT_EQ(0, cn_add_filter_since(a, c2, K1, CLUSNOTIFY_OBJ_GROUP,
					 CLUSNOTIFY_GROUP_STATE, e, last - 8));
	ASSERT_EQ(0, cn_add_filter_since(g, c2, K2, CLUSNOTIFY_OBJ_GROUP,
					 CLUSNOTIFY_GROUP_STATE, e, last - 9));
	ASSERT_EQ(0, cn_add_filter_since(l, c2, K1, CLUSNOTIFY_OBJ_GROUP,
					 CLUSNOTIFY_GROUP_STATE, e, last));
	/* from the future: refused, nothing added */
	EXPECT_EQ(-EINVAL, cn_add_filter_since(self->fd, c2, K1, CLUSNOTIFY_OBJ_GROUP,
					       CLUSNOTIFY_GROUP_STATE, e, last + 1));
	ASSERT_EQ(0, cn_stats(self->fd, &st));
	EXPECT_EQ(0u, st.filters);
	EXPECT_EQ(0u, st.clusters);
	EXPECT_EQ(last + 1, post_n(_metadata, self->nl, c2, 1));

	n = cn_read_all(a, self->buf, CN_BUF * 4, self->rec, ARRAY_SIZE(self->rec), 0);
	ASSERT_EQ(9, n);
	for (i = 0; i < n; i++) {
		EXPECT_EQ(last - 7 + i, self->rec[i].h.seq);
		EXPECT_EQ(0, self->rec[i].h.flags);
		EXPECT_EQ(K1, self->rec[i].h.key);
		EXPECT_EQ(e, self->rec[i].h.epoch);
	}
	n = cn_read_all(g, self->buf, CN_BUF * 4, self->rec, ARRAY_SIZE(self->rec), 0);
	ASSERT_EQ(2, n);
	expect_gap(_metadata, &self->rec[0], c2, e, K2, last - 8, last);
	EXPECT_EQ(last + 1, self->rec[1].h.seq);
	n = cn_read_all(l, self->buf, CN_BUF * 4, self->rec, ARRAY_SIZE(self->rec), 0);
	ASSERT_EQ(1, n);
	EXPECT_EQ(last + 1, self->rec[0].h.seq);
	close(a);
	close(g);
	close(l);
	cn_nl_cluster_unregister(self->nl, c2);
}

/* A cluster made again has a new epoch: a resume in the old one is a GAP. */
TEST_F(resume, resume_with_a_stale_epoch_names_the_new_one)
{
	uint64_t old, e, last;
	int n;

	old = get_epoch(_metadata, self->fd, self->name);
	post_n(_metadata, self->nl, self->cid, 5);
	ASSERT_EQ(0, cn_nl_cluster_unregister(self->nl, self->cid));
	ASSERT_EQ(0, cn_nl_cluster_register(self->nl, self->name, &self->cid));
	e = get_epoch(_metadata, self->fd, self->name);
	ASSERT_NE(old, e);
	last = post_n(_metadata, self->nl, self->cid, 3);
	ASSERT_EQ(0, cn_add_filter_since(self->fd, self->cid, K2, CLUSNOTIFY_OBJ_GROUP,
					 CLUSNOTIFY_GROUP_STATE, old, 5));
	n = READ_ALL(self);
	ASSERT_EQ(1, n);
	expect_gap(_metadata, &self->rec[0], self->cid, e, K2, 1, last);
}

/* All or none: a resume the queue cannot take adds nothing. */
TEST_F(resume, resume_that_does_not_fit_adds_nothing)
{
	struct clusnotify_port_stats st;
	uint64_t e = get_epoch(_metadata, self->fd, self->name);

	post_n(_metadata, self->nl, self->cid, 10);
	ASSERT_EQ(0, cn_param_set("max_queued_events", "4"));
	close(self->fd);
	self->fd = cn_open(0);
	ASSERT_LE(0, self->fd);
	EXPECT_EQ(-ENOBUFS, cn_add_filter_since(self->fd, self->cid, K1,
						CLUSNOTIFY_OBJ_GROUP,
						CLUSNOTIFY_GROUP_STATE, e, 0));
	ASSERT_EQ(0, cn_stats(self->fd, &st));
	EXPECT_EQ(0u, st.filters);
	EXPECT_EQ(0ULL, st.queued);
	EXPECT_EQ(0ULL, st.lost);
	EXPECT_EQ(0, cn_add_filter_since(self->fd, self->cid, K1,
					 CLUSNOTIFY_OBJ_GROUP,
					 CLUSNOTIFY_GROUP_STATE, e, 7));
	EXPECT_EQ(3, READ_ALL(self));
}

TEST_F(resume, since_fields_need_the_flag_and_unknown_flags_are_refused)
{
	struct clusnotify_filter f = { .object_type = CLUSNOTIFY_OBJ_GROUP,
				       .flags = CLUSNOTIFY_GROUP_STATE };
	struct clusnotify_add_filters a = {
		.size = sizeof(a), .cluster_id = self->cid, .count = 1,
		.key = K1, .filters = (uint64_t)(uintptr_t)&f,
	};
	struct clusnotify_port_stats st;

	a.since_seq = 1;
	EXPECT_EQ(-EINVAL, cn_ioctl(self->fd, CLUSNOTIFY_IOC_ADD_FILTERS, &a));
	a.since_seq = 0;
	a.since_epoch = 1;
	EXPECT_EQ(-EINVAL, cn_ioctl(self->fd, CLUSNOTIFY_IOC_ADD_FILTERS, &a));
	a.since_epoch = 0;
	a.flags = 2;
	EXPECT_EQ(-EINVAL, cn_ioctl(self->fd, CLUSNOTIFY_IOC_ADD_FILTERS, &a));
	ASSERT_EQ(0, cn_stats(self->fd, &st));
	EXPECT_EQ(0u, st.filters);
	/* the first version's 32 bytes: no resume, as before */
	a.flags = 0;
	a.size = CLUSNOTIFY_ADD_FILTERS_SIZE_VER0;
	a.since_seq = 99;	/* past its size: not read */
	EXPECT_EQ(0, cn_ioctl(self->fd, CLUSNOTIFY_IOC_ADD_FILTERS, &a));
	ASSERT_EQ(0, cn_stats(self->fd, &st));
	EXPECT_EQ(1u, st.filters);
}

struct steady {
	uint32_t cid;
	int total;
	atomic_int posted;
	int err;
};

static void *steady_poster(void *arg)
{
	struct steady *p = arg;
	struct cn_nl *nl = cn_nl_open();
	int i;

	if (!nl) {
		p->err = -errno;
		return NULL;
	}
	for (i = 0; i < p->total && !p->err; i++) {
		p->err = cn_nl_post1(nl, p->cid, CLUSNOTIFY_OBJ_GROUP,
				     CLUSNOTIFY_GROUP_STATE, "g1");
		atomic_fetch_add(&p->posted, 1);
	}
	cn_nl_close(nl);
	return NULL;
}

/* The complete lines of the resume file: the sequence numbers handled. */
static int handled(const char *path, uint64_t *seqs, int max)
{
	char line[64];
	int n = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return -errno;
	while (n < max && fgets(line, sizeof(line), f))
		if (strchr(line, '\n'))
			seqs[n++] = strtoull(line, NULL, 10);
	fclose(f);
	return n;
}

#define STEADY	3000

/*
 * A consumer writes down each sequence number it handles; it is killed
 * mid-stream while a poster keeps posting; a new one resumes from its file:
 * across both, every event is handled exactly once, in order.
 */
TEST_F_TIMEOUT(resume, resume_exactly_once_across_a_killed_consumer, 300)
{
	static uint64_t seqs[STEADY + 16];
	char path[] = "/tmp/cn-resume-XXXXXX";
	struct steady p = { .cid = self->cid, .total = STEADY };
	int out, ready[2], n, m, i, k;
	uint64_t e, s0, last;
	struct cn_cluster c;
	pthread_t t;
	pid_t pid;
	char b;

	e = get_epoch(_metadata, self->fd, self->name);
	/* room for all: a loss would be a LOST record, not this test's point */
	ASSERT_EQ(0, cn_param_set("max_queued_events", "16384"));
	close(self->fd);
	self->fd = cn_open(0);
	ASSERT_LE(0, self->fd);
	out = mkstemp(path);
	ASSERT_LE(0, out);
	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, cn_nl_cluster_get(self->nl, self->cid, NULL, &c));
	s0 = c.seq;
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int fd = cn_open(0);

		if (fd < 0 || cn_add_filter(fd, self->cid, K1, CLUSNOTIFY_OBJ_GROUP,
					    CLUSNOTIFY_GROUP_STATE))
			_exit(2);
		if (write(ready[1], "r", 1) != 1)
			_exit(3);
		for (;;) {
			n = cn_read(fd, self->buf, self->rec, ARRAY_SIZE(self->rec), -1);
			if (n < 0)
				_exit(4);
			for (i = 0; i < n; i++)
				dprintf(out, "%llu\n",
					(unsigned long long)self->rec[i].h.seq);
		}
	}
	ASSERT_EQ(1, read(ready[0], &b, 1));
	ASSERT_EQ(0, pthread_create(&t, NULL, steady_poster, &p));
	for (i = 0; i < 100000 && handled(path, seqs, 50) < 50 && !p.err; i++)
		usleep(1000);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	n = handled(path, seqs, STEADY);
	ASSERT_LE(1, n);
	TH_LOG("killed after %d handled, %d posted", n, atomic_load(&p.posted));

	/* The restarted consumer: a new port, from the file's last line. */
	ASSERT_EQ(0, cn_add_filter_since(self->fd, self->cid, K1, CLUSNOTIFY_OBJ_GROUP,
					 CLUSNOTIFY_GROUP_STATE, e, seqs[n - 1]));
	pthread_join(t, NULL);
	ASSERT_EQ(0, p.err);
	for (m = n; m < STEADY + 16;) {
		k = cn_read(self->fd, self->buf, self->rec, ARRAY_SIZE(self->rec), 0);
		ASSERT_LE(0, k);
		if (!k)
			break;
		for (i = 0; i < k && m < STEADY + 16; i++) {
			EXPECT_EQ(0, self->rec[i].h.flags);
			seqs[m++] = self->rec[i].h.seq;
		}
	}
	ASSERT_EQ(0, cn_nl_cluster_get(self->nl, self->cid, NULL, &c));
	last = c.seq;
	EXPECT_EQ(s0 + STEADY, last);
	ASSERT_EQ((int)(last - s0), m) TH_LOG("%d handled, %d after the resume", n, m - n);
	for (i = 0; i < m; i++)
		ASSERT_EQ(s0 + 1 + i, seqs[i]) TH_LOG("event %d", i);
	close(out);
	unlink(path);
}

/*
 * The GAP record's room is reserved before it is built: for every length of
 * the cluster's name modulo 8, what was charged is what is queued (a
 * mismatch leaves the user's queued bytes uneven: the kernel warns when the
 * port goes, and the run fails on the splat).
 */
TEST_F(resume, gap_of_every_name_length_is_charged_what_it_takes)
{
	char name[CLUSNOTIFY_CLUSTER_NAME_MAX];
	int k, fd, bytes;
	uint32_t cid;

	for (k = 0; k < 8; k++) {
		snprintf(name, sizeof(name), "gap-%d-%.*s", (int)getpid(), k + 1,
			 "xxxxxxxx");
		ASSERT_EQ(0, cn_nl_cluster_register(self->nl, name, &cid));
		fd = cn_open(0);
		ASSERT_LE(0, fd);
		ASSERT_EQ(0, cn_add_filter_since(fd, cid, K1, CLUSNOTIFY_OBJ_NODE,
						 CLUSNOTIFY_NODE_STATE, 1, 0));
		ASSERT_EQ(0, cn_fionread(fd, &bytes));
		ASSERT_EQ(1, cn_read_all(fd, self->buf, CN_BUF * 4, self->rec,
					 ARRAY_SIZE(self->rec), 0));
		EXPECT_EQ((uint32_t)bytes, self->rec[0].h.len);
		EXPECT_EQ(CLUSNOTIFY_RECORD_ALIGN(sizeof(struct clusnotify_record) +
						  strlen(name) + 5),
			  self->rec[0].h.len) TH_LOG("name %s", name);
		EXPECT_STREQ(name, self->rec[0].name);
		close(fd);
		EXPECT_EQ(0, cn_nl_cluster_unregister(self->nl, cid));
	}
}

/* ------------------------------------------------------ previous values */

static void post_str(struct __test_metadata *_metadata, struct cn_nl *nl,
		     uint32_t cid, uint32_t type, uint64_t flag, const char *id,
		     const char *payload)
{
	struct cn_event ev = { .type = type, .flag = flag, .id = id,
			       .payload = payload,
			       .payload_len = strlen(payload) + 1 };

	ASSERT_EQ(0, cn_nl_post(nl, cid, &ev, 1, NULL));
}

/*
 * A STATE event carries the state before it, an ownership event the owner
 * before it, from the registry, whether the producer sets the object first
 * (as the daemon does) or only posts; a snapshot changes nothing of that.
 */
TEST_F(resume, previous_state_and_owner)
{
	struct cn_object g = { CLUSNOTIFY_OBJ_GROUP, "g1", "G1", "n1", NULL, true, 1 };
	const struct cn_object n[] = {
		{ CLUSNOTIFY_OBJ_NODE, "n1", "N1", NULL, NULL, true, 1 },
		{ CLUSNOTIFY_OBJ_NODE, "n2", "N2", NULL, NULL, true, 1 },
	};
	static const int32_t want[] = { 1, 2, 3 };
	int i, k;

	ASSERT_EQ(0, cn_nl_object_set(self->nl, self->cid, n, 2));
	ASSERT_EQ(0, cn_nl_object_set(self->nl, self->cid, &g, 1));
	ASSERT_EQ(0, cn_add_filter(self->fd, self->cid, K1, CLUSNOTIFY_OBJ_GROUP,
				   CLUSNOTIFY_GROUP_ALL));
	ASSERT_EQ(0, cn_add_filter(self->fd, self->cid, K2, CLUSNOTIFY_OBJ_NODE,
				   CLUSNOTIFY_NODE_ALL));
	/* posted only: 1 -> 2 -> 3 */
	ASSERT_EQ(0, cn_nl_post_state(self->nl, self->cid, CLUSNOTIFY_OBJ_GROUP,
				      CLUSNOTIFY_GROUP_STATE, "g1", 2));
	ASSERT_EQ(0, cn_nl_post_state(self->nl, self->cid, CLUSNOTIFY_OBJ_GROUP,
				      CLUSNOTIFY_GROUP_STATE, "g1", 3));
	/* set first, then posted: 3 -> 4 */
	g.state = 4;
	ASSERT_EQ(0, cn_nl_object_set(self->nl, self->cid, &g, 1));
	ASSERT_EQ(0, cn_nl_post_state(self->nl, self->cid, CLUSNOTIFY_OBJ_GROUP,
				      CLUSNOTIFY_GROUP_STATE, "g1", 4));
	/* after a snapshot: 4 -> 5 */
	ASSERT_EQ(0, cn_snapshot(self->fd));
	ASSERT_EQ(0, cn_nl_post_state(self->nl, self->cid, CLUSNOTIFY_OBJ_GROUP,
				      CLUSNOTIFY_GROUP_STATE, "g1", 5));
	/* an object the cluster does not keep: no previous state */
	ASSERT_EQ(0, cn_nl_post_state(self->nl, self->cid, CLUSNOTIFY_OBJ_GROUP,
				      CLUSNOTIFY_GROUP_STATE, "g9", 1));
	/* the group moves n1 -> n2, as the daemon tells it */
	g.parent = "n2";
	ASSERT_EQ(0, cn_nl_object_set(self->nl, self->cid, &g, 1));
	post_str(_metadata, self->nl, self->cid, CLUSNOTIFY_OBJ_GROUP,
		 CLUSNOTIFY_GROUP_OWNER_NODE, "g1", "n2");
	post_str(_metadata, self->nl, self->cid, CLUSNOTIFY_OBJ_NODE,
		 CLUSNOTIFY_NODE_GROUP_LOST, "n1", "g1");
	post_str(_metadata, self->nl, self->cid, CLUSNOTIFY_OBJ_NODE,
		 CLUSNOTIFY_NODE_GROUP_GAINED, "n2", "g1");
	/* a change that is no ownership: none */
	post_str(_metadata, self->nl, self->cid, CLUSNOTIFY_OBJ_GROUP,
		 CLUSNOTIFY_GROUP_COMMON_PROPERTY, "g1", "x");

	/*
	 * 3 STATE, the snapshot (g1, n1, n2, marker), STATE, STATE of g9,
	 * 3 ownership events, a property
	 */
	ASSERT_EQ(13, READ_ALL(self));
	for (i = 0, k = 0; i < 3; i++, k++) {
		EXPECT_EQ(want[k], self->rec[i].h.prev_state) TH_LOG("record %d", i);
		EXPECT_EQ(0, self->rec[i].h.prev_owner_len);
	}
	EXPECT_TRUE(!!(self->rec[3].h.flags & CLUSNOTIFY_RECORD_SNAPSHOT));
	EXPECT_EQ(CLUSNOTIFY_STATE_UNKNOWN, self->rec[3].h.prev_state);
	EXPECT_TRUE(!!(self->rec[6].h.flags & CLUSNOTIFY_RECORD_SNAPSHOT_END));
	EXPECT_EQ(4, self->rec[7].h.prev_state);
	EXPECT_STREQ("g9", self->rec[8].id);
	EXPECT_EQ(CLUSNOTIFY_STATE_UNKNOWN, self->rec[8].h.prev_state);
	for (i = 9; i < 12; i++) {
		EXPECT_EQ(CLUSNOTIFY_STATE_UNKNOWN, self->rec[i].h.prev_state);
		EXPECT_EQ(2, self->rec[i].h.prev_owner_len) TH_LOG("record %d", i);
		EXPECT_STREQ("n1", self->rec[i].prev_owner) TH_LOG("record %d", i);
	}
	EXPECT_EQ(CLUSNOTIFY_GROUP_OWNER_NODE, self->rec[9].h.filter_flag);
	EXPECT_EQ(CLUSNOTIFY_NODE_GROUP_GAINED, self->rec[11].h.filter_flag);
	EXPECT_EQ(0, self->rec[12].h.prev_owner_len);
	EXPECT_STREQ("", self->rec[12].prev_owner);
}

TEST_HARNESS_MAIN
