// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for clusnotify's internals: clusnotify_kunit.ko.
 *
 * Every case arranges what it needs (clusters with unique names and fake
 * owner portids, kernel ports) as test-managed resources, so that everything
 * is unregistered, shut down and freed when the case ends, also when an
 * assertion stops it early, and kmemleak has nothing to report.
 *
 * The suites run when the module is loaded (insmod); tests/kunit/run.sh
 * loads it and turns the KTAP output into one line per case.
 */

#include <kunit/test.h>
#include <linux/align.h>
#include <linux/bitops.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/net.h>
#include <linux/netlink.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "internal.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
CLUSNOTIFY_IMPORT_NS();

/* A LOST record as read() returns it: header, four NULs and padding, count. */
#define KT_LOST_RECORD_LEN	(sizeof(struct clusnotify_record) + 16)
#define KT_HDR			sizeof(struct clusnotify_record)
#define KT_SNAP_END	(CLUSNOTIFY_RECORD_SNAPSHOT | CLUSNOTIFY_RECORD_SYNTHETIC | \
			 CLUSNOTIFY_RECORD_SNAPSHOT_END)
#define KT_KEY			0x6b65790000000001ULL

/* ------------------------------------------------------------------------ */
/* Test-managed resources                                                    */

typedef void (*kt_release_fn)(void *arg);

struct kt_defer {
	kt_release_fn fn;
	void *arg;
};

static void kt_defer_free(struct kunit_resource *res)
{
	struct kt_defer *d = res->data;

	d->fn(d->arg);
	kfree(d);
}

/* Runs fn(arg) when the case ends; the last deferred runs first. */
static void kt_defer(struct kunit *test, kt_release_fn fn, void *arg)
{
	struct kt_defer *d = kmalloc(sizeof(*d), GFP_KERNEL);

	if (d) {
		d->fn = fn;
		d->arg = arg;
		if (kunit_alloc_resource(test, NULL, kt_defer_free, GFP_KERNEL, d))
			return;
		kfree(d);
	}
	fn(arg);
	KUNIT_ASSERT_FAILURE(test, "no memory for a test resource");
}

static bool kt_match_arg(struct kunit *test, struct kunit_resource *res,
			 void *arg)
{
	return res->free == kt_defer_free &&
	       ((struct kt_defer *)res->data)->arg == arg;
}

/* Runs now what kt_defer() would have run at the end. */
static void kt_release_now(struct kunit *test, void *arg)
{
	KUNIT_EXPECT_EQ(test, kunit_destroy_resource(test, kt_match_arg, arg), 0);
}

/* ------------------------------------------------------------------------ */
/* Clusters, ports, events                                                   */

/* Fake owner portids: above any pid, below netlink's autobind ids. */
#define KT_PORTID_BASE	0x40000000U

static atomic_t kt_serial = ATOMIC_INIT(0);

struct kt_cluster {
	struct cn_cluster *cl;
	u32 id;
	u32 portid;
	char name[CLUSNOTIFY_CLUSTER_NAME_MAX];
};

static void kt_cluster_release(void *arg)
{
	struct kt_cluster *c = arg;

	/* -ENOENT if the case unregistered it itself. */
	cn_cluster_unregister(&init_net, c->id, c->portid, NULL);
	cn_cluster_put(c->cl);
	kfree(c);
}

static struct kt_cluster *kt_cluster_new(struct kunit *test)
{
	int n = atomic_inc_return(&kt_serial);
	struct kt_cluster *c;
	int ret;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	snprintf(c->name, sizeof(c->name), "kunit-%d-%s", n, test->name);
	c->portid = KT_PORTID_BASE + n;
	ret = cn_cluster_register(&init_net, c->name, c->portid, NULL, &c->id);
	if (ret) {
		kfree(c);
		KUNIT_ASSERT_EQ_MSG(test, ret, 0,
				    "cn_cluster_register: clusters left over in init_net?");
	}
	c->cl = cn_cluster_get_by_id(&init_net, c->id);
	if (!c->cl) {
		cn_cluster_unregister(&init_net, c->id, c->portid, NULL);
		kfree(c);
		KUNIT_ASSERT_FAILURE(test, "a registered cluster is not found by id");
	}
	kt_defer(test, kt_cluster_release, c);
	return c;
}

static void kt_port_release(void *arg)
{
	struct cn_port *port = arg;

	cn_port_shutdown(port);
	cn_filter_detach_port(port);
	cn_port_destroy(port);
}

static struct cn_port *kt_port_new(struct kunit *test)
{
	struct cn_port *port = cn_port_create(&init_net, true);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, port);
	kt_defer(test, kt_port_release, port);
	return port;
}

static void kt_port_set_limit(struct cn_port *port, u32 limit)
{
	spin_lock(&port->lock);
	port->limit = limit;
	spin_unlock(&port->lock);
}

static void kt_event_release(void *arg)
{
	cn_event_put(arg);
}

static void kt_filter(struct kunit *test, struct cn_port *port, u32 cid,
		      u64 key, u32 type, u64 mask)
{
	struct clusnotify_filter f = { .object_type = type, .flags = mask };

	KUNIT_ASSERT_EQ(test, cn_filter_add(port, cid, key, &f, 1, NULL), 0);
}

static u64 kt_post(struct kunit *test, struct kt_cluster *c, u32 type,
		   u64 flag, const char *id)
{
	struct clusnotify_post_event d = {
		.object_type = type, .flag = flag, .object_id = id,
	};
	u64 seq = 0;

	KUNIT_ASSERT_EQ(test, cn_cluster_post(c->cl, &d, 1, &seq), 0);
	return seq;
}

static void kt_obj_set(struct kunit *test, struct kt_cluster *c, u32 type,
		       const char *id, const char *name, const char *parent,
		       const char *type_name, s32 state)
{
	struct cn_object *o = kunit_kzalloc(test, sizeof(*o), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, o);
	o->type = type;
	o->state = state;
	strscpy(o->id, id, sizeof(o->id));
	strscpy(o->name, name ?: id, sizeof(o->name));
	strscpy(o->parent, parent ?: "", sizeof(o->parent));
	strscpy(o->type_name, type_name ?: "", sizeof(o->type_name));
	KUNIT_ASSERT_EQ(test, cn_cluster_object_set(c->cl, o), 0);
}

static void kt_stats(struct cn_port *port, struct clusnotify_port_stats *st)
{
	memset(st, 0, sizeof(*st));
	cn_port_stats(port, st);
}

#define KT_EXPECT_BALANCED(test, st)					\
	KUNIT_EXPECT_EQ_MSG(test, (st).matched, (st).delivered + (st).lost, \
			    "matched != delivered + lost")

/* One record taken off a port: an event, or (ev NULL) a count of lost. */
struct kt_rec {
	struct cn_event *ev;
	u64 key;
	u64 lost;
	u32 lost_cluster;
	u64 lost_epoch;
	u64 lost_first;
	u64 lost_last;
};

/* The event's reference is dropped when the case ends. */
static bool kt_pop(struct kunit *test, struct cn_port *port, struct kt_rec *r)
{
	struct cn_popped p;

	memset(r, 0, sizeof(*r));
	if (!cn_port_pop(port, &p))
		return false;
	r->ev = p.ev;
	r->key = p.key;
	r->lost = p.lost;
	r->lost_cluster = p.lost_cluster;
	r->lost_epoch = p.lost_epoch;
	r->lost_first = p.lost_first;
	r->lost_last = p.lost_last;
	if (p.ev)
		kt_defer(test, kt_event_release, p.ev);
	return true;
}

#define KT_ASSERT_POP_EVENT(test, port, r)				\
	do {								\
		KUNIT_ASSERT_TRUE_MSG(test, kt_pop(test, port, r),	\
				      "expected an event, the queue is empty"); \
		KUNIT_ASSERT_NOT_NULL_MSG(test, (r)->ev,		\
			"expected an event, got a LOST record (%llu)",	\
			(r)->lost);					\
	} while (0)

#define KT_ASSERT_POP_LOST(test, port, r)				\
	do {								\
		KUNIT_ASSERT_TRUE_MSG(test, kt_pop(test, port, r),	\
				      "expected a LOST record, the queue is empty"); \
		KUNIT_ASSERT_NULL_MSG(test, (r)->ev,			\
				      "expected a LOST record, got an event"); \
	} while (0)

#define KT_EXPECT_EMPTY(test, port)					\
	do {								\
		struct kt_rec __r;					\
		KUNIT_EXPECT_FALSE_MSG(test, kt_pop(test, port, &__r),	\
				       "the queue should be empty");	\
	} while (0)

static const char *kt_ev_parent(const struct cn_event *ev)
{
	return ev->data + ev->id_len + 1;
}

static const char *kt_ev_name(const struct cn_event *ev)
{
	return kt_ev_parent(ev) + ev->parent_len + 1;
}

static const char *kt_ev_type_name(const struct cn_event *ev)
{
	return kt_ev_name(ev) + ev->name_len + 1;
}

static const void *kt_ev_payload(const struct cn_event *ev)
{
	return ev->data + ev->payload_off - KT_HDR;
}

static u32 kt_ev_u32(const struct cn_event *ev)
{
	u32 v = 0;

	if (ev->payload_len == sizeof(v))
		memcpy(&v, kt_ev_payload(ev), sizeof(v));
	return v;
}

static void kt_copy_desc(const char *name, char *desc)
{
	strscpy(desc, name, KUNIT_PARAM_DESC_SIZE);
}

/* ------------------------------------------------------------------------ */
/* What the uapi header says of each type, independently of the module.     */

struct kt_type {
	const char *name;
	u32 type;
	u64 all;
	u64 state;
	u64 handle_close;
};

static const struct kt_type kt_types[] = {
	{ "none", CLUSNOTIFY_OBJ_NONE, 0, 0, 0 },
	{ "cluster", CLUSNOTIFY_OBJ_CLUSTER, CLUSNOTIFY_CLUSTER_ALL,
	  CLUSNOTIFY_CLUSTER_STATE, CLUSNOTIFY_CLUSTER_HANDLE_CLOSE },
	{ "group", CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_ALL,
	  CLUSNOTIFY_GROUP_STATE, CLUSNOTIFY_GROUP_HANDLE_CLOSE },
	{ "resource", CLUSNOTIFY_OBJ_RESOURCE, CLUSNOTIFY_RESOURCE_ALL,
	  CLUSNOTIFY_RESOURCE_STATE, CLUSNOTIFY_RESOURCE_HANDLE_CLOSE },
	{ "resource_type", CLUSNOTIFY_OBJ_RESOURCE_TYPE,
	  CLUSNOTIFY_RESOURCE_TYPE_ALL, 0, 0 },
	{ "network_interface", CLUSNOTIFY_OBJ_NETWORK_INTERFACE,
	  CLUSNOTIFY_NETINTERFACE_ALL, CLUSNOTIFY_NETINTERFACE_STATE,
	  CLUSNOTIFY_NETINTERFACE_HANDLE_CLOSE },
	{ "network", CLUSNOTIFY_OBJ_NETWORK, CLUSNOTIFY_NETWORK_ALL,
	  CLUSNOTIFY_NETWORK_STATE, CLUSNOTIFY_NETWORK_HANDLE_CLOSE },
	{ "node", CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_ALL,
	  CLUSNOTIFY_NODE_STATE, CLUSNOTIFY_NODE_HANDLE_CLOSE },
	{ "registry", CLUSNOTIFY_OBJ_REGISTRY, CLUSNOTIFY_REGISTRY_ALL, 0,
	  CLUSNOTIFY_REGISTRY_HANDLE_CLOSE },
	{ "quorum", CLUSNOTIFY_OBJ_QUORUM, CLUSNOTIFY_QUORUM_ALL,
	  CLUSNOTIFY_QUORUM_STATE, 0 },
	{ "shared_volume", CLUSNOTIFY_OBJ_SHARED_VOLUME,
	  CLUSNOTIFY_SHARED_VOLUME_ALL, CLUSNOTIFY_SHARED_VOLUME_STATE, 0 },
	{ "spaceport", CLUSNOTIFY_OBJ_SPACEPORT, CLUSNOTIFY_SPACEPORT_ALL, 0, 0 },
	{ "upgrade", CLUSNOTIFY_OBJ_UPGRADE, CLUSNOTIFY_UPGRADE_ALL, 0, 0 },
	{ "groupset", CLUSNOTIFY_OBJ_GROUPSET, CLUSNOTIFY_GROUPSET_ALL,
	  CLUSNOTIFY_GROUPSET_STATE, CLUSNOTIFY_GROUPSET_HANDLE_CLOSE },
	{ "unassigned_0x0e", 0x0e, 0, 0, 0 },
	{ "unassigned_0x0f", 0x0f, 0, 0, 0 },
	{ "affinityrule", CLUSNOTIFY_OBJ_AFFINITYRULE, 0, 0, 0 },
	{ "faultdomain", CLUSNOTIFY_OBJ_FAULTDOMAIN, 0, 0, 0 },
	{ "past_max", CLUSNOTIFY_OBJ_MAX + 1, 0, 0, 0 },
};

/* A producer may post a flag unless the module makes it (see the uapi). */
static bool kt_postable(const struct kt_type *t, u64 flag)
{
	if (hweight64(flag) != 1 || !(flag & t->all))
		return false;
	if (flag == t->handle_close)
		return false;
	if (t->type == CLUSNOTIFY_OBJ_CLUSTER &&
	    (flag & (CLUSNOTIFY_CLUSTER_RECONNECT | CLUSNOTIFY_CLUSTER_STATE |
		     CLUSNOTIFY_CLUSTER_LOST_NOTIFICATIONS)))
		return false;
	if (t->type == CLUSNOTIFY_OBJ_REGISTRY &&
	    flag == CLUSNOTIFY_REGISTRY_SUBTREE)
		return false;
	return true;
}

static const struct kt_type *kt_type_of(u32 type)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kt_types); i++)
		if (kt_types[i].type == type)
			return &kt_types[i];
	return &kt_types[0];
}

static u64 kt_postable_mask(u32 type)
{
	const struct kt_type *t = kt_type_of(type);
	u64 m = 0;
	int bit;

	for (bit = 0; bit < 64; bit++)
		if (kt_postable(t, BIT_ULL(bit)))
			m |= BIT_ULL(bit);
	return m;
}

/* Strings at and past their bounds. */
static const char kt_id_63[CLUSNOTIFY_ID_MAX] = {
	[0 ... CLUSNOTIFY_ID_MAX - 2] = 'i' };
static const char kt_id_64[CLUSNOTIFY_ID_MAX + 1] = {
	[0 ... CLUSNOTIFY_ID_MAX - 1] = 'i' };
static const char kt_name_255[CLUSNOTIFY_NAME_MAX] = {
	[0 ... CLUSNOTIFY_NAME_MAX - 2] = 'n' };
static const char kt_name_256[CLUSNOTIFY_NAME_MAX + 1] = {
	[0 ... CLUSNOTIFY_NAME_MAX - 1] = 'n' };
static const u8 kt_payload_max[CLUSNOTIFY_PAYLOAD_MAX + 1];

/* ======================================================================== */
/* Suite: validation                                                         */

static void kt_type_desc(const struct kt_type *t, char *desc)
{
	kt_copy_desc(t->name, desc);
}

KUNIT_ARRAY_PARAM(kt_types, kt_types, kt_type_desc);

/* The module's type table says what the uapi header says. */
static void type_table_matches_uapi(struct kunit *test)
{
	const struct kt_type *t = test->param_value;
	const struct cn_type_info *ti = cn_type_info(t->type);
	int bit;

	KUNIT_ASSERT_NOT_NULL(test, ti);
	KUNIT_EXPECT_EQ(test, ti->all, t->all);
	KUNIT_EXPECT_EQ(test, ti->state, t->state);
	KUNIT_EXPECT_EQ(test, ti->handle_close, t->handle_close);

	if (!t->all) {
		KUNIT_EXPECT_EQ(test, cn_filter_validate(t->type, 1), -EINVAL);
		KUNIT_EXPECT_EQ(test, cn_filter_validate(t->type, U64_MAX), -EINVAL);
		return;
	}
	KUNIT_EXPECT_EQ(test, cn_filter_validate(t->type, t->all), 0);
	for (bit = 0; bit < 64; bit++)
		KUNIT_EXPECT_EQ_MSG(test, cn_filter_validate(t->type, BIT_ULL(bit)),
				    (t->all & BIT_ULL(bit)) ? 0 : -EINVAL,
				    "flag bit %d", bit);
	KUNIT_EXPECT_EQ(test, cn_filter_validate(t->type, t->all | (t->all + 1)),
			-EINVAL);
}

struct kt_filter_case {
	const char *name;
	u32 type;
	u64 mask;
	int want;
};

static const struct kt_filter_case kt_filter_cases[] = {
	{ "type_none_takes_no_filter", CLUSNOTIFY_OBJ_NONE, 1, -EINVAL },
	{ "affinityrule_takes_no_filter", CLUSNOTIFY_OBJ_AFFINITYRULE, 1, -EINVAL },
	{ "faultdomain_takes_no_filter", CLUSNOTIFY_OBJ_FAULTDOMAIN, 1, -EINVAL },
	{ "unassigned_type_0x0e", 0x0e, 1, -EINVAL },
	{ "type_past_max", CLUSNOTIFY_OBJ_MAX + 1, 1, -EINVAL },
	{ "type_u32_max", U32_MAX, 1, -EINVAL },
	{ "zero_mask", CLUSNOTIFY_OBJ_CLUSTER, 0, -EINVAL },
	{ "mask_one_past_all", CLUSNOTIFY_OBJ_CLUSTER, CLUSNOTIFY_CLUSTER_ALL + 1, -EINVAL },
	{ "mask_bit_63", CLUSNOTIFY_OBJ_GROUP, BIT_ULL(63), -EINVAL },
	{ "all_plus_a_bit_outside", CLUSNOTIFY_OBJ_RESOURCE,
	  CLUSNOTIFY_RESOURCE_ALL | BIT_ULL(11), -EINVAL },
	{ "quorum_second_bit", CLUSNOTIFY_OBJ_QUORUM, 2, -EINVAL },
	{ "one_flag", CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_STATE, 0 },
	{ "highest_cluster_flag", CLUSNOTIFY_OBJ_CLUSTER, CLUSNOTIFY_CLUSTER_UPGRADED, 0 },
	{ "lost_notifications_may_be_asked_for", CLUSNOTIFY_OBJ_CLUSTER,
	  CLUSNOTIFY_CLUSTER_LOST_NOTIFICATIONS, 0 },
	{ "handle_close_may_be_asked_for", CLUSNOTIFY_OBJ_GROUP,
	  CLUSNOTIFY_GROUP_HANDLE_CLOSE, 0 },
	{ "registry_subtree_may_be_asked_for", CLUSNOTIFY_OBJ_REGISTRY,
	  CLUSNOTIFY_REGISTRY_SUBTREE, 0 },
};

static void kt_filter_case_desc(const struct kt_filter_case *c, char *desc)
{
	kt_copy_desc(c->name, desc);
}

KUNIT_ARRAY_PARAM(kt_filter_cases, kt_filter_cases, kt_filter_case_desc);

static void filter_validate(struct kunit *test)
{
	const struct kt_filter_case *p = test->param_value;

	KUNIT_EXPECT_EQ(test, cn_filter_validate(p->type, p->mask), p->want);
}

struct kt_flag_case {
	const char *name;
	u32 type;
	u64 flag;
	int want;
};

static const struct kt_flag_case kt_flag_cases[] = {
	{ "cluster_reconnect_is_the_modules", CLUSNOTIFY_OBJ_CLUSTER,
	  CLUSNOTIFY_CLUSTER_RECONNECT, -EINVAL },
	{ "cluster_state_is_the_modules", CLUSNOTIFY_OBJ_CLUSTER,
	  CLUSNOTIFY_CLUSTER_STATE, -EINVAL },
	{ "cluster_lost_notifications_is_the_modules", CLUSNOTIFY_OBJ_CLUSTER,
	  CLUSNOTIFY_CLUSTER_LOST_NOTIFICATIONS, -EINVAL },
	{ "cluster_handle_close", CLUSNOTIFY_OBJ_CLUSTER,
	  CLUSNOTIFY_CLUSTER_HANDLE_CLOSE, -EINVAL },
	{ "group_handle_close", CLUSNOTIFY_OBJ_GROUP,
	  CLUSNOTIFY_GROUP_HANDLE_CLOSE, -EINVAL },
	{ "resource_handle_close", CLUSNOTIFY_OBJ_RESOURCE,
	  CLUSNOTIFY_RESOURCE_HANDLE_CLOSE, -EINVAL },
	{ "netinterface_handle_close", CLUSNOTIFY_OBJ_NETWORK_INTERFACE,
	  CLUSNOTIFY_NETINTERFACE_HANDLE_CLOSE, -EINVAL },
	{ "network_handle_close", CLUSNOTIFY_OBJ_NETWORK,
	  CLUSNOTIFY_NETWORK_HANDLE_CLOSE, -EINVAL },
	{ "node_handle_close", CLUSNOTIFY_OBJ_NODE,
	  CLUSNOTIFY_NODE_HANDLE_CLOSE, -EINVAL },
	{ "registry_handle_close", CLUSNOTIFY_OBJ_REGISTRY,
	  CLUSNOTIFY_REGISTRY_HANDLE_CLOSE, -EINVAL },
	{ "groupset_handle_close", CLUSNOTIFY_OBJ_GROUPSET,
	  CLUSNOTIFY_GROUPSET_HANDLE_CLOSE, -EINVAL },
	{ "registry_subtree_is_a_scope_modifier", CLUSNOTIFY_OBJ_REGISTRY,
	  CLUSNOTIFY_REGISTRY_SUBTREE, -EINVAL },
	{ "zero_flag", CLUSNOTIFY_OBJ_GROUP, 0, -EINVAL },
	{ "two_flags", CLUSNOTIFY_OBJ_GROUP,
	  CLUSNOTIFY_GROUP_STATE | CLUSNOTIFY_GROUP_DELETED, -EINVAL },
	{ "flag_outside_all", CLUSNOTIFY_OBJ_QUORUM, 2, -EINVAL },
	{ "bit_63", CLUSNOTIFY_OBJ_NODE, BIT_ULL(63), -EINVAL },
	{ "type_without_flags", CLUSNOTIFY_OBJ_AFFINITYRULE, 1, -EINVAL },
	{ "type_past_max", CLUSNOTIFY_OBJ_MAX + 1, 1, -EINVAL },
	{ "cluster_group_added", CLUSNOTIFY_OBJ_CLUSTER,
	  CLUSNOTIFY_CLUSTER_GROUP_ADDED, 0 },
	{ "cluster_upgraded", CLUSNOTIFY_OBJ_CLUSTER, CLUSNOTIFY_CLUSTER_UPGRADED, 0 },
	{ "group_state", CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE, 0 },
	{ "resource_terminal_state", CLUSNOTIFY_OBJ_RESOURCE,
	  CLUSNOTIFY_RESOURCE_TERMINAL_STATE, 0 },
	{ "quorum_state", CLUSNOTIFY_OBJ_QUORUM, CLUSNOTIFY_QUORUM_STATE, 0 },
	{ "registry_value", CLUSNOTIFY_OBJ_REGISTRY, CLUSNOTIFY_REGISTRY_VALUE, 0 },
	{ "spaceport_custom_pnp", CLUSNOTIFY_OBJ_SPACEPORT,
	  CLUSNOTIFY_SPACEPORT_CUSTOM_PNP, 0 },
	{ "groupset_dependents", CLUSNOTIFY_OBJ_GROUPSET,
	  CLUSNOTIFY_GROUPSET_DEPENDENTS, 0 },
};

static void kt_flag_case_desc(const struct kt_flag_case *c, char *desc)
{
	kt_copy_desc(c->name, desc);
}

KUNIT_ARRAY_PARAM(kt_flag_cases, kt_flag_cases, kt_flag_case_desc);

static void event_flag_validate(struct kunit *test)
{
	const struct kt_flag_case *p = test->param_value;

	KUNIT_EXPECT_EQ(test, cn_event_flag_validate(p->type, p->flag), p->want);
}

/* Every bit of every type: postable exactly when the uapi says so. */
static void event_flag_every_bit_of_every_type(struct kunit *test)
{
	unsigned int i;
	int bit;

	for (i = 0; i < ARRAY_SIZE(kt_types); i++) {
		const struct kt_type *t = &kt_types[i];

		for (bit = 0; bit < 64; bit++)
			KUNIT_EXPECT_EQ_MSG(test,
				cn_event_flag_validate(t->type, BIT_ULL(bit)),
				kt_postable(t, BIT_ULL(bit)) ? 0 : -EINVAL,
				"type %s, flag bit %d", t->name, bit);
	}
}

struct kt_str_case {
	const char *name;
	const char *s;
	size_t max;
	bool want;
};

static const struct kt_str_case kt_str_cases[] = {
	{ "empty", "", 64, true },
	{ "ascii", "node-1", 64, true },
	{ "two_byte_e_acute", "caf\xc3\xa9", 64, true },
	{ "three_byte_euro_sign", "\xe2\x82\xac", 64, true },
	{ "four_byte_emoji", "\xf0\x9f\x98\x80", 64, true },
	{ "highest_code_point", "\xf4\x8f\xbf\xbf", 64, true },
	{ "overlong_slash", "\xc0\xaf", 64, false },
	{ "overlong_nul", "\xc0\x80", 64, false },
	{ "overlong_three_bytes", "\xe0\x80\xaf", 64, false },
	{ "overlong_four_bytes", "\xf0\x80\x80\xaf", 64, false },
	{ "high_surrogate", "\xed\xa0\x80", 64, false },
	{ "low_surrogate", "\xed\xbf\xbf", 64, false },
	{ "past_u_10ffff", "\xf4\x90\x80\x80", 64, false },
	{ "five_byte_form", "\xf8\x88\x80\x80\x80", 64, false },
	{ "byte_fe", "\xfe", 64, false },
	{ "byte_ff", "\xff", 64, false },
	{ "lone_continuation_byte", "a\x80", 64, false },
	{ "truncated_two_byte_at_end", "ab\xc3", 64, false },
	{ "truncated_three_byte_at_end", "\xe2\x82", 64, false },
	{ "truncated_four_byte_at_end", "\xf0\x9f\x98", 64, false },
	{ "lead_byte_then_ascii", "\xc3" "a", 64, false },
	{ "ascii_multibyte_ascii", "ab\xc3\xa9" "cd\xe2\x82\xac" "ef", 64, true },
	{ "bad_byte_after_valid_multibyte", "ab\xc3\xa9" "cd\xff", 64, false },
	{ "continuation_after_valid_multibyte", "\xc3\xa9" "x\x80", 64, false },
	{ "fills_its_bound", "abcd", 4, false },
	{ "one_short_of_its_bound", "abc", 4, true },
	{ "multibyte_reaching_the_bound", "ab\xc3\xa9", 4, false },
};

static void kt_str_case_desc(const struct kt_str_case *c, char *desc)
{
	kt_copy_desc(c->name, desc);
}

