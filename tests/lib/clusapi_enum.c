// SPDX-License-Identifier: GPL-2.0
/*
 * clusapi.h enumeration, state and registry reads against a fed cluster:
 * what they return, their buffer rules and their error paths, including a
 * handle of the wrong kind, objects gone, and registry names without case.
 * Also built with -m32.
 */
#include <stdint.h>
#include <string.h>

#include "capi.h"
#include "helpers.h"

static struct tl_feed feed;
static HCLUSTER hc;

#define BOGUS(T)	((T)(uintptr_t)0x12340)

static void test_cluster_enum(void)
{
	WCHAR name[64];
	DWORD type, cch, i, n;
	HCLUSENUM e;
	HNODEENUM ne;
	HNODE node;

	CHECK(!ClusterOpenEnum(hc, 0));
	CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	CHECK(!ClusterOpenEnum(hc, 0x40));
	CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	CHECK(!ClusterOpenEnum(hc, CLUSTER_ENUM_NODE |
				   CLUSTER_ENUM_INTERNAL_NETWORK));
	CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	CHECK(!ClusterOpenEnum(BOGUS(HCLUSTER), CLUSTER_ENUM_NODE));
	CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);

	e = ClusterOpenEnum(hc, CLUSTER_ENUM_NODE | CLUSTER_ENUM_GROUP);
	CHECK(e != NULL);
	/* a snapshot: what comes later is not in it */
	tl_feed(&feed, "object node n9 late state=up");
	tl_feed_sync(&feed);
	n = ClusterGetEnumCount(e);
	CHECK_EQ(n, 5);		/* three nodes, then two groups */

	/* the size: no buffer, a buffer too small, then enough */
	cch = 0;
	CHECK_EQ(ClusterEnum(e, 0, &type, NULL, &cch), ERROR_MORE_DATA);
	CHECK_EQ(cch, 8);	/* node-one */
	cch = 8;
	memset(name, 0x55, sizeof(name));
	CHECK_EQ(ClusterEnum(e, 0, &type, name, &cch), ERROR_MORE_DATA);
	CHECK_EQ(cch, 8);
	cch = 9;
	CHECK_EQ(ClusterEnum(e, 0, &type, name, &cch), ERROR_SUCCESS);
	CHECK_EQ(cch, 8);
	CHECK(tl_u16eq(name, "node-one"));
	CHECK_EQ(type, CLUSTER_ENUM_NODE);
	CHECK_EQ(ClusterEnum(e, 0, &type, name, NULL), ERROR_INVALID_PARAMETER);

	for (i = 0; i < n; i++) {
		cch = 64;
		CHECK_EQ(ClusterEnum(e, i, &type, name, &cch), ERROR_SUCCESS);
		CHECK_EQ(type, i < 3 ? CLUSTER_ENUM_NODE : CLUSTER_ENUM_GROUP);
	}
	cch = 64;
	CHECK(tl_u16eq(name, "db"));
	CHECK_EQ(ClusterEnum(e, n, &type, name, &cch), ERROR_NO_MORE_ITEMS);
	CHECK_EQ(ClusterEnum(e, UINT32_MAX, &type, name, &cch), ERROR_NO_MORE_ITEMS);

	/* another kind of enumeration is not one */
	node = OpenClusterNode(hc, u"node-one");
	ne = ClusterNodeOpenEnum(node, CLUSTER_NODE_ENUM_ALL);
	CHECK(ne != NULL);
	CHECK_EQ(ClusterEnum((HCLUSENUM)ne, 0, &type, name, &cch),
		 ERROR_INVALID_HANDLE);
	CHECK_EQ(ClusterCloseEnum((HCLUSENUM)ne), ERROR_INVALID_HANDLE);
	CHECK_EQ(ClusterCloseEnum((HCLUSENUM)node), ERROR_INVALID_HANDLE);
	CHECK(CloseClusterNode(node));
	/* an interface and a group, in that order */
	CHECK_EQ(ClusterNodeGetEnumCount(ne), 2);
	cch = 64;
	CHECK_EQ(ClusterNodeEnum(ne, 0, &type, name, &cch), ERROR_SUCCESS);
	CHECK_EQ(type, CLUSTER_NODE_ENUM_NETINTERFACES);
	CHECK(tl_u16eq(name, "n1-link0"));
	cch = 64;
	CHECK_EQ(ClusterNodeEnum(ne, 1, &type, name, &cch), ERROR_SUCCESS);
	CHECK_EQ(type, CLUSTER_NODE_ENUM_GROUPS);
	CHECK(tl_u16eq(name, "web"));
	CHECK_EQ(ClusterNodeCloseEnum(ne), ERROR_SUCCESS);
	CHECK_EQ(ClusterNodeCloseEnum(ne), ERROR_INVALID_HANDLE);
	CHECK_EQ(ClusterNodeGetEnumCount(ne), 0);
	CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);

	CHECK_EQ(ClusterCloseEnum(e), ERROR_SUCCESS);
	CHECK_EQ(ClusterCloseEnum(e), ERROR_INVALID_HANDLE);
	CHECK_EQ(ClusterEnum(e, 0, &type, name, &cch), ERROR_INVALID_HANDLE);

	e = ClusterOpenEnum(hc, CLUSTER_ENUM_NODE);
	CHECK_EQ(ClusterGetEnumCount(e), 4);
	CHECK_EQ(ClusterCloseEnum(e), ERROR_SUCCESS);
	tl_feed(&feed, "delete node n9");
	tl_feed_sync(&feed);
}

