// SPDX-License-Identifier: GPL-2.0
/*
 * clusapi.h: handles, the V2 functions and their error paths, as
 * API-REFERENCE.md states them. Also built with -m32.
 */
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <unistd.h>

#include "capi.h"
#include "helpers.h"

static struct tl_feed feed;
static HCLUSTER hc;

#define BOGUS(T)	((T)(uintptr_t)0x12340)

static void post(const char *line)
{
	tl_feed(&feed, "%s", line);
	tl_feed_sync(&feed);
}

static void *other_thread_error(void *arg)
{
	(void)arg;
	CHECK_EQ(GetLastError(), 0);
	SetLastError(5);
	CHECK_EQ(GetLastError(), 5);
	return NULL;
}

static void test_last_error(void)
{
	pthread_t th;

	SetLastError(1234);
	CHECK_EQ(pthread_create(&th, NULL, other_thread_error, NULL), 0);
	CHECK_EQ(pthread_join(th, NULL), 0);
	CHECK_EQ(GetLastError(), 1234);
}

static void test_open_close(void)
{
	static const char16_t lone[] = { 'a', 0xd800, 'b', 0 };
	HCLUSTER local, none;
	HNODE n;
	HGROUP g;
	HRESOURCE r;
	HNETWORK net;
	HNETINTERFACE ni;

	hc = OpenCluster(tl_u16(feed.name));
	CHECK(hc != NULL);
	local = OpenCluster(NULL);
	CHECK(local != NULL);
	CHECK(local != hc);
	CHECK(CloseCluster(local));
	local = OpenCluster(u"");
	CHECK(local != NULL);
	CHECK(CloseCluster(local));
	SetLastError(0);
	none = OpenCluster(u"no-such-cluster");
	CHECK(none == NULL);
	CHECK_EQ(GetLastError(), RPC_S_SERVER_UNAVAILABLE);
	CHECK(OpenCluster(lone) == NULL);
	CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);

	n = OpenClusterNode(hc, u"node-one");
	CHECK(n != NULL);
	CHECK(CloseClusterNode(n));
	n = OpenClusterNode(hc, u"n1");		/* by id too */
	CHECK(n != NULL);
	CHECK(!CloseClusterGroup((HGROUP)n));	/* wrong kind: still open */
	CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
	CHECK(CloseClusterNode(n));
	CHECK(!CloseClusterNode(n));
	CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
	CHECK(!CloseClusterNode(NULL));
	CHECK(!CloseClusterNode(BOGUS(HNODE)));
	CHECK(!CloseClusterNode((HNODE)INVALID_HANDLE_VALUE));

	CHECK(OpenClusterNode(hc, u"nosuch") == NULL);
	CHECK_EQ(GetLastError(), ERROR_CLUSTER_NODE_NOT_FOUND);
	CHECK(OpenClusterGroup(hc, u"nosuch") == NULL);
	CHECK_EQ(GetLastError(), ERROR_GROUP_NOT_FOUND);
	CHECK(OpenClusterResource(hc, u"nosuch") == NULL);
	CHECK_EQ(GetLastError(), ERROR_RESOURCE_NOT_FOUND);
	CHECK(OpenClusterNetwork(hc, u"nosuch") == NULL);
	CHECK_EQ(GetLastError(), ERROR_CLUSTER_NETWORK_NOT_FOUND);
	CHECK(OpenClusterNetInterface(hc, u"nosuch") == NULL);
	CHECK_EQ(GetLastError(), ERROR_CLUSTER_NETINTERFACE_NOT_FOUND);
	CHECK(OpenClusterNode(NULL, u"n1") == NULL);
	CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
	CHECK(OpenClusterNode(BOGUS(HCLUSTER), u"n1") == NULL);
	CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
	CHECK(OpenClusterNode(hc, NULL) == NULL);
	CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	/* A node is not a group. */
	CHECK(OpenClusterGroup(hc, u"node-one") == NULL);
	CHECK_EQ(GetLastError(), ERROR_GROUP_NOT_FOUND);

	g = OpenClusterGroup(hc, u"web");
	r = OpenClusterResource(hc, u"web-ip");
	net = OpenClusterNetwork(hc, u"public");
	ni = OpenClusterNetInterface(hc, u"eth0");
	CHECK(g && r && net && ni);
	/* A closed cluster handle leaves the objects opened from it alone. */
	local = OpenCluster(tl_u16(feed.name));
	n = OpenClusterNode(local, u"n2");
	CHECK(n != NULL);
	CHECK(CloseCluster(local));
	CHECK(!CloseCluster(local));
	CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
	CHECK(OpenClusterNode(local, u"n2") == NULL);
	CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
	CHECK(CloseClusterNode(n));
	CHECK(CloseClusterGroup(g));
	CHECK(CloseClusterResource(r));
	CHECK(CloseClusterNetwork(net));
	CHECK(CloseClusterNetInterface(ni));
	CHECK(!CloseClusterNetInterface(ni));
}

