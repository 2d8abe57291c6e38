// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family: every command on its happy path and on each
 * error path, dumps that span several messages, sequence numbers, batches
 * validated as a whole, and the monitors (MONITOR_START).
 */
#include <sys/resource.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "cn_test.h"
#include "cn_nl.h"
#include "kselftest_harness.h"

#define K1		0x0123456789abcdefULL
#define K2		0xfedcba9876543210ULL
#define NO_CLUSTER	0x7ffffff0u

FIXTURE(nl) {
	struct cn_nl *nl;
	uint32_t cid;
	int fd;
	char name[CLUSNOTIFY_CLUSTER_NAME_MAX];
	unsigned char *buf;
	struct cn_rec rec[1100];
};

FIXTURE_SETUP(nl)
{
	ASSERT_EQ(0, cn_private_netns()) TH_LOG("unshare(CLONE_NEWNET): %s", strerror(errno));
	self->fd = -1;
	self->buf = malloc(CN_BUF * 4);
	ASSERT_TRUE(self->buf != NULL);
	self->nl = cn_nl_open();
	ASSERT_TRUE(self->nl != NULL) TH_LOG("generic netlink family '%s': %s",
					     CLUSNOTIFY_GENL_NAME, strerror(errno));
	ASSERT_EQ(0, cn_nl_cluster_register(self->nl,
			cn_name(self->name, sizeof(self->name), "nl"), &self->cid));
	ASSERT_NE(0u, self->cid);
	self->fd = cn_open(0);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(nl)
{
	if (self->fd >= 0)
		close(self->fd);
	if (self->nl && self->cid)
		cn_nl_cluster_unregister(self->nl, self->cid);
	cn_nl_close(self->nl);
	free(self->buf);
}

#define READ_ALL(self) \
	cn_read_all((self)->fd, (self)->buf, CN_BUF * 4, (self)->rec, \
		    ARRAY_SIZE((self)->rec), 0)

/* Policy violations are -EINVAL, or -ERANGE for a length out of bounds. */
#define EXPECT_REFUSED(x) do {						\
	int __r = (x);							\
	EXPECT_TRUE(__r == -EINVAL || __r == -ERANGE)			\
		TH_LOG("%s: %d (%s)", #x, __r, strerror(-__r));		\
} while (0)

static int raw(struct cn_nl *nl, uint8_t cmd, int flags,
	       void (*fill)(struct nl_msg *, const void *), const void *arg)
{
	struct nl_msg *msg = cn_nl_msg(nl, cmd, flags);

	if (msg && fill)
		fill(msg, arg);
	return cn_nl_raw(nl, msg);
}

static void put_id(struct nl_msg *m, const void *a)
{
	nla_put_u32(m, CLUSNOTIFY_A_CLUSTER_ID, *(const uint32_t *)a);
}

static void put_short_id(struct nl_msg *m, const void *a)
{
	nla_put_u16(m, CLUSNOTIFY_A_CLUSTER_ID, (uint16_t)*(const uint32_t *)a);
}

static void put_name_and_unknown(struct nl_msg *m, const void *a)
{
	nla_put_string(m, CLUSNOTIFY_A_CLUSTER_NAME, a);
	nla_put_u32(m, CLUSNOTIFY_A_MAX + 1, 1);
}

static bool find_cluster(const struct cn_cluster *c, int n, uint32_t id,
			 struct cn_cluster *out)
{
	int i;

	for (i = 0; i < n; i++)
		if (c[i].id == id) {
			*out = c[i];
			return true;
		}
	return false;
}

/* ------------------------------------------------------------ clusters */

TEST_F(nl, cluster_register_get_dump)
{
	static struct cn_cluster all[1024];
	struct cn_cluster c;
	int n;

	memset(&c, CN_POISON, sizeof(c));
	ASSERT_EQ(0, cn_nl_cluster_get(self->nl, self->cid, NULL, &c));
	EXPECT_EQ(self->cid, c.id);
	EXPECT_STREQ(self->name, c.name);
	EXPECT_EQ((uint32_t)CLUSNOTIFY_CLUSTER_CONNECTED, c.state);
	EXPECT_EQ(0u, c.seq);
	EXPECT_EQ(0u, c.posted);
	EXPECT_EQ(0u, c.objects);
	EXPECT_EQ(0u, c.ports);
	EXPECT_EQ(0u, c.reconnects);

	memset(&c, CN_POISON, sizeof(c));
	ASSERT_EQ(0, cn_nl_cluster_get(self->nl, 0, self->name, &c));
	EXPECT_EQ(self->cid, c.id);
	EXPECT_EQ((uint32_t)CLUSNOTIFY_CLUSTER_CONNECTED, c.state);

	ASSERT_EQ(0, cn_nl_cluster_dump(self->nl, all, ARRAY_SIZE(all), &n));
	ASSERT_LE(1, n);
	ASSERT_TRUE(find_cluster(all, n, self->cid, &c));
	EXPECT_STREQ(self->name, c.name);
	EXPECT_EQ((uint32_t)CLUSNOTIFY_CLUSTER_CONNECTED, c.state);
}

/* Enough clusters that the dump needs several messages. */
TEST_F_TIMEOUT(nl, cluster_dump_spans_messages, 120)
{
	static struct cn_cluster all[2048];
	/* a namespace holds 64 by default (max_net_clusters) */
	uint32_t ids[60];
	char names[60][CLUSNOTIFY_CLUSTER_NAME_MAX];
	struct cn_cluster c;
	int i, n;

	for (i = 0; i < (int)ARRAY_SIZE(ids); i++) {
		ASSERT_EQ(0, cn_nl_cluster_register(self->nl,
				cn_name(names[i], sizeof(names[i]), "dump"), &ids[i]));
	}
	ASSERT_EQ(0, cn_nl_cluster_dump(self->nl, all, ARRAY_SIZE(all), &n));
	ASSERT_LE((int)ARRAY_SIZE(ids) + 1, n);
	for (i = 0; i < (int)ARRAY_SIZE(ids); i++) {
		ASSERT_TRUE(find_cluster(all, n, ids[i], &c)) TH_LOG("cluster %d", i);
		EXPECT_STREQ(names[i], c.name);
	}
	for (i = 0; i < n; i++) {
		int j;

		for (j = i + 1; j < n; j++) {
			ASSERT_NE(all[i].id, all[j].id) TH_LOG("cluster %u twice", all[i].id);
		}
	}
	for (i = 0; i < (int)ARRAY_SIZE(ids); i++) {
		EXPECT_EQ(0, cn_nl_cluster_unregister(self->nl, ids[i]));
	}
}

TEST_F(nl, cluster_register_errors)
{
	char longname[CLUSNOTIFY_CLUSTER_NAME_MAX + 1];
	struct cn_nl *other = cn_nl_open();
	struct cn_cluster c;
	uint32_t id = 0;

	ASSERT_TRUE(other != NULL);
	EXPECT_EQ(-EINVAL, raw(self->nl, CLUSNOTIFY_CMD_CLUSTER_REGISTER, 0, NULL, NULL));
	EXPECT_EQ(-EINVAL, cn_nl_cluster_register(self->nl, "", &id));
	memset(longname, 'c', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	EXPECT_REFUSED(cn_nl_cluster_register(self->nl, longname, &id));
	longname[CLUSNOTIFY_CLUSTER_NAME_MAX - 1] = 0;
	EXPECT_EQ(-EINVAL, raw(self->nl, CLUSNOTIFY_CMD_CLUSTER_REGISTER, 0,
			       put_name_and_unknown, "st-unknown-attr"));
	EXPECT_EQ(-ENOENT, cn_nl_cluster_get(self->nl, 0, "st-unknown-attr", &c));

	/* a name connected under another socket */
	EXPECT_EQ(-EBUSY, cn_nl_cluster_register(other, self->name, &id));
	/* ... and under this same socket (cnfuzz found it undocumented) */
	EXPECT_EQ(-EEXIST, cn_nl_cluster_register(self->nl, self->name, &id));

	/* the longest name is fine */
	ASSERT_EQ(0, cn_nl_cluster_register(other, longname, &id));
	EXPECT_EQ(0, cn_nl_cluster_unregister(other, id));
	cn_nl_close(other);
}

TEST_F(nl, cluster_unregister)
{
	struct cn_nl *other = cn_nl_open();
	struct cn_cluster c;
	char name[CLUSNOTIFY_CLUSTER_NAME_MAX];
	uint32_t id, none = NO_CLUSTER;

	ASSERT_TRUE(other != NULL);
	ASSERT_EQ(0, cn_nl_cluster_register(self->nl, cn_name(name, sizeof(name), "unreg"), &id));

	EXPECT_EQ(-EPERM, cn_nl_cluster_unregister(other, id))
		TH_LOG("only the owner unregisters a connected cluster");
	ASSERT_EQ(0, cn_nl_cluster_get(self->nl, id, NULL, &c));
	EXPECT_EQ(-ENOENT, cn_nl_cluster_unregister(self->nl, none));
	EXPECT_EQ(-EINVAL, raw(self->nl, CLUSNOTIFY_CMD_CLUSTER_UNREGISTER, 0, NULL, NULL));
	EXPECT_EQ(-EINVAL, raw(self->nl, CLUSNOTIFY_CMD_CLUSTER_UNREGISTER, 0,
			       put_short_id, &id));

	ASSERT_EQ(0, cn_nl_cluster_unregister(self->nl, id));
	EXPECT_EQ(-ENOENT, cn_nl_cluster_get(self->nl, id, NULL, &c));
	EXPECT_EQ(-ENOENT, cn_nl_cluster_get(self->nl, 0, name, &c));
	EXPECT_EQ(-ENOENT, cn_nl_cluster_unregister(self->nl, id));
	cn_nl_close(other);
}

TEST_F(nl, cluster_get_errors)
{
	uint32_t none = NO_CLUSTER;
	struct cn_cluster c;

	EXPECT_EQ(-ENOENT, cn_nl_cluster_get(self->nl, NO_CLUSTER, NULL, &c));
	EXPECT_EQ(-ENOENT, cn_nl_cluster_get(self->nl, 0, "st-no-such-cluster", &c));
	EXPECT_EQ(-EINVAL, raw(self->nl, CLUSNOTIFY_CMD_CLUSTER_GET, 0, NULL, NULL));
	EXPECT_EQ(-EINVAL, raw(self->nl, CLUSNOTIFY_CMD_CLUSTER_GET, 0,
			       put_short_id, &none));
	EXPECT_EQ(-EOPNOTSUPP, raw(self->nl, CLUSNOTIFY_CMD_MAX + 1, 0, put_id, &none));
	EXPECT_EQ(-EOPNOTSUPP, raw(self->nl, CLUSNOTIFY_CMD_EVENT, 0, put_id, &none))
		TH_LOG("CMD_EVENT is multicast only");
}

TEST_F(nl, cluster_stats)
{
	struct cn_cluster c;
	int other = cn_open(0);
	const struct cn_object objs[] = {
		{ .type = CLUSNOTIFY_OBJ_NODE, .id = "n1", .name = "node1" },
		{ .type = CLUSNOTIFY_OBJ_NODE, .id = "n2", .name = "node2" },
	};
	int i;

	ASSERT_LE(0, other);
	ASSERT_EQ(0, cn_add_filter(self->fd, self->cid, K1, CLUSNOTIFY_OBJ_NODE,
				   CLUSNOTIFY_NODE_STATE));
	ASSERT_EQ(0, cn_add_filter(other, self->cid, K1, CLUSNOTIFY_OBJ_NODE,
				   CLUSNOTIFY_NODE_ALL));
	ASSERT_EQ(0, cn_nl_object_set(self->nl, self->cid, objs, 2));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, cn_nl_post1(self->nl, self->cid, CLUSNOTIFY_OBJ_NODE,
					 CLUSNOTIFY_NODE_STATE, "n1"));
	}
	ASSERT_EQ(0, cn_nl_post1(self->nl, self->cid, CLUSNOTIFY_OBJ_NODE,
				 CLUSNOTIFY_NODE_DELETED, "n1"));
	ASSERT_EQ(0, cn_nl_post1(self->nl, self->cid, CLUSNOTIFY_OBJ_GROUP,
				 CLUSNOTIFY_GROUP_DELETED, "g1"));

	ASSERT_EQ(0, cn_nl_cluster_get(self->nl, self->cid, NULL, &c));
	EXPECT_EQ(5u, c.seq);
	EXPECT_EQ(5u, c.posted);
	EXPECT_EQ(7u, c.matched);
	EXPECT_EQ(7u, c.delivered);
	EXPECT_EQ(0u, c.lost);
	EXPECT_EQ(2u, c.objects);
	EXPECT_EQ(2u, c.ports);
	EXPECT_EQ(0u, c.reconnects);

	close(other);
	ASSERT_EQ(0, cn_nl_cluster_get(self->nl, self->cid, NULL, &c));
	EXPECT_EQ(1u, c.ports);
}