static void test_cluster_enum_ex(void)
{
	union {
		CLUSTER_ENUM_ITEM item;
		BYTE bytes[256];
	} u;
	HCLUSENUMEX e;
	DWORD cb;

	CHECK(!ClusterOpenEnumEx(hc, CLUSTER_ENUM_RESOURCE, &cb));
	CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	e = ClusterOpenEnumEx(hc, CLUSTER_ENUM_RESOURCE, NULL);
	CHECK(e != NULL);
	CHECK_EQ(ClusterGetEnumCountEx(e), 2);
	cb = 0;
	CHECK_EQ(ClusterEnumEx(e, 0, NULL, &cb), ERROR_MORE_DATA);
	/* the item, then "r1" and "web-ip" with their terminators */
	CHECK_EQ(cb, sizeof(CLUSTER_ENUM_ITEM) + 3 * 2 + 7 * 2);
	cb--;
	CHECK_EQ(ClusterEnumEx(e, 0, &u.item, &cb), ERROR_MORE_DATA);
	CHECK_EQ(ClusterEnumEx(e, 0, NULL, NULL), ERROR_INVALID_PARAMETER);
	cb = sizeof(u);
	CHECK_EQ(ClusterEnumEx(e, 0, &u.item, &cb), ERROR_SUCCESS);
	CHECK_EQ(cb, sizeof(CLUSTER_ENUM_ITEM) + 3 * 2 + 7 * 2);
	CHECK_EQ(u.item.dwVersion, CLUSTER_ENUM_ITEM_VERSION_1);
	CHECK_EQ(u.item.dwType, CLUSTER_ENUM_RESOURCE);
	CHECK_EQ(u.item.cbId, 6);
	CHECK_EQ(u.item.cbName, 14);
	CHECK(tl_u16eq(u.item.lpszId, "r1"));
	CHECK(tl_u16eq(u.item.lpszName, "web-ip"));
	CHECK((BYTE *)u.item.lpszId >= u.bytes + sizeof(u.item) &&
	      (BYTE *)u.item.lpszName + 14 <= u.bytes + cb);
	cb = sizeof(u);
	CHECK_EQ(ClusterEnumEx(e, 2, &u.item, &cb), ERROR_NO_MORE_ITEMS);
	CHECK_EQ(ClusterCloseEnumEx(e), ERROR_SUCCESS);
	CHECK_EQ(ClusterGetEnumCountEx(e), 0);
}