static void test_create(void)
{
	NOTIFY_FILTER_AND_TYPE f[3] = {
		{ CLUSTER_OBJECT_TYPE_NODE, CLUSTER_CHANGE_NODE_ALL_V2 },
		{ CLUSTER_OBJECT_TYPE_GROUP, CLUSTER_CHANGE_GROUP_STATE_V2 },
		{ CLUSTER_OBJECT_TYPE_CLUSTER, CLUSTER_CHANGE_CLUSTER_ALL_V2 },
	};
	NOTIFY_FILTER_AND_TYPE bad;
	HCHANGE h, h2, empty;
	struct note n;

	h = CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE, hc, f, 3, 1);
	CHECK(h != NULL && h != INVALID_HANDLE_VALUE);
	CHECK(CreateClusterNotifyPortV2(h, hc, f + 1, 1, 2) == h);

	bad = f[0];
	bad.FilterFlags = 0;
	CHECK(CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE, hc, &bad, 1, 1) == NULL);
	CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	bad.FilterFlags = CLUSTER_CHANGE_NODE_ALL_V2 + 1;
	CHECK(CreateClusterNotifyPortV2(h, hc, &bad, 1, 1) == NULL);
	CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	bad.FilterFlags = -1;
	CHECK(CreateClusterNotifyPortV2(h, hc, &bad, 1, 1) == NULL);
	CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	bad.dwObjectType = 0x0e;
	bad.FilterFlags = 1;
	CHECK(CreateClusterNotifyPortV2(h, hc, &bad, 1, 1) == NULL);
	CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	bad.dwObjectType = CLUSTER_OBJECT_TYPE_AFFINITYRULE;
	CHECK(CreateClusterNotifyPortV2(h, hc, &bad, 1, 1) == NULL);
	CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	CHECK(CreateClusterNotifyPortV2(h, hc, NULL, 1, 1) == NULL);
	CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	CHECK(CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE, NULL, f, 1, 1) == NULL);
	CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	CHECK(CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE, BOGUS(HCLUSTER), f, 1, 1) == NULL);
	CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
	CHECK(CreateClusterNotifyPortV2(h, NULL, f, 1, 1) == NULL);
	CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	CHECK(CreateClusterNotifyPortV2(h, (HCLUSTER)INVALID_HANDLE_VALUE, f, 1, 1) == NULL);
	CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	CHECK(CreateClusterNotifyPortV2(BOGUS(HCHANGE), hc, f, 1, 1) == NULL);
	CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
	/* A port handle is not a cluster. */
	CHECK(CreateClusterNotifyPortV2(h, (HCLUSTER)h, f, 1, 1) == NULL);
	CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);

	empty = CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE,
					  (HCLUSTER)INVALID_HANDLE_VALUE, NULL, 0, 0);
	CHECK(empty != NULL);
	CHECK_EQ(get_note(empty, &n, 0), WAIT_TIMEOUT);
	/* An empty port takes filters later. */
	CHECK(CreateClusterNotifyPortV2(empty, hc, f, 1, 3) == empty);
	post("event node n2 state payload=u32:0");
	CHECK_EQ(get_note(empty, &n, 5000), ERROR_SUCCESS);
	CHECK_EQ(n.key, 3);
	CHECK(CloseClusterNotifyPort(empty));

	CHECK_EQ(get_note(h, &n, 5000), ERROR_SUCCESS);
	CHECK_EQ(n.ft.dwObjectType, CLUSTER_OBJECT_TYPE_NODE);
	CHECK_EQ(n.key, 1);
	CHECK_EQ(get_note(h, &n, 0), WAIT_TIMEOUT);

	/* Another key for the group's state: the event carries one of the keys. */
	post("event group g1 state payload=u32:0");
	CHECK_EQ(get_note(h, &n, 5000), ERROR_SUCCESS);
	CHECK(n.key == 1 || n.key == 2);
	while (get_note(h, &n, 0) == ERROR_SUCCESS)
		CHECK(n.ft.dwObjectType == CLUSTER_OBJECT_TYPE_GROUP);

	h2 = h;
	CHECK(CloseClusterNotifyPort(h));
	CHECK(CloseClusterNotifyPort(h2));
	CHECK_EQ(get_note(h, &n, 0), ERROR_INVALID_HANDLE);
	CHECK(CreateClusterNotifyPortV2(h, hc, f, 1, 1) == NULL);
	CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
}