/* ------------------------------------------------------------- objects */

static const struct cn_object_out *find_object(const struct cn_object_out *o,
					       int n, uint32_t type,
					       const char *id)
{
	int i;

	for (i = 0; i < n; i++)
		if (o[i].type == type && !strcmp(o[i].id, id))
			return &o[i];
	return NULL;
}

TEST_F(nl, object_set_get_del)
{
	static struct cn_object_out out[16];
	const struct cn_object objs[] = {
		{ CLUSNOTIFY_OBJ_GROUP, "g1", "Group One", "n1", NULL, true, 0 },
		{ CLUSNOTIFY_OBJ_RESOURCE, "r1", "Res One", "g1", "IP Address", true, 2 },
		{ CLUSNOTIFY_OBJ_NODE, "n1", "node-one", NULL, NULL, false, 0 },
		/* same id, other type: another object */
		{ CLUSNOTIFY_OBJ_NETWORK, "n1", "net-one", NULL, NULL, true, 3 },
	};
	const struct cn_object renamed = {
		CLUSNOTIFY_OBJ_GROUP, "g1", "Group Renamed", "n2", NULL, true, 1,
	};
	const struct cn_object_out *o;
	struct clusnotify_object_info oi;
	struct clusnotify_cluster_info ci;
	struct cn_cluster c;
	int n;

	ASSERT_EQ(0, cn_nl_object_set(self->nl, self->cid, objs, ARRAY_SIZE(objs)));
	ASSERT_EQ(0, cn_nl_object_dump(self->nl, self->cid, out, ARRAY_SIZE(out), &n));
	ASSERT_EQ(4, n);
	o = find_object(out, n, CLUSNOTIFY_OBJ_RESOURCE, "r1");
	ASSERT_TRUE(o != NULL);
	EXPECT_STREQ("Res One", o->name);
	EXPECT_STREQ("g1", o->parent);
	EXPECT_STREQ("IP Address", o->type_name);
	EXPECT_TRUE(o->has_state);
	EXPECT_EQ(2, o->state);
	o = find_object(out, n, CLUSNOTIFY_OBJ_NODE, "n1");
	ASSERT_TRUE(o != NULL);
	EXPECT_STREQ("node-one", o->name);
	if (o->has_state) {
		EXPECT_EQ(CLUSNOTIFY_STATE_UNKNOWN, o->state);
	}
	o = find_object(out, n, CLUSNOTIFY_OBJ_NETWORK, "n1");
	ASSERT_TRUE(o != NULL);
	EXPECT_STREQ("net-one", o->name);

	/* replace */
	ASSERT_EQ(0, cn_nl_object_set(self->nl, self->cid, &renamed, 1));
	ASSERT_EQ(0, cn_nl_object_dump(self->nl, self->cid, out, ARRAY_SIZE(out), &n));
	ASSERT_EQ(4, n);
	o = find_object(out, n, CLUSNOTIFY_OBJ_GROUP, "g1");
	ASSERT_TRUE(o != NULL);
	EXPECT_STREQ("Group Renamed", o->name);
	EXPECT_STREQ("n2", o->parent);
	EXPECT_EQ(1, o->state);
	ASSERT_EQ(0, cn_get_object(self->fd, self->cid, CLUSNOTIFY_OBJ_GROUP,
				   "Group Renamed", 0, &oi));
	EXPECT_STREQ("g1", oi.id);
	EXPECT_EQ(-ENOENT, cn_get_object(self->fd, self->cid, CLUSNOTIFY_OBJ_GROUP,
					 "Group One", 0, &oi));

	/* delete */
	ASSERT_EQ(0, cn_nl_object_del(self->nl, self->cid, &objs[2], 1));
	ASSERT_EQ(0, cn_nl_object_dump(self->nl, self->cid, out, ARRAY_SIZE(out), &n));
	ASSERT_EQ(3, n);
	EXPECT_TRUE(find_object(out, n, CLUSNOTIFY_OBJ_NODE, "n1") == NULL);
	EXPECT_TRUE(find_object(out, n, CLUSNOTIFY_OBJ_NETWORK, "n1") != NULL);
	EXPECT_EQ(-ENOENT, cn_get_object(self->fd, self->cid, CLUSNOTIFY_OBJ_NODE,
					 "n1", 1, &oi));
	ASSERT_EQ(0, cn_nl_cluster_get(self->nl, self->cid, NULL, &c));
	EXPECT_EQ(3u, c.objects);
	ASSERT_EQ(0, cn_get_cluster(self->fd, self->name, &ci));
	EXPECT_EQ(3u, ci.objects);
}