static void test_group_enum(void)
{
	HGROUP g = OpenClusterGroup(hc, u"web");
	WCHAR name[64];
	DWORD type, cch = 64;
	HGROUPENUM e;

	CHECK(g != NULL);
	CHECK(!ClusterGroupOpenEnum(g, 4));
	CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	e = ClusterGroupOpenEnum(g, CLUSTER_GROUP_ENUM_ALL);
	CHECK(e != NULL);
	CHECK_EQ(ClusterGroupGetEnumCount(e), 1);
	CHECK_EQ(ClusterGroupEnum(e, 0, &type, name, &cch), ERROR_SUCCESS);
	CHECK_EQ(type, CLUSTER_GROUP_ENUM_CONTAINS);
	CHECK(tl_u16eq(name, "web-ip"));
	CHECK_EQ(ClusterGroupCloseEnum(e), ERROR_SUCCESS);
	CHECK(CloseClusterGroup(g));
	CHECK(!ClusterGroupOpenEnum(g, CLUSTER_GROUP_ENUM_CONTAINS));
	CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
}

static void test_state(void)
{
	HNODE n1 = OpenClusterNode(hc, u"node-one");
	HNODE n3 = OpenClusterNode(hc, u"node-three");
	HGROUP g = OpenClusterGroup(hc, u"web");
	HRESOURCE r1 = OpenClusterResource(hc, u"web-ip");
	HRESOURCE r2 = OpenClusterResource(hc, u"lone");
	HNETWORK net = OpenClusterNetwork(hc, u"link0");
	HNETINTERFACE ni = OpenClusterNetInterface(hc, u"n1-link0");
	WCHAR node[16], group[16];
	DWORD cn, cg;

	CHECK(n1 && n3 && g && r1 && r2 && net && ni);
	CHECK_EQ(GetClusterNodeState(n1), ClusterNodeUp);
	SetLastError(0);
	CHECK_EQ(GetClusterNodeState(n3), ClusterNodeStateUnknown);
	CHECK_EQ(GetLastError(), ERROR_NOT_READY);
	CHECK_EQ(GetClusterNodeState((HNODE)g), ClusterNodeStateUnknown);
	CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
	CHECK_EQ(GetClusterNetworkState(net), ClusterNetworkUp);
	CHECK_EQ(GetClusterNetInterfaceState(ni), ClusterNetInterfaceUp);

	CHECK_EQ(GetClusterGroupState(g, NULL, NULL), ClusterGroupOnline);
	cn = 0;
	CHECK_EQ(GetClusterGroupState(g, NULL, &cn), ClusterGroupStateUnknown);
	CHECK_EQ(GetLastError(), ERROR_MORE_DATA);
	CHECK_EQ(cn, 8);
	cn = 8;
	CHECK_EQ(GetClusterGroupState(g, node, &cn), ClusterGroupStateUnknown);
	CHECK_EQ(GetLastError(), ERROR_MORE_DATA);
	CHECK_EQ(GetClusterGroupState(g, node, NULL), ClusterGroupStateUnknown);
	CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	cn = 16;
	CHECK_EQ(GetClusterGroupState(g, node, &cn), ClusterGroupOnline);
	CHECK_EQ(cn, 8);
	CHECK(tl_u16eq(node, "node-one"));

	cn = cg = 16;
	CHECK_EQ(GetClusterResourceState(r1, node, &cn, group, &cg),
		 ClusterResourceOnline);
	CHECK(tl_u16eq(node, "node-one") && tl_u16eq(group, "web"));
	CHECK_EQ(cn, 8);
	CHECK_EQ(cg, 3);
	/* one too small: Unknown, and both lengths written */
	cn = 16;
	cg = 3;
	CHECK_EQ(GetClusterResourceState(r1, node, &cn, group, &cg),
		 ClusterResourceStateUnknown);
	CHECK_EQ(GetLastError(), ERROR_MORE_DATA);
	CHECK_EQ(cn, 8);
	CHECK_EQ(cg, 3);
	/* outside any group: no group, no node */
	cn = cg = 16;
	CHECK_EQ(GetClusterResourceState(r2, node, &cn, group, &cg),
		 ClusterResourceOffline);
	CHECK_EQ(cn, 0);
	CHECK_EQ(cg, 0);

	/* state follows the kernel at each call */
	tl_feed(&feed, "event node 1 state payload=state:down");
	tl_feed_sync(&feed);
	CHECK_EQ(GetClusterNodeState(n1), ClusterNodeDown);
	tl_feed(&feed, "event node 1 state payload=state:up");
	tl_feed_sync(&feed);
	CHECK_EQ(GetClusterNodeState(n1), ClusterNodeUp);

	/* gone: the type's NOT_FOUND, the handle still closes */
	tl_feed(&feed, "delete network link0");
	tl_feed_sync(&feed);
	CHECK_EQ(GetClusterNetworkState(net), ClusterNetworkStateUnknown);
	CHECK_EQ(GetLastError(), ERROR_CLUSTER_NETWORK_NOT_FOUND);
	CHECK(CloseClusterNetwork(net));
	tl_feed(&feed, "object network link0 link0 state=up");
	tl_feed_sync(&feed);

	CHECK(CloseClusterNode(n1) && CloseClusterNode(n3));
	CHECK(CloseClusterGroup(g));
	CHECK(CloseClusterResource(r1) && CloseClusterResource(r2));
	CHECK(CloseClusterNetInterface(ni));
}