static void test_get(void)
{
	NOTIFY_FILTER_AND_TYPE f[3] = {
		{ CLUSTER_OBJECT_TYPE_NODE, CLUSTER_CHANGE_NODE_ALL_V2 },
		{ CLUSTER_OBJECT_TYPE_GROUP, CLUSTER_CHANGE_GROUP_ALL_V2 },
		{ CLUSTER_OBJECT_TYPE_CLUSTER, CLUSTER_CHANGE_CLUSTER_ALL_V2 },
	};
	const DWORD_PTR key = (DWORD_PTR)UINTPTR_MAX - 5;
	DWORD size, cid, cparent, cname, ctype;
	WCHAR id[8], parent[8], name[3], type[8];
	CLUSTER_MEMBERSHIP_INFO *mi;
	NOTIFY_FILTER_AND_TYPE ft;
	BYTE small[2];
	DWORD_PTR k;
	struct note n;
	HCHANGE h;

	h = CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE, hc, f, 3, key);
	CHECK(h != NULL);

	post("event node n1 state payload=u32:1");
	CHECK_EQ(get_note(h, &n, 5000), ERROR_SUCCESS);
	CHECK_EQ(n.key, key);
	CHECK_EQ(n.ft.dwObjectType, CLUSTER_OBJECT_TYPE_NODE);
	CHECK_EQ(n.ft.FilterFlags, CLUSTER_CHANGE_NODE_STATE_V2);
	CHECK_EQ(n.size, 4);
	CHECK_EQ(note_dword(&n), ClusterNodeDown);
	CHECK_EQ(n.cid, 2);
	CHECK(tl_u16eq(n.id, "n1"));
	CHECK_EQ(n.cname, 8);
	CHECK(tl_u16eq(n.name, "node-one"));
	CHECK_EQ(n.cparent, 0);
	CHECK(tl_u16eq(n.parent, ""));
	CHECK_EQ(n.ctype, 0);
	CHECK(tl_u16eq(n.type, ""));

	/*
	 * Too small a name: its size is written back, the event stays. The
	 * sizes that fit keep what the caller gave (issue 11: as Windows).
	 */
	post("event group g1 state payload=u32:2");
	cid = cparent = ctype = 8;
	cname = 3;
	size = 4;
	k = 0;
	CHECK_EQ(GetClusterNotifyV2(h, &k, &ft, (BYTE *)&n.buf, &size, id, &cid,
				    parent, &cparent, name, &cname, type, &ctype,
				    5000), ERROR_MORE_DATA);
	CHECK_EQ(cid, 8);
	CHECK_EQ(cparent, 8);
	CHECK_EQ(cname, 3);
	CHECK_EQ(ctype, 8);
	CHECK_EQ(size, 4);
	/* The payload alone too small. */
	size = sizeof(small);
	cname = 8;
	CHECK_EQ(GetClusterNotifyV2(h, &k, &ft, small, &size, id, &cid, parent,
				    &cparent, NULL, NULL, type, &ctype, 0),
		 ERROR_MORE_DATA);
	CHECK_EQ(size, 4);
	CHECK_EQ(get_note(h, &n, 0), ERROR_SUCCESS);
	CHECK_EQ(n.ft.dwObjectType, CLUSTER_OBJECT_TYPE_GROUP);
	CHECK_EQ(n.ft.FilterFlags, CLUSTER_CHANGE_GROUP_STATE_V2);
	CHECK(tl_u16eq(n.id, "g1") && tl_u16eq(n.name, "web") &&
	      tl_u16eq(n.parent, "n1"));
	CHECK_EQ(note_dword(&n), ClusterGroupFailed);
	CHECK_EQ(get_note(h, &n, 0), WAIT_TIMEOUT);

	/* Nothing asked for but the event: it is taken all the same. */
	post("event node n1 common_property payload=hex:00000000");
	CHECK_EQ(GetClusterNotifyV2(h, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
				    NULL, NULL, NULL, NULL, NULL, 5000),
		 ERROR_SUCCESS);
	CHECK_EQ(get_note(h, &n, 0), WAIT_TIMEOUT);

	/* A string without its count, a buffer without its size: 87. */
	CHECK_EQ(GetClusterNotifyV2(h, &k, &ft, NULL, NULL, NULL, NULL, NULL, NULL,
				    name, NULL, NULL, NULL, 0),
		 ERROR_INVALID_PARAMETER);
	CHECK_EQ(GetClusterNotifyV2(h, &k, &ft, small, NULL, NULL, NULL, NULL,
				    NULL, NULL, NULL, NULL, NULL, 0),
		 ERROR_INVALID_PARAMETER);
	CHECK_EQ(GetClusterNotifyV2(BOGUS(HCHANGE), &k, &ft, NULL, NULL, NULL,
				    NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0),
		 ERROR_INVALID_HANDLE);
	CHECK_EQ(GetClusterNotifyV2(NULL, &k, &ft, NULL, NULL, NULL, NULL, NULL,
				    NULL, NULL, NULL, NULL, NULL, 0),
		 ERROR_INVALID_HANDLE);

	/* An id payload comes as UTF-16. */
	post("event group g1 owner_node payload=str:n2");
	CHECK_EQ(get_note(h, &n, 5000), ERROR_SUCCESS);
	CHECK_EQ(n.ft.FilterFlags, CLUSTER_CHANGE_GROUP_OWNER_NODE_V2);
	CHECK_EQ(n.size, 3 * sizeof(WCHAR));
	CHECK(tl_u16eq((const char16_t *)n.buf, "n2"));

	/* MEMBERSHIP: CLUSTER_MEMBERSHIP_INFO, two nodes up with quorum. */
	post("event cluster n1 membership payload=hex:01000000020000000102");
	CHECK_EQ(get_note(h, &n, 5000), ERROR_SUCCESS);
	CHECK_EQ(n.ft.dwObjectType, CLUSTER_OBJECT_TYPE_CLUSTER);
	CHECK_EQ(n.ft.FilterFlags, CLUSTER_CHANGE_CLUSTER_MEMBERSHIP_V2);
	CHECK_EQ(n.size, 10);
	mi = (CLUSTER_MEMBERSHIP_INFO *)n.buf;
	CHECK_EQ(mi->HasQuorum, TRUE);
	CHECK_EQ(mi->UpnodesSize, 2);
	CHECK(mi->Upnodes[0] == 1 && mi->Upnodes[1] == 2);

	/* Non-BMP text survives the round trip (a surrogate pair). */
	post("object node n9 \"nöde-\xf0\x9f\x98\x80\" state=up");
	post("event node n9 state payload=u32:0");
	CHECK_EQ(get_note(h, &n, 5000), ERROR_SUCCESS);
	CHECK(tl_u16eq(n.name, "nöde-\xf0\x9f\x98\x80"));
	CHECK_EQ(n.cname, 7);
	/*
	 * A buffer that fits the 7 units and the NUL but not the 11 bytes of
	 * UTF-8: one unit short is ERROR_MORE_DATA, exactly enough is written
	 * whole.
	 */
	post("event node n9 state payload=u32:0");
	{
		WCHAR nm[8];
		DWORD cnm = 7;
		DWORD_PTR key;

		CHECK_EQ(GetClusterNotifyV2(h, &key, NULL, NULL, NULL, NULL, NULL,
					    NULL, NULL, nm, &cnm, NULL, NULL, 5000),
			 ERROR_MORE_DATA);
		CHECK_EQ(cnm, 7);
		cnm = 8;
		CHECK_EQ(GetClusterNotifyV2(h, &key, NULL, NULL, NULL, NULL, NULL,
					    NULL, NULL, nm, &cnm, NULL, NULL, 5000),
			 ERROR_SUCCESS);
		CHECK_EQ(cnm, 7);
		CHECK(tl_u16eq(nm, "nöde-\xf0\x9f\x98\x80"));
	}
	/*
	 * Room for each of its 10 bytes and the NUL (copied without measuring
	 * first), and one less (measured): the same 7 units either way.
	 */
	for (DWORD room = 11; room >= 10; room--) {
		WCHAR nm[11];
		DWORD cnm = room;
		DWORD_PTR key;

		post("event node n9 state payload=u32:0");
		memset(nm, 0xff, sizeof(nm));
		CHECK_EQ(GetClusterNotifyV2(h, &key, NULL, NULL, NULL, NULL, NULL,
					    NULL, NULL, nm, &cnm, NULL, NULL, 5000),
			 ERROR_SUCCESS);
		CHECK_EQ(cnm, 7);
		CHECK(tl_u16eq(nm, "nöde-\xf0\x9f\x98\x80"));
	}
	/*
	 * One count for two strings, as a caller with one scratch buffer
	 * passes it: each string is copied whole before any count is written.
	 */
	post("event node n9 state payload=u32:0");
	{
		WCHAR id[64], nm[64];
		DWORD cch = 64;
		DWORD_PTR key;

		CHECK_EQ(GetClusterNotifyV2(h, &key, NULL, NULL, NULL, id, &cch,
					    NULL, NULL, nm, &cch, NULL, NULL, 5000),
			 ERROR_SUCCESS);
		CHECK(tl_u16eq(id, "n9"));
		CHECK(tl_u16eq(nm, "nöde-\xf0\x9f\x98\x80"));
	}
	{
		HNODE n9 = OpenClusterNode(hc, n.name);

		CHECK(n9 != NULL);
		CHECK(CloseClusterNode(n9));
	}
	CHECK(CloseClusterNotifyPort(h));
}