TEST_F_TIMEOUT(nl, object_dump_spans_messages, 120)
{
	static struct cn_object_out out[1024];
	struct cn_object objs[100];
	char ids[300][16], names[300][64];
	bool seen[300] = { false };
	int i, b, n;

	for (b = 0; b < 3; b++) {
		for (i = 0; i < 100; i++) {
			int k = b * 100 + i;

			snprintf(ids[k], sizeof(ids[k]), "res-%d", k);
			snprintf(names[k], sizeof(names[k]),
				 "a resource with a long name, number %d", k);
			objs[i] = (struct cn_object){
				.type = CLUSNOTIFY_OBJ_RESOURCE, .id = ids[k],
				.name = names[k], .parent = "some-group",
				.type_name = "Generic Application",
				.has_state = true, .state = k,
			};
		}
		ASSERT_EQ(0, cn_nl_object_set(self->nl, self->cid, objs, 100));
	}
	ASSERT_EQ(0, cn_nl_object_dump(self->nl, self->cid, out, ARRAY_SIZE(out), &n));
	ASSERT_EQ(300, n);
	for (i = 0; i < n; i++) {
		int k;

		ASSERT_EQ(1, sscanf(out[i].id, "res-%d", &k)) TH_LOG("id '%s'", out[i].id);
		ASSERT_TRUE(k >= 0 && k < 300);
		EXPECT_FALSE(seen[k]) TH_LOG("res-%d twice", k);
		seen[k] = true;
		EXPECT_STREQ(names[k], out[i].name);
		EXPECT_EQ(k, out[i].state);
	}
}

struct bad_obj {
	uint32_t cid;
	int type;		/* -1: leave out */
	const char *id;		/* NULL: leave out */
	int extra;		/* an attribute to add, 0 none */
	int extra_len;
};

static void put_bad_object(struct nl_msg *m, const void *a)
{
	const struct bad_obj *b = a;
	struct nlattr *all, *one;
	static char big[CLUSNOTIFY_NAME_MAX + 8];

	memset(big, 'x', sizeof(big) - 1);
	nla_put_u32(m, CLUSNOTIFY_A_CLUSTER_ID, b->cid);
	all = nla_nest_start(m, CLUSNOTIFY_A_OBJECTS | NLA_F_NESTED);
	one = nla_nest_start(m, CLUSNOTIFY_A_OBJECT | NLA_F_NESTED);
	if (b->type >= 0)
		nla_put_u32(m, CLUSNOTIFY_OBJ_A_TYPE, b->type);
	if (b->id)
		nla_put_string(m, CLUSNOTIFY_OBJ_A_ID, b->id);
	if (b->extra)
		nla_put(m, b->extra, b->extra_len, big + sizeof(big) - 1 - b->extra_len);
	nla_nest_end(m, one);
	nla_nest_end(m, all);
}