static void test_information(void)
{
	CLUSTERVERSIONINFO vi;
	WCHAR name[64];
	DWORD cch = 2;

	memset(&vi, 0, sizeof(vi));
	vi.dwVersionInfoSize = sizeof(CLUSTERVERSIONINFO_NT4) - 1;
	CHECK_EQ(GetClusterInformation(hc, name, &cch, &vi),
		 ERROR_INVALID_PARAMETER);
	CHECK_EQ(GetClusterInformation(hc, name, NULL, NULL),
		 ERROR_INVALID_PARAMETER);
	vi.dwVersionInfoSize = sizeof(vi);
	CHECK_EQ(GetClusterInformation(hc, name, &cch, &vi), ERROR_MORE_DATA);
	CHECK_EQ(cch, strlen(feed.name));
	cch = 64;
	CHECK_EQ(GetClusterInformation(hc, name, &cch, &vi), ERROR_SUCCESS);
	CHECK(tl_u16eq(name, feed.name));
	CHECK_EQ(vi.dwVersionInfoSize, sizeof(vi));
	CHECK(vi.MajorVersion >= 3);
	CHECK(tl_u16eq(vi.szVendorId, "Linux clusnotify"));
	CHECK_EQ(vi.dwClusterHighestVersion >> 16, 1);
	CHECK_EQ(GetClusterInformation(BOGUS(HCLUSTER), name, &cch, NULL),
		 ERROR_INVALID_HANDLE);
}