KUNIT_ARRAY_PARAM(kt_str_cases, kt_str_cases, kt_str_case_desc);

static void string_valid(struct kunit *test)
{
	const struct kt_str_case *p = test->param_value;

	KUNIT_EXPECT_EQ(test, cn_string_valid(p->s, p->max), p->want);
}

struct kt_bound_str_case {
	const char *name;
	size_t len;	/* bytes of 'a' */
	const char *tail;	/* appended */
	size_t max;
	bool want;
};

static const struct kt_bound_str_case kt_bound_str_cases[] = {
	{ "id_63_bytes", 63, "", CLUSNOTIFY_ID_MAX, true },
	{ "id_64_bytes", 64, "", CLUSNOTIFY_ID_MAX, false },
	{ "id_ending_in_two_byte_char_at_63", 61, "\xc3\xa9", CLUSNOTIFY_ID_MAX, true },
	{ "id_ending_in_two_byte_char_at_64", 62, "\xc3\xa9", CLUSNOTIFY_ID_MAX, false },
	{ "name_255_bytes", 255, "", CLUSNOTIFY_NAME_MAX, true },
	{ "name_256_bytes", 256, "", CLUSNOTIFY_NAME_MAX, false },
	{ "type_name_63_bytes", 63, "", CLUSNOTIFY_TYPE_NAME_MAX, true },
	{ "type_name_64_bytes", 64, "", CLUSNOTIFY_TYPE_NAME_MAX, false },
	{ "cluster_name_63_bytes", 63, "", CLUSNOTIFY_CLUSTER_NAME_MAX, true },
	{ "cluster_name_64_bytes", 64, "", CLUSNOTIFY_CLUSTER_NAME_MAX, false },
};

static void kt_bound_str_case_desc(const struct kt_bound_str_case *c, char *desc)
{
	kt_copy_desc(c->name, desc);
}

KUNIT_ARRAY_PARAM(kt_bound_str_cases, kt_bound_str_cases, kt_bound_str_case_desc);

static void string_bounds(struct kunit *test)
{
	const struct kt_bound_str_case *p = test->param_value;
	size_t tl = strlen(p->tail);
	/* Room past the bound, so an over-long string is still terminated. */
	char *s = kunit_kzalloc(test, p->len + tl + 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	memset(s, 'a', p->len);
	memcpy(s + p->len, p->tail, tl);
	KUNIT_EXPECT_EQ(test, cn_string_valid(s, p->max), p->want);
}

struct kt_post_case {
	const char *name;
	struct clusnotify_post_event ev;
	int want;
};

#define KT_GS	.object_type = CLUSNOTIFY_OBJ_GROUP, .flag = CLUSNOTIFY_GROUP_STATE
/*
 * The payload that, after the longest strings, ends the record exactly at
 * CLUSNOTIFY_RECORD_MAX (the first header's bound, kept as the header grows).
 */
#define KT_PAYLOAD_FITS	(CLUSNOTIFY_RECORD_MAX - \
			 ALIGN(sizeof(struct clusnotify_record) + 63 * 3 + 255 + 5, 8))

static const struct kt_post_case kt_post_cases[] = {
	{ "minimal", { KT_GS, .object_id = "g1" }, 0 },
	{ "empty_strings_but_the_object_id", { KT_GS, .object_id = "g1",
		.parent_id = "", .name = "", .type_name = "" }, 0 },
	{ "everything_at_its_bound_within_record_max",
	  { KT_GS, .object_id = kt_id_63, .parent_id = kt_id_63,
	    .name = kt_name_255, .type_name = kt_id_63,
	    .payload = kt_payload_max, .payload_len = KT_PAYLOAD_FITS }, 0 },
	{ "record_one_byte_over_record_max",
	  { KT_GS, .object_id = kt_id_63, .parent_id = kt_id_63,
	    .name = kt_name_255, .type_name = kt_id_63,
	    .payload = kt_payload_max, .payload_len = KT_PAYLOAD_FITS + 1 },
	  -EINVAL },
	{ "payload_max_with_short_strings",
	  { KT_GS, .object_id = "g1",
	    .payload = kt_payload_max, .payload_len = CLUSNOTIFY_PAYLOAD_MAX }, 0 },
	{ "cluster_event_needs_no_object_id", { .object_type = CLUSNOTIFY_OBJ_CLUSTER,
		.flag = CLUSNOTIFY_CLUSTER_NODE_ADDED }, 0 },
	{ "no_object_id", { KT_GS }, -EINVAL },
	{ "empty_object_id", { KT_GS, .object_id = "" }, -EINVAL },
	{ "non_postable_flag", { .object_type = CLUSNOTIFY_OBJ_CLUSTER,
				 .flag = CLUSNOTIFY_CLUSTER_STATE }, -EINVAL },
	{ "two_flags", { .object_type = CLUSNOTIFY_OBJ_GROUP, .object_id = "g1",
			 .flag = CLUSNOTIFY_GROUP_STATE | CLUSNOTIFY_GROUP_DELETED },
	  -EINVAL },
	{ "payload_over_max", { KT_GS, .object_id = "g1", .payload = kt_payload_max,
				.payload_len = CLUSNOTIFY_PAYLOAD_MAX + 1 }, -EINVAL },
	{ "payload_length_without_payload", { KT_GS, .object_id = "g1",
					      .payload_len = 4 }, -EINVAL },
	{ "object_id_over_its_bound", { KT_GS, .object_id = kt_id_64 }, -EINVAL },
	{ "parent_id_over_its_bound", { KT_GS, .object_id = "g1",
					.parent_id = kt_id_64 }, -EINVAL },
	{ "name_over_its_bound", { KT_GS, .object_id = "g1", .name = kt_name_256 },
	  -EINVAL },
	{ "type_name_over_its_bound", { KT_GS, .object_id = "g1",
					.type_name = kt_id_64 }, -EINVAL },
	{ "object_id_overlong_nul", { KT_GS, .object_id = "g\xc0\x80" }, -EINVAL },
	{ "parent_id_truncated", { KT_GS, .object_id = "g1", .parent_id = "\xe2\x82" },
	  -EINVAL },
	{ "name_with_a_surrogate", { KT_GS, .object_id = "g1", .name = "\xed\xa0\x80" },
	  -EINVAL },
	{ "type_name_byte_ff", { KT_GS, .object_id = "g1", .type_name = "\xff" },
	  -EINVAL },
};

static void kt_post_case_desc(const struct kt_post_case *c, char *desc)
{
	kt_copy_desc(c->name, desc);
}

KUNIT_ARRAY_PARAM(kt_post_cases, kt_post_cases, kt_post_case_desc);

static void post_event_validate(struct kunit *test)
{
	const struct kt_post_case *p = test->param_value;

	KUNIT_EXPECT_EQ(test, cn_post_event_validate(&p->ev), p->want);
}

static struct kunit_case kt_validation_cases[] = {
	KUNIT_CASE_PARAM(type_table_matches_uapi, kt_types_gen_params),
	KUNIT_CASE_PARAM(filter_validate, kt_filter_cases_gen_params),
	KUNIT_CASE_PARAM(event_flag_validate, kt_flag_cases_gen_params),
	KUNIT_CASE(event_flag_every_bit_of_every_type),
	KUNIT_CASE_PARAM(string_valid, kt_str_cases_gen_params),
	KUNIT_CASE_PARAM(string_bounds, kt_bound_str_cases_gen_params),
	KUNIT_CASE_PARAM(post_event_validate, kt_post_cases_gen_params),
	{}
};

static struct kunit_suite kt_validation_suite = {
	.name = "clusnotify_validation",
	.test_cases = kt_validation_cases,
};

/* ======================================================================== */
/* Suite: filter index                                                       */

struct kt_match_case {
	const char *name;
	u32 ftype;
	u64 fmask;
	u32 etype;
	u64 eflag;
	bool want;
};

static const struct kt_match_case kt_match_cases[] = {
	{ "group_state_gets_group_state", CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE,
	  CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE, true },
	{ "group_state_skips_group_deleted", CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE,
	  CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_DELETED, false },
	{ "same_bit_of_another_type_skipped", CLUSNOTIFY_OBJ_GROUP,
	  CLUSNOTIFY_GROUP_PRIVATE_PROPERTY, CLUSNOTIFY_OBJ_RESOURCE,
	  CLUSNOTIFY_RESOURCE_STATE, false },
	{ "resource_all_gets_terminal_state", CLUSNOTIFY_OBJ_RESOURCE,
	  CLUSNOTIFY_RESOURCE_ALL, CLUSNOTIFY_OBJ_RESOURCE,
	  CLUSNOTIFY_RESOURCE_TERMINAL_STATE, true },
	{ "cluster_all_gets_node_added", CLUSNOTIFY_OBJ_CLUSTER, CLUSNOTIFY_CLUSTER_ALL,
	  CLUSNOTIFY_OBJ_CLUSTER, CLUSNOTIFY_CLUSTER_NODE_ADDED, true },
	{ "node_all_skips_cluster_node_added", CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_ALL,
	  CLUSNOTIFY_OBJ_CLUSTER, CLUSNOTIFY_CLUSTER_NODE_ADDED, false },
	{ "highest_flag_bit", CLUSNOTIFY_OBJ_CLUSTER, CLUSNOTIFY_CLUSTER_UPGRADED,
	  CLUSNOTIFY_OBJ_CLUSTER, CLUSNOTIFY_CLUSTER_UPGRADED, true },
	{ "groupset_all_skips_group_state", CLUSNOTIFY_OBJ_GROUPSET,
	  CLUSNOTIFY_GROUPSET_ALL, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE, false },
	{ "quorum_state", CLUSNOTIFY_OBJ_QUORUM, CLUSNOTIFY_QUORUM_ALL,
	  CLUSNOTIFY_OBJ_QUORUM, CLUSNOTIFY_QUORUM_STATE, true },
};

static void kt_match_case_desc(const struct kt_match_case *c, char *desc)
{
	kt_copy_desc(c->name, desc);
}

KUNIT_ARRAY_PARAM(kt_match_cases, kt_match_cases, kt_match_case_desc);

static void match_by_type_and_flag(struct kunit *test)
{
	const struct kt_match_case *p = test->param_value;
	struct kt_cluster *c = kt_cluster_new(test);
	struct cn_port *port = kt_port_new(test);
	struct clusnotify_port_stats st;
	struct kt_rec r;
	u64 seq;

	kt_filter(test, port, c->id, KT_KEY, p->ftype, p->fmask);

	seq = kt_post(test, c, p->etype, p->eflag, "obj-1");

	kt_stats(port, &st);
	KUNIT_EXPECT_EQ(test, st.matched, (u64)p->want);
	KUNIT_EXPECT_EQ(test, st.delivered, (u64)p->want);
	if (!p->want) {
		KT_EXPECT_EMPTY(test, port);
		return;
	}
	KT_ASSERT_POP_EVENT(test, port, &r);
	KUNIT_EXPECT_EQ(test, r.key, KT_KEY);
	KUNIT_EXPECT_EQ(test, r.ev->object_type, p->etype);
	KUNIT_EXPECT_EQ(test, r.ev->flag, p->eflag);
	KUNIT_EXPECT_EQ(test, r.ev->cluster_id, c->id);
	KUNIT_EXPECT_EQ(test, r.ev->seq, seq);
	KUNIT_EXPECT_STREQ(test, cn_event_id(r.ev), "obj-1");
	KT_EXPECT_EMPTY(test, port);
}

struct kt_mask_case {
	const char *name;
	u32 type;
	u64 mask;
};

static const struct kt_mask_case kt_mask_cases[] = {
	{ "group_state_deleted_owner_node", CLUSNOTIFY_OBJ_GROUP,
	  CLUSNOTIFY_GROUP_STATE | CLUSNOTIFY_GROUP_DELETED |
	  CLUSNOTIFY_GROUP_OWNER_NODE },
	{ "resource_common_dependents_terminal", CLUSNOTIFY_OBJ_RESOURCE,
	  CLUSNOTIFY_RESOURCE_COMMON_PROPERTY | CLUSNOTIFY_RESOURCE_DEPENDENTS |
	  CLUSNOTIFY_RESOURCE_TERMINAL_STATE },
	{ "cluster_group_node_upgraded", CLUSNOTIFY_OBJ_CLUSTER,
	  CLUSNOTIFY_CLUSTER_GROUP_ADDED | CLUSNOTIFY_CLUSTER_NODE_ADDED |
	  CLUSNOTIFY_CLUSTER_UPGRADED },
	{ "node_all", CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_ALL },
	{ "registry_all", CLUSNOTIFY_OBJ_REGISTRY, CLUSNOTIFY_REGISTRY_ALL },
	{ "shared_volume_added_removed", CLUSNOTIFY_OBJ_SHARED_VOLUME,
	  CLUSNOTIFY_SHARED_VOLUME_ADDED | CLUSNOTIFY_SHARED_VOLUME_REMOVED },
};

static void kt_mask_case_desc(const struct kt_mask_case *c, char *desc)
{
	kt_copy_desc(c->name, desc);
}

KUNIT_ARRAY_PARAM(kt_mask_cases, kt_mask_cases, kt_mask_case_desc);

/*
 * A filter with several bits gets each of its flags (that a producer can
 * post) once, and no flag of its type outside the mask, nor any other type.
 */
static void multi_bit_mask_matches_each_flag_and_nothing_else(struct kunit *test)
{
	const struct kt_mask_case *p = test->param_value;
	u64 want = p->mask & kt_postable_mask(p->type), seen = 0;
	struct kt_cluster *c = kt_cluster_new(test);
	struct cn_port *port = kt_port_new(test);
	struct clusnotify_post_event *d;
	struct clusnotify_port_stats st;
	unsigned int i, n = 0, got = 0;
	u64 last, prev_seq = 0;
	struct kt_rec r;
	int bit;

	kt_filter(test, port, c->id, KT_KEY, p->type, p->mask);
	d = kunit_kcalloc(test, ARRAY_SIZE(kt_types) * 64, sizeof(*d), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, d);
	for (i = 0; i < ARRAY_SIZE(kt_types); i++)
		for (bit = 0; bit < 64; bit++)
			if (kt_postable(&kt_types[i], BIT_ULL(bit))) {
				d[n].object_type = kt_types[i].type;
				d[n].flag = BIT_ULL(bit);
				d[n].object_id = "obj-1";
				n++;
			}

	KUNIT_ASSERT_EQ(test, cn_cluster_post(c->cl, d, n, &last), 0);

	while (kt_pop(test, port, &r)) {
		KUNIT_ASSERT_NOT_NULL(test, r.ev);
		got++;
		KUNIT_EXPECT_EQ(test, r.ev->object_type, p->type);
		KUNIT_EXPECT_TRUE_MSG(test, r.ev->flag & want,
				      "flag %#llx is not in the mask", r.ev->flag);
		KUNIT_EXPECT_FALSE_MSG(test, seen & r.ev->flag,
				       "flag %#llx delivered twice", r.ev->flag);
		KUNIT_EXPECT_GT(test, r.ev->seq, prev_seq);
		prev_seq = r.ev->seq;
		seen |= r.ev->flag;
	}
	KUNIT_EXPECT_EQ(test, seen, want);
	KUNIT_EXPECT_EQ(test, got, hweight64(want));
	kt_stats(port, &st);
	KUNIT_EXPECT_EQ(test, st.matched, (u64)hweight64(want));
	KT_EXPECT_BALANCED(test, st);
}

/* A registration gets its object's flags, not another object's or type's. */
static void registration_matches_only_its_object(struct kunit *test)
{
	struct kt_cluster *c = kt_cluster_new(test);
	struct cn_port *port = kt_port_new(test);
	const struct clusnotify_post_event d[] = {
		{ .object_type = CLUSNOTIFY_OBJ_RESOURCE,
		  .flag = CLUSNOTIFY_RESOURCE_STATE, .object_id = "res-a" },
		{ .object_type = CLUSNOTIFY_OBJ_RESOURCE,
		  .flag = CLUSNOTIFY_RESOURCE_STATE, .object_id = "res-b" },
		{ .object_type = CLUSNOTIFY_OBJ_RESOURCE,
		  .flag = CLUSNOTIFY_RESOURCE_OWNER_GROUP, .object_id = "res-a" },
		{ .object_type = CLUSNOTIFY_OBJ_GROUP,
		  .flag = CLUSNOTIFY_GROUP_PRIVATE_PROPERTY, .object_id = "res-a" },
		{ .object_type = CLUSNOTIFY_OBJ_RESOURCE,
		  .flag = CLUSNOTIFY_RESOURCE_STATE, .object_id = "res-a-2" },
		{ .object_type = CLUSNOTIFY_OBJ_RESOURCE,
		  .flag = CLUSNOTIFY_RESOURCE_STATE },
	};
	struct clusnotify_port_stats st;
	u32 reg = 0;
	struct kt_rec r;
	u64 last;

	KUNIT_ASSERT_EQ(test, cn_filter_register(port, c->id, CLUSNOTIFY_OBJ_RESOURCE,
						 CLUSNOTIFY_RESOURCE_STATE, KT_KEY,
						 "res-a", &reg), 0);
	KUNIT_EXPECT_NE(test, reg, 0U);

	KUNIT_ASSERT_EQ(test, cn_cluster_post(c->cl, d, ARRAY_SIZE(d), &last), 0);

	KT_ASSERT_POP_EVENT(test, port, &r);
	KUNIT_EXPECT_STREQ(test, cn_event_id(r.ev), "res-a");
	KUNIT_EXPECT_EQ(test, r.ev->flag, CLUSNOTIFY_RESOURCE_STATE);
	KUNIT_EXPECT_EQ(test, r.key, KT_KEY);
	KUNIT_EXPECT_EQ(test, r.ev->seq, last - ARRAY_SIZE(d) + 1);
	KT_EXPECT_EMPTY(test, port);
	kt_stats(port, &st);
	KUNIT_EXPECT_EQ(test, st.registrations, 1U);
	KUNIT_EXPECT_EQ(test, st.filters, 0U);
	KUNIT_EXPECT_EQ(test, st.clusters, 1U);
	KUNIT_EXPECT_EQ(test, st.matched, 1ULL);
}

/* A filter and a registration that both match deliver once each. */
static void filter_and_registration_each_deliver_with_their_key(struct kunit *test)
{
	struct kt_cluster *c = kt_cluster_new(test);
	struct cn_port *port = kt_port_new(test);
	struct clusnotify_port_stats st;
	struct kt_rec r1, r2;
	u32 reg;

	kt_filter(test, port, c->id, 1, CLUSNOTIFY_OBJ_RESOURCE,
		  CLUSNOTIFY_RESOURCE_STATE);
	KUNIT_ASSERT_EQ(test, cn_filter_register(port, c->id, CLUSNOTIFY_OBJ_RESOURCE,
						 CLUSNOTIFY_RESOURCE_STATE, 2,
						 "res-a", &reg), 0);

	kt_post(test, c, CLUSNOTIFY_OBJ_RESOURCE, CLUSNOTIFY_RESOURCE_STATE, "res-a");

	KT_ASSERT_POP_EVENT(test, port, &r1);
	KT_ASSERT_POP_EVENT(test, port, &r2);
	KT_EXPECT_EMPTY(test, port);
	KUNIT_EXPECT_PTR_EQ(test, r1.ev, r2.ev);
	KUNIT_EXPECT_EQ(test, r1.key + r2.key, 3ULL);
	KUNIT_EXPECT_NE(test, r1.key, r2.key);
	kt_stats(port, &st);
	KUNIT_EXPECT_EQ(test, st.matched, 2ULL);
	KUNIT_EXPECT_EQ(test, st.filters, 1U);
	KUNIT_EXPECT_EQ(test, st.registrations, 1U);
}

/*
 * A registration with an empty object id watches every object of its type,
 * like a filter, and goes away on its own when unregistered.
 */
static void registration_with_empty_id_watches_every_object(struct kunit *test)
{
	struct kt_cluster *c = kt_cluster_new(test);
	struct cn_port *port = kt_port_new(test);
	struct clusnotify_port_stats st;
	struct kt_rec r;
	u32 reg = 0;

	kt_filter(test, port, c->id, 1, CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_STATE);
	KUNIT_ASSERT_EQ(test, cn_filter_register(port, c->id, CLUSNOTIFY_OBJ_GROUP,
						 CLUSNOTIFY_GROUP_STATE |
						 CLUSNOTIFY_GROUP_HANDLE_CLOSE,
						 2, "", &reg), 0);
	KUNIT_EXPECT_NE(test, reg, 0U);
	kt_stats(port, &st);
	KUNIT_EXPECT_EQ(test, st.registrations, 1U);
	KUNIT_EXPECT_EQ(test, st.filters, 1U);

	kt_post(test, c, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE, "g1");
	kt_post(test, c, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE, "g2");
	kt_post(test, c, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_DELETED, "g3");
	KT_ASSERT_POP_EVENT(test, port, &r);
	KUNIT_EXPECT_STREQ(test, cn_event_id(r.ev), "g1");
	KUNIT_EXPECT_EQ(test, r.key, 2ULL);
	KT_ASSERT_POP_EVENT(test, port, &r);
	KUNIT_EXPECT_STREQ(test, cn_event_id(r.ev), "g2");
	KT_EXPECT_EMPTY(test, port);

	KUNIT_ASSERT_EQ(test, cn_filter_unregister(port, reg), 0);
	KT_ASSERT_POP_EVENT(test, port, &r);
	KUNIT_EXPECT_EQ(test, r.ev->flag, CLUSNOTIFY_GROUP_HANDLE_CLOSE);
	KUNIT_EXPECT_EQ(test, r.key, 2ULL);
	kt_post(test, c, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE, "g1");
	KT_EXPECT_EMPTY(test, port);
	/* The filter beside it is untouched. */
	kt_post(test, c, CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_STATE, "n1");
	KT_ASSERT_POP_EVENT(test, port, &r);
	KUNIT_EXPECT_EQ(test, r.key, 1ULL);
	kt_stats(port, &st);
	KUNIT_EXPECT_EQ(test, st.registrations, 0U);
	KUNIT_EXPECT_EQ(test, st.filters, 1U);
	KT_EXPECT_BALANCED(test, st);
}

struct kt_unreg_case {
	const char *name;
	u64 mask;
	bool handle_close;
};

static const struct kt_unreg_case kt_unreg_cases[] = {
	{ "with_handle_close_queues_it",
	  CLUSNOTIFY_NODE_STATE | CLUSNOTIFY_NODE_HANDLE_CLOSE, true },
	{ "without_handle_close_queues_nothing", CLUSNOTIFY_NODE_STATE, false },
};

static void kt_unreg_case_desc(const struct kt_unreg_case *c, char *desc)
{
	kt_copy_desc(c->name, desc);
}

KUNIT_ARRAY_PARAM(kt_unreg_cases, kt_unreg_cases, kt_unreg_case_desc);

static void unregister_stops_matching(struct kunit *test)
{
	const struct kt_unreg_case *p = test->param_value;
	struct kt_cluster *c = kt_cluster_new(test);
	struct cn_port *port = kt_port_new(test);
	struct clusnotify_port_stats st;
	struct kt_rec r;
	u32 reg;

	kt_obj_set(test, c, CLUSNOTIFY_OBJ_NODE, "node-1", "Node One", "", "", 0);
	KUNIT_ASSERT_EQ(test, cn_filter_register(port, c->id, CLUSNOTIFY_OBJ_NODE,
						 p->mask, KT_KEY, "node-1", &reg), 0);
	kt_post(test, c, CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_STATE, "node-1");
	KT_ASSERT_POP_EVENT(test, port, &r);

	KUNIT_ASSERT_EQ(test, cn_filter_unregister(port, reg), 0);

	if (p->handle_close) {
		KT_ASSERT_POP_EVENT(test, port, &r);
		KUNIT_EXPECT_EQ(test, r.ev->flag, CLUSNOTIFY_NODE_HANDLE_CLOSE);
		KUNIT_EXPECT_EQ(test, r.ev->object_type, CLUSNOTIFY_OBJ_NODE);
		KUNIT_EXPECT_EQ(test, r.ev->rec_flags, CLUSNOTIFY_RECORD_SYNTHETIC);
		KUNIT_EXPECT_EQ(test, r.ev->seq, 0ULL);
		KUNIT_EXPECT_EQ(test, r.ev->cluster_id, c->id);
		KUNIT_EXPECT_EQ(test, r.key, KT_KEY);
		KUNIT_EXPECT_STREQ(test, cn_event_id(r.ev), "node-1");
		KUNIT_EXPECT_STREQ(test, kt_ev_name(r.ev), "Node One");
	}
	KT_EXPECT_EMPTY(test, port);
	kt_post(test, c, CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_STATE, "node-1");
	KT_EXPECT_EMPTY(test, port);
	KUNIT_EXPECT_EQ(test, cn_filter_unregister(port, reg), -ENOENT);
	KUNIT_EXPECT_EQ(test, cn_filter_unregister(port, 0), -ENOENT);
	kt_stats(port, &st);
	KUNIT_EXPECT_EQ(test, st.registrations, 0U);
	KT_EXPECT_BALANCED(test, st);
}

struct kt_reg_case {
	const char *name;
	u32 type;
	u64 mask;
	const char *id;
	bool unknown_cluster;
	int want;
};

static const struct kt_reg_case kt_reg_cases[] = {
	{ "object_id_not_utf8", CLUSNOTIFY_OBJ_RESOURCE, CLUSNOTIFY_RESOURCE_STATE,
	  "\xc3\x28", false, -EINVAL },
	{ "object_id_over_its_bound", CLUSNOTIFY_OBJ_RESOURCE,
	  CLUSNOTIFY_RESOURCE_STATE, kt_id_64, false, -EINVAL },
	{ "zero_mask", CLUSNOTIFY_OBJ_RESOURCE, 0, "res", false, -EINVAL },
	{ "type_without_flags", CLUSNOTIFY_OBJ_FAULTDOMAIN, 1, "fd", false, -EINVAL },
	{ "mask_outside_all", CLUSNOTIFY_OBJ_QUORUM, 2, "q", false, -EINVAL },
	{ "unknown_cluster", CLUSNOTIFY_OBJ_RESOURCE, CLUSNOTIFY_RESOURCE_STATE,
	  "res", true, -ENOENT },
};

static void kt_reg_case_desc(const struct kt_reg_case *c, char *desc)
{
	kt_copy_desc(c->name, desc);
}

KUNIT_ARRAY_PARAM(kt_reg_cases, kt_reg_cases, kt_reg_case_desc);

/*
 * A poster skips the registration table while its cluster counts none
 * (cn_cluster.nregs): the count must follow every insert and removal, or
 * a registration that is still there would stop matching.
 */