TEST_F(nl, object_errors)
{
	char longid[CLUSNOTIFY_ID_MAX + 1];
	struct cn_object o = { .type = CLUSNOTIFY_OBJ_NODE, .id = "n1" };
	static struct cn_object_out out[4];
	struct bad_obj b;
	const struct {
		int type;
		const char *id;
		int extra, extra_len;
	} bad[] = {
		{ -1, "n1", 0, 0 },			/* no type */
		{ CLUSNOTIFY_OBJ_NODE, NULL, 0, 0 },	/* no id */
		{ 0x0e, "n1", 0, 0 },
		{ CLUSNOTIFY_OBJ_NODE, "n1", CLUSNOTIFY_OBJ_A_MAX + 1, 4 },
		{ CLUSNOTIFY_OBJ_NODE, "n1", CLUSNOTIFY_OBJ_A_STATE, 2 },
	};
	unsigned int i;
	int n;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		b = (struct bad_obj){ self->cid, bad[i].type, bad[i].id,
				      bad[i].extra, bad[i].extra_len };
		EXPECT_EQ(-EINVAL, raw(self->nl, CLUSNOTIFY_CMD_OBJECT_SET, 0,
				       put_bad_object, &b)) TH_LOG("bad object %u", i);
	}
	/* out of the policy's range: -EINVAL or -ERANGE */
	b = (struct bad_obj){ self->cid, CLUSNOTIFY_OBJ_MAX + 1, "n1", 0, 0 };
	EXPECT_REFUSED(raw(self->nl, CLUSNOTIFY_CMD_OBJECT_SET, 0, put_bad_object, &b));
	b = (struct bad_obj){ self->cid, 0xffff, "n1", 0, 0 };
	EXPECT_REFUSED(raw(self->nl, CLUSNOTIFY_CMD_OBJECT_SET, 0, put_bad_object, &b));
	/* strings over their bounds */
	b = (struct bad_obj){ self->cid, CLUSNOTIFY_OBJ_NODE, "n1",
			      CLUSNOTIFY_OBJ_A_NAME, CLUSNOTIFY_NAME_MAX };
	EXPECT_REFUSED(raw(self->nl, CLUSNOTIFY_CMD_OBJECT_SET, 0, put_bad_object, &b));
	b.extra = CLUSNOTIFY_OBJ_A_PARENT_ID;
	b.extra_len = CLUSNOTIFY_ID_MAX;
	EXPECT_REFUSED(raw(self->nl, CLUSNOTIFY_CMD_OBJECT_SET, 0, put_bad_object, &b));
	b.extra = CLUSNOTIFY_OBJ_A_TYPE_NAME;
	b.extra_len = CLUSNOTIFY_TYPE_NAME_MAX;
	EXPECT_REFUSED(raw(self->nl, CLUSNOTIFY_CMD_OBJECT_SET, 0, put_bad_object, &b));
	memset(longid, 'i', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = 0;
	o.id = longid;
	EXPECT_REFUSED(cn_nl_object_set(self->nl, self->cid, &o, 1));
	o.id = "n1";

	EXPECT_EQ(-ENOENT, cn_nl_object_set(self->nl, NO_CLUSTER, &o, 1));
	EXPECT_EQ(-EINVAL, raw(self->nl, CLUSNOTIFY_CMD_OBJECT_SET, 0, put_id, &self->cid))
		TH_LOG("no OBJECTS");

	/* nothing was added */
	ASSERT_EQ(0, cn_nl_object_dump(self->nl, self->cid, out, ARRAY_SIZE(out), &n));
	EXPECT_EQ(0, n);

	/* delete: unknown object, unknown cluster, more than type and id */
	EXPECT_EQ(-ENOENT, cn_nl_object_del(self->nl, self->cid, &o, 1));
	ASSERT_EQ(0, cn_nl_object_set(self->nl, self->cid, &o, 1));
	EXPECT_EQ(-ENOENT, cn_nl_object_del(self->nl, NO_CLUSTER, &o, 1));
	b = (struct bad_obj){ self->cid, CLUSNOTIFY_OBJ_NODE, "n1",
			      CLUSNOTIFY_OBJ_A_STATE, 4 };
	EXPECT_EQ(-EINVAL, raw(self->nl, CLUSNOTIFY_CMD_OBJECT_DEL, 0, put_bad_object, &b))
		TH_LOG("OBJECT_DEL takes OBJ_TYPE and OBJ_ID only");
	b = (struct bad_obj){ self->cid, CLUSNOTIFY_OBJ_NODE, NULL, 0, 0 };
	EXPECT_EQ(-EINVAL, raw(self->nl, CLUSNOTIFY_CMD_OBJECT_DEL, 0, put_bad_object, &b));
	ASSERT_EQ(0, cn_nl_object_dump(self->nl, self->cid, out, ARRAY_SIZE(out), &n));
	EXPECT_EQ(1, n);

	/* dump: a cluster is needed and must exist */
	EXPECT_EQ(-ENOENT, cn_nl_object_dump(self->nl, NO_CLUSTER, out, 4, &n));
	EXPECT_EQ(-EINVAL, raw(self->nl, CLUSNOTIFY_CMD_OBJECT_GET, NLM_F_DUMP, NULL, NULL));
}

/* -------------------------------------------------------------- events */

TEST_F(nl, event_post_sequence_numbers)
{
	struct cn_event ev[5];
	char ids[5][8];
	uint64_t seq;
	struct cn_cluster c;
	char name2[CLUSNOTIFY_CLUSTER_NAME_MAX];
	uint32_t c2;
	int i;

	ASSERT_EQ(0, cn_add_filter(self->fd, self->cid, K1, CLUSNOTIFY_OBJ_NODE,
				   CLUSNOTIFY_NODE_ALL));
	for (i = 0; i < 5; i++) {
		snprintf(ids[i], sizeof(ids[i]), "n%d", i);
		ev[i] = (struct cn_event){ .type = CLUSNOTIFY_OBJ_NODE,
					   .flag = CLUSNOTIFY_NODE_STATE, .id = ids[i] };
	}
	ASSERT_EQ(0, cn_nl_post(self->nl, self->cid, ev, 5, &seq));
	EXPECT_EQ(5u, seq);
	ASSERT_EQ(0, cn_nl_post(self->nl, self->cid, ev, 2, &seq));
	EXPECT_EQ(7u, seq);
	ASSERT_EQ(7, READ_ALL(self));
	for (i = 0; i < 7; i++) {
		EXPECT_EQ((uint64_t)i + 1, self->rec[i].h.seq);
		EXPECT_STREQ(ids[i % 5], self->rec[i].id);
	}
	ASSERT_EQ(0, cn_nl_cluster_get(self->nl, self->cid, NULL, &c));
	EXPECT_EQ(7u, c.seq);
	EXPECT_EQ(7u, c.posted);

	/* another cluster counts on its own */
	ASSERT_EQ(0, cn_nl_cluster_register(self->nl, cn_name(name2, sizeof(name2), "seq"), &c2));
	ASSERT_EQ(0, cn_nl_post(self->nl, c2, ev, 1, &seq));
	EXPECT_EQ(1u, seq);
	EXPECT_EQ(0, cn_nl_cluster_unregister(self->nl, c2));
}