static void test_open_ex(void)
{
	DWORD granted = 0x5a5a;
	HCLUSTER c;
	HNODE n;
	HGROUPSET gs;

	c = OpenClusterEx(tl_u16(feed.name), GENERIC_READ, &granted);
	CHECK(c != NULL);
	CHECK_EQ(granted, GENERIC_READ);
	CHECK(CloseCluster(c));
	granted = 0x5a5a;
	CHECK(!OpenClusterEx(tl_u16(feed.name), GENERIC_ALL, &granted));
	CHECK_EQ(GetLastError(), ERROR_ACCESS_DENIED);
	CHECK_EQ(granted, 0x5a5a);
	CHECK(!OpenClusterNodeEx(hc, u"node-one", 0x1, &granted));
	CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	n = OpenClusterNodeEx(hc, u"node-one", MAXIMUM_ALLOWED, &granted);
	CHECK(n != NULL);
	CHECK_EQ(granted, GENERIC_READ);
	CHECK(CloseClusterNode(n));
	CHECK(!OpenClusterGroupEx(hc, u"nope", GENERIC_READ, NULL));
	CHECK_EQ(GetLastError(), ERROR_GROUP_NOT_FOUND);

	/* by id, never by a name that reads as one: node "2" is named n-2 */
	n = OpenClusterNodeById(hc, 2);
	CHECK(n != NULL);
	CHECK_EQ(GetClusterNodeState(n), ClusterNodeDown);
	CHECK(CloseClusterNode(n));
	CHECK(!OpenClusterNodeById(hc, 77));
	CHECK_EQ(GetLastError(), ERROR_CLUSTER_NODE_NOT_FOUND);

	gs = OpenClusterGroupSet(hc, u"SET1");
	CHECK(gs != NULL);
	CHECK(!OpenClusterGroupSet(hc, u"set2"));
	CHECK_EQ(GetLastError(), ERROR_GROUPSET_NOT_FOUND);
	CHECK(!CloseClusterNode((HNODE)gs));
	CHECK(CloseClusterGroupSet(gs));
	CHECK(!CloseClusterGroupSet(gs));
	CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
}