static void registration_count_follows_the_table(struct kunit *test)
{
	struct kt_cluster *c = kt_cluster_new(test);
	struct cn_port *port = kt_port_new(test);
	struct kt_rec r;
	u32 reg1, reg2;

	kt_obj_set(test, c, CLUSNOTIFY_OBJ_NODE, "node-1", "Node One", "", "", 0);
	kt_obj_set(test, c, CLUSNOTIFY_OBJ_NODE, "node-2", "Node Two", "", "", 0);
	KUNIT_EXPECT_EQ(test, c->cl->nregs, 0U);
	KUNIT_ASSERT_EQ(test, cn_filter_register(port, c->id, CLUSNOTIFY_OBJ_NODE,
						 CLUSNOTIFY_NODE_STATE, KT_KEY,
						 "node-1", &reg1), 0);
	KUNIT_ASSERT_EQ(test, cn_filter_register(port, c->id, CLUSNOTIFY_OBJ_NODE,
						 CLUSNOTIFY_NODE_STATE, KT_KEY,
						 "node-2", &reg2), 0);
	/* A cluster-wide filter is not in the table. */
	kt_filter(test, port, c->id, KT_KEY, CLUSNOTIFY_OBJ_GROUP,
		  CLUSNOTIFY_GROUP_STATE);
	KUNIT_EXPECT_EQ(test, c->cl->nregs, 2U);

	KUNIT_ASSERT_EQ(test, cn_filter_unregister(port, reg1), 0);
	KUNIT_EXPECT_EQ(test, c->cl->nregs, 1U);
	kt_post(test, c, CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_STATE, "node-2");
	KT_ASSERT_POP_EVENT(test, port, &r);
	KUNIT_EXPECT_STREQ(test, cn_event_id(r.ev), "node-2");
	kt_post(test, c, CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_STATE, "node-1");
	KT_EXPECT_EMPTY(test, port);

	KUNIT_ASSERT_EQ(test, cn_filter_unregister(port, reg2), 0);
	KUNIT_EXPECT_EQ(test, c->cl->nregs, 0U);
	kt_post(test, c, CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_STATE, "node-2");
	KT_EXPECT_EMPTY(test, port);

	/* Every object's registration is a filter entry, not in the table. */
	KUNIT_ASSERT_EQ(test, cn_filter_register(port, c->id, CLUSNOTIFY_OBJ_NODE,
						 CLUSNOTIFY_NODE_STATE, KT_KEY,
						 "", &reg1), 0);
	KUNIT_EXPECT_EQ(test, c->cl->nregs, 0U);
	/* A port that closes takes its registrations out of the count. */
	KUNIT_ASSERT_EQ(test, cn_filter_register(port, c->id, CLUSNOTIFY_OBJ_NODE,
						 CLUSNOTIFY_NODE_STATE, KT_KEY,
						 "node-1", &reg2), 0);
	KUNIT_EXPECT_EQ(test, c->cl->nregs, 1U);
	cn_port_shutdown(port);
	cn_filter_detach_port(port);
	KUNIT_EXPECT_EQ(test, c->cl->nregs, 0U);
}

/* The length of cluster-wide list (type, flag), as posters read it. */
static u32 kt_bit_len(struct kt_cluster *c, u32 type, u64 flag)
{
	return c->cl->bit_len[type][__ffs64(flag)];
}

/*
 * A poster sizes a run by its list's length (cn_cluster.bit_len): the
 * count must follow every entry linked and unlinked, or a run could pass
 * CN_POST_RUN_WORK attempts by far before its poster looks for a signal.
 */
static void list_length_follows_the_list(struct kunit *test)
{
	const u32 node = CLUSNOTIFY_OBJ_NODE;
	struct kt_cluster *c = kt_cluster_new(test);
	struct cn_port *a = kt_port_new(test), *b = kt_port_new(test);
	u32 reg1, reg2;

	KUNIT_EXPECT_EQ(test, kt_bit_len(c, node, CLUSNOTIFY_NODE_STATE), 0U);
	kt_filter(test, a, c->id, 1, node, CLUSNOTIFY_NODE_STATE);
	KUNIT_EXPECT_EQ(test, kt_bit_len(c, node, CLUSNOTIFY_NODE_STATE), 1U);
	/* One entry per flag of a filter, on its own list. */
	kt_filter(test, b, c->id, 1, node,
		  CLUSNOTIFY_NODE_STATE | CLUSNOTIFY_NODE_COMMON_PROPERTY);
	KUNIT_EXPECT_EQ(test, kt_bit_len(c, node, CLUSNOTIFY_NODE_STATE), 2U);
	KUNIT_EXPECT_EQ(test, kt_bit_len(c, node, CLUSNOTIFY_NODE_COMMON_PROPERTY), 1U);
	/* A filter that adds nothing is not linked again. */
	kt_filter(test, a, c->id, 1, node, CLUSNOTIFY_NODE_STATE);
	KUNIT_EXPECT_EQ(test, kt_bit_len(c, node, CLUSNOTIFY_NODE_STATE), 2U);
	/* A registration on every object is an entry; on one, it is not. */
	KUNIT_ASSERT_EQ(test, cn_filter_register(a, c->id, node,
						 CLUSNOTIFY_NODE_STATE, 2, "",
						 &reg1), 0);
	KUNIT_ASSERT_EQ(test, cn_filter_register(a, c->id, node,
						 CLUSNOTIFY_NODE_STATE, 3,
						 "node-1", &reg2), 0);
	KUNIT_EXPECT_EQ(test, kt_bit_len(c, node, CLUSNOTIFY_NODE_STATE), 3U);
	KUNIT_ASSERT_EQ(test, cn_filter_unregister(a, reg1), 0);
	KUNIT_EXPECT_EQ(test, kt_bit_len(c, node, CLUSNOTIFY_NODE_STATE), 2U);
	KUNIT_ASSERT_EQ(test, cn_filter_unregister(a, reg2), 0);
	KUNIT_EXPECT_EQ(test, kt_bit_len(c, node, CLUSNOTIFY_NODE_STATE), 2U);
	/* A port that closes takes its entries off every list. */
	cn_port_shutdown(b);
	cn_filter_detach_port(b);
	KUNIT_EXPECT_EQ(test, kt_bit_len(c, node, CLUSNOTIFY_NODE_STATE), 1U);
	KUNIT_EXPECT_EQ(test, kt_bit_len(c, node, CLUSNOTIFY_NODE_COMMON_PROPERTY), 0U);
	cn_port_shutdown(a);
	cn_filter_detach_port(a);
	KUNIT_EXPECT_EQ(test, kt_bit_len(c, node, CLUSNOTIFY_NODE_STATE), 0U);
}

static void register_rejects(struct kunit *test)
{
	const struct kt_reg_case *p = test->param_value;
	struct kt_cluster *c = kt_cluster_new(test);
	struct cn_port *port = kt_port_new(test);
	struct clusnotify_port_stats st;
	u32 reg = 0;

	KUNIT_EXPECT_EQ(test, cn_filter_register(port, p->unknown_cluster ? 0 : c->id,
						 p->type, p->mask, KT_KEY, p->id,
						 &reg), p->want);
	KUNIT_EXPECT_EQ(test, reg, 0U);
	kt_stats(port, &st);
	KUNIT_EXPECT_EQ(test, st.registrations, 0U);
	KUNIT_EXPECT_EQ(test, st.clusters, 0U);
	KUNIT_EXPECT_EQ(test, READ_ONCE(c->cl->nports), 0U);
}

struct kt_addf_case {
	const char *name;
	struct clusnotify_filter f[2];
	unsigned int n;
	bool unknown_cluster;
	int want;
};

static const struct kt_addf_case kt_addf_cases[] = {
	{ "second_of_two_invalid",
	  { { CLUSNOTIFY_OBJ_GROUP, 0, CLUSNOTIFY_GROUP_STATE },
	    { CLUSNOTIFY_OBJ_GROUP, 0, 0 } }, 2, false, -EINVAL },
	{ "first_of_two_invalid",
	  { { CLUSNOTIFY_OBJ_AFFINITYRULE, 0, 1 },
	    { CLUSNOTIFY_OBJ_GROUP, 0, CLUSNOTIFY_GROUP_STATE } }, 2, false, -EINVAL },
	{ "reserved_not_zero",
	  { { CLUSNOTIFY_OBJ_GROUP, 1, CLUSNOTIFY_GROUP_STATE } }, 1, false, -EINVAL },
	{ "unknown_cluster",
	  { { CLUSNOTIFY_OBJ_GROUP, 0, CLUSNOTIFY_GROUP_STATE } }, 1, true, -ENOENT },
};

static void kt_addf_case_desc(const struct kt_addf_case *c, char *desc)
{
	kt_copy_desc(c->name, desc);
}

KUNIT_ARRAY_PARAM(kt_addf_cases, kt_addf_cases, kt_addf_case_desc);

/* The array is validated whole: a bad entry registers nothing. */
static void add_filters_rejects_the_whole_array(struct kunit *test)
{
	const struct kt_addf_case *p = test->param_value;
	struct kt_cluster *c = kt_cluster_new(test);
	struct cn_port *port = kt_port_new(test);
	struct clusnotify_port_stats st;

	KUNIT_EXPECT_EQ(test, cn_filter_add(port, p->unknown_cluster ? 0 : c->id,
					    KT_KEY, p->f, p->n, NULL), p->want);
	kt_stats(port, &st);
	KUNIT_EXPECT_EQ(test, st.filters, 0U);
	KUNIT_EXPECT_EQ(test, st.clusters, 0U);
	KUNIT_EXPECT_EQ(test, READ_ONCE(c->cl->nports), 0U);
	kt_post(test, c, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE, "g1");
	KT_EXPECT_EMPTY(test, port);
}

static void shut_down_port_refuses_configuration(struct kunit *test)
{
	struct kt_cluster *c = kt_cluster_new(test);
	struct cn_port *port = kt_port_new(test);
	struct clusnotify_filter f = { CLUSNOTIFY_OBJ_GROUP, 0, CLUSNOTIFY_GROUP_STATE };
	u32 reg;

	KUNIT_ASSERT_EQ(test, cn_filter_register(port, c->id, CLUSNOTIFY_OBJ_GROUP,
						 CLUSNOTIFY_GROUP_STATE, 1, "g1", &reg), 0);
	cn_port_shutdown(port);

	KUNIT_EXPECT_EQ(test, cn_filter_add(port, c->id, 1, &f, 1, NULL), -ESHUTDOWN);
	KUNIT_EXPECT_EQ(test, cn_filter_register(port, c->id, CLUSNOTIFY_OBJ_GROUP,
						 CLUSNOTIFY_GROUP_STATE, 1, "g2", &reg),
			-ESHUTDOWN);
	KUNIT_EXPECT_EQ(test, cn_filter_unregister(port, reg), -ESHUTDOWN);
	KUNIT_EXPECT_EQ(test, cn_filter_snapshot(port), -ESHUTDOWN);
	/* Shutting down twice is harmless; the resource does it once more. */
	cn_port_shutdown(port);
}

/* A port taken out of the index no longer counts in the cluster's matches. */
static void detached_port_leaves_the_index(struct kunit *test)
{
	struct kt_cluster *c = kt_cluster_new(test);
	struct cn_port *a = kt_port_new(test);
	struct cn_port *b = kt_port_new(test);
	struct clusnotify_port_stats st;
	u64 before;

	kt_filter(test, a, c->id, 1, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE);
	kt_filter(test, b, c->id, 2, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE);
	KUNIT_EXPECT_EQ(test, READ_ONCE(c->cl->nports), 2U);

	kt_release_now(test, a);
	KUNIT_EXPECT_EQ(test, READ_ONCE(c->cl->nports), 1U);

	before = atomic64_read(&c->cl->matched);
	kt_post(test, c, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE, "g1");
	KUNIT_EXPECT_EQ(test, atomic64_read(&c->cl->matched) - before, 1LL);
	kt_stats(b, &st);
	KUNIT_EXPECT_EQ(test, st.matched, 1ULL);
}

#define KT_MANY_PORTS 64

/* Many ports share one body; each gets its own key. */
static unsigned int kt_bit_entries(struct cn_cluster *cl, u32 type, u64 flag)
{
	struct cn_bitnode *bn;
	unsigned int n = 0;

	mutex_lock(&cl->index_lock);
	hlist_for_each_entry(bn, &cl->by_bit[type][__ffs64(flag)], node)
		n++;
	mutex_unlock(&cl->index_lock);
	return n;
}

/*
 * Identical filters of one port, in one array or added again, take one
 * index entry and one place under max_port_subs, and the port gets each
 * event once; a filter differing in mask or key is another.
 */
static void identical_filters_take_one_entry(struct kunit *test)
{
	struct kt_cluster *c = kt_cluster_new(test);
	struct cn_port *port = kt_port_new(test);
	struct clusnotify_filter f[3] = {
		{ CLUSNOTIFY_OBJ_GROUP, 0, CLUSNOTIFY_GROUP_STATE },
		{ CLUSNOTIFY_OBJ_GROUP, 0, CLUSNOTIFY_GROUP_STATE },
		{ CLUSNOTIFY_OBJ_GROUP, 0, CLUSNOTIFY_GROUP_STATE },
	};
	struct clusnotify_port_stats st;
	unsigned int i;
	struct kt_rec r;

	KUNIT_ASSERT_EQ(test, cn_filter_add(port, c->id, KT_KEY, f, 3, NULL), 0);
	for (i = 0; i < 3; i++)
		KUNIT_ASSERT_EQ(test, cn_filter_add(port, c->id, KT_KEY, f, 1, NULL), 0);
	kt_stats(port, &st);
	KUNIT_EXPECT_EQ(test, st.filters, 1U);
	KUNIT_EXPECT_EQ(test, port->nsubs, 1U);
	KUNIT_EXPECT_EQ(test, kt_bit_entries(c->cl, CLUSNOTIFY_OBJ_GROUP,
					     CLUSNOTIFY_GROUP_STATE), 1U);

	kt_post(test, c, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE, "g1");
	KT_ASSERT_POP_EVENT(test, port, &r);
	KT_EXPECT_EMPTY(test, port);

	/* Another key, another mask: each a filter of its own. */
	kt_filter(test, port, c->id, KT_KEY + 1, CLUSNOTIFY_OBJ_GROUP,
		  CLUSNOTIFY_GROUP_STATE);
	kt_filter(test, port, c->id, KT_KEY, CLUSNOTIFY_OBJ_GROUP,
		  CLUSNOTIFY_GROUP_STATE | CLUSNOTIFY_GROUP_DELETED);
	kt_stats(port, &st);
	KUNIT_EXPECT_EQ(test, st.filters, 3U);
	KUNIT_EXPECT_EQ(test, kt_bit_entries(c->cl, CLUSNOTIFY_OBJ_GROUP,
					     CLUSNOTIFY_GROUP_STATE), 3U);
	KT_EXPECT_BALANCED(test, st);
}

static void many_ports_each_get_one_copy(struct kunit *test)
{
	struct kt_cluster *c = kt_cluster_new(test);
	struct cn_port **ports;
	struct cn_event *body = NULL;
	u64 before_m, before_d;
	unsigned int i;
	struct kt_rec r;

	ports = kunit_kcalloc(test, KT_MANY_PORTS, sizeof(*ports), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ports);
	for (i = 0; i < KT_MANY_PORTS; i++) {
		ports[i] = kt_port_new(test);
		kt_filter(test, ports[i], c->id, 1000 + i, CLUSNOTIFY_OBJ_GROUP,
			  CLUSNOTIFY_GROUP_STATE | CLUSNOTIFY_GROUP_DELETED);
	}
	KUNIT_EXPECT_EQ(test, READ_ONCE(c->cl->nports), (u32)KT_MANY_PORTS);
	before_m = atomic64_read(&c->cl->matched);
	before_d = atomic64_read(&c->cl->delivered);

	kt_post(test, c, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_DELETED, "g1");

	KUNIT_EXPECT_EQ(test, atomic64_read(&c->cl->matched) - before_m,
			(s64)KT_MANY_PORTS);
	KUNIT_EXPECT_EQ(test, atomic64_read(&c->cl->delivered) - before_d,
			(s64)KT_MANY_PORTS);
	for (i = 0; i < KT_MANY_PORTS; i++) {
		KT_ASSERT_POP_EVENT(test, ports[i], &r);
		KUNIT_EXPECT_EQ(test, r.key, 1000ULL + i);
		if (!body)
			body = r.ev;
		KUNIT_EXPECT_PTR_EQ(test, r.ev, body);
		KT_EXPECT_EMPTY(test, ports[i]);
	}
	/* All references are ours now, one per queue it was on, and the journal's. */
	KUNIT_EXPECT_EQ(test, refcount_read(&body->ref), KT_MANY_PORTS + 1);
}

/* A port watching several clusters tells them apart by id and key. */
static void ports_on_several_clusters(struct kunit *test)
{
	struct kt_cluster *c[3];
	struct cn_port *a = kt_port_new(test);
	struct cn_port *b = kt_port_new(test);
	struct clusnotify_port_stats st;
	struct kt_rec r;
	int i;

	for (i = 0; i < 3; i++)
		c[i] = kt_cluster_new(test);
	kt_filter(test, a, c[0]->id, 10, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE);
	kt_filter(test, a, c[1]->id, 11, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE);
	kt_filter(test, b, c[2]->id, 12, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE);

	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, kt_post(test, c[i], CLUSNOTIFY_OBJ_GROUP,
					      CLUSNOTIFY_GROUP_STATE, "g1"), 1ULL);

	for (i = 0; i < 2; i++) {
		KT_ASSERT_POP_EVENT(test, a, &r);
		KUNIT_EXPECT_EQ(test, r.ev->cluster_id, c[i]->id);
		KUNIT_EXPECT_EQ(test, r.key, 10ULL + i);
		KUNIT_EXPECT_EQ(test, r.ev->seq, 1ULL);
	}
	KT_EXPECT_EMPTY(test, a);
	KT_ASSERT_POP_EVENT(test, b, &r);
	KUNIT_EXPECT_EQ(test, r.ev->cluster_id, c[2]->id);
	KUNIT_EXPECT_EQ(test, r.key, 12ULL);
	KT_EXPECT_EMPTY(test, b);

	kt_stats(a, &st);
	KUNIT_EXPECT_EQ(test, st.clusters, 2U);
	KUNIT_EXPECT_EQ(test, st.filters, 2U);
	kt_stats(b, &st);
	KUNIT_EXPECT_EQ(test, st.clusters, 1U);
	KUNIT_EXPECT_EQ(test, READ_ONCE(c[0]->cl->nports), 1U);
	KUNIT_EXPECT_EQ(test, READ_ONCE(c[2]->cl->nports), 1U);
}

/* Unregistering a cluster tells its watchers, then matches nothing more. */
static void deleted_cluster_tells_watchers(struct kunit *test)
{
	struct kt_cluster *c = kt_cluster_new(test);
	struct cn_port *port = kt_port_new(test);
	struct clusnotify_post_event d = {
		.object_type = CLUSNOTIFY_OBJ_GROUP, .flag = CLUSNOTIFY_GROUP_STATE,
		.object_id = "g1",
	};
	struct clusnotify_filter f = { CLUSNOTIFY_OBJ_GROUP, 0, CLUSNOTIFY_GROUP_STATE };
	struct clusnotify_port_stats st;
	struct cn_port *quiet = kt_port_new(test);
	struct kt_rec r;
	u64 seq;

	/* Only the filter that asks for CLUSTER STATE gets it, with its key. */
	kt_filter(test, port, c->id, 7, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE);
	kt_filter(test, port, c->id, 8, CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_STATE);
	kt_filter(test, port, c->id, 9, CLUSNOTIFY_OBJ_CLUSTER, CLUSNOTIFY_CLUSTER_STATE);
	kt_filter(test, quiet, c->id, 7, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE);

	KUNIT_ASSERT_EQ(test, cn_cluster_unregister(&init_net, c->id, c->portid, NULL), 0);
	KT_EXPECT_EMPTY(test, quiet);

	KT_ASSERT_POP_EVENT(test, port, &r);
	KUNIT_EXPECT_EQ(test, r.ev->object_type, CLUSNOTIFY_OBJ_CLUSTER);
	KUNIT_EXPECT_EQ(test, r.ev->flag, CLUSNOTIFY_CLUSTER_STATE);
	KUNIT_EXPECT_EQ(test, r.ev->rec_flags, CLUSNOTIFY_RECORD_SYNTHETIC);
	KUNIT_EXPECT_EQ(test, r.ev->cluster_id, c->id);
	KUNIT_EXPECT_EQ(test, r.key, 9ULL);
	KUNIT_EXPECT_STREQ(test, kt_ev_name(r.ev), c->name);
	KUNIT_EXPECT_EQ(test, r.ev->payload_len, 4U);
	KUNIT_EXPECT_EQ(test, kt_ev_u32(r.ev), (u32)CLUSNOTIFY_CLUSTER_DELETED);
	KT_EXPECT_EMPTY(test, port);

	KUNIT_EXPECT_EQ(test, READ_ONCE(c->cl->state), (u32)CLUSNOTIFY_CLUSTER_DELETED);
	KUNIT_EXPECT_NULL(test, cn_cluster_get_by_id(&init_net, c->id));
	KUNIT_EXPECT_EQ(test, cn_filter_add(port, c->id, 9, &f, 1, NULL), -ENOENT);
	KUNIT_EXPECT_EQ(test, cn_cluster_post(c->cl, &d, 1, &seq), -ENOENT);
	KT_EXPECT_EMPTY(test, port);
	kt_stats(port, &st);
	KT_EXPECT_BALANCED(test, st);
}

static struct kunit_case kt_index_cases[] = {
	KUNIT_CASE_PARAM(match_by_type_and_flag, kt_match_cases_gen_params),
	KUNIT_CASE_PARAM(multi_bit_mask_matches_each_flag_and_nothing_else,
			 kt_mask_cases_gen_params),
	KUNIT_CASE(registration_matches_only_its_object),
	KUNIT_CASE(filter_and_registration_each_deliver_with_their_key),
	KUNIT_CASE(registration_with_empty_id_watches_every_object),
	KUNIT_CASE_PARAM(unregister_stops_matching, kt_unreg_cases_gen_params),
	KUNIT_CASE(registration_count_follows_the_table),
	KUNIT_CASE(list_length_follows_the_list),
	KUNIT_CASE_PARAM(register_rejects, kt_reg_cases_gen_params),
	KUNIT_CASE_PARAM(add_filters_rejects_the_whole_array, kt_addf_cases_gen_params),
	KUNIT_CASE(shut_down_port_refuses_configuration),
	KUNIT_CASE(detached_port_leaves_the_index),
	KUNIT_CASE(identical_filters_take_one_entry),
	KUNIT_CASE(many_ports_each_get_one_copy),
	KUNIT_CASE(ports_on_several_clusters),
	KUNIT_CASE(deleted_cluster_tells_watchers),
	{}
};

static struct kunit_suite kt_index_suite = {
	.name = "clusnotify_filter_index",
	.test_cases = kt_index_cases,
};

/* ======================================================================== */
/* Suite: record encoding                                                    */

struct kt_layout_case {
	const char *name;
	const char *id, *parent, *oname, *tname;
	u32 payload_len;
};

static const struct kt_layout_case kt_layout_cases[] = {
	{ "no_strings_no_payload", NULL, NULL, NULL, NULL, 0 },
	{ "object_id_only", "g1", NULL, NULL, NULL, 0 },
	{ "all_four_strings", "g1", "cluster-1", "Group One", "Generic Type", 0 },
	{ "strings_end_on_8_byte_boundary", "abcd", NULL, NULL, NULL, 0 },
	{ "payload_1_byte", "g1", NULL, NULL, NULL, 1 },
	{ "payload_7_bytes", "g1", NULL, NULL, NULL, 7 },
	{ "payload_8_bytes", "abcd", NULL, NULL, NULL, 8 },
	{ "payload_9_bytes", "g1", "p", "n", "t", 9 },
	{ "utf8_lengths_are_in_bytes", "caf\xc3\xa9", "\xe2\x82\xac",
	  "\xf0\x9f\x98\x80", "", 4 },
	{ "largest_record", kt_id_63, kt_id_63, kt_name_255, kt_id_63,
	  KT_PAYLOAD_FITS },
};

static void kt_layout_case_desc(const struct kt_layout_case *c, char *desc)
{
	kt_copy_desc(c->name, desc);
}

KUNIT_ARRAY_PARAM(kt_layout_cases, kt_layout_cases, kt_layout_case_desc);

static size_t kt_slen(const char *s)
{
	return s ? strlen(s) : 0;
}

/* Count of non-zero bytes in data[from, to) of the record (offsets from its start). */
static unsigned int kt_nonzero(const struct cn_event *ev, size_t from, size_t to)
{
	unsigned int n = 0;
	size_t off;

	for (off = from; off < to; off++)
		n += ev->data[off - KT_HDR] != 0;
	return n;
}

/*
 * The body is laid out as read() returns it after the header: the four
 * strings NUL-terminated in order, zero padding to an 8-byte boundary, the
 * payload, zero padding to a multiple of 8.
 */
static void build_layout(struct kunit *test)
{
	const struct kt_layout_case *p = test->param_value;
	size_t il = kt_slen(p->id), pl = kt_slen(p->parent), nl = kt_slen(p->oname);
	size_t tl = kt_slen(p->tname), strs_end, i;
	struct clusnotify_post_event d = {
		.object_type = CLUSNOTIFY_OBJ_GROUP, .flag = CLUSNOTIFY_GROUP_STATE,
		.object_id = p->id, .parent_id = p->parent, .name = p->oname,
		.type_name = p->tname, .payload_len = p->payload_len,
	};
	struct cn_event *ev;
	const char *s;
	u8 *payload;

	payload = kunit_kzalloc(test, p->payload_len + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, payload);
	for (i = 0; i < p->payload_len; i++)
		payload[i] = i * 7 + 1;
	d.payload = payload;

	ev = cn_event_build(&d, CLUSNOTIFY_RECORD_SNAPSHOT, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ev);
	kt_defer(test, kt_event_release, ev);

	KUNIT_EXPECT_EQ(test, refcount_read(&ev->ref), 1);
	KUNIT_EXPECT_EQ(test, ev->rec_flags, (u16)CLUSNOTIFY_RECORD_SNAPSHOT);
	KUNIT_EXPECT_EQ(test, ev->object_type, (u32)CLUSNOTIFY_OBJ_GROUP);
	KUNIT_EXPECT_EQ(test, ev->flag, CLUSNOTIFY_GROUP_STATE);
	/* The caller fills these in. */
	KUNIT_EXPECT_EQ(test, ev->cluster_id, 0U);
	KUNIT_EXPECT_EQ(test, ev->seq, 0ULL);

	KUNIT_EXPECT_EQ(test, ev->id_len, (u16)il);
	KUNIT_EXPECT_EQ(test, ev->parent_len, (u16)pl);
	KUNIT_EXPECT_EQ(test, ev->name_len, (u16)nl);
	KUNIT_EXPECT_EQ(test, ev->type_len, (u16)tl);
	/* and the fifth, the previous owner, empty here */
	KUNIT_EXPECT_EQ(test, ev->prev_owner_len, (u16)0);
	KUNIT_EXPECT_EQ(test, ev->prev_state, CLUSNOTIFY_STATE_UNKNOWN);
	strs_end = KT_HDR + il + 1 + pl + 1 + nl + 1 + tl + 1 + 1;

	KUNIT_EXPECT_EQ(test, ev->payload_off % 8, 0U);
	KUNIT_EXPECT_EQ(test, (size_t)ev->payload_off, ALIGN(strs_end, 8));
	KUNIT_EXPECT_EQ(test, ev->payload_len, p->payload_len);
	KUNIT_EXPECT_EQ(test, ev->rec_len % 8, 0U);
	KUNIT_EXPECT_EQ(test, ev->rec_len, ALIGN(ev->payload_off + p->payload_len, 8));
	KUNIT_EXPECT_LE(test, (size_t)ev->rec_len, (size_t)CLUSNOTIFY_RECORD_MAX);

	s = ev->data;
	KUNIT_EXPECT_STREQ(test, s, p->id ?: "");
	KUNIT_EXPECT_EQ(test, s[il], '\0');
	s += il + 1;
	KUNIT_EXPECT_STREQ(test, s, p->parent ?: "");
	KUNIT_EXPECT_EQ(test, s[pl], '\0');
	s += pl + 1;
	KUNIT_EXPECT_STREQ(test, s, p->oname ?: "");
	KUNIT_EXPECT_EQ(test, s[nl], '\0');
	s += nl + 1;
	KUNIT_EXPECT_STREQ(test, s, p->tname ?: "");
	KUNIT_EXPECT_EQ(test, s[tl], '\0');
	KUNIT_EXPECT_STREQ(test, kt_ev_type_name(ev), p->tname ?: "");

	KUNIT_EXPECT_EQ_MSG(test, kt_nonzero(ev, strs_end, ev->payload_off), 0U,
			    "padding after the strings is not zero");
	KUNIT_EXPECT_EQ(test, memcmp(kt_ev_payload(ev), payload, p->payload_len), 0);
	KUNIT_EXPECT_EQ_MSG(test, kt_nonzero(ev, ev->payload_off + p->payload_len,
					     ev->rec_len), 0U,
			    "padding after the payload is not zero");
}