TEST_F(nl, any_admin_socket_posts_and_sets_objects)
{
	struct cn_nl *other = cn_nl_open();
	const struct cn_object o = { .type = CLUSNOTIFY_OBJ_NODE, .id = "n1", .name = "node" };
	static struct cn_object_out out[4];
	int n;

	ASSERT_TRUE(other != NULL);
	ASSERT_EQ(0, cn_add_filter(self->fd, self->cid, K1, CLUSNOTIFY_OBJ_NODE,
				   CLUSNOTIFY_NODE_ALL));
	EXPECT_EQ(0, cn_nl_object_set(other, self->cid, &o, 1));
	EXPECT_EQ(0, cn_nl_post1(other, self->cid, CLUSNOTIFY_OBJ_NODE,
				 CLUSNOTIFY_NODE_STATE, "n1"));
	ASSERT_EQ(1, READ_ALL(self));
	EXPECT_STREQ("node", self->rec[0].name);
	EXPECT_EQ(0, cn_nl_object_dump(other, self->cid, out, 4, &n));
	EXPECT_EQ(1, n);
	EXPECT_EQ(0, cn_nl_object_del(other, self->cid, &o, 1));
	cn_nl_close(other);
}

struct bad_ev {
	int type;		/* -1: leave out */
	int64_t flag;		/* -1: leave out */
	const char *id;
	int extra, extra_len;
	uint32_t cid;
	int good_first;
};

static void put_bad_event(struct nl_msg *m, const void *a)
{
	const struct bad_ev *b = a;
	static char big[CLUSNOTIFY_PAYLOAD_MAX + 16];
	struct nlattr *all, *one;

	memset(big, 'x', sizeof(big) - 1);
	nla_put_u32(m, CLUSNOTIFY_A_CLUSTER_ID, b->cid);
	all = nla_nest_start(m, CLUSNOTIFY_A_EVENTS | NLA_F_NESTED);
	if (b->good_first) {
		one = nla_nest_start(m, CLUSNOTIFY_A_EVENT | NLA_F_NESTED);
		nla_put_u32(m, CLUSNOTIFY_EV_A_OBJ_TYPE, CLUSNOTIFY_OBJ_NODE);
		nla_put_u64(m, CLUSNOTIFY_EV_A_FLAG, CLUSNOTIFY_NODE_STATE);
		nla_put_string(m, CLUSNOTIFY_EV_A_OBJ_ID, "n1");
		nla_nest_end(m, one);
	}
	one = nla_nest_start(m, CLUSNOTIFY_A_EVENT | NLA_F_NESTED);
	if (b->type >= 0)
		nla_put_u32(m, CLUSNOTIFY_EV_A_OBJ_TYPE, b->type);
	if (b->flag >= 0)
		nla_put_u64(m, CLUSNOTIFY_EV_A_FLAG, b->flag);
	if (b->id)
		nla_put_string(m, CLUSNOTIFY_EV_A_OBJ_ID, b->id);
	if (b->extra)
		nla_put(m, b->extra, b->extra_len, big + sizeof(big) - 1 - b->extra_len);
	nla_nest_end(m, one);
	nla_nest_end(m, all);
}

/*
 * A good event, then the same attributes in an EVENT entry without
 * NLA_F_NESTED (libnl's nla_nest_start() always sets it: the entry is put
 * whole, from a message of its own).
 */
static void put_flat_event(struct nl_msg *m, const void *a)
{
	struct nl_msg *inner = nlmsg_alloc();
	struct nlattr *all, *one;

	nla_put_u32(m, CLUSNOTIFY_A_CLUSTER_ID, *(const uint32_t *)a);
	all = nla_nest_start(m, CLUSNOTIFY_A_EVENTS | NLA_F_NESTED);
	one = nla_nest_start(m, CLUSNOTIFY_A_EVENT | NLA_F_NESTED);
	nla_put_u32(m, CLUSNOTIFY_EV_A_OBJ_TYPE, CLUSNOTIFY_OBJ_NODE);
	nla_put_u64(m, CLUSNOTIFY_EV_A_FLAG, CLUSNOTIFY_NODE_STATE);
	nla_put_string(m, CLUSNOTIFY_EV_A_OBJ_ID, "n1");
	nla_nest_end(m, one);
	if (inner) {
		nla_put_u32(inner, CLUSNOTIFY_EV_A_OBJ_TYPE, CLUSNOTIFY_OBJ_NODE);
		nla_put_u64(inner, CLUSNOTIFY_EV_A_FLAG, CLUSNOTIFY_NODE_STATE);
		nla_put_string(inner, CLUSNOTIFY_EV_A_OBJ_ID, "n2");
		nla_put(m, CLUSNOTIFY_A_EVENT, nlmsg_datalen(nlmsg_hdr(inner)),
			nlmsg_data(nlmsg_hdr(inner)));
		nlmsg_free(inner);
	}
	nla_nest_end(m, all);
}