static void test_size_query(void)
{
	NOTIFY_FILTER_AND_TYPE f = { CLUSTER_OBJECT_TYPE_RESOURCE,
				     CLUSTER_CHANGE_RESOURCE_ALL_V2 };
	DWORD size = 0, cid = 0, cparent = 0, cname = 0, ctype = 0;
	WCHAR *id, *parent, *name, *type;
	NOTIFY_FILTER_AND_TYPE ft;
	DWORD_PTR key;
	BYTE *buf;
	HCHANGE h;

	h = CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE, hc, &f, 1, 4);
	CHECK(h != NULL);
	post("event resource r1 state payload=u32:4");
	CHECK_EQ(GetClusterNotifyV2(h, &key, &ft, NULL, &size, NULL, &cid, NULL,
				    &cparent, NULL, &cname, NULL, &ctype, 5000),
		 ERROR_MORE_DATA);
	CHECK_EQ(size, 4);
	CHECK_EQ(cid, 2);
	CHECK_EQ(cparent, 2);
	CHECK_EQ(cname, 6);
	CHECK_EQ(ctype, 9);
	buf = malloc(size);
	id = malloc(++cid * sizeof(WCHAR));
	parent = malloc(++cparent * sizeof(WCHAR));
	name = malloc(++cname * sizeof(WCHAR));
	type = malloc(++ctype * sizeof(WCHAR));
	CHECK_EQ(GetClusterNotifyV2(h, &key, &ft, buf, &size, id, &cid, parent,
				    &cparent, name, &cname, type, &ctype, 0),
		 ERROR_SUCCESS);
	CHECK_EQ(key, 4);
	CHECK_EQ(ft.FilterFlags, CLUSTER_CHANGE_RESOURCE_STATE_V2);
	CHECK(tl_u16eq(id, "r1") && tl_u16eq(parent, "g1") &&
	      tl_u16eq(name, "web-ip") && tl_u16eq(type, "IPAddress"));
	CHECK_EQ(*(DWORD *)buf, ClusterResourceFailed);
	free(buf);
	free(id);
	free(parent);
	free(name);
	free(type);
	CHECK(CloseClusterNotifyPort(h));
}