/* A posted event gets the cluster's id, the next sequence number, a time. */
static void posted_record_header(struct kunit *test)
{
	struct kt_cluster *c = kt_cluster_new(test);
	struct cn_port *port = kt_port_new(test);
	struct clusnotify_post_event d[3] = {
		{ .object_type = CLUSNOTIFY_OBJ_GROUP, .flag = CLUSNOTIFY_GROUP_STATE,
		  .object_id = "g1" },
		{ .object_type = CLUSNOTIFY_OBJ_GROUP, .flag = CLUSNOTIFY_GROUP_DELETED,
		  .object_id = "g2" },
		{ .object_type = CLUSNOTIFY_OBJ_GROUP, .flag = CLUSNOTIFY_GROUP_STATE,
		  .object_id = "g3" },
	};
	u64 last = 0, ts = 0;
	struct kt_rec r;
	int i;

	kt_filter(test, port, c->id, KT_KEY, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_ALL);
	KUNIT_ASSERT_EQ(test, kt_post(test, c, CLUSNOTIFY_OBJ_GROUP,
				      CLUSNOTIFY_GROUP_STATE, "g0"), 1ULL);
	KUNIT_ASSERT_EQ(test, cn_cluster_post(c->cl, d, 3, &last), 0);
	KUNIT_EXPECT_EQ(test, last, 4ULL);
	KUNIT_EXPECT_EQ(test, READ_ONCE(c->cl->seq), 4ULL);

	for (i = 0; i < 4; i++) {
		KT_ASSERT_POP_EVENT(test, port, &r);
		KUNIT_EXPECT_EQ(test, r.ev->seq, (u64)i + 1);
		KUNIT_EXPECT_EQ(test, r.ev->cluster_id, c->id);
		KUNIT_EXPECT_EQ(test, r.ev->rec_flags, 0);
		KUNIT_EXPECT_NE(test, r.ev->timestamp_ns, 0ULL);
		KUNIT_EXPECT_GE(test, r.ev->timestamp_ns, ts);
		ts = r.ev->timestamp_ns;
	}
	KUNIT_EXPECT_EQ(test, atomic64_read(&c->cl->posted), 4LL);
}

static struct kunit_case kt_record_cases[] = {
	KUNIT_CASE_PARAM(build_layout, kt_layout_cases_gen_params),
	KUNIT_CASE(posted_record_header),
	{}
};

static struct kunit_suite kt_record_suite = {
	.name = "clusnotify_record",
	.test_cases = kt_record_cases,
};

/* ======================================================================== */
/* Suite: queue bounds and loss                                              */

/* Posts n GROUP STATE events g-0 ... g-(n-1) in one batch; returns last seq. */
static u64 kt_post_n(struct kunit *test, struct kt_cluster *c, unsigned int n)
{
	struct clusnotify_post_event *d;
	char (*ids)[16];
	unsigned int i;
	u64 last = 0;

	d = kunit_kcalloc(test, n, sizeof(*d), GFP_KERNEL);
	ids = kunit_kcalloc(test, n, sizeof(*ids), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, d);
	KUNIT_ASSERT_NOT_NULL(test, ids);
	for (i = 0; i < n; i++) {
		snprintf(ids[i], sizeof(ids[i]), "g-%u", i);
		d[i].object_type = CLUSNOTIFY_OBJ_GROUP;
		d[i].flag = CLUSNOTIFY_GROUP_STATE;
		d[i].object_id = ids[i];
	}
	KUNIT_ASSERT_EQ(test, cn_cluster_post(c->cl, d, n, &last), 0);
	kunit_kfree(test, ids);
	kunit_kfree(test, d);
	return last;
}

/* How many of @port's entries on the list of (@type, @bit) are solo. */
static unsigned int kt_solo_entries(struct kt_cluster *c, struct cn_port *port,
				    u32 type, unsigned int bit, unsigned int *all)
{
	struct cn_bitnode *bn;
	unsigned int solo = 0;

	*all = 0;
	rcu_read_lock();
	hlist_for_each_entry_rcu(bn, &c->cl->by_bit[type][bit], node) {
		if (bn->port != port)
			continue;
		(*all)++;
		solo += bn->solo;
	}
	rcu_read_unlock();
	return solo;
}

#define KT_EXPECT_SOLO(test, c, port, type, flag, want_solo, want_all)	\
	do {								\
		unsigned int __all;					\
									\
		KUNIT_EXPECT_EQ(test, kt_solo_entries(c, port, type,	\
						      __ffs64(flag), &__all), \
				(unsigned int)(want_solo));		\
		KUNIT_EXPECT_EQ(test, __all, (unsigned int)(want_all));	\
	} while (0)

/*
 * Pops @port's records and checks them against what a port must get from
 * a batch of @n events starting at @first: event i's copies (@copies[i],
 * 0 to 2, with keys @keys[0], then @keys[1] if two) one after the other,
 * the events in order, nothing else.
 */
static void kt_expect_batch(struct kunit *test, struct cn_port *port,
			    const char *what, u64 first, unsigned int n,
			    const u8 *copies, const u64 *keys)
{
	unsigned int i, j;
	struct kt_rec r;

	for (i = 0; i < n; i++) {
		u64 seen = 0;

		for (j = 0; j < copies[i]; j++) {
			KUNIT_ASSERT_TRUE_MSG(test, kt_pop(test, port, &r),
					      "%s: event %u copy %u missing", what, i, j);
			KUNIT_ASSERT_NOT_NULL_MSG(test, r.ev, "%s: a LOST record", what);
			KUNIT_EXPECT_EQ_MSG(test, r.ev->seq, first + i,
					    "%s: event %u copy %u", what, i, j);
			seen |= r.key == keys[0] ? 1 : r.key == keys[1] ? 2 : 4;
		}
		KUNIT_EXPECT_EQ_MSG(test, seen, copies[i] == 2 ? 3ULL : copies[i] ? 1ULL : 0ULL,
				    "%s: keys of event %u", what, i);
	}
	KUNIT_EXPECT_FALSE_MSG(test, kt_pop(test, port, &r), "%s: records past the batch",
			       what);
}

/*
 * A batch's events of one type and flag are queued port by port
 * (cn_filter_match_run()). Each port must still get its records in order,
 * an event's copies together: one with a filter per type (solo entries),
 * one with two filters on the same list, one with a filter and a
 * registration of one object, one with a filter and a registration of
 * every object, and enough ports with two filters that a run cannot keep
 * them all. The batch mixes types, so that runs end where they must.
 */
static void batch_run_keeps_every_ports_order(struct kunit *test)
{
	enum { N = 24 };
	static const u64 k12[2] = { 1, 2 }, k13[2] = { 1, 3 }, k14[2] = { 1, 4 };
	struct kt_cluster *c = kt_cluster_new(test);
	struct cn_port *a = kt_port_new(test), *b = kt_port_new(test);
	struct cn_port *d = kt_port_new(test), *e = kt_port_new(test);
	struct cn_port *many[9];
	struct clusnotify_post_event *ev;
	u8 ca[N], cb[N], cd[N], ce[N];
	char (*ids)[16];
	u64 last = 0;
	unsigned int i;
	u32 reg;

	kt_filter(test, a, c->id, 1, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE);
	kt_filter(test, a, c->id, 1, CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_STATE);
	kt_filter(test, b, c->id, 1, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE);
	KT_EXPECT_SOLO(test, c, b, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE, 1, 1);
	kt_filter(test, b, c->id, 2, CLUSNOTIFY_OBJ_GROUP,
		  CLUSNOTIFY_GROUP_STATE | CLUSNOTIFY_GROUP_OWNER_NODE);
	kt_filter(test, d, c->id, 1, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE);
	/* On an event in the middle of a run. */
	KUNIT_ASSERT_EQ(test, cn_filter_register(d, c->id, CLUSNOTIFY_OBJ_GROUP,
						 CLUSNOTIFY_GROUP_STATE, 3,
						 "g-10", &reg), 0);
	KUNIT_ASSERT_EQ(test, cn_filter_register(e, c->id, CLUSNOTIFY_OBJ_GROUP,
						 CLUSNOTIFY_GROUP_STATE, 4,
						 "", &reg), 0);
	kt_filter(test, e, c->id, 1, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE);

	KT_EXPECT_SOLO(test, c, a, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE, 1, 1);
	KT_EXPECT_SOLO(test, c, a, CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_STATE, 1, 1);
	KT_EXPECT_SOLO(test, c, b, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE, 0, 2);
	/* The other flag of b's second filter is its alone. */
	KT_EXPECT_SOLO(test, c, b, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_OWNER_NODE, 1, 1);
	KT_EXPECT_SOLO(test, c, d, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE, 0, 1);
	KT_EXPECT_SOLO(test, c, e, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE, 0, 2);

	/* Nodes 0-2, groups 3-20 (a run of 16 and more), nodes 21-23. */
	ev = kunit_kcalloc(test, N, sizeof(*ev), GFP_KERNEL);
	ids = kunit_kcalloc(test, N, sizeof(*ids), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ev);
	KUNIT_ASSERT_NOT_NULL(test, ids);
	for (i = 0; i < N; i++) {
		bool group = i >= 3 && i <= 20;

		snprintf(ids[i], sizeof(ids[i]), "%s-%u", group ? "g" : "n", i);
		ev[i].object_type = group ? CLUSNOTIFY_OBJ_GROUP : CLUSNOTIFY_OBJ_NODE;
		ev[i].flag = group ? CLUSNOTIFY_GROUP_STATE : CLUSNOTIFY_NODE_STATE;
		ev[i].object_id = ids[i];
		ca[i] = 1;
		cb[i] = group ? 2 : 0;
		cd[i] = group ? 1 + !strcmp(ids[i], "g-10") : 0;
		ce[i] = group ? 2 : 0;
	}
	/* The five entries that are not solo: the run keeps them. */
	KUNIT_ASSERT_EQ(test, cn_cluster_post(c->cl, ev, N, &last), 0);
	kt_expect_batch(test, a, "a filter per type", last - N + 1, N, ca, k12);
	kt_expect_batch(test, b, "two filters", last - N + 1, N, cb, k12);
	kt_expect_batch(test, d, "filter and registration", last - N + 1, N, cd, k13);
	kt_expect_batch(test, e, "filter and every object", last - N + 1, N, ce, k14);

	/* More than a run keeps (CN_RUN_OTHERS): it walks the list per event. */
	for (i = 0; i < ARRAY_SIZE(many); i++) {
		many[i] = kt_port_new(test);
		kt_filter(test, many[i], c->id, 1, CLUSNOTIFY_OBJ_GROUP,
			  CLUSNOTIFY_GROUP_STATE);
		kt_filter(test, many[i], c->id, 2, CLUSNOTIFY_OBJ_GROUP,
			  CLUSNOTIFY_GROUP_STATE | CLUSNOTIFY_GROUP_OWNER_NODE);
	}
	KUNIT_ASSERT_EQ(test, cn_cluster_post(c->cl, ev, N, &last), 0);
	kt_expect_batch(test, a, "a filter per type, again", last - N + 1, N, ca, k12);
	kt_expect_batch(test, b, "two filters, again", last - N + 1, N, cb, k12);
	kt_expect_batch(test, d, "filter and registration, again", last - N + 1, N,
			cd, k13);
	kt_expect_batch(test, e, "filter and every object, again", last - N + 1, N,
			ce, k14);
	for (i = 0; i < ARRAY_SIZE(many); i++)
		kt_expect_batch(test, many[i], "two filters, past the run's list",
				last - N + 1, N, cb, k12);
}

struct kt_limit_case {
	const char *name;
	u32 limit;
	u32 posts;
};

static const struct kt_limit_case kt_limit_cases[] = {
	{ "limit_1_posts_1_none_lost", 1, 1 },
	{ "limit_1_posts_3_two_lost", 1, 3 },
	{ "limit_4_posts_4_none_lost", 4, 4 },
	{ "limit_4_posts_10_six_lost", 4, 10 },
	{ "limit_5_posts_6_one_lost", 5, 6 },
};

static void kt_limit_case_desc(const struct kt_limit_case *c, char *desc)
{
	kt_copy_desc(c->name, desc);
}

KUNIT_ARRAY_PARAM(kt_limit_cases, kt_limit_cases, kt_limit_case_desc);

/*
 * A full port counts what it cannot queue and reports it, after the events
 * it did queue, in one LOST record with the first dropped event's key and
 * cluster.
 */
static void bounded_queue_counts_and_reports_loss(struct kunit *test)
{
	const struct kt_limit_case *p = test->param_value;
	u32 delivered = min(p->limit, p->posts), lost = p->posts - delivered;
	struct kt_cluster *c = kt_cluster_new(test);
	struct cn_port *port = kt_port_new(test);
	struct clusnotify_port_stats st;
	u64 last, first;
	struct kt_rec r;
	u32 i;

	kt_port_set_limit(port, p->limit);
	kt_filter(test, port, c->id, KT_KEY, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE);

	last = kt_post_n(test, c, p->posts);
	first = last - p->posts + 1;

	kt_stats(port, &st);
	KUNIT_EXPECT_EQ(test, st.matched, (u64)p->posts);
	KUNIT_EXPECT_EQ(test, st.delivered, (u64)delivered);
	KUNIT_EXPECT_EQ(test, st.lost, (u64)lost);
	KUNIT_EXPECT_EQ(test, st.queued, (u64)delivered);
	KT_EXPECT_BALANCED(test, st);
	KUNIT_EXPECT_EQ(test, (u64)cn_port_bytes_ready(port),
			st.queued_bytes + (lost ? KT_LOST_RECORD_LEN : 0));

	for (i = 0; i < delivered; i++) {
		KT_ASSERT_POP_EVENT(test, port, &r);
		KUNIT_EXPECT_EQ(test, r.ev->seq, first + i);
		KUNIT_EXPECT_EQ(test, r.key, KT_KEY);
	}
	if (lost) {
		KT_ASSERT_POP_LOST(test, port, &r);
		KUNIT_EXPECT_EQ(test, r.lost, (u64)lost);
		KUNIT_EXPECT_EQ(test, r.lost_cluster, c->id);
		KUNIT_EXPECT_EQ(test, r.key, KT_KEY);
	}
	KT_EXPECT_EMPTY(test, port);

	kt_stats(port, &st);
	KUNIT_EXPECT_EQ(test, st.queued, 0ULL);
	KUNIT_EXPECT_EQ(test, st.queued_bytes, 0ULL);
	KUNIT_EXPECT_EQ(test, st.read, (u64)delivered + (lost ? 1 : 0));
	KUNIT_EXPECT_EQ(test, cn_port_bytes_ready(port), 0U);
	KT_EXPECT_BALANCED(test, st);
}

/*
 * The LOST record sits where the first loss happened: events queued before
 * it come first, events queued after it (once room was made) come after.
 */
static void lost_record_sits_where_the_first_loss_happened(struct kunit *test)
{
	struct kt_cluster *c = kt_cluster_new(test);
	struct cn_port *port = kt_port_new(test);
	struct clusnotify_port_stats st;
	struct kt_rec r;
	u64 s3, s4;

	kt_port_set_limit(port, 2);
	kt_filter(test, port, c->id, KT_KEY, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE);
	s3 = kt_post_n(test, c, 3);		/* e1 e2 queued, e3 lost */
	KT_ASSERT_POP_EVENT(test, port, &r);	/* e1 */
	KUNIT_EXPECT_EQ(test, r.ev->seq, s3 - 2);
	s4 = kt_post(test, c, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE, "e4");
	kt_post(test, c, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE, "e5"); /* lost */

	KT_ASSERT_POP_EVENT(test, port, &r);	/* e2 */
	KUNIT_EXPECT_EQ(test, r.ev->seq, s3 - 1);
	KT_ASSERT_POP_LOST(test, port, &r);
	KUNIT_EXPECT_EQ(test, r.lost, 2ULL);
	KT_ASSERT_POP_EVENT(test, port, &r);	/* e4 */
	KUNIT_EXPECT_EQ(test, r.ev->seq, s4);
	KT_EXPECT_EMPTY(test, port);
	kt_stats(port, &st);
	KUNIT_EXPECT_EQ(test, st.matched, 5ULL);
	KUNIT_EXPECT_EQ(test, st.delivered, 3ULL);
	KUNIT_EXPECT_EQ(test, st.lost, 2ULL);
}

/* Each run of losses gets its own record with its own count. */
static void each_loss_after_a_report_gets_a_new_record(struct kunit *test)
{
	struct kt_cluster *c = kt_cluster_new(test);
	struct cn_port *port = kt_port_new(test);
	struct clusnotify_port_stats st;
	struct kt_rec r;
	int round;

	kt_port_set_limit(port, 1);
	kt_filter(test, port, c->id, KT_KEY, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE);
	for (round = 0; round < 3; round++) {
		kt_post_n(test, c, 2 + round);
		KT_ASSERT_POP_EVENT(test, port, &r);
		KT_ASSERT_POP_LOST(test, port, &r);
		KUNIT_EXPECT_EQ(test, r.lost, 1ULL + round);
		KT_EXPECT_EMPTY(test, port);
	}
	kt_stats(port, &st);
	KUNIT_EXPECT_EQ(test, st.lost, 6ULL);
	KUNIT_EXPECT_EQ(test, st.read, 6ULL);
	KT_EXPECT_BALANCED(test, st);
}

/* The LOST record names the key and cluster of the first event dropped. */
static void lost_record_names_the_first_dropped_key_and_cluster(struct kunit *test)
{
	struct kt_cluster *c1 = kt_cluster_new(test);
	struct kt_cluster *c2 = kt_cluster_new(test);
	struct cn_port *port = kt_port_new(test);
	struct kt_rec r;

	kt_port_set_limit(port, 1);
	kt_filter(test, port, c1->id, 0xa, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE);
	kt_filter(test, port, c2->id, 0xb, CLUSNOTIFY_OBJ_RESOURCE,
		  CLUSNOTIFY_RESOURCE_STATE);
	kt_filter(test, port, c2->id, 0xc, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE);

	kt_post(test, c1, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE, "g1");
	kt_post(test, c2, CLUSNOTIFY_OBJ_RESOURCE, CLUSNOTIFY_RESOURCE_STATE, "r1");
	kt_post(test, c2, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE, "g2");
	kt_post(test, c1, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE, "g3");

	KT_ASSERT_POP_EVENT(test, port, &r);
	KUNIT_EXPECT_EQ(test, r.key, 0xaULL);
	/* One LOST record per cluster, in the order of their first loss. */
	KT_ASSERT_POP_LOST(test, port, &r);
	KUNIT_EXPECT_EQ(test, r.lost, 2ULL);
	KUNIT_EXPECT_EQ(test, r.key, 0xbULL);
	KUNIT_EXPECT_EQ(test, r.lost_cluster, c2->id);
	KT_ASSERT_POP_LOST(test, port, &r);
	KUNIT_EXPECT_EQ(test, r.lost, 1ULL);
	KUNIT_EXPECT_EQ(test, r.key, 0xaULL);
	KUNIT_EXPECT_EQ(test, r.lost_cluster, c1->id);
	KT_EXPECT_EMPTY(test, port);
}

/*
 * The LOST record's range is the first and last sequence number lost, the
 * first counted under the port's lock, the others on the lock-free path of
 * a full port that owes a LOST record.
 */
static void lost_range_spans_the_lock_free_losses(struct kunit *test)
{
	struct kt_cluster *c = kt_cluster_new(test);
	struct cn_port *port = kt_port_new(test);
	struct clusnotify_port_stats st;
	struct kt_rec r;
	u64 last;

	kt_port_set_limit(port, 1);
	kt_filter(test, port, c->id, KT_KEY, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE);
	last = kt_post_n(test, c, 5);		/* 1 queued, 4 lost */
	KUNIT_EXPECT_EQ(test, port->fast_cluster, c->id);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&port->lost_fast), 3L);
	KT_ASSERT_POP_EVENT(test, port, &r);
	KUNIT_EXPECT_EQ(test, r.ev->seq, last - 4);
	KUNIT_EXPECT_EQ(test, r.ev->epoch, c->cl->epoch);
	KT_ASSERT_POP_LOST(test, port, &r);
	KUNIT_EXPECT_EQ(test, r.lost, 4ULL);
	KUNIT_EXPECT_EQ(test, r.lost_cluster, c->id);
	KUNIT_EXPECT_EQ(test, r.lost_epoch, c->cl->epoch);
	KUNIT_EXPECT_EQ(test, r.lost_first, last - 3);
	KUNIT_EXPECT_EQ(test, r.lost_last, last);
	KT_EXPECT_EMPTY(test, port);

	/* Again: a new record, a new range. */
	kt_post_n(test, c, 1);
	last = kt_post_n(test, c, 3);
	KT_ASSERT_POP_EVENT(test, port, &r);
	KT_ASSERT_POP_LOST(test, port, &r);
	KUNIT_EXPECT_EQ(test, r.lost, 3ULL);
	KUNIT_EXPECT_EQ(test, r.lost_first, last - 2);
	KUNIT_EXPECT_EQ(test, r.lost_last, last);
	kt_stats(port, &st);
	KUNIT_EXPECT_EQ(test, st.lost, 7ULL);
	KT_EXPECT_BALANCED(test, st);
}

/*
 * Past CN_LOST_SLOTS clusters losing at once, the last record counts the
 * rest and names no cluster, epoch or range: nothing is attributed wrongly.
 */
static void lost_of_many_clusters_share_the_last_record(struct kunit *test)
{
	struct kt_cluster *c[CN_LOST_SLOTS + 2];
	struct cn_port *port = kt_port_new(test);
	struct kt_rec r;
	unsigned int i;
	u64 s[ARRAY_SIZE(c)];

	kt_port_set_limit(port, 1);
	for (i = 0; i < ARRAY_SIZE(c); i++) {
		c[i] = kt_cluster_new(test);
		kt_filter(test, port, c[i]->id, KT_KEY + i, CLUSNOTIFY_OBJ_GROUP,
			  CLUSNOTIFY_GROUP_STATE);
	}
	kt_post_n(test, c[0], 1);		/* queued */
	for (i = 0; i < ARRAY_SIZE(c); i++)
		s[i] = kt_post_n(test, c[i], 1);
	KT_ASSERT_POP_EVENT(test, port, &r);
	for (i = 0; i < CN_LOST_SLOTS - 1; i++) {
		KT_ASSERT_POP_LOST(test, port, &r);
		KUNIT_EXPECT_EQ(test, r.lost_cluster, c[i]->id);
		KUNIT_EXPECT_EQ(test, r.key, KT_KEY + i);
		KUNIT_EXPECT_EQ(test, r.lost, 1ULL);
		KUNIT_EXPECT_EQ(test, r.lost_first, s[i]);
		KUNIT_EXPECT_EQ(test, r.lost_last, s[i]);
		KUNIT_EXPECT_EQ(test, r.lost_epoch, c[i]->cl->epoch);
	}
	KT_ASSERT_POP_LOST(test, port, &r);
	KUNIT_EXPECT_EQ(test, r.lost_cluster, 0U);
	KUNIT_EXPECT_EQ(test, r.lost, (u64)(ARRAY_SIZE(c) - CN_LOST_SLOTS + 1));
	KUNIT_EXPECT_EQ(test, r.lost_first, 0ULL);
	KUNIT_EXPECT_EQ(test, r.lost_last, 0ULL);
	KUNIT_EXPECT_EQ(test, r.lost_epoch, 0ULL);
	KT_EXPECT_EMPTY(test, port);
}

/* Shutdown frees what is queued; a shut-down port counts nothing more. */
static void shutdown_drains_and_stops_counting(struct kunit *test)
{
	struct kt_cluster *c = kt_cluster_new(test);
	struct cn_port *port = kt_port_new(test);
	struct clusnotify_port_stats st;
	u64 before;

	kt_port_set_limit(port, 2);
	kt_filter(test, port, c->id, KT_KEY, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE);
	kt_post_n(test, c, 3);

	cn_port_shutdown(port);

	kt_stats(port, &st);
	KUNIT_EXPECT_EQ(test, st.queued, 0ULL);
	KUNIT_EXPECT_EQ(test, st.queued_bytes, 0ULL);
	KUNIT_EXPECT_EQ(test, st.matched, 3ULL);
	KUNIT_EXPECT_EQ(test, cn_port_bytes_ready(port), 0U);
	KT_EXPECT_EMPTY(test, port);

	before = atomic64_read(&c->cl->matched);
	kt_post_n(test, c, 2);
	kt_stats(port, &st);
	KUNIT_EXPECT_EQ(test, st.matched, 3ULL);
	KUNIT_EXPECT_EQ(test, atomic64_read(&c->cl->matched), before);
	KT_EXPECT_BALANCED(test, st);
}