TEST_F(nl, event_post_validated_as_a_whole)
{
	const struct {
		int type;
		int64_t flag;
		const char *id;
		int extra, extra_len, range;
	} bad[] = {
		{ -1, CLUSNOTIFY_NODE_STATE, "n1", 0, 0, 0 },
		{ CLUSNOTIFY_OBJ_NODE, -1, "n1", 0, 0, 0 },
		{ CLUSNOTIFY_OBJ_NODE, 0, "n1", 0, 0, 0 },
		{ CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_STATE | CLUSNOTIFY_NODE_DELETED, "n1", 0, 0, 0 },
		{ CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_ALL + 1, "n1", 0, 0, 0 },
		{ CLUSNOTIFY_OBJ_NODE, 1LL << 62, "n1", 0, 0, 0 },
		{ CLUSNOTIFY_OBJ_QUORUM, 2, "q", 0, 0, 0 },
		{ CLUSNOTIFY_OBJ_AFFINITYRULE, 1, "a", 0, 0, 0 },
		{ CLUSNOTIFY_OBJ_NONE, 1, "a", 0, 0, 1 },
		{ 0x0e, 1, "n1", 0, 0, 0 },
		{ CLUSNOTIFY_OBJ_MAX + 1, 1, "n1", 0, 0, 1 },
		{ CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_STATE, "n1", CLUSNOTIFY_EV_A_MAX + 1, 4, 0 },
		{ CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_STATE, "n1", CLUSNOTIFY_EV_A_SEQ, 8, 0 },
		{ CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_STATE, "n1", CLUSNOTIFY_EV_A_TIMESTAMP, 8, 0 },
		{ CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_STATE, "n1", CLUSNOTIFY_EV_A_PAYLOAD,
		  CLUSNOTIFY_PAYLOAD_MAX + 1, 1 },
		{ CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_STATE, "n1", CLUSNOTIFY_EV_A_NAME,
		  CLUSNOTIFY_NAME_MAX, 1 },
		{ CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_STATE, "n1", CLUSNOTIFY_EV_A_PARENT_ID,
		  CLUSNOTIFY_ID_MAX, 1 },
		{ CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_STATE, "n1", CLUSNOTIFY_EV_A_TYPE_NAME,
		  CLUSNOTIFY_TYPE_NAME_MAX, 1 },
	};
	struct cn_nl *mc = cn_nl_open();
	struct cn_mc_event *mev = malloc(sizeof(*mev));
	struct clusnotify_port_stats st;
	struct cn_cluster c;
	unsigned int i;

	ASSERT_TRUE(mc != NULL && mev != NULL);
	ASSERT_EQ(0, cn_nl_subscribe(mc));
	ASSERT_EQ(0, cn_add_filter(self->fd, self->cid, K1, CLUSNOTIFY_OBJ_NODE,
				   CLUSNOTIFY_NODE_ALL));

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct bad_ev b = {
			bad[i].type, bad[i].flag, bad[i].id, bad[i].extra,
			bad[i].extra_len, self->cid, 1,
		};
		int r = raw(self->nl, CLUSNOTIFY_CMD_EVENT_POST, 0, put_bad_event, &b);

		if (bad[i].range) {
			EXPECT_TRUE(r == -EINVAL || r == -ERANGE) TH_LOG("bad event %u: %d", i, r);
		} else {
			EXPECT_EQ(-EINVAL, r) TH_LOG("bad event %u", i);
		}
	}
	/* the cluster: unknown, left out; the events: left out */
	{
		struct bad_ev b = { CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_STATE, "n1",
				    0, 0, NO_CLUSTER, 0 };

		EXPECT_EQ(-ENOENT, raw(self->nl, CLUSNOTIFY_CMD_EVENT_POST, 0,
				       put_bad_event, &b));
	}
	EXPECT_EQ(-EINVAL, raw(self->nl, CLUSNOTIFY_CMD_EVENT_POST, 0, put_id, &self->cid));
	/* a well-formed EVENT entry that lacks NLA_F_NESTED, after a good one */
	EXPECT_EQ(-EINVAL, raw(self->nl, CLUSNOTIFY_CMD_EVENT_POST, 0, put_flat_event,
			       &self->cid));

	/* nothing of those batches was delivered, counted or multicast */
	ASSERT_EQ(0, cn_stats(self->fd, &st));
	EXPECT_EQ(0u, st.matched);
	EXPECT_EQ(0, READ_ALL(self));
	ASSERT_EQ(0, cn_nl_cluster_get(self->nl, self->cid, NULL, &c));
	EXPECT_EQ(0u, c.seq);
	EXPECT_EQ(0u, c.posted);
	ASSERT_EQ(0, cn_nl_post1(self->nl, self->cid, CLUSNOTIFY_OBJ_NODE,
				 CLUSNOTIFY_NODE_DELETED, "sentinel"));
	ASSERT_EQ(0, cn_nl_recv_event(mc, mev, 2000));
	EXPECT_STREQ("sentinel", mev->id);
	EXPECT_EQ(1u, mev->seq);
	ASSERT_EQ(1, READ_ALL(self));
	EXPECT_STREQ("sentinel", self->rec[0].id);
	free(mev);
	cn_nl_close(mc);
}

/* "An event names its object": EV_OBJ_ID is not optional. */
TEST_F(nl, event_needs_an_object_id)
{
	struct bad_ev b = { CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_STATE, NULL,
			    0, 0, self->cid, 0 };
	struct cn_cluster c;

	ASSERT_EQ(0, cn_add_filter(self->fd, self->cid, K1, CLUSNOTIFY_OBJ_NODE,
				   CLUSNOTIFY_NODE_ALL));
	EXPECT_EQ(-EINVAL, raw(self->nl, CLUSNOTIFY_CMD_EVENT_POST, 0, put_bad_event, &b));
	b.good_first = 1;
	EXPECT_EQ(-EINVAL, raw(self->nl, CLUSNOTIFY_CMD_EVENT_POST, 0, put_bad_event, &b));
	EXPECT_EQ(0, READ_ALL(self));
	ASSERT_EQ(0, cn_nl_cluster_get(self->nl, self->cid, NULL, &c));
	EXPECT_EQ(0u, c.posted);
}

/* Strings are UTF-8 ("bounded UTF-8 strings"). */
TEST_F(nl, strings_must_be_utf8)
{
	static const char * const bad[] = {
		"\xff\xfe", "ab\xc3", "\xc0\xaf", "\xed\xa0\x80",
	};
	struct cn_cluster c;
	unsigned int i;
	uint32_t id;

	ASSERT_EQ(0, cn_add_filter(self->fd, self->cid, K1, CLUSNOTIFY_OBJ_NODE,
				   CLUSNOTIFY_NODE_ALL));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct cn_event ev = { .type = CLUSNOTIFY_OBJ_NODE,
				       .flag = CLUSNOTIFY_NODE_STATE, .id = "n1",
				       .name = bad[i] };
		struct cn_object o = { .type = CLUSNOTIFY_OBJ_NODE, .id = bad[i] };

		EXPECT_EQ(-EINVAL, cn_nl_post(self->nl, self->cid, &ev, 1, NULL))
			TH_LOG("string %u", i);
		ev.name = NULL;
		ev.id = bad[i];
		EXPECT_EQ(-EINVAL, cn_nl_post(self->nl, self->cid, &ev, 1, NULL))
			TH_LOG("string %u", i);
		EXPECT_EQ(-EINVAL, cn_nl_object_set(self->nl, self->cid, &o, 1))
			TH_LOG("string %u", i);
		EXPECT_EQ(-EINVAL, cn_nl_cluster_register(self->nl, bad[i], &id))
			TH_LOG("string %u", i);
		EXPECT_EQ(-EINVAL, cn_register(self->fd, self->cid, CLUSNOTIFY_OBJ_NODE,
					       CLUSNOTIFY_NODE_STATE, K1, bad[i], NULL))
			TH_LOG("string %u", i);
	}
	EXPECT_EQ(0, READ_ALL(self));
	ASSERT_EQ(0, cn_nl_cluster_get(self->nl, self->cid, NULL, &c));
	EXPECT_EQ(0u, c.posted);
	EXPECT_EQ(0u, c.objects);

	/* and UTF-8 beyond ASCII is fine */
	{
		struct cn_event ev = { .type = CLUSNOTIFY_OBJ_NODE,
				       .flag = CLUSNOTIFY_NODE_STATE,
				       .id = "n\xc3\xa9", .name = "\xe2\x9c\x93 \xf0\x9f\x90\xa7" };

		ASSERT_EQ(0, cn_nl_post(self->nl, self->cid, &ev, 1, NULL));
		ASSERT_EQ(1, READ_ALL(self));
		EXPECT_STREQ("n\xc3\xa9", self->rec[0].id);
		EXPECT_STREQ("\xe2\x9c\x93 \xf0\x9f\x90\xa7", self->rec[0].name);
	}
}