struct racer {
	HCHANGE h;
	DWORD err;
	uint64_t ms;
};

static void *race(void *arg)
{
	struct racer *r = arg;
	uint64_t t0 = tl_now_ms();
	struct note n;

	r->err = get_note(r->h, &n, 2000);
	r->ms = tl_now_ms() - t0;
	return NULL;
}

static void test_timeouts(void)
{
	NOTIFY_FILTER_AND_TYPE f = { CLUSTER_OBJECT_TYPE_NODE, CLUSTER_CHANGE_NODE_STATE_V2 };
	struct racer r[2];
	pthread_t th[2];
	struct note n;
	uint64_t t0;
	HCHANGE h;
	int i;

	h = CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE, hc, &f, 1, 0);
	CHECK(h != NULL);
	t0 = tl_now_ms();
	CHECK_EQ(get_note(h, &n, 300), WAIT_TIMEOUT);
	CHECK(tl_now_ms() - t0 >= 300);
	CHECK(tl_now_ms() - t0 < 2000);

	/*
	 * Two waiters, one event half-way: the loser times out when its own
	 * deadline, fixed at entry, passes, not a full timeout after the wake.
	 */
	for (i = 0; i < 2; i++) {
		r[i].h = h;
		CHECK_EQ(pthread_create(&th[i], NULL, race, &r[i]), 0);
	}
	usleep(1200 * 1000);
	post("event node n1 state payload=u32:0");
	for (i = 0; i < 2; i++)
		CHECK_EQ(pthread_join(th[i], NULL), 0);
	CHECK(r[0].err == ERROR_SUCCESS || r[1].err == ERROR_SUCCESS);
	i = r[0].err == ERROR_SUCCESS;
	CHECK_EQ(r[i].err, WAIT_TIMEOUT);
	CHECK(r[i].ms >= 2000 && r[i].ms < 2900);
	CHECK(CloseClusterNotifyPort(h));
}