/* One body, shared by every queue it reaches, freed with its last queue. */
static void queues_share_one_body(struct kunit *test)
{
	struct kt_cluster *c = kt_cluster_new(test);
	struct cn_port *p[3];
	struct kt_rec r[3];
	int i;

	for (i = 0; i < 3; i++) {
		p[i] = kt_port_new(test);
		kt_filter(test, p[i], c->id, i, CLUSNOTIFY_OBJ_GROUP,
			  CLUSNOTIFY_GROUP_STATE);
	}
	kt_post(test, c, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE, "g1");

	KT_ASSERT_POP_EVENT(test, p[0], &r[0]);
	/* Ours, the two still queued, the journal's; the poster kept none. */
	KUNIT_EXPECT_EQ(test, refcount_read(&r[0].ev->ref), 4);
	/* Closing a port drops its queue's reference. */
	kt_release_now(test, p[1]);
	KUNIT_EXPECT_EQ(test, refcount_read(&r[0].ev->ref), 3);
	KT_ASSERT_POP_EVENT(test, p[2], &r[2]);
	KUNIT_EXPECT_PTR_EQ(test, r[2].ev, r[0].ev);
	KUNIT_EXPECT_EQ(test, refcount_read(&r[0].ev->ref), 3);
}

struct kt_waiter {
	struct wait_queue_entry wait;
	struct cn_port *port;
	int wakes;
};

static int kt_count_wake(struct wait_queue_entry *wait, unsigned int mode,
			 int sync, void *key)
{
	container_of(wait, struct kt_waiter, wait)->wakes++;
	return 0;
}

static void kt_waiter_remove(void *arg)
{
	struct kt_waiter *w = arg;

	remove_wait_queue(&w->port->wq, &w->wait);
}

static struct kt_waiter *kt_waiter_add(struct kunit *test, struct cn_port *port)
{
	struct kt_waiter *w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, w);
	w->port = port;
	init_waitqueue_func_entry(&w->wait, kt_count_wake);
	add_wait_queue(&port->wq, &w->wait);
	kt_defer(test, kt_waiter_remove, w);
	return w;
}

static struct cn_event *kt_event_new(struct kunit *test)
{
	const struct clusnotify_post_event d = {
		.object_type = CLUSNOTIFY_OBJ_GROUP,
		.flag = CLUSNOTIFY_GROUP_STATE,
		.object_id = "g1",
	};
	struct cn_event *ev = cn_event_build(&d, 0, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ev);
	kt_defer(test, kt_event_release, ev);
	return ev;
}

/*
 * A post takes its queue entries' references CN_EVENT_SPARE_REFS at a time
 * (one atomic on the line readers put theirs on, not one per port), after a
 * first entry that takes its own, and gives back the ones it did not use:
 * past a chunk, the count is exact.
 */
static void queue_refs_come_in_chunks_and_stay_exact(struct kunit *test)
{
	struct cn_event *ev = kt_event_new(test);
	u32 spare, i, n = CN_EVENT_SPARE_REFS + 3, other = 0;

	/* One entry: one reference, nothing to give back. */
	cn_event_spare_begin(ev, &spare);
	KUNIT_EXPECT_PTR_EQ(test, cn_event_get_queued(ev), ev);
	KUNIT_EXPECT_EQ(test, refcount_read(&ev->ref), 2);
	cn_event_spare_end(ev);
	KUNIT_EXPECT_EQ(test, refcount_read(&ev->ref), 2);
	KUNIT_EXPECT_NULL(test, ev->spare);
	cn_event_put(ev);

	cn_event_spare_begin(ev, &spare);
	for (i = 0; i < n; i++)
		if (cn_event_get_queued(ev) != ev)
			other++;
	KUNIT_EXPECT_EQ(test, other, 0U);
	/* The first entry's, two chunks, and the builder's reference. */
	KUNIT_EXPECT_EQ(test, refcount_read(&ev->ref),
			2 + 2 * CN_EVENT_SPARE_REFS);
	KUNIT_EXPECT_EQ(test, spare, CN_EVENT_SPARE_REFS - 2);
	cn_event_spare_end(ev);
	KUNIT_EXPECT_EQ(test, refcount_read(&ev->ref), 1 + n);
	KUNIT_EXPECT_NULL(test, ev->spare);
	/* Out of a post, each entry takes its own. */
	cn_event_get_queued(ev);
	KUNIT_EXPECT_EQ(test, refcount_read(&ev->ref), 2 + n);
	for (i = 0; i <= n; i++)
		cn_event_put(ev);
	KUNIT_EXPECT_EQ(test, refcount_read(&ev->ref), 1);
}

/*
 * Two posters queue to one port; the second finishes its batch while the
 * first is still running: its event wakes the port then, not when the first
 * poster's batch ends. Each poster still wakes a port once per batch.
 */
static void wake_does_not_wait_for_another_posters_batch(struct kunit *test)
{
	struct cn_port *port = kt_port_new(test);
	struct kt_waiter *w = kt_waiter_add(test, port);
	struct cn_event *ev = kt_event_new(test);
	struct cn_wake_list a = { }, b = { };

	rcu_read_lock();
	/* alone, a poster wakes a port once for its whole batch */
	cn_port_enqueue(port, ev, 1, &a);
	cn_port_enqueue(port, ev, 2, &a);
	cn_wake_list_flush(&a);
	KUNIT_EXPECT_EQ(test, w->wakes, 1);

	cn_port_enqueue(port, ev, 3, &a);
	cn_port_enqueue(port, ev, 4, &b);
	cn_port_enqueue(port, ev, 5, &b);
	cn_wake_list_flush(&b);
	KUNIT_EXPECT_EQ_MSG(test, w->wakes, 2,
			    "the second poster's event waits for the first's batch");
	cn_port_enqueue(port, ev, 6, &a);
	cn_wake_list_flush(&a);
	rcu_read_unlock();
	/* the first poster wakes it too, once */
	KUNIT_EXPECT_EQ(test, w->wakes, 3);
}

/*
 * A second poster reaching more ports another poster has marked than its
 * own small list holds: each is woken once by each poster, none skipped.
 */
static void other_posters_ports_past_the_list_woken_once_each(struct kunit *test)
{
	const int n = 2 * CN_WAKE_BATCH + 3;
	struct cn_event *ev = kt_event_new(test);
	struct cn_wake_list a = { }, b = { };
	struct kt_waiter **w;
	int i;

	w = kunit_kcalloc(test, n, sizeof(*w), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w);
	for (i = 0; i < n; i++)
		w[i] = kt_waiter_add(test, kt_port_new(test));
	rcu_read_lock();
	for (i = 0; i < n; i++)
		cn_port_enqueue(w[i]->port, ev, i, &a);
	for (i = 0; i < n; i++)
		cn_port_enqueue(w[i]->port, ev, i, &b);
	cn_wake_list_flush(&b);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ_MSG(test, w[i]->wakes, 1, "port %d, second poster", i);
	cn_wake_list_flush(&a);
	rcu_read_unlock();
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ_MSG(test, w[i]->wakes, 2, "port %d, first poster", i);
}

/*
 * A posted batch whose fan-out spans several RCU read sections (32 events
 * to 64 ports: 2,048 attempts, in two runs whose section ends at 1,024,
 * short of CN_WAKE_FIRST) still wakes each port once, at its end: a
 * broadcast to many ports costs one wake-up per port per batch, as a pipe
 * written once per batch does.
 */
static void batch_over_sections_wakes_each_port_once(struct kunit *test)
{
	const int n = 64;
	struct kt_cluster *c = kt_cluster_new(test);
	struct kt_waiter **w;
	struct cn_port *port;
	int i;

	w = kunit_kcalloc(test, n, sizeof(*w), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w);
	for (i = 0; i < n; i++) {
		port = kt_port_new(test);
		kt_filter(test, port, c->id, KT_KEY, CLUSNOTIFY_OBJ_GROUP,
			  CLUSNOTIFY_GROUP_STATE);
		w[i] = kt_waiter_add(test, port);
	}
	kt_post_n(test, c, 32);
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ_MSG(test, w[i]->wakes, 1, "port %d", i);
		KUNIT_EXPECT_EQ(test, cn_port_bytes_ready(w[i]->port),
				cn_port_bytes_ready(w[0]->port));
	}
}

/*
 * How many of a batch's ports held events when the first of them was woken:
 * one census entry on each port's wait queue, all counting into @c.
 */
struct kt_census {
	struct cn_port **ports;
	int n;
	int queued;		/* -1 until the first wake-up */
};

struct kt_census_entry {
	struct wait_queue_entry wait;
	struct cn_port *port;
	struct kt_census *c;
};

static int kt_census_wake(struct wait_queue_entry *wait, unsigned int mode,
			  int sync, void *key)
{
	struct kt_census *c = container_of(wait, struct kt_census_entry, wait)->c;
	int i;

	if (c->queued >= 0)
		return 0;
	/* Under the port's wait queue lock: peek, do not take port locks. */
	c->queued = 0;
	for (i = 0; i < c->n; i++)
		c->queued += READ_ONCE(c->ports[i]->tail) !=
			     READ_ONCE(c->ports[i]->head);
	return 0;
}

static void kt_census_remove(void *arg)
{
	struct kt_census_entry *e = arg;

	remove_wait_queue(&e->port->wq, &e->wait);
}

/*
 * A run of 16 events to @n ports wakes the ports it has queued to as it
 * goes: the first wake-up comes while some ports still wait for the run,
 * not after the last is queued. Each port is still woken once, with its
 * whole run.
 */
static void kt_run_wakes_ports_as_it_goes(struct kunit *test, int n)
{
	struct kt_cluster *cl = kt_cluster_new(test);
	struct kt_census *c;
	struct kt_census_entry *e;
	struct kt_waiter **w;
	int i;

	/* Not on the stack: the entries stay queued until the test's cleanup. */
	c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	w = kunit_kcalloc(test, n, sizeof(*w), GFP_KERNEL);
	e = kunit_kcalloc(test, n, sizeof(*e), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_NOT_NULL(test, w);
	KUNIT_ASSERT_NOT_NULL(test, e);
	c->n = n;
	c->queued = -1;
	c->ports = kunit_kcalloc(test, n, sizeof(*c->ports), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c->ports);
	for (i = 0; i < n; i++) {
		c->ports[i] = kt_port_new(test);
		kt_filter(test, c->ports[i], cl->id, KT_KEY, CLUSNOTIFY_OBJ_GROUP,
			  CLUSNOTIFY_GROUP_STATE);
		w[i] = kt_waiter_add(test, c->ports[i]);
		e[i].port = c->ports[i];
		e[i].c = c;
		init_waitqueue_func_entry(&e[i].wait, kt_census_wake);
		add_wait_queue(&c->ports[i]->wq, &e[i].wait);
		kt_defer(test, kt_census_remove, &e[i]);
	}
	kt_post_n(test, cl, 16);
	KUNIT_EXPECT_GT(test, c->queued, 0);
	KUNIT_EXPECT_LT_MSG(test, c->queued, n,
			    "no port was woken before the run reached the last");
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ_MSG(test, w[i]->wakes, 1, "port %d", i);
		KUNIT_EXPECT_EQ(test, cn_port_bytes_ready(c->ports[i]),
				cn_port_bytes_ready(c->ports[0]));
	}
}

/* 32,768 attempts: past CN_WAKE_WORK as well as CN_WAKE_FIRST. */
static void long_run_wakes_ports_as_it_goes(struct kunit *test)
{
	kt_run_wakes_ports_as_it_goes(test, 2048);
}

/*
 * 4,096 attempts, fewer than CN_WAKE_WORK: the batch's first wake-up does
 * not wait for it (CN_WAKE_FIRST), so the first ports read while the run
 * goes on.
 */
static void run_of_4096_attempts_wakes_its_first_ports_early(struct kunit *test)
{
	kt_run_wakes_ports_as_it_goes(test, 256);
}

/*
 * A batch reaching more ports than a fixed list of CN_WAKE_BATCH would hold
 * still wakes each one.
 */
static void wake_list_overflow_wakes_every_port(struct kunit *test)
{
	const int n = 3 * CN_WAKE_BATCH + 1;
	struct cn_event *ev = kt_event_new(test);
	struct cn_wake_list wl = { };
	struct kt_waiter **w;
	struct cn_port *port;
	int i, round;

	w = kunit_kcalloc(test, n, sizeof(*w), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w);
	for (i = 0; i < n; i++) {
		port = kt_port_new(test);
		w[i] = kt_waiter_add(test, port);
	}
	rcu_read_lock();
	for (round = 0; round < 2; round++)
		for (i = 0; i < n; i++)
			cn_port_enqueue(w[i]->port, ev, i, &wl);
	cn_wake_list_flush(&wl);
	rcu_read_unlock();
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_GE_MSG(test, w[i]->wakes, 1, "port %d never woken", i);
}

static struct kunit_case kt_queue_cases[] = {
	KUNIT_CASE_PARAM(bounded_queue_counts_and_reports_loss,
			 kt_limit_cases_gen_params),
	KUNIT_CASE(lost_record_sits_where_the_first_loss_happened),
	KUNIT_CASE(each_loss_after_a_report_gets_a_new_record),
	KUNIT_CASE(lost_record_names_the_first_dropped_key_and_cluster),
	KUNIT_CASE(lost_range_spans_the_lock_free_losses),
	KUNIT_CASE(lost_of_many_clusters_share_the_last_record),
	KUNIT_CASE(shutdown_drains_and_stops_counting),
	KUNIT_CASE(queues_share_one_body),
	KUNIT_CASE(queue_refs_come_in_chunks_and_stay_exact),
	KUNIT_CASE(wake_does_not_wait_for_another_posters_batch),
	KUNIT_CASE(long_run_wakes_ports_as_it_goes),
	KUNIT_CASE(run_of_4096_attempts_wakes_its_first_ports_early),
	KUNIT_CASE(wake_list_overflow_wakes_every_port),
	KUNIT_CASE(batch_over_sections_wakes_each_port_once),
	KUNIT_CASE(batch_run_keeps_every_ports_order),
	KUNIT_CASE(other_posters_ports_past_the_list_woken_once_each),
	{}
};

static struct kunit_suite kt_queue_suite = {
	.name = "clusnotify_queue",
	.test_cases = kt_queue_cases,
};

/* ======================================================================== */
/* Suite: the read path                                                      */

/*
 * cn_port_read() copies to user memory. A KUnit case runs in a kthread,
 * which has none, so it borrows the mm of the process that loads the module
 * (the suites run while insmod waits) and maps a buffer there. No assertion
 * runs while the mm is borrowed: kt_read() only returns what happened.
 */
#define KT_UBUF_LEN	(64 * 1024)

static struct mm_struct *kt_mm;

static int kt_read_suite_init(struct kunit_suite *suite)
{
	kt_mm = current->mm ? get_task_mm(current) : NULL;
	return 0;
}

static void kt_read_suite_exit(struct kunit_suite *suite)
{
	if (kt_mm)
		mmput(kt_mm);
	kt_mm = NULL;
}

#ifdef CN_KUNIT_PORT_READ
/* read(2) of count bytes into a fresh mapping (or an unmapped address). */
static ssize_t kt_read(struct cn_port *port, size_t count, bool unmapped, void *out)
{
	unsigned long addr;
	ssize_t ret;

	kthread_use_mm(kt_mm);
	addr = vm_mmap(NULL, 0, KT_UBUF_LEN, PROT_READ | PROT_WRITE,
		       MAP_ANONYMOUS | MAP_PRIVATE, 0);
	if (IS_ERR_VALUE(addr)) {
		ret = (long)addr;
		goto out;
	}
	if (unmapped)
		vm_munmap(addr, KT_UBUF_LEN);
	ret = cn_port_read(port, (char __user *)addr, count, true);
	if (!unmapped) {
		if (ret > 0 && copy_from_user(out, (const void __user *)addr, ret))
			ret = -EIO;
		vm_munmap(addr, KT_UBUF_LEN);
	}
out:
	kthread_unuse_mm(kt_mm);
	return ret;
}

static void kt_read_ready(struct kunit *test)
{
	if (!kt_mm)
		kunit_skip(test, "no process mm to borrow (loaded by a kthread?)");
}
#else
static ssize_t kt_read(struct cn_port *port, size_t count, bool unmapped, void *out)
{
	return -ENOSYS;
}

static void kt_read_ready(struct kunit *test)
{
	kunit_skip(test, "kernel/port.c does not export cn_port_read to KUnit");
}
#endif