static void put_events(struct nl_msg *m, const void *a)
{
	const struct { uint32_t cid; int n; } *b = a;
	struct nlattr *all, *one;
	int i;

	nla_put_u32(m, CLUSNOTIFY_A_CLUSTER_ID, b->cid);
	all = nla_nest_start(m, CLUSNOTIFY_A_EVENTS | NLA_F_NESTED);
	for (i = 0; i < b->n; i++) {
		one = nla_nest_start(m, CLUSNOTIFY_A_EVENT | NLA_F_NESTED);
		nla_put_u32(m, CLUSNOTIFY_EV_A_OBJ_TYPE, CLUSNOTIFY_OBJ_NODE);
		nla_put_u64(m, CLUSNOTIFY_EV_A_FLAG, CLUSNOTIFY_NODE_STATE);
		nla_put_string(m, CLUSNOTIFY_EV_A_OBJ_ID, "n1");
		nla_nest_end(m, one);
	}
	nla_nest_end(m, all);
}

/*
 * The kernel refuses one message of CLUSNOTIFY_EVENTS_MAX + 1 events as a
 * whole (a hand-made message: the library would split it); through the
 * library the same batch is two messages, every event posted in order.
 */
TEST_F_TIMEOUT(nl, event_post_batch_limit, 120)
{
	static struct cn_event ev[CLUSNOTIFY_EVENTS_MAX + 1];
	struct { uint32_t cid; int n; } b = { self->cid, CLUSNOTIFY_EVENTS_MAX + 1 };
	struct cn_cluster c;
	uint64_t seq;
	int i;

	for (i = 0; i < (int)ARRAY_SIZE(ev); i++)
		ev[i] = (struct cn_event){ .type = CLUSNOTIFY_OBJ_NODE,
					   .flag = CLUSNOTIFY_NODE_STATE, .id = "n1" };
	ASSERT_EQ(0, cn_add_filter(self->fd, self->cid, K1, CLUSNOTIFY_OBJ_NODE,
				   CLUSNOTIFY_NODE_STATE));
	EXPECT_EQ(-E2BIG, raw(self->nl, CLUSNOTIFY_CMD_EVENT_POST, 0, put_events, &b));
	EXPECT_EQ(0, READ_ALL(self));
	b.n = CLUSNOTIFY_EVENTS_MAX;
	ASSERT_EQ(0, raw(self->nl, CLUSNOTIFY_CMD_EVENT_POST, 0, put_events, &b));
	ASSERT_EQ(0, cn_nl_cluster_get(self->nl, self->cid, NULL, &c));
	EXPECT_EQ((uint64_t)CLUSNOTIFY_EVENTS_MAX, c.seq);
	EXPECT_EQ((uint64_t)CLUSNOTIFY_EVENTS_MAX, c.posted);

	ASSERT_EQ(0, cn_nl_post(self->nl, self->cid, ev, CLUSNOTIFY_EVENTS_MAX + 1, &seq));
	EXPECT_EQ((uint64_t)(2 * CLUSNOTIFY_EVENTS_MAX + 1), seq);
	ASSERT_EQ(0, cn_nl_cluster_get(self->nl, self->cid, NULL, &c));
	EXPECT_EQ((uint64_t)(2 * CLUSNOTIFY_EVENTS_MAX + 1), c.posted);
	EXPECT_EQ(c.matched, c.delivered + c.lost);
}

TEST_F(nl, multicast_mirrors_posted_events)
{
	struct cn_nl *mc = cn_nl_open();
	struct cn_mc_event *mev = malloc(sizeof(*mev));
	uint32_t state = 3;
	struct cn_event ev[2] = {
		{ .type = CLUSNOTIFY_OBJ_GROUP, .flag = CLUSNOTIFY_GROUP_STATE,
		  .id = "g1", .parent = "n1", .name = "Group One",
		  .payload = &state, .payload_len = 4 },
		{ .type = CLUSNOTIFY_OBJ_RESOURCE, .flag = CLUSNOTIFY_RESOURCE_DELETED,
		  .id = "r1", .type_name = "Disk" },
	};
	uint64_t before, after, seq;

	ASSERT_TRUE(mc != NULL && mev != NULL);
	ASSERT_EQ(0, cn_nl_subscribe(mc));
	before = cn_now_ns();
	ASSERT_EQ(0, cn_nl_post(self->nl, self->cid, ev, 2, &seq));
	after = cn_now_ns();

	ASSERT_EQ(0, cn_nl_recv_event(mc, mev, 2000));
	EXPECT_EQ(self->cid, mev->cluster_id);
	EXPECT_EQ((uint32_t)CLUSNOTIFY_OBJ_GROUP, mev->type);
	EXPECT_EQ(CLUSNOTIFY_GROUP_STATE, mev->flag);
	EXPECT_EQ(seq - 1, mev->seq);
	EXPECT_LE(before, mev->ts);
	EXPECT_GE(after, mev->ts);
	EXPECT_STREQ("g1", mev->id);
	EXPECT_STREQ("n1", mev->parent);
	EXPECT_STREQ("Group One", mev->name);
	EXPECT_EQ(4u, mev->payload_len);
	EXPECT_EQ(0, memcmp(&state, mev->payload, 4));

	ASSERT_EQ(0, cn_nl_recv_event(mc, mev, 2000));
	EXPECT_EQ(self->cid, mev->cluster_id);
	EXPECT_EQ((uint32_t)CLUSNOTIFY_OBJ_RESOURCE, mev->type);
	EXPECT_EQ(CLUSNOTIFY_RESOURCE_DELETED, mev->flag);
	EXPECT_EQ(seq, mev->seq);
	EXPECT_STREQ("r1", mev->id);
	EXPECT_STREQ("Disk", mev->type_name);

	EXPECT_EQ(-ETIMEDOUT, cn_nl_recv_event(mc, mev, 200));
	free(mev);
	cn_nl_close(mc);
}

/*
 * A poster SIGKILLed in the middle of a long batch: the module stops it at
 * the next section's end and what it posted is a prefix of the batch, as
 * the uapi header promises (EVENT_POST): every port has the same first k
 * events, with consecutive sequence numbers, the cluster's sequence and
 * posted count stop at k, and the registry took the states of those k
 * events only.
 * A module that finished the batch regardless would give k == the batch.
 */
#define KILL_PORTS	1000
#define KILL_TRIES	3

struct kill_run {
	uint32_t cid;
	int obs;			/* the observer port */
	int ports[KILL_PORTS];
	struct cn_cluster c0;
};

static struct cn_event kill_ev[CLUSNOTIFY_EVENTS_MAX];
static struct cn_object kill_obj[CLUSNOTIFY_EVENTS_MAX];
static char kill_ids[CLUSNOTIFY_EVENTS_MAX][8];
static const int32_t kill_before = 1, kill_after = 2;