static void test_registry(void)
{
	static const char16_t lone[] = { 'a', 0xd800, 0 };
	HKEY root = GetClusterKey(hc, KEY_READ), app, sub;
	DWORD subkeys, maxsub, values, maxname, maxdata, sd, type, cb, cch;
	FILETIME ft = { 1, 1 };
	BYTE data[64];
	WCHAR name[64];
	uint64_t q;

	CHECK(root != NULL);
	CHECK_EQ(ClusterRegOpenKey(root, u"APP", KEY_READ, &app), ERROR_SUCCESS);
	CHECK_EQ(ClusterRegQueryInfoKey(app, &subkeys, &maxsub, &values,
					&maxname, &maxdata, &sd, &ft),
		 ERROR_SUCCESS);
	CHECK_EQ(subkeys, 1);
	CHECK_EQ(maxsub, 3);
	CHECK_EQ(values, 3);
	CHECK_EQ(maxname, 5);		/* color, count */
	CHECK_EQ(maxdata, 10);		/* "blue" with its NUL */
	CHECK_EQ(sd, 0);
	CHECK(ft.dwLowDateTime == 0 && ft.dwHighDateTime == 0);

	/* a value: size first, too small, then read; names without case */
	cb = 0;
	CHECK_EQ(ClusterRegQueryValue(app, u"Color", &type, NULL, &cb),
		 ERROR_SUCCESS);
	CHECK_EQ(type, REG_SZ);
	CHECK_EQ(cb, 10);
	cb = 9;
	CHECK_EQ(ClusterRegQueryValue(app, u"color", &type, data, &cb),
		 ERROR_MORE_DATA);
	CHECK_EQ(cb, 10);
	CHECK_EQ(ClusterRegQueryValue(app, u"color", &type, data, &cb),
		 ERROR_SUCCESS);
	CHECK(tl_u16eq((const WCHAR *)data, "blue"));
	CHECK_EQ(ClusterRegQueryValue(app, u"color", &type, data, NULL),
		 ERROR_INVALID_PARAMETER);
	cb = sizeof(data);
	CHECK_EQ(ClusterRegQueryValue(app, u"count", &type, data, &cb),
		 ERROR_SUCCESS);
	CHECK_EQ(type, REG_DWORD);
	CHECK_EQ(cb, 4);
	CHECK_EQ(*(DWORD *)data, 4294967295u);
	cb = sizeof(data);
	CHECK_EQ(ClusterRegQueryValue(app, u"blob", &type, data, &cb),
		 ERROR_SUCCESS);
	CHECK_EQ(type, REG_BINARY);
	CHECK_EQ(cb, 3);
	CHECK(data[0] == 0x00 && data[1] == 0xff && data[2] == 0x10);
	CHECK_EQ(ClusterRegQueryValue(app, u"nope", &type, data, &cb),
		 ERROR_FILE_NOT_FOUND);
	CHECK_EQ(ClusterRegQueryValue(app, NULL, &type, data, &cb),
		 ERROR_FILE_NOT_FOUND);
	CHECK_EQ(ClusterRegQueryValue(app, tl_u16("a-name-longer-than-any-"
						  "object-id-could-hold-at-"
						  "sixty-four-bytes-or-more"),
				      &type, data, &cb),
		 ERROR_FILE_NOT_FOUND);
	CHECK_EQ(ClusterRegQueryValue(app, lone, &type, data, &cb),
		 ERROR_INVALID_PARAMETER);
	/* a value of a subkey is not the key's */
	CHECK_EQ(ClusterRegQueryValue(app, u"big", &type, data, &cb),
		 ERROR_FILE_NOT_FOUND);
	cb = sizeof(data);
	CHECK_EQ(ClusterRegQueryValue(root, u"top", &type, data, &cb),
		 ERROR_SUCCESS);
	CHECK(tl_u16eq((const WCHAR *)data, "x"));

	/* subkeys and values by index */
	cch = 3;
	CHECK_EQ(ClusterRegEnumKey(app, 0, name, &cch, NULL), ERROR_MORE_DATA);
	CHECK_EQ(cch, 3);
	cch = 4;
	CHECK_EQ(ClusterRegEnumKey(app, 0, name, &cch, &ft), ERROR_SUCCESS);
	CHECK(tl_u16eq(name, "sub"));
	CHECK_EQ(ClusterRegEnumKey(app, 1, name, &cch, NULL), ERROR_NO_MORE_ITEMS);
	cch = 64;
	CHECK_EQ(ClusterRegEnumKey(root, 0, name, &cch, NULL), ERROR_SUCCESS);
	CHECK(tl_u16eq(name, "app"));
	cch = 64;
	CHECK_EQ(ClusterRegEnumKey(root, 1, name, &cch, NULL), ERROR_NO_MORE_ITEMS);

	cch = 2;
	cb = 1;
	CHECK_EQ(ClusterRegEnumValue(app, 0, name, &cch, &type, data, &cb),
		 ERROR_MORE_DATA);
	CHECK_EQ(cch, 5);		/* both sizes written back */
	CHECK_EQ(cb, 10);
	cch = 64;
	cb = sizeof(data);
	CHECK_EQ(ClusterRegEnumValue(app, 0, name, &cch, &type, data, &cb),
		 ERROR_SUCCESS);
	CHECK(tl_u16eq(name, "color"));
	CHECK_EQ(type, REG_SZ);
	CHECK_EQ(ClusterRegEnumValue(app, 3, name, &cch, &type, data, &cb),
		 ERROR_NO_MORE_ITEMS);
	CHECK_EQ(ClusterRegEnumValue(app, 0, NULL, &cch, &type, data, &cb),
		 ERROR_INVALID_PARAMETER);

	CHECK_EQ(ClusterRegOpenKey(app, u"Sub", KEY_READ, &sub), ERROR_SUCCESS);
	cb = sizeof(data);
	CHECK_EQ(ClusterRegQueryValue(sub, u"big", &type, data, &cb),
		 ERROR_SUCCESS);
	CHECK_EQ(type, REG_QWORD);
	CHECK_EQ(cb, 8);
	memcpy(&q, data, 8);
	CHECK(q == UINT64_MAX);

	/* a key handle is needed */
	CHECK_EQ(ClusterRegQueryValue((HKEY)hc, u"color", &type, data, &cb),
		 ERROR_INVALID_HANDLE);
	CHECK_EQ(ClusterRegCloseKey(sub), ERROR_SUCCESS);
	CHECK_EQ(ClusterRegQueryInfoKey(sub, &subkeys, NULL, NULL, NULL, NULL,
					NULL, NULL),
		 ERROR_INVALID_HANDLE);
	CHECK_EQ(ClusterRegCloseKey(app), ERROR_SUCCESS);
	CHECK_EQ(ClusterRegCloseKey(root), ERROR_SUCCESS);
}