static void *kt_ubuf(struct kunit *test)
{
	void *buf = kunit_kzalloc(test, KT_UBUF_LEN, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	return buf;
}

enum { KT_SHORT_ZERO, KT_SHORT_ONE, KT_SHORT_HDR_LESS_1, KT_SHORT_HDR,
       KT_SHORT_REC_LESS_1 };

struct kt_short_case {
	const char *name;
	int kind;
};

static const struct kt_short_case kt_short_cases[] = {
	{ "zero_bytes", KT_SHORT_ZERO },
	{ "one_byte", KT_SHORT_ONE },
	{ "header_less_one_byte", KT_SHORT_HDR_LESS_1 },
	{ "header_only", KT_SHORT_HDR },
	{ "record_less_one_byte", KT_SHORT_REC_LESS_1 },
};

static void kt_short_case_desc(const struct kt_short_case *c, char *desc)
{
	kt_copy_desc(c->name, desc);
}

KUNIT_ARRAY_PARAM(kt_short_cases, kt_short_cases, kt_short_case_desc);

/* A buffer too short for the first record fails and loses nothing. */
static void short_buffer_keeps_the_record(struct kunit *test)
{
	const struct kt_short_case *p = test->param_value;
	struct kt_cluster *c;
	struct cn_port *port;
	struct clusnotify_post_event d = {
		.object_type = CLUSNOTIFY_OBJ_GROUP, .flag = CLUSNOTIFY_GROUP_STATE,
		.object_id = "g1",
	};
	const struct clusnotify_record *h;
	struct clusnotify_port_stats st;
	size_t size = 0;
	s32 state = 5, got;
	u8 *buf;
	u32 len;
	u64 seq;

	kt_read_ready(test);
	c = kt_cluster_new(test);
	port = kt_port_new(test);
	buf = kt_ubuf(test);
	kt_obj_set(test, c, CLUSNOTIFY_OBJ_GROUP, "g1", "Group One", "", "", 0);
	kt_filter(test, port, c->id, KT_KEY, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE);
	d.payload = &state;
	d.payload_len = sizeof(state);
	KUNIT_ASSERT_EQ(test, cn_cluster_post(c->cl, &d, 1, &seq), 0);
	len = cn_port_bytes_ready(port);
	KUNIT_ASSERT_GT(test, len, (u32)KT_HDR);

	switch (p->kind) {
	case KT_SHORT_ZERO: size = 0; break;
	case KT_SHORT_ONE: size = 1; break;
	case KT_SHORT_HDR_LESS_1: size = KT_HDR - 1; break;
	case KT_SHORT_HDR: size = KT_HDR; break;
	case KT_SHORT_REC_LESS_1: size = len - 1; break;
	}
	KUNIT_EXPECT_EQ(test, kt_read(port, size, false, buf), (ssize_t)-EINVAL);
	kt_stats(port, &st);
	KUNIT_EXPECT_EQ(test, st.queued, 1ULL);
	KUNIT_EXPECT_EQ(test, st.read, 0ULL);
	KUNIT_EXPECT_EQ(test, cn_port_bytes_ready(port), len);

	KUNIT_ASSERT_EQ(test, kt_read(port, len, false, buf), (ssize_t)len);
	h = (const struct clusnotify_record *)buf;
	KUNIT_EXPECT_EQ(test, h->len, len);
	KUNIT_EXPECT_EQ(test, h->hdr_len, (u16)KT_HDR);
	KUNIT_EXPECT_EQ(test, h->flags, 0);
	KUNIT_EXPECT_EQ(test, h->object_type, (u32)CLUSNOTIFY_OBJ_GROUP);
	KUNIT_EXPECT_EQ(test, h->cluster_id, c->id);
	KUNIT_EXPECT_EQ(test, h->filter_flag, CLUSNOTIFY_GROUP_STATE);
	KUNIT_EXPECT_EQ(test, h->key, KT_KEY);
	KUNIT_EXPECT_EQ(test, h->seq, seq);
	KUNIT_EXPECT_EQ(test, h->id_len, 2);
	KUNIT_EXPECT_EQ(test, h->name_len, 9);
	KUNIT_EXPECT_STREQ(test, (const char *)buf + h->hdr_len, "g1");
	KUNIT_EXPECT_STREQ(test, (const char *)buf + h->hdr_len + 2 + 1 + 1,
			   "Group One");
	KUNIT_EXPECT_EQ(test, h->payload_off % 8, 0U);
	KUNIT_ASSERT_EQ(test, h->payload_len, 4U);
	memcpy(&got, buf + h->payload_off, sizeof(got));
	KUNIT_EXPECT_EQ(test, got, 5);
	kt_stats(port, &st);
	KUNIT_EXPECT_EQ(test, st.queued, 0ULL);
	KUNIT_EXPECT_EQ(test, st.read, 1ULL);
}

/* read() returns the whole records that fit and leaves the rest. */
static void read_returns_only_whole_records(struct kunit *test)
{
	struct kt_cluster *c;
	struct cn_port *port;
	u32 len;
	u8 *buf;

	kt_read_ready(test);
	c = kt_cluster_new(test);
	port = kt_port_new(test);
	buf = kt_ubuf(test);
	kt_filter(test, port, c->id, KT_KEY, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE);
	kt_post_n(test, c, 3);
	len = cn_port_bytes_ready(port) / 3;

	KUNIT_EXPECT_EQ(test, kt_read(port, 2 * len - 1, false, buf), (ssize_t)len);
	KUNIT_EXPECT_EQ(test, kt_read(port, len + len / 2, false, buf), (ssize_t)len);
	KUNIT_EXPECT_EQ(test, kt_read(port, KT_UBUF_LEN, false, buf), (ssize_t)len);
	KUNIT_EXPECT_EQ(test, kt_read(port, KT_UBUF_LEN, false, buf), (ssize_t)-EAGAIN);
}

/*
 * One read() of more records than the module copies per lock hold (16):
 * every record, whole and in sequence order, with the LOST record where the
 * first loss happened, and nothing left queued.
 */
static void long_read_keeps_order_and_loss_position(struct kunit *test)
{
	const struct clusnotify_record *h;
	struct kt_cluster *c;
	struct cn_port *port;
	u64 first, seq;
	u32 off = 0, i, n = 0, lost_at = 0, ready;
	ssize_t got;
	u8 *buf;

	kt_read_ready(test);
	c = kt_cluster_new(test);
	port = kt_port_new(test);
	buf = kt_ubuf(test);
	kt_port_set_limit(port, 37);
	kt_filter(test, port, c->id, KT_KEY, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE);
	first = kt_post_n(test, c, 40) - 39;
	ready = cn_port_bytes_ready(port);

	got = kt_read(port, KT_UBUF_LEN, false, buf);
	KUNIT_ASSERT_EQ(test, got, (ssize_t)ready);
	for (seq = first; off < got; off += h->len) {
		h = (const struct clusnotify_record *)(buf + off);
		KUNIT_ASSERT_GE(test, h->len, (u32)KT_HDR);
		KUNIT_ASSERT_EQ(test, h->len % 8, 0U);
		if (h->flags & CLUSNOTIFY_RECORD_LOST) {
			lost_at = n;
			continue;
		}
		KUNIT_EXPECT_EQ(test, h->seq, seq);
		seq++;
		n++;
	}
	KUNIT_EXPECT_EQ(test, off, (u32)got);
	KUNIT_EXPECT_EQ(test, n, 37U);
	KUNIT_EXPECT_EQ(test, lost_at, 37U);
	for (i = 0; i < 2; i++)
		KUNIT_EXPECT_EQ(test, kt_read(port, KT_UBUF_LEN, false, buf),
				(ssize_t)-EAGAIN);
}

/* The LOST record, as read() returns it. */
static void lost_record_through_read(struct kunit *test)
{
	const struct clusnotify_record *h;
	struct kt_cluster *c;
	struct cn_port *port;
	u64 count = 0;
	u32 len;
	u8 *buf;

	kt_read_ready(test);
	c = kt_cluster_new(test);
	port = kt_port_new(test);
	buf = kt_ubuf(test);
	kt_port_set_limit(port, 1);
	kt_filter(test, port, c->id, KT_KEY, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE);
	kt_post_n(test, c, 3);
	len = cn_port_bytes_ready(port) - KT_LOST_RECORD_LEN;

	KUNIT_ASSERT_EQ(test, kt_read(port, KT_UBUF_LEN, false, buf),
			(ssize_t)(len + KT_LOST_RECORD_LEN));
	h = (const struct clusnotify_record *)(buf + len);
	KUNIT_EXPECT_EQ(test, h->len, (u32)KT_LOST_RECORD_LEN);
	KUNIT_EXPECT_EQ(test, h->hdr_len, (u16)KT_HDR);
	KUNIT_EXPECT_EQ(test, h->flags,
			CLUSNOTIFY_RECORD_LOST | CLUSNOTIFY_RECORD_SYNTHETIC);
	KUNIT_EXPECT_EQ(test, h->object_type, (u32)CLUSNOTIFY_OBJ_CLUSTER);
	KUNIT_EXPECT_EQ(test, h->filter_flag, CLUSNOTIFY_CLUSTER_LOST_NOTIFICATIONS);
	KUNIT_EXPECT_EQ(test, h->cluster_id, c->id);
	KUNIT_EXPECT_EQ(test, h->key, KT_KEY);
	KUNIT_EXPECT_EQ(test, h->seq, 0ULL);
	KUNIT_EXPECT_EQ(test, h->id_len + h->parent_len + h->name_len + h->type_len, 0);
	KUNIT_EXPECT_EQ(test, h->payload_off % 8, 0U);
	KUNIT_ASSERT_EQ(test, h->payload_len, 8U);
	KUNIT_ASSERT_LE(test, h->payload_off + 8, h->len);
	memcpy(&count, (const u8 *)h + h->payload_off, sizeof(count));
	KUNIT_EXPECT_EQ(test, count, 2ULL);
}

/* A LOST record that does not fit stays pending, like any record. */
static void lost_record_that_does_not_fit_stays_pending(struct kunit *test)
{
	struct kt_cluster *c;
	struct cn_port *port;
	u64 count = 0;
	u32 len;
	u8 *buf;

	kt_read_ready(test);
	c = kt_cluster_new(test);
	port = kt_port_new(test);
	buf = kt_ubuf(test);
	kt_port_set_limit(port, 1);
	kt_filter(test, port, c->id, KT_KEY, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE);
	kt_post_n(test, c, 2);
	len = cn_port_bytes_ready(port) - KT_LOST_RECORD_LEN;

	KUNIT_EXPECT_EQ(test, kt_read(port, len + KT_LOST_RECORD_LEN - 1, false, buf),
			(ssize_t)len);
	KUNIT_EXPECT_EQ(test, cn_port_bytes_ready(port), (u32)KT_LOST_RECORD_LEN);
	KUNIT_EXPECT_EQ(test, kt_read(port, KT_LOST_RECORD_LEN - 1, false, buf),
			(ssize_t)-EINVAL);
	KUNIT_ASSERT_EQ(test, kt_read(port, KT_LOST_RECORD_LEN, false, buf),
			(ssize_t)KT_LOST_RECORD_LEN);
	memcpy(&count, buf + KT_HDR + 8, sizeof(count));
	KUNIT_EXPECT_EQ(test, count, 1ULL);
	KUNIT_EXPECT_EQ(test, cn_port_bytes_ready(port), 0U);
}

static void empty_and_shut_down_reads(struct kunit *test)
{
	struct kt_cluster *c;
	struct cn_port *port;
	u8 *buf;

	kt_read_ready(test);
	c = kt_cluster_new(test);
	port = kt_port_new(test);
	buf = kt_ubuf(test);
	kt_filter(test, port, c->id, KT_KEY, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE);
	KUNIT_EXPECT_EQ(test, kt_read(port, KT_UBUF_LEN, false, buf), (ssize_t)-EAGAIN);
	kt_post_n(test, c, 1);
	cn_port_shutdown(port);
	KUNIT_EXPECT_EQ(test, kt_read(port, KT_UBUF_LEN, false, buf),
			(ssize_t)-ESHUTDOWN);
}

/* A fault while copying out leaves the record queued. */
static void fault_keeps_the_record(struct kunit *test)
{
	struct clusnotify_port_stats st;
	struct kt_cluster *c;
	struct cn_port *port;
	u32 len;
	u8 *buf;

	kt_read_ready(test);
	c = kt_cluster_new(test);
	port = kt_port_new(test);
	buf = kt_ubuf(test);
	kt_filter(test, port, c->id, KT_KEY, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE);
	kt_post_n(test, c, 1);
	len = cn_port_bytes_ready(port);

	KUNIT_EXPECT_EQ(test, kt_read(port, KT_UBUF_LEN, true, buf), (ssize_t)-EFAULT);
	kt_stats(port, &st);
	KUNIT_EXPECT_EQ(test, st.queued, 1ULL);
	KUNIT_EXPECT_EQ(test, st.read, 0ULL);
	KUNIT_EXPECT_EQ(test, cn_port_bytes_ready(port), len);
	KUNIT_EXPECT_EQ(test, kt_read(port, KT_UBUF_LEN, false, buf), (ssize_t)len);
}

/* A fault while copying a LOST record out gives its count back. */
static void fault_on_a_lost_record_gives_the_count_back(struct kunit *test)
{
	struct kt_cluster *c;
	struct cn_port *port;
	u64 count = 0;
	u32 len;
	u8 *buf;

	kt_read_ready(test);
	c = kt_cluster_new(test);
	port = kt_port_new(test);
	buf = kt_ubuf(test);
	kt_port_set_limit(port, 1);
	kt_filter(test, port, c->id, KT_KEY, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE);
	kt_post_n(test, c, 3);
	len = cn_port_bytes_ready(port) - KT_LOST_RECORD_LEN;
	KUNIT_ASSERT_EQ(test, kt_read(port, len, false, buf), (ssize_t)len);

	KUNIT_EXPECT_EQ(test, kt_read(port, KT_UBUF_LEN, true, buf), (ssize_t)-EFAULT);
	KUNIT_EXPECT_EQ(test, cn_port_bytes_ready(port), (u32)KT_LOST_RECORD_LEN);
	KUNIT_ASSERT_EQ(test, kt_read(port, KT_UBUF_LEN, false, buf),
			(ssize_t)KT_LOST_RECORD_LEN);
	memcpy(&count, buf + KT_HDR + 8, sizeof(count));
	KUNIT_EXPECT_EQ(test, count, 2ULL);
}

/* FIONREAD says exactly what a large enough read() returns. */
static void bytes_ready_is_what_read_returns(struct kunit *test)
{
	struct kt_cluster *c;
	struct cn_port *port;
	u32 ready;
	u8 *buf;

	kt_read_ready(test);
	c = kt_cluster_new(test);
	port = kt_port_new(test);
	buf = kt_ubuf(test);
	kt_port_set_limit(port, 2);
	kt_obj_set(test, c, CLUSNOTIFY_OBJ_GROUP, "g-1", "A longer name", "p", "t", 0);
	kt_filter(test, port, c->id, KT_KEY, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE);
	kt_post_n(test, c, 5);
	ready = cn_port_bytes_ready(port);
	KUNIT_EXPECT_EQ(test, kt_read(port, KT_UBUF_LEN, false, buf), (ssize_t)ready);
	KUNIT_EXPECT_EQ(test, cn_port_bytes_ready(port), 0U);
}

static struct kunit_case kt_read_cases[] = {
	KUNIT_CASE_PARAM(short_buffer_keeps_the_record, kt_short_cases_gen_params),
	KUNIT_CASE(read_returns_only_whole_records),
	KUNIT_CASE(long_read_keeps_order_and_loss_position),
	KUNIT_CASE(lost_record_through_read),
	KUNIT_CASE(lost_record_that_does_not_fit_stays_pending),
	KUNIT_CASE(empty_and_shut_down_reads),
	KUNIT_CASE(fault_keeps_the_record),
	KUNIT_CASE(fault_on_a_lost_record_gives_the_count_back),
	KUNIT_CASE(bytes_ready_is_what_read_returns),
	{}
};

static struct kunit_suite kt_read_suite = {
	.name = "clusnotify_read",
	.suite_init = kt_read_suite_init,
	.suite_exit = kt_read_suite_exit,
	.test_cases = kt_read_cases,
};

/* ======================================================================== */
/* Suite: object registry and snapshots                                      */

static struct cn_object *kt_obj_out(struct kunit *test)
{
	struct cn_object *o = kunit_kzalloc(test, sizeof(*o), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, o);
	return o;
}

static void set_then_look_up_by_id_and_by_name(struct kunit *test)
{
	struct kt_cluster *c = kt_cluster_new(test);
	struct cn_object *o = kt_obj_out(test);

	kt_obj_set(test, c, CLUSNOTIFY_OBJ_RESOURCE, "res-1", "SQL Server",
		   "grp-1", "Generic Service", 2);
	KUNIT_EXPECT_EQ(test, READ_ONCE(c->cl->nobjects), 1U);

	KUNIT_ASSERT_EQ(test, cn_cluster_object_lookup(c->cl, CLUSNOTIFY_OBJ_RESOURCE,
						       "res-1", true, o), 0);
	KUNIT_EXPECT_STREQ(test, o->name, "SQL Server");
	KUNIT_EXPECT_STREQ(test, o->parent, "grp-1");
	KUNIT_EXPECT_STREQ(test, o->type_name, "Generic Service");
	KUNIT_EXPECT_EQ(test, o->state, 2);

	memset(o, 0, sizeof(*o));
	KUNIT_ASSERT_EQ(test, cn_cluster_object_lookup(c->cl, CLUSNOTIFY_OBJ_RESOURCE,
						       "SQL Server", false, o), 0);
	KUNIT_EXPECT_STREQ(test, o->id, "res-1");
	KUNIT_EXPECT_EQ(test, o->type, (u32)CLUSNOTIFY_OBJ_RESOURCE);
}

/* Setting an id again replaces the object and moves its name. */
static void replace_moves_the_name_index(struct kunit *test)
{
	struct kt_cluster *c = kt_cluster_new(test);
	struct cn_object *o = kt_obj_out(test);

	kt_obj_set(test, c, CLUSNOTIFY_OBJ_GROUP, "g1", "alpha", "", "", 1);
	kt_obj_set(test, c, CLUSNOTIFY_OBJ_GROUP, "g1", "beta", "", "", 3);
	KUNIT_EXPECT_EQ(test, READ_ONCE(c->cl->nobjects), 1U);

	KUNIT_EXPECT_EQ(test, cn_cluster_object_lookup(c->cl, CLUSNOTIFY_OBJ_GROUP,
						       "alpha", false, o), -ENOENT);
	KUNIT_ASSERT_EQ(test, cn_cluster_object_lookup(c->cl, CLUSNOTIFY_OBJ_GROUP,
						       "beta", false, o), 0);
	KUNIT_EXPECT_STREQ(test, o->id, "g1");
	KUNIT_EXPECT_EQ(test, o->state, 3);
}

/* An id is unique within its type only. */
static void same_id_of_another_type_is_another_object(struct kunit *test)
{
	struct kt_cluster *c = kt_cluster_new(test);
	struct cn_object *o = kt_obj_out(test);

	kt_obj_set(test, c, CLUSNOTIFY_OBJ_GROUP, "x1", "as group", "", "", 1);
	kt_obj_set(test, c, CLUSNOTIFY_OBJ_NODE, "x1", "as node", "", "", 2);
	KUNIT_EXPECT_EQ(test, READ_ONCE(c->cl->nobjects), 2U);
	KUNIT_ASSERT_EQ(test, cn_cluster_object_lookup(c->cl, CLUSNOTIFY_OBJ_NODE,
						       "x1", true, o), 0);
	KUNIT_EXPECT_STREQ(test, o->name, "as node");
	KUNIT_EXPECT_EQ(test, cn_cluster_object_del(c->cl, CLUSNOTIFY_OBJ_GROUP, "x1"), 0);
	KUNIT_EXPECT_EQ(test, cn_cluster_object_lookup(c->cl, CLUSNOTIFY_OBJ_NODE,
						       "x1", true, o), 0);
}

static void delete_removes_the_object(struct kunit *test)
{
	struct kt_cluster *c = kt_cluster_new(test);
	struct cn_object *o = kt_obj_out(test);

	kt_obj_set(test, c, CLUSNOTIFY_OBJ_NODE, "n1", "Node One", "", "", 0);
	kt_obj_set(test, c, CLUSNOTIFY_OBJ_NODE, "n2", "Node Two", "", "", 0);

	KUNIT_EXPECT_EQ(test, cn_cluster_object_del(c->cl, CLUSNOTIFY_OBJ_NODE, "n1"), 0);

	KUNIT_EXPECT_EQ(test, READ_ONCE(c->cl->nobjects), 1U);
	KUNIT_EXPECT_EQ(test, cn_cluster_object_lookup(c->cl, CLUSNOTIFY_OBJ_NODE,
						       "n1", true, o), -ENOENT);
	KUNIT_EXPECT_EQ(test, cn_cluster_object_lookup(c->cl, CLUSNOTIFY_OBJ_NODE,
						       "Node One", false, o), -ENOENT);
	KUNIT_EXPECT_EQ(test, cn_cluster_object_del(c->cl, CLUSNOTIFY_OBJ_NODE, "n1"),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, cn_cluster_object_del(c->cl, CLUSNOTIFY_OBJ_GROUP, "n2"),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, cn_cluster_object_lookup(c->cl, CLUSNOTIFY_OBJ_NODE,
						       "Node Two", false, o), 0);
}

struct kt_fill_case {
	const char *name;
	const char *id;
	const char *oname, *parent, *tname;	/* given with the event */
	const char *want_name, *want_parent, *want_tname;
};

static const struct kt_fill_case kt_fill_cases[] = {
	{ "left_out_strings_come_from_the_registry", "g1", NULL, NULL, NULL,
	  "Group One", "cluster-1", "Group Type" },
	{ "given_strings_win", "g1", "Other", "p2", "T2", "Other", "p2", "T2" },
	{ "empty_strings_given_are_kept", "g1", "", "", "", "", "", "" },
	{ "unknown_object_gets_empty_strings", "nope", NULL, NULL, NULL, "", "", "" },
};

static void kt_fill_case_desc(const struct kt_fill_case *c, char *desc)
{
	kt_copy_desc(c->name, desc);
}

KUNIT_ARRAY_PARAM(kt_fill_cases, kt_fill_cases, kt_fill_case_desc);

static void posted_event_fills_strings_from_the_registry(struct kunit *test)
{
	const struct kt_fill_case *p = test->param_value;
	struct kt_cluster *c = kt_cluster_new(test);
	struct cn_port *port = kt_port_new(test);
	struct clusnotify_post_event d = {
		.object_type = CLUSNOTIFY_OBJ_GROUP, .flag = CLUSNOTIFY_GROUP_STATE,
		.object_id = p->id, .name = p->oname, .parent_id = p->parent,
		.type_name = p->tname,
	};
	struct kt_rec r;
	u64 seq;

	kt_obj_set(test, c, CLUSNOTIFY_OBJ_GROUP, "g1", "Group One", "cluster-1",
		   "Group Type", 0);
	kt_filter(test, port, c->id, KT_KEY, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE);

	KUNIT_ASSERT_EQ(test, cn_cluster_post(c->cl, &d, 1, &seq), 0);

	KT_ASSERT_POP_EVENT(test, port, &r);
	KUNIT_EXPECT_STREQ(test, cn_event_id(r.ev), p->id);
	KUNIT_EXPECT_STREQ(test, kt_ev_name(r.ev), p->want_name);
	KUNIT_EXPECT_STREQ(test, kt_ev_parent(r.ev), p->want_parent);
	KUNIT_EXPECT_STREQ(test, kt_ev_type_name(r.ev), p->want_tname);
}

struct kt_state_case {
	const char *name;
	const char *id;
	u64 flag;
	u32 payload_len;
	bool updates;
};

static const struct kt_state_case kt_state_cases[] = {
	{ "state_with_4_byte_payload_updates", "g1", CLUSNOTIFY_GROUP_STATE, 4, true },
	{ "state_with_2_byte_payload_does_not", "g1", CLUSNOTIFY_GROUP_STATE, 2, false },
	{ "state_with_8_byte_payload_does_not", "g1", CLUSNOTIFY_GROUP_STATE, 8, false },
	{ "other_flag_with_4_bytes_does_not", "g1", CLUSNOTIFY_GROUP_OWNER_NODE, 4, false },
	{ "state_of_an_unknown_object_is_harmless", "g2", CLUSNOTIFY_GROUP_STATE, 4,
	  false },
};

static void kt_state_case_desc(const struct kt_state_case *c, char *desc)
{
	kt_copy_desc(c->name, desc);
}

KUNIT_ARRAY_PARAM(kt_state_cases, kt_state_cases, kt_state_case_desc);

/* A STATE event with a 4-byte payload is also the object's new state. */
static void state_event_updates_the_object(struct kunit *test)
{
	const struct kt_state_case *p = test->param_value;
	struct kt_cluster *c = kt_cluster_new(test);
	struct cn_object *o = kt_obj_out(test);
	s32 payload[2] = { 42, 43 };
	struct clusnotify_post_event d = {
		.object_type = CLUSNOTIFY_OBJ_GROUP, .flag = p->flag,
		.object_id = p->id, .payload = payload,
		.payload_len = p->payload_len,
	};
	u64 seq;

	kt_obj_set(test, c, CLUSNOTIFY_OBJ_GROUP, "g1", "Group One", "", "", 7);

	KUNIT_ASSERT_EQ(test, cn_cluster_post(c->cl, &d, 1, &seq), 0);

	KUNIT_ASSERT_EQ(test, cn_cluster_object_lookup(c->cl, CLUSNOTIFY_OBJ_GROUP,
						       "g1", true, o), 0);
	KUNIT_EXPECT_EQ(test, o->state, p->updates ? 42 : 7);
	KUNIT_EXPECT_EQ(test, cn_cluster_object_lookup(c->cl, CLUSNOTIFY_OBJ_GROUP,
						       "g2", true, o), -ENOENT);
}

/*
 * SNAPSHOT queues the state of each object the filter covers, flagged
 * SNAPSHOT and numbered with the last event it reflects, ahead of anything
 * posted later.
 */
static void snapshot_comes_before_later_events(struct kunit *test)
{
	struct kt_cluster *c = kt_cluster_new(test);
	struct cn_port *port = kt_port_new(test);
	unsigned int i, seen = 0;
	struct kt_rec r;
	u64 seq, live;

	kt_obj_set(test, c, CLUSNOTIFY_OBJ_GROUP, "g1", "Group 1", "", "", 1);
	kt_obj_set(test, c, CLUSNOTIFY_OBJ_GROUP, "g2", "Group 2", "", "", 2);
	kt_obj_set(test, c, CLUSNOTIFY_OBJ_GROUP, "g3", "Group 3", "", "", 3);
	kt_obj_set(test, c, CLUSNOTIFY_OBJ_RESOURCE, "r1", "Res 1", "g1", "", 0);
	seq = kt_post(test, c, CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_STATE, "n1");
	kt_filter(test, port, c->id, KT_KEY, CLUSNOTIFY_OBJ_GROUP,
		  CLUSNOTIFY_GROUP_STATE | CLUSNOTIFY_GROUP_DELETED);

	KUNIT_ASSERT_EQ(test, cn_filter_snapshot(port), 0);
	live = kt_post(test, c, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_DELETED, "g2");

	for (i = 0; i < 3; i++) {
		KT_ASSERT_POP_EVENT(test, port, &r);
		KUNIT_EXPECT_EQ(test, r.ev->rec_flags, CLUSNOTIFY_RECORD_SNAPSHOT);
		KUNIT_EXPECT_EQ(test, r.ev->object_type, (u32)CLUSNOTIFY_OBJ_GROUP);
		KUNIT_EXPECT_EQ(test, r.ev->flag, CLUSNOTIFY_GROUP_STATE);
		KUNIT_EXPECT_EQ(test, r.ev->seq, seq);
		KUNIT_EXPECT_EQ(test, r.key, KT_KEY);
		KUNIT_EXPECT_EQ(test, r.ev->cluster_id, c->id);
		KUNIT_ASSERT_EQ(test, r.ev->id_len, 2);
		/* g<n> was set with state n and name "Group <n>". */
		KUNIT_EXPECT_EQ(test, kt_ev_u32(r.ev),
				(u32)(cn_event_id(r.ev)[1] - '0'));
		KUNIT_EXPECT_EQ(test, kt_ev_name(r.ev)[6], cn_event_id(r.ev)[1]);
		seen |= BIT(cn_event_id(r.ev)[1] - '0');
	}
	KUNIT_EXPECT_EQ(test, seen, 0xeU);
	/* The marker: live events of the cluster follow from seq + 1. */
	KT_ASSERT_POP_EVENT(test, port, &r);
	KUNIT_EXPECT_EQ(test, r.ev->rec_flags, KT_SNAP_END);
	KUNIT_EXPECT_EQ(test, r.ev->seq, seq);
	KUNIT_EXPECT_EQ(test, r.ev->epoch, c->cl->epoch);
	KUNIT_EXPECT_EQ(test, r.ev->flag, 0ULL);
	KUNIT_EXPECT_EQ(test, r.key, KT_KEY);
	KT_ASSERT_POP_EVENT(test, port, &r);
	KUNIT_EXPECT_EQ(test, r.ev->rec_flags, 0);
	KUNIT_EXPECT_EQ(test, r.ev->seq, live);
	KUNIT_EXPECT_EQ(test, live, seq + 1);
	KT_EXPECT_EMPTY(test, port);
}

enum { KT_SNAP_FILTER, KT_SNAP_REG };

struct kt_snap_case {
	const char *name;
	int how;
	u32 type;
	u64 mask;
	const char *id;
	unsigned int want;
};

static const struct kt_snap_case kt_snap_cases[] = {
	{ "filter_with_state_covers_each_object", KT_SNAP_FILTER,
	  CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_ALL, NULL, 2 },
	{ "filter_without_state_covers_nothing", KT_SNAP_FILTER,
	  CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_DELETED, NULL, 0 },
	{ "type_without_state_covers_nothing", KT_SNAP_FILTER,
	  CLUSNOTIFY_OBJ_RESOURCE_TYPE, CLUSNOTIFY_RESOURCE_TYPE_ALL, NULL, 0 },
	{ "registration_covers_its_object", KT_SNAP_REG,
	  CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_STATE, "n2", 1 },
	{ "registration_with_empty_id_covers_every_object", KT_SNAP_REG,
	  CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_STATE, "", 2 },
	{ "registration_of_an_absent_object_covers_nothing", KT_SNAP_REG,
	  CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_STATE, "n9", 0 },
	{ "registration_without_state_covers_nothing", KT_SNAP_REG,
	  CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_DELETED, "n2", 0 },
	{ "cluster_state_filter_covers_the_cluster", KT_SNAP_FILTER,
	  CLUSNOTIFY_OBJ_CLUSTER, CLUSNOTIFY_CLUSTER_STATE, NULL, 1 },
};

static void kt_snap_case_desc(const struct kt_snap_case *c, char *desc)
{
	kt_copy_desc(c->name, desc);
}

KUNIT_ARRAY_PARAM(kt_snap_cases, kt_snap_cases, kt_snap_case_desc);

static void snapshot_covers(struct kunit *test)
{
	const struct kt_snap_case *p = test->param_value;
	struct kt_cluster *c = kt_cluster_new(test);
	struct cn_port *port = kt_port_new(test);
	struct clusnotify_port_stats st;
	unsigned int n = 0, markers = 0;
	struct kt_rec r;
	u32 reg;

	kt_obj_set(test, c, CLUSNOTIFY_OBJ_NODE, "n1", "Node 1", "", "", 0);
	kt_obj_set(test, c, CLUSNOTIFY_OBJ_NODE, "n2", "Node 2", "", "", 1);
	kt_obj_set(test, c, CLUSNOTIFY_OBJ_RESOURCE_TYPE, "rt1", "Type 1", "", "", 0);
	kt_obj_set(test, c, CLUSNOTIFY_OBJ_GROUP, "g1", "Group 1", "", "", 0);
	if (p->how == KT_SNAP_FILTER)
		kt_filter(test, port, c->id, KT_KEY, p->type, p->mask);
	else
		KUNIT_ASSERT_EQ(test, cn_filter_register(port, c->id, p->type, p->mask,
							 KT_KEY, p->id, &reg), 0);

	KUNIT_ASSERT_EQ(test, cn_filter_snapshot(port), 0);

	while (kt_pop(test, port, &r)) {
		KUNIT_ASSERT_NOT_NULL(test, r.ev);
		if (r.ev->rec_flags & CLUSNOTIFY_RECORD_SNAPSHOT_END) {
			/* last, one per cluster, whatever it covered */
			KUNIT_EXPECT_EQ(test, r.ev->rec_flags, KT_SNAP_END);
			KT_EXPECT_EMPTY(test, port);
			markers++;
			continue;
		}
		n++;
		KUNIT_EXPECT_EQ(test, r.ev->rec_flags, CLUSNOTIFY_RECORD_SNAPSHOT);
		KUNIT_EXPECT_EQ(test, r.ev->object_type, p->type);
		KUNIT_EXPECT_EQ(test, r.ev->flag, cn_type_info(p->type)->state);
		KUNIT_EXPECT_EQ(test, r.ev->payload_len, 4U);
		if (p->type == CLUSNOTIFY_OBJ_CLUSTER) {
			KUNIT_EXPECT_STREQ(test, kt_ev_name(r.ev), c->name);
			KUNIT_EXPECT_EQ(test, kt_ev_u32(r.ev),
					(u32)CLUSNOTIFY_CLUSTER_CONNECTED);
		}
		if (p->id && p->id[0])
			KUNIT_EXPECT_STREQ(test, cn_event_id(r.ev), p->id);
	}
	KUNIT_EXPECT_EQ(test, n, p->want);
	KUNIT_EXPECT_EQ(test, markers, 1U);
	kt_stats(port, &st);
	KT_EXPECT_BALANCED(test, st);
}


/*
 * A snapshot that cannot fit in the queue queues nothing and counts nothing
 * lost: it says -ENOBUFS. With room, the same snapshot goes through whole.
 */
static void snapshot_that_does_not_fit_queues_nothing(struct kunit *test)
{
	struct kt_cluster *c = kt_cluster_new(test);
	struct cn_port *port = kt_port_new(test);
	struct clusnotify_port_stats st;
	char id[8];
	unsigned int i, n = 0;
	struct kt_rec r;

	for (i = 0; i < 10; i++) {
		snprintf(id, sizeof(id), "n%u", i);
		kt_obj_set(test, c, CLUSNOTIFY_OBJ_NODE, id, NULL, NULL, NULL, 0);
	}
	kt_filter(test, port, c->id, KT_KEY, CLUSNOTIFY_OBJ_NODE,
		  CLUSNOTIFY_NODE_STATE);
	/* ten records and the end-of-snapshot marker: 11 entries */
	kt_port_set_limit(port, 10);

	KUNIT_EXPECT_EQ(test, cn_filter_snapshot(port), -ENOBUFS);
	kt_stats(port, &st);
	KUNIT_EXPECT_EQ(test, st.queued, 0ULL);
	KUNIT_EXPECT_EQ(test, st.matched, 0ULL);
	KUNIT_EXPECT_EQ(test, st.lost, 0ULL);
	KUNIT_EXPECT_EQ(test, READ_ONCE(port->reserved), 0U);
	KT_EXPECT_EMPTY(test, port);

	kt_port_set_limit(port, 11);
	KUNIT_ASSERT_EQ(test, cn_filter_snapshot(port), 0);
	while (kt_pop(test, port, &r)) {
		KUNIT_ASSERT_NOT_NULL(test, r.ev);
		n++;
	}
	KUNIT_EXPECT_EQ(test, n, 11U);
	kt_stats(port, &st);
	KUNIT_EXPECT_EQ(test, st.lost, 0ULL);
	KUNIT_EXPECT_EQ(test, READ_ONCE(port->reserved), 0U);
	KT_EXPECT_BALANCED(test, st);
}

/*
 * However many of a port's filters and registrations with one key cover an
 * object, the snapshot has one record for it per key.
 */
static void snapshot_one_record_per_object_and_key(struct kunit *test)
{
	struct kt_cluster *c = kt_cluster_new(test);
	struct cn_port *port = kt_port_new(test);
	const u64 k2 = KT_KEY + 1;
	unsigned int n1 = 0, n2 = 0;
	struct kt_rec r;
	u32 reg;

	kt_obj_set(test, c, CLUSNOTIFY_OBJ_NODE, "n1", NULL, NULL, NULL, 0);
	kt_obj_set(test, c, CLUSNOTIFY_OBJ_NODE, "n2", NULL, NULL, NULL, 0);
	kt_obj_set(test, c, CLUSNOTIFY_OBJ_NODE, "n3", NULL, NULL, NULL, 0);
	kt_filter(test, port, c->id, KT_KEY, CLUSNOTIFY_OBJ_NODE,
		  CLUSNOTIFY_NODE_STATE);
	kt_filter(test, port, c->id, KT_KEY, CLUSNOTIFY_OBJ_NODE,
		  CLUSNOTIFY_NODE_STATE | CLUSNOTIFY_NODE_DELETED);
	KUNIT_ASSERT_EQ(test, cn_filter_register(port, c->id, CLUSNOTIFY_OBJ_NODE,
						 CLUSNOTIFY_NODE_STATE, KT_KEY,
						 "n1", &reg), 0);
	KUNIT_ASSERT_EQ(test, cn_filter_register(port, c->id, CLUSNOTIFY_OBJ_NODE,
						 CLUSNOTIFY_NODE_STATE, k2,
						 "n2", &reg), 0);
	KUNIT_ASSERT_EQ(test, cn_filter_register(port, c->id, CLUSNOTIFY_OBJ_NODE,
						 CLUSNOTIFY_NODE_ALL, k2,
						 "n2", &reg), 0);

	KUNIT_ASSERT_EQ(test, cn_filter_snapshot(port), 0);
	while (kt_pop(test, port, &r)) {
		KUNIT_ASSERT_NOT_NULL(test, r.ev);
		if (r.ev->rec_flags & CLUSNOTIFY_RECORD_SNAPSHOT_END)
			continue;
		if (r.key == KT_KEY)
			n1++;
		else if (r.key == k2 && !strcmp(cn_event_id(r.ev), "n2"))
			n2++;
		else
			KUNIT_FAIL(test, "record for %s with key %llx",
				   cn_event_id(r.ev), r.key);
	}
	KUNIT_EXPECT_EQ(test, n1, 3U);
	KUNIT_EXPECT_EQ(test, n2, 1U);
}

static struct kunit_case kt_registry_cases[] = {
	KUNIT_CASE(set_then_look_up_by_id_and_by_name),
	KUNIT_CASE(replace_moves_the_name_index),
	KUNIT_CASE(same_id_of_another_type_is_another_object),
	KUNIT_CASE(delete_removes_the_object),
	KUNIT_CASE_PARAM(posted_event_fills_strings_from_the_registry,
			 kt_fill_cases_gen_params),
	KUNIT_CASE_PARAM(state_event_updates_the_object, kt_state_cases_gen_params),
	KUNIT_CASE(snapshot_comes_before_later_events),
	KUNIT_CASE_PARAM(snapshot_covers, kt_snap_cases_gen_params),
	KUNIT_CASE(snapshot_that_does_not_fit_queues_nothing),
	KUNIT_CASE(snapshot_one_record_per_object_and_key),
	{}
};

static struct kunit_suite kt_registry_suite = {
	.name = "clusnotify_registry",
	.test_cases = kt_registry_cases,
};

/* ======================================================================== */
/* Suite: cluster lifecycle                                                  */

static void same_name_twice(struct kunit *test)
{
	struct kt_cluster *c = kt_cluster_new(test);
	u32 id = 0;

	KUNIT_EXPECT_EQ(test, cn_cluster_register(&init_net, c->name, c->portid, NULL, &id),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, cn_cluster_register(&init_net, c->name, c->portid + 1, NULL,
						  &id), -EBUSY);
	KUNIT_EXPECT_EQ(test, id, 0U);
}

static void lookups_take_a_reference(struct kunit *test)
{
	struct kt_cluster *c = kt_cluster_new(test);
	struct cn_cluster *a, *b;
	unsigned int ref = kref_read(&c->cl->ref);

	a = cn_cluster_get_by_id(&init_net, c->id);
	b = cn_cluster_get_by_name(&init_net, c->name);
	KUNIT_EXPECT_PTR_EQ(test, a, c->cl);
	KUNIT_EXPECT_PTR_EQ(test, b, c->cl);
	KUNIT_EXPECT_EQ(test, kref_read(&c->cl->ref), ref + 2);
	if (a)
		cn_cluster_put(a);
	if (b)
		cn_cluster_put(b);
	KUNIT_EXPECT_EQ(test, kref_read(&c->cl->ref), ref);
	KUNIT_EXPECT_NULL(test, cn_cluster_get_by_name(&init_net, "kunit-no-such-cluster"));
	KUNIT_EXPECT_NULL(test, cn_cluster_get_by_id(&init_net, 0));
}

/* The owner's socket goes: disconnected, watchers told, filters kept. */
static void owner_gone_then_reconnect(struct kunit *test)
{
	struct kt_cluster *c = kt_cluster_new(test);
	struct cn_port *port = kt_port_new(test);
	struct clusnotify_port_stats st;
	struct kt_rec r;
	u32 id = 0;

	kt_obj_set(test, c, CLUSNOTIFY_OBJ_GROUP, "g1", "Group 1", "", "", 0);
	kt_filter(test, port, c->id, 5, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE);
	kt_filter(test, port, c->id, 5, CLUSNOTIFY_OBJ_CLUSTER,
		  CLUSNOTIFY_CLUSTER_STATE | CLUSNOTIFY_CLUSTER_RECONNECT);

	cn_cluster_release_portid(&init_net, c->portid);

	KUNIT_EXPECT_EQ(test, READ_ONCE(c->cl->state),
			(u32)CLUSNOTIFY_CLUSTER_DISCONNECTED);
	KT_ASSERT_POP_EVENT(test, port, &r);
	KUNIT_EXPECT_EQ(test, r.ev->object_type, (u32)CLUSNOTIFY_OBJ_CLUSTER);
	KUNIT_EXPECT_EQ(test, r.ev->flag, CLUSNOTIFY_CLUSTER_STATE);
	KUNIT_EXPECT_EQ(test, r.ev->rec_flags, CLUSNOTIFY_RECORD_SYNTHETIC);
	KUNIT_EXPECT_EQ(test, kt_ev_u32(r.ev), (u32)CLUSNOTIFY_CLUSTER_DISCONNECTED);
	KUNIT_EXPECT_EQ(test, r.key, 5ULL);

	/* A new owner registers the name again. */
	KUNIT_ASSERT_EQ(test, cn_cluster_register(&init_net, c->name, c->portid + 1, NULL,
						  &id), 0);
	c->portid++;
	KUNIT_EXPECT_EQ(test, id, c->id);
	KUNIT_EXPECT_EQ(test, READ_ONCE(c->cl->reconnects), 1U);
	KUNIT_EXPECT_EQ(test, READ_ONCE(c->cl->nobjects), 1U);
	KT_ASSERT_POP_EVENT(test, port, &r);
	KUNIT_EXPECT_EQ(test, r.ev->flag, CLUSNOTIFY_CLUSTER_RECONNECT);
	KUNIT_EXPECT_EQ(test, r.ev->rec_flags, CLUSNOTIFY_RECORD_SYNTHETIC);

	kt_post(test, c, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE, "g1");
	KT_ASSERT_POP_EVENT(test, port, &r);
	KUNIT_EXPECT_EQ(test, r.ev->flag, CLUSNOTIFY_GROUP_STATE);
	KUNIT_EXPECT_STREQ(test, kt_ev_name(r.ev), "Group 1");
	KT_EXPECT_EMPTY(test, port);
	kt_stats(port, &st);
	KT_EXPECT_BALANCED(test, st);
}

static void unregister_permissions(struct kunit *test)
{
	struct kt_cluster *c = kt_cluster_new(test);
	struct kt_cluster *d = kt_cluster_new(test);

	KUNIT_EXPECT_EQ(test, cn_cluster_unregister(&init_net, c->id, c->portid + 1000, NULL),
			-EPERM);
	KUNIT_EXPECT_EQ(test, cn_cluster_unregister(&init_net, c->id, c->portid, NULL), 0);
	KUNIT_EXPECT_EQ(test, cn_cluster_unregister(&init_net, c->id, c->portid, NULL),
			-ENOENT);
	/* Once disconnected, anyone (an admin) may unregister it. */
	cn_cluster_release_portid(&init_net, d->portid);
	KUNIT_EXPECT_EQ(test, cn_cluster_unregister(&init_net, d->id, 12345, NULL), 0);
}

/* Releasing one owner's portid leaves other owners' clusters alone. */
static void release_touches_only_that_owner(struct kunit *test)
{
	struct kt_cluster *a = kt_cluster_new(test);
	struct kt_cluster *b = kt_cluster_new(test);

	cn_cluster_release_portid(&init_net, a->portid);
	KUNIT_EXPECT_EQ(test, READ_ONCE(a->cl->state), (u32)CLUSNOTIFY_CLUSTER_DISCONNECTED);
	KUNIT_EXPECT_EQ(test, READ_ONCE(b->cl->state), (u32)CLUSNOTIFY_CLUSTER_CONNECTED);
	KUNIT_EXPECT_EQ(test, READ_ONCE(a->cl->owner_portid), 0U);
}

static void kt_sock_release(void *arg)
{
	sock_release(arg);
}

static struct sock *kt_sock_new(struct kunit *test)
{
	struct socket *sock;

	KUNIT_ASSERT_EQ(test, sock_create_kern(&init_net, AF_NETLINK, SOCK_RAW,
					       NETLINK_USERSOCK, &sock), 0);
	kt_defer(test, kt_sock_release, sock);
	return sock->sk;
}

/*
 * netlink_release() unhashes the owner's portid, orphans the socket, and
 * only then sends NETLINK_URELEASE. A new socket that takes the portid in
 * between and registers the name takes the cluster over; the old owner's
 * release then leaves it alone.
 */
static void reused_portid_is_not_the_owner(struct kunit *test)
{
	struct sock *old = kt_sock_new(test), *new = kt_sock_new(test);
	struct cn_port *port = kt_port_new(test);
	struct kt_cluster *c = kt_cluster_new(test);
	struct kt_rec r;
	u32 portid = c->portid + 5000, id = 0;
	char name[sizeof(c->name)];

	/* Arrange: a cluster owned by the old socket, which is then closed. */
	snprintf(name, sizeof(name), "%s-reuse", c->name);
	KUNIT_ASSERT_EQ(test, cn_cluster_register(&init_net, name, portid, old, &id), 0);
	kt_filter(test, port, id, 7, CLUSNOTIFY_OBJ_CLUSTER,
		  CLUSNOTIFY_CLUSTER_STATE | CLUSNOTIFY_CLUSTER_RECONNECT);
	KUNIT_EXPECT_EQ(test, cn_cluster_register(&init_net, name, portid, new, &id),
			-EBUSY);
	sock_set_flag(old, SOCK_DEAD);

	/* Act: the new socket registers, then the old one's release comes. */
	KUNIT_EXPECT_EQ(test, cn_cluster_register(&init_net, name, portid, new, &id), 0);
	cn_cluster_release_portid(&init_net, portid);

	/* Assert: the new socket owns a connected cluster. */
	{
		struct cn_cluster *cl = cn_cluster_get_by_id(&init_net, id);

		KUNIT_ASSERT_NOT_NULL(test, cl);
		KUNIT_EXPECT_EQ(test, READ_ONCE(cl->state),
				(u32)CLUSNOTIFY_CLUSTER_CONNECTED);
		KUNIT_EXPECT_PTR_EQ(test, cl->owner_sk, new);
		cn_cluster_put(cl);
	}
	KUNIT_EXPECT_EQ(test, cn_cluster_register(&init_net, name, portid, new, &id),
			-EEXIST);
	KT_ASSERT_POP_EVENT(test, port, &r);
	KUNIT_EXPECT_EQ(test, kt_ev_u32(r.ev), (u32)CLUSNOTIFY_CLUSTER_DISCONNECTED);
	KT_ASSERT_POP_EVENT(test, port, &r);
	KUNIT_EXPECT_EQ(test, r.ev->flag, CLUSNOTIFY_CLUSTER_RECONNECT);
	KT_EXPECT_EMPTY(test, port);

	/* The socket's own release disconnects it; then it can go. */
	sock_set_flag(new, SOCK_DEAD);
	cn_cluster_release_portid(&init_net, portid);
	KUNIT_EXPECT_EQ(test, cn_cluster_unregister(&init_net, id, 1, NULL), 0);
}

static struct kunit_case kt_cluster_cases[] = {
	KUNIT_CASE(same_name_twice),
	KUNIT_CASE(lookups_take_a_reference),
	KUNIT_CASE(owner_gone_then_reconnect),
	KUNIT_CASE(unregister_permissions),
	KUNIT_CASE(release_touches_only_that_owner),
	KUNIT_CASE(reused_portid_is_not_the_owner),
	{}
};

static struct kunit_suite kt_cluster_suite = {
	.name = "clusnotify_cluster",
	.test_cases = kt_cluster_cases,
};

/* ======================================================================== */
/* Suite: the in-kernel subscriber API                                       */

#define KT_SEEN_MAX	16
#define KT_WAIT		(10 * HZ)

struct kt_seen {
	u32 cluster_id;
	u32 object_type;
	u64 flag;
	u64 key;
	u64 seq;
	u32 flags;
	char id[CLUSNOTIFY_ID_MAX];
	char name[32];
	u32 payload_len;
	u8 payload[8];
};

/* What a subscriber's callback saw. Never touched by KUnit from the callback. */
struct kt_sub_ctx {
	spinlock_t lock;
	unsigned int records;	/* callbacks */
	unsigned int events;	/* of those, not LOST */
	u64 lost;		/* sum of LOST counts */
	u64 last_seq;
	bool out_of_order;
	struct kt_seen seen[KT_SEEN_MAX];
	/* done completes once records >= want_records, or (by_counts) once
	 * events >= want_events and lost >= want_lost. */
	unsigned int want_records;
	bool by_counts;
	unsigned int want_events;
	u64 want_lost;
	bool signalled;
	struct completion done;
	/* With block_first, the first callback waits for release. */
	bool block_first;
	struct completion entered;
	struct completion release;
	atomic_t calls;
};

static bool kt_ctx_reached(struct kt_sub_ctx *x)
{
	if (x->by_counts)
		return x->events >= x->want_events && x->lost >= x->want_lost;
	return x->want_records && x->records >= x->want_records;
}

static void kt_sub_event(struct clusnotify_sub *sub,
			 const struct clusnotify_event *ev, void *arg)
{
	struct kt_sub_ctx *x = arg;
	struct kt_seen *s;

	if (atomic_inc_return(&x->calls) == 1 && x->block_first) {
		complete(&x->entered);
		wait_for_completion_timeout(&x->release, 30 * HZ);
	}
	spin_lock(&x->lock);
	if (x->records < KT_SEEN_MAX) {
		s = &x->seen[x->records];
		s->cluster_id = ev->cluster_id;
		s->object_type = ev->object_type;
		s->flag = ev->flag;
		s->key = ev->key;
		s->seq = ev->seq;
		s->flags = ev->flags;
		strscpy(s->id, ev->object_id, sizeof(s->id));
		strscpy(s->name, ev->name, sizeof(s->name));
		s->payload_len = ev->payload_len;
		memcpy(s->payload, ev->payload, min_t(u32, ev->payload_len, 8));
	}
	x->records++;
	if (ev->flags & CLUSNOTIFY_RECORD_LOST) {
		u64 n = 0;

		if (ev->payload_len == sizeof(n))
			memcpy(&n, ev->payload, sizeof(n));
		x->lost += n;
	} else {
		x->events++;
		if (ev->seq && !(ev->flags & CLUSNOTIFY_RECORD_SNAPSHOT)) {
			if (ev->seq <= x->last_seq)
				x->out_of_order = true;
			x->last_seq = ev->seq;
		}
	}
	if (!x->signalled && kt_ctx_reached(x)) {
		x->signalled = true;
		complete(&x->done);
	}
	spin_unlock(&x->lock);
}

static const struct clusnotify_sub_ops kt_sub_ops = { .event = kt_sub_event };
static const struct clusnotify_sub_ops kt_sub_ops_no_event;

static void kt_ctx_init(struct kt_sub_ctx *x)
{
	spin_lock_init(&x->lock);
	init_completion(&x->done);
	init_completion(&x->entered);
	init_completion(&x->release);
	atomic_set(&x->calls, 0);
}

static struct kt_sub_ctx *kt_ctx_new(struct kunit *test)
{
	struct kt_sub_ctx *x = kunit_kzalloc(test, sizeof(*x), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, x);
	kt_ctx_init(x);
	return x;
}

/* Waits until the callback has run for @records records in all. */
static bool kt_ctx_wait_records(struct kt_sub_ctx *x, unsigned int records)
{
	spin_lock(&x->lock);
	reinit_completion(&x->done);
	x->by_counts = false;
	x->want_records = records;
	x->signalled = kt_ctx_reached(x);
	if (x->signalled)
		complete(&x->done);
	spin_unlock(&x->lock);
	return wait_for_completion_timeout(&x->done, KT_WAIT);
}

static bool kt_ctx_wait_counts(struct kt_sub_ctx *x, unsigned int events, u64 lost)
{
	spin_lock(&x->lock);
	reinit_completion(&x->done);
	x->by_counts = true;
	x->want_events = events;
	x->want_lost = lost;
	x->signalled = kt_ctx_reached(x);
	if (x->signalled)
		complete(&x->done);
	spin_unlock(&x->lock);
	return wait_for_completion_timeout(&x->done, KT_WAIT);
}

struct kt_sub {
	struct clusnotify_sub *sub;
	struct kt_sub_ctx *x;
};

static void kt_sub_release(void *arg)
{
	struct kt_sub *s = arg;

	/* A callback held in place must go on, or unsubscribe waits for it. */
	if (s->x)
		complete_all(&s->x->release);
	clusnotify_unsubscribe(s->sub);
	kfree(s);
}

static struct clusnotify_sub *kt_subscribe(struct kunit *test,
					   struct clusnotify_cluster *cl,
					   const struct clusnotify_filter *f,
					   unsigned int n, u64 key,
					   struct kt_sub_ctx *x)
{
	struct kt_sub *s = kzalloc(sizeof(*s), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	s->x = x;
	s->sub = clusnotify_subscribe(cl, f, n, key, &kt_sub_ops, x);
	if (IS_ERR(s->sub)) {
		long err = PTR_ERR(s->sub);

		kfree(s);
		KUNIT_ASSERT_EQ_MSG(test, err, 0L, "clusnotify_subscribe failed");
	}
	kt_defer(test, kt_sub_release, s);
	return s->sub;
}

static void kt_cluster_ref_release(void *arg)
{
	clusnotify_cluster_put(arg);
}

/* The API's handle on a cluster, by name, as a consumer gets it. */
static struct clusnotify_cluster *kt_api_cluster(struct kunit *test,
						 struct kt_cluster *c)
{
	struct clusnotify_cluster *cl = clusnotify_cluster_get(&init_net, c->name);

	KUNIT_ASSERT_NOT_NULL(test, cl);
	kt_defer(test, kt_cluster_ref_release, cl);
	KUNIT_EXPECT_EQ(test, clusnotify_cluster_id(cl), c->id);
	return cl;
}

static const struct clusnotify_filter kt_group_state = {
	CLUSNOTIFY_OBJ_GROUP, 0, CLUSNOTIFY_GROUP_STATE,
};

static void cluster_get_by_name(struct kunit *test)
{
	struct kt_cluster *c = kt_cluster_new(test);

	kt_api_cluster(test, c);
	KUNIT_EXPECT_NULL(test, clusnotify_cluster_get(&init_net, "kunit-no-such-cluster"));
}

/* A posted event reaches the callback, with everything it carries. */
static void post_reaches_the_callback(struct kunit *test)
{
	struct kt_cluster *c = kt_cluster_new(test);
	struct clusnotify_cluster *cl = kt_api_cluster(test, c);
	struct kt_sub_ctx *x = kt_ctx_new(test);
	s32 state = 3;
	struct clusnotify_post_event e = {
		.object_type = CLUSNOTIFY_OBJ_GROUP, .flag = CLUSNOTIFY_GROUP_STATE,
		.object_id = "g1", .name = "Group One",
		.payload = &state, .payload_len = sizeof(state),
	};
	u64 seq = 0;

	kt_subscribe(test, cl, &kt_group_state, 1, KT_KEY, x);

	KUNIT_ASSERT_EQ(test, clusnotify_post(cl, &e, 1, &seq), 0);

	KUNIT_ASSERT_TRUE_MSG(test, kt_ctx_wait_records(x, 1),
			      "the callback did not run within 10 s");
	KUNIT_EXPECT_EQ(test, x->seen[0].cluster_id, c->id);
	KUNIT_EXPECT_EQ(test, x->seen[0].object_type, (u32)CLUSNOTIFY_OBJ_GROUP);
	KUNIT_EXPECT_EQ(test, x->seen[0].flag, CLUSNOTIFY_GROUP_STATE);
	KUNIT_EXPECT_EQ(test, x->seen[0].key, KT_KEY);
	KUNIT_EXPECT_EQ(test, x->seen[0].seq, seq);
	KUNIT_EXPECT_EQ(test, x->seen[0].flags, 0U);
	KUNIT_EXPECT_STREQ(test, x->seen[0].id, "g1");
	KUNIT_EXPECT_STREQ(test, x->seen[0].name, "Group One");
	KUNIT_EXPECT_EQ(test, x->seen[0].payload_len, 4U);
	KUNIT_EXPECT_EQ(test, memcmp(x->seen[0].payload, &state, 4), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&x->calls), 1);
}

/* Events reach the callback one at a time, in the order posted. */
static void callback_sees_events_in_post_order(struct kunit *test)
{
	struct kt_cluster *c = kt_cluster_new(test);
	struct clusnotify_cluster *cl = kt_api_cluster(test, c);
	struct kt_sub_ctx *x = kt_ctx_new(test);
	struct clusnotify_post_event e = {
		.object_type = CLUSNOTIFY_OBJ_GROUP, .flag = CLUSNOTIFY_GROUP_STATE,
		.object_id = "g1",
	};
	struct clusnotify_port_stats st;
	int i;

	struct clusnotify_sub *sub;

	sub = kt_subscribe(test, cl, &kt_group_state, 1, KT_KEY, x);
	for (i = 0; i < 200; i++)
		KUNIT_ASSERT_EQ(test, clusnotify_post(cl, &e, 1, NULL), 0);

	KUNIT_ASSERT_TRUE(test, kt_ctx_wait_records(x, 200));
	KUNIT_EXPECT_FALSE(test, x->out_of_order);
	KUNIT_EXPECT_EQ(test, x->events, 200U);
	KUNIT_EXPECT_EQ(test, x->last_seq, READ_ONCE(c->cl->seq));
	clusnotify_sub_stats(sub, &st);
	KUNIT_EXPECT_EQ(test, st.matched, 200ULL);
	KUNIT_EXPECT_EQ(test, st.delivered, 200ULL);
	KUNIT_EXPECT_EQ(test, st.read, 200ULL);
	KUNIT_EXPECT_EQ(test, st.queued, 0ULL);
}

enum { KT_SUB_NO_OPS, KT_SUB_NO_EVENT_CALLBACK, KT_SUB_NULL_FILTERS,
       KT_SUB_TOO_MANY_FILTERS, KT_SUB_BAD_FILTER, KT_SUB_DELETED_WITH_FILTER,
       KT_SUB_DELETED_NO_FILTER };

struct kt_subrej_case {
	const char *name;
	int kind;
	long want;
};

static const struct kt_subrej_case kt_subrej_cases[] = {
	{ "no_ops", KT_SUB_NO_OPS, -EINVAL },
	{ "ops_without_event_callback", KT_SUB_NO_EVENT_CALLBACK, -EINVAL },
	{ "count_without_filters", KT_SUB_NULL_FILTERS, -EINVAL },
	{ "more_than_filters_max", KT_SUB_TOO_MANY_FILTERS, -EINVAL },
	{ "invalid_filter", KT_SUB_BAD_FILTER, -EINVAL },
	{ "deleted_cluster_with_a_filter", KT_SUB_DELETED_WITH_FILTER, -ENOENT },
	{ "deleted_cluster_without_filters", KT_SUB_DELETED_NO_FILTER, -ENOENT },
};

static void kt_subrej_case_desc(const struct kt_subrej_case *c, char *desc)
{
	kt_copy_desc(c->name, desc);
}

KUNIT_ARRAY_PARAM(kt_subrej_cases, kt_subrej_cases, kt_subrej_case_desc);

/* clusnotify_subscribe() documents each of these errors. */
static void subscribe_rejects(struct kunit *test)
{
	const struct kt_subrej_case *p = test->param_value;
	struct kt_cluster *c = kt_cluster_new(test);
	struct clusnotify_cluster *cl = kt_api_cluster(test, c);
	struct kt_sub_ctx *x = kt_ctx_new(test);
	const struct clusnotify_sub_ops *ops = &kt_sub_ops;
	const struct clusnotify_filter *f = &kt_group_state;
	struct clusnotify_filter bad = { CLUSNOTIFY_OBJ_GROUP, 0, BIT_ULL(40) };
	struct clusnotify_sub *sub;
	unsigned int n = 1;

	switch (p->kind) {
	case KT_SUB_NO_OPS: ops = NULL; break;
	case KT_SUB_NO_EVENT_CALLBACK: ops = &kt_sub_ops_no_event; break;
	case KT_SUB_NULL_FILTERS: f = NULL; break;
	case KT_SUB_TOO_MANY_FILTERS: n = CLUSNOTIFY_FILTERS_MAX + 1; break;
	case KT_SUB_BAD_FILTER: f = &bad; break;
	case KT_SUB_DELETED_NO_FILTER:
		f = NULL;
		n = 0;
		fallthrough;
	case KT_SUB_DELETED_WITH_FILTER:
		KUNIT_ASSERT_EQ(test, cn_cluster_unregister(&init_net, c->id,
							    c->portid, NULL), 0);
		break;
	}

	sub = clusnotify_subscribe(cl, f, n, KT_KEY, ops, x);

	KUNIT_EXPECT_TRUE_MSG(test, IS_ERR(sub), "subscribed anyway");
	if (!IS_ERR_OR_NULL(sub)) {
		clusnotify_unsubscribe(sub);
		return;
	}
	KUNIT_EXPECT_EQ(test, PTR_ERR(sub), p->want);
}

/* The snapshot reaches the callback before anything posted after it. */
static void sub_snapshot_comes_first(struct kunit *test)
{
	struct kt_cluster *c = kt_cluster_new(test);
	struct clusnotify_cluster *cl = kt_api_cluster(test, c);
	struct kt_sub_ctx *x = kt_ctx_new(test);
	struct clusnotify_sub *sub;
	s32 state = 9;
	struct clusnotify_post_event e = {
		.object_type = CLUSNOTIFY_OBJ_GROUP, .flag = CLUSNOTIFY_GROUP_STATE,
		.object_id = "g1", .payload = &state, .payload_len = sizeof(state),
	};
	unsigned int i, seen = 0;
	u64 seq;

	kt_obj_set(test, c, CLUSNOTIFY_OBJ_GROUP, "g1", "Group 1", "", "", 1);
	kt_obj_set(test, c, CLUSNOTIFY_OBJ_GROUP, "g2", "Group 2", "", "", 2);
	kt_obj_set(test, c, CLUSNOTIFY_OBJ_GROUP, "g3", "Group 3", "", "", 3);
	sub = kt_subscribe(test, cl, &kt_group_state, 1, KT_KEY, x);

	KUNIT_ASSERT_EQ(test, clusnotify_sub_snapshot(sub), 0);
	KUNIT_ASSERT_EQ(test, clusnotify_post(cl, &e, 1, &seq), 0);

	KUNIT_ASSERT_TRUE(test, kt_ctx_wait_records(x, 5));
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_EQ(test, x->seen[i].flags, (u32)CLUSNOTIFY_RECORD_SNAPSHOT);
		KUNIT_EXPECT_EQ(test, x->seen[i].flag, CLUSNOTIFY_GROUP_STATE);
		KUNIT_EXPECT_LT(test, x->seen[i].seq, seq);
		seen |= BIT(x->seen[i].id[1] - '0');
	}
	KUNIT_EXPECT_EQ(test, seen, 0xeU);
	KUNIT_EXPECT_EQ(test, x->seen[3].flags, (u32)KT_SNAP_END);
	KUNIT_EXPECT_EQ(test, x->seen[3].seq + 1, seq);
	KUNIT_EXPECT_EQ(test, x->seen[4].flags, 0U);
	KUNIT_EXPECT_EQ(test, x->seen[4].seq, seq);
	KUNIT_EXPECT_STREQ(test, x->seen[4].id, "g1");
}