static void test_register(void)
{
	NOTIFY_FILTER_AND_TYPE f;
	HGROUP g = OpenClusterGroup(hc, u"web");
	HRESOURCE r = OpenClusterResource(hc, u"web-ip");
	HNETWORK net = OpenClusterNetwork(hc, u"public");
	HNETINTERFACE ni = OpenClusterNetInterface(hc, u"eth0");
	HNODE node = OpenClusterNode(hc, u"n2");
	HKEY root, sub, sub2;
	struct note n;
	HCHANGE h;

	CHECK(g && r && net && ni && node);
	h = CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE,
				      (HCLUSTER)INVALID_HANDLE_VALUE, NULL, 0, 0);
	CHECK(h != NULL);
	f.dwObjectType = CLUSTER_OBJECT_TYPE_GROUP;
	f.FilterFlags = CLUSTER_CHANGE_GROUP_STATE_V2 | CLUSTER_CHANGE_GROUP_HANDLE_CLOSE_V2;
	CHECK_EQ(RegisterClusterNotifyV2(h, f, g, 9), ERROR_SUCCESS);
	CHECK_EQ(RegisterClusterNotifyV2(h, f, r, 9), ERROR_INVALID_PARAMETER);
	CHECK_EQ(RegisterClusterNotifyV2(h, f, BOGUS(HANDLE), 9), ERROR_INVALID_HANDLE);
	CHECK_EQ(RegisterClusterNotifyV2(h, f, NULL, 9), ERROR_INVALID_HANDLE);
	CHECK_EQ(RegisterClusterNotifyV2(BOGUS(HCHANGE), f, g, 9), ERROR_INVALID_HANDLE);
	CHECK_EQ(RegisterClusterNotifyV2(h, f, h, 9), ERROR_INVALID_HANDLE);
	f.FilterFlags = 0;
	CHECK_EQ(RegisterClusterNotifyV2(h, f, g, 9), ERROR_INVALID_PARAMETER);
	f.FilterFlags = CLUSTER_CHANGE_GROUP_ALL_V2 + 1;
	CHECK_EQ(RegisterClusterNotifyV2(h, f, g, 9), ERROR_INVALID_PARAMETER);

	f.dwObjectType = CLUSTER_OBJECT_TYPE_RESOURCE;
	f.FilterFlags = CLUSTER_CHANGE_RESOURCE_STATE_V2;
	CHECK_EQ(RegisterClusterNotifyV2(h, f, r, 10), ERROR_SUCCESS);
	f.dwObjectType = CLUSTER_OBJECT_TYPE_NETWORK;
	f.FilterFlags = CLUSTER_CHANGE_NETWORK_STATE_V2;
	CHECK_EQ(RegisterClusterNotifyV2(h, f, net, 11), ERROR_SUCCESS);
	f.dwObjectType = CLUSTER_OBJECT_TYPE_NETWORK_INTERFACE;
	f.FilterFlags = CLUSTER_CHANGE_NETINTERFACE_STATE_V2;
	CHECK_EQ(RegisterClusterNotifyV2(h, f, ni, 12), ERROR_SUCCESS);
	f.dwObjectType = CLUSTER_OBJECT_TYPE_NODE;
	f.FilterFlags = CLUSTER_CHANGE_NODE_STATE_V2 | CLUSTER_CHANGE_NODE_HANDLE_CLOSE_V2;
	CHECK_EQ(RegisterClusterNotifyV2(h, f, node, 13), ERROR_SUCCESS);
	f.dwObjectType = CLUSTER_OBJECT_TYPE_QUORUM;
	f.FilterFlags = CLUSTER_CHANGE_QUORUM_STATE_V2;
	CHECK_EQ(RegisterClusterNotifyV2(h, f, hc, 14), ERROR_SUCCESS);
	f.dwObjectType = CLUSTER_OBJECT_TYPE_NODE;
	CHECK_EQ(RegisterClusterNotifyV2(h, f, hc, 14), ERROR_INVALID_PARAMETER);

	post("event group g1 state payload=u32:1");
	post("event group g2 state payload=u32:1");
	post("event resource r1 state payload=u32:3");
	post("event network net1 state payload=u32:1");
	post("event netinterface ni1 state payload=u32:2");
	post("event node n1 state payload=u32:0");
	post("event node n2 state payload=u32:2");
	post("event quorum q state payload=u32:1");
	CHECK_EQ(get_note(h, &n, 5000), ERROR_SUCCESS);
	CHECK(n.key == 9 && tl_u16eq(n.id, "g1"));
	CHECK_EQ(get_note(h, &n, 5000), ERROR_SUCCESS);
	CHECK(n.key == 10 && tl_u16eq(n.id, "r1"));
	CHECK_EQ(note_dword(&n), ClusterResourceOffline);
	CHECK_EQ(get_note(h, &n, 5000), ERROR_SUCCESS);
	CHECK(n.key == 11 && tl_u16eq(n.id, "net1"));
	CHECK_EQ(get_note(h, &n, 5000), ERROR_SUCCESS);
	CHECK(n.key == 12 && tl_u16eq(n.id, "ni1") && tl_u16eq(n.parent, "n1"));
	CHECK_EQ(get_note(h, &n, 5000), ERROR_SUCCESS);
	CHECK(n.key == 13 && tl_u16eq(n.id, "n2"));
	CHECK_EQ(get_note(h, &n, 5000), ERROR_SUCCESS);
	CHECK(n.key == 14 && n.ft.dwObjectType == CLUSTER_OBJECT_TYPE_QUORUM);
	CHECK_EQ(get_note(h, &n, 0), WAIT_TIMEOUT);

	/* Closing an object handle ends its registrations, with HANDLE_CLOSE. */
	CHECK(CloseClusterGroup(g));
	CHECK_EQ(get_note(h, &n, 5000), ERROR_SUCCESS);
	CHECK_EQ(n.ft.dwObjectType, CLUSTER_OBJECT_TYPE_GROUP);
	CHECK_EQ(n.ft.FilterFlags, CLUSTER_CHANGE_GROUP_HANDLE_CLOSE_V2);
	CHECK(n.key == 9 && tl_u16eq(n.id, "g1") && tl_u16eq(n.name, "web"));
	post("event group g1 state payload=u32:0");
	CHECK_EQ(get_note(h, &n, 300), WAIT_TIMEOUT);
	/* No HANDLE_CLOSE asked for: none comes. */
	CHECK(CloseClusterResource(r));
	CHECK_EQ(get_note(h, &n, 300), WAIT_TIMEOUT);
	CHECK(CloseClusterNode(node));
	CHECK_EQ(get_note(h, &n, 5000), ERROR_SUCCESS);
	CHECK_EQ(n.ft.FilterFlags, CLUSTER_CHANGE_NODE_HANDLE_CLOSE_V2);
	CHECK_EQ(RegisterClusterNotifyV2(h, f, node, 13), ERROR_INVALID_HANDLE);

	/* Registry keys: a subkey by its path. */
	root = GetClusterKey(hc, KEY_READ);
	CHECK(root != NULL);
	CHECK(GetClusterKey(BOGUS(HCLUSTER), KEY_READ) == NULL);
	CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
	CHECK_EQ(ClusterRegOpenKey(root, u"Params", KEY_READ, &sub), ERROR_SUCCESS);
	CHECK_EQ(ClusterRegOpenKey(sub, u"Inner", KEY_READ, &sub2), ERROR_SUCCESS);
	CHECK_EQ(ClusterRegOpenKey(sub, u"Inner", KEY_READ, NULL), ERROR_INVALID_PARAMETER);
	CHECK_EQ(ClusterRegOpenKey(sub, NULL, KEY_READ, &sub2), ERROR_INVALID_PARAMETER);
	CHECK_EQ(ClusterRegOpenKey(BOGUS(HKEY), u"x", KEY_READ, &sub2), ERROR_INVALID_HANDLE);
	f.dwObjectType = CLUSTER_OBJECT_TYPE_REGISTRY;
	f.FilterFlags = CLUSTER_CHANGE_REGISTRY_VALUE_V2 | CLUSTER_CHANGE_REGISTRY_HANDLE_CLOSE_V2;
	CHECK_EQ(RegisterClusterNotifyV2(h, f, sub2, 15), ERROR_SUCCESS);
	post("event registry Params\\Other value name=x");
	post("event registry Params\\Inner value name=Inner");
	CHECK_EQ(get_note(h, &n, 5000), ERROR_SUCCESS);
	/* Name: the changed key relative to the watched one; ObjectId: the value. */
	CHECK(n.key == 15 && tl_u16eq(n.name, "") && tl_u16eq(n.id, "Inner"));
	CHECK_EQ(n.ft.FilterFlags, CLUSTER_CHANGE_REGISTRY_VALUE_V2);
	CHECK_EQ(ClusterRegCloseKey(sub2), ERROR_SUCCESS);
	CHECK_EQ(get_note(h, &n, 5000), ERROR_SUCCESS);
	CHECK_EQ(n.ft.FilterFlags, CLUSTER_CHANGE_REGISTRY_HANDLE_CLOSE_V2);
	CHECK_EQ(ClusterRegCloseKey(sub2), ERROR_INVALID_HANDLE);
	CHECK_EQ(ClusterRegCloseKey(sub), ERROR_SUCCESS);
	CHECK_EQ(ClusterRegCloseKey(root), ERROR_SUCCESS);

	/* A closed port first, then its objects: nothing is left behind. */
	CHECK(CloseClusterNotifyPort(h));
	CHECK(CloseClusterNetwork(net));
	CHECK(CloseClusterNetInterface(ni));
}