static void test_object_keys(void)
{
	HNODE n = OpenClusterNode(hc, u"node-one");
	HGROUP g = OpenClusterGroup(hc, u"web");
	HRESOURCE r = OpenClusterResource(hc, u"web-ip");
	HKEY k;
	BYTE data[16];
	DWORD type, cb = sizeof(data);

	k = GetClusterNodeKey(n, KEY_READ);
	CHECK(k != NULL);
	CHECK_EQ(ClusterRegQueryValue(k, u"weight", &type, data, &cb),
		 ERROR_SUCCESS);
	CHECK_EQ(*(DWORD *)data, 7);
	CHECK_EQ(ClusterRegCloseKey(k), ERROR_SUCCESS);
	k = GetClusterGroupKey(g, KEY_READ);
	CHECK(k != NULL);
	CHECK_EQ(ClusterRegQueryValue(k, u"weight", &type, data, &cb),
		 ERROR_FILE_NOT_FOUND);
	CHECK_EQ(ClusterRegCloseKey(k), ERROR_SUCCESS);
	k = GetClusterResourceKey(r, KEY_READ);
	CHECK(k != NULL);
	CHECK_EQ(ClusterRegCloseKey(k), ERROR_SUCCESS);
	CHECK(!GetClusterResourceKey((HRESOURCE)n, KEY_READ));
	CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
	CHECK(CloseClusterNode(n) && CloseClusterGroup(g) &&
	      CloseClusterResource(r));
}

int main(void)
{
	tl_require();
	tl_feed_start(&feed, "cenum");
	tl_feed(&feed, "object node 1 node-one state=up");
	tl_feed(&feed, "object node 2 n-2 state=down");
	tl_feed(&feed, "object node 3 node-three");
	tl_feed(&feed, "object group g1 web parent=1 state=online");
	tl_feed(&feed, "object group g2 db parent=2 state=offline");
	tl_feed(&feed, "object resource r1 web-ip parent=g1 type-name=IPAddress state=online");
	tl_feed(&feed, "object resource r2 lone state=offline");
	tl_feed(&feed, "object network link0 link0 state=up");
	tl_feed(&feed, "object netinterface 1:0 n1-link0 parent=1 state=up");
	tl_feed(&feed, "object groupset gs1 set1");
	/* the registry as clusnotifyd publishes it (clusnotifyd(8)) */
	tl_feed(&feed, "object registry app app");
	tl_feed(&feed, "object registry app\\sub sub");
	tl_feed(&feed, "object registry app=color blue type-name=REG_SZ");
	tl_feed(&feed, "object registry app=count 4294967295 type-name=REG_DWORD");
	tl_feed(&feed, "object registry app=blob 00ff10 type-name=REG_BINARY");
	tl_feed(&feed, "object registry app\\sub=big 18446744073709551615 type-name=REG_QWORD");
	tl_feed(&feed, "object registry =top x type-name=REG_SZ");
	tl_feed(&feed, "object registry Nodes\\1=weight 7 type-name=REG_DWORD");
	tl_feed_sync(&feed);
	hc = OpenCluster(tl_u16(feed.name));
	CHECK(hc != NULL);

	test_cluster_enum();
	test_cluster_enum_ex();
	test_group_enum();
	test_state();
	test_information();
	test_open_ex();
	test_registry();
	test_object_keys();
	CHECK(CloseCluster(hc));
	tl_feed_stop(&feed);
	return 0;
}