/* Per-object registrations, and HANDLE_CLOSE when one is removed. */
static void sub_register_and_handle_close(struct kunit *test)
{
	struct kt_cluster *c = kt_cluster_new(test);
	struct clusnotify_cluster *cl = kt_api_cluster(test, c);
	struct kt_sub_ctx *x = kt_ctx_new(test);
	struct clusnotify_post_event e = {
		.object_type = CLUSNOTIFY_OBJ_NODE, .flag = CLUSNOTIFY_NODE_STATE,
		.object_id = "node-1",
	};
	struct clusnotify_sub *sub;
	u32 reg = 0;

	sub = kt_subscribe(test, cl, NULL, 0, 0, x);
	KUNIT_ASSERT_EQ(test, clusnotify_sub_register(sub, CLUSNOTIFY_OBJ_NODE,
			CLUSNOTIFY_NODE_STATE | CLUSNOTIFY_NODE_HANDLE_CLOSE,
			77, "node-1", &reg), 0);
	KUNIT_EXPECT_NE(test, reg, 0U);
	KUNIT_EXPECT_EQ(test, clusnotify_sub_register(sub, CLUSNOTIFY_OBJ_NODE, 0, 77,
						      "node-1", &reg), -EINVAL);
	KUNIT_ASSERT_EQ(test, clusnotify_post(cl, &e, 1, NULL), 0);
	e.object_id = "node-2";
	KUNIT_ASSERT_EQ(test, clusnotify_post(cl, &e, 1, NULL), 0);

	KUNIT_ASSERT_EQ(test, clusnotify_sub_unregister(sub, reg), 0);
	KUNIT_EXPECT_EQ(test, clusnotify_sub_unregister(sub, reg), -ENOENT);

	KUNIT_ASSERT_TRUE(test, kt_ctx_wait_records(x, 2));
	KUNIT_EXPECT_STREQ(test, x->seen[0].id, "node-1");
	KUNIT_EXPECT_EQ(test, x->seen[0].flag, CLUSNOTIFY_NODE_STATE);
	KUNIT_EXPECT_EQ(test, x->seen[0].key, 77ULL);
	KUNIT_EXPECT_EQ(test, x->seen[1].flag, CLUSNOTIFY_NODE_HANDLE_CLOSE);
	KUNIT_EXPECT_EQ(test, x->seen[1].flags, (u32)CLUSNOTIFY_RECORD_SYNTHETIC);
	KUNIT_EXPECT_EQ(test, x->seen[1].key, 77ULL);
	KUNIT_EXPECT_STREQ(test, x->seen[1].id, "node-1");
	msleep(20);
	KUNIT_EXPECT_EQ(test, atomic_read(&x->calls), 2);
}