/* A cluster of its own, its objects, 1,000 ports and the observer. */
static int kill_setup(struct cn_nl *nl, struct kill_run *k)
{
	char name[CLUSNOTIFY_CLUSTER_NAME_MAX];
	int i, ret;

	ret = cn_nl_cluster_register(nl, cn_name(name, sizeof(name), "nlkill"),
				     &k->cid);
	if (!ret)
		ret = cn_nl_object_set(nl, k->cid, kill_obj, CLUSNOTIFY_EVENTS_MAX);
	k->obs = cn_open(0);
	if (!ret && k->obs < 0)
		ret = -errno;
	if (!ret)
		ret = cn_add_filter(k->obs, k->cid, K1, CLUSNOTIFY_OBJ_RESOURCE,
				    CLUSNOTIFY_RESOURCE_STATE);
	for (i = 0; i < KILL_PORTS; i++) {
		k->ports[i] = ret ? -1 : cn_open(O_NONBLOCK);
		if (!ret && k->ports[i] < 0)
			ret = -errno;
		if (!ret)
			ret = cn_add_filter(k->ports[i], k->cid, K2,
					    CLUSNOTIFY_OBJ_RESOURCE,
					    CLUSNOTIFY_RESOURCE_STATE);
	}
	if (!ret)
		ret = cn_nl_cluster_get(nl, k->cid, NULL, &k->c0);
	return ret;
}

static void kill_teardown(struct cn_nl *nl, struct kill_run *k)
{
	int i;

	for (i = 0; i < KILL_PORTS; i++)
		if (k->ports[i] >= 0)
			close(k->ports[i]);
	if (k->obs >= 0)
		close(k->obs);
	if (k->cid)
		cn_nl_cluster_unregister(nl, k->cid);
	k->cid = 0;
}

/*
 * Forks a poster of the whole batch and SIGKILLs it once the observer has
 * a record: a long batch wakes the ports it queued to as it goes, so that
 * comes a few dozen events in, with the rest of the 1,024 still to go to
 * 1,000 ports. Returns the poster's status as cn_wait_child() gives it (0 if it
 * posted the whole batch before the kill came), or -ETIMEDOUT if nothing
 * came in a minute.
 */
static int kill_poster(struct kill_run *k)
{
	int ready[2], status;
	bool came;
	pid_t pid;
	char b;

	if (pipe(ready))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		struct cn_nl *nl = cn_nl_open();

		close(ready[0]);
		CHILD_CHECK(nl != NULL);
		CHILD_CHECK(write(ready[1], "r", 1) == 1);
		/* One batch: the whole of it, or a prefix if killed. */
		CHILD_CHECK(cn_nl_post(nl, k->cid, kill_ev, CLUSNOTIFY_EVENTS_MAX,
				       NULL) == 0);
		_exit(0);
	}
	close(ready[1]);
	came = read(ready[0], &b, 1) == 1 && cn_wait(k->obs, 60000) > 0;
	kill(pid, SIGKILL);
	close(ready[0]);
	status = cn_wait_child(pid);
	return came ? status : -ETIMEDOUT;
}

TEST_F_TIMEOUT(nl, poster_killed_mid_batch_posts_a_prefix, 600)
{
	struct rlimit rl = { .rlim_cur = KILL_PORTS + 256, .rlim_max = KILL_PORTS + 256 };
	static struct cn_object_out out[CLUSNOTIFY_EVENTS_MAX + 16];
	int check[] = { 0, KILL_PORTS / 2, KILL_PORTS - 1 };
	static struct kill_run k;
	struct cn_cluster c;
	int attempt, i, j, m, n = 0, seen, status;

	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
	for (i = 0; i < CLUSNOTIFY_EVENTS_MAX; i++) {
		snprintf(kill_ids[i], sizeof(kill_ids[i]), "r%d", i);
		kill_obj[i] = (struct cn_object){ .type = CLUSNOTIFY_OBJ_RESOURCE,
						  .id = kill_ids[i], .has_state = true,
						  .state = kill_before };
		kill_ev[i] = (struct cn_event){ .type = CLUSNOTIFY_OBJ_RESOURCE,
						.flag = CLUSNOTIFY_RESOURCE_STATE,
						.id = kill_ids[i], .payload = &kill_after,
						.payload_len = sizeof(kill_after) };
	}
	/*
	 * The kill lands 3-8% into the batch on either kernel. One that
	 * came only after the batch (the parent kept off its vCPU that long)
	 * proves nothing either way: try again, on a fresh cluster. A module
	 * that ignores the kill posts the whole batch every time.
	 */
	for (attempt = 0; attempt < KILL_TRIES; attempt++) {
		if (attempt)
			kill_teardown(self->nl, &k);
		ASSERT_EQ(0, kill_setup(self->nl, &k));
		status = kill_poster(&k);
		ASSERT_TRUE(status == 128 + SIGKILL || status == 0)
			TH_LOG("poster: %d", status);
		n = cn_read_all(k.obs, self->buf, CN_BUF * 4, self->rec,
				ARRAY_SIZE(self->rec), 0);
		ASSERT_LT(0, n);
		TH_LOG("attempt %d: %d of the batch's %d events posted before the kill",
		       attempt + 1, n, CLUSNOTIFY_EVENTS_MAX);
		/*
		 * The whole batch: the kill came after it (the poster may
		 * have died on its way out, or exited first); try again.
		 */
		if (n < CLUSNOTIFY_EVENTS_MAX)
			break;
	}
	ASSERT_LT(n, CLUSNOTIFY_EVENTS_MAX) TH_LOG("every batch was posted whole");
	ASSERT_EQ(128 + SIGKILL, status);
	for (i = 0; i < n; i++) {
		EXPECT_EQ(0u, self->rec[i].h.flags);
		EXPECT_EQ(k.c0.seq + 1 + i, self->rec[i].h.seq);
		EXPECT_STREQ(kill_ids[i], self->rec[i].id);
	}
	ASSERT_EQ(0, cn_nl_cluster_get(self->nl, k.cid, NULL, &c));
	EXPECT_EQ(k.c0.seq + n, c.seq);
	EXPECT_EQ(k.c0.posted + n, c.posted);
	/* Each of those n reached the 1,000 ports and the observer, all of it queued. */
	EXPECT_EQ(k.c0.matched + (uint64_t)n * (KILL_PORTS + 1), c.matched);
	EXPECT_EQ(k.c0.delivered + (uint64_t)n * (KILL_PORTS + 1), c.delivered);
	EXPECT_EQ(k.c0.lost, c.lost);
	for (j = 0; j < (int)ARRAY_SIZE(check); j++) {
		seen = cn_read_all(k.ports[check[j]], self->buf, CN_BUF * 4, self->rec,
				   ARRAY_SIZE(self->rec), 0);
		EXPECT_EQ(n, seen) TH_LOG("port %d", check[j]);
		if (seen > 0)
			EXPECT_EQ(k.c0.seq + seen, self->rec[seen - 1].h.seq);
	}

	/* The registry: the events posted changed their objects, no other. */
	ASSERT_EQ(0, cn_nl_object_dump(self->nl, k.cid, out, ARRAY_SIZE(out), &m));
	ASSERT_EQ(CLUSNOTIFY_EVENTS_MAX, m);
	for (i = 0; i < m; i++) {
		int idx = atoi(out[i].id + 1);

		ASSERT_TRUE(out[i].has_state);
		EXPECT_EQ(idx < n ? kill_after : kill_before, out[i].state)
			TH_LOG("%s, with %d events posted", out[i].id, n);
	}
	kill_teardown(self->nl, &k);
}

TEST_HARNESS_MAIN