static void test_v1_port(void)
{
	NOTIFY_FILTER_AND_TYPE f = { CLUSTER_OBJECT_TYPE_NODE, CLUSTER_CHANGE_NODE_STATE_V2 };
	HGROUP g = OpenClusterGroup(hc, u"web");
	struct note n;
	HCHANGE v1;

	v1 = CreateClusterNotifyPort(INVALID_HANDLE_VALUE, hc, CLUSTER_CHANGE_NODE_STATE, 1);
	CHECK(v1 != NULL);
	CHECK(CreateClusterNotifyPortV2(v1, hc, &f, 1, 1) == NULL);
	CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	CHECK_EQ(RegisterClusterNotifyV2(v1, f, g, 1), ERROR_INVALID_PARAMETER);
	CHECK_EQ(get_note(v1, &n, 0), ERROR_INVALID_PARAMETER);
	CHECK(CloseClusterNotifyPort(v1));
	CHECK(CloseClusterGroup(g));
}

static void test_event_handle(void)
{
	NOTIFY_FILTER_AND_TYPE f = { CLUSTER_OBJECT_TYPE_NODE, CLUSTER_CHANGE_NODE_STATE_V2 };
	struct pollfd pfd = { .events = POLLIN };
	HANDLE ev = NULL;
	struct note n;
	HCHANGE h;

	h = CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE, hc, &f, 1, 0);
	CHECK(h != NULL);
	CHECK_EQ(GetNotifyEventHandle(h, NULL), ERROR_INVALID_PARAMETER);
	CHECK_EQ(GetNotifyEventHandle(BOGUS(HCHANGE), &ev), ERROR_INVALID_HANDLE);
	CHECK_EQ(GetNotifyEventHandle(h, &ev), ERROR_SUCCESS);
	pfd.fd = (int)(intptr_t)ev;
	CHECK(pfd.fd >= 0);
	CHECK_EQ(poll(&pfd, 1, 0), 0);
	post("event node n1 state payload=u32:0");
	CHECK_EQ(poll(&pfd, 1, 5000), 1);
	CHECK(pfd.revents & POLLIN);
	CHECK_EQ(get_note(h, &n, 0), ERROR_SUCCESS);
	CHECK_EQ(poll(&pfd, 1, 0), 0);
	CHECK(CloseClusterNotifyPort(h));
	CHECK_EQ(GetNotifyEventHandle(h, &ev), ERROR_INVALID_HANDLE);
}

int main(void)
{
	test_last_error();
	tl_require();
	tl_feed_start(&feed, "capi2");
	tl_feed(&feed, "object node n1 node-one state=up");
	tl_feed(&feed, "object node n2 node-two state=up");
	tl_feed(&feed, "object group g1 web parent=n1 state=online");
	tl_feed(&feed, "object group g2 db parent=n2 state=online");
	tl_feed(&feed, "object resource r1 web-ip parent=g1 type-name=IPAddress state=online");
	tl_feed(&feed, "object network net1 public state=up");
	tl_feed(&feed, "object netinterface ni1 eth0 parent=n1 state=up");
	tl_feed(&feed, "object registry Params Params");
	tl_feed(&feed, "object registry Params\\Inner Inner");
	tl_feed_sync(&feed);

	test_open_close();
	test_create();
	test_get();
	test_size_query();
	test_timeouts();
	test_register();
	test_v1_port();
	test_event_handle();
	CHECK(CloseCluster(hc));
	tl_feed_stop(&feed);
	return 0;
}