/*
 * A subscriber that does not keep up loses events past its queue's bound
 * and is told how many, in a LOST event: nothing goes missing unseen.
 */
static void slow_subscriber_is_told_of_loss(struct kunit *test)
{
	struct kt_cluster *c = kt_cluster_new(test);
	struct clusnotify_cluster *cl = kt_api_cluster(test, c);
	struct kt_sub_ctx *x = kt_ctx_new(test);
	struct clusnotify_post_event *e;
	struct clusnotify_port_stats st;
	struct clusnotify_sub *sub;
	const unsigned int more = 1100;
	unsigned int i, done;

	e = kunit_kcalloc(test, CLUSNOTIFY_EVENTS_MAX, sizeof(*e), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, e);
	for (i = 0; i < CLUSNOTIFY_EVENTS_MAX; i++) {
		e[i].object_type = CLUSNOTIFY_OBJ_GROUP;
		e[i].flag = CLUSNOTIFY_GROUP_STATE;
		e[i].object_id = "g1";
	}
	x->block_first = true;
	sub = kt_subscribe(test, cl, &kt_group_state, 1, KT_KEY, x);
	KUNIT_ASSERT_EQ(test, clusnotify_post(cl, e, 1, NULL), 0);
	KUNIT_ASSERT_TRUE_MSG(test, wait_for_completion_timeout(&x->entered, KT_WAIT),
			      "the first callback did not start");

	/* The callback holds the first event; these fill the queue and more. */
	for (done = 0; done < more; done += i) {
		i = min_t(unsigned int, more - done, CLUSNOTIFY_EVENTS_MAX);
		KUNIT_ASSERT_EQ(test, clusnotify_post(cl, e, i, NULL), 0);
	}
	clusnotify_sub_stats(sub, &st);
	KUNIT_EXPECT_EQ(test, st.matched, (u64)more + 1);
	KUNIT_EXPECT_GT_MSG(test, st.lost, 0ULL,
			    "max_queued_events must be below %u for this test", more);
	KT_EXPECT_BALANCED(test, st);

	complete_all(&x->release);
	KUNIT_ASSERT_TRUE_MSG(test, kt_ctx_wait_counts(x, st.delivered, st.lost),
			      "saw %u events and %llu lost of %llu and %llu",
			      x->events, x->lost, st.delivered, st.lost);
	KUNIT_EXPECT_EQ(test, (u64)x->events, st.delivered);
	KUNIT_EXPECT_EQ(test, x->lost, st.lost);
	clusnotify_sub_stats(sub, &st);
	KUNIT_EXPECT_EQ(test, st.queued, 0ULL);
	KUNIT_EXPECT_EQ(test, st.read, (u64)x->records);
}

struct kt_postrej_case {
	const char *name;
	unsigned int n;
	struct clusnotify_post_event second;
	int want;
};

static const struct kt_postrej_case kt_postrej_cases[] = {
	{ "empty_batch", 0, { }, -EINVAL },
	{ "more_than_events_max", CLUSNOTIFY_EVENTS_MAX + 1, { }, -E2BIG },
	{ "non_postable_flag_in_the_batch", 2,
	  { .object_type = CLUSNOTIFY_OBJ_CLUSTER, .flag = CLUSNOTIFY_CLUSTER_STATE },
	  -EINVAL },
	{ "event_without_object_id_in_the_batch", 2, { KT_GS }, -EINVAL },
	{ "bad_utf8_in_the_batch", 2, { KT_GS, .object_id = "\xc0\x80" }, -EINVAL },
	{ "oversized_payload_in_the_batch", 2,
	  { KT_GS, .object_id = "g2", .payload = kt_payload_max,
	    .payload_len = CLUSNOTIFY_PAYLOAD_MAX + 1 }, -EINVAL },
};

static void kt_postrej_case_desc(const struct kt_postrej_case *c, char *desc)
{
	kt_copy_desc(c->name, desc);
}

KUNIT_ARRAY_PARAM(kt_postrej_cases, kt_postrej_cases, kt_postrej_case_desc);

/* A batch is validated whole: one bad event posts nothing. */
static void post_rejects_the_whole_batch(struct kunit *test)
{
	const struct kt_postrej_case *p = test->param_value;
	struct kt_cluster *c = kt_cluster_new(test);
	struct clusnotify_cluster *cl = kt_api_cluster(test, c);
	struct cn_port *port = kt_port_new(test);
	struct clusnotify_post_event e[2] = {
		{ KT_GS, .object_id = "g1" },
		p->second,
	};
	struct clusnotify_port_stats st;
	u64 seq = 12345;

	kt_filter(test, port, c->id, KT_KEY, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_ALL);
	KUNIT_EXPECT_EQ(test, clusnotify_post(cl, e, p->n, &seq), p->want);
	KUNIT_EXPECT_EQ(test, seq, 12345ULL);
	KUNIT_EXPECT_EQ(test, READ_ONCE(c->cl->seq), 0ULL);
	kt_stats(port, &st);
	KUNIT_EXPECT_EQ(test, st.matched, 0ULL);
}

static void post_to_a_deleted_cluster(struct kunit *test)
{
	struct kt_cluster *c = kt_cluster_new(test);
	struct clusnotify_cluster *cl = kt_api_cluster(test, c);
	struct clusnotify_post_event e = { KT_GS, .object_id = "g1" };

	KUNIT_ASSERT_EQ(test, cn_cluster_unregister(&init_net, c->id, c->portid, NULL), 0);
	KUNIT_EXPECT_EQ(test, clusnotify_post(cl, &e, 1, NULL), -ENOENT);
}

static void object_get_and_membership(struct kunit *test)
{
	struct kt_cluster *c = kt_cluster_new(test);
	struct clusnotify_cluster *cl = kt_api_cluster(test, c);
	struct clusnotify_object *nodes;
	unsigned int up = 99;

	nodes = kunit_kcalloc(test, 3, sizeof(*nodes), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, nodes);
	kt_obj_set(test, c, CLUSNOTIFY_OBJ_NODE, "n1", "Node 1", "", "", 0);
	kt_obj_set(test, c, CLUSNOTIFY_OBJ_NODE, "n2", "Node 2", "", "", 1);
	kt_obj_set(test, c, CLUSNOTIFY_OBJ_NODE, "n3", "Node 3", "", "", 0);
	kt_obj_set(test, c, CLUSNOTIFY_OBJ_GROUP, "g1", "Group 1", "", "", 0);

	KUNIT_ASSERT_EQ(test, clusnotify_object_get(cl, CLUSNOTIFY_OBJ_NODE, "n2",
						    &nodes[0]), 0);
	KUNIT_EXPECT_STREQ(test, nodes[0].name, "Node 2");
	KUNIT_EXPECT_EQ(test, nodes[0].state, 1);
	KUNIT_EXPECT_EQ(test, clusnotify_object_get(cl, CLUSNOTIFY_OBJ_NODE, "g1",
						    &nodes[0]), -ENOENT);

	KUNIT_EXPECT_EQ(test, clusnotify_membership(cl, nodes, 2, &up), 3);
	KUNIT_EXPECT_EQ(test, up, 2U);
	KUNIT_EXPECT_EQ(test, nodes[0].type, (u32)CLUSNOTIFY_OBJ_NODE);
	KUNIT_EXPECT_EQ(test, nodes[1].type, (u32)CLUSNOTIFY_OBJ_NODE);
	KUNIT_EXPECT_EQ(test, clusnotify_membership(cl, NULL, 0, NULL), 3);
}

/* A producer that never stops: posts until kthread_stop(). */
struct kt_poster {
	struct clusnotify_cluster *cl;
	struct task_struct *task;
	atomic_t posted;
	atomic_t errors;
};

static int kt_poster_fn(void *arg)
{
	struct kt_poster *p = arg;
	struct clusnotify_post_event e[4];
	unsigned int i = 0;

	for (i = 0; i < ARRAY_SIZE(e); i++)
		e[i] = (struct clusnotify_post_event){ KT_GS, .object_id = "g-storm" };
	while (!kthread_should_stop()) {
		if (clusnotify_post(p->cl, e, ARRAY_SIZE(e), NULL))
			atomic_inc(&p->errors);
		else
			atomic_add(ARRAY_SIZE(e), &p->posted);
		if (!(++i % 16))
			usleep_range(20, 50);
		else
			cond_resched();
	}
	return 0;
}

static void kt_poster_stop(void *arg)
{
	struct kt_poster *p = arg;

	kthread_stop(p->task);
	kfree(p);
}

static struct kt_poster *kt_poster_start(struct kunit *test,
					 struct clusnotify_cluster *cl)
{
	struct kt_poster *p = kzalloc(sizeof(*p), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	p->cl = cl;
	p->task = kthread_run(kt_poster_fn, p, "kt-poster");
	if (IS_ERR(p->task)) {
		kfree(p);
		KUNIT_ASSERT_FAILURE(test, "cannot start the poster thread");
	}
	kt_defer(test, kt_poster_stop, p);
	return p;
}

static void kt_count_event(struct clusnotify_sub *sub,
			   const struct clusnotify_event *ev, void *arg)
{
	struct kt_sub_ctx *x = arg;

	atomic_inc(&x->calls);
	/* Widen the window in which an unsubscribe can meet a callback. */
	udelay(20);
	atomic_inc(&x->calls);
}

static const struct clusnotify_sub_ops kt_count_ops = { .event = kt_count_event };

/*
 * Unsubscribing while another thread posts, again and again, with the
 * callback's context freed right after: any callback after unsubscribe
 * returns is a use after free that KASAN reports.
 */
static void unsubscribe_while_posting(struct kunit *test)
{
	struct kt_cluster *c = kt_cluster_new(test);
	struct clusnotify_cluster *cl = kt_api_cluster(test, c);
	struct kt_poster *poster = kt_poster_start(test, cl);
	unsigned int i, with_calls = 0;
	unsigned long deadline;

	for (i = 0; i < 40; i++) {
		struct kt_sub_ctx *x = kzalloc(sizeof(*x), GFP_KERNEL);
		struct clusnotify_sub *sub;

		if (!x) {
			KUNIT_FAIL(test, "no memory");
			break;
		}
		kt_ctx_init(x);
		sub = clusnotify_subscribe(cl, &kt_group_state, 1, i, &kt_count_ops, x);
		if (IS_ERR(sub)) {
			kfree(x);
			KUNIT_FAIL(test, "clusnotify_subscribe: %ld", PTR_ERR(sub));
			break;
		}
		/* Every other time, wait until callbacks are flowing. */
		deadline = jiffies + HZ;
		while (i % 2 == 0 && !atomic_read(&x->calls) &&
		       time_before(jiffies, deadline))
			usleep_range(100, 200);
		clusnotify_unsubscribe(sub);
		if (atomic_read(&x->calls) % 2)
			KUNIT_FAIL(test, "unsubscribe returned during a callback");
		with_calls += atomic_read(&x->calls) > 0;
		kfree(x);
	}
	KUNIT_EXPECT_GT(test, atomic_read(&poster->posted), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&poster->errors), 0);
	KUNIT_EXPECT_GT(test, with_calls, 0U);
}

/* Unsubscribe with callbacks still queued, and free the context at once. */
static void unsubscribe_then_free_the_context_at_once(struct kunit *test)
{
	struct kt_cluster *c = kt_cluster_new(test);
	struct clusnotify_cluster *cl = kt_api_cluster(test, c);
	struct clusnotify_post_event *e;
	struct clusnotify_port_stats st;
	unsigned int i;

	e = kunit_kcalloc(test, 64, sizeof(*e), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, e);
	for (i = 0; i < 64; i++)
		e[i] = (struct clusnotify_post_event){ KT_GS, .object_id = "g1" };

	for (i = 0; i < 20; i++) {
		struct kt_sub_ctx *x = kzalloc(sizeof(*x), GFP_KERNEL);
		struct clusnotify_sub *sub;

		if (!x) {
			KUNIT_FAIL(test, "no memory");
			break;
		}
		kt_ctx_init(x);
		sub = clusnotify_subscribe(cl, &kt_group_state, 1, i, &kt_count_ops, x);
		if (IS_ERR(sub)) {
			kfree(x);
			KUNIT_FAIL(test, "clusnotify_subscribe: %ld", PTR_ERR(sub));
			break;
		}
		if (clusnotify_post(cl, e, 64, NULL))
			KUNIT_FAIL(test, "clusnotify_post failed");
		clusnotify_sub_stats(sub, &st);
		KUNIT_EXPECT_EQ(test, st.matched, 64ULL);
		clusnotify_unsubscribe(sub);
		if (atomic_read(&x->calls) % 2)
			KUNIT_FAIL(test, "unsubscribe returned during a callback");
		kfree(x);
	}
}


static void kt_subs_stats(struct clusnotify_sub *sub, struct clusnotify_port_stats *st)
{
	clusnotify_sub_stats(sub, st);
}

/*
 * When a namespace goes (its clusters deleted, then cn_kapi_net_exit()),
 * each kernel subscription gets the cluster's STATE / DELETED event once
 * (one that watched the cluster got it from the deletion, one with no
 * filter gets its own), loses its filters, refuses registrations, and is
 * shut down once that is delivered.
 */
static void netns_exit_tells_each_kernel_sub_once_and_ends_it(struct kunit *test)
{
	struct kt_cluster *c = kt_cluster_new(test);
	struct clusnotify_cluster *cl = kt_api_cluster(test, c);
	struct kt_sub_ctx *x[2] = { kt_ctx_new(test), kt_ctx_new(test) };
	static const struct clusnotify_filter asks[] = {
		{ CLUSNOTIFY_OBJ_GROUP, 0, CLUSNOTIFY_GROUP_STATE },
		{ CLUSNOTIFY_OBJ_CLUSTER, 0, CLUSNOTIFY_CLUSTER_STATE },
	};
	struct clusnotify_sub *sub[2];
	struct clusnotify_port_stats st;
	unsigned long deadline;
	unsigned int i;
	u32 reg;

	sub[0] = kt_subscribe(test, cl, asks, ARRAY_SIZE(asks), KT_KEY, x[0]);
	sub[1] = kt_subscribe(test, cl, NULL, 0, KT_KEY + 1, x[1]);

	KUNIT_ASSERT_EQ(test, cn_cluster_unregister(&init_net, c->id, c->portid, NULL), 0);
	KUNIT_ASSERT_TRUE(test, kt_ctx_wait_records(x[0], 1));
	cn_kapi_net_exit(&init_net);
	KUNIT_ASSERT_TRUE(test, kt_ctx_wait_records(x[1], 1));

	for (i = 0; i < 2; i++) {
		/* Shut down once the DELETED event is delivered. */
		deadline = jiffies + 10 * HZ;
		while (clusnotify_sub_snapshot(sub[i]) != -ESHUTDOWN &&
		       time_before(jiffies, deadline))
			msleep(10);
		KUNIT_EXPECT_EQ(test, clusnotify_sub_snapshot(sub[i]), -ESHUTDOWN);
		KUNIT_EXPECT_EQ(test, x[i]->records, 1U);
		KUNIT_EXPECT_EQ(test, x[i]->seen[0].object_type,
				(u32)CLUSNOTIFY_OBJ_CLUSTER);
		KUNIT_EXPECT_EQ(test, x[i]->seen[0].flag, CLUSNOTIFY_CLUSTER_STATE);
		KUNIT_EXPECT_EQ(test, x[i]->seen[0].key, KT_KEY + i);
		KUNIT_EXPECT_EQ(test, x[i]->seen[0].cluster_id, c->id);
		KUNIT_EXPECT_EQ(test, x[i]->seen[0].payload_len, 4U);
		KUNIT_EXPECT_EQ(test, *(u32 *)x[i]->seen[0].payload,
				(u32)CLUSNOTIFY_CLUSTER_DELETED);
		KUNIT_EXPECT_EQ(test, clusnotify_sub_register(sub[i],
				CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_STATE, 0,
				"n1", &reg), -ENOENT);
		kt_subs_stats(sub[i], &st);
		KUNIT_EXPECT_EQ(test, st.filters + st.registrations, 0U);
		KUNIT_EXPECT_EQ(test, st.clusters, 0U);
	}
}

static struct kunit_case kt_kapi_cases[] = {
	KUNIT_CASE(cluster_get_by_name),
	KUNIT_CASE(post_reaches_the_callback),
	KUNIT_CASE(callback_sees_events_in_post_order),
	KUNIT_CASE_PARAM(subscribe_rejects, kt_subrej_cases_gen_params),
	KUNIT_CASE(sub_snapshot_comes_first),
	KUNIT_CASE(sub_register_and_handle_close),
	KUNIT_CASE(slow_subscriber_is_told_of_loss),
	KUNIT_CASE_PARAM(post_rejects_the_whole_batch, kt_postrej_cases_gen_params),
	KUNIT_CASE(post_to_a_deleted_cluster),
	KUNIT_CASE(object_get_and_membership),
	KUNIT_CASE(unsubscribe_while_posting),
	KUNIT_CASE(unsubscribe_then_free_the_context_at_once),
	KUNIT_CASE(netns_exit_tells_each_kernel_sub_once_and_ends_it),
	{}
};

static struct kunit_suite kt_kapi_suite = {
	.name = "clusnotify_kapi",
	.test_cases = kt_kapi_cases,
};

/* ======================================================================== */
/* Suite: the journal's bounds and eviction                                  */

/* An event numbered @seq whose record is @len bytes (a multiple of 8). */
static struct cn_event *kt_jev(struct kunit *test, u64 seq, u32 len)
{
	static const char payload[CLUSNOTIFY_PAYLOAD_MAX];
	struct clusnotify_post_event d = {
		KT_GS, .object_id = "g1", .payload = payload,
		.payload_len = len - ALIGN(sizeof(struct clusnotify_record) + 2 + 5, 8),
	};
	struct cn_event *ev = cn_event_build(&d, 0, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ev);
	KUNIT_ASSERT_EQ(test, ev->rec_len, len);
	ev->seq = seq;
	return ev;
}

/* Sizes a journal of @cap events, @bytes bytes, and takes it down after. */
static void kt_journal_init(struct kunit *test, struct cn_journal *j, u32 cap,
			    unsigned long bytes)
{
	unsigned int saved_n = cn_max_journal_events;

	memset(j, 0, sizeof(*j));
	cn_max_journal_events = cap;
	KUNIT_ASSERT_EQ(test, cn_journal_init(j), 0);
	cn_max_journal_events = saved_n;
	KUNIT_ASSERT_EQ(test, j->cap, cap);
	WRITE_ONCE(cn_max_journal_bytes, bytes);
}

static void kt_journal_done(struct cn_journal *j)
{
	cn_journal_destroy(j);
	WRITE_ONCE(cn_max_journal_bytes, 4UL << 20);
}

/* Appends seq 1..n (records of @len); the journal holds its own refs. */
static void kt_journal_fill(struct kunit *test, struct cn_journal *j,
			    u64 from, unsigned int n, u32 len)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct cn_event *ev = kt_jev(test, from + i, len);

		cn_journal_append(j, ev);
		cn_event_put(ev);
	}
}

static void kt_expect_run(struct kunit *test, struct cn_journal *j, u64 first,
			  u32 n)
{
	u32 i;

	KUNIT_ASSERT_EQ(test, j->n, n);
	KUNIT_EXPECT_EQ(test, cn_journal_first(j), n ? first : 0);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, cn_journal_event(j, i)->seq, first + i);
}

/* Past its event bound the oldest go, the run stays contiguous. */
static void journal_keeps_the_newest_events(struct kunit *test)
{
	struct cn_journal j;

	kt_journal_init(test, &j, 4, 1UL << 20);
	kt_journal_fill(test, &j, 1, 3, 128);
	kt_expect_run(test, &j, 1, 3);
	kt_journal_fill(test, &j, 4, 7, 128);	/* wraps the ring twice */
	kt_expect_run(test, &j, 7, 4);
	KUNIT_EXPECT_EQ(test, j.bytes, 4ULL * 128);
	kt_journal_done(&j);
}

/* Past its byte bound too; a larger event takes the room of several. */
static void journal_keeps_within_its_bytes(struct kunit *test)
{
	struct cn_journal j;

	kt_journal_init(test, &j, 16, 3 * 256);
	kt_journal_fill(test, &j, 1, 5, 256);
	kt_expect_run(test, &j, 3, 3);
	kt_journal_fill(test, &j, 6, 1, 512);	/* 4 and 5 go */
	kt_expect_run(test, &j, 5, 2);
	KUNIT_EXPECT_LE(test, j.bytes, 3ULL * 256);
	kt_journal_done(&j);
}

/*
 * An event it cannot keep (over the byte bound alone, or a number taken
 * without an event) empties it: it never has a hole.
 */
static void journal_never_has_a_hole(struct kunit *test)
{
	struct cn_journal j;

	kt_journal_init(test, &j, 16, 1024);
	kt_journal_fill(test, &j, 1, 3, 128);
	kt_journal_fill(test, &j, 4, 1, 2048);
	kt_expect_run(test, &j, 0, 0);
	KUNIT_EXPECT_EQ(test, j.bytes, 0ULL);
	kt_journal_fill(test, &j, 5, 2, 128);
	kt_expect_run(test, &j, 5, 2);
	cn_journal_append(&j, NULL);		/* seq 7 taken, not built */
	kt_expect_run(test, &j, 0, 0);
	kt_journal_fill(test, &j, 8, 1, 128);
	kt_expect_run(test, &j, 8, 1);
	kt_journal_done(&j);
}

/* The journal holds one reference per event and gives it back. */
static void journal_references_the_shared_bodies(struct kunit *test)
{
	struct cn_event *ev = kt_jev(test, 1, 128);
	struct cn_journal j;

	kt_journal_init(test, &j, 2, 1UL << 20);
	cn_journal_append(&j, ev);
	KUNIT_EXPECT_EQ(test, refcount_read(&ev->ref), 2U);
	kt_journal_fill(test, &j, 2, 2, 128);	/* ev goes */
	KUNIT_EXPECT_EQ(test, refcount_read(&ev->ref), 1U);
	cn_event_put(ev);
	kt_journal_done(&j);
}

/* max_journal_events 0: no journal, appending keeps nothing. */
static void journal_of_zero_events_keeps_nothing(struct kunit *test)
{
	struct cn_journal j;
	unsigned int saved = cn_max_journal_events;

	memset(&j, 0, sizeof(j));
	cn_max_journal_events = 0;
	KUNIT_ASSERT_EQ(test, cn_journal_init(&j), 0);
	cn_max_journal_events = saved;
	KUNIT_EXPECT_NULL(test, j.ring);
	kt_journal_fill(test, &j, 1, 3, 128);
	kt_expect_run(test, &j, 0, 0);
	cn_journal_destroy(&j);
}

/* A cluster journals every numbered event, its own STATE included. */
static void cluster_journals_what_it_numbers(struct kunit *test)
{
	struct kt_cluster *c = kt_cluster_new(test);
	u64 last;

	kt_post(test, c, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE, "g1");
	last = kt_post(test, c, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE, "g2");
	mutex_lock(&c->cl->post_lock);
	kt_expect_run(test, &c->cl->journal, last - 1, 2);
	KUNIT_EXPECT_EQ(test, cn_journal_event(&c->cl->journal, 1)->epoch,
			c->cl->epoch);
	mutex_unlock(&c->cl->post_lock);
}

static struct kunit_case kt_journal_cases[] = {
	KUNIT_CASE(journal_keeps_the_newest_events),
	KUNIT_CASE(journal_keeps_within_its_bytes),
	KUNIT_CASE(journal_never_has_a_hole),
	KUNIT_CASE(journal_references_the_shared_bodies),
	KUNIT_CASE(journal_of_zero_events_keeps_nothing),
	KUNIT_CASE(cluster_journals_what_it_numbers),
	{}
};

static struct kunit_suite kt_journal_suite = {
	.name = "clusnotify_journal",
	.test_cases = kt_journal_cases,
};

kunit_test_suites(&kt_validation_suite, &kt_index_suite, &kt_record_suite,
		  &kt_queue_suite, &kt_read_suite, &kt_registry_suite,
		  &kt_cluster_suite, &kt_kapi_suite, &kt_journal_suite);

MODULE_DESCRIPTION("KUnit suites for clusnotify's internals");
MODULE_LICENSE("GPL");
